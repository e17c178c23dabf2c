#pragma once
// Spans held in memory with the indexes that order selection needs. Filled by the
// decoders (it is a SpanSink) from files, and later from Jaeger answers and the cache.

#include <ordertrace/decode/decoder.hpp>
#include <ordertrace/model/span.hpp>

#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace ordertrace::source {

class SpanStore : public decode::SpanSink {
public:
  void on_span(model::Span&& span) override;

  std::size_t size() const noexcept;
  const std::vector<model::Span>& spans() const noexcept;

  // Every span of every trace that holds a span whose own attribute under one of
  // `order_id_keys` equals `order_id` (ints compared as decimal text), plus every
  // trace linked to or from those traces (span links, cross-trace parents), followed
  // transitively. Sorted by trace id, then start time. Empty when nothing matches.
  std::vector<model::Span> select_order(const std::string& order_id,
                                        std::span<const std::string> order_id_keys) const;

  // The order ids (own attributes under one of `order_id_keys`, ints as decimal text)
  // on the spans of trace `trace_id` and of the traces joined to it by span links or
  // cross-trace parents, in either direction. Joined traces are followed further only
  // through traces that carry no order id themselves, as select_order does, so a batch
  // trace does not pull in every order behind it. Sorted, each id once; empty when the
  // store does not hold the trace or no span of those traces carries an order id.
  std::vector<std::string> order_ids_in_trace(const model::TraceId& trace_id,
                                              std::span<const std::string> order_id_keys) const;

private:
  std::vector<model::Span> m_spans;
};

// Decodes each file (format detected per file) into `store`. Throws InputError
// naming the file on the first unreadable or malformed one.
void load_files(std::span<const std::filesystem::path> files, SpanStore& store);

} // namespace ordertrace::source

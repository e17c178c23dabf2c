#pragma once
// Groups a set of spans by order without knowing the order ids beforehand (the nightly
// report). Same selection as SpanStore::select_order, done once for every order: the
// traces whose spans carry the order id, plus the traces joined to them by span links or
// cross-trace parents, followed through traces that carry no other order's id. The
// lifecycle engine then applies the inheritance rules to each group.

#include <ordertrace/decode/decoder.hpp>
#include <ordertrace/model/span.hpp>
#include <ordertrace/source/packed_spans.hpp>

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace ordertrace::source {

struct OrderGroup {
  std::string order_id;
  // Indexes into the spans given, each span once (the first copy of a duplicated span
  // id), sorted by trace id, then start time.
  std::vector<std::size_t> spans;
};

// One group per order id found under `order_id_keys` (ints as decimal text), plus one per
// id of `extra_order_ids` (known open orders), empty when no span carries it. Sorted by
// order id, each id once.
std::vector<OrderGroup> group_by_order(std::span<const model::Span> spans,
                                       std::span<const std::string> order_id_keys,
                                       std::span<const std::string> extra_order_ids = {});
// The same groups over a packed store, by its own order_id_keys(), without materialising a
// span: the indexes are the store's.
std::vector<OrderGroup> group_by_order(const PackedSpans& spans,
                                       std::span<const std::string> extra_order_ids = {});

// Decodes each file (format detected per file, "-" for stdin) into `sink`. Throws
// InputError naming the file on the first unreadable or malformed one.
void decode_files(std::span<const std::filesystem::path> files, decode::SpanSink& sink);

// The spans of `group`, copied, for the lifecycle engine.
std::vector<model::Span> spans_of(const OrderGroup& group, std::span<const model::Span> spans);
// The spans of `group`, materialised from the packed store.
std::vector<model::Span> spans_of(const OrderGroup& group, const PackedSpans& spans);

} // namespace ordertrace::source

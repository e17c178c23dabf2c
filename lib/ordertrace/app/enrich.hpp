#pragma once
// `enrich`: support tickets in, the same tickets out with ordertrace's answer added.
// Tickets are CSV (RFC 4180, a header row) or JSON Lines (one object per line), each with
// an order id and/or the trace id a customer saw on an error page. Rows are streamed:
// each is read, judged and written before the next is read, so a file of any size takes
// the memory of one row (plus a bounded memo of judged orders).
//
// Added columns (keys in JSON Lines), always all of them, in this order:
//   ordertrace_order_id       the order judged (from the row, or found in its trace)
//   ordertrace_verdict        COMPLETED, ON_TRACK, STALLED, LOST, ABANDONED, INCONSISTENT,
//                             NOT_FOUND
//   ordertrace_state          last state reached
//   ordertrace_stuck_since    time of the last state (STALLED, LOST, ABANDONED)
//   ordertrace_suspect        service owning the expected next state (STALLED, LOST)
//   ordertrace_service        service of the failing span (may differ from the suspect)
//   ordertrace_operation      operation of the failing span (redacted)
//   ordertrace_trace_id       trace and span id of the failing span (else of the span
//   ordertrace_span_id        that set the last state)
//   ordertrace_error_message  that span's error message (redacted)
//   ordertrace_jaeger_url     Jaeger UI page of that trace
//   ordertrace_error          why this row could not be enriched; empty when it was
// Running enrich on its own output changes nothing but the answers: columns that exist
// already are overwritten where they stand, never added twice; other columns and their
// order are kept as they are.

#include <ordertrace/app/jaeger_search.hpp>
#include <ordertrace/lifecycle/assessment.hpp>
#include <ordertrace/lifecycle/definition.hpp>
#include <ordertrace/model/ids.hpp>
#include <ordertrace/model/span.hpp>
#include <ordertrace/report/render.hpp>
#include <ordertrace/source/span_store.hpp>

#include <array>
#include <cstdint>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace ordertrace::app {

// The columns enrich adds, in the order it appends them.
inline constexpr std::array<std::string_view, 12> k_enrich_columns = {
    "ordertrace_order_id",      "ordertrace_verdict",    "ordertrace_state",
    "ordertrace_stuck_since",   "ordertrace_suspect",    "ordertrace_service",
    "ordertrace_operation",     "ordertrace_trace_id",   "ordertrace_span_id",
    "ordertrace_error_message", "ordertrace_jaeger_url", "ordertrace_error"};

enum class TicketFormat { csv, jsonl };
// "csv", "jsonl".
std::string_view to_string(TicketFormat format) noexcept;
// "csv"; "jsonl", "ndjson" or "json" for JSON Lines; nullopt otherwise.
std::optional<TicketFormat> parse_ticket_format(std::string_view name) noexcept;

// Where enrich and `show --trace` get their answers: trace files or Jaeger.
class OrderSource {
public:
  virtual ~OrderSource() = default;
  // Judges `order_id` as of `now_ns`; an unknown order is a NOT_FOUND assessment. May
  // throw ordertrace::Error (JaegerError, AuthenticationError stop the whole batch).
  virtual JudgedOrder judge(const std::string& order_id, std::int64_t now_ns) = 0;
  // The order ids in `trace_id` and the traces joined to it, sorted, each once; empty
  // when the trace is unknown or carries no order id.
  virtual std::vector<std::string> orders_in_trace(const model::TraceId& trace_id) = 0;
};

// An OrderSource over spans held in memory (trace files). `store` and `definition` must
// outlive it.
class StoreOrderSource : public OrderSource {
public:
  StoreOrderSource(const source::SpanStore& store, const lifecycle::Definition& definition)
      : m_store(store), m_definition(definition) {}
  JudgedOrder judge(const std::string& order_id, std::int64_t now_ns) override;
  std::vector<std::string> orders_in_trace(const model::TraceId& trace_id) override;

private:
  const source::SpanStore& m_store;
  const lifecycle::Definition& m_definition;
};

// Orders of one trace judged, most urgent first (LOST, STALLED, INCONSISTENT, ON_TRACK,
// ABANDONED, COMPLETED, NOT_FOUND; then by order id), for `show --trace` and for a
// ticket that names a trace only. Throws what `source` throws.
std::vector<JudgedOrder> judge_trace(OrderSource& source, const model::TraceId& trace_id,
                                     std::int64_t now_ns);

struct EnrichOptions {
  std::optional<TicketFormat> format;       // nullopt: JSON Lines if the input starts with '{'
  std::string order_id_column = "order_id"; // compared exactly
  std::string trace_id_column = "trace_id"; // 1-32 hex digits; any case
  bool markdown = false;                    // write a Markdown block per ticket instead
  std::int64_t now_ns = 0;                  // judge as of this time
  report::RenderOptions render;             // ui_url for the links; its redactor is ignored
};

struct EnrichStats {
  std::size_t rows = 0;      // tickets read (blank lines not counted)
  std::size_t enriched = 0;  // tickets that got a verdict (NOT_FOUND included)
  std::size_t not_found = 0; // of those, NOT_FOUND
  std::size_t failed = 0;    // tickets that got ordertrace_error instead
};

// Reads tickets from `in` and writes them, enriched, to `out` (or a Markdown block per
// ticket with options.markdown). Each order is judged by `source` at options.now_ns,
// and every text that came from traces passes a Redactor built from
// `definition.redaction` that learned the order's spans. A ticket that cannot be
// enriched (no id, a malformed trace id, a trace without orders, a malformed JSON line,
// a source error other than below) gets ordertrace_error and the batch goes on.
// Throws UsageError before writing anything when the CSV header has neither id column;
// rethrows JaegerError and AuthenticationError (no later row could succeed either);
// throws Error when `out` fails.
EnrichStats run_enrich(const EnrichOptions& options, const lifecycle::Definition& definition,
                       OrderSource& source, std::istream& in, std::ostream& out);

} // namespace ordertrace::app

#include <ordertrace/report/ticket.hpp>
#include <ordertrace/util/time.hpp>

namespace ordertrace::report {
namespace {

const lifecycle::Evidence* first_of_kind(const lifecycle::Assessment& a,
                                         lifecycle::Evidence::Kind kind) {
  for (const auto& evidence : a.evidence) {
    if (evidence.kind == kind) {
      return &evidence;
    }
  }
  return nullptr;
}

} // namespace

TicketSummary summarize(const lifecycle::Assessment& unfiltered, const RenderOptions& options) {
  const lifecycle::Assessment a = redacted(unfiltered, options);
  TicketSummary summary;
  summary.order_id = a.order_id;
  summary.verdict = std::string(lifecycle::to_string(a.verdict));
  summary.reason = a.reason;
  summary.state = a.last_state.value_or("");
  summary.suspect = a.suspect.value_or("");
  const bool stuck = a.verdict == lifecycle::Verdict::stalled ||
                     a.verdict == lifecycle::Verdict::lost ||
                     a.verdict == lifecycle::Verdict::abandoned;
  if (stuck && a.last_state_time_ns) {
    summary.stuck_since = util::format_rfc3339(*a.last_state_time_ns);
  }

  using Kind = lifecycle::Evidence::Kind;
  const lifecycle::Evidence* evidence = first_of_kind(a, Kind::error);
  if (evidence == nullptr) {
    evidence = first_of_kind(a, Kind::unconsumed_message);
  }
  if (evidence == nullptr) {
    evidence = first_of_kind(a, Kind::waiting_message);
  }
  const lifecycle::SpanPointer* span = evidence ? &evidence->span : nullptr;
  if (span == nullptr && a.last_state) {
    for (const auto& transition : a.timeline) {
      if (transition.state == *a.last_state) {
        span = &transition.span;
      }
    }
  }
  if (evidence != nullptr) {
    summary.error = evidence->message;
    summary.queue = evidence->queue;
    summary.http_status = evidence->http_status;
  }
  if (span != nullptr) {
    summary.service = span->service;
    summary.operation = span->operation;
    if (!span->trace_id.empty()) {
      summary.trace_id = span->trace_id.hex();
      summary.jaeger_url = jaeger_trace_url(options.ui_url, span->trace_id);
    }
    if (!span->span_id.empty()) {
      summary.span_id = span->span_id.hex();
    }
  }
  return summary;
}

} // namespace ordertrace::report

#pragma once
// The few facts of a verdict a support ticket needs, in one flat value: what the Markdown
// block shows and what `enrich` adds to each ticket. Built from a redacted copy of the
// assessment, so none of its text carries personal data.

#include <ordertrace/lifecycle/assessment.hpp>
#include <ordertrace/report/render.hpp>

#include <optional>
#include <string>

namespace ordertrace::report {

struct TicketSummary {
  std::string order_id;
  std::string verdict;     // "LOST", as lifecycle.md spells it
  std::string state;       // last state reached; empty when none
  std::string stuck_since; // RFC 3339 time of the last state for STALLED, LOST, ABANDONED
  std::string suspect;     // STALLED and LOST only
  // The span that shows where it went wrong: the first error, else a message nobody
  // consumed, else a waiting message, else the span that set the last state.
  std::string service;
  std::string operation;
  std::string trace_id; // 32 hex digits; empty when there is no such span
  std::string span_id;  // 16 hex digits
  std::string error;    // the span's error message (redacted); empty when none
  std::string queue;
  std::optional<int> http_status;
  std::string jaeger_url; // the UI page of that span's trace
  std::string reason;     // one sentence (redacted)
};

// Summarises `assessment` after passing it through the redactor of `options`; links are
// built on options.ui_url.
TicketSummary summarize(const lifecycle::Assessment& assessment, const RenderOptions& options);

} // namespace ordertrace::report

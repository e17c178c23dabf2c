#include <ordertrace/app/order_record.hpp>

namespace ordertrace::app {

std::vector<model::Span> spans_of(const cache::OrderRecord& record) {
  std::vector<model::Span> spans;
  for (const auto& trace : record.traces) {
    spans.insert(spans.end(), trace.spans.begin(), trace.spans.end());
  }
  return spans;
}

cache::OrderRecord order_record(const std::string& jaeger_key,
                                const lifecycle::Assessment& assessment,
                                const std::vector<model::Span>& spans,
                                const std::map<model::TraceId, std::int64_t>& fetched_at,
                                std::vector<cache::ServiceSearch> searches,
                                const report::Redactor& redactor,
                                const lifecycle::Definition& definition, std::int64_t now_ns) {
  cache::OrderRecord record;
  record.jaeger = jaeger_key;
  record.order_id = assessment.order_id;
  record.verdict = std::string(lifecycle::to_string(assessment.verdict));
  record.last_state = assessment.last_state;
  record.last_state_time_ns = assessment.last_state_time_ns;
  record.suspect = assessment.suspect;
  record.first_seen_ns = assessment.first_seen_ns;
  record.last_seen_ns = assessment.last_seen_ns;
  record.stored_at_ns = now_ns;
  for (const auto& stage : assessment.stages) {
    record.stages.push_back({stage.from_state, stage.to_state, stage.duration_ns});
  }
  std::map<model::TraceId, std::size_t> index;
  for (const auto& span : spans) {
    auto [it, added] = index.emplace(span.trace_id, record.traces.size());
    if (added) {
      const auto fetched = fetched_at.find(span.trace_id);
      record.traces.push_back(
          {span.trace_id, fetched == fetched_at.end() ? now_ns : fetched->second, {}});
    }
    model::Span stored = span;
    redactor.redact(stored, definition);
    record.traces[it->second].spans.push_back(std::move(stored));
  }
  record.searches = std::move(searches);
  return record;
}

} // namespace ordertrace::app

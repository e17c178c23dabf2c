#pragma once
// The records the cache stress tests write: order `k` at generation `g` has a shape that
// depends on g (traces, spans, stages), and every part of it names g, so a reader can tell a
// record that is wholly one generation from a torn one.

#include <ordertrace/cache/cache.hpp>

#include <optional>
#include <string>

namespace ordertrace::test {

inline std::string stress_order_id(int k) {
  return "ORD-STRESS-" + std::to_string(k);
}

inline cache::OrderRecord stress_record(int k, int generation) {
  cache::OrderRecord record;
  record.jaeger = "http://stress.invalid";
  record.order_id = stress_order_id(k);
  record.verdict = generation % 2 == 0 ? "ON_TRACK" : "STALLED";
  record.last_state = "GEN-" + std::to_string(generation);
  record.first_seen_ns = generation;
  record.last_seen_ns = generation;
  record.stored_at_ns = generation;
  auto resource = std::make_shared<model::Resource>();
  resource->service_name = "svc-" + std::to_string(generation);
  for (int t = 0; t < generation % 3 + 1; ++t) {
    cache::CachedTrace trace;
    trace.trace_id = {static_cast<std::uint64_t>(k + 1), static_cast<std::uint64_t>(t + 1)};
    trace.fetched_at_ns = generation;
    for (int s = 0; s < 4; ++s) {
      model::Span span;
      span.trace_id = trace.trace_id;
      span.span_id = {static_cast<std::uint64_t>(s + 1)};
      span.resource = resource;
      span.operation = "op";
      span.start_ns = generation;
      span.end_ns = generation + s;
      span.attributes.push_back({"generation", static_cast<std::int64_t>(generation)});
      span.attributes.push_back({"padding", std::string(200, 'x')});
      trace.spans.push_back(std::move(span));
    }
    record.traces.push_back(std::move(trace));
  }
  for (int i = 0; i < generation % 4; ++i) {
    record.stages.push_back({"A", "B", generation});
  }
  record.searches.push_back({"*", 0, generation});
  return record;
}

// The generation `record` wholly belongs to, or nullopt (with `problem` set) when its parts
// disagree.
inline std::optional<int> stress_generation(const cache::OrderRecord& record,
                                            std::string& problem) {
  if (!record.last_state || record.last_state->rfind("GEN-", 0) != 0) {
    problem = "no generation in last_state";
    return std::nullopt;
  }
  const int generation = std::stoi(record.last_state->substr(4));
  const cache::OrderRecord expected = stress_record(0, generation);
  bool whole = record.stored_at_ns == generation &&
               record.traces.size() == expected.traces.size() &&
               record.stages.size() == expected.stages.size() && record.searches.size() == 1 &&
               record.searches.front().until_ns == generation && record.verdict == expected.verdict;
  for (const auto& trace : record.traces) {
    whole = whole && trace.fetched_at_ns == generation && trace.spans.size() == 4;
    for (const auto& span : trace.spans) {
      const auto* value = model::find_attribute(span.attributes, "generation");
      whole = whole && value != nullptr && std::get<std::int64_t>(*value) == generation &&
              span.service() == "svc-" + std::to_string(generation);
    }
  }
  if (!whole) {
    problem = record.order_id + " is torn: parts of several generations (last_state " +
              *record.last_state + ")";
    return std::nullopt;
  }
  return generation;
}

} // namespace ordertrace::test

#pragma once
// Hand-built assessments, one per verdict, for the renderer tests. Times are fixed so
// that the expected output can be written down in full.

#include <ordertrace/lifecycle/assessment.hpp>
#include <ordertrace/lifecycle/definition.hpp>
#include <ordertrace/util/time.hpp>

#include <string>
#include <vector>

namespace ordertrace::report::testing {

constexpr std::int64_t k_minute = 60 * util::k_ns_per_second;
constexpr std::int64_t k_hour = 60 * k_minute;
constexpr std::int64_t k_day = 24 * k_hour;
// 2026-08-20T10:00:00Z
constexpr std::int64_t k_t0 = 1'787'220'000 * util::k_ns_per_second;

inline model::TraceId trace_a() {
  return *model::TraceId::parse("4bf92f3577b34da6a3ce929d0e0e4736");
}
inline model::TraceId trace_b() {
  return *model::TraceId::parse("0af7651916cd43dd8448eb211c80319c");
}

inline lifecycle::Transition transition(std::string state, std::int64_t time, std::string service,
                                        std::string operation, model::TraceId trace,
                                        std::uint64_t span) {
  lifecycle::Transition t;
  t.state = std::move(state);
  t.time_ns = time;
  t.corrected_time_ns = time;
  t.span = {trace, model::SpanId{span}, std::move(service), std::move(operation), time};
  return t;
}

inline lifecycle::Stage stage(std::string from, std::string to, std::int64_t duration,
                              std::int64_t allowance) {
  return {std::move(from), std::move(to), duration, allowance, duration > allowance};
}

// Submitted, priced, then nothing from crm-api for 4 days (3 allowed).
inline lifecycle::Assessment stalled() {
  lifecycle::Assessment a;
  a.order_id = "ORD-1001";
  a.verdict = lifecycle::Verdict::stalled;
  a.reason = "waiting 4d for MANUFACTURING_APPROVED from crm-api since 2026-08-20T10:30:00Z, "
             "over the allowance of 3d";
  a.timeline = {
      transition("INITIATED", k_t0, "shop-api", "POST /api/cart", trace_a(), 0x1111111111111111),
      transition("SUBMITTED", k_t0 + 12 * k_minute, "shop-api", "POST /api/orders", trace_a(),
                 0x2222222222222222),
      transition("PRICE_CALCULATED", k_t0 + 30 * k_minute, "mes", "CalculatePrice", trace_b(),
                 0x3333333333333333),
  };
  a.timeline[2].source = lifecycle::StateSource::rule;
  a.stages = {stage("INITIATED", "SUBMITTED", 12 * k_minute, 7 * k_day),
              stage("SUBMITTED", "PRICE_CALCULATED", 18 * k_minute, 15 * k_minute)};
  a.last_state = "PRICE_CALCULATED";
  a.last_state_time_ns = k_t0 + 30 * k_minute;
  a.expected_next_state = "MANUFACTURING_APPROVED";
  a.expected_owner = "crm-api";
  a.suspect = "crm-api";
  a.allowance_ns = 3 * k_day;
  a.now_ns = k_t0 + 30 * k_minute + 4 * k_day;
  a.waiting_ns = 4 * k_day;
  a.deadline_ns = k_t0 + 30 * k_minute + 3 * k_day;
  a.traces = {trace_b(), trace_a()};
  a.first_seen_ns = k_t0 - 1 * util::k_ns_per_second;
  a.last_seen_ns = k_t0 + 30 * k_minute;
  return a;
}

// The price call to mes failed with HTTP 500 right after SUBMITTED.
inline lifecycle::Assessment lost() {
  lifecycle::Assessment a;
  a.order_id = "ORD-1002";
  a.verdict = lifecycle::Verdict::lost;
  a.reason = "mes answered HTTP 500 to CalculatePrice after SUBMITTED and no later state came";
  a.timeline = {
      transition("INITIATED", k_t0, "shop-api", "POST /api/cart", trace_a(), 0x1111111111111111),
      transition("SUBMITTED", k_t0 + 5 * k_minute, "shop-api", "POST /api/orders", trace_a(),
                 0x2222222222222222),
  };
  a.stages = {stage("INITIATED", "SUBMITTED", 5 * k_minute, 7 * k_day)};
  a.last_state = "SUBMITTED";
  a.last_state_time_ns = k_t0 + 5 * k_minute;
  a.expected_next_state = "PRICE_CALCULATED";
  a.expected_owner = "mes";
  a.suspect = "mes";
  a.allowance_ns = 15 * k_minute;
  a.now_ns = k_t0 + 10 * k_minute;
  a.waiting_ns = 5 * k_minute;
  a.deadline_ns = k_t0 + 20 * k_minute;
  lifecycle::Evidence e;
  e.kind = lifecycle::Evidence::Kind::error;
  e.span = {trace_a(), model::SpanId{0x53995c3f42cd8ad8}, "mes", "CalculatePrice",
            k_t0 + 5 * k_minute + 2 * util::k_ns_per_second};
  e.message = "NullReferenceException: price table not loaded";
  e.queue = "price.requests";
  e.http_status = 500;
  e.detail = "the call to the owner of PRICE_CALCULATED failed and was not retried";
  a.evidence = {e};
  a.traces = {trace_a()};
  a.first_seen_ns = k_t0;
  a.last_seen_ns = k_t0 + 5 * k_minute + 3 * util::k_ns_per_second;
  return a;
}

inline lifecycle::Assessment completed() {
  lifecycle::Assessment a;
  a.order_id = "ORD-1003";
  a.verdict = lifecycle::Verdict::completed;
  a.reason = "reached CLOSED on 2026-08-22T09:00:00Z";
  a.timeline = {
      transition("SUBMITTED", k_t0, "shop-api", "POST /api/orders", trace_a(), 0x2222222222222222),
      transition("PRICE_CALCULATED", k_t0 + 10 * k_minute, "mes", "CalculatePrice", trace_a(),
                 0x3333333333333333),
      transition("CLOSED", k_t0 + 2 * k_day - k_hour, "crm-api", "CloseOrder", trace_b(),
                 0x4444444444444444),
  };
  a.timeline[1].repeats = 1;
  a.repeats = {a.timeline[1]};
  a.stages = {stage("SUBMITTED", "PRICE_CALCULATED", 10 * k_minute, 15 * k_minute),
              stage("PRICE_CALCULATED", "CLOSED", 2 * k_day - k_hour - 10 * k_minute, 2 * k_day)};
  a.missing_states = {"MANUFACTURING_APPROVED"};
  a.last_state = "CLOSED";
  a.last_state_time_ns = k_t0 + 2 * k_day - k_hour;
  a.warnings = {"required state MANUFACTURING_APPROVED is missing before CLOSED (sampling or an "
                "instrumentation gap)"};
  a.now_ns = k_t0 + 3 * k_day;
  a.traces = {trace_a(), trace_b()};
  a.first_seen_ns = k_t0;
  a.last_seen_ns = k_t0 + 2 * k_day - k_hour;
  return a;
}

inline lifecycle::Assessment not_found() {
  lifecycle::Assessment a;
  a.order_id = "ORD-404";
  a.verdict = lifecycle::Verdict::not_found;
  a.reason = "no span carries order id \"ORD-404\" in the searched data";
  a.now_ns = k_t0;
  return a;
}

inline lifecycle::Assessment with_verdict(lifecycle::Assessment a, lifecycle::Verdict verdict) {
  a.verdict = verdict;
  if (verdict != lifecycle::Verdict::stalled && verdict != lifecycle::Verdict::lost) {
    a.suspect.reset();
  }
  return a;
}

// A small lifecycle for the nightly report's tests: four states owned by mes, a day's
// allowance each, and `endings` besides CLOSED.
inline lifecycle::Definition
four_state_definition(std::vector<lifecycle::EndingDefinition> endings = {}) {
  lifecycle::Definition definition;
  for (const char* name : {"INITIATED", "SUBMITTED", "PRICE_CALCULATED", "CLOSED"}) {
    lifecycle::StateDefinition state;
    state.name = name;
    state.owner = "mes";
    state.allowance = k_day;
    definition.states.push_back(state);
  }
  definition.endings = std::move(endings);
  return definition;
}

} // namespace ordertrace::report::testing

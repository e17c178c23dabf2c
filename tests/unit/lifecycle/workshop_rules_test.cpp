// The workshop's real lifecycle (issue #11): other endings, rework loops, allowances per
// order type, business calendars, next-step hints and the NOT_FOUND reason, on spans built
// in memory against a definition written out here.

#include <ordertrace/lifecycle/engine.hpp>
#include <ordertrace/util/time.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <support/span_builder.hpp>

namespace ordertrace::lifecycle {
namespace {

using model::SpanKind;
using testing::k_day;
using testing::k_hour;
using testing::k_minute;
using testing::k_second;
using testing::k_t0;
using testing::SpanBuilder;

const std::string k_order = "ORD-W";

Definition workshop_definition() {
  Definition d;
  auto state = [&](std::string name, std::string owner, bool required,
                   std::optional<std::int64_t> allowance) {
    d.states.push_back({std::move(name), std::move(owner), required, allowance, {}, {}});
  };
  state("INITIATED", "shop-api", true, 7 * k_day);
  state("FILE_UPLOADED", "shop-api", false, 7 * k_day);
  state("SUBMITTED", "shop-api", true, 15 * k_minute);
  state("PRICE_CALCULATED", "mes", true, 2 * k_day);
  state("MANUFACTURING_APPROVED", "crm-api", true, 3 * k_day);
  state("MANUFACTURING_STARTED", "mes", true, 10 * k_day);
  state("MANUFACTURING_COMPLETED", "mes", true, 1 * k_day);
  state("PACKAGING", "mes", true, 2 * k_day);
  state("SHIPPED", "mes", true, 14 * k_day);
  state("CLOSED", "crm-api", true, std::nullopt);
  d.services = {"shop-api", "crm-api", "mes"};
  d.rules.push_back({"crm-api", "CancelOrder*", std::nullopt, std::nullopt, "CANCELLED"});
  d.endings = {{"CANCELLED", "crm-api"}, {"REFUNDED", "crm-api"}};
  d.back_edges = {{"MANUFACTURING_COMPLETED", "MANUFACTURING_STARTED"},
                  {"PACKAGING", "MANUFACTURING_STARTED"}};
  d.order_types.sets["express"] = {{"PRICE_CALCULATED", 1 * k_day}};
  d.order_types.sets["custom"] = {};
  return d;
}

// Each state set by `order.status` on a span of its own trace, `gap` apart from `start`.
std::int64_t walk(SpanBuilder& b, const std::vector<std::string>& states, std::int64_t start,
                  std::int64_t gap, int& trace) {
  std::int64_t at = start;
  for (const auto& state : states) {
    const std::string service = state == "MANUFACTURING_APPROVED" || state == "CLOSED" ||
                                        state == "CANCELLED" || state == "REFUNDED"
                                    ? "crm-api"
                                : state == "INITIATED" || state == "SUBMITTED" ? "shop-api"
                                                                               : "mes";
    b.add(++trace, service, "set " + state, at, k_second).order(k_order).status(state);
    at += gap;
  }
  return at - gap;
}

bool has_evidence(const Assessment& a, Evidence::Kind kind) {
  return std::any_of(a.evidence.begin(), a.evidence.end(),
                     [&](const Evidence& e) { return e.kind == kind; });
}

const std::vector<std::string> k_to_started = {"INITIATED", "SUBMITTED", "PRICE_CALCULATED",
                                               "MANUFACTURING_APPROVED", "MANUFACTURING_STARTED"};

// --- Endings ------------------------------------------------------------------------

TEST(Endings, ACancelledOrderIsCompletedByItsEndingNeverStalled) {
  SpanBuilder b;
  int trace = 0;
  walk(b, {"INITIATED", "SUBMITTED", "PRICE_CALCULATED", "CANCELLED"}, k_t0, k_hour, trace);
  const auto a = assess(workshop_definition(), b.spans(), k_order, k_t0 + 60 * k_day);
  EXPECT_EQ(a.verdict, Verdict::completed) << a.reason;
  EXPECT_EQ(a.ending, "CANCELLED");
  EXPECT_EQ(a.last_state, "CANCELLED");
  EXPECT_FALSE(a.suspect);
  EXPECT_FALSE(a.expected_next_state);
  EXPECT_TRUE(a.missing_states.empty());
  EXPECT_NE(a.reason.find("CANCELLED"), std::string::npos) << a.reason;
  ASSERT_EQ(a.timeline.size(), 4U);
  EXPECT_EQ(a.timeline.back().state, "CANCELLED");
  EXPECT_TRUE(a.warnings.empty());
  EXPECT_FALSE(a.next_step);
}

TEST(Endings, AreRecognisedByMappingRulesAndEventsToo) {
  SpanBuilder b;
  int trace = 0;
  walk(b, {"INITIATED", "SUBMITTED"}, k_t0, k_minute, trace);
  b.add(++trace, "crm-api", "CancelOrderHandler", k_t0 + k_hour, k_second).order(k_order);
  const auto by_rule = assess(workshop_definition(), b.spans(), k_order, k_t0 + 10 * k_day);
  EXPECT_EQ(by_rule.verdict, Verdict::completed);
  EXPECT_EQ(by_rule.ending, "CANCELLED");
  ASSERT_FALSE(by_rule.timeline.empty());
  EXPECT_EQ(by_rule.timeline.back().source, StateSource::rule);

  SpanBuilder c;
  trace = 0;
  walk(c, {"INITIATED", "SUBMITTED"}, k_t0, k_minute, trace);
  c.add(++trace, "crm-api", "POST /refund", k_t0 + k_hour, k_second)
      .order(k_order)
      .state_event("REFUNDED", k_t0 + k_hour + 1);
  const auto by_event = assess(workshop_definition(), c.spans(), k_order, k_t0 + 10 * k_day);
  EXPECT_EQ(by_event.ending, "REFUNDED");
  EXPECT_EQ(by_event.timeline.back().source, StateSource::event);
}

TEST(Endings, AnOrderWithOnlyAnEndingIsCompleted) {
  SpanBuilder b;
  int trace = 0;
  walk(b, {"CANCELLED"}, k_t0, k_minute, trace);
  const auto a = assess(workshop_definition(), b.spans(), k_order, k_t0 + k_day);
  EXPECT_EQ(a.verdict, Verdict::completed);
  EXPECT_EQ(a.ending, "CANCELLED");
}

TEST(Endings, AStateAfterTheEndingIsAWarningNotAnotherVerdict) {
  SpanBuilder b;
  int trace = 0;
  walk(b, {"INITIATED", "SUBMITTED", "PRICE_CALCULATED", "CANCELLED", "MANUFACTURING_APPROVED"},
       k_t0, k_hour, trace);
  const auto a = assess(workshop_definition(), b.spans(), k_order, k_t0 + 60 * k_day);
  EXPECT_EQ(a.verdict, Verdict::completed);
  EXPECT_EQ(a.ending, "CANCELLED");
  ASSERT_EQ(a.warnings.size(), 1U);
  EXPECT_NE(a.warnings[0].find("MANUFACTURING_APPROVED was reached after the order ended as "
                               "CANCELLED"),
            std::string::npos)
      << a.warnings[0];
}

// --- Rework loops ---------------------------------------------------------------------

TEST(Loops, ADeclaredBackEdgeIsALoopAndTheOrderCompletes) {
  SpanBuilder b;
  int trace = 0;
  auto states = k_to_started;
  for (const char* s : {"MANUFACTURING_COMPLETED", "PACKAGING", "MANUFACTURING_STARTED",
                        "MANUFACTURING_COMPLETED", "PACKAGING", "SHIPPED", "CLOSED"}) {
    states.emplace_back(s);
  }
  walk(b, states, k_t0, k_hour, trace);
  const auto a = assess(workshop_definition(), b.spans(), k_order, k_t0 + 30 * k_day);
  EXPECT_EQ(a.verdict, Verdict::completed) << a.reason;
  ASSERT_EQ(a.loops.size(), 1U);
  EXPECT_EQ(a.loops[0].from_state, "PACKAGING");
  EXPECT_EQ(a.loops[0].to_state, "MANUFACTURING_STARTED");
  EXPECT_EQ(a.loops[0].count, 1);
  EXPECT_FALSE(has_evidence(a, Evidence::Kind::repeated_state));
  EXPECT_TRUE(a.warnings.empty());
  for (const auto& transition : a.timeline) {
    EXPECT_EQ(transition.repeats, 0) << transition.state;
  }
  // The stage out of PACKAGING counts from the second packing, not across the loop.
  const auto shipping = std::find_if(a.stages.begin(), a.stages.end(),
                                     [](const auto& stage) { return stage.to_state == "SHIPPED"; });
  ASSERT_NE(shipping, a.stages.end());
  EXPECT_EQ(shipping->from_state, "PACKAGING");
  EXPECT_EQ(shipping->duration_ns, k_hour);
  EXPECT_FALSE(shipping->over_allowance);
}

TEST(Loops, AnOpenLoopWaitsForTheNextStateFromTheReEntry) {
  SpanBuilder b;
  int trace = 0;
  auto states = k_to_started;
  states.emplace_back("MANUFACTURING_COMPLETED");
  states.emplace_back("MANUFACTURING_STARTED"); // QC rejected the piece
  const std::int64_t reentry = walk(b, states, k_t0, k_day, trace);
  const auto definition = workshop_definition();

  const auto working = assess(definition, b.spans(), k_order, reentry + 5 * k_day);
  EXPECT_EQ(working.verdict, Verdict::on_track) << working.reason;
  EXPECT_EQ(working.last_state, "MANUFACTURING_STARTED");
  EXPECT_EQ(working.last_state_time_ns, reentry + k_second);
  EXPECT_EQ(working.expected_next_state, "MANUFACTURING_COMPLETED");
  EXPECT_EQ(working.deadline_ns, reentry + k_second + 10 * k_day);
  ASSERT_EQ(working.loops.size(), 1U);
  EXPECT_EQ(working.loops[0].from_state, "MANUFACTURING_COMPLETED");

  const auto late = assess(definition, b.spans(), k_order, reentry + 11 * k_day);
  EXPECT_EQ(late.verdict, Verdict::stalled) << late.reason;
  EXPECT_EQ(late.suspect, "mes");
}

TEST(Loops, ALoopTakenTwiceIsCountedTwice) {
  SpanBuilder b;
  int trace = 0;
  auto states = k_to_started;
  for (int i = 0; i < 2; ++i) {
    states.emplace_back("MANUFACTURING_COMPLETED");
    states.emplace_back("MANUFACTURING_STARTED");
  }
  walk(b, states, k_t0, k_hour, trace);
  const auto a = assess(workshop_definition(), b.spans(), k_order, k_t0 + 2 * k_day);
  ASSERT_EQ(a.loops.size(), 1U);
  EXPECT_EQ(a.loops[0].count, 2);
  EXPECT_EQ(a.last_state, "MANUFACTURING_STARTED");
}

TEST(Loops, AnUndeclaredBackEdgeStaysInconsistent) {
  SpanBuilder b;
  int trace = 0;
  auto states = k_to_started;
  states.emplace_back("MANUFACTURING_APPROVED"); // approved again: no such rework is declared
  walk(b, states, k_t0, k_hour, trace);
  const auto a = assess(workshop_definition(), b.spans(), k_order, k_t0 + 2 * k_day);
  EXPECT_EQ(a.verdict, Verdict::inconsistent) << a.reason;
  EXPECT_NE(a.reason.find("not a declared back-edge"), std::string::npos) << a.reason;
  EXPECT_TRUE(a.loops.empty());
}

TEST(Loops, ARedeliveryWithoutGoingBackStaysARepeat) {
  SpanBuilder b;
  int trace = 0;
  auto states = k_to_started;
  states.emplace_back("MANUFACTURING_STARTED");
  walk(b, states, k_t0, k_hour, trace);
  const auto a = assess(workshop_definition(), b.spans(), k_order, k_t0 + 2 * k_day);
  EXPECT_EQ(a.verdict, Verdict::on_track) << a.reason;
  EXPECT_TRUE(a.loops.empty());
  EXPECT_TRUE(has_evidence(a, Evidence::Kind::repeated_state));
  EXPECT_EQ(a.timeline.back().repeats, 1);
}

// --- Allowances per order type ----------------------------------------------------------

Assessment priced_order(const std::string& type, std::int64_t waited) {
  SpanBuilder b;
  int trace = 0;
  const std::int64_t priced =
      walk(b, {"INITIATED", "SUBMITTED", "PRICE_CALCULATED"}, k_t0, k_minute, trace);
  if (!type.empty()) {
    b.spans().front().attributes.push_back({"order.type", type});
  }
  return assess(workshop_definition(), b.spans(), k_order, priced + waited);
}

TEST(OrderTypes, AnExpressOrderIsStalledWhereACustomOneIsOnTrack) {
  const auto express = priced_order("express", 30 * k_hour);
  EXPECT_EQ(express.verdict, Verdict::stalled) << express.reason;
  EXPECT_EQ(express.order_type, "express");
  EXPECT_EQ(express.allowance_set, "express");
  EXPECT_EQ(express.allowance_ns, 1 * k_day);

  const auto custom = priced_order("custom", 30 * k_hour);
  EXPECT_EQ(custom.verdict, Verdict::on_track) << custom.reason;
  EXPECT_EQ(custom.allowance_set, "custom");
  EXPECT_EQ(custom.allowance_ns, 2 * k_day); // an empty set keeps the state's own

  const auto untyped = priced_order("", 30 * k_hour);
  EXPECT_EQ(untyped.verdict, Verdict::on_track);
  EXPECT_FALSE(untyped.order_type);
  EXPECT_FALSE(untyped.allowance_set);
}

TEST(OrderTypes, AnUnknownTypeKeepsTheStatesAllowancesWithAWarning) {
  const auto a = priced_order("bespoke", 30 * k_hour);
  EXPECT_EQ(a.verdict, Verdict::on_track);
  EXPECT_EQ(a.order_type, "bespoke");
  EXPECT_FALSE(a.allowance_set);
  ASSERT_EQ(a.warnings.size(), 1U);
  EXPECT_NE(a.warnings[0].find("\"bespoke\""), std::string::npos) << a.warnings[0];
}

// --- Business calendars ------------------------------------------------------------------

Calendar moscow_workshop() {
  Calendar calendar;
  calendar.name = "workshop";
  calendar.zone = util::TimeZone::find("Europe/Moscow").value();
  calendar.holidays = {{2026, 11, 4}};
  return calendar;
}

std::int64_t at(const char* rfc3339) {
  return util::parse_rfc3339(rfc3339).value();
}

// Priced at `priced`, judged at `now`, with PRICE_CALCULATED's "2d" counted in the workshop
// calendar (2 working days of 9 h) when `with_calendar`.
Assessment priced_at(std::int64_t priced, std::int64_t now, bool with_calendar,
                     const std::string& type = "") {
  Definition definition = workshop_definition();
  if (with_calendar) {
    definition.calendars.emplace("workshop", moscow_workshop());
    definition.states[3].calendar = "workshop";
    definition.states[3].allowance = 2 * 9 * k_hour;
    definition.order_types.sets["express"]["PRICE_CALCULATED"] = 9 * k_hour;
  }
  SpanBuilder b;
  int trace = 0;
  walk(b, {"INITIATED", "SUBMITTED"}, priced - 2 * k_minute, k_minute, trace);
  b.add(++trace, "mes", "price", priced - k_second, k_second)
      .order(k_order)
      .status("PRICE_CALCULATED");
  if (!type.empty()) {
    b.spans().front().attributes.push_back({"order.type", type});
  }
  return assess(definition, b.spans(), k_order, now);
}

TEST(Calendars, AWeekendDoesNotMakeAnApprovalStalled) {
  // Priced on Friday 17:00 in Moscow, looked at on Monday 10:00: two working hours.
  const std::int64_t friday = at("2026-11-20T14:00:00Z");
  const std::int64_t monday = at("2026-11-23T07:00:00Z");
  const auto workshop = priced_at(friday, monday, true);
  EXPECT_EQ(workshop.verdict, Verdict::on_track) << workshop.reason;
  EXPECT_EQ(workshop.calendar, "workshop");
  // 1 h on Friday, 9 h on Monday, 8 h on Tuesday: Tuesday 17:00 Moscow.
  EXPECT_EQ(workshop.deadline_ns, at("2026-11-24T14:00:00Z"));
  EXPECT_NE(workshop.reason.find("2 working days"), std::string::npos) << workshop.reason;

  const auto wall = priced_at(friday, monday, false);
  EXPECT_EQ(wall.verdict, Verdict::stalled) << wall.reason;
  EXPECT_FALSE(wall.calendar);

  const auto wednesday = priced_at(friday, at("2026-11-25T07:00:00Z"), true);
  EXPECT_EQ(wednesday.verdict, Verdict::stalled) << wednesday.reason;
}

TEST(Calendars, AHolidayIsNoWorkingDay) {
  // Priced Tuesday 3 November 10:00 Moscow; 4 November is a holiday: 8 h + 8.5 h by
  // Thursday 17:30 is under 18 h.
  const auto a = priced_at(at("2026-11-03T07:00:00Z"), at("2026-11-05T14:30:00Z"), true);
  EXPECT_EQ(a.verdict, Verdict::on_track) << a.reason;
  EXPECT_EQ(a.deadline_ns, at("2026-11-06T07:00:00Z")); // 8 + 9 + 1 h: Friday 10:00 Moscow
}

TEST(Calendars, LostByTimeCountsTheFactorInWorkingTime) {
  // 3 x 18 working hours from Friday 20 November 17:00 = 54 h (1 + 5 x 9 + 8): Monday
  // 30 November 17:00. The Thursday after the pricing is only STALLED; 7 December is LOST.
  const std::int64_t friday = at("2026-11-20T14:00:00Z");
  EXPECT_EQ(priced_at(friday, at("2026-11-26T14:00:00Z"), true).verdict, Verdict::stalled);
  EXPECT_EQ(priced_at(friday, at("2026-12-07T07:00:00Z"), true).verdict, Verdict::lost);
}

TEST(Calendars, AllowanceSetsApplyUnderCalendarsToo) {
  const std::int64_t monday = at("2026-11-23T07:00:00Z"); // 10:00 Moscow
  // 9 working hours for express: runs out on Tuesday 10:00.
  EXPECT_EQ(priced_at(monday, at("2026-11-24T06:00:00Z"), true, "express").verdict,
            Verdict::on_track);
  const auto late = priced_at(monday, at("2026-11-24T08:00:00Z"), true, "express");
  EXPECT_EQ(late.verdict, Verdict::stalled) << late.reason;
  EXPECT_EQ(late.allowance_set, "express");
  EXPECT_EQ(late.calendar, "workshop");
}

TEST(Calendars, StagesAreOverTheirAllowanceInWorkingTime) {
  Definition definition = workshop_definition();
  definition.calendars.emplace("workshop", moscow_workshop());
  definition.states[3].calendar = "workshop";
  definition.states[3].allowance = 2 * 9 * k_hour;
  SpanBuilder b;
  int trace = 0;
  const std::int64_t friday = at("2026-11-20T14:00:00Z");
  walk(b, {"INITIATED", "SUBMITTED", "PRICE_CALCULATED"}, friday - 2 * k_minute, k_minute, trace);
  // Approved on Tuesday 12:00 Moscow: 64 h of wall time, 13 working hours.
  b.add(++trace, "crm-api", "approve", at("2026-11-24T09:00:00Z"), k_second)
      .order(k_order)
      .status("MANUFACTURING_APPROVED");
  const auto a = assess(definition, b.spans(), k_order, at("2026-11-24T10:00:00Z"));
  const auto stage = std::find_if(a.stages.begin(), a.stages.end(), [](const Stage& s) {
    return s.from_state == "PRICE_CALCULATED";
  });
  ASSERT_NE(stage, a.stages.end());
  EXPECT_FALSE(stage->over_allowance);
  EXPECT_GT(stage->duration_ns, 2 * k_day);
}

// --- Next-step hints --------------------------------------------------------------------

TEST(Hints, TheFirstMatchingHintFillsEveryPlaceholderButTheTimes) {
  Definition definition = workshop_definition();
  definition.hints.push_back({"lost-only", {Verdict::lost}, "*", "*", {{"en", "never here"}}});
  definition.hints.push_back({"approval",
                              {},
                              "none",
                              "PRICE_CALCULATED",
                              {{"en", "approval by {owner} pending since {since} ({state} -> "
                                      "{next_state}, due {deadline})"},
                               {"ru", "ждёт подтверждения с {since}"}}});
  definition.hints.push_back({"fallback", {}, "*", "*", {{"en", "fallback"}}});
  SpanBuilder b;
  int trace = 0;
  const std::int64_t priced =
      walk(b, {"INITIATED", "SUBMITTED", "PRICE_CALCULATED"}, k_t0, k_minute, trace);
  const auto a = assess(definition, b.spans(), k_order, priced + 3 * k_day);
  ASSERT_EQ(a.verdict, Verdict::stalled);
  ASSERT_TRUE(a.next_step);
  EXPECT_EQ(a.next_step->hint, "approval");
  EXPECT_EQ(a.next_step->text.at("en"), "approval by crm-api pending since {since} "
                                        "(PRICE_CALCULATED -> MANUFACTURING_APPROVED, due "
                                        "{deadline})");
  EXPECT_EQ(a.next_step->text.at("ru"), "ждёт подтверждения с {since}");

  const auto on_track = assess(definition, b.spans(), k_order, priced + k_day);
  EXPECT_FALSE(on_track.next_step);
}

TEST(Hints, AnErrorHintCarriesTheFailingSpansFields) {
  Definition definition = workshop_definition();
  definition.hints.push_back({"queue", {}, "unconsumed_message", "*", {{"en", "queue {queue}"}}});
  definition.hints.push_back({"error",
                              {Verdict::lost},
                              "error",
                              "SUBMITTED",
                              {{"en", "{operation} in {service}: HTTP {http_status}, {message}"}}});
  SpanBuilder b;
  int trace = 0;
  walk(b, {"INITIATED", "SUBMITTED"}, k_t0, k_minute, trace);
  b.add(1, "mes", "POST /pricing", k_t0 + 2 * k_minute, k_second)
      .kind(SpanKind::server)
      .order(k_order)
      .attr("http.response.status_code", std::int64_t{500})
      .error("no price for alloy Pt950");
  const auto a = assess(definition, b.spans(), k_order, k_t0 + k_hour);
  ASSERT_EQ(a.verdict, Verdict::lost) << a.reason;
  ASSERT_TRUE(a.next_step);
  EXPECT_EQ(a.next_step->hint, "error");
  EXPECT_EQ(a.next_step->text.at("en"), "POST /pricing in mes: HTTP 500, no price for alloy Pt950");
}

TEST(Hints, AMessageLostInAQueueNamesTheQueue) {
  Definition definition = workshop_definition();
  definition.states[2].queues = {"orders.submitted"};
  definition.hints.push_back(
      {"queue", {Verdict::lost}, "unconsumed_message", "*", {{"en", "stuck in {queue}"}}});
  SpanBuilder b;
  int trace = 0;
  walk(b, {"INITIATED", "SUBMITTED"}, k_t0, k_minute, trace);
  b.add(7, "shop-api", "orders.submitted publish", k_t0 + 2 * k_minute, k_second)
      .kind(SpanKind::producer)
      .order(k_order)
      .queue("orders.submitted");
  const auto a = assess(definition, b.spans(), k_order, k_t0 + k_hour);
  ASSERT_EQ(a.verdict, Verdict::lost) << a.reason;
  ASSERT_TRUE(a.next_step);
  EXPECT_EQ(a.next_step->text.at("en"), "stuck in orders.submitted");
}

// --- NOT_FOUND ------------------------------------------------------------------------------

TEST(NotFound, SaysTheOrderWasNeverSeen) {
  SpanBuilder b;
  b.add(1, "shop-api", "POST /orders", k_t0, k_second).order("ORD-OTHER").status("SUBMITTED");
  const auto a = assess(workshop_definition(), b.spans(), k_order, k_t0 + k_day);
  EXPECT_EQ(a.verdict, Verdict::not_found);
  EXPECT_EQ(a.not_found_reason, "never_seen");
  const auto found = priced_order("", k_hour);
  EXPECT_FALSE(found.not_found_reason);
}

} // namespace
} // namespace ordertrace::lifecycle

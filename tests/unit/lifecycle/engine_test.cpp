// The verdict table of lifecycle.md, one scenario per rule, on spans built in memory.

#include <ordertrace/lifecycle/engine.hpp>

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

// The default lifecycle of lifecycle.md, written out so these tests do not depend on
// the data file (whose loading has tests of its own).
Definition test_definition() {
  Definition d;
  auto state = [&](std::string name, std::string owner, bool required,
                   std::optional<std::int64_t> allowance, std::vector<std::string> queues = {}) {
    d.states.push_back(
        {std::move(name), std::move(owner), required, allowance, std::move(queues), {}});
  };
  state("INITIATED", "shop-api", true, 7 * k_day);
  state("FILE_UPLOADED", "shop-api", false, 7 * k_day);
  state("SUBMITTED", "shop-api", true, 15 * k_minute, {"orders.submitted"});
  state("PRICE_CALCULATED", "mes", true, 2 * k_day);
  state("MANUFACTURING_APPROVED", "crm-api", true, 3 * k_day);
  state("MANUFACTURING_STARTED", "mes", true, 10 * k_day);
  state("MANUFACTURING_COMPLETED", "mes", true, 1 * k_day);
  state("PACKAGING", "mes", true, 2 * k_day);
  state("SHIPPED", "mes", true, 14 * k_day);
  state("CLOSED", "crm-api", true, std::nullopt);
  d.services = {"shop-api", "crm-api", "mes"};
  d.addresses = {{"mes.internal", "mes"}};
  d.rules.push_back({"mes", "CalculatePrice*", std::nullopt, std::nullopt, "PRICE_CALCULATED"});
  return d;
}

const std::string k_order = "ORD-1";

// INITIATED and SUBMITTED in shop-api; returns the SUBMITTED server span.
model::SpanRef submit(SpanBuilder& b, int trace = 1, std::int64_t at = k_t0) {
  b.add(trace, "shop-api", "POST /cart", at - k_hour, 20 * k_second)
      .order(k_order)
      .status("INITIATED");
  return b.add(trace, "shop-api", "POST /orders", at, 200'000'000)
      .order(k_order)
      .status("SUBMITTED")
      .ref();
}

// A message from `parent` to queue "orders.submitted", consumed by mes in the same trace
// (when `consumed`), which then reports PRICE_CALCULATED by the mapping rule.
model::SpanRef publish(SpanBuilder& b, model::SpanRef parent, std::int64_t at) {
  return b.add(1, "shop-api", "orders.submitted publish", at, 5'000'000, parent)
      .kind(SpanKind::producer)
      .queue("orders.submitted")
      .ref();
}

Assessment judge(const SpanBuilder& b, std::int64_t now) {
  return assess(test_definition(), b.spans(), k_order, now);
}

bool has_evidence(const Assessment& a, Evidence::Kind kind) {
  return std::any_of(a.evidence.begin(), a.evidence.end(),
                     [&](const Evidence& e) { return e.kind == kind; });
}

TEST(Engine, NotFoundWhenNoSpanCarriesTheOrder) {
  SpanBuilder b;
  b.add(1, "shop-api", "POST /orders", k_t0, k_second).order("ORD-OTHER").status("SUBMITTED");
  const auto a = judge(b, k_t0 + k_day);
  EXPECT_EQ(a.verdict, Verdict::not_found);
  EXPECT_FALSE(a.suspect);
  EXPECT_TRUE(a.timeline.empty());
}

TEST(Engine, CompletedWhenClosedReachedAndGapsBecomeWarnings) {
  SpanBuilder b;
  submit(b);
  b.add(2, "mes", "CalculatePrice", k_t0 + k_hour, k_second).order(k_order);
  b.add(3, "crm-api", "POST /approve", k_t0 + k_day, k_second)
      .order(k_order)
      .status("MANUFACTURING_APPROVED");
  // MANUFACTURING_STARTED .. SHIPPED were not sampled.
  b.add(4, "crm-api", "POST /close", k_t0 + 20 * k_day, k_second).order(k_order).status("CLOSED");
  const auto a = judge(b, k_t0 + 30 * k_day);
  EXPECT_EQ(a.verdict, Verdict::completed);
  EXPECT_FALSE(a.suspect);
  EXPECT_EQ(a.last_state, "CLOSED");
  ASSERT_EQ(a.timeline.size(), 5U);
  EXPECT_EQ(a.timeline[2].state, "PRICE_CALCULATED");
  EXPECT_EQ(a.timeline[2].source, StateSource::rule);
  EXPECT_EQ(a.missing_states.size(), 4U);
  EXPECT_EQ(a.traces.size(), 4U);
  EXPECT_FALSE(a.warnings.empty());
}

TEST(Engine, LostInQueueOnceTheAllowanceRunsOut) {
  SpanBuilder b;
  auto submitted = submit(b);
  publish(b, submitted, k_t0 + 50'000'000);

  const auto early = judge(b, k_t0 + 10 * k_minute);
  EXPECT_EQ(early.verdict, Verdict::on_track);
  EXPECT_TRUE(has_evidence(early, Evidence::Kind::waiting_message));

  const auto late = judge(b, k_t0 + 20 * k_minute);
  EXPECT_EQ(late.verdict, Verdict::lost);
  EXPECT_EQ(late.suspect, "mes");
  EXPECT_EQ(late.expected_next_state, "PRICE_CALCULATED");
  ASSERT_TRUE(has_evidence(late, Evidence::Kind::unconsumed_message));
  const auto& evidence = *std::find_if(late.evidence.begin(), late.evidence.end(), [](auto& e) {
    return e.kind == Evidence::Kind::unconsumed_message;
  });
  EXPECT_EQ(evidence.queue, "orders.submitted");
  EXPECT_EQ(evidence.span.service, "shop-api");
}

TEST(Engine, ConsumerInALinkedTraceWithoutOrderIdConsumesAndInherits) {
  SpanBuilder b;
  auto submitted = submit(b);
  auto producer = publish(b, submitted, k_t0 + 50'000'000);
  // A new trace, linked to the producer, that carries no order id at all.
  auto consumer = b.add(7, "mes", "orders.submitted process", k_t0 + k_second, 2 * k_second)
                      .kind(SpanKind::consumer)
                      .link(producer)
                      .ref();
  b.add(7, "mes", "CalculatePrice", k_t0 + k_second, k_second, consumer);
  const auto a = judge(b, k_t0 + k_hour);
  EXPECT_EQ(a.verdict, Verdict::on_track);
  EXPECT_EQ(a.last_state, "PRICE_CALCULATED");
  EXPECT_EQ(a.expected_next_state, "MANUFACTURING_APPROVED");
  EXPECT_EQ(a.traces.size(), 2U);
  EXPECT_FALSE(has_evidence(a, Evidence::Kind::waiting_message));
}

TEST(Engine, ConsumerErrorIsLostAtOnceWithTheConsumerAsEvidence) {
  SpanBuilder b;
  auto submitted = submit(b);
  auto producer = publish(b, submitted, k_t0 + 50'000'000);
  b.add(1, "mes", "orders.submitted process", k_t0 + k_second, k_second, producer)
      .kind(SpanKind::consumer)
      .error("PriceCalculationException: no material price for alloy 585");
  const auto a = judge(b, k_t0 + k_minute);
  EXPECT_EQ(a.verdict, Verdict::lost);
  EXPECT_EQ(a.suspect, "mes");
  ASSERT_TRUE(has_evidence(a, Evidence::Kind::error));
  EXPECT_EQ(a.evidence.front().message,
            "PriceCalculationException: no material price for alloy 585");
  EXPECT_NE(a.reason.find("never came"), std::string::npos);
}

TEST(Engine, RedeliveryThatSucceedsCancelsTheConsumerError) {
  SpanBuilder b;
  auto submitted = submit(b);
  auto producer = publish(b, submitted, k_t0 + 50'000'000);
  b.add(1, "mes", "orders.submitted process", k_t0 + k_second, k_second, producer)
      .kind(SpanKind::consumer)
      .error("deadlock");
  auto retry = b.add(1, "mes", "orders.submitted process", k_t0 + k_minute, k_second, producer)
                   .kind(SpanKind::consumer)
                   .ref();
  b.add(1, "mes", "CalculatePrice", k_t0 + k_minute, k_second, retry);
  const auto a = judge(b, k_t0 + k_hour);
  EXPECT_EQ(a.verdict, Verdict::on_track);
  EXPECT_FALSE(has_evidence(a, Evidence::Kind::error));
}

TEST(Engine, SynchronousFiveHundredToTheNextOwnerIsLost) {
  SpanBuilder b;
  auto submitted = submit(b);
  b.add(1, "shop-api", "POST", k_t0 + 10'000'000, 100'000'000, submitted)
      .kind(SpanKind::client)
      .attr("http.response.status_code", std::int64_t{500})
      .attr("server.address", "mes.internal");
  const auto a = judge(b, k_t0 + k_minute);
  EXPECT_EQ(a.verdict, Verdict::lost);
  EXPECT_EQ(a.suspect, "mes");
  ASSERT_FALSE(a.evidence.empty());
  EXPECT_EQ(a.evidence.front().http_status, 500);
  EXPECT_EQ(a.evidence.front().span.service, "shop-api");
}

TEST(Engine, RetriedClientCallIsNotAnError) {
  SpanBuilder b;
  auto submitted = submit(b);
  b.add(1, "shop-api", "POST", k_t0 + 10'000'000, 10'000'000, submitted)
      .kind(SpanKind::client)
      .attr("http.status_code", "503")
      .attr("server.address", "mes.internal");
  b.add(1, "shop-api", "POST", k_t0 + 30'000'000, 10'000'000, submitted)
      .kind(SpanKind::client)
      .attr("http.status_code", std::int64_t{200})
      .attr("server.address", "mes.internal");
  const auto a = judge(b, k_t0 + k_minute);
  EXPECT_EQ(a.verdict, Verdict::on_track);
}

TEST(Engine, ClientFourHundredInErrorIsNotAnError) {
  SpanBuilder b;
  auto submitted = submit(b);
  b.add(1, "shop-api", "GET /price", k_t0 + 10'000'000, 10'000'000, submitted)
      .kind(SpanKind::client)
      .error("Not Found")
      .attr("http.response.status_code", std::int64_t{404})
      .attr("peer.service", "mes");
  EXPECT_EQ(judge(b, k_t0 + k_minute).verdict, Verdict::on_track);
}

TEST(Engine, ErrorInAnotherServiceIsEvidenceNotAVerdict) {
  SpanBuilder b;
  auto submitted = submit(b);
  b.add(1, "shop-api", "INSERT orders_audit", k_t0 + 10'000'000, 10'000'000, submitted)
      .kind(SpanKind::client)
      .error("disk full");
  const auto a = judge(b, k_t0 + k_minute);
  EXPECT_EQ(a.verdict, Verdict::on_track);
  EXPECT_TRUE(has_evidence(a, Evidence::Kind::error));
  EXPECT_FALSE(a.suspect);
}

TEST(Engine, MappingRuleOnAFailedSpanDoesNotReachTheState) {
  SpanBuilder b;
  submit(b);
  b.add(2, "mes", "CalculatePrice", k_t0 + k_minute, k_second).order(k_order).error("timeout");
  const auto a = judge(b, k_t0 + 2 * k_minute);
  EXPECT_EQ(a.last_state, "SUBMITTED");
  EXPECT_EQ(a.verdict, Verdict::lost); // the failure is in mes, owner of PRICE_CALCULATED
}

TEST(Engine, StatusAttributeCountsEvenOnAFailedSpan) {
  SpanBuilder b;
  submit(b);
  b.add(2, "mes", "PriceJob", k_t0 + k_minute, k_second)
      .order(k_order)
      .status("PRICE_CALCULATED")
      .error("late warning");
  EXPECT_EQ(judge(b, k_t0 + 2 * k_minute).last_state, "PRICE_CALCULATED");
}

TEST(Engine, StalledThenLostByTime) {
  SpanBuilder b;
  submit(b);
  b.add(2, "mes", "CalculatePrice", k_t0 + k_hour, k_second).order(k_order);
  const std::int64_t priced = k_t0 + k_hour + k_second;
  EXPECT_EQ(judge(b, priced + k_day).verdict, Verdict::on_track);
  const auto stalled = judge(b, priced + 2 * k_day + k_second);
  EXPECT_EQ(stalled.verdict, Verdict::stalled);
  EXPECT_EQ(stalled.suspect, "crm-api");
  EXPECT_EQ(stalled.expected_next_state, "MANUFACTURING_APPROVED");
  ASSERT_TRUE(stalled.deadline_ns);
  EXPECT_EQ(*stalled.deadline_ns, priced + 2 * k_day);
  const auto lost = judge(b, priced + 6 * k_day);
  EXPECT_EQ(lost.verdict, Verdict::lost);
  EXPECT_EQ(lost.suspect, "crm-api");
}

TEST(Engine, AbandonedCartIsNeverLost) {
  SpanBuilder b;
  b.add(1, "shop-api", "POST /cart", k_t0, k_second).order(k_order).status("INITIATED");
  b.add(1, "shop-api", "POST /models", k_t0 + k_hour, k_second)
      .order(k_order)
      .status("FILE_UPLOADED");
  EXPECT_EQ(judge(b, k_t0 + 2 * k_day).verdict, Verdict::on_track);
  const auto a = judge(b, k_t0 + 60 * k_day);
  EXPECT_EQ(a.verdict, Verdict::abandoned);
  EXPECT_FALSE(a.suspect);
}

TEST(Engine, CausalityBeatsASkewedClock) {
  SpanBuilder b;
  auto submitted = submit(b);
  auto producer = publish(b, submitted, k_t0 + 50'000'000);
  // mes's clock is 10 minutes behind: its consumer "starts" before the publish.
  auto consumer =
      b.add(1, "mes", "orders.submitted process", k_t0 - 10 * k_minute, k_second, producer)
          .kind(SpanKind::consumer)
          .ref();
  b.add(1, "mes", "CalculatePrice", k_t0 - 10 * k_minute, k_second, consumer);
  const auto a = judge(b, k_t0 + k_hour);
  EXPECT_EQ(a.verdict, Verdict::on_track);
  EXPECT_EQ(a.last_state, "PRICE_CALCULATED");
  EXPECT_TRUE(has_evidence(a, Evidence::Kind::clock_skew));
  ASSERT_EQ(a.stages.size(), 2U);
  EXPECT_GE(a.stages[1].duration_ns, 0);
}

TEST(Engine, OutOfOrderWithoutCausalityIsInconsistent) {
  SpanBuilder b;
  submit(b);
  // Approved a day *before* the price existed, in unrelated traces.
  b.add(2, "crm-api", "POST /approve", k_t0 + k_hour, k_second)
      .order(k_order)
      .status("MANUFACTURING_APPROVED");
  b.add(3, "mes", "CalculatePrice", k_t0 + k_day, k_second).order(k_order);
  const auto a = judge(b, k_t0 + 2 * k_day);
  EXPECT_EQ(a.verdict, Verdict::inconsistent);
  EXPECT_NE(a.reason.find("MANUFACTURING_APPROVED came before PRICE_CALCULATED"),
            std::string::npos);
  EXPECT_FALSE(a.suspect);
}

TEST(Engine, MissingRequiredStateIsInconsistent) {
  SpanBuilder b;
  submit(b);
  b.add(2, "crm-api", "POST /approve", k_t0 + k_day, k_second)
      .order(k_order)
      .status("MANUFACTURING_APPROVED");
  const auto a = judge(b, k_t0 + k_day + k_hour);
  EXPECT_EQ(a.verdict, Verdict::inconsistent);
  ASSERT_EQ(a.missing_states.size(), 1U);
  EXPECT_EQ(a.missing_states[0], "PRICE_CALCULATED");
}

TEST(Engine, RepeatedStateIsShownNotARegression) {
  SpanBuilder b;
  submit(b);
  b.add(2, "mes", "CalculatePrice", k_t0 + k_hour, k_second).order(k_order);
  b.add(3, "mes", "CalculatePrice", k_t0 + 2 * k_hour, k_second).order(k_order);
  const auto a = judge(b, k_t0 + 3 * k_hour);
  EXPECT_EQ(a.verdict, Verdict::on_track);
  ASSERT_EQ(a.repeats.size(), 1U);
  EXPECT_EQ(a.timeline.back().repeats, 1);
  EXPECT_EQ(a.timeline.back().time_ns, k_t0 + k_hour + k_second);
  EXPECT_TRUE(has_evidence(a, Evidence::Kind::repeated_state));
}

TEST(Engine, OneRequestReportingAStateTwiceIsNotARepeat) {
  SpanBuilder b;
  submit(b);
  auto route = b.add(2, "mes", "POST /operator/orders/{id}/price", k_t0 + k_hour, k_second)
                   .order(k_order)
                   .status("PRICE_CALCULATED")
                   .ref();
  b.add(2, "mes", "CalculatePrice", k_t0 + k_hour, 500'000'000, route);
  const auto a = judge(b, k_t0 + 2 * k_hour);
  EXPECT_EQ(a.last_state, "PRICE_CALCULATED");
  EXPECT_TRUE(a.repeats.empty());
  EXPECT_FALSE(has_evidence(a, Evidence::Kind::repeated_state));
}

TEST(Engine, EventTimeIsTheTransitionTime) {
  SpanBuilder b;
  b.add(1, "shop-api", "POST /cart", k_t0, k_minute)
      .order(k_order)
      .state_event("INITIATED", k_t0 + k_second);
  const auto a = judge(b, k_t0 + k_hour);
  ASSERT_EQ(a.timeline.size(), 1U);
  EXPECT_EQ(a.timeline[0].time_ns, k_t0 + k_second);
  EXPECT_EQ(a.timeline[0].source, StateSource::event);
}

TEST(Engine, BatchChildrenKeepTheirOwnOrders) {
  SpanBuilder b;
  auto batch = b.add(1, "mes", "NightlyPricing", k_t0, k_minute).order("ORD-BATCH").ref();
  b.add(1, "shop-api", "POST /orders", k_t0 - k_hour, k_second).order(k_order).status("SUBMITTED");
  b.add(1, "shop-api", "POST /cart", k_t0 - 2 * k_hour, k_second)
      .order(k_order)
      .status("INITIATED");
  b.add(1, "mes", "CalculatePrice", k_t0 + k_second, k_second, batch).order(k_order);
  b.add(1, "mes", "CalculatePrice", k_t0 + 2 * k_second, k_second, batch).order("ORD-2");
  const auto a = judge(b, k_t0 + k_hour);
  EXPECT_EQ(a.last_state, "PRICE_CALCULATED");
  EXPECT_EQ(a.timeline.back().span.time_ns, k_t0 + 2 * k_second);
}

TEST(Engine, IntegerOrderIdComparesAsDecimalText) {
  SpanBuilder b;
  b.add(1, "shop-api", "POST /cart", k_t0, k_second)
      .attr("order_id", std::int64_t{1042})
      .status("INITIATED");
  const auto a = assess(test_definition(), b.spans(), "1042", k_t0 + k_hour);
  EXPECT_EQ(a.verdict, Verdict::on_track);
}

TEST(Engine, NestedProducersCountAsOnePublishConsumedThroughTheInnerOne) {
  SpanBuilder b;
  auto submitted = submit(b);
  auto outer = publish(b, submitted, k_t0 + 50'000'000);
  auto inner = b.add(1, "shop-api", "amqp publish", k_t0 + 51'000'000, 1'000'000, outer)
                   .kind(SpanKind::producer)
                   .ref();
  b.add(5, "mes", "process", k_t0 + k_second, k_second).kind(SpanKind::consumer).link(inner);
  const auto a = judge(b, k_t0 + 10 * k_minute);
  EXPECT_EQ(a.verdict, Verdict::on_track);
  EXPECT_FALSE(has_evidence(a, Evidence::Kind::waiting_message));
  // Consumed, but PRICE_CALCULATED never came: lost by time, not in the queue.
  const auto late = judge(b, k_t0 + k_hour);
  EXPECT_EQ(late.verdict, Verdict::lost);
  EXPECT_FALSE(has_evidence(late, Evidence::Kind::unconsumed_message));
}

// The consumer continues the producer's trace and publishes the next message from inside its
// work: a new message to another queue, not a nested publish of the first one.
TEST(Engine, PublishWhileHandlingAMessageIsANewMessage) {
  SpanBuilder b;
  auto submitted = submit(b);
  auto outer = publish(b, submitted, k_t0 + 50'000'000);
  auto consumer = b.add(1, "mes", "orders.submitted process", k_t0 + k_second, 2 * k_second, outer)
                      .kind(SpanKind::consumer)
                      .status("PRICE_CALCULATED")
                      .ref();
  b.add(1, "mes", "orders.priced publish", k_t0 + 2 * k_second, 5'000'000, consumer)
      .kind(SpanKind::producer)
      .queue("orders.priced");
  const auto a = judge(b, k_t0 + 3 * k_day);
  EXPECT_EQ(a.last_state, "PRICE_CALCULATED");
  EXPECT_EQ(a.verdict, Verdict::lost);
  EXPECT_EQ(a.suspect, "crm-api");
  EXPECT_TRUE(has_evidence(a, Evidence::Kind::unconsumed_message));
}

TEST(Engine, ParentCycleInBrokenDataDoesNotHang) {
  SpanBuilder b;
  auto& first = b.add(1, "shop-api", "a", k_t0, k_second).span();
  auto& second = b.add(1, "shop-api", "b", k_t0, k_second, first.ref()).span();
  first.parent = second.ref();
  EXPECT_EQ(judge(b, k_t0).verdict, Verdict::not_found);
}

TEST(Engine, NoLostVerdictFromTheSilenceOfAServiceWhoseSearchFailed) {
  SpanBuilder b;
  auto submitted = submit(b);
  publish(b, submitted, k_t0 + 50'000'000);
  AssessOptions options;
  options.unsearched_services = {"mes"};
  const auto a = assess(test_definition(), b.spans(), k_order, k_t0 + k_day, options);
  EXPECT_EQ(a.verdict, Verdict::stalled);
  EXPECT_EQ(a.suspect, "mes");
  EXPECT_TRUE(has_evidence(a, Evidence::Kind::waiting_message));
  EXPECT_FALSE(a.warnings.empty());
  // Another service's failed search does not hide mes's silence.
  options.unsearched_services = {"crm-api"};
  EXPECT_EQ(assess(test_definition(), b.spans(), k_order, k_t0 + k_day, options).verdict,
            Verdict::lost);
}

TEST(Engine, AnObservedErrorIsLostEvenWhenASearchFailed) {
  SpanBuilder b;
  auto submitted = submit(b);
  auto producer = publish(b, submitted, k_t0 + 50'000'000);
  b.add(1, "mes", "orders.submitted process", k_t0 + k_second, k_second, producer)
      .kind(SpanKind::consumer)
      .error("boom");
  AssessOptions options;
  options.unsearched_services = {"mes"};
  EXPECT_EQ(assess(test_definition(), b.spans(), k_order, k_t0 + k_minute, options).verdict,
            Verdict::lost);
}

} // namespace
} // namespace ordertrace::lifecycle

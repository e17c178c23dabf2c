#include <ordertrace/report/nightly.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "support/span_builder.hpp"
#include "unit/report/sample_assessments.hpp"

namespace ordertrace::report {
namespace {

using namespace ordertrace::report::testing;

lifecycle::Definition small_definition() {
  lifecycle::Definition definition;
  auto state = [](std::string name, std::string owner, std::optional<std::int64_t> allowance) {
    lifecycle::StateDefinition s;
    s.name = std::move(name);
    s.owner = std::move(owner);
    s.allowance = allowance;
    return s;
  };
  definition.states = {state("INITIATED", "shop-api", 7 * k_day),
                       state("SUBMITTED", "shop-api", 15 * k_minute),
                       state("PRICE_CALCULATED", "mes", 2 * k_day),
                       state("MANUFACTURING_APPROVED", "crm-api", 3 * k_day),
                       state("CLOSED", "crm-api", std::nullopt)};
  return definition;
}

std::vector<lifecycle::Assessment> sample_orders() {
  auto second_lost = lost();
  second_lost.order_id = "ORD-1005";
  second_lost.waiting_ns = second_lost.waiting_ns.value_or(0) + k_day;
  return {stalled(), lost(), completed(), not_found(), second_lost};
}

NightlyReport build(const std::vector<lifecycle::Assessment>& orders,
                    const lifecycle::Definition& definition) {
  NightlyBuilder builder(definition, k_t0 - k_day, k_t0 + 10 * k_day, k_t0 + 10 * k_day);
  for (const auto& order : orders) {
    builder.add_order(order, {});
  }
  return builder.finish();
}

TEST(NightlyAggregation, CountsEveryVerdictOnceInSpecOrder) {
  const auto definition = small_definition();
  const auto orders = sample_orders();
  const NightlyReport report = build(orders, definition);
  EXPECT_EQ(report.orders, orders.size());
  ASSERT_EQ(report.verdicts.size(), 7U);
  std::size_t total = 0;
  for (const auto& [verdict, count] : report.verdicts) {
    const auto expected = static_cast<std::size_t>(std::count_if(
        orders.begin(), orders.end(), [&](const auto& o) { return o.verdict == verdict; }));
    EXPECT_EQ(count, expected) << lifecycle::to_string(verdict);
    total += count;
  }
  EXPECT_EQ(total, orders.size());
  EXPECT_EQ(report.verdicts.front().first, lifecycle::Verdict::not_found);
}

TEST(NightlyAggregation, FunnelCountsOrdersThatReachedEachState) {
  const auto definition = small_definition();
  const auto orders = sample_orders();
  const NightlyReport report = build(orders, definition);
  ASSERT_EQ(report.funnel.size(), definition.states.size());
  for (const auto& step : report.funnel) {
    const auto expected = static_cast<std::size_t>(
        std::count_if(orders.begin(), orders.end(), [&](const lifecycle::Assessment& o) {
          return std::any_of(o.timeline.begin(), o.timeline.end(),
                             [&](const auto& t) { return t.state == step.state; });
        }));
    EXPECT_EQ(step.reached, expected) << step.state;
  }
  EXPECT_GT(report.funnel.front().reached, 0U);
}

TEST(NightlyAggregation, TransitionsSummariseStagesWithTheirAllowance) {
  const auto definition = small_definition();
  const auto orders = sample_orders();
  const NightlyReport report = build(orders, definition);
  std::map<std::pair<std::string, std::string>, std::vector<const lifecycle::Stage*>> stages;
  for (const auto& order : orders) {
    for (const auto& stage : order.stages) {
      stages[{stage.from_state, stage.to_state}].push_back(&stage);
    }
  }
  ASSERT_EQ(report.transitions.size(), stages.size());
  for (const auto& t : report.transitions) {
    const auto& list = stages.at({t.from_state, t.to_state});
    EXPECT_EQ(t.durations.count, list.size());
    EXPECT_EQ(t.allowance_ns, list.front()->allowance_ns);
    const auto over = static_cast<std::size_t>(
        std::count_if(list.begin(), list.end(), [](const auto* s) { return s->over_allowance; }));
    EXPECT_EQ(t.over_allowance, over);
    std::int64_t longest = 0;
    for (const auto* s : list) {
      longest = std::max(longest, s->duration_ns);
    }
    EXPECT_EQ(t.durations.max_ns, longest);
  }
}

TEST(NightlyAggregation, SummaryUsesNearestRankQuantiles) {
  std::vector<std::int64_t> values;
  for (int i = 100; i >= 1; --i) {
    values.push_back(i);
  }
  const DurationSummary s = summarize(values);
  EXPECT_EQ(s.count, 100U);
  EXPECT_EQ(s.p50_ns, 50);
  EXPECT_EQ(s.p95_ns, 95);
  EXPECT_EQ(s.p99_ns, 99);
  EXPECT_EQ(s.max_ns, 100);
  std::vector<std::int64_t> none;
  EXPECT_EQ(summarize(none).count, 0U);
}

TEST(NightlyAggregation, LostBeforeStalledAndGroupedByStateAndSuspect) {
  const auto definition = small_definition();
  const auto orders = sample_orders();
  const NightlyReport report = build(orders, definition);
  std::size_t problems = 0;
  for (const auto& o : orders) {
    problems += o.verdict == lifecycle::Verdict::lost || o.verdict == lifecycle::Verdict::stalled;
  }
  ASSERT_EQ(report.problems.size(), problems);
  bool seen_stalled = false;
  for (const auto& o : report.problems) {
    if (o.verdict == lifecycle::Verdict::stalled) {
      seen_stalled = true;
    } else {
      EXPECT_FALSE(seen_stalled) << "a LOST order after a STALLED one";
    }
  }
  // Of two lost orders, the one waiting longer comes first.
  EXPECT_EQ(report.problems.front().order_id, "ORD-1005");
  for (const auto* groups : {&report.by_state, &report.by_suspect}) {
    std::size_t grouped = 0;
    for (const auto& group : *groups) {
      EXPECT_EQ(group.orders.size(), group.lost + group.stalled);
      for (std::size_t index : group.orders) {
        ASSERT_LT(index, report.problems.size());
      }
      grouped += group.orders.size();
    }
    EXPECT_EQ(grouped, problems);
  }
  for (const auto& group : report.by_state) {
    for (std::size_t index : group.orders) {
      EXPECT_EQ(report.problems[index].last_state.value_or("(no state)"), group.key);
    }
  }
  for (const auto& group : report.by_suspect) {
    for (std::size_t index : group.orders) {
      EXPECT_EQ(group.key.rfind(report.problems[index].suspect.value_or("(unknown)"), 0), 0U)
          << group.key;
    }
  }
}

TEST(NightlyAggregation, BusinessFiguresCountSpansInsideTheWindowOnly) {
  using ordertrace::testing::SpanBuilder;
  SpanBuilder b;
  const std::int64_t from = ordertrace::testing::k_t0;
  const std::int64_t until = from + ordertrace::testing::k_day;
  b.add(1, "mes", "POST api/pricing/calculate", from + 10, 10)
      .kind(model::SpanKind::server)
      .attr("http.response.status_code", std::int64_t{500});
  b.add(2, "mes", "POST api/pricing/calculate", from + 30, 10)
      .kind(model::SpanKind::server)
      .attr("http.status_code", std::string("503"));
  b.add(3, "shop-api", "POST /api/orders", from + 50, ordertrace::testing::k_second)
      .kind(model::SpanKind::server)
      .attr("http.response.status_code", std::int64_t{200});
  // Before the window: neither counted nor timed.
  b.add(4, "mes", "POST api/pricing/calculate", from - 100, 10)
      .kind(model::SpanKind::server)
      .attr("http.response.status_code", std::int64_t{500});
  const auto spans = b.spans();
  const lifecycle::Definition no_states; // the builder keeps a reference: it must outlive it
  NightlyBuilder builder(no_states, from, until, until);
  builder.add_spans(spans);
  const NightlyReport report = builder.finish();
  EXPECT_EQ(report.spans, 3U);
  ASSERT_EQ(report.business.http_5xx.size(), 1U);
  EXPECT_EQ(report.business.http_5xx[0].service, "mes");
  EXPECT_EQ(report.business.http_5xx[0].count, 2U);
  std::size_t timed = 0;
  for (const auto& item : report.business.entry_latency) {
    timed += item.durations.count;
    if (item.service == "shop-api") {
      EXPECT_EQ(item.durations.p50_ns, ordertrace::testing::k_second);
    }
  }
  EXPECT_EQ(timed, 3U);
}

TEST(NightlyAggregation, CompletedOrdersAndClosedInWindow) {
  const auto definition = small_definition();
  auto inside = completed();
  auto outside = completed();
  outside.order_id = "ORD-OLD";
  outside.last_state_time_ns = k_t0 - 5 * k_day;
  const NightlyReport report = build({inside, outside, stalled()}, definition);
  EXPECT_EQ(report.business.completed_orders, 2U);
  const bool inside_in_window = inside.last_state_time_ns &&
                                *inside.last_state_time_ns >= k_t0 - k_day &&
                                *inside.last_state_time_ns < k_t0 + 10 * k_day;
  EXPECT_EQ(report.business.closed_in_window, inside_in_window ? 1U : 0U);
}

TEST(LearnedAllowances, NeedEnoughSamplesPerState) {
  std::vector<TransitionSample> samples;
  for (int i = 1; i <= 100; ++i) {
    samples.push_back({"SUBMITTED", "PRICE_CALCULATED", static_cast<double>(i) * 60});
  }
  for (int i = 1; i <= 5; ++i) {
    samples.push_back({"PRICE_CALCULATED", "MANUFACTURING_APPROVED", 3600});
  }
  samples.push_back({"SUBMITTED", "PRICE_CALCULATED", -5}); // ignored
  LearnOptions options;
  options.min_samples = 20;
  options.quantile = 0.95;
  options.margin = 2.0;
  const auto learned = learn_allowances(samples, options);
  ASSERT_EQ(learned.size(), 1U);
  EXPECT_EQ(learned.at("SUBMITTED"), 2 * 95 * 60 * util::k_ns_per_second);
}

TEST(LearnedAllowances, FallBackToConfigWithoutHistoryAndSaySo) {
  auto definition = small_definition();
  const auto before = definition.states[1].allowance;
  const auto choice = choose_allowances(AllowanceMode::learned, {}, definition);
  EXPECT_EQ(choice.requested, AllowanceMode::learned);
  EXPECT_EQ(choice.used, AllowanceMode::config);
  EXPECT_NE(choice.note.find("configured"), std::string::npos);
  EXPECT_EQ(definition.states[1].allowance, before);
}

TEST(LearnedAllowances, AreAppliedToTheStatesThatHaveThem) {
  auto definition = small_definition();
  std::vector<TransitionSample> samples;
  for (int i = 0; i < 50; ++i) {
    samples.push_back({"SUBMITTED", "PRICE_CALCULATED", 600});
  }
  LearnOptions options;
  options.margin = 1.0;
  const auto config_allowance = definition.states[2].allowance;
  const auto choice = choose_allowances(AllowanceMode::learned, samples, definition, options);
  EXPECT_EQ(choice.used, AllowanceMode::learned);
  EXPECT_EQ(definition.states[1].allowance, 600 * util::k_ns_per_second);
  EXPECT_EQ(definition.states[2].allowance, config_allowance);
  EXPECT_EQ(choice.learned.size(), 1U);
  EXPECT_NE(choice.note.find("learned"), std::string::npos);
}

TEST(LearnedAllowances, SamplesComeFromCompletedOrdersOnly) {
  const std::vector<lifecycle::Assessment> orders = {completed(), stalled(), lost()};
  const auto samples = transition_samples(orders);
  EXPECT_EQ(samples.size(), completed().stages.size());
}

} // namespace
} // namespace ordertrace::report

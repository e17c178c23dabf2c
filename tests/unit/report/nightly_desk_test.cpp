// The support desk's view of the nightly report: acknowledged problems listed after the new
// ones and not counted for exit 3, "new since the last run", endings counted apart, notes
// redacted in every format.

#include <ordertrace/report/nightly.hpp>
#include <ordertrace/util/time.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <sstream>

#include "unit/report/sample_assessments.hpp"

namespace ordertrace::report {
namespace {

using namespace ordertrace::report::testing;

lifecycle::Definition definition_with_endings() {
  return four_state_definition({{"CANCELLED", "crm-api"}, {"REFUNDED", "crm-api"}});
}

lifecycle::Assessment renamed(lifecycle::Assessment a, std::string id) {
  a.order_id = std::move(id);
  return a;
}

lifecycle::Assessment ended(std::string id, std::string ending) {
  auto a = renamed(completed(), std::move(id));
  a.ending = std::move(ending);
  return a;
}

// Two lost orders (ORD-L1 waits longest), one stalled, completed ones with endings.
NightlyReport build(const lifecycle::Definition& definition,
                    std::map<std::string, Acknowledgement> acks,
                    std::optional<std::optional<PreviousRun>> previous) {
  NightlyBuilder builder(definition, k_t0 - k_day, k_t0 + 10 * k_day, k_t0 + 10 * k_day);
  auto longest = renamed(lost(), "ORD-L1");
  longest.waiting_ns = longest.waiting_ns.value_or(0) + k_day;
  for (auto order : {longest, renamed(lost(), "ORD-L2"), renamed(stalled(), "ORD-S1"),
                     renamed(completed(), "ORD-C1"), ended("ORD-C2", "CANCELLED"),
                     ended("ORD-C3", "CANCELLED"), ended("ORD-C4", "REFUNDED")}) {
    builder.add_order(std::move(order), {});
  }
  builder.set_acknowledgements(std::move(acks));
  if (previous) {
    builder.set_previous_run(*previous);
  }
  return builder.finish();
}

std::vector<std::string> problem_ids(const NightlyReport& report) {
  std::vector<std::string> ids;
  for (const auto& order : report.problems) {
    ids.push_back(order.order_id);
  }
  return ids;
}

std::string render(NightlyFormat format, const NightlyReport& report) {
  std::ostringstream out;
  render_nightly(out, format, report, {});
  return out.str();
}

TEST(NightlyDesk, AcknowledgedProblemsComeAfterTheNewOnesAndAreNotUnacknowledgedLost) {
  const auto definition = definition_with_endings();
  const auto without = build(definition, {}, std::nullopt);
  EXPECT_EQ(problem_ids(without), (std::vector<std::string>{"ORD-L1", "ORD-L2", "ORD-S1"}));
  EXPECT_EQ(without.unacknowledged_lost(), 2U);
  EXPECT_EQ(without.acknowledged_count(), 0U);

  const auto report =
      build(definition, {{"ORD-L1", {"SUP-7", k_t0, k_t0 + 20 * k_day}}}, std::nullopt);
  EXPECT_EQ(problem_ids(report), (std::vector<std::string>{"ORD-L2", "ORD-S1", "ORD-L1"}));
  ASSERT_EQ(report.problem_status.size(), 3U);
  EXPECT_FALSE(report.problem_status[0].acknowledged);
  ASSERT_TRUE(report.problem_status[2].acknowledged);
  EXPECT_EQ(report.problem_status[2].acknowledged->note, "SUP-7");
  EXPECT_EQ(report.unacknowledged_lost(), 1U);
  EXPECT_EQ(report.acknowledged_count(), 1U);
  EXPECT_EQ(report.count(lifecycle::Verdict::lost), 2U) << "the verdict counts stay whole";
  // The groups still point at the right orders after the reordering.
  for (const auto& group : report.by_state) {
    for (auto index : group.orders) {
      EXPECT_EQ(report.problems[index].last_state.value_or("(no state)"), group.key);
    }
  }

  const auto all = build(
      definition, {{"ORD-L1", {"SUP-7", k_t0, std::nullopt}}, {"ORD-L2", {"SUP-8", k_t0, {}}}},
      std::nullopt);
  EXPECT_EQ(all.unacknowledged_lost(), 0U);
}

TEST(NightlyDesk, NewSinceTheLastRunComparesWithThePreviousProblems) {
  const auto definition = definition_with_endings();
  const auto uncompared = build(definition, {}, std::nullopt);
  EXPECT_FALSE(uncompared.compared_with_previous_run);
  for (const auto& status : uncompared.problem_status) {
    EXPECT_FALSE(status.new_since_last_run);
  }

  const auto first = build(definition, {}, std::optional<PreviousRun>{});
  EXPECT_TRUE(first.compared_with_previous_run);
  for (const auto& status : first.problem_status) {
    EXPECT_TRUE(status.new_since_last_run) << "no earlier run: every problem is new";
  }

  const auto next = build(
      definition, {}, std::optional<PreviousRun>{PreviousRun{k_t0, k_t0, {"ORD-L1", "ORD-S1"}}});
  ASSERT_EQ(problem_ids(next), (std::vector<std::string>{"ORD-L1", "ORD-L2", "ORD-S1"}));
  EXPECT_FALSE(next.problem_status[0].new_since_last_run);
  EXPECT_TRUE(next.problem_status[1].new_since_last_run);
  EXPECT_FALSE(next.problem_status[2].new_since_last_run);

  const auto json = nlohmann::json::parse(render(NightlyFormat::json, next));
  EXPECT_EQ(json["new_since_last_run"], nlohmann::json::array({"ORD-L2"}));
  EXPECT_EQ(json["problems"][1]["new_since_last_run"], true);
  EXPECT_EQ(json["previous_run"]["problems"], nlohmann::json({"ORD-L1", "ORD-S1"}));
  const std::string text = render(NightlyFormat::text, next);
  const auto section = text.find("New since the last run");
  ASSERT_NE(section, std::string::npos);
  EXPECT_NE(text.find("LOST ORD-L2", section), std::string::npos) << text;
}

TEST(NightlyDesk, EndingsAreCountedApartAmongTheCompleted) {
  const auto report = build(definition_with_endings(), {}, std::nullopt);
  EXPECT_EQ(report.count(lifecycle::Verdict::completed), 4U);
  EXPECT_EQ(report.endings,
            (std::vector<std::pair<std::string, std::size_t>>{{"CANCELLED", 2}, {"REFUNDED", 1}}));
  const auto json = nlohmann::json::parse(render(NightlyFormat::json, report));
  EXPECT_EQ(json["endings"]["CANCELLED"], 2);
  EXPECT_EQ(json["endings"]["REFUNDED"], 1);
  EXPECT_EQ(json["verdicts"]["LOST"], 2) << "an ending is never lost";
  const std::string text = render(NightlyFormat::text, report);
  EXPECT_NE(text.find("(cancelled 2, refunded 1)"), std::string::npos) << text;
}

TEST(NightlyDesk, EveryFormatShowsTheKnownProblemWithItsRedactedNote) {
  const auto definition = definition_with_endings();
  const auto report = build(
      definition, {{"ORD-L1", {"SUP-7 called jane.doe@example.com", k_t0, k_t0 + 20 * k_day}}},
      std::optional<PreviousRun>{});
  for (const auto& name : nightly_format_names()) {
    const std::string text = render(*parse_nightly_format(name), report);
    EXPECT_EQ(text.find("jane.doe"), std::string::npos) << name;
    EXPECT_NE(text.find("SUP-7 called"), std::string::npos) << name;
  }
  const auto json = nlohmann::json::parse(render(NightlyFormat::json, report));
  EXPECT_EQ(json["known"], nlohmann::json::array({"ORD-L1"}));
  EXPECT_EQ(json["new_problems"], nlohmann::json({"ORD-L2", "ORD-S1"}));
  EXPECT_EQ(json["lost_unacknowledged"], 1);
  EXPECT_EQ(json["lost_acknowledged"], 1);
  EXPECT_EQ(json["problems"][2]["acknowledged"]["until"], util::format_rfc3339(k_t0 + 20 * k_day));
  EXPECT_TRUE(json["problems"][0]["acknowledged"].is_null());
  const std::string html = render(NightlyFormat::html, report);
  EXPECT_LT(html.find("New problems"), html.find("Known problems"));
  std::ostringstream metrics;
  render_nightly_metrics(metrics, report, 1.0, k_t0);
  EXPECT_NE(metrics.str().find("\nordertrace_report_known_lost_orders 1\n"), std::string::npos)
      << metrics.str();
}

TEST(NightlyDesk, TextSaysWhenTheAllowanceRunsOutAndTheNextStep) {
  auto order = renamed(lost(), "ORD-N1");
  order.now_ns = *order.deadline_ns + k_day;
  order.next_step = lifecycle::NextStep{"queue-unconsumed",
                                        {{"en", "waiting since {since}: check the consumer"}}};
  const auto definition = definition_with_endings();
  NightlyBuilder builder(definition, k_t0 - k_day, order.now_ns, order.now_ns);
  builder.add_order(order, {});
  const std::string text = render(NightlyFormat::text, builder.finish());
  EXPECT_NE(text.find("Deadline: " + util::format_rfc3339(*order.deadline_ns).substr(0, 19)),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("(over by 1d)"), std::string::npos) << text;
  EXPECT_NE(text.find("Next step: waiting since " +
                      util::format_rfc3339(*order.last_state_time_ns).substr(0, 19)),
            std::string::npos)
      << text;
  // Markdown lists them under the problems table.
  NightlyBuilder again(definition, k_t0 - k_day, order.now_ns, order.now_ns);
  again.add_order(order, {});
  const std::string markdown = render(NightlyFormat::md, again.finish());
  EXPECT_NE(markdown.find(
                "- `ORD-N1` Deadline: " + util::format_rfc3339(*order.deadline_ns).substr(0, 19) +
                "Z (over by 1d). Next step: waiting since"),
            std::string::npos)
      << markdown;
}

} // namespace
} // namespace ordertrace::report

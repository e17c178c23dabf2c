#include <ordertrace/report/nightly.hpp>
#include <ordertrace/report/redaction.hpp>
#include <ordertrace/report/render.hpp>
#include <ordertrace/report/text_layout.hpp>
#include <ordertrace/util/time_zone.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

#include "unit/report/sample_assessments.hpp"

namespace ordertrace::report {
namespace {

using namespace ordertrace::report::testing;

constexpr const char* k_email = "jane.doe@example.com";
constexpr const char* k_card = "4111 1111 1111 1111";

// A lost order whose free text carries personal data and markup.
lifecycle::Assessment hostile_lost() {
  auto a = lost();
  a.order_id = "ORD-<b>&\"9\"";
  a.reason = std::string("mes failed for ") + k_email;
  lifecycle::Evidence evidence;
  evidence.kind = lifecycle::Evidence::Kind::error;
  evidence.span = {trace_b(), model::SpanId{0x4444}, "mes", "<script>alert(1)</script>", k_t0};
  evidence.message = std::string("payment with card ") + k_card + ", =cmd|' /C calc'!A0";
  evidence.queue = "orders,priced";
  evidence.http_status = 500;
  a.evidence.insert(a.evidence.begin(), evidence);
  return a;
}

NightlyReport sample_report() {
  const lifecycle::Definition definition = four_state_definition();
  NightlyBuilder builder(definition, k_t0 - k_day, k_t0 + 10 * k_day, k_t0 + 10 * k_day);
  for (auto order : {stalled(), hostile_lost(), completed(), not_found()}) {
    builder.add_order(std::move(order), {});
  }
  auto report = builder.finish();
  report.source = std::string("files from ") + k_email;
  report.warnings.push_back(std::string("trace of ") + k_email + " incomplete");
  return report;
}

std::string render(NightlyFormat format, const NightlyReport& report) {
  std::ostringstream out;
  NightlyRenderOptions options;
  options.ui_url = "https://jaeger.example/ui";
  render_nightly(out, format, report, options);
  return out.str();
}

TEST(NightlyFormats, AreLookedUpByName) {
  for (const auto& name : nightly_format_names()) {
    const auto format = parse_nightly_format(name);
    ASSERT_TRUE(format) << name;
    EXPECT_EQ(to_string(*format), name);
  }
  EXPECT_FALSE(parse_nightly_format("pdf"));
}

TEST(NightlyFormats, NoneShowsPersonalData) {
  const auto report = sample_report();
  for (const auto& name : nightly_format_names()) {
    const std::string text = render(*parse_nightly_format(name), report);
    EXPECT_EQ(text.find(k_email), std::string::npos) << name;
    EXPECT_EQ(text.find("4111"), std::string::npos) << name;
    // Markdown escapes the brackets of "[redacted]".
    EXPECT_NE(text.find("redacted"), std::string::npos) << name;
  }
}

TEST(NightlyText, ShowsCountsProblemsAndLinks) {
  const auto report = sample_report();
  const std::string text = render(NightlyFormat::text, report);
  EXPECT_NE(text.find("LOST"), std::string::npos);
  EXPECT_NE(text.find(stalled().order_id), std::string::npos);
  EXPECT_NE(text.find("https://jaeger.example/ui/trace/" + trace_b().hex()), std::string::npos);
  EXPECT_NE(text.find("Funnel"), std::string::npos);
  EXPECT_NE(text.find("Business figures"), std::string::npos);
}

TEST(NightlyJson, CarriesCountsAndTheOrdersAsShowPrintsThem) {
  const auto report = sample_report();
  const auto json = nlohmann::json::parse(render(NightlyFormat::json, report));
  EXPECT_EQ(json["report"], "nightly");
  EXPECT_EQ(json["orders"], report.orders);
  for (const auto& [verdict, count] : report.verdicts) {
    EXPECT_EQ(json["verdicts"][std::string(lifecycle::to_string(verdict))], count);
  }
  ASSERT_EQ(json["problems"].size(), report.problems.size());
  for (const auto& order : json["problems"]) {
    EXPECT_TRUE(order.contains("order_id"));
    EXPECT_TRUE(order.contains("verdict"));
    EXPECT_TRUE(order.contains("suspect"));
  }
  EXPECT_EQ(json["funnel"].size(), report.funnel.size());
  EXPECT_EQ(json["transitions"].size(), report.transitions.size());
  EXPECT_EQ(json["allowances"]["used"], "config");
  EXPECT_TRUE(json["business"].contains("http_5xx"));
}

TEST(NightlyCsv, OneQuotedRowPerProblemAndNoFormulas) {
  const auto report = sample_report();
  const std::string text = render(NightlyFormat::csv, report);
  std::size_t lines = 0;
  bool in_quotes = false;
  for (char c : text) {
    in_quotes = c == '"' ? !in_quotes : in_quotes;
    lines += c == '\n' && !in_quotes;
  }
  EXPECT_EQ(lines, report.problems.size() + 1);
  EXPECT_EQ(text.rfind("order_id,verdict,", 0), 0U);
  EXPECT_NE(text.find("\"orders,priced\""), std::string::npos);
  EXPECT_EQ(text.find(",=cmd"), std::string::npos);
}

TEST(NightlyMarkdown, HasTablesAndEscapesTraceText) {
  const std::string text = render(NightlyFormat::md, sample_report());
  EXPECT_NE(text.find("| verdict | orders |"), std::string::npos);
  EXPECT_EQ(text.find("<script>"), std::string::npos);
  EXPECT_NE(text.find("[trace](https://jaeger.example/ui/trace/"), std::string::npos);
}

TEST(NightlyHtml, IsSelfContainedAndEscaped) {
  const std::string html = render(NightlyFormat::html, sample_report());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("ORD-&lt;b&gt;&amp;&quot;9&quot;"), std::string::npos);
  // Nothing is fetched when the page is viewed: no external script, style, image or font.
  for (const char* fetch : {"src=", "<link", "@import", "url("}) {
    EXPECT_EQ(html.find(fetch), std::string::npos) << fetch;
  }
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("class=\"sortable\""), std::string::npos);
  EXPECT_NE(html.find("href=\"https://jaeger.example/ui/trace/"), std::string::npos);
}

TEST(NightlyHtml, ShowsEachProblemsDeadlineAndNextStepInTheReportsZone) {
  lifecycle::Definition definition;
  for (const char* name : {"INITIATED", "SUBMITTED", "PRICE_CALCULATED", "CLOSED"}) {
    lifecycle::StateDefinition state;
    state.name = name;
    definition.states.push_back(state);
  }
  auto late = stalled(); // deadline passed a day before "now"
  late.next_step = lifecycle::NextStep{
      "crm", {{"en", "Call <crm> about it; overdue since {deadline}"}, {"ru", "Позвоните"}}};
  auto early = lost(); // deadline 10 minutes after "now"
  NightlyBuilder builder(definition, k_t0 - k_day, k_t0 + 10 * k_day, k_t0 + 10 * k_day);
  builder.add_order(late, {});
  builder.add_order(early, {});
  NightlyRenderOptions options;
  options.zone = *util::TimeZone::find("Europe/Moscow");
  std::ostringstream out;
  render_nightly(out, NightlyFormat::html, builder.finish(), options);
  const std::string html = out.str();

  EXPECT_NE(html.find("<th>deadline</th>"), std::string::npos);
  EXPECT_NE(html.find("<th>next step</th>"), std::string::npos);
  // Moscow is UTC+3: the deadlines on its clock, with how much is left or over.
  const std::string late_deadline = detail::moment(*late.deadline_ns, options.zone);
  const std::string early_deadline = detail::moment(*early.deadline_ns, options.zone);
  EXPECT_NE(late_deadline.find("+03:00"), std::string::npos) << late_deadline;
  EXPECT_NE(html.find(late_deadline + " (over by 1d)"), std::string::npos);
  EXPECT_NE(html.find(early_deadline + " (10m left)"), std::string::npos);
  EXPECT_NE(html.find("class=\"n late\""), std::string::npos);
  // The next step in English, escaped, its {deadline} filled on the same clock.
  EXPECT_NE(html.find("Call &lt;crm&gt; about it; overdue since " + late_deadline),
            std::string::npos);
  EXPECT_EQ(html.find("<crm>"), std::string::npos);
  EXPECT_EQ(html.find("Позвоните"), std::string::npos);
}

// Orders of two allowance sets took the same transition with different allowances.
NightlyReport two_set_report() {
  lifecycle::Definition definition;
  for (const char* name : {"INITIATED", "SUBMITTED", "PRICE_CALCULATED", "CLOSED"}) {
    lifecycle::StateDefinition state;
    state.name = name;
    definition.states.push_back(state);
  }
  auto express = completed();
  express.order_id = "ORD-E";
  express.allowance_set = "express";
  express.stages = {stage("SUBMITTED", "PRICE_CALCULATED", 20 * k_minute, 15 * k_minute)};
  auto catalogue = completed();
  catalogue.order_id = "ORD-C";
  catalogue.allowance_set = "catalogue";
  catalogue.stages = {stage("SUBMITTED", "PRICE_CALCULATED", 20 * k_minute, k_day)};
  auto own = completed();
  own.order_id = "ORD-O";
  own.stages = {stage("INITIATED", "SUBMITTED", 5 * k_minute, k_day)};
  NightlyBuilder builder(definition, k_t0 - k_day, k_t0 + 10 * k_day, k_t0 + 10 * k_day);
  for (auto order : {express, catalogue, own}) {
    builder.add_order(std::move(order), {});
  }
  return builder.finish();
}

TEST(NightlyTransitions, SayEachAllowanceSetsAllowanceWhereTheyDiffer) {
  const auto report = two_set_report();
  const auto priced = std::find_if(report.transitions.begin(), report.transitions.end(),
                                   [](const auto& t) { return t.to_state == "PRICE_CALCULATED"; });
  ASSERT_NE(priced, report.transitions.end());
  EXPECT_TRUE(priced->allowance_varies());
  EXPECT_FALSE(priced->allowance_ns); // no single allowance to show
  EXPECT_EQ(priced->over_allowance, 1U);
  ASSERT_EQ(priced->allowance_sets.size(), 2U);
  EXPECT_EQ(priced->allowance_sets[0].set, "express");
  EXPECT_EQ(priced->allowance_sets[0].over_allowance, 1U);
  EXPECT_EQ(priced->allowance_sets[1].set, "catalogue");
  EXPECT_EQ(priced->allowance_sets[1].allowance_ns, k_day);
  EXPECT_EQ(priced->allowance_sets[1].over_allowance, 0U);

  const std::string text = render(NightlyFormat::text, report);
  EXPECT_NE(text.find("varies"), std::string::npos);
  // Under the table (wrapped): each set's allowance and how many of its orders were over.
  const auto by_set = text.find("Allowed per allowance set");
  ASSERT_NE(by_set, std::string::npos) << text;
  EXPECT_NE(
      text.find("SUBMITTED -> PRICE_CALCULATED: express 15m (1 of 1 over); catalogue 1d", by_set),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("of 1 over)", text.find("catalogue 1d", by_set)), std::string::npos);
  const std::string md = render(NightlyFormat::md, report);
  EXPECT_NE(md.find("| express 15m (1 of 1 over); catalogue 1d (0 of 1 over) | 1 |"),
            std::string::npos)
      << md;
  const std::string html = render(NightlyFormat::html, report);
  EXPECT_NE(html.find("varies:<br>express 15m (1 of 1 over)<br>catalogue 1d (0 of 1 over)"),
            std::string::npos);

  const auto json = nlohmann::json::parse(render(NightlyFormat::json, report));
  bool seen = false;
  for (const auto& t : json["transitions"]) {
    if (t["to_state"] != "PRICE_CALCULATED") {
      // One set, the states' own: one allowance, as before.
      EXPECT_FALSE(t["allowance_varies"].get<bool>());
      EXPECT_EQ(t["allowance_seconds"], 24 * 3600);
      ASSERT_EQ(t["allowance_sets"].size(), 1U);
      EXPECT_TRUE(t["allowance_sets"][0]["set"].is_null());
      continue;
    }
    seen = true;
    EXPECT_TRUE(t["allowance_varies"].get<bool>());
    EXPECT_TRUE(t["allowance_seconds"].is_null());
    ASSERT_EQ(t["allowance_sets"].size(), 2U);
    EXPECT_EQ(t["allowance_sets"][0]["set"], "express");
    EXPECT_EQ(t["allowance_sets"][0]["allowance_seconds"], 15 * 60);
    EXPECT_EQ(t["allowance_sets"][0]["over_allowance"], 1);
    EXPECT_EQ(t["allowance_sets"][1]["count"], 1);
  }
  EXPECT_TRUE(seen);
}

TEST(NightlyTransitions, OneAllowanceWhenEverySetHasTheSame) {
  auto report = two_set_report();
  for (auto& t : report.transitions) {
    for (auto& group : t.allowance_sets) {
      group.allowance_ns = k_day;
    }
  }
  for (const auto& t : report.transitions) {
    EXPECT_FALSE(t.allowance_varies());
  }
  const std::string text = render(NightlyFormat::text, report);
  EXPECT_EQ(text.find("varies"), std::string::npos);
  EXPECT_EQ(text.find("Allowed per allowance set"), std::string::npos);
}

TEST(NightlyMetrics, NameLostAndStalledPerStateAndService) {
  const auto report = sample_report();
  std::ostringstream out;
  render_nightly_metrics(out, report, 1.5, k_t0);
  const std::string text = out.str();
  for (const auto& order : report.problems) {
    const std::string kind = order.verdict == lifecycle::Verdict::lost ? "lost" : "stalled";
    EXPECT_NE(text.find("ordertrace_report_" + kind + "_orders{state=\"" +
                        order.last_state.value_or("") + "\",service=\"" +
                        order.suspect.value_or("") + "\"}"),
              std::string::npos)
        << order.order_id;
  }
  EXPECT_NE(text.find("ordertrace_report_duration_seconds 1.500"), std::string::npos);
  EXPECT_NE(text.find("ordertrace_report_last_success_timestamp_seconds " +
                      std::to_string(k_t0 / util::k_ns_per_second)),
            std::string::npos);
}

} // namespace
} // namespace ordertrace::report

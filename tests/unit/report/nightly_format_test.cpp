#include <ordertrace/report/nightly.hpp>
#include <ordertrace/report/redaction.hpp>
#include <ordertrace/report/render.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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
  lifecycle::Definition definition;
  for (const char* name : {"INITIATED", "SUBMITTED", "PRICE_CALCULATED", "CLOSED"}) {
    lifecycle::StateDefinition state;
    state.name = name;
    state.owner = "mes";
    state.allowance = k_day;
    definition.states.push_back(state);
  }
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

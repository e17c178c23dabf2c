#include <ordertrace/report/render.hpp>
#include <ordertrace/report/text_layout.hpp>

#include <gtest/gtest.h>

#include <sstream>

#include "unit/report/sample_assessments.hpp"

namespace ordertrace::report {
namespace {

using namespace ordertrace::report::testing;

std::string text_of(const lifecycle::Assessment& a, bool color = false,
                    std::string ui_url = std::string(k_default_ui_url)) {
  RenderOptions options;
  options.lifecycle_name = "default";
  options.color = color;
  options.ui_url = std::move(ui_url);
  std::ostringstream out;
  render_text(out, a, options);
  return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

TEST(TextReport, Stalled) {
  EXPECT_EQ(text_of(stalled()),
            R"(STALLED  order ORD-1001  suspect: crm-api
waiting 4d for MANUFACTURING_APPROVED from crm-api since 2026-08-20T10:30:00Z,
over the allowance of 3d

Timeline (UTC, 2026)
  STATE             REACHED      TOOK  SERVICE   OPERATION         SPAN
  INITIATED         08-20 10:00  -     shop-api  POST /api/cart    11111111
  SUBMITTED         08-20 10:12  12m   shop-api  POST /api/orders  22222222
  PRICE_CALCULATED  08-20 10:30  18m!  mes       CalculatePrice    33333333
  ! took longer than the allowance for that stage

Stopped at:  PRICE_CALCULATED at 2026-08-20T10:30:00Z
             mes · CalculatePrice
Expected:    MANUFACTURING_APPROVED from crm-api (suspect)
Waiting:     4d of 3d allowed
Deadline:    2026-08-23T10:30:00Z (over by 1d)

Traces in Jaeger
  http://localhost:16686/trace/0af7651916cd43dd8448eb211c80319c
  http://localhost:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736

As of 2026-08-24T10:30:00Z, lifecycle "default"
)");
}

TEST(TextReport, LostWithEvidence) {
  EXPECT_EQ(text_of(lost()),
            R"(LOST  order ORD-1002  suspect: mes
mes answered HTTP 500 to CalculatePrice after SUBMITTED and no later state came

Timeline (UTC, 2026)
  STATE      REACHED      TOOK  SERVICE   OPERATION         SPAN
  INITIATED  08-20 10:00  -     shop-api  POST /api/cart    11111111
  SUBMITTED  08-20 10:05  5m    shop-api  POST /api/orders  22222222

Stopped at:  SUBMITTED at 2026-08-20T10:05:00Z
             shop-api · POST /api/orders
Expected:    PRICE_CALCULATED from mes (suspect)
Waiting:     5m of 15m allowed
Deadline:    2026-08-20T10:20:00Z (10m left)

Evidence
  error · 2026-08-20T10:05:02Z
    mes · CalculatePrice
    HTTP 500: NullReferenceException: price table not loaded
    queue price.requests
    trace 4bf92f3577b34da6a3ce929d0e0e4736  span 53995c3f42cd8ad8
    the call to the owner of PRICE_CALCULATED failed and was not retried

Trace in Jaeger
  http://localhost:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736

As of 2026-08-20T10:10:00Z, lifecycle "default"
)");
}

TEST(TextReport, CompletedWithRepeatsGapsAndWarnings) {
  EXPECT_EQ(text_of(completed()),
            R"(COMPLETED  order ORD-1003
reached CLOSED on 2026-08-22T09:00:00Z

Timeline (UTC, 2026)
  STATE                REACHED      TOOK    SERVICE   OPERATION         SPAN
  SUBMITTED            08-20 10:00  -       shop-api  POST /api/orders  22222222
  PRICE_CALCULATED ×2  08-20 10:10  10m     mes       CalculatePrice    33333333
  CLOSED               08-22 09:00  1d 22h  crm-api   CloseOrder        44444444
  Missing: MANUFACTURING_APPROVED

Completed:   CLOSED at 2026-08-22T09:00:00Z
             crm-api · CloseOrder

Warnings
  - required state MANUFACTURING_APPROVED is missing before CLOSED (sampling or
    an instrumentation gap)

Traces in Jaeger
  http://localhost:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736
  http://localhost:16686/trace/0af7651916cd43dd8448eb211c80319c

As of 2026-08-23T10:00:00Z, lifecycle "default"
)");
}

TEST(TextReport, NotFound) {
  EXPECT_EQ(text_of(not_found()), R"(NOT_FOUND  order ORD-404
no span carries order id "ORD-404" in the searched data

As of 2026-08-20T10:00:00Z, lifecycle "default"
)");
}

TEST(TextReport, EveryVerdictLeadsTheFirstLine) {
  const std::pair<lifecycle::Verdict, std::string> verdicts[] = {
      {lifecycle::Verdict::not_found, "NOT_FOUND"},
      {lifecycle::Verdict::completed, "COMPLETED"},
      {lifecycle::Verdict::lost, "LOST"},
      {lifecycle::Verdict::inconsistent, "INCONSISTENT"},
      {lifecycle::Verdict::abandoned, "ABANDONED"},
      {lifecycle::Verdict::stalled, "STALLED"},
      {lifecycle::Verdict::on_track, "ON_TRACK"},
  };
  for (const auto& [verdict, name] : verdicts) {
    const auto text = text_of(with_verdict(stalled(), verdict));
    EXPECT_EQ(text.rfind(name + "  order ORD-1001", 0), 0U) << text;
    const bool has_suspect =
        verdict == lifecycle::Verdict::stalled || verdict == lifecycle::Verdict::lost;
    EXPECT_EQ(lines_of(text)[0].find("suspect: crm-api") != std::string::npos, has_suspect) << name;
  }
}

TEST(TextReport, LabelsWhereTheOrderIsByVerdict) {
  EXPECT_NE(text_of(with_verdict(stalled(), lifecycle::Verdict::on_track)).find("\nNow at:  "),
            std::string::npos);
  EXPECT_NE(text_of(with_verdict(stalled(), lifecycle::Verdict::abandoned)).find("\nStopped at:  "),
            std::string::npos);
  EXPECT_NE(
      text_of(with_verdict(stalled(), lifecycle::Verdict::inconsistent)).find("\nStopped at:"),
      std::string::npos);
}

TEST(TextReport, NoColourUnlessAsked) {
  EXPECT_EQ(text_of(lost()).find('\x1b'), std::string::npos);
  const auto colored = text_of(lost(), true);
  EXPECT_EQ(colored.rfind("\x1b[1;31mLOST\x1b[0m  order ORD-1002", 0), 0U) << colored;
}

TEST(TextReport, UsesTheConfiguredUiUrl) {
  const auto text = text_of(lost(), false, "https://jaeger.example.com/jaeger/");
  EXPECT_NE(
      text.find("\n  https://jaeger.example.com/jaeger/trace/4bf92f3577b34da6a3ce929d0e0e4736\n"),
      std::string::npos)
      << text;
}

TEST(TextReport, StaysWithinEightyColumnsForTheFullLifecycle) {
  auto a = stalled();
  a.timeline.push_back(
      transition("MANUFACTURING_COMPLETED", k_t0 + 3 * k_day, "mes-production-line",
                 "ProductionController.CompleteManufacturingStep", trace_b(), 0x5555555555555555));
  a.timeline.back().repeats = 2;
  a.stages.push_back(stage("PRICE_CALCULATED", "MANUFACTURING_COMPLETED", 3 * k_day, 10 * k_day));
  const auto text = text_of(a);
  for (const auto& line : lines_of(text)) {
    EXPECT_LE(detail::display_width(line), 80U) << line;
  }
  EXPECT_NE(text.find("MANUFACTURING_COMPLETED ×3"), std::string::npos) << text;
  EXPECT_NE(text.find("mes-prod…  Productio…  55555555"), std::string::npos) << text;
}

TEST(TextReport, TextFromTracesCannotDriveTheTerminal) {
  auto a = lost();
  a.order_id = "ORD\x1b[2J-1";
  a.evidence[0].message = "line one\nline two\x1b]0;title\x07 \xc2\x9b"
                          "31m";
  a.timeline[0].span.operation = "op\r\x1b[31m";
  const auto text = text_of(a);
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_EQ(text.find('\x07'), std::string::npos);
  EXPECT_EQ(text.find("\xc2\x9b"), std::string::npos);
  EXPECT_NE(text.find("order ORD?[2J-1"), std::string::npos) << text;
  EXPECT_NE(text.find("line one line two"), std::string::npos) << text;
}

TEST(TextReport, FullDatesWhenTheTimelineSpansTwoYears) {
  auto a = stalled();
  a.timeline[0].time_ns -= 365 * k_day;
  const auto text = text_of(a);
  EXPECT_NE(text.find("Timeline (UTC)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("2025-08-20 10:00"), std::string::npos) << text;
}

TEST(TextReport, CapsLongEvidenceLists) {
  auto a = lost();
  a.evidence.resize(14, a.evidence[0]);
  const auto text = text_of(a);
  EXPECT_NE(text.find("… and 4 more (--format json lists all)"), std::string::npos) << text;
}

TEST(TextLayout, CutsAndPadsByColumnsNotBytes) {
  EXPECT_EQ(detail::display_width("×2"), 2U);
  EXPECT_EQ(detail::display_width("заказ"), 5U);
  EXPECT_EQ(detail::truncate("заказ-1001", 6), "заказ…");
  EXPECT_EQ(detail::truncate("abc", 3), "abc");
  EXPECT_EQ(detail::pad("ж", 3), "ж  ");
  EXPECT_EQ(detail::wrap("aaa bbb ccc", 7), (std::vector<std::string>{"aaa bbb", "ccc"}));
  EXPECT_EQ(detail::wrap("abcdefghij", 4), (std::vector<std::string>{"abcd", "efgh", "ij"}));
}

} // namespace
} // namespace ordertrace::report

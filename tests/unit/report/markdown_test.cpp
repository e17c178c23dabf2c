// The Markdown block for tickets.

#include <ordertrace/report/render.hpp>

#include <gtest/gtest.h>

#include <sstream>

#include "sample_assessments.hpp"

namespace ordertrace::report {
namespace {

std::string markdown(const lifecycle::Assessment& a) {
  std::ostringstream out;
  render(out, Format::md, a, RenderOptions{});
  return out.str();
}

TEST(MarkdownReport, SaysVerdictOrderSuspectAndWhereItStopped) {
  const std::string out = markdown(testing::stalled());
  EXPECT_EQ(out.substr(0, out.find('\n')), "**STALLED** · order `ORD-1001` · suspect: **crm-api**");
  EXPECT_NE(out.find("- **Last state:** PRICE_CALCULATED at 2026-08-20T10:30:00Z\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("- **Expected:** MANUFACTURING_APPROVED from crm-api"), std::string::npos)
      << out;
  EXPECT_NE(out.find("<http://localhost:16686/trace/"), std::string::npos) << out;
}

TEST(MarkdownReport, TextFromTracesCannotFormMarkupOrLinks) {
  lifecycle::Assessment a = testing::stalled();
  lifecycle::Evidence evidence;
  evidence.kind = lifecycle::Evidence::Kind::error;
  evidence.span = a.timeline.back().span;
  evidence.span.operation = "op`with`ticks";
  evidence.message = "see [here](http://evil.example/x) <b>now</b> *bold*\nnext line";
  a.evidence = {evidence};
  const std::string out = markdown(a);
  EXPECT_NE(out.find("- **Error:** see \\[here\\](http://evil.example/x) \\<b\\>now\\</b\\> "
                     "\\*bold\\* next line\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("`op'with'ticks`"), std::string::npos) << out;
}

} // namespace
} // namespace ordertrace::report

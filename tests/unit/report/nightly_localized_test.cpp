// The support desk's parts of the nightly report in Russian and Moscow time, text and
// Markdown: known problems with their notes, "new since the last run", endings counted
// apart; and English Markdown keeps its former labels.

#include <ordertrace/report/nightly.hpp>

#include <gtest/gtest.h>

#include <sstream>

#include "unit/report/sample_assessments.hpp"

namespace ordertrace::report {
namespace {

using namespace ordertrace::report::testing;

lifecycle::Definition definition_with_endings() {
  return four_state_definition({{"CANCELLED", "crm-api"}});
}

// A lost order known since k_t0 (until k_t0 + 30 days), a new stalled one, a cancelled one;
// compared with a run that had no problems.
NightlyReport desk_report(const lifecycle::Definition& definition) {
  NightlyBuilder builder(definition, k_t0 - k_day, k_t0 + 10 * k_day, k_t0 + 10 * k_day);
  auto known = lost();
  known.order_id = "ORD-L1";
  auto fresh = stalled();
  fresh.order_id = "ORD-S1";
  auto cancelled = completed();
  cancelled.order_id = "ORD-C1";
  cancelled.ending = "CANCELLED";
  for (auto order : {known, fresh, cancelled}) {
    builder.add_order(std::move(order), {});
  }
  builder.set_acknowledgements({{"ORD-L1", {"ждём ответа MES", k_t0, k_t0 + 30 * k_day}}});
  builder.set_previous_run(PreviousRun{k_t0 + 9 * k_day, k_t0 + 9 * k_day, {}});
  return builder.finish();
}

std::string render(NightlyFormat format, const NightlyReport& report, Language language) {
  NightlyRenderOptions options;
  options.language = language;
  if (language == Language::ru) {
    options.zone = *util::TimeZone::find("Europe/Moscow");
  }
  std::ostringstream out;
  render_nightly(out, format, report, options);
  return out.str();
}

bool has(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(NightlyInRussian, TextSaysTheDeskPartsInRussianOnMoscowTime) {
  const auto definition = definition_with_endings();
  const auto text = render(NightlyFormat::text, desk_report(definition), Language::ru);
  EXPECT_TRUE(has(text, "ЗАВЕРШЁН (COMPLETED)")) << text;
  EXPECT_TRUE(has(text, "(CANCELLED: 1)")) << text;
  EXPECT_TRUE(has(text, "Новое с прошлого запуска (по сравнению с запуском за окно до "
                        "2026-08-29T13:00:00+03:00 (тогда проблем: 0))"))
      << text;
  EXPECT_TRUE(has(text, "Новые проблемы (не отмечены)")) << text;
  EXPECT_TRUE(has(text, "Известные проблемы (отмечены через ordertrace ack)")) << text;
  EXPECT_TRUE(has(text, "известная проблема: ждём ответа MES (до 2026-09-19T13:00:00+03:00, "
                        "отмечено 2026-08-20T13:00:00+03:00)"))
      << text;
  EXPECT_TRUE(has(text, "нормативы: config (из описания жизненного цикла)")) << text;
  for (const char* english : {"known:", "acknowledged", "compared with", "New since"}) {
    EXPECT_FALSE(has(text, english)) << english << " in\n" << text;
  }
}

TEST(NightlyInRussian, MarkdownSaysEveryLabelInRussian) {
  const auto definition = definition_with_endings();
  const auto md = render(NightlyFormat::md, desk_report(definition), Language::ru);
  for (const char* russian :
       {"# Ночной отчёт по заказам", "## Вердикты", "| вердикт | заказов |", "## Воронка",
        "## Переходы", "### Новое с прошлого запуска", "### Новые проблемы (не отмечены)",
        "### Известные проблемы (отмечены)", " отметка |", "## Бизнес-показатели",
        "| ПОТЕРЯН (LOST) | `ORD-L1` |", "известная проблема: ждём ответа MES"}) {
    EXPECT_TRUE(has(md, russian)) << russian << " missing from\n" << md;
  }
  for (const char* english : {"Verdicts", "Funnel", "Known problems", "known:", "Window "}) {
    EXPECT_FALSE(has(md, english)) << english << " in\n" << md;
  }
}

TEST(NightlyInRussian, EnglishMarkdownKeepsItsLabelsAndUtc) {
  const auto definition = definition_with_endings();
  const auto md = render(NightlyFormat::md, desk_report(definition), Language::en);
  EXPECT_EQ(md.rfind("# Nightly order report\n\nWindow 2026-08-19T10:00:00Z .. ", 0), 0U) << md;
  for (const char* english :
       {"| COMPLETED | 1 (cancelled 1) |", "### Known problems (acknowledged)",
        "known: ждём ответа MES (until 2026-09-19T10:00:00Z, acknowledged "
        "2026-08-20T10:00:00Z)",
        "compared with the run of the window ending 2026-08-29T10:00:00Z (0 problems then)"}) {
    EXPECT_TRUE(has(md, english)) << english << " missing from\n" << md;
  }
}

} // namespace
} // namespace ordertrace::report

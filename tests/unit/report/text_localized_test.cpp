// The text and Markdown reports in Russian and in a local time zone, with the fields of
// issue #11 (ending, rework loops, order type and allowance set, calendar, deadline, next
// step, NOT_FOUND reason), from hand-built assessments.

#include <ordertrace/report/render.hpp>
#include <ordertrace/report/text_layout.hpp>

#include <gtest/gtest.h>

#include <sstream>

#include "unit/report/sample_assessments.hpp"

namespace ordertrace::report {
namespace {

using namespace ordertrace::report::testing;

RenderOptions options_for(Language language, const std::string& zone = "UTC") {
  RenderOptions options;
  options.lifecycle_name = "default";
  options.language = language;
  options.zone = *util::TimeZone::find(zone);
  return options;
}

std::string text_of(const lifecycle::Assessment& a, const RenderOptions& options) {
  std::ostringstream out;
  render_text(out, a, options);
  return out.str();
}

std::string markdown_of(const lifecycle::Assessment& a, const RenderOptions& options) {
  std::ostringstream out;
  render_markdown(out, a, options);
  return out.str();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// stalled() with what the engine of issue #11 adds: an express order judged by its own
// allowance set in working time, and a hint with both time placeholders.
lifecycle::Assessment stalled_express() {
  lifecycle::Assessment a = stalled();
  a.order_type = "express";
  a.allowance_set = "express";
  a.calendar = "workshop";
  a.next_step = lifecycle::NextStep{
      "approval-pending",
      {{"en", "approval pending in CRM since {since} (allowance ran out {deadline}): ask the "
              "manager"},
       {"ru", "согласование в CRM ждёт с {since} (срок истёк {deadline}): напишите менеджеру"}}};
  return a;
}

TEST(LocalizedText, StalledInRussianAndMoscowTime) {
  EXPECT_EQ(text_of(stalled_express(), options_for(Language::ru, "Europe/Moscow")),
            R"(ЗАДЕРЖИВАЕТСЯ (STALLED)  заказ ORD-1001  под подозрением: crm-api
waiting 4d for MANUFACTURING_APPROVED from crm-api since 2026-08-20T10:30:00Z,
over the allowance of 3d

Хронология (Europe/Moscow +03:00, 2026)
  СОСТОЯНИЕ         КОГДА        ЗАНЯЛО   СЕРВИС    ОПЕРАЦИЯ          СПАН
  INITIATED         08-20 13:00  -        shop-api  POST /api/cart    11111111
  SUBMITTED         08-20 13:12  12 мин   shop-api  POST /api/orders  22222222
  PRICE_CALCULATED  08-20 13:30  18 мин!  mes       CalculatePrice    33333333
  ! этап занял больше времени, чем положено по нормативу

Остановился на:  PRICE_CALCULATED, 2026-08-20T13:30:00+03:00
                 mes · CalculatePrice
Ожидается:       MANUFACTURING_APPROVED от crm-api (под подозрением)
Ждёт:            4 д из 3 д по нормативу
Срок истёк:      2026-08-23T13:30:00+03:00 (просрочено на 1 д)
Нормативы:       набор «express», тип заказа express, рабочее время по календарю
                 «workshop»
Что делать:      согласование в CRM ждёт с 2026-08-20T13:30:00+03:00 (срок истёк
                 2026-08-23T13:30:00+03:00): напишите менеджеру

Трейсы в Jaeger
  http://localhost:16686/trace/0af7651916cd43dd8448eb211c80319c
  http://localhost:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736

По состоянию на 2026-08-24T13:30:00+03:00, жизненный цикл «default»
)");
}

TEST(LocalizedText, EnglishInUtcKeepsTheFormerLabelsAndAddsTheNewFields) {
  const std::string text = text_of(stalled_express(), options_for(Language::en));
  EXPECT_TRUE(text.starts_with("STALLED  order ORD-1001  suspect: crm-api\n")) << text;
  EXPECT_TRUE(contains(text, "Timeline (UTC, 2026)\n")) << text;
  EXPECT_TRUE(contains(text, "Stopped at:  PRICE_CALCULATED at 2026-08-20T10:30:00Z\n")) << text;
  EXPECT_TRUE(contains(text, "Deadline:    2026-08-23T10:30:00Z (over by 1d)\n")) << text;
  EXPECT_TRUE(contains(text, "Allowances:  set \"express\", order type express, working time of "
                             "calendar\n             \"workshop\"\n"))
      << text;
  EXPECT_TRUE(contains(text, "Next step:   approval pending in CRM since 2026-08-20T10:30:00Z"))
      << text;
}

TEST(LocalizedText, NextStepFallsBackToEnglish) {
  lifecycle::Assessment a = stalled_express();
  a.next_step->text.erase("ru");
  const std::string text = text_of(a, options_for(Language::ru, "Europe/Moscow"));
  EXPECT_TRUE(contains(text, "Что делать:      approval pending in CRM since "
                             "2026-08-20T13:30:00+03:00"))
      << text;
}

TEST(LocalizedText, TimelineAcrossAClockChangeShowsEachOffset) {
  // Berlin leaves summer time on 2026-10-25: one row before, one after.
  lifecycle::Assessment a = stalled();
  const std::int64_t october_24 = 1'792'836'000 * util::k_ns_per_second; // 2026-10-24T10:00Z
  for (std::size_t i = 0; i < a.timeline.size(); ++i) {
    a.timeline[i].time_ns = october_24 + static_cast<std::int64_t>(i) * k_day;
  }
  const std::string text = text_of(a, options_for(Language::en, "Europe/Berlin"));
  EXPECT_TRUE(contains(text, "Timeline (Europe/Berlin, 2026)\n")) << text;
  EXPECT_TRUE(contains(text, "10-24 12:00 +02:00")) << text;
  EXPECT_TRUE(contains(text, "10-26 11:00 +01:00")) << text;
}

TEST(LocalizedText, CancelledEndingAndReworkLoop) {
  lifecycle::Assessment a = completed();
  a.ending = "CANCELLED";
  a.loops = {{"PACKAGING", "MANUFACTURING_STARTED", 2}};
  const std::string en = text_of(a, options_for(Language::en));
  EXPECT_TRUE(en.starts_with("COMPLETED — CANCELLED  order ")) << en;
  EXPECT_TRUE(contains(en, "  ↺ PACKAGING → MANUFACTURING_STARTED ×2 (rework loop)\n")) << en;
  const std::string ru = text_of(a, options_for(Language::ru));
  EXPECT_TRUE(ru.starts_with("ЗАВЕРШЁН (COMPLETED) — CANCELLED  заказ ")) << ru;
  EXPECT_TRUE(contains(ru, "↺ PACKAGING → MANUFACTURING_STARTED ×2 (возврат на доработку)")) << ru;
  const std::string md = markdown_of(a, options_for(Language::ru));
  EXPECT_TRUE(md.starts_with("**ЗАВЕРШЁН (COMPLETED) — CANCELLED** · заказ ")) << md;
  EXPECT_TRUE(contains(md, "- **Доработка:** ↺ PACKAGING → MANUFACTURING_STARTED ×2")) << md;
}

TEST(LocalizedText, NotFoundSaysWhy) {
  lifecycle::Assessment a = not_found();
  a.not_found_reason = "beyond_retention";
  const std::string en = text_of(a, options_for(Language::en));
  EXPECT_TRUE(contains(en, "Not found:   known from the cache, but older than Jaeger keeps traces"))
      << en;
  EXPECT_TRUE(contains(en, "(beyond_retention)")) << en;
  a.not_found_reason = "never_seen";
  a.searched.jaeger = a.searched.cache = true; // as `show` over Jaeger with the cache
  const std::string ru = text_of(a, options_for(Language::ru));
  EXPECT_TRUE(ru.starts_with("НЕ НАЙДЕН (NOT_FOUND)  заказ ")) << ru;
  EXPECT_TRUE(contains(ru, "Не найден:       не встречался ни в Jaeger, ни в кэше (never_seen)"))
      << ru;
  EXPECT_TRUE(contains(markdown_of(a, options_for(Language::ru)),
                       "- **Не найден:** не встречался ни в Jaeger, ни в кэше (never_seen)"));
}

TEST(LocalizedMarkdown, StalledInRussianAndMoscowTime) {
  const std::string md = markdown_of(stalled_express(), options_for(Language::ru, "Europe/Moscow"));
  EXPECT_TRUE(md.starts_with("**ЗАДЕРЖИВАЕТСЯ (STALLED)** · заказ `ORD-1001` · под подозрением: "
                             "**crm-api**\n"))
      << md;
  EXPECT_TRUE(contains(md, "- **Последнее состояние:** PRICE_CALCULATED, "
                           "2026-08-20T13:30:00+03:00\n"))
      << md;
  EXPECT_TRUE(contains(md, "- **Ожидается:** MANUFACTURING_APPROVED от crm-api, ждёт 4 д "
                           "(норматив 3 д)\n"))
      << md;
  EXPECT_TRUE(contains(md, "- **Срок:** 2026-08-23T13:30:00+03:00 (просрочено на 1 д)\n")) << md;
  EXPECT_TRUE(contains(md, "- **Нормативы:** набор «express», тип заказа express")) << md;
  EXPECT_TRUE(contains(md, "- **Что делать:** согласование в CRM ждёт с 2026-08-20T13:30:00+03:00"))
      << md;
  EXPECT_TRUE(md.ends_with("_ordertrace, по состоянию на 2026-08-24T13:30:00+03:00, жизненный "
                           "цикл default_\n"))
      << md;
}

TEST(LocalizedText, ReasonDetailAndWarningsAreRussianAndRedacted) {
  auto a = lost(); // has one piece of evidence
  a.reason_phrase.kind = lifecycle::Phrase::Kind::lost_on_error;
  a.reason_phrase.words = {{"operation", "POST /api/pricing"},
                           {"service", "mes"},
                           {"message", "no account for someone@example.invalid"},
                           {"state", "PRICE_CALCULATED"},
                           {"next", "MANUFACTURING_APPROVED"}};
  ASSERT_EQ(a.evidence.size(), 1U);
  a.evidence.front().detail = "last state PRICE_CALCULATED set here";
  a.evidence.front().detail_phrase.kind = lifecycle::Phrase::Kind::last_state_set_here;
  a.evidence.front().detail_phrase.words = {{"state", "PRICE_CALCULATED"}};
  a.warnings = {"required state SUBMITTED was not seen (a sampling or instrumentation gap)",
                "Jaeger reported: a note of its own"};
  lifecycle::Phrase not_seen;
  not_seen.kind = lifecycle::Phrase::Kind::required_state_not_seen;
  not_seen.words = {{"state", "SUBMITTED"}};
  a.warning_phrases = {not_seen}; // the second warning came from the Jaeger client
  const auto text = text_of(a, options_for(Language::ru, "Europe/Moscow"));
  EXPECT_TRUE(contains(text, "ошибка в mes при POST /api/pricing (no account for [redacted])"))
      << text;
  EXPECT_FALSE(contains(text, "someone@example.invalid")) << text;
  EXPECT_TRUE(contains(text, "здесь установлено последнее состояние: PRICE_CALCULATED")) << text;
  EXPECT_TRUE(contains(text, "обязательное состояние SUBMITTED не встретилось")) << text;
  EXPECT_TRUE(contains(text, "Jaeger reported: a note of its own")) << text;
  // English prints the engine's own sentences.
  const auto english = text_of(a, options_for(Language::en));
  EXPECT_TRUE(contains(english, a.reason)) << english;
  EXPECT_TRUE(contains(english, "last state PRICE_CALCULATED set here")) << english;
}

TEST(LocalTime, MomentsAreRfc3339WithTheZonesOffset) {
  const auto moscow = *util::TimeZone::find("Europe/Moscow");
  EXPECT_EQ(detail::moment(k_t0 + 999'999'999, util::TimeZone::utc()), "2026-08-20T10:00:00Z");
  EXPECT_EQ(detail::moment(k_t0, moscow), "2026-08-20T13:00:00+03:00");
  EXPECT_EQ(detail::moment(k_t0 - 1, moscow), "2026-08-20T12:59:59+03:00");
}

} // namespace
} // namespace ordertrace::report

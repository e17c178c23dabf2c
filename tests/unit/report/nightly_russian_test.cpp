// The nightly report in Russian: the HTML holds no English label of the message table (a
// label written into a renderer would), and a warning of the Jaeger client reaches the text,
// Markdown and HTML formats in Russian on the reader's clock while JSON keeps its English.

#include <ordertrace/report/messages.hpp>
#include <ordertrace/report/nightly.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <regex>
#include <sstream>

#include "unit/report/sample_assessments.hpp"

namespace ordertrace::report {
namespace {

using namespace ordertrace::report::testing;

// The search the Jaeger client gave up splitting, as the app hands it over: the English
// sentence (source::english_text) and the same warning as data.
constexpr const char* k_cut_off_english =
    "the search for all traces in service mes from 2026-08-20T10:00:00Z to "
    "2026-08-20T10:00:00.001Z returned 100 traces, the search depth: more may have been cut "
    "off; use a narrower window or a larger --search-depth";

lifecycle::Definition definition() {
  return four_state_definition({{"CANCELLED", "crm-api"}});
}

// Every part of the report filled: problems new and known, an ending, the Jaeger facts and
// warnings (one with its data, one without: Jaeger's own text stays as it is).
NightlyReport full_report(const lifecycle::Definition& definition) {
  NightlyBuilder builder(definition, k_t0 - k_day, k_t0 + 10 * k_day, k_t0 + 10 * k_day);
  auto known = lost();
  known.order_id = "ORD-L1";
  auto fresh = stalled();
  fresh.order_id = "ORD-S1";
  // Its reason as the engine gives it (the sample has the English sentence only).
  fresh.reason_phrase.kind = lifecycle::Phrase::Kind::stalled;
  fresh.reason_phrase.words = {
      {"next", "MANUFACTURING_APPROVED"}, {"owner", "crm-api"}, {"state", "PRICE_CALCULATED"}};
  fresh.reason_phrase.durations_ns = {{"waited", 4 * k_day}, {"allowed", 3 * k_day}};
  auto cancelled = completed();
  cancelled.order_id = "ORD-C1";
  cancelled.ending = "CANCELLED";
  for (auto order : {known, fresh, cancelled}) {
    builder.add_order(std::move(order), {});
  }
  builder.set_acknowledgements({{"ORD-L1", {"ждём ответа MES", k_t0, k_t0 + 30 * k_day}}});
  builder.set_previous_run(PreviousRun{k_t0 + 9 * k_day, k_t0 + 9 * k_day, {"ORD-L1"}});
  NightlyReport report = builder.finish();
  report.source = "jaeger http://jaeger:16686";
  report.discovery = DiscoveryFacts{"api_v3", 4, 1, 0, 6, 12};
  report.warnings = {k_cut_off_english, "Jaeger reported: storage is warming up"};
  report.warning_phrases = {{"search_cut_off",
                             {{"service", "mes"}, {"count", "100"}},
                             {{"from", k_t0}, {"until", k_t0 + 1'000'000}}},
                            {"jaeger_reported", {{"note", "storage is warming up"}}, {}}};
  return report;
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

// What a reader of `html` sees: no style, script or tags, entities decoded.
std::string visible_text(std::string html) {
  html = std::regex_replace(
      html, std::regex("<style>[\\s\\S]*?</style>|<script>[\\s\\S]*?</script>"), "");
  html = std::regex_replace(html, std::regex("<[^>]*>"), " ");
  for (const auto& [entity, character] : std::initializer_list<std::pair<const char*, const char*>>{
           {"&#39;", "'"}, {"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}}) {
    html = std::regex_replace(html, std::regex(entity), character);
  }
  return html;
}

// The English words of each message between its placeholders ("Known problems
// (acknowledged)", "orders active, "): pieces of two words or more that its Russian text
// does not say too, so none of them may appear in a Russian report.
std::vector<std::pair<Message, std::string>> english_pieces() {
  std::vector<std::pair<Message, std::string>> out;
  const std::regex two_words("[A-Za-z]{2,}[^A-Za-z{}]+[A-Za-z]{2,}");
  const std::regex placeholder("\\{[^}]*\\}");
  for (Message id : all_messages()) {
    const std::string en(text(id, Language::en));
    const std::string ru(text(id, Language::ru));
    const std::vector<std::string> between(
        std::sregex_token_iterator(en.begin(), en.end(), placeholder, -1),
        std::sregex_token_iterator());
    for (const auto& piece : between) {
      const auto first = piece.find_first_not_of(" ,.:;");
      const auto last = piece.find_last_not_of(" ,.:;");
      if (first == std::string::npos) {
        continue;
      }
      const std::string trimmed = piece.substr(first, last - first + 1);
      if (std::regex_search(trimmed, two_words) && !has(ru, trimmed)) {
        out.emplace_back(id, trimmed);
      }
    }
  }
  return out;
}

TEST(NightlyRussianLabels, TheCheckKnowsTheEnglishLabels) {
  // The check below would catch these if a renderer wrote them itself.
  const auto pieces = english_pieces();
  for (const char* label : {"Known problems (acknowledged)", "Nightly order report",
                            "Latency of entry operations", "Stage durations"}) {
    EXPECT_TRUE(std::any_of(pieces.begin(), pieces.end(), [&](const auto& piece) {
      return piece.second == label;
    })) << label;
  }
}

TEST(NightlyRussianLabels, HtmlAndTextHoldNoEnglishLabel) {
  const auto definition = ordertrace::report::definition();
  const auto report = full_report(definition);
  const auto pieces = english_pieces();
  ASSERT_GT(pieces.size(), 100U);
  for (const auto format : {NightlyFormat::html, NightlyFormat::text, NightlyFormat::md}) {
    std::string shown = render(format, report, Language::ru);
    if (format == NightlyFormat::html) {
      shown = visible_text(shown);
    }
    for (const auto& [id, piece] : pieces) {
      EXPECT_FALSE(has(shown, piece))
          << to_string(format) << ": \"" << piece << "\" of " << message_name(id) << " in\n"
          << shown;
    }
  }
  // The same check finds them in the English report: it looks where the labels are.
  const std::string english = visible_text(render(NightlyFormat::html, report, Language::en));
  for (const char* piece : {"Known problems (acknowledged)", "Lost (1) and stalled (1) orders",
                            "Business figures", "Latency of entry operations"}) {
    EXPECT_TRUE(has(english, piece)) << piece << " missing from\n" << english;
  }
}

TEST(NightlyRussianLabels, HtmlIsRussianOnTheReadersClock) {
  const auto definition = ordertrace::report::definition();
  const std::string html = render(NightlyFormat::html, full_report(definition), Language::ru);
  for (const char* part :
       {"<html lang=\"ru\">", "<h1>Ночной отчёт по заказам</h1>",
        "оценено на 2026-08-30T13:00:00+03:00", "<h2 id=\"known\">Известные проблемы (отмечены)",
        "ПОТЕРЯН (LOST)", "до 2026-09-19T13:00:00+03:00", "Источник: jaeger http://jaeger:16686",
        "Jaeger (api_v3): поисков 4"}) {
    EXPECT_TRUE(has(html, part)) << part << " missing from\n" << html;
  }
  EXPECT_FALSE(has(html, "T10:00:00Z")) << html; // no UTC time left
  const std::string english = render(NightlyFormat::html, full_report(definition), Language::en);
  EXPECT_TRUE(has(english, "<html lang=\"en\">")) << english;
  EXPECT_TRUE(has(english, "judged at 2026-08-30T10:00:00Z")) << english;
}

TEST(NightlyRussianWarnings, JaegerClientWarningIsRussianInTextAndEnglishInJson) {
  const auto definition = ordertrace::report::definition();
  const auto report = full_report(definition);
  const std::string russian =
      "поиск всех трейсов (сервис mes) с 2026-08-20T13:00:00+03:00 по "
      "2026-08-20T13:00:00+03:00 вернул трейсов: 100, это предел глубины поиска";
  const std::string text = render(NightlyFormat::text, report, Language::ru);
  EXPECT_TRUE(has(text, "Предупреждения\n  - " + russian)) << text;
  EXPECT_TRUE(has(text, "сообщение Jaeger: storage is warming up")) << text;
  EXPECT_FALSE(has(text, "the search for")) << text;
  EXPECT_TRUE(has(render(NightlyFormat::md, report, Language::ru), "- " + russian));
  EXPECT_TRUE(has(render(NightlyFormat::html, report, Language::ru), "<li>" + russian));

  // JSON: the English sentence, whatever the language.
  const auto json = nlohmann::json::parse(render(NightlyFormat::json, report, Language::ru));
  EXPECT_EQ(json.at("warnings").at(0), k_cut_off_english);
  EXPECT_EQ(json.at("warnings").at(1), "Jaeger reported: storage is warming up");
  // English text: the client's sentence as it was.
  EXPECT_TRUE(has(render(NightlyFormat::text, report, Language::en),
                  "Warnings\n  - " + std::string(k_cut_off_english).substr(0, 150)))
      << render(NightlyFormat::text, report, Language::en);
}

TEST(NightlyRussianWarnings, AWarningWithoutDataOrOfAnUnknownKindStaysEnglish) {
  const auto definition = ordertrace::report::definition();
  auto report = full_report(definition);
  report.warning_phrases = {{"no_such_kind", {}, {}}}; // the second has no data at all
  const std::string text = render(NightlyFormat::text, report, Language::ru);
  EXPECT_TRUE(has(text, "  - " + std::string(k_cut_off_english).substr(0, 40))) << text;
  EXPECT_TRUE(has(text, "  - Jaeger reported: storage is warming up")) << text;
}

} // namespace
} // namespace ordertrace::report

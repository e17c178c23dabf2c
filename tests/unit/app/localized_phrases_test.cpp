// The engine's sentences as data (lifecycle::Phrase): for every order of the scenarios,
// the showcase and the demo month, the message table's English text filled from the
// phrase is the engine's own sentence word for word (so the phrase names every value the
// sentence says, and the Russian text built from it says the same), and the Russian text
// is filled too.

#include <ordertrace/config/lifecycle_file.hpp>
#include <ordertrace/lifecycle/engine.hpp>
#include <ordertrace/report/phrases.hpp>
#include <ordertrace/source/span_store.hpp>
#include <ordertrace/util/time.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace ordertrace {
namespace {

namespace fs = std::filesystem;
using lifecycle::Phrase;
using report::Language;

const fs::path k_source_dir = ORDERTRACE_SOURCE_DIR;

struct Data {
  std::string name;
  std::vector<fs::path> files;
  fs::path manifest;
  fs::path now;
};

void PrintTo(const Data& data, std::ostream* out) {
  *out << data.name;
}

std::int64_t read_now(const fs::path& path) {
  std::ifstream in(path);
  std::string text;
  in >> text;
  return util::parse_rfc3339(text).value();
}

// Every order of `data` judged at its "now", each by the lifecycle its manifest line names.
std::vector<lifecycle::Assessment> assess_all(const Data& data) {
  const fs::path dir = data.manifest.parent_path();
  const std::int64_t now = read_now(data.now);
  std::vector<lifecycle::Assessment> out;
  std::ifstream manifest(data.manifest);
  for (std::string line; std::getline(manifest, line);) {
    const auto expected = nlohmann::json::parse(line);
    const auto definition = expected.contains("lifecycle")
                                ? config::load_lifecycle_file(
                                      k_source_dir / expected.at("lifecycle").get<std::string>())
                                : config::default_lifecycle();
    source::SpanStore store;
    std::vector<fs::path> files = data.files;
    if (expected.contains("file")) {
      files = {dir / expected.at("file").get<std::string>()};
    }
    source::load_files(files, store);
    const std::string order_id = expected.at("order_id");
    const std::int64_t line_now =
        expected.contains("now")
            ? util::parse_rfc3339(expected.at("now").get<std::string>()).value()
            : now;
    out.push_back(lifecycle::assess(
        definition, store.select_order(order_id, definition.order_id_keys), order_id, line_now));
  }
  return out;
}

// `phrase` said in English in UTC is `english`, and said in Russian at all.
void expect_says(const Phrase& phrase, const std::string& english, const std::string& where) {
  const util::TimeZone utc;
  ASSERT_NE(phrase.kind, Phrase::Kind::none) << where << ": no phrase for \"" << english << '"';
  EXPECT_EQ(report::detail::say(phrase, Language::en, utc), english) << where;
  const auto russian = report::detail::say(phrase, Language::ru, utc);
  ASSERT_TRUE(russian.has_value()) << where << ": the Russian text is not filled";
  EXPECT_NE(*russian, english) << where;
}

class Phrases : public ::testing::TestWithParam<Data> {};

TEST_P(Phrases, SayInEnglishWhatTheEngineWroteAndFillTheRussianText) {
  std::set<Phrase::Kind> kinds;
  for (const auto& a : assess_all(GetParam())) {
    expect_says(a.reason_phrase, a.reason, a.order_id + " reason");
    kinds.insert(a.reason_phrase.kind);
    for (const auto& evidence : a.evidence) {
      expect_says(evidence.detail_phrase, evidence.detail, a.order_id + " evidence");
      kinds.insert(evidence.detail_phrase.kind);
    }
    ASSERT_EQ(a.warning_phrases.size(), a.warnings.size()) << a.order_id;
    for (std::size_t i = 0; i < a.warnings.size(); ++i) {
      expect_says(a.warning_phrases[i], a.warnings[i], a.order_id + " warning");
      kinds.insert(a.warning_phrases[i].kind);
    }
  }
  EXPECT_GE(kinds.size(), 5U) << "the data should say many different things";
}

INSTANTIATE_TEST_SUITE_P(
    Data, Phrases,
    ::testing::Values(Data{"scenarios",
                           {},
                           k_source_dir / "tests/data/scenarios/manifest.jsonl",
                           k_source_dir / "tests/data/scenarios/now.txt"},
                      Data{"showcase",
                           {k_source_dir / "tests/data/showcase/shop-week-otlp.json",
                            k_source_dir / "tests/data/showcase/shop-week-jaeger.json"},
                           k_source_dir / "tests/data/showcase/manifest.jsonl",
                           k_source_dir / "tests/data/showcase/now.txt"},
                      Data{"demo_month",
                           {k_source_dir / "data/demo/month-otlp.json"},
                           k_source_dir / "data/demo/manifest.jsonl",
                           k_source_dir / "data/demo/now.txt"}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(Phrases, WorkingTimeAllowancesAndWaitsAreSaidInRussian) {
  constexpr std::int64_t hour = 3600 * util::k_ns_per_second;
  Phrase stalled;
  stalled.kind = Phrase::Kind::stalled;
  stalled.words = {{"next", "MANUFACTURING_APPROVED"},
                   {"owner", "crm-api"},
                   {"state", "PRICE_CALCULATED"},
                   {"calendar", "workshop"}};
  stalled.durations_ns = {{"waited", 75 * hour},
                          {"working_time", 13 * hour},
                          {"allowed", 22 * hour},
                          {"working_day", 9 * hour}};
  const util::TimeZone utc;
  EXPECT_EQ(report::detail::say(stalled, Language::en, utc),
            "waiting 3d 3h (13h of working time in calendar workshop) for MANUFACTURING_APPROVED "
            "from crm-api since PRICE_CALCULATED, over the allowance of 2 working days 4h");
  // Durations keep their units with no-break spaces, so a wrapped line never ends in "3".
  EXPECT_EQ(report::detail::say(stalled, Language::ru, utc),
            "ждёт MANUFACTURING_APPROVED от crm-api уже 3\u00A0д\u00A03\u00A0ч (из них рабочего "
            "времени 13\u00A0ч по календарю workshop) после PRICE_CALCULATED, норматив "
            "2\u00A0рабочих\u00A0дня\u00A04\u00A0ч превышен");
  stalled.durations_ns["allowed"] = 5 * 9 * hour;
  EXPECT_NE(report::detail::say(stalled, Language::ru, utc)->find("5\u00A0рабочих\u00A0дней"),
            std::string::npos);
  stalled.durations_ns["allowed"] = 21 * 9 * hour;
  EXPECT_NE(report::detail::say(stalled, Language::ru, utc)->find("21\u00A0рабочий\u00A0день"),
            std::string::npos);
}

TEST(Phrases, TimesAreSaidInTheReadersZone) {
  Phrase completed;
  completed.kind = Phrase::Kind::completed;
  completed.words = {{"state", "CLOSED"}};
  completed.times_ns = {{"when", util::parse_rfc3339("2026-11-18T09:31:14Z").value()}};
  EXPECT_EQ(report::detail::say(completed, Language::ru, *util::TimeZone::find("Europe/Moscow")),
            "дошёл до CLOSED (2026-11-18T12:31:14+03:00)");
}

TEST(Phrases, APhraseThatMissesAValueLeavesTheEnglishText) {
  lifecycle::Assessment a;
  a.reason = "waiting 4d for X";
  a.reason_phrase.kind = Phrase::Kind::stalled; // no words at all
  EXPECT_EQ(report::detail::reason_text(a, Language::ru, util::TimeZone()), a.reason);
  a.warnings = {"Jaeger reported: something"}; // added by the client, no phrase
  EXPECT_EQ(report::detail::warning_text(a, 0, Language::ru, util::TimeZone()), a.warnings[0]);
}

} // namespace
} // namespace ordertrace

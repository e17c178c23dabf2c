// The message table: every id in both languages, language selection from --lang values and
// locale names, verdict labels and Russian durations.

#include <ordertrace/report/messages.hpp>
#include <ordertrace/util/time.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <set>

namespace ordertrace::report {
namespace {

constexpr std::int64_t k_second = util::k_ns_per_second;
constexpr std::int64_t k_minute = 60 * k_second;
constexpr std::int64_t k_hour = 60 * k_minute;
constexpr std::int64_t k_day = 24 * k_hour;

std::set<std::string> placeholders(std::string_view text) {
  std::set<std::string> names;
  for (auto open = text.find('{'); open != std::string_view::npos;
       open = text.find('{', open + 1)) {
    const auto close = text.find('}', open);
    if (close == std::string_view::npos) {
      break;
    }
    names.emplace(text.substr(open + 1, close - open - 1));
  }
  return names;
}

TEST(Messages, EveryIdHasBothLanguagesWithTheSamePlaceholders) {
  ASSERT_GT(all_messages().size(), 50U);
  for (Message id : all_messages()) {
    const auto en = text(id, Language::en);
    const auto ru = text(id, Language::ru);
    EXPECT_FALSE(en.empty()) << message_name(id);
    EXPECT_FALSE(ru.empty()) << message_name(id);
    EXPECT_EQ(placeholders(en), placeholders(ru)) << message_name(id);
  }
}

TEST(Messages, RussianTextsAreRussian) {
  // A Russian text with Latin words outside its placeholders is a slip of translation;
  // one of placeholders and punctuation only ("{state}, {time}") is fine.
  for (Message id : all_messages()) {
    std::string ru(text(id, Language::ru));
    for (auto open = ru.find('{'); open != std::string::npos; open = ru.find('{')) {
      ru.erase(open, ru.find('}', open) - open + 1);
    }
    const bool latin_word = std::any_of(ru.begin(), ru.end(), [](char c) {
      return std::isalpha(static_cast<unsigned char>(c)) != 0;
    });
    const bool cyrillic =
        ru.find("\xD0") != std::string::npos || ru.find("\xD1") != std::string::npos;
    // Names that stay as they are in Russian text: the contract spellings, CLI options,
    // products and states.
    for (const char* name : {"NOT_FOUND",    "COMPLETED",  "LOST",
                             "INCONSISTENT", "ABANDONED",  "STALLED",
                             "ON_TRACK",     "never_seen", "beyond_retention",
                             "Jaeger",       "json",       "format",
                             "ordertrace",   "HTTP 5xx",   "HTTP",
                             "ack",          "p50",        "p95",
                             "p99",          "n=",         "offline",
                             "search-depth"}) {
      for (auto at = ru.find(name); at != std::string::npos; at = ru.find(name)) {
        ru.erase(at, std::strlen(name));
      }
    }
    const bool latin_left = std::any_of(ru.begin(), ru.end(), [](char c) {
      return std::isalpha(static_cast<unsigned char>(c)) != 0;
    });
    EXPECT_FALSE(latin_left) << message_name(id) << ": " << text(id, Language::ru);
    EXPECT_TRUE(cyrillic || !latin_word) << message_name(id) << ": " << text(id, Language::ru);
  }
}

TEST(Messages, NamesAreUnique) {
  std::set<std::string_view> names;
  for (Message id : all_messages()) {
    EXPECT_TRUE(names.insert(message_name(id)).second) << message_name(id);
  }
}

TEST(Messages, FormatFillsNamedPlaceholders) {
  EXPECT_EQ(format(Message::queue, Language::en, fmt::arg("queue", "orders.approved")),
            "queue orders.approved");
  EXPECT_EQ(format(Message::queue, Language::ru, fmt::arg("queue", "orders.approved")),
            "очередь orders.approved");
  // A value with braces is data, never a format string.
  EXPECT_EQ(format(Message::queue, Language::en, fmt::arg("queue", "{x}")), "queue {x}");
}

TEST(Language, ParsesTheLangValuesExactly) {
  EXPECT_EQ(parse_language("en"), Language::en);
  EXPECT_EQ(parse_language("ru"), Language::ru);
  EXPECT_EQ(parse_language("RU"), std::nullopt);
  EXPECT_EQ(parse_language("de"), std::nullopt);
  EXPECT_EQ(parse_language(""), std::nullopt);
  EXPECT_EQ(language_names(), (std::vector<std::string>{"en", "ru"}));
  EXPECT_EQ(to_string(Language::ru), "ru");
}

TEST(Language, IsReadFromLocaleNamesAsGettextDoes) {
  EXPECT_EQ(language_of_locale("ru_RU.UTF-8"), Language::ru);
  EXPECT_EQ(language_of_locale("ru_UA.KOI8-U"), Language::ru);
  EXPECT_EQ(language_of_locale("ru"), Language::ru);
  EXPECT_EQ(language_of_locale("ru_RU@euro"), Language::ru);
  EXPECT_EQ(language_of_locale("en_US.UTF-8"), Language::en);
  EXPECT_EQ(language_of_locale("de_DE.UTF-8"), Language::en);
  EXPECT_EQ(language_of_locale("C"), Language::en);
  EXPECT_EQ(language_of_locale("POSIX"), Language::en);
  EXPECT_EQ(language_of_locale(""), Language::en);
  EXPECT_EQ(language_of_locale("rus"), Language::en); // not an ISO 639-1 "ru"

  EXPECT_TRUE(locale_names_language("ru_RU.UTF-8"));
  EXPECT_TRUE(locale_names_language("en_US.UTF-8"));
  EXPECT_FALSE(locale_names_language("C"));
  EXPECT_FALSE(locale_names_language("C.UTF-8"));
  EXPECT_FALSE(locale_names_language("POSIX"));
  EXPECT_FALSE(locale_names_language(""));
}

TEST(Verdicts, KeepTheContractSpellingInRussian) {
  using lifecycle::Verdict;
  for (Verdict verdict :
       {Verdict::not_found, Verdict::completed, Verdict::lost, Verdict::inconsistent,
        Verdict::abandoned, Verdict::stalled, Verdict::on_track}) {
    const std::string contract(lifecycle::to_string(verdict));
    EXPECT_EQ(verdict_label(verdict, Language::en), contract);
    const std::string ru = verdict_label(verdict, Language::ru);
    EXPECT_NE(ru.find("(" + contract + ")"), std::string::npos) << ru;
    EXPECT_NE(ru, "(" + contract + ")");
  }
  EXPECT_EQ(verdict_label(Verdict::lost, Language::ru), "ПОТЕРЯН (LOST)");
}

TEST(Durations, AreWrittenWithRussianUnits) {
  EXPECT_EQ(format_duration(3 * k_day + 4 * k_hour, Language::en), "3d 4h");
  EXPECT_EQ(format_duration(3 * k_day + 4 * k_hour, Language::ru), "3 д 4 ч");
  EXPECT_EQ(format_duration(19 * k_hour + 54 * k_minute, Language::ru), "19 ч 54 мин");
  EXPECT_EQ(format_duration(6 * k_minute + 36 * k_second, Language::ru), "6 мин 36 с");
  EXPECT_EQ(format_duration(15 * k_minute, Language::ru), "15 мин");
  EXPECT_EQ(format_duration(250'000'000, Language::ru), "250 мс");
  EXPECT_EQ(format_duration(0, Language::ru), "0 с");
  EXPECT_EQ(format_duration(-2 * k_day, Language::ru), "-2 д");
}

TEST(EvidenceKinds, HaveLabelsInBothLanguages) {
  using Kind = lifecycle::Evidence::Kind;
  EXPECT_EQ(evidence_label(Kind::unconsumed_message, Language::en), "unconsumed message");
  EXPECT_EQ(evidence_label(Kind::error, Language::ru), "ошибка");
  EXPECT_EQ(evidence_label(Kind::clock_skew, Language::en), "clock skew");
}

} // namespace
} // namespace ordertrace::report

// The Jaeger client's warnings as data (source::ClientWarning) and the message table that
// says them (report, w_<kind>): for every kind, the table's English text filled from the
// data is the client's own sentence word for word, so the Russian one says the same
// values; the app hands one to the other by the kind's name (report_command.cpp).

#include <ordertrace/report/nightly.hpp>
#include <ordertrace/report/phrases.hpp>
#include <ordertrace/source/jaeger_client.hpp>
#include <ordertrace/util/time_zone.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace ordertrace {
namespace {

using Kind = source::ClientWarning::Kind;
using report::Language;

constexpr std::int64_t k_from = 1'787'220'000'000'000'000; // 2026-08-20T10:00:00Z

// One warning of each kind with every value it names, and the cut-off search in each of
// its forms (a filter or all traces, one service or all).
std::vector<source::ClientWarning> every_warning() {
  return {
      {Kind::service_search_failed, {{"service", "mes"}, {"message", "HTTP 503"}}, {}},
      {Kind::order_search_failed, {{"service", "crm-api"}, {"message", "timed out"}}, {}},
      {Kind::search_cut_off, {{"count", "100"}}, {{"from", k_from}, {"until", k_from + 1'000'000}}},
      {Kind::search_cut_off,
       {{"filter", "order.id=ORD-1"}, {"service", "mes"}, {"count", "20"}},
       {{"from", k_from}, {"until", k_from + 3'600'000'000'000}}},
      {Kind::jaeger_reported, {{"note", "storage is warming up"}}, {}},
      {Kind::trace_missing, {{"trace", "4bf92f3577b34da6a3ce929d0e0e4736"}}, {}},
      {Kind::link_limit, {{"limit", "1000"}, {"count", "7"}}, {}},
      {Kind::consumer_search_limit, {{"limit", "20"}}, {}},
      {Kind::consumers_without_services, {{"queue", "orders.submitted"}}, {}},
  };
}

// As report_command.cpp hands it to the report.
report::WarningPhrase as_report_phrase(const source::ClientWarning& warning) {
  return {std::string(source::to_string(warning.kind)), warning.words, warning.times_ns};
}

TEST(ClientWarnings, EveryKindIsCovered) {
  std::set<Kind> kinds;
  for (const auto& warning : every_warning()) {
    kinds.insert(warning.kind);
  }
  EXPECT_EQ(kinds.size(), 8U); // a new kind: add it above, and its w_ message
}

TEST(ClientWarnings, TheTableSaysTheClientsEnglishWordForWordAndRussianToo) {
  const util::TimeZone utc;
  const auto moscow = *util::TimeZone::find("Europe/Moscow");
  for (const auto& warning : every_warning()) {
    const std::string english = source::english_text(warning);
    const auto phrase = as_report_phrase(warning);
    EXPECT_EQ(report::detail::say(phrase, Language::en, utc), english) << phrase.kind;
    const auto russian = report::detail::say(phrase, Language::ru, moscow);
    ASSERT_TRUE(russian.has_value()) << phrase.kind;
    EXPECT_NE(*russian, english) << phrase.kind;
    for (const auto& [name, word] : warning.words) {
      EXPECT_NE(russian->find(word), std::string::npos) << phrase.kind << ": " << word;
    }
    if (warning.times_ns.contains("from")) {
      EXPECT_NE(russian->find("2026-08-20T13:00:00+03:00"), std::string::npos) << *russian;
    }
  }
}

} // namespace
} // namespace ordertrace

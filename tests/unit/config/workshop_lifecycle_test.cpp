// The lifecycle file's keys for a real workshop (issue #11): endings, rework loops, allowance
// sets per order type, business calendars and next-step hints; what default.json and
// workshop.json ship, and each validation error with its JSON pointer.

#include <ordertrace/config/lifecycle_file.hpp>
#include <ordertrace/util/error.hpp>
#include <ordertrace/util/time.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>

namespace ordertrace::config {
namespace {

namespace fs = std::filesystem;
using lifecycle::Definition;

constexpr std::int64_t k_hour = 3600 * util::k_ns_per_second;

// A small lifecycle with every new key; tests change one thing at a time.
constexpr std::string_view k_document = R"({
  "commitment_state": "PRICED",
  "states": [
    {"name": "NEW", "owner": "shop", "allowance": "1d"},
    {"name": "PRICED", "owner": "mes", "allowance": "2d", "calendar": "office"},
    {"name": "MADE", "owner": "mes", "allowance": "1w", "calendar": "office"},
    {"name": "PACKED", "owner": "mes", "allowance": "4h", "calendar": "office"},
    {"name": "DONE", "owner": "crm"}
  ],
  "endings": [{"name": "CANCELLED", "owner": "crm", "description": "by the customer"}],
  "back_edges": [{"from": "PACKED", "to": "MADE"}],
  "order_types": {"attribute": "order.kind", "sets": {"express": {"NEW": "2h", "PRICED": "1d"}}},
  "calendars": {
    "office": {"time_zone": "Europe/Moscow", "hours": "09:00-18:00",
               "weekdays": ["mon", "tue", "wed", "thu", "fri"], "holidays": ["2026-01-07"]}
  },
  "hints": [
    {"id": "queue", "verdicts": ["LOST"], "evidence": "unconsumed_message", "state": "PRICED",
     "text": {"en": "message in {queue} since {since}", "ru": "сообщение в {queue} с {since}"}}
  ]
})";

std::string replaced(std::string_view text, std::string_view from, std::string_view to) {
  std::string result(text);
  const std::size_t at = result.find(from);
  EXPECT_NE(at, std::string::npos) << "test bug: \"" << from << "\" not in the document";
  if (at != std::string::npos) {
    result.replace(at, from.size(), to);
  }
  return result;
}

std::string error_of(std::string_view text) {
  try {
    parse_lifecycle(text, "test.json");
  } catch (const InputError& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(WorkshopKeys, AreReadIntoTheDefinition) {
  const Definition definition = parse_lifecycle(k_document, "test.json");
  ASSERT_EQ(definition.endings.size(), 1U);
  EXPECT_EQ(definition.endings[0].name, "CANCELLED");
  EXPECT_EQ(definition.endings[0].owner, "crm");
  EXPECT_TRUE(definition.is_back_edge("PACKED", "MADE"));
  EXPECT_FALSE(definition.is_back_edge("MADE", "PACKED"));
  EXPECT_EQ(definition.order_types.attribute, "order.kind");
  EXPECT_EQ(definition.order_types.sets.at("express").at("NEW"), 2 * k_hour);
  ASSERT_EQ(definition.hints.size(), 1U);
  EXPECT_EQ(definition.hints[0].verdicts, std::vector{lifecycle::Verdict::lost});
  EXPECT_EQ(definition.hints[0].text.at("ru"), "сообщение в {queue} с {since}");
  const auto& office = definition.calendars.at("office");
  EXPECT_EQ(office.zone.name(), "Europe/Moscow");
  EXPECT_EQ(office.day_start_minute, 9 * 60);
  EXPECT_EQ(office.day_end_minute, 18 * 60);
  EXPECT_FALSE(office.working_weekdays[5]);
  ASSERT_EQ(office.holidays.size(), 1U);
  EXPECT_EQ(office.holidays[0], (lifecycle::CalendarDate{2026, 1, 7}));
  EXPECT_EQ(definition.calendar_of(1), &office);
  EXPECT_EQ(definition.calendar_of(0), nullptr);
}

TEST(WorkshopKeys, DaysUnderACalendarAreWorkingDays) {
  const Definition definition = parse_lifecycle(k_document, "test.json");
  EXPECT_EQ(definition.states[0].allowance, 24 * k_hour);    // wall time
  EXPECT_EQ(definition.states[1].allowance, 2 * 9 * k_hour); // 2 working days of 9 h
  EXPECT_EQ(definition.states[2].allowance, 5 * 9 * k_hour); // a week: 5 working days
  EXPECT_EQ(definition.states[3].allowance, 4 * k_hour);     // working hours stay hours
  // Allowance sets follow the state's calendar.
  EXPECT_EQ(definition.order_types.sets.at("express").at("PRICED"), 9 * k_hour);
}

TEST(WorkshopKeys, AMappingRuleMayNameAnEnding) {
  const auto definition = parse_lifecycle(
      replaced(k_document, R"("hints")",
               R"("rules": [{"service": "crm", "operation": "Cancel*", "state": "CANCELLED"}],
                  "hints")"),
      "test.json");
  ASSERT_EQ(definition.rules.size(), 1U);
  EXPECT_EQ(definition.rules[0].state, "CANCELLED");
}

TEST(WorkshopKeyErrors, BackEdgesNameKnownStatesBackwards) {
  EXPECT_EQ(error_of(replaced(k_document, R"("from": "PACKED")", R"("from": "PACKD")")),
            "test.json: /back_edges/0/from: unknown state \"PACKD\"; did you mean \"PACKED\"?");
  EXPECT_EQ(error_of(replaced(k_document, R"("to": "MADE")", R"("to": "CANCELLED")")),
            "test.json: /back_edges/0/to: unknown state \"CANCELLED\" (an ending, not a state of "
            "the lifecycle)");
  EXPECT_EQ(error_of(replaced(k_document, R"("from": "PACKED", "to": "MADE")",
                              R"("from": "MADE", "to": "PACKED")")),
            "test.json: /back_edges/0: PACKED does not come before MADE: a back-edge goes back "
            "in the lifecycle");
  EXPECT_EQ(
      error_of(replaced(k_document, R"({"from": "PACKED", "to": "MADE"})",
                        R"({"from": "PACKED", "to": "MADE"}, {"from": "PACKED", "to": "MADE"})")),
      "test.json: /back_edges/1: duplicate back-edge PACKED -> MADE");
}

TEST(WorkshopKeyErrors, EndingsHaveNamesOfTheirOwnAndKnownOwners) {
  EXPECT_EQ(error_of(replaced(k_document, R"("name": "CANCELLED")", R"("name": "DONE")")),
            "test.json: /endings/0/name: \"DONE\" is already a state; an ending must have a name "
            "of its own");
  EXPECT_EQ(error_of(replaced(k_document, R"("owner": "crm", "description")",
                              R"("owner": "cmr", "description")")),
            "test.json: /endings/0/owner: unknown service \"cmr\" (not the owner of any state); "
            "did you mean \"crm\"?");
  EXPECT_EQ(
      error_of(replaced(k_document, R"("description": "by the customer")", R"("descripton": "x")")),
      "test.json: /endings/0/descripton: unknown key; did you mean \"description\"?");
}

TEST(WorkshopKeyErrors, AllowanceSetsNameKnownStates) {
  EXPECT_EQ(error_of(replaced(k_document, R"("NEW": "2h")", R"("NWE": "2h")")),
            "test.json: /order_types/sets/express/NWE: unknown state \"NWE\"; did you mean "
            "\"NEW\"?");
  EXPECT_EQ(error_of(replaced(k_document, R"("NEW": "2h")", R"("DONE": "2h")")),
            "test.json: /order_types/sets/express/DONE: the last state has no next state to "
            "allow time for");
  EXPECT_EQ(error_of(replaced(k_document, R"("NEW": "2h")", R"("NEW": "soon")")),
            "test.json: /order_types/sets/express/NEW: \"soon\" is not a duration (for example "
            "\"15m\", \"2d\", \"1h30m\"; units ns us ms s m h d w)");
}

TEST(WorkshopKeyErrors, HintsNameKnownVerdictsEvidenceStatesAndPlaceholders) {
  EXPECT_EQ(error_of(replaced(k_document, R"(["LOST"])", R"(["STALED"])")),
            "test.json: /hints/0/verdicts/0: unknown verdict \"STALED\" (hints apply to STALLED "
            "and LOST); did you mean \"STALLED\"?");
  EXPECT_EQ(error_of(replaced(k_document, R"("unconsumed_message")", R"("unconsumed")")),
            "test.json: /hints/0/evidence: unknown evidence \"unconsumed\" (error, "
            "unconsumed_message, waiting_message, none or *)");
  EXPECT_EQ(error_of(replaced(k_document, R"("state": "PRICED")", R"("state": "PRICD")")),
            "test.json: /hints/0/state: unknown state \"PRICD\"; did you mean \"PRICED\"?");
  EXPECT_EQ(error_of(replaced(k_document, "message in {queue}", "message in {queeu}")),
            "test.json: /hints/0/text/en: unknown placeholder \"{queeu}\"; did you mean "
            "\"{queue}\"?");
  EXPECT_EQ(error_of(replaced(k_document, R"("en": "message in {queue} since {since}", )", "")),
            "test.json: /hints/0/text: needs an English text (\"en\"); JSON output is in English");
}

TEST(WorkshopKeyErrors, CalendarsAreCheckedWhereTheyAreDeclaredAndUsed) {
  EXPECT_EQ(error_of(replaced(k_document, R"("allowance": "2d", "calendar": "office")",
                              R"("allowance": "2d", "calendar": "ofice")")),
            "test.json: /states/1/calendar: unknown calendar \"ofice\"; did you mean \"office\"?");
  EXPECT_EQ(error_of(replaced(k_document, "Europe/Moscow", "Europe/Mosow")),
            "test.json: /calendars/office/time_zone: unknown time zone \"Europe/Mosow\" (an IANA "
            "name such as \"Europe/Moscow\")");
  EXPECT_EQ(error_of(replaced(k_document, "09:00-18:00", "9-18")),
            "test.json: /calendars/office/hours: \"9-18\" is not working hours \"HH:MM-HH:MM\" "
            "(for example \"09:00-18:00\")");
  EXPECT_EQ(error_of(replaced(k_document, "09:00-18:00", "18:00-09:00")),
            "test.json: /calendars/office/hours: \"18:00-09:00\": the working day must end after "
            "it starts");
  EXPECT_EQ(error_of(replaced(k_document, R"("fri"])", R"("fry"])")),
            "test.json: /calendars/office/weekdays/4: unknown weekday \"fry\" (mon tue wed thu "
            "fri sat sun); did you mean \"fri\"?");
  EXPECT_EQ(error_of(replaced(k_document, "2026-01-07", "2026-02-30")),
            "test.json: /calendars/office/holidays/0: \"2026-02-30\" is not a date \"YYYY-MM-DD\"");
  const std::string missing = error_of(replaced(k_document, R"("holidays": ["2026-01-07"])",
                                                R"("holidays_file": "no-such-holidays.txt")"));
  EXPECT_NE(missing.find("test.json: /calendars/office/holidays_file: "), std::string::npos)
      << missing;
  EXPECT_NE(missing.find("no-such-holidays.txt"), std::string::npos) << missing;
}

TEST(WorkshopKeys, AHolidaysFileIsRelativeToTheLifecycleFile) {
  const fs::path dir = fs::temp_directory_path() / ("ordertrace-core-" + std::to_string(getpid()));
  fs::create_directories(dir / "calendars");
  std::ofstream(dir / "calendars" / "days-off.txt") << "# days off\n2026-05-01 Labour Day\n";
  std::ofstream(dir / "lifecycle.json")
      << replaced(k_document, R"("holidays": ["2026-01-07"])",
                  R"("holidays": ["2026-01-07"], "holidays_file": "calendars/days-off.txt")");
  const Definition definition = load_lifecycle_file(dir / "lifecycle.json");
  fs::remove_all(dir);
  const auto& holidays = definition.calendars.at("office").holidays;
  ASSERT_EQ(holidays.size(), 2U);
  EXPECT_EQ(holidays[0], (lifecycle::CalendarDate{2026, 1, 7}));
  EXPECT_EQ(holidays[1], (lifecycle::CalendarDate{2026, 5, 1}));
}

TEST(DefaultLifecycleForTheWorkshop, ShipsEndingsLoopsTypesTheCalendarAndHints) {
  const Definition definition = default_lifecycle();
  ASSERT_EQ(definition.endings.size(), 2U);
  EXPECT_EQ(definition.endings[0].name, "CANCELLED");
  EXPECT_EQ(definition.endings[1].name, "REFUNDED");
  EXPECT_TRUE(definition.is_back_edge("MANUFACTURING_COMPLETED", "MANUFACTURING_STARTED"));
  EXPECT_TRUE(definition.is_back_edge("PACKAGING", "MANUFACTURING_STARTED"));
  EXPECT_EQ(definition.order_types.attribute, "order.type");
  EXPECT_LT(definition.order_types.sets.at("express").at("SUBMITTED"),
            *definition.states[2].allowance);
  EXPECT_FALSE(definition.order_types.sets.at("catalogue").contains("FILE_UPLOADED"));
  EXPECT_TRUE(definition.order_types.sets.at("custom").empty());
  // Declared, but the default keeps wall time (lifecycle.md's table).
  const auto& workshop = definition.calendars.at("workshop");
  EXPECT_EQ(workshop.zone.name(), "Europe/Moscow");
  EXPECT_TRUE(workshop.holidays.size() >= 10);
  for (std::size_t i = 0; i < definition.states.size(); ++i) {
    EXPECT_EQ(definition.calendar_of(i), nullptr) << definition.states[i].name;
  }
  ASSERT_FALSE(definition.hints.empty());
  for (const auto& hint : definition.hints) {
    EXPECT_TRUE(hint.text.contains("en")) << hint.id;
    EXPECT_TRUE(hint.text.contains("ru")) << hint.id;
  }
  // Every owner's wait has a hint of its own, and the last one catches the rest.
  for (const char* state :
       {"SUBMITTED", "PRICE_CALCULATED", "MANUFACTURING_APPROVED", "MANUFACTURING_STARTED",
        "MANUFACTURING_COMPLETED", "PACKAGING", "SHIPPED"}) {
    EXPECT_TRUE(std::any_of(definition.hints.begin(), definition.hints.end(),
                            [&](const auto& hint) { return hint.state == state; }))
        << state;
  }
  EXPECT_EQ(definition.hints.back().state, "*");
  EXPECT_EQ(definition.hints.back().evidence, "*");
}

TEST(WorkshopLifecycleFile, CountsThePeoplesStepsInWorkingTime) {
  const Definition workshop =
      load_lifecycle_file(fs::path(ORDERTRACE_SOURCE_DIR) / "data/lifecycle/workshop.json");
  const Definition plain = default_lifecycle();
  EXPECT_EQ(workshop.name, "workshop");
  ASSERT_EQ(workshop.states.size(), plain.states.size());
  for (std::size_t i = 0; i < workshop.states.size(); ++i) {
    const std::string& name = workshop.states[i].name;
    const bool by_people = name == "PRICE_CALCULATED" || name == "MANUFACTURING_APPROVED" ||
                           name == "MANUFACTURING_STARTED" || name == "MANUFACTURING_COMPLETED" ||
                           name == "PACKAGING";
    EXPECT_EQ(workshop.calendar_of(i) != nullptr, by_people) << name;
    if (!by_people) {
      EXPECT_EQ(workshop.states[i].allowance, plain.states[i].allowance) << name;
    }
  }
  // "2d" of approval = two working days of 9 h.
  EXPECT_EQ(workshop.states[3].allowance, 18 * k_hour);
}

} // namespace
} // namespace ordertrace::config

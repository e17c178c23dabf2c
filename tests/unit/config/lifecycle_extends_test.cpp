// "extends": a lifecycle file that holds only what it changes from the built-in default or
// from another lifecycle file; what merges, what replaces, and errors at this file's pointers.

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

std::string error_of(std::string_view text) {
  try {
    parse_lifecycle(text, "test.json");
  } catch (const InputError& error) {
    return error.what();
  }
  return "(no error)";
}

std::string load_error_of(const fs::path& path) {
  try {
    load_lifecycle_file(path);
  } catch (const InputError& error) {
    return error.what();
  }
  return "(no error)";
}

std::size_t index_of(const Definition& definition, std::string_view state) {
  const auto index = definition.index_of(std::string(state));
  EXPECT_TRUE(index.has_value()) << state;
  return index.value_or(0);
}

// A scratch folder of lifecycle files, removed at the end of the test.
class ScratchDir {
public:
  ScratchDir()
      : m_root(fs::temp_directory_path() /
               ("ordertrace-extends-" + std::to_string(getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    fs::remove_all(m_root);
    fs::create_directories(m_root);
  }
  ~ScratchDir() { fs::remove_all(m_root); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  fs::path write(const fs::path& relative, std::string_view text) const {
    const fs::path path = m_root / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path;
  }

private:
  fs::path m_root;
};

TEST(ExtendsDefault, ChangesOnlyTheNamedKeysOfTheNamedStates) {
  const Definition plain = default_lifecycle();
  const Definition changed = parse_lifecycle(R"({"extends": "default", "states": {
      "PACKAGING": {"allowance": "3d", "calendar": "workshop"},
      "SUBMITTED": {"queues": ["orders.placed"]}}})",
                                             "mine.json");
  ASSERT_EQ(changed.states.size(), plain.states.size());
  for (std::size_t i = 0; i < plain.states.size(); ++i) {
    EXPECT_EQ(changed.states[i].name, plain.states[i].name);
    EXPECT_EQ(changed.states[i].owner, plain.states[i].owner);
  }
  const std::size_t packaging = index_of(changed, "PACKAGING");
  EXPECT_EQ(changed.states[packaging].calendar, "workshop");
  EXPECT_EQ(changed.states[packaging].allowance, 27 * k_hour); // three working days of 9 h
  const std::size_t submitted = index_of(changed, "SUBMITTED");
  EXPECT_EQ(changed.states[submitted].queues, std::vector<std::string>{"orders.placed"});
  EXPECT_EQ(changed.states[submitted].allowance, plain.states[submitted].allowance);
  // The rest is inherited as it is.
  EXPECT_EQ(changed.rules.size(), plain.rules.size());
  EXPECT_EQ(changed.hints.size(), plain.hints.size());
  EXPECT_EQ(changed.endings.size(), plain.endings.size());
  EXPECT_EQ(changed.back_edges.size(), plain.back_edges.size());
  EXPECT_EQ(changed.addresses, plain.addresses);
  EXPECT_EQ(changed.services, plain.services);
  // Left out, the name is the file's, not the base's.
  EXPECT_EQ(changed.name, "mine");
}

TEST(ExtendsDefault, NullTakesAnInheritedCalendarAway) {
  const Definition definition = parse_lifecycle(
      R"({"extends": "default", "states": {"PACKAGING": {"calendar": "workshop"}}})", "a.json");
  EXPECT_NE(definition.calendar_of(index_of(definition, "PACKAGING")), nullptr);
  const fs::path workshop = fs::path(ORDERTRACE_SOURCE_DIR) / "data/lifecycle/workshop.json";
  ScratchDir dir;
  const fs::path path =
      dir.write("b.json", R"({"extends": ")" + workshop.generic_string() +
                              R"(", "states": {"PACKAGING": {"calendar": null}}})");
  const Definition back = load_lifecycle_file(path);
  EXPECT_EQ(back.calendar_of(index_of(back, "PACKAGING")), nullptr);
  EXPECT_NE(back.calendar_of(index_of(back, "MANUFACTURING_STARTED")), nullptr);
  EXPECT_EQ(back.name, "b");
}

TEST(ExtendsDefault, AnArrayOfStatesReplacesTheList) {
  const Definition definition = parse_lifecycle(R"({"extends": "default",
      "states": [{"name": "SUBMITTED", "owner": "shop-api", "allowance": "1h"},
                 {"name": "CLOSED", "owner": "crm-api"}],
      "rules": [], "hints": [], "back_edges": [],
      "order_types": {"sets": {"express": null, "catalogue": null}}})",
                                                "short.json");
  ASSERT_EQ(definition.states.size(), 2U);
  EXPECT_EQ(definition.states[0].allowance, k_hour);
  EXPECT_TRUE(definition.rules.empty());
  EXPECT_TRUE(definition.hints.empty());
  // Merged by key: null takes an inherited set away, the others stay.
  ASSERT_EQ(definition.order_types.sets.size(), 1U);
  EXPECT_TRUE(definition.order_types.sets.contains("custom"));
}

TEST(ExtendsDefault, ObjectsMergeByKeyAndArraysReplace) {
  const Definition plain = default_lifecycle();
  const Definition definition = parse_lifecycle(R"({"extends": "default",
      "addresses": {"mes-new.internal": "mes"},
      "order_id_keys": ["order.number"],
      "order_types": {"attribute": "order.kind", "sets": {"rush": {"SUBMITTED": "1m"}}},
      "redaction": {"deny_patterns": ["CUST-[0-9]{6}"]},
      "calendars": {"office": {"time_zone": "Europe/Berlin"}}})",
                                                "m.json");
  EXPECT_EQ(definition.addresses.size(), plain.addresses.size() + 1);
  EXPECT_EQ(definition.addresses.at("mes-new.internal"), "mes");
  EXPECT_EQ(definition.order_id_keys, std::vector<std::string>{"order.number"});
  EXPECT_EQ(definition.order_types.attribute, "order.kind");
  EXPECT_TRUE(definition.order_types.sets.contains("rush"));
  EXPECT_TRUE(definition.order_types.sets.contains("express"));
  EXPECT_EQ(definition.redaction.deny_patterns, std::vector<std::string>{"CUST-[0-9]{6}"});
  EXPECT_EQ(definition.redaction.deny_keys, plain.redaction.deny_keys);
  EXPECT_TRUE(definition.calendars.contains("office"));
  EXPECT_TRUE(definition.calendars.contains("workshop"));
}

TEST(ExtendsDefault, AHintWithAnInheritedIdReplacesItInPlaceAndANewOneGoesFirst) {
  const Definition plain = default_lifecycle();
  ASSERT_GE(plain.hints.size(), 2U);
  const std::string second_id = plain.hints[1].id;
  const Definition definition = parse_lifecycle(R"({"extends": "default", "hints": [
      {"id": ")" + second_id + R"(", "text": {"en": "replaced"}},
      {"id": "ours", "state": "PACKAGING", "text": {"en": "call the packer"}}]})",
                                                "h.json");
  ASSERT_EQ(definition.hints.size(), plain.hints.size() + 1);
  EXPECT_EQ(definition.hints[0].id, "ours");
  EXPECT_EQ(definition.hints[2].id, second_id);
  EXPECT_EQ(definition.hints[2].text.at("en"), "replaced");
  EXPECT_EQ(definition.hints.back().id, plain.hints.back().id);
}

TEST(ExtendsErrors, AnUnknownStateSuggestsTheNearestInheritedOne) {
  EXPECT_EQ(
      error_of(
          R"({"extends": "default", "states": {"PRICE_CALCULATD": {"calendar": "workshop"}}})"),
      "test.json: /states/PRICE_CALCULATD: unknown state \"PRICE_CALCULATD\" (an object of "
      "changes names inherited states; give an array to add or remove states); did you mean "
      "\"PRICE_CALCULATED\"?");
  EXPECT_EQ(error_of(R"({"extends": "default", "states": {"PACKAGING": {"calender": "x"}}})"),
            "test.json: /states/PACKAGING/calender: unknown key; did you mean \"calendar\"?");
  EXPECT_EQ(error_of(R"({"extends": "default", "states": {"PACKAGING": {"name": "BOXING"}}})")
                .substr(0, 37),
            "test.json: /states/PACKAGING/name: un");
  EXPECT_EQ(error_of(R"({"extends": "default", "states": {"PACKAGING": "2d"}})"),
            "test.json: /states/PACKAGING: must be an object of the state's keys to change, not "
            "a string");
}

TEST(ExtendsErrors, AMergedValueIsReportedAtThisFilesPointer) {
  EXPECT_EQ(error_of(R"({"extends": "default", "states": {"SUBMITTED": {"allowance": "soon"}}})"),
            "test.json: /states/SUBMITTED/allowance: \"soon\" is not a duration (for example "
            "\"15m\", \"2d\", \"1h30m\"; units ns us ms s m h d w)");
  EXPECT_EQ(error_of(R"({"extends": "default", "states": {"PACKAGING": {"calendar": "shop"}}})"),
            "test.json: /states/PACKAGING/calendar: unknown calendar \"shop\"");
  EXPECT_EQ(error_of(R"({"extends": "default", "hints": [{"id": "x", "text": {"ru": "y"}}]})"),
            "test.json: /hints/0/text: needs an English text (\"en\"); JSON output is in English");
  EXPECT_EQ(error_of(R"({"extends": "default", "versoin": 1})"),
            "test.json: /versoin: unknown key; did you mean \"version\"?");
  EXPECT_EQ(error_of(R"({"extends": ""})"), "test.json: /extends: must not be empty");
  EXPECT_EQ(error_of(R"({"extends": 1})"), "test.json: /extends: must be a string, not a number");
}

TEST(ExtendsFile, APathIsRelativeToThisFileAndSoAreTheBasesHolidaysFiles) {
  ScratchDir dir;
  dir.write("base/days-off.txt", "2026-05-01 Labour Day\n");
  dir.write("base/base.json", R"({"extends": "default", "calendars": {"workshop": {
      "time_zone": "Europe/Moscow", "holidays_file": "days-off.txt"}},
      "states": {"PACKAGING": {"calendar": "workshop"}}})");
  const fs::path mine =
      dir.write("teams/mine.json",
                R"({"extends": "../base/base.json", "states": {"SHIPPED": {"allowance": "20d"}}})");
  const Definition definition = load_lifecycle_file(mine);
  EXPECT_EQ(definition.name, "mine");
  EXPECT_NE(definition.calendar_of(index_of(definition, "PACKAGING")), nullptr);
  EXPECT_EQ(definition.states[index_of(definition, "SHIPPED")].allowance, 20 * 24 * k_hour);
  const auto& holidays = definition.calendars.at("workshop").holidays;
  ASSERT_EQ(holidays.size(), 1U);
  EXPECT_EQ(holidays[0], (lifecycle::CalendarDate{2026, 5, 1}));
}

TEST(ExtendsFile, ACycleIsAnError) {
  ScratchDir dir;
  dir.write("a.json", R"({"extends": "b.json"})");
  const fs::path b = dir.write("b.json", R"({"extends": "./a.json"})");
  const std::string error = load_error_of(b);
  EXPECT_NE(error.find("/extends: \"b.json\" closes a cycle of extends: b.json -> a.json -> "
                       "b.json"),
            std::string::npos)
      << error;
  const fs::path self = dir.write("self.json", R"({"extends": "self.json"})");
  const std::string own = load_error_of(self);
  EXPECT_NE(own.find("closes a cycle of extends: self.json -> self.json"), std::string::npos)
      << own;
}

TEST(ExtendsFile, AMissingOrBrokenBaseIsNamed) {
  ScratchDir dir;
  const fs::path orphan = dir.write("orphan.json", R"({"extends": "nowhere.json"})");
  const std::string missing = load_error_of(orphan);
  EXPECT_NE(missing.find("orphan.json: /extends: "), std::string::npos) << missing;
  EXPECT_NE(missing.find("nowhere.json"), std::string::npos) << missing;
  dir.write("broken.json", R"({"extends": "default", "states": {"PACKAGING": {"owner": 7}}})");
  const fs::path child = dir.write("child.json", R"({"extends": "broken.json"})");
  const std::string broken = load_error_of(child);
  EXPECT_NE(broken.find("broken.json: /states/PACKAGING/owner: must be a string, not a number"),
            std::string::npos)
      << broken;
}

TEST(ShippedLifecycles, TheHolidaysFileVariantEqualsTheWorkshopFile) {
  const fs::path source(ORDERTRACE_SOURCE_DIR);
  const Definition workshop = load_lifecycle_file(source / "data/lifecycle/workshop.json");
  const Definition variant =
      load_lifecycle_file(source / "tests/data/lifecycles/workshop-holidays-file.json");
  EXPECT_EQ(variant.name, "workshop-holidays-file");
  ASSERT_EQ(variant.states.size(), workshop.states.size());
  for (std::size_t i = 0; i < workshop.states.size(); ++i) {
    EXPECT_EQ(variant.states[i].calendar, workshop.states[i].calendar);
    EXPECT_EQ(variant.states[i].allowance, workshop.states[i].allowance);
  }
  EXPECT_EQ(variant.calendars.at("workshop").holidays, workshop.calendars.at("workshop").holidays);
  EXPECT_EQ(variant.hints.size(), workshop.hints.size());
}

} // namespace
} // namespace ordertrace::config

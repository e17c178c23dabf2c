#include <ordertrace/util/time.hpp>
#include <ordertrace/util/time_zone.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <string_view>

namespace ordertrace::util {
namespace {

std::int64_t at(std::string_view rfc3339) {
  const auto time = parse_rfc3339(rfc3339);
  EXPECT_TRUE(time.has_value()) << rfc3339;
  return time.value_or(0);
}

TimeZone zone(std::string_view name) {
  const auto found = TimeZone::find(name);
  EXPECT_TRUE(found.has_value()) << name;
  return found.value_or(TimeZone::utc());
}

LocalTime local(int year, int month, int day, int hour, int minute, int second = 0) {
  LocalTime time;
  time.year = year;
  time.month = month;
  time.day = day;
  time.hour = hour;
  time.minute = minute;
  time.second = second;
  return time;
}

TEST(TimeZoneTest, MoscowIsThreeHoursAhead) {
  const TimeZone moscow = zone("Europe/Moscow");
  EXPECT_EQ(moscow.name(), "Europe/Moscow");
  EXPECT_FALSE(moscow.is_utc());
  const std::int64_t instant = at("2026-11-23T11:05:07.25Z");
  EXPECT_EQ(moscow.offset_seconds(instant), 3 * 3600);
  const LocalTime shown = moscow.to_local(instant);
  EXPECT_EQ(shown.year, 2026);
  EXPECT_EQ(shown.month, 11);
  EXPECT_EQ(shown.day, 23);
  EXPECT_EQ(shown.hour, 14);
  EXPECT_EQ(shown.minute, 5);
  EXPECT_EQ(shown.second, 7);
  EXPECT_EQ(shown.nanosecond, 250'000'000);
  EXPECT_EQ(shown.weekday, 0); // Monday
  EXPECT_EQ(moscow.to_utc(shown), instant);
  // Late evening UTC is the next day in Moscow.
  const LocalTime next_day = moscow.to_local(at("2026-11-22T22:30:00Z"));
  EXPECT_EQ(next_day.day, 23);
  EXPECT_EQ(next_day.hour, 1);
  EXPECT_EQ(next_day.weekday, 0);
}

TEST(TimeZoneTest, UtcIsTheDefault) {
  const TimeZone utc;
  EXPECT_TRUE(utc.is_utc());
  EXPECT_EQ(utc.name(), "UTC");
  EXPECT_EQ(utc.offset_seconds(at("2026-07-01T00:00:00Z")), 0);
  EXPECT_EQ(utc.to_utc(local(2026, 7, 1, 12, 0)), at("2026-07-01T12:00:00Z"));
  for (const std::string_view name : {"UTC", "Etc/UTC", ":UTC", "Z"}) {
    const auto found = TimeZone::find(name);
    ASSERT_TRUE(found.has_value()) << name;
    EXPECT_TRUE(found->is_utc()) << name;
  }
}

TEST(TimeZoneTest, BeforeTheEpoch) {
  const LocalTime last = TimeZone::utc().to_local(-1);
  EXPECT_EQ(last.year, 1969);
  EXPECT_EQ(last.month, 12);
  EXPECT_EQ(last.day, 31);
  EXPECT_EQ(last.hour, 23);
  EXPECT_EQ(last.second, 59);
  EXPECT_EQ(last.nanosecond, 999'999'999);
  EXPECT_EQ(last.weekday, 2); // Wednesday
  EXPECT_EQ(TimeZone::utc().to_utc(last), -1);
}

TEST(TimeZoneTest, BerlinAcrossTheSpringGap) {
  const TimeZone berlin = zone("Europe/Berlin");
  // Sunday 29 March 2026: 02:00 CET becomes 03:00 CEST at 01:00 UTC.
  EXPECT_EQ(berlin.offset_seconds(at("2026-03-29T00:59:59Z")), 3600);
  EXPECT_EQ(berlin.offset_seconds(at("2026-03-29T01:00:00Z")), 7200);
  EXPECT_EQ(berlin.to_utc(local(2026, 3, 29, 1, 30)), at("2026-03-29T00:30:00Z"));
  EXPECT_EQ(berlin.to_utc(local(2026, 3, 29, 3, 30)), at("2026-03-29T01:30:00Z"));
  // 02:30 never shows on a Berlin clock that day: the instant of the change.
  EXPECT_EQ(berlin.to_utc(local(2026, 3, 29, 2, 30)), at("2026-03-29T01:00:00Z"));
  const LocalTime after = berlin.to_local(at("2026-03-29T01:00:00Z"));
  EXPECT_EQ(after.hour, 3);
  EXPECT_EQ(after.minute, 0);
}

TEST(TimeZoneTest, BerlinAcrossTheAutumnFold) {
  const TimeZone berlin = zone("Europe/Berlin");
  // Sunday 25 October 2026: 03:00 CEST becomes 02:00 CET at 01:00 UTC, so 02:30 shows twice.
  const LocalTime first = berlin.to_local(at("2026-10-25T00:30:00Z"));
  const LocalTime second = berlin.to_local(at("2026-10-25T01:30:00Z"));
  EXPECT_EQ(first.hour, 2);
  EXPECT_EQ(first.minute, 30);
  EXPECT_EQ(second.hour, 2);
  EXPECT_EQ(second.minute, 30);
  EXPECT_EQ(berlin.offset_seconds(at("2026-10-25T00:30:00Z")), 7200);
  EXPECT_EQ(berlin.offset_seconds(at("2026-10-25T01:30:00Z")), 3600);
  // The earlier of the two.
  EXPECT_EQ(berlin.to_utc(local(2026, 10, 25, 2, 30)), at("2026-10-25T00:30:00Z"));
  EXPECT_EQ(berlin.to_utc(local(2026, 10, 25, 3, 30)), at("2026-10-25T02:30:00Z"));
}

TEST(TimeZoneTest, UnknownNamesAreNotFound) {
  EXPECT_FALSE(TimeZone::find("Europe/Atlantis").has_value());
  EXPECT_FALSE(TimeZone::find("").has_value());
  EXPECT_FALSE(TimeZone::find(":").has_value());
  EXPECT_FALSE(TimeZone::find("../../etc/passwd").has_value());
  EXPECT_FALSE(TimeZone::find("europe/moscow").has_value()); // names are case-sensitive
}

// find() tells a zone by its file without loading the database; files and folders of the
// database that are no zones must still be refused.
TEST(TimeZoneTest, FilesOfTheDatabaseThatAreNoZonesAreNotFound) {
  for (const char* name :
       {"zone.tab", "iso3166.tab", "tzdata.zi", "leapseconds", "Europe", "Europe/",
        "Europe//Moscow", "./Europe/Moscow", "Europe/../Europe/Moscow"}) {
    EXPECT_FALSE(TimeZone::find(name).has_value()) << name;
  }
}

TEST(TimeZoneTest, CopiesMadeBeforeTheFirstConversionConvertAlike) {
  const TimeZone original = zone("America/New_York");
  const TimeZone copy = original; // neither has converted a time yet
  const std::int64_t summer = at("2026-07-01T12:00:00Z");
  EXPECT_EQ(copy.offset_seconds(summer), -4 * 3600);
  EXPECT_EQ(original.offset_seconds(summer), -4 * 3600);
  EXPECT_EQ(original.offset_seconds(at("2026-01-01T12:00:00Z")), -5 * 3600);
}

TEST(TimeZoneTest, ALeadingColonAsInTzIsIgnored) {
  const auto moscow = TimeZone::find(":Europe/Moscow");
  ASSERT_TRUE(moscow.has_value());
  EXPECT_EQ(moscow->name(), "Europe/Moscow");
  EXPECT_EQ(moscow->offset_seconds(at("2026-01-01T00:00:00Z")), 3 * 3600);
}

TEST(TimeZoneTest, TheSystemZoneIsAlwaysUsable) {
  const TimeZone system = TimeZone::system();
  EXPECT_FALSE(system.name().empty());
  const std::int64_t instant = at("2026-11-23T11:05:00Z");
  EXPECT_EQ(system.to_utc(system.to_local(instant)), instant);
}

TEST(TimeZoneTest, FormatsWithTheOffsetOfTheInstant) {
  const TimeZone moscow = zone("Europe/Moscow");
  EXPECT_EQ(format_local_minutes(at("2026-11-23T11:05:59Z"), moscow), "2026-11-23 14:05 +03:00");
  EXPECT_EQ(format_local_rfc3339(at("2026-11-23T11:05:07.9Z"), moscow),
            "2026-11-23T14:05:07+03:00");
  EXPECT_EQ(format_local_minutes(at("2026-11-23T11:05:00Z"), TimeZone::utc()),
            "2026-11-23 11:05 +00:00");
  EXPECT_EQ(format_local_rfc3339(at("2026-11-23T11:05:00Z"), TimeZone::utc()),
            "2026-11-23T11:05:00Z");
  const TimeZone new_york = zone("America/New_York");
  EXPECT_EQ(format_local_rfc3339(at("2026-01-15T12:00:00Z"), new_york),
            "2026-01-15T07:00:00-05:00");
  EXPECT_EQ(format_local_rfc3339(at("2026-07-15T12:00:00Z"), new_york),
            "2026-07-15T08:00:00-04:00");
  const TimeZone kolkata = zone("Asia/Kolkata");
  EXPECT_EQ(format_local_minutes(at("2026-01-15T12:00:00Z"), kolkata), "2026-01-15 17:30 +05:30");
  // A negative offset that is not whole hours.
  const TimeZone st_johns = zone("America/St_Johns");
  EXPECT_EQ(format_local_minutes(at("2026-01-15T12:00:00Z"), st_johns), "2026-01-15 08:30 -03:30");
  // Before 1970 too.
  EXPECT_EQ(format_local_rfc3339(-1, TimeZone::utc()), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_local_rfc3339(-1, moscow), "1970-01-01T02:59:59+03:00");
}

} // namespace
} // namespace ordertrace::util

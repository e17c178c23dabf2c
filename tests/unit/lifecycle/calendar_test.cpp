#include <ordertrace/lifecycle/calendar.hpp>
#include <ordertrace/util/time.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <string_view>

namespace ordertrace::lifecycle {
namespace {

constexpr std::int64_t k_minute = 60 * util::k_ns_per_second;
constexpr std::int64_t k_hour = 60 * k_minute;
constexpr std::int64_t k_day = 24 * k_hour;

std::int64_t at(std::string_view rfc3339) {
  const auto time = util::parse_rfc3339(rfc3339);
  EXPECT_TRUE(time.has_value()) << rfc3339;
  return time.value_or(0);
}

util::TimeZone zone(std::string_view name) {
  const auto found = util::TimeZone::find(name);
  EXPECT_TRUE(found.has_value()) << name;
  return found.value_or(util::TimeZone::utc());
}

// The workshop: Moscow, 09:00-18:00, Monday to Friday.
Calendar workshop(std::vector<CalendarDate> holidays = {}) {
  Calendar calendar;
  calendar.name = "workshop";
  calendar.zone = zone("Europe/Moscow");
  calendar.holidays = std::move(holidays);
  return calendar;
}

// Day by day, each working day's hours as the tz database puts them in UTC: an independent
// reference for working_time.
std::int64_t reference_working_time(const Calendar& calendar, std::int64_t start,
                                    std::int64_t end) {
  if (end <= start) {
    return 0;
  }
  std::int64_t total = 0;
  util::LocalTime day = calendar.zone.to_local(start - k_day);
  day.hour = day.minute = day.second = 0;
  day.nanosecond = 0;
  for (;;) {
    util::LocalTime open = day;
    open.hour = calendar.day_start_minute / 60;
    open.minute = calendar.day_start_minute % 60;
    util::LocalTime close = day;
    close.hour = calendar.day_end_minute / 60;
    close.minute = calendar.day_end_minute % 60;
    const std::int64_t open_ns = calendar.zone.to_utc(open);
    if (open_ns >= end) {
      return total;
    }
    const util::LocalTime noon = calendar.zone.to_local(open_ns);
    if (calendar.is_working_day({noon.year, noon.month, noon.day})) {
      const std::int64_t from = std::max(start, open_ns);
      const std::int64_t to = std::min(end, calendar.zone.to_utc(close));
      total += std::max<std::int64_t>(0, to - from);
    }
    // The next local day: noon plus a day never lands in another clock change.
    util::LocalTime next = noon;
    next.hour = 12;
    next.minute = 0;
    next = calendar.zone.to_local(calendar.zone.to_utc(next) + k_day);
    day.year = next.year;
    day.month = next.month;
    day.day = next.day;
  }
}

TEST(CalendarTest, AWorkingDayIsItsWorkingHours) {
  EXPECT_EQ(workshop().working_day_ns(), 9 * k_hour);
  Calendar short_days = workshop();
  short_days.day_start_minute = 10 * 60 + 30;
  short_days.day_end_minute = 14 * 60;
  EXPECT_EQ(short_days.working_day_ns(), 3 * k_hour + 30 * k_minute);
}

TEST(CalendarTest, WeekendsAndHolidaysAreDaysOff) {
  const Calendar calendar = workshop({{2026, 11, 4}});
  EXPECT_TRUE(calendar.is_working_day({2026, 11, 23}));  // Monday
  EXPECT_TRUE(calendar.is_working_day({2026, 11, 27}));  // Friday
  EXPECT_FALSE(calendar.is_working_day({2026, 11, 28})); // Saturday
  EXPECT_FALSE(calendar.is_working_day({2026, 11, 29})); // Sunday
  EXPECT_FALSE(calendar.is_working_day({2026, 11, 4}));  // a Wednesday holiday
  EXPECT_TRUE(calendar.is_working_day({2026, 11, 5}));
  EXPECT_FALSE(calendar.is_working_day({1969, 12, 28})); // a Sunday before 1970
  EXPECT_TRUE(calendar.is_working_day({1969, 12, 31}));  // a Wednesday
}

TEST(CalendarTest, WorkingTimeSkipsTheWeekend) {
  const Calendar calendar = workshop();
  // Friday 17:00 Moscow to Monday 10:00 Moscow: one hour each side of the weekend.
  EXPECT_EQ(calendar.working_time(at("2026-11-20T14:00:00Z"), at("2026-11-23T07:00:00Z")),
            2 * k_hour);
  // Within one day, from before the working hours; after them.
  EXPECT_EQ(calendar.working_time(at("2026-11-23T05:30:00Z"), at("2026-11-23T08:15:00Z")),
            2 * k_hour + 15 * k_minute);
  EXPECT_EQ(calendar.working_time(at("2026-11-23T15:00:00Z"), at("2026-11-23T20:00:00Z")), 0);
  EXPECT_EQ(calendar.working_time(at("2026-11-23T01:00:00Z"), at("2026-11-24T01:00:00Z")),
            9 * k_hour);
}

TEST(CalendarTest, WorkingTimeOfAnEmptyOrBackwardSpanIsZero) {
  const Calendar calendar = workshop();
  EXPECT_EQ(calendar.working_time(at("2026-11-23T08:00:00Z"), at("2026-11-23T08:00:00Z")), 0);
  EXPECT_EQ(calendar.working_time(at("2026-11-23T09:00:00Z"), at("2026-11-23T08:00:00Z")), 0);
}

TEST(CalendarTest, WorkingTimeStartingOnAWeekendOrHoliday) {
  const Calendar calendar = workshop({{2026, 11, 4}});
  // Saturday noon to Monday noon Moscow: Monday 09:00-12:00.
  EXPECT_EQ(calendar.working_time(at("2026-11-21T09:00:00Z"), at("2026-11-23T09:00:00Z")),
            3 * k_hour);
  // Wednesday 4 November (Unity Day) 10:00 to Thursday 10:00: only Thursday's first hour.
  EXPECT_EQ(calendar.working_time(at("2026-11-04T07:00:00Z"), at("2026-11-05T07:00:00Z")),
            1 * k_hour);
}

TEST(CalendarTest, WorkingTimeOverWeeksCountsEachWorkingDayOnce) {
  // Monday 09:00 to Monday 09:00 three weeks later: 15 working days.
  const std::int64_t start = at("2026-11-02T06:00:00Z");
  const std::int64_t end = at("2026-11-23T06:00:00Z");
  EXPECT_EQ(workshop().working_time(start, end), 15 * 9 * k_hour);
  // Less the Wednesday holiday; a Saturday holiday and one outside the span change nothing.
  EXPECT_EQ(workshop({{2026, 11, 4}, {2026, 11, 14}, {2026, 12, 31}}).working_time(start, end),
            14 * 9 * k_hour);
  // A year: 2026 has 261 weekdays.
  EXPECT_EQ(workshop().working_time(at("2025-12-31T21:00:00Z"), at("2026-12-31T21:00:00Z")),
            261 * 9 * k_hour);
}

TEST(CalendarTest, DeadlineSkipsTheWeekend) {
  const Calendar calendar = workshop();
  // Friday 17:00 + 2h: Monday 10:00 Moscow.
  EXPECT_EQ(calendar.deadline(at("2026-11-20T14:00:00Z"), 2 * k_hour), at("2026-11-23T07:00:00Z"));
  // Exactly the rest of the day runs out at 18:00, not the next morning.
  EXPECT_EQ(calendar.deadline(at("2026-11-20T14:00:00Z"), 1 * k_hour), at("2026-11-20T15:00:00Z"));
}

TEST(CalendarTest, DeadlineFromOutsideWorkingHours) {
  const Calendar calendar = workshop({{2026, 11, 4}});
  // Monday 07:00 Moscow + 1h: 10:00 the same day.
  EXPECT_EQ(calendar.deadline(at("2026-11-23T04:00:00Z"), k_hour), at("2026-11-23T07:00:00Z"));
  // Monday 20:00 + 1h: Tuesday 10:00.
  EXPECT_EQ(calendar.deadline(at("2026-11-23T17:00:00Z"), k_hour), at("2026-11-24T07:00:00Z"));
  // Saturday + a working day: Monday 18:00.
  EXPECT_EQ(calendar.deadline(at("2026-11-21T09:00:00Z"), 9 * k_hour), at("2026-11-23T15:00:00Z"));
  // From the holiday (Wednesday 4 November) + 30m: Thursday 09:30.
  EXPECT_EQ(calendar.deadline(at("2026-11-04T09:00:00Z"), 30 * k_minute),
            at("2026-11-05T06:30:00Z"));
}

TEST(CalendarTest, DeadlineOverWeeksAndHolidays) {
  // Monday 09:00 + ten working days: Friday 18:00 of the next week.
  const std::int64_t monday = at("2026-11-02T06:00:00Z");
  EXPECT_EQ(workshop().deadline(monday, 10 * 9 * k_hour), at("2026-11-13T15:00:00Z"));
  // With the holiday on Wednesday the 4th: Monday 18:00 after it.
  EXPECT_EQ(workshop({{2026, 11, 4}}).deadline(monday, 10 * 9 * k_hour),
            at("2026-11-16T15:00:00Z"));
  // Russia's New Year holidays (1-8 January) hold a whole working week: Wednesday
  // 31 December 2025 17:00 + 2h runs out on Friday 9 January 10:00.
  std::vector<CalendarDate> new_year;
  for (int day = 1; day <= 8; ++day) {
    new_year.push_back({2026, 1, day});
  }
  EXPECT_EQ(workshop(new_year).deadline(at("2025-12-31T14:00:00Z"), 2 * k_hour),
            at("2026-01-09T07:00:00Z"));
  // Eight weeks of working days.
  EXPECT_EQ(workshop().deadline(monday, 40 * 9 * k_hour), at("2026-12-25T15:00:00Z"));
}

TEST(CalendarTest, AZeroAllowanceRunsOutAtOnce) {
  const Calendar calendar = workshop();
  EXPECT_EQ(calendar.deadline(at("2026-11-21T09:00:00Z"), 0), at("2026-11-21T09:00:00Z"));
  EXPECT_EQ(calendar.deadline(at("2026-11-23T09:00:00Z"), 0), at("2026-11-23T09:00:00Z"));
}

TEST(CalendarTest, ACalendarWithoutWorkingDaysNeverRunsOut) {
  Calendar calendar = workshop();
  calendar.working_weekdays = {};
  EXPECT_EQ(calendar.deadline(at("2026-11-23T09:00:00Z"), k_hour),
            std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(calendar.working_time(at("2026-11-01T00:00:00Z"), at("2026-12-01T00:00:00Z")), 0);
  // An allowance past the year 2262 never runs out either.
  EXPECT_EQ(
      workshop().deadline(at("2026-11-23T09:00:00Z"), std::numeric_limits<std::int64_t>::max()),
      std::numeric_limits<std::int64_t>::max());
}

TEST(CalendarTest, WorkingHoursAreLocalOnDaylightSavingDays) {
  // Berlin, every day a working day: Sunday 29 March 2026 loses an hour at 02:00 and
  // Sunday 25 October gains one at 03:00; both still work 09:00-18:00 local.
  Calendar calendar;
  calendar.zone = zone("Europe/Berlin");
  calendar.working_weekdays = {true, true, true, true, true, true, true};
  // Saturday 12:00 CET to Monday 12:00 CEST: 6h + 9h + 3h.
  EXPECT_EQ(calendar.working_time(at("2026-03-28T11:00:00Z"), at("2026-03-30T10:00:00Z")),
            18 * k_hour);
  // Saturday 17:00 CET + 2h: Sunday 10:00 CEST.
  EXPECT_EQ(calendar.deadline(at("2026-03-28T16:00:00Z"), 2 * k_hour), at("2026-03-29T08:00:00Z"));
  // The autumn change: Saturday 17:00 CEST + 2h = Sunday 10:00 CET.
  EXPECT_EQ(calendar.deadline(at("2026-10-24T15:00:00Z"), 2 * k_hour), at("2026-10-25T09:00:00Z"));
  EXPECT_EQ(calendar.working_time(at("2026-10-24T10:00:00Z"), at("2026-10-26T11:00:00Z")),
            18 * k_hour);
}

TEST(CalendarTest, WorkingHoursInsideAClockChangeCountWallClockTime) {
  // A calendar working through the night: the spring change skips 02:00-03:00 local, so the
  // working day 00:00-06:00 lasts five real hours and counts six.
  Calendar calendar;
  calendar.zone = zone("Europe/Berlin");
  calendar.working_weekdays = {true, true, true, true, true, true, true};
  calendar.day_start_minute = 0;
  calendar.day_end_minute = 6 * 60;
  EXPECT_EQ(calendar.working_time(at("2026-03-28T23:00:00Z"), at("2026-03-29T04:00:00Z")),
            6 * k_hour);
  // 02:30 local does not exist: the deadline is the change itself.
  EXPECT_EQ(calendar.deadline(at("2026-03-28T23:00:00Z"), 2 * k_hour + 30 * k_minute),
            at("2026-03-29T01:00:00Z"));
}

// Against the day-by-day reference and the deadline's own contract, over a year of random
// instants, with holidays and both of Berlin's clock changes.
TEST(CalendarTest, AgreesWithADayByDayReference) {
  Calendar calendar;
  calendar.zone = zone("Europe/Berlin");
  calendar.day_start_minute = 8 * 60 + 30;
  calendar.day_end_minute = 17 * 60 + 15;
  calendar.working_weekdays = {true, true, false, true, true, true, false};
  calendar.holidays = {{2026, 1, 1}, {2026, 4, 3}, {2026, 4, 6}, {2026, 5, 1}, {2026, 12, 25}};
  std::mt19937_64 random(11);
  const std::int64_t year_start = at("2026-01-01T00:00:00Z");
  std::uniform_int_distribution<std::int64_t> instant(year_start, year_start + 365 * k_day);
  std::uniform_int_distribution<std::int64_t> span(0, 40 * k_day);
  std::uniform_int_distribution<std::int64_t> allowance(1, 30 * calendar.working_day_ns());
  for (int i = 0; i < 300; ++i) {
    const std::int64_t start = instant(random);
    const std::int64_t end = start + span(random);
    ASSERT_EQ(calendar.working_time(start, end), reference_working_time(calendar, start, end))
        << util::format_rfc3339(start) << " .. " << util::format_rfc3339(end);
    const std::int64_t allowed = allowance(random);
    const std::int64_t deadline = calendar.deadline(start, allowed);
    ASSERT_EQ(calendar.working_time(start, deadline), allowed) << util::format_rfc3339(start);
    ASSERT_LT(calendar.working_time(start, deadline - 1), allowed) << util::format_rfc3339(start);
  }
}

} // namespace
} // namespace ordertrace::lifecycle

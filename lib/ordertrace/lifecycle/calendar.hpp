#pragma once
// Business calendars: an allowance counted in working time instead of wall time, so that
// an approval due in "2d" is not STALLED on Monday morning because nobody works at the
// weekend. Pure arithmetic over UTC nanoseconds; the zone comes from the tz database.

#include <ordertrace/util/time_zone.hpp>

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <vector>

namespace ordertrace::lifecycle {

// A calendar day in the calendar's zone.
struct CalendarDate {
  int year = 1970;
  int month = 1;
  int day = 1;
  auto operator<=>(const CalendarDate&) const = default;
};

struct Calendar {
  std::string name;    // key in the lifecycle file: "workshop"
  util::TimeZone zone; // working hours are local to it
  // Working hours of a working day, [start, end) in minutes after local midnight.
  int day_start_minute = 9 * 60;
  int day_end_minute = 18 * 60;
  // Monday first.
  std::array<bool, 7> working_weekdays = {true, true, true, true, true, false, false};
  // Days off even when their weekday is a working one; sorted, no duplicates.
  std::vector<CalendarDate> holidays;

  // What one day of an allowance means under this calendar: the length of a working day
  // (9 h for 09:00-18:00). The lifecycle file turns "2d" into 2 x this.
  std::int64_t working_day_ns() const;
  // Whether `date` is a working day (working weekday, not a holiday).
  bool is_working_day(const CalendarDate& date) const;
  // Working time between two instants; 0 when `end_ns` <= `start_ns`.
  std::int64_t working_time(std::int64_t start_ns, std::int64_t end_ns) const;
  // The earliest instant t >= start_ns with working_time(start_ns, t) >= allowance_ns:
  // when an allowance that starts at `start_ns` runs out. An allowance of 0 runs out at
  // once. A calendar with no working day at all never runs out (INT64_MAX).
  std::int64_t deadline(std::int64_t start_ns, std::int64_t allowance_ns) const;
};

} // namespace ordertrace::lifecycle

#include <ordertrace/lifecycle/calendar.hpp>
#include <ordertrace/util/time.hpp>

#include <algorithm>
#include <limits>

namespace ordertrace::lifecycle {
namespace {

// Working time is counted on the local wall clock: a working day is [day_start, day_end) of
// local time, whatever its length in UTC, so a DST day still has 09:00-18:00 and every working
// day weighs working_day_ns(). Instants become "local nanoseconds" (UTC plus the zone's
// offset at that instant) and days are whole local days since 1970-01-01.
constexpr std::int64_t k_ns_per_minute = 60 * util::k_ns_per_second;
constexpr std::int64_t k_ns_per_day = 24 * 60 * k_ns_per_minute;
// Past this day the local nanoseconds leave int64 (year 2262): such a deadline never comes.
constexpr std::int64_t k_last_day = std::numeric_limits<std::int64_t>::max() / k_ns_per_day - 2;
constexpr std::int64_t k_never = std::numeric_limits<std::int64_t>::max();

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
std::int64_t days_from_civil(const CalendarDate& date) {
  const std::int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  const std::int64_t era = floor_div(y, 400);
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (date.month + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5 + date.day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CalendarDate civil_from_days(std::int64_t days) {
  const std::int64_t z = days + 719468;
  const std::int64_t era = floor_div(z, 146097);
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return {static_cast<int>(year), static_cast<int>(month), static_cast<int>(day)};
}

// 0 = Monday; day 0 (1970-01-01) was a Thursday.
int weekday_of(std::int64_t days) {
  const std::int64_t shifted = days + 3;
  return static_cast<int>(shifted - floor_div(shifted, 7) * 7);
}

class LocalCalendar {
public:
  explicit LocalCalendar(const Calendar& calendar)
      : m_calendar(calendar), m_day_start(calendar.day_start_minute * k_ns_per_minute),
        m_day_end(calendar.day_end_minute * k_ns_per_minute),
        m_working_weekdays(static_cast<int>(std::count(calendar.working_weekdays.begin(),
                                                       calendar.working_weekdays.end(), true))) {}

  std::int64_t local_of(std::int64_t utc_ns) const {
    return utc_ns + m_calendar.zone.offset_seconds(utc_ns) * util::k_ns_per_second;
  }

  std::int64_t utc_of(std::int64_t local_ns) const {
    const std::int64_t day = floor_div(local_ns, k_ns_per_day);
    const CalendarDate date = civil_from_days(day);
    std::int64_t rest = local_ns - day * k_ns_per_day;
    util::LocalTime local;
    local.year = date.year;
    local.month = date.month;
    local.day = date.day;
    local.hour = static_cast<int>(rest / (60 * k_ns_per_minute));
    rest %= 60 * k_ns_per_minute;
    local.minute = static_cast<int>(rest / k_ns_per_minute);
    rest %= k_ns_per_minute;
    local.second = static_cast<int>(rest / util::k_ns_per_second);
    local.nanosecond = rest % util::k_ns_per_second;
    return m_calendar.zone.to_utc(local);
  }

  std::int64_t day_length() const { return std::max<std::int64_t>(0, m_day_end - m_day_start); }
  int working_weekdays() const { return m_working_weekdays; }

  bool is_working(std::int64_t day) const {
    return m_calendar.working_weekdays[static_cast<std::size_t>(weekday_of(day))] &&
           !std::binary_search(m_calendar.holidays.begin(), m_calendar.holidays.end(),
                               civil_from_days(day));
  }

  // Working time of local day `day` inside [from, to) (local nanoseconds).
  std::int64_t overlap(std::int64_t day, std::int64_t from, std::int64_t to) const {
    if (!is_working(day)) {
      return 0;
    }
    const std::int64_t begin = std::max(from, day * k_ns_per_day + m_day_start);
    const std::int64_t end = std::min(to, day * k_ns_per_day + m_day_end);
    return std::max<std::int64_t>(0, end - begin);
  }

  // Working days in [first, last): whole weeks by arithmetic, the rest day by day, minus
  // the holidays that fall on a working weekday.
  std::int64_t working_days(std::int64_t first, std::int64_t last) const {
    if (last <= first) {
      return 0;
    }
    const std::int64_t weeks = (last - first) / 7;
    std::int64_t count = weeks * m_working_weekdays;
    for (std::int64_t day = first + weeks * 7; day < last; ++day) {
      count += m_calendar.working_weekdays[static_cast<std::size_t>(weekday_of(day))] ? 1 : 0;
    }
    return count - holidays_on_working_weekdays(first, last);
  }

private:
  std::int64_t holidays_on_working_weekdays(std::int64_t first, std::int64_t last) const {
    const auto& holidays = m_calendar.holidays;
    auto it = std::lower_bound(holidays.begin(), holidays.end(), civil_from_days(first));
    const auto end = std::lower_bound(it, holidays.end(), civil_from_days(last));
    std::int64_t count = 0;
    const CalendarDate* previous = nullptr;
    for (; it != end; ++it) {
      // A date listed twice is one day off.
      if (previous != nullptr && *previous == *it) {
        continue;
      }
      previous = &*it;
      const std::int64_t day = days_from_civil(*it);
      count += m_calendar.working_weekdays[static_cast<std::size_t>(weekday_of(day))] ? 1 : 0;
    }
    return count;
  }

  const Calendar& m_calendar;
  std::int64_t m_day_start;
  std::int64_t m_day_end;
  int m_working_weekdays;
};

} // namespace

std::int64_t Calendar::working_day_ns() const {
  return std::max(0, day_end_minute - day_start_minute) * k_ns_per_minute;
}

bool Calendar::is_working_day(const CalendarDate& date) const {
  return LocalCalendar(*this).is_working(days_from_civil(date));
}

std::int64_t Calendar::working_time(std::int64_t start_ns, std::int64_t end_ns) const {
  if (end_ns <= start_ns) {
    return 0;
  }
  const LocalCalendar calendar(*this);
  const std::int64_t from = calendar.local_of(start_ns);
  const std::int64_t to = calendar.local_of(end_ns);
  if (to <= from) { // inside a clock put back: no wall-clock time passed
    return 0;
  }
  const std::int64_t first_day = floor_div(from, k_ns_per_day);
  const std::int64_t last_day = floor_div(to, k_ns_per_day);
  if (first_day == last_day) {
    return calendar.overlap(first_day, from, to);
  }
  return calendar.overlap(first_day, from, to) + calendar.overlap(last_day, from, to) +
         calendar.working_days(first_day + 1, last_day) * calendar.day_length();
}

std::int64_t Calendar::deadline(std::int64_t start_ns, std::int64_t allowance_ns) const {
  if (allowance_ns <= 0) {
    return start_ns;
  }
  const LocalCalendar calendar(*this);
  const std::int64_t day_length = calendar.day_length();
  if (calendar.working_weekdays() == 0 || day_length == 0) {
    return k_never;
  }
  const std::int64_t from = calendar.local_of(start_ns);
  std::int64_t day = floor_div(from, k_ns_per_day);
  const std::int64_t day_start = static_cast<std::int64_t>(day_start_minute) * k_ns_per_minute;

  // The rest of the first day.
  const std::int64_t today = calendar.overlap(day, from, (day + 1) * k_ns_per_day);
  if (today >= allowance_ns) {
    const std::int64_t begin = std::max(from, day * k_ns_per_day + day_start);
    return calendar.utc_of(begin + allowance_ns);
  }
  const std::int64_t remaining = allowance_ns - today;
  ++day;

  // The allowance runs out on the n-th working day from `day`, `last_part` into it.
  std::int64_t n = (remaining - 1) / day_length + 1;
  const std::int64_t last_part = remaining - (n - 1) * day_length;
  // Skip whole weeks while more than a week's working days remain; holidays inside them
  // give back days, so this repeats a few times at most.
  while (n > calendar.working_weekdays()) {
    const std::int64_t weeks = (n - 1) / calendar.working_weekdays();
    if (day > k_last_day - weeks * 7) {
      return k_never;
    }
    n -= calendar.working_days(day, day + weeks * 7);
    day += weeks * 7;
  }
  for (;; ++day) {
    if (day > k_last_day) {
      return k_never;
    }
    if (calendar.is_working(day) && --n == 0) {
      return calendar.utc_of(day * k_ns_per_day + day_start + last_part);
    }
  }
}

} // namespace ordertrace::lifecycle

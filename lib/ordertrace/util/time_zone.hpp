#pragma once
// Local time for people: an IANA time zone from the system's tz database (tzdata), used for
// times shown in a zone (--tz, TZ) and for the working hours of business calendars. Every
// time inside ordertrace stays UTC nanoseconds; only edges convert.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace date {
class time_zone;
}

namespace ordertrace::util {

// A date and time of day on a local wall clock.
struct LocalTime {
  int year = 1970;
  int month = 1; // 1..12
  int day = 1;   // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;
  std::int64_t nanosecond = 0;
  int weekday = 3; // 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday)
};

class TimeZone {
public:
  // UTC.
  TimeZone() = default;
  static TimeZone utc() { return {}; }
  // The zone named `name` ("Europe/Moscow", "UTC"; a leading ':' as in TZ is ignored), or
  // nullopt when the tz database does not know it. A name with a zone file of its own is
  // known without loading the database, which happens on the first conversion instead.
  static std::optional<TimeZone> find(std::string_view name);
  // The system's zone (/etc/localtime), UTC when it cannot be told.
  static TimeZone system();

  const std::string& name() const noexcept { return m_name; }
  bool is_utc() const noexcept { return m_zone == nullptr; }

  // Local time minus UTC at the instant `utc_ns`, in seconds (+10800 in Moscow).
  std::int64_t offset_seconds(std::int64_t utc_ns) const;
  LocalTime to_local(std::int64_t utc_ns) const;
  // The instant a local wall clock shows `local` (its weekday is ignored). A time skipped by a
  // clock change maps to the instant just after the change; a time shown twice maps to the earlier
  // instant.
  std::int64_t to_utc(const LocalTime& local) const;

private:
  struct Zone; // the tz database's zone of m_name, looked up once, on first use
  const date::time_zone* zone() const;

  std::string m_name = "UTC";
  std::shared_ptr<Zone> m_zone; // null: UTC; shared by copies, so each looks it up once
};

// "2026-11-23 14:05 +03:00": minutes, the zone's offset at that instant.
std::string format_local_minutes(std::int64_t utc_ns, const TimeZone& zone);
// "2026-11-23T14:05:07+03:00": RFC 3339 with the zone's offset ("Z" in UTC), whole seconds.
std::string format_local_rfc3339(std::int64_t utc_ns, const TimeZone& zone);

} // namespace ordertrace::util

#include <ordertrace/util/time.hpp>
#include <ordertrace/util/time_zone.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <date/date.h>
#include <date/tz.h>

namespace ordertrace::util {
namespace {

using Nanos = std::chrono::duration<std::int64_t, std::nano>;
using SysNanos = std::chrono::time_point<std::chrono::system_clock, Nanos>;
using LocalNanos = date::local_time<Nanos>;

SysNanos sys_of(std::int64_t utc_ns) {
  return SysNanos(Nanos(utc_ns));
}

LocalTime fields_of(LocalNanos local) {
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd(day);
  const date::hh_mm_ss<Nanos> time(local - day);
  LocalTime out;
  out.year = static_cast<int>(ymd.year());
  out.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  out.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  out.hour = static_cast<int>(time.hours().count());
  out.minute = static_cast<int>(time.minutes().count());
  out.second = static_cast<int>(time.seconds().count());
  out.nanosecond = time.subseconds().count();
  out.weekday = static_cast<int>(date::weekday(day).iso_encoding()) - 1;
  return out;
}

LocalNanos local_of(const LocalTime& local) {
  const date::local_days day{date::year(local.year) / local.month / local.day};
  return LocalNanos(day) + std::chrono::hours(local.hour) + std::chrono::minutes(local.minute) +
         std::chrono::seconds(local.second) + Nanos(local.nanosecond);
}

std::string offset_text(std::int64_t offset_seconds, bool z_for_utc) {
  if (offset_seconds == 0 && z_for_utc) {
    return "Z";
  }
  const char sign = offset_seconds < 0 ? '-' : '+';
  const std::int64_t minutes = (offset_seconds < 0 ? -offset_seconds : offset_seconds) / 60;
  return fmt::format("{}{:02}:{:02}", sign, minutes / 60, minutes % 60);
}

} // namespace

std::optional<TimeZone> TimeZone::find(std::string_view name) {
  if (!name.empty() && name.front() == ':') {
    name.remove_prefix(1);
  }
  if (name.empty()) {
    return std::nullopt;
  }
  if (name == "UTC" || name == "Etc/UTC" || name == "Z") {
    return TimeZone();
  }
  try {
    TimeZone zone;
    zone.m_zone = date::locate_zone(name);
    zone.m_name = std::string(name);
    return zone;
  } catch (const std::exception&) {
    // date throws std::runtime_error for an unknown name or an unreadable database.
    return std::nullopt;
  }
}

TimeZone TimeZone::system() {
  try {
    TimeZone zone;
    zone.m_zone = date::current_zone();
    zone.m_name = std::string(zone.m_zone->name());
    return zone;
  } catch (const std::exception&) {
    return TimeZone();
  }
}

std::int64_t TimeZone::offset_seconds(std::int64_t utc_ns) const {
  if (m_zone == nullptr) {
    return 0;
  }
  return m_zone->get_info(date::floor<std::chrono::seconds>(sys_of(utc_ns))).offset.count();
}

LocalTime TimeZone::to_local(std::int64_t utc_ns) const {
  const std::int64_t offset_ns = offset_seconds(utc_ns) * k_ns_per_second;
  return fields_of(LocalNanos(Nanos(utc_ns + offset_ns)));
}

std::int64_t TimeZone::to_utc(const LocalTime& local) const {
  const LocalNanos wall = local_of(local);
  if (m_zone == nullptr) {
    return wall.time_since_epoch().count();
  }
  const auto info = m_zone->get_info(date::floor<std::chrono::seconds>(wall));
  switch (info.result) {
  case date::local_info::unique:
  case date::local_info::ambiguous: // the earlier instant: the first offset
    return wall.time_since_epoch().count() -
           std::chrono::duration_cast<Nanos>(info.first.offset).count();
  case date::local_info::nonexistent: // skipped: the instant the clock changed
    return std::chrono::duration_cast<Nanos>(info.second.begin.time_since_epoch()).count();
  }
  return wall.time_since_epoch().count();
}

std::string format_local_minutes(std::int64_t utc_ns, const TimeZone& zone) {
  const LocalTime t = zone.to_local(utc_ns);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02} {}", t.year, t.month, t.day, t.hour, t.minute,
                     offset_text(zone.offset_seconds(utc_ns), false));
}

std::string format_local_rfc3339(std::int64_t utc_ns, const TimeZone& zone) {
  const LocalTime t = zone.to_local(utc_ns);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}", t.year, t.month, t.day, t.hour,
                     t.minute, t.second, offset_text(zone.offset_seconds(utc_ns), true));
}

} // namespace ordertrace::util

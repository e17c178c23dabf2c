#include <ordertrace/util/time.hpp>
#include <ordertrace/util/time_zone.hpp>

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <date/date.h>
#include <date/tz.h>
#include <fstream>
#include <mutex>

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

// Whether `name` is a zone file of the system's tz database, told without loading the
// database: date::locate_zone lists every file under /usr/share/zoneinfo first, about 15 % of
// a show answered from the cache, which never converts a time in the lifecycle's zone. Only
// plain names are judged here ("Europe/Moscow"); whatever date might list differently (hidden
// files, posix*, right/, Factory) is left to date itself.
bool is_zone_file(std::string_view name) {
  std::string_view rest = name;
  while (!rest.empty()) {
    const std::size_t slash = rest.find('/');
    const std::string_view part = rest.substr(0, slash);
    if (part.empty() || part.front() == '.' || part.starts_with("posix") || part == "right" ||
        part == "Factory" || part.find_first_of(" \\") != std::string_view::npos) {
      return false;
    }
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  }
  std::ifstream file("/usr/share/zoneinfo/" + std::string(name), std::ios::binary);
  std::array<char, 4> magic{};
  return file.read(magic.data(), magic.size()) && std::string_view(magic.data(), 4) == "TZif";
}

} // namespace

struct TimeZone::Zone {
  std::once_flag looked_up;
  const date::time_zone* zone = nullptr;
};

const date::time_zone* TimeZone::zone() const {
  if (m_zone == nullptr) {
    return nullptr;
  }
  std::call_once(m_zone->looked_up, [this] { m_zone->zone = date::locate_zone(m_name); });
  return m_zone->zone;
}

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
  TimeZone zone;
  zone.m_name = std::string(name);
  zone.m_zone = std::make_shared<Zone>();
  if (is_zone_file(name)) {
    return zone;
  }
  try {
    static_cast<void>(zone.zone());
    return zone;
  } catch (const std::exception&) {
    // date throws std::runtime_error for an unknown name or an unreadable database.
    return std::nullopt;
  }
}

TimeZone TimeZone::system() {
  try {
    const date::time_zone* current = date::current_zone();
    TimeZone zone;
    zone.m_name = std::string(current->name());
    zone.m_zone = std::make_shared<Zone>();
    std::call_once(zone.m_zone->looked_up, [&] { zone.m_zone->zone = current; });
    return zone;
  } catch (const std::exception&) {
    return TimeZone();
  }
}

std::int64_t TimeZone::offset_seconds(std::int64_t utc_ns) const {
  const date::time_zone* tz = zone();
  if (tz == nullptr) {
    return 0;
  }
  return tz->get_info(date::floor<std::chrono::seconds>(sys_of(utc_ns))).offset.count();
}

LocalTime TimeZone::to_local(std::int64_t utc_ns) const {
  const std::int64_t offset_ns = offset_seconds(utc_ns) * k_ns_per_second;
  return fields_of(LocalNanos(Nanos(utc_ns + offset_ns)));
}

std::int64_t TimeZone::to_utc(const LocalTime& local) const {
  const LocalNanos wall = local_of(local);
  const date::time_zone* tz = zone();
  if (tz == nullptr) {
    return wall.time_since_epoch().count();
  }
  const auto info = tz->get_info(date::floor<std::chrono::seconds>(wall));
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

#pragma once
// Times are nanoseconds since the Unix epoch (UTC) in std::int64_t everywhere;
// durations are nanoseconds too. These helpers parse and print them for people.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ordertrace::util {

constexpr std::int64_t k_ns_per_second = 1'000'000'000;

// RFC 3339: "2026-08-20T10:00:00Z", "2026-08-20T10:00:00.123456789+03:00" (a lowercase
// 't'/'z' and a space for 'T' are accepted too; up to 9 fraction digits). nullopt when not
// a valid time: an impossible date (Feb 30), a leap second, no zone, or outside the int64
// nanosecond range (1677-2262).
std::optional<std::int64_t> parse_rfc3339(std::string_view text);
// UTC with 'Z'; the fraction is printed only when non-zero, trimmed to ms/us/ns.
std::string format_rfc3339(std::int64_t time_ns);

// "15m", "7d", "1h30m", "90s", "2w", "500ms", "1.5h"; units ns us ms s m h d w. Parts come
// largest unit first, each unit once, optionally separated by spaces ("3d 4h"); fractions
// below a nanosecond are truncated. nullopt when not a duration (a bare number, an unknown
// unit, a negative value, units out of order, more than int64 nanoseconds).
std::optional<std::int64_t> parse_duration(std::string_view text);
// For people: "0s", "42s", "15m", "2h 5m", "3d 4h", "12d"; at most two adjacent units of
// d h m s, truncated ("3d" for 3 days 5 minutes); under a second one of ms, us, ns ("500ms");
// a negative duration gets a '-'. parse_duration reads back any non-negative result.
std::string format_duration(std::int64_t duration_ns);

// Wall-clock "now" for the CLI; the library takes "now" as an argument instead.
std::int64_t system_now_ns();

} // namespace ordertrace::util

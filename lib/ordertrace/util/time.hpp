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
// 't'/'z' and a space for 'T' are accepted too). nullopt when not a valid time.
std::optional<std::int64_t> parse_rfc3339(std::string_view text);
// UTC with 'Z'; the fraction is printed only when non-zero, trimmed to ms/us/ns.
std::string format_rfc3339(std::int64_t time_ns);

// "15m", "7d", "1h30m", "90s", "2w", "500ms", "1.5h"; units ns us ms s m h d w.
// nullopt when not a duration (a bare number, an unknown unit, a negative value).
std::optional<std::int64_t> parse_duration(std::string_view text);
// For people: "0s", "42s", "15m", "2h 5m", "3d 4h", "12d"; at most two units, truncated.
std::string format_duration(std::int64_t duration_ns);

// Wall-clock "now" for the CLI; the library takes "now" as an argument instead.
std::int64_t system_now_ns();

} // namespace ordertrace::util

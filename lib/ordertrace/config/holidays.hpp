#pragma once
// Holiday files of business calendars: one date a line, so the workshop's office can keep
// the year's days off in a text file next to the lifecycle file (data/calendars/README.md).

#include <ordertrace/lifecycle/calendar.hpp>

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

namespace ordertrace::config {

// "2026-01-07": exactly YYYY-MM-DD, a real date of the Gregorian calendar (no Feb 30), year
// 1000-9999; nullopt otherwise.
std::optional<lifecycle::CalendarDate> parse_calendar_date(std::string_view text);

// The dates of a holiday file: one a line as "YYYY-MM-DD", optionally followed by white space
// and a name ("2026-01-07 Christmas"); blank lines and lines starting with '#' are skipped.
// Sorted, each date once. Throws InputError "<source_name>:<line>: <problem>" for a bad line.
std::vector<lifecycle::CalendarDate> parse_holidays(std::string_view text,
                                                    std::string_view source_name);
// Reads and parses the file; an unreadable file is an InputError naming it.
std::vector<lifecycle::CalendarDate> load_holidays_file(const std::filesystem::path& path);

} // namespace ordertrace::config

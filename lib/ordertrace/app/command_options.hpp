#pragma once
// What the commands share in reading their options and reporting Jaeger failures, so that
// `show` and `report` say the same thing the same way.

#include <ordertrace/util/error.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ordertrace::app {

// An RFC 3339 time (`Z` or an offset); nullopt when not given. Throws UsageError naming
// `option` otherwise.
std::optional<std::int64_t> parse_time_option(const std::optional<std::string>& text,
                                              std::string_view option);

// --since/--from: a duration back from `until_ns`, or an RFC 3339 time; nullopt when not
// given. Throws UsageError otherwise.
std::optional<std::int64_t> parse_since_option(const std::optional<std::string>& text,
                                               std::int64_t until_ns);

// Throws UsageError: "invalid <option> '<value>' (did you mean '...'?); choose one of: ...".
[[noreturn]] void throw_bad_choice(std::string_view option, const std::string& value,
                                   const std::vector<std::string>& choices);

// `text` (user input: an order id, a column or key name) safe to print on one line:
// control characters become '?' (a NUL would end an error message early, an escape would
// drive the terminal), and text longer than `max_bytes` is cut at a UTF-8 character
// boundary, ending in "...".
std::string printable(std::string_view text, std::size_t max_bytes = std::string_view::npos);

// Throws `error` again, with the redacted Jaeger URL appended unless it names it already,
// so that every Jaeger failure says which server it is about (cli.md: without secrets).
[[noreturn]] void rethrow_naming(const Error& error, const std::string& base_url);

} // namespace ordertrace::app

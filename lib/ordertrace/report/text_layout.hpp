#pragma once
// Helpers for laying out text for a terminal: widths of UTF-8 text, cutting, wrapping and
// making text from traces safe to print. Internal to the report module.

#include <string>
#include <string_view>
#include <vector>

namespace ordertrace::report::detail {

// Columns `text` takes, counting one per code point (UTF-8 continuation bytes are free).
std::size_t display_width(std::string_view text) noexcept;

// Replaces control characters (C0, DEL, C1) with a space (tab, newline, carriage return)
// or '?', so that text from a trace cannot move the cursor or change colours.
std::string sanitize(std::string_view text);

// `text` cut to at most `width` columns at a code point boundary, ending in "…" when cut.
std::string truncate(std::string_view text, std::size_t width);

// `text` padded with spaces on the right to `width` columns (never cut).
std::string pad(std::string_view text, std::size_t width);

// Splits `text` into lines of at most `width` columns, at spaces where possible.
std::vector<std::string> wrap(std::string_view text, std::size_t width);

} // namespace ordertrace::report::detail

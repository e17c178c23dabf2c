#pragma once
// Helpers for laying out text for a terminal: widths of UTF-8 text, cutting, wrapping and
// making text from traces safe to print. Internal to the report module.

#include <ordertrace/lifecycle/assessment.hpp>
#include <ordertrace/report/messages.hpp>
#include <ordertrace/util/time_zone.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ordertrace::report::detail {

// A point in time for people, to the second, with the zone's offset:
// "2026-11-19T16:05:07Z" in UTC, "2026-11-19T19:05:07+03:00" in Moscow. RFC 3339, so it
// can be pasted into --now; the JSON report has the fractions.
std::string moment(std::int64_t utc_ns, const util::TimeZone& zone);

// The next step of `assessment` in `language` (English when the lifecycle data has no
// text in it), {since} and {deadline} filled with moment()s in `zone`; empty when none.
std::string next_step_text(const lifecycle::Assessment& assessment, Language language,
                           const util::TimeZone& zone);

// Which allowances judged the order: "set "express", order type express, working time of
// calendar "workshop""; empty when the order has no type, set or calendar to name.
std::string allowances_text(const lifecycle::Assessment& assessment, Language language);

// When the order's allowance runs (ran) out, on `zone`'s clock: "<moment> (2h left)" or
// "<moment> (over by 1d)". The assessment must have a deadline.
std::string deadline_text(const lifecycle::Assessment& assessment, Language language,
                          const util::TimeZone& zone);

// Why a NOT_FOUND order was not found, in `language`; empty without a known reason.
std::string not_found_text(const lifecycle::Assessment& assessment, Language language);

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

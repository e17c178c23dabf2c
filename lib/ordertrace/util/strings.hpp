#pragma once
// Small string helpers shared by the modules: glob matching for the lifecycle's mapping
// rules and "did you mean" hints for names that were almost right.

#include <span>
#include <string>
#include <string_view>

namespace ordertrace::util {

// The value of one hex digit (either case), or -1 for any other byte.
constexpr int hex_digit_value(char c) noexcept {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// Shell-style glob over bytes: '*' matches any run of bytes (also an empty one), '?' exactly
// one byte, every other byte itself. No escapes, no classes, '/' is not special. Iterative:
// O(|pattern| * |text|) at worst, no recursion however many stars the pattern has.
bool glob_match(std::string_view pattern, std::string_view text);

// The entry of `names` nearest to `wrong` for a "did you mean" hint. Distance is the number
// of single-byte insertions, deletions, substitutions and swaps of neighbours, ignoring ASCII
// case. Returns the first nearest name, or an empty string when none is within
// max(1, min(3, |wrong| / 3)) edits (or `wrong` itself is one of the names).
std::string closest_name(std::string_view wrong, std::span<const std::string> names);

} // namespace ordertrace::util

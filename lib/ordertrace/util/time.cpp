#include <ordertrace/util/time.hpp>

#include <fmt/format.h>

#include <array>
#include <chrono>

namespace ordertrace::util {
namespace {

constexpr std::int64_t k_seconds_per_day = 86'400;

// 128-bit intermediate for "1.5w": the integer part times the unit fits in int64 or is an
// overflow anyway, but a long fraction times the unit does not.
__extension__ using Int128 = __int128;

// A forward-only reader over the text. A failed read does not advance, but the parsers
// below give up on the whole text at the first failure anyway.
class Cursor {
public:
  explicit Cursor(std::string_view text) : m_text(text) {}

  bool at_end() const noexcept { return m_pos == m_text.size(); }
  char peek() const noexcept { return at_end() ? '\0' : m_text[m_pos]; }
  std::size_t position() const noexcept { return m_pos; }

  bool consume(char c) noexcept {
    if (!at_end() && m_text[m_pos] == c) {
      ++m_pos;
      return true;
    }
    return false;
  }

  // Exactly `count` decimal digits.
  bool digits(std::size_t count, int& out) noexcept {
    if (m_text.size() - m_pos < count) {
      return false;
    }
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = m_text[m_pos + i];
      if (c < '0' || c > '9') {
        return false;
      }
      value = value * 10 + (c - '0');
    }
    m_pos += count;
    out = value;
    return true;
  }

  // Takes one or more characters for which `predicate` holds.
  template <typename Predicate> std::string_view take_while(Predicate predicate) noexcept {
    const std::size_t start = m_pos;
    while (!at_end() && predicate(m_text[m_pos])) {
      ++m_pos;
    }
    return m_text.substr(start, m_pos - start);
  }

private:
  std::string_view m_text;
  std::size_t m_pos = 0;
};

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

bool is_lower(char c) noexcept {
  return c >= 'a' && c <= 'z';
}

struct DurationUnit {
  std::string_view name;
  std::int64_t ns;
};

constexpr std::int64_t k_ns_per_minute = 60 * k_ns_per_second;
constexpr std::int64_t k_ns_per_hour = 60 * k_ns_per_minute;
constexpr std::int64_t k_ns_per_day = 24 * k_ns_per_hour;

// Largest first: a compound duration must name its units in this order.
constexpr std::array<DurationUnit, 8> k_duration_units{{
    {"w", 7 * k_ns_per_day},
    {"d", k_ns_per_day},
    {"h", k_ns_per_hour},
    {"m", k_ns_per_minute},
    {"s", k_ns_per_second},
    {"ms", 1'000'000},
    {"us", 1'000},
    {"ns", 1},
}};

// Parses "<digits>[.<digits>]<unit>" at the cursor into nanoseconds; `unit_rank` gets the
// unit's index in k_duration_units.
std::optional<std::int64_t> parse_duration_part(Cursor& cursor, std::size_t& unit_rank) {
  const std::string_view whole = cursor.take_while(is_digit);
  if (whole.empty()) {
    return std::nullopt;
  }
  std::string_view fraction;
  if (cursor.consume('.')) {
    fraction = cursor.take_while(is_digit);
    if (fraction.empty()) {
      return std::nullopt;
    }
  }
  const std::string_view unit_name = cursor.take_while(is_lower);
  const DurationUnit* unit = nullptr;
  for (std::size_t i = 0; i < k_duration_units.size(); ++i) {
    if (k_duration_units[i].name == unit_name) {
      unit = &k_duration_units[i];
      unit_rank = i;
    }
  }
  if (unit == nullptr) {
    return std::nullopt;
  }

  std::int64_t count = 0;
  for (const char c : whole) {
    if (__builtin_mul_overflow(count, 10, &count) ||
        __builtin_add_overflow(count, c - '0', &count)) {
      return std::nullopt;
    }
  }
  std::int64_t result = 0;
  if (__builtin_mul_overflow(count, unit->ns, &result)) {
    return std::nullopt;
  }
  // Digits past the 18th change the result by less than a nanosecond of the largest unit.
  Int128 numerator = 0;
  Int128 denominator = 1;
  for (std::size_t i = 0; i < fraction.size() && i < 18; ++i) {
    numerator = numerator * 10 + (fraction[i] - '0');
    denominator *= 10;
  }
  const auto fraction_ns = static_cast<std::int64_t>(numerator * unit->ns / denominator);
  if (__builtin_add_overflow(result, fraction_ns, &result)) {
    return std::nullopt;
  }
  return result;
}

} // namespace

std::optional<std::int64_t> parse_rfc3339(std::string_view text) {
  Cursor cursor(text);
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!cursor.digits(4, year) || !cursor.consume('-') || !cursor.digits(2, month) ||
      !cursor.consume('-') || !cursor.digits(2, day)) {
    return std::nullopt;
  }
  if (!cursor.consume('T') && !cursor.consume('t') && !cursor.consume(' ')) {
    return std::nullopt;
  }
  if (!cursor.digits(2, hour) || !cursor.consume(':') || !cursor.digits(2, minute) ||
      !cursor.consume(':') || !cursor.digits(2, second)) {
    return std::nullopt;
  }
  // Leap seconds (":60") are refused: no clock that feeds traces reports them.
  if (hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  std::int64_t fraction_ns = 0;
  if (cursor.consume('.')) {
    const std::string_view fraction = cursor.take_while(is_digit);
    if (fraction.empty() || fraction.size() > 9) {
      return std::nullopt;
    }
    for (std::size_t i = 0; i < 9; ++i) {
      fraction_ns = fraction_ns * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
    }
  }
  std::int64_t offset_seconds = 0;
  if (!cursor.consume('Z') && !cursor.consume('z')) {
    const char sign = cursor.peek();
    if (!cursor.consume('+') && !cursor.consume('-')) {
      return std::nullopt;
    }
    int offset_hours = 0;
    int offset_minutes = 0;
    if (!cursor.digits(2, offset_hours) || !cursor.consume(':') ||
        !cursor.digits(2, offset_minutes) || offset_hours > 23 || offset_minutes > 59) {
      return std::nullopt;
    }
    offset_seconds = (offset_hours * 3600 + offset_minutes * 60) * (sign == '-' ? -1 : 1);
  }
  if (!cursor.at_end()) {
    return std::nullopt;
  }

  const std::chrono::year_month_day date{std::chrono::year{year},
                                         std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) {
    return std::nullopt;
  }
  const std::int64_t days = std::chrono::sys_days{date}.time_since_epoch().count();
  std::int64_t seconds =
      days * k_seconds_per_day + hour * 3600 + minute * 60 + second - offset_seconds;
  // Years 0000-9999 fit in seconds, but int64 nanoseconds only span 1677-2262. Before 1970
  // the fraction is borrowed from the next second, so that the earliest representable
  // time does not overflow on its way.
  if (seconds < 0 && fraction_ns > 0) {
    ++seconds;
    fraction_ns -= k_ns_per_second;
  }
  std::int64_t result = 0;
  if (__builtin_mul_overflow(seconds, k_ns_per_second, &result) ||
      __builtin_add_overflow(result, fraction_ns, &result)) {
    return std::nullopt;
  }
  return result;
}

std::string format_rfc3339(std::int64_t time_ns) {
  // Floor division, so times before 1970 keep a positive fraction.
  std::int64_t seconds = time_ns / k_ns_per_second;
  std::int64_t fraction = time_ns % k_ns_per_second;
  if (fraction < 0) {
    fraction += k_ns_per_second;
    --seconds;
  }
  std::int64_t days = seconds / k_seconds_per_day;
  std::int64_t second_of_day = seconds % k_seconds_per_day;
  if (second_of_day < 0) {
    second_of_day += k_seconds_per_day;
    --days;
  }
  const std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{days}}};
  std::string out =
      fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60);
  if (fraction % 1'000'000 == 0) {
    if (fraction != 0) {
      out += fmt::format(".{:03}", fraction / 1'000'000);
    }
  } else if (fraction % 1'000 == 0) {
    out += fmt::format(".{:06}", fraction / 1'000);
  } else {
    out += fmt::format(".{:09}", fraction);
  }
  out += 'Z';
  return out;
}

std::optional<std::int64_t> parse_duration(std::string_view text) {
  Cursor cursor(text);
  std::int64_t total = 0;
  std::size_t previous_rank = 0;
  bool first = true;
  while (first || !cursor.at_end()) {
    // Spaces between parts let format_duration's "3d 4h" parse back.
    if (!first && !cursor.take_while([](char c) { return c == ' '; }).empty() && cursor.at_end()) {
      return std::nullopt;
    }
    std::size_t rank = 0;
    const std::optional<std::int64_t> part = parse_duration_part(cursor, rank);
    // Units strictly largest first: "30m1h" or "1h1h" is more likely a typo than intent.
    if (!part || (!first && rank <= previous_rank) ||
        __builtin_add_overflow(total, *part, &total)) {
      return std::nullopt;
    }
    previous_rank = rank;
    first = false;
  }
  return total;
}

std::string format_duration(std::int64_t duration_ns) {
  if (duration_ns == 0) {
    return "0s";
  }
  const std::string_view sign = duration_ns < 0 ? "-" : "";
  // Unsigned, so that the most negative value has a magnitude too.
  const std::uint64_t magnitude = duration_ns < 0 ? 0 - static_cast<std::uint64_t>(duration_ns)
                                                  : static_cast<std::uint64_t>(duration_ns);
  // Weeks are left out on purpose: "12d" reads better than "1w 5d".
  static constexpr std::array<DurationUnit, 7> k_units{{
      {"d", k_ns_per_day},
      {"h", k_ns_per_hour},
      {"m", k_ns_per_minute},
      {"s", k_ns_per_second},
      {"ms", 1'000'000},
      {"us", 1'000},
      {"ns", 1},
  }};
  std::size_t first = 0;
  while (magnitude < static_cast<std::uint64_t>(k_units[first].ns)) {
    ++first;
  }
  const auto first_unit = static_cast<std::uint64_t>(k_units[first].ns);
  std::string out = fmt::format("{}{}{}", sign, magnitude / first_unit, k_units[first].name);
  // Below a second one unit is enough: nobody needs "1s 500ms" in a report.
  if (first + 1 < k_units.size() && first_unit > static_cast<std::uint64_t>(k_ns_per_second)) {
    const auto second_unit = static_cast<std::uint64_t>(k_units[first + 1].ns);
    const std::uint64_t second_count = magnitude % first_unit / second_unit;
    if (second_count != 0) {
      out += fmt::format(" {}{}", second_count, k_units[first + 1].name);
    }
  }
  return out;
}

std::int64_t system_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

} // namespace ordertrace::util

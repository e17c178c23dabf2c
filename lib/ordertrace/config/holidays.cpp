#include <ordertrace/config/holidays.hpp>
#include <ordertrace/config/text_file.hpp>
#include <ordertrace/util/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <string>
#include <system_error>

namespace ordertrace::config {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_blank(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

int number(std::string_view digits) {
  int value = 0;
  for (const char c : digits) {
    value = value * 10 + (c - '0');
  }
  return value;
}

int days_in_month(int year, int month) {
  static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : k_days[month - 1];
}

// For an error message: printable, one line, not a whole paragraph of somebody's file.
std::string quoted(std::string_view text) {
  constexpr std::size_t k_max = 40;
  std::string out;
  for (const char c : text.substr(0, k_max)) {
    const auto byte = static_cast<unsigned char>(c);
    out += byte < 0x20 || byte == 0x7f ? std::string(fmt::format("\\x{:02x}", byte))
                                       : std::string(1, c);
  }
  return fmt::format("'{}{}'", out, text.size() > k_max ? "..." : "");
}

} // namespace

std::optional<lifecycle::CalendarDate> parse_calendar_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  for (const std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!is_digit(text[i])) {
      return std::nullopt;
    }
  }
  const lifecycle::CalendarDate date{number(text.substr(0, 4)), number(text.substr(5, 2)),
                                     number(text.substr(8, 2))};
  if (date.year < 1000 || date.month < 1 || date.month > 12 || date.day < 1 ||
      date.day > days_in_month(date.year, date.month)) {
    return std::nullopt;
  }
  return date;
}

std::vector<lifecycle::CalendarDate> parse_holidays(std::string_view text,
                                                    std::string_view source_name) {
  if (text.starts_with("\xEF\xBB\xBF")) { // a byte order mark some editors write
    text.remove_prefix(3);
  }
  std::vector<lifecycle::CalendarDate> dates;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t end = text.find('\n');
    const std::string_view line = trim(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    const std::size_t date_end = std::find_if(line.begin(), line.end(), is_blank) - line.begin();
    const std::string_view date_text = line.substr(0, date_end);
    const auto date = parse_calendar_date(date_text);
    if (!date) {
      throw InputError(fmt::format("{}:{}: {} is not a date as YYYY-MM-DD", source_name,
                                   line_number, quoted(date_text)));
    }
    dates.push_back(*date);
  }
  std::sort(dates.begin(), dates.end());
  dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
  return dates;
}

std::vector<lifecycle::CalendarDate> load_holidays_file(const std::filesystem::path& path) {
  return parse_holidays(read_text_file(path, "holiday file"), path.string());
}

} // namespace ordertrace::config

#include <ordertrace/report/text_layout.hpp>

namespace ordertrace::report::detail {
namespace {

constexpr std::string_view k_ellipsis = "…";

bool is_continuation(char c) noexcept {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Byte offset where the column `width` starts (or the end of `text`).
std::size_t offset_of_column(std::string_view text, std::size_t width) noexcept {
  std::size_t columns = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_continuation(text[i])) {
      continue;
    }
    if (columns == width) {
      return i;
    }
    ++columns;
  }
  return text.size();
}

} // namespace

std::size_t display_width(std::string_view text) noexcept {
  std::size_t width = 0;
  for (char c : text) {
    if (!is_continuation(c)) {
      ++width;
    }
  }
  return width;
}

std::string sanitize(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\t' || c == '\n' || c == '\r') {
      out.push_back(' ');
    } else if (c < 0x20 || c == 0x7F) {
      out.push_back('?');
    } else if (c == 0xC2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      // U+0080..U+009F, the C1 controls (CSI among them).
      out.push_back('?');
      ++i;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string truncate(std::string_view text, std::size_t width) {
  if (display_width(text) <= width) {
    return std::string(text);
  }
  if (width == 0) {
    return {};
  }
  std::string out(text.substr(0, offset_of_column(text, width - 1)));
  out += k_ellipsis;
  return out;
}

std::string pad(std::string_view text, std::size_t width) {
  std::string out(text);
  const std::size_t current = display_width(text);
  if (current < width) {
    out.append(width - current, ' ');
  }
  return out;
}

std::vector<std::string> wrap(std::string_view text, std::size_t width) {
  std::vector<std::string> lines;
  if (width == 0) {
    width = 1;
  }
  while (!text.empty()) {
    while (!text.empty() && text.front() == ' ') {
      text.remove_prefix(1);
    }
    if (text.empty()) {
      break;
    }
    if (display_width(text) <= width) {
      lines.emplace_back(text);
      break;
    }
    const std::size_t limit = offset_of_column(text, width);
    // Break at the last space within the width; a word longer than the line is cut.
    std::size_t cut = text.substr(0, limit + 1).rfind(' ');
    if (cut == std::string_view::npos || cut == 0) {
      cut = limit;
    }
    std::string_view line = text.substr(0, cut);
    while (!line.empty() && line.back() == ' ') {
      line.remove_suffix(1);
    }
    lines.emplace_back(line);
    text.remove_prefix(cut);
  }
  return lines;
}

} // namespace ordertrace::report::detail

#include <ordertrace/report/text_layout.hpp>
#include <ordertrace/util/time.hpp>

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

std::string moment(std::int64_t utc_ns, const util::TimeZone& zone) {
  std::int64_t remainder = utc_ns % util::k_ns_per_second;
  if (remainder < 0) {
    remainder += util::k_ns_per_second;
  }
  return util::format_local_rfc3339(utc_ns - remainder, zone);
}

std::string next_step_text(const lifecycle::Assessment& assessment, Language language,
                           const util::TimeZone& zone) {
  if (!assessment.next_step) {
    return {};
  }
  const auto& texts = assessment.next_step->text;
  auto it = texts.find(std::string(to_string(language)));
  if (it == texts.end() || it->second.empty()) {
    it = texts.find(std::string(to_string(Language::en)));
  }
  if (it == texts.end()) {
    return {};
  }
  // Plain replacement, not fmt: the text is data and may hold other braces.
  std::string out = it->second;
  const auto fill = [&out](std::string_view placeholder, const std::optional<std::int64_t>& ns,
                           const util::TimeZone& in_zone) {
    if (!ns) {
      return;
    }
    const std::string value = moment(*ns, in_zone);
    for (auto at = out.find(placeholder); at != std::string::npos;
         at = out.find(placeholder, at + value.size())) {
      out.replace(at, placeholder.size(), value);
    }
  };
  fill("{since}", assessment.last_state_time_ns, zone);
  fill("{deadline}", assessment.deadline_ns, zone);
  return out;
}

std::string allowances_text(const lifecycle::Assessment& assessment, Language language) {
  if (!assessment.allowance_set && !assessment.order_type && !assessment.calendar) {
    return {};
  }
  std::string out =
      assessment.allowance_set
          ? format(Message::allowance_set, language, fmt::arg("set", *assessment.allowance_set))
          : std::string(text(Message::allowance_states_own, language));
  if (assessment.order_type) {
    out += ", " + format(Message::order_type, language, fmt::arg("type", *assessment.order_type));
  }
  if (assessment.calendar) {
    out += ", " + format(Message::calendar_working_time, language,
                         fmt::arg("calendar", *assessment.calendar));
  }
  return out;
}

std::string deadline_text(const lifecycle::Assessment& assessment, Language language,
                          const util::TimeZone& zone) {
  const std::int64_t deadline = assessment.deadline_ns.value_or(assessment.now_ns);
  const std::int64_t left = deadline - assessment.now_ns;
  const std::string time = moment(deadline, zone);
  return left >= 0 ? format(Message::time_left, language, fmt::arg("time", time),
                            fmt::arg("left", format_duration(left, language)))
                   : format(Message::time_over, language, fmt::arg("time", time),
                            fmt::arg("over", format_duration(-left, language)));
}

std::string not_found_text(const lifecycle::Assessment& assessment, Language language) {
  if (assessment.verdict != lifecycle::Verdict::not_found || !assessment.not_found_reason) {
    return {};
  }
  if (*assessment.not_found_reason == "never_seen") {
    // Only where it was looked for: files, Jaeger, the cache.
    const auto& searched = assessment.searched;
    Message where = Message::never_seen_anywhere;
    if (searched.jaeger && searched.cache && !searched.files) {
      where = Message::never_seen;
    } else if (searched.jaeger && !searched.cache && !searched.files) {
      where = Message::never_seen_in_jaeger;
    } else if (searched.cache && !searched.jaeger && !searched.files) {
      where = Message::never_seen_in_cache;
    } else if (searched.files && !searched.jaeger && !searched.cache) {
      where = Message::never_seen_in_files;
    }
    return std::string(text(where, language));
  }
  if (*assessment.not_found_reason == "beyond_retention") {
    return std::string(text(Message::beyond_retention, language));
  }
  return *assessment.not_found_reason; // a reason newer than this table: shown as it is
}

} // namespace ordertrace::report::detail

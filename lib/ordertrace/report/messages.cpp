#include <ordertrace/report/messages.hpp>
#include <ordertrace/util/time.hpp>

#include <array>
#include <cctype>
#include <utility>

namespace ordertrace::report {
namespace {

struct Entry {
  std::string_view name;
  std::string_view en;
  std::string_view ru;
};

constexpr Entry k_table[] = {
#define ORDERTRACE_MESSAGE_ENTRY(id, en, ru) {#id, en, ru},
    ORDERTRACE_MESSAGES(ORDERTRACE_MESSAGE_ENTRY)
#undef ORDERTRACE_MESSAGE_ENTRY
};

const Entry& entry(Message id) noexcept {
  return k_table[static_cast<std::size_t>(id)];
}

// The language part of a locale name: "ru" of "ru_RU.UTF-8@euro".
std::string_view language_part(std::string_view locale) noexcept {
  const auto end = locale.find_first_of("_.@");
  return end == std::string_view::npos ? locale : locale.substr(0, end);
}

} // namespace

std::string_view to_string(Language language) noexcept {
  return language == Language::ru ? "ru" : "en";
}

std::optional<Language> parse_language(std::string_view name) noexcept {
  for (Language language : {Language::en, Language::ru}) {
    if (name == to_string(language)) {
      return language;
    }
  }
  return std::nullopt;
}

std::vector<std::string> language_names() {
  return {std::string(to_string(Language::en)), std::string(to_string(Language::ru))};
}

bool locale_names_language(std::string_view locale) noexcept {
  const std::string_view language = language_part(locale);
  return !language.empty() && language != "C" && language != "POSIX";
}

Language language_of_locale(std::string_view locale) noexcept {
  return language_part(locale) == "ru" ? Language::ru : Language::en;
}

const std::vector<Message>& all_messages() {
  static const std::vector<Message> ids = [] {
    std::vector<Message> out;
    for (std::size_t i = 0; i < std::size(k_table); ++i) {
      out.push_back(static_cast<Message>(i));
    }
    return out;
  }();
  return ids;
}

std::string_view message_name(Message id) noexcept {
  return entry(id).name;
}

std::optional<Message> message_named(std::string_view name) noexcept {
  for (std::size_t i = 0; i < std::size(k_table); ++i) {
    if (k_table[i].name == name) {
      return static_cast<Message>(i);
    }
  }
  return std::nullopt;
}

std::string_view text(Message id, Language language) noexcept {
  return language == Language::ru ? entry(id).ru : entry(id).en;
}

std::string verdict_label(lifecycle::Verdict verdict, Language language) {
  using lifecycle::Verdict;
  switch (verdict) {
  case Verdict::completed:
    return std::string(text(Message::verdict_completed, language));
  case Verdict::lost:
    return std::string(text(Message::verdict_lost, language));
  case Verdict::inconsistent:
    return std::string(text(Message::verdict_inconsistent, language));
  case Verdict::abandoned:
    return std::string(text(Message::verdict_abandoned, language));
  case Verdict::stalled:
    return std::string(text(Message::verdict_stalled, language));
  case Verdict::on_track:
    return std::string(text(Message::verdict_on_track, language));
  case Verdict::not_found:
    break;
  }
  return std::string(text(Message::verdict_not_found, language));
}

std::string_view evidence_label(lifecycle::Evidence::Kind kind, Language language) noexcept {
  using Kind = lifecycle::Evidence::Kind;
  switch (kind) {
  case Kind::error:
    return text(Message::evidence_error, language);
  case Kind::unconsumed_message:
    return text(Message::evidence_unconsumed_message, language);
  case Kind::waiting_message:
    return text(Message::evidence_waiting_message, language);
  case Kind::repeated_state:
    return text(Message::evidence_repeated_state, language);
  case Kind::clock_skew:
    return text(Message::evidence_clock_skew, language);
  case Kind::state:
    break;
  }
  return text(Message::evidence_state, language);
}

std::string format_duration(std::int64_t duration_ns, Language language) {
  std::string english = util::format_duration(duration_ns);
  if (language == Language::en) {
    return english;
  }
  // util::format_duration writes number-unit pairs ("3d 4h", "-15m", "250ms"); the units
  // are swapped one by one, longest names first so that "ms" is not read as "m".
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> k_units{{
      {"ms", "мс"},
      {"us", "мкс"},
      {"ns", "нс"},
      {"d", "д"},
      {"h", "ч"},
      {"m", "мин"},
      {"s", "с"},
  }};
  std::string out;
  std::string_view rest = english;
  while (!rest.empty()) {
    const char c = rest.front();
    if (std::isalpha(static_cast<unsigned char>(c)) == 0) {
      out += c;
      rest.remove_prefix(1);
      continue;
    }
    bool swapped = false;
    for (const auto& [unit, russian] : k_units) {
      if (rest.substr(0, unit.size()) == unit) {
        out += ' ';
        out += russian;
        rest.remove_prefix(unit.size());
        swapped = true;
        break;
      }
    }
    if (!swapped) { // not a unit: keep it as it is
      out += c;
      rest.remove_prefix(1);
    }
  }
  return out;
}

} // namespace ordertrace::report

#include <ordertrace/report/nightly.hpp>
#include <ordertrace/report/phrases.hpp>
#include <ordertrace/report/text_layout.hpp>
#include <ordertrace/util/time.hpp>

#include <fmt/args.h>

#include <map>

namespace ordertrace::report::detail {
namespace {

using Kind = lifecycle::Phrase::Kind;

std::optional<Message> message_of(Kind kind) noexcept {
  switch (kind) {
  case Kind::none:
    return std::nullopt;
  case Kind::never_seen:
    return Message::p_never_seen;
  case Kind::no_state_reported:
    return Message::p_no_state_reported;
  case Kind::ended:
    return Message::p_ended;
  case Kind::reached_then_ended:
    return Message::p_reached_then_ended;
  case Kind::ended_before_final:
    return Message::p_ended_before_final;
  case Kind::completed:
    return Message::p_completed;
  case Kind::lost_on_error:
    return Message::p_lost_on_error;
  case Kind::lost_on_unnamed_error:
    return Message::p_lost_on_unnamed_error;
  case Kind::lost_unconsumed:
    return Message::p_lost_unconsumed;
  case Kind::lost_unconsumed_unnamed_queue:
    return Message::p_lost_unconsumed_unnamed_queue;
  case Kind::inconsistent:
    return Message::p_inconsistent;
  case Kind::abandoned:
    return Message::p_abandoned;
  case Kind::on_track_customer:
    return Message::p_on_track_customer;
  case Kind::lost_by_time:
    return Message::p_lost_by_time;
  case Kind::stalled:
    return Message::p_stalled;
  case Kind::on_track:
    return Message::p_on_track;
  case Kind::not_in_cache_offline:
    return Message::p_not_in_cache_offline;
  case Kind::forgotten:
    return Message::p_forgotten;
  case Kind::forgotten_without_state:
    return Message::p_forgotten_without_state;
  case Kind::span_failed:
    return Message::p_span_failed;
  case Kind::never_consumed:
    return Message::p_never_consumed;
  case Kind::not_consumed_yet:
    return Message::p_not_consumed_yet;
  case Kind::clock_behind:
    return Message::p_clock_behind;
  case Kind::clock_ahead:
    return Message::p_clock_ahead;
  case Kind::reported_again:
    return Message::p_reported_again;
  case Kind::rework_loop:
    return Message::p_rework_loop;
  case Kind::out_of_sequence:
    return Message::p_out_of_sequence;
  case Kind::ending_set_here:
    return Message::p_ending_set_here;
  case Kind::last_state_set_here:
    return Message::p_last_state_set_here;
  case Kind::came_again_undeclared:
    return Message::p_came_again_undeclared;
  case Kind::came_before_causally:
    return Message::p_came_before_causally;
  case Kind::came_before_after_correction:
    return Message::p_came_before_after_correction;
  case Kind::required_states_missing:
    return Message::p_required_states_missing;
  case Kind::orphan_spans:
    return Message::p_orphan_spans;
  case Kind::jaeger_warning:
    return Message::p_jaeger_warning;
  case Kind::more_jaeger_warnings:
    return Message::p_more_jaeger_warnings;
  case Kind::unknown_state:
    return Message::p_unknown_state;
  case Kind::order_type_without_set:
    return Message::p_order_type_without_set;
  case Kind::reached_after_ending:
    return Message::p_reached_after_ending;
  case Kind::required_state_not_seen:
    return Message::p_required_state_not_seen;
  case Kind::now_before_last_state:
    return Message::p_now_before_last_state;
  case Kind::search_failed:
    return Message::p_search_failed;
  case Kind::client_warning: // said by the client's own messages (w_<kind>): see say()
    return std::nullopt;
  }
  return std::nullopt;
}

// Which plural form a count takes: English one/other, Russian one/few/many
// (1 день, 2 дня, 5 дней; 11–14 дней).
Message working_days_form(std::int64_t count, Language language) noexcept {
  if (language == Language::en) {
    return count == 1 ? Message::p_working_days_one : Message::p_working_days_many;
  }
  const std::int64_t tens = count % 100;
  const std::int64_t ones = count % 10;
  if (ones == 1 && tens != 11) {
    return Message::p_working_days_one;
  }
  if (ones >= 2 && ones <= 4 && (tens < 12 || tens > 14)) {
    return Message::p_working_days_few;
  }
  return Message::p_working_days_many;
}

// A duration inside a sentence, kept on one line when the sentence is wrapped: Russian
// writes a space before each unit ("3 д 20 ч"), which becomes a no-break space. (English
// keeps the engine's spaces: it is the engine's text.)
std::string unbreakable(std::string_view duration) {
  std::string out;
  for (char c : duration) {
    out += c == ' ' ? std::string_view("\u00A0") : std::string_view(&c, 1);
  }
  return out;
}

std::string sentence_duration(std::int64_t ns, Language language) {
  return language == Language::en ? format_duration(ns, language)
                                  : unbreakable(format_duration(ns, language));
}

// An allowance counted in working time of days `day_ns` long: "2 working days", "1 working
// day 4h", "4h of working time" (as the engine's describe_allowance writes it).
std::string working_allowance(std::int64_t allowance_ns, std::int64_t day_ns, Language language) {
  const std::int64_t days = allowance_ns / day_ns;
  const std::int64_t rest = allowance_ns % day_ns;
  std::string out;
  if (days > 0) {
    out = format(working_days_form(days, language), language, fmt::arg("count", days));
  }
  if (rest > 0) {
    const std::string duration = sentence_duration(rest, language);
    out += out.empty() ? "" : " ";
    out += days > 0 ? duration
                    : format(Message::p_of_working_time, language, fmt::arg("duration", duration));
  }
  if (out.empty()) {
    return sentence_duration(0, language);
  }
  return language == Language::en ? out : unbreakable(out);
}

std::string time_text(std::int64_t ns, const util::TimeZone& zone) {
  return zone.is_utc() ? util::format_rfc3339(ns) : moment(ns, zone);
}

// The values of the placeholders `phrase` fills, by name, as `language` writes them.
std::map<std::string, std::string> values_of(const lifecycle::Phrase& phrase, Language language,
                                             const util::TimeZone& zone) {
  std::map<std::string, std::string> values = phrase.words;
  const auto& durations = phrase.durations_ns;
  for (const auto& [name, ns] : durations) {
    values[name] = sentence_duration(ns, language);
  }
  if (const auto allowed = durations.find("allowed"); allowed == durations.end()) {
    values["allowed"] = text(Message::p_no_allowance, language);
  } else if (const auto day = durations.find("working_day"); day != durations.end()) {
    values["allowed"] = working_allowance(allowed->second, day->second, language);
  } else if (phrase.words.contains("calendar")) {
    values["allowed"] =
        format(Message::p_of_working_time, language, fmt::arg("duration", values["allowed"]));
  }
  if (const auto working = durations.find("working_time");
      working != durations.end() && values.contains("waited")) {
    values["waited"] =
        format(Message::p_waited_working, language, fmt::arg("waited", values["waited"]),
               fmt::arg("working", sentence_duration(working->second, language)),
               fmt::arg("calendar", phrase.words.contains("calendar") ? phrase.words.at("calendar")
                                                                      : std::string()));
  }
  for (const auto& [name, ns] : phrase.times_ns) {
    values[name] = time_text(ns, zone);
  }
  if (!phrase.parts.empty()) {
    std::string joined;
    for (const auto& part : phrase.parts) {
      joined += joined.empty() ? "" : text(Message::p_problems_separator, language);
      joined += say(part, language, zone).value_or("?");
    }
    values["problems"] = std::move(joined);
  }
  return values;
}

// `message` in `language` with its named placeholders taken from `values`; nullopt when it
// names one `values` lacks (the English text then stands).
std::optional<std::string> filled(Message message, Language language,
                                  const std::map<std::string, std::string>& values) {
  fmt::dynamic_format_arg_store<fmt::format_context> args;
  for (const auto& [name, value] : values) {
    args.push_back(fmt::arg(name.c_str(), value)); // `values` outlives the call
  }
  try {
    return fmt::vformat(text(message, language), args);
  } catch (const fmt::format_error&) {
    return std::nullopt;
  }
}

} // namespace

std::optional<std::string> say(const lifecycle::Phrase& phrase, Language language,
                               const util::TimeZone& zone) {
  if (phrase.kind == Kind::client_warning) {
    // The Jaeger client's warning, said as the nightly report says it.
    WarningPhrase said{{}, phrase.words, phrase.times_ns};
    const auto kind = said.words.find("client_kind");
    if (kind == said.words.end()) {
      return std::nullopt;
    }
    said.kind = kind->second;
    said.words.erase(kind);
    return say(said, language, zone);
  }
  const auto message = message_of(phrase.kind);
  if (!message) {
    return std::nullopt;
  }
  const auto values = values_of(phrase, language, zone);
  return filled(*message, language, values);
}

std::string reason_text(const lifecycle::Assessment& assessment, Language language,
                        const util::TimeZone& zone) {
  if (language == Language::en || assessment.reason.empty()) {
    return assessment.reason;
  }
  return say(assessment.reason_phrase, language, zone).value_or(assessment.reason);
}

std::string detail_text(const lifecycle::Evidence& evidence, Language language,
                        const util::TimeZone& zone) {
  if (language == Language::en || evidence.detail.empty()) {
    return evidence.detail;
  }
  return say(evidence.detail_phrase, language, zone).value_or(evidence.detail);
}

std::string warning_text(const lifecycle::Assessment& assessment, std::size_t index,
                         Language language, const util::TimeZone& zone) {
  const std::string& english = assessment.warnings.at(index);
  if (language == Language::en || index >= assessment.warning_phrases.size()) {
    return english;
  }
  return say(assessment.warning_phrases[index], language, zone).value_or(english);
}

// ---- the nightly report -----------------------------------------------------------------

std::optional<std::string> say(const WarningPhrase& phrase, Language language,
                               const util::TimeZone& zone) {
  const auto message = message_named("w_" + phrase.kind);
  if (!message) {
    return std::nullopt;
  }
  std::map<std::string, std::string> values = phrase.words;
  for (const auto& [name, ns] : phrase.times_ns) {
    values[name] = time_text(ns, zone);
  }
  if (*message == Message::w_search_cut_off) {
    // What and where were searched; absent, everything.
    if (!values.contains("filter")) {
      values["filter"] = text(Message::w_all_traces, language);
    }
    values["service"] =
        values.contains("service")
            ? format(Message::w_in_service, language, fmt::arg("service", values.at("service")))
            : std::string(text(Message::w_all_services, language));
  }
  return filled(*message, language, values);
}

std::string warning_text(const NightlyReport& report, std::size_t index, Language language,
                         const util::TimeZone& zone) {
  const std::string& english = report.warnings.at(index);
  if (language == Language::en || index >= report.warning_phrases.size()) {
    return english;
  }
  return say(report.warning_phrases[index], language, zone).value_or(english);
}

std::string source_text(const std::string& source, Language language) {
  constexpr std::string_view k_files = "files ";
  if (language == Language::en || !source.starts_with(k_files)) {
    return source; // English, or "jaeger <url>": a product and an address
  }
  return format(Message::source_files, language, fmt::arg("names", source.substr(k_files.size())));
}

std::string local_time(std::int64_t ns, const util::TimeZone& zone) {
  return moment(ns, zone); // to the second, as show's times: a window from spans has ns
}

std::string allowances_note(const AllowanceChoice& choice, Language language) {
  if (language == Language::en) {
    return choice.note;
  }
  if (choice.requested == AllowanceMode::config) {
    return std::string(text(Message::n_allowances_config, language));
  }
  if (choice.used == AllowanceMode::learned) {
    return format(Message::n_allowances_learned, language,
                  fmt::arg("transitions", choice.transitions), fmt::arg("rule", choice.rule),
                  fmt::arg("states", choice.states_learned));
  }
  return choice.min_samples == 0 ? std::string(text(Message::n_allowances_no_history, language))
                                 : format(Message::n_allowances_too_few, language,
                                          fmt::arg("count", choice.min_samples));
}

std::string group_key_text(const std::string& key, Language language) {
  if (language == Language::en) {
    return key;
  }
  const auto word = [language](const std::string& part) {
    if (part == "(no state)") {
      return std::string(text(Message::n_no_state, language));
    }
    return part == "(unknown)" ? std::string(text(Message::n_unknown, language)) : part;
  };
  constexpr std::string_view k_queue = " / queue ";
  if (const auto at = key.find(k_queue); at != std::string::npos) {
    return format(Message::n_group_queue, language, fmt::arg("suspect", word(key.substr(0, at))),
                  fmt::arg("queue", key.substr(at + k_queue.size())));
  }
  return word(key);
}

} // namespace ordertrace::report::detail

#include <ordertrace/app/ack_command.hpp>
#include <ordertrace/app/command_options.hpp>
#include <ordertrace/cache/cache.hpp>
#include <ordertrace/config/lifecycle_file.hpp>
#include <ordertrace/report/redaction.hpp>
#include <ordertrace/util/time.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

namespace ordertrace::app {
namespace {

// A note is one line for a report's table; longer ones are cut.
constexpr std::size_t k_max_note_bytes = 500;

// One line, no control characters, surrounding spaces trimmed, at most k_max_note_bytes
// (cut at a UTF-8 character boundary).
std::string clean_note(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7F ? ' ' : c);
  }
  const auto first = out.find_first_not_of(' ');
  if (first == std::string::npos) {
    return {};
  }
  out = out.substr(first, out.find_last_not_of(' ') - first + 1);
  if (out.size() > k_max_note_bytes) {
    std::size_t cut = k_max_note_bytes;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) {
      --cut;
    }
    out = out.substr(0, cut) + "...";
  }
  return out;
}

// --until: an RFC 3339 time, or a duration from now ("14d").
std::int64_t parse_until(const std::string& text, std::int64_t now_ns) {
  if (const auto time = util::parse_rfc3339(text)) {
    return *time;
  }
  if (const auto duration = util::parse_duration(text)) {
    return now_ns + *duration;
  }
  throw UsageError("invalid --until '" + text +
                   "': expected an RFC 3339 time (2026-12-01T00:00:00Z) or a duration from now "
                   "(14d)");
}

std::string until_text(const cache::Ack& ack) {
  return ack.until_ns ? util::format_rfc3339(*ack.until_ns) : std::string("until removed");
}

} // namespace

ExitCode run_ack(const AckOptions& options, std::ostream& out) {
  // Every usage error before the cache is opened.
  if (options.list && options.remove) {
    throw UsageError("ack: --list and --remove exclude each other");
  }
  if (options.list && !options.order_ids.empty()) {
    throw UsageError("ack --list takes no order id");
  }
  if ((options.list || options.remove) && (options.note || options.until)) {
    throw UsageError(std::string("ack ") + (options.list ? "--list" : "--remove") +
                     " takes no --note or --until");
  }
  if (options.format && !options.list) {
    throw UsageError("ack: --format applies to --list only");
  }
  if (options.format && *options.format != "text" && *options.format != "json") {
    throw_bad_choice("--format", *options.format, {"text", "json"});
  }
  if (!options.list && options.order_ids.empty()) {
    throw UsageError("ack: an order id is required (or --list)");
  }
  for (const auto& id : options.order_ids) {
    if (id.empty()) {
      throw UsageError("ack: an order id must not be empty");
    }
  }
  const std::int64_t now_ns =
      parse_time_option(options.now, "--now").value_or(util::system_now_ns());
  std::optional<std::int64_t> until_ns;
  const bool adding = !options.list && !options.remove;
  if (adding) {
    if (!options.note || clean_note(*options.note).empty()) {
      throw UsageError("ack: --note TEXT is required: say why the order is known (a ticket, "
                       "who is on it)");
    }
    if (options.until) {
      until_ns = parse_until(*options.until, now_ns);
      if (*until_ns <= now_ns) {
        throw UsageError("--until " + util::format_rfc3339(*until_ns) + " is in the past (now " +
                         util::format_rfc3339(now_ns) + ")");
      }
    }
  }

  const EffectiveSettings settings = resolve_settings(options.common, "ack");
  if (settings.cache.value.empty()) {
    throw UsageError("ack needs the cache, but it is off (" +
                     (settings.cache.source.empty() ? std::string("no HOME or XDG_CACHE_HOME")
                                                    : settings.cache.source) +
                     "); drop --no-cache or name one with --cache FILE");
  }
  const std::filesystem::path path = settings.cache.value;
  std::error_code error;
  const bool exists = std::filesystem::exists(path, error);

  if (options.list) {
    std::vector<cache::Ack> acks;
    if (exists) {
      acks = cache::Cache(path, false).acks();
    }
    if (options.format && *options.format == "json") {
      auto json = nlohmann::ordered_json::array();
      for (const auto& ack : acks) {
        json.push_back(
            {{"order_id", ack.order_id},
             {"note", ack.note},
             {"created_at", util::format_rfc3339(ack.created_at_ns)},
             {"until", ack.until_ns ? nlohmann::ordered_json(util::format_rfc3339(*ack.until_ns))
                                    : nlohmann::ordered_json()},
             {"expired", !ack.active_at(now_ns)}});
      }
      out << json.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
      return ExitCode::ok;
    }
    if (acks.empty()) {
      out << "no acknowledged orders in " << path.string() << '\n';
      return ExitCode::ok;
    }
    out << fmt::format("{:<24} {:<8} {:<21} {:<21} {}\n", "ORDER", "STATUS", "UNTIL", "SINCE",
                       "NOTE");
    for (const auto& ack : acks) {
      out << fmt::format("{:<24} {:<8} {:<21} {:<21} {}\n", printable(ack.order_id),
                         ack.active_at(now_ns) ? "active" : "expired", until_text(ack),
                         util::format_rfc3339(ack.created_at_ns), ack.note);
    }
    return ExitCode::ok;
  }

  if (options.remove) {
    if (exists) {
      cache::Cache order_cache(path, false);
      const auto before = order_cache.acks();
      order_cache.remove_acks(options.order_ids);
      for (const auto& id : options.order_ids) {
        const bool was = std::any_of(before.begin(), before.end(),
                                     [&](const cache::Ack& ack) { return ack.order_id == id; });
        out << (was ? "removed the acknowledgement of " : "not acknowledged (nothing removed): ")
            << printable(id) << '\n';
      }
    } else {
      for (const auto& id : options.order_ids) {
        out << "not acknowledged (nothing removed): " << printable(id) << '\n';
      }
    }
    return ExitCode::ok;
  }

  // Staff type free text: names and phone numbers of customers must not reach the file.
  const lifecycle::Definition definition =
      settings.lifecycle.value.empty() ? config::default_lifecycle()
                                       : config::load_lifecycle_file(settings.lifecycle.value);
  const report::Redactor redactor(definition.redaction);
  const std::string note = redactor.redact(clean_note(*options.note));
  std::vector<cache::Ack> acks;
  for (const auto& id : options.order_ids) {
    acks.push_back({id, note, now_ns, until_ns});
  }
  cache::Cache(path).put_acks(acks);
  for (const auto& ack : acks) {
    out << "acknowledged " << printable(ack.order_id) << " (" << until_text(ack)
        << "): " << ack.note << '\n';
  }
  return ExitCode::ok;
}

} // namespace ordertrace::app

#include <ordertrace/app/command_options.hpp>
#include <ordertrace/source/http_transport.hpp>
#include <ordertrace/util/strings.hpp>
#include <ordertrace/util/time.hpp>

namespace ordertrace::app {

std::optional<std::int64_t> parse_time_option(const std::optional<std::string>& text,
                                              std::string_view option) {
  if (!text) {
    return std::nullopt;
  }
  if (auto time = util::parse_rfc3339(*text)) {
    return *time;
  }
  throw UsageError("invalid " + std::string(option) + " '" + *text +
                   "': expected an RFC 3339 time such as 2026-08-20T10:00:00Z or "
                   "2026-08-20T13:00:00+03:00");
}

std::optional<std::int64_t> parse_since_option(const std::optional<std::string>& text,
                                               std::int64_t until_ns) {
  if (!text) {
    return std::nullopt;
  }
  if (auto duration = util::parse_duration(*text)) {
    return until_ns - *duration;
  }
  if (auto time = util::parse_rfc3339(*text)) {
    return *time;
  }
  throw UsageError("invalid --since/--from '" + *text +
                   "': expected a duration such as 36h or 7d, or an RFC 3339 time such as "
                   "2026-08-20T10:00:00Z");
}

std::string printable(std::string_view text, std::size_t max_bytes) {
  std::string out;
  const bool cut = text.size() > max_bytes;
  if (cut) {
    std::size_t end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end; // not inside a UTF-8 sequence
    }
    text = text.substr(0, end);
  }
  out.reserve(text.size() + 3);
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7F ? '?' : c);
  }
  if (cut) {
    out += "...";
  }
  return out;
}

void throw_bad_choice(std::string_view option, const std::string& value,
                      const std::vector<std::string>& choices) {
  std::string message = "invalid " + std::string(option) + " '" + value + "'";
  if (auto near = util::closest_name(value, choices); !near.empty()) {
    message += " (did you mean '" + near + "'?)";
  }
  message += "; choose one of:";
  for (const auto& choice : choices) {
    message += " " + choice;
  }
  throw UsageError(message);
}

void rethrow_naming(const Error& error, const std::string& base_url) {
  std::string url = source::redact_url(base_url);
  std::string message = error.what();
  std::string_view bare = url;
  while (!bare.empty() && bare.back() == '/') {
    bare.remove_suffix(1);
  }
  if (message.find(bare) == std::string::npos) {
    message += " (" + url + ")";
  }
  switch (error.code()) {
  case ExitCode::jaeger_unavailable:
    throw JaegerError(message);
  case ExitCode::authentication_required:
    throw AuthenticationError(message);
  case ExitCode::usage_error:
    throw UsageError(message);
  default:
    throw Error(message, error.code());
  }
}

} // namespace ordertrace::app

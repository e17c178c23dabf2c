#include <ordertrace/app/command_options.hpp>
#include <ordertrace/app/settings.hpp>
#include <ordertrace/cache/cache.hpp>
#include <ordertrace/util/error.hpp>
#include <ordertrace/util/strings.hpp>
#include <ordertrace/util/time.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace ordertrace::app {
namespace {

namespace fs = std::filesystem;

constexpr int k_max_search_depth = 100'000; // the all-in-one memory store's max_traces
constexpr int k_max_parallel = 64;          // politeness towards a shared Jaeger

// A config file may not hold the token itself: config files get copied and shared.
constexpr std::string_view k_token_hint =
    "the token is never read from a config file or the command line; name a file with "
    "token-file (mode 0600) or set ORDERTRACE_TOKEN";

std::string trim(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
    text.pop_back();
  }
  std::size_t start = 0;
  while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start])) != 0) {
    ++start;
  }
  return text.substr(start);
}

// How a message names where a value came from: "--jaeger", "ORDERTRACE_JAEGER_URL",
// "jaeger in config file /home/u/.config/ordertrace/config.toml", "the default".
std::string where(const Setting& setting, std::string_view key) {
  switch (setting.origin) {
  case Origin::config_file:
    return fmt::format("{} in config file {}", key, setting.source);
  case Origin::built_in:
    return fmt::format("the default {}", key);
  case Origin::environment:
  case Origin::command_line:
    break;
  }
  return setting.source;
}

std::string default_config_path() {
  if (auto config_home = environment_variable("XDG_CONFIG_HOME")) {
    return (fs::path(*config_home) / "ordertrace" / "config.toml").string();
  }
  if (auto home = environment_variable("HOME")) {
    return (fs::path(*home) / ".config" / "ordertrace" / "config.toml").string();
  }
  return {};
}

// A relative path in a config file is relative to the file, not to wherever the tool runs.
Setting path_setting(const std::optional<std::string>& command_line, std::string_view option,
                     const std::vector<const char*>& variables, const ConfigFile& config) {
  Setting setting = resolve_setting(command_line, option, variables, config, {});
  if (setting.origin == Origin::config_file && !setting.value.empty() &&
      fs::path(setting.value).is_relative()) {
    setting.value = (config.path().parent_path() / setting.value).lexically_normal().string();
  }
  return setting;
}

std::optional<bool> parse_bool(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") {
    return true;
  }
  if (lower == "false" || lower == "0" || lower == "no" || lower == "off") {
    return false;
  }
  return std::nullopt;
}

// Reads a token file that only its owner may read. The token never goes into a message.
std::string read_token_file(const std::string& path, const std::string& named_by) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) {
    throw UsageError(fmt::format("cannot read the token file {} ({}): {}", path, named_by,
                                 std::strerror(errno)));
  }
  if (!S_ISREG(status.st_mode)) {
    throw UsageError(fmt::format("the token file {} ({}) is not a regular file", path, named_by));
  }
  if ((status.st_mode & 0077) != 0) {
    throw UsageError(fmt::format("the token file {} ({}) may be read by others (mode {:04o}); "
                                 "run 'chmod 600 {}' first",
                                 path, named_by, status.st_mode & 07777, path));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) {
    throw InputError(fmt::format("cannot read the token file {} ({})", path, named_by));
  }
  std::string token = trim(text.str());
  if (token.empty()) {
    throw UsageError(fmt::format("the token file {} ({}) is empty", path, named_by));
  }
  return token;
}

void check_readable(const Setting& setting, std::string_view key) {
  if (setting.value.empty()) {
    return;
  }
  std::ifstream in(setting.value, std::ios::binary);
  if (!in || fs::is_directory(setting.value)) {
    throw UsageError(fmt::format("cannot read {} '{}'", where(setting, key), setting.value));
  }
}

source::JaegerApi parse_api(const Setting& setting) {
  if (setting.value == "auto") {
    return source::JaegerApi::automatic;
  }
  if (setting.value == "v3") {
    return source::JaegerApi::v3;
  }
  if (setting.value == "legacy") {
    return source::JaegerApi::legacy;
  }
  throw_bad_choice(where(setting, "api"), setting.value, {"auto", "v3", "legacy"});
}

// A whole number from 1 to `max`; `what` names its unit in the message.
int parse_count(const Setting& setting, std::string_view key, int max, std::string_view what) {
  int count = 0;
  const auto& text = setting.value;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (error != std::errc() || end != text.data() + text.size() || count < 1 || count > max) {
    throw UsageError(fmt::format("invalid {} '{}': expected {} from 1 to {}", where(setting, key),
                                 text, what, max));
  }
  return count;
}

int parse_search_depth(const Setting& setting) {
  return parse_count(setting, "search-depth", k_max_search_depth, "a whole number");
}

// Seconds as a number ("30", "2.5") or a duration ("90s", "2m").
std::chrono::milliseconds parse_timeout(const Setting& setting) {
  const auto& text = setting.value;
  double seconds = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  std::optional<std::int64_t> ns;
  if (error == std::errc() && end == text.data() + text.size()) {
    if (seconds > 0 && seconds <= 86'400) {
      ns = static_cast<std::int64_t>(seconds * 1e9);
    }
  } else {
    ns = util::parse_duration(text);
  }
  if (!ns || *ns < 1'000'000 || *ns > 86'400 * util::k_ns_per_second) {
    throw UsageError(fmt::format("invalid {} '{}': expected seconds such as 30 or 2.5 (at "
                                 "least 1 ms, at most a day)",
                                 where(setting, "timeout"), text));
  }
  return std::chrono::milliseconds(*ns / 1'000'000);
}

// Requests in flight at once. 1 is for a Jaeger whose memory store hands the same trace
// to concurrent queries, whose adjusters then tear it (v2.13, jaegertracing/jaeger#7986).
std::size_t parse_parallel(const Setting& setting) {
  return static_cast<std::size_t>(
      parse_count(setting, "parallel", k_max_parallel, "a number of requests"));
}

} // namespace

std::string_view to_string(Origin origin) noexcept {
  switch (origin) {
  case Origin::config_file:
    return "config file";
  case Origin::environment:
    return "environment";
  case Origin::command_line:
    return "command line";
  case Origin::built_in:
    break;
  }
  return "default";
}

std::optional<std::string> environment_variable(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    return std::nullopt;
  }
  return std::string(value);
}

ConfigFile ConfigFile::load(const fs::path& path, std::string_view command,
                            const std::vector<std::string>& keys) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) {
    throw InputError(fmt::format("cannot read config file {}: not a regular file", path.string()));
  }
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigTOML().from_file(path.string());
  } catch (const CLI::Error& e) {
    throw InputError(fmt::format("cannot read config file {}: {}", path.string(), e.what()));
  }

  ConfigFile file;
  file.m_path = path;
  std::map<std::string, std::string, std::less<>> section_values;
  for (const auto& item : items) {
    // CLI11 marks where a section opens and closes with these names.
    if (item.name == "++" || item.name == "--") {
      continue;
    }
    const bool top_level = item.parents.empty();
    if (!top_level && !(item.parents.size() == 1 && item.parents.front() == command)) {
      continue; // another command's section
    }
    std::string key = item.name;
    std::replace(key.begin(), key.end(), '_', '-');
    if (key == "token") {
      throw UsageError(fmt::format("config file {}: {}", path.string(), k_token_hint));
    }
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      std::string message = fmt::format("config file {}: unknown key '{}'", path.string(),
                                        printable(item.fullname(), 100));
      if (auto near = util::closest_name(key, keys); !near.empty()) {
        message += " (did you mean '" + near + "'?)";
      }
      throw UsageError(message);
    }
    if (item.inputs.size() != 1) {
      throw UsageError(fmt::format("config file {}: '{}' takes one value, not {}", path.string(),
                                   item.fullname(), item.inputs.size()));
    }
    (top_level ? file.m_values : section_values)[key] = item.inputs.front();
  }
  for (auto& [key, value] : section_values) {
    file.m_values[key] = std::move(value);
  }
  return file;
}

std::optional<std::string> ConfigFile::value(std::string_view key) const {
  if (auto it = m_values.find(key); it != m_values.end()) {
    return it->second;
  }
  return std::nullopt;
}

Setting resolve_setting(const std::optional<std::string>& command_line, std::string_view option,
                        const std::vector<const char*>& variables, const ConfigFile& config,
                        std::string fallback) {
  if (command_line) {
    return {*command_line, Origin::command_line, std::string(option)};
  }
  for (const char* variable : variables) {
    if (auto value = environment_variable(variable)) {
      return {std::move(*value), Origin::environment, variable};
    }
  }
  std::string_view key = option;
  while (!key.empty() && key.front() == '-') {
    key.remove_prefix(1);
  }
  if (auto value = config.value(key)) {
    return {std::move(*value), Origin::config_file, config.path().string()};
  }
  return {std::move(fallback), Origin::built_in, {}};
}

Setting resolve_setting(const std::optional<std::string>& command_line, std::string_view option,
                        const std::vector<const char*>& variables, std::string fallback) {
  return resolve_setting(command_line, option, variables, ConfigFile{}, std::move(fallback));
}

void check_url(const Setting& setting, std::string_view key) {
  const std::string& url = setting.value;
  std::string_view rest;
  for (std::string_view scheme : {"http://", "https://"}) {
    if (url.size() > scheme.size() &&
        std::equal(scheme.begin(), scheme.end(), url.begin(), [](char a, char b) {
          return a == std::tolower(static_cast<unsigned char>(b));
        })) {
      rest = std::string_view(url).substr(scheme.size());
    }
  }
  const bool has_host = !rest.empty() && rest.front() != '/' && rest.front() != ':';
  const bool has_space = std::any_of(url.begin(), url.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F;
  });
  if (!has_host || has_space) {
    const std::string named =
        setting.origin == Origin::command_line || setting.origin == Origin::environment
            ? setting.source
            : where(setting, key);
    throw UsageError("invalid " + named + " '" + source::redact_url(url) +
                     "': expected an http:// or https:// URL such as http://localhost:16686");
  }
}

bool use_color(bool no_color_option) {
  if (no_color_option || environment_variable("NO_COLOR")) {
    return false;
  }
  if (const auto term = environment_variable("TERM"); term && *term == "dumb") {
    return false;
  }
  return ::isatty(STDOUT_FILENO) == 1;
}

const std::vector<std::string>& config_keys() {
  static const std::vector<std::string> keys = {
      "jaeger",  "ui-url",   "api",     "search-depth", "token-file", "ca-file", "cert", "key",
      "timeout", "parallel", "verbose", "lifecycle",    "cache",      "lang",    "tz"};
  return keys;
}

EffectiveSettings resolve_settings(const CommonOptions& options, std::string_view command) {
  EffectiveSettings settings;
  settings.config =
      resolve_setting(options.config, "--config", {"ORDERTRACE_CONFIG"}, default_config_path());
  ConfigFile file;
  if (!settings.config.value.empty()) {
    std::error_code error;
    if (fs::exists(settings.config.value, error)) {
      file = ConfigFile::load(settings.config.value, command, config_keys());
      settings.config_found = true;
    } else if (settings.config.origin != Origin::built_in) {
      throw UsageError(fmt::format("config file {} ({}) does not exist", settings.config.value,
                                   settings.config.source));
    }
  }

  settings.jaeger = resolve_setting(options.jaeger, "--jaeger", {"ORDERTRACE_JAEGER_URL"}, file,
                                    std::string(source::JaegerOptions{}.base_url));
  settings.ui_url = resolve_setting(options.ui_url, "--ui-url", {"ORDERTRACE_UI_URL"}, file, {});
  if (settings.ui_url.origin == Origin::built_in) {
    settings.ui_url = settings.jaeger;
    settings.ui_url_is_jaeger = true;
  }
  settings.api = resolve_setting(options.api, "--api", {}, file, "auto");
  settings.search_depth = resolve_setting(options.search_depth, "--search-depth", {}, file,
                                          std::to_string(source::JaegerOptions{}.search_depth));
  settings.ca_file = path_setting(options.ca_file, "--ca-file", {}, file);
  settings.cert = path_setting(options.cert, "--cert", {}, file);
  settings.key = path_setting(options.key, "--key", {}, file);
  settings.timeout =
      resolve_setting(options.timeout, "--timeout", {}, file,
                      std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                         source::k_default_total_timeout)
                                         .count()));
  settings.parallel = resolve_setting(options.parallel, "--parallel", {}, file,
                                      std::to_string(source::k_default_max_in_flight));
  settings.lifecycle =
      path_setting(options.lifecycle, "--lifecycle", {"ORDERTRACE_LIFECYCLE"}, file);

  // The cache: --no-cache wins over every place that names a file.
  if (options.no_cache) {
    settings.cache = {{}, Origin::command_line, "--no-cache"};
  } else {
    settings.cache = path_setting(options.cache, "--cache", {"ORDERTRACE_CACHE"}, file);
    if (settings.cache.origin == Origin::built_in) {
      settings.cache.value = cache::default_cache_path().string();
    } else if (settings.cache.value == "off" ||
               (settings.cache.origin == Origin::config_file && file.value("cache") == "off")) {
      settings.cache.value.clear(); // cache = "off" in a config file, ORDERTRACE_CACHE=off
    }
  }

  if (options.verbose) {
    settings.verbose = {"true", Origin::command_line, "--verbose"};
  } else if (auto text = file.value("verbose")) {
    const auto verbose = parse_bool(*text);
    if (!verbose) {
      throw UsageError(fmt::format("config file {}: invalid verbose '{}': expected true or false",
                                   file.path().string(), *text));
    }
    settings.verbose = {*verbose ? "true" : "false", Origin::config_file, file.path().string()};
  } else {
    settings.verbose = {"false", Origin::built_in, {}};
  }

  // The language: like gettext, the first of LC_ALL, LC_MESSAGES and LANG that is set
  // decides; a C or POSIX locale (a system default, not a person's choice) decides nothing.
  settings.lang = resolve_setting(options.lang, "--lang", {}, file, "en");
  if (!options.lang) {
    for (const char* variable : report::k_locale_variables) {
      if (auto locale = environment_variable(variable)) {
        if (report::locale_names_language(*locale)) {
          settings.lang = {std::string(to_string(report::language_of_locale(*locale))),
                           Origin::environment, std::string(variable) + "=" + *locale};
        }
        break;
      }
    }
  }
  settings.tz = resolve_setting(options.tz, "--tz", {"TZ"}, file, "UTC");

  // The token: --token-file, then ORDERTRACE_TOKEN (the token itself), then the config
  // file's token-file.
  if (options.token_file) {
    settings.token = {read_token_file(*options.token_file, "--token-file"), Origin::command_line,
                      "--token-file " + *options.token_file};
  } else if (auto token = environment_variable("ORDERTRACE_TOKEN")) {
    settings.token = {trim(*token), Origin::environment, "ORDERTRACE_TOKEN"};
  } else if (file.value("token-file")) {
    const Setting path = path_setting(std::nullopt, "--token-file", {}, file);
    settings.token = {read_token_file(path.value, "token-file in config file " + path.source),
                      Origin::config_file, path.source + " (token-file " + path.value + ")"};
  }
  return settings;
}

Localization localization(const EffectiveSettings& settings, std::ostream& err) {
  Localization out;
  if (const auto language = report::parse_language(settings.lang.value)) {
    out.language = *language;
  } else {
    throw_bad_choice(where(settings.lang, "lang"), settings.lang.value, report::language_names());
  }
  if (auto zone = util::TimeZone::find(settings.tz.value)) {
    out.zone = *zone;
  } else if (settings.tz.origin == Origin::environment) {
    err << "ordertrace: warning: unknown time zone TZ='" << settings.tz.value
        << "' in the environment; times are shown in UTC\n";
  } else {
    throw UsageError(fmt::format("unknown time zone {} '{}': expected a name of the tz database "
                                 "such as Europe/Moscow or UTC",
                                 where(settings.tz, "tz"), settings.tz.value));
  }
  return out;
}

source::JaegerOptions jaeger_options(const EffectiveSettings& settings,
                                     std::vector<std::string> services) {
  check_url(settings.jaeger, "jaeger");
  source::JaegerOptions options;
  options.base_url = settings.jaeger.value;
  options.api = parse_api(settings.api);
  options.search_depth = parse_search_depth(settings.search_depth);
  options.services = std::move(services);
  if (!settings.token.value.empty()) {
    options.token = settings.token.value;
  }
  return options;
}

source::HttpOptions http_options(const EffectiveSettings& settings,
                                 std::function<void(const std::string&)> trace) {
  source::HttpOptions options;
  options.total_timeout = parse_timeout(settings.timeout);
  options.connect_timeout = std::min(options.connect_timeout, options.total_timeout);
  options.max_in_flight = parse_parallel(settings.parallel);
  check_readable(settings.ca_file, "ca-file");
  check_readable(settings.cert, "cert");
  check_readable(settings.key, "key");
  if (!settings.key.value.empty() && settings.cert.value.empty()) {
    throw UsageError(
        fmt::format("{} needs a client certificate too (--cert)", where(settings.key, "key")));
  }
  options.ca_file = settings.ca_file.value;
  options.cert_file = settings.cert.value;
  options.key_file = settings.key.value;
  options.trace = std::move(trace);
  return options;
}

void write_settings(std::ostream& out, const EffectiveSettings& settings) {
  struct Row {
    std::string_view name;
    std::string value;
    std::string origin;
  };
  const auto origin = [](const Setting& setting, std::string_view note = {}) {
    std::string text(to_string(setting.origin));
    if (!setting.source.empty()) {
      text += " " + setting.source;
    }
    if (!note.empty()) {
      text += " (" + std::string(note) + ")";
    }
    return text;
  };
  const auto shown = [](const std::string& value) {
    return value.empty() ? "-" : value;
  };

  std::vector<Row> rows;
  rows.push_back({"config", shown(settings.config.value),
                  origin(settings.config, settings.config.value.empty() ? ""
                                          : settings.config_found       ? "read"
                                                                        : "not found")});
  rows.push_back({"jaeger", source::redact_url(settings.jaeger.value), origin(settings.jaeger)});
  rows.push_back({"ui-url", source::redact_url(settings.ui_url.value),
                  origin(settings.ui_url, settings.ui_url_is_jaeger ? "the Jaeger URL" : "")});
  rows.push_back({"api", settings.api.value, origin(settings.api)});
  rows.push_back({"search-depth", settings.search_depth.value, origin(settings.search_depth)});
  rows.push_back({"token", settings.token.value.empty() ? "-" : "***", origin(settings.token)});
  rows.push_back(
      {"ca-file", shown(settings.ca_file.value),
       origin(settings.ca_file, settings.ca_file.value.empty() ? "system trust store" : "")});
  rows.push_back({"cert", shown(settings.cert.value), origin(settings.cert)});
  rows.push_back({"key", shown(settings.key.value), origin(settings.key)});
  rows.push_back({"timeout", settings.timeout.value, origin(settings.timeout, "seconds")});
  rows.push_back({"parallel", settings.parallel.value, origin(settings.parallel, "requests")});
  rows.push_back({"verbose", settings.verbose.value, origin(settings.verbose)});
  rows.push_back({"lifecycle", shown(settings.lifecycle.value),
                  origin(settings.lifecycle, settings.lifecycle.value.empty() ? "built in" : "")});
  rows.push_back({"cache", shown(settings.cache.value),
                  origin(settings.cache, settings.cache.value.empty() ? "off" : "")});
  rows.push_back({"lang", settings.lang.value, origin(settings.lang)});
  rows.push_back(
      {"tz", settings.tz.value,
       origin(settings.tz,
              util::TimeZone::find(settings.tz.value) ? "" : "unknown zone: UTC is used")});

  std::size_t name_width = 0;
  std::size_t value_width = 0;
  for (const auto& row : rows) {
    name_width = std::max(name_width, row.name.size());
    value_width = std::max(value_width, row.value.size());
  }
  for (const auto& row : rows) {
    out << fmt::format("{:<{}}  {:<{}}  {}\n", row.name, name_width, row.value, value_width,
                       row.origin);
  }
}

} // namespace ordertrace::app

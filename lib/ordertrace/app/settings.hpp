#pragma once
// Layered settings of the commands, in the order of cli.md: built-in default < config
// file < environment < command line. Each value remembers where it came from, so that
// `config show` can print it.
//
// CLI11 reads the config file (its TOML reader, long option names as keys), but the
// layering is done here: CLI11 applies an option's environment variable only when the
// option has no value yet, so a value from the config file would beat the environment.

#include <ordertrace/report/messages.hpp>
#include <ordertrace/source/http_transport.hpp>
#include <ordertrace/source/jaeger_client.hpp>
#include <ordertrace/util/time_zone.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace ordertrace::app {

enum class Origin { built_in, config_file, environment, command_line };
// "default", "config file", "environment", "command line".
std::string_view to_string(Origin origin) noexcept;

struct Setting {
  std::string value;
  Origin origin = Origin::built_in;
  // The option, variable or config key the value came from ("--ui-url",
  // "ORDERTRACE_UI_URL", "/home/u/.config/ordertrace/config.toml: ui-url"); empty for a
  // built-in default.
  std::string source;
};

// A variable of the environment as the tool reads one: unset and empty are both nullopt.
std::optional<std::string> environment_variable(const char* name);

// The values of a config file, keyed by long option name without "--".
class ConfigFile {
public:
  // No file: every value() is nullopt.
  ConfigFile() = default;

  // Reads `path` with CLI11's config reader ("key = value" lines, TOML quoting, '#'
  // comments). Top-level keys apply to every command; keys in a section named after a
  // command ("[show]") apply to that command only and win over the top level; other
  // sections are ignored. Throws InputError when the file cannot be read or parsed,
  // UsageError naming the file for a key that is not in `keys` (with "did you mean").
  static ConfigFile load(const std::filesystem::path& path, std::string_view command,
                         const std::vector<std::string>& keys);

  const std::filesystem::path& path() const noexcept { return m_path; }
  // The value of `key`, or nullopt when the file does not set it.
  std::optional<std::string> value(std::string_view key) const;

private:
  std::filesystem::path m_path;
  std::map<std::string, std::string, std::less<>> m_values;
};

// The first of `command_line` (given with option name `option`), the non-empty
// environment variables in `variables` (most specific first), the config file's value
// under `option` without its dashes, and `fallback`.
Setting resolve_setting(const std::optional<std::string>& command_line, std::string_view option,
                        const std::vector<const char*>& variables, const ConfigFile& config,
                        std::string fallback);
// The same without a config file.
Setting resolve_setting(const std::optional<std::string>& command_line, std::string_view option,
                        const std::vector<const char*>& variables, std::string fallback);

// Checks that `setting` is an http:// or https:// URL with a host and no spaces.
// Throws UsageError naming the option or variable it came from (the config key `key`
// when it came from a config file).
void check_url(const Setting& setting, std::string_view key = "url");

// Whether the text report may use ANSI colours: stdout is a terminal, NO_COLOR is unset
// or empty (no-color.org), TERM is not "dumb", and --no-color was not given.
bool use_color(bool no_color_option);

// What the command line gave for the options every Jaeger-reading command shares;
// nullopt (false) when not given. Filled by app::run.
struct CommonOptions {
  std::optional<std::string> config;       // --config FILE
  std::optional<std::string> jaeger;       // --jaeger URL
  std::optional<std::string> ui_url;       // --ui-url URL
  std::optional<std::string> api;          // --api auto|v3|legacy
  std::optional<std::string> search_depth; // --search-depth N
  std::optional<std::string> token_file;   // --token-file FILE
  std::optional<std::string> ca_file;      // --ca-file FILE
  std::optional<std::string> cert;         // --cert FILE
  std::optional<std::string> key;          // --key FILE
  std::optional<std::string> timeout;      // --timeout SECONDS
  std::optional<std::string> parallel;     // --parallel N
  std::optional<std::string> lifecycle;    // --lifecycle FILE
  std::optional<std::string> cache;        // --cache FILE
  std::optional<std::string> lang;         // --lang en|ru
  std::optional<std::string> tz;           // --tz ZONE
  bool no_cache = false;                   // --no-cache
  bool verbose = false;                    // --verbose
};

// The keys a config file may set: the long names of the options in CommonOptions
// except config itself.
const std::vector<std::string>& config_keys();

// Every shared setting with its origin. Text as given; see jaeger_options() and
// http_options() for the checked, typed values.
struct EffectiveSettings {
  Setting config; // the config file's path; value empty when there is none
  bool config_found = false;
  Setting jaeger;
  Setting ui_url;                // defaults to the Jaeger URL, origin included
  bool ui_url_is_jaeger = false; // no ui-url was set
  Setting api;
  Setting search_depth;
  Setting token; // the token itself: never print value
  Setting ca_file;
  Setting cert;
  Setting key;
  Setting timeout;
  Setting parallel; // HTTP requests in flight at once
  Setting verbose;  // "true" or "false"
  Setting lifecycle;
  // The order cache's file; value empty when the cache is off (--no-cache, or no HOME).
  Setting cache;
  // Language of the text outputs: "en" or "ru" as given by --lang or the config file, or as
  // read from LC_ALL, LC_MESSAGES or LANG (the first set; source "LANG=ru_RU.UTF-8"). A C
  // or POSIX locale names no language and leaves the choice to the config file.
  Setting lang;
  // Time zone of the text outputs (--tz, TZ, config tz); default UTC.
  Setting tz;
};

// The language and time zone the text outputs are written in.
struct Localization {
  report::Language language = report::Language::en;
  util::TimeZone zone; // UTC
};

// The checked --lang and --tz. Throws UsageError naming the value and where it came from for
// a language other than en and ru, or a zone the tz database does not know, from the command
// line or the config file; an unknown TZ in the environment is no error: UTC is used and
// one line saying so goes to `err`.
Localization localization(const EffectiveSettings& settings, std::ostream& err);

// Resolves every shared setting for `command` ("show"): finds and reads the config file
// (--config, ORDERTRACE_CONFIG, else ${XDG_CONFIG_HOME:-~/.config}/ordertrace/config.toml
// when it exists) and reads the token file when one is named. Throws UsageError for a
// config file that was named but is missing, an unknown key, a bad boolean, and a token
// file that others may read (mode other than 0600/0400) or that is empty; InputError
// for a file that cannot be read. Never puts the token in a message.
EffectiveSettings resolve_settings(const CommonOptions& options, std::string_view command);

// The checked Jaeger client options; `services` are the services to search. Throws
// UsageError naming the setting's origin for a bad URL, --api or --search-depth.
source::JaegerOptions jaeger_options(const EffectiveSettings& settings,
                                     std::vector<std::string> services);

// The checked transport options (timeout, requests in flight, TLS files). `trace`, when set,
// receives one redacted line per HTTP request (--verbose). Throws UsageError for a bad --timeout, a
// TLS file that cannot be read, a --parallel outside 1-64, or --key without --cert.
source::HttpOptions http_options(const EffectiveSettings& settings,
                                 std::function<void(const std::string&)> trace);

// `config show`: one line per setting, "name  value  origin", the token masked as ***.
void write_settings(std::ostream& out, const EffectiveSettings& settings);

} // namespace ordertrace::app

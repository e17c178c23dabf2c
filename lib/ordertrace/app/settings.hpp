#pragma once
// Layered settings of the command line: built-in default < environment < command line
// (cli.md; a config file will slot in between default and environment). Each value
// remembers where it came from, so that `config show` can print it later.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ordertrace::app {

enum class Origin { built_in, environment, command_line };
// "default", "environment", "command line".
std::string_view to_string(Origin origin) noexcept;

struct Setting {
  std::string value;
  Origin origin = Origin::built_in;
  // The option or variable the value came from ("--ui-url", "ORDERTRACE_UI_URL"); empty
  // for a built-in default.
  std::string source;
};

// A variable of the environment as the tool reads one: unset and empty are both nullopt.
std::optional<std::string> environment_variable(const char* name);

// The first of `command_line` (given with option name `option`), the non-empty
// environment variables in `variables` (most specific first), and `fallback`.
Setting resolve_setting(const std::optional<std::string>& command_line, std::string_view option,
                        const std::vector<const char*>& variables, std::string fallback);

// Checks that `setting` is an http:// or https:// URL with a host and no spaces.
// Throws UsageError naming the option or variable it came from.
void check_url(const Setting& setting);

// Whether the text report may use ANSI colours: stdout is a terminal, NO_COLOR is unset
// or empty (no-color.org), TERM is not "dumb", and --no-color was not given.
bool use_color(bool no_color_option);

} // namespace ordertrace::app

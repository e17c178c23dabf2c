#include <ordertrace/app/settings.hpp>
#include <ordertrace/util/error.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <unistd.h>

namespace ordertrace::app {

std::string_view to_string(Origin origin) noexcept {
  switch (origin) {
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

Setting resolve_setting(const std::optional<std::string>& command_line, std::string_view option,
                        const std::vector<const char*>& variables, std::string fallback) {
  if (command_line) {
    return {*command_line, Origin::command_line, std::string(option)};
  }
  for (const char* variable : variables) {
    if (auto value = environment_variable(variable)) {
      return {std::move(*value), Origin::environment, variable};
    }
  }
  return {std::move(fallback), Origin::built_in, {}};
}

void check_url(const Setting& setting) {
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
    const std::string where = setting.source.empty() ? "the default URL" : setting.source;
    throw UsageError("invalid " + where + " '" + url +
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

} // namespace ordertrace::app

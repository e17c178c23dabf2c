// test::run_process isolates the programs it runs from the environment of whoever runs the
// tests: a developer's own ORDERTRACE_* variables, NO_COLOR and config file never reach them,
// unless the test names the variable itself.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

#include "support/run_process.hpp"

namespace ordertrace {
namespace {

namespace fs = std::filesystem;
using test::ProcessResult;
using test::TempDir;

// Sets a variable of this test process for one scope, as a developer's shell would have
// it set, and restores the previous value after (all tests may share one process).
class HostVariable {
public:
  HostVariable(std::string name, const std::string& value) : m_name(std::move(name)) {
    if (const char* previous = std::getenv(m_name.c_str())) {
      m_previous = previous;
    }
    ::setenv(m_name.c_str(), value.c_str(), 1);
  }
  ~HostVariable() {
    if (m_previous) {
      ::setenv(m_name.c_str(), m_previous->c_str(), 1);
    } else {
      ::unsetenv(m_name.c_str());
    }
  }
  HostVariable(const HostVariable&) = delete;
  HostVariable& operator=(const HostVariable&) = delete;

private:
  std::string m_name;
  std::optional<std::string> m_previous;
};

// The value of `name` in the output of env(1), or nullopt when it is not set.
std::optional<std::string> variable(const std::string& env_output, const std::string& name) {
  std::istringstream lines(env_output);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(name + "=", 0) == 0) {
      return line.substr(name.size() + 1);
    }
  }
  return std::nullopt;
}

// The value column of the row of `config show` for `name`.
std::string shown_value(const std::string& out, const std::string& name) {
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string first;
    std::string value;
    fields >> first >> value;
    if (first == name) {
      return value;
    }
  }
  ADD_FAILURE() << "no " << name << " in:\n" << out;
  return {};
}

// A config folder of the host with a config file that names its own Jaeger.
struct HostConfig {
  TempDir dir;
  HostConfig() {
    fs::create_directories(dir.path() / "ordertrace");
    dir.write("ordertrace/config.toml", "jaeger = \"http://from-host-config:16686\"\n");
  }
};

TEST(IsolatedEnvironment, HostVariablesAreRemovedUnlessTheTestNamesThem) {
  const HostConfig host_config;
  const HostVariable url("ORDERTRACE_JAEGER_URL", "http://from-host-environment:16686");
  const HostVariable unknown("ORDERTRACE_NOT_YET_INVENTED", "host");
  const HostVariable no_color("NO_COLOR", "1");
  const HostVariable config_home("XDG_CONFIG_HOME", host_config.dir.path().string());
  const HostVariable other("ORDERTRACE_ISOLATION_TEST_OTHER", "host");

  const ProcessResult isolated = test::run_process({"/usr/bin/env"});
  ASSERT_EQ(isolated.exit_code, 0) << isolated.err;
  EXPECT_EQ(isolated.out.find("ORDERTRACE_"), std::string::npos) << isolated.out;
  EXPECT_EQ(variable(isolated.out, "NO_COLOR"), std::nullopt);
  const auto fresh_config_home = variable(isolated.out, "XDG_CONFIG_HOME");
  ASSERT_TRUE(fresh_config_home) << isolated.out;
  EXPECT_NE(*fresh_config_home, host_config.dir.path().string());
  EXPECT_TRUE(fs::is_directory(*fresh_config_home));
  EXPECT_TRUE(fs::is_empty(*fresh_config_home));
  EXPECT_NE(variable(isolated.out, "XDG_CACHE_HOME"), *fresh_config_home);
  EXPECT_TRUE(variable(isolated.out, "PATH")) << "the rest of the environment is passed on";

  // What a test names is what the program gets: a value, or the host's variable removed.
  const ProcessResult named = test::run_process(
      {"/usr/bin/env"}, test::with_env({{"ORDERTRACE_JAEGER_URL", "http://from-the-test:1"},
                                        {"NO_COLOR", "1"},
                                        {"XDG_CONFIG_HOME", std::nullopt}}));
  ASSERT_EQ(named.exit_code, 0) << named.err;
  EXPECT_EQ(variable(named.out, "ORDERTRACE_JAEGER_URL"), "http://from-the-test:1");
  EXPECT_EQ(variable(named.out, "ORDERTRACE_ISOLATION_TEST_OTHER"), std::nullopt);
  EXPECT_EQ(variable(named.out, "NO_COLOR"), "1");
  EXPECT_EQ(variable(named.out, "XDG_CONFIG_HOME"), std::nullopt);
}

TEST(IsolatedEnvironment, ConfigShowSeesNeitherTheHostsVariablesNorItsConfigFile) {
  const HostConfig host_config;
  const HostVariable url("ORDERTRACE_JAEGER_URL", "http://from-host-environment:16686");
  const HostVariable token("ORDERTRACE_TOKEN", "host-secret-token");
  const HostVariable config_home("XDG_CONFIG_HOME", host_config.dir.path().string());

  const ProcessResult shown = test::run_process({ORDERTRACE_BINARY, "config", "show"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(shown_value(shown.out, "jaeger"), "http://localhost:16686") << shown.out;
  EXPECT_EQ(shown_value(shown.out, "token"), "-") << shown.out;
  EXPECT_EQ(shown.out.find("from-host"), std::string::npos) << shown.out;
  EXPECT_EQ(shown.out.find(host_config.dir.path().string()), std::string::npos) << shown.out;

  // Named by the test, the host's config folder is read again.
  const ProcessResult configured =
      test::run_process({ORDERTRACE_BINARY, "config", "show"},
                        test::with_env({{"XDG_CONFIG_HOME", host_config.dir.path().string()}}));
  ASSERT_EQ(configured.exit_code, 0) << configured.err;
  EXPECT_EQ(shown_value(configured.out, "jaeger"), "http://from-host-config:16686")
      << configured.out;
}

} // namespace
} // namespace ordertrace

// The Jaeger options of `show` and `config show` as a user meets them, without a Jaeger:
// the layering of cli.md (defaults < config file < environment < command line), the
// masked token, and every bad value refused with exit 2 before a request is sent.

#include <gtest/gtest.h>

#include <sstream>
#include <sys/stat.h>

#include "support/fake_http_server.hpp"
#include "support/run_process.hpp"

namespace ordertrace {
namespace {

using test::ProcessOptions;
using test::ProcessResult;
using test::TempDir;

ProcessResult ordertrace(std::vector<std::string> args, const ProcessOptions& options) {
  args.insert(args.begin(), ORDERTRACE_BINARY);
  return test::run_process(args, options);
}

struct ShownSetting {
  std::string value;
  std::string origin; // "default", "environment ORDERTRACE_JAEGER_URL", ...
};

// The row of `config show` for `name`: "name  value  origin", columns padded with spaces.
ShownSetting shown(const std::string& out, const std::string& name) {
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string first;
    ShownSetting setting;
    fields >> first >> setting.value;
    if (first != name) {
      continue;
    }
    std::getline(fields >> std::ws, setting.origin);
    return setting;
  }
  ADD_FAILURE() << "no " << name << " in:\n" << out;
  return {};
}

void expect_usage_error(const ProcessResult& r, const std::string& fragment) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  const auto first_line = r.err.substr(0, r.err.find('\n'));
  EXPECT_EQ(first_line.rfind("ordertrace: error: ", 0), 0U) << r.err;
  EXPECT_NE(first_line.find(fragment), std::string::npos) << "wanted: " << fragment << "\n"
                                                          << r.err;
  EXPECT_EQ(r.out, "");
}

class JaegerOptionsCli : public ::testing::Test {
protected:
  // A config file at the default place: ${XDG_CONFIG_HOME}/ordertrace/config.toml.
  std::filesystem::path write_default_config(const std::string& text) const {
    std::filesystem::create_directories(m_dir.path() / "ordertrace");
    return m_dir.write("ordertrace/config.toml", text);
  }
  // The config home is the test's folder: no config file unless the test writes one there.
  ProcessOptions env(std::map<std::string, std::optional<std::string>> extra = {}) const {
    ProcessOptions options = test::with_env(std::move(extra));
    options.env.try_emplace("XDG_CONFIG_HOME", m_dir.path().string());
    return options;
  }

  TempDir m_dir;
};

TEST_F(JaegerOptionsCli, TopLevelHelpListsConfig) {
  const auto r = ordertrace({"--help"}, env());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("config"), std::string::npos) << r.out;
  const auto config = ordertrace({"config", "show", "--help"}, env());
  EXPECT_EQ(config.exit_code, 0) << config.err;
  EXPECT_NE(config.out.find("--jaeger"), std::string::npos) << config.out;
}

TEST_F(JaegerOptionsCli, ConfigShowPrintsBuiltInDefaults) {
  const auto r = ordertrace({"config", "show"}, env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(shown(r.out, "jaeger").value, "http://localhost:16686");
  EXPECT_EQ(shown(r.out, "jaeger").origin, "default");
  EXPECT_EQ(shown(r.out, "ui-url").value, "http://localhost:16686");
  EXPECT_EQ(shown(r.out, "ui-url").origin, "default (the Jaeger URL)");
  EXPECT_EQ(shown(r.out, "api").value, "auto");
  EXPECT_EQ(shown(r.out, "search-depth").value, "100");
  EXPECT_EQ(shown(r.out, "timeout").value, "60");
  EXPECT_EQ(shown(r.out, "token").value, "-");
  EXPECT_EQ(shown(r.out, "verbose").value, "false");
  EXPECT_EQ(shown(r.out, "config").value, (m_dir.path() / "ordertrace" / "config.toml").string());
  EXPECT_EQ(shown(r.out, "config").origin, "default (not found)");
}

// cli.md: defaults < config file < environment < command line, checked one layer at a time.
TEST_F(JaegerOptionsCli, PrecedenceIsDefaultsThenConfigFileThenEnvironmentThenCommandLine) {
  const auto config = write_default_config("# the team's Jaeger\n"
                                           "jaeger = \"http://from-config:16686\"\n"
                                           "api = \"legacy\"\n"
                                           "search-depth = 250\n"
                                           "verbose = true\n");
  const std::string from_config = "config file " + config.string();

  const auto file = ordertrace({"config", "show"}, env());
  ASSERT_EQ(file.exit_code, 0) << file.err;
  EXPECT_EQ(shown(file.out, "config").origin, "default (read)");
  EXPECT_EQ(shown(file.out, "jaeger").value, "http://from-config:16686");
  EXPECT_EQ(shown(file.out, "jaeger").origin, from_config);
  EXPECT_EQ(shown(file.out, "ui-url").value, "http://from-config:16686");
  EXPECT_EQ(shown(file.out, "api").value, "legacy");
  EXPECT_EQ(shown(file.out, "search-depth").value, "250");
  EXPECT_EQ(shown(file.out, "verbose").value, "true");
  EXPECT_EQ(shown(file.out, "verbose").origin, from_config);
  EXPECT_EQ(shown(file.out, "timeout").origin, "default (seconds)");

  const auto environment = ordertrace(
      {"config", "show"}, env({{"ORDERTRACE_JAEGER_URL", "http://from-environment:16686"}}));
  ASSERT_EQ(environment.exit_code, 0) << environment.err;
  EXPECT_EQ(shown(environment.out, "jaeger").value, "http://from-environment:16686");
  EXPECT_EQ(shown(environment.out, "jaeger").origin, "environment ORDERTRACE_JAEGER_URL");
  EXPECT_EQ(shown(environment.out, "api").origin, from_config); // the rest still from the file

  const auto command_line =
      ordertrace({"config", "show", "--jaeger", "http://from-command-line:16686", "--api", "v3"},
                 env({{"ORDERTRACE_JAEGER_URL", "http://from-environment:16686"}}));
  ASSERT_EQ(command_line.exit_code, 0) << command_line.err;
  EXPECT_EQ(shown(command_line.out, "jaeger").value, "http://from-command-line:16686");
  EXPECT_EQ(shown(command_line.out, "jaeger").origin, "command line --jaeger");
  EXPECT_EQ(shown(command_line.out, "api").value, "v3");
  EXPECT_EQ(shown(command_line.out, "ui-url").value, "http://from-command-line:16686");
  EXPECT_EQ(shown(command_line.out, "search-depth").value, "250");
}

TEST_F(JaegerOptionsCli, ConfigFileComesFromTheOptionThenTheEnvironment) {
  write_default_config("jaeger = \"http://default-place:1\"\n");
  const auto named = m_dir.write("named.toml", "jaeger = \"http://named:2\"\n");
  // A [show] section is for `show` only and wins over the top level.
  const auto by_env = m_dir.write("by-env.toml", "jaeger = \"http://top-level:4\"\n"
                                                 "[show]\njaeger = \"http://by-env:3\"\n"
                                                 "[report]\njaeger = \"http://report:5\"\n");

  const auto env_file =
      ordertrace({"config", "show"}, env({{"ORDERTRACE_CONFIG", by_env.string()}}));
  ASSERT_EQ(env_file.exit_code, 0) << env_file.err;
  EXPECT_EQ(shown(env_file.out, "jaeger").value, "http://by-env:3");
  EXPECT_EQ(shown(env_file.out, "config").origin, "environment ORDERTRACE_CONFIG (read)");

  const auto option = ordertrace({"config", "show", "--config", named.string()},
                                 env({{"ORDERTRACE_CONFIG", by_env.string()}}));
  ASSERT_EQ(option.exit_code, 0) << option.err;
  EXPECT_EQ(shown(option.out, "jaeger").value, "http://named:2");
  EXPECT_EQ(shown(option.out, "config").origin, "command line --config (read)");

  const auto missing =
      ordertrace({"config", "show", "--config", "/nonexistent/ordertrace.toml"}, env());
  expect_usage_error(missing, "/nonexistent/ordertrace.toml");
}

TEST_F(JaegerOptionsCli, ConfigFileKeysAreCheckedAndTheTokenIsNeverOneOfThem) {
  const auto typo = m_dir.write("typo.toml", "jaegr = \"http://x:1\"\n");
  expect_usage_error(ordertrace({"config", "show", "--config", typo.string()}, env()),
                     "unknown key 'jaegr' (did you mean 'jaeger'?)");

  const auto token = m_dir.write("token.toml", "token = \"abc\"\n");
  const auto r = ordertrace({"config", "show", "--config", token.string()}, env());
  expect_usage_error(r, "token-file");
  EXPECT_EQ(r.err.find("abc"), std::string::npos) << r.err;

  const auto flag = m_dir.write("flag.toml", "verbose = maybe\n");
  expect_usage_error(ordertrace({"config", "show", "--config", flag.string()}, env()),
                     "verbose 'maybe'");
}

TEST_F(JaegerOptionsCli, ConfigShowMasksTheTokenWhereverItComesFrom) {
  const std::string secret = "tok-7f3a-secret";
  const auto from_env = ordertrace({"config", "show"}, env({{"ORDERTRACE_TOKEN", secret}}));
  ASSERT_EQ(from_env.exit_code, 0) << from_env.err;
  EXPECT_EQ(shown(from_env.out, "token").value, "***");
  EXPECT_EQ(shown(from_env.out, "token").origin, "environment ORDERTRACE_TOKEN");
  EXPECT_EQ(from_env.out.find(secret), std::string::npos) << from_env.out;

  // A relative token-file in a config file is relative to that file.
  const auto config = write_default_config("token-file = \"token\"\n");
  const auto token_file = m_dir.write("ordertrace/token", secret + "\n");
  ASSERT_EQ(::chmod(token_file.c_str(), 0600), 0);
  const auto from_file = ordertrace({"config", "show"}, env());
  ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
  EXPECT_EQ(shown(from_file.out, "token").value, "***");
  EXPECT_EQ(shown(from_file.out, "token").origin,
            "config file " + config.string() + " (token-file " + token_file.string() + ")");
  EXPECT_EQ(from_file.out.find(secret), std::string::npos) << from_file.out;

  // The environment beats the config file; the command line beats both.
  const auto env_over_file = ordertrace({"config", "show"}, env({{"ORDERTRACE_TOKEN", secret}}));
  EXPECT_EQ(shown(env_over_file.out, "token").origin, "environment ORDERTRACE_TOKEN");
  const auto other = m_dir.write("other-token", "other\n");
  ASSERT_EQ(::chmod(other.c_str(), 0400), 0);
  const auto option = ordertrace({"config", "show", "--token-file", other.string()},
                                 env({{"ORDERTRACE_TOKEN", secret}}));
  ASSERT_EQ(option.exit_code, 0) << option.err;
  EXPECT_EQ(shown(option.out, "token").origin, "command line --token-file " + other.string());
}

TEST_F(JaegerOptionsCli, BadValuesAreUsageErrorsBeforeAnyRequest) {
  test::FakeHttpServer server; // counts requests: none may arrive
  const auto show = [&](std::vector<std::string> more) {
    std::vector<std::string> args = {"show", "ORD-1", "--jaeger", server.url()};
    args.insert(args.end(), more.begin(), more.end());
    return ordertrace(args, env());
  };
  expect_usage_error(show({"--api", "v4"}), "invalid --api 'v4' (did you mean 'v3'?)");
  expect_usage_error(show({"--search-depth", "0"}), "invalid --search-depth '0'");
  expect_usage_error(show({"--search-depth", "ten"}), "invalid --search-depth 'ten'");
  expect_usage_error(show({"--timeout", "-1"}), "invalid --timeout '-1'");
  expect_usage_error(show({"--timeout", "soon"}), "invalid --timeout 'soon'");
  expect_usage_error(show({"--parallel", "0"}), "invalid --parallel '0'");
  expect_usage_error(show({"--parallel", "65"}), "invalid --parallel '65'");
  expect_usage_error(show({"--since", "yesterday"}), "invalid --since/--from 'yesterday'");
  expect_usage_error(show({"--until", "tomorrow"}), "invalid --until 'tomorrow'");
  expect_usage_error(show({"--since", "2026-08-21T00:00:00Z", "--until", "2026-08-20T00:00:00Z"}),
                     "empty search window");
  expect_usage_error(show({"--ca-file", "/nonexistent/ca.pem"}), "/nonexistent/ca.pem");
  expect_usage_error(show({"--key", m_dir.write("key.pem", "k").string()}), "--cert");
  expect_usage_error(ordertrace({"show", "ORD-1", "--jaeger", "localhost:16686"}, env()),
                     "invalid --jaeger 'localhost:16686'");
  expect_usage_error(ordertrace({"show", "ORD-1"}, env({{"ORDERTRACE_JAEGER_URL", "ftp://x"}})),
                     "ORDERTRACE_JAEGER_URL");
  const auto config = m_dir.write("bad.toml", "api = \"v9\"\n");
  expect_usage_error(show({"--config", config.string()}), "api in config file");
  EXPECT_EQ(server.request_count(), 0U);
}

TEST_F(JaegerOptionsCli, SourceFilesMeanNoHttpAtAll) {
  test::FakeHttpServer server;
  const auto traces = m_dir.write(
      "t.json", R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":)"
                R"({"stringValue":"shop-api"}}]},"scopeSpans":[{"spans":[{"traceId":)"
                R"("4bf92f3577b34da6a3ce929d0e0e4736","spanId":"1111111111111111","name":"c",)"
                R"("startTimeUnixNano":"1787220000000000000","endTimeUnixNano":)"
                R"("1787220000000001000","attributes":[{"key":"order.id","value":{"stringValue":)"
                R"("ORD-1"}},{"key":"order.status","value":{"stringValue":"INITIATED"}}]}]}]}]})");
  const auto r = ordertrace({"show", "ORD-1", "--source", traces.string(), "--jaeger", server.url(),
                             "--verbose", "--now", "2026-08-20T11:00:00Z"},
                            env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(server.request_count(), 0U);
  // Links still point at the Jaeger URL.
  EXPECT_NE(r.out.find(server.url() + "/trace/4bf92f3577b34da6a3ce929d0e0e4736"), std::string::npos)
      << r.out;
}

// --parallel bounds the searches in flight: 1 for a Jaeger that cannot take concurrent
// reads of one trace, the default lets them overlap.
TEST_F(JaegerOptionsCli, ParallelBoundsTheRequestsInFlight) {
  const auto searches_at_most = [&](std::vector<std::string> more) {
    test::FakeHttpServer server;
    server.on("/api/traces", [](const test::FakeRequest&) {
      auto response = test::FakeResponse::text(200, R"({"data":[]})", "application/json");
      response.delay_before_headers = std::chrono::milliseconds(50); // lets requests overlap
      return response;
    });
    std::vector<std::string> args = {"show",  "ORD-1",  "--jaeger", server.url(),
                                     "--api", "legacy", "--since",  "1d"};
    args.insert(args.end(), more.begin(), more.end());
    const auto r = ordertrace(args, env());
    EXPECT_EQ(r.exit_code, 4) << r.err; // nothing found
    EXPECT_GE(server.request_count(), 3U) << "one search per service at least";
    return server.max_concurrent_requests();
  };
  EXPECT_EQ(searches_at_most({"--parallel", "1"}), 1U);
  EXPECT_GE(searches_at_most({}), 2U);
  EXPECT_LE(searches_at_most({"--parallel", "2"}), 2U);
}

// One line per request on stderr, user and password of the URL never shown.
TEST_F(JaegerOptionsCli, VerboseLinesAndErrorsAreRedacted) {
  const test::RefusingPort closed;
  const std::string url = "http://ops:hunter2@127.0.0.1:" + std::to_string(closed.port());
  const auto r =
      ordertrace({"show", "ORD-1", "--jaeger", url, "--verbose", "--timeout", "2"}, env());
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_EQ(r.err.find("hunter2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("ordertrace: GET http://***@127.0.0.1:"), std::string::npos) << r.err;
  std::istringstream lines(r.err);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_EQ(line.rfind("ordertrace: ", 0), 0U) << line;
  }
}

} // namespace
} // namespace ordertrace

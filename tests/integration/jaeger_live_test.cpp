// `ordertrace show` against a real Jaeger (v2.13, memory storage), started by the CTest
// fixture jaeger_start (tests/CMakeLists.txt) and fed the OTLP scenarios over OTLP/HTTP.
// Each scenario must get the verdict, suspect and last state of the manifest, as it does
// from files; the errors of cli.md (exit 5 and 6) are checked against fakes of what sits
// in front of a Jaeger in the field.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/stat.h>

#include "support/fake_http_server.hpp"
#include "support/live_jaeger.hpp"
#include "support/run_process.hpp"

namespace ordertrace {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::ProcessOptions;
using test::ProcessResult;

const fs::path k_env_file = ORDERTRACE_JAEGER_ENV;
const fs::path k_source_dir = ORDERTRACE_SOURCE_DIR;
const fs::path k_scenario_dir = k_source_dir / "tests" / "data" / "scenarios";

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Scenario {
  std::string name; // gtest-safe: "01_lost_in_queue"
  fs::path file;
  json expected; // its manifest line
};

// gtest prints a parameter in test names and failures: the scenario's name says it all.
void PrintTo(const Scenario& scenario, std::ostream* out) {
  *out << scenario.name;
}

// The OTLP files of the scenarios (odd-numbered): exactly what OTLP/HTTP accepts.
std::vector<Scenario> otlp_scenarios() {
  std::vector<Scenario> scenarios;
  std::istringstream lines(read_text(k_scenario_dir / "manifest.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) {
      continue;
    }
    json expected = json::parse(line);
    const std::string file = expected["file"];
    if (file.find(".otlp.") == std::string::npos) {
      continue;
    }
    std::string name = file.substr(0, file.find('.'));
    std::replace_if(
        name.begin(), name.end(),
        [](char c) { return std::isalnum(static_cast<unsigned char>(c)) == 0; }, '_');
    scenarios.push_back({name, k_scenario_dir / file, std::move(expected)});
  }
  return scenarios;
}

std::string scenario_now() {
  std::string now = read_text(k_scenario_dir / "now.txt");
  while (!now.empty() && std::isspace(static_cast<unsigned char>(now.back()))) {
    now.pop_back();
  }
  return now;
}

// The fixture's Jaeger with every OTLP scenario in it, posted once per Jaeger process.
const test::LiveJaeger& jaeger() {
  static const test::LiveJaeger live = [] {
    auto found = test::read_live_jaeger(k_env_file);
    std::vector<fs::path> files;
    for (const auto& scenario : otlp_scenarios()) {
      files.push_back(scenario.file);
    }
    test::post_once(found, files, k_env_file.parent_path());
    return found;
  }();
  return live;
}

// One request at a time (after the subcommand): concurrent reads of one trace can tear it
// in Jaeger's memory store (tests/CMakeLists.txt, RESOURCE_LOCK live_jaeger).
ProcessResult ordertrace(std::vector<std::string> args, const ProcessOptions& options = {}) {
  if (!args.empty()) {
    args.insert(args.begin() + 1, {"--parallel", "1"});
  }
  args.insert(args.begin(), ORDERTRACE_BINARY);
  return test::run_process(args, options);
}

// `show ORDER --jaeger <live> --now <scenario now> --format json` and `more`.
ProcessResult show_live(const std::string& order_id, std::vector<std::string> more = {},
                        const ProcessOptions& options = {},
                        const std::string& now = scenario_now()) {
  std::vector<std::string> args = {"show",  order_id, "--jaeger", jaeger().url,
                                   "--now", now,      "--format", "json"};
  args.insert(args.end(), more.begin(), more.end());
  return ordertrace(args, options);
}

// show_live for a manifest line, under the lifecycle file and at the "now" the line names
// (a business calendar, a holidays file), else the defaults.
ProcessResult show_scenario(const json& expected, std::vector<std::string> more = {}) {
  if (expected.contains("lifecycle")) {
    more.insert(more.end(), {"--lifecycle",
                             (k_source_dir / expected["lifecycle"].get<std::string>()).string()});
  }
  return show_live(expected["order_id"], more, {}, expected.value("now", scenario_now()));
}

void expect_manifest_verdict(const ProcessResult& r, const json& expected) {
  const int exit_code = expected["verdict"] == "NOT_FOUND" ? 4 : 0;
  ASSERT_EQ(r.exit_code, exit_code) << r.err;
  const json report = json::parse(r.out);
  EXPECT_EQ(report["order_id"], expected["order_id"]);
  EXPECT_EQ(report["verdict"], expected["verdict"]) << report["reason"];
  EXPECT_EQ(report["suspect"], expected["suspect"]);
  if (expected["last_state"].is_null()) {
    EXPECT_TRUE(report["last_state"].is_null()) << report["last_state"];
  } else {
    EXPECT_EQ(report["last_state"]["state"], expected["last_state"]);
  }
}

// The stderr lines of --verbose that report a request ("ordertrace: GET <url> -> ...").
std::vector<std::string> request_lines(const std::string& err) {
  std::vector<std::string> lines;
  std::istringstream in(err);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("ordertrace: GET ", 0) == 0) {
      lines.push_back(line);
    }
  }
  return lines;
}

std::size_t first_index(const std::vector<std::string>& lines, const std::string& fragment) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find(fragment) != std::string::npos) {
      return i;
    }
  }
  return lines.size();
}

// ---- every OTLP scenario, by either search route ------------------------------------------

class JaegerScenario : public ::testing::TestWithParam<Scenario> {};

TEST_P(JaegerScenario, AutoDetectedRouteGivesTheManifestVerdict) {
  expect_manifest_verdict(show_scenario(GetParam().expected), GetParam().expected);
}

TEST_P(JaegerScenario, LegacyRouteGivesTheManifestVerdict) {
  expect_manifest_verdict(show_scenario(GetParam().expected, {"--api", "legacy"}),
                          GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(Otlp, JaegerScenario, ::testing::ValuesIn(otlp_scenarios()),
                         [](const ::testing::TestParamInfo<Scenario>& param) {
                           return param.param.name;
                         });

// ---- routes and windows ------------------------------------------------------------------

// Jaeger v2.13 answers an api_v3 search with every trace in the window (query.attributes
// is ignored before v2.19): auto spots a trace without the order id and asks legacy.
TEST(JaegerLive, AutoDetectsTheIgnoredApiV3FilterAndFallsBackToLegacy) {
  const auto r = show_live("ORD-2026-0101", {"--api", "auto", "--verbose"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = request_lines(r.err);
  const auto v3 = first_index(lines, "/api/v3/traces?");
  const auto legacy = first_index(lines, "/api/traces?service=");
  ASSERT_LT(v3, lines.size()) << r.err;
  ASSERT_LT(legacy, lines.size()) << r.err;
  EXPECT_LT(v3, legacy) << r.err;
  // Detected once: later windows go straight to legacy.
  EXPECT_EQ(
      std::count_if(lines.begin() + static_cast<std::ptrdiff_t>(legacy), lines.end(),
                    [](const std::string& l) { return l.find("/api/v3/") != std::string::npos; }),
      0)
      << r.err;
  const json report = json::parse(r.out);
  EXPECT_EQ(report["verdict"], "LOST");
  EXPECT_EQ(report["suspect"], "mes");
}

TEST(JaegerLive, ApiV3RefusesToGuessWhenTheFilterIsIgnored) {
  const auto r = show_live("ORD-2026-0101", {"--api", "v3"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_EQ(r.err.rfind("ordertrace: error: ", 0), 0U) << r.err;
  EXPECT_NE(r.err.find("ignores query.attributes"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--api legacy"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(jaeger().url), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

// The distinct `start=` values of the legacy searches for the order id (not the consumer
// searches, which start at a publish time).
std::set<std::string> legacy_window_starts(const std::string& err) {
  std::set<std::string> starts;
  for (const auto& line : request_lines(err)) {
    if (line.find("/api/traces?service=") == std::string::npos ||
        line.find("messaging") != std::string::npos) {
      continue;
    }
    const auto at = line.find("&start=");
    starts.insert(line.substr(at + 7, line.find('&', at + 7) - at - 7));
  }
  return starts;
}

// The abandoned cart began 10 days before "now": the windows of the last day, 1-3 d, 3-7 d
// and 7-30 d find it, and the 30-90 d one is never asked.
TEST(JaegerLive, GrowingWindowsStopOnceTheFirstStateIsFound) {
  const auto old = show_live("ORD-2026-0109", {"--api", "legacy", "--verbose"});
  ASSERT_EQ(old.exit_code, 0) << old.err;
  EXPECT_EQ(json::parse(old.out)["last_state"]["state"], "INITIATED");
  EXPECT_EQ(legacy_window_starts(old.err).size(), 4U) << old.err;

  // All of this order lies in the last day: one window is enough.
  const auto fresh = show_live("ORD-2026-0103", {"--api", "legacy", "--verbose"});
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_EQ(legacy_window_starts(fresh.err).size(), 1U) << fresh.err;

  // Not found: every window up to 90 days, then NOT_FOUND.
  const auto missing = show_live("ORD-2026-0131", {"--api", "legacy", "--verbose"});
  EXPECT_EQ(missing.exit_code, 4) << missing.err;
  EXPECT_EQ(legacy_window_starts(missing.err).size(), 5U) << missing.err;
}

TEST(JaegerLive, SinceSearchesOneWindowOnly) {
  const auto r = show_live("ORD-2026-0109", {"--api", "legacy", "--since", "2d", "--verbose"});
  EXPECT_EQ(r.exit_code, 4) << r.err; // the cart is 10 days old
  EXPECT_EQ(json::parse(r.out)["verdict"], "NOT_FOUND");
  EXPECT_EQ(legacy_window_starts(r.err).size(), 1U) << r.err;

  const auto from = show_live("ORD-2026-0109", {"--api", "legacy", "--from", "2026-11-01T00:00:00Z",
                                                "--until", "2026-11-20T00:00:00Z"});
  ASSERT_EQ(from.exit_code, 0) << from.err;
  EXPECT_EQ(json::parse(from.out)["verdict"], "ABANDONED");
}

TEST(JaegerLive, LinksPointAtTheJaegerUrlUnlessTheUiUrlIsSet) {
  const auto r = show_live("ORD-2026-0115", {"--api", "legacy"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json report = json::parse(r.out);
  ASSERT_FALSE(report["traces"].empty());
  for (const auto& trace : report["traces"]) {
    EXPECT_EQ(trace["jaeger_url"].get<std::string>().rfind(jaeger().url + "/trace/", 0), 0U)
        << trace;
  }
  const auto ui = show_live("ORD-2026-0115", {"--api", "legacy", "--ui-url", "https://ui.example"});
  ASSERT_EQ(ui.exit_code, 0) << ui.err;
  const json ui_report = json::parse(ui.out);
  for (const auto& trace : ui_report["traces"]) {
    EXPECT_EQ(trace["jaeger_url"].get<std::string>().rfind("https://ui.example/trace/", 0), 0U)
        << trace;
  }
}

// The config file names a Jaeger that refuses connections; the environment the live one.
TEST(JaegerLive, EnvironmentBeatsTheConfigFileAndTheCommandLineBeatsBoth) {
  const test::RefusingPort closed;
  const test::TempDir dir;
  const auto config = dir.write("config.toml", "jaeger = \"" + closed.url() + "\"\n");
  const std::vector<std::string> args = {
      "show", "ORD-2026-0103", "--now",         scenario_now(), "--format",
      "json", "--config",      config.string(), "--timeout",    "5"};

  const auto from_config = ordertrace(args);
  EXPECT_EQ(from_config.exit_code, 5) << from_config.err;
  EXPECT_NE(from_config.err.find(closed.url()), std::string::npos) << from_config.err;

  const auto from_env = ordertrace(args, test::with_env({{"ORDERTRACE_JAEGER_URL", jaeger().url}}));
  ASSERT_EQ(from_env.exit_code, 0) << from_env.err;
  EXPECT_EQ(json::parse(from_env.out)["verdict"], "LOST");

  auto with_option = args;
  with_option.insert(with_option.end(), {"--jaeger", jaeger().url});
  const auto from_option =
      ordertrace(with_option, test::with_env({{"ORDERTRACE_JAEGER_URL", closed.url()}}));
  ASSERT_EQ(from_option.exit_code, 0) << from_option.err;
  EXPECT_EQ(json::parse(from_option.out)["verdict"], "LOST");
}

// ---- what is not a working Jaeger ---------------------------------------------------------

TEST(JaegerErrors, UnreachableJaegerExitsFiveNamingTheUrl) {
  const test::RefusingPort closed;
  const auto r =
      ordertrace({"show", "ORD-1", "--jaeger", closed.url() + "/jaeger", "--timeout", "5"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_EQ(r.err.rfind("ordertrace: error: ", 0), 0U) << r.err;
  EXPECT_NE(r.err.find(closed.url() + "/jaeger"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(JaegerErrors, AnHtmlPageIsNotAJaegerQueryApi) {
  test::FakeHttpServer server;
  server.on_prefix("/", [](const test::FakeRequest&) {
    return test::FakeResponse::text(200,
                                    "<!doctype html><html lang=\"en\"><head><title>Jaeger UI"
                                    "</title></head><body><div id=\"jaeger-ui-root\"></div>"
                                    "</body></html>\n",
                                    "text/html; charset=utf-8");
  });
  const auto r = ordertrace({"show", "ORD-1", "--jaeger", server.url()});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("not a Jaeger query API"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(server.url()), std::string::npos) << r.err;
}

TEST(JaegerErrors, ALoginPageExitsSix) {
  test::FakeHttpServer server;
  server.on_prefix("/", [](const test::FakeRequest&) {
    return test::FakeResponse::text(
        200,
        "<html><head><title>Sign in</title></head><body><form method=\"post\" "
        "action=\"/login\"><input name=\"user\"><input type=\"password\" name=\"pw\">"
        "</form></body></html>\n",
        "text/html");
  });
  const auto r = ordertrace({"show", "ORD-1", "--jaeger", server.url()});
  EXPECT_EQ(r.exit_code, 6) << r.err;
  EXPECT_NE(r.err.find("authentication required"), std::string::npos) << r.err;
}

TEST(JaegerErrors, ATokenFileOthersMayReadIsRefused) {
  const test::TempDir dir;
  const std::string secret = "s3cr3t-token-value";
  const auto token = dir.write("token", secret + "\n");
  ASSERT_EQ(::chmod(token.c_str(), 0644), 0);
  const auto r = ordertrace(
      {"show", "ORD-1", "--jaeger", "https://jaeger.example", "--token-file", token.string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("chmod 600"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("0644"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;

  // Mode 0600 passes that check; over plain http the token is still not sent.
  ASSERT_EQ(::chmod(token.c_str(), 0600), 0);
  const auto http =
      ordertrace({"show", "ORD-1", "--jaeger", jaeger().url, "--token-file", token.string()});
  EXPECT_EQ(http.exit_code, 2) << http.err;
  EXPECT_NE(http.err.find("https"), std::string::npos) << http.err;
  EXPECT_EQ(http.err.find(secret), std::string::npos) << http.err;
}

// ---- personal data -------------------------------------------------------------------------

// A customer's name in a deny-listed attribute and in the error message of a span that
// came from Jaeger: the report must not carry it, in any format.
TEST(JaegerLive, PersonalDataFromJaegerNeverReachesTheReport) {
  const test::TempDir dir;
  // 2026-11-20T10:00:00Z: the submit, then a pricing call that failed naming the customer.
  const auto file = dir.write("personal.json", R"({"resourceSpans":[{"resource":{"attributes":[
    {"key":"service.name","value":{"stringValue":"shop-api"}}]},"scopeSpans":[{"scope":{},
    "spans":[{"traceId":"7a1e0000000000000000000000009001","spanId":"7a1e000000009001",
    "name":"POST /api/orders","kind":2,"startTimeUnixNano":"1795168800000000000",
    "endTimeUnixNano":"1795168800100000000","attributes":[
    {"key":"order.id","value":{"stringValue":"ORD-PII-1"}},
    {"key":"order.status","value":{"stringValue":"SUBMITTED"}},
    {"key":"customer.name","value":{"stringValue":"Ivanna Petrovskaya"}}],"status":{}},
    {"traceId":"7a1e0000000000000000000000009001","spanId":"7a1e000000009002",
    "parentSpanId":"7a1e000000009001","name":"POST","kind":3,
    "startTimeUnixNano":"1795168800010000000","endTimeUnixNano":"1795168800090000000",
    "attributes":[{"key":"server.address","value":{"stringValue":"mes.internal"}},
    {"key":"http.response.status_code","value":{"intValue":"500"}}],
    "status":{"code":2,"message":"price failed for Ivanna Petrovskaya, call +7 916 123-45-67"}}
    ]}]}]})");
  ASSERT_EQ(test::post_otlp_file(jaeger(), file), 200);
  for (const std::string format : {"text", "json", "md"}) {
    const auto r = ordertrace({"show", "ORD-PII-1", "--jaeger", jaeger().url, "--now",
                               "2026-11-20T11:00:00Z", "--format", format, "--api", "legacy"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("LOST"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("Petrovskaya"), std::string::npos) << format << ":\n" << r.out;
    EXPECT_EQ(r.out.find("123-45-67"), std::string::npos) << format << ":\n" << r.out;
    EXPECT_EQ(r.err.find("Petrovskaya"), std::string::npos) << r.err;
  }
}

} // namespace
} // namespace ordertrace

// Runs the built ordertrace binary as a user or a cron job would, and checks the contract
// of cli.md: exit codes, one-line errors on stderr, the JSON fields of `show`.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "support/fake_http_server.hpp"
#include "support/run_process.hpp"

namespace ordertrace {
namespace {

using nlohmann::json;
using test::ProcessOptions;
using test::ProcessResult;
using test::run_process;
using test::TempDir;
using test::with_env;

// 2026-08-20T10:00:00Z in nanoseconds, as OTLP JSON writes times.
constexpr long long k_t0 = 1'787'220'000LL * 1'000'000'000LL;
constexpr long long k_minute = 60LL * 1'000'000'000LL;

ProcessResult ordertrace(std::vector<std::string> args, const ProcessOptions& options = {}) {
  args.insert(args.begin(), ORDERTRACE_BINARY);
  return run_process(args, options);
}

std::string otlp_span(const std::string& trace_id, const std::string& span_id,
                      const std::string& name, long long start, long long end,
                      const std::string& attributes, const std::string& extra = "") {
  return R"({"traceId":")" + trace_id + R"(","spanId":")" + span_id + R"(","name":")" + name +
         R"(","kind":2,"startTimeUnixNano":")" + std::to_string(start) +
         R"(","endTimeUnixNano":")" + std::to_string(end) + R"(","attributes":[)" + attributes +
         "]" + extra + "}";
}

std::string attr(const std::string& key, const std::string& value) {
  return json({{"key", key}, {"value", {{"stringValue", value}}}}).dump();
}

std::string resource_spans(const std::string& service, const std::vector<std::string>& spans) {
  std::string joined;
  for (const auto& span : spans) {
    joined += (joined.empty() ? "" : ",") + span;
  }
  return R"({"resource":{"attributes":[)" + attr("service.name", service) +
         R"(]},"scopeSpans":[{"scope":{"name":"test"},"spans":[)" + joined + "]}]}";
}

constexpr const char* k_trace_1 = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr const char* k_trace_2 = "0af7651916cd43dd8448eb211c80319c";

// ORD-1001: INITIATED and SUBMITTED in shop-api, PRICE_CALCULATED in mes (a second trace
// linked to the first), then nothing: crm-api owns MANUFACTURING_APPROVED (3d allowed).
std::string order_1001() {
  const std::string shop = resource_spans(
      "shop-api",
      {otlp_span(k_trace_1, "1111111111111111", "POST /api/cart", k_t0, k_t0 + 1000,
                 attr("order.id", "ORD-1001") + "," + attr("order.status", "INITIATED")),
       otlp_span(k_trace_1, "2222222222222222", "POST /api/orders", k_t0 + 5 * k_minute,
                 k_t0 + 5 * k_minute + 1000,
                 attr("order.id", "ORD-1001") + "," + attr("order.status", "SUBMITTED"))});
  const std::string mes = resource_spans(
      "mes",
      {otlp_span(k_trace_2, "3333333333333333", "CalculatePrice", k_t0 + 6 * k_minute,
                 k_t0 + 10 * k_minute,
                 attr("order.id", "ORD-1001") + "," + attr("order.status", "PRICE_CALCULATED"),
                 R"(,"links":[{"traceId":")" + std::string(k_trace_1) +
                     R"(","spanId":"2222222222222222"}])")});
  return R"({"resourceSpans":[)" + shop + "," + mes + "]}";
}

// An order whose id has quotes, a space and Cyrillic letters.
std::string order_unusual_id() {
  return R"({"resourceSpans":[)" +
         resource_spans("shop-api",
                        {otlp_span("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "4444444444444444",
                                   "POST /api/cart", k_t0, k_t0 + 1000,
                                   attr("order.id", "заказ \"7\" 1") + "," +
                                       attr("order.status", "INITIATED"))}) +
         "]}";
}

class ShowCli : public ::testing::Test {
protected:
  void SetUp() override {
    m_traces = m_dir.write("traces.json", order_1001());
    m_unusual = m_dir.write("unusual.json", order_unusual_id());
  }

  std::vector<std::string> show(std::vector<std::string> more) const {
    std::vector<std::string> args = {"show"};
    args.insert(args.end(), more.begin(), more.end());
    args.insert(args.end(), {"--source", m_traces.string(), "--now", "2026-08-21T10:00:00Z"});
    return args;
  }

  TempDir m_dir;
  std::filesystem::path m_traces;
  std::filesystem::path m_unusual;
};

// Every line on stderr is ours and the error is one line without a trailing period.
void expect_one_error_line(const ProcessResult& r, const std::string& fragment) {
  const auto first_line = r.err.substr(0, r.err.find('\n'));
  EXPECT_EQ(first_line.rfind("ordertrace: error: ", 0), 0U) << r.err;
  EXPECT_NE(first_line.find(fragment), std::string::npos) << r.err;
  EXPECT_NE(first_line.back(), '.') << r.err;
  std::istringstream lines(r.err);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_EQ(line.rfind("ordertrace: ", 0), 0U) << line;
  }
}

TEST(Cli, PrintsItsVersion) {
  const auto r = ordertrace({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("ordertrace ", 0), 0U) << r.out;
  EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(r.out.at(11)))) << r.out;
  EXPECT_EQ(r.err, "");
}

TEST(Cli, HelpListsTheCommandsAndExitsZero) {
  const auto r = ordertrace({"--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("show"), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");

  const auto sub = ordertrace({"show", "--help"});
  EXPECT_EQ(sub.exit_code, 0) << sub.err;
  for (const char* option : {"--source",
                             "--now",
                             "--format",
                             "--lifecycle",
                             "--ui-url",
                             "--no-color",
                             "--jaeger",
                             "--api",
                             "--since,--from",
                             "--until",
                             "--search-depth",
                             "--token-file",
                             "--ca-file",
                             "--cert",
                             "--key",
                             "--timeout",
                             "--parallel",
                             "--verbose",
                             "--config",
                             "ORDERTRACE_JAEGER_URL",
                             "ORDERTRACE_TOKEN",
                             "ORDERTRACE_CONFIG",
                             "5 Jaeger unreachable",
                             "6 authentication required"}) {
    EXPECT_NE(sub.out.find(option), std::string::npos) << option << "\n" << sub.out;
  }
}

TEST(Cli, NoCommandIsAUsageError) {
  const auto r = ordertrace({});
  EXPECT_EQ(r.exit_code, 2);
  expect_one_error_line(r, "");
  EXPECT_NE(r.err.find("--help"), std::string::npos) << r.err;
}

TEST(Cli, UnknownCommandSuggestsTheNearestOne) {
  const auto r = ordertrace({"shwo", "ORD-1"});
  EXPECT_EQ(r.exit_code, 2);
  expect_one_error_line(r, "unknown command 'shwo' (did you mean 'show'?)");
  EXPECT_EQ(r.out, "");
}

TEST_F(ShowCli, UnknownOptionIsAUsageErrorWithAHint) {
  const auto r = ordertrace(show({"ORD-1001", "--bogus"}));
  EXPECT_EQ(r.exit_code, 2);
  expect_one_error_line(r, "--bogus");
  EXPECT_NE(r.err.find("--help"), std::string::npos) << r.err;

  const auto typo = ordertrace({"show", "ORD-1001", "--sorce", m_traces.string()});
  EXPECT_EQ(typo.exit_code, 2);
  expect_one_error_line(typo, "did you mean '--source'?");
}

TEST_F(ShowCli, BadNowIsAUsageError) {
  const auto r =
      ordertrace({"show", "ORD-1001", "--source", m_traces.string(), "--now", "yesterday"});
  EXPECT_EQ(r.exit_code, 2);
  expect_one_error_line(r, "--now 'yesterday'");
  EXPECT_NE(r.err.find("RFC 3339"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(ShowCli, MissingValueIsAUsageError) {
  const auto r = ordertrace({"show", "ORD-1001", "--source", m_traces.string(), "--now"});
  EXPECT_EQ(r.exit_code, 2);
  expect_one_error_line(r, "--now");
}

TEST_F(ShowCli, MissingOrEmptyOrderIdIsAUsageError) {
  const auto missing = ordertrace({"show", "--source", m_traces.string()});
  EXPECT_EQ(missing.exit_code, 2);
  expect_one_error_line(missing, "order-id");

  const auto empty = ordertrace({"show", "", "--source", m_traces.string()});
  EXPECT_EQ(empty.exit_code, 2);
  expect_one_error_line(empty, "order id must not be empty");
}

TEST_F(ShowCli, WithoutSourceAsksJaeger) {
  const test::RefusingPort closed;
  const auto r = ordertrace({"show", "ORD-1001", "--jaeger", closed.url(), "--timeout", "2"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  expect_one_error_line(r, closed.url());
  EXPECT_EQ(r.out, "");
}

TEST_F(ShowCli, BadFormatSuggestsTheNearestOne) {
  const auto r = ordertrace(show({"ORD-1001", "--format", "jsno"}));
  EXPECT_EQ(r.exit_code, 2);
  expect_one_error_line(r, "(did you mean 'json'?)");
}

TEST_F(ShowCli, BadUiUrlIsAUsageErrorFromEitherPlace) {
  const auto option = ordertrace(show({"ORD-1001", "--ui-url", "localhost:16686"}));
  EXPECT_EQ(option.exit_code, 2);
  expect_one_error_line(option, "--ui-url");

  const auto env = ordertrace(show({"ORD-1001"}), with_env({{"ORDERTRACE_UI_URL", "not a url"}}));
  EXPECT_EQ(env.exit_code, 2);
  expect_one_error_line(env, "ORDERTRACE_UI_URL");
}

TEST_F(ShowCli, MissingSourceFileIsARuntimeErrorNamingIt) {
  const auto missing = (m_dir.path() / "no-such-file.json").string();
  const auto r = ordertrace({"show", "ORD-1001", "--source", missing});
  EXPECT_EQ(r.exit_code, 1);
  expect_one_error_line(r, "no-such-file.json");
  EXPECT_EQ(r.out, "");
}

TEST_F(ShowCli, MalformedSourceFileIsARuntimeErrorNamingIt) {
  const auto broken = m_dir.write("broken.json", R"({"resourceSpans":[{"resource":)");
  const auto r =
      ordertrace({"show", "ORD-1001", "--source", m_traces.string(), "--source", broken.string()});
  EXPECT_EQ(r.exit_code, 1);
  expect_one_error_line(r, "broken.json");
}

TEST_F(ShowCli, MissingLifecycleFileIsARuntimeErrorNamingIt) {
  const auto r = ordertrace(show({"ORD-1001"}),
                            with_env({{"ORDERTRACE_LIFECYCLE", "/nonexistent/lifecycle.json"}}));
  EXPECT_EQ(r.exit_code, 1);
  expect_one_error_line(r, "/nonexistent/lifecycle.json");

  // The command line wins over the environment.
  const auto lifecycle = m_dir.write("lc.json", "{");
  const auto cli = ordertrace(show({"ORD-1001", "--lifecycle", lifecycle.string()}),
                              with_env({{"ORDERTRACE_LIFECYCLE", "/nonexistent/lifecycle.json"}}));
  EXPECT_EQ(cli.exit_code, 1);
  expect_one_error_line(cli, "lc.json");
}

TEST_F(ShowCli, NotFoundPrintsTheObjectAndExitsFour) {
  const auto r = ordertrace(show({"ORD-404", "--format", "json"}));
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_EQ(r.err, "");
  const auto j = json::parse(r.out);
  EXPECT_EQ(j["order_id"], "ORD-404");
  EXPECT_EQ(j["verdict"], "NOT_FOUND");
  EXPECT_TRUE(j["suspect"].is_null());
  EXPECT_TRUE(j["last_state"].is_null());
  EXPECT_EQ(j["now"], "2026-08-21T10:00:00Z");

  const auto text = ordertrace(show({"ORD-404"}));
  EXPECT_EQ(text.exit_code, 4);
  EXPECT_EQ(text.out.rfind("NOT_FOUND  order ORD-404", 0), 0U) << text.out;
}

TEST_F(ShowCli, JsonHasTheContractFields) {
  const auto r = ordertrace(show({"ORD-1001", "--format", "json"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = json::parse(r.out);
  for (const char* field :
       {"order_id", "verdict", "reason", "suspect", "last_state", "expected_next_state",
        "waiting_seconds", "timeline", "stages", "missing_states", "evidence", "warnings", "traces",
        "first_seen", "last_seen", "now", "lifecycle", "schema_version"}) {
    EXPECT_TRUE(j.contains(field)) << field;
  }
  EXPECT_EQ(j["order_id"], "ORD-1001");
  EXPECT_EQ(j["verdict"], "ON_TRACK");
  EXPECT_TRUE(j["suspect"].is_null());
  EXPECT_EQ(j["last_state"]["state"], "PRICE_CALCULATED");
  EXPECT_EQ(j["last_state"]["service"], "mes");
  EXPECT_EQ(j["expected_next_state"]["state"], "MANUFACTURING_APPROVED");
  EXPECT_EQ(j["expected_next_state"]["owner"], "crm-api");
  EXPECT_EQ(j["expected_next_state"]["allowance_seconds"], 2 * 24 * 3600);
  EXPECT_EQ(j["timeline"].size(), 3U);
  EXPECT_EQ(j["traces"].size(), 2U);
  EXPECT_EQ(j["lifecycle"], "default");
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["now"], "2026-08-21T10:00:00Z");
  const std::string time = j["timeline"][0]["time"];
  EXPECT_EQ(time.back(), 'Z');
}

TEST_F(ShowCli, StalledNamesTheSuspect) {
  const auto r = ordertrace({"show", "ORD-1001", "--source", m_traces.string(), "--now",
                             "2026-08-23T13:00:00+03:00", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = json::parse(r.out);
  EXPECT_EQ(j["verdict"], "STALLED");
  EXPECT_EQ(j["suspect"], "crm-api") << r.out;
  EXPECT_EQ(j["expected_next_state"]["deadline"], "2026-08-22T10:10:00Z");
}

bool has_trace_url(const json& report, const std::string& url) {
  for (const auto& trace : report["traces"]) {
    if (trace["jaeger_url"] == url) {
      return true;
    }
  }
  return false;
}

TEST_F(ShowCli, UiUrlComesFromTheCommandLineThenTheEnvironment) {
  const auto env = ordertrace(show({"ORD-1001", "--format", "json"}),
                              with_env({{"ORDERTRACE_UI_URL", "https://ops.example.com/jaeger/"}}));
  ASSERT_EQ(env.exit_code, 0) << env.err;
  EXPECT_TRUE(
      has_trace_url(json::parse(env.out),
                    "https://ops.example.com/jaeger/trace/0af7651916cd43dd8448eb211c80319c"))
      << env.out;

  const auto cli = ordertrace(show({"ORD-1001", "--format", "json", "--ui-url", "http://j:80"}),
                              with_env({{"ORDERTRACE_UI_URL", "https://ops.example.com/jaeger/"}}));
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_TRUE(
      has_trace_url(json::parse(cli.out), "http://j:80/trace/0af7651916cd43dd8448eb211c80319c"))
      << cli.out;
}

TEST_F(ShowCli, TextReportHasNoColourWhenPiped) {
  const auto r = ordertrace(show({"ORD-1001"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("ON_TRACK  order ORD-1001", 0), 0U) << r.out;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
  EXPECT_NE(r.out.find("http://localhost:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736"),
            std::string::npos)
      << r.out;
}

TEST_F(ShowCli, OrderIdsWithQuotesSpacesAndNonAsciiWorkAsTheyAre) {
  const auto r = ordertrace({"show", "заказ \"7\" 1", "--source", m_unusual.string(), "--now",
                             "2026-08-20T11:00:00Z", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = json::parse(r.out);
  EXPECT_EQ(j["order_id"], "заказ \"7\" 1");
  EXPECT_EQ(j["last_state"]["state"], "INITIATED");
}

TEST_F(ShowCli, SeveralOrdersMakeAnArrayAndAnyNotFoundExitsFour) {
  const auto r = ordertrace({"show", "ORD-1001", "ORD-404", "--source", m_traces.string(), "--now",
                             "2026-08-21T10:00:00Z", "--format", "json"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  const auto j = json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 2U);
  EXPECT_EQ(j[0]["verdict"], "ON_TRACK");
  EXPECT_EQ(j[1]["verdict"], "NOT_FOUND");
}

TEST_F(ShowCli, ReadsTracesFromStandardInput) {
  ProcessOptions options;
  options.input = order_1001();
  const auto r = ordertrace(
      {"show", "ORD-1001", "--source", "-", "--now", "2026-08-21T10:00:00Z", "--format", "json"},
      options);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["verdict"], "ON_TRACK");
}

} // namespace
} // namespace ordertrace

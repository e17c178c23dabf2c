// Rough edges a new user met in the README's walkthrough: a trace file saved with a UTF-8
// byte-order mark, `enrich` and the order cache, `ack --help`, `cache stats` before any
// cache exists. A fake Jaeger serves the scenario traces (tests/data/scenarios).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "support/fake_http_server.hpp"
#include "support/run_process.hpp"
#include "support/test_data.hpp"

namespace ordertrace {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::ProcessOptions;
using test::ProcessResult;
using test::read_file;

const fs::path k_scenarios = fs::path(ORDERTRACE_SOURCE_DIR) / "tests" / "data" / "scenarios";
const std::string k_bom = "\xEF\xBB\xBF";
// An open order (STALLED, priced and never approved) and a COMPLETED one.
const std::string k_stalled_file = "04-stalled-by-people.jaeger.json";
const std::string k_completed_file = "28-int-order-id.jaeger.json";

class PolishCli : public ::testing::Test {
protected:
  void SetUp() override {
    m_server.on("/api/traces", [body = m_body](const test::FakeRequest&) {
      return test::FakeResponse::text(200, *body, "application/json");
    });
  }
  // Serves `body` (Jaeger legacy JSON) to every legacy search from now on.
  void serve(const std::string& body) { *m_body = body; }
  // Jaeger has forgotten every trace (retention).
  void serve_nothing() { *m_body = R"({"data":[]})"; }

  fs::path cache_file() const { return m_dir.path() / "xdg" / "ordertrace" / "cache.db"; }

  ProcessOptions env(const std::string& input = {}) const {
    ProcessOptions options;
    options.env["XDG_CACHE_HOME"] = (m_dir.path() / "xdg").string();
    options.input = input;
    return options;
  }

  ProcessResult ordertrace(std::vector<std::string> args, const std::string& input = {}) const {
    args.insert(args.begin(), ORDERTRACE_BINARY);
    return test::run_process(args, env(input));
  }

  // `enrich` of one JSON Lines ticket against the fake Jaeger.
  ProcessResult enrich(const std::string& order_id, const std::string& now,
                       std::vector<std::string> more = {}) const {
    std::vector<std::string> args = {"enrich", "--jaeger", m_server.url(), "--api", "legacy",
                                     "--now",  now};
    args.insert(args.end(), more.begin(), more.end());
    return ordertrace(args, json{{"ticket", "SUP-1"}, {"order_id", order_id}}.dump() + "\n");
  }

  test::TempDir m_dir;
  test::FakeHttpServer m_server;
  std::shared_ptr<std::string> m_body = std::make_shared<std::string>(R"({"data":[]})");
};

// The one enriched ticket of `result`.
json enriched_row(const ProcessResult& result) {
  const auto line_end = result.out.find('\n');
  EXPECT_EQ(line_end + 1, result.out.size()) << "one ticket, one line: " << result.out;
  return json::parse(result.out.substr(0, line_end));
}

// --- 1. A byte-order mark at the start of a trace file --------------------------------

TEST_F(PolishCli, ATraceFileWithAByteOrderMarkIsRead) {
  const json expected = test::manifest_line(k_scenarios, k_stalled_file);
  const fs::path marked =
      m_dir.write("saved-by-powershell.json", k_bom + read_file(k_scenarios / k_stalled_file));
  const auto r =
      ordertrace({"show", expected["order_id"].get<std::string>(), "--source", marked.string(),
                  "--now", test::now_of(k_scenarios), "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["verdict"], expected["verdict"]);

  // OTLP JSON on standard input, as `Get-Content x.json | ordertrace ...` would send it.
  const json otlp = test::manifest_line(k_scenarios, "01-lost-in-queue.otlp.json");
  const auto piped = ordertrace({"show", otlp["order_id"].get<std::string>(), "--source", "-",
                                 "--now", test::now_of(k_scenarios), "--format", "json"},
                                k_bom + read_file(k_scenarios / "01-lost-in-queue.otlp.json"));
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(json::parse(piped.out)["verdict"], otlp["verdict"]);
}

// --- 2. enrich and the order cache -----------------------------------------------------

TEST_F(PolishCli, EnrichStoresOrdersAndStillDescribesOnesJaegerForgot) {
  const json expected = test::manifest_line(k_scenarios, k_stalled_file);
  const std::string order_id = expected["order_id"];
  serve(read_file(k_scenarios / k_stalled_file));
  const std::string now = test::now_of(k_scenarios);

  // --no-cache: Jaeger alone, and no file made.
  const auto uncached = enrich(order_id, now, {"--no-cache"});
  ASSERT_EQ(uncached.exit_code, 0) << uncached.err;
  EXPECT_FALSE(fs::exists(cache_file()));
  EXPECT_EQ(uncached.err.find("cache"), std::string::npos) << uncached.err;

  const auto first = enrich(order_id, now);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const json fresh = enriched_row(first);
  EXPECT_EQ(fresh["ordertrace_verdict"], expected["verdict"]);
  EXPECT_EQ(fresh["ordertrace_state"], expected["last_state"]);
  EXPECT_EQ(fresh["ordertrace_trace_id"].get<std::string>().size(), 32U) << fresh;
  EXPECT_TRUE(fs::exists(cache_file()));
  EXPECT_NE(first.err.find("ordertrace: cache " + cache_file().string() +
                           ": 0 completed orders answered from it, 0 with traces Jaeger no "
                           "longer has, 1 stored\n"),
            std::string::npos)
      << first.err;

  // A day later Jaeger has dropped the traces: the ticket still gets the order's answer.
  serve_nothing();
  const std::string later = "2026-11-21T12:00:00Z";
  const auto second = enrich(order_id, later);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const json kept = enriched_row(second);
  EXPECT_EQ(kept["ordertrace_verdict"], expected["verdict"]);
  EXPECT_EQ(kept["ordertrace_trace_id"], fresh["ordertrace_trace_id"]);
  EXPECT_EQ(kept["ordertrace_span_id"], fresh["ordertrace_span_id"]);
  EXPECT_NE(second.err.find("1 with traces Jaeger no longer has, 1 stored"), std::string::npos)
      << second.err;

  // Without the cache, the same ticket is about an unknown order.
  const auto forgotten = enrich(order_id, later, {"--no-cache"});
  EXPECT_EQ(forgotten.exit_code, 4) << forgotten.err;
  EXPECT_EQ(enriched_row(forgotten)["ordertrace_verdict"], "NOT_FOUND");

  // show reads what enrich stored: the same cache key for the same Jaeger.
  const auto offline = ordertrace({"show", order_id, "--offline", "--jaeger", m_server.url(),
                                   "--now", later, "--format", "json"});
  ASSERT_EQ(offline.exit_code, 0) << offline.err;
  EXPECT_EQ(json::parse(offline.out)["verdict"], expected["verdict"]);

  // --cache names another file.
  const fs::path other = m_dir.path() / "other.db";
  serve(read_file(k_scenarios / k_stalled_file));
  ASSERT_EQ(enrich(order_id, now, {"--cache", other.string()}).exit_code, 0);
  EXPECT_TRUE(fs::exists(other));
}

TEST_F(PolishCli, EnrichAnswersACompletedOrderFromTheCacheWithoutARequest) {
  const json expected = test::manifest_line(k_scenarios, k_completed_file);
  ASSERT_EQ(expected["verdict"], "COMPLETED");
  serve(read_file(k_scenarios / k_completed_file));
  const std::string now = test::now_of(k_scenarios);
  const std::string order_id = expected["order_id"];
  const auto first = enrich(order_id, now);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::size_t requests = m_server.request_count();
  EXPECT_GT(requests, 0U);

  const auto second = enrich(order_id, "2026-11-22T12:00:00Z");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(m_server.request_count(), requests);
  EXPECT_EQ(enriched_row(second)["ordertrace_verdict"], "COMPLETED");
  EXPECT_EQ(enriched_row(second)["ordertrace_trace_id"],
            enriched_row(first)["ordertrace_trace_id"]);
  EXPECT_NE(second.err.find(": 1 completed order answered from it, 0 with traces Jaeger no "
                            "longer has, 0 stored"),
            std::string::npos)
      << second.err;
}

TEST_F(PolishCli, EnrichStoresSpansRedacted) {
  const json expected = test::manifest_line(k_scenarios, k_stalled_file);
  json traces = json::parse(read_file(k_scenarios / k_stalled_file));
  const std::string email = "anna.petrova@example.invalid";
  traces["data"][0]["spans"][0]["tags"].push_back(
      {{"key", "customer.email"}, {"type", "string"}, {"value", email}});
  serve(traces.dump());
  const std::string order_id = expected["order_id"];
  const auto r = enrich(order_id, test::now_of(k_scenarios));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Spans are stored as plain bytes: the order id is there, the e-mail address is not.
  const std::string stored = read_file(cache_file()) + read_file(fs::path(cache_file()) += "-wal");
  EXPECT_NE(stored.find(order_id), std::string::npos);
  EXPECT_EQ(stored.find(email), std::string::npos);
}

TEST_F(PolishCli, EnrichStopsAtAnUnusableCacheBeforeAnyRequest) {
  serve(read_file(k_scenarios / k_stalled_file));
  const fs::path foreign = m_dir.write("foreign.db", "not a database at all\n");
  const auto r = enrich("ORD-2026-0104", test::now_of(k_scenarios), {"--cache", foreign.string()});
  EXPECT_EQ(r.exit_code, 7) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(m_server.request_count(), 0U);
}

// --- 3. ack --help ---------------------------------------------------------------------

TEST_F(PolishCli, AckHelpDoesNotOfferNoCacheWhichItRefuses) {
  const auto help = ordertrace({"ack", "--help"});
  ASSERT_EQ(help.exit_code, 0) << help.err;
  EXPECT_NE(help.out.find("--cache"), std::string::npos) << help.out;
  EXPECT_EQ(help.out.find("--no-cache"), std::string::npos) << help.out;

  const auto refused = ordertrace({"ack", "ORD-1", "--note", "SUP-1", "--no-cache"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("ack needs the cache"), std::string::npos) << refused.err;
}

// --- 4. cache on a file that does not exist ---------------------------------------------

TEST_F(PolishCli, CacheCommandsOnAMissingFileAreARuntimeErrorNotAnUnusableCache) {
  const fs::path missing = m_dir.path() / "never-made.db";
  for (const std::string action : {"stats", "verify", "vacuum"}) {
    const auto r = ordertrace({"cache", action, "--cache", missing.string()});
    EXPECT_EQ(r.exit_code, 1) << action << ": " << r.err;
    EXPECT_EQ(r.err, "ordertrace: error: cache file " + missing.string() +
                         " does not exist (nothing cached yet)\n");
    EXPECT_FALSE(fs::exists(missing)) << action;
  }
}

} // namespace
} // namespace ordertrace

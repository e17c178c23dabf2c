// `show` with the order cache, as a user meets it: a fake Jaeger counts the requests, the
// cache is a real file in a temporary XDG cache folder. Expectations come from the scenario
// manifest (tests/data/scenarios/manifest.jsonl).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include "support/fake_http_server.hpp"
#include "support/run_process.hpp"
#include "support/test_data.hpp"

namespace ordertrace {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::ProcessOptions;
using test::ProcessResult;

const fs::path k_scenarios = fs::path(ORDERTRACE_SOURCE_DIR) / "tests" / "data" / "scenarios";

using test::read_file;

std::string scenario_now() {
  return test::now_of(k_scenarios);
}

// The manifest line of a scenario file.
json manifest(const std::string& file) {
  return test::manifest_line(k_scenarios, file);
}

// Microseconds since the epoch of an RFC 3339 UTC time without fraction.
std::int64_t micros(const std::string& time) {
  std::tm tm{};
  std::istringstream in(time);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  return static_cast<std::int64_t>(timegm(&tm)) * 1'000'000;
}

// The value of `name` in a query string, or -1.
std::int64_t query_number(const std::string& query, const std::string& name) {
  const auto at = ("&" + query).find("&" + name + "=");
  if (at == std::string::npos) {
    return -1;
  }
  return std::stoll(query.substr(at + name.size() + 1));
}

class CacheCli : public ::testing::Test {
protected:
  // Serves `body` (Jaeger legacy JSON) to every legacy search and trace fetch.
  void serve(const std::string& body) {
    m_body = std::make_shared<std::string>(body);
    auto shared = m_body;
    m_server.on("/api/traces", [shared](const test::FakeRequest&) {
      return test::FakeResponse::text(200, *shared, "application/json");
    });
  }
  void serve_nothing() { *m_body = R"({"data":[]})"; }

  fs::path cache_file() const { return m_dir.path() / "xdg" / "ordertrace" / "cache.db"; }

  ProcessOptions env() const {
    ProcessOptions options;
    options.env["XDG_CACHE_HOME"] = (m_dir.path() / "xdg").string();
    return options;
  }

  ProcessResult show(const std::string& order_id, std::vector<std::string> more = {},
                     const std::string& now = scenario_now()) const {
    std::vector<std::string> args = {
        ORDERTRACE_BINARY, "show",  order_id, "--jaeger", m_server.url(), "--api",
        "legacy",          "--now", now,      "--format", "json"};
    args.insert(args.end(), more.begin(), more.end());
    return test::run_process(args, env());
  }

  test::TempDir m_dir;
  test::FakeHttpServer m_server;
  std::shared_ptr<std::string> m_body;
};

TEST_F(CacheCli, ACompletedOrderIsServedFromTheCacheWithoutARequest) {
  const json expected = manifest("28-int-order-id.jaeger.json");
  ASSERT_EQ(expected["verdict"], "COMPLETED");
  serve(read_file(k_scenarios / "28-int-order-id.jaeger.json"));
  const std::string order_id = expected["order_id"];

  const auto first = show(order_id);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto fetched = json::parse(first.out);
  EXPECT_EQ(fetched["verdict"], expected["verdict"]);
  EXPECT_EQ(fetched["cache"]["mode"], "stored");
  EXPECT_GT(fetched["cache"]["traces_from_jaeger"].get<int>(), 0);
  const std::size_t requests = m_server.request_count();
  EXPECT_GT(requests, 0U);

  struct stat file {};
  ASSERT_EQ(::stat(cache_file().c_str(), &file), 0);
  EXPECT_EQ(file.st_mode & 0777, 0600U);

  // A day later: the same verdict, timeline and traces, and not one request.
  const auto second = show(order_id, {}, "2026-11-21T12:00:00Z");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(m_server.request_count(), requests);
  const auto cached = json::parse(second.out);
  EXPECT_EQ(cached["verdict"], expected["verdict"]);
  EXPECT_EQ(cached["last_state"]["state"], expected["last_state"]);
  EXPECT_EQ(cached["last_state"], fetched["last_state"]);
  EXPECT_EQ(cached["timeline"].size(), fetched["timeline"].size());
  EXPECT_EQ(cached["traces"], fetched["traces"]);
  EXPECT_EQ(cached["cache"]["mode"], "cache");
  EXPECT_EQ(cached["cache"]["stored_at"], scenario_now());
  EXPECT_EQ(cached["cache"]["age_seconds"], 86400);
  EXPECT_EQ(cached["cache"]["traces_from_cache"], fetched["cache"]["traces_from_jaeger"]);
  EXPECT_EQ(cached["cache"]["traces_from_jaeger"], 0);

  // The text report says so too.
  const auto text = test::run_process({ORDERTRACE_BINARY, "show", order_id, "--jaeger",
                                       m_server.url(), "--now", "2026-11-21T12:00:00Z"},
                                      env());
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("cache: served from " + cache_file().string()), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("1d ago"), std::string::npos) << text.out;
  EXPECT_EQ(m_server.request_count(), requests);

  // --refresh asks again; --no-cache asks and leaves no note.
  const auto refreshed = show(order_id, {"--refresh"});
  EXPECT_EQ(refreshed.exit_code, 0) << refreshed.err;
  EXPECT_GT(m_server.request_count(), requests);
  EXPECT_EQ(json::parse(refreshed.out)["cache"]["mode"], "stored");
  const std::size_t after_refresh = m_server.request_count();
  const auto uncached = show(order_id, {"--no-cache"});
  EXPECT_EQ(uncached.exit_code, 0) << uncached.err;
  EXPECT_GT(m_server.request_count(), after_refresh);
  EXPECT_FALSE(json::parse(uncached.out).contains("cache"));
}

TEST_F(CacheCli, AnOpenOrderIsRefreshedSinceItsLastSearchAndOutlivesJaeger) {
  const json expected = manifest("08-duplicate-delivery.jaeger.json");
  serve(read_file(k_scenarios / "08-duplicate-delivery.jaeger.json"));
  const std::string order_id = expected["order_id"];
  const auto first = show(order_id);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto fetched = json::parse(first.out);
  EXPECT_EQ(fetched["verdict"], expected["verdict"]);
  const std::size_t requests = m_server.request_count();

  // Two hours later, after Jaeger dropped the traces: only the time since the last search
  // (less an hour of overlap) is asked, and the history is still there.
  serve_nothing();
  const std::string later = "2026-11-20T14:00:00Z";
  const auto second = show(order_id, {}, later);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const auto requests_now = m_server.requests();
  ASSERT_GT(requests_now.size(), requests);
  for (std::size_t i = requests; i < requests_now.size(); ++i) {
    if (requests_now[i].path() == "/api/traces") {
      EXPECT_GE(query_number(requests_now[i].query(), "start"),
                micros(scenario_now()) - 3600LL * 1'000'000)
          << requests_now[i].target;
    }
  }
  const auto refreshed = json::parse(second.out);
  EXPECT_EQ(refreshed["last_state"]["state"], expected["last_state"]);
  EXPECT_EQ(refreshed["traces"], fetched["traces"]);
  EXPECT_EQ(refreshed["cache"]["mode"], "refreshed");
  EXPECT_EQ(refreshed["cache"]["traces_from_jaeger"], 0);
  EXPECT_EQ(refreshed["cache"]["traces_from_cache"], fetched["traces"].size());
  EXPECT_EQ(refreshed["cache"]["searched_since"], "2026-11-20T11:00:00Z");

  // --offline: the cache alone.
  const std::size_t before_offline = m_server.request_count();
  const auto offline = show(order_id, {"--offline"}, later);
  EXPECT_EQ(offline.exit_code, 0) << offline.err;
  EXPECT_EQ(m_server.request_count(), before_offline);
  EXPECT_EQ(json::parse(offline.out)["cache"]["mode"], "offline");
  EXPECT_EQ(json::parse(offline.out)["last_state"]["state"], expected["last_state"]);
}

TEST_F(CacheCli, OfflineWithAnUncachedOrderIsNotFound) {
  serve(R"({"data":[]})");
  const auto r = show("ORD-NEVER-SEEN", {"--offline"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_EQ(m_server.request_count(), 0U);
  const auto report = json::parse(r.out);
  EXPECT_EQ(report["verdict"], "NOT_FOUND");
  EXPECT_EQ(report["cache"]["mode"], "missing");
  EXPECT_NE(report["reason"].get<std::string>().find("not in the cache"), std::string::npos);
  EXPECT_FALSE(fs::exists(cache_file())) << "--offline creates no cache";
}

void expect_cache_unusable(const ProcessResult& r, const fs::path& file) {
  EXPECT_EQ(r.exit_code, 7) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("ordertrace: error: cache file " + file.string()), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("--no-cache"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cache verify"), std::string::npos) << r.err;
}

TEST_F(CacheCli, AForeignOrNewerFileExitsSevenBeforeAnyRequest) {
  serve(read_file(k_scenarios / "28-int-order-id.jaeger.json"));
  const fs::path foreign = m_dir.write("foreign.db", "not a database at all, just text\n");
  expect_cache_unusable(show("20260128", {"--cache", foreign.string()}), foreign);
  EXPECT_EQ(read_file(foreign), "not a database at all, just text\n");
  EXPECT_EQ(m_server.request_count(), 0U);

  // A file of a newer ordertrace, made by running the real binary then raising the version.
  const fs::path newer = m_dir.path() / "newer.db";
  ASSERT_EQ(show("20260128", {"--cache", newer.string()}).exit_code, 0);
  const auto sqlite =
      test::run_process({"/usr/bin/sqlite3", newer.string(), "PRAGMA user_version = 99;"}, env());
  ASSERT_EQ(sqlite.exit_code, 0) << sqlite.err;
  const std::size_t requests = m_server.request_count();
  const auto r = show("20260128", {"--cache", newer.string()});
  EXPECT_EQ(r.exit_code, 7) << r.err;
  EXPECT_NE(r.err.find("newer than this ordertrace"), std::string::npos) << r.err;
  EXPECT_EQ(m_server.request_count(), requests);
  const auto version =
      test::run_process({"/usr/bin/sqlite3", newer.string(), "PRAGMA user_version;"}, env());
  EXPECT_EQ(version.out, "99\n") << "never downgraded";

  // verify says what is wrong, exit 7.
  const auto verify =
      test::run_process({ORDERTRACE_BINARY, "cache", "verify", "--cache", foreign.string()}, env());
  EXPECT_EQ(verify.exit_code, 7) << verify.err;
  EXPECT_NE(verify.out.find("not ok"), std::string::npos) << verify.out;
}

TEST_F(CacheCli, CacheSubcommandsAndConfigShow) {
  serve(read_file(k_scenarios / "28-int-order-id.jaeger.json"));
  ASSERT_EQ(show("20260128").exit_code, 0);
  const auto stats = test::run_process({ORDERTRACE_BINARY, "cache", "stats"}, env());
  EXPECT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_NE(stats.out.find("completed orders  1"), std::string::npos) << stats.out;
  const auto verify = test::run_process({ORDERTRACE_BINARY, "cache", "verify"}, env());
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_EQ(verify.out.rfind("ok: ", 0), 0U) << verify.out;
  const auto no_age = test::run_process({ORDERTRACE_BINARY, "cache", "prune"}, env());
  EXPECT_EQ(no_age.exit_code, 2) << no_age.err;
  // The order was last seen before the scenario's "now"; 90 days later it goes.
  const auto keep = test::run_process(
      {ORDERTRACE_BINARY, "cache", "prune", "--older-than", "90d", "--now", scenario_now()}, env());
  EXPECT_EQ(keep.exit_code, 0) << keep.err;
  EXPECT_NE(keep.out.find("removed 0 orders"), std::string::npos) << keep.out;
  const auto prune = test::run_process(
      {ORDERTRACE_BINARY, "cache", "prune", "--older-than", "90d", "--now", "2027-06-01T00:00:00Z"},
      env());
  EXPECT_NE(prune.out.find("removed 1 order "), std::string::npos) << prune.out;
  const auto vacuum = test::run_process({ORDERTRACE_BINARY, "cache", "vacuum"}, env());
  EXPECT_EQ(vacuum.exit_code, 0) << vacuum.err;

  const auto config = test::run_process({ORDERTRACE_BINARY, "config", "show"}, env());
  EXPECT_NE(config.out.find("cache         " + cache_file().string()), std::string::npos)
      << config.out;
  auto environment = env();
  environment.env["ORDERTRACE_CACHE"] = "off";
  const auto off = test::run_process({ORDERTRACE_BINARY, "config", "show"}, environment);
  EXPECT_NE(off.out.find("environment ORDERTRACE_CACHE (off)"), std::string::npos) << off.out;
}

// Point 5 of issue #11: an order the cache knew, pruned since and gone from Jaeger, is
// NOT_FOUND "beyond_retention" with what the cache remembers; an unknown one is not.
TEST_F(CacheCli, APrunedOrderJaegerForgotIsNotFoundBeyondRetention) {
  const json expected = manifest("04-stalled-by-people.jaeger.json");
  serve(read_file(k_scenarios / "04-stalled-by-people.jaeger.json"));
  const std::string order_id = expected["order_id"];
  ASSERT_EQ(show(order_id).exit_code, 0);
  const auto prune = test::run_process(
      {ORDERTRACE_BINARY, "cache", "prune", "--older-than", "90d", "--now", "2027-06-01T00:00:00Z"},
      env());
  ASSERT_NE(prune.out.find("removed 1 order "), std::string::npos) << prune.out;
  const auto stats = test::run_process({ORDERTRACE_BINARY, "cache", "stats"}, env());
  EXPECT_NE(stats.out.find("pruned orders     1"), std::string::npos) << stats.out;
  serve_nothing(); // Jaeger's retention is long over

  const std::string later = "2027-06-01T00:00:00Z";
  for (const std::vector<std::string>& more :
       {std::vector<std::string>{}, std::vector<std::string>{"--offline"}}) {
    const auto r = show(order_id, more, later);
    EXPECT_EQ(r.exit_code, 4) << r.err;
    const auto report = json::parse(r.out);
    EXPECT_EQ(report["verdict"], "NOT_FOUND");
    EXPECT_EQ(report["not_found_reason"], "beyond_retention") << r.out;
    const std::string reason = report["reason"];
    EXPECT_NE(reason.find("known from the cache: last seen "), std::string::npos) << reason;
    EXPECT_NE(reason.find(" at " + expected["last_state"].get<std::string>()), std::string::npos)
        << reason;
    EXPECT_NE(reason.find("pruned from the cache"), std::string::npos) << reason;
  }
  const auto unknown = show("ORD-NEVER-SEEN", {}, later);
  EXPECT_EQ(unknown.exit_code, 4) << unknown.err;
  EXPECT_EQ(json::parse(unknown.out)["not_found_reason"], "never_seen") << unknown.out;
  EXPECT_EQ(json::parse(unknown.out)["reason"].get<std::string>().find("known from the cache"),
            std::string::npos);

  // Found again (Jaeger has it after all): stored, and no longer forgotten.
  *m_body = read_file(k_scenarios / "04-stalled-by-people.jaeger.json");
  ASSERT_EQ(show(order_id).exit_code, 0);
  const auto again = test::run_process({ORDERTRACE_BINARY, "cache", "stats"}, env());
  EXPECT_NE(again.out.find("pruned orders     0"), std::string::npos) << again.out;
}

// Personal data seeded into the spans Jaeger returns never reaches the cache file.
TEST_F(CacheCli, PersonalDataNeverReachesTheCacheFile) {
  auto traces = json::parse(read_file(k_scenarios / "08-duplicate-delivery.jaeger.json"));
  const std::vector<std::string> seeded = {"Jolanta", "Wiśniewska", "jolanta.w@example.invalid",
                                           "601 234 567", "4111 1111 1111 1111"};
  for (auto& trace : traces["data"]) {
    for (auto& span : trace["spans"]) {
      span["tags"].push_back(
          {{"key", "customer.name"}, {"type", "string"}, {"value", "Jolanta Wiśniewska"}});
      span["tags"].push_back(
          {{"key", "customer.email"}, {"type", "string"}, {"value", "jolanta.w@example.invalid"}});
      span["tags"].push_back({{"key", "otel.status_description"},
                              {"type", "string"},
                              {"value", "card 4111 1111 1111 1111 of Jolanta declined, call "
                                        "+48 601 234 567"}});
    }
  }
  serve(traces.dump());
  const std::string order_id = manifest("08-duplicate-delivery.jaeger.json")["order_id"];
  const auto r = show(order_id);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(fs::exists(cache_file()));
  // The cache holds the order (so the scan below is not of an empty file).
  const auto offline = show(order_id, {"--offline"});
  EXPECT_EQ(json::parse(offline.out)["cache"]["mode"], "offline");
  for (const auto& entry : fs::directory_iterator(cache_file().parent_path())) {
    const std::string bytes = read_file(entry.path());
    for (const auto& value : seeded) {
      EXPECT_EQ(bytes.find(value), std::string::npos) << value << " in " << entry.path();
    }
  }
}

// The nightly report judges the open orders the cache knows, even when the window holds
// none of their spans and Jaeger has dropped them: a silent order is what a lost one looks
// like. Without the cache the report cannot know the order.
TEST_F(CacheCli, TheReportJudgesOpenOrdersFromTheCacheThatWentSilent) {
  const json expected = manifest("04-stalled-by-people.jaeger.json");
  ASSERT_EQ(expected["verdict"], "STALLED");
  serve(read_file(k_scenarios / "04-stalled-by-people.jaeger.json"));
  const std::string order_id = expected["order_id"];
  ASSERT_EQ(show(order_id).exit_code, 0);
  serve_nothing();

  const auto report = [&](std::vector<std::string> more) {
    std::vector<std::string> args = {ORDERTRACE_BINARY, "report", "--jaeger", m_server.url(),
                                     "--api",           "legacy", "--now",    scenario_now(),
                                     "--since",         "1h",     "--format", "json"};
    args.insert(args.end(), more.begin(), more.end());
    return test::run_process(args, env());
  };
  const auto listed = [&](const test::ProcessResult& r) -> json {
    const json parsed = json::parse(r.out);
    for (const auto& order : parsed["all_orders"]) {
      if (order["order_id"] == order_id) {
        return order;
      }
    }
    return nullptr;
  };

  const auto cached = report({});
  ASSERT_EQ(cached.exit_code, 0) << cached.err;
  const json order = listed(cached);
  ASSERT_FALSE(order.is_null()) << cached.out;
  EXPECT_EQ(order["verdict"], expected["verdict"]);
  EXPECT_EQ(order["suspect"], expected["suspect"]);

  const auto uncached = report({"--no-cache"});
  ASSERT_EQ(uncached.exit_code, 0) << uncached.err;
  EXPECT_TRUE(listed(uncached).is_null()) << uncached.out;
}

} // namespace
} // namespace ordertrace

// `ordertrace ack` and what the nightly report makes of it: known lost orders listed apart
// and not counted for exit 3, expiry, redacted notes, and "new since the last run" across
// runs. Order ids and verdicts come from the scenario manifest, never typed in here.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

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

const char* const k_lost_in_queue = "01-lost-in-queue.otlp.json";
const char* const k_consumer_error = "02-consumer-error.jaeger.json";
const char* const k_stalled = "04-stalled-by-people.jaeger.json";

std::vector<std::string> ids(const json& array) {
  std::vector<std::string> out;
  for (const auto& item : array) {
    out.push_back(item.get<std::string>());
  }
  return out;
}

class AckCli : public ::testing::Test {
protected:
  fs::path cache_file() const { return m_dir.path() / "cache.db"; }

  ProcessResult ack(std::vector<std::string> args) const {
    args.insert(args.begin(), {ORDERTRACE_BINARY, "ack"});
    args.insert(args.end(), {"--cache", cache_file().string()});
    return test::run_process(args);
  }

  // A report of `files` judged at `now`, JSON unless `more` names a --format.
  ProcessResult report(const std::vector<std::string>& files, const std::string& now,
                       std::vector<std::string> more = {}) const {
    std::vector<std::string> args = {ORDERTRACE_BINARY,    "report", "--now", now, "--cache",
                                     cache_file().string()};
    if (std::find(more.begin(), more.end(), "--format") == more.end()) {
      args.insert(args.end(), {"--format", "json"});
    }
    for (const auto& file : files) {
      args.push_back("--source");
      args.push_back((k_scenarios / file).string());
    }
    args.insert(args.end(), more.begin(), more.end());
    return test::run_process(args);
  }

  test::TempDir m_dir;
};

TEST_F(AckCli, AcknowledgesListsRemovesAndRedactsTheNote) {
  const std::string lost = manifest(k_lost_in_queue)["order_id"];
  const std::string now = scenario_now();
  const auto added = ack({lost, "--note", "ticket SUP-42, customer jane.doe@example.com rang",
                          "--until", "14d", "--now", now});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_NE(added.out.find("[redacted]"), std::string::npos) << added.out;
  EXPECT_EQ(added.out.find("jane.doe"), std::string::npos) << added.out;

  const auto listed = ack({"--list", "--format", "json", "--now", now});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const json acks = json::parse(listed.out);
  ASSERT_EQ(acks.size(), 1U) << listed.out;
  EXPECT_EQ(acks[0]["order_id"], lost);
  EXPECT_EQ(acks[0]["note"], "ticket SUP-42, customer [redacted] rang");
  EXPECT_EQ(acks[0]["created_at"], now);
  EXPECT_EQ(acks[0]["until"], "2026-12-04T12:00:00Z") << "14 days after " << now;
  EXPECT_EQ(acks[0]["expired"], false);
  // Fifteen days on, the ack has expired.
  const auto later = ack({"--list", "--format", "json", "--now", "2026-12-05T12:00:00Z"});
  EXPECT_EQ(json::parse(later.out)[0]["expired"], true) << later.out;
  const auto text = ack({"--list", "--now", "2026-12-05T12:00:00Z"});
  EXPECT_NE(text.out.find(lost), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("expired"), std::string::npos) << text.out;

  // The e-mail never reached the file nor its WAL.
  for (const auto& entry : fs::directory_iterator(m_dir.path())) {
    EXPECT_EQ(read_file(entry.path()).find("jane.doe"), std::string::npos) << entry.path();
  }

  const auto removed = ack({"--remove", lost, "ORD-NEVER-ACKED"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_NE(removed.out.find("removed the acknowledgement of " + lost), std::string::npos)
      << removed.out;
  EXPECT_NE(removed.out.find("nothing removed): ORD-NEVER-ACKED"), std::string::npos)
      << removed.out;
  EXPECT_EQ(json::parse(ack({"--list", "--format", "json"}).out), json::array());
}

TEST_F(AckCli, UsageErrorsExitTwo) {
  const std::string now = scenario_now();
  const std::vector<std::vector<std::string>> bad = {
      {"ORD-1"},                                                                 // no --note
      {"ORD-1", "--note", "  "},                                                 // an empty note
      {"ORD-1", "--note", "x", "--until", "2026-01-01T00:00:00Z", "--now", now}, // past
      {"ORD-1", "--note", "x", "--until", "soon"},                               // not a time
      {"--note", "x"},                                                           // no order
      {"--list", "ORD-1"},                                                       // list takes none
      {"--list", "--remove"},                                                    // one mode
      {"--remove", "ORD-1", "--note", "x"}, // remove takes no note
  };
  for (const auto& args : bad) {
    const auto r = ack(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << (args.size() > 1 ? " " + args[1] : "") << r.err;
    EXPECT_EQ(r.err.rfind("ordertrace: error: ", 0), 0U) << r.err;
  }
  EXPECT_FALSE(fs::exists(cache_file())) << "nothing written on a usage error";

  // The cache off: ack has nowhere to keep it.
  const auto off =
      test::run_process({ORDERTRACE_BINARY, "ack", "ORD-1", "--note", "x", "--no-cache"});
  EXPECT_EQ(off.exit_code, 2) << off.err;
  EXPECT_NE(off.err.find("ack needs the cache"), std::string::npos) << off.err;
  ProcessOptions environment;
  environment.env["ORDERTRACE_CACHE"] = "off";
  const auto off_env =
      test::run_process({ORDERTRACE_BINARY, "ack", "ORD-1", "--note", "x"}, environment);
  EXPECT_EQ(off_env.exit_code, 2) << off_env.err;
  EXPECT_NE(off_env.err.find("ack needs the cache"), std::string::npos) << off_env.err;
}

// Exit 3 only for lost orders nobody acknowledged; known ones are listed after the new ones.
TEST_F(AckCli, AnAcknowledgedLostOrderMovesToTheKnownSection) {
  const json queue = manifest(k_lost_in_queue);
  const json consumer = manifest(k_consumer_error);
  const json stalled = manifest(k_stalled);
  ASSERT_EQ(queue["verdict"], "LOST");
  ASSERT_EQ(consumer["verdict"], "LOST");
  ASSERT_EQ(stalled["verdict"], "STALLED");
  const std::vector<std::string> files = {k_lost_in_queue, k_consumer_error, k_stalled};
  const std::string now = scenario_now();

  const auto before = report(files, now);
  ASSERT_EQ(before.exit_code, 3) << before.err;
  EXPECT_EQ(json::parse(before.out)["known"], json::array());
  EXPECT_EQ(json::parse(before.out)["lost_unacknowledged"], 2);

  ASSERT_EQ(ack({queue["order_id"], "--note", "SUP-1", "--now", now, "--until", "2d"}).exit_code,
            0);
  const auto one = report(files, now);
  ASSERT_EQ(one.exit_code, 3) << "one lost order is still unacknowledged";
  json parsed = json::parse(one.out);
  EXPECT_EQ(ids(parsed["known"]), std::vector<std::string>{queue["order_id"]});
  EXPECT_EQ(parsed["lost_unacknowledged"], 1);
  EXPECT_EQ(parsed["lost_acknowledged"], 1);
  ASSERT_EQ(parsed["problems"].size(), 3U);
  // New problems first; the known one last, with its note.
  EXPECT_EQ(parsed["problems"][2]["order_id"], queue["order_id"]);
  EXPECT_EQ(parsed["problems"][2]["acknowledged"]["note"], "SUP-1");
  EXPECT_TRUE(parsed["problems"][0]["acknowledged"].is_null());
  EXPECT_TRUE(parsed["problems"][1]["acknowledged"].is_null());

  ASSERT_EQ(ack({consumer["order_id"], "--note", "SUP-2", "--now", now}).exit_code, 0);
  const auto all_known = report(files, now, {"--format", "text"});
  EXPECT_EQ(all_known.exit_code, 0) << "every lost order is known: " << all_known.err;
  const auto known_at = all_known.out.find("Known problems");
  ASSERT_NE(known_at, std::string::npos) << all_known.out;
  EXPECT_GT(all_known.out.find("LOST  " + queue["order_id"].get<std::string>()), known_at);
  EXPECT_LT(all_known.out.find("STALLED  " + stalled["order_id"].get<std::string>()), known_at);
  EXPECT_NE(all_known.out.find("known: SUP-1"), std::string::npos);

  // Three days on, the first ack (2 days) has expired: exit 3 again.
  const auto expired = report(files, "2026-11-23T12:00:00Z");
  EXPECT_EQ(expired.exit_code, 3) << expired.err;
  parsed = json::parse(expired.out);
  EXPECT_EQ(ids(parsed["known"]), std::vector<std::string>{consumer["order_id"]});

  // The metrics count the known lost orders apart.
  const fs::path metrics = m_dir.path() / "metrics.prom";
  report(files, now, {"--metrics-file", metrics.string()});
  EXPECT_NE(read_file(metrics).find("\nordertrace_report_known_lost_orders 2\n"), std::string::npos)
      << read_file(metrics);
}

// The second run names what the first did not have; re-running a window compares with the
// run before it, not with itself; another source has its own history.
TEST_F(AckCli, NewSinceTheLastRunAcrossRuns) {
  const json queue = manifest(k_lost_in_queue);
  const json stalled = manifest(k_stalled);
  const std::vector<std::string> files = {k_lost_in_queue, k_stalled};
  // Before the stalled order's allowance ran out, it is on track.
  const std::string early = "2026-11-19T00:00:00Z";
  const std::string now = scenario_now();

  const auto first = report(files, early, {"--since", "30d"});
  ASSERT_EQ(first.exit_code, 3) << first.err;
  json parsed = json::parse(first.out);
  EXPECT_TRUE(parsed["previous_run"].is_null());
  EXPECT_EQ(ids(parsed["new_since_last_run"]), std::vector<std::string>{queue["order_id"]});

  for (int run = 0; run < 2; ++run) {
    const auto second = report(files, now, {"--since", "30d"});
    ASSERT_EQ(second.exit_code, 3) << second.err;
    parsed = json::parse(second.out);
    EXPECT_EQ(parsed["previous_run"]["window_until"], early) << run;
    EXPECT_EQ(ids(parsed["new_since_last_run"]), std::vector<std::string>{stalled["order_id"]})
        << run;
    for (const auto& problem : parsed["problems"]) {
      EXPECT_EQ(problem["new_since_last_run"], problem["order_id"] == stalled["order_id"]);
    }
  }
  const auto text = report(files, now, {"--since", "30d", "--format", "text"});
  const auto section = text.out.find("New since the last run");
  ASSERT_NE(section, std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("  STALLED " + stalled["order_id"].get<std::string>(), section),
            text.out.find('\n', section) + 1)
      << text.out;

  // Another set of files: no history of its own yet.
  const auto other = report({k_stalled}, now, {"--since", "30d"});
  EXPECT_TRUE(json::parse(other.out)["previous_run"].is_null());
  // Without the cache nothing is compared.
  const auto uncached =
      test::run_process({ORDERTRACE_BINARY, "report", "--now", now, "--source",
                         (k_scenarios / k_stalled).string(), "--no-cache", "--format", "json"});
  EXPECT_EQ(json::parse(uncached.out)["compared_with_previous_run"], false);
}

} // namespace
} // namespace ordertrace

// The simulator through a real Jaeger: a simulated month sent with `ordertrace-sim --otlp`
// (OTLP/HTTP JSON in batches), then every order judged by `ordertrace show --jaeger` and
// compared with the manifest: the accuracy targets of issue #4 hold through Jaeger too.
// Its orders (prefix SIMLIVE, a month ending 2026-07-01) are in no other test's window.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

#include "support/live_jaeger.hpp"
#include "support/run_process.hpp"

namespace ordertrace {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path k_env_file = ORDERTRACE_JAEGER_ENV;
constexpr const char* k_now = "2026-07-01T12:00:00Z";
constexpr const char* k_orders = "300";

TEST(SimLive, SimulatedMonthThroughJaegerMeetsTheAccuracyTargets) {
  const auto jaeger = test::read_live_jaeger(k_env_file);
  const fs::path dir =
      fs::temp_directory_path() / ("ordertrace-sim-live-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path manifest = dir / "manifest.jsonl";

  // Sent by the simulator itself; --parallel 1 below keeps the first reads of each fresh
  // trace one at a time (Jaeger v2.13's memory store tears traces under concurrent first
  // reads, jaegertracing/jaeger#7986).
  const auto sent = test::run_process({ORDERTRACE_SIM_BINARY, "-n", k_orders, "--now", k_now,
                                       "--id-prefix", "SIMLIVE", "--otlp", jaeger.otlp_url,
                                       "--batch", "25", "--manifest", manifest.string()});
  ASSERT_EQ(sent.exit_code, 0) << sent.err;

  std::vector<json> expected;
  std::vector<std::string> args = {
      ORDERTRACE_BINARY, "show", "--jaeger",   jaeger.url, "--now", k_now, "--since", "60d",
      "--parallel",      "1",    "--no-cache", "--format", "json"};
  std::ifstream lines(manifest);
  for (std::string line; std::getline(lines, line);) {
    expected.push_back(json::parse(line));
    args.push_back(expected.back()["order_id"]);
  }
  ASSERT_EQ(expected.size(), 300U);
  const auto shown = test::run_process(args);
  fs::remove_all(dir);
  bool any_not_found = false;
  for (const auto& row : expected) {
    any_not_found = any_not_found || row["verdict"] == "NOT_FOUND";
  }
  ASSERT_EQ(shown.exit_code, any_not_found ? 4 : 0) << shown.err;
  const json reports = json::parse(shown.out);
  ASSERT_TRUE(reports.is_array());
  std::map<std::string, json> by_id;
  for (const auto& report : reports) {
    by_id[report["order_id"]] = report;
  }

  std::size_t lost_expected = 0, lost_judged = 0, lost_right = 0;
  std::size_t suspects_expected = 0, suspects_right = 0;
  std::string mismatches;
  for (const auto& row : expected) {
    ASSERT_TRUE(by_id.count(row["order_id"]));
    const json& report = by_id[row["order_id"]];
    const bool want_lost = row["verdict"] == "LOST";
    const bool got_lost = report["verdict"] == "LOST";
    lost_expected += want_lost ? 1 : 0;
    lost_judged += got_lost ? 1 : 0;
    lost_right += want_lost && got_lost ? 1 : 0;
    if (!row["suspect"].is_null()) {
      ++suspects_expected;
      suspects_right += report["verdict"] == row["verdict"] && report["suspect"] == row["suspect"];
    }
    if (report["verdict"] != row["verdict"]) {
      mismatches += row.dump() + " judged " + report["verdict"].dump() + ": " +
                    report["reason"].dump() + "\n";
    }
  }
  ASSERT_GT(lost_expected, 3U);
  EXPECT_EQ(lost_right, lost_expected) << "LOST recall\n" << mismatches;
  EXPECT_GE(static_cast<double>(lost_right), 0.99 * static_cast<double>(lost_judged))
      << "LOST precision\n"
      << mismatches;
  EXPECT_GE(static_cast<double>(suspects_right), 0.95 * static_cast<double>(suspects_expected))
      << "suspects\n"
      << mismatches;
}

} // namespace
} // namespace ordertrace

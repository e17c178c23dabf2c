// The interop corpus (tests/data/interop: real OpenTelemetry SDKs, a real RabbitMQ,
// recorded by scripts/interop.sh) replayed into the fixture's real Jaeger and judged
// through `ordertrace show --jaeger`: each recorded order must get the verdict, suspect and
// last state of the recording's manifest, as it does from the files. The replay is the
// recording's api_v3 answers unwrapped from {"result": ...}: OTLP JSON as the SDKs sent it.
// The recording's time range and order ids (IOP-*) do not overlap the other live tests'
// data (around 2026-11-20, ORD-*).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/live_jaeger.hpp"
#include "support/run_process.hpp"

namespace ordertrace {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path k_env_file = ORDERTRACE_JAEGER_ENV;
const fs::path k_corpus = fs::path(ORDERTRACE_SOURCE_DIR) / "tests/data/interop";

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string corpus_now() {
  std::string now = read_text(k_corpus / "now.txt");
  while (!now.empty() && std::isspace(static_cast<unsigned char>(now.back()))) {
    now.pop_back();
  }
  return now;
}

struct RecordedOrder {
  std::string name; // gtest-safe
  json expected;    // its manifest line
};

void PrintTo(const RecordedOrder& order, std::ostream* out) {
  *out << order.name;
}

std::vector<RecordedOrder> recorded_orders() {
  std::vector<RecordedOrder> orders;
  std::istringstream lines(read_text(k_corpus / "manifest.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) {
      continue;
    }
    json expected = json::parse(line);
    std::string name = expected["order_id"];
    std::replace_if(
        name.begin(), name.end(),
        [](char c) { return std::isalnum(static_cast<unsigned char>(c)) == 0; }, '_');
    orders.push_back({name, std::move(expected)});
  }
  return orders;
}

// Every api_v3 answer of the corpus, unwrapped and merged into one OTLP export request.
fs::path write_replay(const fs::path& dir) {
  json request = {{"resourceSpans", json::array()}};
  std::vector<fs::path> answers;
  for (const auto& entry : fs::directory_iterator(k_corpus / "v3")) {
    answers.push_back(entry.path());
  }
  std::sort(answers.begin(), answers.end());
  for (const auto& answer : answers) {
    json document = json::parse(read_text(answer));
    for (auto& resource_spans : document.at("result").at("resourceSpans")) {
      request["resourceSpans"].push_back(std::move(resource_spans));
    }
  }
  const fs::path file = dir / "interop-replay.otlp.json";
  std::ofstream(file, std::ios::binary) << request.dump();
  return file;
}

// The fixture's Jaeger with the corpus in it, posted once per Jaeger process (a marker of
// its own, beside the other live tests' one).
const test::LiveJaeger& jaeger() {
  static const test::LiveJaeger live = [] {
    auto found = test::read_live_jaeger(k_env_file);
    const fs::path state_dir = k_env_file.parent_path() / "interop";
    fs::create_directories(state_dir);
    const test::TempDir scratch;
    test::post_once(found, {write_replay(scratch.path())}, state_dir);
    return found;
  }();
  return live;
}

class InteropLive : public ::testing::TestWithParam<RecordedOrder> {};

TEST_P(InteropLive, ShowThroughJaegerGivesTheRecordedVerdict) {
  const json& expected = GetParam().expected;
  // A cache of its own: answers from another test's Jaeger must not stand in for this one's.
  const test::TempDir cache_dir;
  test::ProcessOptions options;
  options.env["ORDERTRACE_CACHE"] = (cache_dir.path() / "cache.db").string();
  const auto r = test::run_process({ORDERTRACE_BINARY, "show", expected["order_id"], "--jaeger",
                                    jaeger().url, "--now", corpus_now(), "--format", "json",
                                    // one read at a time: see tests/CMakeLists.txt
                                    "--parallel", "1"},
                                   options);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json report = json::parse(r.out);
  EXPECT_EQ(report["order_id"], expected["order_id"]);
  EXPECT_EQ(report["verdict"], expected["verdict"]) << expected["note"] << "\n" << report["reason"];
  EXPECT_EQ(report["suspect"], expected["suspect"]) << report["reason"];
  EXPECT_EQ(report["last_state"]["state"], expected["last_state"]);
}

INSTANTIATE_TEST_SUITE_P(Recorded, InteropLive, ::testing::ValuesIn(recorded_orders()),
                         [](const auto& param_info) { return param_info.param.name; });

} // namespace
} // namespace ordertrace

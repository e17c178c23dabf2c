// Golden tests: every scenario of tests/data/scenarios (each fault kind of lifecycle.md
// and the tracing contract's cases) and every demo order goes through the whole pipeline
// (decode, select, judge, render). Two checks per order: the verdict, suspect and last
// state agree with the manifest, the ground truth written from the verdict table when the
// data was generated; and the JSON report is the reviewed one in tests/data/golden/.
// ORDERTRACE_UPDATE_GOLDEN=1 rewrites the golden files (review the diff before committing).

#include <ordertrace/config/lifecycle_file.hpp>
#include <ordertrace/lifecycle/engine.hpp>
#include <ordertrace/report/render.hpp>
#include <ordertrace/source/span_store.hpp>
#include <ordertrace/util/time.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace ordertrace {
namespace {

namespace fs = std::filesystem;

const fs::path k_source_dir = ORDERTRACE_SOURCE_DIR;

struct Case {
  std::string name; // gtest-safe name
  std::vector<fs::path> files;
  fs::path golden;
  nlohmann::json expected; // the manifest line
  std::int64_t now_ns = 0;
  fs::path lifecycle; // empty: the built-in default
};

// gtest prints a failing parameter with this instead of its bytes.
void PrintTo(const Case& c, std::ostream* out) {
  *out << c.name;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::int64_t read_now(const fs::path& path) {
  std::string text = read_file(path);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return util::parse_rfc3339(text).value();
}

std::string test_name(std::string text) {
  for (char& c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      c = '_';
    }
  }
  return text;
}

std::vector<Case> scenario_cases() {
  const fs::path dir = k_source_dir / "tests/data/scenarios";
  const std::int64_t now = read_now(dir / "now.txt");
  std::vector<Case> cases;
  std::ifstream manifest(dir / "manifest.jsonl");
  for (std::string line; std::getline(manifest, line);) {
    auto expected = nlohmann::json::parse(line);
    const std::string file = expected.at("file");
    const std::string stem = file.substr(0, file.find('.'));
    // A line may name the lifecycle to judge by (relative to the source tree) and a "now"
    // of its own (a weekend, a holiday).
    const fs::path lifecycle = expected.contains("lifecycle")
                                   ? k_source_dir / expected.at("lifecycle").get<std::string>()
                                   : fs::path();
    const std::int64_t line_now =
        expected.contains("now")
            ? util::parse_rfc3339(expected.at("now").get<std::string>()).value()
            : now;
    cases.push_back({test_name("scenario_" + stem),
                     {dir / file},
                     k_source_dir / "tests/data/golden" / (stem + ".json"),
                     expected,
                     line_now,
                     lifecycle});
  }
  return cases;
}

std::vector<Case> demo_cases() {
  const fs::path dir = k_source_dir / "tests/data/showcase";
  const std::int64_t now = read_now(dir / "now.txt");
  std::vector<Case> cases;
  std::ifstream manifest(dir / "manifest.jsonl");
  for (std::string line; std::getline(manifest, line);) {
    auto expected = nlohmann::json::parse(line);
    const std::string order = expected.at("order_id");
    cases.push_back({test_name("demo_" + order),
                     {dir / "shop-week-otlp.json", dir / "shop-week-jaeger.json"},
                     k_source_dir / "tests/data/golden" / ("demo-" + order + ".json"),
                     expected,
                     now,
                     {}});
  }
  return cases;
}

std::vector<Case> all_cases() {
  auto cases = scenario_cases();
  auto demo = demo_cases();
  cases.insert(cases.end(), demo.begin(), demo.end());
  return cases;
}

class Golden : public ::testing::TestWithParam<Case> {};

TEST_P(Golden, VerdictMatchesTheManifestAndTheReportTheGoldenFile) {
  const Case& c = GetParam();
  const auto definition =
      c.lifecycle.empty() ? config::default_lifecycle() : config::load_lifecycle_file(c.lifecycle);
  source::SpanStore store;
  source::load_files(c.files, store);
  const std::string order_id = c.expected.at("order_id");
  const auto spans = store.select_order(order_id, definition.order_id_keys);
  const auto assessment = lifecycle::assess(definition, spans, order_id, c.now_ns);

  std::ostringstream rendered;
  report::RenderOptions options;
  options.lifecycle_name = definition.name;
  report::render_json(rendered, assessment, options);
  const auto report = nlohmann::json::parse(rendered.str());

  EXPECT_EQ(report.at("verdict"), c.expected.at("verdict")) << report.at("reason");
  EXPECT_EQ(report.at("suspect"), c.expected.at("suspect")) << report.at("reason");
  const auto& last_state = report.at("last_state");
  EXPECT_EQ(last_state.is_null() ? nlohmann::json() : last_state.at("state"),
            c.expected.at("last_state"));

  if (const char* update = std::getenv("ORDERTRACE_UPDATE_GOLDEN"); update && *update == '1') {
    std::ofstream(c.golden, std::ios::binary) << rendered.str();
    GTEST_SKIP() << "rewrote " << c.golden;
  }
  ASSERT_TRUE(fs::exists(c.golden))
      << c.golden << " is missing: run with ORDERTRACE_UPDATE_GOLDEN=1";
  EXPECT_EQ(report, nlohmann::json::parse(read_file(c.golden)))
      << "the report of " << order_id << " differs from " << c.golden;
}

INSTANTIATE_TEST_SUITE_P(Orders, Golden, ::testing::ValuesIn(all_cases()),
                         [](const auto& param_info) { return param_info.param.name; });

} // namespace
} // namespace ordertrace

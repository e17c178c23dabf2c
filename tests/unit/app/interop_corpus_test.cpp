// The interop corpus (tests/data/interop, recorded by scripts/interop.sh from services
// instrumented with the real OpenTelemetry SDKs of Python and Node.js, a real RabbitMQ and
// the real Jaeger): every recorded order gets the verdict, suspect and last state the
// driver wrote to manifest.jsonl, judged at the recording's now.txt, from each of Jaeger's
// answers alike: per trace (legacy/, v3/) and per service search (legacy-search/,
// v3-search/, where a trace of several services comes more than once).

#include <ordertrace/config/lifecycle_file.hpp>
#include <ordertrace/lifecycle/engine.hpp>
#include <ordertrace/report/render.hpp>
#include <ordertrace/source/span_store.hpp>
#include <ordertrace/util/time.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace ordertrace {
namespace {

namespace fs = std::filesystem;

const fs::path k_corpus = fs::path(ORDERTRACE_SOURCE_DIR) / "tests/data/interop";
const std::vector<std::string> k_formats = {"legacy", "v3", "legacy-search", "v3-search"};

struct Case {
  std::string name;        // gtest-safe
  std::string format;      // the corpus subdirectory: one of k_formats
  nlohmann::json expected; // the manifest line
};

void PrintTo(const Case& c, std::ostream* out) {
  *out << c.name;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::int64_t corpus_now() {
  std::string text = read_file(k_corpus / "now.txt");
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return util::parse_rfc3339(text).value();
}

std::vector<nlohmann::json> manifest() {
  std::vector<nlohmann::json> lines;
  std::ifstream in(k_corpus / "manifest.jsonl");
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) {
      lines.push_back(nlohmann::json::parse(line));
    }
  }
  return lines;
}

std::vector<fs::path> trace_files(const std::string& format) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(k_corpus / format)) {
    if (entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Each format's files decoded once for all its orders.
const source::SpanStore& corpus_store(const std::string& format) {
  static const std::map<std::string, source::SpanStore> stores = [] {
    std::map<std::string, source::SpanStore> loaded;
    for (const auto& name : k_formats) {
      source::load_files(trace_files(name), loaded[name]);
    }
    return loaded;
  }();
  return stores.at(format);
}

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (const auto& format : k_formats) {
    for (const auto& expected : manifest()) {
      std::string name = format + "_" + expected.at("order_id").get<std::string>();
      std::replace_if(
          name.begin(), name.end(), [](unsigned char c) { return !std::isalnum(c); }, '_');
      cases.push_back({name, format, expected});
    }
  }
  return cases;
}

TEST(InteropCorpus, HoldsTheRecordingAndBothFormatsOfEveryTrace) {
  ASSERT_TRUE(fs::exists(k_corpus / "now.txt")) << "re-record with scripts/interop.sh";
  EXPECT_GE(manifest().size(), 10U);
  const auto legacy = trace_files("legacy");
  const auto v3 = trace_files("v3");
  ASSERT_FALSE(legacy.empty());
  ASSERT_EQ(legacy.size(), v3.size());
  for (std::size_t i = 0; i < legacy.size(); ++i) {
    EXPECT_EQ(legacy[i].filename(), v3[i].filename());
  }
  // The same spans whichever API served them; the searches hold every one of them too.
  EXPECT_EQ(corpus_store("legacy").size(), corpus_store("v3").size());
  EXPECT_GE(corpus_store("legacy-search").size(), corpus_store("legacy").size());
  EXPECT_GE(corpus_store("v3-search").size(), corpus_store("v3").size());
}

class InteropOrder : public ::testing::TestWithParam<Case> {};

TEST_P(InteropOrder, GetsTheVerdictAndSuspectTheDriverRecorded) {
  const Case& c = GetParam();
  const auto definition = config::default_lifecycle();
  const std::string order_id = c.expected.at("order_id");
  const auto spans = corpus_store(c.format).select_order(order_id, definition.order_id_keys);
  const auto assessment = lifecycle::assess(definition, spans, order_id, corpus_now());

  std::ostringstream rendered;
  report::RenderOptions options;
  options.lifecycle_name = definition.name;
  report::render_json(rendered, assessment, options);
  const auto report = nlohmann::json::parse(rendered.str());

  EXPECT_EQ(report.at("verdict"), c.expected.at("verdict")) << c.expected.at("note") << "\n"
                                                            << report.at("reason");
  EXPECT_EQ(report.at("suspect"), c.expected.at("suspect")) << report.at("reason");
  const auto& last_state = report.at("last_state");
  EXPECT_EQ(last_state.is_null() ? nlohmann::json() : last_state.at("state"),
            c.expected.at("last_state"));
}

INSTANTIATE_TEST_SUITE_P(Recorded, InteropOrder, ::testing::ValuesIn(all_cases()),
                         [](const auto& param_info) { return param_info.param.name; });

} // namespace
} // namespace ordertrace

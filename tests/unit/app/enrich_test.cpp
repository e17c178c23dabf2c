// `enrich` on ticket files: every input under tests/data/enrich/ (CSV and JSON Lines:
// quoting, empty cells, unknown columns, unknown orders, malformed rows) is enriched from
// the hand-made showcase traces (tests/data/showcase/) at their now.txt and compared with
// its reviewed expected output. ORDERTRACE_UPDATE_GOLDEN=1 rewrites the expected files
// (review the diff).

#include <ordertrace/app/enrich.hpp>
#include <ordertrace/app/enrich_command.hpp>
#include <ordertrace/config/lifecycle_file.hpp>
#include <ordertrace/source/span_store.hpp>
#include <ordertrace/util/error.hpp>
#include <ordertrace/util/time.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace ordertrace::app {
namespace {

namespace fs = std::filesystem;

const fs::path k_source_dir = ORDERTRACE_SOURCE_DIR;
const fs::path k_data = k_source_dir / "tests/data/enrich";
const fs::path k_showcase = k_source_dir / "tests/data/showcase";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::int64_t showcase_now() {
  std::string text = read_file(k_showcase / "now.txt");
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return util::parse_rfc3339(text).value();
}

// The showcase traces, loaded once for the whole binary.
const source::SpanStore& showcase_store() {
  static const source::SpanStore k_store = [] {
    source::SpanStore store;
    const std::vector<fs::path> files = {k_showcase / "shop-week-otlp.json",
                                         k_showcase / "shop-week-jaeger.json"};
    source::load_files(files, store);
    return store;
  }();
  return k_store;
}

struct Enriched {
  std::string out;
  EnrichStats stats;
};

Enriched enrich(const std::string& input, EnrichOptions options = {}) {
  const auto definition = config::default_lifecycle();
  StoreOrderSource source(showcase_store(), definition);
  if (options.now_ns == 0) {
    options.now_ns = showcase_now();
  }
  std::istringstream in(input);
  std::ostringstream out;
  Enriched result;
  result.stats = run_enrich(options, definition, source, in, out);
  result.out = out.str();
  return result;
}

class EnrichFiles : public ::testing::TestWithParam<std::string> {};

TEST_P(EnrichFiles, MatchTheExpectedOutputAndAreStableOnASecondRun) {
  const fs::path input = k_data / GetParam();
  const fs::path expected =
      k_data / (input.stem().string() + ".expected" + input.extension().string());
  const Enriched first = enrich(read_file(input));
  if (const char* update = std::getenv("ORDERTRACE_UPDATE_GOLDEN"); update && *update == '1') {
    std::ofstream(expected, std::ios::binary) << first.out;
    GTEST_SKIP() << "rewrote " << expected;
  }
  ASSERT_TRUE(fs::exists(expected))
      << expected << " is missing: run with ORDERTRACE_UPDATE_GOLDEN=1";
  EXPECT_EQ(first.out, read_file(expected));
  // Idempotent: enriching the enriched tickets adds nothing and changes nothing.
  EXPECT_EQ(enrich(first.out).out, first.out);
}

INSTANTIATE_TEST_SUITE_P(Tickets, EnrichFiles,
                         ::testing::Values("tickets.csv", "tickets.jsonl", "rerun.csv"),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           for (char& c : name) {
                             c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           }
                           return name;
                         });

TEST(Enrich, CountsEnrichedNotFoundAndFailedRows) {
  const Enriched result = enrich(read_file(k_data / "tickets.csv"));
  EXPECT_EQ(result.stats.rows, 9U);
  EXPECT_EQ(result.stats.enriched, 7U);
  EXPECT_EQ(result.stats.not_found, 1U);
  EXPECT_EQ(result.stats.failed, 2U);
}

TEST(Enrich, DetectsTheFormatAndHonoursAnExplicitOne) {
  EXPECT_NE(
      enrich("\n{\"order_id\":\"ORD-2026-0007\"}\n").out.find("\"ordertrace_verdict\":\"LOST\""),
      std::string::npos);
  EnrichOptions csv;
  csv.format = TicketFormat::csv;
  EXPECT_THROW(enrich("{\"order_id\":\"ORD-2026-0007\"}\n", csv), UsageError);
}

TEST(Enrich, TakesConfiguredColumnNames) {
  EnrichOptions options;
  options.order_id_column = "Order";
  options.trace_id_column = "Trace ID";
  const std::string out =
      enrich("Order,Trace ID\nORD-2026-0004,\n,d2036b8490047d60\n", options).out;
  std::istringstream lines(out);
  std::string header;
  std::string first;
  std::string second;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_EQ(header.substr(0, 15), "Order,Trace ID,");
  EXPECT_NE(first.find(",STALLED,"), std::string::npos) << first;
  EXPECT_NE(second.find("ORD-2026-0006,LOST,"), std::string::npos) << second;
}

TEST(Enrich, RefusesACsvWithoutIdColumnsBeforeWritingAnything) {
  std::ostringstream out;
  const auto definition = config::default_lifecycle();
  StoreOrderSource source(showcase_store(), definition);
  std::istringstream in("ticket,subject\nT-1,hello\n");
  try {
    run_enrich(EnrichOptions{}, definition, source, in, out);
    FAIL() << "no UsageError";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()),
              "the tickets have neither an 'order_id' nor a 'trace_id' column (columns: ticket, "
              "subject); name them with --order-column or --trace-column");
  }
  EXPECT_EQ(out.str(), "");
}

TEST(Enrich, WritesAMarkdownBlockPerTicket) {
  EnrichOptions options;
  options.markdown = true;
  const std::string out =
      enrich("ticket,order_id,trace_id\nT-1,ORD-2026-0007,\nT-2,,zz\n", options).out;
  EXPECT_NE(out.find("### ORD-2026-0007\n\n**LOST** · order `ORD-2026-0007` · suspect: **mes**"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("trace `f74688d2cd84529b54ee12d9b5127e44` span `432ba37289da88e0`"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("### trace zz\n\nordertrace could not answer: invalid trace_id 'zz'"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("ticket,"), std::string::npos) << "no CSV in Markdown mode";
}

// A source that notes how much output existed when each order was asked for.
class RecordingSource : public OrderSource {
public:
  explicit RecordingSource(const std::ostringstream& out) : m_out(out) {}
  JudgedOrder judge(const std::string& order_id, std::int64_t now_ns) override {
    output_sizes.push_back(m_out.str().size());
    JudgedOrder judged;
    judged.assessment.order_id = order_id;
    judged.assessment.now_ns = now_ns;
    return judged;
  }
  std::vector<std::string> orders_in_trace(const model::TraceId&) override { return {}; }
  std::vector<std::size_t> output_sizes;

private:
  const std::ostringstream& m_out;
};

TEST(Enrich, StreamsEachRowOutBeforeJudgingTheNext) {
  std::string input = "order_id\n";
  for (int i = 0; i < 2000; ++i) {
    input += "ORD-" + std::to_string(i) + "\n";
  }
  std::istringstream in(input);
  std::ostringstream out;
  RecordingSource source(out);
  const auto stats = run_enrich(EnrichOptions{}, config::default_lifecycle(), source, in, out);
  EXPECT_EQ(stats.rows, 2000U);
  EXPECT_EQ(stats.not_found, 2000U);
  ASSERT_EQ(source.output_sizes.size(), 2000U);
  for (std::size_t i = 1; i < source.output_sizes.size(); ++i) {
    ASSERT_GT(source.output_sizes[i], source.output_sizes[i - 1]) << "row " << i;
  }
}

TEST(Enrich, JudgesEachOrderOncePerBatch) {
  std::istringstream in("order_id\nORD-1\nORD-1\nORD-1\n");
  std::ostringstream out;
  RecordingSource source(out);
  run_enrich(EnrichOptions{}, config::default_lifecycle(), source, in, out);
  EXPECT_EQ(source.output_sizes.size(), 1U);
}

TEST(EnrichCommand, ReadsTheTicketFileJudgesFromTraceFilesAndSummarises) {
  EnrichCommandOptions options;
  options.input = k_data / "tickets.csv";
  options.sources = {k_showcase / "shop-week-otlp.json", k_showcase / "shop-week-jaeger.json"};
  options.now = "2026-11-20T12:00:00Z";
  std::istringstream unused;
  std::ostringstream out;
  std::ostringstream diagnostics;
  EXPECT_EQ(run_enrich_command(options, unused, out, diagnostics), ExitCode::runtime_error);
  EXPECT_EQ(out.str(), read_file(k_data / "tickets.expected.csv"));
  EXPECT_EQ(diagnostics.str(), "ordertrace: 9 tickets: 7 enriched (1 order not found), 2 not "
                               "enriched (see ordertrace_error)\n");
}

TEST(EnrichCommand, ChecksOptionsBeforeReadingAnything) {
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream diagnostics;
  EnrichCommandOptions options;
  options.input_format = "xml";
  EXPECT_THROW(run_enrich_command(options, in, out, diagnostics), UsageError);
  options = {};
  options.format = "json";
  EXPECT_THROW(run_enrich_command(options, in, out, diagnostics), UsageError);
  options = {};
  options.now = "yesterday";
  EXPECT_THROW(run_enrich_command(options, in, out, diagnostics), UsageError);
  options = {};
  options.order_column = "";
  EXPECT_THROW(run_enrich_command(options, in, out, diagnostics), UsageError);
  options = {};
  options.input = "/nonexistent/tickets.csv";
  options.sources = {k_showcase / "shop-week-otlp.json"};
  EXPECT_THROW(run_enrich_command(options, in, out, diagnostics), InputError);
  EXPECT_EQ(out.str(), "");
}

TEST(JudgeTrace, ListsTheOrdersOfATraceMostUrgentFirst) {
  const auto definition = config::default_lifecycle();
  StoreOrderSource source(showcase_store(), definition);
  const auto judged =
      judge_trace(source, *model::TraceId::parse("d2036b8490047d60"), showcase_now());
  ASSERT_EQ(judged.size(), 1U);
  EXPECT_EQ(judged[0].assessment.order_id, "ORD-2026-0006");
  EXPECT_EQ(judged[0].assessment.verdict, lifecycle::Verdict::lost);
  EXPECT_FALSE(judged[0].spans.empty());
}

} // namespace
} // namespace ordertrace::app

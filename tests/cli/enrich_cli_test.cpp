// `ordertrace enrich`, `show --trace` and `--format md` as a user runs them, on the showcase
// traces (tests/data/showcase).

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/run_process.hpp"
#include "support/test_data.hpp"

namespace ordertrace {
namespace {

using test::ProcessOptions;
using test::run_process;

const std::string k_root = ORDERTRACE_SOURCE_DIR;

using test::read_file;

test::ProcessResult ordertrace(std::vector<std::string> args, const std::string& input = {}) {
  ProcessOptions options;
  options.input = input;
  args.insert(args.begin(), ORDERTRACE_BINARY);
  for (const std::string file : {"shop-week-otlp.json", "shop-week-jaeger.json"}) {
    args.push_back("--source");
    args.push_back(k_root + "/tests/data/showcase/" + file);
  }
  args.push_back("--now");
  args.push_back("2026-11-20T12:00:00Z");
  return run_process(args, options);
}

TEST(EnrichCli, EnrichesAFileAndReportsRowsItCouldNotEnrich) {
  const auto result = ordertrace({"enrich", k_root + "/tests/data/enrich/tickets.csv"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(result.out, read_file(k_root + "/tests/data/enrich/tickets.expected.csv"));
  EXPECT_EQ(result.err, "ordertrace: 9 tickets: 7 enriched (1 order not found), 2 not enriched "
                        "(see ordertrace_error)\n");
}

TEST(EnrichCli, ReadsJsonLinesFromStandardInput) {
  const auto result = ordertrace({"enrich"}, "{\"order_id\":\"ORD-2026-0005\"}\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("\"ordertrace_verdict\":\"LOST\""), std::string::npos) << result.out;
}

TEST(EnrichCli, RefusesABadFormatAsAUsageError) {
  const auto result = ordertrace({"enrich", "--format", "xml"}, "order_id\nX\n");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err.substr(0, 45), "ordertrace: error: invalid --format 'xml'; ch");
}

TEST(ShowTraceCli, ListsTheOrdersOfATraceAsAJsonArray) {
  const auto result = ordertrace({"show", "--trace", "d2036b8490047d60", "--format", "json"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out.substr(0, 30), "[\n  {\n    \"order_id\": \"ORD-202");
  EXPECT_NE(result.out.find("\"ORD-2026-0006\""), std::string::npos);
}

TEST(ShowTraceCli, ATraceWithoutOrdersIsNotFound) {
  const auto result = ordertrace({"show", "--trace", "1234"});
  EXPECT_EQ(result.exit_code, 4);
  EXPECT_EQ(result.err, "ordertrace: no order found in trace 00000000000000000000000000001234\n");
}

TEST(ShowTraceCli, WritesAMarkdownBlockWithoutTheDemoEmail) {
  const auto result = ordertrace({"show", "ORD-2026-0007", "--format", "md"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out.substr(0, 51), "**LOST** · order `ORD-2026-0007` · suspect: **mes");
  EXPECT_EQ(result.out.find("example.invalid"), std::string::npos);
}

} // namespace
} // namespace ordertrace

// `ordertrace show ID ID ...` and ids from stdin (`-`): one report per order, in the order
// given, each id once; exit 4 when any is not found, the others still shown (cli.md).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/run_process.hpp"

namespace ordertrace {
namespace {

using nlohmann::json;
using test::ProcessOptions;
using test::ProcessResult;
using test::run_process;

const std::string k_showcase = std::string(ORDERTRACE_SOURCE_DIR) + "/tests/data/showcase/";

ProcessOptions with_input(std::string input) {
  ProcessOptions options;
  options.input = std::move(input);
  return options;
}

// `show` over the showcase files, judged at their "now".
ProcessResult show(const std::vector<std::string>& ids, const std::vector<std::string>& extra = {},
                   std::string input = "") {
  std::vector<std::string> args = {ORDERTRACE_BINARY, "show",
                                   "--source",        k_showcase + "shop-week-otlp.json",
                                   "--source",        k_showcase + "shop-week-jaeger.json",
                                   "--now",           "2026-11-20T12:00:00Z",
                                   "--lang",          "en"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.insert(args.end(), ids.begin(), ids.end());
  return run_process(args, with_input(std::move(input)));
}

// order id -> verdict, in the order of the JSON array.
std::vector<std::pair<std::string, std::string>> verdicts(const ProcessResult& result) {
  std::vector<std::pair<std::string, std::string>> out;
  const json reports = json::parse(result.out);
  EXPECT_TRUE(reports.is_array()) << result.out;
  for (const auto& report : reports) {
    out.emplace_back(report.at("order_id").get<std::string>(),
                     report.at("verdict").get<std::string>());
  }
  return out;
}

using Verdicts = std::vector<std::pair<std::string, std::string>>;

TEST(ShowManyCli, SeveralIdsOneReportEachInTheOrderGiven) {
  const auto result =
      show({"ORD-2026-0007", "ORD-2026-0004", "ORD-2026-0001"}, {"--format", "json"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(verdicts(result), (Verdicts{{"ORD-2026-0007", "LOST"},
                                        {"ORD-2026-0004", "STALLED"},
                                        {"ORD-2026-0001", "COMPLETED"}}));
}

TEST(ShowManyCli, TextHasOneBlockPerOrderInTheOrderGiven) {
  const auto result = show({"ORD-2026-0004", "ORD-2026-0007"}, {"--no-color"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  // Each block starts with its verdict line, in the order given.
  const auto stalled = result.out.find("STALLED  order ORD-2026-0004");
  const auto lost = result.out.find("LOST  order ORD-2026-0007");
  ASSERT_NE(stalled, std::string::npos) << result.out;
  ASSERT_NE(lost, std::string::npos) << result.out;
  EXPECT_EQ(stalled, 0U);
  EXPECT_LT(stalled, lost);
  EXPECT_EQ(result.out.substr(lost - 2, 2), "\n\n"); // a blank line between the blocks
}

TEST(ShowManyCli, IdsFromStandardInput) {
  const auto result = show({"-"}, {"--format", "json"},
                           "# tickets of the morning\n"
                           "  ORD-2026-0005  \n"
                           "\n"
                           "ORD-2026-0008\r\n"
                           "   # done: ORD-2026-0001\n"
                           "ORD-2026-0009");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(verdicts(result), (Verdicts{{"ORD-2026-0005", "LOST"},
                                        {"ORD-2026-0008", "LOST"},
                                        {"ORD-2026-0009", "ABANDONED"}}));
}

TEST(ShowManyCli, StandardInputAmongArguments) {
  const auto result = show({"ORD-2026-0004", "-", "ORD-2026-0007"}, {"--format", "json"},
                           "ORD-2026-0005\nORD-2026-0004\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(verdicts(result), (Verdicts{{"ORD-2026-0004", "STALLED"},
                                        {"ORD-2026-0005", "LOST"},
                                        {"ORD-2026-0007", "LOST"}}));
}

TEST(ShowManyCli, DuplicatesAreShownOnceWhereTheyFirstCame) {
  const auto result = show({"ORD-2026-0007", "ORD-2026-0004", "ORD-2026-0007", "-"},
                           {"--format", "json"}, "ORD-2026-0004\nORD-2026-0007\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(verdicts(result), (Verdicts{{"ORD-2026-0007", "LOST"}, {"ORD-2026-0004", "STALLED"}}));
}

TEST(ShowManyCli, OneNotFoundAmongFoundExitsFourAndShowsTheOthers) {
  const auto json_result =
      show({"ORD-2026-0005", "ORD-NOPE", "ORD-2026-0003"}, {"--format", "json"});
  EXPECT_EQ(json_result.exit_code, 4) << json_result.err;
  EXPECT_EQ(verdicts(json_result), (Verdicts{{"ORD-2026-0005", "LOST"},
                                             {"ORD-NOPE", "NOT_FOUND"},
                                             {"ORD-2026-0003", "ON_TRACK"}}));

  const auto text_result = show({"-"}, {"--no-color"}, "ORD-2026-0005\nORD-NOPE\nORD-2026-0003\n");
  EXPECT_EQ(text_result.exit_code, 4) << text_result.err;
  const auto lost = text_result.out.find("LOST  order ORD-2026-0005");
  const auto missing = text_result.out.find("NOT_FOUND  order ORD-NOPE");
  const auto on_track = text_result.out.find("ON_TRACK  order ORD-2026-0003");
  ASSERT_NE(lost, std::string::npos) << text_result.out;
  ASSERT_NE(missing, std::string::npos) << text_result.out;
  ASSERT_NE(on_track, std::string::npos) << text_result.out;
  EXPECT_LT(lost, missing);
  EXPECT_LT(missing, on_track);
}

TEST(ShowManyCli, NoIdsOnStandardInputIsAUsageError) {
  const auto result = show({"-"}, {}, "# nothing today\n\n");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_TRUE(result.err.starts_with("ordertrace: error: show: no order ids on standard input\n"))
      << result.err;
}

TEST(ShowManyCli, StandardInputCannotHoldIdsAndTraces) {
  const auto result = run_process(
      {ORDERTRACE_BINARY, "show", "--source", "-", "--now", "2026-11-20T12:00:00Z", "-"},
      with_input("ORD-2026-0005\n"));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("standard input cannot hold both order ids"), std::string::npos)
      << result.err;
}

} // namespace
} // namespace ordertrace

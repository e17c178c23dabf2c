// `ordertrace report` as cron runs it: verdicts checked against the manifests of the demo
// and scenario data (never hard-coded counts), exit codes, --out, --metrics-file, and no
// personal data in any format.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "support/run_process.hpp"
#include "support/test_data.hpp"

namespace ordertrace {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::ProcessResult;
using test::run_process;
using test::TempDir;

const fs::path k_source_dir = ORDERTRACE_SOURCE_DIR;
// The simulator's month, and the hand-made set in both input formats.
const fs::path k_demo = k_source_dir / "data" / "demo";
const fs::path k_showcase = k_source_dir / "tests" / "data" / "showcase";
const fs::path k_scenarios = k_source_dir / "tests" / "data" / "scenarios";

ProcessResult ordertrace(std::vector<std::string> args) {
  args.insert(args.begin(), ORDERTRACE_BINARY);
  return run_process(args);
}

using test::now_of;
using test::read_file;

std::vector<json> manifest(const fs::path& dir) {
  return test::read_manifest(dir);
}

// A manifest line that names its own lifecycle file or "now" is judged on its own
// (check_own_settings), not in the report over the whole folder.
bool has_own_settings(const json& line) {
  return line.contains("lifecycle") || line.contains("now");
}

std::vector<std::string> data_files(const fs::path& dir) {
  std::set<std::string> own_settings;
  for (const auto& line : manifest(dir)) {
    if (has_own_settings(line)) {
      own_settings.insert(line["file"].get<std::string>());
    }
  }
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".json" &&
        !own_settings.contains(entry.path().filename().string())) {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> report_args(const fs::path& dir, std::vector<std::string> extra) {
  std::vector<std::string> args = {"report", "--now", now_of(dir)};
  for (const auto& file : data_files(dir)) {
    args.push_back("--source");
    args.push_back(file);
  }
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::map<std::string, json> orders_by_id(const json& report) {
  std::map<std::string, json> orders;
  for (const auto& order : report["all_orders"]) {
    orders[order["order_id"].get<std::string>()] = order;
  }
  return orders;
}

// Every manifest order gets its manifest verdict and suspect; the exit code says whether
// any is LOST.
void check_against_manifest(const fs::path& dir) {
  const auto result = ordertrace(report_args(dir, {"--format", "json"}));
  ASSERT_TRUE(result.exit_code == 0 || result.exit_code == 3) << result.err;
  const json report = json::parse(result.out);
  const auto orders = orders_by_id(report);
  bool any_lost = false;
  std::map<std::string, std::size_t> problems_expected;
  for (const auto& line : manifest(dir)) {
    if (has_own_settings(line)) {
      continue;
    }
    const std::string id = line["order_id"];
    const std::string verdict = line["verdict"];
    if (verdict == "NOT_FOUND") {
      EXPECT_FALSE(orders.contains(id)) << id; // nothing in the files carries it
      continue;
    }
    ASSERT_TRUE(orders.contains(id)) << id;
    EXPECT_EQ(orders.at(id)["verdict"], verdict) << id;
    EXPECT_EQ(orders.at(id)["suspect"], line["suspect"]) << id;
    any_lost = any_lost || verdict == "LOST";
    if (verdict == "LOST" || verdict == "STALLED") {
      ++problems_expected[id];
    }
  }
  EXPECT_EQ(result.exit_code, any_lost ? 3 : 0);
  // Each lost or stalled manifest order is listed with its evidence and a Jaeger link.
  std::size_t listed = 0;
  for (const auto& problem : report["problems"]) {
    if (problems_expected.contains(problem["order_id"].get<std::string>())) {
      ++listed;
      EXPECT_FALSE(problem["evidence"].empty()) << problem["order_id"];
    }
  }
  EXPECT_EQ(listed, problems_expected.size());
  std::size_t verdict_total = 0;
  for (const auto& [verdict, count] : report["verdicts"].items()) {
    verdict_total += count.get<std::size_t>();
  }
  EXPECT_EQ(verdict_total, report["all_orders"].size());
}

TEST(ReportCli, DemoVerdictsMatchTheManifest) {
  check_against_manifest(k_demo);
}

TEST(ReportCli, ShowcaseVerdictsMatchTheManifest) {
  check_against_manifest(k_showcase);
}

TEST(ReportCli, ScenarioVerdictsMatchTheManifest) {
  check_against_manifest(k_scenarios);
}

// Scenarios judged under their own lifecycle file (a business calendar, a holidays file)
// or at their own "now": the report agrees with the manifest there too.
TEST(ReportCli, ScenariosWithTheirOwnLifecycleMatchTheManifest) {
  std::size_t checked = 0;
  for (const auto& line : manifest(k_scenarios)) {
    if (!has_own_settings(line)) {
      continue;
    }
    std::vector<std::string> args = {"report", "--format", "json", "--source",
                                     (k_scenarios / line["file"].get<std::string>()).string()};
    args.insert(args.end(), {"--now", line.value("now", now_of(k_scenarios))});
    if (line.contains("lifecycle")) {
      args.insert(args.end(),
                  {"--lifecycle", (k_source_dir / line["lifecycle"].get<std::string>()).string()});
    }
    const auto result = ordertrace(args);
    ASSERT_TRUE(result.exit_code == 0 || result.exit_code == 3) << result.err;
    const auto orders = orders_by_id(json::parse(result.out));
    const std::string id = line["order_id"];
    ASSERT_TRUE(orders.contains(id)) << id;
    EXPECT_EQ(orders.at(id)["verdict"], line["verdict"]) << id;
    EXPECT_EQ(orders.at(id)["suspect"], line["suspect"]) << id;
    ++checked;
  }
  EXPECT_GE(checked, 2U); // the weekend and the holidays-file scenarios at least
}

TEST(ReportCli, EveryFormatRendersTheDemo) {
  bool any_lost = false;
  for (const auto& line : manifest(k_demo)) {
    any_lost = any_lost || line["verdict"] == "LOST";
  }
  for (const char* format : {"text", "json", "csv", "md", "html"}) {
    const auto result = ordertrace(report_args(k_demo, {"--format", format}));
    EXPECT_EQ(result.exit_code, any_lost ? 3 : 0) << format << ": " << result.err;
    EXPECT_FALSE(result.out.empty()) << format;
    EXPECT_TRUE(result.err.empty()) << format << ": " << result.err;
    for (const auto& line : manifest(k_demo)) {
      if (line["verdict"] == "LOST") {
        EXPECT_NE(result.out.find(line["order_id"].get<std::string>()), std::string::npos)
            << format << " " << line["order_id"];
      }
    }
  }
}

TEST(ReportCli, OutWritesTheFileAndNothingToStdout) {
  TempDir dir;
  const fs::path out = dir.path() / "report.html";
  const auto result = ordertrace(report_args(k_demo, {"--format", "html", "--out", out.string()}));
  EXPECT_TRUE(result.exit_code == 0 || result.exit_code == 3) << result.err;
  EXPECT_TRUE(result.out.empty());
  const std::string html = read_file(out);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U);
  EXPECT_FALSE(fs::exists(dir.path() / "report.html.tmp"));
}

TEST(ReportCli, MetricsFileCountsLostAndStalledPerStateAndService) {
  TempDir dir;
  const fs::path metrics = dir.path() / "ordertrace.prom";
  const auto result = ordertrace(report_args(k_demo, {"--metrics-file", metrics.string()}));
  ASSERT_TRUE(result.exit_code == 0 || result.exit_code == 3) << result.err;
  const std::string text = read_file(metrics);
  std::map<std::string, int> expected;
  for (const auto& line : manifest(k_demo)) {
    const std::string verdict = line["verdict"];
    if (verdict == "LOST" || verdict == "STALLED") {
      ++expected[std::string(verdict == "LOST" ? "lost" : "stalled") + "_orders{state=\"" +
                 line["last_state"].get<std::string>() + "\",service=\"" +
                 line["suspect"].get<std::string>() + "\"} "];
    }
  }
  ASSERT_FALSE(expected.empty());
  for (const auto& [series, count] : expected) {
    EXPECT_NE(text.find("ordertrace_report_" + series + std::to_string(count) + "\n"),
              std::string::npos)
        << series << " in\n"
        << text;
  }
  EXPECT_NE(text.find("# TYPE ordertrace_report_duration_seconds gauge"), std::string::npos);
  EXPECT_NE(text.find("\nordertrace_report_last_success_timestamp_seconds "), std::string::npos);
  EXPECT_FALSE(fs::exists(dir.path() / "ordertrace.prom.tmp"));
}

// Each scenario file alone: exit 3 exactly when the report lists a LOST order, else 0;
// the files hold both kinds, so both exit codes are exercised.
TEST(ReportCli, ExitsThreeExactlyWhenAnOrderIsLost) {
  std::size_t zero = 0;
  std::size_t three = 0;
  for (const auto& line : manifest(k_scenarios)) {
    const std::string file = (k_scenarios / line["file"].get<std::string>()).string();
    const auto result =
        ordertrace({"report", "--now", now_of(k_scenarios), "--format", "json", "--source", file});
    ASSERT_TRUE(result.exit_code == 0 || result.exit_code == 3) << file << ": " << result.err;
    const json report = json::parse(result.out);
    const bool lost = report["verdicts"]["LOST"].get<int>() > 0;
    EXPECT_EQ(result.exit_code, lost ? 3 : 0) << file;
    if (line["verdict"] == "LOST") {
      EXPECT_EQ(result.exit_code, 3) << file;
    }
    (result.exit_code == 0 ? zero : three) += 1;
  }
  EXPECT_GT(zero, 0U);
  EXPECT_GT(three, 0U);
}

TEST(ReportCli, LearnedAllowancesWithoutHistorySayTheyFellBack) {
  const auto result =
      ordertrace(report_args(k_demo, {"--format", "json", "--allowances", "learned"}));
  ASSERT_TRUE(result.exit_code == 0 || result.exit_code == 3) << result.err;
  const json report = json::parse(result.out);
  EXPECT_EQ(report["allowances"]["requested"], "learned");
  EXPECT_EQ(report["allowances"]["used"], "config");
  EXPECT_NE(report["allowances"]["note"].get<std::string>().find("configured"), std::string::npos);
}

TEST(ReportCli, UsageErrorsExitTwo) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"report", "--format", "pdf", "--source", "x.json"},
        {"report", "--allowances", "guessed", "--source", "x.json"},
        {"report", "--since", "yesterday", "--source", "x.json"},
        {"report", "--now", "2026-11-20T12:00:00Z", "--since", "2026-11-21T00:00:00Z"},
        {"report", "--no-such-option"}}) {
    const auto result = ordertrace(args);
    EXPECT_EQ(result.exit_code, 2) << args[1] << ": " << result.err;
    EXPECT_EQ(result.err.rfind("ordertrace: error: ", 0), 0U) << result.err;
  }
}

TEST(ReportCli, UnreadableSourceExitsOne) {
  const auto result = ordertrace({"report", "--source", "/nonexistent/trace.json"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find("/nonexistent/trace.json"), std::string::npos);
}

TEST(ReportCli, UnreachableJaegerExitsFive) {
  const auto result = ordertrace({"report", "--jaeger", "http://127.0.0.1:1", "--timeout", "2",
                                  "--now", "2026-11-20T12:00:00Z"});
  EXPECT_EQ(result.exit_code, 5) << result.err;
  EXPECT_EQ(result.err.rfind("ordertrace: error: ", 0), 0U) << result.err;
}

TEST(ReportCli, NoProgressBarWhenStderrIsNotATerminal) {
  const auto result = ordertrace(report_args(k_demo, {"--format", "json"}));
  EXPECT_TRUE(result.err.empty()) << result.err;
}

// ---- personal data ---------------------------------------------------------------------

constexpr const char* k_email = "vasilisa.premudraya@example.org";
constexpr const char* k_name = "Vasilisa Premudraya";
constexpr const char* k_phone = "+7 912 345-67-89";

std::string otlp_span(const std::string& trace, const std::string& span, const std::string& parent,
                      const std::string& name, int kind, long long start_s, long long end_s,
                      const std::string& attributes, const std::string& status = "") {
  std::ostringstream out;
  out << R"({"traceId":")" << trace << R"(","spanId":")" << span << '"';
  if (!parent.empty()) {
    out << R"(,"parentSpanId":")" << parent << '"';
  }
  out << R"(,"name":")" << name << R"(","kind":)" << kind << R"(,"startTimeUnixNano":")" << start_s
      << R"(000000000","endTimeUnixNano":")" << end_s << R"(000000000","attributes":[)"
      << attributes << "]";
  if (!status.empty()) {
    out << R"(,"status":)" << status;
  }
  out << "}";
  return out.str();
}

std::string attr(const std::string& key, const std::string& value) {
  return R"({"key":")" + key + R"(","value":{"stringValue":")" + value + R"("}})";
}

std::string resource(const std::string& service, const std::string& spans) {
  return R"({"resource":{"attributes":[)" + attr("service.name", service) +
         R"(]},"scopeSpans":[{"spans":[)" + spans + "]}]}";
}

// An order submitted with the customer's contact data on the spans, then MES's pricing
// failing with an exception message that repeats them.
std::string personal_data_trace() {
  const std::string trace = "5b8efff798038103d269b633813fc60c";
  const long long t0 = 1'795'000'000LL; // 2026-11-18
  const std::string contact = attr("customer.email", k_email) + "," +
                              attr("customer.name", k_name) + "," + attr("customer.phone", k_phone);
  const std::string shop =
      otlp_span(trace, "1000000000000001", "", "POST /api/orders", 2, t0, t0 + 1,
                attr("order.id", "ORD-PII-1") + "," + attr("order.status", "INITIATED") + "," +
                    contact) +
      "," +
      otlp_span(trace, "1000000000000002", "1000000000000001", std::string("submit for ") + k_name,
                1, t0 + 10, t0 + 11,
                attr("order.id", "ORD-PII-1") + "," + attr("order.status", "SUBMITTED")) +
      "," +
      otlp_span(trace, "1000000000000003", "1000000000000002", "POST", 3, t0 + 12, t0 + 13,
                attr("peer.service", "mes") +
                    R"(,{"key":"http.response.status_code","value":{"intValue":"500"}})",
                R"({"code":2,"message":"pricing failed"})");
  const std::string mes = otlp_span(
      trace, "2000000000000001", "1000000000000003", "POST api/pricing/calculate", 2, t0 + 12,
      t0 + 13, R"({"key":"http.response.status_code","value":{"intValue":"500"}})",
      std::string(R"({"code":2,"message":"no price for )") + k_email + " (" + k_name + ", " +
          k_phone + ")\"}");
  return R"({"resourceSpans":[)" + resource("shop-api", shop) + "," + resource("mes", mes) + "]}";
}

TEST(ReportCli, NoFormatShowsPersonalData) {
  TempDir dir;
  const fs::path file = dir.write("pii.otlp.json", personal_data_trace());
  for (const char* format : {"text", "json", "csv", "md", "html"}) {
    const fs::path metrics = dir.path() / (std::string(format) + ".prom");
    const auto result =
        ordertrace({"report", "--source", file.string(), "--now", "2026-11-20T12:00:00Z",
                    "--format", format, "--metrics-file", metrics.string()});
    ASSERT_EQ(result.exit_code, 3) << format << ": " << result.err << result.out;
    EXPECT_NE(result.out.find("ORD-PII-1"), std::string::npos) << format;
    for (const std::string& secret : {std::string(k_email), std::string(k_name),
                                      std::string("Premudraya"), std::string("345-67-89")}) {
      EXPECT_EQ(result.out.find(secret), std::string::npos) << format << ": " << secret;
      EXPECT_EQ(result.err.find(secret), std::string::npos) << format << ": " << secret;
      EXPECT_EQ(read_file(metrics).find(secret), std::string::npos) << format << ": " << secret;
    }
  }
}

} // namespace
} // namespace ordertrace

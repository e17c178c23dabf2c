// Bad input as a new user or a careless script gives it: truncated and mistyped trace files,
// NUL bytes, odd order ids, a directory where a file belongs, a mistyped option of any
// command. Each must end in one `ordertrace: error: ...` line (or a verdict) with the exit
// code of README's table, and print nothing that drives the terminal.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/run_process.hpp"
#include "support/test_data.hpp"

namespace ordertrace {
namespace {

namespace fs = std::filesystem;
using test::ProcessOptions;
using test::ProcessResult;

const fs::path k_demo = fs::path(ORDERTRACE_SOURCE_DIR) / "data" / "demo";

// A small OTLP file with one span of order ORD-1; `span_fields` is spliced into the span.
std::string otlp_with(const std::string& span_fields) {
  return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":)"
         R"({"stringValue":"shop-api"}}]},"scopeSpans":[{"spans":[{"traceId":)"
         R"("5da8b386893c59280db6756ce4b62225","spanId":"41cf19dc59385eb7","name":"POST",)"
         R"("startTimeUnixNano":"1794696345795103612","endTimeUnixNano":"1794696345803243762",)"
         R"("attributes":[{"key":"order.id","value":{"stringValue":"ORD-1"}},)"
         R"({"key":"order.status","value":{"stringValue":"INITIATED"}}])" +
         span_fields + "}]}]}]}";
}

bool has_control_characters(const std::string& text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\n') || u == 0x7F) {
      return true;
    }
  }
  return false;
}

class BadInputCli : public ::testing::Test {
protected:
  ProcessResult run(std::vector<std::string> args, const std::string& input = {}) const {
    args.insert(args.begin(), ORDERTRACE_BINARY);
    ProcessOptions options;
    options.input = input;
    return test::run_process(args, options);
  }

  ProcessResult show_file(const std::string& content) const {
    const fs::path file = m_dir.write("traces.json", content);
    return run({"show", "ORD-1", "--source", file.string(), "--now", "2026-11-20T12:00:00Z",
                "--format", "json"});
  }

  // The one error line and no other output: what every failure must look like.
  static void expect_one_error(const ProcessResult& result, int exit_code,
                               const std::string& mentions) {
    EXPECT_EQ(result.exit_code, exit_code) << result.err;
    EXPECT_EQ(result.err.rfind("ordertrace: error: ", 0), 0U) << result.err;
    EXPECT_NE(result.err.find(mentions), std::string::npos) << result.err;
    EXPECT_FALSE(has_control_characters(result.err)) << result.err;
    EXPECT_TRUE(result.out.empty()) << result.out;
  }

  test::TempDir m_dir;
};

TEST_F(BadInputCli, MalformedTraceFilesAreRuntimeErrorsNamingThePlace) {
  const std::string good = otlp_with("");
  ASSERT_EQ(show_file(good).exit_code, 0) << show_file(good).err; // the base case is sound
  expect_one_error(show_file(good.substr(0, good.size() - 3)), 1, "traces.json:1:");
  expect_one_error(show_file(std::string(4096, '\0')), 1, "not a Jaeger or OTLP JSON");
  expect_one_error(show_file(""), 1, "empty input");
  expect_one_error(show_file(otlp_with(R"(,"kind":{"a":1})")), 1, R"("kind")");
  expect_one_error(show_file(otlp_with(R"(,"startTimeUnixNano":true)")), 1,
                   R"("startTimeUnixNano")");
  expect_one_error(show_file(otlp_with(R"(,"status":"ERROR")")), 1, R"("status")");
  expect_one_error(show_file(std::string(100000, '[') + std::string(100000, ']')), 1,
                   "not a Jaeger or OTLP JSON");
}

// A long status message went through std::regex for e-mail addresses: seconds for 20 KB
// (every start of a run retried), a stack overflow (exit 139) for a megabyte.
TEST_F(BadInputCli, AHugeErrorMessageIsRedactedWithoutCrashing) {
  const std::string message(1000000, 'A');
  const ProcessResult result =
      show_file(otlp_with(R"(,"status":{"code":2,"message":"mail a.b@example.com )" + message +
                          R"( or +7 912 345-67-89"})"));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find(R"("verdict": "ON_TRACK")"), std::string::npos)
      << result.out.substr(0, 300);
  EXPECT_NE(result.out.find(R"("message": "mail [redacted] AAAA)"), std::string::npos)
      << result.out.substr(0, 2000);
  EXPECT_EQ(result.out.find("a.b@example.com"), std::string::npos);
  EXPECT_EQ(result.out.find("345-67-89"), std::string::npos);
}

TEST_F(BadInputCli, OddOrderIdsGetAVerdictAndPrintNoControlCharacters) {
  const std::string demo = (k_demo / "month-otlp.json").string();
  const std::string now = test::now_of(k_demo);
  for (const std::string& id :
       {std::string("ORD 1 \"quoted\" 'x'"), std::string("Заказ-№1 🙂"),
        std::string(10240, 'A'), std::string("ORD\x1b[31mRED")}) {
    const ProcessResult result = run({"show", id, "--source", demo, "--now", now});
    EXPECT_EQ(result.exit_code, 4) << result.err;
    EXPECT_EQ(result.out.rfind("NOT_FOUND", 0), 0U) << result.out.substr(0, 200);
    EXPECT_FALSE(has_control_characters(result.out)) << result.out.substr(0, 200);
  }
  expect_one_error(run({"show", "-", "--source", demo, "--now", now}, ""), 2,
                   "no order ids on standard input");
  expect_one_error(run({"show", "X", "--source", demo, "--now", now, "--since", "garbage"}), 2,
                   "invalid --since/--from 'garbage'");
  expect_one_error(run({"show", "X", "--source", demo, "--now", now, "--since",
                        "2026-11-19T00:00:00Z", "--until", "2026-11-18T00:00:00Z"}),
                   2, "empty search window");
}

// ack printed order ids as given: an escape sequence in an id reached the terminal.
TEST_F(BadInputCli, AckPrintsOrderIdsWithoutControlCharacters) {
  const std::string cache = (m_dir.path() / "cache.db").string();
  const std::string id = "ORD\x1b[31m\nRED";
  const ProcessResult added = run({"ack", id, "--note", "SUP-1", "--cache", cache});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_NE(added.out.find("acknowledged ORD?[31m?RED"), std::string::npos) << added.out;
  EXPECT_FALSE(has_control_characters(added.out)) << added.out;

  const ProcessResult listed = run({"ack", "--list", "--cache", cache});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("ORD?[31m?RED"), std::string::npos) << listed.out;
  EXPECT_FALSE(has_control_characters(listed.out)) << listed.out;
  // The id itself is kept as given: JSON escapes it, and --remove finds it.
  const ProcessResult json = run({"ack", "--list", "--format", "json", "--cache", cache});
  EXPECT_NE(json.out.find(R"("ORD\u001b[31m\nRED")"), std::string::npos) << json.out;
  const ProcessResult removed = run({"ack", "--remove", id, "--cache", cache});
  EXPECT_NE(removed.out.find("removed the acknowledgement of ORD?[31m?RED"), std::string::npos)
      << removed.out;
  EXPECT_FALSE(has_control_characters(removed.out)) << removed.out;
}

// A directory given as the tickets failed inside the C++ library's first read:
// "basic_filebuf::underflow error reading the file: Is a directory".
TEST_F(BadInputCli, EnrichNamesATicketFileItCannotRead) {
  const std::string demo = (k_demo / "month-otlp.json").string();
  expect_one_error(run({"enrich", m_dir.path().string(), "--source", demo}), 1,
                   "cannot read the tickets " + m_dir.path().string() + ": Is a directory");
  const std::string missing = (m_dir.path() / "missing.csv").string();
  expect_one_error(run({"enrich", missing, "--source", demo}), 1,
                   "cannot open the tickets " + missing + ": No such file or directory");
}

// A NUL in a name quoted by an error message ended the message there (the ticket header of a
// binary file, a key of a config file that is not one).
TEST_F(BadInputCli, NamesWithNulBytesAreQuotedWhole) {
  const std::string demo = (k_demo / "month-otlp.json").string();
  const fs::path tickets = m_dir.write("tickets.csv", std::string("a\0b,c\n1,2\n", 10));
  const ProcessResult enriched = run({"enrich", tickets.string(), "--source", demo});
  expect_one_error(enriched, 2, "(columns: a?b, c); name them with --order-column");

  const fs::path config = m_dir.write("config.toml", std::string("bogus\0key = 1\n", 14));
  const ProcessResult shown = run({"config", "show", "--config", config.string()});
  expect_one_error(shown, 2, "unknown key 'bogus?key'");
}

// A mistyped option of enrich or a cache action was reported as "unknown option '--source'"
// (the first option the top level does not know), with the top level's help.
TEST_F(BadInputCli, AnUnknownOptionIsNamedWithItsCommandsHelp) {
  const std::string demo = (k_demo / "month-otlp.json").string();
  const fs::path tickets = m_dir.write("tickets.csv", "order_id\nORD-1\n");
  struct Case {
    std::vector<std::string> args;
    std::string error;
    std::string help;
  };
  const std::vector<Case> cases = {
      {{"enrich", tickets.string(), "--source", demo, "--bogus"},
       "unknown option '--bogus'",
       "ordertrace enrich --help"},
      {{"enrich", tickets.string(), "--sourse", demo},
       "unknown option '--sourse' (did you mean '--source'?)",
       "ordertrace enrich --help"},
      {{"cache", "prune", "--older-than", "9d", "--bogus"},
       "unknown option '--bogus'",
       "ordertrace cache prune --help"},
      {{"cache", "stats", "--older-than", "9d"},
       "unknown option '--older-than'",
       "ordertrace cache stats --help"},
      {{"show", "X", "--sourse", demo},
       "unknown option '--sourse' (did you mean '--source'?)",
       "ordertrace show --help"},
      {{"config"}, "a subcommand is required", "ordertrace config --help"},
  };
  for (const auto& c : cases) {
    const ProcessResult result = run(c.args);
    EXPECT_EQ(result.exit_code, 2) << c.args.front() << ": " << result.err;
    EXPECT_NE(result.err.find("ordertrace: error: " + c.error), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("run '" + c.help + "' for usage"), std::string::npos) << result.err;
  }
}

// The exit codes each --help lists are those the command gives (report exits 7 on an
// unusable cache like show).
TEST_F(BadInputCli, ReportHelpListsTheCacheExitCode) {
  const ProcessResult help = run({"report", "--help"});
  ASSERT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("7 cache unusable"), std::string::npos) << help.out;

  const fs::path not_sqlite = m_dir.write("cache.db", "not a database\n");
  const ProcessResult report = run({"report", "--source", (k_demo / "month-otlp.json").string(),
                                    "--now", test::now_of(k_demo), "--cache", not_sqlite.string()});
  expect_one_error(report, 7, "is not an ordertrace cache");
  const ProcessResult directory =
      run({"report", "--source", (k_demo / "month-otlp.json").string(), "--now",
           test::now_of(k_demo), "--cache", m_dir.path().string()});
  expect_one_error(directory, 7, "is a directory");
}

} // namespace
} // namespace ordertrace

// `show --lang ru` says everything in Russian, the Jaeger client's warnings included, while
// JSON stays English; NOT_FOUND says where the order was looked for; the nightly report's
// text times are to the second. Runs the built binary against a fake Jaeger.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>

#include "support/fake_http_server.hpp"
#include "support/run_process.hpp"
#include "support/test_data.hpp"

namespace ordertrace {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::ProcessOptions;
using test::ProcessResult;

const fs::path k_source_dir = ORDERTRACE_SOURCE_DIR;
const fs::path k_scenarios = k_source_dir / "tests" / "data" / "scenarios";

// The text with every run of white space (line breaks and the indentation of wrapped
// lines) as one space, so that a sentence is found however the report wrapped it.
std::string unwrapped(const std::string& text) {
  return std::regex_replace(text, std::regex(R"(\s+)"), " ");
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class ShowRussianCli : public ::testing::Test {
protected:
  ProcessOptions env(bool with_cache = false) const {
    ProcessOptions options;
    // A cache of this test's own: the orders another test stored must not answer here.
    options.env["XDG_CACHE_HOME"] = (m_dir.path() / "xdg").string();
    if (!with_cache) {
      options.env["ORDERTRACE_CACHE"] = "off";
    }
    return options;
  }

  ProcessResult run(std::vector<std::string> args, bool with_cache = false) const {
    args.insert(args.begin(), ORDERTRACE_BINARY);
    return test::run_process(args, env(with_cache));
  }

  // `show` of `order_id` against the fake Jaeger (legacy API) at the scenarios' now.
  ProcessResult show(const std::string& order_id, std::vector<std::string> more,
                     bool with_cache = false) const {
    std::vector<std::string> args = {"show",  order_id,       "--jaeger", m_server.url(),
                                     "--api", "legacy",       "--now",    test::now_of(k_scenarios),
                                     "--tz",  "Europe/Moscow"};
    args.insert(args.end(), more.begin(), more.end());
    return run(args, with_cache);
  }

  test::TempDir m_dir;
  test::FakeHttpServer m_server;
};

// Searches in mes fail; the other services answer with more traces than the search depth.
TEST_F(ShowRussianCli, TheJaegerClientsWarningsAreRussianInTextAndEnglishInJson) {
  const json expected = test::manifest_line(k_scenarios, "28-int-order-id.jaeger.json");
  const std::string body = test::read_file(k_scenarios / "28-int-order-id.jaeger.json");
  m_server.on("/api/traces", [body](const test::FakeRequest& request) {
    if (contains(request.query(), "service=mes")) {
      return test::FakeResponse::text(
          400, R"({"data":null,"errors":[{"code":400,"msg":"storage is read-only"}]})",
          "application/json");
    }
    return test::FakeResponse::text(200, body, "application/json");
  });
  const std::string order_id = expected["order_id"];

  const auto json_run = show(order_id, {"--lang", "ru", "--format", "json", "--search-depth", "5"});
  ASSERT_EQ(json_run.exit_code, 0) << json_run.err;
  const auto report = json::parse(json_run.out);
  EXPECT_EQ(report["verdict"], expected["verdict"]);
  bool failed_search = false;
  bool cut_off = false;
  for (const auto& warning : report["warnings"]) {
    const std::string text = warning.get<std::string>();
    failed_search = failed_search || contains(text, "the search in service mes failed, so its "
                                                    "part of the order may be missing");
    cut_off = cut_off || contains(text, "the search depth: more may have been cut off");
    EXPECT_FALSE(contains(text, "поиск")) << text;
  }
  EXPECT_TRUE(failed_search) << json_run.out;
  EXPECT_TRUE(cut_off) << json_run.out;

  const auto text_run = show(order_id, {"--lang", "ru", "--search-depth", "5"});
  ASSERT_EQ(text_run.exit_code, 0) << text_run.err;
  const std::string text = unwrapped(text_run.out);
  EXPECT_TRUE(contains(text, "поиск в сервисе mes не удался, его части заказа может не хватать: "
                             "Jaeger at"))
      << text_run.out;
  EXPECT_TRUE(contains(text, "storage is read-only")) << text_run.out;
  // The cut-off search names its service and its window on the reader's clock.
  EXPECT_TRUE(contains(text, "(сервис shop-api) с 2026-11-19T15:00:00+03:00 по "
                             "2026-11-20T15:00:00+03:00 вернул трейсов: 10, это предел глубины "
                             "поиска"))
      << text_run.out;
  EXPECT_FALSE(contains(text, "failed, so its part")) << text_run.out;
  EXPECT_FALSE(contains(text, "cut off")) << text_run.out;

  // English text prints the client's own sentences, as JSON does.
  const auto english = show(order_id, {"--search-depth", "5"});
  ASSERT_EQ(english.exit_code, 0) << english.err;
  EXPECT_TRUE(contains(unwrapped(english.out), "the search in service mes failed, so its part of "
                                               "the order may be missing"))
      << english.out;
}

// The sentence under "Not found:" names only what was searched; the JSON reason stays.
TEST_F(ShowRussianCli, NeverSeenSaysWhereTheOrderWasLookedFor) {
  m_server.on("/api/traces", [](const test::FakeRequest&) {
    return test::FakeResponse::text(200, R"({"data":[]})", "application/json");
  });
  const std::string files = (k_scenarios / "28-int-order-id.jaeger.json").string();
  const auto from_files = run({"show", "ORD-UNKNOWN", "--source", files});
  EXPECT_EQ(from_files.exit_code, 4) << from_files.err;
  EXPECT_TRUE(contains(from_files.out, "Not found:   never seen in the files given (never_seen)"))
      << from_files.out;
  EXPECT_FALSE(contains(from_files.out, "Jaeger")) << from_files.out;
  const auto russian = run({"show", "ORD-UNKNOWN", "--source", files, "--lang", "ru"});
  EXPECT_TRUE(contains(russian.out, "не встречался в указанных файлах (never_seen)"))
      << russian.out;
  const auto markdown = run({"show", "ORD-UNKNOWN", "--source", files, "--format", "md"});
  EXPECT_TRUE(contains(markdown.out, "never seen in the files given (never_seen)")) << markdown.out;
  const auto as_json = run({"show", "ORD-UNKNOWN", "--source", files, "--format", "json"});
  EXPECT_EQ(json::parse(as_json.out)["not_found_reason"], "never_seen") << as_json.out;

  const auto jaeger_only = show("ORD-UNKNOWN", {});
  EXPECT_EQ(jaeger_only.exit_code, 4) << jaeger_only.err;
  EXPECT_TRUE(contains(jaeger_only.out, "never seen in Jaeger (never_seen)")) << jaeger_only.out;
  EXPECT_FALSE(contains(jaeger_only.out, "cache")) << jaeger_only.out;

  const auto jaeger_and_cache = show("ORD-UNKNOWN", {"--lang", "ru"}, true);
  EXPECT_EQ(jaeger_and_cache.exit_code, 4) << jaeger_and_cache.err;
  EXPECT_TRUE(contains(jaeger_and_cache.out, "не встречался ни в Jaeger, ни в кэше (never_seen)"))
      << jaeger_and_cache.out;

  const std::size_t requests = m_server.request_count();
  const auto offline = show("ORD-UNKNOWN", {"--offline"}, true);
  EXPECT_EQ(offline.exit_code, 4) << offline.err;
  EXPECT_EQ(m_server.request_count(), requests); // Jaeger was not asked
  EXPECT_TRUE(contains(offline.out, "never seen in the cache (never_seen)")) << offline.out;
  EXPECT_FALSE(contains(offline.out, "Jaeger (never_seen)")) << offline.out;
}

// The line saying what the cache did follows the reader's language and zone: stored on
// the first run, served from the cache (a COMPLETED order) on the second.
TEST_F(ShowRussianCli, TheCacheLineIsRussianOnTheReadersClock) {
  const std::string body = test::read_file(k_scenarios / "28-int-order-id.jaeger.json");
  m_server.on("/api/traces", [body](const test::FakeRequest& request) {
    return test::FakeResponse::text(
        200, contains(request.query(), "service=shop-api") ? body : std::string(R"({"data":[]})"),
        "application/json");
  });
  const json expected = test::manifest_line(k_scenarios, "28-int-order-id.jaeger.json");
  const std::string order_id = expected["order_id"];
  ASSERT_EQ(expected["verdict"], "COMPLETED"); // the second run is served from the cache
  const auto stored = show(order_id, {"--lang", "ru"}, true);
  ASSERT_EQ(stored.exit_code, 0) << stored.err;
  EXPECT_TRUE(contains(stored.out, "кэш: сохранено в ")) << stored.out;
  EXPECT_FALSE(contains(stored.out, "cache: stored")) << stored.out;

  const std::size_t requests = m_server.request_count();
  const auto served = show(order_id, {"--lang", "ru"}, true);
  ASSERT_EQ(served.exit_code, 0) << served.err;
  EXPECT_EQ(m_server.request_count(), requests); // answered from the cache
  EXPECT_TRUE(contains(served.out, "кэш: ответ из ")) << served.out;
  EXPECT_TRUE(contains(served.out, "заказ завершён, Jaeger не спрашивали")) << served.out;
  // Stored "now" (the real clock), shown on Moscow's clock with its offset.
  EXPECT_TRUE(std::regex_search(served.out,
                                std::regex(R"(сохранено \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00)")))
      << served.out;
  EXPECT_FALSE(contains(served.out, "served from")) << served.out;

  const auto english = show(order_id, {}, true);
  EXPECT_TRUE(contains(english.out, "cache: served from ")) << english.out;
  EXPECT_TRUE(contains(english.out, "; completed, Jaeger not asked")) << english.out;
}

// A window taken from the files' spans has nanoseconds: the text formats print it to the
// second, JSON keeps every digit.
TEST_F(ShowRussianCli, TheReportsWindowIsToTheSecondInTextAndExactInJson) {
  const std::string files = (k_source_dir / "data" / "demo" / "month-otlp.json").string();
  const std::string now = test::now_of(k_source_dir / "data" / "demo");
  const auto as_json = run({"report", "--source", files, "--now", now, "--format", "json"});
  const auto report = json::parse(as_json.out);
  const std::string from = report["from"];
  const std::string until = report["until"];
  ASSERT_EQ(from.size(), std::string("2026-10-18T10:53:52.515069645Z").size()) << from;
  const std::string from_second = from.substr(0, 19) + "Z";
  const std::string until_second = until.substr(0, 19) + "Z";
  for (const char* format : {"text", "md", "html"}) {
    const auto rendered = run({"report", "--source", files, "--now", now, "--format", format});
    EXPECT_TRUE(contains(rendered.out, from_second)) << format << "\n" << rendered.out;
    EXPECT_TRUE(contains(rendered.out, until_second)) << format;
    EXPECT_FALSE(contains(rendered.out, from.substr(0, 20))) << format; // no fraction
    EXPECT_FALSE(contains(rendered.out, until.substr(0, 20))) << format;
  }
}

} // namespace
} // namespace ordertrace

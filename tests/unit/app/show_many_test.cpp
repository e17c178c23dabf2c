// `show ID ID ...` against Jaeger: orders looked up at once share their requests, and the
// reports keep the order of the ids.

#include <ordertrace/app/shared_requests.hpp>
#include <ordertrace/app/show.hpp>
#include <ordertrace/source/jaeger_client.hpp>
#include <ordertrace/util/error.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "support/fake_transport.hpp"

namespace ordertrace::app {
namespace {

using testing::FakeTransport;
using testing::http_answer;
using testing::query_param;

constexpr std::int64_t k_second = 1'000'000'000;
constexpr std::int64_t k_t0 = 1'793'491'200LL * k_second; // 2026-11-01T00:00:00Z
const std::string k_base = "http://jaeger.test:16686";
const std::string k_search = k_base + "/api/v3/traces?";

const std::string k_trace_a = "4bf92f3577b34da6a3ce929d0e0e0a01";
const std::string k_trace_b = "4bf92f3577b34da6a3ce929d0e0e0b02";
const std::string k_trace_shared = "4bf92f3577b34da6a3ce929d0e0e0c03";

// One span as api_v3 answers it: {"result":{"resourceSpans":[...]}}.
std::string v3_body(const std::string& trace, const std::string& span_id,
                    const std::vector<std::pair<std::string, std::string>>& attributes,
                    const std::string& linked_trace = "") {
  std::string attrs;
  for (const auto& [key, value] : attributes) {
    attrs += fmt::format(R"({}{{"key":"{}","value":{{"stringValue":"{}"}}}})",
                         attrs.empty() ? "" : ",", key, value);
  }
  const std::string links =
      linked_trace.empty()
          ? ""
          : fmt::format(R"({{"traceId":"{}","spanId":"00000000000000c1"}})", linked_trace);
  return fmt::format(
      R"({{"result":{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"shop-api"}}}}]}},"scopeSpans":[{{"scope":{{}},"spans":[{{"traceId":"{}","spanId":"{}","name":"POST /api/cart","kind":2,"startTimeUnixNano":"{}","endTimeUnixNano":"{}","attributes":[{}],"links":[{}],"status":{{}}}}]}}]}}]}}}})",
      trace, span_id, k_t0, k_t0 + k_second, attrs, links);
}

// A Jaeger with orders ORD-A and ORD-B, each in a trace of its own whose span links to one
// shared trace (a batch job that touched both).
void serve_two_orders_sharing_a_trace(FakeTransport& fake) {
  fake.on_prefix(k_search,
                 http_answer(404, R"({"error":{"httpCode":404,"message":"No traces found"}})"));
  for (const auto& [order, trace, span] : {std::tuple{"ORD-A", k_trace_a, "00000000000000a1"},
                                           std::tuple{"ORD-B", k_trace_b, "00000000000000b1"}}) {
    const std::string filter = fmt::format(R"({{"order.id":"{}"}})", order);
    fake.on(
        [filter](const std::string& url) {
          return url.starts_with(k_search) && query_param(url, "query.attributes") == filter;
        },
        http_answer(200, v3_body(trace, span, {{"order.id", order}, {"order.status", "INITIATED"}},
                                 k_trace_shared)));
  }
  fake.on_prefix(k_base + "/api/v3/traces/" + k_trace_shared,
                 http_answer(200, v3_body(k_trace_shared, "00000000000000c1", {})));
}

TEST(SharedRequestsTest, ATraceNeededByTwoLookupsAtOnceIsRequestedOnce) {
  FakeTransport fake;
  serve_two_orders_sharing_a_trace(fake);
  SharedRequests shared([&]() -> source::HttpTransport& { return fake; });
  source::JaegerOptions options;
  options.base_url = k_base;
  options.services = {"shop-api"};
  const std::vector<std::string> keys = {"order.id"};
  const source::SearchWindow window{k_t0 - 3600 * k_second, k_t0 + 3600 * k_second};

  source::OrderTraces found_a;
  source::OrderTraces found_b;
  {
    std::jthread look_up_a([&] {
      source::JaegerClient client(options, shared);
      found_a = client.find_order("ORD-A", keys, window);
    });
    std::jthread look_up_b([&] {
      source::JaegerClient client(options, shared);
      found_b = client.find_order("ORD-B", keys, window);
    });
  }

  EXPECT_EQ(fake.count(k_base + "/api/v3/traces/" + k_trace_shared), 1U);
  EXPECT_EQ(shared.requests_shared(), 1U);
  EXPECT_EQ(shared.requests_sent(), fake.requests().size());
  for (const auto* found : {&found_a, &found_b}) {
    EXPECT_EQ(found->trace_ids.size(), 2U);
    EXPECT_TRUE(found->trace_ids.contains(*model::TraceId::parse(k_trace_shared)));
  }
}

TEST(SharedRequestsTest, AFailingTransportFailsEveryCallerOfItsBatch) {
  SharedRequests shared([]() -> source::HttpTransport& { throw Error("no libcurl here"); });
  const source::HttpRequest request{k_base + "/api/v3/traces/" + k_trace_a, {}};
  EXPECT_THROW(shared.get(request), Error);
  EXPECT_THROW(shared.get(request), Error); // the answer kept is the failure
  EXPECT_EQ(shared.requests_sent(), 0U);
}

class ShowManyTest : public ::testing::Test {
protected:
  void SetUp() override {
    m_folder = std::filesystem::temp_directory_path() /
               ("ordertrace-show-many-" + std::to_string(::getpid()));
    std::filesystem::create_directories(m_folder);
    const auto config = m_folder / "config.toml";
    std::ofstream(config) << "# empty: the host's settings stay out\n";
    m_options.common.config = config.string();
    m_options.common.jaeger = k_base;
    m_options.common.no_cache = true;
    m_options.common.parallel = "4";
    m_options.now = "2026-11-01T01:00:00Z";
    m_options.format = "json";
    m_options.transport = &m_fake;
  }
  void TearDown() override { std::filesystem::remove_all(m_folder); }

  std::filesystem::path m_folder;
  FakeTransport m_fake;
  ShowOptions m_options;
};

TEST_F(ShowManyTest, OrdersLookedUpAtOnceShareATraceAndKeepTheirOrder) {
  serve_two_orders_sharing_a_trace(m_fake);
  m_options.order_ids = {"ORD-B", "ORD-A", "ORD-B"};
  std::ostringstream out;
  std::ostringstream diagnostics;

  EXPECT_EQ(run_show(m_options, out, diagnostics), ExitCode::ok) << diagnostics.str();

  const auto reports = nlohmann::json::parse(out.str());
  ASSERT_TRUE(reports.is_array());
  ASSERT_EQ(reports.size(), 2U);
  EXPECT_EQ(reports[0]["order_id"], "ORD-B");
  EXPECT_EQ(reports[1]["order_id"], "ORD-A");
  for (const auto& report : reports) {
    EXPECT_EQ(report["verdict"], "ON_TRACK") << report.dump();
  }
  // Both orders' spans link to it: fetched for the first lookup, shared with the second.
  EXPECT_EQ(m_fake.count(k_base + "/api/v3/traces/" + k_trace_shared), 1U);
  // ORD-B once, though it was given twice.
  std::size_t searches_for_b = 0;
  for (const auto& url : m_fake.urls()) {
    searches_for_b += query_param(url, "query.attributes") == R"({"order.id":"ORD-B"})" ? 1 : 0;
  }
  EXPECT_EQ(searches_for_b, 1U);
}

TEST_F(ShowManyTest, AnOrderNotFoundAmongOthersExitsFourAndTheOthersAreShown) {
  serve_two_orders_sharing_a_trace(m_fake);
  m_options.order_ids = {"ORD-A", "ORD-MISSING", "ORD-B"};
  std::ostringstream out;
  std::ostringstream diagnostics;

  EXPECT_EQ(run_show(m_options, out, diagnostics), ExitCode::order_not_found);

  const auto reports = nlohmann::json::parse(out.str());
  ASSERT_EQ(reports.size(), 3U);
  EXPECT_EQ(reports[0]["order_id"], "ORD-A");
  EXPECT_NE(reports[0]["verdict"], "NOT_FOUND");
  EXPECT_EQ(reports[1]["order_id"], "ORD-MISSING");
  EXPECT_EQ(reports[1]["verdict"], "NOT_FOUND");
  EXPECT_EQ(reports[2]["order_id"], "ORD-B");
  EXPECT_NE(reports[2]["verdict"], "NOT_FOUND");
}

TEST_F(ShowManyTest, AFailureOfOneLookupStopsTheRun) {
  serve_two_orders_sharing_a_trace(m_fake);
  m_fake.on(
      [](const std::string& url) {
        return query_param(url, "query.attributes") == R"({"order.id":"ORD-B"})";
      },
      http_answer(401, "unauthorized"));
  m_options.order_ids = {"ORD-A", "ORD-B"};
  std::ostringstream out;
  std::ostringstream diagnostics;
  EXPECT_THROW(run_show(m_options, out, diagnostics), AuthenticationError);
  EXPECT_EQ(out.str(), "");
}

TEST(ExpandOrderIdsTest, ReadsIdsFromTheInputForADash) {
  std::istringstream input("# ids from the desk\n"
                           "  ORD-2 \r\n"
                           "\n"
                           "\t# indented comment\n"
                           "ORD-1\n"
                           "ORD 3 with spaces\n"
                           "ORD-2\n"
                           "ORD-4");
  EXPECT_EQ(expand_order_ids({"ORD-1", "-", "ORD-5", "-"}, input),
            (std::vector<std::string>{"ORD-1", "ORD-2", "ORD 3 with spaces", "ORD-4", "ORD-5"}));
}

TEST(ExpandOrderIdsTest, KeepsArgumentsAsGivenEachOnce) {
  std::istringstream unused("ORD-9\n");
  EXPECT_EQ(expand_order_ids({"b", " a ", "b", "#c"}, unused),
            (std::vector<std::string>{"b", " a ", "#c"}));
  EXPECT_THROW(expand_order_ids({"a", ""}, unused), UsageError);
  std::istringstream empty("# nothing\n\n");
  EXPECT_TRUE(expand_order_ids({"-"}, empty).empty());
}

TEST(ExpandOrderIdsTest, NoIdsOnStandardInputIsAUsageError) {
  ShowOptions options;
  std::istringstream empty("\n# none\n");
  options.order_ids = {"-"};
  options.ids_input = &empty;
  std::ostringstream out;
  EXPECT_THROW(run_show(options, out, out), UsageError);
}

} // namespace
} // namespace ordertrace::app

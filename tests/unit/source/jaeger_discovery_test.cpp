// JaegerClient::discover (the nightly report's search without order ids) against a fake
// Jaeger, and group_by_order, which stitches the found spans per order.

#include <ordertrace/source/jaeger_client.hpp>
#include <ordertrace/source/order_groups.hpp>
#include <ordertrace/util/error.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>

#include "support/fake_transport.hpp"
#include "support/span_builder.hpp"

namespace ordertrace::source {
namespace {

using ordertrace::testing::FakeTransport;
using ordertrace::testing::http_answer;
using ordertrace::testing::page_not_found;
using ordertrace::testing::query_param;

constexpr std::int64_t k_day_us = 86'400LL * 1'000'000;
constexpr std::int64_t k_t0_us = 1'793'491'200LL * 1'000'000; // 2026-11-01T00:00:00Z

// A legacy Jaeger holding `traces` one-span traces of shop-api spread over one day; a
// search answers those in [start, end], at most `limit`.
void serve_legacy(FakeTransport& fake, std::size_t traces) {
  fake.on_prefix("http://jaeger/api/traces?", [traces](const HttpRequest& request) {
    const auto service = query_param(request.url, "service").value_or("");
    const std::int64_t start = std::stoll(query_param(request.url, "start").value_or("0"));
    const std::int64_t end = std::stoll(query_param(request.url, "end").value_or("0"));
    const std::int64_t limit = std::stoll(query_param(request.url, "limit").value_or("0"));
    std::string body = R"({"data":[)";
    std::int64_t found = 0;
    for (std::size_t n = 0; service == "shop-api" && n < traces && found < limit; ++n) {
      const std::int64_t at =
          k_t0_us + static_cast<std::int64_t>(n) * k_day_us / static_cast<std::int64_t>(traces);
      if (at < start || at > end) {
        continue;
      }
      body += fmt::format(
          R"({}{{"traceID":"{:032x}","spans":[{{"traceID":"{:032x}","spanID":"{:016x}",)"
          R"("operationName":"POST /api/orders","references":[],"startTime":{},"duration":5,)"
          R"("tags":[{{"key":"order.id","type":"string","value":"ORD-{}"}}],"processID":"p1"}}],)"
          R"("processes":{{"p1":{{"serviceName":"shop-api","tags":[]}}}}}})",
          found ? "," : "", n + 1, n + 1, n + 1, at, n);
      ++found;
    }
    return http_answer(200, body + "]}", "application/json");
  });
}

JaegerOptions options(JaegerApi api, int depth) {
  JaegerOptions o;
  o.base_url = "http://jaeger";
  o.api = api;
  o.services = {"shop-api", "crm-api", "mes"};
  o.search_depth = depth;
  return o;
}

SearchWindow one_day() {
  return {k_t0_us * 1000, (k_t0_us + k_day_us) * 1000};
}

TEST(JaegerDiscovery, SplitsFullWindowsUntilNothingIsCutOff) {
  FakeTransport fake;
  constexpr std::size_t k_traces = 50;
  serve_legacy(fake, k_traces);
  JaegerClient client(options(JaegerApi::legacy, 4), fake);
  std::vector<std::pair<std::size_t, std::size_t>> progress;
  const auto found = client.discover(
      one_day(), [&](std::size_t done, std::size_t known) { progress.emplace_back(done, known); });
  EXPECT_EQ(found.traces.trace_ids.size(), k_traces);
  EXPECT_GT(found.windows_split, 0U);
  EXPECT_EQ(found.searches, 3 + 2 * found.windows_split);
  EXPECT_EQ(found.http_requests, fake.requests_sent());
  EXPECT_EQ(found.http_requests, found.searches); // one-span traces link nowhere
  EXPECT_TRUE(found.traces.warnings.empty());
  // No search without a service, none with a tag filter: the ids are not known.
  for (const auto& url : fake.urls()) {
    EXPECT_FALSE(query_param(url, "tags")) << url;
    EXPECT_TRUE(query_param(url, "service")) << url;
  }
  // Searches of one round go out together.
  EXPECT_EQ(fake.batches().front(), 3U);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back().first, progress.back().second);
}

TEST(JaegerDiscovery, RequestsFollowWindowsNotOrders) {
  // With a depth above the traces of any window, ten times the orders cost no request more.
  std::vector<std::uint64_t> requests;
  for (const std::size_t traces : {10U, 100U}) {
    FakeTransport fake;
    serve_legacy(fake, traces);
    JaegerClient client(options(JaegerApi::legacy, 1000), fake);
    const auto found = client.discover(one_day());
    EXPECT_EQ(found.traces.trace_ids.size(), traces);
    requests.push_back(found.http_requests);
  }
  EXPECT_EQ(requests[0], requests[1]);
}

TEST(JaegerDiscovery, FallsBackToLegacyWhenApiV3IsMissing) {
  FakeTransport fake;
  serve_legacy(fake, 5);
  fake.on_prefix("http://jaeger/api/v3/traces?", page_not_found());
  JaegerClient client(options(JaegerApi::automatic, 100), fake);
  const auto found = client.discover(one_day());
  EXPECT_EQ(found.traces.trace_ids.size(), 5U);
  EXPECT_EQ(found.traces.route, "legacy");
  EXPECT_EQ(client.detected_api(), JaegerApi::legacy);
}

TEST(JaegerDiscovery, OneFailedServiceIsAWarningAllFailedIsAnError) {
  FakeTransport fake;
  serve_legacy(fake, 5);
  fake.on([](const std::string& url) { return url.find("service=mes") != std::string::npos; },
          http_answer(500, R"({"errors":[{"code":500,"msg":"storage down"}]})"));
  JaegerClient client(options(JaegerApi::legacy, 100), fake);
  const auto found = client.discover(one_day());
  EXPECT_EQ(found.traces.trace_ids.size(), 5U);
  EXPECT_EQ(found.traces.failed_services, std::vector<std::string>{"mes"});

  FakeTransport down;
  down.otherwise([](const HttpRequest&) { return http_answer(503, "{}"); });
  JaegerClient failing(options(JaegerApi::legacy, 100), down);
  EXPECT_THROW(failing.discover(one_day()), JaegerError);
}

TEST(JaegerDiscovery, RefusesAnEmptyWindowAndNoServices) {
  FakeTransport fake;
  JaegerClient client(options(JaegerApi::legacy, 100), fake);
  EXPECT_THROW(client.discover({10, 10}), UsageError);
  auto none = options(JaegerApi::legacy, 100);
  none.services.clear();
  JaegerClient without(none, fake);
  EXPECT_THROW(without.discover(one_day()), UsageError);
  EXPECT_EQ(fake.requests_sent(), 0U);
}

// ---- group_by_order --------------------------------------------------------------------

TEST(GroupByOrder, FollowsLinksButNotIntoOtherOrders) {
  using namespace ordertrace::testing;
  SpanBuilder b;
  // Order A: its trace, and a consumer trace without an order id linking to its publish.
  auto a_root = b.add(1, "shop-api", "POST /api/orders", k_t0, k_second).order("A").ref();
  auto a_publish = b.add(1, "shop-api", "publish", k_t0 + k_second, k_second, a_root).ref();
  b.add(2, "mes", "process", k_t0 + 2 * k_second, k_second).link(a_publish);
  // Order B: a trace linked to A's trace, but carrying B: not part of A.
  b.add(3, "crm-api", "POST /approve", k_t0, k_second).order("B").link(a_root);
  // The same span twice (overlapping files) counts once.
  b.spans().push_back(b.spans().front());
  const std::vector<std::string> keys = {"order.id"};
  const std::vector<std::string> extra = {"C"};
  const auto groups = group_by_order(b.spans(), keys, extra);
  ASSERT_EQ(groups.size(), 3U);
  EXPECT_EQ(groups[0].order_id, "A");
  std::set<model::TraceId> a_traces;
  for (std::size_t i : groups[0].spans) {
    a_traces.insert(b.spans()[i].trace_id);
  }
  EXPECT_EQ(groups[0].spans.size(), 4U); // its 2 spans, the consumer, and B's trace kept
  EXPECT_TRUE(a_traces.contains(b.spans()[2].trace_id));
  EXPECT_EQ(groups[1].order_id, "B");
  EXPECT_FALSE(std::any_of(groups[1].spans.begin(), groups[1].spans.end(), [&](std::size_t i) {
    return b.spans()[i].trace_id == b.spans()[2].trace_id;
  })) << "B reached the consumer of A through A's trace";
  EXPECT_EQ(groups[2].order_id, "C");
  EXPECT_TRUE(groups[2].spans.empty());
}

} // namespace
} // namespace ordertrace::source

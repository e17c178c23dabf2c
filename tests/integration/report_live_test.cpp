// `ordertrace report` against the fixture's real Jaeger (v2.13, memory storage): the
// discovery must find every order of a window without knowing any id, splitting the
// search windows when a search comes back as full as a small --search-depth allows, and
// the number of searches must follow the windows (services + 2 per split), not the
// orders. Its orders (prefix RPTLIVE, 2026-10-01 01:00-02:00) are in no other test's window.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "support/live_jaeger.hpp"
#include "support/run_process.hpp"

namespace ordertrace {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path k_env_file = ORDERTRACE_JAEGER_ENV;
constexpr const char* k_from = "2026-10-01T01:00:00Z";
constexpr const char* k_until = "2026-10-01T02:00:00Z";
constexpr const char* k_now = "2026-10-01T06:00:00Z";
constexpr long long k_start_s = 1'790'816'400LL; // 2026-10-01T01:00:00Z
constexpr int k_orders = 12;
constexpr std::size_t k_services = 3; // the default lifecycle's shop-api, crm-api, mes

// Order n: 1-based; every third one's price call fails with HTTP 500 (LOST), the others
// are priced by a MES consumer in a trace of its own, linked to the publish (ON_TRACK at
// k_now, with 2 days allowed for the approval).
bool fails(int n) {
  return n % 3 == 0;
}

std::string order_id(int n) {
  return "RPTLIVE-" + std::to_string(100 + n);
}

std::string hex(unsigned long long value, int digits) {
  std::ostringstream out;
  out << std::hex;
  out.width(digits);
  out.fill('0');
  out << value;
  return out.str();
}

json attr(const std::string& key, const std::string& value) {
  return {{"key", key}, {"value", {{"stringValue", value}}}};
}

json int_attr(const std::string& key, long long value) {
  return {{"key", key}, {"value", {{"intValue", std::to_string(value)}}}};
}

json span(const std::string& trace, const std::string& id, const std::string& parent,
          const std::string& name, int kind, long long start_s, json attributes,
          bool error = false) {
  json s = {{"traceId", trace},
            {"spanId", id},
            {"name", name},
            {"kind", kind},
            {"startTimeUnixNano", std::to_string(start_s) + "000000000"},
            {"endTimeUnixNano", std::to_string(start_s + 1) + "000000000"},
            {"attributes", std::move(attributes)}};
  if (!parent.empty()) {
    s["parentSpanId"] = parent;
  }
  if (error) {
    s["status"] = {{"code", 2}, {"message", "pricing failed"}};
  }
  return s;
}

json resource_spans(const std::string& service, json spans) {
  return {{"resource", {{"attributes", json::array({attr("service.name", service)})}}},
          {"scopeSpans", json::array({{{"spans", std::move(spans)}}})}};
}

// One OTLP request with every order: each order's shop trace, and its pricing (a 500 in
// the same trace, or a consumer trace linked to the publish).
std::string orders_otlp() {
  json shop = json::array();
  json mes = json::array();
  for (int n = 1; n <= k_orders; ++n) {
    const long long t = k_start_s + 240LL * n; // 4 minutes apart
    const std::string trace = "4e0000000000000000000000000" + hex(static_cast<unsigned>(n), 5);
    const std::string root = "e0000000000000" + hex(static_cast<unsigned>(n), 2);
    const std::string submit = "e1000000000000" + hex(static_cast<unsigned>(n), 2);
    const std::string call = "e2000000000000" + hex(static_cast<unsigned>(n), 2);
    shop.push_back(span(trace, root, "", "POST /api/orders", 2, t,
                        {attr("order.id", order_id(n)), attr("order.status", "INITIATED")}));
    shop.push_back(span(trace, submit, root, "POST /api/orders/{orderId}/submit", 2, t + 10,
                        {attr("order.id", order_id(n)), attr("order.status", "SUBMITTED")}));
    if (fails(n)) {
      shop.push_back(span(trace, call, submit, "POST", 3, t + 11,
                          {attr("peer.service", "mes"), int_attr("http.response.status_code", 500)},
                          true));
      mes.push_back(span(trace, "e3000000000000" + hex(static_cast<unsigned>(n), 2), call,
                         "POST api/pricing/calculate", 2, t + 11,
                         {int_attr("http.response.status_code", 500)}, true));
      continue;
    }
    shop.push_back(span(trace, call, submit, "publish orders.submitted", 4, t + 11,
                        {attr("messaging.system", "rabbitmq"),
                         attr("messaging.destination.name", "orders.submitted"),
                         attr("messaging.operation.type", "publish")}));
    const std::string consumer_trace =
        "4f0000000000000000000000000" + hex(static_cast<unsigned>(n), 5);
    json consumer = span(consumer_trace, "f0000000000000" + hex(static_cast<unsigned>(n), 2), "",
                         "process orders.submitted", 5, t + 20,
                         {attr("messaging.system", "rabbitmq"),
                          attr("messaging.destination.name", "orders.submitted"),
                          attr("messaging.operation.type", "process"),
                          attr("order.status", "PRICE_CALCULATED")});
    consumer["links"] = json::array({{{"traceId", trace}, {"spanId", call}}});
    mes.push_back(std::move(consumer));
  }
  json request = {{"resourceSpans",
                   json::array({resource_spans("shop-api", shop), resource_spans("mes", mes)})}};
  return request.dump();
}

const test::LiveJaeger& jaeger() {
  static const test::LiveJaeger live = [] {
    auto found = test::read_live_jaeger(k_env_file);
    const fs::path state_dir = k_env_file.parent_path() / "report-live";
    fs::create_directories(state_dir);
    // Written per process: another test process may be posting its copy right now.
    const test::TempDir scratch;
    const fs::path file = scratch.path() / "orders.otlp.json";
    std::ofstream(file, std::ios::binary | std::ios::trunc) << orders_otlp();
    test::post_once(found, {file}, state_dir);
    return found;
  }();
  return live;
}

test::ProcessResult report_live(std::vector<std::string> more) {
  std::vector<std::string> args = {ORDERTRACE_BINARY, "report", "--jaeger", jaeger().url, "--from",
                                   k_from, "--until", k_until, "--now", k_now, "--format", "json",
                                   // concurrent reads of one trace can tear it in Jaeger's
                                   // memory store (tests/CMakeLists.txt)
                                   "--parallel", "1"};
  args.insert(args.end(), more.begin(), more.end());
  return test::run_process(args, test::with_env({{"ORDERTRACE_CACHE", "off"}}));
}

// Our orders in the report, by id, with their verdicts.
std::map<std::string, std::string> our_orders(const json& report) {
  std::map<std::string, std::string> orders;
  for (const auto& order : report["all_orders"]) {
    const std::string id = order["order_id"];
    if (id.rfind("RPTLIVE-", 0) == 0) {
      orders[id] = order["verdict"];
    }
  }
  return orders;
}

void expect_every_order(const json& report) {
  const auto orders = our_orders(report);
  ASSERT_EQ(orders.size(), static_cast<std::size_t>(k_orders)) << report["all_orders"].dump();
  for (int n = 1; n <= k_orders; ++n) {
    ASSERT_TRUE(orders.contains(order_id(n))) << order_id(n);
    EXPECT_EQ(orders.at(order_id(n)), fails(n) ? "LOST" : "ON_TRACK") << order_id(n);
  }
}

class ReportLive : public ::testing::TestWithParam<std::string> {};

TEST_P(ReportLive, SmallSearchDepthSplitsWindowsAndFindsEveryOrder) {
  const auto r = report_live({"--api", GetParam(), "--search-depth", "3"});
  ASSERT_EQ(r.exit_code, 3) << r.err; // some of our orders are LOST
  const json report = json::parse(r.out);
  expect_every_order(report);
  const auto& discovery = report["discovery"];
  EXPECT_EQ(discovery["route"], GetParam() == "v3" ? "api_v3" : "legacy");
  // Each shop search over the hour holds all 12 shop traces: with 3 per search the
  // window must be halved at least twice.
  EXPECT_GE(discovery["windows_split"].get<std::size_t>(), 2U);
  // Searches: one per service, then two more for every window split in two.
  EXPECT_EQ(discovery["searches"].get<std::size_t>(),
            k_services + 2 * discovery["windows_split"].get<std::size_t>());
  for (const auto& warning : report["warnings"]) {
    EXPECT_EQ(warning.get<std::string>().find("cut off"), std::string::npos) << warning;
  }
}

TEST_P(ReportLive, ADeepSearchNeedsNoSplitAndFindsTheSameOrders) {
  const auto shallow = report_live({"--api", GetParam(), "--search-depth", "3"});
  const auto deep = report_live({"--api", GetParam(), "--search-depth", "1000"});
  ASSERT_EQ(deep.exit_code, 3) << deep.err;
  const json deep_report = json::parse(deep.out);
  expect_every_order(deep_report);
  EXPECT_EQ(deep_report["discovery"]["windows_split"], 0);
  EXPECT_EQ(deep_report["discovery"]["searches"], k_services);
  EXPECT_EQ(our_orders(json::parse(shallow.out)), our_orders(deep_report));
  // Linked consumer traces are found by the mes search itself; requests never count
  // per order: at most one per search plus the traces fetched by id.
  EXPECT_LE(deep_report["discovery"]["http_requests"].get<std::size_t>(),
            k_services + deep_report["discovery"]["linked_traces_fetched"].get<std::size_t>() + 1);
}

INSTANTIATE_TEST_SUITE_P(Routes, ReportLive, ::testing::Values("legacy", "v3"),
                         [](const auto& route) { return route.param; });

} // namespace
} // namespace ordertrace

#include <ordertrace/source/jaeger_client.hpp>
#include <ordertrace/util/error.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "support/fake_transport.hpp"

namespace ordertrace::source {
namespace {

using testing::failed_transfer;
using testing::FakeTransport;
using testing::html_answer;
using testing::http_answer;
using testing::page_not_found;
using testing::query_param;
using testing::url_path;

constexpr std::int64_t k_second = 1'000'000'000;
constexpr std::int64_t k_hour = 3600 * k_second;
constexpr std::int64_t k_day = 24 * k_hour;
// 2026-11-01T00:00:00Z
constexpr std::int64_t k_t0 = 1'793'491'200LL * k_second;

const std::string k_base = "http://jaeger:16686";
const std::string k_v3 = k_base + "/api/v3/traces?";
const std::string k_legacy = k_base + "/api/traces?";
const std::vector<std::string> k_keys = {"order.id", "order_id"};
const std::vector<std::string> k_services = {"shop-api", "crm-api", "mes"};
const SearchWindow k_window{k_t0 - k_day, k_t0 + k_day};
// The query of a search in k_window, as the client must encode it.
const std::string k_v3_window =
    "query.start_time_min=2026-10-31T00%3A00%3A00Z&query.start_time_max="
    "2026-11-02T00%3A00%3A00Z";
const std::string k_legacy_window = "start=1793404800000000&end=1793577600000000";
const std::string k_order_filter = "%7B%22order.id%22%3A%22ORD-1%22%7D"; // {"order.id":"ORD-1"}

const std::string k_trace_a = "4bf92f3577b34da6a3ce929d0e0e0a01";
const std::string k_trace_b = "4bf92f3577b34da6a3ce929d0e0e0b02";
const std::string k_trace_c = "4bf92f3577b34da6a3ce929d0e0e0c03";
const std::string k_trace_d = "4bf92f3577b34da6a3ce929d0e0e0d04";
const std::string k_trace_e = "4bf92f3577b34da6a3ce929d0e0e0e05";
const std::string k_trace_f = "4bf92f3577b34da6a3ce929d0e0e0f06";
const std::string k_trace_x = "4bf92f3577b34da6a3ce929d0e0e0e99";

constexpr int k_internal = 1;
constexpr int k_producer = 4;
constexpr int k_consumer = 5;

// A span as a test writes it; rendered as api_v3 OTLP JSON or as legacy JSON.
struct TestSpan {
  std::string trace{};
  std::string id{};
  std::string service = "shop-api";
  int kind = k_internal;
  std::vector<std::pair<std::string, std::string>> attributes{};
  std::vector<std::pair<std::string, std::string>> links{}; // (trace, span)
  std::string parent{};                                     // span id; "" for a root
  std::string parent_trace{};                               // legacy only: another trace
  std::int64_t start_ns = k_t0;
};

std::string otlp_span(const TestSpan& span) {
  std::string out = fmt::format(R"({{"traceId":"{}","spanId":"{}",)", span.trace, span.id);
  if (!span.parent.empty()) {
    out += fmt::format(R"("parentSpanId":"{}",)", span.parent);
  }
  out += fmt::format(R"("name":"op-{}","kind":{},"startTimeUnixNano":"{}","endTimeUnixNano":"{}",)",
                     span.id, span.kind, span.start_ns, span.start_ns + k_second);
  out += R"("attributes":[)";
  for (std::size_t i = 0; i < span.attributes.size(); ++i) {
    out += fmt::format(R"({}{{"key":"{}","value":{{"stringValue":"{}"}}}})", i > 0 ? "," : "",
                       span.attributes[i].first, span.attributes[i].second);
  }
  out += R"(],"links":[)";
  for (std::size_t i = 0; i < span.links.size(); ++i) {
    out += fmt::format(R"({}{{"traceId":"{}","spanId":"{}"}})", i > 0 ? "," : "",
                       span.links[i].first, span.links[i].second);
  }
  return out + R"(],"status":{}})";
}

// The api_v3 answer: every trace merged into one resourceSpans list.
std::string otlp_body(const std::vector<TestSpan>& spans) {
  std::string out = R"({"result":{"resourceSpans":[)";
  for (std::size_t i = 0; i < spans.size(); ++i) {
    out += fmt::format(
        R"({}{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"{}"}}}}]}},"scopeSpans":[{{"scope":{{}},"spans":[{}]}}]}})",
        i > 0 ? "," : "", spans[i].service, otlp_span(spans[i]));
  }
  return out + "]}}\n";
}

std::string_view legacy_kind(int kind) {
  switch (kind) {
  case k_producer:
    return "producer";
  case k_consumer:
    return "consumer";
  default:
    return "internal";
  }
}

// Legacy JSON prints a trace id whose high half is zero with 16 digits.
std::string legacy_id(const std::string& trace) {
  return trace.starts_with("0000000000000000") ? trace.substr(16) : trace;
}

// The legacy envelope {"data":[trace,...]}, traces in order of first appearance.
std::string legacy_body(const std::vector<TestSpan>& spans) {
  std::vector<std::string> traces;
  for (const auto& span : spans) {
    if (std::find(traces.begin(), traces.end(), span.trace) == traces.end()) {
      traces.push_back(span.trace);
    }
  }
  std::string out = R"({"data":[)";
  for (std::size_t t = 0; t < traces.size(); ++t) {
    out += fmt::format(R"({}{{"traceID":"{}","spans":[)", t > 0 ? "," : "", legacy_id(traces[t]));
    std::string processes;
    int process = 0;
    for (const auto& span : spans) {
      if (span.trace != traces[t]) {
        continue;
      }
      ++process;
      std::string refs;
      if (!span.parent.empty()) {
        refs += fmt::format(R"({{"refType":"CHILD_OF","traceID":"{}","spanID":"{}"}})",
                            legacy_id(span.parent_trace.empty() ? span.trace : span.parent_trace),
                            span.parent);
      }
      for (const auto& [trace, id] : span.links) {
        refs += fmt::format(R"({}{{"refType":"FOLLOWS_FROM","traceID":"{}","spanID":"{}"}})",
                            refs.empty() ? "" : ",", legacy_id(trace), id);
      }
      std::string tags = fmt::format(R"({{"key":"span.kind","type":"string","value":"{}"}})",
                                     legacy_kind(span.kind));
      for (const auto& [key, value] : span.attributes) {
        tags += fmt::format(R"(,{{"key":"{}","type":"string","value":"{}"}})", key, value);
      }
      out += fmt::format(
          R"({}{{"traceID":"{}","spanID":"{}","operationName":"op-{}","references":[{}],"startTime":{},"duration":1000,"tags":[{}],"logs":[],"processID":"p{}","warnings":null}})",
          process > 1 ? "," : "", legacy_id(span.trace), span.id, span.id, refs,
          span.start_ns / 1000, tags, process);
      processes += fmt::format(R"({}"p{}":{{"serviceName":"{}","tags":[]}})",
                               process > 1 ? "," : "", process, span.service);
    }
    out += fmt::format(R"(],"processes":{{{}}},"warnings":null}})", processes);
  }
  return out + R"(],"total":0,"limit":0,"offset":0,"errors":null})" + "\n";
}

std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(ORDERTRACE_SHARED_DIR) + "/fixtures/jaeger/" + name);
  EXPECT_TRUE(in) << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

source::HttpResponse no_traces() {
  return http_answer(404, R"({"error":{"httpCode":404,"message":"No traces found"}})"
                          "\n");
}

source::HttpResponse legacy_empty() {
  return http_answer(200, R"({"data":[],"total":0,"limit":0,"offset":0,"errors":null})",
                     "application/json");
}

source::HttpResponse ok(std::string body) {
  return http_answer(200, std::move(body));
}

// Matches searches under `prefix` whose decoded parameters include `params`; a value of
// "" demands that the parameter is absent.
FakeTransport::Matcher search(std::string prefix,
                              std::vector<std::pair<std::string, std::string>> params) {
  return [prefix = std::move(prefix), params = std::move(params)](const std::string& url) {
    if (!url.starts_with(prefix)) {
      return false;
    }
    return std::all_of(params.begin(), params.end(), [&](const auto& param) {
      const auto value = query_param(url, param.first);
      return param.second.empty() ? !value.has_value() : value == param.second;
    });
  };
}

std::string tags(const std::string& key, const std::string& value) {
  return fmt::format(R"({{"{}":"{}"}})", key, value);
}

JaegerOptions options(JaegerApi api = JaegerApi::automatic) {
  JaegerOptions result;
  result.base_url = k_base;
  result.api = api;
  result.services = k_services;
  result.search_depth = 20;
  return result;
}

std::set<std::string> ids_of(const OrderTraces& found) {
  std::set<std::string> out;
  for (const auto& id : found.trace_ids) {
    out.insert(id.hex());
  }
  return out;
}

model::TraceId trace_id(const std::string& hex) {
  return *model::TraceId::parse(hex);
}

template <typename F> std::string error_of(F&& action) {
  try {
    action();
  } catch (const std::exception& error) {
    return error.what();
  }
  return "(no exception)";
}

const TestSpan k_order_span{.trace = k_trace_a,
                            .id = "00000000000000a1",
                            .attributes = {{"order.id", "ORD-1"}, {"order.status", "SUBMITTED"}}};

// ---- v2.20: api_v3 honours query.attributes ---------------------------------------------

TEST(JaegerClient, V220SearchesApiV3OncePerKeyWithoutAService) {
  FakeTransport fake;
  fake.on_prefix(k_v3, no_traces());
  fake.on(search(k_v3, {{"query.attributes", tags("order.id", "ORD-1")}}),
          ok(otlp_body({k_order_span})));
  JaegerClient client(options(), fake);

  const auto found = client.find_order("ORD-1", k_keys, k_window);

  EXPECT_EQ(fake.batches(), std::vector<std::size_t>{2});
  EXPECT_EQ(fake.urls(), (std::vector<std::string>{
                             k_v3 + "query.attributes=" + k_order_filter + "&" + k_v3_window +
                                 "&query.num_traces=20",
                             k_v3 + "query.attributes=%7B%22order_id%22%3A%22ORD-1%22%7D&" +
                                 k_v3_window + "&query.num_traces=20"}));
  EXPECT_EQ(ids_of(found), std::set<std::string>{k_trace_a});
  ASSERT_EQ(found.spans.size(), 1U);
  EXPECT_EQ(found.spans[0].service(), "shop-api");
  EXPECT_EQ(found.route, "api_v3");
  EXPECT_EQ(client.detected_api(), JaegerApi::v3);
  EXPECT_TRUE(found.warnings.empty());
  EXPECT_TRUE(found.failed_services.empty());
}

TEST(JaegerClient, V220FollowsALinkToTheRecordedGetTraceAnswer) {
  FakeTransport fake;
  TestSpan order = k_order_span;
  order.links = {{"00000000000000000000000000000001", "0000000000000002"}};
  fake.on_prefix(k_v3, no_traces());
  fake.on(search(k_v3, {{"query.attributes", tags("order.id", "ORD-1")}}), ok(otlp_body({order})));
  fake.on_prefix(k_base + "/api/v3/traces/00000000000000000000000000000001",
                 ok(read_fixture("GetTrace.json")));
  JaegerClient client(options(), fake);

  const auto found = client.find_order("ORD-1", k_keys, k_window);

  EXPECT_EQ(fake.batches(), (std::vector<std::size_t>{2, 1}));
  EXPECT_EQ(ids_of(found), (std::set<std::string>{"00000000000000000000000000000001", k_trace_a}));
  EXPECT_EQ(found.spans.size(), 2U);
}

TEST(JaegerClient, NoTracesFoundIsAnEmptyResult) {
  FakeTransport fake;
  fake.on_prefix(k_v3, no_traces());
  JaegerClient client(options(), fake);

  const auto found = client.find_order("ORD-404", k_keys, k_window);

  EXPECT_TRUE(found.spans.empty());
  EXPECT_TRUE(found.trace_ids.empty());
  EXPECT_TRUE(found.warnings.empty());
  EXPECT_EQ(found.route, "api_v3");
  // Nothing came back, so nothing proved that the filter works: still undecided.
  EXPECT_EQ(client.detected_api(), JaegerApi::automatic);
  EXPECT_EQ(fake.urls().size(), 2U);
}

TEST(JaegerClient, KeepsATraceFoundTwiceOnceAndPrefersTheLargerCopy) {
  FakeTransport fake;
  TestSpan second{.trace = k_trace_a, .id = "00000000000000a2", .parent = "00000000000000a1"};
  TestSpan by_other_key = k_order_span;
  by_other_key.attributes.push_back({"order_id", "ORD-1"});
  fake.on(search(k_v3, {{"query.attributes", tags("order.id", "ORD-1")}}),
          ok(otlp_body({k_order_span})));
  fake.on(search(k_v3, {{"query.attributes", tags("order_id", "ORD-1")}}),
          ok(otlp_body({by_other_key, second})));
  JaegerClient client(options(), fake);

  const auto found = client.find_order("ORD-1", k_keys, k_window);

  EXPECT_EQ(ids_of(found), std::set<std::string>{k_trace_a});
  EXPECT_EQ(found.spans.size(), 2U);
}

TEST(JaegerClient, WarnsWhenASearchReturnsSearchDepthTraces) {
  FakeTransport fake;
  TestSpan other = k_order_span;
  other.trace = k_trace_b;
  fake.on_prefix(k_v3, no_traces());
  fake.on(search(k_v3, {{"query.attributes", tags("order.id", "ORD-1")}}),
          ok(otlp_body({k_order_span, other})));
  auto settings = options();
  settings.search_depth = 2;
  JaegerClient client(settings, fake);

  const auto found = client.find_order("ORD-1", k_keys, k_window);

  EXPECT_EQ(query_param(fake.urls()[0], "query.num_traces"), "2");
  ASSERT_EQ(found.warnings.size(), 1U);
  EXPECT_EQ(found.warnings[0],
            "the search for order.id=ORD-1 in all services from 2026-10-31T00:00:00Z to "
            "2026-11-02T00:00:00Z returned 2 traces, the search depth: more may have been cut "
            "off; use a narrower window or a larger --search-depth");
}

// ---- "requires a service name": one search per configured service -------------------------

TEST(JaegerClient, SearchesEachServiceWhenApiV3RequiresAServiceName) {
  FakeTransport fake;
  fake.on(search(k_v3, {{"query.service_name", ""}}),
          http_answer(400, R"({"error":{"httpCode":400,"message":"this storage backend requires )"
                           R"(a service name to search; searching all services is not supported"}})"
                           "\n"));
  fake.on_prefix(k_v3, no_traces());
  fake.on(search(k_v3, {{"query.service_name", "crm-api"},
                        {"query.attributes", tags("order.id", "ORD-1")}}),
          ok(otlp_body({k_order_span})));
  JaegerClient client(options(), fake);

  const auto found = client.find_order("ORD-1", k_keys, k_window);

  EXPECT_EQ(fake.batches(), (std::vector<std::size_t>{2, 6}));
  EXPECT_EQ(fake.urls()[2], k_v3 + "query.attributes=" + k_order_filter + "&" + k_v3_window +
                                "&query.num_traces=20&query.service_name=shop-api");
  EXPECT_EQ(ids_of(found), std::set<std::string>{k_trace_a});
  EXPECT_TRUE(found.failed_services.empty());

  // Remembered: the next order goes per service at once.
  fake.clear_log();
  client.find_order("ORD-2", k_keys, k_window);
  EXPECT_EQ(fake.batches(), std::vector<std::size_t>{6});
}

TEST(JaegerClient, TreatsV220ServiceNameMustBeSet500AsAServiceRequirement) {
  FakeTransport fake;
  auto refused =
      http_answer(500, R"({"error":{"httpCode":500,"message":"service Name must be set"}})");
  refused.attempts = 4;
  fake.on(search(k_v3, {{"query.service_name", ""}}), refused);
  fake.on_prefix(k_v3, no_traces());
  JaegerClient client(options(), fake);

  const auto found = client.find_order("ORD-1", k_keys, k_window);

  EXPECT_EQ(fake.batches(), (std::vector<std::size_t>{2, 6}));
  EXPECT_TRUE(found.trace_ids.empty());
}

TEST(JaegerClient, ServiceRequiredWithoutConfiguredServicesIsAUsageError) {
  FakeTransport fake;
  fake.on_prefix(k_v3, http_answer(400, R"({"error":{"httpCode":400,"message":"this storage )"
                                        R"(backend requires a service name to search"}})"));
  auto settings = options();
  settings.services.clear();
  JaegerClient client(settings, fake);

  EXPECT_THROW(client.find_order("ORD-1", k_keys, k_window), UsageError);
}

// ---- v2.13: api_v3 ignores query.attributes -------------------------------------------------

TEST(JaegerClient, V213AutoFallsBackToLegacyWhenTheFilterIsIgnored) {
  FakeTransport fake;
  // The recorded v2.20 GetTrace answer stands for "every trace in the window": no span
  // in it carries the order id.
  fake.on_prefix(k_v3, ok(read_fixture("GetTrace.json")));
  fake.on_prefix(k_legacy, legacy_empty());
  TestSpan order = k_order_span;
  order.trace = "00000000000000000000000000000a11"; // printed with 16 digits by legacy JSON
  fake.on(search(k_legacy, {{"service", "shop-api"}, {"tags", tags("order.id", "ORD-1")}}),
          http_answer(200, legacy_body({order}), "application/json"));
  JaegerClient client(options(), fake);

  const auto found = client.find_order("ORD-1", k_keys, k_window);

  EXPECT_EQ(fake.batches(), (std::vector<std::size_t>{2, 6}));
  EXPECT_EQ(fake.urls()[2], k_legacy + "service=shop-api&tags=" + k_order_filter + "&" +
                                k_legacy_window + "&limit=20");
  EXPECT_EQ(ids_of(found), std::set<std::string>{"00000000000000000000000000000a11"});
  EXPECT_EQ(found.route, "legacy");
  EXPECT_EQ(client.detected_api(), JaegerApi::legacy);

  // Detected once: the next order asks the legacy route only.
  fake.clear_log();
  const auto again = client.find_order("ORD-1", k_keys, k_window);
  EXPECT_EQ(fake.batches(), std::vector<std::size_t>{6});
  EXPECT_EQ(fake.count(k_v3), 0U);
  EXPECT_EQ(again.route, "legacy");
}

TEST(JaegerClient, V213V3ModeRefusesToGuessWhenTheFilterIsIgnored) {
  FakeTransport fake;
  fake.on_prefix(k_v3, ok(read_fixture("GetTrace.json")));
  JaegerClient client(options(JaegerApi::v3), fake);

  EXPECT_EQ(error_of([&] { client.find_order("ORD-1", k_keys, k_window); }),
            "http://jaeger:16686: this Jaeger ignores query.attributes on api_v3 (it is older than "
            "v2.19): it answered trace 00000000000000000000000000000001, in which no span carries "
            "the order id; use --api legacy or --api auto");
  EXPECT_THROW(client.find_order("ORD-1", k_keys, k_window), JaegerError);
  EXPECT_EQ(fake.count(k_legacy), 0U);
}

TEST(JaegerClient, ATraceThatLinksToACarrierIsNotProofOfAnIgnoredFilter) {
  FakeTransport fake;
  TestSpan linked{
      .trace = k_trace_b, .id = "00000000000000b1", .links = {{k_trace_a, "00000000000000a1"}}};
  fake.on_prefix(k_v3, no_traces());
  fake.on(search(k_v3, {{"query.attributes", tags("order.id", "ORD-1")}}),
          ok(otlp_body({k_order_span, linked})));
  JaegerClient client(options(), fake);

  const auto found = client.find_order("ORD-1", k_keys, k_window);

  EXPECT_EQ(found.route, "api_v3");
  EXPECT_EQ(fake.count(k_legacy), 0U);
  EXPECT_EQ(ids_of(found), (std::set<std::string>{k_trace_a, k_trace_b}));
}

TEST(JaegerClient, NoApiV3RouteMeansLegacy) {
  for (const auto& v3_answer : {page_not_found(), html_answer("<!doctype html><html><head><title>"
                                                              "Jaeger UI</title></head></html>")}) {
    FakeTransport fake;
    fake.on_prefix(k_base + "/api/v3/", v3_answer);
    fake.on_prefix(k_legacy, legacy_empty());
    JaegerClient client(options(), fake);

    const auto found = client.find_order("ORD-1", k_keys, k_window);

    EXPECT_EQ(fake.batches(), (std::vector<std::size_t>{2, 6}));
    EXPECT_EQ(found.route, "legacy");
    EXPECT_EQ(client.detected_api(), JaegerApi::legacy);
  }
}

// ---- v2.21: the legacy search is gone --------------------------------------------------------

TEST(JaegerClient, V221LegacyPageNotFoundKeepsApiV3) {
  FakeTransport fake;
  // An ES regexp: "ORD.1" matched "ORD-1", so no span carries the searched value exactly
  // and the answer looks unfiltered; the legacy route then proves the server is v2.21+.
  fake.on_prefix(k_v3, no_traces());
  fake.on(search(k_v3, {{"query.attributes", tags("order.id", "ORD.1")}}),
          ok(otlp_body({k_order_span})));
  fake.on_prefix(k_base + "/api/traces", page_not_found());
  JaegerClient client(options(), fake);

  const auto found = client.find_order("ORD.1", k_keys, k_window);

  EXPECT_EQ(fake.batches(), (std::vector<std::size_t>{2, 6}));
  EXPECT_EQ(found.route, "api_v3");
  EXPECT_EQ(client.detected_api(), JaegerApi::v3);
  EXPECT_EQ(ids_of(found), std::set<std::string>{k_trace_a});
}

TEST(JaegerClient, V221LegacyModeExplainsThatTheLegacySearchIsGone) {
  FakeTransport fake;
  fake.on_prefix(k_base + "/api/traces", page_not_found());
  JaegerClient client(options(JaegerApi::legacy), fake);

  EXPECT_EQ(error_of([&] { client.find_order("ORD-1", k_keys, k_window); }),
            k_legacy + "service=shop-api&tags=" + k_order_filter + "&" + k_legacy_window +
                "&limit=20: 404 page not found; this Jaeger has no legacy search (removed in "
                "v2.21): use --api v3 or --api auto");
  EXPECT_EQ(fake.count(k_v3), 0U);
}

// ---- following links -------------------------------------------------------------------------

TEST(JaegerClient, FollowsLinksAndCrossTraceParentsFetchingEachTraceOnce) {
  FakeTransport fake;
  const TestSpan a1{.trace = k_trace_a,
                    .id = "00000000000000a1",
                    .attributes = {{"order.id", "ORD-1"}},
                    .links = {{k_trace_c, "00000000000000c1"}}};
  const TestSpan b1{.trace = k_trace_b,
                    .id = "00000000000000b1",
                    .service = "crm-api",
                    .attributes = {{"order.id", "ORD-1"}},
                    .links = {{k_trace_c, "00000000000000c1"}},
                    .parent = "00000000000000d1",
                    .parent_trace = k_trace_d};
  const TestSpan c1{
      .trace = k_trace_c, .id = "00000000000000c1", .links = {{k_trace_e, "00000000000000e1"}}};
  const TestSpan d1{.trace = k_trace_d, .id = "00000000000000d1"};
  const TestSpan e1{.trace = k_trace_e,
                    .id = "00000000000000e1",
                    .links = {{k_trace_a, "00000000000000a1"}, {k_trace_f, "00000000000000f1"}}};
  fake.on_prefix(k_legacy, legacy_empty());
  fake.on(search(k_legacy, {{"service", "shop-api"}, {"tags", tags("order.id", "ORD-1")}}),
          ok(legacy_body({a1, b1})));
  fake.on(search(k_legacy, {{"service", "crm-api"}, {"tags", tags("order.id", "ORD-1")}}),
          ok(legacy_body({b1})));
  const std::string by_id = k_base + "/api/traces/";
  fake.on_prefix(by_id + k_trace_c, ok(legacy_body({c1})));
  fake.on_prefix(by_id + k_trace_d, ok(legacy_body({d1})));
  fake.on_prefix(by_id + k_trace_e, ok(legacy_body({e1})));
  fake.on_prefix(by_id + k_trace_f,
                 http_answer(404, R"({"data":null,"total":0,"limit":0,"offset":0,"errors":)"
                                  R"([{"code":404,"msg":"trace not found"}]})"));
  JaegerClient client(options(JaegerApi::legacy), fake);

  const auto found = client.find_order("ORD-1", k_keys, k_window);

  EXPECT_EQ(fake.batches(), (std::vector<std::size_t>{6, 2, 1, 1}));
  for (const auto& trace : {k_trace_c, k_trace_d, k_trace_e, k_trace_f}) {
    EXPECT_EQ(fake.count(by_id + trace), 1U) << trace;
  }
  EXPECT_EQ(fake.count(by_id + k_trace_a), 0U);
  EXPECT_EQ(ids_of(found),
            (std::set<std::string>{k_trace_a, k_trace_b, k_trace_c, k_trace_d, k_trace_e}));
  EXPECT_EQ(found.spans.size(), 5U);
  EXPECT_EQ(found.warnings,
            std::vector<std::string>{"trace " + k_trace_f +
                                     " is not in Jaeger (expired or never stored): the order "
                                     "may be incomplete"});
}

TEST(JaegerClient, StopsFollowingLinksAtMaxLinkedTraces) {
  FakeTransport fake;
  TestSpan order = k_order_span;
  order.links = {{k_trace_c, "00000000000000c1"}, {k_trace_d, "00000000000000d1"}};
  fake.on_prefix(k_v3, no_traces());
  fake.on(search(k_v3, {{"query.attributes", tags("order.id", "ORD-1")}}), ok(otlp_body({order})));
  fake.on_prefix(k_base + "/api/v3/traces/",
                 ok(otlp_body({TestSpan{.trace = k_trace_c, .id = "00000000000000c1"}})));
  auto settings = options();
  settings.max_linked_traces = 1;
  JaegerClient client(settings, fake);

  const auto found = client.find_order("ORD-1", k_keys, k_window);

  EXPECT_EQ(fake.count(k_base + "/api/v3/traces/"), 1U);
  EXPECT_EQ(found.trace_ids.size(), 2U);
  ASSERT_EQ(found.warnings.size(), 1U);
  EXPECT_EQ(found.warnings[0], "stopped following links after 1 linked traces (the limit): 1 more "
                               "were not fetched, so the order may be incomplete");
}

TEST(JaegerClient, FetchTracesSkipsKnownTracesAndAsksEachIdOnce) {
  FakeTransport fake;
  fake.on_prefix(k_base + "/api/traces/",
                 ok(legacy_body({TestSpan{.trace = k_trace_c, .id = "00000000000000c1"}})));
  JaegerClient client(options(JaegerApi::legacy), fake);
  OrderTraces into;
  into.trace_ids.insert(trace_id(k_trace_a));
  const std::vector<model::TraceId> ids = {trace_id(k_trace_a), trace_id(k_trace_c),
                                           trace_id(k_trace_c)};

  client.fetch_traces(ids, into);

  EXPECT_EQ(fake.urls(), std::vector<std::string>{k_base + "/api/traces/" + k_trace_c});
  EXPECT_EQ(into.trace_ids.size(), 2U);
  EXPECT_EQ(into.spans.size(), 1U);
}

// ---- consumers that carry nothing ------------------------------------------------------------

TEST(JaegerClient, FindsConsumerTracesThatLinkBackAndCarryNoOrderId) {
  FakeTransport fake;
  const TestSpan publish{
      .trace = k_trace_a,
      .id = "00000000000000a1",
      .kind = k_producer,
      .attributes = {{"order.id", "ORD-1"}, {"messaging.destination.name", "orders.submitted"}}};
  // Skipped: a producer without a destination, and one whose consumer is in the trace.
  const TestSpan no_destination{.trace = k_trace_a, .id = "00000000000000a2", .kind = k_producer};
  const TestSpan audited{.trace = k_trace_a,
                         .id = "00000000000000a3",
                         .kind = k_producer,
                         .attributes = {{"messaging.destination.name", "orders.audit"}}};
  const TestSpan audit_consumer{.trace = k_trace_a,
                                .id = "00000000000000a4",
                                .service = "crm-api",
                                .kind = k_consumer,
                                .parent = "00000000000000a3"};
  // mes consumes in a new trace, links back, carries nothing, and publishes on.
  const TestSpan consume{.trace = k_trace_b,
                         .id = "00000000000000b1",
                         .service = "mes",
                         .kind = k_consumer,
                         .attributes = {{"messaging.destination.name", "orders.submitted"}},
                         .links = {{k_trace_a, "00000000000000a1"}},
                         .start_ns = k_t0 + k_hour};
  const TestSpan publish_on{.trace = k_trace_b,
                            .id = "00000000000000b2",
                            .service = "mes",
                            .kind = k_producer,
                            .attributes = {{"messaging.destination", "orders.priced"}},
                            .parent = "00000000000000b1",
                            .start_ns = k_t0 + 2 * k_hour};
  const TestSpan unrelated{.trace = k_trace_x,
                           .id = "00000000000000e9",
                           .service = "mes",
                           .kind = k_consumer,
                           .attributes = {{"messaging.destination.name", "orders.submitted"}},
                           .links = {{k_trace_f, "00000000000000f1"}}};
  const TestSpan approve{.trace = k_trace_d,
                         .id = "00000000000000d1",
                         .service = "crm-api",
                         .kind = k_consumer,
                         .links = {{k_trace_b, "00000000000000b2"}},
                         .start_ns = k_t0 + 3 * k_hour};
  fake.on_prefix(k_v3, no_traces());
  fake.on(search(k_v3, {{"query.attributes", tags("order.id", "ORD-1")}}),
          ok(otlp_body({publish, no_destination, audited, audit_consumer})));
  fake.on(
      search(k_v3, {{"query.attributes", tags("messaging.destination.name", "orders.submitted")},
                    {"query.service_name", "mes"}}),
      ok(otlp_body({consume, publish_on, unrelated})));
  fake.on(
      search(k_v3, {{"query.attributes", tags("messaging.destination.name", "orders.submitted")},
                    {"query.service_name", "shop-api"}}),
      ok(otlp_body({publish})));
  fake.on(search(k_v3, {{"query.attributes", tags("messaging.destination", "orders.priced")},
                        {"query.service_name", "crm-api"}}),
          ok(otlp_body({approve})));
  JaegerClient client(options(), fake);

  const auto found = client.find_order("ORD-1", k_keys, k_window);

  EXPECT_EQ(fake.batches(), (std::vector<std::size_t>{2, 3, 3}));
  const auto urls = fake.urls();
  EXPECT_EQ(urls[2], k_v3 + "query.attributes=%7B%22messaging.destination.name%22%3A%22orders."
                            "submitted%22%7D&query.start_time_min=2026-11-01T00%3A00%3A00Z&"
                            "query.start_time_max=2026-11-02T00%3A00%3A00Z&query.num_traces=20&"
                            "query.service_name=shop-api");
  EXPECT_EQ(query_param(urls[5], "query.attributes"),
            tags("messaging.destination", "orders.priced"));
  EXPECT_EQ(query_param(urls[5], "query.start_time_min"), "2026-11-01T02:00:00Z");
  EXPECT_EQ(ids_of(found), (std::set<std::string>{k_trace_a, k_trace_b, k_trace_d}));
  EXPECT_TRUE(found.warnings.empty());
}

TEST(JaegerClient, SearchesTheConsumersOfAtMostTwentyMessagesPerOrder) {
  FakeTransport fake;
  std::vector<TestSpan> spans = {k_order_span};
  for (int i = 0; i < 25; ++i) {
    spans.push_back(TestSpan{.trace = k_trace_a,
                             .id = fmt::format("{:016x}", 0x100 + i),
                             .kind = k_producer,
                             .attributes = {{"messaging.destination.name", fmt::format("q{}", i)}},
                             .parent = "00000000000000a1",
                             .start_ns = k_t0 + i * k_second});
  }
  fake.on_prefix(k_v3, no_traces());
  fake.on(search(k_v3, {{"query.attributes", tags("order.id", "ORD-1")}}), ok(otlp_body(spans)));
  auto settings = options();
  settings.services = {"mes"};
  JaegerClient client(settings, fake);

  const auto found = client.find_order("ORD-1", k_keys, k_window);

  EXPECT_EQ(fake.batches(), (std::vector<std::size_t>{2, 20}));
  // The latest publishes are searched: q24 down to q5.
  EXPECT_EQ(fake.count(k_v3 + "query.attributes=%7B%22messaging.destination.name%22%3A%22q24%22"),
            1U);
  EXPECT_EQ(fake.count(k_v3 + "query.attributes=%7B%22messaging.destination.name%22%3A%22q4%22"),
            0U);
  EXPECT_EQ(found.warnings, std::vector<std::string>{"searched for the consumers of 20 messages, "
                                                     "the limit; older ones were not searched"});
}

// ---- what is not a Jaeger answer -------------------------------------------------------------

const std::string k_index_html =
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><link rel=\"stylesheet\" "
    "crossorigin href=\"./static/index.css\"><title>Jaeger UI</title></head><body><div "
    "id=\"jaeger-ui-root\"></div></body></html>\n";

TEST(JaegerClient, AnHtmlPageIsNotAJaegerQueryApi) {
  FakeTransport fake;
  fake.otherwise([](const HttpRequest&) { return html_answer(k_index_html); });
  JaegerClient client(options(), fake);

  EXPECT_EQ(error_of([&] { client.find_order("ORD-1", k_keys, k_window); }),
            k_legacy + "service=shop-api&tags=" + k_order_filter + "&" + k_legacy_window +
                "&limit=20: not a Jaeger query API (got an HTML page)");

  JaegerClient v3_only(options(JaegerApi::v3), fake);
  EXPECT_EQ(error_of([&] { v3_only.find_order("ORD-1", k_keys, k_window); }),
            k_v3 + "query.attributes=" + k_order_filter + "&" + k_v3_window +
                "&query.num_traces=20: not a Jaeger query API (got an HTML page)");
  EXPECT_THROW(v3_only.find_order("ORD-1", k_keys, k_window), JaegerError);
}

TEST(JaegerClient, ALoginPageMeansAuthenticationRequired) {
  FakeTransport fake;
  fake.otherwise([](const HttpRequest&) {
    return html_answer("<html><head><title>Sign in to Example</title></head><body><form "
                       "action=\"/oauth2/start\"><input type=\"password\" name=\"pw\"></form>"
                       "</body></html>");
  });
  JaegerClient client(options(), fake);

  EXPECT_THROW(client.find_order("ORD-1", k_keys, k_window), AuthenticationError);
  EXPECT_EQ(error_of([&] { client.find_order("ORD-1", k_keys, k_window); }),
            k_v3 + "query.attributes=" + k_order_filter + "&" + k_v3_window +
                "&query.num_traces=20: authentication required (got a login page)");
}

TEST(JaegerClient, Http401IsAnAuthenticationErrorNamingTheRedactedUrl) {
  FakeTransport fake;
  fake.otherwise([](const HttpRequest&) { return http_answer(401, "Unauthorized\n"); });
  auto settings = options();
  settings.base_url = "http://ops:hunter2@jaeger:16686";
  JaegerClient client(settings, fake);

  EXPECT_THROW(client.find_order("ORD-1", k_keys, k_window), AuthenticationError);
  const std::string message = error_of([&] { client.find_order("ORD-1", k_keys, k_window); });
  EXPECT_EQ(message,
            "http://***@jaeger:16686/api/v3/traces?query.attributes=" + k_order_filter + "&" +
                k_v3_window +
                "&query.num_traces=20: authentication required (HTTP 401); pass a token with "
                "--token-file or ORDERTRACE_TOKEN (sent over https only)");
  EXPECT_EQ(message.find("hunter2"), std::string::npos);
}

TEST(JaegerClient, Http403IsAnAuthenticationError) {
  FakeTransport fake;
  fake.otherwise([](const HttpRequest&) { return http_answer(403, "Forbidden\n"); });
  JaegerClient client(options(), fake);

  EXPECT_THROW(client.find_order("ORD-1", k_keys, k_window), AuthenticationError);
}

TEST(JaegerClient, Http401WithATokenSaysTheTokenWasRefused) {
  FakeTransport fake;
  fake.otherwise([](const HttpRequest&) { return http_answer(401, ""); });
  auto settings = options();
  settings.base_url = "https://jaeger.example";
  settings.token = "expired-token";
  JaegerClient client(settings, fake);

  const std::string message = error_of([&] { client.find_order("ORD-1", k_keys, k_window); });
  EXPECT_TRUE(message.ends_with("&query.num_traces=20: the token was refused (HTTP 401)"))
      << message;
  EXPECT_EQ(message.find("expired-token"), std::string::npos);
}

TEST(JaegerClient, ARedirectIsNotFollowed) {
  FakeTransport fake;
  auto moved = http_answer(301, "");
  moved.location = "https://jaeger.example/";
  fake.otherwise([&](const HttpRequest&) { return moved; });
  JaegerClient client(options(), fake);

  EXPECT_EQ(error_of([&] { client.find_order("ORD-1", k_keys, k_window); }),
            k_v3 + "query.attributes=" + k_order_filter + "&" + k_v3_window +
                "&query.num_traces=20: Jaeger answered with a redirect to https://jaeger.example/; "
                "redirects are not followed — pass the final URL with --jaeger");
  EXPECT_THROW(client.find_order("ORD-1", k_keys, k_window), JaegerError);

  moved.location = "https://sso.example/auth/realms/ops/protocol/openid-connect/auth?x=1";
  EXPECT_THROW(client.find_order("ORD-1", k_keys, k_window), AuthenticationError);
}

TEST(JaegerClient, MalformedJsonNamesTheUrl) {
  FakeTransport fake;
  fake.on_prefix(k_v3, ok(R"({"result":{"resourceSpans":[{"resource":)"));
  JaegerClient client(options(), fake);

  const std::string message = error_of([&] { client.find_order("ORD-1", k_keys, k_window); });
  EXPECT_TRUE(message.starts_with("malformed answer from Jaeger: " + k_v3 + "query.attributes="))
      << message;
  EXPECT_THROW(client.find_order("ORD-1", k_keys, k_window), JaegerError);
}

// ---- failures after the transport's retries ------------------------------------------------

TEST(JaegerClient, Http503AfterRetriesIsAJaegerErrorWithTheUrl) {
  FakeTransport fake;
  fake.otherwise([](const HttpRequest&) {
    auto response = http_answer(503, "upstream unavailable\n");
    response.attempts = 4;
    return response;
  });
  JaegerClient client(options(), fake);

  EXPECT_EQ(error_of([&] { client.find_order("ORD-1", k_keys, k_window); }),
            "Jaeger at " + k_v3 + "query.attributes=" + k_order_filter + "&" + k_v3_window +
                "&query.num_traces=20 failed: HTTP 503 after 4 attempts");
  EXPECT_THROW(client.find_order("ORD-1", k_keys, k_window), JaegerError);
}

TEST(JaegerClient, ConnectionFailureIsAJaegerError) {
  FakeTransport fake;
  fake.otherwise([](const HttpRequest&) {
    return failed_transfer(HttpResponse::Failure::connect, "connection refused");
  });
  auto settings = options();
  settings.base_url = "http://127.0.0.1:1/";
  JaegerClient client(settings, fake);

  EXPECT_EQ(error_of([&] { client.find_order("ORD-1", k_keys, k_window); }),
            "cannot reach Jaeger at http://127.0.0.1:1/: connection refused");
  EXPECT_THROW(client.find_order("ORD-1", k_keys, k_window), JaegerError);
}

TEST(JaegerClient, TimeoutIsAJaegerError) {
  FakeTransport fake;
  fake.otherwise([](const HttpRequest&) {
    return failed_transfer(HttpResponse::Failure::timeout, "Operation timed out");
  });
  JaegerClient client(options(), fake);

  EXPECT_EQ(error_of([&] { client.find_order("ORD-1", k_keys, k_window); }),
            "Jaeger at " + k_v3 + "query.attributes=" + k_order_filter + "&" + k_v3_window +
                "&query.num_traces=20 timed out after 4 attempts");
}

TEST(JaegerClient, OneFailingServiceOfThreeGivesAPartialResult) {
  FakeTransport fake;
  fake.on_prefix(k_legacy, legacy_empty());
  fake.on(search(k_legacy, {{"service", "shop-api"}, {"tags", tags("order.id", "ORD-1")}}),
          ok(legacy_body({k_order_span})));
  fake.on(search(k_legacy, {{"service", "crm-api"}}), [](const HttpRequest&) {
    auto response = http_answer(503, "");
    response.attempts = 4;
    return response;
  });
  JaegerClient client(options(JaegerApi::legacy), fake);

  const auto found = client.find_order("ORD-1", k_keys, k_window);

  EXPECT_EQ(ids_of(found), std::set<std::string>{k_trace_a});
  EXPECT_EQ(found.failed_services, std::vector<std::string>{"crm-api"});
  ASSERT_EQ(found.warnings.size(), 1U);
  EXPECT_EQ(found.warnings[0],
            "the search in service crm-api failed, so its part of the order may be missing: "
            "Jaeger at " +
                k_legacy + "service=crm-api&tags=" + k_order_filter + "&" + k_legacy_window +
                "&limit=20 failed: HTTP 503 after 4 attempts");
}

TEST(JaegerClient, EveryServiceFailingThrows) {
  FakeTransport fake;
  fake.otherwise([](const HttpRequest&) {
    auto response = http_answer(502, "Bad Gateway\n");
    response.attempts = 4;
    return response;
  });
  JaegerClient client(options(JaegerApi::legacy), fake);

  EXPECT_EQ(error_of([&] { client.find_order("ORD-1", k_keys, k_window); }),
            "Jaeger at " + k_legacy + "service=shop-api&tags=" + k_order_filter + "&" +
                k_legacy_window + "&limit=20 failed: HTTP 502 after 4 attempts");
}

// ---- URL, base path, token ---------------------------------------------------------------------

TEST(JaegerClient, KeepsTheBasePathInEveryUrl) {
  FakeTransport fake;
  const std::string base = "http://jaeger:16686/jaeger";
  TestSpan order = k_order_span;
  order.links = {{k_trace_c, "00000000000000c1"}};
  fake.on_prefix(base + "/api/v3/traces?", no_traces());
  fake.on(search(base + "/api/v3/traces?", {{"query.attributes", tags("order.id", "ORD-1")}}),
          ok(otlp_body({order})));
  fake.on_prefix(base + "/api/v3/traces/" + k_trace_c,
                 ok(otlp_body({TestSpan{.trace = k_trace_c, .id = "00000000000000c1"}})));
  auto settings = options();
  settings.base_url = base + "/";
  JaegerClient client(settings, fake);

  const auto found = client.find_order("ORD-1", k_keys, k_window);

  ASSERT_EQ(fake.urls().size(), 3U);
  for (const auto& url : fake.urls()) {
    EXPECT_TRUE(url.starts_with(base + "/api/v3/traces")) << url;
  }
  EXPECT_EQ(url_path(fake.urls()[2]), base + "/api/v3/traces/" + k_trace_c);
  EXPECT_EQ(found.trace_ids.size(), 2U);
}

TEST(JaegerClient, SendsTheTokenOnlyOverHttps) {
  FakeTransport fake;
  fake.otherwise([](const HttpRequest&) { return no_traces(); });
  auto settings = options();
  settings.base_url = "https://jaeger.example";
  settings.token = "s3cret-token";
  JaegerClient client(settings, fake);

  client.find_order("ORD-1", k_keys, k_window);

  ASSERT_EQ(fake.requests().size(), 2U);
  for (const auto& request : fake.requests()) {
    EXPECT_EQ(request.headers, (std::vector<std::pair<std::string, std::string>>{
                                   {"Authorization", "Bearer s3cret-token"}}));
    EXPECT_EQ(request.url.find("s3cret"), std::string::npos);
  }

  settings.base_url = k_base;
  EXPECT_THROW((JaegerClient{settings, fake}), UsageError);
  const std::string message = error_of([&] { JaegerClient refused(settings, fake); });
  EXPECT_EQ(message, "a token is only sent over https, and the Jaeger URL is http://jaeger:16686");
  EXPECT_EQ(message.find("s3cret"), std::string::npos);
}

TEST(JaegerClient, SendsNoHeadersWithoutAToken) {
  FakeTransport fake;
  fake.otherwise([](const HttpRequest&) { return no_traces(); });
  JaegerClient client(options(), fake);

  client.find_order("ORD-1", k_keys, k_window);

  for (const auto& request : fake.requests()) {
    EXPECT_TRUE(request.headers.empty());
  }
}

TEST(JaegerClient, RefusesAnythingButAnHttpBaseUrl) {
  FakeTransport fake;
  for (const std::string url : {"ftp://jaeger:16686", "jaeger:16686", "http://", "http:///jaeger",
                                "http://jaeger:16686/?x=1", "http://jae ger"}) {
    auto settings = options();
    settings.base_url = url;
    EXPECT_THROW(JaegerClient(settings, fake), UsageError) << url;
  }
  auto settings = options();
  settings.base_url = "HTTPS://Jaeger.example:443/base/";
  EXPECT_NO_THROW((JaegerClient{settings, fake}));
}

TEST(JaegerClient, EncodesOrderIdsThatNeedEscaping) {
  FakeTransport fake;
  fake.otherwise([](const HttpRequest&) { return no_traces(); });
  JaegerClient client(options(), fake);

  client.find_order("A&B=\"1\" +x", std::vector<std::string>{"order.id"}, k_window);

  ASSERT_EQ(fake.urls().size(), 1U);
  EXPECT_EQ(query_param(fake.urls()[0], "query.attributes"), R"({"order.id":"A&B=\"1\" +x"})");
  EXPECT_EQ(fake.urls()[0].find(' '), std::string::npos);
  EXPECT_EQ(fake.urls()[0].find('+'), std::string::npos);
}

} // namespace
} // namespace ordertrace::source

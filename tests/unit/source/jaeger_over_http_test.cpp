// JaegerClient over the real curl transport against a local HTTP server of the tests'
// own: the routes a real Jaeger v2.13 cannot show (the api_v3 attribute search of v2.20,
// the plain-text 404 of v2.21's removed legacy search, served from the recorded answers
// in ../shared/fixtures/jaeger/) and the faults no real Jaeger makes (silence, a trickle,
// 5xx, 429 with Retry-After, a login page, a redirect to another host).

#include <ordertrace/source/http_transport.hpp>
#include <ordertrace/source/jaeger_client.hpp>
#include <ordertrace/util/error.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <support/fake_http_server.hpp>

namespace ordertrace::source {
namespace {

using test::FakeHttpServer;
using test::FakeRequest;
using test::FakeResponse;

const std::vector<std::string> k_keys = {"order.id"};
// 2026-11-01T00:00:00Z .. +1 day, in nanoseconds.
constexpr SearchWindow k_window{1'793'491'200'000'000'000LL, 1'793'577'600'000'000'000LL};

std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(ORDERTRACE_SHARED_DIR) + "/fixtures/jaeger/" + name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// An api_v3 search answer: one shop-api span of ORD-1 that links to the span of the
// recorded GetTrace.json answer (trace ...01, span ...02).
std::string search_answer() {
  return R"({"result":{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop-api"}}]},"scopeSpans":[{"scope":{},"spans":[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","name":"POST /orders","kind":2,"startTimeUnixNano":"1793500000000000000","endTimeUnixNano":"1793500000100000000","attributes":[{"key":"order.id","value":{"stringValue":"ORD-1"}}],"links":[{"traceId":"00000000000000000000000000000001","spanId":"0000000000000002"}],"status":{}}]}]}]}})"
         "\n";
}

FakeResponse json(int status, std::string body) {
  // Jaeger answers api_v3 JSON as text/plain: the client must sniff the body.
  return FakeResponse::text(status, std::move(body));
}

HttpOptions quick_options() {
  HttpOptions options;
  options.connect_timeout = std::chrono::milliseconds(500);
  options.total_timeout = std::chrono::milliseconds(2'000);
  options.backoff_base = std::chrono::milliseconds(5);
  options.backoff_max = std::chrono::milliseconds(20);
  options.max_retries = 1;
  return options;
}

JaegerOptions jaeger_options(const std::string& url) {
  JaegerOptions options;
  options.base_url = url;
  options.services = {"shop-api", "crm-api", "mes"};
  return options;
}

TEST(JaegerOverHttp, V220AttributeSearchAndLinkedTraceFromTheRecordedAnswer) {
  FakeHttpServer server;
  server.on("/api/v3/traces", [](const FakeRequest&) { return json(200, search_answer()); });
  server.on("/api/v3/traces/00000000000000000000000000000001",
            [](const FakeRequest&) { return json(200, read_fixture("GetTrace.json")); });
  auto transport = make_curl_transport(quick_options());
  JaegerClient client(jaeger_options(server.url()), *transport);

  const auto found = client.find_order("ORD-1", k_keys, k_window);

  EXPECT_EQ(found.route, "api_v3");
  EXPECT_EQ(found.trace_ids.size(), 2U);
  EXPECT_EQ(found.spans.size(), 2U);
  EXPECT_TRUE(found.failed_services.empty());
  for (const auto& request : server.requests()) {
    EXPECT_EQ(request.path().rfind("/api/v3/", 0), 0U) << request.target; // no legacy request
  }
  const auto requests = server.requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_NE(requests.front().query().find("query.attributes="), std::string::npos);
  EXPECT_NE(requests.front().query().find("query.start_time_min=2026-11-01T00%3A00%3A00Z"),
            std::string::npos)
      << requests.front().query();
}

TEST(JaegerOverHttp, NoTracesFoundIsAnEmptyResultNotAnError) {
  FakeHttpServer server;
  server.on("/api/v3/traces", [](const FakeRequest&) {
    return json(404, R"({"error":{"httpCode":404,"message":"No traces found"}})"
                     "\n");
  });
  auto transport = make_curl_transport(quick_options());
  JaegerClient client(jaeger_options(server.url()), *transport);
  const auto found = client.find_order("ORD-1", k_keys, k_window);
  EXPECT_TRUE(found.spans.empty());
}

TEST(JaegerOverHttp, AServerThatNeverAnswersIsATimeout) {
  FakeHttpServer server;
  server.on_prefix("/api/", [](const FakeRequest&) {
    FakeResponse response;
    response.never_answer = true;
    return response;
  });
  auto options = quick_options();
  options.total_timeout = std::chrono::milliseconds(300);
  options.max_retries = 0;
  auto transport = make_curl_transport(options);
  JaegerClient client(jaeger_options(server.url()), *transport);
  try {
    client.find_order("ORD-1", k_keys, k_window);
    FAIL() << "expected a JaegerError";
  } catch (const JaegerError& error) {
    EXPECT_NE(std::string(error.what()).find("timed out"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find(server.url()), std::string::npos) << error.what();
  }
}

TEST(JaegerOverHttp, AOneBytePerIntervalTrickleIsAbandoned) {
  FakeHttpServer server;
  server.on_prefix("/api/", [](const FakeRequest&) {
    FakeResponse response = json(200, search_answer());
    response.trickle = std::chrono::milliseconds(200);
    return response;
  });
  auto options = quick_options();
  options.total_timeout = std::chrono::milliseconds(60'000);
  options.low_speed_bytes = 100;
  options.low_speed_time = std::chrono::seconds(1);
  options.max_retries = 0;
  auto transport = make_curl_transport(options);
  JaegerClient client(jaeger_options(server.url()), *transport);
  EXPECT_THROW(client.find_order("ORD-1", k_keys, k_window), JaegerError);
}

TEST(JaegerOverHttp, FiveHundredsAfterRetriesNameTheCause) {
  FakeHttpServer server;
  server.on_prefix("/api/", [](const FakeRequest&) {
    return json(503, "upstream connect error or disconnect/reset before headers\n");
  });
  auto transport = make_curl_transport(quick_options());
  JaegerClient client(jaeger_options(server.url()), *transport);
  try {
    client.find_order("ORD-1", k_keys, k_window);
    FAIL() << "expected a JaegerError";
  } catch (const JaegerError& error) {
    EXPECT_NE(std::string(error.what()).find("HTTP 503 after 2 attempts"), std::string::npos)
        << error.what();
  }
  EXPECT_EQ(server.request_count(), 2U);
}

TEST(JaegerOverHttp, TooManyRequestsIsRetriedAfterRetryAfter) {
  FakeHttpServer server;
  int calls = 0;
  server.on("/api/v3/traces", [&calls](const FakeRequest&) {
    if (calls++ == 0) {
      FakeResponse response = FakeResponse::text(429, "slow down\n");
      response.headers.emplace_back("Retry-After", "1");
      return response;
    }
    return json(200, search_answer());
  });
  server.on("/api/v3/traces/00000000000000000000000000000001",
            [](const FakeRequest&) { return json(200, read_fixture("GetTrace.json")); });
  auto transport = make_curl_transport(quick_options());
  JaegerClient client(jaeger_options(server.url()), *transport);
  const auto started = std::chrono::steady_clock::now();
  const auto found = client.find_order("ORD-1", k_keys, k_window);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
  EXPECT_EQ(found.trace_ids.size(), 2U);
}

TEST(JaegerOverHttp, AnSsoLoginPageMeansAuthenticationRequired) {
  FakeHttpServer server;
  server.on_prefix("/", [](const FakeRequest&) {
    return FakeResponse::text(200,
                              "<!DOCTYPE html><html><head><title>Sign in</title></head><body>"
                              "<form action=\"/sso/login\"><input type=\"password\" "
                              "name=\"password\"></form></body></html>",
                              "text/html");
  });
  auto transport = make_curl_transport(quick_options());
  JaegerClient client(jaeger_options(server.url()), *transport);
  EXPECT_THROW(client.find_order("ORD-1", k_keys, k_window), AuthenticationError);
}

TEST(JaegerOverHttp, ARedirectToAnotherHostIsNotFollowed) {
  FakeHttpServer elsewhere;
  FakeHttpServer server;
  const std::string target = elsewhere.url() + "/api/v3/traces";
  server.on_prefix("/api/", [target](const FakeRequest&) {
    FakeResponse response = FakeResponse::text(302, "");
    response.headers.emplace_back("Location", target);
    return response;
  });
  auto transport = make_curl_transport(quick_options());
  JaegerClient client(jaeger_options(server.url()), *transport);
  EXPECT_THROW(client.find_order("ORD-1", k_keys, k_window), JaegerError);
  EXPECT_EQ(elsewhere.request_count(), 0U);
}

} // namespace
} // namespace ordertrace::source

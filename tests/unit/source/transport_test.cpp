// CurlTransport against the in-process FakeHttpServer: answers, parallelism, failures kept
// apart, retries and their waits, redirects, the body cap and redaction in trace lines.

#include <ordertrace/source/http_transport.hpp>
#include <ordertrace/util/error.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include "support/fake_http_server.hpp"

namespace ordertrace::source {
namespace {

using namespace std::chrono_literals;
using test::FakeHttpServer;
using test::FakeRequest;
using test::FakeResponse;
using Clock = std::chrono::steady_clock;
using Failure = HttpResponse::Failure;

// Short waits everywhere so the suite stays fast; tests lengthen what they exercise.
HttpOptions fast_options() {
  HttpOptions options;
  options.connect_timeout = 2s;
  options.total_timeout = 10s;
  options.max_retries = 2;
  options.backoff_base = 10ms;
  options.backoff_max = 50ms;
  return options;
}

// Collects trace lines; the transport calls it from the thread running get_all.
struct TraceLog {
  std::vector<std::string> lines;
  void attach(HttpOptions& options) {
    options.trace = [this](const std::string& line) {
      lines.push_back(line);
    };
  }
};

TEST(CurlTransport, ReturnsStatusBodyAndContentType) {
  FakeHttpServer server;
  server.on("/api/services", [](const FakeRequest&) {
    return FakeResponse::text(200, R"({"data":["shop-api"]})", "application/json");
  });
  auto transport = make_curl_transport(fast_options());

  const HttpResponse response = transport->get({server.url() + "/api/services", {}});

  EXPECT_EQ(response.failure, Failure::none);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"data":["shop-api"]})");
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.attempts, 1);
  EXPECT_EQ(transport->requests_sent(), 1U);
}

TEST(CurlTransport, PassesQueryStringToTheServer) {
  FakeHttpServer server;
  server.on_prefix("/api/traces/", [](const FakeRequest& request) {
    return FakeResponse::text(200, request.path() + "|" + request.query());
  });
  auto transport = make_curl_transport(fast_options());

  const HttpResponse response = transport->get({server.url() + "/api/traces/abc?raw=true", {}});

  EXPECT_EQ(response.body, "/api/traces/abc|raw=true");
}

TEST(CurlTransport, RunsRequestsInParallelAtMostMaxInFlight) {
  FakeHttpServer server;
  server.on_prefix("/item/", [](const FakeRequest& request) {
    FakeResponse response = FakeResponse::text(200, request.path().substr(6));
    response.delay_before_headers = 100ms; // long enough for the transfers to overlap
    return response;
  });
  HttpOptions options = fast_options();
  options.max_in_flight = 4;
  auto transport = make_curl_transport(options);
  std::vector<HttpRequest> requests;
  for (int i = 0; i < 20; ++i) {
    requests.push_back({server.url() + "/item/" + std::to_string(i), {}});
  }

  const std::vector<HttpResponse> responses = transport->get_all(requests);

  ASSERT_EQ(responses.size(), 20U);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(responses[i].status, 200) << i;
    EXPECT_EQ(responses[i].body, std::to_string(i)) << "answers come back in request order";
  }
  EXPECT_EQ(server.request_count(), 20U);
  EXPECT_EQ(transport->requests_sent(), 20U);
  EXPECT_LE(server.max_concurrent_requests(), 4U);
  EXPECT_GE(server.max_concurrent_requests(), 2U) << "the requests should overlap";
  EXPECT_LE(server.max_concurrent_connections(), 4U);
}

TEST(CurlTransport, ReportsRefusedConnectionAfterAllRetries) {
  const test::RefusingPort nothing_listening;
  HttpOptions options = fast_options();
  options.max_retries = 2;
  auto transport = make_curl_transport(options);

  const HttpResponse response = transport->get({nothing_listening.url() + "/api/services", {}});

  EXPECT_EQ(response.failure, Failure::connect);
  EXPECT_EQ(response.status, 0);
  EXPECT_EQ(response.attempts, 3);
  EXPECT_EQ(transport->requests_sent(), 3U);
  EXPECT_FALSE(response.failure_message.empty());
}

TEST(CurlTransport, TimesOutWhenTheServerNeverAnswers) {
  FakeHttpServer server;
  server.on("/hang", [](const FakeRequest&) {
    FakeResponse response;
    response.never_answer = true;
    return response;
  });
  HttpOptions options = fast_options();
  options.total_timeout = 300ms;
  options.max_retries = 1;
  auto transport = make_curl_transport(options);
  const auto start = Clock::now();

  const HttpResponse response = transport->get({server.url() + "/hang", {}});

  EXPECT_EQ(response.failure, Failure::timeout);
  EXPECT_EQ(response.attempts, 2);
  EXPECT_EQ(server.request_count(), 2U);
  EXPECT_GE(Clock::now() - start, 2 * options.total_timeout);
}

TEST(CurlTransport, AbandonsATransferSlowerThanTheLowSpeedLimit) {
  FakeHttpServer server;
  server.on("/slow", [](const FakeRequest&) {
    FakeResponse response = FakeResponse::text(200, std::string(100, 'x'));
    response.trickle = 1000ms; // 1 byte/s
    return response;
  });
  HttpOptions options = fast_options();
  options.low_speed_bytes = 100;
  options.low_speed_time = 1s;
  options.total_timeout = 60s; // far away: the low-speed limit must be what stops it
  options.max_retries = 0;
  auto transport = make_curl_transport(options);

  const HttpResponse response = transport->get({server.url() + "/slow", {}});

  EXPECT_EQ(response.failure, Failure::timeout);
  EXPECT_NE(response.failure_message.find("too slow"), std::string::npos)
      << response.failure_message;
  EXPECT_TRUE(response.body.empty());
}

TEST(CurlTransport, RetriesAServerErrorAndReturnsTheLaterSuccess) {
  FakeHttpServer server;
  int calls = 0;
  server.on("/flaky", [&calls](const FakeRequest&) {
    return ++calls == 1 ? FakeResponse::text(500, "boom\n") : FakeResponse::text(200, "fine");
  });
  auto transport = make_curl_transport(fast_options());

  const HttpResponse response = transport->get({server.url() + "/flaky", {}});

  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "fine");
  EXPECT_EQ(response.attempts, 2);
  EXPECT_EQ(transport->requests_sent(), 2U);
}

TEST(CurlTransport, RetriesAConnectionClosedWithoutAnswer) {
  FakeHttpServer server;
  int calls = 0;
  server.on("/hangup", [&calls](const FakeRequest&) {
    FakeResponse response = FakeResponse::text(200, "second time lucky");
    response.close_without_answer = ++calls == 1;
    return response;
  });
  auto transport = make_curl_transport(fast_options());

  const HttpResponse response = transport->get({server.url() + "/hangup", {}});

  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "second time lucky");
  EXPECT_EQ(response.attempts, 2);
}

TEST(CurlTransport, ReturnsTheLast503AfterAllRetries) {
  FakeHttpServer server;
  server.on("/down",
            [](const FakeRequest&) { return FakeResponse::text(503, "no healthy upstream"); });
  HttpOptions options = fast_options();
  options.max_retries = 3;
  auto transport = make_curl_transport(options);

  const HttpResponse response = transport->get({server.url() + "/down", {}});

  EXPECT_EQ(response.failure, Failure::none);
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.body, "no healthy upstream");
  EXPECT_EQ(response.attempts, 4);
  EXPECT_EQ(server.request_count(), 4U);
}

TEST(CurlTransport, WaitsForRetryAfterOn429) {
  FakeHttpServer server;
  int calls = 0;
  server.on("/limited", [&calls](const FakeRequest&) {
    if (++calls == 1) {
      FakeResponse response = FakeResponse::text(429, "slow down\n");
      response.headers.emplace_back("Retry-After", "1");
      return response;
    }
    return FakeResponse::text(200, "ok");
  });
  auto transport = make_curl_transport(fast_options());
  const auto start = Clock::now();

  const HttpResponse response = transport->get({server.url() + "/limited", {}});

  EXPECT_GE(Clock::now() - start, 1s);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.attempts, 2);
  const std::vector<FakeRequest> received = server.requests();
  ASSERT_EQ(received.size(), 2U);
  EXPECT_GE(received[1].received_at - received[0].received_at, 1s);
}

TEST(CurlTransport, DoesNotRetryWhenRetryAfterExceedsTheMaximum) {
  FakeHttpServer server;
  server.on("/limited", [](const FakeRequest&) {
    FakeResponse response = FakeResponse::text(429, "come back tomorrow\n");
    response.headers.emplace_back("Retry-After", "120");
    return response;
  });
  HttpOptions options = fast_options();
  options.retry_after_max = 30s;
  auto transport = make_curl_transport(options);

  const HttpResponse response = transport->get({server.url() + "/limited", {}});

  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(response.attempts, 1);
  EXPECT_EQ(response.retry_after, std::chrono::seconds(120));
}

TEST(CurlTransport, TreatsAnHttpDateRetryAfterAsAbsent) {
  FakeHttpServer server;
  int calls = 0;
  server.on("/limited", [&calls](const FakeRequest&) {
    if (++calls == 1) {
      FakeResponse response = FakeResponse::text(503, "busy\n");
      response.headers.emplace_back("Retry-After", "Fri, 31 Dec 2100 23:59:59 GMT");
      return response;
    }
    return FakeResponse::text(200, "ok");
  });
  auto transport = make_curl_transport(fast_options());

  const HttpResponse response = transport->get({server.url() + "/limited", {}});

  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.attempts, 2);
}

TEST(CurlTransport, AWaitingRetryDoesNotHoldUpOtherTransfers) {
  FakeHttpServer server;
  int calls = 0;
  server.on("/limited", [&calls](const FakeRequest&) {
    if (++calls == 1) {
      FakeResponse response = FakeResponse::text(503, "busy\n");
      response.headers.emplace_back("Retry-After", "1");
      return response;
    }
    return FakeResponse::text(200, "limited");
  });
  server.on("/quick", [](const FakeRequest&) { return FakeResponse::text(200, "quick"); });
  HttpOptions options = fast_options();
  options.max_in_flight = 1; // /quick can only run in the slot /limited leaves while waiting
  auto transport = make_curl_transport(options);
  const std::vector<HttpRequest> requests = {{server.url() + "/limited", {}},
                                             {server.url() + "/quick", {}}};

  const std::vector<HttpResponse> responses = transport->get_all(requests);

  EXPECT_EQ(responses[0].body, "limited");
  EXPECT_EQ(responses[0].attempts, 2);
  EXPECT_EQ(responses[1].body, "quick");
  const std::vector<FakeRequest> received = server.requests();
  ASSERT_EQ(received.size(), 3U);
  EXPECT_EQ(received[0].target, "/limited");
  EXPECT_EQ(received[1].target, "/quick");
  EXPECT_EQ(received[2].target, "/limited");
}

TEST(CurlTransport, DoesNotRetryNotFound) {
  FakeHttpServer server; // no handler: the catch-all 404
  auto transport = make_curl_transport(fast_options());

  const HttpResponse response = transport->get({server.url() + "/api/traces", {}});

  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, "404 page not found\n");
  EXPECT_EQ(response.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(response.attempts, 1);
  EXPECT_EQ(server.request_count(), 1U);
}

TEST(CurlTransport, ReturnsARedirectWithoutFollowingIt) {
  FakeHttpServer elsewhere;
  FakeHttpServer server;
  const std::string target = elsewhere.url() + "/login?next=%2Fapi";
  server.on("/api/services", [&target](const FakeRequest&) {
    FakeResponse response = FakeResponse::text(302, "");
    response.headers.emplace_back("Location", target);
    return response;
  });
  auto transport = make_curl_transport(fast_options());

  const HttpResponse response = transport->get({server.url() + "/api/services", {}});

  EXPECT_EQ(response.status, 302);
  EXPECT_EQ(response.location, target);
  EXPECT_EQ(response.attempts, 1);
  EXPECT_EQ(elsewhere.request_count(), 0U);
}

TEST(CurlTransport, ReportsABodyOverTheLimitAsTooLarge) {
  FakeHttpServer server;
  server.on("/big",
            [](const FakeRequest&) { return FakeResponse::text(200, std::string(4096, 'x')); });
  server.on("/fits",
            [](const FakeRequest&) { return FakeResponse::text(200, std::string(1000, 'x')); });
  HttpOptions options = fast_options();
  options.max_body_bytes = 1000;
  auto transport = make_curl_transport(options);

  const HttpResponse big = transport->get({server.url() + "/big", {}});
  const HttpResponse fits = transport->get({server.url() + "/fits", {}});

  EXPECT_EQ(big.failure, Failure::too_large);
  EXPECT_EQ(big.status, 0);
  EXPECT_TRUE(big.body.empty());
  EXPECT_EQ(big.attempts, 1) << "a body over the cap is not retried";
  EXPECT_EQ(fits.status, 200);
  EXPECT_EQ(fits.body.size(), 1000U);
}

TEST(CurlTransport, SendsAuthorizationButNeverTracesIt) {
  FakeHttpServer server;
  server.on("/api/services", [](const FakeRequest&) { return FakeResponse::text(200, "{}"); });
  HttpOptions options = fast_options();
  TraceLog log;
  log.attach(options);
  auto transport = make_curl_transport(options);
  const HttpRequest request{server.url() + "/api/services?api_token=t0ps3cret&service=shop",
                            {{"Authorization", "Bearer s3cr3t-bearer"}, {"Cookie", "sid=c00kie"}}};

  const HttpResponse response = transport->get(request);

  EXPECT_EQ(response.status, 200);
  const std::vector<FakeRequest> received = server.requests();
  ASSERT_EQ(received.size(), 1U);
  EXPECT_EQ(received[0].header("authorization"), "Bearer s3cr3t-bearer");
  EXPECT_EQ(received[0].header("Cookie"), "sid=c00kie");
  ASSERT_EQ(log.lines.size(), 1U);
  const std::string& line = log.lines[0];
  EXPECT_EQ(line.find("s3cr3t"), std::string::npos) << line;
  EXPECT_EQ(line.find("c00kie"), std::string::npos) << line;
  EXPECT_EQ(line.find("t0ps3cret"), std::string::npos) << line;
  EXPECT_TRUE(line.starts_with("GET " + server.url() +
                               "/api/services?api_token=***&service=shop -> 200 (2 bytes, "))
      << line;
}

TEST(CurlTransport, TracesFailuresAndRetries) {
  const test::RefusingPort nothing_listening;
  HttpOptions options = fast_options();
  options.max_retries = 1;
  TraceLog log;
  log.attach(options);
  auto transport = make_curl_transport(options);

  transport->get({nothing_listening.url() + "/x", {}});

  ASSERT_EQ(log.lines.size(), 2U);
  EXPECT_NE(log.lines[0].find("-> failed: connect"), std::string::npos) << log.lines[0];
  EXPECT_NE(log.lines[0].find("retry 1 of 1"), std::string::npos) << log.lines[0];
  EXPECT_NE(log.lines[1].find("-> failed: connect"), std::string::npos) << log.lines[1];
}

TEST(CurlTransport, SendsUserAgentAndAcceptsGzip) {
  FakeHttpServer server;
  server.on("/", [](const FakeRequest&) { return FakeResponse::text(200, "ok"); });
  auto default_transport = make_curl_transport(fast_options());
  HttpOptions options = fast_options();
  options.user_agent = "custom-agent/2";
  auto custom_transport = make_curl_transport(options);

  default_transport->get({server.url() + "/", {}});
  custom_transport->get({server.url() + "/", {}});

  const std::vector<FakeRequest> received = server.requests();
  ASSERT_EQ(received.size(), 2U);
  EXPECT_TRUE(received[0].header("User-Agent").value_or("").starts_with("ordertrace/"));
  EXPECT_NE(received[0].header("Accept-Encoding").value_or("").find("gzip"), std::string::npos);
  EXPECT_EQ(received[1].header("User-Agent"), "custom-agent/2");
}

TEST(CurlTransport, RefusesOtherSchemesWithoutRetrying) {
  auto transport = make_curl_transport(fast_options());

  const HttpResponse response = transport->get({"ftp://127.0.0.1:1/file", {}});

  EXPECT_EQ(response.failure, Failure::other);
  EXPECT_EQ(response.attempts, 1);
}

TEST(CurlTransport, RejectsAHeaderWithALineBreak) {
  auto transport = make_curl_transport(fast_options());

  EXPECT_THROW(transport->get({"http://127.0.0.1:1/", {{"X-Evil", "a\r\nHost: b"}}}), Error);
  EXPECT_EQ(transport->requests_sent(), 0U);
}

TEST(CurlTransport, AnswersNothingForNoRequests) {
  auto transport = make_curl_transport(fast_options());

  EXPECT_TRUE(transport->get_all({}).empty());
  EXPECT_EQ(transport->requests_sent(), 0U);
}

TEST(FakeHttpServer, StopsWhileAClientIsStillConnected) {
  FakeHttpServer server;
  server.on("/ok", [](const FakeRequest&) { return FakeResponse::text(200, "ok"); });
  auto transport = make_curl_transport(fast_options());
  // Leaves the transport holding an idle keep-alive connection to the server.
  EXPECT_EQ(transport->get({server.url() + "/ok", {}}).status, 200);

  server.stop(); // must return although the connection is still open
  server.stop();

  EXPECT_EQ(server.connections_accepted(), 1U);
}

TEST(RedactUrl, HidesUserinfo) {
  EXPECT_EQ(redact_url("http://user:pa55@jaeger:16686/api/services"),
            "http://***@jaeger:16686/api/services");
  EXPECT_EQ(redact_url("https://token@jaeger/"), "https://***@jaeger/");
  EXPECT_EQ(redact_url("http://u:p@ss@jaeger/x"), "http://***@jaeger/x");
}

TEST(RedactUrl, HidesValuesOfSecretLookingParameters) {
  EXPECT_EQ(redact_url("https://j/api/traces?service=shop&access_token=abc&limit=5"),
            "https://j/api/traces?service=shop&access_token=***&limit=5");
  EXPECT_EQ(redact_url("https://j/x?API_KEY=1&Secret=2&password=3&auth=4&X-Amz-Signature=5"),
            "https://j/x?API_KEY=***&Secret=***&password=***&auth=***&X-Amz-Signature=***");
  EXPECT_EQ(redact_url("https://j/x?api%5Fkey=1#token=frag"),
            "https://j/x?api%5Fkey=***#token=frag");
}

TEST(RedactUrl, LeavesEverythingElseAlone) {
  EXPECT_EQ(redact_url("http://localhost:16686/api/traces/abc"),
            "http://localhost:16686/api/traces/abc");
  EXPECT_EQ(redact_url("http://j/search?email=a@b.c&q="), "http://j/search?email=a@b.c&q=");
  EXPECT_EQ(redact_url("http://j/x?token=&token"), "http://j/x?token=&token");
  EXPECT_EQ(redact_url("http://j/x?"), "http://j/x?");
  EXPECT_EQ(redact_url("/relative/path?key=v"), "/relative/path?key=***");
  EXPECT_EQ(redact_url(""), "");
}

} // namespace
} // namespace ordertrace::source

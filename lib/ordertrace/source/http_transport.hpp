#pragma once
// The network seam: everything ordertrace asks over HTTP goes through HttpTransport,
// so tests swap in canned answers (as ninja swaps its DiskInterface). The real one,
// made by make_curl_transport, runs requests in parallel over libcurl's multi interface.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace ordertrace::source {

struct HttpRequest {
  std::string url; // absolute http(s) URL, query already percent-encoded
  // Extra headers ("Authorization: Bearer ..." among them): never logged unredacted.
  std::vector<std::pair<std::string, std::string>> headers;
};

struct HttpResponse {
  // Why no usable HTTP answer arrived; `none` when `status` holds one.
  enum class Failure { none, connect, timeout, tls, too_large, other };

  int status = 0; // HTTP status; 0 with a failure
  std::string body;
  std::string content_type;
  std::string location;                            // of a redirect, which is never followed
  std::optional<std::chrono::seconds> retry_after; // of a 429/503
  Failure failure = Failure::none;
  std::string failure_message; // curl's words, without the URL's secrets
  int attempts = 0;
};

// Defaults of HttpOptions, named so callers and --help texts can refer to them.
inline constexpr std::chrono::milliseconds k_default_connect_timeout{5'000};
inline constexpr std::chrono::milliseconds k_default_total_timeout{60'000};
inline constexpr long k_default_low_speed_bytes = 1;
inline constexpr std::chrono::seconds k_default_low_speed_time{15};
inline constexpr int k_default_max_retries = 3;
inline constexpr std::chrono::milliseconds k_default_backoff_base{200};
inline constexpr std::chrono::milliseconds k_default_backoff_max{5'000};
inline constexpr std::chrono::seconds k_default_retry_after_max{30};
inline constexpr std::size_t k_default_max_in_flight = 8;
inline constexpr std::size_t k_default_max_body_bytes = 1ULL << 30;

// "ordertrace/<version> libcurl/<version>": the User-Agent sent unless HttpOptions says
// otherwise. Loads libcurl (curl_library.hpp).
std::string default_user_agent();

struct HttpOptions {
  // Both timeouts apply to each attempt; retries and their backoff come on top.
  std::chrono::milliseconds connect_timeout = k_default_connect_timeout;
  std::chrono::milliseconds total_timeout = k_default_total_timeout;
  // A transfer slower than low_speed_bytes per second for low_speed_time is abandoned
  // (reported as Failure::timeout).
  long low_speed_bytes = k_default_low_speed_bytes;
  std::chrono::seconds low_speed_time = k_default_low_speed_time;
  // Retries for connection errors, timeouts, 5xx and 429; never for other 4xx, 3xx, TLS
  // failures or a body over max_body_bytes. The wait before retry n (0-based) is random in
  // [0, min(backoff_max, backoff_base * 2^n)], and at least a Retry-After the server sent.
  int max_retries = k_default_max_retries;
  std::chrono::milliseconds backoff_base = k_default_backoff_base;
  std::chrono::milliseconds backoff_max = k_default_backoff_max;
  std::chrono::seconds retry_after_max = k_default_retry_after_max; // longer: no retry at all
  std::size_t max_in_flight = k_default_max_in_flight;              // 0 counts as 1
  // Counted after gzip decoding, so a small compressed answer cannot inflate without bound.
  std::size_t max_body_bytes = k_default_max_body_bytes;
  std::string ca_file;   // empty: the system trust store
  std::string cert_file; // client certificate (mutual TLS)
  std::string key_file;
  // Empty: default_user_agent(), filled in by make_curl_transport, so that options alone
  // never load libcurl (a show answered from the cache needs none).
  std::string user_agent;
  // Called with one line per attempt when set (--verbose); URLs redacted, header values
  // never printed.
  std::function<void(const std::string&)> trace;
};

class HttpTransport {
public:
  virtual ~HttpTransport() = default;
  // Performs every request (in parallel, at most max_in_flight at once, each retried as
  // HttpOptions says) and returns the answers in the same order. Never throws for a
  // network failure: that is an HttpResponse with `failure` set.
  virtual std::vector<HttpResponse> get_all(std::span<const HttpRequest> requests) = 0;
  // Number of HTTP requests sent (attempted) so far, retries included.
  virtual std::uint64_t requests_sent() const = 0;

  HttpResponse get(const HttpRequest& request) {
    return std::move(get_all(std::span<const HttpRequest>(&request, 1)).front());
  }
};

// The real transport over libcurl's multi interface. Redirects are never followed (a 3xx
// comes back with `location`), TLS peers are always verified, only http and https are
// allowed. Calls to get_all on one transport run one at a time (they share its
// connection cache). Throws Error only when libcurl itself cannot be set up.
std::unique_ptr<HttpTransport> make_curl_transport(HttpOptions options);

// The URL with userinfo ("user:pass@" -> "***@") and the values of query parameters whose
// name contains token, key, secret, password, auth, signature or credential (any case)
// replaced by "***". Everything else, the fragment included, is kept as it was.
std::string redact_url(const std::string& url);

} // namespace ordertrace::source

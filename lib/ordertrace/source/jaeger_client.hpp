#pragma once
// Asks a Jaeger query service for the traces of one order, whatever its version:
// api_v3 with query.attributes (v2.19+), legacy /api/traces per service (v1.x, v2.0-v2.20)
// and api_v3 only (v2.21+). See ../shared/reference/jaeger-query-api.md §0, §5, §10.

#include <ordertrace/model/span.hpp>
#include <ordertrace/source/http_transport.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ordertrace::source {

enum class JaegerApi { automatic, v3, legacy };

struct JaegerOptions {
  std::string base_url = "http://localhost:16686"; // may carry a base path: http://h/jaeger
  JaegerApi api = JaegerApi::automatic;
  std::vector<std::string> services; // searched one by one when a search needs a service
  int search_depth = 100;            // traces per search request
  int max_linked_traces = 1000;      // linked traces fetched per order, at most
  std::optional<std::string> token;  // bearer token; only sent over https
};

// One search window: span start times in [from_ns, until_ns).
struct SearchWindow {
  std::int64_t from_ns = 0;
  std::int64_t until_ns = 0;
};

// A warning of the client as data: what it says and the values it names, so that a report
// can say it in the reader's language. OrderTraces::warnings holds the English sentence.
struct ClientWarning {
  enum class Kind {
    service_search_failed,      // service, message (discovery: its orders may be missing)
    order_search_failed,        // service, message (an order's search: its part of the order)
    search_cut_off,             // filter, service (each absent: all), count; times from, until
    jaeger_reported,            // note (Jaeger's own text)
    trace_missing,              // trace
    link_limit,                 // limit, count
    consumer_search_limit,      // limit
    consumers_without_services, // queue
  };
  Kind kind = Kind::jaeger_reported;
  std::map<std::string, std::string> words;     // said as they are: services, counts, ...
  std::map<std::string, std::int64_t> times_ns; // said in the reader's time zone
};
// The stable name of a kind ("search_cut_off"): a report's message table knows it by it.
std::string_view to_string(ClientWarning::Kind kind) noexcept;
// The English sentence of `warning`, as OrderTraces::warnings holds it.
std::string english_text(const ClientWarning& warning);

struct OrderTraces {
  std::vector<model::Span> spans; // every span of every trace found, each trace once
  std::set<model::TraceId> trace_ids;
  std::vector<std::string> warnings;          // a cut-off search, a trace that vanished, ...
  std::vector<ClientWarning> warning_details; // warnings[i] as data, one each
  std::vector<std::string> failed_services;   // searches that failed: the data is partial
  std::string route;                          // "api_v3", "legacy"
};

// What discover() found, and what it cost.
struct Discovery {
  OrderTraces traces;              // every trace found, each once, linked ones included
  std::size_t searches = 0;        // search requests (per service and window)
  std::size_t windows_split = 0;   // windows split in two because a search came back full
  std::size_t linked_fetched = 0;  // traces fetched by id because a found span refers to them
  std::uint64_t http_requests = 0; // HTTP requests sent, retries included
};

// Called as work proceeds: searches done so far and searches known so far (splits add).
using DiscoveryProgress = std::function<void(std::size_t done, std::size_t known)>;

class JaegerClient {
public:
  // `transport` must outlive the client. Throws UsageError when `base_url` is not an
  // http(s) URL with a host (a query or fragment is refused too), when a token would
  // travel over plain http or holds a line break, or when search_depth < 1 or
  // max_linked_traces < 0. The token never appears in a message.
  JaegerClient(JaegerOptions options, HttpTransport& transport);

  // Finds the traces in which a span carries `order_id` under one of `order_id_keys`
  // (starting in `window`), then follows span links and cross-trace parents to traces
  // not fetched yet (GET by id), each trace fetched once. Throws JaegerError when Jaeger
  // is unreachable, failing or not a Jaeger, AuthenticationError for 401/403 or a login
  // page; one service's failed search is a warning in `failed_services`, not an error.
  OrderTraces find_order(const std::string& order_id, std::span<const std::string> order_id_keys,
                         const SearchWindow& window);

  // Finds every trace with a span in `window` without knowing any order id (the nightly
  // report): one search per configured service with no tag filter; a search that returns
  // as many traces as the search depth is not trusted but redone as two half windows,
  // down to a millisecond, so nothing is silently cut off (a full millisecond is a
  // warning). Each round of searches goes out in parallel (the transport's get_all); then
  // the traces that found spans link to or name as a parent are fetched by id. The number
  // of requests grows with the windows searched, not with the orders. Route detection
  // as in find_order (api_v3 first, legacy when api_v3 is missing). Throws UsageError
  // without services or for an empty window, JaegerError when every search failed,
  // AuthenticationError for 401/403; a failed service is a warning in `failed_services`.
  Discovery discover(const SearchWindow& window, const DiscoveryProgress& progress = {});

  // Fetches traces by id (those already in `into` are skipped), adding their spans.
  void fetch_traces(std::span<const model::TraceId> ids, OrderTraces& into);

  // The route in use after detection (automatic until the first search decides; the
  // configured one when `api` is v3 or legacy).
  JaegerApi detected_api() const noexcept { return m_detected; }

private:
  // The state of one find_order/fetch_traces call: its traces, warnings and the
  // requests it made. Defined in jaeger_client.cpp.
  class Session;

  JaegerOptions m_options;
  HttpTransport& m_transport;
  std::string m_base; // base_url without trailing slashes; "/api/..." is appended
  std::vector<std::pair<std::string, std::string>> m_headers; // Authorization over https
  JaegerApi m_detected = JaegerApi::automatic;                // api_v3 or legacy once known
  // api_v3 answered that it needs a service name (Cassandra, Badger, v2.20 ES): search
  // each configured service from then on instead of asking again.
  bool m_v3_needs_service = false;
};

} // namespace ordertrace::source

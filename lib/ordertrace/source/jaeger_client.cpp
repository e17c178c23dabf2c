#include <ordertrace/decode/decoder.hpp>
#include <ordertrace/decode/json_reader.hpp>
#include <ordertrace/source/jaeger_client.hpp>
#include <ordertrace/util/error.hpp>
#include <ordertrace/util/time.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <deque>
#include <map>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace ordertrace::source {
namespace {

// Searches for consumers that carry no order id, per order: each costs one request
// per service, and an order normally publishes a handful of messages.
constexpr std::size_t k_max_consumer_searches = 20;
constexpr std::size_t k_max_excerpt = 120;
// Discovery splits a full search window down to this width; a full millisecond is
// reported as cut off rather than split further.
constexpr std::int64_t k_min_discovery_window_ns = 1'000'000;
constexpr std::array<std::string_view, 4> k_destination_keys = {
    "messaging.destination.name", "messaging.destination",
    "messaging.rabbitmq.destination.routing_key", "messaging.rabbitmq.routing_key"};

using TraceMap = std::map<model::TraceId, std::vector<model::Span>>;

enum class Route { v3, legacy };

std::string_view route_name(Route route) {
  return route == Route::v3 ? "api_v3" : "legacy";
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_word_byte(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// `word` occurs in `text` starting at a word boundary (and ending at one when asked),
// so "sso" does not match "crossorigin".
bool contains_word(std::string_view text, std::string_view word, bool bounded_end) {
  for (auto at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
    const bool start_ok = at == 0 || !is_word_byte(text[at - 1]);
    const auto end = at + word.size();
    const bool end_ok = !bounded_end || end == text.size() || !is_word_byte(text[end]);
    if (start_ok && end_ok) {
      return true;
    }
  }
  return false;
}

// An SSO/login page (or a redirect to one) rather than a Jaeger answer.
bool looks_like_login(std::string_view text) {
  const std::string lower = lowercase(text.substr(0, std::size_t{1} << 20));
  for (std::string_view password : {"type=\"password\"", "type='password'", "type=password"}) {
    if (lower.find(password) != std::string::npos) {
      return true;
    }
  }
  for (std::string_view word :
       {"login", "log in", "sign in", "signin", "sign-in", "keycloak", "oauth", "openid"}) {
    if (contains_word(lower, word, false)) {
      return true;
    }
  }
  return contains_word(lower, "sso", true);
}

// Keeps RFC 3986 unreserved bytes, encodes every other byte.
std::string percent_encode(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3);
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", byte);
    }
  }
  return out;
}

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      out += fmt::format("\\u{:04x}", byte);
    } else {
      out += c;
    }
  }
  return out + '"';
}

// {"key":"value"}: the shape of both query.attributes and legacy tags.
std::string tag_filter(std::string_view key, std::string_view value) {
  return "{" + json_string(key) + ":" + json_string(value) + "}";
}

std::string_view trim_front(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    text.remove_prefix(3);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
    text.remove_prefix(1);
  }
  return text;
}

std::string_view trim(std::string_view text) {
  text = trim_front(text);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
    text.remove_suffix(1);
  }
  return text;
}

// For messages: the start of a body on one line, without control bytes.
std::string excerpt(std::string_view text) {
  text = trim(text);
  std::string out;
  for (const char c : text.substr(0, k_max_excerpt)) {
    out += std::iscntrl(static_cast<unsigned char>(c)) != 0 ? ' ' : c;
  }
  if (text.size() > k_max_excerpt) {
    out += "...";
  }
  return out;
}

// What a body is, judged from its bytes: Content-Type is not trusted (api_v3 sends JSON
// as text/plain, unknown paths get the UI's index.html with 200).
enum class BodyShape { empty, json, html, page_not_found, text };

BodyShape sniff(std::string_view body) {
  const std::string_view start = trim_front(body);
  if (start.empty()) {
    return BodyShape::empty;
  }
  if (start.front() == '{' || start.front() == '[') {
    return BodyShape::json;
  }
  if (start.front() == '<') {
    return BodyShape::html;
  }
  if (trim(start) == "404 page not found") {
    return BodyShape::page_not_found;
  }
  return BodyShape::text;
}

// Jaeger's words from an error envelope: api_v3 {"error":{"message":...}} or legacy
// {"errors":[{"msg":...}]}; empty when there are none or the body is not JSON.
std::string jaeger_error_text(std::string_view body) {
  using decode::JsonType;
  std::string found;
  try {
    decode::JsonReader reader(body, "answer", decode::DecodeLimits{});
    if (reader.peek() != JsonType::object) {
      return {};
    }
    reader.begin_object();
    std::string_view key;
    while (reader.next_key(key)) {
      if (key == "error" && reader.peek() == JsonType::object) {
        reader.begin_object();
        std::string_view inner;
        while (reader.next_key(inner)) {
          if (inner == "message" && reader.peek() == JsonType::string) {
            found = std::string(reader.read_string());
          } else {
            reader.skip_value();
          }
        }
      } else if (key == "errors" && reader.peek() == JsonType::array) {
        reader.begin_array();
        while (reader.next_element()) {
          if (!found.empty() || reader.peek() != JsonType::object) {
            reader.skip_value();
            continue;
          }
          reader.begin_object();
          std::string_view inner;
          while (reader.next_key(inner)) {
            if (inner == "msg" && reader.peek() == JsonType::string) {
              found = std::string(reader.read_string());
            } else {
              reader.skip_value();
            }
          }
        }
      } else {
        reader.skip_value();
      }
    }
  } catch (const Error&) {
    // A truncated or odd error body: whatever was read so far is all Jaeger said.
  }
  return excerpt(found);
}

// api_v3 refusing a service-less search: 400 "this storage backend requires a service
// name to search" (v2.21+), 500 "service Name must be set" (v2.20 ES/Badger).
bool asks_for_service(std::string_view message) {
  const std::string lower = lowercase(message);
  return lower.find("service name") != std::string::npos &&
         (lower.find("require") != std::string::npos ||
          lower.find("must be set") != std::string::npos);
}

class VectorSink final : public decode::SpanSink {
public:
  explicit VectorSink(std::vector<model::Span>& out) : m_out(out) {}
  void on_span(model::Span&& span) override { m_out.push_back(std::move(span)); }

private:
  std::vector<model::Span>& m_out;
};

TraceMap group_by_trace(std::vector<model::Span>&& spans) {
  TraceMap traces;
  for (auto& span : spans) {
    traces[span.trace_id].push_back(std::move(span));
  }
  return traces;
}

std::optional<std::string> destination_of(const model::Span& span, std::string& key_out) {
  for (const auto key : k_destination_keys) {
    auto value = model::find_attribute_text(span.attributes, key);
    if (value && !value->empty()) {
      key_out = std::string(key);
      return value;
    }
  }
  return std::nullopt;
}

bool has_value(const model::Attributes& attributes, const std::string& key,
               const std::string& value) {
  const auto text = model::find_attribute_text(attributes, key);
  return text && *text == value;
}

// Where Jaeger's memory store looks for a tag: the span's, its events', its links' and
// its resource's attributes. An honest server returns only traces with such a span.
bool carries(const model::Span& span, const std::string& key, const std::string& value) {
  if (has_value(span.attributes, key, value)) {
    return true;
  }
  for (const auto& event : span.events) {
    if (has_value(event.attributes, key, value)) {
      return true;
    }
  }
  for (const auto& link : span.links) {
    if (has_value(link.attributes, key, value)) {
      return true;
    }
  }
  return span.resource && has_value(span.resource->attributes, key, value);
}

// The span refers to `targets` by a link or a parent reference.
template <typename Set> bool refers_to(const model::Span& span, const Set& targets) {
  if (span.parent && targets.contains(*span.parent)) {
    return true;
  }
  return std::any_of(span.links.begin(), span.links.end(),
                     [&](const model::SpanLink& link) { return targets.contains(link.target); });
}

// One search request and what came of it.
struct SearchSpec {
  Route route = Route::v3;
  std::string key;
  std::string value;
  std::optional<std::string> service;
  std::int64_t from_ns = 0;
  std::int64_t until_ns = 0;
  std::string url;
};

struct Answer {
  enum class Kind { spans, no_match, route_missing, html_page, service_required, failed };
  Kind kind = Kind::failed;
  std::vector<model::Span> spans;
  std::vector<std::string> notes; // the "errors" of a legacy envelope next to its data
  std::string message;            // failed/html/route_missing: the error; else Jaeger's words
};

struct Stage {
  std::vector<SearchSpec> specs;
  std::vector<Answer> answers;

  bool any(Answer::Kind kind) const {
    return std::any_of(answers.begin(), answers.end(),
                       [&](const Answer& answer) { return answer.kind == kind; });
  }
  const Answer* first(Answer::Kind kind) const {
    for (const auto& answer : answers) {
      if (answer.kind == kind) {
        return &answer;
      }
    }
    return nullptr;
  }
};

} // namespace

std::string_view to_string(ClientWarning::Kind kind) noexcept {
  using Kind = ClientWarning::Kind;
  switch (kind) {
  case Kind::service_search_failed:
    return "service_search_failed";
  case Kind::order_search_failed:
    return "order_search_failed";
  case Kind::search_cut_off:
    return "search_cut_off";
  case Kind::jaeger_reported:
    return "jaeger_reported";
  case Kind::trace_missing:
    return "trace_missing";
  case Kind::link_limit:
    return "link_limit";
  case Kind::consumer_search_limit:
    return "consumer_search_limit";
  case Kind::consumers_without_services:
    return "consumers_without_services";
  }
  return "jaeger_reported";
}

std::string english_text(const ClientWarning& warning) {
  using Kind = ClientWarning::Kind;
  const auto word = [&warning](const std::string& name) {
    const auto found = warning.words.find(name);
    return found == warning.words.end() ? std::string() : found->second;
  };
  const auto time = [&warning](const std::string& name) {
    const auto found = warning.times_ns.find(name);
    return found == warning.times_ns.end() ? std::string() : util::format_rfc3339(found->second);
  };
  switch (warning.kind) {
  case Kind::service_search_failed:
    return fmt::format("the search in service {} failed, so its orders may be missing: {}",
                       word("service"), word("message"));
  case Kind::order_search_failed:
    return fmt::format(
        "the search in service {} failed, so its part of the order may be missing: {}",
        word("service"), word("message"));
  case Kind::search_cut_off:
    return fmt::format(
        "the search for {} in {} from {} to {} returned {} traces, the search depth: more "
        "may have been cut off; use a narrower window or a larger --search-depth",
        warning.words.contains("filter") ? word("filter") : std::string("all traces"),
        warning.words.contains("service") ? "service " + word("service") : "all services",
        time("from"), time("until"), word("count"));
  case Kind::jaeger_reported:
    return "Jaeger reported: " + word("note");
  case Kind::trace_missing:
    return fmt::format(
        "trace {} is not in Jaeger (expired or never stored): the order may be incomplete",
        word("trace"));
  case Kind::link_limit:
    return fmt::format("stopped following links after {} linked traces (the limit): {} more "
                       "were not fetched, so the order may be incomplete",
                       word("limit"), word("count"));
  case Kind::consumer_search_limit:
    return fmt::format(
        "searched for the consumers of {} messages, the limit; older ones were not searched",
        word("limit"));
  case Kind::consumers_without_services:
    return fmt::format("cannot search for consumers of {} without configured services",
                       word("queue"));
  }
  return word("note");
}

class JaegerClient::Session {
public:
  explicit Session(JaegerClient& client) : m_client(client), m_options(client.m_options) {}

  OrderTraces find_order(const std::string& order_id, std::span<const std::string> keys,
                         const SearchWindow& window) {
    if (order_id.empty()) {
      throw UsageError("an empty order id cannot be searched for");
    }
    if (keys.empty()) {
      throw UsageError("no order-id attribute keys to search under");
    }
    if (window.from_ns >= window.until_ns) {
      throw UsageError(fmt::format("empty search window: {} is not before {}",
                                   util::format_rfc3339(window.from_ns),
                                   util::format_rfc3339(window.until_ns)));
    }
    search_order(order_id, keys, window);
    std::size_t consumer_searches = 0;
    do {
      follow_links();
    } while (search_consumers(window, consumer_searches));
    return take_result();
  }

  Discovery discover(const SearchWindow& window, const DiscoveryProgress& progress) {
    if (window.from_ns >= window.until_ns) {
      throw UsageError(fmt::format("empty search window: {} is not before {}",
                                   util::format_rfc3339(window.from_ns),
                                   util::format_rfc3339(window.until_ns)));
    }
    if (m_options.services.empty()) {
      throw UsageError("no services are configured to search one by one");
    }
    const std::uint64_t requests_before = m_client.m_transport.requests_sent();
    Discovery discovery;
    Route route = (m_options.api == JaegerApi::legacy || m_client.m_detected == JaegerApi::legacy)
                      ? Route::legacy
                      : Route::v3;
    std::vector<SearchSpec> pending;
    for (const auto& service : m_options.services) {
      pending.push_back({route, {}, {}, service, window.from_ns, window.until_ns, {}});
    }
    std::size_t done = 0;
    std::size_t answered = 0;
    std::optional<std::string> first_failure;
    std::set<std::string> failed_services;
    while (!pending.empty()) {
      std::vector<std::string> urls;
      for (auto& spec : pending) {
        spec.route = route;
        spec.url = search_url(spec);
        urls.push_back(spec.url);
      }
      const auto responses = get_all(urls);
      discovery.searches += urls.size();
      std::vector<Answer> answers;
      for (std::size_t i = 0; i < pending.size(); ++i) {
        answers.push_back(interpret(responses[i], pending[i].url, route, true));
      }
      const bool missing = std::any_of(answers.begin(), answers.end(), [](const Answer& a) {
        return a.kind == Answer::Kind::route_missing || a.kind == Answer::Kind::html_page;
      });
      if (missing && route == Route::v3 && m_options.api == JaegerApi::automatic &&
          m_client.m_detected == JaegerApi::automatic) {
        // No api_v3 search here (Jaeger v1): the same round over the legacy route.
        route = Route::legacy;
        m_client.m_detected = JaegerApi::legacy;
        continue;
      }
      std::vector<SearchSpec> next;
      for (std::size_t i = 0; i < pending.size(); ++i) {
        SearchSpec& spec = pending[i];
        Answer& answer = answers[i];
        add_notes(answer);
        if (answer.kind == Answer::Kind::no_match) {
          ++answered;
          continue;
        }
        if (answer.kind != Answer::Kind::spans) {
          if (!first_failure) {
            first_failure = answer.message;
          }
          if (failed_services.insert(*spec.service).second) {
            m_failed_services.push_back(*spec.service);
            warn({ClientWarning::Kind::service_search_failed,
                  {{"service", *spec.service}, {"message", answer.message}},
                  {}});
          }
          continue;
        }
        ++answered;
        auto traces = group_by_trace(std::move(answer.spans));
        const bool full = traces.size() >= static_cast<std::size_t>(m_options.search_depth);
        if (full && spec.until_ns - spec.from_ns >= 2 * k_min_discovery_window_ns) {
          // Not trusted: the answer may be cut off. Both halves are searched again.
          const std::int64_t middle = spec.from_ns + (spec.until_ns - spec.from_ns) / 2;
          SearchSpec older = spec;
          older.until_ns = middle;
          SearchSpec newer = spec;
          newer.from_ns = middle;
          next.push_back(std::move(older));
          next.push_back(std::move(newer));
          ++discovery.windows_split;
          continue;
        }
        if (full) {
          warn_if_cut_off(spec, traces.size());
        }
        for (auto& [id, spans] : traces) {
          add_trace(id, std::move(spans));
        }
      }
      done += pending.size();
      pending = std::move(next);
      if (progress) {
        progress(done, done + pending.size());
      }
    }
    if (answered == 0 && first_failure) {
      throw JaegerError(*first_failure);
    }
    if (m_options.api == JaegerApi::automatic && m_client.m_detected == JaegerApi::automatic &&
        !m_traces.empty()) {
      m_client.m_detected = route == Route::v3 ? JaegerApi::v3 : JaegerApi::legacy;
    }
    m_route = route;
    follow_links();
    discovery.linked_fetched = m_linked_fetched;
    discovery.traces = take_result();
    discovery.http_requests = m_client.m_transport.requests_sent() - requests_before;
    return discovery;
  }

  void fetch_into(std::span<const model::TraceId> ids, OrderTraces& into) {
    std::vector<model::TraceId> wanted;
    for (const auto& id : ids) {
      if (!id.empty() && !into.trace_ids.contains(id) &&
          std::find(wanted.begin(), wanted.end(), id) == wanted.end()) {
        wanted.push_back(id);
      }
    }
    for (auto& [id, spans] : fetch_by_id(wanted)) {
      if (into.trace_ids.insert(id).second) {
        std::move(spans.begin(), spans.end(), std::back_inserter(into.spans));
      }
    }
    std::move(m_warnings.begin(), m_warnings.end(), std::back_inserter(into.warnings));
    std::move(m_warning_details.begin(), m_warning_details.end(),
              std::back_inserter(into.warning_details));
  }

private:
  // ---- requests and answers ----------------------------------------------------------

  std::string shown(const std::string& url) const { return redact_url(url); }

  // An empty key searches without a tag filter (discovery).
  std::string search_url(const SearchSpec& spec) const {
    const std::string filter =
        spec.key.empty() ? std::string() : percent_encode(tag_filter(spec.key, spec.value));
    if (spec.route == Route::v3) {
      std::string url = fmt::format(
          "{}/api/v3/traces?{}query.start_time_min={}&query.start_time_max={}"
          "&query.num_traces={}",
          m_client.m_base, filter.empty() ? std::string() : "query.attributes=" + filter + "&",
          percent_encode(util::format_rfc3339(spec.from_ns)),
          percent_encode(util::format_rfc3339(spec.until_ns)), m_options.search_depth);
      if (spec.service) {
        url += "&query.service_name=" + percent_encode(*spec.service);
      }
      return url;
    }
    // Legacy times are microseconds: round the window outwards.
    return fmt::format("{}/api/traces?service={}{}&start={}&end={}&limit={}", m_client.m_base,
                       percent_encode(spec.service.value_or("")),
                       filter.empty() ? std::string() : "&tags=" + filter, spec.from_ns / 1000,
                       (spec.until_ns + 999) / 1000, m_options.search_depth);
  }

  std::string trace_url(Route route, const model::TraceId& id) const {
    return fmt::format("{}/api{}/traces/{}", m_client.m_base, route == Route::v3 ? "/v3" : "",
                       id.hex());
  }

  std::vector<HttpResponse> get_all(const std::vector<std::string>& urls) {
    std::vector<HttpRequest> requests;
    requests.reserve(urls.size());
    for (const auto& url : urls) {
      requests.push_back({url, m_client.m_headers});
    }
    auto responses = m_client.m_transport.get_all(requests);
    if (responses.size() != requests.size()) {
      throw JaegerError(fmt::format("the HTTP transport answered {} of {} requests",
                                    responses.size(), requests.size()));
    }
    return responses;
  }

  std::string transport_failure(const HttpResponse& response, const std::string& url) const {
    const std::string attempts =
        response.attempts > 1 ? fmt::format(" after {} attempts", response.attempts) : "";
    const std::string& why = response.failure_message;
    switch (response.failure) {
    case HttpResponse::Failure::connect:
      return fmt::format("cannot reach Jaeger at {}: {}", shown(m_options.base_url),
                         why.empty() ? "connection failed" : why);
    case HttpResponse::Failure::timeout:
      return fmt::format("Jaeger at {} timed out{}", shown(url), attempts);
    case HttpResponse::Failure::tls:
      return fmt::format("TLS failure talking to Jaeger at {}: {}", shown(m_options.base_url),
                         why.empty() ? "handshake failed" : why);
    case HttpResponse::Failure::too_large:
      return fmt::format("Jaeger at {} sent too large an answer{}", shown(url),
                         why.empty() ? "" : ": " + why);
    case HttpResponse::Failure::other:
    case HttpResponse::Failure::none:
      break;
    }
    return fmt::format("Jaeger at {} failed{}: {}", shown(url), attempts,
                       why.empty() ? "no answer" : why);
  }

  // Judges one answer. Throws AuthenticationError (credentials wanted or refused) and
  // JaegerError (a redirect); everything else is returned for the caller to weigh,
  // because a single failed per-service search must not spoil the others.
  Answer interpret(const HttpResponse& response, const std::string& url, Route route,
                   bool search) const {
    Answer answer;
    if (response.failure != HttpResponse::Failure::none || response.status == 0) {
      answer.message = transport_failure(response, url);
      return answer;
    }
    const int status = response.status;
    if (status == 401 || status == 403) {
      if (status == 403) {
        throw AuthenticationError(fmt::format("{}: access denied (HTTP 403)", shown(url)));
      }
      throw AuthenticationError(
          !m_client.m_headers.empty()
              ? fmt::format("{}: the token was refused (HTTP 401)", shown(url))
              : fmt::format("{}: authentication required (HTTP 401); pass a token with "
                            "--token-file or ORDERTRACE_TOKEN (sent over https only)",
                            shown(url)));
    }
    if (status >= 300 && status < 400) {
      const std::string location =
          response.location.empty() ? std::string("an unknown place") : shown(response.location);
      if (looks_like_login(response.location) ||
          lowercase(response.location).find("/auth") != std::string::npos) {
        throw AuthenticationError(
            fmt::format("{}: authentication required (redirected to a login page at {})",
                        shown(url), location));
      }
      throw JaegerError(fmt::format("{}: Jaeger answered with a redirect to {}; redirects are not "
                                    "followed — pass the final URL with --jaeger",
                                    shown(url), location));
    }
    const BodyShape shape = sniff(response.body);
    if (shape == BodyShape::html) {
      if (looks_like_login(response.body)) {
        throw AuthenticationError(
            fmt::format("{}: authentication required (got a login page)", shown(url)));
      }
      answer.kind = Answer::Kind::html_page;
      answer.message = fmt::format("{}: not a Jaeger query API (got an HTML page)", shown(url));
      return answer;
    }
    if (status == 404 && shape == BodyShape::page_not_found) {
      answer.kind = Answer::Kind::route_missing;
      answer.message = fmt::format("{}: 404 page not found", shown(url));
      return answer;
    }
    const std::string said = shape == BodyShape::json ? jaeger_error_text(response.body) : "";
    const std::string said_suffix = said.empty() ? "" : ": " + said;
    if (route == Route::v3 && search && (status == 400 || status >= 500) &&
        asks_for_service(said)) {
      answer.kind = Answer::Kind::service_required;
      answer.message = said;
      return answer;
    }
    if (status == 404 && shape == BodyShape::json) {
      // api_v3 "No traces found" (search or id), legacy "trace not found" (id).
      answer.kind = Answer::Kind::no_match;
      answer.message = said;
      return answer;
    }
    if (status >= 500 || status == 429) {
      answer.message = fmt::format(
          "Jaeger at {} failed: HTTP {}{}{}", shown(url), status,
          response.attempts > 1 ? fmt::format(" after {} attempts", response.attempts) : "",
          said_suffix);
      return answer;
    }
    if (status != 200) {
      const std::string body = excerpt(response.body);
      answer.message =
          fmt::format("Jaeger at {} refused the request: HTTP {}{}", shown(url), status,
                      !said.empty() ? said_suffix : (body.empty() ? "" : ": " + body));
      return answer;
    }
    if (shape == BodyShape::empty) {
      answer.message = fmt::format("{}: empty answer from Jaeger", shown(url));
      return answer;
    }
    if (shape != BodyShape::json) {
      answer.message = fmt::format("{}: not a Jaeger query API (got text, not JSON: \"{}\")",
                                   shown(url), excerpt(response.body));
      return answer;
    }
    try {
      VectorSink sink(answer.spans);
      auto stats = decode::decode_buffer(response.body, shown(url), sink);
      answer.notes = std::move(stats.errors);
    } catch (const InputError& error) {
      answer.spans.clear();
      answer.message = fmt::format("malformed answer from Jaeger: {}", error.what());
      return answer;
    }
    answer.kind = answer.spans.empty() ? Answer::Kind::no_match : Answer::Kind::spans;
    return answer;
  }

  // Issues the searches together. An api_v3 search without a service that Jaeger
  // refuses for want of one is redone per configured service (and remembered).
  Stage run_searches(std::vector<SearchSpec> specs) {
    Stage stage;
    std::vector<std::string> urls;
    for (auto& spec : specs) {
      spec.url = search_url(spec);
      urls.push_back(spec.url);
    }
    const auto responses = get_all(urls);
    std::vector<SearchSpec> redo;
    for (std::size_t i = 0; i < specs.size(); ++i) {
      Answer answer = interpret(responses[i], specs[i].url, specs[i].route, true);
      if (answer.kind == Answer::Kind::service_required && !specs[i].service) {
        m_client.m_v3_needs_service = true;
        if (m_options.services.empty()) {
          throw UsageError(fmt::format(
              "{}: this Jaeger needs a service name to search (\"{}\"), and no services are "
              "configured to search one by one",
              shown(specs[i].url), answer.message));
        }
        for (const auto& service : m_options.services) {
          SearchSpec per_service = specs[i];
          per_service.service = service;
          redo.push_back(std::move(per_service));
        }
        continue;
      }
      if (answer.kind == Answer::Kind::service_required) {
        answer.kind = Answer::Kind::failed;
        answer.message =
            fmt::format("{}: Jaeger refused the search: {}", shown(specs[i].url), answer.message);
      }
      stage.specs.push_back(std::move(specs[i]));
      stage.answers.push_back(std::move(answer));
    }
    if (!redo.empty()) {
      Stage again = run_searches(std::move(redo));
      std::move(again.specs.begin(), again.specs.end(), std::back_inserter(stage.specs));
      std::move(again.answers.begin(), again.answers.end(), std::back_inserter(stage.answers));
    }
    return stage;
  }

  std::vector<SearchSpec> order_specs(Route route, const std::string& order_id,
                                      std::span<const std::string> keys,
                                      const SearchWindow& window) const {
    std::vector<SearchSpec> specs;
    const bool per_service = route == Route::legacy || m_client.m_v3_needs_service;
    for (const auto& key : keys) {
      SearchSpec spec{route, key, order_id, std::nullopt, window.from_ns, window.until_ns, {}};
      if (!per_service) {
        specs.push_back(spec);
        continue;
      }
      for (const auto& service : m_options.services) {
        spec.service = service;
        specs.push_back(spec);
      }
    }
    if (specs.empty()) {
      throw UsageError(fmt::format("the {} search needs a service name, and no services are "
                                   "configured to search one by one",
                                   route_name(route)));
    }
    return specs;
  }

  // ---- the order search and route detection --------------------------------------------

  void search_order(const std::string& order_id, std::span<const std::string> keys,
                    const SearchWindow& window) {
    const JaegerApi api = m_options.api;
    if (api == JaegerApi::legacy ||
        (api == JaegerApi::automatic && m_client.m_detected == JaegerApi::legacy)) {
      Stage legacy = run_searches(order_specs(Route::legacy, order_id, keys, window));
      if (const auto* missing = legacy.first(Answer::Kind::route_missing)) {
        if (api == JaegerApi::legacy) {
          throw JaegerError(fmt::format("{}; this Jaeger has no legacy search (removed in "
                                        "v2.21): use --api v3 or --api auto",
                                        missing->message));
        }
        // Upgraded since we looked: the legacy search is gone, so api_v3 is complete.
        m_client.m_detected = JaegerApi::v3;
      } else {
        commit_order_stage(legacy, Route::legacy);
        return;
      }
    }

    Stage v3 = run_searches(order_specs(Route::v3, order_id, keys, window));
    const Answer* unknown = v3.first(Answer::Kind::route_missing);
    if (unknown == nullptr) {
      unknown = v3.first(Answer::Kind::html_page);
    }
    if (unknown != nullptr) {
      if (api == JaegerApi::v3) {
        throw JaegerError(unknown->kind == Answer::Kind::html_page
                              ? unknown->message
                              : unknown->message + "; this Jaeger has no api_v3 search: use "
                                                   "--api legacy or --api auto");
      }
      Stage legacy = run_searches(order_specs(Route::legacy, order_id, keys, window));
      if (const auto* html = legacy.first(Answer::Kind::html_page)) {
        throw JaegerError(html->message);
      }
      if (legacy.any(Answer::Kind::route_missing)) {
        throw JaegerError(fmt::format("{}: not a Jaeger query API (neither /api/v3/traces nor "
                                      "/api/traces is there)",
                                      shown(m_options.base_url)));
      }
      m_client.m_detected = JaegerApi::legacy;
      commit_order_stage(legacy, Route::legacy);
      return;
    }

    if (const auto evidence = ignored_filter(v3, order_id)) {
      if (api == JaegerApi::v3) {
        throw JaegerError(fmt::format(
            "{}: this Jaeger ignores query.attributes on api_v3 (it is older than v2.19): it "
            "answered trace {}, in which no span carries the order id; use --api legacy or "
            "--api auto",
            shown(m_options.base_url), *evidence));
      }
      Stage legacy = run_searches(order_specs(Route::legacy, order_id, keys, window));
      if (legacy.any(Answer::Kind::route_missing)) {
        // No legacy search means v2.21 or later, which honours query.attributes: the
        // trace that looked unrelated matched in a way not visible here (an ES regexp).
        m_client.m_detected = JaegerApi::v3;
        commit_order_stage(v3, Route::v3);
        return;
      }
      if (const auto* html = legacy.first(Answer::Kind::html_page)) {
        throw JaegerError(html->message);
      }
      m_client.m_detected = JaegerApi::legacy;
      commit_order_stage(legacy, Route::legacy);
      return;
    }
    if (api == JaegerApi::automatic && v3.any(Answer::Kind::spans)) {
      m_client.m_detected = JaegerApi::v3;
    }
    commit_order_stage(v3, Route::v3);
  }

  // A trace of the answers in which no span carries the searched key = order id, nor
  // refers to one that does, nor is referred to by one: proof that the filter was
  // ignored (Jaeger < v2.19 answers every trace in the window). Its id, or nullopt.
  std::optional<std::string> ignored_filter(const Stage& stage, const std::string& order_id) const {
    for (std::size_t i = 0; i < stage.answers.size(); ++i) {
      const auto& answer = stage.answers[i];
      if (answer.kind != Answer::Kind::spans) {
        continue;
      }
      const std::string& key = stage.specs[i].key;
      std::set<model::SpanRef> carriers;
      std::set<model::TraceId> reached; // traces a carrier refers to
      for (const auto& span : answer.spans) {
        if (carries(span, key, order_id)) {
          carriers.insert(span.ref());
          reached.insert(span.trace_id);
          if (span.parent) {
            reached.insert(span.parent->trace_id);
          }
          for (const auto& link : span.links) {
            reached.insert(link.target.trace_id);
          }
        }
      }
      std::set<model::TraceId> accounted = reached;
      for (const auto& span : answer.spans) {
        if (refers_to(span, carriers)) {
          accounted.insert(span.trace_id);
        }
      }
      for (const auto& span : answer.spans) {
        if (!accounted.contains(span.trace_id)) {
          return span.trace_id.hex();
        }
      }
    }
    return std::nullopt;
  }

  void commit_order_stage(Stage& stage, Route route) {
    m_route = route;
    weigh_failures(stage);
    for (std::size_t i = 0; i < stage.answers.size(); ++i) {
      auto& answer = stage.answers[i];
      add_notes(answer);
      if (answer.kind != Answer::Kind::spans) {
        continue;
      }
      auto traces = group_by_trace(std::move(answer.spans));
      warn_if_cut_off(stage.specs[i], traces.size());
      for (auto& [id, spans] : traces) {
        add_trace(id, std::move(spans));
      }
    }
  }

  // Throws when Jaeger failed as a whole; records the services whose searches failed
  // when others answered, so the caller knows the data is partial.
  void weigh_failures(const Stage& stage) {
    std::size_t failed = 0;
    const Answer* first_failure = nullptr;
    std::vector<std::pair<std::string, std::string>> per_service;
    for (std::size_t i = 0; i < stage.answers.size(); ++i) {
      const auto& answer = stage.answers[i];
      if (answer.kind != Answer::Kind::failed && answer.kind != Answer::Kind::route_missing &&
          answer.kind != Answer::Kind::html_page) {
        continue;
      }
      ++failed;
      if (first_failure == nullptr) {
        first_failure = &answer;
      }
      if (!stage.specs[i].service) {
        throw JaegerError(answer.message);
      }
      per_service.emplace_back(*stage.specs[i].service, answer.message);
    }
    if (failed == 0) {
      return;
    }
    if (failed == stage.answers.size()) {
      throw JaegerError(first_failure->message);
    }
    for (const auto& [service, message] : per_service) {
      if (std::find(m_failed_services.begin(), m_failed_services.end(), service) !=
          m_failed_services.end()) {
        continue;
      }
      m_failed_services.push_back(service);
      warn({ClientWarning::Kind::order_search_failed,
            {{"service", service}, {"message", message}},
            {}});
    }
  }

  void warn_if_cut_off(const SearchSpec& spec, std::size_t traces) {
    if (traces < static_cast<std::size_t>(m_options.search_depth)) {
      return;
    }
    ClientWarning warning{ClientWarning::Kind::search_cut_off,
                          {{"count", std::to_string(traces)}},
                          {{"from", spec.from_ns}, {"until", spec.until_ns}}};
    if (!spec.key.empty()) {
      warning.words["filter"] = spec.key + "=" + spec.value;
    }
    if (spec.service) {
      warning.words["service"] = *spec.service;
    }
    warn(std::move(warning));
  }

  // Keeps the warning's English sentence and its data side by side.
  void warn(ClientWarning warning) {
    m_warnings.push_back(english_text(warning));
    m_warning_details.push_back(std::move(warning));
  }

  void add_notes(const Answer& answer) {
    for (const auto& note : answer.notes) {
      warn({ClientWarning::Kind::jaeger_reported, {{"note", note}}, {}});
    }
  }

  // Keeps each trace once; of two copies that differ, the larger (later) one wins.
  bool add_trace(const model::TraceId& id, std::vector<model::Span>&& spans) {
    auto [it, inserted] = m_traces.try_emplace(id);
    if (inserted || spans.size() > it->second.size()) {
      it->second = std::move(spans);
    }
    return inserted;
  }

  // ---- traces by id: links and cross-trace parents ---------------------------------------

  Route id_route() const {
    if (m_options.api == JaegerApi::legacy || m_client.m_detected == JaegerApi::legacy) {
      return Route::legacy;
    }
    return Route::v3;
  }

  // GETs each id once, in parallel. A trace Jaeger no longer has is a warning; any
  // other failure throws, since the order would be judged on part of its data.
  TraceMap fetch_by_id(const std::vector<model::TraceId>& ids) {
    TraceMap found;
    if (ids.empty()) {
      return found;
    }
    Route route = id_route();
    std::vector<std::string> urls;
    for (const auto& id : ids) {
      urls.push_back(trace_url(route, id));
      m_asked.insert(id);
    }
    auto responses = get_all(urls);
    std::vector<Answer> answers;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      answers.push_back(interpret(responses[i], urls[i], route, false));
    }
    const bool unknown = std::any_of(answers.begin(), answers.end(), [](const Answer& answer) {
      return answer.kind == Answer::Kind::route_missing || answer.kind == Answer::Kind::html_page;
    });
    if (unknown && route == Route::v3 && m_options.api == JaegerApi::automatic &&
        m_client.m_detected == JaegerApi::automatic) {
      // No api_v3 at all (Jaeger v1 before it): ask the legacy route, and keep to it.
      m_client.m_detected = JaegerApi::legacy;
      route = Route::legacy;
      for (std::size_t i = 0; i < ids.size(); ++i) {
        urls[i] = trace_url(route, ids[i]);
      }
      responses = get_all(urls);
      for (std::size_t i = 0; i < ids.size(); ++i) {
        answers[i] = interpret(responses[i], urls[i], route, false);
      }
    }
    for (std::size_t i = 0; i < ids.size(); ++i) {
      auto& answer = answers[i];
      add_notes(answer);
      switch (answer.kind) {
      case Answer::Kind::spans:
        for (auto& [id, spans] : group_by_trace(std::move(answer.spans))) {
          auto& into = found[id];
          if (spans.size() > into.size()) {
            into = std::move(spans);
          }
        }
        break;
      case Answer::Kind::no_match:
        warn({ClientWarning::Kind::trace_missing, {{"trace", ids[i].hex()}}, {}});
        break;
      case Answer::Kind::route_missing:
        throw JaegerError(answer.message + (route == Route::v3
                                                ? "; this Jaeger has no api_v3: use --api legacy"
                                                : "; this Jaeger has no legacy trace route"));
      default:
        throw JaegerError(answer.message);
      }
    }
    return found;
  }

  // Fetches the traces that fetched spans link to or name as a parent, and what those
  // bring in turn, until nothing is new or max_linked_traces is spent.
  void follow_links() {
    while (true) {
      std::set<model::TraceId> wanted;
      for (const auto& [id, spans] : m_traces) {
        for (const auto& span : spans) {
          auto want = [&](const model::TraceId& target) {
            if (!target.empty() && target != span.trace_id && !m_traces.contains(target) &&
                !m_asked.contains(target)) {
              wanted.insert(target);
            }
          };
          if (span.parent) {
            want(span.parent->trace_id);
          }
          for (const auto& link : span.links) {
            want(link.target.trace_id);
          }
        }
      }
      if (wanted.empty()) {
        return;
      }
      const auto budget = static_cast<std::size_t>(m_options.max_linked_traces);
      const std::size_t left = budget > m_linked_fetched ? budget - m_linked_fetched : 0;
      if (wanted.size() > left && !m_link_limit_warned) {
        m_link_limit_warned = true;
        warn({ClientWarning::Kind::link_limit,
              {{"limit", std::to_string(budget)}, {"count", std::to_string(wanted.size() - left)}},
              {}});
      }
      if (left == 0) {
        return;
      }
      std::vector<model::TraceId> batch(wanted.begin(), wanted.end());
      batch.resize(std::min(batch.size(), left));
      m_linked_fetched += batch.size();
      for (auto& [id, spans] : fetch_by_id(batch)) {
        add_trace(id, std::move(spans));
      }
      if (batch.size() < wanted.size()) {
        return;
      }
    }
  }

  // ---- consumers that carry nothing ---------------------------------------------------

  // Searches for consumer traces that link back to a PRODUCER span which no fetched
  // CONSUMER descends from (lifecycle.md): they carry no order id, and links point from
  // consumer to producer, so neither the order search nor link following finds them.
  // Returns true when traces were added.
  bool search_consumers(const SearchWindow& window, std::size_t& searches_done) {
    std::unordered_map<model::SpanRef, std::vector<const model::Span*>, model::SpanRefHash>
        downstream;
    std::vector<const model::Span*> producers;
    for (const auto& [id, spans] : m_traces) {
      for (const auto& span : spans) {
        if (span.parent) {
          downstream[*span.parent].push_back(&span);
        }
        for (const auto& link : span.links) {
          downstream[link.target].push_back(&span);
        }
        if (span.kind == model::SpanKind::producer && !m_searched.contains(span.ref())) {
          producers.push_back(&span);
        }
      }
    }
    auto consumed = [&](const model::Span& producer) {
      std::unordered_set<model::SpanRef, model::SpanRefHash> seen{producer.ref()};
      std::deque<model::SpanRef> queue{producer.ref()};
      while (!queue.empty()) {
        const auto it = downstream.find(queue.front());
        queue.pop_front();
        if (it == downstream.end()) {
          continue;
        }
        for (const auto* next : it->second) {
          if (next->kind == model::SpanKind::consumer) {
            return true;
          }
          if (seen.insert(next->ref()).second) {
            queue.push_back(next->ref());
          }
        }
      }
      return false;
    };

    struct Group {
      std::int64_t from_ns = 0;
      std::set<model::SpanRef> producers;
    };
    std::map<std::pair<std::string, std::string>, Group> groups; // (key, destination)
    // The latest publishes first: an unconsumed message that matters is a recent one.
    std::sort(producers.begin(), producers.end(),
              [](const auto* a, const auto* b) { return a->start_ns > b->start_ns; });
    for (const auto* producer : producers) {
      std::string key;
      const auto destination = destination_of(*producer, key);
      if (!destination || producer->start_ns >= window.until_ns || consumed(*producer)) {
        continue;
      }
      if (searches_done >= k_max_consumer_searches) {
        if (m_consumer_limit_warned) {
          break;
        }
        m_consumer_limit_warned = true;
        warn({ClientWarning::Kind::consumer_search_limit,
              {{"limit", std::to_string(k_max_consumer_searches)}},
              {}});
        break;
      }
      ++searches_done;
      m_searched.insert(producer->ref());
      auto [it, inserted] = groups.try_emplace({key, *destination});
      if (inserted || producer->start_ns < it->second.from_ns) {
        it->second.from_ns = producer->start_ns;
      }
      it->second.producers.insert(producer->ref());
    }
    if (groups.empty()) {
      return false;
    }

    const Route route = m_route;
    std::vector<SearchSpec> specs;
    std::vector<const Group*> spec_group;
    for (const auto& [what, group] : groups) {
      SearchSpec spec{route,         what.first,      what.second, std::nullopt,
                      group.from_ns, window.until_ns, {}};
      if (m_options.services.empty()) {
        if (route == Route::legacy || m_client.m_v3_needs_service) {
          warn({ClientWarning::Kind::consumers_without_services, {{"queue", what.second}}, {}});
          continue;
        }
        specs.push_back(spec);
        spec_group.push_back(&group);
        continue;
      }
      for (const auto& service : m_options.services) {
        spec.service = service;
        specs.push_back(spec);
        spec_group.push_back(&group);
      }
    }
    if (specs.empty()) {
      return false;
    }
    // run_searches keeps a spec's place unless it is expanded per service, which only
    // happens to service-less specs: map answers back to groups by key and value.
    Stage stage = run_searches(std::move(specs));
    weigh_failures(stage);
    bool added = false;
    for (std::size_t i = 0; i < stage.answers.size(); ++i) {
      auto& answer = stage.answers[i];
      if (answer.kind != Answer::Kind::spans) {
        continue;
      }
      const auto& group = groups.at({stage.specs[i].key, stage.specs[i].value});
      auto traces = group_by_trace(std::move(answer.spans));
      warn_if_cut_off(stage.specs[i], traces.size());
      for (auto& [id, spans] : traces) {
        const bool links_back = std::any_of(spans.begin(), spans.end(), [&](const auto& span) {
          return refers_to(span, group.producers);
        });
        if (links_back && !m_traces.contains(id)) {
          add_trace(id, std::move(spans));
          added = true;
        }
      }
    }
    return added;
  }

  OrderTraces take_result() {
    OrderTraces result;
    for (auto& [id, spans] : m_traces) {
      result.trace_ids.insert(id);
      std::move(spans.begin(), spans.end(), std::back_inserter(result.spans));
    }
    result.warnings = std::move(m_warnings);
    result.warning_details = std::move(m_warning_details);
    result.failed_services = std::move(m_failed_services);
    result.route = std::string(route_name(m_route));
    return result;
  }

  JaegerClient& m_client;
  const JaegerOptions& m_options;
  Route m_route = Route::v3;
  TraceMap m_traces;
  std::set<model::TraceId> m_asked;    // fetched by id (or tried): never asked twice
  std::set<model::SpanRef> m_searched; // producers whose consumers were searched for
  std::size_t m_linked_fetched = 0;
  bool m_link_limit_warned = false;
  bool m_consumer_limit_warned = false;
  std::vector<std::string> m_warnings;
  std::vector<ClientWarning> m_warning_details; // m_warnings[i] as data
  std::vector<std::string> m_failed_services;
};

JaegerClient::JaegerClient(JaegerOptions options, HttpTransport& transport)
    : m_options(std::move(options)), m_transport(transport) {
  const std::string& url = m_options.base_url;
  const auto scheme_end = url.find("://");
  const std::string scheme =
      scheme_end == std::string::npos ? std::string() : lowercase(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    throw UsageError(fmt::format("Jaeger URL {}: only http:// and https:// URLs are supported",
                                 redact_url(url)));
  }
  const auto host_start = scheme_end + 3;
  const auto host_end = url.find('/', host_start);
  if (host_start >= url.size() || host_end == host_start) {
    throw UsageError(fmt::format("Jaeger URL {}: no host", redact_url(url)));
  }
  if (std::any_of(url.begin(), url.end(), [](char c) {
        return c == '?' || c == '#' || std::isspace(static_cast<unsigned char>(c)) != 0 ||
               std::iscntrl(static_cast<unsigned char>(c)) != 0;
      })) {
    throw UsageError(fmt::format(
        "Jaeger URL {}: a query, fragment or space is not allowed; give the base URL only",
        redact_url(url)));
  }
  m_base = url;
  while (m_base.size() > host_start && m_base.back() == '/') {
    m_base.pop_back();
  }
  if (m_options.search_depth < 1) {
    throw UsageError(
        fmt::format("the search depth must be at least 1, not {}", m_options.search_depth));
  }
  if (m_options.max_linked_traces < 0) {
    throw UsageError("the number of linked traces to fetch cannot be negative");
  }
  if (m_options.token && !m_options.token->empty()) {
    if (scheme != "https") {
      throw UsageError(fmt::format("a token is only sent over https, and the Jaeger URL is {}",
                                   redact_url(url)));
    }
    if (m_options.token->find_first_of("\r\n") != std::string::npos) {
      throw UsageError("the token contains a line break");
    }
    m_headers.emplace_back("Authorization", "Bearer " + *m_options.token);
  }
  if (m_options.api != JaegerApi::automatic) {
    m_detected = m_options.api;
  }
}

OrderTraces JaegerClient::find_order(const std::string& order_id,
                                     std::span<const std::string> order_id_keys,
                                     const SearchWindow& window) {
  Session session(*this);
  return session.find_order(order_id, order_id_keys, window);
}

Discovery JaegerClient::discover(const SearchWindow& window, const DiscoveryProgress& progress) {
  Session session(*this);
  return session.discover(window, progress);
}

void JaegerClient::fetch_traces(std::span<const model::TraceId> ids, OrderTraces& into) {
  Session session(*this);
  session.fetch_into(ids, into);
}

} // namespace ordertrace::source

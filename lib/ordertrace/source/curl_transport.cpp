// HttpTransport over libcurl's multi interface: one multi handle per transport (its
// connection cache is reused between calls), one easy handle per request, re-added to the
// multi handle for each retry. libcurl is called through curl_library(), which loads it when
// the first transport is made (curl_library.hpp says why).

#include <ordertrace/source/curl_library.hpp>
#include <ordertrace/source/http_transport.hpp>
#include <ordertrace/util/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <mutex>
#include <random>
#include <string_view>

#ifndef ORDERTRACE_VERSION
#define ORDERTRACE_VERSION "unknown"
#endif

namespace ordertrace::source {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Upper bound of one curl_multi_poll wait. curl wakes earlier for its own timers and
// sockets, and the loop computes shorter waits for pending retries; this only bounds the
// damage should a wake-up be missed.
constexpr milliseconds k_max_poll_wait{1'000};
// base * 2^30 exceeds any sensible backoff_max; capping the exponent avoids overflow.
constexpr int k_max_backoff_doublings = 30;
// A Retry-After of more digits than this is far beyond any retry_after_max.
constexpr std::size_t k_max_retry_after_digits = 9;

struct EasyDeleter {
  void operator()(CURL* handle) const noexcept { curl_library().easy_cleanup(handle); }
};
struct MultiDeleter {
  void operator()(CURLM* handle) const noexcept { curl_library().multi_cleanup(handle); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const noexcept { curl_library().slist_free_all(list); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using MultiHandle = std::unique_ptr<CURLM, MultiDeleter>;
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;

char ascii_lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  };
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

// Only the delay-seconds form; an HTTP-date is treated as absent (the caller's backoff
// applies), which is safe because Jaeger and common proxies send seconds.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value) {
  if (value.empty() || value.size() > k_max_retry_after_digits ||
      !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  long seconds = 0;
  for (char c : value) {
    seconds = seconds * 10 + (c - '0');
  }
  return std::chrono::seconds(seconds);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  const char lower = ascii_lower(c);
  if (lower >= 'a' && lower <= 'f') {
    return lower - 'a' + 10;
  }
  return -1;
}

// Lower-cased and percent-decoded, so "API%5FKey" is recognised as well as "api_key".
std::string normalised_parameter_name(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '%' && i + 2 < name.size() && hex_value(name[i + 1]) >= 0 &&
        hex_value(name[i + 2]) >= 0) {
      out += ascii_lower(static_cast<char>(hex_value(name[i + 1]) * 16 + hex_value(name[i + 2])));
      i += 2;
    } else {
      out += ascii_lower(name[i]);
    }
  }
  return out;
}

bool is_secret_parameter(std::string_view name) {
  static constexpr std::array<std::string_view, 7> k_secret_words = {
      "token", "key", "secret", "password", "auth", "signature", "credential"};
  const std::string normalised = normalised_parameter_name(name);
  return std::any_of(k_secret_words.begin(), k_secret_words.end(), [&](std::string_view word) {
    return normalised.find(word) != std::string::npos;
  });
}

std::string_view failure_name(HttpResponse::Failure failure) {
  switch (failure) {
  case HttpResponse::Failure::none:
    return "none";
  case HttpResponse::Failure::connect:
    return "connect";
  case HttpResponse::Failure::timeout:
    return "timeout";
  case HttpResponse::Failure::tls:
    return "tls";
  case HttpResponse::Failure::too_large:
    return "too_large";
  case HttpResponse::Failure::other:
    return "other";
  }
  return "other";
}

HttpResponse::Failure classify(CURLcode code, bool body_too_large) {
  switch (code) {
  case CURLE_COULDNT_CONNECT:
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY:
    return HttpResponse::Failure::connect;
  case CURLE_OPERATION_TIMEDOUT: // also the low-speed abort
    return HttpResponse::Failure::timeout;
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_SSL_ENGINE_NOTFOUND:
  case CURLE_SSL_ENGINE_SETFAILED:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_ENGINE_INITFAILED:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_SHUTDOWN_FAILED:
  case CURLE_SSL_CRL_BADFILE:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_INVALIDCERTSTATUS:
  case CURLE_SSL_CLIENTCERT:
    return HttpResponse::Failure::tls;
  case CURLE_WRITE_ERROR:
    return body_too_large ? HttpResponse::Failure::too_large : HttpResponse::Failure::other;
  default:
    return HttpResponse::Failure::other;
  }
}

// Failures that come out the same however often they are tried: a URL curl cannot parse
// or a scheme it refuses. Retrying them would only add the backoff to the wait.
bool is_permanent(CURLcode code) {
  return code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL ||
         code == CURLE_BAD_FUNCTION_ARGUMENT;
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  if (from.empty()) {
    return;
  }
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

template <typename Value> void set_option(CURL* handle, CURLoption option, Value value) {
  const CURLcode code = curl_library().easy_setopt(handle, option, value);
  if (code != CURLE_OK) {
    throw Error(fmt::format("libcurl refused option {}: {}", static_cast<int>(option),
                            curl_library().easy_strerror(code)));
  }
}

void check_multi(CURLMcode code, std::string_view what) {
  if (code != CURLM_OK) {
    throw Error(fmt::format("libcurl {} failed: {}", what, curl_library().multi_strerror(code)));
  }
}

// One request of a get_all call across all its attempts. curl holds pointers into it (its
// callbacks' user data, the header list, the error buffer), so it never moves, and `easy`
// comes last so that the handle is cleaned up before what it points to.
struct Transfer {
  Transfer() = default;
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  std::size_t index = 0;
  const HttpRequest* request = nullptr;
  HeaderList headers;
  HttpResponse response; // of the current (in the end: the last) attempt
  std::size_t max_body_bytes = 0;
  bool body_too_large = false;
  bool in_multi = false;
  Clock::time_point started;
  Clock::time_point not_before; // of the next attempt
  std::array<char, CURL_ERROR_SIZE> error_buffer{};
  EasyHandle easy;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  if (bytes > transfer.max_body_bytes - transfer.response.body.size()) {
    // Returning less than `bytes` makes curl abort with CURLE_WRITE_ERROR.
    transfer.body_too_large = true;
    return 0;
  }
  transfer.response.body.append(data, bytes);
  return bytes;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& response = static_cast<Transfer*>(user)->response;
  const std::size_t bytes = size * count;
  const std::string_view line(data, bytes);
  if (line.starts_with("HTTP/")) {
    // A new response begins (after a 100 Continue, or a proxy's CONNECT answer): only the
    // last one's headers describe the body.
    response.content_type.clear();
    response.location.clear();
    response.retry_after.reset();
    return bytes;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    return bytes;
  }
  const std::string_view name = trim(line.substr(0, colon));
  const std::string_view value = trim(line.substr(colon + 1));
  if (iequals(name, "Content-Type")) {
    response.content_type = value;
  } else if (iequals(name, "Location")) {
    response.location = value;
  } else if (iequals(name, "Retry-After")) {
    response.retry_after = parse_retry_after(value);
  }
  return bytes;
}

HeaderList make_header_list(const HttpRequest& request) {
  HeaderList list;
  for (const auto& [name, value] : request.headers) {
    if (name.find_first_of("\r\n:") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      throw Error(fmt::format("HTTP header '{}' contains a line break or colon in its name "
                              "or a line break in its value",
                              name));
    }
    // "Name:" would make curl drop the header; "Name;" is curl's way to send it empty.
    const std::string line = value.empty() ? name + ";" : name + ": " + value;
    curl_slist* appended = curl_library().slist_append(list.get(), line.c_str());
    if (appended == nullptr) {
      throw Error("out of memory building HTTP headers");
    }
    static_cast<void>(list.release()); // now owned through `appended`
    list.reset(appended);
  }
  return list;
}

// HttpOptions leaves the User-Agent empty for the default, which names libcurl's version:
// asking it there would load libcurl in every process that sets options up.
HttpOptions with_user_agent(HttpOptions options) {
  if (options.user_agent.empty()) {
    options.user_agent = default_user_agent();
  }
  return options;
}

class CurlTransport final : public HttpTransport {
public:
  explicit CurlTransport(HttpOptions options)
      : m_options(with_user_agent(std::move(options))),
        m_max_in_flight(std::max<std::size_t>(1, m_options.max_in_flight)),
        m_random(std::random_device{}()) {
    m_multi.reset(curl_library().multi_init());
    if (!m_multi) {
      throw Error("cannot create a libcurl multi handle");
    }
    // Never more sockets than transfers we allow at once (idle cached ones included).
    check_multi(curl_library().multi_setopt(m_multi.get(), CURLMOPT_MAX_TOTAL_CONNECTIONS,
                                            static_cast<long>(m_max_in_flight)),
                "setopt");
  }

  std::vector<HttpResponse> get_all(std::span<const HttpRequest> requests) override;

  std::uint64_t requests_sent() const override { return m_requests_sent.load(); }

private:
  // Removes the easy handles still attached when get_all leaves early (an exception), so
  // none is destroyed while the multi handle refers to it.
  class DetachGuard {
  public:
    DetachGuard(CURLM* multi, std::vector<Transfer>& transfers)
        : m_multi(multi), m_transfers(transfers) {}
    DetachGuard(const DetachGuard&) = delete;
    DetachGuard& operator=(const DetachGuard&) = delete;
    ~DetachGuard() {
      for (Transfer& transfer : m_transfers) {
        if (transfer.in_multi) {
          curl_library().multi_remove_handle(m_multi, transfer.easy.get());
          transfer.in_multi = false;
        }
      }
    }

  private:
    CURLM* m_multi;
    std::vector<Transfer>& m_transfers;
  };

  void configure(Transfer& transfer) const;
  void start_attempt(Transfer& transfer);
  // Records the outcome of the attempt that just ended; returns true when it is retried.
  bool finish_attempt(Transfer& transfer, CURLcode result);
  milliseconds backoff(int retry);
  void trace(const std::string& line) const {
    if (m_options.trace) {
      m_options.trace(line);
    }
  }

  const HttpOptions m_options;
  const std::size_t m_max_in_flight;
  MultiHandle m_multi;
  std::mutex m_mutex; // one get_all at a time: they share m_multi and m_random
  std::mt19937_64 m_random;
  std::atomic<std::uint64_t> m_requests_sent{0};
};

void CurlTransport::configure(Transfer& transfer) const {
  CURL* handle = transfer.easy.get();
  const HttpOptions& options = m_options;
  set_option(handle, CURLOPT_URL, transfer.request->url.c_str());
  set_option(handle, CURLOPT_HTTPGET, 1L);
  set_option(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  set_option(handle, CURLOPT_FOLLOWLOCATION, 0L);
  set_option(handle, CURLOPT_NOSIGNAL, 1L);
  set_option(handle, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
  set_option(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count()));
  set_option(handle, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_bytes);
  set_option(handle, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.low_speed_time.count()));
  set_option(handle, CURLOPT_SSL_VERIFYPEER, 1L);
  set_option(handle, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_file.empty()) {
    set_option(handle, CURLOPT_CAINFO, options.ca_file.c_str());
  }
  if (!options.cert_file.empty()) {
    set_option(handle, CURLOPT_SSLCERT, options.cert_file.c_str());
  }
  if (!options.key_file.empty()) {
    set_option(handle, CURLOPT_SSLKEY, options.key_file.c_str());
  }
  set_option(handle, CURLOPT_ACCEPT_ENCODING, ""); // every encoding curl can decode
  set_option(handle, CURLOPT_USERAGENT, options.user_agent.c_str());
  transfer.headers = make_header_list(*transfer.request);
  set_option(handle, CURLOPT_HTTPHEADER, transfer.headers.get());
  set_option(handle, CURLOPT_WRITEFUNCTION, &on_body);
  set_option(handle, CURLOPT_WRITEDATA, static_cast<void*>(&transfer));
  set_option(handle, CURLOPT_HEADERFUNCTION, &on_header);
  set_option(handle, CURLOPT_HEADERDATA, static_cast<void*>(&transfer));
  set_option(handle, CURLOPT_ERRORBUFFER, transfer.error_buffer.data());
  set_option(handle, CURLOPT_PRIVATE, static_cast<void*>(&transfer));
}

void CurlTransport::start_attempt(Transfer& transfer) {
  HttpResponse& response = transfer.response;
  const int attempts = response.attempts + 1;
  response = HttpResponse{};
  response.attempts = attempts;
  transfer.body_too_large = false;
  transfer.error_buffer[0] = '\0';
  transfer.started = Clock::now();
  check_multi(curl_library().multi_add_handle(m_multi.get(), transfer.easy.get()), "add_handle");
  transfer.in_multi = true;
  ++m_requests_sent;
}

milliseconds CurlTransport::backoff(int retry) {
  const int doublings = std::clamp(retry, 0, k_max_backoff_doublings);
  const auto base = std::max<milliseconds::rep>(0, m_options.backoff_base.count());
  const auto cap = std::max<milliseconds::rep>(0, m_options.backoff_max.count());
  // Compare before shifting so base << doublings cannot overflow.
  const auto limit = base > (cap >> doublings) ? cap : (base << doublings);
  std::uniform_int_distribution<milliseconds::rep> pick(0, limit);
  return milliseconds(pick(m_random));
}

bool CurlTransport::finish_attempt(Transfer& transfer, CURLcode result) {
  HttpResponse& response = transfer.response;
  const auto elapsed =
      std::chrono::duration_cast<milliseconds>(Clock::now() - transfer.started).count();
  const std::string url = redact_url(transfer.request->url);

  std::string line;
  bool retryable = false;
  if (result == CURLE_OK) {
    long status = 0;
    curl_library().easy_getinfo(transfer.easy.get(), CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    line = fmt::format("GET {} -> {} ({} bytes, {} ms)", url, response.status, response.body.size(),
                       elapsed);
    if (!response.location.empty()) {
      line += fmt::format(", location {}", redact_url(response.location));
    }
    retryable = response.status >= 500 || response.status == 429;
  } else {
    response.failure = classify(result, transfer.body_too_large);
    if (response.failure == HttpResponse::Failure::too_large) {
      response.failure_message =
          fmt::format("response body larger than {} bytes", transfer.max_body_bytes);
    } else {
      response.failure_message = transfer.error_buffer[0] != '\0'
                                     ? std::string(transfer.error_buffer.data())
                                     : std::string(curl_library().easy_strerror(result));
      // curl's messages name the host, not the URL, but make sure no secret slips through.
      replace_all(response.failure_message, transfer.request->url, url);
    }
    response.status = 0;
    response.body.clear();
    response.content_type.clear();
    response.location.clear();
    response.retry_after.reset();
    line = fmt::format("GET {} -> failed: {} ({} ms): {}", url, failure_name(response.failure),
                       elapsed, response.failure_message);
    retryable = (response.failure == HttpResponse::Failure::connect ||
                 response.failure == HttpResponse::Failure::timeout ||
                 response.failure == HttpResponse::Failure::other) &&
                !is_permanent(result);
  }

  const int retries_done = response.attempts - 1;
  bool retry = retryable && retries_done < m_options.max_retries;
  if (retry && response.retry_after && *response.retry_after > m_options.retry_after_max) {
    line += fmt::format("; Retry-After {} s exceeds {} s, not retried",
                        response.retry_after->count(), m_options.retry_after_max.count());
    retry = false;
  }
  if (retry) {
    milliseconds wait = backoff(retries_done);
    if (response.retry_after) {
      wait = std::max<milliseconds>(wait, *response.retry_after);
    }
    transfer.not_before = Clock::now() + wait;
    line += fmt::format("; retry {} of {} in {} ms", retries_done + 1, m_options.max_retries,
                        wait.count());
  }
  trace(line);
  return retry;
}

std::vector<HttpResponse> CurlTransport::get_all(std::span<const HttpRequest> requests) {
  std::vector<HttpResponse> responses(requests.size());
  if (requests.empty()) {
    return responses;
  }
  const std::lock_guard lock(m_mutex);

  std::vector<Transfer> transfers(requests.size()); // sized once: the elements never move
  std::vector<std::size_t> waiting;                 // transfers whose next attempt has not started
  waiting.reserve(transfers.size());
  for (std::size_t i = 0; i < transfers.size(); ++i) {
    Transfer& transfer = transfers[i];
    transfer.index = i;
    transfer.request = &requests[i];
    transfer.max_body_bytes = m_options.max_body_bytes;
    transfer.easy.reset(curl_library().easy_init());
    if (!transfer.easy) {
      throw Error("cannot create a libcurl easy handle");
    }
    configure(transfer);
    waiting.push_back(i);
  }
  const DetachGuard guard(m_multi.get(), transfers);

  std::size_t active = 0;
  std::size_t finished = 0;
  while (finished < transfers.size()) {
    const auto now = Clock::now();
    for (auto it = waiting.begin(); it != waiting.end() && active < m_max_in_flight;) {
      if (transfers[*it].not_before <= now) {
        start_attempt(transfers[*it]);
        ++active;
        it = waiting.erase(it);
      } else {
        ++it;
      }
    }

    int running = 0;
    check_multi(curl_library().multi_perform(m_multi.get(), &running), "perform");
    int queued = 0;
    while (CURLMsg* message = curl_library().multi_info_read(m_multi.get(), &queued)) {
      if (message->msg != CURLMSG_DONE) {
        continue;
      }
      // Read both before removing the handle: the message dies with it.
      CURL* easy = message->easy_handle;
      const CURLcode result = message->data.result;
      char* priv = nullptr;
      curl_library().easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
      Transfer& transfer = *reinterpret_cast<Transfer*>(priv);
      check_multi(curl_library().multi_remove_handle(m_multi.get(), easy), "remove_handle");
      transfer.in_multi = false;
      --active;
      if (finish_attempt(transfer, result)) {
        waiting.push_back(transfer.index);
      } else {
        responses[transfer.index] = std::move(transfer.response);
        ++finished;
      }
    }
    if (finished == transfers.size()) {
      break;
    }

    // Sleep until curl has something to do or the earliest pending retry may start; a
    // retry waiting for its time never holds up the transfers in flight.
    milliseconds wait = k_max_poll_wait;
    if (active < m_max_in_flight) {
      const auto after = Clock::now();
      for (std::size_t index : waiting) {
        const auto until = transfers[index].not_before - after;
        wait = std::min(wait, std::max(milliseconds(0), std::chrono::ceil<milliseconds>(until)));
      }
    }
    if (wait > milliseconds(0)) {
      check_multi(curl_library().multi_poll(m_multi.get(), nullptr, 0,
                                            static_cast<int>(wait.count()), nullptr),
                  "poll");
    }
  }
  return responses;
}

} // namespace

std::string default_user_agent() {
  const curl_version_info_data* info = curl_library().version_info(CURLVERSION_NOW);
  return fmt::format("ordertrace/{} libcurl/{}", ORDERTRACE_VERSION,
                     info != nullptr && info->version != nullptr ? info->version : "unknown");
}

std::unique_ptr<HttpTransport> make_curl_transport(HttpOptions options) {
  return std::make_unique<CurlTransport>(std::move(options));
}

std::string redact_url(const std::string& url) {
  std::string out = url;

  std::size_t authority = std::string::npos;
  if (const std::size_t scheme_end = out.find("://");
      scheme_end != std::string::npos && scheme_end < out.find_first_of("/?#")) {
    authority = scheme_end + 3;
  } else if (out.starts_with("//")) {
    authority = 2;
  }
  if (authority != std::string::npos) {
    const std::size_t authority_end = std::min(out.find_first_of("/?#", authority), out.size());
    // The last '@' of the authority: a password may itself contain an unencoded '@'.
    const std::size_t at = out.rfind('@', authority_end - 1);
    if (at != std::string::npos && at >= authority && at < authority_end) {
      out.replace(authority, at - authority, "***");
    }
  }

  const std::size_t query_or_fragment =
      out.find_first_of("?#", authority == std::string::npos ? 0 : authority);
  if (query_or_fragment == std::string::npos || out[query_or_fragment] != '?') {
    return out;
  }
  const std::size_t query_end = std::min(out.find('#', query_or_fragment), out.size());
  std::string query;
  std::size_t begin = query_or_fragment + 1;
  while (begin <= query_end) {
    const std::size_t end = std::min(out.find('&', begin), query_end);
    const std::string_view parameter(out.data() + begin, end - begin);
    const std::size_t equals = parameter.find('=');
    if (equals != std::string_view::npos && equals + 1 < parameter.size() &&
        is_secret_parameter(parameter.substr(0, equals))) {
      query.append(parameter.substr(0, equals + 1)).append("***");
    } else {
      query.append(parameter);
    }
    if (end < query_end) {
      query += '&';
    }
    begin = end + 1;
  }
  out.replace(query_or_fragment + 1, query_end - query_or_fragment - 1, query);
  return out;
}

} // namespace ordertrace::source

#include <ordertrace/sim/otlp_sender.hpp>
#include <ordertrace/util/error.hpp>

#include <curl/curl.h>
#include <fmt/format.h>

#include <mutex>

namespace ordertrace::sim {
namespace {

constexpr long k_timeout_seconds = 60;
constexpr long k_connect_timeout_seconds = 10;
constexpr std::size_t k_max_reply_kept = 300;

std::size_t keep_reply(char* data, std::size_t size, std::size_t count, void* user) {
  auto* reply = static_cast<std::string*>(user);
  const std::size_t bytes = size * count;
  if (reply->size() < k_max_reply_kept) {
    reply->append(data, std::min(bytes, k_max_reply_kept - reply->size()));
  }
  return bytes;
}

// One line, printable: a collector's error body may hold anything.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) == 0x7f) {
      c = ' ';
    }
  }
  return text;
}

} // namespace

struct OtlpSender::Impl {
  CURL* curl = nullptr;
  curl_slist* headers = nullptr;
  ~Impl() {
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
  }
};

OtlpSender::OtlpSender(std::string endpoint) : m_impl(std::make_unique<Impl>()) {
  if (endpoint.rfind("http://", 0) != 0 && endpoint.rfind("https://", 0) != 0) {
    throw UsageError(fmt::format("--otlp: '{}' is not an http:// or https:// URL", endpoint));
  }
  while (!endpoint.empty() && endpoint.back() == '/') {
    endpoint.pop_back();
  }
  constexpr std::string_view k_path = "/v1/traces";
  if (endpoint.size() < k_path.size() ||
      endpoint.compare(endpoint.size() - k_path.size(), k_path.size(), k_path) != 0) {
    endpoint += k_path;
  }
  m_url = endpoint;
  static std::once_flag s_once;
  std::call_once(s_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  m_impl->curl = curl_easy_init();
  if (m_impl->curl == nullptr) {
    throw Error("cannot initialise libcurl");
  }
  m_impl->headers = curl_slist_append(nullptr, "Content-Type: application/json");
}

OtlpSender::~OtlpSender() = default;

void OtlpSender::send(const std::string& document) {
  CURL* curl = m_impl->curl;
  std::string reply;
  curl_easy_reset(curl);
  curl_easy_setopt(curl, CURLOPT_URL, m_url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, m_impl->headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, document.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(document.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, k_timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, k_connect_timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_reply);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
  const CURLcode result = curl_easy_perform(curl);
  if (result != CURLE_OK) {
    throw Error(fmt::format("cannot send traces to the OTLP collector at {}: {}", m_url,
                            curl_easy_strerror(result)),
                ExitCode::jaeger_unavailable);
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status >= 300) {
    throw Error(fmt::format("the OTLP collector at {} refused a batch: HTTP {}{}{}", m_url, status,
                            reply.empty() ? "" : ": ", one_line(reply)),
                ExitCode::jaeger_unavailable);
  }
}

} // namespace ordertrace::sim

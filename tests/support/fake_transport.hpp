#pragma once
// An HttpTransport with canned answers, as ninja's FakeCommandRunner stands in for real
// processes: a handler per URL prefix or predicate, and a record of every request and
// of how requests were batched, so a test asserts exactly what was asked, how often and
// in which stage.

#include <ordertrace/source/http_transport.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ordertrace::testing {

// A complete HTTP answer. Jaeger sends JSON errors (and api_v3 even its data) as
// text/plain, so that is the default content type.
inline source::HttpResponse http_answer(int status, std::string body,
                                        std::string content_type = "text/plain; charset=utf-8") {
  source::HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.content_type = std::move(content_type);
  response.attempts = 1;
  return response;
}

// Go's catch-all answer for a route the server does not have.
inline source::HttpResponse page_not_found() {
  return http_answer(404, "404 page not found\n");
}

inline source::HttpResponse html_answer(std::string body, int status = 200) {
  return http_answer(status, std::move(body), "text/html; charset=utf-8");
}

// No HTTP answer at all, after the transport's own retries.
inline source::HttpResponse failed_transfer(source::HttpResponse::Failure failure,
                                            std::string message, int attempts = 4) {
  source::HttpResponse response;
  response.failure = failure;
  response.failure_message = std::move(message);
  response.attempts = attempts;
  return response;
}

// Decodes %XX escapes (and '+' as a space, as forms do).
inline std::string url_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else if (text[i] == '+') {
      out += ' ';
    } else {
      out += text[i];
    }
  }
  return out;
}

// The decoded value of the first query parameter `name` of `url`, or nullopt.
inline std::optional<std::string> query_param(std::string_view url, std::string_view name) {
  const auto question = url.find('?');
  if (question == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view query = url.substr(question + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto equals = pair.find('=');
    if (pair.substr(0, equals) == name) {
      return equals == std::string_view::npos ? std::string() : url_decode(pair.substr(equals + 1));
    }
    if (amp == std::string_view::npos) {
      break;
    }
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

// The URL without its query.
inline std::string url_path(std::string_view url) {
  return std::string(url.substr(0, url.find('?')));
}

class FakeTransport final : public source::HttpTransport {
public:
  using Handler = std::function<source::HttpResponse(const source::HttpRequest&)>;
  using Matcher = std::function<bool(const std::string& url)>;

  // Answers URLs that start with `prefix`; of several matching prefixes the longest wins.
  void on_prefix(std::string prefix, Handler handler) {
    m_prefixes.push_back({std::move(prefix), std::move(handler)});
  }
  void on_prefix(std::string prefix, source::HttpResponse response) {
    on_prefix(std::move(prefix),
              [response = std::move(response)](const source::HttpRequest&) { return response; });
  }
  // Answers URLs for which `matcher` holds. Checked before the prefixes, latest first.
  void on(Matcher matcher, Handler handler) {
    m_matchers.push_back({std::move(matcher), std::move(handler)});
  }
  void on(Matcher matcher, source::HttpResponse response) {
    on(std::move(matcher),
       [response = std::move(response)](const source::HttpRequest&) { return response; });
  }
  // Answers what nothing else matches. Without it such a request fails the test.
  void otherwise(Handler handler) { m_otherwise = std::move(handler); }

  std::vector<source::HttpResponse>
  get_all(std::span<const source::HttpRequest> requests) override {
    m_batches.push_back(requests.size());
    std::vector<source::HttpResponse> responses;
    for (const auto& request : requests) {
      m_requests.push_back(request);
      responses.push_back(answer(request));
    }
    return responses;
  }
  std::uint64_t requests_sent() const override { return m_requests.size(); }

  const std::vector<source::HttpRequest>& requests() const { return m_requests; }
  std::vector<std::string> urls() const {
    std::vector<std::string> out;
    for (const auto& request : m_requests) {
      out.push_back(request.url);
    }
    return out;
  }
  // The URLs asked that start with `prefix`, in the order asked.
  std::vector<std::string> urls_with_prefix(std::string_view prefix) const {
    std::vector<std::string> out;
    for (const auto& request : m_requests) {
      if (std::string_view(request.url).starts_with(prefix)) {
        out.push_back(request.url);
      }
    }
    return out;
  }
  std::size_t count(std::string_view prefix) const { return urls_with_prefix(prefix).size(); }
  // The number of requests in each get_all call, in order: the client's stages.
  const std::vector<std::size_t>& batches() const { return m_batches; }
  void clear_log() {
    m_requests.clear();
    m_batches.clear();
  }

private:
  source::HttpResponse answer(const source::HttpRequest& request) const {
    for (auto it = m_matchers.rbegin(); it != m_matchers.rend(); ++it) {
      if (it->first(request.url)) {
        return it->second(request);
      }
    }
    const std::pair<std::string, Handler>* best = nullptr;
    for (const auto& entry : m_prefixes) {
      if (request.url.starts_with(entry.first) &&
          (best == nullptr || entry.first.size() > best->first.size())) {
        best = &entry;
      }
    }
    if (best != nullptr) {
      return best->second(request);
    }
    if (m_otherwise) {
      return m_otherwise(request);
    }
    ADD_FAILURE() << "FakeTransport: unexpected request " << request.url;
    return page_not_found();
  }

  std::vector<std::pair<Matcher, Handler>> m_matchers;
  std::vector<std::pair<std::string, Handler>> m_prefixes;
  Handler m_otherwise;
  std::vector<source::HttpRequest> m_requests;
  std::vector<std::size_t> m_batches;
};

} // namespace ordertrace::testing

#include <ordertrace/app/shared_requests.hpp>
#include <ordertrace/util/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace ordertrace::app {
namespace {

std::string key_of(const source::HttpRequest& request) {
  std::string key = request.url;
  for (const auto& [name, value] : request.headers) {
    key += '\n' + name + ": " + value;
  }
  return key;
}

} // namespace

SharedRequests::SharedRequests(std::function<source::HttpTransport&()> transport)
    : m_make_transport(std::move(transport)) {}

std::vector<source::HttpResponse>
SharedRequests::get_all(std::span<const source::HttpRequest> requests) {
  std::unique_lock lock(m_mutex);
  std::vector<std::shared_ptr<Entry>> mine;
  mine.reserve(requests.size());
  for (const auto& request : requests) {
    auto& entry = m_answers[key_of(request)];
    if (entry) {
      ++m_shared;
    } else {
      entry = std::make_shared<Entry>();
      entry->request = request;
      m_waiting.push_back(entry);
    }
    mine.push_back(entry);
  }
  const auto all_answered = [&mine] {
    return std::all_of(mine.begin(), mine.end(), [](const auto& entry) { return entry->done; });
  };
  while (!all_answered()) {
    if (m_sending || m_waiting.empty()) {
      // Another caller is sending; ours go in its batch or the next one.
      m_answered.wait(lock);
      continue;
    }
    // This caller sends everything waiting, its own requests and the others' alike.
    m_sending = true;
    std::vector<std::shared_ptr<Entry>> batch = std::move(m_waiting);
    m_waiting.clear();
    std::exception_ptr error;
    std::vector<source::HttpResponse> responses;
    try {
      if (m_transport == nullptr) {
        m_transport = &m_make_transport();
      }
      source::HttpTransport& transport = *m_transport;
      std::vector<source::HttpRequest> batch_requests;
      batch_requests.reserve(batch.size());
      for (const auto& entry : batch) {
        batch_requests.push_back(entry->request);
      }
      lock.unlock();
      responses = transport.get_all(batch_requests);
      if (responses.size() != batch.size()) {
        throw JaegerError(fmt::format("the HTTP transport answered {} of {} requests",
                                      responses.size(), batch.size()));
      }
    } catch (...) {
      error = std::current_exception();
    }
    if (!lock.owns_lock()) {
      lock.lock();
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (error) {
        batch[i]->error = error;
      } else {
        batch[i]->response = std::move(responses[i]);
      }
      batch[i]->done = true;
    }
    m_sending = false;
    m_answered.notify_all();
  }
  std::vector<source::HttpResponse> out;
  out.reserve(mine.size());
  for (const auto& entry : mine) {
    if (entry->error) {
      std::rethrow_exception(entry->error);
    }
    out.push_back(entry->response);
  }
  return out;
}

std::uint64_t SharedRequests::requests_sent() const {
  const std::lock_guard lock(m_mutex);
  return m_transport == nullptr ? 0 : m_transport->requests_sent();
}

std::uint64_t SharedRequests::requests_shared() const {
  const std::lock_guard lock(m_mutex);
  return m_shared;
}

} // namespace ordertrace::app

#pragma once
// One HTTP transport for the lookups of several orders at once (`show ID ID ...`): each
// order is looked up by a thread of its own with a JaegerClient of its own (a client is
// not thread-safe), and all of them ask through this transport.

#include <ordertrace/source/http_transport.hpp>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

namespace ordertrace::app {

// Requests asked while others are on the wire wait and go out together in the next get_all
// of the real transport, which runs one call at a time with at most max_in_flight requests
// in parallel: the lookups overlap without more connections than --parallel allows. Each
// answer is kept for the run, so a URL asked twice (a trace linked from two orders) is
// sent once; a run judges every order as of one --now, so the answer cannot go stale.
// Thread-safe.
class SharedRequests final : public source::HttpTransport {
public:
  // `transport` is called once, on the first request, and must outlive this object: the
  // real transport is expensive to set up and a run served by the cache needs none.
  explicit SharedRequests(std::function<source::HttpTransport&()> transport);

  std::vector<source::HttpResponse> get_all(std::span<const source::HttpRequest> requests) override;
  // Sent by the real transport, retries included (0 before the first request).
  std::uint64_t requests_sent() const override;
  // Requests answered without being sent, because the same one was asked before.
  std::uint64_t requests_shared() const;

private:
  struct Entry {
    source::HttpRequest request;
    bool done = false;
    source::HttpResponse response;
    std::exception_ptr error; // the real transport threw (it cannot be set up)
  };

  std::function<source::HttpTransport&()> m_make_transport;
  source::HttpTransport* m_transport = nullptr;
  mutable std::mutex m_mutex;
  std::condition_variable m_answered;
  // Key: the URL and the headers. Kept for the run: an order's answers are small next to
  // the spans decoded from them, which are kept anyway.
  std::map<std::string, std::shared_ptr<Entry>> m_answers;
  std::vector<std::shared_ptr<Entry>> m_waiting; // asked, not sent yet
  bool m_sending = false;                        // a get_all of the real transport is running
  std::uint64_t m_shared = 0;
};

} // namespace ordertrace::app

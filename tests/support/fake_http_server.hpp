#pragma once
// A small scripted HTTP/1.1 server on 127.0.0.1 for transport tests, in the spirit of cpr's
// in-process test server: no external process, a free port picked by the kernel, answers
// chosen per path by the test, and a record of every request received. It can also
// misbehave on purpose (answer late, trickle the body, never answer, hang up).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace ordertrace::test {

struct FakeRequest {
  std::string method;
  std::string target; // path and query, as on the request line
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::steady_clock::time_point received_at; // when the request head was complete

  // The target without the query string.
  std::string path() const;
  // The query string without '?'; empty when there is none.
  std::string query() const;
  // The value of the first header called `name` (any case), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
};

struct FakeResponse {
  int status = 200;
  // Sent as given; Content-Length is added unless present.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Wait this long after the request before sending anything.
  std::chrono::milliseconds delay_before_headers{0};
  // When positive: send the headers, then the body one byte per this interval.
  std::chrono::milliseconds trickle{0};
  // Read the request, then send nothing and keep the connection open until the client
  // hangs up or the server stops.
  bool never_answer = false;
  // Read the request, then close the connection without a byte of answer.
  bool close_without_answer = false;

  // A response with `status`, `body` and a Content-Type header.
  static FakeResponse text(int status, std::string body,
                           std::string content_type = "text/plain; charset=utf-8");
};

// Handlers run one at a time (the server serialises them), so a handler may keep plain,
// unsynchronised state such as a call counter.
using FakeHandler = std::function<FakeResponse(const FakeRequest&)>;

// Listens on 127.0.0.1:<free port> from construction until stop() or destruction. One thread
// accepts, one thread serves each connection (keep-alive honoured). Paths without a
// handler get Jaeger's catch-all answer: 404 text/plain "404 page not found\n".
class FakeHttpServer {
public:
  // Binds and starts accepting. Throws std::runtime_error when the socket cannot be set up.
  FakeHttpServer();
  // Stops: see stop().
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  std::uint16_t port() const { return m_port; }
  // "http://127.0.0.1:<port>", without a trailing slash.
  std::string url() const;

  // Answers requests whose path (query excluded) is exactly `path`.
  void on(std::string path, FakeHandler handler);
  // Answers requests whose path starts with `prefix`; an exact handler wins, then the
  // longest prefix.
  void on_prefix(std::string prefix, FakeHandler handler);

  // Every request received so far, in order of arrival.
  std::vector<FakeRequest> requests() const;
  std::size_t request_count() const;
  // The most requests ever being worked on at once: from a complete request head until its
  // answer starts (or the connection ends). Never more than the client had in flight.
  std::size_t max_concurrent_requests() const;
  // The most connections ever open at once, and how many were accepted in total.
  std::size_t max_concurrent_connections() const;
  std::size_t connections_accepted() const;

  // Closes the listening socket and every connection (clients still connected included) and
  // joins all threads. Idempotent; returns once no server thread is left.
  void stop();

private:
  struct Route {
    std::string path;
    bool prefix = false;
    FakeHandler handler;
  };

  void accept_loop();
  void serve(int fd);
  FakeResponse answer(const FakeRequest& request);
  // Waits up to `timeout` for `fd` to be ready for `events` (POLLIN/POLLOUT), or for stop();
  // returns false when the server is stopping or the wait timed out.
  bool wait_for(int fd, short events, std::chrono::milliseconds timeout) const;
  // Sleeps for `duration` unless the server stops first; returns false when it stopped.
  bool pause(std::chrono::milliseconds duration) const;
  bool send_all(int fd, std::string_view data) const;
  void request_started();
  void request_ended();

  int m_listen_fd = -1;
  int m_wake_read_fd = -1; // readable once stop() has begun: wakes every waiting thread
  int m_wake_write_fd = -1;
  std::uint16_t m_port = 0;

  mutable std::mutex m_mutex; // guards everything below
  bool m_stopping = false;
  std::vector<Route> m_routes;
  std::vector<FakeRequest> m_requests;
  std::vector<std::thread> m_connection_threads;
  std::size_t m_open_connections = 0;
  std::size_t m_max_open_connections = 0;
  std::size_t m_connections_accepted = 0;
  std::size_t m_requests_in_progress = 0;
  std::size_t m_max_requests_in_progress = 0;

  std::mutex m_handler_mutex; // handlers run one at a time
  std::mutex m_stop_mutex;    // serialises stop()
  std::thread m_accept_thread;
};

// A port on 127.0.0.1 held bound but not listening for the object's lifetime, so that
// connecting to it is refused and no other process can take it meanwhile.
class RefusingPort {
public:
  // Throws std::runtime_error when no socket can be bound.
  RefusingPort();
  ~RefusingPort();
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;

  std::uint16_t port() const { return m_port; }
  std::string url() const;

private:
  int m_fd = -1;
  std::uint16_t m_port = 0;
};

} // namespace ordertrace::test

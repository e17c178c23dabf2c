#include "support/fake_http_server.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace ordertrace::test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A request head larger than this is answered by closing the connection.
constexpr std::size_t k_max_head_bytes = 1 << 20;
constexpr milliseconds k_forever{-1};

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

std::string_view reason_phrase(int status) {
  switch (status) {
  case 200:
    return "OK";
  case 204:
    return "No Content";
  case 301:
    return "Moved Permanently";
  case 302:
    return "Found";
  case 307:
    return "Temporary Redirect";
  case 400:
    return "Bad Request";
  case 401:
    return "Unauthorized";
  case 403:
    return "Forbidden";
  case 404:
    return "Not Found";
  case 429:
    return "Too Many Requests";
  case 500:
    return "Internal Server Error";
  case 502:
    return "Bad Gateway";
  case 503:
    return "Service Unavailable";
  case 504:
    return "Gateway Timeout";
  default:
    return "Status";
  }
}

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

// Parses "METHOD target HTTP/1.1" and the header lines; false when malformed.
bool parse_head(std::string_view head, FakeRequest& request) {
  const std::size_t line_end = head.find("\r\n");
  const std::string_view request_line = head.substr(0, line_end);
  const std::size_t first_space = request_line.find(' ');
  const std::size_t second_space = request_line.find(' ', first_space + 1);
  if (first_space == std::string_view::npos || second_space == std::string_view::npos) {
    return false;
  }
  request.method = request_line.substr(0, first_space);
  request.target = request_line.substr(first_space + 1, second_space - first_space - 1);
  std::size_t begin = line_end == std::string_view::npos ? head.size() : line_end + 2;
  while (begin < head.size()) {
    std::size_t end = head.find("\r\n", begin);
    if (end == std::string_view::npos) {
      end = head.size();
    }
    const std::string_view line = head.substr(begin, end - begin);
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      request.headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
    }
    begin = end + 2;
  }
  return true;
}

} // namespace

std::string FakeRequest::path() const {
  return target.substr(0, target.find('?'));
}

std::string FakeRequest::query() const {
  const std::size_t question = target.find('?');
  return question == std::string::npos ? std::string() : target.substr(question + 1);
}

std::optional<std::string> FakeRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) {
      return value;
    }
  }
  return std::nullopt;
}

FakeResponse FakeResponse::text(int status, std::string body, std::string content_type) {
  FakeResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers.emplace_back("Content-Type", std::move(content_type));
  return response;
}

FakeHttpServer::FakeHttpServer() {
  int wake[2] = {-1, -1};
  if (::pipe2(wake, O_CLOEXEC) != 0) {
    throw_errno("pipe2");
  }
  m_wake_read_fd = wake[0];
  m_wake_write_fd = wake[1];

  m_listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0; // the kernel picks a free port
  socklen_t length = sizeof(address);
  if (m_listen_fd < 0 ||
      ::bind(m_listen_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(m_listen_fd, SOMAXCONN) != 0 ||
      ::getsockname(m_listen_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const int error = errno;
    if (m_listen_fd >= 0) {
      ::close(m_listen_fd);
    }
    ::close(m_wake_read_fd);
    ::close(m_wake_write_fd);
    errno = error;
    throw_errno("cannot listen on 127.0.0.1");
  }
  m_port = ntohs(address.sin_port);
  m_accept_thread = std::thread([this] { accept_loop(); });
}

FakeHttpServer::~FakeHttpServer() {
  stop();
  ::close(m_wake_read_fd);
  ::close(m_wake_write_fd);
}

std::string FakeHttpServer::url() const {
  return "http://127.0.0.1:" + std::to_string(m_port);
}

void FakeHttpServer::on(std::string path, FakeHandler handler) {
  const std::lock_guard lock(m_mutex);
  m_routes.push_back(Route{std::move(path), false, std::move(handler)});
}

void FakeHttpServer::on_prefix(std::string prefix, FakeHandler handler) {
  const std::lock_guard lock(m_mutex);
  m_routes.push_back(Route{std::move(prefix), true, std::move(handler)});
}

std::vector<FakeRequest> FakeHttpServer::requests() const {
  const std::lock_guard lock(m_mutex);
  return m_requests;
}

std::size_t FakeHttpServer::request_count() const {
  const std::lock_guard lock(m_mutex);
  return m_requests.size();
}

std::size_t FakeHttpServer::max_concurrent_requests() const {
  const std::lock_guard lock(m_mutex);
  return m_max_requests_in_progress;
}

std::size_t FakeHttpServer::max_concurrent_connections() const {
  const std::lock_guard lock(m_mutex);
  return m_max_open_connections;
}

std::size_t FakeHttpServer::connections_accepted() const {
  const std::lock_guard lock(m_mutex);
  return m_connections_accepted;
}

void FakeHttpServer::stop() {
  const std::lock_guard stop_lock(m_stop_mutex);
  {
    const std::lock_guard lock(m_mutex);
    if (m_stopping) {
      return;
    }
    m_stopping = true;
  }
  // The pipe stays readable from now on, so every poll of every server thread returns.
  const char byte = 'x';
  while (::write(m_wake_write_fd, &byte, 1) < 0 && errno == EINTR) {
  }
  m_accept_thread.join();
  ::close(m_listen_fd);
  m_listen_fd = -1;
  // The accept loop has ended, so the list no longer grows.
  std::vector<std::thread> threads;
  {
    const std::lock_guard lock(m_mutex);
    threads.swap(m_connection_threads);
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
}

bool FakeHttpServer::wait_for(int fd, short events, milliseconds timeout) const {
  pollfd fds[2] = {{fd, events, 0}, {m_wake_read_fd, POLLIN, 0}};
  while (true) {
    const int ready = ::poll(fds, 2, static_cast<int>(timeout.count()));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    return ready > 0 && fds[1].revents == 0;
  }
}

bool FakeHttpServer::pause(milliseconds duration) const {
  const auto deadline = Clock::now() + duration;
  pollfd wake{m_wake_read_fd, POLLIN, 0};
  while (true) {
    const auto left = std::chrono::ceil<milliseconds>(deadline - Clock::now());
    if (left <= milliseconds(0)) {
      return true;
    }
    const int ready = ::poll(&wake, 1, static_cast<int>(left.count()));
    if (ready > 0) {
      return false;
    }
    if (ready < 0 && errno != EINTR) {
      return false;
    }
  }
}

bool FakeHttpServer::send_all(int fd, std::string_view data) const {
  while (!data.empty()) {
    if (!wait_for(fd, POLLOUT, k_forever)) {
      return false;
    }
    const ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) {
        continue;
      }
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

void FakeHttpServer::accept_loop() {
  while (wait_for(m_listen_fd, POLLIN, k_forever)) {
    const int fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      continue; // EAGAIN (the client gave up meanwhile), EINTR, ECONNABORTED: keep going
    }
    const std::lock_guard lock(m_mutex);
    if (m_stopping) {
      ::close(fd);
      return;
    }
    ++m_connections_accepted;
    ++m_open_connections;
    m_max_open_connections = std::max(m_max_open_connections, m_open_connections);
    m_connection_threads.emplace_back([this, fd] { serve(fd); });
  }
}

void FakeHttpServer::request_started() {
  const std::lock_guard lock(m_mutex);
  ++m_requests_in_progress;
  m_max_requests_in_progress = std::max(m_max_requests_in_progress, m_requests_in_progress);
}

void FakeHttpServer::request_ended() {
  const std::lock_guard lock(m_mutex);
  --m_requests_in_progress;
}

FakeResponse FakeHttpServer::answer(const FakeRequest& request) {
  FakeHandler handler;
  {
    const std::lock_guard lock(m_mutex);
    const std::string path = request.path();
    std::size_t best_prefix = 0;
    for (const Route& route : m_routes) {
      if (!route.prefix && route.path == path) {
        handler = route.handler;
        break;
      }
      if (route.prefix && path.starts_with(route.path) && route.path.size() >= best_prefix) {
        best_prefix = route.path.size();
        handler = route.handler;
      }
    }
  }
  if (!handler) {
    return FakeResponse::text(404, "404 page not found\n");
  }
  const std::lock_guard handler_lock(m_handler_mutex);
  try {
    return handler(request);
  } catch (const std::exception& error) {
    return FakeResponse::text(500, std::string("fake handler threw: ") + error.what() + "\n");
  }
}

void FakeHttpServer::serve(int fd) {
  std::string buffer;
  bool keep_alive = true;
  while (keep_alive) {
    std::size_t head_end = buffer.find("\r\n\r\n");
    while (head_end == std::string::npos) {
      char chunk[4096];
      if (buffer.size() > k_max_head_bytes || !wait_for(fd, POLLIN, k_forever)) {
        keep_alive = false;
        break;
      }
      const ssize_t received = ::recv(fd, chunk, sizeof(chunk), MSG_DONTWAIT);
      if (received < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) {
        continue;
      }
      if (received <= 0) {
        keep_alive = false;
        break;
      }
      buffer.append(chunk, static_cast<std::size_t>(received));
      head_end = buffer.find("\r\n\r\n");
    }
    if (!keep_alive) {
      break;
    }

    FakeRequest request;
    request.received_at = Clock::now();
    if (!parse_head(std::string_view(buffer).substr(0, head_end), request)) {
      break;
    }
    buffer.erase(0, head_end + 4);
    // A request body (our client sends none) is read and dropped.
    std::size_t body_length = 0;
    for (char c : request.header("Content-Length").value_or("")) {
      if (c < '0' || c > '9' || body_length > k_max_head_bytes) {
        keep_alive = false;
        break;
      }
      body_length = body_length * 10 + static_cast<std::size_t>(c - '0');
    }
    if (!keep_alive) {
      break; // a length we will not read: hang up
    }
    while (buffer.size() < body_length) {
      char chunk[4096];
      if (!wait_for(fd, POLLIN, k_forever)) {
        keep_alive = false;
        break;
      }
      const ssize_t received = ::recv(fd, chunk, sizeof(chunk), MSG_DONTWAIT);
      if (received == 0 || (received < 0 && errno != EINTR && errno != EAGAIN)) {
        keep_alive = false;
        break;
      }
      if (received > 0) {
        buffer.append(chunk, static_cast<std::size_t>(received));
      }
    }
    if (!keep_alive) {
      break;
    }
    buffer.erase(0, body_length);
    if (iequals(request.header("Connection").value_or(""), "close")) {
      keep_alive = false;
    }

    {
      const std::lock_guard lock(m_mutex);
      m_requests.push_back(request);
    }
    request_started();
    const FakeResponse response = answer(request);

    if (response.delay_before_headers > milliseconds(0) && !pause(response.delay_before_headers)) {
      request_ended();
      break;
    }
    if (response.close_without_answer) {
      request_ended();
      break;
    }
    if (response.never_answer) {
      // Until the client hangs up or the server stops; anything it sends is dropped.
      char chunk[4096];
      while (wait_for(fd, POLLIN, k_forever)) {
        const ssize_t received = ::recv(fd, chunk, sizeof(chunk), MSG_DONTWAIT);
        if (received == 0 || (received < 0 && errno != EINTR && errno != EAGAIN)) {
          break;
        }
      }
      request_ended();
      break;
    }

    std::string head = "HTTP/1.1 " + std::to_string(response.status) + " " +
                       std::string(reason_phrase(response.status)) + "\r\n";
    bool has_length = false;
    for (const auto& [name, value] : response.headers) {
      head += name + ": " + value + "\r\n";
      has_length = has_length || iequals(name, "Content-Length");
      if (iequals(name, "Connection") && iequals(value, "close")) {
        keep_alive = false;
      }
    }
    if (!has_length) {
      head += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
    }
    head += "\r\n";
    // Ended before the answer goes out, so the count can never include a request whose
    // answer the client already has.
    request_ended();

    if (response.trickle > milliseconds(0)) {
      bool sent = send_all(fd, head);
      for (std::size_t i = 0; sent && i < response.body.size(); ++i) {
        sent =
            pause(response.trickle) && send_all(fd, std::string_view(response.body).substr(i, 1));
      }
      if (!sent) {
        break;
      }
    } else if (!send_all(fd, head + response.body)) {
      break;
    }
  }
  ::close(fd);
  const std::lock_guard lock(m_mutex);
  --m_open_connections;
}

RefusingPort::RefusingPort() {
  m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const int error = errno;
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    errno = error;
    throw_errno("cannot bind a port on 127.0.0.1");
  }
  m_port = ntohs(address.sin_port);
}

RefusingPort::~RefusingPort() {
  ::close(m_fd);
}

std::string RefusingPort::url() const {
  return "http://127.0.0.1:" + std::to_string(m_port);
}

} // namespace ordertrace::test

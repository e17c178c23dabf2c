#include "support/live_jaeger.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <sys/file.h>
#include <unistd.h>

#include "support/run_process.hpp"

namespace ordertrace::test {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Holds an exclusive flock(2) for its lifetime.
class FileLock {
public:
  explicit FileLock(const fs::path& path)
      : m_fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
    if (m_fd < 0 || ::flock(m_fd, LOCK_EX) != 0) {
      throw std::runtime_error("cannot lock " + path.string() + ": " + std::strerror(errno));
    }
  }
  ~FileLock() { ::close(m_fd); }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

private:
  int m_fd;
};

} // namespace

LiveJaeger read_live_jaeger(const fs::path& env_file) {
  LiveJaeger jaeger;
  std::istringstream lines(read_text(env_file));
  for (std::string line; std::getline(lines, line);) {
    const auto equals = line.find('=');
    if (equals == std::string::npos) {
      continue;
    }
    const std::string name = line.substr(0, equals);
    const std::string value = line.substr(equals + 1);
    if (name == "JAEGER_URL") {
      jaeger.url = value;
    } else if (name == "JAEGER_OTLP_URL") {
      jaeger.otlp_url = value;
    } else if (name == "JAEGER_PID") {
      jaeger.pid = value;
    }
  }
  if (jaeger.url.empty() || jaeger.otlp_url.empty()) {
    throw std::runtime_error("no running Jaeger described in " + env_file.string() +
                             ": run the tests through ctest (its jaeger_start fixture starts "
                             "one), or run 'JAEGER_PORTS=auto scripts/jaeger.sh start " +
                             env_file.parent_path().string() + "' first");
  }
  return jaeger;
}

fs::path find_program(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / program;
    if (::access(candidate.c_str(), X_OK) == 0) {
      return fs::absolute(candidate);
    }
  }
  return {};
}

namespace {

// The HTTP status curl got for `arguments` (the URL and what else to send).
int curl_status(std::vector<std::string> arguments, const std::string& what) {
  const fs::path curl = find_program("curl");
  if (curl.empty()) {
    throw std::runtime_error("curl is not on PATH (scripts/bootstrap.sh installs it)");
  }
  arguments.insert(arguments.begin(), {curl.string(), "--silent", "--show-error", "--output",
                                       "/dev/null", "--write-out", "%{http_code}"});
  const auto result = run_process(arguments);
  if (result.exit_code != 0 || result.out.empty()) {
    throw std::runtime_error(what + " failed: " + result.err);
  }
  return std::stoi(result.out);
}

// The 32-hex-digit values of "traceId" keys (a plain scan: GCC 12 warns inside
// <regex> under the sanitizers, and this is all the JSON the posted files need).
std::set<std::string> trace_ids_in(const std::string& otlp_json) {
  static constexpr std::string_view key = "\"traceId\"";
  std::set<std::string> ids;
  for (auto at = otlp_json.find(key); at != std::string::npos; at = otlp_json.find(key, at + 1)) {
    const auto open = otlp_json.find('"', otlp_json.find(':', at + key.size()));
    if (open == std::string::npos || open + 33 > otlp_json.size()) {
      break;
    }
    const std::string id = otlp_json.substr(open + 1, 32);
    if (otlp_json[open + 33] == '"' &&
        id.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos) {
      ids.insert(id);
    }
  }
  return ids;
}

} // namespace

int post_otlp_file(const LiveJaeger& jaeger, const fs::path& file) {
  const int status = curl_status({"--header", "Content-Type: application/json", "--data-binary",
                                  "@" + file.string(), jaeger.otlp_url + "/v1/traces"},
                                 "posting " + file.string());
  if (status != 200) {
    return status;
  }
  for (const auto& id : trace_ids_in(read_text(file))) {
    if (const int read = curl_status({jaeger.url + "/api/traces/" + id}, "reading trace " + id);
        read != 200) {
      throw std::runtime_error("Jaeger answered HTTP " + std::to_string(read) +
                               " to reading back trace " + id + " of " + file.string());
    }
  }
  return status;
}

void post_once(const LiveJaeger& jaeger, const std::vector<fs::path>& files,
               const fs::path& state_dir) {
  const FileLock lock(state_dir / "posted.lock");
  const fs::path marker = state_dir / "posted.pid";
  const std::string this_jaeger = jaeger.pid + " " + jaeger.url; // ports change per start too
  if (fs::exists(marker) && read_text(marker) == this_jaeger) {
    return;
  }
  for (const auto& file : files) {
    if (const int status = post_otlp_file(jaeger, file); status != 200) {
      throw std::runtime_error("Jaeger answered HTTP " + std::to_string(status) + " to " +
                               file.string());
    }
  }
  std::ofstream(marker, std::ios::trunc) << this_jaeger;
}

} // namespace ordertrace::test

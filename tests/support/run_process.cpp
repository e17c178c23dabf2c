#include "support/run_process.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <random>
#include <signal.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>

extern char** environ;

namespace ordertrace::test {
namespace {

std::runtime_error system_error(const std::string& what, int error) {
  return std::runtime_error(what + ": " + std::strerror(error));
}

// A pipe whose ends are closed on destruction; both ends close-on-exec.
struct Pipe {
  int read_end = -1;
  int write_end = -1;

  Pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
      throw system_error("pipe2", errno);
    }
    read_end = fds[0];
    write_end = fds[1];
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  void close_read() {
    if (read_end >= 0) {
      ::close(read_end);
      read_end = -1;
    }
  }
  void close_write() {
    if (write_end >= 0) {
      ::close(write_end);
      write_end = -1;
    }
  }
};

// The cache and config folders of every program a test runs, unless the test names them:
// one per test process (ctest runs each test in its own), so tests never share the order
// cache nor read or touch the cache and config file of the user running them.
const std::filesystem::path& test_cache_home() {
  static const TempDir home;
  return home.path();
}

const std::filesystem::path& test_config_home() {
  static const TempDir home;
  return home.path();
}

bool is_ordertrace_variable(const std::string& name) {
  return name.starts_with("ORDERTRACE_");
}

std::vector<std::string> build_environment(const ProcessOptions& options) {
  std::map<std::string, std::string> variables;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string text = *entry;
    const auto equals = text.find('=');
    // A developer's own ORDERTRACE_JAEGER_URL, ORDERTRACE_TOKEN, ... would change what
    // the program does; so would any such variable added later.
    if (equals != std::string::npos && !is_ordertrace_variable(text.substr(0, equals))) {
      variables.emplace(text.substr(0, equals), text.substr(equals + 1));
    }
  }
  variables["XDG_CACHE_HOME"] = test_cache_home().string();
  variables["XDG_CONFIG_HOME"] = test_config_home().string();
  // Output language and zone follow LANG/LC_*/TZ: a test expects the English, UTC text
  // unless it sets them itself, whatever the machine's locale.
  for (const char* name : {"LANG", "LC_ALL", "LC_MESSAGES", "TZ", "LANGUAGE", "NO_COLOR"}) {
    variables.erase(name);
  }
  for (const auto& [name, value] : options.env) {
    if (value) {
      variables[name] = *value;
    } else {
      variables.erase(name);
    }
  }
  std::vector<std::string> result;
  result.reserve(variables.size());
  for (const auto& [name, value] : variables) {
    result.push_back(name + "=" + value);
  }
  return result;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  result.reserve(strings.size() + 1);
  for (auto& text : strings) {
    result.push_back(text.data());
  }
  result.push_back(nullptr);
  return result;
}

} // namespace

ProcessOptions with_env(std::map<std::string, std::optional<std::string>> env) {
  ProcessOptions options;
  options.env = std::move(env);
  return options;
}

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty()) {
    throw std::runtime_error("run_process: empty argv");
  }
  Pipe in;
  Pipe out;
  Pipe err;

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.read_end, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out.write_end, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.write_end, STDERR_FILENO);
  const std::string directory = options.working_directory.string();
  if (!directory.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, directory.c_str());
  }

  std::vector<std::string> args = argv;
  std::vector<std::string> env = build_environment(options);
  auto arg_pointers = pointers(args);
  auto env_pointers = pointers(env);

  pid_t pid = 0;
  const int spawn_error = posix_spawn(&pid, args[0].c_str(), &actions, nullptr, arg_pointers.data(),
                                      env_pointers.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0) {
    throw system_error("cannot start " + args[0], spawn_error);
  }
  in.close_read();
  out.close_write();
  err.close_write();

  // Feed stdin and drain both outputs together, so that a child filling one pipe
  // while we wait on the other cannot deadlock.
  ProcessResult result;
  std::size_t written = 0;
  if (options.input.empty()) {
    in.close_write();
  } else {
    ::fcntl(in.write_end, F_SETFL, O_NONBLOCK);
  }
  // Writing to a child that exits early must not kill the test with SIGPIPE.
  struct sigaction ignore {};
  struct sigaction previous {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &previous);
  char buffer[65536];
  while (out.read_end >= 0 || err.read_end >= 0) {
    pollfd fds[3] = {
        {out.read_end, POLLIN, 0}, {err.read_end, POLLIN, 0}, {in.write_end, POLLOUT, 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;
    }
    if (fds[2].revents != 0) {
      const ssize_t n =
          ::write(in.write_end, options.input.data() + written, options.input.size() - written);
      if (n > 0) {
        written += static_cast<std::size_t>(n);
      }
      if (n < 0 || written == options.input.size()) {
        in.close_write();
      }
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].revents == 0) {
        continue;
      }
      Pipe& pipe = i == 0 ? out : err;
      const ssize_t n = ::read(pipe.read_end, buffer, sizeof buffer);
      if (n > 0) {
        (i == 0 ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        pipe.close_read();
      }
    }
  }
  in.close_write();
  sigaction(SIGPIPE, &previous, nullptr);

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      throw system_error("waitpid", errno);
    }
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  }
  return result;
}

TempDir::TempDir() {
  std::random_device random;
  const auto base = std::filesystem::temp_directory_path();
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate =
        base / ("ordertrace-test-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    if (std::filesystem::create_directory(candidate)) {
      m_path = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory in " + base.string());
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(m_path, ignored);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& content) const {
  const auto path = m_path / name;
  std::ofstream file(path, std::ios::binary);
  file << content;
  if (!file) {
    throw std::runtime_error("cannot write " + path.string());
  }
  return path;
}

} // namespace ordertrace::test

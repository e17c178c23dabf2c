#pragma once
// Runs a program to completion and captures what it wrote, for tests that drive the
// built binaries (the CLI tests). No shell is involved: arguments reach the program
// exactly as given, quotes, spaces and non-ASCII bytes included.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ordertrace::test {

struct ProcessResult {
  int exit_code = -1; // the exit status, or 128 + signal number when killed by a signal
  std::string out;    // everything written to stdout
  std::string err;    // everything written to stderr
};

struct ProcessOptions {
  // Environment changes on top of an isolated copy of the current environment: a value
  // sets the variable, nullopt removes it. Unless named here:
  // - every ORDERTRACE_* variable is removed: a developer's own ORDERTRACE_JAEGER_URL or
  //   ORDERTRACE_TOKEN never reaches the program (so the built-in defaults apply);
  // - XDG_CACHE_HOME and XDG_CONFIG_HOME are fresh folders of this test process: tests
  //   never read or touch the user's cache and config file (the config folder stays
  //   empty: a test that needs a config file names its own);
  // - LANG, LC_ALL, LC_MESSAGES, LANGUAGE, TZ and NO_COLOR are unset (English, UTC output,
  //   color decided by the program alone).
  std::map<std::string, std::optional<std::string>> env;
  // Written to the child's stdin, which is then closed (stdin is empty by default).
  std::string input;
  // Working directory of the child; the current one when empty.
  std::filesystem::path working_directory;
};

// Options that only change the environment: with_env({{"TZ", "Europe/Moscow"}}).
ProcessOptions with_env(std::map<std::string, std::optional<std::string>> env);

// Runs `argv[0]` (a path, not searched in PATH) with `argv` and waits for it.
// stdout and stderr are captured separately. Throws std::runtime_error when the
// process cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// A fresh directory under the system temp directory, removed with its contents when
// the value goes out of scope.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const noexcept { return m_path; }
  // Writes `content` to `name` inside the directory and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& content) const;

private:
  std::filesystem::path m_path;
};

} // namespace ordertrace::test

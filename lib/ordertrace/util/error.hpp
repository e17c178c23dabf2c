#pragma once
// The one error policy of ordertrace: a small exception hierarchy, thrown where a
// failure stops the current command and caught once, in app::run, which prints
// "ordertrace: error: <what>" and exits with the code of the exception's kind.
// Expected outcomes (an order not found, a verdict) are values, never exceptions.

#include <stdexcept>
#include <string>

namespace ordertrace {

// Exit codes shared by every subcommand (../shared/spec/cli.md).
enum class ExitCode : int {
  ok = 0,
  runtime_error = 1,
  usage_error = 2,
  lost_orders_found = 3,
  order_not_found = 4,
  jaeger_unavailable = 5,
  authentication_required = 6,
  cache_unusable = 7,
};

// Base of every error ordertrace reports; the message is one line, without secrets.
class Error : public std::runtime_error {
public:
  explicit Error(const std::string& message, ExitCode code = ExitCode::runtime_error)
      : std::runtime_error(message), m_code(code) {}
  ExitCode code() const noexcept { return m_code; }

private:
  ExitCode m_code;
};

// A bad option, argument or value given by the user (exit 2).
class UsageError : public Error {
public:
  explicit UsageError(const std::string& message) : Error(message, ExitCode::usage_error) {}
};

// Input that cannot be read or understood: a trace file, a lifecycle file (exit 1).
// The message names the file and the place in it.
class InputError : public Error {
public:
  explicit InputError(const std::string& message) : Error(message, ExitCode::runtime_error) {}
};

// Jaeger unreachable, timed out, failing after retries, or not a Jaeger query API (exit 5).
class JaegerError : public Error {
public:
  explicit JaegerError(const std::string& message) : Error(message, ExitCode::jaeger_unavailable) {}
};

// Jaeger (or a proxy in front of it) wants credentials or refused them (exit 6).
class AuthenticationError : public Error {
public:
  explicit AuthenticationError(const std::string& message)
      : Error(message, ExitCode::authentication_required) {}
};

// The cache file cannot be used: not SQLite, not ordertrace's, corrupt, a schema newer
// than this binary, or not writable (exit 7). The message names the file and a way out.
class CacheError : public Error {
public:
  explicit CacheError(const std::string& message) : Error(message, ExitCode::cache_unusable) {}
};

} // namespace ordertrace

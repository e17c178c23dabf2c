#pragma once
// `ordertrace ack`: marks lost (or stalled) orders as known to the support desk, so that the
// nightly report lists them apart and does not exit 3 for them. Kept in the order cache.

#include <ordertrace/app/settings.hpp>
#include <ordertrace/util/error.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace ordertrace::app {

struct AckOptions {
  std::vector<std::string> order_ids; // the orders to acknowledge (or --remove)
  std::optional<std::string> note;    // --note TEXT: required when acknowledging
  std::optional<std::string> until;   // --until RFC 3339 time or a duration from --now (14d)
  std::optional<std::string> now;     // --now TIME (default: the clock)
  std::optional<std::string> format;  // --list: text (default) or json
  bool list = false;                  // --list
  bool remove = false;                // --remove ORDER...
  CommonOptions common;               // --cache, --no-cache, --config, --lifecycle
};

// Acknowledges the orders (their note redacted with the lifecycle's rules, so no personal
// data reaches the cache), lists every acknowledgement (--list, expired ones marked), or
// removes some (--remove). Acknowledgements hold for the whole cache file, by order id,
// whatever Jaeger or trace files a report reads. Throws UsageError for a missing --note, an
// --until in the past, a disabled cache ("ack needs the cache") or mixed modes; CacheError
// (exit 7) for an unusable cache file.
ExitCode run_ack(const AckOptions& options, std::ostream& out);

} // namespace ordertrace::app

#pragma once
// `ordertrace cache stats|verify|prune|vacuum`: looks after the order cache file.

#include <ordertrace/app/settings.hpp>
#include <ordertrace/util/error.hpp>

#include <optional>
#include <ostream>
#include <string>

namespace ordertrace::app {

struct CacheCommandOptions {
  std::string action;                    // stats, verify, prune or vacuum
  std::optional<std::string> older_than; // prune: --older-than DURATION (90d)
  std::optional<std::string> now;        // prune: --now TIME (default: the clock)
  CommonOptions common;                  // --cache, --no-cache, --config
};

// Runs one action on the cache the settings name. stats: counts and sizes; verify: SQLite's
// integrity check and every span record decoded, "ok" or the problems (exit 7); prune:
// removes orders last seen more than --older-than before --now, keeping a tombstone of each
// (id, last verdict and state) for show's NOT_FOUND reason; vacuum: compacts the file.
// Throws UsageError when the cache is off or an option is bad, CacheError (exit 7) for a
// missing (verify, stats) or unusable file.
ExitCode run_cache_command(const CacheCommandOptions& options, std::ostream& out);

} // namespace ordertrace::app

#include <ordertrace/app/cache_command.hpp>
#include <ordertrace/cache/cache.hpp>
#include <ordertrace/util/time.hpp>

#include <fmt/format.h>

#include <filesystem>

namespace ordertrace::app {
namespace {

std::string optional_time(const std::optional<std::int64_t>& time_ns) {
  return time_ns ? util::format_rfc3339(*time_ns) : "-";
}

} // namespace

ExitCode run_cache_command(const CacheCommandOptions& options, std::ostream& out) {
  std::int64_t cutoff_ns = 0;
  std::int64_t now_ns = 0;
  if (options.action == "prune") {
    if (!options.older_than) {
      throw UsageError("cache prune: --older-than DURATION is required (for example 90d)");
    }
    const auto age = util::parse_duration(*options.older_than);
    if (!age || *age <= 0) {
      throw UsageError("invalid --older-than '" + *options.older_than +
                       "': expected a duration such as 90d or 12h");
    }
    now_ns = util::system_now_ns();
    if (options.now) {
      const auto parsed = util::parse_rfc3339(*options.now);
      if (!parsed) {
        throw UsageError("invalid --now '" + *options.now +
                         "': expected an RFC 3339 time such as 2026-08-20T10:00:00Z");
      }
      now_ns = *parsed;
    }
    cutoff_ns = now_ns - *age;
  }
  const EffectiveSettings settings = resolve_settings(options.common, "cache");
  if (settings.cache.value.empty()) {
    throw UsageError("the cache is off (" +
                     (settings.cache.source.empty() ? std::string("no HOME or XDG_CACHE_HOME")
                                                    : settings.cache.source) +
                     "); name one with --cache FILE");
  }
  const std::filesystem::path path = settings.cache.value;
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    // Not "unusable" (7, cli.md: corrupt, foreign or newer): there is nothing to repair.
    throw Error("cache file " + path.string() + " does not exist (nothing cached yet)");
  }

  if (options.action == "verify") {
    std::vector<std::string> problems;
    try {
      cache::Cache cache(path, false);
      problems = cache.verify();
    } catch (const CacheError& e) {
      problems.push_back(e.what());
    }
    if (problems.empty()) {
      out << "ok: " << path.string() << " is a sound ordertrace cache (schema "
          << cache::k_schema_version << ")\n";
      return ExitCode::ok;
    }
    out << "not ok: " << path.string() << "\n";
    for (const auto& problem : problems) {
      out << "  " << problem << '\n';
    }
    out << "The cache only saves requests to Jaeger: remove " << path.string()
        << " (and its -wal and -shm files) to start afresh.\n";
    return ExitCode::cache_unusable;
  }

  cache::Cache cache(path, false);
  if (options.action == "stats") {
    const cache::Stats stats = cache.stats();
    out << fmt::format("file              {}\n", path.string());
    out << fmt::format("schema            {}\n", stats.schema_version);
    out << fmt::format("orders            {}\n", stats.orders);
    out << fmt::format("completed orders  {}\n", stats.completed_orders);
    out << fmt::format("open orders       {}\n", cache.open_orders().size());
    out << fmt::format("traces            {}\n", stats.traces);
    out << fmt::format("span bytes        {}\n", stats.span_bytes);
    out << fmt::format("file bytes        {}\n", stats.file_bytes);
    out << fmt::format("oldest stored     {}\n", optional_time(stats.oldest_stored_ns));
    out << fmt::format("newest stored     {}\n", optional_time(stats.newest_stored_ns));
    out << fmt::format("pruned orders     {}\n", stats.tombstones);
    out << fmt::format("acks              {}\n", stats.acks);
    out << fmt::format("report runs       {}\n", stats.report_runs);
  } else if (options.action == "prune") {
    const std::int64_t removed = cache.prune(cutoff_ns, now_ns);
    out << fmt::format("removed {} order{} last seen before {} (their ids, last verdict and state "
                       "are kept, so that show can say they were forgotten)\n",
                       removed, removed == 1 ? "" : "s", util::format_rfc3339(cutoff_ns));
  } else if (options.action == "vacuum") {
    const auto before = cache.stats().file_bytes;
    cache.vacuum();
    out << fmt::format("vacuumed {}: {} bytes before, {} after\n", path.string(), before,
                       cache.stats().file_bytes);
  } else {
    throw UsageError("cache: unknown action '" + options.action +
                     "'; choose one of: stats verify prune vacuum");
  }
  return ExitCode::ok;
}

} // namespace ordertrace::app

#pragma once
// The order cache: one SQLite file (WAL) that keeps what ordertrace learned about each order,
// so that an order's history outlives Jaeger's retention and a completed order is answered
// without asking Jaeger. Safe for a cron job and several support staff at once: writes are
// single BEGIN IMMEDIATE transactions (an order is stored wholly or not at all), readers read
// one snapshot, and a busy timeout absorbs the short waits.
//
// What is kept per order: the decoded spans of each trace found, already redacted by the
// caller (never Jaeger's raw responses: those carry personal data the redactor never saw, and
// their shape differs per Jaeger version, while decoded spans are what the lifecycle reads);
// the verdict summary as plain fields (this module knows nothing of the lifecycle); the
// durations between states; and when each service was last searched, for incremental
// refreshes. Beside the orders (schema 3): the acknowledgements of known lost orders
// (`ordertrace ack`), the problems of each nightly report run (so the next one can say
// what is new), and a tombstone of each pruned order (so `show` can tell an order Jaeger
// forgot from one it never had).

#include <ordertrace/model/span.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace SQLite {
class Database;
}

namespace ordertrace::cache {

// The schema this binary writes. Older files are migrated on open; newer ones are refused.
inline constexpr int k_schema_version = 3;
// PRAGMA application_id of ordertrace caches ("OTRC"): tells our file from another SQLite file.
inline constexpr std::int32_t k_application_id = 0x4F545243;
// Service name of a search that covered every service (what schema 1 recorded).
inline constexpr std::string_view k_all_services = "*";

struct StageDuration {
  std::string from_state;
  std::string to_state;
  std::int64_t duration_ns = 0;
};

// One search of the order's spans: [from_ns, until_ns) for `service` (k_all_services: all).
struct ServiceSearch {
  std::string service;
  std::int64_t from_ns = 0;
  std::int64_t until_ns = 0;
};

struct CachedTrace {
  model::TraceId trace_id;
  std::int64_t fetched_at_ns = 0; // the run that last read it from Jaeger
  std::vector<model::Span> spans; // redacted before storing
};

struct OrderRecord {
  std::string jaeger;   // the Jaeger it came from (URL without credentials)
  std::string order_id; // as the spans carry it
  // The verdict summary, filled by the caller from its assessment.
  std::string verdict; // "COMPLETED", "STALLED", ...
  std::optional<std::string> last_state;
  std::optional<std::int64_t> last_state_time_ns;
  std::optional<std::string> suspect;
  std::int64_t first_seen_ns = 0;
  std::int64_t last_seen_ns = 0;
  std::int64_t stored_at_ns = 0; // "now" of the run that stored it
  std::vector<StageDuration> stages;
  std::vector<CachedTrace> traces;
  std::vector<ServiceSearch> searches;
};

// An order not COMPLETED or ABANDONED, for the nightly report.
struct OpenOrder {
  std::string jaeger;
  std::string order_id;
  std::string verdict;
  std::optional<std::string> last_state;
  std::int64_t last_seen_ns = 0;
  std::int64_t last_searched_ns = 0; // end of the newest search of any service
};

// One transition of a COMPLETED order, for learning allowances.
struct TransitionDuration {
  std::string order_id;
  std::string from_state;
  std::string to_state;
  double seconds = 0;
};

// A problem staff know about (`ordertrace ack`): global to the cache file, by order id,
// whatever Jaeger or trace files the report reads (an order id names one order in the
// workshop). The note is redacted by the caller before it is stored.
struct Ack {
  std::string order_id;
  std::string note;
  std::int64_t created_at_ns = 0;
  std::optional<std::int64_t> until_ns; // nullopt: until removed

  bool active_at(std::int64_t now_ns) const noexcept { return !until_ns || *until_ns > now_ns; }
};

// What is left of an order `prune` removed: enough to say "known, but forgotten".
struct Tombstone {
  std::string jaeger;
  std::string order_id;
  std::string verdict; // the last verdict stored
  std::optional<std::string> last_state;
  std::optional<std::int64_t> last_state_time_ns;
  std::int64_t first_seen_ns = 0;
  std::int64_t last_seen_ns = 0;
  std::int64_t pruned_at_ns = 0;
};

// The problems (LOST and STALLED orders) one nightly report run found, keyed by where its
// spans came from (a Jaeger key, or the trace files) and the end of its window.
struct ReportRun {
  struct Problem {
    std::string order_id;
    std::string verdict;
  };
  std::string source;
  std::int64_t window_until_ns = 0;
  std::int64_t ran_at_ns = 0;
  std::vector<Problem> problems;
};

struct Stats {
  int schema_version = 0;
  std::int64_t orders = 0;
  std::int64_t completed_orders = 0;
  std::int64_t traces = 0;
  std::int64_t span_bytes = 0; // stored span blobs
  std::int64_t file_bytes = 0; // pages in use and free
  std::optional<std::int64_t> oldest_stored_ns;
  std::optional<std::int64_t> newest_stored_ns;
  std::int64_t tombstones = 0;  // pruned orders remembered
  std::int64_t acks = 0;        // acknowledgements, expired ones included
  std::int64_t report_runs = 0; // nightly runs remembered
};

class Cache {
public:
  // Opens the cache at `path`, creating it (mode 0600; missing directories 0700) unless
  // `create` is false, and migrating an older schema. Throws CacheError naming the file and a
  // way out when it is not SQLite, another program's SQLite file, corrupt, of a newer schema,
  // or cannot be created or written.
  explicit Cache(const std::filesystem::path& path, bool create = true);
  ~Cache();
  Cache(const Cache&) = delete;
  Cache& operator=(const Cache&) = delete;

  const std::filesystem::path& path() const noexcept { return m_path; }

  // The order as stored, read in one snapshot; nullopt when it is not cached.
  std::optional<OrderRecord> find(const std::string& jaeger, const std::string& order_id) const;

  // Replaces the order's record (traces, searches, stages) in one transaction.
  void store(const OrderRecord& record);
  // Replaces several records in one transaction (the nightly report, the benchmark).
  void store(std::span<const OrderRecord> records);

  // Orders whose verdict is not COMPLETED or ABANDONED, least recently seen first.
  std::vector<OpenOrder> open_orders() const;
  // Every stage of every COMPLETED order, by order then position.
  std::vector<TransitionDuration> completed_transitions() const;

  Stats stats() const;
  // Problems found: SQLite's integrity and foreign key checks, then every span blob
  // decoded. Empty when the cache is sound.
  std::vector<std::string> verify() const;
  // Removes the orders last seen before `last_seen_before_ns` (their spans, searches and
  // stages) and keeps a tombstone of each, dated `pruned_at_ns`; also drops the acks that
  // expired before the cutoff. Returns how many orders went.
  std::int64_t prune(std::int64_t last_seen_before_ns, std::int64_t pruned_at_ns = 0);
  // The tombstone of a pruned order; nullopt when it was never pruned (or stored since).
  std::optional<Tombstone> find_tombstone(const std::string& jaeger,
                                          const std::string& order_id) const;

  // Adds or replaces the acks of their order ids, in one transaction.
  void put_acks(std::span<const Ack> acks);
  // Removes the acks of `order_ids`; returns how many there were.
  std::int64_t remove_acks(std::span<const std::string> order_ids);
  // Every ack, expired ones included, by order id.
  std::vector<Ack> acks() const;

  // The latest run of `source` whose window ended before `window_until_ns` (a re-run of
  // the same window is compared with the run before it, not with itself).
  std::optional<ReportRun> previous_run(const std::string& source,
                                        std::int64_t window_until_ns) const;
  // Records a run (replacing one of the same source and window end) and keeps the newest
  // `keep` runs of its source.
  void record_run(const ReportRun& run, std::size_t keep = 60);
  // Rebuilds the file without free pages and truncates the WAL.
  void vacuum();

private:
  [[noreturn]] void fail(const std::exception& error, std::string_view doing) const;

  std::filesystem::path m_path;
  std::unique_ptr<SQLite::Database> m_db;
};

// ${XDG_CACHE_HOME:-~/.cache}/ordertrace/cache.db; empty when
// neither XDG_CACHE_HOME nor HOME is set.
std::filesystem::path default_cache_path();

// The schema migrations: k_migrations[i] takes a file from version i to i + 1.
extern const char* const k_migrations[k_schema_version];

} // namespace ordertrace::cache

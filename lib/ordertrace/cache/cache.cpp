#include <ordertrace/cache/cache.hpp>
#include <ordertrace/cache/span_codec.hpp>
#include <ordertrace/util/error.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ordertrace::cache {

// Schema 1 kept one search window per order; schema 2 keeps one per service (so a service
// whose search failed is searched again from its own last success), the time of the last
// state, and the stages of the timeline (the nightly report learns allowances from them).
// Schema 3 adds the acknowledgements of known problems (by order id, for the whole file),
// the problems of each nightly report run, and tombstones of pruned orders.
// Frozen: a released migration is never edited, only followed by a new one.
const char* const k_migrations[k_schema_version] = {
    // 0 -> 1
    "CREATE TABLE orders("
    "  id INTEGER PRIMARY KEY,"
    "  jaeger TEXT NOT NULL,"
    "  order_id TEXT NOT NULL,"
    "  verdict TEXT NOT NULL,"
    "  last_state TEXT,"
    "  suspect TEXT,"
    "  first_seen_ns INTEGER NOT NULL,"
    "  last_seen_ns INTEGER NOT NULL,"
    "  stored_at_ns INTEGER NOT NULL,"
    "  UNIQUE(jaeger, order_id));"
    "CREATE TABLE traces("
    "  order_ref INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,"
    "  trace_id BLOB NOT NULL,"
    "  fetched_at_ns INTEGER NOT NULL,"
    "  spans BLOB NOT NULL,"
    "  PRIMARY KEY(order_ref, trace_id)) WITHOUT ROWID;"
    "CREATE TABLE searches("
    "  order_ref INTEGER PRIMARY KEY REFERENCES orders(id) ON DELETE CASCADE,"
    "  from_ns INTEGER NOT NULL,"
    "  until_ns INTEGER NOT NULL);",
    // 1 -> 2
    "ALTER TABLE orders ADD COLUMN last_state_time_ns INTEGER;"
    "CREATE TABLE service_searches("
    "  order_ref INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,"
    "  service TEXT NOT NULL,"
    "  from_ns INTEGER NOT NULL,"
    "  until_ns INTEGER NOT NULL,"
    "  PRIMARY KEY(order_ref, service)) WITHOUT ROWID;"
    "INSERT INTO service_searches SELECT order_ref, '*', from_ns, until_ns FROM searches;"
    "DROP TABLE searches;"
    "CREATE TABLE stages("
    "  order_ref INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL,"
    "  from_state TEXT NOT NULL,"
    "  to_state TEXT NOT NULL,"
    "  duration_ns INTEGER NOT NULL,"
    "  PRIMARY KEY(order_ref, position)) WITHOUT ROWID;"
    "CREATE INDEX orders_by_verdict ON orders(verdict);"
    "CREATE INDEX orders_by_last_seen ON orders(last_seen_ns);",
    // 2 -> 3
    "CREATE TABLE acks("
    "  order_id TEXT PRIMARY KEY,"
    "  note TEXT NOT NULL,"
    "  created_at_ns INTEGER NOT NULL,"
    "  until_ns INTEGER) WITHOUT ROWID;"
    "CREATE TABLE report_runs("
    "  id INTEGER PRIMARY KEY,"
    "  source TEXT NOT NULL,"
    "  window_until_ns INTEGER NOT NULL,"
    "  ran_at_ns INTEGER NOT NULL,"
    "  UNIQUE(source, window_until_ns));"
    "CREATE TABLE report_run_problems("
    "  run_ref INTEGER NOT NULL REFERENCES report_runs(id) ON DELETE CASCADE,"
    "  order_id TEXT NOT NULL,"
    "  verdict TEXT NOT NULL,"
    "  PRIMARY KEY(run_ref, order_id)) WITHOUT ROWID;"
    "CREATE TABLE tombstones("
    "  jaeger TEXT NOT NULL,"
    "  order_id TEXT NOT NULL,"
    "  verdict TEXT NOT NULL,"
    "  last_state TEXT,"
    "  last_state_time_ns INTEGER,"
    "  first_seen_ns INTEGER NOT NULL,"
    "  last_seen_ns INTEGER NOT NULL,"
    "  pruned_at_ns INTEGER NOT NULL,"
    "  PRIMARY KEY(jaeger, order_id)) WITHOUT ROWID;",
};

namespace {

namespace fs = std::filesystem;

// Long enough for a writer storing a big order while others wait; short enough that a
// stuck process is reported instead of hanging a cron job.
constexpr int k_busy_timeout_ms = 30'000;

std::string way_out(const fs::path& path) {
  return "check it with 'ordertrace cache verify --cache " + path.string() +
         "', or run with --cache OTHER-FILE or --no-cache";
}

[[noreturn]] void refuse(const fs::path& path, const std::string& what) {
  throw CacheError("cache file " + path.string() + " " + what + "; " + way_out(path));
}

// A trace id as 16 big-endian bytes: sorts like its hex form.
std::array<unsigned char, 16> trace_id_bytes(const model::TraceId& id) {
  std::array<unsigned char, 16> bytes{};
  for (int i = 0; i < 8; ++i) {
    bytes[static_cast<std::size_t>(i)] = static_cast<unsigned char>(id.high >> (56 - 8 * i));
    bytes[static_cast<std::size_t>(8 + i)] = static_cast<unsigned char>(id.low >> (56 - 8 * i));
  }
  return bytes;
}

model::TraceId trace_id_from(const SQLite::Column& column) {
  model::TraceId id;
  const auto* bytes = static_cast<const unsigned char*>(column.getBlob());
  if (column.getBytes() != 16 || bytes == nullptr) {
    throw CacheError("a cached trace id is malformed; run 'ordertrace cache verify'");
  }
  for (int i = 0; i < 8; ++i) {
    id.high = (id.high << 8) | bytes[i];
    id.low = (id.low << 8) | bytes[8 + i];
  }
  return id;
}

std::optional<std::string> optional_text(const SQLite::Column& column) {
  if (column.isNull()) {
    return std::nullopt;
  }
  return column.getString();
}

std::optional<std::int64_t> optional_int(const SQLite::Column& column) {
  if (column.isNull()) {
    return std::nullopt;
  }
  return column.getInt64();
}

void bind_optional(SQLite::Statement& statement, int index, const std::optional<std::string>& v) {
  if (v) {
    statement.bind(index, *v);
  } else {
    statement.bind(index);
  }
}

void bind_optional(SQLite::Statement& statement, int index, const std::optional<std::int64_t>& v) {
  if (v) {
    statement.bind(index, static_cast<std::int64_t>(*v));
  } else {
    statement.bind(index);
  }
}

// Creates the file 0600 (and the directories 0700) before SQLite opens it: SQLite would use
// the umask, and the WAL and shared-memory files copy the database file's mode.
void create_private_file(const fs::path& path) {
  const fs::path directory = path.parent_path();
  if (!directory.empty()) {
    std::error_code error;
    if (!fs::exists(directory, error)) {
      fs::path partial;
      for (const auto& part : directory) {
        partial /= part;
        if (!fs::exists(partial, error) && ::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
          throw CacheError("cannot create the cache folder " + partial.string() + ": " +
                           std::strerror(errno) + "; run with --cache OTHER-FILE or --no-cache");
        }
      }
    }
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
  } else if (errno != EEXIST) {
    throw CacheError("cannot create the cache file " + path.string() + ": " + std::strerror(errno) +
                     "; run with --cache OTHER-FILE or --no-cache");
  }
}

// A non-empty file that does not start with SQLite's header is someone else's.
void check_header(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw CacheError("cannot read the cache file " + path.string() +
                     "; run with --cache OTHER-FILE or --no-cache");
  }
  std::array<char, 16> header{};
  in.read(header.data(), header.size());
  const auto read = in.gcount();
  if (read == 0) {
    return; // new, or created by a process that has not written it yet
  }
  if (read < 16 || std::memcmp(header.data(), "SQLite format 3", 16) != 0) {
    refuse(path, "is not an ordertrace cache (not an SQLite database)");
  }
}

} // namespace

fs::path default_cache_path() {
  if (const char* cache_home = std::getenv("XDG_CACHE_HOME"); cache_home && *cache_home) {
    return fs::path(cache_home) / "ordertrace" / "cache.db";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return fs::path(home) / ".cache" / "ordertrace" / "cache.db";
  }
  return {};
}

Cache::Cache(const fs::path& path, bool create) : m_path(path) {
  std::error_code error;
  if (!fs::exists(path, error)) {
    if (!create) {
      throw CacheError("cache file " + path.string() + " does not exist");
    }
    create_private_file(path);
  } else if (fs::is_directory(path, error)) {
    throw CacheError("cache file " + path.string() +
                     " is a directory; run with --cache OTHER-FILE or --no-cache");
  }
  check_header(path);
  try {
    m_db = std::make_unique<SQLite::Database>(path.string(), SQLite::OPEN_READWRITE,
                                              k_busy_timeout_ms);
    m_db->exec("PRAGMA foreign_keys = ON");
    const int version = m_db->execAndGet("PRAGMA user_version").getInt();
    const int application = m_db->execAndGet("PRAGMA application_id").getInt();
    const bool empty = m_db->execAndGet("SELECT count(*) FROM sqlite_master").getInt() == 0;
    if (application != k_application_id && !(application == 0 && version == 0 && empty)) {
      refuse(path, "is not an ordertrace cache (an SQLite database of another program)");
    }
    if (version > k_schema_version) {
      throw CacheError("cache file " + path.string() + " has schema version " +
                       std::to_string(version) + ", newer than this ordertrace knows (" +
                       std::to_string(k_schema_version) +
                       "); it is left as it is: use a newer ordertrace, or run with --cache "
                       "OTHER-FILE or --no-cache");
    }
    // WAL lets readers go on while one process writes. The mode is stored in the file.
    if (m_db->execAndGet("PRAGMA journal_mode").getString() != "wal") {
      m_db->exec("PRAGMA journal_mode = WAL");
    }
    // NORMAL in WAL mode loses no committed transaction when a process dies, only on a
    // power cut, and saves an fsync per write.
    m_db->exec("PRAGMA synchronous = NORMAL");
    if (version < k_schema_version) {
      SQLite::Transaction transaction(*m_db, SQLite::TransactionBehavior::IMMEDIATE);
      // Another process may have migrated while this one waited for the lock.
      int current = m_db->execAndGet("PRAGMA user_version").getInt();
      if (current == 0) {
        m_db->exec("PRAGMA application_id = " + std::to_string(k_application_id));
      }
      for (; current < k_schema_version; ++current) {
        m_db->exec(k_migrations[current]);
      }
      m_db->exec("PRAGMA user_version = " + std::to_string(k_schema_version));
      transaction.commit();
    }
  } catch (const CacheError&) {
    throw;
  } catch (const std::exception& e) {
    fail(e, "opening");
  }
}

Cache::~Cache() = default;

void Cache::fail(const std::exception& error, std::string_view doing) const {
  if (const auto* sqlite = dynamic_cast<const SQLite::Exception*>(&error)) {
    switch (sqlite->getErrorCode()) {
    case SQLITE_NOTADB:
      refuse(m_path, "is not an ordertrace cache (not an SQLite database)");
    case SQLITE_CORRUPT:
      refuse(m_path, "is corrupt (" + std::string(error.what()) + ")");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw CacheError("cache file " + m_path.string() + " stayed locked by another process for " +
                       std::to_string(k_busy_timeout_ms / 1000) +
                       " s; try again, or run with --no-cache");
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_IOERR:
    case SQLITE_FULL:
      throw CacheError("cannot write the cache file " + m_path.string() + " (" + error.what() +
                       "); run with --cache OTHER-FILE or --no-cache");
    default:
      break;
    }
  }
  throw CacheError("cache file " + m_path.string() + ": error while " + std::string(doing) + ": " +
                   error.what() + "; " + way_out(m_path));
}

std::optional<OrderRecord> Cache::find(const std::string& jaeger,
                                       const std::string& order_id) const {
  try {
    // One read transaction: a writer committing meanwhile is not seen half.
    SQLite::Transaction snapshot(*m_db, SQLite::TransactionBehavior::DEFERRED);
    SQLite::Statement order(*m_db, "SELECT id, verdict, last_state, last_state_time_ns, suspect,"
                                   " first_seen_ns, last_seen_ns, stored_at_ns FROM orders"
                                   " WHERE jaeger = ? AND order_id = ?");
    order.bind(1, jaeger);
    order.bind(2, order_id);
    if (!order.executeStep()) {
      return std::nullopt;
    }
    OrderRecord record;
    const std::int64_t id = order.getColumn(0).getInt64();
    record.jaeger = jaeger;
    record.order_id = order_id;
    record.verdict = order.getColumn(1).getString();
    record.last_state = optional_text(order.getColumn(2));
    record.last_state_time_ns = optional_int(order.getColumn(3));
    record.suspect = optional_text(order.getColumn(4));
    record.first_seen_ns = order.getColumn(5).getInt64();
    record.last_seen_ns = order.getColumn(6).getInt64();
    record.stored_at_ns = order.getColumn(7).getInt64();

    SQLite::Statement traces(
        *m_db, "SELECT trace_id, fetched_at_ns, spans FROM traces WHERE order_ref = ?");
    traces.bind(1, static_cast<std::int64_t>(id));
    while (traces.executeStep()) {
      CachedTrace trace;
      trace.trace_id = trace_id_from(traces.getColumn(0));
      trace.fetched_at_ns = traces.getColumn(1).getInt64();
      const SQLite::Column blob = traces.getColumn(2);
      trace.spans = decode_spans(std::string_view(static_cast<const char*>(blob.getBlob()),
                                                  static_cast<std::size_t>(blob.getBytes())));
      record.traces.push_back(std::move(trace));
    }
    SQLite::Statement searches(
        *m_db, "SELECT service, from_ns, until_ns FROM service_searches WHERE order_ref = ?");
    searches.bind(1, static_cast<std::int64_t>(id));
    while (searches.executeStep()) {
      record.searches.push_back({searches.getColumn(0).getString(),
                                 searches.getColumn(1).getInt64(),
                                 searches.getColumn(2).getInt64()});
    }
    SQLite::Statement stages(*m_db, "SELECT from_state, to_state, duration_ns FROM stages"
                                    " WHERE order_ref = ? ORDER BY position");
    stages.bind(1, static_cast<std::int64_t>(id));
    while (stages.executeStep()) {
      record.stages.push_back({stages.getColumn(0).getString(), stages.getColumn(1).getString(),
                               stages.getColumn(2).getInt64()});
    }
    snapshot.commit();
    return record;
  } catch (const CacheError&) {
    throw;
  } catch (const std::exception& e) {
    fail(e, "reading");
  }
}

void Cache::store(const OrderRecord& record) {
  store(std::span<const OrderRecord>(&record, 1));
}

void Cache::store(std::span<const OrderRecord> records) {
  // Encoded before the transaction: the write lock is held only for the writes.
  std::vector<std::vector<std::string>> blobs;
  blobs.reserve(records.size());
  for (const auto& record : records) {
    auto& order_blobs = blobs.emplace_back();
    for (const auto& trace : record.traces) {
      order_blobs.push_back(encode_spans(trace.spans));
    }
  }
  try {
    SQLite::Transaction transaction(*m_db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement order(
        *m_db,
        "INSERT INTO orders(jaeger, order_id, verdict, last_state, last_state_time_ns,"
        " suspect, first_seen_ns, last_seen_ns, stored_at_ns)"
        " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(jaeger, order_id) DO UPDATE SET verdict = excluded.verdict,"
        " last_state = excluded.last_state, last_state_time_ns = excluded.last_state_time_ns,"
        " suspect = excluded.suspect, first_seen_ns = excluded.first_seen_ns,"
        " last_seen_ns = excluded.last_seen_ns, stored_at_ns = excluded.stored_at_ns"
        " RETURNING id");
    SQLite::Statement clear_traces(*m_db, "DELETE FROM traces WHERE order_ref = ?");
    SQLite::Statement clear_searches(*m_db, "DELETE FROM service_searches WHERE order_ref = ?");
    SQLite::Statement clear_stages(*m_db, "DELETE FROM stages WHERE order_ref = ?");
    // An order stored again is no longer forgotten.
    SQLite::Statement revive(*m_db, "DELETE FROM tombstones WHERE jaeger = ? AND order_id = ?");
    SQLite::Statement trace(
        *m_db, "INSERT OR REPLACE INTO traces(order_ref, trace_id, fetched_at_ns, spans)"
               " VALUES(?, ?, ?, ?)");
    SQLite::Statement search(*m_db, "INSERT OR REPLACE INTO service_searches(order_ref, service,"
                                    " from_ns, until_ns) VALUES(?, ?, ?, ?)");
    SQLite::Statement stage(*m_db, "INSERT INTO stages(order_ref, position, from_state, to_state,"
                                   " duration_ns) VALUES(?, ?, ?, ?, ?)");
    for (std::size_t r = 0; r < records.size(); ++r) {
      const OrderRecord& record = records[r];
      order.bind(1, record.jaeger);
      order.bind(2, record.order_id);
      order.bind(3, record.verdict);
      bind_optional(order, 4, record.last_state);
      bind_optional(order, 5, record.last_state_time_ns);
      bind_optional(order, 6, record.suspect);
      order.bind(7, static_cast<std::int64_t>(record.first_seen_ns));
      order.bind(8, static_cast<std::int64_t>(record.last_seen_ns));
      order.bind(9, static_cast<std::int64_t>(record.stored_at_ns));
      if (!order.executeStep()) {
        throw CacheError("cache file " + m_path.string() + ": storing an order returned no row");
      }
      const std::int64_t id = order.getColumn(0).getInt64();
      order.reset();
      revive.bind(1, record.jaeger);
      revive.bind(2, record.order_id);
      revive.exec();
      revive.reset();
      for (SQLite::Statement* clear : {&clear_traces, &clear_searches, &clear_stages}) {
        clear->bind(1, id);
        clear->exec();
        clear->reset();
      }
      for (std::size_t i = 0; i < record.traces.size(); ++i) {
        const auto bytes = trace_id_bytes(record.traces[i].trace_id);
        const std::string& blob = blobs[r][i];
        trace.bind(1, id);
        trace.bind(2, bytes.data(), static_cast<int>(bytes.size()));
        trace.bind(3, static_cast<std::int64_t>(record.traces[i].fetched_at_ns));
        trace.bindNoCopy(4, blob.data(), static_cast<int>(blob.size()));
        trace.exec();
        trace.reset();
      }
      for (const auto& searched : record.searches) {
        search.bind(1, id);
        search.bind(2, searched.service);
        search.bind(3, static_cast<std::int64_t>(searched.from_ns));
        search.bind(4, static_cast<std::int64_t>(searched.until_ns));
        search.exec();
        search.reset();
      }
      for (std::size_t i = 0; i < record.stages.size(); ++i) {
        stage.bind(1, id);
        stage.bind(2, static_cast<std::int64_t>(i));
        stage.bind(3, record.stages[i].from_state);
        stage.bind(4, record.stages[i].to_state);
        stage.bind(5, static_cast<std::int64_t>(record.stages[i].duration_ns));
        stage.exec();
        stage.reset();
      }
    }
    transaction.commit();
  } catch (const CacheError&) {
    throw;
  } catch (const std::exception& e) {
    fail(e, "storing an order");
  }
}

std::vector<OpenOrder> Cache::open_orders() const {
  try {
    SQLite::Statement query(*m_db,
                            "SELECT o.jaeger, o.order_id, o.verdict, o.last_state, o.last_seen_ns,"
                            " coalesce(max(s.until_ns), 0) FROM orders o"
                            " LEFT JOIN service_searches s ON s.order_ref = o.id"
                            " WHERE o.verdict NOT IN ('COMPLETED', 'ABANDONED')"
                            " GROUP BY o.id ORDER BY o.last_seen_ns, o.order_id");
    std::vector<OpenOrder> orders;
    while (query.executeStep()) {
      orders.push_back({query.getColumn(0).getString(), query.getColumn(1).getString(),
                        query.getColumn(2).getString(), optional_text(query.getColumn(3)),
                        query.getColumn(4).getInt64(), query.getColumn(5).getInt64()});
    }
    return orders;
  } catch (const std::exception& e) {
    fail(e, "listing open orders");
  }
}

std::vector<TransitionDuration> Cache::completed_transitions() const {
  try {
    SQLite::Statement query(
        *m_db, "SELECT o.order_id, s.from_state, s.to_state, s.duration_ns FROM stages s"
               " JOIN orders o ON o.id = s.order_ref WHERE o.verdict = 'COMPLETED'"
               " ORDER BY o.id, s.position");
    std::vector<TransitionDuration> transitions;
    while (query.executeStep()) {
      transitions.push_back({query.getColumn(0).getString(), query.getColumn(1).getString(),
                             query.getColumn(2).getString(),
                             static_cast<double>(query.getColumn(3).getInt64()) / 1e9});
    }
    return transitions;
  } catch (const std::exception& e) {
    fail(e, "listing completed transitions");
  }
}

Stats Cache::stats() const {
  try {
    SQLite::Transaction snapshot(*m_db, SQLite::TransactionBehavior::DEFERRED);
    Stats stats;
    stats.schema_version = m_db->execAndGet("PRAGMA user_version").getInt();
    SQLite::Statement orders(*m_db, "SELECT count(*), coalesce(sum(verdict = 'COMPLETED'), 0),"
                                    " min(stored_at_ns), max(stored_at_ns) FROM orders");
    orders.executeStep();
    stats.orders = orders.getColumn(0).getInt64();
    stats.completed_orders = orders.getColumn(1).getInt64();
    stats.oldest_stored_ns = optional_int(orders.getColumn(2));
    stats.newest_stored_ns = optional_int(orders.getColumn(3));
    SQLite::Statement traces(*m_db, "SELECT count(*), coalesce(sum(length(spans)), 0) FROM traces");
    traces.executeStep();
    stats.traces = traces.getColumn(0).getInt64();
    stats.span_bytes = traces.getColumn(1).getInt64();
    stats.tombstones = m_db->execAndGet("SELECT count(*) FROM tombstones").getInt64();
    stats.acks = m_db->execAndGet("SELECT count(*) FROM acks").getInt64();
    stats.report_runs = m_db->execAndGet("SELECT count(*) FROM report_runs").getInt64();
    stats.file_bytes = m_db->execAndGet("PRAGMA page_count").getInt64() *
                       m_db->execAndGet("PRAGMA page_size").getInt64();
    snapshot.commit();
    return stats;
  } catch (const std::exception& e) {
    fail(e, "counting");
  }
}

std::vector<std::string> Cache::verify() const {
  std::vector<std::string> problems;
  try {
    SQLite::Statement integrity(*m_db, "PRAGMA integrity_check");
    while (integrity.executeStep()) {
      if (const std::string line = integrity.getColumn(0).getString(); line != "ok") {
        problems.push_back("integrity: " + line);
      }
    }
    SQLite::Statement keys(*m_db, "PRAGMA foreign_key_check");
    while (keys.executeStep()) {
      problems.push_back("a row of " + keys.getColumn(0).getString() +
                         " refers to a missing order");
    }
    SQLite::Statement blobs(*m_db, "SELECT o.order_id, t.spans FROM traces t"
                                   " JOIN orders o ON o.id = t.order_ref");
    while (blobs.executeStep()) {
      const SQLite::Column blob = blobs.getColumn(1);
      try {
        decode_spans(std::string_view(static_cast<const char*>(blob.getBlob()),
                                      static_cast<std::size_t>(blob.getBytes())));
      } catch (const CacheError&) {
        problems.push_back("the spans of order '" + blobs.getColumn(0).getString() +
                           "' cannot be decoded");
      }
    }
  } catch (const SQLite::Exception& e) {
    problems.push_back(std::string("SQLite: ") + e.what());
  }
  return problems;
}

std::int64_t Cache::prune(std::int64_t last_seen_before_ns, std::int64_t pruned_at_ns) {
  try {
    SQLite::Transaction transaction(*m_db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement remember(
        *m_db, "INSERT OR REPLACE INTO tombstones(jaeger, order_id, verdict, last_state,"
               " last_state_time_ns, first_seen_ns, last_seen_ns, pruned_at_ns)"
               " SELECT jaeger, order_id, verdict, last_state, last_state_time_ns, first_seen_ns,"
               " last_seen_ns, ? FROM orders WHERE last_seen_ns < ?");
    remember.bind(1, static_cast<std::int64_t>(pruned_at_ns));
    remember.bind(2, static_cast<std::int64_t>(last_seen_before_ns));
    remember.exec();
    SQLite::Statement remove(*m_db, "DELETE FROM orders WHERE last_seen_ns < ?");
    remove.bind(1, static_cast<std::int64_t>(last_seen_before_ns));
    const std::int64_t removed = remove.exec();
    SQLite::Statement expired(*m_db, "DELETE FROM acks WHERE until_ns < ?");
    expired.bind(1, static_cast<std::int64_t>(last_seen_before_ns));
    expired.exec();
    transaction.commit();
    return removed;
  } catch (const std::exception& e) {
    fail(e, "pruning");
  }
}

std::optional<Tombstone> Cache::find_tombstone(const std::string& jaeger,
                                               const std::string& order_id) const {
  try {
    SQLite::Statement query(*m_db, "SELECT verdict, last_state, last_state_time_ns, first_seen_ns,"
                                   " last_seen_ns, pruned_at_ns FROM tombstones"
                                   " WHERE jaeger = ? AND order_id = ?");
    query.bind(1, jaeger);
    query.bind(2, order_id);
    if (!query.executeStep()) {
      return std::nullopt;
    }
    return Tombstone{jaeger,
                     order_id,
                     query.getColumn(0).getString(),
                     optional_text(query.getColumn(1)),
                     optional_int(query.getColumn(2)),
                     query.getColumn(3).getInt64(),
                     query.getColumn(4).getInt64(),
                     query.getColumn(5).getInt64()};
  } catch (const std::exception& e) {
    fail(e, "reading a pruned order");
  }
}

void Cache::put_acks(std::span<const Ack> acks) {
  try {
    SQLite::Transaction transaction(*m_db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement put(*m_db, "INSERT OR REPLACE INTO acks(order_id, note, created_at_ns,"
                                 " until_ns) VALUES(?, ?, ?, ?)");
    for (const auto& ack : acks) {
      put.bind(1, ack.order_id);
      put.bind(2, ack.note);
      put.bind(3, static_cast<std::int64_t>(ack.created_at_ns));
      bind_optional(put, 4, ack.until_ns);
      put.exec();
      put.reset();
    }
    transaction.commit();
  } catch (const std::exception& e) {
    fail(e, "storing an acknowledgement");
  }
}

std::int64_t Cache::remove_acks(std::span<const std::string> order_ids) {
  try {
    SQLite::Transaction transaction(*m_db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement remove(*m_db, "DELETE FROM acks WHERE order_id = ?");
    std::int64_t removed = 0;
    for (const auto& order_id : order_ids) {
      remove.bind(1, order_id);
      removed += remove.exec();
      remove.reset();
    }
    transaction.commit();
    return removed;
  } catch (const std::exception& e) {
    fail(e, "removing an acknowledgement");
  }
}

std::vector<Ack> Cache::acks() const {
  try {
    SQLite::Statement query(
        *m_db, "SELECT order_id, note, created_at_ns, until_ns FROM acks ORDER BY order_id");
    std::vector<Ack> acks;
    while (query.executeStep()) {
      acks.push_back({query.getColumn(0).getString(), query.getColumn(1).getString(),
                      query.getColumn(2).getInt64(), optional_int(query.getColumn(3))});
    }
    return acks;
  } catch (const std::exception& e) {
    fail(e, "listing acknowledgements");
  }
}

std::optional<ReportRun> Cache::previous_run(const std::string& source,
                                             std::int64_t window_until_ns) const {
  try {
    SQLite::Transaction snapshot(*m_db, SQLite::TransactionBehavior::DEFERRED);
    SQLite::Statement run(*m_db, "SELECT id, window_until_ns, ran_at_ns FROM report_runs"
                                 " WHERE source = ? AND window_until_ns < ?"
                                 " ORDER BY window_until_ns DESC LIMIT 1");
    run.bind(1, source);
    run.bind(2, static_cast<std::int64_t>(window_until_ns));
    if (!run.executeStep()) {
      return std::nullopt;
    }
    ReportRun found;
    found.source = source;
    const std::int64_t id = run.getColumn(0).getInt64();
    found.window_until_ns = run.getColumn(1).getInt64();
    found.ran_at_ns = run.getColumn(2).getInt64();
    SQLite::Statement problems(*m_db, "SELECT order_id, verdict FROM report_run_problems"
                                      " WHERE run_ref = ? ORDER BY order_id");
    problems.bind(1, id);
    while (problems.executeStep()) {
      found.problems.push_back(
          {problems.getColumn(0).getString(), problems.getColumn(1).getString()});
    }
    snapshot.commit();
    return found;
  } catch (const std::exception& e) {
    fail(e, "reading the previous report run");
  }
}

void Cache::record_run(const ReportRun& run, std::size_t keep) {
  try {
    SQLite::Transaction transaction(*m_db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement replace(*m_db, "DELETE FROM report_runs WHERE source = ? AND"
                                     " window_until_ns = ?");
    replace.bind(1, run.source);
    replace.bind(2, static_cast<std::int64_t>(run.window_until_ns));
    replace.exec();
    SQLite::Statement insert(*m_db, "INSERT INTO report_runs(source, window_until_ns, ran_at_ns)"
                                    " VALUES(?, ?, ?) RETURNING id");
    insert.bind(1, run.source);
    insert.bind(2, static_cast<std::int64_t>(run.window_until_ns));
    insert.bind(3, static_cast<std::int64_t>(run.ran_at_ns));
    if (!insert.executeStep()) {
      throw CacheError("cache file " + m_path.string() + ": recording a run returned no row");
    }
    const std::int64_t id = insert.getColumn(0).getInt64();
    insert.reset();
    SQLite::Statement problem(*m_db, "INSERT OR REPLACE INTO report_run_problems(run_ref,"
                                     " order_id, verdict) VALUES(?, ?, ?)");
    for (const auto& item : run.problems) {
      problem.bind(1, id);
      problem.bind(2, item.order_id);
      problem.bind(3, item.verdict);
      problem.exec();
      problem.reset();
    }
    SQLite::Statement trim(*m_db, "DELETE FROM report_runs WHERE source = ? AND id NOT IN"
                                  " (SELECT id FROM report_runs WHERE source = ?"
                                  " ORDER BY window_until_ns DESC LIMIT ?)");
    trim.bind(1, run.source);
    trim.bind(2, run.source);
    trim.bind(3, static_cast<std::int64_t>(std::max<std::size_t>(keep, 1)));
    trim.exec();
    transaction.commit();
  } catch (const CacheError&) {
    throw;
  } catch (const std::exception& e) {
    fail(e, "recording a report run");
  }
}

void Cache::vacuum() {
  try {
    m_db->exec("VACUUM");
    m_db->exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } catch (const std::exception& e) {
    fail(e, "vacuuming");
  }
}

} // namespace ordertrace::cache

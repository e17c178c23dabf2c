// The order cache on real files: round trips, the schema's migrations from every older
// version, refusing foreign, corrupt and newer files, and the queries of the nightly report.

#include <ordertrace/cache/cache.hpp>
#include <ordertrace/cache/span_codec.hpp>
#include <ordertrace/util/error.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sys/stat.h>

#include "cache_stress/generation.hpp"
#include "support/run_process.hpp"

namespace ordertrace {
namespace {

namespace fs = std::filesystem;

model::Span sample_span() {
  auto resource = std::make_shared<model::Resource>();
  resource->service_name = "crm-api";
  resource->attributes.push_back({"host.name", std::string("crm-1")});
  model::Span span;
  span.trace_id = {0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  span.span_id = {0x1122334455667788ULL};
  span.parent = model::SpanRef{{1, 2}, {3}};
  span.links.push_back({{{4, 5}, {6}}, {{"link.kind", std::string("follows")}}});
  span.resource = resource;
  span.operation = "ApproveOrder";
  span.kind = model::SpanKind::consumer;
  span.start_ns = 1'787'220'000'000'000'000;
  span.end_ns = span.start_ns + 1'500'000;
  span.status = model::StatusCode::error;
  span.status_message = "timeout";
  span.attributes = {{"order.id", std::string("ORD-1")},
                     {"retries", std::int64_t{-3}},
                     {"ratio", 0.25},
                     {"final", true}};
  span.events.push_back({"exception", span.start_ns + 10, {{"exception.type", std::string("E")}}});
  span.warnings.push_back("clock skew adjusted");
  return span;
}

void expect_same(const model::Span& a, const model::Span& b) {
  EXPECT_EQ(a.trace_id, b.trace_id);
  EXPECT_EQ(a.span_id, b.span_id);
  EXPECT_EQ(a.parent, b.parent);
  ASSERT_EQ(a.links.size(), b.links.size());
  for (std::size_t i = 0; i < a.links.size(); ++i) {
    EXPECT_EQ(a.links[i].target, b.links[i].target);
    EXPECT_EQ(a.links[i].attributes.size(), b.links[i].attributes.size());
  }
  EXPECT_EQ(a.service(), b.service());
  ASSERT_EQ(a.resource != nullptr, b.resource != nullptr);
  if (a.resource) {
    EXPECT_EQ(a.resource->attributes.size(), b.resource->attributes.size());
  }
  EXPECT_EQ(a.operation, b.operation);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.start_ns, b.start_ns);
  EXPECT_EQ(a.end_ns, b.end_ns);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.status_message, b.status_message);
  ASSERT_EQ(a.attributes.size(), b.attributes.size());
  for (std::size_t i = 0; i < a.attributes.size(); ++i) {
    EXPECT_EQ(a.attributes[i].key, b.attributes[i].key);
    EXPECT_EQ(a.attributes[i].value, b.attributes[i].value);
  }
  ASSERT_EQ(a.events.size(), b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    EXPECT_EQ(a.events[i].name, b.events[i].name);
    EXPECT_EQ(a.events[i].time_ns, b.events[i].time_ns);
  }
  EXPECT_EQ(a.warnings, b.warnings);
}

TEST(SpanCodec, RoundTripsEveryField) {
  const model::Span span = sample_span();
  model::Span bare;
  bare.trace_id = {0, 9};
  bare.span_id = {1};
  bare.start_ns = -5; // absurd times wrap, never overflow
  bare.end_ns = std::numeric_limits<std::int64_t>::max();
  const std::vector<model::Span> spans = {span, bare, span};
  const auto decoded = cache::decode_spans(cache::encode_spans(spans));
  ASSERT_EQ(decoded.size(), spans.size());
  for (std::size_t i = 0; i < spans.size(); ++i) {
    expect_same(decoded[i], spans[i]);
  }
  // One resource, shared again after decoding.
  EXPECT_EQ(decoded[0].resource, decoded[2].resource);
}

TEST(SpanCodec, TruncatedOrDamagedBlobsAreCacheErrors) {
  const model::Span span = sample_span();
  const std::string blob = cache::encode_spans(std::span<const model::Span>(&span, 1));
  for (std::size_t size = 0; size < blob.size(); ++size) {
    EXPECT_THROW(cache::decode_spans(std::string_view(blob).substr(0, size)), CacheError) << size;
  }
  std::string wrong_version = blob;
  wrong_version[0] = 99;
  EXPECT_THROW(cache::decode_spans(wrong_version), CacheError);
  EXPECT_THROW(cache::decode_spans(blob + "x"), CacheError);
}

class CacheFile : public ::testing::Test {
protected:
  fs::path path() const { return m_dir.path() / "sub" / "cache.db"; }
  test::TempDir m_dir;
};

cache::OrderRecord sample_record(const std::string& order_id, const std::string& verdict) {
  cache::OrderRecord record;
  record.jaeger = "http://jaeger:16686";
  record.order_id = order_id;
  record.verdict = verdict;
  record.last_state = "PRICE_CALCULATED";
  record.last_state_time_ns = 50;
  record.suspect = "crm-api";
  record.first_seen_ns = 10;
  record.last_seen_ns = 60;
  record.stored_at_ns = 100;
  record.stages = {{"INITIATED", "SUBMITTED", 2'000'000'000},
                   {"SUBMITTED", "PRICE_CALCULATED", 500'000'000}};
  record.traces.push_back({sample_span().trace_id, 90, {sample_span()}});
  record.searches = {{"crm-api", 0, 100}, {"mes", 0, 80}};
  return record;
}

TEST_F(CacheFile, StoresAndFindsAnOrderWithPrivateModes) {
  {
    cache::Cache cache(path());
    EXPECT_FALSE(cache.find("http://jaeger:16686", "ORD-1"));
    cache.store(sample_record("ORD-1", "STALLED"));
  }
  struct stat file {};
  ASSERT_EQ(::stat(path().c_str(), &file), 0);
  EXPECT_EQ(file.st_mode & 0777, 0600U);
  struct stat folder {};
  ASSERT_EQ(::stat(path().parent_path().c_str(), &folder), 0);
  EXPECT_EQ(folder.st_mode & 0777, 0700U);

  cache::Cache cache(path());
  const auto found = cache.find("http://jaeger:16686", "ORD-1");
  ASSERT_TRUE(found);
  const auto expected = sample_record("ORD-1", "STALLED");
  EXPECT_EQ(found->verdict, expected.verdict);
  EXPECT_EQ(found->last_state, expected.last_state);
  EXPECT_EQ(found->last_state_time_ns, expected.last_state_time_ns);
  EXPECT_EQ(found->suspect, expected.suspect);
  EXPECT_EQ(found->first_seen_ns, expected.first_seen_ns);
  EXPECT_EQ(found->last_seen_ns, expected.last_seen_ns);
  EXPECT_EQ(found->stored_at_ns, expected.stored_at_ns);
  ASSERT_EQ(found->stages.size(), expected.stages.size());
  EXPECT_EQ(found->stages[1].to_state, expected.stages[1].to_state);
  ASSERT_EQ(found->traces.size(), 1U);
  EXPECT_EQ(found->traces[0].trace_id, expected.traces[0].trace_id);
  EXPECT_EQ(found->traces[0].fetched_at_ns, expected.traces[0].fetched_at_ns);
  ASSERT_EQ(found->traces[0].spans.size(), 1U);
  expect_same(found->traces[0].spans[0], expected.traces[0].spans[0]);
  EXPECT_EQ(found->searches.size(), expected.searches.size());
  // Another Jaeger never shares the order.
  EXPECT_FALSE(cache.find("http://other:16686", "ORD-1"));

  // Storing again replaces the whole record.
  auto smaller = sample_record("ORD-1", "COMPLETED");
  smaller.traces.clear();
  smaller.stages.resize(1);
  smaller.suspect.reset();
  cache.store(smaller);
  const auto replaced = cache.find("http://jaeger:16686", "ORD-1");
  ASSERT_TRUE(replaced);
  EXPECT_EQ(replaced->verdict, "COMPLETED");
  EXPECT_TRUE(replaced->traces.empty());
  EXPECT_EQ(replaced->stages.size(), 1U);
  EXPECT_FALSE(replaced->suspect);
  EXPECT_TRUE(cache.verify().empty());
}

TEST_F(CacheFile, ListsOpenOrdersAndCompletedTransitionsForTheReport) {
  cache::Cache cache(path());
  const std::vector<std::pair<std::string, std::string>> orders = {{"A", "COMPLETED"},
                                                                   {"B", "STALLED"},
                                                                   {"C", "ABANDONED"},
                                                                   {"D", "ON_TRACK"},
                                                                   {"E", "COMPLETED"}};
  for (const auto& [id, verdict] : orders) {
    auto record = sample_record(id, verdict);
    record.last_seen_ns = id[0]; // distinct, so the order of the list is known
    cache.store(record);
  }
  const auto open = cache.open_orders();
  std::vector<std::string> open_ids;
  for (const auto& order : open) {
    open_ids.push_back(order.order_id);
    EXPECT_EQ(order.last_searched_ns, 100); // the newest of the two searches
    EXPECT_EQ(order.last_seen_ns, order.order_id[0]);
  }
  std::vector<std::string> expected_open;
  for (const auto& [id, verdict] : orders) {
    if (verdict != "COMPLETED" && verdict != "ABANDONED") {
      expected_open.push_back(id);
    }
  }
  EXPECT_EQ(open_ids, expected_open);

  const auto transitions = cache.completed_transitions();
  const auto stages = sample_record("A", "COMPLETED").stages;
  ASSERT_EQ(transitions.size(), 2 * stages.size()); // A and E
  for (std::size_t i = 0; i < transitions.size(); ++i) {
    const auto& stage = stages[i % stages.size()];
    EXPECT_EQ(transitions[i].order_id, i < stages.size() ? "A" : "E");
    EXPECT_EQ(transitions[i].from_state, stage.from_state);
    EXPECT_EQ(transitions[i].to_state, stage.to_state);
    EXPECT_DOUBLE_EQ(transitions[i].seconds, static_cast<double>(stage.duration_ns) / 1e9);
  }
}

TEST_F(CacheFile, PruneRemovesOrdersLastSeenBeforeTheCutoffWithTheirRows) {
  cache::Cache cache(path());
  for (int i = 0; i < 10; ++i) {
    auto record = sample_record("ORD-" + std::to_string(i), "STALLED");
    record.last_seen_ns = i * 100;
    cache.store(record);
  }
  EXPECT_EQ(cache.prune(450), 5); // last seen 0..400
  EXPECT_FALSE(cache.find("http://jaeger:16686", "ORD-4"));
  EXPECT_TRUE(cache.find("http://jaeger:16686", "ORD-5"));
  const auto stats = cache.stats();
  EXPECT_EQ(stats.orders, 5);
  EXPECT_EQ(stats.traces, 5); // the traces of pruned orders went with them
  EXPECT_EQ(stats.schema_version, cache::k_schema_version);
  cache.vacuum();
  EXPECT_TRUE(cache.verify().empty());
}

// Each older schema as released, written with SQLite alone, with a row in it.
void create_schema(const fs::path& path, int version) {
  SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("PRAGMA application_id = " + std::to_string(cache::k_application_id));
  for (int v = 0; v < version; ++v) {
    db.exec(cache::k_migrations[v]);
  }
  db.exec("PRAGMA user_version = " + std::to_string(version));
}

TEST_F(CacheFile, MigratesFromEveryOlderSchemaVersion) {
  for (int version = 0; version < cache::k_schema_version; ++version) {
    SCOPED_TRACE("from version " + std::to_string(version));
    const fs::path file = m_dir.path() / ("v" + std::to_string(version) + ".db");
    create_schema(file, version);
    const auto record = sample_record("ORD-OLD", "STALLED");
    if (version == 1) {
      // Schema 1: one search window per order, no stages, no time of the last state.
      SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
      db.exec("INSERT INTO orders(id, jaeger, order_id, verdict, last_state, suspect,"
              " first_seen_ns, last_seen_ns, stored_at_ns) VALUES(1, 'http://jaeger:16686',"
              " 'ORD-OLD', 'STALLED', 'PRICE_CALCULATED', 'crm-api', 10, 60, 100)");
      SQLite::Statement trace(db, "INSERT INTO traces VALUES(1, ?, 90, ?)");
      const std::vector<unsigned char> id(16, 0xab);
      const std::string blob = cache::encode_spans(record.traces[0].spans);
      trace.bind(1, id.data(), 16);
      trace.bind(2, blob.data(), static_cast<int>(blob.size()));
      trace.exec();
      db.exec("INSERT INTO searches VALUES(1, 5, 77)");
    }
    cache::Cache cache(file);
    EXPECT_EQ(cache.stats().schema_version, cache::k_schema_version);
    EXPECT_TRUE(cache.verify().empty());
    if (version == 1) {
      const auto found = cache.find("http://jaeger:16686", "ORD-OLD");
      ASSERT_TRUE(found);
      EXPECT_EQ(found->last_state, record.last_state);
      EXPECT_FALSE(found->last_state_time_ns);
      ASSERT_EQ(found->traces.size(), 1U);
      expect_same(found->traces[0].spans[0], record.traces[0].spans[0]);
      // The window of schema 1 covered every service.
      ASSERT_EQ(found->searches.size(), 1U);
      EXPECT_EQ(found->searches[0].service, cache::k_all_services);
      EXPECT_EQ(found->searches[0].from_ns, 5);
      EXPECT_EQ(found->searches[0].until_ns, 77);
    }
    // The migrated file takes a current record.
    cache.store(record);
    EXPECT_TRUE(cache.find(record.jaeger, record.order_id));
  }
}

void expect_cache_error(const fs::path& path, const std::string& fragment) {
  try {
    cache::Cache cache(path);
    ADD_FAILURE() << "opened " << path;
  } catch (const CacheError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(path.string()), std::string::npos) << message;
    EXPECT_NE(message.find(fragment), std::string::npos) << message;
    EXPECT_EQ(e.code(), ExitCode::cache_unusable);
  }
}

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST_F(CacheFile, RefusesANewerSchemaAndLeavesItAsItIs) {
  const fs::path file = m_dir.path() / "newer.db";
  create_schema(file, cache::k_schema_version);
  {
    SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA user_version = " + std::to_string(cache::k_schema_version + 1));
  }
  const std::string before = file_bytes(file);
  expect_cache_error(file, "newer than this ordertrace knows");
  EXPECT_EQ(file_bytes(file), before);
}

TEST_F(CacheFile, RefusesForeignAndCorruptFilesNamingTheWayOut) {
  const fs::path text = m_dir.write("notes.db", "these are my notes, not a database\n");
  expect_cache_error(text, "--no-cache");
  EXPECT_EQ(file_bytes(text), "these are my notes, not a database\n");

  const fs::path foreign = m_dir.path() / "foreign.db";
  {
    SQLite::Database db(foreign.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE contacts(name TEXT)");
  }
  expect_cache_error(foreign, "another program");

  // Our file with its pages overwritten after the header.
  const fs::path damaged = m_dir.path() / "damaged.db";
  {
    cache::Cache cache(damaged);
    for (int i = 0; i < 20; ++i) {
      cache.store(sample_record("ORD-" + std::to_string(i), "STALLED"));
    }
    cache.vacuum();
  }
  std::string bytes = file_bytes(damaged);
  ASSERT_GT(bytes.size(), 8192U);
  for (std::size_t i = 4096; i < bytes.size(); ++i) {
    bytes[i] = static_cast<char>(0x5A);
  }
  std::ofstream(damaged, std::ios::binary | std::ios::trunc) << bytes;
  bool refused = false;
  try {
    cache::Cache cache(damaged);
    refused = !cache.verify().empty();
    cache.find("http://jaeger:16686", "ORD-3");
  } catch (const CacheError& e) {
    refused = true;
    EXPECT_NE(std::string(e.what()).find(damaged.string()), std::string::npos) << e.what();
  }
  EXPECT_TRUE(refused);
}

TEST_F(CacheFile, AnEmptyFileBecomesACache) {
  const fs::path empty = m_dir.write("empty.db", "");
  cache::Cache cache(empty);
  cache.store(sample_record("ORD-1", "STALLED"));
  EXPECT_TRUE(cache.find("http://jaeger:16686", "ORD-1"));
}

} // namespace
} // namespace ordertrace

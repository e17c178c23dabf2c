// Schema 3 of the order cache: a schema-2 file migrated with its orders kept, the
// acknowledgements of known problems, the problems of each report run, and the tombstones
// `prune` leaves behind.

#include <ordertrace/cache/cache.hpp>
#include <ordertrace/cache/span_codec.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "support/run_process.hpp"

namespace ordertrace {
namespace {

namespace fs = std::filesystem;

const std::string k_jaeger = "http://jaeger:16686";

cache::OrderRecord record_of(const std::string& order_id, std::int64_t last_seen_ns) {
  cache::OrderRecord record;
  record.jaeger = k_jaeger;
  record.order_id = order_id;
  record.verdict = "STALLED";
  record.last_state = "SHIPPED";
  record.last_state_time_ns = last_seen_ns - 5;
  record.first_seen_ns = 1;
  record.last_seen_ns = last_seen_ns;
  record.stored_at_ns = last_seen_ns + 10;
  model::Span span;
  span.trace_id = {7, 8};
  span.span_id = {9};
  span.operation = "ShipOrder";
  span.start_ns = last_seen_ns - 10;
  span.end_ns = last_seen_ns;
  record.traces.push_back({span.trace_id, last_seen_ns, {span}});
  record.stages = {{"PACKAGING", "SHIPPED", 42}};
  record.searches = {{"crm-api", 0, last_seen_ns}};
  return record;
}

class CacheSchema3 : public ::testing::Test {
protected:
  fs::path path() const { return m_dir.path() / "cache.db"; }
  test::TempDir m_dir;
};

TEST_F(CacheSchema3, MigratesASchemaTwoFileKeepingItsOrders) {
  {
    SQLite::Database db(path().string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA application_id = " + std::to_string(cache::k_application_id));
    db.exec(cache::k_migrations[0]);
    db.exec(cache::k_migrations[1]);
    db.exec("PRAGMA user_version = 2");
    db.exec("INSERT INTO orders(id, jaeger, order_id, verdict, last_state, suspect, first_seen_ns,"
            " last_seen_ns, stored_at_ns, last_state_time_ns) VALUES(1, 'http://jaeger:16686',"
            " 'ORD-2', 'LOST', 'SUBMITTED', 'mes', 10, 60, 100, 55)");
    db.exec("INSERT INTO service_searches VALUES(1, 'mes', 5, 77)");
    db.exec("INSERT INTO stages VALUES(1, 0, 'INITIATED', 'SUBMITTED', 123)");
    const auto spans = record_of("ORD-2", 60).traces[0].spans;
    const std::string blob = cache::encode_spans(spans);
    SQLite::Statement trace(db, "INSERT INTO traces VALUES(1, ?, 90, ?)");
    const std::vector<unsigned char> id(16, 0xcd);
    trace.bind(1, id.data(), 16);
    trace.bind(2, blob.data(), static_cast<int>(blob.size()));
    trace.exec();
  }
  cache::Cache cache(path());
  const auto stats = cache.stats();
  EXPECT_EQ(stats.schema_version, 3);
  EXPECT_EQ(stats.orders, 1);
  EXPECT_EQ(stats.traces, 1);
  EXPECT_TRUE(cache.verify().empty());
  const auto found = cache.find(k_jaeger, "ORD-2");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->verdict, "LOST");
  EXPECT_EQ(found->last_state_time_ns, 55);
  ASSERT_EQ(found->stages.size(), 1U);
  EXPECT_EQ(found->stages[0].duration_ns, 123);
  ASSERT_EQ(found->searches.size(), 1U);
  EXPECT_EQ(found->searches[0].service, "mes");
  ASSERT_EQ(found->traces.size(), 1U);
  EXPECT_EQ(found->traces[0].spans.at(0).operation, "ShipOrder");
  // The new tables are there and empty.
  EXPECT_TRUE(cache.acks().empty());
  EXPECT_FALSE(cache.previous_run("x", 1));
  EXPECT_FALSE(cache.find_tombstone(k_jaeger, "ORD-2"));
}

TEST_F(CacheSchema3, AcksAreAddedReplacedListedRemovedAndExpire) {
  cache::Cache cache(path());
  const std::vector<cache::Ack> first = {{"ORD-B", "known: MES queue", 100, std::nullopt},
                                         {"ORD-A", "waiting for the supplier", 100, 500}};
  cache.put_acks(first);
  auto acks = cache.acks();
  ASSERT_EQ(acks.size(), 2U);
  EXPECT_EQ(acks[0].order_id, "ORD-A"); // by order id
  EXPECT_EQ(acks[0].until_ns, 500);
  EXPECT_EQ(acks[1].note, "known: MES queue");
  EXPECT_FALSE(acks[1].until_ns);

  EXPECT_TRUE(acks[0].active_at(499));
  EXPECT_FALSE(acks[0].active_at(500));
  EXPECT_TRUE(acks[1].active_at(std::numeric_limits<std::int64_t>::max()));

  // Acknowledging again replaces the note and the expiry.
  const cache::Ack again{"ORD-A", "supplier promised Friday", 200, 900};
  cache.put_acks(std::span<const cache::Ack>(&again, 1));
  acks = cache.acks();
  ASSERT_EQ(acks.size(), 2U);
  EXPECT_EQ(acks[0].note, "supplier promised Friday");
  EXPECT_EQ(acks[0].created_at_ns, 200);
  EXPECT_EQ(acks[0].until_ns, 900);

  const std::vector<std::string> gone = {"ORD-B", "ORD-UNKNOWN"};
  EXPECT_EQ(cache.remove_acks(gone), 1);
  acks = cache.acks();
  ASSERT_EQ(acks.size(), 1U);
  EXPECT_EQ(acks[0].order_id, "ORD-A");
  EXPECT_EQ(cache.stats().acks, 1);

  // Prune drops acks that expired before its cutoff.
  cache.prune(1000, 2000);
  EXPECT_TRUE(cache.acks().empty());
}

TEST_F(CacheSchema3, ThePreviousRunIsTheLatestWithAnEarlierWindowOfTheSameSource) {
  cache::Cache cache(path());
  cache.record_run({"jaeger A", 100, 101, {{"ORD-1", "LOST"}, {"ORD-2", "STALLED"}}});
  cache.record_run({"jaeger A", 200, 201, {{"ORD-2", "LOST"}}});
  cache.record_run({"jaeger B", 250, 251, {{"ORD-9", "LOST"}}});

  EXPECT_FALSE(cache.previous_run("jaeger A", 100));
  auto previous = cache.previous_run("jaeger A", 300);
  ASSERT_TRUE(previous);
  EXPECT_EQ(previous->window_until_ns, 200);
  ASSERT_EQ(previous->problems.size(), 1U);
  EXPECT_EQ(previous->problems[0].order_id, "ORD-2");
  EXPECT_EQ(previous->problems[0].verdict, "LOST");
  // A re-run of the window ending at 200 compares with the run before it.
  previous = cache.previous_run("jaeger A", 200);
  ASSERT_TRUE(previous);
  EXPECT_EQ(previous->problems.size(), 2U);

  // Recording the same window again replaces it; only the newest `keep` runs stay.
  cache.record_run({"jaeger A", 200, 202, {}});
  previous = cache.previous_run("jaeger A", 300);
  ASSERT_TRUE(previous);
  EXPECT_TRUE(previous->problems.empty());
  EXPECT_EQ(previous->ran_at_ns, 202);
  cache.record_run({"jaeger A", 300, 301, {}}, 2);
  EXPECT_FALSE(cache.previous_run("jaeger A", 200)) << "the run ending at 100 was dropped";
  EXPECT_TRUE(cache.previous_run("jaeger B", 1000));
  EXPECT_EQ(cache.stats().report_runs, 3);
  EXPECT_TRUE(cache.verify().empty());
}

TEST_F(CacheSchema3, PruneLeavesATombstoneThatAStoreRevives) {
  cache::Cache cache(path());
  cache.store(record_of("ORD-OLD", 100));
  cache.store(record_of("ORD-NEW", 1000));
  EXPECT_EQ(cache.prune(500, 5000), 1);
  EXPECT_FALSE(cache.find(k_jaeger, "ORD-OLD"));
  const auto tombstone = cache.find_tombstone(k_jaeger, "ORD-OLD");
  ASSERT_TRUE(tombstone);
  EXPECT_EQ(tombstone->verdict, "STALLED");
  EXPECT_EQ(tombstone->last_state, "SHIPPED");
  EXPECT_EQ(tombstone->last_state_time_ns, 95);
  EXPECT_EQ(tombstone->last_seen_ns, 100);
  EXPECT_EQ(tombstone->pruned_at_ns, 5000);
  EXPECT_FALSE(cache.find_tombstone(k_jaeger, "ORD-NEW"));
  EXPECT_FALSE(cache.find_tombstone("http://other:16686", "ORD-OLD")) << "per Jaeger";
  const auto stats = cache.stats();
  EXPECT_EQ(stats.orders, 1);
  EXPECT_EQ(stats.traces, 1);
  EXPECT_EQ(stats.tombstones, 1);

  // Seen again: stored, and no longer a tombstone.
  cache.store(record_of("ORD-OLD", 6000));
  EXPECT_FALSE(cache.find_tombstone(k_jaeger, "ORD-OLD"));
  EXPECT_TRUE(cache.find(k_jaeger, "ORD-OLD"));
  EXPECT_TRUE(cache.verify().empty());
}

} // namespace
} // namespace ordertrace

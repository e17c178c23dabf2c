#include <ordertrace/decode/decoder.hpp>
#include <ordertrace/source/span_store.hpp>
#include <ordertrace/util/error.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "support/run_process.hpp"

namespace ordertrace::source {
namespace {

const std::vector<std::string> k_keys = {"order.id", "order_id", "orderId", "app.order.id"};

model::TraceId trace(std::uint64_t n) {
  return model::TraceId{0xabc, n};
}

model::Span span(std::uint64_t trace_n, std::uint64_t span_n, std::int64_t start = 0) {
  model::Span s;
  s.trace_id = trace(trace_n);
  s.span_id = model::SpanId{span_n};
  s.operation = "op" + std::to_string(span_n);
  s.start_ns = start;
  s.end_ns = start + 10;
  return s;
}

model::Span with_order(model::Span s, model::AttributeValue id, std::string key = "order.id") {
  s.attributes.push_back({std::move(key), std::move(id)});
  return s;
}

model::Span linked_to(model::Span s, std::uint64_t trace_n, std::uint64_t span_n) {
  s.links.push_back({model::SpanRef{trace(trace_n), model::SpanId{span_n}}, {}});
  return s;
}

model::Span child_of(model::Span s, std::uint64_t trace_n, std::uint64_t span_n) {
  s.parent = model::SpanRef{trace(trace_n), model::SpanId{span_n}};
  return s;
}

std::set<std::uint64_t> traces_of(const std::vector<model::Span>& spans) {
  std::set<std::uint64_t> result;
  for (const auto& s : spans) {
    result.insert(s.trace_id.low);
  }
  return result;
}

TEST(SpanStore, EmptyStoreSelectsNothing) {
  SpanStore store;
  EXPECT_EQ(store.size(), 0U);
  EXPECT_TRUE(store.select_order("ORD-1", k_keys).empty());
}

TEST(SpanStore, SelectsWholeTracesThatCarryTheOrderId) {
  SpanStore store;
  store.on_span(span(1, 1, 100));
  store.on_span(with_order(span(1, 2, 50), std::string("ORD-1")));
  store.on_span(with_order(span(2, 3), std::string("ORD-2")));
  store.on_span(span(3, 4));

  const auto selected = store.select_order("ORD-1", k_keys);
  ASSERT_EQ(selected.size(), 2U);
  EXPECT_EQ(traces_of(selected), std::set<std::uint64_t>{1});
  EXPECT_EQ(store.size(), 4U);
}

TEST(SpanStore, MatchesEveryConfiguredKeyAndIntsAsDecimalText) {
  SpanStore store;
  store.on_span(with_order(span(1, 1), std::int64_t{1001}, "order_id"));
  store.on_span(with_order(span(2, 2), std::string("1001"), "app.order.id"));
  store.on_span(with_order(span(3, 3), std::string("1001"), "not.an.order.key"));
  store.on_span(with_order(span(4, 4), std::string("10011")));

  EXPECT_EQ(traces_of(store.select_order("1001", k_keys)), (std::set<std::uint64_t>{1, 2}));
}

TEST(SpanStore, ComparesTheIdExactly) {
  SpanStore store;
  store.on_span(with_order(span(1, 1), std::string("ord-1")));
  store.on_span(with_order(span(2, 2), std::string("ORD-1 ")));
  store.on_span(with_order(span(3, 3), std::string("заказ \"7\"")));
  EXPECT_TRUE(store.select_order("ORD-1", k_keys).empty());
  EXPECT_EQ(traces_of(store.select_order("заказ \"7\"", k_keys)), std::set<std::uint64_t>{3});
  EXPECT_TRUE(store.select_order("", k_keys).empty());
}

TEST(SpanStore, IgnoresTheIdInResourceAttributesAndEvents) {
  SpanStore store;
  auto s = span(1, 1);
  s.events.push_back({"order.status_changed", 5, {{"order.id", std::string("ORD-1")}}});
  store.on_span(std::move(s));
  EXPECT_TRUE(store.select_order("ORD-1", k_keys).empty());
}

TEST(SpanStore, FollowsLinksOutOfTheOrderTraces) {
  SpanStore store;
  store.on_span(linked_to(with_order(span(1, 1), std::string("ORD-1")), 2, 20));
  store.on_span(span(2, 20));
  store.on_span(span(9, 90)); // unrelated
  EXPECT_EQ(traces_of(store.select_order("ORD-1", k_keys)), (std::set<std::uint64_t>{1, 2}));
}

TEST(SpanStore, FindsConsumerTracesThatLinkBackAndCarryNoOrderId) {
  SpanStore store;
  store.on_span(with_order(span(1, 1), std::string("ORD-1"))); // producer
  store.on_span(linked_to(span(2, 2), 1, 1));                  // consumer, new trace
  store.on_span(child_of(span(3, 3), 2, 2));                   // cross-trace child of it
  store.on_span(linked_to(span(4, 4), 3, 3));                  // and a consumer of that
  EXPECT_EQ(traces_of(store.select_order("ORD-1", k_keys)), (std::set<std::uint64_t>{1, 2, 3, 4}));
}

TEST(SpanStore, FollowsCrossTraceParentsBothWays) {
  SpanStore store;
  store.on_span(child_of(with_order(span(1, 1), std::string("ORD-1")), 2, 2));
  store.on_span(span(2, 2));
  store.on_span(child_of(span(3, 3), 1, 1));
  EXPECT_EQ(traces_of(store.select_order("ORD-1", k_keys)), (std::set<std::uint64_t>{1, 2, 3}));
}

TEST(SpanStore, DoesNotWanderThroughOtherOrdersTraces) {
  // A batch trace carrying ORD-2 linked from our consumer is kept (unlabelled spans in
  // it may inherit our order), but the traces beyond it belong to other orders.
  SpanStore store;
  store.on_span(with_order(span(1, 1), std::string("ORD-1")));
  store.on_span(linked_to(with_order(span(2, 2), std::string("ORD-2")), 1, 1));
  store.on_span(linked_to(span(3, 3), 2, 2));
  store.on_span(linked_to(with_order(span(4, 4), std::string("ORD-3")), 2, 2));
  EXPECT_EQ(traces_of(store.select_order("ORD-1", k_keys)), (std::set<std::uint64_t>{1, 2}));
  EXPECT_EQ(traces_of(store.select_order("ORD-2", k_keys)), (std::set<std::uint64_t>{1, 2, 3, 4}));
}

TEST(SpanStore, IgnoresLinksToTracesItDoesNotHold) {
  SpanStore store;
  store.on_span(linked_to(with_order(span(1, 1), std::string("ORD-1")), 7, 7));
  const auto selected = store.select_order("ORD-1", k_keys);
  ASSERT_EQ(selected.size(), 1U);
  EXPECT_EQ(selected[0].trace_id, trace(1));
}

TEST(SpanStore, BoundsALongChainOfLinkedTraces) {
  SpanStore store;
  store.on_span(with_order(span(1, 1), std::string("ORD-1")));
  for (std::uint64_t n = 2; n <= 100; ++n) {
    store.on_span(linked_to(span(n, n), n - 1, n - 1));
  }
  const auto selected = traces_of(store.select_order("ORD-1", k_keys));
  EXPECT_LT(selected.size(), 100U);
  EXPECT_TRUE(selected.count(1) && selected.count(2) && selected.count(10));
}

TEST(SpanStore, SortsByTraceThenStartTimeAndDropsDuplicateSpans) {
  SpanStore store;
  store.on_span(with_order(span(2, 5, 300), std::string("ORD-1")));
  store.on_span(span(2, 6, 100));
  store.on_span(linked_to(span(1, 7, 200), 2, 5));
  store.on_span(span(1, 8, 50));
  store.on_span(span(2, 6, 100)); // the same span from a second, overlapping file

  const auto selected = store.select_order("ORD-1", k_keys);
  std::vector<std::uint64_t> order;
  for (const auto& s : selected) {
    order.push_back(s.span_id.value);
  }
  EXPECT_EQ(order, (std::vector<std::uint64_t>{8, 7, 6, 5}));
}

TEST(SpanStore, SelectionIsLinearEnoughForLargeStores) {
  // 200k spans over 20k traces, every trace linked to the previous one; selecting an
  // order must not be quadratic.
  SpanStore store;
  for (std::uint64_t t = 1; t <= 20'000; ++t) {
    for (std::uint64_t s = 0; s < 10; ++s) {
      auto sp = span(t, t * 16 + s, static_cast<std::int64_t>(s));
      if (s == 0) {
        sp = with_order(std::move(sp), std::string("ORD-") + std::to_string(t));
        if (t > 1) {
          sp = linked_to(std::move(sp), t - 1, (t - 1) * 16);
        }
      }
      store.on_span(std::move(sp));
    }
  }
  const auto selected = store.select_order("ORD-500", k_keys);
  EXPECT_EQ(traces_of(selected), (std::set<std::uint64_t>{499, 500, 501}));
}

TEST(LoadFiles, NamesAMissingFile) {
  SpanStore store;
  const std::vector<std::filesystem::path> files = {"/nonexistent/ordertrace/traces.json"};
  try {
    load_files(files, store);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/ordertrace/traces.json"), std::string::npos)
        << e.what();
  }
}

TEST(LoadFiles, DecodesOtlpFilesIntoTheStore) {
  test::TempDir dir;
  const auto path = dir.write("a.json", R"({"resourceSpans":[{"resource":{"attributes":[
      {"key":"service.name","value":{"stringValue":"mes"}}]},
    "scopeSpans":[{"spans":[
      {"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"53995c3f42cd8ad8",
       "name":"CalculatePrice","kind":5,"startTimeUnixNano":"1755700001000000000",
       "endTimeUnixNano":"1755700002500000000",
       "attributes":[{"key":"order.id","value":{"stringValue":"ORD-1001"}}],
       "links":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b9c7c989f97918e1"}]},
      {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b9c7c989f97918e1",
       "name":"publish","kind":4,"startTimeUnixNano":"1755700000000000000",
       "endTimeUnixNano":"1755700000100000000"}]}]}]})");
  const auto broken = dir.write("b.json", R"({"resourceSpans":[{)");

  SpanStore store;
  const std::vector<std::filesystem::path> files = {path};
  load_files(files, store);
  ASSERT_EQ(store.size(), 2U);
  const auto selected = store.select_order("ORD-1001", k_keys);
  ASSERT_EQ(selected.size(), 2U);
  EXPECT_EQ(selected[0].trace_id.hex(), "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(selected[1].service(), "mes");

  const std::vector<std::filesystem::path> bad = {broken};
  try {
    load_files(bad, store);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("b.json"), std::string::npos) << e.what();
  }
}

} // namespace
} // namespace ordertrace::source

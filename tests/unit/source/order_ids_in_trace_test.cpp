// SpanStore::order_ids_in_trace: from the trace id on an error page to its orders.

#include <ordertrace/source/span_store.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ordertrace::source {
namespace {

const std::vector<std::string> k_keys = {"order.id", "order_id", "orderId", "app.order.id"};
using Ids = std::vector<std::string>;

model::TraceId trace(std::uint64_t n) {
  return model::TraceId{0xabc, n};
}

model::Span span(std::uint64_t trace_n, std::uint64_t span_n) {
  model::Span s;
  s.trace_id = trace(trace_n);
  s.span_id = model::SpanId{span_n};
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

TEST(OrderIdsInTrace, ListsTheOrdersOfTheTraceSortedAndOnce) {
  SpanStore store;
  store.on_span(with_order(span(1, 1), std::string("ORD-2")));
  store.on_span(with_order(span(1, 2), std::string("ORD-1")));
  store.on_span(with_order(span(1, 3), std::int64_t{20260011}, "orderId"));
  store.on_span(with_order(span(1, 4), std::string("ORD-2"), "order_id"));
  store.on_span(with_order(span(2, 5), std::string("ORD-9")));
  EXPECT_EQ(store.order_ids_in_trace(trace(1), k_keys), (Ids{"20260011", "ORD-1", "ORD-2"}));
}

TEST(OrderIdsInTrace, FollowsLinksBothWaysFromATraceWithoutOrderId) {
  SpanStore store;
  // Trace 1 published for ORD-1; trace 2 (no order id) consumed it by a link; trace 3
  // links to trace 2 and carries nothing either.
  store.on_span(with_order(span(1, 1), std::string("ORD-1")));
  store.on_span(linked_to(span(2, 2), 1, 1));
  store.on_span(linked_to(span(3, 3), 2, 2));
  EXPECT_EQ(store.order_ids_in_trace(trace(2), k_keys), Ids{"ORD-1"});
  EXPECT_EQ(store.order_ids_in_trace(trace(3), k_keys), Ids{"ORD-1"});
  EXPECT_EQ(store.order_ids_in_trace(trace(1), k_keys), Ids{"ORD-1"});
}

TEST(OrderIdsInTrace, DoesNotWalkThroughOtherOrdersTraces) {
  SpanStore store;
  // Trace 1 (ORD-1) links to batch trace 2 (ORD-2), which links to trace 3 (ORD-3).
  store.on_span(linked_to(with_order(span(1, 1), std::string("ORD-1")), 2, 2));
  store.on_span(linked_to(with_order(span(2, 2), std::string("ORD-2")), 3, 3));
  store.on_span(with_order(span(3, 3), std::string("ORD-3")));
  EXPECT_EQ(store.order_ids_in_trace(trace(1), k_keys), (Ids{"ORD-1", "ORD-2"}));
}

TEST(OrderIdsInTrace, IsEmptyForAnUnknownTraceOrOneWithoutOrders) {
  SpanStore store;
  store.on_span(span(1, 1));
  store.on_span(linked_to(span(2, 2), 9, 9)); // a link into a trace the store lacks
  EXPECT_TRUE(store.order_ids_in_trace(trace(1), k_keys).empty());
  EXPECT_TRUE(store.order_ids_in_trace(trace(2), k_keys).empty());
  EXPECT_TRUE(store.order_ids_in_trace(trace(9), k_keys).empty());
  EXPECT_TRUE(store.order_ids_in_trace(trace(7), k_keys).empty());
}

} // namespace
} // namespace ordertrace::source

// PackedSpans: the report's compact span store. Every field survives packing exactly, the
// attribute filter drops what it should and nothing else, and grouping by order over the
// packed store gives the groups that grouping over the same model::Spans gives.

#include <ordertrace/source/order_groups.hpp>
#include <ordertrace/source/packed_spans.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <random>
#include <set>

#include "support/span_builder.hpp"

namespace ordertrace::source {
namespace {

using namespace ordertrace::testing;

// Exact: doubles compare by their bits, so -0.0 and NaN must come back as they went in.
::testing::AssertionResult same_value(const model::AttributeValue& a,
                                      const model::AttributeValue& b) {
  if (a.index() != b.index()) {
    return ::testing::AssertionFailure() << "types differ";
  }
  if (const auto* x = std::get_if<double>(&a)) {
    if (std::bit_cast<std::uint64_t>(*x) != std::bit_cast<std::uint64_t>(std::get<double>(b))) {
      return ::testing::AssertionFailure() << *x << " != " << std::get<double>(b);
    }
    return ::testing::AssertionSuccess();
  }
  if (a != b) {
    return ::testing::AssertionFailure() << model::to_string(a) << " != " << model::to_string(b);
  }
  return ::testing::AssertionSuccess();
}

void expect_same_attributes(const model::Attributes& a, const model::Attributes& b,
                            const std::string& where) {
  ASSERT_EQ(a.size(), b.size()) << where;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].key, b[i].key) << where << " attribute " << i;
    EXPECT_TRUE(same_value(a[i].value, b[i].value)) << where << " attribute " << a[i].key;
  }
}

void expect_same_span(const model::Span& a, const model::Span& b) {
  EXPECT_EQ(a.trace_id, b.trace_id);
  EXPECT_EQ(a.span_id, b.span_id);
  EXPECT_EQ(a.parent, b.parent);
  ASSERT_EQ(a.resource == nullptr, b.resource == nullptr);
  if (a.resource) {
    EXPECT_EQ(a.resource->service_name, b.resource->service_name);
    expect_same_attributes(a.resource->attributes, b.resource->attributes, "resource");
  }
  EXPECT_EQ(a.operation, b.operation);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.start_ns, b.start_ns);
  EXPECT_EQ(a.end_ns, b.end_ns);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.status_message, b.status_message);
  expect_same_attributes(a.attributes, b.attributes, "span");
  ASSERT_EQ(a.events.size(), b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    EXPECT_EQ(a.events[i].name, b.events[i].name);
    EXPECT_EQ(a.events[i].time_ns, b.events[i].time_ns);
    expect_same_attributes(a.events[i].attributes, b.events[i].attributes, "event");
  }
  ASSERT_EQ(a.links.size(), b.links.size());
  for (std::size_t i = 0; i < a.links.size(); ++i) {
    EXPECT_EQ(a.links[i].target, b.links[i].target);
    expect_same_attributes(a.links[i].attributes, b.links[i].attributes, "link");
  }
  EXPECT_EQ(a.warnings, b.warnings);
}

std::shared_ptr<const model::Resource> resource(std::string service, model::Attributes attributes) {
  return std::make_shared<const model::Resource>(
      model::Resource{std::move(service), std::move(attributes)});
}

// One span with every kind of field filled, values at their edges.
model::Span rich_span() {
  model::Span span;
  span.trace_id = model::TraceId{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  span.span_id = model::SpanId{0xffffffffffffffffULL};
  span.parent = model::SpanRef{model::TraceId{7, 8}, model::SpanId{9}}; // another trace
  span.resource = resource(
      "shop-api", {{"host.name", std::string("web-1")}, {"process.pid", std::int64_t{4242}}});
  span.operation = "POST /api/orders/{orderId}";
  span.kind = model::SpanKind::producer;
  span.start_ns = k_t0;
  span.end_ns = k_t0 + 1234;
  span.status = model::StatusCode::error;
  span.status_message = "deadline exceeded \xD0\xB7\xD0\xB0\xD0\xBA\xD0\xB0\xD0\xB7";
  span.attributes = {
      {"order.id", std::string("ORD-1")},
      {"empty", std::string()},
      {"long", std::string(100'000, 'x') + "end"},
      {"nul", std::string("a\0b", 3)},
      {"int.max", std::numeric_limits<std::int64_t>::max()},
      {"int.min", std::numeric_limits<std::int64_t>::min()},
      {"int.negative", std::int64_t{-1}},
      {"int.zero", std::int64_t{0}},
      {"double", 3.141592653589793},
      {"double.negative_zero", -0.0},
      {"double.nan", std::numeric_limits<double>::quiet_NaN()},
      {"double.infinity", -std::numeric_limits<double>::infinity()},
      {"double.denormal", std::numeric_limits<double>::denorm_min()},
      {"yes", true},
      {"no", false},
      {"order.id", std::string("ORD-1-again")}, // a repeated key keeps its place
  };
  span.events = {
      {"exception",
       k_t0 - 5,
       {{"exception.message", std::string("boom")},
        {"exception.escaped", true}}}, // before the start
      {"order.status_changed", k_t0 + 10, {{"order.status", std::string("SUBMITTED")}}},
      {"empty", std::numeric_limits<std::int64_t>::max(), {}},
  };
  span.links = {
      {{model::TraceId{1, 2}, model::SpanId{3}}, {{"link.kind", std::string("follows")}}},
      {{span.trace_id, model::SpanId{5}}, {}}, // in its own trace
      {{model::TraceId{}, model::SpanId{}}, {{"n", std::int64_t{1}}}},
  };
  span.warnings = {"clock skew adjusted", "", "invalid parent span IDs"};
  return span;
}

TEST(PackedSpans, RoundTripsEveryField) {
  PackedSpans store;
  const model::Span rich = rich_span();
  model::Span bare; // every field at its default: no parent, no resource, nothing else
  model::Span same_trace_parent = rich;
  same_trace_parent.parent = model::SpanRef{rich.trace_id, model::SpanId{1}};
  model::Span negative_times = bare;
  negative_times.start_ns = std::numeric_limits<std::int64_t>::min();
  negative_times.end_ns = -1;
  negative_times.events = {{"e", std::numeric_limits<std::int64_t>::max(), {}}};

  const std::vector<model::Span> spans = {rich, bare, same_trace_parent, negative_times};
  for (const auto& span : spans) {
    store.on_span(model::Span(span));
  }
  ASSERT_EQ(store.size(), spans.size());
  for (std::size_t i = 0; i < spans.size(); ++i) {
    SCOPED_TRACE(i);
    expect_same_span(store.materialize(i), spans[i]);
    EXPECT_EQ(store.trace_id(i), spans[i].trace_id);
    EXPECT_EQ(store.ref(i), spans[i].ref());
    EXPECT_EQ(store.start_ns(i), spans[i].start_ns);
  }
}

TEST(PackedSpans, MaterializeIntoReusedSpanLeavesNothingOfThePreviousOne) {
  PackedSpans store;
  store.on_span(rich_span());
  model::Span small;
  small.trace_id = model::TraceId{1, 1};
  small.span_id = model::SpanId{2};
  small.operation = "x";
  small.attributes = {{"long", std::int64_t{5}}}; // same key, another type
  store.on_span(model::Span(small));

  model::Span reused;
  store.materialize_into(0, reused);
  store.materialize_into(1, reused);
  expect_same_span(reused, small);
  store.materialize_into(0, reused);
  expect_same_span(reused, rich_span());
}

TEST(PackedSpans, SharesResourcesOfEqualContent) {
  PackedSpans store;
  // As the Jaeger decoder gives them: each trace its own copy of the same process.
  const auto shop_1 = resource("shop-api", {{"host.name", std::string("web-1")}});
  const auto shop_2 = resource("shop-api", {{"host.name", std::string("web-1")}});
  const auto shop_other_host = resource("shop-api", {{"host.name", std::string("web-2")}});
  const auto mes = resource("mes", {});
  for (const auto& r : {shop_1, shop_1, shop_2, shop_other_host, mes, shop_2}) {
    model::Span span;
    span.resource = r;
    store.on_span(std::move(span));
  }
  std::vector<std::shared_ptr<const model::Resource>> back;
  for (std::size_t i = 0; i < store.size(); ++i) {
    back.push_back(store.materialize(i).resource);
  }
  EXPECT_EQ(back[0], back[1]);
  EXPECT_EQ(back[0], back[2]) << "equal contents, one resource";
  EXPECT_EQ(back[0], back[5]);
  EXPECT_NE(back[0], back[3]);
  EXPECT_EQ(back[3]->attributes.at(0).value, model::AttributeValue(std::string("web-2")));
  EXPECT_EQ(back[4]->service_name, "mes");
}

TEST(PackedSpans, FilterDropsOnlyTheSpanAttributesItRejects) {
  std::map<std::string, int> asked;
  PackedSpans store(
      [&](std::string_view key) {
        ++asked[std::string(key)];
        return key.starts_with("order.") || key.starts_with("exception.");
      },
      {"order.id", "customer.order"});
  model::Span span = rich_span();
  span.attributes.push_back({"customer.order", std::int64_t{77}}); // order-id key, dropped
  store.on_span(model::Span(span));
  store.on_span(model::Span(span));

  const model::Span back = store.materialize(0);
  model::Attributes expected;
  for (const auto& attribute : span.attributes) {
    if (attribute.key.starts_with("order.") || attribute.key.starts_with("exception.")) {
      expected.push_back(attribute);
    }
  }
  ASSERT_EQ(expected.size(), 2U);
  expect_same_attributes(back.attributes, expected, "kept");
  // Events, links and the resource are not filtered.
  model::Span unfiltered_parts = span;
  unfiltered_parts.attributes = expected;
  expect_same_span(back, unfiltered_parts);
  // Each key is judged once, however many spans carry it.
  for (const auto& [key, times] : asked) {
    EXPECT_EQ(times, 1) << key;
  }

  // The order ids are there for grouping, the dropped key's included.
  const auto mentions = store.order_id_mentions();
  ASSERT_EQ(mentions.size(), 4U);
  EXPECT_EQ(mentions[0].span, 0U);
  EXPECT_EQ(store.text(mentions[0]), "ORD-1"); // the first attribute under the key
  EXPECT_EQ(store.order_id_keys()[mentions[0].key], "order.id");
  EXPECT_EQ(store.text(mentions[1]), "77");
  EXPECT_EQ(store.order_id_keys()[mentions[1].key], "customer.order");
  EXPECT_EQ(mentions[3].span, 1U);
  const auto groups = group_by_order(store);
  ASSERT_EQ(groups.size(), 2U);
  EXPECT_EQ(groups[0].order_id, "77");
  EXPECT_EQ(groups[1].order_id, "ORD-1");

  // Unfiltered spans keep every attribute.
  store.add_unfiltered(span);
  expect_same_span(store.materialize(2), span);
}

TEST(PackedSpans, FirstCopiesMarkRepeatedSpans) {
  PackedSpans store;
  auto add = [&](std::uint64_t trace, std::uint64_t id) {
    model::Span span;
    span.trace_id = model::TraceId{0, trace};
    span.span_id = model::SpanId{id};
    store.on_span(std::move(span));
  };
  add(1, 1);
  add(1, 2);
  add(2, 1); // the same span id in another trace: another span
  add(1, 1);
  add(1, 0); // no span id: never a repeat
  add(1, 0);
  add(1, 2);
  EXPECT_EQ(store.first_copies(), (std::vector<bool>{true, true, true, false, true, true, false}));
}

void expect_same_groups(const std::vector<OrderGroup>& packed,
                        const std::vector<OrderGroup>& model) {
  ASSERT_EQ(packed.size(), model.size());
  for (std::size_t g = 0; g < packed.size(); ++g) {
    EXPECT_EQ(packed[g].order_id, model[g].order_id);
    EXPECT_EQ(packed[g].spans, model[g].spans) << packed[g].order_id;
  }
}

TEST(PackedSpans, GroupsAsTheModelSpansDo) {
  SpanBuilder b;
  // Order A: its trace, and a consumer trace without an order id linking to its publish.
  auto a_root = b.add(1, "shop-api", "POST /api/orders", k_t0, k_second).order("A").ref();
  auto a_publish = b.add(1, "shop-api", "publish", k_t0 + k_second, k_second, a_root).ref();
  b.add(2, "mes", "process", k_t0 + 2 * k_second, k_second).link(a_publish);
  // Order B: linked to A's trace, carrying B; order 42 under another key, as an int.
  b.add(3, "crm-api", "POST /approve", k_t0, k_second).order("B").link(a_root);
  b.add(4, "crm-api", "call", k_t0, k_second, a_root).attr("crm.order", std::int64_t{42});
  b.add(4, "crm-api", "empty id", k_t0, k_second).order("");
  b.spans().push_back(b.spans().front()); // the same span twice counts once
  const std::vector<std::string> keys = {"order.id", "crm.order"};
  const std::vector<std::string> extra = {"C", "A"};

  PackedSpans store(nullptr, keys);
  for (const auto& span : b.spans()) {
    store.on_span(model::Span(span));
  }
  const auto groups = group_by_order(store, extra);
  expect_same_groups(groups, group_by_order(b.spans(), keys, extra));
  ASSERT_EQ(groups.size(), 4U);
  EXPECT_EQ(groups[0].order_id, "42");
  for (const auto& group : groups) {
    const auto packed = spans_of(group, store);
    const auto model = spans_of(group, b.spans());
    ASSERT_EQ(packed.size(), model.size());
    for (std::size_t i = 0; i < packed.size(); ++i) {
      expect_same_span(packed[i], model[i]);
    }
  }
}

TEST(PackedSpans, GroupsAsTheModelSpansDoOnRandomTraces) {
  // Traces joined at random by links and cross-trace parents, order ids on some spans,
  // repeated spans: the same groups, span for span, for several seeds.
  for (unsigned seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE(seed);
    std::mt19937 random(seed);
    auto below = [&](int n) {
      return static_cast<int>(random() % static_cast<unsigned>(n));
    };
    SpanBuilder b(8192);
    const int traces = 40;
    std::vector<model::SpanRef> made;
    for (int i = 0; i < 600; ++i) {
      std::optional<model::SpanRef> parent;
      if (!made.empty() && below(3) == 0) {
        parent = made[static_cast<std::size_t>(below(static_cast<int>(made.size())))];
      }
      auto span = b.add(below(traces), below(2) ? "shop-api" : "mes", "op", k_t0 + below(50),
                        k_second, parent);
      if (below(8) == 0) {
        span.order("ORD-" + std::to_string(below(12)));
      }
      if (below(20) == 0) {
        span.attr("legacy.order", std::int64_t{below(5)});
      }
      if (!made.empty() && below(6) == 0) {
        span.link(made[static_cast<std::size_t>(below(static_cast<int>(made.size())))]);
      }
      made.push_back(span.ref());
      if (below(30) == 0) {
        b.spans().push_back(b.spans()[static_cast<std::size_t>(below(i + 1))]);
      }
    }
    const std::vector<std::string> keys = {"order.id", "legacy.order"};
    const std::vector<std::string> extra = {"ORD-3", "ORD-99"};
    PackedSpans store([](std::string_view key) { return key == "order.id"; }, keys);
    for (const auto& span : b.spans()) {
      store.on_span(model::Span(span));
    }
    const auto groups = group_by_order(store, extra);
    expect_same_groups(groups, group_by_order(b.spans(), keys, extra));
    // Not a vacuous match: orders reach spans of traces joined to theirs.
    EXPECT_TRUE(std::any_of(groups.begin(), groups.end(), [&](const OrderGroup& group) {
      std::set<model::TraceId> reached;
      for (std::size_t i : group.spans) {
        reached.insert(store.trace_id(i));
      }
      return reached.size() > 1;
    }));
  }
}

} // namespace
} // namespace ordertrace::source

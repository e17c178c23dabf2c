// The shared Jaeger fixtures decode to the spans they describe.

#include <ordertrace/decode/decoder.hpp>
#include <ordertrace/util/error.hpp>

#include <gtest/gtest.h>

#include <algorithm>

#include "decode_test_util.hpp"

namespace ordertrace::decode {
namespace {

using model::SpanKind;
using model::StatusCode;
using testing::CollectingSink;
using testing::fixture;

const model::AttributeValue& attribute(const model::Span& span, std::string_view key) {
  const auto* value = model::find_attribute(span.attributes, key);
  if (value == nullptr) {
    throw std::runtime_error("no attribute " + std::string(key));
  }
  return *value;
}

TEST(JaegerFixtures, Ui01DecodesEverySpanWithProcessAndIds) {
  CollectingSink sink;
  const DecodeStats stats = decode_buffer(fixture("ui_01.json"), "ui_01.json", sink);
  EXPECT_EQ(stats.format, Format::jaeger_json);
  EXPECT_EQ(stats.spans, 5U);
  EXPECT_EQ(stats.documents, 1U);
  ASSERT_EQ(sink.spans.size(), 5U);
  const auto& spans = sink.spans;
  EXPECT_EQ(spans[0].trace_id.hex(), "00000000000000000000000000000001");
  EXPECT_EQ(spans[0].span_id.hex(), "0000000000000002");
  EXPECT_EQ(spans[0].operation, "test-general-conversion");
  EXPECT_EQ(spans[0].service(), "service-x");
  EXPECT_EQ(spans[2].service(), "service-y");
  EXPECT_EQ(spans[0].resource, spans[1].resource) << "one shared Resource per process";
  EXPECT_NE(spans[0].resource, spans[2].resource);
  // startTime/duration are microseconds.
  EXPECT_EQ(spans[0].start_ns, 1485467191639875000);
  EXPECT_EQ(spans[0].end_ns, 1485467191639880000);
  EXPECT_EQ(spans[4].end_ns - spans[4].start_ns, 4000);
  EXPECT_EQ(spans[0].kind, SpanKind::unspecified);
}

TEST(JaegerFixtures, Ui01KeepsEveryTagType) {
  CollectingSink sink;
  decode_buffer(fixture("ui_01.json"), "ui_01.json", sink);
  const auto& span = sink.spans.at(1);
  EXPECT_EQ(std::get<std::string>(attribute(span, "peer.service")), "service-y");
  EXPECT_EQ(std::get<std::int64_t>(attribute(span, "peer.ipv4")), 23456);
  EXPECT_EQ(std::get<bool>(attribute(span, "error")), true);
  EXPECT_DOUBLE_EQ(std::get<double>(attribute(span, "temperature")), 72.5);
  // Beyond 2^53 Jaeger writes int64 values as strings.
  EXPECT_EQ(std::get<std::int64_t>(attribute(span, "javascript_limit")), 9223372036854775222);
  EXPECT_EQ(std::get<std::string>(attribute(span, "blob")), "AAAwOQ==");
  EXPECT_EQ(span.attributes.size(), 6U);
  EXPECT_EQ(span.status, StatusCode::error) << "error=true";
  EXPECT_EQ(sink.spans[0].status, StatusCode::unset);
}

TEST(JaegerFixtures, Ui01LogsBecomeEventsInTimeOrder) {
  CollectingSink sink;
  decode_buffer(fixture("ui_01.json"), "ui_01.json", sink);
  const auto& events = sink.spans.at(0).events;
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].name, "some-event");
  EXPECT_TRUE(events[0].attributes.empty()) << "the event field is the name";
  EXPECT_EQ(events[0].time_ns, 1485467191639875000);
  EXPECT_EQ(events[1].name, "log");
  ASSERT_EQ(events[1].attributes.size(), 1U);
  EXPECT_EQ(events[1].attributes[0].key, "x");
  EXPECT_EQ(model::to_string(events[1].attributes[0].value), "y");
}

TEST(JaegerFixtures, Ui01ReferencesGiveParentAndLinks) {
  CollectingSink sink;
  decode_buffer(fixture("ui_01.json"), "ui_01.json", sink);
  const auto& spans = sink.spans;
  EXPECT_FALSE(spans[0].parent.has_value());
  ASSERT_TRUE(spans[2].parent.has_value());
  EXPECT_EQ(spans[2].parent->span_id.hex(), "0000000000000002");
  EXPECT_EQ(spans[2].parent->trace_id, spans[2].trace_id);
  EXPECT_TRUE(spans[2].links.empty());

  // The first CHILD_OF points into another trace; the rest become links.
  const auto& span = spans[3];
  ASSERT_TRUE(span.parent.has_value());
  EXPECT_EQ(span.parent->trace_id.hex(), "000000000000000000000000000000ff");
  EXPECT_EQ(span.parent->span_id.hex(), "00000000000000ff");
  ASSERT_EQ(span.links.size(), 2U);
  EXPECT_EQ(span.links[0].target.span_id.hex(), "0000000000000002");
  EXPECT_EQ(model::find_attribute_text(span.links[0].attributes, "opentracing.ref_type"),
            "child_of");
  EXPECT_EQ(model::find_attribute_text(span.links[1].attributes, "opentracing.ref_type"),
            "follows_from");
}

TEST(JaegerFixtures, Ui01AppendsTraceWarningsToSpanWarnings) {
  CollectingSink sink;
  decode_buffer(fixture("ui_01.json"), "ui_01.json", sink);
  EXPECT_EQ(sink.spans[0].warnings, std::vector<std::string>{"some trace warning"});
  EXPECT_EQ(sink.spans[3].warnings,
            (std::vector<std::string>{"some span warning", "some trace warning"}));
}

TEST(JaegerFixtures, Otlp2JaegerOutHasKindFromTagAndScopeAttribute) {
  CollectingSink sink;
  const DecodeStats stats =
      decode_buffer(fixture("otlp2jaeger-out.json"), "otlp2jaeger-out.json", sink);
  EXPECT_EQ(stats.format, Format::jaeger_json);
  EXPECT_TRUE(stats.errors.empty());
  ASSERT_EQ(sink.spans.size(), 2U);
  const auto& span = sink.spans[0];
  EXPECT_EQ(span.kind, SpanKind::server);
  EXPECT_EQ(model::find_attribute(span.attributes, "span.kind"), nullptr);
  EXPECT_EQ(model::find_attribute_text(span.attributes, "otel.scope.name"), "telemetrygen");
  EXPECT_EQ(span.service(), "telemetrygen");
  EXPECT_EQ(span.start_ns, 1706678909209712000);
  EXPECT_EQ(span.end_ns, 1706678909209835000);
}

TEST(OtlpFixtures, Otlp2JaegerInAndOutDecodeToTheSameSpans) {
  CollectingSink in;
  CollectingSink out;
  const DecodeStats in_stats =
      decode_buffer(fixture("otlp2jaeger-in.json"), "otlp2jaeger-in.json", in);
  decode_buffer(fixture("otlp2jaeger-out.json"), "otlp2jaeger-out.json", out);
  EXPECT_EQ(in_stats.format, Format::otlp_json);
  ASSERT_EQ(in.spans.size(), 2U);
  ASSERT_EQ(out.spans.size(), in.spans.size());
  for (std::size_t i = 0; i < in.spans.size(); ++i) {
    const auto& a = in.spans[i];
    const auto& b = out.spans[i];
    EXPECT_EQ(a.trace_id.hex(), "83a9efd15c1c98a977e0711cc93ee28b");
    EXPECT_EQ(a.trace_id, b.trace_id);
    EXPECT_EQ(a.span_id.hex(), "e127af99e3b3e074");
    EXPECT_EQ(a.span_id, b.span_id);
    EXPECT_EQ(a.operation, "okey-dokey-0");
    EXPECT_EQ(a.operation, b.operation);
    EXPECT_EQ(a.kind, SpanKind::server);
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.start_ns / 1000, b.start_ns / 1000);
    EXPECT_EQ(a.end_ns / 1000, b.end_ns / 1000);
    ASSERT_TRUE(a.parent && b.parent);
    EXPECT_EQ(a.parent->span_id.hex(), "909541b92cf05311");
    EXPECT_EQ(*a.parent, *b.parent);
    EXPECT_EQ(a.service(), b.service());
    EXPECT_EQ(testing::dump(a.attributes), testing::dump(b.attributes));
    EXPECT_EQ(a.status, b.status);
  }
}

TEST(OtlpFixtures, GetTraceUnwrapsTheApiV3Result) {
  CollectingSink sink;
  const DecodeStats stats = decode_buffer(fixture("GetTrace.json"), "GetTrace.json", sink);
  EXPECT_EQ(stats.format, Format::otlp_json);
  ASSERT_EQ(sink.spans.size(), 1U);
  const auto& span = sink.spans[0];
  EXPECT_EQ(span.trace_id.hex(), "00000000000000000000000000000001");
  EXPECT_EQ(span.span_id.hex(), "0000000000000002");
  EXPECT_EQ(span.operation, "foobar");
  EXPECT_EQ(span.kind, SpanKind::server);
  EXPECT_EQ(span.status, StatusCode::error);
  EXPECT_FALSE(span.parent.has_value());
  ASSERT_NE(span.resource, nullptr);
  EXPECT_EQ(span.service(), "");
  EXPECT_TRUE(span.attributes.empty()) << "an empty scope adds no attribute";
}

TEST(OtlpFixtures, ExampleTraceSpreadsOneTraceOverThreeResources) {
  CollectingSink sink;
  const DecodeStats stats =
      decode_buffer(fixture("example_trace.json"), "example_trace.json", sink);
  EXPECT_EQ(stats.spans, 5U);
  ASSERT_EQ(sink.spans.size(), 5U);
  std::vector<std::string> services;
  for (const auto& span : sink.spans) {
    EXPECT_EQ(span.trace_id.hex(), "00000000000000000000000000000011");
    EXPECT_EQ(span.start_ns, 1485449191639875000);
    EXPECT_EQ(span.end_ns, 1485449191639975000);
    ASSERT_EQ(span.events.size(), 2U);
    EXPECT_EQ(span.events[0].time_ns, 1485449191639875000);
    services.push_back(span.service());
  }
  EXPECT_EQ(services,
            (std::vector<std::string>{"example-service-2", "example-service-3", "example-service-1",
                                      "example-service-1", "example-service-1"}));
  EXPECT_EQ(sink.spans[0].span_id.hex(), "0000000000000004");
  EXPECT_EQ(sink.spans[3].kind, SpanKind::server);
  EXPECT_EQ(sink.spans[4].kind, SpanKind::client);
  EXPECT_EQ(sink.spans[2].resource, sink.spans[3].resource);
  EXPECT_EQ(sink.spans[0].service(), "example-service-2");
  EXPECT_TRUE(sink.spans[0].resource->attributes.empty()) << "service.name is not repeated";
}

TEST(Fixtures, TraceSummariesAreNotATraceDocument) {
  CollectingSink sink;
  try {
    decode_buffer(fixture("FindTraceSummaries.json"), "FindTraceSummaries.json", sink);
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.what()),
              "FindTraceSummaries.json:2:3: not a Jaeger or OTLP JSON trace document "
              "(unexpected key \"summaries\")");
  }
}

TEST(Fixtures, DecodeFileReadsTheFixtureFromDisk) {
  CollectingSink sink;
  const std::string path = testing::shared_path("fixtures/jaeger/ui_01.json");
  const DecodeStats stats = decode_file(path, sink);
  EXPECT_EQ(stats.spans, 5U);
  EXPECT_EQ(stats.bytes, fixture("ui_01.json").size());
}

TEST(Fixtures, DecodeFileNamesAMissingFile) {
  CollectingSink sink;
  try {
    decode_file("/nonexistent/orders.json", sink);
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.what()),
              "cannot open /nonexistent/orders.json: No such file or directory");
  }
}

} // namespace
} // namespace ordertrace::decode

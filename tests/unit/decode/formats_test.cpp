// Mapping rules of both formats on small hand-written documents.

#include <ordertrace/decode/decoder.hpp>
#include <ordertrace/util/error.hpp>

#include <gtest/gtest.h>

#include "decode_test_util.hpp"

namespace ordertrace::decode {
namespace {

using model::SpanKind;
using model::StatusCode;
using testing::CollectingSink;

std::vector<model::Span> decode(const std::string& data, DecodeStats* stats = nullptr) {
  CollectingSink sink;
  const DecodeStats result = decode_buffer(data, "test.json", sink);
  if (stats != nullptr) {
    *stats = result;
  }
  return std::move(sink.spans);
}

std::string jaeger_span(const std::string& members) {
  return R"({"data":[{"traceID":"1","spans":[{"traceID":"1","spanID":"2","processID":"p1",)" +
         members + R"(}],"processes":{"p1":{"serviceName":"shop"}}}]})";
}

std::string otlp_span(const std::string& members) {
  return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop"}}]},)"
         R"("scopeSpans":[{"scope":{"name":"lib"},"spans":[{"traceId":"01","spanId":"02",)" +
         members + "}]}]}]}";
}

TEST(JaegerJson, ProcessesAfterSpansAreResolved) {
  const auto spans =
      decode(R"({"traceID":"1","spans":[{"traceID":"1","spanID":"2","processID":"p2"}],)"
             R"("processes":{"p1":{"serviceName":"a"},"p2":{"serviceName":"b","tags":[)"
             R"({"key":"host.name","type":"string","value":"web-1"}]}}})");
  ASSERT_EQ(spans.size(), 1U);
  EXPECT_EQ(spans[0].service(), "b");
  EXPECT_EQ(model::find_attribute_text(spans[0].resource->attributes, "host.name"), "web-1");
}

TEST(JaegerJson, EmbeddedProcessAndUnknownProcessId) {
  const auto spans =
      decode(R"({"data":[{"spans":[{"traceID":"1","spanID":"2","process":{"serviceName":"own"}},)"
             R"({"traceID":"1","spanID":"3","processID":"nope"}]}]})");
  ASSERT_EQ(spans.size(), 2U);
  EXPECT_EQ(spans[0].service(), "own");
  ASSERT_NE(spans[1].resource, nullptr);
  EXPECT_EQ(spans[1].service(), "");
}

TEST(JaegerJson, StatusTagsSetTheStatus) {
  EXPECT_EQ(
      decode(jaeger_span(R"("tags":[{"key":"otel.status_code","type":"string","value":"OK"}])"))
          .at(0)
          .status,
      StatusCode::ok);
  const auto error = decode(
      jaeger_span(R"("tags":[{"key":"otel.status_code","type":"string","value":"ERROR"},)"
                  R"({"key":"otel.status_description","type":"string","value":"card declined"}])"));
  EXPECT_EQ(error.at(0).status, StatusCode::error);
  EXPECT_EQ(error.at(0).status_message, "card declined");
  EXPECT_EQ(error.at(0).attributes.size(), 2U) << "status tags stay attributes";
  EXPECT_EQ(decode(jaeger_span(R"("tags":[{"key":"error","type":"string","value":"true"}])"))
                .at(0)
                .status,
            StatusCode::error);
  EXPECT_EQ(
      decode(jaeger_span(R"("tags":[{"key":"error","type":"bool","value":false}])")).at(0).status,
      StatusCode::unset);
}

TEST(JaegerJson, TagValuesAreToleratedInOtherSpellings) {
  const auto span =
      decode(jaeger_span(R"("tags":[{"value":7,"type":"int64","key":"before"},)"
                         R"({"key":"float_int","type":"int64","value":1e3},)"
                         R"({"key":"bool_text","type":"bool","value":"false"},)"
                         R"({"key":"neg","type":"int64","value":"-9223372036854775808"},)"
                         R"({"key":"f","type":"float64","value":"NaN"},)"
                         R"({"key":"kind_text","type":"string","value":12}])"))
          .at(0);
  ASSERT_EQ(span.attributes.size(), 6U);
  EXPECT_EQ(std::get<std::int64_t>(span.attributes[0].value), 7);
  EXPECT_EQ(span.attributes[0].key, "before");
  EXPECT_EQ(std::get<std::int64_t>(span.attributes[1].value), 1000);
  EXPECT_EQ(std::get<bool>(span.attributes[2].value), false);
  EXPECT_EQ(std::get<std::int64_t>(span.attributes[3].value), INT64_MIN);
  EXPECT_TRUE(std::isnan(std::get<double>(span.attributes[4].value)));
  EXPECT_EQ(std::get<std::string>(span.attributes[5].value), "12");
}

TEST(JaegerJson, BadTagsAreErrors) {
  CollectingSink sink;
  EXPECT_THROW(decode(jaeger_span(R"("tags":[{"key":"x","type":"int64","value":1.5}])")),
               InputError);
  EXPECT_THROW(decode(jaeger_span(R"("tags":[{"key":"x","type":"int64","value":"abc"}])")),
               InputError);
  EXPECT_THROW(decode(jaeger_span(R"("tags":[{"key":"x","type":"weird","value":"a"}])")),
               InputError);
  EXPECT_THROW(decode(jaeger_span(R"("tags":[{"key":"x","value":"a"}])")), InputError);
  EXPECT_THROW(decode(jaeger_span(R"("tags":[{"key":"x","type":"int64","value":[1]}])")),
               InputError);
}

TEST(JaegerJson, LogsAreSortedByTime) {
  const auto span =
      decode(
          jaeger_span(
              R"("logs":[{"timestamp":30,"fields":[{"key":"event","type":"string","value":"c"}]},)"
              R"({"timestamp":10,"fields":[{"key":"event","type":"string","value":"a"},)"
              R"({"key":"level","type":"string","value":"info"}]},)"
              R"({"timestamp":20,"fields":[]}])"))
          .at(0);
  ASSERT_EQ(span.events.size(), 3U);
  EXPECT_EQ(span.events[0].name, "a");
  EXPECT_EQ(span.events[0].time_ns, 10000);
  EXPECT_EQ(model::find_attribute_text(span.events[0].attributes, "level"), "info");
  EXPECT_EQ(span.events[1].name, "log");
  EXPECT_EQ(span.events[2].name, "c");
}

TEST(JaegerJson, DataNullAndErrorsAreNotSpans) {
  DecodeStats stats;
  EXPECT_TRUE(
      decode(R"({"data":null,"total":0,"limit":0,"offset":0,"errors":null})", &stats).empty());
  EXPECT_EQ(stats.format, Format::jaeger_json);
  EXPECT_TRUE(stats.errors.empty());
  EXPECT_TRUE(decode(R"({"data":null,"total":0,"limit":0,"offset":0,)"
                     R"("errors":[{"code":404,"msg":"trace not found"}]})",
                     &stats)
                  .empty());
  EXPECT_EQ(stats.errors, std::vector<std::string>{"404: trace not found"});
  EXPECT_TRUE(
      decode(R"({"total":0,"errors":[{"code":500,"msg":"boom","traceID":"ab"}]})", &stats).empty());
  EXPECT_EQ(stats.errors, std::vector<std::string>{"500: boom (trace ab)"});
}

TEST(JaegerJson, UnknownFieldsAreSkipped) {
  const auto spans = decode(
      jaeger_span(R"("flags":1,"extra":{"a":[1,2,{"b":null}],"c":"\u00e9"},"operationName":"op")"));
  ASSERT_EQ(spans.size(), 1U);
  EXPECT_EQ(spans[0].operation, "op");
}

TEST(OtlpJson, MapsEveryField) {
  const auto span =
      decode(
          otlp_span(
              R"("parentSpanId":"","name":"POST /orders","kind":"SPAN_KIND_CLIENT",)"
              R"("startTimeUnixNano":1755700000123456789,"endTimeUnixNano":"1755700000200000000",)"
              R"("attributes":[{"key":"order.id","value":{"stringValue":"ORD-1"}},)"
              R"({"key":"n","value":{"intValue":"42"}},{"key":"m","value":{"intValue":43}},)"
              R"({"key":"d","value":{"doubleValue":1.5}},{"key":"b","value":{"boolValue":true}},)"
              R"({"key":"bytes","value":{"bytesValue":"AAAwOQ=="}},)"
              R"({"key":"arr","value":{"arrayValue":{"values":[{"stringValue":"a\"b"},{"intValue":"1"},)"
              R"({"arrayValue":{"values":[{"boolValue":false}]}}]}}},)"
              R"({"key":"map","value":{"kvlistValue":{"values":[{"key":"k","value":{"doubleValue":2.5}}]}}},)"
              R"({"key":"empty","value":{}},)"
              R"({"key":"@jaeger@warnings","value":{"arrayValue":{"values":[{"stringValue":"w1"},{"stringValue":"w2"}]}}}],)"
              R"("events":[{"timeUnixNano":"20","name":"late"},{"timeUnixNano":"10","name":"early",)"
              R"("attributes":[{"key":"x","value":{"stringValue":"y"}}]}],)"
              R"("links":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331",)"
              R"("attributes":[{"key":"l","value":{"stringValue":"v"}}]},{"traceId":"","spanId":""}],)"
              R"("status":{"code":"STATUS_CODE_ERROR","message":"boom"})"))
          .at(0);
  EXPECT_EQ(span.trace_id.hex(), "00000000000000000000000000000001");
  EXPECT_EQ(span.span_id.hex(), "0000000000000002");
  EXPECT_FALSE(span.parent.has_value());
  EXPECT_EQ(span.operation, "POST /orders");
  EXPECT_EQ(span.kind, SpanKind::client);
  EXPECT_EQ(span.start_ns, 1755700000123456789);
  EXPECT_EQ(span.end_ns, 1755700000200000000);
  EXPECT_EQ(span.status, StatusCode::error);
  EXPECT_EQ(span.status_message, "boom");
  EXPECT_EQ(span.service(), "shop");
  EXPECT_EQ(testing::dump(span.attributes),
            "otel.scope.name[0]=lib;order.id[0]=ORD-1;n[1]=42;m[1]=43;d[2]=1.5;b[3]=true;"
            "bytes[0]=AAAwOQ==;arr[0]=[\"a\\\"b\",1,[false]];map[0]={\"k\":2.5};empty[0]=;");
  EXPECT_EQ(span.warnings, (std::vector<std::string>{"w1", "w2"}));
  ASSERT_EQ(span.events.size(), 2U);
  EXPECT_EQ(span.events[0].name, "early");
  EXPECT_EQ(span.events[0].time_ns, 10);
  EXPECT_EQ(span.events[1].name, "late");
  ASSERT_EQ(span.links.size(), 1U) << "a link with an empty trace id is dropped";
  EXPECT_EQ(span.links[0].target.trace_id.hex(), "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(testing::dump(span.links[0].attributes), "l[0]=v;");
}

TEST(OtlpJson, AcceptsBase64IdsAndNumericEnums) {
  const auto span = decode(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{)"
                           R"("traceId":"AAAAAAAAAAAAAAAAAAAAAQ==","spanId":"AAAAAAAAAAI=",)"
                           R"("parentSpanId":"AAAAAAAAAAM=","kind":5,"status":{"code":1}}]}]}]})")
                        .at(0);
  EXPECT_EQ(span.trace_id.hex(), "00000000000000000000000000000001");
  EXPECT_EQ(span.span_id.hex(), "0000000000000002");
  ASSERT_TRUE(span.parent.has_value());
  EXPECT_EQ(span.parent->span_id.hex(), "0000000000000003");
  EXPECT_EQ(span.parent->trace_id, span.trace_id);
  EXPECT_EQ(span.kind, SpanKind::consumer);
  EXPECT_EQ(span.status, StatusCode::ok);
}

TEST(OtlpJson, ResourceAndScopeMayFollowTheSpans) {
  const auto spans = decode(
      R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"1","spanId":"2",)"
      R"("attributes":[{"key":"a","value":{"stringValue":"b"}}]}],"scope":{"name":"late","version":"1.0"}}],)"
      R"("resource":{"attributes":[{"value":{"stringValue":"svc"},"key":"service.name"},)"
      R"({"key":"host.name","value":{"stringValue":"h"}}]}}]})");
  ASSERT_EQ(spans.size(), 1U);
  EXPECT_EQ(spans[0].service(), "svc");
  EXPECT_EQ(testing::dump(spans[0].resource->attributes), "host.name[0]=h;");
  EXPECT_EQ(testing::dump(spans[0].attributes),
            "otel.scope.name[0]=late;otel.scope.version[0]=1.0;a[0]=b;");
}

TEST(OtlpJson, DeprecatedInstrumentationLibrarySpans) {
  const auto spans = decode(
      R"({"resourceSpans":[{"resource":{},"instrumentationLibrarySpans":[{)"
      R"("instrumentationLibrary":{"name":"old"},"spans":[{"traceId":"1","spanId":"2"}]}]}]})");
  ASSERT_EQ(spans.size(), 1U);
  EXPECT_EQ(testing::dump(spans[0].attributes), "otel.scope.name[0]=old;");
}

TEST(OtlpJson, BadValuesAreErrors) {
  EXPECT_THROW(decode(otlp_span(R"("startTimeUnixNano":"12x")")), InputError);
  EXPECT_THROW(decode(otlp_span(R"("startTimeUnixNano":"99999999999999999999")")), InputError);
  EXPECT_THROW(decode(otlp_span(R"("parentSpanId":"zz")")), InputError);
  EXPECT_THROW(decode(otlp_span(R"("attributes":[{"value":{"stringValue":"x"}}])")), InputError);
  EXPECT_THROW(decode(otlp_span(R"("attributes":[{"key":"k","value":{"intValue":true}}])")),
               InputError);
}

TEST(JsonLines, DecodesEveryLineInEitherFormat) {
  const std::string line_otlp =
      R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"1","spanId":"2"}]}]}]})";
  const std::string line_api =
      R"({"result":{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"1","spanId":"3"}]}]}]}})";
  const std::string line_jaeger = jaeger_span(R"("operationName":"j")");
  DecodeStats stats;
  const auto spans =
      decode(line_otlp + "\n" + line_api + "\r\n" + line_jaeger + "\n\n" + line_otlp, &stats);
  EXPECT_EQ(stats.documents, 4U);
  EXPECT_EQ(stats.format, Format::otlp_json);
  ASSERT_EQ(spans.size(), 4U);
  EXPECT_EQ(spans[1].span_id.hex(), "0000000000000003");
  EXPECT_EQ(spans[2].operation, "j");

  // An error on a later line names that line.
  CollectingSink sink;
  try {
    decode_buffer(line_otlp + "\n" + line_otlp + "\n[1]\n", "export.jsonl", sink);
    FAIL();
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.what()), "export.jsonl:3:1: not a Jaeger or OTLP JSON trace "
                                         "document (the top-level value is an array, not an "
                                         "object)");
  }
  EXPECT_EQ(sink.spans.size(), 2U) << "spans before the error were delivered";
}

} // namespace
} // namespace ordertrace::decode

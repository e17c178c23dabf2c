// Trace and span ids, and attribute values as text.

#include <ordertrace/model/ids.hpp>
#include <ordertrace/model/span.hpp>

#include <gtest/gtest.h>

namespace ordertrace::model {
namespace {

TEST(TraceId, ParsesHexOfAnyLengthAndCaseAndPrintsLowercase32) {
  EXPECT_EQ(TraceId::parse("4BF92F3577B34DA6A3CE929D0E0E4736")->hex(),
            "4bf92f3577b34da6a3ce929d0e0e4736");
  // Jaeger prints 64-bit trace ids with 16 digits.
  EXPECT_EQ(TraceId::parse("0000000000000011")->hex(), "00000000000000000000000000000011");
  EXPECT_EQ(TraceId::parse("1")->hex(), "00000000000000000000000000000001");
  const auto id = TraceId::parse("0af7651916cd43dd8448eb211c80319c");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->high, 0x0af7651916cd43ddULL);
  EXPECT_EQ(id->low, 0x8448eb211c80319cULL);
  EXPECT_EQ(TraceId::parse("00000000000000ff"), TraceId::parse("ff"));
}

TEST(TraceId, ParsesBase64OfSixteenBytes) {
  EXPECT_EQ(TraceId::parse("AAAAAAAAAAAAAAAAAAAAAQ==")->hex(), "00000000000000000000000000000001");
  EXPECT_EQ(TraceId::parse("AAAAAAAAAAAAAAAAAAAAAQ")->hex(), "00000000000000000000000000000001");
  EXPECT_EQ(TraceId::parse("S_kvNXezTaajzpKdDg5HNg==")->hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(TraceId::parse("S/kvNXezTaajzpKdDg5HNg==")->hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST(TraceId, RejectsInvalidText) {
  EXPECT_FALSE(TraceId::parse(""));
  EXPECT_FALSE(TraceId::parse("xyz"));
  EXPECT_FALSE(TraceId::parse("0x12"));
  EXPECT_FALSE(TraceId::parse(std::string(33, 'a')));
  EXPECT_FALSE(TraceId::parse("AAAAAAAAAAAAAAAAAAAAA!=="));
  EXPECT_TRUE(TraceId::parse("0")->empty());
}

TEST(SpanId, ParsesHexAndBase64) {
  EXPECT_EQ(SpanId::parse("00F067AA0BA902B7")->hex(), "00f067aa0ba902b7");
  EXPECT_EQ(SpanId::parse("2")->hex(), "0000000000000002");
  EXPECT_EQ(SpanId::parse("2")->value, 2U);
  EXPECT_EQ(SpanId::parse("AAAAAAAAAAI=")->value, 2U);
  EXPECT_EQ(SpanId::parse("APBnqgupArc")->hex(), "00f067aa0ba902b7");
  EXPECT_FALSE(SpanId::parse(""));
  EXPECT_FALSE(SpanId::parse(std::string(17, '1')));
  EXPECT_FALSE(SpanId::parse("g"));
}

TEST(SpanRef, HashAndOrderDistinguishTraceAndSpan) {
  const SpanRef a{*TraceId::parse("1"), *SpanId::parse("2")};
  const SpanRef b{*TraceId::parse("2"), *SpanId::parse("1")};
  EXPECT_NE(a, b);
  EXPECT_LT(a, b);
  EXPECT_NE(SpanRefHash{}(a), SpanRefHash{}(b));
}

TEST(AttributeValue, ToStringRendersEveryType) {
  EXPECT_EQ(to_string(AttributeValue{std::string("ORD-1")}), "ORD-1");
  EXPECT_EQ(to_string(AttributeValue{std::int64_t{9223372036854775222}}), "9223372036854775222");
  EXPECT_EQ(to_string(AttributeValue{std::int64_t{-5}}), "-5");
  EXPECT_EQ(to_string(AttributeValue{72.5}), "72.5");
  EXPECT_EQ(to_string(AttributeValue{0.1}), "0.1");
  EXPECT_EQ(to_string(AttributeValue{true}), "true");
  EXPECT_EQ(to_string(AttributeValue{false}), "false");
}

TEST(Attributes, FindReturnsTheFirstMatch) {
  const Attributes attributes = {{"order.id", std::int64_t{1001}}, {"order.id", std::string("x")}};
  EXPECT_EQ(find_attribute_text(attributes, "order.id"), "1001");
  EXPECT_EQ(find_attribute(attributes, "missing"), nullptr);
  EXPECT_FALSE(find_attribute_text(attributes, "missing").has_value());
}

TEST(SpanKind, ParsesOtelAndJaegerSpellings) {
  EXPECT_EQ(parse_span_kind("server"), SpanKind::server);
  EXPECT_EQ(parse_span_kind("SPAN_KIND_CONSUMER"), SpanKind::consumer);
  EXPECT_EQ(parse_span_kind("Client"), SpanKind::client);
  EXPECT_FALSE(parse_span_kind("SPAN_KIND_"));
  EXPECT_FALSE(parse_span_kind("sideways"));
  EXPECT_EQ(parse_span_kind("PRODUCER"), SpanKind::producer);
  EXPECT_EQ(parse_span_kind("span_kind_Internal"), SpanKind::internal);
  EXPECT_EQ(parse_span_kind("Unspecified"), SpanKind::unspecified);
  // Bytes that differ from a letter only in bit 5 but are no letters do not match.
  EXPECT_FALSE(parse_span_kind("serv\x05r"));
  EXPECT_FALSE(parse_span_kind(std::string_view("client\0", 7)));
  EXPECT_FALSE(parse_span_kind("server "));
  EXPECT_FALSE(parse_span_kind("c\x0Cient"));
  EXPECT_EQ(to_string(SpanKind::producer), "producer");
  EXPECT_EQ(to_string(StatusCode::error), "ERROR");
}

TEST(Span, ServiceIsEmptyWithoutResource) {
  Span span;
  EXPECT_EQ(span.service(), "");
  auto resource = std::make_shared<Resource>();
  resource->service_name = "shop";
  span.resource = resource;
  EXPECT_EQ(span.service(), "shop");
}

} // namespace
} // namespace ordertrace::model

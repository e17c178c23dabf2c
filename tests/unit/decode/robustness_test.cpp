// Bad input is an InputError naming the file and the place, never a crash; the
// chunked reader agrees with the buffer reader on every byte boundary.

#include <ordertrace/decode/decoder.hpp>
#include <ordertrace/util/error.hpp>

#include <gtest/gtest.h>

#include <regex>

#include "decode_test_util.hpp"

namespace ordertrace::decode {
namespace {

using testing::CollectingSink;
using testing::fixture;

const std::vector<std::string> k_fixtures = {"ui_01.json", "otlp2jaeger-in.json",
                                             "otlp2jaeger-out.json", "GetTrace.json",
                                             "example_trace.json"};

// The message of the InputError that decoding `data` throws ("" when none).
std::string error_of(const std::string& data, const DecodeLimits& limits = {}) {
  CollectingSink sink;
  try {
    decode_buffer(data, "orders.json", sink, limits);
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

std::string chunked_error_of(const std::string& data, std::size_t chunk_bytes) {
  CollectingSink sink;
  try {
    testing::decode_chunked(data, "orders.json", sink, chunk_bytes);
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

TEST(ChunkedDecode, GivesTheSameSpansAsTheBufferOnEveryFixture) {
  for (const auto& name : k_fixtures) {
    const std::string data = fixture(name);
    CollectingSink whole;
    const DecodeStats whole_stats = decode_buffer(data, name, whole);
    for (std::size_t chunk : {1U, 2U, 3U, 7U, 16U, 17U, 64U, 1000U, 1U << 20}) {
      CollectingSink chunked;
      const DecodeStats stats = testing::decode_chunked(data, name, chunked, chunk);
      EXPECT_EQ(testing::dump_all(chunked.spans), testing::dump_all(whole.spans))
          << name << " chunk " << chunk;
      EXPECT_EQ(stats.spans, whole_stats.spans);
      EXPECT_EQ(stats.bytes, data.size());
    }
  }
}

TEST(ChunkedDecode, HandlesEscapesAndMultibyteCharactersAcrossChunks) {
  const std::string data =
      R"({"data":[{"traceID":"1","spans":[{"traceID":"1","spanID":"2",)"
      R"("operationName":"Bestellung \u00fcber \ud83d\ude00 \"x\"\n – Grüße 日本",)"
      R"("processID":"p1"}],"processes":{"p1":{"serviceName":"shop"}}}]})";
  CollectingSink whole;
  decode_buffer(data, "x.json", whole);
  ASSERT_EQ(whole.spans.size(), 1U);
  EXPECT_EQ(whole.spans[0].operation, "Bestellung \xC3\xBC"
                                      "ber \xF0\x9F\x98\x80 \"x\"\n \xE2\x80\x93 Gr\xC3\xBC\xC3\x9F"
                                      "e \xE6\x97\xA5\xE6\x9C\xAC");
  for (std::size_t chunk = 1; chunk < 12; ++chunk) {
    CollectingSink chunked;
    testing::decode_chunked(data, "x.json", chunked, chunk);
    EXPECT_EQ(testing::dump_all(chunked.spans), testing::dump_all(whole.spans)) << chunk;
  }
}

TEST(BadInput, EveryTruncationOfAFixtureIsAnInputError) {
  const std::regex place(R"(^orders\.json:\d+:\d+: .+)");
  for (const auto& name : k_fixtures) {
    const std::string data = fixture(name);
    const std::size_t complete = data.rfind('}') + 1;
    for (std::size_t length = 0; length < complete; ++length) {
      const std::string message = error_of(data.substr(0, length));
      ASSERT_TRUE(std::regex_match(message, place))
          << name << " cut at " << length << ": \"" << message << "\"";
    }
  }
}

TEST(BadInput, TruncationErrorsAreTheSameWhenReadInChunks) {
  const std::string data = fixture("ui_01.json");
  for (std::size_t length = 0; length < data.size(); length += 37) {
    const std::string prefix = data.substr(0, length);
    EXPECT_EQ(chunked_error_of(prefix, 5), error_of(prefix)) << length;
  }
}

TEST(BadInput, TruncatedObjectNamesLineAndColumn) {
  const std::string data = fixture("ui_01.json");
  EXPECT_EQ(error_of(data.substr(0, 30)),
            "orders.json:2:29: unexpected end of input inside a string");
  EXPECT_EQ(error_of("{\"data\":[{\"traceID\":\"1\""),
            "orders.json:1:24: unexpected end of input inside an object");
  EXPECT_EQ(error_of("{\"data\":[\n"), "orders.json:2:1: unexpected end of input inside an array");
}

TEST(BadInput, EmptyAndNonTraceDocumentsAreRejected) {
  EXPECT_EQ(error_of(""),
            "orders.json:1:1: not a Jaeger or OTLP JSON trace document (empty input)");
  EXPECT_EQ(error_of("  \n "),
            "orders.json:2:2: not a Jaeger or OTLP JSON trace document (empty input)");
  EXPECT_EQ(error_of("[]"), "orders.json:1:1: not a Jaeger or OTLP JSON trace document (the "
                            "top-level value is an array, not an object)");
  EXPECT_EQ(error_of("42"), "orders.json:1:1: not a Jaeger or OTLP JSON trace document (the "
                            "top-level value is not an object)");
  EXPECT_EQ(error_of("<!DOCTYPE html><html><body>502 Bad Gateway</body></html>"),
            "orders.json:1:1: not a Jaeger or OTLP JSON trace document (it looks like HTML "
            "or XML)");
  EXPECT_EQ(error_of("{\"foo\":1}"), "orders.json:1:2: not a Jaeger or OTLP JSON trace "
                                     "document (unexpected key \"foo\")");
  EXPECT_EQ(error_of("{}"), "orders.json:1:2: not a Jaeger or OTLP JSON trace document (no "
                            "trace data in the object)");
  EXPECT_EQ(error_of("{\"data\":{}}"),
            "orders.json:1:9: expected an array for \"data\", got an object");
}

TEST(BadInput, WrongTypesNameTheField) {
  const std::string prefix = R"({"data":[{"spans":[{"traceID":"1","spanID":"2",)";
  EXPECT_EQ(error_of(prefix + R"("startTime":"soon"}]}]})"),
            "orders.json:1:60: expected an integer for \"startTime\", got the string \"soon\"");
  EXPECT_EQ(error_of(prefix + R"("startTime":true}]}]})"),
            "orders.json:1:60: expected a number for \"startTime\", got a boolean");
  EXPECT_EQ(error_of(prefix + R"("tags":{}}]}]})"),
            "orders.json:1:55: expected an array for \"tags\", got an object");
  EXPECT_EQ(error_of(prefix + R"("operationName":5}]}]})"),
            "orders.json:1:64: expected a string for \"operationName\", got a number");
  EXPECT_EQ(error_of(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":1}]}]}]})"),
            "orders.json:1:55: expected a string for \"traceId\", got a number");
}

TEST(BadInput, MissingOrInvalidIdsNameThePlace) {
  EXPECT_EQ(error_of(R"({"data":[{"spans":[{"spanID":"2"}]}]})"),
            "orders.json:1:33: span without \"traceID\"");
  EXPECT_EQ(error_of(R"({"data":[{"spans":[{"traceID":"xyz","spanID":"2"}]}]})"),
            "orders.json:1:31: invalid trace id \"xyz\" in \"traceID\"");
  EXPECT_EQ(error_of(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01"}]}]}]})"),
            "orders.json:1:59: span without \"spanId\"");
  EXPECT_EQ(error_of(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0"}]}]}]})"),
            "orders.json:1:55: invalid trace id \"0\" in \"traceId\"");
}

TEST(BadInput, InvalidUtf8IsRejected) {
  const auto with_name = [](const std::string& name) {
    return R"({"data":[{"spans":[{"traceID":"1","spanID":"2","operationName":")" + name +
           R"("}]}]})";
  };
  const std::string expected = "orders.json:1:65: invalid UTF-8 in a string";
  EXPECT_EQ(error_of(with_name("\xFF")), expected);
  EXPECT_EQ(error_of(with_name("\xC0\x80")), expected) << "overlong";
  EXPECT_EQ(error_of(with_name("\xED\xA0\x80")), expected) << "encoded surrogate";
  EXPECT_EQ(error_of(with_name("\xF4\x90\x80\x80")), expected) << "beyond U+10FFFF";
  EXPECT_EQ(error_of(with_name("\xC3(")), expected) << "bad continuation";
  EXPECT_EQ(error_of(with_name("\x80")), expected) << "lone continuation";
  EXPECT_EQ(error_of(with_name("ok \xC3\xA9")), "") << "valid";
  EXPECT_EQ(error_of("{\"data\":[],\"x\":\"\xE2\x82"),
            "orders.json:1:19: unexpected end of input inside a string");
}

TEST(BadInput, InvalidEscapesAreRejected) {
  const auto with_name = [](const std::string& name) {
    return R"({"data":[{"spans":[{"traceID":"1","spanID":"2","operationName":")" + name +
           R"("}]}]})";
  };
  EXPECT_EQ(error_of(with_name(R"(\ud800)")),
            "orders.json:1:65: unpaired surrogate in a \\u escape");
  EXPECT_EQ(error_of(with_name(R"(\udc00x)")),
            "orders.json:1:65: unpaired surrogate in a \\u escape");
  EXPECT_EQ(error_of(with_name(R"(\ud800\u0041)")),
            "orders.json:1:65: unpaired surrogate in a \\u escape");
  EXPECT_EQ(error_of(with_name(R"(\u12g4)")), "orders.json:1:65: invalid \\u escape in a string");
  EXPECT_EQ(error_of(with_name(R"(\x)")), "orders.json:1:65: invalid escape sequence in a string");
  EXPECT_EQ(error_of(with_name("tab\there")),
            "orders.json:1:68: unescaped control character byte 0x09 in a string");
}

TEST(BadInput, NulBytesAreRejected) {
  EXPECT_EQ(error_of(std::string("{\"data\":[\0]}", 12)),
            "orders.json:1:10: expected an object for \"data\", got unexpected byte 0x00");
  EXPECT_EQ(error_of(std::string("{\"data\":[],\"x\":\"a\0b\"}", 21)),
            "orders.json:1:18: unescaped control character byte 0x00 in a string");
  EXPECT_EQ(error_of(std::string("\0", 1)), "orders.json:1:1: not a Jaeger or OTLP JSON trace "
                                            "document (the top-level value is not an object)");
}

TEST(BadInput, DeepNestingStopsAtTheDepthLimit) {
  const std::string deep = "{\"data\":[],\"x\":" + std::string(100000, '[');
  EXPECT_EQ(error_of(deep), "orders.json:1:79: nesting deeper than the limit of 64 levels");
  const std::string deep_objects = "{\"data\":[],\"x\":" + [] {
    std::string s;
    for (int i = 0; i < 100000; ++i) {
      s += "{\"a\":";
    }
    return s;
  }();
  EXPECT_NE(error_of(deep_objects).find("nesting deeper than the limit of 64 levels"),
            std::string::npos);
  DecodeLimits limits;
  limits.max_depth = 200000;
  // With the limit lifted, skipping 100000 levels must not recurse.
  EXPECT_EQ(error_of(deep + std::string(100000, ']') + "}", limits), "");
}

TEST(BadInput, HugeNumbersAreClearErrors) {
  const std::string prefix = R"({"data":[{"spans":[{"traceID":"1","spanID":"2",)";
  EXPECT_EQ(error_of(prefix + R"("startTime":99999999999999999999999}]}]})"),
            "orders.json:1:60: number \"99999999999999999999999\" out of range for \"startTime\"");
  EXPECT_EQ(error_of(prefix + R"("startTime":1e400}]}]})"),
            "orders.json:1:60: number \"1e400\" out of range for \"startTime\"");
  EXPECT_EQ(error_of(prefix + R"("startTime":9223372036854776}]}]})"),
            "orders.json:1:60: \"startTime\" out of range")
      << "microseconds overflow as ns";
  EXPECT_EQ(error_of(prefix + R"("startTime":1.5}]}]})"),
            "orders.json:1:60: expected an integer for \"startTime\", got \"1.5\"");
  EXPECT_EQ(error_of(prefix + R"("startTime":01}]}]})"), "orders.json:1:60: invalid number \"01\"");
  EXPECT_EQ(error_of(prefix + R"("startTime":-}]}]})"), "orders.json:1:60: invalid number \"-\"");
  EXPECT_EQ(error_of(R"({"data":[],"x":1e999999999999})"), "") << "skipped numbers are not parsed";
}

TEST(BadInput, SyntaxErrorsAreReported) {
  EXPECT_EQ(error_of(R"({"data":[],})"), "orders.json:1:12: expected a string key, got '}'");
  EXPECT_EQ(error_of(R"({"data" []})"),
            "orders.json:1:9: expected ':' after an object key, got '['");
  EXPECT_EQ(error_of(R"({"data":[] "x":1})"),
            "orders.json:1:12: expected ',' or '}' after an object member, got '\"'");
  EXPECT_EQ(error_of(R"({"data":[{"traceID":"1"} {}]})"),
            "orders.json:1:26: expected ',' or ']' after an array element, got '{'");
  EXPECT_EQ(error_of(R"({"data":nul})"),
            "orders.json:1:9: invalid literal (expected true, false or null)");
  EXPECT_EQ(error_of(R"({'data':[]})"), "orders.json:1:2: expected a string key, got '''");
}

TEST(BadInput, LimitsAreEnforced) {
  DecodeLimits limits;
  limits.max_bytes = 10;
  EXPECT_EQ(error_of(R"({"data":null})", limits),
            "orders.json: input of 13 bytes is larger than the limit of 10 bytes");
  CollectingSink sink;
  EXPECT_THROW(testing::decode_chunked(R"({"data":null})", "orders.json", sink, 4, limits),
               InputError);
  limits = {};
  limits.max_string_bytes = 8;
  EXPECT_EQ(error_of(R"({"data":[],"x":"0123456789"})", limits),
            "orders.json:1:16: string longer than the limit of 8 bytes");
  EXPECT_EQ(error_of(R"({"data":[],"x":"01234567"})", limits), "");
  try {
    testing::decode_chunked(R"({"data":[],"x":")" + std::string(1000, 'a') + "\"}", "orders.json",
                            sink, 3, limits);
    FAIL();
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.what()),
              "orders.json:1:16: string longer than the limit of 8 bytes");
  }
}

TEST(BadInput, ApiV3ErrorIsReportedWithItsMessage) {
  EXPECT_EQ(error_of("{\"error\":{\"httpCode\":404,\"message\":\"No traces found\"}}\n"),
            "orders.json: Jaeger answered with an error: No traces found (HTTP 404)");
}

} // namespace
} // namespace ordertrace::decode

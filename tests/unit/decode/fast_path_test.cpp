// The decoders read the common shapes (tags, attributes, references) through
// JsonReader::Probe and fall back to the checked calls on anything else. A reader fed
// one byte at a time never has a whole value buffered, so every probe fails there: the
// chunked decode is the checked path alone. These tests hold the two to the same spans
// and the same error messages, on documents made to hit the probes' edges and on
// random mutations of them.

#include <ordertrace/decode/decoder.hpp>
#include <ordertrace/util/error.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "decode_test_util.hpp"

namespace ordertrace::decode {
namespace {

using testing::CollectingSink;

// Values that are plain (the probes take them) next to ones that are not.
const char* const k_jaeger_tags[] = {
    R"({"key":"http.method","type":"string","value":"GET"})",
    R"({"key":"http.status_code","type":"int64","value":200})",
    R"({"key":"big","type":"int64","value":"9223372036854775807"})",
    R"({"key":"small","type":"int64","value":-9223372036854775808})",
    R"({"key":"exp","type":"int64","value":1e3})",
    R"({"key":"ratio","type":"float64","value":12.50})",
    R"({"key":"tiny","type":"float64","value":-0.0000000000000001})",
    R"({"key":"sci","type":"float64","value":6.02e23})",
    R"({"key":"nan","type":"float64","value":"NaN"})",
    R"({"key":"hit","type":"bool","value":true})",
    R"({"key":"miss","type":"bool","value":"false"})",
    R"({"key":"esc\"aped","type":"string","value":"a\\b\u00e9"})",
    R"({"key":"utf8","type":"string","value":"Grüße"})",
    R"({"type":"string","key":"order","value":"first"})",
    R"({"value":"before","key":"late","type":"string"})",
    R"({"key":"bin","type":"binary","value":"AAEC"})",
    R"({ "key" : "spaced" , "type" : "int64" , "value" : 7 })",
    R"({"key":"span.kind","type":"string","value":"server"})",
    R"({"key":"error","type":"bool","value":true})",
    R"({"key":"otel.status_code","type":"string","value":"ERROR"})",
    R"({"key":"zero","type":"int64","value":0})",
};

const char* const k_otlp_attributes[] = {
    R"({"key":"http.method","value":{"stringValue":"GET"}})",
    R"({"key":"code","value":{"intValue":"200"}})",
    R"({"key":"plain","value":{"intValue":200}})",
    R"({"key":"max","value":{"intValue":"-9223372036854775808"}})",
    R"({"key":"ratio","value":{"doubleValue":0.25}})",
    R"({"key":"inf","value":{"doubleValue":"Infinity"}})",
    R"({"key":"flag","value":{"boolValue":false}})",
    R"({"key":"bytes","value":{"bytesValue":"AAEC"}})",
    R"({"key":"empty","value":{}})",
    R"({"key":"list","value":{"arrayValue":{"values":[{"intValue":"1"},{"stringValue":"x"}]}}})",
    R"({"value":{"stringValue":"first"},"key":"order"})",
    R"({"key":"two","value":{"stringValue":"a","intValue":"3"}})",
    R"({"key":"esc","value":{"stringValue":"tab\there"}})",
    R"({"key":"@jaeger@warnings","value":{"arrayValue":{"values":[{"stringValue":"w"}]}}})",
};

std::string jaeger_document(std::uint64_t seed) {
  std::string tags;
  for (std::size_t i = 0; i < std::size(k_jaeger_tags); ++i) {
    tags += (i > 0 ? "," : "") + std::string(k_jaeger_tags[(i + seed) % std::size(k_jaeger_tags)]);
  }
  return R"({"data":[{"traceID":"0af7651916cd43dd8448eb211c80319c","spans":[)"
         R"({"traceID":"0af7651916cd43dd8448eb211c80319c","spanID":"b7ad6b7169203331",)"
         R"("operationName":"op","references":[],"startTime":1700000000000000,)"
         R"("duration":5,"tags":[)" +
         tags +
         R"(],"logs":[{"timestamp":1700000000000001,"fields":[)"
         R"({"key":"event","type":"string","value":"e"},)" +
         std::string(k_jaeger_tags[seed % std::size(k_jaeger_tags)]) +
         R"(]}],"processID":"p1","warnings":null},)"
         R"({"traceID":"0af7651916cd43dd8448eb211c80319c","spanID":"00f067aa0ba902b7",)"
         R"("operationName":"child","references":[{"refType":"CHILD_OF",)"
         R"("traceID":"0af7651916cd43dd8448eb211c80319c","spanID":"b7ad6b7169203331"},)"
         R"({"refType":"FOLLOWS_FROM","traceID":"1","spanID":"2"},)"
         R"({"traceID":"0af7651916cd43dd8448eb211c80319d","refType":"CHILD_OF","spanID":"3"}],)"
         R"("startTime":1700000000000002,"duration":1,"tags":[],"processID":"p1"}],)"
         R"("processes":{"p1":{"serviceName":"svc","tags":[)" +
         std::string(k_jaeger_tags[(seed + 3) % std::size(k_jaeger_tags)]) + "]}}}]}";
}

std::string otlp_document(std::uint64_t seed) {
  std::string attributes;
  for (std::size_t i = 0; i < std::size(k_otlp_attributes); ++i) {
    attributes += (i > 0 ? "," : "") +
                  std::string(k_otlp_attributes[(i + seed) % std::size(k_otlp_attributes)]);
  }
  return R"({"resourceSpans":[{"resource":{"attributes":[)"
         R"({"key":"service.name","value":{"stringValue":"svc"}}]},)"
         R"("scopeSpans":[{"scope":{"name":"lib","version":"1"},"spans":[)"
         R"({"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331",)"
         R"("flags":1,"name":"op","kind":2,"startTimeUnixNano":"1700000000000000123",)"
         R"("endTimeUnixNano":"1700000000000000456","attributes":[)" +
         attributes +
         R"(],"events":[{"timeUnixNano":"1700000000000000200","name":"e","attributes":[)" +
         std::string(k_otlp_attributes[seed % std::size(k_otlp_attributes)]) +
         R"(]}],"status":{"code":2,"message":"m"}},)"
         R"({"spanId":"00f067aa0ba902b7","traceId":"0af7651916cd43dd8448eb211c80319c",)"
         R"("parentSpanId":"b7ad6b7169203331","name":"child","kind":"SPAN_KIND_CLIENT",)"
         R"("startTimeUnixNano":1,"endTimeUnixNano":2,"status":{}}]}]}]})";
}

// The spans, or the error message, of a decode: buffered (probes on) or one byte at a
// time (checked path only).
std::string outcome(const std::string& data, bool chunked) {
  try {
    CollectingSink sink;
    if (chunked) {
      testing::decode_chunked(data, "doc.json", sink, 1);
    } else {
      decode_buffer(data, "doc.json", sink);
    }
    std::string out;
    for (const auto& line : testing::dump_all(sink.spans)) {
      out += line + "\n";
    }
    return out;
  } catch (const InputError& error) {
    return std::string("error: ") + error.what();
  }
}

// "error: doc.json:1:17: problem" -> "error: problem"; other outcomes as they are.
std::string without_position(const std::string& outcome) {
  const std::string prefix = "error: doc.json:";
  if (outcome.rfind(prefix, 0) != 0) {
    return outcome;
  }
  const std::size_t line_end = outcome.find(':', prefix.size());
  const std::size_t column_end = outcome.find(": ", line_end + 1);
  return "error: " + outcome.substr(column_end + 2);
}

class Random {
public:
  explicit Random(std::uint64_t seed) : m_state(seed) {}
  std::uint64_t below(std::uint64_t n) {
    std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return (z ^ (z >> 31)) % n;
  }

private:
  std::uint64_t m_state;
};

// One random edit: whitespace after punctuation, a byte replaced by one that matters to
// the probes, a byte dropped, or the document cut short.
std::string mutate(std::string data, Random& random) {
  static const char k_bytes[] = {'"', '\\', '{', '}', '[', ']', ',', ':',    ' ',    '\n',
                                 '0', '9',  '-', '.', 'e', 'a', 'x', '\x01', '\xC3', '\xFF'};
  const std::size_t at = random.below(data.size());
  switch (random.below(4)) {
  case 0: {
    const std::size_t punct = data.find_first_of("{[,:", at);
    if (punct != std::string::npos) {
      data.insert(punct + 1, random.below(2) == 0 ? " " : "\n\t ");
    }
    break;
  }
  case 1:
    data[at] = k_bytes[random.below(sizeof k_bytes)];
    break;
  case 2:
    data.erase(at, 1);
    break;
  default:
    data.resize(at);
    break;
  }
  return data;
}

TEST(FastPath, AgreesWithTheCheckedPathOnEdgeCases) {
  for (std::uint64_t seed = 0; seed < 24; ++seed) {
    for (const std::string& data : {jaeger_document(seed), otlp_document(seed)}) {
      const std::string fast = outcome(data, false);
      EXPECT_EQ(fast.rfind("error: ", 0), std::string::npos) << fast;
      EXPECT_EQ(fast, outcome(data, true)) << data;
    }
  }
}

TEST(FastPath, AgreesWithTheCheckedPathOnRandomMutations) {
  Random random(7);
  for (int round = 0; round < 1500; ++round) {
    const std::uint64_t seed = random.below(100);
    std::string data = round % 2 == 0 ? jaeger_document(seed) : otlp_document(seed);
    const auto edits = 1 + random.below(3);
    for (std::uint64_t i = 0; i < edits && !data.empty(); ++i) {
      data = mutate(std::move(data), random);
    }
    // Errors are compared without their position: a checked-path error reported at a
    // key (fail_at_token) can point elsewhere in chunked mode when the key straddled a
    // refill; that predates the probes and is not what this test is about.
    EXPECT_EQ(without_position(outcome(data, false)), without_position(outcome(data, true)))
        << data;
  }
}

// Plain tags and attributes are gathered as views into the reader's buffer and built
// together; a refill moves the buffer, so whatever chunk boundary falls inside or
// between them, the spans must come out as from the whole buffer.
TEST(FastPath, GatheredPlainAttributesSurviveEveryRefill) {
  std::string jaeger_tags;
  std::string otlp_attributes;
  for (int i = 0; i < 12; ++i) {
    const std::string separator = i > 0 ? (i % 3 == 0 ? ",\n " : ",") : "";
    jaeger_tags += separator + R"({"key":"tag.)" + std::to_string(i) +
                   R"(","type":"string","value":"value number )" + std::to_string(i) + R"("})";
    otlp_attributes += separator + R"({"key":"attribute.)" + std::to_string(i) +
                       R"(","value":{"intValue":")" + std::to_string(1000 + i) + R"("}})";
  }
  const std::string jaeger =
      R"({"data":[{"traceID":"1","spans":[{"traceID":"1","spanID":"2","tags":[)" + jaeger_tags +
      R"(],"processID":"p1"}],"processes":{"p1":{"serviceName":"svc","tags":[)" + jaeger_tags +
      "]}}}]}";
  const std::string otlp =
      R"({"resourceSpans":[{"resource":{"attributes":[)" + otlp_attributes +
      R"(]},"scopeSpans":[{"spans":[{"traceId":"1","spanId":"2","attributes":[)" + otlp_attributes +
      "]}]}]}]}";
  for (const std::string& data : {jaeger, otlp}) {
    CollectingSink whole;
    decode_buffer(data, "doc.json", whole);
    ASSERT_EQ(whole.spans.size(), 1U);
    EXPECT_GE(whole.spans[0].attributes.size(), 12U);
    for (std::size_t chunk = 1; chunk <= data.size(); ++chunk) {
      CollectingSink chunked;
      testing::decode_chunked(data, "doc.json", chunked, chunk);
      ASSERT_EQ(testing::dump_all(chunked.spans), testing::dump_all(whole.spans)) << chunk;
    }
  }
}

TEST(FastPath, WhitespaceBetweenTokensDecodesAsCompactInput) {
  for (std::uint64_t seed = 0; seed < 8; ++seed) {
    for (const std::string& compact : {jaeger_document(seed), otlp_document(seed)}) {
      std::string spaced;
      bool in_string = false;
      for (std::size_t i = 0; i < compact.size(); ++i) {
        const char c = compact[i];
        spaced.push_back(c);
        in_string = (c == '"' && (i == 0 || compact[i - 1] != '\\')) ? !in_string : in_string;
        if (!in_string && (c == ',' || c == ':' || c == '{' || c == '[')) {
          spaced += "\n  ";
        }
      }
      EXPECT_EQ(outcome(spaced, false), outcome(compact, false));
    }
  }
}

} // namespace
} // namespace ordertrace::decode

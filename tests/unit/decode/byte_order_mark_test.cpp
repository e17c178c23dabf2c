// A UTF-8 byte-order mark at the start of a trace file (a Windows editor, PowerShell's
// Out-File) is skipped in both formats and by both readers; anywhere else it stays an error.

#include <ordertrace/decode/decoder.hpp>
#include <ordertrace/util/error.hpp>

#include <gtest/gtest.h>

#include "decode_test_util.hpp"

namespace ordertrace::decode {
namespace {

using testing::CollectingSink;
using testing::fixture;

const std::string k_bom = "\xEF\xBB\xBF";

// The chunk sizes that cut the mark after its first and second byte, and right after it.
const std::size_t k_chunk_sizes[] = {1, 2, 3, 4, 5, std::size_t{1} << 20};

// Decodes `data` with and without a leading mark, in memory and in chunks, and expects the
// same spans and format each time.
void expect_mark_ignored(const std::string& data, Format format) {
  CollectingSink plain;
  const DecodeStats plain_stats = decode_buffer(data, "plain.json", plain);
  ASSERT_GT(plain.spans.size(), 0U);
  EXPECT_EQ(plain_stats.format, format);

  const std::string marked = k_bom + data;
  CollectingSink whole;
  const DecodeStats whole_stats = decode_buffer(marked, "marked.json", whole);
  EXPECT_EQ(whole_stats.format, format);
  EXPECT_EQ(whole_stats.documents, plain_stats.documents);
  EXPECT_EQ(whole_stats.bytes, marked.size());
  EXPECT_EQ(testing::dump_all(whole.spans), testing::dump_all(plain.spans));
  for (const std::size_t chunk : k_chunk_sizes) {
    CollectingSink chunked;
    const DecodeStats stats = testing::decode_chunked(marked, "marked.json", chunked, chunk);
    EXPECT_EQ(stats.format, format) << "chunk " << chunk;
    EXPECT_EQ(stats.bytes, marked.size()) << "chunk " << chunk;
    EXPECT_EQ(testing::dump_all(chunked.spans), testing::dump_all(plain.spans))
        << "chunk " << chunk;
  }
}

// The InputError of the buffer reader, checked to match the chunked reader's ("" when none).
std::string error_of(const std::string& data) {
  std::string messages[2];
  for (int chunked = 0; chunked < 2; ++chunked) {
    CollectingSink sink;
    try {
      if (chunked == 1) {
        testing::decode_chunked(data, "orders.json", sink, 2);
      } else {
        decode_buffer(data, "orders.json", sink);
      }
    } catch (const InputError& error) {
      messages[chunked] = error.what();
    }
  }
  EXPECT_EQ(messages[1], messages[0]) << "the chunked reader disagrees";
  return messages[0];
}

std::string otlp_line(const std::string& span_id) {
  return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":)"
         R"({"stringValue":"shop"}}]},"scopeSpans":[{"spans":[{"traceId":"01","spanId":")" +
         span_id + R"(","name":"op"}]}]}]})";
}

TEST(ByteOrderMark, IsSkippedBeforeJaegerJson) {
  expect_mark_ignored(fixture("ui_01.json"), Format::jaeger_json);
  expect_mark_ignored(fixture("otlp2jaeger-out.json"), Format::jaeger_json);
}

TEST(ByteOrderMark, IsSkippedBeforeOtlpJson) {
  expect_mark_ignored(fixture("otlp2jaeger-in.json"), Format::otlp_json);
  expect_mark_ignored(fixture("GetTrace.json"), Format::otlp_json); // the api_v3 envelope
}

TEST(ByteOrderMark, IsSkippedBeforeOtlpJsonLines) {
  expect_mark_ignored(otlp_line("02") + "\n" + otlp_line("03") + "\n", Format::otlp_json);
  CollectingSink sink;
  const auto stats =
      decode_buffer(k_bom + otlp_line("02") + "\n" + otlp_line("03") + "\n", "x.jsonl", sink);
  EXPECT_EQ(stats.documents, 2U);
  EXPECT_EQ(sink.spans.size(), 2U);
}

TEST(ByteOrderMark, IsAnErrorAnywhereButTheStart) {
  // Before the second line of JSON Lines: not the start of the file.
  EXPECT_EQ(error_of(otlp_line("02") + "\n" + k_bom + otlp_line("03")),
            "orders.json:2:1: not a Jaeger or OTLP JSON trace document (the top-level value is "
            "not an object)");
  // After leading white space, or twice.
  EXPECT_EQ(error_of(" " + k_bom + otlp_line("02")),
            "orders.json:1:2: not a Jaeger or OTLP JSON trace document (the top-level value is "
            "not an object)");
  EXPECT_EQ(error_of(k_bom + k_bom + otlp_line("02")),
            "orders.json:1:4: not a Jaeger or OTLP JSON trace document (the top-level value is "
            "not an object)");
  // Only part of a mark.
  EXPECT_EQ(error_of("\xEF\xBB" + otlp_line("02")),
            "orders.json:1:1: not a Jaeger or OTLP JSON trace document (the top-level value is "
            "not an object)");
}

TEST(ByteOrderMark, AloneIsAnEmptyInput) {
  EXPECT_EQ(error_of(k_bom),
            "orders.json:1:4: not a Jaeger or OTLP JSON trace document (empty input)");
  EXPECT_EQ(error_of(k_bom + "\n"),
            "orders.json:2:1: not a Jaeger or OTLP JSON trace document (empty input)");
}

} // namespace
} // namespace ordertrace::decode

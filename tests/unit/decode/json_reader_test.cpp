// The pull reader on its own: tokens, numbers, skipping, positions.

#include <ordertrace/decode/json_reader.hpp>
#include <ordertrace/util/error.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

namespace ordertrace::decode {
namespace {

class StringSource : public ByteSource {
public:
  explicit StringSource(std::string data) : m_data(std::move(data)) {}
  std::size_t read(char* buffer, std::size_t capacity) override {
    const std::size_t count = std::min(capacity, m_data.size() - m_offset);
    std::memcpy(buffer, m_data.data() + m_offset, count);
    m_offset += count;
    return count;
  }

private:
  std::string m_data;
  std::size_t m_offset = 0;
};

std::string error_of(const std::function<void(JsonReader&)>& body, const std::string& json) {
  JsonReader reader(json, "r.json", DecodeLimits{});
  try {
    body(reader);
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

TEST(JsonReader, PullsObjectsArraysAndScalars) {
  const std::string json =
      R"( {"s":"a\tb","i":-42,"u":18446744073709551615,"d":2.5e-3,"t":true,"n":null,"a":[1,[],{}]} )";
  for (std::size_t chunk : {1U, 2U, 5U, 4096U}) {
    StringSource source(json);
    JsonReader reader(source, "r.json", DecodeLimits{}, chunk);
    EXPECT_FALSE(reader.at_end());
    EXPECT_EQ(reader.peek(), JsonType::object);
    reader.begin_object();
    std::string_view key;
    ASSERT_TRUE(reader.next_key(key));
    EXPECT_EQ(key, "s");
    EXPECT_EQ(reader.read_string(), "a\tb");
    ASSERT_TRUE(reader.next_key(key));
    EXPECT_EQ(key, "i");
    EXPECT_EQ(reader.read_int64(), -42);
    ASSERT_TRUE(reader.next_key(key));
    EXPECT_EQ(reader.read_uint64(), UINT64_MAX);
    ASSERT_TRUE(reader.next_key(key));
    EXPECT_DOUBLE_EQ(reader.read_double(), 0.0025);
    ASSERT_TRUE(reader.next_key(key));
    EXPECT_TRUE(reader.read_bool());
    ASSERT_TRUE(reader.next_key(key));
    EXPECT_TRUE(reader.try_null());
    ASSERT_TRUE(reader.next_key(key));
    EXPECT_EQ(key, "a");
    reader.begin_array();
    ASSERT_TRUE(reader.next_element());
    EXPECT_EQ(reader.read_int64(), 1);
    ASSERT_TRUE(reader.next_element());
    reader.skip_value();
    ASSERT_TRUE(reader.next_element());
    EXPECT_EQ(reader.peek(), JsonType::object);
    reader.skip_value();
    EXPECT_FALSE(reader.next_element());
    EXPECT_FALSE(reader.next_key(key));
    EXPECT_EQ(reader.depth(), 0U);
    EXPECT_TRUE(reader.at_end());
    EXPECT_EQ(reader.bytes_read(), json.size());
  }
}

TEST(JsonReader, IntegerEdgeCases) {
  const auto read = [](const std::string& json, bool allow_string = false) {
    JsonReader reader(json, "r.json", DecodeLimits{});
    return reader.read_int64("v", allow_string);
  };
  EXPECT_EQ(read("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(read("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(read("-0"), 0);
  EXPECT_EQ(read("1E2"), 100);
  EXPECT_EQ(read("\"123\"", true), 123);
  EXPECT_THROW(read("\"123\""), InputError);
  EXPECT_THROW(read("9223372036854775808"), InputError);
  EXPECT_THROW(read("1e19"), InputError);
  EXPECT_THROW(read("\" 1\"", true), InputError);
  JsonReader reader("-1", "r.json", DecodeLimits{});
  EXPECT_THROW(reader.read_uint64("v"), InputError);
}

TEST(JsonReader, NumberGrammarIsStrict) {
  for (const char* bad : {"01", "1.", ".5", "+1", "1e", "1e+", "--1", "1.2.3", "-"}) {
    JsonReader reader(bad, "r.json", DecodeLimits{});
    EXPECT_THROW(reader.read_double(), InputError) << bad;
  }
  JsonReader reader("-0.5e+2", "r.json", DecodeLimits{});
  EXPECT_DOUBLE_EQ(reader.read_double(), -50.0);
}

TEST(JsonReader, SurrogatePairsBecomeUtf8) {
  JsonReader reader(R"("\ud83d\ude00\u00e9\u0000\/")", "r.json", DecodeLimits{});
  EXPECT_EQ(reader.read_string(), std::string("\xF0\x9F\x98\x80\xC3\xA9\0/", 8));
}

TEST(JsonReader, SeveralTopLevelValues) {
  JsonReader reader("{}\n{} \n  {}", "r.json", DecodeLimits{});
  int count = 0;
  std::string_view key;
  while (!reader.at_end()) {
    reader.begin_object();
    EXPECT_FALSE(reader.next_key(key));
    ++count;
  }
  EXPECT_EQ(count, 3);
}

TEST(JsonReader, ErrorsNameLineAndColumn) {
  EXPECT_EQ(error_of([](JsonReader& r) { r.read_int64("startTime"); }, "\n\n   \"x\""),
            "r.json:3:4: expected a number for \"startTime\", got a string");
  EXPECT_EQ(error_of([](JsonReader& r) { r.skip_value(); }, "[1,2,"),
            "r.json:1:6: unexpected end of input inside an array");
  EXPECT_EQ(error_of([](JsonReader& r) { r.skip_value(); }, "[1,]"),
            "r.json:1:4: expected a value, got ']'");
  EXPECT_EQ(error_of([](JsonReader& r) { r.skip_value(); }, "{\"a\":1,\n\"b\" 2}"),
            "r.json:2:5: expected ':' after an object key, got '2'");
  EXPECT_EQ(error_of([](JsonReader& r) { r.skip_value(); }, "tru"),
            "r.json:1:4: unexpected end of input");
  EXPECT_EQ(error_of([](JsonReader& r) { r.skip_value(); }, "trux"),
            "r.json:1:1: invalid literal (expected true, false or null)");
}

TEST(JsonReader, KeySurvivesARefillBeforeTheColon) {
  const std::string json = "{\"a_rather_long_key\"     \n   :  1}";
  for (std::size_t chunk = 1; chunk < 8; ++chunk) {
    StringSource source(json);
    JsonReader reader(source, "r.json", DecodeLimits{}, chunk);
    reader.begin_object();
    std::string_view key;
    ASSERT_TRUE(reader.next_key(key));
    EXPECT_EQ(key, "a_rather_long_key");
    EXPECT_EQ(reader.read_int64(), 1);
  }
}

} // namespace
} // namespace ordertrace::decode

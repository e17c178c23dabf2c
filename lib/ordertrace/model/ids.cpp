#include <ordertrace/model/ids.hpp>
#include <ordertrace/util/strings.hpp>

#include <array>
#include <cstring>

namespace ordertrace::model {
namespace {

constexpr char k_hex_digits[] = "0123456789abcdef";

void append_hex(std::string& out, std::uint64_t value) {
  for (int shift = 60; shift >= 0; shift -= 4) {
    out.push_back(k_hex_digits[(value >> shift) & 0xF]);
  }
}

// Parses 1 to 16 hex digits; false on any other character. Ids are parsed once per
// span and reference on the decoders' hot path, hence the plain loop.
constexpr std::array<std::int8_t, 256> make_hex_table() {
  std::array<std::int8_t, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[static_cast<std::size_t>(c)] =
        static_cast<std::int8_t>(util::hex_digit_value(static_cast<char>(c)));
  }
  return table;
}

constexpr std::array<std::int8_t, 256> k_hex_table = make_hex_table();

// Eight hex digits (the first in the lowest byte of `word`) as a 32-bit value, or false.
// SWAR: the ids' 16 and 32 digits take a few word operations per eight digits instead
// of a table look-up each.
bool parse_hex8(std::uint64_t word, std::uint32_t& value) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  constexpr std::uint64_t high = 0x8080808080808080ULL;
  // Per byte, bit 7 of in_range(lo, hi) is set when lo <= byte <= hi. Bytes are below
  // 0x80 when it is used (checked first), so no addition carries into the next byte.
  const auto in_range = [word](std::uint64_t lo, std::uint64_t hi) {
    return (word + ones * (0x80 - lo)) & ~(word + ones * (0x7F - hi));
  };
  if ((word & high) != 0 ||
      ((in_range('0', '9') | in_range('a', 'f') | in_range('A', 'F')) & high) != high) {
    return false;
  }
  // Letters have bit 6 set: their low nibble plus 9 is their value.
  std::uint64_t nibbles = (word & (ones * 0x0F)) + 9 * ((word >> 6) & ones);
  nibbles = __builtin_bswap64(nibbles); // the first digit most significant
  nibbles = (nibbles | (nibbles >> 4)) & 0x00FF00FF00FF00FFULL;
  nibbles = (nibbles | (nibbles >> 8)) & 0x0000FFFF0000FFFFULL;
  nibbles = (nibbles | (nibbles >> 16)) & 0x00000000FFFFFFFFULL;
  value = static_cast<std::uint32_t>(nibbles);
  return true;
}

bool parse_hex64(std::string_view text, std::uint64_t& value) noexcept {
  if (text.size() == 16) { // the usual length: two SWAR steps
    std::uint64_t first = 0;
    std::uint64_t second = 0;
    std::memcpy(&first, text.data(), 8);
    std::memcpy(&second, text.data() + 8, 8);
    std::uint32_t high = 0;
    std::uint32_t low = 0;
    if (!parse_hex8(first, high) || !parse_hex8(second, low)) {
      return false;
    }
    value = (std::uint64_t{high} << 32) | low;
    return true;
  }
  std::uint64_t result = 0;
  int invalid = 0;
  for (char c : text) {
    const int digit = k_hex_table[static_cast<unsigned char>(c)];
    invalid |= digit; // negative (-1) for a non-hex character
    result = (result << 4) | static_cast<std::uint64_t>(digit & 0xF);
  }
  value = result;
  return invalid >= 0;
}

int base64_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '+' || c == '-') {
    return 62;
  }
  if (c == '/' || c == '_') {
    return 63;
  }
  return -1;
}

// Decodes standard or URL-safe base64 (padding optional) into exactly `Bytes` bytes.
template <std::size_t Bytes>
bool parse_base64(std::string_view text, std::array<std::uint8_t, Bytes>& bytes) {
  while (!text.empty() && text.back() == '=') {
    text.remove_suffix(1);
  }
  if (text.size() != (Bytes * 4 + 2) / 3) {
    return false;
  }
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t out = 0;
  for (char c : text) {
    const int value = base64_value(c);
    if (value < 0) {
      return false;
    }
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (out == Bytes) {
        return false;
      }
      bytes[out++] = static_cast<std::uint8_t>((buffer >> bits) & 0xFF);
    }
  }
  return out == Bytes;
}

std::uint64_t load_big_endian(const std::uint8_t* bytes) noexcept {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) {
    value = (value << 8) | bytes[i];
  }
  return value;
}

} // namespace

std::string TraceId::hex() const {
  std::string out;
  out.reserve(32);
  append_hex(out, high);
  append_hex(out, low);
  return out;
}

std::optional<TraceId> TraceId::parse(std::string_view text) {
  if (!text.empty() && text.size() <= 32) {
    const std::size_t split = text.size() > 16 ? text.size() - 16 : 0;
    TraceId id;
    if (parse_hex64(text.substr(0, split), id.high) && parse_hex64(text.substr(split), id.low)) {
      return id;
    }
  }
  std::array<std::uint8_t, 16> bytes{};
  if (text.size() >= 22 && parse_base64(text, bytes)) {
    return TraceId{load_big_endian(bytes.data()), load_big_endian(bytes.data() + 8)};
  }
  return std::nullopt;
}

std::string SpanId::hex() const {
  std::string out;
  out.reserve(16);
  append_hex(out, value);
  return out;
}

std::optional<SpanId> SpanId::parse(std::string_view text) {
  SpanId id;
  if (!text.empty() && text.size() <= 16 && parse_hex64(text, id.value)) {
    return id;
  }
  std::array<std::uint8_t, 8> bytes{};
  if (text.size() >= 11 && parse_base64(text, bytes)) {
    return SpanId{load_big_endian(bytes.data())};
  }
  return std::nullopt;
}

} // namespace ordertrace::model

#include <ordertrace/decode/json_reader.hpp>
#include <ordertrace/util/error.hpp>
#include <ordertrace/util/strings.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>

namespace ordertrace::decode {
namespace {

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

constexpr std::array<std::uint8_t, 256> k_char_class_table = detail::make_char_classes();

// JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view text) noexcept {
  std::size_t i = 0;
  const std::size_t n = text.size();
  if (i < n && text[i] == '-') {
    ++i;
  }
  if (i == n || !is_digit(text[i])) {
    return false;
  }
  if (text[i] == '0') {
    ++i;
  } else {
    while (i < n && is_digit(text[i])) {
      ++i;
    }
  }
  if (i < n && text[i] == '.') {
    ++i;
    if (i == n || !is_digit(text[i])) {
      return false;
    }
    while (i < n && is_digit(text[i])) {
      ++i;
    }
  }
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) {
      ++i;
    }
    if (i == n || !is_digit(text[i])) {
      return false;
    }
    while (i < n && is_digit(text[i])) {
      ++i;
    }
  }
  return i == n;
}

std::uint64_t load_word(const char* p) noexcept {
  std::uint64_t word = 0;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// SWAR ("SIMD within a register") digit handling: timestamps have 16 to 19 digits, and
// eight at a time take a handful of instructions instead of a loop iteration each.
// `word` holds eight bytes XOR '0' (digits become 0..9), the first byte lowest.
// How many leading bytes are digits:
unsigned leading_digits(std::uint64_t word) noexcept {
  // Per byte: bit 7 set when it is >= 10 (no carry crosses bytes: 0x7F + 0x76 < 0x100).
  const std::uint64_t not_digit =
      (((word & 0x7F7F7F7F7F7F7F7FULL) + 0x7676767676767676ULL) | word) & 0x8080808080808080ULL;
  return not_digit == 0 ? 8 : static_cast<unsigned>(__builtin_ctzll(not_digit)) / 8;
}
// The value of the first `count` (1..8) digits.
std::uint64_t digits_value(std::uint64_t word, unsigned count) noexcept {
  word <<= 8 * (8 - count);       // drop the bytes after them; the zeros shifted in lead
  word = word * 10 + (word >> 8); // pairs of digits
  word = (((word & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
          (((word >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
         32;
  return word;
}

constexpr std::uint64_t k_powers_of_10[] = {1,      10,      100,      1000,     10000,
                                            100000, 1000000, 10000000, 100000000};

// The common case of an integer wholly in the buffer: -?[1-9][0-9]{0,18} or 0, followed
// by a byte that cannot continue a number. False sends the caller down the careful path
// (refills, fractions, exponents, overflow, bad grammar and its messages).
// Inlined: it runs for every timestamp and integer attribute, and a call saves and
// restores registers for what is often a handful of instructions.
[[gnu::always_inline]] inline bool fast_integer(const char* p, const char* end, std::int64_t& value,
                                                const char*& after) {
  const bool negative = p < end && *p == '-';
  p += negative ? 1 : 0;
  const char* digits = p;
  std::uint64_t magnitude = 0;
  if (end - p >= 24) {
    // Straight-line SWAR: up to 8, 16 or 19 digits (timestamps have 16 to 19).
    const std::uint64_t first = load_word(p) ^ 0x3030303030303030ULL;
    const unsigned count = leading_digits(first);
    if (count == 0) {
      return false;
    }
    magnitude = digits_value(first, count);
    p += count;
    if (count == 8) {
      const std::uint64_t second = load_word(p) ^ 0x3030303030303030ULL;
      const unsigned more = leading_digits(second);
      if (more > 0) {
        magnitude = magnitude * k_powers_of_10[more] + digits_value(second, more);
        p += more;
        if (more == 8) {
          const std::uint64_t third = load_word(p) ^ 0x3030303030303030ULL;
          const unsigned rest = leading_digits(third);
          if (rest > 3) {
            return false; // more than 19 digits: out of range or not the common case
          }
          if (rest > 0) { // at most 19 digits in all, so this cannot overflow
            magnitude = magnitude * k_powers_of_10[rest] + digits_value(third, rest);
            p += rest;
          }
        }
      }
    }
  } else {
    // Near the end of the buffer, one by one.
    while (p < end && is_digit(*p) && p - digits < 19) {
      magnitude = magnitude * 10 + static_cast<std::uint64_t>(*p - '0');
      ++p;
    }
  }
  if (p == digits || p == end ||
      (k_char_class_table[static_cast<unsigned char>(*p)] & detail::k_number_char) != 0) {
    return false;
  }
  if (p - digits > 1 && *digits == '0') {
    return false;
  }
  if (negative) {
    if (magnitude > 9223372036854775808ULL) {
      return false;
    }
    value = static_cast<std::int64_t>(0 - magnitude);
  } else {
    if (magnitude > 9223372036854775807ULL) {
      return false;
    }
    value = static_cast<std::int64_t>(magnitude);
  }
  after = p;
  return true;
}

// A plain decimal -?[0-9]+(\.[0-9]+)? of at most 15 significant digits, as most doubles
// in traces are ("12.50"), converted exactly as from_chars would: the digits as an
// integer are exact in a double, and so is 10^k for k <= 22, so their quotient is the
// correctly rounded value (Clinger's fast path). False for anything else.
bool fast_decimal(std::string_view text, double& value) noexcept {
  constexpr double k_exact_powers[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  std::size_t i = text.size() > 0 && text[0] == '-' ? 1 : 0;
  const bool negative = i == 1;
  std::uint64_t mantissa = 0;
  std::size_t digits = 0;
  std::size_t fraction = 0;
  bool point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (is_digit(c)) {
      mantissa = mantissa * 10 + static_cast<std::uint64_t>(c - '0');
      ++digits;
      fraction += point ? 1 : 0;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      return false; // an exponent
    }
  }
  if (digits == 0 || digits > 15) {
    return false;
  }
  value = static_cast<double>(mantissa) / k_exact_powers[fraction];
  value = negative ? -value : value;
  return true;
}

bool is_plain_integer(std::string_view text) noexcept {
  return text.find_first_of(".eE") == std::string_view::npos;
}

// Messages quote input text; keep them one short line.
std::string quote_excerpt(std::string_view text) {
  constexpr std::size_t k_max = 40;
  std::string out;
  for (char c : text.substr(0, k_max)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out.push_back(c);
    }
  }
  if (text.size() > k_max) {
    out += "...";
  }
  return "\"" + out + "\"";
}

std::string describe_byte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte > 0x20 && byte < 0x7F) {
    return fmt::format("'{}'", c);
  }
  return fmt::format("byte 0x{:02X}", byte);
}

std::string for_field(std::string_view field) {
  return field.empty() ? std::string() : fmt::format(" for \"{}\"", field);
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

} // namespace

std::size_t FileByteSource::read(char* buffer, std::size_t capacity) {
  const std::size_t count = std::fread(buffer, 1, capacity, m_file);
  if (count < capacity && std::ferror(m_file) != 0) {
    throw InputError(fmt::format("cannot read {}: {}", m_name, std::strerror(errno)));
  }
  return count;
}

bool JsonReader::Probe::integer(std::int64_t& value, bool allow_string) noexcept {
  skip_spaces();
  if (m_p == m_end) {
    return false;
  }
  const bool quoted = *m_p == '"';
  const char* after = nullptr;
  if ((quoted && !allow_string) || !fast_integer(m_p + (quoted ? 1 : 0), m_end, value, after)) {
    return false;
  }
  // fast_integer() saw a byte after the digits, so *after is readable.
  if (quoted) {
    if (*after != '"') {
      return false;
    }
    ++after;
  }
  m_p = after;
  return true;
}

bool JsonReader::Probe::number(double& value) noexcept {
  skip_spaces();
  const char* after = m_p;
  while (after < m_end && is_class(*after, k_number_char)) {
    ++after;
  }
  // A number reaching the end of the buffer may go on in the next chunk.
  const std::string_view text(m_p, static_cast<std::size_t>(after - m_p));
  if (after == m_end || text.size() > m_reader.m_limits.max_string_bytes || !is_json_number(text)) {
    return false;
  }
  if (fast_decimal(text, value)) {
    m_p = after;
    return true;
  }
  const auto [end, error] = std::from_chars(m_p, after, value);
  if (error != std::errc() || end != after) {
    return false;
  }
  m_p = after;
  return true;
}

bool JsonReader::Probe::literal_spaced(const char* text, std::size_t n, bool in_string) noexcept {
  // Whitespace may stand between JSON tokens: before and after punctuation and strings,
  // never inside a string or a literal such as true.
  const auto is_punctuation = [](char c) {
    return c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':' || c == '"';
  };
  const char* p = m_p;
  for (std::size_t i = 0; i < n; ++i) {
    if (!in_string && (i == 0 || is_punctuation(text[i - 1]) || is_punctuation(text[i]))) {
      while (p < m_end && is_class(*p, k_whitespace)) {
        ++p;
      }
    }
    if (p == m_end || *p != text[i]) {
      return false;
    }
    in_string = text[i] == '"' ? !in_string : in_string;
    ++p;
  }
  m_p = p;
  return true;
}

std::string_view describe(JsonType type) noexcept {
  switch (type) {
  case JsonType::object:
    return "an object";
  case JsonType::array:
    return "an array";
  case JsonType::string:
    return "a string";
  case JsonType::number:
    return "a number";
  case JsonType::boolean:
    return "a boolean";
  case JsonType::null:
    break;
  }
  return "null";
}

JsonReader::JsonReader(std::string_view data, std::string source_name, const DecodeLimits& limits)
    : m_source_name(std::move(source_name)), m_limits(limits), m_begin(data.data()),
      m_pos(data.data()), m_end(data.data() + data.size()), m_exhausted(true),
      m_total_bytes(data.size()) {
  if (data.size() > m_limits.max_bytes) {
    throw InputError(fmt::format("{}: input of {} bytes is larger than the limit of {} bytes",
                                 m_source_name, data.size(), m_limits.max_bytes));
  }
  m_stack.resize(std::min<std::size_t>(m_limits.max_depth, 256));
}

JsonReader::JsonReader(ByteSource& source, std::string source_name, const DecodeLimits& limits,
                       std::size_t chunk_bytes)
    : m_source_name(std::move(source_name)), m_limits(limits), m_source(&source),
      m_chunk_bytes(std::max<std::size_t>(chunk_bytes, 1)) {
  m_storage.resize(m_chunk_bytes);
  m_begin = m_storage.data();
  m_pos = m_begin;
  m_end = m_begin;
  m_stack.resize(std::min<std::size_t>(m_limits.max_depth, 256));
}

bool JsonReader::refill() {
  if (m_exhausted) {
    return false;
  }
  const auto keep = static_cast<std::size_t>(m_end - m_pos);
  // Line numbers of later errors need the newlines of the bytes about to be dropped.
  for (const char* p = m_begin; p < m_pos;) {
    const void* found = std::memchr(p, '\n', static_cast<std::size_t>(m_pos - p));
    if (found == nullptr) {
      break;
    }
    const char* newline = static_cast<const char*>(found);
    ++m_dropped_lines;
    m_last_dropped_newline = static_cast<std::int64_t>(m_base_offset) + (newline - m_begin);
    p = newline + 1;
  }
  m_base_offset += static_cast<std::uint64_t>(m_pos - m_begin);
  const std::ptrdiff_t token_offset =
      (m_token != nullptr && m_token >= m_pos && m_token <= m_end) ? m_token - m_pos : -1;

  char* data = m_storage.data();
  if (keep > 0 && m_pos != data) {
    std::memmove(data, m_pos, keep);
  }
  m_begin = data;
  m_pos = data;
  m_end = data + keep;
  m_token = token_offset >= 0 ? data + token_offset : nullptr;
  // A token may span chunks, but not grow the buffer without bound.
  if (keep > m_limits.max_string_bytes + 64) {
    fail_at(m_pos,
            fmt::format("token longer than the limit of {} bytes", m_limits.max_string_bytes));
  }
  if (m_storage.size() < keep + m_chunk_bytes) {
    m_storage.resize(std::max(m_storage.size() * 2, keep + m_chunk_bytes));
    data = m_storage.data();
    m_token = token_offset >= 0 ? data + token_offset : nullptr;
    m_begin = data;
    m_pos = data;
    m_end = data + keep;
  }
  const std::size_t count = m_source->read(data + keep, m_chunk_bytes);
  m_end = data + keep + count;
  m_total_bytes += count;
  if (m_total_bytes > m_limits.max_bytes) {
    fail_at(m_end, fmt::format("input larger than the limit of {} bytes", m_limits.max_bytes));
  }
  if (count == 0) {
    m_exhausted = true;
    return false;
  }
  return true;
}

bool JsonReader::ensure_available(std::size_t count) {
  while (static_cast<std::size_t>(m_end - m_pos) < count) {
    if (!refill()) {
      return false;
    }
  }
  return true;
}

bool JsonReader::skip_whitespace_slow() {
  for (;;) {
    while (m_pos < m_end) {
#if defined(__SSE2__)
      if (m_end - m_pos >= 16) {
        // Pretty-printed input is mostly indentation: skip it 16 bytes at a time.
        const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(m_pos));
        const __m128i blank =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(chunk, _mm_set1_epi8(' ')),
                                      _mm_cmpeq_epi8(chunk, _mm_set1_epi8('\n'))),
                         _mm_or_si128(_mm_cmpeq_epi8(chunk, _mm_set1_epi8('\r')),
                                      _mm_cmpeq_epi8(chunk, _mm_set1_epi8('\t'))));
        const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(blank)) ^ 0xFFFFU;
        if (mask != 0) {
          m_pos += __builtin_ctz(mask);
          return true;
        }
        m_pos += 16;
        continue;
      }
#endif
      if (!is_class(*m_pos, k_whitespace)) {
        return true;
      }
      ++m_pos;
    }
    if (!refill()) {
      return false;
    }
  }
}

bool JsonReader::skip_byte_order_mark() {
  constexpr std::string_view k_bom = "\xEF\xBB\xBF";
  // Only at the very start: elsewhere it is a stray byte and the usual error applies.
  if (m_base_offset != 0 || m_pos != m_begin || !ensure_available(k_bom.size()) ||
      std::memcmp(m_pos, k_bom.data(), k_bom.size()) != 0) {
    return false;
  }
  m_pos += k_bom.size();
  return true;
}

bool JsonReader::at_end() {
  return !skip_whitespace();
}

JsonType JsonReader::peek() {
  skip_whitespace_expecting_value();
  switch (*m_pos) {
  case '{':
    return JsonType::object;
  case '[':
    return JsonType::array;
  case '"':
    return JsonType::string;
  case 't':
  case 'f':
    return JsonType::boolean;
  case 'n':
    return JsonType::null;
  default:
    if (*m_pos == '-' || is_digit(*m_pos)) {
      return JsonType::number;
    }
  }
  fail_unexpected("a value");
}

void JsonReader::read_key_colon_slow(std::string_view& key) {
  // The key may live in the buffer, which a refill moves.
  m_key_scratch.assign(key.data(), key.size());
  key = m_key_scratch;
  skip_whitespace_expecting_value();
  if (*m_pos != ':') {
    fail_unexpected("':' after an object key");
  }
  ++m_pos;
}

std::string_view JsonReader::scan_string_slow() {
  // Offsets are relative to m_pos (the opening quote), which refills keep stable.
  std::size_t i = 1;
  std::size_t run_start = 1;
  bool escaped = false;
  const auto end_inside_string = [this] {
    fail_at(m_end, "unexpected end of input inside a string");
  };
  for (;;) {
    i = static_cast<std::size_t>(find_string_special(m_pos + i, m_end) - m_pos);
    if (i - 1 > m_limits.max_string_bytes) {
      fail_at(m_pos,
              fmt::format("string longer than the limit of {} bytes", m_limits.max_string_bytes));
    }
    if (m_pos + i == m_end) {
      if (!refill()) {
        end_inside_string();
      }
      continue;
    }
    const auto c = static_cast<unsigned char>(m_pos[i]);
    if (c == '"') {
      std::string_view out(m_pos + 1, i - 1);
      if (escaped) {
        m_scratch.append(m_pos + run_start, m_pos + i);
        out = m_scratch;
      }
      m_pos += i + 1;
      return out;
    }
    if (c == '\\') {
      if (!escaped) {
        m_scratch.clear();
        escaped = true;
      }
      m_scratch.append(m_pos + run_start, m_pos + i);
      if (!ensure_available(i + 2)) {
        end_inside_string();
      }
      const char kind = m_pos[i + 1];
      switch (kind) {
      case '"':
      case '\\':
      case '/':
        m_scratch.push_back(kind);
        break;
      case 'b':
        m_scratch.push_back('\b');
        break;
      case 'f':
        m_scratch.push_back('\f');
        break;
      case 'n':
        m_scratch.push_back('\n');
        break;
      case 'r':
        m_scratch.push_back('\r');
        break;
      case 't':
        m_scratch.push_back('\t');
        break;
      case 'u': {
        const auto read_hex4 = [&](std::size_t at) -> std::uint32_t {
          if (!ensure_available(at + 4)) {
            end_inside_string();
          }
          std::uint32_t value = 0;
          for (std::size_t k = 0; k < 4; ++k) {
            const int digit = util::hex_digit_value(m_pos[at + k]);
            if (digit < 0) {
              fail_at(m_pos + i, "invalid \\u escape in a string");
            }
            value = (value << 4) | static_cast<std::uint32_t>(digit);
          }
          return value;
        };
        std::uint32_t cp = read_hex4(i + 2);
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
          fail_at(m_pos + i, "unpaired surrogate in a \\u escape");
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          // A high surrogate must be followed by an escaped low surrogate.
          if (!ensure_available(i + 8)) {
            end_inside_string();
          }
          if (m_pos[i + 6] != '\\' || m_pos[i + 7] != 'u') {
            fail_at(m_pos + i, "unpaired surrogate in a \\u escape");
          }
          const std::uint32_t low = read_hex4(i + 8);
          if (low < 0xDC00 || low > 0xDFFF) {
            fail_at(m_pos + i, "unpaired surrogate in a \\u escape");
          }
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          i += 6;
        }
        append_utf8(m_scratch, cp);
        i += 4;
        break;
      }
      default:
        fail_at(m_pos + i, "invalid escape sequence in a string");
      }
      i += 2;
      run_start = i;
      continue;
    }
    if (c < 0x20) {
      fail_at(m_pos + i, fmt::format("unescaped control character {} in a string",
                                     describe_byte(static_cast<char>(c))));
    }
    // Non-ASCII: exactly one well-formed UTF-8 sequence (no overlongs, no surrogates).
    if (c < 0xC2 || c > 0xF4) {
      fail_at(m_pos + i, "invalid UTF-8 in a string");
    }
    const std::size_t length = c >= 0xF0 ? 4 : (c >= 0xE0 ? 3 : 2);
    if (!ensure_available(i + length)) {
      end_inside_string();
    }
    const auto* s = reinterpret_cast<const unsigned char*>(m_pos + i);
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (c == 0xE0) {
      low = 0xA0;
    } else if (c == 0xED) {
      high = 0x9F;
    } else if (c == 0xF0) {
      low = 0x90;
    } else if (c == 0xF4) {
      high = 0x8F;
    }
    bool valid = s[1] >= low && s[1] <= high;
    for (std::size_t k = 2; k < length; ++k) {
      valid = valid && s[k] >= 0x80 && s[k] <= 0xBF;
    }
    if (!valid) {
      fail_at(m_pos + i, "invalid UTF-8 in a string");
    }
    i += length;
  }
}

std::string_view JsonReader::scan_number() {
  std::size_t i = 0;
  for (;;) {
    while (m_pos + i < m_end && is_class(m_pos[i], k_number_char)) {
      ++i;
    }
    if (i > m_limits.max_string_bytes) {
      fail_at(m_pos,
              fmt::format("number longer than the limit of {} bytes", m_limits.max_string_bytes));
    }
    if (m_pos + i < m_end || !refill()) {
      break;
    }
  }
  const std::string_view text(m_pos, i);
  if (!is_json_number(text)) {
    fail_at(m_pos, fmt::format("invalid number {}", quote_excerpt(text)));
  }
  m_pos += i;
  return text;
}

std::int64_t JsonReader::parse_int64(std::string_view text, std::string_view field) {
  const bool negative = text.front() == '-';
  const std::string_view digits = text.substr(negative ? 1 : 0);
  if (digits.size() <= 18 && is_plain_integer(digits)) [[likely]] {
    std::int64_t value = 0;
    for (char c : digits) {
      value = value * 10 + (c - '0');
    }
    return negative ? -value : value;
  }
  if (is_plain_integer(text)) {
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
      fail_at_token(fmt::format("number {} out of range{}", quote_excerpt(text), for_field(field)));
    }
    return value;
  }
  // "1e3" or "1000.0": fine when integral; doubles are exact up to 2^53 only, but an
  // integer written in float notation is approximate anyway.
  const double value = parse_double(text, field, false);
  if (!(value >= -9223372036854775808.0 && value < 9223372036854775808.0)) {
    fail_at_token(fmt::format("number {} out of range{}", quote_excerpt(text), for_field(field)));
  }
  if (std::trunc(value) != value) {
    fail_at_token(
        fmt::format("expected an integer{}, got {}", for_field(field), quote_excerpt(text)));
  }
  return static_cast<std::int64_t>(value);
}

std::uint64_t JsonReader::parse_uint64(std::string_view text, std::string_view field) {
  if (text.front() == '-') {
    const std::int64_t value = parse_int64(text, field);
    if (value != 0) {
      fail_at_token(fmt::format("expected a non-negative number{}, got {}", for_field(field),
                                quote_excerpt(text)));
    }
    return 0;
  }
  if (is_plain_integer(text)) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
      fail_at_token(fmt::format("number {} out of range{}", quote_excerpt(text), for_field(field)));
    }
    return value;
  }
  const double value = parse_double(text, field, false);
  if (!(value >= 0.0 && value < 18446744073709551616.0)) {
    fail_at_token(fmt::format("number {} out of range{}", quote_excerpt(text), for_field(field)));
  }
  if (std::trunc(value) != value) {
    fail_at_token(
        fmt::format("expected an integer{}, got {}", for_field(field), quote_excerpt(text)));
  }
  return static_cast<std::uint64_t>(value);
}

double JsonReader::parse_double(std::string_view text, std::string_view field, bool from_string) {
  if (from_string && !is_json_number(text)) {
    if (text == "NaN") {
      return std::nan("");
    }
    if (text == "Infinity") {
      return HUGE_VAL;
    }
    if (text == "-Infinity") {
      return -HUGE_VAL;
    }
    fail_at_token(fmt::format("expected a number{}, got the string {}", for_field(field),
                              quote_excerpt(text)));
  }
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    fail_at_token(fmt::format("number {} out of range{}", quote_excerpt(text), for_field(field)));
  }
  return value;
}

std::int64_t JsonReader::read_int64(std::string_view field, bool allow_string) {
  skip_whitespace_expecting_value();
  const char c = *m_pos;
  std::int64_t value = 0;
  const char* after = nullptr;
  if (c == '"' && allow_string && fast_integer(m_pos + 1, m_end, value, after) && *after == '"') {
    m_token = m_pos;
    m_pos = after + 1;
    return value;
  }
  if (c != '"' && fast_integer(m_pos, m_end, value, after)) {
    m_token = m_pos;
    m_pos = after;
    return value;
  }
  return parse_int64(scan_integer_text(field, allow_string), field);
}

std::uint64_t JsonReader::read_uint64(std::string_view field, bool allow_string) {
  skip_whitespace_expecting_value();
  return parse_uint64(scan_integer_text(field, allow_string), field);
}

std::string_view JsonReader::scan_integer_text(std::string_view field, bool allow_string) {
  const char c = *m_pos;
  if (c == '-' || is_digit(c)) {
    m_token = m_pos;
    return scan_number();
  }
  if (c == '"' && allow_string) {
    m_token = m_pos;
    const std::string_view text = scan_string();
    if (!is_json_number(text)) {
      fail_at_token(fmt::format("expected an integer{}, got the string {}", for_field(field),
                                quote_excerpt(text)));
    }
    return text;
  }
  fail_type("a number", field);
}

double JsonReader::read_double(std::string_view field, bool allow_string) {
  skip_whitespace_expecting_value();
  const char c = *m_pos;
  if (c == '-' || is_digit(c)) {
    m_token = m_pos;
    return parse_double(scan_number(), field, false);
  }
  if (c == '"' && allow_string) {
    m_token = m_pos;
    return parse_double(scan_string(), field, true);
  }
  fail_type("a number", field);
}

std::string_view JsonReader::read_number_text(std::string_view field) {
  skip_whitespace_expecting_value();
  const char c = *m_pos;
  if (c == '-' || is_digit(c)) {
    m_token = m_pos;
    return scan_number();
  }
  fail_type("a number", field);
}

void JsonReader::expect_literal(std::string_view literal) {
  if (!ensure_available(literal.size())) {
    // Report a truncated literal as such, not as a misspelling.
    if (std::string_view(m_pos, static_cast<std::size_t>(m_end - m_pos)) ==
        literal.substr(0, static_cast<std::size_t>(m_end - m_pos))) {
      fail_end_of_input();
    }
    fail_at(m_pos, "invalid literal (expected true, false or null)");
  }
  if (std::memcmp(m_pos, literal.data(), literal.size()) != 0) {
    fail_at(m_pos, "invalid literal (expected true, false or null)");
  }
  m_token = m_pos;
  m_pos += literal.size();
}

bool JsonReader::read_bool(std::string_view field) {
  skip_whitespace_expecting_value();
  if (*m_pos == 't') {
    expect_literal("true");
    return true;
  }
  if (*m_pos == 'f') {
    expect_literal("false");
    return false;
  }
  fail_type("a boolean", field);
}

bool JsonReader::try_null() {
  skip_whitespace_expecting_value();
  if (*m_pos != 'n') {
    return false;
  }
  expect_literal("null");
  return true;
}

void JsonReader::skip_value() {
  const std::size_t base_depth = m_depth;
  for (;;) {
    switch (peek()) {
    case JsonType::object:
      begin_object();
      break;
    case JsonType::array:
      begin_array();
      break;
    case JsonType::string:
      m_token = m_pos;
      scan_string();
      break;
    case JsonType::number:
      m_token = m_pos;
      scan_number();
      break;
    case JsonType::boolean:
      read_bool();
      break;
    case JsonType::null:
      try_null();
      break;
    }
    // Move on to the next value inside the containers opened here, if any.
    for (;;) {
      if (m_depth == base_depth) {
        return;
      }
      bool more = false;
      if ((m_stack[m_depth - 1] & k_in_object) != 0) {
        std::string_view key;
        more = next_key(key);
      } else {
        more = next_element();
      }
      if (more) {
        break;
      }
    }
  }
}

void JsonReader::fail(std::string_view problem) const {
  fail_at(m_pos, problem);
}

void JsonReader::fail_at_token(std::string_view problem) const {
  fail_at(m_token != nullptr ? m_token : m_pos, problem);
}

void JsonReader::fail_at(const char* position, std::string_view problem) const {
  if (position == nullptr || position < m_begin || position > m_end) {
    position = m_pos;
  }
  std::uint64_t line = m_dropped_lines + 1;
  std::int64_t last_newline = m_last_dropped_newline;
  for (const char* p = m_begin; p < position; ++p) {
    if (*p == '\n') {
      ++line;
      last_newline = static_cast<std::int64_t>(m_base_offset) + (p - m_begin);
    }
  }
  const auto offset = static_cast<std::int64_t>(m_base_offset) + (position - m_begin);
  throw InputError(
      fmt::format("{}:{}:{}: {}", m_source_name, line, offset - last_newline, problem));
}

void JsonReader::fail_end_of_input() const {
  std::string_view where;
  if (m_depth > 0) {
    where = (m_stack[m_depth - 1] & k_in_object) != 0 ? " inside an object" : " inside an array";
  }
  fail_at(m_end, fmt::format("unexpected end of input{}", where));
}

void JsonReader::fail_type(std::string_view expected, std::string_view field) const {
  std::string got;
  switch (*m_pos) {
  case '{':
    got = "an object";
    break;
  case '[':
    got = "an array";
    break;
  case '"':
    got = "a string";
    break;
  case 't':
  case 'f':
    got = "a boolean";
    break;
  case 'n':
    got = "null";
    break;
  default:
    got = (*m_pos == '-' || is_digit(*m_pos)) ? "a number" : "unexpected " + describe_byte(*m_pos);
  }
  fail_at(m_pos, fmt::format("expected {}{}, got {}", expected, for_field(field), got));
}

void JsonReader::fail_unexpected(std::string_view expected) const {
  fail_at(m_pos, fmt::format("expected {}, got {}", expected, describe_byte(*m_pos)));
}

void JsonReader::fail_depth() const {
  fail_at(m_pos, fmt::format("nesting deeper than the limit of {} levels", m_limits.max_depth));
}

} // namespace ordertrace::decode

#pragma once
// A strict, streaming JSON pull reader for the decoders' hot path. It reads either one
// buffer in memory or a ByteSource in chunks (so a huge file is never held whole),
// hands out strings as views into its buffer when they need no unescaping, and
// validates as it goes: JSON syntax, UTF-8 in strings, \u escapes and surrogate pairs,
// number grammar and range, nesting depth, input size and string length. Every
// problem is an InputError "<source>:<line>:<column>: <problem>" (column in bytes).
//
// Several top-level values may follow one another (JSON Lines): read one, then ask
// at_end() whether another follows.

#include <ordertrace/decode/decoder.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ordertrace::decode {

// Where a chunked reader's bytes come from.
class ByteSource {
public:
  virtual ~ByteSource() = default;
  // Copies up to `capacity` bytes into `buffer` and returns how many; returns 0 only
  // at the end of the input. Throws InputError when the source cannot be read.
  virtual std::size_t read(char* buffer, std::size_t capacity) = 0;
};

// Reads a C stream (a file, stdin) that the caller opened and will close.
class FileByteSource final : public ByteSource {
public:
  // `name` only appears in the message of a read error.
  FileByteSource(std::FILE* file, std::string name) : m_file(file), m_name(std::move(name)) {}
  // Throws InputError "cannot read <name>: <reason>" on a read error.
  std::size_t read(char* buffer, std::size_t capacity) override;

private:
  std::FILE* m_file;
  std::string m_name;
};

namespace detail {

// Character classes for the reader's scanning loops.
constexpr std::uint8_t k_whitespace = 1;
constexpr std::uint8_t k_string_special = 2; // '"', '\\', controls, non-ASCII
constexpr std::uint8_t k_number_char = 4;

constexpr std::array<std::uint8_t, 256> make_char_classes() {
  std::array<std::uint8_t, 256> table{};
  for (unsigned c : {' ', '\t', '\n', '\r'}) {
    table[c] |= k_whitespace;
  }
  for (unsigned c = 0; c < 256; ++c) {
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
      table[c] |= k_string_special;
    }
    if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
      table[c] |= k_number_char;
    }
  }
  return table;
}

} // namespace detail

// Whether the `n` bytes at `a` and `b` are equal, for short n: 4 to 32 bytes are
// compared as (overlapping) words rather than through a call to memcmp.
inline bool same_bytes(const char* a, const char* b, std::size_t n) noexcept {
  const auto word = [](const char* p) {
    std::uint64_t value = 0;
    std::memcpy(&value, p, sizeof value);
    return value;
  };
  const auto half = [](const char* p) {
    std::uint32_t value = 0;
    std::memcpy(&value, p, sizeof value);
    return value;
  };
  if (n >= 4 && n < 8) {
    return ((half(a) ^ half(b)) | (half(a + n - 4) ^ half(b + n - 4))) == 0;
  }
  if (n >= 8 && n <= 32) {
    const std::uint64_t middle =
        n > 16 ? (word(a + 8) ^ word(b + 8)) | (word(a + n - 16) ^ word(b + n - 16)) : 0;
    return ((word(a) ^ word(b)) | (word(a + n - 8) ^ word(b + n - 8)) | middle) == 0;
  }
  return std::memcmp(a, b, n) == 0;
}

// Whether `text` equals `literal`: the fixed length lets the compiler inline the compare,
// which matters for the many key dispatches per span.
template <std::size_t N>
inline bool equals(std::string_view text, const char (&literal)[N]) noexcept {
  return text.size() == N - 1 && std::memcmp(text.data(), literal, N - 1) == 0;
}

enum class JsonType : std::uint8_t { object, array, string, number, boolean, null };

// "an object", "a string", ... for messages such as "expected a number, got a string".
std::string_view describe(JsonType type) noexcept;

class JsonReader {
public:
  static constexpr std::size_t k_default_chunk_bytes = std::size_t{1} << 20;

  // Reads `data`, which must outlive the reader. Throws InputError when `data` is
  // larger than limits.max_bytes.
  JsonReader(std::string_view data, std::string source_name, const DecodeLimits& limits);
  // Reads `source` in chunks of `chunk_bytes` (at least 1); the source must outlive
  // the reader. The buffer grows only to hold a token longer than a chunk.
  JsonReader(ByteSource& source, std::string source_name, const DecodeLimits& limits,
             std::size_t chunk_bytes = k_default_chunk_bytes);
  JsonReader(const JsonReader&) = delete;
  JsonReader& operator=(const JsonReader&) = delete;

  // Before anything else is read: consumes a UTF-8 byte-order mark (EF BB BF) and returns
  // true, else consumes nothing. Windows editors and PowerShell start files with one.
  bool skip_byte_order_mark();
  // Between top-level values only: skips whitespace and returns true when no further
  // value follows.
  bool at_end();
  // The type of the next value, judged from its first byte; consumes nothing. Throws
  // at the end of the input or on a byte that cannot start a value.
  JsonType peek();

  // Each read_* / begin_* call below consumes the next value. `field` names the member
  // being read for messages ("expected a number for "startTime", got a string"); it may
  // be empty. Each throws InputError when the value has another type or is malformed.

  // Enters an object; then call next_key() until it returns false.
  void begin_object(std::string_view field = {});
  // Returns false (and leaves the object) at its closing brace; otherwise sets `key`
  // and returns true, and the caller must then consume the member's value. `key` is
  // valid until the next call on this reader.
  bool next_key(std::string_view& key);
  // For decoders that know the order a writer puts an object's members in: when the
  // next member's key is `quoted_key` (written with its quotes and colon, '"spanID":')
  // and directly follows the previous member's comma, consumes it as next_key() would
  // and returns true; otherwise consumes nothing and returns false, and the caller
  // asks next_key(). A guess costs one compare instead of a key scan and a dispatch.
  bool next_key_is(std::string_view quoted_key) noexcept;
  // Enters an array; then call next_element() until it returns false.
  void begin_array(std::string_view field = {});
  // Returns false (and leaves the array) at its closing bracket; otherwise true, and
  // the caller must then consume the element.
  bool next_element();

  // The unescaped string, valid until the next call on this reader.
  std::string_view read_string(std::string_view field = {});
  // An integral number. A number written with a fraction or exponent is accepted when
  // its value is integral ("1e3"); with `allow_string`, so is a string holding a JSON
  // number ("9223372036854775222", as Jaeger and OTLP write large integers). Throws
  // when the value does not fit.
  std::int64_t read_int64(std::string_view field = {}, bool allow_string = false);
  // As read_int64, for non-negative values up to 2^64-1.
  std::uint64_t read_uint64(std::string_view field = {}, bool allow_string = false);
  // A number; with `allow_string` also a string holding a number or "NaN", "Infinity",
  // "-Infinity" (as protobuf's JSON mapping writes them). Throws when out of range.
  double read_double(std::string_view field = {}, bool allow_string = false);
  // The validated text of a number token, valid until the next call on this reader.
  std::string_view read_number_text(std::string_view field = {});
  bool read_bool(std::string_view field = {});
  // Consumes a null and returns true; returns false (consuming nothing) otherwise.
  bool try_null();
  // The first byte of the next value without consuming it, for callers that judge
  // what a document is before reading it. Throws at the end of the input.
  char peek_byte() {
    skip_whitespace_expecting_value();
    return *m_pos;
  }
  // Consumes and validates the next value of any type, without recursion.
  void skip_value();
  // Whether the next byte is buffered and not white space, so that next_element() or
  // next_key() will not refill the buffer: views into it (Probe results) then stay
  // valid across that call. Always true for in-memory input, which never moves.
  bool next_is_buffered() const noexcept {
    return m_source == nullptr || (m_pos < m_end && !is_class(*m_pos, k_whitespace));
  }

  // Throws "expected <expected> for "<field>", got <what the next value is>" - for
  // values that may have one of several types, after peek() ruled them all out.
  [[noreturn]] void fail_unexpected_type(std::string_view expected, std::string_view field) {
    skip_whitespace_expecting_value();
    fail_type(expected, field);
  }
  // Throws InputError "<source>:<line>:<column>: <problem>" at the current position.
  [[noreturn]] void fail(std::string_view problem) const;
  // As fail(), at the first byte of the value or key last read (or of the closing
  // bracket when next_key()/next_element() returned false) - for problems found in a
  // value after reading it, such as an invalid id.
  [[noreturn]] void fail_at_token(std::string_view problem) const;

  // Speculative reading for the decoders' fast paths (see Probe below).
  class Probe;

  const std::string& source_name() const noexcept { return m_source_name; }
  // Bytes taken from the input so far.
  std::uint64_t bytes_read() const noexcept { return m_total_bytes; }
  // Open objects and arrays.
  std::size_t depth() const noexcept { return m_depth; }

private:
  static constexpr std::uint8_t k_in_object = 1;
  static constexpr std::uint8_t k_first = 2;
  static constexpr std::uint8_t k_whitespace = detail::k_whitespace;
  static constexpr std::uint8_t k_string_special = detail::k_string_special;
  static constexpr std::uint8_t k_number_char = detail::k_number_char;

  static constexpr std::array<std::uint8_t, 256> k_char_class = detail::make_char_classes();

  static bool is_class(char c, std::uint8_t mask) noexcept {
    return (k_char_class[static_cast<unsigned char>(c)] & mask) != 0;
  }

  // Skips whitespace, refilling as needed; false at the end of the input.
  bool skip_whitespace() {
    if (m_pos < m_end && !is_class(*m_pos, k_whitespace)) {
      return true;
    }
    return skip_whitespace_slow();
  }
  bool skip_whitespace_slow();
  // As skip_whitespace(), but the end of the input is an error.
  void skip_whitespace_expecting_value() {
    if (!skip_whitespace()) {
      fail_end_of_input();
    }
  }
  // Moves the unread bytes to the front of the buffer and appends the next chunk;
  // false when the input is exhausted. Invalidates pointers into the buffer.
  bool refill();
  // Makes at least `count` bytes available from m_pos; false if the input ends first.
  bool ensure_available(std::size_t count);

  // m_pos is at an opening quote: the string, unescaped, valid until the next call.
  std::string_view scan_string() {
    const char* p = find_string_special(m_pos + 1, m_end);
    if (p < m_end && *p == '"') [[likely]] {
      const auto length = static_cast<std::size_t>(p - m_pos - 1);
      if (length <= m_limits.max_string_bytes) [[likely]] {
        std::string_view out(m_pos + 1, length);
        m_pos = p + 1;
        return out;
      }
    }
    return scan_string_slow();
  }
  std::string_view scan_string_slow();
  // m_pos is at the first byte of a number: its validated text.
  std::string_view scan_number();
  std::int64_t parse_int64(std::string_view text, std::string_view field);
  std::uint64_t parse_uint64(std::string_view text, std::string_view field);
  double parse_double(std::string_view text, std::string_view field, bool from_string);
  void expect_literal(std::string_view literal);
  void push(std::uint8_t state);
  void read_key_colon_slow(std::string_view& key);

  [[noreturn]] void fail_at(const char* position, std::string_view problem) const;
  [[noreturn]] void fail_end_of_input() const;
  [[noreturn]] void fail_type(std::string_view expected, std::string_view field) const;
  // The text of the integer at the cursor (a number, or with `allow_string` a string
  // holding one), for read_int64/read_uint64 to convert; fails naming `field` otherwise.
  std::string_view scan_integer_text(std::string_view field, bool allow_string);
  [[noreturn]] void fail_unexpected(std::string_view expected) const;
  [[noreturn]] void fail_depth() const;

  // The first byte in [p, end) that is '"', '\\', a control or non-ASCII byte, or end.
  static const char* find_string_special(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    while (end - p >= 16) {
      const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      // Signed compare: bytes below 0x20 and bytes >= 0x80 (negative) are both "less".
      const __m128i special =
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(chunk, quote), _mm_cmpeq_epi8(chunk, backslash)),
                       _mm_cmplt_epi8(chunk, space));
      const int mask = _mm_movemask_epi8(special);
      if (mask != 0) {
        return p + __builtin_ctz(static_cast<unsigned>(mask));
      }
      p += 16;
    }
#endif
    while (p < end && !is_class(*p, k_string_special)) {
      ++p;
    }
    return p;
  }

  std::string m_source_name;
  DecodeLimits m_limits;
  ByteSource* m_source = nullptr;
  std::size_t m_chunk_bytes = 0;
  std::vector<char> m_storage; // chunked mode only
  const char* m_begin = nullptr;
  const char* m_pos = nullptr;
  const char* m_end = nullptr;
  const char* m_token = nullptr; // start of the value last read, for fail_at_token()
  bool m_exhausted = false;
  std::uint64_t m_total_bytes = 0;
  // Position bookkeeping for the bytes already dropped from the buffer.
  std::uint64_t m_base_offset = 0;          // absolute offset of m_begin
  std::uint64_t m_dropped_lines = 0;        // newlines before m_begin
  std::int64_t m_last_dropped_newline = -1; // absolute offset of the last of them
  // k_in_object | k_first per open container; m_stack[0, m_depth) are in use. Sized
  // ahead rather than pushed to, as this is touched for every value.
  std::vector<std::uint8_t> m_stack;
  std::size_t m_depth = 0;
  std::string m_scratch;     // unescaped strings, tokens crossing chunks
  std::string m_key_scratch; // a key that had to survive a refill
};

// A speculative reader for the decoders' fast paths. Most of a trace file is small
// objects of one fixed shape (a tag, an attribute), and reading them through the pull
// calls above costs ~60 instructions per key. A Probe instead matches the expected bytes
// directly over what is already buffered, accepting only the plain case: the expected
// keys in the expected order, ASCII strings without escapes, integers that fit. Any
// method returning false means "not the plain case"; the caller then drops the probe
// and reads the same value again through the checked calls, which give the usual
// result or message. Nothing is consumed before commit(), so no error message, chunk
// boundary or limit behaves differently: a probe never looks past the buffered bytes.
class JsonReader::Probe {
public:
  // Probes a value that opens `nesting` objects/arrays; when those would exceed the
  // depth limit the probe fails at once (and the checked calls report the depth).
  Probe(JsonReader& reader, std::size_t nesting) noexcept
      : m_reader(reader), m_start(reader.m_pos), m_p(reader.m_pos),
        m_end(reader.m_depth + nesting <= reader.m_limits.max_depth ? reader.m_end : reader.m_pos) {
  }
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

  // Matches `text`, JSON punctuation and keys such as R"(,"value":)": a string in it
  // must be whole or opened at its end, or with `in_string`, the text starts inside a
  // string that literal() opened (R"(int64","value":)"). Compact JSON matches with one
  // compare; pretty-printed JSON takes literal_spaced(), which allows whitespace between
  // tokens.
  template <std::size_t N> bool literal(const char (&text)[N], bool in_string = false) noexcept {
    constexpr std::size_t n = N - 1;
    if (static_cast<std::size_t>(m_end - m_p) >= n && std::memcmp(m_p, text, n) == 0) [[likely]] {
      m_p += n;
      return true;
    }
    return literal_spaced(text, n, in_string);
  }
  // The next byte, or '\0' at the end of the buffered bytes.
  char peek() const noexcept { return m_p < m_end ? *m_p : '\0'; }
  // The rest of a string whose opening quote literal() matched, through its closing
  // quote: only ASCII without escapes or controls, within the length limit.
  bool string_body(std::string_view& out) noexcept {
    const char* close = find_string_special(m_p, m_end);
    if (close == m_end || *close != '"' ||
        static_cast<std::size_t>(close - m_p) > m_reader.m_limits.max_string_bytes) {
      return false;
    }
    out = std::string_view(m_p, static_cast<std::size_t>(close - m_p));
    m_p = close + 1;
    return true;
  }
  // A whole string value, opening quote included.
  bool string(std::string_view& out) noexcept {
    skip_spaces();
    if (m_p == m_end || *m_p != '"') {
      return false;
    }
    ++m_p;
    return string_body(out);
  }
  // An integer written plainly (-?(0|[1-9][0-9]{0,18})) that fits; with `allow_string`
  // also one in quotes, as Jaeger and OTLP write large integers.
  bool integer(std::int64_t& value, bool allow_string) noexcept;
  // A number; from_chars does the conversion, as in read_double().
  bool number(double& value) noexcept;
  bool boolean(bool& value) noexcept {
    skip_spaces();
    if (literal("true")) {
      value = true;
      return true;
    }
    value = false;
    return literal("false");
  }
  // Consumes what the probe read; the value's first byte becomes the token that
  // fail_at_token() points at.
  void commit() noexcept {
    m_reader.m_token = m_start;
    m_reader.m_pos = m_p;
  }

private:
  void skip_spaces() noexcept {
    while (m_p < m_end && is_class(*m_p, k_whitespace)) {
      ++m_p;
    }
  }
  bool literal_spaced(const char* text, std::size_t n, bool in_string) noexcept;

  JsonReader& m_reader;
  const char* m_start;
  const char* m_p;
  const char* m_end;
};

inline bool JsonReader::next_key(std::string_view& key) {
  skip_whitespace_expecting_value();
  std::uint8_t& state = m_stack[m_depth - 1];
  char c = *m_pos;
  if (c == '}') {
    m_token = m_pos;
    ++m_pos;
    --m_depth;
    return false;
  }
  if ((state & k_first) != 0) {
    state = k_in_object;
  } else {
    if (c != ',') {
      fail_unexpected("',' or '}' after an object member");
    }
    ++m_pos;
    skip_whitespace_expecting_value();
    c = *m_pos;
  }
  if (c != '"') {
    fail_unexpected("a string key");
  }
  m_token = m_pos;
  key = scan_string();
  if (m_pos < m_end && *m_pos == ':') [[likely]] {
    ++m_pos;
    return true;
  }
  read_key_colon_slow(key);
  return true;
}

// A member key a decoder knows, as writers put it ('"spanID":'), and what it means.
template <typename Member> struct KnownKey {
  std::string_view quoted;
  Member member;
};

// Reads the next member key of an object whose known keys are listed in `keys` in the
// order writers usually put them: tries keys[guess] first (see next_key_is()), else reads
// the key and looks it up; guess then follows the key found. Returns false at the end
// of the object; sets `member` to `unknown` for a key not listed.
template <typename Member, std::size_t N>
bool next_member(JsonReader& reader, const KnownKey<Member> (&keys)[N], std::size_t& guess,
                 Member& member, Member unknown) {
  // Optional members are often left out, so a miss tries the keys after the guess too.
  for (std::size_t i = guess; i < N; ++i) {
    if (reader.next_key_is(keys[i].quoted)) [[likely]] {
      member = keys[i].member;
      guess = i + 1;
      return true;
    }
  }
  std::string_view key;
  if (!reader.next_key(key)) {
    return false;
  }
  for (std::size_t i = 0; i < N; ++i) {
    if (key == keys[i].quoted.substr(1, keys[i].quoted.size() - 3)) {
      member = keys[i].member;
      guess = i + 1;
      return true;
    }
  }
  member = unknown;
  return true;
}

inline bool JsonReader::next_key_is(std::string_view quoted_key) noexcept {
  std::uint8_t& state = m_stack[m_depth - 1];
  const char* p = m_pos;
  if ((state & k_first) == 0) {
    if (p == m_end || *p != ',') {
      return false;
    }
    ++p;
  }
  if (static_cast<std::size_t>(m_end - p) < quoted_key.size() ||
      !same_bytes(p, quoted_key.data(), quoted_key.size())) {
    return false;
  }
  state = k_in_object;
  m_token = p;
  m_pos = p + quoted_key.size();
  return true;
}

inline bool JsonReader::next_element() {
  skip_whitespace_expecting_value();
  std::uint8_t& state = m_stack[m_depth - 1];
  const char c = *m_pos;
  if (c == ']') {
    m_token = m_pos;
    ++m_pos;
    --m_depth;
    return false;
  }
  if ((state & k_first) != 0) {
    state = 0;
    return true;
  }
  if (c != ',') {
    fail_unexpected("',' or ']' after an array element");
  }
  ++m_pos;
  return true;
}

inline std::string_view JsonReader::read_string(std::string_view field) {
  skip_whitespace_expecting_value();
  if (*m_pos != '"') {
    fail_type("a string", field);
  }
  m_token = m_pos;
  return scan_string();
}

inline void JsonReader::begin_object(std::string_view field) {
  skip_whitespace_expecting_value();
  if (*m_pos != '{') {
    fail_type("an object", field);
  }
  m_token = m_pos;
  push(k_in_object | k_first);
  ++m_pos;
}

inline void JsonReader::begin_array(std::string_view field) {
  skip_whitespace_expecting_value();
  if (*m_pos != '[') {
    fail_type("an array", field);
  }
  m_token = m_pos;
  push(k_first);
  ++m_pos;
}

inline void JsonReader::push(std::uint8_t state) {
  if (m_depth >= m_limits.max_depth) [[unlikely]] {
    fail_depth();
  }
  if (m_depth == m_stack.size()) [[unlikely]] {
    m_stack.resize(m_stack.size() * 2 + 16);
  }
  m_stack[m_depth++] = state;
}

} // namespace ordertrace::decode

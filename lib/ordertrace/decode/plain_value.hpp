#pragma once
// Helpers for the decoders' fast paths (see JsonReader::Probe): a scalar value read
// from the buffer, attributes built in place from it, and a cache of the last trace id.
// Internal to decode/.

#include <ordertrace/decode/json_reader.hpp>
#include <ordertrace/model/ids.hpp>
#include <ordertrace/model/span.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ordertrace::decode::detail {

// A scalar attribute value as a probe read it: text is a view into the reader's buffer.
struct PlainValue {
  enum class Kind : std::uint8_t { string, int64, float64, boolean };
  Kind kind = Kind::string;
  std::string_view text;
  std::int64_t integer = 0;
  double number = 0;
  bool flag = false;
};

// Builds an Attribute straight in a vector's storage: emplace_back(AttributeFrom{...})
// constructs the element from this conversion's result, which C++17 elides, so the key
// and value strings are made once from the views, without default construction, moves
// or a variant dispatch.
struct AttributeFrom {
  std::string_view key;
  const PlainValue& value;

  operator model::Attribute() const { // NOLINT(google-explicit-constructor): see above
    switch (value.kind) {
    case PlainValue::Kind::int64:
      return {std::string(key),
              model::AttributeValue(std::in_place_type<std::int64_t>, value.integer)};
    case PlainValue::Kind::float64:
      return {std::string(key), model::AttributeValue(std::in_place_type<double>, value.number)};
    case PlainValue::Kind::boolean:
      return {std::string(key), model::AttributeValue(std::in_place_type<bool>, value.flag)};
    case PlainValue::Kind::string:
      break;
    }
    return {std::string(key), model::AttributeValue(std::in_place_type<std::string>, value.text)};
  }
};

// An attribute a probe read, not yet built: views into the reader's buffer, valid until
// the reader refills it (see JsonReader::next_is_buffered()).
struct PlainAttribute {
  std::string_view key;
  PlainValue value;
};

// Builds the `pending` attributes at the end of `out` and clears `pending`. Gathering a
// list's attributes first and building them together sizes `out` once, exactly: a
// vector grown one attribute at a time moves every attribute built so far on each
// reallocation, and a hint from the previous list is wrong whenever lists differ.
inline void append_plain(model::Attributes& out, std::vector<PlainAttribute>& pending) {
  if (pending.empty()) {
    return;
  }
  const std::size_t needed = out.size() + pending.size();
  if (needed > out.capacity()) {
    // Exact for a list built at once; geometric when a list is built in several parts
    // (checked-path attributes between plain ones), so that stays linear.
    out.reserve(std::max(needed, out.capacity() + out.capacity() / 2));
  }
  for (const PlainAttribute& attribute : pending) {
    out.emplace_back(AttributeFrom{attribute.key, attribute.value});
  }
  pending.clear();
}

// Sets `out` to `text`. For a string still empty, as the decoders' are, constructing and
// moving skips the general replace path of std::string::assign, which costs far more.
inline void set_text(std::string& out, std::string_view text) {
  out = std::string(text);
}

// Reserves `hint` elements in `out` before its first element is added: callers pass the
// size of the last such list that was not empty, as the lists of a file look alike,
// and reserving only when something comes keeps empty lists free of allocations.
template <typename T> void reserve_once(std::vector<T>& out, std::size_t hint) {
  if (out.capacity() == 0) {
    out.reserve(hint);
  }
}

// Every span of a trace carries the trace's id, and Jaeger repeats it in each parent
// reference: comparing the text with the last one parsed is cheaper than parsing it.
class TraceIdCache {
public:
  std::optional<model::TraceId> parse(std::string_view text) {
    if (text.size() == m_length && m_length > 0 && same_bytes(text.data(), m_text, m_length))
        [[likely]] {
      return m_id;
    }
    const auto id = model::TraceId::parse(text);
    if (id && text.size() <= sizeof m_text) {
      std::memcpy(m_text, text.data(), text.size());
      m_length = text.size();
      m_id = *id;
    }
    return id;
  }

private:
  char m_text[32] = {};
  std::size_t m_length = 0; // 0: nothing cached
  model::TraceId m_id;
};

} // namespace ordertrace::decode::detail

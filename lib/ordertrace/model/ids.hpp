#pragma once
// Trace and span ids as fixed-size values: cheap to hash and compare on the hot path,
// printed as lowercase hex (trace ids always 32 digits, span ids 16).

#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ordertrace::model {

struct TraceId {
  std::uint64_t high = 0;
  std::uint64_t low = 0;

  bool empty() const noexcept { return high == 0 && low == 0; }
  // 32 lowercase hex digits.
  std::string hex() const;
  // Parses 1 to 32 hex digits (any case; shorter ids are left-padded with zeros, as
  // Jaeger prints 64-bit ids with 16 digits), or the 24-character base64 form of 16
  // bytes. Returns nullopt for anything else.
  static std::optional<TraceId> parse(std::string_view text);

  auto operator<=>(const TraceId&) const = default;
};

struct SpanId {
  std::uint64_t value = 0;

  bool empty() const noexcept { return value == 0; }
  // 16 lowercase hex digits.
  std::string hex() const;
  // Parses 1 to 16 hex digits (left-padded), or the 12-character base64 form of 8 bytes.
  static std::optional<SpanId> parse(std::string_view text);

  auto operator<=>(const SpanId&) const = default;
};

// A span anywhere: the target of a parent reference or a link.
struct SpanRef {
  TraceId trace_id;
  SpanId span_id;

  auto operator<=>(const SpanRef&) const = default;
};

struct SpanRefHash {
  std::size_t operator()(const SpanRef& ref) const noexcept {
    std::uint64_t h = ref.trace_id.high * 0x9E3779B97F4A7C15ULL;
    h ^= ref.trace_id.low + 0x7F4A7C159E3779B9ULL + (h << 6) + (h >> 2);
    h ^= ref.span_id.value + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    return static_cast<std::size_t>(h);
  }
};

struct TraceIdHash {
  std::size_t operator()(const TraceId& id) const noexcept {
    return static_cast<std::size_t>(id.high * 0x9E3779B97F4A7C15ULL ^ id.low);
  }
};

} // namespace ordertrace::model

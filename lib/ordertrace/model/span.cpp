#include <ordertrace/model/span.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace ordertrace::model {
namespace {

// ASCII only, and inline: std::tolower is a call into the C locale per byte, and this
// runs once per span on the decoders' hot path.
constexpr char ascii_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

// Whether `text` is `lower` (lowercase letters only) in any case, without a loop over a
// predicate: a byte ORed with 0x20 equals a lowercase letter only when it is that
// letter or its capital. The fixed length lets the compiler unroll it.
template <std::size_t N> bool equals_letters_icase(std::string_view text, const char (&lower)[N]) {
  if (text.size() != N - 1) {
    return false;
  }
  unsigned difference = 0;
  for (std::size_t i = 0; i < N - 1; ++i) {
    difference |=
        (static_cast<unsigned char>(text[i]) | 0x20U) ^ static_cast<unsigned char>(lower[i]);
  }
  return difference == 0;
}

const std::string k_no_service;

} // namespace

std::string_view to_string(SpanKind kind) noexcept {
  switch (kind) {
  case SpanKind::internal:
    return "internal";
  case SpanKind::server:
    return "server";
  case SpanKind::client:
    return "client";
  case SpanKind::producer:
    return "producer";
  case SpanKind::consumer:
    return "consumer";
  case SpanKind::unspecified:
    break;
  }
  return "unspecified";
}

std::optional<SpanKind> parse_span_kind(std::string_view text) noexcept {
  constexpr std::string_view prefix = "SPAN_KIND_";
  if (text.size() > prefix.size() && iequals(text.substr(0, prefix.size()), prefix)) {
    text.remove_prefix(prefix.size());
  }
  // By length first: this runs once per Jaeger span, and the names differ in length
  // except for server/client and producer/consumer.
  switch (text.size()) {
  case 6:
    if (equals_letters_icase(text, "server")) {
      return SpanKind::server;
    }
    if (equals_letters_icase(text, "client")) {
      return SpanKind::client;
    }
    break;
  case 8:
    if (equals_letters_icase(text, "internal")) {
      return SpanKind::internal;
    }
    if (equals_letters_icase(text, "producer")) {
      return SpanKind::producer;
    }
    if (equals_letters_icase(text, "consumer")) {
      return SpanKind::consumer;
    }
    break;
  case 11:
    if (equals_letters_icase(text, "unspecified")) {
      return SpanKind::unspecified;
    }
    break;
  default:
    break;
  }
  return std::nullopt;
}

std::string_view to_string(StatusCode code) noexcept {
  switch (code) {
  case StatusCode::ok:
    return "OK";
  case StatusCode::error:
    return "ERROR";
  case StatusCode::unset:
    break;
  }
  return "UNSET";
}

std::string to_string(const AttributeValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return v;
        } else if constexpr (std::is_same_v<T, bool>) {
          return v ? "true" : "false";
        } else {
          return fmt::format("{}", v);
        }
      },
      value);
}

const AttributeValue* find_attribute(const Attributes& attributes, std::string_view key) noexcept {
  for (const auto& attribute : attributes) {
    if (attribute.key == key) {
      return &attribute.value;
    }
  }
  return nullptr;
}

std::optional<std::string> find_attribute_text(const Attributes& attributes, std::string_view key) {
  if (const auto* value = find_attribute(attributes, key)) {
    return to_string(*value);
  }
  return std::nullopt;
}

const std::string& Span::service() const noexcept {
  return resource ? resource->service_name : k_no_service;
}

} // namespace ordertrace::model

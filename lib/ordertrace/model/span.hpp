#pragma once
// The trace model: plain values built by the decoders, read by everything else.
// No parsing, I/O or lifecycle knowledge lives here.

#include <ordertrace/model/ids.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ordertrace::model {

enum class SpanKind : std::uint8_t { unspecified, internal, server, client, producer, consumer };
enum class StatusCode : std::uint8_t { unset, ok, error };

// "server", "client", ... ("unspecified" for unspecified).
std::string_view to_string(SpanKind kind) noexcept;
// Accepts OTel/Jaeger spellings in any case ("server", "SPAN_KIND_SERVER"); nullopt otherwise.
std::optional<SpanKind> parse_span_kind(std::string_view text) noexcept;
std::string_view to_string(StatusCode code) noexcept;

// A typed attribute value. Bytes are kept as their base64 text, arrays and maps as
// their JSON text, as Jaeger itself renders them.
using AttributeValue = std::variant<std::string, std::int64_t, double, bool>;

struct Attribute {
  std::string key;
  AttributeValue value;
};
using Attributes = std::vector<Attribute>;

// The value as text: strings as they are, integers in decimal (so an int order id
// compares as its decimal string), booleans as true/false, doubles shortest round-trip.
std::string to_string(const AttributeValue& value);
// The first attribute with that key, or nullptr.
const AttributeValue* find_attribute(const Attributes& attributes, std::string_view key) noexcept;
// The value of the first attribute with that key as text, or nullopt.
std::optional<std::string> find_attribute_text(const Attributes& attributes, std::string_view key);

struct SpanEvent {
  std::string name;
  std::int64_t time_ns = 0;
  Attributes attributes;
};

struct SpanLink {
  SpanRef target;
  Attributes attributes;
};

// What produced a span: shared by all spans of one Jaeger process / OTLP resource.
struct Resource {
  std::string service_name;
  Attributes attributes; // service.name excluded
};

struct Span {
  TraceId trace_id;
  SpanId span_id;
  std::optional<SpanRef> parent; // a CHILD_OF reference may point into another trace
  std::vector<SpanLink> links;   // OTLP links and Jaeger FOLLOWS_FROM (and extra CHILD_OF) refs
  std::shared_ptr<const Resource> resource;
  std::string operation;
  SpanKind kind = SpanKind::unspecified;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  StatusCode status = StatusCode::unset;
  std::string status_message;
  Attributes attributes;
  std::vector<SpanEvent> events;     // sorted by time by the decoders
  std::vector<std::string> warnings; // Jaeger's span and trace warnings

  const std::string& service() const noexcept;
  SpanRef ref() const noexcept { return {trace_id, span_id}; }
};

} // namespace ordertrace::model

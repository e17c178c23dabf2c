#include <ordertrace/decode/otlp_json.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace ordertrace::decode::detail {
namespace {

using model::Attribute;
using model::Span;

constexpr std::string_view k_jaeger_warnings_key = "@jaeger@warnings";
// Deeper AnyValue nesting than this is refused rather than recursed into.
constexpr int k_max_any_value_depth = 64;

void sort_events(Span& span) {
  const auto by_time = [](const model::SpanEvent& a, const model::SpanEvent& b) {
    return a.time_ns < b.time_ns;
  };
  if (!std::is_sorted(span.events.begin(), span.events.end(), by_time)) {
    std::stable_sort(span.events.begin(), span.events.end(), by_time);
  }
}

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20) {
      out += fmt::format("\\u{:04x}", byte);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

// A span's members, listed in protobuf's field order, in which exporters write them
// (see next_member()); "flags" is listed only to keep the guesses in step.
enum class SpanMember : std::uint8_t {
  trace_id,
  span_id,
  parent_span_id,
  name,
  kind,
  start_time,
  end_time,
  attributes,
  events,
  links,
  status,
  other
};
constexpr KnownKey<SpanMember> k_span_keys[] = {
    {R"("traceId":)", SpanMember::trace_id},
    {R"("spanId":)", SpanMember::span_id},
    {R"("parentSpanId":)", SpanMember::parent_span_id},
    {R"("flags":)", SpanMember::other},
    {R"("name":)", SpanMember::name},
    {R"("kind":)", SpanMember::kind},
    {R"("startTimeUnixNano":)", SpanMember::start_time},
    {R"("endTimeUnixNano":)", SpanMember::end_time},
    {R"("attributes":)", SpanMember::attributes},
    {R"("events":)", SpanMember::events},
    {R"("links":)", SpanMember::links},
    {R"("status":)", SpanMember::status},
};

enum class EventMember : std::uint8_t { time, name, attributes, other };
constexpr KnownKey<EventMember> k_event_keys[] = {
    {R"("timeUnixNano":)", EventMember::time},
    {R"("name":)", EventMember::name},
    {R"("attributes":)", EventMember::attributes},
};

} // namespace

void OtlpJsonDecoder::decode_resource_spans_list() {
  if (m_reader.try_null()) {
    return;
  }
  m_reader.begin_array("resourceSpans");
  while (m_reader.next_element()) {
    decode_resource_spans();
  }
}

void OtlpJsonDecoder::decode_result() {
  m_reader.begin_object("result");
  std::string_view key;
  while (m_reader.next_key(key)) {
    if (equals(key, "resourceSpans")) {
      decode_resource_spans_list();
    } else {
      m_reader.skip_value();
    }
  }
}

void OtlpJsonDecoder::emit(Span&& span) {
  m_sink.on_span(std::move(span));
  ++m_stats.spans;
}

void OtlpJsonDecoder::flush_pending() {
  for (Span& span : m_pending) {
    span.resource = m_resource;
    emit(std::move(span));
  }
  m_pending.clear();
}

void OtlpJsonDecoder::decode_resource_spans() {
  m_pending.clear();
  m_resource.reset();
  m_reader.begin_object("resourceSpans");
  std::string_view key;
  while (m_reader.next_key(key)) {
    if (equals(key, "scopeSpans") || equals(key, "instrumentationLibrarySpans")) {
      if (m_reader.try_null()) {
        continue;
      }
      m_reader.begin_array("scopeSpans");
      while (m_reader.next_element()) {
        decode_scope_spans();
      }
    } else if (equals(key, "resource")) {
      m_resource = decode_resource();
      flush_pending();
    } else {
      m_reader.skip_value();
    }
  }
  if (!m_resource) {
    m_resource = std::make_shared<const model::Resource>();
  }
  flush_pending();
  m_resource.reset();
}

std::shared_ptr<const model::Resource> OtlpJsonDecoder::decode_resource() {
  auto resource = std::make_shared<model::Resource>();
  if (m_reader.try_null()) {
    return resource;
  }
  m_reader.begin_object("resource");
  std::string_view key;
  while (m_reader.next_key(key)) {
    if (equals(key, "attributes")) {
      decode_attributes(resource->attributes, nullptr, "attributes");
    } else {
      m_reader.skip_value();
    }
  }
  const auto service =
      std::find_if(resource->attributes.begin(), resource->attributes.end(),
                   [](const Attribute& a) { return equals(a.key, "service.name"); });
  if (service != resource->attributes.end()) {
    resource->service_name = model::to_string(service->value);
    resource->attributes.erase(service);
  }
  return resource;
}

void OtlpJsonDecoder::decode_scope_spans() {
  m_reader.begin_object("scopeSpans");
  m_scope_attributes.clear();
  bool scope_known = false;
  const std::size_t first_pending = m_pending.size();
  std::string_view key;
  while (m_reader.next_key(key)) {
    if (equals(key, "spans")) {
      if (m_reader.try_null()) {
        continue;
      }
      m_reader.begin_array("spans");
      while (m_reader.next_element()) {
        Span span;
        span.attributes.reserve(std::max(m_attribute_hint, m_scope_attributes.size()));
        // Jaeger shows the scope as the span tags otel.scope.name/version, listed
        // first; keeping them so makes OTLP and Jaeger input of one trace decode alike.
        span.attributes.insert(span.attributes.end(), m_scope_attributes.begin(),
                               m_scope_attributes.end());
        decode_span(span);
        // A span can go as soon as nothing that follows it can change it.
        if (scope_known && m_resource) {
          span.resource = m_resource;
          emit(std::move(span));
        } else {
          m_pending.push_back(std::move(span));
        }
      }
    } else if (equals(key, "scope") || equals(key, "instrumentationLibrary")) {
      decode_scope();
      scope_known = true;
      for (std::size_t i = first_pending; i < m_pending.size(); ++i) {
        auto& attributes = m_pending[i].attributes;
        attributes.insert(attributes.begin(), m_scope_attributes.begin(), m_scope_attributes.end());
      }
    } else {
      m_reader.skip_value();
    }
  }
  if (m_resource) {
    flush_pending();
  }
}

void OtlpJsonDecoder::decode_scope() {
  m_scope_attributes.clear();
  if (m_reader.try_null()) {
    return;
  }
  m_reader.begin_object("scope");
  std::string name;
  std::string version;
  std::string_view key;
  while (m_reader.next_key(key)) {
    if (equals(key, "name")) {
      name = m_reader.read_string("name");
    } else if (equals(key, "version")) {
      version = m_reader.read_string("version");
    } else {
      m_reader.skip_value(); // scope attributes: Jaeger does not carry them either
    }
  }
  if (!name.empty()) {
    m_scope_attributes.push_back({"otel.scope.name", std::move(name)});
  }
  if (!version.empty()) {
    m_scope_attributes.push_back({"otel.scope.version", std::move(version)});
  }
}

void OtlpJsonDecoder::decode_span(Span& span) {
  m_reader.begin_object("spans");
  bool has_trace_id = false;
  bool has_span_id = false;
  model::SpanId parent_id;
  std::size_t guess = 0;
  SpanMember member{};
  while (next_member(m_reader, k_span_keys, guess, member, SpanMember::other)) {
    switch (member) {
    case SpanMember::trace_id: {
      const std::string_view text = m_reader.read_string("traceId");
      const auto id = m_trace_ids.parse(text);
      if (!id || id->empty()) {
        m_reader.fail_at_token(
            fmt::format("invalid trace id \"{}\" in \"traceId\"", text.substr(0, 64)));
      }
      span.trace_id = *id;
      has_trace_id = true;
      break;
    }
    case SpanMember::span_id: {
      const std::string_view text = m_reader.read_string("spanId");
      const auto id = model::SpanId::parse(text);
      if (!id || id->empty()) {
        m_reader.fail_at_token(
            fmt::format("invalid span id \"{}\" in \"spanId\"", text.substr(0, 64)));
      }
      span.span_id = *id;
      has_span_id = true;
      break;
    }
    case SpanMember::parent_span_id: {
      const std::string_view text = m_reader.read_string("parentSpanId");
      if (!text.empty()) { // "" is a root span
        const auto id = model::SpanId::parse(text);
        if (!id) {
          m_reader.fail_at_token(
              fmt::format("invalid span id \"{}\" in \"parentSpanId\"", text.substr(0, 64)));
        }
        parent_id = *id;
      }
      break;
    }
    case SpanMember::name:
      set_text(span.operation, m_reader.read_string("name"));
      break;
    case SpanMember::start_time:
      span.start_ns = m_reader.read_int64("startTimeUnixNano", true);
      break;
    case SpanMember::end_time:
      span.end_ns = m_reader.read_int64("endTimeUnixNano", true);
      break;
    case SpanMember::attributes:
      decode_attributes(span.attributes, &span.warnings, "attributes");
      break;
    case SpanMember::kind:
      if (m_reader.peek() == JsonType::string) {
        span.kind = model::parse_span_kind(m_reader.read_string("kind"))
                        .value_or(model::SpanKind::unspecified);
      } else {
        const std::int64_t kind = m_reader.read_int64("kind");
        // The enum follows OTLP's numbering; unknown values mean unspecified.
        span.kind = kind >= 0 && kind <= 5 ? static_cast<model::SpanKind>(kind)
                                           : model::SpanKind::unspecified;
      }
      break;
    case SpanMember::status:
      decode_status(span);
      break;
    case SpanMember::events:
      if (m_reader.try_null()) {
        break;
      }
      m_reader.begin_array("events");
      while (m_reader.next_element()) {
        reserve_once(span.events, m_event_hint);
        decode_event(span.events.emplace_back());
      }
      if (!span.events.empty()) {
        m_event_hint = span.events.size();
      }
      break;
    case SpanMember::links:
      if (m_reader.try_null()) {
        break;
      }
      m_reader.begin_array("links");
      while (m_reader.next_element()) {
        decode_link(span);
      }
      break;
    case SpanMember::other:
      m_reader.skip_value();
      break;
    }
  }
  if (!has_trace_id) {
    m_reader.fail_at_token("span without \"traceId\"");
  }
  if (!has_span_id) {
    m_reader.fail_at_token("span without \"spanId\"");
  }
  if (!parent_id.empty()) {
    span.parent = model::SpanRef{span.trace_id, parent_id};
  }
  m_attribute_hint = span.attributes.size();
  sort_events(span);
}

void OtlpJsonDecoder::decode_status(Span& span) {
  if (m_reader.try_null()) {
    return;
  }
  m_reader.begin_object("status");
  std::string_view key;
  while (m_reader.next_key(key)) {
    if (equals(key, "code")) {
      std::int64_t code = 0;
      if (m_reader.peek() == JsonType::string) {
        const std::string_view text = m_reader.read_string("code");
        if (equals(text, "STATUS_CODE_ERROR") || equals(text, "ERROR")) {
          code = 2;
        } else if (equals(text, "STATUS_CODE_OK") || equals(text, "OK")) {
          code = 1;
        }
      } else {
        code = m_reader.read_int64("code");
      }
      span.status = code == 2   ? model::StatusCode::error
                    : code == 1 ? model::StatusCode::ok
                                : model::StatusCode::unset;
    } else if (equals(key, "message")) {
      set_text(span.status_message, m_reader.read_string("message"));
    } else {
      m_reader.skip_value();
    }
  }
}

void OtlpJsonDecoder::decode_event(model::SpanEvent& event) {
  m_reader.begin_object("events");
  std::size_t guess = 0;
  EventMember member{};
  while (next_member(m_reader, k_event_keys, guess, member, EventMember::other)) {
    switch (member) {
    case EventMember::time:
      event.time_ns = m_reader.read_int64("timeUnixNano", true);
      break;
    case EventMember::name:
      set_text(event.name, m_reader.read_string("name"));
      break;
    case EventMember::attributes:
      decode_attributes(event.attributes, nullptr, "attributes");
      break;
    case EventMember::other:
      m_reader.skip_value();
      break;
    }
  }
}

void OtlpJsonDecoder::decode_link(Span& span) {
  m_reader.begin_object("links");
  model::SpanLink link;
  std::string_view key;
  while (m_reader.next_key(key)) {
    if (equals(key, "traceId")) {
      const std::string_view text = m_reader.read_string("traceId");
      if (!text.empty()) {
        const auto id = model::TraceId::parse(text);
        if (!id) {
          m_reader.fail_at_token(
              fmt::format("invalid trace id \"{}\" in a link", text.substr(0, 64)));
        }
        link.target.trace_id = *id;
      }
    } else if (equals(key, "spanId")) {
      const std::string_view text = m_reader.read_string("spanId");
      if (!text.empty()) {
        const auto id = model::SpanId::parse(text);
        if (!id) {
          m_reader.fail_at_token(
              fmt::format("invalid span id \"{}\" in a link", text.substr(0, 64)));
        }
        link.target.span_id = *id;
      }
    } else if (equals(key, "attributes")) {
      decode_attributes(link.attributes, nullptr, "attributes");
    } else {
      m_reader.skip_value();
    }
  }
  // Jaeger removes links with an empty trace id ("Invalid span link removed").
  if (!link.target.trace_id.empty() && !link.target.span_id.empty()) {
    span.links.push_back(std::move(link));
  }
}

void OtlpJsonDecoder::decode_attributes(model::Attributes& out, std::vector<std::string>* warnings,
                                        std::string_view field) {
  if (m_reader.try_null()) {
    return;
  }
  m_reader.begin_array(field);
  // Plain attributes that do not fit the room reserved ahead are gathered as views and
  // built at once (see append_plain()), before anything could move the buffer under the
  // views: a checked-path attribute or a refill.
  m_plain.clear();
  for (;;) {
    if (!m_plain.empty() && !m_reader.next_is_buffered()) {
      append_plain(out, m_plain);
    }
    if (!m_reader.next_element()) {
      break;
    }
    PlainAttribute plain;
    if (probe_attribute(plain, warnings != nullptr)) {
      // Straight into room reserved ahead (a span's attributes), else gathered.
      if (m_plain.empty() && out.size() < out.capacity()) {
        out.emplace_back(AttributeFrom{plain.key, plain.value});
      } else {
        m_plain.push_back(plain);
      }
      continue;
    }
    append_plain(out, m_plain);
    Attribute& attribute = out.emplace_back();
    bool has_key = false;
    bool to_warnings = false;
    m_reader.begin_object(field);
    std::string_view key;
    while (m_reader.next_key(key)) {
      if (equals(key, "key")) {
        attribute.key.assign(m_reader.read_string("key"));
        has_key = true;
      } else if (equals(key, "value")) {
        if (warnings != nullptr && has_key && attribute.key == k_jaeger_warnings_key) {
          decode_warnings_value(*warnings);
          to_warnings = true;
        } else {
          decode_any_value(attribute.value);
        }
      } else {
        m_reader.skip_value();
      }
    }
    if (!has_key) {
      m_reader.fail_at_token(fmt::format("{} entry without \"key\"", field));
    }
    if (warnings != nullptr && attribute.key == k_jaeger_warnings_key) {
      if (!to_warnings) { // the value came before the key: keep its text
        warnings->push_back(model::to_string(attribute.value));
      }
      out.pop_back();
    }
  }
  append_plain(out, m_plain);
}

bool OtlpJsonDecoder::probe_attribute(PlainAttribute& out, bool watch_warnings) {
  // Exporters write {"key":"...","value":{"<type>Value":...}}: match those bytes directly
  // and read the attribute as views. Anything else (another order, an empty or nested
  // value, escapes, "NaN", ...) is left to the checked path in decode_attributes().
  JsonReader::Probe probe(m_reader, 2);
  std::string_view key;
  if (!probe.literal(R"({"key":")") || !probe.string_body(key) ||
      (watch_warnings && key == k_jaeger_warnings_key) || !probe.literal(R"(,"value":{")")) {
    return false;
  }
  // The value's type and its start in one compare, picked by the type's first byte.
  PlainValue& value = out.value;
  bool ok = false;
  switch (probe.peek()) {
  case 's':
    value.kind = PlainValue::Kind::string;
    ok = probe.literal(R"(stringValue":")", true) && probe.string_body(value.text);
    break;
  case 'i':
    value.kind = PlainValue::Kind::int64;
    ok = probe.literal(R"(intValue":)", true) && probe.integer(value.integer, true);
    break;
  case 'b':
    value.kind = PlainValue::Kind::boolean;
    ok = probe.literal(R"(boolValue":)", true) && probe.boolean(value.flag);
    break;
  case 'd':
    value.kind = PlainValue::Kind::float64;
    ok = probe.literal(R"(doubleValue":)", true) && probe.number(value.number);
    break;
  default: // bytesValue (rare), arrayValue, kvlistValue, an empty value, ...
    break;
  }
  if (!ok || !probe.literal("}}")) {
    return false;
  }
  probe.commit();
  out.key = key;
  return true;
}

void OtlpJsonDecoder::decode_warnings_value(std::vector<std::string>& warnings) {
  m_reader.begin_object("value");
  std::string_view key;
  while (m_reader.next_key(key)) {
    if (equals(key, "arrayValue")) {
      m_reader.begin_object("arrayValue");
      while (m_reader.next_key(key)) {
        if (key != "values") {
          m_reader.skip_value();
          continue;
        }
        m_reader.begin_array("values");
        while (m_reader.next_element()) {
          model::AttributeValue value;
          decode_any_value(value);
          warnings.push_back(model::to_string(value));
        }
      }
    } else if (equals(key, "stringValue")) {
      warnings.emplace_back(m_reader.read_string("stringValue"));
    } else {
      m_reader.skip_value();
    }
  }
}

void OtlpJsonDecoder::decode_any_value(model::AttributeValue& value) {
  if (m_reader.try_null()) {
    value.emplace<std::string>();
    return;
  }
  m_reader.begin_object("value");
  bool found = false;
  std::string_view key;
  while (m_reader.next_key(key)) {
    if (equals(key, "stringValue")) {
      value.emplace<std::string>(m_reader.read_string("stringValue"));
    } else if (equals(key, "intValue")) {
      value.emplace<std::int64_t>(m_reader.read_int64("intValue", true));
    } else if (equals(key, "boolValue")) {
      value.emplace<bool>(m_reader.read_bool("boolValue"));
    } else if (equals(key, "doubleValue")) {
      value.emplace<double>(m_reader.read_double("doubleValue", true));
    } else if (equals(key, "bytesValue")) {
      value.emplace<std::string>(m_reader.read_string("bytesValue")); // base64 text
    } else if (equals(key, "arrayValue") || equals(key, "kvlistValue")) {
      // Rendered as JSON text, as Jaeger shows them (§4.2).
      m_json.clear();
      append_container_json(m_json, equals(key, "arrayValue"), 1);
      value.emplace<std::string>(m_json);
    } else {
      m_reader.skip_value();
      continue;
    }
    found = true;
  }
  if (!found) {
    value.emplace<std::string>(); // an empty AnyValue
  }
}

void OtlpJsonDecoder::append_container_json(std::string& out, bool is_array, int depth) {
  out.push_back(is_array ? '[' : '{');
  m_reader.begin_object(is_array ? "arrayValue" : "kvlistValue");
  std::string_view key;
  while (m_reader.next_key(key)) {
    if (key != "values") {
      m_reader.skip_value();
      continue;
    }
    bool first = true;
    m_reader.begin_array("values");
    while (m_reader.next_element()) {
      if (!first) {
        out.push_back(',');
      }
      first = false;
      if (is_array) {
        append_any_value_json(out, depth + 1);
        continue;
      }
      // A kvlist entry's value may precede its key, so render both before appending.
      std::string entry_key;
      std::string entry_value = "null";
      m_reader.begin_object("values");
      while (m_reader.next_key(key)) {
        if (equals(key, "key")) {
          entry_key = m_reader.read_string("key");
        } else if (equals(key, "value")) {
          entry_value.clear();
          append_any_value_json(entry_value, depth + 1);
        } else {
          m_reader.skip_value();
        }
      }
      append_json_string(out, entry_key);
      out.push_back(':');
      out += entry_value;
    }
  }
  out.push_back(is_array ? ']' : '}');
}

void OtlpJsonDecoder::append_any_value_json(std::string& out, int depth) {
  if (depth > k_max_any_value_depth) {
    m_reader.fail("attribute value nested too deeply");
  }
  if (m_reader.try_null()) {
    out += "null";
    return;
  }
  const std::size_t start = out.size();
  m_reader.begin_object("value");
  std::string_view key;
  while (m_reader.next_key(key)) {
    if (equals(key, "stringValue") || equals(key, "bytesValue")) {
      out.resize(start);
      append_json_string(
          out, m_reader.read_string(equals(key, "stringValue") ? "stringValue" : "bytesValue"));
    } else if (equals(key, "intValue")) {
      out.resize(start);
      out += fmt::format("{}", m_reader.read_int64("intValue", true));
    } else if (equals(key, "doubleValue")) {
      out.resize(start);
      const double number = m_reader.read_double("doubleValue", true);
      if (std::isfinite(number)) {
        out += fmt::format("{}", number);
      } else {
        append_json_string(out,
                           std::isnan(number) ? "NaN" : (number > 0 ? "Infinity" : "-Infinity"));
      }
    } else if (equals(key, "boolValue")) {
      out.resize(start);
      out += m_reader.read_bool("boolValue") ? "true" : "false";
    } else if (equals(key, "arrayValue") || equals(key, "kvlistValue")) {
      out.resize(start);
      append_container_json(out, equals(key, "arrayValue"), depth);
    } else {
      m_reader.skip_value();
    }
  }
  if (out.size() == start) {
    out += "null";
  }
}

} // namespace ordertrace::decode::detail

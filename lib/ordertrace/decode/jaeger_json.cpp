#include <ordertrace/decode/jaeger_json.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace ordertrace::decode::detail {
namespace {

using model::Attribute;
using model::Span;

void sort_events(Span& span) {
  // Jaeger's adjusters sort logs by name; the lifecycle needs them in time order.
  const auto by_time = [](const model::SpanEvent& a, const model::SpanEvent& b) {
    return a.time_ns < b.time_ns;
  };
  if (!std::is_sorted(span.events.begin(), span.events.end(), by_time)) {
    std::stable_sort(span.events.begin(), span.events.end(), by_time);
  }
}

bool parse_integral_text(std::string_view text, std::int64_t& value) {
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (error == std::errc() && ptr == end) {
    return true;
  }
  double number = 0;
  auto [dptr, derror] = std::from_chars(text.data(), end, number);
  if (derror != std::errc() || dptr != end || std::trunc(number) != number ||
      !(number >= -9223372036854775808.0 && number < 9223372036854775808.0)) {
    return false;
  }
  value = static_cast<std::int64_t>(number);
  return true;
}

// A span's members, listed in the order Jaeger writes them (see next_member()).
enum class SpanMember : std::uint8_t {
  trace_id,
  span_id,
  operation_name,
  references,
  start_time,
  duration,
  tags,
  logs,
  process_id,
  warnings,
  process,
  other
};
constexpr KnownKey<SpanMember> k_span_keys[] = {
    {R"("traceID":)", SpanMember::trace_id},
    {R"("spanID":)", SpanMember::span_id},
    {R"("operationName":)", SpanMember::operation_name},
    {R"("references":)", SpanMember::references},
    {R"("startTime":)", SpanMember::start_time},
    {R"("duration":)", SpanMember::duration},
    {R"("tags":)", SpanMember::tags},
    {R"("logs":)", SpanMember::logs},
    {R"("processID":)", SpanMember::process_id},
    {R"("warnings":)", SpanMember::warnings},
    {R"("process":)", SpanMember::process},
};

enum class RefMember : std::uint8_t { ref_type, trace_id, span_id, other };
constexpr KnownKey<RefMember> k_reference_keys[] = {
    {R"("refType":)", RefMember::ref_type},
    {R"("traceID":)", RefMember::trace_id},
    {R"("spanID":)", RefMember::span_id},
};

enum class LogMember : std::uint8_t { timestamp, fields, other };
constexpr KnownKey<LogMember> k_log_keys[] = {
    {R"("timestamp":)", LogMember::timestamp},
    {R"("fields":)", LogMember::fields},
};

} // namespace

void JaegerJsonDecoder::decode_data() {
  if (m_reader.try_null()) {
    return;
  }
  m_reader.begin_array("data");
  while (m_reader.next_element()) {
    m_reader.begin_object("data");
    std::string_view key;
    if (m_reader.next_key(key)) {
      decode_trace_members(key);
    }
  }
}

void JaegerJsonDecoder::decode_errors() {
  if (m_reader.try_null()) {
    return;
  }
  m_reader.begin_array("errors");
  while (m_reader.next_element()) {
    if (m_reader.peek() == JsonType::string) {
      m_stats.errors.emplace_back(m_reader.read_string());
      continue;
    }
    m_reader.begin_object("errors");
    std::int64_t code = 0;
    std::string message;
    std::string trace_id;
    std::string_view key;
    while (m_reader.next_key(key)) {
      if (equals(key, "code")) {
        code = m_reader.read_int64("code");
      } else if (equals(key, "msg")) {
        message = m_reader.read_string("msg");
      } else if (equals(key, "traceID")) {
        trace_id = m_reader.read_string("traceID");
      } else {
        m_reader.skip_value();
      }
    }
    std::string entry = code != 0 ? fmt::format("{}: {}", code, message) : message;
    if (!trace_id.empty()) {
      entry += fmt::format(" (trace {})", trace_id);
    }
    m_stats.errors.push_back(std::move(entry));
  }
}

void JaegerJsonDecoder::decode_trace_members(std::string_view first_key) {
  m_spans.clear();
  m_processes.clear();
  m_trace_warnings.clear();
  handle_trace_member(first_key);
  std::string_view key;
  while (m_reader.next_key(key)) {
    handle_trace_member(key);
  }
  finish_trace();
}

void JaegerJsonDecoder::handle_trace_member(std::string_view key) {
  if (equals(key, "spans")) {
    m_reader.begin_array("spans");
    while (m_reader.next_element()) {
      decode_span(m_spans.emplace_back());
    }
  } else if (equals(key, "processes")) {
    if (m_reader.try_null()) {
      return;
    }
    m_reader.begin_object("processes");
    std::string_view process_id;
    while (m_reader.next_key(process_id)) {
      std::string id(process_id);
      m_processes.emplace_back(std::move(id), decode_process());
    }
  } else if (equals(key, "warnings")) {
    decode_string_list(m_trace_warnings, "warnings");
  } else if (equals(key, "traceID")) {
    m_reader.read_string("traceID"); // each span carries its own
  } else {
    m_reader.skip_value();
  }
}

void JaegerJsonDecoder::finish_trace() {
  for (PendingSpan& pending : m_spans) {
    Span& span = pending.span;
    if (pending.own_process) {
      span.resource = std::move(pending.own_process);
    } else {
      const auto found =
          std::find_if(m_processes.begin(), m_processes.end(),
                       [&](const auto& entry) { return entry.first == pending.process_id; });
      if (found != m_processes.end()) {
        span.resource = found->second;
      } else {
        // Jaeger always defines the processes it refers to; a hand-edited file may not.
        if (!m_unknown_process) {
          m_unknown_process = std::make_shared<const model::Resource>();
        }
        span.resource = m_unknown_process;
      }
    }
    span.warnings.insert(span.warnings.end(), m_trace_warnings.begin(), m_trace_warnings.end());
    m_sink.on_span(std::move(span));
    ++m_stats.spans;
  }
  m_spans.clear();
  m_processes.clear();
}

std::int64_t JaegerJsonDecoder::micros_to_nanos(std::int64_t micros, std::string_view field) {
  std::int64_t nanos = 0;
  if (__builtin_mul_overflow(micros, std::int64_t{1000}, &nanos)) {
    m_reader.fail_at_token(fmt::format("\"{}\" out of range", field));
  }
  return nanos;
}

void JaegerJsonDecoder::decode_span(PendingSpan& pending) {
  Span& span = pending.span;

  m_reader.begin_object("spans");
  bool has_trace_id = false;
  bool has_span_id = false;
  std::int64_t start_ns = 0;
  std::int64_t duration_ns = 0;
  bool error_tag = false;
  model::StatusCode status_code_tag = model::StatusCode::unset;
  std::size_t guess = 0;
  SpanMember member{};
  while (next_member(m_reader, k_span_keys, guess, member, SpanMember::other)) {
    switch (member) {
    case SpanMember::trace_id: {
      const std::string_view text = m_reader.read_string("traceID");
      const auto id = m_trace_ids.parse(text);
      if (!id || id->empty()) {
        m_reader.fail_at_token(
            fmt::format("invalid trace id \"{}\" in \"traceID\"", text.substr(0, 64)));
      }
      span.trace_id = *id;
      has_trace_id = true;
      break;
    }
    case SpanMember::span_id: {
      const std::string_view text = m_reader.read_string("spanID");
      const auto id = model::SpanId::parse(text);
      if (!id || id->empty()) {
        m_reader.fail_at_token(
            fmt::format("invalid span id \"{}\" in \"spanID\"", text.substr(0, 64)));
      }
      span.span_id = *id;
      has_span_id = true;
      break;
    }
    case SpanMember::operation_name:
      set_text(span.operation, m_reader.read_string("operationName"));
      break;
    case SpanMember::references:
      decode_references(span);
      break;
    case SpanMember::start_time:
      start_ns = micros_to_nanos(m_reader.read_int64("startTime", true), "startTime");
      break;
    case SpanMember::duration:
      duration_ns = micros_to_nanos(m_reader.read_int64("duration", true), "duration");
      break;
    case SpanMember::tags:
      decode_tags(span, error_tag, status_code_tag);
      break;
    case SpanMember::logs:
      decode_logs(span);
      break;
    case SpanMember::process_id:
      set_text(pending.process_id, m_reader.read_string("processID"));
      break;
    case SpanMember::warnings:
      decode_string_list(span.warnings, "warnings");
      break;
    case SpanMember::process:
      pending.own_process = decode_process();
      break;
    case SpanMember::other:
      m_reader.skip_value();
      break;
    }
  }
  if (!has_trace_id) {
    m_reader.fail_at_token("span without \"traceID\"");
  }
  if (!has_span_id) {
    m_reader.fail_at_token("span without \"spanID\"");
  }
  span.start_ns = start_ns;
  if (__builtin_add_overflow(start_ns, duration_ns, &span.end_ns)) {
    m_reader.fail_at_token("span end time out of range");
  }
  if (error_tag || status_code_tag == model::StatusCode::error) {
    span.status = model::StatusCode::error;
  } else {
    span.status = status_code_tag;
  }
  if (!span.attributes.empty()) {
    m_tag_hint = span.attributes.size();
  }
  sort_events(span);
}

inline void JaegerJsonDecoder::note_status_tag(Span& span, const Attribute& tag, bool& error_tag,
                                               model::StatusCode& status_code_tag) {
  // The OTLP fields that Jaeger folds into tags (§4.1) come back out here. Their keys'
  // lengths rule out almost every other tag at once.
  const std::size_t length = tag.key.size();
  if (length != 5 && length != 16 && length != 23) [[likely]] {
    return;
  }
  note_status_tag_slow(span, tag, error_tag, status_code_tag);
}

void JaegerJsonDecoder::note_status_tag_slow(Span& span, const Attribute& tag, bool& error_tag,
                                             model::StatusCode& status_code_tag) {
  const auto* text = std::get_if<std::string>(&tag.value);
  if (equals(tag.key, "error")) {
    const auto* flag = std::get_if<bool>(&tag.value);
    error_tag =
        error_tag || (flag != nullptr && *flag) || (text != nullptr && equals(*text, "true"));
  } else if (equals(tag.key, "otel.status_code") && text != nullptr) {
    if (equals(*text, "ERROR")) {
      status_code_tag = model::StatusCode::error;
    } else if (equals(*text, "OK") && status_code_tag != model::StatusCode::error) {
      status_code_tag = model::StatusCode::ok;
    }
  } else if (equals(tag.key, "otel.status_description")) {
    span.status_message = model::to_string(tag.value);
  }
}

void JaegerJsonDecoder::decode_tags(Span& span, bool& error_tag,
                                    model::StatusCode& status_code_tag) {
  if (m_reader.try_null()) {
    return;
  }
  m_reader.begin_array("tags");
  // Plain tags go straight into the room reserved from the last span's count. Past it
  // they are gathered as views and built at once (see append_plain()), before anything
  // could move the buffer under the views: a checked-path tag or a refill.
  m_plain.clear();
  const auto build_gathered = [&] {
    const std::size_t first = span.attributes.size();
    append_plain(span.attributes, m_plain);
    for (std::size_t i = first; i < span.attributes.size(); ++i) {
      note_status_tag(span, span.attributes[i], error_tag, status_code_tag);
    }
  };
  for (;;) {
    if (!m_plain.empty() && !m_reader.next_is_buffered()) {
      build_gathered();
    }
    if (!m_reader.next_element()) {
      break;
    }
    reserve_once(span.attributes, m_tag_hint);
    PlainAttribute plain;
    if (probe_tag(plain)) {
      // The kind is no attribute: take it before anything is allocated for it.
      if (equals(plain.key, "span.kind")) {
        if (plain.value.kind == PlainValue::Kind::string) {
          span.kind =
              model::parse_span_kind(plain.value.text).value_or(model::SpanKind::unspecified);
        }
        continue;
      }
      if (!m_plain.empty() || span.attributes.size() == span.attributes.capacity()) {
        m_plain.push_back(plain);
        continue;
      }
      span.attributes.emplace_back(AttributeFrom{plain.key, plain.value});
    } else {
      build_gathered();
      decode_kv(span.attributes.emplace_back(), "tags");
      Attribute& tag = span.attributes.back();
      if (equals(tag.key, "span.kind")) {
        if (const auto* text = std::get_if<std::string>(&tag.value)) {
          span.kind = model::parse_span_kind(*text).value_or(model::SpanKind::unspecified);
        }
        span.attributes.pop_back(); // it is the span's kind, not an attribute
        continue;
      }
    }
    note_status_tag(span, span.attributes.back(), error_tag, status_code_tag);
  }
  build_gathered();
}

void JaegerJsonDecoder::decode_references(Span& span) {
  if (m_reader.try_null()) {
    return;
  }
  m_reader.begin_array("references");
  while (m_reader.next_element()) {
    model::SpanRef target;
    bool child_of = false;
    if (!probe_reference(target, child_of)) {
      decode_reference(target, child_of);
    }
    if (target.trace_id.empty() || target.span_id.empty()) {
      continue; // Jaeger drops links with an empty id too
    }
    if (child_of && !span.parent) {
      span.parent = target;
      continue;
    }
    // Keep the OpenTracing type, as the OTel Jaeger translator does for links.
    model::SpanLink& link = span.links.emplace_back();
    link.target = target;
    link.attributes.push_back(
        {"opentracing.ref_type", std::string(child_of ? "child_of" : "follows_from")});
  }
}

bool JaegerJsonDecoder::probe_reference(model::SpanRef& target, bool& child_of) {
  // Jaeger writes {"refType":"CHILD_OF","traceID":"...","spanID":"..."}. Invalid ids are
  // left to decode_reference() too, for its messages.
  JsonReader::Probe probe(m_reader, 1);
  std::string_view type;
  std::string_view trace_id;
  std::string_view span_id;
  if (!probe.literal(R"({"refType":")") || !probe.string_body(type) ||
      !probe.literal(R"(,"traceID":")") || !probe.string_body(trace_id) ||
      !probe.literal(R"(,"spanID":")") || !probe.string_body(span_id) || !probe.literal("}")) {
    return false;
  }
  const auto trace = m_trace_ids.parse(trace_id);
  const auto span = model::SpanId::parse(span_id);
  if (!trace || !span) {
    return false;
  }
  probe.commit();
  target = {*trace, *span};
  child_of = equals(type, "CHILD_OF");
  return true;
}

void JaegerJsonDecoder::decode_reference(model::SpanRef& target, bool& child_of) {
  m_reader.begin_object("references");
  bool has_trace_id = false;
  bool has_span_id = false;
  std::size_t guess = 0;
  RefMember member{};
  while (next_member(m_reader, k_reference_keys, guess, member, RefMember::other)) {
    switch (member) {
    case RefMember::ref_type:
      child_of = equals(m_reader.read_string("refType"), "CHILD_OF");
      break;
    case RefMember::trace_id: {
      const std::string_view text = m_reader.read_string("traceID");
      const auto id = m_trace_ids.parse(text);
      if (!id) {
        m_reader.fail_at_token(
            fmt::format("invalid trace id \"{}\" in a reference", text.substr(0, 64)));
      }
      target.trace_id = *id;
      has_trace_id = true;
      break;
    }
    case RefMember::span_id: {
      const std::string_view text = m_reader.read_string("spanID");
      const auto id = model::SpanId::parse(text);
      if (!id) {
        m_reader.fail_at_token(
            fmt::format("invalid span id \"{}\" in a reference", text.substr(0, 64)));
      }
      target.span_id = *id;
      has_span_id = true;
      break;
    }
    case RefMember::other:
      m_reader.skip_value();
      break;
    }
  }
  if (!has_trace_id || !has_span_id) {
    m_reader.fail_at_token("reference without \"traceID\" or \"spanID\"");
  }
}

void JaegerJsonDecoder::decode_logs(Span& span) {
  if (m_reader.try_null()) {
    return;
  }
  m_reader.begin_array("logs");
  while (m_reader.next_element()) {
    reserve_once(span.events, m_event_hint);
    model::SpanEvent& event = span.events.emplace_back();
    bool named = false;
    m_reader.begin_object("logs");
    std::size_t guess = 0;
    LogMember member{};
    while (next_member(m_reader, k_log_keys, guess, member, LogMember::other)) {
      if (member == LogMember::timestamp) {
        event.time_ns = micros_to_nanos(m_reader.read_int64("timestamp", true), "timestamp");
      } else if (member == LogMember::fields) {
        if (m_reader.try_null()) {
          continue;
        }
        m_reader.begin_array("fields");
        while (m_reader.next_element()) {
          reserve_once(event.attributes, m_field_hint);
          PlainAttribute plain;
          if (probe_tag(plain)) {
            if (!named && plain.value.kind == PlainValue::Kind::string &&
                equals(plain.key, "event")) {
              set_text(event.name, plain.value.text); // the event's name, not an attribute
              named = true;
              continue;
            }
            event.attributes.emplace_back(AttributeFrom{plain.key, plain.value});
          } else {
            decode_kv(event.attributes.emplace_back(), "fields");
          }
          Attribute& field = event.attributes.back();
          if (!named && equals(field.key, "event")) {
            event.name = model::to_string(field.value);
            named = true;
            event.attributes.pop_back();
          }
        }
      } else {
        m_reader.skip_value();
      }
    }
    if (!named) {
      event.name = "log";
    }
    if (!event.attributes.empty()) {
      m_field_hint = event.attributes.size();
    }
  }
  m_event_hint = span.events.size();
}

std::shared_ptr<const model::Resource> JaegerJsonDecoder::decode_process() {
  auto resource = std::make_shared<model::Resource>();
  m_reader.begin_object("process");
  std::string_view key;
  while (m_reader.next_key(key)) {
    if (equals(key, "serviceName")) {
      set_text(resource->service_name, m_reader.read_string("serviceName"));
    } else if (equals(key, "tags")) {
      decode_kv_list(resource->attributes, "tags");
    } else {
      m_reader.skip_value();
    }
  }
  return resource;
}

void JaegerJsonDecoder::decode_kv_list(model::Attributes& out, std::string_view field) {
  if (m_reader.try_null()) {
    return;
  }
  m_reader.begin_array(field);
  m_plain.clear(); // gathered as in decode_tags()
  for (;;) {
    if (!m_plain.empty() && !m_reader.next_is_buffered()) {
      append_plain(out, m_plain);
    }
    if (!m_reader.next_element()) {
      break;
    }
    PlainAttribute plain;
    if (probe_tag(plain)) {
      m_plain.push_back(plain);
    } else {
      append_plain(out, m_plain);
      decode_kv(out.emplace_back(), field);
    }
  }
  append_plain(out, m_plain);
}

bool JaegerJsonDecoder::probe_tag(PlainAttribute& tag) {
  // Jaeger writes every tag as {"key":"...","type":"...","value":...}: match those bytes
  // directly. Anything else (another order, escapes, a string for a number, ...) is left
  // to decode_kv().
  JsonReader::Probe probe(m_reader, 1);
  if (!probe.literal(R"({"key":")") || !probe.string_body(tag.key) ||
      !probe.literal(R"(,"type":")")) {
    return false;
  }
  // The type and the start of the value in one compare, picked by the type's first byte.
  PlainValue& value = tag.value;
  bool ok = false;
  switch (probe.peek()) {
  case 's':
    value.kind = PlainValue::Kind::string;
    ok = probe.literal(R"(string","value":")", true) && probe.string_body(value.text);
    break;
  case 'i':
    value.kind = PlainValue::Kind::int64;
    ok = probe.literal(R"(int64","value":)", true) && probe.integer(value.integer, true);
    break;
  case 'f':
    value.kind = PlainValue::Kind::float64;
    ok = probe.literal(R"(float64","value":)", true) && probe.number(value.number);
    break;
  case 'b':
    value.kind = PlainValue::Kind::boolean;
    ok = probe.literal(R"(bool","value":)", true) && probe.boolean(value.flag);
    break;
  default:
    break;
  }
  if (!ok || !probe.literal("}")) {
    return false;
  }
  probe.commit();
  return true;
}

void JaegerJsonDecoder::decode_kv(Attribute& attribute, std::string_view field) {
  m_reader.begin_object(field);
  TagType type = TagType::none;
  bool has_key = false;
  bool has_value = false;
  bool stashed = false;
  JsonType stashed_type = JsonType::null;
  bool stashed_bool = false;
  std::string_view key;
  while (m_reader.next_key(key)) {
    if (equals(key, "key")) {
      attribute.key.assign(m_reader.read_string("key"));
      has_key = true;
    } else if (equals(key, "type")) {
      const std::string_view name = m_reader.read_string("type");
      if (equals(name, "string")) {
        type = TagType::string;
      } else if (equals(name, "int64")) {
        type = TagType::int64;
      } else if (equals(name, "bool")) {
        type = TagType::boolean;
      } else if (equals(name, "float64")) {
        type = TagType::float64;
      } else if (equals(name, "binary")) {
        type = TagType::binary;
      } else {
        m_reader.fail_at_token(fmt::format("unknown tag type \"{}\"", name.substr(0, 64)));
      }
      if (stashed) {
        convert_stashed_value(attribute, type, stashed_type, stashed_bool);
        stashed = false;
      }
    } else if (equals(key, "value")) {
      has_value = true;
      if (type != TagType::none) {
        read_typed_value(attribute, type);
        continue;
      }
      // The value came before its type (Jaeger writes key, type, value; others may not).
      stashed = true;
      stashed_type = m_reader.peek();
      switch (stashed_type) {
      case JsonType::string:
        m_value_text.assign(m_reader.read_string("value"));
        break;
      case JsonType::number:
        m_value_text.assign(m_reader.read_number_text("value"));
        break;
      case JsonType::boolean:
        stashed_bool = m_reader.read_bool("value");
        break;
      default:
        m_reader.fail_unexpected_type("a string, number or boolean", "value");
      }
    } else {
      m_reader.skip_value();
    }
  }
  if (!has_key || !has_value || type == TagType::none) {
    m_reader.fail_at_token(fmt::format("{} entry without \"{}\"", field,
                                       !has_key ? "key" : (!has_value ? "value" : "type")));
  }
}

void JaegerJsonDecoder::read_typed_value(Attribute& attribute, TagType type) {
  switch (type) {
  case TagType::int64:
    // Jaeger writes values beyond 2^53 as strings; some writers use 1e3 forms.
    attribute.value.emplace<std::int64_t>(m_reader.read_int64("value", true));
    return;
  case TagType::float64:
    attribute.value.emplace<double>(m_reader.read_double("value", true));
    return;
  case TagType::boolean:
    if (m_reader.peek() == JsonType::string) {
      const std::string_view text = m_reader.read_string("value");
      if (!equals(text, "true") && !equals(text, "false")) {
        m_reader.fail_at_token(
            fmt::format("expected a boolean for \"value\", got \"{}\"", text.substr(0, 64)));
      }
      attribute.value.emplace<bool>(equals(text, "true"));
      return;
    }
    attribute.value.emplace<bool>(m_reader.read_bool("value"));
    return;
  case TagType::string:
  case TagType::binary: // kept as its base64 text
  case TagType::none:
    switch (m_reader.peek()) {
    case JsonType::number:
      attribute.value.emplace<std::string>(m_reader.read_number_text("value"));
      return;
    case JsonType::boolean:
      attribute.value.emplace<std::string>(m_reader.read_bool("value") ? "true" : "false");
      return;
    default:
      attribute.value.emplace<std::string>(m_reader.read_string("value"));
      return;
    }
  }
}

void JaegerJsonDecoder::convert_stashed_value(Attribute& attribute, TagType type,
                                              JsonType json_type, bool boolean) {
  const std::string text =
      json_type == JsonType::boolean ? std::string(boolean ? "true" : "false") : m_value_text;
  switch (type) {
  case TagType::int64: {
    std::int64_t value = 0;
    if (json_type == JsonType::boolean || !parse_integral_text(text, value)) {
      m_reader.fail_at_token(
          fmt::format("expected an int64 value, got \"{}\"", text.substr(0, 64)));
    }
    attribute.value.emplace<std::int64_t>(value);
    return;
  }
  case TagType::float64: {
    double value = 0;
    const auto [ptr, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (json_type == JsonType::boolean || error != std::errc() ||
        ptr != text.data() + text.size()) {
      m_reader.fail_at_token(
          fmt::format("expected a float64 value, got \"{}\"", text.substr(0, 64)));
    }
    attribute.value.emplace<double>(value);
    return;
  }
  case TagType::boolean:
    if (!equals(text, "true") && !equals(text, "false")) {
      m_reader.fail_at_token(fmt::format("expected a bool value, got \"{}\"", text.substr(0, 64)));
    }
    attribute.value.emplace<bool>(equals(text, "true"));
    return;
  case TagType::string:
  case TagType::binary:
  case TagType::none:
    attribute.value.emplace<std::string>(text);
    return;
  }
}

void JaegerJsonDecoder::decode_string_list(std::vector<std::string>& out, std::string_view field) {
  if (m_reader.try_null()) {
    return;
  }
  m_reader.begin_array(field);
  while (m_reader.next_element()) {
    out.emplace_back(m_reader.read_string(field));
  }
}

} // namespace ordertrace::decode::detail

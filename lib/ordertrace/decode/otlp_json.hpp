#pragma once
// OTLP JSON (protobuf's JSON mapping of TracesData): {"resourceSpans":[...]} as OTLP/HTTP
// bodies and the collector's file exporter write it, and api_v3's {"result":{...}}.
// Internal to decode/: decoder.cpp detects the format and hands the reader over.

#include <ordertrace/decode/decoder.hpp>
#include <ordertrace/decode/json_reader.hpp>
#include <ordertrace/decode/plain_value.hpp>
#include <ordertrace/model/span.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ordertrace::decode::detail {

class OtlpJsonDecoder {
public:
  // Emits to `sink` and counts spans in `stats`; all must outlive the decoder. One
  // decoder serves every document of an input, reusing its buffers.
  OtlpJsonDecoder(JsonReader& reader, SpanSink& sink, DecodeStats& stats)
      : m_reader(reader), m_sink(sink), m_stats(stats) {}

  // Consumes the value of "resourceSpans": an array of ResourceSpans (or null).
  void decode_resource_spans_list();
  // Consumes the value of api_v3's "result": an object holding "resourceSpans".
  void decode_result();

private:
  void decode_resource_spans();
  void decode_scope_spans();
  void decode_scope();
  void decode_span(model::Span& span);
  void decode_event(model::SpanEvent& event);
  void decode_link(model::Span& span);
  void decode_status(model::Span& span);
  std::shared_ptr<const model::Resource> decode_resource();
  // Appends the KeyValue list; with `warnings`, Jaeger's "@jaeger@warnings" goes there.
  void decode_attributes(model::Attributes& out, std::vector<std::string>* warnings,
                         std::string_view field);
  // Reads an attribute of the plain common shape into `out` and returns true; otherwise
  // consumes nothing and returns false. With `watch_warnings`, Jaeger's warnings key is
  // left to the checked path too.
  bool probe_attribute(PlainAttribute& out, bool watch_warnings);
  void decode_any_value(model::AttributeValue& value);
  // Reads an AnyValue and appends it to `out` as plain JSON.
  void append_any_value_json(std::string& out, int depth);
  // Reads the {"values":[...]} of an arrayValue/kvlistValue and appends it as JSON.
  void append_container_json(std::string& out, bool is_array, int depth);
  void decode_warnings_value(std::vector<std::string>& warnings);
  void emit(model::Span&& span);
  void flush_pending();

  JsonReader& m_reader;
  SpanSink& m_sink;
  DecodeStats& m_stats;
  // Spans of the current ResourceSpans waiting for their resource (which may come
  // after them) or their scope (likewise).
  std::vector<model::Span> m_pending;
  std::shared_ptr<const model::Resource> m_resource;
  model::Attributes m_scope_attributes;
  TraceIdCache m_trace_ids;
  std::string m_json;                  // arrayValue/kvlistValue rendered as JSON text
  std::vector<PlainAttribute> m_plain; // attributes read but not built yet
  // Attributes on the previous span: reserve exactly that many (see JaegerJsonDecoder).
  std::size_t m_attribute_hint = 8;
  std::size_t m_event_hint = 1; // events on the last span that had any
};

} // namespace ordertrace::decode::detail

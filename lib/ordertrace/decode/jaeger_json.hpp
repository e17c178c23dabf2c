#pragma once
// Jaeger's legacy ("internal", UI) JSON: the query envelope {"data":[trace,...],...}
// and bare trace objects as Jaeger UI's "Download JSON" saves them. Internal to
// decode/: decoder.cpp detects the format and hands the reader over.

#include <ordertrace/decode/decoder.hpp>
#include <ordertrace/decode/json_reader.hpp>
#include <ordertrace/decode/plain_value.hpp>
#include <ordertrace/model/span.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ordertrace::decode::detail {

class JaegerJsonDecoder {
public:
  // Emits to `sink` and counts spans and envelope errors in `stats`; all must outlive
  // the decoder. One decoder serves every document of an input, reusing its buffers.
  JaegerJsonDecoder(JsonReader& reader, SpanSink& sink, DecodeStats& stats)
      : m_reader(reader), m_sink(sink), m_stats(stats) {}

  // Consumes the value of an envelope's "data": an array of traces, or null.
  void decode_data();
  // Consumes the value of an envelope's "errors" (null or an array) into stats.errors.
  void decode_errors();
  // The reader is inside a trace object and has just returned `first_key`, whose value
  // is next: decodes the rest of the trace (through its closing brace) and emits its
  // spans once the object ends, as the processes may follow the spans.
  void decode_trace_members(std::string_view first_key);

private:
  struct PendingSpan {
    model::Span span;
    std::string process_id;
    std::shared_ptr<const model::Resource> own_process; // an older, embedded "process"
  };
  enum class TagType : std::uint8_t { none, string, boolean, int64, float64, binary };

  void handle_trace_member(std::string_view key);
  void finish_trace();
  void decode_span(PendingSpan& pending);
  void decode_references(model::Span& span);
  // One reference object: by probe_reference() when it has the plain common shape (and
  // then returns true), else by decode_reference().
  bool probe_reference(model::SpanRef& target, bool& child_of);
  void decode_reference(model::SpanRef& target, bool& child_of);
  void decode_tags(model::Span& span, bool& error_tag, model::StatusCode& status_code_tag);
  // Reads the span status that Jaeger folds into the tags error, otel.status_code and
  // otel.status_description from one tag.
  static void note_status_tag(model::Span& span, const model::Attribute& tag, bool& error_tag,
                              model::StatusCode& status_code_tag);
  static void note_status_tag_slow(model::Span& span, const model::Attribute& tag, bool& error_tag,
                                   model::StatusCode& status_code_tag);
  void decode_logs(model::Span& span);
  std::shared_ptr<const model::Resource> decode_process();
  void decode_kv_list(model::Attributes& out, std::string_view field);
  void decode_kv(model::Attribute& attribute, std::string_view field);
  // Reads a tag of the plain common shape and returns true; otherwise consumes nothing
  // and returns false, and decode_kv() must read it.
  bool probe_tag(PlainAttribute& tag);
  void read_typed_value(model::Attribute& attribute, TagType type);
  void convert_stashed_value(model::Attribute& attribute, TagType type, JsonType json_type,
                             bool boolean);
  void decode_string_list(std::vector<std::string>& out, std::string_view field);
  std::int64_t micros_to_nanos(std::int64_t micros, std::string_view field);

  JsonReader& m_reader;
  SpanSink& m_sink;
  DecodeStats& m_stats;
  std::vector<PendingSpan> m_spans;
  std::vector<std::pair<std::string, std::shared_ptr<const model::Resource>>> m_processes;
  std::vector<std::string> m_trace_warnings;
  std::shared_ptr<const model::Resource> m_unknown_process;
  TraceIdCache m_trace_ids;
  std::string m_value_text;            // a tag value met before its type
  std::vector<PlainAttribute> m_plain; // tags read but not built yet (see append_plain())
  // Tags, logs and log fields on the last span or log that had any: reserve that many
  // (see reserve_once()). Exactly as many, as most spans of a file look alike and glibc
  // serves chunks up to 1 KiB from its thread cache; a vector that must grow still only
  // doubles.
  std::size_t m_tag_hint = 8;
  std::size_t m_field_hint = 2;
  std::size_t m_event_hint = 1;
};

} // namespace ordertrace::decode::detail

#pragma once
// Streaming decoders for trace files and query answers: Jaeger's legacy JSON
// ({"data":[traces]}, a bare trace object as Jaeger UI's "Download JSON" saves it)
// and OTLP JSON ({"resourceSpans":...}, the api_v3 envelope {"result":{...}}, and
// JSON Lines of either as the collector's file exporter writes them). The format is
// detected from the first keys. Spans are handed to a sink one by one; nothing holds
// the whole document, so memory stays bounded by the largest single trace/resource.

#include <ordertrace/model/span.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ordertrace::decode {

enum class Format { jaeger_json, otlp_json };
std::string_view to_string(Format format) noexcept;

// Receives decoded spans, in document order.
class SpanSink {
public:
  virtual ~SpanSink() = default;
  virtual void on_span(model::Span&& span) = 0;
};

struct DecodeLimits {
  std::size_t max_depth = 64;               // nesting of JSON arrays/objects
  std::uint64_t max_bytes = 8ULL << 30;     // whole input
  std::size_t max_string_bytes = 16U << 20; // one string or number token
};

struct DecodeStats {
  Format format = Format::otlp_json;
  std::uint64_t spans = 0;
  std::uint64_t bytes = 0;
  std::uint64_t documents = 0; // top-level JSON values (JSON Lines)
  // The entries of Jaeger's "errors" envelope field ("404: trace not found", ...): the
  // query answered, but not (only) with spans. Decoding goes on; callers decide.
  std::vector<std::string> errors;
};

// Decodes `data`. Throws InputError "<source_name>:<line>:<column>: <problem>" on
// malformed JSON, invalid UTF-8, a wrong type where the format fixes one, an
// unrecognised top-level shape, or a limit exceeded. Unknown fields are skipped.
DecodeStats decode_buffer(std::string_view data, std::string_view source_name, SpanSink& sink,
                          const DecodeLimits& limits = {});
// Reads the file in chunks and decodes it as decode_buffer does; the message of an
// unreadable file names it.
DecodeStats decode_file(const std::filesystem::path& path, SpanSink& sink,
                        const DecodeLimits& limits = {});
// As decode_file, for a stream the caller opened (and closes), such as stdin, read in
// chunks of `chunk_bytes` (tests use tiny chunks to cross every token boundary).
DecodeStats decode_stream(std::FILE* file, std::string_view source_name, SpanSink& sink,
                          const DecodeLimits& limits = {},
                          std::size_t chunk_bytes = std::size_t{1} << 20);

} // namespace ordertrace::decode

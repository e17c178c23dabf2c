#pragma once
// Helpers shared by the decode tests: a collecting sink, fixture loading, running the
// chunked reader over a temporary file, and a canonical text form of a span.

#include <ordertrace/decode/decoder.hpp>
#include <ordertrace/model/span.hpp>

#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ordertrace::decode::testing {

class CollectingSink : public SpanSink {
public:
  void on_span(model::Span&& span) override { spans.push_back(std::move(span)); }
  std::vector<model::Span> spans;
};

inline std::string shared_path(const std::string& relative) {
  return std::string(ORDERTRACE_SHARED_DIR) + "/" + relative;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot open " + path);
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline std::string fixture(const std::string& name) {
  return read_text(shared_path("fixtures/jaeger/" + name));
}

// Decodes `data` through a temporary file with the chunked reader.
inline DecodeStats decode_chunked(const std::string& data, const std::string& name, SpanSink& sink,
                                  std::size_t chunk_bytes, const DecodeLimits& limits = {}) {
  std::FILE* file = std::tmpfile();
  if (file == nullptr) {
    throw std::runtime_error("tmpfile failed");
  }
  std::fwrite(data.data(), 1, data.size(), file);
  std::rewind(file);
  try {
    DecodeStats stats = decode_stream(file, name, sink, limits, chunk_bytes);
    std::fclose(file);
    return stats;
  } catch (...) {
    std::fclose(file);
    throw;
  }
}

inline std::string dump(const model::Attributes& attributes) {
  std::string out;
  for (const auto& attribute : attributes) {
    out += fmt::format("{}[{}]={};", attribute.key, attribute.value.index(),
                       model::to_string(attribute.value));
  }
  return out;
}

// Every field of a span, for comparing decodes.
inline std::string dump(const model::Span& span) {
  std::string out = fmt::format(
      "{}/{} parent={} op={} kind={} {}..{} status={}:{} service={} res={} attrs={}",
      span.trace_id.hex(), span.span_id.hex(),
      span.parent ? span.parent->trace_id.hex() + "/" + span.parent->span_id.hex() : "-",
      span.operation, model::to_string(span.kind), span.start_ns, span.end_ns,
      model::to_string(span.status), span.status_message, span.service(),
      span.resource ? dump(span.resource->attributes) : "null", dump(span.attributes));
  for (const auto& link : span.links) {
    out += fmt::format(" link={}/{}:{}", link.target.trace_id.hex(), link.target.span_id.hex(),
                       dump(link.attributes));
  }
  for (const auto& event : span.events) {
    out += fmt::format(" event={}@{}:{}", event.name, event.time_ns, dump(event.attributes));
  }
  for (const auto& warning : span.warnings) {
    out += fmt::format(" warning={}", warning);
  }
  return out;
}

inline std::vector<std::string> dump_all(const std::vector<model::Span>& spans) {
  std::vector<std::string> out;
  for (const auto& span : spans) {
    out.push_back(dump(span));
  }
  return out;
}

} // namespace ordertrace::decode::testing

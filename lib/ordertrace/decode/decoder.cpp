#include <ordertrace/decode/decoder.hpp>
#include <ordertrace/decode/jaeger_json.hpp>
#include <ordertrace/decode/json_reader.hpp>
#include <ordertrace/decode/otlp_json.hpp>
#include <ordertrace/util/error.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace ordertrace::decode {
namespace {

constexpr std::string_view k_not_a_trace = "not a Jaeger or OTLP JSON trace document";

class DocumentDecoder {
public:
  DocumentDecoder(JsonReader& reader, SpanSink& sink)
      : m_reader(reader), m_jaeger(reader, sink, m_stats), m_otlp(reader, sink, m_stats) {}

  DecodeStats run() {
    m_reader.skip_byte_order_mark();
    while (!m_reader.at_end()) {
      decode_document();
      ++m_stats.documents;
    }
    if (m_stats.documents == 0) {
      m_reader.fail(fmt::format("{} (empty input)", k_not_a_trace));
    }
    m_stats.bytes = m_reader.bytes_read();
    return std::move(m_stats);
  }

private:
  void set_format(Format format) {
    if (m_stats.documents == 0) {
      m_stats.format = format;
    }
  }

  // Judges the document by its first decisive key: envelope fields that both formats
  // could start with ("total", "errors", ...) are read and the search goes on.
  void decode_document() {
    const char first = m_reader.peek_byte();
    if (first != '{') {
      std::string what;
      if (first == '[') {
        what = "the top-level value is an array, not an object";
      } else if (first == '<') {
        what = "it looks like HTML or XML";
      } else {
        what = "the top-level value is not an object";
      }
      m_reader.fail(fmt::format("{} ({})", k_not_a_trace, what));
    }
    m_reader.begin_object();
    bool saw_errors = false;
    std::string_view key;
    while (m_reader.next_key(key)) {
      if (equals(key, "data")) {
        set_format(Format::jaeger_json);
        m_jaeger.decode_data();
        finish_jaeger_envelope();
        return;
      }
      if (equals(key, "resourceSpans") || equals(key, "result")) {
        set_format(Format::otlp_json);
        finish_otlp_envelope(key);
        return;
      }
      if (equals(key, "traceID") || equals(key, "spans") || equals(key, "processes") ||
          equals(key, "warnings")) {
        set_format(Format::jaeger_json);
        m_jaeger.decode_trace_members(key);
        return;
      }
      if (equals(key, "errors")) {
        m_jaeger.decode_errors();
        saw_errors = true;
      } else if (equals(key, "error")) {
        fail_with_api_error();
      } else if (equals(key, "total") || equals(key, "limit") || equals(key, "offset")) {
        m_reader.skip_value();
      } else {
        m_reader.fail_at_token(
            fmt::format("{} (unexpected key \"{}\")", k_not_a_trace, key.substr(0, 64)));
      }
    }
    if (!saw_errors) {
      m_reader.fail_at_token(fmt::format("{} (no trace data in the object)", k_not_a_trace));
    }
    set_format(Format::jaeger_json); // an error answer: {"data":null} without "data"
  }

  void finish_jaeger_envelope() {
    std::string_view key;
    while (m_reader.next_key(key)) {
      if (equals(key, "data")) {
        m_jaeger.decode_data();
      } else if (equals(key, "errors")) {
        m_jaeger.decode_errors();
      } else {
        m_reader.skip_value();
      }
    }
  }

  void finish_otlp_envelope(std::string_view key) {
    do {
      if (equals(key, "resourceSpans")) {
        m_otlp.decode_resource_spans_list();
      } else if (equals(key, "result")) {
        m_otlp.decode_result();
      } else {
        m_reader.skip_value();
      }
    } while (m_reader.next_key(key));
  }

  // api_v3 answers errors as {"error":{"httpCode":404,"message":"No traces found"}}.
  [[noreturn]] void fail_with_api_error() {
    std::int64_t code = 0;
    std::string message;
    m_reader.begin_object("error");
    std::string_view key;
    while (m_reader.next_key(key)) {
      if (equals(key, "httpCode") || equals(key, "code")) {
        code = m_reader.read_int64("httpCode", true);
      } else if (equals(key, "message")) {
        message = m_reader.read_string("message");
      } else {
        m_reader.skip_value();
      }
    }
    throw InputError(fmt::format("{}: Jaeger answered with an error: {}{}", m_reader.source_name(),
                                 message,
                                 code != 0 ? fmt::format(" (HTTP {})", code) : std::string()));
  }

  JsonReader& m_reader;
  DecodeStats m_stats;
  detail::JaegerJsonDecoder m_jaeger;
  detail::OtlpJsonDecoder m_otlp;
};

struct FileCloser {
  void operator()(std::FILE* file) const noexcept { std::fclose(file); }
};

} // namespace

std::string_view to_string(Format format) noexcept {
  return format == Format::jaeger_json ? "jaeger-json" : "otlp-json";
}

DecodeStats decode_buffer(std::string_view data, std::string_view source_name, SpanSink& sink,
                          const DecodeLimits& limits) {
  JsonReader reader(data, std::string(source_name), limits);
  return DocumentDecoder(reader, sink).run();
}

DecodeStats decode_stream(std::FILE* file, std::string_view source_name, SpanSink& sink,
                          const DecodeLimits& limits, std::size_t chunk_bytes) {
  FileByteSource source(file, std::string(source_name));
  JsonReader reader(source, std::string(source_name), limits, chunk_bytes);
  return DocumentDecoder(reader, sink).run();
}

DecodeStats decode_file(const std::filesystem::path& path, SpanSink& sink,
                        const DecodeLimits& limits) {
  const std::string name = path.string();
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(name.c_str(), "rb"));
  if (!file) {
    throw InputError(fmt::format("cannot open {}: {}", name, std::strerror(errno)));
  }
  return decode_stream(file.get(), name, sink, limits);
}

} // namespace ordertrace::decode

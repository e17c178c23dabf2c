// Decoder throughput on realistic synthetic traces (both formats), from memory and from
// a ~200 MB file, plus nlohmann's SAX parser on the same bytes as a yardstick.
//
//   build/decode_bench --benchmark_counters_tabular=true
//
// The file cases run first so that their peak RSS (getrusage) is not inflated by the
// in-memory corpora built later.

#include <ordertrace/decode/decoder.hpp>

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

namespace {

using ordertrace::decode::Format;

// Counts spans; the Span itself is dropped as a real sink would move it away.
class CountingSink : public ordertrace::decode::SpanSink {
public:
  void on_span(ordertrace::model::Span&& span) override {
    ++m_spans;
    m_attributes += span.attributes.size();
  }
  std::uint64_t spans() const { return m_spans; }
  std::uint64_t attributes() const { return m_attributes; }

private:
  std::uint64_t m_spans = 0;
  std::uint64_t m_attributes = 0;
};

class Random {
public:
  explicit Random(std::uint64_t seed) : m_state(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }

private:
  std::uint64_t m_state;
};

enum class TagType { string, int64, float64, boolean };
struct Tag {
  std::string key;
  TagType type;
  std::string value; // JSON-ready text for numbers/bools, raw text for strings
};
struct Event {
  std::int64_t time_us;
  std::string name;
  std::vector<Tag> tags;
};
struct SyntheticSpan {
  std::string trace_id;
  std::string span_id;
  std::string parent_id; // empty for the root
  std::string link_trace_id;
  std::string link_span_id;
  std::string name;
  int kind; // OTLP numbering
  std::int64_t start_us;
  std::int64_t duration_us;
  bool error;
  int service;
  std::vector<Tag> tags;
  std::vector<Event> events;
};

constexpr int k_spans_per_trace = 20;
const char* const k_services[] = {"shop-api", "crm-api", "mes"};
const char* const k_kind_names[] = {"", "internal", "server", "client", "producer", "consumer"};

std::string hex(std::uint64_t value) {
  return fmt::format("{:016x}", value);
}

// One trace of an order's lifecycle: a server root, client calls, DB and queue spans.
std::vector<SyntheticSpan> make_trace(Random& random, std::int64_t base_us) {
  std::vector<SyntheticSpan> spans;
  const std::string trace_id = hex(random.next()) + hex(random.next());
  const std::string order = fmt::format("ORD-{:06}", random.below(1000000));
  for (int i = 0; i < k_spans_per_trace; ++i) {
    SyntheticSpan span;
    span.trace_id = trace_id;
    span.span_id = hex(random.next());
    if (i > 0) {
      span.parent_id = spans[random.below(static_cast<std::uint64_t>(i))].span_id;
    }
    if (i % 7 == 3) {
      span.link_trace_id = hex(random.next()) + hex(random.next());
      span.link_span_id = hex(random.next());
    }
    span.kind = i == 0 ? 2 : static_cast<int>(1 + random.below(5));
    span.name = i == 0 ? "POST /api/orders/{id}"
                       : fmt::format("{} order.step-{}", k_kind_names[span.kind], i % 9);
    span.start_us = base_us + i * 1500 + static_cast<std::int64_t>(random.below(1000));
    span.duration_us = 100 + static_cast<std::int64_t>(random.below(50000));
    span.error = random.below(50) == 0;
    span.service = static_cast<int>(random.below(3));
    span.tags = {
        {"otel.scope.name", TagType::string, "io.opentelemetry.spring-webmvc-6.0"},
        {"http.request.method", TagType::string, i % 2 == 0 ? "POST" : "GET"},
        {"http.response.status_code", TagType::int64, span.error ? "500" : "200"},
        {"url.path", TagType::string, "/api/orders/" + order},
        {"order.id", TagType::string, order},
        {"server.address", TagType::string, k_services[span.service]},
        {"server.port", TagType::int64, "8080"},
        {"network.protocol.version", TagType::string, "1.1"},
        {"thread.id", TagType::int64, std::to_string(random.below(200))},
        {"thread.name", TagType::string, fmt::format("http-nio-8080-exec-{}", random.below(10))},
        {"order.total", TagType::float64,
         fmt::format("{}.{:02}", random.below(1000), random.below(100))},
        {"cache.hit", TagType::boolean, random.below(2) == 0 ? "true" : "false"},
        {"db.system", TagType::string, "postgresql"},
    };
    if (i % 2 == 0) {
      span.events.push_back(
          {span.start_us + 10,
           "order.validated",
           {{"rule.count", TagType::int64, "12"}, {"validator", TagType::string, "default"}}});
    }
    if (i % 4 == 1) {
      span.events.push_back({span.start_us + 5, "cache.miss", {}});
    }
    spans.push_back(std::move(span));
  }
  return spans;
}

void append_jaeger_tag(std::string& out, const Tag& tag) {
  static const char* const k_types[] = {"string", "int64", "float64", "bool"};
  out += fmt::format(R"({{"key":"{}","type":"{}","value":)", tag.key,
                     k_types[static_cast<int>(tag.type)]);
  if (tag.type == TagType::string) {
    out += fmt::format(R"("{}"}})", tag.value);
  } else {
    out += tag.value + "}";
  }
}

// One trace as Jaeger's legacy JSON trace object.
void append_jaeger_trace(std::string& out, const std::vector<SyntheticSpan>& spans) {
  out += fmt::format(R"({{"traceID":"{}","spans":[)", spans[0].trace_id);
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const SyntheticSpan& span = spans[i];
    if (i > 0) {
      out += ',';
    }
    out += fmt::format(R"({{"traceID":"{}","spanID":"{}","operationName":"{}","references":[)",
                       span.trace_id, span.span_id, span.name);
    if (!span.parent_id.empty()) {
      out += fmt::format(R"({{"refType":"CHILD_OF","traceID":"{}","spanID":"{}"}})", span.trace_id,
                         span.parent_id);
    }
    if (!span.link_trace_id.empty()) {
      out += fmt::format(R"({}{{"refType":"FOLLOWS_FROM","traceID":"{}","spanID":"{}"}})",
                         span.parent_id.empty() ? "" : ",", span.link_trace_id, span.link_span_id);
    }
    out +=
        fmt::format(R"(],"startTime":{},"duration":{},"tags":[)", span.start_us, span.duration_us);
    for (const Tag& tag : span.tags) {
      append_jaeger_tag(out, tag);
      out += ',';
    }
    out += fmt::format(R"({{"key":"span.kind","type":"string","value":"{}"}})",
                       k_kind_names[span.kind]);
    if (span.error) {
      out += R"(,{"key":"otel.status_code","type":"string","value":"ERROR"},)"
             R"({"key":"error","type":"bool","value":true})";
    }
    out += R"(],"logs":[)";
    for (std::size_t e = 0; e < span.events.size(); ++e) {
      const Event& event = span.events[e];
      out += fmt::format(
          R"({}{{"timestamp":{},"fields":[{{"key":"event","type":"string","value":"{}"}})",
          e > 0 ? "," : "", event.time_us, event.name);
      for (const Tag& tag : event.tags) {
        out += ',';
        append_jaeger_tag(out, tag);
      }
      out += "]}";
    }
    out += fmt::format(R"(],"processID":"p{}","warnings":null}})", span.service + 1);
  }
  out += R"(],"processes":{)";
  for (int p = 0; p < 3; ++p) {
    out += fmt::format(
        R"({}"p{}":{{"serviceName":"{}","tags":[{{"key":"host.name","type":"string","value":"node-{}"}},)"
        R"({{"key":"telemetry.sdk.language","type":"string","value":"java"}}]}})",
        p > 0 ? "," : "", p + 1, k_services[p], p);
  }
  out += R"(},"warnings":null})";
}

void append_otlp_value(std::string& out, const Tag& tag) {
  switch (tag.type) {
  case TagType::string:
    out += fmt::format(R"({{"stringValue":"{}"}})", tag.value);
    break;
  case TagType::int64:
    out += fmt::format(R"({{"intValue":"{}"}})", tag.value);
    break;
  case TagType::float64:
    out += fmt::format(R"({{"doubleValue":{}}})", tag.value);
    break;
  case TagType::boolean:
    out += fmt::format(R"({{"boolValue":{}}})", tag.value);
    break;
  }
}

void append_otlp_attributes(std::string& out, const std::vector<Tag>& tags, std::size_t first) {
  out += R"("attributes":[)";
  for (std::size_t i = first; i < tags.size(); ++i) {
    out += fmt::format(R"({}{{"key":"{}","value":)", i > first ? "," : "", tags[i].key);
    append_otlp_value(out, tags[i]);
    out += '}';
  }
  out += ']';
}

// The spans of one service of a trace as one OTLP JSON document (one file-exporter line).
void append_otlp_document(std::string& out, const std::vector<SyntheticSpan>& spans, int service) {
  out += fmt::format(
      R"({{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"{}"}}}},)"
      R"({{"key":"host.name","value":{{"stringValue":"node-{}"}}}},)"
      R"({{"key":"telemetry.sdk.language","value":{{"stringValue":"java"}}}}]}},)"
      R"("scopeSpans":[{{"scope":{{"name":"io.opentelemetry.spring-webmvc-6.0","version":"2.1.0"}},"spans":[)",
      k_services[service], service);
  bool first = true;
  for (const SyntheticSpan& span : spans) {
    if (span.service != service) {
      continue;
    }
    if (!first) {
      out += ',';
    }
    first = false;
    out += fmt::format(R"({{"traceId":"{}","spanId":"{}",)", span.trace_id, span.span_id);
    if (!span.parent_id.empty()) {
      out += fmt::format(R"("parentSpanId":"{}",)", span.parent_id);
    }
    out += fmt::format(
        R"("flags":257,"name":"{}","kind":{},"startTimeUnixNano":"{}","endTimeUnixNano":"{}",)",
        span.name, span.kind, span.start_us * 1000 + 123,
        (span.start_us + span.duration_us) * 1000 + 456);
    append_otlp_attributes(out, span.tags, 1); // the scope name is the scope here
    if (!span.events.empty()) {
      out += R"(,"events":[)";
      for (std::size_t e = 0; e < span.events.size(); ++e) {
        const Event& event = span.events[e];
        out += fmt::format(R"({}{{"timeUnixNano":"{}","name":"{}",)", e > 0 ? "," : "",
                           event.time_us * 1000, event.name);
        append_otlp_attributes(out, event.tags, 0);
        out += '}';
      }
      out += ']';
    }
    if (!span.link_trace_id.empty()) {
      out += fmt::format(R"(,"links":[{{"traceId":"{}","spanId":"{}"}}])", span.link_trace_id,
                         span.link_span_id);
    }
    out +=
        span.error ? R"(,"status":{"code":2,"message":"payment declined"}})" : R"(,"status":{}})";
  }
  out += "]}]}]}";
}

// Renders `trace_count` traces; Jaeger as {"data":[...]} when `envelope`, else as one
// trace object per line, OTLP as one document per service and trace per line.
template <typename Write>
std::uint64_t generate(Format format, std::uint64_t trace_count, Write&& write) {
  Random random(42);
  std::string chunk;
  std::uint64_t spans = 0;
  if (format == Format::jaeger_json) {
    write(std::string(R"({"data":[)"));
  }
  for (std::uint64_t t = 0; t < trace_count; ++t) {
    const auto trace = make_trace(random, 1755700000000000 + static_cast<std::int64_t>(t) * 100000);
    chunk.clear();
    if (format == Format::jaeger_json) {
      if (t > 0) {
        chunk += ',';
      }
      append_jaeger_trace(chunk, trace);
    } else {
      for (int service = 0; service < 3; ++service) {
        append_otlp_document(chunk, trace, service);
        chunk += '\n';
      }
    }
    spans += trace.size();
    write(chunk);
  }
  if (format == Format::jaeger_json) {
    write(std::string(R"(],"total":0,"limit":0,"offset":0,"errors":null})"));
  }
  return spans;
}

struct Corpus {
  std::string text;
  std::uint64_t spans = 0;
};

const Corpus& corpus(Format format) {
  static Corpus corpora[2];
  Corpus& corpus = corpora[format == Format::jaeger_json ? 0 : 1];
  if (corpus.text.empty()) {
    corpus.spans = generate(format, 1000, [&](const std::string& part) { corpus.text += part; });
  }
  return corpus;
}

void report(benchmark::State& state, std::uint64_t spans, std::uint64_t bytes) {
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["spans_per_second"] =
      benchmark::Counter(static_cast<double>(spans), benchmark::Counter::kIsRate);
  state.counters["bytes_per_span"] = static_cast<double>(bytes) / static_cast<double>(spans);
}

void BM_DecodeBuffer(benchmark::State& state, Format format) {
  const Corpus& input = corpus(format);
  std::uint64_t spans = 0;
  for (auto _ : state) {
    CountingSink sink;
    ordertrace::decode::decode_buffer(input.text, "bench.json", sink);
    benchmark::DoNotOptimize(sink.attributes());
    spans += sink.spans();
  }
  report(state, spans, input.text.size() * state.iterations());
}

// nlohmann's SAX parser doing nothing with the events: a floor for what a decoder built
// on it would cost (it still allocates a std::string per key and string value).
void BM_NlohmannSax(benchmark::State& state, Format format) {
  const Corpus& input = corpus(format);
  struct NullSax : nlohmann::json_sax<nlohmann::json> {
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return true; }
    bool key(string_t&) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
      return false;
    }
  };
  for (auto _ : state) {
    NullSax sax;
    // JSON Lines: OTLP corpus lines are separate documents.
    const bool ok = nlohmann::json::sax_parse(input.text, &sax,
                                              nlohmann::json::input_format_t::json, true, false) ||
                    format == Format::otlp_json;
    benchmark::DoNotOptimize(ok);
  }
  report(state, input.spans * state.iterations(), input.text.size() * state.iterations());
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// Decodes a ~200 MB file in 1 MiB chunks: memory must stay far below the file size.
void BM_DecodeFile(benchmark::State& state, Format format) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      fmt::format("ordertrace_decode_bench_{}_{}.json", getpid(), to_string(format));
  const long rss_before_kib = peak_rss_kib();
  std::uint64_t spans_in_file = 0;
  {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr) {
      state.SkipWithError("cannot create the temporary file");
      return;
    }
    const std::uint64_t traces = format == Format::jaeger_json ? 8000 : 10000;
    spans_in_file = generate(format, traces, [&](const std::string& part) {
      std::fwrite(part.data(), 1, part.size(), file);
    });
    std::fclose(file);
  }
  const auto file_bytes = std::filesystem::file_size(path);
  std::uint64_t spans = 0;
  for (auto _ : state) {
    CountingSink sink;
    ordertrace::decode::decode_file(path, sink);
    spans += sink.spans();
  }
  std::filesystem::remove(path);
  if (spans != spans_in_file * state.iterations()) {
    state.SkipWithError("span count mismatch");
  }
  report(state, spans, file_bytes * state.iterations());
  state.counters["file_mb"] = static_cast<double>(file_bytes) / 1e6;
  state.counters["peak_rss_mb"] = static_cast<double>(peak_rss_kib()) / 1024.0;
  state.counters["rss_before_mb"] = static_cast<double>(rss_before_kib) / 1024.0;
}

BENCHMARK_CAPTURE(BM_DecodeFile, jaeger, Format::jaeger_json)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2);
BENCHMARK_CAPTURE(BM_DecodeFile, otlp_lines, Format::otlp_json)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2);
BENCHMARK_CAPTURE(BM_DecodeBuffer, jaeger, Format::jaeger_json)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DecodeBuffer, otlp_lines, Format::otlp_json)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_NlohmannSax, jaeger, Format::jaeger_json)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();

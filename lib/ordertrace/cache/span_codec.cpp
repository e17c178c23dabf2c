#include <ordertrace/cache/span_codec.hpp>
#include <ordertrace/util/error.hpp>

#include <cstring>
#include <map>

namespace ordertrace::cache {
namespace {

constexpr unsigned char k_format_version = 1;

// Differences of times wrap instead of overflowing: a span with absurd times (bad input)
// or a damaged blob must not be undefined behaviour.
std::int64_t wrapping_sub(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
}
std::int64_t wrapping_add(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}

enum class ValueType : unsigned char { string = 0, integer = 1, real = 2, boolean = 3 };

class Writer {
public:
  void byte(unsigned char value) { m_out.push_back(static_cast<char>(value)); }
  void varint(std::uint64_t value) {
    while (value >= 0x80) {
      byte(static_cast<unsigned char>(value | 0x80));
      value >>= 7;
    }
    byte(static_cast<unsigned char>(value));
  }
  // Zigzag, so that small negative numbers stay short.
  void signed_varint(std::int64_t value) {
    varint((static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63));
  }
  void fixed64(std::uint64_t value) {
    for (int i = 0; i < 8; ++i) {
      byte(static_cast<unsigned char>(value >> (8 * i)));
    }
  }
  void text(std::string_view value) {
    varint(value.size());
    m_out.append(value);
  }
  void attributes(const model::Attributes& attributes) {
    varint(attributes.size());
    for (const auto& attribute : attributes) {
      text(attribute.key);
      if (const auto* s = std::get_if<std::string>(&attribute.value)) {
        byte(static_cast<unsigned char>(ValueType::string));
        text(*s);
      } else if (const auto* i = std::get_if<std::int64_t>(&attribute.value)) {
        byte(static_cast<unsigned char>(ValueType::integer));
        signed_varint(*i);
      } else if (const auto* d = std::get_if<double>(&attribute.value)) {
        byte(static_cast<unsigned char>(ValueType::real));
        std::uint64_t bits = 0;
        std::memcpy(&bits, d, sizeof bits);
        fixed64(bits);
      } else {
        byte(static_cast<unsigned char>(ValueType::boolean));
        byte(std::get<bool>(attribute.value) ? 1 : 0);
      }
    }
  }
  void ref(const model::SpanRef& ref) {
    fixed64(ref.trace_id.high);
    fixed64(ref.trace_id.low);
    fixed64(ref.span_id.value);
  }
  std::string take() { return std::move(m_out); }

private:
  std::string m_out;
};

class Reader {
public:
  explicit Reader(std::string_view in) : m_in(in) {}

  bool at_end() const noexcept { return m_pos == m_in.size(); }
  unsigned char byte() {
    if (m_pos >= m_in.size()) {
      fail();
    }
    return static_cast<unsigned char>(m_in[m_pos++]);
  }
  std::uint64_t varint() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const unsigned char b = byte();
      value |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    fail();
  }
  std::int64_t signed_varint() {
    const std::uint64_t value = varint();
    return static_cast<std::int64_t>((value >> 1) ^ (~(value & 1) + 1));
  }
  std::uint64_t fixed64() {
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i) {
      value |= static_cast<std::uint64_t>(byte()) << (8 * i);
    }
    return value;
  }
  // A count of items each at least one byte long: a corrupt count cannot make us
  // reserve gigabytes.
  std::size_t count() {
    const std::uint64_t value = varint();
    if (value > m_in.size() - m_pos) {
      fail();
    }
    return static_cast<std::size_t>(value);
  }
  std::string text() {
    const std::size_t size = count();
    std::string value(m_in.substr(m_pos, size));
    m_pos += size;
    return value;
  }
  model::Attributes attributes() {
    model::Attributes attributes(count());
    for (auto& attribute : attributes) {
      attribute.key = text();
      switch (static_cast<ValueType>(byte())) {
      case ValueType::string:
        attribute.value = text();
        break;
      case ValueType::integer:
        attribute.value = signed_varint();
        break;
      case ValueType::real: {
        const std::uint64_t bits = fixed64();
        double value = 0;
        std::memcpy(&value, &bits, sizeof value);
        attribute.value = value;
        break;
      }
      case ValueType::boolean:
        attribute.value = byte() != 0;
        break;
      default:
        fail();
      }
    }
    return attributes;
  }
  model::SpanRef ref() {
    model::SpanRef ref;
    ref.trace_id.high = fixed64();
    ref.trace_id.low = fixed64();
    ref.span_id.value = fixed64();
    return ref;
  }
  [[noreturn]] static void fail() {
    throw CacheError("a cached span record is malformed; run 'ordertrace cache verify'");
  }

private:
  std::string_view m_in;
  std::size_t m_pos = 0;
};

} // namespace

std::string encode_spans(std::span<const model::Span> spans) {
  Writer out;
  out.byte(k_format_version);
  // Resources are shared by the spans of one process: written once, then referred to.
  std::map<const model::Resource*, std::size_t> resource_index;
  std::vector<const model::Resource*> resources;
  for (const auto& span : spans) {
    if (span.resource && resource_index.emplace(span.resource.get(), resources.size()).second) {
      resources.push_back(span.resource.get());
    }
  }
  out.varint(resources.size());
  for (const auto* resource : resources) {
    out.text(resource->service_name);
    out.attributes(resource->attributes);
  }
  out.varint(spans.size());
  for (const auto& span : spans) {
    out.ref(span.ref());
    out.byte(span.parent ? 1 : 0);
    if (span.parent) {
      out.ref(*span.parent);
    }
    out.varint(span.links.size());
    for (const auto& link : span.links) {
      out.ref(link.target);
      out.attributes(link.attributes);
    }
    // 0: no resource, else index + 1.
    out.varint(span.resource ? resource_index.at(span.resource.get()) + 1 : 0);
    out.text(span.operation);
    out.byte(static_cast<unsigned char>(span.kind));
    out.signed_varint(span.start_ns);
    out.signed_varint(wrapping_sub(span.end_ns, span.start_ns));
    out.byte(static_cast<unsigned char>(span.status));
    out.text(span.status_message);
    out.attributes(span.attributes);
    out.varint(span.events.size());
    for (const auto& event : span.events) {
      out.text(event.name);
      out.signed_varint(wrapping_sub(event.time_ns, span.start_ns));
      out.attributes(event.attributes);
    }
    out.varint(span.warnings.size());
    for (const auto& warning : span.warnings) {
      out.text(warning);
    }
  }
  return out.take();
}

std::vector<model::Span> decode_spans(std::string_view blob) {
  Reader in(blob);
  if (in.byte() != k_format_version) {
    Reader::fail();
  }
  std::vector<std::shared_ptr<const model::Resource>> resources(in.count());
  for (auto& resource : resources) {
    auto value = std::make_shared<model::Resource>();
    value->service_name = in.text();
    value->attributes = in.attributes();
    resource = std::move(value);
  }
  std::vector<model::Span> spans(in.count());
  for (auto& span : spans) {
    const model::SpanRef ref = in.ref();
    span.trace_id = ref.trace_id;
    span.span_id = ref.span_id;
    if (in.byte() != 0) {
      span.parent = in.ref();
    }
    span.links.resize(in.count());
    for (auto& link : span.links) {
      link.target = in.ref();
      link.attributes = in.attributes();
    }
    if (const std::uint64_t index = in.varint(); index != 0) {
      if (index > resources.size()) {
        Reader::fail();
      }
      span.resource = resources[index - 1];
    }
    span.operation = in.text();
    const unsigned char kind = in.byte();
    if (kind > static_cast<unsigned char>(model::SpanKind::consumer)) {
      Reader::fail();
    }
    span.kind = static_cast<model::SpanKind>(kind);
    span.start_ns = in.signed_varint();
    span.end_ns = wrapping_add(span.start_ns, in.signed_varint());
    const unsigned char status = in.byte();
    if (status > static_cast<unsigned char>(model::StatusCode::error)) {
      Reader::fail();
    }
    span.status = static_cast<model::StatusCode>(status);
    span.status_message = in.text();
    span.attributes = in.attributes();
    span.events.resize(in.count());
    for (auto& event : span.events) {
      event.name = in.text();
      event.time_ns = wrapping_add(span.start_ns, in.signed_varint());
      event.attributes = in.attributes();
    }
    span.warnings.resize(in.count());
    for (auto& warning : span.warnings) {
      warning = in.text();
    }
  }
  if (!in.at_end()) {
    Reader::fail();
  }
  return spans;
}

} // namespace ordertrace::cache

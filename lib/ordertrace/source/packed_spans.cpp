#include <ordertrace/source/packed_spans.hpp>
#include <ordertrace/util/error.hpp>

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

namespace ordertrace::source {
namespace {

// Record flags.
constexpr std::uint8_t k_has_parent = 1U << 0;
constexpr std::uint8_t k_parent_in_other_trace = 1U << 1; // its trace id opens the variable part
constexpr std::uint8_t k_has_status_message = 1U << 2;
constexpr std::uint8_t k_has_events = 1U << 3;
constexpr std::uint8_t k_has_links = 1U << 4;
constexpr std::uint8_t k_has_warnings = 1U << 5;

// An attribute opens with varint(key id << 3 | tag).
enum ValueTag : std::uint8_t { k_string, k_int, k_double, k_false, k_true };
constexpr unsigned k_tag_bits = 3;

// Most spans' variable parts share 1 MiB chunks; a larger one gets a chunk of its own.
constexpr std::size_t k_chunk_size = std::size_t{1} << 20;

std::uint64_t zigzag(std::int64_t value) noexcept {
  return (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63);
}
std::int64_t unzigzag(std::uint64_t value) noexcept {
  return static_cast<std::int64_t>((value >> 1) ^ (~(value & 1) + 1));
}

class Writer {
public:
  explicit Writer(std::vector<std::byte>& out) : m_out(out) {}
  void varint(std::uint64_t value) {
    while (value >= 0x80) {
      m_out.push_back(static_cast<std::byte>(value | 0x80));
      value >>= 7;
    }
    m_out.push_back(static_cast<std::byte>(value));
  }
  void raw(const void* data, std::size_t size) {
    const auto* bytes = static_cast<const std::byte*>(data);
    m_out.insert(m_out.end(), bytes, bytes + size);
  }
  void fixed64(std::uint64_t value) { raw(&value, sizeof value); }
  void text(std::string_view value) {
    varint(value.size());
    raw(value.data(), value.size());
  }
  void trace_id(const model::TraceId& id) {
    fixed64(id.high);
    fixed64(id.low);
  }

private:
  std::vector<std::byte>& m_out;
};

class Reader {
public:
  explicit Reader(const std::byte* at) : m_at(at) {}
  std::uint64_t varint() noexcept {
    std::uint64_t value = 0;
    for (unsigned shift = 0;; shift += 7) {
      const auto byte = static_cast<std::uint8_t>(*m_at++);
      value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      if (byte < 0x80) {
        return value;
      }
    }
  }
  std::uint64_t fixed64() noexcept {
    std::uint64_t value = 0;
    std::memcpy(&value, m_at, sizeof value);
    m_at += sizeof value;
    return value;
  }
  std::string_view text() noexcept {
    const auto size = static_cast<std::size_t>(varint());
    std::string_view value(reinterpret_cast<const char*>(m_at), size);
    m_at += size;
    return value;
  }
  model::TraceId trace_id() noexcept {
    model::TraceId id;
    id.high = fixed64();
    id.low = fixed64();
    return id;
  }

private:
  const std::byte* m_at;
};

// Assigns through the string already held, so that a reused span keeps its storage.
void assign_text(model::AttributeValue& value, std::string_view text) {
  if (auto* held = std::get_if<std::string>(&value)) {
    held->assign(text);
  } else {
    value.emplace<std::string>(text);
  }
}

std::size_t hash_mix(std::size_t seed, std::size_t value) noexcept {
  return seed ^ (value + 0x9E3779B97F4A7C15ULL + (seed << 6) + (seed >> 2));
}

std::size_t hash_resource(const model::Resource& resource) noexcept {
  std::size_t hash = std::hash<std::string_view>{}(resource.service_name);
  for (const auto& attribute : resource.attributes) {
    hash = hash_mix(hash, std::hash<std::string_view>{}(attribute.key));
    hash = hash_mix(hash, std::visit(
                              [](const auto& value) -> std::size_t {
                                using T = std::decay_t<decltype(value)>;
                                if constexpr (std::is_same_v<T, std::string>) {
                                  return std::hash<std::string_view>{}(value);
                                } else if constexpr (std::is_same_v<T, double>) {
                                  return std::bit_cast<std::uint64_t>(value);
                                } else {
                                  return static_cast<std::size_t>(value);
                                }
                              },
                              attribute.value));
  }
  return hash;
}

bool same_attributes(const model::Attributes& a, const model::Attributes& b) noexcept {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
    return x.key == y.key && x.value == y.value;
  });
}

} // namespace

PackedSpans::PackedSpans(std::function<bool(std::string_view)> keep,
                         std::vector<std::string> order_id_keys)
    : m_keep(std::move(keep)), m_order_id_keys(std::move(order_id_keys)),
      m_key_seen(m_order_id_keys.size(), 0) {}

PackedSpans::PackedSpans(PackedSpans&&) noexcept = default;
PackedSpans& PackedSpans::operator=(PackedSpans&&) noexcept = default;
PackedSpans::~PackedSpans() = default;

void PackedSpans::on_span(model::Span&& span) {
  pack(span, true);
}

void PackedSpans::add_unfiltered(const model::Span& span) {
  pack(span, false);
}

std::uint32_t PackedSpans::key_id(std::string_view key) {
  if (auto it = m_key_ids.find(key); it != m_key_ids.end()) {
    return it->second;
  }
  const auto id = static_cast<std::uint32_t>(m_keys.size());
  const auto [it, inserted] = m_key_ids.emplace(std::string(key), id);
  const auto order_key = std::find(m_order_id_keys.begin(), m_order_id_keys.end(), key);
  m_key_names.push_back(&it->first);
  m_keys.push_back({!m_keep || m_keep(key),
                    order_key == m_order_id_keys.end()
                        ? k_not_order_key
                        : static_cast<std::uint32_t>(order_key - m_order_id_keys.begin())});
  return id;
}

std::uint32_t PackedSpans::name_id(std::string_view name) {
  if (auto it = m_name_ids.find(name); it != m_name_ids.end()) {
    return it->second;
  }
  const auto id = static_cast<std::uint32_t>(m_names.size());
  const auto [it, inserted] = m_name_ids.emplace(std::string(name), id);
  m_names.push_back(&it->first);
  return id;
}

std::uint32_t PackedSpans::resource_id(const std::shared_ptr<const model::Resource>& resource) {
  if (!resource) {
    return 0;
  }
  // The spans of one process or resource arrive together and share one pointer.
  if (resource == m_last_resource) {
    return m_last_resource_id;
  }
  // Each Jaeger trace brings its own copies of the same processes: compare contents.
  const std::size_t hash = hash_resource(*resource);
  std::uint32_t id = 0;
  for (auto [it, end] = m_resource_ids.equal_range(hash); it != end; ++it) {
    const model::Resource& known = *m_resources[it->second - 1];
    if (known.service_name == resource->service_name &&
        same_attributes(known.attributes, resource->attributes)) {
      id = it->second;
      break;
    }
  }
  if (id == 0) {
    m_resources.push_back(resource);
    id = static_cast<std::uint32_t>(m_resources.size());
    m_resource_ids.emplace(hash, id);
  }
  m_last_resource = resource;
  m_last_resource_id = id;
  return id;
}

void PackedSpans::encode_attribute(std::uint32_t key_id, const model::AttributeValue& value) {
  Writer out(m_scratch);
  const std::uint64_t key = std::uint64_t{key_id} << k_tag_bits;
  std::visit(
      [&](const auto& held) {
        using T = std::decay_t<decltype(held)>;
        if constexpr (std::is_same_v<T, std::string>) {
          out.varint(key | k_string);
          out.text(held);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          out.varint(key | k_int);
          out.varint(zigzag(held));
        } else if constexpr (std::is_same_v<T, double>) {
          out.varint(key | k_double);
          out.fixed64(std::bit_cast<std::uint64_t>(held));
        } else {
          out.varint(key | (held ? k_true : k_false));
        }
      },
      value);
}

void PackedSpans::encode_attributes(const model::Attributes& attributes) {
  Writer(m_scratch).varint(attributes.size());
  for (const auto& attribute : attributes) {
    encode_attribute(key_id(attribute.key), attribute.value);
  }
}

void PackedSpans::store_variable_part(Record& record) {
  const std::size_t size = m_scratch.size();
  if (m_chunks.empty() || m_chunk_used + size > m_chunk_capacity) {
    // The rest of the current chunk is left unused: at most one span's worth.
    m_chunk_capacity = std::max(k_chunk_size, size);
    m_chunks.push_back(std::make_unique_for_overwrite<std::byte[]>(m_chunk_capacity));
    m_chunk_bytes += m_chunk_capacity;
    m_chunk_used = 0;
  }
  std::memcpy(m_chunks.back().get() + m_chunk_used, m_scratch.data(), size);
  record.chunk = static_cast<std::uint32_t>(m_chunks.size() - 1);
  record.offset = static_cast<std::uint32_t>(m_chunk_used);
  m_chunk_used += size;
}

void PackedSpans::pack(const model::Span& span, bool filtered) {
  // Span indexes and text offsets are 32-bit, which keeps the notes small.
  if (m_size >= std::numeric_limits<std::uint32_t>::max() ||
      m_mention_text.size() >= std::numeric_limits<std::uint32_t>::max() / 2) {
    throw Error("too many spans for one report (at most 4294967294, or 2 GB of order ids)");
  }
  const auto index = static_cast<std::uint32_t>(m_size);
  Record record;
  record.trace_id = span.trace_id;
  record.span_id = span.span_id;
  record.start_ns = span.start_ns;
  record.end_ns = span.end_ns;
  record.operation = name_id(span.operation);
  record.resource = resource_id(span.resource);
  record.kind = span.kind;
  record.status = span.status;

  m_scratch.clear();
  Writer out(m_scratch);
  auto join = [&](const model::TraceId& target) {
    if (!target.empty() && target != span.trace_id) {
      m_joins.push_back({index, target});
    }
  };
  if (span.parent) {
    record.flags |= k_has_parent;
    record.parent_span = span.parent->span_id;
    if (span.parent->trace_id != span.trace_id) {
      record.flags |= k_parent_in_other_trace;
      out.trace_id(span.parent->trace_id);
    }
    join(span.parent->trace_id);
  }

  // One lookup per attribute: its key's id says whether it is kept and whether it is an
  // order-id key (noted whether kept or not: grouping must always see order ids).
  std::size_t kept = 0;
  const std::size_t first_mention = m_mentions.size();
  m_attribute_keys.clear();
  for (const auto& attribute : span.attributes) {
    const std::uint32_t id = key_id(attribute.key);
    m_attribute_keys.push_back(id);
    const KeyInfo& key = m_keys[id];
    kept += !filtered || key.kept ? 1 : 0;
    if (key.order_key != k_not_order_key && !m_key_seen[key.order_key]) {
      m_key_seen[key.order_key] = 1;
      std::string order_id = model::to_string(attribute.value);
      if (!order_id.empty()) {
        m_mentions.push_back({index, key.order_key,
                              static_cast<std::uint32_t>(m_mention_text.size()),
                              static_cast<std::uint32_t>(order_id.size())});
        m_mention_text += order_id;
      }
    }
  }
  if (m_mentions.size() != first_mention) {
    std::sort(m_mentions.begin() + static_cast<std::ptrdiff_t>(first_mention), m_mentions.end(),
              [](const OrderIdMention& a, const OrderIdMention& b) { return a.key < b.key; });
  }
  std::fill(m_key_seen.begin(), m_key_seen.end(), 0);
  out.varint(kept);
  for (std::size_t i = 0; i < span.attributes.size(); ++i) {
    if (!filtered || m_keys[m_attribute_keys[i]].kept) {
      encode_attribute(m_attribute_keys[i], span.attributes[i].value);
    }
  }

  if (!span.status_message.empty()) {
    record.flags |= k_has_status_message;
    out.text(span.status_message);
  }
  if (!span.events.empty()) {
    record.flags |= k_has_events;
    out.varint(span.events.size());
    for (const auto& event : span.events) {
      out.varint(name_id(event.name));
      out.varint(zigzag(static_cast<std::int64_t>(static_cast<std::uint64_t>(event.time_ns) -
                                                  static_cast<std::uint64_t>(span.start_ns))));
      encode_attributes(event.attributes);
    }
  }
  if (!span.links.empty()) {
    record.flags |= k_has_links;
    out.varint(span.links.size());
    for (const auto& link : span.links) {
      out.trace_id(link.target.trace_id);
      out.fixed64(link.target.span_id.value);
      encode_attributes(link.attributes);
      join(link.target.trace_id);
    }
  }
  if (!span.warnings.empty()) {
    record.flags |= k_has_warnings;
    out.varint(span.warnings.size());
    for (const auto& warning : span.warnings) {
      out.text(warning);
    }
  }
  store_variable_part(record);

  if (m_size % k_records_per_block == 0) {
    m_blocks.emplace_back().reserve(k_records_per_block);
  }
  m_blocks.back().push_back(record);
  ++m_size;
}

namespace {

void read_attributes(Reader& in, model::Attributes& out,
                     const std::vector<const std::string*>& key_names) {
  out.resize(static_cast<std::size_t>(in.varint()));
  for (auto& attribute : out) {
    const std::uint64_t head = in.varint();
    attribute.key.assign(*key_names[head >> k_tag_bits]);
    switch (static_cast<ValueTag>(head & ((1U << k_tag_bits) - 1))) {
    case k_string:
      assign_text(attribute.value, in.text());
      break;
    case k_int:
      attribute.value = unzigzag(in.varint());
      break;
    case k_double:
      attribute.value = std::bit_cast<double>(in.fixed64());
      break;
    case k_false:
      attribute.value = false;
      break;
    case k_true:
      attribute.value = true;
      break;
    }
  }
}

} // namespace

model::Span PackedSpans::materialize(std::size_t index) const {
  model::Span span;
  materialize_into(index, span);
  return span;
}

void PackedSpans::materialize_into(std::size_t index, model::Span& out) const {
  const Record& record = this->record(index);
  Reader in(m_chunks[record.chunk].get() + record.offset);
  out.trace_id = record.trace_id;
  out.span_id = record.span_id;
  if (record.flags & k_has_parent) {
    const model::TraceId parent_trace =
        (record.flags & k_parent_in_other_trace) ? in.trace_id() : record.trace_id;
    out.parent = model::SpanRef{parent_trace, record.parent_span};
  } else {
    out.parent.reset();
  }
  out.resource = record.resource == 0 ? nullptr : m_resources[record.resource - 1];
  out.operation.assign(*m_names[record.operation]);
  out.kind = record.kind;
  out.start_ns = record.start_ns;
  out.end_ns = record.end_ns;
  out.status = record.status;
  read_attributes(in, out.attributes, m_key_names);
  if (record.flags & k_has_status_message) {
    out.status_message.assign(in.text());
  } else {
    out.status_message.clear();
  }
  out.events.resize((record.flags & k_has_events) ? static_cast<std::size_t>(in.varint()) : 0);
  for (auto& event : out.events) {
    event.name.assign(*m_names[in.varint()]);
    event.time_ns = static_cast<std::int64_t>(static_cast<std::uint64_t>(record.start_ns) +
                                              static_cast<std::uint64_t>(unzigzag(in.varint())));
    read_attributes(in, event.attributes, m_key_names);
  }
  out.links.resize((record.flags & k_has_links) ? static_cast<std::size_t>(in.varint()) : 0);
  for (auto& link : out.links) {
    link.target.trace_id = in.trace_id();
    link.target.span_id.value = in.fixed64();
    read_attributes(in, link.attributes, m_key_names);
  }
  out.warnings.resize((record.flags & k_has_warnings) ? static_cast<std::size_t>(in.varint()) : 0);
  for (auto& warning : out.warnings) {
    warning.assign(in.text());
  }
}

std::vector<bool> PackedSpans::first_copies() const {
  std::vector<bool> first(m_size, true);
  // Open addressing over span indexes (+1; 0 is free), at most half full: 4 bytes a slot
  // where a node-based set would take ~50 bytes a span.
  const std::size_t slots = std::bit_ceil(std::max<std::size_t>(16, m_size * 2));
  std::vector<std::uint32_t> table(slots, 0);
  const model::SpanRefHash hash;
  for (std::size_t i = 0; i < m_size; ++i) {
    const model::SpanRef wanted = ref(i);
    if (wanted.span_id.empty()) {
      continue;
    }
    for (std::size_t slot = hash(wanted) & (slots - 1);; slot = (slot + 1) & (slots - 1)) {
      if (table[slot] == 0) {
        table[slot] = static_cast<std::uint32_t>(i + 1);
        break;
      }
      if (ref(table[slot] - 1) == wanted) {
        first[i] = false;
        break;
      }
    }
  }
  return first;
}

std::size_t PackedSpans::memory_bytes() const noexcept {
  return m_blocks.size() * k_records_per_block * sizeof(Record) + m_chunk_bytes +
         m_mentions.capacity() * sizeof(OrderIdMention) + m_mention_text.capacity() +
         m_joins.capacity() * sizeof(Join);
}

} // namespace ordertrace::source

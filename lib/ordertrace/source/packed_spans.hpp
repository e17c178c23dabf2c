#pragma once
// The spans of a report's window, packed: a model::Span costs ~260 bytes of struct and
// ~10 heap blocks, a packed one a fixed 72-byte record plus its attributes, events, links
// and warnings encoded in large shared byte chunks. Names that repeat by nature (attribute
// keys, operations, event names, resources) are interned; values are stored inline.
//
// It is a decode::SpanSink with the report's attribute filter folded in: the key table
// remembers per key whether the report keeps it, so one lookup filters and interns. While
// packing it also notes what grouping by order reads beyond the fixed record (the values
// under the order-id keys, the traces a span joins by a parent or a link), so that
// group_by_order (order_groups.hpp) never has to materialise a span.

#include <ordertrace/decode/decoder.hpp>
#include <ordertrace/model/span.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ordertrace::source {

class PackedSpans final : public decode::SpanSink {
public:
  // `keep` decides which span attributes are kept (null: all); events', links' and
  // resources' attributes are always kept. The values under `order_id_keys` are noted for
  // grouping whether or not `keep` keeps the key.
  explicit PackedSpans(std::function<bool(std::string_view)> keep = nullptr,
                       std::vector<std::string> order_id_keys = {});
  PackedSpans(const PackedSpans&) = delete;
  PackedSpans& operator=(const PackedSpans&) = delete;
  PackedSpans(PackedSpans&&) noexcept;
  PackedSpans& operator=(PackedSpans&&) noexcept;
  ~PackedSpans() override;

  // Packs `span` with only the span attributes `keep` accepts.
  void on_span(model::Span&& span) override;
  // Packs `span` with every attribute (spans that did not come through the filter before,
  // such as the cached history of open orders).
  void add_unfiltered(const model::Span& span);

  std::size_t size() const noexcept { return m_size; }
  bool empty() const noexcept { return m_size == 0; }
  const std::vector<std::string>& order_id_keys() const noexcept { return m_order_id_keys; }

  // The span at `index` as it was given, less the attributes the filter dropped.
  model::Span materialize(std::size_t index) const;
  // The same into `out`, reusing its strings' and vectors' storage: for a pass over every
  // span that looks at one at a time.
  void materialize_into(std::size_t index, model::Span& out) const;

  // The fixed part, without decoding anything.
  const model::TraceId& trace_id(std::size_t index) const noexcept {
    return record(index).trace_id;
  }
  model::SpanId span_id(std::size_t index) const noexcept { return record(index).span_id; }
  model::SpanRef ref(std::size_t index) const noexcept {
    return {record(index).trace_id, record(index).span_id};
  }
  std::int64_t start_ns(std::size_t index) const noexcept { return record(index).start_ns; }

  // Which spans are the first copy of their (trace id, span id), as overlapping files may
  // repeat a span; spans without a span id are all first copies.
  std::vector<bool> first_copies() const;

  // A value found under an order-id key: span `span` carries `text` (ints as decimal
  // text) under order_id_keys()[key]. Each key's first attribute on a span, ascending by
  // span, then key; empty values are left out.
  struct OrderIdMention {
    std::uint32_t span;
    std::uint32_t key;
    std::uint32_t offset; // into the text pool
    std::uint32_t length;
  };
  std::span<const OrderIdMention> order_id_mentions() const noexcept { return m_mentions; }
  std::string_view text(const OrderIdMention& mention) const noexcept {
    return std::string_view(m_mention_text).substr(mention.offset, mention.length);
  }
  // Another trace a span joins by its parent or a link, in the span's order (parent
  // first); targets in the span's own trace and empty trace ids are left out.
  struct Join {
    std::uint32_t span;
    model::TraceId target;
  };
  std::span<const Join> joins() const noexcept { return m_joins; }

  // Bytes held (records, chunks, tables), for benchmarks.
  std::size_t memory_bytes() const noexcept;

private:
  struct Record {
    model::TraceId trace_id;
    model::SpanId span_id;
    model::SpanId parent_span; // of a parent in the same trace; see flags
    std::int64_t start_ns = 0;
    std::int64_t end_ns = 0;
    std::uint32_t chunk = 0; // where the variable part starts
    std::uint32_t offset = 0;
    std::uint32_t operation = 0; // name id
    std::uint32_t resource = 0;  // 0: none, else index + 1
    model::SpanKind kind = model::SpanKind::unspecified;
    model::StatusCode status = model::StatusCode::unset;
    std::uint8_t flags = 0;
  };
  static constexpr std::size_t k_records_per_block = 4096;

  struct TransparentHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept {
      return std::hash<std::string_view>{}(text);
    }
  };
  using InternTable =
      std::unordered_map<std::string, std::uint32_t, TransparentHash, std::equal_to<>>;
  struct KeyInfo {
    bool kept;
    std::uint32_t order_key; // index into m_order_id_keys, or k_not_order_key
  };
  static constexpr std::uint32_t k_not_order_key = 0xFFFFFFFFU;

  const Record& record(std::size_t index) const noexcept {
    return m_blocks[index / k_records_per_block][index % k_records_per_block];
  }
  void pack(const model::Span& span, bool filtered);
  std::uint32_t key_id(std::string_view key);
  std::uint32_t name_id(std::string_view name);
  std::uint32_t resource_id(const std::shared_ptr<const model::Resource>& resource);
  void encode_attribute(std::uint32_t key_id, const model::AttributeValue& value);
  void encode_attributes(const model::Attributes& attributes);
  void store_variable_part(Record& record);

  std::function<bool(std::string_view)> m_keep;
  std::vector<std::string> m_order_id_keys;

  std::vector<std::vector<Record>> m_blocks;
  std::size_t m_size = 0;
  std::vector<std::unique_ptr<std::byte[]>> m_chunks;
  std::size_t m_chunk_used = 0;                // bytes used in the last chunk
  std::size_t m_chunk_capacity = 0;            // its size
  std::size_t m_chunk_bytes = 0;               // all chunks' sizes
  std::vector<std::byte> m_scratch;            // one span's variable part while it is encoded
  std::vector<std::uint32_t> m_attribute_keys; // its attributes' key ids

  InternTable m_key_ids;
  std::vector<KeyInfo> m_keys;
  std::vector<const std::string*> m_key_names; // by key id
  InternTable m_name_ids;
  std::vector<const std::string*> m_names;
  std::vector<std::shared_ptr<const model::Resource>> m_resources;
  std::unordered_multimap<std::size_t, std::uint32_t> m_resource_ids; // content hash -> id
  std::shared_ptr<const model::Resource> m_last_resource;             // kept alive: its
  std::uint32_t m_last_resource_id = 0; // address cannot be reused while it is compared

  std::vector<OrderIdMention> m_mentions;
  std::string m_mention_text;
  std::vector<Join> m_joins;
  // Per order-id key, whether the current span already gave a value (the first counts).
  std::vector<char> m_key_seen;
};

} // namespace ordertrace::source

#pragma once
// Causal structure over a set of spans: parent/child edges (also across traces) and
// span links (a linking span follows its target, as a consumer follows its producer).
// Internal to the lifecycle engine.

#include <ordertrace/model/span.hpp>

#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

namespace ordertrace::lifecycle {

class SpanGraph {
public:
  explicit SpanGraph(std::span<const model::Span> spans);

  std::size_t size() const noexcept { return m_spans.size(); }
  const model::Span& span(std::size_t index) const { return m_spans[index]; }
  std::optional<std::size_t> find(const model::SpanRef& ref) const;

  // The parent span when it is in the set.
  std::optional<std::size_t> parent(std::size_t index) const { return m_parent[index]; }
  // Link targets that are in the set.
  const std::vector<std::size_t>& link_targets(std::size_t index) const {
    return m_link_targets[index];
  }
  const std::vector<std::size_t>& children(std::size_t index) const { return m_children[index]; }
  const std::vector<std::size_t>& linked_from(std::size_t index) const {
    return m_linked_from[index];
  }
  // True when the span names a parent that is not in the set (an incomplete trace).
  bool parent_missing(std::size_t index) const { return m_parent_missing[index]; }

  // Every span that causally follows `index` (children and linking spans, any depth,
  // any trace), `index` itself included.
  std::vector<bool> descendants(std::size_t index) const;
  // Every span that `index` causally follows, `index` itself included.
  std::vector<bool> ancestors(std::size_t index) const;

private:
  std::span<const model::Span> m_spans;
  std::unordered_map<model::SpanRef, std::size_t, model::SpanRefHash> m_index;
  std::vector<std::optional<std::size_t>> m_parent;
  std::vector<bool> m_parent_missing;
  std::vector<std::vector<std::size_t>> m_children;
  std::vector<std::vector<std::size_t>> m_link_targets;
  std::vector<std::vector<std::size_t>> m_linked_from;
};

} // namespace ordertrace::lifecycle

#include <ordertrace/lifecycle/span_graph.hpp>

namespace ordertrace::lifecycle {

SpanGraph::SpanGraph(std::span<const model::Span> spans)
    : m_spans(spans), m_parent(spans.size()), m_parent_missing(spans.size(), false),
      m_children(spans.size()), m_link_targets(spans.size()), m_linked_from(spans.size()) {
  m_index.reserve(spans.size());
  for (std::size_t i = 0; i < spans.size(); ++i) {
    // The first of identical ids wins; Jaeger may serve a span twice across answers.
    m_index.emplace(spans[i].ref(), i);
  }
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const auto& span = spans[i];
    if (span.parent) {
      if (auto parent = find(*span.parent); parent && *parent != i) {
        m_parent[i] = parent;
        m_children[*parent].push_back(i);
      } else if (!parent) {
        m_parent_missing[i] = true;
      }
    }
    for (const auto& link : span.links) {
      if (auto target = find(link.target); target && *target != i) {
        m_link_targets[i].push_back(*target);
        m_linked_from[*target].push_back(i);
      }
    }
  }
}

std::optional<std::size_t> SpanGraph::find(const model::SpanRef& ref) const {
  if (auto it = m_index.find(ref); it != m_index.end()) {
    return it->second;
  }
  return std::nullopt;
}

std::vector<bool> SpanGraph::descendants(std::size_t index) const {
  std::vector<bool> seen(size(), false);
  std::vector<std::size_t> stack{index};
  seen[index] = true;
  while (!stack.empty()) {
    const std::size_t current = stack.back();
    stack.pop_back();
    for (const auto* next_list : {&m_children[current], &m_linked_from[current]}) {
      for (std::size_t next : *next_list) {
        if (!seen[next]) {
          seen[next] = true;
          stack.push_back(next);
        }
      }
    }
  }
  return seen;
}

std::vector<bool> SpanGraph::ancestors(std::size_t index) const {
  std::vector<bool> seen(size(), false);
  std::vector<std::size_t> stack{index};
  seen[index] = true;
  while (!stack.empty()) {
    const std::size_t current = stack.back();
    stack.pop_back();
    if (m_parent[current] && !seen[*m_parent[current]]) {
      seen[*m_parent[current]] = true;
      stack.push_back(*m_parent[current]);
    }
    for (std::size_t next : m_link_targets[current]) {
      if (!seen[next]) {
        seen[next] = true;
        stack.push_back(next);
      }
    }
  }
  return seen;
}

} // namespace ordertrace::lifecycle

#include <ordertrace/source/span_store.hpp>
#include <ordertrace/util/error.hpp>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <unordered_map>
#include <unordered_set>

namespace ordertrace::source {
namespace {

using TraceSet = std::unordered_set<model::TraceId, model::TraceIdHash>;

// Bounds on following links away from the traces that carry the order id, so that a
// store full of linked batch traces cannot turn one order into the whole store.
constexpr std::size_t k_max_link_hops = 16;
constexpr std::size_t k_max_selected_traces = 10'000;

struct TraceInfo {
  std::vector<std::size_t> spans;    // indexes into the store
  std::vector<model::TraceId> edges; // other traces joined by a link or a parent, both ways
  bool has_order_id = false;         // any span carries some order id (ours or another)
  bool has_our_order = false;
};

bool carries_key(const model::Span& span, std::span<const std::string> keys) {
  return std::any_of(keys.begin(), keys.end(), [&](const std::string& key) {
    return model::find_attribute(span.attributes, key) != nullptr;
  });
}

bool carries_order(const model::Span& span, const std::string& order_id,
                   std::span<const std::string> keys) {
  return std::any_of(keys.begin(), keys.end(), [&](const std::string& key) {
    const auto* value = model::find_attribute(span.attributes, key);
    return value != nullptr && model::to_string(*value) == order_id;
  });
}

void add_edge(std::unordered_map<model::TraceId, TraceInfo, model::TraceIdHash>& traces,
              const model::TraceId& from, const model::TraceId& to) {
  if (from == to || to.empty()) {
    return;
  }
  traces[from].edges.push_back(to);
  traces[to].edges.push_back(from);
}

} // namespace

void SpanStore::on_span(model::Span&& span) {
  m_spans.push_back(std::move(span));
}

std::size_t SpanStore::size() const noexcept {
  return m_spans.size();
}

const std::vector<model::Span>& SpanStore::spans() const noexcept {
  return m_spans;
}

std::vector<model::Span> SpanStore::select_order(const std::string& order_id,
                                                 std::span<const std::string> order_id_keys) const {
  if (order_id.empty() || order_id_keys.empty()) {
    return {};
  }

  // One pass builds the trace graph: which spans each trace holds, which traces carry
  // an order id, and the cross-trace edges (links and parents), in both directions so
  // that a consumer trace linking back to a producer is found from the producer.
  std::unordered_map<model::TraceId, TraceInfo, model::TraceIdHash> traces;
  traces.reserve(m_spans.size() / 4 + 1);
  for (std::size_t i = 0; i < m_spans.size(); ++i) {
    const model::Span& span = m_spans[i];
    TraceInfo& info = traces[span.trace_id];
    info.spans.push_back(i);
    if (carries_key(span, order_id_keys)) {
      info.has_order_id = true;
      if (carries_order(span, order_id, order_id_keys)) {
        info.has_our_order = true;
      }
    }
    if (span.parent) {
      add_edge(traces, span.trace_id, span.parent->trace_id);
    }
    for (const auto& link : span.links) {
      add_edge(traces, span.trace_id, link.target.trace_id);
    }
  }

  // Breadth-first from the traces that carry the order. A trace reached through a link
  // that carries only other orders' ids is kept (its unlabelled spans may inherit our
  // order) but not followed further: beyond it lie other orders.
  TraceSet selected;
  std::deque<std::pair<model::TraceId, std::size_t>> queue;
  for (const auto& [trace_id, info] : traces) {
    if (info.has_our_order) {
      selected.insert(trace_id);
      queue.emplace_back(trace_id, 0);
    }
  }
  while (!queue.empty() && selected.size() < k_max_selected_traces) {
    const auto [trace_id, hops] = queue.front();
    queue.pop_front();
    const TraceInfo& info = traces.at(trace_id);
    if (hops >= k_max_link_hops || (info.has_order_id && !info.has_our_order)) {
      continue;
    }
    for (const auto& next : info.edges) {
      if (selected.size() >= k_max_selected_traces) {
        break;
      }
      // A link to a trace the store does not hold leaves an entry without spans.
      if (!traces.at(next).spans.empty() && selected.insert(next).second) {
        queue.emplace_back(next, hops + 1);
      }
    }
  }

  std::vector<model::Span> result;
  std::unordered_set<model::SpanRef, model::SpanRefHash> seen;
  for (const auto& trace_id : selected) {
    for (std::size_t index : traces.at(trace_id).spans) {
      const model::Span& span = m_spans[index];
      // The same span from two overlapping files is one span.
      if (!span.span_id.empty() && !seen.insert(span.ref()).second) {
        continue;
      }
      result.push_back(span);
    }
  }
  std::sort(result.begin(), result.end(), [](const model::Span& a, const model::Span& b) {
    if (a.trace_id != b.trace_id) {
      return a.trace_id < b.trace_id;
    }
    if (a.start_ns != b.start_ns) {
      return a.start_ns < b.start_ns;
    }
    return a.span_id < b.span_id;
  });
  return result;
}

std::vector<std::string>
SpanStore::order_ids_in_trace(const model::TraceId& trace_id,
                              std::span<const std::string> order_id_keys) const {
  if (trace_id.empty() || order_id_keys.empty()) {
    return {};
  }
  std::unordered_map<model::TraceId, TraceInfo, model::TraceIdHash> traces;
  for (std::size_t i = 0; i < m_spans.size(); ++i) {
    const model::Span& span = m_spans[i];
    TraceInfo& info = traces[span.trace_id];
    info.spans.push_back(i);
    info.has_order_id = info.has_order_id || carries_key(span, order_id_keys);
    if (span.parent) {
      add_edge(traces, span.trace_id, span.parent->trace_id);
    }
    for (const auto& link : span.links) {
      add_edge(traces, span.trace_id, link.target.trace_id);
    }
  }
  const auto start = traces.find(trace_id);
  if (start == traces.end() || start->second.spans.empty()) {
    return {};
  }

  // The asked-for trace is always followed one hop (an error page's trace is often a
  // consumer without an order id, linked to the producer that has one).
  TraceSet visited{trace_id};
  std::deque<std::pair<model::TraceId, std::size_t>> queue{{trace_id, 0}};
  while (!queue.empty() && visited.size() < k_max_selected_traces) {
    const auto [current, hops] = queue.front();
    queue.pop_front();
    const TraceInfo& info = traces.at(current);
    if (hops >= k_max_link_hops || (hops > 0 && info.has_order_id)) {
      continue;
    }
    for (const auto& next : info.edges) {
      if (!traces.at(next).spans.empty() && visited.insert(next).second) {
        queue.emplace_back(next, hops + 1);
      }
    }
  }

  std::vector<std::string> ids;
  for (const auto& trace : visited) {
    for (std::size_t index : traces.at(trace).spans) {
      for (const auto& key : order_id_keys) {
        const auto* value = model::find_attribute(m_spans[index].attributes, key);
        if (value == nullptr) {
          continue;
        }
        if (std::string order_id = model::to_string(*value); !order_id.empty()) {
          ids.push_back(std::move(order_id));
        }
      }
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

void load_files(std::span<const std::filesystem::path> files, SpanStore& store) {
  for (const auto& path : files) {
    try {
      if (path == "-") {
        decode::decode_stream(stdin, "<stdin>", store);
      } else {
        decode::decode_file(path, store);
      }
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw InputError(path.string() + ": " + e.what());
    }
  }
}

} // namespace ordertrace::source

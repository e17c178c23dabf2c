#include <ordertrace/source/order_groups.hpp>
#include <ordertrace/util/error.hpp>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <map>
#include <unordered_map>
#include <unordered_set>

namespace ordertrace::source {
namespace {

// The same bounds as select_order: a store full of linked batch traces must not turn one
// order into the whole store.
constexpr std::size_t k_max_link_hops = 16;
constexpr std::size_t k_max_selected_traces = 10'000;

struct TraceNode {
  std::vector<std::size_t> spans;
  std::vector<std::size_t> edges;  // other traces joined by a link or a parent, both ways
  std::vector<std::size_t> orders; // order ids (indexes) carried by its spans
};

// What grouping reads of a span, from model::Spans: the order ids are found per span.
class ModelSpans {
public:
  ModelSpans(std::span<const model::Span> spans, std::span<const std::string> order_id_keys)
      : m_spans(spans), m_order_id_keys(order_id_keys) {}
  std::size_t size() const noexcept { return m_spans.size(); }
  const model::TraceId& trace_id(std::size_t i) const noexcept { return m_spans[i].trace_id; }
  model::SpanId span_id(std::size_t i) const noexcept { return m_spans[i].span_id; }
  std::int64_t start_ns(std::size_t i) const noexcept { return m_spans[i].start_ns; }
  template <class F> void order_ids(std::size_t i, F&& found) const {
    for (const auto& key : m_order_id_keys) {
      if (const auto* value = model::find_attribute(m_spans[i].attributes, key)) {
        std::string id = model::to_string(*value);
        if (!id.empty()) {
          found(std::move(id));
        }
      }
    }
  }
  // Every trace a span names (its own included; the caller skips it).
  template <class F> void joins(std::size_t i, F&& found) const {
    if (m_spans[i].parent) {
      found(m_spans[i].parent->trace_id);
    }
    for (const auto& link : m_spans[i].links) {
      found(link.target.trace_id);
    }
  }

private:
  std::span<const model::Span> m_spans;
  std::span<const std::string> m_order_id_keys;
};

// The same from a packed store, from the notes it took while packing. The spans must be
// visited in ascending order (order_ids and joins walk the notes with cursors).
class PackedView {
public:
  explicit PackedView(const PackedSpans& spans) : m_spans(spans) {}
  std::size_t size() const noexcept { return m_spans.size(); }
  const model::TraceId& trace_id(std::size_t i) const noexcept { return m_spans.trace_id(i); }
  model::SpanId span_id(std::size_t i) const noexcept { return m_spans.span_id(i); }
  std::int64_t start_ns(std::size_t i) const noexcept { return m_spans.start_ns(i); }
  template <class F> void order_ids(std::size_t i, F&& found) {
    const auto mentions = m_spans.order_id_mentions();
    for (; m_mention < mentions.size() && mentions[m_mention].span == i; ++m_mention) {
      found(std::string(m_spans.text(mentions[m_mention])));
    }
  }
  template <class F> void joins(std::size_t i, F&& found) {
    const auto joins = m_spans.joins();
    for (; m_join < joins.size() && joins[m_join].span == i; ++m_join) {
      found(joins[m_join].target);
    }
  }

private:
  const PackedSpans& m_spans;
  std::size_t m_mention = 0;
  std::size_t m_join = 0;
};

template <class Spans>
std::vector<OrderGroup> group_spans(Spans& spans, std::span<const std::string> extra_order_ids) {
  // Traces as dense indexes, so the walk below touches vectors, not hash maps.
  std::unordered_map<model::TraceId, std::size_t, model::TraceIdHash> trace_index;
  trace_index.reserve(spans.size() / 8 + 16);
  std::vector<TraceNode> traces;
  auto node = [&](const model::TraceId& id) {
    auto [it, inserted] = trace_index.try_emplace(id, traces.size());
    if (inserted) {
      traces.emplace_back();
    }
    return it->second;
  };
  std::map<std::string, std::size_t> order_index;
  std::vector<std::string> order_ids;
  auto order = [&](std::string id) {
    auto [it, inserted] = order_index.try_emplace(std::move(id), order_ids.size());
    if (inserted) {
      order_ids.push_back(it->first);
    }
    return it->second;
  };
  auto edge = [&](std::size_t from, const model::TraceId& to_id) {
    if (to_id.empty()) {
      return;
    }
    const std::size_t to = node(to_id);
    if (to != from) {
      traces[from].edges.push_back(to);
      traces[to].edges.push_back(from);
    }
  };

  for (std::size_t i = 0; i < spans.size(); ++i) {
    const std::size_t trace = node(spans.trace_id(i));
    traces[trace].spans.push_back(i);
    spans.order_ids(i,
                    [&](std::string id) { traces[trace].orders.push_back(order(std::move(id))); });
    spans.joins(i, [&](const model::TraceId& to) { edge(trace, to); });
  }
  for (const auto& id : extra_order_ids) {
    if (!id.empty()) {
      order(id);
    }
  }

  std::vector<std::vector<std::size_t>> seeds(order_ids.size());
  for (std::size_t t = 0; t < traces.size(); ++t) {
    auto& orders = traces[t].orders;
    std::sort(orders.begin(), orders.end());
    orders.erase(std::unique(orders.begin(), orders.end()), orders.end());
    for (std::size_t o : orders) {
      seeds[o].push_back(t);
    }
  }

  std::vector<OrderGroup> groups;
  groups.reserve(order_ids.size());
  // Reused between orders: a mark per trace, reset through the list of marked ones.
  std::vector<char> selected(traces.size(), 0);
  std::vector<std::size_t> marked;
  std::deque<std::pair<std::size_t, std::size_t>> queue;
  for (const auto& [id, o] : order_index) {
    for (std::size_t t : seeds[o]) {
      selected[t] = 1;
      marked.push_back(t);
      queue.emplace_back(t, 0);
    }
    while (!queue.empty() && marked.size() < k_max_selected_traces) {
      const auto [t, hops] = queue.front();
      queue.pop_front();
      const TraceNode& info = traces[t];
      const bool ours = std::binary_search(info.orders.begin(), info.orders.end(), o);
      // Beyond a trace of other orders lie other orders: keep it, do not follow it.
      if (hops >= k_max_link_hops || (!info.orders.empty() && !ours)) {
        continue;
      }
      for (std::size_t next : info.edges) {
        if (marked.size() >= k_max_selected_traces) {
          break;
        }
        if (!selected[next] && !traces[next].spans.empty()) {
          selected[next] = 1;
          marked.push_back(next);
          queue.emplace_back(next, hops + 1);
        }
      }
    }
    queue.clear();

    OrderGroup group;
    group.order_id = id;
    std::sort(marked.begin(), marked.end(), [&](std::size_t a, std::size_t b) {
      return spans.trace_id(traces[a].spans.front()) < spans.trace_id(traces[b].spans.front());
    });
    std::unordered_set<model::SpanRef, model::SpanRefHash> seen;
    for (std::size_t t : marked) {
      const std::size_t first = group.spans.size();
      for (std::size_t index : traces[t].spans) {
        const model::SpanRef ref{spans.trace_id(index), spans.span_id(index)};
        // The same span from two overlapping files is one span.
        if (!ref.span_id.empty() && !seen.insert(ref).second) {
          continue;
        }
        group.spans.push_back(index);
      }
      std::sort(group.spans.begin() + static_cast<std::ptrdiff_t>(first), group.spans.end(),
                [&](std::size_t a, std::size_t b) {
                  if (spans.start_ns(a) != spans.start_ns(b)) {
                    return spans.start_ns(a) < spans.start_ns(b);
                  }
                  return spans.span_id(a) < spans.span_id(b);
                });
      selected[t] = 0;
    }
    marked.clear();
    groups.push_back(std::move(group));
  }
  return groups;
}

} // namespace

std::vector<OrderGroup> group_by_order(std::span<const model::Span> spans,
                                       std::span<const std::string> order_id_keys,
                                       std::span<const std::string> extra_order_ids) {
  ModelSpans view(spans, order_id_keys);
  return group_spans(view, extra_order_ids);
}

std::vector<OrderGroup> group_by_order(const PackedSpans& spans,
                                       std::span<const std::string> extra_order_ids) {
  PackedView view(spans);
  return group_spans(view, extra_order_ids);
}

void decode_files(std::span<const std::filesystem::path> files, decode::SpanSink& sink) {
  for (const auto& path : files) {
    try {
      if (path == "-") {
        decode::decode_stream(stdin, "<stdin>", sink);
      } else {
        decode::decode_file(path, sink);
      }
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw InputError(path.string() + ": " + e.what());
    }
  }
}

std::vector<model::Span> spans_of(const OrderGroup& group, std::span<const model::Span> spans) {
  std::vector<model::Span> out;
  out.reserve(group.spans.size());
  for (std::size_t index : group.spans) {
    out.push_back(spans[index]);
  }
  return out;
}

std::vector<model::Span> spans_of(const OrderGroup& group, const PackedSpans& spans) {
  std::vector<model::Span> out(group.spans.size());
  for (std::size_t i = 0; i < group.spans.size(); ++i) {
    spans.materialize_into(group.spans[i], out[i]);
  }
  return out;
}

} // namespace ordertrace::source

#pragma once
// Builds model spans in a line each, so a test reads as the scenario it checks.

#include <ordertrace/model/span.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ordertrace::testing {

constexpr std::int64_t k_second = 1'000'000'000;
constexpr std::int64_t k_minute = 60 * k_second;
constexpr std::int64_t k_hour = 60 * k_minute;
constexpr std::int64_t k_day = 24 * k_hour;
// 2026-11-01T00:00:00Z: the start of every test scenario.
constexpr std::int64_t k_t0 = 1'793'491'200LL * k_second;

// Hands out spans with deterministic ids; `trace(n)` names trace number n.
class SpanBuilder {
public:
  class Handle {
  public:
    Handle(model::Span& span, SpanBuilder& builder) : m_span(span), m_builder(builder) {}
    Handle& kind(model::SpanKind kind) {
      m_span.kind = kind;
      return *this;
    }
    Handle& attr(std::string key, model::AttributeValue value) {
      m_span.attributes.push_back({std::move(key), std::move(value)});
      return *this;
    }
    Handle& order(std::string id) { return attr("order.id", std::move(id)); }
    Handle& status(std::string state) { return attr("order.status", std::move(state)); }
    Handle& error(std::string message = "failed") {
      m_span.status = model::StatusCode::error;
      m_span.status_message = std::move(message);
      return *this;
    }
    Handle& event(std::string name, std::int64_t time, model::Attributes attributes = {}) {
      m_span.events.push_back({std::move(name), time, std::move(attributes)});
      return *this;
    }
    Handle& state_event(std::string state, std::int64_t time) {
      return event("order.status_changed", time, {{"order.status", std::move(state)}});
    }
    Handle& link(const model::SpanRef& target) {
      m_span.links.push_back({target, {}});
      return *this;
    }
    Handle& queue(std::string name) { return attr("messaging.destination.name", std::move(name)); }
    model::SpanRef ref() const { return m_span.ref(); }
    model::Span& span() { return m_span; }

  private:
    model::Span& m_span;
    SpanBuilder& m_builder;
  };

  // A span of `service` in trace number `trace`, child of `parent` when given.
  Handle add(int trace, const std::string& service, std::string operation, std::int64_t start,
             std::int64_t duration, std::optional<model::SpanRef> parent = std::nullopt) {
    auto& span = m_spans.emplace_back();
    span.trace_id = trace_id(trace);
    span.span_id = model::SpanId{++m_next_span};
    span.parent = parent;
    span.resource = resource(service);
    span.operation = std::move(operation);
    span.start_ns = start;
    span.end_ns = start + duration;
    return Handle(span, *this);
  }

  static model::TraceId trace_id(int trace) {
    return model::TraceId{0x4bf92f3577b34da6ULL,
                          0xa3ce929d0e0e0000ULL + static_cast<unsigned>(trace)};
  }

  const std::vector<model::Span>& spans() const { return m_spans; }
  std::vector<model::Span>& spans() { return m_spans; }

  // Capacity is reserved up front so that handles (references into it) stay valid.
  explicit SpanBuilder(std::size_t capacity = 4096) { m_spans.reserve(capacity); }

private:
  std::shared_ptr<const model::Resource> resource(const std::string& service) {
    auto& slot = m_resources[service];
    if (!slot) {
      slot = std::make_shared<model::Resource>(model::Resource{service, {}});
    }
    return slot;
  }

  std::vector<model::Span> m_spans;
  std::map<std::string, std::shared_ptr<const model::Resource>> m_resources;
  std::uint64_t m_next_span = 0x1000;
};

} // namespace ordertrace::testing

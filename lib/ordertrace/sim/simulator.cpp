#include <ordertrace/sim/random.hpp>
#include <ordertrace/sim/simulator.hpp>
#include <ordertrace/util/error.hpp>

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace ordertrace::sim {
namespace {

constexpr std::int64_t k_ms = 1'000'000;
constexpr std::int64_t k_sec = 1'000 * k_ms;
constexpr std::int64_t k_min = 60 * k_sec;
constexpr std::int64_t k_hour = 60 * k_min;
constexpr std::int64_t k_day = 24 * k_hour;

constexpr std::array<std::string_view, k_fault_count> k_fault_ids = {
    "lost-in-queue", "consumer-error", "sync-500",           "stalled-by-people", "slow-but-fine",
    "clock-skew",    "sampling-gap",   "duplicate-delivery", "abandoned-cart",    "many-traces"};

// The default lifecycle's states (data/lifecycle/default.json), in order.
enum State : int {
  initiated,
  file_uploaded,
  submitted,
  price_calculated,
  approved,
  started,
  completed,
  packaging,
  shipped,
  closed,
  state_count
};
constexpr std::array<std::string_view, state_count> k_state_names = {"INITIATED",
                                                                     "FILE_UPLOADED",
                                                                     "SUBMITTED",
                                                                     "PRICE_CALCULATED",
                                                                     "MANUFACTURING_APPROVED",
                                                                     "MANUFACTURING_STARTED",
                                                                     "MANUFACTURING_COMPLETED",
                                                                     "PACKAGING",
                                                                     "SHIPPED",
                                                                     "CLOSED"};
constexpr std::array<std::string_view, state_count> k_state_owners = {
    "shop-api", "shop-api", "shop-api", "mes", "crm-api", "mes", "mes", "mes", "mes", "crm-api"};
constexpr std::array<std::int64_t, state_count> k_allowances = {
    7 * k_day,  7 * k_day, 15 * k_min, 2 * k_day,  3 * k_day,
    10 * k_day, 1 * k_day, 2 * k_day,  14 * k_day, 0};
constexpr std::int64_t k_lost_factor = 3;

// The default lifecycle's order types (its "order_types" sets, issue #11): express replaces
// most allowances with tighter ones, catalogue two of them, custom none.
enum class OrderType { none, catalogue, custom, express };
constexpr std::array<std::string_view, 4> k_order_type_names = {"", "catalogue", "custom",
                                                                "express"};

// The allowance an order of `type` has at `state`.
std::int64_t allowance_of(OrderType type, State state) {
  if (type == OrderType::express) {
    switch (state) {
    case submitted:
      return 5 * k_min;
    case price_calculated:
    case approved:
    case packaging:
      return 1 * k_day;
    case started:
      return 4 * k_day;
    case completed:
      return 4 * k_hour;
    case shipped:
      return 5 * k_day;
    default:
      break;
    }
  } else if (type == OrderType::catalogue) {
    if (state == price_calculated) {
      return 1 * k_day;
    }
    if (state == started) {
      return 7 * k_day;
    }
  }
  return k_allowances[state];
}

// "1d", "4h", "15m", "1d 12h": for notes.
std::string short_duration(std::int64_t ns) {
  std::string text;
  for (const auto& [unit, name] : {std::pair{k_day, "d"}, {k_hour, "h"}, {k_min, "m"}}) {
    if (ns >= unit) {
      text += fmt::format("{}{}{}", text.empty() ? "" : " ", ns / unit, name);
      ns %= unit;
    }
  }
  return text.empty() ? "0m" : text;
}

// MES is bought software: its states are recognised by these operation names and routes
// (the mapping rules of data/lifecycle/default.json).
std::string_view mes_operation(State state) {
  switch (state) {
  case price_calculated:
    return "CalculatePrice";
  case started:
    return "StartManufacturing";
  case completed:
    return "CompleteManufacturing";
  case packaging:
    return "StartPackaging";
  default:
    return "ShipOrder";
  }
}
std::string_view mes_route_verb(State state) {
  switch (state) {
  case started:
    return "start";
  case completed:
    return "complete";
  case packaging:
    return "pack";
  default:
    return "ship";
  }
}

constexpr std::string_view k_queue_pricing = "orders.submitted";
constexpr std::string_view k_queue_priced = "orders.priced";
constexpr std::string_view k_queue_approved = "orders.approved";
constexpr std::string_view k_queue_shipped = "orders.shipped";

enum class Via { attribute, event, rule };
enum class Ending { cancelled, refunded };
constexpr std::array<std::string_view, 2> k_ending_names = {"CANCELLED", "REFUNDED"};
enum class TraceMode { per_step, one_long_trace, many_traces };

// What one order goes through; the builder turns it into spans.
struct Plan {
  std::array<std::optional<std::int64_t>, state_count> at{}; // states to emit, real time
  bool async_pricing = false;
  int sync_status = 200;
  bool sync_retried = false; // a 503 first, retried with success (not an error)
  bool pricing_consumer_fails = false;
  std::optional<State> unconsumed_publish; // the publish of this state is never consumed
  bool redeliver_pricing = false;
  std::int64_t mes_clock_offset_ns = 0;
  TraceMode trace_mode = TraceMode::per_step;
  OrderType type = OrderType::none;
  // Passes after a rework loop (quality control), in time order: MANUFACTURING_STARTED
  // again, and what followed it; `at` holds the first pass of every state.
  std::vector<std::pair<State, std::int64_t>> rework;
  std::optional<std::pair<Ending, std::int64_t>> ending; // set by crm-api at that time
};

// Normal time from a state to the next one: well inside the allowance, so an order that
// follows it is ON_TRACK whenever it is looked at.
std::int64_t normal_gap(Rng& rng, State from, bool async_pricing) {
  switch (from) {
  case initiated:
    return rng.between(3 * k_min, 40 * k_min);
  case file_uploaded:
    return rng.between(2 * k_min, 30 * k_min);
  case submitted:
    return async_pricing ? rng.between(20 * k_sec, 8 * k_min) : 0;
  case price_calculated:
    return rng.between(30 * k_min, 40 * k_hour);
  case approved:
    return rng.between(1 * k_hour, 60 * k_hour);
  case started:
    return rng.between(1 * k_day, 9 * k_day);
  case completed:
    return rng.between(1 * k_hour, 20 * k_hour);
  case packaging:
    return rng.between(1 * k_hour, 40 * k_hour);
  default:
    return rng.between(1 * k_day, 10 * k_day);
  }
}

// Long, over several allowances, and still fine in the end.
std::int64_t slow_gap(Rng& rng, State from, bool async_pricing) {
  switch (from) {
  case submitted:
    return rng.between(1 * k_hour, 5 * k_hour);
  case price_calculated:
    return rng.between(3 * k_day, 5 * k_day);
  case started:
    return rng.between(12 * k_day, 16 * k_day);
  default:
    return normal_gap(rng, from, async_pricing);
  }
}

// The normal gap, shortened in proportion where the order's type allows less time, so that
// an express order at normal pace stays inside its tighter allowances too.
std::int64_t paced_gap(Rng& rng, const Plan& plan, State from) {
  const std::int64_t gap = normal_gap(rng, from, plan.async_pricing);
  const std::int64_t own = k_allowances[from];
  const std::int64_t typed = allowance_of(plan.type, from);
  if (typed >= own || own == 0) {
    return gap;
  }
  return static_cast<std::int64_t>(static_cast<double>(gap) * static_cast<double>(typed) /
                                   static_cast<double>(own));
}

State next_state(State state, bool upload) {
  if (state == initiated && !upload) {
    return submitted;
  }
  return static_cast<State>(state + 1);
}

std::string hex(std::uint64_t value, int digits) {
  std::string text(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0 && value != 0; --i) {
    text[static_cast<std::size_t>(i)] = "0123456789abcdef"[value & 0xfU];
    value >>= 4U;
  }
  return text;
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
      } else {
        out += c;
      }
    }
  }
  out += '"';
}

Attribute str(std::string key, std::string value) {
  Attribute attribute;
  attribute.key = std::move(key);
  attribute.text = std::move(value);
  return attribute;
}
Attribute num(std::string key, std::int64_t value) {
  Attribute attribute;
  attribute.key = std::move(key);
  attribute.type = Attribute::Type::integer;
  attribute.integer = value;
  return attribute;
}
Attribute flag(std::string key, bool value) {
  Attribute attribute;
  attribute.key = std::move(key);
  attribute.type = Attribute::Type::boolean;
  attribute.boolean = value;
  return attribute;
}
Attribute money(std::string key, std::int64_t cents) {
  Attribute attribute;
  attribute.key = std::move(key);
  attribute.type = Attribute::Type::real;
  attribute.text = fmt::format("{}.{:02}", cents / 100, cents % 100);
  return attribute;
}

constexpr std::int64_t k_server = 2;
constexpr std::int64_t k_client = 3;
constexpr std::int64_t k_producer = 4;
constexpr std::int64_t k_consumer = 5;
constexpr std::int64_t k_internal = 1;

// Builds the span trees of one order (the shapes of scripts/make_demo_data.py).
class Builder {
public:
  Builder(Rng& rng, std::vector<SimSpan>& spans, std::string order_id, const Plan& plan,
          Via shop_via, Via crm_via, Via mes_via, std::string mes_id_key)
      : m_rng(rng), m_spans(spans), m_order_id(std::move(order_id)), m_plan(plan),
        m_shop_via(shop_via), m_crm_via(crm_via), m_mes_via(mes_via),
        m_mes_id_key(std::move(mes_id_key)), m_long_trace(random_trace()) {}

  void emit() {
    std::optional<std::size_t> pending_async; // the orders.submitted publish
    for (int index = 0; index < state_count; ++index) {
      const auto state = static_cast<State>(index);
      if (!m_plan.at[index]) {
        continue;
      }
      const std::int64_t t = *m_plan.at[index];
      switch (state) {
      case initiated:
        initiate(t);
        break;
      case file_uploaded:
        upload(t);
        break;
      case submitted:
        pending_async = submit(t);
        break;
      case price_calculated:
        if (pending_async) {
          const std::int64_t end = price_async(*pending_async, t, false);
          if (m_plan.redeliver_pricing) {
            price_async(*pending_async, end + m_rng.between(20 * k_sec, 40 * k_sec), true);
          }
        }
        break;
      case approved:
        approve(t);
        break;
      case started:
      case completed:
      case packaging:
      case shipped:
        mes_action(t, state);
        break;
      case closed:
        close_order(t);
        break;
      default:
        break;
      }
    }
    if (m_plan.pricing_consumer_fails && pending_async) {
      const std::int64_t t = m_spans[*pending_async].end_ns + m_rng.between(20 * k_sec, 8 * k_min);
      price_async(*pending_async, t, false);
    }
    for (const auto& [state, t] : m_plan.rework) {
      mes_action(t, state, true);
    }
    if (m_plan.ending) {
      if (m_plan.ending->first == Ending::cancelled) {
        cancel(m_plan.ending->second);
      } else {
        refund(m_plan.ending->second);
      }
    }
  }

private:
  TraceKey random_trace() { return {m_rng.next() | (1ULL << 60U), m_rng.next()}; }
  std::uint64_t random_span_id() { return m_rng.next() | (1ULL << 56U); }
  std::int64_t ms(std::int64_t low, std::int64_t high) {
    return m_rng.between(low * k_ms, high * k_ms);
  }

  // The trace of a new step: the order's one trace, or a fresh one.
  TraceKey step_trace() {
    return m_plan.trace_mode == TraceMode::one_long_trace ? m_long_trace : random_trace();
  }
  bool consumer_continues_trace() {
    if (m_plan.trace_mode == TraceMode::many_traces) {
      return false;
    }
    if (m_plan.trace_mode == TraceMode::one_long_trace || m_plan.mes_clock_offset_ns != 0) {
      return true; // a skewed MES shows its offset by starting before its parent
    }
    return m_rng.chance(0.5);
  }

  std::size_t span(Service service, Scope scope, std::string name, int kind, std::int64_t start,
                   std::optional<std::size_t> parent, std::optional<TraceKey> trace = {}) {
    SimSpan span;
    span.service = service;
    span.scope = scope;
    span.name = std::move(name);
    span.kind = kind;
    if (parent) {
      span.trace = m_spans[*parent].trace;
      span.parent_id = m_spans[*parent].span_id;
    } else {
      span.trace = trace ? *trace : step_trace();
    }
    span.span_id = random_span_id();
    span.start_ns = start;
    span.end_ns = start;
    if (service == Service::mes) {
      span.clock_offset_ns = m_plan.mes_clock_offset_ns;
    }
    m_spans.push_back(std::move(span));
    return m_spans.size() - 1;
  }
  SimSpan& at(std::size_t index) { return m_spans[index]; }
  Attribute order_attribute(Service service) const {
    return str(service == Service::mes ? m_mes_id_key : "order.id", m_order_id);
  }

  void mark(std::size_t setter, Via via, State state, std::int64_t t) {
    mark(setter, via, k_state_names[state], t);
  }
  void mark(std::size_t setter, Via via, std::string_view status, std::int64_t t) {
    if (via == Via::attribute) {
      at(setter).attributes.push_back(str("order.status", std::string(status)));
    } else if (via == Via::event) {
      at(setter).events.push_back(
          {"order.status_changed", t, {str("order.status", std::string(status))}});
    }
  }
  // The shop's request spans name the order's type (the lifecycle's order_types attribute).
  void add_order_type(std::size_t server) {
    if (m_plan.type != OrderType::none) {
      at(server).attributes.push_back(
          str("order.type", std::string(k_order_type_names[static_cast<int>(m_plan.type)])));
    }
  }

  std::size_t http_server(Service service, std::string_view method, std::string_view route,
                          std::string path, int status, std::int64_t start,
                          std::optional<std::size_t> parent = {}) {
    const std::size_t index =
        span(service, Scope::http, fmt::format("{} {}", method, route), k_server, start, parent);
    auto& s = at(index);
    const std::string_view host = service == Service::shop_api  ? "shop.example.com"
                                  : service == Service::crm_api ? "crm.workshop.internal"
                                                                : "mes.internal";
    s.attributes = {str("http.request.method", std::string(method)),
                    str("http.route", std::string(route)), str("url.path", std::move(path)),
                    str("server.address", std::string(host)),
                    num("http.response.status_code", status)};
    if (status >= 500) {
      s.error = true;
      s.attributes.push_back(str("error.type", std::to_string(status)));
    }
    return index;
  }
  std::size_t http_client(Service service, std::string url, std::string host, int port, int status,
                          std::int64_t start, std::size_t parent) {
    const std::size_t index = span(service, Scope::client, "POST", k_client, start, parent);
    auto& s = at(index);
    s.attributes = {str("http.request.method", "POST"), str("url.full", std::move(url)),
                    str("server.address", std::move(host)), num("server.port", port),
                    num("http.response.status_code", status)};
    if (status >= 400) { // semconv: a client span is ERROR for 4xx and 5xx
      s.error = true;
      s.attributes.push_back(str("error.type", std::to_string(status)));
    }
    return index;
  }
  std::int64_t db(Service service, std::size_t parent, std::int64_t start, std::int64_t low_ms,
                  std::int64_t high_ms, std::string_view operation, std::string_view table,
                  std::string_view query) {
    const bool mes = service == Service::mes;
    const std::string_view name_space = mes ? "MES" : service == Service::crm_api ? "crm" : "shop";
    const std::size_t index = span(service, Scope::db,
                                   mes ? fmt::format("{} {}", operation, table)
                                       : fmt::format("{} {}.{}", operation, name_space, table),
                                   k_client, start, parent);
    auto& s = at(index);
    s.attributes = {str("db.system", mes ? "mssql" : "postgresql"),
                    str("db.namespace", std::string(name_space)),
                    str("db.operation.name", std::string(operation)),
                    str("db.collection.name", std::string(table)),
                    str("db.query.text", std::string(query))};
    s.end_ns = start + ms(low_ms, high_ms);
    return s.end_ns;
  }
  std::size_t publish(Service service, std::size_t parent, std::int64_t start,
                      std::string_view queue, std::string_view routing_key) {
    const std::string_view operation = service == Service::mes ? "send" : "publish";
    const std::size_t index =
        span(service, Scope::mq, fmt::format("{} {}", operation, queue), k_producer, start, parent);
    auto& s = at(index);
    s.attributes = {str("messaging.system", "rabbitmq"),
                    str("messaging.destination.name", std::string(queue)),
                    str("messaging.operation.type", std::string(operation)),
                    str("messaging.rabbitmq.destination.routing_key", std::string(routing_key)),
                    str("messaging.message.id", hex(m_rng.next(), 16)),
                    str("server.address", "rabbitmq.internal")};
    s.end_ns = start + ms(1, 6);
    return index;
  }
  std::size_t consume(Service service, std::size_t producer, std::int64_t start) {
    const bool child = consumer_continues_trace();
    const SimSpan& p = at(producer);
    std::string queue;
    std::string routing_key;
    std::string message_id;
    for (const auto& attribute : p.attributes) {
      if (attribute.key == "messaging.destination.name") {
        queue = attribute.text;
      } else if (attribute.key == "messaging.rabbitmq.destination.routing_key") {
        routing_key = attribute.text;
      } else if (attribute.key == "messaging.message.id") {
        message_id = attribute.text;
      }
    }
    const SimLink link{p.trace, p.span_id};
    const std::size_t index =
        child ? span(service, Scope::mq, "process " + queue, k_consumer, start, producer)
              : span(service, Scope::mq, "process " + queue, k_consumer, start, std::nullopt,
                     random_trace());
    auto& s = at(index);
    if (!child) {
      s.links.push_back(link);
    }
    s.attributes = {str("messaging.system", "rabbitmq"),
                    str("messaging.destination.name", queue),
                    str("messaging.operation.type", "process"),
                    str("messaging.rabbitmq.destination.routing_key", routing_key),
                    str("messaging.message.id", message_id),
                    order_attribute(service)};
    return index;
  }

  void initiate(std::int64_t t) {
    const bool web = m_rng.chance(0.5);
    std::optional<std::size_t> browser;
    if (web) { // the browser's fetch instrumentation: no order id, not in the lifecycle
      browser =
          span(Service::shop_web, Scope::http, "HTTP POST", k_client, t - ms(20, 60), std::nullopt);
      at(*browser).attributes = {str("http.method", "POST"),
                                 str("http.url", "https://shop.example.com/api/orders"),
                                 num("http.status_code", 201)};
    }
    const std::size_t server =
        http_server(Service::shop_api, "POST", "/api/orders", "/api/orders", 201, t, browser);
    at(server).attributes.push_back(order_attribute(Service::shop_api));
    add_order_type(server);
    const std::int64_t d = db(Service::shop_api, server, t + ms(2, 6), 2, 9, "INSERT", "orders",
                              "INSERT INTO orders (id, status, created_at) VALUES ($1, $2, now())");
    mark(server, m_shop_via, initiated, d);
    at(server).end_ns = d + ms(1, 4);
    if (browser) {
      at(*browser).end_ns = at(server).end_ns + ms(15, 40);
    }
  }

  void upload(std::int64_t t) {
    const std::size_t server = http_server(Service::shop_api, "POST", "/api/orders/{orderId}/model",
                                           fmt::format("/api/orders/{}/model", m_order_id), 200, t);
    at(server).attributes.push_back(order_attribute(Service::shop_api));
    add_order_type(server);
    at(server).attributes.push_back(
        num("shop.model.size_bytes", m_rng.between(800'000, 14'000'000)));
    std::int64_t c = t + ms(40, 300);
    const std::size_t put = http_client(
        Service::shop_api, fmt::format("https://storage.internal/models/{}/model.stl", m_order_id),
        "storage.internal", 443, 200, c, server);
    at(put).name = "PUT";
    at(put).attributes[0].text = "PUT";
    at(put).end_ns = c + ms(80, 400);
    c = at(put).end_ns + ms(1, 5);
    const std::size_t validate =
        span(Service::shop_api, Scope::app, "model.validate", k_internal, c, server);
    at(validate).attributes.push_back(num("shop.model.triangles", m_rng.between(40'000, 900'000)));
    at(validate).end_ns = c + ms(300, 2500);
    c = at(validate).end_ns + ms(1, 5);
    const std::size_t render =
        span(Service::shop_api, Scope::app, "editor.render_preview", k_internal, c, server);
    at(render).end_ns = c + ms(1500, 7000);
    const std::int64_t d =
        db(Service::shop_api, server, at(render).end_ns + ms(1, 4), 2, 8, "UPDATE", "orders",
           "UPDATE orders SET model_key = $1, status = $2 WHERE id = $3");
    mark(server, m_shop_via, file_uploaded, d);
    at(server).end_ns = d + ms(1, 5);
  }

  // SUBMITTED, and with synchronous pricing PRICE_CALCULATED in the same request. Returns
  // the orders.submitted publish when pricing is asynchronous.
  std::optional<std::size_t> submit(std::int64_t t) {
    const std::size_t server =
        http_server(Service::shop_api, "POST", "/api/orders/{orderId}/submit",
                    fmt::format("/api/orders/{}/submit", m_order_id), 202, t);
    at(server).attributes.push_back(order_attribute(Service::shop_api));
    add_order_type(server);
    at(server).attributes.push_back(
        str("shop.pricing.mode", m_plan.async_pricing ? "async" : "sync"));
    std::int64_t c = db(Service::shop_api, server, t + ms(2, 6), 1, 4, "SELECT", "orders",
                        "SELECT id, status FROM orders WHERE id = $1 FOR UPDATE");
    c = db(Service::shop_api, server, c + ms(0, 1), 2, 7, "UPDATE", "orders",
           "UPDATE orders SET status = $1, submitted_at = now() WHERE id = $2");
    mark(server, m_shop_via, submitted, c);
    c += ms(1, 2);
    std::optional<std::size_t> producer;
    if (m_plan.async_pricing) {
      producer = publish(Service::shop_api, server, c, k_queue_pricing, "pricing.request");
      c = at(*producer).end_ns + ms(1, 2);
    } else {
      if (m_plan.sync_retried) { // thread-pool starvation in MES, answered fast, retried
        const std::size_t client =
            http_client(Service::shop_api, "http://mes.internal:8080/api/pricing/calculate",
                        "mes.internal", 8080, 503, c, server);
        const std::size_t mes = http_server(Service::mes, "POST", "api/pricing/calculate",
                                            "/api/pricing/calculate", 503, c + ms(1, 3), client);
        at(mes).end_ns = at(mes).start_ns + ms(3, 10);
        at(mes).status_message = "Service Unavailable";
        at(client).end_ns = at(mes).end_ns + ms(1, 3);
        c = at(client).end_ns + ms(900, 1100);
      }
      const int status = m_plan.sync_status;
      const std::size_t client =
          http_client(Service::shop_api, "http://mes.internal:8080/api/pricing/calculate",
                      "mes.internal", 8080, status, c, server);
      if (m_plan.sync_retried) {
        at(client).attributes.push_back(num("http.request.resend_count", 1));
      }
      const std::size_t mes = http_server(Service::mes, "POST", "api/pricing/calculate",
                                          "/api/pricing/calculate", status, c + ms(1, 3), client);
      at(mes).attributes.push_back(order_attribute(Service::mes));
      const std::int64_t mc = at(mes).start_ns + ms(1, 4);
      const std::size_t calc =
          span(Service::mes, Scope::app, "CalculatePrice", k_internal, mc, mes);
      at(calc).attributes.push_back(str("mes.pricing.alloy", "Au750"));
      std::int64_t q = db(Service::mes, calc, mc + ms(1, 3), 5, 30, "SELECT", "MetalPrices",
                          "SELECT Price FROM MetalPrices WHERE Alloy = @alloy AND Day = @day");
      if (status >= 500) { // CalculatePrice throws: a rule span in ERROR does not count
        const std::string message = "No metal price for alloy 'Pt950' on the order day";
        at(calc).end_ns = q + ms(1, 3);
        fail(calc, message, "System.InvalidOperationException");
        at(mes).end_ns = at(calc).end_ns + ms(2, 6);
        fail(mes, message, "System.InvalidOperationException");
        at(client).end_ns = at(mes).end_ns + ms(1, 3);
      } else {
        q = db(Service::mes, calc, q + ms(1, 3), 1800, 7000, "EXECUTE", "usp_CalculateCastingCost",
               "EXEC dbo.usp_CalculateCastingCost @OrderRef, @Alloy, @VolumeMm3");
        at(calc).attributes.push_back(money("mes.price.amount", m_rng.between(18'000, 420'000)));
        const std::int64_t publish_start = q + ms(2, 8);
        mark(calc, m_mes_via, price_calculated, publish_start);
        const std::size_t priced =
            publish(Service::mes, calc, publish_start, k_queue_priced, "order.priced");
        at(calc).end_ns = at(priced).end_ns + ms(8, 14);
        at(mes).end_ns = at(calc).end_ns + ms(1, 4);
        at(client).end_ns = at(mes).end_ns + ms(1, 3);
        if (m_plan.unconsumed_publish != price_calculated) {
          crm_intake(priced, at(priced).end_ns + ms(4, 40));
        }
      }
      c = at(client).end_ns + ms(1, 2);
    }
    const std::int64_t d =
        db(Service::shop_api, server, c, 1, 5, "INSERT", "order_events",
           "INSERT INTO order_events (order_id, kind, at) VALUES ($1, $2, now())");
    at(server).end_ns = d + ms(1, 3);
    if (producer && m_plan.unconsumed_publish == submitted) {
      return std::nullopt; // the message never leaves the queue
    }
    return producer;
  }

  void fail(std::size_t index, const std::string& message, std::string_view type) {
    auto& s = at(index);
    s.error = true;
    s.status_message = message;
    s.events.push_back(
        {"exception",
         s.end_ns - 1,
         {str("exception.type", std::string(type)), str("exception.message", message)}});
  }

  // MES takes orders.submitted and calculates the price; returns the consumer's end.
  std::int64_t price_async(std::size_t producer, std::int64_t t, bool redelivered) {
    const std::size_t consumer = consume(Service::mes, producer, t);
    if (redelivered) {
      at(consumer).attributes.push_back(flag("messaging.rabbitmq.message.redelivered", true));
    }
    const std::int64_t c = t + ms(1, 3);
    const std::size_t calc =
        span(Service::mes, Scope::app, "CalculatePrice", k_internal, c, consumer);
    at(calc).attributes.push_back(str("mes.pricing.alloy", "Au750"));
    std::int64_t q = db(Service::mes, calc, c + ms(1, 3), 20, 90, "SELECT", "OrderModels",
                        "SELECT VolumeMm3, Alloy FROM OrderModels WHERE OrderRef = @orderRef");
    if (m_plan.pricing_consumer_fails) {
      const std::string message = "Execution Timeout Expired. The timeout period elapsed prior "
                                  "to completion of the operation.";
      q = db(Service::mes, calc, q + ms(1, 3), 30'000, 30'001, "EXECUTE",
             "usp_CalculateCastingCost", "EXEC dbo.usp_CalculateCastingCost @OrderRef");
      at(calc).end_ns = q + ms(1, 3);
      fail(calc, message, "Microsoft.Data.SqlClient.SqlException");
      at(consumer).end_ns = at(calc).end_ns + ms(2, 6);
      fail(consumer, message, "Microsoft.Data.SqlClient.SqlException");
      at(consumer).attributes.push_back(
          str("messaging.rabbitmq.dead_letter_exchange", "orders.submitted.dlx"));
      return at(consumer).end_ns;
    }
    q = db(Service::mes, calc, q + ms(1, 3), 2500, 9000, "EXECUTE", "usp_CalculateCastingCost",
           "EXEC dbo.usp_CalculateCastingCost @OrderRef, @Alloy, @VolumeMm3");
    at(calc).attributes.push_back(money("mes.price.amount", m_rng.between(38'000, 620'000)));
    const std::int64_t publish_start = q + ms(2, 8);
    mark(calc, m_mes_via, price_calculated, publish_start);
    const std::size_t priced =
        publish(Service::mes, calc, publish_start, k_queue_priced, "order.priced");
    at(calc).end_ns = at(priced).end_ns + ms(8, 14);
    at(consumer).end_ns = at(calc).end_ns + ms(1, 4);
    if (m_plan.unconsumed_publish != price_calculated) {
      crm_intake(priced, at(priced).end_ns + ms(4, 40));
    }
    return at(consumer).end_ns;
  }

  void crm_intake(std::size_t producer, std::int64_t t) {
    const std::size_t consumer = consume(Service::crm_api, producer, t);
    const std::int64_t d =
        db(Service::crm_api, consumer, t + ms(1, 3), 2, 8, "INSERT", "approval_tasks",
           "INSERT INTO approval_tasks (order_id, state, created_at) VALUES (?, ?, ?)");
    at(consumer).end_ns = d + ms(1, 3);
  }

  void approve(std::int64_t t) {
    const std::size_t server =
        http_server(Service::crm_api, "POST", "/api/orders/{orderId}/approve",
                    fmt::format("/api/orders/{}/approve", m_order_id), 200, t);
    at(server).attributes.push_back(order_attribute(Service::crm_api));
    std::int64_t c = db(Service::crm_api, server, t + ms(2, 5), 1, 4, "SELECT", "approval_tasks",
                        "SELECT id, state FROM approval_tasks WHERE order_id = ? FOR UPDATE");
    c = db(Service::crm_api, server, c + ms(0, 1), 2, 7, "UPDATE", "orders",
           "UPDATE orders SET state = ?, approved_at = ? WHERE id = ?");
    mark(server, m_crm_via, approved, c);
    const std::size_t producer =
        publish(Service::crm_api, server, c + ms(0, 1), k_queue_approved, "order.approved");
    c = db(Service::crm_api, server, at(producer).end_ns + ms(0, 1), 1, 4, "UPDATE",
           "approval_tasks", "UPDATE approval_tasks SET state = ?, closed_at = ? WHERE id = ?");
    at(server).end_ns = c + ms(1, 4);
    if (m_plan.unconsumed_publish == approved) {
      return;
    }
    // MES takes the approved order and queues a job for the workshop (no state).
    const std::int64_t start = at(producer).end_ns + ms(8, 90);
    const std::size_t consumer = consume(Service::mes, producer, start);
    const std::size_t job = span(Service::mes, Scope::app, "RegisterProductionJob", k_internal,
                                 start + ms(1, 3), consumer);
    at(job).attributes.push_back(
        str("mes.job.id", fmt::format("J-{:05}", m_rng.between(10000, 99999))));
    const std::int64_t d =
        db(Service::mes, job, at(job).start_ns + ms(0, 2), 3, 12, "INSERT", "ProductionJobs",
           "INSERT INTO ProductionJobs (OrderRef, Stage) VALUES (@orderRef, @stage)");
    at(job).end_ns = d + ms(0, 2);
    at(consumer).end_ns = at(job).end_ns + ms(1, 3);
  }

  // An operator's page in MES; SHIPPED also tells crm-api over orders.shipped.
  // `rework`: a pass after quality control sent the piece back.
  void mes_action(std::int64_t t, State state, bool rework = false) {
    const std::string route = fmt::format("/operator/orders/{{orderId}}/{}", mes_route_verb(state));
    const std::size_t server = http_server(
        Service::mes, "POST", route,
        fmt::format("/operator/orders/{}/{}", m_order_id, mes_route_verb(state)), 302, t);
    at(server).attributes.push_back(order_attribute(Service::mes));
    std::int64_t c =
        db(Service::mes, server, t + ms(2, 8), 2, 15, "SELECT", "ProductionJobs",
           "SELECT Id, Stage, RowVersion FROM ProductionJobs WHERE OrderRef = @orderRef");
    const std::size_t op = span(Service::mes, Scope::app, std::string(mes_operation(state)),
                                k_internal, c + ms(0, 2), server);
    at(op).attributes.push_back(
        str("mes.workstation", fmt::format("BENCH-{:02}", m_rng.between(1, 9))));
    if (rework && state == started) { // quality control sent the piece back
      at(op).attributes.push_back(flag("mes.rework", true));
    }
    c = db(Service::mes, op, at(op).start_ns + ms(0, 2), 3, 20, "UPDATE", "ProductionJobs",
           "UPDATE ProductionJobs SET Stage = @stage WHERE Id = @id AND RowVersion = @rowVersion");
    c += ms(0, 2);
    if (state == shipped) {
      const std::size_t carrier =
          http_client(Service::mes, "https://api.parcel-carrier.example/v2/shipments",
                      "api.parcel-carrier.example", 443, 201, c, op);
      at(carrier).end_ns = c + ms(180, 900);
      c = at(carrier).end_ns + ms(1, 3);
    }
    mark(op, m_mes_via, state, c);
    if (state == shipped) {
      const std::size_t producer =
          publish(Service::mes, op, c + ms(0, 1), k_queue_shipped, "order.shipped");
      c = at(producer).end_ns;
      const std::int64_t start = c + ms(5, 60);
      const std::size_t consumer = consume(Service::crm_api, producer, start);
      const std::int64_t d =
          db(Service::crm_api, consumer, start + ms(1, 3), 2, 8, "UPDATE", "orders",
             "UPDATE orders SET state = ?, tracking_no = ? WHERE id = ?");
      at(consumer).end_ns = d + ms(1, 3);
    }
    at(op).end_ns = c + ms(1, 4);
    at(server).end_ns = at(op).end_ns + ms(2, 10);
  }

  void close_order(std::int64_t t) {
    const std::size_t server = http_server(Service::crm_api, "POST", "/api/carrier/webhook",
                                           "/api/carrier/webhook", 204, t);
    at(server).attributes.push_back(str("crm.carrier.event", "delivered"));
    at(server).attributes.push_back(order_attribute(Service::crm_api));
    const std::int64_t d = db(Service::crm_api, server, t + ms(1, 4), 2, 8, "UPDATE", "orders",
                              "UPDATE orders SET state = ?, closed_at = ? WHERE id = ?");
    mark(server, m_crm_via, closed, d);
    at(server).end_ns = d + ms(1, 4);
  }

  // An operator cancels the order in CRM; MES drops its production job, if it has one.
  void cancel(std::int64_t t) {
    static constexpr std::array<std::string_view, 4> k_reasons = {
        "customer_request", "price_declined", "duplicate_order", "model_not_printable"};
    const std::size_t server =
        http_server(Service::crm_api, "POST", "/api/orders/{orderId}/cancel",
                    fmt::format("/api/orders/{}/cancel", m_order_id), 200, t);
    at(server).attributes.push_back(order_attribute(Service::crm_api));
    at(server).attributes.push_back(
        str("crm.cancel.reason",
            std::string(k_reasons[static_cast<std::size_t>(m_rng.between(0, 3))])));
    std::int64_t c = db(Service::crm_api, server, t + ms(2, 5), 1, 4, "SELECT", "orders",
                        "SELECT id, state FROM orders WHERE id = ? FOR UPDATE");
    c = db(Service::crm_api, server, c + ms(0, 1), 2, 7, "UPDATE", "orders",
           "UPDATE orders SET state = ?, cancelled_at = ? WHERE id = ?");
    mark(server, m_crm_via, k_ending_names[0], c);
    if (!m_plan.at[approved]) {
      at(server).end_ns = c + ms(1, 4);
      return;
    }
    const std::size_t producer =
        publish(Service::crm_api, server, c + ms(0, 1), "orders.cancelled", "order.cancelled");
    at(server).end_ns = at(producer).end_ns + ms(1, 4);
    const std::int64_t start = at(producer).end_ns + ms(8, 90);
    const std::size_t consumer = consume(Service::mes, producer, start);
    const std::size_t job = span(Service::mes, Scope::app, "CancelProductionJob", k_internal,
                                 start + ms(1, 3), consumer);
    const std::int64_t d =
        db(Service::mes, job, at(job).start_ns + ms(0, 2), 3, 12, "UPDATE", "ProductionJobs",
           "UPDATE ProductionJobs SET Stage = @stage WHERE OrderRef = @orderRef");
    at(job).end_ns = d + ms(0, 2);
    at(consumer).end_ns = at(job).end_ns + ms(1, 3);
  }

  // A return: CRM refunds the payment through the payment provider.
  void refund(std::int64_t t) {
    const std::size_t server =
        http_server(Service::crm_api, "POST", "/api/orders/{orderId}/refund",
                    fmt::format("/api/orders/{}/refund", m_order_id), 200, t);
    at(server).attributes.push_back(order_attribute(Service::crm_api));
    std::int64_t c = db(Service::crm_api, server, t + ms(2, 5), 1, 4, "SELECT", "payments",
                        "SELECT id, amount FROM payments WHERE order_id = ?");
    const std::size_t provider =
        http_client(Service::crm_api, "https://api.payments.example/v1/refunds",
                    "api.payments.example", 443, 201, c + ms(0, 2), server);
    at(provider).end_ns = at(provider).start_ns + ms(150, 900);
    c = db(Service::crm_api, server, at(provider).end_ns + ms(1, 3), 2, 7, "UPDATE", "orders",
           "UPDATE orders SET state = ?, refunded_at = ? WHERE id = ?");
    mark(server, m_crm_via, k_ending_names[1], c);
    at(server).end_ns = c + ms(1, 4);
  }

  Rng& m_rng;
  std::vector<SimSpan>& m_spans;
  std::string m_order_id;
  const Plan& m_plan;
  Via m_shop_via;
  Via m_crm_via;
  Via m_mes_via;
  std::string m_mes_id_key;
  TraceKey m_long_trace;
};

// Margin before "now" for a step to count as done: its spans (seconds long) have ended.
constexpr std::int64_t k_step_margin = 2 * k_min;

// Forward: states from `start`, kept while they lie before now.
// `approved_gap`: the time from MANUFACTURING_APPROVED to MANUFACTURING_STARTED, if not
// the normal one.
// `loops_from`: quality control sends the piece back to MANUFACTURING_STARTED from these
// states (MANUFACTURING_COMPLETED or PACKAGING), one loop each, in this order.
void plan_forward(Rng& rng, Plan& plan, std::int64_t start, bool upload, std::int64_t now,
                  bool slow, std::optional<std::int64_t> approved_gap = {},
                  const std::vector<State>& loops_from = {}) {
  State state = initiated;
  std::int64_t t = start;
  std::size_t loops = 0;
  while (true) {
    if (t + k_step_margin >= now) {
      return;
    }
    if (plan.at[state]) {
      plan.rework.emplace_back(state, t);
    } else {
      plan.at[state] = t;
    }
    if (state == closed) {
      return;
    }
    if (state == approved && approved_gap) {
      t += *approved_gap;
    } else {
      t += slow ? slow_gap(rng, state, plan.async_pricing) : paced_gap(rng, plan, state);
    }
    if (loops < loops_from.size() && state == loops_from[loops]) {
      ++loops;
      state = started;
    } else {
      state = next_state(state, upload);
    }
  }
}

// Backward: `last` reached at now - waiting, every earlier state before it at normal pace.
void plan_backward(Rng& rng, Plan& plan, State last, std::int64_t waiting, bool upload,
                   std::int64_t now) {
  std::int64_t t = now - waiting;
  for (int index = last; index >= 0; --index) {
    const auto state = static_cast<State>(index);
    if (state == file_uploaded && !upload) {
      continue;
    }
    plan.at[state] = t;
    if (index > 0) {
      State previous = static_cast<State>(index - 1);
      if (previous == file_uploaded && !upload) {
        previous = initiated;
      }
      t -= paced_gap(rng, plan, previous);
    }
  }
}

// Where the order stands: its latest step (after a rework loop, not the furthest state).
State last_planned(const Plan& plan) {
  std::optional<std::int64_t> latest;
  State last = initiated;
  for (int index = 0; index < state_count; ++index) {
    if (plan.at[index] && (!latest || *plan.at[index] >= *latest)) {
      latest = plan.at[index];
      last = static_cast<State>(index);
    }
  }
  for (const auto& [state, t] : plan.rework) {
    if (!latest || t >= *latest) {
      latest = t;
      last = state;
    }
  }
  return last;
}

// The verdict of an order that followed its normal pace up to now.
void natural_verdict(const Plan& plan, ManifestRow& row) {
  const State last = last_planned(plan);
  row.last_state = std::string(k_state_names[last]);
  row.verdict = last == closed ? "COMPLETED" : "ON_TRACK";
  for (const auto& step : plan.rework) {
    row.loops += step.first == started ? 1 : 0;
  }
}

void lost(ManifestRow& row, State last, std::string note) {
  row.verdict = "LOST";
  row.last_state = std::string(k_state_names[last]);
  row.suspect = std::string(k_state_owners[next_state(last, true)]);
  row.note = std::move(note);
}

} // namespace

std::string_view to_string(Fault fault) noexcept {
  return k_fault_ids[static_cast<std::size_t>(fault)];
}

std::optional<Fault> fault_from_string(std::string_view id) noexcept {
  for (std::size_t i = 0; i < k_fault_count; ++i) {
    if (k_fault_ids[i] == id) {
      return k_all_faults[i];
    }
  }
  return std::nullopt;
}

void parse_fault_rates(std::string_view text, std::array<double, k_fault_count>& rates) {
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const std::size_t end = std::min(text.find(',', begin), text.size());
    const std::string_view item = text.substr(begin, end - begin);
    begin = end + 1;
    if (item.empty()) {
      continue;
    }
    const std::size_t equals = item.find('=');
    if (equals == std::string_view::npos) {
      throw UsageError(fmt::format("--faults: '{}' is not FAULT=RATE", item));
    }
    const std::string_view id = item.substr(0, equals);
    const auto fault = fault_from_string(id);
    if (!fault) {
      std::string known;
      for (const auto name : k_fault_ids) {
        known += known.empty() ? "" : ", ";
        known += name;
      }
      throw UsageError(fmt::format("--faults: unknown fault '{}' (known: {})", id, known));
    }
    const std::string value(item.substr(equals + 1));
    char* stop = nullptr;
    const double rate = std::strtod(value.c_str(), &stop);
    if (value.empty() || stop != value.c_str() + value.size() || !std::isfinite(rate) || rate < 0 ||
        rate > 1) {
      throw UsageError(
          fmt::format("--faults: rate of '{}' must be a number in [0, 1], not '{}'", id, value));
    }
    rates[static_cast<std::size_t>(*fault)] = rate;
  }
  double sum = 0;
  for (const double rate : rates) {
    sum += rate;
  }
  if (sum > 1.0 + 1e-9) {
    throw UsageError(fmt::format("--faults: the rates add up to {:.3f}, more than 1", sum));
  }
}

std::string order_id(const SimOptions& options, std::size_t index) {
  return fmt::format("{}-{:07}", options.id_prefix, index + 1);
}

SimOrder simulate_order(const SimOptions& options, std::size_t index) {
  std::uint64_t mix = options.seed ^ (0x5bd1e995ULL * (index + 1));
  Rng rng(splitmix64(mix));
  SimOrder order;
  ManifestRow& row = order.row;
  row.order_id = order_id(options, index);
  const std::int64_t now = options.now_ns;

  // Pick at most one fault, then the silent stops and the untraced, else a normal order.
  const double draw = rng.unit();
  double cumulative = 0;
  std::optional<Fault> fault;
  bool silent_stop = false;
  bool untraced = false;
  std::optional<Ending> ending;
  bool rework = false;
  for (std::size_t i = 0; i < k_fault_count && !fault; ++i) {
    cumulative += options.fault_rates[i];
    if (draw < cumulative) {
      fault = k_all_faults[i];
    }
  }
  if (!fault) {
    if (draw < (cumulative += options.silent_stop_rate)) {
      silent_stop = true;
    } else if (draw < (cumulative += options.untraced_rate)) {
      untraced = true;
    } else if (draw < (cumulative += options.cancelled_rate)) {
      ending = Ending::cancelled;
    } else if (draw < (cumulative += options.refunded_rate)) {
      ending = Ending::refunded;
    } else if (draw < cumulative + options.rework_rate) {
      rework = true;
    }
  }
  row.fault = fault;

  Plan plan;
  const bool upload = rng.chance(0.6); // catalogue items skip FILE_UPLOADED
  // The order type comes from a stream of its own, so that the other draws, and the output
  // without order types, are those of a simulation without them.
  std::uint64_t type_mix = options.seed ^ (0xc2b2ae3d27d4eb4fULL * (index + 1));
  Rng type_rng(splitmix64(type_mix));
  if (options.order_types) {
    plan.type = type_rng.chance(options.express_rate) ? OrderType::express
                : upload                              ? OrderType::custom
                                                      : OrderType::catalogue;
    row.order_type = std::string(k_order_type_names[static_cast<int>(plan.type)]);
  }
  const auto allowance = [&](State state) {
    return allowance_of(plan.type, state);
  };
  // Said in the note when the order's type makes the difference.
  const auto typed_note = [&](State state) -> std::string {
    if (allowance(state) == k_allowances[state]) {
      return "";
    }
    return fmt::format(" ({}: {} allowed at {}, not {})", *row.order_type,
                       short_duration(allowance(state)), k_state_names[state],
                       short_duration(k_allowances[state]));
  };
  plan.async_pricing = rng.chance(0.5);
  plan.sync_retried = !plan.async_pricing && rng.chance(0.05);
  const double mode = rng.unit();
  plan.trace_mode = mode < 0.15 ? TraceMode::one_long_trace : TraceMode::per_step;
  const auto random_start = [&](std::int64_t latest_before_now) {
    const std::int64_t latest = std::max<std::int64_t>(latest_before_now, 5 * k_min);
    const std::int64_t earliest = std::max(options.period_ns, latest);
    return now - rng.between(latest, earliest);
  };

  if (untraced) {
    row.order_type.reset(); // nothing was traced, so no type either
    row.verdict = "NOT_FOUND";
    row.note = "never traced (sampled out everywhere)";
    return order;
  }
  if (silent_stop) {
    const State last = rng.chance(0.5) ? completed : packaging;
    const std::int64_t allowed = allowance(last);
    const bool lost_by_time = rng.chance(0.5);
    const std::int64_t waiting =
        lost_by_time
            ? rng.between(k_lost_factor * allowed + k_hour, k_lost_factor * allowed + 6 * k_day)
            : rng.between(allowed + k_hour, k_lost_factor * allowed - k_hour);
    plan_backward(rng, plan, last, waiting, upload, now);
    if (lost_by_time) {
      lost(row, last,
           "no step after this one and no error: LOST by time (3x the allowance)" +
               typed_note(last));
    } else {
      row.verdict = "STALLED";
      row.last_state = std::string(k_state_names[last]);
      row.suspect = std::string(k_state_owners[next_state(last, true)]);
      row.note = "no step after this one, over its allowance, under 3x" + typed_note(last);
    }
  } else if (ending == Ending::cancelled) {
    // Cancelled in CRM some time after a state past SUBMITTED, before it was shipped.
    const auto last = static_cast<State>(rng.between(price_calculated, packaging));
    const std::int64_t ago = rng.between(10 * k_min, 20 * k_day);
    const std::int64_t gap = paced_gap(rng, plan, last);
    plan_backward(rng, plan, last, ago + gap, upload, now);
    plan.ending = {Ending::cancelled, now - ago};
    row.verdict = "COMPLETED";
    row.ending = std::string(k_ending_names[0]);
    row.last_state = row.ending;
    row.note = fmt::format("cancelled in CRM after {}", k_state_names[last]);
  } else if (ending == Ending::refunded) {
    // A return: refunded days after it was shipped (never closed) or closed.
    const State last = rng.chance(0.5) ? shipped : closed;
    const std::int64_t ago = rng.between(10 * k_min, 15 * k_day);
    const std::int64_t gap = rng.between(1 * k_day, 12 * k_day);
    plan_backward(rng, plan, last, ago + gap, upload, now);
    plan.ending = {Ending::refunded, now - ago};
    row.verdict = "COMPLETED";
    row.ending = std::string(k_ending_names[1]);
    row.last_state = row.ending;
    row.note = fmt::format("returned and refunded in CRM after {}", k_state_names[last]);
  } else if (rework) {
    // Quality control rejects the piece once or twice (after MANUFACTURING_COMPLETED or at
    // PACKAGING); the whole history is planned first, then placed so that the last loop is
    // before now.
    std::vector<State> loops_from(rng.chance(0.7) ? 1 : 2);
    for (auto& from : loops_from) {
      from = rng.chance(0.5) ? completed : packaging;
    }
    Plan probe = plan;
    plan_forward(rng, probe, 0, upload, std::numeric_limits<std::int64_t>::max(), false, {},
                 loops_from);
    std::int64_t last_loop = 0;
    for (const auto& [state, t] : probe.rework) {
      last_loop = state == started ? t : last_loop;
    }
    const std::int64_t offset = random_start(last_loop + k_hour);
    for (int i = 0; i < state_count; ++i) {
      if (probe.at[i] && *probe.at[i] + offset + k_step_margin < now) {
        plan.at[i] = *probe.at[i] + offset;
      }
    }
    for (const auto& [state, t] : probe.rework) {
      if (t + offset + k_step_margin < now) {
        plan.rework.emplace_back(state, t + offset);
      }
    }
    natural_verdict(plan, row);
    std::string path;
    for (const auto from : loops_from) {
      path += fmt::format("{}{} -> MANUFACTURING_STARTED", path.empty() ? "" : ", ",
                          k_state_names[from]);
    }
    row.note = fmt::format("quality control: back to manufacturing x{} ({})", row.loops, path);
  } else if (!fault) {
    plan_forward(rng, plan, random_start(0), upload, now, false);
    natural_verdict(plan, row);
  } else {
    switch (*fault) {
    case Fault::lost_in_queue: {
      const int variant = static_cast<int>(rng.between(0, 2));
      const State last = variant == 0 ? submitted : variant == 1 ? price_calculated : approved;
      if (last == submitted) {
        plan.async_pricing = true;
      }
      plan.sync_retried = plan.sync_retried && !plan.async_pricing;
      const std::int64_t allowed = allowance(last);
      plan_backward(rng, plan, last, rng.between(allowed + k_hour, allowed + 6 * k_day), upload,
                    now);
      plan.unconsumed_publish = last;
      lost(row, last, fmt::format("publish after {} never consumed", k_state_names[last]));
      break;
    }
    case Fault::consumer_error:
      plan.async_pricing = true;
      plan.sync_retried = false;
      plan.pricing_consumer_fails = true;
      plan_backward(rng, plan, submitted, rng.between(15 * k_min, 20 * k_day), upload, now);
      lost(row, submitted, "MES pricing consumer failed (SQL timeout), message dead-lettered");
      break;
    case Fault::sync_500:
      plan.async_pricing = false;
      plan.sync_retried = false;
      plan.sync_status = 500;
      plan_backward(rng, plan, submitted, rng.between(5 * k_min, 20 * k_day), upload, now);
      plan.at[price_calculated].reset();
      lost(row, submitted, "shop-api -> mes price call answered 500, not retried");
      break;
    case Fault::stalled_by_people: {
      const std::int64_t allowed = allowance(price_calculated);
      plan_backward(rng, plan, price_calculated,
                    rng.between(allowed + k_hour, k_lost_factor * allowed - k_hour), upload, now);
      row.verdict = "STALLED";
      row.suspect = "crm-api";
      row.last_state = "PRICE_CALCULATED";
      row.note =
          "priced, approval task open in CRM, nobody approved" + typed_note(price_calculated);
      break;
    }
    case Fault::slow_but_fine: {
      plan.async_pricing = true;
      plan.sync_retried = false;
      // Plan the whole history first, then place it so that it ends before now.
      Plan probe = plan;
      plan_forward(rng, probe, 0, upload, std::numeric_limits<std::int64_t>::max(), true);
      const std::int64_t length = *probe.at[closed];
      const std::int64_t offset = random_start(length + k_hour);
      for (int i = 0; i < state_count; ++i) {
        if (probe.at[i]) {
          plan.at[i] = *probe.at[i] + offset;
        }
      }
      natural_verdict(plan, row);
      row.note = "over its allowances (queue, approval, manufacturing), then closed";
      break;
    }
    case Fault::clock_skew: {
      plan.mes_clock_offset_ns = -rng.between(4 * k_min, 8 * k_min);
      // The workshop takes the order minutes after the approval: with MES's slow clock
      // MANUFACTURING_STARTED is stamped before MANUFACTURING_APPROVED.
      plan_forward(rng, plan, random_start(5 * k_day), upload, now, false,
                   rng.between(1 * k_min, 3 * k_min));
      natural_verdict(plan, row);
      row.note = fmt::format("MES clock {} min slow", -plan.mes_clock_offset_ns / k_min);
      break;
    }
    case Fault::sampling_gap: {
      const State last = rng.chance(0.5) ? packaging : shipped;
      plan_backward(rng, plan, last, rng.between(k_hour, allowance(last) - k_hour), upload, now);
      const State missing = rng.chance(0.5) ? started : completed;
      plan.at[missing].reset();
      row.verdict = "INCONSISTENT";
      row.last_state = std::string(k_state_names[last]);
      row.note = fmt::format("{} not sampled while later states exist", k_state_names[missing]);
      break;
    }
    case Fault::duplicate_delivery:
      plan.async_pricing = true;
      plan.sync_retried = false;
      plan.redeliver_pricing = true;
      plan_forward(rng, plan, random_start(3 * k_hour), upload, now, false);
      natural_verdict(plan, row);
      row.note = "orders.submitted redelivered: PRICE_CALCULATED twice";
      break;
    case Fault::abandoned_cart: {
      const State last = upload ? file_uploaded : initiated;
      plan_backward(rng, plan, last, rng.between(7 * k_day + k_hour, 25 * k_day), upload, now);
      row.verdict = "ABANDONED";
      row.last_state = std::string(k_state_names[last]);
      row.note = "never submitted";
      break;
    }
    case Fault::many_traces:
      plan.trace_mode = TraceMode::many_traces;
      plan_forward(rng, plan, random_start(0), upload, now, false);
      natural_verdict(plan, row);
      row.note = "every step and every consumer in its own trace, joined by order.id and links";
      break;
    }
  }

  if (row.note.empty()) {
    row.note = fmt::format(
        "normal pace; {}{} item, {} pricing", plan.type == OrderType::express ? "express " : "",
        upload ? "custom" : "catalogue", plan.async_pricing ? "queued" : "synchronous");
  }
  const auto pick_via = [&](bool rules_allowed) {
    const double v = rng.unit();
    if (rules_allowed) {
      return v < 0.5 ? Via::rule : v < 0.75 ? Via::attribute : Via::event;
    }
    return v < 0.5 ? Via::attribute : Via::event;
  };
  const Via shop_via = pick_via(false);
  const Via crm_via = pick_via(false);
  const Via mes_via = options.mes_rules_only ? Via::rule : pick_via(true);
  const std::string mes_key = rng.chance(0.2) ? "orderId" : "order.id";
  Builder builder(rng, order.spans, row.order_id, plan, shop_via, crm_via, mes_via, mes_key);
  builder.emit();
  return order;
}

std::string manifest_line(const ManifestRow& row) {
  std::string out = "{\"order_id\":";
  append_json_string(out, row.order_id);
  out += ",\"verdict\":";
  append_json_string(out, row.verdict);
  out += ",\"suspect\":";
  if (row.suspect) {
    append_json_string(out, *row.suspect);
  } else {
    out += "null";
  }
  out += ",\"fault\":";
  if (row.fault) {
    append_json_string(out, to_string(*row.fault));
  } else {
    out += "null";
  }
  out += ",\"last_state\":";
  if (row.last_state) {
    append_json_string(out, *row.last_state);
  } else {
    out += "null";
  }
  out += ",\"note\":";
  append_json_string(out, row.note);
  out += ",\"ending\":";
  if (row.ending) {
    append_json_string(out, *row.ending);
  } else {
    out += "null";
  }
  fmt::format_to(std::back_inserter(out), ",\"loops\":{},\"order_type\":", row.loops);
  if (row.order_type) {
    append_json_string(out, *row.order_type);
  } else {
    out += "null";
  }
  out += "}\n";
  return out;
}

namespace {

constexpr std::array<std::string_view, k_service_count> k_service_names = {"shop-web", "shop-api",
                                                                           "crm-api", "mes"};
constexpr std::array<std::string_view, k_service_count> k_service_versions = {"3.14.2", "3.14.2",
                                                                              "2.8.0", "5.2.0"};
constexpr std::array<std::string_view, k_service_count> k_sdk_languages = {"webjs", "python",
                                                                           "java", "dotnet"};
// Instrumentation scope names per service and scope (http, db, client, mq, app).
constexpr std::array<std::array<std::string_view, k_scope_count>, k_service_count> k_scopes = {{
    {"@opentelemetry/instrumentation-fetch", "", "", "", ""},
    {"opentelemetry.instrumentation.fastapi", "opentelemetry.instrumentation.psycopg",
     "opentelemetry.instrumentation.httpx", "opentelemetry.instrumentation.aio_pika",
     "shop.orders"},
    {"io.opentelemetry.spring-webmvc-6.0", "io.opentelemetry.jdbc",
     "io.opentelemetry.java-http-client", "io.opentelemetry.spring-rabbit-1.0", "crm.approvals"},
    {"OpenTelemetry.Instrumentation.AspNetCore", "OpenTelemetry.Instrumentation.SqlClient",
     "System.Net.Http", "RabbitMQ.Client", "Mes.Production"},
}};

void append_attributes(std::string& out, const std::vector<Attribute>& attributes) {
  out += '[';
  bool first = true;
  for (const auto& attribute : attributes) {
    out += first ? "{\"key\":" : ",{\"key\":";
    first = false;
    append_json_string(out, attribute.key);
    switch (attribute.type) {
    case Attribute::Type::string:
      out += ",\"value\":{\"stringValue\":";
      append_json_string(out, attribute.text);
      out += "}}";
      break;
    case Attribute::Type::integer:
      fmt::format_to(std::back_inserter(out), ",\"value\":{{\"intValue\":\"{}\"}}}}",
                     attribute.integer);
      break;
    case Attribute::Type::boolean:
      out += attribute.boolean ? ",\"value\":{\"boolValue\":true}}"
                               : ",\"value\":{\"boolValue\":false}}";
      break;
    case Attribute::Type::real:
      fmt::format_to(std::back_inserter(out), ",\"value\":{{\"doubleValue\":{}}}}}",
                     attribute.text);
      break;
    }
  }
  out += ']';
}

void append_span(std::string& out, const SimSpan& span) {
  const std::int64_t offset = span.clock_offset_ns;
  out += "{\"traceId\":\"";
  out += hex(span.trace.high, 16);
  out += hex(span.trace.low, 16);
  out += "\",\"spanId\":\"";
  out += hex(span.span_id, 16);
  out += '"';
  if (span.parent_id != 0) {
    out += ",\"parentSpanId\":\"";
    out += hex(span.parent_id, 16);
    out += '"';
  }
  out += ",\"name\":";
  append_json_string(out, span.name);
  fmt::format_to(
      std::back_inserter(out),
      ",\"kind\":{},\"startTimeUnixNano\":\"{}\",\"endTimeUnixNano\":\"{}\",\"attributes\":",
      span.kind, span.start_ns + offset, span.end_ns + offset);
  append_attributes(out, span.attributes);
  if (!span.events.empty()) {
    out += ",\"events\":[";
    bool first = true;
    for (const auto& event : span.events) {
      out += first ? "" : ",";
      first = false;
      fmt::format_to(std::back_inserter(out),
                     "{{\"timeUnixNano\":\"{}\",\"name\":", event.time_ns + offset);
      append_json_string(out, event.name);
      out += ",\"attributes\":";
      append_attributes(out, event.attributes);
      out += '}';
    }
    out += ']';
  }
  if (!span.links.empty()) {
    out += ",\"links\":[";
    bool first = true;
    for (const auto& link : span.links) {
      out += first ? "" : ",";
      first = false;
      out += "{\"traceId\":\"" + hex(link.trace.high, 16) + hex(link.trace.low, 16) +
             "\",\"spanId\":\"" + hex(link.span_id, 16) + "\"}";
    }
    out += ']';
  }
  if (span.error) {
    out += ",\"status\":{\"code\":2";
    if (!span.status_message.empty()) {
      out += ",\"message\":";
      append_json_string(out, span.status_message);
    }
    out += "}}";
  } else if (!span.status_message.empty()) {
    out += ",\"status\":{\"message\":";
    append_json_string(out, span.status_message);
    out += "}}";
  } else {
    out += ",\"status\":{}}";
  }
}

} // namespace

void append_resource_spans(const SimOrder& order, std::string& out, bool& first) {
  for (std::size_t service = 0; service < k_service_count; ++service) {
    bool any = false;
    for (const auto& span : order.spans) {
      any = any || static_cast<std::size_t>(span.service) == service;
    }
    if (!any) {
      continue;
    }
    out += first ? "" : ",";
    first = false;
    out += "{\"resource\":{\"attributes\":";
    append_attributes(out, {str("service.name", std::string(k_service_names[service])),
                            str("service.namespace", "jewellery"),
                            str("service.version", std::string(k_service_versions[service])),
                            str("deployment.environment.name", "simulation"),
                            str("telemetry.sdk.language", std::string(k_sdk_languages[service]))});
    out += "},\"scopeSpans\":[";
    bool first_scope = true;
    for (std::size_t scope = 0; scope < k_scope_count; ++scope) {
      bool first_span = true;
      for (const auto& span : order.spans) {
        if (static_cast<std::size_t>(span.service) != service ||
            static_cast<std::size_t>(span.scope) != scope) {
          continue;
        }
        if (first_span) {
          out += first_scope ? "{\"scope\":{\"name\":" : ",{\"scope\":{\"name\":";
          first_scope = false;
          append_json_string(out, k_scopes[service][scope]);
          out += "},\"spans\":[";
        } else {
          out += ',';
        }
        first_span = false;
        append_span(out, span);
      }
      if (!first_span) {
        out += "]}";
      }
    }
    out += "]}";
  }
}

} // namespace ordertrace::sim

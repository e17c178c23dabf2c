#pragma once
// The order-flow simulator: orders of the default lifecycle (shared/spec/lifecycle.md)
// as the shop, CRM, MES and RabbitMQ would trace them, with the faults of the spec
// injected at given rates, and the verdict each order must get (its manifest row).
// Deterministic: an order's spans depend only on the seed, its index and the options.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ordertrace::sim {

// The fault kinds of lifecycle.md, in its order; their ids are the names in --faults.
enum class Fault {
  lost_in_queue,
  consumer_error,
  sync_500,
  stalled_by_people,
  slow_but_fine,
  clock_skew,
  sampling_gap,
  duplicate_delivery,
  abandoned_cart,
  many_traces,
};
inline constexpr std::size_t k_fault_count = 10;
inline constexpr std::array<Fault, k_fault_count> k_all_faults = {
    Fault::lost_in_queue,  Fault::consumer_error, Fault::sync_500,     Fault::stalled_by_people,
    Fault::slow_but_fine,  Fault::clock_skew,     Fault::sampling_gap, Fault::duplicate_delivery,
    Fault::abandoned_cart, Fault::many_traces};
std::string_view to_string(Fault fault) noexcept;
std::optional<Fault> fault_from_string(std::string_view id) noexcept;

struct SimOptions {
  std::size_t orders = 1'000;
  std::uint64_t seed = 1;
  std::int64_t now_ns = 0;
  std::int64_t period_ns = 30LL * 24 * 3'600 * 1'000'000'000; // orders start in [now - period, now)
  std::string id_prefix = "SIM";
  // Share of orders that get each fault (at most one per order; the rates sum to <= 1).
  std::array<double, k_fault_count> fault_rates = {0.02, 0.02, 0.02, 0.03, 0.03,
                                                   0.02, 0.02, 0.02, 0.05, 0.10};
  double silent_stop_rate = 0.03; // stops with no signal at all: STALLED or LOST by time
  double untraced_rate = 0.005;   // never traced (sampled out): NOT_FOUND
  bool mes_rules_only = false;    // MES sets no order.status: only its operation names say it
  // Issue #11's workshop: orders that end otherwise than CLOSED, rework loops, order types.
  // Like the faults, at most one of cancelled / refunded / rework per order.
  double cancelled_rate = 0.03; // cancelled in CRM after SUBMITTED: COMPLETED, ending CANCELLED
  double refunded_rate = 0.01;  // refunded after SHIPPED or CLOSED: COMPLETED, ending REFUNDED
  double rework_rate = 0.05;    // quality control sends the piece back to manufacturing 1-2x
  bool order_types = true;      // order.type on the shop's spans (catalogue, custom, express)
  double express_rate = 0.15;   // share of express orders (tighter allowances)
};

// Parses "lost-in-queue=0.02,sync-500=0.01" onto `rates` (faults not named keep their
// rate). Throws UsageError for an unknown id, a bad number, or rates summing over 1.
void parse_fault_rates(std::string_view text, std::array<double, k_fault_count>& rates);

// What an order must be judged: one manifest line (cli.md, "Simulator manifest").
struct ManifestRow {
  std::string order_id;
  std::string verdict; // as spelled in lifecycle.md
  std::optional<std::string> suspect;
  std::optional<Fault> fault;
  std::optional<std::string> last_state;
  std::string note;
  std::optional<std::string> ending;     // CANCELLED or REFUNDED (COMPLETED by that ending)
  int loops = 0;                         // rework loops (declared back-edges) taken
  std::optional<std::string> order_type; // the order.type the shop set, if any
};
std::string manifest_line(const ManifestRow& row); // one JSON object, with '\n'

struct Attribute {
  enum class Type { string, integer, boolean, real };
  std::string key;
  Type type = Type::string;
  std::string text; // string value, or the JSON number text of a real
  std::int64_t integer = 0;
  bool boolean = false;
};

struct SimEvent {
  std::string name;
  std::int64_t time_ns = 0;
  std::vector<Attribute> attributes;
};

struct TraceKey {
  std::uint64_t high = 0;
  std::uint64_t low = 0;
};

struct SimLink {
  TraceKey trace;
  std::uint64_t span_id = 0;
};

enum class Service { shop_web, shop_api, crm_api, mes };
inline constexpr std::size_t k_service_count = 4;
enum class Scope { http, db, client, mq, app };
inline constexpr std::size_t k_scope_count = 5;

// One span in real time; clock_offset_ns is what the service's clock adds when it is off.
struct SimSpan {
  Service service = Service::shop_api;
  Scope scope = Scope::app;
  std::string name;
  int kind = 1; // OTLP: 1 internal, 2 server, 3 client, 4 producer, 5 consumer
  TraceKey trace;
  std::uint64_t span_id = 0;
  std::uint64_t parent_id = 0; // 0: a root span
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  std::vector<Attribute> attributes;
  std::vector<SimEvent> events;
  std::vector<SimLink> links;
  bool error = false;
  std::string status_message;
  std::int64_t clock_offset_ns = 0;
};

struct SimOrder {
  ManifestRow row;
  std::vector<SimSpan> spans;
};

// Order number `index` (0-based) of a simulation with `options`.
SimOrder simulate_order(const SimOptions& options, std::size_t index);
std::string order_id(const SimOptions& options, std::size_t index);

// Appends the spans of `order` to `out` as OTLP JSON resourceSpans entries (one per
// service), comma-separated; `first` says whether a comma is due before the first one.
void append_resource_spans(const SimOrder& order, std::string& out, bool& first);
inline constexpr std::string_view k_otlp_document_head = "{\"resourceSpans\":[";
inline constexpr std::string_view k_otlp_document_tail = "]}\n";

} // namespace ordertrace::sim

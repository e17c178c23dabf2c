#pragma once
// The lifecycle as data: states, owners, allowances, the tracing contract's keys and
// the mapping rules for services that cannot be changed. Loaded and validated by
// config/lifecycle_file; the engine only reads it.

#include <ordertrace/lifecycle/assessment.hpp>
#include <ordertrace/lifecycle/calendar.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ordertrace::lifecycle {

// Durations are whole nanoseconds, like every time in the model.
using Nanoseconds = std::int64_t;

struct StateDefinition {
  std::string name;     // "SUBMITTED"
  std::string owner;    // service that sets it: "shop-api"
  bool required = true; // optional states may be skipped (FILE_UPLOADED)
  // Time allowed to reach the next state; nullopt on the final state.
  std::optional<Nanoseconds> allowance;
  // Queues (destination names) that carry the transition from this state to the next.
  std::vector<std::string> queues;
  // Name of the business calendar the allowance is counted in (Definition::calendars);
  // nullopt: wall time.
  std::optional<std::string> calendar;
};

// A terminal state besides the final one ("CANCELLED", "REFUNDED"), reachable from any
// state: an order that reaches it is COMPLETED by that ending.
struct EndingDefinition {
  std::string name;
  std::string owner;
};

// A declared rework loop: going back from `from_state` to `to_state` is a loop, not an
// inconsistency (quality control sends a piece back to manufacturing).
struct BackEdge {
  std::string from_state;
  std::string to_state;
};

// Allowances per order type: the value of `attribute` on the order's spans names a set
// whose entries override the states' own allowances (already in calendar units).
struct OrderTypes {
  std::string attribute = "order.type";
  std::map<std::string, std::map<std::string, Nanoseconds>> sets; // type -> state -> allowance
};

// A next-step hint for STALLED and LOST orders; the first that matches wins.
struct Hint {
  std::string id;
  std::vector<Verdict> verdicts; // empty: STALLED and LOST
  // "error", "unconsumed_message", "waiting_message", "none" (no such evidence) or "*".
  std::string evidence = "*";
  std::string state = "*";                 // the last state reached, or "*"
  std::map<std::string, std::string> text; // language -> text with {placeholders}
};

// service + operation-name glob and/or attribute glob -> state. Globs know '*' and '?'.
struct MappingRule {
  std::string service;
  std::optional<std::string> operation; // glob over the span name
  std::optional<std::string> attribute; // key, with attribute_value as its glob
  std::optional<std::string> attribute_value;
  std::string state;
};

// What counts as personal data in traces (lifecycle.md, "Security expectations"): the
// report module's Redactor replaces it with "[redacted]" in everything ordertrace prints
// or stores. Values of attributes whose key matches `deny_keys` are personal data
// wherever they appear; `deny_patterns` (ECMAScript regular expressions) add to the
// built-in detectors of e-mail addresses, phone numbers, card numbers and IBANs.
struct RedactionRules {
  // Globs ('*', '?') over attribute keys, compared ignoring ASCII case.
  std::vector<std::string> deny_keys = {
      "customer.*",  "user.*",     "enduser.*",   "*email*",      "*e-mail*",      "*phone*",
      "*mobile*",    "name",       "*full_name*", "*fullname*",   "*first_name*",  "*firstname*",
      "*last_name*", "*lastname*", "*surname*",   "*given_name*", "*family_name*", "address",
      "*street*",    "*postal*",   "*postcode*",  "*zip_code*",   "*zipcode*",     "card",
      "*card.*",     "*card_*",    "*iban*",      "*passport*",   "*birth*",       "billing.*",
      "shipping.*",  "delivery.*", "recipient.*"};
  std::vector<std::string> deny_patterns;
};

struct Definition {
  std::string name = "default";
  std::vector<StateDefinition> states; // in lifecycle order; the last is the final state
  // Before this state a stop is an abandoned cart, not a lost order.
  std::string commitment_state = "SUBMITTED";
  std::vector<std::string> order_id_keys = {"order.id", "order_id", "orderId", "app.order.id"};
  std::string status_attribute = "order.status";
  std::string status_event = "order.status_changed";
  std::vector<MappingRule> rules;
  double lost_factor = 3.0; // LOST by time at lost_factor x allowance
  // peer.service / server.address / net.peer.name / URL host -> service name.
  std::map<std::string, std::string> addresses;
  // Services to search when a search needs a service name (defaults to the owners).
  std::vector<std::string> services;
  // Personal data to keep out of every output (the "redaction" object of the file).
  RedactionRules redaction;
  // Terminal states besides the final one.
  std::vector<EndingDefinition> endings;
  std::vector<BackEdge> back_edges;
  OrderTypes order_types;
  // Business calendars by name; states refer to them by StateDefinition::calendar.
  std::map<std::string, Calendar> calendars;
  std::vector<Hint> hints;

  // Index of the state with that name, or nullopt.
  std::optional<std::size_t> index_of(std::string_view state) const;
  // Index of the ending with that name, or nullopt.
  std::optional<std::size_t> ending_index_of(std::string_view ending) const;
  // True when going back from `from_state` to `to_state` is a declared back-edge.
  bool is_back_edge(std::string_view from_state, std::string_view to_state) const;
  // The calendar a state's allowance is counted in, or nullptr for wall time.
  const Calendar* calendar_of(std::size_t state) const;
};

} // namespace ordertrace::lifecycle

#pragma once
// Keeps personal data out of everything ordertrace prints or stores (lifecycle.md,
// "Security expectations": staff work with identifiers). Two lines of defence:
//
// 1. Attributes are never output as such. The renderers print only the fields of an
//    Assessment; the only attribute values those carry are the identifiers and routing
//    data of k_output_attributes. Everything else a report shows is free text taken from
//    the traces (span names, status and exception messages) or built from it (reasons,
//    details, warnings), and that is what a Redactor cleans.
// 2. A Redactor replaces personal data in free text with "[redacted]": values of the
//    attributes whose keys the lifecycle's deny-list names (learned from the order's
//    spans, so a customer's name in an exception message is caught too), "key=value"
//    pairs under such keys, e-mail addresses, phone numbers, card numbers (Luhn-checked),
//    IBANs (checksum-checked) and the lifecycle's extra patterns.
//
// The renderers apply the redactor of their RenderOptions (a default one when none is
// given) to a copy of the assessment, so no output format can skip it.

#include <ordertrace/lifecycle/assessment.hpp>
#include <ordertrace/lifecycle/definition.hpp>
#include <ordertrace/model/span.hpp>

#include <array>
#include <regex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ordertrace::report {

// What replaces personal data.
inline constexpr std::string_view k_redacted = "[redacted]";

// The attributes whose values ordertrace may output (in reports, enriched tickets and
// ticket blocks): order ids, service, operation, queue and HTTP status. Trace and span
// ids are not attributes and are always output. Keys the lifecycle names as order id
// keys are allowed too (see may_output_attribute).
inline constexpr std::array<std::string_view, 16> k_output_attributes = {
    "order.id",
    "order_id",
    "orderId",
    "app.order.id",
    "order.status",
    "service.name",
    "peer.service",
    "messaging.system",
    "messaging.destination.name",
    "messaging.destination",
    "messaging.rabbitmq.destination.routing_key",
    "messaging.rabbitmq.routing_key",
    "messaging.operation",
    "messaging.operation.type",
    "http.response.status_code",
    "http.status_code",
};

// Whether the value of attribute `key` may be output: it is in k_output_attributes or is
// one of `definition`'s order id keys or its status attribute.
bool may_output_attribute(std::string_view key, const lifecycle::Definition& definition);

class Redactor {
public:
  // The built-in detectors plus `rules` (deny-listed keys and extra patterns). Throws
  // InputError naming the pattern when one of rules.deny_patterns is not a valid
  // ECMAScript regular expression (config/ rejects those at load time already).
  explicit Redactor(const lifecycle::RedactionRules& rules = {});

  // Whether attribute `key` is deny-listed (a glob of the rules matches it, ignoring
  // ASCII case).
  bool denies_key(std::string_view key) const;

  // Remembers the values of deny-listed attributes found in `spans` (on spans, events,
  // links and resources), so that redact() replaces them wherever they turn up in free
  // text. Attributes that may be output (`definition`) are never learned. Values shorter
  // than 3 characters are not learned: they would blank out ordinary words.
  void learn(std::span<const model::Span> spans, const lifecycle::Definition& definition);

  // `text` with every piece of personal data replaced by k_redacted.
  std::string redact(std::string_view text) const;

  // Redacts every free-text field of `assessment` in place: reason, warnings, evidence
  // messages, details and queues, and every operation name. Identifiers (order id, trace
  // and span ids), state names and service names are left as they are.
  void redact(lifecycle::Assessment& assessment) const;

  // Redacts `span` in place for storage: the values of deny-listed attributes (span,
  // events, links, resource) become k_redacted, other string values that may not be
  // output, the status message and the operation name go through redact(text).
  // Attributes that may be output are kept as they are, so the lifecycle still works on
  // the stored span.
  void redact(model::Span& span, const lifecycle::Definition& definition) const;

private:
  struct Range {
    std::size_t begin = 0;
    std::size_t end = 0;
  };
  void known_value_ranges(std::string_view text, std::vector<Range>& ranges) const;
  void key_value_ranges(std::string_view text, std::vector<Range>& ranges) const;
  void pattern_ranges(std::string_view text, std::vector<Range>& ranges) const;
  // Keys repeat across spans: `personal_keys` memoises, per key, whether its values are
  // personal data (deny-listed and not one the lifecycle may print).
  void remember(const model::Attributes& attributes, const lifecycle::Definition& definition,
                std::unordered_map<std::string, bool>& personal_keys);
  void redact_attributes(model::Attributes& attributes,
                         const lifecycle::Definition& definition) const;

  std::vector<std::string> m_deny_keys;    // lowercase globs
  std::vector<std::regex> m_patterns;      // the rules' extra patterns
  std::vector<std::string> m_known;        // learned values, lowercase, longest first
  std::vector<std::string> m_known_digits; // learned numbers, digits only
};

// The redactor renderers use when RenderOptions names none: the built-in detectors and
// the default deny-list, nothing learned.
const Redactor& default_redactor();

} // namespace ordertrace::report

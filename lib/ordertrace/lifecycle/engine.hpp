#pragma once
// The pure core: spans in, one Assessment out. Never sees JSON, HTTP or SQL, never
// reads the clock ("now" is an argument), so the same input always gives the same answer.

#include <ordertrace/lifecycle/assessment.hpp>
#include <ordertrace/lifecycle/definition.hpp>
#include <ordertrace/model/span.hpp>

#include <span>
#include <string>
#include <vector>

namespace ordertrace::lifecycle {

struct AssessOptions {
  // Services whose search failed: their spans may be missing, so no LOST verdict is drawn
  // from the absence of a state or a consumer in them (an observed error still counts).
  std::vector<std::string> unsearched_services;
};

// Judges `order_id` from `spans`: every span of every trace that may concern the order
// (traces that carry the id and the traces linked to or from them). Spans of other
// orders are ignored by the inheritance rules of lifecycle.md.
Assessment assess(const Definition& definition, std::span<const model::Span> spans,
                  const std::string& order_id, std::int64_t now_ns,
                  const AssessOptions& options = {});

} // namespace ordertrace::lifecycle

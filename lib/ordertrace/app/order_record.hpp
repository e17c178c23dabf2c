#pragma once
// What `show` and `enrich` store in the order cache for a judged order, built one way.

#include <ordertrace/cache/cache.hpp>
#include <ordertrace/lifecycle/assessment.hpp>
#include <ordertrace/lifecycle/definition.hpp>
#include <ordertrace/model/span.hpp>
#include <ordertrace/report/redaction.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ordertrace::app {

// The record to store: the verdict summary as plain fields, and the order's spans grouped
// by trace, redacted with `redactor` (personal data never reaches the file). `fetched_at`
// says when each trace was last read from Jaeger (absent: now).
cache::OrderRecord order_record(const std::string& jaeger_key,
                                const lifecycle::Assessment& assessment,
                                const std::vector<model::Span>& spans,
                                const std::map<model::TraceId, std::int64_t>& fetched_at,
                                std::vector<cache::ServiceSearch> searches,
                                const report::Redactor& redactor,
                                const lifecycle::Definition& definition, std::int64_t now_ns);

// Every span of a stored record, trace after trace.
std::vector<model::Span> spans_of(const cache::OrderRecord& record);

} // namespace ordertrace::app

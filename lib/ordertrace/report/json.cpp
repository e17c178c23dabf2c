// The JSON renderer. Field names are the contract documented in the README: snake_case,
// times RFC 3339 UTC with 'Z', durations in seconds, absent values as explicit nulls.

#include <ordertrace/report/render.hpp>
#include <ordertrace/util/time.hpp>

#include <nlohmann/json.hpp>

namespace ordertrace::report {
namespace {

using Json = nlohmann::ordered_json;

Json text_or_null(const std::string& text) {
  return text.empty() ? Json(nullptr) : Json(text);
}

Json time_or_null(std::optional<std::int64_t> time_ns) {
  return time_ns ? Json(util::format_rfc3339(*time_ns)) : Json(nullptr);
}

// Whole seconds as integers, anything finer as a fraction.
Json seconds(std::int64_t duration_ns) {
  if (duration_ns % util::k_ns_per_second == 0) {
    return Json(duration_ns / util::k_ns_per_second);
  }
  return Json(static_cast<double>(duration_ns) / static_cast<double>(util::k_ns_per_second));
}

Json seconds_or_null(std::optional<std::int64_t> duration_ns) {
  return duration_ns ? seconds(*duration_ns) : Json(nullptr);
}

Json trace_id_or_null(const model::TraceId& id) {
  return id.empty() ? Json(nullptr) : Json(id.hex());
}

Json span_id_or_null(const model::SpanId& id) {
  return id.empty() ? Json(nullptr) : Json(id.hex());
}

Json url_or_null(const RenderOptions& options, const model::TraceId& id) {
  return id.empty() ? Json(nullptr) : Json(jaeger_trace_url(options.ui_url, id));
}

const lifecycle::Transition* find_transition(const lifecycle::Assessment& assessment,
                                             const std::string& state) {
  for (const auto& transition : assessment.timeline) {
    if (transition.state == state) {
      return &transition;
    }
  }
  return nullptr;
}

Json last_state(const lifecycle::Assessment& a) {
  if (!a.last_state) {
    return nullptr;
  }
  const lifecycle::Transition* transition = find_transition(a, *a.last_state);
  // After a rework loop the order stands at a later pass of the state (assessment.hpp).
  if (transition && a.last_state_time_ns &&
      transition->corrected_time_ns != *a.last_state_time_ns) {
    for (const auto& repeat : a.repeats) {
      if (repeat.state == *a.last_state && repeat.corrected_time_ns == *a.last_state_time_ns) {
        transition = &repeat;
        break;
      }
    }
  }
  Json out;
  out["state"] = *a.last_state;
  out["time"] = time_or_null(
      a.last_state_time_ns ? a.last_state_time_ns
                           : (transition ? std::optional(transition->time_ns) : std::nullopt));
  out["service"] = transition ? text_or_null(transition->span.service) : Json(nullptr);
  out["operation"] = transition ? text_or_null(transition->span.operation) : Json(nullptr);
  out["trace_id"] = transition ? trace_id_or_null(transition->span.trace_id) : Json(nullptr);
  out["span_id"] = transition ? span_id_or_null(transition->span.span_id) : Json(nullptr);
  return out;
}

Json expected_next_state(const lifecycle::Assessment& a) {
  if (!a.expected_next_state) {
    return nullptr;
  }
  Json out;
  out["state"] = *a.expected_next_state;
  out["owner"] = a.expected_owner ? Json(*a.expected_owner) : Json(nullptr);
  out["allowance_seconds"] = seconds_or_null(a.allowance_ns);
  out["deadline"] = time_or_null(a.deadline_ns);
  return out;
}

Json timeline(const lifecycle::Assessment& a, const RenderOptions& options) {
  Json out = Json::array();
  for (const auto& t : a.timeline) {
    Json entry;
    entry["state"] = t.state;
    entry["time"] = util::format_rfc3339(t.time_ns);
    entry["corrected_time"] = util::format_rfc3339(t.corrected_time_ns);
    entry["source"] = std::string(lifecycle::to_string(t.source));
    entry["service"] = text_or_null(t.span.service);
    entry["operation"] = text_or_null(t.span.operation);
    entry["trace_id"] = trace_id_or_null(t.span.trace_id);
    entry["span_id"] = span_id_or_null(t.span.span_id);
    entry["repeats"] = t.repeats;
    entry["jaeger_url"] = url_or_null(options, t.span.trace_id);
    out.push_back(std::move(entry));
  }
  return out;
}

Json stages(const lifecycle::Assessment& a) {
  Json out = Json::array();
  for (const auto& s : a.stages) {
    Json entry;
    entry["from"] = s.from_state;
    entry["to"] = s.to_state;
    entry["duration_seconds"] = seconds(s.duration_ns);
    entry["allowance_seconds"] = seconds_or_null(s.allowance_ns);
    entry["over_allowance"] = s.over_allowance;
    out.push_back(std::move(entry));
  }
  return out;
}

Json evidence(const lifecycle::Assessment& a, const RenderOptions& options) {
  Json out = Json::array();
  for (const auto& e : a.evidence) {
    Json entry;
    entry["kind"] = std::string(lifecycle::to_string(e.kind));
    entry["service"] = text_or_null(e.span.service);
    entry["operation"] = text_or_null(e.span.operation);
    entry["trace_id"] = trace_id_or_null(e.span.trace_id);
    entry["span_id"] = span_id_or_null(e.span.span_id);
    entry["time"] =
        e.span.time_ns != 0 ? Json(util::format_rfc3339(e.span.time_ns)) : Json(nullptr);
    entry["message"] = text_or_null(e.message);
    entry["queue"] = text_or_null(e.queue);
    entry["http_status"] = e.http_status ? Json(*e.http_status) : Json(nullptr);
    entry["detail"] = text_or_null(e.detail);
    entry["jaeger_url"] = url_or_null(options, e.span.trace_id);
    out.push_back(std::move(entry));
  }
  return out;
}

Json string_or_null(const std::optional<std::string>& text) {
  return text ? Json(*text) : Json(nullptr);
}

Json loops(const lifecycle::Assessment& a) {
  Json out = Json::array();
  for (const auto& loop : a.loops) {
    out.push_back({{"from", loop.from_state}, {"to", loop.to_state}, {"count", loop.count}});
  }
  return out;
}

// Replaces every "{name}" with `value`.
std::string fill(std::string text, std::string_view name, const std::string& value) {
  const std::string placeholder = "{" + std::string(name) + "}";
  for (std::size_t at = text.find(placeholder); at != std::string::npos;
       at = text.find(placeholder, at + value.size())) {
    text.replace(at, placeholder.size(), value);
  }
  return text;
}

// The hint's English text with {since} and {deadline} as RFC 3339 UTC, as JSON stays.
Json next_step(const lifecycle::Assessment& a) {
  if (!a.next_step) {
    return nullptr;
  }
  const auto english = a.next_step->text.find("en");
  std::string text = english == a.next_step->text.end() ? "" : english->second;
  text =
      fill(text, "since", a.last_state_time_ns ? util::format_rfc3339(*a.last_state_time_ns) : "-");
  text = fill(text, "deadline", a.deadline_ns ? util::format_rfc3339(*a.deadline_ns) : "-");
  return {{"hint", a.next_step->hint}, {"text", text}};
}

Json to_json(const lifecycle::Assessment& unfiltered, const RenderOptions& options) {
  const lifecycle::Assessment a = redacted(unfiltered, options);
  const bool seen = !a.traces.empty() || a.first_seen_ns != 0 || a.last_seen_ns != 0;
  Json out;
  out["order_id"] = a.order_id;
  out["verdict"] = std::string(lifecycle::to_string(a.verdict));
  out["reason"] = a.reason;
  out["suspect"] = a.suspect ? Json(*a.suspect) : Json(nullptr);
  out["last_state"] = last_state(a);
  out["expected_next_state"] = expected_next_state(a);
  out["waiting_seconds"] = seconds_or_null(a.waiting_ns);
  out["timeline"] = timeline(a, options);
  out["stages"] = stages(a);
  out["missing_states"] = a.missing_states;
  out["evidence"] = evidence(a, options);
  out["warnings"] = a.warnings;
  Json traces = Json::array();
  for (const auto& id : a.traces) {
    traces.push_back(
        {{"trace_id", id.hex()}, {"jaeger_url", jaeger_trace_url(options.ui_url, id)}});
  }
  out["traces"] = std::move(traces);
  out["first_seen"] = seen ? Json(util::format_rfc3339(a.first_seen_ns)) : Json(nullptr);
  out["last_seen"] = seen ? Json(util::format_rfc3339(a.last_seen_ns)) : Json(nullptr);
  out["now"] = util::format_rfc3339(a.now_ns);
  out["lifecycle"] = text_or_null(options.lifecycle_name);
  out["ending"] = string_or_null(a.ending);
  out["loops"] = loops(a);
  out["order_type"] = string_or_null(a.order_type);
  out["allowance_set"] = string_or_null(a.allowance_set);
  out["calendar"] = string_or_null(a.calendar);
  out["not_found_reason"] = string_or_null(a.not_found_reason);
  out["next_step"] = next_step(a);
  out["schema_version"] = k_json_schema_version;
  return out;
}

void write(std::ostream& out, const Json& json) {
  // Text from traces is valid UTF-8 after decoding; replace rather than throw if not.
  out << json.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

} // namespace

void render_json(std::ostream& out, const lifecycle::Assessment& assessment,
                 const RenderOptions& options) {
  write(out, to_json(assessment, options));
}

void render_json(std::ostream& out, std::span<const lifecycle::Assessment> assessments,
                 const RenderOptions& options) {
  Json array = Json::array();
  for (const auto& assessment : assessments) {
    array.push_back(to_json(assessment, options));
  }
  write(out, array);
}

} // namespace ordertrace::report

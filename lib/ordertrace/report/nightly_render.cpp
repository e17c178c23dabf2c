// Text, JSON, CSV and Markdown renderers of the nightly report, and its Prometheus
// metrics. They format a NightlyReport that render_nightly has already redacted.

#include <ordertrace/report/nightly.hpp>
#include <ordertrace/report/redaction.hpp>
#include <ordertrace/report/render.hpp>
#include <ordertrace/report/text_layout.hpp>
#include <ordertrace/util/time.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

namespace ordertrace::report {
namespace {

using Json = nlohmann::ordered_json;

std::string duration_text(std::int64_t ns) {
  return util::format_duration(ns);
}

std::string optional_duration(const std::optional<std::int64_t>& ns) {
  return ns ? util::format_duration(*ns) : std::string("-");
}

Json seconds(std::int64_t ns) {
  if (ns % util::k_ns_per_second == 0) {
    return Json(ns / util::k_ns_per_second);
  }
  return Json(static_cast<double>(ns) / static_cast<double>(util::k_ns_per_second));
}

Json summary_json(const DurationSummary& s) {
  return Json{{"count", s.count},
              {"p50_seconds", seconds(s.p50_ns)},
              {"p95_seconds", seconds(s.p95_ns)},
              {"p99_seconds", seconds(s.p99_ns)},
              {"max_seconds", seconds(s.max_ns)}};
}

// The first piece of evidence worth a line: an error or a message, else the first.
const lifecycle::Evidence* key_evidence(const lifecycle::Assessment& order) {
  for (const auto& evidence : order.evidence) {
    if (evidence.kind == lifecycle::Evidence::Kind::error ||
        evidence.kind == lifecycle::Evidence::Kind::unconsumed_message ||
        evidence.kind == lifecycle::Evidence::Kind::waiting_message) {
      return &evidence;
    }
  }
  return order.evidence.empty() ? nullptr : &order.evidence.front();
}

std::string first_trace_url(const lifecycle::Assessment& order, const NightlyRenderOptions& opts) {
  if (const auto* evidence = key_evidence(order); evidence && !evidence->span.trace_id.empty()) {
    return jaeger_trace_url(opts.ui_url, evidence->span.trace_id);
  }
  return order.traces.empty() ? std::string() : jaeger_trace_url(opts.ui_url, order.traces.front());
}

std::string window_text(const NightlyReport& r) {
  return util::format_rfc3339(r.from_ns) + " .. " + util::format_rfc3339(r.until_ns);
}

// ---- text ------------------------------------------------------------------------------

std::string cell(std::string_view text, std::size_t width) {
  return detail::pad(detail::truncate(detail::sanitize(text), width), width);
}

void text_groups(std::ostream& out, const char* title, const std::vector<ProblemGroup>& groups) {
  if (groups.empty()) {
    return;
  }
  out << '\n' << title << '\n';
  for (const auto& group : groups) {
    out << "  " << cell(group.key, 44)
        << fmt::format(" lost {:>4}  stalled {:>4}\n", group.lost, group.stalled);
  }
}

} // namespace

void render_nightly_text(std::ostream& out, const NightlyReport& r,
                         const NightlyRenderOptions& options) {
  out << "ordertrace nightly report  " << window_text(r) << '\n';
  out << "now " << util::format_rfc3339(r.now_ns) << ", lifecycle " << r.lifecycle_name << '\n';
  out << "source: " << detail::sanitize(r.source) << '\n';
  out << "allowances: " << to_string(r.allowances.used) << " (" << r.allowances.note << ")\n";
  out << fmt::format("\n{} orders active in the window, {} spans\n", r.orders, r.spans);
  out << "\nVerdicts\n";
  for (const auto& [verdict, count] : r.verdicts) {
    out << "  " << cell(lifecycle::to_string(verdict), 14) << fmt::format("{:>6}\n", count);
  }

  out << "\nFunnel (orders that reached each state)\n";
  const std::size_t top = std::max<std::size_t>(
      1, r.funnel.empty()
             ? 1
             : std::max_element(r.funnel.begin(), r.funnel.end(), [](const auto& a, const auto& b) {
                 return a.reached < b.reached;
               })->reached);
  for (const auto& step : r.funnel) {
    out << "  " << cell(step.state, 24) << fmt::format("{:>6}  ", step.reached)
        << std::string(step.reached * 30 / top, '#') << '\n';
  }

  out << "\nTransitions                                          count     p50     p95     p99  "
         "allowed  over\n";
  for (const auto& t : r.transitions) {
    out << "  " << cell(t.from_state + " -> " + t.to_state, 50)
        << fmt::format(" {:>5} {:>7} {:>7} {:>7} {:>8} {:>5}\n", t.durations.count,
                       duration_text(t.durations.p50_ns), duration_text(t.durations.p95_ns),
                       duration_text(t.durations.p99_ns), optional_duration(t.allowance_ns),
                       t.over_allowance);
  }

  out << fmt::format("\nLost orders: {}, stalled orders: {}\n", r.count(lifecycle::Verdict::lost),
                     r.count(lifecycle::Verdict::stalled));
  text_groups(out, "By the state they stopped in", r.by_state);
  text_groups(out, "By suspect service / queue", r.by_suspect);
  for (const auto& order : r.problems) {
    out << '\n'
        << lifecycle::to_string(order.verdict) << "  " << detail::sanitize(order.order_id)
        << "  suspect " << order.suspect.value_or("-") << '\n';
    out << "  stopped at " << order.last_state.value_or("-");
    if (order.last_state_time_ns) {
      out << " (" << util::format_rfc3339(*order.last_state_time_ns) << ")";
    }
    out << ", waiting " << optional_duration(order.waiting_ns) << " for "
        << order.expected_next_state.value_or("-") << " (allowed "
        << optional_duration(order.allowance_ns) << ")\n";
    for (const auto& line : detail::wrap(detail::sanitize(order.reason), 76)) {
      out << "  " << line << '\n';
    }
    if (const auto* evidence = key_evidence(order)) {
      out << "  evidence: " << to_string(evidence->kind) << " " << evidence->span.service << " "
          << detail::truncate(detail::sanitize(evidence->span.operation), 40);
      if (!evidence->queue.empty()) {
        out << " queue " << detail::sanitize(evidence->queue);
      }
      if (evidence->http_status) {
        out << " HTTP " << *evidence->http_status;
      }
      if (!evidence->message.empty()) {
        out << ": " << detail::truncate(detail::sanitize(evidence->message), 60);
      }
      out << '\n';
      if (!evidence->span.trace_id.empty()) {
        out << "  trace " << evidence->span.trace_id.hex() << " span "
            << evidence->span.span_id.hex() << '\n';
      }
    }
    if (const std::string url = first_trace_url(order, options); !url.empty()) {
      out << "  " << url << '\n';
    }
  }

  const auto& b = r.business;
  out << "\nBusiness figures\n";
  out << fmt::format("  completed orders: {} ({} closed in the window)\n", b.completed_orders,
                     b.closed_in_window);
  if (b.mes_file_processing) {
    out << fmt::format("  {} file processing (pricing): n={} p50 {} p95 {} p99 {}\n", b.mes_service,
                       b.mes_file_processing->count, duration_text(b.mes_file_processing->p50_ns),
                       duration_text(b.mes_file_processing->p95_ns),
                       duration_text(b.mes_file_processing->p99_ns));
  }
  out << "  HTTP 5xx by service and operation:" << (b.http_5xx.empty() ? " none\n" : "\n");
  for (const auto& item : b.http_5xx) {
    out << "    " << cell(item.service, 12) << ' ' << cell(item.operation, 48)
        << fmt::format(" {:>5}\n", item.count);
  }
  out << "  Latency of entry operations:" << (b.entry_latency.empty() ? " none\n" : "\n");
  for (const auto& item : b.entry_latency) {
    out << "    " << cell(item.service, 12) << ' ' << cell(item.operation, 38)
        << fmt::format(" n={:<5} p50 {:>6} p95 {:>6} p99 {:>6}\n", item.durations.count,
                       duration_text(item.durations.p50_ns), duration_text(item.durations.p95_ns),
                       duration_text(item.durations.p99_ns));
  }
  if (r.discovery) {
    const auto& d = *r.discovery;
    out << fmt::format("\nJaeger ({}): {} searches, {} windows split, {} linked traces, {} "
                       "HTTP requests, {} traces\n",
                       d.route, d.searches, d.windows_split, d.linked_fetched, d.http_requests,
                       d.traces);
  }
  if (!r.warnings.empty()) {
    out << "\nWarnings\n";
    for (const auto& warning : r.warnings) {
      out << "  - " << detail::truncate(detail::sanitize(warning), 200) << '\n';
    }
  }
}

// ---- JSON ------------------------------------------------------------------------------

namespace {

Json groups_json(const std::vector<ProblemGroup>& groups, const NightlyReport& r) {
  Json out = Json::array();
  for (const auto& group : groups) {
    Json ids = Json::array();
    for (std::size_t index : group.orders) {
      ids.push_back(r.problems[index].order_id);
    }
    out.push_back(Json{
        {"key", group.key}, {"lost", group.lost}, {"stalled", group.stalled}, {"orders", ids}});
  }
  return out;
}

Json operations_json(const std::vector<OperationDurations>& items, const char* name) {
  Json out = Json::array();
  for (const auto& item : items) {
    Json entry{{"service", item.service}, {name, item.operation}};
    entry.update(summary_json(item.durations));
    out.push_back(std::move(entry));
  }
  return out;
}

} // namespace

void render_nightly_json(std::ostream& out, const NightlyReport& r,
                         const NightlyRenderOptions& options) {
  Json json;
  json["report"] = "nightly";
  json["schema_version"] = k_json_schema_version;
  json["from"] = util::format_rfc3339(r.from_ns);
  json["until"] = util::format_rfc3339(r.until_ns);
  json["now"] = util::format_rfc3339(r.now_ns);
  json["source"] = r.source;
  json["lifecycle"] = r.lifecycle_name;
  Json allowances{{"requested", to_string(r.allowances.requested)},
                  {"used", to_string(r.allowances.used)},
                  {"note", r.allowances.note}};
  Json learned = Json::object();
  for (const auto& [state, ns] : r.allowances.learned) {
    learned[state] = seconds(ns);
  }
  allowances["learned_seconds"] = learned;
  json["allowances"] = allowances;
  json["orders"] = r.orders;
  json["spans"] = r.spans;
  Json verdicts = Json::object();
  for (const auto& [verdict, count] : r.verdicts) {
    verdicts[std::string(lifecycle::to_string(verdict))] = count;
  }
  json["verdicts"] = verdicts;
  Json funnel = Json::array();
  for (const auto& step : r.funnel) {
    funnel.push_back(Json{{"state", step.state}, {"reached", step.reached}});
  }
  json["funnel"] = funnel;
  Json transitions = Json::array();
  for (const auto& t : r.transitions) {
    Json entry{{"from_state", t.from_state}, {"to_state", t.to_state}};
    entry.update(summary_json(t.durations));
    entry["allowance_seconds"] = t.allowance_ns ? seconds(*t.allowance_ns) : Json(nullptr);
    entry["over_allowance"] = t.over_allowance;
    transitions.push_back(std::move(entry));
  }
  json["transitions"] = transitions;

  // The orders as `show --format json` prints them, so scripts read one shape.
  RenderOptions order_options;
  order_options.ui_url = options.ui_url.empty() ? std::string(k_default_ui_url) : options.ui_url;
  order_options.lifecycle_name = r.lifecycle_name;
  order_options.redactor = options.redactor;
  Json problems = Json::array();
  for (const auto& order : r.problems) {
    std::ostringstream one;
    render_json(one, order, order_options);
    problems.push_back(Json::parse(one.str()));
  }
  json["problems"] = problems;
  Json all = Json::array();
  for (const auto& line : r.all_orders) {
    all.push_back(Json{{"order_id", line.order_id},
                       {"verdict", lifecycle::to_string(line.verdict)},
                       {"suspect", line.suspect ? Json(*line.suspect) : Json(nullptr)},
                       {"last_state", line.last_state ? Json(*line.last_state) : Json(nullptr)}});
  }
  json["all_orders"] = all;
  json["problems_by_state"] = groups_json(r.by_state, r);
  json["problems_by_suspect"] = groups_json(r.by_suspect, r);

  const auto& b = r.business;
  Json business;
  business["completed_orders"] = b.completed_orders;
  business["closed_in_window"] = b.closed_in_window;
  Json errors = Json::array();
  for (const auto& item : b.http_5xx) {
    errors.push_back(
        Json{{"service", item.service}, {"operation", item.operation}, {"count", item.count}});
  }
  business["http_5xx"] = errors;
  business["entry_latency"] = operations_json(b.entry_latency, "operation");
  business["processing_by_state"] = operations_json(b.processing, "state");
  business["file_processing_service"] = b.mes_service;
  business["file_processing"] =
      b.mes_file_processing ? summary_json(*b.mes_file_processing) : Json(nullptr);
  json["business"] = business;
  if (r.discovery) {
    const auto& d = *r.discovery;
    json["discovery"] = Json{{"route", d.route},
                             {"searches", d.searches},
                             {"windows_split", d.windows_split},
                             {"linked_traces_fetched", d.linked_fetched},
                             {"http_requests", d.http_requests},
                             {"traces", d.traces}};
  } else {
    json["discovery"] = nullptr;
  }
  json["warnings"] = r.warnings;
  out << json.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

// ---- CSV -------------------------------------------------------------------------------

namespace {

// RFC 4180 quoting; a leading = + - @ is prefixed with ' so that a spreadsheet does not
// run trace text as a formula.
std::string csv(std::string_view raw) {
  std::string text = detail::sanitize(raw);
  if (!text.empty() && std::string_view("=+-@").find(text.front()) != std::string_view::npos) {
    text.insert(text.begin(), '\'');
  }
  if (text.find_first_of(",\"\n\r") == std::string::npos) {
    return text;
  }
  std::string out = "\"";
  for (char c : text) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  return out + "\"";
}

std::string csv_seconds(const std::optional<std::int64_t>& ns) {
  return ns ? fmt::format("{}", static_cast<double>(*ns) / 1e9) : std::string();
}

} // namespace

// One row per lost or stalled order, for a spreadsheet or a ticket import.
void render_nightly_csv(std::ostream& out, const NightlyReport& r,
                        const NightlyRenderOptions& options) {
  out << "order_id,verdict,suspect,last_state,last_state_time,expected_next_state,"
         "waiting_seconds,allowance_seconds,evidence_kind,service,operation,queue,http_status,"
         "error,trace_id,span_id,jaeger_url\n";
  for (const auto& order : r.problems) {
    const auto* evidence = key_evidence(order);
    out << csv(order.order_id) << ',' << lifecycle::to_string(order.verdict) << ','
        << csv(order.suspect.value_or("")) << ',' << csv(order.last_state.value_or("")) << ','
        << (order.last_state_time_ns ? util::format_rfc3339(*order.last_state_time_ns) : "") << ','
        << csv(order.expected_next_state.value_or("")) << ',' << csv_seconds(order.waiting_ns)
        << ',' << csv_seconds(order.allowance_ns) << ',';
    if (evidence != nullptr) {
      out << to_string(evidence->kind) << ',' << csv(evidence->span.service) << ','
          << csv(evidence->span.operation) << ',' << csv(evidence->queue) << ','
          << (evidence->http_status ? std::to_string(*evidence->http_status) : "") << ','
          << csv(evidence->message) << ','
          << (evidence->span.trace_id.empty() ? "" : evidence->span.trace_id.hex()) << ','
          << (evidence->span.span_id.empty() ? "" : evidence->span.span_id.hex()) << ',';
    } else {
      out << ",,,,,,,,";
    }
    out << csv(first_trace_url(order, options)) << '\n';
  }
}

// ---- Markdown --------------------------------------------------------------------------

namespace {

std::string md(std::string_view raw) {
  const std::string clean = detail::sanitize(raw);
  std::string out;
  for (char c : clean) {
    if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
      continue;
    }
    if (std::string_view("\\`*_[]<>|#~!").find(c) != std::string_view::npos) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

} // namespace

void render_nightly_markdown(std::ostream& out, const NightlyReport& r,
                             const NightlyRenderOptions& options) {
  out << "# Nightly order report\n\n";
  out << "Window " << window_text(r) << ", judged at " << util::format_rfc3339(r.now_ns)
      << ", lifecycle " << md(r.lifecycle_name) << ".  \n";
  out << "Allowances: **" << to_string(r.allowances.used) << "** (" << md(r.allowances.note)
      << ").\n\n";
  out << "## Verdicts\n\n| verdict | orders |\n|---|---:|\n";
  for (const auto& [verdict, count] : r.verdicts) {
    out << "| " << md(lifecycle::to_string(verdict)) << " | " << count << " |\n";
  }
  out << "\n## Funnel\n\n| state | orders reached |\n|---|---:|\n";
  for (const auto& step : r.funnel) {
    out << "| " << md(step.state) << " | " << step.reached << " |\n";
  }
  out << "\n## Transitions\n\n| from | to | count | p50 | p95 | p99 | allowed | over |\n"
         "|---|---|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& t : r.transitions) {
    out << "| " << md(t.from_state) << " | " << md(t.to_state) << " | " << t.durations.count
        << " | " << duration_text(t.durations.p50_ns) << " | " << duration_text(t.durations.p95_ns)
        << " | " << duration_text(t.durations.p99_ns) << " | " << optional_duration(t.allowance_ns)
        << " | " << t.over_allowance << " |\n";
  }
  out << "\n## Lost and stalled orders\n\n";
  for (const auto* groups : {&r.by_state, &r.by_suspect}) {
    out << (groups == &r.by_state ? "By state stopped in:" : "By suspect:") << "\n\n";
    for (const auto& group : *groups) {
      out << "- " << md(group.key) << ": " << group.lost << " lost, " << group.stalled
          << " stalled\n";
    }
    out << '\n';
  }
  if (!r.problems.empty()) {
    out << "| verdict | order | stopped at | waiting | suspect | evidence | trace |\n"
           "|---|---|---|---:|---|---|---|\n";
  }
  for (const auto& order : r.problems) {
    const auto* evidence = key_evidence(order);
    std::string evidence_text;
    if (evidence != nullptr) {
      evidence_text = std::string(to_string(evidence->kind)) + " " + evidence->span.service + " " +
                      evidence->span.operation +
                      (evidence->queue.empty() ? "" : " queue " + evidence->queue) +
                      (evidence->message.empty() ? "" : ": " + evidence->message);
    }
    const std::string url = first_trace_url(order, options);
    out << "| " << lifecycle::to_string(order.verdict) << " | `" << md(order.order_id) << "` | "
        << md(order.last_state.value_or("-")) << " | " << optional_duration(order.waiting_ns)
        << " | " << md(order.suspect.value_or("-")) << " | " << md(evidence_text) << " | "
        << (url.empty() ? std::string("-") : "[trace](" + url + ")") << " |\n";
  }
  const auto& b = r.business;
  out << "\n## Business figures\n\n";
  out << "- Completed orders: " << b.completed_orders << " (" << b.closed_in_window
      << " closed in the window)\n";
  if (b.mes_file_processing) {
    out << "- " << md(b.mes_service) << " file processing (pricing): p50 "
        << duration_text(b.mes_file_processing->p50_ns) << ", p95 "
        << duration_text(b.mes_file_processing->p95_ns) << ", p99 "
        << duration_text(b.mes_file_processing->p99_ns) << " (n=" << b.mes_file_processing->count
        << ")\n";
  }
  out << "\n| service | operation | HTTP 5xx |\n|---|---|---:|\n";
  for (const auto& item : b.http_5xx) {
    out << "| " << md(item.service) << " | " << md(item.operation) << " | " << item.count << " |\n";
  }
  out << "\n| service | entry operation | count | p50 | p95 | p99 |\n"
         "|---|---|---:|---:|---:|---:|\n";
  for (const auto& item : b.entry_latency) {
    out << "| " << md(item.service) << " | " << md(item.operation) << " | " << item.durations.count
        << " | " << duration_text(item.durations.p50_ns) << " | "
        << duration_text(item.durations.p95_ns) << " | " << duration_text(item.durations.p99_ns)
        << " |\n";
  }
  if (!r.warnings.empty()) {
    out << "\n## Warnings\n\n";
    for (const auto& warning : r.warnings) {
      out << "- " << md(warning) << '\n';
    }
  }
}

// ---- metrics ---------------------------------------------------------------------------

namespace {

// A Prometheus label value: backslash, quote and newline escaped.
std::string label(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

} // namespace

void render_nightly_metrics(std::ostream& out, const NightlyReport& r, double run_seconds,
                            std::int64_t finished_ns) {
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> counts;
  for (const auto& order : r.problems) {
    ++counts[{order.verdict == lifecycle::Verdict::lost ? "lost" : "stalled",
              order.last_state.value_or(""), order.suspect.value_or("")}];
  }
  out << "# HELP ordertrace_report_orders Orders per verdict in the last report window.\n"
         "# TYPE ordertrace_report_orders gauge\n";
  for (const auto& [verdict, count] : r.verdicts) {
    out << "ordertrace_report_orders{verdict=\"" << lifecycle::to_string(verdict) << "\"} " << count
        << '\n';
  }
  for (const char* kind : {"lost", "stalled"}) {
    out << "# HELP ordertrace_report_" << kind << "_orders "
        << (kind[0] == 'l' ? "Lost" : "Stalled")
        << " orders by the state they stopped in and the suspect service.\n"
        << "# TYPE ordertrace_report_" << kind << "_orders gauge\n";
    for (const auto& [key, count] : counts) {
      if (std::get<0>(key) == kind) {
        out << "ordertrace_report_" << kind << "_orders{state=\"" << label(std::get<1>(key))
            << "\",service=\"" << label(std::get<2>(key)) << "\"} " << count << '\n';
      }
    }
  }
  out << "# HELP ordertrace_report_duration_seconds Duration of the last report run.\n"
         "# TYPE ordertrace_report_duration_seconds gauge\n"
      << fmt::format("ordertrace_report_duration_seconds {:.3f}\n", run_seconds)
      << "# HELP ordertrace_report_last_success_timestamp_seconds When the last report run "
         "finished.\n"
         "# TYPE ordertrace_report_last_success_timestamp_seconds gauge\n"
      << "ordertrace_report_last_success_timestamp_seconds " << finished_ns / util::k_ns_per_second
      << '\n';
}

} // namespace ordertrace::report

// Text, JSON, CSV and Markdown renderers of the nightly report, and its Prometheus
// metrics. They format a NightlyReport that render_nightly has already redacted.

#include <ordertrace/report/messages.hpp>
#include <ordertrace/report/nightly.hpp>
#include <ordertrace/report/phrases.hpp>
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

// ---- text ------------------------------------------------------------------------------

std::string cell(std::string_view text, std::size_t width) {
  return detail::pad(detail::truncate(detail::sanitize(text), width), width);
}

// " (cancelled 3, refunded 1)" after the COMPLETED count; empty without endings. Russian
// keeps the state names as the lifecycle spells them: " (CANCELLED: 3, REFUNDED: 1)".
std::string endings_text(const NightlyReport& r, Language language = Language::en) {
  std::string out;
  for (const auto& [ending, count] : r.endings) {
    std::string name = ending;
    if (language == Language::en) {
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    }
    out += (out.empty() ? "" : ", ") + format(Message::n_ending_count, language,
                                              fmt::arg("ending", name), fmt::arg("count", count));
  }
  return out.empty() ? out : " (" + out + ")";
}

// The allowance of each set a transition's orders had ("express 2h (1 of 3 over)"), joined
// by "; ": what its single allowed value would hide when the sets differ.
std::string set_allowances_text(const TransitionStats& t, Language language) {
  std::string out;
  for (const auto& group : t.allowance_sets) {
    out += (out.empty() ? "" : "; ") +
           format(Message::n_set_allowance, language,
                  fmt::arg("set", group.set.empty()
                                      ? std::string(text(Message::n_set_states_own, language))
                                      : group.set),
                  fmt::arg("allowed", group.allowance_ns
                                          ? format_duration(*group.allowance_ns, language)
                                          : std::string("-")),
                  fmt::arg("over", group.over_allowance), fmt::arg("count", group.count));
  }
  return out;
}

using detail::allowances_note;
using detail::group_key_text;
using detail::local_time;

ProblemStatus status_of(const NightlyReport& r, std::size_t i) {
  return i < r.problem_status.size() ? r.problem_status[i] : ProblemStatus{};
}

// "known: <note> (until 2026-12-01T00:00:00Z, acknowledged ...)".
std::string ack_text(const Acknowledgement& ack, Language language = Language::en,
                     const util::TimeZone& zone = {}) {
  const std::string at = local_time(ack.created_at_ns, zone);
  if (ack.until_ns) {
    return format(Message::n_known_until, language, fmt::arg("note", ack.note),
                  fmt::arg("until", local_time(*ack.until_ns, zone)), fmt::arg("at", at));
  }
  return format(Message::n_known_no_end, language, fmt::arg("note", ack.note), fmt::arg("at", at));
}

// The section "New since the last run", one line per order, or why there is none.
std::vector<std::string> new_since_lines(const NightlyReport& r, Language language = Language::en) {
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < r.problems.size(); ++i) {
    if (status_of(r, i).new_since_last_run) {
      lines.push_back(
          verdict_label(r.problems[i].verdict, language) + " " + r.problems[i].order_id +
          (status_of(r, i).acknowledged ? std::string(text(Message::n_acknowledged_mark, language))
                                        : std::string()));
    }
  }
  return lines;
}

std::string previous_run_text(const NightlyReport& r, Language language = Language::en,
                              const util::TimeZone& zone = {}) {
  if (!r.compared_with_previous_run) {
    return std::string(text(Message::n_not_compared, language));
  }
  if (!r.previous_run) {
    return std::string(text(Message::n_no_earlier_run, language));
  }
  return format(Message::n_compared_with, language,
                fmt::arg("until", local_time(r.previous_run->window_until_ns, zone)),
                fmt::arg("count", r.previous_run->problem_ids.size()));
}

void text_groups(std::ostream& out, std::string_view title, const std::vector<ProblemGroup>& groups,
                 Language language) {
  if (groups.empty()) {
    return;
  }
  out << '\n' << title << '\n';
  for (const auto& group : groups) {
    out << "  " << cell(group_key_text(group.key, language), 44)
        << format(Message::n_group_counts, language, fmt::arg("lost", group.lost),
                  fmt::arg("stalled", group.stalled))
        << '\n';
  }
}

} // namespace

void render_nightly_text(std::ostream& out, const NightlyReport& r,
                         const NightlyRenderOptions& options) {
  // Labels in the reader's language, times on the reader's clock (UTC: as before).
  const Language lang = options.language;
  const auto when = [&options](std::int64_t ns) {
    return local_time(ns, options.zone);
  };
  const auto duration_text = [lang](std::int64_t ns) {
    return format_duration(ns, lang);
  };
  const auto optional_duration = [&duration_text](const std::optional<std::int64_t>& ns) {
    return ns ? duration_text(*ns) : std::string("-");
  };
  const std::size_t verdict_w = lang == Language::en ? 14 : 36;
  out << format(Message::n_title, lang,
                fmt::arg("window", when(r.from_ns) + " .. " + when(r.until_ns)))
      << '\n';
  out << format(Message::n_now, lang, fmt::arg("time", when(r.now_ns)),
                fmt::arg("name", r.lifecycle_name))
      << '\n';
  out << format(Message::n_source, lang,
                fmt::arg("source", detail::sanitize(detail::source_text(r.source, lang))))
      << '\n';
  out << format(Message::n_allowances, lang, fmt::arg("used", to_string(r.allowances.used)),
                fmt::arg("note", allowances_note(r.allowances, lang)))
      << '\n';
  out << '\n'
      << format(Message::n_active, lang, fmt::arg("orders", r.orders), fmt::arg("spans", r.spans))
      << '\n';
  out << '\n' << text(Message::n_verdicts, lang) << '\n';
  for (const auto& [verdict, count] : r.verdicts) {
    out << "  " << cell(verdict_label(verdict, lang), verdict_w) << fmt::format("{:>6}", count);
    if (verdict == lifecycle::Verdict::completed) {
      out << endings_text(r, lang);
    }
    out << '\n';
  }

  out << '\n' << text(Message::n_funnel, lang) << '\n';
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

  // Russian durations ("19 ч 54 мин") need wider columns than "19h 54m".
  const std::size_t dw = lang == Language::en ? 7 : 11;
  out << '\n'
      << detail::pad(text(Message::n_transitions, lang), 53)
      << fmt::format("{:>5} {:>{}} {:>{}} {:>{}} {:>{}} {:>5}\n",
                     text(Message::n_column_count, lang), "p50", dw, "p95", dw, "p99", dw,
                     text(Message::n_column_allowed, lang), dw + 1,
                     text(Message::n_column_over, lang));
  for (const auto& t : r.transitions) {
    out << "  " << cell(t.from_state + " -> " + t.to_state, 50)
        << fmt::format(" {:>5} {:>{}} {:>{}} {:>{}} {:>{}} {:>5}\n", t.durations.count,
                       duration_text(t.durations.p50_ns), dw, duration_text(t.durations.p95_ns), dw,
                       duration_text(t.durations.p99_ns), dw,
                       t.allowance_varies() ? std::string(text(Message::n_allowed_varies, lang))
                                            : optional_duration(t.allowance_ns),
                       dw + 1, t.over_allowance);
  }
  if (std::any_of(r.transitions.begin(), r.transitions.end(),
                  [](const TransitionStats& t) { return t.allowance_varies(); })) {
    out << text(Message::n_allowed_by_set, lang) << '\n';
    for (const auto& t : r.transitions) {
      if (t.allowance_varies()) {
        const std::string line =
            t.from_state + " -> " + t.to_state + ": " + set_allowances_text(t, lang);
        for (const auto& part : detail::wrap(detail::sanitize(line), 74)) {
          out << "    " << part << '\n';
        }
      }
    }
  }

  out << '\n'
      << format(Message::n_lost_stalled, lang, fmt::arg("lost", r.count(lifecycle::Verdict::lost)),
                fmt::arg("stalled", r.count(lifecycle::Verdict::stalled)))
      << '\n';
  out << format(Message::n_unacknowledged, lang, fmt::arg("lost", r.unacknowledged_lost()),
                fmt::arg("known", r.acknowledged_count()))
      << '\n';
  text_groups(out, text(Message::n_by_state, lang), r.by_state, lang);
  text_groups(out, text(Message::n_by_suspect, lang), r.by_suspect, lang);
  {
    out << '\n'
        << format(Message::n_new_since, lang,
                  fmt::arg("previous", previous_run_text(r, lang, options.zone)))
        << '\n';
    const auto lines = new_since_lines(r, lang);
    for (const auto& line : lines) {
      out << "  " << detail::sanitize(line) << '\n';
    }
    if (lines.empty()) {
      out << "  " << text(Message::n_none, lang) << '\n';
    }
  }
  for (std::size_t i = 0; i < r.problems.size(); ++i) {
    const auto& order = r.problems[i];
    const ProblemStatus status = status_of(r, i);
    if (i == 0 && !status.acknowledged) {
      out << '\n' << text(Message::n_new_problems, lang) << '\n';
    }
    if (status.acknowledged && (i == 0 || !status_of(r, i - 1).acknowledged)) {
      out << '\n' << text(Message::n_known_problems, lang) << '\n';
    }
    out << '\n'
        << verdict_label(order.verdict, lang) << "  " << detail::sanitize(order.order_id) << "  "
        << format(Message::n_suspect, lang, fmt::arg("suspect", order.suspect.value_or("-")))
        << '\n';
    out << "  "
        << format(Message::n_stopped, lang, fmt::arg("state", order.last_state.value_or("-")),
                  fmt::arg("since", order.last_state_time_ns
                                        ? " (" + when(*order.last_state_time_ns) + ")"
                                        : std::string()),
                  fmt::arg("waited", optional_duration(order.waiting_ns)),
                  fmt::arg("next", order.expected_next_state.value_or("-")),
                  fmt::arg("allowed", optional_duration(order.allowance_ns)))
        << '\n';
    const std::string reason = detail::reason_text(order, lang, options.zone);
    for (const auto& line : detail::wrap(detail::sanitize(reason), 76)) {
      out << "  " << line << '\n';
    }
    // When the allowance runs (ran) out, in the reader's zone, and what to do about it.
    if (order.deadline_ns) {
      const bool ahead = *order.deadline_ns >= order.now_ns;
      out << "  "
          << text(ahead ? Message::label_deadline_ahead : Message::label_deadline_passed, lang)
          << ' ' << detail::deadline_text(order, lang, options.zone) << '\n';
    }
    if (const std::string next = detail::next_step_text(order, lang, options.zone); !next.empty()) {
      const std::string label(text(Message::label_next_step, lang));
      const std::size_t label_width = detail::display_width(label);
      const auto lines = detail::wrap(detail::sanitize(next), 74 - label_width);
      for (std::size_t line = 0; line < lines.size(); ++line) {
        out << "  " << (line == 0 ? label : std::string(label_width, ' ')) << ' ' << lines[line]
            << '\n';
      }
    }
    if (const auto* evidence = key_evidence(order)) {
      out << "  "
          << format(Message::n_evidence, lang,
                    fmt::arg("kind", lang == Language::en ? to_string(evidence->kind)
                                                          : evidence_label(evidence->kind, lang)))
          << " " << evidence->span.service << " "
          << detail::truncate(detail::sanitize(evidence->span.operation), 40);
      if (!evidence->queue.empty()) {
        out << " "
            << format(Message::queue, lang, fmt::arg("queue", detail::sanitize(evidence->queue)));
      }
      if (evidence->http_status) {
        out << " HTTP " << *evidence->http_status;
      }
      if (!evidence->message.empty()) {
        out << ": " << detail::truncate(detail::sanitize(evidence->message), 60);
      }
      out << '\n';
      if (!evidence->span.trace_id.empty()) {
        out << "  "
            << format(Message::n_trace_and_span, lang,
                      fmt::arg("trace", evidence->span.trace_id.hex()),
                      fmt::arg("span", evidence->span.span_id.hex()))
            << '\n';
      }
    }
    if (const std::string url = first_trace_url(order, options); !url.empty()) {
      out << "  " << url << '\n';
    }
    if (status.acknowledged) {
      out << "  " << detail::sanitize(ack_text(*status.acknowledged, lang, options.zone)) << '\n';
    }
  }

  const auto& b = r.business;
  const std::string none = " " + std::string(text(Message::n_none, lang)) + "\n";
  out << '\n' << text(Message::n_business, lang) << '\n';
  out << "  "
      << format(Message::n_completed, lang, fmt::arg("completed", b.completed_orders),
                fmt::arg("closed", b.closed_in_window))
      << '\n';
  if (b.mes_file_processing) {
    out << "  "
        << format(Message::n_file_processing, lang, fmt::arg("service", b.mes_service),
                  fmt::arg("n", b.mes_file_processing->count),
                  fmt::arg("p50", duration_text(b.mes_file_processing->p50_ns)),
                  fmt::arg("p95", duration_text(b.mes_file_processing->p95_ns)),
                  fmt::arg("p99", duration_text(b.mes_file_processing->p99_ns)))
        << '\n';
  }
  out << "  " << text(Message::n_http_5xx, lang) << (b.http_5xx.empty() ? none : "\n");
  for (const auto& item : b.http_5xx) {
    out << "    " << cell(item.service, 12) << ' ' << cell(item.operation, 48)
        << fmt::format(" {:>5}\n", item.count);
  }
  out << "  " << text(Message::n_entry_latency, lang) << (b.entry_latency.empty() ? none : "\n");
  const std::size_t lw = lang == Language::en ? 6 : 10;
  for (const auto& item : b.entry_latency) {
    out << "    " << cell(item.service, 12) << ' ' << cell(item.operation, 38)
        << fmt::format(" n={:<5} p50 {:>{}} p95 {:>{}} p99 {:>{}}\n", item.durations.count,
                       duration_text(item.durations.p50_ns), lw,
                       duration_text(item.durations.p95_ns), lw,
                       duration_text(item.durations.p99_ns), lw);
  }
  if (r.discovery) {
    const auto& d = *r.discovery;
    out << '\n'
        << format(Message::n_jaeger, lang, fmt::arg("route", d.route),
                  fmt::arg("searches", d.searches), fmt::arg("split", d.windows_split),
                  fmt::arg("linked", d.linked_fetched), fmt::arg("requests", d.http_requests),
                  fmt::arg("traces", d.traces))
        << '\n';
  }
  if (!r.warnings.empty()) {
    out << '\n' << text(Message::warnings, lang) << '\n';
    for (std::size_t i = 0; i < r.warnings.size(); ++i) {
      const std::string warning = detail::warning_text(r, i, lang, options.zone);
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

Json acknowledgement_json(const std::optional<Acknowledgement>& ack) {
  if (!ack) {
    return nullptr;
  }
  return Json{
      {"note", ack->note},
      {"created_at", util::format_rfc3339(ack->created_at_ns)},
      {"until", ack->until_ns ? Json(util::format_rfc3339(*ack->until_ns)) : Json(nullptr)}};
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
    // Added: allowance_seconds is null when the sets' allowances differ; these say each.
    entry["allowance_varies"] = t.allowance_varies();
    Json sets = Json::array();
    for (const auto& group : t.allowance_sets) {
      sets.push_back(Json{
          {"set", group.set.empty() ? Json(nullptr) : Json(group.set)},
          {"allowance_seconds", group.allowance_ns ? seconds(*group.allowance_ns) : Json(nullptr)},
          {"count", group.count},
          {"over_allowance", group.over_allowance}});
    }
    entry["allowance_sets"] = sets;
    transitions.push_back(std::move(entry));
  }
  json["transitions"] = transitions;

  // The orders as `show --format json` prints them, so scripts read one shape.
  RenderOptions order_options;
  order_options.ui_url = options.ui_url.empty() ? std::string(k_default_ui_url) : options.ui_url;
  order_options.lifecycle_name = r.lifecycle_name;
  order_options.redactor = options.redactor;
  Json problems = Json::array();
  Json known = Json::array();
  Json fresh = Json::array();
  Json new_since_last_run = Json::array();
  for (std::size_t i = 0; i < r.problems.size(); ++i) {
    const auto& order = r.problems[i];
    std::ostringstream one;
    render_json(one, order, order_options);
    Json entry = Json::parse(one.str());
    const ProblemStatus status =
        i < r.problem_status.size() ? r.problem_status[i] : ProblemStatus{};
    entry["acknowledged"] = acknowledgement_json(status.acknowledged);
    entry["new_since_last_run"] = status.new_since_last_run;
    problems.push_back(std::move(entry));
    (status.acknowledged ? known : fresh).push_back(order.order_id);
    if (status.new_since_last_run) {
      new_since_last_run.push_back(order.order_id);
    }
  }
  json["problems"] = problems;
  // The support desk's view: what nobody has looked at yet, what is known, what is new.
  json["new_problems"] = fresh;
  json["known"] = known;
  json["lost_unacknowledged"] = r.unacknowledged_lost();
  json["lost_acknowledged"] = r.count(lifecycle::Verdict::lost) - r.unacknowledged_lost();
  json["new_since_last_run"] = new_since_last_run;
  if (r.previous_run) {
    json["previous_run"] =
        Json{{"window_until", util::format_rfc3339(r.previous_run->window_until_ns)},
             {"ran_at", util::format_rfc3339(r.previous_run->ran_at_ns)},
             {"problems", r.previous_run->problem_ids}};
  } else {
    json["previous_run"] = nullptr;
  }
  json["compared_with_previous_run"] = r.compared_with_previous_run;
  Json endings = Json::object();
  for (const auto& [ending, count] : r.endings) {
    endings[ending] = count;
  }
  json["endings"] = endings;
  Json all = Json::array();
  for (const auto& line : r.all_orders) {
    all.push_back(Json{{"order_id", line.order_id},
                       {"verdict", lifecycle::to_string(line.verdict)},
                       {"suspect", line.suspect ? Json(*line.suspect) : Json(nullptr)},
                       {"last_state", line.last_state ? Json(*line.last_state) : Json(nullptr)}});
  }
  json["all_orders"] = std::move(all);
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
         "error,trace_id,span_id,jaeger_url,acknowledged,ack_note,ack_until,new_since_last_run\n";
  for (std::size_t i = 0; i < r.problems.size(); ++i) {
    const auto& order = r.problems[i];
    const ProblemStatus status =
        i < r.problem_status.size() ? r.problem_status[i] : ProblemStatus{};
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
    out << csv(first_trace_url(order, options)) << ',' << (status.acknowledged ? "true" : "false")
        << ',' << csv(status.acknowledged ? status.acknowledged->note : "") << ','
        << (status.acknowledged && status.acknowledged->until_ns
                ? util::format_rfc3339(*status.acknowledged->until_ns)
                : "")
        << ',' << (status.new_since_last_run ? "true" : "false") << '\n';
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
  // Labels in the reader's language, times on the reader's clock (UTC: as before).
  const Language lang = options.language;
  const auto when = [&options](std::int64_t ns) {
    return local_time(ns, options.zone);
  };
  const auto duration_text = [lang](std::int64_t ns) {
    return format_duration(ns, lang);
  };
  const auto optional_duration = [&duration_text](const std::optional<std::int64_t>& ns) {
    return ns ? duration_text(*ns) : std::string("-");
  };
  const auto verdict_text = [lang](lifecycle::Verdict verdict) {
    return lang == Language::en ? std::string(lifecycle::to_string(verdict))
                                : verdict_label(verdict, lang);
  };
  out << text(Message::nm_title, lang) << "\n\n";
  out << format(Message::nm_window, lang,
                fmt::arg("window", when(r.from_ns) + " .. " + when(r.until_ns)),
                fmt::arg("time", when(r.now_ns)), fmt::arg("name", md(r.lifecycle_name)))
      << "  \n";
  out << format(Message::nm_allowances, lang, fmt::arg("used", to_string(r.allowances.used)),
                fmt::arg("note", md(allowances_note(r.allowances, lang))))
      << "\n\n";
  out << text(Message::nm_verdicts, lang) << "\n\n"
      << text(Message::nm_verdicts_header, lang) << "\n|---|---:|\n";
  for (const auto& [verdict, count] : r.verdicts) {
    out << "| " << md(verdict_text(verdict)) << " | " << count
        << (verdict == lifecycle::Verdict::completed ? md(endings_text(r, lang)) : std::string())
        << " |\n";
  }
  out << '\n'
      << text(Message::nm_funnel, lang) << "\n\n"
      << text(Message::nm_funnel_header, lang) << "\n|---|---:|\n";
  for (const auto& step : r.funnel) {
    out << "| " << md(step.state) << " | " << step.reached << " |\n";
  }
  out << '\n'
      << text(Message::nm_transitions, lang) << "\n\n"
      << text(Message::nm_transitions_header, lang)
      << "\n|---|---|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& t : r.transitions) {
    out << "| " << md(t.from_state) << " | " << md(t.to_state) << " | " << t.durations.count
        << " | " << duration_text(t.durations.p50_ns) << " | " << duration_text(t.durations.p95_ns)
        << " | " << duration_text(t.durations.p99_ns) << " | "
        << (t.allowance_varies() ? md(set_allowances_text(t, lang))
                                 : optional_duration(t.allowance_ns))
        << " | " << t.over_allowance << " |\n";
  }
  out << '\n' << text(Message::nm_lost_stalled, lang) << "\n\n";
  for (const auto* groups : {&r.by_state, &r.by_suspect}) {
    out << text(groups == &r.by_state ? Message::nm_by_state : Message::nm_by_suspect, lang)
        << "\n\n";
    for (const auto& group : *groups) {
      out << format(Message::nm_group, lang, fmt::arg("key", md(group_key_text(group.key, lang))),
                    fmt::arg("lost", group.lost), fmt::arg("stalled", group.stalled))
          << '\n';
    }
    out << '\n';
  }
  out << format(Message::nm_unacknowledged, lang, fmt::arg("lost", r.unacknowledged_lost()),
                fmt::arg("known", r.acknowledged_count()))
      << "\n\n";
  out << text(Message::nm_new_since, lang) << "\n\n"
      << md(previous_run_text(r, lang, options.zone)) << ".\n\n";
  for (const auto& line : new_since_lines(r, lang)) {
    out << "- " << md(line) << '\n';
  }
  out << '\n';
  for (std::size_t i = 0; i < r.problems.size(); ++i) {
    const auto& order = r.problems[i];
    const ProblemStatus status = status_of(r, i);
    if (i == 0 || status.acknowledged.has_value() != status_of(r, i - 1).acknowledged.has_value()) {
      out << (i == 0 ? "" : "\n")
          << text(status.acknowledged ? Message::nm_known_problems : Message::nm_new_problems, lang)
          << "\n\n"
          << text(Message::nm_problems_header, lang)
          << (status.acknowledged ? std::string(text(Message::nm_known_column, lang)) +
                                        "\n|---|---|---|---:|---|---|---|---|\n"
                                  : std::string("\n|---|---|---|---:|---|---|---|\n"));
    }
    const auto* evidence = key_evidence(order);
    std::string evidence_text;
    if (evidence != nullptr) {
      evidence_text = std::string(lang == Language::en ? to_string(evidence->kind)
                                                       : evidence_label(evidence->kind, lang)) +
                      " " + evidence->span.service + " " + evidence->span.operation +
                      (evidence->queue.empty() ? ""
                                               : " " + format(Message::queue, lang,
                                                              fmt::arg("queue", evidence->queue))) +
                      (evidence->message.empty() ? "" : ": " + evidence->message);
    }
    const std::string url = first_trace_url(order, options);
    out << "| " << md(verdict_text(order.verdict)) << " | `" << md(order.order_id) << "` | "
        << md(order.last_state.value_or("-")) << " | " << optional_duration(order.waiting_ns)
        << " | " << md(order.suspect.value_or("-")) << " | " << md(evidence_text) << " | "
        << (url.empty() ? std::string("-")
                        : "[" + std::string(text(Message::nm_trace_link, lang)) + "](" + url + ")")
        << " |";
    if (status.acknowledged) {
      out << ' ' << md(ack_text(*status.acknowledged, lang, options.zone)) << " |";
    }
    out << '\n';
  }
  // Per problem, when its allowance runs (ran) out and what to do: too long for the table.
  bool steps_header = false;
  for (const auto& order : r.problems) {
    const std::string next = detail::next_step_text(order, lang, options.zone);
    if (!order.deadline_ns && next.empty()) {
      continue;
    }
    if (!steps_header) {
      out << '\n' << text(Message::nm_next_steps, lang) << "\n\n";
      steps_header = true;
    }
    out << "- `" << md(order.order_id) << "`";
    if (order.deadline_ns) {
      const bool ahead = *order.deadline_ns >= order.now_ns;
      out << ' '
          << text(ahead ? Message::label_deadline_ahead : Message::label_deadline_passed, lang)
          << ' ' << md(detail::deadline_text(order, lang, options.zone));
    }
    if (!next.empty()) {
      out << (order.deadline_ns ? ". " : " ") << text(Message::label_next_step, lang) << ' '
          << md(next);
    }
    out << '\n';
  }
  const auto& b = r.business;
  out << '\n' << text(Message::nm_business, lang) << "\n\n";
  out << format(Message::nm_completed, lang, fmt::arg("completed", b.completed_orders),
                fmt::arg("closed", b.closed_in_window))
      << '\n';
  if (b.mes_file_processing) {
    out << format(Message::nm_file_processing, lang, fmt::arg("service", md(b.mes_service)),
                  fmt::arg("p50", duration_text(b.mes_file_processing->p50_ns)),
                  fmt::arg("p95", duration_text(b.mes_file_processing->p95_ns)),
                  fmt::arg("p99", duration_text(b.mes_file_processing->p99_ns)),
                  fmt::arg("n", b.mes_file_processing->count))
        << '\n';
  }
  out << '\n' << text(Message::nm_http_5xx_header, lang) << "\n|---|---|---:|\n";
  for (const auto& item : b.http_5xx) {
    out << "| " << md(item.service) << " | " << md(item.operation) << " | " << item.count << " |\n";
  }
  out << '\n'
      << text(Message::nm_entry_latency_header, lang) << "\n|---|---|---:|---:|---:|---:|\n";
  for (const auto& item : b.entry_latency) {
    out << "| " << md(item.service) << " | " << md(item.operation) << " | " << item.durations.count
        << " | " << duration_text(item.durations.p50_ns) << " | "
        << duration_text(item.durations.p95_ns) << " | " << duration_text(item.durations.p99_ns)
        << " |\n";
  }
  if (!r.warnings.empty()) {
    out << '\n' << text(Message::nm_warnings, lang) << "\n\n";
    for (std::size_t i = 0; i < r.warnings.size(); ++i) {
      out << "- " << md(detail::warning_text(r, i, lang, options.zone)) << '\n';
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
  out << "# HELP ordertrace_report_known_lost_orders Lost orders acknowledged with ordertrace ack "
         "(not counted for exit 3).\n"
         "# TYPE ordertrace_report_known_lost_orders gauge\n"
      << "ordertrace_report_known_lost_orders "
      << r.count(lifecycle::Verdict::lost) - r.unacknowledged_lost() << '\n'
      << "# HELP ordertrace_report_new_problem_orders Lost and stalled orders not among the "
         "previous run's problems.\n"
         "# TYPE ordertrace_report_new_problem_orders gauge\n"
      << "ordertrace_report_new_problem_orders "
      << std::count_if(r.problem_status.begin(), r.problem_status.end(),
                       [](const ProblemStatus& s) { return s.new_since_last_run; })
      << '\n';
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

// The HTML renderer of the nightly report: one self-contained file (inline CSS, JS and
// SVG, nothing fetched when it is viewed), so it can be mailed or archived as it is.
// Every piece of text is escaped; links are only the Jaeger trace URLs we build. Labels
// come from the message table in the reader's language, times are on the reader's clock
// (NightlyRenderOptions); the CSS classes and data attributes stay English.

#include <ordertrace/report/messages.hpp>
#include <ordertrace/report/nightly.hpp>
#include <ordertrace/report/phrases.hpp>
#include <ordertrace/report/render.hpp>
#include <ordertrace/report/text_layout.hpp>
#include <ordertrace/util/time.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace ordertrace::report {
namespace {

std::string esc(std::string_view raw) {
  const std::string text = detail::sanitize(raw);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

// A message in `language` filled with plain-text values, escaped as a whole.
template <typename... Args>
std::string html_text(Message id, Language language, const Args&... args) {
  return esc(format(id, language, args...));
}

// A table cell whose sort key is a number.
std::string num_cell(double key, std::string_view shown) {
  return fmt::format("<td class=\"n\" data-sort=\"{}\">{}</td>", key, esc(shown));
}

std::string seconds_key(std::int64_t ns) {
  return fmt::format("{}", static_cast<double>(ns) / 1e9);
}

constexpr std::string_view k_style = R"(
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#1d2330;color:#fff;padding:14px 24px}
header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;color:#c9cfdb}
main{max-width:1280px;margin:0 auto;padding:16px 24px}
section{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:12px 16px;margin:0 0 16px}
h2{font-size:16px;margin:0 0 8px}
.cards{display:flex;flex-wrap:wrap;gap:8px}
.card{flex:1 1 110px;border-radius:6px;padding:8px 10px;background:#eef1f5}
.card b{display:block;font-size:22px}
.LOST{background:#fbd5d5}.STALLED{background:#fdecc8}.COMPLETED{background:#d7f0dd}
.ON_TRACK{background:#dcebfb}.INCONSISTENT{background:#eadcf8}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e6e9ee;vertical-align:top}
th{background:#f0f2f6;cursor:pointer;user-select:none;white-space:nowrap}
th:after{content:" \2195";color:#9aa3b2}
td.n{text-align:right;font-variant-numeric:tabular-nums}
td.late{color:#b42318}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}
@media (max-width:900px){.grid{grid-template-columns:1fr}}
svg text{font-size:11px;fill:#1d2330}
code{font-size:12px}
.muted{color:#667085}
)";

// Sorts a table by the clicked column: numbers by data-sort, text otherwise.
constexpr std::string_view k_script = R"(
document.querySelectorAll("table.sortable th").forEach(function(th){
  th.addEventListener("click",function(){
    var table=th.closest("table"),body=table.tBodies[0],index=th.cellIndex;
    var ascending=th.getAttribute("data-dir")!=="asc";
    table.querySelectorAll("th").forEach(function(h){h.removeAttribute("data-dir");});
    th.setAttribute("data-dir",ascending?"asc":"desc");
    var rows=Array.prototype.slice.call(body.rows);
    rows.sort(function(a,b){
      var x=a.cells[index],y=b.cells[index];
      var kx=x.getAttribute("data-sort"),ky=y.getAttribute("data-sort");
      var r=(kx!==null&&ky!==null)?parseFloat(kx)-parseFloat(ky)
                                  :x.textContent.localeCompare(y.textContent);
      return ascending?r:-r;
    });
    rows.forEach(function(row){body.appendChild(row);});
  });
});
document.documentElement.setAttribute("data-report-ready","1");
)";

void funnel_svg(std::ostream& out, const NightlyReport& r, Language lang) {
  const std::size_t top = std::max<std::size_t>(
      1, r.funnel.empty()
             ? 1
             : std::max_element(r.funnel.begin(), r.funnel.end(), [](const auto& a, const auto& b) {
                 return a.reached < b.reached;
               })->reached);
  const int row = 24;
  const int label = 190;
  const int width = 560;
  const int height = static_cast<int>(r.funnel.size()) * row + 8;
  out << fmt::format("<svg role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {} {}\" width=\"100%\">",
                     esc(text(Message::h_funnel_label, lang)), width, height);
  for (std::size_t i = 0; i < r.funnel.size(); ++i) {
    const auto& step = r.funnel[i];
    const int y = static_cast<int>(i) * row + 4;
    const double bar = static_cast<double>(width - label - 50) * static_cast<double>(step.reached) /
                       static_cast<double>(top);
    out << fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", label - 6, y + 15,
                       esc(step.state))
        << fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" rx=\"3\" "
                       "fill=\"#4f7cc9\"><title>{}: {}</title></rect>",
                       label, y + 2, bar, row - 6, esc(step.state), step.reached)
        << fmt::format("<text x=\"{:.1f}\" y=\"{}\">{}</text>", label + bar + 6, y + 15,
                       step.reached);
  }
  out << "</svg>";
}

// p50, p95 and p99 of each transition on a log scale, with the allowance as a red tick.
void stages_svg(std::ostream& out, const NightlyReport& r, Language lang) {
  const auto dur = [lang](std::int64_t ns) {
    return format_duration(ns, lang);
  };
  double longest = 1;
  for (const auto& t : r.transitions) {
    longest = std::max(longest, static_cast<double>(t.durations.p99_ns) / 1e9);
    for (const auto& group : t.allowance_sets) {
      longest = std::max(longest, static_cast<double>(group.allowance_ns.value_or(0)) / 1e9);
    }
  }
  // Each transition: its name on one line, its bars below, so long state names fit.
  const int row = 36;
  const int label = 8;
  const int width = 620;
  const double span = std::log10(longest + 1);
  auto x = [&](std::int64_t ns) {
    return label + static_cast<double>(width - label - 20) *
                       std::log10(static_cast<double>(ns) / 1e9 + 1) / span;
  };
  const int height = static_cast<int>(r.transitions.size()) * row + 24;
  out << fmt::format("<svg role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {} {}\" "
                     "width=\"100%\">",
                     esc(text(Message::h_stages, lang)), width, height);
  for (std::size_t i = 0; i < r.transitions.size(); ++i) {
    const auto& t = r.transitions[i];
    const int y = static_cast<int>(i) * row + 4;
    const std::string name = t.from_state + " \u2192 " + t.to_state;
    out << fmt::format("<text x=\"{}\" y=\"{}\">{}</text>", label, y + 10, esc(name));
    const std::pair<std::int64_t, const char*> bars[] = {{t.durations.p99_ns, "#c9d7f0"},
                                                         {t.durations.p95_ns, "#8eaee3"},
                                                         {t.durations.p50_ns, "#3d6bbf"}};
    for (const auto& [value, color] : bars) {
      out << fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"16\" fill=\"{}\">"
                         "<title>{}: p50 {} p95 {} p99 {} (n={})</title></rect>",
                         label, y + 14, std::max(0.0, x(value) - label), color, esc(name),
                         esc(dur(t.durations.p50_ns)), esc(dur(t.durations.p95_ns)),
                         esc(dur(t.durations.p99_ns)), t.durations.count);
    }
    // One tick per allowance set: orders of different sets have different allowances.
    for (const auto& group : t.allowance_sets) {
      if (group.allowance_ns) {
        out << fmt::format(
            "<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#d33\" "
            "stroke-width=\"2\"><title>{3}{4}</title></line>",
            x(*group.allowance_ns), y + 12, y + 32,
            html_text(Message::h_allowed, lang, fmt::arg("allowed", dur(*group.allowance_ns))),
            group.set.empty()
                ? std::string()
                : html_text(Message::h_allowed_set, lang, fmt::arg("set", group.set)));
      }
    }
  }
  const int legend = height - 8;
  out << fmt::format("<text x=\"{}\" y=\"{}\" class=\"muted\">{}</text>", label, legend,
                     esc(text(Message::h_stages_legend, lang)));
  out << "</svg>";
}

std::string previous_run_text(const NightlyReport& r, Language lang, const util::TimeZone& zone) {
  if (!r.compared_with_previous_run) {
    return std::string(text(Message::h_not_compared, lang));
  }
  if (!r.previous_run) {
    return std::string(text(Message::h_no_earlier_run, lang));
  }
  return format(Message::h_compared_with, lang,
                fmt::arg("until", detail::local_time(r.previous_run->window_until_ns, zone)));
}

// A header cell per column label.
std::string header_cells(std::initializer_list<Message> columns, Language lang) {
  std::string out;
  for (Message column : columns) {
    out += "<th>" + esc(text(column, lang)) + "</th>";
  }
  return out;
}

void groups_table(std::ostream& out, Message title, const std::vector<ProblemGroup>& groups,
                  Language lang) {
  out << "<h2>" << esc(text(title, lang)) << "</h2><table class=\"sortable\"><thead><tr>"
      << header_cells({Message::h_column_key, Message::h_column_lost, Message::h_column_stalled},
                      lang)
      << "</tr></thead><tbody>";
  for (const auto& group : groups) {
    out << "<tr><td>" << esc(detail::group_key_text(group.key, lang)) << "</td>"
        << num_cell(static_cast<double>(group.lost), std::to_string(group.lost))
        << num_cell(static_cast<double>(group.stalled), std::to_string(group.stalled)) << "</tr>";
  }
  out << "</tbody></table>";
}

// The allowed cell of a transition: its allowance, or, when the orders' allowance sets
// differ, each set's ("express 2h (1 of 3 over)") on a line of its own.
std::string allowed_html(const TransitionStats& t, Language lang) {
  if (!t.allowance_varies()) {
    return t.allowance_ns ? esc(format_duration(*t.allowance_ns, lang)) : "-";
  }
  std::string out = esc(text(Message::h_varies, lang));
  for (const auto& group : t.allowance_sets) {
    out +=
        "<br>" +
        html_text(
            Message::n_set_allowance, lang,
            fmt::arg("set", group.set.empty() ? std::string(text(Message::n_set_states_own, lang))
                                              : group.set),
            fmt::arg("allowed", group.allowance_ns ? format_duration(*group.allowance_ns, lang)
                                                   : std::string("-")),
            fmt::arg("over", group.over_allowance), fmt::arg("count", group.count));
  }
  return out;
}

// When the order's allowance runs (ran) out, on the report's clock, sortable by that time.
std::string deadline_cell(const lifecycle::Assessment& order, const NightlyRenderOptions& options) {
  if (!order.deadline_ns) {
    return "<td class=\"n\" data-sort=\"0\">-</td>";
  }
  const bool late = *order.deadline_ns < order.now_ns;
  return fmt::format("<td class=\"n{}\" data-sort=\"{}\">{}</td>", late ? " late" : "",
                     seconds_key(*order.deadline_ns),
                     esc(detail::deadline_text(order, options.language, options.zone)));
}

std::string next_step_or_dash(const lifecycle::Assessment& order,
                              const NightlyRenderOptions& options) {
  const std::string next = detail::next_step_text(order, options.language, options.zone);
  return next.empty() ? std::string("-") : next;
}

// A verdict as the reader sees it: the contract spelling in English ("LOST"), the label
// with it in other languages ("ПОТЕРЯН (LOST)").
std::string verdict_text(lifecycle::Verdict verdict, Language lang) {
  return lang == Language::en ? std::string(lifecycle::to_string(verdict))
                              : verdict_label(verdict, lang);
}

} // namespace

void render_nightly_html(std::ostream& out, const NightlyReport& r,
                         const NightlyRenderOptions& options) {
  const Language lang = options.language;
  const auto when = [&options](std::int64_t ns) {
    return detail::local_time(ns, options.zone);
  };
  const auto dur = [lang](std::int64_t ns) {
    return format_duration(ns, lang);
  };
  out << "<!DOCTYPE html>\n<html lang=\"" << to_string(lang) << "\"><head><meta charset=\"utf-8\">"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      << "<title>" << html_text(Message::h_title, lang, fmt::arg("time", when(r.until_ns)))
      << "</title><style>" << k_style << "</style></head><body>\n";
  out << "<header><h1>" << esc(text(Message::h_heading, lang)) << "</h1><p>" << esc(when(r.from_ns))
      << " &ndash; " << esc(when(r.until_ns)) << " &middot; "
      << html_text(Message::h_judged_at, lang, fmt::arg("time", when(r.now_ns))) << " &middot; "
      << html_text(Message::h_lifecycle, lang, fmt::arg("name", r.lifecycle_name)) << " &middot; "
      << esc(text(Message::h_allowances, lang)) << " <b>" << esc(to_string(r.allowances.used))
      << "</b> (" << esc(detail::allowances_note(r.allowances, lang)) << ")</p></header>\n<main>\n";

  out << "<section><h2>"
      << html_text(Message::h_active, lang, fmt::arg("orders", r.orders),
                   fmt::arg("spans", r.spans))
      << "</h2><div class=\"cards\">";
  for (const auto& [verdict, count] : r.verdicts) {
    out << "<div class=\"card " << lifecycle::to_string(verdict) << "\"><b>" << count << "</b>"
        << esc(verdict_text(verdict, lang));
    if (verdict == lifecycle::Verdict::completed) {
      for (const auto& [ending, ending_count] : r.endings) {
        out << "<br><span class=\"muted\">"
            << html_text(Message::n_ending_count, lang, fmt::arg("ending", ending),
                         fmt::arg("count", ending_count))
            << "</span>";
      }
    }
    out << "</div>";
  }
  out << "</div><p class=\"muted\">"
      << html_text(Message::h_source, lang, fmt::arg("source", detail::source_text(r.source, lang)))
      << "</p></section>\n";

  out << "<div class=\"grid\"><section><h2>" << esc(text(Message::h_funnel, lang)) << "</h2>";
  funnel_svg(out, r, lang);
  out << "</section><section><h2>" << esc(text(Message::h_stages, lang)) << "</h2>";
  stages_svg(out, r, lang);
  out << "</section></div>\n";

  out << "<section><h2>" << esc(text(Message::n_transitions, lang))
      << "</h2><table class=\"sortable\"><thead><tr>"
      << header_cells({Message::h_column_from, Message::h_column_to, Message::n_column_count}, lang)
      << "<th>p50</th><th>p95</th><th>p99</th>"
      << header_cells({Message::n_column_allowed, Message::n_column_over}, lang)
      << "</tr></thead><tbody>";
  for (const auto& t : r.transitions) {
    out << "<tr><td>" << esc(t.from_state) << "</td><td>" << esc(t.to_state) << "</td>"
        << num_cell(static_cast<double>(t.durations.count), std::to_string(t.durations.count))
        << "<td class=\"n\" data-sort=\"" << seconds_key(t.durations.p50_ns) << "\">"
        << esc(dur(t.durations.p50_ns)) << "</td><td class=\"n\" data-sort=\""
        << seconds_key(t.durations.p95_ns) << "\">" << esc(dur(t.durations.p95_ns))
        << "</td><td class=\"n\" data-sort=\"" << seconds_key(t.durations.p99_ns) << "\">"
        << esc(dur(t.durations.p99_ns)) << "</td><td class=\"n\" data-sort=\""
        << (t.allowance_ns ? seconds_key(*t.allowance_ns) : "0") << "\">" << allowed_html(t, lang)
        << "</td>"
        << num_cell(static_cast<double>(t.over_allowance), std::to_string(t.over_allowance))
        << "</tr>";
  }
  out << "</tbody></table></section>\n";

  out << "<section><h2>"
      << html_text(Message::h_lost_stalled, lang,
                   fmt::arg("lost", r.count(lifecycle::Verdict::lost)),
                   fmt::arg("stalled", r.count(lifecycle::Verdict::stalled)))
      << "</h2><div class=\"grid\"><div>";
  groups_table(out, Message::n_by_state, r.by_state, lang);
  out << "</div><div>";
  groups_table(out, Message::n_by_suspect, r.by_suspect, lang);
  out << "</div></div>";
  out << "<h2>" << esc(text(Message::h_new_since, lang)) << "</h2><p class=\"muted\">"
      << esc(previous_run_text(r, lang, options.zone)) << "</p><ul id=\"new-since-last-run\">";
  for (std::size_t i = 0; i < r.problems.size(); ++i) {
    if (i < r.problem_status.size() && r.problem_status[i].new_since_last_run) {
      out << "<li>" << esc(verdict_text(r.problems[i].verdict, lang)) << " <code>"
          << esc(r.problems[i].order_id) << "</code>"
          << (r.problem_status[i].acknowledged ? esc(text(Message::n_acknowledged_mark, lang))
                                               : std::string())
          << "</li>";
    }
  }
  out << "</ul>";
  for (std::size_t i = 0; i < r.problems.size(); ++i) {
    const auto& order = r.problems[i];
    const bool known = i < r.problem_status.size() && r.problem_status[i].acknowledged;
    const bool previous_known =
        i > 0 && i - 1 < r.problem_status.size() && r.problem_status[i - 1].acknowledged;
    if (i == 0 || known != previous_known) {
      if (i > 0) {
        out << "</tbody></table>";
      }
      out << (known ? "<h2 id=\"known\">" + esc(text(Message::h_known_problems, lang))
                    : "<h2 id=\"new\">" + esc(text(Message::h_new_problems, lang)))
          << "</h2><table class=\"sortable\"><thead><tr>"
          << header_cells({Message::h_column_verdict, Message::h_column_order,
                           Message::h_column_stopped_at, Message::h_column_waiting,
                           Message::h_column_next, Message::h_column_deadline,
                           Message::h_column_next_step, Message::h_column_suspect,
                           Message::h_column_evidence, Message::h_column_traces},
                          lang)
          << (known ? header_cells({Message::h_column_known}, lang) : std::string())
          << "</tr></thead><tbody>";
    }
    out << "<tr><td>" << esc(verdict_text(order.verdict, lang)) << "</td><td><code>"
        << esc(order.order_id) << "</code></td><td>" << esc(order.last_state.value_or("-"))
        << "</td><td class=\"n\" data-sort=\"" << seconds_key(order.waiting_ns.value_or(0)) << "\">"
        << esc(order.waiting_ns ? dur(*order.waiting_ns) : "-") << "</td><td>"
        << esc(order.expected_next_state.value_or("-")) << "</td>" << deadline_cell(order, options)
        << "<td>" << esc(next_step_or_dash(order, options)) << "</td><td>"
        << esc(order.suspect.value_or("-")) << "</td><td>"
        << esc(detail::reason_text(order, lang, options.zone));
    for (const auto& evidence : order.evidence) {
      if (evidence.kind == lifecycle::Evidence::Kind::state) {
        continue;
      }
      out << "<br><span class=\"muted\">"
          << esc(lang == Language::en ? to_string(evidence.kind)
                                      : evidence_label(evidence.kind, lang))
          << "</span> " << esc(evidence.span.service) << " " << esc(evidence.span.operation);
      if (!evidence.queue.empty()) {
        out << " " << html_text(Message::queue, lang, fmt::arg("queue", evidence.queue));
      }
      if (evidence.http_status) {
        out << " HTTP " << *evidence.http_status;
      }
      if (!evidence.message.empty()) {
        out << ": " << esc(evidence.message);
      }
    }
    out << "</td><td>";
    std::size_t shown = 0;
    for (const auto& trace : order.traces) {
      if (shown++ == 3) {
        out << "&hellip;";
        break;
      }
      out << "<a href=\"" << esc(jaeger_trace_url(options.ui_url, trace)) << "\"><code>"
          << esc(trace.hex().substr(0, 12)) << "</code></a> ";
    }
    out << "</td>";
    if (known) {
      const auto& ack = *r.problem_status[i].acknowledged;
      out << "<td>" << esc(ack.note) << "<br><span class=\"muted\">"
          << (ack.until_ns
                  ? html_text(Message::h_until, lang, fmt::arg("time", when(*ack.until_ns)))
                  : esc(text(Message::h_no_end, lang)))
          << "</span></td>";
    }
    out << "</tr>";
  }
  if (!r.problems.empty()) {
    out << "</tbody></table>";
  }
  out << "</section>\n";

  const auto& b = r.business;
  out << "<section><h2>" << esc(text(Message::n_business, lang)) << "</h2><p>"
      << fmt::format(fmt::runtime(esc(text(Message::h_completed, lang))), // the count in bold
                     fmt::arg("completed", fmt::format("<b>{}</b>", b.completed_orders)),
                     fmt::arg("closed", b.closed_in_window));
  if (b.mes_file_processing) {
    out << " &middot; "
        << html_text(Message::h_file_processing, lang, fmt::arg("service", b.mes_service),
                     fmt::arg("p50", dur(b.mes_file_processing->p50_ns)),
                     fmt::arg("p95", dur(b.mes_file_processing->p95_ns)),
                     fmt::arg("p99", dur(b.mes_file_processing->p99_ns)),
                     fmt::arg("n", b.mes_file_processing->count));
  }
  out << "</p><div class=\"grid\"><div><h2>HTTP 5xx</h2><table class=\"sortable\"><thead><tr>"
      << header_cells(
             {Message::h_column_service, Message::h_column_operation, Message::n_column_count},
             lang)
      << "</tr></thead><tbody>";
  for (const auto& item : b.http_5xx) {
    out << "<tr><td>" << esc(item.service) << "</td><td>" << esc(item.operation) << "</td>"
        << num_cell(static_cast<double>(item.count), std::to_string(item.count)) << "</tr>";
  }
  out << "</tbody></table></div><div><h2>" << esc(text(Message::h_entry_latency, lang))
      << "</h2><table class=\"sortable\"><thead><tr>"
      << header_cells(
             {Message::h_column_service, Message::h_column_operation, Message::n_column_count},
             lang)
      << "<th>p50</th><th>p95</th><th>p99</th></tr></thead><tbody>";
  for (const auto& item : b.entry_latency) {
    out << "<tr><td>" << esc(item.service) << "</td><td>" << esc(item.operation) << "</td>"
        << num_cell(static_cast<double>(item.durations.count), std::to_string(item.durations.count))
        << num_cell(static_cast<double>(item.durations.p50_ns) / 1e9, dur(item.durations.p50_ns))
        << num_cell(static_cast<double>(item.durations.p95_ns) / 1e9, dur(item.durations.p95_ns))
        << num_cell(static_cast<double>(item.durations.p99_ns) / 1e9, dur(item.durations.p99_ns))
        << "</tr>";
  }
  out << "</tbody></table></div></div></section>\n";

  if (r.discovery || !r.warnings.empty()) {
    out << "<section><h2>" << esc(text(Message::h_notes, lang)) << "</h2>";
    if (r.discovery) {
      const auto& d = *r.discovery;
      out << "<p class=\"muted\">"
          << html_text(Message::n_jaeger, lang, fmt::arg("route", d.route),
                       fmt::arg("searches", d.searches), fmt::arg("split", d.windows_split),
                       fmt::arg("linked", d.linked_fetched), fmt::arg("requests", d.http_requests),
                       fmt::arg("traces", d.traces))
          << "</p>";
    }
    if (!r.warnings.empty()) {
      out << "<ul>";
      for (std::size_t i = 0; i < r.warnings.size(); ++i) {
        out << "<li>" << esc(detail::warning_text(r, i, lang, options.zone)) << "</li>";
      }
      out << "</ul>";
    }
    out << "</section>\n";
  }
  out << "</main><script>" << k_script << "</script></body></html>\n";
}

} // namespace ordertrace::report

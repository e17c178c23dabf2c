// The Markdown renderer: a short block to paste into a support ticket. It says what the
// text report says first (verdict, suspect, where it stopped, the failing span and its
// error) and links to Jaeger; the rest stays in `show`.

#include <ordertrace/report/messages.hpp>
#include <ordertrace/report/phrases.hpp>
#include <ordertrace/report/render.hpp>
#include <ordertrace/report/text_layout.hpp>
#include <ordertrace/report/ticket.hpp>
#include <ordertrace/util/time.hpp>

#include <algorithm>
#include <cctype>

namespace ordertrace::report {
namespace {

constexpr std::size_t k_max_links = 5;

// Text from traces as Markdown text: one line, and no character that could start markup,
// a link or raw HTML.
std::string text(std::string_view raw) {
  const std::string clean = detail::sanitize(raw);
  auto alnum = [&clean](std::size_t i) {
    return i < clean.size() && std::isalnum(static_cast<unsigned char>(clean[i])) != 0;
  };
  std::string out;
  for (std::size_t i = 0; i < clean.size(); ++i) {
    const char c = clean[i];
    if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
      continue;
    }
    // An underscore inside a word (PRICE_CALCULATED) is no emphasis in CommonMark, and
    // stays readable in a ticket that shows the raw text.
    const bool inside_word = c == '_' && i > 0 && alnum(i - 1) && alnum(i + 1);
    if (!inside_word && std::string_view("\\`*_[]<>|#~!").find(c) != std::string_view::npos) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

// A code span: backticks cannot be escaped inside one, so they become quotes.
std::string code(std::string_view raw) {
  std::string out = text(raw);
  out.erase(std::remove(out.begin(), out.end(), '\\'), out.end());
  std::replace(out.begin(), out.end(), '`', '\'');
  return "`" + out + "`";
}

} // namespace

void render_markdown(std::ostream& out, const lifecycle::Assessment& unfiltered,
                     const RenderOptions& options) {
  const lifecycle::Assessment a = redacted(unfiltered, options);
  const TicketSummary summary = summarize(a, options);
  const Language language = options.language;
  const auto label = [language](Message id) {
    return "- **" + std::string(report::text(id, language)) + ":** ";
  };
  const auto time_text = [&options](std::int64_t ns) {
    return detail::moment(ns, options.zone);
  };
  const auto duration = [language](std::int64_t ns) {
    return format_duration(ns, language);
  };

  out << "**" << verdict_label(a.verdict, language);
  if (a.ending) {
    out << " — " << text(*a.ending);
  }
  out << "** · " << report::text(Message::order, language) << ' ' << code(a.order_id);
  if (!summary.suspect.empty()) {
    out << " · " << report::text(Message::suspect, language) << " **" << text(summary.suspect)
        << "**";
  }
  out << "\n\n";
  if (!a.reason.empty()) {
    out << text(detail::reason_text(a, language, options.zone)) << "\n\n";
  }

  if (const std::string why = detail::not_found_text(a, language); !why.empty()) {
    out << label(Message::md_not_found) << text(why) << '\n';
  }
  if (!summary.state.empty()) {
    out << label(a.verdict == lifecycle::Verdict::completed ? Message::md_completed
                                                            : Message::md_last_state);
    if (a.last_state_time_ns) {
      out << format(Message::state_at_time, language, fmt::arg("state", text(summary.state)),
                    fmt::arg("time", time_text(*a.last_state_time_ns)));
    } else {
      out << text(summary.state);
    }
    out << '\n';
  }
  if (!a.loops.empty()) {
    out << label(Message::md_loops);
    for (std::size_t i = 0; i < a.loops.size(); ++i) {
      out << (i == 0 ? "" : "; ")
          << text(format(Message::loop, language, fmt::arg("from", a.loops[i].from_state),
                         fmt::arg("to", a.loops[i].to_state), fmt::arg("count", a.loops[i].count)));
    }
    out << '\n';
  }
  if (a.expected_next_state && a.verdict != lifecycle::Verdict::completed) {
    out << label(Message::md_expected);
    if (a.expected_owner) {
      out << format(Message::state_from_owner, language,
                    fmt::arg("state", text(*a.expected_next_state)),
                    fmt::arg("owner", text(*a.expected_owner)));
    } else {
      out << text(*a.expected_next_state);
    }
    if (a.waiting_ns) {
      out << format(Message::md_waiting, language, fmt::arg("waited", duration(*a.waiting_ns)));
      if (a.allowance_ns) {
        out << format(Message::md_allowed, language,
                      fmt::arg("allowed", duration(*a.allowance_ns)));
      }
    }
    out << '\n';
  }
  if (a.deadline_ns && a.waiting_ns && a.verdict != lifecycle::Verdict::completed) {
    out << label(Message::md_deadline) << detail::deadline_text(a, language, options.zone) << '\n';
  }
  if (const std::string allowances = detail::allowances_text(a, language); !allowances.empty()) {
    out << label(Message::md_allowances) << text(allowances) << '\n';
  }
  if (const std::string next = detail::next_step_text(a, language, options.zone); !next.empty()) {
    out << label(Message::md_next_step) << text(next) << '\n';
  }
  if (!summary.trace_id.empty()) {
    out << label(Message::md_span) << text(summary.service.empty() ? "?" : summary.service);
    if (!summary.operation.empty()) {
      out << " · " << code(summary.operation);
    }
    out << ", " << report::text(Message::md_trace, language) << ' ' << code(summary.trace_id);
    if (!summary.span_id.empty()) {
      out << ' ' << report::text(Message::md_span_id, language) << ' ' << code(summary.span_id);
    }
    out << '\n';
  }
  if (!summary.error.empty() || summary.http_status) {
    std::string problem = summary.http_status ? "HTTP " + std::to_string(*summary.http_status) : "";
    if (!summary.error.empty() && summary.error != problem) {
      problem += (problem.empty() ? "" : ": ") + summary.error;
    }
    out << label(Message::md_error) << text(problem) << '\n';
  }
  if (!summary.queue.empty()) {
    out << label(Message::md_queue) << code(summary.queue) << '\n';
  }

  // The failing span's trace first, then the order's other traces.
  std::vector<std::string> links;
  if (!summary.jaeger_url.empty()) {
    links.push_back(summary.jaeger_url);
  }
  for (const auto& trace : a.traces) {
    std::string url = jaeger_trace_url(options.ui_url, trace);
    if (std::find(links.begin(), links.end(), url) == links.end()) {
      links.push_back(std::move(url));
    }
  }
  if (!links.empty()) {
    out << "- **Jaeger:**";
    for (std::size_t i = 0; i < std::min(links.size(), k_max_links); ++i) {
      out << (i == 0 ? " " : ", ") << '<' << links[i] << '>';
    }
    if (links.size() > k_max_links) {
      out << format(Message::md_and_more, language, fmt::arg("count", links.size() - k_max_links));
    }
    out << '\n';
  }
  out << "\n_" << format(Message::md_footer, language, fmt::arg("time", time_text(a.now_ns)));
  if (!options.lifecycle_name.empty()) {
    out << format(Message::md_lifecycle, language, fmt::arg("name", text(options.lifecycle_name)));
  }
  out << "_\n";
}

} // namespace ordertrace::report

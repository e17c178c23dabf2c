// The Markdown renderer: a short block to paste into a support ticket. It says what the
// text report says first (verdict, suspect, where it stopped, the failing span and its
// error) and links to Jaeger; the rest stays in `show`.

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

// To the second: people read it (the JSON report has the rest).
std::string time_text(std::int64_t time_ns) {
  std::int64_t remainder = time_ns % util::k_ns_per_second;
  if (remainder < 0) {
    remainder += util::k_ns_per_second;
  }
  return util::format_rfc3339(time_ns - remainder);
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

  out << "**" << summary.verdict << "** · order " << code(a.order_id);
  if (!summary.suspect.empty()) {
    out << " · suspect: **" << text(summary.suspect) << "**";
  }
  out << "\n\n";
  if (!a.reason.empty()) {
    out << text(a.reason) << "\n\n";
  }

  if (!summary.state.empty()) {
    out << "- **" << (a.verdict == lifecycle::Verdict::completed ? "Completed" : "Last state")
        << ":** " << text(summary.state);
    if (a.last_state_time_ns) {
      out << " at " << time_text(*a.last_state_time_ns);
    }
    out << '\n';
  }
  if (a.expected_next_state && a.verdict != lifecycle::Verdict::completed) {
    out << "- **Expected:** " << text(*a.expected_next_state);
    if (a.expected_owner) {
      out << " from " << text(*a.expected_owner);
    }
    if (a.waiting_ns) {
      out << ", waiting " << util::format_duration(*a.waiting_ns);
      if (a.allowance_ns) {
        out << " (" << util::format_duration(*a.allowance_ns) << " allowed)";
      }
    }
    out << '\n';
  }
  if (!summary.trace_id.empty()) {
    out << "- **Span:** " << text(summary.service.empty() ? "?" : summary.service);
    if (!summary.operation.empty()) {
      out << " · " << code(summary.operation);
    }
    out << ", trace " << code(summary.trace_id);
    if (!summary.span_id.empty()) {
      out << " span " << code(summary.span_id);
    }
    out << '\n';
  }
  if (!summary.error.empty() || summary.http_status) {
    std::string problem = summary.http_status ? "HTTP " + std::to_string(*summary.http_status) : "";
    if (!summary.error.empty() && summary.error != problem) {
      problem += (problem.empty() ? "" : ": ") + summary.error;
    }
    out << "- **Error:** " << text(problem) << '\n';
  }
  if (!summary.queue.empty()) {
    out << "- **Queue:** " << code(summary.queue) << '\n';
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
      out << " and " << links.size() - k_max_links << " more";
    }
    out << '\n';
  }
  out << "\n_ordertrace, as of " << time_text(a.now_ns);
  if (!options.lifecycle_name.empty()) {
    out << ", lifecycle " << text(options.lifecycle_name);
  }
  out << "_\n";
}

} // namespace ordertrace::report

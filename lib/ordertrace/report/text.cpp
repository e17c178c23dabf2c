// The text renderer, for support staff at a terminal: the verdict first, then how the
// order got where it is, where it stopped, and the spans that prove it. One screen,
// about 80 columns; the JSON renderer carries everything in full.

#include <ordertrace/report/render.hpp>
#include <ordertrace/report/text_layout.hpp>
#include <ordertrace/util/time.hpp>

#include <algorithm>
#include <sstream>

namespace ordertrace::report {
namespace {

using detail::display_width;
using detail::pad;
using detail::sanitize;
using detail::truncate;
using detail::wrap;

constexpr std::size_t k_width = 80;
constexpr std::size_t k_gap = 2; // spaces between table columns
constexpr std::size_t k_indent = 2;
constexpr std::size_t k_short_span_id = 8;
constexpr std::size_t k_min_operation_width = 10;
constexpr std::size_t k_min_service_width = 8;
constexpr std::size_t k_max_service_width = 16;
constexpr std::size_t k_max_evidence = 10;
constexpr std::size_t k_max_traces = 10;

constexpr std::string_view k_reset = "\x1b[0m";
constexpr std::string_view k_bold = "\x1b[1m";
constexpr std::string_view k_dim = "\x1b[2m";
constexpr std::string_view k_red = "\x1b[1;31m";
constexpr std::string_view k_green = "\x1b[1;32m";
constexpr std::string_view k_yellow = "\x1b[1;33m";
constexpr std::string_view k_magenta = "\x1b[1;35m";

class TextWriter {
public:
  TextWriter(std::ostream& out, const RenderOptions& options) : m_out(out), m_options(options) {}

  // `text` in `style` when colour is on; `text` as it is otherwise.
  std::string styled(std::string_view style, std::string_view text) const {
    if (!m_options.color || style.empty() || text.empty()) {
      return std::string(text);
    }
    std::string out(style);
    out += text;
    out += k_reset;
    return out;
  }

  void line(std::string_view text = {}) { m_out << text << '\n'; }

  void heading(std::string_view title) { line(styled(k_bold, title)); }

  // "Label:      text", the text wrapped under itself when it is long.
  void labelled(std::string_view label, std::size_t label_width, std::string_view text,
                std::string_view style = {}) {
    const auto parts = wrap(text, k_width - label_width);
    for (std::size_t i = 0; i < parts.size(); ++i) {
      line(pad(i == 0 ? label : std::string_view{}, label_width) + styled(style, parts[i]));
    }
  }

  // `text` wrapped to the screen, every line indented by `indent`.
  void wrapped(std::string_view text, std::size_t indent, std::string_view style = {}) {
    const std::string prefix(indent, ' ');
    for (const auto& part : wrap(sanitize(text), k_width - indent)) {
      line(prefix + styled(style, part));
    }
  }

  const RenderOptions& options() const noexcept { return m_options; }

private:
  std::ostream& m_out;
  const RenderOptions& m_options;
};

std::string_view verdict_style(lifecycle::Verdict verdict) {
  switch (verdict) {
  case lifecycle::Verdict::lost:
    return k_red;
  case lifecycle::Verdict::stalled:
  case lifecycle::Verdict::inconsistent:
    return k_yellow;
  case lifecycle::Verdict::completed:
  case lifecycle::Verdict::on_track:
    return k_green;
  case lifecycle::Verdict::not_found:
    return k_magenta;
  case lifecycle::Verdict::abandoned:
    break;
  }
  return k_bold;
}

std::string evidence_label(lifecycle::Evidence::Kind kind) {
  std::string label(lifecycle::to_string(kind));
  std::replace(label.begin(), label.end(), '_', ' ');
  return label;
}

// RFC 3339 to the second: people read it, and can paste it into --now. JSON has the rest.
std::string time_text(std::int64_t time_ns) {
  std::int64_t remainder = time_ns % util::k_ns_per_second;
  if (remainder < 0) {
    remainder += util::k_ns_per_second;
  }
  return util::format_rfc3339(time_ns - remainder);
}

// "2026-08-20 10:12" or, when every row is in one year, "08-20 10:12".
std::string table_time(std::int64_t time_ns, bool short_form) {
  std::string text = util::format_rfc3339(time_ns).substr(0, 16);
  text[10] = ' ';
  return short_form ? text.substr(5) : text;
}

std::string service_operation(const lifecycle::SpanPointer& span) {
  if (span.service.empty() && span.operation.empty()) {
    return {};
  }
  std::string out = sanitize(span.service.empty() ? "?" : span.service);
  if (!span.operation.empty()) {
    out += " · ";
    out += sanitize(span.operation);
  }
  return out;
}

void write_headline(TextWriter& w, const lifecycle::Assessment& a) {
  std::string headline = w.styled(verdict_style(a.verdict), lifecycle::to_string(a.verdict)) +
                         "  order " + sanitize(a.order_id);
  if (a.suspect) {
    headline += "  suspect: " + w.styled(k_bold, sanitize(*a.suspect));
  }
  w.line(headline);
  if (!a.reason.empty()) {
    w.wrapped(a.reason, 0);
  }
}

void write_timeline(TextWriter& w, const lifecycle::Assessment& a) {
  if (a.timeline.empty()) {
    return;
  }
  const std::string year = util::format_rfc3339(a.timeline.front().time_ns).substr(0, 4);
  const bool one_year = std::all_of(a.timeline.begin(), a.timeline.end(), [&](const auto& t) {
    return util::format_rfc3339(t.time_ns).substr(0, 4) == year;
  });

  struct Row {
    std::string state, time, took, service, operation, span;
    bool over = false;
  };
  std::vector<Row> rows;
  bool any_over = false;
  for (const auto& t : a.timeline) {
    Row row;
    row.state = sanitize(t.state);
    if (t.repeats > 0) {
      row.state += " ×" + std::to_string(t.repeats + 1);
    }
    row.time = table_time(t.time_ns, one_year);
    row.took = "-";
    for (const auto& stage : a.stages) {
      if (stage.to_state == t.state) {
        row.took = util::format_duration(stage.duration_ns);
        row.over = stage.over_allowance;
        if (row.over) {
          row.took += '!';
          any_over = true;
        }
        break;
      }
    }
    row.service = truncate(sanitize(t.span.service), k_max_service_width);
    row.operation = sanitize(t.span.operation);
    row.span = t.span.span_id.empty() ? "-" : t.span.span_id.hex().substr(0, k_short_span_id);
    rows.push_back(std::move(row));
  }

  Row header{"STATE", "REACHED", "TOOK", "SERVICE", "OPERATION", "SPAN", false};
  auto width_of = [&](std::string Row::*field) {
    std::size_t width = display_width(header.*field);
    for (const auto& row : rows) {
      width = std::max(width, display_width(row.*field));
    }
    return width;
  };
  const std::size_t state_w = width_of(&Row::state);
  const std::size_t time_w = width_of(&Row::time);
  const std::size_t took_w = width_of(&Row::took);
  // The operation and then the service give way when the other columns are wide.
  const std::size_t fixed = k_indent + state_w + time_w + took_w + k_short_span_id + 5 * k_gap;
  const std::size_t room = fixed < k_width ? k_width - fixed : 0;
  const std::size_t operation_natural = width_of(&Row::operation);
  const std::size_t service_w =
      std::min(width_of(&Row::service),
               std::max(k_min_service_width,
                        room - std::min({room, operation_natural, k_min_operation_width})));
  const std::size_t operation_w =
      std::max(std::min(operation_natural, room > service_w ? room - service_w : 0),
               std::min(operation_natural, k_min_operation_width));

  const std::string gap(k_gap, ' ');
  auto format_row = [&](const Row& row, bool is_header) {
    std::string took = pad(row.took, took_w);
    if (row.over) {
      took = w.styled(k_yellow, took);
    }
    std::string text = std::string(k_indent, ' ') + pad(row.state, state_w) + gap +
                       pad(row.time, time_w) + gap + took + gap +
                       pad(truncate(row.service, service_w), service_w) + gap +
                       pad(truncate(row.operation, operation_w), operation_w) + gap + row.span;
    return is_header ? w.styled(k_dim, text) : text;
  };

  w.heading(one_year ? "Timeline (UTC, " + year + ")" : std::string("Timeline (UTC)"));
  w.line(format_row(header, true));
  for (const auto& row : rows) {
    w.line(format_row(row, false));
  }
  if (any_over) {
    w.line(std::string(k_indent, ' ') + "! took longer than the allowance for that stage");
  }
  if (!a.missing_states.empty()) {
    std::string missing;
    for (const auto& state : a.missing_states) {
      missing += (missing.empty() ? "" : ", ") + sanitize(state);
    }
    w.wrapped("Missing: " + missing, k_indent);
  }
}

const lifecycle::Transition* find_transition(const lifecycle::Assessment& a,
                                             const std::string& state) {
  for (const auto& transition : a.timeline) {
    if (transition.state == state) {
      return &transition;
    }
  }
  return nullptr;
}

void write_position(TextWriter& w, const lifecycle::Assessment& a) {
  if (!a.last_state) {
    return;
  }
  constexpr std::size_t label_w = 13;
  const bool completed = a.verdict == lifecycle::Verdict::completed;
  std::string where = sanitize(*a.last_state);
  const auto* transition = find_transition(a, *a.last_state);
  const auto when = a.last_state_time_ns
                        ? a.last_state_time_ns
                        : (transition ? std::optional(transition->time_ns) : std::nullopt);
  if (when) {
    where += " at " + time_text(*when);
  }
  const std::string_view label = completed                                   ? "Completed:"
                                 : a.verdict == lifecycle::Verdict::on_track ? "Now at:"
                                                                             : "Stopped at:";
  w.labelled(label, label_w, where);
  if (transition) {
    w.labelled({}, label_w, service_operation(transition->span));
  }

  if (a.expected_next_state) {
    std::string expected = sanitize(*a.expected_next_state);
    if (a.expected_owner) {
      expected += " from " + sanitize(*a.expected_owner);
      if (a.suspect && *a.suspect == *a.expected_owner) {
        expected += " (suspect)";
      }
    }
    w.labelled("Expected:", label_w, expected);
  }
  if (a.waiting_ns && !completed) {
    std::string waiting = util::format_duration(*a.waiting_ns);
    if (a.allowance_ns) {
      waiting += " of " + util::format_duration(*a.allowance_ns) + " allowed";
    }
    const bool over = a.deadline_ns && a.now_ns > *a.deadline_ns;
    w.labelled("Waiting:", label_w, waiting, over ? k_yellow : std::string_view{});
    if (a.deadline_ns) {
      const std::int64_t left = *a.deadline_ns - a.now_ns;
      w.labelled("Deadline:", label_w,
                 time_text(*a.deadline_ns) +
                     (left >= 0 ? " (" + util::format_duration(left) + " left)"
                                : " (over by " + util::format_duration(-left) + ")"));
    }
  }
}

void write_evidence(TextWriter& w, const lifecycle::Assessment& a) {
  if (a.evidence.empty()) {
    return;
  }
  w.heading("Evidence");
  const std::size_t shown = std::min(a.evidence.size(), k_max_evidence);
  for (std::size_t i = 0; i < shown; ++i) {
    const auto& e = a.evidence[i];
    const std::string_view style = e.kind == lifecycle::Evidence::Kind::error ||
                                           e.kind == lifecycle::Evidence::Kind::unconsumed_message
                                       ? k_red
                                       : k_bold;
    std::string head = w.styled(style, evidence_label(e.kind));
    if (e.span.time_ns != 0) {
      head += " · " + time_text(e.span.time_ns);
    }
    w.line(std::string(k_indent, ' ') + head);
    if (const auto where = service_operation(e.span); !where.empty()) {
      w.wrapped(where, 2 * k_indent);
    }
    std::string problem;
    if (e.http_status) {
      problem = "HTTP " + std::to_string(*e.http_status);
    }
    if (!e.message.empty() && e.message != problem) {
      problem += (problem.empty() ? "" : ": ") + e.message;
    }
    if (!problem.empty()) {
      w.wrapped(problem, 2 * k_indent);
    }
    if (!e.queue.empty()) {
      w.wrapped("queue " + e.queue, 2 * k_indent);
    }
    if (!e.span.trace_id.empty()) {
      w.line(std::string(2 * k_indent, ' ') + "trace " + e.span.trace_id.hex() + "  span " +
             e.span.span_id.hex());
    }
    if (!e.detail.empty()) {
      w.wrapped(e.detail, 2 * k_indent);
    }
  }
  if (a.evidence.size() > shown) {
    w.line(std::string(k_indent, ' ') + "… and " + std::to_string(a.evidence.size() - shown) +
           " more (--format json lists all)");
  }
}

void write_warnings(TextWriter& w, const lifecycle::Assessment& a) {
  if (a.warnings.empty()) {
    return;
  }
  w.heading("Warnings");
  for (const auto& warning : a.warnings) {
    const auto lines = wrap(sanitize(warning), k_width - 2 * k_indent);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      w.line(std::string(k_indent, ' ') + (i == 0 ? "- " : "  ") + lines[i]);
    }
  }
}

void write_links(TextWriter& w, const lifecycle::Assessment& a) {
  if (a.traces.empty()) {
    return;
  }
  w.heading(a.traces.size() == 1 ? "Trace in Jaeger" : "Traces in Jaeger");
  const std::size_t shown = std::min(a.traces.size(), k_max_traces);
  for (std::size_t i = 0; i < shown; ++i) {
    w.line(std::string(k_indent, ' ') + jaeger_trace_url(w.options().ui_url, a.traces[i]));
  }
  if (a.traces.size() > shown) {
    w.line(std::string(k_indent, ' ') + "… and " + std::to_string(a.traces.size() - shown) +
           " more (--format json lists all)");
  }
}

} // namespace

void render_text(std::ostream& out, const lifecycle::Assessment& unfiltered,
                 const RenderOptions& options) {
  const lifecycle::Assessment assessment = redacted(unfiltered, options);
  TextWriter w(out, options);
  // Sections are separated by one blank line; empty sections leave no trace.
  auto section = [&](auto write) {
    std::ostringstream buffer;
    TextWriter section_writer(buffer, options);
    write(section_writer, assessment);
    if (!buffer.str().empty()) {
      w.line();
      out << buffer.str();
    }
  };
  write_headline(w, assessment);
  section(write_timeline);
  section(write_position);
  section(write_evidence);
  section(write_warnings);
  section(write_links);
  std::string footer = "As of " + time_text(assessment.now_ns);
  if (!options.lifecycle_name.empty()) {
    footer += ", lifecycle \"" + sanitize(options.lifecycle_name) + "\"";
  }
  w.line();
  w.line(w.styled(k_dim, footer));
}

} // namespace ordertrace::report

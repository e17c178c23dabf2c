// The text renderer, for support staff at a terminal: the verdict first, then how the
// order got where it is, where it stopped, and the spans that prove it. One screen,
// about 80 columns; the JSON renderer carries everything in full.

#include <ordertrace/report/messages.hpp>
#include <ordertrace/report/phrases.hpp>
#include <ordertrace/report/render.hpp>
#include <ordertrace/report/text_layout.hpp>
#include <ordertrace/util/time.hpp>

#include <algorithm>
#include <sstream>

namespace ordertrace::report {
namespace {

using detail::display_width;
using detail::moment;
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
  Language language() const noexcept { return m_options.language; }
  const util::TimeZone& zone() const noexcept { return m_options.zone; }

  // The label or text `id` in the reader's language.
  std::string_view text(Message id) const noexcept { return report::text(id, language()); }
  template <typename... Args> std::string format(Message id, const Args&... args) const {
    return report::format(id, language(), args...);
  }
  std::string duration(std::int64_t ns) const { return format_duration(ns, language()); }
  std::string time(std::int64_t ns) const { return moment(ns, zone()); }

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

// "2026-08-20 10:12" or, when every row is in one year, "08-20 10:12", on the zone's clock.
std::string table_time(std::int64_t time_ns, const util::TimeZone& zone, bool short_form) {
  std::string text = util::format_local_minutes(time_ns, zone).substr(0, 16);
  return short_form ? text.substr(5) : text;
}

// "+03:00" for an offset in seconds.
std::string offset_text(std::int64_t seconds) {
  const char sign = seconds < 0 ? '-' : '+';
  const std::int64_t minutes = (seconds < 0 ? -seconds : seconds) / 60;
  const auto two = [](std::int64_t n) {
    return (n < 10 ? "0" : "") + std::to_string(n);
  };
  return sign + two(minutes / 60) + ":" + two(minutes % 60);
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
  std::string verdict = verdict_label(a.verdict, w.language());
  if (a.ending) {
    verdict += " — " + sanitize(*a.ending); // "COMPLETED — CANCELLED"
  }
  std::string headline = w.styled(verdict_style(a.verdict), verdict) + "  " +
                         std::string(w.text(Message::order)) + " " + sanitize(a.order_id);
  if (a.suspect) {
    headline +=
        "  " + std::string(w.text(Message::suspect)) + " " + w.styled(k_bold, sanitize(*a.suspect));
  }
  w.line(headline);
  if (!a.reason.empty()) {
    w.wrapped(detail::reason_text(a, w.language(), w.zone()), 0);
  }
}

void write_timeline(TextWriter& w, const lifecycle::Assessment& a) {
  if (a.timeline.empty()) {
    return;
  }
  const util::TimeZone& zone = w.zone();
  const int year = zone.to_local(a.timeline.front().time_ns).year;
  const bool one_year = std::all_of(a.timeline.begin(), a.timeline.end(), [&](const auto& t) {
    return zone.to_local(t.time_ns).year == year;
  });
  // One offset for the whole table goes in the heading; across a clock change, each row
  // says its own.
  const std::int64_t offset = zone.offset_seconds(a.timeline.front().time_ns);
  const bool one_offset = std::all_of(a.timeline.begin(), a.timeline.end(), [&](const auto& t) {
    return zone.offset_seconds(t.time_ns) == offset;
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
    row.time = table_time(t.time_ns, zone, one_year);
    if (!one_offset) {
      row.time += " " + offset_text(zone.offset_seconds(t.time_ns));
    }
    row.took = "-";
    for (const auto& stage : a.stages) {
      if (stage.to_state == t.state) {
        row.took = w.duration(stage.duration_ns);
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

  Row header{std::string(w.text(Message::column_state)),
             std::string(w.text(Message::column_reached)),
             std::string(w.text(Message::column_took)),
             std::string(w.text(Message::column_service)),
             std::string(w.text(Message::column_operation)),
             std::string(w.text(Message::column_span)),
             false};
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
  const std::size_t span_w = std::max(k_short_span_id, display_width(header.span));
  const std::size_t fixed = k_indent + state_w + time_w + took_w + span_w + 5 * k_gap;
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

  // "UTC, 2026", "Europe/Moscow +03:00, 2026": what the REACHED column is read in.
  std::string when = zone.is_utc() ? std::string("UTC") : zone.name();
  if (!zone.is_utc() && one_offset) {
    when += " " + offset_text(offset);
  }
  if (one_year) {
    when += ", " + std::to_string(year);
  }
  w.heading(w.format(Message::timeline, fmt::arg("when", when)));
  w.line(format_row(header, true));
  for (const auto& row : rows) {
    w.line(format_row(row, false));
  }
  if (any_over) {
    w.line(std::string(k_indent, ' ') + std::string(w.text(Message::took_over_allowance)));
  }
  if (!a.missing_states.empty()) {
    std::string missing;
    for (const auto& state : a.missing_states) {
      missing += (missing.empty() ? "" : ", ") + sanitize(state);
    }
    w.wrapped(w.format(Message::missing_states, fmt::arg("states", missing)), k_indent);
  }
  for (const auto& loop : a.loops) {
    w.wrapped(w.format(Message::loop, fmt::arg("from", sanitize(loop.from_state)),
                       fmt::arg("to", sanitize(loop.to_state)), fmt::arg("count", loop.count)),
              k_indent);
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

// Width of the labels of the position section in the reader's language: 13 columns in
// English, wider when a translation needs it, so that the texts start in one column.
std::size_t position_label_width(const TextWriter& w) {
  std::size_t width = 13;
  for (Message label :
       {Message::label_completed, Message::label_now_at, Message::label_stopped_at,
        Message::label_expected, Message::label_waiting, Message::label_deadline_ahead,
        Message::label_deadline_passed, Message::label_allowances, Message::label_next_step,
        Message::label_not_found}) {
    width = std::max(width, display_width(w.text(label)) + 2);
  }
  return width;
}

void write_position(TextWriter& w, const lifecycle::Assessment& a) {
  const std::size_t label_w = position_label_width(w);
  if (const std::string why = detail::not_found_text(a, w.language()); !why.empty()) {
    w.labelled(w.text(Message::label_not_found), label_w, sanitize(why));
  }
  if (!a.last_state) {
    return;
  }
  const bool completed = a.verdict == lifecycle::Verdict::completed;
  std::string where = sanitize(*a.last_state);
  const auto* transition = find_transition(a, *a.last_state);
  const auto when = a.last_state_time_ns
                        ? a.last_state_time_ns
                        : (transition ? std::optional(transition->time_ns) : std::nullopt);
  if (when) {
    where =
        w.format(Message::state_at_time, fmt::arg("state", where), fmt::arg("time", w.time(*when)));
  }
  const Message label = completed                                   ? Message::label_completed
                        : a.verdict == lifecycle::Verdict::on_track ? Message::label_now_at
                                                                    : Message::label_stopped_at;
  w.labelled(w.text(label), label_w, where);
  if (transition) {
    w.labelled({}, label_w, service_operation(transition->span));
  }

  if (a.expected_next_state) {
    std::string expected = sanitize(*a.expected_next_state);
    if (a.expected_owner) {
      expected = w.format(Message::state_from_owner, fmt::arg("state", expected),
                          fmt::arg("owner", sanitize(*a.expected_owner)));
      if (a.suspect && *a.suspect == *a.expected_owner) {
        expected += w.text(Message::suspect_mark);
      }
    }
    w.labelled(w.text(Message::label_expected), label_w, expected);
  }
  if (a.waiting_ns && !completed) {
    std::string waiting = w.duration(*a.waiting_ns);
    if (a.allowance_ns) {
      waiting = w.format(Message::waiting_of_allowed, fmt::arg("waited", waiting),
                         fmt::arg("allowed", w.duration(*a.allowance_ns)));
    }
    const bool over = a.deadline_ns && a.now_ns > *a.deadline_ns;
    w.labelled(w.text(Message::label_waiting), label_w, waiting,
               over ? k_yellow : std::string_view{});
    if (a.deadline_ns) {
      // When the allowance runs out (or ran out), on the reader's clock.
      const bool ahead = *a.deadline_ns >= a.now_ns;
      w.labelled(w.text(ahead ? Message::label_deadline_ahead : Message::label_deadline_passed),
                 label_w, detail::deadline_text(a, w.language(), w.zone()));
    }
  }
  if (const std::string allowances = detail::allowances_text(a, w.language());
      !allowances.empty()) {
    w.labelled(w.text(Message::label_allowances), label_w, sanitize(allowances));
  }
  if (const std::string next = detail::next_step_text(a, w.language(), w.zone()); !next.empty()) {
    w.labelled(w.text(Message::label_next_step), label_w, sanitize(next));
  }
}

void write_evidence(TextWriter& w, const lifecycle::Assessment& a) {
  if (a.evidence.empty()) {
    return;
  }
  w.heading(w.text(Message::evidence));
  const std::size_t shown = std::min(a.evidence.size(), k_max_evidence);
  for (std::size_t i = 0; i < shown; ++i) {
    const auto& e = a.evidence[i];
    const std::string_view style = e.kind == lifecycle::Evidence::Kind::error ||
                                           e.kind == lifecycle::Evidence::Kind::unconsumed_message
                                       ? k_red
                                       : k_bold;
    std::string head = w.styled(style, evidence_label(e.kind, w.language()));
    if (e.span.time_ns != 0) {
      head += " · " + w.time(e.span.time_ns);
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
      w.wrapped(w.format(Message::queue, fmt::arg("queue", e.queue)), 2 * k_indent);
    }
    if (!e.span.trace_id.empty()) {
      w.line(std::string(2 * k_indent, ' ') + w.format(Message::trace_and_span,
                                                       fmt::arg("trace", e.span.trace_id.hex()),
                                                       fmt::arg("span", e.span.span_id.hex())));
    }
    if (!e.detail.empty()) {
      w.wrapped(detail::detail_text(e, w.language(), w.zone()), 2 * k_indent);
    }
  }
  if (a.evidence.size() > shown) {
    w.line(std::string(k_indent, ' ') +
           w.format(Message::and_more_in_json, fmt::arg("count", a.evidence.size() - shown)));
  }
}

void write_warnings(TextWriter& w, const lifecycle::Assessment& a) {
  if (a.warnings.empty()) {
    return;
  }
  w.heading(w.text(Message::warnings));
  for (std::size_t index = 0; index < a.warnings.size(); ++index) {
    const std::string warning = detail::warning_text(a, index, w.language(), w.zone());
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
  w.heading(w.text(a.traces.size() == 1 ? Message::trace_in_jaeger : Message::traces_in_jaeger));
  const std::size_t shown = std::min(a.traces.size(), k_max_traces);
  for (std::size_t i = 0; i < shown; ++i) {
    w.line(std::string(k_indent, ' ') + jaeger_trace_url(w.options().ui_url, a.traces[i]));
  }
  if (a.traces.size() > shown) {
    w.line(std::string(k_indent, ' ') +
           w.format(Message::and_more_in_json, fmt::arg("count", a.traces.size() - shown)));
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
  std::string footer = w.format(Message::as_of, fmt::arg("time", w.time(assessment.now_ns)));
  if (!options.lifecycle_name.empty()) {
    footer +=
        w.format(Message::lifecycle_named, fmt::arg("name", sanitize(options.lifecycle_name)));
  }
  w.line();
  w.line(w.styled(k_dim, footer));
}

} // namespace ordertrace::report

#include <ordertrace/lifecycle/conventions.hpp>
#include <ordertrace/lifecycle/engine.hpp>
#include <ordertrace/lifecycle/span_graph.hpp>
#include <ordertrace/util/strings.hpp>
#include <ordertrace/util/time.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace ordertrace::lifecycle {
namespace {

using model::Span;
using model::SpanKind;

// A span that says a state was reached.
struct Signal {
  std::size_t state = 0; // index into Definition::states
  std::size_t span = 0;  // index into the graph
  std::int64_t time_ns = 0;
  std::int64_t corrected_ns = 0;
  StateSource source = StateSource::attribute;
};

// Skews below this are jitter and µs truncation, corrected silently.
constexpr std::int64_t k_reported_skew_ns = util::k_ns_per_second;

class Assessor {
public:
  Assessor(const Definition& definition, std::span<const Span> spans, const std::string& order_id,
           std::int64_t now_ns, const AssessOptions& options)
      : m_definition(definition), m_options(options), m_graph(spans), m_order_id(order_id),
        m_now_ns(now_ns) {
    m_result.order_id = order_id;
    m_result.now_ns = now_ns;
  }

  Assessment run() {
    find_order_spans();
    if (m_order_spans.empty()) {
      m_result.verdict = Verdict::not_found;
      m_result.not_found_reason = "never_seen";
      m_result.reason =
          fmt::format("no span carries order id \"{}\" in the searched data", m_order_id);
      m_result.reason_phrase = phrase(Phrase::Kind::never_seen, {{"order", m_order_id}});
      return std::move(m_result);
    }
    describe_spans();
    find_order_type();
    extract_signals();
    correct_skew();
    build_timeline();
    if (m_ending) {
      decide_ending();
      return std::move(m_result);
    }
    if (m_first.empty()) {
      // Spans of the order exist but none says a state: nothing to judge progress by.
      m_result.verdict = Verdict::inconsistent;
      m_result.reason = "spans of the order were found, but none of them reports a state";
      m_result.reason_phrase = phrase(Phrase::Kind::no_state_reported);
      collect_errors_as_evidence();
      return std::move(m_result);
    }
    decide();
    return std::move(m_result);
  }

private:
  // --- Which spans belong to the order -------------------------------------------

  // Causal predecessors a span may inherit its order id from: its parent, then (for a
  // consumer, or a span with no parent at all) the spans it links to.
  std::vector<std::size_t> inheritance_sources(std::size_t index) const {
    std::vector<std::size_t> sources;
    if (auto parent = m_graph.parent(index)) {
      sources.push_back(*parent);
    }
    const auto& span = m_graph.span(index);
    if (span.kind == SpanKind::consumer || !span.parent) {
      const auto& targets = m_graph.link_targets(index);
      sources.insert(sources.end(), targets.begin(), targets.end());
    }
    return sources;
  }

  // Resolves every span's order id (own, else inherited), iteratively so that a
  // pathological parent chain cannot overflow the stack.
  void find_order_spans() {
    const std::size_t n = m_graph.size();
    std::vector<std::optional<std::string>> order_of(n);
    std::vector<std::uint8_t> state(n, 0); // 0 new, 1 on the stack, 2 resolved
    struct Frame {
      std::size_t index;
      std::size_t next_source;
      std::vector<std::size_t> sources;
    };
    for (std::size_t start = 0; start < n; ++start) {
      if (state[start] == 2) {
        continue;
      }
      std::vector<Frame> stack;
      stack.push_back({start, 0, {}});
      while (!stack.empty()) {
        Frame& frame = stack.back();
        const std::size_t i = frame.index;
        if (state[i] == 0) {
          state[i] = 1;
          if (auto own = own_order_id(m_definition, m_graph.span(i))) {
            order_of[i] = std::move(own);
            state[i] = 2;
            stack.pop_back();
            continue;
          }
          frame.sources = inheritance_sources(i);
        }
        if (frame.next_source > 0) {
          const std::size_t previous = frame.sources[frame.next_source - 1];
          if (state[previous] == 2 && order_of[previous]) {
            order_of[i] = order_of[previous];
            state[i] = 2;
            stack.pop_back();
            continue;
          }
        }
        if (frame.next_source < frame.sources.size()) {
          const std::size_t source = frame.sources[frame.next_source++];
          if (state[source] == 0) {
            stack.push_back({source, 0, {}});
          }
          continue; // resolved or on the stack (a cycle): checked on the next round
        }
        state[i] = 2;
        stack.pop_back();
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (order_of[i] && *order_of[i] == m_order_id) {
        m_order_spans.push_back(i);
      }
    }
  }

  void describe_spans() {
    std::vector<std::pair<std::int64_t, model::TraceId>> traces;
    std::set<model::TraceId> seen;
    std::size_t orphans = 0;
    std::set<std::string> jaeger_warnings;
    m_result.first_seen_ns = m_graph.span(m_order_spans.front()).start_ns;
    m_result.last_seen_ns = m_graph.span(m_order_spans.front()).end_ns;
    for (std::size_t i : m_order_spans) {
      const auto& span = m_graph.span(i);
      m_result.first_seen_ns = std::min(m_result.first_seen_ns, span.start_ns);
      m_result.last_seen_ns = std::max(m_result.last_seen_ns, span.end_ns);
      if (seen.insert(span.trace_id).second) {
        traces.emplace_back(span.start_ns, span.trace_id);
      } else {
        for (auto& [start, id] : traces) {
          if (id == span.trace_id) {
            start = std::min(start, span.start_ns);
          }
        }
      }
      if (m_graph.parent_missing(i)) {
        ++orphans;
      }
      for (const auto& warning : span.warnings) {
        // Skew is corrected and reported here; Jaeger's own note about it is noise.
        if (warning.find("clock skew adjustment") == std::string::npos) {
          jaeger_warnings.insert(warning);
        }
      }
    }
    std::sort(traces.begin(), traces.end());
    for (const auto& [start, id] : traces) {
      m_result.traces.push_back(id);
    }
    if (orphans > 0) {
      warn(fmt::format("{} span(s) of the order name a parent that is not in the data "
                       "(an incomplete trace: unsampled, dropped or not yet exported)",
                       orphans),
           phrase(Phrase::Kind::orphan_spans, {{"count", std::to_string(orphans)}}));
    }
    constexpr std::size_t k_max_jaeger_warnings = 5;
    std::size_t shown = 0;
    for (const auto& warning : jaeger_warnings) {
      if (shown++ == k_max_jaeger_warnings) {
        const std::size_t more = jaeger_warnings.size() - k_max_jaeger_warnings;
        warn(fmt::format("and {} more Jaeger warning(s)", more),
             phrase(Phrase::Kind::more_jaeger_warnings, {{"count", std::to_string(more)}}));
        break;
      }
      warn("Jaeger: " + warning, phrase(Phrase::Kind::jaeger_warning, {{"warning", warning}}));
    }
  }

  // --- States reached --------------------------------------------------------------

  bool rule_matches(const MappingRule& rule, const Span& span) const {
    if (rule.service != span.service()) {
      return false;
    }
    if (rule.operation &&
        (named_only_by_http_method(span) || !util::glob_match(*rule.operation, span.operation))) {
      return false;
    }
    if (rule.attribute) {
      auto value = model::find_attribute_text(span.attributes, *rule.attribute);
      if (!value || !util::glob_match(rule.attribute_value.value_or("*"), *value)) {
        return false;
      }
    }
    return rule.operation || rule.attribute;
  }

  void add_signal(std::size_t state, std::size_t span, std::int64_t time, StateSource source) {
    for (const auto& signal : m_signals) {
      if (signal.span == span && signal.state == state) {
        return; // the same transition said twice on one span (attribute and event)
      }
    }
    m_signals.push_back({state, span, time, time, source});
  }

  void note_unknown_state(const std::string& name, const Span& span) {
    if (m_unknown_states.insert(name).second) {
      warn(fmt::format("span {} ({} {}) reports state \"{}\", which the lifecycle does not know",
                       span.span_id.hex(), span.service(), span.operation, name),
           phrase(Phrase::Kind::unknown_state, {{"span", span.span_id.hex()},
                                                {"service", span.service()},
                                                {"operation", span.operation},
                                                {"state", name}}));
    }
  }

  // A state or ending named by `order.status` or a rule; anything else is unknown.
  void add_named_signal(const std::string& name, std::size_t span, std::int64_t time,
                        StateSource source) {
    if (auto state = m_definition.index_of(name)) {
      add_signal(*state, span, time, source);
    } else if (auto ending = m_definition.ending_index_of(name)) {
      for (const auto& signal : m_ending_signals) {
        if (signal.span == span && signal.state == *ending) {
          return;
        }
      }
      m_ending_signals.push_back({*ending, span, time, time, source});
    } else {
      note_unknown_state(name, m_graph.span(span));
    }
  }

  void extract_signals() {
    for (std::size_t i : m_order_spans) {
      const auto& span = m_graph.span(i);
      // Events first: their time is the transition's time, the attribute's is the span end.
      for (const auto& event : span.events) {
        if (event.name != m_definition.status_event) {
          continue;
        }
        if (auto name =
                model::find_attribute_text(event.attributes, m_definition.status_attribute)) {
          add_named_signal(*name, i, event.time_ns, StateSource::event);
        }
      }
      if (auto name = model::find_attribute_text(span.attributes, m_definition.status_attribute)) {
        add_named_signal(*name, i, span.end_ns, StateSource::attribute);
      }
      // A rule only reads the operation name, so a failed call cannot have reached the state.
      if (is_error(span)) {
        continue;
      }
      for (const auto& rule : m_definition.rules) {
        if (rule_matches(rule, span)) {
          add_named_signal(rule.state, i, span.end_ns, StateSource::rule);
        }
      }
    }
  }

  // --- Clock skew ------------------------------------------------------------------

  // How far a child's clock must move so that it no longer starts before its causal
  // parent (and, for a synchronous call, sits inside it); 0 when it already does.
  static std::int64_t required_shift(const Span& parent, const Span& child, bool is_link) {
    const bool synchronous =
        !is_link && parent.kind == SpanKind::client && child.kind == SpanKind::server;
    if (synchronous) {
      const std::int64_t parent_duration = parent.end_ns - parent.start_ns;
      const std::int64_t child_duration = child.end_ns - child.start_ns;
      if (child.start_ns >= parent.start_ns && child.end_ns <= parent.end_ns) {
        return 0;
      }
      // Centre the server inside the client: half the remaining time each way.
      const std::int64_t latency =
          std::max<std::int64_t>(0, (parent_duration - child_duration) / 2);
      return parent.start_ns + latency - child.start_ns;
    }
    return child.start_ns < parent.start_ns ? parent.start_ns - child.start_ns : 0;
  }

  void correct_skew() {
    struct Shift {
      std::int64_t value = 0;
      std::size_t child = 0;
      std::string reference;
    };
    std::map<std::string, Shift> shifts;
    auto consider = [&](std::size_t parent_index, std::size_t child_index, bool is_link) {
      const auto& parent = m_graph.span(parent_index);
      const auto& child = m_graph.span(child_index);
      if (parent.service() == child.service()) {
        return;
      }
      const std::int64_t shift = required_shift(parent, child, is_link);
      if (shift == 0) {
        return;
      }
      auto& current = shifts[child.service()];
      if (std::abs(shift) > std::abs(current.value)) {
        current = {shift, child_index, parent.service()};
      }
    };
    for (std::size_t i : m_order_spans) {
      if (auto parent = m_graph.parent(i)) {
        consider(*parent, i, false);
      }
      for (std::size_t target : m_graph.link_targets(i)) {
        consider(target, i, true);
      }
    }
    for (const auto& [service, shift] : shifts) {
      m_skew[service] = shift.value;
      if (std::abs(shift.value) < k_reported_skew_ns) {
        continue;
      }
      const auto& span = m_graph.span(shift.child);
      const std::string direction = shift.value > 0 ? "behind" : "ahead of";
      const std::string detail = fmt::format(
          "the clock of {} is about {} {} {}: its spans start before their causal parent; "
          "its times were corrected by {}{}",
          service, util::format_duration(std::abs(shift.value)), direction, shift.reference,
          shift.value > 0 ? "+" : "-", util::format_duration(std::abs(shift.value)));
      Phrase said = phrase(shift.value > 0 ? Phrase::Kind::clock_behind : Phrase::Kind::clock_ahead,
                           {{"service", service}, {"reference", shift.reference}});
      said.durations_ns["skew"] = std::abs(shift.value);
      warn(detail, said);
      add_evidence(Evidence::Kind::clock_skew, shift.child, span.start_ns, detail, said);
    }
    for (auto& signal : m_signals) {
      signal.corrected_ns = signal.time_ns + skew_of(signal.span);
    }
    for (auto& signal : m_ending_signals) {
      signal.corrected_ns = signal.time_ns + skew_of(signal.span);
    }
  }

  std::int64_t skew_of(std::size_t span) const {
    auto it = m_skew.find(m_graph.span(span).service());
    return it == m_skew.end() ? 0 : it->second;
  }
  std::int64_t corrected_start(std::size_t span) const {
    return m_graph.span(span).start_ns + skew_of(span);
  }

  // --- Timeline --------------------------------------------------------------------

  // True when `earlier` causally precedes `later` (same span excluded).
  bool causally_before(const Signal& earlier, const Signal& later) {
    if (earlier.span == later.span) {
      return false;
    }
    return ancestors_of(later.span)[earlier.span];
  }

  const std::vector<bool>& ancestors_of(std::size_t span) {
    auto it = m_ancestors.find(span);
    if (it == m_ancestors.end()) {
      it = m_ancestors.emplace(span, m_graph.ancestors(span)).first;
    }
    return it->second;
  }

  // True when one span is the other or in its parent chain: one request that reports
  // the same state at two levels (a route and the handler inside it) is one transition.
  bool same_call(std::size_t a, std::size_t b) const {
    auto in_parent_chain = [this](std::size_t from, std::size_t target) {
      std::size_t steps = 0;
      for (std::optional<std::size_t> at = from; at && steps <= m_graph.size(); ++steps) {
        if (*at == target) {
          return true;
        }
        at = m_graph.parent(*at);
      }
      return false;
    };
    return in_parent_chain(a, b) || in_parent_chain(b, a);
  }

  Transition to_transition(const Signal& signal) const {
    Transition transition;
    transition.state = m_definition.states[signal.state].name;
    transition.time_ns = signal.time_ns;
    transition.corrected_time_ns = signal.corrected_ns;
    transition.source = signal.source;
    transition.span = pointer(signal.span, signal.time_ns);
    return transition;
  }

  void build_timeline() {
    // The first occurrence of each state: causally first, then earliest corrected time.
    for (const auto& signal : m_signals) {
      auto it = m_first.find(signal.state);
      if (it == m_first.end()) {
        m_first.emplace(signal.state, signal);
        continue;
      }
      const Signal& current = it->second;
      const bool earlier =
          causally_before(signal, current) ||
          (!causally_before(current, signal) && signal.corrected_ns < current.corrected_ns);
      if (earlier) {
        it->second = signal;
      }
    }
    follow_loops();
    std::map<std::size_t, int> repeats;
    for (std::size_t i = 0; i < m_signals.size(); ++i) {
      const Signal& signal = m_signals[i];
      const Signal& first = m_first.at(signal.state);
      if (same_call(signal.span, first.span)) {
        continue;
      }
      if (m_loop_pass[i]) {
        // A pass after a rework loop: kept (the last state may be one), not a redelivery.
        m_result.repeats.push_back(to_transition(signal));
        continue;
      }
      ++repeats[signal.state];
      Transition repeat = to_transition(signal);
      m_result.repeats.push_back(repeat);
      add_evidence(Evidence::Kind::repeated_state, signal.span, signal.time_ns,
                   fmt::format("{} reported again (a redelivery or a repeated call); the first "
                               "occurrence sets the timeline",
                               repeat.state),
                   phrase(Phrase::Kind::reported_again, {{"state", repeat.state}}));
    }
    for (const auto& [state, signal] : m_first) {
      Transition transition = to_transition(signal);
      transition.repeats = repeats[state];
      m_result.timeline.push_back(std::move(transition));
    }
    find_ending();
    if (m_first.empty()) {
      return; // no state reported: run() judges that, and there is no last state
    }
    // The order stands where its latest pass is: after a rework loop that is the state it
    // went back to (or reached since), counted from the re-entry, not the furthest state.
    m_last = m_position ? m_position->state : m_first.rbegin()->first;
    m_last_signal = m_position ? *m_position : m_first.rbegin()->second;
    m_result.last_state = m_definition.states[m_last].name;
    m_result.last_state_time_ns = m_last_signal.corrected_ns;

    for (std::size_t i = 0; i < m_last; ++i) {
      if (m_definition.states[i].required && !m_first.contains(i)) {
        m_result.missing_states.push_back(m_definition.states[i].name);
      }
    }
    // Stages between consecutive reached states; the allowance is the earlier state's.
    const Signal* previous = nullptr;
    for (const auto& [state, signal] : m_first) {
      if (previous) {
        Stage stage;
        stage.from_state = m_definition.states[previous->state].name;
        stage.to_state = m_definition.states[state].name;
        const std::int64_t from_ns = stage_start(*previous, signal);
        stage.duration_ns = std::max<std::int64_t>(0, signal.corrected_ns - from_ns);
        stage.allowance_ns = allowance_of(previous->state);
        if (stage.allowance_ns) {
          const Calendar* calendar = m_definition.calendar_of(previous->state);
          const std::int64_t counted =
              calendar ? calendar->working_time(from_ns, signal.corrected_ns) : stage.duration_ns;
          stage.over_allowance = counted > *stage.allowance_ns;
        }
        m_result.stages.push_back(std::move(stage));
      }
      previous = &signal;
    }
    find_out_of_order();
  }

  // The consumer span whose message `span` was handled under (itself or an ancestor), or
  // nullopt: two signals under the same message are one delivery and its redelivery.
  std::optional<std::size_t> handled_message(std::size_t span) const {
    std::size_t steps = 0;
    for (std::optional<std::size_t> at = span; at && steps <= m_graph.size(); ++steps) {
      if (auto message = consumed_message(*at)) {
        return message;
      }
      at = m_graph.parent(*at);
    }
    return std::nullopt;
  }

  // True when an earlier signal of the same state handled the same message (a redelivery).
  bool repeats_earlier_delivery(std::size_t index) const {
    const Signal& signal = m_signals[index];
    const auto message = handled_message(signal.span);
    if (!message) {
      return false;
    }
    for (std::size_t j = 0; j < m_signals.size(); ++j) {
      const Signal& other = m_signals[j];
      if (j != index && other.state == signal.state && other.corrected_ns <= signal.corrected_ns &&
          handled_message(other.span) == message) {
        return true;
      }
    }
    return false;
  }

  // When the stage from `from` (a first occurrence) to `to` began: the latest pass of that
  // state by a rework loop before `to` was first reached, else its first occurrence. So
  // PACKAGING -> SHIPPED after a QC loop counts from the second packing, not the first.
  std::int64_t stage_start(const Signal& from, const Signal& to) const {
    std::int64_t start = from.corrected_ns;
    for (std::size_t i = 0; i < m_signals.size(); ++i) {
      if (i < m_loop_pass.size() && m_loop_pass[i] && m_signals[i].state == from.state &&
          m_signals[i].corrected_ns <= to.corrected_ns) {
        start = std::max(start, m_signals[i].corrected_ns);
      }
    }
    return start;
  }

  // Walks the signals in time order and tells rework loops (a declared back-edge) from
  // redeliveries (the same state again, no going back) and from undeclared back-steps,
  // which are out of sequence.
  void follow_loops() {
    m_loop_pass.assign(m_signals.size(), false);
    std::vector<std::size_t> order(m_signals.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
      order[i] = i;
    }
    std::stable_sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
      return m_signals[a].corrected_ns < m_signals[b].corrected_ns;
    });
    std::vector<std::size_t> seen;       // signals walked so far
    std::optional<std::size_t> position; // index into m_signals of the current position
    bool looped = false;
    std::map<std::pair<std::size_t, std::size_t>, int> loops;
    std::vector<std::pair<std::size_t, std::size_t>> loop_order;
    for (std::size_t i : order) {
      const Signal& signal = m_signals[i];
      const bool of_first = same_call(signal.span, m_first.at(signal.state).span);
      // One call reporting a state at two levels (a route and its handler) is one step.
      const auto same_step = std::find_if(seen.begin(), seen.end(), [&](std::size_t j) {
        return m_signals[j].state == signal.state && same_call(m_signals[j].span, signal.span);
      });
      if (same_step != seen.end()) {
        m_loop_pass[i] = m_loop_pass[*same_step];
        continue;
      }
      seen.push_back(i);
      if (!position || signal.state > m_signals[*position].state) {
        position = i;
        m_loop_pass[i] = looped && !of_first;
        continue;
      }
      const Signal& current = m_signals[*position];
      if (signal.state == current.state || of_first || causally_before(signal, current) ||
          repeats_earlier_delivery(i)) {
        continue; // a repeat, or a first occurrence out of order (find_out_of_order's case)
      }
      const std::string& from = m_definition.states[current.state].name;
      const std::string& to = m_definition.states[signal.state].name;
      if (m_definition.is_back_edge(from, to)) {
        const auto edge = std::make_pair(current.state, signal.state);
        if (loops[edge]++ == 0) {
          loop_order.push_back(edge);
        }
        looped = true;
        m_loop_pass[i] = true;
        position = i;
        add_evidence(
            Evidence::Kind::state, signal.span, signal.time_ns,
            fmt::format("{} reached again after {}: a rework loop (declared back-edge)", to, from),
            phrase(Phrase::Kind::rework_loop, {{"state", to}, {"from", from}}));
        continue;
      }
      m_out_of_order.push_back(fmt::format(
          "{} came again after {} (going back from {} to {} is not a declared back-edge)", to, from,
          from, to));
      m_out_of_order_phrases.push_back(
          phrase(Phrase::Kind::came_again_undeclared, {{"state", to}, {"from", from}}));
      m_out_of_order_spans.push_back({signal.span, signal.time_ns});
      m_out_of_order_spans.push_back({current.span, current.time_ns});
    }
    for (const auto& edge : loop_order) {
      m_result.loops.push_back({m_definition.states[edge.first].name,
                                m_definition.states[edge.second].name, loops[edge]});
    }
    if (looped) {
      m_position = m_signals[*position];
    }
  }

  // The first ending reached (by time), if any; main states after it are odd, not wrong.
  void find_ending() {
    for (const auto& signal : m_ending_signals) {
      if (!m_ending || signal.corrected_ns < m_ending->corrected_ns) {
        m_ending = signal;
      }
    }
    if (!m_ending) {
      return;
    }
    Transition transition;
    transition.state = m_definition.endings[m_ending->state].name;
    transition.time_ns = m_ending->time_ns;
    transition.corrected_time_ns = m_ending->corrected_ns;
    transition.source = m_ending->source;
    transition.span = pointer(m_ending->span, m_ending->time_ns);
    for (const auto& signal : m_ending_signals) {
      if (signal.span != m_ending->span && !same_call(signal.span, m_ending->span)) {
        ++transition.repeats;
      }
    }
    m_result.timeline.push_back(std::move(transition));
  }

  void find_out_of_order() {
    for (auto a = m_first.begin(); a != m_first.end(); ++a) {
      for (auto b = std::next(a); b != m_first.end(); ++b) {
        const Signal& earlier_state = a->second; // earlier in the lifecycle
        const Signal& later_state = b->second;
        const std::string& later = m_definition.states[later_state.state].name;
        const std::string& earlier = m_definition.states[earlier_state.state].name;
        std::string why;
        Phrase said =
            phrase(Phrase::Kind::came_before_causally, {{"later", later}, {"earlier", earlier}});
        if (causally_before(later_state, earlier_state)) {
          why = "causally";
        } else if (!causally_before(earlier_state, later_state) &&
                   later_state.corrected_ns < earlier_state.corrected_ns) {
          const std::int64_t by = earlier_state.corrected_ns - later_state.corrected_ns;
          why = fmt::format("by {} after clock correction", util::format_duration(by));
          said.kind = Phrase::Kind::came_before_after_correction;
          said.durations_ns["by"] = by;
        } else {
          continue;
        }
        m_out_of_order.push_back(fmt::format("{} came before {} ({})", later, earlier, why));
        m_out_of_order_phrases.push_back(std::move(said));
        m_out_of_order_spans.push_back({later_state.span, later_state.time_ns});
        m_out_of_order_spans.push_back({earlier_state.span, earlier_state.time_ns});
      }
    }
  }

  // --- Errors and messages ---------------------------------------------------------

  // A span "does not precede" the last state when it descends from the span that set
  // it, or starts at or after the transition.
  bool does_not_precede_last_state(std::size_t span) {
    if (!m_last_descendants) {
      m_last_descendants = m_graph.descendants(m_last_signal.span);
    }
    return (*m_last_descendants)[span] || corrected_start(span) >= *m_result.last_state_time_ns;
  }

  // The producer span whose message a consumer span handles, if any.
  std::optional<std::size_t> consumed_message(std::size_t consumer) const {
    if (m_graph.span(consumer).kind != SpanKind::consumer) {
      return std::nullopt;
    }
    if (auto parent = m_graph.parent(consumer);
        parent && m_graph.span(*parent).kind == SpanKind::producer) {
      return parent;
    }
    for (std::size_t target : m_graph.link_targets(consumer)) {
      if (m_graph.span(target).kind == SpanKind::producer) {
        return target;
      }
    }
    return std::nullopt;
  }

  // An error counts only on the last attempt: a later retry (same service and
  // operation) or redelivery (same message) that succeeded cancels it.
  bool cancelled_by_retry(std::size_t failed) const {
    const auto& span = m_graph.span(failed);
    const auto message = consumed_message(failed);
    for (std::size_t other : m_order_spans) {
      const auto& candidate = m_graph.span(other);
      if (other == failed || candidate.start_ns <= span.start_ns || is_error(candidate)) {
        continue;
      }
      const bool retry =
          candidate.service() == span.service() && candidate.operation == span.operation;
      const bool redelivery = message && consumed_message(other) == message;
      if (retry || redelivery) {
        return true;
      }
    }
    return false;
  }

  // Owners whose state would count as progress: the next state's, and the one after
  // it when the next is optional.
  std::vector<std::string> progress_owners() const {
    std::vector<std::string> owners;
    for (std::size_t i = m_last + 1; i < m_definition.states.size(); ++i) {
      owners.push_back(m_definition.states[i].owner);
      if (m_definition.states[i].required) {
        break;
      }
    }
    return owners;
  }

  // True when the span ran in one of `owners`, or is a call or message addressed to one.
  bool concerns(std::size_t index, const std::vector<std::string>& owners) const {
    auto owned = [&](const std::string& service) {
      return std::find(owners.begin(), owners.end(), service) != owners.end();
    };
    const auto& span = m_graph.span(index);
    if (owned(span.service())) {
      return true;
    }
    if (span.kind != SpanKind::client && span.kind != SpanKind::producer) {
      return false;
    }
    for (std::size_t child : m_graph.children(index)) {
      const auto& callee = m_graph.span(child);
      if ((callee.kind == SpanKind::server || callee.kind == SpanKind::consumer) &&
          owned(callee.service())) {
        return true;
      }
    }
    for (std::size_t linker : m_graph.linked_from(index)) {
      const auto& consumer = m_graph.span(linker);
      if (consumer.kind == SpanKind::consumer && owned(consumer.service())) {
        return true;
      }
    }
    auto addressed = addressed_service(m_definition, span);
    return addressed && owned(*addressed);
  }

  // Failures that matter now: not cancelled by a retry, not before the last state.
  std::vector<std::size_t> live_errors() {
    std::vector<std::size_t> errors;
    for (std::size_t i : m_order_spans) {
      if (is_error(m_graph.span(i)) && does_not_precede_last_state(i) && !cancelled_by_retry(i)) {
        errors.push_back(i);
      }
    }
    return errors;
  }

  // The outermost PRODUCER of a publish (instrumentations nest several for one message).
  bool is_outermost_producer(std::size_t index) const {
    if (m_graph.span(index).kind != SpanKind::producer) {
      return false;
    }
    for (auto parent = m_graph.parent(index); parent; parent = m_graph.parent(*parent)) {
      const auto kind = m_graph.span(*parent).kind;
      if (kind == SpanKind::producer) {
        return false;
      }
      if (kind == SpanKind::consumer) {
        break; // a publish made while handling a message is a new message, not a nested one
      }
      if (*parent == index) {
        break; // a cycle in broken data
      }
    }
    return true;
  }

  bool consumed(std::size_t producer) const {
    const auto reached = m_graph.descendants(producer);
    for (std::size_t i = 0; i < reached.size(); ++i) {
      if (reached[i] && i != producer && m_graph.span(i).kind == SpanKind::consumer) {
        return true;
      }
    }
    return false;
  }

  // Publishes after the last state, towards the next one, that no consumer took.
  std::vector<std::size_t> unconsumed_messages() {
    std::vector<std::size_t> result;
    const auto& queues = m_definition.states[m_last].queues;
    const auto last_descendants = m_graph.descendants(m_last_signal.span);
    for (std::size_t i : m_order_spans) {
      if (!is_outermost_producer(i) || !does_not_precede_last_state(i)) {
        continue;
      }
      const std::string queue = message_destination(m_graph.span(i));
      const bool for_next =
          last_descendants[i] ||
          (!queue.empty() && std::find(queues.begin(), queues.end(), queue) != queues.end());
      if (for_next && !consumed(i)) {
        result.push_back(i);
      }
    }
    return result;
  }

  // --- Verdict ---------------------------------------------------------------------

  // The allowance of a state for this order: its order type's set, else the state's own.
  std::optional<std::int64_t> allowance_of(std::size_t state) const {
    const auto& definition = m_definition.states[state];
    if (m_allowance_set) {
      const auto& set = m_definition.order_types.sets.at(*m_allowance_set);
      if (auto it = set.find(definition.name); it != set.end()) {
        return it->second;
      }
    }
    return definition.allowance;
  }

  // The value of the order-type attribute on the earliest span of the order that has one.
  void find_order_type() {
    std::optional<std::int64_t> earliest;
    for (std::size_t i : m_order_spans) {
      const auto& span = m_graph.span(i);
      auto value = model::find_attribute_text(span.attributes, m_definition.order_types.attribute);
      if (value && !value->empty() && (!earliest || span.start_ns < *earliest)) {
        earliest = span.start_ns;
        m_result.order_type = *value;
      }
    }
    if (!m_result.order_type) {
      return;
    }
    if (m_definition.order_types.sets.contains(*m_result.order_type)) {
      m_allowance_set = m_result.order_type;
      m_result.allowance_set = m_result.order_type;
    } else if (!m_definition.order_types.sets.empty()) {
      warn(fmt::format("order type \"{}\" ({}) has no allowance set in the lifecycle; the "
                       "states' own allowances apply",
                       *m_result.order_type, m_definition.order_types.attribute),
           phrase(Phrase::Kind::order_type_without_set,
                  {{"type", *m_result.order_type},
                   {"attribute", m_definition.order_types.attribute}}));
    }
  }

  // "2d" for people; under a calendar in working days and hours ("2 working days").
  static std::string describe_allowance(std::int64_t allowance, const Calendar* calendar) {
    if (calendar == nullptr) {
      return util::format_duration(allowance);
    }
    const std::int64_t day = calendar->working_day_ns();
    if (day <= 0) {
      return util::format_duration(allowance) + " of working time";
    }
    const std::int64_t days = allowance / day;
    const std::int64_t rest = allowance % day;
    std::string text;
    if (days > 0) {
      text = fmt::format("{} working day{}", days, days == 1 ? "" : "s");
    }
    if (rest > 0) {
      text += text.empty() ? "" : " ";
      text += util::format_duration(rest) + (days > 0 ? "" : " of working time");
    }
    return text.empty() ? "0s" : text;
  }

  void decide_ending() {
    const std::string& ending = m_definition.endings[m_ending->state].name;
    m_result.verdict = Verdict::completed;
    m_result.ending = ending;
    const std::string when = util::format_rfc3339(m_ending->corrected_ns);
    if (m_first.empty()) {
      m_result.reason = fmt::format("ended as {} on {}", ending, when);
      m_result.reason_phrase = phrase(Phrase::Kind::ended, {{"ending", ending}});
    } else {
      const std::size_t furthest = m_first.rbegin()->first;
      const std::string& last = m_definition.states[m_last].name;
      const bool after_final = m_last + 1 == m_definition.states.size();
      m_result.reason = after_final
                            ? fmt::format("reached {}, then ended as {} on {}", last, ending, when)
                            : fmt::format("ended as {} on {} (after {}), not by {}", ending, when,
                                          last, m_definition.states.back().name);
      m_result.reason_phrase = after_final ? phrase(Phrase::Kind::reached_then_ended,
                                                    {{"state", last}, {"ending", ending}})
                                           : phrase(Phrase::Kind::ended_before_final,
                                                    {{"ending", ending},
                                                     {"state", last},
                                                     {"final", m_definition.states.back().name}});
      if (m_first.at(furthest).corrected_ns > m_ending->corrected_ns &&
          !causally_before(m_first.at(furthest), *m_ending)) {
        warn(fmt::format("{} was reached after the order ended as {}",
                         m_definition.states[furthest].name, ending),
             phrase(Phrase::Kind::reached_after_ending,
                    {{"state", m_definition.states[furthest].name}, {"ending", ending}}));
      }
      warn_missing_and_out_of_order();
      Stage stage;
      stage.from_state = m_definition.states[m_last].name;
      stage.to_state = ending;
      stage.duration_ns =
          std::max<std::int64_t>(0, m_ending->corrected_ns - m_last_signal.corrected_ns);
      m_result.stages.push_back(std::move(stage));
    }
    m_result.reason_phrase.times_ns["when"] = m_ending->corrected_ns;
    m_result.last_state = ending;
    m_result.last_state_time_ns = m_ending->corrected_ns;
    m_last_signal = *m_ending; // errors that matter are those from the ending on
    add_evidence(Evidence::Kind::state, m_ending->span, m_ending->time_ns,
                 fmt::format("ending {} set here", ending),
                 phrase(Phrase::Kind::ending_set_here, {{"ending", ending}}));
    collect_errors_as_evidence();
  }

  void decide() {
    const auto& states = m_definition.states;
    const auto& last_definition = states[m_last];
    const std::int64_t last_time = *m_result.last_state_time_ns;
    const bool final_state = m_last + 1 == states.size();
    const auto commitment = m_definition.index_of(m_definition.commitment_state).value_or(0);
    const bool committed = m_last >= commitment;
    const std::optional<std::int64_t> allowance = allowance_of(m_last);
    const Calendar* calendar = m_definition.calendar_of(m_last);

    if (!final_state) {
      m_result.expected_next_state = states[m_last + 1].name;
      m_result.expected_owner = states[m_last + 1].owner;
    }
    m_result.allowance_ns = allowance;
    m_result.waiting_ns = m_now_ns - last_time;
    if (allowance) {
      m_result.deadline_ns =
          calendar ? calendar->deadline(last_time, *allowance) : last_time + *allowance;
      if (calendar) {
        m_result.calendar = calendar->name;
      }
    }
    if (*m_result.waiting_ns < 0) {
      Phrase said = phrase(Phrase::Kind::now_before_last_state);
      said.times_ns = {{"now", m_now_ns}, {"last", last_time}};
      warn(fmt::format("\"now\" ({}) is before the last state was reached ({})",
                       util::format_rfc3339(m_now_ns), util::format_rfc3339(last_time)),
           said);
    }

    // 2. COMPLETED
    if (final_state) {
      m_result.verdict = Verdict::completed;
      m_result.reason =
          fmt::format("reached {} on {}", last_definition.name, util::format_rfc3339(last_time));
      m_result.reason_phrase = phrase(Phrase::Kind::completed, {{"state", last_definition.name}});
      m_result.reason_phrase.times_ns["when"] = last_time;
      warn_missing_and_out_of_order();
      m_result.waiting_ns.reset();
      m_result.allowance_ns.reset();
      m_result.calendar.reset();
      collect_errors_as_evidence();
      return;
    }

    const std::string next = states[m_last + 1].name;
    const std::string& owner = states[m_last + 1].owner;
    const bool allowance_run_out = allowance && m_now_ns > *m_result.deadline_ns;
    bool lost_by_time = false;
    if (allowance) {
      if (calendar) {
        const auto lost_allowance =
            static_cast<std::int64_t>(m_definition.lost_factor * static_cast<double>(*allowance));
        lost_by_time = m_now_ns >= calendar->deadline(last_time, lost_allowance);
      } else {
        lost_by_time = static_cast<double>(*m_result.waiting_ns) >=
                       m_definition.lost_factor * static_cast<double>(*allowance);
      }
    }
    std::string waited = util::format_duration(std::max<std::int64_t>(0, *m_result.waiting_ns));
    if (calendar) {
      waited += fmt::format(" ({} of working time in calendar {})",
                            util::format_duration(calendar->working_time(last_time, m_now_ns)),
                            calendar->name);
    }
    const std::string allowed = allowance ? describe_allowance(*allowance, calendar) : "-";
    // A phrase with `words` and the waiting and the allowance as the lines above say them.
    const auto timed = [&](Phrase::Kind kind, std::map<std::string, std::string> words) {
      Phrase said = phrase(kind, std::move(words));
      said.durations_ns["waited"] = std::max<std::int64_t>(0, *m_result.waiting_ns);
      if (allowance) {
        said.durations_ns["allowed"] = *allowance;
      }
      if (calendar) {
        said.durations_ns["working_time"] = calendar->working_time(last_time, m_now_ns);
        said.words["calendar"] = calendar->name;
        if (calendar->working_day_ns() > 0) {
          said.durations_ns["working_day"] = calendar->working_day_ns();
        }
      }
      return said;
    };

    // With the owner's search failed, its silence proves nothing: no LOST from absence.
    const bool owner_unsearched =
        !m_options.unsearched_services.empty() &&
        std::find(m_options.unsearched_services.begin(), m_options.unsearched_services.end(),
                  owner) != m_options.unsearched_services.end();
    if (!m_options.unsearched_services.empty()) {
      const std::string services =
          fmt::format("{}", fmt::join(m_options.unsearched_services, ", "));
      warn(fmt::format("the search of {} failed: the data may be incomplete", services),
           phrase(Phrase::Kind::search_failed, {{"services", services}}));
    }

    // 3. LOST on a hard signal
    if (committed) {
      const auto owners = progress_owners();
      const auto errors = live_errors();
      for (std::size_t error : errors) {
        if (concerns(error, owners)) {
          const auto& span = m_graph.span(error);
          lost_or_stalled(Verdict::lost, owner);
          const std::string message = error_message(span);
          m_result.reason = fmt::format(
              "{} failed in {} ({}) after {}; {} never came", span.operation, span.service(),
              message.empty() ? "error" : message, last_definition.name, next);
          m_result.reason_phrase = phrase(message.empty() ? Phrase::Kind::lost_on_unnamed_error
                                                          : Phrase::Kind::lost_on_error,
                                          {{"operation", span.operation},
                                           {"service", span.service()},
                                           {"message", message},
                                           {"state", last_definition.name},
                                           {"next", next}});
          collect_errors_as_evidence();
          m_key_evidence = evidence_of_span(Evidence::Kind::error, error);
          fill_next_step();
          return;
        }
      }
      for (std::size_t producer : unconsumed_messages()) {
        const auto& span = m_graph.span(producer);
        const std::string queue = message_destination(span);
        const std::string where = queue.empty() ? "a queue" : "queue \"" + queue + "\"";
        if (allowance_run_out && !owner_unsearched) {
          lost_or_stalled(Verdict::lost, owner);
          m_result.reason = fmt::format(
              "the message to {} published by {} after {} was never consumed; {} has waited {} "
              "(allowed {})",
              where, span.service(), last_definition.name, next, waited, allowed);
          m_result.reason_phrase = timed(queue.empty() ? Phrase::Kind::lost_unconsumed_unnamed_queue
                                                       : Phrase::Kind::lost_unconsumed,
                                         {{"queue", queue},
                                          {"service", span.service()},
                                          {"state", last_definition.name},
                                          {"next", next}});
          add_message_evidence(Evidence::Kind::unconsumed_message, producer,
                               "published, never consumed: the message is stuck in the queue "
                               "or was lost by the broker",
                               phrase(Phrase::Kind::never_consumed));
          m_key_evidence = m_result.evidence.size() - 1;
          collect_errors_as_evidence();
          fill_next_step();
          return;
        }
        add_message_evidence(Evidence::Kind::waiting_message, producer,
                             "published, not consumed yet (within the allowance)",
                             phrase(Phrase::Kind::not_consumed_yet));
        if (!m_key_evidence) {
          m_key_evidence = m_result.evidence.size() - 1;
        }
      }
    }
    collect_errors_as_evidence();

    // 4. INCONSISTENT
    if (!m_out_of_order.empty() || !m_result.missing_states.empty()) {
      m_result.verdict = Verdict::inconsistent;
      std::vector<std::string> problems = m_out_of_order;
      m_result.reason_phrase = phrase(Phrase::Kind::inconsistent);
      m_result.reason_phrase.parts = m_out_of_order_phrases;
      if (!m_result.missing_states.empty()) {
        const std::string missing = fmt::format("{}", fmt::join(m_result.missing_states, ", "));
        problems.push_back(fmt::format("required state(s) {} missing while {} was reached", missing,
                                       last_definition.name));
        m_result.reason_phrase.parts.push_back(
            phrase(Phrase::Kind::required_states_missing,
                   {{"states", missing}, {"state", last_definition.name}}));
      }
      m_result.reason = fmt::format("{} (often sampling or an instrumentation gap, not a loss)",
                                    fmt::join(problems, "; "));
      for (const auto& [span, time] : m_out_of_order_spans) {
        add_evidence(Evidence::Kind::state, span, time, "a state out of sequence",
                     phrase(Phrase::Kind::out_of_sequence));
      }
      return;
    }

    add_evidence(Evidence::Kind::state, m_last_signal.span, m_last_signal.time_ns,
                 fmt::format("last state {} set here", last_definition.name),
                 phrase(Phrase::Kind::last_state_set_here, {{"state", last_definition.name}}));

    // 5. ABANDONED
    if (!committed) {
      if (allowance_run_out) {
        m_result.verdict = Verdict::abandoned;
        m_result.reason = fmt::format(
            "the customer stopped at {} before {}, {} ago (allowed {}): an abandoned cart",
            last_definition.name, m_definition.commitment_state, waited, allowed);
        m_result.reason_phrase =
            timed(Phrase::Kind::abandoned,
                  {{"state", last_definition.name}, {"commitment", m_definition.commitment_state}});
      } else {
        m_result.verdict = Verdict::on_track;
        m_result.reason = fmt::format("at {} for {} of the {} the customer has for {}",
                                      last_definition.name, waited, allowed, next);
        m_result.reason_phrase = timed(Phrase::Kind::on_track_customer,
                                       {{"state", last_definition.name}, {"next", next}});
      }
      return;
    }
    // 6. LOST by time, 7. STALLED, 8. ON_TRACK
    if (lost_by_time && !owner_unsearched) {
      lost_or_stalled(Verdict::lost, owner);
      m_result.reason =
          fmt::format("no {} from {} for {} since {}: at least {}x the allowance of {}", next,
                      owner, waited, last_definition.name, m_definition.lost_factor, allowed);
      m_result.reason_phrase = timed(Phrase::Kind::lost_by_time,
                                     {{"next", next},
                                      {"owner", owner},
                                      {"state", last_definition.name},
                                      {"factor", fmt::format("{}", m_definition.lost_factor)}});
    } else if (allowance_run_out) {
      lost_or_stalled(Verdict::stalled, owner);
      m_result.reason = fmt::format("waiting {} for {} from {} since {}, over the allowance of {}",
                                    waited, next, owner, last_definition.name, allowed);
      m_result.reason_phrase =
          timed(Phrase::Kind::stalled,
                {{"next", next}, {"owner", owner}, {"state", last_definition.name}});
    } else {
      m_result.verdict = Verdict::on_track;
      m_result.reason = fmt::format("at {} for {} of the {} allowed for {} from {}",
                                    last_definition.name, waited, allowed, next, owner);
      m_result.reason_phrase =
          timed(Phrase::Kind::on_track,
                {{"state", last_definition.name}, {"next", next}, {"owner", owner}});
      return;
    }
    if (!m_key_evidence) {
      for (std::size_t i = 0; i < m_result.evidence.size(); ++i) {
        if (m_result.evidence[i].kind == Evidence::Kind::error) {
          m_key_evidence = i;
          break;
        }
      }
    }
    fill_next_step();
  }

  std::optional<std::size_t> evidence_of_span(Evidence::Kind kind, std::size_t span) const {
    const auto& wanted = m_graph.span(span);
    for (std::size_t i = 0; i < m_result.evidence.size(); ++i) {
      const auto& evidence = m_result.evidence[i];
      if (evidence.kind == kind && evidence.span.span_id == wanted.span_id &&
          evidence.span.trace_id == wanted.trace_id) {
        return i;
      }
    }
    return std::nullopt;
  }

  // The first hint of the lifecycle data that matches the verdict, the deciding evidence
  // and the last state, with every placeholder but {since} and {deadline} filled.
  void fill_next_step() {
    const Evidence* key = m_key_evidence ? &m_result.evidence[*m_key_evidence] : nullptr;
    const std::string kind = key ? std::string(to_string(key->kind)) : "none";
    const std::string& state = *m_result.last_state;
    for (const auto& hint : m_definition.hints) {
      const bool verdict_matches =
          hint.verdicts.empty()
              ? (m_result.verdict == Verdict::stalled || m_result.verdict == Verdict::lost)
              : std::find(hint.verdicts.begin(), hint.verdicts.end(), m_result.verdict) !=
                    hint.verdicts.end();
      if (!verdict_matches || (hint.evidence != "*" && hint.evidence != kind) ||
          (hint.state != "*" && hint.state != state)) {
        continue;
      }
      const std::map<std::string, std::string> values = {
          {"queue", key ? key->queue : ""},
          {"service", key ? key->span.service : m_result.expected_owner.value_or("")},
          {"operation", key ? key->span.operation : ""},
          {"message", key ? key->message : ""},
          {"http_status", key && key->http_status ? std::to_string(*key->http_status) : ""},
          {"state", state},
          {"next_state", m_result.expected_next_state.value_or("")},
          {"owner", m_result.expected_owner.value_or("")}};
      NextStep step;
      step.hint = hint.id;
      for (const auto& [language, text] : hint.text) {
        step.text[language] = fill_placeholders(text, values);
      }
      m_result.next_step = std::move(step);
      return;
    }
  }

  // Replaces "{name}" for every name in `values`; other braces ({since}, {deadline}) stay.
  static std::string fill_placeholders(const std::string& text,
                                       const std::map<std::string, std::string>& values) {
    std::string out;
    std::size_t at = 0;
    while (at < text.size()) {
      const std::size_t open = text.find('{', at);
      if (open == std::string::npos) {
        break;
      }
      const std::size_t close = text.find('}', open);
      if (close == std::string::npos) {
        break;
      }
      out.append(text, at, open - at);
      const auto it = values.find(text.substr(open + 1, close - open - 1));
      if (it != values.end()) {
        out += it->second;
      } else {
        out.append(text, open, close - open + 1);
      }
      at = close + 1;
    }
    out.append(text, at, std::string::npos);
    return out;
  }

  void lost_or_stalled(Verdict verdict, const std::string& owner) {
    m_result.verdict = verdict;
    m_result.suspect = owner;
  }

  void collect_errors_as_evidence() {
    if (m_errors_collected) {
      return;
    }
    m_errors_collected = true;
    std::vector<std::size_t> errors;
    if (m_first.empty()) {
      for (std::size_t i : m_order_spans) {
        if (is_error(m_graph.span(i)) && !cancelled_by_retry(i)) {
          errors.push_back(i);
        }
      }
    } else {
      errors = live_errors();
    }
    for (std::size_t error : errors) {
      const auto& span = m_graph.span(error);
      Evidence evidence;
      evidence.kind = Evidence::Kind::error;
      evidence.span = pointer(error, span.start_ns);
      evidence.message = error_message(span);
      evidence.queue = message_destination(span);
      evidence.http_status = http_status(span);
      evidence.detail = fmt::format("{} span failed", model::to_string(span.kind));
      evidence.detail_phrase =
          phrase(Phrase::Kind::span_failed, {{"kind", std::string(model::to_string(span.kind))}});
      m_result.evidence.push_back(std::move(evidence));
    }
  }

  void add_message_evidence(Evidence::Kind kind, std::size_t producer, std::string detail,
                            Phrase detail_phrase) {
    const auto& span = m_graph.span(producer);
    Evidence evidence;
    evidence.kind = kind;
    evidence.span = pointer(producer, span.start_ns);
    evidence.queue = message_destination(span);
    evidence.detail = std::move(detail);
    evidence.detail_phrase = std::move(detail_phrase);
    m_result.evidence.push_back(std::move(evidence));
  }

  void add_evidence(Evidence::Kind kind, std::size_t span, std::int64_t time, std::string detail,
                    Phrase detail_phrase) {
    Evidence evidence;
    evidence.kind = kind;
    evidence.span = pointer(span, time);
    evidence.detail = std::move(detail);
    evidence.detail_phrase = std::move(detail_phrase);
    m_result.evidence.push_back(std::move(evidence));
  }

  SpanPointer pointer(std::size_t index, std::int64_t time) const {
    const auto& span = m_graph.span(index);
    return {span.trace_id, span.span_id, span.service(), span.operation, time};
  }

  // `warning` in English, and as a phrase for other languages (warning_phrases stays
  // index for index with warnings).
  void warn(std::string warning, Phrase said) {
    m_result.warnings.push_back(std::move(warning));
    m_result.warning_phrases.push_back(std::move(said));
  }

  // Required states skipped and states out of sequence, as warnings (COMPLETED orders).
  void warn_missing_and_out_of_order() {
    for (const auto& state : m_result.missing_states) {
      warn(fmt::format("required state {} was not seen (a sampling or instrumentation gap)", state),
           phrase(Phrase::Kind::required_state_not_seen, {{"state", state}}));
    }
    for (std::size_t i = 0; i < m_out_of_order.size(); ++i) {
      warn(m_out_of_order[i], m_out_of_order_phrases[i]);
    }
  }

  static Phrase phrase(Phrase::Kind kind, std::map<std::string, std::string> words = {}) {
    Phrase said;
    said.kind = kind;
    said.words = std::move(words);
    return said;
  }

  const Definition& m_definition;
  const AssessOptions& m_options;
  SpanGraph m_graph;
  const std::string& m_order_id;
  std::int64_t m_now_ns;
  Assessment m_result;

  std::vector<std::size_t> m_order_spans;
  std::vector<Signal> m_signals;
  std::set<std::string> m_unknown_states;
  std::map<std::string, std::int64_t> m_skew;
  std::map<std::size_t, Signal> m_first; // by state index
  std::size_t m_last = 0;
  Signal m_last_signal;                 // the signal the order's position counts from
  std::optional<Signal> m_position;     // set after a rework loop: the latest pass
  std::vector<bool> m_loop_pass;        // by signal: reached on a pass after a loop
  std::vector<Signal> m_ending_signals; // state = index into Definition::endings
  std::optional<Signal> m_ending;       // the first ending reached
  std::optional<std::string> m_allowance_set;
  // The evidence that decided a STALLED or LOST verdict (index into m_result.evidence).
  std::optional<std::size_t> m_key_evidence;
  std::map<std::size_t, std::vector<bool>> m_ancestors;
  std::optional<std::vector<bool>> m_last_descendants;
  std::vector<std::string> m_out_of_order;
  std::vector<Phrase> m_out_of_order_phrases; // m_out_of_order as data, index for index
  std::vector<std::pair<std::size_t, std::int64_t>> m_out_of_order_spans;
  bool m_errors_collected = false;
};

} // namespace

std::string_view to_string(Verdict verdict) noexcept {
  switch (verdict) {
  case Verdict::not_found:
    return "NOT_FOUND";
  case Verdict::completed:
    return "COMPLETED";
  case Verdict::lost:
    return "LOST";
  case Verdict::inconsistent:
    return "INCONSISTENT";
  case Verdict::abandoned:
    return "ABANDONED";
  case Verdict::stalled:
    return "STALLED";
  case Verdict::on_track:
    break;
  }
  return "ON_TRACK";
}

std::string_view to_string(StateSource source) noexcept {
  switch (source) {
  case StateSource::event:
    return "event";
  case StateSource::rule:
    return "rule";
  case StateSource::attribute:
    break;
  }
  return "attribute";
}

std::string_view to_string(Evidence::Kind kind) noexcept {
  switch (kind) {
  case Evidence::Kind::error:
    return "error";
  case Evidence::Kind::unconsumed_message:
    return "unconsumed_message";
  case Evidence::Kind::waiting_message:
    return "waiting_message";
  case Evidence::Kind::repeated_state:
    return "repeated_state";
  case Evidence::Kind::clock_skew:
    return "clock_skew";
  case Evidence::Kind::state:
    break;
  }
  return "state";
}

Assessment assess(const Definition& definition, std::span<const model::Span> spans,
                  const std::string& order_id, std::int64_t now_ns, const AssessOptions& options) {
  return Assessor(definition, spans, order_id, now_ns, options).run();
}

} // namespace ordertrace::lifecycle

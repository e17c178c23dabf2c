#include <ordertrace/report/nightly.hpp>
#include <ordertrace/report/redaction.hpp>
#include <ordertrace/util/error.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <unordered_map>

namespace ordertrace::report {
namespace {

constexpr lifecycle::Verdict k_verdicts[] = {
    lifecycle::Verdict::not_found,    lifecycle::Verdict::completed, lifecycle::Verdict::lost,
    lifecycle::Verdict::inconsistent, lifecycle::Verdict::abandoned, lifecycle::Verdict::stalled,
    lifecycle::Verdict::on_track};

// Nearest rank: the smallest value with at least q of the values at or below it.
std::int64_t quantile(const std::vector<std::int64_t>& sorted, double q) {
  if (sorted.empty()) {
    return 0;
  }
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

std::optional<int> http_status(const model::Span& span) {
  for (const char* key : {"http.response.status_code", "http.status_code"}) {
    if (const auto* value = model::find_attribute(span.attributes, key)) {
      if (const auto* number = std::get_if<std::int64_t>(value)) {
        return static_cast<int>(*number);
      }
      if (const auto* text = std::get_if<std::string>(value)) {
        int parsed = 0;
        const auto* end = text->data() + text->size();
        if (std::from_chars(text->data(), end, parsed).ptr == end && !text->empty()) {
          return parsed;
        }
      }
    }
  }
  return std::nullopt;
}

// The queue of a waiting or unconsumed message among the evidence, if any.
std::string problem_queue(const lifecycle::Assessment& assessment) {
  for (const auto& evidence : assessment.evidence) {
    if ((evidence.kind == lifecycle::Evidence::Kind::waiting_message ||
         evidence.kind == lifecycle::Evidence::Kind::unconsumed_message) &&
        !evidence.queue.empty()) {
      return evidence.queue;
    }
  }
  return {};
}

void add_to_group(std::vector<ProblemGroup>& groups, const std::string& key, bool lost,
                  std::size_t index) {
  auto it = std::find_if(groups.begin(), groups.end(),
                         [&](const ProblemGroup& group) { return group.key == key; });
  if (it == groups.end()) {
    groups.push_back({key, 0, 0, {}});
    it = std::prev(groups.end());
  }
  (lost ? it->lost : it->stalled) += 1;
  it->orders.push_back(index);
}

void sort_groups(std::vector<ProblemGroup>& groups) {
  std::stable_sort(groups.begin(), groups.end(), [](const ProblemGroup& a, const ProblemGroup& b) {
    if (a.lost != b.lost) {
      return a.lost > b.lost;
    }
    if (a.stalled != b.stalled) {
      return a.stalled > b.stalled;
    }
    return a.key < b.key;
  });
}

std::vector<OperationDurations>
summaries(std::map<std::pair<std::string, std::string>, std::vector<std::int64_t>>& values) {
  std::vector<OperationDurations> out;
  for (auto& [key, durations] : values) {
    out.push_back({key.first, key.second, summarize(durations)});
  }
  return out;
}

} // namespace

std::string_view to_string(AllowanceMode mode) noexcept {
  return mode == AllowanceMode::learned ? "learned" : "config";
}

std::map<std::string, std::int64_t> learn_allowances(std::span<const TransitionSample> samples,
                                                     const LearnOptions& options) {
  std::map<std::string, std::vector<std::int64_t>> per_state;
  for (const auto& sample : samples) {
    if (!std::isfinite(sample.seconds) || sample.seconds < 0 || sample.from_state.empty() ||
        sample.seconds > 1e9) {
      continue;
    }
    per_state[sample.from_state].push_back(static_cast<std::int64_t>(sample.seconds * 1e9));
  }
  std::map<std::string, std::int64_t> learned;
  for (auto& [state, durations] : per_state) {
    if (durations.size() < std::max<std::size_t>(options.min_samples, 1)) {
      continue;
    }
    std::sort(durations.begin(), durations.end());
    const auto base = static_cast<double>(quantile(durations, options.quantile));
    // At least a second: an allowance of 0 would make every order late.
    learned[state] =
        std::max<std::int64_t>(static_cast<std::int64_t>(base * options.margin), 1'000'000'000);
  }
  return learned;
}

std::vector<TransitionSample> transition_samples(std::span<const lifecycle::Assessment> orders) {
  std::vector<TransitionSample> samples;
  for (const auto& order : orders) {
    if (order.verdict != lifecycle::Verdict::completed) {
      continue;
    }
    for (const auto& stage : order.stages) {
      samples.push_back(
          {stage.from_state, stage.to_state, static_cast<double>(stage.duration_ns) / 1e9});
    }
  }
  return samples;
}

AllowanceChoice choose_allowances(AllowanceMode requested,
                                  std::span<const TransitionSample> history,
                                  lifecycle::Definition& definition, const LearnOptions& options) {
  AllowanceChoice choice;
  choice.requested = requested;
  if (requested == AllowanceMode::config) {
    choice.note = "allowances from the lifecycle configuration";
    return choice;
  }
  if (history.empty()) {
    choice.note = "learned allowances were asked for, but there is no history of completed "
                  "orders (no cache): the configured allowances were used";
    return choice;
  }
  auto learned = learn_allowances(history, options);
  std::size_t applied = 0;
  for (auto& state : definition.states) {
    if (!state.allowance) {
      continue; // the final state has none to learn
    }
    if (const auto it = learned.find(state.name); it != learned.end()) {
      state.allowance = it->second;
      ++applied;
    }
  }
  if (applied == 0) {
    choice.min_samples = options.min_samples;
    choice.note = "learned allowances were asked for, but no state has " +
                  std::to_string(options.min_samples) +
                  " completed transitions in the history: the configured allowances were used";
    return choice;
  }
  choice.used = AllowanceMode::learned;
  choice.transitions = history.size();
  choice.rule = "p" + std::to_string(static_cast<int>(options.quantile * 100)) + " x " +
                std::to_string(options.margin).substr(0, 3);
  choice.states_learned = applied;
  choice.note = "allowances learned from " + std::to_string(history.size()) +
                " transitions of completed orders (" + choice.rule + ") for " +
                std::to_string(applied) + " states; the others from the lifecycle configuration";
  for (const auto& [state, value] : learned) {
    if (definition.index_of(state)) {
      choice.learned[state] = value;
    }
  }
  return choice;
}

bool report_needs_attribute(std::string_view key, const lifecycle::Definition& definition,
                            const Redactor& redactor) {
  for (std::string_view prefix : {"messaging.", "http.", "url.", "server.", "net.", "peer.",
                                  "exception.", "error", "otel.", "rpc."}) {
    if (key.substr(0, prefix.size()) == prefix) {
      return true;
    }
  }
  if (may_output_attribute(key, definition) || key == definition.status_attribute ||
      key == definition.order_types.attribute) {
    return true;
  }
  for (const auto& rule : definition.rules) {
    if (rule.attribute && *rule.attribute == key) {
      return true;
    }
  }
  return redactor.denies_key(key);
}

DurationSummary summarize(std::vector<std::int64_t>& values) {
  DurationSummary summary;
  summary.count = values.size();
  if (values.empty()) {
    return summary;
  }
  std::sort(values.begin(), values.end());
  summary.p50_ns = quantile(values, 0.50);
  summary.p95_ns = quantile(values, 0.95);
  summary.p99_ns = quantile(values, 0.99);
  summary.max_ns = values.back();
  return summary;
}

bool TransitionStats::allowance_varies() const noexcept {
  return std::any_of(allowance_sets.begin(), allowance_sets.end(), [this](const SetAllowance& s) {
    return s.allowance_ns != allowance_sets.front().allowance_ns;
  });
}

std::size_t NightlyReport::unacknowledged_lost() const noexcept {
  std::size_t n = 0;
  for (std::size_t i = 0; i < problems.size(); ++i) {
    n += static_cast<std::size_t>(problems[i].verdict == lifecycle::Verdict::lost &&
                                  (i >= problem_status.size() || !problem_status[i].acknowledged));
  }
  return n;
}

std::size_t NightlyReport::acknowledged_count() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(problem_status.begin(), problem_status.end(),
                    [](const ProblemStatus& status) { return status.acknowledged.has_value(); }));
}

std::size_t NightlyReport::count(lifecycle::Verdict verdict) const noexcept {
  for (const auto& [v, n] : verdicts) {
    if (v == verdict) {
      return n;
    }
  }
  return 0;
}

NightlyBuilder::NightlyBuilder(const lifecycle::Definition& definition, std::int64_t from_ns,
                               std::int64_t until_ns, std::int64_t now_ns)
    : m_definition(definition) {
  m_report.from_ns = from_ns;
  m_report.until_ns = until_ns;
  m_report.now_ns = now_ns;
  m_report.lifecycle_name = definition.name;
  for (const auto verdict : k_verdicts) {
    m_report.verdicts.emplace_back(verdict, 0);
  }
  for (const auto& state : definition.states) {
    m_report.funnel.push_back({state.name, 0});
  }
  for (const auto& ending : definition.endings) {
    m_report.endings.emplace_back(ending.name, 0);
  }
}

void NightlyBuilder::add_spans(std::span<const model::Span> spans) {
  for (const auto& span : spans) {
    if (span.start_ns < m_report.from_ns || span.start_ns >= m_report.until_ns) {
      continue;
    }
    ++m_report.spans;
    if (const auto status = http_status(span); status && *status >= 500) {
      ++m_5xx[{span.service(), span.operation}];
    }
    if (span.kind == model::SpanKind::server && !span.parent) {
      m_entry[{span.service(), span.operation}].push_back(
          std::max<std::int64_t>(0, span.end_ns - span.start_ns));
    }
  }
}

void NightlyBuilder::add_order(lifecycle::Assessment assessment,
                               std::span<const model::Span> order_spans) {
  for (const auto& transition : assessment.timeline) {
    for (const auto& span : order_spans) {
      if (span.span_id == transition.span.span_id && span.trace_id == transition.span.trace_id) {
        m_processing[{span.service(), transition.state}].push_back(
            std::max<std::int64_t>(0, span.end_ns - span.start_ns));
        break;
      }
    }
  }
  // Folded here rather than kept: a whole assessment per order is most of a large report's
  // memory, and only the problems are shown in full.
  ++m_report.orders;
  for (auto& [verdict, count] : m_report.verdicts) {
    count += static_cast<std::size_t>(verdict == assessment.verdict);
  }
  for (auto& step : m_report.funnel) {
    step.reached += static_cast<std::size_t>(
        std::any_of(assessment.timeline.begin(), assessment.timeline.end(),
                    [&](const lifecycle::Transition& t) { return t.state == step.state; }));
  }
  const std::size_t unknown = m_definition.states.size();
  const std::string set = assessment.allowance_set.value_or("");
  for (const auto& stage : assessment.stages) {
    const std::pair key{m_definition.index_of(stage.from_state).value_or(unknown),
                        m_definition.index_of(stage.to_state).value_or(unknown)};
    auto& stats = m_transitions[key];
    stats.from_state = stage.from_state;
    stats.to_state = stage.to_state;
    auto group = std::find_if(stats.allowance_sets.begin(), stats.allowance_sets.end(),
                              [&](const SetAllowance& s) {
                                return s.set == set && s.allowance_ns == stage.allowance_ns;
                              });
    if (group == stats.allowance_sets.end()) {
      stats.allowance_sets.push_back({set, stage.allowance_ns, 0, 0});
      group = std::prev(stats.allowance_sets.end());
    }
    ++group->count;
    group->over_allowance += stage.over_allowance ? 1 : 0;
    stats.over_allowance += stage.over_allowance ? 1 : 0;
    m_stage_durations[key].push_back(stage.duration_ns);
  }
  if (assessment.verdict == lifecycle::Verdict::completed) {
    ++m_report.business.completed_orders;
    if (assessment.last_state_time_ns && *assessment.last_state_time_ns >= m_report.from_ns &&
        *assessment.last_state_time_ns < m_report.until_ns) {
      ++m_report.business.closed_in_window;
    }
    for (auto& [ending, count] : m_report.endings) {
      count += static_cast<std::size_t>(assessment.ending == ending);
    }
  }
  m_report.all_orders.push_back(
      {assessment.order_id, assessment.verdict, assessment.suspect, assessment.last_state});
  if (assessment.verdict == lifecycle::Verdict::lost ||
      assessment.verdict == lifecycle::Verdict::stalled) {
    m_report.problems.push_back(std::move(assessment));
  }
}

void NightlyBuilder::set_acknowledgements(std::map<std::string, Acknowledgement> acknowledgements) {
  m_acknowledgements = std::move(acknowledgements);
}

void NightlyBuilder::set_previous_run(std::optional<PreviousRun> previous) {
  m_report.compared_with_previous_run = true;
  m_report.previous_run = std::move(previous);
}

NightlyReport NightlyBuilder::finish() {
  NightlyReport report = std::move(m_report);
  // In lifecycle order of the from-state, then the to-state.
  for (auto& [key, stats] : m_transitions) {
    stats.durations = summarize(m_stage_durations[key]);
    if (!stats.allowance_varies() && !stats.allowance_sets.empty()) {
      stats.allowance_ns = stats.allowance_sets.front().allowance_ns;
    }
    report.transitions.push_back(std::move(stats));
  }
  m_transitions.clear();
  m_stage_durations.clear();
  std::sort(report.all_orders.begin(), report.all_orders.end(),
            [](const auto& a, const auto& b) { return a.order_id < b.order_id; });
  const auto& acks = m_acknowledgements;
  std::stable_sort(report.problems.begin(), report.problems.end(),
                   [&acks](const lifecycle::Assessment& a, const lifecycle::Assessment& b) {
                     // New problems first: the known ones are somebody's already.
                     const bool a_known = acks.contains(a.order_id);
                     const bool b_known = acks.contains(b.order_id);
                     if (a_known != b_known) {
                       return b_known;
                     }
                     const bool a_lost = a.verdict == lifecycle::Verdict::lost;
                     const bool b_lost = b.verdict == lifecycle::Verdict::lost;
                     if (a_lost != b_lost) {
                       return a_lost;
                     }
                     if (a.waiting_ns.value_or(0) != b.waiting_ns.value_or(0)) {
                       return a.waiting_ns.value_or(0) > b.waiting_ns.value_or(0);
                     }
                     return a.order_id < b.order_id;
                   });
  std::set<std::string> before;
  if (report.previous_run) {
    before.insert(report.previous_run->problem_ids.begin(), report.previous_run->problem_ids.end());
  }
  for (const auto& order : report.problems) {
    ProblemStatus status;
    if (const auto it = acks.find(order.order_id); it != acks.end()) {
      status.acknowledged = it->second;
    }
    status.new_since_last_run =
        report.compared_with_previous_run && !before.contains(order.order_id);
    report.problem_status.push_back(std::move(status));
  }
  for (std::size_t i = 0; i < report.problems.size(); ++i) {
    const auto& order = report.problems[i];
    const bool lost = order.verdict == lifecycle::Verdict::lost;
    add_to_group(report.by_state, order.last_state.value_or("(no state)"), lost, i);
    std::string suspect = order.suspect.value_or("(unknown)");
    if (const std::string queue = problem_queue(order); !queue.empty()) {
      suspect += " / queue " + queue;
    }
    add_to_group(report.by_suspect, suspect, lost, i);
  }
  sort_groups(report.by_state);
  sort_groups(report.by_suspect);

  for (const auto& [key, count] : m_5xx) {
    report.business.http_5xx.push_back({key.first, key.second, count});
  }
  std::stable_sort(
      report.business.http_5xx.begin(), report.business.http_5xx.end(),
      [](const OperationCount& a, const OperationCount& b) { return a.count > b.count; });
  report.business.entry_latency = summaries(m_entry);
  // MES processes the uploaded model file to price it: the owner of the state after the
  // commitment state, and its spans that set that state.
  if (const auto commit = m_definition.index_of(m_definition.commitment_state);
      commit && *commit + 1 < m_definition.states.size()) {
    const auto& priced = m_definition.states[*commit + 1];
    report.business.mes_service = priced.owner;
    if (const auto it = m_processing.find({priced.owner, priced.name}); it != m_processing.end()) {
      auto values = it->second;
      report.business.mes_file_processing = summarize(values);
    }
  }
  report.business.processing = summaries(m_processing);
  return report;
}

std::string_view to_string(NightlyFormat format) noexcept {
  switch (format) {
  case NightlyFormat::text:
    return "text";
  case NightlyFormat::json:
    return "json";
  case NightlyFormat::csv:
    return "csv";
  case NightlyFormat::md:
    return "md";
  case NightlyFormat::html:
    return "html";
  }
  return "text";
}

std::optional<NightlyFormat> parse_nightly_format(std::string_view name) noexcept {
  for (const auto format : {NightlyFormat::text, NightlyFormat::json, NightlyFormat::csv,
                            NightlyFormat::md, NightlyFormat::html}) {
    if (to_string(format) == name) {
      return format;
    }
  }
  return std::nullopt;
}

std::vector<std::string> nightly_format_names() {
  return {"text", "json", "csv", "md", "html"};
}

NightlyReport redacted(const NightlyReport& report, const NightlyRenderOptions& options) {
  const Redactor& redactor = options.redactor ? *options.redactor : default_redactor();
  NightlyReport copy = report;
  for (auto& order : copy.problems) {
    redactor.redact(order);
  }
  // Stored redacted already; again with what this run's redactor learned.
  for (auto& status : copy.problem_status) {
    if (status.acknowledged) {
      status.acknowledged->note = redactor.redact(status.acknowledged->note);
    }
  }
  for (auto* groups : {&copy.by_state, &copy.by_suspect}) {
    for (auto& group : *groups) {
      group.key = redactor.redact(group.key);
    }
  }
  for (auto& item : copy.business.http_5xx) {
    item.operation = redactor.redact(item.operation);
  }
  for (auto* list : {&copy.business.entry_latency, &copy.business.processing}) {
    for (auto& item : *list) {
      item.operation = redactor.redact(item.operation);
    }
  }
  for (auto& warning : copy.warnings) {
    warning = redactor.redact(warning);
  }
  for (auto& said : copy.warning_phrases) { // they name what the English sentences name
    for (auto& [name, word] : said.words) {
      word = redactor.redact(word);
    }
  }
  copy.source = redactor.redact(copy.source);
  for (auto& line : copy.all_orders) {
    if (line.last_state) {
      line.last_state = redactor.redact(*line.last_state);
    }
  }
  return copy;
}

void render_nightly(std::ostream& out, NightlyFormat format, const NightlyReport& report,
                    const NightlyRenderOptions& options) {
  const NightlyReport clean = redacted(report, options);
  switch (format) {
  case NightlyFormat::text:
    render_nightly_text(out, clean, options);
    break;
  case NightlyFormat::json:
    render_nightly_json(out, clean, options);
    break;
  case NightlyFormat::csv:
    render_nightly_csv(out, clean, options);
    break;
  case NightlyFormat::md:
    render_nightly_markdown(out, clean, options);
    break;
  case NightlyFormat::html:
    render_nightly_html(out, clean, options);
    break;
  }
}

} // namespace ordertrace::report

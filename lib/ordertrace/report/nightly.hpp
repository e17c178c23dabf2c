#pragma once
// The nightly lost-order report: many assessments (and the spans they came from) folded
// into one summary for cron: counts per verdict, the funnel, per-transition durations,
// the lost and stalled orders grouped by where they stopped and by suspect, and the
// business figures of lifecycle.md. Built here, rendered by nightly_render.cpp and
// nightly_html.cpp; like the per-order renderers it never re-runs the lifecycle rules.

#include <ordertrace/lifecycle/assessment.hpp>
#include <ordertrace/lifecycle/definition.hpp>
#include <ordertrace/model/span.hpp>
#include <ordertrace/report/messages.hpp>
#include <ordertrace/util/time_zone.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace ordertrace::report {

class Redactor;

// ---- allowances learned from history ---------------------------------------------------

// One observed transition of a completed order: from a state to the next state reached.
struct TransitionSample {
  std::string from_state;
  std::string to_state;
  double seconds = 0;
};

enum class AllowanceMode { config, learned };
std::string_view to_string(AllowanceMode mode) noexcept;

struct LearnOptions {
  std::size_t min_samples = 20; // fewer samples of a state: its configured allowance stays
  double quantile = 0.99;       // of the observed durations
  double margin = 1.5;          // the learned allowance is quantile x margin
};

// The allowance learned per state (the row of its from_state), in nanoseconds, for the
// states with at least min_samples samples; negative and non-finite samples are ignored.
std::map<std::string, std::int64_t> learn_allowances(std::span<const TransitionSample> samples,
                                                     const LearnOptions& options = {});

// The samples a set of assessments offers: the stages of its COMPLETED orders.
std::vector<TransitionSample> transition_samples(std::span<const lifecycle::Assessment> orders);

// Which allowances a report used, and why.
struct AllowanceChoice {
  AllowanceMode requested = AllowanceMode::config;
  AllowanceMode used = AllowanceMode::config;
  std::string note;                            // one sentence for the report
  std::map<std::string, std::int64_t> learned; // per state, when used == learned
  // What `note` says, for other languages: the history's transitions, how the allowances
  // were learned ("p95 x 1.5") and for how many states (learned), or the samples a state
  // needed (requested learned, used config; 0: no history at all).
  std::size_t transitions = 0;
  std::string rule;
  std::size_t states_learned = 0;
  std::size_t min_samples = 0;
};

// Decides between the configured allowances and those learned from `history`: learned
// only when asked for and at least one state has enough samples; `definition` gets the
// learned allowances of those states (the others keep theirs).
AllowanceChoice choose_allowances(AllowanceMode requested,
                                  std::span<const TransitionSample> history,
                                  lifecycle::Definition& definition,
                                  const LearnOptions& options = {});

// Whether a report must keep span attribute `key`: the lifecycle reads it (order ids, order type,
// status, messaging, HTTP, addresses, errors, the mapping rules' keys) or the redactor
// learns personal data from it (deny-listed keys). Everything else can be dropped while
// decoding (source::PackedSpans, given this as its filter).
bool report_needs_attribute(std::string_view key, const lifecycle::Definition& definition,
                            const Redactor& redactor);

// ---- the report ------------------------------------------------------------------------

// Count and nearest-rank quantiles of a set of durations (nanoseconds).
struct DurationSummary {
  std::size_t count = 0;
  std::int64_t p50_ns = 0;
  std::int64_t p95_ns = 0;
  std::int64_t p99_ns = 0;
  std::int64_t max_ns = 0;
};
// Sorts `values` in place.
DurationSummary summarize(std::vector<std::int64_t>& values);

// The orders of one transition that had the same allowance set and allowance.
struct SetAllowance {
  std::string set; // the allowance set (lifecycle.md: order types); empty: the states' own
  std::optional<std::int64_t> allowance_ns;
  std::size_t count = 0;          // stages
  std::size_t over_allowance = 0; // of those, over this allowance
};

struct TransitionStats {
  std::string from_state;
  std::string to_state;
  DurationSummary durations;
  // The allowance every order had on from_state's row; nullopt when there is none, or
  // when orders of different allowance sets had different ones (see allowance_varies).
  std::optional<std::int64_t> allowance_ns;
  std::size_t over_allowance = 0; // each order counted against its own allowance
  // Per set and allowance, in the order first seen: what the single allowance hides.
  std::vector<SetAllowance> allowance_sets;
  // Whether the orders had more than one allowance on this transition.
  bool allowance_varies() const noexcept;
};

struct FunnelStep {
  std::string state;
  std::size_t reached = 0; // orders whose timeline holds the state
};

// Lost or stalled orders sharing a key: the state they stopped in, or the suspect
// service (with the queue of a waiting or unconsumed message, when there is one).
struct ProblemGroup {
  std::string key;
  std::size_t lost = 0;
  std::size_t stalled = 0;
  std::vector<std::size_t> orders; // indexes into NightlyReport::problems
};

struct OperationCount {
  std::string service;
  std::string operation;
  std::size_t count = 0;
};

struct OperationDurations {
  std::string service;
  std::string operation; // or the state set, for processing times
  DurationSummary durations;
};

// What the business watches (lifecycle.md): per stage, beside the lost orders.
struct BusinessFigures {
  std::vector<OperationCount> http_5xx;               // spans with HTTP status >= 500
  std::vector<OperationDurations> entry_latency;      // SERVER spans without a parent
  std::vector<OperationDurations> processing;         // spans that set a state, per state
  std::size_t completed_orders = 0;                   // COMPLETED verdicts
  std::size_t closed_in_window = 0;                   // of those, closed inside the window
  std::string mes_service;                            // the service whose file processing is shown
  std::optional<DurationSummary> mes_file_processing; // its spans that set a state
};

// How the spans were found (Jaeger), for the report's footer.
struct DiscoveryFacts {
  std::string route;
  std::size_t searches = 0;
  std::size_t windows_split = 0;
  std::size_t linked_fetched = 0;
  std::uint64_t http_requests = 0;
  std::size_t traces = 0;
};

// An acknowledgement of a problem (`ordertrace ack`), as the report shows it.
struct Acknowledgement {
  std::string note; // redacted when it was stored
  std::int64_t created_at_ns = 0;
  std::optional<std::int64_t> until_ns; // nullopt: until removed
};

// Where a problem stands for the support desk.
struct ProblemStatus {
  std::optional<Acknowledgement> acknowledged; // an ack in force at the report's "now"
  bool new_since_last_run = false; // not among the previous run's problems (or no such run)
};

// The previous run of the same source, as the cache recorded it.
struct PreviousRun {
  std::int64_t window_until_ns = 0;
  std::int64_t ran_at_ns = 0;
  std::vector<std::string> problem_ids; // its LOST and STALLED orders
};

// A warning of the report's sources as data (source::ClientWarning: a failed or cut-off
// Jaeger search, a trace that vanished, ...), so that the text formats say it in the
// reader's language: its kind's name ("trace_missing", said by Message::w_trace_missing)
// and the values it names. NightlyReport::warnings keeps the English sentence.
struct WarningPhrase {
  std::string kind;
  std::map<std::string, std::string> words;     // said as they are
  std::map<std::string, std::int64_t> times_ns; // said in the reader's time zone
};

struct NightlyReport {
  std::int64_t from_ns = 0;
  std::int64_t until_ns = 0;
  std::int64_t now_ns = 0;
  // "jaeger http://...", "files a.json b.json": the text formats say "files" in the
  // reader's language.
  std::string source;
  std::string lifecycle_name;
  AllowanceChoice allowances;
  std::size_t spans = 0;
  std::size_t orders = 0;
  // Every verdict of lifecycle.md, in its order, with a count (zeros included).
  std::vector<std::pair<lifecycle::Verdict, std::size_t>> verdicts;
  std::vector<FunnelStep> funnel;
  std::vector<TransitionStats> transitions;
  // Every order judged, in order id order: what a script needs to follow one up.
  struct OrderLine {
    std::string order_id;
    lifecycle::Verdict verdict = lifecycle::Verdict::not_found;
    std::optional<std::string> suspect;
    std::optional<std::string> last_state;
  };
  std::vector<OrderLine> all_orders;
  // COMPLETED orders per ending other than the final state ("CANCELLED", "REFUNDED"): every
  // ending of the lifecycle, in its order, zeros included. Counted among COMPLETED.
  std::vector<std::pair<std::string, std::size_t>> endings;
  // New problems (not acknowledged) first, then the known ones (acknowledged); in each,
  // LOST then STALLED, longest waiting first.
  std::vector<lifecycle::Assessment> problems;
  std::vector<ProblemStatus> problem_status; // one per problem, same order
  // The run compared with for "new since the last run"; nullopt when none was recorded
  // (then every problem is new) or the report ran without the cache.
  std::optional<PreviousRun> previous_run;
  bool compared_with_previous_run = false; // false: no cache, nothing to compare
  std::size_t unacknowledged_lost() const noexcept;
  std::size_t acknowledged_count() const noexcept;
  std::vector<ProblemGroup> by_state;
  std::vector<ProblemGroup> by_suspect;
  BusinessFigures business;
  std::optional<DiscoveryFacts> discovery;
  std::vector<std::string> warnings;
  std::vector<WarningPhrase> warning_phrases; // warnings[i] as data, for i < its size

  std::size_t count(lifecycle::Verdict verdict) const noexcept;
};

// Folds spans and assessments into a NightlyReport. Spans given to add_spans must be
// distinct (each span once); only spans starting inside [from, until) count for the
// business figures.
class NightlyBuilder {
public:
  // Keeps a reference to `definition`, which must outlive the builder.
  NightlyBuilder(const lifecycle::Definition& definition, std::int64_t from_ns,
                 std::int64_t until_ns, std::int64_t now_ns);
  NightlyBuilder(lifecycle::Definition&&, std::int64_t, std::int64_t, std::int64_t) = delete;

  // HTTP 5xx and entry-operation latency.
  void add_spans(std::span<const model::Span> spans);
  // One judged order and the spans it was judged from (for the processing times). Folded
  // into the counts at once: only LOST and STALLED orders are kept whole.
  void add_order(lifecycle::Assessment assessment, std::span<const model::Span> order_spans);
  // The acknowledgements in force, by order id (the caller drops expired ones).
  void set_acknowledgements(std::map<std::string, Acknowledgement> acknowledgements);
  // The previous run of the same source; nullopt: none recorded. Without a call, the
  // report says it did not compare (no cache).
  void set_previous_run(std::optional<PreviousRun> previous);

  NightlyReport finish();

private:
  const lifecycle::Definition& m_definition;
  // Counts, funnel, endings, all-orders lines and problems filled as orders arrive.
  NightlyReport m_report;
  // Per transition (from-state, to-state indexes; unknown states: the number of states).
  std::map<std::pair<std::size_t, std::size_t>, TransitionStats> m_transitions;
  std::map<std::pair<std::size_t, std::size_t>, std::vector<std::int64_t>> m_stage_durations;
  std::map<std::pair<std::string, std::string>, std::size_t> m_5xx;
  std::map<std::pair<std::string, std::string>, std::vector<std::int64_t>> m_entry;
  std::map<std::pair<std::string, std::string>, std::vector<std::int64_t>> m_processing;
  std::map<std::string, Acknowledgement> m_acknowledgements;
};

// ---- rendering -------------------------------------------------------------------------

enum class NightlyFormat { text, json, csv, md, html };
std::string_view to_string(NightlyFormat format) noexcept;
std::optional<NightlyFormat> parse_nightly_format(std::string_view name) noexcept;
std::vector<std::string> nightly_format_names();

struct NightlyRenderOptions {
  std::string ui_url; // base of the Jaeger UI links; empty: k_default_ui_url
  // Language and time zone of the text, Markdown and HTML formats (--lang, --tz); JSON,
  // CSV and the metrics stay English and UTC.
  Language language = Language::en;
  util::TimeZone zone; // UTC
  // Personal data filter; null means default_redactor().
  std::shared_ptr<const Redactor> redactor;
};

// A copy of `report` with every free-text field passed through the redactor.
NightlyReport redacted(const NightlyReport& report, const NightlyRenderOptions& options);

// Renders the redacted report in `format`.
void render_nightly(std::ostream& out, NightlyFormat format, const NightlyReport& report,
                    const NightlyRenderOptions& options);

// The renderers, on a report already redacted (render_nightly redacts first).
void render_nightly_text(std::ostream& out, const NightlyReport& report,
                         const NightlyRenderOptions& options);
void render_nightly_json(std::ostream& out, const NightlyReport& report,
                         const NightlyRenderOptions& options);
void render_nightly_csv(std::ostream& out, const NightlyReport& report,
                        const NightlyRenderOptions& options);
void render_nightly_markdown(std::ostream& out, const NightlyReport& report,
                             const NightlyRenderOptions& options);
void render_nightly_html(std::ostream& out, const NightlyReport& report,
                         const NightlyRenderOptions& options);

// Prometheus textfile-collector metrics of a finished run.
void render_nightly_metrics(std::ostream& out, const NightlyReport& report, double run_seconds,
                            std::int64_t finished_ns);

} // namespace ordertrace::report

#pragma once
// What the lifecycle engine concludes about one order: a verdict with its evidence.
// Renderers only format this value; they never re-run rules.

#include <ordertrace/model/ids.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ordertrace::lifecycle {

enum class Verdict { not_found, completed, lost, inconsistent, abandoned, stalled, on_track };
// As spelled in lifecycle.md: "NOT_FOUND", "COMPLETED", ...
std::string_view to_string(Verdict verdict) noexcept;

// How a span said which state was reached.
enum class StateSource { attribute, event, rule };
std::string_view to_string(StateSource source) noexcept;

struct SpanPointer {
  model::TraceId trace_id;
  model::SpanId span_id;
  std::string service;
  std::string operation;
  std::int64_t time_ns = 0;
};

// One state reached (first occurrence, or a repeat).
struct Transition {
  std::string state;
  std::int64_t time_ns = 0; // transition time as observed (event time, else span end)
  // Time after skew correction, used for ordering and durations.
  std::int64_t corrected_time_ns = 0;
  StateSource source = StateSource::attribute;
  SpanPointer span;
  int repeats = 0; // further occurrences (redeliveries) of the same state
};

// Time spent between two consecutive reached states.
struct Stage {
  std::string from_state;
  std::string to_state;
  std::int64_t duration_ns = 0; // clamped at 0 between causally ordered states
  std::optional<std::int64_t> allowance_ns;
  bool over_allowance = false;
};

// A sentence of the engine's (a reason, an evidence detail, a warning) as data, so that a
// renderer can say it in another language: what it says and the values it names. The
// English sentence stays in its own field; JSON and English text print that one.
struct Phrase {
  enum class Kind {
    none, // no structured form: say the English text
    // reasons
    never_seen,                    // order
    no_state_reported,             //
    ended,                         // ending, when
    reached_then_ended,            // state, ending, when
    ended_before_final,            // ending, when, state, final
    completed,                     // state, when
    lost_on_error,                 // operation, service, message, state, next
    lost_on_unnamed_error,         // operation, service, state, next
    lost_unconsumed,               // queue, service, state, next, waited, allowed
    lost_unconsumed_unnamed_queue, // service, state, next, waited, allowed
    inconsistent,                  // parts: the problems
    abandoned,                     // state, commitment, waited, allowed
    on_track_customer,             // state, waited, allowed, next
    lost_by_time,                  // next, owner, waited, state, factor, allowed
    stalled,                       // waited, next, owner, state, allowed
    on_track,                      // state, waited, allowed, next, owner
    not_in_cache_offline,          // order
    forgotten,                     // date, state, verdict
    forgotten_without_state,       // date, verdict
    // evidence details (clock skew ones are warnings too)
    span_failed,         // kind (the span kind: "client", ...)
    never_consumed,      //
    not_consumed_yet,    //
    clock_behind,        // service, skew, reference
    clock_ahead,         // service, skew, reference
    reported_again,      // state
    rework_loop,         // state, from
    out_of_sequence,     //
    ending_set_here,     // ending
    last_state_set_here, // state
    // problems of sequence (parts of an inconsistent reason, and warnings)
    came_again_undeclared,        // state, from
    came_before_causally,         // later, earlier
    came_before_after_correction, // later, earlier, by
    required_states_missing,      // states (joined with ", "), state
    // warnings
    orphan_spans,            // count
    jaeger_warning,          // warning (Jaeger's own text)
    more_jaeger_warnings,    // count
    unknown_state,           // span, service, operation, state
    order_type_without_set,  // type, attribute
    reached_after_ending,    // state, ending
    required_state_not_seen, // state
    now_before_last_state,   // now, last
    search_failed,           // services (joined with ", ")
    // a warning of the span source (the Jaeger client): client_kind (its kind's stable
    // name, "search_cut_off"), and the words and times that kind names
    client_warning,
  };
  Kind kind = Kind::none;
  // Values said as they are: states, services, queues, error messages, counts.
  std::map<std::string, std::string> words;
  // Durations, said in the reader's units. "allowed" absent: no allowance ("-"). With
  // "working_day", "allowed" is working time of days that long; with "working_time" (and
  // words "calendar"), "waited" also says how much of it was working time.
  std::map<std::string, std::int64_t> durations_ns;
  std::map<std::string, std::int64_t> times_ns; // said in the reader's time zone
  std::vector<Phrase> parts;                    // the sentences a compound one joins
};

// A span that proves the verdict.
struct Evidence {
  enum class Kind { error, unconsumed_message, waiting_message, repeated_state, clock_skew, state };
  Kind kind = Kind::state;
  SpanPointer span;
  std::string message; // error message (status message or exception.message)
  std::string queue;   // destination of a message
  std::optional<int> http_status;
  std::string detail;   // one human sentence
  Phrase detail_phrase; // `detail` as data, for other languages
};
std::string_view to_string(Evidence::Kind kind) noexcept;

// A declared rework loop (lifecycle data "back_edges") the order went round.
struct Loop {
  std::string from_state; // "PACKAGING"
  std::string to_state;   // "MANUFACTURING_STARTED"
  int count = 0;          // times the order went back
};

// What the support engineer should do next (STALLED and LOST), from the lifecycle data's
// hints. The text is by language ("en", "ru"), with every placeholder filled but {since}
// (when the last state was reached) and {deadline} (when its allowance ran out), which
// the renderer writes in the reader's time zone.
struct NextStep {
  std::string hint;                        // id of the hint in the lifecycle data
  std::map<std::string, std::string> text; // language -> text
};

struct Assessment {
  std::string order_id;
  Verdict verdict = Verdict::not_found;
  std::string reason;   // one sentence: why this verdict
  Phrase reason_phrase; // `reason` as data, for other languages; whoever rewrites one, both

  std::vector<Transition> timeline; // first occurrences in lifecycle order
  std::vector<Transition> repeats;  // further occurrences, for evidence
  std::vector<Stage> stages;
  std::vector<std::string> missing_states; // required states skipped before the last state

  std::optional<std::string> last_state;
  std::optional<std::int64_t> last_state_time_ns;
  std::optional<std::string> expected_next_state;
  std::optional<std::string> expected_owner;
  std::optional<std::string> suspect;       // STALLED and LOST only
  std::optional<std::int64_t> allowance_ns; // allowance in force
  std::optional<std::int64_t> waiting_ns;   // now - last state
  std::optional<std::int64_t> deadline_ns;  // last state + allowance

  // COMPLETED by an ending other than the final state ("CANCELLED", "REFUNDED").
  std::optional<std::string> ending;
  std::vector<Loop> loops;                  // declared rework loops taken
  std::optional<std::string> order_type;    // value of the order-type attribute ("express")
  std::optional<std::string> allowance_set; // allowance set used; nullopt: the states' own
  std::optional<std::string> calendar;      // calendar of the allowance in force; nullopt: wall
  // NOT_FOUND only: "never_seen", or "beyond_retention" (known from the cache, but Jaeger
  // no longer has it and the cache kept no spans).
  std::optional<std::string> not_found_reason;
  // Where the caller looked for the order, so that a NOT_FOUND says where it was not
  // seen; none set: not said. The engine never sets these.
  struct Searched {
    bool files = false;
    bool jaeger = false;
    bool cache = false;
  };
  Searched searched;
  std::optional<NextStep> next_step; // STALLED and LOST, when a hint matches

  std::vector<Evidence> evidence;
  std::vector<std::string> warnings; // gaps, skew, incomplete data
  // warnings[i] as data, for i < its size; the Jaeger client's warnings carry a
  // client_warning phrase, a warning with no structured form one of Kind::none.
  std::vector<Phrase> warning_phrases;
  std::vector<model::TraceId> traces; // every trace that holds a span of the order
  std::int64_t first_seen_ns = 0;
  std::int64_t last_seen_ns = 0;
  std::int64_t now_ns = 0;
};

} // namespace ordertrace::lifecycle

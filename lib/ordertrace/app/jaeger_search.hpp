#pragma once
// `show` against Jaeger: which time windows to search, and the search that walks them
// newest first, so that a weeks-long order is found without one huge query and a fresh
// order costs one window.

#include <ordertrace/lifecycle/assessment.hpp>
#include <ordertrace/lifecycle/definition.hpp>
#include <ordertrace/model/span.hpp>
#include <ordertrace/source/jaeger_client.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ordertrace::app {

// One order judged, with the spans it was judged from (the redactor learns the personal
// data on them).
struct JudgedOrder {
  lifecycle::Assessment assessment;
  std::vector<model::Span> spans;
  std::vector<std::string> failed_services; // searches that failed in some window
  std::int64_t searched_from_ns = 0;        // start of the oldest window searched
};

// Ends of the growing windows, counted back from --until: the last day, then 1-3 d,
// 3-7 d, 7-30 d and 30-90 d before it (cli.md: up to 90 days).
inline constexpr std::int64_t k_day_ns = 86'400LL * 1'000'000'000LL;
inline constexpr std::int64_t k_growing_window_ends_ns[] = {
    1 * k_day_ns, 3 * k_day_ns, 7 * k_day_ns, 30 * k_day_ns, 90 * k_day_ns};

// The windows to search, newest first: [since, until) alone when `since_ns` is set, else
// the growing slices back from `until_ns` (none reaching before the epoch). Each span
// start time falls in at most one of them.
std::vector<source::SearchWindow> search_windows(std::optional<std::int64_t> since_ns,
                                                 std::int64_t until_ns);

// The Jaeger client's warnings gathered over several searches: each English sentence once,
// with its data (the client's ClientWarning, when it gave one) beside it.
struct ClientWarnings {
  std::vector<std::string> texts;
  std::vector<std::optional<source::ClientWarning>> details; // texts[i] as data

  // Adds the warnings of `found` not held yet.
  void add(const source::OrderTraces& found);
};

// Appends `warnings` not there yet to the assessment's, each with a phrase beside it
// (Phrase::Kind::client_warning), so that other languages say them too; JSON and English
// print the English sentence as before.
void append_client_warnings(lifecycle::Assessment& assessment, const ClientWarnings& warnings);

// Asks `client` for `order_id` window by window, merging the spans (each trace and span
// once), and stops after the first window whose merged spans show the lifecycle's first
// state, or a COMPLETED order with no required state missing. Judges the merged spans at `now_ns`;
// services whose search failed in any window count as unsearched, and the client's warnings (each
// once) follow the engine's in the assessment; the spans judged come with it, for the
// redactor to learn from. Throws what JaegerClient::find_order throws.
JudgedOrder find_and_assess(source::JaegerClient& client, const lifecycle::Definition& definition,
                            const std::string& order_id,
                            std::span<const source::SearchWindow> windows, std::int64_t now_ns);

// Spans that start in [from_ns, until_ns) for the services in `services` (empty: every
// service the route finds without naming one), asked of Jaeger with a client of their own
// so that an incremental refresh searches each service only since its own last search.
// Throws what JaegerClient::find_order throws.
source::OrderTraces find_order_for_services(source::JaegerOptions options,
                                            source::HttpTransport& transport,
                                            std::vector<std::string> services,
                                            const std::string& order_id,
                                            std::span<const std::string> order_id_keys,
                                            const source::SearchWindow& window);

} // namespace ordertrace::app

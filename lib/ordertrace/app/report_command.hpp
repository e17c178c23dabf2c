#pragma once
// The `report` command (the nightly lost-order report) without CLI11: a plain options
// struct filled by app::run, and the runner that finds every order active in a window
// (from Jaeger, or from trace files with --source), judges each one and renders the
// summary for cron.

#include <ordertrace/app/settings.hpp>
#include <ordertrace/model/span.hpp>
#include <ordertrace/report/nightly.hpp>
#include <ordertrace/util/error.hpp>

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace ordertrace::app {

struct ReportOptions {
  std::vector<std::filesystem::path> sources; // --source, in order; empty: ask Jaeger
  std::optional<std::string> now;             // --now as typed; nullopt: the clock
  std::optional<std::string> since;           // --since/--from DURATION|TIME; Jaeger: 24h
  std::optional<std::string> until;           // --until TIME; nullopt: --now
  std::optional<std::string> format;          // text (default), json, csv, md, html
  std::optional<std::string> out;             // --out FILE; nullopt: standard output
  std::optional<std::string> metrics_file;    // --metrics-file FILE (Prometheus textfile)
  std::optional<std::string> allowances;      // config (default) or learned
  CommonOptions common;                       // --jaeger, --config, --lifecycle, ...
};

// What the report merges in from elsewhere (the cache): orders known to be open, which
// are judged even when the window holds none of their spans (an order that went silent
// is what a lost order looks like), and the transitions of completed orders that
// `--allowances learned` learns from.
struct ReportInputs {
  std::vector<std::string> known_open_orders;
  // What the cache kept of those orders (redacted when stored): judged with whatever the
  // window adds, so an order keeps its history after Jaeger dropped its traces.
  std::vector<model::Span> cached_spans;
  std::vector<report::TransitionSample> history;
};

// Runs `report`: checks every option first (UsageError), loads the spans (files, or a
// Jaeger discovery of the window), groups them per order, judges each order and writes
// the report to `out` (or --out, replaced atomically) and the metrics to --metrics-file.
// `progress`: draw a progress bar on `diagnostics` (the caller checks for a terminal).
// With the cache on (created if need be), acknowledged problems (`ordertrace ack`) are listed
// apart as known, the problems are compared with the previous run of the same source (Jaeger,
// or the same trace files; the window end before this one's), and this run's problems are
// recorded once the report is written.
// Returns ExitCode::lost_orders_found when any LOST order is not acknowledged, else
// ExitCode::ok; throws JaegerError (5), AuthenticationError (6), InputError (1) as show does,
// CacheError (7) for an unusable cache.
ExitCode run_report(const ReportOptions& options, const ReportInputs& inputs, std::ostream& out,
                    std::ostream& diagnostics, bool progress);

} // namespace ordertrace::app

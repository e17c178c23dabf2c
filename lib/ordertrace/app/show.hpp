#pragma once
// The `show` command without CLI11: a plain options struct filled by app::run, and the
// runner that gets the order's traces (from Jaeger, or from files with --source), judges
// each order and renders the verdicts.

#include <ordertrace/app/settings.hpp>
#include <ordertrace/source/http_transport.hpp>
#include <ordertrace/util/error.hpp>

#include <filesystem>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace ordertrace::app {

struct ShowOptions {
  std::vector<std::string> order_ids;         // as given: quotes, spaces, any UTF-8; "-": stdin
  std::vector<std::string> trace_ids;         // --trace: show every order of these traces
  std::vector<std::filesystem::path> sources; // --source, in order; empty: ask Jaeger
  std::optional<std::string> now;             // --now as typed; nullopt: the clock
  std::optional<std::string> since;           // --since/--from DURATION|TIME as typed
  std::optional<std::string> until;           // --until TIME as typed; nullopt: --now
  std::optional<std::string> format;          // --format as typed; nullopt: text
  bool no_color = false;                      // --no-color
  bool offline = false;                       // --offline: the cache only, no Jaeger
  bool refresh = false;                       // --refresh: ask Jaeger afresh, then store
  CommonOptions common;                       // --jaeger, --config, --lifecycle, ...
  std::istream* ids_input = nullptr;          // where "-" reads ids; nullptr: std::cin
  // Tests: the transport to ask Jaeger through instead of libcurl; must outlive the call.
  source::HttpTransport* transport = nullptr;
};

// The order ids to show: `ids` in order, each "-" replaced by the ids read from `input`
// (one a line, white space trimmed, blank lines and lines starting with '#' skipped; read
// once), each id once, where it first came. UsageError for an empty id given as an argument.
std::vector<std::string> expand_order_ids(const std::vector<std::string>& ids, std::istream& input);

// Runs `show`: checks every option first (UsageError), then loads the lifecycle and the
// spans of each order: from the trace files (InputError naming the file), or from Jaeger
// in growing windows back from --until (JaegerError, exit 5, when it is unreachable,
// failing or not a Jaeger; AuthenticationError, exit 6; each message ends with the
// redacted Jaeger URL). With the cache on (settings.hpp), a COMPLETED order is answered from
// the cache without a request, an open one is refreshed only since its last search, and each
// order found is stored, redacted; --offline reads the cache alone. Every report then says
// what came from the cache and how old it is. CacheError (exit 7) for an unusable cache file.
// --source never touches the cache. Several orders are looked up at once (up to --parallel),
// sharing the requests they have in common; the reports come in the order the ids were
// given. Judges each order and writes the reports to `out`; with
// --verbose, one line per HTTP request goes to `diagnostics`. Returns ExitCode::ok, or
// ExitCode::order_not_found when any order was not found (its NOT_FOUND report is still
// written).
// The cache's key of a Jaeger: its URL without credentials or trailing slashes, so that
// two Jaegers (staging, production) never share an order.
std::string jaeger_cache_key(const std::string& base_url);

ExitCode run_show(const ShowOptions& options, std::ostream& out, std::ostream& diagnostics);

} // namespace ordertrace::app

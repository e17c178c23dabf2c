#pragma once
// The `show` command without CLI11: a plain options struct filled by app::run, and the
// runner that loads traces, judges each order and renders the verdicts.

#include <ordertrace/app/settings.hpp>
#include <ordertrace/util/error.hpp>

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace ordertrace::app {

struct ShowOptions {
  std::vector<std::string> order_ids;         // as given: quotes, spaces, any UTF-8
  std::vector<std::filesystem::path> sources; // --source, in order
  std::optional<std::string> now;             // --now as typed; nullopt: the clock
  std::optional<std::string> format;          // --format as typed; nullopt: text
  std::optional<std::string> lifecycle;       // --lifecycle FILE
  std::optional<std::string> ui_url;          // --ui-url URL
  bool no_color = false;                      // --no-color
};

// Runs `show`: checks every option first (UsageError), then loads the lifecycle and the
// trace files (InputError naming the file), judges each order and writes the reports to
// `out`. Returns ExitCode::ok, or ExitCode::order_not_found when any order was not found
// (its NOT_FOUND report is still written).
ExitCode run_show(const ShowOptions& options, std::ostream& out);

} // namespace ordertrace::app

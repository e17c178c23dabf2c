#include <ordertrace/app/ack_command.hpp>
#include <ordertrace/app/cache_command.hpp>
#include <ordertrace/app/enrich_command.hpp>
#include <ordertrace/app/report_command.hpp>
#include <ordertrace/app/run.hpp>
#include <ordertrace/app/show.hpp>
#include <ordertrace/report/render.hpp>
#include <ordertrace/util/error.hpp>
#include <ordertrace/util/strings.hpp>

#include <CLI/CLI.hpp>

#include <cctype>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

#ifndef ORDERTRACE_VERSION
#define ORDERTRACE_VERSION "unknown"
#endif

namespace ordertrace::app {
namespace {

const std::vector<std::string> k_commands = {"show", "report", "enrich", "config", "cache", "ack"};

// One line: newlines and other control characters would split or garble it.
std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7F ? ' ' : c);
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '.')) {
    out.pop_back();
  }
  return out;
}

// CLI11 writes "The following arguments ..."; our messages start in lowercase.
std::string lowercase_first_word(std::string text) {
  if (text.size() > 1 && std::isupper(static_cast<unsigned char>(text[0])) &&
      (std::islower(static_cast<unsigned char>(text[1])) || text[1] == ' ')) {
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  }
  return text;
}

void print_error(std::string_view message) {
  std::cerr << "ordertrace: error: " << one_line(message) << '\n';
}

void print_hint(const std::string& help_command) {
  std::cerr << "ordertrace: run '" << help_command << "' for usage\n";
}

// The first argument that is not an option names the command (the top level has no
// option that takes a value). An unknown one gets a "did you mean".
void check_command(int argc, char** argv) {
  std::string unknown_option;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h" || arg == "--version") {
      return; // CLI11 answers these
    }
    if (arg == "--") {
      break;
    }
    if (!arg.empty() && arg.front() == '-') {
      if (unknown_option.empty()) {
        unknown_option = std::string(arg.substr(0, arg.find('=')));
      }
      continue;
    }
    if (std::find(k_commands.begin(), k_commands.end(), arg) != k_commands.end()) {
      return;
    }
    std::string message = "unknown command '" + std::string(arg) + "'";
    if (auto near = util::closest_name(arg, k_commands); !near.empty()) {
      message += " (did you mean '" + near + "'?)";
    }
    throw UsageError(message);
  }
  if (!unknown_option.empty()) {
    throw UsageError("unknown option '" + unknown_option + "'");
  }
  std::string commands;
  for (const auto& command : k_commands) {
    commands += (commands.empty() ? "" : ", ") + command;
  }
  throw UsageError("a command is required (" + commands + ")");
}

// The names of the options of `app`, for "did you mean" on an unknown one.
std::vector<std::string> option_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* option : app.get_options()) {
    for (const auto& name : option->get_lnames()) {
      names.push_back("--" + name);
    }
  }
  return names;
}

// CLI11 lists unexpected arguments; name the first unknown option and suggest one.
std::string describe_extras(const CLI::ParseError& error, const CLI::App& command, int argc,
                            char** argv) {
  const auto names = option_names(command);
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") {
      break;
    }
    if (arg.size() < 2 || arg.front() != '-') {
      continue;
    }
    arg = arg.substr(0, arg.find('='));
    if (std::find(names.begin(), names.end(), arg) != names.end() || arg == "-h") {
      continue;
    }
    std::string message = "unknown option '" + std::string(arg) + "'";
    if (auto near = util::closest_name(arg, names); !near.empty()) {
      message += " (did you mean '" + near + "'?)";
    }
    return message;
  }
  return lowercase_first_word(error.what());
}

// Where the order cache lives (README "Cache"); `cache` takes these alone.
void add_cache_options(CLI::App& command, CommonOptions& options) {
  command
      .add_option("--cache", options.cache,
                  "Order cache file (default ${XDG_CACHE_HOME:-~/.cache}/ordertrace/cache.db)")
      ->type_name("FILE");
  command.add_flag("--no-cache", options.no_cache, "Neither read nor write the order cache");
}

// The options every Jaeger-reading command shares (cli.md); `config show` takes them too,
// so that it shows what a command given the same options would use.
void add_common_options(CLI::App& command, CommonOptions& options) {
  command
      .add_option("--jaeger", options.jaeger,
                  "Jaeger query URL, a base path allowed (default http://localhost:16686)")
      ->type_name("URL");
  command.add_option("--ui-url", options.ui_url, "Base URL of the links (default: the Jaeger URL)")
      ->type_name("URL");
  command.add_option("--api", options.api, "Search API: auto (default), v3 or legacy")
      ->type_name("API");
  command.add_option("--search-depth", options.search_depth, "Traces per search (default 100)")
      ->type_name("N");
  command
      .add_option("--token-file", options.token_file,
                  "Bearer token file, mode 0600; sent over https only")
      ->type_name("FILE");
  command.add_option("--ca-file", options.ca_file, "CA certificates (default: system store)")
      ->type_name("FILE");
  command.add_option("--cert", options.cert, "Client certificate (mutual TLS)")->type_name("FILE");
  command.add_option("--key", options.key, "Key of the client certificate")->type_name("FILE");
  command
      .add_option("--timeout", options.timeout,
                  "Limit per HTTP request (default 60); retries come on top")
      ->type_name("SECONDS");
  command
      .add_option("--parallel", options.parallel,
                  "HTTP requests in flight at once (default 8; 1 for a Jaeger memory store)")
      ->type_name("N");
  command.add_flag("--verbose", options.verbose, "One line per HTTP request on stderr");
  command.add_option("--lifecycle", options.lifecycle, "Lifecycle JSON (default: built in)")
      ->type_name("FILE");
  command.add_option("--config", options.config, "Config file (see below)")->type_name("FILE");
  command
      .add_option("--lang", options.lang,
                  "Language of text output: en or ru (default: LC_ALL/LC_MESSAGES/LANG, else en)")
      ->type_name("LANG");
  command
      .add_option("--tz", options.tz,
                  "Time zone of text output, e.g. Europe/Moscow (default: TZ, "
                  "else UTC)")
      ->type_name("ZONE");
  add_cache_options(command, options);
}

// Where the shared options can come from, for the footers of the commands that take them.
constexpr const char* k_settings_footer =
    "Environment: ORDERTRACE_JAEGER_URL, ORDERTRACE_UI_URL, ORDERTRACE_TOKEN (the token\n"
    "itself), ORDERTRACE_LIFECYCLE, ORDERTRACE_CONFIG, ORDERTRACE_CACHE (off: none),\n"
    "NO_COLOR, LC_ALL/LC_MESSAGES/LANG (ru_RU.UTF-8: Russian), TZ (time zone).\n"
    "Config file: --config, ORDERTRACE_CONFIG, else ${XDG_CONFIG_HOME:-~/.config}/\n"
    "ordertrace/config.toml if it exists; long option names as keys (jaeger = \"URL\"),\n"
    "never the token itself.\n"
    "Precedence: defaults < config file < environment < command line; see\n"
    "'ordertrace config show'.";

// The deepest command the arguments named (`app` itself when none): it knows the options
// an error is about.
const CLI::App& deepest_parsed(const CLI::App& app) {
  const CLI::App* command = &app;
  while (!command->get_subcommands().empty()) {
    command = command->get_subcommands().front();
  }
  return *command;
}

// "ordertrace cache prune --help" for that command.
std::string help_command_of(const CLI::App& command) {
  std::string words = "--help";
  for (const CLI::App* at = &command; at->get_parent() != nullptr; at = at->get_parent()) {
    words = at->get_name() + " " + words;
  }
  return "ordertrace " + words;
}

} // namespace

int run(int argc, char** argv) {
  CLI::App app{"ordertrace: where is an order, or where did it get lost? Answers from\n"
               "the traces of the order system",
               "ordertrace"};
  app.set_version_flag("--version", std::string("ordertrace ") + ORDERTRACE_VERSION,
                       "Print the version and exit");
  app.require_subcommand(1);
  app.footer("Run 'ordertrace <command> --help' for a command's options.");

  ShowOptions show_options;
  CLI::App* show = app.add_subcommand("show", "Show an order's verdict with its evidence");
  show->footer(
      std::string("By default the spans come from Jaeger: without --since, windows of the\n"
                  "last day, then 1-3, 3-7, 7-30 and 30-90 days before --until, until the\n"
                  "order's first state (or its whole completed timeline) is found.\n\n"
                  "Verdicts: COMPLETED, ON_TRACK, STALLED, LOST, ABANDONED, INCONSISTENT,\n"
                  "NOT_FOUND.\n"
                  "Exit codes: 0 shown, 1 error, 2 usage error (also a bad URL or option\n"
                  "value, a token file others may read), 4 not found, 5 Jaeger unreachable,\n"
                  "timed out, failing (5xx after retries) or not a Jaeger query API,\n"
                  "6 authentication required or refused (401/403, a login page),\n"
                  "7 cache unusable (not an ordertrace cache, corrupt, or newer).\n") +
      k_settings_footer);
  show->add_option("order-id", show_options.order_ids,
                   "Order id(s), as the spans carry them; - reads ids from stdin, one a line "
                   "(looked up --parallel at once)");
  show->add_option("--source", show_options.sources,
                   "Trace file instead of Jaeger (Jaeger/OTLP JSON, - for stdin); repeatable")
      ->type_name("FILE")
      ->allow_extra_args(false);
  show->add_option("--now", show_options.now, "Judge as of this RFC 3339 time (default: now)")
      ->type_name("TIME");
  show->add_option("--since,--from", show_options.since,
                   "One window from this time or this long before --until (7d)")
      ->type_name("DURATION|TIME");
  show->add_option("--until", show_options.until, "End of the search, RFC 3339 (default: --now)")
      ->type_name("TIME");
  show->add_option("--format", show_options.format, "text (default), json or md (for a ticket)")
      ->type_name("FORMAT");
  show->add_option("--trace", show_options.trace_ids,
                   "Show every order of this trace (and the traces linked to it); repeatable")
      ->type_name("TRACE-ID")
      ->allow_extra_args(false);
  show->add_flag("--no-color", show_options.no_color, "No colours in the text report");
  show->add_flag("--offline", show_options.offline,
                 "Answer from the order cache only; an order not cached is NOT_FOUND");
  show->add_flag("--refresh", show_options.refresh,
                 "Ignore the cached copy of the order: ask Jaeger afresh, then store");
  add_common_options(*show, show_options.common);

  ReportOptions report_options;
  CLI::App* report_command = app.add_subcommand(
      "report", "The nightly lost-order report: every order active in a window, for cron");
  report_command->footer(
      std::string("Finds every order with a span in the window (default: the last 24h before\n"
                  "--until; with --source and no --since, everything in the files): per service\n"
                  "searches in windows halved while a search comes back full, then linked\n"
                  "traces by id. Shows counts per verdict, the funnel, per-transition\n"
                  "durations, lost and stalled orders by state and suspect, business figures.\n"
                  "Exit codes: 0 no lost order, 3 lost orders found, 1 error, 2 usage error,\n"
                  "5 Jaeger unreachable or failing, 6 authentication required or refused,\n"
                  "7 cache unusable.\n") +
      k_settings_footer);
  report_command
      ->add_option("--source", report_options.sources,
                   "Trace file instead of Jaeger (Jaeger/OTLP JSON, - for stdin); repeatable")
      ->type_name("FILE")
      ->allow_extra_args(false);
  report_command
      ->add_option("--now", report_options.now, "Judge as of this RFC 3339 time (default: now)")
      ->type_name("TIME");
  report_command
      ->add_option("--since,--from", report_options.since,
                   "Window start: this long before --until (24h, the default) or a time")
      ->type_name("DURATION|TIME");
  report_command
      ->add_option("--until", report_options.until, "Window end, RFC 3339 (default: --now)")
      ->type_name("TIME");
  report_command
      ->add_option("--format", report_options.format, "text (default), json, csv, md or html")
      ->type_name("FORMAT");
  report_command
      ->add_option("--out", report_options.out, "Write the report to FILE (replaced at once)")
      ->type_name("FILE");
  report_command
      ->add_option("--metrics-file", report_options.metrics_file,
                   "Write Prometheus textfile-collector metrics to FILE")
      ->type_name("FILE");
  report_command
      ->add_option("--allowances", report_options.allowances,
                   "config (default) or learned (from completed orders' history)")
      ->type_name("MODE");
  add_common_options(*report_command, report_options.common);

  EnrichCommandOptions enrich_options;
  CLI::App* enrich = app.add_subcommand(
      "enrich", "Add each ticket's verdict, suspect, failing span and Jaeger link (CSV or JSON "
                "Lines)");
  enrich->footer("Tickets need an order id and/or a trace id column. Added columns start with\n"
                 "ordertrace_ and are overwritten on a second run; other columns are kept.\n"
                 "Exit codes: 0 all enriched, 1 some rows got ordertrace_error (or an error),\n"
                 "2 usage error, 4 an order not found, 5/6 Jaeger unreachable or refusing,\n"
                 "7 cache unusable. Against Jaeger, orders go through the order cache as for\n"
                 "show (--cache, --no-cache).");
  enrich->add_option("tickets", enrich_options.input, "Ticket file (default: standard input)")
      ->type_name("FILE");
  enrich
      ->add_option("--source", enrich_options.sources,
                   "Trace file (Jaeger/OTLP JSON) instead of Jaeger; repeat for more")
      ->type_name("FILE")
      ->allow_extra_args(false);
  enrich->add_option("--now", enrich_options.now, "Judge as of this RFC 3339 time (default: now)")
      ->type_name("TIME");
  enrich->add_option("--format", enrich_options.format, "tickets (default) or md")
      ->type_name("FORMAT");
  enrich
      ->add_option("--input-format", enrich_options.input_format,
                   "csv or jsonl (default: JSON Lines when the input starts with '{')")
      ->type_name("FORMAT");
  enrich
      ->add_option("--order-column", enrich_options.order_column,
                   "Column (key) holding the order id (default order_id)")
      ->type_name("NAME");
  enrich
      ->add_option("--trace-column", enrich_options.trace_column,
                   "Column (key) holding a trace id (default trace_id)")
      ->type_name("NAME");
  add_common_options(*enrich, enrich_options.common);

  CommonOptions config_options;
  CLI::App* config = app.add_subcommand("config", "Show the effective configuration");
  config->require_subcommand(1);
  CLI::App* config_show = config->add_subcommand(
      "show", "Print each setting, its value and where it came from (the token masked)");
  config_show->footer(k_settings_footer);
  add_common_options(*config_show, config_options);

  CacheCommandOptions cache_options;
  CLI::App* cache_command = app.add_subcommand("cache", "Look after the order cache file");
  cache_command->require_subcommand(1);
  cache_command->footer("Exit codes: 0 done, 1 no such file (nothing cached yet), 2 usage "
                        "error,\n7 cache unusable (verify found a problem, or the file is not an "
                        "ordertrace cache).");
  for (const auto& [action, help] : std::vector<std::pair<std::string, std::string>>{
           {"stats", "Orders, traces and sizes in the cache"},
           {"verify", "SQLite integrity check and every stored span decoded"},
           {"prune", "Remove orders last seen more than --older-than ago"},
           {"vacuum", "Compact the file"}}) {
    CLI::App* sub = cache_command->add_subcommand(action, help);
    sub->callback([&cache_options, name = action] { cache_options.action = name; });
    add_cache_options(*sub, cache_options.common);
    sub->add_option("--config", cache_options.common.config, "Config file")->type_name("FILE");
    if (action == "prune") {
      sub->add_option("--older-than", cache_options.older_than, "Age such as 90d")
          ->type_name("DURATION");
      sub->add_option("--now", cache_options.now, "Count ages from this RFC 3339 time")
          ->type_name("TIME");
    }
  }

  AckOptions ack_options;
  CLI::App* ack = app.add_subcommand(
      "ack", "Mark lost orders as known (a note, until when), for the nightly report");
  ack->footer("ordertrace ack ORDER... --note TEXT [--until T]   acknowledge\n"
              "ordertrace ack --list [--format json]            every acknowledgement\n"
              "ordertrace ack --remove ORDER...                 forget them\n"
              "Kept in the order cache, for the whole file (by order id); the note is redacted.\n"
              "The report lists acknowledged orders as known and exits 3 only for others.\n"
              "Exit codes: 0 done, 2 usage error (no --note, --until in the past, cache off),\n"
              "7 cache unusable.");
  ack->add_option("order-id", ack_options.order_ids, "Order id(s)");
  ack->add_option("--note", ack_options.note, "Why the order is known (a ticket, who is on it)")
      ->type_name("TEXT");
  ack->add_option("--until", ack_options.until,
                  "Until this RFC 3339 time, or for a duration from now (14d); default: until "
                  "removed")
      ->type_name("TIME|DURATION");
  ack->add_option("--now", ack_options.now, "Count from this RFC 3339 time (default: now)")
      ->type_name("TIME");
  ack->add_flag("--list", ack_options.list, "List every acknowledgement (expired ones marked)");
  ack->add_flag("--remove", ack_options.remove, "Remove the acknowledgements of the orders");
  ack->add_option("--format", ack_options.format, "--list: text (default) or json")
      ->type_name("FORMAT");
  add_cache_options(*ack, ack_options.common);
  // Accepted only to refuse it with "ack needs the cache", so not offered in --help.
  ack->get_option("--no-cache")->group("");
  ack->add_option("--config", ack_options.common.config, "Config file")->type_name("FILE");
  ack->add_option("--lifecycle", ack_options.common.lifecycle,
                  "Lifecycle JSON whose redaction rules clean the note (default: built in)")
      ->type_name("FILE");

  std::string help_command = "ordertrace --help";
  try {
    check_command(argc, argv);
    app.parse(argc, argv);
    if (show->parsed()) {
      help_command = "ordertrace show --help";
      return static_cast<int>(run_show(show_options, std::cout, std::cerr));
    }
    if (report_command->parsed()) {
      help_command = "ordertrace report --help";
      return static_cast<int>(
          run_report(report_options, {}, std::cout, std::cerr, isatty(STDERR_FILENO) == 1));
    }
    if (enrich->parsed()) {
      help_command = "ordertrace enrich --help";
      return static_cast<int>(run_enrich_command(enrich_options, std::cin, std::cout, std::cerr));
    }
    if (ack->parsed()) {
      help_command = "ordertrace ack --help";
      return static_cast<int>(run_ack(ack_options, std::cout));
    }
    if (cache_command->parsed()) {
      help_command = "ordertrace cache --help";
      return static_cast<int>(run_cache_command(cache_options, std::cout));
    }
    if (config_show->parsed()) {
      help_command = "ordertrace config show --help";
      write_settings(std::cout, resolve_settings(config_options, "show"));
      return static_cast<int>(ExitCode::ok);
    }
    return static_cast<int>(ExitCode::ok);
  } catch (const CLI::Success& e) {
    // --help and --version: CLI11 prints them to stdout and exits 0.
    return app.exit(e);
  } catch (const CLI::ExtrasError& e) {
    const CLI::App& command = deepest_parsed(app);
    print_error(describe_extras(e, command, argc, argv));
    print_hint(help_command_of(command));
    return static_cast<int>(ExitCode::usage_error);
  } catch (const CLI::ParseError& e) {
    print_error(lowercase_first_word(e.what()));
    print_hint(help_command_of(deepest_parsed(app)));
    return static_cast<int>(ExitCode::usage_error);
  } catch (const Error& e) {
    print_error(e.what());
    if (e.code() == ExitCode::usage_error) {
      print_hint(help_command);
    }
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    print_error(e.what());
    return static_cast<int>(ExitCode::runtime_error);
  }
}

} // namespace ordertrace::app

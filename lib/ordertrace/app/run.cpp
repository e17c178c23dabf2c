#include <ordertrace/app/run.hpp>
#include <ordertrace/app/show.hpp>
#include <ordertrace/report/render.hpp>
#include <ordertrace/util/error.hpp>
#include <ordertrace/util/strings.hpp>

#include <CLI/CLI.hpp>

#include <cctype>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#ifndef ORDERTRACE_VERSION
#define ORDERTRACE_VERSION "unknown"
#endif

namespace ordertrace::app {
namespace {

const std::vector<std::string> k_commands = {"show"};

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
  show->footer("Verdicts: COMPLETED, ON_TRACK, STALLED, LOST, ABANDONED, INCONSISTENT,\n"
               "NOT_FOUND. Exit codes: 0 shown, 1 error, 2 usage error, 4 not found.\n"
               "Environment: ORDERTRACE_LIFECYCLE, ORDERTRACE_UI_URL, NO_COLOR.");
  show->add_option("order-id", show_options.order_ids, "Order id(s), as the spans carry them")
      ->required();
  show->add_option("--source", show_options.sources,
                   "Trace file (Jaeger/OTLP JSON, - for stdin); repeat for more")
      ->type_name("FILE")
      ->allow_extra_args(false);
  show->add_option("--now", show_options.now, "Judge as of this RFC 3339 time (default: now)")
      ->type_name("TIME");
  show->add_option("--format", show_options.format, "text (default) or json")->type_name("FORMAT");
  show->add_option("--lifecycle", show_options.lifecycle, "Lifecycle JSON (default: built in)")
      ->type_name("FILE");
  show->add_option("--ui-url", show_options.ui_url, "Jaeger UI base URL for links")
      ->type_name("URL");
  show->add_flag("--no-color", show_options.no_color, "No colours in the text report");

  std::string help_command = "ordertrace --help";
  try {
    check_command(argc, argv);
    app.parse(argc, argv);
    if (show->parsed()) {
      help_command = "ordertrace show --help";
      return static_cast<int>(run_show(show_options, std::cout));
    }
    return static_cast<int>(ExitCode::ok);
  } catch (const CLI::Success& e) {
    // --help and --version: CLI11 prints them to stdout and exits 0.
    return app.exit(e);
  } catch (const CLI::ExtrasError& e) {
    const CLI::App& command = show->parsed() ? *show : app;
    print_error(describe_extras(e, command, argc, argv));
    print_hint(show->parsed() ? "ordertrace show --help" : help_command);
    return static_cast<int>(ExitCode::usage_error);
  } catch (const CLI::ParseError& e) {
    print_error(lowercase_first_word(e.what()));
    print_hint(show->parsed() ? "ordertrace show --help" : help_command);
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

#include <ordertrace/config/lifecycle_file.hpp>
#include <ordertrace/sim/accuracy.hpp>
#include <ordertrace/sim/cli.hpp>
#include <ordertrace/sim/otlp_sender.hpp>
#include <ordertrace/sim/simulator.hpp>
#include <ordertrace/util/error.hpp>
#include <ordertrace/util/time.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>

namespace ordertrace::sim {
namespace {

constexpr std::size_t k_flush_bytes = 1U << 20U;

struct GenerateArgs {
  std::size_t orders = 1'000;
  std::uint64_t seed = 1;
  std::string now;
  std::string period = "30d";
  std::string faults;
  double silent_stop_rate = SimOptions{}.silent_stop_rate;
  double untraced_rate = SimOptions{}.untraced_rate;
  bool mes_rules_only = false;
  double cancelled_rate = SimOptions{}.cancelled_rate;
  double refunded_rate = SimOptions{}.refunded_rate;
  double rework_rate = SimOptions{}.rework_rate;
  double express_rate = SimOptions{}.express_rate;
  bool no_order_types = false;
  std::string id_prefix = "SIM";
  std::string output;
  std::string otlp;
  std::size_t batch = 100;
  std::string manifest;
  std::string now_file;
};

struct AccuracyArgs {
  std::vector<std::string> traces;
  std::string manifest;
  std::string now;
  std::string lifecycle;
  double min_lost_recall = 1.0;
  double min_lost_precision = 0.99;
  double min_suspects = 0.95;
  double min_precision = 0.0;
  double min_endings = 1.0;
  double min_loops = 1.0;
  std::size_t show_mismatches = 20;
};

std::int64_t parse_now(const std::string& text, const char* option) {
  if (text.empty()) {
    return util::system_now_ns() / util::k_ns_per_second * util::k_ns_per_second;
  }
  const auto now = util::parse_rfc3339(text);
  if (!now) {
    throw UsageError(
        fmt::format("{}: '{}' is not an RFC 3339 time (2026-11-20T12:00:00Z)", option, text));
  }
  return *now;
}

// A file for writing, or stdout for "-"; errors name the file.
class Output {
public:
  explicit Output(const std::string& path) : m_path(path) {
    if (path == "-") {
      m_file = stdout;
      return;
    }
    m_file = std::fopen(path.c_str(), "wb");
    if (m_file == nullptr) {
      throw Error(fmt::format("{}: cannot write: {}", path, std::strerror(errno)));
    }
  }
  ~Output() {
    if (m_file != nullptr && m_file != stdout) {
      std::fclose(m_file);
    }
  }
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  void write(std::string_view text) {
    if (!text.empty() && std::fwrite(text.data(), 1, text.size(), m_file) != text.size()) {
      throw Error(fmt::format("{}: cannot write: {}", m_path, std::strerror(errno)));
    }
  }
  void close() {
    const bool ok = m_file == stdout ? std::fflush(m_file) == 0 : std::fclose(m_file) == 0;
    m_file = m_file == stdout ? m_file : nullptr;
    if (!ok) {
      throw Error(fmt::format("{}: cannot write: {}", m_path, std::strerror(errno)));
    }
    m_file = nullptr;
  }

private:
  std::string m_path;
  std::FILE* m_file = nullptr;
};

void generate(const GenerateArgs& args) {
  SimOptions options;
  options.orders = args.orders;
  options.seed = args.seed;
  options.now_ns = parse_now(args.now, "--now");
  const auto period = util::parse_duration(args.period);
  if (!period || *period <= 0) {
    throw UsageError(fmt::format("--period: '{}' is not a positive duration (30d)", args.period));
  }
  options.period_ns = *period;
  parse_fault_rates(args.faults, options.fault_rates);
  options.silent_stop_rate = args.silent_stop_rate;
  options.untraced_rate = args.untraced_rate;
  options.cancelled_rate = args.cancelled_rate;
  options.refunded_rate = args.refunded_rate;
  options.rework_rate = args.rework_rate;
  options.express_rate = args.express_rate;
  options.order_types = !args.no_order_types;
  double total = args.silent_stop_rate + args.untraced_rate + args.cancelled_rate +
                 args.refunded_rate + args.rework_rate;
  for (const double rate : options.fault_rates) {
    total += rate;
  }
  if (total > 1.0 + 1e-9) {
    throw UsageError(fmt::format("the fault, --silent-stop, --untraced, --cancelled, --refunded "
                                 "and --rework rates add up to {:.3f}, more than 1",
                                 total));
  }
  options.mes_rules_only = args.mes_rules_only;
  options.id_prefix = args.id_prefix;

  std::unique_ptr<OtlpSender> sender;
  if (!args.otlp.empty()) {
    sender = std::make_unique<OtlpSender>(args.otlp);
  }
  const std::string output_path = args.output.empty() && !sender ? "-" : args.output;
  std::unique_ptr<Output> traces;
  if (!output_path.empty()) {
    traces = std::make_unique<Output>(output_path);
  }
  std::unique_ptr<Output> manifest;
  if (!args.manifest.empty()) {
    manifest = std::make_unique<Output>(args.manifest);
  }

  std::string file_chunk;
  std::string batch;
  std::string manifest_chunk;
  bool file_first = true;
  bool batch_first = true;
  std::size_t in_batch = 0;
  std::size_t spans = 0;
  if (traces) {
    file_chunk = k_otlp_document_head;
  }
  const auto flush_batch = [&] {
    if (in_batch == 0) {
      return;
    }
    batch += k_otlp_document_tail;
    sender->send(batch);
    batch.clear();
    batch_first = true;
    in_batch = 0;
  };
  for (std::size_t index = 0; index < options.orders; ++index) {
    const SimOrder order = simulate_order(options, index);
    spans += order.spans.size();
    manifest_chunk += manifest_line(order.row);
    if (traces) {
      append_resource_spans(order, file_chunk, file_first);
      if (file_chunk.size() >= k_flush_bytes) {
        traces->write(file_chunk);
        file_chunk.clear();
      }
    }
    if (sender && !order.spans.empty()) {
      if (in_batch == 0) {
        batch = k_otlp_document_head;
      }
      append_resource_spans(order, batch, batch_first);
      if (++in_batch >= args.batch) {
        flush_batch();
      }
    }
    if (manifest && manifest_chunk.size() >= k_flush_bytes) {
      manifest->write(manifest_chunk);
      manifest_chunk.clear();
    }
  }
  if (sender) {
    flush_batch();
  }
  if (traces) {
    file_chunk += k_otlp_document_tail;
    traces->write(file_chunk);
    traces->close();
  }
  if (manifest) {
    manifest->write(manifest_chunk);
    manifest->close();
  }
  if (!args.now_file.empty()) {
    Output now_file(args.now_file);
    now_file.write(util::format_rfc3339(options.now_ns) + "\n");
    now_file.close();
  }
  std::cerr << fmt::format("ordertrace-sim: {} orders, {} spans, seed {}, now {}{}\n",
                           options.orders, spans, options.seed,
                           util::format_rfc3339(options.now_ns),
                           sender ? ", sent to " + sender->url() : "");
}

int accuracy(const AccuracyArgs& args) {
  const std::int64_t now = parse_now(args.now, "--now");
  const auto definition = args.lifecycle.empty() ? config::default_lifecycle()
                                                 : config::load_lifecycle_file(args.lifecycle);
  const auto expected = read_manifest(args.manifest);
  const std::vector<std::filesystem::path> files(args.traces.begin(), args.traces.end());
  const auto judged = judge_from_files(definition, files, expected, now);
  const auto report = compare(expected, judged);
  std::cout << render_report(report, args.show_mismatches);
  std::vector<std::string> failures;
  if (report.recall("LOST") < args.min_lost_recall) {
    failures.push_back(
        fmt::format("LOST recall {:.3f} < {:.3f}", report.recall("LOST"), args.min_lost_recall));
  }
  if (report.precision("LOST") < args.min_lost_precision) {
    failures.push_back(fmt::format("LOST precision {:.3f} < {:.3f}", report.precision("LOST"),
                                   args.min_lost_precision));
  }
  if (report.suspect_share() < args.min_suspects) {
    failures.push_back(
        fmt::format("suspects right {:.3f} < {:.3f}", report.suspect_share(), args.min_suspects));
  }
  if (report.ending_share() < args.min_endings) {
    failures.push_back(
        fmt::format("endings right {:.3f} < {:.3f}", report.ending_share(), args.min_endings));
  }
  if (report.loop_share() < args.min_loops) {
    failures.push_back(
        fmt::format("rework loops right {:.3f} < {:.3f}", report.loop_share(), args.min_loops));
  }
  for (const auto& [verdict, counts] : report.verdicts) {
    if (counts.predicted > 0 && report.precision(verdict) < args.min_precision) {
      failures.push_back(fmt::format("{} precision {:.3f} < {:.3f}", verdict,
                                     report.precision(verdict), args.min_precision));
    }
  }
  for (const auto& failure : failures) {
    std::cout << "below threshold: " << failure << "\n";
  }
  return failures.empty() ? 0 : k_exit_below_threshold;
}

} // namespace

int run(int argc, char** argv) {
  CLI::App app{"ordertrace-sim: simulated orders of the jewellery workshop (shop-api, crm-api, "
               "mes, RabbitMQ) with the faults of lifecycle.md injected, as OTLP JSON, plus the "
               "verdict each order must get (manifest)"};
  app.set_version_flag("--version", std::string("ordertrace-sim ") + ORDERTRACE_VERSION);
  GenerateArgs gen;
  app.add_option("-n,--orders", gen.orders, "Number of orders")->capture_default_str();
  app.add_option("--seed", gen.seed, "Seed: the same seed gives the same bytes")
      ->capture_default_str();
  app.add_option("--now", gen.now, "End of the simulated period, RFC 3339 (default: now)");
  app.add_option("--period", gen.period, "Orders start within this long before --now")
      ->capture_default_str();
  app.add_option("--faults", gen.faults,
                 "Fault rates, e.g. lost-in-queue=0.02,sync-500=0.01 (ids of lifecycle.md; "
                 "others keep their defaults)");
  app.add_option("--silent-stop", gen.silent_stop_rate,
                 "Rate of orders that stop without any signal (STALLED or LOST by time)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--untraced", gen.untraced_rate, "Rate of orders never traced (NOT_FOUND)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_flag("--mes-rules-only", gen.mes_rules_only,
               "MES sets no order.status: its states come from operation names (mapping rules)");
  app.add_option("--cancelled", gen.cancelled_rate,
                 "Rate of orders cancelled in CRM after SUBMITTED (COMPLETED, ending CANCELLED)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--refunded", gen.refunded_rate,
                 "Rate of orders refunded after SHIPPED or CLOSED (COMPLETED, ending REFUNDED)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--rework", gen.rework_rate,
                 "Rate of orders quality control sends back to manufacturing once or twice "
                 "(declared rework loops)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  CLI::Option* express =
      app.add_option("--express", gen.express_rate,
                     "Share of express orders (order.type express: tighter allowances); the "
                     "others are custom (with a 3D model) or catalogue")
          ->capture_default_str()
          ->check(CLI::Range(0.0, 1.0));
  app.add_flag("--no-order-types", gen.no_order_types,
               "No order.type attribute at all: every order has the states' own allowances")
      ->excludes(express);
  app.add_option("--id-prefix", gen.id_prefix, "Order ids are PREFIX-0000001, ...")
      ->capture_default_str();
  app.add_option("-o,--output", gen.output,
                 "OTLP JSON file to write ('-': stdout; the default unless --otlp)");
  app.add_option("--otlp", gen.otlp,
                 "Send OTLP/HTTP JSON to this collector (http://127.0.0.1:4318) in batches");
  app.add_option("--batch", gen.batch, "Orders per OTLP/HTTP request")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--manifest", gen.manifest, "Write the ground-truth manifest (JSON Lines) here");
  app.add_option("--now-file", gen.now_file, "Write --now (RFC 3339) to this file (now.txt)");

  AccuracyArgs acc;
  CLI::App* accuracy_command = app.add_subcommand(
      "accuracy", "Judge every order of a manifest with the library and compare; exits 3 when "
                  "below a threshold");
  accuracy_command->add_option("--traces", acc.traces, "Trace files (OTLP or Jaeger JSON)")
      ->required();
  accuracy_command->add_option("--manifest", acc.manifest, "The manifest")->required();
  accuracy_command->add_option("--now", acc.now, "Judge at this time (now.txt)")->required();
  accuracy_command->add_option("--lifecycle", acc.lifecycle,
                               "Lifecycle file (default: the built-in one)");
  accuracy_command->add_option("--min-lost-recall", acc.min_lost_recall)->capture_default_str();
  accuracy_command->add_option("--min-lost-precision", acc.min_lost_precision)
      ->capture_default_str();
  accuracy_command
      ->add_option("--min-suspects", acc.min_suspects,
                   "Share of STALLED/LOST orders with the right suspect")
      ->capture_default_str();
  accuracy_command
      ->add_option("--min-precision", acc.min_precision, "Minimum precision of every verdict")
      ->capture_default_str();
  accuracy_command
      ->add_option("--min-endings", acc.min_endings,
                   "Share of cancelled or refunded orders judged COMPLETED with that ending")
      ->capture_default_str();
  accuracy_command
      ->add_option("--min-loops", acc.min_loops,
                   "Share of rework orders judged right with their number of loops")
      ->capture_default_str();
  accuracy_command
      ->add_option("--show-mismatches", acc.show_mismatches,
                   "Print up to this many wrongly judged orders")
      ->capture_default_str();

  try {
    app.parse(argc, argv);
    if (accuracy_command->parsed()) {
      return accuracy(acc);
    }
    generate(gen);
    return 0;
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "ordertrace-sim: error: " << e.what() << "\n"
              << "Run with --help for more information.\n";
    return static_cast<int>(ExitCode::usage_error);
  } catch (const Error& e) {
    std::cerr << "ordertrace-sim: error: " << e.what() << "\n";
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::cerr << "ordertrace-sim: error: " << e.what() << "\n";
    return static_cast<int>(ExitCode::runtime_error);
  }
}

} // namespace ordertrace::sim

#include <ordertrace/app/command_options.hpp>
#include <ordertrace/app/jaeger_search.hpp>
#include <ordertrace/app/report_command.hpp>
#include <ordertrace/app/show.hpp>
#include <ordertrace/cache/cache.hpp>
#include <ordertrace/config/lifecycle_file.hpp>
#include <ordertrace/lifecycle/engine.hpp>
#include <ordertrace/report/redaction.hpp>
#include <ordertrace/source/jaeger_client.hpp>
#include <ordertrace/source/order_groups.hpp>
#include <ordertrace/source/packed_spans.hpp>
#include <ordertrace/util/strings.hpp>
#include <ordertrace/util/time.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <set>
#include <sstream>

namespace ordertrace::app {
namespace {

namespace fs = std::filesystem;

constexpr const char* k_default_jaeger_window = "24h";

report::NightlyFormat parse_format(const std::optional<std::string>& text) {
  if (!text) {
    return report::NightlyFormat::text;
  }
  if (auto format = report::parse_nightly_format(*text)) {
    return *format;
  }
  throw_bad_choice("--format", *text, report::nightly_format_names());
}

report::AllowanceMode parse_allowances(const std::optional<std::string>& text) {
  if (!text || *text == "config") {
    return report::AllowanceMode::config;
  }
  if (*text == "learned") {
    return report::AllowanceMode::learned;
  }
  throw UsageError("invalid --allowances '" + *text + "'; choose config or learned");
}

// A file replaced at once: written beside its place, then renamed over it, so that a
// reader (node_exporter, a web server) never sees half of it.
class AtomicFile {
public:
  explicit AtomicFile(fs::path path) : m_path(std::move(path)) {
    m_temp = m_path;
    m_temp += ".tmp";
    m_out.open(m_temp, std::ios::binary | std::ios::trunc);
    if (!m_out) {
      throw Error("cannot write " + m_path.string() + ": cannot create " + m_temp.string());
    }
  }
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile() {
    if (!m_committed) {
      std::error_code ignored;
      m_out.close();
      fs::remove(m_temp, ignored);
    }
  }
  std::ostream& stream() { return m_out; }
  void commit() {
    m_out.flush();
    m_out.close();
    if (!m_out) {
      throw Error("cannot write " + m_path.string());
    }
    std::error_code error;
    fs::rename(m_temp, m_path, error);
    if (error) {
      throw Error("cannot write " + m_path.string() + ": " + error.message());
    }
    m_committed = true;
  }

private:
  fs::path m_path;
  fs::path m_temp;
  std::ofstream m_out;
  bool m_committed = false;
};

// "\r[#####     ] 12/40 searches" on a terminal; nothing otherwise.
class ProgressBar {
public:
  ProgressBar(std::ostream& out, bool enabled) : m_out(out), m_enabled(enabled) {}
  void show(std::string_view what, std::size_t done, std::size_t total) {
    if (!m_enabled || total == 0) {
      return;
    }
    constexpr std::size_t width = 30;
    // Redrawn only when the percentage moves: tens of thousands of orders, one line.
    const std::size_t percent = std::min<std::size_t>(100, done * 100 / total);
    if (m_drawn && percent == m_percent && what == m_what) {
      return;
    }
    m_percent = percent;
    m_what = what;
    const std::size_t filled = std::min(width, done * width / total);
    m_out << "\r[" << std::string(filled, '#') << std::string(width - filled, ' ') << "] " << done
          << '/' << total << ' ' << what << "\x1b[K" << std::flush;
    m_drawn = true;
  }
  void clear() {
    if (m_drawn) {
      m_out << "\r\x1b[K" << std::flush;
      m_drawn = false;
    }
  }

private:
  std::ostream& m_out;
  bool m_enabled;
  bool m_drawn = false;
  std::size_t m_percent = 0;
  std::string m_what;
};

bool starts_in(std::int64_t start_ns, std::int64_t from_ns, std::int64_t until_ns) {
  return start_ns >= from_ns && start_ns < until_ns;
}

// `inputs` plus what the order cache knows when the report asks Jaeger: the open orders
// of this Jaeger (an order that went silent is exactly what a lost order looks like) and
// the transitions of completed orders, for --allowances learned. A cache that does not
// exist yet adds nothing; an unusable one stops the run (exit 7), as it does for show.
ReportInputs with_cache(const ReportInputs& inputs, const cache::Cache* order_cache_file,
                        const std::string& jaeger_url, bool from_jaeger) {
  ReportInputs merged = inputs;
  if (!from_jaeger || order_cache_file == nullptr) {
    return merged;
  }
  const cache::Cache& order_cache = *order_cache_file;
  const std::string key = jaeger_cache_key(jaeger_url);
  for (const auto& open : order_cache.open_orders()) {
    if (open.jaeger != key) {
      continue;
    }
    merged.known_open_orders.push_back(open.order_id);
    if (auto record = order_cache.find(key, open.order_id)) {
      for (auto& trace : record->traces) {
        std::move(trace.spans.begin(), trace.spans.end(), std::back_inserter(merged.cached_spans));
      }
    }
  }
  for (const auto& transition : order_cache.completed_transitions()) {
    merged.history.push_back({transition.from_state, transition.to_state, transition.seconds});
  }
  return merged;
}

// The key of a report's source for "new since the last run": the Jaeger's cache key, or
// the trace files (absolute paths, sorted) a report read.
std::string run_source_key(const std::vector<fs::path>& sources, const std::string& jaeger_url) {
  if (sources.empty()) {
    return "jaeger " + jaeger_cache_key(jaeger_url);
  }
  std::vector<std::string> paths;
  for (const auto& path : sources) {
    std::error_code error;
    const fs::path absolute = path == "-" ? path : fs::weakly_canonical(path, error);
    paths.push_back(error ? path.string() : absolute.string());
  }
  std::sort(paths.begin(), paths.end());
  std::string key = "files";
  for (const auto& path : paths) {
    key += " " + path;
  }
  return key;
}

} // namespace

ExitCode run_report(const ReportOptions& options, const ReportInputs& inputs, std::ostream& out,
                    std::ostream& diagnostics, bool progress) {
  const auto started = std::chrono::steady_clock::now();
  // Every usage error before any file is read or request sent.
  const report::NightlyFormat format = parse_format(options.format);
  const report::AllowanceMode allowance_mode = parse_allowances(options.allowances);
  const std::int64_t now_ns =
      parse_time_option(options.now, "--now").value_or(util::system_now_ns());
  const std::int64_t until_ns = parse_time_option(options.until, "--until").value_or(now_ns);
  const bool from_files = !options.sources.empty();
  std::optional<std::int64_t> since_ns = parse_since_option(
      options.since
          ? options.since
          : (from_files ? std::nullopt : std::optional<std::string>(k_default_jaeger_window)),
      until_ns);
  if (since_ns && *since_ns >= until_ns) {
    throw UsageError("empty report window: --since " + util::format_rfc3339(*since_ns) +
                     " is not before --until " + util::format_rfc3339(until_ns));
  }
  if (options.out && options.out->empty()) {
    throw UsageError("--out needs a file name");
  }
  if (options.metrics_file && options.metrics_file->empty()) {
    throw UsageError("--metrics-file needs a file name");
  }

  const EffectiveSettings settings = resolve_settings(options.common, "report");
  const Localization local = localization(settings, diagnostics);
  const bool verbose = settings.verbose.value == "true";
  auto trace = [&diagnostics](const std::string& line) {
    diagnostics << "ordertrace: " << line << '\n';
  };
  source::JaegerOptions jaeger = jaeger_options(settings, {});
  check_url(settings.ui_url, settings.ui_url_is_jaeger ? "jaeger" : "ui-url");
  source::HttpOptions http =
      http_options(settings, verbose ? std::function<void(const std::string&)>(trace) : nullptr);

  lifecycle::Definition definition = settings.lifecycle.value.empty()
                                         ? config::default_lifecycle()
                                         : config::load_lifecycle_file(settings.lifecycle.value);
  // The cache: open orders and history (Jaeger only), the acknowledgements of known
  // problems and the previous run (any source). Opened, and created, before any request, so
  // an unusable file stops the run first (exit 7); --no-cache runs without it.
  std::optional<cache::Cache> order_cache;
  if (!settings.cache.value.empty()) {
    order_cache.emplace(settings.cache.value);
  }
  const ReportInputs merged = with_cache(inputs, order_cache ? &*order_cache : nullptr,
                                         jaeger.base_url, options.sources.empty());
  const std::string run_key = run_source_key(options.sources, jaeger.base_url);
  report::AllowanceChoice allowances =
      report::choose_allowances(allowance_mode, merged.history, definition);

  ProgressBar bar(diagnostics, progress && !verbose);
  std::optional<report::DiscoveryFacts> facts;
  std::vector<std::string> warnings;
  std::vector<report::WarningPhrase> warning_phrases; // warnings[i] as data, for other languages
  std::vector<std::string> unsearched;
  std::string source_text;
  std::unique_ptr<source::HttpTransport> transport;
  std::unique_ptr<source::JaegerClient> client;
  jaeger.services = definition.services;
  // A report reads many orders: follow their links well beyond show's per-order budget.
  jaeger.max_linked_traces = std::max(jaeger.max_linked_traces, 100'000);

  std::int64_t from_ns = since_ns.value_or(std::numeric_limits<std::int64_t>::min());
  std::int64_t window_until_ns = until_ns;
  // Personal data: the lifecycle's rules, taught the values the orders' spans carry.
  auto redactor = std::make_shared<report::Redactor>(definition.redaction);
  auto needed = [&definition, &redactor](std::string_view key) {
    return report::report_needs_attribute(key, definition, *redactor);
  };
  // Every span of the window, packed, with the attributes the report does not need dropped
  // as they arrive; one order group at a time is materialised below.
  source::PackedSpans store(needed, definition.order_id_keys);
  if (from_files) {
    source::decode_files(options.sources, store);
    source_text = "files";
    for (const auto& path : options.sources) {
      source_text += " " + path.filename().string();
    }
    if (!since_ns) {
      // The whole files: the window is what they hold.
      from_ns = std::numeric_limits<std::int64_t>::max();
      window_until_ns = std::numeric_limits<std::int64_t>::min();
      for (std::size_t i = 0; i < store.size(); ++i) {
        from_ns = std::min(from_ns, store.start_ns(i));
        window_until_ns = std::max(window_until_ns, store.start_ns(i) + 1);
      }
      if (store.empty()) {
        from_ns = until_ns;
        window_until_ns = until_ns;
      }
    }
  } else {
    source_text = "jaeger " + source::redact_url(jaeger.base_url);
    try {
      transport = source::make_curl_transport(std::move(http));
      client = std::make_unique<source::JaegerClient>(jaeger, *transport);
      auto discovery =
          client->discover({from_ns, until_ns}, [&bar](std::size_t done, std::size_t known) {
            bar.show("searches", done, known);
          });
      facts = report::DiscoveryFacts{discovery.traces.route,  discovery.searches,
                                     discovery.windows_split, discovery.linked_fetched,
                                     discovery.http_requests, discovery.traces.trace_ids.size()};
      warnings = std::move(discovery.traces.warnings);
      for (auto& said : discovery.traces.warning_details) {
        warning_phrases.push_back({std::string(source::to_string(said.kind)), std::move(said.words),
                                   std::move(said.times_ns)});
      }
      unsearched = std::move(discovery.traces.failed_services);
      for (auto& span : discovery.traces.spans) {
        store.on_span(std::move(span));
      }
      discovery.traces.spans.clear();
    } catch (const JaegerError& e) {
      bar.clear();
      rethrow_naming(e, jaeger.base_url);
    } catch (const AuthenticationError& e) {
      bar.clear();
      rethrow_naming(e, jaeger.base_url);
    } catch (const UsageError& e) {
      bar.clear();
      rethrow_naming(e, jaeger.base_url);
    }
  }
  if (!merged.cached_spans.empty()) {
    // The cached history of known open orders, for the traces the window did not bring;
    // kept whole, as the cache stored it.
    std::set<model::TraceId> fetched;
    for (std::size_t i = 0; i < store.size(); ++i) {
      fetched.insert(store.trace_id(i));
    }
    for (const auto& span : merged.cached_spans) {
      if (!fetched.contains(span.trace_id)) {
        store.add_unfiltered(span);
      }
    }
  }

  auto groups = source::group_by_order(store, merged.known_open_orders);
  const std::set<std::string> known(merged.known_open_orders.begin(),
                                    merged.known_open_orders.end());
  report::NightlyBuilder builder(definition, from_ns, window_until_ns, now_ns);
  if (order_cache) {
    std::map<std::string, report::Acknowledgement> acknowledged;
    for (const auto& ack : order_cache->acks()) {
      if (ack.active_at(now_ns)) { // an expired ack counts as none
        acknowledged[ack.order_id] = {ack.note, ack.created_at_ns, ack.until_ns};
      }
    }
    builder.set_acknowledgements(std::move(acknowledged));
    std::optional<report::PreviousRun> previous;
    if (auto run = order_cache->previous_run(run_key, until_ns)) {
      previous = report::PreviousRun{run->window_until_ns, run->ran_at_ns, {}};
      for (const auto& problem : run->problems) {
        previous->problem_ids.push_back(problem.order_id);
      }
    }
    builder.set_previous_run(std::move(previous));
  }
  {
    // Business figures over each span once (overlapping files may repeat one), one span
    // materialised at a time into the same storage.
    const std::vector<bool> first_copies = store.first_copies();
    model::Span span;
    for (std::size_t i = 0; i < store.size(); ++i) {
      if (first_copies[i]) {
        store.materialize_into(i, span);
        builder.add_spans(std::span<const model::Span>(&span, 1));
      }
    }
  }
  lifecycle::AssessOptions assess_options;
  assess_options.unsearched_services = unsearched;
  const auto windows = search_windows(std::nullopt, until_ns);
  std::size_t judged = 0;
  for (const auto& group : groups) {
    bar.show("orders judged", judged++, groups.size());
    const bool active = std::any_of(group.spans.begin(), group.spans.end(), [&](std::size_t i) {
      return starts_in(store.start_ns(i), from_ns, window_until_ns);
    });
    const bool open = known.contains(group.order_id);
    if (!active && !open) {
      continue; // only linked into the window by another order's traces
    }
    if (group.spans.empty() && client) {
      // A known open order with nothing in the window: look for it as show does.
      try {
        auto found = find_and_assess(*client, definition, group.order_id, windows, now_ns);
        redactor->learn(found.spans, definition);
        builder.add_order(std::move(found.assessment), found.spans);
      } catch (const JaegerError& e) {
        bar.clear();
        rethrow_naming(e, jaeger.base_url);
      } catch (const AuthenticationError& e) {
        bar.clear();
        rethrow_naming(e, jaeger.base_url);
      }
      continue;
    }
    const auto order_spans = source::spans_of(group, store);
    redactor->learn(order_spans, definition);
    builder.add_order(
        lifecycle::assess(definition, order_spans, group.order_id, now_ns, assess_options),
        order_spans);
  }
  bar.clear();

  report::NightlyReport result = builder.finish();
  result.source = std::move(source_text);
  result.allowances = std::move(allowances);
  result.discovery = facts;
  result.warnings = std::move(warnings);
  result.warning_phrases = std::move(warning_phrases);

  report::NightlyRenderOptions render_options;
  render_options.ui_url = settings.ui_url.value;
  render_options.redactor = redactor;
  render_options.language = local.language;
  render_options.zone = local.zone;
  if (options.out) {
    AtomicFile file(*options.out);
    report::render_nightly(file.stream(), format, result, render_options);
    file.commit();
  } else {
    report::render_nightly(out, format, result, render_options);
    out.flush();
    if (!out) {
      throw Error("cannot write the report to standard output");
    }
  }
  if (options.metrics_file) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    AtomicFile file(*options.metrics_file);
    report::render_nightly_metrics(file.stream(), report::redacted(result, render_options), seconds,
                                   util::system_now_ns());
    file.commit();
  }
  if (order_cache) {
    // Only once the report is out: a failed run must not hide tomorrow's "new" problems.
    cache::ReportRun run{run_key, until_ns, now_ns, {}};
    for (const auto& problem : result.problems) {
      run.problems.push_back(
          {problem.order_id, std::string(lifecycle::to_string(problem.verdict))});
    }
    order_cache->record_run(run);
  }
  // cli.md: exit 3 for lost orders nobody has acknowledged.
  return result.unacknowledged_lost() > 0 ? ExitCode::lost_orders_found : ExitCode::ok;
}

} // namespace ordertrace::app

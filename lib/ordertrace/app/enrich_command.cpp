#include <ordertrace/app/enrich_command.hpp>
#include <ordertrace/app/jaeger_search.hpp>
#include <ordertrace/config/lifecycle_file.hpp>
#include <ordertrace/source/span_store.hpp>
#include <ordertrace/util/time.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

namespace ordertrace::app {
namespace {

std::optional<std::string> checked_column(const std::optional<std::string>& name,
                                          std::string_view option) {
  if (name && name->empty()) {
    throw UsageError(std::string(option) + " must not be empty");
  }
  return name;
}

} // namespace

JudgedOrder JaegerOrderSource::judge(const std::string& order_id, std::int64_t now_ns) {
  return find_and_assess(m_client, m_definition, order_id, m_windows, now_ns);
}

std::vector<std::string> JaegerOrderSource::orders_in_trace(const model::TraceId& trace_id) {
  source::OrderTraces traces;
  const model::TraceId first[] = {trace_id};
  m_client.fetch_traces(first, traces);
  // One hop out: the producer a consumer trace links to usually carries the order id.
  std::set<model::TraceId> joined;
  for (const auto& span : traces.spans) {
    if (span.parent && span.parent->trace_id != trace_id) {
      joined.insert(span.parent->trace_id);
    }
    for (const auto& link : span.links) {
      if (link.target.trace_id != trace_id && !link.target.trace_id.empty()) {
        joined.insert(link.target.trace_id);
      }
    }
  }
  const std::vector<model::TraceId> more(joined.begin(), joined.end());
  m_client.fetch_traces(more, traces);
  source::SpanStore store;
  for (auto& span : traces.spans) {
    store.on_span(std::move(span));
  }
  return store.order_ids_in_trace(trace_id, m_definition.order_id_keys);
}

ExitCode run_enrich_command(const EnrichCommandOptions& options, std::istream& in,
                            std::ostream& out, std::ostream& diagnostics) {
  EnrichOptions enrich;
  if (options.input_format) {
    const auto format = parse_ticket_format(*options.input_format);
    if (!format) {
      throw UsageError("invalid --input-format '" + *options.input_format +
                       "'; choose one of: csv jsonl");
    }
    enrich.format = format;
  }
  if (options.format && *options.format != "tickets" && *options.format != "md") {
    throw UsageError("invalid --format '" + *options.format + "'; choose one of: tickets md");
  }
  enrich.markdown = options.format && *options.format == "md";
  enrich.order_id_column =
      checked_column(options.order_column, "--order-column").value_or(enrich.order_id_column);
  enrich.trace_id_column =
      checked_column(options.trace_column, "--trace-column").value_or(enrich.trace_id_column);
  if (options.now) {
    const auto now = util::parse_rfc3339(*options.now);
    if (!now) {
      throw UsageError("invalid --now '" + *options.now +
                       "': expected an RFC 3339 time such as 2026-08-20T10:00:00Z");
    }
    enrich.now_ns = *now;
  } else {
    enrich.now_ns = util::system_now_ns();
  }

  const EffectiveSettings settings = resolve_settings(options.common, "enrich");
  const Localization local = localization(settings, diagnostics);
  enrich.render.language = local.language;
  enrich.render.zone = local.zone;
  check_url(settings.ui_url, "ui-url");
  enrich.render.ui_url = settings.ui_url.value;
  source::JaegerOptions jaeger = jaeger_options(settings, {});
  source::HttpOptions http = http_options(settings, nullptr);
  const lifecycle::Definition definition =
      settings.lifecycle.value.empty() ? config::default_lifecycle()
                                       : config::load_lifecycle_file(settings.lifecycle.value);
  enrich.render.lifecycle_name = definition.name;

  std::ifstream file;
  std::istream* tickets = &in;
  if (options.input && *options.input != "-") {
    // A directory opens, then fails inside the first read with the library's own words.
    std::error_code error;
    if (std::filesystem::is_directory(*options.input, error)) {
      throw InputError("cannot read the tickets " + options.input->string() + ": Is a directory");
    }
    file.open(*options.input, std::ios::binary);
    if (!file) {
      throw InputError("cannot open the tickets " + options.input->string() + ": " +
                       std::strerror(errno));
    }
    tickets = &file;
  }

  EnrichStats stats;
  if (!options.sources.empty()) {
    source::SpanStore store;
    source::load_files(options.sources, store);
    StoreOrderSource source(store, definition);
    stats = run_enrich(enrich, definition, source, *tickets, out);
  } else {
    jaeger.services = definition.services;
    const auto transport = source::make_curl_transport(std::move(http));
    source::JaegerClient client(jaeger, *transport);
    JaegerOrderSource source(client, definition, search_windows(std::nullopt, enrich.now_ns));
    stats = run_enrich(enrich, definition, source, *tickets, out);
  }
  if (file.is_open() && file.bad()) {
    throw InputError(options.input->string() + ": cannot read the tickets");
  }

  diagnostics << "ordertrace: " << stats.rows << (stats.rows == 1 ? " ticket: " : " tickets: ")
              << stats.enriched << " enriched";
  if (stats.not_found > 0) {
    diagnostics << " (" << stats.not_found
                << (stats.not_found == 1 ? " order not found)" : " orders not found)");
  }
  diagnostics << ", " << stats.failed << " not enriched (see ordertrace_error)\n";
  if (stats.failed > 0) {
    return ExitCode::runtime_error;
  }
  return stats.not_found > 0 ? ExitCode::order_not_found : ExitCode::ok;
}

} // namespace ordertrace::app

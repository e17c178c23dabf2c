#include <ordertrace/app/enrich_command.hpp>
#include <ordertrace/app/jaeger_search.hpp>
#include <ordertrace/app/order_record.hpp>
#include <ordertrace/app/show.hpp>
#include <ordertrace/cache/cache.hpp>
#include <ordertrace/config/lifecycle_file.hpp>
#include <ordertrace/lifecycle/engine.hpp>
#include <ordertrace/report/redaction.hpp>
#include <ordertrace/source/span_store.hpp>
#include <ordertrace/util/time.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace ordertrace::app {
namespace {

// Jaeger through the order cache, as `show` uses it (README "Cache"): a COMPLETED order is
// answered from the cache without a request; any other order is searched in Jaeger, the
// cached traces Jaeger no longer returns are kept (retention is days, tickets come weeks
// later), and the order is stored again, redacted. A NOT_FOUND is never stored. Orders of
// a trace id are asked of Jaeger alone: the cache is keyed by order id.
class CachedOrderSource final : public OrderSource {
public:
  // Every argument must outlive the source.
  CachedOrderSource(OrderSource& jaeger, cache::Cache& order_cache, std::string jaeger_key,
                    const lifecycle::Definition& definition)
      : m_jaeger(jaeger), m_cache(order_cache), m_key(std::move(jaeger_key)),
        m_definition(definition), m_redactor(definition.redaction) {}

  JudgedOrder judge(const std::string& order_id, std::int64_t now_ns) override {
    const std::optional<cache::OrderRecord> cached = m_cache.find(m_key, order_id);
    if (cached && cached->verdict == "COMPLETED") {
      // A completed order no longer changes.
      JudgedOrder judged;
      judged.spans = spans_of(*cached);
      judged.assessment = lifecycle::assess(m_definition, judged.spans, order_id, now_ns);
      ++served_from_cache;
      return judged;
    }
    JudgedOrder judged = m_jaeger.judge(order_id, now_ns);
    std::map<model::TraceId, std::int64_t> fetched_at; // of the traces kept from the cache
    if (cached) {
      judged = with_forgotten_traces(std::move(judged), *cached, order_id, now_ns, fetched_at);
    }
    if (judged.assessment.verdict != lifecycle::Verdict::not_found) {
      m_cache.store(record_of(judged, cached, fetched_at, now_ns));
      ++stored;
    }
    return judged;
  }

  std::vector<std::string> orders_in_trace(const model::TraceId& trace_id) override {
    return m_jaeger.orders_in_trace(trace_id);
  }

  std::size_t served_from_cache = 0; // COMPLETED orders answered without a request
  std::size_t kept_from_cache = 0;   // orders judged with traces only the cache still had
  std::size_t stored = 0;

private:
  // `judged` (Jaeger's answer) with the cached traces Jaeger did not return, judged again;
  // fills `fetched_at` with when each of those was read from Jaeger.
  JudgedOrder with_forgotten_traces(JudgedOrder judged, const cache::OrderRecord& cached,
                                    const std::string& order_id, std::int64_t now_ns,
                                    std::map<model::TraceId, std::int64_t>& fetched_at) {
    std::set<model::TraceId> fresh;
    source::SpanStore store;
    for (const auto& span : judged.spans) {
      fresh.insert(span.trace_id);
      store.on_span(model::Span(span));
    }
    for (const auto& trace : cached.traces) {
      if (fresh.count(trace.trace_id) == 0) {
        fetched_at[trace.trace_id] = trace.fetched_at_ns;
        for (const auto& span : trace.spans) {
          store.on_span(model::Span(span));
        }
      }
    }
    if (fetched_at.empty()) {
      return judged;
    }
    lifecycle::AssessOptions options;
    options.unsearched_services = judged.failed_services;
    // The client's warnings (failed searches, cut-off answers) follow the engine's; keep
    // them, and let the engine judge the merged spans afresh.
    const auto engine_warnings =
        lifecycle::assess(m_definition, judged.spans, order_id, now_ns, options).warnings;
    // Each with its phrase, so that other languages still say it.
    std::vector<std::pair<std::string, lifecycle::Phrase>> client_warnings;
    const auto& said = judged.assessment;
    for (std::size_t i = 0; i < said.warnings.size(); ++i) {
      if (std::find(engine_warnings.begin(), engine_warnings.end(), said.warnings[i]) ==
          engine_warnings.end()) {
        client_warnings.emplace_back(said.warnings[i], i < said.warning_phrases.size()
                                                           ? said.warning_phrases[i]
                                                           : lifecycle::Phrase{});
      }
    }
    judged.spans = store.select_order(order_id, m_definition.order_id_keys);
    judged.assessment = lifecycle::assess(m_definition, judged.spans, order_id, now_ns, options);
    auto& merged = judged.assessment;
    for (auto& [warning, phrase] : client_warnings) {
      if (std::find(merged.warnings.begin(), merged.warnings.end(), warning) ==
          merged.warnings.end()) {
        merged.warning_phrases.resize(merged.warnings.size()); // phrases[i] for warnings[i]
        merged.warnings.push_back(std::move(warning));
        merged.warning_phrases.push_back(std::move(phrase));
      }
    }
    ++kept_from_cache;
    return judged;
  }

  // The record to store: the verdict summary, and the spans grouped by trace, redacted
  // with the lifecycle's rules taught this order's personal data.
  cache::OrderRecord record_of(const JudgedOrder& judged,
                               const std::optional<cache::OrderRecord>& cached,
                               const std::map<model::TraceId, std::int64_t>& fetched_at,
                               std::int64_t now_ns) const {
    // Each service searched back to the oldest window; one whose search failed keeps
    // what the cache knew of it.
    std::vector<cache::ServiceSearch> searches;
    std::vector<std::string> services = m_definition.services;
    if (services.empty()) {
      services.emplace_back(cache::k_all_services);
    }
    for (const auto& service : services) {
      std::optional<cache::ServiceSearch> last;
      if (cached) {
        for (const auto& search : cached->searches) {
          if (search.service == service) {
            last = search;
          }
        }
      }
      const bool failed = std::find(judged.failed_services.begin(), judged.failed_services.end(),
                                    service) != judged.failed_services.end();
      if (!failed) {
        searches.push_back(
            {service,
             last ? std::min(last->from_ns, judged.searched_from_ns) : judged.searched_from_ns,
             last ? std::max(last->until_ns, now_ns) : now_ns});
      } else if (last) {
        searches.push_back(*last);
      }
    }
    report::Redactor redactor = m_redactor;
    redactor.learn(judged.spans, m_definition);
    return order_record(m_key, judged.assessment, judged.spans, fetched_at, std::move(searches),
                        redactor, m_definition, now_ns);
  }

  OrderSource& m_jaeger;
  cache::Cache& m_cache;
  std::string m_key;
  const lifecycle::Definition& m_definition;
  report::Redactor m_redactor;
};

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
  std::string cache_summary; // what the cache contributed; empty without one
  if (!options.sources.empty()) {
    source::SpanStore store;
    source::load_files(options.sources, store);
    StoreOrderSource source(store, definition);
    stats = run_enrich(enrich, definition, source, *tickets, out);
  } else {
    // The cache, opened before any request so that an unusable file stops the run first.
    std::optional<cache::Cache> order_cache;
    if (!settings.cache.value.empty()) {
      order_cache.emplace(settings.cache.value);
    }
    jaeger.services = definition.services;
    const auto transport = source::make_curl_transport(std::move(http));
    source::JaegerClient client(jaeger, *transport);
    JaegerOrderSource source(client, definition, search_windows(std::nullopt, enrich.now_ns));
    if (order_cache) {
      CachedOrderSource cached(source, *order_cache, jaeger_cache_key(jaeger.base_url), definition);
      stats = run_enrich(enrich, definition, cached, *tickets, out);
      cache_summary = "ordertrace: cache " + settings.cache.value + ": " +
                      std::to_string(cached.served_from_cache) + " completed " +
                      (cached.served_from_cache == 1 ? "order" : "orders") + " answered from it, " +
                      std::to_string(cached.kept_from_cache) +
                      " with traces Jaeger no longer has, " + std::to_string(cached.stored) +
                      " stored\n";
    } else {
      stats = run_enrich(enrich, definition, source, *tickets, out);
    }
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
  diagnostics << cache_summary;
  if (stats.failed > 0) {
    return ExitCode::runtime_error;
  }
  return stats.not_found > 0 ? ExitCode::order_not_found : ExitCode::ok;
}

} // namespace ordertrace::app

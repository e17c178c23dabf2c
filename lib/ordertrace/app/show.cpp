#include <ordertrace/app/command_options.hpp>
#include <ordertrace/app/enrich_command.hpp>
#include <ordertrace/app/jaeger_search.hpp>
#include <ordertrace/app/order_record.hpp>
#include <ordertrace/app/shared_requests.hpp>
#include <ordertrace/app/show.hpp>
#include <ordertrace/cache/cache.hpp>
#include <ordertrace/config/lifecycle_file.hpp>
#include <ordertrace/lifecycle/engine.hpp>
#include <ordertrace/report/messages.hpp>
#include <ordertrace/report/phrases.hpp>
#include <ordertrace/report/redaction.hpp>
#include <ordertrace/report/render.hpp>
#include <ordertrace/source/span_store.hpp>
#include <ordertrace/util/strings.hpp>
#include <ordertrace/util/time.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <exception>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

namespace ordertrace::app {
namespace {

// Spans can reach Jaeger a while after they started (a long span is reported when it
// ends), so a refresh searches again this far before the last search ended.
constexpr std::int64_t k_refresh_overlap_ns = 3600LL * util::k_ns_per_second;

// What the cache contributed to one order's report (README: "Cache").
struct CacheNote {
  std::string mode; // cache, refreshed, stored, offline, missing
  std::string path;
  std::optional<std::int64_t> stored_at_ns; // of the record read from the cache
  std::size_t traces_from_cache = 0;
  std::size_t traces_from_jaeger = 0;
  std::optional<std::int64_t> oldest_cached_fetch_ns; // of the traces from the cache
  std::optional<std::int64_t> searched_since_ns;      // a refresh searched from here
};

std::string age_text(std::int64_t now_ns, std::int64_t then_ns, report::Language language) {
  const std::int64_t age = std::max<std::int64_t>(0, now_ns - then_ns);
  return report::format_duration(age / util::k_ns_per_second * util::k_ns_per_second, language);
}

// One line for the text and Markdown reports, in the reader's language and zone.
std::string describe(const CacheNote& note, std::int64_t now_ns, report::Language language,
                     const util::TimeZone& zone) {
  using report::Message;
  const auto path = fmt::arg("path", note.path);
  if (note.mode == "missing") {
    return report::format(Message::cache_missing, language, path);
  }
  const std::string traces = report::format(note.traces_from_cache == 1 ? Message::cache_trace_one
                                                                        : Message::cache_trace_many,
                                            language, fmt::arg("count", note.traces_from_cache));
  const std::string stored =
      note.stored_at_ns
          ? report::format(Message::cache_stored_at, language,
                           fmt::arg("time", report::detail::local_time(*note.stored_at_ns, zone)),
                           fmt::arg("age", age_text(now_ns, *note.stored_at_ns, language)))
          : std::string();
  const std::string fetched =
      note.oldest_cached_fetch_ns
          ? report::format(
                Message::cache_fetched, language,
                fmt::arg("age", age_text(now_ns, *note.oldest_cached_fetch_ns, language)))
          : std::string();
  const auto jaeger = fmt::arg("jaeger", note.traces_from_jaeger);
  if (note.mode == "cache" || note.mode == "offline") {
    return report::format(
        note.mode == "cache" ? Message::cache_served : Message::cache_served_offline, language,
        path, fmt::arg("stored", stored), fmt::arg("traces", traces), fmt::arg("fetched", fetched));
  }
  if (note.mode == "refreshed") {
    const std::string since =
        note.searched_since_ns ? report::detail::local_time(*note.searched_since_ns, zone) : "-";
    return report::format(Message::cache_refreshed, language, path, fmt::arg("stored", stored),
                          fmt::arg("traces", traces), fmt::arg("fetched", fetched), jaeger,
                          fmt::arg("since", since));
  }
  return report::format(Message::cache_stored, language, path, jaeger);
}

nlohmann::ordered_json to_json(const CacheNote& note, std::int64_t now_ns) {
  nlohmann::ordered_json json;
  json["mode"] = note.mode;
  json["path"] = note.path;
  json["stored_at"] = note.stored_at_ns
                          ? nlohmann::ordered_json(util::format_rfc3339(*note.stored_at_ns))
                          : nlohmann::ordered_json();
  json["age_seconds"] =
      note.stored_at_ns
          ? nlohmann::ordered_json(std::max<std::int64_t>(0, now_ns - *note.stored_at_ns) /
                                   util::k_ns_per_second)
          : nlohmann::ordered_json();
  json["traces_from_cache"] = note.traces_from_cache;
  json["traces_from_jaeger"] = note.traces_from_jaeger;
  json["oldest_cached_fetch"] =
      note.oldest_cached_fetch_ns
          ? nlohmann::ordered_json(util::format_rfc3339(*note.oldest_cached_fetch_ns))
          : nlohmann::ordered_json();
  json["searched_since"] =
      note.searched_since_ns ? nlohmann::ordered_json(util::format_rfc3339(*note.searched_since_ns))
                             : nlohmann::ordered_json();
  return json;
}

// The cache key of a Jaeger: its URL without credentials or trailing slashes, so that two
// Jaegers (staging, production) never share an order.
std::string jaeger_key(const std::string& base_url) {
  std::string key = source::redact_url(base_url);
  while (!key.empty() && key.back() == '/') {
    key.pop_back();
  }
  return key;
}

// When `service` was last searched up to, from the record's searches (its own row, else
// the all-services row); nullopt when never.
std::optional<cache::ServiceSearch> last_search(const cache::OrderRecord& record,
                                                const std::string& service) {
  std::optional<cache::ServiceSearch> all;
  for (const auto& search : record.searches) {
    if (search.service == service) {
      return search;
    }
    if (search.service == cache::k_all_services) {
      all = search;
    }
  }
  return all;
}

// A NOT_FOUND order the cache knew before `cache prune` removed its spans: forgotten by
// Jaeger (retention) and by the cache, not unknown (issue #11, point 5).
void explain_forgotten(lifecycle::Assessment& assessment, const cache::Cache& order_cache,
                       const std::string& key) {
  if (assessment.verdict != lifecycle::Verdict::not_found) {
    return;
  }
  const auto tombstone = order_cache.find_tombstone(key, assessment.order_id);
  if (!tombstone) {
    return;
  }
  assessment.not_found_reason = "beyond_retention";
  assessment.reason = "known from the cache: last seen " +
                      util::format_rfc3339(tombstone->last_seen_ns).substr(0, 10) + " at " +
                      tombstone->last_state.value_or("no state") + " (" + tombstone->verdict +
                      " then); older than Jaeger's retention, and its spans were pruned from the "
                      "cache";
  assessment.reason_phrase = {};
  assessment.reason_phrase.kind = tombstone->last_state
                                      ? lifecycle::Phrase::Kind::forgotten
                                      : lifecycle::Phrase::Kind::forgotten_without_state;
  assessment.reason_phrase.words = {
      {"date", util::format_rfc3339(tombstone->last_seen_ns).substr(0, 10)},
      {"state", tombstone->last_state.value_or("")},
      {"verdict", tombstone->verdict}};
}

report::Format parse_format_option(const std::optional<std::string>& text) {
  if (!text) {
    return report::Format::text;
  }
  if (auto format = report::parse_format(*text)) {
    return *format;
  }
  throw_bad_choice("--format", *text, report::format_names());
}

// An open order from the cache, refreshed: each service searched only since its own last
// search (less an overlap), the cached traces kept (Jaeger may have dropped them) unless
// fetched afresh, the order judged and stored again. Fills `note`.
lifecycle::Assessment refresh_open_order(
    const cache::OrderRecord& cached, const std::string& order_id,
    const lifecycle::Definition& definition, std::span<const source::SearchWindow> windows,
    std::int64_t until_ns, std::int64_t now_ns, const source::JaegerOptions& jaeger,
    const std::function<source::HttpTransport&()>& http_transport, report::Redactor& redactor,
    cache::Cache& order_cache, std::mutex& shared_state, const std::string& key, CacheNote& note) {
  std::map<std::int64_t, std::vector<std::string>> services_since;
  std::vector<std::string> services = definition.services;
  if (services.empty()) {
    services.emplace_back(cache::k_all_services);
  }
  std::vector<cache::ServiceSearch> searches;
  for (const auto& service : services) {
    const auto last = last_search(cached, service);
    std::int64_t since = windows.empty() ? until_ns : windows.back().from_ns;
    if (last) {
      since = std::max(since, last->until_ns - k_refresh_overlap_ns);
    }
    services_since[since].push_back(service);
    searches.push_back({service, last ? std::min(last->from_ns, since) : since,
                        last ? std::max(last->until_ns, until_ns) : until_ns});
  }
  source::SpanStore store;
  std::set<model::TraceId> fresh;
  std::vector<std::string> failed;
  ClientWarnings warnings;
  for (auto& [since, group] : services_since) {
    note.searched_since_ns = std::min(note.searched_since_ns.value_or(since), since);
    if (since >= until_ns) {
      continue;
    }
    std::vector<std::string> named = group;
    if (named.size() == 1 && named.front() == cache::k_all_services) {
      named.clear();
    }
    auto found = find_order_for_services(jaeger, http_transport(), named, order_id,
                                         definition.order_id_keys, {since, until_ns});
    fresh.insert(found.trace_ids.begin(), found.trace_ids.end());
    for (auto& span : found.spans) {
      fresh.insert(span.trace_id);
      store.on_span(std::move(span));
    }
    failed.insert(failed.end(), found.failed_services.begin(), found.failed_services.end());
    warnings.add(found);
  }
  std::map<model::TraceId, std::int64_t> fetched_at;
  for (const auto& cached_trace : cached.traces) {
    if (fresh.count(cached_trace.trace_id) != 0) {
      continue;
    }
    ++note.traces_from_cache;
    fetched_at[cached_trace.trace_id] = cached_trace.fetched_at_ns;
    note.oldest_cached_fetch_ns =
        std::min(note.oldest_cached_fetch_ns.value_or(cached_trace.fetched_at_ns),
                 cached_trace.fetched_at_ns);
    for (auto span : cached_trace.spans) {
      store.on_span(std::move(span));
    }
  }
  auto spans = store.select_order(order_id, definition.order_id_keys);
  std::set<model::TraceId> order_traces;
  for (const auto& span : spans) {
    order_traces.insert(span.trace_id);
  }
  for (const auto& id : fresh) {
    note.traces_from_jaeger += order_traces.count(id);
  }
  {
    const std::lock_guard lock(shared_state); // other orders' lookups learn and store too
    redactor.learn(spans, definition);
  }
  lifecycle::AssessOptions assess_options;
  assess_options.unsearched_services = failed;
  auto assessment = lifecycle::assess(definition, spans, order_id, now_ns, assess_options);
  append_client_warnings(assessment, warnings);
  // A service whose search failed keeps its last successful search.
  for (auto& search : searches) {
    if (std::find(failed.begin(), failed.end(), search.service) != failed.end()) {
      if (const auto last = last_search(cached, search.service)) {
        search = {search.service, last->from_ns, last->until_ns};
      }
    }
  }
  note.mode = "refreshed";
  const std::lock_guard lock(shared_state);
  order_cache.store(order_record(key, assessment, spans, fetched_at, std::move(searches), redactor,
                                 definition, now_ns));
  return assessment;
}

} // namespace

std::string jaeger_cache_key(const std::string& base_url) {
  return jaeger_key(base_url);
}

std::vector<std::string> expand_order_ids(const std::vector<std::string>& ids,
                                          std::istream& input) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](std::string id) {
    if (seen.insert(id).second) {
      out.push_back(std::move(id));
    }
  };
  bool input_read = false;
  for (const auto& id : ids) {
    if (id.empty()) {
      throw UsageError("show: an order id must not be empty");
    }
    if (id != "-") {
      add(id);
      continue;
    }
    if (input_read) {
      continue;
    }
    input_read = true;
    std::string line;
    while (std::getline(input, line)) {
      const auto first = line.find_first_not_of(" \t\r\v\f");
      if (first == std::string::npos || line[first] == '#') {
        continue;
      }
      const auto last = line.find_last_not_of(" \t\r\v\f");
      add(line.substr(first, last - first + 1));
    }
    if (input.bad()) {
      throw InputError("cannot read order ids from standard input");
    }
  }
  return out;
}

ExitCode run_show(const ShowOptions& options, std::ostream& out, std::ostream& diagnostics) {
  // Every usage error before any file is read or request sent.
  if (options.order_ids.empty() && options.trace_ids.empty()) {
    throw UsageError("show: an order-id (or --trace TRACE-ID) is required");
  }
  const bool ids_from_stdin =
      std::find(options.order_ids.begin(), options.order_ids.end(), "-") != options.order_ids.end();
  if (ids_from_stdin && std::find(options.sources.begin(), options.sources.end(),
                                  std::filesystem::path("-")) != options.sources.end()) {
    throw UsageError("show: standard input cannot hold both order ids ('-') and traces "
                     "(--source -)");
  }
  const std::vector<std::string> order_ids =
      expand_order_ids(options.order_ids, options.ids_input ? *options.ids_input : std::cin);
  if (order_ids.empty() && options.trace_ids.empty()) {
    throw UsageError("show: no order ids on standard input");
  }
  std::vector<model::TraceId> trace_ids;
  for (const auto& text : options.trace_ids) {
    const auto id = model::TraceId::parse(text);
    if (!id) {
      throw UsageError("invalid --trace '" + text + "': expected 1 to 32 hex digits");
    }
    trace_ids.push_back(*id);
  }
  for (const auto& id : order_ids) {
    if (id.empty()) {
      throw UsageError("show: an order id must not be empty");
    }
  }
  const report::Format format = parse_format_option(options.format);
  if (options.offline && !options.trace_ids.empty()) {
    throw UsageError("--offline looks orders up by id in the cache; --trace needs Jaeger");
  }
  if (options.offline && options.refresh) {
    throw UsageError("--offline and --refresh exclude each other: --refresh asks Jaeger afresh");
  }
  const std::int64_t now_ns =
      parse_time_option(options.now, "--now").value_or(util::system_now_ns());
  const std::int64_t until_ns = parse_time_option(options.until, "--until").value_or(now_ns);
  const std::optional<std::int64_t> since_ns = parse_since_option(options.since, until_ns);
  if (since_ns && *since_ns >= until_ns) {
    throw UsageError("empty search window: --since " + util::format_rfc3339(*since_ns) +
                     " is not before --until " + util::format_rfc3339(until_ns));
  }

  const EffectiveSettings settings = resolve_settings(options.common, "show");
  const Localization local = localization(settings, diagnostics);
  const bool verbose = settings.verbose.value == "true";
  auto trace = [&diagnostics](const std::string& line) {
    diagnostics << "ordertrace: " << line << '\n';
  };
  const bool from_files = !options.sources.empty();
  // Checked in file mode too: a broken setting is reported wherever it is used.
  source::JaegerOptions jaeger = jaeger_options(settings, {});
  check_url(settings.ui_url, settings.ui_url_is_jaeger ? "jaeger" : "ui-url");
  source::HttpOptions http =
      http_options(settings, verbose ? std::function<void(const std::string&)>(trace) : nullptr);

  const lifecycle::Definition definition =
      settings.lifecycle.value.empty() ? config::default_lifecycle()
                                       : config::load_lifecycle_file(settings.lifecycle.value);

  std::vector<lifecycle::Assessment> assessments;
  // One per order id looked up through Jaeger and the cache (empty mode: no note).
  std::vector<CacheNote> cache_notes;
  // Personal data: the lifecycle's rules, taught the values the orders' spans carry.
  auto redactor = std::make_shared<report::Redactor>(definition.redaction);
  // --trace: every order of each trace, most urgent first; a trace without one is "not
  // found" (exit 4) like an unknown order.
  bool trace_without_orders = false;
  auto add_trace_orders = [&](OrderSource& source) {
    for (const auto& trace_id : trace_ids) {
      auto judged = judge_trace(source, trace_id, now_ns);
      if (judged.empty()) {
        diagnostics << "ordertrace: no order found in trace " << trace_id.hex() << '\n';
        trace_without_orders = true;
      }
      for (auto& order : judged) {
        redactor->learn(order.spans, definition);
        assessments.push_back(std::move(order.assessment));
      }
    }
  };
  if (from_files) {
    source::SpanStore store;
    source::load_files(options.sources, store);
    for (const auto& order_id : order_ids) {
      const auto spans = store.select_order(order_id, definition.order_id_keys);
      redactor->learn(spans, definition);
      assessments.push_back(lifecycle::assess(definition, spans, order_id, now_ns));
      assessments.back().searched.files = true;
    }
    StoreOrderSource source(store, definition);
    add_trace_orders(source);
  } else {
    jaeger.services = definition.services;
    const auto windows = search_windows(since_ns, until_ns);
    // The cache, opened before any request so that an unusable file stops the run first.
    std::optional<cache::Cache> order_cache;
    const std::string cache_path = settings.cache.value;
    if (!cache_path.empty()) {
      std::error_code error;
      if (!options.offline || std::filesystem::exists(cache_path, error)) {
        order_cache.emplace(cache_path);
      }
    } else if (options.offline) {
      throw UsageError("--offline needs the cache, but it is off (" + settings.cache.source +
                       "); drop --no-cache or name one with --cache FILE");
    }
    const std::string key = jaeger_key(jaeger.base_url);
    try {
      // Made on first use: libcurl's set-up (TLS included) costs more than a whole answer
      // from the cache.
      std::unique_ptr<source::HttpTransport> transport;
      // Every lookup asks through it: the requests of orders looked up at once go out
      // together, and one asked twice (a trace linked from two orders) is sent once.
      SharedRequests shared_requests([&]() -> source::HttpTransport& {
        if (options.transport != nullptr) {
          return *options.transport;
        }
        transport = source::make_curl_transport(http);
        return *transport;
      });
      const std::function<source::HttpTransport&()> http_transport =
          [&]() -> source::HttpTransport& {
        return shared_requests;
      };
      std::optional<source::JaegerClient> client;
      const std::function<source::JaegerClient&()> jaeger_client = [&]() -> source::JaegerClient& {
        if (!client) {
          client.emplace(jaeger, http_transport());
        }
        return *client;
      };
      // Orders are looked up on up to --parallel threads at once. They share the cache and
      // the redactor: hold `shared_state` while using either.
      std::mutex shared_state;
      std::vector<lifecycle::Assessment> order_assessments(order_ids.size());
      std::vector<CacheNote> order_notes(order_ids.size());
      auto look_up = [&](std::size_t index,
                         const std::function<source::JaegerClient&()>& order_client) {
        const std::string& order_id = order_ids[index];
        std::optional<cache::OrderRecord> cached;
        if (order_cache && !options.refresh) {
          const std::lock_guard lock(shared_state);
          cached = order_cache->find(key, order_id);
        }
        CacheNote note;
        note.path = cache_path;
        if (cached) {
          note.stored_at_ns = cached->stored_at_ns;
        }
        lifecycle::Assessment assessment;
        if (options.offline || (cached && cached->verdict == "COMPLETED")) {
          // Served from the cache alone: a completed order no longer changes.
          std::vector<model::Span> spans;
          if (cached) {
            spans = spans_of(*cached);
            note.mode = options.offline ? "offline" : "cache";
            note.traces_from_cache = cached->traces.size();
            for (const auto& cached_trace : cached->traces) {
              note.oldest_cached_fetch_ns =
                  std::min(note.oldest_cached_fetch_ns.value_or(cached_trace.fetched_at_ns),
                           cached_trace.fetched_at_ns);
            }
          } else {
            note.mode = "missing";
          }
          {
            const std::lock_guard lock(shared_state);
            redactor->learn(spans, definition);
          }
          assessment = lifecycle::assess(definition, spans, order_id, now_ns);
          assessment.searched.cache = true;
          if (!cached) {
            assessment.reason = "order " + order_id + " is not in the cache (--offline)";
            assessment.reason_phrase = {};
            assessment.reason_phrase.kind = lifecycle::Phrase::Kind::not_in_cache_offline;
            assessment.reason_phrase.words = {{"order", order_id}};
            if (order_cache) {
              const std::lock_guard lock(shared_state);
              explain_forgotten(assessment, *order_cache, key);
            }
          }
        } else if (cached) {
          assessment =
              refresh_open_order(*cached, order_id, definition, windows, until_ns, now_ns, jaeger,
                                 http_transport, *redactor, *order_cache, shared_state, key, note);
          assessment.searched.jaeger = true;
          assessment.searched.cache = true;
        } else {
          auto judged = find_and_assess(order_client(), definition, order_id, windows, now_ns);
          const std::lock_guard lock(shared_state);
          redactor->learn(judged.spans, definition);
          assessment = std::move(judged.assessment);
          assessment.searched.jaeger = true;
          // --refresh does not read the order's record: only Jaeger was searched.
          assessment.searched.cache = order_cache && !options.refresh;
          std::set<model::TraceId> traces;
          for (const auto& span : judged.spans) {
            traces.insert(span.trace_id);
          }
          note.traces_from_jaeger = traces.size();
          note.mode = "stored";
          if (order_cache) {
            explain_forgotten(assessment, *order_cache, key);
          }
          // A NOT_FOUND is not stored: a mistyped id must not shadow a later real order.
          if (order_cache && assessment.verdict != lifecycle::Verdict::not_found) {
            std::vector<cache::ServiceSearch> searches;
            std::vector<std::string> services = definition.services;
            if (services.empty()) {
              services.emplace_back(cache::k_all_services);
            }
            for (const auto& service : services) {
              if (std::find(judged.failed_services.begin(), judged.failed_services.end(),
                            service) == judged.failed_services.end()) {
                searches.push_back({service, judged.searched_from_ns, until_ns});
              }
            }
            order_cache->store(order_record(key, assessment, judged.spans, {}, std::move(searches),
                                            *redactor, definition, now_ns));
          } else {
            note.mode.clear();
          }
        }
        order_assessments[index] = std::move(assessment);
        order_notes[index] = std::move(note);
      };
      // Each order once, lowest index first; after a failure no further order starts, and
      // the failure of the first order in input order is thrown, as a plain loop would.
      std::atomic<std::size_t> next_order{0};
      std::atomic<bool> failed{false};
      std::vector<std::exception_ptr> errors(order_ids.size());
      auto look_up_orders = [&](const std::function<source::JaegerClient&()>& order_client) {
        for (std::size_t index = next_order++; index < order_ids.size() && !failed;
             index = next_order++) {
          try {
            look_up(index, order_client);
          } catch (...) {
            errors[index] = std::current_exception();
            failed = true;
          }
        }
      };
      const std::size_t threads =
          std::min(order_ids.size(), std::max<std::size_t>(1, http.max_in_flight));
      if (threads <= 1) {
        look_up_orders(jaeger_client);
      } else {
        std::vector<std::jthread> pool;
        for (std::size_t i = 0; i < threads; ++i) {
          pool.emplace_back([&] {
            std::optional<source::JaegerClient> own_client; // a client is not thread-safe
            look_up_orders([&]() -> source::JaegerClient& {
              if (!own_client) {
                own_client.emplace(jaeger, http_transport());
              }
              return *own_client;
            });
          });
        }
      }
      for (std::size_t i = 0; i < order_ids.size(); ++i) {
        if (errors[i]) {
          std::rethrow_exception(errors[i]);
        }
        assessments.push_back(std::move(order_assessments[i]));
        cache_notes.push_back(std::move(order_notes[i]));
      }
      if (!trace_ids.empty()) {
        JaegerOrderSource source(jaeger_client(), definition, windows);
        add_trace_orders(source);
      }
    } catch (const JaegerError& e) {
      rethrow_naming(e, jaeger.base_url);
    } catch (const AuthenticationError& e) {
      rethrow_naming(e, jaeger.base_url);
    } catch (const UsageError& e) {
      rethrow_naming(e, jaeger.base_url);
    }
  }

  bool any_not_found = trace_without_orders;
  for (const auto& assessment : assessments) {
    any_not_found = any_not_found || assessment.verdict == lifecycle::Verdict::not_found;
  }
  report::RenderOptions render_options;
  render_options.ui_url = settings.ui_url.value;
  render_options.color = format == report::Format::text && use_color(options.no_color);
  render_options.lifecycle_name = definition.name;
  render_options.redactor = redactor;
  render_options.language = local.language;
  render_options.zone = local.zone;
  const bool single = assessments.size() == 1 && trace_ids.empty();
  const bool any_note = std::any_of(cache_notes.begin(), cache_notes.end(),
                                    [](const CacheNote& note) { return !note.mode.empty(); });
  if (!any_note) {
    if (single) {
      report::render(out, format, assessments.front(), render_options);
    } else {
      report::render(out, format, assessments, render_options);
    }
  } else if (format == report::Format::json) {
    // The report's JSON with a "cache" object added to each order that went through it.
    std::ostringstream rendered;
    if (single) {
      report::render(rendered, format, assessments.front(), render_options);
    } else {
      report::render(rendered, format, assessments, render_options);
    }
    auto json = nlohmann::ordered_json::parse(rendered.str());
    for (std::size_t i = 0; i < cache_notes.size(); ++i) {
      if (cache_notes[i].mode.empty()) {
        continue;
      }
      auto& object = json.is_array() ? json.at(i) : json;
      object["cache"] = to_json(cache_notes[i], now_ns);
    }
    out << json.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
  } else {
    for (std::size_t i = 0; i < assessments.size(); ++i) {
      if (i > 0) {
        out << '\n';
      }
      report::render(out, format, assessments[i], render_options);
      if (i < cache_notes.size() && !cache_notes[i].mode.empty()) {
        out << describe(cache_notes[i], now_ns, render_options.language, render_options.zone)
            << '\n';
      }
    }
  }
  out.flush();
  if (!out) {
    throw Error("cannot write the report to standard output");
  }
  return any_not_found ? ExitCode::order_not_found : ExitCode::ok;
}

} // namespace ordertrace::app

#include <ordertrace/app/enrich_command.hpp>
#include <ordertrace/app/jaeger_search.hpp>
#include <ordertrace/app/show.hpp>
#include <ordertrace/config/lifecycle_file.hpp>
#include <ordertrace/lifecycle/engine.hpp>
#include <ordertrace/report/redaction.hpp>
#include <ordertrace/report/render.hpp>
#include <ordertrace/source/span_store.hpp>
#include <ordertrace/util/strings.hpp>
#include <ordertrace/util/time.hpp>

namespace ordertrace::app {
namespace {

report::Format parse_format_option(const std::optional<std::string>& text) {
  if (!text) {
    return report::Format::text;
  }
  if (auto format = report::parse_format(*text)) {
    return *format;
  }
  const auto names = report::format_names();
  std::string message = "invalid --format '" + *text + "'";
  if (auto near = util::closest_name(*text, names); !near.empty()) {
    message += " (did you mean '" + near + "'?)";
  }
  message += "; choose one of:";
  for (const auto& name : names) {
    message += " " + name;
  }
  throw UsageError(message);
}

std::optional<std::int64_t> parse_time_option(const std::optional<std::string>& text,
                                              std::string_view option) {
  if (!text) {
    return std::nullopt;
  }
  if (auto time = util::parse_rfc3339(*text)) {
    return *time;
  }
  throw UsageError("invalid " + std::string(option) + " '" + *text +
                   "': expected an RFC 3339 time such as 2026-08-20T10:00:00Z or "
                   "2026-08-20T13:00:00+03:00");
}

// --since: a duration back from --until, or a time.
std::optional<std::int64_t> parse_since_option(const std::optional<std::string>& text,
                                               std::int64_t until_ns) {
  if (!text) {
    return std::nullopt;
  }
  if (auto duration = util::parse_duration(*text)) {
    return until_ns - *duration;
  }
  if (auto time = util::parse_rfc3339(*text)) {
    return *time;
  }
  throw UsageError("invalid --since/--from '" + *text +
                   "': expected a duration such as 36h or 7d, or an RFC 3339 time such as "
                   "2026-08-20T10:00:00Z");
}

// The same error, ending with the Jaeger URL unless it names it already, so that every
// Jaeger failure says which server it is about (cli.md: without secrets).
[[noreturn]] void rethrow_naming(const Error& error, const std::string& base_url) {
  std::string url = source::redact_url(base_url);
  std::string message = error.what();
  std::string_view bare = url;
  while (!bare.empty() && bare.back() == '/') {
    bare.remove_suffix(1);
  }
  if (message.find(bare) == std::string::npos) {
    message += " (" + url + ")";
  }
  switch (error.code()) {
  case ExitCode::jaeger_unavailable:
    throw JaegerError(message);
  case ExitCode::authentication_required:
    throw AuthenticationError(message);
  case ExitCode::usage_error:
    throw UsageError(message);
  default:
    throw Error(message, error.code());
  }
}

} // namespace

ExitCode run_show(const ShowOptions& options, std::ostream& out, std::ostream& diagnostics) {
  // Every usage error before any file is read or request sent.
  if (options.order_ids.empty() && options.trace_ids.empty()) {
    throw UsageError("show: an order-id (or --trace TRACE-ID) is required");
  }
  std::vector<model::TraceId> trace_ids;
  for (const auto& text : options.trace_ids) {
    const auto id = model::TraceId::parse(text);
    if (!id) {
      throw UsageError("invalid --trace '" + text + "': expected 1 to 32 hex digits");
    }
    trace_ids.push_back(*id);
  }
  for (const auto& id : options.order_ids) {
    if (id.empty()) {
      throw UsageError("show: an order id must not be empty");
    }
  }
  const report::Format format = parse_format_option(options.format);
  const std::int64_t now_ns =
      parse_time_option(options.now, "--now").value_or(util::system_now_ns());
  const std::int64_t until_ns = parse_time_option(options.until, "--until").value_or(now_ns);
  const std::optional<std::int64_t> since_ns = parse_since_option(options.since, until_ns);
  if (since_ns && *since_ns >= until_ns) {
    throw UsageError("empty search window: --since " + util::format_rfc3339(*since_ns) +
                     " is not before --until " + util::format_rfc3339(until_ns));
  }

  const EffectiveSettings settings = resolve_settings(options.common, "show");
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
    for (const auto& order_id : options.order_ids) {
      const auto spans = store.select_order(order_id, definition.order_id_keys);
      redactor->learn(spans, definition);
      assessments.push_back(lifecycle::assess(definition, spans, order_id, now_ns));
    }
    StoreOrderSource source(store, definition);
    add_trace_orders(source);
  } else {
    jaeger.services = definition.services;
    const auto windows = search_windows(since_ns, until_ns);
    try {
      const auto transport = source::make_curl_transport(std::move(http));
      source::JaegerClient client(jaeger, *transport);
      for (const auto& order_id : options.order_ids) {
        auto judged = find_and_assess(client, definition, order_id, windows, now_ns);
        redactor->learn(judged.spans, definition);
        assessments.push_back(std::move(judged.assessment));
      }
      JaegerOrderSource source(client, definition, windows);
      add_trace_orders(source);
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
  if (assessments.size() == 1 && trace_ids.empty()) {
    report::render(out, format, assessments.front(), render_options);
  } else {
    report::render(out, format, assessments, render_options);
  }
  out.flush();
  if (!out) {
    throw Error("cannot write the report to standard output");
  }
  return any_not_found ? ExitCode::order_not_found : ExitCode::ok;
}

} // namespace ordertrace::app

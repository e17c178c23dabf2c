#include <ordertrace/app/show.hpp>
#include <ordertrace/config/lifecycle_file.hpp>
#include <ordertrace/lifecycle/engine.hpp>
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

std::int64_t parse_now_option(const std::optional<std::string>& text) {
  if (!text) {
    return util::system_now_ns();
  }
  if (auto now = util::parse_rfc3339(*text)) {
    return *now;
  }
  throw UsageError("invalid --now '" + *text +
                   "': expected an RFC 3339 time such as 2026-08-20T10:00:00Z or "
                   "2026-08-20T13:00:00+03:00");
}

} // namespace

ExitCode run_show(const ShowOptions& options, std::ostream& out) {
  // Every usage error before any file is read.
  if (options.order_ids.empty()) {
    throw UsageError("show: an order id is required");
  }
  for (const auto& id : options.order_ids) {
    if (id.empty()) {
      throw UsageError("show: an order id must not be empty");
    }
  }
  if (options.sources.empty()) {
    throw UsageError("show: reading traces from Jaeger is not supported yet; pass the trace "
                     "files with --source FILE");
  }
  const report::Format format = parse_format_option(options.format);
  const std::int64_t now_ns = parse_now_option(options.now);
  const Setting ui_url =
      resolve_setting(options.ui_url, "--ui-url", {"ORDERTRACE_UI_URL", "ORDERTRACE_JAEGER_URL"},
                      std::string(report::k_default_ui_url));
  check_url(ui_url);
  const Setting lifecycle_file =
      resolve_setting(options.lifecycle, "--lifecycle", {"ORDERTRACE_LIFECYCLE"}, {});

  const lifecycle::Definition definition = lifecycle_file.value.empty()
                                               ? config::default_lifecycle()
                                               : config::load_lifecycle_file(lifecycle_file.value);

  source::SpanStore store;
  source::load_files(options.sources, store);

  std::vector<lifecycle::Assessment> assessments;
  bool any_not_found = false;
  for (const auto& order_id : options.order_ids) {
    const auto spans = store.select_order(order_id, definition.order_id_keys);
    assessments.push_back(lifecycle::assess(definition, spans, order_id, now_ns));
    any_not_found = any_not_found || assessments.back().verdict == lifecycle::Verdict::not_found;
  }

  report::RenderOptions render_options;
  render_options.ui_url = ui_url.value;
  render_options.color = format == report::Format::text && use_color(options.no_color);
  render_options.lifecycle_name = definition.name;
  if (assessments.size() == 1) {
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

#pragma once
// Renderers of an Assessment: text for support staff, JSON for scripts, Markdown for a
// ticket. They only
// format the value the lifecycle engine built and never re-run its rules, so every
// renderer tells the same story. The JSON field names are a contract (README, cli.md).

#include <ordertrace/lifecycle/assessment.hpp>
#include <ordertrace/model/ids.hpp>
#include <ordertrace/report/messages.hpp>
#include <ordertrace/util/time_zone.hpp>

#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ordertrace::report {

class Redactor;

// Jaeger UI of a local all-in-one; cli.md's default for --ui-url.
inline constexpr std::string_view k_default_ui_url = "http://localhost:16686";
// Version of the JSON document; bumped only if a field ever changes meaning.
inline constexpr int k_json_schema_version = 1;

// The Jaeger UI page of one trace: "<ui_base>/trace/<32 hex digits>". A trailing
// slash on `ui_base` is dropped and its base path kept ("http://h/jaeger/" ->
// "http://h/jaeger/trace/..."). An empty `ui_base` means k_default_ui_url.
std::string jaeger_trace_url(std::string_view ui_base, const model::TraceId& trace_id);

enum class Format { text, json, md };
// "text", "json", "md".
std::string_view to_string(Format format) noexcept;
// The format named `name` (exact, lowercase), or nullopt.
std::optional<Format> parse_format(std::string_view name) noexcept;
// Every format name, in the order the help lists them.
std::vector<std::string> format_names();

struct RenderOptions {
  std::string ui_url = std::string(k_default_ui_url); // base of the Jaeger UI links
  bool color = false;         // ANSI colours in text (the caller checks the terminal and NO_COLOR)
  std::string lifecycle_name; // name of the lifecycle definition the verdict was judged by
  // Language and time zone of the text and Markdown outputs (--lang, --tz). JSON stays
  // English and UTC whatever they say.
  Language language = Language::en;
  util::TimeZone zone; // UTC
  // Personal data filter applied by every renderer to a copy of the assessment; null
  // means default_redactor() (redaction.hpp), so output is never unfiltered.
  std::shared_ptr<const Redactor> redactor;
};

// A copy of `assessment` passed through the redactor of `options` (redaction.hpp).
lifecycle::Assessment redacted(const lifecycle::Assessment& assessment,
                               const RenderOptions& options);

// Writes the text report of one order: headline (verdict, order, suspect, reason),
// timeline table, where it stopped, evidence, warnings and Jaeger links. Lines stay
// within about 80 columns; span names and messages from the traces are cut to fit and
// their control characters replaced, so a trace cannot drive the terminal.
void render_text(std::ostream& out, const lifecycle::Assessment& assessment,
                 const RenderOptions& options);

// Writes the JSON object of one order (pretty-printed, followed by a newline).
void render_json(std::ostream& out, const lifecycle::Assessment& assessment,
                 const RenderOptions& options);
// Writes a JSON array of the orders' objects, as `show` does for several ids.
void render_json(std::ostream& out, std::span<const lifecycle::Assessment> assessments,
                 const RenderOptions& options);

// Writes a short Markdown block of one order to paste into a ticket: verdict, order,
// suspect, where it stopped, the failing span's ids, its (redacted) error and the Jaeger
// links. Text from traces is escaped so that it cannot form links or markup.
void render_markdown(std::ostream& out, const lifecycle::Assessment& assessment,
                     const RenderOptions& options);

// Renders one order in `format` (render_text, render_json or render_markdown).
void render(std::ostream& out, Format format, const lifecycle::Assessment& assessment,
            const RenderOptions& options);
// Renders several orders: JSON as one array; text and Markdown as the reports one after
// the other, separated by a blank line.
void render(std::ostream& out, Format format, std::span<const lifecycle::Assessment> assessments,
            const RenderOptions& options);

} // namespace ordertrace::report

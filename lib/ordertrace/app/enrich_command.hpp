#pragma once
// The `enrich` command without CLI11 (app::run fills the options), and the Jaeger-backed
// OrderSource that `enrich` and `show --trace` use when no --source is given.

#include <ordertrace/app/enrich.hpp>
#include <ordertrace/app/settings.hpp>
#include <ordertrace/source/jaeger_client.hpp>
#include <ordertrace/util/error.hpp>

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace ordertrace::app {

struct EnrichCommandOptions {
  std::optional<std::filesystem::path> input; // ticket file; nullopt or "-": stdin
  std::vector<std::filesystem::path> sources; // --source trace files; empty: ask Jaeger
  std::optional<std::string> now;             // --now as typed; nullopt: the clock
  std::optional<std::string> input_format;    // --input-format csv|jsonl; nullopt: detect
  std::optional<std::string> format;          // --format tickets|md; nullopt: tickets
  std::optional<std::string> order_column;    // --order-column NAME (default order_id)
  std::optional<std::string> trace_column;    // --trace-column NAME (default trace_id)
  CommonOptions common;                       // --jaeger, --lifecycle, --ui-url, ...
};

// Runs `enrich`: checks every option first (UsageError), reads the tickets from the
// input file (InputError when it cannot be opened) or `in`, judges each with the spans
// of the trace files or of Jaeger, and writes the enriched tickets (or Markdown blocks)
// to `out`. One summary line goes to `diagnostics` ("ordertrace: 12 tickets: 10
// enriched (1 order not found), 2 not enriched"). Returns ExitCode::ok when every ticket
// was enriched, ExitCode::order_not_found when one named an unknown order, and
// ExitCode::runtime_error when some got ordertrace_error (all rows are still written).
// Throws JaegerError (5) and AuthenticationError (6) as `show` does. Against Jaeger with
// the cache on (--cache, --no-cache), orders go through it as for `show`: a COMPLETED one
// is answered from it, others keep the traces Jaeger forgot, each order found is stored
// (redacted), and a second line on `diagnostics` says so; CacheError (7) for an unusable
// file, before any request. Trace files never touch the cache.
ExitCode run_enrich_command(const EnrichCommandOptions& options, std::istream& in,
                            std::ostream& out, std::ostream& diagnostics);

// An OrderSource over Jaeger: orders are searched in `windows` (as `show` does) and
// judged with find_and_assess; a trace id is fetched by id with the traces its spans
// point to (parents and links), and its order ids read from those spans. Consumers in
// other traces that link to it are not searched for. The spans judged come with each
// order, so the redactor learns the personal data on them as it does for files.
class JaegerOrderSource : public OrderSource {
public:
  // `client` and `definition` must outlive the source.
  JaegerOrderSource(source::JaegerClient& client, const lifecycle::Definition& definition,
                    std::vector<source::SearchWindow> windows)
      : m_client(client), m_definition(definition), m_windows(std::move(windows)) {}
  JudgedOrder judge(const std::string& order_id, std::int64_t now_ns) override;
  std::vector<std::string> orders_in_trace(const model::TraceId& trace_id) override;

private:
  source::JaegerClient& m_client;
  const lifecycle::Definition& m_definition;
  std::vector<source::SearchWindow> m_windows;
};

} // namespace ordertrace::app

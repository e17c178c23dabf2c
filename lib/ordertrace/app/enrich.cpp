#include <ordertrace/app/command_options.hpp>
#include <ordertrace/app/enrich.hpp>
#include <ordertrace/lifecycle/engine.hpp>
#include <ordertrace/report/messages.hpp>
#include <ordertrace/report/redaction.hpp>
#include <ordertrace/report/ticket.hpp>
#include <ordertrace/util/error.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <memory>

namespace ordertrace::app {
namespace {

using Json = nlohmann::ordered_json;

// Judged orders are remembered so that many tickets about one order cost one search; the
// memo is dropped when full, to keep a huge batch at bounded memory.
constexpr std::size_t k_max_memo = 4096;
constexpr std::string_view k_bom = "\xEF\xBB\xBF";

int urgency(lifecycle::Verdict verdict) {
  switch (verdict) {
  case lifecycle::Verdict::lost:
    return 0;
  case lifecycle::Verdict::stalled:
    return 1;
  case lifecycle::Verdict::inconsistent:
    return 2;
  case lifecycle::Verdict::on_track:
    return 3;
  case lifecycle::Verdict::abandoned:
    return 4;
  case lifecycle::Verdict::completed:
    return 5;
  case lifecycle::Verdict::not_found:
    break;
  }
  return 6;
}

// What one ticket comes to: the orders judged (the first is the one its columns
// describe), or why it could not be enriched.
struct RowResult {
  std::vector<report::TicketSummary> summaries;
  std::vector<lifecycle::Assessment> assessments; // redacted, for Markdown
  std::string error;
};

// A CSV record reader per RFC 4180, lenient where the RFC is silent: a quote inside an
// unquoted field is kept as it is, text after a closing quote is appended, and an
// unterminated quoted field runs to the end of the input (and is reported).
class CsvReader {
public:
  // `first_line` numbers the first line read, for messages.
  CsvReader(std::istream& in, std::size_t first_line)
      : m_in(*in.rdbuf()), m_line(first_line), m_record_line(first_line) {}

  // The next record's fields; false at the end of the input.
  bool next(std::vector<std::string>& fields) {
    fields.clear();
    m_unterminated = false;
    int c = m_in.sgetc();
    if (c == std::char_traits<char>::eof()) {
      return false;
    }
    m_record_line = m_line;
    std::string field;
    bool quoted = false;
    bool in_quotes = false;
    while (true) {
      c = m_in.sbumpc();
      if (c == std::char_traits<char>::eof()) {
        m_unterminated = in_quotes;
        fields.push_back(std::move(field));
        return true;
      }
      const char ch = static_cast<char>(c);
      if (in_quotes) {
        if (ch == '"') {
          if (m_in.sgetc() == '"') {
            m_in.sbumpc();
            field += '"';
          } else {
            in_quotes = false;
          }
        } else {
          m_line += ch == '\n' ? 1 : 0;
          field += ch;
        }
        continue;
      }
      if (ch == '"' && field.empty() && !quoted) {
        quoted = true;
        in_quotes = true;
      } else if (ch == ',') {
        fields.push_back(std::move(field));
        field.clear();
        quoted = false;
      } else if (ch == '\r' && m_in.sgetc() == '\n') {
        m_in.sbumpc();
        note_ending("\r\n");
        fields.push_back(std::move(field));
        return true;
      } else if (ch == '\n') {
        note_ending("\n");
        fields.push_back(std::move(field));
        return true;
      } else {
        field += ch;
      }
    }
  }

  // The line ending of the first record ("\r\n" when there was none).
  std::string_view line_ending() const noexcept {
    // Both branches as views: a std::string temporary here would dangle.
    return m_ending.empty() ? std::string_view("\r\n") : std::string_view(m_ending);
  }
  // Line (1-based) where the last record started.
  std::size_t record_line() const noexcept { return m_record_line; }
  // Whether the last record ended inside a quoted field.
  bool unterminated() const noexcept { return m_unterminated; }

private:
  void note_ending(std::string_view ending) {
    ++m_line;
    if (m_ending.empty()) {
      m_ending = ending;
    }
  }

  std::streambuf& m_in;
  std::string m_ending;
  std::size_t m_line;
  std::size_t m_record_line;
  bool m_unterminated = false;
};

void write_csv_field(std::ostream& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out << field;
    return;
  }
  out << '"';
  for (const char c : field) {
    out << c;
    if (c == '"') {
      out << '"';
    }
  }
  out << '"';
}

void write_csv_record(std::ostream& out, const std::vector<std::string>& fields,
                      std::string_view ending) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) {
      out << ',';
    }
    write_csv_field(out, fields[i]);
  }
  out << ending;
}

// The values of k_enrich_columns for a row; nullopt where there is nothing to say.
std::vector<std::optional<std::string>> column_values(const RowResult& result) {
  std::vector<std::optional<std::string>> values(k_enrich_columns.size());
  auto set = [&](std::size_t index, const std::string& value) {
    if (!value.empty()) {
      values[index] = value;
    }
  };
  if (!result.summaries.empty()) {
    const report::TicketSummary& s = result.summaries.front();
    set(0, s.order_id);
    set(1, s.verdict);
    set(2, s.state);
    set(3, s.stuck_since);
    set(4, s.suspect);
    set(5, s.service);
    set(6, s.operation);
    set(7, s.trace_id);
    set(8, s.span_id);
    std::string message = s.error;
    if (message.empty() && s.http_status) {
      message = "HTTP " + std::to_string(*s.http_status);
    }
    set(9, message);
    set(10, s.jaeger_url);
  }
  set(11, result.error);
  return values;
}

class Enricher {
public:
  Enricher(const EnrichOptions& options, const lifecycle::Definition& definition,
           OrderSource& source)
      : m_options(options), m_definition(definition), m_source(source),
        m_base_redactor(definition.redaction) {}

  // Judges the ticket with these cells (empty when absent).
  RowResult enrich(const std::string& order_id, const std::string& trace_id) {
    RowResult result;
    try {
      if (!order_id.empty()) {
        add(result, order_id);
      } else if (!trace_id.empty()) {
        const auto id = model::TraceId::parse(trace_id);
        if (!id) {
          result.error = "invalid " + m_options.trace_id_column + " '" + trace_id +
                         "': expected 1 to 32 hex digits";
          return result;
        }
        const auto orders = m_source.orders_in_trace(*id);
        if (orders.empty()) {
          result.error = "no order found in trace " + id->hex();
          return result;
        }
        for (const auto& order : orders) {
          add(result, order);
        }
        // The most urgent order describes the ticket; the stable sort keeps ids in order.
        std::vector<std::size_t> order_of(result.summaries.size());
        for (std::size_t i = 0; i < order_of.size(); ++i) {
          order_of[i] = i;
        }
        std::stable_sort(order_of.begin(), order_of.end(), [&](std::size_t a, std::size_t b) {
          return urgency(result.assessments[a].verdict) < urgency(result.assessments[b].verdict);
        });
        RowResult sorted;
        for (std::size_t i : order_of) {
          sorted.summaries.push_back(std::move(result.summaries[i]));
          sorted.assessments.push_back(std::move(result.assessments[i]));
        }
        result = std::move(sorted);
      } else {
        result.error = "no " + m_options.order_id_column + " or " + m_options.trace_id_column;
      }
    } catch (const JaegerError&) {
      throw;
    } catch (const AuthenticationError&) {
      throw;
    } catch (const std::exception& e) {
      result = RowResult{};
      result.error = e.what();
    }
    return result;
  }

  void count(const RowResult& result, EnrichStats& stats) const {
    ++stats.rows;
    if (!result.error.empty()) {
      ++stats.failed;
      return;
    }
    ++stats.enriched;
    if (!result.summaries.empty() && result.summaries.front().verdict == "NOT_FOUND") {
      ++stats.not_found;
    }
  }

private:
  struct Judged {
    report::TicketSummary summary;
    lifecycle::Assessment assessment;
  };

  void add(RowResult& result, const std::string& order_id) {
    auto it = m_memo.find(order_id);
    if (it == m_memo.end()) {
      if (m_memo.size() >= k_max_memo) {
        m_memo.clear();
      }
      JudgedOrder judged = m_source.judge(order_id, m_options.now_ns);
      auto redactor = std::make_shared<report::Redactor>(m_base_redactor);
      redactor->learn(judged.spans, m_definition);
      report::RenderOptions render = m_options.render;
      render.redactor = redactor;
      Judged entry{report::summarize(judged.assessment, render),
                   report::redacted(judged.assessment, render)};
      it = m_memo.emplace(order_id, std::move(entry)).first;
    }
    result.summaries.push_back(it->second.summary);
    result.assessments.push_back(it->second.assessment);
  }

  const EnrichOptions& m_options;
  const lifecycle::Definition& m_definition;
  OrderSource& m_source;
  report::Redactor m_base_redactor;
  std::map<std::string, Judged> m_memo;
};

void write_markdown(std::ostream& out, const EnrichOptions& options, const std::string& label,
                    const RowResult& result) {
  out << "### " << label << "\n\n";
  if (!result.error.empty()) {
    out << report::format(report::Message::enrich_no_answer, options.render.language,
                          fmt::arg("error", report::default_redactor().redact(result.error)))
        << "\n\n";
    return;
  }
  report::RenderOptions render = options.render;
  // Already redacted with what the order's spans taught; a second pass changes nothing.
  render.redactor = nullptr;
  for (const auto& assessment : result.assessments) {
    report::render_markdown(out, assessment, render);
    out << '\n';
  }
}

std::string cell_text(const Json& value) {
  if (value.is_string()) {
    return value.get<std::string>();
  }
  if (value.is_number_integer()) {
    return value.dump();
  }
  return {};
}

std::string trimmed(std::string text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) {
    return {};
  }
  const auto end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

void check_output(std::ostream& out) {
  if (!out) {
    throw Error("cannot write the enriched tickets");
  }
}

EnrichStats enrich_csv(const EnrichOptions& options, Enricher& enricher, std::istream& in,
                       std::ostream& out, std::size_t lines_before) {
  EnrichStats stats;
  CsvReader reader(in, lines_before + 1);
  std::vector<std::string> header;
  if (!reader.next(header)) {
    return stats;
  }
  auto index_of = [&header](std::string_view name) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (trimmed(header[i]) == name) {
        return i;
      }
    }
    return std::nullopt;
  };
  const auto order_column = index_of(options.order_id_column);
  const auto trace_column = index_of(options.trace_id_column);
  if (!order_column && !trace_column) {
    // The header of a file that is not tickets at all can be anything: name a few columns,
    // printably.
    constexpr std::size_t k_columns_named = 20;
    std::string columns;
    for (std::size_t i = 0; i < header.size() && i < k_columns_named; ++i) {
      columns += (i == 0 ? "" : ", ") + printable(header[i], 100);
    }
    if (header.size() > k_columns_named) {
      columns += ", ... (" + std::to_string(header.size()) + " in all)";
    }
    throw UsageError("the tickets have neither an '" + options.order_id_column + "' nor a '" +
                     options.trace_id_column + "' column (columns: " + columns +
                     "); name them with --order-column or --trace-column");
  }
  const std::size_t input_width = header.size();
  std::vector<std::size_t> targets;
  for (const auto column : k_enrich_columns) {
    if (const auto at = index_of(column)) {
      targets.push_back(*at);
    } else {
      targets.push_back(header.size());
      header.emplace_back(column);
    }
  }
  const std::string ending(reader.line_ending());
  if (!options.markdown) {
    write_csv_record(out, header, ending);
  }

  std::vector<std::string> fields;
  while (reader.next(fields)) {
    if (fields.size() == 1 && fields.front().empty() && !reader.unterminated()) {
      if (!options.markdown) {
        out << ending; // a blank line stays a blank line
      }
      continue;
    }
    std::vector<std::string> extra;
    if (fields.size() > input_width) {
      extra.assign(fields.begin() + static_cast<std::ptrdiff_t>(input_width), fields.end());
      fields.resize(input_width);
    }
    fields.resize(header.size());
    const std::string order_id = order_column ? trimmed(fields[*order_column]) : std::string();
    const std::string trace_id = trace_column ? trimmed(fields[*trace_column]) : std::string();
    RowResult result;
    if (reader.unterminated()) {
      result.error = "line " + std::to_string(reader.record_line()) +
                     ": a quoted field is not closed before the end of the input";
    } else if (!extra.empty()) {
      result.error = "line " + std::to_string(reader.record_line()) +
                     ": more fields than the header names (the extra ones are kept at the end)";
    } else {
      result = enricher.enrich(order_id, trace_id);
    }
    enricher.count(result, stats);
    if (options.markdown) {
      const std::string label = !order_id.empty() ? order_id
                                : !trace_id.empty()
                                    ? "trace " + trace_id
                                    : "line " + std::to_string(reader.record_line());
      write_markdown(out, options, label, result);
    } else {
      const auto values = column_values(result);
      for (std::size_t i = 0; i < targets.size(); ++i) {
        fields[targets[i]] = values[i].value_or("");
      }
      fields.insert(fields.end(), extra.begin(), extra.end());
      write_csv_record(out, fields, ending);
    }
    check_output(out);
  }
  return stats;
}

constexpr const char* k_input_key = "ordertrace_input";

// The ticket on `line` as a JSON object; sets `error` and returns null when it is not one.
Json parse_ticket(const std::string& line, std::size_t number, std::string& error) {
  Json record;
  try {
    record = Json::parse(line);
  } catch (const Json::exception& e) {
    // "[json.exception.parse_error.101] parse error at ..." -> "parse error at ...".
    std::string_view what = e.what();
    if (const auto end = what.find("] "); end != std::string_view::npos) {
      what.remove_prefix(end + 2);
    }
    error = "line " + std::to_string(number) + ": not valid JSON: " + std::string(what);
    return nullptr;
  }
  if (!record.is_object()) {
    error = "line " + std::to_string(number) + ": not a JSON object";
    return nullptr;
  }
  return record;
}

EnrichStats enrich_jsonl(const EnrichOptions& options, Enricher& enricher, std::istream& in,
                         std::ostream& out, std::size_t lines_before) {
  EnrichStats stats;
  std::size_t number = lines_before;
  for (std::string line; std::getline(in, line);) {
    ++number;
    std::string_view ending = "\n";
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
      ending = "\r\n";
    }
    if (line.find_first_not_of(" \t") == std::string::npos) {
      if (!options.markdown) {
        out << line << ending;
      }
      continue;
    }
    RowResult result;
    Json record = parse_ticket(line, number, result.error);
    // A line this function wrapped before is judged as the line it wrapped, so that a
    // second run gives the same answer.
    if (record.is_object() && record.size() == k_enrich_columns.size() + 1 &&
        record.contains(k_input_key) && record[k_input_key].is_string()) {
      parse_ticket(record[k_input_key].get<std::string>(), number, result.error);
    }
    std::string order_id;
    std::string trace_id;
    if (!result.error.empty()) {
      if (!record.contains(k_input_key)) {
        // The line as it was, so that nothing of the ticket is lost.
        Json wrapper = Json::object();
        wrapper[k_input_key] = line;
        record = std::move(wrapper);
      }
    } else {
      if (const auto it = record.find(options.order_id_column); it != record.end()) {
        order_id = trimmed(cell_text(*it));
      }
      if (const auto it = record.find(options.trace_id_column); it != record.end()) {
        trace_id = trimmed(cell_text(*it));
      }
      result = enricher.enrich(order_id, trace_id);
    }
    enricher.count(result, stats);
    if (options.markdown) {
      const std::string label = !order_id.empty()   ? order_id
                                : !trace_id.empty() ? "trace " + trace_id
                                                    : "line " + std::to_string(number);
      write_markdown(out, options, label, result);
    } else {
      const auto values = column_values(result);
      for (std::size_t i = 0; i < k_enrich_columns.size(); ++i) {
        const std::string key(k_enrich_columns[i]);
        record[key] = values[i] ? Json(*values[i]) : Json(nullptr);
      }
      out << record.dump(-1, ' ', false, Json::error_handler_t::replace) << ending;
    }
    check_output(out);
  }
  return stats;
}

} // namespace

std::string_view to_string(TicketFormat format) noexcept {
  return format == TicketFormat::jsonl ? "jsonl" : "csv";
}

std::optional<TicketFormat> parse_ticket_format(std::string_view name) noexcept {
  if (name == "csv") {
    return TicketFormat::csv;
  }
  if (name == "jsonl" || name == "ndjson" || name == "json") {
    return TicketFormat::jsonl;
  }
  return std::nullopt;
}

JudgedOrder StoreOrderSource::judge(const std::string& order_id, std::int64_t now_ns) {
  JudgedOrder judged;
  judged.spans = m_store.select_order(order_id, m_definition.order_id_keys);
  judged.assessment = lifecycle::assess(m_definition, judged.spans, order_id, now_ns);
  return judged;
}

std::vector<std::string> StoreOrderSource::orders_in_trace(const model::TraceId& trace_id) {
  return m_store.order_ids_in_trace(trace_id, m_definition.order_id_keys);
}

std::vector<JudgedOrder> judge_trace(OrderSource& source, const model::TraceId& trace_id,
                                     std::int64_t now_ns) {
  std::vector<JudgedOrder> judged;
  for (const auto& order_id : source.orders_in_trace(trace_id)) {
    judged.push_back(source.judge(order_id, now_ns));
  }
  std::stable_sort(judged.begin(), judged.end(), [](const JudgedOrder& a, const JudgedOrder& b) {
    return urgency(a.assessment.verdict) < urgency(b.assessment.verdict);
  });
  return judged;
}

EnrichStats run_enrich(const EnrichOptions& options, const lifecycle::Definition& definition,
                       OrderSource& source, std::istream& in, std::ostream& out) {
  // Blank space and a byte order mark before the first ticket are passed through as they
  // are; reading past them also tells JSON Lines ('{') from CSV.
  std::streambuf& buffer = *in.rdbuf();
  std::string prefix;
  for (int c = buffer.sgetc(); c != std::char_traits<char>::eof(); c = buffer.sgetc()) {
    const char ch = static_cast<char>(c);
    const bool bom_byte = prefix.size() < k_bom.size() && ch == k_bom[prefix.size()];
    if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n' && !bom_byte) {
      break;
    }
    prefix += static_cast<char>(buffer.sbumpc());
  }
  const TicketFormat format =
      options.format.value_or(buffer.sgetc() == '{' ? TicketFormat::jsonl : TicketFormat::csv);
  if (!options.markdown) {
    out << prefix;
  }
  const auto lines_before =
      static_cast<std::size_t>(std::count(prefix.begin(), prefix.end(), '\n'));
  Enricher enricher(options, definition, source);
  EnrichStats stats = format == TicketFormat::jsonl
                          ? enrich_jsonl(options, enricher, in, out, lines_before)
                          : enrich_csv(options, enricher, in, out, lines_before);
  out.flush();
  check_output(out);
  return stats;
}

} // namespace ordertrace::app

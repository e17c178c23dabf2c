#include <ordertrace/lifecycle/engine.hpp>
#include <ordertrace/sim/accuracy.hpp>
#include <ordertrace/source/span_store.hpp>
#include <ordertrace/util/error.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <fstream>
#include <unordered_map>

namespace ordertrace::sim {
namespace {

constexpr std::array<std::string_view, 7> k_verdicts = {
    "COMPLETED", "ON_TRACK", "STALLED", "LOST", "ABANDONED", "INCONSISTENT", "NOT_FOUND"};

std::optional<std::string> optional_text(const nlohmann::json& row, const char* key) {
  const auto it = row.find(key);
  if (it == row.end() || it->is_null()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

double share(std::size_t part, std::size_t whole) {
  return whole == 0 ? 1.0 : static_cast<double>(part) / static_cast<double>(whole);
}

} // namespace

std::vector<ExpectedOrder> read_manifest(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    throw InputError(fmt::format("{}: cannot read the manifest", path.string()));
  }
  std::vector<ExpectedOrder> rows;
  std::size_t number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      continue;
    }
    try {
      const auto row = nlohmann::json::parse(line);
      ExpectedOrder order;
      order.order_id = row.at("order_id").get<std::string>();
      order.verdict = row.at("verdict").get<std::string>();
      order.suspect = optional_text(row, "suspect");
      order.fault = optional_text(row, "fault");
      order.last_state = optional_text(row, "last_state");
      order.has_workshop_fields = row.contains("ending");
      order.ending = optional_text(row, "ending");
      order.loops = row.value("loops", 0);
      order.order_type = optional_text(row, "order_type");
      rows.push_back(std::move(order));
    } catch (const nlohmann::json::exception& error) {
      throw InputError(
          fmt::format("{}:{}: not a manifest line: {}", path.string(), number, error.what()));
    }
  }
  return rows;
}

double AccuracyReport::precision(const std::string& verdict) const {
  const auto it = verdicts.find(verdict);
  return it == verdicts.end() ? 1.0 : share(it->second.right, it->second.predicted);
}
double AccuracyReport::recall(const std::string& verdict) const {
  const auto it = verdicts.find(verdict);
  return it == verdicts.end() ? 1.0 : share(it->second.right, it->second.expected);
}
double AccuracyReport::suspect_share() const {
  return share(suspects_right, suspects_expected);
}
double AccuracyReport::ending_share() const {
  std::size_t expected = 0;
  std::size_t right = 0;
  for (const auto& [ending, counts] : endings) {
    expected += counts.expected;
    right += counts.right;
  }
  return share(right, expected);
}
double AccuracyReport::loop_share() const {
  return share(loops_right, loops_expected);
}

AccuracyReport compare(const std::vector<ExpectedOrder>& expected,
                       const std::vector<JudgedOrder>& judged) {
  AccuracyReport report;
  report.orders = expected.size();
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& want = expected[i];
    const auto& got = judged.at(i);
    ++report.verdicts[want.verdict].expected;
    ++report.verdicts[got.verdict].predicted;
    const bool verdict_right = want.verdict == got.verdict;
    if (verdict_right) {
      ++report.verdicts[want.verdict].right;
      ++report.verdicts_right;
    }
    if (want.suspect) {
      ++report.suspects_expected;
      if (verdict_right && got.suspect == want.suspect) {
        ++report.suspects_right;
      }
    }
    const bool last_state_right = got.last_state == want.last_state;
    if (last_state_right) {
      ++report.last_states_right;
    }
    bool workshop_right = true;
    if (want.has_workshop_fields) {
      if (want.ending) {
        ++report.endings[*want.ending].expected;
        if (verdict_right && got.ending == want.ending) {
          ++report.endings[*want.ending].right;
        }
      }
      if (got.ending) {
        ++report.endings[*got.ending].predicted;
      }
      if (want.loops > 0) {
        ++report.loops_expected;
        report.loops_right += verdict_right && got.loops == want.loops ? 1 : 0;
      }
      report.loops_judged += got.loops > 0 ? 1 : 0;
      if (want.order_type) {
        ++report.types_expected;
        report.types_right += got.order_type == want.order_type ? 1 : 0;
      }
      workshop_right =
          got.ending == want.ending && got.loops == want.loops && got.order_type == want.order_type;
    }
    if (!verdict_right || got.suspect != want.suspect || !last_state_right || !workshop_right) {
      report.mismatches.push_back({want, got});
    }
  }
  return report;
}

std::vector<JudgedOrder> judge_from_files(const lifecycle::Definition& definition,
                                          const std::vector<std::filesystem::path>& trace_files,
                                          const std::vector<ExpectedOrder>& expected,
                                          std::int64_t now_ns) {
  source::SpanStore store;
  source::load_files(trace_files, store);
  const auto& spans = store.spans();

  // select_order scans the whole store on each call; thousands of orders would make that
  // quadratic. Its answer never leaves the traces joined to the order's by parents and
  // links, so each order is selected from a store of just that connected group of traces:
  // the same spans, found in linear time overall.
  std::unordered_map<model::TraceId, std::size_t, model::TraceIdHash> trace_index;
  std::vector<std::size_t> group;
  const auto index_of = [&](const model::TraceId& trace) {
    const auto [it, added] = trace_index.try_emplace(trace, group.size());
    if (added) {
      group.push_back(group.size());
    }
    return it->second;
  };
  const auto root = [&](std::size_t i) {
    while (group[i] != i) {
      group[i] = group[group[i]];
      i = group[i];
    }
    return i;
  };
  const auto join = [&](std::size_t a, std::size_t b) {
    group[root(a)] = root(b);
  };
  for (const auto& span : spans) {
    const std::size_t own = index_of(span.trace_id);
    if (span.parent) {
      join(own, index_of(span.parent->trace_id));
    }
    for (const auto& link : span.links) {
      join(own, index_of(link.target.trace_id));
    }
  }
  std::unordered_map<std::size_t, std::vector<std::size_t>> spans_of_group;
  std::unordered_map<std::string, std::vector<std::size_t>> groups_of_order;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const std::size_t g = root(trace_index.at(spans[i].trace_id));
    spans_of_group[g].push_back(i);
    for (const auto& key : definition.order_id_keys) {
      if (auto id = model::find_attribute_text(spans[i].attributes, key)) {
        auto& list = groups_of_order[*id];
        if (std::find(list.begin(), list.end(), g) == list.end()) {
          list.push_back(g);
        }
      }
    }
  }

  std::vector<JudgedOrder> judged;
  judged.reserve(expected.size());
  for (const auto& order : expected) {
    source::SpanStore subset;
    if (const auto it = groups_of_order.find(order.order_id); it != groups_of_order.end()) {
      std::vector<std::size_t> members;
      for (const std::size_t g : it->second) {
        const auto& list = spans_of_group.at(g);
        members.insert(members.end(), list.begin(), list.end());
      }
      std::sort(members.begin(), members.end()); // the store's order, as loaded
      for (const std::size_t i : members) {
        model::Span copy = spans[i];
        subset.on_span(std::move(copy));
      }
    }
    const auto selected = subset.select_order(order.order_id, definition.order_id_keys);
    const auto assessment = lifecycle::assess(definition, selected, order.order_id, now_ns);
    int loops = 0;
    for (const auto& loop : assessment.loops) {
      loops += loop.count;
    }
    judged.push_back({std::string(lifecycle::to_string(assessment.verdict)), assessment.suspect,
                      assessment.last_state, assessment.ending, loops, assessment.order_type});
  }
  return judged;
}

std::string render_report(const AccuracyReport& report, std::size_t max_mismatches) {
  std::string out = fmt::format("{:<14} {:>8} {:>8} {:>8} {:>10} {:>8}\n", "verdict", "expected",
                                "judged", "right", "precision", "recall");
  for (const auto verdict : k_verdicts) {
    const std::string name(verdict);
    const auto it = report.verdicts.find(name);
    const VerdictCounts counts = it == report.verdicts.end() ? VerdictCounts{} : it->second;
    out += fmt::format("{:<14} {:>8} {:>8} {:>8} {:>9.1f}% {:>7.1f}%\n", name, counts.expected,
                       counts.predicted, counts.right, 100 * report.precision(name),
                       100 * report.recall(name));
  }
  out += fmt::format(
      "orders {}, verdicts right {} ({:.1f}%), suspects right {} of {} ({:.1f}%), "
      "last states right {} ({:.1f}%)\n",
      report.orders, report.verdicts_right, 100 * share(report.verdicts_right, report.orders),
      report.suspects_right, report.suspects_expected, 100 * report.suspect_share(),
      report.last_states_right, 100 * share(report.last_states_right, report.orders));
  for (const auto& [ending, counts] : report.endings) {
    out += fmt::format("ending {}: {} expected, {} judged, {} COMPLETED with it ({:.1f}%)\n",
                       ending, counts.expected, counts.predicted, counts.right,
                       100 * share(counts.right, counts.expected));
  }
  if (report.loops_expected > 0 || report.loops_judged > 0) {
    out += fmt::format("rework loops: {} orders, {} right with their count ({:.1f}%), loops "
                       "seen in {}\n",
                       report.loops_expected, report.loops_right, 100 * report.loop_share(),
                       report.loops_judged);
  }
  if (report.types_expected > 0) {
    out +=
        fmt::format("order types read right {} of {} ({:.1f}%)\n", report.types_right,
                    report.types_expected, 100 * share(report.types_right, report.types_expected));
  }
  const auto text = [](const std::optional<std::string>& value) {
    return value ? *value : std::string("-");
  };
  const auto extras = [&](const std::optional<std::string>& ending, int loops,
                          const std::optional<std::string>& type) {
    std::string more;
    if (ending) {
      more += " ending " + *ending;
    }
    if (loops > 0) {
      more += fmt::format(" loops {}", loops);
    }
    if (type) {
      more += " " + *type;
    }
    return more;
  };
  for (std::size_t i = 0; i < report.mismatches.size() && i < max_mismatches; ++i) {
    const auto& m = report.mismatches[i];
    out += fmt::format("mismatch {} ({}): expected {} {} {}{}, judged {} {} {}{}\n",
                       m.expected.order_id, text(m.expected.fault), m.expected.verdict,
                       text(m.expected.suspect), text(m.expected.last_state),
                       extras(m.expected.ending, m.expected.loops, m.expected.order_type),
                       m.judged.verdict, text(m.judged.suspect), text(m.judged.last_state),
                       extras(m.judged.ending, m.judged.loops, m.judged.order_type));
  }
  return out;
}

} // namespace ordertrace::sim

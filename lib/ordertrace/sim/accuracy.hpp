#pragma once
// The accuracy check: every order of a manifest judged by the library (SpanStore and
// lifecycle::assess, as `ordertrace show` does from files) and compared with the verdict,
// suspect and last state the simulator meant it to get.

#include <ordertrace/lifecycle/definition.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ordertrace::sim {

struct ExpectedOrder {
  std::string order_id;
  std::string verdict;
  std::optional<std::string> suspect;
  std::optional<std::string> fault;
  std::optional<std::string> last_state;
  // Issue #11's fields; checked only when the manifest has them (has_workshop_fields).
  bool has_workshop_fields = false;
  std::optional<std::string> ending; // CANCELLED, REFUNDED
  int loops = 0;                     // rework loops taken
  std::optional<std::string> order_type;
};

// Reads a manifest (JSON Lines, cli.md). Throws InputError naming the file and line.
std::vector<ExpectedOrder> read_manifest(const std::filesystem::path& path);

struct JudgedOrder {
  std::string verdict;
  std::optional<std::string> suspect;
  std::optional<std::string> last_state;
  std::optional<std::string> ending;
  int loops = 0; // every declared loop taken, all edges together
  std::optional<std::string> order_type;
};

struct VerdictCounts {
  std::size_t expected = 0;  // orders the manifest gives this verdict
  std::size_t predicted = 0; // orders the engine gave this verdict
  std::size_t right = 0;     // both
};

struct Mismatch {
  ExpectedOrder expected;
  JudgedOrder judged;
};

struct AccuracyReport {
  std::map<std::string, VerdictCounts> verdicts;
  std::size_t orders = 0;
  std::size_t verdicts_right = 0;
  std::size_t suspects_expected = 0; // orders with a suspect in the manifest
  std::size_t suspects_right = 0;    // ... whose verdict and suspect the engine got right
  std::size_t last_states_right = 0;
  // Per ending (CANCELLED, REFUNDED): orders that ended so, orders judged COMPLETED with
  // it, and both.
  std::map<std::string, VerdictCounts> endings;
  std::size_t loops_expected = 0; // orders that went round a rework loop
  std::size_t loops_right = 0;    // ... judged with the right verdict and loop count
  std::size_t loops_judged = 0;   // orders the engine saw loops in
  std::size_t types_expected = 0; // orders with an order type
  std::size_t types_right = 0;
  std::vector<Mismatch> mismatches; // wrong verdict, suspect, last state, ending, loops, type

  double precision(const std::string& verdict) const; // 1 when nothing was predicted
  double recall(const std::string& verdict) const;    // 1 when nothing was expected
  double suspect_share() const;                       // 1 when no suspect was expected
  // Share of the orders that ended by an ending judged COMPLETED with that ending (1 when
  // none did), and of rework orders judged with their verdict and loop count.
  double ending_share() const;
  double loop_share() const;
};

// Compares `judged` (same order as `expected`) with the manifest.
AccuracyReport compare(const std::vector<ExpectedOrder>& expected,
                       const std::vector<JudgedOrder>& judged);

// Loads `trace_files` and judges every order of `expected` at `now_ns`.
std::vector<JudgedOrder> judge_from_files(const lifecycle::Definition& definition,
                                          const std::vector<std::filesystem::path>& trace_files,
                                          const std::vector<ExpectedOrder>& expected,
                                          std::int64_t now_ns);

// Precision and recall per verdict, the share of suspects named right, and up to
// `max_mismatches` wrong orders.
std::string render_report(const AccuracyReport& report, std::size_t max_mismatches);

} // namespace ordertrace::sim

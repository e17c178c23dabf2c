#pragma once
// A real Jaeger for the integration tests: the addresses scripts/jaeger.sh wrote when the
// CTest fixture started it, and OTLP/HTTP JSON posted to it through the curl binary.

#include <filesystem>
#include <string>
#include <vector>

namespace ordertrace::test {

struct LiveJaeger {
  std::string url;      // query API and UI: http://127.0.0.1:<port>
  std::string otlp_url; // OTLP/HTTP receiver, without /v1/traces
  std::string pid;      // of the Jaeger process: tells one start from the next
};

// Reads the shell assignments `scripts/jaeger.sh start RUN_DIR` wrote to RUN_DIR/env.
// Throws std::runtime_error saying how to start Jaeger when the file is missing or lacks
// JAEGER_URL or JAEGER_OTLP_URL.
LiveJaeger read_live_jaeger(const std::filesystem::path& env_file);

// POSTs `file` (OTLP JSON) to `<otlp_url>/v1/traces` and returns the HTTP status; on 200
// reads each of its traces back, one at a time, to check it was stored. Jaeger v2.13's
// memory store hands the stored trace itself to the query adjusters, which rewrite it in
// place on every read (jaegertracing/jaeger#7986): two reads at once can tear it for good,
// so the live tests read one at a time (tests/CMakeLists.txt). Throws std::runtime_error
// when curl cannot be run or gets no answer.
int post_otlp_file(const LiveJaeger& jaeger, const std::filesystem::path& file);

// Posts each of `files` once per Jaeger process, however many test processes ask at the
// same time (ctest -j runs every test in its own process): an exclusive lock on a file in
// `state_dir`, and a marker there naming the Jaeger (pid and URL) that has them. Throws
// std::runtime_error when a post is not answered with 200.
void post_once(const LiveJaeger& jaeger, const std::vector<std::filesystem::path>& files,
               const std::filesystem::path& state_dir);

// The absolute path of `program` found on PATH; empty when there is none.
std::filesystem::path find_program(const std::string& program);

} // namespace ordertrace::test

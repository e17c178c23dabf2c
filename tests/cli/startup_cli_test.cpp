// ordertrace loads libcurl only when a request is due (lib/ordertrace/source/curl_library.hpp):
// a show answered from the cache, or from files, starts without it. The dynamic loader's own
// log (LD_DEBUG=files, on stderr) tells which libraries a run loaded.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/fake_http_server.hpp"
#include "support/run_process.hpp"
#include "support/test_data.hpp"

namespace ordertrace {
namespace {

namespace fs = std::filesystem;
using test::ProcessOptions;
using test::ProcessResult;

const fs::path k_scenarios = fs::path(ORDERTRACE_SOURCE_DIR) / "tests" / "data" / "scenarios";
// Scenario 28: a COMPLETED order, so a second show answers from the cache alone.
const char* const k_completed_file = "28-int-order-id.jaeger.json";
const char* const k_completed_order = "20260128";
const char* const k_now = "2026-11-20T12:00:00Z";

using test::read_file;

bool loaded(const ProcessResult& result, const std::string& library) {
  return result.err.find("file=" + library) != std::string::npos;
}

class StartupCli : public ::testing::Test {
protected:
  ProcessOptions env() const {
    ProcessOptions options;
    // A cache of its own: the first show of each test must find it empty and ask Jaeger.
    options.env["XDG_CACHE_HOME"] = (m_dir.path() / "xdg").string();
    // The loader's log on stderr, not in the files LD_DEBUG_OUTPUT would name.
    options.env["LD_DEBUG_OUTPUT"] = std::nullopt;
    options.env["LD_DEBUG"] = "files";
    return options;
  }

  ProcessResult run(std::vector<std::string> args) const {
    args.insert(args.begin(), ORDERTRACE_BINARY);
    return test::run_process(args, env());
  }

  ProcessResult show_from_jaeger() const {
    return run({"show", k_completed_order, "--jaeger", m_server.url(), "--api", "legacy", "--now",
                k_now, "--format", "json"});
  }

  test::TempDir m_dir;
  test::FakeHttpServer m_server;
};

TEST_F(StartupCli, ACachedOrderIsShownWithoutLoadingLibcurl) {
  const std::string body = read_file(k_scenarios / k_completed_file);
  m_server.on("/api/traces", [body](const test::FakeRequest&) {
    return test::FakeResponse::text(200, body, "application/json");
  });

  const ProcessResult first = show_from_jaeger();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_TRUE(loaded(first, "libcurl.so.4")) << "the run asking Jaeger loads libcurl";
  const std::size_t requests = m_server.request_count();
  ASSERT_GT(requests, 0U);

  const ProcessResult cached = show_from_jaeger();
  ASSERT_EQ(cached.exit_code, 0) << cached.err;
  EXPECT_NE(cached.out.find(R"("mode": "cache")"), std::string::npos) << cached.out;
  EXPECT_EQ(m_server.request_count(), requests);
  // The log is there (SQLite is loaded: the cache needs it), and names no libcurl.
  EXPECT_TRUE(loaded(cached, "libsqlite3.so.0")) << cached.err;
  EXPECT_FALSE(loaded(cached, "libcurl")) << cached.err;
}

TEST_F(StartupCli, ShowFromFilesAndVersionNeverLoadLibcurl) {
  const ProcessResult from_file = run({"show", k_completed_order, "--source",
                                       (k_scenarios / k_completed_file).string(), "--now", k_now});
  ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
  EXPECT_TRUE(loaded(from_file, "libc.so.6")) << from_file.err;
  EXPECT_FALSE(loaded(from_file, "libcurl")) << from_file.err;

  const ProcessResult version = run({"--version"});
  ASSERT_EQ(version.exit_code, 0) << version.err;
  EXPECT_TRUE(loaded(version, "libc.so.6")) << version.err;
  EXPECT_FALSE(loaded(version, "libcurl")) << version.err;
}

} // namespace
} // namespace ordertrace

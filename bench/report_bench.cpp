// The nightly report at scale (bench/README.md, "report_bench"):
//
//   files:  a Jaeger JSON file of N spans (20 per order, one trace per order plus a linked
//           consumer trace) is decoded into a PackedSpans store as `ordertrace report`
//           does, grouped per order (the stitch), judged and rendered; the time of each
//           phase on one core and the peak RSS.
//   jaeger: discovery against an in-process fake Jaeger (the HttpTransport seam) holding
//           K orders in one day: the number of requests for each K at two search depths,
//           to show that it follows the windows searched, not the orders.
//
// usage: report_bench [files SPANS [DIR]] [jaeger]      (default: files 1000000, jaeger)

#include <ordertrace/config/lifecycle_file.hpp>
#include <ordertrace/lifecycle/engine.hpp>
#include <ordertrace/report/nightly.hpp>
#include <ordertrace/report/redaction.hpp>
#include <ordertrace/source/jaeger_client.hpp>
#include <ordertrace/source/order_groups.hpp>
#include <ordertrace/source/packed_spans.hpp>
#include <ordertrace/util/time.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace ordertrace;

constexpr std::int64_t k_t0_us = 1'795'000'000LL * 1'000'000; // 2026-11-18T...Z
const char* const k_states[] = {"INITIATED", "SUBMITTED", "PRICE_CALCULATED",
                                "MANUFACTURING_APPROVED"};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

long peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

std::string tag(const char* key, const std::string& value) {
  return fmt::format(R"({{"key":"{}","type":"string","value":"{}"}})", key, value);
}

// One order: a shop trace of 16 spans (states on 4 of them, the publish last) and a mes
// consumer trace of 4 spans linked to the publish (FOLLOWS_FROM).
void write_order(std::ostream& out, std::size_t n, bool first) {
  const std::string trace = fmt::format("{:032x}", 0x1000000000ULL + n);
  const std::string consumer_trace = fmt::format("{:032x}", 0x2000000000ULL + n);
  const std::int64_t start = k_t0_us + static_cast<std::int64_t>(n % 80'000) * 1'000'000;
  const std::string order = fmt::format("ORD-B-{:07}", n);
  if (!first) {
    out << ',';
  }
  out << R"({"traceID":")" << trace << R"(","spans":[)";
  for (int i = 0; i < 16; ++i) {
    const std::string span_id = fmt::format("{:016x}", (n << 8) + static_cast<std::size_t>(i) + 1);
    std::string tags = tag("span.kind", i == 15 ? "producer" : (i == 0 ? "server" : "internal"));
    tags += "," + tag("http.method", "POST") + "," + tag("http.route", "/api/orders/{orderId}") +
            "," + tag("db.system", "postgresql") + "," +
            tag("db.statement", "UPDATE shop.orders SET status = $1 WHERE id = $2") + "," +
            tag("net.peer.name", "db.internal") + "," + tag("thread.name", "worker-7");
    if (i % 4 == 0) {
      tags += "," + tag("order.id", order) + "," + tag("order.status", k_states[(i / 4) % 2]);
    }
    if (i == 15) {
      tags += "," + tag("messaging.system", "rabbitmq") + "," +
              tag("messaging.destination.name", "orders.submitted");
    }
    out << (i ? "," : "") << R"({"traceID":")" << trace << R"(","spanID":")" << span_id
        << R"(","operationName":"step )" << i << R"(","references":)"
        << (i == 0 ? std::string("[]")
                   : fmt::format(R"([{{"refType":"CHILD_OF","traceID":"{}","spanID":"{:016x}"}}])",
                                 trace, (n << 8) + 1))
        << R"(,"startTime":)" << start + i * 1000 << R"(,"duration":900,"tags":[)" << tags
        << R"(],"logs":[],"processID":"p1"})";
  }
  out << R"(],"processes":{"p1":{"serviceName":"shop-api","tags":[]}}})";
  out << R"(,{"traceID":")" << consumer_trace << R"(","spans":[)";
  for (int i = 0; i < 4; ++i) {
    const std::string span_id =
        fmt::format("{:016x}", (n << 8) + 0x80 + static_cast<std::size_t>(i));
    std::string tags = tag("span.kind", i == 0 ? "consumer" : "internal");
    tags += "," + tag("messaging.system", "rabbitmq") + "," +
            tag("messaging.destination.name", "orders.submitted") + "," +
            tag("db.statement", "EXEC usp_CalculateCastingCost @order") + "," +
            tag("thread.name", "pricing-3");
    if (i == 0) {
      tags += "," + tag("order.status", "PRICE_CALCULATED");
    }
    const std::string refs =
        i == 0 ? fmt::format(R"([{{"refType":"FOLLOWS_FROM","traceID":"{}","spanID":"{:016x}"}}])",
                             trace, (n << 8) + 16)
               : fmt::format(R"([{{"refType":"CHILD_OF","traceID":"{}","spanID":"{:016x}"}}])",
                             consumer_trace, (n << 8) + 0x80);
    out << (i ? "," : "") << R"({"traceID":")" << consumer_trace << R"(","spanID":")" << span_id
        << R"(","operationName":"process orders.submitted","references":)" << refs
        << R"(,"startTime":)" << start + 30'000'000 + i * 1000 << R"(,"duration":2000,"tags":[)"
        << tags << R"(],"logs":[],"processID":"p1"})";
  }
  out << R"(],"processes":{"p1":{"serviceName":"mes","tags":[]}}})";
}

int bench_files(std::size_t spans, const fs::path& dir) {
  const std::size_t orders = spans / 20;
  const fs::path file = dir / fmt::format("report-bench-{}.json", spans);
  if (!fs::exists(file)) {
    std::ofstream out(file, std::ios::binary);
    out << R"({"data":[)";
    for (std::size_t n = 0; n < orders; ++n) {
      write_order(out, n, n == 0);
    }
    out << "]}\n";
  }
  std::cout << fmt::format("file {} ({} MB, {} orders, {} spans)\n", file.string(),
                           fs::file_size(file) / 1'000'000, orders, orders * 20);

  const auto definition = config::default_lifecycle();
  double cpu = cpu_seconds();
  auto wall = std::chrono::steady_clock::now();
  const std::vector<fs::path> files = {file};
  // As `ordertrace report` reads files: packed as they arrive, attributes neither the
  // lifecycle nor the redactor needs dropped.
  const report::Redactor redactor(definition.redaction);
  source::PackedSpans store(
      [&](std::string_view key) {
        return report::report_needs_attribute(key, definition, redactor);
      },
      definition.order_id_keys);
  source::decode_files(files, store);
  const double decode_cpu = cpu_seconds() - cpu;
  const double decode_wall = seconds_since(wall);
  const long decode_rss = peak_rss_mb();

  cpu = cpu_seconds();
  wall = std::chrono::steady_clock::now();
  const auto groups = source::group_by_order(store);
  const double stitch_cpu = cpu_seconds() - cpu;
  const double stitch_wall = seconds_since(wall);
  const long stitch_rss = peak_rss_mb();

  cpu = cpu_seconds();
  wall = std::chrono::steady_clock::now();
  const std::int64_t now = (k_t0_us + 86'400'000'000LL) * 1000;
  report::NightlyBuilder builder(definition, std::numeric_limits<std::int64_t>::min(),
                                 std::numeric_limits<std::int64_t>::max(), now);
  // As the report does: each span once, materialised one at a time; each order's spans
  // materialised for its assessment.
  const std::vector<bool> first_copies = store.first_copies();
  model::Span span;
  for (std::size_t i = 0; i < store.size(); ++i) {
    if (first_copies[i]) {
      store.materialize_into(i, span);
      builder.add_spans(std::span<const model::Span>(&span, 1));
    }
  }
  for (const auto& group : groups) {
    const auto order_spans = source::spans_of(group, store);
    builder.add_order(lifecycle::assess(definition, order_spans, group.order_id, now), order_spans);
  }
  const auto result = builder.finish();
  const long judge_rss = peak_rss_mb();
  std::ostringstream text;
  report::render_nightly(text, report::NightlyFormat::json, result, {});
  const double judge_cpu = cpu_seconds() - cpu;
  const double judge_wall = seconds_since(wall);

  const double n = static_cast<double>(store.size());
  std::cout << fmt::format("decode  {:.2f} s cpu ({:.2f} s wall): {:.0f} spans/s; peak RSS {} MB, "
                           "store {} MB ({:.0f} bytes a span)\n",
                           decode_cpu, decode_wall, n / decode_cpu, decode_rss,
                           store.memory_bytes() / 1'000'000,
                           static_cast<double>(store.memory_bytes()) / n);
  std::cout << fmt::format(
      "stitch  {:.2f} s cpu ({:.2f} s wall): {:.0f} spans/s, {} orders; peak RSS {} MB\n",
      stitch_cpu, stitch_wall, n / stitch_cpu, groups.size(), stitch_rss);
  std::cout << fmt::format("decode + stitch: {:.0f} spans/s (cpu)\n",
                           n / (decode_cpu + stitch_cpu));
  std::cout << fmt::format("judge + render  {:.2f} s cpu ({:.2f} s wall), {} orders judged, {} "
                           "ON_TRACK; peak RSS before rendering {} MB, {} MB of JSON\n",
                           judge_cpu, judge_wall, result.orders,
                           result.count(lifecycle::Verdict::on_track), judge_rss,
                           text.view().size() / 1'000'000);
  std::cout << fmt::format("peak RSS {} MB\n", peak_rss_mb());
  return 0;
}

// A fake Jaeger: `orders` traces spread over one day in service shop-api (none in the
// others); a search answers the traces of its window, at most `limit` of them.
class FakeJaeger final : public source::HttpTransport {
public:
  explicit FakeJaeger(std::size_t orders) {
    for (std::size_t n = 0; n < orders; ++n) {
      m_starts_us.push_back(k_t0_us + static_cast<std::int64_t>(n * 86'400'000'000ULL / orders));
    }
  }
  std::vector<source::HttpResponse>
  get_all(std::span<const source::HttpRequest> requests) override {
    std::vector<source::HttpResponse> out;
    for (const auto& request : requests) {
      ++m_sent;
      out.push_back(answer(request.url));
    }
    return out;
  }
  std::uint64_t requests_sent() const override { return m_sent; }

private:
  static std::int64_t number(const std::string& url, const std::string& key) {
    const auto at = url.find(key + "=");
    return at == std::string::npos ? 0 : std::stoll(url.substr(at + key.size() + 1));
  }
  source::HttpResponse answer(const std::string& url) const {
    source::HttpResponse response;
    response.status = 200;
    response.content_type = "application/json";
    std::string body = R"({"data":[)";
    if (url.find("service=shop-api") != std::string::npos) {
      const std::int64_t start = number(url, "start");
      const std::int64_t end = number(url, "end");
      const std::int64_t limit = number(url, "limit");
      std::int64_t found = 0;
      for (std::size_t n = 0; n < m_starts_us.size() && found < limit; ++n) {
        if (m_starts_us[n] < start || m_starts_us[n] > end) {
          continue;
        }
        body += fmt::format(
            R"({}{{"traceID":"{:032x}","spans":[{{"traceID":"{:032x}","spanID":"{:016x}",)"
            R"("operationName":"POST /api/orders","references":[],"startTime":{},"duration":5,)"
            R"("tags":[{{"key":"order.id","type":"string","value":"ORD-{}"}},)"
            R"({{"key":"order.status","type":"string","value":"INITIATED"}}],"processID":"p1"}}],)"
            R"("processes":{{"p1":{{"serviceName":"shop-api","tags":[]}}}}}})",
            found ? "," : "", n + 1, n + 1, n + 1, m_starts_us[n], n);
        ++found;
      }
    }
    response.body = body + "]}";
    return response;
  }
  std::vector<std::int64_t> m_starts_us;
  std::uint64_t m_sent = 0;
};

int bench_jaeger() {
  std::cout << "\norders  depth  searches  windows_split  http_requests  traces\n";
  for (const int depth : {100, 1000}) {
    for (const std::size_t orders : {100U, 1'000U, 10'000U, 50'000U}) {
      FakeJaeger fake(orders);
      source::JaegerOptions options;
      options.api = source::JaegerApi::legacy;
      options.services = {"shop-api", "crm-api", "mes"};
      options.search_depth = depth;
      source::JaegerClient client(options, fake);
      const std::int64_t from = k_t0_us * 1000;
      const auto discovery = client.discover({from, from + 86'400LL * 1'000'000'000LL});
      std::cout << fmt::format("{:>6}  {:>5}  {:>8}  {:>13}  {:>13}  {:>6}\n", orders, depth,
                               discovery.searches, discovery.windows_split, discovery.http_requests,
                               discovery.traces.trace_ids.size());
    }
  }
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty()) {
      bench_files(1'000'000, fs::temp_directory_path());
      return bench_jaeger();
    }
    if (args[0] == "files") {
      const std::size_t spans = args.size() > 1 ? std::stoul(args[1]) : 1'000'000;
      return bench_files(spans, args.size() > 2 ? fs::path(args[2]) : fs::temp_directory_path());
    }
    if (args[0] == "jaeger") {
      return bench_jaeger();
    }
    std::cerr << "usage: report_bench [files SPANS [DIR]] [jaeger]\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "report_bench: " << e.what() << '\n';
    return 1;
  }
}

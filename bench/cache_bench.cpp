// Lookup time in the order cache with 1,000,000 orders in it (issue #5): Cache::find of a
// random order, each with one trace of 20 spans, as `show` does before anything else.
//
// The file is built once (a few minutes) and reused: ORDERTRACE_CACHE_BENCH_FILE names it
// (default /tmp/ordertrace-cache-bench-1m.db). See bench/README.md.

#include <ordertrace/cache/cache.hpp>

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <random>

namespace {

constexpr int k_orders = 1'000'000;
constexpr int k_spans_per_order = 20;
const std::string k_jaeger = "http://jaeger.bench:16686";

std::string order_id(int i) {
  return "ORD-" + std::to_string(1'000'000'000 + i);
}

ordertrace::cache::OrderRecord record(int i) {
  using namespace ordertrace;
  cache::OrderRecord record;
  record.jaeger = k_jaeger;
  record.order_id = order_id(i);
  record.verdict = i % 10 == 0 ? "STALLED" : "COMPLETED";
  record.last_state = "CLOSED";
  record.first_seen_ns = 1'787'000'000'000'000'000 + static_cast<std::int64_t>(i) * 1'000'000;
  record.last_seen_ns = record.first_seen_ns + 3'600'000'000'000;
  record.stored_at_ns = record.last_seen_ns;
  record.stages = {{"INITIATED", "SUBMITTED", 1'000'000'000}, {"SUBMITTED", "CLOSED", 2'000'000}};
  auto resource = std::make_shared<model::Resource>();
  resource->service_name = "crm-api";
  cache::CachedTrace trace;
  trace.trace_id = {static_cast<std::uint64_t>(i) + 1, 42};
  trace.fetched_at_ns = record.stored_at_ns;
  for (int s = 0; s < k_spans_per_order; ++s) {
    model::Span span;
    span.trace_id = trace.trace_id;
    span.span_id = {static_cast<std::uint64_t>(s) + 1};
    span.resource = resource;
    span.operation = "ApproveOrder";
    span.start_ns = record.first_seen_ns + s * 1'000'000;
    span.end_ns = span.start_ns + 500'000;
    span.attributes = {{"order.id", record.order_id},
                       {"order.status", std::string("SUBMITTED")},
                       {"messaging.system", std::string("rabbitmq")}};
    trace.spans.push_back(std::move(span));
  }
  record.traces.push_back(std::move(trace));
  record.searches = {{"*", record.first_seen_ns, record.last_seen_ns}};
  return record;
}

std::string bench_file() {
  const char* path = std::getenv("ORDERTRACE_CACHE_BENCH_FILE");
  return path != nullptr && *path != '\0' ? path : "/tmp/ordertrace-cache-bench-1m.db";
}

ordertrace::cache::Cache& filled_cache() {
  static ordertrace::cache::Cache cache(bench_file());
  static const bool filled = [] {
    if (cache.stats().orders >= k_orders) {
      return true;
    }
    constexpr int k_batch = 10'000;
    std::vector<ordertrace::cache::OrderRecord> batch;
    for (int i = 0; i < k_orders; i += k_batch) {
      batch.clear();
      for (int j = i; j < i + k_batch; ++j) {
        batch.push_back(record(j));
      }
      cache.store(batch);
    }
    return true;
  }();
  (void)filled;
  return cache;
}

void BM_FindOrder(benchmark::State& state) {
  auto& cache = filled_cache();
  std::mt19937 random(5);
  std::uniform_int_distribution<int> pick(0, k_orders - 1);
  for (auto _ : state) {
    auto found = cache.find(k_jaeger, order_id(pick(random)));
    benchmark::DoNotOptimize(found);
  }
  state.counters["orders"] = static_cast<double>(cache.stats().orders);
}
BENCHMARK(BM_FindOrder)->Unit(benchmark::kMicrosecond);

void BM_FindMissingOrder(benchmark::State& state) {
  auto& cache = filled_cache();
  int i = 0;
  for (auto _ : state) {
    auto found = cache.find(k_jaeger, "ORD-MISSING-" + std::to_string(i++));
    benchmark::DoNotOptimize(found);
  }
}
BENCHMARK(BM_FindMissingOrder)->Unit(benchmark::kMicrosecond);

void BM_OpenCache(benchmark::State& state) {
  filled_cache();
  for (auto _ : state) {
    ordertrace::cache::Cache cache(bench_file(), false);
    benchmark::DoNotOptimize(&cache);
  }
}
BENCHMARK(BM_OpenCache)->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();

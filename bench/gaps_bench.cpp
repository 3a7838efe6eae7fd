// Benchmarks of the responsibility-gap audit on generated cities (fixed seed 7): the parallel
// audit at 1 and 2 threads (every gap formatted, and the audit alone, which keeps 8 bytes per
// gap), the serial reference (quadratic in units: changzhou only), and the JSON writer (from
// formatted gaps, and from the audit, formatting each gap as it writes). Cities are generated once
// into a temporary folder and loaded.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "engine/parallel.hpp"
#include "loaders/city_loader.hpp"
#include "loaders/gaps_writer.hpp"
#include "loaders/generator.hpp"
#include "queries/gaps.hpp"

namespace {

using namespace orgraph;

const OrgGraph& city(const std::string& preset, std::uint64_t orgs) {
  static std::map<std::string, std::unique_ptr<OrgGraph>> cache;
  const std::string key = preset + "-" + std::to_string(orgs);
  auto& slot = cache[key];
  if (!slot) {
    const auto dir = std::filesystem::temp_directory_path() / ("orgraph-gaps-bench-" + key);
    std::filesystem::remove_all(dir);
    GeneratorOptions options;
    options.preset = preset;
    options.orgs = orgs;
    options.seed = 7;
    options.out = dir.string();
    generate_city(options);
    slot = std::make_unique<OrgGraph>(load_city(dir.string()));
    std::filesystem::remove_all(dir);
  }
  return *slot;
}

void label(benchmark::State& state, const OrgGraph& g, std::size_t gaps_found) {
  state.counters["orgs"] = static_cast<double>(g.orgs.size());
  state.counters["people"] = static_cast<double>(g.people.size());
  state.counters["units"] = static_cast<double>(g.units.size());
  state.counters["gaps"] = static_cast<double>(gaps_found);
  state.counters["orgs_per_s"] = benchmark::Counter(static_cast<double>(g.orgs.size()),
                                                    benchmark::Counter::kIsIterationInvariantRate);
}

void BM_Gaps(benchmark::State& state, const std::string& preset, std::uint64_t orgs) {
  const OrgGraph& g = city(preset, orgs);
  par::set_threads(static_cast<int>(state.range(0)));
  std::size_t found = 0;
  for (auto _ : state) {
    const GapReport r = gaps(g);
    found = r.gaps.size();
    benchmark::DoNotOptimize(found);
  }
  label(state, g, found);
  par::set_threads(0);
}

void BM_AuditGaps(benchmark::State& state, const std::string& preset, std::uint64_t orgs) {
  const OrgGraph& g = city(preset, orgs);
  par::set_threads(static_cast<int>(state.range(0)));
  std::size_t found = 0;
  for (auto _ : state) {
    const GapAudit a = audit_gaps(g);
    found = a.size();
    benchmark::DoNotOptimize(found);
  }
  label(state, g, found);
  par::set_threads(0);
}

void BM_GapsReference(benchmark::State& state) {
  const OrgGraph& g = city("changzhou", 0);
  std::size_t found = 0;
  for (auto _ : state) {
    const GapReport r = gaps_reference(g);
    found = r.gaps.size();
    benchmark::DoNotOptimize(found);
  }
  label(state, g, found);
}

void BM_GapsJson(benchmark::State& state) {
  const OrgGraph& g = city("province", 100000);
  const GapReport r = gaps(g);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string json = gaps_json(r);
    bytes = json.size();
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["gaps"] = static_cast<double>(r.gaps.size());
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * state.iterations());
}

void BM_AuditGapsJson(benchmark::State& state) {
  const OrgGraph& g = city("province", 100000);
  par::set_threads(static_cast<int>(state.range(0)));
  const GapAudit a = audit_gaps(g);
  std::size_t bytes = 0;
  for (auto _ : state) {
    bytes = 0;
    write_gaps_json(a, [&](std::string_view piece) { bytes += piece.size(); });
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["gaps"] = static_cast<double>(a.size());
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * state.iterations());
  par::set_threads(0);
}

BENCHMARK_CAPTURE(BM_Gaps, changzhou_seed7, std::string("changzhou"), 0)
    ->Arg(1)
    ->Arg(2)
    ->ArgName("threads")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Gaps, province_100k_orgs_seed7, std::string("province"), 100000)
    ->Arg(1)
    ->Arg(2)
    ->ArgName("threads")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_AuditGaps, province_100k_orgs_seed7, std::string("province"), 100000)
    ->Arg(1)
    ->Arg(2)
    ->ArgName("threads")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GapsReference)
    ->Name("BM_GapsReference/changzhou_seed7")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GapsJson)->Name("BM_GapsJson/province_100k_orgs_seed7")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AuditGapsJson)
    ->Name("BM_AuditGapsJson/province_100k_orgs_seed7")
    ->Arg(1)
    ->Arg(2)
    ->ArgName("threads")
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

// The coverage survey and uncovered clusters as queries (the graph already loaded), at 1 and 2
// threads, on the city named by ORGRAPH_BENCH_CITY (a folder or snapshot, e.g. a generated
// nation), or else on the shipped example city. Whole-command timings, loading included, are
// in docs/benchmarks/coverage-clusters.md.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>

#include "engine/parallel.hpp"
#include "loaders/city_loader.hpp"
#include "queries/clusters.hpp"
#include "queries/coverage.hpp"

namespace {

const orgraph::OrgGraph& city() {
  static std::unique_ptr<orgraph::OrgGraph> graph;
  if (!graph) {
    const char* path = std::getenv("ORGRAPH_BENCH_CITY");
    const std::string where =
        path != nullptr ? path : std::string(ORGRAPH_SOURCE_DIR) + "/examples/changzhou";
    graph = std::make_unique<orgraph::OrgGraph>(orgraph::load_city(where));
  }
  return *graph;
}

std::string shape() {
  return std::to_string(city().orgs.size()) + " orgs, " + std::to_string(city().people.size()) +
         " people";
}

// Args: group-by, threads.
void BM_Coverage(benchmark::State& state) {
  const auto& g = city();
  orgraph::par::set_threads(static_cast<int>(state.range(1)));
  const orgraph::CoverageOptions options{static_cast<orgraph::CoverageGroupBy>(state.range(0))};
  for (auto _ : state) {
    auto report = orgraph::coverage(g, options);
    benchmark::DoNotOptimize(report.groups.data());
  }
  state.counters["orgs/s"] = benchmark::Counter(static_cast<double>(g.orgs.size()),
                                                benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel("coverage --by " + std::string(orgraph::to_string(options.by)) + ", " + shape() +
                 ", threads=" + std::to_string(state.range(1)));
  orgraph::par::set_threads(0);
}
BENCHMARK(BM_Coverage)
    ->Args({0, 1})
    ->Args({0, 2})
    ->Args({1, 1})
    ->Args({1, 2})
    ->Args({2, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Args: link set (0 person,community; 1 all three), threads.
void BM_Clusters(benchmark::State& state) {
  const auto& g = city();
  orgraph::par::set_threads(static_cast<int>(state.range(1)));
  orgraph::ClusterOptions options;
  options.links = orgraph::parse_cluster_links(
      state.range(0) == 0 ? "person,community" : "person,community,street-industry");
  for (auto _ : state) {
    auto report = orgraph::uncovered_clusters(g, options);
    benchmark::DoNotOptimize(report.clusters.data());
  }
  state.counters["orgs/s"] = benchmark::Counter(static_cast<double>(g.orgs.size()),
                                                benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel("clusters --link " + orgraph::cluster_links_string(options.links) + ", " +
                 shape() + ", threads=" + std::to_string(state.range(1)));
  orgraph::par::set_threads(0);
}
BENCHMARK(BM_Clusters)
    ->Args({0, 1})
    ->Args({0, 2})
    ->Args({1, 1})
    ->Args({1, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

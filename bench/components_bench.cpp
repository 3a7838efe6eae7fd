// Connected components: the Afforest kernel (engine/components) at 1 and 2 threads against
// BGL's serial connected_components on the same graph, in edges per second (undirected edges;
// the CSR holds both directions). Graphs:
//   - random: 10M vertices, 30M uniformly random undirected edges (fixed seed);
//   - bipartite: the shape of the uncovered-clusters graph of a nation (2.1M uncovered orgs,
//     one community hub per ~6 orgs, person hubs joining 2-3 orgs of one district, a few
//     street-industry hubs), generated with a fixed seed;
//   - city: when ORGRAPH_BENCH_CITY names a city folder or snapshot, the real clusters graph of
//     that city (person,community links).
// BGL's graph is built once outside the timed loop, as ours is.
#include <benchmark/benchmark.h>

#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/connected_components.hpp>
#include <cstdlib>
#include <memory>
#include <random>

#include "engine/components.hpp"
#include "engine/csr.hpp"
#include "engine/parallel.hpp"
#include "loaders/city_loader.hpp"
#include "queries/clusters.hpp"

namespace {

using orgraph::Csr;
using orgraph::Id;

Csr<> symmetric(std::size_t n, std::vector<Id> src, std::vector<Id> dst) {
  const std::size_t m = src.size();
  src.reserve(2 * m);
  dst.reserve(2 * m);
  for (std::size_t i = 0; i < m; ++i) {
    src.push_back(dst[i]);
    dst.push_back(src[i]);
  }
  return orgraph::make_csr(n, src, dst);
}

Csr<> random_graph() {
  const std::size_t n = 10'000'000, m = 30'000'000;
  std::mt19937_64 rng(7);
  std::vector<Id> src(m), dst(m);
  for (std::size_t i = 0; i < m; ++i) {
    src[i] = static_cast<Id>(rng() % n);
    dst[i] = static_cast<Id>(rng() % n);
  }
  return symmetric(n, std::move(src), std::move(dst));
}

Csr<> bipartite_graph() {
  const std::size_t orgs = 2'100'000, districts = 3'000;
  const std::size_t per_district = orgs / districts;
  std::mt19937_64 rng(11);
  std::vector<Id> src, dst;
  Id hub = static_cast<Id>(orgs);
  // Community hubs: consecutive runs of 2..10 orgs (orgs sorted by id roughly follow areas).
  for (std::size_t o = 0; o < orgs;) {
    const std::size_t k = std::min<std::size_t>(orgs - o, 2 + rng() % 9);
    for (std::size_t j = 0; j < k; ++j) {
      src.push_back(static_cast<Id>(o + j));
      dst.push_back(hub);
    }
    o += k;
    ++hub;
  }
  // Person hubs: 600k people working at 2-3 orgs of one district.
  for (std::size_t p = 0; p < 600'000; ++p) {
    const std::size_t d = rng() % districts;
    const std::size_t k = 2 + rng() % 2;
    for (std::size_t j = 0; j < k; ++j) {
      src.push_back(static_cast<Id>(d * per_district + rng() % per_district));
      dst.push_back(hub);
    }
    ++hub;
  }
  return symmetric(hub, std::move(src), std::move(dst));
}

const char* kGraphNames[] = {"random 10M vertices 30M edges", "nation-shaped clusters bipartite",
                             "city clusters graph"};

const Csr<>& graph_for(int which) {
  static std::unique_ptr<Csr<>> graphs[3];
  if (!graphs[which]) {
    if (which == 0) {
      graphs[0] = std::make_unique<Csr<>>(random_graph());
    } else if (which == 1) {
      graphs[1] = std::make_unique<Csr<>>(bipartite_graph());
    } else {
      graphs[2] = std::make_unique<Csr<>>();
      if (const char* path = std::getenv("ORGRAPH_BENCH_CITY")) {
        const orgraph::OrgGraph city = orgraph::load_city(path);
        *graphs[2] = orgraph::uncovered_cluster_graph(city).graph;
      }
    }
  }
  return *graphs[which];
}

void label(benchmark::State& state, const Csr<>& g, const std::string& what) {
  state.counters["edges/s"] = benchmark::Counter(static_cast<double>(g.entries() / 2),
                                                 benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(what + ": " + std::to_string(g.rows()) + " vertices, " +
                 std::to_string(g.entries() / 2) + " edges");
}

// Args: graph (0 random, 1 bipartite, 2 city), threads.
void BM_Afforest(benchmark::State& state) {
  const int which = static_cast<int>(state.range(0));
  const Csr<>& g = graph_for(which);
  if (g.rows() == 0) {
    state.SkipWithError("set ORGRAPH_BENCH_CITY to a city folder or snapshot");
    return;
  }
  orgraph::par::set_threads(static_cast<int>(state.range(1)));
  std::vector<Id> labels(g.rows());
  for (auto _ : state) {
    orgraph::connected_components(g.offsets, g.targets, labels);
    benchmark::DoNotOptimize(labels.data());
  }
  label(state, g, std::string(kGraphNames[which]) + ", threads=" + std::to_string(state.range(1)));
  orgraph::par::set_threads(0);
}
BENCHMARK(BM_Afforest)
    ->Args({0, 1})
    ->Args({0, 2})
    ->Args({1, 1})
    ->Args({1, 2})
    ->Args({2, 1})
    ->Args({2, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_BglConnectedComponents(benchmark::State& state) {
  const int which = static_cast<int>(state.range(0));
  const Csr<>& g = graph_for(which);
  if (g.rows() == 0) {
    state.SkipWithError("set ORGRAPH_BENCH_CITY to a city folder or snapshot");
    return;
  }
  using BglGraph =
      boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, boost::no_property,
                                         boost::no_property, std::uint32_t, std::uint32_t>;
  std::vector<std::uint32_t> sources(g.entries());
  std::vector<std::uint32_t> targets(g.targets.begin(), g.targets.end());
  for (std::size_t v = 0; v < g.rows(); ++v) {
    std::fill(sources.begin() + g.offsets[v], sources.begin() + g.offsets[v + 1],
              static_cast<std::uint32_t>(v));
  }
  const BglGraph bgl(boost::construct_inplace_from_sources_and_targets, sources, targets, g.rows());
  sources = {};
  targets = {};
  std::vector<std::uint32_t> component(g.rows());
  for (auto _ : state) {
    benchmark::DoNotOptimize(boost::connected_components(bgl, component.data()));
  }
  label(state, g, std::string(kGraphNames[which]) + ", BGL serial DFS");
}
BENCHMARK(BM_BglConnectedComponents)
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

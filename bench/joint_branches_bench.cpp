// Benchmarks for joint-branch formation.
//  BM_JointSolver/<candidates>/<threads>: the optimiser alone on a synthetic instance shaped
//    like the generated cities (districts of ~12 streets and 13 industries, 88% of candidates
//    without full members, 9% with 1, 3% with 2, a few people shared between neighbours);
//    fixed seed. Counters: covered, bound, ratio.
//  BM_JointBranchesCity/<threads>: the whole query (instance building, solving, superiors) on
//    the city in ORGRAPH_BENCH_DATA (default: examples/changzhou), loaded once.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "engine/parallel.hpp"
#include "loaders/city_loader.hpp"
#include "queries/joint_branches.hpp"
#include "queries/joint_branches_solver.hpp"

namespace {

using namespace orgraph;

std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

joint::Instance synthetic_instance(std::uint32_t candidates, std::uint64_t seed) {
  joint::Instance in;
  constexpr std::uint32_t kPerDistrict = 1500, kStreets = 12, kIndustries = 13, kCommunities = 16;
  Id next_person = 0;
  for (std::uint32_t i = 0; i < candidates; ++i) {
    const std::uint64_t r = mix(seed * 1'000'003 + i);
    joint::Candidate c;
    c.district = i / kPerDistrict;
    c.street = c.district * kStreets + static_cast<Id>(r % kStreets);
    c.community = c.street * kCommunities + static_cast<Id>((r >> 8) % kCommunities);
    c.industry = static_cast<Id>((r >> 16) % kIndustries);
    const std::uint32_t roll = static_cast<std::uint32_t>((r >> 24) % 100);
    const std::uint32_t full = roll < 88 ? 0 : (roll < 97 ? 1 : 2);
    c.full_begin = static_cast<std::uint32_t>(in.people.size());
    for (std::uint32_t f = 0; f < full; ++f) {
      // One in ten full members also works at the previous candidate's org (shared person).
      const bool shared = ((r >> (32 + f)) & 0xF) == 0 && next_person > 0;
      in.people.push_back(shared ? next_person - 1 : next_person++);
    }
    std::sort(in.people.begin() + c.full_begin, in.people.end());
    in.people.erase(std::unique(in.people.begin() + c.full_begin, in.people.end()), in.people.end());
    c.full_end = static_cast<std::uint32_t>(in.people.size());
    c.party_begin = c.full_begin;  // party members = full members here
    c.party_end = c.full_end;
    in.cands.push_back(c);
  }
  return in;
}

void BM_JointSolver(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  par::set_threads(static_cast<int>(state.range(1)));
  const joint::Instance in = synthetic_instance(n, 7);
  joint::Solution sol;
  for (auto _ : state) {
    sol = joint::solve(in);
    benchmark::DoNotOptimize(sol.covered);
  }
  state.counters["covered"] = static_cast<double>(sol.covered);
  state.counters["bound"] = static_cast<double>(sol.upper_bound);
  state.counters["ratio"] = sol.upper_bound == 0 ? 1.0
                                                 : static_cast<double>(sol.covered) /
                                                       static_cast<double>(sol.upper_bound);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * n);
  par::set_threads(0);
}
BENCHMARK(BM_JointSolver)
    ->ArgsProduct({{10'000, 100'000}, {1, 2}})
    ->ArgNames({"candidates", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

const OrgGraph* city() {
  static const OrgGraph* graph = [] {
    const char* env = std::getenv("ORGRAPH_BENCH_DATA");
    const std::string path =
        env != nullptr ? env : std::string(ORGRAPH_SOURCE_DIR) + "/examples/changzhou";
    if (!std::filesystem::exists(path)) return static_cast<OrgGraph*>(nullptr);
    return new OrgGraph(load_city(path));
  }();
  return graph;
}

void BM_JointBranchesCity(benchmark::State& state) {
  const OrgGraph* g = city();
  if (g == nullptr) {
    state.SkipWithError("no city data: set ORGRAPH_BENCH_DATA or add examples/changzhou");
    return;
  }
  par::set_threads(static_cast<int>(state.range(0)));
  JointBranchPlan plan;
  for (auto _ : state) {
    plan = joint_branches(*g, {});
    benchmark::DoNotOptimize(plan.summary.covered);
  }
  state.counters["candidates"] = static_cast<double>(plan.summary.candidates);
  state.counters["covered"] = static_cast<double>(plan.summary.covered);
  state.counters["bound"] = static_cast<double>(plan.summary.upper_bound);
  state.counters["ratio"] = plan.summary.ratio;
  state.counters["cost"] = static_cast<double>(plan.summary.total_cost);
  par::set_threads(0);
}
BENCHMARK(BM_JointBranchesCity)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

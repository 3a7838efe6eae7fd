// Loader kernels: CSV parsing (bytes/s) and id interning (ids/s), at 1 and 2 threads.
// Fixed seeds and sizes; labels say what is measured.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>

#include "engine/parallel.hpp"
#include "engine/strings.hpp"
#include "loaders/csv.hpp"

namespace {

std::string make_csv(std::size_t rows) {
  std::mt19937_64 rng(7);
  std::string text = "id,name,party_status\n";
  text.reserve(rows * 40);
  for (std::size_t i = 0; i < rows; ++i) {
    text += "P" + std::to_string(1000000000 + i) + ",";
    text += (i % 13 == 0) ? "\"Wang, Fang\"" : "张伟" + std::to_string(rng() % 1000);
    text += (rng() % 10 == 0) ? ",full\n" : ",none\n";
  }
  return text;
}

void BM_ParseCsv(benchmark::State& state) {
  orgraph::par::set_threads(static_cast<int>(state.range(0)));
  static const std::string text = make_csv(2'000'000);
  for (auto _ : state) {
    orgraph::TextTable table;
    std::vector<orgraph::Diagnostic> diags;
    orgraph::parse_csv("people.csv", text, table, diags);
    benchmark::DoNotOptimize(table.rows());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.SetLabel("2M-row people.csv, threads=" + std::to_string(state.range(0)));
  orgraph::par::set_threads(0);
}
BENCHMARK(BM_ParseCsv)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// As the city loader reads: the parse keeps no fields, which are then parsed again 8 chunks
// (~1M rows of this file) at a time, read and released.
void BM_ParseCsvOnDemand(benchmark::State& state) {
  orgraph::par::set_threads(static_cast<int>(state.range(0)));
  static const std::string text = make_csv(2'000'000);
  orgraph::CsvLimits limits;
  limits.fields_on_demand = true;
  for (auto _ : state) {
    orgraph::TextTable table;
    std::vector<orgraph::Diagnostic> diags;
    orgraph::parse_csv("people.csv", text, table, diags, limits);
    std::size_t bytes = 0;
    for (std::size_t c = 0; c < table.chunks.size(); c += 8) {
      table.load_fields(c, c + 8);
      for (std::size_t k = c; k < std::min(c + 8, table.chunks.size()); ++k) {
        for (const auto field : table.chunks[k].fields) bytes += field.size();
        table.release_fields(k);
      }
    }
    benchmark::DoNotOptimize(bytes);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.SetLabel("2M-row people.csv, fields on demand, threads=" + std::to_string(state.range(0)));
  orgraph::par::set_threads(0);
}
BENCHMARK(BM_ParseCsvOnDemand)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_InternIds(benchmark::State& state) {
  orgraph::par::set_threads(static_cast<int>(state.range(0)));
  const std::size_t n = 5'000'000;
  orgraph::StringColumn ids;
  for (std::size_t i = 0; i < n; ++i) ids.push_back("P" + std::to_string(1000000000 + i * 7919 % n));
  std::vector<std::string_view> keys(n);
  for (std::size_t i = 0; i < n; ++i) keys[i] = ids[static_cast<orgraph::Id>((i * 31) % n)];
  std::vector<orgraph::Id> out(n);
  for (auto _ : state) {
    orgraph::Interner index;
    index.build(ids);
    index.find_batch(ids, keys, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n * 2));
  state.SetLabel("5M ids: build + 5M batched lookups, threads=" + std::to_string(state.range(0)));
  orgraph::par::set_threads(0);
}
BENCHMARK(BM_InternIds)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

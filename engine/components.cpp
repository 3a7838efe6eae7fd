#include "engine/components.hpp"

#include <algorithm>
#include <atomic>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/connected_components.hpp>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

#include "engine/fresh_vector.hpp"
#include "engine/parallel.hpp"

namespace orgraph {
namespace {

using Parent = std::atomic<Id>;
constexpr auto kRelaxed = std::memory_order_relaxed;
constexpr std::size_t kGrain = 1 << 13;
constexpr std::size_t kPrefetch = 16;

// Hooks the root of the larger id under the smaller one. Only a root is ever overwritten (the
// compare-and-swap expects comp[high] == high), so no link is lost when two threads race.
inline void link(Id u, Id v, Parent* comp) {
  Id p1 = comp[u].load(kRelaxed);
  Id p2 = comp[v].load(kRelaxed);
  while (p1 != p2) {
    const Id high = p1 > p2 ? p1 : p2;
    const Id low = p1 + p2 - high;
    Id p_high = comp[high].load(kRelaxed);
    if (p_high == low) break;
    if (p_high == high && comp[high].compare_exchange_strong(p_high, low, kRelaxed)) break;
    p1 = comp[comp[high].load(kRelaxed)].load(kRelaxed);
    p2 = comp[low].load(kRelaxed);
  }
}

void compress(Parent* comp, std::size_t n) {
  par::for_range(0, n, kGrain, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t v = lo; v < hi; ++v) {
      if (v + kPrefetch < hi) __builtin_prefetch(&comp[comp[v + kPrefetch].load(kRelaxed)]);
      Id parent = comp[v].load(kRelaxed);
      Id grand = comp[parent].load(kRelaxed);
      while (parent != grand) {
        comp[v].store(grand, kRelaxed);
        parent = grand;
        grand = comp[parent].load(kRelaxed);
      }
    }
  });
}

// The most frequent root among `samples` vertices drawn with a fixed seed. It only decides
// which vertices the last pass may skip; the labels never depend on it.
Id most_frequent_root(const Parent* comp, std::size_t n, std::uint32_t samples) {
  std::mt19937_64 rng(0x0C0FFEEu);
  std::vector<Id> seen(samples);
  for (auto& s : seen) s = comp[rng() % n].load(kRelaxed);
  std::sort(seen.begin(), seen.end());
  Id best = seen.empty() ? 0 : seen[0];
  std::size_t best_run = 0;
  for (std::size_t i = 0; i < seen.size();) {
    std::size_t j = i;
    while (j < seen.size() && seen[j] == seen[i]) ++j;
    if (j - i > best_run) {
      best_run = j - i;
      best = seen[i];
    }
    i = j;
  }
  return best;
}

void check_shape(std::span<const std::uint32_t> offsets, std::span<const Id> targets) {
  if (offsets.empty()) throw std::invalid_argument("connected_components: offsets is empty");
  if (offsets.back() != targets.size()) {
    throw std::invalid_argument("connected_components: offsets end at " +
                                std::to_string(offsets.back()) + " but there are " +
                                std::to_string(targets.size()) + " targets");
  }
}

}  // namespace

void connected_components(std::span<const std::uint32_t> offsets, std::span<const Id> targets,
                          std::span<Id> labels, const ComponentsOptions& options) {
  check_shape(offsets, targets);
  const std::size_t n = offsets.size() - 1;
  if (labels.size() != n) {
    throw std::invalid_argument("connected_components: labels must have one entry per vertex");
  }
  if (n == 0) return;
  const auto comp_owner = std::make_unique<Parent[]>(n);
  Parent* comp = comp_owner.get();
  par::for_each_index(0, n, kGrain * 8,
                      [&](std::size_t v) { comp[v].store(static_cast<Id>(v), kRelaxed); });

  const std::uint32_t rounds = static_cast<std::uint32_t>(std::max(0, options.neighbor_rounds));
  for (std::uint32_t r = 0; r < rounds; ++r) {
    par::for_range(0, n, kGrain, [&](std::size_t lo, std::size_t hi) {
      for (std::size_t v = lo; v < hi; ++v) {
        // Each link starts with a cache miss on a random parent: fetch a few vertices ahead.
        if (v + kPrefetch < hi) {
          const std::uint32_t ahead = offsets[v + kPrefetch] + r;
          if (ahead < offsets[v + kPrefetch + 1]) __builtin_prefetch(&comp[targets[ahead]]);
        }
        const std::uint32_t k = offsets[v] + r;
        if (k < offsets[v + 1]) link(static_cast<Id>(v), targets[k], comp);
      }
    });
    compress(comp, n);
  }

  const Id big = options.samples > 0 ? most_frequent_root(comp, n, options.samples) : kNone;
  par::for_range(0, n, kGrain, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t v = lo; v < hi; ++v) {
      if (comp[v].load(kRelaxed) == big) continue;
      const std::uint32_t end = offsets[v + 1];
      for (std::uint32_t k = offsets[v] + rounds; k < end; ++k) {
        if (k + kPrefetch / 2 < end) __builtin_prefetch(&comp[targets[k + kPrefetch / 2]]);
        link(static_cast<Id>(v), targets[k], comp);
      }
    }
  });
  compress(comp, n);
  par::for_each_index(0, n, kGrain * 8, [&](std::size_t v) { labels[v] = comp[v].load(kRelaxed); });
}

std::vector<Id> connected_components(std::span<const std::uint32_t> offsets,
                                     std::span<const Id> targets,
                                     const ComponentsOptions& options) {
  check_shape(offsets, targets);
  std::vector<Id> labels;
  resize_touched(labels, offsets.size() - 1);  // pages first written by the workers
  connected_components(offsets, targets, labels, options);
  return labels;
}

ConcurrentDisjointSets::ConcurrentDisjointSets(std::size_t n)
    : n_(n), parent_(std::make_unique<Parent[]>(n)) {
  par::for_each_index(0, n, kGrain * 8,
                      [&](std::size_t v) { parent_[v].store(static_cast<Id>(v), kRelaxed); });
}

void ConcurrentDisjointSets::unite(Id a, Id b) { link(a, b, parent_.get()); }

void ConcurrentDisjointSets::compress() { orgraph::compress(parent_.get(), n_); }

std::vector<Id> ConcurrentDisjointSets::labels() {
  compress();
  std::vector<Id> labels;
  resize_touched(labels, n_);
  par::for_each_index(0, n_, kGrain * 8,
                      [&](std::size_t v) { labels[v] = parent_[v].load(kRelaxed); });
  return labels;
}

std::vector<Id> connected_components_reference(std::span<const std::uint32_t> offsets,
                                               std::span<const Id> targets) {
  check_shape(offsets, targets);
  const std::size_t n = offsets.size() - 1;
  using BglGraph =
      boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, boost::no_property,
                                         boost::no_property, std::uint32_t, std::uint32_t>;
  std::vector<std::uint32_t> sources(targets.size());
  std::vector<std::uint32_t> dests(targets.begin(), targets.end());
  for (std::size_t v = 0; v < n; ++v) {
    std::fill(sources.begin() + offsets[v], sources.begin() + offsets[v + 1],
              static_cast<std::uint32_t>(v));
  }
  const BglGraph graph(boost::construct_inplace_from_sources_and_targets, sources, dests, n);
  std::vector<std::uint32_t> component(n);
  if (n > 0) boost::connected_components(graph, component.data());
  // DFS numbers components in order of first visit; relabel each by its smallest member.
  std::vector<Id> smallest(n, kNone);
  for (std::size_t v = 0; v < n; ++v) {
    smallest[component[v]] = std::min(smallest[component[v]], static_cast<Id>(v));
  }
  std::vector<Id> labels(n);
  for (std::size_t v = 0; v < n; ++v) labels[v] = smallest[component[v]];
  return labels;
}

std::size_t component_count(std::span<const Id> labels) {
  std::size_t count = 0;
  for (std::size_t v = 0; v < labels.size(); ++v) count += labels[v] == v ? 1 : 0;
  return count;
}

}  // namespace orgraph

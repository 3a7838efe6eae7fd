// Connected components of an undirected graph stored as CSR with both directions of every
// edge. Every vertex is labelled with the smallest vertex id of its component, so labels do not
// depend on the thread count or on the order in which links happen.
//
// Method: Afforest (Sutton, Ben-Nun, Barak, "Optimizing Parallel Graph Connectivity
// Computation via Subgraph Sampling", IPDPS 2018), as in the GAP Benchmark Suite's cc.cc:
//   1. union-find over the first `neighbor_rounds` neighbours of every vertex, linking with
//      compare-and-swap and always hooking the larger root under the smaller one (so a root is
//      always the smallest id of its tree, and parent[v] <= v holds throughout);
//   2. sample vertices to guess the largest intermediate component;
//   3. link the remaining neighbours of every vertex outside that component (valid because
//      both directions are stored: an edge into the big component is seen from its other end);
//   4. compress every path to its root.
// Parents are std::atomic<uint32_t>. Under ORGRAPH_SERIAL the loops run on one thread and the
// same code is a plain serial union-find.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/csr.hpp"
#include "engine/types.hpp"

namespace orgraph {

struct ComponentsOptions {
  int neighbor_rounds = 2;       // neighbours per vertex linked before sampling
  std::uint32_t samples = 1024;  // vertices sampled to find the largest component
};

// labels[v] = the smallest vertex id in v's component. offsets has n + 1 entries; the rows of
// targets must hold both directions of every edge (self loops and repeats are harmless).
// `labels` must have n entries.
void connected_components(std::span<const std::uint32_t> offsets, std::span<const Id> targets,
                          std::span<Id> labels, const ComponentsOptions& options = {});
std::vector<Id> connected_components(std::span<const std::uint32_t> offsets,
                                     std::span<const Id> targets,
                                     const ComponentsOptions& options = {});
inline std::vector<Id> connected_components(const Csr<>& graph,
                                            const ComponentsOptions& options = {}) {
  return connected_components(graph.offsets, graph.targets, options);
}

// Disjoint sets over [0, n) that several threads may unite at once, for components of a graph
// that is never stored: callers unite the members of each group as they find it (uncovered
// clusters: the orgs one person or one community joins). The same compare-and-swap link as
// above hooks the larger root under the smaller one, so after the last unite, labels() gives
// every element the smallest element of its set, whatever the threads and the order of unites.
class ConcurrentDisjointSets {
 public:
  explicit ConcurrentDisjointSets(std::size_t n);
  std::size_t size() const { return n_; }
  // Thread-safe; a and b must be < size().
  void unite(Id a, Id b);
  // Points every element at its root, in parallel. Unites may go on afterwards (walks from
  // compressed elements are short): call it between big batches of unites.
  void compress();
  // labels[v] = the smallest element of v's set. Call once no unite is running.
  std::vector<Id> labels();

 private:
  std::size_t n_;
  std::unique_ptr<std::atomic<Id>[]> parent_;
};

// Serial reference: BGL's connected_components (depth-first search) on a
// boost::compressed_sparse_row_graph holding the same rows, with its component numbers
// canonicalised to the smallest member id. Used by tests and benchmarks.
std::vector<Id> connected_components_reference(std::span<const std::uint32_t> offsets,
                                               std::span<const Id> targets);

// The number of distinct labels (components).
std::size_t component_count(std::span<const Id> labels);

}  // namespace orgraph

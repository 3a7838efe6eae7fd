// The one parallel seam. Query code calls these helpers, never tbb:: directly, so a serial
// build (-DORGRAPH_SERIAL=ON) and deterministic reductions are one switch away.
//
// Determinism: work is cut into blocks whose bounds depend only on the input size and the
// grain, never on the thread count; per-block results are combined in block order.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <vector>

#ifndef ORGRAPH_SERIAL
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>
#endif

namespace orgraph::par {

// Limits the worker threads for the whole process; 0 means all cores.
void set_threads(int threads);
// The number of threads parallel loops may use.
int threads();
// The number of hardware threads.
int hardware_threads();

// Calls body(lo, hi) on disjoint sub-ranges covering [begin, end).
template <class Body>
void for_range(std::size_t begin, std::size_t end, std::size_t grain, Body&& body) {
  if (begin >= end) return;
#ifdef ORGRAPH_SERIAL
  (void)grain;
  body(begin, end);
#else
  if (end - begin <= grain || threads() == 1) {
    body(begin, end);
    return;
  }
  tbb::parallel_for(tbb::blocked_range<std::size_t>(begin, end, grain),
                    [&](const tbb::blocked_range<std::size_t>& r) { body(r.begin(), r.end()); });
#endif
}

// Calls body(i) for every i in [begin, end).
template <class Body>
void for_each_index(std::size_t begin, std::size_t end, std::size_t grain, Body&& body) {
  for_range(begin, end, grain, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t i = lo; i < hi; ++i) body(i);
  });
}

// Number of fixed blocks of size `block` covering n items.
inline std::size_t block_count(std::size_t n, std::size_t block) {
  return block == 0 ? 0 : (n + block - 1) / block;
}

// Deterministic map-reduce: map(lo, hi) -> T over fixed blocks, combined left to right.
template <class T, class Map, class Combine>
T map_reduce(std::size_t n, std::size_t block, T identity, Map&& map, Combine&& combine) {
  const std::size_t blocks = block_count(n, block);
  std::vector<T> partial(blocks, identity);
  for_each_index(0, blocks, 1, [&](std::size_t b) {
    const std::size_t lo = b * block;
    partial[b] = map(lo, std::min(n, lo + block));
  });
  T result = identity;
  for (auto& p : partial) result = combine(std::move(result), std::move(p));
  return result;
}

// Sort with a strict total order (ties must be indistinguishable for the result to be
// deterministic).
template <class It, class Less>
void sort(It first, It last, Less less) {
#ifdef ORGRAPH_SERIAL
  std::sort(first, last, less);
#else
  if (threads() == 1) {
    std::sort(first, last, less);
  } else {
    tbb::parallel_sort(first, last, less);
  }
#endif
}

// Exclusive prefix sum in place; returns the total.
template <class T>
T exclusive_scan(std::vector<T>& values) {
  T sum{};
  for (auto& v : values) {
    T next = sum + v;
    v = sum;
    sum = next;
  }
  return sum;
}

}  // namespace orgraph::par

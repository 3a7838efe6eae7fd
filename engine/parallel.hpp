// The one parallel seam. Query code calls these helpers, never tbb:: directly, so a serial
// build (-DORGRAPH_SERIAL=ON) and deterministic reductions are one switch away.
//
// Three backends, chosen at build time:
// - oneTBB (default);
// - ORGRAPH_STD_THREADS (on with -DORGRAPH_TSAN=ON): plain std::thread. Debian's oneTBB is not
//   built with ThreadSanitizer, so TSan would report false races at every loop start and join;
//   with this backend every instruction that runs in parallel is instrumented and TSan needs no
//   blanket suppressions. A parallel loop started inside a parallel loop's body runs serially
//   on the calling worker (no nested thread spawning, no deadlock);
// - ORGRAPH_SERIAL: everything runs on the calling thread.
//
// Determinism: work is cut into blocks whose bounds depend only on the input size and the
// grain, never on the thread count; per-block results are combined in block order.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <stdexcept>
#include <vector>

#if defined(ORGRAPH_SERIAL)
// nothing
#elif defined(ORGRAPH_STD_THREADS)
#include <iterator>
#else
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

#if defined(ORGRAPH_STD_THREADS) && !defined(ORGRAPH_SERIAL)
namespace detail {
// True on a thread that is running the body of a parallel loop (a worker, or the caller while it
// takes part); loops started there run serially.
bool in_parallel_region();
// Calls task(i) for every i in [0, tasks) on up to `workers` threads (the caller is one of them):
// each thread takes the next index from an atomic counter. The first exception thrown by a task
// stops the hand-out of further indices and is rethrown here once every thread has joined.
void run_tasks(std::size_t tasks, int workers, const std::function<void(std::size_t)>& task);
}  // namespace detail
#endif

// Calls body(lo, hi) on disjoint sub-ranges covering [begin, end).
template <class Body>
void for_range(std::size_t begin, std::size_t end, std::size_t grain, Body&& body) {
  if (begin >= end) return;
#if defined(ORGRAPH_SERIAL)
  (void)grain;
  body(begin, end);
#elif defined(ORGRAPH_STD_THREADS)
  const std::size_t n = end - begin;
  if (grain == 0) grain = 1;
  const int workers = threads();
  if (n <= grain || workers == 1 || detail::in_parallel_region()) {
    body(begin, end);
    return;
  }
  // Blocks of at least `grain` items, about 8 per thread so the atomic hand-out balances load
  // without touching the counter once per item.
  const std::size_t per_thread = static_cast<std::size_t>(workers) * 8;
  const std::size_t block = std::max(grain, (n + per_thread - 1) / per_thread);
  const std::size_t blocks = (n + block - 1) / block;
  detail::run_tasks(blocks, workers, [&](std::size_t b) {
    const std::size_t lo = begin + b * block;
    body(lo, std::min(end, lo + block));
  });
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

// Calls task(i) for every i in [0, n), handing the indices out in ascending order to whichever
// thread is free next: for a few uneven tasks listed largest first (files to write), the greedy
// balance. for_each_index does not promise that order: oneTBB splits the range in halves, so
// with 2 threads and 4 tasks one thread runs tasks 0 and 1, the other 2 and 3.
template <class Task>
void for_each_in_turn(std::size_t n, Task&& task) {
  std::atomic<std::size_t> next{0};
  for_each_index(0, n, 1, [&](std::size_t) { task(next.fetch_add(1, std::memory_order_relaxed)); });
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

// The indices i in [0, n) where pred(i) holds, ascending. Blocks of `block` indices are
// filtered in parallel and copied into place in parallel (no serial concatenation).
template <class Index = std::uint32_t, class Pred>
std::vector<Index> indices_where(std::size_t n, std::size_t block, Pred&& pred) {
  std::vector<std::vector<Index>> found(block_count(n, block));
  for_each_index(0, found.size(), 1, [&](std::size_t b) {
    const std::size_t hi = std::min(n, (b + 1) * block);
    for (std::size_t i = b * block; i < hi; ++i) {
      if (pred(i)) found[b].push_back(static_cast<Index>(i));
    }
  });
  std::vector<std::size_t> base(found.size());
  for (std::size_t b = 0; b < found.size(); ++b) base[b] = found[b].size();
  std::vector<Index> out(exclusive_scan(base));
  for_each_index(0, found.size(), 1, [&](std::size_t b) {
    std::copy(found[b].begin(), found[b].end(), out.begin() + static_cast<std::ptrdiff_t>(base[b]));
  });
  return out;
}

// Stable counting sort of the items [0, n) by bucket key(i) < buckets: calls place(i, slot) once
// per item, where slot is the item's position when the items are ordered by bucket and, within
// a bucket, by index; writes the buckets' first slots to first[0, buckets] (first[buckets] = n).
// The items are cut into one part per thread: each part counts its buckets, then places its
// items. Slots do not depend on the cut, so the result is the same at any thread count. Uses
// 4 bytes per bucket per part; n must be below 2^32.
template <class Key, class Place>
void counting_sort(std::size_t n, std::size_t buckets, Key&& key, Place&& place,
                   std::span<std::uint32_t> first) {
  if (n >= std::size_t{1} << 32) throw std::length_error("counting_sort: 2^32 items or more");
  if (first.size() != buckets + 1)
    throw std::invalid_argument("counting_sort: first needs buckets + 1 entries");
  constexpr std::size_t kMinPart = 1 << 15;
  const std::size_t parts = std::max<std::size_t>(
      1, std::min<std::size_t>(static_cast<std::size_t>(threads()), n / kMinPart));
  const auto part_begin = [&](std::size_t p) { return n * p / parts; };
  // next[p][b]: the count of part p's items in bucket b, then the slot of its next one.
  std::vector<std::vector<std::uint32_t>> next(parts);
  for_each_index(0, parts, 1, [&](std::size_t p) {
    next[p].assign(buckets, 0);  // first written by the part's own thread
    for (std::size_t i = part_begin(p); i < part_begin(p + 1); ++i) ++next[p][key(i)];
  });
  constexpr std::size_t kBlock = 1 << 16;
  std::vector<std::size_t> block_base(block_count(buckets, kBlock));
  for_each_index(0, block_base.size(), 1, [&](std::size_t b) {
    std::size_t sum = 0;
    for (const auto& counts : next) {
      for (std::size_t k = b * kBlock; k < std::min(buckets, (b + 1) * kBlock); ++k)
        sum += counts[k];
    }
    block_base[b] = sum;
  });
  exclusive_scan(block_base);
  first[buckets] = static_cast<std::uint32_t>(n);
  for_each_index(0, block_base.size(), 1, [&](std::size_t b) {
    auto slot = static_cast<std::uint32_t>(block_base[b]);
    for (std::size_t k = b * kBlock; k < std::min(buckets, (b + 1) * kBlock); ++k) {
      first[k] = slot;
      for (auto& counts : next) {
        const std::uint32_t count = counts[k];
        counts[k] = slot;
        slot += count;
      }
    }
  });
  for_each_index(0, parts, 1, [&](std::size_t p) {
    std::vector<std::uint32_t>& slot = next[p];
    for (std::size_t i = part_begin(p); i < part_begin(p + 1); ++i) place(i, slot[key(i)]++);
  });
}

// Sort with a strict total order (ties must be indistinguishable for the result to be
// deterministic).
template <class It, class Less>
void sort(It first, It last, Less less) {
#if defined(ORGRAPH_SERIAL)
  std::sort(first, last, less);
#elif defined(ORGRAPH_STD_THREADS)
  // Sort `parts` slices in parallel, then merge neighbouring runs pairwise, in parallel, until
  // one run is left. Slice bounds depend on the thread count, which is harmless under a strict
  // total order: the sorted result is unique.
  const std::size_t n = static_cast<std::size_t>(std::distance(first, last));
  const int workers = threads();
  constexpr std::size_t kMinSlice = 4096;
  if (workers == 1 || n < 2 * kMinSlice || detail::in_parallel_region()) {
    std::sort(first, last, less);
    return;
  }
  const std::size_t parts = std::min(static_cast<std::size_t>(workers), n / kMinSlice);
  std::vector<std::size_t> bounds(parts + 1);
  for (std::size_t p = 0; p <= parts; ++p) bounds[p] = n * p / parts;
  auto at = [&](std::size_t k) {
    return first + static_cast<typename std::iterator_traits<It>::difference_type>(bounds[k]);
  };
  detail::run_tasks(parts, workers, [&](std::size_t p) { std::sort(at(p), at(p + 1), less); });
  for (std::size_t width = 1; width < parts; width *= 2) {
    const std::size_t merges = (parts + 2 * width - 1) / (2 * width);
    detail::run_tasks(merges, workers, [&](std::size_t m) {
      const std::size_t lo = m * 2 * width;
      const std::size_t mid = std::min(parts, lo + width);
      const std::size_t hi = std::min(parts, lo + 2 * width);
      if (mid < hi)
        std::inplace_merge(at(lo), at(mid), at(hi), less);
    });
  }
#else
  if (threads() == 1) {
    std::sort(first, last, less);
  } else {
    tbb::parallel_sort(first, last, less);
  }
#endif
}

// Writes a zero byte into every 4 KiB page of [data, data + bytes), pages shared out among the
// workers. For raw storage (a vector's reserved capacity) that one thread is about to fill: on
// our VMs a fresh page costs the kernel ~2.5 s per GB to back at its first write, on whichever
// thread writes first. The bytes' values are unspecified afterwards.
void touch_pages(void* data, std::size_t bytes);

}  // namespace orgraph::par

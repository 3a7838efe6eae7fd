// The parallel seam itself (engine/parallel.hpp), whichever backend the build uses (oneTBB,
// std::thread under ORGRAPH_STD_THREADS / TSan, or serial): every index visited exactly once,
// nested loops, for_each_in_turn handing tasks out in order, exceptions carried to the caller, map_reduce combining in block order, sort
// equal to std::sort, indices_where equal to a serial filter, counting_sort equal to a stable
// sort, touch_pages staying inside its range; each at 1, 2 and 8 threads.
#include "engine/parallel.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

#include "engine/fresh_vector.hpp"
#include "thread_count_test.hpp"

namespace orgraph {
namespace {

class ParallelTest : public ThreadCountTest {};

TEST_P(ParallelTest, ThreadsReportsTheSetting) {
#ifdef ORGRAPH_SERIAL
  EXPECT_EQ(par::threads(), 1);
#else
  EXPECT_EQ(par::threads(), GetParam());
#endif
}

TEST_P(ParallelTest, ForRangeVisitsEveryIndexOnce) {
  for (std::size_t n : {0u, 1u, 7u, 100u, 4097u, 100000u}) {
    for (std::size_t grain : {1u, 3u, 64u, 1024u}) {
      std::vector<std::atomic<int>> seen(n);
      std::atomic<std::size_t> calls{0};
      par::for_range(0, n, grain, [&](std::size_t lo, std::size_t hi) {
        ASSERT_LT(lo, hi);
        ASSERT_LE(hi, n);
        calls.fetch_add(1);
        for (std::size_t i = lo; i < hi; ++i) seen[i].fetch_add(1);
      });
      for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(seen[i].load(), 1) << "n " << n << " i " << i;
      if (n == 0) {
        EXPECT_EQ(calls.load(), 0u);
      }
    }
  }
}

TEST_P(ParallelTest, ForRangeHonoursAnOffsetBegin) {
  std::vector<int> hits(1000, 0);
  par::for_each_index(250, 750, 5, [&](std::size_t i) { hits[i] += 1; });
  for (std::size_t i = 0; i < hits.size(); ++i) EXPECT_EQ(hits[i], (i >= 250 && i < 750) ? 1 : 0);
}

TEST_P(ParallelTest, NestedLoopsComplete) {
  constexpr std::size_t kOuter = 64, kInner = 500;
  std::vector<std::vector<int>> grid(kOuter, std::vector<int>(kInner, 0));
  par::for_each_index(0, kOuter, 1, [&](std::size_t o) {
    par::for_each_index(0, kInner, 8, [&](std::size_t i) { grid[o][i] += static_cast<int>(o + i); });
    std::vector<std::size_t> v(20000);
    std::iota(v.rbegin(), v.rend(), std::size_t{0});
    par::sort(v.begin(), v.end(), std::less<>());
    ASSERT_TRUE(std::is_sorted(v.begin(), v.end()));
  });
  for (std::size_t o = 0; o < kOuter; ++o)
    for (std::size_t i = 0; i < kInner; ++i) ASSERT_EQ(grid[o][i], static_cast<int>(o + i));
}

TEST_P(ParallelTest, ForEachInTurnVisitsEveryIndexOnce) {
  for (std::size_t n : {0u, 1u, 2u, 5u, 1000u}) {
    std::vector<std::atomic<int>> seen(n);
    par::for_each_in_turn(n, [&](std::size_t i) {
      ASSERT_LT(i, n);
      seen[i].fetch_add(1);
    });
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(seen[i].load(), 1) << "n " << n << " i " << i;
  }
}

// Tasks 0 and 1 (the two largest, in a list sorted so) go to two threads at once: each waits
// until the other has started, and tasks 2 and 3 wait until both have. With the indices handed
// out in halves ({0, 1} to one thread, {2, 3} to the other) no task could go on, and every wait
// would end at its deadline.
TEST_P(ParallelTest, ForEachInTurnStartsTheFirstTasksSideBySide) {
  if (par::threads() < 2 || par::hardware_threads() < 2) GTEST_SKIP() << "one thread";
  std::array<std::atomic<bool>, 4> started{};
  std::array<std::atomic<bool>, 4> went_on{};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  const auto wait_for = [&](auto ready) {
    while (!ready()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::yield();
    }
    return true;
  };
  par::for_each_in_turn(4, [&](std::size_t i) {
    started[i] = true;
    if (i < 2) {
      went_on[i] = wait_for([&] { return started[1 - i].load(); });
    } else {
      went_on[i] = wait_for([&] { return started[0].load() && started[1].load(); });
    }
  });
  for (std::size_t i = 0; i < 4; ++i) EXPECT_TRUE(went_on[i]) << "task " << i;
}

TEST_P(ParallelTest, ExceptionReachesTheCaller) {
  std::atomic<int> done{0};
  EXPECT_THROW(par::for_each_index(0, 10000, 10,
                                   [&](std::size_t i) {
                                     if (i == 5003) throw std::runtime_error("block 5003");
                                     done.fetch_add(1);
                                   }),
               std::runtime_error);
  // The seam is usable again afterwards.
  std::atomic<int> after{0};
  par::for_each_index(0, 1000, 10, [&](std::size_t) { after.fetch_add(1); });
  EXPECT_EQ(after.load(), 1000);
}

TEST_P(ParallelTest, MapReduceCombinesInBlockOrder) {
  // String concatenation is not commutative: any reordering of blocks shows.
  const std::size_t n = 5000;
  const std::string got = par::map_reduce(
      n, 37, std::string(),
      [](std::size_t lo, std::size_t hi) { return std::to_string(lo) + "-" + std::to_string(hi) + ";"; },
      [](std::string a, std::string b) { return a + b; });
  std::string want;
  for (std::size_t lo = 0; lo < n; lo += 37)
    want += std::to_string(lo) + "-" + std::to_string(std::min(n, lo + 37)) + ";";
  EXPECT_EQ(got, want);
}

TEST_P(ParallelTest, SortEqualsStdSort) {
  std::mt19937_64 rng(42);
  for (std::size_t n : {0u, 1u, 100u, 8191u, 8192u, 50000u, 300001u}) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> v(n);
    for (std::size_t i = 0; i < n; ++i)
      v[i] = {static_cast<std::uint32_t>(rng() % 1000), static_cast<std::uint32_t>(i)};
    auto want = v;
    std::sort(want.begin(), want.end());
    par::sort(v.begin(), v.end(), std::less<>());
    ASSERT_EQ(v, want) << "n " << n;
  }
}

TEST_P(ParallelTest, IndicesWhereEqualsASerialFilter) {
  std::mt19937_64 rng(7);
  for (std::size_t n : {0u, 1u, 999u, 1000u, 1001u, 123457u}) {
    std::vector<char> mark(n);
    for (auto& m : mark) m = rng() % 3 == 0 ? 1 : 0;
    std::vector<std::uint32_t> want;
    for (std::size_t i = 0; i < n; ++i) {
      if (mark[i]) want.push_back(static_cast<std::uint32_t>(i));
    }
    EXPECT_EQ(par::indices_where(n, 1000, [&](std::size_t i) { return mark[i] != 0; }), want)
        << "n " << n;
  }
}

// counting_sort against std::stable_sort of (bucket, index): sizes around its part size (2^15)
// and its bucket block (2^16), skewed keys (most items in one bucket) and empty buckets.
TEST_P(ParallelTest, CountingSortEqualsAStableSortByBucket) {
  std::mt19937_64 rng(11);
  struct Case {
    std::size_t n, buckets;
    bool skewed;
  };
  for (const Case c : {Case{0, 0, false}, Case{0, 5, false}, Case{1, 1, false},
                       Case{32767, 10, false}, Case{65536, 3, true}, Case{200003, 70000, false},
                       Case{200003, 200003, true}, Case{131072, 1, false}}) {
    std::vector<std::uint32_t> key(c.n);
    for (auto& k : key) {
      k = static_cast<std::uint32_t>(c.skewed && rng() % 4 != 0 ? c.buckets / 2
                                                                : rng() % c.buckets);
    }
    std::vector<std::uint32_t> want(c.n);
    std::iota(want.begin(), want.end(), 0u);
    std::stable_sort(want.begin(), want.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return key[a] < key[b]; });
    std::vector<std::uint32_t> want_first(c.buckets + 1, 0);
    for (const std::uint32_t k : key) ++want_first[k + 1];
    for (std::size_t b = 0; b < c.buckets; ++b) want_first[b + 1] += want_first[b];
    if (c.buckets == 0) want_first = {0};

    std::vector<std::uint32_t> got(c.n, ~0u);
    std::vector<int> placed(c.n, 0);
    std::vector<std::uint32_t> first(c.buckets + 1, ~0u);
    par::counting_sort(
        c.n, c.buckets, [&](std::size_t i) { return key[i]; },
        [&](std::size_t i, std::uint32_t slot) {
          got[slot] = static_cast<std::uint32_t>(i);
          ++placed[i];  // each item is placed by one part only: no race
        },
        first);
    EXPECT_EQ(got, want) << "n " << c.n << " buckets " << c.buckets;
    EXPECT_EQ(first, want_first) << "n " << c.n << " buckets " << c.buckets;
    EXPECT_EQ(std::count(placed.begin(), placed.end(), 1), static_cast<std::ptrdiff_t>(c.n));
  }
}

// touch_pages writes inside its range only, whatever the range's alignment and length.
TEST_P(ParallelTest, TouchPagesStaysInsideTheRange) {
  std::vector<char> buffer(5 * 4096 + 300, 'x');
  for (std::size_t from : {0u, 1u, 4095u, 4096u, 5000u}) {
    for (std::size_t bytes : {0u, 1u, 2u, 4096u, 4097u, 3u * 4096u + 7u}) {
      std::fill(buffer.begin(), buffer.end(), 'x');
      par::touch_pages(buffer.data() + from, bytes);
      for (std::size_t i = 0; i < buffer.size(); ++i) {
        if (i < from || i >= from + bytes) {
          ASSERT_EQ(buffer[i], 'x') << from << " " << bytes << " " << i;
        }
      }
      if (bytes > 0) {  // one zero in each page the range meets, the first at its first byte
        EXPECT_EQ(buffer[from], '\0') << from << " " << bytes;
        std::size_t zeros = 0;
        for (std::size_t i = from; i < from + bytes; ++i) zeros += buffer[i] == '\0';
        const auto start = reinterpret_cast<std::uintptr_t>(buffer.data() + from);
        EXPECT_EQ(zeros, (start + bytes - 1) / 4096 - start / 4096 + 1) << from << " " << bytes;
      }
    }
  }
}

// resize_touched constructs the new elements like resize() and keeps the old ones.
TEST_P(ParallelTest, ResizeTouchedConstructsTheNewElements) {
  std::vector<std::string> v{"a", "b"};
  resize_touched(v, 100000);
  ASSERT_EQ(v.size(), 100000u);
  EXPECT_EQ(v[0], "a");
  EXPECT_EQ(v[1], "b");
  for (std::size_t i = 2; i < v.size(); ++i) ASSERT_TRUE(v[i].empty()) << i;
  resize_touched(v, 1);
  EXPECT_EQ(v, std::vector<std::string>{"a"});
}

INSTANTIATE_TEST_SUITE_P(Threads, ParallelTest, ::testing::Values(1, 2, 8));

}  // namespace
}  // namespace orgraph

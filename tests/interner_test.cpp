// Interner::build (engine/strings.cpp) against its serial reference, at 1, 2 and 8 threads:
// the table is filled range by range in parallel, strings whose probe runs past their range's
// end are inserted serially afterwards. Checked: the duplicates found (pairs in index order),
// every string found at its first index (find and find_batch), absent strings not found, the
// table the same at every thread count, and the overflow path taken (strings crowded at the end
// of a range, and at the end of the table, where probing wraps to slot 0).
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "engine/strings.hpp"
#include "thread_count_test.hpp"

namespace orgraph {
namespace {

class InternerTest : public ThreadCountTest {};

// 40,000 strings: a table of 131072 slots, two ranges of 65536. 150 strings have their home in
// the last 4 slots of the first range and 150 in the last 4 of the table; a fifth of all
// strings repeat an earlier one.
StringColumn crowded_column(std::vector<std::string>& strings) {
  constexpr std::uint64_t kCapacity = 131072, kMask = kCapacity - 1;
  std::mt19937_64 rng(5);
  std::vector<std::string> crowd;
  std::size_t at_range_end = 0, at_table_end = 0;
  for (std::uint64_t k = 0; at_range_end < 150 || at_table_end < 150; ++k) {
    std::string s = "crowd-" + std::to_string(k);
    const std::uint64_t home = hash_string(s) & kMask;
    if (home >= 65532 && home < 65536 && at_range_end < 150) {
      ++at_range_end;
      crowd.push_back(std::move(s));
    } else if (home >= kCapacity - 4 && at_table_end < 150) {
      ++at_table_end;
      crowd.push_back(std::move(s));
    }
  }
  std::size_t next_crowd = 0;
  while (strings.size() + (crowd.size() - next_crowd) < 40000) {
    const std::uint64_t r = rng() % 100;
    if (r < 20 && !strings.empty()) {
      strings.push_back(strings[rng() % strings.size()]);  // a duplicate, near or far
    } else if (r < 22 && next_crowd < crowd.size()) {
      strings.push_back(crowd[next_crowd++]);
    } else {
      strings.push_back("5211" + std::to_string(rng() % 100000000) + "MJ");
    }
  }
  while (next_crowd < crowd.size()) strings.push_back(crowd[next_crowd++]);
  StringColumn column;
  for (const std::string& s : strings) column.push_back(s);
  return column;
}

TEST_P(InternerTest, BuildEqualsTheSerialReference) {
  std::vector<std::string> strings;
  const StringColumn column = crowded_column(strings);
  Interner fast, reference;
  const auto dup_fast = fast.build(column);
  const auto dup_reference = reference.build(column, false);
  ASSERT_EQ(fast.mask() + 1, 131072u);
  EXPECT_EQ(dup_fast, dup_reference);

  std::map<std::string, Id> first;
  std::vector<std::pair<Id, Id>> want_duplicates;
  for (std::size_t i = 0; i < strings.size(); ++i) {
    const auto [it, inserted] = first.emplace(strings[i], static_cast<Id>(i));
    if (!inserted) want_duplicates.emplace_back(static_cast<Id>(i), it->second);
  }
  EXPECT_EQ(dup_fast, want_duplicates);
  std::vector<std::string_view> keys;
  for (const auto& [s, i] : first) {
    ASSERT_EQ(fast.find(column, s), i) << s;
    keys.push_back(s);
  }
  keys.push_back("absent");
  keys.push_back("");
  std::vector<Id> found(keys.size());
  fast.find_batch(column, keys, found);
  std::size_t k = 0;
  for (const auto& entry : first) EXPECT_EQ(found[k++], entry.second);
  EXPECT_EQ(found[k++], kNone);
  EXPECT_EQ(found[k++], kNone);

  // The overflow path ran: some string of the first range's crowd sits in the second range,
  // some string of the table's last slots has wrapped around to its start.
  bool crossed = false, wrapped = false;
  for (std::uint64_t pos = 0; pos <= fast.mask(); ++pos) {
    const Interner::Slot slot = fast.slots()[pos];
    if (slot.index == 0) continue;
    const std::uint64_t home = hash_string(column[slot.index - 1]) & fast.mask();
    crossed |= home < 65536 && pos >= 65536;
    wrapped |= home >= 131068 && pos < 1024;
  }
  EXPECT_TRUE(crossed);
  EXPECT_TRUE(wrapped);

  // The same table at one thread.
  par::set_threads(1);
  Interner one;
  one.build(column);
  for (std::uint64_t pos = 0; pos <= fast.mask(); ++pos) {
    ASSERT_EQ(one.slots()[pos].index, fast.slots()[pos].index) << pos;
    ASSERT_EQ(one.slots()[pos].tag, fast.slots()[pos].tag) << pos;
  }
}

// 600,000 strings: 32 ranges of the table and 3 blocks of the counting sort that groups the
// strings by range.
TEST_P(InternerTest, ManyStringsAcrossBlocksAndRanges) {
  std::mt19937_64 rng(9);
  StringColumn column;
  std::vector<std::string> strings;
  for (std::size_t i = 0; i < 600000; ++i) {
    strings.push_back(i % 7 == 3 ? strings[rng() % i] : "P" + std::to_string(rng() % 100000000));
    column.push_back(strings.back());
  }
  Interner fast, reference;
  const auto duplicates = fast.build(column);
  EXPECT_EQ(duplicates, reference.build(column, false));
  EXPECT_GT(duplicates.size(), 600000u / 7);
  for (std::size_t i = 0; i < strings.size(); i += 97) {
    const Id at = fast.find(column, strings[i]);
    ASSERT_NE(at, kNone) << strings[i];
    ASSERT_EQ(strings[at], strings[i]);
    ASSERT_LE(at, i);
    ASSERT_EQ(at, reference.find(column, strings[i]));
  }
  par::set_threads(1);
  Interner one;
  one.build(column);
  ASSERT_EQ(one.mask(), fast.mask());
  for (std::uint64_t pos = 0; pos <= fast.mask(); ++pos) {
    ASSERT_EQ(one.slots()[pos].index, fast.slots()[pos].index) << pos;
  }
}

TEST_P(InternerTest, EmptyAndSmallColumns) {
  StringColumn empty;
  Interner index;
  EXPECT_TRUE(index.build(empty).empty());
  EXPECT_EQ(index.find(empty, "x"), kNone);
  StringColumn small;
  for (const char* s : {"b", "a", "b", "", ""}) small.push_back(s);
  EXPECT_EQ(index.build(small), (std::vector<std::pair<Id, Id>>{{2, 0}, {4, 3}}));
  EXPECT_EQ(index.find(small, "a"), 1u);
  EXPECT_EQ(index.find(small, ""), 3u);
  EXPECT_EQ(index.find(small, "c"), kNone);
}

INSTANTIATE_TEST_SUITE_P(Threads, InternerTest, ::testing::Values(1, 2, 8));

}  // namespace
}  // namespace orgraph

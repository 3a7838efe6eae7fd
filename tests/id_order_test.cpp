// sort_by_string_id (queries/id_order.cpp) against std::sort by the full string, at 1, 2 and
// 8 threads: ids that share their first 16 bytes (the prefix the fast path sorts by) in runs
// that cross the parallel ranges' bounds, ids with zero bytes, empty and long ids.
#include "queries/id_order.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

#include "thread_count_test.hpp"

namespace orgraph {
namespace {

class IdOrderTest : public ThreadCountTest {};

TEST_P(IdOrderTest, EqualsSortingTheStrings) {
  std::mt19937_64 rng(11);
  StringColumn ids;
  std::vector<std::string> strings;
  // Org-code-like ids: 16 shared bytes, then a short tail, so most runs of equal prefixes are
  // longer than one; a few families are large enough to cross a 16384-item range.
  for (std::size_t family = 0; family < 400; ++family) {
    const std::string prefix = "5211" + std::to_string(100000 + family % 397) + "MJ9002";
    const std::size_t members = family % 50 == 0 ? 40000 : 1 + rng() % 30;
    for (std::size_t k = 0; k < members; ++k) strings.push_back(prefix + std::to_string(rng() % 1000000));
  }
  strings.push_back("");
  strings.push_back(std::string("A\0B", 3));
  strings.push_back(std::string("A\0", 2));
  strings.push_back("A");
  strings.push_back(std::string(40, 'z'));
  strings.push_back(std::string(40, 'z') + "a");
  for (const std::string& s : strings) ids.push_back(s);
  std::vector<Id> items(strings.size());
  for (std::size_t i = 0; i < items.size(); ++i) items[i] = static_cast<Id>(i);
  std::shuffle(items.begin(), items.end(), rng);
  std::vector<Id> want = items;
  std::sort(want.begin(), want.end(), [&](Id a, Id b) {
    return strings[a] != strings[b] ? strings[a] < strings[b] : a < b;
  });
  sort_by_string_id(ids, items);
  ASSERT_EQ(items.size(), want.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    ASSERT_EQ(items[i], want[i]) << "at " << i << ": '" << strings[items[i]] << "' vs '"
                                 << strings[want[i]] << "'";
  }
}

TEST_P(IdOrderTest, EmptyAndOne) {
  StringColumn ids;
  ids.push_back("x");
  std::vector<Id> none;
  sort_by_string_id(ids, none);
  EXPECT_TRUE(none.empty());
  std::vector<Id> one{0};
  sort_by_string_id(ids, one);
  EXPECT_EQ(one, std::vector<Id>{0});
}

INSTANTIATE_TEST_SUITE_P(Threads, IdOrderTest, ::testing::Values(1, 2, 8));

}  // namespace
}  // namespace orgraph

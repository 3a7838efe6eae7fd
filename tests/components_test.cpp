// The parallel Afforest kernel against BGL's connected_components (the serial reference) on
// many generated graphs, at 1, 2 and 8 threads.
#include "engine/components.hpp"

#include <gtest/gtest.h>

#include <random>

#include "engine/csr.hpp"
#include "engine/parallel.hpp"

namespace orgraph {
namespace {

struct EdgeList {
  std::size_t n = 0;
  std::vector<Id> src, dst;
  void add(Id a, Id b) {
    src.push_back(a);
    dst.push_back(b);
  }
};

// Both directions of every edge, as the kernel expects.
Csr<> symmetric(const EdgeList& e) {
  std::vector<Id> s(e.src), d(e.dst);
  s.insert(s.end(), e.dst.begin(), e.dst.end());
  d.insert(d.end(), e.src.begin(), e.src.end());
  return make_csr(e.n, s, d);
}

EdgeList random_graph(std::size_t n, std::size_t m, std::mt19937_64& rng) {
  EdgeList e;
  e.n = n;
  std::uniform_int_distribution<Id> pick(0, static_cast<Id>(n - 1));
  for (std::size_t i = 0; i < m; ++i) e.add(pick(rng), pick(rng));
  return e;
}

// A few shapes that stress different paths of the kernel.
EdgeList path_graph(std::size_t n, bool reversed) {
  EdgeList e;
  e.n = n;
  for (Id v = 0; v + 1 < n; ++v) {
    if (reversed) {
      e.add(static_cast<Id>(n - 1 - v), static_cast<Id>(n - 2 - v));
    } else {
      e.add(v, v + 1);
    }
  }
  return e;
}

EdgeList stars(std::size_t n, std::size_t centres, std::mt19937_64& rng) {
  EdgeList e;
  e.n = n;
  std::uniform_int_distribution<Id> pick(0, static_cast<Id>(centres - 1));
  // Centres at the high end, so links must hook many large roots under small leaves.
  for (Id v = 0; v + centres < n; ++v) e.add(v, static_cast<Id>(n - 1 - pick(rng)));
  return e;
}

// Many small random components of chosen sizes, vertices shuffled over the id range.
EdgeList islands(std::size_t n, std::mt19937_64& rng) {
  EdgeList e;
  e.n = n;
  std::vector<Id> perm(n);
  for (Id v = 0; v < n; ++v) perm[v] = v;
  std::shuffle(perm.begin(), perm.end(), rng);
  std::size_t i = 0;
  std::uniform_int_distribution<std::size_t> size(1, 12);
  while (i < n) {
    const std::size_t k = std::min(n - i, size(rng));
    for (std::size_t j = 1; j < k; ++j) {
      std::uniform_int_distribution<std::size_t> earlier(0, j - 1);
      e.add(perm[i + j], perm[i + earlier(rng)]);
    }
    i += k;
  }
  return e;
}

void expect_matches_reference(const Csr<>& g, const std::string& what) {
  const auto expected = connected_components_reference(g.offsets, g.targets);
  for (int threads : {1, 2, 8}) {
    par::set_threads(threads);
    for (int rounds : {0, 2}) {
      ComponentsOptions options;
      options.neighbor_rounds = rounds;
      const auto got = connected_components(g.offsets, g.targets, options);
      ASSERT_EQ(got.size(), expected.size()) << what;
      for (std::size_t v = 0; v < got.size(); ++v) {
        ASSERT_EQ(got[v], expected[v])
            << what << ": vertex " << v << " at " << threads << " threads, rounds " << rounds;
      }
    }
  }
  par::set_threads(0);
}

TEST(Components, EmptyAndTinyGraphs) {
  EdgeList none;
  const Csr<> empty = symmetric(none);
  EXPECT_TRUE(connected_components(empty).empty());
  EdgeList one;
  one.n = 1;
  EXPECT_EQ(connected_components(symmetric(one)), std::vector<Id>{0});
  EdgeList loop;
  loop.n = 3;
  loop.add(2, 2);
  loop.add(2, 1);
  EXPECT_EQ(connected_components(symmetric(loop)), (std::vector<Id>{0, 1, 1}));
}

TEST(Components, LabelIsSmallestMember) {
  EdgeList e;
  e.n = 7;
  e.add(6, 3);
  e.add(3, 5);
  e.add(4, 1);
  const auto labels = connected_components(symmetric(e));
  EXPECT_EQ(labels, (std::vector<Id>{0, 1, 2, 3, 1, 3, 3}));
  EXPECT_EQ(component_count(labels), 4u);
}

TEST(Components, RandomGraphsOfVariedDensity) {
  std::mt19937_64 rng(42);
  for (std::size_t n : {10u, 100u, 1000u, 20000u}) {
    for (double degree : {0.1, 0.5, 1.0, 2.0, 8.0}) {
      const auto m = static_cast<std::size_t>(degree * static_cast<double>(n) / 2);
      expect_matches_reference(symmetric(random_graph(n, m, rng)),
                               "random n=" + std::to_string(n) + " d=" + std::to_string(degree));
    }
  }
}

TEST(Components, GiantComponentWithIsolatedVertices) {
  std::mt19937_64 rng(7);
  // Edges among the first 60% of vertices only: a giant component and 40% isolated vertices.
  EdgeList e;
  e.n = 50000;
  std::uniform_int_distribution<Id> pick(0, 29999);
  for (int i = 0; i < 120000; ++i) e.add(pick(rng), pick(rng));
  expect_matches_reference(symmetric(e), "giant + isolated");
}

TEST(Components, PathsStarsAndIslands) {
  std::mt19937_64 rng(11);
  expect_matches_reference(symmetric(path_graph(30000, false)), "path");
  expect_matches_reference(symmetric(path_graph(30000, true)), "reversed path");
  expect_matches_reference(symmetric(stars(30000, 5, rng)), "5 stars");
  expect_matches_reference(symmetric(stars(30000, 1, rng)), "1 star");
  for (int i = 0; i < 5; ++i) expect_matches_reference(symmetric(islands(20000, rng)), "islands");
}

TEST(Components, ManySmallRandomGraphs) {
  std::mt19937_64 rng(2024);
  for (int i = 0; i < 200; ++i) {
    std::uniform_int_distribution<std::size_t> size(1, 300);
    const std::size_t n = size(rng);
    std::uniform_int_distribution<std::size_t> edges(0, 2 * n);
    expect_matches_reference(symmetric(random_graph(n, edges(rng), rng)),
                             "small #" + std::to_string(i));
  }
}

TEST(Components, RejectsMalformedCsr) {
  const std::vector<std::uint32_t> offsets{0, 2};
  const std::vector<Id> targets{0};
  EXPECT_THROW(connected_components(offsets, targets), std::invalid_argument);
}

// The disjoint sets united from many threads at once (blocks of edges in parallel, a compress
// between two halves as callers do between batches) against BGL on the same edges: random graphs
// of varied density, many small components (islands), a few stars whose centres every thread
// unites into at once (as clusters unites each hub's first org with the rest), and a long path
// whose first half makes deep trees before the compress.
void expect_sets_match_reference(const EdgeList& e, const std::string& what) {
  const Csr<> g = symmetric(e);
  const auto expected = connected_components_reference(g.offsets, g.targets);
  for (int threads : {1, 2, 8}) {
    par::set_threads(threads);
    ConcurrentDisjointSets sets(e.n);
    const std::size_t half = e.src.size() / 2;
    par::for_each_index(0, half, 64, [&](std::size_t i) { sets.unite(e.src[i], e.dst[i]); });
    sets.compress();
    par::for_each_index(half, e.src.size(), 64,
                        [&](std::size_t i) { sets.unite(e.dst[i], e.src[i]); });
    ASSERT_EQ(sets.labels(), expected) << what << " at " << threads << " threads";
  }
  par::set_threads(0);
}

TEST(ConcurrentDisjointSets, EqualsTheReferenceAtAnyThreadCount) {
  std::mt19937_64 rng(7);
  for (std::size_t n : {1u, 10u, 1000u, 50000u}) {
    for (double degree : {0.2, 1.0, 4.0}) {
      const auto m = static_cast<std::size_t>(degree * static_cast<double>(n) / 2);
      expect_sets_match_reference(random_graph(n, m, rng),
                                  "random n=" + std::to_string(n) + " d=" + std::to_string(degree));
    }
  }
  expect_sets_match_reference(islands(50000, rng), "islands");
  expect_sets_match_reference(stars(50000, 40, rng), "stars");
  expect_sets_match_reference(path_graph(50000, true), "reversed path");
  expect_sets_match_reference(path_graph(50000, false), "path");
  EXPECT_TRUE(ConcurrentDisjointSets(0).labels().empty());
}

}  // namespace
}  // namespace orgraph

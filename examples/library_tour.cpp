// A tour of the library API: load a city, read the immutable graph, follow relations.
// Run: example_library_tour DATA  (the tests run it on examples/tiny-city)
#include <cstdio>
#include <exception>

#include "engine/graph.hpp"
#include "loaders/city_loader.hpp"

int main(int argc, char** argv) {
  using namespace orgraph;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DATA\n", argv[0]);
    return 2;
  }
  try {
    LoadReport report;
    const OrgGraph g = load_city(argv[1], {}, &report);
    std::printf("loaded %s: %zu areas, %zu orgs, %zu people in %.3f s\n", argv[1], g.areas.size(),
                g.orgs.size(), g.people.size(), report.seconds);

    // Organizations that cannot form a branch alone (fewer than 3 full members) and have none.
    std::size_t candidates = 0;
    for (Id o = 0; o < g.orgs.size(); ++o) {
      if (!g.is_uncovered(o) || g.orgs[o].full_members >= 3) continue;
      if (++candidates <= 5) {
        std::printf("  joint-branch candidate %.*s in street %.*s: %u full member(s)\n",
                    static_cast<int>(g.org_ids[o].size()), g.org_ids[o].data(),
                    static_cast<int>(g.area_ids[g.orgs[o].street].size()),
                    g.area_ids[g.orgs[o].street].data(), g.orgs[o].full_members);
      }
    }
    std::printf("%zu joint-branch candidates\n", candidates);

    // Each branch's superiors, and the chain above the first one.
    for (Id b = 0; b < g.branches.size() && b < 5; ++b) {
      const auto superiors = g.branch_superiors[b];
      std::printf("branch %.*s (%s): %zu superior(s)", static_cast<int>(g.branch_ids[b].size()),
                  g.branch_ids[b].data(), std::string(to_string(g.branches[b].form)).c_str(),
                  superiors.size());
      Id unit = superiors.empty() ? kNone : superiors[0];
      for (int depth = 0; unit != kNone && depth < 10; ++depth) {
        std::printf(" <- %.*s", static_cast<int>(g.unit_ids[unit].size()), g.unit_ids[unit].data());
        const auto up = g.unit_superiors[unit];
        unit = up.empty() || up[0] == unit ? kNone : up[0];
      }
      std::printf("\n");
    }
    return candidates > 0 ? 0 : 1;  // every shipped city has candidates
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}

// The queries as library calls: each is a function over the immutable graph returning a result
// struct (the CLI's commands are thin wrappers over them). Run: example_queries_tour DATA
// (the tests run it on examples/tiny-city). Prints no people's names.
#include <cstdio>
#include <exception>
#include <string>

#include "engine/graph.hpp"
#include "loaders/city_loader.hpp"
#include "loaders/gaps_writer.hpp"
#include "queries/clusters.hpp"
#include "queries/coverage.hpp"
#include "queries/gaps.hpp"
#include "queries/joint_branches.hpp"

int main(int argc, char** argv) {
  using namespace orgraph;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DATA\n", argv[0]);
    return 2;
  }
  try {
    const OrgGraph g = load_city(argv[1]);
    auto id = [](std::string_view s) { return std::string(s); };

    // 1. The two coverages, by district.
    const CoverageReport cov = coverage(g);
    std::printf("coverage: %.1f%% organizational, %.1f%% work, of %llu active orgs\n",
                100 * cov.total.org_rate(), 100 * cov.total.work_rate(),
                static_cast<unsigned long long>(cov.total.orgs));
    for (const CoverageGroup& d : cov.groups) {
      std::printf("  district %s: %llu of %llu covered\n", d.key.c_str(),
                  static_cast<unsigned long long>(d.counts.covered),
                  static_cast<unsigned long long>(d.counts.orgs));
    }

    // 2. Uncovered clusters: uncovered orgs tied by shared people or premises.
    const ClusterReport clusters = uncovered_clusters(g);
    std::printf("%zu uncovered clusters, largest %zu orgs\n", clusters.cluster_count,
                clusters.largest);

    // 3. Joint branches: the plan, and "whom can the first candidate join with?".
    JointBranchOptions jb;
    const JointBranchPlan plan = joint_branches(g, jb);
    std::printf("joint branches: %llu groups cover %llu of %llu candidates\n",
                static_cast<unsigned long long>(plan.summary.groups),
                static_cast<unsigned long long>(plan.summary.covered),
                static_cast<unsigned long long>(plan.summary.candidates));
    if (!plan.groups.empty()) {
      const Id org = plan.groups[0].orgs[0];
      const OrgGrouping options = joint_branches_for_org(g, org, jb, 3);
      std::printf("  %s: %s (%zu group(s))\n", id(g.org_ids[org]).c_str(), options.message.c_str(),
                  options.groups.size());
    }

    // 4. Gaps in superior-management responsibility. audit_gaps keeps a few bytes per gap and
    // formats each one when asked (a nation has millions); gaps() formats them all at once.
    const GapAudit audit = audit_gaps(g);
    std::printf("%llu responsibility gaps (%llu errors)\n",
                static_cast<unsigned long long>(audit.total()),
                static_cast<unsigned long long>(audit.by_severity[0]));
    std::vector<Gap> scratch;  // reused by every call
    for (std::size_t i = 0; i < audit.size() && i < 3; ++i) {
      const Gap& gap = audit.gap(i, scratch);
      std::printf("  %s %s: %s\n", std::string(to_string(gap.code)).c_str(),
                  gap.entities[0].c_str(), gap.message.c_str());
    }
    // Streamed to any sink in parallel blocks, as the gaps command writes gaps.csv.
    std::size_t bytes = 0;
    write_gaps_csv(audit, [&](std::string_view piece) { bytes += piece.size(); });
    std::printf("gaps.csv would be %zu bytes\n", bytes);
    return cov.total.orgs > 0 && audit.size() == audit.total() ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}

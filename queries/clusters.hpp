// Uncovered clusters: groups of uncovered organizations tied together by shared people or
// shared premises, where one action (a joint branch, an instructor) could cover many.
//
// Rules: contracts.md section 4. Links join uncovered orgs only: `person` (the two orgs share an
// affiliated person, any role), `community` (same area_id), `street-industry` (same street and
// same industry). A cluster is a connected component of the uncovered orgs under the chosen
// links; singletons are clusters. `area` keeps only the uncovered orgs inside that area (the
// area or its descendants) before linking; `within` keeps only links between orgs of the same
// street or district.
//
// Method: never materialise the org-org cliques. Each link kind becomes hub vertices of a
// bipartite graph: one hub per person, per area_id, per (street, industry) key that touches at
// least two kept orgs; with `within`, person hubs are split per (person, street) or (person,
// district) so a person links only the orgs of one territory (community and street-industry
// hubs already lie inside one street). Connected components of that graph restricted to org
// vertices are the clusters. The graph is not built either: each hub's orgs are united as the hub
// is found, in concurrent disjoint sets (engine/components), so a nation's clusters need no
// fresh memory beyond a few arrays over the orgs. Orgs are numbered in org id order, so a
// component's label (its smallest member) is its smallest org id.
//
// max_joint_branches is an upper bound on the joint branches a cluster could yield: every joint
// branch joins at least 2 joint candidates (uncovered, fewer than 3 full members) and needs at
// least 3 full members, and candidates are used by one branch at most, so it is
//   min(floor(sum of the candidates' own full members / 3), floor(candidates / 2)).
// (The sum, not the distinct count over the cluster: a person on two candidates' staff can count
// towards two branches.)
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/graph.hpp"

namespace orgraph {

struct ClusterLinks {
  bool person = true;
  bool community = true;
  bool street_industry = false;
  bool operator==(const ClusterLinks&) const = default;
};
// "person,community,street-industry" (any non-empty subset, any order). Throws
// std::invalid_argument naming the accepted values.
ClusterLinks parse_cluster_links(std::string_view text);
std::string cluster_links_string(const ClusterLinks& links);

enum class ClusterWithin : std::uint8_t { none, street, district };
// "street" or "district" ("" = none). Throws std::invalid_argument.
ClusterWithin parse_cluster_within(std::string_view text);
std::string_view to_string(ClusterWithin within);

struct ClusterOptions {
  ClusterLinks links;
  ClusterWithin within = ClusterWithin::none;
  Id area = kNone;           // keep only uncovered orgs inside this area; kNone = all
  std::size_t min_size = 1;  // list clusters of at least this many orgs
  std::size_t top = 0;       // list at most this many (0 = all)
};

struct UncoveredCluster {
  std::uint32_t id = 0;             // 1-based position in the sorted list
  std::vector<Id> orgs;             // sorted by org id
  std::vector<Id> areas;            // distinct area_ids of its orgs, sorted by area id
  std::uint32_t full_members = 0;   // distinct people over the cluster
  std::uint32_t party_members = 0;  // distinct people over the cluster
  std::uint32_t joint_candidates = 0;
  std::uint32_t max_joint_branches = 0;
  std::size_t size() const { return orgs.size(); }
  bool operator==(const UncoveredCluster&) const = default;
};

struct ClusterReport {
  // Sorted by size descending, then by smallest org id; at most options.top.
  std::vector<UncoveredCluster> clusters;
  std::size_t cluster_count = 0;     // clusters of at least min_size orgs (before --top)
  std::size_t uncovered_orgs = 0;    // uncovered orgs considered (after --area)
  std::size_t largest = 0;           // orgs in the largest cluster of at least min_size
  std::size_t orgs_in_clusters = 0;  // orgs in clusters of at least min_size
  std::size_t singletons = 0;        // clusters of one org (before min_size)
  std::size_t hubs = 0;              // hub vertices of the bipartite graph
  std::size_t hub_links = 0;         // org-hub edges of the bipartite graph
  bool operator==(const ClusterReport&) const = default;
};

// Throws std::invalid_argument for a bad option (min_size 0, area out of range).
ClusterReport uncovered_clusters(const OrgGraph& graph, const ClusterOptions& options = {});

// The bipartite graph behind uncovered_clusters, built (for benchmarks; the query itself unites
// each hub's orgs without building it): vertices [0, orgs.size()) are the kept uncovered orgs in
// org id order, the rest are hubs; CSR with both directions.
struct ClusterGraph {
  std::vector<Id> orgs;  // vertex -> org
  std::size_t hubs = 0;
  Csr<> graph;
};
ClusterGraph uncovered_cluster_graph(const OrgGraph& graph, const ClusterOptions& options = {});

}  // namespace orgraph

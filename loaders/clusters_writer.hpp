// Writers for uncovered clusters (queries/clusters.hpp): JSON with the keys of contracts.md
// section 4 (and more), CSV with one row per (cluster, org), and a terminal table.
#pragma once

#include <string>

#include "engine/graph.hpp"
#include "queries/clusters.hpp"

namespace orgraph {

std::string clusters_json(const OrgGraph& graph, const ClusterReport& report,
                          const ClusterOptions& options);
std::string clusters_csv(const OrgGraph& graph, const ClusterReport& report);
std::string clusters_table(const OrgGraph& graph, const ClusterReport& report,
                           const ClusterOptions& options);

}  // namespace orgraph

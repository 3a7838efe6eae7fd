// Writers for uncovered clusters (queries/clusters.hpp): JSON with the keys of contracts.md
// section 4 (and more), CSV with one row per (cluster, org), and a terminal table.
#pragma once

#include <string>

#include "engine/graph.hpp"
#include "loaders/text_sink.hpp"
#include "queries/clusters.hpp"

namespace orgraph {

std::string clusters_json(const OrgGraph& graph, const ClusterReport& report,
                          const ClusterOptions& options);
std::string clusters_csv(const OrgGraph& graph, const ClusterReport& report);
// The same, streamed to `sink` in order (a nation's files are a hundred megabytes).
void write_clusters_json(const OrgGraph& graph, const ClusterReport& report,
                         const ClusterOptions& options, const TextSink& sink);
void write_clusters_csv(const OrgGraph& graph, const ClusterReport& report, const TextSink& sink);
std::string clusters_table(const OrgGraph& graph, const ClusterReport& report,
                           const ClusterOptions& options);

}  // namespace orgraph

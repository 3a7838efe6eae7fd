// What the batch job writes besides the query writers' own files: the exports of uncovered
// clusters and proposed joint branches, the data of report.html, and summary.json.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/graph.hpp"
#include "loaders/city_loader.hpp"
#include "loaders/report_html.hpp"
#include "queries/clusters.hpp"
#include "queries/coverage.hpp"
#include "queries/gaps.hpp"
#include "queries/joint_branches.hpp"

namespace orgraph {

struct BatchResults {
  std::string data;                  // DATA as given
  const LoadReport* load = nullptr;  // input files, checksums
  CoverageReport coverage;           // by district
  CoverageReport coverage_by_industry;
  ClusterOptions cluster_options;
  ClusterReport clusters;
  JointBranchOptions joint_options;
  JointBranchPlan joint;
  GapOptions gap_options;
  GapReport gaps;
};

// (file name, contents): the uncovered clusters and the proposed joint branches (as nodes of kind
// proposed_branch), each for Cytoscape (.cyjs) and Gephi (.gexf). No people, no people's names.
std::vector<std::pair<std::string, std::string>> batch_exports(const OrgGraph& graph,
                                                               const BatchResults& results);

// Headlines, charts, tables and the network view (the `network_clusters` largest clusters and
// the joint branches proposed among them) for report.html.
ReportData batch_report(const OrgGraph& graph, const BatchResults& results,
                        std::size_t network_clusters);

// summary.json: headline figures of every query, input checksums, timings per phase, version.
std::string batch_summary_json(const OrgGraph& graph, const BatchResults& results,
                               const std::vector<std::pair<std::string, double>>& timings,
                               double total_seconds);

}  // namespace orgraph

// What the batch job writes besides the query writers' own files: the exports of uncovered
// clusters and proposed joint branches, the data of report.html, and summary.json.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/graph.hpp"
#include "loaders/city_loader.hpp"
#include "loaders/export_writer.hpp"
#include "loaders/phase_timing.hpp"
#include "loaders/report_html.hpp"
#include "queries/layout.hpp"
#include "queries/clusters.hpp"
#include "queries/coverage.hpp"
#include "queries/gaps.hpp"
#include "queries/joint_branches.hpp"

namespace orgraph {

// Every file a report folder holds, as summary.json lists them (summary.json last).
inline constexpr std::array<std::string_view, 15> kReportFiles = {
    "coverage.csv",        "coverage.json",       "coverage_by_industry.csv",
    "clusters.json",       "clusters.csv",        "joint_branches.csv",
    "joint_branches.json", "gaps.csv",            "gaps.json",
    "clusters.cyjs",       "clusters.gexf",       "joint_branches.cyjs",
    "joint_branches.gexf", "report.html",         "summary.json"};

// What the export files hold: at most `max_orgs` organizations each, so that a province's or a
// nation's files stay small enough to open in Cytoscape or Gephi.
struct BatchExportCounts {
  std::size_t max_orgs = 20'000;
  std::size_t clusters = 0, clusters_total = 0, cluster_orgs = 0;  // exported / of clusters >= 2
  std::size_t joint_groups = 0, joint_groups_total = 0;
  std::size_t joint_unplaced = 0, joint_unplaced_total = 0;  // candidates in no group
  std::size_t joint_orgs = 0;                                   // in groups + unplaced
};

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
  BatchExportCounts exports;         // filled by batch_exports
  // Orgs per area (area_org_counts), filled by batch_exports; batch_report's network view reuses
  // them (and counts them itself when they are not there).
  std::vector<AreaOrgCounts> area_counts;
};

// The export files: the uncovered clusters (of 2 or more orgs, largest first) and the proposed
// joint branches (as nodes of kind proposed_branch; in plan order, by district, then the
// candidates left out of every group), each for
// Cytoscape (.cyjs) and Gephi (.gexf), with at most results.exports.max_orgs organizations per
// file (the largest cluster is always included); the counts go to results.exports. No people,
// no people's names. Calls files() once with every file's (name, write), largest first, so
// that the caller can write them side by side; write(sink) streams the contents into sink, so
// big exports never sit in memory whole. `layout` is compute_layout(graph).
using ExportFileWriter = std::function<void(const ExportSink& sink)>;
using ExportFiles = std::vector<std::pair<std::string, ExportFileWriter>>;
void batch_exports(const OrgGraph& graph, const Layout& layout, BatchResults& results,
                   const std::function<void(const ExportFiles& files)>& files);

// Rows of each table report.html shows (the rest are in the CSV files).
inline constexpr std::size_t kReportRows = 300;

// results.gaps: the counts of the audit (by code, severity, district; GapReport::total()) and
// the gaps report.html lists (the first kReportRows) formatted; the rest are in gaps.csv.
void keep_report_gaps(BatchResults& results, const GapAudit& audit);

// Headlines, charts, tables and the network view (the `network_clusters` largest clusters and
// the joint branches proposed among them) for report.html; `layout` is compute_layout(graph).
ReportData batch_report(const OrgGraph& graph, const Layout& layout, const BatchResults& results,
                        std::size_t network_clusters);

// summary.json: headline figures of every query, input checksums, timings per phase (wall, and
// CPU as `cpu_seconds`), version.
std::string batch_summary_json(const OrgGraph& graph, const BatchResults& results,
                               const std::vector<PhaseTiming>& timings, double total_seconds);

}  // namespace orgraph

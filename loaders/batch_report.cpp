#include "loaders/batch_report.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>

#include "engine/parallel.hpp"
#include "loaders/export_writer.hpp"
#include "loaders/joint_branches_writer.hpp"
#include "loaders/json_out.hpp"
#include "queries/export.hpp"
#include "queries/export_results.hpp"
#include "queries/layout.hpp"

namespace orgraph {
namespace {

std::string percent(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", v * 100.0);
  return buf;
}

std::string count(std::uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

std::string group_id(std::size_t i) { return joint_group_id(i); }

// The report's network view: the given uncovered orgs, their areas, and the proposed joint
// branches whose orgs are all shown, with cluster ids as attributes.
ExportSelection network_selection(const OrgGraph& g, const BatchResults& r,
                                  const std::vector<std::uint8_t>& shown) {
  ExportSelection s = empty_export_selection(g);
  for (Id o = 0; o < g.orgs.size(); ++o) {
    s.orgs[o] = shown[o];
    if (!s.orgs[o]) continue;
    for (Id a = g.orgs[o].area; a != kNone; a = g.areas[a].parent) s.areas[a] = 1;
  }
  ExtraAttribute cluster{"cluster", AttrType::integer, {}};
  ExtraAttribute size{"cluster_size", AttrType::integer, {}};
  for (const auto& c : r.clusters.clusters) {
    for (Id o : c.orgs) {
      if (!s.orgs[o]) continue;
      ExtraAttribute::Value v;
      v.kind = NodeKind::org;
      v.id = o;
      v.integer = c.id;
      cluster.values.push_back(v);
      v.integer = static_cast<std::int64_t>(c.size());
      size.values.push_back(v);
    }
  }
  cluster.sort_values();
  size.sort_values();
  s.attributes.push_back(std::move(cluster));
  s.attributes.push_back(std::move(size));
  for (std::size_t i = 0; i < r.joint.groups.size(); ++i) {
    const JointGroup& grp = r.joint.groups[i];
    const bool all_in = std::all_of(grp.orgs.begin(), grp.orgs.end(),
                                    [&](Id o) { return s.orgs[o] != 0; });
    if (!all_in) continue;
    ProposedBranch p;
    p.id = group_id(i);
    p.label = "Proposed joint branch " + p.id + " (" + std::to_string(grp.orgs.size()) +
              " orgs, " + std::to_string(grp.full_members) + " full members)";
    p.orgs = grp.orgs;
    p.superior = grp.superior;
    if (p.superior != kNone) s.units[p.superior] = 1;
    s.proposed_branches.push_back(std::move(p));
  }
  s.description = "the largest uncovered clusters and the joint branches proposed among them";
  return s;
}

}  // namespace

void batch_exports(const OrgGraph& g, const Layout& layout, BatchResults& r,
                   const std::function<void(const ExportFiles& files)>& files) {
  BatchExportCounts& n = r.exports;
  // The largest clusters (they come sorted by size) up to the cap; always the largest one.
  ClusterReport clusters_part;
  n.clusters = n.clusters_total = n.cluster_orgs = 0;
  bool full = false;
  for (const UncoveredCluster& c : r.clusters.clusters) {
    if (c.size() < 2) continue;
    ++n.clusters_total;
    full = full || (n.clusters > 0 && n.cluster_orgs + c.size() > n.max_orgs);
    if (full) continue;
    clusters_part.clusters.push_back(c);
    ++n.clusters;
    n.cluster_orgs += c.size();
  }
  // Joint branches in plan order up to the cap.
  JointBranchPlan joint_part;
  n.joint_groups = n.joint_orgs = 0;
  n.joint_groups_total = r.joint.groups.size();
  for (const JointGroup& group : r.joint.groups) {
    if (n.joint_orgs + group.orgs.size() > n.max_orgs) break;
    joint_part.groups.push_back(group);
    ++n.joint_groups;
    n.joint_orgs += group.orgs.size();
  }
  // Then the candidates left out of every group (with the reason), while there is room.
  n.joint_unplaced = 0;
  n.joint_unplaced_total = r.joint.uncovered.size();
  for (const UncoveredCandidate& c : r.joint.uncovered) {
    if (n.joint_orgs + 1 > n.max_orgs) break;
    joint_part.uncovered.push_back(c);
    ++n.joint_unplaced;
    ++n.joint_orgs;
  }
  // The same selections as `orgraph export --only clusters|joint-branches`, and the area counts
  // all four files show, side by side (each mostly serial; the selections sort in parallel).
  ExportSelection clusters, joint;
  std::vector<AreaOrgCounts>& area_counts = r.area_counts;
  par::for_each_index(0, 3, 1, [&](std::size_t task) {
    if (task == 0) {
      joint = select_joint_branches(g, joint_part, kNone, false);
    } else if (task == 1) {
      clusters = select_clusters(g, clusters_part, kNone, false);
    } else {
      area_counts = area_org_counts(g);
    }
  });
  ExportWriteOptions cluster_options, joint_options;
  cluster_options.name = "uncovered clusters";
  joint_options.name = "proposed joint branches";
  cluster_options.area_counts = joint_options.area_counts = &area_counts;
  auto one = [&](const ExportSelection& selection, ExportFormat format,
                 const ExportWriteOptions& options) -> ExportFileWriter {
    return [&, format](const ExportSink& sink) {
      write_export(g, selection, layout, format, options, sink);
    };
  };
  // Largest first (joint branches, GEXF before Cytoscape), so that threads taking them in turn
  // finish at about one time.
  files({{"joint_branches.gexf", one(joint, ExportFormat::gexf, joint_options)},
         {"joint_branches.cyjs", one(joint, ExportFormat::cytoscape, joint_options)},
         {"clusters.gexf", one(clusters, ExportFormat::gexf, cluster_options)},
         {"clusters.cyjs", one(clusters, ExportFormat::cytoscape, cluster_options)}});
}

void keep_report_gaps(BatchResults& r, const GapAudit& audit) {
  r.gaps = audit.report(kReportRows);
}

ReportData batch_report(const OrgGraph& g, const Layout& layout, const BatchResults& r,
                        std::size_t network_clusters) {
  ReportData d;
  d.title = "orgraph report: party-building coverage";
  d.subtitle = "Data: " + r.data + " | orgraph " + ORGRAPH_VERSION + " | " +
               count(g.orgs.size()) + " organizations, " + count(g.areas.size()) + " areas";
  const CoverageCounts& t = r.coverage.total;
  const double after_rate =
      t.orgs == 0 ? 0.0
                  : static_cast<double>(t.covered + r.joint.summary.covered) /
                        static_cast<double>(t.orgs);
  d.headlines = {
      {"Organizational coverage", percent(t.org_rate()),
       count(t.covered) + " of " + count(t.orgs) + " active organizations"},
      {"Work coverage", percent(t.work_rate()), count(t.work_covered) + " with a branch or an instructor"},
      {"Should build their own branch", count(t.should_build), "uncovered, 3+ full members"},
      {"Uncovered clusters", count(r.clusters.cluster_count),
       "largest: " + count(r.clusters.largest) + " organizations"},
      {"Proposed joint branches", count(r.joint.summary.groups),
       count(r.joint.summary.covered) + " of " + count(r.joint.summary.candidates) +
           " candidates covered (bound " + count(r.joint.summary.upper_bound) + ")"},
      {"Coverage if formed", percent(after_rate), "organizational coverage after the proposal"},
      {"Responsibility gaps", count(r.gaps.total()),
       count(r.gaps.by_severity[0]) + " errors, " + count(r.gaps.by_severity[1]) + " warnings"},
      {"Pocket / floating members", count(t.pocket_members) + " / " + count(t.floating_members),
       "party members outside their workplace's organization"},
  };

  // Charts.
  ReportChart by_district{"chart-district", "Coverage by district", {}, {}, true};
  ReportChart before_after{"chart-before-after",
                           "Organizational coverage before and after the proposed joint branches",
                           {}, {}, true};
  std::vector<std::uint64_t> joint_covered(g.areas.size(), 0);  // orgs per district
  for (const auto& grp : r.joint.groups) {
    for (Id o : grp.orgs) {
      const Id dist = g.orgs[o].district;
      if (dist != kNone) ++joint_covered[dist];
    }
  }
  std::vector<double> org_rate, work_rate, before, after;
  for (const auto& grp : r.coverage.groups) {
    by_district.labels.push_back(grp.name);
    org_rate.push_back(grp.counts.org_rate());
    work_rate.push_back(grp.counts.work_rate());
    before.push_back(grp.counts.org_rate());
    const Id dist = g.find_area(grp.key);
    const std::uint64_t extra = dist == kNone ? 0 : joint_covered[dist];
    after.push_back(CoverageCounts::ratio(grp.counts.covered + extra, grp.counts.orgs));
  }
  before_after.labels = by_district.labels;
  by_district.series = {{"organizational", org_rate}, {"work", work_rate}};
  before_after.series = {{"now", before}, {"with proposed joint branches", after}};
  ReportChart by_industry{"chart-industry", "Coverage by industry", {}, {}, true};
  std::vector<double> ind_org, ind_work;
  for (const auto& grp : r.coverage_by_industry.groups) {
    by_industry.labels.push_back(grp.name);
    ind_org.push_back(grp.counts.org_rate());
    ind_work.push_back(grp.counts.work_rate());
  }
  by_industry.series = {{"organizational", ind_org}, {"work", ind_work}};
  ReportChart gap_chart{"chart-gaps", "Responsibility gaps by code", {}, {}, false};
  std::vector<double> gap_counts;
  for (std::size_t c = 0; c < kGapCodeCount; ++c) {
    if (r.gaps.by_code[c] == 0) continue;
    gap_chart.labels.emplace_back(to_string(static_cast<GapCode>(c)));
    gap_counts.push_back(static_cast<double>(r.gaps.by_code[c]));
  }
  gap_chart.series = {{"gaps", gap_counts}};
  d.charts = {by_district, before_after, by_industry, gap_chart};

  // Tables (long lists are cut; the CSV files have every row).
  ReportTable districts{"table-coverage", "Coverage by district",
                        {"district", "name", "orgs", "covered", "work covered", "org rate",
                         "work rate", "should build", "full members", "pocket", "floating"},
                        {false, false, true, true, true, true, true, true, true, true, true},
                        {}, ""};
  for (const auto& grp : r.coverage.groups) {
    const auto& c = grp.counts;
    districts.rows.push_back({grp.key, grp.name, std::to_string(c.orgs), std::to_string(c.covered),
                              std::to_string(c.work_covered), percent(c.org_rate()),
                              percent(c.work_rate()), std::to_string(c.should_build),
                              std::to_string(c.full_members), std::to_string(c.pocket_members),
                              std::to_string(c.floating_members)});
  }
  ReportTable should{"table-should-build", "Should build their own branch",
                     {"org", "name", "street", "industry", "full members"},
                     {false, false, false, false, true}, {}, ""};
  for (Id o : r.coverage.should_build) {
    if (should.rows.size() == kReportRows) break;
    const Org& org = g.orgs[o];
    should.rows.push_back({std::string(g.org_ids[o]), std::string(g.org_names[o]),
                           org.street == kNone ? "" : std::string(g.area_names[org.street]),
                           std::string(g.industry(o)), std::to_string(org.full_members)});
  }
  should.note = "showing " + std::to_string(should.rows.size()) + " of " +
                std::to_string(r.coverage.should_build.size()) + "; all are in coverage.json";
  ReportTable clusters{"table-clusters", "Largest uncovered clusters",
                       {"cluster", "orgs", "full members", "areas", "max joint branches", "first orgs"},
                       {true, true, true, true, true, false}, {}, ""};
  for (const auto& c : r.clusters.clusters) {
    if (clusters.rows.size() == kReportRows || c.size() < 2) break;
    std::string first;
    for (std::size_t k = 0; k < c.orgs.size() && k < 3; ++k) {
      first += (k ? "; " : "") + std::string(g.org_names[c.orgs[k]]);
    }
    clusters.rows.push_back({std::to_string(c.id), std::to_string(c.size()),
                             std::to_string(c.full_members), std::to_string(c.areas.size()),
                             std::to_string(c.max_joint_branches), first});
  }
  clusters.note = std::to_string(r.clusters.cluster_count) +
                  " clusters in all (singletons included); every one is in clusters.json";
  ReportTable joint{"table-joint", "Proposed joint branches",
                    {"group", "basis", "area", "orgs", "full members", "party members", "cost",
                     "proposed superior"},
                    {false, false, false, true, true, true, true, false}, {}, ""};
  for (std::size_t i = 0; i < r.joint.groups.size() && joint.rows.size() < kReportRows; ++i) {
    const auto& grp = r.joint.groups[i];
    joint.rows.push_back({group_id(i), std::string(to_string(grp.basis)),
                          grp.area == kNone ? "" : std::string(g.area_names[grp.area]),
                          std::to_string(grp.orgs.size()), std::to_string(grp.full_members),
                          std::to_string(grp.party_members), std::to_string(grp.cost),
                          grp.superior == kNone ? "(none: flagged)"
                                                : std::string(g.unit_names[grp.superior])});
  }
  joint.note = "showing " + std::to_string(joint.rows.size()) + " of " +
               std::to_string(r.joint.groups.size()) + "; all are in joint_branches.csv";
  ReportTable gap_table{"table-gaps", "Responsibility gaps",
                        {"code", "severity", "district", "entities", "message", "suggestion"},
                        {false, false, false, false, false, false}, {}, ""};
  for (const auto& gap : r.gaps.gaps) {
    if (gap_table.rows.size() == kReportRows) break;
    std::string entities;
    for (std::size_t k = 0; k < gap.entities.size() && k < 4; ++k) {
      entities += (k ? " " : "") + gap.entities[k];
    }
    gap_table.rows.push_back({std::string(to_string(gap.code)), std::string(to_string(gap.severity)),
                              gap.district, entities, gap.message, gap.suggestion});
  }
  gap_table.note = "showing " + std::to_string(gap_table.rows.size()) + " of " +
                   std::to_string(r.gaps.total()) + "; all are in gaps.csv";
  d.tables = {districts, should, clusters, joint, gap_table};

  // Network view: the largest clusters and the joint branches proposed among their orgs.
  std::vector<std::uint8_t> shown(g.orgs.size(), 0);
  std::size_t taken = 0;
  for (const auto& c : r.clusters.clusters) {
    if (taken == network_clusters || c.size() < 2) break;
    for (Id o : c.orgs) shown[o] = 1;
    ++taken;
  }
  const ExportSelection s = network_selection(g, r, shown);
  ExportWriteOptions options;
  if (r.area_counts.size() == g.areas.size()) options.area_counts = &r.area_counts;
  const std::string cy = export_to_string(g, s, layout, ExportFormat::cytoscape, options);
  rapidjson::Document doc;
  doc.Parse(cy.c_str());
  if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("elements")) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    doc["elements"].Accept(w);
    d.network_elements_json.assign(buf.GetString(), buf.GetSize());
  }
  d.network_title = "Network: the " + std::to_string(taken) +
                    " largest uncovered clusters and the joint branches proposed among them";
  return d;
}

std::string batch_summary_json(const OrgGraph& g, const BatchResults& r,
                               const std::vector<PhaseTiming>& timings, double total_seconds) {
  JsonOut j;
  j.begin_object();
  j.key("version").str(ORGRAPH_VERSION);
  j.key("data").str(r.data);
  j.key("threads").integer(par::threads());
  j.key("input").begin_object();
  if (r.load != nullptr) {
    j.key("format").str(r.load->format).key("bytes").num(r.load->bytes);
    if (!r.load->checksum.empty()) j.key("checksum").str(r.load->checksum);
    j.key("files").begin_array();
    for (const auto& t : r.load->tables) {
      if (t.file.empty()) continue;
      j.begin_object().key("table").str(t.table).key("file").str(t.file);
      j.key("rows").num(t.rows).key("bytes").num(t.bytes).key("checksum").str(t.checksum);
      j.end_object();
    }
    j.end_array();
  }
  j.end_object();
  j.key("graph").begin_object();
  j.key("areas").num(g.areas.size()).key("units").num(g.units.size());
  j.key("orgs").num(g.orgs.size()).key("people").num(g.people.size());
  j.key("branches").num(g.branches.size()).end_object();
  const CoverageCounts& t = r.coverage.total;
  j.key("coverage").begin_object();
  j.key("orgs").num(t.orgs).key("covered").num(t.covered).key("work_covered").num(t.work_covered);
  j.key("org_rate").real(t.org_rate()).key("work_rate").real(t.work_rate());
  j.key("should_build").num(t.should_build).key("joint_candidates").num(t.joint_candidates);
  j.key("full_members").num(t.full_members).key("party_members").num(t.party_members);
  j.key("staff").num(t.staff).key("pocket_members").num(t.pocket_members);
  j.key("floating_members").num(t.floating_members);
  const double after = CoverageCounts::ratio(t.covered + r.joint.summary.covered, t.orgs);
  j.key("org_rate_if_joint_branches_formed").real(after);
  j.end_object();
  j.key("clusters").begin_object();
  j.key("clusters").num(r.clusters.cluster_count).key("uncovered_orgs").num(r.clusters.uncovered_orgs);
  j.key("largest").num(r.clusters.largest).key("singletons").num(r.clusters.singletons);
  j.end_object();
  const auto& js = r.joint.summary;
  j.key("joint_branches").begin_object();
  j.key("candidates").num(js.candidates).key("covered").num(js.covered);
  j.key("upper_bound").num(js.upper_bound).key("ratio").real(js.ratio);
  j.key("groups").num(js.groups).key("total_cost").integer(js.total_cost);
  j.key("superior_missing").num(js.superior_missing).end_object();
  j.key("gaps").begin_object();
  j.key("total").num(r.gaps.total());
  j.key("by_severity").begin_object();
  j.key("error").num(r.gaps.by_severity[0]).key("warning").num(r.gaps.by_severity[1]);
  j.key("info").num(r.gaps.by_severity[2]).end_object();
  j.key("by_code").begin_object();
  for (std::size_t c = 0; c < kGapCodeCount; ++c) {
    j.key(to_string(static_cast<GapCode>(c))).num(r.gaps.by_code[c]);
  }
  j.end_object().end_object();
  const BatchExportCounts& x = r.exports;
  j.key("exports").begin_object().key("max_orgs").num(x.max_orgs);
  j.key("clusters").begin_object().key("exported").num(x.clusters).key("total").num(x.clusters_total);
  j.key("orgs").num(x.cluster_orgs).end_object();
  j.key("joint_branches").begin_object().key("exported").num(x.joint_groups);
  j.key("total").num(x.joint_groups_total).key("unplaced_exported").num(x.joint_unplaced);
  j.key("unplaced_total").num(x.joint_unplaced_total).key("orgs").num(x.joint_orgs).end_object();
  j.end_object();
  j.key("timings_seconds").begin_object();
  for (const PhaseTiming& p : timings) j.key(p.phase).real(p.seconds);
  j.key("total").real(total_seconds).end_object();
  j.key("cpu_seconds").begin_object();
  for (const PhaseTiming& p : timings) {
    j.key(p.phase).begin_object().key("user").real(p.user_seconds);
    j.key("system").real(p.system_seconds).end_object();
  }
  j.end_object();
  j.key("files").begin_array();
  for (std::string_view f : kReportFiles) {
    j.str(f);
  }
  j.end_array();
  j.end_object();
  return j.take();
}

}  // namespace orgraph

#include "loaders/clusters_writer.hpp"

#include <cstdio>

#include "loaders/csv_out.hpp"
#include "loaders/json_out.hpp"

namespace orgraph {
namespace {

}  // namespace

std::string clusters_json(const OrgGraph& g, const ClusterReport& r, const ClusterOptions& o) {
  JsonOut j;
  j.begin_object();
  j.key("clusters").begin_array();
  for (const auto& c : r.clusters) {
    j.begin_object();
    j.key("id").num(c.id);
    j.key("size").num(c.size());
    j.key("orgs").begin_array();
    for (Id org : c.orgs) j.str(g.org_ids[org]);
    j.end_array();
    j.key("full_members").num(c.full_members);
    j.key("party_members").num(c.party_members);
    j.key("area_ids").begin_array();
    for (Id a : c.areas) j.str(g.area_ids[a]);
    j.end_array();
    j.key("joint_candidates").num(c.joint_candidates);
    j.key("max_joint_branches").num(c.max_joint_branches);
    j.end_object();
  }
  j.end_array();
  j.key("summary").begin_object();
  j.key("clusters").num(r.cluster_count);
  j.key("uncovered_orgs").num(r.uncovered_orgs);
  j.key("largest").num(r.largest);
  j.key("listed").num(r.clusters.size());
  j.key("orgs_in_clusters").num(r.orgs_in_clusters);
  j.key("singletons").num(r.singletons);
  j.key("hubs").num(r.hubs);
  j.key("hub_links").num(r.hub_links);
  j.key("link").str(cluster_links_string(o.links));
  j.key("within").str(to_string(o.within));
  if (o.area == kNone) {
    j.key("area").null();
  } else {
    j.key("area").str(g.area_ids[o.area]);
  }
  j.key("min_size").num(o.min_size);
  j.key("top").num(o.top);
  j.end_object();
  j.end_object();
  return j.take();
}

std::string clusters_csv(const OrgGraph& g, const ClusterReport& r) {
  std::string out =
      "cluster_id,cluster_size,cluster_full_members,cluster_max_joint_branches,org_id,area_id,"
      "org_full_members\n";
  for (const auto& c : r.clusters) {
    const std::string head = std::to_string(c.id) + "," + std::to_string(c.size()) + "," +
                             std::to_string(c.full_members) + "," +
                             std::to_string(c.max_joint_branches) + ",";
    for (Id org : c.orgs) {
      out += head + csv_field(g.org_ids[org]) + "," + csv_field(g.area_ids[g.orgs[org].area]) + "," +
             std::to_string(g.orgs[org].full_members) + "\n";
    }
  }
  return out;
}

std::string clusters_table(const OrgGraph& g, const ClusterReport& r, const ClusterOptions& o) {
  std::string out = "Uncovered clusters (links: " + cluster_links_string(o.links);
  if (o.within != ClusterWithin::none) out += ", within one " + std::string(to_string(o.within));
  if (o.area != kNone) out += ", area " + std::string(g.area_ids[o.area]);
  out += "): " + std::to_string(r.cluster_count) + " clusters";
  if (o.min_size > 1) out += " of " + std::to_string(o.min_size) + "+ orgs";
  out += " over " + std::to_string(r.uncovered_orgs) + " uncovered orgs; largest " +
         std::to_string(r.largest) + "\n\n";
  char line[256];
  std::snprintf(line, sizeof line, "%6s %7s %6s %6s %6s  %s\n", "id", "orgs", "full", "areas",
                "max_jb", "orgs (first 8)");
  out += line;
  for (const auto& c : r.clusters) {
    std::string list;
    for (std::size_t i = 0; i < c.orgs.size() && i < 8; ++i) {
      if (i > 0) list += ' ';
      list += g.org_ids[c.orgs[i]];
    }
    if (c.orgs.size() > 8) list += " ...";
    std::snprintf(line, sizeof line, "%6u %7zu %6u %6zu %6u  ", c.id, c.size(), c.full_members,
                  c.areas.size(), c.max_joint_branches);
    out += line + list + "\n";
  }
  if (r.clusters.size() < r.cluster_count) {
    out += "(" + std::to_string(r.cluster_count - r.clusters.size()) +
           " smaller clusters not listed: --top)\n";
  }
  return out;
}

}  // namespace orgraph

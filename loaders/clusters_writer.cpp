#include "loaders/clusters_writer.hpp"

#include <cstdio>

#include "loaders/csv_out.hpp"
#include "loaders/export_text.hpp"
#include "loaders/json_out.hpp"

namespace orgraph {
namespace {

// Blocks of text hold about this many orgs: clusters range from 2 orgs to hundreds, so blocks
// of a fixed number of clusters were uneven (and a province's 1,865 clusters made one block,
// formatted by one thread).
constexpr std::uint64_t kOrgsPerBlock = 4096;

TextBlocks cluster_blocks(const ClusterReport& r) {
  return weighted_text_blocks(r.clusters.size(), kOrgsPerBlock,
                              [&](std::size_t i) { return r.clusters[i].size() + 1; });
}

void cluster_json(JsonOut& j, const OrgGraph& g, const UncoveredCluster& c) {
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

void summary_json(JsonOut& j, const OrgGraph& g, const ClusterReport& r, const ClusterOptions& o) {
  j.begin_object();
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
}

}  // namespace

void write_clusters_json(const OrgGraph& g, const ClusterReport& r, const ClusterOptions& o,
                         const TextSink& sink) {
  sink("{\"clusters\":[");
  stream_json_elements(
      cluster_blocks(r), [&](JsonOut& j, std::size_t i) { cluster_json(j, g, r.clusters[i]); },
      sink);
  JsonOut summary;
  summary_json(summary, g, r, o);
  sink("],\"summary\":");
  sink(summary.view());
  sink("}\n");
}

void write_clusters_csv(const OrgGraph& g, const ClusterReport& r, const TextSink& sink) {
  sink(
      "cluster_id,cluster_size,cluster_full_members,cluster_max_joint_branches,org_id,area_id,"
      "org_full_members\n");
  stream_blocks(
      cluster_blocks(r),
      [&](std::size_t lo, std::size_t hi, std::string& text) {
        for (std::size_t i = lo; i < hi; ++i) {
          const UncoveredCluster& c = r.clusters[i];
          const std::string head = std::to_string(c.id) + "," + std::to_string(c.size()) + "," +
                                   std::to_string(c.full_members) + "," +
                                   std::to_string(c.max_joint_branches) + ",";
          for (Id org : c.orgs) {
            text += head;
            append_csv_field(text, g.org_ids[org]);
            text += ',';
            append_csv_field(text, g.area_ids[g.orgs[org].area]);
            text += ',';
            text += std::to_string(g.orgs[org].full_members);
            text += '\n';
          }
        }
      },
      sink);
}

std::string clusters_json(const OrgGraph& g, const ClusterReport& r, const ClusterOptions& o) {
  std::string out;
  write_clusters_json(g, r, o, append_to(out));
  return out;
}

std::string clusters_csv(const OrgGraph& g, const ClusterReport& r) {
  std::string out;
  write_clusters_csv(g, r, append_to(out));
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
    out += line + text::terminal_safe(list) + "\n";
  }
  if (r.clusters.size() < r.cluster_count) {
    out += "(" + std::to_string(r.cluster_count - r.clusters.size()) +
           " smaller clusters not listed: --top)\n";
  }
  return out;
}

}  // namespace orgraph

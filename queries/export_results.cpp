#include "queries/export_results.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <tuple>

namespace orgraph {
namespace {

ExtraAttribute::Value value(NodeKind kind, Id id, std::int64_t integer = 0, std::string text = {}) {
  ExtraAttribute::Value v;
  v.kind = kind;
  v.id = id;
  v.integer = integer;
  v.text = std::move(text);
  return v;
}

ExtraAttribute column(std::string name, AttrType type) {
  ExtraAttribute a;
  a.name = std::move(name);
  a.type = type;
  return a;
}

// Moves the columns into s.attributes (a braced list would copy them: a nation's clusters are
// 2 million values per column).
template <class... Columns>
void move_attributes(ExportSelection& s, Columns&... columns) {
  s.attributes.clear();
  s.attributes.reserve(sizeof...(columns));
  (s.attributes.push_back(std::move(columns)), ...);
}

void finish(const OrgGraph& g, ExportSelection& s, bool include_people) {
  for (auto& a : s.attributes) a.sort_values();
  if (include_people) add_people(g, s);
}

}  // namespace

ExportSelection select_clusters(const OrgGraph& g, const ClusterReport& report, Id root,
                                bool include_people) {
  ExportSelection s = empty_export_selection(g);
  ExtraAttribute cluster = column("cluster", AttrType::integer);
  ExtraAttribute size = column("cluster_size", AttrType::integer);
  for (const UncoveredCluster& c : report.clusters) {
    if (c.size() < 2) continue;
    for (Id o : c.orgs) {
      s.orgs[o] = 1;
      add_org_context(g, o, root, s);
      cluster.values.push_back(value(NodeKind::org, o, c.id));
      size.values.push_back(value(NodeKind::org, o, static_cast<std::int64_t>(c.size())));
    }
  }
  move_attributes(s, cluster, size);
  finish(g, s, include_people);
  return s;
}

ExportSelection select_joint_branches(const OrgGraph& g, const JointBranchPlan& plan, Id root,
                                      bool include_people) {
  ExportSelection s = empty_export_selection(g);
  ExtraAttribute basis = column("basis", AttrType::string);
  ExtraAttribute area_id = column("area_id", AttrType::string);
  ExtraAttribute industry = column("industry", AttrType::string);
  ExtraAttribute full = column("full_members", AttrType::integer);
  ExtraAttribute party = column("party_members", AttrType::integer);
  ExtraAttribute cost = column("cost", AttrType::integer);
  ExtraAttribute missing = column("superior_missing", AttrType::boolean);
  ExtraAttribute group_of = column("joint_group", AttrType::string);
  ExtraAttribute status = column("joint_status", AttrType::string);
  for (std::size_t i = 0; i < plan.groups.size(); ++i) {
    const JointGroup& group = plan.groups[i];
    const Id node = static_cast<Id>(i);
    ProposedBranch pb;
    pb.id = "J" + std::to_string(i + 1);
    // "Joint branch J1 (River Street)", "Joint branch J2 (education, East District)".
    pb.label = "Joint branch " + pb.id;
    if (group.area != kNone) {
      const std::string_view name = g.area_names[group.area];
      pb.label += " (";
      if (group.basis == JointBasis::industry && group.industry != kNone) {
        pb.label += std::string(g.industry_names[group.industry]) + ", ";
      }
      pb.label += std::string(name.empty() ? g.area_ids[group.area] : name) + ")";
    }
    pb.orgs = group.orgs;
    pb.superior = group.superior;
    if (group.superior != kNone) s.units[group.superior] = 1;
    for (Id o : group.orgs) {
      s.orgs[o] = 1;
      add_org_context(g, o, root, s);
      group_of.values.push_back(value(NodeKind::org, o, 0, pb.id));
      status.values.push_back(value(NodeKind::org, o, 0, "grouped"));
    }
    const auto P = NodeKind::proposed_branch;
    basis.values.push_back(value(P, node, 0, std::string(to_string(group.basis))));
    if (group.area != kNone) {
      area_id.values.push_back(value(P, node, 0, std::string(g.area_ids[group.area])));
    }
    if (group.industry != kNone) {
      industry.values.push_back(value(P, node, 0, std::string(g.industry_names[group.industry])));
    }
    full.values.push_back(value(P, node, group.full_members));
    party.values.push_back(value(P, node, group.party_members));
    cost.values.push_back(value(P, node, group.cost));
    missing.values.push_back(value(P, node, group.superior_missing() ? 1 : 0));
    s.proposed_branches.push_back(std::move(pb));
  }
  for (const UncoveredCandidate& c : plan.uncovered) {
    s.orgs[c.org] = 1;
    add_org_context(g, c.org, root, s);
    status.values.push_back(value(NodeKind::org, c.org, 0, std::string(to_string(c.reason))));
  }
  move_attributes(s, basis, area_id, industry, full, party, cost, missing, group_of, status);
  finish(g, s, include_people);
  return s;
}

namespace {

struct EntityRef {
  NodeKind kind = NodeKind::org;
  Id id = kNone;
};

// "unit:ID" -> the entity, or nullopt for a kind or id this graph does not have.
std::optional<EntityRef> resolve(const OrgGraph& g, std::string_view key) {
  const auto colon = key.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const std::string_view kind = key.substr(0, colon), id = key.substr(colon + 1);
  EntityRef r;
  if (kind == "org") {
    r = {NodeKind::org, g.find_org(id)};
  } else if (kind == "unit") {
    r = {NodeKind::unit, g.find_unit(id)};
  } else if (kind == "branch") {
    r = {NodeKind::branch, g.find_branch(id)};
  } else if (kind == "person") {
    r = {NodeKind::person, g.find_person(id)};
  } else if (kind == "area") {
    r = {NodeKind::area, g.find_area(id)};
  } else {
    return std::nullopt;
  }
  if (r.id == kNone) return std::nullopt;
  return r;
}

bool inside(const OrgGraph& g, Id root, EntityRef e) {
  if (root == kNone) return true;
  switch (e.kind) {
    case NodeKind::org: return g.area_contains(root, g.orgs[e.id].area);
    case NodeKind::unit: return g.area_contains(root, g.units[e.id].area);
    case NodeKind::area: return g.area_contains(root, e.id);
    case NodeKind::branch: {
      const auto orgs = g.branch_orgs[e.id];
      if (!orgs.empty()) {
        return std::any_of(orgs.begin(), orgs.end(),
                           [&](Id o) { return g.area_contains(root, g.orgs[o].area); });
      }
      const auto sups = g.branch_superiors[e.id];
      return std::any_of(sups.begin(), sups.end(),
                         [&](Id u) { return g.area_contains(root, g.units[u].area); });
    }
    case NodeKind::person: {
      const auto orgs = g.person_orgs[e.id];
      return std::any_of(orgs.begin(), orgs.end(),
                         [&](Id o) { return g.area_contains(root, g.orgs[o].area); });
    }
    case NodeKind::proposed_branch: return false;
  }
  return false;
}

// Appends `code` to a ";"-separated list unless it is already there.
void add_code(std::string& list, std::string_view code) {
  std::size_t start = 0;
  while (start <= list.size() && !list.empty()) {
    const std::size_t end = std::min(list.find(';', start), list.size());
    if (std::string_view(list).substr(start, end - start) == code) return;
    start = end + 1;
  }
  if (!list.empty()) list += ';';
  list += code;
}

}  // namespace

ExportSelection select_gaps(const OrgGraph& g, const GapReport& report, Id root,
                            bool include_people) {
  ExportSelection s = empty_export_selection(g);
  s.people.assign(g.people.size(), 0);
  // One mention per (gap, named entity), in report order; folded per entity below. Sparse:
  // a nation has millions of entities and far fewer named by gaps.
  struct Mention {
    NodeKind kind;
    Id id;
    bool subject;
    GapCode code;
    Severity severity;
  };
  std::vector<Mention> mentions;
  const auto mark_node = [&](EntityRef e) {
    switch (e.kind) {
      case NodeKind::area: s.areas[e.id] = 1; break;
      case NodeKind::unit: s.units[e.id] = 1; break;
      case NodeKind::org: s.orgs[e.id] = 1; break;
      case NodeKind::branch: s.branches[e.id] = 1; break;
      case NodeKind::person: s.people[e.id] = 1; break;
      case NodeKind::proposed_branch: break;
    }
  };
  for (const Gap& gap : report.gaps) {
    if (gap.entities.empty()) continue;
    const auto subject = resolve(g, gap.entities.front());
    if (!subject || !inside(g, root, *subject)) continue;
    for (std::size_t k = 0; k < gap.entities.size(); ++k) {
      const auto e = k == 0 ? subject : resolve(g, gap.entities[k]);
      if (!e) continue;
      mark_node(*e);
      mentions.push_back({e->kind, e->id, k == 0, gap.code, gap.severity});
    }
  }
  std::stable_sort(mentions.begin(), mentions.end(), [](const Mention& a, const Mention& b) {
    return std::tie(a.kind, a.id) < std::tie(b.kind, b.id);
  });
  // Context: the superiors of the named branches and units, and where units and orgs are.
  for (Id b = 0; b < g.branches.size(); ++b) {
    if (s.branches[b] == 0) continue;
    for (Id u : g.branch_superiors[b]) s.units[u] = 1;
  }
  std::vector<Id> named_units;
  for (Id u = 0; u < g.units.size(); ++u) {
    if (s.units[u] != 0) named_units.push_back(u);
  }
  for (Id u : named_units) {
    for (Id sup : g.unit_superiors[u]) s.units[sup] = 1;
  }
  const auto mark_areas = [&](Id area) {
    for (Id a = area; a != kNone; a = g.areas[a].parent) {
      s.areas[a] = 1;
      if (a == root) break;
    }
  };
  for (Id u = 0; u < g.units.size(); ++u) {
    if (s.units[u] != 0 && (root == kNone || g.area_contains(root, g.units[u].area))) {
      mark_areas(g.units[u].area);
    }
  }
  for (Id o = 0; o < g.orgs.size(); ++o) {
    if (s.orgs[o] != 0) mark_areas(g.orgs[o].area);
  }

  ExtraAttribute codes = column("gaps", AttrType::string);
  ExtraAttribute severity = column("gap_severity", AttrType::string);
  ExtraAttribute related = column("gap_related", AttrType::string);
  for (std::size_t i = 0; i < mentions.size();) {
    std::size_t j = i;
    std::string subject_codes, related_codes;
    Severity worst = Severity::info;
    bool any_subject = false;
    for (; j < mentions.size() && mentions[j].kind == mentions[i].kind &&
           mentions[j].id == mentions[i].id;
         ++j) {
      const Mention& m = mentions[j];
      if (m.subject) {
        add_code(subject_codes, to_string(m.code));
        worst = any_subject ? std::min(worst, m.severity) : m.severity;
        any_subject = true;
      } else {
        add_code(related_codes, to_string(m.code));
      }
    }
    const NodeKind k = mentions[i].kind;
    const Id id = mentions[i].id;
    if (any_subject) {
      codes.values.push_back(value(k, id, 0, std::move(subject_codes)));
      severity.values.push_back(value(k, id, 0, std::string(to_string(worst))));
    }
    if (!related_codes.empty()) related.values.push_back(value(k, id, 0, std::move(related_codes)));
    i = j;
  }
  move_attributes(s, codes, severity, related);
  finish(g, s, include_people);
  return s;
}

}  // namespace orgraph

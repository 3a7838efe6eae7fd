#include "queries/export.hpp"

#include "queries/export_results.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/parallel.hpp"

namespace orgraph {

std::string_view node_kind_name(NodeKind kind) {
  static constexpr std::array<std::string_view, kNodeKinds> kNames{
      "area", "unit", "org", "branch", "proposed_branch", "person"};
  return kNames[static_cast<std::size_t>(kind)];
}

namespace {
constexpr std::array<std::string_view, 5> kOnlyNames{"all", "uncovered", "clusters",
                                                     "joint-branches", "gaps"};
}  // namespace

std::optional<ExportOnly> parse_export_only(std::string_view text) {
  for (std::size_t i = 0; i < kOnlyNames.size(); ++i) {
    if (kOnlyNames[i] == text) return static_cast<ExportOnly>(i);
  }
  return std::nullopt;
}

std::string_view to_string(ExportOnly only) { return kOnlyNames[static_cast<std::size_t>(only)]; }

// Sorts (key, position) pairs and then moves each value once: a stable sort of the values
// themselves (56 bytes, a string each) moved them through every merge and took a fifth of a
// selection's time. The position breaks ties, so equal keys keep their order.
void ExtraAttribute::sort_values() {
  const auto key = [](const Value& v) {
    return (std::uint64_t{static_cast<std::uint8_t>(v.kind)} << 32) | v.id;
  };
  const auto less = [&](const Value& a, const Value& b) { return key(a) < key(b); };
  if (std::is_sorted(values.begin(), values.end(), less)) return;
  std::vector<std::pair<std::uint64_t, std::size_t>> order(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) order[i] = {key(values[i]), i};
  par::sort(order.begin(), order.end(), std::less<>());
  std::vector<Value> moved;
  moved.reserve(values.size());
  for (const auto& [k, i] : order) moved.push_back(std::move(values[i]));
  values = std::move(moved);
}

const ExtraAttribute::Value* ExtraAttribute::find(NodeKind kind, Id id) const {
  const auto it = std::lower_bound(values.begin(), values.end(), std::make_pair(kind, id),
                                   [](const Value& v, const std::pair<NodeKind, Id>& key) {
                                     return std::tie(v.kind, v.id) < std::tie(key.first, key.second);
                                   });
  if (it == values.end() || it->kind != kind || it->id != id) return nullptr;
  return &*it;
}

namespace {

ExportSelection empty_selection(const OrgGraph& g) {
  ExportSelection s;
  s.areas.assign(g.areas.size(), 0);
  s.units.assign(g.units.size(), 0);
  s.orgs.assign(g.orgs.size(), 0);
  s.branches.assign(g.branches.size(), 0);
  return s;
}

// `root` and every area inside it.
void mark_subtree(const OrgGraph& g, Id root, std::vector<std::uint8_t>& mark) {
  std::vector<Id> stack{root};
  while (!stack.empty()) {
    const Id a = stack.back();
    stack.pop_back();
    if (mark[a] != 0) continue;
    mark[a] = 1;
    for (Id child : g.area_children[a]) stack.push_back(child);
  }
}

void select_area(const OrgGraph& g, Id root, ExportSelection& s) {
  mark_subtree(g, root, s.areas);
  for (Id a = 0; a < g.areas.size(); ++a) {
    if (s.areas[a] == 0) continue;
    for (Id o : g.area_orgs[a]) s.orgs[o] = 1;
    for (Id u : g.area_units[a]) s.units[u] = 1;
  }
  for (Id o = 0; o < g.orgs.size(); ++o) {
    if (s.orgs[o] == 0) continue;
    for (Id b : g.org_branches[o]) s.branches[b] = 1;
  }
  // Branches covering nothing belong where their supervising unit is.
  for (Id u = 0; u < g.units.size(); ++u) {
    if (s.units[u] == 0) continue;
    for (Id b : g.unit_sub_branches[u]) {
      if (g.branch_orgs.degree(b) == 0) s.branches[b] = 1;
    }
  }
  // Context: who supervises the selected branches.
  for (Id b = 0; b < g.branches.size(); ++b) {
    if (s.branches[b] == 0) continue;
    for (Id u : g.branch_superiors[b]) s.units[u] = 1;
  }
}

void select_uncovered(const OrgGraph& g, Id root, ExportSelection& s) {
  for (Id o = 0; o < g.orgs.size(); ++o) {
    if (!g.is_uncovered(o)) continue;
    if (root != kNone && !g.area_contains(root, g.orgs[o].area)) continue;
    s.orgs[o] = 1;
    add_org_context(g, o, root, s);
  }
}

}  // namespace

void add_org_context(const OrgGraph& g, Id o, Id root, ExportSelection& s) {
  const Org& org = g.orgs[o];
  for (Id a = org.area; a != kNone; a = g.areas[a].parent) {
    s.areas[a] = 1;
    if (a == root) break;
  }
  if (org.competent_unit != kNone) s.units[org.competent_unit] = 1;
  for (Id u : g.org_instructor_units[o]) s.units[u] = 1;
  for (Id a : {org.area, org.street}) {
    if (a == kNone) continue;
    for (Id u : g.area_units[a]) {
      if (g.units[u].line == UnitLine::community) s.units[u] = 1;
    }
  }
}

ExportSelection empty_export_selection(const OrgGraph& g) { return empty_selection(g); }

void add_people(const OrgGraph& g, ExportSelection& s) {
  if (s.people.size() != g.people.size()) s.people.assign(g.people.size(), 0);
  for (Id o = 0; o < g.orgs.size(); ++o) {
    if (s.orgs[o] == 0) continue;
    for (Id p : g.org_people[o]) s.people[p] = 1;
  }
  for (Id b = 0; b < g.branches.size(); ++b) {
    if (s.branches[b] == 0) continue;
    for (Id p : g.branch_people[b]) s.people[p] = 1;
  }
}

ExportSelection select_for_export(const OrgGraph& g, const ExportQuery& query) {
  Id root = kNone;
  if (!query.area.empty()) {
    root = g.find_area(query.area);
    if (root == kNone) {
      throw std::invalid_argument("--area " + query.area +
                                  ": no such area (give an id from areas.csv)");
    }
  }
  ExportSelection s = empty_selection(g);
  switch (query.only) {
    case ExportOnly::all:
      if (root == kNone) {
        std::fill(s.areas.begin(), s.areas.end(), 1);
        std::fill(s.units.begin(), s.units.end(), 1);
        std::fill(s.orgs.begin(), s.orgs.end(), 1);
        std::fill(s.branches.begin(), s.branches.end(), 1);
        s.description = "whole graph";
      } else {
        select_area(g, root, s);
        s.description = "area " + query.area;
      }
      break;
    case ExportOnly::uncovered:
      select_uncovered(g, root, s);
      s.description = "uncovered organizations";
      if (root != kNone) s.description += " in area " + query.area;
      break;
    case ExportOnly::clusters: {
      ClusterOptions options;
      options.area = root;
      options.min_size = 2;
      s = select_clusters(g, uncovered_clusters(g, options), root, query.include_people);
      s.description = "uncovered clusters";
      break;
    }
    case ExportOnly::joint_branches: {
      JointBranchOptions options;
      options.area = root;
      s = select_joint_branches(g, joint_branches(g, options), root, query.include_people);
      s.description = "proposed joint branches";
      break;
    }
    case ExportOnly::gaps:
      s = select_gaps(g, gaps(g), root, query.include_people);
      s.description = "responsibility gaps";
      break;
  }
  if (query.only != ExportOnly::all && query.only != ExportOnly::uncovered) {
    if (root != kNone) s.description += " in area " + query.area;
    return s;  // the result selections add their people themselves
  }
  if (query.include_people) {
    if (root == kNone && query.only == ExportOnly::all) {
      s.people.assign(g.people.size(), 1);
    } else {
      add_people(g, s);
    }
  }
  return s;
}

std::vector<AreaOrgCounts> area_org_counts(const OrgGraph& g) {
  std::vector<AreaOrgCounts> counts(g.areas.size());
  for (Id o = 0; o < g.orgs.size(); ++o) {
    if (!g.is_active(o)) continue;
    const Org& org = g.orgs[o];
    for (Id a = org.area; a != kNone; a = g.areas[a].parent) {
      ++counts[a].active;
      counts[a].covered += org.covered ? 1 : 0;
      counts[a].work_covered += org.work_covered ? 1 : 0;
    }
  }
  return counts;
}

}  // namespace orgraph

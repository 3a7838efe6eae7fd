// What an export contains: which entities become nodes, extra nodes and per-node attributes a
// query result brings (proposed joint branches, cluster ids, gap codes), and the area roll-ups
// every export carries. The writers (loaders/export_writer.hpp) stream whatever a selection
// holds; edges are always induced: an edge is written when both its ends are nodes.
//
// Selections (contracts.md section 3, `export`):
// - whole graph: every area, unit, organization and branch (people with --include-people);
// - --area A: A and the areas inside it; the orgs located there and the units with
//   jurisdiction there; the branches covering those orgs, and branches that cover nothing but
//   are supervised by a unit located there; as context, the units supervising those branches;
// - --only uncovered: active orgs with no covering branch, the areas that contain them (up to A
//   when --area is given), and as context the units responsible for them: their competent
//   unit, the units that assigned them an instructor, and the street-community line units of
//   their community and street (the ones that would take them into a joint branch);
// - --include-people adds the people affiliated with the selected orgs and the people whose
//   party relation is in a selected branch;
// - --only clusters | joint-branches | gaps: see queries/export_results.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/graph.hpp"

namespace orgraph {

enum class NodeKind : std::uint8_t { area, unit, org, branch, proposed_branch, person };
inline constexpr std::size_t kNodeKinds = 6;
// "area", "unit", "org", "branch", "proposed_branch", "person": the prefix of node ids.
std::string_view node_kind_name(NodeKind kind);

enum class ExportOnly : std::uint8_t { all, uncovered, clusters, joint_branches, gaps };
std::optional<ExportOnly> parse_export_only(std::string_view text);
std::string_view to_string(ExportOnly only);

struct ExportQuery {
  std::string area;  // "" = the whole graph; else an area id
  ExportOnly only = ExportOnly::all;
  bool include_people = false;
};

enum class AttrType : std::uint8_t { string, integer, real, boolean };

// A column of values a query result adds to some nodes (e.g. "cluster" on orgs).
struct ExtraAttribute {
  struct Value {
    NodeKind kind = NodeKind::org;
    Id id = kNone;
    std::int64_t integer = 0;  // integer and boolean (0/1) values
    double real = 0;
    std::string text;
  };
  std::string name;
  AttrType type = AttrType::string;
  std::vector<Value> values;  // at most one per node; sorted by (kind, id) by sort_values()

  void sort_values();
  const Value* find(NodeKind kind, Id id) const;
};

// A branch a query proposes (a joint branch): a node of kind proposed_branch with `proposes`
// edges to its orgs and a `would_supervise` edge from its proposed superior unit.
struct ProposedBranch {
  std::string id;     // the node id is "proposed_branch:<id>"
  std::string label;
  std::vector<Id> orgs;
  Id superior = kNone;  // proposed superior unit, kNone when there is none
};

struct ExportSelection {
  std::string description;  // e.g. "area D1, uncovered organizations"
  // One byte per entity: 1 = the entity is a node. `people` is empty when people are left out.
  std::vector<std::uint8_t> areas, units, orgs, branches, people;
  std::vector<ProposedBranch> proposed_branches;
  std::vector<ExtraAttribute> attributes;

  bool has_people() const { return !people.empty(); }
};

// Builds the selection for --area / --only / --include-people; for clusters, joint-branches and
// gaps it runs that query with its default options (clusters of two or more orgs) inside the
// area (see queries/export_results.hpp to export a result computed with other options).
// Throws std::invalid_argument for an unknown area id.
ExportSelection select_for_export(const OrgGraph& graph, const ExportQuery& query);

// A selection with nothing in it, sized for `graph` (no people).
ExportSelection empty_export_selection(const OrgGraph& graph);

// Adds the people connected to the selected orgs (any affiliation) and branches (party
// relation); sizes the people mask when it was empty.
void add_people(const OrgGraph& graph, ExportSelection& selection);

// Counts of active / covered / work-covered orgs located in an area or any area inside it.
struct AreaOrgCounts {
  std::uint32_t active = 0, covered = 0, work_covered = 0;
};
std::vector<AreaOrgCounts> area_org_counts(const OrgGraph& graph);

}  // namespace orgraph

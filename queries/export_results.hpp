// Query results as export selections (`orgraph export --only clusters|joint-branches|gaps`, and
// the batch job's network views): which nodes show a result, and the attributes and extra nodes
// that carry it. Every selection keeps, as in --only uncovered, the areas holding the selected
// organizations (up to `root`, the --area, when given) and the units responsible for them.
//
// - clusters: the uncovered orgs of every cluster of two or more (a single uncovered org is
//   --only uncovered's business); attributes `cluster` (its 1-based rank: largest first) and
//   `cluster_size` on each org. Person links show with --include-people.
// - joint-branches: every joint candidate; each proposed group becomes a node of kind
//   proposed_branch ("J1", "J2"... in plan order) with `proposes` edges to its orgs and a
//   `would_supervise` edge from its proposed superior unit; attributes on the proposed branch
//   basis, area_id, industry, full_members, party_members, cost, superior_missing; on the orgs
//   joint_group (the proposal's id) and joint_status (grouped, no_feasible_group, unplaced).
// - gaps: every unit, branch, org and person a gap names (people by id, even without
//   --include-people: they are the subject of duplicate_relation), with the direct superiors of
//   the named branches and units as context; attributes `gaps` (codes of the gaps the node is
//   the subject of, ";"-separated in report order), `gap_severity` (the worst of those), and
//   `gap_related` (codes of gaps that name it as involved). With a root, only gaps whose subject
//   lies inside it: an org or unit located there, a branch covering an org there (or, covering
//   nothing, supervised by a unit there), a person affiliated with an org there.
#pragma once

#include "engine/graph.hpp"
#include "queries/clusters.hpp"
#include "queries/export.hpp"
#include "queries/gaps.hpp"
#include "queries/joint_branches.hpp"

namespace orgraph {

ExportSelection select_clusters(const OrgGraph& graph, const ClusterReport& report, Id root,
                                bool include_people);
ExportSelection select_joint_branches(const OrgGraph& graph, const JointBranchPlan& plan, Id root,
                                      bool include_people);
ExportSelection select_gaps(const OrgGraph& graph, const GapReport& report, Id root,
                            bool include_people);

// Marks an org's areas (up to root) and the units responsible for it: its competent unit, the
// units that assigned it an instructor, the street-community line units of its community and
// street. Used by --only uncovered and the selections above.
void add_org_context(const OrgGraph& graph, Id org, Id root, ExportSelection& selection);

}  // namespace orgraph

// Joint-branch formation (contracts.md sections 2-4; domain.md "Rules the engine must know").
//
// What: proposes joint branches for uncovered organizations with fewer than 3 full members
// (joint candidates), each group 2..max_units candidates all in one street (basis "street") or
// all of one industry in one district (basis "industry"), with >= min_full distinct full members
// and <= max_members distinct party members; first covering as many candidates as possible, then
// at the least total cost (street group: distinct communities - 1 + distinct industries - 1;
// industry group: distinct streets - 1). Each group gets a proposed superior unit. The plan
// carries a proven upper bound on the candidates any plan could cover, and covered / bound.
// With an org (`--org`), lists the cheapest feasible groups containing it, or why there is none.
//
// Method: see queries/joint_branches_solver.hpp (components of the compatibility relation,
// solved in parallel: exact subset dynamic programming when small, greedy construction plus
// local search and iterated local search otherwise; the bound per component).
//
// Choices where the contract is silent (documented in docs/joint-branches.md):
// - an org located directly in a street counts that street as its "community" value (all such
//   orgs of a street share one value);
// - a group valid under both bases takes the cheaper; on a tie the one with a proposed
//   superior, then "industry";
// - `industry` of a group is the industry all its members share (null for a street group of
//   mixed industries); `area_id` is the street (street basis) or district (industry basis).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/graph.hpp"

namespace orgraph {

enum class JointBasisChoice : std::uint8_t { street, industry, both };
enum class JointBasis : std::uint8_t { street, industry };
std::string_view to_string(JointBasis basis);

struct JointBranchOptions {
  JointBasisChoice basis = JointBasisChoice::both;
  int min_full = 3;
  int max_units = 5;
  int max_members = 50;
  bool no_fillers = false;     // orgs with 0 full members are not candidates
  Id area = kNone;             // only candidates in this area and its descendants
  std::string industry;        // only candidates of this industry ("" = all)
  // Optimiser tuning (not command-line options): components are solved exactly when they have
  // at most this many candidates in feasible groups (0 = never: heuristic only, for tests).
  std::uint32_t exact_max_candidates = 20;
  // Iterated-local-search steps per candidate of a component solved heuristically (--effort).
  double perturbations_per_candidate = 2.0;
  // Cap on perturbations_per_candidate x (candidates with full members) over the whole plan
  // (joint::SolverOptions::max_total_perturbations).
  std::uint64_t max_total_perturbations = 200'000;
};

// Throws std::invalid_argument with a sentence saying how to fix a bad option.
void validate(const JointBranchOptions& options);

struct JointGroup {
  JointBasis basis = JointBasis::street;
  bool both_bases = false;        // valid (at the same cost) under the other basis too
  Id area = kNone;                // the street (street basis) or the district (industry basis)
  Id industry = kNone;            // shared by all members, kNone when they differ
  std::vector<Id> orgs;           // sorted by org id
  std::uint32_t full_members = 0;   // distinct
  std::uint32_t party_members = 0;  // distinct
  int cost = 0;
  Id superior = kNone;            // proposed superior unit; kNone = none found (flagged)
  bool superior_missing() const { return superior == kNone; }
};

enum class UncoveredReason : std::uint8_t {
  no_feasible_group,  // proven: no feasible group contains it
  unplaced,           // feasible groups contain it, but the plan could not include it
};
std::string_view to_string(UncoveredReason reason);

struct UncoveredCandidate {
  Id org = kNone;
  UncoveredReason reason = UncoveredReason::unplaced;
};

struct JointBranchSummary {
  std::uint64_t candidates = 0;
  std::uint64_t covered = 0;
  std::uint64_t upper_bound = 0;
  double ratio = 1.0;             // covered / upper_bound; 1 when upper_bound is 0
  std::uint64_t groups = 0;
  std::int64_t total_cost = 0;
  std::uint64_t superior_missing = 0;  // groups without a proposed superior
  std::uint64_t components = 0;        // of the compatibility relation
  std::uint64_t largest_component = 0;
  std::uint64_t exact_components = 0;  // solved to optimality
  std::uint64_t exact_candidates = 0;  // candidates in those components
};

struct JointBranchPlan {
  std::vector<JointGroup> groups;                // sorted by district, area, first org id
  std::vector<UncoveredCandidate> uncovered;     // sorted by org id
  JointBranchSummary summary;
};

JointBranchPlan joint_branches(const OrgGraph& graph, const JointBranchOptions& options);

// --- whom can organization X join with? (--org ID [--top K]) ---------------------------------

enum class OrgGroupingStatus : std::uint8_t {
  groupable,       // at least one feasible group found
  inactive,        // deregistered or suspended
  covered,         // it already has a branch
  should_build,    // >= 3 full members: it should build its own branch
  no_fillers,      // 0 full members and --no-fillers
  outside_filter,  // outside --area / --industry
  no_neighbour,    // no other candidate in its street or its industry in its district
  full_members,    // its neighbours cannot bring the group to min_full full members
  max_units,       // min_full is reachable only with more than max_units members
  max_members,     // every group reaching min_full exceeds max_members party members
};
std::string_view to_string(OrgGroupingStatus status);

struct OrgGrouping {
  Id org = kNone;
  OrgGroupingStatus status = OrgGroupingStatus::groupable;
  std::string message;               // one sentence for the planner
  std::vector<JointGroup> groups;    // cheapest first (see docs: cost, size desc, full desc, ids)
  bool exhaustive = true;            // false when the bounded search stopped early
  std::uint64_t neighbours = 0;      // other candidates in its street / industry pools
};

// The `top` cheapest feasible groups that contain `org` (any basis the options allow).
// Throws std::invalid_argument for bad options or an org id out of range.
OrgGrouping joint_branches_for_org(const OrgGraph& graph, Id org, const JointBranchOptions& options,
                                   std::size_t top = 5);

}  // namespace orgraph

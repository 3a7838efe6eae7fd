// The coverage survey: the "two coverages" (organizational and work coverage) of active social
// organizations, party members and their share of staff, the organizations that should build
// their own branch, pocket and floating members; in total and grouped by district, street,
// industry, kind or registration level.
//
// Rules: contracts.md section 2 (normative). Orgs = active orgs only (suspended and
// deregistered orgs are counted apart as inactive_orgs); covered = named in branch_coverage by
// any branch (joint ones included); work-covered = covered or given an instructor;
// full_members and party_members of a set = distinct people with a staff or leader
// affiliation to an active org of the set (a person on the staff of two orgs of a group counts
// once in that group, and once in the total); probationary members are party members but not
// full members; should_build = uncovered with 3+ full members (domain.md: a unit with 3 or more
// full members sets up its own branch).
//
// Method: two deterministic map-reduce passes over fixed blocks (engine/parallel.hpp).
// Org-level counts are summed per block into a dense per-group array. Person-level counts
// (distinct people) run over people: each party member's active staff/leader orgs are looked
// up once, their groups de-duplicated locally, and the person added once to each group; so
// distinct counting needs no per-group marks and no (group, person) sort. Partials are
// combined in block order. coverage_reference() is an independent, plain serial
// implementation (std::map / std::set) used by the tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/graph.hpp"

namespace orgraph {

enum class CoverageGroupBy : std::uint8_t { district, street, industry, kind, registration_level };

std::string_view to_string(CoverageGroupBy by);
// Throws std::invalid_argument naming the accepted values.
CoverageGroupBy parse_coverage_group_by(std::string_view text);

struct CoverageOptions {
  CoverageGroupBy by = CoverageGroupBy::district;
};

struct CoverageCounts {
  std::uint64_t orgs = 0;              // active orgs
  std::uint64_t inactive_orgs = 0;     // suspended or deregistered orgs (not in orgs)
  std::uint64_t covered = 0;           // active orgs with a branch (their own or joint)
  std::uint64_t work_covered = 0;      // covered, or with an instructor
  std::uint64_t instructor_only = 0;   // work-covered through an instructor alone
  std::uint64_t should_build = 0;      // uncovered with 3+ full members
  std::uint64_t joint_candidates = 0;  // uncovered with fewer than 3 full members
  std::uint64_t full_members = 0;      // distinct people
  std::uint64_t party_members = 0;     // distinct people, full or probationary
  std::uint64_t pocket_members = 0;    // distinct people
  std::uint64_t floating_members = 0;  // distinct people
  std::uint64_t staff = 0;             // sum of staff_count over active orgs that give one
  std::uint64_t staff_missing = 0;     // active orgs with no staff_count

  double org_rate() const { return ratio(covered, orgs); }
  double work_rate() const { return ratio(work_covered, orgs); }
  // Shares of staff; staff counts only orgs that give a staff_count (see staff_missing).
  double full_share() const { return ratio(full_members, staff); }
  double party_share() const { return ratio(party_members, staff); }
  static double ratio(std::uint64_t a, std::uint64_t b) {
    return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
  }
  bool operator==(const CoverageCounts&) const = default;
};

struct CoverageGroup {
  std::string key;   // area id (district, street), industry, kind or registration level
  std::string name;  // area name for district/street; the key otherwise
  CoverageCounts counts;
  bool operator==(const CoverageGroup&) const = default;
};

struct CoverageReport {
  CoverageGroupBy by = CoverageGroupBy::district;
  CoverageCounts total;
  // Every group holding at least one org (active or not), sorted by key.
  std::vector<CoverageGroup> groups;
  // Orgs that should build their own branch, sorted by org id.
  std::vector<Id> should_build;
  bool operator==(const CoverageReport&) const = default;
};

CoverageReport coverage(const OrgGraph& graph, const CoverageOptions& options = {});
// Plain serial implementation of the same definitions, for tests.
CoverageReport coverage_reference(const OrgGraph& graph, const CoverageOptions& options = {});

}  // namespace orgraph

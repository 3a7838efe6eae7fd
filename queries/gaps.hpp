// Responsibility-gap audit of the supervision hierarchy (contracts.md section 4, domain.md
// "Rules the engine must know"): every party organization needs one clear superior whose chain
// reaches the city's organization department, at the right level and inside its territory;
// branches have a sensible size and form; every active organization has somebody responsible
// for it. See gaps.cpp for the method and docs/gaps.md for every code.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/graph.hpp"

namespace orgraph {

enum class Severity : std::uint8_t { error, warning, info };

// The twelve codes of the contract first, then the extra codes drawn from domain.md.
enum class GapCode : std::uint8_t {
  orphan_branch,
  multiple_superiors,
  supervision_cycle,
  broken_chain,
  level_mismatch,
  jurisdiction_mismatch,
  no_responsible_unit,
  undersized_branch,
  oversized_branch,
  joint_branch_too_wide,
  inactive_coverage,
  duplicate_relation,
  // extras
  territory_mismatch,
  industry_mismatch,
  should_build_branch,
  empty_branch,
  form_mismatch,
  overloaded_unit,
  instructor_only,
};
inline constexpr std::size_t kGapCodeCount = 19;

std::string_view to_string(Severity s);
std::string_view to_string(GapCode c);
// The fixed severity of a code.
Severity severity_of(GapCode c);
// "error" | "warning" | "info"; throws std::invalid_argument otherwise.
Severity parse_severity(std::string_view text);
std::optional<GapCode> parse_gap_code(std::string_view text);

struct GapOptions {
  // Minimum severity reported: error shows errors only, warning errors and warnings, info all.
  Severity min_severity = Severity::info;
  std::uint32_t min_full = 3;             // undersized_branch, should_build_branch
  std::uint32_t max_members = 50;         // oversized_branch (party members of a branch)
  std::uint32_t committee_members = 100;  // a party committee from this many party members
  std::uint32_t max_joint_units = 5;      // joint_branch_too_wide
  double overload_factor = 3.0;           // overloaded_unit: branches > factor * peer median
  std::uint32_t overload_min = 20;        //   ... and > this many branches
};

struct Gap {
  GapCode code = GapCode::orphan_branch;
  Severity severity = Severity::error;
  // "kind:id" keys; the first is the gap's subject (the branch, unit, org or person at fault),
  // the rest are the other entities involved. A cycle lists its units sorted.
  std::vector<std::string> entities;
  std::string message;     // names units, orgs, areas and branches; people only by id
  std::string suggestion;  // a concrete action
  std::string district;    // the district area id the gap belongs to, or "none"
};

struct DistrictGapCount {
  std::string district;  // area id, or "none"
  std::array<std::uint64_t, kGapCodeCount> by_code{};
};

struct GapReport {
  Severity min_severity = Severity::info;
  // Sorted by severity, code, then entity keys (then message), so identical at any --threads.
  std::vector<Gap> gaps;
  std::array<std::uint64_t, kGapCodeCount> by_code{};
  std::array<std::uint64_t, 3> by_severity{};
  std::vector<DistrictGapCount> by_district;  // sorted by district id, "none" last

  // How many gaps were found: the counts, not gaps.size(), so that it stays right when a caller
  // keeps only the first gaps (the batch job, once its gap files are written).
  std::uint64_t total() const { return by_severity[0] + by_severity[1] + by_severity[2]; }
};

// Keeps the first `keep` gaps and frees the others (the counts stay: total() is unchanged). The
// dropped gaps are freed in the address order of their texts, not in list order: the list is
// sorted by severity and code, so list order jumps through the heap, and at nation scale
// (2.2M gaps, ~11M strings) that took twice as long (1.2 s against 0.6 s, one thread).
void truncate_gaps(GapReport& report, std::size_t keep);

// The audit. Parallel over branches, orgs, people and units (par::for_range), deterministic.
GapReport gaps(const OrgGraph& graph, const GapOptions& options = {});

// Serial reference for tests: same rules, computed with plain loops; supervision cycles and
// chain completeness found by per-unit searches instead of strong components and one BFS.
// Quadratic in the number of units: small graphs only.
GapReport gaps_reference(const OrgGraph& graph, const GapOptions& options = {});

}  // namespace orgraph

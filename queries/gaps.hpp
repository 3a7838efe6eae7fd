// Responsibility-gap audit of the supervision hierarchy (contracts.md section 4, domain.md
// "Rules the engine must know"): every party organization needs one clear superior whose chain
// reaches the city's organization department, at the right level and inside its territory;
// branches have a sensible size and form; every active organization has somebody responsible
// for it. See gaps.cpp for the method and docs/gaps.md for every code.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
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

// The counts of an audit: by code, by severity and by district.
struct GapTotals {
  Severity min_severity = Severity::info;
  std::array<std::uint64_t, kGapCodeCount> by_code{};
  std::array<std::uint64_t, 3> by_severity{};
  std::vector<DistrictGapCount> by_district;  // sorted by district id, "none" last

  // How many gaps were found: the counts, so that it stays right for a report holding only the
  // first gaps (GapAudit::report(n)).
  std::uint64_t total() const { return by_severity[0] + by_severity[1] + by_severity[2]; }
};

struct GapReport : GapTotals {
  // Sorted by severity, code, then entity keys (then message), so identical at any --threads.
  std::vector<Gap> gaps;
};

// The audit with its gaps in report order, each gap's texts formatted only when asked for. A
// nation has millions of gaps (2.2 million, 0.7 GB of text): holding them all formatted cost the
// audit 1.7 GB of fresh memory, on this VM more time than finding them. A GapAudit keeps 8
// bytes a gap (which check found it, on which entity) and the writers format blocks of gaps in
// parallel into reused buffers. It refers to the graph, which must outlive it.
class GapAudit : public GapTotals {
 public:
  GapAudit() = default;
  std::size_t size() const { return refs_.size(); }
  bool empty() const { return refs_.empty(); }
  // Gap i (in report order), formatted into `scratch`: valid until the next call with the same
  // scratch. Keep one scratch per thread and reuse it; calls on one audit may run in parallel.
  const Gap& gap(std::size_t i, std::vector<Gap>& scratch) const;
  // The counts and the first min(n, size()) gaps formatted (on one thread: see gaps.cpp).
  GapReport report(std::size_t n) const;
  GapReport report() const { return report(size()); }

  struct State;  // the graph, the options and the supervision facts (gaps.cpp)
  // A gap: the `ordinal`-th found by check `kind` on entity `source`, packed as
  // kind << 56 | source << 24 | ordinal (8 bytes a gap, 2.2 million on the nation), so that
  // packed values order as (kind, source, ordinal): the order the checks found them.
  using Ref = std::uint64_t;

 private:
  friend GapAudit audit_gaps(const OrgGraph& graph, const GapOptions& options);
  Gap& format(std::size_t i, std::vector<Gap>& scratch) const;
  std::shared_ptr<const State> state_;
  std::vector<Ref> refs_;
};

// The audit, texts formatted on demand: what the gaps command and the batch job write from.
// Parallel over units, branches, orgs and people (par::for_range), deterministic.
GapAudit audit_gaps(const OrgGraph& graph, const GapOptions& options = {});

// The audit with every gap formatted: audit_gaps(graph, options).report().
GapReport gaps(const OrgGraph& graph, const GapOptions& options = {});

// Units whose supervision chain is complete (it reaches the city's organization department) and
// in no cycle: 1 at their index, 0 otherwise. The units gaps names as the one to take over; joint
// branches prefers them as the proposed superior.
std::vector<std::uint8_t> units_with_complete_chain(const OrgGraph& graph);

// Serial reference for tests: same rules, computed with plain loops; supervision cycles and
// chain completeness found by per-unit searches instead of strong components and one BFS.
// Quadratic in the number of units: small graphs only.
GapReport gaps_reference(const OrgGraph& graph, const GapOptions& options = {});

}  // namespace orgraph

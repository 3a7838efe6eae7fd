// Counts of every entity and relation in a graph, with the breakdowns planners ask first
// (areas by level, units by line, organizations by kind and status, people by party status,
// branches by form). Exporters' tests compare their node and edge counts to these.
#pragma once

#include <array>
#include <cstdint>

#include "engine/graph.hpp"

namespace orgraph {

struct GraphStats {
  std::array<std::uint64_t, 4> areas_by_level{};
  std::array<std::uint64_t, 4> units_by_line{};
  std::array<std::uint64_t, 4> orgs_by_kind{};
  std::array<std::uint64_t, 3> orgs_by_status{};
  std::array<std::uint64_t, 3> people_by_status{};
  std::array<std::uint64_t, 5> branches_by_form{};
  std::uint64_t areas = 0, units = 0, orgs = 0, people = 0, branches = 0, industries = 0;
  std::uint64_t affiliations = 0, branch_coverage = 0, party_relations = 0;
  std::uint64_t unit_supervision = 0, branch_supervision = 0, instructors = 0, competent = 0;
  std::uint64_t covered_orgs = 0, work_covered_orgs = 0;
  std::uint64_t memory_bytes = 0;
};

GraphStats graph_stats(const OrgGraph& graph);

}  // namespace orgraph

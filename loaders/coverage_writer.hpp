// Writers for the coverage survey (queries/coverage.hpp): JSON with the keys of contracts.md
// section 4 (and more), CSV with one row per group after a total row, and a terminal table.
#pragma once

#include <string>

#include "engine/graph.hpp"
#include "queries/coverage.hpp"

namespace orgraph {

std::string coverage_json(const OrgGraph& graph, const CoverageReport& report);
std::string coverage_csv(const OrgGraph& graph, const CoverageReport& report);
std::string coverage_table(const OrgGraph& graph, const CoverageReport& report);

}  // namespace orgraph

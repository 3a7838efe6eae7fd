#include "queries/stats.hpp"

namespace orgraph {

GraphStats graph_stats(const OrgGraph& g) {
  GraphStats s;
  s.areas = g.areas.size();
  s.units = g.units.size();
  s.orgs = g.orgs.size();
  s.people = g.people.size();
  s.branches = g.branches.size();
  s.industries = g.industry_names.size();
  for (const auto& a : g.areas) ++s.areas_by_level[static_cast<int>(a.level)];
  for (const auto& u : g.units) ++s.units_by_line[static_cast<int>(u.line)];
  for (const auto& o : g.orgs) {
    ++s.orgs_by_kind[static_cast<int>(o.kind)];
    ++s.orgs_by_status[static_cast<int>(o.status)];
    s.covered_orgs += o.covered ? 1 : 0;
    s.work_covered_orgs += o.work_covered ? 1 : 0;
  }
  for (const auto& p : g.people) ++s.people_by_status[static_cast<int>(p.party_status)];
  for (const auto& b : g.branches) ++s.branches_by_form[static_cast<int>(b.form)];
  s.affiliations = g.org_people.entries();
  s.branch_coverage = g.branch_orgs.entries();
  s.party_relations = g.branch_people.entries();
  s.unit_supervision = g.unit_sub_units.entries();
  s.branch_supervision = g.unit_sub_branches.entries();
  s.instructors = g.org_instructor_units.entries();
  s.competent = g.unit_competent_orgs.entries();
  s.memory_bytes = g.memory_bytes();
  return s;
}

}  // namespace orgraph

// Tests of the responsibility-gap audit: one drawn fixture per code (and a clean one with no
// gap at all), cycles of length 1, 2 and 4, the tiny city against expected.json, the parallel
// path against the serial reference on a generated city at 1, 2 and 8 threads, and --severity.
#include "queries/gaps.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine/parallel.hpp"
#include "loaders/gaps_writer.hpp"
#include "loaders/generator.hpp"
#include "loaders/json_out.hpp"
#include "support/test_support.hpp"

namespace orgraph {
namespace {

using testing::city_from_csv;
using Files = std::map<std::string, std::string>;

// code -> subjects (first entity of each gap), sorted.
std::map<std::string, std::vector<std::string>> subjects(const GapReport& r) {
  std::map<std::string, std::vector<std::string>> out;
  for (const Gap& g : r.gaps) out[std::string(to_string(g.code))].push_back(g.entities.at(0));
  for (auto& [code, list] : out) std::sort(list.begin(), list.end());
  return out;
}

std::vector<const Gap*> of_code(const GapReport& r, GapCode code) {
  std::vector<const Gap*> out;
  for (const Gap& g : r.gaps) {
    if (g.code == code) out.push_back(&g);
  }
  return out;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A small city with a complete hierarchy and one healthy branch: ORG -> CA -> CAD1 -> ST1 -> B1,
// B1 covers O1 (street-registered, in Willow community of River Street) with 3 full members.
Files clean_city() {
  return {
      {"areas.csv",
       "id,name,level,parent_id\n"
       "C,Demo City,city,\n"
       "D1,East District,district,C\n"
       "D2,West District,district,C\n"
       "S1,River Street,street,D1\n"
       "S2,Bell Street,street,D1\n"
       "S3,Lake Town,street,D2\n"
       "K1,Willow Community,community,S1\n"
       "K2,Tower Community,community,S2\n"
       "K3,Harbour Village,community,S3\n"},
      {"units.csv",
       "id,name,line,level,area_id,industry\n"
       "ORG,City Organization Department,organization,city,C,\n"
       "CA,City Social Organizations Committee,civil_affairs,city,C,\n"
       "CAD1,East District Civil Affairs Committee,civil_affairs,district,D1,\n"
       "ST1,River Street Working Committee,community,street,S1,\n"},
      {"organizations.csv",
       "id,name,kind,industry,registration_level,area_id,competent_unit_id,status\n"
       "O1,Willow Reading Club,community_group,culture,street,K1,,active\n"},
      {"people.csv",
       "id,name,party_status\n"
       "P1,Alpha Person,full\n"
       "P2,Beta Person,full\n"
       "P3,Gamma Person,full\n"},
      {"affiliations.csv",
       "person_id,org_id,role\n"
       "P1,O1,leader\n"
       "P2,O1,staff\n"
       "P3,O1,staff\n"},
      {"branches.csv", "id,name,form\nB1,Willow Reading Club Branch,branch\n"},
      {"branch_coverage.csv", "branch_id,org_id\nB1,O1\n"},
      {"party_relations.csv", "person_id,branch_id\nP1,B1\nP2,B1\nP3,B1\n"},
      {"supervision.csv",
       "superior_unit_id,subordinate_kind,subordinate_id\n"
       "ORG,unit,CA\n"
       "CA,unit,CAD1\n"
       "CAD1,unit,ST1\n"
       "ST1,branch,B1\n"},
  };
}

void replace(Files& f, const std::string& file, const std::string& from, const std::string& to) {
  auto& text = f.at(file);
  const auto pos = text.find(from);
  ASSERT_NE(pos, std::string::npos) << from << " not in " << file;
  text.replace(pos, from.size(), to);
}

GapReport audit(const Files& files, const GapOptions& options = {}) {
  const OrgGraph g = city_from_csv(files);
  GapReport fast = gaps(g, options);
  GapReport ref = gaps_reference(g, options);
  EXPECT_EQ(gaps_json(fast), gaps_json(ref)) << "parallel and reference disagree";
  return fast;
}

using Subjects = std::map<std::string, std::vector<std::string>>;

TEST(Gaps, CleanCityHasNoGap) {
  const GapReport r = audit(clean_city());
  EXPECT_TRUE(r.gaps.empty()) << gaps_table(r);
  for (auto c : r.by_code) EXPECT_EQ(c, 0u);
}

TEST(Gaps, EmptyCityAndCityWithoutUnits) {
  EXPECT_TRUE(audit({}).gaps.empty());
  Files f = clean_city();
  f["units.csv"] = "id,name,line,level,area_id,industry\n";
  f["supervision.csv"] = "superior_unit_id,subordinate_kind,subordinate_id\n";
  f["organizations.csv"] += "O2,Willow Chess Club,community_group,sports,street,K1,,active\n";
  const GapReport r = audit(f);
  EXPECT_EQ(subjects(r),
            (Subjects{{"orphan_branch", {"branch:B1"}}, {"no_responsible_unit", {"org:O2"}}}));
  // With no unit at all the suggestions say so instead of naming one.
  for (const Gap& g : r.gaps) EXPECT_FALSE(g.suggestion.empty());
}

TEST(Gaps, OrphanBranch) {
  Files f = clean_city();
  replace(f, "supervision.csv", "ST1,branch,B1\n", "");
  const GapReport r = audit(f);
  EXPECT_EQ(subjects(r), (Subjects{{"orphan_branch", {"branch:B1"}}}));
  const auto g = of_code(r, GapCode::orphan_branch);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0]->severity, Severity::error);
  EXPECT_TRUE(contains(g[0]->message, "Willow Reading Club Branch"));
  // The street working committee of the street of O1 (street-registered) takes it.
  EXPECT_TRUE(contains(g[0]->suggestion, "ST1 (River Street Working Committee"))
      << g[0]->suggestion;
  EXPECT_EQ(g[0]->district, "D1");
}

TEST(Gaps, MultipleSuperiorsOfBranch) {
  Files f = clean_city();
  f["supervision.csv"] += "CAD1,branch,B1\n";
  const GapReport r = audit(f);
  EXPECT_EQ(subjects(r), (Subjects{{"multiple_superiors", {"branch:B1"}}}));
  const auto g = of_code(r, GapCode::multiple_superiors);
  EXPECT_EQ(g[0]->entities, (std::vector<std::string>{"branch:B1", "unit:CAD1", "unit:ST1"}));
  // Both fit; the nearer one (street committee) is kept.
  EXPECT_TRUE(contains(g[0]->suggestion, "keep ST1")) << g[0]->suggestion;
  EXPECT_TRUE(contains(g[0]->suggestion, "remove CAD1")) << g[0]->suggestion;
}

TEST(Gaps, MultipleSuperiorsOfUnit) {
  Files f = clean_city();
  f["supervision.csv"] += "CA,unit,ST1\n";
  const GapReport r = audit(f);
  EXPECT_EQ(subjects(r), (Subjects{{"multiple_superiors", {"unit:ST1"}}}));
  const auto g = of_code(r, GapCode::multiple_superiors);
  EXPECT_TRUE(contains(g[0]->suggestion, "keep CAD1")) << g[0]->suggestion;
  EXPECT_TRUE(contains(g[0]->suggestion, "remove CA ")) << g[0]->suggestion;
}

TEST(Gaps, SelfSupervisionIsOneCycleAndNotBrokenChain) {
  Files f = clean_city();
  f["units.csv"] += "LOOP,West District Civil Affairs Committee,civil_affairs,district,D2,\n";
  f["supervision.csv"] += "LOOP,unit,LOOP\n";
  const GapReport r = audit(f);
  EXPECT_EQ(subjects(r), (Subjects{{"supervision_cycle", {"unit:LOOP"}}}));
  const auto g = of_code(r, GapCode::supervision_cycle);
  EXPECT_EQ(g[0]->entities, (std::vector<std::string>{"unit:LOOP"}));
  EXPECT_TRUE(contains(g[0]->message, "supervises itself"));
  // The right parent of the same line: the city civil-affairs committee.
  EXPECT_TRUE(contains(g[0]->suggestion, "attach LOOP to CA ")) << g[0]->suggestion;
  EXPECT_EQ(g[0]->district, "D2");
}

// A branch covering only deregistered orgs needs no superior: the suggestion is to dissolve it,
// not to put it under a unit "with jurisdiction over" an org that no longer exists.
TEST(Gaps, OrphanBranchOfDeregisteredOrgsIsToBeDissolved) {
  Files f = clean_city();
  f["organizations.csv"] += "OD,Closed Chess Club,community_group,culture,street,K1,,deregistered\n";
  f["branches.csv"] += "BX,Closed Chess Club Branch,branch\n";
  f["branch_coverage.csv"] += "BX,OD\n";
  const GapReport r = audit(f);
  const auto orphans = of_code(r, GapCode::orphan_branch);
  ASSERT_EQ(orphans.size(), 1u) << gaps_table(r);
  EXPECT_TRUE(contains(orphans[0]->suggestion, "covers only deregistered organizations: dissolve"))
      << orphans[0]->suggestion;
}

TEST(Gaps, TwoCycleWithUnitBelowIt) {
  Files f = clean_city();
  f["units.csv"] +=
      "A,West District Civil Affairs Committee,civil_affairs,district,D2,\n"
      "B,Lake Town Working Committee,community,street,S3,\n"
      "BELOW,Harbour Village Committee,community,community,K3,\n";
  f["supervision.csv"] += "A,unit,B\nB,unit,A\nB,unit,BELOW\n";
  const GapReport r = audit(f);
  const auto s = subjects(r);
  // The cycle once, with both units; BELOW is a broken chain ending in the cycle; A and B are
  // not broken chains. B (street) supervising the district unit A is left to the cycle gap,
  // not repeated as level or territory mismatch.
  const auto cycles = of_code(r, GapCode::supervision_cycle);
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(cycles[0]->entities, (std::vector<std::string>{"unit:A", "unit:B"}));
  EXPECT_EQ(s.at("broken_chain"), (std::vector<std::string>{"unit:BELOW"}));
  EXPECT_TRUE(contains(of_code(r, GapCode::broken_chain)[0]->message, "supervision cycle of A"));
  EXPECT_EQ(s.size(), 2u) << gaps_table(r);
  // The suggestion cuts the edge into the top unit A and attaches A to CA.
  EXPECT_TRUE(contains(cycles[0]->suggestion, "remove the supervision of A by B"))
      << cycles[0]->suggestion;
  EXPECT_TRUE(contains(cycles[0]->suggestion, "attach A to CA ")) << cycles[0]->suggestion;
}

TEST(Gaps, FourCycleReportedOnceWithAllUnits) {
  Files f = clean_city();
  f["units.csv"] +=
      "U1,Unit One,civil_affairs,district,D2,\n"
      "U2,Unit Two,civil_affairs,district,D2,\n"
      "U3,Unit Three,civil_affairs,district,D2,\n"
      "U4,Unit Four,civil_affairs,district,D2,\n";
  f["supervision.csv"] += "U1,unit,U2\nU2,unit,U3\nU3,unit,U4\nU4,unit,U1\n";
  const GapReport r = audit(f);
  EXPECT_EQ(subjects(r), (Subjects{{"supervision_cycle", {"unit:U1"}}}));
  EXPECT_EQ(of_code(r, GapCode::supervision_cycle)[0]->entities,
            (std::vector<std::string>{"unit:U1", "unit:U2", "unit:U3", "unit:U4"}));
}

// A unit below a long cycle names the cycle by its first three units and a count (every unit of
// a long tail repeated the whole cycle: a 1,000-unit cycle over a 1,000-unit tail made 20 MB),
// and its entities end with the cycle's first unit, as for a chain ending at a unit.
TEST(Gaps, BrokenChainBelowALongCycleNamesTheCycleShortly) {
  Files f = clean_city();
  std::string sup;
  for (int i = 0; i < 10; ++i) {
    f["units.csv"] += "C" + std::to_string(i) + ",Cycle Unit " + std::to_string(i) +
                      ",civil_affairs,district,D2,\n";
    sup += "C" + std::to_string(i) + ",unit,C" + std::to_string((i + 1) % 10) + "\n";
  }
  f["units.csv"] += "TAIL,Tail Unit,civil_affairs,district,D2,\n";
  f["supervision.csv"] += sup + "C5,unit,TAIL\n";
  const GapReport r = audit(f);
  const auto broken = of_code(r, GapCode::broken_chain);
  ASSERT_EQ(broken.size(), 1u) << gaps_table(r);
  EXPECT_EQ(broken[0]->entities, (std::vector<std::string>{"unit:TAIL", "unit:C0"}));
  EXPECT_TRUE(contains(broken[0]->message,
                       "supervision cycle of C0 (Cycle Unit 0), C1 (Cycle Unit 1), C2 (Cycle "
                       "Unit 2) and 7 more unit(s)"))
      << broken[0]->message;
  EXPECT_FALSE(contains(broken[0]->message, "C3")) << broken[0]->message;
}

TEST(Gaps, CycleAttachedToTheTopIsStillACycleButNotBroken) {
  Files f = clean_city();
  // CAD1 <-> ST1 with CAD1 still under CA: both complete, one cycle.
  f["supervision.csv"] += "ST1,unit,CAD1\n";
  const GapReport r = audit(f);
  const auto s = subjects(r);
  EXPECT_EQ(s.at("supervision_cycle"), (std::vector<std::string>{"unit:CAD1"}));
  EXPECT_EQ(s.count("broken_chain"), 0u);
  EXPECT_TRUE(contains(of_code(r, GapCode::supervision_cycle)[0]->suggestion,
                       "keeps its superior outside the cycle"));
}

TEST(Gaps, BrokenChainRootAndUnitBelowIt) {
  Files f = clean_city();
  f["units.csv"] +=
      "CUL,East District Culture Committee,industry,district,D1,culture\n"
      "CULS,River Street Culture Group,industry,street,S1,culture\n";
  f["supervision.csv"] += "CUL,unit,CULS\n";
  const GapReport r = audit(f);
  EXPECT_EQ(subjects(r), (Subjects{{"broken_chain", {"unit:CUL", "unit:CULS"}}}));
  const auto g = of_code(r, GapCode::broken_chain);
  EXPECT_EQ(g[0]->entities, (std::vector<std::string>{"unit:CUL"}));
  EXPECT_TRUE(contains(g[0]->suggestion, "attach CUL (East District Culture Committee) to ORG "))
      << g[0]->suggestion;
  EXPECT_EQ(g[1]->entities, (std::vector<std::string>{"unit:CULS", "unit:CUL"}));
  EXPECT_TRUE(contains(g[1]->message, "ends at CUL")) << g[1]->message;
}

TEST(Gaps, BrokenChainAlsoWhenThereIsNoOrganizationDepartment) {
  Files f = clean_city();
  replace(f, "units.csv", "ORG,City Organization Department,organization,city,C,\n", "");
  replace(f, "supervision.csv", "ORG,unit,CA\n", "");
  const GapReport r = audit(f);
  EXPECT_EQ(subjects(r).at("broken_chain"),
            (std::vector<std::string>{"unit:CA", "unit:CAD1", "unit:ST1"}));
}

TEST(Gaps, LevelMismatchOfBranch) {
  Files f = clean_city();
  replace(f, "organizations.csv", "culture,street,K1", "culture,district,K1");
  const GapReport r = audit(f);
  EXPECT_EQ(subjects(r), (Subjects{{"level_mismatch", {"branch:B1"}}}));
  const auto g = of_code(r, GapCode::level_mismatch);
  EXPECT_EQ(g[0]->entities, (std::vector<std::string>{"branch:B1", "unit:ST1", "org:O1"}));
  EXPECT_EQ(g[0]->severity, Severity::warning);
  EXPECT_TRUE(contains(g[0]->suggestion, "put it under CAD1")) << g[0]->suggestion;
}

TEST(Gaps, LevelMismatchOfUnit) {
  Files f = clean_city();
  f["units.csv"] += "CAD9,East District Second Committee,civil_affairs,district,D1,\n";
  f["supervision.csv"] += "ST1,unit,CAD9\n";
  const GapReport r = audit(f);
  const auto s = subjects(r);
  EXPECT_EQ(s.at("level_mismatch"), (std::vector<std::string>{"unit:CAD9"}));
  // The street's area does not contain the district either.
  EXPECT_EQ(s.at("territory_mismatch"), (std::vector<std::string>{"unit:CAD9"}));
  EXPECT_EQ(s.size(), 2u) << gaps_table(r);
  EXPECT_TRUE(contains(of_code(r, GapCode::level_mismatch)[0]->suggestion, "attach CAD9"));
}

TEST(Gaps, JurisdictionMismatch) {
  Files f = clean_city();
  replace(f, "organizations.csv", "culture,street,K1", "culture,street,K2");
  const GapReport r = audit(f);
  EXPECT_EQ(subjects(r), (Subjects{{"jurisdiction_mismatch", {"branch:B1"}}}));
  const auto g = of_code(r, GapCode::jurisdiction_mismatch);
  EXPECT_TRUE(contains(g[0]->message, "Tower Community")) << g[0]->message;
  // Bell Street has no working committee: the district committee has jurisdiction.
  EXPECT_TRUE(contains(g[0]->suggestion, "put it under CAD1")) << g[0]->suggestion;
}

TEST(Gaps, NoResponsibleUnit) {
  Files f = clean_city();
  f["organizations.csv"] += "O2,Willow Chess Club,community_group,sports,street,K1,,active\n";
  const GapReport r = audit(f);
  EXPECT_EQ(subjects(r), (Subjects{{"no_responsible_unit", {"org:O2"}}}));
  const auto g = of_code(r, GapCode::no_responsible_unit);
  EXPECT_TRUE(contains(g[0]->suggestion, "assign an instructor from ST1")) << g[0]->suggestion;
  // A competent unit, an instructor or a deregistered status each remove the gap.
  for (const std::string& row :
       {std::string("O2,Willow Chess Club,community_group,sports,street,K1,CAD1,active\n"),
        std::string("O2,Willow Chess Club,community_group,sports,street,K1,,deregistered\n")}) {
    Files h = clean_city();
    h["organizations.csv"] += row;
    EXPECT_TRUE(audit(h).gaps.empty()) << row;
  }
}

TEST(Gaps, UndersizedBranch) {
  Files f = clean_city();
  replace(f, "people.csv", "P3,Gamma Person,full", "P3,Gamma Person,probationary");
  const GapReport r = audit(f);
  EXPECT_EQ(subjects(r), (Subjects{{"undersized_branch", {"branch:B1"}}}));
  // A temporary branch is never undersized.
  replace(f, "branches.csv", ",branch\n", ",temporary_branch\n");
  EXPECT_TRUE(audit(f).gaps.empty());
}

// Adds `count` party members with relations to `branch` (not on any staff).
void add_members(Files& f, const std::string& branch, int count, const std::string& status,
                 const std::string& tag = "") {
  for (int i = 0; i < count; ++i) {
    const std::string id = "M" + branch + tag + "_" + std::to_string(i);
    f["people.csv"] += id + ",Member " + std::to_string(i) + "," + status + "\n";
    f["party_relations.csv"] += id + "," + branch + "\n";
  }
}

TEST(Gaps, OversizedBranch) {
  Files f = clean_city();
  add_members(f, "B1", 48, "probationary");  // 3 + 48 = 51 party members
  GapReport r = audit(f);
  EXPECT_EQ(subjects(r), (Subjects{{"oversized_branch", {"branch:B1"}}}));
  EXPECT_TRUE(contains(of_code(r, GapCode::oversized_branch)[0]->suggestion, "general branch"));
  // 50 is still fine.
  Files h = clean_city();
  add_members(h, "B1", 47, "full");
  EXPECT_TRUE(audit(h).gaps.empty());
  // 100 or more: a committee.
  add_members(f, "B1", 49, "full", "more");
  r = audit(f);
  EXPECT_TRUE(contains(of_code(r, GapCode::oversized_branch)[0]->suggestion, "party committee"));
}

TEST(Gaps, JointBranchTooWide) {
  Files f = clean_city();
  f["branches.csv"] += "J1,River Street Joint Branch,joint_branch\n";
  f["supervision.csv"] += "ST1,branch,J1\n";
  add_members(f, "J1", 3, "full");
  for (int i = 2; i <= 7; ++i) {
    const std::string id = "O" + std::to_string(i);
    f["organizations.csv"] += id + ",Club " + id + ",community_group,culture,street,K1,,active\n";
    f["branch_coverage.csv"] += "J1," + id + "\n";
  }
  GapReport r = audit(f);
  EXPECT_EQ(subjects(r), (Subjects{{"joint_branch_too_wide", {"branch:J1"}}}));
  EXPECT_EQ(of_code(r, GapCode::joint_branch_too_wide)[0]->entities.size(), 7u);
  // With the limit raised to 6 it is fine.
  GapOptions wide;
  wide.max_joint_units = 6;
  EXPECT_TRUE(audit(f, wide).gaps.empty());
}

TEST(Gaps, InactiveCoverage) {
  Files f = clean_city();
  replace(f, "organizations.csv", "K1,,active", "K1,,deregistered");
  const GapReport r = audit(f);
  EXPECT_EQ(subjects(r), (Subjects{{"inactive_coverage", {"branch:B1"}}}));
  EXPECT_EQ(of_code(r, GapCode::inactive_coverage)[0]->entities,
            (std::vector<std::string>{"branch:B1", "org:O1"}));
}

TEST(Gaps, DuplicateRelationNamesThePersonOnlyById) {
  Files f = clean_city();
  f["organizations.csv"] += "O2,Willow Dance Troupe,community_group,culture,street,K1,,active\n";
  f["branches.csv"] += "B2,Willow Dance Troupe Branch,branch\n";
  f["branch_coverage.csv"] += "B2,O2\n";
  f["supervision.csv"] += "ST1,branch,B2\n";
  f["party_relations.csv"] += "P1,B2\n";
  add_members(f, "B2", 2, "full");
  const GapReport r = audit(f);
  EXPECT_EQ(subjects(r), (Subjects{{"duplicate_relation", {"person:P1"}}}));
  const auto g = of_code(r, GapCode::duplicate_relation);
  EXPECT_EQ(g[0]->entities, (std::vector<std::string>{"person:P1", "branch:B1", "branch:B2"}));
  EXPECT_FALSE(contains(g[0]->message, "Alpha"));
  EXPECT_FALSE(contains(g[0]->suggestion, "Alpha"));
  // P1 leads O1, which B1 covers: keep that one.
  EXPECT_TRUE(contains(g[0]->suggestion, "keep the relation in B1")) << g[0]->suggestion;
}

TEST(Gaps, TerritoryMismatch) {
  Files f = clean_city();
  f["units.csv"] += "CAD2,West District Civil Affairs Committee,civil_affairs,district,D2,\n";
  f["supervision.csv"] += "CA,unit,CAD2\n";
  replace(f, "supervision.csv", "ST1,branch,B1", "CAD2,branch,B1");
  const GapReport r = audit(f);
  EXPECT_EQ(subjects(r), (Subjects{{"territory_mismatch", {"branch:B1"}}}));
  EXPECT_TRUE(contains(of_code(r, GapCode::territory_mismatch)[0]->suggestion, "put it under ST1"));
}

TEST(Gaps, IndustryMismatch) {
  Files f = clean_city();
  f["units.csv"] += "EDU1,East District Education Committee,industry,district,D1,education\n";
  f["supervision.csv"] += "ORG,unit,EDU1\n";
  replace(f, "supervision.csv", "ST1,branch,B1", "EDU1,branch,B1");
  const GapReport r = audit(f);
  EXPECT_EQ(subjects(r), (Subjects{{"industry_mismatch", {"branch:B1"}}}));
  EXPECT_EQ(of_code(r, GapCode::industry_mismatch)[0]->severity, Severity::info);
}

TEST(Gaps, ShouldBuildBranch) {
  Files f = clean_city();
  f["organizations.csv"] += "O2,Willow Choir,community_group,culture,street,K1,CAD1,active\n";
  f["people.csv"] += "P4,D,full\nP5,E,full\nP6,F,full\n";
  f["affiliations.csv"] += "P4,O2,staff\nP5,O2,staff\nP6,O2,leader\n";
  f["party_relations.csv"] += "P4,B1\nP5,B1\nP6,B1\n";  // floating members of B1
  const GapReport r = audit(f);
  EXPECT_EQ(subjects(r), (Subjects{{"should_build_branch", {"org:O2"}}}));
  EXPECT_TRUE(contains(of_code(r, GapCode::should_build_branch)[0]->suggestion, "under ST1"));
}

TEST(Gaps, EmptyBranch) {
  Files f = clean_city();
  f["branches.csv"] += "B2,Forgotten Branch,branch\n";
  f["supervision.csv"] += "ST1,branch,B2\n";
  add_members(f, "B2", 3, "full");
  const GapReport r = audit(f);
  EXPECT_EQ(subjects(r), (Subjects{{"empty_branch", {"branch:B2"}}}));
}

TEST(Gaps, FormMismatch) {
  Files f = clean_city();
  replace(f, "branches.csv", ",branch\n", ",committee\n");
  const GapReport r = audit(f);
  EXPECT_EQ(subjects(r), (Subjects{{"form_mismatch", {"branch:B1"}}}));
  EXPECT_TRUE(contains(of_code(r, GapCode::form_mismatch)[0]->suggestion, "to branch"));
}

TEST(Gaps, OverloadedUnit) {
  Files f = clean_city();
  // Three more street committees with one branch each; ST1 gets 24 more.
  f["units.csv"] +=
      "ST2,Bell Street Working Committee,community,street,S2,\n"
      "ST3,Lake Town Working Committee,community,street,S3,\n";
  f["units.csv"] += "CAD2,West District Civil Affairs Committee,civil_affairs,district,D2,\n";
  f["supervision.csv"] += "CA,unit,CAD2\nCAD1,unit,ST2\nCAD2,unit,ST3\n";
  auto add_branch = [&](const std::string& id, const std::string& unit, const std::string& area) {
    f["organizations.csv"] +=
        "O" + id + ",Club " + id + ",community_group,culture,street," + area + ",,active\n";
    f["branches.csv"] += "B" + id + ",Club " + id + " Branch,branch\n";
    f["branch_coverage.csv"] += "B" + id + ",O" + id + "\n";
    f["supervision.csv"] += unit + ",branch,B" + id + "\n";
    add_members(f, "B" + id, 3, "full");
  };
  add_branch("x2", "ST2", "K2");
  add_branch("x3", "ST3", "K3");
  for (int i = 0; i < 20; ++i) add_branch("y" + std::to_string(i), "ST1", "K1");
  // ST1 has 21 branches, the median of the street committees is 1: overloaded.
  GapReport r = audit(f);
  EXPECT_EQ(subjects(r), (Subjects{{"overloaded_unit", {"unit:ST1"}}}));
  // At the default minimum of 20 branches, 20 are not enough.
  replace(f, "supervision.csv", "ST1,branch,By19\n", "");
  r = audit(f);
  EXPECT_EQ(subjects(r), (Subjects{{"orphan_branch", {"branch:By19"}}}));
}

TEST(Gaps, InstructorOnly) {
  Files f = clean_city();
  f["organizations.csv"] += "O2,Willow Chess Club,community_group,sports,street,K1,,active\n";
  f["instructors.csv"] = "unit_id,org_id,person_id\nST1,O2,\n";
  const GapReport r = audit(f);
  EXPECT_EQ(subjects(r), (Subjects{{"instructor_only", {"org:O2"}}}));
  EXPECT_EQ(of_code(r, GapCode::instructor_only)[0]->entities,
            (std::vector<std::string>{"org:O2", "unit:ST1"}));
}

TEST(Gaps, OptionsAreChecked) {
  const OrgGraph g = city_from_csv(clean_city());
  GapOptions o;
  o.max_joint_units = 1;
  EXPECT_THROW(gaps(g, o), std::invalid_argument);
  o = {};
  o.min_full = 0;
  EXPECT_THROW(gaps(g, o), std::invalid_argument);
  EXPECT_THROW(parse_severity("fatal"), std::invalid_argument);
  EXPECT_EQ(parse_severity("warning"), Severity::warning);
}

// ---------------------------------------------------------------------------------------------
// The tiny city against the hand-worked answers of expected.json (read at run time).
rapidjson::Document expected_json() {
  rapidjson::Document doc;
  const std::string text = testing::read_text(testing::tiny_city_dir() + "/expected.json");
  doc.Parse(text.c_str());
  EXPECT_FALSE(doc.HasParseError());
  return doc;
}

TEST(Gaps, TinyCityMatchesExpected) {
  const OrgGraph g = load_city(testing::tiny_city_dir());
  const GapReport r = gaps(g);
  EXPECT_EQ(gaps_json(r), gaps_json(gaps_reference(g)));
  const auto got = subjects(r);
  const rapidjson::Document doc = expected_json();
  ASSERT_TRUE(doc.HasMember("gaps"));
  const auto& expected = doc["gaps"];
  std::set<std::string> listed;
  for (auto it = expected.MemberBegin(); it != expected.MemberEnd(); ++it) {
    const std::string code = it->name.GetString();
    listed.insert(code);
    ASSERT_TRUE(parse_gap_code(code).has_value()) << code;
    if (code == "supervision_cycle") {
      std::vector<std::vector<std::string>> want, have;
      for (const auto& cycle : it->value.GetArray()) {
        std::vector<std::string> units;
        for (const auto& u : cycle.GetArray()) units.push_back(u.GetString());
        std::sort(units.begin(), units.end());
        want.push_back(units);
      }
      for (const Gap* gap : of_code(r, GapCode::supervision_cycle)) {
        std::vector<std::string> units;
        for (const auto& e : gap->entities) {
          ASSERT_EQ(e.rfind("unit:", 0), 0u) << e;
          units.push_back(e.substr(5));
        }
        have.push_back(units);
      }
      std::sort(want.begin(), want.end());
      std::sort(have.begin(), have.end());
      EXPECT_EQ(have, want);
      continue;
    }
    std::vector<std::string> want;
    for (const auto& e : it->value.GetArray()) want.push_back(e.GetString());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got.count(code) ? got.at(code) : std::vector<std::string>{}, want) << code;
  }
  // The contract codes expected.json does not list (not exercised) must not appear.
  for (std::size_t c = 0; c <= static_cast<std::size_t>(GapCode::duplicate_relation); ++c) {
    const std::string code(to_string(static_cast<GapCode>(c)));
    if (!listed.count(code)) {
      EXPECT_EQ(got.count(code), 0u) << code;
    }
  }
  EXPECT_GE(listed.size(), 10u);
}

TEST(Gaps, SeverityFilterIsAMinimum) {
  const OrgGraph g = load_city(testing::tiny_city_dir());
  const GapReport all = gaps(g);
  std::array<std::size_t, 3> count{};
  for (const Gap& gap : all.gaps) ++count[static_cast<int>(gap.severity)];
  ASSERT_GT(count[0], 0u);
  ASSERT_GT(count[1], 0u);
  ASSERT_GT(count[2], 0u);
  GapOptions o;
  o.min_severity = Severity::error;
  const GapReport errors = gaps(g, o);
  EXPECT_EQ(errors.gaps.size(), count[0]);
  for (const Gap& gap : errors.gaps) EXPECT_EQ(gap.severity, Severity::error);
  o.min_severity = Severity::warning;
  const GapReport warnings = gaps(g, o);
  EXPECT_EQ(warnings.gaps.size(), count[0] + count[1]);
  for (const Gap& gap : warnings.gaps) EXPECT_NE(gap.severity, Severity::info);
  // The summary lists exactly the admitted codes.
  rapidjson::Document doc;
  doc.Parse(gaps_json(errors).c_str());
  ASSERT_TRUE(doc["summary"].IsObject());
  EXPECT_TRUE(doc["summary"].HasMember("orphan_branch"));
  EXPECT_FALSE(doc["summary"].HasMember("level_mismatch"));
  EXPECT_FALSE(doc["summary"].HasMember("instructor_only"));
}

TEST(Gaps, JsonHasTheContractKeys) {
  const OrgGraph g = load_city(testing::tiny_city_dir());
  const GapReport r = gaps(g);
  rapidjson::Document doc;
  doc.Parse(gaps_json(r).c_str());
  ASSERT_FALSE(doc.HasParseError());
  ASSERT_TRUE(doc["gaps"].IsArray());
  ASSERT_EQ(doc["gaps"].Size(), r.gaps.size());
  for (const auto& gap : doc["gaps"].GetArray()) {
    for (const char* key : {"code", "severity", "message", "suggestion"}) {
      ASSERT_TRUE(gap.HasMember(key) && gap[key].IsString()) << key;
    }
    ASSERT_TRUE(gap["entities"].IsArray());
    for (const auto& e : gap["entities"].GetArray()) {
      const std::string key = e.GetString();
      const std::string kind = key.substr(0, key.find(':'));
      EXPECT_TRUE(kind == "area" || kind == "unit" || kind == "org" || kind == "branch" ||
                  kind == "person")
          << key;
    }
  }
  for (std::size_t c = 0; c < kGapCodeCount; ++c) {
    const std::string code(to_string(static_cast<GapCode>(c)));
    ASSERT_TRUE(doc["summary"].HasMember(code.c_str())) << code;
    EXPECT_TRUE(doc["summary"][code.c_str()].IsUint64() &&
                doc["summary"][code.c_str()].GetUint64() == r.by_code[c]);
  }
  // by_district: the tiny city's two districts plus "none" (the city-level cycle? no: LOOP is
  // in D2); every count adds up to the total.
  std::uint64_t sum = 0;
  for (auto it = doc["by_district"].MemberBegin(); it != doc["by_district"].MemberEnd(); ++it) {
    for (auto c = it->value.MemberBegin(); c != it->value.MemberEnd(); ++c) {
      sum += c->value.GetUint64();
    }
  }
  EXPECT_EQ(sum, r.gaps.size());
  EXPECT_TRUE(doc["by_district"].HasMember("D1"));
  EXPECT_TRUE(doc["by_district"]["D1"]["no_responsible_unit"].GetUint64() == 4);
}

TEST(Gaps, NoPersonNameInAnyOutput) {
  const OrgGraph g = load_city(testing::tiny_city_dir());
  const GapReport r = gaps(g);
  const std::string all = gaps_json(r) + gaps_csv(r) + gaps_table(r);
  for (Id p = 0; p < g.people.size(); ++p) {
    EXPECT_FALSE(contains(all, std::string(g.person_names[p]))) << g.person_names[p];
  }
}

// ---------------------------------------------------------------------------------------------
// A generated city with every kind of defect, big enough for several blocks per entity table.
Files random_city(std::uint32_t seed, int n_orgs, int n_units_extra) {
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  const std::vector<std::string> industries{"education", "health", "culture", "law", "sports"};
  Files f = testing::empty_city();
  std::string& areas = f["areas.csv"];
  areas += "C,City,city,,,\n";
  const int districts = 4, streets_per = 5, communities_per = 4;
  std::vector<std::string> district_ids, street_ids, community_ids;
  for (int d = 0; d < districts; ++d) {
    const std::string did = "D" + std::to_string(d);
    district_ids.push_back(did);
    areas += did + ",District " + did + ",district,C,,\n";
    for (int s = 0; s < streets_per; ++s) {
      const std::string sid = did + "S" + std::to_string(s);
      street_ids.push_back(sid);
      areas += sid + ",Street " + sid + ",street," + did + ",,\n";
      for (int k = 0; k < communities_per; ++k) {
        const std::string kid = sid + "K" + std::to_string(k);
        community_ids.push_back(kid);
        areas += kid + ",Community " + kid + ",community," + sid + ",,\n";
      }
    }
  }
  std::string& units = f["units.csv"];
  std::string& sup = f["supervision.csv"];
  std::vector<std::string> unit_ids;
  auto unit = [&](const std::string& id, const std::string& line, const std::string& level,
                  const std::string& area, const std::string& industry) {
    units += id + ",Unit " + id + "," + line + "," + level + "," + area + "," + industry + "\n";
    unit_ids.push_back(id);
  };
  unit("ORG", "organization", "city", "C", "");
  unit("CA", "civil_affairs", "city", "C", "");
  sup += "ORG,unit,CA\n";
  for (const auto& ind : industries) {
    unit("IND_" + ind, "industry", "city", "C", ind);
    sup += "ORG,unit,IND_" + ind + "\n";
  }
  for (const auto& d : district_ids) {
    unit("CA_" + d, "civil_affairs", "district", d, "");
    if (!chance(0.1)) sup += "CA,unit,CA_" + d + "\n";
    for (const auto& ind : industries) {
      unit("IND_" + ind + "_" + d, "industry", "district", d, ind);
      sup += "IND_" + ind + ",unit,IND_" + ind + "_" + d + "\n";
    }
  }
  for (const auto& s : street_ids) {
    unit("ST_" + s, "community", "street", s, "");
    sup += "CA_" + s.substr(0, s.find('S')) + ",unit,ST_" + s + "\n";
  }
  for (std::size_t k = 0; k < community_ids.size(); k += 3) {
    const auto& c = community_ids[k];
    unit("CM_" + c, "community", "community", c, "");
    sup += "ST_" + c.substr(0, c.find('K')) + ",unit,CM_" + c + "\n";
  }
  // Random extra edges: cycles, second superiors, wrong levels, orphans.
  for (int i = 0; i < n_units_extra; ++i) {
    const std::string& a = unit_ids[pick(static_cast<int>(unit_ids.size()))];
    const std::string& b = unit_ids[pick(static_cast<int>(unit_ids.size()))];
    sup += a + ",unit," + b + "\n";
  }
  for (int i = 0; i < 8; ++i) {
    const std::string id = "LOOSE" + std::to_string(i);
    unit(id, "industry", "district", district_ids[pick(districts)], industries[pick(5)]);
    if (i % 2 == 1) sup += "LOOSE" + std::to_string(i - 1) + ",unit," + id + "\n";
  }
  // Orgs, people, affiliations.
  std::string& orgs = f["organizations.csv"];
  std::string& people = f["people.csv"];
  std::string& aff = f["affiliations.csv"];
  const char* kinds[] = {"social_group", "social_service", "foundation", "community_group"};
  const char* levels[] = {"city", "district", "street", "community"};
  const char* statuses[] = {"active", "active", "active", "active", "suspended", "deregistered"};
  const int n_people = n_orgs * 2;
  for (int p = 0; p < n_people; ++p) {
    const int r = pick(10);
    people += "P" + std::to_string(p) + ",Name " + std::to_string(p) + "," +
              (r < 5   ? "full"
               : r < 6 ? "probationary"
                       : "none") +
              "\n";
  }
  for (int o = 0; o < n_orgs; ++o) {
    const std::string id = "O" + std::to_string(o);
    const bool in_street = chance(0.2);
    const std::string area = in_street
                                 ? street_ids[pick(static_cast<int>(street_ids.size()))]
                                 : community_ids[pick(static_cast<int>(community_ids.size()))];
    std::string competent;
    if (chance(0.3)) competent = unit_ids[pick(static_cast<int>(unit_ids.size()))];
    orgs += id + ",Org " + id + "," + kinds[pick(4)] + "," + industries[pick(5)] + "," +
            levels[pick(4)] + "," + area + "," + competent + ",," + statuses[pick(6)] + ",,,\n";
    const int staff = pick(6);
    for (int s = 0; s < staff; ++s) {
      aff += "P" + std::to_string(pick(n_people)) + "," + id + "," +
             (s == 0        ? "leader"
              : chance(0.2) ? "member"
                            : "staff") +
             "\n";
    }
  }
  // Branches.
  std::string& br = f["branches.csv"];
  std::string& cov = f["branch_coverage.csv"];
  std::string& rel = f["party_relations.csv"];
  const char* forms[] = {"branch",    "branch",         "joint_branch",    "joint_branch",
                         "committee", "general_branch", "temporary_branch"};
  const int n_branches = n_orgs / 4;
  for (int b = 0; b < n_branches; ++b) {
    const std::string id = "B" + std::to_string(b);
    const std::string form = forms[pick(7)];
    br += id + ",Branch " + id + "," + form + "\n";
    const int covers = form == "joint_branch" ? 1 + pick(8) : pick(10) == 0 ? 0 : 1;
    for (int c = 0; c < covers; ++c) cov += id + ",O" + std::to_string(pick(n_orgs)) + "\n";
    const int members = pick(10) == 0 ? 40 + pick(80) : pick(7);
    for (int m = 0; m < members; ++m) rel += "P" + std::to_string(pick(n_people)) + "," + id + "\n";
    const int sups = pick(12) == 0 ? 0 : pick(8) == 0 ? 2 : 1;
    for (int s = 0; s < sups; ++s) {
      sup += unit_ids[pick(static_cast<int>(unit_ids.size()))] + ",branch," + id + "\n";
    }
  }
  std::string& ins = f["instructors.csv"];
  for (int i = 0; i < n_orgs / 10; ++i) {
    ins += unit_ids[pick(static_cast<int>(unit_ids.size()))] + ",O" + std::to_string(pick(n_orgs)) +
           ",\n";
  }
  return f;
}

TEST(Gaps, ParallelEqualsReferenceOnGeneratedCities) {
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    const OrgGraph g = city_from_csv(random_city(seed, 3000, 40));
    const GapReport ref = gaps_reference(g);
    const std::string ref_json = gaps_json(ref);
    // Many codes show up (the generated city has every kind of defect).
    std::size_t codes = 0;
    for (auto c : ref.by_code) codes += c > 0 ? 1 : 0;
    EXPECT_GE(codes, 15u) << "seed " << seed << "\n"
                          << gaps_table(ref).substr(gaps_table(ref).rfind("code "));
    for (int threads : {1, 2, 8}) {
      par::set_threads(threads);
      const GapReport fast = gaps(g);
      ASSERT_EQ(fast.gaps.size(), ref.gaps.size()) << "seed " << seed << " threads " << threads;
      for (std::size_t i = 0; i < fast.gaps.size(); ++i) {
        ASSERT_EQ(fast.gaps[i].entities, ref.gaps[i].entities) << i;
        ASSERT_EQ(fast.gaps[i].message, ref.gaps[i].message) << i;
        ASSERT_EQ(fast.gaps[i].suggestion, ref.gaps[i].suggestion) << i;
      }
      EXPECT_EQ(gaps_json(fast), ref_json) << "seed " << seed << " threads " << threads;
      EXPECT_EQ(gaps_csv(fast), gaps_csv(ref));
    }
  }
  par::set_threads(0);
}

// An audit formats any gap on demand exactly as the full report has it; report(n) keeps the
// first n gaps and every count whole; the writers give the same bytes from either.
TEST(Gaps, AuditFormatsEachGapAsTheReportHasIt) {
  const OrgGraph g = city_from_csv(random_city(4, 3000, 40));
  const GapReport whole = gaps(g);
  ASSERT_GT(whole.gaps.size(), 100u);
  const GapAudit audit = audit_gaps(g);
  ASSERT_EQ(audit.size(), whole.gaps.size());
  std::vector<Gap> scratch;
  for (std::size_t i = whole.gaps.size(); i-- > 0;) {  // backwards: no reliance on order of calls
    const Gap& gap = audit.gap(i, scratch);
    ASSERT_EQ(gap.code, whole.gaps[i].code) << i;
    ASSERT_EQ(gap.entities, whole.gaps[i].entities) << i;
    ASSERT_EQ(gap.message, whole.gaps[i].message) << i;
    ASSERT_EQ(gap.suggestion, whole.gaps[i].suggestion) << i;
    ASSERT_EQ(gap.district, whole.gaps[i].district) << i;
  }
  for (std::size_t keep : {std::size_t{0}, std::size_t{1}, std::size_t{57}, whole.gaps.size(),
                           whole.gaps.size() + 5}) {
    const GapReport r = audit.report(keep);
    ASSERT_EQ(r.gaps.size(), std::min(keep, whole.gaps.size())) << keep;
    for (std::size_t i = 0; i < r.gaps.size(); ++i) {
      ASSERT_EQ(r.gaps[i].message, whole.gaps[i].message) << i;
    }
    EXPECT_EQ(r.total(), whole.total());
    EXPECT_EQ(r.by_code, whole.by_code);
    EXPECT_EQ(r.by_severity, whole.by_severity);
    ASSERT_EQ(r.by_district.size(), whole.by_district.size());
    for (std::size_t d = 0; d < r.by_district.size(); ++d) {
      EXPECT_EQ(r.by_district[d].district, whole.by_district[d].district);
      EXPECT_EQ(r.by_district[d].by_code, whole.by_district[d].by_code);
    }
  }
  std::string json, csv, table;
  write_gaps_json(audit, append_to(json));
  write_gaps_csv(audit, append_to(csv));
  write_gaps_table(audit, append_to(table));
  EXPECT_EQ(json, gaps_json(whole));
  EXPECT_EQ(csv, gaps_csv(whole));
  EXPECT_EQ(table, gaps_table(whole));
  for (int threads : {1, 2, 8}) {
    par::set_threads(threads);
    std::string csv_of_pair, json_of_pair;
    write_gaps_csv_and_json(audit, append_to(csv_of_pair), append_to(json_of_pair));
    EXPECT_EQ(csv_of_pair, csv) << "threads " << threads;
    EXPECT_EQ(json_of_pair, json) << "threads " << threads;
  }
  par::set_threads(0);
}

// Every org, person and branch id of a generated city (a word O123, P123 or B123) made long:
// O-LONG-SHARED-IDENTIFIER-PREFIX-123. (std::regex would do it, but g++ 12 warns inside
// <regex> under the sanitizer builds' -O1.)
std::string with_long_ids(const std::string& text) {
  const auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if ((c == 'O' || c == 'P' || c == 'B') && (i == 0 || !word(text[i - 1]))) {
      std::size_t j = i + 1;
      while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
      if (j > i + 1 && (j == text.size() || !word(text[j]))) {
        out += c;
        out += "-LONG-SHARED-IDENTIFIER-PREFIX-";
        out.append(text, i + 1, j - i - 1);
        i = j;
        continue;
      }
    }
    out += c;
    ++i;
  }
  return out;
}

// The audit sorts compact records by the first 22 bytes of the subject key and formats only the
// runs that tie there. Ids longer than that, sharing a long prefix, make every gap of a code one
// run: the order must still be the reference's (full keys, then messages), across the ranges
// the runs are handled in, at any thread count.
TEST(Gaps, LongIdsSharingAPrefixSortAsTheReference) {
  Files f = random_city(5, 20000, 60);
  for (auto& [name, text] : f) text = with_long_ids(text);
  const OrgGraph g = city_from_csv(f);
  ASSERT_EQ(g.org_ids[0].substr(0, 8), "O-LONG-S");
  const GapReport ref = gaps_reference(g);
  ASSERT_GT(ref.gaps.size(), std::size_t{1} << 14) << "gaps in more than one range of ties";
  for (int threads : {1, 2, 8}) {
    par::set_threads(threads);
    const GapReport fast = gaps(g);
    ASSERT_EQ(fast.gaps.size(), ref.gaps.size()) << "threads " << threads;
    for (std::size_t i = 0; i < fast.gaps.size(); ++i) {  // the first difference only
      ASSERT_EQ(fast.gaps[i].entities, ref.gaps[i].entities) << i << ", threads " << threads;
      ASSERT_EQ(fast.gaps[i].message, ref.gaps[i].message) << i << ", threads " << threads;
    }
  }
  par::set_threads(0);
}

TEST(Gaps, LargerCityIdenticalJsonAtAnyThreadCount) {
  // Enough rows for several blocks of every entity table.
  const OrgGraph g = city_from_csv(random_city(11, 20000, 60));
  ASSERT_GT(g.people.size(), 3u * 4096u);
  std::string first;
  for (int threads : {1, 2, 8}) {
    par::set_threads(threads);
    const std::string json = gaps_json(gaps(g));
    if (first.empty()) {
      first = json;
    } else {
      EXPECT_EQ(json, first) << threads << " threads";
    }
  }
  EXPECT_EQ(gaps_json(gaps_reference(g)), first);
  par::set_threads(0);
}

TEST(Gaps, CommandLine) {
  const std::string dir = testing::tiny_city_dir();
  auto r = testing::run_orgraph({"gaps", dir, "--format", "json", "--severity", "warning"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  rapidjson::Document doc;
  doc.Parse(r.out.c_str());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_STREQ(doc["severity"].GetString(), "warning");
  for (const auto& gap : doc["gaps"].GetArray()) EXPECT_STRNE(gap["severity"].GetString(), "info");
  r = testing::run_orgraph({"gaps", dir, "--severity", "fatal"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "--severity")) << r.err;
  r = testing::run_orgraph({"gaps", dir, "--format", "csv", "--max-units", "1"});
  EXPECT_EQ(r.exit_code, 2);
  r = testing::run_orgraph({"gaps", dir, "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("code,severity,entities,district,message,suggestion\n", 0), 0u);
}

}  // namespace
}  // namespace orgraph

namespace orgraph {
namespace {

// The hand-written JSON writer escapes like RapidJSON and round-trips any text.
TEST(GapsWriter, EscapesAndRoundTrips) {
  GapReport r;
  const std::vector<std::string> texts{"plain",
                                       "quote \" and backslash \\ here",
                                       std::string("control \x01\x1f end"),
                                       "tab\tnew\nline\rform\fback\b",
                                       "中共常州市天宁区 — UTF-8 ✓",
                                       "",
                                       "12345678\"12345678\\x",
                                       std::string(40, 'a') + "\n" + std::string(9, 'b')};
  for (std::size_t i = 0; i < texts.size(); ++i) {
    Gap g;
    g.code = static_cast<GapCode>(i % kGapCodeCount);
    g.severity = severity_of(g.code);
    g.entities = {"org:" + texts[i], "unit:U"};
    g.message = texts[i];
    g.suggestion = texts[(i + 1) % texts.size()];
    g.district = "D" + texts[i];
    r.gaps.push_back(g);
  }
  const std::string json = gaps_json(r);
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  ASSERT_FALSE(doc.HasParseError()) << json;
  ASSERT_EQ(doc["gaps"].Size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto& g = doc["gaps"][static_cast<rapidjson::SizeType>(i)];
    EXPECT_EQ(std::string(g["message"].GetString(), g["message"].GetStringLength()), texts[i]);
    EXPECT_EQ(std::string(g["entities"][0].GetString(), g["entities"][0].GetStringLength()),
              "org:" + texts[i]);
  }
  // Byte-identical to RapidJSON's writer for a string with every escape.
  const std::string all = texts[2] + texts[3] + texts[1] + texts[4];
  r.gaps[0].message = all;
  const std::string json2 = gaps_json(r);
  JsonOut j;
  j.str(all);
  std::string expected = j.take();
  expected.pop_back();
  EXPECT_NE(json2.find("\"message\":" + expected + ","), std::string::npos) << expected;
  // The CSV writer quotes fields with commas, quotes or line breaks.
  const std::string csv = gaps_csv(r);
  EXPECT_NE(csv.find("\"quote \"\" and backslash \\ here\""), std::string::npos);
}

}  // namespace
}  // namespace orgraph

namespace orgraph {
namespace {

// `orgraph generate --preset changzhou --seed 7` plants defects for every contract code; each
// planted kind must be reported. Knock-on effects only add gaps (a unit below a broken one is
// broken too, a second superior may be at the wrong level), except for undersized branches:
// the generator counts branches with fewer than 3 *anchored* full members, and some of them
// reach 3 through floating members' relations, so only "at least one" is required there.
TEST(GapsGenerated, ChangzhouSeed7ReportsEveryPlantedDefectKind) {
  const std::string dir = testing::temp_dir("gaps-changzhou");
  GeneratorOptions options;
  options.preset = "changzhou";
  options.seed = 7;
  options.out = dir + "/city";
  const GeneratorReport planted = generate_city(options);
  const OrgGraph g = load_city(options.out);
  const GapReport r = gaps(g);
  ASSERT_GE(planted.planted.size(), 11u);
  for (const auto& [name, count] : planted.planted) {
    const auto code = parse_gap_code(name);
    ASSERT_TRUE(code.has_value()) << name;
    if (count == 0) continue;
    const std::uint64_t found = r.by_code[static_cast<std::size_t>(*code)];
    if (*code == GapCode::undersized_branch) {
      EXPECT_GE(found, 1u) << name;
    } else if (*code == GapCode::supervision_cycle) {
      EXPECT_EQ(found, count) << name;  // a self-loop, a 2-cycle and a 3-cycle per city
    } else {
      EXPECT_GE(found, count) << name;
    }
  }
  // The three planted cycles have 1, 2 and 3 units.
  std::vector<std::size_t> sizes;
  for (const Gap* gap : of_code(r, GapCode::supervision_cycle))
    sizes.push_back(gap->entities.size());
  std::sort(sizes.begin(), sizes.end());
  EXPECT_EQ(sizes, (std::vector<std::size_t>{1, 2, 3}));
  EXPECT_EQ(gaps_json(r), gaps_json(gaps_reference(g)));
  std::filesystem::remove_all(dir);
}

// A name holding terminal commands (ESC [2J clears the screen) is shown escaped in the table
// format, which goes to a terminal; the CSV and JSON formats keep the text as it is.
TEST(GapsWriters, TableShowsControlCharactersInNames) {
  Files files = testing::tiny_city_files();
  std::string& branches = files["branches.csv"];
  std::size_t at = branches.find('\n') + 1;  // every branch's name gets the sequence
  while (at < branches.size()) {
    const std::size_t comma = branches.find(',', at);
    branches.insert(comma + 1, "\x1b[2J");
    at = branches.find('\n', comma) + 1;
  }
  const OrgGraph g = city_from_csv(files);
  const GapReport report = audit_gaps(g).report();
  const std::string table = gaps_table(report);
  ASSERT_NE(table.find("\\x1b[2J"), std::string::npos) << "no gap names a branch";
  EXPECT_EQ(table.find('\x1b'), std::string::npos);
  EXPECT_NE(gaps_csv(report).find("\x1b[2J"), std::string::npos);
}

}  // namespace
}  // namespace orgraph

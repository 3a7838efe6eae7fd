// Coverage survey: one hand-built fixture per definition of contracts.md section 2, the shared
// tiny city against its hand-worked expected.json, and the parallel query against the serial
// reference on random cities at 1, 2 and 8 threads.
#include "queries/coverage.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>

#include "engine/parallel.hpp"
#include "loaders/coverage_writer.hpp"
#include "support/random_city.hpp"
#include "support/test_support.hpp"

namespace orgraph {
namespace {

using testing::city_from_csv;

// Two districts, one street each, one community in the first street.
const char* kAreas =
    "id,name,level,parent_id\n"
    "C,City,city,\n"
    "D1,North,district,C\n"
    "D2,South,district,C\n"
    "S1,First Street,street,D1\n"
    "S2,Second Street,street,D2\n"
    "K1,Elm Community,community,S1\n";
const char* kUnits = "id,name,line,level,area_id,industry\nU,Dept,organization,city,C,\n";
const char* kOrgHeader = "id,name,kind,industry,registration_level,area_id,status,staff_count\n";

const CoverageGroup* group(const CoverageReport& r, std::string_view key) {
  for (const auto& g : r.groups) {
    if (g.key == key) return &g;
  }
  return nullptr;
}

std::vector<std::string> ids(const OrgGraph& g, const std::vector<Id>& orgs) {
  std::vector<std::string> out;
  for (Id o : orgs) out.emplace_back(g.org_ids[o]);
  return out;
}

TEST(Coverage, JointBranchCoversEveryOrgItNames) {
  const OrgGraph g = city_from_csv({
      {"areas.csv", kAreas},
      {"organizations.csv", std::string(kOrgHeader) +
                                "A,a,social_group,edu,district,K1,active,5\n"
                                "B,b,social_group,edu,district,S1,active,5\n"
                                "C,c,social_group,edu,district,S2,active,5\n"},
      {"branches.csv", "id,name,form\nJ,joint,joint_branch\n"},
      {"branch_coverage.csv", "branch_id,org_id\nJ,A\nJ,B\n"},
  });
  const auto r = coverage(g);
  EXPECT_EQ(r.total.orgs, 3u);
  EXPECT_EQ(r.total.covered, 2u);
  EXPECT_EQ(r.total.work_covered, 2u);
  EXPECT_DOUBLE_EQ(r.total.org_rate(), 2.0 / 3.0);
  ASSERT_NE(group(r, "D1"), nullptr);
  EXPECT_EQ(group(r, "D1")->counts.covered, 2u);
  EXPECT_EQ(group(r, "D2")->counts.covered, 0u);
  EXPECT_DOUBLE_EQ(group(r, "D2")->counts.org_rate(), 0.0);
  EXPECT_EQ(group(r, "D1")->name, "North");
}

TEST(Coverage, InstructorGivesWorkCoverageOnly) {
  const OrgGraph g = city_from_csv({
      {"areas.csv", kAreas},
      {"units.csv", kUnits},
      {"organizations.csv", std::string(kOrgHeader) +
                                "A,a,social_group,edu,district,K1,active,5\n"
                                "B,b,social_group,edu,district,K1,active,5\n"},
      {"instructors.csv", "unit_id,org_id,person_id\nU,A,\n"},
  });
  const auto r = coverage(g);
  EXPECT_EQ(r.total.covered, 0u);
  EXPECT_EQ(r.total.work_covered, 1u);
  EXPECT_EQ(r.total.instructor_only, 1u);
  EXPECT_DOUBLE_EQ(r.total.work_rate(), 0.5);
}

TEST(Coverage, InactiveOrgsAreNotCounted) {
  const OrgGraph g = city_from_csv({
      {"areas.csv", kAreas},
      {"units.csv", kUnits},
      {"organizations.csv", std::string(kOrgHeader) +
                                "A,a,social_group,edu,district,K1,deregistered,5\n"
                                "B,b,social_group,edu,district,K1,suspended,7\n"
                                "E,e,social_group,edu,district,K1,,2\n"},
      {"people.csv", "id,name,party_status\nP1,x,full\n"},
      {"affiliations.csv", "person_id,org_id,role\nP1,A,staff\n"},
      {"branches.csv", "id,name,form\nBA,a,branch\n"},
      {"branch_coverage.csv", "branch_id,org_id\nBA,A\n"},
      {"instructors.csv", "unit_id,org_id,person_id\nU,B,\n"},
  });
  const auto r = coverage(g);
  EXPECT_EQ(r.total.orgs, 1u);  // E: an empty status means active
  EXPECT_EQ(r.total.inactive_orgs, 2u);
  EXPECT_EQ(r.total.covered, 0u);
  EXPECT_EQ(r.total.work_covered, 0u);
  EXPECT_EQ(r.total.staff, 2u);  // staff of active orgs only
  // P1 works only at a deregistered org: no member of the survey, not a pocket member.
  EXPECT_EQ(r.total.full_members, 0u);
  EXPECT_EQ(r.total.pocket_members, 0u);
  ASSERT_EQ(r.groups.size(), 1u);
  EXPECT_EQ(r.groups[0].counts.inactive_orgs, 2u);
}

TEST(Coverage, ProbationaryMembersAreNotFullAndMembersDoNotCount) {
  const OrgGraph g = city_from_csv({
      {"areas.csv", kAreas},
      {"organizations.csv", std::string(kOrgHeader) +
                                "A,a,social_group,edu,district,K1,active,10\n"
                                "B,b,social_group,edu,district,K1,active,10\n"},
      {"people.csv",
       "id,name,party_status\nP1,x,full\nP2,x,full\nP3,x,probationary\nP4,x,full\nP5,x,none\n"},
      {"affiliations.csv",
       "person_id,org_id,role\nP1,A,staff\nP2,A,leader\nP3,A,staff\nP4,A,member\nP5,A,staff\n"
       "P1,B,staff\nP2,B,staff\nP4,B,staff\n"},
  });
  const auto r = coverage(g);
  EXPECT_EQ(r.total.full_members, 3u);   // P1 P2 P4 (P4 through B)
  EXPECT_EQ(r.total.party_members, 4u);  // + P3
  // A has 2 full members (P3 probationary, P4 only a member): not should-build; B has 3.
  EXPECT_EQ(g.orgs[g.find_org("A")].full_members, 2u);
  EXPECT_EQ(ids(g, r.should_build), std::vector<std::string>{"B"});
  EXPECT_EQ(r.total.should_build, 1u);
  EXPECT_EQ(r.total.joint_candidates, 1u);
  EXPECT_DOUBLE_EQ(r.total.full_share(), 3.0 / 20.0);
}

TEST(Coverage, PersonOnTwoStaffsCountsOnceInAGroupAndInTheTotal) {
  const OrgGraph g = city_from_csv({
      {"areas.csv", kAreas},
      {"organizations.csv", std::string(kOrgHeader) +
                                "A,a,social_group,edu,district,K1,active,3\n"
                                "B,b,social_group,law,district,S1,active,3\n"
                                "C,c,social_group,edu,district,S2,active,3\n"},
      {"people.csv", "id,name,party_status\nP1,x,full\nP2,x,probationary\n"},
      {"affiliations.csv",
       "person_id,org_id,role\nP1,A,staff\nP1,B,leader\nP1,C,staff\nP2,A,staff\nP2,B,staff\n"},
  });
  auto r = coverage(g);
  EXPECT_EQ(r.total.full_members, 1u);
  EXPECT_EQ(r.total.party_members, 2u);
  EXPECT_EQ(group(r, "D1")->counts.full_members, 1u);  // A and B: P1 once
  EXPECT_EQ(group(r, "D1")->counts.party_members, 2u);
  EXPECT_EQ(group(r, "D2")->counts.full_members, 1u);  // C: P1 again, in another group
  EXPECT_EQ(group(r, "D1")->counts.pocket_members, 2u);
  EXPECT_EQ(group(r, "D2")->counts.pocket_members, 1u);
  EXPECT_EQ(r.total.pocket_members, 2u);
  r = coverage(g, {CoverageGroupBy::industry});
  EXPECT_EQ(group(r, "edu")->counts.full_members, 1u);  // A and C
  EXPECT_EQ(group(r, "edu")->counts.orgs, 2u);
  EXPECT_EQ(group(r, "law")->counts.full_members, 1u);
  r = coverage(g, {CoverageGroupBy::street});
  EXPECT_EQ(group(r, "S1")->name, "First Street");  // A is in K1, whose street is S1
  EXPECT_EQ(group(r, "S1")->counts.orgs, 2u);
  EXPECT_EQ(group(r, "S1")->counts.full_members, 1u);
}

TEST(Coverage, PocketAndFloatingMembers) {
  const OrgGraph g = city_from_csv({
      {"areas.csv", kAreas},
      {"organizations.csv", std::string(kOrgHeader) +
                                "A,a,social_group,edu,district,K1,active,3\n"
                                "B,b,social_group,edu,district,S2,active,3\n"
                                "X,x,social_group,edu,district,S2,deregistered,3\n"},
      {"people.csv",
       "id,name,party_status\n"
       "POCKET,x,full\nPROB_POCKET,x,probationary\nHOME,x,full\nFLOAT,x,full\n"
       "FLOAT_DEREG,x,full\nFLOAT2,x,full\nHALF,x,full\nMEMBER_ONLY,x,full\nNONPARTY,x,none\n"},
      {"affiliations.csv",
       "person_id,org_id,role\n"
       "POCKET,A,staff\nPROB_POCKET,A,leader\nHOME,A,staff\nFLOAT,A,staff\n"
       "FLOAT_DEREG,A,staff\nFLOAT_DEREG,X,staff\nFLOAT2,A,staff\nFLOAT2,B,leader\nHALF,A,"
       "staff\nHALF,B,staff\n"
       "MEMBER_ONLY,A,member\nNONPARTY,A,staff\n"},
      {"branches.csv", "id,name,form\nBA,a,branch\nBB,b,branch\nBX,x,branch\nBN,n,branch\n"},
      {"branch_coverage.csv", "branch_id,org_id\nBA,A\nBB,B\nBX,X\n"},
      {"party_relations.csv",
       "person_id,branch_id\nHOME,BA\nFLOAT,BN\nFLOAT2,BN\nFLOAT_DEREG,BX\nHALF,BB\nMEMBER_ONLY,"
       "BN\n"
       "NONPARTY,BN\n"},
  });
  const auto r = coverage(g);
  // Pocket: party members on a staff with no relation, probationary included.
  EXPECT_EQ(r.total.pocket_members, 2u);
  // Floating: FLOAT (branch covers nothing), FLOAT_DEREG (branch covers only a deregistered
  // org), FLOAT2 (two workplaces, neither covered by BN). HALF's branch covers one of their two
  // workplaces: not floating. MEMBER_ONLY has no staff/leader affiliation; NONPARTY is no party
  // member.
  EXPECT_EQ(r.total.floating_members, 3u);
  EXPECT_EQ(group(r, "D1")->counts.floating_members, 3u);
  EXPECT_EQ(group(r, "D2")->counts.floating_members, 1u);
  EXPECT_EQ(r.total.party_members, 7u);
}

TEST(Coverage, StaffSumsNoteMissingCounts) {
  const OrgGraph g = city_from_csv({
      {"areas.csv", kAreas},
      {"organizations.csv", std::string(kOrgHeader) +
                                "A,a,social_group,edu,district,K1,active,4\n"
                                "B,b,social_group,edu,district,K1,active,\n"
                                "C,c,social_group,edu,district,K1,active,6\n"},
  });
  const auto r = coverage(g);
  EXPECT_EQ(r.total.staff, 10u);
  EXPECT_EQ(r.total.staff_missing, 1u);
  EXPECT_DOUBLE_EQ(r.total.full_share(), 0.0);
}

TEST(Coverage, GroupsByKindAndRegistrationLevel) {
  const OrgGraph g = city_from_csv({
      {"areas.csv", kAreas},
      {"organizations.csv", std::string(kOrgHeader) + "A,a,foundation,edu,city,K1,active,4\n"
                                                      "B,b,social_group,edu,street,K1,active,1\n"
                                                      "C,c,foundation,edu,street,S2,active,6\n"},
  });
  auto r = coverage(g, {CoverageGroupBy::kind});
  ASSERT_EQ(r.groups.size(), 2u);
  EXPECT_EQ(r.groups[0].key, "foundation");
  EXPECT_EQ(r.groups[0].counts.orgs, 2u);
  EXPECT_EQ(r.groups[1].key, "social_group");
  r = coverage(g, {CoverageGroupBy::registration_level});
  ASSERT_EQ(r.groups.size(), 2u);
  EXPECT_EQ(r.groups[0].key, "city");
  EXPECT_EQ(r.groups[1].key, "street");
  EXPECT_EQ(r.groups[1].counts.staff, 7u);
  EXPECT_THROW(parse_coverage_group_by("county"), std::invalid_argument);
  EXPECT_EQ(parse_coverage_group_by("registration_level"), CoverageGroupBy::registration_level);
}

TEST(Coverage, TinyCityMatchesHandWorkedAnswers) {
  rapidjson::Document expected;
  expected.Parse(testing::read_text(testing::tiny_city_dir() + "/expected.json").c_str());
  ASSERT_FALSE(expected.HasParseError());
  const auto& want = expected["coverage"];
  const OrgGraph g = load_city(testing::tiny_city_dir());
  const auto r = coverage(g);
  EXPECT_EQ(r.total.orgs, want["total"]["orgs"].GetUint64());
  EXPECT_EQ(r.total.covered, want["total"]["covered"].GetUint64());
  EXPECT_EQ(r.total.work_covered, want["total"]["work_covered"].GetUint64());
  std::vector<std::string> should_build;
  for (const auto& v : want["should_build"].GetArray()) should_build.emplace_back(v.GetString());
  EXPECT_EQ(ids(g, r.should_build), should_build);
  EXPECT_EQ(r.total.pocket_members, want["pocket_members"].GetUint64());
  EXPECT_EQ(r.total.floating_members, want["floating_members"].GetUint64());

  // The JSON output carries the contract's keys with the same values.
  rapidjson::Document out;
  const std::string text = coverage_json(g, r);
  out.Parse(text.c_str());
  ASSERT_FALSE(out.HasParseError());
  for (const char* key : {"orgs", "covered", "work_covered", "org_rate", "work_rate",
                          "full_members", "party_members", "staff"}) {
    EXPECT_TRUE(out["total"].HasMember(key)) << key;
  }
  for (const auto& group : out["groups"].GetArray()) {
    for (const char* key : {"key", "orgs", "covered", "work_covered", "org_rate", "work_rate"}) {
      EXPECT_TRUE(group.HasMember(key)) << key;
    }
  }
  EXPECT_TRUE(out["total"]["covered"].IsUint64() &&
              out["total"]["covered"].GetUint64() == want["total"]["covered"].GetUint64());
  EXPECT_TRUE(out["should_build"].IsArray() && out["should_build"].Size() == should_build.size());
  EXPECT_TRUE(out["pocket_members"].IsUint64() &&
              out["pocket_members"].GetUint64() == want["pocket_members"].GetUint64());
  EXPECT_TRUE(out["floating_members"].IsUint64() &&
              out["floating_members"].GetUint64() == want["floating_members"].GetUint64());
  EXPECT_EQ(r, coverage_reference(g));
}

TEST(Coverage, ParallelEqualsReferenceOnRandomCities) {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    testing::RandomCityShape shape;
    shape.orgs = 100 + static_cast<int>(seed) * 40;
    shape.people = 3 * shape.orgs;
    shape.affiliations = 5 * shape.orgs;
    const OrgGraph g = city_from_csv(testing::random_city(seed, shape));
    for (int b = 0; b < 5; ++b) {
      const CoverageOptions options{static_cast<CoverageGroupBy>(b)};
      par::set_threads(1);
      const CoverageReport expected = coverage_reference(g, options);
      ASSERT_GT(expected.total.orgs, 0u);
      ASSERT_GT(expected.total.floating_members, 0u) << "fixture should exercise floating";
      ASSERT_GT(expected.total.pocket_members, 0u);
      std::string first_json;
      for (int threads : {1, 2, 8}) {
        par::set_threads(threads);
        const CoverageReport got = coverage(g, options);
        ASSERT_EQ(got, expected) << "seed " << seed << " by " << to_string(options.by) << " at "
                                 << threads << " threads";
        const std::string json = coverage_json(g, got);
        if (first_json.empty()) first_json = json;
        EXPECT_EQ(json, first_json);
      }
    }
  }
  par::set_threads(0);
}

TEST(Coverage, LargerRandomCityParallelEqualsReference) {
  testing::RandomCityShape shape;
  shape.districts = 6;
  shape.orgs = 6000;
  shape.people = 20000;
  shape.affiliations = 30000;
  shape.branches = 600;
  const OrgGraph g = city_from_csv(testing::random_city(99, shape));
  const CoverageReport expected = coverage_reference(g, {CoverageGroupBy::street});
  for (int threads : {1, 2, 8}) {
    par::set_threads(threads);
    EXPECT_EQ(coverage(g, {CoverageGroupBy::street}), expected) << threads << " threads";
  }
  par::set_threads(0);
}

TEST(CoverageCli, SameOutputAtAnyThreadCountAndClearErrors) {
  const std::string dir = testing::temp_dir("coverage-cli");
  for (const auto& [name, text] : testing::random_city(5))
    testing::write_text(dir + "/" + name, text);
  std::string first;
  for (const char* threads : {"1", "2", "8"}) {
    const auto r = testing::run_orgraph(
        {"coverage", dir, "--by", "street", "--format", "json", "--threads", threads});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    if (first.empty()) first = r.out;
    EXPECT_EQ(r.out, first) << threads;
  }
  const auto csv = testing::run_orgraph({"coverage", testing::tiny_city_dir(), "--format", "csv"});
  EXPECT_EQ(csv.exit_code, 0);
  EXPECT_EQ(csv.out.substr(0, 14), "scope,key,name");
  const auto bad = testing::run_orgraph({"coverage", testing::tiny_city_dir(), "--by", "county"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--by"), std::string::npos);
  const auto table =
      testing::run_orgraph({"coverage", testing::tiny_city_dir(), "--format", "table"});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find("O7"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace orgraph

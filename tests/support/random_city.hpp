// A small random city as CSV text (contracts.md section 1), for comparing parallel queries with
// their references. Every feature the coverage and cluster rules look at varies: statuses,
// roles, party statuses, joint and own branches, instructors, missing staff counts, orgs placed
// on a street or in a community, shared people across streets and districts.
#pragma once

#include <map>
#include <random>
#include <string>

namespace orgraph::testing {

struct RandomCityShape {
  int districts = 3;
  int streets_per_district = 3;
  int communities_per_street = 3;
  int orgs = 200;
  int people = 600;
  int affiliations = 900;
  int branches = 30;
  int industries = 4;
};

inline std::map<std::string, std::string> random_city(std::uint64_t seed,
                                                      const RandomCityShape& shape = {}) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };

  std::string areas = "id,name,level,parent_id,lat,lon\nC,City,city,,,\n";
  std::vector<std::string> streets, places;  // places: streets and communities
  for (int d = 0; d < shape.districts; ++d) {
    const std::string did = "D" + std::to_string(d);
    areas += did + ",District " + std::to_string(d) + ",district,C,,\n";
    for (int s = 0; s < shape.streets_per_district; ++s) {
      const std::string sid = did + "S" + std::to_string(s);
      areas += sid + ",Street " + sid + ",street," + did + ",,\n";
      streets.push_back(sid);
      places.push_back(sid);
      for (int k = 0; k < shape.communities_per_street; ++k) {
        const std::string kid = sid + "K" + std::to_string(k);
        areas += kid + ",Community " + kid + ",community," + sid + ",,\n";
        places.push_back(kid);
      }
    }
  }
  std::string units = "id,name,line,level,area_id,industry\nU0,Org Dept,organization,city,C,\n";

  static const char* kKinds[] = {"social_group", "social_service", "foundation", "community_group"};
  static const char* kLevels[] = {"city", "district", "street", "community"};
  std::string orgs =
      "id,name,kind,industry,registration_level,area_id,competent_unit_id,rating,status,"
      "staff_count,lat,lon\n";
  for (int o = 0; o < shape.orgs; ++o) {
    // Ids of varied length, not in numeric order, so string order differs from row order.
    const std::string id = "O" + std::to_string((o * 7919) % (shape.orgs * 3));
    const int r = uniform(0, 19);
    const char* status = r == 0 ? "deregistered" : r == 1 ? "suspended" : r == 2 ? "" : "active";
    const std::string staff = chance(0.1) ? "" : std::to_string(uniform(0, 30));
    orgs += id + ",Org " + id + "," + kKinds[uniform(0, 3)] + ",ind" +
            std::to_string(uniform(0, shape.industries - 1)) + "," + kLevels[uniform(0, 3)] + "," +
            places[static_cast<std::size_t>(uniform(0, static_cast<int>(places.size()) - 1))] +
            ",,," + status + "," + staff + ",,\n";
  }
  auto org_id = [&](int o) { return "O" + std::to_string((o * 7919) % (shape.orgs * 3)); };

  std::string people = "id,name,party_status\n";
  static const char* kStatus[] = {"none", "probationary", "full"};
  for (int p = 0; p < shape.people; ++p) {
    const int r = uniform(0, 9);
    people += "P" + std::to_string(p) + ",Person " + std::to_string(p) + "," +
              kStatus[r < 4   ? 0
                      : r < 5 ? 1
                              : 2] +
              "\n";
  }
  static const char* kRoles[] = {"staff", "leader", "member"};
  std::string affiliations = "person_id,org_id,role\n";
  for (int a = 0; a < shape.affiliations; ++a) {
    // Skewed: low-numbered people work at many orgs, so some people bridge streets/districts.
    const int p = chance(0.2) ? uniform(0, shape.people / 20) : uniform(0, shape.people - 1);
    affiliations += "P" + std::to_string(p) + "," + org_id(uniform(0, shape.orgs - 1)) + "," +
                    kRoles[uniform(0, 2)] + "\n";
  }
  static const char* kForms[] = {"committee", "general_branch", "branch", "joint_branch",
                                 "temporary_branch"};
  std::string branches = "id,name,form\n";
  std::string coverage = "branch_id,org_id\n";
  std::string relations = "person_id,branch_id\n";
  for (int b = 0; b < shape.branches; ++b) {
    const std::string bid = "B" + std::to_string(b);
    const int form = uniform(0, 4);
    branches += bid + ",Branch " + bid + "," + kForms[form] + "\n";
    const int covers = form == 3 ? uniform(2, 5) : uniform(0, 1);
    for (int k = 0; k < covers; ++k)
      coverage += bid + "," + org_id(uniform(0, shape.orgs - 1)) + "\n";
  }
  for (int p = 0; p < shape.people; ++p) {
    if (chance(0.4)) {
      relations +=
          "P" + std::to_string(p) + ",B" + std::to_string(uniform(0, shape.branches - 1)) + "\n";
    }
    if (chance(0.03)) {
      relations +=
          "P" + std::to_string(p) + ",B" + std::to_string(uniform(0, shape.branches - 1)) + "\n";
    }
  }
  std::string instructors = "unit_id,org_id,person_id\n";
  for (int i = 0; i < shape.orgs / 10; ++i)
    instructors += "U0," + org_id(uniform(0, shape.orgs - 1)) + ",\n";

  return {{"areas.csv", areas},
          {"units.csv", units},
          {"organizations.csv", orgs},
          {"people.csv", people},
          {"affiliations.csv", affiliations},
          {"branches.csv", branches},
          {"branch_coverage.csv", coverage},
          {"party_relations.csv", relations},
          {"instructors.csv", instructors},
          {"supervision.csv", "superior_unit_id,subordinate_kind,subordinate_id\n"}};
}

}  // namespace orgraph::testing

// Tests for joint-branches: an independent model of each generated city (built from the rows
// the test writes, not from OrgGraph's derived fields), an independent feasibility and cost
// checker for every proposed group, an exhaustive optimum over all groupings of small random
// instances, the bound, determinism across thread counts, the tiny-city answers, --org reasons
// and option validation.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine/parallel.hpp"
#include "loaders/joint_branches_writer.hpp"
#include "queries/gaps.hpp"
#include "queries/joint_branches.hpp"
#include "support/test_support.hpp"

namespace orgraph {
namespace {

using testing::city_from_csv;
using testing::run_orgraph;

// ---------------------------------------------------------------------------------------------
// A random city and the test's own model of it.

struct ModelOrg {
  std::string id, street, district, community, industry;
  bool candidate = false;
  std::set<std::string> full, party;  // staff/leader people by status
};

struct RandomCity {
  std::map<std::string, std::string> files;
  std::vector<ModelOrg> orgs;  // every org written
  JointBranchOptions options;
};

RandomCity random_city(std::uint32_t seed, int candidates_wanted, int districts, int streets,
                       int industries, bool vary_rules) {
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  RandomCity rc;
  std::string areas = "id,name,level,parent_id,lat,lon\nC,City,city,,,\n";
  std::vector<std::string> street_ids, street_district;
  std::vector<std::vector<std::string>> communities;
  for (int d = 0; d < districts; ++d) areas += "D" + std::to_string(d) + ",District " + std::to_string(d) + ",district,C,,\n";
  for (int s = 0; s < streets; ++s) {
    const std::string sid = "S" + std::to_string(s);
    const std::string did = "D" + std::to_string(s % districts);
    areas += sid + ",Street " + std::to_string(s) + ",street," + did + ",,\n";
    street_ids.push_back(sid);
    street_district.push_back(did);
    communities.emplace_back();
    const int nk = 1 + pick(2);
    for (int k = 0; k < nk; ++k) {
      const std::string kid = "K" + std::to_string(s) + "_" + std::to_string(k);
      areas += kid + ",Community,community," + sid + ",,\n";
      communities.back().push_back(kid);
    }
  }
  std::string orgs =
      "id,name,kind,industry,registration_level,area_id,competent_unit_id,rating,status,"
      "staff_count,lat,lon\n";
  std::string people = "id,name,party_status\n";
  std::string aff = "person_id,org_id,role\n";
  std::string branches = "id,name,form\n";
  std::string cov = "branch_id,org_id\n";
  std::map<std::string, std::string> person_status;
  std::vector<std::string> full_people;
  int next_person = 0;
  auto new_person = [&](const std::string& status) {
    const std::string pid = "P" + std::to_string(next_person++);
    people += pid + ",Name " + pid + "," + status + "\n";
    person_status[pid] = status;
    if (status == "full") full_people.push_back(pid);
    return pid;
  };
  const int noise = 2 + pick(3);  // covered, deregistered or big orgs: never candidates
  const int total = candidates_wanted + noise;
  for (int i = 0; i < total; ++i) {
    ModelOrg o;
    o.id = "O" + std::to_string(i);
    const int s = pick(streets);
    o.street = street_ids[static_cast<std::size_t>(s)];
    o.district = street_district[static_cast<std::size_t>(s)];
    if (pick(8) == 0) {
      o.community = o.street;  // located directly in the street
    } else {
      const auto& ks = communities[static_cast<std::size_t>(s)];
      o.community = ks[static_cast<std::size_t>(pick(static_cast<int>(ks.size())))];
    }
    o.industry = "ind" + std::to_string(pick(industries));
    std::string status = "active";
    bool covered = false;
    int nfull = pick(3);  // 0..2
    if (i >= candidates_wanted) {
      const int kind = pick(3);
      if (kind == 0) covered = true;
      if (kind == 1) status = pick(2) == 0 ? "deregistered" : "suspended";
      if (kind == 2) nfull = 3;
    }
    auto attach = [&](const std::string& pid, const std::string& role) {
      aff += pid + "," + o.id + "," + role + "\n";
      if (role == "member") return;
      const std::string& st = person_status[pid];
      if (st == "full") o.full.insert(pid);
      if (st != "none") o.party.insert(pid);
    };
    for (int f = 0; f < nfull; ++f) {
      // Shared people: reuse a full member of an earlier org a third of the time.
      if (!full_people.empty() && pick(3) == 0) {
        const std::string pid = full_people[static_cast<std::size_t>(pick(static_cast<int>(full_people.size())))];
        if (o.full.count(pid) == 0) {
          attach(pid, pick(2) == 0 ? "staff" : "leader");
          continue;
        }
      }
      attach(new_person("full"), pick(3) == 0 ? "leader" : "staff");
    }
    const int nprob = pick(3);
    for (int p = 0; p < nprob; ++p) attach(new_person("probationary"), "staff");
    if (pick(3) == 0) attach(new_person("none"), "staff");
    if (pick(4) == 0) attach(new_person("full"), "member");  // members do not count
    if (pick(6) == 0 && !o.full.empty()) {
      // The same person listed again (as a member) changes nothing.
      attach(*o.full.begin(), "member");
    }
    orgs += o.id + ",Org " + o.id + ",social_group," + o.industry + ",district," + o.community +
            ",,," + status + ",5,,\n";
    if (covered) {
      branches += "B" + o.id + ",Branch,branch\n";
      cov += "B" + o.id + "," + o.id + "\n";
    }
    o.candidate = status == "active" && !covered && o.full.size() < 3;
    rc.orgs.push_back(std::move(o));
  }
  rc.files = {{"areas.csv", areas},       {"organizations.csv", orgs}, {"people.csv", people},
              {"affiliations.csv", aff},  {"branches.csv", branches},  {"branch_coverage.csv", cov}};
  if (vary_rules) {
    rc.options.min_full = 2 + pick(3);  // 2..4
    rc.options.max_units = 2 + pick(4);  // 2..5
    rc.options.max_members = pick(3) == 0 ? rc.options.min_full + pick(4) : 50;
    const int basis = pick(4);
    rc.options.basis = basis == 0 ? JointBasisChoice::street
                       : basis == 1 ? JointBasisChoice::industry
                                    : JointBasisChoice::both;
    rc.options.no_fillers = pick(6) == 0;
  }
  return rc;
}

// ---------------------------------------------------------------------------------------------
// Independent checker.

struct ModelGroupValue {
  bool feasible = false;
  int cost = 0;  // lowest over the valid bases
  int street_cost = -1, industry_cost = -1;
  std::size_t full = 0, party = 0;
};

ModelGroupValue model_value(const RandomCity& rc, const std::vector<int>& members) {
  const auto& o = rc.options;
  ModelGroupValue v;
  if (members.size() < 2 || static_cast<int>(members.size()) > o.max_units) return v;
  std::set<std::string> streets, districts, industries, communities, full, party, ind_district;
  for (int m : members) {
    const ModelOrg& x = rc.orgs[static_cast<std::size_t>(m)];
    streets.insert(x.street);
    industries.insert(x.industry);
    communities.insert(x.community);
    ind_district.insert(x.industry + "|" + x.district);
    full.insert(x.full.begin(), x.full.end());
    party.insert(x.party.begin(), x.party.end());
  }
  v.full = full.size();
  v.party = party.size();
  const bool street_ok = o.basis != JointBasisChoice::industry && streets.size() == 1;
  const bool industry_ok = o.basis != JointBasisChoice::street && ind_district.size() == 1;
  if (street_ok) v.street_cost = static_cast<int>(communities.size() + industries.size()) - 2;
  if (industry_ok) v.industry_cost = static_cast<int>(streets.size()) - 1;
  if (!street_ok && !industry_ok) return v;
  v.cost = street_ok && industry_ok ? std::min(v.street_cost, v.industry_cost)
                                    : (street_ok ? v.street_cost : v.industry_cost);
  v.feasible = static_cast<int>(v.full) >= o.min_full && static_cast<int>(v.party) <= o.max_members;
  return v;
}

int model_index(const RandomCity& rc, std::string_view id) {
  for (std::size_t i = 0; i < rc.orgs.size(); ++i) {
    if (rc.orgs[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

bool is_model_candidate(const RandomCity& rc, int i) {
  const ModelOrg& x = rc.orgs[static_cast<std::size_t>(i)];
  return x.candidate && (!rc.options.no_fillers || !x.full.empty());
}

struct Checked {
  std::size_t covered = 0;
  int cost = 0;
};

// Verifies every group of the plan against the model; returns coverage and cost recomputed.
Checked check_plan(const OrgGraph& g, const RandomCity& rc, const JointBranchPlan& plan) {
  Checked c;
  std::set<int> used;
  for (const auto& grp : plan.groups) {
    std::vector<int> members;
    for (Id org : grp.orgs) {
      const int m = model_index(rc, g.org_ids[org]);
      EXPECT_GE(m, 0);
      EXPECT_TRUE(is_model_candidate(rc, m)) << "not a joint candidate: " << g.org_ids[org];
      EXPECT_TRUE(used.insert(m).second) << "org in two groups: " << g.org_ids[org];
      members.push_back(m);
    }
    const ModelGroupValue v = model_value(rc, members);
    EXPECT_TRUE(v.feasible) << "infeasible group";
    EXPECT_EQ(grp.full_members, v.full);
    EXPECT_EQ(grp.party_members, v.party);
    EXPECT_EQ(grp.cost, v.cost);
    // The stated basis holds and costs what is reported.
    const ModelOrg& first = rc.orgs[static_cast<std::size_t>(members[0])];
    if (grp.basis == JointBasis::street) {
      EXPECT_EQ(v.street_cost, grp.cost);
      EXPECT_EQ(g.area_ids[grp.area], first.street);
    } else {
      EXPECT_EQ(v.industry_cost, grp.cost);
      EXPECT_EQ(g.area_ids[grp.area], first.district);
    }
    c.covered += members.size();
    c.cost += v.cost;
  }
  EXPECT_EQ(c.covered, plan.summary.covered);
  EXPECT_EQ(c.cost, plan.summary.total_cost);
  std::size_t candidates = 0;
  for (std::size_t i = 0; i < rc.orgs.size(); ++i) candidates += is_model_candidate(rc, static_cast<int>(i)) ? 1 : 0;
  EXPECT_EQ(plan.summary.candidates, candidates);
  EXPECT_LE(plan.summary.covered, plan.summary.upper_bound) << "covered exceeds the bound";
  EXPECT_EQ(plan.summary.covered + plan.uncovered.size(), candidates);
  return c;
}

// Exhaustive optimum over all groupings of the candidates (at most ~16): best[mask] over the
// candidates in mask, trying every feasible group that contains the lowest one (all submasks).
struct Optimum {
  std::size_t covered = 0;
  int cost = 0;
};

Optimum exhaustive(const RandomCity& rc) {
  std::vector<int> cand;
  for (std::size_t i = 0; i < rc.orgs.size(); ++i) {
    if (is_model_candidate(rc, static_cast<int>(i))) cand.push_back(static_cast<int>(i));
  }
  const std::size_t n = cand.size();
  const std::uint32_t full = (1u << n) - 1;
  std::vector<int> value(full + 1, -1);  // group cost when feasible, else -1
  for (std::uint32_t mask = 1; mask <= full; ++mask) {
    if (std::popcount(mask) < 2 || std::popcount(mask) > rc.options.max_units) continue;
    std::vector<int> members;
    for (std::size_t b = 0; b < n; ++b) {
      if ((mask >> b) & 1u) members.push_back(cand[b]);
    }
    const ModelGroupValue v = model_value(rc, members);
    if (v.feasible) value[mask] = v.cost;
  }
  // Score = covered * 1000 - cost.
  std::vector<long> best(full + 1, 0);
  for (std::uint32_t mask = 1; mask <= full; ++mask) {
    const std::uint32_t low = mask & (~mask + 1);
    long b = best[mask & ~low];
    const std::uint32_t rest = mask & ~low;
    for (std::uint32_t sub = rest;; sub = (sub - 1) & rest) {
      const std::uint32_t grp = sub | low;
      if (value[grp] >= 0) b = std::max(b, std::popcount(grp) * 1000L - value[grp] + best[mask & ~grp]);
      if (sub == 0) break;
    }
    best[mask] = b;
  }
  const long s = best[full];
  Optimum o;
  o.covered = static_cast<std::size_t>((s + 999) / 1000);
  o.cost = static_cast<int>(static_cast<long>(o.covered) * 1000 - s);
  return o;
}

// ---------------------------------------------------------------------------------------------

TEST(JointBranches, ExactMatchesExhaustiveOnRandomInstances) {
  int instances = 0, nontrivial = 0;
  for (std::uint32_t seed = 1; seed <= 400; ++seed) {
    const int n = 4 + static_cast<int>(seed % 9);  // 4..12 candidates
    RandomCity rc = random_city(seed, n, 1 + static_cast<int>(seed % 2), 2 + static_cast<int>(seed % 3),
                                2 + static_cast<int>(seed % 2), /*vary_rules=*/seed % 3 != 0);
    const OrgGraph g = city_from_csv(rc.files);
    const JointBranchPlan plan = joint_branches(g, rc.options);
    const Checked c = check_plan(g, rc, plan);
    const Optimum opt = exhaustive(rc);
    ++instances;
    nontrivial += opt.covered > 0 ? 1 : 0;
    EXPECT_EQ(c.covered, opt.covered) << "seed " << seed;
    if (c.covered == opt.covered) {
      EXPECT_EQ(c.cost, opt.cost) << "seed " << seed;  // tolerance 0
    }
    EXPECT_GE(plan.summary.upper_bound, opt.covered) << "seed " << seed;
  }
  EXPECT_EQ(instances, 400);
  EXPECT_GT(nontrivial, 200);  // the instances exercise grouping, not only empty answers
}

// The heuristic alone (no exact solving): always feasible, bound valid; coverage and cost
// against the exhaustive optimum are measured and must stay close.
TEST(JointBranches, HeuristicAloneIsFeasibleAndNearOptimal) {
  int instances = 0, coverage_optimal = 0, fully_optimal = 0;
  std::size_t covered_sum = 0, optimum_sum = 0;
  for (std::uint32_t seed = 1001; seed <= 1300; ++seed) {
    const int n = 4 + static_cast<int>(seed % 9);
    RandomCity rc = random_city(seed, n, 1 + static_cast<int>(seed % 2), 2 + static_cast<int>(seed % 3),
                                2 + static_cast<int>(seed % 2), seed % 3 != 0);
    rc.options.exact_max_candidates = 0;
    const OrgGraph g = city_from_csv(rc.files);
    const JointBranchPlan plan = joint_branches(g, rc.options);
    const Checked c = check_plan(g, rc, plan);
    const Optimum opt = exhaustive(rc);
    ++instances;
    EXPECT_LE(c.covered, opt.covered);
    EXPECT_GE(plan.summary.upper_bound, opt.covered) << "seed " << seed;
    covered_sum += c.covered;
    optimum_sum += opt.covered;
    coverage_optimal += c.covered == opt.covered ? 1 : 0;
    if (std::getenv("JB_DEBUG") != nullptr && c.covered < opt.covered) {
      std::printf("seed %u: covered %zu optimum %zu (m %d U %d max %d basis %d nofill %d) cands %llu\n", seed,
                  c.covered, opt.covered, rc.options.min_full, rc.options.max_units,
                  rc.options.max_members, static_cast<int>(rc.options.basis), rc.options.no_fillers ? 1 : 0,
                  static_cast<unsigned long long>(plan.summary.candidates));
      for (const auto& x : rc.orgs) {
        if (!x.candidate) continue;
        std::string f, pp;
        for (const auto& q : x.full) f += q + " ";
        std::printf("   %s st %s dist %s com %s ind %s full [%s] party %zu\n", x.id.c_str(), x.street.c_str(),
                    x.district.c_str(), x.community.c_str(), x.industry.c_str(), f.c_str(), x.party.size());
      }
      for (const auto& grp : plan.groups) {
        std::string m;
        for (Id o : grp.orgs) m += std::string(g.org_ids[o]) + " ";
        std::printf("   group %s cost %d\n", m.c_str(), grp.cost);
      }
    }
    fully_optimal += (c.covered == opt.covered && c.cost == opt.cost) ? 1 : 0;
  }
  std::printf("heuristic alone: %d/%d instances coverage-optimal, %d/%d fully optimal, "
              "covered %zu of optimum %zu\n",
              coverage_optimal, instances, fully_optimal, instances, covered_sum, optimum_sum);
  EXPECT_GE(coverage_optimal * 100, instances * 97);
  EXPECT_GE(covered_sum * 1000, optimum_sum * 995);
}

// Medium instances (14..24 candidates, more than one large-neighbourhood step sees): the
// heuristic alone against the exact subset programme (itself checked against the exhaustive
// search above), where the latter can solve the instance.
TEST(JointBranches, HeuristicAloneAgainstExactOnMediumInstances) {
  int compared = 0, coverage_optimal = 0, fully_optimal = 0;
  std::size_t covered_sum = 0, optimum_sum = 0;
  for (std::uint32_t seed = 2001; seed <= 2150; ++seed) {
    const int n = 14 + static_cast<int>(seed % 11);
    RandomCity rc = random_city(seed, n, 1, 2 + static_cast<int>(seed % 2), 2 + static_cast<int>(seed % 3),
                                seed % 3 != 0);
    const OrgGraph g = city_from_csv(rc.files);
    rc.options.exact_max_candidates = 24;
    const JointBranchPlan exact = joint_branches(g, rc.options);
    if (exact.summary.exact_components != exact.summary.components) continue;
    rc.options.exact_max_candidates = 0;
    const JointBranchPlan heur = joint_branches(g, rc.options);
    const Checked c = check_plan(g, rc, heur);
    EXPECT_GE(heur.summary.upper_bound, exact.summary.covered) << "seed " << seed;
    EXPECT_LE(c.covered, exact.summary.covered) << "seed " << seed;
    ++compared;
    covered_sum += c.covered;
    optimum_sum += exact.summary.covered;
    coverage_optimal += c.covered == exact.summary.covered ? 1 : 0;
    fully_optimal += (c.covered == exact.summary.covered && c.cost == exact.summary.total_cost) ? 1 : 0;
    if (std::getenv("JB_DEBUG") != nullptr && c.covered < exact.summary.covered) {
      std::printf("seed %u: heuristic %zu exact %llu\n", seed, c.covered,
                  static_cast<unsigned long long>(exact.summary.covered));
    }
  }
  std::printf("medium: %d compared, %d coverage-optimal, %d fully optimal, covered %zu of %zu\n",
              compared, coverage_optimal, fully_optimal, covered_sum, optimum_sum);
  EXPECT_GT(compared, 80);
  EXPECT_GE(coverage_optimal * 100, compared * 95);
  EXPECT_GE(covered_sum * 1000, optimum_sum * 995);
}

TEST(JointBranches, DistinctPeopleAreCountedOnce) {
  // O1 and O2 share their only full member; O3 has one more: 2 distinct, not 3.
  auto files = testing::empty_city();
  files["areas.csv"] += "C,City,city,,,\nD,Dist,district,C,,\nS,Street,street,D,,\n";
  files["organizations.csv"] +=
      "O1,a,social_group,x,district,S,,,,,,\nO2,b,social_group,x,district,S,,,,,,\n"
      "O3,c,social_group,x,district,S,,,,,,\n";
  files["people.csv"] += "P1,p,full\nP2,q,full\n";
  files["affiliations.csv"] += "P1,O1,staff\nP1,O2,leader\nP2,O3,staff\n";
  const OrgGraph g = city_from_csv(files);
  const JointBranchPlan plan = joint_branches(g, {});
  EXPECT_EQ(plan.summary.candidates, 3u);
  EXPECT_EQ(plan.summary.covered, 0u);
  EXPECT_EQ(plan.summary.upper_bound, 0u);
  EXPECT_DOUBLE_EQ(plan.summary.ratio, 1.0);
  const OrgGrouping a = joint_branches_for_org(g, g.find_org("O1"), {}, 5);
  EXPECT_EQ(a.status, OrgGroupingStatus::full_members);
  EXPECT_NE(a.message.find("2 distinct full member"), std::string::npos) << a.message;
}

TEST(JointBranches, TinyCityMatchesExpected) {
  rapidjson::Document doc;
  const std::string text = testing::read_text(testing::tiny_city_dir() + "/expected.json");
  doc.Parse(text.c_str());
  ASSERT_FALSE(doc.HasParseError());
  const auto& want = doc["joint_branches"];
  const OrgGraph g = city_from_csv(testing::tiny_city_files());
  const JointBranchPlan plan = joint_branches(g, {});
  ASSERT_TRUE(want["candidates"].IsUint());
  EXPECT_EQ(plan.summary.candidates, want["candidates"].GetUint());
  EXPECT_EQ(plan.summary.covered, want["optimal_covered"].GetUint());
  EXPECT_EQ(static_cast<double>(plan.summary.total_cost), want["optimal_cost"].GetDouble());
  EXPECT_GE(plan.summary.upper_bound, want["upper_bound"].GetUint());
  EXPECT_LE(plan.summary.covered, plan.summary.upper_bound);
  // O12 cannot be grouped.
  const Id o12 = g.find_org("O12");
  for (const auto& grp : plan.groups) {
    EXPECT_EQ(std::find(grp.orgs.begin(), grp.orgs.end(), o12), grp.orgs.end());
  }
  ASSERT_EQ(plan.uncovered.size(), 1u);
  EXPECT_EQ(plan.uncovered[0].org, o12);
  EXPECT_EQ(plan.uncovered[0].reason, UncoveredReason::no_feasible_group);
  EXPECT_NE(joint_branches_for_org(g, o12, {}, 5).status, OrgGroupingStatus::groupable);
  // River Street's group gets the street committee ST1.
  bool saw_st1 = false;
  for (const auto& grp : plan.groups) {
    if (grp.orgs.size() == 4) {
      EXPECT_EQ(grp.basis, JointBasis::street);
      ASSERT_NE(grp.superior, kNone);
      EXPECT_EQ(g.unit_ids[grp.superior], "ST1");
      saw_st1 = true;
    }
  }
  EXPECT_TRUE(saw_st1);
}

// Plans at 1, 2 and 8 threads, each checked; returns the plan's JSON after expecting all equal.
std::string plan_at_any_thread_count(const OrgGraph& g, const RandomCity& rc,
                                     JointBranchSummary* summary = nullptr) {
  std::string reference;
  for (int threads : {1, 2, 8}) {
    par::set_threads(threads);
    const JointBranchPlan plan = joint_branches(g, rc.options);
    check_plan(g, rc, plan);
    const std::string json = joint_branches_json(g, plan, rc.options);
    if (reference.empty()) {
      reference = json;
      if (summary != nullptr) *summary = plan.summary;
    } else {
      EXPECT_EQ(json, reference) << "threads " << threads;
    }
  }
  par::set_threads(0);
  return reference;
}

TEST(JointBranches, SameResultAtAnyThreadCount) {
  // Several districts, many streets: a mix of large (heuristic) and small (exact) components.
  RandomCity rc = random_city(77, 700, 4, 24, 6, false);
  const OrgGraph g = city_from_csv(rc.files);
  JointBranchSummary summary;
  plan_at_any_thread_count(g, rc, &summary);
  EXPECT_GT(summary.components, 1u);
  EXPECT_GT(summary.largest_component, 40u);
}

TEST(JointBranches, PerturbationCapIsAppliedAlikeAtAnyThreadCount) {
  // A cap far below effort x candidates-with-full-members changes the search (fewer rounds in
  // every component) but not its validity or its independence from the thread count.
  RandomCity rc = random_city(78, 700, 4, 24, 6, false);
  const OrgGraph g = city_from_csv(rc.files);
  const std::string uncapped = joint_branches_json(g, joint_branches(g, rc.options), rc.options);
  rc.options.max_total_perturbations = 1;
  EXPECT_NE(plan_at_any_thread_count(g, rc), uncapped)
      << "the cap should change the search on this instance";
}

TEST(JointBranches, LargerRandomCitiesStayFeasibleAndBounded) {
  for (std::uint32_t seed = 500; seed < 510; ++seed) {
    RandomCity rc = random_city(seed, 150 + static_cast<int>(seed % 5) * 40, 2, 8, 4, seed % 2 == 0);
    const OrgGraph g = city_from_csv(rc.files);
    const JointBranchPlan plan = joint_branches(g, rc.options);
    check_plan(g, rc, plan);
  }
}

// --- superiors ----------------------------------------------------------------------------

TEST(JointBranches, IndustrySuperiorFallsBackToCityAndFlagsMissing) {
  auto files = testing::empty_city();
  files["areas.csv"] += "C,City,city,,,\nD,Dist,district,C,,\nS1,One,street,D,,\nS2,Two,street,D,,\n";
  files["units.csv"] +=
      "EDUC,City Education,industry,city,C,education\nST1,Street One,community,street,S1,\n";
  files["organizations.csv"] +=
      "A,a,social_group,education,district,S1,,,,,,\nB,b,social_group,education,district,S2,,,,,,\n"
      "C1,c,social_group,law,district,S1,,,,,,\nC2,d,social_group,law,district,S2,,,,,,\n";
  files["people.csv"] += "P1,p,full\nP2,p,full\nP3,p,full\nP4,p,full\nP5,p,full\nP6,p,full\n";
  files["affiliations.csv"] +=
      "P1,A,staff\nP2,A,staff\nP3,B,staff\nP4,C1,staff\nP5,C1,staff\nP6,C2,staff\n";
  const OrgGraph g = city_from_csv(files);
  JointBranchOptions o;
  o.basis = JointBasisChoice::industry;
  const JointBranchPlan plan = joint_branches(g, o);
  ASSERT_EQ(plan.groups.size(), 2u);
  for (const auto& grp : plan.groups) {
    EXPECT_EQ(grp.basis, JointBasis::industry);
    EXPECT_EQ(grp.cost, 1);
    if (g.industry_names[grp.industry] == "education") {
      ASSERT_NE(grp.superior, kNone);
      EXPECT_EQ(g.unit_ids[grp.superior], "EDUC");  // no district unit: the city one
    } else {
      EXPECT_TRUE(grp.superior_missing());
    }
  }
  EXPECT_EQ(plan.summary.superior_missing, 1u);
}

// Of two street units, the proposed superior is the one whose chain reaches the organization
// department, not the smaller id: ST0 has no superior (broken chain), then ST0 supervises itself
// (a cycle); without a sound unit the smallest id still stands.
TEST(JointBranches, SuperiorWithACompleteChainIsPreferred) {
  const auto city = [](const std::string& extra_supervision, bool st1) {
    auto files = testing::empty_city();
    files["areas.csv"] +=
        "C,City,city,,,\nD,Dist,district,C,,\nS1,One,street,D,,\nK1,K,community,S1,,\n";
    files["units.csv"] +=
        "ORG,Org Dept,organization,city,C,\nCA,Civil,civil_affairs,city,C,\n"
        "CAD,Civil D,civil_affairs,district,D,\nST0,Street Zero,community,street,S1,\n" +
        std::string(st1 ? "ST1,Street One,community,street,S1,\n" : "");
    files["supervision.csv"] += "ORG,unit,CA\nCA,unit,CAD\n" +
                                std::string(st1 ? "CAD,unit,ST1\n" : "") + extra_supervision;
    files["organizations.csv"] +=
        "A,a,social_group,culture,street,K1,,,,,,\nB,b,social_group,law,street,K1,,,,,,\n"
        "E,e,social_group,health,street,K1,,,,,,\n";
    files["people.csv"] += "P1,p,full\nP2,p,full\nP3,p,full\n";
    files["affiliations.csv"] += "P1,A,staff\nP2,B,staff\nP3,E,staff\n";
    return city_from_csv(files);
  };
  JointBranchOptions o;
  o.basis = JointBasisChoice::street;
  for (const std::string extra : {"", "ST0,unit,ST0\n"}) {
    SCOPED_TRACE(extra.empty() ? "ST0 without a superior" : "ST0 in a cycle");
    const OrgGraph g = city(extra, true);
    const JointBranchPlan plan = joint_branches(g, o);
    ASSERT_EQ(plan.groups.size(), 1u);
    ASSERT_NE(plan.groups[0].superior, kNone);
    EXPECT_EQ(g.unit_ids[plan.groups[0].superior], "ST1");
    // gaps reports ST0's chain, and names no gap for ST1.
    const GapReport report = gaps(g);
    bool st0 = false;
    for (const Gap& gap : report.gaps) {
      for (const auto& e : gap.entities) {
        EXPECT_NE(e, "unit:ST1") << to_string(gap.code);
        st0 = st0 || e == "unit:ST0";
      }
    }
    EXPECT_TRUE(st0);
  }
  const OrgGraph alone = city("", false);
  const JointBranchPlan plan = joint_branches(alone, o);
  ASSERT_EQ(plan.groups.size(), 1u);
  ASSERT_NE(plan.groups[0].superior, kNone);
  EXPECT_EQ(alone.unit_ids[plan.groups[0].superior], "ST0");
}

// --- --org reasons ------------------------------------------------------------------------

struct OrgCase {
  std::string org;
  JointBranchOptions options;
  OrgGroupingStatus status;
};

TEST(JointBranches, OrgExplainsEveryReason) {
  auto files = testing::empty_city();
  files["areas.csv"] +=
      "C,City,city,,,\nD,Dist,district,C,,\nS,Street,street,D,,\nK,Comm,community,S,,\n"
      "LONE,Lone street,street,D,,\nS3,Third,street,D,,\nS4,Fourth,street,D,,\n";
  files["organizations.csv"] +=
      "DEREG,a,social_group,x,district,K,,,deregistered,,,\n"
      "SUSP,a,social_group,x,district,K,,,suspended,,,\n"
      "COV,a,social_group,x,district,K,,,,,,\n"
      "BIG,a,social_group,x,district,K,,,,,,\n"
      "ZERO,a,social_group,x,district,K,,,,,,\n"
      "ONE,a,social_group,x,district,K,,,,,,\n"
      "TWO,a,social_group,x,district,S,,,,,,\n"
      "ALONE,a,social_group,solo,district,LONE,,,,,,\n"
      "WEAK1,a,social_group,w,district,S3,,,,,,\nWEAK2,a,social_group,w,district,S3,,,,,,\n"
      "M1,a,social_group,m,district,S4,,,,,,\nM2,a,social_group,m,district,S4,,,,,,\n"
      "M3,a,social_group,m,district,S4,,,,,,\n";
  std::string people, aff;
  for (int i = 1; i <= 40; ++i) people += "P" + std::to_string(i) + ",n,full\n";
  for (int i = 1; i <= 60; ++i) people += "Q" + std::to_string(i) + ",n,probationary\n";
  files["people.csv"] += people;
  aff += "P1,BIG,staff\nP2,BIG,staff\nP3,BIG,staff\nP4,ONE,staff\nP5,TWO,staff\nP6,TWO,leader\n";
  aff += "P7,WEAK1,staff\nP8,COV,staff\nP9,M1,staff\nP10,M2,staff\nP11,M3,staff\n";
  for (int i = 1; i <= 60; ++i) aff += "Q" + std::to_string(i) + ",M" + std::to_string(1 + i % 3) + ",staff\n";
  files["affiliations.csv"] += aff;
  files["branches.csv"] += "B,b,branch\n";
  files["branch_coverage.csv"] += "B,COV\n";
  const OrgGraph g = city_from_csv(files);

  JointBranchOptions plain;
  JointBranchOptions no_fillers;
  no_fillers.no_fillers = true;
  JointBranchOptions two_units;
  two_units.max_units = 2;
  JointBranchOptions other_industry;
  other_industry.industry = "w";
  const std::vector<OrgCase> cases = {
      {"DEREG", plain, OrgGroupingStatus::inactive},
      {"SUSP", plain, OrgGroupingStatus::inactive},
      {"COV", plain, OrgGroupingStatus::covered},
      {"BIG", plain, OrgGroupingStatus::should_build},
      {"ZERO", no_fillers, OrgGroupingStatus::no_fillers},
      {"ZERO", plain, OrgGroupingStatus::groupable},
      {"ONE", other_industry, OrgGroupingStatus::outside_filter},
      {"ALONE", plain, OrgGroupingStatus::no_neighbour},
      {"WEAK2", plain, OrgGroupingStatus::full_members},
      {"M1", plain, OrgGroupingStatus::max_members},  // 3 full + 60 probationary > 50
      // ZERO + TWO has 2 full members; the third needs a third organization.
      {"ZERO", two_units, OrgGroupingStatus::max_units},
  };
  for (const auto& c : cases) {
    const Id org = g.find_org(c.org);
    ASSERT_NE(org, kNone) << c.org;
    const OrgGrouping a = joint_branches_for_org(g, org, c.options, 5);
    EXPECT_EQ(a.status, c.status) << c.org << ": " << a.message;
    EXPECT_FALSE(a.message.empty());
    if (c.status == OrgGroupingStatus::groupable) {
      ASSERT_FALSE(a.groups.empty());
      for (const auto& grp : a.groups) {
        EXPECT_NE(std::find(grp.orgs.begin(), grp.orgs.end(), org), grp.orgs.end());
        EXPECT_GE(grp.full_members, 3u);
      }
      for (std::size_t i = 1; i < a.groups.size(); ++i) {
        EXPECT_LE(a.groups[i - 1].cost, a.groups[i].cost);  // cheapest first
      }
    } else {
      EXPECT_TRUE(a.groups.empty());
    }
  }
}

TEST(JointBranches, OrgListsTheCheapestGroupsFirst) {
  const OrgGraph g = city_from_csv(testing::tiny_city_files());
  const OrgGrouping a = joint_branches_for_org(g, g.find_org("O1"), {}, 3);
  ASSERT_EQ(a.status, OrgGroupingStatus::groupable);
  ASSERT_EQ(a.groups.size(), 3u);
  EXPECT_EQ(a.groups[0].cost, 0);  // {O1 O2}: same community and industry
  EXPECT_EQ(a.groups[0].orgs.size(), 2u);
  EXPECT_TRUE(a.exhaustive);
  for (std::size_t i = 1; i < a.groups.size(); ++i) EXPECT_LE(a.groups[i - 1].cost, a.groups[i].cost);
  // Every listed group must be feasible by the rules.
  for (const auto& grp : a.groups) {
    EXPECT_GE(grp.full_members, 3u);
    EXPECT_LE(grp.party_members, 50u);
    EXPECT_LE(grp.orgs.size(), 5u);
  }
}

// --- options and the command line -----------------------------------------------------------

TEST(JointBranches, OptionsAreValidated) {
  const OrgGraph g = city_from_csv(testing::tiny_city_files());
  JointBranchOptions o;
  o.max_units = 1;
  EXPECT_THROW(joint_branches(g, o), std::invalid_argument);
  try {
    validate(o);
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("--max-units must be at least 2"), std::string::npos);
  }
  o = {};
  o.min_full = 0;
  EXPECT_THROW(joint_branches(g, o), std::invalid_argument);
  o = {};
  o.max_members = 2;
  EXPECT_THROW(joint_branches(g, o), std::invalid_argument);
  o = {};
  o.max_units = 1000;
  EXPECT_THROW(validate(o), std::invalid_argument);
  EXPECT_THROW(joint_branches_for_org(g, g.find_org("O1"), {}, 0), std::invalid_argument);
  EXPECT_THROW(joint_branches_for_org(g, 999999, {}, 5), std::invalid_argument);
}

TEST(JointBranches, AreaAndIndustryFilters) {
  const OrgGraph g = city_from_csv(testing::tiny_city_files());
  JointBranchOptions o;
  o.area = g.find_area("S1");
  JointBranchPlan plan = joint_branches(g, o);
  EXPECT_EQ(plan.summary.candidates, 4u);  // O1 O2 O3 O4
  EXPECT_EQ(plan.summary.covered, 4u);
  o = {};
  o.industry = "education";
  plan = joint_branches(g, o);
  EXPECT_EQ(plan.summary.candidates, 4u);  // O1 O2 O5 O6
  EXPECT_EQ(plan.summary.covered, 4u);
  o.industry = "no-such-industry";
  plan = joint_branches(g, o);
  EXPECT_EQ(plan.summary.candidates, 0u);
  o = {};
  o.no_fillers = true;
  plan = joint_branches(g, o);
  EXPECT_EQ(plan.summary.candidates, 5u);  // O4 and O12 have no full members
}

TEST(JointBranchesCli, JsonCsvAndExitCodes) {
  const std::string tiny = testing::tiny_city_dir();
  auto r = run_orgraph({"joint-branches", tiny, "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  rapidjson::Document doc;
  doc.Parse(r.out.c_str());
  ASSERT_FALSE(doc.HasParseError());
  for (const char* key : {"candidates", "covered", "upper_bound", "ratio", "groups"}) {
    EXPECT_TRUE(doc["summary"].HasMember(key)) << key;
  }
  ASSERT_TRUE(doc["groups"].IsArray());
  for (const auto& grp : doc["groups"].GetArray()) {
    for (const char* key : {"id", "basis", "area_id", "industry", "orgs", "full_members",
                            "party_members", "cost", "proposed_superior"}) {
      EXPECT_TRUE(grp.HasMember(key)) << key;
    }
  }
  EXPECT_TRUE(doc["summary"]["covered"].IsUint() && doc["summary"]["covered"].GetUint() == 6);

  r = run_orgraph({"joint-branches", tiny, "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("\xEF\xBB\xBF" "group_id,basis,area_id", 0), 0u);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 7);  // header + 6 members

  r = run_orgraph({"joint-branches", tiny, "--org", "O99"});
  EXPECT_EQ(r.exit_code, 6);
  r = run_orgraph({"joint-branches", tiny, "--area", "NOPE"});
  EXPECT_EQ(r.exit_code, 6);
  r = run_orgraph({"joint-branches", tiny, "--industry", "nope"});
  EXPECT_EQ(r.exit_code, 6);
  r = run_orgraph({"joint-branches", tiny, "--max-units", "1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--max-units must be at least 2"), std::string::npos) << r.err;
  r = run_orgraph({"joint-branches", tiny, "--basis", "river"});
  EXPECT_EQ(r.exit_code, 2);

  r = run_orgraph({"joint-branches", tiny, "--org", "O12", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  doc.Parse(r.out.c_str());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_FALSE(doc["groupable"].GetBool());
  EXPECT_STREQ(doc["status"].GetString(), "no_neighbour");
  r = run_orgraph({"joint-branches", tiny, "--org", "O5", "--top", "2", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  doc.Parse(r.out.c_str());
  EXPECT_TRUE(doc["groupable"].GetBool());
  EXPECT_EQ(doc["groups"].Size(), 2u);
}

}  // namespace
}  // namespace orgraph

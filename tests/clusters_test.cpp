// Uncovered clusters: a fixture per link kind and option, the tiny city against expected.json,
// and the hub-based query against a brute-force reference (union-find over every pair of
// uncovered orgs, links tested straight from the contract's wording) on random cities, and
// against a union-find over the shared keys on a city too big for the pairwise one.
#include "queries/clusters.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <map>
#include <numeric>
#include <set>
#include <tuple>

#include "engine/parallel.hpp"
#include "loaders/clusters_writer.hpp"
#include "support/random_city.hpp"
#include "support/test_support.hpp"

namespace orgraph {
namespace {

using testing::city_from_csv;
using Partition = std::vector<std::vector<std::string>>;

// D1 has streets S1 (communities K1, K2) and S2 (K3); D2 has street S3 (K4).
const char* kAreas =
    "id,name,level,parent_id\n"
    "C,City,city,\n"
    "D1,North,district,C\n"
    "D2,South,district,C\n"
    "S1,First,street,D1\n"
    "S2,Second,street,D1\n"
    "S3,Third,street,D2\n"
    "K1,k1,community,S1\n"
    "K2,k2,community,S1\n"
    "K3,k3,community,S2\n"
    "K4,k4,community,S3\n";

std::string orgs_csv(const std::vector<std::string>& rows) {
  std::string out = "id,name,kind,industry,registration_level,area_id,status\n";
  for (const auto& r : rows) out += r + "\n";
  return out;
}

Partition partition(const OrgGraph& g, const ClusterReport& r) {
  Partition out;
  for (const auto& c : r.clusters) {
    std::vector<std::string> ids;
    for (Id o : c.orgs) ids.emplace_back(g.org_ids[o]);
    out.push_back(ids);
  }
  return out;
}

ClusterOptions links(const char* text, ClusterWithin within = ClusterWithin::none) {
  ClusterOptions o;
  o.links = parse_cluster_links(text);
  o.within = within;
  return o;
}

// Six orgs: A B in K1 (edu, edu), C in K2 (edu), D on street S1 itself (law), E in K3 (edu),
// F in K4 (edu). Person P1 works at A and E (two streets, one district), P2 is a member of C
// and F (two districts), P3 at D only. G (in K1) is covered; H (in K1) is deregistered.
OrgGraph fixture() {
  return city_from_csv({
      {"areas.csv", kAreas},
      {"organizations.csv",
       orgs_csv(
           {"A,a,social_group,edu,district,K1,active", "B,b,social_group,edu,district,K1,active",
            "C,c,social_group,edu,district,K2,active", "D,d,social_group,law,district,S1,active",
            "E,e,social_group,edu,district,K3,active", "F,f,social_group,edu,district,K4,active",
            "G,g,social_group,edu,district,K1,active",
            "H,h,social_group,edu,district,K1,deregistered"})},
      {"people.csv", "id,name,party_status\nP1,x,full\nP2,x,none\nP3,x,full\nP4,x,full\n"},
      {"affiliations.csv",
       "person_id,org_id,role\nP1,A,staff\nP1,E,leader\nP2,C,member\nP2,F,member\nP3,D,staff\n"
       "P4,G,staff\nP4,D,staff\nP4,H,staff\n"},
      {"branches.csv", "id,name,form\nBG,g,branch\n"},
      {"branch_coverage.csv", "branch_id,org_id\nBG,G\n"},
  });
}

TEST(Clusters, IsolatedOrgsAreSingletons) {
  const OrgGraph g = fixture();
  ClusterOptions o = links("community");
  o.links.community = false;
  o.links.person = false;
  o.links.street_industry = false;
  EXPECT_THROW(uncovered_clusters(g, o), std::invalid_argument);
  // With person links only, orgs sharing nobody stay alone.
  const auto r = uncovered_clusters(g, links("person"));
  EXPECT_EQ(partition(g, r), (Partition{{"A", "E"}, {"C", "F"}, {"B"}, {"D"}}));
  EXPECT_EQ(r.uncovered_orgs, 6u);
  EXPECT_EQ(r.cluster_count, 4u);
  EXPECT_EQ(r.singletons, 2u);
  EXPECT_EQ(r.largest, 2u);
  EXPECT_EQ(r.clusters[0].id, 1u);
  EXPECT_EQ(r.clusters[3].id, 4u);
}

TEST(Clusters, PersonLinksUseAnyRoleAndOnlyUncoveredOrgs) {
  const OrgGraph g = fixture();
  const auto r = uncovered_clusters(g, links("person"));
  // P2 is only a member of C and F: still a link. P4 links D to G and H, which are not
  // uncovered, so D stays alone.
  EXPECT_EQ(partition(g, r)[1], (std::vector<std::string>{"C", "F"}));
  EXPECT_EQ(partition(g, r)[3], (std::vector<std::string>{"D"}));
}

TEST(Clusters, CommunityLinksJoinTheSameAreaId) {
  const OrgGraph g = fixture();
  const auto r = uncovered_clusters(g, links("community"));
  // A B share K1 (G is covered). D sits on street S1 itself: a different area_id than K1/K2.
  EXPECT_EQ(partition(g, r), (Partition{{"A", "B"}, {"C"}, {"D"}, {"E"}, {"F"}}));
}

TEST(Clusters, StreetIndustryLinksJoinOneStreetAndOneIndustry) {
  const OrgGraph g = fixture();
  const auto r = uncovered_clusters(g, links("street-industry"));
  // S1: A B C are edu (K1, K2), D is law. E (S2) and F (S3) are edu in other streets.
  EXPECT_EQ(partition(g, r), (Partition{{"A", "B", "C"}, {"D"}, {"E"}, {"F"}}));
  const auto all = uncovered_clusters(g, links("person,community,street-industry"));
  EXPECT_EQ(partition(g, all), (Partition{{"A", "B", "C", "E", "F"}, {"D"}}));
}

TEST(Clusters, WithinKeepsLinksInsideOneTerritory) {
  const OrgGraph g = fixture();
  // P1 joins A (S1) and E (S2): the same district, different streets.
  EXPECT_EQ(partition(g, uncovered_clusters(g, links("person", ClusterWithin::street))),
            (Partition{{"A"}, {"B"}, {"C"}, {"D"}, {"E"}, {"F"}}));
  // P2 joins C (D1) and F (D2): different districts.
  EXPECT_EQ(partition(g, uncovered_clusters(g, links("person", ClusterWithin::district))),
            (Partition{{"A", "E"}, {"B"}, {"C"}, {"D"}, {"F"}}));
  EXPECT_THROW(parse_cluster_within("county"), std::invalid_argument);
}

TEST(Clusters, AreaKeepsOnlyOrgsInsideTheAreaBeforeLinking) {
  const OrgGraph g = fixture();
  ClusterOptions o = links("person,community");
  o.area = g.find_area("S1");  // A B C D (C through K2, D on the street itself)
  auto r = uncovered_clusters(g, o);
  EXPECT_EQ(r.uncovered_orgs, 4u);
  EXPECT_EQ(partition(g, r), (Partition{{"A", "B"}, {"C"}, {"D"}}));
  o.area = g.find_area("D1");  // E joins through P1; F is outside
  r = uncovered_clusters(g, o);
  EXPECT_EQ(partition(g, r), (Partition{{"A", "B", "E"}, {"C"}, {"D"}}));
  o.area = g.find_area("K4");
  EXPECT_EQ(partition(g, uncovered_clusters(g, o)), (Partition{{"F"}}));
}

TEST(Clusters, MinSizeTopAndOrder) {
  const OrgGraph g = fixture();
  ClusterOptions o = links("person");
  o.min_size = 2;
  auto r = uncovered_clusters(g, o);
  EXPECT_EQ(partition(g, r), (Partition{{"A", "E"}, {"C", "F"}}));
  EXPECT_EQ(r.cluster_count, 2u);
  EXPECT_EQ(r.orgs_in_clusters, 4u);
  o.top = 1;
  r = uncovered_clusters(g, o);
  EXPECT_EQ(partition(g, r), (Partition{{"A", "E"}}));
  EXPECT_EQ(r.cluster_count, 2u);  // counted before --top
  o.min_size = 3;
  r = uncovered_clusters(g, o);
  EXPECT_TRUE(r.clusters.empty());
  EXPECT_EQ(r.largest, 0u);
  o.min_size = 0;
  EXPECT_THROW(uncovered_clusters(g, o), std::invalid_argument);
}

TEST(Clusters, MembersAreasAndJointBranchBound) {
  // Four candidates in one community: full members 2, 2, 1, 0 with one person shared.
  const OrgGraph g = city_from_csv({
      {"areas.csv", kAreas},
      {"organizations.csv",
       orgs_csv(
           {"A,a,social_group,edu,district,K1,active", "B,b,social_group,edu,district,K1,active",
            "C,c,social_group,edu,district,K1,active", "D,d,social_group,edu,district,K2,active",
            "E,e,social_group,edu,district,K1,active"})},
      {"people.csv",
       "id,name,party_status\nP1,x,full\nP2,x,full\nP3,x,full\nP4,x,probationary\nP5,x,full\n"
       "P6,x,full\nP7,x,full\n"},
      {"affiliations.csv",
       "person_id,org_id,role\nP1,A,staff\nP2,A,staff\nP1,B,staff\nP3,B,leader\nP4,C,staff\n"
       "P5,C,staff\nP3,D,member\nP5,E,staff\nP6,E,staff\nP7,E,staff\n"},
  });
  const auto r = uncovered_clusters(g, links("person,community"));
  ASSERT_EQ(r.clusters.size(), 1u);
  const auto& c = r.clusters[0];
  EXPECT_EQ(c.size(), 5u);
  EXPECT_EQ(c.full_members, 6u);      // P1 P2 P3 P5 P6 P7, P1 once; P3 is only a member at D
  EXPECT_EQ(c.party_members, 7u);     // + P4
  EXPECT_EQ(c.joint_candidates, 4u);  // E has 3 full members: should build, not a candidate
  // Candidates' own full members: 2 + 2 + 1 + 0 = 5 -> 1 branch; 4 candidates -> 2.
  EXPECT_EQ(c.max_joint_branches, 1u);
  std::vector<std::string> areas;
  for (Id a : c.areas) areas.emplace_back(g.area_ids[a]);
  EXPECT_EQ(areas, (std::vector<std::string>{"K1", "K2"}));
}

TEST(Clusters, LinkOptionParsing) {
  EXPECT_EQ(parse_cluster_links("community,person"), (ClusterLinks{true, true, false}));
  EXPECT_EQ(parse_cluster_links("street-industry"), (ClusterLinks{false, false, true}));
  EXPECT_THROW(parse_cluster_links("person,,community"), std::invalid_argument);
  EXPECT_THROW(parse_cluster_links(""), std::invalid_argument);
  EXPECT_THROW(parse_cluster_links("people"), std::invalid_argument);
  EXPECT_EQ(cluster_links_string(ClusterLinks{true, false, true}), "person,street-industry");
}

TEST(Clusters, TinyCityMatchesHandWorkedAnswers) {
  rapidjson::Document expected;
  expected.Parse(testing::read_text(testing::tiny_city_dir() + "/expected.json").c_str());
  ASSERT_FALSE(expected.HasParseError());
  const OrgGraph g = load_city(testing::tiny_city_dir());
  int checked = 0;
  for (const auto& m : expected["clusters"].GetObject()) {
    Partition want;
    for (const auto& cluster : m.value.GetArray()) {
      std::vector<std::string> ids;
      for (const auto& id : cluster.GetArray()) ids.emplace_back(id.GetString());
      std::sort(ids.begin(), ids.end());
      want.push_back(ids);
    }
    ClusterOptions o;
    o.links = parse_cluster_links(m.name.GetString());
    EXPECT_EQ(partition(g, uncovered_clusters(g, o)), want) << m.name.GetString();
    ++checked;
  }
  EXPECT_GE(checked, 2);
  const auto r = uncovered_clusters(g);
  EXPECT_EQ(r.uncovered_orgs, 8u);
  rapidjson::Document out;
  const std::string text = clusters_json(g, r, ClusterOptions{});
  out.Parse(text.c_str());
  ASSERT_FALSE(out.HasParseError());
  for (const auto& c : out["clusters"].GetArray()) {
    for (const char* key : {"id", "orgs", "full_members", "area_ids", "max_joint_branches"}) {
      EXPECT_TRUE(c.HasMember(key)) << key;
    }
  }
  for (const char* key : {"clusters", "uncovered_orgs", "largest"}) {
    EXPECT_TRUE(out["summary"].HasMember(key)) << key;
  }
  EXPECT_TRUE(out["summary"]["largest"].IsUint64() && out["summary"]["largest"].GetUint64() == 6);
}

// ---- Brute-force reference -------------------------------------------------------------

struct Reference {
  Partition clusters;  // sorted as the contract says
  std::vector<std::size_t> full_members;
  std::vector<std::size_t> area_counts;
  std::size_t uncovered = 0;
  std::size_t hubs = 0, hub_links = 0;  // counted from the shared keys
};

// The uncovered orgs the options keep, in org index order.
std::vector<Id> kept_orgs(const OrgGraph& g, const ClusterOptions& o) {
  std::vector<Id> kept;
  for (Id i = 0; i < g.orgs.size(); ++i) {
    if (g.orgs[i].status != OrgStatus::active || g.org_branches.degree(i) > 0) continue;
    if (o.area != kNone) {
      bool inside = false;
      for (Id a = g.orgs[i].area; a != kNone; a = g.areas[a].parent) inside = inside || a == o.area;
      if (!inside) continue;
    }
    kept.push_back(i);
  }
  return kept;
}

struct UnionFind {
  std::vector<std::size_t> parent;
  explicit UnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  std::size_t find(std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void unite(std::size_t a, std::size_t b) { parent[find(a)] = find(b); }
};

// The clusters of `kept` under the union-find, sorted, cut and described as the contract says.
Reference reference_clusters(const OrgGraph& g, const ClusterOptions& o,
                             const std::vector<Id>& kept, UnionFind& uf) {
  const std::size_t n = kept.size();
  std::map<std::size_t, std::vector<Id>> groups;
  for (std::size_t i = 0; i < n; ++i) groups[uf.find(i)].push_back(kept[i]);
  std::vector<std::vector<Id>> clusters;
  for (auto& [root, members] : groups) {
    if (members.size() < o.min_size) continue;
    std::sort(members.begin(), members.end(),
              [&](Id x, Id y) { return g.org_ids[x] < g.org_ids[y]; });
    clusters.push_back(members);
  }
  std::sort(clusters.begin(), clusters.end(), [&](const auto& x, const auto& y) {
    if (x.size() != y.size()) return x.size() > y.size();
    return g.org_ids[x[0]] < g.org_ids[y[0]];
  });
  if (o.top > 0 && clusters.size() > o.top) clusters.resize(o.top);
  Reference ref;
  ref.uncovered = n;
  for (const auto& c : clusters) {
    std::vector<std::string> ids;
    std::set<Id> full, areas;
    for (Id org : c) {
      ids.emplace_back(g.org_ids[org]);
      areas.insert(g.orgs[org].area);
      const auto row = g.org_people[org];
      for (std::size_t k = 0; k < row.size(); ++k) {
        if (g.org_people.payload[g.org_people.begin_of(org) + k] != Role::member &&
            g.people[row[k]].party_status == PartyStatus::full) {
          full.insert(row[k]);
        }
      }
    }
    ref.clusters.push_back(ids);
    ref.full_members.push_back(full.size());
    ref.area_counts.push_back(areas.size());
  }
  return ref;
}

// Every shared key (area_id, (street, industry), (person, territory)) the options link by ->
// the kept indexes having it. A key of two or more orgs is a hub of the query's Method.
using SharedKeys = std::map<std::tuple<int, Id, Id>, std::set<std::size_t>>;

SharedKeys shared_keys(const OrgGraph& g, const ClusterOptions& o, const std::vector<Id>& kept) {
  SharedKeys sharing;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    const Org& org = g.orgs[kept[i]];
    if (o.links.community) sharing[std::tuple(0, org.area, 0)].insert(i);
    if (o.links.street_industry) sharing[std::tuple(1, org.street, org.industry)].insert(i);
    if (o.links.person) {
      const Id territory = o.within == ClusterWithin::street     ? org.street
                           : o.within == ClusterWithin::district ? org.district
                                                                 : 0;
      for (Id p : g.org_people[kept[i]]) sharing[std::tuple(2, p, territory)].insert(i);
    }
  }
  return sharing;
}

// The hubs and their org links, counted from the shared keys.
void count_hubs(const SharedKeys& sharing, Reference& ref) {
  for (const auto& [key, orgs] : sharing) {
    if (orgs.size() < 2) continue;
    ++ref.hubs;
    ref.hub_links += orgs.size();
  }
}

Reference brute_force(const OrgGraph& g, const ClusterOptions& o) {
  const std::vector<Id> kept = kept_orgs(g, o);
  const std::size_t n = kept.size();
  UnionFind uf(n);
  auto people = [&](Id org) {
    std::set<Id> s(g.org_people[org].begin(), g.org_people[org].end());
    return s;
  };
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const Org& a = g.orgs[kept[i]];
      const Org& b = g.orgs[kept[j]];
      if (o.within == ClusterWithin::street && a.street != b.street) continue;
      if (o.within == ClusterWithin::district && a.district != b.district) continue;
      bool linked = false;
      if (o.links.community && a.area == b.area) linked = true;
      if (o.links.street_industry && a.street == b.street && a.industry == b.industry)
        linked = true;
      if (o.links.person && !linked) {
        const auto pa = people(kept[i]);
        for (Id p : g.org_people[kept[j]]) linked = linked || pa.count(p) > 0;
      }
      if (linked) uf.unite(i, j);
    }
  }
  Reference ref = reference_clusters(g, o, kept, uf);
  count_hubs(shared_keys(g, o, kept), ref);
  return ref;
}

// For cities too big for the pairwise brute force: each shared key unites the first kept org
// that has it with every later one.
Reference key_union_reference(const OrgGraph& g, const ClusterOptions& o) {
  const std::vector<Id> kept = kept_orgs(g, o);
  UnionFind uf(kept.size());
  const SharedKeys sharing = shared_keys(g, o, kept);
  for (const auto& [key, orgs] : sharing) {
    for (std::size_t i : orgs) uf.unite(*orgs.begin(), i);
  }
  Reference ref = reference_clusters(g, o, kept, uf);
  count_hubs(sharing, ref);
  return ref;
}

void expect_equals_reference(const OrgGraph& g, const ClusterOptions& o, const Reference& want,
                             const std::string& what) {
  std::string first_json;
  for (int threads : {1, 2, 8}) {
    par::set_threads(threads);
    const ClusterReport got = uncovered_clusters(g, o);
    ASSERT_EQ(got.uncovered_orgs, want.uncovered) << what;
    ASSERT_EQ(got.hubs, want.hubs) << what << " at " << threads << " threads";
    ASSERT_EQ(got.hub_links, want.hub_links) << what << " at " << threads << " threads";
    // The bipartite graph the query no longer builds has those hubs and links.
    const ClusterGraph graph = uncovered_cluster_graph(g, o);
    ASSERT_EQ(graph.hubs, got.hubs) << what;
    ASSERT_EQ(graph.graph.entries(), 2 * got.hub_links) << what;
    ASSERT_EQ(partition(g, got), want.clusters) << what << " at " << threads << " threads";
    for (std::size_t c = 0; c < got.clusters.size(); ++c) {
      ASSERT_EQ(got.clusters[c].full_members, want.full_members[c]) << what;
      ASSERT_EQ(got.clusters[c].areas.size(), want.area_counts[c]) << what;
    }
    const std::string json = clusters_json(g, got, o);
    if (first_json.empty()) first_json = json;
    ASSERT_EQ(json, first_json) << what << " at " << threads << " threads";
  }
  par::set_threads(0);
}

void expect_equals_brute_force(const OrgGraph& g, const ClusterOptions& o,
                               const std::string& what) {
  expect_equals_reference(g, o, brute_force(g, o), what);
}

TEST(Clusters, HubGraphEqualsBruteForceOnRandomCities) {
  const char* link_sets[] = {"person", "community", "street-industry", "person,community",
                             "person,community,street-industry"};
  int nontrivial = 0;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    testing::RandomCityShape shape;
    shape.orgs = 60 + static_cast<int>(seed) * 25;
    shape.people = 4 * shape.orgs;
    shape.affiliations = 3 * shape.orgs;
    const OrgGraph g = city_from_csv(testing::random_city(seed, shape));
    for (const char* link : link_sets) {
      for (auto within : {ClusterWithin::none, ClusterWithin::street, ClusterWithin::district}) {
        ClusterOptions o = links(link, within);
        const std::string what = "seed " + std::to_string(seed) + " " + link + " within " +
                                 std::string(to_string(within));
        expect_equals_brute_force(g, o, what);
        const auto r = uncovered_clusters(g, o);
        nontrivial += (r.largest > 2 && r.singletons > 0) ? 1 : 0;
      }
    }
    ClusterOptions o = links("person,community");
    o.area = g.find_area("D1");
    expect_equals_brute_force(g, o, "seed " + std::to_string(seed) + " area D1");
    o.area = g.find_area("D0S1");
    o.min_size = 2;
    expect_equals_brute_force(g, o, "seed " + std::to_string(seed) + " area D0S1 min 2");
    o = links("person");
    o.min_size = 2;
    o.top = 3;
    expect_equals_brute_force(g, o, "seed " + std::to_string(seed) + " top 3");
  }
  EXPECT_GT(nontrivial, 20) << "random cities should give clusters of several orgs";
}

// A city big enough that every parallel step (the counting sorts of the links and of the
// clusters' orgs cut into parts, the filters cut into blocks) runs in more than one piece at 2 and
// 8 threads: 150,000 orgs, most uncovered. Few communities make large clusters under community
// links; person links alone leave many small ones and singletons.
TEST(Clusters, LargeCityEqualsAKeyUnionReferenceAtAnyThreadCount) {
  testing::RandomCityShape shape;
  shape.districts = 6;
  shape.streets_per_district = 8;
  shape.communities_per_street = 8;
  shape.orgs = 150000;
  shape.people = 200000;
  shape.affiliations = 160000;
  shape.branches = 2000;
  const OrgGraph g = city_from_csv(testing::random_city(21, shape));
  for (const char* link : {"person", "person,community", "person,street-industry"}) {
    for (auto within : {ClusterWithin::none, ClusterWithin::street}) {
      const ClusterOptions o = links(link, within);
      const std::string what = std::string(link) + " within " + std::string(to_string(within));
      const Reference want = key_union_reference(g, o);
      ASSERT_GT(want.uncovered, 100000u) << what;
      expect_equals_reference(g, o, want, what);
    }
  }
  ClusterOptions o = links("person");
  o.min_size = 2;
  o.top = 500;
  expect_equals_reference(g, o, key_union_reference(g, o), "person min 2 top 500");
}

TEST(ClustersCli, SameOutputAtAnyThreadCountAndClearErrors) {
  const std::string dir = testing::temp_dir("clusters-cli");
  testing::RandomCityShape shape;
  shape.orgs = 3000;
  shape.people = 9000;
  shape.affiliations = 8000;
  for (const auto& [name, text] : testing::random_city(3, shape)) {
    testing::write_text(dir + "/" + name, text);
  }
  for (const char* link : {"person,community", "person,street-industry"}) {
    std::string first;
    for (const char* threads : {"1", "2", "8"}) {
      const auto r = testing::run_orgraph(
          {"clusters", dir, "--link", link, "--format", "json", "--threads", threads});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      if (first.empty()) first = r.out;
      EXPECT_EQ(r.out, first) << link << " at " << threads << " threads";
    }
  }
  const std::string tiny = testing::tiny_city_dir();
  auto r = testing::run_orgraph({"clusters", tiny, "--area", "NOPE"});
  EXPECT_EQ(r.exit_code, 6);
  EXPECT_NE(r.err.find("NOPE"), std::string::npos);
  r = testing::run_orgraph({"clusters", tiny, "--link", "person,friends"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("friends"), std::string::npos);
  r = testing::run_orgraph({"clusters", tiny, "--within", "county"});
  EXPECT_EQ(r.exit_code, 2);
  r = testing::run_orgraph({"clusters", tiny, "--min-size", "2", "--top", "1", "--format", "csv"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("1,6,7,1,O12,K4,0"), std::string::npos) << r.out;
  r = testing::run_orgraph({"clusters", tiny, "--format", "table", "--area", "S2"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("O5 O6"), std::string::npos) << r.out;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace orgraph

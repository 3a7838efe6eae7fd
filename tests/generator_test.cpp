// The city generator: determinism at any thread count, a valid and loadable city, calibration
// against the Changzhou survey figures (domain.md), valid unified social credit codes, and every
// planted defect kind present. All checks are computed here from the loaded graph and the
// definitions of contracts.md section 2, independently of the generator's own bookkeeping.
#include "loaders/generator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "engine/parallel.hpp"
#include "loaders/city_loader.hpp"
#include "support/test_support.hpp"

namespace orgraph {
namespace {

namespace fs = std::filesystem;
using testing::read_text;
using testing::temp_dir;

std::map<std::string, std::string> read_folder(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) files[e.path().filename()] = read_text(e.path());
  return files;
}

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

GeneratorReport generate(const std::string& dir, std::uint64_t seed, int threads,
                         const std::string& preset = "changzhou", std::uint64_t orgs = 0) {
  par::set_threads(threads);
  GeneratorOptions o;
  o.preset = preset;
  o.seed = seed;
  o.orgs = orgs;
  o.out = dir;
  GeneratorReport r = generate_city(o);
  par::set_threads(0);
  return r;
}

// An independent GB 32100-2015 checker: explicit weights from the standard.
bool valid_uscc(std::string_view code) {
  static constexpr std::string_view alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static constexpr int weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
  if (code.size() != 18) return false;
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    const auto v = alphabet.find(code[i]);
    if (v == std::string_view::npos) return false;
    sum += static_cast<int>(v) * weights[i];
  }
  const int check = (31 - sum % 31) % 31;
  return code[17] == alphabet[check];
}

// One changzhou city (seed 7) generated and loaded once for the suite.
class ChangzhouCity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(temp_dir("generator-suite") + "/city");
    report_ = new GeneratorReport(generate(*dir_, 7, 2));
    LoadReport load;
    graph_ = new OrgGraph(load_city(*dir_, {}, &load));
    warnings_ = load.diagnostics.size();
  }
  static void TearDownTestSuite() {
    fs::remove_all(fs::path(*dir_).parent_path());
    delete graph_;
    delete report_;
    delete dir_;
  }
  static const OrgGraph& g() { return *graph_; }

  static std::string* dir_;
  static GeneratorReport* report_;
  static OrgGraph* graph_;
  static std::size_t warnings_;
};
std::string* ChangzhouCity::dir_ = nullptr;
GeneratorReport* ChangzhouCity::report_ = nullptr;
OrgGraph* ChangzhouCity::graph_ = nullptr;
std::size_t ChangzhouCity::warnings_ = 0;

TEST(Generator, ByteIdenticalAtAnyThreadCountAndSeedMatters) {
  const std::string base = temp_dir("generator-threads");
  std::map<std::string, std::uint64_t> reference;
  std::map<std::string, std::string> first;
  for (int threads : {1, 2, 8}) {
    const std::string dir = base + "/t" + std::to_string(threads);
    generate(dir, 7, threads);
    const auto files = read_folder(dir);
    ASSERT_EQ(files.size(), 10u);
    if (first.empty()) {
      first = files;
      for (const auto& [name, text] : files) reference[name] = fnv1a(text);
      continue;
    }
    for (const auto& [name, text] : files) {
      EXPECT_EQ(fnv1a(text), reference[name]) << name << " differs at --threads " << threads;
      EXPECT_TRUE(text == first[name]) << name << " differs at --threads " << threads;
    }
  }
  generate(base + "/seed8", 8, 2);
  const auto other = read_folder(base + "/seed8");
  for (const char* name : {"organizations.csv", "people.csv", "affiliations.csv", "areas.csv"}) {
    EXPECT_NE(fnv1a(other.at(name)), reference[name]) << name << " did not change with the seed";
  }
  fs::remove_all(base);
}

TEST_F(ChangzhouCity, LoadsWithoutErrorsOrWarnings) {
  EXPECT_EQ(warnings_, 0u);
  EXPECT_EQ(report_->tables.size(), 10u);
  EXPECT_EQ(g().orgs.size(), 8700u);
  EXPECT_EQ(g().people.size(), report_->people);
  EXPECT_EQ(g().branches.size(), report_->branches);
  // No leftover temporary folder next to the output.
  for (const auto& e : fs::directory_iterator(fs::path(*dir_).parent_path())) {
    EXPECT_EQ(e.path().filename().string().rfind(".city.", 0), std::string::npos) << e.path();
  }
  // CSV quoting is exercised: some names hold a comma or a quote.
  bool comma = false, quote = false;
  for (Id p = 0; p < g().people.size(); ++p) {
    comma = comma || g().person_names[p].find(',') != std::string_view::npos;
    quote = quote || g().person_names[p].find('"') != std::string_view::npos;
  }
  EXPECT_TRUE(comma);
  EXPECT_TRUE(quote);
}

TEST_F(ChangzhouCity, GeographyFollowsTheRealCity) {
  std::map<AreaLevel, std::size_t> by_level;
  for (const auto& a : g().areas) ++by_level[a.level];
  EXPECT_EQ(by_level[AreaLevel::city], 1u);
  EXPECT_EQ(by_level[AreaLevel::district], 6u);
  EXPECT_EQ(by_level[AreaLevel::street], 62u);
  EXPECT_GE(by_level[AreaLevel::community], 900u);
  EXPECT_LE(by_level[AreaLevel::community], 1100u);
  for (const char* id : {"320400", "320402", "320404", "320411", "320412", "320413", "320481"}) {
    EXPECT_NE(g().find_area(id), kNone) << id;
  }
  std::size_t towns = 0;
  for (Id a = 0; a < g().areas.size(); ++a) {
    if (g().areas[a].level != AreaLevel::street) continue;
    const auto name = g().area_names[a];
    towns += name.ends_with("镇") ? 1 : 0;
    EXPECT_TRUE(name.ends_with("镇") || name.ends_with("街道")) << name;
    EXPECT_GT(g().area_children.degree(a), 0u) << name << " has no community";
    // Real-ish coordinates around Changzhou.
    EXPECT_NEAR(g().areas[a].lat, 31.65, 0.45);
    EXPECT_NEAR(g().areas[a].lon, 119.75, 0.45);
  }
  EXPECT_EQ(towns, 33u);
}

TEST_F(ChangzhouCity, CalibratedOnTheSurvey) {
  std::size_t registered = 0, city_registered = 0, active_registered = 0, covered_registered = 0;
  std::map<OrgKind, std::size_t> kinds;
  std::size_t under_three = 0;
  std::uint64_t party = 0, staff = 0;
  for (Id o = 0; o < g().orgs.size(); ++o) {
    const Org& org = g().orgs[o];
    under_three += org.full_members < 3 ? 1 : 0;
    party += org.party_members;
    staff += static_cast<std::uint64_t>(std::max(0, org.staff_count));
    if (org.kind == OrgKind::community_group) {
      EXPECT_TRUE(org.registration_level == AreaLevel::street ||
                  org.registration_level == AreaLevel::community);
      continue;
    }
    ++registered;
    ++kinds[org.kind];
    city_registered += org.registration_level == AreaLevel::city ? 1 : 0;
    if (g().is_active(o)) {
      ++active_registered;
      covered_registered += org.covered ? 1 : 0;
    }
  }
  EXPECT_NEAR(static_cast<double>(registered), 5700, 200);
  EXPECT_NEAR(static_cast<double>(city_registered), 700, 50);
  EXPECT_GE(g().orgs.size() - registered, 2000u);  // several thousand community groups
  const auto share = [&](OrgKind k) { return 100.0 * kinds[k] / registered; };
  EXPECT_NEAR(share(OrgKind::social_service), 57, 4);
  EXPECT_NEAR(share(OrgKind::social_group), 42, 4);
  EXPECT_GT(kinds[OrgKind::foundation], 0u);
  EXPECT_NEAR(share(OrgKind::foundation), 1, 1);
  EXPECT_GT(100.0 * under_three / g().orgs.size(), 90.0);
  EXPECT_LT(100.0 * static_cast<double>(party) / static_cast<double>(staff), 10.0);
  EXPECT_GT(party, 0u);
  const double covered = 100.0 * covered_registered / active_registered;
  EXPECT_GE(covered, 25.0);
  EXPECT_LE(covered, 35.0);

  // Pocket and floating members, from the definitions of contracts.md section 2.
  std::size_t pocket = 0, floating = 0, multi = 0;
  for (Id p = 0; p < g().people.size(); ++p) {
    multi += g().person_orgs.degree(p) >= 2 ? 1 : 0;
    if (g().people[p].party_status == PartyStatus::none) continue;
    std::vector<Id> work;
    const auto orgs = g().person_orgs[p];
    for (std::size_t k = 0; k < orgs.size(); ++k) {
      const Role role = g().person_orgs.payload[g().person_orgs.begin_of(p) + k];
      if (role != Role::member && g().is_active(orgs[k])) work.push_back(orgs[k]);
    }
    if (work.empty()) continue;
    const auto branches = g().person_branches[p];
    if (branches.empty()) {
      ++pocket;
      continue;
    }
    bool covers_work = false;
    for (Id b : branches) {
      for (Id o : g().branch_orgs[b]) {
        covers_work = covers_work || std::find(work.begin(), work.end(), o) != work.end();
      }
    }
    floating += covers_work ? 0 : 1;
  }
  EXPECT_GT(pocket, 0u);
  EXPECT_GT(floating, 0u);
  EXPECT_GT(multi, 1000u);

  // Supervision lines all exist and end at the city organization department.
  const Id org_city = g().find_unit("ORG-320400");
  ASSERT_NE(org_city, kNone);
  EXPECT_EQ(g().units[org_city].line, UnitLine::organization);
  EXPECT_EQ(g().unit_superiors.degree(org_city), 0u);
  std::map<UnitLine, std::size_t> lines;
  for (const auto& u : g().units) ++lines[u.line];
  EXPECT_GT(lines[UnitLine::civil_affairs], 6u);
  EXPECT_GT(lines[UnitLine::industry], 10u);
  EXPECT_GT(lines[UnitLine::community], 1000u);
  std::size_t instructed = 0, competent = 0;
  for (Id o = 0; o < g().orgs.size(); ++o) {
    instructed += g().org_instructor_units.degree(o) > 0 ? 1 : 0;
    if (g().orgs[o].competent_unit != kNone) {
      ++competent;
      EXPECT_EQ(g().units[g().orgs[o].competent_unit].line, UnitLine::industry);
    }
  }
  EXPECT_GT(instructed, 1000u);
  EXPECT_GT(competent, 500u);
}

TEST_F(ChangzhouCity, CreditCodesAreValidAndMatchTheirDistrict) {
  std::size_t checked = 0;
  for (Id o = 0; o < g().orgs.size(); ++o) {
    const Org& org = g().orgs[o];
    const std::string_view id = g().org_ids[o];
    if (org.kind == OrgKind::community_group) {
      EXPECT_FALSE(valid_uscc(id)) << id;
      continue;
    }
    ++checked;
    ASSERT_TRUE(valid_uscc(id)) << id;
    EXPECT_EQ(id[0], '5');
    const char kind = org.kind == OrgKind::social_group ? '1'
                      : org.kind == OrgKind::social_service ? '2'
                                                            : '3';
    EXPECT_EQ(id[1], kind) << id;
    const Id division =
        org.registration_level == AreaLevel::city ? g().areas[org.district].parent : org.district;
    EXPECT_EQ(id.substr(2, 6), g().area_ids[division]) << id;
    EXPECT_EQ(uscc_check_char(id.substr(0, 17)), id[17]);
  }
  EXPECT_EQ(checked, 5700u);
  // A mistyped code fails the independent checker (so the check can fail).
  std::string bad(g().org_ids[0]);
  bad[12] = bad[12] == '0' ? '1' : '0';
  EXPECT_FALSE(valid_uscc(bad));
}

TEST_F(ChangzhouCity, EveryPlantedDefectKindIsPresent) {
  const OrgGraph& G = g();
  auto full_in = [&](Id b) {
    std::size_t n = 0;
    for (Id p : G.branch_people[b]) n += G.people[p].party_status == PartyStatus::full ? 1 : 0;
    return n;
  };
  auto party_in = [&](Id b) {
    std::size_t n = 0;
    for (Id p : G.branch_people[b]) n += G.people[p].party_status != PartyStatus::none ? 1 : 0;
    return n;
  };
  std::size_t orphan = 0, multiple_branch = 0, level = 0, jurisdiction = 0, undersized = 0,
              oversized = 0, too_wide = 0, inactive = 0;
  for (Id b = 0; b < G.branches.size(); ++b) {
    const BranchForm form = G.branches[b].form;
    const auto sups = G.branch_superiors[b];
    orphan += sups.empty() ? 1 : 0;
    multiple_branch += sups.size() >= 2 ? 1 : 0;
    bool lower = false, outside = false, deregistered = false;
    for (Id o : G.branch_orgs[b]) {
      deregistered = deregistered || G.orgs[o].status == OrgStatus::deregistered;
      for (Id u : sups) {
        lower = lower || is_above(G.orgs[o].registration_level, G.units[u].level);
        if (G.units[u].line == UnitLine::community) {
          outside = outside || !G.area_contains(G.units[u].area, G.orgs[o].area);
        }
      }
    }
    level += lower ? 1 : 0;
    jurisdiction += outside ? 1 : 0;
    inactive += deregistered ? 1 : 0;
    undersized += form != BranchForm::temporary_branch && full_in(b) < 3 ? 1 : 0;
    oversized +=
        (form == BranchForm::branch || form == BranchForm::joint_branch) && party_in(b) > 50 ? 1
                                                                                              : 0;
    too_wide += form == BranchForm::joint_branch && G.branch_orgs[b].size() > 5 ? 1 : 0;
  }
  EXPECT_GT(orphan, 0u);
  EXPECT_GT(multiple_branch, 0u);
  EXPECT_GT(level, 0u);
  EXPECT_GT(jurisdiction, 0u);
  EXPECT_GT(undersized, 0u);
  EXPECT_GT(oversized, 0u);
  EXPECT_GT(too_wide, 0u);
  EXPECT_GT(inactive, 0u);
  // Small rates: defects are the exception.
  EXPECT_LT(orphan + multiple_branch + level + jurisdiction, G.branches.size() / 5);

  // Units: self-loop, longer cycle, two superiors, broken chain, superior at a lower level.
  const std::size_t nu = G.units.size();
  std::size_t self_loops = 0, longer_cycles = 0, multiple_unit = 0, lower_unit = 0;
  std::vector<char> in_cycle(nu, 0);
  for (Id u = 0; u < nu; ++u) {
    const auto sups = G.unit_superiors[u];
    multiple_unit += sups.size() >= 2 ? 1 : 0;
    for (Id s : sups) {
      self_loops += s == u ? 1 : 0;
      lower_unit += is_above(G.units[u].level, G.units[s].level) ? 1 : 0;
    }
    // Follow first superiors: returning to u after 2+ steps is a cycle through u.
    Id at = sups.empty() ? kNone : sups[0];
    for (std::size_t step = 1; step <= nu && at != kNone && at != u; ++step) {
      const auto up = G.unit_superiors[at];
      at = up.empty() ? kNone : up[0];
    }
    if (at == u) in_cycle[u] = 1;
    if (at == u && (sups.empty() || sups[0] != u)) ++longer_cycles;
  }
  EXPECT_GE(self_loops, 1u);
  EXPECT_GE(longer_cycles, 2u);
  EXPECT_GE(multiple_unit, 1u);
  EXPECT_GE(lower_unit, 1u);
  std::size_t broken = 0;
  for (Id u = 0; u < nu; ++u) {
    const bool root = G.units[u].line == UnitLine::organization && G.units[u].level == AreaLevel::city;
    broken += !root && !in_cycle[u] && G.unit_superiors.degree(u) == 0 ? 1 : 0;
  }
  EXPECT_GE(broken, 1u);

  // People with relations in two branches; orgs nobody is responsible for.
  std::size_t duplicates = 0;
  for (Id p = 0; p < G.people.size(); ++p) duplicates += G.person_branches.degree(p) >= 2 ? 1 : 0;
  EXPECT_GT(duplicates, 0u);
  std::size_t nobody = 0, active = 0;
  for (Id o = 0; o < G.orgs.size(); ++o) {
    if (!G.is_active(o)) continue;
    ++active;
    nobody += G.is_uncovered(o) && G.org_instructor_units.degree(o) == 0 &&
                      G.orgs[o].competent_unit == kNone
                  ? 1
                  : 0;
  }
  EXPECT_GT(nobody, 0u);
  EXPECT_LT(nobody, active / 2);
}

TEST(Generator, OrgsOverrideKeepsProportions) {
  const std::string base = temp_dir("generator-orgs");
  generate(base + "/small", 3, 2, "changzhou", 2000);
  const OrgGraph g = load_city(base + "/small");
  ASSERT_EQ(g.orgs.size(), 2000u);
  std::size_t city = 0, groups = 0;
  for (const auto& o : g.orgs) {
    city += o.registration_level == AreaLevel::city ? 1 : 0;
    groups += o.kind == OrgKind::community_group ? 1 : 0;
  }
  EXPECT_NEAR(static_cast<double>(city), 2000 * 700.0 / 8700, 2);
  EXPECT_NEAR(static_cast<double>(groups), 2000 * 3000.0 / 8700, 2);
  EXPECT_EQ(std::count_if(g.areas.begin(), g.areas.end(),
                          [](const Area& a) { return a.level == AreaLevel::street; }),
            62);
  fs::remove_all(base);
}

TEST(Generator, SyntheticPresetsLoad) {
  const std::string base = temp_dir("generator-presets");
  for (const char* preset : {"province", "nation"}) {
    const std::string dir = base + "/" + preset;
    const GeneratorReport r = generate(dir, 5, 2, preset, 12'000);
    LoadReport load;
    const OrgGraph g = load_city(dir, {}, &load);
    EXPECT_EQ(load.diagnostics.size(), 0u) << preset;
    EXPECT_EQ(g.orgs.size(), 12'000u);
    EXPECT_GE(r.cities, 1u);
    std::size_t cities = 0, roots = 0;
    for (const auto& a : g.areas) cities += a.level == AreaLevel::city ? 1 : 0;
    for (const auto& u : g.units) {
      roots += u.line == UnitLine::organization && u.level == AreaLevel::city ? 1 : 0;
    }
    EXPECT_EQ(cities, r.cities) << preset;
    EXPECT_EQ(roots, cities) << preset << ": one organization department per city";
    for (Id o = 0; o < g.orgs.size(); ++o) {
      if (g.orgs[o].kind != OrgKind::community_group) {
        ASSERT_TRUE(valid_uscc(g.org_ids[o])) << g.org_ids[o];
      }
    }
  }
  fs::remove_all(base);
}

TEST(Generator, RefusesBadOptionsAndNonEmptyFolders) {
  const std::string base = temp_dir("generator-options");
  GeneratorOptions o;
  o.out = base + "/x";
  o.preset = "planet";
  EXPECT_THROW(generate_city(o), std::invalid_argument);
  o.preset = "changzhou";
  o.orgs = kMaxGeneratedOrgs + 1;
  EXPECT_THROW(generate_city(o), std::invalid_argument);
  o.orgs = 500;
  o.out.clear();
  EXPECT_THROW(generate_city(o), std::invalid_argument);

  // A non-empty folder is refused and left untouched; --force replaces it.
  o.out = base + "/city";
  testing::write_text(o.out + "/notes.txt", "keep me");
  EXPECT_THROW(generate_city(o), std::invalid_argument);
  EXPECT_EQ(read_text(o.out + "/notes.txt"), "keep me");
  o.force = true;
  generate_city(o);
  EXPECT_FALSE(fs::exists(o.out + "/notes.txt"));
  EXPECT_TRUE(fs::exists(o.out + "/organizations.csv"));
  // An existing empty folder is fine without --force.
  o.force = false;
  o.out = base + "/empty";
  fs::create_directories(o.out);
  generate_city(o);
  EXPECT_TRUE(fs::exists(o.out + "/instructors.csv"));
  // Nothing but the two cities is left in the parent folder.
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(base)) names.insert(e.path().filename());
  EXPECT_EQ(names, (std::set<std::string>{"city", "empty"}));
  fs::remove_all(base);
}

}  // namespace
}  // namespace orgraph

// Synthetic city generator (`orgraph generate`): writes a DATA folder in the CSV format of
// contracts.md section 1, calibrated on the Changzhou field survey (domain.md), with defects
// planted at small known rates so that every gap code of contracts.md section 4 has something
// to find. docs/generator.md describes the model for users.
//
// Presets
//   changzhou  the real city: 6 county-level areas (Tianning 320402, Zhonglou 320404, Xinbei
//              320411, Wujin 320412, Jintan 320413, Liyang 320481), their 62 streets and towns
//              (29 sub-districts, 33 towns) with real names, ~1,000 synthetic communities and
//              villages; 8,700 organizations = 700 city-registered + 5,000 district-registered
//              + 3,000 community groups; ~95k people.
//   province   13 cities of Jiangsu (real names and codes; Changzhou is the real one above, the
//              others have synthetic districts), 300,000 organizations.
//   nation     31 provinces, ~320 cities, ~560k communities, 3,000,000 organizations, ~29M people.
//   --orgs N   keeps every proportion; for province/nation the number of cities is scaled with
//              N (never above the preset's), Changzhou's geography is fixed.
//
// Calibration (targets checked by tests/generator_test.cpp on changzhou; seed 7 measured)
//   kinds of registered orgs: social_service 57%, social_group 42%, foundation ~1% (foundations
//   only among city-registered orgs); industries from a 13-entry list with a mix per kind.
//   Staff (staff_count = staff + leader affiliations) Pareto-distributed per kind, median ~3,
//   heavy tail up to 3,000; associations and community groups also list members (role member).
//   Party status per person: each org has a party-affinity class (60% low x0.35, 30% average,
//   10% high x4); leaders are full members with 18% x affinity (at most 70%), staff 5% (4% in
//   orgs of 100+ staff), ~0.8% probationary. Result: party members ~7.5% of staff, ~98% of orgs
//   with fewer than 3 full members.
//   Coverage: an own branch for 80% (community groups 50%) of orgs with >= 3 full members
//   (branch / general branch / committee for <= 50 / 51-99 / >= 100 party members); joint
//   branches per street and registration level (or, for 30% of district-registered orgs whose
//   industry has a district line, per industry in the district): orgs with 1-2 full members are
//   taken until the group has 3, then orgs with none fill it to 3-5 orgs; pool entry 20/85/90%
//   (community groups 10/40/55%) for 0/1/2 full members; ~1 temporary branch per 2 districts.
//   Result: ~28% of registered orgs and ~9% of community groups covered.
//   Work coverage: instructors for 70% of uncovered registered orgs, 60% of uncovered community
//   groups, 8% of covered orgs; 70% name a person. Competent units (industry line) for 30-50% of
//   registered orgs whose industry has a line. ~30% of orgs share people with another org of the
//   same street (roles member 60%, staff 30%, leader 10%): ~5% of people have 2+ affiliations.
//   Party relations: the full members a branch needs for its 3 always relate there; other
//   members of covered orgs: 5% pocket, 5% floating; members of uncovered orgs: 60% pocket, 40%
//   floating (relation in another branch of the city: 25% in the city's magnet branch, 40% in
//   the district's magnet branch if it has one, else any branch of the city).
//
// Planted defects (rates per eligible entity; "designated" = forced once per city so that
// every city has at least one)
//   orphan_branch         1.2% of branches have no superior                       + designated
//   multiple_superiors    1.2% of branches get a second superior                  + designated
//                         one district industry unit per city has two superiors   (designated)
//   supervision_cycle     per city: a self-loop, a 2-cycle and a 3-cycle of community units
//   broken_chain          per city one district industry unit has no superior; 1% of street
//                         units have no superior
//   level_mismatch        1.2% of branches covering registered orgs are put under a street unit
//                         + designated; per city one district civil-affairs unit is put under a
//                         street unit
//   jurisdiction_mismatch 5% of branches under a community-line unit are put under the unit of
//                         a neighbouring street                                  + designated
//   undersized_branch     3% of orgs with exactly 2 full members get an own branch; 10% of the
//                         leftover small groups of a pool are kept as a joint branch + designated
//   oversized_branch      the magnet branch of the city's first district (and of 5% of the other
//                         districts) collects a share of the floating members (see above)
//   joint_branch_too_wide 2% of joint branches are filled up to 6-8 orgs          + designated
//   inactive_coverage     deregistered orgs keep their own branch at 10% of the normal chance
//                         and enter joint-branch pools at 15% of the normal chance
//   duplicate_relation    0.4% of party relations get a second branch of the same city
//   no_responsible_unit   not planted: it is what remains (active, uncovered, no instructor,
//                         no competent unit), ~15% of registered orgs, ~35% of community groups
//
// Determinism: every value is drawn from a counter-based generator (SplitMix64 of seed, stream,
// entity index), so it depends only on the entity's index; work is cut in fixed blocks and
// written in block order. The output is byte-identical at any --threads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orgraph {

struct GeneratorOptions {
  std::string preset = "changzhou";  // changzhou | province | nation
  std::uint64_t orgs = 0;            // 0 = the preset's count
  std::uint64_t seed = 7;
  std::string out;    // the folder to create
  bool force = false;  // replace a non-empty existing folder
  // Called when a phase starts: "plan", then each file name ("areas.csv", ...) in
  // generator_phases() order. For progress display; may be empty.
  std::function<void(const std::string& phase)> on_phase;
};

struct GeneratedTable {
  std::string file;
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
};

struct GeneratorReport {
  std::string preset;
  std::uint64_t seed = 0;
  std::string out;
  std::uint64_t cities = 0, districts = 0, streets = 0, communities = 0;
  std::uint64_t units = 0, orgs = 0, people = 0, branches = 0;
  std::vector<GeneratedTable> tables;  // in contracts.md order
  std::uint64_t bytes = 0;
  double seconds = 0;
  // Planted defects by gap code (counts of planted instances, before any knock-on effects).
  std::vector<std::pair<std::string, std::uint64_t>> planted;
};

// The accepted preset names.
const std::vector<std::string>& generator_presets();
// The phases reported through GeneratorOptions::on_phase, in order.
const std::vector<std::string>& generator_phases();
// Default organization count of a preset. Throws std::invalid_argument for an unknown preset.
std::uint64_t preset_orgs(const std::string& preset);
// Largest accepted --orgs.
inline constexpr std::uint64_t kMaxGeneratedOrgs = 20'000'000;

// Writes the city into options.out: everything goes to a temporary folder next to it, renamed
// into place at the end. Throws std::invalid_argument for bad options (unknown preset, --orgs
// out of range, `out` missing or non-empty without force) and IoError when writing fails.
GeneratorReport generate_city(const GeneratorOptions& options);

// The check character (GB 32100-2015) of a unified social credit code given its first 17
// characters; '\0' when a character is outside the code alphabet.
char uscc_check_char(std::string_view first17);

}  // namespace orgraph

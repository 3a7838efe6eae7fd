// The immutable city graph. Built once by GraphBuilder (engine/builder.hpp); every query takes
// `const OrgGraph&`. Entities live in dense tables indexed by Id; every relation is stored in
// both directions as CSR. Derived facts that every query needs (an org's street and district,
// its full and party members, coverage) are computed once at build time, following the
// definitions of contracts.md section 2.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/csr.hpp"
#include "engine/strings.hpp"
#include "engine/types.hpp"

namespace orgraph {

inline constexpr float kNoCoordinate = std::numeric_limits<float>::quiet_NaN();

// The entity structs are written to snapshots byte for byte, so they have no implicit padding:
// `reserved_` fills what would be padding, always zero, to keep snapshots deterministic.
struct Area {
  AreaLevel level = AreaLevel::city;
  std::uint8_t reserved_[3] = {0, 0, 0};
  Id parent = kNone;
  float lat = kNoCoordinate;
  float lon = kNoCoordinate;
};

struct Unit {
  UnitLine line = UnitLine::organization;
  AreaLevel level = AreaLevel::city;
  std::uint8_t reserved_[2] = {0, 0};
  Id area = kNone;
  Id industry = kNone;  // index into OrgGraph::industry_names, kNone when not given
};

struct Org {
  OrgKind kind = OrgKind::social_group;
  OrgStatus status = OrgStatus::active;
  AreaLevel registration_level = AreaLevel::district;
  std::uint8_t rating = 0;  // 0 = none, 1..5 = 1A..5A
  Id industry = kNone;
  Id area = kNone;            // a street or a community
  Id competent_unit = kNone;  // kNone when not given
  std::int32_t staff_count = -1;  // -1 when not given
  float lat = kNoCoordinate;
  float lon = kNoCoordinate;
  // Derived at build time (contracts.md section 2).
  Id street = kNone;
  Id district = kNone;
  std::uint32_t full_members = 0;   // distinct full members on staff or leading
  std::uint32_t party_members = 0;  // distinct full or probationary members on staff or leading
  bool covered = false;             // active and named in branch_coverage
  bool work_covered = false;        // covered, or has an instructor
  std::uint8_t reserved_[2] = {0, 0};
};
static_assert(sizeof(Area) == 16 && sizeof(Unit) == 12 && sizeof(Org) == 48,
              "entity structs must stay free of implicit padding (snapshots copy their bytes)");

struct Person {
  PartyStatus party_status = PartyStatus::none;
};

struct Branch {
  BranchForm form = BranchForm::branch;
};

// One supervision edge target: a unit or a branch.
struct Subordinate {
  SubordinateKind kind;
  Id id;
};

class OrgGraph {
 public:
  // Entity tables.
  std::vector<Area> areas;
  std::vector<Unit> units;
  std::vector<Org> orgs;
  std::vector<Person> people;
  std::vector<Branch> branches;

  // String ids and names, aligned with the tables above.
  StringColumn area_ids, area_names;
  StringColumn unit_ids, unit_names;
  StringColumn org_ids, org_names;
  StringColumn person_ids, person_names;
  StringColumn branch_ids, branch_names;
  StringColumn industry_names;  // dictionary of industry strings

  // Relations, each in both directions. Targets are sorted within a row, duplicates removed.
  Csr<> area_children;          // area -> child areas
  Csr<> area_orgs;              // area -> orgs located directly in it
  Csr<> area_units;             // area -> units with jurisdiction over it
  Csr<Role> org_people;         // org -> affiliated people (payload: role)
  Csr<Role> person_orgs;        // person -> orgs (payload: role)
  Csr<> branch_orgs;            // branch -> covered orgs
  Csr<> org_branches;           // org -> branches covering it
  Csr<> branch_people;          // branch -> people with a party relation to it
  Csr<> person_branches;        // person -> branches holding their party relation
  Csr<> unit_sub_units;         // unit -> units it supervises
  Csr<> unit_superiors;         // unit -> units supervising it
  Csr<> unit_sub_branches;      // unit -> branches it supervises
  Csr<> branch_superiors;       // branch -> units supervising it
  Csr<> org_instructor_units;   // org -> units that assigned it an instructor
  Csr<> unit_instructed_orgs;   // unit -> orgs it instructs
  Csr<> unit_competent_orgs;    // unit -> orgs it is the competent unit of
  // Instructor persons as given (row order of instructors.csv after dedup): parallel arrays.
  std::vector<Id> instructor_unit, instructor_org, instructor_person;  // person may be kNone

  // Lookup by string id (kNone when absent).
  Id find_area(std::string_view id) const { return area_index.find(area_ids, id); }
  Id find_unit(std::string_view id) const { return unit_index.find(unit_ids, id); }
  Id find_org(std::string_view id) const { return org_index.find(org_ids, id); }
  Id find_person(std::string_view id) const { return person_index.find(person_ids, id); }
  Id find_branch(std::string_view id) const { return branch_index.find(branch_ids, id); }
  Id find_industry(std::string_view name) const {
    return industry_index.find(industry_names, name);
  }

  // Convenience accessors.
  bool is_active(Id org) const { return orgs[org].status == OrgStatus::active; }
  bool is_uncovered(Id org) const { return is_active(org) && !orgs[org].covered; }
  std::string_view industry(Id org) const {
    return orgs[org].industry == kNone ? std::string_view{} : industry_names[orgs[org].industry];
  }
  // Full members of a set of orgs: distinct people, counted once (contracts.md section 2).
  // `scratch` must hold people.size() zeros and is left zeroed; pass one per thread.
  std::uint32_t full_members_of(std::span<const Id> org_set, std::vector<std::uint8_t>& scratch,
                                bool count_probationary = false) const;
  // True when `ancestor` is `area` or contains it.
  bool area_contains(Id ancestor, Id area) const;

  // Rebuilds the id lookup tables (used by the builder and the snapshot reader).
  void build_indexes();

  // Approximate heap bytes held, for reports and benchmarks.
  std::size_t memory_bytes() const;

  // String id -> dense id tables (over the id columns above).
  Interner area_index, unit_index, org_index, person_index, branch_index, industry_index;
};

// "kind:id" strings used in exports and gap entities.
std::string node_key(std::string_view kind, std::string_view id);

}  // namespace orgraph

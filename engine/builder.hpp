// GraphBuilder: typed rows in, immutable OrgGraph out. Interns string ids to dense 32-bit ids,
// checks every cross-reference of contracts.md section 1 (duplicate ids, unknown ids, area
// levels), builds every relation as CSR in both directions, and derives the per-org facts of
// section 2. Strict mode collects every error (up to a limit) and throws LoadError; lenient
// mode drops the bad rows, keeps a diagnostic with the row for each, and cascades: a row that
// refers to a dropped row is dropped too, with its reason.
//
// Usage: add the entity tables in the order areas, units, orgs, people, branches (later tables
// refer to earlier ones), then the relation tables in any order, then finish(). String views in
// the rows need only live until the add_* call returns.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "engine/diagnostics.hpp"
#include "engine/graph.hpp"

namespace orgraph {

// Where a row came from: CSV line (1-based) or JSON array index, and its position in the
// source table (for TableSource::raw_text, which gives the row's text for rejects files).
struct RowOrigin {
  std::uint32_t row = 0;
  std::uint32_t index = 0;
};

struct AreaRow {
  std::string_view id, name, parent_id;
  AreaLevel level = AreaLevel::city;
  float lat = kNoCoordinate, lon = kNoCoordinate;
  RowOrigin origin;
};
struct UnitRow {
  std::string_view id, name, area_id, industry;
  UnitLine line = UnitLine::organization;
  AreaLevel level = AreaLevel::city;
  RowOrigin origin;
};
struct OrgRow {
  std::string_view id, name, industry, area_id, competent_unit_id;
  OrgKind kind = OrgKind::social_group;
  AreaLevel registration_level = AreaLevel::district;
  OrgStatus status = OrgStatus::active;
  std::uint8_t rating = 0;
  std::int32_t staff_count = -1;
  float lat = kNoCoordinate, lon = kNoCoordinate;
  RowOrigin origin;
};
struct PersonRow {
  std::string_view id, name;
  PartyStatus party_status = PartyStatus::none;
  RowOrigin origin;
};
struct BranchRow {
  std::string_view id, name;
  BranchForm form = BranchForm::branch;
  RowOrigin origin;
};
struct AffiliationRow {
  std::string_view person_id, org_id;
  Role role = Role::staff;
  RowOrigin origin;
};
struct CoverageRow {
  std::string_view branch_id, org_id;
  RowOrigin origin;
};
struct PartyRelationRow {
  std::string_view person_id, branch_id;
  RowOrigin origin;
};
struct SupervisionRow {
  std::string_view superior_unit_id, subordinate_id;
  SubordinateKind subordinate_kind = SubordinateKind::unit;
  RowOrigin origin;
};
struct InstructorRow {
  std::string_view unit_id, org_id, person_id;
  RowOrigin origin;
};

enum class EntityTable : std::uint8_t { areas, units, orgs, people, branches };

struct BuildOptions {
  bool lenient = false;          // drop bad rows (recorded as diagnostics) instead of failing
  std::size_t max_errors = 100;  // diagnostics kept; counting goes on past the limit
};

class GraphBuilder {
 public:
  explicit GraphBuilder(BuildOptions options = {});
  ~GraphBuilder();
  GraphBuilder(GraphBuilder&&) noexcept;
  GraphBuilder& operator=(GraphBuilder&&) noexcept;

  void add_areas(std::span<const AreaRow> rows, const TableSource& source);
  void add_units(std::span<const UnitRow> rows, const TableSource& source);
  void add_orgs(std::span<const OrgRow> rows, const TableSource& source);
  void add_people(std::span<const PersonRow> rows, const TableSource& source);
  // People in batches, for tables of tens of millions of rows (a nation's people.csv), so the
  // typed rows of the whole table are never held at once: add_people_batch for each batch, in
  // table order, then end_people(). The graph and the diagnostics are those of one add_people
  // call with all the rows (which is one batch and the end). expect_people(rows), before the
  // first batch, is a hint: the columns are then sized once instead of regrown batch by batch.
  void expect_people(std::size_t rows);
  void add_people_batch(std::span<const PersonRow> rows, const TableSource& source);
  void end_people(const TableSource& source);
  void add_branches(std::span<const BranchRow> rows, const TableSource& source);
  void add_affiliations(std::span<const AffiliationRow> rows, const TableSource& source);
  // At most `rows` more affiliation rows are coming (a table fed in batches): their edges are
  // then stored without regrowing, at the size they need rather than the next power of two.
  void expect_affiliations(std::size_t rows);
  void add_coverage(std::span<const CoverageRow> rows, const TableSource& source);
  void add_party_relations(std::span<const PartyRelationRow> rows, const TableSource& source);
  void add_supervision(std::span<const SupervisionRow> rows, const TableSource& source);
  void add_instructors(std::span<const InstructorRow> rows, const TableSource& source);

  // The loader rejected the row defining `id` (bad enum, bad number...): references to it are
  // then reported as such, not as unknown ids.
  void note_rejected(EntityTable table, std::string_view id);
  // A problem the loader found (parse error, bad value). Counts towards the error limit.
  void report(Diagnostic diagnostic);

  std::size_t error_count() const;
  bool lenient() const;
  // Builds the graph. Strict mode: throws LoadError if any error was reported.
  OrgGraph finish();
  // Every diagnostic kept (errors, warnings, and in lenient mode the rejected rows).
  const std::vector<Diagnostic>& diagnostics() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace orgraph

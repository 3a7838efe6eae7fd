#include "engine/builder.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <string>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

#include "engine/fresh_vector.hpp"
#include "engine/parallel.hpp"

namespace orgraph {

namespace {

constexpr std::array<std::string_view, 5> kEntityNoun{"area", "unit", "org", "person", "branch"};
constexpr std::array<std::string_view, 5> kEntityFile{"areas", "units", "organizations", "people",
                                                      "branches"};

struct EveryRow {
  template <class Row>
  bool operator()(const Row&) const {
    return true;
  }
};

// The ids of the entities the rows' `field` names, kNone where it names none. With `in_table`,
// only rows where in_table(row) holds name an entity of this table (a supervision row's
// subordinate is a unit or a branch); the other rows get kNone.
template <class Row, class Field, class InTable = EveryRow>
FreshVector<Id> resolve(const Interner& index, const StringColumn& column,
                        std::span<const Row> rows, Field field, InTable in_table = {}) {
  FreshVector<std::string_view> keys(rows.size());
  par::for_each_index(0, rows.size(), 1 << 14, [&](std::size_t i) {
    keys[i] = in_table(rows[i]) ? std::string_view(rows[i].*field) : std::string_view();
  });
  FreshVector<Id> out(rows.size());
  index.find_batch(column, keys, out);
  if constexpr (!std::is_same_v<InTable, EveryRow>) {
    par::for_each_index(0, rows.size(), 1 << 14, [&](std::size_t i) {
      if (!in_table(rows[i])) out[i] = kNone;
    });
  }
  return out;
}

// Appends get(0), ..., get(n - 1) to `column`: the bytes n push_backs would give, written in
// parallel blocks at offsets from a prefix sum of the blocks' lengths.
template <class Get>
void append_column(StringColumn& column, std::size_t n, Get get) {
  constexpr std::size_t kBlock = std::size_t{1} << 14;
  std::vector<std::uint64_t> base(par::block_count(n, kBlock));
  par::for_each_index(0, base.size(), 1, [&](std::size_t b) {
    std::uint64_t chars = 0;
    for (std::size_t i = b * kBlock, hi = std::min(n, i + kBlock); i < hi; ++i) {
      chars += get(i).size();
    }
    base[b] = chars;
  });
  const std::uint64_t chars = par::exclusive_scan(base);
  const std::size_t old_chars = column.chars().size(), old_n = column.size();
  column.chars().resize(old_chars + chars);
  column.offsets().resize(old_n + n + 1);
  par::for_each_index(0, base.size(), 1, [&](std::size_t b) {
    char* out = column.chars().data() + old_chars;
    std::uint64_t* offsets = column.offsets().data() + old_n;
    std::uint64_t pos = base[b];
    for (std::size_t i = b * kBlock, hi = std::min(n, i + kBlock); i < hi; ++i) {
      const std::string_view s = get(i);
      if (!s.empty()) std::memcpy(out + pos, s.data(), s.size());
      pos += s.size();
      offsets[i + 1] = old_chars + pos;
    }
  });
}

// Sets `column` to get(0), ..., get(n - 1).
template <class Get>
void fill_column(StringColumn& column, std::size_t n, Get get) {
  column = StringColumn();
  append_column(column, n, get);
}

std::string level_article(AreaLevel level) {
  return level == AreaLevel::city ? "a city" : "a " + std::string(to_string(level));
}

// The earliest row (in the order given) whose (source, target, extra(row)) repeats an earlier
// row's, or rows.size() when none does. Only called once make_csr has dropped rows, so the
// pass over every row costs nothing for data without repeats.
template <class Extra>
std::size_t first_repeated_row(std::size_t source_count, std::span<const Id> sources,
                               std::span<const Id> targets, Extra&& extra) {
  std::vector<std::uint32_t> start(source_count + 1, 0);
  for (const Id s : sources) ++start[s + 1];
  for (std::size_t r = 0; r < source_count; ++r) start[r + 1] += start[r];
  std::vector<std::uint32_t> order(sources.size());  // rows grouped by source, in row order
  {
    std::vector<std::uint32_t> cursor(start.begin(), start.end() - 1);
    for (std::size_t i = 0; i < sources.size(); ++i) {
      order[cursor[sources[i]]++] = static_cast<std::uint32_t>(i);
    }
  }
  std::size_t first = sources.size();
  const auto key = [&](std::uint32_t i) { return std::tuple(targets[i], extra(i), i); };
  for (std::size_t r = 0; r < source_count; ++r) {
    const auto lo = order.begin() + start[r], hi = order.begin() + start[r + 1];
    if (hi - lo < 2) continue;
    std::sort(lo, hi, [&](std::uint32_t a, std::uint32_t b) { return key(a) < key(b); });
    for (auto k = lo + 1; k < hi; ++k) {
      if (targets[*k] == targets[k[-1]] && extra(*k) == extra(k[-1])) {
        first = std::min<std::size_t>(first, *k);
      }
    }
  }
  return first;
}

struct NoExtra {
  int operator()(std::size_t) const { return 0; }
};

}  // namespace

struct GraphBuilder::State {
  BuildOptions options;
  OrgGraph graph;
  std::vector<Diagnostic> diagnostics;
  std::size_t errors = 0;
  int stage = 0;  // entity tables added so far, in order
  std::array<std::unordered_set<std::string>, 5> rejected;
  std::array<FreshVector<std::uint32_t>, 5> origin_rows;  // row of each kept entity
  std::unordered_map<std::string, Id> industries;
  // People fed in batches (add_people_batch), until end_people(): each row's index in its table
  // (for TableSource::raw_text), kept only once it differs from the row's position (the loader
  // rejected a row before it), beside the id, name, origin row and party status columns.
  FreshVector<std::uint32_t> people_index;
  bool people_indexed = false;
  std::size_t people_expected = 0;  // expect_people()

  // Relation edges, staged until finish().
  FreshVector<Id> aff_person, aff_org;  // filled in parallel right after each resize
  FreshVector<Role> aff_role;
  std::vector<Id> cov_branch, cov_org;
  std::vector<Id> rel_person, rel_branch;
  std::vector<Id> sup_unit_superior, sup_unit_sub;
  std::vector<Id> sup_branch_superior, sup_branch_sub;
  // The file each relation table came from, for the duplicate-row warnings of finish().
  std::string aff_file, cov_file, rel_file, sup_file;

  void report(Diagnostic d) {
    if (d.severity == DiagnosticSeverity::error) ++errors;
    if (options.lenient || diagnostics.size() < options.max_errors) {
      diagnostics.push_back(std::move(d));
    }
  }

  // Reports a row error. Returns true when the row must be dropped (lenient mode).
  bool row_error(const TableSource& src, const RowOrigin& origin, std::string_view column,
                 std::string message) {
    Diagnostic d = src.at(origin.row, column, std::move(message));
    if (src.raw_text) d.row = src.raw_text(origin.index);
    report(std::move(d));
    return options.lenient;
  }

  Id intern_industry(std::string_view name) {
    if (name.empty()) return kNone;
    auto [it, inserted] =
        industries.try_emplace(std::string(name), static_cast<Id>(graph.industry_names.size()));
    if (inserted) graph.industry_names.push_back(name);
    return it->second;
  }

  // intern_industry(rows[i].industry) for every row `keep` keeps, in row order (kNone for the
  // others), with the same ids: each block of rows lists its distinct names in order of first
  // use (in parallel; a nation has 3M orgs and a dozen industries), the lists are interned
  // block by block, and each row's block-local number is then mapped to its id (in parallel).
  template <class Row>
  std::vector<Id> intern_industries(std::span<const Row> rows, const std::vector<char>& keep) {
    constexpr std::size_t kBlock = 1 << 16;
    const std::size_t blocks = par::block_count(rows.size(), kBlock);
    std::vector<std::vector<std::string_view>> names(blocks);
    std::vector<Id> ids;
    resize_touched(ids, rows.size());
    par::for_each_index(0, blocks, 1, [&](std::size_t b) {
      std::unordered_map<std::string_view, Id> local;
      for (std::size_t i = b * kBlock; i < std::min(rows.size(), (b + 1) * kBlock); ++i) {
        const std::string_view name = rows[i].industry;
        if (!keep[i] || name.empty()) {
          ids[i] = kNone;
          continue;
        }
        const auto [it, inserted] = local.try_emplace(name, static_cast<Id>(names[b].size()));
        if (inserted) names[b].push_back(name);
        ids[i] = it->second;
      }
    });
    std::vector<std::vector<Id>> global(blocks);
    for (std::size_t b = 0; b < blocks; ++b) {
      for (std::string_view name : names[b]) global[b].push_back(intern_industry(name));
    }
    par::for_each_index(0, blocks, 1, [&](std::size_t b) {
      for (std::size_t i = b * kBlock; i < std::min(rows.size(), (b + 1) * kBlock); ++i) {
        if (ids[i] != kNone) ids[i] = global[b][ids[i]];
      }
    });
    return ids;
  }

  // Checks a reference that did not resolve; returns true when the row is to be dropped.
  // In strict mode a reference to a row that was itself rejected is not reported again.
  bool bad_reference(const TableSource& src, const RowOrigin& origin, std::string_view column,
                     EntityTable target, std::string_view id) {
    const auto t = static_cast<std::size_t>(target);
    if (rejected[t].count(std::string(id)) > 0) {
      if (!options.lenient) return false;
      return row_error(src, origin, column,
                       "refers to " + std::string(kEntityNoun[t]) + " " + quote_found(id) +
                           ", whose row was rejected");
    }
    return row_error(src, origin, column,
                     "found " + quote_found(id) + ", expected the id of a row in " +
                         std::string(kEntityFile[t]));
  }

  void require_stage(int expected, const char* what) {
    check_stage(expected, what);
    ++stage;
  }
  void check_stage(int expected, const char* what) const {
    if (stage != expected) {
      throw std::logic_error(std::string("GraphBuilder: ") + what +
                             " added out of order (entity tables go areas, units, orgs, people, "
                             "branches, then relations)");
    }
  }

  // Interns the ids of `rows`, reporting duplicates. keep[i] false marks dropped rows.
  // Returns the id column of all rows and its interner.
  template <class Row>
  void intern_ids(std::span<const Row> rows, const TableSource& src, StringColumn& ids,
                  Interner& index, std::vector<char>& keep) {
    fill_column(ids, rows.size(), [&](std::size_t i) { return rows[i].id; });
    check_ids(
        src, ids, index, [&](std::size_t i) { return rows[i].origin; }, keep);
  }

  // Builds `index` over `ids` (the id of every row, in table order) and reports the duplicate
  // ids, then the empty ones; origin(i) is row i's origin. keep[i] false marks dropped rows.
  template <class Origin>
  void check_ids(const TableSource& src, const StringColumn& ids, Interner& index, Origin origin,
                 std::vector<char>& keep) {
    const auto duplicates = index.build(ids);
    for (auto [dup, first] : duplicates) {
      const std::string where =
          (src.json ? "at index " : "at line ") + std::to_string(origin(first).row);
      if (row_error(src, origin(dup), "id",
                    "duplicate id " + quote_found(ids[dup]) + ": already defined " + where)) {
        keep[dup] = 0;
      }
    }
    const auto& offsets = ids.offsets();
    const std::size_t empty = par::map_reduce<std::size_t>(
        ids.size(), 1 << 16, 0,
        [&](std::size_t lo, std::size_t hi) {
          std::size_t count = 0;
          for (std::size_t i = lo; i < hi; ++i) count += offsets[i + 1] == offsets[i] ? 1 : 0;
          return count;
        },
        std::plus<>());
    for (std::size_t i = 0; empty > 0 && i < ids.size(); ++i) {
      if (ids[static_cast<Id>(i)].empty()) {
        if (row_error(src, origin(i), "id", "found an empty cell, expected a non-empty id")) {
          keep[i] = 0;
        }
      }
    }
  }

  // Sets a table's names and origin rows from `rows` (whose ids are in `ids`), then drops the
  // rows with keep[i] == 0 (drop_rows).
  template <class Row>
  void compact(EntityTable table, std::span<const Row> rows, const std::vector<char>& keep,
               StringColumn& ids, StringColumn& names, Interner& index,
               std::vector<Id>* remap_out = nullptr) {
    const auto t = static_cast<std::size_t>(table);
    fill_column(names, rows.size(), [&](std::size_t i) { return rows[i].name; });
    origin_rows[t].resize(rows.size());
    par::for_each_index(0, rows.size(), 1 << 14,
                        [&](std::size_t i) { origin_rows[t][i] = rows[i].origin.row; });
    drop_rows(table, keep, ids, names, index, remap_out);
  }

  // Drops the rows with keep[i] == 0 from a table's ids, names and origin rows, noting their ids
  // as rejected, and rebuilds the interner; sets *remap (if given) to old -> new.
  void drop_rows(EntityTable table, const std::vector<char>& keep, StringColumn& ids,
                 StringColumn& names, Interner& index, std::vector<Id>* remap_out = nullptr) {
    const auto t = static_cast<std::size_t>(table);
    const std::size_t n = keep.size();
    if (all_kept(keep)) {  // the usual case
      if (remap_out) {
        remap_out->resize(n);
        par::for_each_index(0, n, 1 << 14,
                            [&](std::size_t i) { (*remap_out)[i] = static_cast<Id>(i); });
      }
      return;
    }
    std::vector<Id> remap(n, kNone);
    StringColumn kept_ids, kept_names;
    kept_ids.reserve(n, ids.chars().size());
    kept_names.reserve(n, names.chars().size());
    FreshVector<std::uint32_t> kept_rows;
    kept_rows.reserve(n);
    Id next = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::string_view id = ids[static_cast<Id>(i)];
      if (!keep[i]) {
        rejected[t].insert(std::string(id));
        continue;
      }
      remap[i] = next++;
      kept_ids.push_back(id);
      kept_names.push_back(names[static_cast<Id>(i)]);
      kept_rows.push_back(origin_rows[t][i]);
    }
    ids = std::move(kept_ids);
    names = std::move(kept_names);
    origin_rows[t] = std::move(kept_rows);
    index.build(ids);
    if (remap_out) *remap_out = std::move(remap);
  }

  static bool all_kept(const std::vector<char>& keep) {
    const std::size_t dropped = par::map_reduce<std::size_t>(
        keep.size(), 1 << 16, 0,
        [&](std::size_t lo, std::size_t hi) {
          return static_cast<std::size_t>(std::count(keep.begin() + static_cast<std::ptrdiff_t>(lo),
                                                     keep.begin() + static_cast<std::ptrdiff_t>(hi),
                                                     char{0}));
        },
        std::plus<>());
    return dropped == 0;
  }
};

GraphBuilder::GraphBuilder(BuildOptions options) : state_(std::make_unique<State>()) {
  state_->options = options;
}
GraphBuilder::~GraphBuilder() = default;
GraphBuilder::GraphBuilder(GraphBuilder&&) noexcept = default;
GraphBuilder& GraphBuilder::operator=(GraphBuilder&&) noexcept = default;

std::size_t GraphBuilder::error_count() const { return state_->errors; }
bool GraphBuilder::lenient() const { return state_->options.lenient; }
const std::vector<Diagnostic>& GraphBuilder::diagnostics() const { return state_->diagnostics; }
void GraphBuilder::report(Diagnostic diagnostic) { state_->report(std::move(diagnostic)); }
void GraphBuilder::note_rejected(EntityTable table, std::string_view id) {
  state_->rejected[static_cast<std::size_t>(table)].insert(std::string(id));
}

void GraphBuilder::add_areas(std::span<const AreaRow> rows, const TableSource& src) {
  State& s = *state_;
  s.require_stage(0, "areas");
  OrgGraph& g = s.graph;
  std::vector<char> keep(rows.size(), 1);
  s.intern_ids(rows, src, g.area_ids, g.area_index, keep);

  // Resolve parents and check levels top-down, so a dropped parent drops its children.
  std::vector<Id> parent(rows.size(), kNone);
  std::vector<std::size_t> order(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return rows[a].level < rows[b].level; });
  for (std::size_t i : order) {
    if (!keep[i]) continue;
    const AreaRow& r = rows[i];
    const auto expected = parent_level(r.level);
    if (!expected) {
      if (!r.parent_id.empty() &&
          s.row_error(src, r.origin, "parent_id",
                      "found " + quote_found(r.parent_id) +
                          ", expected an empty cell (a city has no parent area)")) {
        keep[i] = 0;
      }
      continue;
    }
    if (r.parent_id.empty()) {
      if (s.row_error(src, r.origin, "parent_id",
                      "found an empty cell, expected the id of " + level_article(*expected) +
                          " (parent_id is required for level " + std::string(to_string(r.level)) +
                          ")")) {
        keep[i] = 0;
      }
      continue;
    }
    const Id p = g.area_index.find(g.area_ids, r.parent_id);
    if (p == kNone) {
      if (s.bad_reference(src, r.origin, "parent_id", EntityTable::areas, r.parent_id)) keep[i] = 0;
      continue;
    }
    if (!keep[p]) {
      if (s.options.lenient) {
        s.row_error(src, r.origin, "parent_id",
                    "refers to area " + quote_found(r.parent_id) + ", whose row was rejected");
        keep[i] = 0;
      }
      continue;
    }
    if (rows[p].level != *expected) {
      if (s.row_error(src, r.origin, "parent_id",
                      "parent " + quote_found(r.parent_id) + " is " + level_article(rows[p].level) +
                          ", expected " + level_article(*expected) +
                          " (the parent is exactly one level up from " +
                          std::string(to_string(r.level)) + ")")) {
        keep[i] = 0;
      }
      continue;
    }
    parent[i] = p;
  }

  std::vector<Id> remap;
  s.compact(EntityTable::areas, rows, keep, g.area_ids, g.area_names, g.area_index, &remap);
  g.areas.clear();
  g.areas.reserve(g.area_ids.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!keep[i]) continue;
    Area a;
    a.level = rows[i].level;
    a.parent = parent[i] == kNone ? kNone : remap[parent[i]];
    a.lat = rows[i].lat;
    a.lon = rows[i].lon;
    g.areas.push_back(a);
  }
}

void GraphBuilder::add_units(std::span<const UnitRow> rows, const TableSource& src) {
  State& s = *state_;
  s.require_stage(1, "units");
  OrgGraph& g = s.graph;
  std::vector<char> keep(rows.size(), 1);
  s.intern_ids(rows, src, g.unit_ids, g.unit_index, keep);
  const auto area = resolve(g.area_index, g.area_ids, rows, &UnitRow::area_id);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!keep[i]) continue;
    const UnitRow& r = rows[i];
    if (area[i] == kNone) {
      if (s.bad_reference(src, r.origin, "area_id", EntityTable::areas, r.area_id)) keep[i] = 0;
    } else if (g.areas[area[i]].level != r.level) {
      if (s.row_error(src, r.origin, "area_id",
                      "area " + quote_found(r.area_id) + " is " +
                          level_article(g.areas[area[i]].level) + ", expected " +
                          level_article(r.level) +
                          " (a unit has jurisdiction over an area of its own level)")) {
        keep[i] = 0;
      }
    }
    if (keep[i] && r.line == UnitLine::industry && r.industry.empty()) {
      if (s.row_error(src, r.origin, "industry",
                      "found an empty cell, expected an industry (required when line is "
                      "industry)")) {
        keep[i] = 0;
      }
    }
  }
  s.compact(EntityTable::units, rows, keep, g.unit_ids, g.unit_names, g.unit_index);
  const std::vector<Id> industry = s.intern_industries(rows, keep);
  g.units.clear();
  g.units.reserve(g.unit_ids.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!keep[i]) continue;
    Unit u;
    u.line = rows[i].line;
    u.level = rows[i].level;
    u.area = area[i];
    u.industry = industry[i];
    g.units.push_back(u);
  }
}

void GraphBuilder::add_orgs(std::span<const OrgRow> rows, const TableSource& src) {
  State& s = *state_;
  s.require_stage(2, "organizations");
  OrgGraph& g = s.graph;
  std::vector<char> keep(rows.size(), 1);
  s.intern_ids(rows, src, g.org_ids, g.org_index, keep);
  const auto area = resolve(g.area_index, g.area_ids, rows, &OrgRow::area_id);
  const auto unit = resolve(g.unit_index, g.unit_ids, rows, &OrgRow::competent_unit_id);
  // The rows with something to report, found in parallel (a nation has 3M rows and, as a rule,
  // none of them), then reported one by one in row order.
  const auto suspect = [&](std::size_t i) {
    const OrgRow& r = rows[i];
    if (r.industry.empty() || area[i] == kNone) return true;
    const AreaLevel level = g.areas[area[i]].level;
    if (level != AreaLevel::street && level != AreaLevel::community) return true;
    return !r.competent_unit_id.empty() && unit[i] == kNone;
  };
  const std::vector<std::uint32_t> suspects = par::indices_where(
      rows.size(), 1 << 16, [&](std::size_t i) { return keep[i] && suspect(i); });
  for (const std::uint32_t i : suspects) {
    const OrgRow& r = rows[i];
    if (r.industry.empty() &&
        s.row_error(src, r.origin, "industry", "found an empty cell, expected an industry")) {
      keep[i] = 0;
      continue;
    }
    if (area[i] == kNone) {
      if (s.bad_reference(src, r.origin, "area_id", EntityTable::areas, r.area_id)) keep[i] = 0;
      continue;
    }
    const AreaLevel level = g.areas[area[i]].level;
    if (level != AreaLevel::street && level != AreaLevel::community) {
      if (s.row_error(src, r.origin, "area_id",
                      "area " + quote_found(r.area_id) + " is " + level_article(level) +
                          ", expected a street or a community")) {
        keep[i] = 0;
      }
      continue;
    }
    if (!r.competent_unit_id.empty() && unit[i] == kNone) {
      if (s.bad_reference(src, r.origin, "competent_unit_id", EntityTable::units,
                          r.competent_unit_id)) {
        keep[i] = 0;
      }
    }
  }
  s.compact(EntityTable::orgs, rows, keep, g.org_ids, g.org_names, g.org_index);
  const std::vector<Id> industry = s.intern_industries(rows, keep);
  // Each kept row's place among the kept ones: block counts, then their prefix sums.
  constexpr std::size_t kBlock = 1 << 16;
  const std::size_t blocks = par::block_count(rows.size(), kBlock);
  std::vector<std::size_t> first(blocks);
  par::for_each_index(0, blocks, 1, [&](std::size_t b) {
    const std::size_t lo = b * kBlock, hi = std::min(rows.size(), lo + kBlock);
    first[b] = static_cast<std::size_t>(std::count(keep.begin() + lo, keep.begin() + hi, 1));
  });
  g.orgs.clear();
  resize_touched(g.orgs, par::exclusive_scan(first));
  par::for_each_index(0, blocks, 1, [&](std::size_t b) {
    std::size_t at = first[b];
    for (std::size_t i = b * kBlock; i < std::min(rows.size(), (b + 1) * kBlock); ++i) {
      if (!keep[i]) continue;
      const OrgRow& r = rows[i];
      Org& o = g.orgs[at++];
      o.kind = r.kind;
      o.status = r.status;
      o.registration_level = r.registration_level;
      o.rating = r.rating;
      o.industry = industry[i];
      o.area = area[i];
      o.competent_unit = r.competent_unit_id.empty() ? kNone : unit[i];
      o.staff_count = r.staff_count;
      o.lat = r.lat;
      o.lon = r.lon;
    }
  });
}

void GraphBuilder::add_people(std::span<const PersonRow> rows, const TableSource& src) {
  add_people_batch(rows, src);
  end_people(src);
}

void GraphBuilder::expect_people(std::size_t rows) { state_->people_expected = rows; }

// Each batch appends its rows to the people's columns (ids, names, origins, party statuses);
// end_people() checks the ids over all of them, as add_people did over one span of rows.
void GraphBuilder::add_people_batch(std::span<const PersonRow> rows, const TableSource&) {
  State& s = *state_;
  s.check_stage(3, "people");
  OrgGraph& g = s.graph;
  const std::size_t done = g.person_ids.size(), n = rows.size();
  // With expect_people(): the offsets sized for every row before the first batch, the bytes
  // after it, from its average length (the columns do not regrow, and the heap's peak is lower).
  const std::size_t expected = s.people_expected;
  if (done == 0 && expected > 0) {
    g.person_ids.offsets().reserve(expected + 1);
    g.person_names.offsets().reserve(expected + 1);
  }
  append_column(g.person_ids, n, [&](std::size_t i) { return rows[i].id; });
  append_column(g.person_names, n, [&](std::size_t i) { return rows[i].name; });
  if (done == 0 && expected > n && n > 0) {
    for (StringColumn* column : {&g.person_ids, &g.person_names}) {
      const double bytes = static_cast<double>(column->chars().size()) *
                           static_cast<double>(expected) / static_cast<double>(n) * 1.05;
      try {  // only a hint: when the estimate cannot be had, the column grows as it goes
        column->chars().reserve(static_cast<std::size_t>(bytes));
      } catch (const std::exception&) {
      }
    }
  }
  auto& origin_row = s.origin_rows[static_cast<std::size_t>(EntityTable::people)];
  origin_row.resize(done + n);
  g.people.resize(done + n);
  par::for_each_index(0, n, 1 << 14, [&](std::size_t i) {
    origin_row[done + i] = rows[i].origin.row;
    g.people[done + i] = Person{rows[i].party_status};
  });
  if (!s.people_indexed && n > 0 && rows[n - 1].origin.index != done + n - 1) {
    s.people_indexed = true;  // the first row out of place is in this batch
    s.people_index.resize(done);
    for (std::size_t i = 0; i < done; ++i) s.people_index[i] = static_cast<std::uint32_t>(i);
  }
  if (s.people_indexed) {
    s.people_index.resize(done + n);
    for (std::size_t i = 0; i < n; ++i) s.people_index[done + i] = rows[i].origin.index;
  }
}

void GraphBuilder::end_people(const TableSource& src) {
  State& s = *state_;
  s.require_stage(3, "people");
  OrgGraph& g = s.graph;
  const auto& origin_row = s.origin_rows[static_cast<std::size_t>(EntityTable::people)];
  const std::size_t n = g.person_ids.size();
  std::vector<char> keep(n, 1);
  const auto origin = [&](std::size_t i) {
    return RowOrigin{origin_row[i],
                     s.people_indexed ? s.people_index[i] : static_cast<std::uint32_t>(i)};
  };
  s.check_ids(src, g.person_ids, g.person_index, origin, keep);
  if (!State::all_kept(keep)) {  // rows dropped (lenient mode)
    std::vector<Person> people;
    for (std::size_t i = 0; i < n; ++i) {
      if (keep[i]) people.push_back(g.people[i]);
    }
    g.people = std::move(people);
    s.drop_rows(EntityTable::people, keep, g.person_ids, g.person_names, g.person_index);
  }
  FreshVector<std::uint32_t>().swap(s.people_index);
  s.people_indexed = false;
}

void GraphBuilder::add_branches(std::span<const BranchRow> rows, const TableSource& src) {
  State& s = *state_;
  s.require_stage(4, "branches");
  OrgGraph& g = s.graph;
  std::vector<char> keep(rows.size(), 1);
  s.intern_ids(rows, src, g.branch_ids, g.branch_index, keep);
  s.compact(EntityTable::branches, rows, keep, g.branch_ids, g.branch_names, g.branch_index);
  g.branches.clear();
  g.branches.reserve(g.branch_ids.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (keep[i]) g.branches.push_back(Branch{rows[i].form});
  }
}

void GraphBuilder::add_affiliations(std::span<const AffiliationRow> rows, const TableSource& src) {
  State& s = *state_;
  if (s.stage < 5) throw std::logic_error("GraphBuilder: affiliations added before entities");
  OrgGraph& g = s.graph;
  if (s.aff_file.empty()) s.aff_file = src.file;
  const auto person = resolve(g.person_index, g.person_ids, rows, &AffiliationRow::person_id);
  const auto org = resolve(g.org_index, g.org_ids, rows, &AffiliationRow::org_id);
  auto resolved = [&](std::size_t i) { return person[i] != kNone && org[i] != kNone; };
  // Counted first, so the edge columns grow once per batch and are filled in parallel.
  constexpr std::size_t kBlock = std::size_t{1} << 14;
  std::vector<std::size_t> base(par::block_count(rows.size(), kBlock));
  par::for_each_index(0, base.size(), 1, [&](std::size_t b) {
    std::size_t kept = 0;
    for (std::size_t i = b * kBlock, hi = std::min(rows.size(), i + kBlock); i < hi; ++i) {
      kept += resolved(i) ? 1 : 0;
    }
    base[b] = kept;
  });
  const std::size_t kept = par::exclusive_scan(base);
  for (std::size_t i = 0; kept < rows.size() && i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (person[i] == kNone) {
      s.bad_reference(src, r.origin, "person_id", EntityTable::people, r.person_id);
    } else if (org[i] == kNone) {
      s.bad_reference(src, r.origin, "org_id", EntityTable::orgs, r.org_id);
    }
  }
  const std::size_t old = s.aff_org.size();
  s.aff_person.resize(old + kept);
  s.aff_org.resize(old + kept);
  s.aff_role.resize(old + kept);
  par::for_each_index(0, base.size(), 1, [&](std::size_t b) {
    std::size_t out = old + base[b];
    for (std::size_t i = b * kBlock, hi = std::min(rows.size(), i + kBlock); i < hi; ++i) {
      if (!resolved(i)) continue;
      s.aff_person[out] = person[i];
      s.aff_org[out] = org[i];
      s.aff_role[out] = rows[i].role;
      ++out;
    }
  });
}

void GraphBuilder::expect_affiliations(std::size_t rows) {
  State& s = *state_;
  s.aff_person.reserve(s.aff_person.size() + rows);
  s.aff_org.reserve(s.aff_org.size() + rows);
  s.aff_role.reserve(s.aff_role.size() + rows);
}

void GraphBuilder::add_coverage(std::span<const CoverageRow> rows, const TableSource& src) {
  State& s = *state_;
  if (s.stage < 5) throw std::logic_error("GraphBuilder: branch coverage added before entities");
  OrgGraph& g = s.graph;
  if (s.cov_file.empty()) s.cov_file = src.file;
  const auto branch = resolve(g.branch_index, g.branch_ids, rows, &CoverageRow::branch_id);
  const auto org = resolve(g.org_index, g.org_ids, rows, &CoverageRow::org_id);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (branch[i] == kNone) {
      s.bad_reference(src, r.origin, "branch_id", EntityTable::branches, r.branch_id);
      continue;
    }
    if (org[i] == kNone) {
      s.bad_reference(src, r.origin, "org_id", EntityTable::orgs, r.org_id);
      continue;
    }
    s.cov_branch.push_back(branch[i]);
    s.cov_org.push_back(org[i]);
  }
}

void GraphBuilder::add_party_relations(std::span<const PartyRelationRow> rows,
                                       const TableSource& src) {
  State& s = *state_;
  if (s.stage < 5) throw std::logic_error("GraphBuilder: party relations added before entities");
  OrgGraph& g = s.graph;
  if (s.rel_file.empty()) s.rel_file = src.file;
  const auto person = resolve(g.person_index, g.person_ids, rows, &PartyRelationRow::person_id);
  const auto branch = resolve(g.branch_index, g.branch_ids, rows, &PartyRelationRow::branch_id);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (person[i] == kNone) {
      s.bad_reference(src, r.origin, "person_id", EntityTable::people, r.person_id);
      continue;
    }
    if (branch[i] == kNone) {
      s.bad_reference(src, r.origin, "branch_id", EntityTable::branches, r.branch_id);
      continue;
    }
    s.rel_person.push_back(person[i]);
    s.rel_branch.push_back(branch[i]);
  }
}

void GraphBuilder::add_supervision(std::span<const SupervisionRow> rows, const TableSource& src) {
  State& s = *state_;
  if (s.stage < 5) throw std::logic_error("GraphBuilder: supervision added before entities");
  OrgGraph& g = s.graph;
  if (s.sup_file.empty()) s.sup_file = src.file;
  const auto superior = resolve(g.unit_index, g.unit_ids, rows, &SupervisionRow::superior_unit_id);
  const auto names_unit = [](const SupervisionRow& r) {
    return r.subordinate_kind == SubordinateKind::unit;
  };
  const auto names_branch = [](const SupervisionRow& r) {
    return r.subordinate_kind != SubordinateKind::unit;
  };
  const auto sub_unit =
      resolve(g.unit_index, g.unit_ids, rows, &SupervisionRow::subordinate_id, names_unit);
  const auto sub_branch =
      resolve(g.branch_index, g.branch_ids, rows, &SupervisionRow::subordinate_id, names_branch);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (superior[i] == kNone) {
      s.bad_reference(src, r.origin, "superior_unit_id", EntityTable::units, r.superior_unit_id);
      continue;
    }
    if (r.subordinate_kind == SubordinateKind::unit) {
      const Id sub = sub_unit[i];
      if (sub == kNone) {
        s.bad_reference(src, r.origin, "subordinate_id", EntityTable::units, r.subordinate_id);
        continue;
      }
      s.sup_unit_superior.push_back(superior[i]);
      s.sup_unit_sub.push_back(sub);
    } else {
      const Id sub = sub_branch[i];
      if (sub == kNone) {
        s.bad_reference(src, r.origin, "subordinate_id", EntityTable::branches, r.subordinate_id);
        continue;
      }
      s.sup_branch_superior.push_back(superior[i]);
      s.sup_branch_sub.push_back(sub);
    }
  }
}

void GraphBuilder::add_instructors(std::span<const InstructorRow> rows, const TableSource& src) {
  State& s = *state_;
  if (s.stage < 5) throw std::logic_error("GraphBuilder: instructors added before entities");
  OrgGraph& g = s.graph;
  // Resolved in batches (prefetched, in parallel): one lookup at a time is a cache miss each.
  const auto units = resolve(g.unit_index, g.unit_ids, rows, &InstructorRow::unit_id);
  const auto orgs = resolve(g.org_index, g.org_ids, rows, &InstructorRow::org_id);
  const auto people = resolve(g.person_index, g.person_ids, rows, &InstructorRow::person_id);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const InstructorRow& r = rows[i];
    const Id unit = units[i];
    if (unit == kNone) {
      s.bad_reference(src, r.origin, "unit_id", EntityTable::units, r.unit_id);
      continue;
    }
    const Id org = orgs[i];
    if (org == kNone) {
      s.bad_reference(src, r.origin, "org_id", EntityTable::orgs, r.org_id);
      continue;
    }
    Id person = kNone;
    if (!r.person_id.empty()) {
      person = people[i];
      if (person == kNone) {
        s.bad_reference(src, r.origin, "person_id", EntityTable::people, r.person_id);
        continue;
      }
    }
    g.instructor_unit.push_back(unit);
    g.instructor_org.push_back(org);
    g.instructor_person.push_back(person);
  }
}

OrgGraph GraphBuilder::finish() {
  State& s = *state_;
  if (s.stage < 5) throw std::logic_error("GraphBuilder: finish() before every entity table");
  if (!s.options.lenient && s.errors > 0) {
    throw LoadError(s.diagnostics, s.errors);
  }
  OrgGraph& g = s.graph;
  const std::size_t n_areas = g.areas.size(), n_units = g.units.size(), n_orgs = g.orgs.size(),
                    n_people = g.people.size(), n_branches = g.branches.size();

  {  // Area hierarchy and locations.
    std::vector<Id> src, dst;
    for (Id a = 0; a < n_areas; ++a) {
      if (g.areas[a].parent != kNone) {
        src.push_back(g.areas[a].parent);
        dst.push_back(a);
      }
    }
    g.area_children = make_csr(n_areas, src, dst);
    src.clear();
    dst.clear();
    src.reserve(n_orgs);
    dst.reserve(n_orgs);
    for (Id o = 0; o < n_orgs; ++o) {
      src.push_back(g.orgs[o].area);
      dst.push_back(o);
    }
    g.area_orgs = make_csr(n_areas, src, dst);
    src.clear();
    dst.clear();
    for (Id u = 0; u < n_units; ++u) {
      src.push_back(g.units[u].area);
      dst.push_back(u);
    }
    g.area_units = make_csr(n_areas, src, dst);
    src.clear();
    dst.clear();
    for (Id o = 0; o < n_orgs; ++o) {
      if (g.orgs[o].competent_unit != kNone) {
        src.push_back(g.orgs[o].competent_unit);
        dst.push_back(o);
      }
    }
    g.unit_competent_orgs = make_csr(n_units, src, dst);
  }

  // Repeated relation rows are counted once, with a warning per table naming the first repeat
  // (by its ids: the rows' lines are not kept this far).
  const auto warn_repeats = [&](const std::string& file, std::size_t rows, std::size_t kept,
                                const std::string& what, auto&& first_repeat) {
    if (rows == kept) return;
    Diagnostic d;
    d.severity = DiagnosticSeverity::warning;
    d.file = file;
    d.message = std::to_string(rows - kept) + " duplicate relation row(s) repeat an earlier row (" +
                what + ") and were counted once; the first repeats " + first_repeat();
    s.report(std::move(d));
  };
  const auto q = [](const StringColumn& ids, Id id) { return quote_found(ids[id]); };

  g.org_people = make_csr<Role>(n_orgs, s.aff_org, s.aff_person, s.aff_role);
  warn_repeats(s.aff_file, s.aff_org.size(), g.org_people.entries(),
               "the same person, org and role", [&] {
                 const std::size_t i = first_repeated_row(
                     n_orgs, s.aff_org, s.aff_person,
                     [&](std::size_t row) { return s.aff_role[row]; });
                 return "person " + q(g.person_ids, s.aff_person[i]) + ", org " +
                        q(g.org_ids, s.aff_org[i]) + ", role " +
                        std::string(to_string(s.aff_role[i]));
               });
  g.person_orgs = transpose(g.org_people, n_people);
  s.aff_org = {};
  s.aff_person = {};
  s.aff_role = {};

  g.branch_orgs = make_csr(n_branches, s.cov_branch, s.cov_org);
  warn_repeats(s.cov_file, s.cov_branch.size(), g.branch_orgs.entries(),
               "the same branch and org", [&] {
                 const std::size_t i =
                     first_repeated_row(n_branches, s.cov_branch, s.cov_org, NoExtra{});
                 return "branch " + q(g.branch_ids, s.cov_branch[i]) + ", org " +
                        q(g.org_ids, s.cov_org[i]);
               });
  g.org_branches = transpose(g.branch_orgs, n_orgs);
  g.branch_people = make_csr(n_branches, s.rel_branch, s.rel_person);
  warn_repeats(s.rel_file, s.rel_branch.size(), g.branch_people.entries(),
               "the same person and branch", [&] {
                 const std::size_t i =
                     first_repeated_row(n_branches, s.rel_branch, s.rel_person, NoExtra{});
                 return "person " + q(g.person_ids, s.rel_person[i]) + ", branch " +
                        q(g.branch_ids, s.rel_branch[i]);
               });
  g.person_branches = transpose(g.branch_people, n_people);
  g.unit_sub_units = make_csr(n_units, s.sup_unit_superior, s.sup_unit_sub);
  g.unit_sub_branches = make_csr(n_units, s.sup_branch_superior, s.sup_branch_sub);
  // supervision.csv feeds two relations; its warning counts both and names the first repeat
  // of the unit rows, else of the branch rows.
  warn_repeats(
      s.sup_file, s.sup_unit_superior.size() + s.sup_branch_superior.size(),
      g.unit_sub_units.entries() + g.unit_sub_branches.entries(),
      "the same superior and subordinate", [&] {
        const std::size_t i =
            first_repeated_row(n_units, s.sup_unit_superior, s.sup_unit_sub, NoExtra{});
        if (i < s.sup_unit_superior.size()) {
          return "superior unit " + q(g.unit_ids, s.sup_unit_superior[i]) + ", subordinate unit " +
                 q(g.unit_ids, s.sup_unit_sub[i]);
        }
        const std::size_t b =
            first_repeated_row(n_units, s.sup_branch_superior, s.sup_branch_sub, NoExtra{});
        return "superior unit " + q(g.unit_ids, s.sup_branch_superior[b]) +
               ", subordinate branch " + q(g.branch_ids, s.sup_branch_sub[b]);
      });
  g.unit_superiors = transpose(g.unit_sub_units, n_units);
  g.branch_superiors = transpose(g.unit_sub_branches, n_branches);
  g.org_instructor_units = make_csr(n_orgs, g.instructor_org, g.instructor_unit);
  g.unit_instructed_orgs = transpose(g.org_instructor_units, n_units);

  // Derived per-org facts (contracts.md section 2).
  par::for_each_index(0, n_orgs, 4096, [&](std::size_t i) {
    Org& o = g.orgs[i];
    const Id area = o.area;
    o.street = g.areas[area].level == AreaLevel::street ? area : g.areas[area].parent;
    o.district = o.street == kNone ? kNone : g.areas[o.street].parent;
    const Id org = static_cast<Id>(i);
    const auto people_of = g.org_people[org];
    const std::uint32_t base = g.org_people.begin_of(org);
    Id last_full = kNone, last_party = kNone;
    for (std::size_t k = 0; k < people_of.size(); ++k) {
      if (g.org_people.payload[base + k] == Role::member) continue;
      const Id p = people_of[k];  // sorted, so repeats of a person are adjacent
      const PartyStatus st = g.people[p].party_status;
      if (st == PartyStatus::full && p != last_full) {
        ++o.full_members;
        last_full = p;
      }
      if (st != PartyStatus::none && p != last_party) {
        ++o.party_members;
        last_party = p;
      }
    }
    const bool active = o.status == OrgStatus::active;
    o.covered = active && g.org_branches.degree(org) > 0;
    o.work_covered = active && (o.covered || g.org_instructor_units.degree(org) > 0);
  });
  g.industry_index.build(g.industry_names);

  OrgGraph out = std::move(s.graph);
  s.graph = OrgGraph();
  return out;
}

}  // namespace orgraph

#include "loaders/city_loader.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <set>
#include <stdexcept>
#include <type_traits>

#include "engine/parallel.hpp"
#include "loaders/csv.hpp"
#include "loaders/encoding.hpp"
#include "loaders/snapshot.hpp"

namespace orgraph {

const std::vector<std::string>& table_names() {
  static const std::vector<std::string> names{
      "areas",        "units",           "organizations",   "people",      "branches",
      "affiliations", "branch_coverage", "party_relations", "supervision", "instructors"};
  return names;
}

namespace {

// Supplies the text of one table, or nullopt when it is absent.
using TableProvider = std::function<std::optional<TextTable>(const std::string& table,
                                                             std::vector<Diagnostic>& diags)>;

// One text row while it is converted: its cells, and where the problems found in it go. Rows
// are converted by several workers at once, each with its own problem list; the lists are
// replayed in row order afterwards, so messages come out as a serial pass would report them.
struct RowText {
  std::size_t index = 0;                    // row in the table
  std::size_t chunk = 0, in_chunk = 0;      // where the row is in the table's chunks
  const std::string_view* cells = nullptr;  // its fields, in header order
  std::vector<std::pair<std::size_t, Diagnostic>>* problems = nullptr;  // (row, problem)
};

// Uninitialised storage for typed rows: a vector's resize would write every fresh page on one
// thread before the workers write the rows (fresh pages are expensive on our VMs).
template <class Row>
class RowStorage {
  static_assert(std::is_trivially_copyable_v<Row> && std::is_trivially_destructible_v<Row>);

 public:
  explicit RowStorage(std::size_t capacity)
      : bytes_(std::make_unique_for_overwrite<std::byte[]>(std::max<std::size_t>(capacity, 1) *
                                                           sizeof(Row))) {}
  Row* data() { return reinterpret_cast<Row*>(bytes_.get()); }

 private:
  std::unique_ptr<std::byte[]> bytes_;
};

// ASCII letters lower-cased, for guessing what a misspelt column or file name meant.
std::string lower_case(std::string_view v) {
  std::string out(v);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// Turns the rows of one TextTable into typed rows, reporting bad values.
class Converter {
 public:
  Converter(TextTable& text, GraphBuilder& builder, std::string table)
      : text_(text), builder_(builder) {
    source_.table = std::move(table);
    source_.file = text.file;
    source_.json = text.json;
    source_.header = text.header;
    if (!text.json) {
      source_.raw_text = [&text](std::uint32_t index) { return std::string(text.raw(index)); };
    }
    bad_.assign(text.rows(), 0);
    for (auto r : text.bad_rows) bad_[r] = 1;
  }

  const TableSource& source() const { return source_; }

  // Index of a column; a missing required column makes the table unusable.
  int column(std::string_view name, bool required) {
    asked_.emplace_back(name);
    int found = -1;
    for (std::size_t i = 0; i < text_.header.size(); ++i) {
      if (text_.header[i] != name) continue;
      if (found >= 0) {
        Diagnostic d;
        d.file = text_.file;
        d.line = text_.json ? 0 : 1;
        d.column = static_cast<std::uint32_t>(i + 1);
        d.message = "column '" + std::string(name) + "' appears twice (columns " +
                    std::to_string(found + 1) + " and " + std::to_string(i + 1) +
                    "), expected each column once";
        fatal(std::move(d));
        return -1;
      }
      found = static_cast<int>(i);
    }
    if (found < 0 && required && !(text_.json && text_.rows() == 0)) {
      std::string have;
      for (const auto& h : text_.header) have += (have.empty() ? "" : ", ") + h;
      Diagnostic d;
      d.file = text_.file;
      if (text_.json) {
        d.pointer = "/" + source_.table;
        d.message = "no row has the required key '" + std::string(name) + "'";
      } else {
        d.line = 1;
        d.message = "missing required column '" + std::string(name) +
                    "' (the header has: " + (have.empty() ? "nothing" : have) + ")";
      }
      fatal(std::move(d));
    }
    return found;
  }

  std::size_t rows() const { return text_.rows(); }
  bool row_ok(std::size_t r) const { return bad_[r] == 0; }
  std::string_view get(const RowText& r, int col) const {
    return col < 0 ? std::string_view{} : r.cells[col];
  }

  // A row's own id. One with a space, a tab or a byte order mark around it ('P1 ', from a
  // spreadsheet) is kept as written, but rows that refer to it without them will not find it:
  // counted, and convert() ends with one warning naming the first (in file order).
  //
  // An id holding a control character other than the tab (a byte below 0x20) is an error: XML
  // 1.0 cannot hold most of them, so GEXF and GraphML would lose them and two ids could become
  // one ('Oa\x01' and 'Oa'); in an id they are damage, never meant.
  std::string_view id(const RowText& r, int col) {
    const std::string_view v = get(r, col);
    if (may_hold_control(v) && refused_control(r, col, v)) return v;
    const auto blank = [](char ch) { return ch == ' ' || ch == '\t'; };
    if (v.empty() || !(blank(v.front()) || blank(v.back()) || v.starts_with(kUtf8Bom))) {
      return v;
    }
    std::lock_guard lock(spaced_mutex_);
    ++spaced_ids_;
    if (r.index < first_spaced_row_) {
      first_spaced_row_ = r.index;
      first_spaced_line_ = text_.chunks[r.chunk].line[r.in_chunk];
      first_spaced_id_ = std::string(v);
    }
    return v;
  }
  // Whether some byte of v is below 0x20, eight bytes at a time: every id of a nation (33
  // million) passes here.
  static bool may_hold_control(std::string_view v) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
    std::size_t i = 0;
    for (; i + 8 <= v.size(); i += 8) {
      std::uint64_t x;
      std::memcpy(&x, v.data() + i, 8);
      if (((x - kOnes * 0x20) & ~x & kHigh) != 0) return true;
    }
    for (; i < v.size(); ++i) {
      if (static_cast<unsigned char>(v[i]) < 0x20) return true;
    }
    return false;
  }
  // Reports an id holding a control character other than the tab; false when there is none.
  bool refused_control(const RowText& r, int col, std::string_view v) {
    for (const char ch : v) {
      const auto byte = static_cast<unsigned char>(ch);
      if (byte < 0x20 && ch != '\t') {
        char code[8];
        std::snprintf(code, sizeof code, "U+%04X", byte);
        error(r, text_.header[static_cast<std::size_t>(col)],
              "found the id " + quote_found(v) + ", which holds the control character " + code +
                  ", expected an id of printable characters");
        return true;
      }
    }
    return false;
  }

  void error(const RowText& r, std::string_view column, std::string message) {
    Diagnostic d = source_.at(text_.chunks[r.chunk].line[r.in_chunk], column, std::move(message));
    if (!text_.json) d.row = std::string(text_.raw(r.chunk, r.in_chunk));
    r.problems->emplace_back(r.index, std::move(d));
    bad_[r.index] = 1;
  }

  std::string_view required(const RowText& r, int col, std::string_view name,
                            std::string_view what) {
    const auto v = get(r, col);
    if (v.empty()) error(r, name, "found an empty cell, expected " + std::string(what));
    return v;
  }

  template <class E>
  E enum_value(const RowText& r, int col, std::string_view name, E fallback, bool required = true) {
    const auto v = get(r, col);
    if (v.empty() && !required) return fallback;
    if (auto e = parse_enum<E>(v)) return *e;
    error(r, name, "found " + quote_found(v) + ", expected one of " + enum_choices<E>());
    return fallback;
  }

  float coordinate(const RowText& r, int col, std::string_view name, double limit) {
    const auto v = get(r, col);
    if (v.empty()) return kNoCoordinate;
    double d = 0;
    const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
    if (ec != std::errc() || p != v.data() + v.size() || !std::isfinite(d) || d < -limit ||
        d > limit) {
      error(r, name,
            "found " + quote_found(v) + ", expected a number between -" +
                std::to_string(static_cast<int>(limit)) + " and " +
                std::to_string(static_cast<int>(limit)) + " (decimal degrees) or an empty cell");
      return kNoCoordinate;
    }
    return static_cast<float>(d);
  }

  std::int32_t count(const RowText& r, int col, std::string_view name) {
    const auto v = get(r, col);
    if (v.empty()) return -1;
    long long n = 0;
    const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || p != v.data() + v.size() || n < 0 || n > 100000000) {
      error(r, name,
            "found " + quote_found(v) +
                ", expected a whole number from 0 to 100000000 or an empty cell");
      return -1;
    }
    return static_cast<std::int32_t>(n);
  }

  std::uint8_t rating(const RowText& r, int col, std::string_view name) {
    const auto v = get(r, col);
    if (v.empty()) return 0;
    if (v.size() == 2 && v[0] >= '1' && v[0] <= '5' && v[1] == 'A') {
      return static_cast<std::uint8_t>(v[0] - '0');
    }
    error(r, name, "found " + quote_found(v) + ", expected one of 1A|2A|3A|4A|5A or an empty cell");
    return 0;
  }

  // Converts every row: make(r, row) fills a row and reports bad values. Kept rows are handed to
  // flush(span) in batches of `batch` rows (0: all at once, for entity tables, which the builder
  // takes in one call). For entity tables, `ids` names the id column and the table: the ids of
  // rejected rows are noted so that references to them are explained.
  //
  // Rows are converted in parallel, a window at a time, straight into the batch being filled;
  // then the window's problems are reported and its rejected rows squeezed out, in row order. A
  // window ends where the batch would be full if every row were kept (entity tables: after
  // kWindow rows), so the batches, and the order of every report and flush, are those of a
  // serial pass at any thread count. The field views of a window's chunks are loaded before it
  // (when the table was parsed with fields_on_demand) and released once its rows are converted.
  template <class Row, class Make, class Flush>
  void convert(std::size_t batch, std::optional<std::pair<int, EntityTable>> ids, Make make,
               Flush flush) {
    const std::size_t total = text_.rows();
    RowStorage<Row> storage(batch == 0 ? total : std::min(batch, total));
    Row* rows = storage.data();
    std::size_t kept = 0;      // rows of the current batch
    std::size_t next = 0;      // first row not converted yet
    std::size_t released = 0;  // chunks whose fields are released
    constexpr std::size_t kBlock = std::size_t{1} << 14, kWindow = std::size_t{1} << 20;
    std::vector<std::vector<std::pair<std::size_t, Diagnostic>>> problems;
    while (next < total) {
      const std::size_t window = std::min(batch == 0 ? kWindow : batch - kept, total - next);
      text_.load_fields(text_.chunk_of(next), text_.chunk_of(next + window - 1) + 1);
      problems.assign(par::block_count(window, kBlock), {});
      par::for_each_index(0, problems.size(), 1, [&](std::size_t b) {
        const std::size_t lo = next + b * kBlock, hi = std::min(next + window, lo + kBlock);
        RowText r;
        r.problems = &problems[b];
        r.chunk = text_.chunk_of(lo);
        for (r.index = lo; r.index < hi; ++r.index) {
          while (r.index >= text_.first_row[r.chunk + 1]) ++r.chunk;
          if (!row_ok(r.index)) continue;
          r.in_chunk = r.index - text_.first_row[r.chunk];
          r.cells = text_.chunks[r.chunk].fields.data() + r.in_chunk * text_.columns;
          Row& row = *std::construct_at(rows + kept + (r.index - next));
          make(r, row);
          row.origin = {text_.chunks[r.chunk].line[r.in_chunk],
                        static_cast<std::uint32_t>(r.index)};
        }
      });
      const std::size_t first = kept;  // where the window's rows were written
      for (std::size_t b = 0; b < problems.size(); ++b) {
        auto item = problems[b].begin();
        const std::size_t lo = next + b * kBlock, hi = std::min(next + window, lo + kBlock);
        for (std::size_t r = lo; r < hi; ++r) {
          for (; item != problems[b].end() && item->first == r; ++item) {
            builder_.report(std::move(item->second));
          }
          if (row_ok(r)) {
            if (kept != first + (r - next)) rows[kept] = rows[first + (r - next)];
            ++kept;
          } else if (ids) {
            builder_.note_rejected(
                ids->second, ids->first < 0 ? std::string_view{}
                                            : text_.at(r, static_cast<std::size_t>(ids->first)));
          }
        }
      }
      next += window;
      while (released + 1 < text_.first_row.size() && text_.first_row[released + 1] <= next) {
        text_.release_fields(released++);
      }
      if (batch != 0 && kept == batch) {
        flush(std::span<const Row>(rows, kept));
        kept = 0;
      }
    }
    while (released + 1 < text_.first_row.size()) text_.release_fields(released++);
    if (kept != 0 || batch == 0) flush(std::span<const Row>(rows, kept));
    if (spaced_ids_ > 0 && ids && ids->first >= 0) {
      const std::string more = spaced_ids_ > 1 ? " (and " + std::to_string(spaced_ids_ - 1) +
                                                      " more ids like it in this table)"
                                                : std::string();
      builder_.report(source_.at(
          first_spaced_line_, text_.header[static_cast<std::size_t>(ids->first)],
          "found the id " + quote_found(first_spaced_id_) +
              " with a space, a tab or a byte order mark around it" + more +
              "; it is kept as written, so rows that refer to it without them will not find it",
          DiagnosticSeverity::warning));
    }
  }

  void fatal(Diagnostic d) {
    builder_.report(std::move(d));
    usable_ = false;
  }

  // After the table's column() calls: a warning for each column none of them asked for. Such a
  // column is ignored, as the data format says, but ignored without a word a misspelt `Status`
  // would leave every organization active. Unnamed columns at the end of the header (a
  // spreadsheet's artefact) pass quietly. Returns false when a required column is missing or
  // named twice (the table is unusable).
  bool columns_done() {
    std::size_t named = 0;
    for (std::size_t i = 0; i < text_.header.size(); ++i) {
      if (!text_.header[i].empty()) named = i + 1;
    }
    for (std::size_t i = 0; i < named; ++i) {
      const std::string& h = text_.header[i];
      if (std::find(asked_.begin(), asked_.end(), h) != asked_.end()) continue;
      Diagnostic d;
      d.severity = DiagnosticSeverity::warning;
      d.file = text_.file;
      if (text_.json) {
        d.pointer = "/" + source_.table;
      } else {
        d.line = 1;
        d.column = static_cast<std::uint32_t>(i + 1);
      }
      d.message = h.empty() ? "found a column with no name, expected a column name; ignored"
                            : "found the column '" + h + "', which " + source_.table +
                                  " does not have; ignored" + meant_column(h);
      builder_.report(std::move(d));
    }
    return usable_;
  }

 private:
  TextTable& text_;
  GraphBuilder& builder_;
  // " (did you mean 'x'?)" when `found` is a column this table asked for, spelt another way:
  // other case or spaces around it, without "_id", or one or two letters off.
  std::string meant_column(std::string_view found) const {
    const auto distance = [](std::string_view a, std::string_view b) {
      std::vector<std::size_t> row(b.size() + 1);
      for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
      for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
          const std::size_t up = row[j];
          row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
          diagonal = up;
        }
      }
      return row[b.size()];
    };
    std::string f = lower_case(found);
    std::erase(f, ' ');
    for (const std::string& name : asked_) {
      if (f == name || f + "_id" == name || (name.size() >= 5 && distance(f, name) <= 2)) {
        return " (did you mean '" + name + "'?)";
      }
    }
    return "";
  }

  TableSource source_;
  std::vector<char> bad_;
  std::vector<std::string> asked_;  // the columns this table reads
  bool usable_ = true;
  std::mutex spaced_mutex_;  // ids with blanks around them (id()), found in parallel
  std::size_t spaced_ids_ = 0;
  std::size_t first_spaced_row_ = SIZE_MAX;
  std::uint32_t first_spaced_line_ = 0;
  std::string first_spaced_id_;
};

// Relation rows and people handed to the builder per call: bounds the typed rows held at once.
constexpr std::size_t kRowBatch = std::size_t{1} << 20;

// Feeds one table into the builder. Returns false when the table was unusable.
bool feed_table(const std::string& table, TextTable& text, GraphBuilder& b,
                const LoadOptions& options) {
  Converter c(text, b, table);
  const TableSource& src = c.source();
  if (table == "areas") {
    const int id = c.column("id", true), name = c.column("name", false),
              level = c.column("level", true), parent = c.column("parent_id", false),
              lat = c.column("lat", false), lon = c.column("lon", false);
    if (!c.columns_done()) return false;
    c.convert<AreaRow>(
        0, std::pair{id, EntityTable::areas},
        [&](const RowText& r, AreaRow& a) {
          a.id = c.id(r, id);
          a.name = c.get(r, name);
          a.level = c.enum_value(r, level, "level", AreaLevel::city);
          a.parent_id = c.get(r, parent);
          a.lat = c.coordinate(r, lat, "lat", 90);
          a.lon = c.coordinate(r, lon, "lon", 180);
        },
        [&](std::span<const AreaRow> rows) { b.add_areas(rows, src); });
    return true;
  }
  if (table == "units") {
    const int id = c.column("id", true), name = c.column("name", false),
              line = c.column("line", true), level = c.column("level", true),
              area = c.column("area_id", true), industry = c.column("industry", false);
    if (!c.columns_done()) return false;
    c.convert<UnitRow>(
        0, std::pair{id, EntityTable::units},
        [&](const RowText& r, UnitRow& u) {
          u.id = c.id(r, id);
          u.name = c.get(r, name);
          u.line = c.enum_value(r, line, "line", UnitLine::organization);
          u.level = c.enum_value(r, level, "level", AreaLevel::city);
          u.area_id = c.required(r, area, "area_id", "the id of an area");
          u.industry = c.get(r, industry);
        },
        [&](std::span<const UnitRow> rows) { b.add_units(rows, src); });
    return true;
  }
  if (table == "organizations") {
    const int id = c.column("id", true), name = c.column("name", false),
              kind = c.column("kind", true), industry = c.column("industry", true),
              reg = c.column("registration_level", true), area = c.column("area_id", true),
              competent = c.column("competent_unit_id", false), rating = c.column("rating", false),
              status = c.column("status", false), staff = c.column("staff_count", false),
              lat = c.column("lat", false), lon = c.column("lon", false);
    if (!c.columns_done()) return false;
    c.convert<OrgRow>(
        0, std::pair{id, EntityTable::orgs},
        [&](const RowText& r, OrgRow& o) {
          o.id = c.id(r, id);
          o.name = c.get(r, name);
          o.kind = c.enum_value(r, kind, "kind", OrgKind::social_group);
          o.industry = c.required(r, industry, "industry", "an industry");
          o.registration_level = c.enum_value(r, reg, "registration_level", AreaLevel::district);
          o.area_id = c.required(r, area, "area_id", "the id of a street or community");
          o.competent_unit_id = c.get(r, competent);
          o.rating = c.rating(r, rating, "rating");
          o.status = c.enum_value(r, status, "status", OrgStatus::active, false);
          o.staff_count = c.count(r, staff, "staff_count");
          o.lat = c.coordinate(r, lat, "lat", 90);
          o.lon = c.coordinate(r, lon, "lon", 180);
        },
        [&](std::span<const OrgRow> rows) { b.add_orgs(rows, src); });
    return true;
  }
  if (table == "people") {
    const int id = c.column("id", true), name = c.column("name", false),
              status = c.column("party_status", true);
    if (!c.columns_done()) return false;
    // In batches: a nation's 30 million typed rows at once took 1.4 GB of fresh memory.
    b.expect_people(text.rows());
    c.convert<PersonRow>(
        kRowBatch, std::pair{id, EntityTable::people},
        [&](const RowText& r, PersonRow& p) {
          p.id = c.id(r, id);
          if (options.person_names) p.name = c.get(r, name);
          p.party_status = c.enum_value(r, status, "party_status", PartyStatus::none);
        },
        [&](std::span<const PersonRow> rows) { b.add_people_batch(rows, src); });
    b.end_people(src);
    return true;
  }
  if (table == "branches") {
    const int id = c.column("id", true), name = c.column("name", false),
              form = c.column("form", true);
    if (!c.columns_done()) return false;
    c.convert<BranchRow>(
        0, std::pair{id, EntityTable::branches},
        [&](const RowText& r, BranchRow& br) {
          br.id = c.id(r, id);
          br.name = c.get(r, name);
          br.form = c.enum_value(r, form, "form", BranchForm::branch);
        },
        [&](std::span<const BranchRow> rows) { b.add_branches(rows, src); });
    return true;
  }
  if (table == "affiliations") {
    const int person = c.column("person_id", true), org = c.column("org_id", true),
              role = c.column("role", true);
    if (!c.columns_done()) return false;
    b.expect_affiliations(text.rows());
    c.convert<AffiliationRow>(
        kRowBatch, std::nullopt,
        [&](const RowText& r, AffiliationRow& a) {
          a.person_id = c.get(r, person);
          a.org_id = c.get(r, org);
          a.role = c.enum_value(r, role, "role", Role::staff);
        },
        [&](std::span<const AffiliationRow> rows) { b.add_affiliations(rows, src); });
    return true;
  }
  if (table == "branch_coverage") {
    const int branch = c.column("branch_id", true), org = c.column("org_id", true);
    if (!c.columns_done()) return false;
    c.convert<CoverageRow>(
        kRowBatch, std::nullopt,
        [&](const RowText& r, CoverageRow& v) {
          v.branch_id = c.get(r, branch);
          v.org_id = c.get(r, org);
        },
        [&](std::span<const CoverageRow> rows) { b.add_coverage(rows, src); });
    return true;
  }
  if (table == "party_relations") {
    const int person = c.column("person_id", true), branch = c.column("branch_id", true);
    if (!c.columns_done()) return false;
    c.convert<PartyRelationRow>(
        kRowBatch, std::nullopt,
        [&](const RowText& r, PartyRelationRow& v) {
          v.person_id = c.get(r, person);
          v.branch_id = c.get(r, branch);
        },
        [&](std::span<const PartyRelationRow> rows) { b.add_party_relations(rows, src); });
    return true;
  }
  if (table == "supervision") {
    const int sup = c.column("superior_unit_id", true), kind = c.column("subordinate_kind", true),
              sub = c.column("subordinate_id", true);
    if (!c.columns_done()) return false;
    c.convert<SupervisionRow>(
        kRowBatch, std::nullopt,
        [&](const RowText& r, SupervisionRow& v) {
          v.superior_unit_id = c.get(r, sup);
          v.subordinate_kind = c.enum_value(r, kind, "subordinate_kind", SubordinateKind::unit);
          v.subordinate_id = c.get(r, sub);
        },
        [&](std::span<const SupervisionRow> rows) { b.add_supervision(rows, src); });
    return true;
  }
  if (table == "instructors") {
    const int unit = c.column("unit_id", true), org = c.column("org_id", true),
              person = c.column("person_id", false);
    if (!c.columns_done()) return false;
    c.convert<InstructorRow>(
        kRowBatch, std::nullopt,
        [&](const RowText& r, InstructorRow& v) {
          v.unit_id = c.get(r, unit);
          v.org_id = c.get(r, org);
          v.person_id = c.get(r, person);
        },
        [&](std::span<const InstructorRow> rows) { b.add_instructors(rows, src); });
    return true;
  }
  throw std::logic_error("unknown table " + table);
}

// Orders diagnostics by file (in load order) then line, keeping the order of equal ones, so
// messages and rejects files read top to bottom.
std::vector<Diagnostic> in_file_order(std::vector<Diagnostic> diags) {
  std::vector<std::string> files;
  auto rank = [&](const std::string& f) {
    for (std::size_t i = 0; i < files.size(); ++i) {
      if (files[i] == f) return i;
    }
    files.push_back(f);
    return files.size() - 1;
  };
  std::vector<std::size_t> ranks;
  ranks.reserve(diags.size());
  for (const auto& d : diags) ranks.push_back(rank(d.file));
  std::vector<std::size_t> order(diags.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (ranks[a] != ranks[b]) return ranks[a] < ranks[b];
    return diags[a].line < diags[b].line;
  });
  std::vector<Diagnostic> out;
  out.reserve(diags.size());
  for (std::size_t i : order) out.push_back(std::move(diags[i]));
  return out;
}

// The checksum of a table's file as it is on disk: a file read with CR line ends has LFs in
// its buffer where the file has CRs (and no LF of its own), so they are turned back first.
std::string checksum_as_on_disk(const TextTable& t) {
  if (!t.cr_line_ends) return content_checksum(t.buffer.view());
  std::string bytes(t.buffer.view());
  std::replace(bytes.begin(), bytes.end(), '\n', '\r');
  return content_checksum(bytes);
}

OrgGraph load_tables(const std::string& source, const std::string& format,
                     const TableProvider& provider, const LoadOptions& options,
                     LoadReport* report) {
  const auto t0 = std::chrono::steady_clock::now();
  GraphBuilder builder(BuildOptions{options.lenient, options.max_errors});
  LoadReport local;
  LoadReport& rep = report != nullptr ? *report : local;
  rep = LoadReport();
  rep.source = source;
  rep.format = format;
  bool fatal = false;
  for (const auto& table : table_names()) {
    std::vector<Diagnostic> diags;
    std::optional<TextTable> text = provider(table, diags);
    const bool structural_failure = !diags.empty() && !text.has_value();
    for (auto& d : diags) builder.report(std::move(d));
    if (!text) {
      if (structural_failure) {
        fatal = true;
      } else if (table != "instructors") {
        Diagnostic d;
        d.file = source;
        d.message = format == "json"
                        ? "missing table '" + table + "', expected an array of rows (may be empty)"
                        : "missing file " + table + ".csv, expected it in this folder";
        builder.report(std::move(d));
        fatal = true;
      }
      rep.tables.push_back({table, 0, 0, "", 0, ""});
      continue;
    }
    rep.bytes += text->buffer.size();
    rep.tables.push_back({table, text->rows(), 0, text->json ? std::string() : text->file,
                          text->buffer.size(),
                          text->json ? std::string() : checksum_as_on_disk(*text)});
    // After a fatal problem the remaining files are still parsed (their structural errors are
    // listed too), but nothing more is built.
    if (fatal) continue;
    if (!feed_table(table, *text, builder, options)) fatal = true;
  }
  rep.errors = builder.error_count();
  if (fatal || (!options.lenient && builder.error_count() > 0)) {
    rep.diagnostics = in_file_order(builder.diagnostics());
    throw LoadError(rep.diagnostics, builder.error_count());
  }
  OrgGraph graph = builder.finish();
  rep.diagnostics = in_file_order(builder.diagnostics());
  // Rejected rows per table: distinct rows named by error diagnostics.
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& d : rep.diagnostics) {
    if (d.severity != DiagnosticSeverity::error) continue;
    const std::string where =
        d.pointer.empty() ? std::to_string(d.line) : d.pointer.substr(0, d.pointer.rfind('/'));
    if (!seen.insert({d.file, where}).second) continue;
    for (auto& t : rep.tables) {
      const std::string csv_name = t.table + ".csv";
      if (d.file.size() >= csv_name.size() &&
          d.file.compare(d.file.size() - csv_name.size(), csv_name.size(), csv_name) == 0) {
        ++t.rejected;
      } else if (!d.pointer.empty() && d.pointer.rfind("/" + t.table + "/", 0) == 0) {
        ++t.rejected;
      }
    }
  }
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return graph;
}

// The fields come on demand: the converter loads them a window at a time, so a big table never
// holds the views of all its fields at once.
std::optional<TextTable> csv_from_text(const std::string& name, TextBytes content,
                                       std::vector<Diagnostic>& diags) {
  TextTable t;
  CsvLimits limits;
  limits.fields_on_demand = true;
  if (!parse_csv(name, std::move(content), t, diags, limits)) return std::nullopt;
  return t;
}

// ---- JSON ----------------------------------------------------------------------------------

// SAX handler: {"table": [{"col": value, ...}, ...], ...} into TextTables. Numbers arrive as
// strings (kParseNumbersAsStringsFlag), so their text is kept exactly.
class JsonTablesHandler
    : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, JsonTablesHandler> {
 public:
  explicit JsonTablesHandler(std::string file) : file_(std::move(file)) {}

  std::map<std::string, TextTable> tables;
  std::vector<Diagnostic> errors;

  // A value of the wrong type is reported and skipped whole (skip_from_ holds its depth), so one
  // load lists every such error, as for CSV files; the tables are not built after any error.
  bool StartObject() {
    ++depth_;
    if (skip_from_ > 0) return true;
    if (depth_ == 1) return true;
    if (depth_ == 3 && in_table_) {
      row_.clear();
      return true;
    }
    return value_error("an object", true);
  }
  bool EndObject(rapidjson::SizeType) {
    if (skip_from_ > 0) return end_skipped();
    if (depth_ == 3 && in_table_) finish_row();
    --depth_;
    return true;
  }
  bool StartArray() {
    ++depth_;
    if (skip_from_ > 0) return true;
    if (depth_ == 2) {
      if (known_table(key_)) {
        in_table_ = true;
        current_ = &tables[key_];
        current_->file = file_;
        current_->json = true;
        current_->chunks.clear();
        current_->chunks.emplace_back();
        current_->first_row = {0, 0};
        index_ = 0;
      } else {
        skip_ = true;
      }
      return true;
    }
    if (skip_) return true;
    return value_error("an array", true);
  }
  bool EndArray(rapidjson::SizeType) {
    if (skip_from_ > 0) return end_skipped();
    if (depth_ == 2) {
      in_table_ = false;
      skip_ = false;
    }
    --depth_;
    return true;
  }
  bool Key(const char* s, rapidjson::SizeType len, bool) {
    if (skip_from_ > 0) return true;
    if (depth_ == 1) {
      key_.assign(s, len);
      // A table given twice: the second would silently replace the first.
      if (known_table(key_) && !seen_tables_.insert(key_).second) {
        return fatal_error("/" + key_, "found the table '" + key_ +
                                     "' a second time, expected each table once (which one "
                                     "would be meant?)");
      }
      return true;
    }
    if (depth_ == 3) {
      column_.assign(s, len);
      if (!skip_ && std::memchr(s, 0, len) != nullptr) {
        return error("/" + key_ + "/" + std::to_string(index_),
                     "found a NUL character (\\u0000) in a column name, expected text");
      }
    }
    return true;
  }
  bool String(const char* s, rapidjson::SizeType len, bool) {
    // "\u0000" decodes to a NUL byte, which a CSV file may not hold either: refused alike.
    if (!skip_ && skip_from_ == 0 && std::memchr(s, 0, len) != nullptr) {
      return error(depth_ == 3 ? cell_pointer() : "/" + key_,
                   "found a NUL character (\\u0000) in a string, expected text");
    }
    return scalar({s, len});
  }
  bool RawNumber(const char* s, rapidjson::SizeType len, bool) { return scalar({s, len}); }
  bool Null() { return scalar({}); }
  bool Bool(bool b) {
    if (skip_) return true;
    return scalar(b ? "true" : "false");
  }
  bool Default() { return true; }

 private:
  static bool known_table(const std::string& name) {
    for (const auto& t : table_names()) {
      if (t == name) return true;
    }
    return false;
  }
  // Records an error; false (stop parsing) once kMaxErrors are listed.
  bool error(std::string pointer, std::string message) {
    Diagnostic d;
    d.file = file_;
    d.pointer = std::move(pointer);
    d.message = std::move(message);
    errors.push_back(std::move(d));
    return errors.size() < kMaxErrors;
  }
  // Errors that leave the tables in doubt (a table or column given twice): parsing stops.
  bool fatal_error(std::string pointer, std::string message) {
    error(std::move(pointer), std::move(message));
    return false;
  }
  bool end_skipped() {
    if (depth_ == skip_from_) skip_from_ = 0;
    --depth_;
    return true;
  }
  std::string cell_pointer() const {
    return "/" + key_ + "/" + std::to_string(index_) + "/" + column_;
  }
  // `container`: the value is an object or array, skipped to its end.
  bool value_error(const std::string& what, bool container = false) {
    if (skip_) return true;
    if (container) skip_from_ = depth_;
    return error(depth_ <= 2 ? "/" + key_ : cell_pointer(),
                 depth_ == 2 ? "found " + what + ", expected an array of row objects"
                             : "found " + what + ", expected a string, a number or null");
  }
  bool scalar(std::string_view v) {
    if (skip_ || skip_from_ > 0) return true;
    if (depth_ != 3 || !in_table_) {
      return value_error(depth_ == 1 ? "a single value for '" + key_ + "'" : "a single value");
    }
    for (const auto& [col, value] : row_) {
      // A column given twice in one row: the second would silently replace the first.
      if (col == column_) {
        return fatal_error(cell_pointer(), "found the column '" + column_ +
                                         "' twice in one row, expected each column once");
      }
    }
    row_.emplace_back(column_, std::string(v));
    return true;
  }
  void finish_row() {
    TextTable& t = *current_;
    TextChunk& ch = t.chunks.front();
    for (auto& [col, value] : row_) {
      bool found = false;
      for (const auto& h : t.header) found = found || h == col;
      if (!found) {
        t.header.push_back(col);
        // Widen earlier rows.
        const std::size_t old_cols = t.columns;
        t.columns = t.header.size();
        const std::size_t n = ch.line.size();
        std::vector<std::string_view> widened(n * t.columns);
        for (std::size_t r = 0; r < n; ++r) {
          for (std::size_t c = 0; c < old_cols; ++c) {
            widened[r * t.columns + c] = ch.fields[r * old_cols + c];
          }
        }
        ch.fields = std::move(widened);
      }
    }
    const std::size_t base = ch.fields.size();
    ch.fields.resize(base + t.columns);
    for (auto& [col, value] : row_) {
      std::size_t c = 0;
      while (t.header[c] != col) ++c;
      auto block = std::make_unique<char[]>(value.size() + 1);
      std::copy(value.begin(), value.end(), block.get());
      ch.fields[base + c] = std::string_view(block.get(), value.size());
      t.storage.push_back(std::move(block));
    }
    ch.line.push_back(index_++);
    t.first_row[1] = ch.line.size();
    row_.clear();
  }

  static constexpr std::size_t kMaxErrors = 100;
  std::string file_;
  int depth_ = 0;
  int skip_from_ = 0;  // > 0: inside a value of the wrong type, which began at this depth
  bool in_table_ = false;
  bool skip_ = false;
  std::string key_, column_;
  TextTable* current_ = nullptr;
  std::uint32_t index_ = 0;
  std::vector<std::pair<std::string, std::string>> row_;
  std::set<std::string> seen_tables_;
};

OrgGraph load_json(const std::string& name, std::string text, const LoadOptions& options,
                   LoadReport* report) {
  // A leading byte order mark, as on CSV files (Windows editors write one).
  if (text.starts_with(kUtf8Bom)) text.erase(0, kUtf8Bom.size());
  JsonTablesHandler handler(name);
  rapidjson::Reader reader;
  rapidjson::StringStream stream(text.c_str());
  const auto result =
      // Iterative: a deeply nested document ([[[[...) must not overflow the stack.
      reader.Parse<rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseValidateEncodingFlag |
                   rapidjson::kParseIterativeFlag>(stream, handler);
  if (result.IsError() || !handler.errors.empty()) {
    std::vector<Diagnostic> diags = handler.errors;
    // A syntax error after the handler's errors is listed too; the handler's own stop is not.
    if (result.IsError() && result.Code() != rapidjson::kParseErrorTermination) {
      const std::size_t off = result.Offset();
      Diagnostic d;
      d.file = name;
      d.line = static_cast<std::uint32_t>(
          1 + std::count(text.begin(),
                         text.begin() + static_cast<std::ptrdiff_t>(std::min(off, text.size())),
                         '\n'));
      const std::size_t nl = off == 0 ? std::string::npos : text.rfind('\n', off - 1);
      d.column = static_cast<std::uint32_t>(nl == std::string::npos ? off + 1 : off - nl);
      d.message = std::string("invalid JSON: ") + rapidjson::GetParseError_En(result.Code());
      if (result.Code() == rapidjson::kParseErrorStringInvalidEncoding) {
        d.message +=
            " Expected UTF-8 text: the file may be GB18030/GBK (re-save it as UTF-8, "
            "or pass --encoding gb18030)";
      }
      diags.push_back(std::move(d));
    }
    throw LoadError(diags, diags.size());
  }
  auto provider = [&](const std::string& table,
                      std::vector<Diagnostic>&) -> std::optional<TextTable> {
    auto it = handler.tables.find(table);
    if (it == handler.tables.end()) return std::nullopt;
    return std::move(it->second);
  };
  const std::string checksum = content_checksum(text);
  OrgGraph g = load_tables(name, "json", provider, options, report);
  if (report != nullptr) {
    report->bytes = text.size();
    report->checksum = checksum;
  }
  return g;
}

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

namespace {

// A warning for each .csv file in a city folder that is no table (`Instructors.csv`,
// `instructor.csv`): it is not read, and without a word its rows would be missed.
void warn_other_csv_files(const std::string& folder, std::vector<Diagnostic>& out) {
  std::error_code ec;
  std::vector<std::string> others;
  for (const auto& e : std::filesystem::directory_iterator(folder, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() < 4 || name.compare(name.size() - 4, 4, ".csv") != 0) continue;
    const std::string table = name.substr(0, name.size() - 4);
    const auto& tables = table_names();
    if (std::find(tables.begin(), tables.end(), table) == tables.end()) others.push_back(name);
  }
  std::sort(others.begin(), others.end());
  for (const std::string& name : others) {
    Diagnostic d;
    d.severity = DiagnosticSeverity::warning;
    d.file = (std::filesystem::path(folder) / name).string();
    const std::string lower = lower_case(name);
    std::string meant;
    for (const auto& t : table_names()) {
      const std::string file = t + ".csv";
      if (lower == file || lower == t.substr(0, t.size() - 1) + ".csv" ||
          lower == t + "s.csv") {
        meant = " (did you mean " + file + "?)";
      }
    }
    d.message = "found a file that is no table of a city; not read" + meant;
    out.push_back(std::move(d));
  }
}

}  // namespace

OrgGraph load_city(const std::string& path, const LoadOptions& options, LoadReport* report) {
  if (is_directory(path)) {
    // A folder we may not read would otherwise show as every table missing.
    if (::access(path.c_str(), R_OK | X_OK) != 0) {
      throw IoError(path + ": cannot read the folder: " + std::strerror(errno));
    }
    auto provider = [&](const std::string& table,
                        std::vector<Diagnostic>& diags) -> std::optional<TextTable> {
      const std::string file = path + (path.ends_with('/') ? "" : "/") + table + ".csv";
      struct stat st {};
      if (::stat(file.c_str(), &st) != 0) {
        const int err = errno;
        if (err == ENOENT && ::lstat(file.c_str(), &st) == 0) {
          throw IoError(file + ": a link to a file that does not exist, expected the table");
        }
        if (err == ENOENT) return std::nullopt;  // a missing table, reported as such
        throw IoError(file + ": cannot read: " + std::strerror(err));
      }
      TextBytes bytes = read_text_file(file);
      if (canonical_encoding(options.encoding) != "utf-8") {
        std::string text = std::move(bytes).take_string();
        if (!convert_to_utf8(text, options.encoding, file, true, diags)) return std::nullopt;
        bytes = TextBytes(std::move(text));
      }
      return csv_from_text(file, std::move(bytes), diags);
    };
    OrgGraph g = load_tables(path, "csv", provider, options, report);
    if (report != nullptr) warn_other_csv_files(path, report->diagnostics);
    return g;
  }
  if (is_snapshot_file(path)) {
    const auto t0 = std::chrono::steady_clock::now();
    OrgGraph g = read_snapshot(path);
    if (report != nullptr) {
      *report = LoadReport();
      report->source = path;
      report->format = "snapshot";
      struct stat st {};
      if (::stat(path.c_str(), &st) == 0) report->bytes = static_cast<std::uint64_t>(st.st_size);
      report->seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    return g;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    const std::string_view ext = std::string_view(path).substr(std::min(path.size(),
                                                                        path.rfind('.')));
    if (ext == ".orgraph") {
      throw SnapshotError(path + ": not an orgraph snapshot (it does not begin with the snapshot "
                                 "mark: damaged, or another kind of file): rebuild it with "
                                 "`orgraph build`");
    }
    if (ext == ".csv" || ext == ".CSV") {
      throw std::invalid_argument(path +
                                  ": a CSV file; DATA is a city folder (holding the CSV "
                                  "files), a .json city or an .orgraph snapshot");
    }
  }
  std::string text = read_file(path);
  std::vector<Diagnostic> conversion;
  if (!convert_to_utf8(text, options.encoding, path, false, conversion)) {
    throw LoadError(conversion, 1);
  }
  OrgGraph g = load_json(path, std::move(text), options, report);
  if (report != nullptr) {
    report->diagnostics.insert(report->diagnostics.begin(), conversion.begin(), conversion.end());
  }
  return g;
}

OrgGraph load_city_from_csv_text(const std::map<std::string, std::string>& files,
                                 const LoadOptions& options, LoadReport* report) {
  auto provider = [&](const std::string& table,
                      std::vector<Diagnostic>& diags) -> std::optional<TextTable> {
    auto it = files.find(table + ".csv");
    if (it == files.end()) return std::nullopt;
    return csv_from_text(it->first, TextBytes(it->second), diags);
  };
  return load_tables("(memory)", "csv", provider, options, report);
}

OrgGraph load_city_from_json_text(const std::string& name, std::string text,
                                  const LoadOptions& options, LoadReport* report) {
  return load_json(name, std::move(text), options, report);
}

}  // namespace orgraph

#include "loaders/export_writer.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>
#include <vector>

#include "engine/parallel.hpp"
#include "loaders/export_text.hpp"

namespace orgraph {

namespace {
constexpr std::array<std::string_view, 6> kFormatNames{"cytoscape", "gexf",      "graphology",
                                                       "jgf",       "node-link", "graphml"};
constexpr std::array<std::string_view, 6> kExtensions{".cyjs", ".gexf", ".json",
                                                      ".json", ".json", ".graphml"};
}  // namespace

std::optional<ExportFormat> parse_export_format(std::string_view text) {
  for (std::size_t i = 0; i < kFormatNames.size(); ++i) {
    if (kFormatNames[i] == text) return static_cast<ExportFormat>(i);
  }
  return std::nullopt;
}

std::string_view to_string(ExportFormat format) {
  return kFormatNames[static_cast<std::size_t>(format)];
}

std::string export_format_choices() {
  std::string out;
  for (auto name : kFormatNames) {
    if (!out.empty()) out += '|';
    out += name;
  }
  return out;
}

std::string_view export_extension(ExportFormat format) {
  return kExtensions[static_cast<std::size_t>(format)];
}

namespace {

using text::append_int;
using text::append_json_string;
using text::append_xml_escaped;

constexpr std::uint8_t bit(NodeKind k) { return static_cast<std::uint8_t>(1u << static_cast<int>(k)); }
constexpr std::uint8_t kAllKinds = 0x3F;
constexpr std::size_t kNodeGrain = 2048;
constexpr std::size_t kEdgeGrain = 4096;
constexpr std::size_t kBatchBlocks = 32;  // blocks formatted before they are written
constexpr std::array<std::string_view, 6> kRatings{"", "1A", "2A", "3A", "4A", "5A"};

// ---------------------------------------------------------------------------------------------
// The attribute schema: built-in columns, then the selection's extra attributes, then x and y.

enum Builtin : std::uint16_t {
  kKind,
  kEntityId,
  kLevel,
  kLine,
  kOrgKind,
  kIndustry,
  kRegistrationLevel,
  kStatus,
  kRating,
  kStaffCount,
  kFullMembers,
  kPartyMembers,
  kCovered,
  kWorkCovered,
  kShouldBuild,
  kStreet,
  kDistrict,
  kForm,
  kMembers,
  kOrgsCovered,
  kActiveOrgs,
  kCoveredOrgs,
  kWorkCoveredOrgs,
  kOrgRate,
  kWorkRate,
  kPartyStatus,
  kLat,
  kLon,
  kBuiltins
};

struct Column {
  std::string name;
  AttrType type = AttrType::string;
  std::uint8_t kinds = 0;  // node kinds that may carry it
  int decimals = -2;       // reals: >= 0 fixed, -1 shortest float, -2 shortest double
  bool position = false;   // x / y: Cytoscape `position`, GEXF viz:position
  bool declared = false;   // some node of this export may carry it
  std::vector<const ExtraAttribute*> extras;  // selection values feeding this column
};

struct Schema {
  std::vector<Column> columns;
  std::uint16_t x = 0, y = 0;
  bool has_role = false;  // edges: affiliations present
};

Column col(std::string name, AttrType type, std::uint8_t kinds, int decimals = -2,
           bool position = false) {
  Column c;
  c.name = std::move(name);
  c.type = type;
  c.kinds = kinds;
  c.decimals = decimals;
  c.position = position;
  return c;
}

Schema make_schema(const ExportSelection& sel, std::uint8_t present_kinds) {
  const auto A = bit(NodeKind::area), U = bit(NodeKind::unit), O = bit(NodeKind::org),
             B = bit(NodeKind::branch), P = bit(NodeKind::person);
  using T = AttrType;
  Schema s;
  s.columns = {
      col("kind", T::string, kAllKinds),
      col("entity_id", T::string, kAllKinds),
      col("level", T::string, static_cast<std::uint8_t>(A | U)),
      col("line", T::string, U),
      col("org_kind", T::string, O),
      col("industry", T::string, static_cast<std::uint8_t>(U | O)),
      col("registration_level", T::string, O),
      col("status", T::string, O),
      col("rating", T::string, O),
      col("staff_count", T::integer, O),
      col("full_members", T::integer, static_cast<std::uint8_t>(O | B)),
      col("party_members", T::integer, O),
      col("covered", T::boolean, O),
      col("work_covered", T::boolean, O),
      col("should_build", T::boolean, O),
      col("street", T::string, O),
      col("district", T::string, O),
      col("form", T::string, B),
      col("members", T::integer, B),
      col("orgs_covered", T::integer, B),
      col("active_orgs", T::integer, A),
      col("covered_orgs", T::integer, A),
      col("work_covered_orgs", T::integer, A),
      col("org_rate", T::real, A, 4),
      col("work_rate", T::real, A, 4),
      col("party_status", T::string, P),
      col("lat", T::real, static_cast<std::uint8_t>(A | O), -1),
      col("lon", T::real, static_cast<std::uint8_t>(A | O), -1),
  };
  if (s.columns.size() != kBuiltins) throw std::logic_error("export schema out of step");

  for (const ExtraAttribute& extra : sel.attributes) {
    std::uint8_t kinds = 0;
    for (const auto& v : extra.values) kinds |= bit(v.kind);
    auto it = std::find_if(s.columns.begin(), s.columns.end(),
                           [&](const Column& c) { return c.name == extra.name; });
    if (it == s.columns.end() && (extra.name == "x" || extra.name == "y" ||
                                  extra.name == "label" || extra.name == "id")) {
      throw std::invalid_argument("export attribute '" + extra.name + "' is reserved");
    }
    if (it == s.columns.end()) {
      s.columns.push_back(col(extra.name, extra.type, 0));
      it = s.columns.end() - 1;
    } else if (it->type != extra.type) {
      throw std::invalid_argument("export attribute '" + extra.name +
                                  "' is built in with another type");
    }
    it->kinds |= kinds;
    it->extras.push_back(&extra);
  }
  s.x = static_cast<std::uint16_t>(s.columns.size());
  s.columns.push_back(col("x", T::real, kAllKinds, 1, true));
  s.y = static_cast<std::uint16_t>(s.columns.size());
  s.columns.push_back(col("y", T::real, kAllKinds, 1, true));
  for (auto& c : s.columns) c.declared = (c.kinds & present_kinds) != 0;
  s.has_role = (present_kinds & P) != 0;
  return s;
}

// ---------------------------------------------------------------------------------------------
// One node or edge, ready to be formatted. Reused across the elements of a block.

struct Slot {
  bool set = false;
  std::int64_t integer = 0;
  double real = 0;
  std::string_view text;
};

struct NodeRecord {
  NodeKind kind = NodeKind::area;
  std::string key;     // "kind:id", not escaped
  std::string_view label;
  std::string parent;  // compound parent's key (Cytoscape), empty when none
  std::string classes;
  std::vector<Slot> slots;
};

struct EdgeRecord {
  std::uint64_t index = 0;
  std::string_view rel;
  std::string source, target;  // keys, not escaped
  std::string_view role;       // affiliations only
};

struct Context {
  const OrgGraph& g;
  const ExportSelection& sel;
  const Layout& layout;
  const ExportWriteOptions& options;
  Schema schema;
  const std::vector<AreaOrgCounts>& area_counts;  // empty when the selection has no areas
};

std::string_view entity_id(const Context& c, NodeKind kind, Id id) {
  switch (kind) {
    case NodeKind::area: return c.g.area_ids[id];
    case NodeKind::unit: return c.g.unit_ids[id];
    case NodeKind::org: return c.g.org_ids[id];
    case NodeKind::branch: return c.g.branch_ids[id];
    case NodeKind::proposed_branch: return c.sel.proposed_branches[id].id;
    case NodeKind::person: return c.g.person_ids[id];
  }
  return {};
}

void make_key(const Context& c, NodeKind kind, Id id, std::string& out) {
  out.assign(node_kind_name(kind));
  out += ':';
  out += entity_id(c, kind, id);
}

bool included(const Context& c, NodeKind kind, Id id) {
  switch (kind) {
    case NodeKind::area: return c.sel.areas[id] != 0;
    case NodeKind::unit: return c.sel.units[id] != 0;
    case NodeKind::org: return c.sel.orgs[id] != 0;
    case NodeKind::branch: return c.sel.branches[id] != 0;
    case NodeKind::proposed_branch: return true;
    case NodeKind::person: return c.sel.has_people() && c.sel.people[id] != 0;
  }
  return false;
}

Point position(const Context& c, NodeKind kind, Id id) {
  switch (kind) {
    case NodeKind::area: return c.layout.areas[id];
    case NodeKind::unit: return c.layout.units[id];
    case NodeKind::org: return c.layout.orgs[id];
    case NodeKind::branch: return c.layout.branches[id];
    case NodeKind::proposed_branch:
      return proposed_branch_position(c.layout, c.sel.proposed_branches[id].orgs);
    case NodeKind::person: return c.layout.people[id];
  }
  return {};
}

void fill_node(const Context& c, NodeKind kind, Id id, NodeRecord& r) {
  const OrgGraph& g = c.g;
  for (auto& s : r.slots) s.set = false;
  const auto str = [&](std::uint16_t col, std::string_view v) {
    if (v.empty()) return;
    r.slots[col].set = true;
    r.slots[col].text = v;
  };
  const auto num = [&](std::uint16_t col, std::int64_t v) {
    r.slots[col].set = true;
    r.slots[col].integer = v;
  };
  const auto real = [&](std::uint16_t col, double v) {
    if (v != v) return;  // NaN: not given
    r.slots[col].set = true;
    r.slots[col].real = v;
  };
  const auto area_id = [&](Id a) { return a == kNone ? std::string_view{} : g.area_ids[a]; };

  r.kind = kind;
  make_key(c, kind, id, r.key);
  r.parent.clear();
  r.classes.assign(node_kind_name(kind));
  const std::string_view eid = entity_id(c, kind, id);
  str(kKind, node_kind_name(kind));
  str(kEntityId, eid);
  const auto set_parent = [&](Id area) {
    if (area != kNone && c.sel.areas[area] != 0) make_key(c, NodeKind::area, area, r.parent);
  };
  std::string_view name;
  switch (kind) {
    case NodeKind::area: {
      const Area& a = g.areas[id];
      const AreaOrgCounts& n = c.area_counts[id];
      name = g.area_names[id];
      str(kLevel, to_string(a.level));
      num(kActiveOrgs, n.active);
      num(kCoveredOrgs, n.covered);
      num(kWorkCoveredOrgs, n.work_covered);
      real(kOrgRate, n.active == 0 ? 0.0 : static_cast<double>(n.covered) / n.active);
      real(kWorkRate, n.active == 0 ? 0.0 : static_cast<double>(n.work_covered) / n.active);
      real(kLat, a.lat);
      real(kLon, a.lon);
      set_parent(a.parent);
      r.classes += ' ';
      r.classes += to_string(a.level);
      break;
    }
    case NodeKind::unit: {
      const Unit& u = g.units[id];
      name = g.unit_names[id];
      str(kLevel, to_string(u.level));
      str(kLine, to_string(u.line));
      if (u.industry != kNone) str(kIndustry, g.industry_names[u.industry]);
      set_parent(u.area);
      r.classes += ' ';
      r.classes += to_string(u.line);
      break;
    }
    case NodeKind::org: {
      const Org& o = g.orgs[id];
      name = g.org_names[id];
      const bool should_build = g.is_uncovered(id) && o.full_members >= 3;
      str(kOrgKind, to_string(o.kind));
      str(kIndustry, g.industry(id));
      str(kRegistrationLevel, to_string(o.registration_level));
      str(kStatus, to_string(o.status));
      if (o.rating > 0 && o.rating < kRatings.size()) str(kRating, kRatings[o.rating]);
      if (o.staff_count >= 0) num(kStaffCount, o.staff_count);
      num(kFullMembers, o.full_members);
      num(kPartyMembers, o.party_members);
      num(kCovered, o.covered ? 1 : 0);
      num(kWorkCovered, o.work_covered ? 1 : 0);
      num(kShouldBuild, should_build ? 1 : 0);
      str(kStreet, area_id(o.street));
      str(kDistrict, area_id(o.district));
      real(kLat, o.lat);
      real(kLon, o.lon);
      set_parent(o.area);
      r.classes += !g.is_active(id) ? " inactive" : o.covered ? " covered" : " uncovered";
      if (should_build) r.classes += " should_build";
      break;
    }
    case NodeKind::branch: {
      name = g.branch_names[id];
      std::int64_t members = 0, full = 0;
      for (Id p : g.branch_people[id]) {
        const PartyStatus s = g.people[p].party_status;
        members += s != PartyStatus::none ? 1 : 0;
        full += s == PartyStatus::full ? 1 : 0;
      }
      str(kForm, to_string(g.branches[id].form));
      num(kMembers, members);
      num(kFullMembers, full);
      num(kOrgsCovered, g.branch_orgs.degree(id));
      r.classes += ' ';
      r.classes += to_string(g.branches[id].form);
      break;
    }
    case NodeKind::proposed_branch:
      name = c.sel.proposed_branches[id].label;
      break;
    case NodeKind::person: {
      if (c.options.include_names) name = g.person_names[id];
      str(kPartyStatus, to_string(g.people[id].party_status));
      r.classes += ' ';
      r.classes += to_string(g.people[id].party_status);
      break;
    }
  }
  r.label = name.empty() ? eid : name;
  for (std::size_t col = kBuiltins; col < c.schema.x; ++col) {
    for (const ExtraAttribute* extra : c.schema.columns[col].extras) {
      const ExtraAttribute::Value* v = extra->find(kind, id);
      if (v == nullptr) continue;
      Slot& s = r.slots[col];
      s.set = true;
      s.integer = v->integer;
      s.real = v->real;
      s.text = v->text;
      break;
    }
  }
  // Built-in columns a query result also fills (a proposed branch's full_members).
  for (std::size_t col = 0; col < kBuiltins; ++col) {
    if (r.slots[col].set) continue;
    for (const ExtraAttribute* extra : c.schema.columns[col].extras) {
      if (const ExtraAttribute::Value* v = extra->find(kind, id)) {
        r.slots[col] = {true, v->integer, v->real, v->text};
        break;
      }
    }
  }
  const Point p = position(c, kind, id);
  real(c.schema.x, p.x);
  real(c.schema.y, p.y);
}

// ---------------------------------------------------------------------------------------------
// Formats. Every element starts with its separator (",\n" in JSON, "\n" in XML); the streamer
// drops the comma before the first element of a section.

void append_real(std::string& out, const Column& col, double v) {
  if (col.decimals >= 0) {
    text::append_fixed(out, v, col.decimals);
  } else if (col.decimals == -1) {
    text::append_shortest(out, static_cast<float>(v));
  } else {
    text::append_shortest(out, v);
  }
}

void append_plain_value(std::string& out, const Column& col, const Slot& s) {
  switch (col.type) {
    case AttrType::string: append_xml_escaped(out, s.text); break;
    case AttrType::integer: append_int(out, s.integer); break;
    case AttrType::real: append_real(out, col, s.real); break;
    case AttrType::boolean: out += s.integer != 0 ? "true" : "false"; break;
  }
}

void append_json_value(std::string& out, const Column& col, const Slot& s) {
  if (col.type == AttrType::string) {
    append_json_string(out, s.text);
  } else {
    append_plain_value(out, col, s);  // numbers and booleans need no escaping
  }
}

class Format {
 public:
  explicit Format(const Context& c) : c_(c) {}
  virtual ~Format() = default;
  virtual bool json() const { return true; }
  virtual void header(std::string& out) const = 0;
  virtual void node(std::string& out, const NodeRecord& r) const = 0;
  virtual void middle(std::string& out) const = 0;
  virtual void edge(std::string& out, const EdgeRecord& e) const = 0;
  virtual void footer(std::string& out) const = 0;

 protected:
  const Schema& schema() const { return c_.schema; }
  // `,"name":value` for every attribute set, kind first, then the label, then the rest.
  // `after_label(out)` may add members right after the label (each with a leading comma).
  template <class AfterLabel>
  void json_members(std::string& out, const NodeRecord& r, bool with_position,
                    std::string_view label_key, bool leading_comma,
                    AfterLabel&& after_label) const {
    bool first = !leading_comma;
    const auto member = [&](std::string_view name) {
      if (!first) out += ',';
      first = false;
      append_json_string(out, name);
      out += ':';
    };
    const auto& cols = schema().columns;
    for (std::size_t i = 0; i < cols.size(); ++i) {
      const Slot& s = r.slots[i];
      if (!s.set || (cols[i].position && !with_position)) continue;
      member(cols[i].name);
      append_json_value(out, cols[i], s);
      if (i == kKind && !label_key.empty()) {
        member(label_key);
        append_json_string(out, r.label);
        after_label(out);
      }
    }
  }
  void json_members(std::string& out, const NodeRecord& r, bool with_position,
                    std::string_view label_key, bool leading_comma) const {
    json_members(out, r, with_position, label_key, leading_comma, [](std::string&) {});
  }
  void json_edge_members(std::string& out, const EdgeRecord& e) const {
    out += "\"rel\":";
    append_json_string(out, e.rel);
    if (!e.role.empty()) {
      out += ",\"role\":";
      append_json_string(out, e.role);
    }
  }
  static void edge_id(std::string& out, std::uint64_t index) {
    out += 'e';
    append_int(out, static_cast<std::int64_t>(index));
  }
  std::string title() const {
    std::string t = c_.options.name.empty() ? std::string("orgraph export") : c_.options.name;
    if (!c_.sel.description.empty()) t += ": " + c_.sel.description;
    return t;
  }

  const Context& c_;
};

class CytoscapeFormat final : public Format {
 public:
  using Format::Format;
  void header(std::string& out) const override {
    out += "{\"format_version\":\"1.0\",\"generated_by\":";
    append_json_string(out, c_.options.generator);
    out += ",\"target_cytoscapejs_version\":\"~2.1\",\"data\":{\"name\":";
    append_json_string(out, c_.options.name.empty() ? "orgraph export" : c_.options.name);
    out += ",\"shared_name\":";
    append_json_string(out, c_.options.name.empty() ? "orgraph export" : c_.options.name);
    out += ",\"selection\":";
    append_json_string(out, c_.sel.description);
    out += "},\"elements\":{\"nodes\":[";
  }
  void node(std::string& out, const NodeRecord& r) const override {
    out += ",\n{\"data\":{\"id\":";
    append_json_string(out, r.key);
    // `name` is the column Cytoscape desktop labels nodes with; `parent` makes areas compound.
    json_members(out, r, false, "label", true, [&](std::string& o) {
      o += ",\"name\":";
      append_json_string(o, r.label);
      if (!r.parent.empty()) {
        o += ",\"parent\":";
        append_json_string(o, r.parent);
      }
    });
    out += "},\"classes\":";
    append_json_string(out, r.classes);
    out += ",\"position\":{\"x\":";
    append_plain_value(out, schema().columns[schema().x], r.slots[schema().x]);
    out += ",\"y\":";
    append_plain_value(out, schema().columns[schema().y], r.slots[schema().y]);
    out += "}}";
  }
  void middle(std::string& out) const override { out += "\n],\"edges\":["; }
  void edge(std::string& out, const EdgeRecord& e) const override {
    out += ",\n{\"data\":{\"id\":\"";
    edge_id(out, e.index);
    out += "\",\"source\":";
    append_json_string(out, e.source);
    out += ",\"target\":";
    append_json_string(out, e.target);
    out += ',';
    json_edge_members(out, e);
    out += ",\"interaction\":";  // Cytoscape desktop's edge-type column
    append_json_string(out, e.rel);
    out += "},\"classes\":";
    append_json_string(out, e.rel);
    out += '}';
  }
  void footer(std::string& out) const override { out += "\n]}}\n"; }
};

class GraphologyFormat final : public Format {
 public:
  using Format::Format;
  void header(std::string& out) const override {
    out += "{\"attributes\":{\"name\":";
    append_json_string(out, title());
    out += ",\"generated_by\":";
    append_json_string(out, c_.options.generator);
    out += "},\"options\":{\"type\":\"directed\",\"multi\":true,\"allowSelfLoops\":true},";
    out += "\"nodes\":[";
  }
  void node(std::string& out, const NodeRecord& r) const override {
    out += ",\n{\"key\":";
    append_json_string(out, r.key);
    out += ",\"attributes\":{";
    json_members(out, r, true, "label", false);
    out += "}}";
  }
  void middle(std::string& out) const override { out += "\n],\"edges\":["; }
  void edge(std::string& out, const EdgeRecord& e) const override {
    out += ",\n{\"key\":\"";
    edge_id(out, e.index);
    out += "\",\"source\":";
    append_json_string(out, e.source);
    out += ",\"target\":";
    append_json_string(out, e.target);
    out += ",\"attributes\":{";
    json_edge_members(out, e);
    out += "}}";
  }
  void footer(std::string& out) const override { out += "\n]}\n"; }
};

class JgfFormat final : public Format {
 public:
  using Format::Format;
  void header(std::string& out) const override {
    out += "{\"graph\":{\"label\":";
    append_json_string(out, title());
    out += ",\"directed\":true,\"type\":\"orgraph\",\"metadata\":{\"generated_by\":";
    append_json_string(out, c_.options.generator);
    out += ",\"selection\":";
    append_json_string(out, c_.sel.description);
    out += "},\"nodes\":{";
  }
  void node(std::string& out, const NodeRecord& r) const override {
    out += ",\n";
    append_json_string(out, r.key);
    out += ":{\"label\":";
    append_json_string(out, r.label);
    out += ",\"metadata\":{";
    json_members(out, r, true, {}, false);
    out += "}}";
  }
  void middle(std::string& out) const override { out += "\n},\"edges\":["; }
  void edge(std::string& out, const EdgeRecord& e) const override {
    out += ",\n{\"id\":\"";
    edge_id(out, e.index);
    out += "\",\"source\":";
    append_json_string(out, e.source);
    out += ",\"target\":";
    append_json_string(out, e.target);
    out += ",\"relation\":";
    append_json_string(out, e.rel);
    out += ",\"metadata\":{";
    json_edge_members(out, e);
    out += "}}";
  }
  void footer(std::string& out) const override { out += "\n]}}\n"; }
};

class NodeLinkFormat final : public Format {
 public:
  using Format::Format;
  void header(std::string& out) const override {
    out += "{\"directed\":true,\"multigraph\":true,\"graph\":{},\"nodes\":[";
  }
  void node(std::string& out, const NodeRecord& r) const override {
    out += ",\n{\"id\":";
    append_json_string(out, r.key);
    json_members(out, r, true, "label", true);
    out += '}';
  }
  void middle(std::string& out) const override { out += "\n],\"links\":["; }
  void edge(std::string& out, const EdgeRecord& e) const override {
    out += ",\n{\"source\":";
    append_json_string(out, e.source);
    out += ",\"target\":";
    append_json_string(out, e.target);
    out += ",\"key\":\"";
    edge_id(out, e.index);
    out += "\",";
    json_edge_members(out, e);
    out += '}';
  }
  void footer(std::string& out) const override { out += "\n]}\n"; }
};

std::string_view gexf_type(AttrType t) {
  switch (t) {
    case AttrType::string: return "string";
    case AttrType::integer: return "integer";
    case AttrType::real: return "double";
    case AttrType::boolean: return "boolean";
  }
  return "string";
}

class GexfFormat final : public Format {
 public:
  using Format::Format;
  bool json() const override { return false; }
  void header(std::string& out) const override {
    out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" "
           "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
           "xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" "
           "version=\"1.3\">\n  <meta>\n    <creator>";
    append_xml_escaped(out, c_.options.generator);
    out += "</creator>\n    <description>";
    append_xml_escaped(out, title());
    out += "</description>\n  </meta>\n"
           "  <graph mode=\"static\" defaultedgetype=\"directed\">\n"
           "    <attributes class=\"node\" mode=\"static\">\n";
    for (const Column& col : schema().columns) {
      if (!col.declared || col.position) continue;
      out += "      <attribute id=\"";
      append_xml_escaped(out, col.name);
      out += "\" title=\"";
      append_xml_escaped(out, col.name);
      out += "\" type=\"";
      out += gexf_type(col.type);
      out += "\"/>\n";
    }
    out += "    </attributes>\n    <attributes class=\"edge\" mode=\"static\">\n"
           "      <attribute id=\"rel\" title=\"rel\" type=\"string\"/>\n";
    if (schema().has_role) out += "      <attribute id=\"role\" title=\"role\" type=\"string\"/>\n";
    out += "    </attributes>\n    <nodes>";
  }
  void node(std::string& out, const NodeRecord& r) const override {
    out += "\n      <node id=\"";
    append_xml_escaped(out, r.key);
    out += "\" label=\"";
    append_xml_escaped(out, r.label);
    out += "\"><attvalues>";
    const auto& cols = schema().columns;
    for (std::size_t i = 0; i < cols.size(); ++i) {
      if (!r.slots[i].set || cols[i].position) continue;
      out += "<attvalue for=\"";
      append_xml_escaped(out, cols[i].name);
      out += "\" value=\"";
      append_plain_value(out, cols[i], r.slots[i]);
      out += "\"/>";
    }
    out += "</attvalues><viz:position x=\"";
    append_plain_value(out, cols[schema().x], r.slots[schema().x]);
    out += "\" y=\"";
    append_plain_value(out, cols[schema().y], r.slots[schema().y]);
    out += "\" z=\"0.0\"/></node>";
  }
  void middle(std::string& out) const override { out += "\n    </nodes>\n    <edges>"; }
  void edge(std::string& out, const EdgeRecord& e) const override {
    // `kind` is GEXF's edge type: Gephi keeps parallel edges of different kinds apart.
    out += "\n      <edge id=\"";
    edge_id(out, e.index);
    out += "\" source=\"";
    append_xml_escaped(out, e.source);
    out += "\" target=\"";
    append_xml_escaped(out, e.target);
    out += "\" kind=\"";
    out += e.rel;
    out += "\"><attvalues><attvalue for=\"rel\" value=\"";
    out += e.rel;
    out += "\"/>";
    if (!e.role.empty()) {
      out += "<attvalue for=\"role\" value=\"";
      out += e.role;
      out += "\"/>";
    }
    out += "</attvalues></edge>";
  }
  void footer(std::string& out) const override {
    out += "\n    </edges>\n  </graph>\n</gexf>\n";
  }
};

std::string_view graphml_type(AttrType t) {
  switch (t) {
    case AttrType::string: return "string";
    case AttrType::integer: return "int";
    case AttrType::real: return "double";
    case AttrType::boolean: return "boolean";
  }
  return "string";
}

class GraphmlFormat final : public Format {
 public:
  explicit GraphmlFormat(const Context& c) : Format(c) {
    // Key ids d0, d1, ...: node columns in schema order with `label` after `kind`, then edges.
    std::size_t next = 0;
    key_.resize(schema().columns.size());
    for (std::size_t i = 0; i < schema().columns.size(); ++i) {
      if (!schema().columns[i].declared) continue;
      key_[i] = "d" + std::to_string(next++);
      if (i == kKind) label_key_ = "d" + std::to_string(next++);
    }
    rel_key_ = "d" + std::to_string(next++);
    role_key_ = "d" + std::to_string(next++);
  }
  bool json() const override { return false; }
  void header(std::string& out) const override {
    out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
           "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
           "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
           "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n  <desc>";
    append_xml_escaped(out, title() + " (" + c_.options.generator + ")");
    out += "</desc>\n";
    const auto& cols = schema().columns;
    for (std::size_t i = 0; i < cols.size(); ++i) {
      if (!cols[i].declared) continue;
      key(out, key_[i], "node", cols[i].name, graphml_type(cols[i].type));
      if (i == kKind) key(out, label_key_, "node", "label", "string");
    }
    key(out, rel_key_, "edge", "rel", "string");
    if (schema().has_role) key(out, role_key_, "edge", "role", "string");
    out += "  <graph id=\"G\" edgedefault=\"directed\">";
  }
  void node(std::string& out, const NodeRecord& r) const override {
    out += "\n    <node id=\"";
    append_xml_escaped(out, r.key);
    out += "\">";
    const auto& cols = schema().columns;
    for (std::size_t i = 0; i < cols.size(); ++i) {
      if (!r.slots[i].set) continue;
      data(out, key_[i]);
      append_plain_value(out, cols[i], r.slots[i]);
      out += "</data>";
      if (i == kKind) {
        data(out, label_key_);
        append_xml_escaped(out, r.label);
        out += "</data>";
      }
    }
    out += "</node>";
  }
  void middle(std::string&) const override {}
  void edge(std::string& out, const EdgeRecord& e) const override {
    out += "\n    <edge id=\"";
    edge_id(out, e.index);
    out += "\" source=\"";
    append_xml_escaped(out, e.source);
    out += "\" target=\"";
    append_xml_escaped(out, e.target);
    out += "\">";
    data(out, rel_key_);
    out += e.rel;
    out += "</data>";
    if (!e.role.empty()) {
      data(out, role_key_);
      out += e.role;
      out += "</data>";
    }
    out += "</edge>";
  }
  void footer(std::string& out) const override { out += "\n  </graph>\n</graphml>\n"; }

 private:
  static void key(std::string& out, std::string_view id, std::string_view for_what,
                  std::string_view name, std::string_view type) {
    out += "  <key id=\"";
    out += id;
    out += "\" for=\"";
    out += for_what;
    out += "\" attr.name=\"";
    append_xml_escaped(out, name);
    out += "\" attr.type=\"";
    out += type;
    out += "\"/>\n";
  }
  static void data(std::string& out, std::string_view key) {
    out += "<data key=\"";
    out += key;
    out += "\">";
  }
  std::vector<std::string> key_;
  std::string label_key_, rel_key_, role_key_;
};

std::unique_ptr<Format> make_format(ExportFormat f, const Context& c) {
  switch (f) {
    case ExportFormat::cytoscape: return std::make_unique<CytoscapeFormat>(c);
    case ExportFormat::gexf: return std::make_unique<GexfFormat>(c);
    case ExportFormat::graphology: return std::make_unique<GraphologyFormat>(c);
    case ExportFormat::jgf: return std::make_unique<JgfFormat>(c);
    case ExportFormat::node_link: return std::make_unique<NodeLinkFormat>(c);
    case ExportFormat::graphml: return std::make_unique<GraphmlFormat>(c);
  }
  throw std::invalid_argument("unknown export format");
}

// ---------------------------------------------------------------------------------------------
// The streamer: formats fixed blocks of elements in parallel, hands them to the sink in order.

class Streamer {
 public:
  Streamer(const ExportSink& sink, bool json) : sink_(sink), json_(json) {}
  void raw(std::string_view text) {
    if (text.empty()) return;
    sink_(text);
    bytes_ += text.size();
  }
  void begin_section() { first_ = true; }
  // Runs fill(lo, hi, out) -> elements written, over [0, n) in blocks of `grain`
  // (stream_blocks: parallel, in order); returns the elements written.
  template <class Fill>
  std::uint64_t blocks(std::size_t n, std::size_t grain, Fill&& fill) {
    std::vector<std::uint64_t> written(par::block_count(n, grain), 0);
    stream_blocks(
        n, grain,
        [&](std::size_t lo, std::size_t hi, std::string& text) {
          written[lo / grain] = fill(lo, hi, text);
        },
        [&](std::string_view t) {
          if (first_ && json_) t.remove_prefix(1);  // the comma before the first element
          first_ = false;
          raw(t);
        },
        kBatchBlocks);
    std::uint64_t total = 0;
    for (std::uint64_t w : written) total += w;
    return total;
  }
  std::uint64_t bytes() const { return bytes_; }

 private:
  const ExportSink& sink_;
  bool json_;
  bool first_ = true;
  std::uint64_t bytes_ = 0;
};

void check_selection(const OrgGraph& g, const ExportSelection& s, const Layout& layout) {
  const bool fits = s.areas.size() == g.areas.size() && s.units.size() == g.units.size() &&
                    s.orgs.size() == g.orgs.size() && s.branches.size() == g.branches.size() &&
                    (s.people.empty() || s.people.size() == g.people.size());
  if (!fits) throw std::invalid_argument("export selection was built for another graph");
  if (layout.orgs.size() != g.orgs.size() || layout.areas.size() != g.areas.size() ||
      (s.has_people() && layout.people.size() != g.people.size())) {
    throw std::invalid_argument("export layout was computed for another graph (or without people)");
  }
  for (const auto& pb : s.proposed_branches) {
    for (Id o : pb.orgs) {
      if (o >= g.orgs.size()) throw std::invalid_argument("proposed branch with an unknown org");
    }
    if (pb.superior != kNone && pb.superior >= g.units.size()) {
      throw std::invalid_argument("proposed branch with an unknown superior unit");
    }
  }
}

// Area node order: top-level areas first, then each level down, so compound parents come
// before their children; by id within a level.
std::vector<Id> area_order(const OrgGraph& g) {
  std::vector<std::pair<std::uint32_t, Id>> keyed(g.areas.size());
  for (Id a = 0; a < g.areas.size(); ++a) {
    std::uint32_t depth = 0;
    for (Id p = g.areas[a].parent; p != kNone && depth <= g.areas.size(); p = g.areas[p].parent) {
      ++depth;
    }
    keyed[a] = {depth, a};
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<Id> order(keyed.size());
  for (std::size_t i = 0; i < keyed.size(); ++i) order[i] = keyed[i].second;
  return order;
}

}  // namespace

ExportCounts write_export(const OrgGraph& g, const ExportSelection& sel, const Layout& layout,
                          ExportFormat format, const ExportWriteOptions& options,
                          const ExportSink& sink) {
  check_selection(g, sel, layout);
  std::uint8_t present = 0;
  const auto any = [](const std::vector<std::uint8_t>& m) {
    return std::find(m.begin(), m.end(), std::uint8_t{1}) != m.end();
  };
  if (any(sel.areas)) present |= bit(NodeKind::area);
  if (any(sel.units)) present |= bit(NodeKind::unit);
  if (any(sel.orgs)) present |= bit(NodeKind::org);
  if (any(sel.branches)) present |= bit(NodeKind::branch);
  if (!sel.proposed_branches.empty()) present |= bit(NodeKind::proposed_branch);
  if (any(sel.people)) present |= bit(NodeKind::person);
  std::vector<AreaOrgCounts> computed;
  if (options.area_counts != nullptr) {
    if (options.area_counts->size() != g.areas.size()) {
      throw std::invalid_argument("export area counts were computed for another graph");
    }
  } else if ((present & bit(NodeKind::area)) != 0) {
    computed = area_org_counts(g);
  }
  const std::vector<AreaOrgCounts>& area_counts =
      options.area_counts != nullptr ? *options.area_counts : computed;
  Context c{g, sel, layout, options, make_schema(sel, present), area_counts};
  const auto fmt = make_format(format, c);
  Streamer out(sink, fmt->json());
  ExportCounts counts;

  std::string head;
  fmt->header(head);
  out.raw(head);

  // Nodes.
  out.begin_section();
  const auto node_blocks = [&](NodeKind kind, std::size_t n, auto&& id_of) {
    counts.nodes += out.blocks(n, kNodeGrain, [&](std::size_t lo, std::size_t hi, std::string& t) {
      NodeRecord r;
      r.slots.resize(c.schema.columns.size());
      std::uint64_t written = 0;
      for (std::size_t i = lo; i < hi; ++i) {
        const Id id = id_of(i);
        if (!included(c, kind, id)) continue;
        fill_node(c, kind, id, r);
        fmt->node(t, r);
        ++written;
      }
      return written;
    });
  };
  const auto identity = [](std::size_t i) { return static_cast<Id>(i); };
  const std::vector<Id> areas = area_order(g);
  node_blocks(NodeKind::area, areas.size(), [&](std::size_t i) { return areas[i]; });
  node_blocks(NodeKind::unit, g.units.size(), identity);
  node_blocks(NodeKind::org, g.orgs.size(), identity);
  node_blocks(NodeKind::branch, g.branches.size(), identity);
  node_blocks(NodeKind::proposed_branch, sel.proposed_branches.size(), identity);
  if (sel.has_people()) node_blocks(NodeKind::person, g.people.size(), identity);

  std::string mid;
  fmt->middle(mid);
  out.raw(mid);

  // Edges, numbered by their position in the whole graph's edge list so ids are stable.
  out.begin_section();
  std::uint64_t base = 0;
  const auto emit_edge = [&](std::string& t, EdgeRecord& e, std::uint64_t index,
                             std::string_view rel, NodeKind sk, Id s, NodeKind tk, Id d,
                             std::string_view role) {
    if (!included(c, sk, s) || !included(c, tk, d)) return false;
    e.index = index;
    e.rel = rel;
    e.role = role;
    make_key(c, sk, s, e.source);
    make_key(c, tk, d, e.target);
    fmt->edge(t, e);
    return true;
  };
  // One edge per row (area -> parent, unit/org -> area).
  const auto row_edges = [&](std::size_t rows, std::string_view rel, NodeKind sk, NodeKind tk,
                             auto&& target_of) {
    counts.edges += out.blocks(rows, kEdgeGrain, [&](std::size_t lo, std::size_t hi, std::string& t) {
      EdgeRecord e;
      std::uint64_t written = 0;
      for (std::size_t i = lo; i < hi; ++i) {
        if (!included(c, sk, static_cast<Id>(i))) continue;
        const Id d = target_of(static_cast<Id>(i));
        if (d != kNone && emit_edge(t, e, base + i, rel, sk, static_cast<Id>(i), tk, d, {})) {
          ++written;
        }
      }
      return written;
    });
    base += rows;
  };
  // Every entry of a CSR relation.
  const auto csr_edges = [&](const auto& csr, std::size_t rows, std::string_view rel, NodeKind sk,
                             NodeKind tk) {
    counts.edges += out.blocks(rows, kEdgeGrain, [&](std::size_t lo, std::size_t hi, std::string& t) {
      EdgeRecord e;
      std::uint64_t written = 0;
      for (std::size_t row = lo; row < hi; ++row) {
        const Id s = static_cast<Id>(row);
        if (!included(c, sk, s)) continue;  // a nation's selection holds few of its units
        for (std::uint32_t k = csr.begin_of(s); k < csr.end_of(s); ++k) {
          std::string_view role;
          if constexpr (requires { csr.payload; }) role = to_string(csr.payload[k]);
          if (emit_edge(t, e, base + k, rel, sk, s, tk, csr.targets[k], role)) ++written;
        }
      }
      return written;
    });
    base += csr.entries();
  };
  row_edges(g.areas.size(), "part_of", NodeKind::area, NodeKind::area,
            [&](Id a) { return g.areas[a].parent; });
  row_edges(g.units.size(), "located_in", NodeKind::unit, NodeKind::area,
            [&](Id u) { return g.units[u].area; });
  row_edges(g.orgs.size(), "located_in", NodeKind::org, NodeKind::area,
            [&](Id o) { return g.orgs[o].area; });
  csr_edges(g.branch_orgs, g.branches.size(), "covers", NodeKind::branch, NodeKind::org);
  csr_edges(g.unit_sub_units, g.units.size(), "supervises", NodeKind::unit, NodeKind::unit);
  csr_edges(g.unit_sub_branches, g.units.size(), "supervises", NodeKind::unit, NodeKind::branch);
  csr_edges(g.unit_competent_orgs, g.units.size(), "competent", NodeKind::unit, NodeKind::org);
  csr_edges(g.unit_instructed_orgs, g.units.size(), "instructs", NodeKind::unit, NodeKind::org);
  if (sel.has_people()) {
    csr_edges(g.person_orgs, g.people.size(), "affiliated", NodeKind::person, NodeKind::org);
    csr_edges(g.person_branches, g.people.size(), "relation", NodeKind::person, NodeKind::branch);
  } else {
    base += g.person_orgs.entries() + g.person_branches.entries();
  }
  if (!sel.proposed_branches.empty()) {
    std::string t;
    EdgeRecord e;
    std::uint64_t written = 0;
    for (Id i = 0; i < sel.proposed_branches.size(); ++i) {
      for (Id o : sel.proposed_branches[i].orgs) {
        written += emit_edge(t, e, base++, "proposes", NodeKind::proposed_branch, i,
                             NodeKind::org, o, {});
      }
    }
    for (Id i = 0; i < sel.proposed_branches.size(); ++i) {
      const Id u = sel.proposed_branches[i].superior;
      if (u != kNone) {
        written += emit_edge(t, e, base, "would_supervise", NodeKind::unit, u,
                             NodeKind::proposed_branch, i, {});
      }
      ++base;
    }
    counts.edges += out.blocks(1, 1, [&](std::size_t, std::size_t, std::string& text) {
      text = std::move(t);
      return written;
    });
  }

  std::string tail;
  fmt->footer(tail);
  out.raw(tail);
  counts.bytes = out.bytes();
  return counts;
}

std::string export_to_string(const OrgGraph& graph, const ExportSelection& selection,
                             const Layout& layout, ExportFormat format,
                             const ExportWriteOptions& options) {
  std::string out;
  write_export(graph, selection, layout, format, options,
               [&](std::string_view piece) { out.append(piece); });
  return out;
}

}  // namespace orgraph

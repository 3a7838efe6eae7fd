// Export: text escaping, the selection rules, the layout's guarantees, the writers' structure
// and their independence from the thread count. (Loading by the real tools is
// tests/cli/export_tools.sh; exact bytes are the golden files in tests/cli/export.sh.)
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cmath>
#include <random>
#include <set>

#include "engine/parallel.hpp"
#include "loaders/export_text.hpp"
#include "loaders/export_writer.hpp"
#include "queries/export.hpp"
#include "queries/layout.hpp"
#include "support/test_support.hpp"

namespace orgraph {
namespace {

using testing::city_from_csv;
using testing::tiny_city_files;

std::string json_string(std::string_view s) {
  std::string out;
  text::append_json_string(out, s);
  return out;
}
std::string xml(std::string_view s) {
  std::string out;
  text::append_xml_escaped(out, s);
  return out;
}

TEST(ExportText, JsonEscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(json_string("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(json_string("line\nbreak\ttab\r"), R"("line\nbreak\ttab\r")");
  EXPECT_EQ(json_string(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
  EXPECT_EQ(json_string(std::string("nul\0x", 5)), R"("nul\u0000x")");
  EXPECT_EQ(json_string("常州 🎉"), "\"常州 🎉\"");
}

TEST(ExportText, BrokenUtf8BecomesReplacementCharacter) {
  const std::string replacement = "\xEF\xBF\xBD";
  EXPECT_EQ(json_string("a\xFF" "b"), "\"a" + replacement + "b\"");
  EXPECT_EQ(json_string("\xC0\xAF"), "\"" + replacement + replacement + "\"");  // overlong '/'
  EXPECT_EQ(json_string("\xED\xA0\x80"), "\"" + replacement + replacement + replacement + "\"");
  EXPECT_EQ(json_string("cut \xE5\xB8"), "\"cut " + replacement + replacement + "\"");
  EXPECT_EQ(xml("x\xF5\x80\x80\x80y"), "x" + replacement + replacement + replacement +
                                           replacement + "y");  // above U+10FFFF
}

// --format table on a terminal: control characters in names are shown, not obeyed.
TEST(ExportText, TerminalSafeShowsControlCharacters) {
  EXPECT_EQ(text::terminal_safe("plain 天宁区 & <b>"), "plain 天宁区 & <b>");
  EXPECT_EQ(text::terminal_safe("a\x1b[31mb\x07"), "a\\x1b[31mb\\x07");
  EXPECT_EQ(text::terminal_safe("x\nY\tz\r\x7f"), "x\\x0aY\\x09z\\x0d\\x7f");
  EXPECT_EQ(text::terminal_safe("\xC2\x9B" "2J"), "\\u009b2J");  // CSI, the C1 form of ESC [
  EXPECT_EQ(text::terminal_safe("\xC2\xA0\xC2\x7f"), "\xC2\xA0\xC2\\x7f");  // NBSP is text
  EXPECT_EQ(text::terminal_safe(""), "");
}

// Characters XML 1.0 cannot hold, even as references, become U+FFFD: the loss shows in the file
// (and a name of control characters only does not become an empty label).
TEST(ExportText, XmlEscapesMetacharactersAndReplacesForbiddenCharacters) {
  EXPECT_EQ(xml("Smith & Sons <\"Care\"> O'Brien"),
            "Smith &amp; Sons &lt;&quot;Care&quot;&gt; O&apos;Brien");
  EXPECT_EQ(xml("a\tb\nc\rd"), "a&#9;b&#10;c&#13;d");
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(xml(std::string("bell\x07" "and\x01" "nul\0", 13)), "bell" + r + "and" + r + "nul" + r);
  EXPECT_EQ(xml("\xEF\xBF\xBE\xEF\xBF\xBFok"), r + r + "ok");  // U+FFFE, U+FFFF
  EXPECT_EQ(xml("\xE2\x80\xA8"), "&#8232;");
  EXPECT_EQ(xml("天宁区"), "天宁区");
}

TEST(ExportText, NumbersAreLocaleFreeAndFixed) {
  std::string s;
  text::append_fixed(s, 12.0, 1);
  s += ' ';
  text::append_fixed(s, -0.04, 1);
  s += ' ';
  text::append_fixed(s, 2.0 / 3.0, 4);
  s += ' ';
  text::append_shortest(s, 31.78f);
  s += ' ';
  text::append_int(s, -42);
  EXPECT_EQ(s, "12.0 0.0 0.6667 31.78 -42");
}

// ---- Selections on the tiny city (the answers are worked out in export_tools.sh too) -------

std::set<std::string> selected(const OrgGraph& g, const std::vector<std::uint8_t>& mask,
                               const StringColumn& ids) {
  std::set<std::string> out;
  for (Id i = 0; i < mask.size(); ++i) {
    if (mask[i] != 0) out.insert(std::string(ids[i]));
  }
  (void)g;
  return out;
}

using Ids = std::set<std::string>;

ExportQuery query(std::string area = "", ExportOnly only = ExportOnly::all, bool people = false) {
  ExportQuery q;
  q.area = std::move(area);
  q.only = only;
  q.include_people = people;
  return q;
}

ExtraAttribute::Value value(NodeKind kind, Id id, std::int64_t integer, std::string text = "") {
  ExtraAttribute::Value v;
  v.kind = kind;
  v.id = id;
  v.integer = integer;
  v.text = std::move(text);
  return v;
}

LayoutOptions with_people() {
  LayoutOptions o;
  o.people = true;
  return o;
}

TEST(ExportSelection, WholeGraphHasEveryEntityAndNoPeople) {
  const OrgGraph g = city_from_csv(tiny_city_files());
  const ExportSelection s = select_for_export(g, {});
  EXPECT_EQ(selected(g, s.orgs, g.org_ids).size(), 12u);
  EXPECT_EQ(selected(g, s.areas, g.area_ids).size(), 10u);
  EXPECT_FALSE(s.has_people());
  const ExportSelection p = select_for_export(g, query("", ExportOnly::all, true));
  EXPECT_EQ(selected(g, p.people, g.person_ids).size(), 20u);
}

TEST(ExportSelection, AreaTakesItsContentsAndSupervisorsAsContext) {
  const OrgGraph g = city_from_csv(tiny_city_files());
  const ExportSelection s = select_for_export(g, query("S1"));
  EXPECT_EQ(selected(g, s.areas, g.area_ids), (Ids{"S1", "K1", "K2"}));
  EXPECT_EQ(selected(g, s.orgs, g.org_ids), (Ids{"O1", "O2", "O3", "O4", "O7", "O9", "O10"}));
  EXPECT_EQ(selected(g, s.units, g.unit_ids), (Ids{"ST1", "CM1"}));
  // B2 covers O9 and O10; B5 covers nothing and is supervised by CM1 (in K1).
  EXPECT_EQ(selected(g, s.branches, g.branch_ids), (Ids{"B2", "B5"}));

  // Lake Town: O8 is covered by B1, whose superior ST2 (Bell Street) comes as context.
  const ExportSelection lake = select_for_export(g, query("S3"));
  EXPECT_EQ(selected(g, lake.orgs, g.org_ids), (Ids{"O8", "O12"}));
  EXPECT_EQ(selected(g, lake.branches, g.branch_ids), (Ids{"B1"}));
  EXPECT_EQ(selected(g, lake.units, g.unit_ids), (Ids{"ST2"}));
}

TEST(ExportSelection, UncoveredTakesAreasAndResponsibleUnits) {
  const OrgGraph g = city_from_csv(tiny_city_files());
  const ExportSelection s = select_for_export(g, query("", ExportOnly::uncovered));
  EXPECT_EQ(selected(g, s.orgs, g.org_ids),
            (Ids{"O1", "O2", "O3", "O4", "O5", "O6", "O7", "O12"}));
  EXPECT_EQ(selected(g, s.units, g.unit_ids), (Ids{"EDU1", "CAD1", "CM1", "ST1", "ST2"}));
  EXPECT_EQ(selected(g, s.branches, g.branch_ids), Ids{});
  EXPECT_EQ(selected(g, s.areas, g.area_ids).size(), 10u);

  const ExportSelection k =
      select_for_export(g, query("S1", ExportOnly::uncovered, true));
  EXPECT_EQ(selected(g, k.orgs, g.org_ids), (Ids{"O1", "O2", "O3", "O4", "O7"}));
  EXPECT_EQ(selected(g, k.areas, g.area_ids), (Ids{"S1", "K1", "K2"}));
  EXPECT_EQ(selected(g, k.people, g.person_ids),
            (Ids{"P1", "P2", "P3", "P4", "P5", "P6", "P11", "P12", "P13"}));
}

TEST(ExportSelection, RejectsUnknownArea) {
  const OrgGraph g = city_from_csv(tiny_city_files());
  EXPECT_THROW(select_for_export(g, query("NOPE")), std::invalid_argument);
  EXPECT_THROW(select_for_export(g, query("NOPE", ExportOnly::gaps)), std::invalid_argument);
  EXPECT_EQ(parse_export_only("joint-branches"), ExportOnly::joint_branches);
  EXPECT_FALSE(parse_export_only("covered").has_value());
}

// The value of extra attribute `name` on a node, as text ("" when absent).
std::string extra(const ExportSelection& s, const std::string& name, NodeKind kind, Id id) {
  for (const auto& a : s.attributes) {
    if (a.name != name) continue;
    const auto* v = a.find(kind, id);
    if (v == nullptr) return "";
    return a.type == AttrType::string ? v->text : std::to_string(v->integer);
  }
  return "";
}

// tiny-city README: clusters (person,community) {O1 O2 O3 O4 O7 O12} and {O5 O6}.
TEST(ExportSelection, ClustersCarryTheirRank) {
  const OrgGraph g = city_from_csv(tiny_city_files());
  const ExportSelection s = select_for_export(g, query("", ExportOnly::clusters));
  EXPECT_EQ(selected(g, s.orgs, g.org_ids),
            (Ids{"O1", "O2", "O3", "O4", "O5", "O6", "O7", "O12"}));
  for (const char* o : {"O1", "O2", "O3", "O4", "O7", "O12"}) {
    EXPECT_EQ(extra(s, "cluster", NodeKind::org, g.find_org(o)), "1") << o;
    EXPECT_EQ(extra(s, "cluster_size", NodeKind::org, g.find_org(o)), "6") << o;
  }
  EXPECT_EQ(extra(s, "cluster", NodeKind::org, g.find_org("O5")), "2");
  // Inside Bell Street only O5 and O6 are uncovered: one cluster of two.
  const ExportSelection bell = select_for_export(g, query("S2", ExportOnly::clusters));
  EXPECT_EQ(selected(g, bell.orgs, g.org_ids), (Ids{"O5", "O6"}));
  EXPECT_EQ(selected(g, bell.areas, g.area_ids), (Ids{"S2", "K3"}));
}

// tiny-city README: the optimal plan is {O1 O2 O3 O4} in River Street (superior ST1) and
// {O5 O6} (education in East District, superior EDU1); O12 has no feasible group.
TEST(ExportSelection, JointBranchesBecomeProposedBranchNodes) {
  const OrgGraph g = city_from_csv(tiny_city_files());
  const ExportSelection s = select_for_export(g, query("", ExportOnly::joint_branches));
  EXPECT_EQ(selected(g, s.orgs, g.org_ids),
            (Ids{"O1", "O2", "O3", "O4", "O5", "O6", "O12"}));
  ASSERT_EQ(s.proposed_branches.size(), 2u);
  std::set<Ids> groups;
  for (const auto& pb : s.proposed_branches) {
    Ids orgs;
    for (Id o : pb.orgs) orgs.insert(std::string(g.org_ids[o]));
    groups.insert(orgs);
    ASSERT_NE(pb.superior, kNone);
    EXPECT_EQ(g.unit_ids[pb.superior], orgs.size() == 4 ? "ST1" : "EDU1");
    EXPECT_EQ(s.units[pb.superior], 1);
  }
  EXPECT_EQ(groups, (std::set<Ids>{{"O1", "O2", "O3", "O4"}, {"O5", "O6"}}));
  EXPECT_EQ(extra(s, "joint_status", NodeKind::org, g.find_org("O12")), "no_feasible_group");
  EXPECT_EQ(extra(s, "joint_status", NodeKind::org, g.find_org("O3")), "grouped");
  const Id four = s.proposed_branches[0].orgs.size() == 4 ? 0 : 1;
  EXPECT_EQ(extra(s, "joint_group", NodeKind::org, g.find_org("O3")),
            s.proposed_branches[four].id);
  EXPECT_EQ(extra(s, "basis", NodeKind::proposed_branch, four), "street");
  EXPECT_EQ(extra(s, "cost", NodeKind::proposed_branch, four), "2");
}

// tiny-city expected.json "gaps": every subject carries its code.
TEST(ExportSelection, GapsMarkEveryNamedEntity) {
  const OrgGraph g = city_from_csv(tiny_city_files());
  const ExportSelection s = select_for_export(g, query("", ExportOnly::gaps));
  const auto codes = [&](NodeKind k, Id id) { return extra(s, "gaps", k, id); };
  const auto has = [](const std::string& list, const std::string& code) {
    return (";" + list + ";").find(";" + code + ";") != std::string::npos;
  };
  EXPECT_TRUE(has(codes(NodeKind::unit, g.find_unit("CUL2")), "broken_chain"));
  EXPECT_TRUE(has(codes(NodeKind::unit, g.find_unit("LOOP")), "supervision_cycle"));
  EXPECT_TRUE(has(codes(NodeKind::person, g.find_person("P13")), "duplicate_relation"));
  EXPECT_TRUE(has(codes(NodeKind::branch, g.find_branch("B3")), "inactive_coverage"));
  EXPECT_TRUE(has(codes(NodeKind::branch, g.find_branch("B3")), "multiple_superiors"));
  EXPECT_TRUE(has(codes(NodeKind::branch, g.find_branch("B4")), "orphan_branch"));
  for (const char* o : {"O2", "O3", "O4", "O7"}) {
    EXPECT_TRUE(has(codes(NodeKind::org, g.find_org(o)), "no_responsible_unit")) << o;
  }
  for (const char* b : {"B1", "B2"}) {
    EXPECT_TRUE(has(codes(NodeKind::branch, g.find_branch(b)), "level_mismatch")) << b;
  }
  EXPECT_EQ(extra(s, "gap_severity", NodeKind::branch, g.find_branch("B4")), "error");
  // B3's superiors are involved, not at fault.
  EXPECT_TRUE(has(extra(s, "gap_related", NodeKind::unit, g.find_unit("EDU1")),
                  "multiple_superiors"));
  EXPECT_EQ(codes(NodeKind::unit, g.find_unit("EDU1")), "");
  // The person at fault is a node (by id) even without --include-people; nobody else is.
  EXPECT_EQ(selected(g, s.people, g.person_ids), Ids{"P13"});
  // Inside Lake Town: B1 covers O8 there; the cycle and CUL2 (West District units) are not.
  const ExportSelection lake = select_for_export(g, query("S3", ExportOnly::gaps));
  EXPECT_EQ(selected(g, lake.branches, g.branch_ids), Ids{"B1"});
  EXPECT_EQ(lake.units[g.find_unit("LOOP")], 0);
}

// ---- A synthetic city big enough for several blocks and threads ------------------------------

std::map<std::string, std::string> synthetic_city(int orgs, unsigned seed) {
  std::mt19937 rnd(seed);
  std::string areas = "id,name,level,parent_id,lat,lon\nC,City,city,,,\n";
  std::string units = "id,name,line,level,area_id,industry\nORG,Org dept,organization,city,C,\n";
  std::vector<std::string> places;
  for (int d = 0; d < 3; ++d) {
    const std::string did = "D" + std::to_string(d);
    areas += did + ",District " + did + ",district,C,,\n";
    for (int s = 0; s < 3 + d; ++s) {
      const std::string sid = did + "S" + std::to_string(s);
      areas += sid + ",Street & " + sid + ",street," + did + ",,\n";
      units += "U" + sid + ",Street unit,community,street," + sid + ",\n";
      places.push_back(sid);
      for (int k = 0; k < 1 + (s * 7 + d) % 6; ++k) {
        const std::string kid = sid + "K" + std::to_string(k);
        areas += kid + ",\"Community, \"\"" + kid + "\"\"\",community," + sid + ",,\n";
        places.push_back(kid);
      }
    }
  }
  std::string o = "id,name,kind,industry,registration_level,area_id,status,staff_count\n";
  std::string people = "id,name,party_status\n", aff = "person_id,org_id,role\n";
  std::string branches = "id,name,form\n", cov = "branch_id,org_id\n";
  std::string rel = "person_id,branch_id\n";
  std::string sup = "superior_unit_id,subordinate_kind,subordinate_id\n";
  int person = 0;
  for (int i = 0; i < orgs; ++i) {
    const std::string oid = "O" + std::to_string(i);
    const std::string& place = places[rnd() % places.size()];
    o += oid + ",Org <" + std::to_string(i) + ">,social_group,ind" + std::to_string(rnd() % 4) +
         ",district," + place + "," + (rnd() % 20 == 0 ? "suspended" : "active") + ",3\n";
    const int staff = static_cast<int>(rnd() % 5);
    for (int k = 0; k < staff; ++k, ++person) {
      const std::string pid = "P" + std::to_string(person);
      people += pid + ",Name " + pid + "," + (rnd() % 3 == 0 ? "full" : "none") + "\n";
      aff += pid + "," + oid + ",staff\n";
      if (k == 0 && i > 0) aff += pid + ",O" + std::to_string(rnd() % i) + ",member\n";
    }
    if (rnd() % 3 == 0) {
      const std::string bid = "B" + std::to_string(i);
      branches += bid + ",Branch,branch\n";
      cov += bid + "," + oid + "\n";
      if (person > 0) rel += "P" + std::to_string(rnd() % person) + "," + bid + "\n";
      if (rnd() % 4 != 0) sup += "U" + place.substr(0, 4) + ",branch," + bid + "\n";
    }
  }
  branches += "LOOSE,Loose branch,temporary_branch\n";
  people += "LONER,Nobody,full\n";
  return {{"areas.csv", areas},     {"units.csv", units},
          {"organizations.csv", o}, {"people.csv", people},
          {"affiliations.csv", aff}, {"branches.csv", branches},
          {"branch_coverage.csv", cov}, {"party_relations.csv", rel},
          {"supervision.csv", sup}};
}

const OrgGraph& big_city() {
  static const OrgGraph g = city_from_csv(synthetic_city(6000, 5));
  return g;
}

bool same(const std::vector<Point>& a, const std::vector<Point>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::memcmp(&a[i], &b[i], sizeof(Point)) != 0) return false;
  }
  return true;
}

TEST(ExportLayout, PositionsDoNotDependOnThreads) {
  const OrgGraph& g = big_city();
  par::set_threads(1);
  const Layout one = compute_layout(g, with_people());
  for (int t : {2, 8}) {
    par::set_threads(t);
    const Layout many = compute_layout(g, with_people());
    EXPECT_TRUE(same(one.areas, many.areas)) << t;
    EXPECT_TRUE(same(one.units, many.units)) << t;
    EXPECT_TRUE(same(one.orgs, many.orgs)) << t;
    EXPECT_TRUE(same(one.branches, many.branches)) << t;
    EXPECT_TRUE(same(one.people, many.people)) << t;
  }
  par::set_threads(0);
}

double distance(Point a, Point b) { return std::hypot(a.x - b.x, a.y - b.y); }

TEST(ExportLayout, EveryNodeIsPlacedAndOrgsDoNotOverlap) {
  const OrgGraph& g = big_city();
  const Layout l = compute_layout(g, with_people());
  for (const auto* v : {&l.areas, &l.units, &l.orgs, &l.branches, &l.people}) {
    for (Point p : *v) ASSERT_TRUE(std::isfinite(p.x) && std::isfinite(p.y));
  }
  // Units and orgs (the spiral items) keep apart, across areas too: the discs do not overlap.
  std::vector<Point> items(l.orgs);
  items.insert(items.end(), l.units.begin(), l.units.end());
  std::sort(items.begin(), items.end(), [](Point a, Point b) { return a.x < b.x; });
  double closest = 1e30;
  for (std::size_t i = 0; i < items.size(); ++i) {
    for (std::size_t j = i + 1; j < items.size() && items[j].x - items[i].x < closest; ++j) {
      closest = std::min(closest, distance(items[i], items[j]));
    }
  }
  EXPECT_GT(closest, 0.5 * l.spacing);
  // A branch sits next to the org it covers; people next to their first org.
  for (Id b = 0; b < g.branches.size(); ++b) {
    if (g.branch_orgs.degree(b) == 1) {
      EXPECT_LT(distance(l.branches[b], l.orgs[g.branch_orgs[b][0]]), l.spacing);
    }
  }
  for (Id p = 0; p < g.people.size(); ++p) {
    if (g.person_orgs.degree(p) > 0) {
      EXPECT_LT(distance(l.people[p], l.orgs[g.person_orgs[p][0]]), 2 * l.spacing);
    }
  }
}

TEST(ExportLayout, ChildAreasSurroundTheirParent) {
  const OrgGraph& g = big_city();
  const Layout l = compute_layout(g);
  for (Id a = 0; a < g.areas.size(); ++a) {
    const auto kids = g.area_children[a];
    for (std::size_t i = 0; i < kids.size(); ++i) {
      EXPECT_GT(distance(l.areas[kids[i]], l.areas[a]), l.spacing);
      for (std::size_t j = i + 1; j < kids.size(); ++j) {
        EXPECT_GT(distance(l.areas[kids[i]], l.areas[kids[j]]), l.spacing);
      }
    }
  }
}

// ---- Writers ---------------------------------------------------------------------------------

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  EXPECT_FALSE(d.HasParseError()) << text.substr(0, 200);
  return d;
}

TEST(ExportWriter, OutputDoesNotDependOnThreadsInAnyFormat) {
  const OrgGraph& g = big_city();
  ExportSelection s = select_for_export(g, query("", ExportOnly::all, true));
  const Layout l = compute_layout(g, with_people());
  for (int f = 0; f < 6; ++f) {
    const auto format = static_cast<ExportFormat>(f);
    par::set_threads(1);
    const std::string one = export_to_string(g, s, l, format);
    for (int t : {2, 8}) {
      par::set_threads(t);
      EXPECT_EQ(export_to_string(g, s, l, format), one) << to_string(format) << " at " << t;
    }
  }
  par::set_threads(0);
}

TEST(ExportWriter, StreamsInPiecesAndCountsWhatItWrote) {
  const OrgGraph& g = big_city();
  const ExportSelection s = select_for_export(g, query("", ExportOnly::all, true));
  const Layout l = compute_layout(g, with_people());
  std::size_t pieces = 0, largest = 0, total = 0;
  const ExportCounts counts =
      write_export(g, s, l, ExportFormat::graphology, {}, [&](std::string_view piece) {
        ++pieces;
        largest = std::max(largest, piece.size());
        total += piece.size();
      });
  EXPECT_GT(pieces, 10u);
  EXPECT_LT(largest, total / 4);
  EXPECT_EQ(counts.bytes, total);
  EXPECT_EQ(counts.nodes, g.areas.size() + g.units.size() + g.orgs.size() + g.branches.size() +
                              g.people.size());
}

TEST(ExportWriter, EdgeIdsAreStableAcrossSelections) {
  const OrgGraph g = city_from_csv(tiny_city_files());
  const Layout l = compute_layout(g);
  const auto edge_ids = [&](const ExportSelection& s) {
    std::map<std::string, std::string> ids;  // "source>target>rel" -> id
    const auto d = parse(export_to_string(g, s, l, ExportFormat::node_link));
    for (const auto& e : d["links"].GetArray()) {
      ids[std::string(e["source"].GetString()) + ">" + e["target"].GetString() + ">" +
          e["rel"].GetString()] = e["key"].GetString();
    }
    return ids;
  };
  const auto whole = edge_ids(select_for_export(g, {}));
  const auto area = edge_ids(select_for_export(g, query("S1")));
  ASSERT_FALSE(area.empty());
  for (const auto& [edge, id] : area) EXPECT_EQ(whole.at(edge), id) << edge;
}

TEST(ExportWriter, QueryResultsAddNodesEdgesAndAttributes) {
  const OrgGraph g = city_from_csv(tiny_city_files());
  ExportSelection s = select_for_export(g, query("S1"));
  ProposedBranch pb;
  pb.id = "J1";
  pb.label = "Joint branch <River Street>";
  pb.orgs = {g.find_org("O1"), g.find_org("O2"), g.find_org("O3"), g.find_org("O4")};
  pb.superior = g.find_unit("ST1");
  s.proposed_branches.push_back(pb);
  ExtraAttribute cluster{"cluster", AttrType::integer, {}};
  for (const char* o : {"O4", "O1"}) cluster.values.push_back(value(NodeKind::org, g.find_org(o), 7));
  cluster.sort_values();
  ExtraAttribute full{"full_members", AttrType::integer, {}};  // a built-in column, reused
  full.values.push_back(value(NodeKind::proposed_branch, 0, 4));
  ExtraAttribute basis{"basis", AttrType::string, {}};
  basis.values.push_back(value(NodeKind::proposed_branch, 0, 0, "street"));
  s.attributes = {cluster, full, basis};
  const Layout l = compute_layout(g);

  const auto d = parse(export_to_string(g, s, l, ExportFormat::graphology));
  int proposes = 0, would = 0;
  for (const auto& e : d["edges"].GetArray()) {
    const std::string rel = e["attributes"]["rel"].GetString();
    proposes += rel == "proposes" ? 1 : 0;
    if (rel == "would_supervise") {
      ++would;
      EXPECT_STREQ(e["source"].GetString(), "unit:ST1");
      EXPECT_STREQ(e["target"].GetString(), "proposed_branch:J1");
    }
  }
  EXPECT_EQ(proposes, 4);
  EXPECT_EQ(would, 1);
  bool seen_branch = false;
  for (const auto& n : d["nodes"].GetArray()) {
    const std::string key = n["key"].GetString();
    const auto& a = n["attributes"];
    if (key == "proposed_branch:J1") {
      seen_branch = true;
      EXPECT_STREQ(a["kind"].GetString(), "proposed_branch");
      EXPECT_STREQ(a["label"].GetString(), "Joint branch <River Street>");
      EXPECT_TRUE(a["full_members"].IsInt() && a["full_members"].GetInt() == 4);
      EXPECT_STREQ(a["basis"].GetString(), "street");
    } else if (key == "org:O1" || key == "org:O4") {
      EXPECT_TRUE(a["cluster"].IsInt() && a["cluster"].GetInt() == 7) << key;
    } else {
      EXPECT_FALSE(a.HasMember("cluster")) << key;
    }
  }
  EXPECT_TRUE(seen_branch);
  // GEXF and GraphML declare the extra columns with their types.
  const std::string gexf = export_to_string(g, s, l, ExportFormat::gexf);
  EXPECT_NE(gexf.find(R"(<attribute id="cluster" title="cluster" type="integer"/>)"),
            std::string::npos);
  const std::string graphml = export_to_string(g, s, l, ExportFormat::graphml);
  EXPECT_NE(graphml.find(R"(attr.name="basis" attr.type="string")"), std::string::npos);
}

TEST(ExportWriter, RejectsSelectionsThatDoNotFit) {
  const OrgGraph g = city_from_csv(tiny_city_files());
  const Layout l = compute_layout(g);
  ExportSelection s = select_for_export(g, {});
  s.orgs.pop_back();
  EXPECT_THROW(export_to_string(g, s, l, ExportFormat::jgf), std::invalid_argument);
  ExportSelection clash = select_for_export(g, {});
  clash.attributes.push_back({"covered", AttrType::string, {}});
  EXPECT_THROW(export_to_string(g, clash, l, ExportFormat::jgf), std::invalid_argument);
  ExportSelection reserved = select_for_export(g, {});
  reserved.attributes.push_back({"x", AttrType::real, {}});
  EXPECT_THROW(export_to_string(g, reserved, l, ExportFormat::jgf), std::invalid_argument);
  ExportSelection people = select_for_export(g, query("", ExportOnly::all, true));
  EXPECT_THROW(export_to_string(g, people, l, ExportFormat::jgf), std::invalid_argument);
}

// The batch computes the area counts once for its four files: given or computed, the same
// output; counts of another graph are refused.
TEST(ExportWriter, AreaCountsGivenOrComputedGiveTheSameOutput) {
  const OrgGraph g = city_from_csv(tiny_city_files());
  const Layout l = compute_layout(g);
  const ExportSelection s = select_for_export(g, {});
  const std::vector<AreaOrgCounts> counts = area_org_counts(g);
  ExportWriteOptions given;
  given.area_counts = &counts;
  for (ExportFormat f : {ExportFormat::gexf, ExportFormat::cytoscape, ExportFormat::graphml}) {
    EXPECT_EQ(export_to_string(g, s, l, f, given), export_to_string(g, s, l, f)) << to_string(f);
  }
  const std::vector<AreaOrgCounts> zeros(g.areas.size());
  ExportWriteOptions wrong;
  wrong.area_counts = &zeros;  // the counts given are the ones written
  EXPECT_NE(export_to_string(g, s, l, ExportFormat::gexf, wrong),
            export_to_string(g, s, l, ExportFormat::gexf));
  const std::vector<AreaOrgCounts> short_counts(g.areas.size() - 1);
  wrong.area_counts = &short_counts;
  EXPECT_THROW(export_to_string(g, s, l, ExportFormat::gexf, wrong), std::invalid_argument);
}

TEST(ExportWriter, PeopleNamesOnlyWithIncludeNames) {
  const OrgGraph g = city_from_csv(tiny_city_files());
  const ExportSelection s = select_for_export(g, query("", ExportOnly::all, true));
  const Layout l = compute_layout(g, with_people());
  for (int f = 0; f < 6; ++f) {
    const auto format = static_cast<ExportFormat>(f);
    const std::string hidden = export_to_string(g, s, l, format);
    ExportWriteOptions names;
    names.include_names = true;
    const std::string shown = export_to_string(g, s, l, format, names);
    for (Id p = 0; p < g.people.size(); ++p) {
      EXPECT_EQ(hidden.find(g.person_names[p]), std::string::npos) << to_string(format);
      EXPECT_NE(shown.find(g.person_names[p]), std::string::npos) << to_string(format);
    }
  }
}

}  // namespace
}  // namespace orgraph

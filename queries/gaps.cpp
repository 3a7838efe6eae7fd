// Responsibility-gap audit.
//
// What: every gap of contracts.md section 4 (orphan_branch ... duplicate_relation, with the
// severities given there) and seven more drawn from domain.md (territory_mismatch,
// industry_mismatch, should_build_branch, empty_branch, form_mismatch, overloaded_unit,
// instructor_only). docs/gaps.md lists each code with its rule and an example.
//
// Method:
// - Supervision cycles: strongly connected components of the unit -> sub-unit graph (BGL
//   strong_components, Tarjan, on a compressed_sparse_row_graph built from
//   g.unit_sub_units); a cycle is a component of more than one unit, or a self-loop.
// - Chain completeness (contracts.md section 2: some path of superiors reaches an
//   organization-line city unit): one BFS down unit_sub_units from those units marks every unit
//   whose chain is complete. A unit in a cycle is reported as supervision_cycle only; a unit
//   below a cycle with no other path to the top is a broken_chain whose chain "ends in" the
//   cycle. Where a broken chain ends is found by a second pass: BFS from every end (a unit
//   without superior, or a cycle without path to the top) in increasing order of the end's
//   smallest unit index, each claiming the units it reaches first, so each unit gets the
//   smallest end above it (linear, no per-unit walks).
// - Per-entity rules run over branches, orgs, people and units in fixed blocks (par::for_range)
//   into per-block vectors joined in block order; the result is sorted by severity, code and
//   entity keys, so it is the same at any thread count.
// - Suggestions name the unit that should take over: a unit with a complete chain, outside any
//   cycle, whose area contains every organization involved, at a level not below their
//   registration level (else the suggestion would itself be a level_mismatch), of their
//   industry when it is on the industry line; nearest level first, then community, industry,
//   civil-affairs line.
//
// Sources: contracts.md sections 2 and 4; domain.md "Rules the engine must know" (3 full
// members for a branch, at most 50 members per branch, 50-100 a general branch, 100+ a
// committee, joint branches of at most 5 units, one clear superior along three lines ending at
// the organization department).
#include "queries/gaps.hpp"

#include <algorithm>
#include <array>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/strong_components.hpp>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <map>
#include <span>
#include <stdexcept>
#include <tuple>

#include "engine/fresh_vector.hpp"
#include "engine/parallel.hpp"

namespace orgraph {

namespace {

// The pieces joined into one string, allocated once: formatting a nation's gaps builds millions
// of messages, and every allocation takes the one malloc arena's lock that both threads share.
std::string concat(std::initializer_list<std::string_view> pieces) {
  std::size_t size = 0;
  for (std::string_view p : pieces) size += p.size();
  std::string s;
  s.reserve(size);
  for (std::string_view p : pieces) s.append(p);
  return s;
}

constexpr std::array<std::string_view, kGapCodeCount> kCodeNames{
    "orphan_branch",      "multiple_superiors",    "supervision_cycle",   "broken_chain",
    "level_mismatch",     "jurisdiction_mismatch", "no_responsible_unit", "undersized_branch",
    "oversized_branch",   "joint_branch_too_wide", "inactive_coverage",   "duplicate_relation",
    "territory_mismatch", "industry_mismatch",     "should_build_branch", "empty_branch",
    "form_mismatch",      "overloaded_unit",       "instructor_only",
};

constexpr std::array<Severity, kGapCodeCount> kCodeSeverity{
    Severity::error,   Severity::error, Severity::error,   Severity::error,   Severity::warning,
    Severity::warning, Severity::error, Severity::warning, Severity::warning, Severity::warning,
    Severity::warning, Severity::error, Severity::warning, Severity::info,    Severity::warning,
    Severity::warning, Severity::info,  Severity::info,    Severity::info,
};

constexpr std::array<std::string_view, 3> kSeverityNames{"error", "warning", "info"};

// ---------------------------------------------------------------------------------------------
// Facts about the unit supervision graph, computed by the fast path or the reference.
struct Supervision {
  std::vector<std::uint8_t> complete;   // the superior chain reaches an organization-line city unit
  std::vector<Id> cycle_of;             // index into cycles, kNone when not in a cycle
  std::vector<std::vector<Id>> cycles;  // units of each cycle (any order)
  std::vector<Id> cycle_key;            // smallest unit index of each cycle
  // For a broken unit (not complete, not in a cycle): the end of its chain, as a unit index:
  // a unit without superiors, or the smallest unit index of a cycle (cycle_of tells which).
  std::vector<Id> chain_end;
};

// "1 full member", "3 full members".
std::string counted(std::uint64_t n, std::string_view noun) {
  return std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

bool is_top_unit(const OrgGraph& g, Id u) {
  return g.units[u].line == UnitLine::organization && g.units[u].level == AreaLevel::city;
}

bool has_self_loop(const OrgGraph& g, Id u) {
  const auto subs = g.unit_sub_units[u];
  return std::binary_search(subs.begin(), subs.end(), u);
}

void finish_cycles(Supervision& s) {
  s.cycle_key.assign(s.cycles.size(), kNone);
  for (std::size_t c = 0; c < s.cycles.size(); ++c) {
    s.cycle_key[c] = *std::min_element(s.cycles[c].begin(), s.cycles[c].end());
  }
}

// Fast path: strong components + two linear BFS passes.
Supervision analyse_supervision(const OrgGraph& g) {
  using UnitGraph =
      boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, boost::no_property,
                                         boost::no_property, std::uint32_t, std::uint32_t>;
  const std::size_t n = g.units.size();
  Supervision s;
  s.complete.assign(n, 0);
  s.cycle_of.assign(n, kNone);
  s.chain_end.assign(n, kNone);
  if (n == 0) return s;

  std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
  edges.reserve(g.unit_sub_units.entries());
  for (Id u = 0; u < n; ++u) {
    for (Id v : g.unit_sub_units[u]) edges.emplace_back(u, v);
  }
  const UnitGraph graph(boost::edges_are_sorted, edges.begin(), edges.end(),
                        static_cast<std::uint32_t>(n));
  std::vector<std::uint32_t> component(n);
  const std::uint32_t components = boost::strong_components(
      graph,
      boost::make_iterator_property_map(component.begin(), boost::get(boost::vertex_index, graph)));
  std::vector<std::uint32_t> size(components, 0);
  for (Id u = 0; u < n; ++u) ++size[component[u]];
  // Cycles numbered in order of their smallest unit (units are visited in index order).
  std::vector<Id> cycle_of_component(components, kNone);
  for (Id u = 0; u < n; ++u) {
    const std::uint32_t c = component[u];
    if (size[c] < 2 && !has_self_loop(g, u)) continue;
    if (cycle_of_component[c] == kNone) {
      cycle_of_component[c] = static_cast<Id>(s.cycles.size());
      s.cycles.emplace_back();
    }
    s.cycle_of[u] = cycle_of_component[c];
    s.cycles[cycle_of_component[c]].push_back(u);
  }
  finish_cycles(s);

  // Reverse BFS from the organization-line city units.
  std::vector<Id> queue;
  queue.reserve(n);
  for (Id u = 0; u < n; ++u) {
    if (is_top_unit(g, u)) {
      s.complete[u] = 1;
      queue.push_back(u);
    }
  }
  for (std::size_t head = 0; head < queue.size(); ++head) {
    for (Id v : g.unit_sub_units[queue[head]]) {
      if (!s.complete[v]) {
        s.complete[v] = 1;
        queue.push_back(v);
      }
    }
  }

  // Ends of broken chains: roots without superiors and cycles without a path to the top, in
  // increasing key order; each BFS claims the broken units it reaches first.
  std::vector<std::pair<Id, Id>> ends;  // (key, cycle index or kNone)
  for (Id u = 0; u < n; ++u) {
    if (!s.complete[u] && s.cycle_of[u] == kNone && g.unit_superiors.degree(u) == 0) {
      ends.emplace_back(u, kNone);
    }
  }
  for (Id c = 0; c < s.cycles.size(); ++c) {
    if (!s.complete[s.cycles[c][0]]) ends.emplace_back(s.cycle_key[c], c);
  }
  std::sort(ends.begin(), ends.end());
  for (const auto& [key, cycle] : ends) {
    queue.clear();
    if (cycle == kNone) {
      s.chain_end[key] = key;
      queue.push_back(key);
    } else {
      queue = s.cycles[cycle];
    }
    for (std::size_t head = 0; head < queue.size(); ++head) {
      for (Id v : g.unit_sub_units[queue[head]]) {
        if (s.complete[v] || s.cycle_of[v] != kNone || s.chain_end[v] != kNone) continue;
        s.chain_end[v] = key;
        queue.push_back(v);
      }
    }
  }
  return s;
}

// Reference: per-unit searches over superiors, quadratic.
Supervision analyse_supervision_reference(const OrgGraph& g) {
  const std::size_t n = g.units.size();
  Supervision s;
  s.complete.assign(n, 0);
  s.cycle_of.assign(n, kNone);
  s.chain_end.assign(n, kNone);
  // up[u][v]: v is reachable from u by one or more steps to a superior.
  std::vector<std::vector<std::uint8_t>> up(n, std::vector<std::uint8_t>(n, 0));
  std::vector<Id> stack;
  for (Id u = 0; u < n; ++u) {
    stack.assign(g.unit_superiors[u].begin(), g.unit_superiors[u].end());
    while (!stack.empty()) {
      const Id v = stack.back();
      stack.pop_back();
      if (up[u][v]) continue;
      up[u][v] = 1;
      for (Id w : g.unit_superiors[v]) stack.push_back(w);
    }
  }
  for (Id u = 0; u < n; ++u) {
    bool complete = is_top_unit(g, u);
    for (Id v = 0; v < n && !complete; ++v) complete = up[u][v] && is_top_unit(g, v);
    s.complete[u] = complete ? 1 : 0;
  }
  for (Id u = 0; u < n; ++u) {
    if (!up[u][u] || s.cycle_of[u] != kNone) continue;
    const Id c = static_cast<Id>(s.cycles.size());
    s.cycles.emplace_back();
    for (Id v = 0; v < n; ++v) {
      if (v == u || (up[u][v] && up[v][u])) {
        s.cycle_of[v] = c;
        s.cycles[c].push_back(v);
      }
    }
  }
  finish_cycles(s);
  for (Id u = 0; u < n; ++u) {
    if (s.complete[u] || s.cycle_of[u] != kNone) continue;
    Id best = kNone;
    std::vector<std::uint8_t> seen(n, 0);
    stack.assign(1, u);
    while (!stack.empty()) {
      const Id v = stack.back();
      stack.pop_back();
      if (seen[v]) continue;
      seen[v] = 1;
      Id end = kNone;
      if (s.cycle_of[v] != kNone) {
        end = s.cycle_key[s.cycle_of[v]];
      } else if (g.unit_superiors.degree(v) == 0) {
        end = v;
      } else {
        for (Id w : g.unit_superiors[v]) stack.push_back(w);
      }
      if (end != kNone) best = std::min(best, end);
    }
    s.chain_end[u] = best;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Rule checks shared by both paths. Each gap comes from one check on one entity (its source):
// a supervision cycle, a unit's load, a unit, a branch, an organization or a person.
enum class GapSource : std::uint8_t { cycle, overload, unit, branch, org, person };

class Auditor {
 public:
  Auditor(const OrgGraph& g, const GapOptions& o, const Supervision& s)
      : g_(g), o_(o), s_(s), area_district_(g.areas.size(), kNone) {
    for (Id a = 0; a < g.areas.size(); ++a) {
      for (Id x = a; x != kNone; x = g.areas[x].parent) {
        if (g.areas[x].level == AreaLevel::district) {
          area_district_[a] = x;
          break;
        }
      }
    }
    if (want(GapCode::overloaded_unit)) {  // peers: units of the same line and level
      std::array<std::vector<std::uint32_t>, 16> counts;
      for (Id u = 0; u < g.units.size(); ++u) {
        counts[peer_group(u)].push_back(g.unit_sub_branches.degree(u));
      }
      for (std::size_t k = 0; k < counts.size(); ++k) {
        auto& c = counts[k];
        peers_[k] = static_cast<std::uint32_t>(c.size());
        if (c.empty()) continue;
        std::sort(c.begin(), c.end());
        median_[k] = c[(c.size() - 1) / 2];
      }
    }
  }

  bool want(GapCode c) const { return severity_of(c) <= o_.min_severity; }

  void check_branch(Id b, std::vector<Gap>& out) const;
  // A gap's district as its reports name it: the area id, or "none".
  std::string_view district_id(Id district) const {
    return district == kNone ? std::string_view("none") : g_.area_ids[district];
  }
  // The codes the org check can find, in the order it writes them.
  static constexpr std::array<GapCode, 3> kOrgCodes = {
      GapCode::no_responsible_unit, GapCode::should_build_branch, GapCode::instructor_only};
  // Which gaps the org check finds on org o: bit k for kOrgCodes[k], 0 when the org is covered.
  // The audit keeps only the codes of the org check's gaps (98% of a nation's): their subject
  // is the org and their district the org's, so it builds no Gap, and allocates nothing, for them.
  unsigned org_findings(Id o) const;
  void check_org(Id o, std::vector<Gap>& out) const;
  void check_person(Id p, std::vector<Gap>& out) const;
  void check_unit(Id u, std::vector<Gap>& out) const;
  void check_cycle(Id c, std::vector<Gap>& out) const;
  void check_overload(Id u, std::vector<Gap>& out) const;
  // The checks one entity is audited by, in the order the gaps' "sources" are numbered.
  void check(GapSource source, Id i, std::vector<Gap>& out) const {
    switch (source) {
      case GapSource::cycle:
        return check_cycle(i, out);
      case GapSource::overload:
        return check_overload(i, out);
      case GapSource::unit:
        return check_unit(i, out);
      case GapSource::branch:
        return check_branch(i, out);
      case GapSource::org:
        return check_org(i, out);
      case GapSource::person:
        return check_person(i, out);
    }
  }
  // How many entities a source checks.
  std::size_t source_size(GapSource source) const {
    switch (source) {
      case GapSource::cycle:
        return s_.cycles.size();
      case GapSource::overload:
      case GapSource::unit:
        return g_.units.size();
      case GapSource::branch:
        return g_.branches.size();
      case GapSource::org:
        return g_.orgs.size();
      case GapSource::person:
        return g_.people.size();
    }
    return 0;
  }

 private:
  // Labels used in messages: "ID (Name)", or the id alone when the name is empty.
  std::string labelled(std::string_view id, std::string_view name) const {
    return name.empty() ? std::string(id) : concat({id, " (", name, ")"});
  }
  std::string unit_label(Id u) const { return labelled(g_.unit_ids[u], g_.unit_names[u]); }
  std::string org_label(Id o) const { return labelled(g_.org_ids[o], g_.org_names[o]); }
  std::string branch_label(Id b) const { return labelled(g_.branch_ids[b], g_.branch_names[b]); }
  std::string area_label(Id a) const {
    if (a == kNone) return "no area";
    return labelled(g_.area_ids[a], g_.area_names[a]);
  }
  std::string unit_desc(Id u) const {  // "ST1 (River Street ..., community line, street level)"
    const Unit& unit = g_.units[u];
    const std::string_view name = g_.unit_names[u];
    return concat({g_.unit_ids[u], " (", name, name.empty() ? "" : ", ", to_string(unit.line),
                   " line, ", to_string(unit.level), " level)"});
  }
  std::string org_list(std::span<const Id> orgs) const {
    if (orgs.size() == 1) return org_label(orgs[0]);  // most lists: no second string
    std::string s;
    for (std::size_t i = 0; i < orgs.size(); ++i) {
      if (i > 0) s += ", ";
      s += org_label(orgs[i]);
    }
    return s;
  }
  std::string unit_list(std::span<const Id> units) const {
    if (units.size() == 1) return unit_label(units[0]);  // most lists: no second string
    std::string s;
    for (std::size_t i = 0; i < units.size(); ++i) {
      if (i > 0) s += ", ";
      s += unit_label(units[i]);
    }
    return s;
  }

  static std::string key(std::string_view kind, std::string_view id) { return node_key(kind, id); }
  std::string unit_key(Id u) const { return key("unit", g_.unit_ids[u]); }
  std::string org_key(Id o) const { return key("org", g_.org_ids[o]); }
  std::string branch_key(Id b) const { return key("branch", g_.branch_ids[b]); }
  std::string person_key(Id p) const { return key("person", g_.person_ids[p]); }

  // Subject first, then the others in the order given (callers list superiors, then orgs,
  // each sorted by id).
  static std::vector<std::string> entities(std::string subject, std::vector<std::string> rest) {
    std::vector<std::string> all;
    all.reserve(rest.size() + 1);
    all.push_back(std::move(subject));
    for (auto& r : rest) all.push_back(std::move(r));
    return all;
  }

  void emit(std::vector<Gap>& out, GapCode code, std::vector<std::string> ents, std::string message,
            std::string suggestion, Id district) const {
    Gap gap;
    gap.code = code;
    gap.severity = severity_of(code);
    gap.entities = std::move(ents);
    gap.message = std::move(message);
    gap.suggestion = std::move(suggestion);
    gap.district = std::string(district_id(district));
    out.push_back(std::move(gap));
  }

  bool usable(Id u) const { return s_.complete[u] && s_.cycle_of[u] == kNone; }

  // Covered orgs that matter for a superior: those not deregistered (all when none is left).
  std::vector<Id> live_orgs(Id b) const {
    std::vector<Id> live;
    for (Id o : g_.branch_orgs[b]) {
      if (g_.orgs[o].status != OrgStatus::deregistered) live.push_back(o);
    }
    if (live.empty()) live.assign(g_.branch_orgs[b].begin(), g_.branch_orgs[b].end());
    return live;
  }

  // Does unit u fit as the superior of a party organization covering `orgs`?
  bool fits_orgs(Id u, std::span<const Id> orgs) const {
    const Unit& unit = g_.units[u];
    if (unit.line == UnitLine::organization) return false;
    for (Id o : orgs) {
      const Org& org = g_.orgs[o];
      if (is_above(org.registration_level, unit.level)) return false;
      if (unit.line == UnitLine::industry && unit.industry != org.industry) return false;
      if (!g_.area_contains(unit.area, org.area)) return false;
    }
    return true;
  }
  // Rank among fitting superiors of a branch: nearest level, then line, then id.
  auto orgs_rank(Id u) const {
    const Unit& unit = g_.units[u];
    int line_rank = unit.line == UnitLine::community ? 0 : unit.line == UnitLine::industry ? 1 : 2;
    return std::make_tuple(-static_cast<int>(unit.level), line_rank, g_.unit_ids[u]);
  }
  // The unit that should supervise a party organization covering `orgs` (kNone when none).
  Id best_superior_for_orgs(std::span<const Id> orgs) const {
    if (orgs.empty()) return kNone;
    Id best = kNone;
    for (Id a = g_.orgs[orgs[0]].area; a != kNone; a = g_.areas[a].parent) {
      for (Id u : g_.area_units[a]) {
        if (!usable(u) || !fits_orgs(u, orgs)) continue;
        if (best == kNone || orgs_rank(u) < orgs_rank(best)) best = u;
      }
    }
    return best;
  }

  // Line rank of `sup` as superior of unit `u`, or -1 when it does not fit.
  int unit_fit(Id sup, Id u) const {
    if (sup == u) return -1;
    const Unit& a = g_.units[sup];
    const Unit& b = g_.units[u];
    const bool top = a.line == UnitLine::organization && a.level == AreaLevel::city;
    if (!is_above(a.level, b.level) && !(top && !is_top_unit(g_, u))) return -1;
    if (!g_.area_contains(a.area, b.area)) return -1;
    if (a.line == b.line && (a.line != UnitLine::industry || a.industry == b.industry)) return 0;
    if (a.line == UnitLine::civil_affairs && b.line == UnitLine::community) return 1;
    if (a.line == UnitLine::organization) return 2;
    return -1;
  }
  auto unit_rank(Id sup, Id u) const {
    return std::make_tuple(unit_fit(sup, u), -static_cast<int>(g_.units[sup].level),
                           g_.unit_ids[sup]);
  }
  // The unit that should supervise unit u (kNone when none).
  Id best_superior_for_unit(Id u) const {
    Id best = kNone;
    for (Id a = g_.units[u].area; a != kNone; a = g_.areas[a].parent) {
      for (Id c : g_.area_units[a]) {
        if (!usable(c) || unit_fit(c, u) < 0) continue;
        if (best == kNone || unit_rank(c, u) < unit_rank(best, u)) best = c;
      }
    }
    return best;
  }

  // The community-line street unit of a street (kNone when none).
  Id street_committee(Id street) const {
    if (street == kNone) return kNone;
    Id best = kNone;
    for (Id u : g_.area_units[street]) {
      const Unit& unit = g_.units[u];
      if (unit.line != UnitLine::community || unit.level != AreaLevel::street) continue;
      if (best == kNone || std::make_pair(!usable(u), g_.unit_ids[u]) <
                               std::make_pair(!usable(best), g_.unit_ids[best])) {
        best = u;
      }
    }
    return best;
  }

  Id unit_district(Id u) const {
    const Id a = g_.units[u].area;
    return a == kNone ? kNone : area_district_[a];
  }
  // The district most of a branch's organizations lie in (ties: smallest district id).
  Id branch_district(Id b) const {
    const auto orgs = g_.branch_orgs[b];
    Id best = kNone;
    std::size_t best_count = 0;
    for (std::size_t i = 0; i < orgs.size(); ++i) {
      const Id d = g_.orgs[orgs[i]].district;
      if (d == kNone) continue;
      std::size_t count = 0;
      for (Id o : orgs) count += g_.orgs[o].district == d ? 1 : 0;
      if (best == kNone || count > best_count ||
          (count == best_count && g_.area_ids[d] < g_.area_ids[best])) {
        best = d;
        best_count = count;
      }
    }
    return best;
  }

  // Units in the order of their ids, as lists in messages and entities give them.
  auto by_unit_id() const {
    return [this](Id a, Id b) { return g_.unit_ids[a] < g_.unit_ids[b]; };
  }
  void sort_units(std::vector<Id>& units) const {
    std::sort(units.begin(), units.end(), by_unit_id());
  }
  std::string chain_end_text(Id end) const {
    const Id c = s_.cycle_of[end];
    if (c == kNone) return "ends at " + unit_label(end) + ", which has no superior";
    // Every unit below a cycle names it: the first few of its units only, or a long cycle with a
    // long tail below it would repeat the whole cycle in each of the tail's messages.
    std::vector<Id> first(std::min<std::size_t>(s_.cycles[c].size(), kCycleUnitsNamed));
    std::partial_sort_copy(s_.cycles[c].begin(), s_.cycles[c].end(), first.begin(), first.end(),
                           by_unit_id());
    std::string text = "ends in the supervision cycle of " + unit_list(first);
    if (s_.cycles[c].size() > first.size()) {
      text += " and " + std::to_string(s_.cycles[c].size() - first.size()) +
              " more unit(s) (all in its supervision_cycle gap)";
    }
    return text;
  }
  // The cycle's unit a broken chain below it names as an entity: its smallest id.
  Id cycle_first_unit(Id c) const {
    return *std::min_element(s_.cycles[c].begin(), s_.cycles[c].end(), by_unit_id());
  }
  static constexpr std::size_t kCycleUnitsNamed = 3;
  std::string attach_text(Id u) const {
    const Id to = best_superior_for_unit(u);
    if (to == kNone) {
      return "no unit with a complete chain has jurisdiction over " + unit_label(u) +
             "; ask the city organization department to designate its superior";
    }
    return "attach " + unit_label(u) + " to " + unit_desc(to);
  }

  std::size_t peer_group(Id u) const {
    return static_cast<std::size_t>(g_.units[u].line) * 4 +
           static_cast<std::size_t>(g_.units[u].level);
  }

  const OrgGraph& g_;
  const GapOptions& o_;
  const Supervision& s_;
  std::vector<Id> area_district_;
  std::array<std::uint32_t, 16> median_{};  // branches supervised: median of the peer group
  std::array<std::uint32_t, 16> peers_{};   // units in the peer group
};

void Auditor::check_branch(Id b, std::vector<Gap>& out) const {
  const Branch& branch = g_.branches[b];
  const auto orgs = g_.branch_orgs[b];
  const auto sups = g_.branch_superiors[b];
  const Id district = branch_district(b);
  const std::string label = "branch " + branch_label(b);
  std::vector<Id> live;
  auto live_of = [&]() -> const std::vector<Id>& {
    if (live.empty() && !orgs.empty()) live = live_orgs(b);
    return live;
  };
  const bool only_deregistered =
      !orgs.empty() && std::all_of(orgs.begin(), orgs.end(), [&](Id o) {
        return g_.orgs[o].status == OrgStatus::deregistered;
      });
  auto move_text = [&](Id current) {
    if (only_deregistered) {  // no superior to look for: the branch has nothing left to cover
      return std::string(
          "it covers only deregistered organizations: dissolve it and transfer its members' "
          "relations to the branches of their workplaces");
    }
    const Id best = best_superior_for_orgs(live_of());
    if (best == kNone) {
      return std::string(
          "no unit with a complete chain has jurisdiction over all of its organizations at "
          "their registration level; split the branch or ask the city organization department "
          "to designate a superior");
    }
    if (best == current) return "keep " + unit_label(best) + " as its only superior";
    return "put it under " + unit_desc(best) + ", which has jurisdiction over " +
           org_list(live_of());
  };

  if (sups.empty() && want(GapCode::orphan_branch)) {
    std::string msg = label + " has no superior unit";
    std::string sug;
    if (orgs.empty()) {
      msg += " and covers no organization";
      sug =
          "record the organizations it serves in branch_coverage and attach it to their "
          "street's party working committee, or dissolve it and transfer its members' "
          "relations";
    } else {
      msg += "; it covers " + org_list(orgs);
      sug = move_text(kNone);
    }
    emit(out, GapCode::orphan_branch, entities(branch_key(b), {}), std::move(msg), std::move(sug),
         district);
  }

  if (sups.size() > 1 && want(GapCode::multiple_superiors)) {
    std::vector<std::string> rest;
    for (Id u : sups) rest.push_back(unit_key(u));
    std::sort(rest.begin(), rest.end());
    std::vector<Id> sorted(sups.begin(), sups.end());
    sort_units(sorted);
    std::string msg =
        label + " has " + std::to_string(sups.size()) + " superior units: " + unit_list(sorted);
    Id keep = kNone;
    if (!orgs.empty()) {
      for (Id u : sorted) {
        if (!fits_orgs(u, live_of())) continue;
        const auto rank = std::make_tuple(!usable(u), orgs_rank(u));
        if (keep == kNone || rank < std::make_tuple(!usable(keep), orgs_rank(keep))) keep = u;
      }
    }
    std::string sug;
    if (keep != kNone) {
      std::vector<Id> drop;
      for (Id u : sorted) {
        if (u != keep) drop.push_back(u);
      }
      sug = "keep " + unit_desc(keep) +
            ", which matches the line, level and territory of its organizations; remove " +
            unit_list(drop);
    } else if (!orgs.empty()) {
      sug = "none of them matches the line, level and territory of its organizations: " +
            move_text(kNone) + ", and remove the others";
    } else {
      sug = "keep one superior and remove the others";
    }
    emit(out, GapCode::multiple_superiors, entities(branch_key(b), std::move(rest)), std::move(msg),
         std::move(sug), district);
  }

  for (Id u : sups) {
    const Unit& unit = g_.units[u];
    std::vector<Id> below_level, outside, other_industry;
    for (Id o : orgs) {
      const Org& org = g_.orgs[o];
      if (is_above(org.registration_level, unit.level)) below_level.push_back(o);
      if (!g_.area_contains(unit.area, org.area)) outside.push_back(o);
      if (unit.line == UnitLine::industry && unit.industry != kNone &&
          org.industry != unit.industry) {
        other_industry.push_back(o);
      }
    }
    auto ents = [&](const std::vector<Id>& list) {
      std::vector<std::string> rest;
      for (Id o : list) rest.push_back(org_key(o));
      std::sort(rest.begin(), rest.end());
      rest.insert(rest.begin(), unit_key(u));
      return entities(branch_key(b), std::move(rest));
    };
    if (!below_level.empty() && want(GapCode::level_mismatch)) {
      std::string msg = label + " is supervised by " + unit_desc(u) + " but covers ";
      for (std::size_t i = 0; i < below_level.size(); ++i) {
        if (i > 0) msg += ", ";
        msg += org_label(below_level[i]) + ", registered at " +
               std::string(to_string(g_.orgs[below_level[i]].registration_level)) + " level";
      }
      emit(out, GapCode::level_mismatch, ents(below_level), std::move(msg), move_text(u), district);
    }
    if (!outside.empty()) {
      const bool community = unit.line == UnitLine::community;
      const GapCode code = community ? GapCode::jurisdiction_mismatch : GapCode::territory_mismatch;
      if (want(code)) {
        std::string msg = label + " is supervised by " + unit_desc(u) + ", whose area is " +
                          area_label(unit.area) + ", but covers ";
        for (std::size_t i = 0; i < outside.size(); ++i) {
          if (i > 0) msg += ", ";
          msg += org_label(outside[i]) + " located in " + area_label(g_.orgs[outside[i]].area);
        }
        msg += ", outside that area";
        emit(out, code, ents(outside), std::move(msg), move_text(u), district);
      }
    }
    if (!other_industry.empty() && want(GapCode::industry_mismatch)) {
      std::string msg = label + " is supervised by " + unit_desc(u) + " of the " +
                        std::string(g_.industry_names[unit.industry]) + " industry, but covers ";
      for (std::size_t i = 0; i < other_industry.size(); ++i) {
        if (i > 0) msg += ", ";
        msg += org_label(other_industry[i]) + " of the " +
               std::string(g_.industry(other_industry[i])) + " industry";
      }
      emit(out, GapCode::industry_mismatch, ents(other_industry), std::move(msg), move_text(u),
           district);
    }
  }

  // Party relations: full and party members of the branch.
  std::uint32_t full = 0, party = 0;
  for (Id p : g_.branch_people[b]) {
    const PartyStatus st = g_.people[p].party_status;
    full += st == PartyStatus::full ? 1 : 0;
    party += st != PartyStatus::none ? 1 : 0;
  }
  const bool temporary = branch.form == BranchForm::temporary_branch;
  if (!temporary && full < o_.min_full && want(GapCode::undersized_branch)) {
    std::string msg = label + " has " + std::to_string(full) +
                      " full member(s) in its party relations; a branch needs at least " +
                      std::to_string(o_.min_full);
    // Full members on the staff of its organizations (distinct) who could transfer in.
    std::vector<Id> staff;
    for (Id o : orgs) {
      if (!g_.is_active(o)) continue;
      const auto people = g_.org_people[o];
      const std::uint32_t base = g_.org_people.begin_of(o);
      for (std::size_t k = 0; k < people.size(); ++k) {
        if (g_.org_people.payload[base + k] == Role::member) continue;
        if (g_.people[people[k]].party_status == PartyStatus::full) staff.push_back(people[k]);
      }
    }
    std::sort(staff.begin(), staff.end());
    staff.erase(std::unique(staff.begin(), staff.end()), staff.end());
    Id first_active = kNone;
    for (Id o : orgs) {
      if (g_.is_active(o) && first_active == kNone) first_active = o;
    }
    std::string sug;
    if (!orgs.empty() && first_active == kNone) {
      sug =
          "it covers no active organization: dissolve it and transfer its members' relations "
          "to the branches of their workplaces";
    } else if (staff.size() >= o_.min_full) {
      sug = "its organizations have " + counted(staff.size(), "full member") +
            " on staff: transfer their party relations into the branch";
    } else if (branch.form == BranchForm::joint_branch) {
      sug =
          "add neighbouring organizations of the same street or industry with full members to "
          "the joint branch (see `orgraph joint-branches`), or merge it into another";
    } else if (orgs.empty()) {
      sug = "dissolve it and transfer its members' relations to the branch of their workplace";
    } else {
      sug =
          "merge it with neighbouring organizations into a joint branch (see `orgraph "
          "joint-branches --org " +
          std::string(g_.org_ids[first_active]) + "`), keeping work coverage by an instructor";
    }
    emit(out, GapCode::undersized_branch, entities(branch_key(b), {}), std::move(msg),
         std::move(sug), district);
  }
  const bool plain = branch.form == BranchForm::branch || branch.form == BranchForm::joint_branch;
  if (plain && party > o_.max_members && want(GapCode::oversized_branch)) {
    std::string msg =
        label + " has " + counted(party, "party member") + " in its party relations; a " +
        std::string(to_string(branch.form)) + " has at most " + std::to_string(o_.max_members);
    std::string sug =
        party >= o_.committee_members
            ? "reorganize it as a party committee (form committee) with branches below it"
            : "reorganize it as a general branch (form general_branch), or split it";
    emit(out, GapCode::oversized_branch, entities(branch_key(b), {}), std::move(msg),
         std::move(sug), district);
  }
  if ((branch.form == BranchForm::general_branch || branch.form == BranchForm::committee) &&
      want(GapCode::form_mismatch)) {
    const BranchForm expected = party >= o_.committee_members ? BranchForm::committee
                                : party > o_.max_members      ? BranchForm::general_branch
                                                              : BranchForm::branch;
    if (expected != branch.form) {
      std::string msg = label + " is a " + std::string(to_string(branch.form)) + " with " +
                        counted(party, "party member") + "; that size calls for a " +
                        std::string(to_string(expected)) + " (branch up to " +
                        std::to_string(o_.max_members) + ", general branch below " +
                        std::to_string(o_.committee_members) + ", committee from " +
                        std::to_string(o_.committee_members) + ")";
      std::string sug =
          "change its form to " + std::string(to_string(expected)) + " at the next election";
      emit(out, GapCode::form_mismatch, entities(branch_key(b), {}), std::move(msg), std::move(sug),
           district);
    }
  }
  if (branch.form == BranchForm::joint_branch && orgs.size() > o_.max_joint_units &&
      want(GapCode::joint_branch_too_wide)) {
    const std::size_t parts = (orgs.size() + o_.max_joint_units - 1) / o_.max_joint_units;
    std::vector<std::string> rest;
    for (Id o : orgs) rest.push_back(org_key(o));
    std::sort(rest.begin(), rest.end());
    std::string msg = label + " covers " + std::to_string(orgs.size()) +
                      " organizations; a joint branch covers at most " +
                      std::to_string(o_.max_joint_units);
    std::string sug = "split it into " + std::to_string(parts) +
                      " joint branches by community or industry (see `orgraph "
                      "joint-branches`)";
    emit(out, GapCode::joint_branch_too_wide, entities(branch_key(b), std::move(rest)),
         std::move(msg), std::move(sug), district);
  }
  if (want(GapCode::inactive_coverage)) {
    std::vector<Id> gone;
    for (Id o : orgs) {
      if (g_.orgs[o].status == OrgStatus::deregistered) gone.push_back(o);
    }
    if (!gone.empty()) {
      std::vector<std::string> rest;
      for (Id o : gone) rest.push_back(org_key(o));
      std::sort(rest.begin(), rest.end());
      std::string msg = label + " covers deregistered " + org_list(gone);
      std::string sug =
          gone.size() == orgs.size()
              ? "it covers no active organization: dissolve it and transfer its members' "
                "relations to the branches of their workplaces"
              : "remove the coverage of " + org_list(gone);
      emit(out, GapCode::inactive_coverage, entities(branch_key(b), std::move(rest)),
           std::move(msg), std::move(sug), district);
    }
  }
  if (!temporary && orgs.empty() && want(GapCode::empty_branch)) {
    std::string msg = label + " covers no organization";
    std::string sug =
        "record the organizations it serves in branch_coverage, or dissolve it and transfer its "
        "members' relations to the branches of their workplaces";
    emit(out, GapCode::empty_branch, entities(branch_key(b), {}), std::move(msg), std::move(sug),
         district);
  }
}

unsigned Auditor::org_findings(Id o) const {
  if (!g_.is_uncovered(o)) return 0;
  const Org& org = g_.orgs[o];
  const bool instructed = g_.org_instructor_units.degree(o) > 0;
  const bool found[] = {!instructed && org.competent_unit == kNone,
                        org.full_members >= o_.min_full, instructed};
  unsigned bits = 0;
  for (std::size_t k = 0; k < kOrgCodes.size(); ++k) {
    if (found[k] && want(kOrgCodes[k])) bits |= 1u << k;
  }
  return bits;
}

void Auditor::check_org(Id o, std::vector<Gap>& out) const {
  const unsigned found = org_findings(o);
  if (found == 0) return;
  const bool no_responsible_unit = (found & 1u) != 0;
  const bool should_build_branch = (found & 2u) != 0;
  const bool instructor_only = (found & 4u) != 0;
  const Org& org = g_.orgs[o];
  const std::string label = org_label(o);
  const Id single[] = {o};
  if (no_responsible_unit) {
    std::string msg = concat({label,
                              " has no party organization, no instructor and no competent "
                              "unit: nobody is responsible for it"});
    Id from = street_committee(org.street);
    if (from == kNone) from = best_superior_for_orgs(single);
    std::string sug;
    if (from != kNone) {
      const bool from_committee =
          g_.units[from].line == UnitLine::community && g_.units[from].level == AreaLevel::street;
      sug = concat({"assign an instructor from ", unit_desc(from),
                    from_committee ? ", the working committee of its street " : "",
                    from_committee ? area_label(org.street) : ""});
    } else {
      sug = "no unit has jurisdiction over " + area_label(org.area) +
            ": set up a party working committee for street " + area_label(org.street) +
            " and assign an instructor from it";
    }
    emit(out, GapCode::no_responsible_unit, entities(org_key(o), {}), std::move(msg),
         std::move(sug), org.district);
  }
  if (should_build_branch) {
    std::string msg = label + " has " + counted(org.full_members, "full member") +
                      " on its staff but no party organization";
    const Id best = best_superior_for_orgs(single);
    std::string sug = "set up its own branch";
    if (best != kNone) sug += " under " + unit_desc(best);
    emit(out, GapCode::should_build_branch, entities(org_key(o), {}), std::move(msg),
         std::move(sug), org.district);
  }
  if (instructor_only) {
    std::vector<Id> units(g_.org_instructor_units[o].begin(), g_.org_instructor_units[o].end());
    sort_units(units);
    std::vector<std::string> ents;
    ents.reserve(units.size() + 1);
    ents.push_back(org_key(o));
    for (Id u : units) ents.push_back(unit_key(u));
    std::string msg = concat({label, " is work-covered by an instructor from ", unit_list(units),
                              " but has no party organization"});
    std::string sug =
        org.full_members >= o_.min_full
            ? "it has enough full members: set up its own branch"
            : concat({"have the instructor bring it into a joint branch with neighbouring "
                      "organizations (see `orgraph joint-branches --org ",
                      g_.org_ids[o], "`)"});
    emit(out, GapCode::instructor_only, std::move(ents), std::move(msg), std::move(sug),
         org.district);
  }
}

void Auditor::check_person(Id p, std::vector<Gap>& out) const {
  const auto branches = g_.person_branches[p];
  if (branches.size() < 2 || !want(GapCode::duplicate_relation)) return;
  std::vector<Id> sorted(branches.begin(), branches.end());
  std::sort(sorted.begin(), sorted.end(),
            [&](Id a, Id b) { return g_.branch_ids[a] < g_.branch_ids[b]; });
  std::vector<std::string> rest;
  std::string list;
  for (Id b : sorted) {
    rest.push_back(branch_key(b));
    if (!list.empty()) list += ", ";
    list += branch_label(b);
  }
  std::string msg = "person " + std::string(g_.person_ids[p]) + " has party relations in " +
                    std::to_string(sorted.size()) + " branches: " + list;
  // The branch covering an active org where the person is staff or leader.
  Id keep = kNone;
  const auto work = g_.person_orgs[p];
  const std::uint32_t base = g_.person_orgs.begin_of(p);
  for (Id b : sorted) {
    for (std::size_t k = 0; k < work.size() && keep == kNone; ++k) {
      if (g_.person_orgs.payload[base + k] == Role::member || !g_.is_active(work[k])) continue;
      const auto covered = g_.branch_orgs[b];
      if (std::binary_search(covered.begin(), covered.end(), work[k])) keep = b;
    }
    if (keep != kNone) break;
  }
  std::string sug;
  if (keep != kNone) {
    std::string others;
    for (Id b : sorted) {
      if (b == keep) continue;
      if (!others.empty()) others += ", ";
      others += branch_label(b);
    }
    sug = "keep the relation in " + branch_label(keep) +
          ", which covers the person's workplace, and remove it from " + others;
  } else {
    sug =
        "keep one relation, in the branch of the person's workplace when it has one, and "
        "remove the others";
  }
  emit(out, GapCode::duplicate_relation, entities(person_key(p), std::move(rest)), std::move(msg),
       std::move(sug), branch_district(sorted[0]));
}

void Auditor::check_unit(Id u, std::vector<Gap>& out) const {
  const Unit& unit = g_.units[u];
  const auto sups = g_.unit_superiors[u];
  const Id district = unit_district(u);
  const std::string label = unit_label(u);
  // A self-loop is a supervision_cycle, not a second superior.
  const std::size_t real_sups = sups.size() - (has_self_loop(g_, u) ? 1 : 0);
  if (real_sups > 1 && want(GapCode::multiple_superiors)) {
    std::vector<Id> sorted;
    for (Id s : sups) {
      if (s != u) sorted.push_back(s);
    }
    sort_units(sorted);
    std::vector<std::string> rest;
    for (Id s : sorted) rest.push_back(unit_key(s));
    std::string msg =
        label + " has " + std::to_string(sorted.size()) + " superior units: " + unit_list(sorted);
    Id keep = kNone;
    for (Id s : sorted) {
      if (unit_fit(s, u) < 0) continue;
      const auto rank = std::make_tuple(!usable(s), unit_rank(s, u));
      if (keep == kNone || rank < std::make_tuple(!usable(keep), unit_rank(keep, u))) keep = s;
    }
    std::string sug;
    if (keep != kNone) {
      std::vector<Id> drop;
      for (Id s : sorted) {
        if (s != keep) drop.push_back(s);
      }
      sug = "keep " + unit_desc(keep) + ", which matches its line, level and territory; remove " +
            unit_list(drop);
    } else {
      sug = "none of them matches its line, level and territory: " + attach_text(u) +
            " and remove the others";
    }
    emit(out, GapCode::multiple_superiors, entities(unit_key(u), std::move(rest)), std::move(msg),
         std::move(sug), district);
  }
  for (Id s : sups) {
    // An edge inside a cycle is reported (and cut) by the supervision_cycle gap.
    if (s == u || (s_.cycle_of[u] != kNone && s_.cycle_of[s] == s_.cycle_of[u])) continue;
    const Unit& sup = g_.units[s];
    if (is_above(unit.level, sup.level) && want(GapCode::level_mismatch)) {
      std::string msg = label + " (" + std::string(to_string(unit.level)) +
                        " level) is supervised by " + unit_desc(s) + ", a lower level";
      emit(out, GapCode::level_mismatch, entities(unit_key(u), {unit_key(s)}), std::move(msg),
           attach_text(u) + " instead", district);
    }
    if (!g_.area_contains(sup.area, unit.area) && want(GapCode::territory_mismatch)) {
      std::string msg = label + ", with jurisdiction over " + area_label(unit.area) +
                        ", is supervised by " + unit_desc(s) + ", whose area " +
                        area_label(sup.area) + " does not contain it";
      emit(out, GapCode::territory_mismatch, entities(unit_key(u), {unit_key(s)}), std::move(msg),
           attach_text(u) + " instead", district);
    }
    if (unit.line == UnitLine::industry && sup.line == UnitLine::industry &&
        unit.industry != sup.industry && want(GapCode::industry_mismatch)) {
      std::string msg =
          label + " of the " +
          std::string(unit.industry == kNone ? "unknown" : g_.industry_names[unit.industry]) +
          " industry is supervised by " + unit_desc(s) + " of the " +
          std::string(sup.industry == kNone ? "unknown" : g_.industry_names[sup.industry]) +
          " industry";
      emit(out, GapCode::industry_mismatch, entities(unit_key(u), {unit_key(s)}), std::move(msg),
           attach_text(u) + " instead", district);
    }
  }
  if (!s_.complete[u] && s_.cycle_of[u] == kNone && want(GapCode::broken_chain)) {
    const Id end = s_.chain_end[u];
    std::vector<std::string> rest;
    std::string msg = label + ": its superior chain ";
    std::string sug;
    if (end == u || end == kNone) {
      msg += "stops here: it has no superior and is not the city organization department";
      sug = attach_text(u);
    } else {
      msg += chain_end_text(end) + ", before reaching an organization-line city unit";
      if (s_.cycle_of[end] == kNone) {
        rest.push_back(unit_key(end));
        sug = "repair the chain above it: " + attach_text(end);
      } else {
        rest.push_back(unit_key(cycle_first_unit(s_.cycle_of[end])));
        sug =
            "break the supervision cycle above it and attach the cycle's top unit to a unit "
            "with a complete chain (see the supervision_cycle gap), or " +
            attach_text(u);
      }
    }
    emit(out, GapCode::broken_chain, entities(unit_key(u), std::move(rest)), std::move(msg),
         std::move(sug), district);
  }
}

void Auditor::check_cycle(Id c, std::vector<Gap>& out) const {
  if (!want(GapCode::supervision_cycle)) return;
  std::vector<Id> units = s_.cycles[c];
  sort_units(units);
  std::vector<std::string> ents;
  for (Id u : units) ents.push_back(unit_key(u));
  std::sort(ents.begin(), ents.end());
  // The cycle's top: the unit at the highest level (then smallest id).
  Id top = units[0];
  for (Id u : units) {
    if (is_above(g_.units[u].level, g_.units[top].level)) top = u;
  }
  std::string msg, sug;
  if (units.size() == 1) {
    msg = unit_label(top) + " supervises itself";
    sug = "remove the supervision row in which " + std::string(g_.unit_ids[top]) +
          " supervises itself";
  } else {
    msg = "units " + unit_list(units) + " supervise each other in a cycle";
    std::vector<Id> inner;
    for (Id s : g_.unit_superiors[top]) {
      if (s_.cycle_of[s] == c && s != top) inner.push_back(s);
    }
    sort_units(inner);
    sug = "remove the supervision of " + std::string(g_.unit_ids[top]) + " by " + unit_list(inner);
  }
  bool outside_ok = false;
  for (Id s : g_.unit_superiors[top]) outside_ok |= s_.cycle_of[s] == kNone && usable(s);
  if (outside_ok) {
    sug += "; it keeps its superior outside the cycle";
  } else {
    const Id to = best_superior_for_unit(top);
    sug += to == kNone
               ? "; then ask the city organization department to designate a superior for " +
                     std::string(g_.unit_ids[top])
               : " and attach " + std::string(g_.unit_ids[top]) + " to " + unit_desc(to);
  }
  emit(out, GapCode::supervision_cycle, std::move(ents), std::move(msg), std::move(sug),
       unit_district(units[0]));
}

void Auditor::check_overload(Id u, std::vector<Gap>& out) const {
  if (!want(GapCode::overloaded_unit)) return;
  const Unit& unit = g_.units[u];
  const std::size_t group = peer_group(u);
  const std::uint32_t n = g_.unit_sub_branches.degree(u);
  if (n <= o_.overload_min || static_cast<double>(n) <= o_.overload_factor * median_[group]) {
    return;
  }
  char factor[32];
  std::snprintf(factor, sizeof factor, "%g", o_.overload_factor);
  std::string msg = unit_label(u) + " supervises " + std::to_string(n) + " branches, more than " +
                    factor + " times the median (" + std::to_string(median_[group]) + ") of the " +
                    std::to_string(peers_[group]) + " " + std::string(to_string(unit.line)) +
                    "-line units at " + std::string(to_string(unit.level)) + " level";
  std::string sug =
      "share its supervision: hand branches to units of the same line below it, or set up "
      "sub-committees by street or industry";
  emit(out, GapCode::overloaded_unit, entities(unit_key(u), {}), std::move(msg), std::move(sug),
       unit_district(u));
}

// ---------------------------------------------------------------------------------------------
void validate(const GapOptions& o) {
  if (o.min_full < 1) {
    throw std::invalid_argument("--min-full must be at least 1 (a branch needs full members)");
  }
  if (o.max_members < 1) {
    throw std::invalid_argument("--max-members must be at least 1 (the largest branch size)");
  }
  if (o.committee_members <= o.max_members) {
    throw std::invalid_argument(
        "the committee size must be larger than --max-members (a committee is bigger than a "
        "branch)");
  }
  if (o.max_joint_units < 2) {
    throw std::invalid_argument(
        "--max-units must be at least 2 (a joint branch joins several "
        "organizations)");
  }
  if (!(o.overload_factor >= 1.0)) {
    throw std::invalid_argument("the overload factor must be at least 1");
  }
}

bool gap_less(const Gap& a, const Gap& b) {
  return std::tie(a.severity, a.code, a.entities, a.message, a.suggestion, a.district) <
         std::tie(b.severity, b.code, b.entities, b.message, b.suggestion, b.district);
}

// The counts of some gaps, by code, severity and district.
struct GapCounts {
  using ByCode = std::array<std::uint64_t, kGapCodeCount>;
  ByCode by_code{};
  std::array<std::uint64_t, 3> by_severity{};
  using ByDistrict = std::map<std::string, ByCode, std::less<>>;
  ByDistrict by_district;
  ByCode* last = nullptr;  // neighbouring gaps mostly share their district: one lookup per run
  std::string_view last_district;

  void add(const Gap& gap) { add(gap.code, gap.severity, gap.district); }
  void add(GapCode gap_code, Severity severity, std::string_view district) {
    const auto code = static_cast<std::size_t>(gap_code);
    ++by_code[code];
    ++by_severity[static_cast<std::size_t>(severity)];
    if (last == nullptr || district != last_district) {
      const auto it = district_entry(district);
      last = &it->second;
      last_district = it->first;
    }
    ++(*last)[code];
  }
  void add(const GapCounts& other) {
    for (std::size_t k = 0; k < kGapCodeCount; ++k) by_code[k] += other.by_code[k];
    for (std::size_t k = 0; k < 3; ++k) by_severity[k] += other.by_severity[k];
    for (const auto& [district, counts] : other.by_district) {
      ByCode& mine = district_entry(district)->second;
      for (std::size_t k = 0; k < kGapCodeCount; ++k) mine[k] += counts[k];
    }
  }
  // The district's entry, added with zero counts if it has none yet.
  ByDistrict::iterator district_entry(std::string_view district) {
    auto it = by_district.lower_bound(district);
    if (it == by_district.end() || it->first != district) {
      it = by_district.emplace_hint(it, std::string(district), ByCode{});
    }
    return it;
  }
  void fill(GapTotals& t, Severity min_severity) const {
    t.min_severity = min_severity;
    t.by_code = by_code;
    t.by_severity = by_severity;
    t.by_district.clear();
    for (const auto& [d, counts] : by_district) {
      if (d != "none") t.by_district.push_back({d, counts});
    }
    if (const auto none = by_district.find("none"); none != by_district.end()) {
      t.by_district.push_back({"none", none->second});
    }
  }
};

// The sources of gaps in the order the checks run (the order of equal gaps).
constexpr std::array<GapSource, 6> kSources{GapSource::cycle, GapSource::overload,
                                            GapSource::unit,  GapSource::branch,
                                            GapSource::org,   GapSource::person};

// Serial reference: every check on every entity, every gap formatted, sorted by gap_less.
GapReport audit_reference(const OrgGraph& g, const GapOptions& o) {
  validate(o);
  const Supervision s = analyse_supervision_reference(g);
  const Auditor a(g, o, s);
  GapReport r;
  for (GapSource source : kSources) {
    for (std::size_t i = 0; i < a.source_size(source); ++i) {
      a.check(source, static_cast<Id>(i), r.gaps);
    }
  }
  std::sort(r.gaps.begin(), r.gaps.end(), gap_less);
  GapCounts counts;
  for (const Gap& gap : r.gaps) counts.add(gap);
  counts.fill(r, o.min_severity);
  return r;
}

// Sorting millions of gaps by gap_less would chase pointers to strings at every comparison, and
// needs every gap formatted at once. Sort compact records instead: severity, code and the first
// 22 bytes of the subject key packed into integers (zero-padded, so integer order is byte
// order), then the order found (source, entity, ordinal); runs of records equal in the packed
// part are then put in gap_less order by formatting just their gaps (order_ties).
struct SortRecord {
  std::uint64_t a = 0, b = 0, c = 0;
  GapAudit::Ref ref = 0;
};

static_assert(sizeof(SortRecord) == 32);

constexpr std::size_t kMaxOrdinal = (std::size_t{1} << 24) - 1;

GapAudit::Ref pack_ref(GapSource kind, Id source, std::size_t ordinal) {
  if (ordinal > kMaxOrdinal) {
    throw std::length_error(
        "gaps: one check found more than 16,777,215 gaps on one entity, past the audit's limit "
        "(kMaxOrdinal in queries/gaps.cpp: 24 bits of a packed reference); report it");
  }
  return (static_cast<std::uint64_t>(kind) << 56) | (static_cast<std::uint64_t>(source) << 24) |
         ordinal;
}

std::uint64_t pack(std::string_view s, std::size_t from, std::size_t bytes) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < bytes; ++i) {
    const std::size_t k = from + i;
    v = (v << 8) | (k < s.size() ? static_cast<unsigned char>(s[k]) : 0u);
  }
  return v;
}

// The record of a gap: its severity, code and the first 22 bytes of its subject's key.
constexpr std::size_t kKeyBytes = 22;

SortRecord sort_record(Severity severity, GapCode code, std::string_view key, GapAudit::Ref ref) {
  SortRecord r;
  r.a = (static_cast<std::uint64_t>(severity) << 56) | (static_cast<std::uint64_t>(code) << 48) |
        pack(key, 0, 6);
  r.b = pack(key, 6, 8);
  r.c = pack(key, 14, 8);
  r.ref = ref;
  return r;
}

SortRecord sort_record(const Gap& gap, GapAudit::Ref ref) {
  const std::string_view key = gap.entities.empty() ? std::string_view{} : gap.entities[0];
  return sort_record(gap.severity, gap.code, key, ref);
}

// The first kKeyBytes of node_key(kind, id), written into `buffer`: what a sort record keeps.
std::string_view key_prefix(std::string_view kind, std::string_view id,
                            std::array<char, kKeyBytes>& buffer) {
  std::size_t n = 0;
  const auto put = [&](std::string_view part) {
    const std::size_t m = std::min(part.size(), buffer.size() - n);
    std::copy_n(part.data(), m, buffer.data() + n);
    n += m;
  };
  put(kind);
  put(":");
  put(id);
  return {buffer.data(), n};
}

bool same_packed(const SortRecord& x, const SortRecord& y) {
  return x.a == y.a && x.b == y.b && x.c == y.c;
}

bool record_less(const SortRecord& x, const SortRecord& y) {
  return std::tie(x.a, x.b, x.c, x.ref) < std::tie(y.a, y.b, y.c, y.ref);
}

// Gap `ref` formatted into scratch.
Gap& format_gap(const Auditor& a, GapAudit::Ref ref, std::vector<Gap>& scratch) {
  scratch.clear();
  a.check(static_cast<GapSource>(ref >> 56), static_cast<Id>(ref >> 24), scratch);
  return scratch.at(ref & kMaxOrdinal);
}

// Sorted by record_less, each run of records equal in their packed part is put in gap_less order
// (stable: equal gaps stay in the order found).
void order_ties(std::vector<SortRecord>& records, const Auditor& a) {
  // First the runs of two or more (reading only: a range lists the runs starting in it), then
  // each run reordered by one worker, which reads and writes that run alone.
  const std::size_t n = records.size();
  constexpr std::size_t kGrain = 1 << 14;
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> found(par::block_count(n, kGrain));
  par::for_each_index(0, found.size(), 1, [&](std::size_t b) {
    const std::size_t lo = b * kGrain, hi = std::min(n, lo + kGrain);
    std::size_t i = lo;
    while (i > 0 && i < n && same_packed(records[i], records[lo - 1])) ++i;
    while (i < hi) {
      std::size_t j = i + 1;
      while (j < n && same_packed(records[j], records[i])) ++j;
      if (j - i > 1) found[b].emplace_back(i, j);
      i = j;
    }
  });
  std::vector<std::pair<std::size_t, std::size_t>> runs;
  for (const auto& f : found) runs.insert(runs.end(), f.begin(), f.end());
  par::for_range(0, runs.size(), 64, [&](std::size_t lo, std::size_t hi) {
    std::vector<Gap> scratch, run;
    std::vector<std::size_t> order;
    std::vector<SortRecord> copy;
    for (std::size_t r = lo; r < hi; ++r) {
      const auto [i, j] = runs[r];
      run.clear();
      for (std::size_t k = i; k < j; ++k) {
        run.push_back(std::move(format_gap(a, records[k].ref, scratch)));
      }
      order.resize(j - i);
      for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t x, std::size_t y) { return gap_less(run[x], run[y]); });
      copy.assign(records.begin() + static_cast<std::ptrdiff_t>(i),
                  records.begin() + static_cast<std::ptrdiff_t>(j));
      for (std::size_t k = 0; k < order.size(); ++k) records[i + k] = copy[order[k]];
    }
  });
}

}  // namespace

struct GapAudit::State {
  State(const OrgGraph& graph, const GapOptions& o)
      : options(o), supervision(analyse_supervision(graph)), auditor(graph, options, supervision) {}
  GapOptions options;
  Supervision supervision;
  Auditor auditor;
};

Gap& GapAudit::format(std::size_t i, std::vector<Gap>& scratch) const {
  return format_gap(state_->auditor, refs_[i], scratch);
}

const Gap& GapAudit::gap(std::size_t i, std::vector<Gap>& scratch) const {
  return format(i, scratch);
}

GapReport GapAudit::report(std::size_t n) const {
  GapReport r;
  static_cast<GapTotals&>(r) = *this;
  resize_touched(r.gaps, std::min(n, size()));
  // On one thread: each kept gap is four to six fresh allocations (its strings and entity list),
  // and with the one malloc arena `orgraph` runs with (cli/main.cpp) two threads making them
  // wait on its lock. Province, 212,312 gaps: 0.10 s on one thread; in parallel 0.19-0.60 s at
  // 2 threads (0.08-0.12 s without the tunables). The writers, which reuse one scratch gap per
  // thread, stay parallel.
  std::vector<Gap> scratch;
  for (std::size_t i = 0; i < r.gaps.size(); ++i) r.gaps[i] = std::move(format(i, scratch));
  return r;
}

GapAudit audit_gaps(const OrgGraph& graph, const GapOptions& options) {
  validate(options);
  auto state = std::make_shared<const GapAudit::State>(graph, options);
  const Auditor& a = state->auditor;

  // Every check on every entity, in fixed blocks; each block keeps the records and counts of the
  // gaps it found, written (keys only, no messages) into one reused scratch list.
  struct Block {
    GapSource source;
    std::size_t lo, hi;
  };
  constexpr std::size_t kBlock = 4096;
  std::vector<Block> blocks;
  for (GapSource source : kSources) {
    const std::size_t n = a.source_size(source);
    for (std::size_t lo = 0; lo < n; lo += kBlock)
      blocks.push_back({source, lo, std::min(n, lo + kBlock)});
  }
  std::vector<std::vector<SortRecord>> found(blocks.size());
  std::vector<GapCounts> counts(blocks.size());
  par::for_each_index(0, blocks.size(), 1, [&](std::size_t k) {
    const Block& block = blocks[k];
    std::vector<Gap> scratch;
    std::array<char, kKeyBytes> key;
    for (std::size_t i = block.lo; i < block.hi; ++i) {
      if (block.source == GapSource::org) {  // the org check's gaps from their codes alone
        const Id o = static_cast<Id>(i);
        const unsigned found_codes = a.org_findings(o);
        if (found_codes == 0) continue;
        const std::string_view district = a.district_id(graph.orgs[o].district);
        const std::string_view subject = key_prefix("org", graph.org_ids[o], key);
        std::size_t j = 0;
        for (std::size_t c = 0; c < Auditor::kOrgCodes.size(); ++c) {
          if ((found_codes & (1u << c)) == 0) continue;
          const GapCode code = Auditor::kOrgCodes[c];
          found[k].push_back(
              sort_record(severity_of(code), code, subject, pack_ref(block.source, o, j++)));
          counts[k].add(code, severity_of(code), district);
        }
        continue;
      }
      scratch.clear();
      a.check(block.source, static_cast<Id>(i), scratch);
      for (std::size_t j = 0; j < scratch.size(); ++j) {
        found[k].push_back(sort_record(scratch[j], pack_ref(block.source, static_cast<Id>(i), j)));
        counts[k].add(scratch[j]);
      }
    }
  });

  GapAudit audit;
  GapCounts total;
  for (const GapCounts& c : counts) total.add(c);
  total.fill(audit, options.min_severity);

  std::vector<std::size_t> start(blocks.size() + 1, 0);
  for (std::size_t k = 0; k < blocks.size(); ++k) start[k + 1] = start[k] + found[k].size();
  std::vector<SortRecord> records;
  resize_touched(records, start.back());
  par::for_each_index(0, blocks.size(), 1, [&](std::size_t k) {
    std::copy(found[k].begin(), found[k].end(),
              records.begin() + static_cast<std::ptrdiff_t>(start[k]));
    std::vector<SortRecord>().swap(found[k]);
  });
  par::sort(records.begin(), records.end(), record_less);
  order_ties(records, a);
  resize_touched(audit.refs_, records.size());
  par::for_each_index(0, records.size(), 1 << 14,
                      [&](std::size_t i) { audit.refs_[i] = records[i].ref; });
  audit.state_ = std::move(state);
  return audit;
}

std::string_view to_string(Severity s) { return kSeverityNames[static_cast<std::size_t>(s)]; }
std::string_view to_string(GapCode c) { return kCodeNames[static_cast<std::size_t>(c)]; }
Severity severity_of(GapCode c) { return kCodeSeverity[static_cast<std::size_t>(c)]; }

Severity parse_severity(std::string_view text) {
  for (std::size_t i = 0; i < kSeverityNames.size(); ++i) {
    if (kSeverityNames[i] == text) return static_cast<Severity>(i);
  }
  throw std::invalid_argument("--severity must be error, warning or info (found '" +
                              std::string(text) + "')");
}

std::optional<GapCode> parse_gap_code(std::string_view text) {
  for (std::size_t i = 0; i < kCodeNames.size(); ++i) {
    if (kCodeNames[i] == text) return static_cast<GapCode>(i);
  }
  return std::nullopt;
}

GapReport gaps(const OrgGraph& graph, const GapOptions& options) {
  return audit_gaps(graph, options).report();
}

std::vector<std::uint8_t> units_with_complete_chain(const OrgGraph& graph) {
  const Supervision s = analyse_supervision(graph);
  std::vector<std::uint8_t> out(graph.units.size(), 0);
  for (Id u = 0; u < out.size(); ++u) out[u] = s.complete[u] && s.cycle_of[u] == kNone ? 1 : 0;
  return out;
}

GapReport gaps_reference(const OrgGraph& graph, const GapOptions& options) {
  return audit_reference(graph, options);
}

}  // namespace orgraph

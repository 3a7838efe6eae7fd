#include "queries/joint_branches.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>
#include <unordered_set>

#include "engine/parallel.hpp"
#include "queries/gaps.hpp"
#include "queries/id_order.hpp"
#include "queries/joint_branches_solver.hpp"

namespace orgraph {

std::string_view to_string(JointBasis basis) {
  return basis == JointBasis::street ? "street" : "industry";
}

std::string_view to_string(UncoveredReason reason) {
  return reason == UncoveredReason::no_feasible_group ? "no_feasible_group" : "unplaced";
}

std::string_view to_string(OrgGroupingStatus status) {
  switch (status) {
    case OrgGroupingStatus::groupable: return "groupable";
    case OrgGroupingStatus::inactive: return "inactive";
    case OrgGroupingStatus::covered: return "covered";
    case OrgGroupingStatus::should_build: return "should_build";
    case OrgGroupingStatus::no_fillers: return "no_fillers";
    case OrgGroupingStatus::outside_filter: return "outside_filter";
    case OrgGroupingStatus::no_neighbour: return "no_neighbour";
    case OrgGroupingStatus::full_members: return "full_members";
    case OrgGroupingStatus::max_units: return "max_units";
    case OrgGroupingStatus::max_members: return "max_members";
  }
  return "unknown";
}

void validate(const JointBranchOptions& o) {
  if (o.min_full < 1) {
    throw std::invalid_argument("--min-full must be at least 1 (a joint branch needs full members; "
                                "the rule is 3), found " + std::to_string(o.min_full));
  }
  if (o.min_full > 1000) {
    throw std::invalid_argument("--min-full must be at most 1000, found " +
                                std::to_string(o.min_full));
  }
  if (o.max_units < 2) {
    throw std::invalid_argument(
        "--max-units must be at least 2 (a joint branch joins several organizations), found " +
        std::to_string(o.max_units));
  }
  if (o.max_units > 64) {
    throw std::invalid_argument("--max-units must be at most 64 (the rule is 5), found " +
                                std::to_string(o.max_units));
  }
  if (o.max_members < o.min_full) {
    throw std::invalid_argument("--max-members must be at least --min-full (" +
                                std::to_string(o.min_full) + "), found " +
                                std::to_string(o.max_members) + "; the rule is 50");
  }
  if (o.perturbations_per_candidate < 0) {
    throw std::invalid_argument("perturbations_per_candidate must be >= 0");
  }
}

namespace {

joint::Rules rules_of(const JointBranchOptions& o) {
  joint::Rules r;
  r.min_full = o.min_full;
  r.max_units = o.max_units;
  r.max_members = o.max_members;
  r.street = o.basis != JointBasisChoice::industry;
  r.industry = o.basis != JointBasisChoice::street;
  return r;
}

// The joint candidates of the graph (contracts.md section 2) after the options' filters.
bool is_candidate(const OrgGraph& g, Id org, const JointBranchOptions& o, Id industry_filter) {
  const Org& x = g.orgs[org];
  if (!g.is_uncovered(org) || x.full_members >= 3) return false;
  if (o.no_fillers && x.full_members == 0) return false;
  if (x.street == kNone || x.district == kNone) return false;
  if (!o.industry.empty() && x.industry != industry_filter) return false;
  if (o.area != kNone && !g.area_contains(o.area, x.area)) return false;
  return true;
}

struct Built {
  joint::Instance inst;
  std::vector<Id> org_of;  // candidate index -> org
};

// Fills the instance with the given orgs (their full / party member lists read from the graph).
void fill_instance(const OrgGraph& g, const std::vector<Id>& orgs, Built& b) {
  const std::size_t n = orgs.size();
  b.org_of = orgs;
  auto& cands = b.inst.cands;
  cands.assign(n, {});
  std::vector<std::uint32_t> full_count(n, 0), party_count(n, 0);
  // Pass 1: counts (random access to people, so in parallel); pass 2: fill.
  auto scan = [&](std::size_t i, Id* full_out, Id* party_out) {
    const Id org = orgs[i];
    const auto people_of = g.org_people[org];
    const std::uint32_t base = g.org_people.begin_of(org);
    Id last_full = kNone, last_party = kNone;
    std::uint32_t nf = 0, np = 0;
    for (std::size_t k = 0; k < people_of.size(); ++k) {
      if (g.org_people.payload[base + k] == Role::member) continue;
      const Id p = people_of[k];
      const PartyStatus st = g.people[p].party_status;
      if (st == PartyStatus::full && p != last_full) {
        if (full_out != nullptr) full_out[nf] = p;
        ++nf;
        last_full = p;
      }
      if (st != PartyStatus::none && p != last_party) {
        if (party_out != nullptr) party_out[np] = p;
        ++np;
        last_party = p;
      }
    }
    full_count[i] = nf;
    party_count[i] = np;
  };
  par::for_each_index(0, n, 2048, [&](std::size_t i) { scan(i, nullptr, nullptr); });
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    cands[i].full_begin = static_cast<std::uint32_t>(total);
    total += full_count[i];
    cands[i].full_end = static_cast<std::uint32_t>(total);
    cands[i].party_begin = static_cast<std::uint32_t>(total);
    total += party_count[i];
    cands[i].party_end = static_cast<std::uint32_t>(total);
  }
  if (total > std::numeric_limits<std::uint32_t>::max()) {
    throw std::runtime_error("joint-branches: too many member entries for one instance");
  }
  b.inst.people.assign(total, 0);
  par::for_each_index(0, n, 2048, [&](std::size_t i) {
    scan(i, b.inst.people.data() + cands[i].full_begin, b.inst.people.data() + cands[i].party_begin);
    const Org& x = g.orgs[orgs[i]];
    cands[i].street = x.street;
    cands[i].district = x.district;
    cands[i].industry = x.industry;
    cands[i].community = x.area;  // a street itself when the org sits directly in a street
  });
}

Id industry_filter_of(const OrgGraph& g, const JointBranchOptions& o) {
  return o.industry.empty() ? kNone : g.find_industry(o.industry);
}

Built build_instance(const OrgGraph& g, const JointBranchOptions& o) {
  Built b;
  b.inst.rules = rules_of(o);
  const Id ind = industry_filter_of(g, o);
  std::vector<Id> orgs;
  if (o.industry.empty() || ind != kNone) {
    const std::size_t n = g.orgs.size();
    std::vector<std::uint8_t> flag(n, 0);
    par::for_each_index(0, n, 4096, [&](std::size_t i) {
      flag[i] = is_candidate(g, static_cast<Id>(i), o, ind) ? 1 : 0;
    });
    for (std::size_t i = 0; i < n; ++i) {
      if (flag[i] != 0) orgs.push_back(static_cast<Id>(i));
    }
  }
  fill_instance(g, orgs, b);
  return b;
}

// The unit of `area` matching the predicate: of those whose supervision chain is complete and in
// no cycle (`sound`, from units_with_complete_chain), the smallest id; only when there is none,
// the smallest id of all (a superior with a broken chain is still one to name, and gaps reports
// its chain).
template <class Pred>
Id unit_of_area(const OrgGraph& g, const std::vector<std::uint8_t>& sound, Id area, Pred pred) {
  Id best = kNone;
  for (Id u : g.area_units[area]) {
    if (!pred(g.units[u])) continue;
    const bool better = best == kNone || sound[u] > sound[best] ||
                        (sound[u] == sound[best] && g.unit_ids[u] < g.unit_ids[best]);
    if (better) best = u;
  }
  return best;
}

Id street_superior(const OrgGraph& g, const std::vector<std::uint8_t>& sound, Id street) {
  return unit_of_area(g, sound, street, [](const Unit& u) {
    return u.line == UnitLine::community && u.level == AreaLevel::street;
  });
}

Id industry_superior(const OrgGraph& g, const std::vector<std::uint8_t>& sound, Id industry,
                     Id district) {
  if (industry == kNone) return kNone;
  Id u = unit_of_area(g, sound, district, [&](const Unit& x) {
    return x.line == UnitLine::industry && x.level == AreaLevel::district && x.industry == industry;
  });
  if (u != kNone) return u;
  const Id city = g.areas[district].parent;
  if (city == kNone) return kNone;
  return unit_of_area(g, sound, city, [&](const Unit& x) {
    return x.line == UnitLine::industry && x.level == AreaLevel::city && x.industry == industry;
  });
}

// Describes a feasible group (candidate indices of `b`) for output.
JointGroup make_group(const OrgGraph& g, const Built& b, const std::vector<std::uint8_t>& sound,
                      std::span<const std::uint32_t> members, joint::Evaluator& ev) {
  const joint::GroupEval e = ev(members, /*exact_counts=*/true);
  JointGroup out;
  const joint::Candidate& first = b.inst.cands[members[0]];
  Id street_sup = e.street ? street_superior(g, sound, first.street) : kNone;
  Id industry_sup =
      e.industry ? industry_superior(g, sound, first.industry, first.district) : kNone;
  bool industry = e.industry;
  if (e.street && e.industry) industry = !(street_sup != kNone && industry_sup == kNone);
  out.basis = industry ? JointBasis::industry : JointBasis::street;
  out.both_bases = e.street && e.industry;
  out.area = industry ? first.district : first.street;
  out.superior = industry ? industry_sup : street_sup;
  out.industry = first.industry;
  for (auto m : members) {
    if (b.inst.cands[m].industry != first.industry) out.industry = kNone;
    out.orgs.push_back(b.org_of[m]);
  }
  std::sort(out.orgs.begin(), out.orgs.end(),
            [&](Id x, Id y) { return g.org_ids[x] < g.org_ids[y]; });
  out.full_members = e.full;
  out.party_members = e.party;
  out.cost = e.cost;
  return out;
}

}  // namespace

JointBranchPlan joint_branches(const OrgGraph& g, const JointBranchOptions& o) {
  validate(o);
  if (o.area != kNone && o.area >= g.areas.size()) {
    throw std::invalid_argument("--area: area index out of range");
  }
  const Built b = build_instance(g, o);
  joint::SolverOptions so;
  so.exact_max_candidates = o.exact_max_candidates;
  so.perturbations_per_candidate = o.perturbations_per_candidate;
  so.max_total_perturbations = o.max_total_perturbations;
  const joint::Solution sol = joint::solve(b.inst, so);

  // Describing, ordering and listing are parallel: a nation has ~0.5M groups and ~1M orgs left
  // uncovered, and each step reads org ids scattered through memory.
  JointBranchPlan plan;
  const std::vector<std::uint8_t> sound = units_with_complete_chain(g);
  std::vector<JointGroup> made(sol.groups.size());
  par::for_range(0, made.size(), 1024, [&](std::size_t lo, std::size_t hi) {
    joint::Evaluator ev(b.inst.rules, b.inst.cands.data(), b.inst.people.data());  // scratch
    for (std::size_t i = lo; i < hi; ++i) made[i] = make_group(g, b, sound, sol.groups[i], ev);
  });
  // Groups by district id, area id, first org id (the index breaks no tie: first orgs differ).
  using GroupKey = std::tuple<std::string_view, std::string_view, std::string_view, std::size_t>;
  std::vector<GroupKey> keys(made.size());
  par::for_each_index(0, made.size(), 4096, [&](std::size_t i) {
    const JointGroup& x = made[i];
    const Org& first = g.orgs[x.orgs.front()];
    keys[i] = {g.area_ids[first.district], g.area_ids[x.area], g.org_ids[x.orgs.front()], i};
  });
  par::sort(keys.begin(), keys.end(), std::less<>());
  plan.groups.resize(made.size());
  par::for_each_index(0, keys.size(), 4096,
                      [&](std::size_t i) { plan.groups[i] = std::move(made[std::get<3>(keys[i])]); });

  // The orgs left uncovered, in org id order, each with its candidate index (for its reason).
  std::vector<Id> left;
  std::vector<std::pair<Id, std::uint32_t>> candidate_of;  // (org, candidate), sorted by org
  for (std::size_t i = 0; i < b.org_of.size(); ++i) {
    if (sol.state[i] == joint::CandidateState::covered) continue;
    left.push_back(b.org_of[i]);
    candidate_of.emplace_back(b.org_of[i], static_cast<std::uint32_t>(i));
  }
  sort_by_string_id(g.org_ids, left);
  par::sort(candidate_of.begin(), candidate_of.end(), std::less<>());
  plan.uncovered.resize(left.size());
  par::for_each_index(0, left.size(), 4096, [&](std::size_t k) {
    const auto at = std::lower_bound(candidate_of.begin(), candidate_of.end(),
                                     std::pair<Id, std::uint32_t>(left[k], 0));
    const bool none = sol.state[at->second] == joint::CandidateState::no_feasible_group;
    plan.uncovered[k] = {left[k], none ? UncoveredReason::no_feasible_group : UncoveredReason::unplaced};
  });

  auto& s = plan.summary;
  s.candidates = b.org_of.size();
  s.covered = sol.covered;
  s.upper_bound = sol.upper_bound;
  s.ratio = s.upper_bound == 0 ? 1.0
                               : static_cast<double>(s.covered) / static_cast<double>(s.upper_bound);
  s.groups = plan.groups.size();
  s.total_cost = sol.cost;
  for (const auto& x : plan.groups) s.superior_missing += x.superior_missing() ? 1 : 0;
  s.components = sol.components.size();
  for (const auto& c : sol.components) {
    s.largest_component = std::max<std::uint64_t>(s.largest_component, c.candidates);
    if (c.exact) {
      ++s.exact_components;
      s.exact_candidates += c.candidates;
    }
  }
  return plan;
}

// ---------------------------------------------------------------------------------------------
// --org

namespace {

// Enumerates the feasible groups containing candidate 0 of `b` inside one pool, keeping the
// `top` best under the documented order; a node budget bounds the search.
class OrgGroupSearch {
 public:
  OrgGroupSearch(const OrgGraph& g, const Built& b, const joint::Rules& rules, std::size_t top,
                 std::uint64_t budget)
      : g_(g), b_(b), rules_(rules), ev_(rules_, b.inst.cands.data(), b.inst.people.data()),
        top_(top), budget_(budget) {}

  struct Found {
    std::vector<std::uint32_t> members;  // sorted
    int cost;
    std::uint32_t full;
    std::vector<std::string_view> ids;   // org ids, sorted
  };

  void search_pool(std::vector<std::uint32_t> pool, bool skip_single_street) {
    skip_single_street_ = skip_single_street;
    // Cheapest partners first, so good groups are found early and pruning bites.
    std::vector<std::tuple<int, int, std::string_view, std::uint32_t>> order;
    for (auto v : pool) {
      std::vector<std::uint32_t> pair{0, v};
      const joint::GroupEval e = ev_(pair);
      order.emplace_back(e.valid ? e.cost : 1000, -static_cast<int>(b_.inst.cands[v].full()),
                         g_.org_ids[b_.org_of[v]], v);
    }
    std::sort(order.begin(), order.end());
    pool_.clear();
    for (const auto& t : order) pool_.push_back(std::get<3>(t));
    cur_.assign(1, 0);
    dfs(0);
  }

  bool exhausted() const { return nodes_ > budget_; }
  std::vector<Found>& found() { return found_; }

 private:
  static bool better(const Found& a, const Found& b) {
    if (a.cost != b.cost) return a.cost < b.cost;
    if (a.members.size() != b.members.size()) return a.members.size() > b.members.size();
    if (a.full != b.full) return a.full > b.full;
    return a.ids < b.ids;
  }

  void offer(const joint::GroupEval& e) {
    Found f;
    f.members = cur_;
    std::sort(f.members.begin(), f.members.end());
    if (skip_single_street_) {
      bool one_street = true;
      for (auto m : f.members) one_street = one_street && b_.inst.cands[m].street == b_.inst.cands[0].street;
      if (one_street) return;  // already found in the street pool
    }
    f.cost = e.cost;
    f.full = e.full;
    for (auto m : f.members) f.ids.push_back(g_.org_ids[b_.org_of[m]]);
    std::sort(f.ids.begin(), f.ids.end());
    for (const auto& x : found_) {
      if (x.members == f.members) return;
    }
    auto pos = std::upper_bound(found_.begin(), found_.end(), f, better);
    found_.insert(pos, std::move(f));
    if (found_.size() > top_) found_.pop_back();
  }

  void dfs(std::size_t start) {
    if (++nodes_ > budget_) return;
    if (cur_.size() >= 2) {
      const joint::GroupEval e = ev_(cur_);
      if (!e.valid) return;
      // Cost and party members only grow as members join: prune.
      if (found_.size() >= top_ && e.cost > found_.back().cost) return;
      if (e.party > static_cast<std::uint32_t>(rules_.max_members)) return;
      if (e.feasible) offer(e);
    }
    if (static_cast<int>(cur_.size()) >= rules_.max_units) return;
    for (std::size_t i = start; i < pool_.size(); ++i) {
      cur_.push_back(pool_[i]);
      dfs(i + 1);
      cur_.pop_back();
      if (nodes_ > budget_) return;
    }
  }

  const OrgGraph& g_;
  const Built& b_;
  joint::Rules rules_;
  joint::Evaluator ev_;
  std::size_t top_;
  std::uint64_t budget_;
  std::uint64_t nodes_ = 0;
  bool skip_single_street_ = false;
  std::vector<std::uint32_t> pool_, cur_;
  std::vector<Found> found_;
};

// Orgs located in `area` or below it.
void orgs_below(const OrgGraph& g, Id area, std::vector<Id>& out) {
  for (Id o : g.area_orgs[area]) out.push_back(o);
  for (Id child : g.area_children[area]) orgs_below(g, child, out);
}

std::string org_label(const OrgGraph& g, Id org) { return std::string(g.org_ids[org]); }

std::string area_label(const OrgGraph& g, Id area) {
  if (area == kNone) return "(none)";
  std::string s(g.area_names[area]);
  if (s.empty()) return std::string(g.area_ids[area]);
  return s + " (" + std::string(g.area_ids[area]) + ")";
}

}  // namespace

OrgGrouping joint_branches_for_org(const OrgGraph& g, Id org, const JointBranchOptions& o,
                                   std::size_t top) {
  validate(o);
  if (org >= g.orgs.size()) throw std::invalid_argument("--org: organization index out of range");
  if (top == 0) throw std::invalid_argument("--top must be at least 1");
  OrgGrouping out;
  out.org = org;
  const Org& x = g.orgs[org];
  const std::string id = org_label(g, org);
  auto done = [&](OrgGroupingStatus s, std::string msg) {
    out.status = s;
    out.message = std::move(msg);
    return out;
  };
  if (!g.is_active(org)) {
    return done(OrgGroupingStatus::inactive,
                id + " is " + std::string(to_string(x.status)) +
                    ": only active organizations join a joint branch");
  }
  if (x.covered) {
    std::string branches;
    for (Id br : g.org_branches[org]) {
      branches += branches.empty() ? "" : ", ";
      branches += g.branch_ids[br];
    }
    return done(OrgGroupingStatus::covered,
                id + " already has a party organization (" + branches + "): it needs no joint branch");
  }
  if (x.full_members >= 3) {
    return done(OrgGroupingStatus::should_build,
                id + " has " + std::to_string(x.full_members) +
                    " full members: it should build its own branch (3 or more full members)");
  }
  if (o.no_fillers && x.full_members == 0) {
    return done(OrgGroupingStatus::no_fillers,
                id + " has no full members and --no-fillers leaves such organizations out");
  }
  const Id ind = industry_filter_of(g, o);
  if (!is_candidate(g, org, o, ind)) {
    return done(OrgGroupingStatus::outside_filter,
                id + " is outside the --area / --industry filter given");
  }

  // The org's pools: its street, and its industry in its district.
  const joint::Rules rules = rules_of(o);
  std::vector<Id> street_orgs, industry_orgs;
  if (rules.street) {
    std::vector<Id> all;
    orgs_below(g, x.street, all);
    for (Id v : all) {
      if (v != org && is_candidate(g, v, o, ind)) street_orgs.push_back(v);
    }
  }
  if (rules.industry) {
    std::vector<Id> all;
    orgs_below(g, x.district, all);
    for (Id v : all) {
      if (v != org && g.orgs[v].industry == x.industry && is_candidate(g, v, o, ind)) {
        industry_orgs.push_back(v);
      }
    }
  }
  std::vector<Id> orgs{org};
  orgs.insert(orgs.end(), street_orgs.begin(), street_orgs.end());
  for (Id v : industry_orgs) {
    if (std::find(street_orgs.begin(), street_orgs.end(), v) == street_orgs.end()) orgs.push_back(v);
  }
  std::sort(orgs.begin() + 1, orgs.end());
  out.neighbours = orgs.size() - 1;
  std::string where;
  if (rules.street) where = "its street " + area_label(g, x.street);
  if (rules.industry) {
    where += where.empty() ? "" : " or ";
    where += "its industry (" + std::string(g.industry(org)) + ") in its district " +
             area_label(g, x.district);
  }
  if (out.neighbours == 0) {
    return done(OrgGroupingStatus::no_neighbour,
                id + " cannot be grouped: there is no other joint candidate in " + where);
  }
  Built b;
  b.inst.rules = rules;
  fill_instance(g, orgs, b);
  std::vector<std::uint32_t> street_pool, industry_pool;
  for (std::uint32_t i = 1; i < orgs.size(); ++i) {
    const auto& c = b.inst.cands[i];
    if (rules.street && c.street == x.street) street_pool.push_back(i);
    if (rules.industry && c.industry == x.industry && c.district == x.district) industry_pool.push_back(i);
  }
  constexpr std::uint64_t kBudget = 3'000'000;
  auto run = [&](const joint::Rules& r) {
    OrgGroupSearch s(g, b, r, top, kBudget);
    if (r.street && !street_pool.empty()) s.search_pool(street_pool, false);
    if (r.industry && !industry_pool.empty()) s.search_pool(industry_pool, r.street);
    return s;
  };
  OrgGroupSearch search = run(rules);
  out.exhaustive = !search.exhausted();
  joint::Evaluator ev(b.inst.rules, b.inst.cands.data(), b.inst.people.data());
  const std::vector<std::uint8_t> sound = units_with_complete_chain(g);
  for (const auto& f : search.found()) out.groups.push_back(make_group(g, b, sound, f.members, ev));
  if (!out.groups.empty()) {
    const std::string count = out.groups.size() == top
                                  ? "at least " + std::to_string(top) + " feasible group(s) (the " +
                                        std::to_string(top) + " cheapest are listed)"
                                  : std::to_string(out.groups.size()) + " feasible group(s)";
    return done(OrgGroupingStatus::groupable,
                id + " can join " + count + "; the cheapest costs " +
                    std::to_string(out.groups[0].cost));
  }
  const std::string hedge = out.exhaustive ? "" : " (bounded search: not every group was tried)";
  // Which constraint fails? Relax the party limit first, then look at the full members alone.
  joint::Rules relaxed = rules;
  relaxed.max_members = std::numeric_limits<int>::max();
  if (!run(relaxed).found().empty()) {
    return done(OrgGroupingStatus::max_members,
                id + " cannot be grouped: every group with " + std::to_string(rules.min_full) +
                    " full members would have more than " + std::to_string(rules.max_members) +
                    " party members (--max-members)" + hedge);
  }
  std::uint32_t best_full = 0;
  for (const auto* pool : {&street_pool, &industry_pool}) {
    if (pool->empty()) continue;
    std::vector<std::uint32_t> all{0};
    all.insert(all.end(), pool->begin(), pool->end());
    best_full = std::max(best_full, ev.distinct_full(all));
  }
  if (best_full >= static_cast<std::uint32_t>(rules.min_full)) {
    return done(OrgGroupingStatus::max_units,
                id + " cannot be grouped: reaching " + std::to_string(rules.min_full) +
                    " full members takes more than " + std::to_string(rules.max_units) +
                    " organizations (--max-units)" + hedge);
  }
  return done(OrgGroupingStatus::full_members,
              id + " cannot be grouped: with all " + std::to_string(out.neighbours) +
                  " neighbouring candidate(s) in " + where + " it would reach only " +
                  std::to_string(best_full) + " distinct full member(s), " +
                  std::to_string(rules.min_full) + " are needed");
}

}  // namespace orgraph

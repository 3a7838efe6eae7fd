#include "queries/joint_branches_solver.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

#include "engine/parallel.hpp"

namespace orgraph::joint {

// ---------------------------------------------------------------------------------------------
// Evaluation of one group.

namespace {

// Distinct values among the keys of many members.
template <class Get>
int count_distinct(std::span<const std::uint32_t> members, Get get, std::vector<Id>& keys) {
  keys.clear();
  for (auto m : members) keys.push_back(get(m));
  std::sort(keys.begin(), keys.end());
  return static_cast<int>(std::unique(keys.begin(), keys.end()) - keys.begin());
}

}  // namespace

std::uint32_t Evaluator::distinct(std::span<const std::uint32_t> members, bool party) {
  // Few ids (the common case: at most 2 full members per candidate): a linear scan over a
  // small array beats sorting.
  constexpr std::size_t kSmall = 24;
  std::array<Id, kSmall> seen;
  std::size_t n = 0;
  bool small = true;
  for (auto m : members) {
    const Candidate& c = cands_[m];
    const std::uint32_t from = party ? c.party_begin : c.full_begin;
    const std::uint32_t to = party ? c.party_end : c.full_end;
    for (std::uint32_t k = from; k < to && small; ++k) {
      const Id v = people_[k];
      bool dup = false;
      for (std::size_t j = 0; j < n && !dup; ++j) dup = seen[j] == v;
      if (dup) continue;
      if (n == kSmall) {
        small = false;
        break;
      }
      seen[n++] = v;
    }
    if (!small) break;
  }
  if (small) return static_cast<std::uint32_t>(n);
  buf_.clear();
  for (auto m : members) {
    const Candidate& c = cands_[m];
    const std::uint32_t b = party ? c.party_begin : c.full_begin;
    const std::uint32_t e = party ? c.party_end : c.full_end;
    buf_.insert(buf_.end(), people_ + b, people_ + e);
  }
  if (members.size() <= 1) return static_cast<std::uint32_t>(buf_.size());
  std::sort(buf_.begin(), buf_.end());
  return static_cast<std::uint32_t>(std::unique(buf_.begin(), buf_.end()) - buf_.begin());
}

std::uint32_t Evaluator::distinct_full(std::span<const std::uint32_t> members) {
  return distinct(members, false);
}

std::uint32_t Evaluator::distinct_party(std::span<const std::uint32_t> members) {
  return distinct(members, true);
}

namespace {

// The cheaper basis (street on ties) of a group whose street_cost and industry_cost are set
// (-1: not valid on that basis).
void choose_basis(GroupEval& e) {
  if (e.street_cost >= 0 && (e.industry_cost < 0 || e.street_cost <= e.industry_cost)) {
    e.cost = e.street_cost;
  } else {
    e.cost = e.industry_cost;
  }
  e.street = e.street_cost == e.cost;
  e.industry = e.industry_cost == e.cost;
}

}  // namespace

GroupEval Evaluator::operator()(std::span<const std::uint32_t> members, bool exact_counts) {
  GroupEval e;
  const std::size_t n = members.size();
  if (n < 2 || n > static_cast<std::size_t>(rules_.max_units)) return e;
  const Candidate& first = cands_[members[0]];
  bool same_street = rules_.street;
  bool same_industry = rules_.industry;
  std::uint32_t party_sum = 0;
  // Small groups (the common case) read each member once into these, then count from them.
  constexpr std::size_t kSmallGroup = 8;
  const bool small = n <= kSmallGroup;
  std::array<Id, kSmallGroup> streets, industries, communities;
  for (std::size_t i = 0; i < n; ++i) {
    const Candidate& c = cands_[members[i]];
    same_street = same_street && c.street == first.street;
    same_industry = same_industry && c.industry == first.industry && c.district == first.district;
    party_sum += c.party();
    if (small) {
      streets[i] = c.street;
      industries[i] = c.industry;
      communities[i] = c.community;
    }
  }
  if (!same_street && !same_industry) return e;
  e.valid = true;
  if (small) {
    int distinct_streets = 0, distinct_industries = 0, distinct_communities = 0;
    for (std::size_t i = 0; i < n; ++i) {
      bool street_seen = false, industry_seen = false, community_seen = false;
      for (std::size_t j = 0; j < i; ++j) {
        street_seen = street_seen || streets[j] == streets[i];
        industry_seen = industry_seen || industries[j] == industries[i];
        community_seen = community_seen || communities[j] == communities[i];
      }
      distinct_streets += street_seen ? 0 : 1;
      distinct_industries += industry_seen ? 0 : 1;
      distinct_communities += community_seen ? 0 : 1;
    }
    if (same_street) e.street_cost = distinct_communities - 1 + distinct_industries - 1;
    if (same_industry) e.industry_cost = distinct_streets - 1;
  } else {
    if (same_street) {
      e.street_cost =
          count_distinct(members, [&](std::uint32_t m) { return cands_[m].community; }, keys_) -
          1 + count_distinct(members, [&](std::uint32_t m) { return cands_[m].industry; }, keys_) -
          1;
    }
    if (same_industry) {
      e.industry_cost =
          count_distinct(members, [&](std::uint32_t m) { return cands_[m].street; }, keys_) - 1;
    }
  }
  choose_basis(e);
  e.full = distinct(members, false);
  const auto max_members = static_cast<std::uint32_t>(rules_.max_members);
  e.party = (exact_counts || party_sum > max_members) ? distinct(members, true) : party_sum;
  e.feasible = e.full >= static_cast<std::uint32_t>(rules_.min_full) && e.party <= max_members;
  return e;
}

namespace {

// Adds x to the distinct keys[0, n) unless it is there.
template <std::size_t N>
void add_distinct(std::array<Id, N>& keys, std::size_t& n, Id x) {
  for (std::size_t i = 0; i < n; ++i) {
    if (keys[i] == x) return;
  }
  keys[n++] = x;
}

template <std::size_t N>
int is_new(const std::array<Id, N>& keys, std::size_t n, Id x) {
  for (std::size_t i = 0; i < n; ++i) {
    if (keys[i] == x) return 0;
  }
  return 1;
}

}  // namespace

void Evaluator::set_base(std::span<const std::uint32_t> base) {
  base_.assign(base.begin(), base.end());
  base_.push_back(0);
  base_small_ = !base.empty() && base.size() <= kBase;
  if (!base_small_) return;
  const Candidate& first = cands_[base[0]];
  base_street_ = rules_.street;
  base_industry_ = rules_.industry;
  base_street_id_ = first.street;
  base_industry_id_ = first.industry;
  base_district_id_ = first.district;
  base_party_ = 0;
  n_streets_ = n_industries_ = n_communities_ = n_full_ = 0;
  for (auto m : base) {
    const Candidate& c = cands_[m];
    base_street_ = base_street_ && c.street == first.street;
    base_industry_ = base_industry_ && c.industry == first.industry && c.district == first.district;
    base_party_ += c.party();
    add_distinct(streets_, n_streets_, c.street);
    add_distinct(industries_, n_industries_, c.industry);
    add_distinct(communities_, n_communities_, c.community);
    for (std::uint32_t k = c.full_begin; k < c.full_end; ++k) {
      if (n_full_ == kBaseFull && is_new(full_, n_full_, people_[k]) != 0) {
        base_small_ = false;
        return;
      }
      add_distinct(full_, n_full_, people_[k]);
    }
  }
}

GroupEval Evaluator::plus(std::uint32_t v) {
  GroupEval e;
  const std::size_t n = base_.size();  // with v
  if (n < 2 || n > static_cast<std::size_t>(rules_.max_units)) return e;
  const Candidate& c = cands_[v];
  const auto max_members = static_cast<std::uint32_t>(rules_.max_members);
  if (!base_small_ || base_party_ + c.party() > max_members) {
    base_.back() = v;
    return (*this)(base_);
  }
  const bool same_street = base_street_ && c.street == base_street_id_;
  const bool same_industry =
      base_industry_ && c.industry == base_industry_id_ && c.district == base_district_id_;
  if (!same_street && !same_industry) return e;
  e.valid = true;
  if (same_street) {
    e.street_cost = static_cast<int>(n_communities_) + is_new(communities_, n_communities_, c.community) - 1 +
                    static_cast<int>(n_industries_) + is_new(industries_, n_industries_, c.industry) - 1;
  }
  if (same_industry) {
    e.industry_cost = static_cast<int>(n_streets_) + is_new(streets_, n_streets_, c.street) - 1;
  }
  choose_basis(e);
  auto full = static_cast<std::uint32_t>(n_full_);
  for (std::uint32_t k = c.full_begin; k < c.full_end; ++k) {
    const Id id = people_[k];
    bool dup = is_new(full_, n_full_, id) == 0;
    for (std::uint32_t j = c.full_begin; j < k && !dup; ++j) dup = people_[j] == id;
    full += dup ? 0 : 1;
  }
  e.full = full;
  e.party = base_party_ + c.party();
  e.feasible = e.full >= static_cast<std::uint32_t>(rules_.min_full) && e.party <= max_members;
  return e;
}

std::uint64_t gmax(std::uint64_t n1, std::uint64_t n2, const Rules& rules) {
  const auto m = static_cast<std::uint64_t>(std::max(1, rules.min_full));
  const auto u = static_cast<std::uint64_t>(std::max(1, rules.max_units));
  // A group holds at most u members of at most 2 full members each, at least ceil(m/2) of them
  // with full members, and (when m > u) at least m - u of them with 2.
  const std::uint64_t least_members = (m + 1) / 2;
  if (least_members > u) return 0;
  std::uint64_t g = (2 * n2 + n1) / m;
  g = std::min(g, (n1 + n2) / least_members);
  if (m > u) g = std::min(g, n2 / (m - u));
  return g;
}

// ---------------------------------------------------------------------------------------------
// Components.

namespace {

struct UnionFind {
  explicit UnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0u); }
  std::uint32_t find(std::uint32_t x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }
  void unite(std::uint32_t a, std::uint32_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    if (a < b) std::swap(a, b);
    parent[a] = b;  // the smaller index is the root: deterministic
  }
  std::vector<std::uint32_t> parent;
};

// Sorts `order` by key(i) (ties by index) and unites runs of equal keys. The keys are read once,
// in parallel, and (key, index) pairs sorted in parallel: a nation has millions of candidates.
template <class Key>
void unite_runs(std::vector<std::uint32_t>& order, UnionFind& uf, Key key) {
  std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed(order.size());
  par::for_each_index(0, order.size(), 4096, [&](std::size_t k) {
    keyed[k] = {static_cast<std::uint64_t>(key(order[k])), order[k]};
  });
  par::sort(keyed.begin(), keyed.end(), std::less<>());
  for (std::size_t i = 0; i < keyed.size(); ++i) {
    order[i] = keyed[i].second;
    if (i > 0 && keyed[i].first == keyed[i - 1].first) uf.unite(order[i], order[i - 1]);
  }
}

std::uint64_t industry_key(const Candidate& c) {
  return (static_cast<std::uint64_t>(c.industry) << 32) | c.district;
}

}  // namespace

std::vector<std::vector<std::uint32_t>> components(const Instance& in) {
  const std::size_t n = in.cands.size();
  UnionFind uf(n);
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  if (in.rules.street) {
    unite_runs(order, uf, [&](std::uint32_t i) { return in.cands[i].street; });
  }
  if (in.rules.industry) {
    unite_runs(order, uf, [&](std::uint32_t i) { return industry_key(in.cands[i]); });
  }
  std::vector<std::uint32_t> root_slot(n, std::numeric_limits<std::uint32_t>::max());
  std::vector<std::vector<std::uint32_t>> comps;
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::uint32_t r = uf.find(i);
    if (root_slot[r] == std::numeric_limits<std::uint32_t>::max()) {
      root_slot[r] = static_cast<std::uint32_t>(comps.size());
      comps.emplace_back();
    }
    comps[root_slot[r]].push_back(i);
  }
  std::stable_sort(comps.begin(), comps.end(), [](const auto& a, const auto& b) {
    return a.size() != b.size() ? a.size() > b.size() : a.front() < b.front();
  });
  return comps;
}

// ---------------------------------------------------------------------------------------------
// One component, with local indices and pools (a pool = the candidates of one street, or of one
// industry in one district: every group lies inside one pool).

namespace {

constexpr std::int64_t kCoverWeight = std::int64_t{1} << 36;  // one candidate > any cost change
constexpr std::uint32_t kNoCand = std::numeric_limits<std::uint32_t>::max();

struct Component {
  std::vector<Candidate> c;              // local copies
  std::vector<std::uint32_t> global;     // instance index of each local candidate
  std::vector<std::int32_t> sp, ip;      // street pool, industry pool (-1 when the basis is off)
  // Members of each pool, ascending: pool p is pool_members[pool_begin[p], pool_begin[p + 1]).
  std::vector<std::uint32_t> pool_members;
  std::vector<std::uint32_t> pool_begin{0};
  std::size_t street_pools = 0;          // pools [0, street_pools) are streets
  std::vector<Id> people;  // the candidates' members, when copied (see make_component)
  std::vector<std::uint32_t> order;  // scratch of make_component

  std::size_t pools() const { return pool_begin.size() - 1; }
  std::span<const std::uint32_t> pool(std::size_t p) const {
    return {pool_members.data() + pool_begin[p], pool_begin[p + 1] - pool_begin[p]};
  }
};

template <class Key>
void make_pools(Component& comp, std::vector<std::int32_t>& pool_of, Key key) {
  const std::size_t k = comp.c.size();
  auto& order = comp.order;
  order.resize(k);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const auto ka = key(comp.c[a]), kb = key(comp.c[b]);
    return ka != kb ? ka < kb : a < b;
  });
  for (std::size_t i = 0; i < k; ++i) {
    if (i > 0 && key(comp.c[order[i]]) != key(comp.c[order[i - 1]])) {
      comp.pool_begin.push_back(static_cast<std::uint32_t>(comp.pool_members.size()));
    }
    pool_of[order[i]] = static_cast<std::int32_t>(comp.pool_begin.size() - 1);
    comp.pool_members.push_back(order[i]);
  }
  if (k > 0) comp.pool_begin.push_back(static_cast<std::uint32_t>(comp.pool_members.size()));
}

// Fills comp (its memory reused) with `members` (indices into `source`), which `global` then
// holds. With `people`, the members' people are copied into the component's own `people`, which
// its candidates' ranges then index: evaluations read them from one small array rather than
// from all over the instance's. Without, the ranges stay those of `source`.
void make_component(Component& comp, const Rules& rules, const Candidate* source,
                    std::span<const std::uint32_t> members, const Id* people = nullptr) {
  comp.global.assign(members.begin(), members.end());
  comp.c.clear();
  for (auto g : members) comp.c.push_back(source[g]);
  comp.people.clear();
  if (people != nullptr) {
    for (Candidate& c : comp.c) {
      const auto rebase = [&](std::uint32_t& begin, std::uint32_t& end) {
        const auto at = static_cast<std::uint32_t>(comp.people.size());
        comp.people.insert(comp.people.end(), people + begin, people + end);
        end = at + (end - begin);
        begin = at;
      };
      rebase(c.full_begin, c.full_end);
      rebase(c.party_begin, c.party_end);
    }
  }
  comp.sp.assign(members.size(), -1);
  comp.ip.assign(members.size(), -1);
  comp.pool_members.clear();
  comp.pool_begin.assign(1, 0);
  if (rules.street) make_pools(comp, comp.sp, [](const Candidate& c) { return c.street; });
  comp.street_pools = comp.pools();
  if (rules.industry) make_pools(comp, comp.ip, industry_key);
  for (std::size_t p = 0; p < comp.pools(); ++p) {
    std::sort(comp.pool_members.begin() + comp.pool_begin[p],
              comp.pool_members.begin() + comp.pool_begin[p + 1]);
  }
}

// A tiny deterministic generator (splitmix64).
struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint32_t below(std::uint32_t n) { return n == 0 ? 0 : static_cast<std::uint32_t>(next() % n); }
};

// ---------------------------------------------------------------------------------------------
// Is there any feasible group containing u? Depth-first search inside u's pools over members that
// add full members; `budget` bounds the nodes visited. Returns 1 (yes, found), 0 (proven no),
// 2 (unknown: budget exhausted).

class FeasibilityProver {
 public:
  FeasibilityProver(const Rules& rules, const Component& comp, Evaluator& ev)
      : rules_(rules), comp_(comp), ev_(ev) {}

  int prove(std::uint32_t u, std::uint64_t budget = 200'000) {
    bool unknown = false;
    for (std::int32_t p : {comp_.sp[u], comp_.ip[u]}) {
      if (p < 0) continue;
      const auto pool = comp_.pool(static_cast<std::size_t>(p));
      adders_.clear();
      others_.clear();
      for (auto v : pool) {
        if (v == u) continue;
        others_.push_back(v);
        if (comp_.c[v].full() > 0) adders_.push_back(v);
      }
      if (others_.empty()) continue;
      std::stable_sort(adders_.begin(), adders_.end(), [&](std::uint32_t a, std::uint32_t b) {
        return comp_.c[a].full() > comp_.c[b].full();
      });
      cur_.assign(1, u);
      nodes_ = 0;
      budget_ = budget;
      const int r = search(0, ev_.distinct_full(cur_));
      if (r == 1) return 1;
      if (r == 2) unknown = true;
    }
    return unknown ? 2 : 0;
  }

 private:
  // Completes cur_ (which reached min_full) to >= 2 members within the party limit.
  bool complete() {
    if (ev_.distinct_party(cur_) > static_cast<std::uint32_t>(rules_.max_members)) return false;
    if (cur_.size() >= 2) return true;
    for (auto v : others_) {
      cur_.push_back(v);
      const bool ok =
          ev_.distinct_party(cur_) <= static_cast<std::uint32_t>(rules_.max_members);
      cur_.pop_back();
      if (ok) return true;
    }
    return false;
  }

  int search(std::size_t start, std::uint32_t full) {
    if (++nodes_ > budget_) return 2;
    if (full >= static_cast<std::uint32_t>(rules_.min_full)) return complete() ? 1 : 0;
    const auto room = static_cast<std::uint32_t>(rules_.max_units) -
                      static_cast<std::uint32_t>(cur_.size());
    if (room == 0 || full + 2 * room < static_cast<std::uint32_t>(rules_.min_full)) return 0;
    bool unknown = false;
    for (std::size_t i = start; i < adders_.size(); ++i) {
      cur_.push_back(adders_[i]);
      const std::uint32_t f = ev_.distinct_full(cur_);
      int r = 0;
      if (f > full &&
          ev_.distinct_party(cur_) <= static_cast<std::uint32_t>(rules_.max_members)) {
        r = search(i + 1, f);
      }
      cur_.pop_back();
      if (r == 1) return 1;
      if (r == 2) {
        unknown = true;
        if (nodes_ > budget_) return 2;
      }
    }
    return unknown ? 2 : 0;
  }

  const Rules& rules_;
  const Component& comp_;
  Evaluator& ev_;
  std::vector<std::uint32_t> adders_, others_, cur_;
  std::uint64_t nodes_ = 0, budget_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Exact: dynamic programming over subsets of the candidates that belong to a feasible group.

// Enumerates the subsets of `pool` with 2..max_units members; calls visit(members).
template <class Visit>
void for_each_subset(std::span<const std::uint32_t> pool, int max_units,
                     std::vector<std::uint32_t>& cur, std::size_t start, Visit& visit) {
  for (std::size_t i = start; i < pool.size(); ++i) {
    cur.push_back(pool[i]);
    if (cur.size() >= 2) visit(cur);
    if (static_cast<int>(cur.size()) < max_units) {
      for_each_subset(pool, max_units, cur, i + 1, visit);
    }
    cur.pop_back();
  }
}

std::uint64_t subsets_up_to(std::size_t n, int max_units) {
  std::uint64_t total = 0, c = 1;  // c = C(n, s)
  for (int s = 1; s <= max_units && static_cast<std::size_t>(s) <= n; ++s) {
    c = c * (n - static_cast<std::uint64_t>(s) + 1) / static_cast<std::uint64_t>(s);
    total += c;
    if (total > (std::uint64_t{1} << 40)) break;
  }
  return total;
}

struct ExactOutcome {
  bool solved = false;
  bool coverable_known = false;  // `coverable` holds the exact answer for every candidate
  std::vector<std::uint8_t> coverable;
  // The groups (local indices), one after another: group i ends before members[ends[i]].
  std::vector<std::uint32_t> members;
  std::vector<std::uint32_t> ends;
  std::size_t groups() const { return ends.size(); }
  std::span<std::uint32_t> group(std::size_t i) {
    const std::uint32_t begin = i == 0 ? 0 : ends[i - 1];
    return {members.data() + begin, ends[i] - begin};
  }
};

// solve_exact()'s result and working memory, kept from call to call: the iterated local search
// calls it a few times per step, and fresh allocations cost page faults.
struct ExactScratch {
  ExactOutcome out;
  std::vector<std::uint32_t> cur, index, cand;
  std::vector<std::uint32_t> feasible_members;                  // all feasible groups, flat
  std::vector<std::pair<std::uint32_t, std::int64_t>> feasible;  // (end in feasible_members, value)
  std::vector<std::int32_t> sp, ip;
  std::vector<std::vector<std::pair<std::uint64_t, std::int64_t>>> by_low;
  std::vector<std::int64_t> best;
  std::vector<std::uint32_t> choice;
  std::vector<std::uint8_t> done;
};

// With `core_value`, every group is worth max_units candidates (it will be filled up with
// candidates that have no full members): the programme then maximises the number of groups.
// The result is ws.out.
ExactOutcome& solve_exact(const Rules& rules, const Component& comp, Evaluator& ev,
                          const SolverOptions& opts, ExactScratch& ws, bool core_value = false) {
  ExactOutcome& out = ws.out;
  out.solved = out.coverable_known = false;
  out.coverable.clear();
  out.members.clear();
  out.ends.clear();
  const std::size_t k = comp.c.size();
  if (k > 3 * static_cast<std::size_t>(opts.exact_max_candidates)) return out;
  constexpr std::uint64_t kMaxEnumerated = 400'000;
  std::uint64_t subsets = 0;
  for (std::size_t p = 0; p < comp.pools(); ++p) {
    subsets += subsets_up_to(comp.pool(p).size(), rules.max_units);
  }
  if (subsets > kMaxEnumerated) return out;

  // Every feasible group, once (a group valid in both pools is enumerated in its street pool).
  auto& feasible = ws.feasible;
  feasible.clear();
  ws.feasible_members.clear();
  out.coverable.assign(k, 0);
  auto& cur = ws.cur;
  cur.clear();
  for (std::size_t p = 0; p < comp.pools(); ++p) {
    const bool industry_pool = p >= comp.street_pools;
    auto visit = [&](const std::vector<std::uint32_t>& members) {
      if (industry_pool && rules.street) {
        bool one_street = true;
        for (auto m : members) one_street = one_street && comp.c[m].street == comp.c[members[0]].street;
        if (one_street) return;
      }
      std::uint32_t full_sum = 0;  // distinct full members never exceed the sum
      for (auto m : members) full_sum += comp.c[m].full();
      if (full_sum < static_cast<std::uint32_t>(rules.min_full)) return;
      const GroupEval e = ev(members);
      if (!e.feasible) return;
      const auto worth = core_value ? static_cast<std::int64_t>(rules.max_units)
                                    : static_cast<std::int64_t>(members.size());
      ws.feasible_members.insert(ws.feasible_members.end(), members.begin(), members.end());
      feasible.emplace_back(static_cast<std::uint32_t>(ws.feasible_members.size()),
                            worth * kCoverWeight - e.cost);
      for (auto m : members) out.coverable[m] = 1;
    };
    for_each_subset(comp.pool(p), rules.max_units, cur, 0, visit);
  }
  out.coverable_known = true;

  auto& index = ws.index;
  auto& cand = ws.cand;
  index.assign(k, kNoCand);
  cand.clear();
  for (std::uint32_t i = 0; i < k; ++i) {
    if (out.coverable[i] != 0) {
      index[i] = static_cast<std::uint32_t>(cand.size());
      cand.push_back(i);
    }
  }
  const std::size_t kc = cand.size();
  if (kc > opts.exact_max_candidates || kc > 26) return out;
  if (kc == 0) {
    out.solved = true;
    return out;
  }
  const std::uint64_t full = (std::uint64_t{1} << kc) - 1;
  auto& sp = ws.sp;
  auto& ip = ws.ip;
  sp.resize(kc);
  ip.resize(kc);
  for (std::size_t b = 0; b < kc; ++b) {
    sp[b] = comp.sp[cand[b]];
    ip[b] = comp.ip[cand[b]];
  }
  // Work estimate, the gate for solving exactly: for lowest candidate i with r candidates above
  // it, a of them in its street pool and b in its industry pool, a programme that enumerates
  // the combinations of mask's candidates tries at most
  // 2^r * sum_{j < max_units} (C(a, j) + C(b, j)) / 2^j of them over all masks. (The programme
  // below walks each candidate's list of feasible groups instead, which is never more work.)
  double work = 0;
  for (std::size_t i = 0; i < kc; ++i) {
    const std::size_t r = kc - 1 - i;
    std::size_t a = 0, bcount = 0;
    for (std::size_t j = i + 1; j < kc; ++j) {
      a += (sp[j] >= 0 && sp[j] == sp[i]) ? 1 : 0;
      bcount += (ip[j] >= 0 && ip[j] == ip[i]) ? 1 : 0;
    }
    double ca = 1, cb = 1, sum = 0, scale = 1;
    for (std::size_t j = 0; j < static_cast<std::size_t>(rules.max_units); ++j) {
      sum += (ca + cb) * scale;
      ca = j < a ? ca * static_cast<double>(a - j) / static_cast<double>(j + 1) : 0;
      cb = j < bcount ? cb * static_cast<double>(bcount - j) / static_cast<double>(j + 1) : 0;
      scale /= 2;
    }
    work += std::ldexp(sum, static_cast<int>(r));
    if (work > static_cast<double>(opts.exact_max_work)) return out;
  }
  // The feasible groups by their lowest candidate, in the order a depth-first enumeration of
  // combinations would meet them (lexicographic in candidate order), so ties resolve the same
  // way: the first best group found is kept.
  auto& by_low = ws.by_low;
  if (by_low.size() < kc) by_low.resize(kc);
  for (std::size_t b = 0; b < kc; ++b) by_low[b].clear();
  std::uint32_t begin = 0;
  for (const auto& [end, v] : feasible) {
    std::uint64_t g = 0;
    for (std::uint32_t i = begin; i < end; ++i) g |= std::uint64_t{1} << index[ws.feasible_members[i]];
    begin = end;
    by_low[static_cast<std::size_t>(std::countr_zero(g))].emplace_back(g, v);
  }
  const auto lex_less = [](const std::pair<std::uint64_t, std::int64_t>& x,
                           const std::pair<std::uint64_t, std::int64_t>& y) {
    // Compare the ascending bit sequences; a prefix comes first.
    std::uint64_t a = x.first, b = y.first;
    while (a != 0 && b != 0) {
      const int ba = std::countr_zero(a), bb = std::countr_zero(b);
      if (ba != bb) return ba < bb;
      a &= a - 1;
      b &= b - 1;
    }
    return a == 0 && b != 0;
  };
  for (std::size_t b = 0; b < kc; ++b) std::sort(by_low[b].begin(), by_low[b].end(), lex_less);
  // best[mask] = optimum over the candidates of mask: the lowest candidate is left out, or joins
  // one of its feasible groups inside mask. Computed on demand from the whole set down: only
  // the masks some choice leads to are ever needed (groups take a candidate's partners, so
  // most masks are not).
  auto& best = ws.best;
  auto& choice = ws.choice;
  auto& done = ws.done;
  best.resize(full + 1);
  choice.resize(full + 1);
  done.assign(full + 1, 0);
  done[0] = 1;
  best[0] = 0;
  choice[0] = 0;
  const auto solve = [&](const auto& self, std::uint64_t mask) -> std::int64_t {
    if (done[mask] != 0) return best[mask];
    const std::uint64_t rest = mask & (mask - 1);
    std::int64_t b = self(self, rest);
    std::uint32_t ch = 0;
    for (const auto& [g, v] : by_low[static_cast<std::size_t>(std::countr_zero(mask))]) {
      if ((g & ~mask) != 0) continue;
      const std::int64_t total = v + self(self, mask ^ g);
      if (total > b) {
        b = total;
        ch = static_cast<std::uint32_t>(g);
      }
    }
    best[mask] = b;
    choice[mask] = ch;
    done[mask] = 1;
    return b;
  };
  solve(solve, full);
  std::uint64_t mask = full;
  while (mask != 0) {
    const std::uint64_t gm = choice[mask];
    if (gm == 0) {
      mask &= mask - 1;
      continue;
    }
    for (std::size_t b = 0; b < kc; ++b) {
      if ((gm >> b) & 1u) out.members.push_back(cand[b]);
    }
    out.ends.push_back(static_cast<std::uint32_t>(out.members.size()));
    mask ^= gm;
  }
  out.solved = true;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Heuristic: construction, local search, iterated local search.

class Heuristic {
 public:
  Heuristic(const Rules& rules, const Component& comp, const Id* people, Evaluator& ev,
            const SolverOptions& opts, std::uint64_t seed)
      : rules_(rules),
        comp_(comp),
        people_(people),
        ev_(ev),
        opts_(opts),
        k_(comp.c.size()),
        grp_(k_, -1),
        pool_covered_(comp.pools()),
        dead_(k_, 0),
        rng_{seed} {}

  void run() {
    pool_ver_.assign(comp_.pools(), 0);
    without_memo_.assign(k_, WithoutMemo{});
    fail_sig_.assign(k_, 0);
    prove(/*with_full=*/true);
    update_bound();
    construct();
    local_search_all();
    // Proving fillers can only tighten the bound when the candidate count is what binds.
    if (covered_ < static_cast<std::int64_t>(bound_) && !g_binding_) {
      prove(/*with_full=*/false);
      update_bound();
    }
    perturb();
    local_search_all();
  }
  // min(candidates not proven out, max_units * gmax(...)): see solve_component().
  std::uint64_t bound() const { return bound_; }

  std::vector<std::vector<std::uint32_t>> groups() const {
    std::vector<std::vector<std::uint32_t>> out;
    for (const auto& g : gs_) {
      if (!g.alive) continue;
      auto m = g.m;
      std::sort(m.begin(), m.end());
      out.push_back(std::move(m));
    }
    return out;
  }
  // 0 covered, 1 unplaced (or unknown), 2 proven not coverable.
  std::uint8_t state(std::uint32_t u) const {
    if (grp_[u] >= 0) return 0;
    return dead_[u] == 1 ? 2 : 1;
  }

 private:
  struct Group {
    std::vector<std::uint32_t> m;
    int cost = 0;
    bool alive = false;
  };
  struct Saved {
    std::int32_t g;
    std::vector<std::uint32_t> m;
    bool alive;
    int cost;
  };

  std::uint32_t full(std::uint32_t u) const { return comp_.c[u].full(); }
  std::size_t size(std::int32_t g) const { return gs_[static_cast<std::size_t>(g)].m.size(); }
  Group& G(std::int32_t g) { return gs_[static_cast<std::size_t>(g)]; }
  std::int64_t objective() const { return covered_ * kCoverWeight - cost_; }

  // --- mutation (journalled while an ILS step is open) ------------------------------------

  // Every change of grp_ goes through here, to keep pool_covered_ current.
  void set_group(std::uint32_t x, std::int32_t g) {
    const bool was = grp_[x] >= 0;
    grp_[x] = g;
    if (was == (g >= 0)) return;
    for (std::int32_t p : {comp_.sp[x], comp_.ip[x]}) {
      if (p < 0) continue;
      auto& list = pool_covered_[static_cast<std::size_t>(p)];
      const auto at = std::lower_bound(list.begin(), list.end(), x);
      if (was) {
        list.erase(at);
      } else {
        list.insert(at, x);
      }
    }
  }

  void touch(std::int32_t g) {
    if (!journal_open_) return;
    if (gtouched_[static_cast<std::size_t>(g)] == journal_id_) return;
    gtouched_[static_cast<std::size_t>(g)] = journal_id_;
    journal_.push_back({g, G(g).m, G(g).alive, G(g).cost});
  }
  bool open(std::int32_t g) const {
    const Group& gr = gs_[static_cast<std::size_t>(g)];
    return gr.alive && static_cast<int>(gr.m.size()) < rules_.max_units;
  }
  // Every change of a group bumps the versions of its members' pools (moves of uncovered
  // candidates are retried only when one of their pools changed) and keeps `open_`, the number
  // of groups with room, current.
  void bump(std::int32_t g) {
    for (auto x : G(g).m) {
      for (std::int32_t p : {comp_.sp[x], comp_.ip[x]}) {
        if (p >= 0) ++pool_ver_[static_cast<std::size_t>(p)];
      }
    }
  }
  void before(std::int32_t g) {
    ++gver_[static_cast<std::size_t>(g)];
    touch(g);
    bump(g);
    if (open(g)) --open_;
  }
  void after(std::int32_t g) {
    bump(g);
    if (open(g)) ++open_;
  }
  void recost(std::int32_t g) {
    Group& gr = G(g);
    cost_ -= gr.cost;
    gr.cost = gr.m.empty() ? 0 : ev_(gr.m).cost;
    cost_ += gr.cost;
  }
  std::int32_t alloc() {
    while (!free_.empty()) {
      const std::int32_t g = free_.back();
      free_.pop_back();
      if (!G(g).alive) return g;
    }
    gs_.emplace_back();
    gstamp_.push_back(0);
    gtouched_.push_back(0);
    gver_.push_back(0);
    no_move_.emplace_back();
    return static_cast<std::int32_t>(gs_.size() - 1);
  }
  std::int32_t create(std::span<const std::uint32_t> members) {
    const std::int32_t g = alloc();
    before(g);
    Group& gr = G(g);
    gr.alive = true;
    gr.m.assign(members.begin(), members.end());
    gr.cost = 0;
    for (auto x : members) set_group(x, g);
    covered_ += static_cast<std::int64_t>(members.size());
    recost(g);
    after(g);
    return g;
  }
  void dissolve(std::int32_t g) {
    before(g);
    Group& gr = G(g);
    for (auto x : gr.m) set_group(x, -1);
    covered_ -= static_cast<std::int64_t>(gr.m.size());
    cost_ -= gr.cost;
    gr.m.clear();
    gr.cost = 0;
    gr.alive = false;
    free_.push_back(g);
  }
  void add(std::int32_t g, std::uint32_t x) {
    before(g);
    G(g).m.push_back(x);
    set_group(x, g);
    ++covered_;
    recost(g);
    after(g);
  }
  void remove(std::int32_t g, std::uint32_t x) {
    if (size(g) == 1) {
      dissolve(g);
      return;
    }
    before(g);
    auto& m = G(g).m;
    m.erase(std::find(m.begin(), m.end(), x));
    set_group(x, -1);
    --covered_;
    recost(g);
    after(g);
    for (std::int32_t p : {comp_.sp[x], comp_.ip[x]}) {
      if (p >= 0) ++pool_ver_[static_cast<std::size_t>(p)];
    }
  }
  void replace(std::int32_t g, std::uint32_t out, std::uint32_t in) {
    before(g);
    auto& m = G(g).m;
    *std::find(m.begin(), m.end(), out) = in;
    if (grp_[out] == g) set_group(out, -1);  // it may already sit in its new group (swaps, chains)
    set_group(in, g);
    recost(g);
    after(g);
    for (std::int32_t p : {comp_.sp[out], comp_.ip[out]}) {
      if (p >= 0) ++pool_ver_[static_cast<std::size_t>(p)];
    }
  }
  // Version signature of u's pools.
  std::uint64_t signature(std::uint32_t u) const {
    std::uint64_t sig = 1;
    for (std::int32_t p : {comp_.sp[u], comp_.ip[u]}) {
      if (p >= 0) sig += pool_ver_[static_cast<std::size_t>(p)];
    }
    return sig;
  }

  // --- evaluation helpers ---------------------------------------------------------------

  // Members of g without `out` (kNoCand: none) and with `in` (kNoCand: none), written into
  // buf (which only grows: this runs for nearly every evaluation).
  std::span<const std::uint32_t> with(std::int32_t g, std::uint32_t out, std::uint32_t in,
                                      std::vector<std::uint32_t>& buf) const {
    const auto& m = gs_[static_cast<std::size_t>(g)].m;
    if (buf.size() < m.size() + 1) buf.resize(m.size() + 1);
    std::size_t n = 0;
    for (auto x : m) {
      buf[n] = x;
      n += x != out ? 1 : 0;
    }
    if (in != kNoCand) buf[n++] = in;
    return {buf.data(), n};
  }

  // Groups having a member in one of u's pools (in the order of their first member there).
  void compat(std::uint32_t u, std::vector<std::int32_t>& out) {
    ++tick_;
    out.clear();
    for (std::int32_t p : {comp_.sp[u], comp_.ip[u]}) {
      if (p < 0) continue;
      for (auto v : pool_covered_[static_cast<std::size_t>(p)]) {
        const std::int32_t g = grp_[v];
        if (gstamp_[static_cast<std::size_t>(g)] != tick_) {
          gstamp_[static_cast<std::size_t>(g)] = tick_;
          out.push_back(g);
        }
      }
    }
  }

  // --- construction ---------------------------------------------------------------------

  // Greedy cores among the unassigned candidates with full members in `list` (one pool, in
  // locality order so that cheap partners sit side by side): seeds with 2 full members first,
  // each grown by the nearby partner that reaches min_full with the least waste, then the
  // least cost, never above `max_cost`.
  void form_cores(std::span<const std::uint32_t> list, int max_cost, bool allow_waste = true) {
    seeds_.clear();
    for (auto v : list) {
      if (grp_[v] < 0 && dead_[v] != 1 && full(v) > 0) seeds_.push_back(v);
    }
    if (seeds_.size() < 2) return;
    order_.resize(seeds_.size());
    std::iota(order_.begin(), order_.end(), 0u);
    std::stable_sort(order_.begin(), order_.end(), [&](std::uint32_t a, std::uint32_t b) {
      return full(seeds_[a]) > full(seeds_[b]);
    });
    const auto m = static_cast<std::uint32_t>(rules_.min_full);
    const auto n = static_cast<std::int64_t>(seeds_.size());
    for (auto pos : order_) {
      const std::uint32_t s = seeds_[pos];
      if (grp_[s] >= 0) continue;
      cur_.assign(1, s);
      std::uint32_t f = ev_.distinct_full(cur_);
      while (f < m && static_cast<int>(cur_.size()) < rules_.max_units) {
        std::uint32_t best = kNoCand, best_f = 0;
        std::tuple<std::uint32_t, int, std::int64_t> best_key{};
        int scanned = 0;
        for (std::int64_t d = 1; d < n && scanned < 64; ++d) {
          for (std::int64_t j : {static_cast<std::int64_t>(pos) - d, static_cast<std::int64_t>(pos) + d}) {
            if (j < 0 || j >= n) continue;
            const std::uint32_t v = seeds_[static_cast<std::size_t>(j)];
            if (grp_[v] >= 0 || std::find(cur_.begin(), cur_.end(), v) != cur_.end()) continue;
            ++scanned;
            cur_.push_back(v);
            const GroupEval e = ev_(cur_);
            const std::uint32_t nf = e.valid ? ev_.distinct_full(cur_) : 0;
            cur_.pop_back();
            if (!e.valid || nf <= f || e.cost > max_cost) continue;
            const std::uint32_t over = nf > m ? nf - m : 0;
            if (over > 0 && !allow_waste) continue;
            const std::tuple<std::uint32_t, int, std::int64_t> key{over, e.cost, d};
            if (best == kNoCand || key < best_key) {
              best = v;
              best_f = nf;
              best_key = key;
            }
          }
        }
        if (best == kNoCand) break;
        cur_.push_back(best);
        f = best_f;
      }
      if (f >= m && ev_(cur_).feasible) create(cur_);
    }
  }

  // Pools in locality order: a street by community then industry, an industry by street then
  // community.
  void sort_pools() {
    local_order_ = comp_.pool_members;
    const auto& c = comp_.c;
    for (std::size_t p = 0; p < comp_.pools(); ++p) {
      const std::span<std::uint32_t> list(local_order_.data() + comp_.pool_begin[p],
                                          comp_.pool_begin[p + 1] - comp_.pool_begin[p]);
      if (p < comp_.street_pools) {
        std::stable_sort(list.begin(), list.end(), [&](std::uint32_t a, std::uint32_t b) {
          return std::tuple{c[a].community, c[a].industry} < std::tuple{c[b].community, c[b].industry};
        });
      } else {
        std::stable_sort(list.begin(), list.end(), [&](std::uint32_t a, std::uint32_t b) {
          return std::tuple{c[a].street, c[a].community} < std::tuple{c[b].street, c[b].community};
        });
      }
    }
  }

  // Cheapest cores first: layer by layer of cost, every pool.
  void construct() {
    sort_pools();
    // Cores that reach min_full exactly come first (a core with more full members than needed
    // may take what another core lacks), then the rest.
    const int max_cost = 2 * (rules_.max_units - 1);
    for (bool waste : {false, true}) {
      for (int layer = 0; layer <= max_cost; ++layer) {
        for (std::size_t p = 0; p < comp_.pools(); ++p) {
          form_cores({local_order_.data() + comp_.pool_begin[p],
                      comp_.pool_begin[p + 1] - comp_.pool_begin[p]},
                     layer, waste);
        }
      }
    }
  }

  // --- coverage moves (each covers at least one more candidate) ------------------------

  bool try_insert(std::uint32_t u) {
    compat(u, cg_);
    std::int32_t best = -1;
    int best_delta = std::numeric_limits<int>::max();
    for (auto g : cg_) {
      if (static_cast<int>(size(g)) >= rules_.max_units) continue;
      const GroupEval e = ev_(with(g, kNoCand, u, t1_));
      if (!e.feasible) continue;
      const int d = e.cost - G(g).cost;
      if (d < best_delta) {
        best_delta = d;
        best = g;
      }
    }
    if (best < 0) return false;
    add(best, u);
    return true;
  }

  // A new group: u plus partners (with full members) that are uncovered, or surplus in their
  // group (the group stays feasible without them).
  bool try_new_group(std::uint32_t u) {
    std::int64_t best_gain = 0;
    std::vector<std::uint32_t> best_set;
    const auto& cu = comp_.c[u];
    for (std::int32_t p : {comp_.sp[u], comp_.ip[u]}) {
      if (p < 0) continue;
      const bool street_pool = static_cast<std::size_t>(p) < comp_.street_pools;
      partners_.clear();
      for (auto v : comp_.pool(static_cast<std::size_t>(p))) {
        if (v == u || full(v) == 0 || dead_[v] == 1) continue;
        int prio = 0;
        if (grp_[v] >= 0) {
          if (!feasible_without(v)) continue;
          prio = 1;
        }
        const auto& cv = comp_.c[v];
        const int locality = street_pool ? (cv.community != cu.community) + (cv.industry != cu.industry)
                                         : (cv.street != cu.street);
        partners_.push_back({prio * 4 + locality, v});
      }
      if (partners_.empty()) continue;
      std::sort(partners_.begin(), partners_.end());
      if (partners_.size() > 14) partners_.resize(14);
      const int need = std::max(1, rules_.min_full - static_cast<int>(full(u)));
      const int max_size = std::min({rules_.max_units - 1, need + 1, 4});
      set_.clear();
      search_new(u, 0, max_size, best_gain, best_set);
    }
    if (best_set.empty()) return false;
    for (auto v : best_set) {
      if (grp_[v] >= 0) remove(grp_[v], v);
    }
    best_set.push_back(u);
    create(best_set);
    return true;
  }

  void search_new(std::uint32_t u, std::size_t start, int max_size, std::int64_t& best_gain,
                  std::vector<std::uint32_t>& best_set) {
    for (std::size_t i = start; i < partners_.size(); ++i) {
      set_.push_back(partners_[i].second);
      evaluate_new(u, best_gain, best_set);
      if (static_cast<int>(set_.size()) < max_size) search_new(u, i + 1, max_size, best_gain, best_set);
      set_.pop_back();
    }
  }

  // Is set_[i] the first member of set_ taken from its group (each source group counts once)?
  bool first_of_its_group(std::size_t i) const {
    for (std::size_t j = 0; j < i; ++j) {
      if (grp_[set_[j]] == grp_[set_[i]]) return false;
    }
    return true;
  }

  void evaluate_new(std::uint32_t u, std::int64_t& best_gain, std::vector<std::uint32_t>& best_set) {
    std::uint32_t fsum = full(u);
    for (auto v : set_) fsum += full(v);
    if (fsum < static_cast<std::uint32_t>(rules_.min_full)) return;
    // The gain is at most a cover weight per newly covered candidate, plus the whole cost of
    // every source group (a cost never drops below 0): no better than the best, no evaluation.
    std::int64_t most = kCoverWeight;
    for (std::size_t i = 0; i < set_.size(); ++i) {
      const std::int32_t g = grp_[set_[i]];
      if (g < 0) {
        most += kCoverWeight;
        continue;
      }
      if (first_of_its_group(i)) most += G(g).cost;
    }
    if (most <= best_gain) return;
    t2_.assign(set_.begin(), set_.end());
    t2_.push_back(u);
    const GroupEval e = ev_(t2_);
    if (!e.feasible) return;
    std::int64_t gain = kCoverWeight - e.cost;
    // Sources, each evaluated once without all of its members taken.
    for (std::size_t i = 0; i < set_.size(); ++i) {
      const std::int32_t g = grp_[set_[i]];
      if (g < 0) {
        gain += kCoverWeight;
        continue;
      }
      if (!first_of_its_group(i)) continue;
      t1_.clear();
      for (auto x : G(g).m) {
        if (std::find(set_.begin(), set_.end(), x) == set_.end()) t1_.push_back(x);
      }
      const GroupEval es = ev_(t1_);
      if (!es.feasible) return;
      gain -= es.cost - G(g).cost;
    }
    if (gain > best_gain) {
      best_gain = gain;
      best_set = set_;
    }
  }

  // Is v's group feasible without v? Remembered per candidate with its group's version.
  bool feasible_without(std::uint32_t v) {
    const std::int32_t g = grp_[v];
    WithoutMemo& memo = without_memo_[v];
    if (memo.group != g || memo.version != gver_[static_cast<std::size_t>(g)]) {
      memo = {g, gver_[static_cast<std::size_t>(g)], ev_(with(g, v, kNoCand, t1_)).feasible};
    }
    return memo.feasible;
  }

  // u and the members of a group g in its pools, re-split into two feasible groups.
  bool try_split_insert(std::uint32_t u) {
    compat(u, cg_);
    std::int64_t best_gain = 0;
    std::int32_t best_g = -1;
    std::uint32_t best_mask = 0;
    for (auto g : cg_) {
      const std::size_t n = size(g) + 1;
      if (n < 4 || n > 7 || static_cast<int>(n) > 2 * rules_.max_units) continue;
      std::uint32_t fsum = full(u);
      for (auto x : G(g).m) fsum += full(x);
      if (fsum < 2 * static_cast<std::uint32_t>(rules_.min_full)) continue;  // two groups need 2m
      all_.assign(G(g).m.begin(), G(g).m.end());
      all_.push_back(u);
      for (std::uint32_t mask = 0; mask < (1u << (n - 1)); ++mask) {
        // all_[0] is in part A; bit i-1 puts all_[i] into A.
        t1_.assign(1, all_[0]);
        t2_.clear();
        for (std::size_t i = 1; i < n; ++i) ((mask >> (i - 1)) & 1u ? t1_ : t2_).push_back(all_[i]);
        if (t1_.size() < 2 || t2_.size() < 2) continue;
        const GroupEval a = ev_(t1_);
        if (!a.feasible) continue;
        const GroupEval b = ev_(t2_);
        if (!b.feasible) continue;
        const std::int64_t gain = kCoverWeight - (a.cost + b.cost - G(g).cost);
        if (gain > best_gain) {
          best_gain = gain;
          best_g = g;
          best_mask = mask;
        }
      }
    }
    if (best_g < 0) return false;
    all_.assign(G(best_g).m.begin(), G(best_g).m.end());
    all_.push_back(u);
    std::vector<std::uint32_t> a{all_[0]}, b;
    for (std::size_t i = 1; i < all_.size(); ++i) ((best_mask >> (i - 1)) & 1u ? a : b).push_back(all_[i]);
    dissolve(best_g);
    create(a);
    create(b);
    return true;
  }

  // Ejection chain: u replaces w1 in g1, w1 replaces w2 in g2, ..., the last one joins a group
  // with room. Breadth-first search over groups (each group at most once).
  bool try_eject(std::uint32_t u) {
    if (open_ == 0) return false;  // a chain must end in a group with room
    using Node = NodeT;
    nodes_.clear();
    nodes_.push_back({u, -1, -1});
    ++tick2_;
    near_keys_.clear();
    near_groups_.clear();
    near_end_.clear();
    const std::size_t max_nodes = 400;
    std::int32_t end_node = -1, end_group = -1;
    for (std::size_t head = 0; head < nodes_.size() && end_node < 0; ++head) {
      const Node nd = nodes_[head];
      const std::span<const std::int32_t> near = compat_cached(nd.x);
      int best_delta = std::numeric_limits<int>::max();
      for (auto h : near) {
        if (h == nd.via || gvisit_at(h) == tick2_) continue;
        if (static_cast<int>(size(h)) >= rules_.max_units) continue;
        const GroupEval e = ev_(with(h, kNoCand, nd.x, t1_));
        if (e.feasible && e.cost - G(h).cost < best_delta) {
          best_delta = e.cost - G(h).cost;
          end_node = static_cast<std::int32_t>(head);
          end_group = h;
        }
      }
      if (end_node >= 0) break;
      if (nodes_.size() >= max_nodes) continue;
      for (auto h : near) {
        if (h == nd.via || gvisit_at(h) == tick2_) continue;
        gvisit_at(h) = tick2_;
        for (auto w : G(h).m) {
          if (!ev_(with(h, w, nd.x, t1_)).feasible) continue;
          nodes_.push_back({w, h, static_cast<std::int32_t>(head)});
        }
      }
    }
    if (end_node < 0) return false;
    // Apply from the end: the last candidate joins end_group, then each replacement.
    std::int32_t i = end_node;
    const std::uint32_t last = nodes_[static_cast<std::size_t>(i)].x;
    std::vector<std::pair<std::int32_t, std::pair<std::uint32_t, std::uint32_t>>> swaps;
    while (nodes_[static_cast<std::size_t>(i)].via >= 0) {
      const Node& nd = nodes_[static_cast<std::size_t>(i)];
      swaps.push_back({nd.via, {nd.x, nodes_[static_cast<std::size_t>(nd.parent)].x}});
      i = nd.parent;
    }
    // The replacements, from u's group onwards, then the final insertion.
    for (auto it = swaps.rbegin(); it != swaps.rend(); ++it) {
      replace(it->first, it->second.first, it->second.second);  // root first
    }
    add(end_group, last);
    return true;
  }
  // compat(x) during one try_eject(): no group changes meanwhile, so candidates with the same
  // two pools (most nodes share them) have the same list, computed once.
  std::span<const std::int32_t> compat_cached(std::uint32_t x) {
    const std::uint64_t key = (std::uint64_t{static_cast<std::uint32_t>(comp_.sp[x])} << 32) |
                              static_cast<std::uint32_t>(comp_.ip[x]);
    for (std::size_t i = 0; i < near_keys_.size(); ++i) {
      if (near_keys_[i] == key) {
        const std::uint32_t begin = i == 0 ? 0 : near_end_[i - 1];
        return {near_groups_.data() + begin, near_end_[i] - begin};
      }
    }
    compat(x, cg2_);
    if (near_keys_.size() >= 64) return cg2_;
    near_keys_.push_back(key);
    near_groups_.insert(near_groups_.end(), cg2_.begin(), cg2_.end());
    near_end_.push_back(static_cast<std::uint32_t>(near_groups_.size()));
    return cg2_;
  }
  std::uint32_t& gvisit_at(std::int32_t g) {
    if (gvisit_.size() < gs_.size()) gvisit_.resize(gs_.size(), 0);
    return gvisit_[static_cast<std::size_t>(g)];
  }

  bool cover(std::uint32_t u) {
    if (full(u) > 0) {
      return try_insert(u) || try_new_group(u) || try_split_insert(u) || try_eject(u);
    }
    return try_insert(u) || try_split_insert(u) || try_eject(u) || try_new_group(u);
  }

  // Passes over the uncovered candidates (those with full members first) until none can be
  // covered. Returns true when anything changed.
  bool coverage_phase(const std::vector<std::uint32_t>* only = nullptr) {
    bool any = false;
    for (int passes = 0; passes < 20; ++passes) {
      bool progress = false;
      for (int with_full = 1; with_full >= 0; --with_full) {
        auto visit = [&](std::uint32_t u) {
          if (grp_[u] >= 0 || dead_[u] == 1 || (full(u) > 0) != (with_full == 1)) return;
          if (covered_ >= static_cast<std::int64_t>(bound_)) return;  // provably optimal
          const std::uint64_t sig = signature(u);
          if (fail_sig_[u] == sig) return;  // nothing near u changed since it last failed
          if (cover(u)) {
            progress = any = true;
          } else {
            fail_sig_[u] = signature(u);
          }
        };
        if (only != nullptr) {
          for (auto u : *only) visit(u);
        } else {
          for (std::uint32_t u = 0; u < k_; ++u) visit(u);
        }
      }
      if (!progress) break;
    }
    return any;
  }

  // --- cost moves (coverage unchanged, cost strictly lower) ------------------------------

  // The sum of the versions of the pools of g's members: while g itself is unchanged, it
  // changes exactly when a group in those pools changes or a candidate there is (un)covered,
  // which is all that improve_group(g) reads besides g.
  std::uint64_t pools_signature(std::int32_t g) const {
    std::uint64_t sig = 0;
    for (auto x : gs_[static_cast<std::size_t>(g)].m) {
      for (std::int32_t p : {comp_.sp[x], comp_.ip[x]}) {
        if (p >= 0) sig += pool_ver_[static_cast<std::size_t>(p)];
      }
    }
    return sig;
  }

  bool improve_group(std::int32_t g) {
    if (!G(g).alive) return false;
    // Nothing it reads changed since it last found no move: it would find none again.
    NoMove& memo = no_move_[static_cast<std::size_t>(g)];
    if (memo.version == gver_[static_cast<std::size_t>(g)] && memo.pools == pools_signature(g)) {
      return false;
    }
    if (find_cost_move(g)) return true;
    memo = {gver_[static_cast<std::size_t>(g)], pools_signature(g)};
    return false;
  }

  // Applies the first cost move found for g (relocate, swap, replace, merge, split).
  bool find_cost_move(std::int32_t g) {
    const std::size_t n = size(g);
    // Relocate, swap, replace by an uncovered candidate.
    for (std::size_t i = 0; i < G(g).m.size(); ++i) {
      const std::uint32_t c = G(g).m[i];
      const GroupEval without = ev_(with(g, c, kNoCand, t1_));
      // Costs only grow as members join, so a move of c can lower the cost only when g is
      // cheaper without c (a swap where only the partner is such is found from its side).
      if (n > 2 && without.valid && without.cost >= G(g).cost) continue;
      if (n == 2 && G(g).cost == 0) continue;
      ev_.set_base(with(g, c, kNoCand, t1_));  // the swaps and replacements below add to g - c
      compat(c, cg_);
      for (auto h : cg_) {
        if (h == g) continue;
        if (without.feasible && static_cast<int>(size(h)) < rules_.max_units) {
          const GroupEval eh = ev_(with(h, kNoCand, c, t2_));
          if (eh.feasible && without.cost + eh.cost < G(g).cost + G(h).cost) {
            remove(g, c);
            add(h, c);
            return true;
          }
        }
        for (auto d : G(h).m) {
          const GroupEval eg = ev_.plus(d);
          if (!eg.feasible || eg.cost >= G(g).cost + G(h).cost) continue;
          const GroupEval eh = ev_(with(h, d, c, t2_));
          if (eh.feasible && eg.cost + eh.cost < G(g).cost + G(h).cost) {
            replace(g, c, d);
            replace(h, d, c);
            return true;
          }
        }
      }
      for (std::int32_t p : {comp_.sp[c], comp_.ip[c]}) {
        if (p < 0) continue;
        for (auto v : comp_.pool(static_cast<std::size_t>(p))) {
          if (grp_[v] >= 0 || dead_[v] == 1) continue;
          const GroupEval e = ev_.plus(v);
          if (e.feasible && e.cost < G(g).cost) {
            replace(g, c, v);
            return true;
          }
        }
      }
    }
    // Merge with a group in the same pools.
    if (static_cast<int>(n) < rules_.max_units && G(g).cost > 0) {
      compat(G(g).m[0], cg_);
      for (auto h : cg_) {
        if (h == g || static_cast<int>(n + size(h)) > rules_.max_units) continue;
        t1_.assign(G(g).m.begin(), G(g).m.end());
        t1_.insert(t1_.end(), G(h).m.begin(), G(h).m.end());
        const GroupEval e = ev_(t1_);
        if (e.feasible && e.cost < G(g).cost + G(h).cost) {
          std::vector<std::uint32_t> merged = t1_;
          dissolve(g);
          dissolve(h);
          create(merged);
          return true;
        }
      }
    }
    // Split into two cheaper groups.
    if (n >= 4 && n <= 10 && G(g).cost > 0) {
      all_.assign(G(g).m.begin(), G(g).m.end());
      for (std::uint32_t mask = 0; mask < (1u << (n - 1)); ++mask) {
        t1_.assign(1, all_[0]);
        t2_.clear();
        for (std::size_t i = 1; i < n; ++i) ((mask >> (i - 1)) & 1u ? t1_ : t2_).push_back(all_[i]);
        if (t1_.size() < 2 || t2_.size() < 2) continue;
        const GroupEval a = ev_(t1_);
        if (!a.feasible || a.cost >= G(g).cost) continue;
        const GroupEval b = ev_(t2_);
        if (b.feasible && a.cost + b.cost < G(g).cost) {
          std::vector<std::uint32_t> pa = t1_, pb = t2_;
          dissolve(g);
          create(pa);
          create(pb);
          return true;
        }
      }
    }
    return false;
  }

  bool cost_phase(const std::vector<std::int32_t>* only = nullptr) {
    bool any = false;
    for (int passes = 0; passes < 20; ++passes) {
      bool progress = false;
      if (only != nullptr) {
        for (auto g : *only) {
          for (int n = 0; n < 64 && improve_group(g); ++n) progress = any = true;
        }
      } else {
        for (std::size_t g = 0; g < gs_.size(); ++g) {
          for (int n = 0; n < 64 && improve_group(static_cast<std::int32_t>(g)); ++n) {
            progress = any = true;
          }
        }
      }
      if (!progress) break;
    }
    return any;
  }

  void local_search_all() {
    // Group-centric filling first: each group takes the uncovered candidates it fits best.
    for (std::size_t g = 0; g < gs_.size(); ++g) fill_group(static_cast<std::int32_t>(g));
    for (int round = 0; round < 10; ++round) {
      bool a = coverage_phase();
      // Left-over candidates with full members: regroup the cores around each, once.
      for (std::uint32_t u = 0; u < k_ && covered_ < static_cast<std::int64_t>(bound_); ++u) {
        if (grp_[u] < 0 && full(u) > 0 && dead_[u] != 1 && core_lns(u, opts_.core_lns_candidates)) {
          a = true;
        }
      }
      const bool b = cost_phase();
      if (!a && !b) break;
    }
  }

  // Marks uncovered candidates (with or without full members) that provably belong to no
  // feasible group.
  void prove(bool with_full) {
    FeasibilityProver prover(rules_, comp_, ev_);
    for (std::uint32_t u = 0; u < k_; ++u) {
      if (grp_[u] >= 0 || dead_[u] != 0 || (full(u) > 0) != with_full) continue;
      dead_[u] = prover.prove(u) == 0 ? 1 : 2;  // 2: a group exists (or unknown)
    }
    std::fill(no_move_.begin(), no_move_.end(), NoMove{});  // moves may skip dead candidates
  }

  void update_bound() {
    std::uint64_t n = 0, n1 = 0, n2 = 0;
    for (std::uint32_t u = 0; u < k_; ++u) {
      if (dead_[u] == 1) continue;
      ++n;
      n1 += full(u) == 1 ? 1 : 0;
      n2 += full(u) >= 2 ? 1 : 0;
    }
    nonfillers_ = n1 + n2;
    const std::uint64_t by_groups = static_cast<std::uint64_t>(rules_.max_units) * gmax(n1, n2, rules_);
    g_binding_ = by_groups < n;
    bound_ = std::min(n, by_groups);
  }

  // --- iterated local search ---------------------------------------------------------

  void open_journal() {
    journal_open_ = true;
    ++journal_id_;
    journal_.clear();
  }
  void rollback() {
    // Candidates involved anywhere: uncover them all, then restore the saved groups.
    std::vector<std::uint32_t> involved;
    for (const auto& s : journal_) {
      for (auto x : G(s.g).m) involved.push_back(x);
      for (auto x : s.m) involved.push_back(x);
    }
    for (auto x : involved) set_group(x, -1);
    for (const auto& s : journal_) {
      Group& gr = G(s.g);
      if (gr.alive && !s.alive) free_.push_back(s.g);
      gr.m = s.m;
      gr.alive = s.alive;
      gr.cost = s.cost;
      ++gver_[static_cast<std::size_t>(s.g)];
    }
    for (const auto& s : journal_) {
      if (s.alive) {
        for (auto x : s.m) set_group(x, s.g);
      }
    }
    for (auto x : involved) {
      for (std::int32_t p : {comp_.sp[x], comp_.ip[x]}) {
        if (p >= 0) ++pool_ver_[static_cast<std::size_t>(p)];
      }
    }
    journal_open_ = false;
  }

  // Exact large-neighbourhood move: whole groups near u plus uncovered candidates of its pools
  // (at most `limit` candidates) are re-solved to optimality by the subset programme; the
  // optimum replaces them when it is at least as good. Returns true on a strict improvement.
  bool lns_exact(std::uint32_t u, std::size_t limit) {
    ++tick3_;
    if (cstamp_.size() < k_) cstamp_.assign(k_, 0);
    sub_.clear();
    chosen_.clear();
    auto take_group = [&](std::int32_t g) {
      if (size(g) + sub_.size() > limit) return;
      for (auto x : G(g).m) {
        if (cstamp_[x] == tick3_) return;
      }
      chosen_.push_back(g);
      for (auto x : G(g).m) {
        cstamp_[x] = tick3_;
        sub_.push_back(x);
      }
    };
    if (grp_[u] >= 0) {
      take_group(grp_[u]);
    } else {
      cstamp_[u] = tick3_;
      sub_.push_back(u);
    }
    compat(u, cg_);
    for (std::size_t i = cg_.size(); i > 1; --i) {
      std::swap(cg_[i - 1], cg_[rng_.below(static_cast<std::uint32_t>(i))]);
    }
    for (auto g : cg_) take_group(g);
    loose_.clear();
    for (std::int32_t p : {comp_.sp[u], comp_.ip[u]}) {
      if (p < 0) continue;
      for (auto v : comp_.pool(static_cast<std::size_t>(p))) {
        if (grp_[v] < 0 && dead_[v] != 1 && cstamp_[v] != tick3_) {
          cstamp_[v] = tick3_;
          loose_.push_back(v);
        }
      }
    }
    for (std::size_t i = loose_.size(); i > 1; --i) {
      std::swap(loose_[i - 1], loose_[rng_.below(static_cast<std::uint32_t>(i))]);
    }
    for (auto v : loose_) {
      if (sub_.size() >= limit) break;
      sub_.push_back(v);
    }
    if (sub_.size() < 2) return false;
    std::sort(sub_.begin(), sub_.end());
    make_component(sub_comp_, rules_, comp_.c.data(), sub_);
    const Component& sub = sub_comp_;
    Evaluator sev(rules_, sub.c.data(), people_);
    SolverOptions so;
    so.exact_max_candidates = static_cast<std::uint32_t>(limit);
    so.exact_max_work = opts_.exact_max_work;
    ExactOutcome& ex = solve_exact(rules_, sub, sev, so, exact_);
    if (!ex.solved) return false;
    std::int64_t now = 0, then = 0;
    for (std::size_t i = 0; i < ex.groups(); ++i) {
      const auto grp = ex.group(i);
      now += static_cast<std::int64_t>(grp.size()) * kCoverWeight - sev(grp).cost;
    }
    for (auto g : chosen_) then += static_cast<std::int64_t>(size(g)) * kCoverWeight - G(g).cost;
    if (now < then) return false;
    for (auto g : chosen_) dissolve(g);
    for (std::size_t i = 0; i < ex.groups(); ++i) {
      const auto grp = ex.group(i);
      for (auto& x : grp) x = sub.global[x];
      create(grp);
    }
    return now > then;
  }

  // Core large-neighbourhood move: the candidates with full members of a few groups near u
  // (plus uncovered ones of u's pools) are regrouped exactly into the most, then cheapest,
  // cores; the cores are refilled from the freed and uncovered candidates. Journalled: undone
  // when the objective got worse. Returns true on a strict improvement.
  bool core_lns(std::uint32_t u, std::size_t limit) {
    ++tick3_;
    if (cstamp_.size() < k_) cstamp_.assign(k_, 0);
    sub_.clear();
    chosen_.clear();
    auto take_group = [&](std::int32_t g) {
      std::size_t nf = 0;
      for (auto x : G(g).m) nf += full(x) > 0 ? 1 : 0;
      if (nf + sub_.size() > limit || chosen_.size() >= 8) return;
      for (auto x : G(g).m) {
        if (cstamp_[x] == tick3_) return;
      }
      chosen_.push_back(g);
      for (auto x : G(g).m) {
        cstamp_[x] = tick3_;
        if (full(x) > 0) sub_.push_back(x);
      }
    };
    if (grp_[u] >= 0) {
      take_group(grp_[u]);
    } else if (full(u) > 0) {
      cstamp_[u] = tick3_;
      sub_.push_back(u);
    }
    compat(u, cg_);
    for (std::size_t i = cg_.size(); i > 1; --i) {
      std::swap(cg_[i - 1], cg_[rng_.below(static_cast<std::uint32_t>(i))]);
    }
    for (auto g : cg_) take_group(g);
    for (std::int32_t p : {comp_.sp[u], comp_.ip[u]}) {
      if (p < 0) continue;
      for (auto v : comp_.pool(static_cast<std::size_t>(p))) {
        if (sub_.size() >= limit) break;
        if (grp_[v] < 0 && full(v) > 0 && dead_[v] != 1 && cstamp_[v] != tick3_) {
          cstamp_[v] = tick3_;
          sub_.push_back(v);
        }
      }
    }
    if (sub_.size() < 2 || chosen_.empty()) return false;
    std::sort(sub_.begin(), sub_.end());
    make_component(sub_comp_, rules_, comp_.c.data(), sub_);
    const Component& sub = sub_comp_;
    Evaluator sev(rules_, sub.c.data(), people_);
    SolverOptions so;
    so.exact_max_candidates = static_cast<std::uint32_t>(limit);
    so.exact_max_work = opts_.exact_max_work;
    ExactOutcome& ex = solve_exact(rules_, sub, sev, so, exact_, /*core_value=*/true);
    if (!ex.solved || ex.groups() < chosen_.size()) return false;
    const std::int64_t before_obj = objective();
    const std::int64_t covered_before = covered_, cost_before = cost_, open_before = open_;
    open_journal();
    freed_.clear();
    for (auto g : chosen_) {
      for (auto x : G(g).m) freed_.push_back(x);
      dissolve(g);
    }
    created_.clear();
    for (std::size_t i = 0; i < ex.groups(); ++i) {
      const auto grp = ex.group(i);
      for (auto& x : grp) x = sub.global[x];
      created_.push_back(create(grp));
    }
    for (auto g : created_) fill_group(g);
    coverage_phase(&freed_);
    touched_.clear();
    for (const auto& sv : journal_) touched_.push_back(sv.g);
    cost_phase(&touched_);
    if (objective() < before_obj) {
      rollback();
      covered_ = covered_before;
      cost_ = cost_before;
      open_ = open_before;
      return false;
    }
    journal_open_ = false;
    return objective() > before_obj;
  }

  // Fills g up to max_units with the uncovered candidates of its pools that cost least
  // (without full members first: those with full members may found other cores).
  void fill_group(std::int32_t g) {
    while (G(g).alive && static_cast<int>(size(g)) < rules_.max_units) {
      const GroupEval now = ev_(G(g).m);
      ev_.set_base(G(g).m);
      const std::uint32_t first = G(g).m[0];
      std::uint32_t best = kNoCand;
      std::pair<int, std::uint32_t> best_key{};
      for (std::int32_t p : {now.street_cost >= 0 ? comp_.sp[first] : -1,
                             now.industry_cost >= 0 ? comp_.ip[first] : -1}) {
        if (p < 0) continue;
        for (auto v : comp_.pool(static_cast<std::size_t>(p))) {
          if (grp_[v] >= 0 || dead_[v] == 1) continue;
          // A member never lowers the cost, so once the best adds nothing, only fewer full
          // members can beat it.
          if (best != kNoCand && best_key.first == 0 && full(v) >= best_key.second) continue;
          const GroupEval e = ev_.plus(v);
          if (!e.feasible) continue;
          const std::pair<int, std::uint32_t> key{e.cost - now.cost, full(v)};
          if (best == kNoCand || key < best_key) {
            best = v;
            best_key = key;
          }
        }
      }
      if (best == kNoCand) return;
      add(g, best);
    }
  }

  // Iterated local search. Coverage mode (below the bound): the focus is mostly an uncovered
  // candidate; even steps re-solve its neighbourhood exactly, odd steps destroy a few groups
  // near it and repair them greedily with shuffled cores (kept when not worse). Cost mode (at
  // the bound): exact re-solving around random groups, which can only lower the cost.
  void perturb() {
    std::uint64_t alive = 0;
    for (const auto& g : gs_) alive += g.alive ? 1 : 0;
    std::uint64_t iterations = static_cast<std::uint64_t>(
        opts_.perturbations_per_candidate * static_cast<double>(nonfillers_ + alive));
    iterations = std::clamp<std::uint64_t>(iterations, opts_.min_perturbations,
                                           opts_.max_perturbations);
    std::vector<std::uint32_t> uncovered, uncovered_full, freed, retry;
    std::vector<std::int32_t> chosen, touched;
    for (std::uint64_t it = 0; it < iterations; ++it) {
      const bool coverage_mode = covered_ < static_cast<std::int64_t>(bound_);
      if (it % 32 == 0) {
        uncovered.clear();
        uncovered_full.clear();
        for (std::uint32_t u = 0; u < k_; ++u) {
          if (grp_[u] < 0 && dead_[u] != 1) (full(u) > 0 ? uncovered_full : uncovered).push_back(u);
        }
        uncovered.insert(uncovered.end(), uncovered_full.begin(), uncovered_full.end());
      }
      std::uint32_t focus = kNoCand;
      if (coverage_mode && rng_.below(4) != 0) {
        // When groups bind, left-over candidates with full members are what can found more.
        const auto& from = g_binding_ && !uncovered_full.empty() ? uncovered_full : uncovered;
        if (!from.empty()) focus = from[rng_.below(static_cast<std::uint32_t>(from.size()))];
        if (focus != kNoCand && grp_[focus] >= 0) focus = kNoCand;
      }
      if (focus == kNoCand) {
        if (!coverage_mode && alive > 0) {
          // A member of a random group.
          for (int tries = 0; tries < 8 && focus == kNoCand; ++tries) {
            const auto& g = gs_[rng_.below(static_cast<std::uint32_t>(gs_.size()))];
            if (g.alive) focus = g.m[rng_.below(static_cast<std::uint32_t>(g.m.size()))];
          }
        }
        if (focus == kNoCand) focus = rng_.below(static_cast<std::uint32_t>(k_));
      }
      if (it % 3 == 1) {
        core_lns(focus, opts_.core_lns_candidates);
        continue;
      }
      if (!coverage_mode || it % 3 == 0) {
        if (lns_exact(focus, opts_.lns_candidates) && coverage_mode) {
          retry.clear();
          for (std::int32_t p : {comp_.sp[focus], comp_.ip[focus]}) {
            if (p < 0) continue;
            for (auto v : comp_.pool(static_cast<std::size_t>(p))) {
              if (grp_[v] < 0) retry.push_back(v);
            }
          }
          coverage_phase(&retry);
        }
        continue;
      }
      compat(focus, cg_);
      if (cg_.empty()) continue;
      // Destroy a few groups near the focus.
      chosen.clear();
      const std::uint32_t want = 2 + rng_.below(4);
      for (std::uint32_t j = 0; j < want && !cg_.empty(); ++j) {
        const std::uint32_t pick = rng_.below(static_cast<std::uint32_t>(cg_.size()));
        chosen.push_back(cg_[pick]);
        cg_[pick] = cg_.back();
        cg_.pop_back();
      }
      const std::int64_t before_obj = objective();
      const std::int64_t covered_before = covered_, cost_before = cost_, open_before = open_;
      open_journal();
      freed.clear();
      for (auto g : chosen) {
        for (auto x : G(g).m) freed.push_back(x);
        dissolve(g);
      }
      if (grp_[focus] < 0) freed.push_back(focus);
      // A few uncovered candidates of the focus's pools.
      for (int j = 0; j < 6 && !uncovered.empty(); ++j) {
        const std::uint32_t v = uncovered[rng_.below(static_cast<std::uint32_t>(uncovered.size()))];
        const auto& cv = comp_.c[v];
        const auto& cf = comp_.c[focus];
        if (grp_[v] < 0 && v != focus &&
            (cv.street == cf.street || (cv.industry == cf.industry && cv.district == cf.district))) {
          freed.push_back(v);
        }
      }
      for (std::size_t i = freed.size(); i > 1; --i) {
        std::swap(freed[i - 1], freed[rng_.below(static_cast<std::uint32_t>(i))]);
      }
      for (auto x : freed) fail_sig_[x] = 0;
      repair_cores(freed);
      coverage_phase(&freed);
      touched.clear();
      for (const auto& sv : journal_) touched.push_back(sv.g);
      cost_phase(&touched);
      if (objective() < before_obj) {
        rollback();
        covered_ = covered_before;
        cost_ = cost_before;
        open_ = open_before;
      } else {
        journal_open_ = false;
      }
    }
  }

  // Cores among the freed candidates, street by street then industry by industry, in the
  // (shuffled) given order.
  void repair_cores(const std::vector<std::uint32_t>& freed) {
    std::vector<std::uint32_t> list;
    for (int kind = 0; kind < 2; ++kind) {
      if ((kind == 0 && !rules_.street) || (kind == 1 && !rules_.industry)) continue;
      for (auto s : freed) {
        if (grp_[s] >= 0 || full(s) == 0) continue;
        const std::int32_t p = kind == 0 ? comp_.sp[s] : comp_.ip[s];
        list.clear();
        for (auto v : freed) {
          if ((kind == 0 ? comp_.sp[v] : comp_.ip[v]) == p) list.push_back(v);
        }
        form_cores(list, std::numeric_limits<int>::max());
      }
    }
  }

  const Rules& rules_;
  const Component& comp_;
  const Id* people_;
  Evaluator& ev_;
  const SolverOptions& opts_;
  std::size_t k_;
  std::vector<std::int32_t> grp_;
  std::vector<std::vector<std::uint32_t>> pool_covered_;  // covered members of each pool, ascending
  std::vector<std::uint8_t> dead_;  // 1: proven in no feasible group; 2: proven in one
  std::vector<Group> gs_;
  std::vector<std::int32_t> free_;
  std::vector<std::uint32_t> gstamp_, gtouched_, gvisit_;
  // Per group: changes so far, and what improve_group() saw when it last found no move.
  struct NoMove {
    std::uint64_t version = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t pools = 0;
  };
  std::vector<std::uint64_t> gver_;
  std::vector<NoMove> no_move_;
  struct WithoutMemo {  // feasible_without(), per candidate
    std::int32_t group = -1;
    std::uint64_t version = 0;
    bool feasible = false;
  };
  std::vector<WithoutMemo> without_memo_;
  std::uint32_t tick_ = 0, tick2_ = 0, journal_id_ = 0;
  bool journal_open_ = false;
  std::vector<Saved> journal_;
  std::int64_t covered_ = 0, cost_ = 0;
  Rng rng_;
  // Scratch.
  std::vector<std::int32_t> cg_, cg2_;
  std::vector<std::uint32_t> t1_, t2_, all_, cur_, seeds_, set_, sub_, loose_, cstamp_;
  std::vector<std::uint64_t> pool_ver_, fail_sig_;
  std::int64_t open_ = 0;
  std::uint64_t bound_ = 0, nonfillers_ = 0;
  bool g_binding_ = false;
  std::vector<std::int32_t> chosen_, created_, touched_;
  std::vector<std::uint32_t> order_, freed_;
  std::vector<std::uint32_t> local_order_;  // comp_.pool_members, each pool in locality order
  Component sub_comp_;  // the neighbourhood re-solved by lns_exact() / core_lns()
  ExactScratch exact_;
  std::uint32_t tick3_ = 0;
  std::vector<std::pair<int, std::uint32_t>> partners_;
  struct NodeT {
    std::uint32_t x;
    std::int32_t via;     // group x is ejected from (-1 for the root)
    std::int32_t parent;  // node index
  };
  std::vector<NodeT> nodes_;
  std::vector<std::uint64_t> near_keys_;  // compat_cached(): pool pairs, their lists, flat
  std::vector<std::int32_t> near_groups_;
  std::vector<std::uint32_t> near_end_;
};

struct ComponentOutcome {
  std::vector<std::vector<std::uint32_t>> groups;  // global indices
  std::vector<std::pair<std::uint32_t, CandidateState>> uncovered;
  ComponentStats stats;
};

ComponentOutcome solve_component(const Instance& in, std::span<const std::uint32_t> members,
                                 const SolverOptions& opts) {
  ComponentOutcome out;
  Component comp;
  make_component(comp, in.rules, in.cands.data(), members, in.people.data());
  const std::size_t k = comp.c.size();
  Evaluator ev(in.rules, comp.c.data(), comp.people.data());
  out.stats.candidates = static_cast<std::uint32_t>(k);

  std::vector<std::vector<std::uint32_t>> local_groups;
  std::vector<std::uint8_t> state(k, 1);  // 0 covered, 1 unplaced, 2 proven not coverable
  std::uint64_t bound = 0;
  ExactScratch scratch;
  ExactOutcome& exact = scratch.out;
  if (k >= 2) solve_exact(in.rules, comp, ev, opts, scratch);
  if (k < 2) {
    state.assign(k, 2);
  } else if (exact.solved) {
    for (std::size_t i = 0; i < exact.groups(); ++i) {
      const auto grp = exact.group(i);
      local_groups.emplace_back(grp.begin(), grp.end());
    }
    for (std::uint32_t i = 0; i < k; ++i) state[i] = exact.coverable[i] != 0 ? 1 : 2;
    out.stats.exact = true;
  } else {
    Heuristic h(in.rules, comp, comp.people.data(), ev, opts, 0x6a6f696e74ull ^ (std::uint64_t{members[0]} << 17));
    h.run();
    local_groups = h.groups();
    for (std::uint32_t i = 0; i < k; ++i) {
      state[i] = h.state(i);
      if (exact.coverable_known && exact.coverable[i] == 0) state[i] = 2;
    }
  }
  for (const auto& g : local_groups) {
    for (auto x : g) state[x] = 0;
  }
  std::uint64_t covered = 0;
  std::int64_t cost = 0;
  std::vector<std::uint8_t> seen(k, 0);
  for (const auto& g : local_groups) {
    for (auto x : g) {
      if (seen[x]++ != 0) throw std::logic_error("joint-branches: a candidate is in two groups");
    }
    const GroupEval e = ev(g);
    if (!e.feasible) throw std::logic_error("joint-branches: the optimiser produced an infeasible group");
    covered += g.size();
    cost += e.cost;
  }
  if (out.stats.exact) {
    bound = covered;
  } else {
    std::uint64_t n = 0, n1 = 0, n2 = 0;
    for (std::uint32_t i = 0; i < k; ++i) {
      if (state[i] == 2) continue;
      ++n;
      const std::uint32_t f = comp.c[i].full();
      n1 += f == 1 ? 1 : 0;
      n2 += f >= 2 ? 1 : 0;
    }
    bound = std::min<std::uint64_t>(n, static_cast<std::uint64_t>(in.rules.max_units) *
                                           gmax(n1, n2, in.rules));
  }
  if (covered > bound) {
    throw std::logic_error("joint-branches: covered " + std::to_string(covered) +
                           " exceeds the proven bound " + std::to_string(bound));
  }
  out.stats.covered = covered;
  out.stats.upper_bound = bound;
  out.stats.cost = cost;
  for (auto& g : local_groups) {
    std::vector<std::uint32_t> global;
    for (auto x : g) global.push_back(comp.global[x]);
    std::sort(global.begin(), global.end());
    out.groups.push_back(std::move(global));
  }
  for (std::uint32_t i = 0; i < k; ++i) {
    if (state[i] == 0) continue;
    out.uncovered.emplace_back(comp.global[i], state[i] == 2 ? CandidateState::no_feasible_group
                                                             : CandidateState::unplaced);
  }
  return out;
}

}  // namespace

Solution solve(const Instance& in, const SolverOptions& options) {
  const auto comps = components(in);
  // The perturbation budget: scaled down evenly when the instance as a whole would exceed it.
  // Depends only on the instance, so results stay the same at any thread count.
  SolverOptions opts = options;
  std::uint64_t with_full = 0;
  for (const auto& c : in.cands) with_full += c.full() > 0 ? 1 : 0;
  const double wanted = opts.perturbations_per_candidate * static_cast<double>(with_full);
  if (wanted > static_cast<double>(opts.max_total_perturbations)) {
    opts.perturbations_per_candidate *= static_cast<double>(opts.max_total_perturbations) / wanted;
  }
  std::vector<ComponentOutcome> outcomes(comps.size());
  par::for_each_index(0, comps.size(), 1,
                      [&](std::size_t i) { outcomes[i] = solve_component(in, comps[i], opts); });
  Solution sol;
  sol.state.assign(in.cands.size(), CandidateState::covered);
  for (auto& o : outcomes) {
    for (auto& g : o.groups) sol.groups.push_back(std::move(g));
    for (const auto& [c, s] : o.uncovered) sol.state[c] = s;
    sol.covered += o.stats.covered;
    sol.upper_bound += o.stats.upper_bound;
    sol.cost += o.stats.cost;
    sol.components.push_back(o.stats);
  }
  return sol;
}

}  // namespace orgraph::joint

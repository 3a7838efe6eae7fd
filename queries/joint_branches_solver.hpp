// The optimiser behind `joint-branches` (queries/joint_branches.hpp), on an abstract instance:
// joint candidates reduced to their street, district, industry and community keys and their
// sorted full / party member ids. The query layer builds the instance from the graph and turns
// the groups back into organizations; tests drive this layer directly too.
//
// Problem (contracts.md section 4): choose disjoint groups of 2..max_units candidates, each in one
// street (street basis) or of one industry in one district (industry basis), with >= min_full
// distinct full members and <= max_members distinct party members; maximise the candidates
// covered, then minimise the total cost.
//
// Method: the instance splits into connected components of the compatibility relation (same
// street, or same industry + district), found with union-find over grouping keys. Components are
// independent; they are solved in parallel, each by a deterministic algorithm:
// - small components (few candidates and a small estimated work): dynamic programming over
//   subsets of candidates (the lowest remaining candidate is either left out or joins one of the
//   feasible groups that contain it), which is optimal;
// - larger components: a greedy construction (cores of 2+1 / 2+2 / 1+1+1 full members inside
//   cost-0 cells, then streets, then industries) followed by local search (insert, new group
//   from uncovered and surplus members, split-insert, ejection chains found by breadth-first
//   search over groups, then cost moves: relocate, swap, replace, merge, split) and a
//   deterministic perturbation phase (iterated local search with a seeded generator).
// Upper bound per component: the optimum for components solved exactly; otherwise
// min(n', max_units * G), where n' counts candidates that belong to at least one feasible group
// (proved by search) and G is the largest number of disjoint groups their full members could
// form if nobody were shared (see gmax()).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/types.hpp"

namespace orgraph::joint {

struct Rules {
  int min_full = 3;
  int max_units = 5;
  int max_members = 50;
  bool street = true;    // street-basis groups allowed
  bool industry = true;  // industry-basis groups allowed
};

// One joint candidate. Keys are graph ids (areas, industries); `community` is the org's area
// (a community, or the street itself for an org located directly in a street).
struct Candidate {
  Id street = kNone;
  Id district = kNone;
  Id industry = kNone;
  Id community = kNone;
  std::uint32_t full_begin = 0, full_end = 0;    // its full members in Instance::people, sorted
  std::uint32_t party_begin = 0, party_end = 0;  // its full + probationary members, sorted
  std::uint32_t full() const { return full_end - full_begin; }
  std::uint32_t party() const { return party_end - party_begin; }
};

struct Instance {
  Rules rules;
  std::vector<Candidate> cands;
  std::vector<Id> people;  // person ids referenced by the candidates' ranges
};

struct GroupEval {
  bool valid = false;     // 2..max_units members in one street or one industry + district
  bool feasible = false;  // valid, full >= min_full and party <= max_members
  bool street = false;    // the street basis is valid and reaches `cost`
  bool industry = false;  // the industry basis is valid and reaches `cost`
  int cost = 0;           // lowest cost over the valid bases
  int street_cost = -1;   // cost under each basis, -1 when that basis is not valid
  int industry_cost = -1;
  std::uint32_t full = 0;   // distinct full members
  std::uint32_t party = 0;  // distinct party members (exact when asked, else an upper bound
                            // that is exact whenever it exceeds max_members)
};

// Evaluates groups; holds scratch space, so use one per thread.
class Evaluator {
 public:
  Evaluator(const Rules& rules, const Candidate* cands, const Id* people)
      : rules_(rules), cands_(cands), people_(people) {}
  GroupEval operator()(std::span<const std::uint32_t> members, bool exact_counts = false);
  // Distinct full members of any set of candidates.
  std::uint32_t distinct_full(std::span<const std::uint32_t> members);
  // Distinct party members of any set of candidates.
  std::uint32_t distinct_party(std::span<const std::uint32_t> members);
  // One group plus each of many candidates in turn: after set_base(base), plus(v) returns
  // exactly operator()(base + v), faster, as base's keys and full members are read once.
  void set_base(std::span<const std::uint32_t> base);
  GroupEval plus(std::uint32_t v);

 private:
  std::uint32_t distinct(std::span<const std::uint32_t> members, bool party);
  Rules rules_;
  const Candidate* cands_;
  const Id* people_;
  std::vector<Id> buf_;
  std::vector<Id> keys_;
  // set_base(): the base and a slot for the candidate added (for the general path), and,
  // for a base of up to kBase members with up to kBaseFull distinct full members, its
  // distinct keys and full members.
  static constexpr std::size_t kBase = 7;
  static constexpr std::size_t kBaseFull = 24;
  std::vector<std::uint32_t> base_;
  bool base_small_ = false;
  bool base_street_ = false;    // base lies in one street (and the street basis is allowed)
  bool base_industry_ = false;  // base lies in one industry + district (and that basis is allowed)
  Id base_street_id_ = kNone, base_industry_id_ = kNone, base_district_id_ = kNone;
  std::uint32_t base_party_ = 0;  // sum over base of party()
  std::size_t n_streets_ = 0, n_industries_ = 0, n_communities_ = 0, n_full_ = 0;
  std::array<Id, kBase> streets_{}, industries_{}, communities_{};
  std::array<Id, kBaseFull> full_{};
};

// Largest number of disjoint groups (<= max_units members, >= min_full full members each) that
// n1 candidates with 1 and n2 with 2 full members could form if no person were shared. Exact for
// min_full 3 and max_units >= 3; a valid upper bound otherwise.
std::uint64_t gmax(std::uint64_t n1, std::uint64_t n2, const Rules& rules);

struct SolverOptions {
  // Components are solved exactly when they have at most this many candidates that belong to
  // a feasible group and the subset dynamic programme needs at most `exact_max_work` steps.
  std::uint32_t exact_max_candidates = 20;
  std::uint64_t exact_max_work = 20'000'000;
  // Rounds of perturbation in the iterated local search, per candidate of the component
  // (at least `min_perturbations`, at most `max_perturbations`).
  double perturbations_per_candidate = 2.0;
  std::uint32_t min_perturbations = 50;
  std::uint32_t max_perturbations = 20000;
  // Cap on perturbations_per_candidate x (candidates with full members) over the whole
  // instance: above it, the rate is scaled down for every component alike, so a nation-sized
  // plan takes minutes, not hours (see docs/joint-branches.md for the effect on quality).
  std::uint64_t max_total_perturbations = 200'000;
  // Candidates re-solved exactly by one large-neighbourhood step.
  std::uint32_t lns_candidates = 8;
  // Candidates with full members regrouped exactly by one core step.
  std::uint32_t core_lns_candidates = 10;
};

// Per-candidate outcome.
enum class CandidateState : std::uint8_t {
  covered,
  unplaced,       // in some feasible group (or not proven otherwise), but not in the plan
  no_feasible_group,  // proven: no feasible group contains it
};

struct ComponentStats {
  std::uint32_t candidates = 0;
  std::uint64_t covered = 0;
  std::uint64_t upper_bound = 0;
  std::int64_t cost = 0;
  bool exact = false;
};

struct Solution {
  std::vector<std::vector<std::uint32_t>> groups;  // candidate indices, each group sorted
  std::vector<CandidateState> state;               // per candidate
  std::vector<ComponentStats> components;          // in solving order (largest first)
  std::uint64_t covered = 0;
  std::uint64_t upper_bound = 0;
  std::int64_t cost = 0;
};

// Connected components of the compatibility relation, each sorted; components sorted by size
// descending, then by first candidate.
std::vector<std::vector<std::uint32_t>> components(const Instance& instance);

// Solves every component (in parallel; the result does not depend on the thread count).
Solution solve(const Instance& instance, const SolverOptions& options = {});

}  // namespace orgraph::joint

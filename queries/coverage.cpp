#include "queries/coverage.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "engine/parallel.hpp"
#include "queries/id_order.hpp"

namespace orgraph {
namespace {

constexpr std::array<std::string_view, 5> kGroupByNames{"district", "street", "industry", "kind",
                                                        "registration_level"};

void add(CoverageCounts& a, const CoverageCounts& b) {
  a.orgs += b.orgs;
  a.inactive_orgs += b.inactive_orgs;
  a.covered += b.covered;
  a.work_covered += b.work_covered;
  a.instructor_only += b.instructor_only;
  a.should_build += b.should_build;
  a.joint_candidates += b.joint_candidates;
  a.full_members += b.full_members;
  a.party_members += b.party_members;
  a.pocket_members += b.pocket_members;
  a.floating_members += b.floating_members;
  a.staff += b.staff;
  a.staff_missing += b.staff_missing;
}

// Org-level counts of one org into `t` (shared by the parallel and the reference code, since it
// is the definition itself, not an algorithm).
void count_org(const OrgGraph& g, Id o, CoverageCounts& t) {
  const Org& org = g.orgs[o];
  if (org.status != OrgStatus::active) {
    ++t.inactive_orgs;
    return;
  }
  ++t.orgs;
  t.covered += org.covered ? 1 : 0;
  t.work_covered += org.work_covered ? 1 : 0;
  t.instructor_only += (org.work_covered && !org.covered) ? 1 : 0;
  if (!org.covered) {
    if (org.full_members >= 3) {
      ++t.should_build;
    } else {
      ++t.joint_candidates;
    }
  }
  if (org.staff_count >= 0) {
    t.staff += static_cast<std::uint64_t>(org.staff_count);
  } else {
    ++t.staff_missing;
  }
}

// Org -> group: a raw key in [0, raw_size) (kNone keys go to the last slot), then the dense
// group index of that raw key, groups sorted by key.
struct Grouping {
  CoverageGroupBy by;
  std::size_t raw_size = 0;
  std::vector<Id> group_of_raw;
  std::vector<CoverageGroup> groups;

  Id raw_key(const OrgGraph& g, Id o) const {
    const Org& org = g.orgs[o];
    Id k = kNone;
    switch (by) {
      case CoverageGroupBy::district:
        k = org.district;
        break;
      case CoverageGroupBy::street:
        k = org.street;
        break;
      case CoverageGroupBy::industry:
        k = org.industry;
        break;
      case CoverageGroupBy::kind:
        k = static_cast<Id>(org.kind);
        break;
      case CoverageGroupBy::registration_level:
        k = static_cast<Id>(org.registration_level);
        break;
    }
    return k == kNone ? static_cast<Id>(raw_size - 1) : k;
  }
  Id group_of(const OrgGraph& g, Id o) const { return group_of_raw[raw_key(g, o)]; }
};

std::pair<std::string, std::string> key_and_name(const OrgGraph& g, CoverageGroupBy by, Id raw,
                                                 std::size_t raw_size) {
  if (raw + 1 == raw_size) return {"(none)", "(none)"};
  switch (by) {
    case CoverageGroupBy::district:
    case CoverageGroupBy::street:
      return {std::string(g.area_ids[raw]), std::string(g.area_names[raw])};
    case CoverageGroupBy::industry:
      return {std::string(g.industry_names[raw]), std::string(g.industry_names[raw])};
    case CoverageGroupBy::kind: {
      const std::string k(to_string(static_cast<OrgKind>(raw)));
      return {k, k};
    }
    case CoverageGroupBy::registration_level: {
      const std::string k(to_string(static_cast<AreaLevel>(raw)));
      return {k, k};
    }
  }
  return {};
}

Grouping make_grouping(const OrgGraph& g, CoverageGroupBy by) {
  Grouping gr;
  gr.by = by;
  switch (by) {
    case CoverageGroupBy::district:
    case CoverageGroupBy::street:
      gr.raw_size = g.areas.size();
      break;
    case CoverageGroupBy::industry:
      gr.raw_size = g.industry_names.size();
      break;
    case CoverageGroupBy::kind:
      gr.raw_size = EnumNames<OrgKind>::names.size();
      break;
    case CoverageGroupBy::registration_level:
      gr.raw_size = EnumNames<AreaLevel>::names.size();
      break;
  }
  ++gr.raw_size;  // the (none) slot
  std::vector<char> used(gr.raw_size, 0);
  for (Id o = 0; o < g.orgs.size(); ++o) used[gr.raw_key(g, o)] = 1;
  std::vector<std::pair<std::string, Id>> keys;
  for (Id r = 0; r < gr.raw_size; ++r) {
    if (used[r]) keys.emplace_back(key_and_name(g, by, r, gr.raw_size).first, r);
  }
  std::sort(keys.begin(), keys.end());
  gr.group_of_raw.assign(gr.raw_size, kNone);
  for (const auto& [key, raw] : keys) {
    gr.group_of_raw[raw] = static_cast<Id>(gr.groups.size());
    CoverageGroup group;
    std::tie(group.key, group.name) = key_and_name(g, by, raw, gr.raw_size);
    gr.groups.push_back(std::move(group));
  }
  return gr;
}

// Block size for a map-reduce whose partial is a dense array over `groups`: enough blocks to
// share the work, few enough that all partials together stay within ~8 MB. Fresh memory is
// costly (page faults: ~0.5 s for 64 MB of partials by district on the nation, measured), and
// the sums are exact integers, so fewer blocks only cost parallel slack. Depends only on sizes.
std::size_t block_for(std::size_t n, std::size_t groups) {
  const std::size_t per_block = std::max<std::size_t>(1, groups) * sizeof(CoverageCounts);
  const std::size_t max_blocks = std::clamp<std::size_t>((8u << 20) / per_block, 1, 256);
  return std::max<std::size_t>({1024, (n + max_blocks - 1) / max_blocks});
}

// A party member's standing: counted only with a staff or leader affiliation to an active org.
struct PersonStanding {
  bool counted = false, full = false, pocket = false, floating = false;
};

// `work` receives the person's active staff/leader orgs (sorted, distinct).
PersonStanding standing(const OrgGraph& g, Id p, std::vector<Id>& work) {
  PersonStanding s;
  work.clear();
  const PartyStatus status = g.people[p].party_status;
  if (status == PartyStatus::none) return s;
  const auto orgs = g.person_orgs[p];
  const std::uint32_t base = g.person_orgs.begin_of(p);
  for (std::size_t k = 0; k < orgs.size(); ++k) {
    if (g.person_orgs.payload[base + k] == Role::member || !g.is_active(orgs[k])) continue;
    if (work.empty() || work.back() != orgs[k]) work.push_back(orgs[k]);
  }
  if (work.empty()) return s;
  s.counted = true;
  s.full = status == PartyStatus::full;
  const auto relations = g.person_branches[p];
  if (relations.empty()) {
    s.pocket = true;
    return s;
  }
  bool served = false;
  for (Id o : work) {
    const auto covering = g.org_branches[o];
    // Both rows are sorted: a merge finds a common branch.
    auto a = relations.begin();
    auto b = covering.begin();
    while (a != relations.end() && b != covering.end() && !served) {
      if (*a < *b) {
        ++a;
      } else if (*b < *a) {
        ++b;
      } else {
        served = true;
      }
    }
    if (served) break;
  }
  s.floating = !served;
  return s;
}

void count_person(const PersonStanding& s, CoverageCounts& t) {
  ++t.party_members;
  t.full_members += s.full ? 1 : 0;
  t.pocket_members += s.pocket ? 1 : 0;
  t.floating_members += s.floating ? 1 : 0;
}

struct PersonPartial {
  CoverageCounts total;
  std::vector<CoverageCounts> groups;
};

}  // namespace

std::string_view to_string(CoverageGroupBy by) { return kGroupByNames[static_cast<int>(by)]; }

CoverageGroupBy parse_coverage_group_by(std::string_view text) {
  for (std::size_t i = 0; i < kGroupByNames.size(); ++i) {
    if (kGroupByNames[i] == text) return static_cast<CoverageGroupBy>(i);
  }
  throw std::invalid_argument(
      "--by must be district, street, industry, kind or "
      "registration_level (found '" +
      std::string(text) + "')");
}

CoverageReport coverage(const OrgGraph& g, const CoverageOptions& options) {
  CoverageReport report;
  report.by = options.by;
  Grouping grouping = make_grouping(g, options.by);
  const std::size_t n_groups = grouping.groups.size();

  // Org-level counts, per group.
  const std::size_t n_orgs = g.orgs.size();
  auto org_counts = par::map_reduce(
      n_orgs, block_for(n_orgs, n_groups), std::vector<CoverageCounts>(),
      [&](std::size_t lo, std::size_t hi) {
        std::vector<CoverageCounts> t(n_groups);
        for (std::size_t o = lo; o < hi; ++o) {
          const Id org = static_cast<Id>(o);
          count_org(g, org, t[grouping.group_of(g, org)]);
        }
        return t;
      },
      [](std::vector<CoverageCounts> a, std::vector<CoverageCounts> b) {
        if (a.empty()) return b;
        for (std::size_t i = 0; i < b.size(); ++i) add(a[i], b[i]);
        return a;
      });
  org_counts.resize(n_groups);

  // Person-level counts: each counted person once in the total and once per group they work in.
  const std::size_t n_people = g.people.size();
  auto person_counts = par::map_reduce(
      n_people, block_for(n_people, n_groups), PersonPartial(),
      [&](std::size_t lo, std::size_t hi) {
        PersonPartial t;
        t.groups.resize(n_groups);
        std::vector<Id> work, groups;
        for (std::size_t p = lo; p < hi; ++p) {
          const PersonStanding s = standing(g, static_cast<Id>(p), work);
          if (!s.counted) continue;
          count_person(s, t.total);
          groups.clear();
          for (Id o : work) groups.push_back(grouping.group_of(g, o));
          std::sort(groups.begin(), groups.end());
          groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
          for (Id gi : groups) count_person(s, t.groups[gi]);
        }
        return t;
      },
      [](PersonPartial a, PersonPartial b) {
        if (a.groups.empty()) return b;
        add(a.total, b.total);
        for (std::size_t i = 0; i < b.groups.size(); ++i) add(a.groups[i], b.groups[i]);
        return a;
      });
  person_counts.groups.resize(n_groups);

  report.groups = std::move(grouping.groups);
  for (std::size_t i = 0; i < n_groups; ++i) {
    CoverageCounts& c = report.groups[i].counts;
    add(c, org_counts[i]);
    add(c, person_counts.groups[i]);
    add(report.total, org_counts[i]);
  }
  add(report.total, person_counts.total);

  report.should_build = par::indices_where<Id>(n_orgs, 1 << 16, [&](std::size_t o) {
    const Org& org = g.orgs[o];
    return org.status == OrgStatus::active && !org.covered && org.full_members >= 3;
  });
  sort_by_string_id(g.org_ids, report.should_build);
  return report;
}

CoverageReport coverage_reference(const OrgGraph& g, const CoverageOptions& options) {
  struct Acc {
    std::string name;
    CoverageCounts counts;
    std::set<Id> full, party, pocket, floating;
  };
  std::map<std::string, Acc> by_key;
  auto key_of = [&](Id o) -> std::pair<std::string, std::string> {
    const Org& org = g.orgs[o];
    auto area = [&](Id a) -> std::pair<std::string, std::string> {
      if (a == kNone) return {"(none)", "(none)"};
      return {std::string(g.area_ids[a]), std::string(g.area_names[a])};
    };
    switch (options.by) {
      case CoverageGroupBy::district:
        return area(org.district);
      case CoverageGroupBy::street:
        return area(org.street);
      case CoverageGroupBy::industry: {
        const std::string s(g.industry(o));
        return {s, s};
      }
      case CoverageGroupBy::kind:
        return {std::string(to_string(org.kind)), std::string(to_string(org.kind))};
      case CoverageGroupBy::registration_level:
        return {std::string(to_string(org.registration_level)),
                std::string(to_string(org.registration_level))};
    }
    return {};
  };

  CoverageReport report;
  report.by = options.by;
  std::set<Id> full, party, pocket, floating;
  for (Id o = 0; o < g.orgs.size(); ++o) {
    auto [key, name] = key_of(o);
    Acc& acc = by_key[key];
    acc.name = name;
    count_org(g, o, acc.counts);
    count_org(g, o, report.total);
    const Org& org = g.orgs[o];
    if (org.status == OrgStatus::active && !org.covered && org.full_members >= 3) {
      report.should_build.push_back(o);
    }
  }
  // person -> active orgs where they are staff or leader, read from the org side.
  std::map<Id, std::set<Id>> works;
  for (Id o = 0; o < g.orgs.size(); ++o) {
    if (g.orgs[o].status != OrgStatus::active) continue;
    const auto people = g.org_people[o];
    for (std::size_t k = 0; k < people.size(); ++k) {
      if (g.org_people.payload[g.org_people.begin_of(o) + k] != Role::member) {
        works[people[k]].insert(o);
      }
    }
  }
  for (const auto& [p, work] : works) {
    const PartyStatus status = g.people[p].party_status;
    if (status == PartyStatus::none) continue;
    const auto relations = g.person_branches[p];
    bool served = false;
    for (Id b : relations) {
      for (Id covered_org : g.branch_orgs[b]) served = served || work.count(covered_org) > 0;
    }
    const bool is_pocket = relations.empty();
    const bool is_floating = !relations.empty() && !served;
    // p is copied into the capture: clang before 16 cannot capture a structured binding.
    auto note = [&, p = p](std::set<Id>& f, std::set<Id>& pa, std::set<Id>& po, std::set<Id>& fl) {
      if (status == PartyStatus::full) f.insert(p);
      pa.insert(p);
      if (is_pocket) po.insert(p);
      if (is_floating) fl.insert(p);
    };
    note(full, party, pocket, floating);
    for (Id o : work) {
      Acc& acc = by_key[key_of(o).first];
      note(acc.full, acc.party, acc.pocket, acc.floating);
    }
  }
  report.total.full_members = full.size();
  report.total.party_members = party.size();
  report.total.pocket_members = pocket.size();
  report.total.floating_members = floating.size();
  for (auto& [key, acc] : by_key) {
    CoverageGroup group{key, acc.name, acc.counts};
    group.counts.full_members = acc.full.size();
    group.counts.party_members = acc.party.size();
    group.counts.pocket_members = acc.pocket.size();
    group.counts.floating_members = acc.floating.size();
    report.groups.push_back(std::move(group));
  }
  std::sort(report.should_build.begin(), report.should_build.end(),
            [&](Id a, Id b) { return g.org_ids[a] < g.org_ids[b]; });
  return report;
}

}  // namespace orgraph

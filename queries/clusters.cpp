#include "queries/clusters.hpp"

#include <algorithm>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>

#include "engine/components.hpp"
#include "engine/fresh_vector.hpp"
#include "engine/parallel.hpp"
#include "queries/id_order.hpp"

namespace orgraph {
namespace {

constexpr std::size_t kSourceBlock = 4096;
constexpr std::size_t kAreasReserved = 64;  // a cluster's areas, reserved before it is described

// Hubs of the bipartite graph: hub h joins the kept orgs members[offsets[h]..offsets[h+1]).
struct Hubs {
  std::vector<std::uint32_t> offsets{0};
  std::vector<Id> members;  // local org indexes
  std::size_t count() const { return offsets.size() - 1; }
};

// Calls visit(members) for every hub of sources [lo, hi), in source order: fill(source, pairs)
// appends a source's (key, local org) pairs, and a hub is a run of one key over at least two
// distinct orgs (members: that run of pairs).
template <class Fill, class Visit>
void for_each_hub(std::size_t lo, std::size_t hi, Fill& fill, Visit&& visit) {
  std::vector<std::pair<Id, Id>> pairs;
  for (std::size_t s = lo; s < hi; ++s) {
    pairs.clear();
    fill(static_cast<Id>(s), pairs);
    if (pairs.size() < 2) continue;
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    for (std::size_t i = 0; i < pairs.size();) {
      std::size_t j = i + 1;
      while (j < pairs.size() && pairs[j].first == pairs[i].first) ++j;
      if (j - i >= 2) visit(std::span<const std::pair<Id, Id>>(pairs.data() + i, j - i));
      i = j;
    }
  }
}

// Calls each(sources, fill) for every link kind `options` asks for: fill(source, pairs)
// appends the (key, local org) pairs of one source (an area, a street, a person), and every
// run of equal keys of at least two orgs in one source is a hub.
template <class Each>
void for_each_link_kind(const OrgGraph& g, const ClusterOptions& options,
                        const std::vector<Id>& local_of, Each&& each) {
  if (options.links.community) {
    each(g.areas.size(), [&](Id a, std::vector<std::pair<Id, Id>>& pairs) {
      for (Id o : g.area_orgs[a]) {
        if (local_of[o] != kNone) pairs.emplace_back(0, local_of[o]);
      }
    });
  }
  if (options.links.street_industry) {
    each(g.areas.size(), [&](Id a, std::vector<std::pair<Id, Id>>& pairs) {
      if (g.areas[a].level != AreaLevel::street) return;
      auto take = [&](Id area) {
        for (Id o : g.area_orgs[area]) {
          if (local_of[o] != kNone) pairs.emplace_back(g.orgs[o].industry, local_of[o]);
        }
      };
      take(a);
      for (Id child : g.area_children[a]) take(child);
    });
  }
  if (options.links.person) {
    each(g.people.size(), [&](Id p, std::vector<std::pair<Id, Id>>& pairs) {
      for (Id o : g.person_orgs[p]) {
        const Id local = local_of[o];
        if (local == kNone) continue;
        Id territory = 0;
        if (options.within == ClusterWithin::street) territory = g.orgs[o].street;
        if (options.within == ClusterWithin::district) territory = g.orgs[o].district;
        pairs.emplace_back(territory, local);
      }
    });
  }
}

// Adds the hubs of every source to `hubs`, in source order (blocks of sources in parallel).
template <class Fill>
void add_hubs(std::size_t sources, Fill fill, Hubs& hubs) {
  struct Block {
    std::vector<std::uint32_t> sizes;
    std::vector<Id> members;
  };
  std::vector<Block> blocks(par::block_count(sources, kSourceBlock));
  par::for_each_index(0, blocks.size(), 1, [&](std::size_t b) {
    Block& out = blocks[b];
    const std::size_t hi = std::min(sources, (b + 1) * kSourceBlock);
    for_each_hub(b * kSourceBlock, hi, fill, [&](std::span<const std::pair<Id, Id>> hub) {
      out.sizes.push_back(static_cast<std::uint32_t>(hub.size()));
      for (const auto& [key, org] : hub) out.members.push_back(org);
    });
  });
  std::vector<std::size_t> member_base(blocks.size() + 1, hubs.members.size());
  std::size_t hub_count = hubs.count();
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    member_base[b + 1] = member_base[b] + blocks[b].members.size();
    hub_count += blocks[b].sizes.size();
  }
  if (member_base.back() >= std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("uncovered clusters: more than 4 billion org-hub links");
  }
  hubs.members.resize(member_base.back());
  hubs.offsets.reserve(hub_count + 1);
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    for (std::uint32_t size : blocks[b].sizes) hubs.offsets.push_back(hubs.offsets.back() + size);
  }
  par::for_each_index(0, blocks.size(), 1, [&](std::size_t b) {
    std::copy(blocks[b].members.begin(), blocks[b].members.end(),
              hubs.members.begin() + static_cast<std::ptrdiff_t>(member_base[b]));
  });
}

// The bipartite graph as CSR with both directions: vertices [0, n_orgs) are kept orgs,
// [n_orgs, n_orgs + hubs) are hubs. An org's hubs are in hub order (a stable counting sort of
// the links by org).
Csr<> bipartite_graph(std::size_t n_orgs, const Hubs& hubs) {
  const std::size_t n_hubs = hubs.count();
  const std::size_t links = hubs.members.size();
  if (2 * links >= std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("uncovered clusters: more than 2 billion org-hub links");
  }
  std::vector<Id> hub_of;  // link -> hub vertex
  resize_touched(hub_of, links);
  par::for_range(0, n_hubs, 1 << 14, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t h = lo; h < hi; ++h) {
      std::fill(hub_of.begin() + hubs.offsets[h], hub_of.begin() + hubs.offsets[h + 1],
                static_cast<Id>(n_orgs + h));
    }
  });
  Csr<> graph;
  resize_touched(graph.targets, 2 * links);
  resize_touched(graph.offsets, n_orgs + n_hubs + 1);
  par::counting_sort(
      links, n_orgs, [&](std::size_t k) { return hubs.members[k]; },
      [&](std::size_t k, std::uint32_t slot) { graph.targets[slot] = hub_of[k]; },
      std::span(graph.offsets).first(n_orgs + 1));
  par::for_range(0, n_hubs, 1 << 16, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t h = lo; h < hi; ++h) {
      graph.offsets[n_orgs + h + 1] = static_cast<std::uint32_t>(links + hubs.offsets[h + 1]);
    }
  });
  par::for_range(0, links, 1 << 16, [&](std::size_t lo, std::size_t hi) {
    std::copy(hubs.members.begin() + static_cast<std::ptrdiff_t>(lo),
              hubs.members.begin() + static_cast<std::ptrdiff_t>(hi),
              graph.targets.begin() + static_cast<std::ptrdiff_t>(links + lo));
  });
  return graph;
}

// Per-cluster figures. One pass over the cluster's orgs (prefetched: each org record is a
// cache miss at nation scale) collects areas and candidate counts and the orgs with party
// members on their staff; only those orgs' people are read for the distinct counts (most
// uncovered orgs have none, and each person's status is another miss).
struct DescribeScratch {
  std::vector<Id> party_orgs;
  std::vector<std::uint64_t> people;  // (person << 1) | probationary
};

void describe(const OrgGraph& g, UncoveredCluster& c, DescribeScratch& scratch) {
  constexpr std::size_t kAhead = 8;
  scratch.party_orgs.clear();
  std::uint64_t candidate_full = 0;
  for (std::size_t i = 0; i < c.orgs.size(); ++i) {
    if (i + kAhead < c.orgs.size()) __builtin_prefetch(&g.orgs[c.orgs[i + kAhead]]);
    const Org& org = g.orgs[c.orgs[i]];
    c.areas.push_back(org.area);
    if (org.full_members < 3) {
      ++c.joint_candidates;
      candidate_full += org.full_members;
    }
    if (org.party_members > 0) scratch.party_orgs.push_back(c.orgs[i]);
  }
  c.max_joint_branches = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(candidate_full / 3, c.joint_candidates / 2));
  std::sort(c.areas.begin(), c.areas.end());
  c.areas.erase(std::unique(c.areas.begin(), c.areas.end()), c.areas.end());
  if (c.areas.size() > 1) {
    std::sort(c.areas.begin(), c.areas.end(),
              [&](Id a, Id b) { return g.area_ids[a] < g.area_ids[b]; });
  }

  if (scratch.party_orgs.size() <= 1) {  // a single org's counts are already distinct
    const Id o = scratch.party_orgs.empty() ? kNone : scratch.party_orgs[0];
    c.full_members = o == kNone ? 0 : g.orgs[o].full_members;
    c.party_members = o == kNone ? 0 : g.orgs[o].party_members;
    return;
  }
  auto& people = scratch.people;
  people.clear();
  for (Id o : scratch.party_orgs) {
    const auto row = g.org_people[o];
    const std::uint32_t base = g.org_people.begin_of(o);
    for (std::size_t k = 0; k < row.size(); ++k) {
      if (g.org_people.payload[base + k] == Role::member) continue;
      const PartyStatus s = g.people[row[k]].party_status;
      // (person, 0) for a full member sorts before (person, 1) for a probationary one.
      if (s != PartyStatus::none) {
        people.push_back((std::uint64_t{row[k]} << 1) | (s == PartyStatus::full ? 0u : 1u));
      }
    }
  }
  std::sort(people.begin(), people.end());
  c.full_members = c.party_members = 0;
  for (std::size_t i = 0; i < people.size(); ++i) {
    if (i > 0 && (people[i - 1] >> 1) == (people[i] >> 1)) continue;
    ++c.party_members;
    c.full_members += (people[i] & 1) == 0 ? 1 : 0;
  }
}

}  // namespace

ClusterLinks parse_cluster_links(std::string_view text) {
  ClusterLinks links{false, false, false};
  std::size_t start = 0;
  bool any = false;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view item = text.substr(start, comma - start);
    if (item == "person") {
      links.person = true;
    } else if (item == "community") {
      links.community = true;
    } else if (item == "street-industry") {
      links.street_industry = true;
    } else {
      throw std::invalid_argument(
          "--link takes a comma-separated list of person, community and street-industry (found '" +
          std::string(item) + "' in '" + std::string(text) + "')");
    }
    any = true;
    start = comma + 1;
  }
  if (!any)
    throw std::invalid_argument("--link needs at least one of person, community, street-industry");
  return links;
}

std::string cluster_links_string(const ClusterLinks& links) {
  std::string out;
  auto add = [&](bool on, const char* name) {
    if (!on) return;
    if (!out.empty()) out += ',';
    out += name;
  };
  add(links.person, "person");
  add(links.community, "community");
  add(links.street_industry, "street-industry");
  return out;
}

ClusterWithin parse_cluster_within(std::string_view text) {
  if (text.empty()) return ClusterWithin::none;
  if (text == "street") return ClusterWithin::street;
  if (text == "district") return ClusterWithin::district;
  throw std::invalid_argument("--within must be street or district (found '" + std::string(text) +
                              "')");
}

std::string_view to_string(ClusterWithin within) {
  switch (within) {
    case ClusterWithin::none:
      return "none";
    case ClusterWithin::street:
      return "street";
    case ClusterWithin::district:
      return "district";
  }
  return "none";
}

namespace {

// The kept orgs (uncovered, inside options.area) in org id order, and org -> local index.
struct KeptOrgs {
  std::vector<Id> orgs;
  std::vector<Id> local_of;  // kNone for an org not kept
};

KeptOrgs kept_orgs(const OrgGraph& g, const ClusterOptions& options) {
  if (options.area != kNone && options.area >= g.areas.size()) {
    throw std::invalid_argument("uncovered clusters: area index out of range");
  }
  if (!options.links.person && !options.links.community && !options.links.street_industry) {
    throw std::invalid_argument("--link needs at least one of person, community, street-industry");
  }
  KeptOrgs k;
  const std::size_t n_all = g.orgs.size();
  k.orgs = par::indices_where<Id>(n_all, 1 << 16, [&](std::size_t o) {
    const Id org = static_cast<Id>(o);
    return g.is_uncovered(org) &&
           (options.area == kNone || g.area_contains(options.area, g.orgs[org].area));
  });
  sort_by_string_id(g.org_ids, k.orgs);
  resize_touched(k.local_of, n_all, kNone);
  par::for_each_index(0, k.orgs.size(), 1 << 14,
                      [&](std::size_t i) { k.local_of[k.orgs[i]] = static_cast<Id>(i); });
  return k;
}

}  // namespace

ClusterGraph uncovered_cluster_graph(const OrgGraph& g, const ClusterOptions& options) {
  KeptOrgs kept = kept_orgs(g, options);
  Hubs hubs;
  for_each_link_kind(g, options, kept.local_of,
                     [&](std::size_t sources, auto fill) { add_hubs(sources, fill, hubs); });
  ClusterGraph result;
  result.hubs = hubs.count();
  result.graph = bipartite_graph(kept.orgs.size(), hubs);
  result.orgs = std::move(kept.orgs);
  return result;
}

ClusterReport uncovered_clusters(const OrgGraph& g, const ClusterOptions& options) {
  if (options.min_size == 0) {
    throw std::invalid_argument("--min-size must be at least 1 (a cluster has at least one org)");
  }
  ClusterReport report;
  KeptOrgs k = kept_orgs(g, options);
  const std::vector<Id>& kept = k.orgs;
  const std::size_t n = kept.size();
  report.uncovered_orgs = n;
  if (n == 0) return report;
  // The components of the bipartite graph's org vertices, without building it: each hub's
  // orgs are united as the hub is found (blocks of sources in parallel), and counted.
  ConcurrentDisjointSets sets(n);
  struct HubCount {
    std::size_t hubs = 0, links = 0;
  };
  bool first_kind = true;
  for_each_link_kind(g, options, k.local_of, [&](std::size_t sources, auto fill) {
    if (!first_kind) sets.compress();  // this kind's unites start from short paths
    first_kind = false;
    const HubCount count = par::map_reduce(
        sources, kSourceBlock, HubCount{},
        [&](std::size_t lo, std::size_t hi) {
          HubCount c;
          for_each_hub(lo, hi, fill, [&](std::span<const std::pair<Id, Id>> hub) {
            ++c.hubs;
            c.links += hub.size();
            for (std::size_t i = 1; i < hub.size(); ++i) sets.unite(hub[0].second, hub[i].second);
          });
          return c;
        },
        [](HubCount x, HubCount y) {
          return HubCount{x.hubs + y.hubs, x.links + y.links};
        });
    report.hubs += count.hubs;
    report.hub_links += count.links;
  });
  k.local_of = std::vector<Id>();
  const std::vector<Id> label = sets.labels();

  // The orgs grouped by cluster (a stable counting sort by label: each cluster's orgs in local,
  // that is org id, order); cluster `root` holds grouped[first[root], first[root + 1]).
  std::vector<Id> grouped;
  resize_touched(grouped, n);
  std::vector<std::uint32_t> first;
  resize_touched(first, n + 1);
  par::counting_sort(
      n, n, [&](std::size_t i) { return label[i]; },
      [&](std::size_t i, std::uint32_t slot) { grouped[slot] = kept[i]; }, first);
  const auto size = [&](std::size_t root) { return first[root + 1] - first[root]; };
  struct Figures {
    std::size_t singletons = 0, orgs_in_clusters = 0, largest = 0;
  };
  const Figures figures = par::map_reduce(
      n, 1 << 16, Figures{},
      [&](std::size_t lo, std::size_t hi) {
        Figures f;
        for (std::size_t i = lo; i < hi; ++i) {
          const std::size_t s = size(i);  // 0 unless i is a root
          f.singletons += s == 1 ? 1 : 0;
          if (s == 0 || s < options.min_size) continue;
          f.orgs_in_clusters += s;
          f.largest = std::max(f.largest, s);
        }
        return f;
      },
      [](Figures a, Figures b) {
        return Figures{a.singletons + b.singletons, a.orgs_in_clusters + b.orgs_in_clusters,
                       std::max(a.largest, b.largest)};
      });
  report.singletons = figures.singletons;
  report.orgs_in_clusters = figures.orgs_in_clusters;
  report.largest = figures.largest;
  // Size descending, then smallest org id (= the root: local order is org id order), as one
  // 64-bit key: the complemented size above the root.
  std::vector<std::uint64_t> order = par::indices_where<std::uint64_t>(
      n, 1 << 16, [&](std::size_t i) { return size(i) > 0 && size(i) >= options.min_size; });
  report.cluster_count = order.size();
  par::for_each_index(0, order.size(), 1 << 14, [&](std::size_t c) {
    const std::uint64_t root = order[c];
    order[c] = (std::uint64_t{~size(root)} << 32) | root;
  });
  par::sort(order.begin(), order.end(), std::less<>());
  if (options.top > 0 && order.size() > options.top) order.resize(options.top);

  // The clusters' lists are allocated here, on one thread: `orgraph` runs with one malloc arena
  // (cli/main.cpp), and two lists per cluster allocated from two threads at once wait for its
  // lock. Nation (116,000 clusters), 2 threads: 10 ms here, and the describe loop 95 ms instead
  // of 118-149 ms with the allocations inside it.
  report.clusters.resize(order.size());
  for (std::size_t c = 0; c < order.size(); ++c) {
    const std::size_t orgs = size(static_cast<std::uint32_t>(order[c]));
    report.clusters[c].orgs.reserve(orgs);
    report.clusters[c].areas.reserve(std::min<std::size_t>(orgs, kAreasReserved));
  }
  par::for_range(0, report.clusters.size(), 256, [&](std::size_t lo, std::size_t hi) {
    DescribeScratch scratch;
    for (std::size_t c = lo; c < hi; ++c) {
      const auto root = static_cast<std::uint32_t>(order[c]);
      UncoveredCluster& cluster = report.clusters[c];
      cluster.id = static_cast<std::uint32_t>(c + 1);
      cluster.orgs.assign(grouped.begin() + first[root], grouped.begin() + first[root + 1]);
      describe(g, cluster, scratch);
    }
  });
  return report;
}

}  // namespace orgraph

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

// Hubs of the bipartite graph: hub h joins the kept orgs members[offsets[h]..offsets[h+1]).
struct Hubs {
  std::vector<std::uint32_t> offsets{0};
  std::vector<Id> members;  // local org indexes
  std::size_t count() const { return offsets.size() - 1; }
};

// Adds one hub per run of equal keys of length >= 2, for every source. fill(source, pairs)
// appends (key, local org) pairs for the source; keys only need to be equal within a source.
// Blocks of sources run in parallel; their hubs are appended in source order.
template <class Fill>
void add_hubs(std::size_t sources, Fill fill, Hubs& hubs) {
  struct Block {
    std::vector<std::uint32_t> sizes;
    std::vector<Id> members;
  };
  std::vector<Block> blocks(par::block_count(sources, kSourceBlock));
  par::for_each_index(0, blocks.size(), 1, [&](std::size_t b) {
    Block& out = blocks[b];
    std::vector<std::pair<Id, Id>> pairs;
    const std::size_t hi = std::min(sources, (b + 1) * kSourceBlock);
    for (std::size_t s = b * kSourceBlock; s < hi; ++s) {
      pairs.clear();
      fill(static_cast<Id>(s), pairs);
      if (pairs.size() < 2) continue;
      std::sort(pairs.begin(), pairs.end());
      pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
      for (std::size_t i = 0; i < pairs.size();) {
        std::size_t j = i + 1;
        while (j < pairs.size() && pairs[j].first == pairs[i].first) ++j;
        if (j - i >= 2) {
          out.sizes.push_back(static_cast<std::uint32_t>(j - i));
          for (std::size_t k = i; k < j; ++k) out.members.push_back(pairs[k].second);
        }
        i = j;
      }
    }
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
// [n_orgs, n_orgs + hubs) are hubs.
Csr<> bipartite_graph(std::size_t n_orgs, const Hubs& hubs) {
  const std::size_t n_hubs = hubs.count();
  const std::size_t links = hubs.members.size();
  Csr<> graph;
  resize_touched(graph.offsets, n_orgs + n_hubs + 1, 0u);
  for (Id local : hubs.members) ++graph.offsets[local + 1];
  for (std::size_t v = 0; v < n_orgs; ++v) graph.offsets[v + 1] += graph.offsets[v];
  for (std::size_t h = 0; h < n_hubs; ++h) {
    graph.offsets[n_orgs + h + 1] = static_cast<std::uint32_t>(links + hubs.offsets[h + 1]);
  }
  graph.targets.resize(2 * links);
  std::vector<std::uint32_t> cursor(graph.offsets.begin(),
                                    graph.offsets.begin() + static_cast<std::ptrdiff_t>(n_orgs));
  for (std::size_t h = 0; h < n_hubs; ++h) {
    const Id hub_vertex = static_cast<Id>(n_orgs + h);
    for (std::uint32_t k = hubs.offsets[h]; k < hubs.offsets[h + 1]; ++k) {
      graph.targets[cursor[hubs.members[k]]++] = hub_vertex;
    }
  }
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
  c.areas.reserve(std::min<std::size_t>(c.orgs.size(), 64));
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

ClusterGraph uncovered_cluster_graph(const OrgGraph& g, const ClusterOptions& options) {
  if (options.area != kNone && options.area >= g.areas.size()) {
    throw std::invalid_argument("uncovered clusters: area index out of range");
  }
  if (!options.links.person && !options.links.community && !options.links.street_industry) {
    throw std::invalid_argument("--link needs at least one of person, community, street-industry");
  }
  ClusterGraph result;

  // Kept orgs, numbered in org id order.
  const std::size_t n_all = g.orgs.size();
  std::vector<Id> kept = par::map_reduce(
      n_all, 1 << 16, std::vector<Id>(),
      [&](std::size_t lo, std::size_t hi) {
        std::vector<Id> out;
        for (std::size_t o = lo; o < hi; ++o) {
          const Id org = static_cast<Id>(o);
          if (!g.is_uncovered(org)) continue;
          if (options.area != kNone && !g.area_contains(options.area, g.orgs[org].area)) continue;
          out.push_back(org);
        }
        return out;
      },
      [](std::vector<Id> a, std::vector<Id> b) {
        a.insert(a.end(), b.begin(), b.end());
        return a;
      });
  sort_by_string_id(g.org_ids, kept);
  const std::size_t n = kept.size();
  std::vector<Id> local_of;
  resize_touched(local_of, n_all, kNone);
  par::for_each_index(0, n, 1 << 14,
                      [&](std::size_t i) { local_of[kept[i]] = static_cast<Id>(i); });

  // Hubs.
  Hubs hubs;
  if (options.links.community) {
    add_hubs(
        g.areas.size(),
        [&](Id a, std::vector<std::pair<Id, Id>>& pairs) {
          for (Id o : g.area_orgs[a]) {
            if (local_of[o] != kNone) pairs.emplace_back(0, local_of[o]);
          }
        },
        hubs);
  }
  if (options.links.street_industry) {
    add_hubs(
        g.areas.size(),
        [&](Id a, std::vector<std::pair<Id, Id>>& pairs) {
          if (g.areas[a].level != AreaLevel::street) return;
          auto take = [&](Id area) {
            for (Id o : g.area_orgs[area]) {
              if (local_of[o] != kNone) pairs.emplace_back(g.orgs[o].industry, local_of[o]);
            }
          };
          take(a);
          for (Id child : g.area_children[a]) take(child);
        },
        hubs);
  }
  if (options.links.person) {
    add_hubs(
        g.people.size(),
        [&](Id p, std::vector<std::pair<Id, Id>>& pairs) {
          for (Id o : g.person_orgs[p]) {
            const Id local = local_of[o];
            if (local == kNone) continue;
            Id territory = 0;
            if (options.within == ClusterWithin::street) territory = g.orgs[o].street;
            if (options.within == ClusterWithin::district) territory = g.orgs[o].district;
            pairs.emplace_back(territory, local);
          }
        },
        hubs);
  }
  result.hubs = hubs.count();
  result.graph = bipartite_graph(n, hubs);
  result.orgs = std::move(kept);
  return result;
}

ClusterReport uncovered_clusters(const OrgGraph& g, const ClusterOptions& options) {
  if (options.min_size == 0) {
    throw std::invalid_argument("--min-size must be at least 1 (a cluster has at least one org)");
  }
  ClusterReport report;
  ClusterGraph cg = uncovered_cluster_graph(g, options);
  const std::vector<Id>& kept = cg.orgs;
  const std::size_t n = kept.size();
  report.uncovered_orgs = n;
  report.hubs = cg.hubs;
  report.hub_links = cg.graph.entries() / 2;
  if (n == 0) return report;
  // Components; labels of org vertices are org vertices (they number below every hub).
  const std::vector<Id> label = connected_components(cg.graph);
  cg.graph = Csr<>();

  std::vector<std::uint32_t> size;
  resize_touched(size, n, 0u);
  for (std::size_t i = 0; i < n; ++i) ++size[label[i]];
  std::vector<Id> roots;
  for (std::size_t i = 0; i < n; ++i) {
    if (size[i] == 0) continue;
    report.singletons += size[i] == 1 ? 1 : 0;
    if (size[i] < options.min_size) continue;
    roots.push_back(static_cast<Id>(i));
    report.orgs_in_clusters += size[i];
    report.largest = std::max<std::size_t>(report.largest, size[i]);
  }
  report.cluster_count = roots.size();
  // Size descending, then smallest org id (= the root: local order is org id order).
  std::stable_sort(roots.begin(), roots.end(), [&](Id a, Id b) { return size[a] > size[b]; });
  if (options.top > 0 && roots.size() > options.top) roots.resize(options.top);

  std::vector<Id> cluster_of;
  resize_touched(cluster_of, n, kNone);
  report.clusters.resize(roots.size());
  for (std::size_t c = 0; c < roots.size(); ++c) {
    cluster_of[roots[c]] = static_cast<Id>(c);
    report.clusters[c].id = static_cast<std::uint32_t>(c + 1);
    report.clusters[c].orgs.reserve(size[roots[c]]);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const Id c = cluster_of[label[i]];
    if (c != kNone) report.clusters[c].orgs.push_back(kept[i]);
  }
  par::for_range(0, report.clusters.size(), 256, [&](std::size_t lo, std::size_t hi) {
    DescribeScratch scratch;
    for (std::size_t c = lo; c < hi; ++c) describe(g, report.clusters[c], scratch);
  });
  return report;
}

}  // namespace orgraph

#include "queries/layout.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "engine/parallel.hpp"

namespace orgraph {
namespace {

constexpr double kSpacing = 60;  // c: distance scale between neighbouring orgs
constexpr double kGap = 80;      // free space between neighbouring area discs
// 2*pi*(1 - 1/phi): consecutive spiral items never line up.
constexpr double kGoldenAngle = 2.399963229728653;
constexpr std::size_t kGrain = 1024;

struct Vec {
  double x = 0, y = 0;
};

Point to_point(Vec v) { return {static_cast<float>(v.x), static_cast<float>(v.y)}; }
Vec to_vec(Point p) { return {p.x, p.y}; }

// Item k of a sunflower spiral with scale c around `centre`, starting at radius r0.
Point spiral(Vec centre, std::size_t k, double c, double r0 = 0) {
  const double r = r0 + c * std::sqrt(static_cast<double>(k) + 0.5);
  const double t = static_cast<double>(k) * kGoldenAngle;
  return to_point({centre.x + r * std::cos(t), centre.y + r * std::sin(t)});
}

Vec centroid(const std::vector<Point>& pos, std::span<const Id> ids) {
  Vec sum;
  for (Id i : ids) {
    sum.x += pos[i].x;
    sum.y += pos[i].y;
  }
  const double n = static_cast<double>(ids.size());
  return {sum.x / n, sum.y / n};
}

struct AreaDiscs {
  std::vector<double> radius;  // whole disc
  std::vector<double> ring;    // radius of the ring of child discs (0 without children)
  std::vector<std::vector<Id>> by_depth;
};

AreaDiscs area_discs(const OrgGraph& g) {
  const std::size_t n = g.areas.size();
  AreaDiscs d;
  d.radius.assign(n, 0);
  d.ring.assign(n, 0);
  // Depth below the top-level areas; the loader guarantees parents form a tree.
  std::vector<std::uint32_t> depth(n, 0);
  std::uint32_t max_depth = 0;
  for (Id a = 0; a < n; ++a) {
    std::uint32_t k = 0;
    for (Id p = g.areas[a].parent; p != kNone && k <= n; p = g.areas[p].parent) ++k;
    depth[a] = k;
    max_depth = std::max(max_depth, k);
  }
  d.by_depth.resize(n == 0 ? 0 : max_depth + 1);
  for (Id a = 0; a < n; ++a) d.by_depth[depth[a]].push_back(a);

  for (std::size_t level = d.by_depth.size(); level-- > 0;) {
    const auto& areas = d.by_depth[level];
    par::for_each_index(0, areas.size(), kGrain, [&](std::size_t i) {
      const Id a = areas[i];
      const std::size_t items = g.area_units.degree(a) + g.area_orgs.degree(a);
      const double core = items > 0 ? kSpacing * (std::sqrt(static_cast<double>(items)) + 0.5)
                                    : kSpacing * 0.5;
      const auto children = g.area_children[a];
      if (children.empty()) {
        d.radius[a] = core;
        return;
      }
      double total = 0, largest = 0;
      for (Id c : children) {
        total += 2 * d.radius[c] + kGap;
        largest = std::max(largest, d.radius[c]);
      }
      double ring = core + kGap + largest;
      const std::size_t m = children.size();
      if (m >= 2) {
        // Neighbours i and i+1 are pi*(w_i + w_j)/total apart in angle; their chord must hold
        // both radii and the gap: 2R sin(angle/2) >= (w_i + w_j) / 2.
        for (std::size_t k = 0; k < m; ++k) {
          const double wi = 2 * d.radius[children[k]] + kGap;
          const double wj = 2 * d.radius[children[(k + 1) % m]] + kGap;
          const double half_angle = std::numbers::pi * (wi + wj) / (2 * total);
          ring = std::max(ring, (wi + wj) / (4 * std::sin(half_angle)));
        }
      }
      d.ring[a] = ring;
      d.radius[a] = ring + largest;
    });
  }
  return d;
}

}  // namespace

Layout compute_layout(const OrgGraph& g, const LayoutOptions& options) {
  Layout out;
  out.spacing = static_cast<float>(kSpacing);
  out.areas.resize(g.areas.size());
  out.units.resize(g.units.size());
  out.orgs.resize(g.orgs.size());
  out.branches.resize(g.branches.size());
  const AreaDiscs discs = area_discs(g);
  std::vector<Vec> centre(g.areas.size());

  // Top-level discs, shelf-packed in rows about as wide as the whole picture is tall.
  double min_x = 0, max_x = 0, max_y = 0;
  if (!discs.by_depth.empty()) {
    const auto& roots = discs.by_depth[0];
    double area_sum = 0;
    for (Id a : roots) area_sum += std::pow(2 * discs.radius[a] + kGap, 2);
    const double row_width = std::sqrt(area_sum);
    double x = 0, y = 0, row_height = 0;
    std::size_t row_begin = 0;
    const auto close_row = [&](std::size_t end) {
      for (std::size_t k = row_begin; k < end; ++k) centre[roots[k]].y = y + row_height / 2;
      y += row_height;
      row_height = 0;
      x = 0;
      row_begin = end;
    };
    for (std::size_t k = 0; k < roots.size(); ++k) {
      const double w = 2 * discs.radius[roots[k]] + kGap;
      if (x > 0 && x + w > row_width) close_row(k);
      centre[roots[k]].x = x + w / 2;
      x += w;
      max_x = std::max(max_x, x);
      row_height = std::max(row_height, w);
    }
    close_row(roots.size());
    max_y = y;
  }
  // Child discs on their parent's ring, first one at the top, clockwise on screen.
  for (const auto& areas : discs.by_depth) {
    par::for_each_index(0, areas.size(), kGrain, [&](std::size_t i) {
      const Id a = areas[i];
      const auto children = g.area_children[a];
      if (children.empty()) return;
      double total = 0;
      for (Id c : children) total += 2 * discs.radius[c] + kGap;
      double before = 0;
      for (Id c : children) {
        const double w = 2 * discs.radius[c] + kGap;
        const double angle = 2 * std::numbers::pi * (before + w / 2) / total - std::numbers::pi / 2;
        before += w;
        centre[c] = {centre[a].x + discs.ring[a] * std::cos(angle),
                     centre[a].y + discs.ring[a] * std::sin(angle)};
      }
    });
  }
  for (Id a = 0; a < g.areas.size(); ++a) out.areas[a] = to_point(centre[a]);

  // Units, then orgs, on the spiral at the centre of the area they are located in.
  par::for_each_index(0, g.areas.size(), 64, [&](std::size_t i) {
    const Id a = static_cast<Id>(i);
    std::size_t k = 0;
    for (Id u : g.area_units[a]) out.units[u] = spiral(centre[a], k++, kSpacing);
    for (Id o : g.area_orgs[a]) out.orgs[o] = spiral(centre[a], k++, kSpacing);
  });

  // Branches beside what they cover; covering nothing, around their first superior unit.
  std::vector<std::uint8_t> placed(g.branches.size(), 0);
  par::for_each_index(0, g.branches.size(), kGrain, [&](std::size_t i) {
    const Id b = static_cast<Id>(i);
    const auto covered = g.branch_orgs[b];
    if (covered.empty()) return;
    const Vec c = centroid(out.orgs, covered);
    out.branches[b] = to_point({c.x + 0.3 * kSpacing, c.y + 0.3 * kSpacing});
    placed[b] = 1;
  });
  par::for_each_index(0, g.units.size(), kGrain, [&](std::size_t i) {
    const Id u = static_cast<Id>(i);
    std::size_t k = 0;
    for (Id b : g.unit_sub_branches[u]) {
      if (placed[b] != 0 || g.branch_superiors[b].front() != u) continue;
      out.branches[b] = spiral(to_vec(out.units[u]), k++, 0.35 * kSpacing, 0.3 * kSpacing);
    }
  });
  std::vector<Point*> loose;
  for (Id b = 0; b < g.branches.size(); ++b) {
    if (placed[b] == 0 && g.branch_superiors.degree(b) == 0) loose.push_back(&out.branches[b]);
  }

  if (options.people) {
    out.people.resize(g.people.size());
    // Around their first organization (lowest id), in the order the org lists them.
    par::for_each_index(0, g.orgs.size(), kGrain, [&](std::size_t i) {
      const Id o = static_cast<Id>(i);
      std::size_t k = 0;
      Id previous = kNone;
      for (Id p : g.org_people[o]) {
        if (p == previous) continue;  // one person with two roles
        previous = p;
        if (g.person_orgs[p].front() != o) continue;
        out.people[p] = spiral(to_vec(out.orgs[o]), k++, 0.12 * kSpacing, 0.25 * kSpacing);
      }
    });
    par::for_each_index(0, g.branches.size(), kGrain, [&](std::size_t i) {
      const Id b = static_cast<Id>(i);
      std::size_t k = 0;
      for (Id p : g.branch_people[b]) {
        if (g.person_orgs.degree(p) != 0 || g.person_branches[p].front() != b) continue;
        out.people[p] = spiral(to_vec(out.branches[b]), k++, 0.12 * kSpacing, 0.25 * kSpacing);
      }
    });
    for (Id p = 0; p < g.people.size(); ++p) {
      if (g.person_orgs.degree(p) == 0 && g.person_branches.degree(p) == 0) {
        loose.push_back(&out.people[p]);
      }
    }
  }

  // The unanchored, on a grid under the picture.
  if (!loose.empty()) {
    const double step = 0.5 * kSpacing;
    const auto columns = std::max<std::size_t>(
        static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(loose.size())))),
        static_cast<std::size_t>((max_x - min_x) / step));
    const double top = max_y + 2 * kSpacing;
    for (std::size_t k = 0; k < loose.size(); ++k) {
      *loose[k] = to_point({min_x + step * static_cast<double>(k % columns),
                            top + step * static_cast<double>(k / columns)});
    }
  }
  return out;
}

Point proposed_branch_position(const Layout& layout, std::span<const Id> orgs) {
  if (orgs.empty()) return {};
  const Vec c = centroid(layout.orgs, orgs);
  return to_point({c.x - 0.3 * layout.spacing, c.y + 0.3 * layout.spacing});
}

}  // namespace orgraph

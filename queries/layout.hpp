// A fast deterministic layout for exports, so viewers (Cytoscape, Gephi, sigma.js) can draw the
// graph without a layout pass, and the same node sits at the same place in every export of the
// same data (a district export is a window onto the whole-city picture).
//
// Method: the area tree is laid out as nested discs. A disc holds, at its centre, the units and
// orgs located directly in the area on a Vogel (sunflower) spiral — item k at radius
// c*sqrt(k+0.5), angle k*137.5 degrees, which packs n items in a disc of radius ~c*sqrt(n) —
// and around them its child areas on a ring (streets around their district, communities around
// their street). Disc radii are computed bottom-up; the ring radius is the smallest that keeps
// neighbouring child discs apart (angular share proportional to their diameters). The top-level
// areas (cities, or districts without a parent) are shelf-packed into rows in id order.
// Branches sit next to the orgs they cover (centroid plus an offset), or, covering nothing,
// on a small spiral beside their first superior unit; people on a small spiral around their
// first organization (or their first branch). Anything with no anchor goes to a grid below the
// picture.
//
// Latitude and longitude are not used for positions: real data gives them for some areas and
// orgs only, and mixing projected and schematic positions would make overlaps. They are
// exported as attributes, so Gephi's Geo Layout can use them when they are complete.
//
// Positions depend only on the graph: every item's position is a pure function of its
// anchor's position and its index among its siblings, so any thread count gives the same
// floats. y grows downwards (screen convention, as in Cytoscape).
#pragma once

#include <span>
#include <vector>

#include "engine/graph.hpp"

namespace orgraph {

struct Point {
  float x = 0, y = 0;
};

struct LayoutOptions {
  bool people = false;  // also place people (costs 8 bytes per person)
};

struct Layout {
  std::vector<Point> areas, units, orgs, branches, people;  // people empty unless asked for
  float spacing = 0;  // distance scale c between neighbouring orgs
};

Layout compute_layout(const OrgGraph& graph, const LayoutOptions& options = {});

// Where a proposed (joint) branch covering `orgs` is drawn: beside their centroid.
Point proposed_branch_position(const Layout& layout, std::span<const Id> orgs);

}  // namespace orgraph

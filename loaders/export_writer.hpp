// Streaming writers for `orgraph export`: Cytoscape (.cyjs), GEXF 1.3, graphology JSON, JSON
// Graph Format v2, networkx/d3 node-link JSON and GraphML (contracts.md section 4, export).
//
// Nothing is built in memory but one block of elements at a time: nodes and edges are formatted
// in fixed blocks (in parallel), and the blocks are handed to the sink in order, so the bytes
// never depend on the thread count and nation-scale exports need no second copy of the graph.
//
// Every format carries the same content: node ids "kind:id"; the node attributes of
// docs/export.md (kind, label, entity_id, then per kind: level and org roll-ups for areas; line,
// level, industry for units; org_kind, industry, registration_level, status, rating,
// staff_count, full_members, party_members, covered, work_covered, should_build, street,
// district for orgs; form, members, full_members, orgs_covered for branches; party_status for
// people; lat/lon when given; x, y); edges with id "e<n>" (n is stable: the same edge has the
// same id in every export of the same data), attribute `rel` and, for affiliations, `role`.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/graph.hpp"
#include "loaders/text_sink.hpp"
#include "queries/export.hpp"
#include "queries/layout.hpp"

namespace orgraph {

enum class ExportFormat : std::uint8_t { cytoscape, gexf, graphology, jgf, node_link, graphml };
std::optional<ExportFormat> parse_export_format(std::string_view text);
std::string_view to_string(ExportFormat format);
// "cytoscape|gexf|graphology|jgf|node-link|graphml"
std::string export_format_choices();
// The usual file extension: ".cyjs", ".gexf", ".json", ".graphml".
std::string_view export_extension(ExportFormat format);

struct ExportWriteOptions {
  bool include_names = false;  // people's names as labels (else their ids)
  std::string name;            // the graph's name in headers (e.g. the DATA folder's name)
  std::string generator = std::string("orgraph ") + ORGRAPH_VERSION;
  // area_org_counts(graph), for callers writing several exports of one graph (a nation's takes
  // 20 ms, one thread); computed when null and the selection has areas.
  const std::vector<AreaOrgCounts>* area_counts = nullptr;
};

struct ExportCounts {
  std::uint64_t nodes = 0, edges = 0, bytes = 0;
};

// Receives the output in order, in pieces of up to a few MiB.
using ExportSink = TextSink;

// Streams the selection in `format` to `sink`. `layout` must come from compute_layout on the
// same graph (with people when the selection has people). Throws std::invalid_argument when the
// selection does not fit the graph, or an extra attribute clashes with a built-in one.
ExportCounts write_export(const OrgGraph& graph, const ExportSelection& selection,
                          const Layout& layout, ExportFormat format,
                          const ExportWriteOptions& options, const ExportSink& sink);

// The same, into a string (for tests and small graphs).
std::string export_to_string(const OrgGraph& graph, const ExportSelection& selection,
                             const Layout& layout, ExportFormat format,
                             const ExportWriteOptions& options = {});

}  // namespace orgraph

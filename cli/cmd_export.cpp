// orgraph export DATA --to FORMAT: the graph, a district or a query's result, for Cytoscape,
// Gephi, graphology/sigma.js, JSON Graph Format tools, networkx/d3 and GraphML readers.
#include <filesystem>
#include <iostream>

#include "cli/common.hpp"
#include "cli/progress.hpp"
#include "loaders/export_writer.hpp"
#include "queries/export.hpp"
#include "queries/layout.hpp"

namespace orgraph::cli {
namespace {

struct ExportArgs {
  std::string data;
  std::string to;
  std::string area;
  std::string only = "all";
  bool include_people = false;
  bool include_names = false;
};

// The graph's name in file headers: the DATA folder's (or JSON file's) name.
std::string graph_name(const std::string& data) {
  std::filesystem::path p(data);
  if (!p.has_filename()) p = p.parent_path();
  return p.stem().string();
}

int run_export(const ExportArgs& args, const Globals& g) {
  const auto format = parse_export_format(args.to);
  if (!format) {
    throw CLI::ValidationError("--to", "must be " + export_format_choices() + " (found '" +
                                           args.to + "')");
  }
  const auto only = parse_export_only(args.only);
  if (!only) {
    throw CLI::ValidationError("--only", "must be uncovered, clusters, joint-branches or gaps "
                                         "(found '" + args.only + "')");
  }
  Progress progress({"load", "select", "layout", "write"}, g.quiet);
  progress.begin("load");
  const OrgGraph graph = load_data(args.data, g, {.person_names = args.include_names});
  if (!args.area.empty() && graph.find_area(args.area) == kNone) {
    throw NotFound("--area " + quote_found(args.area) + ": no such area in " + args.data);
  }
  ExportQuery query;
  query.area = args.area;
  query.only = *only;
  query.include_people = args.include_people;
  progress.begin("select");
  const ExportSelection selection = select_for_export(graph, query);
  if (args.include_names && !selection.has_people() && !g.quiet) {
    std::cerr << "orgraph: --include-names: the export has no people, so no names"
              << (args.include_people ? "" : " (add --include-people to export them)") << "\n";
  }
  progress.begin("layout");
  LayoutOptions layout_options;
  layout_options.people = selection.has_people();
  const Layout layout = compute_layout(graph, layout_options);
  progress.begin("write");

  ExportWriteOptions options;
  options.include_names = args.include_names;
  options.name = graph_name(args.data);
  Output out(g.out);
  const ExportCounts counts =
      write_export(graph, selection, layout, *format, options,
                   [&](std::string_view piece) { out.write(piece); });
  out.commit();
  progress.end();
  if (!g.quiet) {
    std::cerr << "export: " << counts.nodes << " nodes, " << counts.edges << " edges, "
              << counts.bytes << " bytes (" << to_string(*format) << ", "
              << selection.description << ")\n";
  }
  return kOk;
}

const bool registered = register_command(
    {"export", "graph for Cytoscape, Gephi, graphology, JGF, networkx or GraphML readers", 80,
     [](CLI::App& sub, Globals& g) -> Runner {
       auto args = std::make_shared<ExportArgs>();
       sub.add_option("DATA", args->data, "city folder, .json file or snapshot")->required();
       sub.add_option("--to", args->to, "output format: " + export_format_choices())
           ->required();
       sub.add_option("--area", args->area,
                      "only this area (a district or street) and what is in it");
       sub.add_option("--only", args->only,
                      "only: uncovered (orgs with no branch), clusters (uncovered clusters of 2+), "
                      "joint-branches (proposed joint branches), gaps (responsibility gaps)");
       sub.add_flag("--include-people", args->include_people,
                    "add people (affiliated and party-relation edges); by default orgs carry "
                    "member counts only");
       sub.add_flag("--include-names", args->include_names,
                    "label people with their names (default: their ids)");
       return [args, &g] { return run_export(*args, g); };
     }});

}  // namespace
}  // namespace orgraph::cli

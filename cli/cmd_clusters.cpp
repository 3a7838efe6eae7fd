// orgraph clusters DATA [--link ...] [--within street|district] [--min-size K] [--top N]
// [--area ID]: uncovered clusters.
#include "cli/common.hpp"
#include "cli/progress.hpp"
#include "loaders/clusters_writer.hpp"
#include "queries/clusters.hpp"

namespace orgraph::cli {
namespace {

struct ClustersArgs {
  std::string data;
  std::string link = "person,community";
  std::string within;
  std::size_t min_size = 1;
  std::size_t top = 0;
  std::string area;
};

int run_clusters(const ClustersArgs& args, const Globals& g) {
  ClusterOptions options;
  options.links = parse_cluster_links(args.link);
  options.within = parse_cluster_within(args.within);
  options.min_size = args.min_size;
  options.top = args.top;
  if (options.min_size == 0) {
    throw std::invalid_argument("--min-size must be at least 1 (a cluster has at least one org)");
  }
  const Format format = output_format(g);
  Progress progress({"load", "clusters", "write"}, g.quiet);
  progress.begin("load");
  const OrgGraph graph = load_data(args.data, g, {.person_names = false});
  if (!args.area.empty()) {
    options.area = graph.find_area(args.area);
    if (options.area == kNone) {
      throw NotFound("--area " + quote_found(args.area) + ": no such area in areas.csv");
    }
  }
  progress.begin("clusters");
  const ClusterReport report = uncovered_clusters(graph, options);
  progress.begin("write");
  switch (format) {
    case Format::json:
      emit(g, [&](const TextSink& sink) { write_clusters_json(graph, report, options, sink); });
      break;
    case Format::csv:
      emit(g, [&](const TextSink& sink) { write_clusters_csv(graph, report, sink); });
      break;
    case Format::table:
      emit(g, clusters_table(graph, report, options));
      break;
  }
  progress.end();
  return kOk;
}

const bool registered = register_command(
    {"clusters", "uncovered clusters: uncovered orgs tied by shared people or premises", 50,
     [](CLI::App& sub, Globals& g) -> Runner {
       auto args = std::make_shared<ClustersArgs>();
       sub.add_option("DATA", args->data, "city folder, .json file or snapshot")->required();
       sub.add_option("--link", args->link,
                      "links between uncovered orgs: comma-separated person, community, "
                      "street-industry")
           ->default_val("person,community");
       sub.add_option("--within", args->within, "keep only links inside one street or one district")
           ->check(CLI::IsMember({"street", "district"}));
       sub.add_option("--min-size", args->min_size, "list clusters of at least K orgs")
           ->default_val(1);
       sub.add_option("--top", args->top, "list only the N largest clusters (0 = all)")
           ->default_val(0);
       sub.add_option("--area", args->area,
                      "keep only uncovered orgs inside this area (and its sub-areas)");
       return [args, &g] { return run_clusters(*args, g); };
     }});

}  // namespace
}  // namespace orgraph::cli

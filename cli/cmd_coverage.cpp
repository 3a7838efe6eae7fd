// orgraph coverage DATA [--by ...]: the two coverages, should-build list, pocket/floating.
#include "cli/common.hpp"
#include "cli/progress.hpp"
#include "loaders/coverage_writer.hpp"
#include "queries/coverage.hpp"

namespace orgraph::cli {
namespace {

struct CoverageArgs {
  std::string data;
  std::string by = "district";
};

int run_coverage(const CoverageArgs& args, const Globals& g) {
  CoverageOptions options;
  options.by = parse_coverage_group_by(args.by);
  const Format format = output_format(g);
  Progress progress({"load", "coverage", "write"}, g.quiet);
  progress.begin("load");
  const OrgGraph graph = load_data(args.data, g, {.person_names = false});
  progress.begin("coverage");
  const CoverageReport report = coverage(graph, options);
  progress.begin("write");
  switch (format) {
    case Format::json:
      emit(g, coverage_json(graph, report));
      break;
    case Format::csv:
      emit(g, coverage_csv(graph, report));
      break;
    case Format::table:
      emit(g, coverage_table(graph, report));
      break;
  }
  progress.end();
  return kOk;
}

const bool registered = register_command(
    {"coverage", "the two coverages by area or kind, should-build list, pocket/floating members",
     40, [](CLI::App& sub, Globals& g) -> Runner {
       auto args = std::make_shared<CoverageArgs>();
       sub.add_option("DATA", args->data, "city folder, .json file or snapshot")->required();
       sub.add_option("--by", args->by,
                      "group by district, street, industry, kind or registration_level")
           ->default_val("district")
           ->check(CLI::IsMember({"district", "street", "industry", "kind", "registration_level"}));
       return [args, &g] { return run_coverage(*args, g); };
     }});

}  // namespace
}  // namespace orgraph::cli

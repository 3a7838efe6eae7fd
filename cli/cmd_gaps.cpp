// orgraph gaps DATA [--severity error|warning|info]: responsibility-gap audit.
#include "cli/common.hpp"
#include "cli/progress.hpp"
#include "loaders/gaps_writer.hpp"
#include "queries/gaps.hpp"

namespace orgraph::cli {
namespace {

struct GapsArgs {
  std::string data;
  std::string severity = "info";
  std::uint32_t min_full = 3;
  std::uint32_t max_members = 50;
  std::uint32_t max_units = 5;
};

int run_gaps(const GapsArgs& args, const Globals& g) {
  GapOptions options;
  options.min_severity = parse_severity(args.severity);
  options.min_full = args.min_full;
  options.max_members = args.max_members;
  options.max_joint_units = args.max_units;
  if (options.committee_members <= options.max_members) {
    options.committee_members = 2 * options.max_members;
  }
  const Format format = output_format(g);  // checked before the (possibly long) load
  Progress progress({"load", "audit", "write"}, g.quiet);
  progress.begin("load");
  const OrgGraph graph = load_data(args.data, g, {.person_names = false});
  progress.begin("audit");
  const GapAudit report = audit_gaps(graph, options);
  progress.begin("write");
  switch (format) {
    case Format::json:
      emit(g, [&](const TextSink& sink) { write_gaps_json(report, sink); });
      break;
    case Format::csv:
      emit(g, [&](const TextSink& sink) { write_gaps_csv(report, sink); });
      break;
    case Format::table:
      emit(g, [&](const TextSink& sink) { write_gaps_table(report, sink); });
      break;
  }
  progress.end();
  return kOk;
}

const bool registered = register_command(
    {"gaps", "responsibility-gap audit of the supervision hierarchy", 70,
     [](CLI::App& sub, Globals& g) -> Runner {
       auto args = std::make_shared<GapsArgs>();
       sub.add_option("DATA", args->data, "city folder, .json file or snapshot")->required();
       sub.add_option("--severity", args->severity,
                      "minimum severity shown: error (errors only), warning (errors and "
                      "warnings) or info (all, the default)");
       sub.add_option("--min-full", args->min_full,
                      "full members a branch needs (undersized_branch, should_build_branch; "
                      "default 3)");
       sub.add_option("--max-members", args->max_members,
                      "party members a branch or joint branch may have (oversized_branch; "
                      "default 50)");
       sub.add_option("--max-units", args->max_units,
                      "organizations a joint branch may cover (joint_branch_too_wide; default 5)");
       return [args, &g] { return run_gaps(*args, g); };
     }});

}  // namespace
}  // namespace orgraph::cli

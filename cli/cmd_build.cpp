// orgraph build DATA --out city.orgraph: load once, write a binary snapshot that every command
// accepts in place of DATA.
#include <iostream>

#include "cli/common.hpp"
#include "loaders/snapshot.hpp"

namespace orgraph::cli {
namespace {

struct BuildArgs {
  std::string data;
  std::string out;
};

int run_build(const BuildArgs& a, const Globals& g) {
  if (a.out.empty()) throw CLI::ValidationError("--out", "build needs --out FILE for the snapshot");
  LoadReport report;
  const OrgGraph graph = load_data(a.data, g, {}, &report);
  write_snapshot(graph, a.out);
  if (!g.quiet) {
    std::cerr << "orgraph: wrote snapshot " << a.out << " (" << graph.orgs.size() << " orgs, "
              << graph.people.size() << " people; loaded in " << report.seconds << " s)\n";
  }
  return kOk;
}

const bool registered = register_command(
    {"build", "load DATA once and write a binary snapshot (use it wherever DATA is accepted)", 15,
     [](CLI::App& sub, Globals& g) -> Runner {
       auto a = std::make_shared<BuildArgs>();
       sub.add_option("DATA", a->data, "city folder of CSVs, a .json file or a snapshot")
           ->required();
       return [a, &g] {
         BuildArgs args = *a;
         args.out = g.out;
         return run_build(args, g);
       };
     }});

}  // namespace
}  // namespace orgraph::cli

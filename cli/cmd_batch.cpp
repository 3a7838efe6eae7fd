// orgraph batch [DATA] --out DIR: the nightly job. Loads the city once, runs coverage, clusters,
// joint branches and gaps over the one graph, and leaves a report folder: CSV/JSON results,
// exports for Cytoscape and Gephi, report.html, and summary.json (written last). Everything is
// written into DIR.partial-<pid> and renamed into place only when complete, so a failed or
// killed run leaves the previous report as it was.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>

#include "cli/common.hpp"
#include "cli/progress.hpp"
#include "engine/parallel.hpp"
#include "loaders/batch_report.hpp"
#include "loaders/clusters_writer.hpp"
#include "loaders/coverage_writer.hpp"
#include "loaders/gaps_writer.hpp"
#include "loaders/joint_branches_writer.hpp"
#include "loaders/json_out.hpp"
#include "loaders/report_html.hpp"
#include "queries/stats.hpp"

namespace orgraph::cli {
namespace {

namespace fs = std::filesystem;

struct BatchArgs {
  std::string data;
  std::string out;
  std::size_t network_clusters = 12;
  double effort = JointBranchOptions().perturbations_per_candidate;
  std::size_t export_max_orgs = BatchExportCounts().max_orgs;
};

void write_file(const fs::path& path, std::string_view text) {
  Output out(path.string());
  out.write(text);
  out.commit();
}

void stream_file(const fs::path& path, const std::function<void(const TextSink&)>& write) {
  Output out(path.string());
  write([&](std::string_view piece) { out.write(piece); });
  out.commit();
}

// Removes DIR.partial-<pid> folders left by runs that were killed (their pid is gone).
void remove_stale_partials(const fs::path& out) {
  const fs::path parent = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  const std::string prefix = out.filename().string() + ".partial-";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(parent, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const long pid = std::atol(name.c_str() + prefix.size());
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0) continue;  // still running
    fs::remove_all(e.path(), ec);
  }
}

int run_batch(const BatchArgs& a, const Globals& g) {
  if (a.out.empty()) {
    throw CLI::ValidationError("--out", "batch needs --out DIR for the report folder");
  }
  const fs::path out = fs::path(a.out).lexically_normal();
  if (fs::exists(out) && !fs::is_directory(out)) {
    throw IoError(a.out + ": exists and is not a folder, expected a report folder");
  }
  const std::string data = a.data.empty() ? default_data_path() : a.data;
  Progress progress({"load", "coverage", "clusters", "joint branches", "gaps", "exports",
                     "report", "summary"},
                    g.quiet);

  progress.begin("load");
  LoadReport load_report;
  const OrgGraph graph = load_data(data, g, {.person_names = false}, &load_report);

  BatchResults r;
  r.data = data;
  r.load = &load_report;
  progress.begin("coverage");
  CoverageOptions by_district;
  r.coverage = coverage(graph, by_district);
  CoverageOptions by_industry;
  by_industry.by = CoverageGroupBy::industry;
  r.coverage_by_industry = coverage(graph, by_industry);
  progress.begin("clusters");
  r.clusters = uncovered_clusters(graph, r.cluster_options);
  progress.begin("joint branches");
  r.joint_options.perturbations_per_candidate = a.effort;
  r.joint = joint_branches(graph, r.joint_options);
  progress.begin("gaps");
  r.gaps = gaps(graph, r.gap_options);

  remove_stale_partials(out);
  const fs::path partial = out.string() + ".partial-" + std::to_string(::getpid());
  fs::remove_all(partial);
  fs::create_directories(partial);
  try {
    progress.begin("exports");
    write_file(partial / "coverage.csv", coverage_csv(graph, r.coverage));
    write_file(partial / "coverage.json", coverage_json(graph, r.coverage));
    write_file(partial / "coverage_by_industry.csv", coverage_csv(graph, r.coverage_by_industry));
    write_file(partial / "clusters.json", clusters_json(graph, r.clusters, r.cluster_options));
    write_file(partial / "clusters.csv", clusters_csv(graph, r.clusters));
    write_file(partial / "joint_branches.csv", joint_branches_csv(graph, r.joint));
    write_file(partial / "joint_branches.json",
               joint_branches_json(graph, r.joint, r.joint_options));
    stream_file(partial / "gaps.csv", [&](const TextSink& sink) { write_gaps_csv(r.gaps, sink); });
    stream_file(partial / "gaps.json", [&](const TextSink& sink) { write_gaps_json(r.gaps, sink); });
    r.exports.max_orgs = a.export_max_orgs;
    batch_exports(graph, r, [&](const std::string& name, const ExportFileWriter& write) {
      stream_file(partial / name, write);
    });

    progress.begin("report");
    ReportData report = batch_report(graph, r, a.network_clusters);
    report.cytoscape_js = find_cytoscape_js();
    if (report.cytoscape_js.empty() && !g.quiet) {
      std::cerr << "orgraph: cytoscape.js not found (run `make setup`): report.html will have "
                   "no network view\n";
    }
    write_file(partial / "report.html", render_report_html(report));

    progress.begin("summary");
    progress.end();
    write_file(partial / "summary.json", batch_summary_json(graph, r, progress.timings(),
                                                           progress.total_seconds()));
    // Swap the complete folder into place.
    const fs::path previous = out.string() + ".previous-" + std::to_string(::getpid());
    if (fs::exists(out)) fs::rename(out, previous);
    fs::rename(partial, out);
    std::error_code ec;
    fs::remove_all(previous, ec);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(partial, ec);
    throw;
  }
  if (!g.quiet) {
    std::cerr << "orgraph: report written to " << (fs::absolute(out) / "report.html").string()
              << '\n';
  }
  return kOk;
}

const bool registered = register_command(
    {"batch",
     "run everything over one loaded graph and write a report folder (DATA defaults to the "
     "shipped example city)",
     90, [](CLI::App& sub, Globals& g) -> Runner {
       auto a = std::make_shared<BatchArgs>();
       sub.add_option("DATA", a->data, "city folder, .json file or snapshot (default: " +
                                           default_data_path() + ")");
       sub.add_option("--network-clusters", a->network_clusters,
                      "largest uncovered clusters drawn in the report's network view")
           ->capture_default_str();
       sub.add_option("--export-max-orgs", a->export_max_orgs,
                      "most organizations in each Cytoscape/Gephi export file (the largest "
                      "clusters first; summary.json says how many were exported)")
           ->check(CLI::PositiveNumber)
           ->capture_default_str();
       sub.add_option("--effort", a->effort,
                      "joint-branch search effort, as in `orgraph joint-branches --effort`")
           ->check(CLI::Range(0.0, 100.0))
           ->capture_default_str();
       return [a, &g] {
         BatchArgs args = *a;
         args.out = g.out;
         return run_batch(args, g);
       };
     }});

}  // namespace
}  // namespace orgraph::cli

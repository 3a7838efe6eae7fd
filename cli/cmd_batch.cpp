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
#include <functional>
#include <iostream>
#include <map>
#include <utility>
#include <vector>

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

// The report folder being written: every file goes to disk later (Durability::later), all of
// them synced at the end, so the disk writes one file while the next is computed.
class ReportFolder {
 public:
  explicit ReportFolder(fs::path dir) : dir_(std::move(dir)) {}
  void write(const std::string& name, std::string_view text) {
    stream(name, [&](const TextSink& sink) { sink(text); });
  }
  void stream(const std::string& name, const std::function<void(const TextSink&)>& write) {
    stream_together({{name, write}});
  }
  // Writes several files at once, one task each, handed out in list order to whichever thread
  // is free (list the largest first). Writing into one file is serial in the kernel (ext4 locks
  // the file), so two big files side by side use both cores where one after the other would
  // leave the second core formatting ahead and then waiting.
  using FileWriter = std::pair<std::string, std::function<void(const TextSink&)>>;
  void stream_together(const std::vector<FileWriter>& files) {
    par::for_each_in_turn(files.size(), [&](std::size_t f) {
      Output out((dir_ / files[f].first).string(), Durability::later);
      files[f].second([&](std::string_view piece) { out.write(piece); });
      out.commit();
    });
    for (const auto& [name, write] : files) written_.push_back((dir_ / name).string());
  }
  // Two files from one writer, write(first's sink, second's sink): for outputs that share
  // their formatting (gaps.csv and gaps.json).
  void stream_pair(const std::string& first, const std::string& second,
                   const std::function<void(const TextSink&, const TextSink&)>& write) {
    Output a((dir_ / first).string(), Durability::later);
    Output b((dir_ / second).string(), Durability::later);
    write([&](std::string_view piece) { a.write(piece); },
          [&](std::string_view piece) { b.write(piece); });
    a.commit();
    b.commit();
    written_.push_back((dir_ / first).string());
    written_.push_back((dir_ / second).string());
  }
  // Waits until every file written so far, and the folder, are on the disk.
  void sync() {
    written_.push_back(dir_.string());
    sync_to_disk(written_);
    written_.clear();
  }

 private:
  fs::path dir_;
  std::vector<std::string> written_;
};

// Removes a report folder (the previous report, after the swap), its files in parallel,
// largest first: unlinking a gigabyte file drops its pages from the page cache, kernel work
// that took a second on one thread for a nation's report. Errors are ignored (what is left
// goes with the remove_all at the end, or stays).
void remove_report_folder(const fs::path& dir) {
  std::error_code ec;
  std::vector<std::pair<std::uintmax_t, fs::path>> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::error_code size_ec;
    if (e.is_regular_file(size_ec)) files.emplace_back(e.file_size(size_ec), e.path());
  }
  std::sort(files.begin(), files.end(), std::greater<>());
  par::for_each_in_turn(files.size(), [&](std::size_t i) {
    std::error_code remove_ec;
    fs::remove(files[i].second, remove_ec);
  });
  fs::remove_all(dir, ec);
}

// Cleans up after runs that were killed (their pid is gone): removes their DIR.partial-<pid>
// folders, and their DIR.previous-<pid> folders, the report they had replaced (killed after the
// swap, before removing it). A run killed between its two renames left no DIR and the previous
// report whole in DIR.previous-<pid>: that one is put back as DIR instead.
void remove_stale_folders(const fs::path& out) {
  const fs::path parent = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  const std::string partial = out.filename().string() + ".partial-";
  const std::string previous = out.filename().string() + ".previous-";
  std::vector<std::pair<bool, fs::path>> stale;  // (is a previous report, folder)
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(parent, ec)) {
    const std::string name = e.path().filename().string();
    const bool is_previous = name.rfind(previous, 0) == 0;
    if (!is_previous && name.rfind(partial, 0) != 0) continue;
    const long pid = std::atol(name.c_str() + (is_previous ? previous : partial).size());
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0) continue;  // still running
    stale.emplace_back(is_previous, e.path());
  }
  for (const auto& [is_previous, dir] : stale) {
    if (is_previous && !fs::exists(out, ec)) {
      fs::rename(dir, out, ec);
      if (!ec) continue;
    }
    remove_report_folder(dir);
  }
}

// The run replaces DIR whole, so DIR must be new, empty or an earlier report: a folder holding
// anything else (the input data, a user's files) is refused, never deleted.
void refuse_other_folder(const fs::path& out) {
  std::error_code ec;
  if (!fs::is_directory(out, ec)) return;
  for (const auto& e : fs::directory_iterator(out)) {
    const std::string name = e.path().filename().string();
    const bool report_file =
        std::find(kReportFiles.begin(), kReportFiles.end(), name) != kReportFiles.end();
    if (!report_file || e.is_directory(ec)) {
      throw std::invalid_argument(
          out.string() + " holds " + name +
          ", which is not a file of an orgraph report; batch replaces the whole folder, so "
          "choose a new or empty folder for --out");
    }
  }
}

int run_batch(const BatchArgs& a, const Globals& g) {
  if (a.out.empty()) {
    throw CLI::ValidationError("--out", "batch needs --out DIR for the report folder");
  }
  if (a.export_max_orgs == 0) {
    throw CLI::ValidationError("--export-max-orgs", "found 0, expected at least 1");
  }
  const fs::path out = fs::path(a.out).lexically_normal();
  if (fs::exists(out) && !fs::is_directory(out)) {
    throw IoError(a.out + ": exists and is not a folder, expected a report folder");
  }
  refuse_other_folder(out);
  const std::string data = a.data.empty() ? default_data_path() : a.data;
  // Gaps before joint branches: the gap files (2 GB for a nation) are written and go to the disk
  // while the joint branches are planned, and all but the gaps report.html shows are freed.
  Progress progress({"load", "coverage", "clusters", "gaps", "gap files", "joint branches",
                     "exports", "report", "sync", "summary"},
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
  progress.begin("gaps");
  GapAudit audit = audit_gaps(graph, r.gap_options);

  remove_stale_folders(out);
  const fs::path partial = out.string() + ".partial-" + std::to_string(::getpid());
  fs::remove_all(partial);
  fs::create_directories(partial);
  ReportFolder folder(partial);
  try {
    progress.begin("gap files");
    folder.stream_pair("gaps.csv", "gaps.json", [&](const TextSink& csv, const TextSink& json) {
      write_gaps_csv_and_json(audit, csv, json);
    });
    keep_report_gaps(r, audit);
    audit = GapAudit();

    progress.begin("joint branches");
    r.joint_options.perturbations_per_candidate = a.effort;
    r.joint = joint_branches(graph, r.joint_options);

    progress.begin("exports");
    folder.write("coverage.csv", coverage_csv(graph, r.coverage));
    folder.write("coverage.json", coverage_json(graph, r.coverage));
    folder.write("coverage_by_industry.csv", coverage_csv(graph, r.coverage_by_industry));
    folder.stream_together(  // largest first (a nation: 147, 102, 79 and 66 MB)
        {{"joint_branches.json",
          [&](const TextSink& sink) {
            write_joint_branches_json(graph, r.joint, r.joint_options, sink);
          }},
         {"clusters.csv",
          [&](const TextSink& sink) { write_clusters_csv(graph, r.clusters, sink); }},
         {"joint_branches.csv",
          [&](const TextSink& sink) { write_joint_branches_csv(graph, r.joint, sink); }},
         {"clusters.json", [&](const TextSink& sink) {
            write_clusters_json(graph, r.clusters, r.cluster_options, sink);
          }}});
    r.exports.max_orgs = a.export_max_orgs;
    const Layout layout = compute_layout(graph);  // one picture for every export and the report
    batch_exports(graph, layout, r,
                  [&](const ExportFiles& files) { folder.stream_together(files); });

    progress.begin("report");
    ReportData report = batch_report(graph, layout, r, a.network_clusters);
    report.cytoscape_js = find_cytoscape_js();
    if (report.cytoscape_js.empty() && !g.quiet) {
      std::cerr << "orgraph: cytoscape.js not found (run `make setup`): report.html will have "
                   "no network view\n";
    }
    folder.write("report.html", render_report_html(report));

    progress.begin("sync");  // waits for whatever the disk has not written yet
    folder.sync();

    progress.begin("summary");
    progress.end();
    folder.write("summary.json",
                 batch_summary_json(graph, r, progress.timings(), progress.total_seconds()));
    folder.sync();
    // Swap the complete folder into place.
    const fs::path previous = out.string() + ".previous-" + std::to_string(::getpid());
    if (fs::exists(out)) fs::rename(out, previous);
    fs::rename(partial, out);
    remove_report_folder(previous);
    const fs::path parent = out.parent_path().empty() ? fs::path(".") : out.parent_path();
    sync_to_disk({parent.string()});  // the renames too
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
       sub.add_option("DATA", a->data,
                      "city folder, .json file or snapshot (default: " + default_data_path() + ")");
       sub.add_option("--network-clusters", a->network_clusters,
                      "largest uncovered clusters drawn in the report's network view")
           ->capture_default_str();
       sub.add_option("--export-max-orgs", a->export_max_orgs,
                      "most organizations in each Cytoscape/Gephi export file (the largest "
                      "clusters first, and always the largest one; summary.json says how many "
                      "were exported)")
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

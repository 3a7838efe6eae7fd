// orgraph validate DATA [--lenient [--rejects FILE]]: loads, checks, prints counts per table.
#include <filesystem>
#include <iostream>

#include "cli/common.hpp"
#include "loaders/json_out.hpp"

namespace orgraph::cli {
namespace {

// The text of a rejected people.csv row holds a person's name (and whatever other columns the
// file carries, phone numbers included): left out unless asked for, like names in exports.
constexpr std::string_view kPeopleRowLeftOut =
    "(left out: rows of people.csv hold names; validate --include-names copies them)";

bool from_people_csv(const std::string& file) {
  return std::filesystem::path(file).filename() == "people.csv";
}

void write_rejects(const std::string& path, const LoadReport& report, bool include_names) {
  Output out(path);
  out.write("file,line,column,pointer,reason,row\n");
  for (const auto& d : report.diagnostics) {
    if (d.severity != DiagnosticSeverity::error) continue;
    const bool withheld = !include_names && !d.row.empty() && from_people_csv(d.file);
    out.write(csv_field(d.file) + "," + (d.line ? std::to_string(d.line) : "") + "," +
              (d.column ? std::to_string(d.column) : "") + "," + csv_field(d.pointer) + "," +
              csv_field(d.message) + "," +
              (withheld ? csv_field(kPeopleRowLeftOut) : csv_field(d.row)) + "\n");
  }
  out.commit();
}

struct ValidateArgs {
  std::string data;
  bool lenient = false;
  bool include_names = false;
  std::string rejects = "rejects.csv";
  std::size_t max_errors = 100;
};

int run_validate(const ValidateArgs& a, const Globals& g) {
  LoadReport report;
  LoadOptions options;
  options.lenient = a.lenient;
  options.max_errors = a.max_errors;
  const OrgGraph graph = load_data(a.data, g, options, &report);
  std::size_t rejected = 0, warnings = 0;
  for (const auto& t : report.tables) rejected += t.rejected;
  for (const auto& d : report.diagnostics) warnings += d.severity == DiagnosticSeverity::warning ? 1 : 0;
  if (a.lenient) write_rejects(a.rejects, report, a.include_names);

  const Format format = output_format(g);
  std::string text;
  if (format == Format::json) {
    JsonOut j;
    j.begin_object().key("source").str(report.source).key("format").str(report.format);
    j.key("valid").boolean(rejected == 0).key("bytes").num(report.bytes);
    j.key("tables").begin_array();
    for (const auto& t : report.tables) {
      j.begin_object().key("table").str(t.table).key("rows").num(t.rows);
      j.key("rejected").num(t.rejected).end_object();
    }
    j.end_array().key("rejected").num(rejected).key("warnings").begin_array();
    for (const auto& d : report.diagnostics) {
      if (d.severity == DiagnosticSeverity::warning) j.str(d.to_string());
    }
    j.end_array();
    if (a.lenient) j.key("rejects_file").str(a.rejects);
    j.end_object();
    text = j.take();
  } else if (format == Format::csv) {
    text = "table,rows,rejected\n";
    for (const auto& t : report.tables) {
      text += t.table + "," + std::to_string(t.rows) + "," + std::to_string(t.rejected) + "\n";
    }
  } else {
    char line[160];
    text = "source: " + report.source + " (" + report.format + ", " +
           std::to_string(report.bytes) + " bytes)\n";
    std::snprintf(line, sizeof line, "%-18s %12s %10s\n", "table", "rows", "rejected");
    text += line;
    for (const auto& t : report.tables) {
      std::snprintf(line, sizeof line, "%-18s %12zu %10zu\n", t.table.c_str(), t.rows, t.rejected);
      text += line;
    }
    text += rejected == 0 ? "valid: no errors"
                          : "loaded with " + std::to_string(rejected) +
                                " rejected rows (written to " + a.rejects + ")";
    text += ", " + std::to_string(warnings) + " warning(s)\n";
  }
  emit(g, text);
  if (rejected > 0 && !g.quiet) {
    std::cerr << "orgraph: dropped " << rejected << " invalid row(s); reasons in " << a.rejects
              << '\n';
  }
  (void)graph;
  return kOk;
}

const bool registered = register_command(
    {"validate", "load DATA, check every row and reference, print counts per table", 20,
     [](CLI::App& sub, Globals& g) -> Runner {
       auto a = std::make_shared<ValidateArgs>();
       sub.add_option("DATA", a->data, "city folder of CSVs, a .json file, or a snapshot")
           ->required();
       sub.add_flag("--lenient", a->lenient,
                    "load the valid rows; write each rejected row and its reason to --rejects");
       sub.add_option("--rejects", a->rejects, "rejects file for --lenient (CSV)")
           ->capture_default_str();
       sub.add_flag("--include-names", a->include_names,
                    "copy rejected rows of people.csv (which hold names) into the rejects file; "
                    "by default their text is left out");
       sub.add_option("--max-errors", a->max_errors, "errors listed before the rest are counted")
           ->capture_default_str();
       return [a, &g] { return run_validate(*a, g); };
     }});

}  // namespace
}  // namespace orgraph::cli

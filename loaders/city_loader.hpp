// Loads a city (contracts.md section 1) into an OrgGraph: a folder of CSV files, one JSON file
// with an array per table, or a binary snapshot written by `orgraph build`. Every problem is a
// Diagnostic with file:line:column (or JSON pointer), what was found and what was expected.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/builder.hpp"
#include "engine/diagnostics.hpp"
#include "engine/graph.hpp"

namespace orgraph {

struct LoadOptions {
  bool lenient = false;          // keep valid rows, report rejected ones
  std::size_t max_errors = 100;  // errors listed before the rest are only counted
  // Keep people's names (only exports with --include-names show them). Without them a
  // nation's people take ~0.5 GB less memory; their names are never read.
  bool person_names = true;
  std::string encoding = "utf-8";  // of CSV/JSON files: utf-8, gb18030 or gbk (loaders/encoding.hpp)
};

struct TableCount {
  std::string table;
  std::size_t rows = 0;      // data rows read
  std::size_t rejected = 0;  // rows dropped (lenient mode)
  std::string file;          // the file read ("" when absent or not a CSV folder)
  std::uint64_t bytes = 0;
  std::string checksum;      // content_checksum of the file's bytes
};

struct LoadReport {
  std::string source;                  // folder, JSON file or snapshot
  std::string format;                  // "csv", "json" or "snapshot"
  std::vector<TableCount> tables;      // in load order
  std::vector<Diagnostic> diagnostics; // warnings, and the rejected rows in lenient mode
  std::size_t errors = 0;              // errors seen (lenient: rows rejected)
  std::uint64_t bytes = 0;             // input bytes read
  double seconds = 0;                  // wall time of the load
  std::string checksum;                // JSON and snapshot sources: of the whole file
};

// The table names, in load order, and their file names.
const std::vector<std::string>& table_names();

// Loads DATA: a folder of CSVs, a .json file, or a snapshot. Throws LoadError (invalid data),
// IoError (missing or unreadable files).
OrgGraph load_city(const std::string& path, const LoadOptions& options = {},
                   LoadReport* report = nullptr);

// Loads CSV tables given as text, keyed by file name ("areas.csv", ...): for tests and examples.
OrgGraph load_city_from_csv_text(const std::map<std::string, std::string>& files,
                                 const LoadOptions& options = {}, LoadReport* report = nullptr);

// Loads the single-JSON form from text (name is used in messages).
OrgGraph load_city_from_json_text(const std::string& name, std::string text,
                                  const LoadOptions& options = {}, LoadReport* report = nullptr);

}  // namespace orgraph

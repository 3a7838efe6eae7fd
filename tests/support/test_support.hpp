// Helpers shared by the tests: building graphs from CSV text drawn in the test itself, the
// shared tiny-city fixture, and running the orgraph binary.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/graph.hpp"
#include "loaders/city_loader.hpp"

namespace orgraph::testing {

// The CSV files of the shared tiny-city fixture, as text keyed by file name.
std::map<std::string, std::string> tiny_city_files();
// Path of the shared tiny-city fixture folder.
std::string tiny_city_dir();
// Loads a city given as {"areas.csv": "...", ...}; tables not given are empty (header only).
OrgGraph city_from_csv(std::map<std::string, std::string> files, const LoadOptions& options = {});
// A minimal, valid set of headers for every table (so tests only write the tables they need).
std::map<std::string, std::string> empty_city();

struct CommandResult {
  int exit_code = 0;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs the orgraph binary with the arguments (shell-quoted internally).
CommandResult run_orgraph(const std::vector<std::string>& args);
// A fresh empty temporary folder for the test.
std::string temp_dir(const std::string& name);
std::string read_text(const std::string& path);
void write_text(const std::string& path, const std::string& text);

}  // namespace orgraph::testing

#include "support/test_support.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace orgraph::testing {

std::string tiny_city_dir() { return std::string(ORGRAPH_SHARED_DIR) + "/fixtures/tiny-city"; }

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::map<std::string, std::string> tiny_city_files() {
  std::map<std::string, std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(tiny_city_dir())) {
    if (e.path().extension() == ".csv") files[e.path().filename().string()] = read_text(e.path());
  }
  return files;
}

std::map<std::string, std::string> empty_city() {
  return {
      {"areas.csv", "id,name,level,parent_id,lat,lon\n"},
      {"units.csv", "id,name,line,level,area_id,industry\n"},
      {"organizations.csv",
       "id,name,kind,industry,registration_level,area_id,competent_unit_id,rating,status,"
       "staff_count,lat,lon\n"},
      {"people.csv", "id,name,party_status\n"},
      {"affiliations.csv", "person_id,org_id,role\n"},
      {"branches.csv", "id,name,form\n"},
      {"branch_coverage.csv", "branch_id,org_id\n"},
      {"party_relations.csv", "person_id,branch_id\n"},
      {"supervision.csv", "superior_unit_id,subordinate_kind,subordinate_id\n"},
      {"instructors.csv", "unit_id,org_id,person_id\n"},
  };
}

OrgGraph city_from_csv(std::map<std::string, std::string> files, const LoadOptions& options) {
  auto all = empty_city();
  for (auto& [k, v] : files) all[k] = std::move(v);
  return load_city_from_csv_text(all, options);
}

std::string temp_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("orgraph-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

namespace {
std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}
}  // namespace

CommandResult run_orgraph(const std::vector<std::string>& args) {
  static int counter = 0;
  const std::string dir = temp_dir("run" + std::to_string(counter++));
  std::string cmd = shell_quote(ORGRAPH_BINARY);
  for (const auto& a : args) cmd += " " + shell_quote(a);
  cmd += " >" + shell_quote(dir + "/out") + " 2>" + shell_quote(dir + "/err") + " </dev/null";
  const int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  r.out = read_text(dir + "/out");
  r.err = read_text(dir + "/err");
  std::filesystem::remove_all(dir);
  return r;
}

}  // namespace orgraph::testing

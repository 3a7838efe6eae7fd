// orgraph stats DATA: counts of every entity and relation.
#include "cli/common.hpp"
#include "loaders/json_out.hpp"
#include "queries/stats.hpp"

namespace orgraph::cli {
namespace {

template <class E, std::size_t N>
void by_enum(JsonOut& j, const std::array<std::uint64_t, N>& counts) {
  for (std::size_t i = 0; i < N; ++i) j.key(to_string(static_cast<E>(i))).num(counts[i]);
}

int run_stats(const std::string& data, const Globals& g) {
  const OrgGraph graph = load_data(data, g, {.person_names = false});
  const GraphStats s = graph_stats(graph);
  const Format format = output_format(g);
  std::vector<std::pair<std::string, std::uint64_t>> flat{
      {"areas", s.areas},
      {"units", s.units},
      {"organizations", s.orgs},
      {"people", s.people},
      {"branches", s.branches},
      {"industries", s.industries},
      {"affiliations", s.affiliations},
      {"branch_coverage", s.branch_coverage},
      {"party_relations", s.party_relations},
      {"unit_supervision", s.unit_supervision},
      {"branch_supervision", s.branch_supervision},
      {"instructors", s.instructors},
      {"competent", s.competent},
      {"covered_orgs", s.covered_orgs},
      {"work_covered_orgs", s.work_covered_orgs},
  };
  std::string text;
  if (format == Format::json) {
    JsonOut j;
    j.begin_object();
    j.key("areas").begin_object().key("total").num(s.areas);
    by_enum<AreaLevel>(j, s.areas_by_level);
    j.end_object();
    j.key("units").begin_object().key("total").num(s.units);
    by_enum<UnitLine>(j, s.units_by_line);
    j.end_object();
    j.key("organizations").begin_object().key("total").num(s.orgs);
    by_enum<OrgKind>(j, s.orgs_by_kind);
    by_enum<OrgStatus>(j, s.orgs_by_status);
    j.key("covered").num(s.covered_orgs).key("work_covered").num(s.work_covered_orgs);
    j.end_object();
    j.key("people").begin_object().key("total").num(s.people);
    by_enum<PartyStatus>(j, s.people_by_status);
    j.end_object();
    j.key("branches").begin_object().key("total").num(s.branches);
    by_enum<BranchForm>(j, s.branches_by_form);
    j.end_object();
    j.key("industries").num(s.industries);
    j.key("relations").begin_object();
    j.key("affiliations").num(s.affiliations).key("branch_coverage").num(s.branch_coverage);
    j.key("party_relations").num(s.party_relations);
    j.key("unit_supervision").num(s.unit_supervision);
    j.key("branch_supervision").num(s.branch_supervision);
    j.key("instructors").num(s.instructors).key("competent").num(s.competent);
    j.end_object();
    j.key("memory_bytes").num(s.memory_bytes);
    j.end_object();
    text = j.take();
  } else if (format == Format::csv) {
    text = "measure,count\n";
    for (const auto& [k, v] : flat) text += k + "," + std::to_string(v) + "\n";
  } else {
    char line[128];
    for (const auto& [k, v] : flat) {
      std::snprintf(line, sizeof line, "%-20s %14llu\n", k.c_str(),
                    static_cast<unsigned long long>(v));
      text += line;
    }
  }
  emit(g, text);
  return kOk;
}

const bool registered = register_command(
    {"stats", "counts of every entity and relation", 30,
     [](CLI::App& sub, Globals& g) -> Runner {
       auto data = std::make_shared<std::string>();
       sub.add_option("DATA", *data, "city folder, .json file or snapshot")->required();
       return [data, &g] { return run_stats(*data, g); };
     }});

}  // namespace
}  // namespace orgraph::cli

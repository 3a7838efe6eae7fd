// Export kernels on a synthetic city held in memory (fixed seed): the layout, each format's
// writer into a counting sink (bytes/s, no disk), and JSON/XML string escaping. Whole-command
// timings on changzhou and nation are in docs/benchmarks/export.md.
#include <benchmark/benchmark.h>

#include <map>
#include <random>
#include <string>

#include "engine/parallel.hpp"
#include "loaders/city_loader.hpp"
#include "loaders/export_text.hpp"
#include "loaders/export_writer.hpp"
#include "queries/export.hpp"
#include "queries/layout.hpp"

namespace {

using namespace orgraph;

// 200k orgs in 6 districts x 12 streets x 12 communities, ~4 staff each, a third covered.
const OrgGraph& city() {
  static const OrgGraph g = [] {
    std::mt19937 rnd(42);
    std::string areas = "id,name,level,parent_id\nC,常州市,city,\n";
    std::string units = "id,name,line,level,area_id,industry\nORG,组织部,organization,city,C,\n";
    std::vector<std::string> places;
    for (int d = 0; d < 6; ++d) {
      const std::string did = "D" + std::to_string(d);
      areas += did + ",区 " + did + ",district,C\n";
      for (int s = 0; s < 12; ++s) {
        const std::string sid = did + "S" + std::to_string(s);
        areas += sid + ",街道 " + sid + ",street," + did + "\n";
        units += "U" + sid + ",街道党工委,community,street," + sid + ",\n";
        for (int k = 0; k < 12; ++k) {
          const std::string kid = sid + "K" + std::to_string(k);
          areas += kid + ",社区 " + kid + ",community," + sid + "\n";
          places.push_back(kid);
        }
      }
    }
    std::string orgs = "id,name,kind,industry,registration_level,area_id,status,staff_count\n";
    std::string people = "id,name,party_status\n", aff = "person_id,org_id,role\n";
    std::string branches = "id,name,form\n", cov = "branch_id,org_id\n";
    int person = 0;
    for (int i = 0; i < 200000; ++i) {
      const std::string oid = "51320400MJ" + std::to_string(10000000 + i);
      orgs += oid + ",常州市青年志愿者协会 " + std::to_string(i) + ",social_group,education," +
              "district," + places[rnd() % places.size()] + ",active,4\n";
      for (int k = 0; k < 4; ++k, ++person) {
        const std::string pid = "P" + std::to_string(person);
        people += pid + ",张伟,";
        people += (rnd() % 10 == 0) ? "full\n" : "none\n";
        aff += pid + "," + oid + ",staff\n";
      }
      if (i % 3 == 0) {
        branches += "B" + std::to_string(i) + ",支部,branch\n";
        cov += "B" + std::to_string(i) + "," + oid + "\n";
      }
    }
    return load_city_from_csv_text({{"areas.csv", areas},
                                    {"units.csv", units},
                                    {"organizations.csv", orgs},
                                    {"people.csv", people},
                                    {"affiliations.csv", aff},
                                    {"branches.csv", branches},
                                    {"branch_coverage.csv", cov},
                                    {"party_relations.csv", "person_id,branch_id\n"},
                                    {"supervision.csv",
                                     "superior_unit_id,subordinate_kind,subordinate_id\n"}});
  }();
  return g;
}

void BM_Layout(benchmark::State& state) {
  par::set_threads(static_cast<int>(state.range(0)));
  const OrgGraph& g = city();
  LayoutOptions options;
  options.people = true;
  for (auto _ : state) {
    Layout l = compute_layout(g, options);
    benchmark::DoNotOptimize(l.people.data());
  }
  const auto nodes = g.areas.size() + g.units.size() + g.orgs.size() + g.branches.size() +
                     g.people.size();
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * nodes));
  state.SetLabel("200k orgs + 800k people, threads=" + std::to_string(state.range(0)));
  par::set_threads(0);
}
BENCHMARK(BM_Layout)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Write(benchmark::State& state) {
  const auto format = static_cast<ExportFormat>(state.range(0));
  par::set_threads(static_cast<int>(state.range(1)));
  const OrgGraph& g = city();
  ExportQuery q;
  q.include_people = true;
  static const ExportSelection selection = select_for_export(g, q);
  LayoutOptions options;
  options.people = true;
  static const Layout layout = compute_layout(g, options);
  std::uint64_t bytes = 0;
  for (auto _ : state) {
    const ExportCounts c = write_export(g, selection, layout, format, {},
                                        [&](std::string_view piece) {
                                          benchmark::DoNotOptimize(piece.data());
                                        });
    bytes += c.bytes;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetLabel(std::string(to_string(format)) + ", 200k orgs + 800k people, threads=" +
                 std::to_string(state.range(1)));
  par::set_threads(0);
}
BENCHMARK(BM_Write)
    ->ArgsProduct({{0, 1, 2, 3, 4, 5}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_Escape(benchmark::State& state) {
  const bool xml = state.range(0) == 1;
  const std::string text = state.range(1) == 0 ? "Willow Tutoring Centre, River Street 12"
                                               : "常州市天宁区青年志愿者协会第十二分会";
  std::string out;
  for (auto _ : state) {
    out.clear();
    for (int i = 0; i < 1000; ++i) {
      if (xml) {
        text::append_xml_escaped(out, text);
      } else {
        text::append_json_string(out, text);
      }
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * 1000 * text.size()));
  state.SetLabel(std::string(xml ? "xml" : "json") + (state.range(1) == 0 ? " ascii" : " chinese"));
}
BENCHMARK(BM_Escape)->ArgsProduct({{0, 1}, {0, 1}});

}  // namespace

BENCHMARK_MAIN();

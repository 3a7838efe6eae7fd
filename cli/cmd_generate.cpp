// orgraph generate --preset changzhou|province|nation [--orgs N] [--seed S] --out DIR [--force]:
// writes a synthetic, realistically calibrated DATA folder (loaders/generator.hpp).
#include <unistd.h>

#include <cstdio>

#include "cli/common.hpp"
#include "cli/progress.hpp"
#include "loaders/generator.hpp"
#include "loaders/json_out.hpp"

namespace orgraph::cli {
namespace {

struct GenerateArgs {
  GeneratorOptions options;
  std::uint64_t orgs = 0;
};

int run_generate(GenerateArgs& a, const Globals& g) {
  GeneratorOptions o = a.options;
  o.orgs = a.orgs;
  // --out may come before the command name (a global option) or after it.
  if (o.out.empty()) o.out = g.out;
  Progress progress(generator_phases(), g.quiet);
  o.on_phase = [&progress](const std::string& phase) { progress.begin(phase); };
  const GeneratorReport r = generate_city(o);
  progress.end();

  const bool json = g.format == "json" || (g.format.empty() && ::isatty(STDOUT_FILENO) == 0);
  std::string text;
  if (json) {
    JsonOut j;
    j.begin_object().key("out").str(r.out).key("preset").str(r.preset).key("seed").num(r.seed);
    j.key("cities").num(r.cities).key("districts").num(r.districts);
    j.key("streets").num(r.streets).key("communities").num(r.communities);
    j.key("units").num(r.units).key("organizations").num(r.orgs).key("people").num(r.people);
    j.key("branches").num(r.branches);
    j.key("tables").begin_array();
    for (const auto& t : r.tables) {
      j.begin_object().key("file").str(t.file).key("rows").num(t.rows).key("bytes").num(t.bytes);
      j.end_object();
    }
    j.end_array();
    j.key("planted").begin_object();
    for (const auto& [code, n] : r.planted) j.key(code).num(n);
    j.end_object();
    j.key("bytes").num(r.bytes).key("seconds").real(r.seconds);
    j.end_object();
    text = j.take();
  } else if (g.format == "csv") {
    text = "file,rows,bytes\n";
    for (const auto& t : r.tables) {
      text += t.file + "," + std::to_string(t.rows) + "," + std::to_string(t.bytes) + "\n";
    }
  } else {
    char line[160];
    std::snprintf(line, sizeof line, "wrote %s: preset %s, seed %llu, %.2f s\n", r.out.c_str(),
                  r.preset.c_str(), static_cast<unsigned long long>(r.seed), r.seconds);
    text = line;
    std::snprintf(line, sizeof line,
                  "%llu cities, %llu districts, %llu streets, %llu communities, %llu units\n",
                  static_cast<unsigned long long>(r.cities),
                  static_cast<unsigned long long>(r.districts),
                  static_cast<unsigned long long>(r.streets),
                  static_cast<unsigned long long>(r.communities),
                  static_cast<unsigned long long>(r.units));
    text += line;
    std::snprintf(line, sizeof line, "%-22s %12s %14s\n", "file", "rows", "bytes");
    text += line;
    for (const auto& t : r.tables) {
      std::snprintf(line, sizeof line, "%-22s %12llu %14llu\n", t.file.c_str(),
                    static_cast<unsigned long long>(t.rows),
                    static_cast<unsigned long long>(t.bytes));
      text += line;
    }
    std::snprintf(line, sizeof line, "%-22s %12s %14llu\n", "total", "",
                  static_cast<unsigned long long>(r.bytes));
    text += line;
    text += "planted defects:";
    for (const auto& [code, n] : r.planted) text += " " + code + "=" + std::to_string(n);
    text += '\n';
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  return kOk;
}

const bool registered = register_command(
    {"generate", "write a synthetic, realistically calibrated city (a DATA folder)", 10,
     [](CLI::App& sub, Globals& g) -> Runner {
       auto a = std::make_shared<GenerateArgs>();
       sub.add_option("--preset", a->options.preset,
                      "changzhou (the real city, 8,700 orgs), province (13 cities, 300,000 "
                      "orgs) or nation (~320 cities, 3,000,000 orgs)")
           ->required()
           ->check(CLI::IsMember(generator_presets()));
       sub.add_option("--orgs", a->orgs,
                      "number of organizations (default: the preset's); proportions are kept")
           ->check(CLI::Range(std::uint64_t{1}, kMaxGeneratedOrgs));
       sub.add_option("--seed", a->options.seed,
                      "random seed; the same seed gives byte-identical files at any --threads")
           ->capture_default_str();
       sub.add_option("--out", a->options.out,
                      "folder to create (must not exist, or be empty unless --force)");
       sub.add_flag("--force", a->options.force, "replace DIR even if it is not empty");
       return [a, &g] { return run_generate(*a, g); };
     }});

}  // namespace
}  // namespace orgraph::cli

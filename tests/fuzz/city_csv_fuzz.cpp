// libFuzzer: a whole city from CSV text. The input is split on 0x1E (record separator) into the
// ten tables in load order; the loader must fail cleanly or build a consistent graph.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "engine/diagnostics.hpp"
#include "loaders/city_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::map<std::string, std::string> files;
  std::size_t start = 0, table = 0;
  const auto& names = orgraph::table_names();
  while (table < names.size()) {
    const std::size_t end = input.find('\x1e', start);
    files[names[table] + ".csv"] = input.substr(start, end == std::string::npos ? end : end - start);
    ++table;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  try {
    orgraph::LoadOptions options;
    options.lenient = size % 2 == 1;
    const orgraph::OrgGraph g = orgraph::load_city_from_csv_text(files, options);
    for (const auto& o : g.orgs) {
      if (o.area >= g.areas.size()) __builtin_trap();
    }
  } catch (const orgraph::LoadError&) {
  }
  return 0;
}

// libFuzzer: the JSON city loader must fail cleanly (LoadError) or load, never crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/diagnostics.hpp"
#include "loaders/city_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    orgraph::LoadOptions options;
    options.lenient = size % 2 == 1;
    orgraph::load_city_from_json_text("fuzz.json",
                                      std::string(reinterpret_cast<const char*>(data), size),
                                      options);
  } catch (const orgraph::LoadError&) {
  }
  return 0;
}

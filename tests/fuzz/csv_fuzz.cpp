// libFuzzer: the CSV reader must never crash, hang or read out of bounds, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "loaders/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  orgraph::TextTable table;
  std::vector<orgraph::Diagnostic> diags;
  orgraph::CsvLimits limits;
  limits.max_columns = 64;
  const bool ok = orgraph::parse_csv("fuzz.csv", std::string(reinterpret_cast<const char*>(data), size),
                                     table, diags, limits);
  if (ok) {
    // Every field view must point inside the buffer or the table's own storage.
    std::size_t total = 0;
    for (std::size_t r = 0; r < table.rows(); ++r) {
      for (std::size_t c = 0; c < table.columns; ++c) total += table.at(r, c).size();
    }
    if (total > size) __builtin_trap();
  }
  return 0;
}

// libFuzzer: the CSV reader must never crash, hang or read out of bounds, whatever the bytes;
// and a parse with fields on demand (in small chunks) must give what a parse keeping them gives.
#include <cstddef>
#include <cstdint>
#include <string>

#include "loaders/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  orgraph::TextTable table;
  std::vector<orgraph::Diagnostic> diags;
  orgraph::CsvLimits limits;
  limits.max_columns = 64;
  limits.chunk_bytes = 16;
  const bool ok = orgraph::parse_csv("fuzz.csv", text, table, diags, limits);
  if (ok) {
    // Every field view must point inside the buffer or the table's own storage.
    std::size_t total = 0;
    for (std::size_t r = 0; r < table.rows(); ++r) {
      for (std::size_t c = 0; c < table.columns; ++c) total += table.at(r, c).size();
    }
    if (total > size) __builtin_trap();
  }
  orgraph::TextTable lazy;
  std::vector<orgraph::Diagnostic> lazy_diags;
  limits.fields_on_demand = true;
  if (orgraph::parse_csv("fuzz.csv", text, lazy, lazy_diags, limits) != ok) __builtin_trap();
  if (lazy_diags.size() != diags.size()) __builtin_trap();
  if (!ok) return 0;
  if (lazy.rows() != table.rows() || lazy.chunks.size() != table.chunks.size()) __builtin_trap();
  for (std::size_t c = 0; c < lazy.chunks.size(); ++c) {
    lazy.load_fields(c, c + 1);
    for (std::size_t r = lazy.first_row[c]; r < lazy.first_row[c + 1]; ++r) {
      if (lazy.origin(r) != table.origin(r)) __builtin_trap();
      for (std::size_t col = 0; col < lazy.columns; ++col) {
        if (lazy.at(r, col) != table.at(r, col)) __builtin_trap();
      }
    }
    lazy.release_fields(c);
  }
  return 0;
}

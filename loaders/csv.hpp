// RFC 4180 CSV reading, parallel for big files. The file is read into one buffer; record
// boundaries are found by a quote-parity scan, then blocks of records are parsed in parallel and
// quoted fields unescaped in place, so a field is a string_view into the buffer. Handles a UTF-8
// BOM, CRLF and CR-less files, quoted commas, quotes and newlines, and trailing empty lines.
// Bytes that are not UTF-8 (e.g. a GB18030 export) and NUL bytes are reported, not guessed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/diagnostics.hpp"

namespace orgraph {

// A parsed table: a header and rows of fields. For JSON sources the same shape is filled from
// row objects (header = every key seen), so conversion to typed rows is shared.
struct TextTable {
  std::string file;
  bool json = false;
  std::vector<std::string> header;
  std::size_t columns = 0;                 // header.size()
  std::vector<std::string_view> fields;    // row-major, `columns` per row
  std::vector<std::uint32_t> row_origin;   // CSV: line where the record starts; JSON: index
  std::vector<std::string_view> raw;       // CSV: the record's text (for rejects files)
  std::vector<std::uint32_t> bad_rows;     // rows with a structural error (already reported)
  std::vector<std::unique_ptr<char[]>> storage;  // owns the bytes the views point into
  std::string buffer;                      // CSV: the file's bytes

  std::size_t rows() const { return row_origin.size(); }
  std::string_view at(std::size_t row, std::size_t column) const {
    return fields[row * columns + column];
  }
};

struct CsvLimits {
  std::size_t max_field_bytes = std::size_t{64} << 20;  // one field
  std::size_t max_columns = 4096;                        // in the header or any record
};

// Parses CSV text. Structural problems (unterminated quote, wrong field count, bad bytes) are
// appended to `diagnostics`; the affected rows are listed in bad_rows. Returns false when the
// file cannot be used at all (empty, no header, bad encoding), with the reason in diagnostics.
bool parse_csv(std::string file_name, std::string content, TextTable& out,
               std::vector<Diagnostic>& diagnostics, const CsvLimits& limits = {});

// Reads a whole file. Throws IoError naming the file when it is missing, unreadable or a folder.
std::string read_file(const std::string& path);

}  // namespace orgraph

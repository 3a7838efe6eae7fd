// RFC 4180 CSV reading, parallel for big files. The file is read into one buffer; record
// boundaries are found by a quote-parity scan, then blocks of records are parsed in parallel and
// quoted fields unescaped in place, so a field is a string_view into the buffer. Handles a UTF-8
// BOM, CRLF and CR-less files, quoted commas, quotes and newlines, and trailing empty lines.
// Bytes that are not UTF-8 (e.g. a GB18030 export) and NUL bytes are reported, not guessed.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/diagnostics.hpp"

namespace orgraph {

// The UTF-8 byte order mark that Windows tools put at the start of a file (CSV and JSON cities
// are read past it).
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// A file's bytes as the parser keeps them: read straight into memory the table owns, in
// parallel pieces and without the zero-filling pass a std::string would make first (fresh pages
// are expensive on our VMs, and whoever writes a page first pays for it), or taken over from a
// string.
class TextBytes {
 public:
  TextBytes() = default;
  // Field views point into these bytes and must survive moves of the table, so a short text is
  // put on the heap (the small-string buffer would move with the object).
  explicit TextBytes(std::string text) : text_(std::move(text)) {
    text_.reserve(sizeof(std::string));
  }
  TextBytes(std::unique_ptr<char[]> bytes, std::size_t size)
      : bytes_(std::move(bytes)), size_(size) {}

  std::string_view view() const {
    return bytes_ ? std::string_view(bytes_.get(), size_) : std::string_view(text_);
  }
  std::size_t size() const { return bytes_ ? size_ : text_.size(); }
  // The bytes, to change in place (same length; before any view of them is taken).
  char* data() { return bytes_ ? bytes_.get() : text_.data(); }
  // The bytes as a string (for re-encoding): a copy unless they came from one.
  std::string take_string() && {
    return bytes_ ? std::string(view()) : std::move(text_);
  }

 private:
  std::string text_;
  std::unique_ptr<char[]> bytes_;
  std::size_t size_ = 0;
};

// One block of records, as parsed by one task: `columns` fields per record.
struct TextChunk {
  std::vector<std::string_view> fields;  // empty until loaded when fields come on demand
  std::vector<std::uint32_t> line;     // CSV: line where each record starts; JSON: array index
  std::vector<std::uint64_t> offset;   // CSV: byte offset of each record in the buffer
  std::uint64_t begin = 0, end = 0;    // CSV: byte offsets where the chunk begins and ends
  bool has_fields = true;              // false: not loaded yet, or released
  // Unescaped copies of fields loaded on demand: kept with the table, as typed rows made from
  // the fields may point into them after the fields are released.
  std::vector<std::unique_ptr<char[]>> storage;
};

struct CsvLimits {
  std::size_t max_field_bytes = std::size_t{64} << 20;  // one field
  std::size_t max_columns = 4096;                        // in the header or any record
  std::size_t chunk_bytes = std::size_t{4} << 20;        // records are parsed in blocks of this
  // The parse checks every record but keeps no field views: a reader loads them a few chunks at
  // a time (TextTable::load_fields) and releases them. At 16 bytes a field, the views of a file of
  // short fields outweigh the file: 1.4 GB for a nation's 1 GB affiliations.csv. (A file with a
  // quote problem is parsed as one chunk, so its fields are loaded all at once.)
  bool fields_on_demand = false;
};

// A parsed table: a header and rows of fields, kept in the chunks the parser made (joining them
// would copy every field once more). For JSON sources the same shape is filled from row objects
// (header = every key seen), so conversion to typed rows is shared.
struct TextTable {
  std::string file;
  bool json = false;
  std::vector<std::string> header;
  std::size_t columns = 0;                 // header.size()
  std::vector<TextChunk> chunks;
  std::vector<std::size_t> first_row;      // first row of each chunk, then the row count
  std::vector<std::uint32_t> bad_rows;     // rows with a structural error (already reported)
  std::vector<std::unique_ptr<char[]>> storage;  // owns the bytes the views point into
  // The file's lines ended in CR alone, read as LFs (parse_csv): its bytes on disk had a CR
  // where the buffer has an LF, and no LF.
  bool cr_line_ends = false;
  TextBytes buffer;                        // CSV: the file's bytes
  CsvLimits limits;                        // CSV: as parsed (load_fields parses the same way)

  std::size_t rows() const { return first_row.empty() ? 0 : first_row.back(); }
  // The chunk that holds a row.
  std::size_t chunk_of(std::size_t row) const {
    return static_cast<std::size_t>(std::upper_bound(first_row.begin(), first_row.end(), row) -
                                    first_row.begin() - 1);
  }
  std::string_view at(std::size_t row, std::size_t column) const {
    const auto [c, k] = locate(row);
    return chunks[c].fields[k * columns + column];
  }
  // CSV line (JSON array index) where the row starts.
  std::uint32_t origin(std::size_t row) const {
    const auto [c, k] = locate(row);
    return chunks[c].line[k];
  }
  // The row's text as it stands in the file (CSV), without its line break.
  std::string_view raw(std::size_t row) const {
    if (json || chunks.empty()) return {};
    const auto [c, k] = locate(row);
    return raw(c, k);
  }
  // The same for record k of chunk c: safe to call from several threads at once (the row-based
  // accessors move a shared cursor).
  std::string_view raw(std::size_t chunk, std::size_t k) const;
  // Parses the fields of chunks [first, last) again, in parallel, for a table parsed with
  // fields_on_demand (chunks whose fields are there are left alone). The same views as a parse
  // that kept them. A chunk loaded again after a release adds a second set of unescaped copies
  // (the first may still be pointed into).
  void load_fields(std::size_t first, std::size_t last);
  // Frees one chunk's field views (their rows may not be read with at() afterwards, unless
  // loaded again; raw() and origin() still work).
  void release_fields(std::size_t chunk) {
    std::vector<std::string_view>().swap(chunks[chunk].fields);
    chunks[chunk].has_fields = false;
  }

 private:
  // (chunk, index in chunk). Rows are read in order, so the last chunk is tried first.
  std::pair<std::size_t, std::size_t> locate(std::size_t row) const {
    std::size_t c = cursor_;
    if (c + 1 >= first_row.size() || row < first_row[c] || row >= first_row[c + 1]) {
      c = chunk_of(row);
      cursor_ = c;
    }
    return {c, row - first_row[c]};
  }
  mutable std::size_t cursor_ = 0;  // not for concurrent use
};

// Parses CSV text. Structural problems (unterminated quote, wrong field count, bad bytes) are
// appended to `diagnostics`; the affected rows are listed in bad_rows. Returns false when the
// file cannot be used at all (empty, no header, bad encoding), with the reason in diagnostics.
bool parse_csv(std::string file_name, TextBytes content, TextTable& out,
               std::vector<Diagnostic>& diagnostics, const CsvLimits& limits = {});
inline bool parse_csv(std::string file_name, std::string content, TextTable& out,
                      std::vector<Diagnostic>& diagnostics, const CsvLimits& limits = {}) {
  return parse_csv(std::move(file_name), TextBytes(std::move(content)), out, diagnostics, limits);
}

// Reads a whole file. Throws IoError naming the file when it is missing, unreadable or a folder.
std::string read_file(const std::string& path);
// The same into TextBytes: a regular file is read in parallel pieces (a file that changes size
// while read is read again, serially, to its end).
TextBytes read_text_file(const std::string& path);

}  // namespace orgraph

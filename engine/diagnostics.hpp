// Problems found in input data: where (file:line:column, or a JSON pointer), what was found and
// what was expected. Loaders and the builder produce them; only cli/ prints them.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace orgraph {

enum class DiagnosticSeverity : std::uint8_t { error, warning };

struct Diagnostic {
  DiagnosticSeverity severity = DiagnosticSeverity::error;
  std::string file;         // the file as named to the loader
  std::uint32_t line = 0;   // 1-based physical line (CSV); 0 when not applicable
  std::uint32_t column = 0; // 1-based field number (CSV); 0 when not applicable
  std::string pointer;      // JSON pointer (JSON sources), e.g. /organizations/3/kind
  std::string message;      // what was found and what was expected
  std::string row;          // the offending row's text, when known (for rejects files)

  // "file:line:column", "file:line", "file" or "file#/json/pointer".
  std::string location() const;
  // "location: error: message".
  std::string to_string() const;
};

// Where the rows of one table came from, to turn (row, column name) into a location.
struct TableSource {
  std::string table;               // e.g. "organizations"
  std::string file;                // e.g. "city/organizations.csv"
  bool json = false;               // rows are JSON array elements (row = index)
  std::vector<std::string> header; // column names in file order (CSV)
  // The text of the row at a position in the source table, when the source keeps it.
  std::function<std::string(std::uint32_t index)> raw_text;

  // 1-based position of the column in the header, 0 when absent.
  std::uint32_t column_of(std::string_view name) const;
  // A diagnostic for `row` (CSV: line; JSON: array index) and column `name` (may be empty).
  Diagnostic at(std::uint32_t row, std::string_view name, std::string message,
                DiagnosticSeverity severity = DiagnosticSeverity::error) const;
};

// Thrown when input is invalid and the load is strict. Holds every error found (up to the limit).
class LoadError : public std::runtime_error {
 public:
  LoadError(std::vector<Diagnostic> diagnostics, std::size_t total_errors);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  std::size_t total_errors() const { return total_errors_; }

 private:
  std::vector<Diagnostic> diagnostics_;
  std::size_t total_errors_;
};

// Thrown when a file cannot be read or written at all (missing, unreadable, a directory).
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Quotes a found value for a message: 'abc', or "empty" for an empty cell; long or control
// characters are shortened/escaped so messages stay one readable line.
std::string quote_found(std::string_view value);

}  // namespace orgraph

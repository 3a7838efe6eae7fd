#include "engine/diagnostics.hpp"

namespace orgraph {

std::string Diagnostic::location() const {
  std::string out = file;
  if (!pointer.empty()) return out + "#" + pointer;
  if (line > 0) {
    out += ':' + std::to_string(line);
    if (column > 0) out += ':' + std::to_string(column);
  }
  return out;
}

std::string Diagnostic::to_string() const {
  return location() + (severity == DiagnosticSeverity::error ? ": error: " : ": warning: ") + message;
}

std::uint32_t TableSource::column_of(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<std::uint32_t>(i + 1);
  }
  return 0;
}

Diagnostic TableSource::at(std::uint32_t row, std::string_view name, std::string message,
                           DiagnosticSeverity severity) const {
  Diagnostic d;
  d.severity = severity;
  d.file = file;
  if (json) {
    d.pointer = "/" + table + "/" + std::to_string(row);
    if (!name.empty()) d.pointer += "/" + std::string(name);
  } else {
    d.line = row;
    d.column = name.empty() ? 0 : column_of(name);
  }
  if (!name.empty() && !json) message = "column '" + std::string(name) + "': " + message;
  d.message = std::move(message);
  return d;
}

LoadError::LoadError(std::vector<Diagnostic> diagnostics, std::size_t total_errors)
    : std::runtime_error(diagnostics.empty()
                             ? std::string("invalid input")
                             : diagnostics.front().to_string() +
                                   (total_errors > 1 ? " (and " + std::to_string(total_errors - 1) +
                                                           " more errors)"
                                                     : "")),
      diagnostics_(std::move(diagnostics)),
      total_errors_(total_errors) {}

std::string quote_found(std::string_view value) {
  if (value.empty()) return "an empty cell";
  std::string out = "'";
  std::size_t shown = 0;
  for (char c : value) {
    if (shown == 60) {
      out += "...";
      break;
    }
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;
    }
    ++shown;
  }
  out += "' (" + std::to_string(value.size()) + " bytes)";
  if (value.size() <= 60) out.erase(out.rfind(" ("));
  return out;
}

}  // namespace orgraph

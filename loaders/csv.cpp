#include "loaders/csv.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "engine/parallel.hpp"
#include "loaders/parallel_read.hpp"

namespace orgraph {

std::string_view TextTable::raw(std::size_t c, std::size_t k) const {
  if (json || chunks.empty()) return {};
  const TextChunk& ch = chunks[c];
  const std::uint64_t from = ch.offset[k];
  std::uint64_t to = k + 1 < ch.offset.size() ? ch.offset[k + 1] : ch.end;
  const std::string_view bytes = buffer.view();
  while (to > from && (bytes[to - 1] == '\n' || bytes[to - 1] == '\r')) --to;
  return bytes.substr(from, to - from);
}

std::string read_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw IoError(path + ": cannot open: " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) throw IoError(path + ": is a directory, expected a file");
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) throw IoError(path + ": cannot open: " + std::strerror(errno));
  std::string content;
  content.resize(static_cast<std::size_t>(st.st_size));
  std::size_t got = content.empty() ? 0 : std::fread(content.data(), 1, content.size(), f);
  // Files that grow while read, or special files reporting size 0, are read to the end.
  char tail[65536];
  std::size_t n;
  while ((n = std::fread(tail, 1, sizeof tail, f)) > 0) {
    content.resize(got);
    content.append(tail, n);
    got = content.size();
  }
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) throw IoError(path + ": read error");
  content.resize(got);
  return content;
}

TextBytes read_text_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw IoError(path + ": cannot open: " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) throw IoError(path + ": is a directory, expected a file");
  if (!S_ISREG(st.st_mode)) return TextBytes(read_file(path));  // a pipe, a device...
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(path + ": cannot open: " + std::strerror(errno));
  const auto size = static_cast<std::size_t>(st.st_size);
  auto bytes = std::make_unique_for_overwrite<char[]>(std::max<std::size_t>(size, 1));
  const ReadRange whole{bytes.get(), size, 0};
  const ParallelReadResult read = read_ranges(fd, std::span(&whole, 1));
  const int error = read.error;
  bool changed = read.short_read;  // shorter than stat said
  char probe;
  if (error == 0 && ::pread(fd, &probe, 1, static_cast<off_t>(size)) > 0) changed = true;
  ::close(fd);
  if (error != 0) throw IoError(path + ": read error: " + std::strerror(error));
  if (changed) return TextBytes(read_file(path));
  return TextBytes(std::move(bytes), size);
}

namespace {

// Offset of the first byte that is not valid UTF-8 (or is NUL) in [begin, end), or npos.
std::size_t first_invalid_utf8(const unsigned char* s, std::size_t begin, std::size_t end,
                               std::size_t size) {
  std::size_t i = begin;
  while (i < end) {
    // Eight bytes at a time while they are ASCII and not NUL (ids, codes, numbers, commas).
    constexpr std::uint64_t kHigh = 0x8080808080808080ull, kOnes = 0x0101010101010101ull;
    while (i + 8 <= end) {
      std::uint64_t w;
      std::memcpy(&w, s + i, 8);
      if ((w & kHigh) != 0 || ((w - kOnes) & ~w & kHigh) != 0) break;
      i += 8;
    }
    if (i >= end) break;
    const unsigned char c = s[i];
    if (c >= 0x01 && c < 0x80) {
      ++i;
      continue;
    }
    if (c == 0) return i;
    std::size_t len;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > size) return i;
    for (std::size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return i;
    }
    i += len;
  }
  return std::string::npos;
}

std::size_t find_invalid_utf8(std::string_view buf, std::size_t start) {
  const auto* s = reinterpret_cast<const unsigned char*>(buf.data());
  const std::size_t size = buf.size();
  constexpr std::size_t kBlock = 1 << 20;
  const std::size_t blocks = par::block_count(size - start, kBlock);
  std::vector<std::size_t> first(blocks, std::string::npos);
  auto align = [&](std::size_t p) {
    while (p < size && (s[p] & 0xC0) == 0x80 && p > start) ++p;
    return std::min(p, size);
  };
  par::for_each_index(0, blocks, 1, [&](std::size_t b) {
    const std::size_t lo = align(start + b * kBlock);
    const std::size_t hi = align(std::min(size, start + (b + 1) * kBlock));
    first[b] = first_invalid_utf8(s, lo, hi, size);
  });
  for (auto f : first) {
    if (f != std::string::npos) return f;
  }
  return std::string::npos;
}

struct ChunkResult {
  TextChunk chunk;                          // line[] relative to the chunk's first line
  std::vector<std::string_view> fields;     // the record being parsed
  std::vector<std::pair<std::uint32_t, std::string>> errors;  // (record index, message)
  std::vector<std::uint32_t> error_column;  // 1-based field number of each error
  std::vector<std::unique_ptr<char[]>> storage;  // unescaped copies of fields with ""
  std::uint32_t lines = 0;                  // newlines consumed
  bool quote_error = false;
};

// Parses records in buf[begin, end). With columns > 0 every record is cut or padded to that many
// fields (a different count is an error, except empty fields past the end); the header is
// parsed with columns == 0 and keeps its fields as found.
// `keep` says what the chunk keeps of its records (every record is checked either way): their
// places (line and byte offset), their fields, or both.
enum class Keep { places, fields, both };
void parse_chunk(const char* buf, std::size_t begin, std::size_t end, const CsvLimits& limits,
                 std::size_t columns, Keep keep, ChunkResult& out) {
  const bool keep_places = keep != Keep::fields, keep_fields = keep != Keep::places;
  // Sized once from the newline count: growing these vectors would fault in fresh pages twice.
  const auto newlines = static_cast<std::size_t>(std::count(buf + begin, buf + end, '\n')) + 1;
  TextChunk& chunk = out.chunk;
  if (keep_places) {
    chunk.line.reserve(newlines);
    chunk.offset.reserve(newlines);
  }
  if (keep_fields) chunk.fields.reserve(newlines * std::max<std::size_t>(columns, 1));
  chunk.begin = begin;
  chunk.end = end;
  chunk.has_fields = keep_fields;
  std::uint32_t records = 0;
  std::size_t i = begin;
  std::uint32_t line = 0;
  while (i < end) {
    // Skip blank lines (including trailing ones).
    if (buf[i] == '\n') {
      ++line;
      ++i;
      continue;
    }
    if (buf[i] == '\r') {
      ++i;
      continue;
    }
    const std::uint32_t record_index = records++;
    if (keep_places) {
      chunk.line.push_back(line);
      chunk.offset.push_back(i);
    }
    out.fields.clear();
    bool record_done = false;
    std::uint32_t field_no = 0;
    while (!record_done) {
      ++field_no;
      if (i < end && buf[i] == '"') {
        // The field is a view of the bytes between the quotes; only a field holding doubled
        // quotes is copied (unescaped) into chunk storage, so the buffer keeps the raw text.
        std::size_t r = i + 1;
        bool closed = false, doubled = false;
        while (r < end) {
          const char c = buf[r];
          if (c == '"') {
            if (r + 1 < end && buf[r + 1] == '"') {
              doubled = true;
              r += 2;
              continue;
            }
            closed = true;
            break;
          }
          if (c == '\n') ++line;
          ++r;
        }
        std::string_view field(buf + i + 1, r - i - 1);
        if (doubled && !keep_fields) {
          // Only the unescaped length is checked here (every quote in the body is one of a pair);
          // the copy is made when the fields are loaded.
          field = field.substr(0, field.size() - static_cast<std::size_t>(std::count(
                                                     field.begin(), field.end(), '"')) / 2);
        } else if (doubled) {
          auto copy = std::make_unique<char[]>(field.size());
          std::size_t w = 0;
          for (std::size_t k = 0; k < field.size(); ++k) {
            copy[w++] = field[k];
            if (field[k] == '"') ++k;  // skip the second quote of a pair
          }
          field = std::string_view(copy.get(), w);
          out.storage.push_back(std::move(copy));
        }
        if (!closed) {
          // Every later line is part of the field: say how many rows go with this one.
          auto swallowed = static_cast<std::size_t>(std::count(buf + i + 1, buf + r, '\n'));
          if (swallowed > 0 && buf[r - 1] == '\n') --swallowed;  // the file's last line end
          out.errors.emplace_back(
              record_index,
              "found a quoted field that is never closed, expected a closing quote (\") before "
              "the end of the file" +
                  (swallowed == 0 ? std::string()
                                  : "; the " + std::to_string(swallowed) +
                                        " line(s) after it are read into this field, and their "
                                        "rows are lost with it"));
          out.error_column.push_back(field_no);
          out.quote_error = true;
          out.fields.push_back(field);
          i = end;
          break;
        }
        if (field.size() > limits.max_field_bytes) {
          out.errors.emplace_back(record_index, "field of " + std::to_string(field.size()) +
                                                    " bytes, expected at most " +
                                                    std::to_string(limits.max_field_bytes));
          out.error_column.push_back(field_no);
        }
        out.fields.push_back(field);
        i = r + 1;
        if (i < end && buf[i] != ',' && buf[i] != '\n' && buf[i] != '\r') {
          out.errors.emplace_back(record_index,
                                  std::string("found '") + buf[i] +
                                      "' after a closing quote, expected a comma or the end of "
                                      "the line (a quote inside a quoted field is written \"\")");
          out.error_column.push_back(field_no);
          out.quote_error = true;
          while (i < end && buf[i] != ',' && buf[i] != '\n' && buf[i] != '\r') ++i;
        }
      } else {
        const std::size_t s = i;
        while (i < end && buf[i] != ',' && buf[i] != '\n' && buf[i] != '\r') {
          if (buf[i] == '"') {
            out.quote_error = true;
          }
          ++i;
        }
        if (i - s > limits.max_field_bytes) {
          out.errors.emplace_back(record_index, "field of " + std::to_string(i - s) +
                                                    " bytes, expected at most " +
                                                    std::to_string(limits.max_field_bytes));
          out.error_column.push_back(field_no);
        }
        out.fields.emplace_back(buf + s, i - s);
        const std::string_view f(buf + s, i - s);
        if (f.find('"') != std::string_view::npos) {
          out.errors.emplace_back(record_index,
                                  "found a quote inside an unquoted field, expected the whole "
                                  "field quoted with inner quotes doubled (\"\")");
          out.error_column.push_back(field_no);
        }
      }
      if (field_no > limits.max_columns) {
        out.errors.emplace_back(record_index,
                                "found more than " + std::to_string(limits.max_columns) +
                                    " fields in one record, expected at most " +
                                    std::to_string(limits.max_columns) + " (orgraph's limit)");
        out.error_column.push_back(field_no);
        while (i < end && buf[i] != '\n') ++i;
      }
      if (i >= end) {
        record_done = true;
      } else if (buf[i] == ',') {
        ++i;
        if (i >= end) {  // a trailing comma at the end of the file: one more empty field
          out.fields.emplace_back(buf + i, 0);
          record_done = true;
        }
      } else {
        if (buf[i] == '\r') ++i;
        if (i < end && buf[i] == '\n') {
          ++line;
          ++i;
        }
        record_done = true;
      }
    }
    std::size_t nf = out.fields.size();
    if (columns == 0) {
      if (keep_fields) {
        chunk.fields.insert(chunk.fields.end(), out.fields.begin(), out.fields.end());
      }
      continue;
    }
    // Trailing empty fields beyond the header (spreadsheet artefacts) are accepted.
    while (nf > columns && out.fields[nf - 1].empty()) --nf;
    const bool reported = !out.errors.empty() && out.errors.back().first == record_index;
    if (nf != columns && !reported) {
      out.errors.emplace_back(record_index, "found " + std::to_string(nf) +
                                                " fields, expected " + std::to_string(columns) +
                                                " (as in the header)");
      // The column of the first field missing, or of the first one too many.
      out.error_column.push_back(static_cast<std::uint32_t>(std::min(nf, columns) + 1));
    }
    out.fields.resize(columns);
    if (keep_fields) chunk.fields.insert(chunk.fields.end(), out.fields.begin(), out.fields.end());
  }
  out.lines = line;
}

// Splits [start, size) into chunks ending at record boundaries, by quote parity. The same
// chunks at any thread count: one big chunk on one thread would need all its field arrays at
// once, in fresh memory, where chunks reuse the memory of the tables parsed before.
std::vector<std::size_t> chunk_bounds(std::string_view buf, std::size_t start,
                                      std::size_t chunk_bytes) {
  std::vector<std::size_t> bounds{start};
  const std::size_t size = buf.size();
  if (size - start <= 2 * chunk_bytes) {
    bounds.push_back(size);
    return bounds;
  }
  const char* s = buf.data();
  std::size_t pos = start;
  bool in_quotes = false;
  while (true) {
    const std::size_t target = bounds.back() + chunk_bytes;
    if (target >= size) break;
    // Advance parity to target by hopping from quote to quote.
    while (pos < target) {
      const void* q = std::memchr(s + pos, '"', target - pos);
      if (q == nullptr) {
        pos = target;
        break;
      }
      in_quotes = !in_quotes;
      pos = static_cast<std::size_t>(static_cast<const char*>(q) - s) + 1;
    }
    // From target, find the next newline outside quotes.
    std::size_t p = pos;
    while (p < size && (s[p] != '\n' || in_quotes)) {
      if (s[p] == '"') in_quotes = !in_quotes;
      ++p;
    }
    if (p >= size) break;
    pos = p + 1;
    bounds.push_back(pos);
  }
  bounds.push_back(size);
  return bounds;
}

Diagnostic file_error(const std::string& file, std::uint32_t line, std::uint32_t column,
                      std::string message) {
  Diagnostic d;
  d.file = file;
  d.line = line;
  d.column = column;
  d.message = std::move(message);
  return d;
}

}  // namespace

bool parse_csv(std::string file_name, TextBytes content, TextTable& out,
               std::vector<Diagnostic>& diagnostics, const CsvLimits& limits) {
  out = TextTable();
  out.file = std::move(file_name);
  out.buffer = std::move(content);
  out.limits = limits;
  const std::string_view buf = out.buffer.view();
  std::size_t start = 0;
  if (buf.starts_with(kUtf8Bom)) start = kUtf8Bom.size();
  // Lines ended by CR alone (classic Mac OS, Excel's "CSV (Macintosh)"): a file with no LF at all
  // but a CR gets its CRs turned into LFs, so that its lines are records and are counted (read
  // as they were, the whole file was one header line and every table loaded 0 rows). The search
  // for an LF stops at the first one, so other files pay nothing.
  if (buf.find('\n', start) == std::string_view::npos &&
      buf.find('\r', start) != std::string_view::npos) {
    std::replace(out.buffer.data() + start, out.buffer.data() + buf.size(), '\r', '\n');
    out.cr_line_ends = true;
  }
  if (const std::size_t bad = find_invalid_utf8(buf, start); bad != std::string::npos) {
    const auto line = static_cast<std::uint32_t>(
        1 + std::count(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(bad), '\n'));
    const std::size_t line_start = buf.rfind('\n', bad == 0 ? 0 : bad - 1);
    const std::size_t from = line_start == std::string::npos || bad == 0 ? start : line_start + 1;
    const auto field = static_cast<std::uint32_t>(
        1 + std::count(buf.begin() + static_cast<std::ptrdiff_t>(from),
                       buf.begin() + static_cast<std::ptrdiff_t>(bad), ','));
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(buf[bad]));
    std::string msg =
        buf[bad] == '\0'
            ? std::string("found a NUL byte (0x00), expected text: the file looks binary or "
                          "damaged")
            : std::string("found byte ") + hex +
                  " that is not valid UTF-8, expected UTF-8 text: the file may be GB18030/GBK "
                  "(re-save it as UTF-8, or pass --encoding gb18030)";
    diagnostics.push_back(file_error(out.file, line, field, std::move(msg)));
    return false;
  }

  // Header: the first non-blank record, parsed serially.
  std::size_t header_line = 1;
  std::size_t pos = start;
  while (pos < buf.size() && (buf[pos] == '\n' || buf[pos] == '\r')) {
    if (buf[pos] == '\n') ++header_line;
    ++pos;
  }
  if (pos >= buf.size()) {
    diagnostics.push_back(
        file_error(out.file, 0, 0, "the file is empty, expected a header row of column names"));
    return false;
  }
  std::size_t header_end = pos;
  {
    bool q = false;
    while (header_end < buf.size() && (buf[header_end] != '\n' || q)) {
      if (buf[header_end] == '"') q = !q;
      ++header_end;
    }
    if (header_end < buf.size()) ++header_end;
  }
  ChunkResult header;
  parse_chunk(buf.data(), pos, header_end, limits, 0, Keep::both, header);
  if (!header.errors.empty()) {
    diagnostics.push_back(file_error(out.file, static_cast<std::uint32_t>(header_line),
                                     header.error_column.front(), header.errors.front().second));
    return false;
  }
  for (const auto& f : header.chunk.fields) out.header.emplace_back(f);
  while (!out.header.empty() && out.header.back().empty()) out.header.pop_back();
  if (out.header.size() > limits.max_columns) {
    diagnostics.push_back(file_error(
        out.file, static_cast<std::uint32_t>(header_line), 0,
        "header has " + std::to_string(out.header.size()) + " columns, expected at most " +
            std::to_string(limits.max_columns)));
    return false;
  }
  out.columns = out.header.size();
  const std::uint32_t first_line = static_cast<std::uint32_t>(header_line + header.lines);

  // Records, in parallel chunks. A quote problem anywhere means parity-based chunking may have
  // split a record, so such files are re-parsed serially for exact messages.
  auto parse_all = [&](std::size_t chunk_bytes, std::vector<ChunkResult>& chunks) {
    const auto bounds = chunk_bounds(buf, header_end, chunk_bytes);
    chunks.clear();
    chunks.resize(bounds.size() - 1);
    par::for_each_index(0, chunks.size(), 1, [&](std::size_t c) {
      parse_chunk(buf.data(), bounds[c], bounds[c + 1], limits, out.columns,
                  limits.fields_on_demand ? Keep::places : Keep::both, chunks[c]);
    });
  };
  std::vector<ChunkResult> chunks;
  parse_all(std::max<std::size_t>(limits.chunk_bytes, 1), chunks);
  const bool quote_trouble = std::any_of(chunks.begin(), chunks.end(),
                                         [](const ChunkResult& c) { return c.quote_error; });
  if (quote_trouble && chunks.size() > 1) parse_all(buf.size() + 1, chunks);

  out.chunks.resize(chunks.size());
  out.first_row.assign(chunks.size() + 1, 0);
  std::vector<std::uint32_t> chunk_line(chunks.size());
  {
    std::uint32_t l = first_line;
    for (std::size_t c = 0; c < chunks.size(); ++c) {
      chunk_line[c] = l;
      l += chunks[c].lines;
      out.first_row[c + 1] = out.first_row[c] + chunks[c].chunk.line.size();
    }
  }
  par::for_each_index(0, chunks.size(), 1, [&](std::size_t c) {
    for (auto& l : chunks[c].chunk.line) l += chunk_line[c];
    out.chunks[c] = std::move(chunks[c].chunk);
  });
  for (std::size_t c = 0; c < chunks.size(); ++c) {
    const ChunkResult& ch = chunks[c];
    for (std::size_t e = 0; e < ch.errors.size(); ++e) {
      const std::size_t row = out.first_row[c] + ch.errors[e].first;
      Diagnostic d = file_error(out.file, out.chunks[c].line[ch.errors[e].first],
                                ch.error_column[e], ch.errors[e].second);
      d.row = std::string(out.raw(row));
      if (out.bad_rows.empty() || out.bad_rows.back() != row) {
        out.bad_rows.push_back(static_cast<std::uint32_t>(row));
      }
      diagnostics.push_back(std::move(d));
    }
    for (auto& block : chunks[c].storage) out.storage.push_back(std::move(block));
  }
  return true;
}

void TextTable::load_fields(std::size_t first, std::size_t last) {
  if (json) return;
  last = std::min(last, chunks.size());
  par::for_each_index(first, std::max(first, last), 1, [&](std::size_t c) {
    TextChunk& chunk = chunks[c];
    if (chunk.has_fields) return;
    ChunkResult parsed;
    parse_chunk(buffer.view().data(), chunk.begin, chunk.end, limits, columns, Keep::fields,
                parsed);
    chunk.fields = std::move(parsed.chunk.fields);
    for (auto& block : parsed.storage) chunk.storage.push_back(std::move(block));
    chunk.has_fields = true;
  });
}

}  // namespace orgraph

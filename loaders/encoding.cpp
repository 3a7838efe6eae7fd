#include "loaders/encoding.hpp"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace orgraph {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool all_ascii(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// True when `s` is well-formed UTF-8 (shortest forms, no surrogates, at most U+10FFFF).
bool valid_utf8(const std::string& s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3Fu);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

Diagnostic conversion_error(const std::string& bytes, std::size_t bad, const std::string& file,
                            const std::string& encoding, bool csv, bool truncated) {
  const auto begin = bytes.begin();
  const auto at = begin + static_cast<std::ptrdiff_t>(bad);
  Diagnostic d;
  d.file = file;
  d.line = static_cast<std::uint32_t>(1 + std::count(begin, at, '\n'));
  const std::size_t nl = bad == 0 ? std::string::npos : bytes.rfind('\n', bad - 1);
  const std::size_t line_start = nl == std::string::npos ? 0 : nl + 1;
  // Commas are single bytes in GB18030/GBK, so counting them gives the field (approximately,
  // as for the UTF-8 check: a comma inside quotes on the same line counts too).
  d.column = static_cast<std::uint32_t>(
      csv ? 1 + std::count(begin + static_cast<std::ptrdiff_t>(line_start), at, ',')
          : bad - line_start + 1);
  std::string shown;
  for (std::size_t k = bad; k < std::min(bytes.size(), bad + 4); ++k) {
    char hex[6];
    std::snprintf(hex, sizeof hex, "%s0x%02X", shown.empty() ? "" : " ",
                  static_cast<unsigned char>(bytes[k]));
    shown += hex;
  }
  d.message = truncated ? "found bytes " + shown + " cutting a " + encoding +
                              " character short at the end of the file, expected a whole "
                              "character (is the file truncated?)"
                        : "found bytes " + shown + " that are not valid " + encoding +
                              ", expected text in " + encoding +
                              " as --encoding says (is the file in another encoding?)";
  return d;
}

// RAII for an iconv descriptor.
struct Iconv {
  iconv_t cd;
  Iconv(const char* to, const char* from) : cd(iconv_open(to, from)) {}
  ~Iconv() {
    if (cd != reinterpret_cast<iconv_t>(-1)) iconv_close(cd);
  }
  Iconv(const Iconv&) = delete;
  Iconv& operator=(const Iconv&) = delete;
};

}  // namespace

std::string canonical_encoding(std::string_view name) {
  const std::string n = lower(name);
  if (n.empty() || n == "utf-8" || n == "utf8") return "utf-8";
  if (n == "gb18030") return "gb18030";
  if (n == "gbk" || n == "cp936") return "gbk";
  throw std::invalid_argument("--encoding: found '" + std::string(name) +
                              "', expected utf-8, gb18030 or gbk");
}

bool convert_to_utf8(std::string& bytes, const std::string& encoding, const std::string& file,
                     bool csv, std::vector<Diagnostic>& diagnostics) {
  const std::string enc = canonical_encoding(encoding);
  if (enc == "utf-8" || all_ascii(bytes)) return true;
  const std::string upper = enc == "gbk" ? "GBK" : "GB18030";
  if (valid_utf8(bytes)) {
    Diagnostic d;
    d.severity = DiagnosticSeverity::warning;
    d.file = file;
    d.message = "the file is already valid UTF-8: read as UTF-8, not as " + upper +
                " as --encoding says";
    diagnostics.push_back(std::move(d));
    return true;
  }
  Iconv conv("UTF-8", upper.c_str());
  if (conv.cd == reinterpret_cast<iconv_t>(-1)) {
    throw std::runtime_error("iconv cannot convert from " + upper + ": " + std::strerror(errno));
  }
  // Two-byte characters become three bytes of UTF-8, four-byte ones stay four: 3/2 + a margin
  // is nearly always enough; the loop grows the output otherwise.
  std::string out;
  out.resize(bytes.size() + bytes.size() / 2 + 16);
  char* in = bytes.data();
  std::size_t in_left = bytes.size();
  std::size_t written = 0;
  while (in_left > 0) {
    char* dst = out.data() + written;
    std::size_t out_left = out.size() - written;
    const std::size_t r = iconv(conv.cd, &in, &in_left, &dst, &out_left);
    written = static_cast<std::size_t>(dst - out.data());
    if (r != static_cast<std::size_t>(-1)) break;
    if (errno == E2BIG) {
      out.resize(out.size() + std::max<std::size_t>(in_left * 2, 64));
      continue;
    }
    const auto bad = static_cast<std::size_t>(in - bytes.data());
    diagnostics.push_back(conversion_error(bytes, bad, file, upper, csv, errno == EINVAL));
    return false;
  }
  out.resize(written);
  bytes = std::move(out);
  return true;
}

}  // namespace orgraph

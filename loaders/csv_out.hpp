// Writing CSV: a field quoted (RFC 4180) only when it holds a comma, a quote or a line break.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace orgraph {

// True when `s` holds a comma, a quote or a line break. Eight bytes at a time: writers run it
// over gigabytes of text (a nation's gap messages).
inline bool csv_needs_quotes(std::string_view s) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  const auto has = [](std::uint64_t x, unsigned char c) {
    const std::uint64_t v = x ^ (kOnes * c);
    return ((v - kOnes) & ~v & kHighs) != 0;  // some byte of v is zero
  };
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    if (has(x, ',') || has(x, '"') || has(x, '\n') || has(x, '\r')) return true;
  }
  for (; i < s.size(); ++i) {
    if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') return true;
  }
  return false;
}

// The inside of a quoted field: `s` with its quotes doubled.
inline void append_csv_quoted_body(std::string& out, std::string_view s) {
  for (std::size_t q = s.find('"'); q != std::string_view::npos; q = s.find('"')) {
    out.append(s.substr(0, q + 1));
    out += '"';
    s.remove_prefix(q + 1);
  }
  out.append(s);
}

inline void append_csv_field(std::string& out, std::string_view s) {
  if (!csv_needs_quotes(s)) {
    out.append(s);
    return;
  }
  out += '"';
  append_csv_quoted_body(out, s);
  out += '"';
}

inline std::string csv_field(std::string_view s) {
  std::string out;
  append_csv_field(out, s);
  return out;
}

}  // namespace orgraph

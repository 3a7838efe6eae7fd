// The gap list can hold millions of rows (2.2 million on the nation preset), so every format is
// written in two parallel passes over the gaps: one measures each gap's text, a prefix sum
// places it, the second writes it into one string allocated once. JSON strings are escaped
// exactly as RapidJSON's Writer does (UTF-8 passed through), so the output matches JsonOut.
#include "loaders/gaps_writer.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>

#include "engine/parallel.hpp"
#include "loaders/json_out.hpp"

namespace orgraph {

namespace {

struct Measure {
  std::size_t n = 0;
  void put(char) { ++n; }
  void put(std::string_view s) { n += s.size(); }
};

struct Fill {
  char* p;
  void put(char c) { *p++ = c; }
  void put(std::string_view s) {
    std::memcpy(p, s.data(), s.size());
    p += s.size();
  }
};

// True when some byte of the 8 in x is < 0x20, '"' or '\\' (SWAR; bytes >= 0x80 never match).
inline bool needs_escape8(std::uint64_t x) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  auto has_zero = [&](std::uint64_t v) { return ((v - ones) & ~v & highs) != 0; };
  const bool control = ((x - ones * 0x20) & ~x & highs) != 0;
  return control || has_zero(x ^ (ones * '"')) || has_zero(x ^ (ones * '\\'));
}

// Index of the first byte needing an escape at or after `from`, or s.size().
inline std::size_t next_escape(std::string_view s, std::size_t from) {
  std::size_t i = from;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    if (needs_escape8(x)) break;
  }
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == '"' || c == '\\') return i;
  }
  return i;
}

template <class Sink>
void json_string(Sink& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out.put('"');
  std::size_t run = 0;  // start of the pending unescaped run
  for (std::size_t i = next_escape(s, 0); i < s.size(); i = next_escape(s, i + 1)) {
    const auto c = static_cast<unsigned char>(s[i]);
    out.put(s.substr(run, i - run));
    run = i + 1;
    out.put('\\');
    switch (c) {
      case '"': out.put('"'); break;
      case '\\': out.put('\\'); break;
      case '\b': out.put('b'); break;
      case '\t': out.put('t'); break;
      case '\n': out.put('n'); break;
      case '\f': out.put('f'); break;
      case '\r': out.put('r'); break;
      default:
        out.put("u00");
        out.put(kHex[c >> 4]);
        out.put(kHex[c & 15]);
    }
  }
  out.put(s.substr(run));
  out.put('"');
}

template <class Sink>
void csv_field(Sink& out, std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) {
    out.put(s);
    return;
  }
  out.put('"');
  for (char c : s) {
    if (c == '"') out.put('"');
    out.put(c);
  }
  out.put('"');
}

template <class Sink>
void gap_json(Sink& out, const Gap& gap, bool first) {
  if (!first) out.put(',');
  out.put("{\"code\":");
  json_string(out, to_string(gap.code));
  out.put(",\"severity\":");
  json_string(out, to_string(gap.severity));
  out.put(",\"entities\":[");
  for (std::size_t i = 0; i < gap.entities.size(); ++i) {
    if (i > 0) out.put(',');
    json_string(out, gap.entities[i]);
  }
  out.put("],\"message\":");
  json_string(out, gap.message);
  out.put(",\"suggestion\":");
  json_string(out, gap.suggestion);
  out.put(",\"district\":");
  json_string(out, gap.district);
  out.put('}');
}

template <class Sink>
void gap_csv(Sink& out, const Gap& gap, bool) {
  out.put(to_string(gap.code));
  out.put(',');
  out.put(to_string(gap.severity));
  out.put(',');
  std::size_t n = 0;
  for (const auto& e : gap.entities) n += e.size() + 1;
  std::string ents;
  ents.reserve(n);
  for (const auto& e : gap.entities) {
    if (!ents.empty()) ents += ';';
    ents += e;
  }
  csv_field(out, ents);
  out.put(',');
  csv_field(out, gap.district);
  out.put(',');
  csv_field(out, gap.message);
  out.put(',');
  csv_field(out, gap.suggestion);
  out.put('\n');
}

template <class Sink>
void gap_table(Sink& out, const Gap& gap, bool) {
  const std::string_view sev = to_string(gap.severity);
  const std::string_view code = to_string(gap.code);
  out.put(sev);
  for (std::size_t i = sev.size(); i < 8; ++i) out.put(' ');
  out.put(code);
  for (std::size_t i = code.size(); i < 23; ++i) out.put(' ');
  for (std::size_t i = 0; i < gap.entities.size(); ++i) {
    if (i > 0) out.put(' ');
    out.put(gap.entities[i]);
  }
  out.put("\n        ");
  out.put(gap.message);
  out.put("\n        -> ");
  out.put(gap.suggestion);
  out.put('\n');
}

// head + every gap written by `one` + tail, in two parallel passes.
template <class One>
std::string write_all(const std::vector<Gap>& gaps, std::string_view head, std::string_view tail,
                      One one) {
  constexpr std::size_t kGrain = 2048;
  std::vector<std::size_t> offset(gaps.size() + 1, 0);
  par::for_each_index(0, gaps.size(), kGrain, [&](std::size_t i) {
    Measure m;
    one(m, gaps[i], i == 0);
    offset[i] = m.n;
  });
  offset[gaps.size()] = 0;
  const std::size_t body = par::exclusive_scan(offset);
  std::string out;
  out.resize(head.size() + body + tail.size());
  std::memcpy(out.data(), head.data(), head.size());
  char* base = out.data() + head.size();
  par::for_each_index(0, gaps.size(), kGrain, [&](std::size_t i) {
    Fill f{base + offset[i]};
    one(f, gaps[i], i == 0);
  });
  std::memcpy(base + body, tail.data(), tail.size());
  return out;
}

bool admitted(GapCode c, Severity min) { return severity_of(c) <= min; }

}  // namespace

std::string gaps_json(const GapReport& r) {
  // Everything after the gap array, written by JsonOut as one object then spliced.
  JsonOut j;
  j.begin_object();
  j.key("summary").begin_object();
  for (std::size_t c = 0; c < kGapCodeCount; ++c) {
    const auto code = static_cast<GapCode>(c);
    if (admitted(code, r.min_severity)) j.key(to_string(code)).num(r.by_code[c]);
  }
  j.end_object();
  j.key("total").num(r.gaps.size());
  j.key("severity").str(to_string(r.min_severity));
  j.key("by_severity").begin_object();
  for (std::size_t s = 0; s < r.by_severity.size(); ++s) {
    const auto sev = static_cast<Severity>(s);
    if (sev <= r.min_severity) j.key(to_string(sev)).num(r.by_severity[s]);
  }
  j.end_object();
  j.key("by_district").begin_object();
  for (const auto& d : r.by_district) {
    j.key(d.district).begin_object();
    for (std::size_t c = 0; c < kGapCodeCount; ++c) {
      if (d.by_code[c] > 0) j.key(to_string(static_cast<GapCode>(c))).num(d.by_code[c]);
    }
    j.end_object();
  }
  j.end_object();
  j.end_object();
  const std::string rest = j.take();  // "{...}\n"
  const std::string tail = "]," + rest.substr(1);
  return write_all(r.gaps, "{\"gaps\":[", tail,
                   [](auto& out, const Gap& gap, bool first) { gap_json(out, gap, first); });
}

std::string gaps_csv(const GapReport& r) {
  return write_all(r.gaps, "code,severity,entities,district,message,suggestion\n", "",
                   [](auto& out, const Gap& gap, bool first) { gap_csv(out, gap, first); });
}

std::string gaps_table(const GapReport& r) {
  std::string tail;
  if (!r.gaps.empty()) tail += '\n';
  char line[128];
  std::snprintf(line, sizeof line, "%-24s %8s  %s\n", "code", "count", "severity");
  tail += line;
  for (std::size_t c = 0; c < kGapCodeCount; ++c) {
    const auto code = static_cast<GapCode>(c);
    if (!admitted(code, r.min_severity)) continue;
    std::snprintf(line, sizeof line, "%-24s %8llu  %s\n", std::string(to_string(code)).c_str(),
                  static_cast<unsigned long long>(r.by_code[c]),
                  std::string(to_string(severity_of(code))).c_str());
    tail += line;
  }
  std::snprintf(line, sizeof line, "%-24s %8llu  (errors %llu, warnings %llu, info %llu)\n",
                "total", static_cast<unsigned long long>(r.gaps.size()),
                static_cast<unsigned long long>(r.by_severity[0]),
                static_cast<unsigned long long>(r.by_severity[1]),
                static_cast<unsigned long long>(r.by_severity[2]));
  tail += line;
  return write_all(r.gaps, "", tail,
                   [](auto& out, const Gap& gap, bool first) { gap_table(out, gap, first); });
}

}  // namespace orgraph

// The gap list can hold millions of rows (2.2 million on the nation preset, a gigabyte of JSON),
// so every format is streamed: blocks of gaps are formatted in parallel into reused buffers and
// handed to the sink in order (loaders/text_sink.hpp). JSON strings are escaped exactly as
// RapidJSON's Writer does (UTF-8 passed through), so the output matches JsonOut.
#include "loaders/gaps_writer.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "engine/parallel.hpp"
#include "loaders/csv_out.hpp"
#include "loaders/export_text.hpp"
#include "loaders/json_out.hpp"

namespace orgraph {

namespace {

struct Append {
  std::string& text;
  void put(char c) { text.push_back(c); }
  void put(std::string_view s) { text.append(s); }
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

void json_string(Append& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out.put('"');
  std::size_t run = 0;  // start of the pending unescaped run
  for (std::size_t i = next_escape(s, 0); i < s.size(); i = next_escape(s, i + 1)) {
    const auto c = static_cast<unsigned char>(s[i]);
    out.put(s.substr(run, i - run));
    run = i + 1;
    out.put('\\');
    switch (c) {
      case '"':
        out.put('"');
        break;
      case '\\':
        out.put('\\');
        break;
      case '\b':
        out.put('b');
        break;
      case '\t':
        out.put('t');
        break;
      case '\n':
        out.put('n');
        break;
      case '\f':
        out.put('f');
        break;
      case '\r':
        out.put('r');
        break;
      default:
        out.put("u00");
        out.put(kHex[c >> 4]);
        out.put(kHex[c & 15]);
    }
  }
  out.put(s.substr(run));
  out.put('"');
}

void gap_json(Append& out, const Gap& gap, bool first) {
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

void gap_csv(Append& out, const Gap& gap, bool) {
  out.put(to_string(gap.code));
  out.put(',');
  out.put(to_string(gap.severity));
  out.put(',');
  // The entities joined by ';', as one field (quoted when any of them needs it).
  const bool quoted = std::any_of(gap.entities.begin(), gap.entities.end(),
                                  [](const std::string& e) { return csv_needs_quotes(e); });
  if (quoted) out.put('"');
  bool written = false;  // as a join that puts ';' only after some text
  for (const auto& e : gap.entities) {
    if (written) out.put(';');
    written = written || !e.empty();
    if (quoted) {
      append_csv_quoted_body(out.text, e);
    } else {
      out.put(e);
    }
  }
  if (quoted) out.put('"');
  out.put(',');
  append_csv_field(out.text, gap.district);
  out.put(',');
  append_csv_field(out.text, gap.message);
  out.put(',');
  append_csv_field(out.text, gap.suggestion);
  out.put('\n');
}

void gap_table(Append& out, const Gap& gap, bool) {
  const std::string_view sev = to_string(gap.severity);
  const std::string_view code = to_string(gap.code);
  out.put(sev);
  for (std::size_t i = sev.size(); i < 8; ++i) out.put(' ');
  out.put(code);
  for (std::size_t i = code.size(); i < 23; ++i) out.put(' ');
  for (std::size_t i = 0; i < gap.entities.size(); ++i) {
    if (i > 0) out.put(' ');
    out.put(text::terminal_safe(gap.entities[i]));
  }
  out.put("\n        ");
  out.put(text::terminal_safe(gap.message));
  out.put("\n        -> ");
  out.put(text::terminal_safe(gap.suggestion));
  out.put('\n');
}

constexpr std::size_t kGapsPerBlock = 2048;  // formatted by one task

// The gaps of a report (formatted already) or of an audit (formatted block by block).
struct ReportGaps {
  const GapReport& report;
  std::size_t size() const { return report.gaps.size(); }
  const Gap& get(std::size_t i, std::vector<Gap>&) const { return report.gaps[i]; }
};
struct AuditGaps {
  const GapAudit& audit;
  std::size_t size() const { return audit.size(); }
  const Gap& get(std::size_t i, std::vector<Gap>& scratch) const { return audit.gap(i, scratch); }
};

// head + every gap written by `one` + tail, streamed to `sink`.
template <class List, class One>
void write_all(const List& gaps, std::string_view head, std::string_view tail, One one,
               const TextSink& sink) {
  if (!head.empty()) sink(head);
  stream_blocks(
      gaps.size(), kGapsPerBlock,
      [&](std::size_t lo, std::size_t hi, std::string& text) {
        Append out{text};
        std::vector<Gap> scratch;
        for (std::size_t i = lo; i < hi; ++i) one(out, gaps.get(i, scratch), i == 0);
      },
      sink);
  if (!tail.empty()) sink(tail);
}

template <class Write>
std::string to_text(Write write) {
  std::string out;
  write(append_to(out));
  return out;
}

bool admitted(GapCode c, Severity min) { return severity_of(c) <= min; }

constexpr std::string_view kJsonHead = "{\"gaps\":[";
constexpr std::string_view kCsvHeader = "code,severity,entities,district,message,suggestion\n";

// Everything after the gap array of `total` gaps, written by JsonOut as one object then spliced.
std::string json_tail(const GapTotals& r, std::size_t total) {
  JsonOut j;
  j.begin_object();
  j.key("summary").begin_object();
  for (std::size_t c = 0; c < kGapCodeCount; ++c) {
    const auto code = static_cast<GapCode>(c);
    if (admitted(code, r.min_severity)) j.key(to_string(code)).num(r.by_code[c]);
  }
  j.end_object();
  j.key("total").num(total);
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
  return "]," + rest.substr(1);
}

template <class List>
void write_json(const GapTotals& r, const List& gaps, const TextSink& sink) {
  write_all(
      gaps, kJsonHead, json_tail(r, gaps.size()),
      [](Append& out, const Gap& gap, bool first) { gap_json(out, gap, first); }, sink);
}

template <class List>
void write_csv(const List& gaps, const TextSink& sink) {
  write_all(
      gaps, kCsvHeader, "",
      [](Append& out, const Gap& gap, bool first) { gap_csv(out, gap, first); }, sink);
}

template <class List>
void write_table(const GapTotals& r, const List& gaps, const TextSink& sink) {
  std::string tail;
  if (gaps.size() > 0) tail += '\n';
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
                "total", static_cast<unsigned long long>(gaps.size()),
                static_cast<unsigned long long>(r.by_severity[0]),
                static_cast<unsigned long long>(r.by_severity[1]),
                static_cast<unsigned long long>(r.by_severity[2]));
  tail += line;
  write_all(
      gaps, "", tail, [](Append& out, const Gap& gap, bool first) { gap_table(out, gap, first); },
      sink);
}

}  // namespace

void write_gaps_json(const GapReport& r, const TextSink& sink) {
  write_json(r, ReportGaps{r}, sink);
}
void write_gaps_csv(const GapReport& r, const TextSink& sink) { write_csv(ReportGaps{r}, sink); }
void write_gaps_table(const GapReport& r, const TextSink& sink) {
  write_table(r, ReportGaps{r}, sink);
}
void write_gaps_json(const GapAudit& a, const TextSink& sink) { write_json(a, AuditGaps{a}, sink); }
void write_gaps_csv(const GapAudit& a, const TextSink& sink) { write_csv(AuditGaps{a}, sink); }
void write_gaps_table(const GapAudit& a, const TextSink& sink) {
  write_table(a, AuditGaps{a}, sink);
}

void write_gaps_csv_and_json(const GapAudit& a, const TextSink& csv, const TextSink& json) {
  struct Texts {
    std::string csv, json;
  };
  csv(kCsvHeader);
  json(kJsonHead);
  stream_block_texts<Texts>(
      a.size(), kGapsPerBlock,
      [&](std::size_t lo, std::size_t hi, Texts& texts) {
        texts.csv.clear();
        texts.json.clear();
        Append to_csv{texts.csv}, to_json{texts.json};
        std::vector<Gap> scratch;
        for (std::size_t i = lo; i < hi; ++i) {
          const Gap& gap = a.gap(i, scratch);
          gap_csv(to_csv, gap, i == 0);
          gap_json(to_json, gap, i == 0);
        }
      },
      [&](std::span<const Texts> blocks) {
        // One task per file: the kernel writes into one file at a time.
        par::for_each_index(0, 2, 1, [&](std::size_t file) {
          for (const Texts& texts : blocks) {
            if (file == 0) {
              csv(texts.csv);
            } else {
              json(texts.json);
            }
          }
        });
      });
  json(json_tail(a, a.size()));
}

std::string gaps_json(const GapReport& r) {
  return to_text([&](const TextSink& sink) { write_gaps_json(r, sink); });
}

std::string gaps_csv(const GapReport& r) {
  return to_text([&](const TextSink& sink) { write_gaps_csv(r, sink); });
}

std::string gaps_table(const GapReport& r) {
  return to_text([&](const TextSink& sink) { write_gaps_table(r, sink); });
}

}  // namespace orgraph

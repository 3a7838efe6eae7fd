#include "loaders/gaps_writer.hpp"

#include <cstdio>

#include "loaders/json_out.hpp"

namespace orgraph {

namespace {

std::string csv_escape(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

bool admitted(GapCode c, Severity min) { return severity_of(c) <= min; }

}  // namespace

std::string gaps_json(const GapReport& r) {
  JsonOut j;
  j.begin_object();
  j.key("gaps").begin_array();
  for (const Gap& gap : r.gaps) {
    j.begin_object();
    j.key("code").str(to_string(gap.code));
    j.key("severity").str(to_string(gap.severity));
    j.key("entities").begin_array();
    for (const auto& e : gap.entities) j.str(e);
    j.end_array();
    j.key("message").str(gap.message);
    j.key("suggestion").str(gap.suggestion);
    j.key("district").str(gap.district);
    j.end_object();
  }
  j.end_array();
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
  return j.take();
}

std::string gaps_csv(const GapReport& r) {
  std::string out = "code,severity,entities,district,message,suggestion\n";
  for (const Gap& gap : r.gaps) {
    std::string ents;
    for (const auto& e : gap.entities) {
      if (!ents.empty()) ents += ';';
      ents += e;
    }
    out.append(to_string(gap.code)).append(",").append(to_string(gap.severity)).append(",");
    out.append(csv_escape(ents)).append(",").append(csv_escape(gap.district)).append(",");
    out.append(csv_escape(gap.message)).append(",").append(csv_escape(gap.suggestion));
    out += '\n';
  }
  return out;
}

std::string gaps_table(const GapReport& r) {
  std::string out;
  for (const Gap& gap : r.gaps) {
    char head[96];
    std::snprintf(head, sizeof head, "%-7s %-22s ", std::string(to_string(gap.severity)).c_str(),
                  std::string(to_string(gap.code)).c_str());
    out += head;
    for (std::size_t i = 0; i < gap.entities.size(); ++i) {
      if (i > 0) out += ' ';
      out += gap.entities[i];
    }
    out += "\n        " + gap.message + "\n        -> " + gap.suggestion + "\n";
  }
  if (!r.gaps.empty()) out += '\n';
  char line[96];
  std::snprintf(line, sizeof line, "%-24s %8s  %s\n", "code", "count", "severity");
  out += line;
  for (std::size_t c = 0; c < kGapCodeCount; ++c) {
    const auto code = static_cast<GapCode>(c);
    if (!admitted(code, r.min_severity)) continue;
    std::snprintf(line, sizeof line, "%-24s %8llu  %s\n", std::string(to_string(code)).c_str(),
                  static_cast<unsigned long long>(r.by_code[c]),
                  std::string(to_string(severity_of(code))).c_str());
    out += line;
  }
  std::snprintf(line, sizeof line, "%-24s %8llu  (errors %llu, warnings %llu, info %llu)\n",
                "total", static_cast<unsigned long long>(r.gaps.size()),
                static_cast<unsigned long long>(r.by_severity[0]),
                static_cast<unsigned long long>(r.by_severity[1]),
                static_cast<unsigned long long>(r.by_severity[2]));
  out += line;
  return out;
}

}  // namespace orgraph

// The batch job's report.html: one self-contained file that opens offline. Charts are inline
// SVG drawn here (no chart library), tables sort on a click (a few lines of inline script), and
// the network view is cytoscape.js, inlined from the npm package the set-up installs, over
// elements with precomputed positions. Callers pass only figures, ids and organization names:
// people's names never reach this file.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace orgraph {

struct ReportHeadline {
  std::string label;  // e.g. "Organizational coverage"
  std::string value;  // e.g. "31.2%"
  std::string note;   // e.g. "1,812 of 5,806 active organizations"
};

// Grouped horizontal bars: one group per label, one bar per series.
struct ReportChart {
  std::string id;     // DOM id, e.g. "chart-district"
  std::string title;
  std::vector<std::string> labels;
  std::vector<std::pair<std::string, std::vector<double>>> series;  // name, value per label
  bool percent = false;  // values in [0, 1] shown as percentages
};

struct ReportTable {
  std::string id;
  std::string title;
  std::vector<std::string> columns;
  std::vector<bool> numeric;  // per column: sort numerically
  std::vector<std::vector<std::string>> rows;
  std::string note;  // e.g. "showing 200 of 5,123 rows; all of them are in gaps.csv"
};

struct ReportData {
  std::string title;
  std::string subtitle;  // source, date, version
  std::vector<ReportHeadline> headlines;
  std::vector<ReportChart> charts;
  std::vector<ReportTable> tables;
  std::string network_title;
  std::string network_elements_json;  // cytoscape elements array, positions included
  std::string cytoscape_js;           // the library's source; empty = network view unavailable
};

std::string render_report_html(const ReportData& report);

// Escapes text for HTML element content and attribute values.
std::string html_escape(std::string_view text);

// Locates cytoscape.min.js from the set-up's npm install (empty string when absent).
std::string find_cytoscape_js();

}  // namespace orgraph

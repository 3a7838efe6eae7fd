#include "loaders/report_html.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace orgraph {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string find_cytoscape_js() {
  const std::vector<std::string> candidates{
      std::string(ORGRAPH_SOURCE_DIR) + "/tests/tools/node_modules/cytoscape/dist/cytoscape.min.js",
      std::string(ORGRAPH_SOURCE_DIR) + "/node_modules/cytoscape/dist/cytoscape.min.js",
  };
  for (const auto& path : candidates) {
    std::ifstream in(path, std::ios::binary);
    if (!in) continue;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  return {};
}

namespace {

std::string fmt_value(double v, bool percent) {
  char buf[64];
  if (percent) {
    std::snprintf(buf, sizeof buf, "%.1f%%", v * 100.0);
  } else if (std::fabs(v - std::round(v)) < 1e-9) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f", v);
  }
  return buf;
}

// Inline SVG: one row per label, bars per series, values written at the bar ends.
std::string render_chart(const ReportChart& chart) {
  static const char* kColors[] = {"#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c"};
  const std::size_t n_series = std::max<std::size_t>(1, chart.series.size());
  const int bar_h = 14, gap = 8, label_w = 190, chart_w = 440, value_w = 70;
  const int group_h = static_cast<int>(n_series) * bar_h + gap;
  const int legend_h = 24;
  const int height = legend_h + static_cast<int>(chart.labels.size()) * group_h + 10;
  double max_v = chart.percent ? 1.0 : 0.0;
  for (const auto& [name, values] : chart.series) {
    for (double v : values) max_v = std::max(max_v, v);
  }
  if (max_v <= 0) max_v = 1;
  std::ostringstream svg;
  svg << "<figure class=\"chart\" id=\"" << html_escape(chart.id) << "\"><figcaption>"
      << html_escape(chart.title) << "</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" "
      << "width=\"" << label_w + chart_w + value_w << "\" height=\"" << height
      << "\" role=\"img\" aria-label=\"" << html_escape(chart.title) << "\">";
  int lx = label_w;
  for (std::size_t s = 0; s < chart.series.size(); ++s) {
    svg << "<rect x=\"" << lx << "\" y=\"6\" width=\"12\" height=\"12\" fill=\""
        << kColors[s % 5] << "\"/><text x=\"" << lx + 16 << "\" y=\"16\" font-size=\"12\">"
        << html_escape(chart.series[s].first) << "</text>";
    lx += 30 + static_cast<int>(chart.series[s].first.size()) * 7;
  }
  for (std::size_t i = 0; i < chart.labels.size(); ++i) {
    const int y0 = legend_h + static_cast<int>(i) * group_h;
    svg << "<text x=\"" << label_w - 6 << "\" y=\"" << y0 + group_h / 2 + 2
        << "\" font-size=\"12\" text-anchor=\"end\">" << html_escape(chart.labels[i]) << "</text>";
    for (std::size_t s = 0; s < chart.series.size(); ++s) {
      const double v = i < chart.series[s].second.size() ? chart.series[s].second[i] : 0.0;
      const int w = static_cast<int>(std::round(chart_w * std::max(0.0, v) / max_v));
      const int y = y0 + static_cast<int>(s) * bar_h;
      svg << "<rect class=\"bar\" x=\"" << label_w << "\" y=\"" << y << "\" width=\"" << w
          << "\" height=\"" << bar_h - 2 << "\" fill=\"" << kColors[s % 5] << "\"><title>"
          << html_escape(chart.labels[i]) << ", " << html_escape(chart.series[s].first) << ": "
          << fmt_value(v, chart.percent) << "</title></rect><text x=\"" << label_w + w + 4
          << "\" y=\"" << y + bar_h - 4 << "\" font-size=\"11\">" << fmt_value(v, chart.percent)
          << "</text>";
    }
  }
  svg << "</svg></figure>\n";
  return svg.str();
}

std::string render_table(const ReportTable& table) {
  std::ostringstream out;
  out << "<section class=\"table\"><h3>" << html_escape(table.title) << "</h3>";
  if (!table.note.empty()) out << "<p class=\"note\">" << html_escape(table.note) << "</p>";
  out << "<table class=\"sortable\" id=\"" << html_escape(table.id) << "\"><thead><tr>";
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const bool numeric = c < table.numeric.size() && table.numeric[c];
    out << "<th data-type=\"" << (numeric ? "num" : "text") << "\">"
        << html_escape(table.columns[c]) << "</th>";
  }
  out << "</tr></thead><tbody>";
  for (const auto& row : table.rows) {
    out << "<tr>";
    for (const auto& cell : row) out << "<td>" << html_escape(cell) << "</td>";
    out << "</tr>";
  }
  out << "</tbody></table></section>\n";
  return out.str();
}

// `</script` inside inlined script text would end the element early.
std::string script_safe(std::string_view js) {
  std::string out(js);
  for (std::size_t p = 0; (p = out.find("</script", p)) != std::string::npos; p += 9) {
    out.replace(p, 8, "<\\/script");
  }
  return out;
}

// JSON inlined in a <script type="application/json"> block: `<` is written `\u003c` (and `>`,
// `&` likewise), which JSON.parse reads back as the same text. Escaping `</script` alone is not
// enough: a name holding `<!--<script>` switches the HTML parser into a mode where the
// block's own `</script>` no longer ends it, and every script after it is swallowed. In JSON
// text these characters only occur inside strings, where the escape is valid.
std::string json_script_safe(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  for (const char c : json) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default: out += c;
    }
  }
  return out;
}

constexpr const char* kStyle = R"CSS(
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;color:#1a202c;background:#f7fafc}
header{background:#1a365d;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.85}
main{padding:18px 28px;max-width:1400px}
.headlines{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:18px}
.headline{background:#fff;border:1px solid #e2e8f0;border-radius:6px;padding:10px 14px;min-width:180px}
.headline .value{font-size:24px;font-weight:600;color:#1a365d}.headline .label{font-size:13px;color:#4a5568}.headline .note{font-size:12px;color:#718096}
.charts{display:flex;flex-wrap:wrap;gap:16px}figure.chart{background:#fff;border:1px solid #e2e8f0;border-radius:6px;padding:10px;margin:0}
figcaption{font-weight:600;margin-bottom:6px}
section.table{background:#fff;border:1px solid #e2e8f0;border-radius:6px;padding:10px;margin:16px 0;overflow:auto;max-height:520px}
table{border-collapse:collapse;font-size:13px;width:100%}th,td{border-bottom:1px solid #edf2f7;padding:4px 8px;text-align:left}
th{cursor:pointer;background:#edf2f7;position:sticky;top:0}th.asc:after{content:" \25B2"}th.desc:after{content:" \25BC"}
.note{color:#718096;font-size:12px}#network{height:640px;background:#fff;border:1px solid #e2e8f0;border-radius:6px}
)CSS";

constexpr const char* kTableScript = R"JS(
(function(){
  function cellValue(row, i, numeric){var t=row.cells[i].textContent;if(!numeric)return t;var v=parseFloat(t.replace(/[,%]/g,''));return isNaN(v)?-Infinity:v;}
  document.querySelectorAll('table.sortable').forEach(function(table){
    table.querySelectorAll('th').forEach(function(th, i){
      th.addEventListener('click', function(){
        var numeric = th.getAttribute('data-type') === 'num';
        var asc = !th.classList.contains('asc');
        table.querySelectorAll('th').forEach(function(h){h.classList.remove('asc','desc');});
        th.classList.add(asc ? 'asc' : 'desc');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function(a, b){var x=cellValue(a,i,numeric), y=cellValue(b,i,numeric);return (x<y?-1:x>y?1:0)*(asc?1:-1);});
        rows.forEach(function(r){body.appendChild(r);});
      });
    });
  });
  document.body.setAttribute('data-tables', 'ready');
})();
)JS";

constexpr const char* kNetworkScript = R"JS(
(function(){
  var box = document.getElementById('network');
  if (typeof cytoscape !== 'function') { box.textContent = 'Network view unavailable: cytoscape.js was not installed when this report was written.'; document.body.setAttribute('data-network', 'unavailable'); return; }
  var elements = JSON.parse(document.getElementById('network-data').textContent);
  var cy = cytoscape({container: box, elements: elements, layout: {name: 'preset', fit: true, padding: 20},
    style: [
      {selector: 'node', style: {'label': 'data(label)', 'font-size': 8, 'width': 10, 'height': 10, 'background-color': '#718096'}},
      {selector: 'node[kind = "org"]', style: {'background-color': '#e53e3e'}},
      {selector: 'node[kind = "org"][?covered]', style: {'background-color': '#38a169'}},
      {selector: 'node[kind = "proposed_branch"]', style: {'shape': 'diamond', 'background-color': '#2b6cb0', 'width': 16, 'height': 16}},
      {selector: 'node[kind = "area"]', style: {'shape': 'round-rectangle', 'background-opacity': 0.08, 'font-size': 10, 'text-valign': 'top'}},
      {selector: 'edge', style: {'width': 1, 'line-color': '#a0aec0', 'curve-style': 'haystack'}},
      {selector: 'edge[rel = "proposes"]', style: {'line-color': '#2b6cb0', 'width': 1.5}}
    ]});
  window.orgraphNetwork = cy;
  document.body.setAttribute('data-network', 'rendered:' + cy.nodes().length);
})();
)JS";

}  // namespace

std::string render_report_html(const ReportData& r) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      << "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      << "<title>" << html_escape(r.title) << "</title><style>" << kStyle << "</style></head>\n"
      << "<body><script>window.addEventListener('error',function(e){var n=+(document.body.getAttribute('data-errors')||0)+1;document.body.setAttribute('data-errors',String(n));document.body.setAttribute('data-last-error',String(e.message));});</script><header><h1>" << html_escape(r.title) << "</h1><p>" << html_escape(r.subtitle)
      << "</p></header><main>\n<section class=\"headlines\">";
  for (const auto& h : r.headlines) {
    out << "<div class=\"headline\"><div class=\"value\">" << html_escape(h.value)
        << "</div><div class=\"label\">" << html_escape(h.label) << "</div><div class=\"note\">"
        << html_escape(h.note) << "</div></div>";
  }
  out << "</section>\n<section class=\"charts\">\n";
  for (const auto& c : r.charts) out << render_chart(c);
  out << "</section>\n<h2>" << html_escape(r.network_title) << "</h2><div id=\"network\"></div>\n";
  for (const auto& t : r.tables) out << render_table(t);
  out << "</main>\n<script type=\"application/json\" id=\"network-data\">"
      << json_script_safe(r.network_elements_json.empty() ? "[]" : r.network_elements_json)
      << "</script>\n";
  if (!r.cytoscape_js.empty()) out << "<script>" << script_safe(r.cytoscape_js) << "</script>\n";
  out << "<script>" << kTableScript << "</script>\n<script>" << kNetworkScript
      << "</script>\n</body></html>\n";
  return out.str();
}

}  // namespace orgraph

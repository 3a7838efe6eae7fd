#include "loaders/coverage_writer.hpp"

#include <cstdio>

#include "loaders/csv_out.hpp"
#include "loaders/export_text.hpp"
#include "loaders/json_out.hpp"

namespace orgraph {
namespace {

void counts_json(JsonOut& j, const CoverageCounts& c) {
  j.key("orgs").num(c.orgs);
  j.key("covered").num(c.covered);
  j.key("work_covered").num(c.work_covered);
  j.key("org_rate").real(c.org_rate());
  j.key("work_rate").real(c.work_rate());
  j.key("full_members").num(c.full_members);
  j.key("party_members").num(c.party_members);
  j.key("staff").num(c.staff);
  j.key("staff_missing").num(c.staff_missing);
  j.key("full_share").real(c.full_share());
  j.key("party_share").real(c.party_share());
  j.key("should_build").num(c.should_build);
  j.key("joint_candidates").num(c.joint_candidates);
  j.key("instructor_only").num(c.instructor_only);
  j.key("inactive_orgs").num(c.inactive_orgs);
  j.key("pocket_members").num(c.pocket_members);
  j.key("floating_members").num(c.floating_members);
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string csv_row(std::string_view scope, std::string_view key, std::string_view name,
                    const CoverageCounts& c) {
  std::string r = csv_field(scope) + "," + csv_field(key) + "," + csv_field(name);
  for (std::uint64_t v : {c.orgs, c.covered, c.work_covered}) r += "," + std::to_string(v);
  r += "," + fixed(c.org_rate(), 6) + "," + fixed(c.work_rate(), 6);
  for (std::uint64_t v : {c.full_members, c.party_members, c.staff, c.staff_missing}) {
    r += "," + std::to_string(v);
  }
  r += "," + fixed(c.full_share(), 6) + "," + fixed(c.party_share(), 6);
  for (std::uint64_t v : {c.should_build, c.joint_candidates, c.instructor_only, c.inactive_orgs,
                          c.pocket_members, c.floating_members}) {
    r += "," + std::to_string(v);
  }
  return r + "\n";
}

std::string percent(double v) { return fixed(100.0 * v, 1) + "%"; }

std::string table_row(std::string_view key, std::string_view name, const CoverageCounts& c) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "%-14.*s %8llu %8llu %7s %8llu %7s %8llu %8llu %9llu %7s %7llu %8llu %8llu  %.*s\n",
                static_cast<int>(key.size()), key.data(), static_cast<unsigned long long>(c.orgs),
                static_cast<unsigned long long>(c.covered), percent(c.org_rate()).c_str(),
                static_cast<unsigned long long>(c.work_covered), percent(c.work_rate()).c_str(),
                static_cast<unsigned long long>(c.full_members),
                static_cast<unsigned long long>(c.party_members),
                static_cast<unsigned long long>(c.staff), percent(c.full_share()).c_str(),
                static_cast<unsigned long long>(c.should_build),
                static_cast<unsigned long long>(c.pocket_members),
                static_cast<unsigned long long>(c.floating_members), static_cast<int>(name.size()),
                name.data());
  std::string row(buf);
  while (row.size() > 1 && row[row.size() - 2] == ' ') row.erase(row.size() - 2, 1);
  return row;
}

}  // namespace

std::string coverage_json(const OrgGraph& g, const CoverageReport& r) {
  JsonOut j;
  j.begin_object();
  j.key("by").str(to_string(r.by));
  j.key("total").begin_object();
  counts_json(j, r.total);
  j.end_object();
  j.key("groups").begin_array();
  for (const auto& group : r.groups) {
    j.begin_object();
    j.key("key").str(group.key);
    j.key("name").str(group.name);
    counts_json(j, group.counts);
    j.end_object();
  }
  j.end_array();
  j.key("should_build").begin_array();
  for (Id o : r.should_build) j.str(g.org_ids[o]);
  j.end_array();
  j.key("pocket_members").num(r.total.pocket_members);
  j.key("floating_members").num(r.total.floating_members);
  j.end_object();
  return j.take();
}

std::string coverage_csv(const OrgGraph&, const CoverageReport& r) {
  std::string out =
      "scope,key,name,orgs,covered,work_covered,org_rate,work_rate,full_members,party_members,"
      "staff,staff_missing,full_share,party_share,should_build,joint_candidates,instructor_only,"
      "inactive_orgs,pocket_members,floating_members\n";
  out += csv_row("total", "", "", r.total);
  for (const auto& group : r.groups)
    out += csv_row(to_string(r.by), group.key, group.name, group.counts);
  return out;
}

std::string coverage_table(const OrgGraph& g, const CoverageReport& r) {
  std::string out = "Coverage by " + std::string(to_string(r.by)) + ": " +
                    std::to_string(r.total.orgs) + " active organizations";
  if (r.total.inactive_orgs > 0) {
    out +=
        " (" + std::to_string(r.total.inactive_orgs) + " suspended or deregistered, not counted)";
  }
  out += "\n\n";
  char head[512];
  std::snprintf(head, sizeof head, "%-14s %8s %8s %7s %8s %7s %8s %8s %9s %7s %7s %8s %8s  %s\n",
                "key", "orgs", "covered", "org%", "work", "work%", "full", "party", "staff",
                "full/st", "build", "pocket", "floating", "name");
  out += head;
  out += table_row("TOTAL", "", r.total);
  for (const auto& group : r.groups) {
    out += table_row(text::terminal_safe(group.key), text::terminal_safe(group.name), group.counts);
  }
  out += "\nShould build their own branch (uncovered, 3+ full members): " +
         std::to_string(r.should_build.size()) + (r.should_build.size() == 1 ? " org" : " orgs");
  constexpr std::size_t kShown = 20;
  for (std::size_t i = 0; i < r.should_build.size() && i < kShown; ++i) {
    out += (i == 0 ? "\n  " : ", ") + text::terminal_safe(g.org_ids[r.should_build[i]]);
  }
  if (r.should_build.size() > kShown) {
    out += " ... and " + std::to_string(r.should_build.size() - kShown) + " more (--format json)";
  }
  out += "\nPocket members: " + std::to_string(r.total.pocket_members) +
         "; floating members: " + std::to_string(r.total.floating_members) + "\n";
  if (r.total.staff_missing > 0) {
    out += "Staff count missing for " + std::to_string(r.total.staff_missing) +
           " active organizations: staff and full/staff leave them out.\n";
  }
  return out;
}

}  // namespace orgraph

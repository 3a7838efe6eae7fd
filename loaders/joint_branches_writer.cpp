#include "loaders/joint_branches_writer.hpp"

#include <cstdio>

#include "loaders/csv_out.hpp"
#include "loaders/export_text.hpp"
#include "loaders/json_out.hpp"

namespace orgraph {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string_view basis_choice(JointBasisChoice b) {
  switch (b) {
    case JointBasisChoice::street:
      return "street";
    case JointBasisChoice::industry:
      return "industry";
    case JointBasisChoice::both:
      return "both";
  }
  return "both";
}

void options_object(JsonOut& j, const OrgGraph& g, const JointBranchOptions& o) {
  j.begin_object();
  j.key("basis").str(basis_choice(o.basis));
  j.key("min_full").integer(o.min_full);
  j.key("max_units").integer(o.max_units);
  j.key("max_members").integer(o.max_members);
  j.key("no_fillers").boolean(o.no_fillers);
  j.key("area");
  if (o.area == kNone) {
    j.null();
  } else {
    j.str(g.area_ids[o.area]);
  }
  j.key("industry");
  if (o.industry.empty()) {
    j.null();
  } else {
    j.str(o.industry);
  }
  j.end_object();
}

void options_json(JsonOut& j, const OrgGraph& g, const JointBranchOptions& o) {
  j.key("options");
  options_object(j, g, o);
}

void group_json(JsonOut& j, const OrgGraph& g, const JointGroup& x, const std::string& id) {
  j.begin_object();
  if (!id.empty()) j.key("id").str(id);
  j.key("basis").str(to_string(x.basis));
  j.key("area_id").str(g.area_ids[x.area]);
  j.key("area_name").str(g.area_names[x.area]);
  j.key("industry");
  if (x.industry == kNone) {
    j.null();
  } else {
    j.str(g.industry_names[x.industry]);
  }
  j.key("orgs").begin_array();
  for (Id o : x.orgs) j.str(g.org_ids[o]);
  j.end_array();
  j.key("full_members").num(x.full_members);
  j.key("party_members").num(x.party_members);
  j.key("cost").integer(x.cost);
  j.key("proposed_superior");
  if (x.superior == kNone) {
    j.null();
  } else {
    j.str(g.unit_ids[x.superior]);
  }
  j.key("superior_missing").boolean(x.superior_missing());
  j.key("also_valid_as");
  if (x.both_bases) {
    j.str(x.basis == JointBasis::street ? "industry" : "street");
  } else {
    j.null();
  }
  j.end_object();
}

std::string superior_text(const OrgGraph& g, const JointGroup& x) {
  if (x.superior == kNone) return "(none: flagged)";
  return std::string(g.unit_ids[x.superior]);
}

std::string area_text(const OrgGraph& g, Id area) {
  std::string s(g.area_ids[area]);
  if (!g.area_names[area].empty()) s += " " + std::string(g.area_names[area]);
  return s;
}

std::string orgs_text(const OrgGraph& g, const JointGroup& x) {
  std::string s;
  for (Id o : x.orgs) {
    if (!s.empty()) s += ' ';
    s += g.org_ids[o];
  }
  return s;
}

std::string industry_text(const OrgGraph& g, const JointGroup& x) {
  return x.industry == kNone ? std::string("(mixed)") : std::string(g.industry_names[x.industry]);
}

void csv_rows(std::string& out, const OrgGraph& g, const JointGroup& x, const std::string& id) {
  for (Id o : x.orgs) {
    append_csv_field(out, id);
    out += ',';
    out += to_string(x.basis);
    out += ',';
    append_csv_field(out, g.area_ids[x.area]);
    out += ',';
    append_csv_field(out, g.area_names[x.area]);
    out += ',';
    if (x.industry != kNone) append_csv_field(out, g.industry_names[x.industry]);
    out += ',';
    append_csv_field(out, g.org_ids[o]);
    out += ',';
    append_csv_field(out, g.org_names[o]);
    out += ',';
    out += std::to_string(g.orgs[o].full_members) + ',' + std::to_string(x.full_members) + ',' +
           std::to_string(x.party_members) + ',' + std::to_string(x.cost) + ',';
    if (x.superior != kNone) append_csv_field(out, g.unit_ids[x.superior]);
    out += ',';
    if (x.superior != kNone) append_csv_field(out, g.unit_names[x.superior]);
    out += ',';
    out += x.superior_missing() ? "yes" : "no";
    out += "\r\n";
  }
}

// Per block of text: groups (of a few orgs each; with 4096, a province's 8,833 groups made three
// blocks, formatted by at most three threads), or unplaced candidates (one org each).
constexpr std::size_t kGroupGrain = 1024;
constexpr std::size_t kCandidateGrain = 4096;

constexpr std::string_view kCsvHeader =
    "group_id,basis,area_id,area_name,industry,org_id,org_name,org_full_members,"
    "group_full_members,group_party_members,cost,proposed_superior,superior_name,"
    "superior_missing\r\n";

}  // namespace

std::string joint_group_id(std::size_t index) { return "J" + std::to_string(index + 1); }

void write_joint_branches_json(const OrgGraph& g, const JointBranchPlan& plan,
                               const JointBranchOptions& o, const TextSink& sink) {
  sink("{\"groups\":[");
  stream_json_elements(
      plan.groups.size(), kGroupGrain,
      [&](JsonOut& j, std::size_t i) { group_json(j, g, plan.groups[i], joint_group_id(i)); },
      sink);
  const auto& s = plan.summary;
  JsonOut j;
  j.begin_object();
  j.key("candidates").num(s.candidates);
  j.key("covered").num(s.covered);
  j.key("upper_bound").num(s.upper_bound);
  j.key("ratio").real(s.ratio);
  j.key("groups").num(s.groups);
  j.key("uncovered").num(s.candidates - s.covered);
  j.key("total_cost").integer(s.total_cost);
  j.key("superior_missing").num(s.superior_missing);
  j.key("components").num(s.components);
  j.key("largest_component").num(s.largest_component);
  j.key("exact_components").num(s.exact_components);
  j.key("exact_candidates").num(s.exact_candidates);
  j.end_object();
  sink("],\"summary\":");
  sink(j.view());
  sink(",\"uncovered\":[");
  stream_json_elements(
      plan.uncovered.size(), kCandidateGrain,
      [&](JsonOut& u, std::size_t i) {
        const UncoveredCandidate& c = plan.uncovered[i];
        u.begin_object();
        u.key("org").str(g.org_ids[c.org]);
        u.key("full_members").num(g.orgs[c.org].full_members);
        u.key("reason").str(to_string(c.reason));
        u.end_object();
      },
      sink);
  j.restart();
  options_object(j, g, o);
  sink("],\"options\":");
  sink(j.view());
  sink("}\n");
}

std::string joint_branches_json(const OrgGraph& g, const JointBranchPlan& plan,
                                const JointBranchOptions& o) {
  std::string out;
  write_joint_branches_json(g, plan, o, append_to(out));
  return out;
}

std::string joint_branches_table(const OrgGraph& g, const JointBranchPlan& plan,
                                 const JointBranchOptions& o) {
  (void)o;
  std::string out;
  char line[256];
  const auto& s = plan.summary;
  std::snprintf(
      line, sizeof line,
      "Joint branches: %llu group(s) cover %llu of %llu candidates (upper bound %llu, "
      "ratio %.4f), total cost %lld\n",
      static_cast<unsigned long long>(s.groups), static_cast<unsigned long long>(s.covered),
      static_cast<unsigned long long>(s.candidates), static_cast<unsigned long long>(s.upper_bound),
      s.ratio, static_cast<long long>(s.total_cost));
  out += line;
  if (s.superior_missing > 0) {
    out += std::to_string(s.superior_missing) + " group(s) have no proposed superior (flagged)\n";
  }
  out += '\n';
  for (std::size_t i = 0; i < plan.groups.size(); ++i) {
    const JointGroup& x = plan.groups[i];
    std::snprintf(line, sizeof line,
                  "%-6s %-8s %-28s %-16s full %3u party %3u cost %d  superior %s\n",
                  joint_group_id(i).c_str(), std::string(to_string(x.basis)).c_str(),
                  text::terminal_safe(area_text(g, x.area)).c_str(),
                  text::terminal_safe(industry_text(g, x)).c_str(), x.full_members,
                  x.party_members, x.cost, text::terminal_safe(superior_text(g, x)).c_str());
    out += line;
    out += "       orgs: " + text::terminal_safe(orgs_text(g, x)) + "\n";
  }
  if (!plan.uncovered.empty()) {
    out += "\nUncovered candidates (" + std::to_string(plan.uncovered.size()) + "):\n";
    for (const auto& u : plan.uncovered) {
      out += "  " + text::terminal_safe(g.org_ids[u.org]) + "  full " +
             std::to_string(g.orgs[u.org].full_members) + "  " + std::string(to_string(u.reason)) +
             "\n";
    }
  }
  return out;
}

void write_joint_branches_csv(const OrgGraph& g, const JointBranchPlan& plan,
                              const TextSink& sink) {
  sink(std::string(kBom) + std::string(kCsvHeader));
  stream_blocks(
      plan.groups.size(), kGroupGrain,
      [&](std::size_t lo, std::size_t hi, std::string& text) {
        for (std::size_t i = lo; i < hi; ++i) csv_rows(text, g, plan.groups[i], joint_group_id(i));
      },
      sink);
}

std::string joint_branches_csv(const OrgGraph& g, const JointBranchPlan& plan) {
  std::string out;
  write_joint_branches_csv(g, plan, append_to(out));
  return out;
}

std::string org_grouping_json(const OrgGraph& g, const OrgGrouping& a,
                              const JointBranchOptions& o) {
  JsonOut j;
  j.begin_object();
  j.key("org").str(g.org_ids[a.org]);
  j.key("org_name").str(g.org_names[a.org]);
  j.key("full_members").num(g.orgs[a.org].full_members);
  j.key("status").str(to_string(a.status));
  j.key("groupable").boolean(a.status == OrgGroupingStatus::groupable);
  j.key("message").str(a.message);
  j.key("neighbours").num(a.neighbours);
  j.key("exhaustive").boolean(a.exhaustive);
  j.key("groups").begin_array();
  for (std::size_t i = 0; i < a.groups.size(); ++i) {
    group_json(j, g, a.groups[i], "option" + std::to_string(i + 1));
  }
  j.end_array();
  options_json(j, g, o);
  j.end_object();
  return j.take();
}

std::string org_grouping_table(const OrgGraph& g, const OrgGrouping& a) {
  std::string out = text::terminal_safe(g.org_ids[a.org]) + " " +
                    text::terminal_safe(g.org_names[a.org]) + " (full members " +
                    std::to_string(g.orgs[a.org].full_members) +
                    "): " + std::string(to_string(a.status)) + "\n" +
                    text::terminal_safe(a.message) + "\n";
  char line[256];
  for (std::size_t i = 0; i < a.groups.size(); ++i) {
    const JointGroup& x = a.groups[i];
    std::snprintf(line, sizeof line,
                  "\n#%zu %-8s %-28s %-16s full %3u party %3u cost %d  superior %s\n", i + 1,
                  std::string(to_string(x.basis)).c_str(),
                  text::terminal_safe(area_text(g, x.area)).c_str(),
                  text::terminal_safe(industry_text(g, x)).c_str(), x.full_members,
                  x.party_members, x.cost, text::terminal_safe(superior_text(g, x)).c_str());
    out += line;
    out += "   orgs: " + text::terminal_safe(orgs_text(g, x)) + "\n";
  }
  if (!a.exhaustive) out += "\n(bounded search: larger neighbourhoods were not enumerated fully)\n";
  return out;
}

std::string org_grouping_csv(const OrgGraph& g, const OrgGrouping& a) {
  std::string out(kBom);
  out += kCsvHeader;
  for (std::size_t i = 0; i < a.groups.size(); ++i)
    csv_rows(out, g, a.groups[i], "option" + std::to_string(i + 1));
  return out;
}

}  // namespace orgraph

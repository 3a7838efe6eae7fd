// orgraph joint-branches DATA [--basis street|industry|both] [--min-full 3] [--max-units 5]
//   [--max-members 50] [--no-fillers] [--area ID] [--industry X] [--org ID [--top K]]
#include "cli/common.hpp"
#include "loaders/joint_branches_writer.hpp"
#include "queries/joint_branches.hpp"

namespace orgraph::cli {
namespace {

struct Args {
  std::string data;
  std::string basis = "both";
  std::string area;
  std::string org;
  int top = 5;
  JointBranchOptions options;
};

int run_joint_branches(const Args& a, const Globals& g) {
  const Format format = output_format(g);
  JointBranchOptions o = a.options;
  if (a.basis == "street") {
    o.basis = JointBasisChoice::street;
  } else if (a.basis == "industry") {
    o.basis = JointBasisChoice::industry;
  } else {
    o.basis = JointBasisChoice::both;
  }
  validate(o);  // before loading: bad options fail fast
  if (a.top < 1) throw std::invalid_argument("--top must be at least 1");
  const OrgGraph graph = load_data(a.data, g, {.person_names = false});
  if (!a.area.empty()) {
    o.area = graph.find_area(a.area);
    if (o.area == kNone) {
      throw NotFound("--area " + quote_found(a.area) + ": no such area in " + a.data);
    }
  }
  if (!o.industry.empty() && graph.find_industry(o.industry) == kNone) {
    std::string known;
    for (Id i = 0; i < graph.industry_names.size() && i < 20; ++i) {
      known += known.empty() ? "" : ", ";
      known += graph.industry_names[i];
    }
    throw NotFound("--industry " + quote_found(o.industry) +
                   ": no organization has this industry (known: " + known + ")");
  }
  std::string text;
  if (!a.org.empty()) {
    const Id org = graph.find_org(a.org);
    if (org == kNone) {
      throw NotFound("--org " + quote_found(a.org) + ": no such organization in " + a.data);
    }
    const OrgGrouping answer =
        joint_branches_for_org(graph, org, o, static_cast<std::size_t>(a.top));
    if (format == Format::json) {
      text = org_grouping_json(graph, answer, o);
    } else if (format == Format::csv) {
      text = org_grouping_csv(graph, answer);
    } else {
      text = org_grouping_table(graph, answer);
    }
  } else {
    const JointBranchPlan plan = joint_branches(graph, o);
    if (format == Format::json) {
      emit(g, [&](const TextSink& sink) { write_joint_branches_json(graph, plan, o, sink); });
      return kOk;
    }
    if (format == Format::csv) {
      emit(g, [&](const TextSink& sink) { write_joint_branches_csv(graph, plan, sink); });
      return kOk;
    }
    text = joint_branches_table(graph, plan, o);
  }
  emit(g, text);
  return kOk;
}

const bool registered = register_command(
    {"joint-branches",
     "propose joint branches for uncovered organizations with fewer than 3 full members, or "
     "(--org) whom one organization can join with",
     60, [](CLI::App& sub, Globals& g) -> Runner {
       auto a = std::make_shared<Args>();
       sub.add_option("DATA", a->data, "city folder, .json file or snapshot")->required();
       sub.add_option("--basis", a->basis,
                      "street: groups within one street; industry: one industry within one "
                      "district; both (default)")
           ->check(CLI::IsMember({"street", "industry", "both"}));
       sub.add_option("--min-full", a->options.min_full,
                      "distinct full members a group needs (default 3)");
       sub.add_option("--max-units", a->options.max_units,
                      "most organizations in one joint branch (default 5)");
       sub.add_option("--max-members", a->options.max_members,
                      "most distinct party members in one joint branch (default 50)");
       sub.add_flag("--no-fillers", a->options.no_fillers,
                    "leave out organizations with no full members");
       sub.add_option("--area", a->area, "only candidates in this area (id) and below it");
       sub.add_option("--industry", a->options.industry, "only candidates of this industry");
       sub.add_option("--org", a->org,
                      "instead of a plan: the cheapest feasible groups containing this org (id)");
       sub.add_option("--top", a->top, "with --org: how many groups to list (default 5)");
       sub.add_option("--effort", a->options.perturbations_per_candidate,
                      "search effort: improvement rounds per organization with full members "
                      "(default 2; 0 = construction and local search only; at most 200,000 "
                      "rounds per plan)")
           ->check(CLI::Range(0.0, 100.0));
       return [a, &g] { return run_joint_branches(*a, g); };
     }});

}  // namespace
}  // namespace orgraph::cli

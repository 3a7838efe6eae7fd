// Writers for joint-branch results (queries/joint_branches.hpp): JSON with the keys of
// contracts.md section 4 (plus extras), a table for the terminal, and CSV for spreadsheets
// (UTF-8 with a byte-order mark so Excel detects the encoding; one row per proposed member).
#pragma once

#include <string>

#include "engine/graph.hpp"
#include "loaders/text_sink.hpp"
#include "queries/joint_branches.hpp"

namespace orgraph {

std::string joint_branches_json(const OrgGraph& graph, const JointBranchPlan& plan,
                                const JointBranchOptions& options);
std::string joint_branches_table(const OrgGraph& graph, const JointBranchPlan& plan,
                                 const JointBranchOptions& options);
std::string joint_branches_csv(const OrgGraph& graph, const JointBranchPlan& plan);
// The same, streamed to `sink` in order (a nation's plan lists millions of candidates).
void write_joint_branches_json(const OrgGraph& graph, const JointBranchPlan& plan,
                               const JointBranchOptions& options, const TextSink& sink);
void write_joint_branches_csv(const OrgGraph& graph, const JointBranchPlan& plan,
                              const TextSink& sink);

std::string org_grouping_json(const OrgGraph& graph, const OrgGrouping& answer,
                              const JointBranchOptions& options);
std::string org_grouping_table(const OrgGraph& graph, const OrgGrouping& answer);
std::string org_grouping_csv(const OrgGraph& graph, const OrgGrouping& answer);

// Group ids in output order: "J1", "J2", ...
std::string joint_group_id(std::size_t index);

}  // namespace orgraph

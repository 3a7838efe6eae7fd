// batch_report (loaders/batch_report.cpp), the data behind report.html, on the shipped example
// city: the before/after chart adds each proposed joint branch's orgs to its district's covered
// orgs (checked against a plain count by district id), and the network view is the same whether
// it counts the orgs per area itself or reuses the counts batch_exports made.
#include "loaders/batch_report.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace orgraph {
namespace {

const ReportChart* chart(const ReportData& d, const std::string& id) {
  for (const ReportChart& c : d.charts) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

class BatchReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    graph_ = load_city(std::string(ORGRAPH_TESTS_DIR) + "/../examples/changzhou");
    r_.data = "examples/changzhou";
    r_.coverage = coverage(graph_, {});
    CoverageOptions by_industry;
    by_industry.by = CoverageGroupBy::industry;
    r_.coverage_by_industry = coverage(graph_, by_industry);
    r_.clusters = uncovered_clusters(graph_, r_.cluster_options);
    r_.joint = joint_branches(graph_, r_.joint_options);
    keep_report_gaps(r_, audit_gaps(graph_, r_.gap_options));
    layout_ = compute_layout(graph_);
  }
  OrgGraph graph_;
  BatchResults r_;
  Layout layout_;
};

TEST_F(BatchReportTest, BeforeAfterAddsTheProposedBranchesOrgsToTheirDistrict) {
  std::map<std::string, std::uint64_t> joined;  // district id -> orgs in a proposed branch
  std::uint64_t joined_total = 0;
  for (const JointGroup& group : r_.joint.groups) {
    for (Id o : group.orgs) {
      const Id district = graph_.orgs[o].district;
      if (district == kNone) continue;
      ++joined[std::string(graph_.area_ids[district])];
      ++joined_total;
    }
  }
  ASSERT_GT(joined_total, 0u) << "the example city proposes no joint branch";
  const ReportData d = batch_report(graph_, layout_, r_, 12);
  const ReportChart* c = chart(d, "chart-before-after");
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(c->series.size(), 2u);
  const auto& now = c->series[0].second;
  const auto& after = c->series[1].second;
  ASSERT_EQ(c->labels.size(), r_.coverage.groups.size());
  ASSERT_EQ(now.size(), c->labels.size());
  ASSERT_EQ(after.size(), c->labels.size());
  std::uint64_t added = 0;
  for (std::size_t i = 0; i < r_.coverage.groups.size(); ++i) {
    const CoverageGroup& group = r_.coverage.groups[i];
    EXPECT_EQ(c->labels[i], group.name);
    EXPECT_DOUBLE_EQ(now[i], group.counts.org_rate()) << group.key;
    const auto it = joined.find(group.key);
    const std::uint64_t extra = it == joined.end() ? 0 : it->second;
    added += extra;
    EXPECT_DOUBLE_EQ(after[i], CoverageCounts::ratio(group.counts.covered + extra, group.counts.orgs))
        << group.key;
  }
  EXPECT_EQ(added, joined_total);  // every district of a joined org has its bar
}

TEST_F(BatchReportTest, NetworkViewIsTheSameWithTheExportsAreaCounts) {
  const ReportData counted_here = batch_report(graph_, layout_, r_, 12);
  ASSERT_TRUE(r_.area_counts.empty());
  batch_exports(graph_, layout_, r_, [](const ExportFiles&) {});
  ASSERT_EQ(r_.area_counts.size(), graph_.areas.size());
  const ReportData reused = batch_report(graph_, layout_, r_, 12);
  EXPECT_FALSE(reused.network_elements_json.empty());
  EXPECT_EQ(reused.network_elements_json, counted_here.network_elements_json);
}

}  // namespace
}  // namespace orgraph

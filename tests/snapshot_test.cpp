// Snapshots: a round trip gives the same graph (same bytes when written again); another
// version's snapshot, a truncated one and a damaged one are refused with a clear message.
#include <gtest/gtest.h>

#include <filesystem>

#include "engine/parallel.hpp"
#include "loaders/city_loader.hpp"
#include "loaders/generator.hpp"
#include "loaders/snapshot.hpp"
#include "queries/stats.hpp"
#include "support/test_support.hpp"

namespace orgraph {
namespace {

using testing::read_text;
using testing::write_text;

class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::temp_dir("snapshot");
    graph_ = load_city_from_csv_text(testing::tiny_city_files());
    path_ = dir_ + "/city.orgraph";
    write_snapshot(graph_, path_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_, path_;
  OrgGraph graph_;
};

TEST_F(SnapshotTest, RoundTripIsExact) {
  ASSERT_TRUE(is_snapshot_file(path_));
  const OrgGraph back = read_snapshot(path_);
  const auto a = graph_stats(graph_), b = graph_stats(back);
  EXPECT_EQ(a.orgs, b.orgs);
  EXPECT_EQ(a.affiliations, b.affiliations);
  EXPECT_EQ(a.covered_orgs, b.covered_orgs);
  // Lookups work without rebuilding the indexes.
  const Id o7 = back.find_org("O7");
  ASSERT_NE(o7, kNone);
  EXPECT_EQ(back.org_names[o7], "Willow Sports Federation");
  EXPECT_EQ(back.orgs[o7].full_members, 3u);
  EXPECT_EQ(back.find_person("P13"), graph_.find_person("P13"));
  EXPECT_EQ(back.find_industry("education"), graph_.find_industry("education"));
  // Writing the loaded graph again gives the same bytes.
  write_snapshot(back, dir_ + "/again.orgraph");
  EXPECT_EQ(read_text(path_), read_text(dir_ + "/again.orgraph"));
  // load_city recognises a snapshot wherever DATA is accepted.
  LoadReport report;
  const OrgGraph via_load = load_city(path_, {}, &report);
  EXPECT_EQ(report.format, "snapshot");
  EXPECT_EQ(via_load.orgs.size(), graph_.orgs.size());
}

TEST_F(SnapshotTest, OtherVersionIsRefused) {
  std::string bytes = read_text(path_);
  const std::string version = ORGRAPH_VERSION;
  const auto at = bytes.find(version);
  ASSERT_NE(at, std::string::npos);
  bytes[at] = bytes[at] == '9' ? '8' : '9';
  write_text(path_, bytes);
  try {
    read_snapshot(path_);
    FAIL() << "accepted";
  } catch (const SnapshotError& e) {
    EXPECT_NE(std::string(e.what()).find("rebuild it with `orgraph build`"), std::string::npos)
        << e.what();
  }
}

TEST_F(SnapshotTest, TruncatedAndDamagedAreRefused) {
  const std::string bytes = read_text(path_);
  for (std::size_t cut : {std::size_t{5}, std::size_t{40}, bytes.size() / 2, bytes.size() - 1}) {
    write_text(path_, bytes.substr(0, cut));
    EXPECT_THROW(read_snapshot(path_), SnapshotError) << "cut at " << cut;
  }
  for (std::size_t pos : {std::size_t{100}, bytes.size() / 2, bytes.size() - 20}) {
    std::string damaged = bytes;
    damaged[pos] = static_cast<char>(damaged[pos] ^ 0x5A);
    write_text(path_, damaged);
    try {
      read_snapshot(path_);
      ADD_FAILURE() << "damage at " << pos << " accepted";
    } catch (const SnapshotError& e) {
      EXPECT_NE(std::string(e.what()).find("damaged"), std::string::npos) << e.what();
    }
  }
}

// A city of 8,700 orgs and 95,000 people: arrays of many 1 MiB blocks, read in several 8 MiB
// pieces, whose blocks are hashed as they are read. Damage anywhere (any block, any of the four
// lanes, the last bytes of an array) is refused at 1 and 2 threads; the graph read back is the
// same at both.
TEST(SnapshotLarge, DamageInAnyBlockIsRefusedAtAnyThreadCount) {
  const std::string dir = testing::temp_dir("snapshot-large");
  GeneratorOptions options;
  options.preset = "changzhou";
  options.out = dir + "/city";
  generate_city(options);
  const std::string path = dir + "/city.orgraph";
  write_snapshot(load_city(options.out), path);
  const std::string bytes = read_text(path);
  ASSERT_GT(bytes.size(), std::size_t{8} << 20);
  std::string first_read;
  for (int threads : {1, 2}) {
    par::set_threads(threads);
    write_snapshot(read_snapshot(path), dir + "/again.orgraph");
    EXPECT_TRUE(read_text(dir + "/again.orgraph") == bytes) << threads << " threads";
  }
  // 61 places spread over the file, each a different offset modulo 32 (the lanes' stride).
  for (std::size_t k = 1; k <= 61; ++k) {
    const std::size_t pos = bytes.size() / 62 * k + k % 32;
    std::string damaged = bytes;
    damaged[pos] = static_cast<char>(damaged[pos] ^ 0x01);
    write_text(path, damaged);
    for (int threads : {1, 2}) {
      par::set_threads(threads);
      EXPECT_THROW(read_snapshot(path), SnapshotError) << "damage at " << pos;
    }
  }
  par::set_threads(0);
  std::filesystem::remove_all(dir);
}

TEST_F(SnapshotTest, CommandLineRefusesWithExitCode5) {
  write_text(path_, read_text(path_).substr(0, 200));
  const auto r = testing::run_orgraph({"stats", path_});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("snapshot is damaged"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace orgraph

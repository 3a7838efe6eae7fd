// Snapshots: a round trip gives the same graph (same bytes when written again); another
// version's or format's snapshot, a truncated one and a damaged one are refused with a clear
// message; the reader's checksums equal the writer's and see every byte.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <random>
#include <vector>

#include "engine/parallel.hpp"
#include "loaders/city_loader.hpp"
#include "loaders/generator.hpp"
#include "loaders/snapshot.hpp"
#include "queries/stats.hpp"
#include "support/test_support.hpp"
#include "thread_count_test.hpp"

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

// A generated city (8,700 orgs, 95,000 people; arrays of up to two 1 MiB blocks): the graph
// read back at 1 and at 2 threads writes the same bytes again, and damage at 61 places spread
// over the file is refused at both. (Pieces after an array's first and every lane and tail of a
// block: SnapshotChecksum below.)
class SnapshotLarge : public ::testing::Test {
 protected:
  void TearDown() override {
    par::set_threads(0);
    std::filesystem::remove_all(dir_);
  }
  std::string dir_ = testing::temp_dir("snapshot-large");
};

TEST_F(SnapshotLarge, DamageAnywhereIsRefusedAtAnyThreadCount) {
  GeneratorOptions options;
  options.preset = "changzhou";
  options.out = dir_ + "/city";
  generate_city(options);
  const std::string path = dir_ + "/city.orgraph";
  write_snapshot(load_city(options.out), path);
  const std::string bytes = read_text(path);
  for (int threads : {1, 2}) {
    par::set_threads(threads);
    write_snapshot(read_snapshot(path), dir_ + "/again.orgraph");
    EXPECT_TRUE(read_text(dir_ + "/again.orgraph") == bytes) << threads << " threads";
  }
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
}

// The arrays' checksums: the reader's (each block hashed as its piece is read) equals the
// writer's for arrays of every shape (empty, under one 32-byte stride, not a multiple of 8, one
// block and a byte more or less, several 8 MiB pieces), at 1, 2 and 8 threads; and one changed
// bit in any lane, in a block's last bytes, in a later block or a later piece changes it.
class SnapshotChecksum : public ThreadCountTest {};

TEST_P(SnapshotChecksum, ReaderEqualsWriterAndSeesEveryByte) {
  constexpr std::size_t kBlock = std::size_t{1} << 20;
  const std::vector<std::size_t> sizes = {0,          1,          7,          31,
                                          32,         33,         kBlock - 1, kBlock,
                                          kBlock + 1, kReadPiece + kBlock + 7, 2 * kReadPiece + 3};
  std::string content(2 * kReadPiece + 4 * kBlock, '\0');
  std::mt19937_64 rng(11);
  for (char& c : content) c = static_cast<char>(rng());
  const std::string dir = testing::temp_dir("snapshot-checksum");
  write_text(dir + "/bytes", content);
  const int fd = ::open((dir + "/bytes").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  std::vector<std::string> into;
  std::vector<ReadRange> ranges;
  for (std::size_t i = 0; i < sizes.size(); ++i) into.emplace_back(sizes[i], '\0');
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    ranges.push_back({into[i].data(), sizes[i], 1 + 977 * i});  // unaligned offsets
  }
  std::vector<std::uint64_t> read;
  const ParallelReadResult r = snapshot_checksum::read_and_sum(fd, ranges, read);
  ::close(fd);
  std::filesystem::remove_all(dir);
  ASSERT_EQ(r.error, 0);
  ASSERT_FALSE(r.short_read);
  ASSERT_EQ(read.size(), sizes.size());
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const char* bytes = content.data() + ranges[i].offset;
    const std::uint64_t written = snapshot_checksum::of_bytes(bytes, sizes[i]);
    EXPECT_EQ(read[i], written) << sizes[i] << " bytes";
    // Each lane of the first stride, the last byte, a later block's and a later piece's.
    std::vector<std::size_t> places = {0, 8 + 3, 16 + 5, 24 + 7, sizes[i] - 1,
                                       kBlock + 2, kReadPiece + kBlock / 2};
    for (std::size_t at : places) {
      if (at >= sizes[i]) continue;
      std::string changed(bytes, sizes[i]);
      changed[at] = static_cast<char>(changed[at] ^ 0x10);
      EXPECT_NE(snapshot_checksum::of_bytes(changed.data(), sizes[i]), written)
          << sizes[i] << " bytes, changed at " << at;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, SnapshotChecksum, ::testing::Values(1, 2, 8));

TEST_F(SnapshotTest, OtherFormatIsRefused) {
  std::string bytes = read_text(path_);
  const std::uint32_t older = kSnapshotFormat - 1;  // the format, after the 8 magic bytes
  std::memcpy(bytes.data() + 8, &older, 4);
  write_text(path_, bytes);
  try {
    read_snapshot(path_);
    FAIL() << "accepted";
  } catch (const SnapshotError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("(format " + std::to_string(older) + ")"), std::string::npos) << what;
    EXPECT_NE(what.find("rebuild it with `orgraph build`"), std::string::npos) << what;
  }
}

TEST_F(SnapshotTest, CommandLineRefusesWithExitCode5) {
  write_text(path_, read_text(path_).substr(0, 200));
  const auto r = testing::run_orgraph({"stats", path_});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("snapshot is damaged"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace orgraph

// read_ranges (loaders/parallel_read.cpp): many ranges of one file read in parallel pieces equal
// the file's bytes at 1, 2 and 8 threads; each piece is reported once, after its bytes are in
// place; a range past the end is reported as a short read, a bad descriptor as an error.
#include "loaders/parallel_read.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "thread_count_test.hpp"

namespace orgraph {
namespace {

class ReadRangesTest : public ThreadCountTest {
 protected:
  void SetUp() override {
    ThreadCountTest::SetUp();
    path_ = (std::filesystem::temp_directory_path() /
             ("orgraph-read-ranges-" + std::to_string(::getpid()) + ".bin"))
                .string();
    std::mt19937_64 rng(5);
    content_.resize((std::size_t{20} << 20) + 12345);
    for (char& c : content_) c = static_cast<char>(rng());
    std::ofstream(path_, std::ios::binary).write(content_.data(), static_cast<std::streamsize>(content_.size()));
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd_, 0);
  }
  void TearDown() override {
    ::close(fd_);
    std::filesystem::remove(path_);
    ThreadCountTest::TearDown();
  }
  std::string path_, content_;
  int fd_ = -1;
};

TEST_P(ReadRangesTest, RangesEqualTheFile) {
  // Pieces of 8 MiB: a range within one piece, one across several, an empty one, the tail.
  const std::vector<std::pair<std::size_t, std::size_t>> spans = {
      {0, 100}, {7, (std::size_t{17} << 20) + 3}, {500, 0}, {content_.size() - 999, 999}};
  std::vector<std::string> into;
  std::vector<ReadRange> ranges;
  for (const auto& [offset, bytes] : spans) into.emplace_back(bytes, '\0');
  for (std::size_t i = 0; i < spans.size(); ++i) {
    ranges.push_back({into[i].data(), spans[i].second, spans[i].first});
  }
  const ParallelReadResult r = read_ranges(fd_, ranges);
  EXPECT_EQ(r.error, 0);
  EXPECT_FALSE(r.short_read);
  for (std::size_t i = 0; i < spans.size(); ++i) {
    EXPECT_TRUE(into[i] == content_.substr(spans[i].first, spans[i].second)) << "range " << i;
  }
}

TEST_P(ReadRangesTest, EveryPieceIsReportedOnceWhenRead) {
  // Two ranges of 2 and 3 pieces (the last one short) and an empty one.
  const std::vector<std::size_t> sizes = {kReadPiece + 10, 2 * kReadPiece + 1, 0};
  std::vector<std::string> into;
  std::vector<ReadRange> ranges;
  for (std::size_t bytes : sizes) into.emplace_back(bytes, '\0');
  for (std::size_t i = 0; i < sizes.size(); ++i) ranges.push_back({into[i].data(), sizes[i], i});
  std::mutex m;
  std::vector<std::tuple<std::size_t, std::size_t, std::size_t>> seen;
  const ParallelReadResult r =
      read_ranges(fd_, ranges, [&](std::size_t range, std::size_t at, std::size_t bytes) {
        // The piece's bytes are in place when it is reported.
        const bool right = std::string_view(ranges[range].into + at, bytes) ==
                           std::string_view(content_).substr(ranges[range].offset + at, bytes);
        std::lock_guard lock(m);
        EXPECT_TRUE(right) << range << " " << at;
        seen.emplace_back(range, at, bytes);
      });
  EXPECT_EQ(r.error, 0);
  EXPECT_FALSE(r.short_read);
  std::sort(seen.begin(), seen.end());
  const std::vector<std::tuple<std::size_t, std::size_t, std::size_t>> expected = {
      {0, 0, kReadPiece},
      {0, kReadPiece, 10},
      {1, 0, kReadPiece},
      {1, kReadPiece, kReadPiece},
      {1, 2 * kReadPiece, 1}};
  EXPECT_EQ(seen, expected);
}

TEST_P(ReadRangesTest, PastTheEndIsAShortRead) {
  std::string into(2000, '\0');
  const ReadRange range{into.data(), into.size(), content_.size() - 1000};
  const ParallelReadResult r = read_ranges(fd_, std::span(&range, 1));
  EXPECT_EQ(r.error, 0);
  EXPECT_TRUE(r.short_read);
}

TEST_P(ReadRangesTest, BadDescriptorIsAnError) {
  std::string into(10, '\0');
  const ReadRange range{into.data(), into.size(), 0};
  const ParallelReadResult r = read_ranges(-1, std::span(&range, 1));
  EXPECT_EQ(r.error, EBADF);
}

INSTANTIATE_TEST_SUITE_P(Threads, ReadRangesTest, ::testing::Values(1, 2, 8));

}  // namespace
}  // namespace orgraph

#include "loaders/parallel_read.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <utility>
#include <vector>

#include "engine/parallel.hpp"

namespace orgraph {

ParallelReadResult read_ranges(int fd, std::span<const ReadRange> ranges, const PieceDone& done) {
  std::vector<std::pair<std::size_t, std::size_t>> pieces;  // (range, first byte of the piece)
  for (std::size_t r = 0; r < ranges.size(); ++r) {
    for (std::size_t at = 0; at < ranges[r].bytes; at += kReadPiece) pieces.emplace_back(r, at);
  }
  std::atomic<int> error{0};
  std::atomic<bool> short_read{false};
  par::for_each_index(0, pieces.size(), 1, [&](std::size_t k) {
    const ReadRange& range = ranges[pieces[k].first];
    const std::size_t first = pieces[k].second;
    const std::size_t end = std::min(range.bytes, first + kReadPiece);
    std::size_t at = first;
    while (at < end) {
      const ssize_t n =
          ::pread(fd, range.into + at, end - at, static_cast<off_t>(range.offset + at));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int expected = 0;
        error.compare_exchange_strong(expected, errno);
        return;
      }
      if (n == 0) {
        short_read = true;
        return;
      }
      at += static_cast<std::size_t>(n);
    }
    if (done) done(pieces[k].first, first, end - first);
  });
  return {error.load(), short_read.load()};
}

}  // namespace orgraph

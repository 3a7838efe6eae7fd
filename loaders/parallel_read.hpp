// Reading parts of one file into memory in parallel: pread in 8 MiB pieces shared out among the
// workers, so that the destination's pages are first written by them (on our VMs a fresh page
// costs ~2.5 s per GB to back, on whichever thread writes it first). Used by the CSV reader
// (read_text_file) and the snapshot reader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

namespace orgraph {

struct ReadRange {
  char* into;            // at least `bytes` writable bytes
  std::size_t bytes;
  std::uint64_t offset;  // in the file
};

struct ParallelReadResult {
  int error = 0;           // errno of the first failed pread, 0 if none failed
  bool short_read = false; // the file ended before some range did
};

// A range is read in pieces of this size, the first at its start, the last holding what is left.
inline constexpr std::size_t kReadPiece = std::size_t{8} << 20;

// Called on the worker that read a piece, right after reading it (some of its bytes are still
// in a cache): range index, the piece's first byte within the range, its size.
using PieceDone = std::function<void(std::size_t range, std::size_t at, std::size_t bytes)>;

// Reads every range from `fd` (retrying on EINTR), calling `done` (when given) for each piece
// read whole. The ranges' bytes are unspecified when the result reports an error or a short read.
ParallelReadResult read_ranges(int fd, std::span<const ReadRange> ranges,
                               const PieceDone& done = {});

}  // namespace orgraph

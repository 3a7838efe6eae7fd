// Binary snapshots of a built graph (`orgraph build DATA --out city.orgraph`). A snapshot is the
// graph's arrays written one after another, with a header naming the format and orgraph version
// and a checksum at the end; loading is a few large reads, no parsing, no interning. A snapshot
// from another version, or a damaged or truncated one, is refused with SnapshotError.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/graph.hpp"
#include "loaders/parallel_read.hpp"

namespace orgraph {

// 2: per-array checksums, so that a snapshot is read and checked in parallel.
// 3: each 1 MiB block hashed in four lanes, and while it is read.
inline constexpr std::uint32_t kSnapshotFormat = 3;

class SnapshotError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// True when the file starts with the snapshot magic bytes.
bool is_snapshot_file(const std::string& path);
// Writes atomically (temporary file, then rename). Throws IoError.
void write_snapshot(const OrgGraph& graph, const std::string& path);
// Throws SnapshotError (wrong version, damaged) or IoError (unreadable).
OrgGraph read_snapshot(const std::string& path);

// The checksum of each array (public for the tests): each 1 MiB block hashed on its own, the
// blocks' hashes chained in order; the same at any thread count.
namespace snapshot_checksum {
// Of bytes in memory, as the writer takes it.
std::uint64_t of_bytes(const void* data, std::size_t bytes);
// As the reader takes it: reads the ranges (read_ranges) and sets checksums[i] to range i's,
// each block hashed as soon as it is read. The checksums mean nothing when the result reports
// an error or a short read.
ParallelReadResult read_and_sum(int fd, std::span<const ReadRange> ranges,
                                std::vector<std::uint64_t>& checksums);
}  // namespace snapshot_checksum

}  // namespace orgraph

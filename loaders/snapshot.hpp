// Binary snapshots of a built graph (`orgraph build DATA --out city.orgraph`). A snapshot is the
// graph's arrays written one after another, with a header naming the format and orgraph version
// and a checksum at the end; loading is a few large reads, no parsing, no interning. A snapshot
// from another version, or a damaged or truncated one, is refused with SnapshotError.
#pragma once

#include <stdexcept>
#include <string>

#include "engine/graph.hpp"

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

}  // namespace orgraph

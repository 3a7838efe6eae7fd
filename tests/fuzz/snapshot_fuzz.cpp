// libFuzzer: the snapshot reader must refuse damaged bytes (SnapshotError), never crash or
// allocate without bound.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "engine/diagnostics.hpp"
#include "loaders/snapshot.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/orgraph-snapshot-fuzz-" + std::to_string(::getpid());
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  try {
    orgraph::read_snapshot(path);
  } catch (const orgraph::SnapshotError&) {
  } catch (const orgraph::IoError&) {
  }
  return 0;
}

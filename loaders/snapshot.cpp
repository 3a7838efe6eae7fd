#include "loaders/snapshot.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "engine/diagnostics.hpp"
#include "engine/fresh_vector.hpp"
#include "engine/parallel.hpp"
#include "loaders/parallel_read.hpp"

namespace orgraph {
namespace {

constexpr char kMagic[8] = {'O', 'R', 'G', 'R', 'S', 'N', 'A', 'P'};
constexpr char kEndMagic[8] = {'O', 'R', 'G', 'R', 'E', 'N', 'D', '\0'};

// Every array of the graph, in snapshot order. The same list drives writing and reading.
template <class Graph, class F>
void visit_arrays(Graph& g, F&& f) {
  f(g.areas);
  f(g.units);
  f(g.orgs);
  f(g.people);
  f(g.branches);
  for (auto* c : {&g.area_ids, &g.area_names, &g.unit_ids, &g.unit_names, &g.org_ids,
                  &g.org_names, &g.person_ids, &g.person_names, &g.branch_ids, &g.branch_names,
                  &g.industry_names}) {
    f(c->chars());
    f(c->offsets());
  }
  auto csr = [&](auto& c) {
    f(c.offsets);
    f(c.targets);
  };
  csr(g.area_children);
  csr(g.area_orgs);
  csr(g.area_units);
  csr(g.org_people);
  f(g.org_people.payload);
  csr(g.person_orgs);
  f(g.person_orgs.payload);
  csr(g.branch_orgs);
  csr(g.org_branches);
  csr(g.branch_people);
  csr(g.person_branches);
  csr(g.unit_sub_units);
  csr(g.unit_superiors);
  csr(g.unit_sub_branches);
  csr(g.branch_superiors);
  csr(g.org_instructor_units);
  csr(g.unit_instructed_orgs);
  csr(g.unit_competent_orgs);
  f(g.instructor_unit);
  f(g.instructor_org);
  f(g.instructor_person);
  for (auto* i : {&g.area_index, &g.unit_index, &g.org_index, &g.person_index, &g.branch_index,
                  &g.industry_index}) {
    f(i->slots());
  }
}

// FNV-style 64-bit mixing over 8-byte words: detects damage, not tampering.
constexpr std::uint64_t kBasis = 0xcbf29ce484222325ull;
inline std::uint64_t mix(std::uint64_t h, std::uint64_t w) {
  h = (h ^ w) * 0x100000001b3ull;
  return h ^ (h >> 31);
}

struct Checksum {
  std::uint64_t h = kBasis;
  void add(const void* data, std::size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    while (n >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      h = mix(h, w);
      p += 8;
      n -= 8;
    }
    while (n > 0) {
      h = (h ^ *p++) * 0x100000001b3ull;
      --n;
    }
  }
};

// An array's bytes are hashed in blocks of 1 MiB: each block on its own (in parallel), the
// blocks' hashes then chained in order, so the checksum does not depend on the thread count.
constexpr std::size_t kBlock = std::size_t{1} << 20;
static_assert(kReadPiece % kBlock == 0, "a piece read holds whole blocks");

// One block's hash (format 3): four lanes, word i going to lane i % 4, so that four multiplies
// are in flight at once, then the lanes and the last 0-31 bytes chained. (Format 2 chained every
// word through one lane: 4.5 GB/s, half of a nation snapshot's load at 1 thread.)
std::uint64_t block_hash(const char* p, std::size_t n) {
  std::uint64_t lane[4] = {kBasis, kBasis + 1, kBasis + 2, kBasis + 3};
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    for (int k = 0; k < 4; ++k) {
      std::uint64_t w;
      std::memcpy(&w, p + i + 8 * k, 8);
      lane[k] = mix(lane[k], w);
    }
  }
  Checksum c;
  c.add(lane, sizeof lane);
  c.add(p + i, n - i);
  return c.h;
}

// Hashes the blocks of [at, at + bytes) of an array into hashes[at / kBlock, ...); `at` is a
// block boundary.
void hash_blocks(const char* array, std::size_t at, std::size_t bytes, std::uint64_t* hashes) {
  for (std::size_t b = at; b < at + bytes; b += kBlock) {
    hashes[b / kBlock] = block_hash(array + b, std::min(kBlock, at + bytes - b));
  }
}

std::uint64_t chain_blocks(const std::vector<std::uint64_t>& hashes) {
  Checksum all;
  all.add(hashes.data(), hashes.size() * sizeof(std::uint64_t));
  return all.h;
}

struct File {
  std::FILE* f = nullptr;
  ~File() {
    if (f != nullptr) std::fclose(f);
  }
};

}  // namespace

namespace snapshot_checksum {

std::uint64_t of_bytes(const void* data, std::size_t bytes) {
  const auto* p = static_cast<const char*>(data);
  std::vector<std::uint64_t> hashes(par::block_count(bytes, kBlock));
  par::for_each_index(0, hashes.size(), 1, [&](std::size_t b) {
    hash_blocks(p, b * kBlock, std::min(kBlock, bytes - b * kBlock), hashes.data());
  });
  return chain_blocks(hashes);
}

// Each piece's blocks are hashed by the worker that read it, right after reading it (the
// piece's last blocks at least are still in a cache).
ParallelReadResult read_and_sum(int fd, std::span<const ReadRange> ranges,
                                std::vector<std::uint64_t>& checksums) {
  std::vector<std::vector<std::uint64_t>> hashes(ranges.size());
  for (std::size_t a = 0; a < ranges.size(); ++a) {
    hashes[a].resize(par::block_count(ranges[a].bytes, kBlock));
  }
  const ParallelReadResult read =
      read_ranges(fd, ranges, [&](std::size_t a, std::size_t at, std::size_t bytes) {
        hash_blocks(ranges[a].into, at, bytes, hashes[a].data());
      });
  checksums.resize(ranges.size());
  for (std::size_t a = 0; a < ranges.size(); ++a) checksums[a] = chain_blocks(hashes[a]);
  return read;
}

}  // namespace snapshot_checksum

bool is_snapshot_file(const std::string& path) {
  File file;
  file.f = std::fopen(path.c_str(), "rb");
  if (file.f == nullptr) return false;
  char magic[8];
  return std::fread(magic, 1, 8, file.f) == 8 && std::memcmp(magic, kMagic, 8) == 0;
}

void write_snapshot(const OrgGraph& graph, const std::string& path) {
  // A device or a pipe (/dev/null, a FIFO) is written in place: renaming a finished file onto
  // it would replace the device itself.
  struct stat st {};
  const bool in_place = ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
  const std::string temp = in_place ? path : path + ".tmp." + std::to_string(::getpid());
  File file;
  file.f = std::fopen(temp.c_str(), "wb");
  if (file.f == nullptr) throw IoError(path + ": cannot write: " + std::strerror(errno));
  std::setvbuf(file.f, nullptr, _IOFBF, 1 << 20);
  bool ok = true;
  Checksum sum;
  auto put = [&](const void* data, std::size_t n, bool checked = true) {
    if (checked) sum.add(data, n);
    ok = ok && (n == 0 || std::fwrite(data, 1, n, file.f) == n);
  };
  put(kMagic, 8);
  const std::uint32_t format = kSnapshotFormat;
  put(&format, 4);
  const std::string version = ORGRAPH_VERSION;
  const auto vlen = static_cast<std::uint32_t>(version.size());
  put(&vlen, 4);
  put(version.data(), version.size());
  visit_arrays(graph, [&](const auto& v) {
    const std::uint64_t n = v.size();
    put(&n, 8);
    const std::uint64_t hash = snapshot_checksum::of_bytes(v.data(), n * sizeof(v[0]));
    sum.add(&hash, 8);
    put(v.data(), n * sizeof(v[0]), false);
  });
  const std::uint64_t mask_values[] = {graph.area_index.mask(), graph.unit_index.mask(),
                                       graph.org_index.mask(),  graph.person_index.mask(),
                                       graph.branch_index.mask(), graph.industry_index.mask()};
  put(mask_values, sizeof mask_values);
  put(&sum.h, 8, false);
  put(kEndMagic, 8, false);
  ok = ok && std::fflush(file.f) == 0 && (in_place || ::fsync(fileno(file.f)) == 0);
  ok = std::fclose(file.f) == 0 && ok;
  file.f = nullptr;
  if (in_place) {
    if (!ok) throw IoError(path + ": cannot write: " + std::strerror(errno));
    return;
  }
  if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    throw IoError(path + ": cannot write: " + std::strerror(errno));
  }
}

OrgGraph read_snapshot(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw IoError(path + ": cannot open: " + std::strerror(errno));
  const auto file_size = static_cast<std::uint64_t>(st.st_size);
  File file;
  file.f = std::fopen(path.c_str(), "rb");
  if (file.f == nullptr) throw IoError(path + ": cannot open: " + std::strerror(errno));
  std::setvbuf(file.f, nullptr, _IOFBF, 1 << 12);  // small reads only: the arrays are pread
  Checksum sum;
  std::uint64_t offset = 0;
  auto damaged = [&](const std::string& why) {
    return SnapshotError(path + ": snapshot is damaged (" + why + " at byte " +
                         std::to_string(offset) +
                         "); rebuild it with `orgraph build DATA --out " + path + "`");
  };
  auto get = [&](void* data, std::size_t n, bool checked = true) {
    if (n > file_size - std::min(offset, file_size)) throw damaged("truncated");
    if (n > 0 && std::fread(data, 1, n, file.f) != n) throw damaged("read failed");
    if (checked) sum.add(data, n);
    offset += n;
  };
  char magic[8];
  get(magic, 8);
  if (std::memcmp(magic, kMagic, 8) != 0) {
    throw SnapshotError(path + ": not an orgraph snapshot (wrong magic bytes)");
  }
  std::uint32_t format = 0, vlen = 0;
  get(&format, 4);
  get(&vlen, 4);
  if (vlen > 64) throw damaged("bad version length");
  std::string version(vlen, '\0');
  get(version.data(), vlen);
  if (format != kSnapshotFormat || version != ORGRAPH_VERSION) {
    // The header is not covered by a checksum of its own: a damaged byte here reads as another
    // version, so the message names both (the remedy is the same).
    throw SnapshotError(path + ": snapshot written by orgraph " + quote_found(version) +
                        " (format " + std::to_string(format) +
                        "), or its header is damaged; this is orgraph " + ORGRAPH_VERSION +
                        " (format " + std::to_string(kSnapshotFormat) +
                        "): rebuild it with `orgraph build`");
  }
  // Array sizes first (each stands before its bytes), then all the bytes in parallel 8 MiB
  // pieces: the pages of the arrays are first written by the workers.
  std::vector<ReadRange> ranges;      // one per array, in snapshot order
  std::vector<std::uint64_t> counts;  // elements of each array
  OrgGraph g;
  visit_arrays(g, [&](auto& v) {
    std::uint64_t n = 0;
    get(&n, 8, false);  // checksummed below, in the writer's order
    using T = typename std::remove_reference_t<decltype(v)>::value_type;
    if (n > (file_size - offset) / sizeof(T)) throw damaged("array larger than the file");
    resize_touched(v, n);  // pages first written by the workers, whatever the element type
    ranges.push_back({reinterpret_cast<char*>(v.data()), n * sizeof(T), offset});
    counts.push_back(n);
    offset += n * sizeof(T);
    if (std::fseek(file.f, static_cast<long>(offset), SEEK_SET) != 0) throw damaged("seek failed");
  });
  std::vector<std::uint64_t> hashes;
  const ParallelReadResult read = snapshot_checksum::read_and_sum(fileno(file.f), ranges, hashes);
  if (read.error != 0) throw damaged(std::string("read failed: ") + std::strerror(read.error));
  if (read.short_read) throw damaged("read failed: the file ended early");
  for (std::size_t a = 0; a < ranges.size(); ++a) {  // as the writer summed them: size, hash
    sum.add(&counts[a], 8);
    sum.add(&hashes[a], 8);
  }
  std::uint64_t masks[6];
  get(masks, sizeof masks);
  Interner* indexes[] = {&g.area_index,   &g.unit_index,   &g.org_index,
                         &g.person_index, &g.branch_index, &g.industry_index};
  for (int i = 0; i < 6; ++i) {
    if (masks[i] + 1 != indexes[i]->slots().size() && !indexes[i]->slots().empty()) {
      throw damaged("bad index table");
    }
    indexes[i]->mask() = masks[i];
  }
  const std::uint64_t computed = sum.h;
  std::uint64_t stored = 0;
  get(&stored, 8, false);
  char end[8];
  get(end, 8, false);
  if (stored != computed || std::memcmp(end, kEndMagic, 8) != 0) throw damaged("checksum mismatch");
  if (offset != file_size) throw damaged("trailing bytes");
  return g;
}

}  // namespace orgraph

// Compressed sparse rows: the adjacency of every relation in the graph. 32-bit offsets and
// targets (the builder refuses relations past 4 billion entries).
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

#include "engine/fresh_vector.hpp"
#include "engine/parallel.hpp"
#include "engine/types.hpp"

namespace orgraph {

template <class Payload = void>
struct CsrPayloadStorage {
  FreshVector<Payload> payload;
};
template <>
struct CsrPayloadStorage<void> {};

// Rows 0..rows()-1, each a sorted span of target ids (and an aligned payload when Payload is
// not void, e.g. an affiliation's role).
template <class Payload = void>
class Csr : public CsrPayloadStorage<Payload> {
 public:
  std::size_t rows() const { return offsets.empty() ? 0 : offsets.size() - 1; }
  std::size_t entries() const { return targets.size(); }
  std::span<const Id> operator[](Id row) const {
    return {targets.data() + offsets[row], targets.data() + offsets[row + 1]};
  }
  std::uint32_t degree(Id row) const { return offsets[row + 1] - offsets[row]; }
  std::uint32_t begin_of(Id row) const { return offsets[row]; }
  std::uint32_t end_of(Id row) const { return offsets[row + 1]; }

  // FreshVector: resize() leaves new entries unwritten, so the loops that fill them (and the
  // snapshot reader's parallel reads) are the first to write each page.
  FreshVector<std::uint32_t> offsets;
  FreshVector<Id> targets;
};

// Edge list (source, target[, payload]) -> CSR with `rows` rows, targets sorted within a row
// (then by payload), exact duplicates removed. Counting sort: two passes, no hashing.
template <class Payload>
Csr<Payload> make_csr(std::size_t rows, std::span<const Id> sources, std::span<const Id> targets,
                      std::span<const Payload> payload);
Csr<void> make_csr(std::size_t rows, std::span<const Id> sources, std::span<const Id> targets);

// The transpose: rows become targets. Row order of the result is sorted, payload kept.
template <class Payload>
Csr<Payload> transpose(const Csr<Payload>& csr, std::size_t target_rows);
Csr<void> transpose(const Csr<void>& csr, std::size_t target_rows);

}  // namespace orgraph

#include "engine/csr_impl.hpp"

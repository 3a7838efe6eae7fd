// Implementation of engine/csr.hpp templates.
#pragma once

#include <algorithm>
#include <numeric>

namespace orgraph {
namespace detail {

inline FreshVector<std::uint32_t> count_offsets(std::size_t rows, std::span<const Id> sources) {
  if (sources.size() >= std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("relation has more than 4 billion rows; orgraph uses 32-bit CSR");
  }
  FreshVector<std::uint32_t> offsets(rows + 1, 0);
  for (Id s : sources) ++offsets[s + 1];
  for (std::size_t i = 1; i <= rows; ++i) offsets[i] += offsets[i - 1];
  return offsets;
}

}  // namespace detail

template <class Payload>
Csr<Payload> make_csr(std::size_t rows, std::span<const Id> sources, std::span<const Id> targets,
                      std::span<const Payload> payload) {
  Csr<Payload> csr;
  csr.offsets = detail::count_offsets(rows, sources);
  std::vector<std::pair<Id, Payload>> cells(sources.size());
  {
    std::vector<std::uint32_t> cursor(csr.offsets.begin(), csr.offsets.end() - 1);
    for (std::size_t i = 0; i < sources.size(); ++i) {
      cells[cursor[sources[i]]++] = {targets[i], payload[i]};
    }
  }
  // Sort each row and drop exact duplicates, compacting in place.
  FreshVector<std::uint32_t> kept(rows + 1, 0);
  par::for_each_index(0, rows, 4096, [&](std::size_t r) {
    auto first = cells.begin() + csr.offsets[r];
    auto last = cells.begin() + csr.offsets[r + 1];
    std::sort(first, last);
    kept[r + 1] = static_cast<std::uint32_t>(std::unique(first, last) - first);
  });
  for (std::size_t r = 0; r < rows; ++r) kept[r + 1] += kept[r];
  csr.targets.resize(kept[rows]);
  csr.payload.resize(kept[rows]);
  par::for_each_index(0, rows, 4096, [&](std::size_t r) {
    const std::uint32_t n = kept[r + 1] - kept[r];
    for (std::uint32_t k = 0; k < n; ++k) {
      csr.targets[kept[r] + k] = cells[csr.offsets[r] + k].first;
      csr.payload[kept[r] + k] = cells[csr.offsets[r] + k].second;
    }
  });
  csr.offsets = std::move(kept);
  return csr;
}

inline Csr<void> make_csr(std::size_t rows, std::span<const Id> sources,
                          std::span<const Id> targets) {
  Csr<void> csr;
  csr.offsets = detail::count_offsets(rows, sources);
  std::vector<Id> cells(sources.size());
  {
    std::vector<std::uint32_t> cursor(csr.offsets.begin(), csr.offsets.end() - 1);
    for (std::size_t i = 0; i < sources.size(); ++i) cells[cursor[sources[i]]++] = targets[i];
  }
  FreshVector<std::uint32_t> kept(rows + 1, 0);
  par::for_each_index(0, rows, 4096, [&](std::size_t r) {
    auto first = cells.begin() + csr.offsets[r];
    auto last = cells.begin() + csr.offsets[r + 1];
    std::sort(first, last);
    kept[r + 1] = static_cast<std::uint32_t>(std::unique(first, last) - first);
  });
  for (std::size_t r = 0; r < rows; ++r) kept[r + 1] += kept[r];
  csr.targets.resize(kept[rows]);
  par::for_each_index(0, rows, 4096, [&](std::size_t r) {
    std::copy_n(cells.begin() + csr.offsets[r], kept[r + 1] - kept[r],
                csr.targets.begin() + kept[r]);
  });
  csr.offsets = std::move(kept);
  return csr;
}

template <class Payload>
Csr<Payload> transpose(const Csr<Payload>& csr, std::size_t target_rows) {
  std::vector<Id> sources(csr.entries());
  for (std::size_t r = 0; r < csr.rows(); ++r) {
    for (std::uint32_t k = csr.offsets[r]; k < csr.offsets[r + 1]; ++k) sources[k] = static_cast<Id>(r);
  }
  return make_csr<Payload>(target_rows, csr.targets, sources, csr.payload);
}

inline Csr<void> transpose(const Csr<void>& csr, std::size_t target_rows) {
  std::vector<Id> sources(csr.entries());
  for (std::size_t r = 0; r < csr.rows(); ++r) {
    for (std::uint32_t k = csr.offsets[r]; k < csr.offsets[r + 1]; ++k) sources[k] = static_cast<Id>(r);
  }
  return make_csr(target_rows, csr.targets, sources);
}

}  // namespace orgraph

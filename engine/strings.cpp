#include "engine/strings.hpp"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>

#include "engine/parallel.hpp"

namespace orgraph {

std::uint64_t hash_string(std::string_view s) {
  // A small multiply-xorshift hash over 8-byte words; ids are short, so this is a few cycles.
  constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ull;
  std::uint64_t h = 0x243F6A8885A308D3ull ^ (s.size() * kMul);
  const char* p = s.data();
  std::size_t n = s.size();
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    std::uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  }
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 32;
  return h;
}

std::string content_checksum(std::string_view bytes) {
  constexpr std::size_t kBlock = 1 << 20;
  const std::size_t blocks = par::block_count(bytes.size(), kBlock);
  std::vector<std::uint64_t> hashes(blocks);
  par::for_each_index(0, blocks, 1, [&](std::size_t b) {
    hashes[b] = hash_string(bytes.substr(b * kBlock, kBlock));
  });
  std::uint64_t h = 0x6A09E667F3BCC908ull ^ bytes.size();
  for (std::uint64_t x : hashes) h = (h ^ x) * 0x9E3779B97F4A7C15ull + (h >> 31);
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

namespace {
constexpr std::size_t kPrefetchDistance = 16;

// Offers string i (its hash's high half as `tag`) to `slot`: an empty slot takes it (true); a
// slot holding an equal string records the duplicate (true); another string's slot: false, and
// the probe goes on to the next slot.
bool place(Interner::Slot& slot, std::uint32_t tag, std::uint32_t i, const StringColumn& column,
           std::vector<std::pair<Id, Id>>& duplicates) {
  if (slot.index == 0) {
    slot.tag = tag;
    slot.index = i + 1;
    return true;
  }
  if (slot.tag == tag && column[slot.index - 1] == column[i]) {
    duplicates.emplace_back(i, slot.index - 1);
    return true;
  }
  return false;
}

// Inserts the strings `order` lists (in that order) by linear probing from their home slot;
// a string equal to one already in the table is added to `duplicates` instead.
void insert_serial(const StringColumn& column, std::span<const std::uint64_t> hashes,
                   std::span<const std::uint32_t> order, std::span<Interner::Slot> slots,
                   std::uint64_t mask, std::vector<std::pair<Id, Id>>& duplicates) {
  for (std::size_t k = 0; k < order.size(); ++k) {
    if (k + kPrefetchDistance < order.size()) {
      __builtin_prefetch(&slots[hashes[order[k + kPrefetchDistance]] & mask]);
    }
    const std::uint32_t i = order[k];
    const auto tag = static_cast<std::uint32_t>(hashes[i] >> 32);
    std::uint64_t pos = hashes[i] & mask;
    while (!place(slots[pos], tag, i, column, duplicates)) pos = (pos + 1) & mask;
  }
}

}  // namespace

std::vector<std::pair<Id, Id>> Interner::build(const StringColumn& column, bool parallel) {
  const std::size_t n = column.size();
  std::size_t capacity = 16;
  while (capacity < n * 2) capacity <<= 1;
  slots_.clear();
  slots_.resize(capacity);
  par::for_range(0, capacity, std::size_t{1} << 16, [&](std::size_t lo, std::size_t hi) {
    std::memset(static_cast<void*>(slots_.data() + lo), 0, (hi - lo) * sizeof(Slot));
  });
  mask_ = capacity - 1;
  const std::span<Slot> slots(slots_.data(), capacity);

  FreshVector<std::uint64_t> hashes(n);
  par::for_each_index(0, n, 1 << 14, [&](std::size_t i) { hashes[i] = hash_string(column[i]); });
  std::vector<std::pair<Id, Id>> duplicates;

  // The table is cut into ranges of 2^16 slots (512 KiB, one core's cache) and every string
  // goes to the range of its home slot, in index order. Each range is filled by one worker,
  // strings in index order; a string whose probe would run past its range's end is left for a
  // serial pass at the end, in index order (with the table at most half full, few are). The
  // layout depends on the ranges only, never on the thread count; a table of one range (up to
  // 32k strings) is exactly the serial insertion in index order.
  constexpr unsigned kRangeBits = 16;
  const std::size_t ranges = parallel ? std::max<std::size_t>(1, capacity >> kRangeBits) : 1;
  if (ranges == 1) {  // the serial reference
    std::vector<std::uint32_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::uint32_t>(i);
    insert_serial(column, hashes, order, slots, mask_, duplicates);
    return duplicates;
  }
  const unsigned shift = static_cast<unsigned>(std::countr_zero(capacity / ranges));

  // Counting sort by range: counts per (block, range), offsets in (range, block) order. At most
  // 64 blocks, so that the counts stay small beside the table (64 x ranges).
  const std::size_t block = std::max<std::size_t>(std::size_t{1} << 18, (n + 63) / 64);
  const std::size_t blocks = par::block_count(n, block);
  std::vector<std::uint32_t> counts(blocks * ranges, 0);
  par::for_each_index(0, blocks, 1, [&](std::size_t b) {
    std::uint32_t* c = counts.data() + b * ranges;
    for (std::size_t i = b * block; i < std::min(n, (b + 1) * block); ++i) {
      ++c[(hashes[i] & mask_) >> shift];
    }
  });
  std::vector<std::size_t> start(ranges + 1, 0), offset(blocks * ranges);
  std::size_t total = 0;
  for (std::size_t r = 0; r < ranges; ++r) {
    start[r] = total;
    for (std::size_t b = 0; b < blocks; ++b) {
      offset[b * ranges + r] = total;
      total += counts[b * ranges + r];
    }
  }
  start[ranges] = total;
  std::vector<std::uint32_t> order;
  resize_touched(order, n);
  par::for_each_index(0, blocks, 1, [&](std::size_t b) {
    std::size_t* at = offset.data() + b * ranges;
    for (std::size_t i = b * block; i < std::min(n, (b + 1) * block); ++i) {
      order[at[(hashes[i] & mask_) >> shift]++] = static_cast<std::uint32_t>(i);
    }
  });

  // The ranges, each by one worker.
  std::vector<std::vector<std::uint32_t>> left(ranges);
  std::vector<std::vector<std::pair<Id, Id>>> found(ranges);
  par::for_each_index(0, ranges, 1, [&](std::size_t r) {
    const std::uint64_t end = (static_cast<std::uint64_t>(r) + 1) << shift;
    for (std::size_t k = start[r]; k < start[r + 1]; ++k) {
      if (k + kPrefetchDistance < start[r + 1]) {
        __builtin_prefetch(&hashes[order[k + kPrefetchDistance]]);
      }
      const std::uint32_t i = order[k];
      const auto tag = static_cast<std::uint32_t>(hashes[i] >> 32);
      std::uint64_t pos = hashes[i] & mask_;
      while (pos < end && !place(slots_[pos], tag, i, column, found[r])) ++pos;
      if (pos == end) left[r].push_back(i);
    }
  });
  std::vector<std::uint32_t> rest;
  for (std::size_t r = 0; r < ranges; ++r) {
    rest.insert(rest.end(), left[r].begin(), left[r].end());
    duplicates.insert(duplicates.end(), found[r].begin(), found[r].end());
  }
  std::sort(rest.begin(), rest.end());
  insert_serial(column, hashes, rest, slots, mask_, duplicates);
  par::sort(duplicates.begin(), duplicates.end(), std::less<>());
  return duplicates;
}

Id Interner::find(const StringColumn& column, std::string_view s) const {
  if (slots_.empty()) return kNone;
  const std::uint64_t h = hash_string(s);
  const auto tag = static_cast<std::uint32_t>(h >> 32);
  for (std::uint64_t pos = h & mask_;; pos = (pos + 1) & mask_) {
    const Slot& slot = slots_[pos];
    if (slot.index == 0) return kNone;
    if (slot.tag == tag && column[slot.index - 1] == s) return slot.index - 1;
  }
}

void Interner::find_batch(const StringColumn& column, std::span<const std::string_view> keys,
                          std::span<Id> out) const {
  if (slots_.empty()) {
    std::fill(out.begin(), out.end(), kNone);
    return;
  }
  par::for_range(0, keys.size(), 1 << 14, [&](std::size_t lo, std::size_t hi) {
    constexpr std::size_t kBatch = 64;
    std::uint64_t hashes[kBatch];
    for (std::size_t base = lo; base < hi; base += kBatch) {
      const std::size_t m = std::min(kBatch, hi - base);
      for (std::size_t j = 0; j < m; ++j) {
        hashes[j] = hash_string(keys[base + j]);
        __builtin_prefetch(&slots_[hashes[j] & mask_]);
      }
      for (std::size_t j = 0; j < m; ++j) {
        const std::uint64_t h = hashes[j];
        const auto tag = static_cast<std::uint32_t>(h >> 32);
        Id found = kNone;
        for (std::uint64_t pos = h & mask_;; pos = (pos + 1) & mask_) {
          const Slot& slot = slots_[pos];
          if (slot.index == 0) break;
          if (slot.tag == tag && column[slot.index - 1] == keys[base + j]) {
            found = slot.index - 1;
            break;
          }
        }
        out[base + j] = found;
      }
    }
  });
}

}  // namespace orgraph

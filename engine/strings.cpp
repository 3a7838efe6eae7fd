#include "engine/strings.hpp"

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
}

std::vector<std::pair<Id, Id>> Interner::build(const StringColumn& column) {
  const std::size_t n = column.size();
  std::size_t capacity = 16;
  while (capacity < n * 2) capacity <<= 1;
  slots_.clear();
  slots_.resize(capacity);
  par::for_range(0, capacity, std::size_t{1} << 16, [&](std::size_t lo, std::size_t hi) {
    std::memset(static_cast<void*>(slots_.data() + lo), 0, (hi - lo) * sizeof(Slot));
  });
  mask_ = capacity - 1;

  FreshVector<std::uint64_t> hashes(n);
  par::for_each_index(0, n, 1 << 14, [&](std::size_t i) { hashes[i] = hash_string(column[i]); });

  std::vector<std::pair<Id, Id>> duplicates;
  for (std::size_t i = 0; i < n; ++i) {
    if (i + kPrefetchDistance < n) {
      __builtin_prefetch(&slots_[hashes[i + kPrefetchDistance] & mask_]);
    }
    const std::uint64_t h = hashes[i];
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    std::uint64_t pos = h & mask_;
    const std::string_view key = column[static_cast<Id>(i)];
    for (;;) {
      Slot& slot = slots_[pos];
      if (slot.index == 0) {
        slot.tag = tag;
        slot.index = static_cast<std::uint32_t>(i + 1);
        break;
      }
      if (slot.tag == tag && column[slot.index - 1] == key) {
        duplicates.emplace_back(static_cast<Id>(i), slot.index - 1);
        break;
      }
      pos = (pos + 1) & mask_;
    }
  }
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

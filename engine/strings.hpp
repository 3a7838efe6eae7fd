// Compact string storage and id interning for millions of rows: one character buffer with
// offsets (no per-string allocation), and an open-addressing table that maps strings to dense
// ids. Lookups are done in batches with prefetching, because at nation scale each probe is a
// cache miss (~300 ns in our VM) and overlapping them is what makes interning fast.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/fresh_vector.hpp"
#include "engine/types.hpp"

namespace orgraph {

// Append-only column of strings, addressed by dense index.
class StringColumn {
 public:
  StringColumn() { offsets_.push_back(0); }
  void reserve(std::size_t count, std::size_t chars) {
    offsets_.reserve(count + 1);
    chars_.reserve(chars);
  }
  Id push_back(std::string_view s) {
    chars_.insert(chars_.end(), s.begin(), s.end());
    offsets_.push_back(chars_.size());
    return static_cast<Id>(offsets_.size() - 2);
  }
  std::string_view operator[](Id i) const {
    return {chars_.data() + offsets_[i], static_cast<std::size_t>(offsets_[i + 1] - offsets_[i])};
  }
  std::size_t size() const { return offsets_.size() - 1; }
  std::size_t bytes() const { return chars_.size() + offsets_.size() * sizeof(std::uint64_t); }
  // Raw access for the snapshot and the builder's parallel fill (resize leaves new bytes
  // uninitialised: write them before reading).
  const FreshVector<char>& chars() const { return chars_; }
  const FreshVector<std::uint64_t>& offsets() const { return offsets_; }
  FreshVector<char>& chars() { return chars_; }
  FreshVector<std::uint64_t>& offsets() { return offsets_; }

 private:
  FreshVector<char> chars_;
  FreshVector<std::uint64_t> offsets_;
};

std::uint64_t hash_string(std::string_view s);

// A 64-bit checksum of a whole file's bytes (hashed in 1 MiB blocks in parallel, combined in
// order, so the value does not depend on the thread count), as 16 hex digits.
std::string content_checksum(std::string_view bytes);

// Maps the strings of a StringColumn to their index. Does not own the strings.
class Interner {
 public:
  // Rebuilds the table over every string of `column`. Returns, for each string that repeats an
  // earlier one, the pair (duplicate index, first index), in index order; such duplicates are
  // not indexed. Parallel over ranges of the table (the layout is the same at any thread
  // count); parallel = false is the serial reference, every string inserted in index order.
  std::vector<std::pair<Id, Id>> build(const StringColumn& column, bool parallel = true);
  // Index of s, or kNone.
  Id find(const StringColumn& column, std::string_view s) const;
  // Resolves many keys at once (in parallel, with prefetching); out[i] = index or kNone.
  void find_batch(const StringColumn& column, std::span<const std::string_view> keys,
                  std::span<Id> out) const;
  std::size_t bytes() const { return slots_.size() * sizeof(Slot); }

  // No member initialisers: the table is sized uninitialised and zeroed in parallel.
  struct Slot {
    std::uint32_t tag;    // high 32 bits of the hash
    std::uint32_t index;  // entry index + 1; 0 = empty
  };
  // Raw table, for the snapshot writer and reader.
  FreshVector<Slot>& slots() { return slots_; }
  const FreshVector<Slot>& slots() const { return slots_; }
  std::uint64_t& mask() { return mask_; }
  std::uint64_t mask() const { return mask_; }

 private:
  FreshVector<Slot> slots_;
  std::uint64_t mask_ = 0;
};

}  // namespace orgraph

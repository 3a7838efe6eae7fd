#include "queries/id_order.hpp"

#include <algorithm>
#include <cstdint>

#include "engine/fresh_vector.hpp"
#include "engine/parallel.hpp"

namespace orgraph {
namespace {

struct PrefixKey {
  std::uint64_t hi = 0, lo = 0;
  Id id = 0;
};

std::uint64_t big_endian_word(std::string_view s, std::size_t from) {
  std::uint64_t w = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    const std::size_t k = from + i;
    const auto byte = k < s.size() ? static_cast<unsigned char>(s[k]) : 0u;
    w = (w << 8) | byte;
  }
  return w;
}

}  // namespace

void sort_by_string_id(const StringColumn& ids, std::vector<Id>& items) {
  std::vector<PrefixKey> keys;
  resize_touched(keys, items.size());
  par::for_each_index(0, items.size(), 1 << 14, [&](std::size_t i) {
    const std::string_view s = ids[items[i]];
    keys[i] = {big_endian_word(s, 0), big_endian_word(s, 8), items[i]};
  });
  // Ties on (prefix, id) cannot occur (ids are distinct), so the order is total.
  par::sort(keys.begin(), keys.end(), [](const PrefixKey& a, const PrefixKey& b) {
    if (a.hi != b.hi) return a.hi < b.hi;
    if (a.lo != b.lo) return a.lo < b.lo;
    return a.id < b.id;
  });
  par::for_each_index(0, keys.size(), 1 << 14, [&](std::size_t i) { items[i] = keys[i].id; });
  // A zero byte in the padding may equal a real zero byte, and ids longer than 16 bytes share
  // prefixes: finish every run of equal prefixes with a full comparison. Runs are independent:
  // each is sorted by the range holding its first key (ranges skip a run begun before them).
  const auto same_prefix = [&](std::size_t a, std::size_t b) {
    return keys[a].hi == keys[b].hi && keys[a].lo == keys[b].lo;
  };
  par::for_range(0, keys.size(), 1 << 14, [&](std::size_t lo, std::size_t hi) {
    std::size_t i = lo;
    while (i > 0 && i < keys.size() && same_prefix(i, lo - 1)) ++i;
    while (i < hi) {
      std::size_t j = i + 1;
      while (j < keys.size() && same_prefix(j, i)) ++j;
      if (j - i > 1) {
        std::sort(items.begin() + static_cast<std::ptrdiff_t>(i),
                  items.begin() + static_cast<std::ptrdiff_t>(j), [&](Id a, Id b) {
                    const std::string_view sa = ids[a], sb = ids[b];
                    return sa != sb ? sa < sb : a < b;
                  });
      }
      i = j;
    }
  });
}

}  // namespace orgraph

// Big results (a nation's gap list is a gigabyte of JSON) are streamed to their file in pieces
// instead of being built whole: building them whole costs fresh memory, which on a VM means
// page faults for every byte, and doubles the peak. Writers take a TextSink; the string
// versions of the writers (for tests and small outputs) append the pieces to a string.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/parallel.hpp"

namespace orgraph {

// Receives the output in order, in pieces of up to a few MiB.
using TextSink = std::function<void(std::string_view)>;

// Formats items [0, n) in blocks of `grain` in parallel, fill(lo, hi, text) appending items
// [lo, hi) to `text`, and hands the blocks to `sink` in order, `batch` blocks at a time. While
// one batch goes to the sink (a write into the page cache, which is CPU work too), the next is
// formatted. The block buffers are reused, so the memory held is about 2 * batch * (one block's
// text) whatever n is, and the bytes never depend on the thread count. Returns the number of
// bytes written.
template <class Fill>
std::uint64_t stream_blocks(std::size_t n, std::size_t grain, Fill&& fill, const TextSink& sink,
                            std::size_t batch = 32) {
  const std::size_t count = par::block_count(n, grain);
  if (count == 0) return 0;
  std::vector<std::string> ready(std::min(count, batch)), next(ready.size());
  const auto format = [&](std::size_t b0, std::vector<std::string>& texts) {
    const std::size_t nb = std::min(batch, count - b0);
    par::for_each_index(0, nb, 1, [&](std::size_t i) {
      texts[i].clear();
      const std::size_t lo = (b0 + i) * grain;
      fill(lo, std::min(n, lo + grain), texts[i]);
    });
  };
  std::uint64_t bytes = 0;
  const auto write = [&](std::size_t b0, const std::vector<std::string>& texts) {
    const std::size_t nb = std::min(batch, count - b0);
    for (std::size_t i = 0; i < nb; ++i) {
      if (texts[i].empty()) continue;
      sink(texts[i]);
      bytes += texts[i].size();
    }
  };
  format(0, ready);
  for (std::size_t b0 = 0; b0 < count; b0 += batch) {
    if (b0 + batch < count) {
      // Two tasks: write this batch, format the next one (its blocks in parallel again).
      par::for_each_index(0, 2, 1, [&](std::size_t task) {
        if (task == 0) {
          write(b0, ready);
        } else {
          format(b0 + batch, next);
        }
      });
      ready.swap(next);
    } else {
      write(b0, ready);
    }
  }
  return bytes;
}

// A sink appending to `out`.
inline TextSink append_to(std::string& out) {
  return [&out](std::string_view piece) { out.append(piece); };
}

}  // namespace orgraph

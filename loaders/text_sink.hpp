// Big results (a nation's gap list is a gigabyte of JSON) are streamed to their file in pieces
// instead of being built whole: building them whole costs fresh memory, which on a VM means
// page faults for every byte, and doubles the peak. Writers take a TextSink; the string
// versions of the writers (for tests and small outputs) append the pieces to a string.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/parallel.hpp"

namespace orgraph {

// Receives the output in order, in pieces of up to a few MiB.
using TextSink = std::function<void(std::string_view)>;

// Formats items [0, n) in blocks of `grain` in parallel, fill(lo, hi, text) making block
// [lo, hi)'s `text` (a Text reused from an earlier block: fill resets it), and hands the blocks
// to write(span of texts) in order, `batch` blocks at a time. While one batch is written (into
// the page cache, which is CPU work too), the next is formatted. The texts are reused, so the
// memory held is about 2 * batch * (one block's text) whatever n is. A Text can hold more than
// one output (gaps.csv and gaps.json from one formatting of each gap).
//
// kStreamBatch is small on purpose: each batch ends in a wait for its slowest block, but memory
// the process has not used before costs page faults that this VM's host serves slowly (freed
// guest memory goes back to the host, docs/benchmarks.md). With 32 blocks per batch a province's
// gap files took 118 MiB of fresh memory for their texts; with 8, 22 MiB.
inline constexpr std::size_t kStreamBatch = 8;

template <class Text, class Fill, class Write>
void stream_block_texts(std::size_t n, std::size_t grain, Fill&& fill, Write&& write,
                        std::size_t batch = kStreamBatch) {
  const std::size_t count = par::block_count(n, grain);
  if (count == 0) return;
  std::vector<Text> ready(std::min(count, batch)), next(ready.size());
  const auto format = [&](std::size_t b0, std::vector<Text>& texts) {
    const std::size_t nb = std::min(batch, count - b0);
    par::for_each_index(0, nb, 1, [&](std::size_t i) {
      const std::size_t lo = (b0 + i) * grain;
      fill(lo, std::min(n, lo + grain), texts[i]);
    });
  };
  const auto hand_over = [&](std::size_t b0, const std::vector<Text>& texts) {
    write(std::span<const Text>(texts.data(), std::min(batch, count - b0)));
  };
  format(0, ready);
  for (std::size_t b0 = 0; b0 < count; b0 += batch) {
    if (b0 + batch < count) {
      // Two tasks: write this batch, format the next one (its blocks in parallel again).
      par::for_each_index(0, 2, 1, [&](std::size_t task) {
        if (task == 0) {
          hand_over(b0, ready);
        } else {
          format(b0 + batch, next);
        }
      });
      ready.swap(next);
    } else {
      hand_over(b0, ready);
    }
  }
}

// stream_block_texts for one output: fill(lo, hi, text) appends items [lo, hi) to `text`
// (cleared before), and the texts go to `sink` in order. The bytes never depend on the thread
// count. Returns the number of bytes written.
template <class Fill>
std::uint64_t stream_blocks(std::size_t n, std::size_t grain, Fill&& fill, const TextSink& sink,
                            std::size_t batch = kStreamBatch) {
  std::uint64_t bytes = 0;
  stream_block_texts<std::string>(
      n, grain,
      [&](std::size_t lo, std::size_t hi, std::string& text) {
        text.clear();
        fill(lo, hi, text);
      },
      [&](std::span<const std::string> texts) {
        for (const std::string& text : texts) {
          if (text.empty()) continue;
          sink(text);
          bytes += text.size();
        }
      },
      batch);
  return bytes;
}

// A sink appending to `out`.
inline TextSink append_to(std::string& out) {
  return [&out](std::string_view piece) { out.append(piece); };
}

}  // namespace orgraph

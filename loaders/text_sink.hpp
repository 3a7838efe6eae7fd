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
#include <utility>
#include <vector>

#include "engine/parallel.hpp"

namespace orgraph {

// Receives the output in order, in pieces of up to a few MiB.
using TextSink = std::function<void(std::string_view)>;

// How items [0, n) are cut into blocks of text: `grain` items each, or, for items of uneven
// size (clusters of 2 to 300 orgs), at the boundaries weighted_text_blocks() picks. Block b holds
// items [begin(b), end(b)). The cut depends on the items only, never on the thread count.
class TextBlocks {
 public:
  TextBlocks(std::size_t n, std::size_t grain) : n_(n), grain_(grain) {}
  // starts: 0, then each block's first item, then n (at least {0}).
  explicit TextBlocks(std::vector<std::size_t> starts) : starts_(std::move(starts)) {}
  std::size_t count() const {
    return starts_.empty() ? par::block_count(n_, grain_) : starts_.size() - 1;
  }
  std::size_t begin(std::size_t b) const { return starts_.empty() ? b * grain_ : starts_[b]; }
  std::size_t end(std::size_t b) const {
    return starts_.empty() ? std::min(n_, (b + 1) * grain_) : starts_[b + 1];
  }

 private:
  std::size_t n_ = 0, grain_ = 0;
  std::vector<std::size_t> starts_;  // empty: blocks of grain_
};

// Blocks of about `target` weight each over items [0, n): a block ends at the first item that
// brings it to `target` (so every block holds at least one item, and one heavy item is a block
// of its own).
template <class Weight>
TextBlocks weighted_text_blocks(std::size_t n, std::uint64_t target, Weight&& weight) {
  std::vector<std::size_t> starts{0};
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sum += weight(i);
    if (sum >= target || i + 1 == n) {
      starts.push_back(i + 1);
      sum = 0;
    }
  }
  return TextBlocks(std::move(starts));
}

// Formats the blocks of items in parallel, fill(lo, hi, text) making block [lo, hi)'s
// `text` (a Text reused from an earlier block: fill resets it), and hands the blocks
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
void stream_block_texts(const TextBlocks& blocks, Fill&& fill, Write&& write,
                        std::size_t batch = kStreamBatch) {
  const std::size_t count = blocks.count();
  if (count == 0) return;
  std::vector<Text> ready(std::min(count, batch)), next(ready.size());
  const auto format = [&](std::size_t b0, std::vector<Text>& texts) {
    const std::size_t nb = std::min(batch, count - b0);
    par::for_each_index(0, nb, 1, [&](std::size_t i) {
      fill(blocks.begin(b0 + i), blocks.end(b0 + i), texts[i]);
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

template <class Text, class Fill, class Write>
void stream_block_texts(std::size_t n, std::size_t grain, Fill&& fill, Write&& write,
                        std::size_t batch = kStreamBatch) {
  stream_block_texts<Text>(TextBlocks(n, grain), std::forward<Fill>(fill),
                           std::forward<Write>(write), batch);
}

// stream_block_texts for one output: fill(lo, hi, text) appends items [lo, hi) to `text`
// (cleared before), and the texts go to `sink` in order. The bytes never depend on the thread
// count. Returns the number of bytes written.
template <class Fill>
std::uint64_t stream_blocks(const TextBlocks& blocks, Fill&& fill, const TextSink& sink,
                            std::size_t batch = kStreamBatch) {
  std::uint64_t bytes = 0;
  stream_block_texts<std::string>(
      blocks,
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

template <class Fill>
std::uint64_t stream_blocks(std::size_t n, std::size_t grain, Fill&& fill, const TextSink& sink,
                            std::size_t batch = kStreamBatch) {
  return stream_blocks(TextBlocks(n, grain), std::forward<Fill>(fill), sink, batch);
}

// A sink appending to `out`.
inline TextSink append_to(std::string& out) {
  return [&out](std::string_view piece) { out.append(piece); };
}

}  // namespace orgraph

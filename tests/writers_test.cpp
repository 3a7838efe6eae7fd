// The pieces every result writer stands on: CSV quoting (loaders/csv_out.hpp) and ordered
// block streaming (loaders/text_sink.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engine/parallel.hpp"
#include "loaders/csv_out.hpp"
#include "loaders/text_sink.hpp"

namespace orgraph {
namespace {

bool naive_needs_quotes(std::string_view s) {
  for (char c : s) {
    if (c == ',' || c == '"' || c == '\n' || c == '\r') return true;
  }
  return false;
}

std::string naive_field(std::string_view s) {
  if (!naive_needs_quotes(s)) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

TEST(CsvOut, EverySpecialByteIsFoundAtEveryPosition) {
  // Fillers next to the special bytes in value (and UTF-8 bytes) must not be mistaken for them.
  const std::string fillers = std::string("+-!#\x0b\x0c\x0e\x1f") + "\xe4\xb8\xad" + "a;|";
  for (std::size_t length = 0; length <= 26; ++length) {
    for (char filler : fillers) {
      const std::string plain(length, filler);
      EXPECT_FALSE(csv_needs_quotes(plain)) << "length " << length << " filler " << int(filler);
      for (std::size_t at = 0; at < length; ++at) {
        for (char special : {',', '"', '\n', '\r'}) {
          std::string s = plain;
          s[at] = special;
          EXPECT_TRUE(csv_needs_quotes(s)) << "length " << length << " at " << at;
        }
      }
    }
  }
}

TEST(CsvOut, FieldsEqualTheTextbookQuotingOnRandomText) {
  std::mt19937 rng(7);
  const std::string alphabet = std::string("ab,\"\n\r ;") + "\xe4\xb8\xad";
  for (int round = 0; round < 5000; ++round) {
    std::string s(rng() % 40, 'x');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    ASSERT_EQ(csv_field(s), naive_field(s)) << s;
    std::string appended = "head,";
    append_csv_field(appended, s);
    ASSERT_EQ(appended, "head," + naive_field(s));
  }
}

TEST(TextSink, BlocksArriveInOrderAtAnyThreadCountWithBoundedPieces) {
  const auto item = [](std::size_t i) { return std::to_string(i * 7919 % 1000) + (i % 3 == 0 ? "\n" : ","); };
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{6}, std::size_t{10007}}) {
    std::string expected;
    for (std::size_t i = 0; i < n; ++i) expected += item(i);
    for (int threads : {1, 2, 8}) {
      par::set_threads(threads);
      std::string got;
      std::size_t pieces = 0, largest = 0;
      const std::uint64_t bytes = stream_blocks(
          n, 7,
          [&](std::size_t lo, std::size_t hi, std::string& text) {
            for (std::size_t i = lo; i < hi; ++i) text += item(i);
          },
          [&](std::string_view piece) {
            got.append(piece);
            ++pieces;
            largest = std::max(largest, piece.size());
          },
          3);
      EXPECT_EQ(got, expected) << "n " << n << " threads " << threads;
      EXPECT_EQ(bytes, expected.size());
      EXPECT_EQ(pieces, (n + 6) / 7) << "one piece per non-empty block";
      EXPECT_LE(largest, 7u * 4u);
    }
  }
  par::set_threads(0);
}

// A block text holding two outputs: both arrive whole and in order, in batches of at most
// `batch` blocks, at any thread count.
TEST(TextSink, BlockTextsOfTwoOutputsArriveInOrderBatchByBatch) {
  struct Two {
    std::string even, odd;
  };
  const std::size_t n = 1000, grain = 9, batch = 4;
  std::string expected_even, expected_odd;
  for (std::size_t i = 0; i < n; ++i) {
    (i % 2 == 0 ? expected_even : expected_odd) += std::to_string(i) + ",";
  }
  for (int threads : {1, 2, 8}) {
    par::set_threads(threads);
    std::string even, odd;
    std::size_t batches = 0, largest = 0;
    stream_block_texts<Two>(
        n, grain,
        [](std::size_t lo, std::size_t hi, Two& two) {
          two.even.clear();
          two.odd.clear();
          for (std::size_t i = lo; i < hi; ++i) {
            (i % 2 == 0 ? two.even : two.odd) += std::to_string(i) + ",";
          }
        },
        [&](std::span<const Two> texts) {
          ++batches;
          largest = std::max(largest, texts.size());
          for (const Two& two : texts) {
            even += two.even;
            odd += two.odd;
          }
        },
        batch);
    EXPECT_EQ(even, expected_even) << "threads " << threads;
    EXPECT_EQ(odd, expected_odd) << "threads " << threads;
    const std::size_t blocks = (n + grain - 1) / grain;
    EXPECT_EQ(batches, (blocks + batch - 1) / batch);
    EXPECT_EQ(largest, batch);
  }
  par::set_threads(0);
}

// Items of uneven weight: a block ends at the item that brings it to the target, the last block
// ends at n, and the text is the same at any thread count, one piece per block.
TEST(TextSink, WeightedBlocksEndAtTheTargetWeight) {
  const std::vector<std::uint64_t> weights{1, 5, 1, 1, 1, 1, 10, 1};
  const TextBlocks blocks =
      weighted_text_blocks(weights.size(), 4, [&](std::size_t i) { return weights[i]; });
  ASSERT_EQ(blocks.count(), 4u);
  const std::vector<std::pair<std::size_t, std::size_t>> expected{{0, 2}, {2, 6}, {6, 7}, {7, 8}};
  for (std::size_t b = 0; b < blocks.count(); ++b) {
    EXPECT_EQ(std::make_pair(blocks.begin(b), blocks.end(b)), expected[b]) << "block " << b;
  }
  EXPECT_EQ(weighted_text_blocks(0, 4, [](std::size_t) { return 1; }).count(), 0u);
  EXPECT_EQ(weighted_text_blocks(3, 100, [](std::size_t) { return 1; }).count(), 1u);

  std::vector<std::uint64_t> sizes(5000);
  std::string expected_text;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    sizes[i] = 1 + (i * 7919) % 300;  // 1 to 300, like clusters of orgs
    expected_text += std::to_string(i) + ":" + std::to_string(sizes[i]) + ";";
  }
  const TextBlocks uneven =
      weighted_text_blocks(sizes.size(), 4096, [&](std::size_t i) { return sizes[i]; });
  EXPECT_GT(uneven.count(), 100u);
  for (int threads : {1, 2, 8}) {
    par::set_threads(threads);
    std::string got;
    std::size_t pieces = 0;
    stream_blocks(
        uneven,
        [&](std::size_t lo, std::size_t hi, std::string& text) {
          std::uint64_t weight = 0;
          for (std::size_t i = lo; i < hi; ++i) {
            text += std::to_string(i) + ":" + std::to_string(sizes[i]) + ";";
            weight += sizes[i];
          }
          // Every block but the last reaches the target, and would not without its last item.
          if (hi < sizes.size()) {
            EXPECT_GE(weight, 4096u);
            EXPECT_LT(weight - sizes[hi - 1], 4096u);
          }
        },
        [&](std::string_view piece) {
          got.append(piece);
          ++pieces;
        },
        3);
    EXPECT_EQ(got, expected_text) << "threads " << threads;
    EXPECT_EQ(pieces, uneven.count());
  }
  par::set_threads(0);
}

TEST(TextSink, EmptyBlocksAreNotHandedOn) {
  std::size_t pieces = 0;
  std::string got;
  stream_blocks(
      100, 10,
      [](std::size_t lo, std::size_t, std::string& text) {
        if (lo == 50) text = "middle";
      },
      [&](std::string_view piece) {
        ++pieces;
        got.append(piece);
      });
  EXPECT_EQ(pieces, 1u);
  EXPECT_EQ(got, "middle");
}

}  // namespace
}  // namespace orgraph

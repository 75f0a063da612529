#include <gtest/gtest.h>
#include <zlib.h>

#include <vector>

#include "sim/wire/xgmii_rx.hpp"

namespace wirepath {
namespace {

// Builds the lane stream of one frame (/S/ on lane 0) into 64-bit words.
void append_frame(std::vector<std::pair<uint64_t, uint8_t>> &words, std::vector<uint8_t> frame,
                  unsigned idle_words) {
  const uint32_t crc = static_cast<uint32_t>(crc32(0L, frame.data(), static_cast<uInt>(frame.size())));
  for (int i = 0; i < 4; ++i) frame.push_back(uint8_t(crc >> (8 * i)));
  std::vector<std::pair<uint8_t, bool>> lanes = {{0xFB, true}};
  for (int i = 0; i < 6; ++i) lanes.push_back({0x55, false});
  lanes.push_back({0xD5, false});
  for (auto b : frame) lanes.push_back({b, false});
  lanes.push_back({0xFD, true});
  while (lanes.size() % 8) lanes.push_back({0x07, true});
  for (unsigned i = 0; i < idle_words * 8; ++i) lanes.push_back({0x07, true});
  for (size_t w = 0; w < lanes.size(); w += 8) {
    uint64_t d = 0;
    uint8_t c = 0;
    for (unsigned i = 0; i < 8; ++i) {
      d |= uint64_t(lanes[w + i].first) << (8 * i);
      c |= uint8_t(lanes[w + i].second) << i;
    }
    words.push_back({d, c});
  }
}

// XgmiiRx recovers frame bytes, FCS status and the inter-frame gap from lanes.
TEST(XgmiiRx, DecodesFramesAndMeasuresTheGap) {
  std::vector<std::pair<uint64_t, uint8_t>> words(2, {0x0707070707070707ULL, 0xFF});
  std::vector<uint8_t> f1(61), f2(64);
  for (size_t i = 0; i < f1.size(); ++i) f1[i] = uint8_t(i * 7);
  for (size_t i = 0; i < f2.size(); ++i) f2[i] = uint8_t(i * 3 + 1);
  append_frame(words, f1, 1);  // 65 bytes + /T/ ends at lane 1: 7 + 8 idle lanes
  append_frame(words, f2, 0);
  std::vector<WireFrame> got;
  XgmiiRx rx;
  rx.on_frame = [&](const WireFrame &f) { got.push_back(f); };
  for (size_t i = 0; i < words.size(); ++i) rx.cycle(words[i].first, words[i].second, i);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_TRUE(got[0].fcs_ok);
  EXPECT_TRUE(got[0].preamble_ok);
  EXPECT_EQ(got[0].bytes.size(), 65u);
  EXPECT_EQ(got[0].ifg_bytes, 0u);
  EXPECT_EQ(got[0].start_cycle, 2u);
  EXPECT_EQ(got[1].ifg_bytes, 15u);
  EXPECT_TRUE(got[1].fcs_ok);
  EXPECT_EQ(rx.frames(), 2u);
  EXPECT_EQ(rx.fcs_errors(), 0u);
  EXPECT_EQ(rx.coding_errors(), 0u);
}

// A corrupted byte is delivered with fcs_ok = false and counted.
TEST(XgmiiRx, FlagsBadFcs) {
  std::vector<std::pair<uint64_t, uint8_t>> words;
  append_frame(words, std::vector<uint8_t>(60, 0xAA), 1);
  words[3].first ^= 0x100;
  XgmiiRx rx;
  bool ok = true;
  rx.on_frame = [&](const WireFrame &f) { ok = f.fcs_ok; };
  for (size_t i = 0; i < words.size(); ++i) rx.cycle(words[i].first, words[i].second, i);
  EXPECT_FALSE(ok);
  EXPECT_EQ(rx.fcs_errors(), 1u);
}

}  // namespace
}  // namespace wirepath

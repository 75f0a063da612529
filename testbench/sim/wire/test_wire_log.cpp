// The wire log and the fan-out that feeds it: counts, errors, and the time
// the last frame's last byte left at 10 Gb/s.
#include <gtest/gtest.h>

#include <string>

#include "sim/wire/wire_fanout.hpp"
#include "sim/wire/wire_log.hpp"
#include "sim/wire/wire_timing.hpp"

using namespace wirepath;

namespace {

WireFrame frame(size_t bytes, bool fcs_ok = true, bool preamble_ok = true) {
  WireFrame f;
  f.bytes.assign(bytes, 0x5a);
  f.fcs_ok = fcs_ok;
  f.preamble_ok = preamble_ok;
  return f;
}

// 10 Gb/s is 800 ps a byte; a 64-byte frame whose /S/ is at 1000 ps has 8
// preamble/SFD bytes and its 64 bytes out by 1000 + 72 * 800 = 58600 ps.
TEST(WireLog, LastEndIsPreamblePlusFrameAtTenGigabit) {
  EXPECT_EQ(wire_frame_end(1000, 64), 58'600u);
  WireLog log(false);
  log.on_frame(frame(64), 1000);
  log.on_frame(frame(1518, false), 100'000);
  log.on_frame(frame(100, true, false), 2'000'000);
  const WireStats &s = log.stats();
  EXPECT_EQ(s.frames, 3u);
  EXPECT_EQ(s.bytes, 64u + 1518u + 100u);
  EXPECT_EQ(s.fcs_errors, 1u);
  EXPECT_EQ(s.preamble_errors, 1u);
  EXPECT_EQ(s.first_start, 1000u);
  EXPECT_EQ(s.last_end, 2'000'000u + 108u * 800u);
  EXPECT_TRUE(log.frames().empty()) << "frames are kept only when asked";
}

// The fan-out hands every frame to each observer in the order attached.
TEST(WireFanout, DeliversEachFrameToEveryObserverInOrder) {
  WireFanout fan;
  WireLog log(true);
  std::string order;
  fan.attach([&](const WireFrame &f, ps_t t) {
    order += 'a';
    log.on_frame(f, t);
  });
  fan.attach([&](const WireFrame &, ps_t) { order += 'b'; });
  fan.deliver(frame(64), 10);
  fan.deliver(frame(65), 20);
  EXPECT_EQ(order, "abab");
  ASSERT_EQ(log.frames().size(), 2u);
  EXPECT_EQ(log.frames()[1].bytes.size(), 65u);
  EXPECT_EQ(log.frame_times(), (std::vector<ps_t>{10, 20}));
}

}  // namespace

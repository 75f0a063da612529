// The wire's fault middleware: which frames loss may drop, how reordering
// delays, and the order of its random draws (what a seed reproduces).
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include <zlib.h>

#include "sim/wire/wire_faults.hpp"

using namespace wirepath;

namespace {

constexpr uint8_t kSyn = 0x02, kAck = 0x10, kFin = 0x01;

// Ethernet + IPv4 (no options) + TCP (no options) + payload + FCS. The
// middleware reads only the headers' lengths and types.
std::vector<uint8_t> tcp_frame(uint8_t flags, size_t payload) {
  std::vector<uint8_t> f(14 + 20 + 20 + payload, 0);
  f[12] = 0x08;
  f[13] = 0x00;
  f[14] = 0x45;
  const size_t tot = 20 + 20 + payload;
  f[16] = static_cast<uint8_t>(tot >> 8);
  f[17] = static_cast<uint8_t>(tot);
  f[14 + 9] = 6;
  f[34 + 12] = 5 << 4;
  f[34 + 13] = flags;
  if (f.size() < 60) f.resize(60, 0);
  const uint32_t c = crc32(0, f.data(), static_cast<uInt>(f.size()));
  for (int i = 0; i < 4; i++) f.push_back(static_cast<uint8_t>(c >> (8 * i)));
  return f;
}

struct Delivered {
  size_t len;
  uint64_t at;
};

struct Faults {
  explicit Faults(WireFaultsConfig c, uint64_t seed = 5) : rng(seed), faults(c, rng) {
    faults.deliver = [this](const std::vector<uint8_t> &f, uint64_t at) { out.push_back({f.size(), at}); };
  }
  std::mt19937_64 rng;
  WireFaults faults;
  std::vector<Delivered> out;
};

// Loss applies to data segments only: a SYN, a pure ACK and a bare FIN always
// pass, on time, and cost no random draw.
TEST(WireFaults, LossNeverTouchesHandshakeAcksOrFin) {
  Faults t({0.9, 0.0, 5'000});
  const std::mt19937_64 before = t.rng;
  for (uint8_t flags : {kSyn, uint8_t(kSyn | kAck), kAck, uint8_t(kFin | kAck)})
    for (int i = 0; i < 50; i++) t.faults.on_frame(tcp_frame(flags, 0), 100);
  EXPECT_EQ(t.out.size(), 200u);
  EXPECT_EQ(t.faults.stats().lost, 0u);
  EXPECT_EQ(t.faults.stats().frames, 200u);
  EXPECT_TRUE(t.rng == before) << "no draw for a segment without data";
  for (const Delivered &d : t.out) EXPECT_EQ(d.at, 100u);
}

// A frame the receiver's MAC would discard (bad FCS) passes untouched and
// draws nothing: the receiver counts it.
TEST(WireFaults, BadFcsFramePassesWithoutADraw) {
  Faults t({0.5, 0.5, 5'000});
  const std::mt19937_64 before = t.rng;
  std::vector<uint8_t> f = tcp_frame(kAck, 1000);
  f.back() ^= 1;
  t.faults.on_frame(f, 7);
  ASSERT_EQ(t.out.size(), 1u);
  EXPECT_EQ(t.out[0].at, 7u);
  EXPECT_TRUE(t.rng == before);
}

// Per good frame: one uniform draw for loss if it is a data segment (lost
// when below loss), then, if not lost, one draw for reorder (delayed by
// reorder_delay_ns when below reorder). Replaying the same seed by hand
// gives the same fate to every frame.
TEST(WireFaults, DrawsLossThenReorderInOrder) {
  const WireFaultsConfig c{0.2, 0.3, 5'000};
  Faults t(c, 42);
  std::mt19937_64 ref(42);
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  uint64_t lost = 0, reordered = 0;
  std::vector<Delivered> want;
  for (int i = 0; i < 400; i++) {
    const bool data = i % 3 != 0;
    const std::vector<uint8_t> f = tcp_frame(kAck, data ? 1448 : 0);
    const uint64_t t_ns = 1000u * static_cast<uint64_t>(i);
    t.faults.on_frame(f, t_ns);
    if (data && uni(ref) < c.loss) {
      lost++;
      continue;
    }
    const bool late = uni(ref) < c.reorder;
    reordered += late;
    want.push_back({f.size(), t_ns + (late ? c.reorder_delay_ns : 0)});
  }
  EXPECT_GT(lost, 0u);
  EXPECT_GT(reordered, 0u);
  EXPECT_EQ(t.faults.stats().lost, lost);
  EXPECT_EQ(t.faults.stats().reordered, reordered);
  EXPECT_EQ(t.faults.stats().frames, 400u);
  ASSERT_EQ(t.out.size(), want.size());
  for (size_t i = 0; i < want.size(); i++) {
    EXPECT_EQ(t.out[i].len, want[i].len) << i;
    EXPECT_EQ(t.out[i].at, want[i].at) << i;
  }
}

TEST(WireFaults, RejectsProbabilitiesOutsideZeroToOne) {
  std::mt19937_64 rng(1);
  EXPECT_THROW(WireFaults({1.0, 0.0, 0}, rng), std::invalid_argument);
  EXPECT_THROW(WireFaults({0.0, -0.1, 0}, rng), std::invalid_argument);
}

}  // namespace

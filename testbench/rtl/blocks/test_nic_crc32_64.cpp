// nic_crc32_64 alone: one 64-bit step of the Ethernet CRC-32, checked against
// zlib's crc32 (the same reflected 0x04C11DB7 CRC, init and final XOR ~0).
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "Vnic_crc32_64.h"
#include "verilated.h"

namespace {

class Crc32_64 : public ::testing::Test {
 protected:
  Crc32_64() : top_(std::make_unique<Vnic_crc32_64>(ctx_.get())) { ctx_->fatalOnError(false); }
  ~Crc32_64() override {
    top_->final();
    EXPECT_FALSE(ctx_->gotError());
  }

  uint32_t step(uint32_t crc, uint64_t data, unsigned nbytes) {
    top_->crc_i = crc;
    top_->data_i = data;
    top_->nbytes_i = nbytes;
    top_->eval();
    return top_->crc_o;
  }

  // The running state over `b` fed a word at a time as the MAC does: full
  // words with nbytes 8, the last with the bytes left (1..8). Lanes past the
  // byte count carry `junk`, which must not matter.
  uint32_t crc_of(const std::vector<uint8_t> &b, uint64_t junk = 0) {
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t pos = 0; pos < b.size(); pos += 8) {
      const unsigned n = unsigned(std::min<size_t>(8, b.size() - pos));
      uint64_t w = n == 8 ? 0 : junk << (8 * n);
      for (unsigned i = 0; i < n; ++i) w |= uint64_t(b[pos + i]) << (8 * i);
      crc = step(crc, w, n);
    }
    return ~crc;
  }

  std::unique_ptr<VerilatedContext> ctx_ = std::make_unique<VerilatedContext>();
  std::unique_ptr<Vnic_crc32_64> top_;
};

uint32_t zlib_crc(const std::vector<uint8_t> &b) {
  return uint32_t(crc32(0, b.data(), uInt(b.size())));
}

// Crc32_64.MatchesTheCheckValue: CRC-32 of "123456789" is 0xCBF43926 (the
// catalogued check value, independent of zlib).
TEST_F(Crc32_64, MatchesTheCheckValue) {
  const std::vector<uint8_t> s = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  EXPECT_EQ(crc_of(s), 0xCBF43926u);
}

// Crc32_64.MatchesZlibForEveryLengthAndFinalByteCount: frames of every length
// 1..2048 (so every final byte count 1..8 many times) give zlib's CRC, with
// random junk in the lanes past the final byte count.
TEST_F(Crc32_64, MatchesZlibForEveryLengthAndFinalByteCount) {
  std::mt19937_64 rng(7);
  for (size_t len = 1; len <= 2048; ++len) {
    std::vector<uint8_t> b(len);
    for (auto &x : b) x = uint8_t(rng());
    ASSERT_EQ(crc_of(b, rng()), zlib_crc(b)) << "length " << len;
  }
}

// Crc32_64.EveryByteCountIsAPrefixUpdate: from any running state, nbytes k in
// 1..8 equals zlib continuing over the word's first k bytes.
TEST_F(Crc32_64, EveryByteCountIsAPrefixUpdate) {
  std::mt19937_64 rng(11);
  for (int n = 0; n < 2000; ++n) {
    const uint32_t state = uint32_t(rng());
    const uint64_t w = rng();
    for (unsigned k = 1; k <= 8; ++k) {
      uint8_t bytes[8];
      for (unsigned i = 0; i < 8; ++i) bytes[i] = uint8_t(w >> (8 * i));
      // zlib's crc32(c, ...) continues from ~c.
      const uint32_t want = ~uint32_t(crc32(~state & 0xFFFFFFFFu, bytes, k));
      ASSERT_EQ(step(state, w, k), want) << "nbytes " << k;
    }
  }
}

// Crc32_64.ZeroBytesPassesTheStateThrough: nbytes 0 leaves crc_i unchanged.
TEST_F(Crc32_64, ZeroBytesPassesTheStateThrough) {
  std::mt19937_64 rng(3);
  for (int n = 0; n < 1000; ++n) {
    const uint32_t state = uint32_t(rng());
    ASSERT_EQ(step(state, rng(), 0), state);
  }
}

// Crc32_64.FrameWithItsFcsLeavesTheResidue: running the CRC on over a frame
// and its FCS (LSB first, as sent) leaves the Ethernet residue 0xDEBB20E3
// (0xC704DD7B bit-reversed; complemented 0x2144DF1C), what a receiver checks.
TEST_F(Crc32_64, FrameWithItsFcsLeavesTheResidue) {
  std::mt19937_64 rng(5);
  for (size_t len = 60; len <= 80; ++len) {
    std::vector<uint8_t> b(len);
    for (auto &x : b) x = uint8_t(rng());
    const uint32_t fcs = zlib_crc(b);
    for (int i = 0; i < 4; ++i) b.push_back(uint8_t(fcs >> (8 * i)));
    EXPECT_EQ(crc_of(b), 0x2144DF1Cu) << "length " << len;
  }
}

}  // namespace

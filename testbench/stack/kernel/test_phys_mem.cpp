// Host DRAM: bytes at physical addresses [base, base+size), zero until written
// (anonymous pages, touched lazily), and nothing outside that range.
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>

#include "stack/kernel/phys_mem.hpp"

using namespace wirepath;

// A fresh DRAM reads zero at both ends and in the middle; writes stay where they went.
TEST(PhysMem, ReadsZeroUntilWrittenAndKeepsWrites) {
  PhysMem ram(64u << 20);
  const uint64_t b = ram.base();
  const uint64_t last = b + ram.size() - 1;
  EXPECT_EQ(ram.size(), 64u << 20);
  EXPECT_EQ(*ram.ptr(b), 0);
  EXPECT_EQ(*ram.ptr(b + (32u << 20)), 0);
  EXPECT_EQ(*ram.ptr(last), 0);
  const uint32_t v = 0xA5C3'0F81;
  ram.write(last - 3, &v, 4);
  uint32_t r = 0;
  ram.read(last - 3, &r, 4);
  EXPECT_EQ(r, v);
  EXPECT_EQ(ram.phys(ram.ptr(last)), last);
  EXPECT_EQ(*ram.ptr(last - 4), 0);
}

// One byte past either end is not DRAM.
TEST(PhysMem, AccessOutsideDramThrows) {
  PhysMem ram(1u << 20, 0x1000'0000);
  EXPECT_TRUE(ram.contains(0x1000'0000, 1u << 20));
  EXPECT_FALSE(ram.contains(0x0FFF'FFFF, 1));
  EXPECT_FALSE(ram.contains(0x1010'0000, 1));
  EXPECT_THROW(ram.ptr(0x1010'0000), std::out_of_range);
  EXPECT_THROW(ram.ptr(0x100F'FFFF, 2), std::out_of_range);
}

// The kernel's allocator over physical memory: aligned physical addresses,
// first fit, freed neighbours coalesce, and kfree of a foreign address is refused.
#include <gtest/gtest.h>

#include <new>
#include <stdexcept>

#include "stack/kernel/kmalloc.hpp"

using namespace wirepath;

// Allocations are cache-line multiples at the asked physical alignment, in address order.
TEST(Kmalloc, AllocationsAreAlignedCacheLinesInAddressOrder) {
  PhysMem ram(1u << 20);
  KernelHeap mem(ram);
  const uint64_t a = mem.kmalloc(1);
  const uint64_t b = mem.kmalloc(65);
  const uint64_t c = mem.kmalloc(10, 4096);
  EXPECT_EQ(a, ram.base());
  EXPECT_EQ(b, a + 64);
  EXPECT_EQ(c % 4096, 0u);
  EXPECT_EQ(c, ram.base() + 4096);
  EXPECT_EQ(mem.bytes_allocated(), 64u + 128u + 64u);
  EXPECT_EQ(mem.live_allocations(), 3u);
}

// Freeing two neighbours makes one hole big enough for both: first fit reuses it.
TEST(Kmalloc, FreedNeighboursCoalesceAndAreReusedFirst) {
  PhysMem ram(1u << 20);
  KernelHeap mem(ram);
  const uint64_t a = mem.kmalloc(64), b = mem.kmalloc(64);
  mem.kmalloc(64);
  mem.kfree(b);
  mem.kfree(a);
  EXPECT_EQ(mem.kmalloc(128), a);
}

// kfree of an address kmalloc did not return, and kmalloc beyond memory, fail loudly.
TEST(Kmalloc, ForeignFreeThrowsAndExhaustionIsBadAlloc) {
  PhysMem ram(4096);
  KernelHeap mem(ram);
  const uint64_t a = mem.kmalloc(64);
  EXPECT_THROW(mem.kfree(a + 64), std::invalid_argument);
  EXPECT_THROW(mem.kmalloc(4096), std::bad_alloc);
  EXPECT_EQ(ram.phys(ram.ptr(a)), a);
}

// Host DRAM as the NIC sees it over PCIe: one flat physical range plus an
// allocator the kernel model uses for skb data and the descriptor ring
// (kmalloc / dma_alloc_coherent). Plain C++: no SystemC here, so the stack and
// driver unit tests can use it without an event kernel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

namespace wirepath {

class HostMemory {
public:
  // Physical base of host DRAM. Anything outside [base, base+size) is unmapped:
  // a DMA there completes with an Unsupported Request (AXI DECERR).
  static constexpr uint64_t kDefaultBase = 0x0000'0001'0000'0000ULL;

  explicit HostMemory(size_t size_bytes = 64u << 20, uint64_t base = kDefaultBase);

  uint64_t base() const { return base_; }
  size_t size() const { return bytes_.size(); }
  bool mapped(uint64_t addr, size_t len) const;

  // Byte access by physical address; throws std::out_of_range when unmapped.
  uint8_t *ptr(uint64_t addr, size_t len = 1);
  const uint8_t *ptr(uint64_t addr, size_t len = 1) const;
  void read(uint64_t addr, void *dst, size_t len) const;
  void write(uint64_t addr, const void *src, size_t len);
  // Physical address of a pointer returned by ptr().
  uint64_t phys(const uint8_t *p) const;

  // Allocate len bytes aligned to align (a power of two, at least 64: a cache
  // line). Returns the physical address; throws std::bad_alloc when full.
  uint64_t alloc(size_t len, size_t align = 64);
  void free(uint64_t addr);
  size_t bytes_allocated() const { return allocated_bytes_; }
  size_t live_allocations() const { return live_.size(); }

private:
  uint64_t base_;
  std::vector<uint8_t> bytes_;
  // First-fit over a free list keyed by offset; neighbours coalesce on free.
  std::map<uint64_t, uint64_t> free_;  // offset -> length
  std::map<uint64_t, uint64_t> live_;  // offset -> length
  size_t allocated_bytes_ = 0;
};

}  // namespace wirepath

// The kernel's allocator (include/linux/slab.h: kmalloc, kfree) over the
// physical memory it was given. alloc_skb and dma_alloc_coherent take their
// buffers from it. It hands out physical addresses: the bytes are reached
// through ram().ptr() (phys_to_virt), and the NIC DMAs to the same addresses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>

#include "stack/kernel/phys_mem.hpp"

namespace wirepath {

class KernelHeap {
public:
  // Manages all of ram.
  explicit KernelHeap(PhysMem &ram);
  KernelHeap(const KernelHeap &) = delete;
  KernelHeap &operator=(const KernelHeap &) = delete;

  PhysMem &ram() const { return ram_; }

  // len bytes aligned to align (a power of two, at least 64: a cache line).
  // Returns the physical address; throws std::bad_alloc when full.
  uint64_t kmalloc(size_t len, size_t align = 64);
  // Throws std::invalid_argument for an address kmalloc did not return.
  void kfree(uint64_t addr);
  size_t bytes_allocated() const { return allocated_bytes_; }
  size_t live_allocations() const { return live_.size(); }

private:
  PhysMem &ram_;
  // First-fit over a free list keyed by offset from ram's base; neighbours
  // coalesce on free.
  std::map<uint64_t, uint64_t> free_;  // offset -> length
  std::map<uint64_t, uint64_t> live_;  // offset -> length
  size_t allocated_bytes_ = 0;
};

}  // namespace wirepath

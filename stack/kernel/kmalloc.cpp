#include "stack/kernel/kmalloc.hpp"

#include <iterator>
#include <new>
#include <stdexcept>

#include <fmt/format.h>

namespace wirepath {

KernelHeap::KernelHeap(PhysMem &ram) : ram_(ram) { free_[0] = ram.size(); }

uint64_t KernelHeap::kmalloc(size_t len, size_t align) {
  if (align < 64) align = 64;
  if (len == 0) len = 1;
  const uint64_t base = ram_.base();
  const uint64_t want = (len + 63) & ~uint64_t{63};
  for (auto it = free_.begin(); it != free_.end(); ++it) {
    const uint64_t off = it->first, flen = it->second;
    // Alignment is of the physical address, not of the offset.
    const uint64_t aligned = ((base + off + align - 1) & ~uint64_t(align - 1)) - base;
    if (aligned + want > off + flen) continue;
    free_.erase(it);
    if (aligned > off) free_[off] = aligned - off;
    if (aligned + want < off + flen) free_[aligned + want] = off + flen - (aligned + want);
    live_[aligned] = want;
    allocated_bytes_ += want;
    return base + aligned;
  }
  throw std::bad_alloc();
}

void KernelHeap::kfree(uint64_t addr) {
  const uint64_t base = ram_.base();
  const auto it = live_.find(addr - base);
  if (addr < base || it == live_.end())
    throw std::invalid_argument(fmt::format("kfree of 0x{:x} that kmalloc did not return", addr));
  uint64_t off = it->first, len = it->second;
  allocated_bytes_ -= len;
  live_.erase(it);
  // Coalesce with the following and preceding free ranges.
  auto next = free_.lower_bound(off);
  if (next != free_.end() && next->first == off + len) {
    len += next->second;
    next = free_.erase(next);
  }
  if (next != free_.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == off) {
      prev->second += len;
      return;
    }
  }
  free_[off] = len;
}

}  // namespace wirepath

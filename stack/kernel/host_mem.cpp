#include "stack/kernel/host_mem.hpp"

#include <cstring>
#include <new>
#include <stdexcept>

#include <fmt/format.h>

namespace wirepath {

HostMemory::HostMemory(size_t size_bytes, uint64_t base) : base_(base), bytes_(size_bytes, 0) {
  free_[0] = size_bytes;
}

bool HostMemory::mapped(uint64_t addr, size_t len) const {
  return addr >= base_ && len <= bytes_.size() && addr - base_ <= bytes_.size() - len;
}

uint8_t *HostMemory::ptr(uint64_t addr, size_t len) {
  if (!mapped(addr, len))
    throw std::out_of_range(fmt::format("host memory: 0x{:x}+{} is not mapped", addr, len));
  return bytes_.data() + (addr - base_);
}

const uint8_t *HostMemory::ptr(uint64_t addr, size_t len) const {
  if (!mapped(addr, len))
    throw std::out_of_range(fmt::format("host memory: 0x{:x}+{} is not mapped", addr, len));
  return bytes_.data() + (addr - base_);
}

void HostMemory::read(uint64_t addr, void *dst, size_t len) const {
  std::memcpy(dst, ptr(addr, len), len);
}

void HostMemory::write(uint64_t addr, const void *src, size_t len) {
  std::memcpy(ptr(addr, len), src, len);
}

uint64_t HostMemory::phys(const uint8_t *p) const {
  return base_ + static_cast<uint64_t>(p - bytes_.data());
}

uint64_t HostMemory::alloc(size_t len, size_t align) {
  if (align < 64) align = 64;
  if (len == 0) len = 1;
  const uint64_t want = (len + 63) & ~uint64_t{63};
  for (auto it = free_.begin(); it != free_.end(); ++it) {
    const uint64_t off = it->first, flen = it->second;
    // Alignment is of the physical address, not of the offset.
    const uint64_t aligned = ((base_ + off + align - 1) & ~uint64_t(align - 1)) - base_;
    if (aligned + want > off + flen) continue;
    free_.erase(it);
    if (aligned > off) free_[off] = aligned - off;
    if (aligned + want < off + flen) free_[aligned + want] = off + flen - (aligned + want);
    live_[aligned] = want;
    allocated_bytes_ += want;
    return base_ + aligned;
  }
  throw std::bad_alloc();
}

void HostMemory::free(uint64_t addr) {
  const auto it = live_.find(addr - base_);
  if (addr < base_ || it == live_.end())
    throw std::invalid_argument(fmt::format("host memory: free of 0x{:x} that was not allocated", addr));
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

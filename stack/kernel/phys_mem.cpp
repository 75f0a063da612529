#include "stack/kernel/phys_mem.hpp"

#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace wirepath {

PhysMem::PhysMem(size_t size_bytes, uint64_t base) : base_(base), bytes_(size_bytes, 0) {}

bool PhysMem::contains(uint64_t addr, size_t len) const {
  return addr >= base_ && len <= bytes_.size() && addr - base_ <= bytes_.size() - len;
}

uint8_t *PhysMem::ptr(uint64_t addr, size_t len) {
  if (!contains(addr, len))
    throw std::out_of_range(fmt::format("physical memory: 0x{:x}+{} is not DRAM", addr, len));
  return bytes_.data() + (addr - base_);
}

const uint8_t *PhysMem::ptr(uint64_t addr, size_t len) const {
  if (!contains(addr, len))
    throw std::out_of_range(fmt::format("physical memory: 0x{:x}+{} is not DRAM", addr, len));
  return bytes_.data() + (addr - base_);
}

void PhysMem::read(uint64_t addr, void *dst, size_t len) const { std::memcpy(dst, ptr(addr, len), len); }

void PhysMem::write(uint64_t addr, const void *src, size_t len) { std::memcpy(ptr(addr, len), src, len); }

uint64_t PhysMem::phys(const void *p) const {
  return base_ + static_cast<uint64_t>(static_cast<const uint8_t *>(p) - bytes_.data());
}

}  // namespace wirepath

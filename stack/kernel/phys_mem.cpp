#include "stack/kernel/phys_mem.hpp"

#include <sys/mman.h>

#include <cstring>
#include <new>
#include <stdexcept>

#include <fmt/format.h>

namespace wirepath {

namespace {
uint8_t *map_zeroed(size_t size) {
  if (size == 0) return nullptr;
  void *p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  return static_cast<uint8_t *>(p);
}
}  // namespace

void PhysMem::Unmap::operator()(uint8_t *p) const {
  if (p) munmap(p, size);
}

PhysMem::PhysMem(size_t size_bytes, uint64_t base)
    : base_(base), size_(size_bytes), bytes_(map_zeroed(size_bytes), Unmap{size_bytes}) {}

bool PhysMem::contains(uint64_t addr, size_t len) const {
  return addr >= base_ && len <= size_ && addr - base_ <= size_ - len;
}

uint8_t *PhysMem::ptr(uint64_t addr, size_t len) {
  if (!contains(addr, len))
    throw std::out_of_range(fmt::format("physical memory: 0x{:x}+{} is not DRAM", addr, len));
  return bytes_.get() + (addr - base_);
}

const uint8_t *PhysMem::ptr(uint64_t addr, size_t len) const {
  if (!contains(addr, len))
    throw std::out_of_range(fmt::format("physical memory: 0x{:x}+{} is not DRAM", addr, len));
  return bytes_.get() + (addr - base_);
}

void PhysMem::read(uint64_t addr, void *dst, size_t len) const { std::memcpy(dst, ptr(addr, len), len); }

void PhysMem::write(uint64_t addr, const void *src, size_t len) { std::memcpy(ptr(addr, len), src, len); }

uint64_t PhysMem::phys(const void *p) const {
  return base_ + static_cast<uint64_t>(static_cast<const uint8_t *>(p) - bytes_.get());
}

}  // namespace wirepath

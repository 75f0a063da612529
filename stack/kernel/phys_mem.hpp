// Physical memory: host DRAM as bytes at physical addresses, and nothing
// else. The machine (the simulator, or a test) constructs it and hands it to
// the kernel (whose allocator carves it up, kmalloc.hpp) and to the root
// complex (which serves the NIC's DMA from it). Plain C++: no SystemC here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace wirepath {

class PhysMem {
public:
  // Physical base of host DRAM. Anything outside [base, base+size) is not
  // memory: a DMA there completes with an Unsupported Request (AXI DECERR).
  static constexpr uint64_t kDefaultBase = 0x0000'0001'0000'0000ULL;

  explicit PhysMem(size_t size_bytes = 64u << 20, uint64_t base = kDefaultBase);

  uint64_t base() const { return base_; }
  size_t size() const { return size_; }
  // True if [addr, addr+len) is DRAM.
  bool contains(uint64_t addr, size_t len) const;

  // Byte access by physical address (phys_to_virt); throws std::out_of_range
  // outside DRAM.
  uint8_t *ptr(uint64_t addr, size_t len = 1);
  const uint8_t *ptr(uint64_t addr, size_t len = 1) const;
  void read(uint64_t addr, void *dst, size_t len) const;
  void write(uint64_t addr, const void *src, size_t len);
  // Physical address of a pointer returned by ptr() (virt_to_phys).
  uint64_t phys(const void *p) const;

private:
  // Anonymous pages, zero on first touch: a run pays only for the memory it
  // uses, not for zeroing all of DRAM up front.
  struct Unmap {
    size_t size;
    void operator()(uint8_t *p) const;
  };
  uint64_t base_;
  size_t size_;
  std::unique_ptr<uint8_t, Unmap> bytes_;
};

}  // namespace wirepath

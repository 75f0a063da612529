// kernel/dma/mapping.c for an identity-mapped IOMMU, with the bookkeeping of
// kernel/dma/debug.c: unmapping what was never mapped is a driver bug and throws.
#include "stack/kernel/dma_mapping.hpp"

#include <cerrno>
#include <cstring>
#include <new>
#include <stdexcept>

#include <fmt/format.h>

namespace wirepath {

namespace {

bool can_read(dma_data_direction dir) { return dir == DMA_BIDIRECTIONAL || dir == DMA_TO_DEVICE; }
bool can_write(dma_data_direction dir) { return dir == DMA_BIDIRECTIONAL || dir == DMA_FROM_DEVICE; }

dma_addr_t dma_map(device *dev, uint64_t phys, size_t size, dma_data_direction dir, bool coherent) {
  if (size == 0 || dir == DMA_NONE || !dev->mem.ram().contains(phys, size)) return DMA_MAPPING_ERROR;
  dev->iommu.map(phys, size, dir);
  dev->dma_maps.emplace(phys, device::dma_map_entry{size, dir, coherent});
  return phys;
}

void dma_unmap(device *dev, dma_addr_t addr, size_t size, dma_data_direction dir, bool coherent, const char *what) {
  auto [lo, hi] = dev->dma_maps.equal_range(addr);
  for (auto it = lo; it != hi; ++it) {
    const device::dma_map_entry &e = it->second;
    if (e.size != size || e.dir != dir || e.coherent != coherent) continue;
    dev->iommu.unmap(addr, size, dir);
    dev->dma_maps.erase(it);
    return;
  }
  throw std::logic_error(fmt::format("{}: 0x{:x}+{} was not mapped that way", what, addr, size));
}

}  // namespace

void iommu_domain::map(dma_addr_t iova, size_t len, dma_data_direction dir) {
  for (uint64_t pfn = iova >> kPageShift; pfn <= (iova + len - 1) >> kPageShift; pfn++) {
    pte &p = ptes_[pfn];
    p.readers += can_read(dir);
    p.writers += can_write(dir);
  }
}

void iommu_domain::unmap(dma_addr_t iova, size_t len, dma_data_direction dir) {
  for (uint64_t pfn = iova >> kPageShift; pfn <= (iova + len - 1) >> kPageShift; pfn++) {
    auto it = ptes_.find(pfn);
    if (it == ptes_.end()) continue;
    it->second.readers -= can_read(dir);
    it->second.writers -= can_write(dir);
    if (!it->second.readers && !it->second.writers) ptes_.erase(it);
  }
}

bool iommu_domain::allows(dma_addr_t iova, size_t len, bool write) const {
  if (len == 0) return true;
  for (uint64_t pfn = iova >> kPageShift; pfn <= (iova + len - 1) >> kPageShift; pfn++) {
    const auto it = ptes_.find(pfn);
    if (it == ptes_.end() || !(write ? it->second.writers : it->second.readers)) return false;
  }
  return true;
}

dma_addr_t dma_map_single(device *dev, void *cpu_addr, size_t size, dma_data_direction dir) {
  return dma_map(dev, dev->mem.ram().phys(cpu_addr), size, dir, false);
}

void dma_unmap_single(device *dev, dma_addr_t addr, size_t size, dma_data_direction dir) {
  dma_unmap(dev, addr, size, dir, false, "dma_unmap_single");
}

dma_addr_t dma_map_phys(device *dev, uint64_t phys, size_t size, dma_data_direction dir) {
  return dma_map(dev, phys, size, dir, false);
}

void dma_unmap_phys(device *dev, dma_addr_t addr, size_t size, dma_data_direction dir) {
  dma_unmap(dev, addr, size, dir, false, "dma_unmap_phys");
}

int dma_mapping_error(device *, dma_addr_t addr) { return addr == DMA_MAPPING_ERROR ? -ENOMEM : 0; }

void *dma_alloc_coherent(device *dev, size_t size, dma_addr_t *dma_handle) {
  // Whole pages, as the page allocator behind it gives: the buffer shares
  // its IOMMU pages with nothing else.
  const size_t bytes = (size + iommu_domain::kPageSize - 1) & ~(iommu_domain::kPageSize - 1);
  uint64_t phys;
  try {
    phys = dev->mem.kmalloc(bytes, iommu_domain::kPageSize);
  } catch (const std::bad_alloc &) {
    return nullptr;
  }
  uint8_t *p = dev->mem.ram().ptr(phys, bytes);
  std::memset(p, 0, bytes);
  *dma_handle = dma_map(dev, phys, bytes, DMA_BIDIRECTIONAL, true);
  return p;
}

void dma_free_coherent(device *dev, size_t size, void *cpu_addr, dma_addr_t dma_handle) {
  const size_t bytes = (size + iommu_domain::kPageSize - 1) & ~(iommu_domain::kPageSize - 1);
  if (dev->mem.ram().phys(cpu_addr) != dma_handle)
    throw std::logic_error(fmt::format("dma_free_coherent: 0x{:x} is not the buffer's DMA address", dma_handle));
  dma_unmap(dev, dma_handle, bytes, DMA_BIDIRECTIONAL, true, "dma_free_coherent");
  dev->mem.kfree(dma_handle);
}

}  // namespace wirepath

// The DMA mapping API (include/linux/dma-mapping.h) for one device: a driver
// maps a buffer before the device may touch it and unmaps it when the device
// is done. Addresses are identity-mapped (the DMA address of a buffer is its
// physical address, so descriptors and the wire are as without an IOMMU), but
// every mapping also grants its pages in the device's iommu_domain, which the
// root complex consults on every DMA: a device access outside a live mapping
// (a stray pointer, a use after dma_unmap_single) is refused there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <unordered_map>

#include "stack/kernel/kmalloc.hpp"

namespace wirepath {

using dma_addr_t = uint64_t;

enum dma_data_direction : uint8_t { DMA_BIDIRECTIONAL = 0, DMA_TO_DEVICE = 1, DMA_FROM_DEVICE = 2, DMA_NONE = 3 };

constexpr dma_addr_t DMA_MAPPING_ERROR = ~dma_addr_t{0};

// The IOMMU's page table for one device. Granularity is the IOMMU's: 4 KiB
// pages, so a device may touch the whole page a mapped buffer lies in. That
// admits what a correct device does (16-byte aligned beats and bursts that run
// past a buffer's end stay in its page: AXI bursts never cross 4 KiB) and
// still catches a DMA to a page with no live mapping. Because IOVAs are the
// physical addresses, two buffers in one page share its entry: each mapping
// counts, and the page goes when its last mapping does. Read and write are
// separate rights, as in a VT-d PTE (DMA_TO_DEVICE: the device only reads).
class iommu_domain {
public:
  static constexpr unsigned kPageShift = 12;
  static constexpr uint64_t kPageSize = uint64_t{1} << kPageShift;

  // iommu_map / iommu_unmap of the pages under [iova, iova+len).
  void map(dma_addr_t iova, size_t len, dma_data_direction dir);
  void unmap(dma_addr_t iova, size_t len, dma_data_direction dir);
  // True if the device may read (write = false) or write every byte of
  // [iova, iova+len).
  bool allows(dma_addr_t iova, size_t len, bool write) const;
  size_t mapped_pages() const { return ptes_.size(); }

private:
  struct pte {
    uint32_t readers = 0, writers = 0;  // live mappings granting each right
  };
  std::unordered_map<uint64_t, pte> ptes_;  // page frame number -> rights
};

// The part of struct device the DMA API uses: the memory it allocates from,
// the IOMMU domain the device sits behind, and the live mappings
// (CONFIG_DMA_API_DEBUG's table: an unmap must match a map).
struct device {
  explicit device(KernelHeap &heap) : mem(heap) {}
  device(const device &) = delete;
  device &operator=(const device &) = delete;

  struct dma_map_entry {
    size_t size;
    dma_data_direction dir;
    bool coherent;  // from dma_alloc_coherent
  };
  KernelHeap &mem;
  iommu_domain iommu;
  std::multimap<dma_addr_t, dma_map_entry> dma_maps;
};

// Streaming mappings. cpu_addr is a kernel pointer into the device's memory
// (skb->data); dma_map_phys maps by physical address (a paged fragment).
// DMA_MAPPING_ERROR if the buffer is empty or not in memory.
dma_addr_t dma_map_single(device *dev, void *cpu_addr, size_t size, dma_data_direction dir);
void dma_unmap_single(device *dev, dma_addr_t addr, size_t size, dma_data_direction dir);
dma_addr_t dma_map_phys(device *dev, uint64_t phys, size_t size, dma_data_direction dir);
void dma_unmap_phys(device *dev, dma_addr_t addr, size_t size, dma_data_direction dir);
// Nonzero (-ENOMEM) if a map call failed.
int dma_mapping_error(device *dev, dma_addr_t addr);

// Coherent memory (descriptor rings): whole pages, zeroed, mapped both ways
// until freed. Returns the kernel pointer and sets *dma_handle; nullptr when
// memory is exhausted.
void *dma_alloc_coherent(device *dev, size_t size, dma_addr_t *dma_handle);
void dma_free_coherent(device *dev, size_t size, void *cpu_addr, dma_addr_t dma_handle);

}  // namespace wirepath

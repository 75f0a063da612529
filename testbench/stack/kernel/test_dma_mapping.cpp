// The DMA mapping API and the IOMMU domain behind it: what a device may touch
// is exactly the 4 KiB pages under its live mappings, with read and write
// rights by direction; unmapping what was not mapped is a driver bug.
#include <gtest/gtest.h>

#include <stdexcept>

#include "stack/kernel/dma_mapping.hpp"

using namespace wirepath;

namespace {

struct DmaMapping : testing::Test {
  PhysMem ram{1u << 20};
  KernelHeap mem{ram};
  device dev{mem};
  static constexpr uint64_t kPage = iommu_domain::kPageSize;
};

}  // namespace

// dma_map_single of a kernel pointer gives its physical address (identity
// mapping) and lets the device read, not write, the page it lies in; unmap
// takes the page away again.
TEST_F(DmaMapping, MapSingleGrantsReadOfItsPageUntilUnmapped) {
  const uint64_t phys = mem.kmalloc(100, kPage);
  const dma_addr_t a = dma_map_single(&dev, ram.ptr(phys, 100), 100, DMA_TO_DEVICE);
  ASSERT_EQ(dma_mapping_error(&dev, a), 0);
  EXPECT_EQ(a, phys);
  EXPECT_TRUE(dev.iommu.allows(a, 100, false));
  EXPECT_TRUE(dev.iommu.allows(a + kPage - 16, 16, false));  // the rest of its page
  EXPECT_FALSE(dev.iommu.allows(a + kPage, 16, false));      // the next page
  EXPECT_FALSE(dev.iommu.allows(a, 16, true));               // TO_DEVICE: no write
  EXPECT_FALSE(dev.iommu.allows(a + kPage - 16, 32, false)); // straddles into the next page
  dma_unmap_single(&dev, a, 100, DMA_TO_DEVICE);
  EXPECT_FALSE(dev.iommu.allows(a, 16, false));
  EXPECT_TRUE(dev.dma_maps.empty());
  EXPECT_EQ(dev.iommu.mapped_pages(), 0u);
}

// Two buffers in one page share its entry: the page stays until the last goes.
TEST_F(DmaMapping, SharedPageStaysMappedUntilItsLastMappingGoes) {
  const uint64_t page = mem.kmalloc(kPage, kPage);
  const dma_addr_t a = dma_map_phys(&dev, page, 64, DMA_TO_DEVICE);
  const dma_addr_t b = dma_map_phys(&dev, page + 1024, 64, DMA_TO_DEVICE);
  dma_unmap_phys(&dev, a, 64, DMA_TO_DEVICE);
  EXPECT_TRUE(dev.iommu.allows(page, 16, false));
  dma_unmap_phys(&dev, b, 64, DMA_TO_DEVICE);
  EXPECT_FALSE(dev.iommu.allows(page, 16, false));
}

// A buffer across a page boundary maps both pages.
TEST_F(DmaMapping, BufferAcrossAPageBoundaryMapsBothPages) {
  const uint64_t base = mem.kmalloc(3 * kPage, kPage);
  const dma_addr_t a = dma_map_phys(&dev, base + kPage - 8, 16, DMA_FROM_DEVICE);
  EXPECT_EQ(dev.iommu.mapped_pages(), 2u);
  EXPECT_TRUE(dev.iommu.allows(base, 2 * kPage, true));
  EXPECT_FALSE(dev.iommu.allows(base, 16, false));  // FROM_DEVICE: no read
  EXPECT_FALSE(dev.iommu.allows(base + 2 * kPage, 16, true));
  dma_unmap_phys(&dev, a, 16, DMA_FROM_DEVICE);
}

// Mapping nothing, or bytes that are not memory, fails: DMA_MAPPING_ERROR and no page granted.
TEST_F(DmaMapping, MappingOutsideMemoryIsAnError) {
  const dma_addr_t a = dma_map_phys(&dev, 0x1000, 64, DMA_TO_DEVICE);
  EXPECT_EQ(a, DMA_MAPPING_ERROR);
  EXPECT_NE(dma_mapping_error(&dev, a), 0);
  EXPECT_EQ(dma_map_phys(&dev, ram.base() + ram.size() - 32, 64, DMA_TO_DEVICE), DMA_MAPPING_ERROR);
  EXPECT_EQ(dma_map_phys(&dev, ram.base(), 0, DMA_TO_DEVICE), DMA_MAPPING_ERROR);
  EXPECT_EQ(dev.iommu.mapped_pages(), 0u);
  EXPECT_TRUE(dev.dma_maps.empty());
}

// An unmap must match a map (address, size, direction), as CONFIG_DMA_API_DEBUG checks.
TEST_F(DmaMapping, UnmapOfWhatWasNotMappedThrows) {
  const uint64_t phys = mem.kmalloc(256);
  const dma_addr_t a = dma_map_phys(&dev, phys, 256, DMA_TO_DEVICE);
  EXPECT_THROW(dma_unmap_phys(&dev, a, 128, DMA_TO_DEVICE), std::logic_error);
  EXPECT_THROW(dma_unmap_phys(&dev, a, 256, DMA_FROM_DEVICE), std::logic_error);
  dma_unmap_phys(&dev, a, 256, DMA_TO_DEVICE);
  EXPECT_THROW(dma_unmap_phys(&dev, a, 256, DMA_TO_DEVICE), std::logic_error);  // twice
}

// dma_alloc_coherent: whole zeroed pages from the kernel's heap, readable
// and writable by the device until dma_free_coherent gives them back.
TEST_F(DmaMapping, CoherentMemoryIsZeroedWholePagesMappedBothWays) {
  const uint64_t junk = mem.kmalloc(2 * kPage, kPage);
  std::vector<uint8_t> ones(2 * kPage, 0xff);
  ram.write(junk, ones.data(), ones.size());
  mem.kfree(junk);
  dma_addr_t h = 0;
  auto *p = static_cast<uint8_t *>(dma_alloc_coherent(&dev, 100, &h));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(h, junk);  // first fit: where the junk was
  EXPECT_EQ(h % kPage, 0u);
  EXPECT_EQ(ram.phys(p), h);
  EXPECT_EQ(p[0], 0);
  EXPECT_EQ(p[kPage - 1], 0);
  EXPECT_EQ(mem.bytes_allocated(), kPage);
  EXPECT_TRUE(dev.iommu.allows(h, kPage, true));
  EXPECT_TRUE(dev.iommu.allows(h, kPage, false));
  dma_free_coherent(&dev, 100, p, h);
  EXPECT_FALSE(dev.iommu.allows(h, 16, false));
  EXPECT_EQ(mem.live_allocations(), 0u);
}

// Out of memory: dma_alloc_coherent returns nullptr, as it does without GFP_NOFAIL.
TEST_F(DmaMapping, CoherentAllocationFailsWithNullWhenMemoryIsFull) {
  dma_addr_t h = 0;
  EXPECT_EQ(dma_alloc_coherent(&dev, ram.size() + 1, &h), nullptr);
  EXPECT_TRUE(dev.dma_maps.empty());
}

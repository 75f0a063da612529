// The root complex as an IOMMU sees the NIC's DMA: a read or write is served
// only on pages the driver has mapped for it (in the direction mapped), and
// anything else completes with an error response and is counted.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "sim/host/host_bridge.hpp"
#include "sim/sc_time_util.hpp"
#include "stack/kernel/dma_mapping.hpp"

using namespace wirepath;

namespace {

constexpr uint64_t kPage = iommu_domain::kPageSize;

// The NIC's side of the root complex, without the link in between.
struct Bench : sc_core::sc_module {
  PhysMem ram{1 << 20};
  KernelHeap mem{ram};
  device nic_dev{mem};
  HostBridge bridge{"root_complex", ram, &nic_dev.iommu, 100 * kNs};
  tlm_utils::simple_initiator_socket<Bench> dma{"dma"};
  explicit Bench(sc_core::sc_module_name n) : sc_core::sc_module(n) { dma.bind(bridge.pcie); }

  // One DMA as the NIC model issues it; true if the response was OK.
  bool access(bool write, uint64_t addr, std::vector<uint8_t> &data) {
    tlm::tlm_generic_payload t;
    if (write)
      t.set_write();
    else
      t.set_read();
    t.set_address(addr);
    t.set_data_ptr(data.data());
    t.set_data_length(static_cast<unsigned>(data.size()));
    t.set_streaming_width(static_cast<unsigned>(data.size()));
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    dma->b_transport(t, d);
    return t.is_response_ok();
  }
  bool read(uint64_t addr, unsigned len, std::vector<uint8_t> *out = nullptr) {
    std::vector<uint8_t> buf(len, 0);
    const bool ok = access(false, addr, buf);
    if (out) *out = buf;
    return ok;
  }
  bool write(uint64_t addr, std::vector<uint8_t> data) { return access(true, addr, data); }
};

}  // namespace

// Use after unmap: the NIC reads a buffer the driver has dma_unmap_single'd
// (its page has no other mapping). The read that worked a moment ago now
// gets an error response, is counted as an IOMMU fault, and returns no data.
TEST(HostBridgeIommu, ReadAfterDmaUnmapSingleIsRefusedAndCounted) {
  Bench b("bench");
  const uint64_t phys = b.mem.kmalloc(256, kPage);
  uint8_t *buf = b.ram.ptr(phys, 256);
  std::memset(buf, 0x5a, 256);
  const dma_addr_t a = dma_map_single(&b.nic_dev, buf, 256, DMA_TO_DEVICE);
  std::vector<uint8_t> got;
  EXPECT_TRUE(b.read(a, 64, &got));
  EXPECT_EQ(got, std::vector<uint8_t>(64, 0x5a));
  dma_unmap_single(&b.nic_dev, a, 256, DMA_TO_DEVICE);
  EXPECT_FALSE(b.read(a, 64, &got));
  EXPECT_EQ(got, std::vector<uint8_t>(64, 0));
  EXPECT_EQ(b.bridge.iommu_faults(), 1u);
  EXPECT_EQ(b.bridge.dma_errors(), 1u);
}

// Page granularity: a burst that runs past a buffer's end but stays in its
// page is served (a NIC reads whole aligned beats); one that reaches into the
// next, unmapped page is refused as a whole.
TEST(HostBridgeIommu, BurstPastABuffersEndIsServedOnlyWithinItsPage) {
  Bench b("bench");
  const uint64_t page = b.mem.kmalloc(2 * kPage, kPage);
  const dma_addr_t a = dma_map_phys(&b.nic_dev, page + kPage - 100, 90, DMA_TO_DEVICE);
  EXPECT_TRUE(b.read(a & ~uint64_t{15}, 112));               // the beats covering it
  EXPECT_TRUE(b.read(page, 256));                            // same page, not in the buffer
  EXPECT_FALSE(b.read(page + kPage - 64, 128));              // into the next page
  EXPECT_EQ(b.bridge.iommu_faults(), 1u);
  dma_unmap_phys(&b.nic_dev, a, 90, DMA_TO_DEVICE);
}

// Writes: the descriptor write-back lands in the coherent ring; a write to a
// buffer mapped DMA_TO_DEVICE (read-only for the device) or to a page with no
// mapping is refused and never reaches memory.
TEST(HostBridgeIommu, WritesLandOnlyWhereTheDeviceMayWrite) {
  Bench b("bench");
  dma_addr_t ring = 0;
  auto *desc = static_cast<uint8_t *>(dma_alloc_coherent(&b.nic_dev, 4096, &ring));
  const uint64_t tx = b.mem.kmalloc(kPage, kPage), stray = b.mem.kmalloc(kPage, kPage);
  const dma_addr_t txa = dma_map_phys(&b.nic_dev, tx, 64, DMA_TO_DEVICE);
  bool ring_ok = false, tx_ok = true, stray_ok = true;
  sc_core::sc_spawn([&] {
    ring_ok = b.write(ring + 12, {0x01});
    tx_ok = b.write(txa, {0xee});
    stray_ok = b.write(stray, {0xee});
  });
  sc_core::sc_start();
  EXPECT_TRUE(ring_ok);
  EXPECT_EQ(desc[12], 0x01);
  EXPECT_FALSE(tx_ok);
  EXPECT_FALSE(stray_ok);
  EXPECT_EQ(*b.ram.ptr(tx), 0);
  EXPECT_EQ(*b.ram.ptr(stray), 0);
  EXPECT_EQ(b.bridge.iommu_faults(), 2u);
  dma_unmap_phys(&b.nic_dev, txa, 64, DMA_TO_DEVICE);
  dma_free_coherent(&b.nic_dev, 4096, desc, ring);
}

// An MSI is a write to the interrupt window, not to memory: no mapping needed.
// An address that is not DRAM at all is an error, but not the IOMMU's.
TEST(HostBridgeIommu, MsiNeedsNoMappingAndNonDramIsAnErrorNotAFault) {
  Bench b("bench");
  bool msi_ok = false, hole_ok = true;
  sc_core::sc_spawn([&] {
    msi_ok = b.write(HostBridge::kMsiBase, {0x41, 0, 0, 0});
    hole_ok = b.read(0x1000, 64);
  });
  sc_core::sc_start();
  EXPECT_TRUE(msi_ok);
  EXPECT_FALSE(hole_ok);
  EXPECT_EQ(b.bridge.msis(), 1u);
  EXPECT_EQ(b.bridge.dma_errors(), 1u);
  EXPECT_EQ(b.bridge.iommu_faults(), 0u);
}

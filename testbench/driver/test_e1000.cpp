// The driver alone, against a register file stand-in and host memory.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "driver/e1000.hpp"
#include "stack/ethernet/eth.hpp"
#include "stack/sched/sch_generic.hpp"

using namespace wirepath;

namespace {

struct FakeRegs : Mmio {
  std::map<uint32_t, uint32_t> regs;
  std::vector<std::pair<uint32_t, uint32_t>> writes;
  uint32_t icr = 0;
  uint32_t txcap = 0;
  bool dma_busy = false;  // STATUS.GIO_MASTER_EN stays set: the NIC never goes idle
  void writel(uint32_t v, uint32_t r) override {
    writes.push_back({r, v});
    regs[r] = v;
  }
  std::vector<std::pair<uint32_t, std::vector<uint8_t>>> wide_writes;
  void iowrite64_copy(uint32_t r, const void *src, uint32_t len) override {
    const auto *p = static_cast<const uint8_t *>(src);
    wide_writes.push_back({r, std::vector<uint8_t>(p, p + len)});
  }
  uint32_t readl(uint32_t r) override {
    if (r == E1000_TXCAP) return txcap;
    if (r == E1000_STATUS) return E1000_STATUS_LU | E1000_STATUS_FD | (dma_busy ? uint32_t{E1000_STATUS_GIO_MASTER_ENABLE} : 0u);
    if (r == E1000_ICR) return std::exchange(icr, 0);
    return regs[r];
  }
};

struct DriverFixture : testing::Test {
  PhysMem ram{4 << 20};
  KernelHeap mem{ram};
  device pdev{mem};
  FakeRegs regs;
  net_device dev;
  E1000Config cfg;
  std::unique_ptr<E1000Adapter> a;
  void open() {
    a = std::make_unique<E1000Adapter>(pdev, regs, dev, cfg);
    ASSERT_EQ(a->e1000e_open(), 0);
  }
  sk_buff *packet(uint32_t len, uint8_t fill) {
    sk_buff *skb = alloc_skb(mem, len + 64);
    skb->reserve(64);
    uint8_t *p = skb->put(len);
    std::fill(p, p + len, fill);
    return skb;
  }
  e1000_tx_desc d(uint32_t i) {
    e1000_tx_desc x;
    ram.read(a->tx_ring().dma + 16 * i, &x, 16);
    return x;
  }
  void complete(uint32_t i) { ram.ptr(a->tx_ring().dma + 16 * i + 12)[0] |= E1000_TXD_STAT_DD; }
  void TearDown() override {
    a.reset();
    EXPECT_EQ(skb_counters().live(), 0u);
    EXPECT_TRUE(pdev.dma_maps.empty());  // every buffer unmapped, the ring freed
  }
};

}  // namespace

// e1000_configure_tx programs ring base/length, head = tail = 0, TCTL EN|PSP.
TEST_F(DriverFixture, OpenProgramsRingAndEnablesTransmit) {
  open();
  EXPECT_EQ(regs.regs[E1000_TDBAL], static_cast<uint32_t>(a->tx_ring().dma));
  EXPECT_EQ(regs.regs[E1000_TDBAH], static_cast<uint32_t>(a->tx_ring().dma >> 32));
  EXPECT_EQ(regs.regs[E1000_TDLEN], 256u * 16);
  EXPECT_EQ(regs.regs[E1000_TDT], 0u);
  EXPECT_TRUE(regs.regs[E1000_TCTL] & E1000_TCTL_EN);
  EXPECT_TRUE(regs.regs[E1000_TCTL] & E1000_TCTL_PSP);
  EXPECT_EQ(regs.regs[E1000_IMS], E1000_ICR_TXDW);
  EXPECT_EQ(a->tx_ring().dma % 4096, 0u);
}

// One linear packet -> one descriptor with IFCS|EOP|RS and the skb's address; TDT = 1.
TEST_F(DriverFixture, XmitFillsLegacyDescriptorAndRingsDoorbell) {
  open();
  sk_buff *skb = packet(100, 0x5a);
  const uint64_t addr = skb->data_addr();
  EXPECT_EQ(a->e1000_xmit_frame(skb), NETDEV_TX_OK);
  const e1000_tx_desc x = d(0);
  EXPECT_EQ(x.buffer_addr, addr);
  EXPECT_EQ(x.length, 100);
  EXPECT_EQ(x.cmd, E1000_TXD_CMD_IFCS | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS);
  EXPECT_EQ(x.status, 0);
  EXPECT_EQ(regs.writes.back(), std::make_pair(uint32_t{E1000_TDT}, 1u));
  complete(0);
  regs.icr = E1000_ICR_TXDW;
  EXPECT_TRUE(a->e1000_intr_msi());
  EXPECT_EQ(a->e1000e_poll(64), 0);
  EXPECT_EQ(a->tx_ring().next_to_clean, 1u);
  EXPECT_EQ(skb_counters().consumed, skb_counters().allocated);
}

// Push mode on a NIC with the capability: the doorbell is one 64-byte
// write-combined write to the push window with the new TDT, the first slot
// and copies of the packet's descriptors (no TDT writel); a packet of more
// descriptors than the window holds rings TDT as in ring mode.
TEST_F(DriverFixture, PushModeSendsTheDescriptorsWithTheDoorbell) {
  cfg.tx_mode = E1000TxMode::push;
  cfg.max_per_txd = 256;
  regs.txcap = E1000_TXCAP_PUSH;
  open();
  const size_t tdt_writes = regs.writes.size();
  ASSERT_EQ(a->e1000_xmit_frame(packet(100, 1)), NETDEV_TX_OK);
  ASSERT_EQ(a->e1000_xmit_frame(packet(700, 2)), NETDEV_TX_OK);  // 3 descriptors: fits
  ASSERT_EQ(regs.wide_writes.size(), 2u);
  EXPECT_EQ(regs.writes.size(), tdt_writes);  // no TDT writel
  e1000_tx_push blk;
  ASSERT_EQ(regs.wide_writes[1].second.size(), sizeof blk);
  EXPECT_EQ(regs.wide_writes[1].first, uint32_t{E1000_TXPUSH});
  std::memcpy(&blk, regs.wide_writes[1].second.data(), sizeof blk);
  EXPECT_EQ(blk.tdt, 4);
  EXPECT_EQ(blk.first, 1);
  EXPECT_EQ(blk.count, 3);
  for (uint32_t k = 0; k < 3; k++) {
    const e1000_tx_desc x = d(1 + k);
    EXPECT_EQ(std::memcmp(blk.desc[k], &x, 16), 0) << "descriptor " << k;
  }
  // 4 descriptors: more than the window holds, so TDT.
  ASSERT_EQ(a->e1000_xmit_frame(packet(1000, 3)), NETDEV_TX_OK);
  EXPECT_EQ(regs.wide_writes.size(), 2u);
  EXPECT_EQ(regs.writes.back(), std::make_pair(uint32_t{E1000_TDT}, 8u));
  EXPECT_EQ(a->stats().pushes, 2u);
  // Completion is the ring's, as in ring mode.
  complete(0), complete(3), complete(7);
  a->e1000_clean_tx_irq(64);
  EXPECT_EQ(a->tx_ring().next_to_clean, 8u);
}

// Inline mode: a packet of one buffer of at most 256 bytes goes as 64-byte
// blocks at the inline window (the last one zero-padded), then the push block
// with their length (the doorbell last); a larger one is pushed without
// bytes. A NIC with push but not inline gets pushes only.
TEST_F(DriverFixture, InlineModeWritesTheFrameBeforeItsPushBlock) {
  cfg.tx_mode = E1000TxMode::inline_;
  regs.txcap = E1000_TXCAP_PUSH | E1000_TXCAP_INLINE;
  open();
  sk_buff *skb = packet(130, 7);
  skb->data[0] = 0xAB;
  skb->data[129] = 0xCD;
  ASSERT_EQ(a->e1000_xmit_frame(skb), NETDEV_TX_OK);
  ASSERT_EQ(regs.wide_writes.size(), 4u);
  for (uint32_t k = 0; k < 3; k++) {
    EXPECT_EQ(regs.wide_writes[k].first, E1000_TXINLINE + 64 * k);
    ASSERT_EQ(regs.wide_writes[k].second.size(), 64u);
  }
  EXPECT_EQ(regs.wide_writes[0].second[0], 0xAB);
  EXPECT_EQ(regs.wide_writes[0].second[1], 7);
  EXPECT_EQ(regs.wide_writes[2].second[1], 0xCD);  // byte 129
  EXPECT_EQ(regs.wide_writes[2].second[2], 0);     // padding
  e1000_tx_push blk;
  EXPECT_EQ(regs.wide_writes[3].first, uint32_t{E1000_TXPUSH});
  std::memcpy(&blk, regs.wide_writes[3].second.data(), sizeof blk);
  EXPECT_EQ(blk.inl_len, 130);
  EXPECT_EQ(blk.count, 1);
  EXPECT_EQ(blk.tdt, 1);
  ASSERT_EQ(a->e1000_xmit_frame(packet(257, 8)), NETDEV_TX_OK);  // over the limit: push
  ASSERT_EQ(regs.wide_writes.size(), 5u);
  std::memcpy(&blk, regs.wide_writes[4].second.data(), sizeof blk);
  EXPECT_EQ(blk.inl_len, 0);
  EXPECT_EQ(a->stats().inlines, 1u);
  EXPECT_EQ(a->stats().pushes, 2u);
}

// Inline mode on a NIC with the push window but no inline frames: pushes.
TEST_F(DriverFixture, InlineModeOnANicWithoutInlinePushesOnly) {
  cfg.tx_mode = E1000TxMode::inline_;
  regs.txcap = E1000_TXCAP_PUSH;
  open();
  ASSERT_EQ(a->e1000_xmit_frame(packet(60, 1)), NETDEV_TX_OK);
  ASSERT_EQ(regs.wide_writes.size(), 1u);
  EXPECT_EQ(regs.wide_writes[0].first, uint32_t{E1000_TXPUSH});
  EXPECT_EQ(a->stats().inlines, 0u);
}

// Push mode asked for on a NIC without the capability: ring mode.
TEST_F(DriverFixture, PushModeWithoutTheCapabilityRingsTdt) {
  cfg.tx_mode = E1000TxMode::push;
  open();
  ASSERT_EQ(a->e1000_xmit_frame(packet(100, 1)), NETDEV_TX_OK);
  EXPECT_TRUE(regs.wide_writes.empty());
  EXPECT_EQ(regs.writes.back(), std::make_pair(uint32_t{E1000_TDT}, 1u));
  complete(0);
  a->e1000_clean_tx_irq(64);
}

// Buffers longer than max_per_txd are split; only the last descriptor has EOP|RS.
TEST_F(DriverFixture, LongBufferSpansSeveralDescriptors) {
  cfg.max_per_txd = 256;
  open();
  sk_buff *skb = packet(600, 1);
  const uint64_t addr = skb->data_addr();
  EXPECT_EQ(a->e1000_xmit_frame(skb), NETDEV_TX_OK);
  EXPECT_EQ(d(0).length, 256);
  EXPECT_EQ(d(1).length, 256);
  EXPECT_EQ(d(2).length, 88);
  EXPECT_EQ(d(1).buffer_addr, addr + 256);
  EXPECT_EQ(d(0).cmd, E1000_TXD_CMD_IFCS);
  EXPECT_EQ(d(1).cmd, E1000_TXD_CMD_IFCS);
  EXPECT_EQ(d(2).cmd, E1000_TXD_CMD_IFCS | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS);
  EXPECT_EQ(regs.regs[E1000_TDT], 3u);
  // DD on the EOP descriptor reclaims all three.
  complete(2);
  a->e1000_clean_tx_irq(64);
  EXPECT_EQ(a->tx_ring().next_to_clean, 3u);
}

// A full ring returns NETDEV_TX_BUSY with the queue stopped and the skb untouched;
// cleaning wakes the queue.
TEST_F(DriverFixture, FullRingReturnsBusyAndStopsQueue) {
  cfg.tx_ring_count = 16;
  cfg.stop_threshold = 0;
  open();
  int sent = 0;
  sk_buff *skb = nullptr;
  for (;;) {
    skb = packet(60, 2);
    if (a->e1000_xmit_frame(skb) == NETDEV_TX_BUSY) break;
    sent++;
  }
  EXPECT_EQ(sent, 13);  // 16 - 1 kept empty - 2 gap
  EXPECT_TRUE(netif_queue_stopped(&dev));
  EXPECT_EQ(a->stats().busy, 1u);
  kfree_skb_reason(skb, skb_drop_reason::NOT_SPECIFIED);  // the caller still owned it
  for (int i = 0; i < sent; i++) complete(i);
  a->e1000_clean_tx_irq(64);
  EXPECT_FALSE(netif_queue_stopped(&dev));
  EXPECT_EQ(a->e1000_desc_unused(), 15u);
}

// Without DD nothing is reclaimed (the NIC still owns the buffer).
TEST_F(DriverFixture, CleanLeavesDescriptorsWithoutDone) {
  open();
  a->e1000_xmit_frame(packet(80, 3));
  a->e1000_xmit_frame(packet(80, 4));
  complete(0);
  a->e1000_clean_tx_irq(64);
  EXPECT_EQ(a->tx_ring().next_to_clean, 1u);
  EXPECT_EQ(skb_counters().live(), 1u);
  complete(1);
  a->e1000_clean_tx_irq(64);
}

// Bad configuration is refused before touching hardware.
TEST(DriverConfig, RejectsRingNotMultipleOfEight) {
  E1000Config c;
  c.tx_ring_count = 100;
  EXPECT_THROW(c.validate(), std::invalid_argument);
  c = E1000Config{};
  c.stop_threshold = c.tx_ring_count;
  EXPECT_THROW(c.validate(), std::invalid_argument);
}

// CHECKSUM_PARTIAL: a context descriptor (DEXT, DTYP 0, TUCSS/TUCSO from
// csum_start/csum_offset, TUCSE 0) then data descriptors (DTYP 1, TXSM);
// the packet's first slot watches the EOP; the context counts in the budget.
TEST_F(DriverFixture, ChecksumPartialWritesContextThenDataDescriptors) {
  open();
  sk_buff *skb = packet(100, 7);
  skb->ip_summed = CHECKSUM_PARTIAL;
  skb->csum_start = uint16_t(skb->headroom() + 34);
  skb->csum_offset = 6;
  EXPECT_EQ(a->e1000_xmit_frame(skb), NETDEV_TX_OK);
  uint8_t c[16], x[16];
  ram.read(a->tx_ring().dma, c, 16);
  ram.read(a->tx_ring().dma + 16, x, 16);
  EXPECT_EQ(c[4], 34);                      // TUCSS
  EXPECT_EQ(c[5], 40);                      // TUCSO
  EXPECT_EQ(c[6] | c[7], 0);                // TUCSE = end
  EXPECT_EQ(c[10] & 0xF0, 0x00);            // DTYP context
  EXPECT_EQ(c[11], E1000_TXD_CMD_DEXT);     // UDP: no TCP bit
  EXPECT_EQ(x[8] | x[9] << 8, 100);         // DTALEN
  EXPECT_EQ(x[10] & 0xF0, 0x10);            // DTYP data
  EXPECT_EQ(x[11], E1000_TXD_CMD_DEXT | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS);
  EXPECT_EQ(x[13], E1000_TXD_POPTS_TXSM);
  EXPECT_EQ(regs.regs[E1000_TDT], 2u);
  EXPECT_EQ(a->tx_ring().buffer_info[0].next_to_watch, 1);
  complete(1);
  a->e1000_clean_tx_irq(64);
  EXPECT_EQ(a->tx_ring().next_to_clean, 2u);
}

// A VLAN-tagged skb: VLE on the (legacy) descriptor and the TCI in special.
TEST_F(DriverFixture, VlanTagGoesInTheDescriptorSpecialField) {
  open();
  sk_buff *skb = packet(80, 8);
  skb->vlan_present = true;
  skb->vlan_tci = 0x2005;
  EXPECT_EQ(a->e1000_xmit_frame(skb), NETDEV_TX_OK);
  EXPECT_EQ(d(0).cmd, E1000_TXD_CMD_IFCS | E1000_TXD_CMD_VLE | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS);
  EXPECT_EQ(d(0).special, 0x2005);
  EXPECT_EQ(regs.regs[E1000_CTRL], E1000_CTRL_VME);
  complete(0);
  a->e1000_clean_tx_irq(64);
}

// The ring is coherent DMA memory; each buffer is mapped for the NIC to read
// while it is on the ring (the linear area and each fragment, one mapping per
// descriptor) and unmapped when the NIC has sent it.
TEST_F(DriverFixture, BuffersAreMappedWhileOnTheRingAndUnmappedWhenSent) {
  cfg.max_per_txd = 256;
  open();
  ASSERT_EQ(pdev.dma_maps.size(), 1u);  // the ring
  EXPECT_TRUE(pdev.iommu.allows(a->tx_ring().dma, a->tx_ring().size, true));
  sk_buff *skb = packet(300, 9);
  const uint64_t frag = mem.kmalloc(4096, 4096);
  skb->add_frag(frag, 100);
  EXPECT_EQ(a->e1000_xmit_frame(skb), NETDEV_TX_OK);
  EXPECT_EQ(pdev.dma_maps.size(), 1u + 3u);  // 256 + 44 of the linear area, the fragment
  EXPECT_TRUE(a->tx_ring().buffer_info[2].mapped_as_page);
  EXPECT_EQ(d(2).buffer_addr, frag);
  EXPECT_TRUE(pdev.iommu.allows(frag, 100, false));
  EXPECT_FALSE(pdev.iommu.allows(frag, 100, true));
  complete(2);
  a->e1000_clean_tx_irq(64);
  EXPECT_EQ(pdev.dma_maps.size(), 1u);
  EXPECT_FALSE(pdev.iommu.allows(frag, 16, false));
}

// A buffer that cannot be mapped (here a fragment outside memory) drops the
// packet: what was mapped is unmapped, the slots (context included) are
// given back and the NIC is not told.
TEST_F(DriverFixture, PacketWhoseBufferCannotBeMappedIsDroppedAndRingUntouched) {
  open();
  sk_buff *skb = packet(100, 10);
  skb->ip_summed = CHECKSUM_PARTIAL;
  skb->csum_start = uint16_t(skb->headroom() + 34);
  skb->csum_offset = 6;
  skb->add_frag(0x1000, 64, false);
  const size_t writes = regs.writes.size();
  EXPECT_EQ(a->e1000_xmit_frame(skb), NETDEV_TX_OK);
  EXPECT_EQ(a->stats().tx_dma_failed, 1u);
  EXPECT_EQ(a->stats().packets, 0u);
  EXPECT_EQ(a->tx_ring().next_to_use, 0u);
  EXPECT_EQ(a->e1000_desc_unused(), 255u);
  EXPECT_EQ(regs.writes.size(), writes);  // no doorbell
  EXPECT_EQ(pdev.dma_maps.size(), 1u);    // the ring only
  EXPECT_EQ(skb_counters().live(), 0u);
}

// Close unmaps and drops what is still on the ring and frees the ring;
// open again starts from a fresh ring. Opening twice is -EBUSY.
TEST_F(DriverFixture, CloseUnmapsAndFreesEverythingAndOpenWorksAgain) {
  skb_counters_reset();
  open();
  EXPECT_EQ(a->e1000e_open(), -EBUSY);
  a->e1000_xmit_frame(packet(80, 11));
  a->e1000_xmit_frame(packet(80, 12));
  a->e1000e_close();
  EXPECT_TRUE(pdev.dma_maps.empty());
  EXPECT_EQ(mem.live_allocations(), 0u);
  EXPECT_EQ(skb_counters().dropped[int(skb_drop_reason::DEV_READY)], 2u);
  ASSERT_EQ(a->e1000e_open(), 0);
  EXPECT_EQ(a->tx_ring().next_to_use, 0u);
  EXPECT_EQ(pdev.dma_maps.size(), 1u);
}

// A reset while the NIC is idle hands back what it did not complete: the
// ring is programmed as at open (e1000_configure_tx) with TDH = TDT = the
// first packet not completed, then TDT moves to where the driver was.
TEST_F(DriverFixture, ResetResendsFromTheFirstPacketNotCompleted) {
  open();
  for (uint8_t k = 0; k < 3; k++) a->e1000_xmit_frame(packet(80, k));
  complete(0);
  regs.writes.clear();
  EXPECT_EQ(a->e1000e_reset_and_resend(), 0);
  std::vector<uint32_t> order;
  for (const auto &[reg, v] : regs.writes) order.push_back(reg);
  const std::vector<uint32_t> want = {E1000_CTRL, E1000_CTRL, E1000_CTRL, E1000_TDBAL, E1000_TDBAH, E1000_TDLEN,
                                      E1000_TDH,  E1000_TDT,  E1000_TIPG, E1000_TCTL,  E1000_IMS,   E1000_TDT};
  EXPECT_EQ(order, want);  // GIO disable, RST, VME; the ring; interrupts; the doorbell
  EXPECT_EQ(regs.writes[6].second, 1u);  // TDH: packet 0 was completed
  EXPECT_EQ(regs.writes[7].second, 1u);
  EXPECT_EQ(regs.writes.back().second, 3u);
  EXPECT_EQ(a->stats().resent, 2u);
  EXPECT_EQ(pdev.dma_maps.size(), 1u + 2u);  // the two resent stay mapped
}

// A NIC that never finishes its DMA: -ETIMEDOUT, every packet on the ring is
// unmapped and dropped (DEV_RESET), and the ring starts again empty.
TEST_F(DriverFixture, ResetThatNeverGoesIdleDropsTheRingWithEtimedout) {
  skb_counters_reset();
  open();
  a->e1000_xmit_frame(packet(80, 1));
  a->e1000_xmit_frame(packet(80, 2));
  regs.dma_busy = true;
  EXPECT_EQ(a->e1000e_reset_and_resend(5), -ETIMEDOUT);
  EXPECT_EQ(skb_counters().dropped[int(skb_drop_reason::DEV_RESET)], 2u);
  EXPECT_EQ(pdev.dma_maps.size(), 1u);
  EXPECT_EQ(regs.regs[E1000_TDH], 0u);
  EXPECT_EQ(a->tx_ring().next_to_use, 0u);
}

// TSO context (e1000_tso): tot_len and the IPv4 check are zeroed and the TCP
// check is seeded with ~csum_tcpudp_magic(saddr, daddr, 0, TCP, 0). For
// 10.0.0.1 -> 10.0.0.2 by hand: 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 0x0006 = 0x1409.
TEST_F(DriverFixture, TsoSeedsTheTcpCheckWithThePseudoHeaderSum) {
  open();
  sk_buff *skb = packet(14 + 20 + 20 + 3000, 0);
  uint8_t *p = skb->data;
  skb->mac_header = uint16_t(skb->headroom());
  skb->network_header = uint16_t(skb->headroom() + 14);
  skb->transport_header = uint16_t(skb->headroom() + 34);
  skb->protocol = ETH_P_IP;
  skb->gso_size = 1000;
  const uint8_t ip[20] = {0x45, 0, 0x0b, 0xe8, 0, 1, 0x40, 0, 64, 6, 0xab, 0xcd, 10, 0, 0, 1, 10, 0, 0, 2};
  std::memcpy(p + 14, ip, 20);
  p[34 + 12] = 0x50;  // doff 5
  EXPECT_EQ(a->e1000_xmit_frame(skb), NETDEV_TX_OK);
  EXPECT_EQ(p[14 + 2] | p[14 + 3], 0);    // tot_len
  EXPECT_EQ(p[14 + 10] | p[14 + 11], 0);  // check
  EXPECT_EQ(p[34 + 16], 0x14);
  EXPECT_EQ(p[34 + 17], 0x09);
  EXPECT_EQ(a->stats().tso_offloads, 1u);
  EXPECT_EQ(a->stats().frames, 3u);
  complete(1);
  a->e1000_clean_tx_irq(64);
}

// BQL (netdev_tx_sent_queue): the limit starts at 0, so the first packet
// sets STACK_XOFF, counted apart from a full ring (DRV_XOFF stays clear);
// its completion grows the limit to its size and clears STACK_XOFF.
TEST_F(DriverFixture, BqlStopsTheQueueAndCompletionRestartsIt) {
  open();
  ASSERT_EQ(a->e1000_xmit_frame(packet(1000, 1)), NETDEV_TX_OK);
  EXPECT_TRUE(dev.stack_xoff);
  EXPECT_TRUE(netif_xmit_stopped(&dev));
  EXPECT_FALSE(netif_queue_stopped(&dev));
  EXPECT_EQ(dev.bql_stops, 1u);
  EXPECT_EQ(a->stats().ring_full_stops, 0u);
  complete(0);
  a->e1000_clean_tx_irq(64);
  EXPECT_FALSE(dev.stack_xoff);
  EXPECT_EQ(dev.dql.limit, 1000u);
  EXPECT_EQ(dev.dql.num_completed, 1000u);
}

// With BQL the backlog waits in the qdisc: of ten 1000-byte packets one
// reaches the ring, nine stay in pfifo_fast. Its completion (limit 1000,
// avail 1000) lets two more down. Without BQL all ten go to the ring.
TEST_F(DriverFixture, WithBqlPacketsWaitInTheQdiscNotTheRing) {
  open();
  for (int i = 0; i < 10; i++) {
    sk_buff *skb = packet(1000, static_cast<uint8_t>(i));
    skb->dev = &dev;
    ASSERT_EQ(dev_queue_xmit(skb), NET_XMIT_SUCCESS);
  }
  EXPECT_EQ(a->tx_ring().next_to_use, 1u);
  EXPECT_EQ(dev.qdisc->qlen(), 9u);
  complete(0);
  a->e1000_clean_tx_irq(64);
  EXPECT_EQ(a->tx_ring().next_to_use, 3u);
  EXPECT_EQ(dev.qdisc->qlen(), 7u);
  EXPECT_TRUE(dev.stack_xoff);
  EXPECT_EQ(dev.bql_stops, 2u);
  qdisc_reset(dev.qdisc.get());  // drop what still waits (DEV_READY)
}

TEST_F(DriverFixture, WithoutBqlTheRingTakesTheWholeBacklog) {
  cfg.bql = false;
  open();
  for (int i = 0; i < 10; i++) {
    sk_buff *skb = packet(1000, static_cast<uint8_t>(i));
    skb->dev = &dev;
    ASSERT_EQ(dev_queue_xmit(skb), NET_XMIT_SUCCESS);
  }
  EXPECT_EQ(a->tx_ring().next_to_use, 10u);
  EXPECT_EQ(dev.qdisc->qlen(), 0u);
  EXPECT_FALSE(dev.stack_xoff);
  EXPECT_EQ(dev.bql_stops, 0u);
}

// The driver alone, against a register file stand-in and host memory.
#include <gtest/gtest.h>

#include <map>

#include "driver/e1000.hpp"

using namespace wirepath;

namespace {

struct FakeRegs : Mmio {
  std::map<uint32_t, uint32_t> regs;
  std::vector<std::pair<uint32_t, uint32_t>> writes;
  uint32_t icr = 0;
  void writel(uint32_t v, uint32_t r) override {
    writes.push_back({r, v});
    regs[r] = v;
  }
  uint32_t readl(uint32_t r) override {
    if (r == E1000_STATUS) return E1000_STATUS_LU | E1000_STATUS_FD;
    if (r == E1000_ICR) return std::exchange(icr, 0);
    return regs[r];
  }
};

struct DriverFixture : testing::Test {
  HostMemory mem{4 << 20};
  FakeRegs regs;
  net_device dev;
  E1000Config cfg;
  std::unique_ptr<E1000Adapter> a;
  void open() {
    a = std::make_unique<E1000Adapter>(mem, regs, dev, cfg);
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
    mem.read(a->tx_ring().dma + 16 * i, &x, 16);
    return x;
  }
  void complete(uint32_t i) { mem.ptr(a->tx_ring().dma + 16 * i + 12)[0] |= E1000_TXD_STAT_DD; }
  void TearDown() override {
    a.reset();
    EXPECT_EQ(skb_counters().live(), 0u);
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
  mem.read(a->tx_ring().dma, c, 16);
  mem.read(a->tx_ring().dma + 16, x, 16);
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

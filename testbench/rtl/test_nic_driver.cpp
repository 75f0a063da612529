// The e1000e-style driver on the Verilated NIC (MMIO straight to the RTL's
// AXI-Lite port): its offload descriptors produce exactly the frames Linux
// software would, and its reset path loses and repeats nothing. Host memory
// answers as behind an IOMMU: the NIC may touch only what the driver mapped,
// so every test also shows the driver maps all the NIC reads and writes.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "Vnic_top.h"
#include "driver/e1000.hpp"
#include "nic_bench.hpp"
#include "pkt_ref.hpp"
#include "stack/ethernet/eth.hpp"

namespace wirepath::rtltest {
namespace {

using NicBench = NicBenchT<Vnic_top, 16>;

struct BenchMmio : Mmio {
  explicit BenchMmio(NicBench &bench) : b(bench) {}
  NicBench &b;
  void writel(uint32_t v, uint32_t reg) override { b.write32(reg, v); }
  uint32_t readl(uint32_t reg) override { return b.read32(reg); }
  void iowrite64_copy(uint32_t reg, const void *src, uint32_t len) override { b.write_wide(reg, src, len); }
};

struct DriverOnRtl : testing::Test {
  NicBench b{157};
  BenchMmio mmio{b};
  device pdev{b.mem};  // the NIC's struct device: the driver's DMA mappings
  net_device dev;
  E1000Config cfg;
  std::unique_ptr<E1000Adapter> a;
  void SetUp() override {
    skb_counters_reset();
    cfg.tx_ring_count = 64;
    b.read_fails = [this](uint64_t addr) { return !pdev.iommu.allows(addr, NicBench::kBeatBytes, false); };
    b.write_fails = [this](uint64_t addr) { return !pdev.iommu.allows(addr, NicBench::kBeatBytes, true); };
    a = std::make_unique<E1000Adapter>(pdev, mmio, dev, cfg);
    ASSERT_EQ(a->e1000e_open(), 0);
  }
  void TearDown() override {
    EXPECT_EQ(b.read32(E1000_TDEC), dma_read_errors);
    EXPECT_EQ(b.read32(E1000_TWEC), 0u);
    a->e1000_clean_tx_irq(0);
    a.reset();
    EXPECT_EQ(skb_counters().live(), 0u);
    EXPECT_TRUE(pdev.dma_maps.empty());
  }
  uint32_t dma_read_errors = 0;  // descriptors whose data read the test expects refused
  // An skb holding frame bytes p (linear), headers marked as the stack does.
  sk_buff *skb_of(const Bytes &p, size_t linear) {
    sk_buff *skb = alloc_skb(b.mem, uint32_t(linear + 128));
    skb->reserve(128);
    std::memcpy(skb->put(uint32_t(linear)), p.data(), linear);
    if (linear < p.size()) {
      const uint64_t f = b.mem.kmalloc(p.size() - linear + 64, 64) + 3;
      b.ram.write(f, p.data() + linear, p.size() - linear);
      skb->add_frag(f, uint32_t(p.size() - linear), false);
    }
    skb->mac_header = uint16_t(skb->headroom());
    skb->network_header = uint16_t(skb->headroom() + kEth);
    skb->transport_header = uint16_t(skb->headroom() + kEth + kIp);
    skb->protocol = ETH_P_IP;
    return skb;
  }
  void wait_frames(size_t n) { b.run_until([&] { return b.frames.size() >= n; }, 200000); }
  Bytes wire(size_t i) { return Bytes(b.frames.at(i).bytes.begin(), b.frames.at(i).bytes.end() - 4); }
  // good as a CHECKSUM_PARTIAL skb (linear bytes in its head, the rest paged).
  sk_buff *partial_skb(const Bytes &good, uint8_t proto, size_t linear) {
    Bytes in = as_checksum_partial(good);
    fix_ip_csum(in);  // the stack computes the IPv4 header checksum itself
    sk_buff *skb = skb_of(in, linear);
    skb->ip_summed = CHECKSUM_PARTIAL;
    skb->csum_start = skb->transport_header;
    skb->csum_offset = proto == kProtoTcp ? 16 : 6;
    return skb;
  }
  // Transmits skb and appends the frame it must give (good, padded by TCTL.PSP).
  void xmit(sk_buff *skb, const Bytes &good, std::vector<Bytes> &want) {
    ASSERT_EQ(a->e1000_xmit_frame(skb), NETDEV_TX_OK);
    Bytes w = good;
    w.resize(std::max<size_t>(w.size(), 60), 0);
    want.push_back(w);
  }
};

// Push mode: the same fixture with --tx-mode push.
struct DriverOnRtlPush : DriverOnRtl {
  void SetUp() override {
    cfg.tx_mode = E1000TxMode::push;
    DriverOnRtl::SetUp();
  }
};

// DriverOnRtlPush.PacketsLeaveAsInRingModeWithoutDescriptorFetch: plain,
// checksum-offload (context + data descriptor) and paged skbs, one at a
// time and in bursts: byte-exact frames, the ring cleaned by
// e1000_clean_tx_irq, pushes taken when the ring is idle and falling back
// (never lost) when a burst is still being fetched.
TEST_F(DriverOnRtlPush, PacketsLeaveAsInRingModeWithoutDescriptorFetch) {
  std::mt19937 rng(43);
  std::vector<Bytes> want;
  for (int k = 0; k < 24; ++k) {
    const size_t payload = 1 + rng() % 1400;
    const uint8_t proto = k % 2 ? kProtoTcp : kProtoUdp;
    const Bytes good = with_checksums(make_packet(rng, proto, payload));
    sk_buff *skb = k % 3 == 1 ? partial_skb(good, proto, payload > 100 ? 60 : good.size())
                              : skb_of(good, k % 3 == 2 && good.size() > 80 ? 60 : good.size());
    xmit(skb, good, want);
    if (k < 12) wait_frames(want.size());  // then a burst of 12 back to back
  }
  wait_frames(want.size());
  ASSERT_EQ(b.frames.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(wire(i), want[i]) << i;
  EXPECT_EQ(a->stats().pushes, want.size());
  const uint32_t taken = b.read32(E1000_TDPAC), fell_back = b.read32(E1000_TDPFC);
  EXPECT_EQ(taken + fell_back, want.size());
  EXPECT_GE(taken, 12u);
  EXPECT_EQ(b.read32(E1000_TDPBC), 0u);
  b.run_until([&] { return b.read32(E1000_TDH) == a->tx_ring().next_to_use; }, 20000);
  a->e1000_clean_tx_irq(64);
  EXPECT_EQ(a->tx_ring().next_to_clean, a->tx_ring().next_to_use);
}

// Inline mode: the same fixture with --tx-mode inline.
struct DriverOnRtlInline : DriverOnRtl {
  void SetUp() override {
    cfg.tx_mode = E1000TxMode::inline_;
    DriverOnRtl::SetUp();
  }
};

// DriverOnRtlInline.DriverChoosesInlinePerPacket: the driver writes a
// packet inline when it is one buffer of at most 256 bytes (plain or
// CHECKSUM_PARTIAL with its context descriptor), else pushes its
// descriptors: frames byte-exact either way, every inline frame taken by
// the NIC when the ring is idle, none lost in a burst, the ring cleaned.
TEST_F(DriverOnRtlInline, DriverChoosesInlinePerPacket) {
  std::mt19937 rng(47);
  std::vector<Bytes> want;
  unsigned inl = 0;
  for (int k = 0; k < 30; ++k) {
    const size_t payload = k % 4 == 3 ? 300 + rng() % 1100 : 1 + rng() % 200;
    const uint8_t proto = k % 2 ? kProtoTcp : kProtoUdp;
    const Bytes good = with_checksums(make_packet(rng, proto, payload));
    const bool paged = k % 5 == 2 && good.size() > 80;
    sk_buff *skb = k % 3 == 1 ? partial_skb(good, proto, paged ? 60 : good.size())
                              : skb_of(good, paged ? 60 : good.size());
    inl += !paged && good.size() <= E1000_INLINE_MAX;
    xmit(skb, good, want);
    if (k < 20) wait_frames(want.size());  // then a burst of 10 back to back
  }
  wait_frames(want.size());
  ASSERT_EQ(b.frames.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(wire(i), want[i]) << i;
  EXPECT_EQ(a->stats().pushes, want.size());
  EXPECT_EQ(a->stats().inlines, inl);
  const uint32_t taken = b.read32(E1000_TDILC);
  EXPECT_LE(taken, inl);
  EXPECT_GE(taken, 8u);
  EXPECT_EQ(b.read32(E1000_TDPBC), 0u);
  b.run_until([&] { return b.read32(E1000_TDH) == a->tx_ring().next_to_use; }, 20000);
  a->e1000_clean_tx_irq(64);
  EXPECT_EQ(a->tx_ring().next_to_clean, a->tx_ring().next_to_use);
}

// Cut-through: the same fixture with E1000Config::cut_through.
struct DriverOnRtlCutThrough : DriverOnRtl {
  void SetUp() override {
    cfg.cut_through = true;
    cfg.cut_through_bytes = 200;
    DriverOnRtl::SetUp();
  }
};

// DriverOnRtlCutThrough.WritesTxctAndPacketsLeaveByteExact: the driver
// writes TXCT (TXCAP has the bit) at open and again after a reset; linear
// (cut through), checksum-offloaded and paged (store-and-forward) skbs, one
// at a time and in a burst, leave byte-exact with no underrun; without
// cut_through the driver leaves TXCT at 0.
TEST_F(DriverOnRtlCutThrough, WritesTxctAndPacketsLeaveByteExact) {
  EXPECT_EQ(b.read32(E1000_TXCT), E1000_TXCT_EN | 200u << E1000_TXCT_THRESH_SHIFT);
  std::mt19937 rng(47);
  std::vector<Bytes> want;
  for (int k = 0; k < 24; ++k) {
    const size_t payload = 1 + rng() % 1400;
    const uint8_t proto = k % 2 ? kProtoTcp : kProtoUdp;
    const Bytes good = with_checksums(make_packet(rng, proto, payload));
    sk_buff *skb = k % 3 == 1 ? partial_skb(good, proto, good.size())
                              : skb_of(good, k % 3 == 2 && good.size() > 80 ? 60 : good.size());
    xmit(skb, good, want);
    if (k < 12) wait_frames(want.size());
  }
  wait_frames(want.size());
  ASSERT_EQ(b.frames.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(wire(i), want[i]) << i;
    EXPECT_TRUE(b.frames[i].fcs_ok) << i;
  }
  EXPECT_EQ(b.read32(E1000_TDURC), 0u);
  b.run_until([&] { return b.read32(E1000_TDH) == a->tx_ring().next_to_use; }, 20000);
  ASSERT_EQ(a->e1000e_reset_and_resend(), 0);
  EXPECT_EQ(b.read32(E1000_TXCT), E1000_TXCT_EN | 200u << E1000_TXCT_THRESH_SHIFT);
}

TEST_F(DriverOnRtl, LeavesTxctOffWithoutCutThrough) { EXPECT_EQ(b.read32(E1000_TXCT), 0u); }

// The driver advertises what the RTL does: SG, IPv4 TCP/UDP checksums, TSO, VLAN insertion.
TEST_F(DriverOnRtl, AdvertisesTheOffloadsTheRtlImplements) {
  EXPECT_EQ(dev.hw_features, NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_TSO | NETIF_F_HW_VLAN_CTAG_TX);
  EXPECT_EQ(b.read32(E1000_CTRL) & E1000_CTRL_VME, E1000_CTRL_VME);
}

// CHECKSUM_PARTIAL skbs (UDP and TCP, linear and paged) leave with the
// checksums software would compute.
TEST_F(DriverOnRtl, ChecksumPartialSkbsLeaveWithCorrectChecksums) {
  std::mt19937 rng(41);
  std::vector<Bytes> want;
  for (uint8_t proto : {kProtoUdp, kProtoTcp}) {
    for (size_t payload : {1u, 18u, 700u, 1400u}) {
      const Bytes good = with_checksums(make_packet(rng, proto, payload));
      xmit(partial_skb(good, proto, payload > 100 ? 60 : good.size()), good, want);
    }
  }
  wait_frames(want.size());
  ASSERT_EQ(b.frames.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(wire(i), want[i]) << i;
  EXPECT_EQ(a->stats().csum_offloads, want.size());
}

// A GSO skb (header linear, payload in a page) becomes MSS-sized segments
// equal to software TSO; with vlan_present each carries the tag.
TEST_F(DriverOnRtl, GsoSkbIsSegmentedByTheNicLikeSoftwareTso) {
  std::mt19937 rng(42);
  const Bytes good = with_checksums(make_packet(rng, kProtoTcp, 3500, 0x4242, 0x10000000, 0x19));
  sk_buff *skb = skb_of(good, kEth + kIp + kTcp);
  skb->gso_size = 1000;
  skb->ip_summed = CHECKSUM_PARTIAL;
  skb->csum_start = skb->transport_header;
  skb->csum_offset = 16;
  skb->vlan_present = true;
  skb->vlan_tci = 0x0064;
  ASSERT_EQ(a->e1000_xmit_frame(skb), NETDEV_TX_OK);
  const auto segs = segment(good, 1000);
  wait_frames(segs.size());
  ASSERT_EQ(b.frames.size(), segs.size());
  for (size_t i = 0; i < segs.size(); ++i) EXPECT_EQ(wire(i), tagged(segs[i], 0x0064)) << i;
  EXPECT_EQ(b.read32(E1000_TSCTC), 1u);
  // A GSO skb whose header is not linear is refused by the driver, not sent.
  sk_buff *bad = skb_of(good, 40);
  bad->gso_size = 1000;
  EXPECT_EQ(a->e1000_xmit_frame(bad), NETDEV_TX_OK);
  EXPECT_EQ(a->stats().tso_errors, 1u);
}

// Reset in the middle of traffic: every packet is on the wire exactly once,
// in order, and every skb is consumed (none dropped, none leaked).
TEST_F(DriverOnRtl, ResetMidTrafficResendsWhatWasNotSentAndNothingTwice) {
  std::vector<Bytes> want;
  for (unsigned i = 0; i < 40; ++i) {
    Bytes p(600, uint8_t(i));
    p[0] = 0x02;
    p[1] = uint8_t(i);
    want.push_back(p);
    sk_buff *skb = alloc_skb(b.mem, 700);
    skb->reserve(64);
    std::memcpy(skb->put(600), p.data(), 600);
    ASSERT_EQ(a->e1000_xmit_frame(skb), NETDEV_TX_OK);
  }
  wait_frames(6);
  ASSERT_LT(b.frames.size(), 20u);
  ASSERT_EQ(a->e1000e_reset_and_resend(), 0);
  EXPECT_GT(a->stats().resent, 0u);
  wait_frames(40);
  b.run(3000);
  ASSERT_EQ(b.frames.size(), 40u);
  for (unsigned i = 0; i < 40; ++i) {
    EXPECT_TRUE(b.frames[i].fcs_ok);
    EXPECT_EQ(wire(i), want[i]) << i;
  }
  a->e1000_clean_tx_irq(0);
  EXPECT_EQ(skb_counters().consumed, 40u);
  EXPECT_EQ(skb_counters().total_dropped(), 0u);
}

// Use after unmap: the driver (buggy here) unmaps a buffer the NIC has not
// fetched yet. The IOMMU refuses the NIC's read, the NIC drops the frame and
// counts it (TDEC), and the packet after it goes out untouched.
TEST_F(DriverOnRtl, BufferUnmappedBeforeTheNicReadsItIsRefusedAndTheFrameDropped) {
  auto send = [&](uint8_t fill) {
    Bytes p(600, fill);
    sk_buff *skb = alloc_skb(b.mem, 4096);
    skb->reserve(64);
    std::memcpy(skb->put(600), p.data(), 600);
    EXPECT_EQ(a->e1000_xmit_frame(skb), NETDEV_TX_OK);
    return p;
  };
  send(0x30);
  const e1000_buffer first = a->tx_ring().buffer_info[0];
  dma_unmap_single(&pdev, first.dma, first.length, DMA_TO_DEVICE);
  ASSERT_FALSE(pdev.iommu.allows(first.dma, first.length, false));  // no other mapping shares its page
  const Bytes second = send(0x31);
  b.run_until([&] { return b.read32(E1000_TDH) == 2; }, 200000);
  b.run(3000);
  dma_read_errors = 1;
  ASSERT_EQ(b.frames.size(), 1u);
  EXPECT_EQ(wire(0), second);
  // Map it again so the driver's own unmap at completion matches.
  dma_map_single(&pdev, b.ram.ptr(first.dma, first.length), first.length, DMA_TO_DEVICE);
}

}  // namespace
}  // namespace wirepath::rtltest

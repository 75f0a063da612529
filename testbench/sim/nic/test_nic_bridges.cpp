// The NIC's bus bridges (sim/nic/) against a stand-in for the Verilated
// model: a struct with nic_top's port names, so each AXI rule is shown
// without the RTL.
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "sim/nic/axi_dma_slave.hpp"
#include "sim/nic/axil_master.hpp"
#include "sim/nic/msi_endpoint.hpp"

namespace wirepath {
namespace {

// nic_top's ports at AxiDataWidth = 128, as Verilator names them.
struct FakeNic {
  uint32_t s_axil_awaddr_i = 0, s_axil_wdata_i = 0, s_axil_araddr_i = 0, s_axil_rdata_o = 0;
  uint8_t s_axil_awvalid_i = 0, s_axil_awready_o = 0, s_axil_wstrb_i = 0, s_axil_wvalid_i = 0, s_axil_wready_o = 0;
  uint8_t s_axil_bvalid_o = 0, s_axil_bready_i = 0, s_axil_arvalid_i = 0, s_axil_arready_o = 0;
  uint8_t s_axil_rvalid_o = 0, s_axil_rready_i = 0;
  uint8_t m_axi_arid_o = 0, m_axi_arlen_o = 0, m_axi_arsize_o = 0, m_axi_arburst_o = 0, m_axi_arvalid_o = 0;
  uint64_t m_axi_araddr_o = 0, m_axi_awaddr_o = 0;
  uint8_t m_axi_arready_i = 0, m_axi_rid_i = 0, m_axi_rresp_i = 0, m_axi_rlast_i = 0, m_axi_rvalid_i = 0;
  uint8_t m_axi_rready_o = 0;
  uint32_t m_axi_rdata_i[4] = {}, m_axi_wdata_o[4] = {};
  uint8_t m_axi_awid_o = 0, m_axi_awlen_o = 0, m_axi_awsize_o = 0, m_axi_awburst_o = 0, m_axi_awvalid_o = 0;
  uint8_t m_axi_awready_i = 0;
  uint16_t m_axi_wstrb_o = 0;
  uint8_t m_axi_wlast_o = 0, m_axi_wvalid_o = 0, m_axi_wready_i = 0;
  uint8_t m_axi_bid_i = 0, m_axi_bresp_i = 0, m_axi_bvalid_i = 0, m_axi_bready_o = 0;
  uint8_t irq_o = 0;
  // Wide write port (descriptor push window).
  uint8_t s_push_valid_i = 0, s_push_len_i = 0;
  uint32_t s_push_addr_i = 0, s_push_data_i[16] = {};
};
using Dma = AxiDmaSlave<FakeNic>;
using Lite = AxiLiteMaster<FakeNic>;

// One clock of the bridge at time `now`, with the NIC's outputs as set.
void clock(Dma &d, FakeNic &n, uint64_t now) {
  d.drive(n, now);
  d.sample(n);
  d.effects(now);
}

TEST(AxiDmaSlave, BeatWidthIsTheModelsDataWidth) { EXPECT_EQ(Dma::kBeatBytes, 16u); }

// AXI lets W come before its AW: the burst waits for its address, and WSTRB
// becomes one byte enable per byte.
TEST(AxiDmaSlave, WriteDataBeforeItsAddressIsWrittenWhenTheAddressComes) {
  Dma d;
  FakeNic n;
  std::vector<Dma::WriteReq> writes;
  d.write = [&](const Dma::WriteReq &w, uint64_t) { writes.push_back(w); };
  n.m_axi_wvalid_o = 1;
  n.m_axi_wdata_o[0] = 0x44332211;
  n.m_axi_wstrb_o = 0x0003;
  n.m_axi_wlast_o = 0;
  clock(d, n, 10);
  n.m_axi_wdata_o[0] = 0x88776655;
  n.m_axi_wstrb_o = 0x8000;
  n.m_axi_wlast_o = 1;
  clock(d, n, 11);
  n.m_axi_wvalid_o = 0;
  EXPECT_TRUE(writes.empty());
  EXPECT_FALSE(d.idle());
  n.m_axi_awvalid_o = 1;
  n.m_axi_awaddr_o = 0x1000;
  n.m_axi_awid_o = 2;
  n.m_axi_awlen_o = 1;
  clock(d, n, 12);
  ASSERT_EQ(writes.size(), 1u);
  const Dma::WriteReq &w = writes[0];
  EXPECT_EQ(w.addr, 0x1000u);
  EXPECT_EQ(w.id, 2u);
  EXPECT_EQ(w.len, 1u);
  EXPECT_EQ(w.w_last_at, 11u);
  ASSERT_EQ(w.data.size(), 32u);
  EXPECT_EQ(w.data[0], 0x11);
  EXPECT_EQ(w.data[16], 0x55);
  std::vector<uint8_t> enable(32, 0);
  enable[0] = enable[1] = enable[31] = 0xFF;
  EXPECT_EQ(w.enable, enable);
}

// The PCIe model reserves link slots in call order, so the order is part of
// the result: a write completed in a cycle reaches the backend before a read
// issued in the same cycle.
TEST(AxiDmaSlave, WriteReachesTheBackendBeforeAReadOfTheSameCycle) {
  Dma d;
  FakeNic n;
  std::vector<char> order;
  d.write = [&](const Dma::WriteReq &, uint64_t) { order.push_back('W'); };
  d.read = [&](const Dma::ReadReq &, uint64_t) { order.push_back('R'); };
  n.m_axi_arvalid_o = n.m_axi_awvalid_o = n.m_axi_wvalid_o = n.m_axi_wlast_o = 1;
  clock(d, n, 0);
  EXPECT_EQ(order, (std::vector<char>{'W', 'R'}));
}

// One R channel, in order: a beat is valid from its ready time, but never
// before the beat ahead of it; the NIC's RREADY takes it.
TEST(AxiDmaSlave, ReadBeatsAreValidInOrderFromTheirReadyTime) {
  Dma d;
  FakeNic n;
  Dma::RBeat a{}, b{};
  a.ready = 20;
  a.id = 1;
  a.data[0] = 0xAA;
  b.ready = 5;  // earlier than the beat ahead: waits for it
  b.id = 1;
  b.last = true;
  b.data[0] = 0xBB;
  d.push_r(a);
  d.push_r(b);
  n.m_axi_rready_o = 1;
  std::vector<std::pair<uint64_t, uint32_t>> taken;
  d.on_read_beat = [&](const Dma::RBeat &beat, uint64_t now) { taken.push_back({now, beat.data[0]}); };
  for (uint64_t t = 0; t < 25; ++t) clock(d, n, t);
  EXPECT_EQ(taken, (std::vector<std::pair<uint64_t, uint32_t>>{{20, 0xAA}, {21, 0xBB}}));
  EXPECT_TRUE(d.idle());
}

// The bench's back-pressure: a held R beat stays queued, stalled readies let
// nothing through.
TEST(AxiDmaSlave, StallsHoldTheChannels) {
  Dma d;
  FakeNic n;
  bool reads = false;
  d.read = [&](const Dma::ReadReq &, uint64_t) { reads = true; };
  d.stall_ready = [] { return true; };
  d.hold_r = [] { return true; };
  Dma::RBeat beat{};
  d.push_r(beat);
  n.m_axi_arvalid_o = 1;
  n.m_axi_rready_o = 1;
  clock(d, n, 100);
  EXPECT_FALSE(n.m_axi_arready_i);
  EXPECT_FALSE(n.m_axi_rvalid_i);
  EXPECT_FALSE(reads);
  EXPECT_FALSE(d.idle());
}

// A register request is driven from its arrival time on; a write completes
// once AW and W were taken and B is seen, a read with the R data.
TEST(AxiLiteMaster, WriteThenReadCompleteInOrder) {
  Lite l;
  FakeNic n;
  std::vector<Lite::Request> done;
  l.on_done = [&](const Lite::Request &r, uint64_t) { done.push_back(r); };
  l.push({true, 0x3818, 7, 5});
  l.push({false, 0x3810, 0, 5});
  n.s_axil_awready_o = n.s_axil_wready_o = n.s_axil_arready_o = 1;
  auto clock_lite = [&](uint64_t now) {
    l.drive(n, now, true);
    l.sample(n);
    l.effects(now);
  };
  clock_lite(4);
  EXPECT_FALSE(n.s_axil_awvalid_i);  // not arrived yet
  clock_lite(5);
  EXPECT_TRUE(n.s_axil_awvalid_i && n.s_axil_wvalid_i);
  EXPECT_EQ(n.s_axil_awaddr_i, 0x3818u);
  EXPECT_EQ(n.s_axil_wdata_i, 7u);
  clock_lite(6);
  EXPECT_FALSE(n.s_axil_awvalid_i || n.s_axil_wvalid_i);  // taken, waiting for B
  n.s_axil_bvalid_o = 1;
  clock_lite(7);
  n.s_axil_bvalid_o = 0;
  ASSERT_EQ(done.size(), 1u);
  clock_lite(8);
  EXPECT_TRUE(n.s_axil_arvalid_i);
  EXPECT_EQ(n.s_axil_araddr_i, 0x3810u);
  n.s_axil_rvalid_o = 1;
  n.s_axil_rdata_o = 42;
  clock_lite(9);
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[1].data, 42u);
  EXPECT_TRUE(l.idle());
}

// A wide (write-combined) write keeps its place among register writes: one
// cycle on s_push_* with its bytes, then one idle cycle (the NIC registers
// it), then the next AXI-Lite request; done (posted) after the idle cycle.
TEST(AxiLiteMaster, WideWriteIsOneBeatInOrderWithRegisterWrites) {
  Lite l;
  FakeNic n;
  std::vector<Lite::Request> done;
  l.on_done = [&](const Lite::Request &r, uint64_t) { done.push_back(r); };
  Lite::Request w;
  w.write = true;
  w.addr = 0x6000;
  w.arrive = 5;
  w.wide_len = 64;
  for (unsigned i = 0; i < 64; i++) w.bytes[i] = uint8_t(i + 1);
  l.push(w);
  l.push({true, 0x3818, 9, 5});
  n.s_axil_awready_o = n.s_axil_wready_o = 1;
  auto clock_lite = [&](uint64_t now) {
    l.drive(n, now, true);
    l.sample(n);
    l.effects(now);
  };
  clock_lite(5);
  EXPECT_TRUE(n.s_push_valid_i);
  EXPECT_FALSE(n.s_axil_awvalid_i || n.s_axil_wvalid_i);
  EXPECT_EQ(n.s_push_addr_i, 0x6000u);
  EXPECT_EQ(n.s_push_len_i, 64u);
  EXPECT_EQ(n.s_push_data_i[0], 0x04030201u);
  EXPECT_EQ(n.s_push_data_i[15], 0x403F3E3Du);
  EXPECT_TRUE(done.empty());
  clock_lite(6);  // the idle cycle
  EXPECT_FALSE(n.s_push_valid_i || n.s_axil_awvalid_i);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].wide_len, 64u);
  clock_lite(7);
  EXPECT_FALSE(n.s_push_valid_i);
  EXPECT_TRUE(n.s_axil_awvalid_i && n.s_axil_wvalid_i);
  EXPECT_EQ(n.s_axil_awaddr_i, 0x3818u);
}

// The link to the NIC is FIFO: a request may not arrive before the last one.
TEST(AxiLiteMaster, RefusesRequestsArrivingOutOfOrder) {
  Lite l;
  l.push({true, 0, 0, 10});
  EXPECT_THROW(l.push({true, 0, 0, 9}), std::logic_error);
}

// MSI is edge-triggered: one message per rising edge of irq_o.
TEST(MsiEndpoint, OneMessagePerRisingEdge) {
  MsiEndpoint<FakeNic> m;
  FakeNic n;
  std::vector<uint64_t> msis;
  m.on_msi = [&](uint64_t now) { msis.push_back(now); };
  const uint8_t line[] = {0, 1, 1, 1, 0, 1, 0};
  for (uint64_t t = 0; t < sizeof(line); ++t) {
    n.irq_o = line[t];
    m.effects(n, t);
  }
  EXPECT_EQ(msis, (std::vector<uint64_t>{1, 5}));
  // An edge not yet seen keeps the NIC model awake (idle sleep).
  EXPECT_TRUE(m.settled(n));
  n.irq_o = 1;
  EXPECT_FALSE(m.settled(n));
}

}  // namespace
}  // namespace wirepath

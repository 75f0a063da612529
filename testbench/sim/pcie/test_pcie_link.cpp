// The TLM link between CPU, host memory and a stand-in NIC target.
#include <gtest/gtest.h>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "sim/host/host_bridge.hpp"
#include "sim/host/host_cpu.hpp"
#include "sim/pcie/pcie_link.hpp"
#include "sim/sc_time_util.hpp"

using namespace wirepath;

namespace {

// A BAR with one register that records when each access arrives.
struct FakeNic : sc_core::sc_module {
  tlm_utils::simple_target_socket<FakeNic> bar0{"bar0"};
  tlm_utils::simple_initiator_socket<FakeNic> dma{"dma"};
  uint32_t reg = 0;
  std::vector<std::pair<char, ps_t>> arrivals;
  explicit FakeNic(sc_core::sc_module_name n) : sc_core::sc_module(n) {
    bar0.register_b_transport(this, &FakeNic::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload &t, sc_core::sc_time &delay) {
    arrivals.push_back({t.is_write() ? 'W' : 'R', now_ps() + to_ps(delay)});
    if (t.is_write())
      std::memcpy(&reg, t.get_data_ptr(), 4);
    else
      std::memcpy(t.get_data_ptr(), &reg, 4);
    t.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

struct Bench : sc_core::sc_module {
  PhysMem ram{1 << 20};
  KernelHeap mem{ram};
  PcieConfig cfg;
  HostCpu cpu{"cpu"};
  PcieLink link{"link", cfg};
  // No IOMMU: the link's timing is the subject here (test_host_bridge has the checks).
  HostBridge bridge{"bridge", ram, nullptr, cfg.irq_entry_latency};
  FakeNic nic{"nic"};
  explicit Bench(sc_core::sc_module_name n) : sc_core::sc_module(n) {
    cpu.mmio_socket.bind(link.cpu_side);
    link.nic_bar0.bind(nic.bar0);
    nic.dma.bind(link.nic_side);
    link.host_side.bind(bridge.pcie);
  }
};

void make(tlm::tlm_generic_payload &t, bool write, uint64_t addr, void *data, unsigned len) {
  if (write)
    t.set_write();
  else
    t.set_read();
  t.set_address(addr);
  t.set_data_ptr(static_cast<unsigned char *>(data));
  t.set_data_length(len);
  t.set_streaming_width(len);
  t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

}  // namespace

// PCIe ordering: a non-posted read does not pass an earlier posted write, and
// the CPU stalls only for the read.
TEST(PcieLink, ReadAfterPostedWriteSeesTheWrite) {
  Bench b("bench");
  uint32_t got = 0;
  ps_t write_returned = 0, read_returned = 0;
  sc_core::sc_spawn([&] {
    b.cpu.writel(0xCAFEF00D, 0x3818);
    write_returned = now_ps();
    got = b.cpu.readl(0x3818);
    read_returned = now_ps();
  });
  sc_core::sc_start();
  EXPECT_EQ(got, 0xCAFEF00Du);
  ASSERT_EQ(b.nic.arrivals.size(), 2u);
  EXPECT_EQ(b.nic.arrivals[0].first, 'W');
  EXPECT_EQ(b.nic.arrivals[1].first, 'R');
  EXPECT_LT(b.nic.arrivals[0].second, b.nic.arrivals[1].second);
  EXPECT_EQ(write_returned, 0u);  // posted: no stall
  // The read's round trip: 2 x (CPU->root port + link) plus two TLPs on the wire.
  EXPECT_GT(read_returned, 2 * (b.cfg.cpu_mmio_latency + b.cfg.link_latency));
  EXPECT_LT(read_returned, 2 * (b.cfg.cpu_mmio_latency + b.cfg.link_latency) + 20 * kNs);
}

// A NIC write lands in host memory at its arrival time, and the MSI sent after
// it (same direction, ordered) reaches the CPU only after the data is there.
TEST(PcieLink, DmaWriteIsVisibleBeforeTheMsiThatFollowsIt) {
  Bench b("bench");
  const uint64_t addr = b.mem.kmalloc(64);
  ps_t irq_at = 0;
  uint8_t at_irq = 0, early = 0xff;
  sc_core::sc_spawn([&] {
    uint8_t dd = 0x01;
    tlm::tlm_generic_payload w;
    make(w, true, addr + 12, &dd, 1);
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    b.nic.dma->b_transport(w, d);
    uint32_t msi = 0x41;
    tlm::tlm_generic_payload m;
    make(m, true, HostBridge::kMsiBase, &msi, 4);
    sc_core::sc_time d2 = sc_core::SC_ZERO_TIME;
    b.nic.dma->b_transport(m, d2);
  });
  sc_core::sc_spawn([&] {
    sc_core::wait(ps_time(b.cfg.link_latency / 2));
    early = b.ram.ptr(addr + 12)[0];  // not yet arrived
    sc_core::wait(b.bridge.interrupt_event());
    irq_at = now_ps();
    at_irq = b.ram.ptr(addr + 12)[0];
  });
  sc_core::sc_start();
  EXPECT_EQ(early, 0);
  EXPECT_EQ(at_irq, 1);
  EXPECT_GT(irq_at, b.cfg.link_latency + b.cfg.irq_entry_latency);
  EXPECT_EQ(b.bridge.msis(), 1u);
}

// A DMA read of an address that is not DRAM completes with an error response.
TEST(PcieLink, DmaReadOfUnmappedAddressFails) {
  Bench b("bench");
  bool ok = true;
  sc_core::sc_spawn([&] {
    uint8_t buf[64];
    tlm::tlm_generic_payload r;
    make(r, false, 0x10, buf, 64);
    DmaCompletionExt ext;
    r.set_extension(&ext);
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    b.nic.dma->b_transport(r, d);
    r.clear_extension(&ext);
    ok = r.is_response_ok();
  });
  sc_core::sc_start();
  EXPECT_FALSE(ok);
  EXPECT_EQ(b.bridge.dma_errors(), 1u);
}

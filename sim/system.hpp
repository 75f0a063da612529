// The whole co-simulation: host (memory, stack, driver, CPU threads), the PCIe
// link and the Verilated NIC, with the wire monitor at the far end.
//
//   app thread: sendto() -> stack -> dev_queue_xmit -> e1000_xmit_frame
//        -> writel(TDT) -> HostCpu -> PcieLink -> NicModel(BAR0) -> RTL
//   RTL DMA -> NicModel(dma) -> PcieLink -> HostBridge -> HostMemory
//   RTL XGMII -> XgmiiRx -> pcap + latency;  RTL irq -> MSI -> irq thread
//        -> e1000_intr_msi -> e1000e_poll -> e1000_clean_tx_irq
//   XgmiiRx -> LinkPartner (the far host) -> its replies, after rtt_ns, in
//        software (no RX in the RTL): softirq thread -> netif_rx_frame
//        -> netif_receive_skb -> arp_rcv | ip_rcv -> tcp_v4_rcv / udp_rcv /
//        icmp_rcv; the same thread runs the stack's timers on SystemC time
//        (timer_base::run_timers at timer_base::next_timer()).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "driver/e1000.hpp"
#include "sim/host/host_bridge.hpp"
#include "sim/host/host_cpu.hpp"
#include "stack/kernel/host_mem.hpp"
#include "sim/wire/latency.hpp"
#include "sim/peer/link_partner.hpp"
#include "sim/nic/nic_model.hpp"
#include "sim/wire/pcap_writer.hpp"
#include "sim/pcie/pcie_link.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/kernel/kernel.hpp"
#include "stack/socket.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/sched/sch_generic.hpp"

namespace wirepath {

struct HostNetConfig {
  uint32_t local_ip = 0x0A000001;  // 10.0.0.1
  unsigned prefix_len = 24;
  uint32_t gateway = 0x0A0000FE;   // 10.0.0.254
  uint32_t peer_ip = 0x0A000002;   // 10.0.0.2, the link partner
  std::array<uint8_t, 6> local_mac{0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
  std::array<uint8_t, 6> peer_mac{0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
  std::array<uint8_t, 6> gateway_mac{0x02, 0x00, 0x00, 0x00, 0x00, 0xFE};
  // PERMANENT neighbour entries for the peer and the gateway (ip neigh add),
  // so runs need no ARP exchange and stay as they were. false: the peer is
  // resolved by ARP through the link partner (the gateway, which nobody
  // answers for, is then unreachable).
  bool static_neighbours = true;
};

struct SystemConfig {
  PcieConfig pcie;
  NicConfig nic;
  E1000Config e1000;
  HostNetConfig net;
  LinkPartnerConfig partner;  // ip/mac are taken from net.peer_ip / net.peer_mac
  size_t host_mem_bytes = 64u << 20;
  std::string pcap_path;  // empty: no pcap
  uint64_t seed = 1;
  bool keep_frames = false;  // keep every wire frame in memory (tests)
  // NETIF_F_* bits switched off after the driver advertised them, as
  // `ethtool -K eth0 tx off tso off` does: the stack then checksums and
  // segments in software.
  uint32_t disable_features = 0;
};

struct WireStats {
  uint64_t frames = 0, bytes = 0;  // bytes: DA..FCS
  uint64_t fcs_errors = 0, preamble_errors = 0;
  ps_t first_start = 0, last_end = 0;
};

class System : public sc_core::sc_module {
public:
  System(sc_core::sc_module_name name, const SystemConfig &cfg);
  ~System() override;

  // The application: runs in its own SC_THREAD once the driver is up. When
  // it returns the system drains (until the ring is empty) and stops.
  std::function<void(System &)> app;
  // Run until the app is done and drained, or until limit of simulated time.
  void run(ps_t limit);

  // For use inside app: spend CPU time; wait until n frames are on the wire.
  void cpu_work(ps_t t);
  bool wait_for_frames(uint64_t n, ps_t timeout);
  bool wait_for_tx_idle(ps_t timeout);
  // Block the calling thread until the stack did something (a received
  // frame, a timer) or timeout passes. False on timeout.
  bool wait_for_stack(ps_t timeout);
  // The stack's clock is SystemC time: timer_base::run_timers(now) brings it (and
  // its timers) up to date. The waits above, the stack's sk_wait and the
  // system's threads call it whenever they resume; an app that waits on its
  // own calls it before using the stack again.
  void sync_stack_clock();

  const SystemConfig &config() const { return cfg_; }
  HostMemory &mem() { return mem_; }
  net &stack() { return *stack_; }
  // The fd table of the host's one user process (the scenario's app).
  files_struct &files() { return *files_; }
  net_device &netdev() { return dev_; }
  E1000Adapter &adapter() { return *adapter_; }
  NicModel &nic() { return nic_; }
  PcieLink &link() { return link_; }
  HostBridge &bridge() { return bridge_; }
  const LatencyTracker &latency() const { return lat_; }
  const WireStats &wire() const { return wire_; }
  const std::vector<WireFrame> &frames() const { return frames_; }
  const std::vector<ps_t> &frame_times() const { return frame_times_; }
  bool app_done() const { return app_done_; }
  bool drained() const { return drained_; }
  const NicModel &nic() const { return nic_; }
  const E1000Adapter &adapter() const { return *adapter_; }
  const net &stack() const { return *stack_; }
  LinkPartner &partner() { return *partner_; }
  const LinkPartner &partner() const { return *partner_; }
  uint64_t rx_frames() const { return rx_frames_; }  // frames handed to the stack's receive path

private:
  void boot_thread();
  void irq_thread();
  void softirq_thread();
  void on_wire_frame(const WireFrame &f, ps_t start);
  void setup_stack();

  SystemConfig cfg_;
  kernel_ctx kernel_;  // the host's clock, timers and scheduler hooks; outlives stack_
  HostMemory mem_;
  std::unique_ptr<net> stack_;
  std::unique_ptr<files_struct> files_;  // closed after ~System unregisters dev_, before stack_ goes
  net_device dev_;
  HostCpu cpu_;
  PcieLink link_;
  HostBridge bridge_;
  NicModel nic_;
  std::unique_ptr<E1000Adapter> adapter_;
  std::unique_ptr<PcapWriter> pcap_;
  LatencyTracker lat_;
  WireStats wire_;
  std::vector<WireFrame> frames_;
  std::vector<ps_t> frame_times_;
  sc_core::sc_event wire_ev_;
  std::unique_ptr<LinkPartner> partner_;
  std::multimap<ps_t, std::vector<uint8_t>> rx_q_;  // partner frames on their way to the stack
  sc_core::sc_event softirq_ev_, stack_ev_;
  // The sockets' wait queue: sched_hooks::sk_wait sleeps on it, sk_write_space
  // (send-buffer space freed) and sk_state_change (TCP connected / reset /
  // closed) wake it.
  sc_core::sc_event sk_wq_ev_;
  uint64_t rx_frames_ = 0;
  bool app_done_ = false, drained_ = false, driver_up_ = false;
};

}  // namespace wirepath

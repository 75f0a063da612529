// The whole co-simulation, assembled: host (memory, stack, driver, CPU
// threads), the PCIe link and the Verilated NIC, the wire at its far end and
// the link partner. System builds the parts and connects them; the work is
// in the parts.
//
//   app thread: sendto() -> stack -> dev_queue_xmit -> e1000_xmit_frame
//        -> writel(TDT) -> HostCpu -> PcieLink -> NicModel(BAR0) -> RTL
//   RTL DMA -> NicModel(dma) -> PcieLink -> HostBridge (IOMMU check) -> PhysMem
//   RTL irq -> MSI -> Host irq thread -> e1000_intr_msi -> e1000e_poll
//        -> e1000_clean_tx_irq
//   RTL XGMII -> XgmiiRx -> WireFanout -> WireLog, pcap, latency,
//        WireFaults (loss, reorder) -> LinkPartner (the far host)
//   LinkPartner's replies, after rtt_ns, in software (no RX in the RTL):
//        Host::netif_rx -> softirq thread -> netif_rx_frame
//        -> netif_receive_skb -> arp_rcv | ip_rcv -> tcp_v4_rcv / udp_rcv /
//        icmp_rcv; the same thread runs the stack's timers on SystemC time
//        (timer_base::run_timers at timer_base::next_timer()).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "driver/e1000.hpp"
#include "sim/host/host.hpp"
#include "sim/host/host_bridge.hpp"
#include "sim/host/host_cpu.hpp"
#include "sim/host/tx_queue_sampler.hpp"
#include "stack/kernel/dma_mapping.hpp"
#include "stack/kernel/kmalloc.hpp"
#include "stack/kernel/phys_mem.hpp"
#include "sim/wire/latency.hpp"
#include "sim/wire/wire_faults.hpp"
#include "sim/wire/wire_fanout.hpp"
#include "sim/wire/wire_log.hpp"
#include "sim/peer/kernel_peer.hpp"
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
  WireFaultsConfig faults;    // loss and reordering in front of the partner, drawn from its random source
  // The far end: our link partner model, or the machine's real kernel behind
  // a TAP in a private namespace (kpeer.ns.mac/ip are taken from net.peer_*,
  // kpeer.reply_delay_ns from partner.rtt_ns).
  enum class Peer { model, kernel } peer = Peer::model;
  KernelPeerConfig kpeer;
  size_t host_mem_bytes = 64u << 20;
  std::string pcap_path;  // empty: no pcap
  uint64_t seed = 1;
  bool keep_frames = false;  // keep every wire frame in memory (tests)
  // NETIF_F_* bits switched off after the driver advertised them, as
  // `ethtool -K eth0 tx off tso off` does: the stack then checksums and
  // segments in software.
  uint32_t disable_features = 0;
  // CPU time each kernel function costs (stack/kernel/cpu_cost.hpp). Empty:
  // software takes no time (tests); the CLI loads the measured defaults.
  cpu_cost_table cpu_costs;
};

class System : public sc_core::sc_module {
public:
  System(sc_core::sc_module_name name, const SystemConfig &cfg);
  ~System() override;

  // The application: runs in the host's boot thread once the driver is up.
  // When it returns the system drains (until the ring is empty) and stops.
  std::function<void(System &)> app;
  // Run until the app is done and drained, or until limit of simulated time.
  void run(ps_t limit);

  // For use inside app (Host does them): spend CPU time; wait until n frames
  // are on the wire, the TX ring is idle, or the stack did something.
  void cpu_work(ps_t t) { host_->cpu_work(t); }
  bool wait_for_frames(uint64_t n, ps_t timeout) { return host_->wait_for_frames(n, timeout); }
  // Another observer of every frame on the wire (after the built-in ones).
  void attach_wire_observer(WireFanout::Observer o) { fanout_.attach(std::move(o)); }
  bool wait_for_tx_idle(ps_t timeout) { return host_->wait_for_tx_idle(timeout); }
  bool wait_for_stack(ps_t timeout) { return host_->wait_for_stack(timeout); }
  void sync_stack_clock() { host_->sync_stack_clock(); }

  const SystemConfig &config() const { return cfg_; }
  KernelHeap &mem() { return mem_; }
  net &stack() { return *stack_; }
  // The fd table of the host's one user process (the scenario's app).
  files_struct &files() { return *files_; }
  net_device &netdev() { return dev_; }
  const net_device &netdev() const { return dev_; }
  E1000Adapter &adapter() { return *adapter_; }
  Host &host() { return *host_; }
  NicModel &nic() { return nic_; }
  PcieLink &link() { return link_; }
  HostBridge &bridge() { return bridge_; }
  const LatencyTracker &latency() const { return lat_; }
  LatencyTracker &latency() { return lat_; }  // to set its tag (sim/app/flows)
  const WireStats &wire() const { return wire_log_.stats(); }
  const std::vector<WireFrame> &frames() const { return wire_log_.frames(); }
  const std::vector<ps_t> &frame_times() const { return wire_log_.frame_times(); }
  // Queue depths at each doorbell and TX clean, every frame's time and size (the report).
  const TxQueueSampler &tx_samples() const { return tx_samples_; }
  bool app_done() const { return host_->app_done(); }
  bool drained() const { return host_->drained(); }
  const NicModel &nic() const { return nic_; }
  const E1000Adapter &adapter() const { return *adapter_; }
  const net &stack() const { return *stack_; }
  const WireFaults &faults() const { return *faults_; }
  LinkPartner &partner() { return *partner_; }
  // The real kernel at the far end, or nullptr when the peer is the model.
  KernelPeer *kernel_peer() { return kpeer_.get(); }
  const KernelPeer *kernel_peer() const { return kpeer_.get(); }
  // The first TCP connection's bytes as the far end received them.
  const std::vector<uint8_t> &peer_stream() const { return kpeer_ ? kpeer_->stream() : partner_->stream(); }
  const LinkPartner &partner() const { return *partner_; }
  uint64_t rx_frames() const { return host_->rx_frames(); }  // frames handed to the stack's receive path
  PcapWriter *pcap() { return pcap_.get(); }  // null without a pcap; close() reports write errors

private:
  void setup_stack();
  void connect_wire();

  SystemConfig cfg_;
  kernel_ctx kernel_;   // the host's clock, timers and scheduler hooks; outlives stack_
  PhysMem ram_;         // host DRAM: the kernel allocates from it, the root complex serves DMA from it
  KernelHeap mem_;
  device nic_dev_;      // the NIC's struct device (&pdev->dev): its DMA mappings, its IOMMU domain
  std::unique_ptr<net> stack_;
  std::unique_ptr<files_struct> files_;  // closed after ~System unregisters dev_, before stack_ goes
  net_device dev_;
  HostCpu cpu_;
  PcieLink link_;
  HostBridge bridge_;
  NicModel nic_;
  std::unique_ptr<E1000Adapter> adapter_;
  // Created after every other module, as System's own threads were before
  // they moved here: the same process creation order, the same schedule.
  std::unique_ptr<Host> host_;
  WireFanout fanout_;
  WireLog wire_log_;
  std::unique_ptr<PcapWriter> pcap_;
  LatencyTracker lat_;
  TxQueueSampler tx_samples_;
  void sample_tx_queues();
  std::unique_ptr<LinkPartner> partner_;
  std::unique_ptr<WireFaults> faults_;
  std::unique_ptr<KernelPeer> kpeer_;
};

}  // namespace wirepath

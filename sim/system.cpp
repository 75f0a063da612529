#include "sim/system.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "sim/sc_time_util.hpp"
#include "sim/wire/wire_timing.hpp"
#include "stack/core/netdevice.hpp"

namespace wirepath {

System::System(sc_core::sc_module_name name, const SystemConfig &cfg)
    : sc_core::sc_module(name), cfg_(cfg), ram_(cfg.host_mem_bytes), mem_(ram_), nic_dev_(mem_), cpu_("cpu"),
      link_("pcie", cfg.pcie), bridge_("root_complex", ram_, &nic_dev_.iommu, cfg.pcie.irq_entry_latency),
      nic_("nic", cfg.nic, cfg.pcie.cpu_mmio_latency + cfg.pcie.link_latency), wire_log_(cfg.keep_frames) {
  cpu_.mmio_socket.bind(link_.cpu_side);
  link_.nic_bar0.bind(nic_.bar0);
  nic_.dma.bind(link_.nic_side);
  link_.host_side.bind(bridge_.pcie);

  setup_stack();

  adapter_ = std::make_unique<E1000Adapter>(nic_dev_, cpu_, dev_, cfg_.e1000);
  dev_.features &= ~cfg_.disable_features;
  host_ = std::make_unique<Host>("host", *stack_, dev_, *adapter_, bridge_, cfg_.e1000.napi_weight);
  host_->cpu().costs = cfg_.cpu_costs;
  cpu_.before_access = [this] { host_->cpu_sync(); };
  host_->app = [this] {
    if (app) app(*this);
  };

  // Doorbell-to-wire latency, observed on the bus and the wire.
  host_->on_driver_up = [this] { lat_.set_ring(adapter_->tx_ring().dma); };
  lat_.set_data_at_first_byte(cfg_.e1000.cut_through);
  adapter_->on_doorbell = [this](const std::vector<TxPacketRecord> &pkts) {
    host_->cpu_sync();  // the doorbell rings after the software in front of it
    lat_.doorbell(pkts, adapter_->tx_ring().next_to_use, now_ps());
    sample_tx_queues();
  };
  host_->on_tx_clean = [this] { sample_tx_queues(); };
  nic_.on_mmio_write = [this](uint32_t reg, uint32_t value, ps_t t) {
    if (reg == E1000_TDT && host_->driver_up()) lat_.tdt_arrived(value, t);
  };
  nic_.on_read_beat = [this](uint64_t addr, unsigned len, ps_t t) { lat_.read_beat(addr, len, t); };

  LinkPartnerConfig pc = cfg_.partner;
  pc.ip = cfg_.net.peer_ip;
  pc.mac = cfg_.net.peer_mac;
  partner_ = std::make_unique<LinkPartner>(pc);
  faults_ = std::make_unique<WireFaults>(cfg_.faults, partner_->rng());
  if (cfg_.peer == SystemConfig::Peer::kernel) {
    KernelPeerConfig kc = cfg_.kpeer;
    kc.ns.ip = cfg_.net.peer_ip;
    kc.ns.mac = cfg_.net.peer_mac;
    kc.ns.prefix_len = cfg_.net.prefix_len;
    kc.reply_delay_ns = cfg_.partner.rtt_ns;
    kpeer_ = std::make_unique<KernelPeer>(kc);
  }
  connect_wire();
}

System::~System() {
  // The host's threads unhook themselves from the stack first: it outlives
  // nothing it could call back into.
  host_.reset();
  // dev_ and the driver go before stack_ (member order): take the device out
  // of the stack now, so a socket files_ still has to close (a TCP FIN) finds
  // no route instead of a dead driver.
  stack_->unregister_netdevice(&dev_);
}

void System::setup_stack() {
  const HostNetConfig &n = cfg_.net;
  stack_ = std::make_unique<net>(kernel_, mem_, cfg_.seed);
  files_ = std::make_unique<files_struct>(*stack_);
  dev_.dev_addr = n.local_mac;
  int err = stack_->register_netdevice(&dev_);
  if (!err) err = stack_->inet_addr_add(&dev_, n.local_ip, static_cast<uint8_t>(n.prefix_len));
  if (!err) err = stack_->ip_route_add_default(n.gateway, &dev_);
  // PERMANENT neighbours (deterministic runs, no ARP on the wire), unless
  // the peer is to be resolved by ARP through the link partner.
  if (n.static_neighbours) {
    if (!err) err = stack_->neigh_add(&dev_, n.peer_ip, n.peer_mac);
    if (!err) err = stack_->neigh_add(&dev_, n.gateway, n.gateway_mac);
  }
  if (err) throw std::invalid_argument(fmt::format("system: network setup failed (errno {})", -err));
}

// NIC -> fan-out -> {wire log, pcap, faults -> partner, latency, host};
// the partner's replies -> host (softirq).
void System::connect_wire() {
  nic_.on_frame = [this](const WireFrame &f, ps_t start) { fanout_.deliver(f, start); };
  fanout_.attach([this](const WireFrame &f, ps_t start) { wire_log_.on_frame(f, start); });
  if (!cfg_.pcap_path.empty()) {
    pcap_ = std::make_unique<PcapWriter>(cfg_.pcap_path);
    fanout_.attach([this](const WireFrame &f, ps_t start) { pcap_->write(start, f.bytes); });
  }
  // The far end sees a frame once its last bit has left.
  fanout_.attach([this](const WireFrame &f, ps_t start) {
    faults_->on_frame(f.bytes, wire_frame_end(start, f.bytes.size()) / kNs);
    host_->raise_softirq();  // the partner may have a new event
  });
  faults_->deliver = [this](const std::vector<uint8_t> &frame, uint64_t arrive_ns) {
    if (kpeer_)
      kpeer_->on_frame(frame, arrive_ns);
    else
      partner_->on_frame(frame, arrive_ns);
  };
  fanout_.attach([this](const WireFrame &f, ps_t start) {
    lat_.wire_start(f.bytes, start);
  });
  fanout_.attach([this](const WireFrame &, ps_t) { host_->on_wire_frame(); });
  fanout_.attach([this](const WireFrame &f, ps_t start) {
    tx_samples_.wire_frame(start, static_cast<uint32_t>(f.bytes.size()));
  });

  partner_->transmit = [this](std::vector<uint8_t> frame, uint64_t arrive_ns) {
    host_->netif_rx(std::move(frame), arrive_ns * kNs);
  };
  if (kpeer_) {
    kpeer_->transmit = [this](std::vector<uint8_t> frame, uint64_t arrive_ns) {
      host_->netif_rx(std::move(frame), arrive_ns * kNs);
    };
    host_->peer_run = [this](uint64_t now_ns) { kpeer_->run(now_ns); };
    host_->peer_next_event_ns = [this] { return kpeer_->next_event_ns(); };
    return;
  }
  host_->peer_run = [this](uint64_t now_ns) { partner_->run(now_ns); };
  host_->peer_next_event_ns = [this] { return partner_->next_event_ns(); };
}

void System::sample_tx_queues() {
  const e1000_ring &r = adapter_->tx_ring();
  const uint32_t in_flight = r.count ? (r.next_to_use + r.count - r.next_to_clean) % r.count : 0;
  tx_samples_.sample(now_ps(), dev_.qdisc ? dev_.qdisc->qlen() : 0, in_flight);
}

void System::run(ps_t limit) { sc_core::sc_start(ps_time(limit)); }

}  // namespace wirepath

#include "sim/system.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "sim/sc_time_util.hpp"

namespace wirepath {

System::System(sc_core::sc_module_name name, const SystemConfig &cfg)
    : sc_core::sc_module(name), cfg_(cfg), mem_(cfg.host_mem_bytes), cpu_("cpu"), link_("pcie", cfg.pcie),
      bridge_("root_complex", mem_, cfg.pcie.irq_entry_latency),
      nic_("nic", cfg.nic, cfg.pcie.cpu_mmio_latency + cfg.pcie.link_latency) {
  cpu_.mmio_socket.bind(link_.cpu_side);
  link_.nic_bar0.bind(nic_.bar0);
  nic_.dma.bind(link_.nic_side);
  link_.host_side.bind(bridge_.pcie);

  setup_stack();

  adapter_ = std::make_unique<E1000Adapter>(mem_, cpu_, dev_, cfg_.e1000);
  adapter_->on_doorbell = [this](const std::vector<TxPacketRecord> &pkts) { lat_.doorbell(pkts, now_ps()); };
  nic_.on_mmio_write = [this](uint32_t reg, uint32_t, ps_t t) {
    if (reg == E1000_TDT && driver_up_) lat_.tdt_arrived(t);
  };
  nic_.on_read_beat = [this](uint64_t addr, unsigned len, ps_t t) { lat_.read_beat(addr, len, t); };
  nic_.on_frame = [this](const WireFrame &f, ps_t start) { on_wire_frame(f, start); };
  if (!cfg_.pcap_path.empty()) pcap_ = std::make_unique<PcapWriter>(cfg_.pcap_path);

  SC_HAS_PROCESS(System);
  SC_THREAD(boot_thread);
  SC_THREAD(irq_thread);
}

System::~System() = default;

void System::setup_stack() {
  const HostNetConfig &n = cfg_.net;
  stack_ = std::make_unique<net>(mem_, cfg_.seed);
  dev_.dev_addr = n.local_mac;
  int err = stack_->register_netdevice(&dev_);
  if (!err) err = stack_->inet_addr_add(&dev_, n.local_ip, static_cast<uint8_t>(n.prefix_len));
  if (!err) err = stack_->ip_route_add_default(n.gateway, &dev_);
  // Static neighbours until ARP exists (the stack's neighbour layer is static).
  if (!err) err = stack_->neigh_add(&dev_, n.peer_ip, n.peer_mac);
  if (!err) err = stack_->neigh_add(&dev_, n.gateway, n.gateway_mac);
  if (err) throw std::invalid_argument(fmt::format("system: network setup failed (errno {})", -err));
  // Blocking sends (sock_alloc_send_skb): the app thread sleeps until TX
  // completion frees send-buffer space (sock_wfree -> sk_write_space).
  stack_->sk_wait = [this](sock *) {
    sc_core::wait(wmem_ev_);
    return true;
  };
  stack_->sk_write_space = [this](sock *) { wmem_ev_.notify(sc_core::SC_ZERO_TIME); };
}

void System::on_wire_frame(const WireFrame &f, ps_t start) {
  if (!wire_.frames) wire_.first_start = start;
  wire_.frames++;
  wire_.bytes += f.bytes.size();
  if (!f.fcs_ok) wire_.fcs_errors++;
  if (!f.preamble_ok) wire_.preamble_errors++;
  // Last byte leaves 8 preamble/SFD + frame bytes after the /S/ edge.
  wire_.last_end = start + (8 + f.bytes.size()) * 800;  // 800 ps per byte at 10 Gb/s
  if (pcap_) pcap_->write(start, f.bytes);
  lat_.wire_start(f.bytes.size() >= 4 ? f.bytes.size() - 4 : 0, start);
  if (cfg_.keep_frames) {
    frames_.push_back(f);
    frame_times_.push_back(start);
  }
  wire_ev_.notify(sc_core::SC_ZERO_TIME);
}

void System::boot_thread() {
  adapter_->e1000e_open();
  lat_.set_ring(adapter_->tx_ring().dma);
  driver_up_ = true;
  if (app) app(*this);
  app_done_ = true;
  drained_ = wait_for_tx_idle(50'000'000 * kNs);
  sc_core::sc_stop();
}

void System::irq_thread() {
  for (;;) {
    while (bridge_.take_interrupts() == 0) sc_core::wait(bridge_.interrupt_event());
    if (!adapter_->e1000_intr_msi()) continue;
    // NAPI runs in softirq context right after the handler.
    while (adapter_->napi_scheduled()) adapter_->e1000e_poll(cfg_.e1000.napi_weight);
  }
}

void System::cpu_work(ps_t t) {
  if (t) sc_core::wait(ps_time(t));
}

bool System::wait_for_frames(uint64_t n, ps_t timeout) {
  const ps_t deadline = now_ps() + timeout;
  while (wire_.frames < n) {
    if (now_ps() >= deadline) return false;
    sc_core::wait(ps_time(deadline - now_ps()), wire_ev_);
  }
  return true;
}

bool System::wait_for_tx_idle(ps_t timeout) {
  // Idle: nothing queued in the qdisc, every descriptor cleaned.
  const ps_t deadline = now_ps() + timeout;
  const ps_t poll = 100 * kNs;
  for (;;) {
    const e1000_ring &r = adapter_->tx_ring();
    if (dev_.qdisc->qlen() == 0 && r.next_to_clean == r.next_to_use) return true;
    if (now_ps() >= deadline) return false;
    sc_core::wait(ps_time(poll));
  }
}

void System::run(ps_t limit) { sc_core::sc_start(ps_time(limit)); }

}  // namespace wirepath

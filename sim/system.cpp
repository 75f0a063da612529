#include "sim/system.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "sim/pcie/sc_time_util.hpp"
#include "stack/core/netdevice.hpp"

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
  dev_.features &= ~cfg_.disable_features;
  adapter_->on_doorbell = [this](const std::vector<TxPacketRecord> &pkts) { lat_.doorbell(pkts, now_ps()); };
  nic_.on_mmio_write = [this](uint32_t reg, uint32_t, ps_t t) {
    if (reg == E1000_TDT && driver_up_) lat_.tdt_arrived(t);
  };
  nic_.on_read_beat = [this](uint64_t addr, unsigned len, ps_t t) { lat_.read_beat(addr, len, t); };
  nic_.on_frame = [this](const WireFrame &f, ps_t start) { on_wire_frame(f, start); };
  if (!cfg_.pcap_path.empty()) pcap_ = std::make_unique<PcapWriter>(cfg_.pcap_path);

  LinkPartnerConfig pc = cfg_.partner;
  pc.ip = cfg_.net.peer_ip;
  pc.mac = cfg_.net.peer_mac;
  partner_ = std::make_unique<LinkPartner>(pc);
  partner_->transmit = [this](std::vector<uint8_t> frame, uint64_t arrive_ns) {
    rx_q_.emplace(arrive_ns * kNs, std::move(frame));
    softirq_ev_.notify(sc_core::SC_ZERO_TIME);
  };

  SC_HAS_PROCESS(System);
  SC_THREAD(boot_thread);
  SC_THREAD(irq_thread);
  SC_THREAD(softirq_thread);
}

System::~System() {
  // The stack outlives nothing it could call back into.
  kernel_.timers.next_timer_changed = nullptr;
  kernel_.sched = {};
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
  // Blocking socket calls (sched_hooks::sk_wait) sleep on the sockets' wait queue:
  // TX completion freeing send-buffer space (sock_wfree -> sk_write_space),
  // TCP ACKs freeing its write queue (sk_stream_write_space) and TCP state
  // changes (sk_state_change) wake them.
  kernel_.sched.sk_wait = [this](sock *) {
    sc_core::wait(sk_wq_ev_);
    sync_stack_clock();
    return true;
  };
  kernel_.sched.sk_write_space = [this](sock *) { sk_wq_ev_.notify(sc_core::SC_ZERO_TIME); };
  kernel_.sched.sk_state_change = [this](sock *) { sk_wq_ev_.notify(sc_core::SC_ZERO_TIME); };
  // The stack's timers run in softirq_thread; a timer armed ahead of the
  // others moves its wake-up.
  kernel_.timers.next_timer_changed = [this] { softirq_ev_.notify(sc_core::SC_ZERO_TIME); };
}

void System::sync_stack_clock() { kernel_.timers.run_timers(now_ps() / kNs); }

void System::softirq_thread() {
  for (;;) {
    const ps_t now = now_ps();
    // TIMER_SOFTIRQ runs before NET_RX_SOFTIRQ: timers due by now, then the
    // frames that arrived (their skbs see timer_base::now() == now).
    sync_stack_clock();
    partner_->run(now / kNs);
    while (!rx_q_.empty() && rx_q_.begin()->first <= now) {
      std::vector<uint8_t> f = std::move(rx_q_.begin()->second);
      rx_q_.erase(rx_q_.begin());
      // The receive path in software: a driver would build the skb from its
      // RX ring; netif_rx_frame copies it, eth_type_trans, netif_receive_skb.
      ++rx_frames_;
      netif_rx_frame(&dev_, f.data(), f.size());
    }
    stack_ev_.notify(sc_core::SC_ZERO_TIME);
    // Sleep until the next thing due, or until something new arrives.
    uint64_t next = std::min(partner_->next_event_ns(), kernel_.timers.next_timer());
    ps_t next_ps = next == TIMER_NONE ? ~ps_t{0} : next * kNs;
    if (!rx_q_.empty()) next_ps = std::min(next_ps, rx_q_.begin()->first);
    if (next_ps == ~ps_t{0})
      sc_core::wait(softirq_ev_);
    else
      sc_core::wait(ps_time(next_ps > now ? next_ps - now : kNs), softirq_ev_);
  }
}

bool System::wait_for_stack(ps_t timeout) {
  sc_core::wait(ps_time(timeout), stack_ev_);
  sync_stack_clock();
  return stack_ev_.triggered();
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
  partner_->on_frame(f.bytes, (start + (8 + f.bytes.size()) * 800) / kNs);
  softirq_ev_.notify(sc_core::SC_ZERO_TIME);
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
  sync_stack_clock();
  if (app) app(*this);
  app_done_ = true;
  drained_ = wait_for_tx_idle(50'000'000 * kNs);
  sc_core::sc_stop();
}

void System::irq_thread() {
  for (;;) {
    while (bridge_.take_interrupts() == 0) sc_core::wait(bridge_.interrupt_event());
    if (!adapter_->e1000_intr_msi()) continue;
    sync_stack_clock();
    // NAPI runs in softirq context right after the handler.
    while (adapter_->napi_scheduled()) adapter_->e1000e_poll(cfg_.e1000.napi_weight);
  }
}

void System::cpu_work(ps_t t) {
  if (!t) return;
  sc_core::wait(ps_time(t));
  sync_stack_clock();
}

bool System::wait_for_frames(uint64_t n, ps_t timeout) {
  const ps_t deadline = now_ps() + timeout;
  while (wire_.frames < n) {
    if (now_ps() >= deadline) return false;
    sc_core::wait(ps_time(deadline - now_ps()), wire_ev_);
    sync_stack_clock();
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
    sync_stack_clock();
  }
}

void System::run(ps_t limit) { sc_core::sc_start(ps_time(limit)); }

}  // namespace wirepath

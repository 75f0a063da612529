#include "sim/host/host.hpp"

#include <algorithm>

#include "sim/sc_time_util.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/sched/sch_generic.hpp"

namespace wirepath {

Host::Host(sc_core::sc_module_name name, net &stack, net_device &dev, E1000Adapter &adapter, HostBridge &bridge,
           int napi_weight)
    : sc_core::sc_module(name), stack_(stack), dev_(dev), adapter_(adapter), bridge_(bridge),
      napi_weight_(napi_weight) {
  // Blocking socket calls (sched_hooks::sk_wait) sleep on the sockets' wait queue:
  // TX completion freeing send-buffer space (sock_wfree -> sk_write_space),
  // TCP ACKs freeing its write queue (sk_stream_write_space) and TCP state
  // changes (sk_state_change) wake them.
  stack_.kernel.sched.sk_wait = [this](sock *) {
    sc_core::wait(sk_wq_ev_);
    sync_stack_clock();
    return true;
  };
  stack_.kernel.sched.sk_write_space = [this](sock *) { sk_wq_ev_.notify(sc_core::SC_ZERO_TIME); };
  stack_.kernel.sched.sk_state_change = [this](sock *) { sk_wq_ev_.notify(sc_core::SC_ZERO_TIME); };
  // The stack's timers run in softirq_thread; a timer armed ahead of the
  // others moves its wake-up.
  stack_.kernel.timers.next_timer_changed = [this] { raise_softirq(); };

  SC_HAS_PROCESS(Host);
  SC_THREAD(boot_thread);
  SC_THREAD(irq_thread);
  SC_THREAD(softirq_thread);
}

Host::~Host() {
  // The stack outlives nothing it could call back into.
  stack_.kernel.timers.next_timer_changed = nullptr;
  stack_.kernel.sched.sk_wait = nullptr;
  stack_.kernel.sched.sk_write_space = nullptr;
  stack_.kernel.sched.sk_state_change = nullptr;
}

void Host::sync_stack_clock() { stack_.kernel.timers.run_timers(now_ps() / kNs); }

void Host::netif_rx(std::vector<uint8_t> frame, ps_t arrive) {
  rx_q_.emplace(arrive, std::move(frame));
  raise_softirq();
}

void Host::on_wire_frame() {
  wire_frames_++;
  wire_ev_.notify(sc_core::SC_ZERO_TIME);
}

void Host::boot_thread() {
  adapter_.e1000e_open();
  if (on_driver_up) on_driver_up();
  driver_up_ = true;
  sync_stack_clock();
  if (app) app();
  app_done_ = true;
  drained_ = wait_for_tx_idle(50'000'000 * kNs);
  sc_core::sc_stop();
}

void Host::irq_thread() {
  for (;;) {
    while (bridge_.take_interrupts() == 0) sc_core::wait(bridge_.interrupt_event());
    if (!adapter_.e1000_intr_msi()) continue;
    sync_stack_clock();
    // NAPI runs in softirq context right after the handler.
    while (adapter_.napi_scheduled()) {
      adapter_.e1000e_poll(napi_weight_);
      if (on_tx_clean) on_tx_clean();
    }
  }
}

void Host::softirq_thread() {
  for (;;) {
    const ps_t now = now_ps();
    // TIMER_SOFTIRQ runs before NET_RX_SOFTIRQ: timers due by now, then the
    // frames that arrived (their skbs see timer_base::now() == now).
    sync_stack_clock();
    if (peer_run) peer_run(now / kNs);
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
    const uint64_t peer_next = peer_next_event_ns ? peer_next_event_ns() : TIMER_NONE;
    const uint64_t next = std::min(peer_next, stack_.kernel.timers.next_timer());
    ps_t next_ps = next == TIMER_NONE ? ~ps_t{0} : next * kNs;
    if (!rx_q_.empty()) next_ps = std::min(next_ps, rx_q_.begin()->first);
    if (next_ps == ~ps_t{0})
      sc_core::wait(softirq_ev_);
    else
      sc_core::wait(ps_time(next_ps > now ? next_ps - now : kNs), softirq_ev_);
  }
}

bool Host::wait_for_stack(ps_t timeout) {
  sc_core::wait(ps_time(timeout), stack_ev_);
  sync_stack_clock();
  return stack_ev_.triggered();
}

void Host::cpu_work(ps_t t) {
  if (!t) return;
  sc_core::wait(ps_time(t));
  sync_stack_clock();
}

bool Host::wait_for_frames(uint64_t n, ps_t timeout) {
  const ps_t deadline = now_ps() + timeout;
  while (wire_frames_ < n) {
    if (now_ps() >= deadline) return false;
    sc_core::wait(ps_time(deadline - now_ps()), wire_ev_);
    sync_stack_clock();
  }
  return true;
}

bool Host::wait_for_tx_idle(ps_t timeout) {
  // Idle: nothing queued in the qdisc, every descriptor cleaned.
  const ps_t deadline = now_ps() + timeout;
  const ps_t poll = 100 * kNs;
  for (;;) {
    const e1000_ring &r = adapter_.tx_ring();
    if (dev_.qdisc->qlen() == 0 && r.next_to_clean == r.next_to_use) return true;
    if (now_ps() >= deadline) return false;
    sc_core::wait(ps_time(poll));
    sync_stack_clock();
  }
}

}  // namespace wirepath

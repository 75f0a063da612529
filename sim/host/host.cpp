// sc_spawn for the app threads.
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include "sim/host/host.hpp"

#include <algorithm>

#include "sim/sc_time_util.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/ipv4/tcp.hpp"
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
    // A wake-up while the software's time is waited out would be lost:
    // after that wait, let the caller check again before sleeping.
    if (cpu_sync()) {
      sync_stack_clock();
      return true;
    }
    kernel_exit();
    sc_core::wait(sk_wq_ev_);
    kernel_enter();
    sync_stack_clock();
    return true;
  };
  stack_.kernel.sched.sk_write_space = [this](sock *) { sk_wq_ev_.notify(sc_core::SC_ZERO_TIME); };
  stack_.kernel.sched.sk_state_change = [this](sock *) { sk_wq_ev_.notify(sc_core::SC_ZERO_TIME); };
  stack_.kernel.sched.sk_data_ready = [this](sock *) { sk_wq_ev_.notify(sc_core::SC_ZERO_TIME); };
  // The stack's timers run in softirq_thread; a timer armed ahead of the
  // others moves its wake-up.
  stack_.kernel.timers.next_timer_changed = [this] { raise_softirq(); };

  cpu_clock_.current = [this] { return current_cpu_thread(); };
  cpu_clock_.now_ps = [] { return now_ps(); };
  cpu_clock::active = &cpu_clock_;

  SC_HAS_PROCESS(Host);
  SC_THREAD(boot_thread);
  SC_THREAD(irq_thread);
  SC_THREAD(softirq_thread);
}

Host::~Host() {
  if (cpu_clock::active == &cpu_clock_) cpu_clock::active = nullptr;
  // The stack outlives nothing it could call back into.
  stack_.kernel.timers.next_timer_changed = nullptr;
  stack_.kernel.sched.sk_wait = nullptr;
  stack_.kernel.sched.sk_write_space = nullptr;
  stack_.kernel.sched.sk_state_change = nullptr;
  stack_.kernel.sched.sk_data_ready = nullptr;
}

cpu_thread *Host::current_cpu_thread() {
  sc_core::sc_process_b *p = sc_core::sc_get_current_process_b();
  if (!p || sc_core::sc_get_status() != sc_core::SC_RUNNING) return nullptr;
  auto it = cpu_threads_.find(p);
  if (it != cpu_threads_.end()) return &it->second;
  // The boot thread runs the app: its track is "app".
  std::string name = p->basename();
  if (name == "boot_thread") name = "app";
  else if (name.size() > 7 && name.compare(name.size() - 7, 7, "_thread") == 0) name.resize(name.size() - 7);
  cpu_thread &t = cpu_threads_[p];
  t.name = name;
  t.tid = static_cast<int>(cpu_threads_.size());
  return &t;
}

bool Host::cpu_sync() {
  cpu_thread *t = current_cpu_thread();
  if (!t || !t->ahead_ps) return false;
  const ps_t ahead = t->ahead_ps;
  t->ahead_ps = 0;
  sc_core::wait(ps_time(ahead));
  return true;
}

void Host::kernel_enter() {
  if (!kernel_lock_used()) return;
  const void *me = sc_core::sc_get_current_process_b();
  if (!kernel_owner_) kernel_owner_ = me;
  if (kernel_owner_ == me) return;
  // Handed over in arrival order (a ticket lock), so nobody is starved.
  kernel_waiters_.push_back(me);
  while (kernel_owner_ != me) sc_core::wait(kernel_free_ev_);
}

void Host::kernel_exit() {
  if (kernel_owner_ != sc_core::sc_get_current_process_b()) return;
  kernel_owner_ = nullptr;
  if (!kernel_waiters_.empty()) {
    kernel_owner_ = kernel_waiters_.front();
    kernel_waiters_.pop_front();
    kernel_free_ev_.notify(sc_core::SC_ZERO_TIME);
  }
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
  kernel_enter();
  adapter_.e1000e_open();
  if (on_driver_up) on_driver_up();
  driver_up_ = true;
  sync_stack_clock();
  if (app) app();
  cpu_sync();
  kernel_exit();
  // Several applications at once (--flow): each its own process context,
  // taking the kernel as any thread does while it runs in it.
  std::vector<sc_core::sc_process_handle> threads;
  for (size_t i = 0; i < apps.size(); i++)
    threads.push_back(sc_core::sc_spawn(
        [this, f = apps[i]] {
          kernel_enter();
          f();
          cpu_sync();
          kernel_exit();
        },
        sc_core::sc_gen_unique_name("app")));
  for (sc_core::sc_process_handle &h : threads)
    if (!h.terminated()) sc_core::wait(h.terminated_event());
  if (!threads.empty()) {
    kernel_enter();
    sync_stack_clock();
    kernel_exit();
  }
  app_done_ = true;
  // No deadline: a packet waiting for ARP is sent or dropped (NEIGH_FAILED)
  // within the neighbour's probe time; the run's own time limit bounds it.
  drained_ = wait_for_tx_idle(~ps_t{0} / 2);
  sc_core::sc_stop();
}

void Host::irq_thread() {
  for (;;) {
    cpu_sync();
    kernel_exit();
    while (bridge_.take_interrupts() == 0) sc_core::wait(bridge_.interrupt_event());
    kernel_enter();
    if (!adapter_.e1000_intr_msi()) continue;
    sync_stack_clock();
    // NAPI runs in softirq context right after the handler.
    while (adapter_.napi_scheduled()) {
      adapter_.e1000e_poll(napi_weight_);
      if (on_tx_clean) on_tx_clean();
    }
    // TASKLET_SOFTIRQ after NET_RX: TSQ resumes the sockets completions unthrottled.
    tcp_tasklet_func(stack_);
  }
}

void Host::softirq_thread() {
  for (;;) {
    kernel_enter();
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
    cpu_sync();
    kernel_exit();
    const uint64_t peer_next = peer_next_event_ns ? peer_next_event_ns() : TIMER_NONE;
    const uint64_t next = std::min(peer_next, stack_.kernel.timers.next_timer());
    ps_t next_ps = next == TIMER_NONE ? ~ps_t{0} : next * kNs;
    if (!rx_q_.empty()) next_ps = std::min(next_ps, rx_q_.begin()->first);
    if (next_ps == ~ps_t{0})
      sc_core::wait(softirq_ev_);
    else
      sc_core::wait(ps_time(next_ps > now_ps() ? next_ps - now_ps() : kNs), softirq_ev_);
  }
}

bool Host::wait_for_stack(ps_t timeout) {
  cpu_sync();
  kernel_exit();
  sc_core::wait(ps_time(timeout), stack_ev_);
  kernel_enter();
  sync_stack_clock();
  return stack_ev_.triggered();
}

bool Host::wait_for_socket(ps_t timeout) {
  sc_core::wait(ps_time(timeout), sk_wq_ev_);
  sync_stack_clock();
  return sk_wq_ev_.triggered();
}

void Host::cpu_work(ps_t t) {
  cpu_sync();
  if (!kernel_lock_used() && !t) return;
  // The app's own work, not the kernel's: the other threads may run the
  // kernel meanwhile (with none: for a delta cycle, so they are not starved).
  kernel_exit();
  sc_core::wait(t ? ps_time(t) : sc_core::SC_ZERO_TIME);
  kernel_enter();
  sync_stack_clock();
}

bool Host::wait_for_frames(uint64_t n, ps_t timeout) {
  cpu_sync();
  const ps_t deadline = now_ps() + timeout;
  while (wire_frames_ < n) {
    if (now_ps() >= deadline) return false;
    kernel_exit();
    sc_core::wait(ps_time(deadline - now_ps()), wire_ev_);
    kernel_enter();
    sync_stack_clock();
  }
  return true;
}

bool Host::wait_for_tx_idle(ps_t timeout) {
  cpu_sync();
  // Idle: nothing waiting in a neighbour's arp_queue or in the qdisc, every
  // descriptor cleaned.
  const ps_t deadline = now_ps() + timeout;
  const ps_t poll = 100 * kNs;
  for (;;) {
    size_t unresolved = 0;
    for (const auto &e : stack_.arp_tbl.entries) unresolved += e.second->arp_queue.size();
    const e1000_ring &r = adapter_.tx_ring();
    if (!unresolved && dev_.qdisc->qlen() == 0 && r.next_to_clean == r.next_to_use) return true;
    if (now_ps() >= deadline) return false;
    // Waiting for a neighbour is the stack's business (ARP reply, timers):
    // sleep until it runs rather than polling through its probe time.
    kernel_exit();
    if (unresolved)
      sc_core::wait(ps_time(deadline - now_ps()), stack_ev_);
    else
      sc_core::wait(ps_time(poll));
    kernel_enter();
    sync_stack_clock();
  }
}

}  // namespace wirepath

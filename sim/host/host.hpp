// The host's CPU threads: one CPU's process context and softirqs over the
// stack and the driver.
//
//   boot:    e1000e_open, then the app, then drain (TX ring empty) and stop
//   irq:     MSI -> e1000_intr_msi -> NAPI (e1000e_poll) right after it
//   softirq: TIMER_SOFTIRQ (the stack's timers on SystemC time), then
//            NET_RX_SOFTIRQ (frames from the far end: netif_rx_frame ->
//            netif_receive_skb)
//
// The stack's clock is SystemC time: sync_stack_clock (timer_base::run_timers at
// now) brings it and its timers up to date, and every thread calls it when
// it resumes. Blocking socket calls (sched_hooks::sk_wait) sleep on the sockets'
// wait queue, which sk_write_space and sk_state_change wake.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <vector>

#include <systemc>

#include "driver/e1000.hpp"
#include "sim/host/host_bridge.hpp"
#include "sim/pcie/pcie_config.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/kernel/cpu_cost.hpp"

namespace wirepath {

class Host : public sc_core::sc_module {
public:
  // Hooks itself into the stack (sk_wait, sk_write_space, sk_state_change,
  // next_timer_changed) until it is destroyed.
  Host(sc_core::sc_module_name name, net &stack, net_device &dev, E1000Adapter &adapter, HostBridge &bridge,
       int napi_weight);
  ~Host() override;

  // The application, run by the boot thread once the driver is up. When it
  // returns the host drains (until the TX ring is empty) and stops.
  std::function<void()> app;
  // Further applications (sim/app/flows), each in a process-context thread
  // of its own (sc_spawn) started by the boot thread after app returns; the
  // host drains once they all have returned.
  std::vector<std::function<void()>> apps;
  // Called by the boot thread right after e1000e_open (the TX ring exists).
  std::function<void()> on_driver_up;
  // Called by the irq thread after each NAPI poll (TX descriptors cleaned).
  std::function<void()> on_tx_clean;

  // The far end of the wire is plain C++ with no thread of its own: the
  // softirq thread brings it up to now before taking the frames that
  // arrived, and sleeps no longer than until its next event.
  std::function<void(uint64_t now_ns)> peer_run;
  std::function<uint64_t()> peer_next_event_ns;

  // A frame (DA..payload) that reaches our stack at arrive: queued for the
  // softirq thread, as netif_rx queues to the backlog.
  void netif_rx(std::vector<uint8_t> frame, ps_t arrive);
  // Wake the softirq thread: what it serves has new work (a timer armed
  // ahead of the others, a frame given to the far end).
  void raise_softirq() { softirq_ev_.notify(sc_core::SC_ZERO_TIME); }
  // A frame left on the wire: wakes wait_for_frames.
  void on_wire_frame();

  // For use inside app: spend CPU time; wait until n frames are on the wire.
  void cpu_work(ps_t t);
  bool wait_for_frames(uint64_t n, ps_t timeout);
  bool wait_for_tx_idle(ps_t timeout);
  // Block the calling thread until the stack did something (a received
  // frame, a timer) or timeout passes. False on timeout.
  bool wait_for_stack(ps_t timeout);
  // Block on the sockets' wait queue (what sk_wait sleeps on: send space,
  // TCP state, received data) or until timeout. False on timeout.
  bool wait_for_socket(ps_t timeout);
  // timer_base::run_timers(now): the waits above, the stack's sk_wait and the
  // threads call it whenever they resume; an app that waits on its own
  // calls it before using the stack again.
  void sync_stack_clock();

  // CPU time of software (stack/kernel/cpu_cost.hpp): the host's clock is
  // the active one while the Host lives. cpu_sync waits out what the calling
  // thread has charged; every wait of a host thread does it first, and so
  // does HostCpu before an MMIO access.
  cpu_clock &cpu() { return cpu_clock_; }
  bool cpu_sync();  // true if it waited
  cpu_thread *current_cpu_thread();
  const std::map<const void *, cpu_thread> &cpu_threads() const { return cpu_threads_; }

  bool driver_up() const { return driver_up_; }
  bool app_done() const { return app_done_; }
  bool drained() const { return drained_; }
  uint64_t wire_frames() const { return wire_frames_; }
  uint64_t rx_frames() const { return rx_frames_; }  // frames handed to the stack's receive path

private:
  void boot_thread();
  void irq_thread();
  void softirq_thread();

  net &stack_;
  net_device &dev_;
  E1000Adapter &adapter_;
  HostBridge &bridge_;
  int napi_weight_;
  std::multimap<ps_t, std::vector<uint8_t>> rx_q_;  // frames from the far end on their way to the stack
  sc_core::sc_event softirq_ev_, stack_ev_, wire_ev_;
  // The sockets' wait queue: sched_hooks::sk_wait sleeps on it, sk_write_space
  // (send-buffer space freed) and sk_state_change (TCP connected / reset /
  // closed) wake it.
  sc_core::sc_event sk_wq_ev_;
  cpu_clock cpu_clock_;
  std::map<const void *, cpu_thread> cpu_threads_;  // by SystemC process, made on first charge
  // While software takes time, a thread waits it out in the middle of the
  // stack (before an MMIO access); Linux's locks keep the other threads out
  // of what it is working on. Here one lock for the whole kernel does: a
  // host thread holds it while it runs and lets go only where it sleeps
  // (a wait of its loop, sk_wait, the app's own waits). With no costs
  // charged nobody waits mid-stack and the lock is not used (the schedule
  // is exactly the one before software took time).
  void kernel_enter();
  void kernel_exit();
  bool kernel_lock_used() const { return !cpu_clock_.costs.entries().empty(); }
  const void *kernel_owner_ = nullptr;
  std::deque<const void *> kernel_waiters_;
  sc_core::sc_event kernel_free_ev_;
  uint64_t wire_frames_ = 0, rx_frames_ = 0;
  bool app_done_ = false, drained_ = false, driver_up_ = false;
};

}  // namespace wirepath

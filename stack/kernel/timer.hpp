// Kernel timers (include/linux/timer.h, kernel/time/timer.c) on simulated
// time. The stack has no clock of its own: whoever drives it (a test, the
// SystemC sim) advances a host's timer base with timer_base::run_timers(now),
// which runs every timer due by then in expiry order (ties in arming order)
// with now() equal to each timer's expiry while it runs, so one big step
// gives the same result as many small ones. next_timer() says when the next
// one is due. Linux keeps a timer base per CPU; we keep one per host
// (kernel_ctx, kernel.hpp), so a test can build several hosts.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <utility>

namespace wirepath {

struct timer_base;

constexpr uint64_t NSEC_PER_MSEC = 1'000'000ULL;
constexpr uint64_t NSEC_PER_SEC = 1'000'000'000ULL;
constexpr uint64_t TIMER_NONE = UINT64_MAX;  // next_timer() with nothing armed

struct timer_list {
  uint64_t expires = 0;  // ns of simulated time
  std::function<void(timer_list *)> function;

  // Owned by the base the timer is armed on.
  timer_base *base = nullptr;
  uint64_t seq = 0;
  bool pending = false;

  timer_list() = default;
  timer_list(const timer_list &) = delete;
  timer_list &operator=(const timer_list &) = delete;
  ~timer_list();  // del_timer
};

inline bool timer_pending(const timer_list *t) { return t->pending; }

struct timer_base {
  timer_base() = default;
  ~timer_base();  // timers still armed are disarmed, not run
  timer_base(const timer_base &) = delete;
  timer_base &operator=(const timer_base &) = delete;

  // The clock: simulated ns, advanced only by run_timers.
  uint64_t now() const { return now_ns_; }
  // Advance the clock to now_ns (never backwards) running every timer due.
  void run_timers(uint64_t now_ns);
  // Expiry of the earliest armed timer, or TIMER_NONE.
  uint64_t next_timer() const;
  // Arm (or re-arm) t to fire at expires; true if it was already pending.
  bool mod_timer(timer_list *t, uint64_t expires);
  // Disarm t; true if it was pending.
  bool del_timer(timer_list *t);

  // Called by mod_timer when the armed timer is now the earliest one, so a
  // simulator sleeping until next_timer() wakes up to look again (the
  // clockevent reprogramming of a tickless kernel). Unit tests leave it unset.
  std::function<void()> next_timer_changed;

private:
  uint64_t now_ns_ = 0;
  uint64_t timer_seq_ = 0;
  std::map<std::pair<uint64_t, uint64_t>, timer_list *> timers_;  // (expires, seq)
};

}  // namespace wirepath

// Kernel timers (include/linux/timer.h) on simulated time. The stack has no
// clock of its own: whoever drives it (a test, the SystemC sim) advances the
// net's time with net::run_timers(now_ns), which runs every timer due by then
// in expiry order (ties in arming order) with net::now() equal to each
// timer's expiry while it runs, so one big step gives the same result as many
// small ones. net::next_timer() says when the next one is due.
#pragma once

#include <cstdint>
#include <functional>

namespace wirepath {

struct net;

constexpr uint64_t NSEC_PER_MSEC = 1'000'000ULL;
constexpr uint64_t NSEC_PER_SEC = 1'000'000'000ULL;
constexpr uint64_t TIMER_NONE = UINT64_MAX;  // next_timer() with nothing armed

struct timer_list {
  uint64_t expires = 0;  // ns of simulated time
  std::function<void(timer_list *)> function;

  // Owned by the net the timer is armed on.
  net *base = nullptr;
  uint64_t seq = 0;
  bool pending = false;

  timer_list() = default;
  timer_list(const timer_list &) = delete;
  timer_list &operator=(const timer_list &) = delete;
  ~timer_list();  // del_timer
};

// timer_pending, mod_timer, del_timer live on struct net (net_namespace.hpp).

}  // namespace wirepath

// Time and timers for the stack (include/linux/timer.h in miniature). The
// stack has no clock of its own: struct net reads its time from the caller
// (net::set_clock_ns, or a clock_source such as the simulator's time), and
// net::run_timers() fires what has expired. A simulator wakes up at
// net::next_timer_ns(); on_timer_armed tells it that this may have moved.
#pragma once

#include <cstdint>
#include <functional>

namespace wirepath {

// struct timer_list: expires in ns on net::clock_ns(); function runs once
// when it is due (re-arm it from inside to repeat).
struct timer_list {
  uint64_t expires = 0;
  std::function<void()> function;
  bool pending = false;
};

constexpr uint64_t TIMER_NONE = ~uint64_t{0};

}  // namespace wirepath

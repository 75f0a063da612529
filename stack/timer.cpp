// The namespace's clock and timer list (kernel/time/timer.c in miniature):
// a handful of timers per socket, so a plain list is enough.
#include "stack/timer.hpp"

#include <algorithm>

#include "stack/net_namespace.hpp"

namespace wirepath {

uint64_t net::clock_ns() const { return clock_source ? clock_source() : now_ns; }

void net::mod_timer(timer_list *t, uint64_t expires) {
  t->expires = expires;
  if (!t->pending) {
    t->pending = true;
    timers.push_back(t);
  }
  if (on_timer_armed) on_timer_armed();
}

bool net::del_timer(timer_list *t) {
  if (!t->pending) return false;
  t->pending = false;
  timers.erase(std::remove(timers.begin(), timers.end(), t), timers.end());
  return true;
}

uint64_t net::next_timer_ns() const {
  uint64_t next = TIMER_NONE;
  for (const timer_list *t : timers) next = std::min(next, t->expires);
  return next;
}

size_t net::run_timers() {
  size_t fired = 0;
  for (;;) {
    const uint64_t now = clock_ns();
    // The earliest due timer first (ties: the one armed first).
    timer_list *due = nullptr;
    for (timer_list *t : timers)
      if (t->expires <= now && (!due || t->expires < due->expires)) due = t;
    if (!due) return fired;
    del_timer(due);
    ++fired;
    if (due->function) due->function();
  }
}

}  // namespace wirepath

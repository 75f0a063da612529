// The timer base (kernel/time/timer.c): timers ordered by (expires, arming
// order), run by whoever advances the clock.
#include "stack/kernel/timer.hpp"

namespace wirepath {

timer_list::~timer_list() {
  if (pending && base) base->del_timer(this);
}

timer_base::~timer_base() {
  for (auto &[key, t] : timers_) t->pending = false, t->base = nullptr;
  timers_.clear();
}

bool timer_base::mod_timer(timer_list *t, uint64_t expires) {
  const bool was = t->base ? t->base->del_timer(t) : false;
  t->expires = expires;
  t->base = this;
  t->seq = ++timer_seq_;
  t->pending = true;
  timers_.emplace(std::make_pair(expires, t->seq), t);
  if (next_timer_changed && timers_.begin()->second == t) next_timer_changed();
  return was;
}

bool timer_base::del_timer(timer_list *t) {
  if (!t->pending || t->base != this) return false;
  timers_.erase({t->expires, t->seq});
  t->pending = false;
  return true;
}

uint64_t timer_base::next_timer() const { return timers_.empty() ? TIMER_NONE : timers_.begin()->first.first; }

void timer_base::run_timers(uint64_t now_ns) {
  while (!timers_.empty() && timers_.begin()->first.first <= now_ns) {
    timer_list *t = timers_.begin()->second;
    timers_.erase(timers_.begin());
    t->pending = false;
    if (t->expires > now_ns_) now_ns_ = t->expires;
    if (t->function) t->function(t);
  }
  if (now_ns > now_ns_) now_ns_ = now_ns;
}

}  // namespace wirepath

// Kernel timers on simulated time (kernel/time/timer.c): expiry order with
// ties in arming order, now() at each expiry while it runs, a clock that
// never goes back.
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "stack/kernel/timer.hpp"

namespace wirepath {
namespace {

// Timers run in expiry order with now() at each expiry; one big step equals many small ones.
TEST(TimerBase, RunTimersFiresInExpiryOrderWithNowAtEachExpiry) {
  timer_base tb;
  std::vector<std::pair<int, uint64_t>> fired;
  timer_list a, b, c;
  a.function = [&](timer_list *) { fired.push_back({1, tb.now()}); };
  b.function = [&](timer_list *) {
    fired.push_back({2, tb.now()});
    tb.mod_timer(&c, tb.now() + 5);  // re-arming from a callback
  };
  c.function = [&](timer_list *) { fired.push_back({3, tb.now()}); };
  tb.mod_timer(&a, 30);
  tb.mod_timer(&b, 10);
  EXPECT_EQ(tb.next_timer(), 10u);
  EXPECT_TRUE(tb.mod_timer(&a, 20));  // re-arm: was pending
  tb.run_timers(100);
  EXPECT_EQ(fired, (std::vector<std::pair<int, uint64_t>>{{2, 10}, {3, 15}, {1, 20}}));
  EXPECT_EQ(tb.now(), 100u);
  EXPECT_EQ(tb.next_timer(), TIMER_NONE);
  tb.mod_timer(&a, 50);  // in the past: runs at the next run_timers
  EXPECT_TRUE(tb.del_timer(&a));
  EXPECT_FALSE(tb.del_timer(&a));
  tb.run_timers(50);  // the clock never goes back
  EXPECT_EQ(tb.now(), 100u);
}

// A timer armed ahead of all others moves the wake-up (next_timer_changed);
// one armed behind them does not.
TEST(TimerBase, NextTimerChangedOnlyForANewEarliestTimer) {
  timer_base tb;
  int changed = 0;
  tb.next_timer_changed = [&] { ++changed; };
  timer_list a, b, c;
  tb.mod_timer(&a, 100);
  tb.mod_timer(&b, 200);
  EXPECT_EQ(changed, 1);
  tb.mod_timer(&c, 50);
  EXPECT_EQ(changed, 2);
  EXPECT_EQ(tb.next_timer(), 50u);
}

// A timer still armed when its base goes (a host torn down) is disarmed, and
// its own destructor afterwards does not touch the base.
TEST(TimerBase, DestroyingTheBaseDisarmsItsTimers) {
  timer_list t;
  {
    timer_base tb;
    tb.mod_timer(&t, 10);
    EXPECT_TRUE(timer_pending(&t));
  }
  EXPECT_FALSE(timer_pending(&t));
  EXPECT_EQ(t.base, nullptr);
}

}  // namespace
}  // namespace wirepath

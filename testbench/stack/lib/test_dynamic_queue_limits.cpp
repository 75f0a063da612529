// lib/dynamic_queue_limits.c: the limit grows by what a starved interval
// sent, shrinks by the smallest slack seen over slack_hold_time, stays in
// [min_limit, max_limit]. Expected values worked by hand from the algorithm.
#include <gtest/gtest.h>

#include "stack/lib/dynamic_queue_limits.hpp"

using namespace wirepath;

namespace {
constexpr uint64_t kMs = 1'000'000;
dql fresh() {
  dql d;
  dql_init(&d, DQL_HZ_NS, 0);
  return d;
}
}  // namespace

// dql_init: limit 0 (min_limit), so the very first object is over the limit.
TEST(Dql, StartsAtLimitZeroSoTheFirstPacketStopsTheQueue) {
  dql d = fresh();
  EXPECT_EQ(d.limit, 0u);
  EXPECT_EQ(d.max_limit, DQL_MAX_LIMIT);
  EXPECT_EQ(dql_avail(&d), 0);
  dql_queued(&d, 1514);
  EXPECT_EQ(dql_avail(&d), -1514);
}

// Over the limit and then empty = starved: limit += completed - prev_num_queued + prev_ovlimit.
TEST(Dql, LimitGrowsByWhatAStarvedIntervalCompleted) {
  dql d = fresh();
  dql_queued(&d, 3000);
  dql_completed(&d, 3000, 1 * kMs);  // ovlimit 3000, nothing in progress: +3000
  EXPECT_EQ(d.limit, 3000u);
  EXPECT_EQ(dql_avail(&d), 3000);
  dql_queued(&d, 6000);
  EXPECT_EQ(dql_avail(&d), -3000);
  dql_completed(&d, 6000, 2 * kMs);  // completed 9000 - prev_num_queued 3000 = +6000
  EXPECT_EQ(d.limit, 9000u);
  EXPECT_EQ(dql_avail(&d), 9000);
}

// A completion that leaves bytes in flight with no over-limit is neither
// starved nor, on the first interval, a slack sample: the limit holds.
TEST(Dql, LimitHoldsWhileTheQueueIsBusyWithinTheLimit) {
  dql d = fresh();
  dql_queued(&d, 3000);
  dql_completed(&d, 3000, kMs);
  ASSERT_EQ(d.limit, 3000u);
  dql_queued(&d, 2000);
  dql_completed(&d, 1000, 2 * kMs);
  EXPECT_EQ(d.limit, 3000u);
  EXPECT_EQ(dql_avail(&d), 3000 - 1000);  // adj_limit 3000 + 4000 completed - 5000 queued
}

// Over-provisioned: busy every interval with slack = limit - 2*completed;
// after slack_hold_time (1 s) the limit drops by the lowest slack seen.
TEST(Dql, LimitShrinksByTheLowestSlackAfterTheHoldTime) {
  dql d = fresh();
  d.limit = 100000;
  d.adj_limit = 100000;
  dql_queued(&d, 50000);
  uint64_t t = 0;
  for (int i = 0; i < 10; i++) {  // 10 completions of 10000, 100 ms apart: < 1 s
    t += 100 * kMs;
    dql_completed(&d, 10000, t);
    dql_queued(&d, 10000);
    EXPECT_EQ(d.limit, 100000u) << i;
  }
  EXPECT_EQ(d.lowest_slack, 100000u - 2 * 10000);
  t += 100 * kMs;  // 1.1 s since slack_start_time 0
  dql_completed(&d, 10000, t);
  EXPECT_EQ(d.limit, 20000u);
  EXPECT_EQ(d.lowest_slack, UINT_MAX);  // a new measuring period
}

// The limit is clamped to [min_limit, max_limit] (byte_queue_limits/limit_min, limit_max).
TEST(Dql, LimitStaysWithinMinAndMax) {
  dql d = fresh();
  d.max_limit = 4000;
  dql_queued(&d, 10000);
  dql_completed(&d, 10000, kMs);
  EXPECT_EQ(d.limit, 4000u);
  dql e = fresh();
  e.min_limit = 5000;
  dql_reset(&e, 0);
  EXPECT_EQ(e.limit, 5000u);
  EXPECT_EQ(dql_avail(&e), 5000);
}

// Byte counters wrap modulo 2^32 as the kernel's unsigned int.
TEST(Dql, CountersWrapAround) {
  dql d = fresh();
  d.num_queued = d.num_completed = d.prev_num_queued = UINT_MAX - 1000;
  d.adj_limit = d.num_completed;
  dql_queued(&d, 3000);
  dql_completed(&d, 3000, kMs);
  EXPECT_EQ(d.limit, 3000u);
  EXPECT_EQ(dql_avail(&d), 3000);
}

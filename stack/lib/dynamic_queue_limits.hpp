// Dynamic queue limits (include/linux/dynamic_queue_limits.h,
// lib/dynamic_queue_limits.c): how many bytes a TX ring may hold so that the
// NIC never starves between two completion interrupts, and no more. The
// driver reports bytes queued (dql_queued) and bytes completed
// (dql_completed); the limit grows when the ring ran dry while the stack was
// held back, and shrinks by the smallest slack seen over slack_hold_time.
// Byte counts wrap modulo 2^32 as in the kernel. Times are the stack clock in
// ns (Linux: jiffies; slack_hold_time HZ = 1 s).
#pragma once

#include <climits>
#include <cstdint>

namespace wirepath {

constexpr unsigned DQL_MAX_OBJECT = UINT_MAX / 16;
constexpr unsigned DQL_MAX_LIMIT = (UINT_MAX / 2) - DQL_MAX_OBJECT;
constexpr uint64_t DQL_HZ_NS = 1'000'000'000;  // netdev_queue_init: dql_init(&q->dql, HZ)

struct dql {
  // Enqueue path.
  unsigned num_queued = 0;    // total ever queued
  unsigned adj_limit = 0;     // limit + num_completed
  unsigned last_obj_cnt = 0;  // count at the last dql_queued
  // Completion path.
  unsigned limit = 0;          // current limit
  unsigned num_completed = 0;  // total ever completed
  unsigned prev_ovlimit = 0;
  unsigned prev_num_queued = 0;
  unsigned prev_last_obj_cnt = 0;
  unsigned lowest_slack = UINT_MAX;
  uint64_t slack_start_time = 0;
  // Configuration (/sys/class/net/<dev>/queues/tx-0/byte_queue_limits/).
  unsigned max_limit = DQL_MAX_LIMIT;
  unsigned min_limit = 0;
  uint64_t slack_hold_time = DQL_HZ_NS;
};

// Record count bytes handed to the hardware.
void dql_queued(dql *d, unsigned count);
// Bytes that may still be queued (negative: over the limit, stop the queue).
inline int dql_avail(const dql *d) { return static_cast<int>(d->adj_limit - d->num_queued); }
// count bytes completed by the hardware at time now_ns: adapt the limit.
void dql_completed(dql *d, unsigned count, uint64_t now_ns);
void dql_reset(dql *d, uint64_t now_ns);
void dql_init(dql *d, uint64_t hold_time_ns, uint64_t now_ns);

}  // namespace wirepath

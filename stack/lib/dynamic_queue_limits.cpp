// lib/dynamic_queue_limits.c, line for line (stall detection left out: it
// only reports, it never changes the limit).
#include "stack/lib/dynamic_queue_limits.hpp"

#include <algorithm>

namespace wirepath {

namespace {
// POSDIFF / AFTER_EQ: modular byte counters compared as signed differences.
unsigned posdiff(unsigned a, unsigned b) { return static_cast<int>(a - b) > 0 ? a - b : 0; }
bool after_eq(unsigned a, unsigned b) { return static_cast<int>(a - b) >= 0; }
}  // namespace

void dql_queued(dql *d, unsigned count) {
  if (count > DQL_MAX_OBJECT) return;  // WARN_ON_ONCE in the kernel
  d->last_obj_cnt = count;
  d->num_queued += count;
}

void dql_completed(dql *d, unsigned count, uint64_t now_ns) {
  const unsigned num_queued = d->num_queued;
  // Can't complete more than what's in the queue (BUG_ON in the kernel).
  count = std::min(count, num_queued - d->num_completed);
  const unsigned completed = d->num_completed + count;
  unsigned limit = d->limit;
  unsigned ovlimit = posdiff(num_queued - d->num_completed, limit);
  const unsigned inprogress = num_queued - completed;
  const unsigned prev_inprogress = d->prev_num_queued - d->num_completed;
  const bool all_prev_completed = after_eq(completed, d->prev_num_queued);

  if ((ovlimit && !inprogress) || (d->prev_ovlimit && all_prev_completed)) {
    // Starved: over the limit last interval and now empty (or everything
    // queued then has completed). Grow by what was sent and completed in the
    // interval plus the previous over-limit.
    limit += posdiff(completed, d->prev_num_queued) + d->prev_ovlimit;
    d->slack_start_time = now_ns;
    d->lowest_slack = UINT_MAX;
  } else if (inprogress && prev_inprogress && !all_prev_completed) {
    // Busy the whole interval: the excess over what prevents starvation
    // (slack) may go. Take the smallest slack over slack_hold_time.
    unsigned slack = posdiff(limit + d->prev_ovlimit, 2 * (completed - d->num_completed));
    const unsigned slack_last_objs = d->prev_ovlimit ? posdiff(d->prev_last_obj_cnt, d->prev_ovlimit) : 0;
    slack = std::max(slack, slack_last_objs);
    if (slack < d->lowest_slack) d->lowest_slack = slack;
    if (now_ns > d->slack_start_time + d->slack_hold_time) {  // time_after(jiffies, ...)
      limit = posdiff(limit, d->lowest_slack);
      d->slack_start_time = now_ns;
      d->lowest_slack = UINT_MAX;
    }
  }
  limit = std::clamp(limit, d->min_limit, d->max_limit);
  if (limit != d->limit) {
    d->limit = limit;
    ovlimit = 0;
  }
  d->adj_limit = limit + completed;
  d->prev_ovlimit = ovlimit;
  d->prev_last_obj_cnt = d->last_obj_cnt;
  d->num_completed = completed;
  d->prev_num_queued = num_queued;
}

void dql_reset(dql *d, uint64_t now_ns) {
  d->limit = d->min_limit;
  d->num_queued = 0;
  d->num_completed = 0;
  d->last_obj_cnt = 0;
  d->prev_num_queued = 0;
  d->prev_last_obj_cnt = 0;
  d->prev_ovlimit = 0;
  d->lowest_slack = UINT_MAX;
  d->slack_start_time = now_ns;
  d->adj_limit = d->limit;  // limit + num_completed (0)
}

void dql_init(dql *d, uint64_t hold_time_ns, uint64_t now_ns) {
  d->max_limit = DQL_MAX_LIMIT;
  d->min_limit = 0;
  d->slack_hold_time = hold_time_ns;
  dql_reset(d, now_ns);
}

}  // namespace wirepath

// CoDel, RFC 8289, as Linux codes it (include/net/codel.h, codel_impl.h,
// inet_ecn.h). Time is the stack's clock in ns >> CODEL_SHIFT (~1 us units,
// 32-bit, compared modulo 2^32). The control law drop_next = t + interval /
// sqrt(count) uses rec_inv_sqrt, 1/sqrt(count) as a Q0.16 fixed-point
// number refined by one Newton step per count change (codel_Newton_step).
#pragma once

#include <climits>
#include <cstdint>

#include "stack/core/flow_dissector.hpp"
#include "stack/ipv4/inet_ecn.hpp"

namespace wirepath {

struct sk_buff;

using codel_time_t = uint32_t;
using codel_tdiff_t = int32_t;
constexpr unsigned CODEL_SHIFT = 10;
constexpr codel_time_t CODEL_DISABLED_THRESHOLD = INT_MAX;
constexpr codel_time_t MS2TIME(uint64_t ms) { return static_cast<codel_time_t>((ms * 1'000'000) >> CODEL_SHIFT); }
constexpr codel_time_t US2TIME(uint64_t us) { return static_cast<codel_time_t>((us * 1000) >> CODEL_SHIFT); }
constexpr uint64_t CODEL_TIME2US(codel_time_t t) { return (uint64_t{t} << CODEL_SHIFT) / 1000; }
inline codel_time_t codel_time_from_ns(uint64_t ns) { return static_cast<codel_time_t>(ns >> CODEL_SHIFT); }
inline bool codel_time_after(codel_time_t a, codel_time_t b) { return static_cast<codel_tdiff_t>(a - b) > 0; }
inline bool codel_time_after_eq(codel_time_t a, codel_time_t b) { return static_cast<codel_tdiff_t>(a - b) >= 0; }
inline bool codel_time_before(codel_time_t a, codel_time_t b) { return codel_time_after(b, a); }

struct codel_params {
  codel_time_t target = MS2TIME(5);      // acceptable standing queue delay (RFC 8289: 5 ms)
  codel_time_t ce_threshold = CODEL_DISABLED_THRESHOLD;
  codel_time_t interval = MS2TIME(100);  // width of the moving minimum window (100 ms)
  uint32_t mtu = 1514;                   // no drop while the backlog is at most one MTU
  bool ecn = false;                      // mark ECT packets CE instead of dropping
};

struct codel_vars {
  uint32_t count = 0;      // drops (or marks) since entering the dropping state
  uint32_t lastcount = 0;  // count when we last entered it
  bool dropping = false;
  uint16_t rec_inv_sqrt = 0;  // 1/sqrt(count), Q0.16
  codel_time_t first_above_time = 0;
  codel_time_t drop_next = 0;
  codel_time_t ldelay = 0;  // sojourn time of the last dequeued packet
};

struct codel_stats {
  uint32_t maxpacket = 0;
  uint32_t drop_count = 0, drop_len = 0;  // drops of this dequeue, for the parents' counts
  uint32_t ecn_mark = 0, ce_mark = 0;
};

constexpr unsigned REC_INV_SQRT_BITS = 16;
constexpr unsigned REC_INV_SQRT_SHIFT = 32 - REC_INV_SQRT_BITS;

// new_invsqrt = (invsqrt / 2) * (3 - count * invsqrt^2), Q0.32 inside.
inline void codel_Newton_step(codel_vars *vars) {
  const uint32_t invsqrt = uint32_t{vars->rec_inv_sqrt} << REC_INV_SQRT_SHIFT;
  const uint32_t invsqrt2 = static_cast<uint32_t>((uint64_t{invsqrt} * invsqrt) >> 32);
  uint64_t val = (3ull << 32) - (uint64_t{vars->count} * invsqrt2);
  val >>= 2;  // avoid overflow in the multiply below
  val = (val * invsqrt) >> (32 - 2 + 1);
  vars->rec_inv_sqrt = static_cast<uint16_t>(val >> REC_INV_SQRT_SHIFT);
}

// codel_control_law: t + interval / sqrt(count).
inline codel_time_t codel_control_law(codel_time_t t, codel_time_t interval, uint32_t rec_inv_sqrt) {
  return t + reciprocal_scale(interval, rec_inv_sqrt << REC_INV_SQRT_SHIFT);
}

// What a CoDel user supplies (codel_dequeue's callbacks): Ops has
//   sk_buff *dequeue(codel_vars *), void drop(sk_buff *),
//   uint32_t len(const sk_buff *), codel_time_t enqueue_time(const sk_buff *).
template <class Ops>
bool codel_should_drop(const sk_buff *skb, Ops &ops, codel_vars *vars, const codel_params *params,
                       codel_stats *stats, uint32_t backlog, codel_time_t now) {
  if (!skb) {
    vars->first_above_time = 0;
    return false;
  }
  const uint32_t skb_len = ops.len(skb);
  vars->ldelay = now - ops.enqueue_time(skb);
  if (skb_len > stats->maxpacket) stats->maxpacket = skb_len;
  if (codel_time_before(vars->ldelay, params->target) || backlog <= params->mtu) {
    // Went below: stay below for at least an interval.
    vars->first_above_time = 0;
    return false;
  }
  bool ok_to_drop = false;
  if (vars->first_above_time == 0) {
    // Just went above: if we stay above for an interval, drop.
    vars->first_above_time = now + params->interval;
  } else if (codel_time_after(now, vars->first_above_time)) {
    ok_to_drop = true;
  }
  return ok_to_drop;
}

// codel_dequeue (codel_impl.h), line for line. *backlog is read after each
// inner dequeue, which updates it.
template <class Ops>
sk_buff *codel_dequeue(Ops &ops, const uint32_t *backlog, const codel_params *params, codel_vars *vars,
                       codel_stats *stats, codel_time_t now) {
  sk_buff *skb = ops.dequeue(vars);
  if (!skb) {
    vars->dropping = false;
    return skb;
  }
  bool drop = codel_should_drop(skb, ops, vars, params, stats, *backlog, now);
  if (vars->dropping) {
    if (!drop) {
      vars->dropping = false;  // sojourn time below target: leave dropping state
    } else if (codel_time_after_eq(now, vars->drop_next)) {
      // Time for the next drop(s): a large backlog may make several due now.
      while (vars->dropping && codel_time_after_eq(now, vars->drop_next)) {
        vars->count++;
        codel_Newton_step(vars);
        if (params->ecn && INET_ECN_set_ce(skb)) {
          stats->ecn_mark++;
          vars->drop_next = codel_control_law(vars->drop_next, params->interval, vars->rec_inv_sqrt);
          goto end;
        }
        stats->drop_len += ops.len(skb);
        ops.drop(skb);
        stats->drop_count++;
        skb = ops.dequeue(vars);
        if (!codel_should_drop(skb, ops, vars, params, stats, *backlog, now))
          vars->dropping = false;  // leave dropping state
        else
          vars->drop_next = codel_control_law(vars->drop_next, params->interval, vars->rec_inv_sqrt);
      }
    }
  } else if (drop) {
    if (params->ecn && INET_ECN_set_ce(skb)) {
      stats->ecn_mark++;
    } else {
      stats->drop_len += ops.len(skb);
      ops.drop(skb);
      stats->drop_count++;
      skb = ops.dequeue(vars);
      drop = codel_should_drop(skb, ops, vars, params, stats, *backlog, now);
    }
    vars->dropping = true;
    // Back above target soon after leaving: resume near the last drop rate.
    const uint32_t delta = vars->count - vars->lastcount;
    if (delta > 1 && codel_time_before(now - vars->drop_next, 16 * params->interval)) {
      vars->count = delta;
      codel_Newton_step(vars);
    } else {
      vars->count = 1;
      vars->rec_inv_sqrt = static_cast<uint16_t>(~0u >> REC_INV_SQRT_SHIFT);
    }
    vars->lastcount = vars->count;
    vars->drop_next = codel_control_law(now, params->interval, vars->rec_inv_sqrt);
  }
end:
  if (skb && codel_time_after(vars->ldelay, params->ce_threshold) && INET_ECN_set_ce(skb)) stats->ce_mark++;
  return skb;
}

}  // namespace wirepath

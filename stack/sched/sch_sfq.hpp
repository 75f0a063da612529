// SFQ's netlink options (include/uapi/linux/pkt_sched.h: tc_sfq_qopt,
// tc_sfq_qopt_v1 without the RED part), shared with user-space tc (q_sfq.cpp).
#pragma once

#include <cstdint>

namespace wirepath {

struct tc_sfq_qopt {
  uint32_t quantum = 0;      // bytes per round
  int32_t perturb_period = 0;  // seconds between hash re-keyings (0: never)
  uint32_t limit = 0;        // packets in the qdisc
  uint32_t divisor = 0;      // hash buckets
  uint32_t flows = 0;        // slots (flows served at once)
};
struct tc_sfq_qopt_v1 {
  tc_sfq_qopt v0;
  uint32_t depth = 0;     // packets per flow
  uint32_t headdrop = 0;  // drop from the head instead of the tail
};

constexpr uint32_t SFQ_MAX_DEPTH = 127, SFQ_DEFAULT_FLOWS = 128, SFQ_MAX_FLOWS = 0x10000 - SFQ_MAX_DEPTH - 1;
constexpr uint32_t SFQ_DEFAULT_HASH_DIVISOR = 1024;

}  // namespace wirepath

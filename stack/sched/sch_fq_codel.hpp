// fq_codel's netlink options and statistics (include/uapi/linux/pkt_sched.h),
// shared by the qdisc (sch_fq_codel.cpp) and user-space tc (q_fq_codel.cpp).
#pragma once

#include <cstdint>

namespace wirepath {

enum : uint16_t {
  TCA_FQ_CODEL_UNSPEC, TCA_FQ_CODEL_TARGET, TCA_FQ_CODEL_LIMIT, TCA_FQ_CODEL_INTERVAL, TCA_FQ_CODEL_ECN,
  TCA_FQ_CODEL_FLOWS, TCA_FQ_CODEL_QUANTUM, TCA_FQ_CODEL_CE_THRESHOLD, TCA_FQ_CODEL_DROP_BATCH_SIZE,
  TCA_FQ_CODEL_MEMORY_LIMIT,
};
enum : uint32_t { TCA_FQ_CODEL_XSTATS_QDISC, TCA_FQ_CODEL_XSTATS_CLASS };

struct tc_fq_codel_qd_stats {
  uint32_t maxpacket = 0;        // largest packet seen so far
  uint32_t drop_overlimit = 0;   // packets dropped because the limit (packets or memory) was hit
  uint32_t ecn_mark = 0;         // packets CE-marked instead of dropped
  uint32_t new_flow_count = 0;   // times a packet started a new flow
  uint32_t new_flows_len = 0;    // flows in the new list now
  uint32_t old_flows_len = 0;    // flows in the old list now
  uint32_t ce_mark = 0;          // packets above ce_threshold
  uint32_t memory_usage = 0;     // bytes (skb truesize) held
  uint32_t drop_overmemory = 0;
};
struct tc_fq_codel_xstats {
  uint32_t type = TCA_FQ_CODEL_XSTATS_QDISC;
  tc_fq_codel_qd_stats qdisc_stats;
};

constexpr uint32_t FQ_CODEL_QUANTUM_MAX = 1u << 20;

}  // namespace wirepath

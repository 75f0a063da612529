// Traffic-control constants and option structs shared by the kernel side
// (sch_*.cpp) and user-space tc (sim/app/tc): include/uapi/linux/pkt_sched.h,
// plus the psched time base and rate tables of include/net/pkt_sched.h and
// sch_generic.h (psched_ratecfg, psched_l2t_ns).
#pragma once

#include <cstdint>

namespace wirepath {

// --- handles: major:minor (TC_H_*) -------------------------------------------------
constexpr uint32_t TC_H_MAJ_MASK = 0xFFFF0000u, TC_H_MIN_MASK = 0x0000FFFFu;
constexpr uint32_t TC_H_MAJ(uint32_t h) { return h & TC_H_MAJ_MASK; }
constexpr uint32_t TC_H_MIN(uint32_t h) { return h & TC_H_MIN_MASK; }
constexpr uint32_t TC_H_MAKE(uint32_t maj, uint32_t min) { return (maj & TC_H_MAJ_MASK) | (min & TC_H_MIN_MASK); }
constexpr uint32_t TC_H_UNSPEC = 0u, TC_H_ROOT = 0xFFFFFFFFu, TC_H_INGRESS = 0xFFFFFFF1u;

// --- skb->priority values (TC_PRIO_*) ----------------------------------------------
constexpr uint32_t TC_PRIO_BESTEFFORT = 0, TC_PRIO_FILLER = 1, TC_PRIO_BULK = 2, TC_PRIO_INTERACTIVE_BULK = 4,
                   TC_PRIO_INTERACTIVE = 6, TC_PRIO_CONTROL = 7, TC_PRIO_MAX = 15;

// --- rtnetlink message types and flags the tc requests use -------------------------
enum : int {
  RTM_NEWQDISC = 36, RTM_DELQDISC = 37, RTM_GETQDISC = 38,
  RTM_NEWTCLASS = 40, RTM_DELTCLASS = 41, RTM_GETTCLASS = 42,
  RTM_NEWTFILTER = 44, RTM_DELTFILTER = 45, RTM_GETTFILTER = 46,
};
enum : uint16_t { NLM_F_REPLACE = 0x100, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400, NLM_F_APPEND = 0x800 };

// struct tcmsg: which device, which object (handle), under what (parent),
// tcm_info (filters: prio << 16 | protocol; qdisc dumps: refcnt).
struct tcmsg {
  int tcm_ifindex = 0;
  uint32_t tcm_handle = 0, tcm_parent = 0, tcm_info = 0;
};

// --- rates -----------------------------------------------------------------------------
enum : uint8_t { TC_LINKLAYER_UNAWARE = 0, TC_LINKLAYER_ETHERNET = 1, TC_LINKLAYER_ATM = 2 };
struct tc_ratespec {
  uint8_t cell_log = 0;
  uint8_t linklayer = TC_LINKLAYER_ETHERNET;
  uint16_t overhead = 0;
  int16_t cell_align = 0;
  uint16_t mpu = 0;
  uint32_t rate = 0;  // bytes/s, saturated at ~0u (the 64-bit rate travels in *_RATE64)
};

// --- fifo, prio, pfifo_fast ---------------------------------------------------------------
struct tc_fifo_qopt {
  uint32_t limit = 0;  // packets (pfifo) or bytes (bfifo)
};
constexpr int TCQ_PRIO_BANDS = 16, TCQ_MIN_PRIO_BANDS = 2;
struct tc_prio_qopt {
  int bands = 3;
  uint8_t priomap[TC_PRIO_MAX + 1] = {1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1};
};

// --- TBF -----------------------------------------------------------------------------------
struct tc_tbf_qopt {
  tc_ratespec rate, peakrate;
  uint32_t limit = 0;   // bytes waiting at most
  uint32_t buffer = 0;  // bucket depth, psched ticks at rate
  uint32_t mtu = 0;     // peak bucket depth, psched ticks at peakrate
};
enum : uint16_t {
  TCA_TBF_UNSPEC, TCA_TBF_PARMS, TCA_TBF_RTAB, TCA_TBF_PTAB, TCA_TBF_RATE64, TCA_TBF_PRATE64, TCA_TBF_BURST,
  TCA_TBF_PBURST, TCA_TBF_PAD,
};

// --- HTB -----------------------------------------------------------------------------------
constexpr uint32_t TC_HTB_NUMPRIO = 8, TC_HTB_MAXDEPTH = 8, TC_HTB_PROTOVER = 3;
struct tc_htb_opt {
  tc_ratespec rate, ceil;
  uint32_t buffer = 0, cbuffer = 0;  // psched ticks
  uint32_t quantum = 0, level = 0, prio = 0;
};
struct tc_htb_glob {
  uint32_t version = TC_HTB_PROTOVER;
  uint32_t rate2quantum = 10;
  uint32_t defcls = 0;
  uint32_t debug = 0;
  uint32_t direct_pkts = 0;  // dump only
};
enum : uint16_t {
  TCA_HTB_UNSPEC, TCA_HTB_PARMS, TCA_HTB_INIT, TCA_HTB_CTAB, TCA_HTB_RTAB, TCA_HTB_DIRECT_QLEN, TCA_HTB_RATE64,
  TCA_HTB_CEIL64, TCA_HTB_PAD, TCA_HTB_OFFLOAD,
};
struct tc_htb_xstats {
  uint32_t lends = 0, borrows = 0, giants = 0;
  int32_t tokens = 0, ctokens = 0;
};

// --- psched time: the kernel clock is ns; the uapi counts 64 ns ticks -------------------
constexpr unsigned PSCHED_SHIFT = 6;
constexpr uint64_t PSCHED_TICKS2NS(uint64_t x) { return x << PSCHED_SHIFT; }
constexpr uint64_t PSCHED_NS2TICKS(uint64_t x) { return x >> PSCHED_SHIFT; }
constexpr uint64_t PSCHED_PASTPERFECT = 0;

// struct psched_ratecfg: a rate as (mult, shift) so that the time of len
// bytes is (len * mult) >> shift ns (psched_ratecfg_precompute).
struct psched_ratecfg {
  uint64_t rate_bytes_ps = 0;
  uint32_t mult = 0;
  uint16_t overhead = 0;
  uint16_t mpu = 0;
  uint8_t linklayer = TC_LINKLAYER_ETHERNET;
  uint8_t shift = 0;
};
void psched_ratecfg_precompute(psched_ratecfg *r, const tc_ratespec *conf, uint64_t rate64);
void psched_ratecfg_getrate(tc_ratespec *res, const psched_ratecfg *r);
// Time, ns, to send len bytes at r (psched_l2t_ns).
uint64_t psched_l2t_ns(const psched_ratecfg *r, unsigned int len);
inline bool psched_ratecfg_valid(const psched_ratecfg *r) { return r->rate_bytes_ps != 0; }

}  // namespace wirepath

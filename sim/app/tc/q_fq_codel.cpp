// fq_codel options and statistics (iproute2 tc/q_fq_codel.c): parse
// limit/flows/quantum/drop_batch/target/ce_threshold/memory_limit/interval/
// [no]ecn; print as `tc -s qdisc show` does.
#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "sim/app/tc/tc.hpp"
#include "stack/sched/sch_fq_codel.hpp"

namespace wirepath::tc {
namespace {

constexpr const char *kUsage =
    "Usage: ... fq_codel\t[ limit PACKETS ] [ flows NUMBER ]\n"
    "\t\t\t\t\t[ memory_limit BYTES ]\n"
    "\t\t\t\t\t[ target TIME ] [ interval TIME ]\n"
    "\t\t\t\t\t[ quantum BYTES ] [ [no]ecn ]\n"
    "\t\t\t\t\t[ ce_threshold TIME ]\n"
    "\t\t\t\t\t[ drop_batch SIZE ]";

void fq_codel_parse_opt(const qdisc_util *, tc_argv &args, nlattrs *opts) {
  unsigned drop_batch = 0, limit = 0, flows = 0, target = 0, interval = 0, quantum = 0;
  unsigned ce_threshold = ~0u, memory = ~0u;
  int ecn = -1;
  auto illegal = [](const char *what) { return tc_error(fmt::format("Illegal \"{}\"", what)); };
  while (args.more()) {
    const std::string &a = args.cur();
    if (a == "limit") {
      args.next_arg();
      if (get_u32(&limit, args.cur(), 0)) throw illegal("limit");
    } else if (a == "flows") {
      args.next_arg();
      if (get_u32(&flows, args.cur(), 0)) throw illegal("flows");
    } else if (a == "quantum") {
      args.next_arg();
      if (get_u32(&quantum, args.cur(), 0)) throw illegal("quantum");
    } else if (a == "drop_batch") {
      args.next_arg();
      if (get_u32(&drop_batch, args.cur(), 0)) throw illegal("drop_batch");
    } else if (a == "target") {
      args.next_arg();
      if (get_time(&target, args.cur())) throw illegal("target");
    } else if (a == "ce_threshold") {
      args.next_arg();
      if (get_time(&ce_threshold, args.cur())) throw illegal("ce_threshold");
    } else if (a == "memory_limit") {
      args.next_arg();
      if (get_size(&memory, args.cur())) throw illegal("memory_limit");
    } else if (a == "interval") {
      args.next_arg();
      if (get_time(&interval, args.cur())) throw illegal("interval");
    } else if (a == "ecn") {
      ecn = 1;
    } else if (a == "noecn") {
      ecn = 0;
    } else if (a == "help") {
      throw tc_error(kUsage);
    } else {
      throw tc_error(fmt::format("What is \"{}\"?\n{}", a, kUsage));
    }
    args.advance();
  }
  // Only what was given travels; the kernel keeps its defaults for the rest.
  if (limit) opts->nla_put_u32(TCA_FQ_CODEL_LIMIT, limit);
  if (flows) opts->nla_put_u32(TCA_FQ_CODEL_FLOWS, flows);
  if (quantum) opts->nla_put_u32(TCA_FQ_CODEL_QUANTUM, quantum);
  if (interval) opts->nla_put_u32(TCA_FQ_CODEL_INTERVAL, interval);
  if (target) opts->nla_put_u32(TCA_FQ_CODEL_TARGET, target);
  if (ecn != -1) opts->nla_put_u32(TCA_FQ_CODEL_ECN, static_cast<uint32_t>(ecn));
  if (ce_threshold != ~0u) opts->nla_put_u32(TCA_FQ_CODEL_CE_THRESHOLD, ce_threshold);
  if (memory != ~0u) opts->nla_put_u32(TCA_FQ_CODEL_MEMORY_LIMIT, memory);
  if (drop_batch) opts->nla_put_u32(TCA_FQ_CODEL_DROP_BATCH_SIZE, drop_batch);
}

void fq_codel_print_opt(const qdisc_util *, std::string &out, const nlattrs &o) {
  if (o.has(TCA_FQ_CODEL_LIMIT)) out += fmt::format("limit {}p ", o.nla_get_u32(TCA_FQ_CODEL_LIMIT));
  if (o.has(TCA_FQ_CODEL_FLOWS)) out += fmt::format("flows {} ", o.nla_get_u32(TCA_FQ_CODEL_FLOWS));
  if (o.has(TCA_FQ_CODEL_QUANTUM)) out += fmt::format("quantum {} ", o.nla_get_u32(TCA_FQ_CODEL_QUANTUM));
  if (o.has(TCA_FQ_CODEL_TARGET)) out += "target " + sprint_time(o.nla_get_u32(TCA_FQ_CODEL_TARGET)) + " ";
  if (o.has(TCA_FQ_CODEL_CE_THRESHOLD))
    out += "ce_threshold " + sprint_time(o.nla_get_u32(TCA_FQ_CODEL_CE_THRESHOLD)) + " ";
  if (o.has(TCA_FQ_CODEL_INTERVAL)) out += "interval " + sprint_time(o.nla_get_u32(TCA_FQ_CODEL_INTERVAL)) + " ";
  if (o.has(TCA_FQ_CODEL_MEMORY_LIMIT))
    out += "memory_limit " + sprint_size(o.nla_get_u32(TCA_FQ_CODEL_MEMORY_LIMIT)) + " ";
  if (o.has(TCA_FQ_CODEL_ECN) && o.nla_get_u32(TCA_FQ_CODEL_ECN)) out += "ecn ";
  if (o.has(TCA_FQ_CODEL_DROP_BATCH_SIZE) && o.nla_get_u32(TCA_FQ_CODEL_DROP_BATCH_SIZE))
    out += fmt::format("drop_batch {} ", o.nla_get_u32(TCA_FQ_CODEL_DROP_BATCH_SIZE));
}

void fq_codel_print_xstats(const qdisc_util *, std::string &out, const std::vector<uint8_t> &xstats) {
  tc_fq_codel_xstats st;
  std::memcpy(&st, xstats.data(), std::min(xstats.size(), sizeof st));
  if (st.type != TCA_FQ_CODEL_XSTATS_QDISC) return;
  const tc_fq_codel_qd_stats &s = st.qdisc_stats;
  out += fmt::format("  maxpacket {} drop_overlimit {} new_flow_count {} ecn_mark {}", s.maxpacket, s.drop_overlimit,
                     s.new_flow_count, s.ecn_mark);
  if (s.ce_mark) out += fmt::format(" ce_mark {}", s.ce_mark);
  if (s.memory_usage) out += fmt::format(" memory_used {}", s.memory_usage);
  if (s.drop_overmemory) out += fmt::format(" drop_overmemory {}", s.drop_overmemory);
  out += fmt::format("\n  new_flows_len {} old_flows_len {}", s.new_flows_len, s.old_flows_len);
}

const qdisc_util fq_codel_util = {"fq_codel", fq_codel_parse_opt, fq_codel_print_opt, fq_codel_print_xstats};
const tc_module fq_codel_mod(&fq_codel_util);

}  // namespace
}  // namespace wirepath::tc

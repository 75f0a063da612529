// fq_codel options (tc/q_fq_codel.c): limit, flows, target, interval,
// quantum, ce_threshold, memory_limit, drop_batch, ecn/noecn. Written by the
// flows helper for bench/latency_under_load; xstats are not printed yet.
#include <fmt/format.h>

#include "sim/app/tc/tc.hpp"
#include "stack/sched/pkt_sched.hpp"
#include "stack/sched/sch_fq_codel.hpp"

namespace wirepath::tc {
namespace {

constexpr const char *kUsage =
    "Usage: ... fq_codel [ limit PACKETS ] [ flows NUMBER ]\n"
    "                    [ memory_limit BYTES ]\n"
    "                    [ target TIME ] [ interval TIME ]\n"
    "                    [ quantum BYTES ] [ [no]ecn ]\n"
    "                    [ ce_threshold TIME ]\n"
    "                    [ drop_batch SIZE ]";

void fq_codel_parse_opt(const qdisc_util *, tc_argv &args, nlattrs *opts) {
  while (args.more()) {
    const std::string &a = args.cur();
    uint32_t v = 0;
    unsigned u = 0;
    if (a == "limit") {
      args.next_arg();
      if (get_u32(&v, args.cur(), 0)) throw tc_error("Illegal \"limit\"");
      opts->nla_put_u32(TCA_FQ_CODEL_LIMIT, v);
    } else if (a == "flows") {
      args.next_arg();
      if (get_u32(&v, args.cur(), 0)) throw tc_error("Illegal \"flows\"");
      opts->nla_put_u32(TCA_FQ_CODEL_FLOWS, v);
    } else if (a == "quantum") {
      args.next_arg();
      if (get_u32(&v, args.cur(), 0)) throw tc_error("Illegal \"quantum\"");
      opts->nla_put_u32(TCA_FQ_CODEL_QUANTUM, v);
    } else if (a == "drop_batch") {
      args.next_arg();
      if (get_u32(&v, args.cur(), 0) || !v) throw tc_error("Illegal \"drop_batch\"");
      opts->nla_put_u32(TCA_FQ_CODEL_DROP_BATCH_SIZE, v);
    } else if (a == "target") {
      args.next_arg();
      if (get_time(&u, args.cur())) throw tc_error("Illegal \"target\"");
      opts->nla_put_u32(TCA_FQ_CODEL_TARGET, u);
    } else if (a == "ce_threshold") {
      args.next_arg();
      if (get_time(&u, args.cur())) throw tc_error("Illegal \"ce_threshold\"");
      opts->nla_put_u32(TCA_FQ_CODEL_CE_THRESHOLD, u);
    } else if (a == "memory_limit") {
      args.next_arg();
      if (get_size(&u, args.cur())) throw tc_error("Illegal \"memory_limit\"");
      opts->nla_put_u32(TCA_FQ_CODEL_MEMORY_LIMIT, u);
    } else if (a == "interval") {
      args.next_arg();
      if (get_time(&u, args.cur())) throw tc_error("Illegal \"interval\"");
      opts->nla_put_u32(TCA_FQ_CODEL_INTERVAL, u);
    } else if (a == "ecn") {
      opts->nla_put_u32(TCA_FQ_CODEL_ECN, 1);
    } else if (a == "noecn") {
      opts->nla_put_u32(TCA_FQ_CODEL_ECN, 0);
    } else if (a == "help") {
      throw tc_error(kUsage);
    } else {
      throw tc_error(fmt::format("What is \"{}\"?\n{}", a, kUsage));
    }
    args.advance();
  }
}

// As fq_codel_print_opt: "limit 10240p flows 1024 quantum 1514 target 5ms
// interval 100ms memory_limit 32Mb ecn drop_batch 64".
void fq_codel_print_opt(const qdisc_util *, std::string &out, const nlattrs &opts) {
  if (opts.has(TCA_FQ_CODEL_LIMIT)) out += fmt::format("limit {}p ", opts.nla_get_u32(TCA_FQ_CODEL_LIMIT));
  if (opts.has(TCA_FQ_CODEL_FLOWS)) out += fmt::format("flows {} ", opts.nla_get_u32(TCA_FQ_CODEL_FLOWS));
  if (opts.has(TCA_FQ_CODEL_QUANTUM)) out += fmt::format("quantum {} ", opts.nla_get_u32(TCA_FQ_CODEL_QUANTUM));
  if (opts.has(TCA_FQ_CODEL_TARGET))
    out += fmt::format("target {} ", sprint_time(opts.nla_get_u32(TCA_FQ_CODEL_TARGET)));
  if (opts.has(TCA_FQ_CODEL_CE_THRESHOLD))
    out += fmt::format("ce_threshold {} ", sprint_time(opts.nla_get_u32(TCA_FQ_CODEL_CE_THRESHOLD)));
  if (opts.has(TCA_FQ_CODEL_INTERVAL))
    out += fmt::format("interval {} ", sprint_time(opts.nla_get_u32(TCA_FQ_CODEL_INTERVAL)));
  if (opts.has(TCA_FQ_CODEL_MEMORY_LIMIT))
    out += fmt::format("memory_limit {} ", sprint_size(opts.nla_get_u32(TCA_FQ_CODEL_MEMORY_LIMIT)));
  if (opts.has(TCA_FQ_CODEL_ECN) && opts.nla_get_u32(TCA_FQ_CODEL_ECN)) out += "ecn ";
  if (opts.has(TCA_FQ_CODEL_DROP_BATCH_SIZE))
    out += fmt::format("drop_batch {} ", opts.nla_get_u32(TCA_FQ_CODEL_DROP_BATCH_SIZE));
  if (!out.empty() && out.back() == ' ') out.pop_back();
}

const qdisc_util fq_codel_util = {"fq_codel", fq_codel_parse_opt, fq_codel_print_opt};
const tc_module fq_codel_mod(&fq_codel_util);

}  // namespace
}  // namespace wirepath::tc

// prio options (tc/q_prio.c): bands and priomap; also prints pfifo_fast.
#include <fmt/format.h>

#include "sim/app/tc/tc.hpp"
#include "stack/sched/pkt_sched.hpp"

namespace wirepath::tc {
namespace {

void prio_parse_opt(const qdisc_util *, tc_argv &args, nlattrs *opts) {
  tc_prio_qopt opt;
  bool pmap_mode = false;
  unsigned idx = 0;
  while (args.more()) {
    const std::string &a = args.cur();
    if (a == "bands") {
      if (pmap_mode) throw tc_error("Usage: ... prio bands NUMBER priomap P1 P2...[multiqueue]");
      args.next_arg();
      uint32_t b;
      if (get_u32(&b, args.cur(), 10)) throw tc_error("Illegal \"bands\"");
      opt.bands = static_cast<int>(b);
    } else if (a == "priomap") {
      if (pmap_mode) throw tc_error("Error: duplicate priomap");
      pmap_mode = true;
    } else {
      if (!pmap_mode) throw tc_error(fmt::format("What is \"{}\"?", a));
      uint32_t band;
      if (get_u32(&band, a, 10)) throw tc_error("Illegal \"priomap\" element");
      if (band >= static_cast<uint32_t>(opt.bands)) throw tc_error("\"priomap\" element is out of bands");
      if (idx > TC_PRIO_MAX) throw tc_error(fmt::format("\"priomap\" index > TC_PRIO_MAX={}", TC_PRIO_MAX));
      opt.priomap[idx++] = static_cast<uint8_t>(band);
    }
    args.advance();
  }
  opts->nla_put(TCA_OPTIONS_RAW, opt);
}

void prio_print_opt(const qdisc_util *, std::string &out, const nlattrs &opts) {
  tc_prio_qopt opt;
  if (!opts.nla_get(TCA_OPTIONS_RAW, &opt)) return;
  out += fmt::format("bands {} priomap", opt.bands);
  for (unsigned i = 0; i <= TC_PRIO_MAX; i++) out += fmt::format(" {}", opt.priomap[i]);
}

const qdisc_util prio_util = {"prio", prio_parse_opt, prio_print_opt};
const tc_module prio_mod(&prio_util);

}  // namespace
}  // namespace wirepath::tc

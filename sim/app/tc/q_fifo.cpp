// pfifo and bfifo options (tc/q_fifo.c): limit in packets or bytes.
#include <fmt/format.h>

#include "sim/app/tc/tc.hpp"
#include "stack/sched/pkt_sched.hpp"

namespace wirepath::tc {
namespace {

void fifo_parse_opt(const qdisc_util *qu, tc_argv &args, nlattrs *opts) {
  tc_fifo_qopt opt;
  bool ok = false;
  const bool is_bfifo = std::string(qu->id) == "bfifo";
  while (args.more()) {
    if (args.cur() == "limit") {
      args.next_arg();
      const int bad = is_bfifo ? get_size(&opt.limit, args.cur()) : get_u32(&opt.limit, args.cur(), 0);
      if (bad) throw tc_error(fmt::format("{}: Illegal value for \"limit\": \"{}\"", qu->id, args.cur()));
      ok = true;
    } else {
      throw tc_error(fmt::format("{}: unknown parameter \"{}\"", qu->id, args.cur()));
    }
    args.advance();
  }
  if (ok) opts->nla_put(TCA_OPTIONS_RAW, opt);
}

void fifo_print_opt(const qdisc_util *qu, std::string &out, const nlattrs &opts) {
  tc_fifo_qopt opt;
  if (!opts.nla_get(TCA_OPTIONS_RAW, &opt)) return;
  if (std::string(qu->id) == "bfifo")
    out += "limit " + sprint_size(opt.limit);
  else
    out += fmt::format("limit {}p", opt.limit);
}

const qdisc_util pfifo_util = {"pfifo", fifo_parse_opt, fifo_print_opt};
const qdisc_util bfifo_util = {"bfifo", fifo_parse_opt, fifo_print_opt};
const tc_module pfifo_mod(&pfifo_util);
const tc_module bfifo_mod(&bfifo_util);

}  // namespace
}  // namespace wirepath::tc

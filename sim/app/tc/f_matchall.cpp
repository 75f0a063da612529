// The matchall filter's options (tc/f_matchall.c): classid X:Y.
#include <fmt/format.h>

#include "sim/app/tc/tc.hpp"
#include "stack/sched/pkt_cls.hpp"

namespace wirepath::tc {
namespace {

void mall_parse_opt(const filter_util *, const std::string &handle, tc_argv &args, nlattrs *opts,
                    uint32_t *fhandle) {
  if (!handle.empty() && get_u32(fhandle, handle, 0)) throw tc_error("Illegal \"handle\"");
  while (args.more()) {
    const std::string &a = args.cur();
    if (matches(a, "classid") || matches(a, "flowid")) {
      args.next_arg();
      uint32_t classid;
      if (get_tc_classid(&classid, args.cur())) throw tc_error("Illegal \"classid\"");
      opts->nla_put_u32(TCA_MATCHALL_CLASSID, classid);
    } else {
      throw tc_error(fmt::format("What is \"{}\"?", a));
    }
    args.advance();
  }
}

void mall_print_opt(const filter_util *, std::string &out, uint32_t handle, const nlattrs &opts) {
  out += fmt::format("handle 0x{:x} ", handle);
  if (opts.has(TCA_MATCHALL_CLASSID))
    out += "flowid " + sprint_tc_classid(opts.nla_get_u32(TCA_MATCHALL_CLASSID)) + " ";
}

const filter_util matchall_util = {"matchall", mall_parse_opt, mall_print_opt};
const tc_module matchall_mod(&matchall_util);

}  // namespace
}  // namespace wirepath::tc

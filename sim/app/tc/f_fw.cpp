// The fw filter's options (tc/f_fw.c): handle MARK[/MASK] fw classid X:Y.
#include <fmt/format.h>

#include "sim/app/tc/tc.hpp"
#include "stack/sched/pkt_cls.hpp"

namespace wirepath::tc {
namespace {

void fw_parse_opt(const filter_util *, const std::string &handle, tc_argv &args, nlattrs *opts, uint32_t *fhandle) {
  uint32_t mask = 0;
  bool mask_set = false;
  if (!handle.empty()) {
    const size_t slash = handle.find('/');
    if (get_u32(fhandle, handle.substr(0, slash), 0)) throw tc_error("Illegal \"handle\"");
    if (slash != std::string::npos) {
      if (get_u32(&mask, handle.substr(slash + 1), 0)) throw tc_error("Illegal \"handle\" mask");
      mask_set = true;
    }
  }
  if (!args.more()) return;
  if (mask_set) opts->nla_put_u32(TCA_FW_MASK, mask);
  while (args.more()) {
    const std::string &a = args.cur();
    if (matches(a, "classid") || matches(a, "flowid")) {
      args.next_arg();
      uint32_t classid;
      if (get_tc_classid(&classid, args.cur())) throw tc_error("Illegal \"classid\"");
      opts->nla_put_u32(TCA_FW_CLASSID, classid);
    } else {
      throw tc_error(fmt::format("What is \"{}\"?", a));
    }
    args.advance();
  }
}

void fw_print_opt(const filter_util *, std::string &out, uint32_t handle, const nlattrs &opts) {
  out += fmt::format("handle 0x{:x}", handle);
  if (opts.has(TCA_FW_MASK)) out += fmt::format("/0x{:x}", opts.nla_get_u32(TCA_FW_MASK));
  out += " ";
  if (opts.has(TCA_FW_CLASSID)) out += "classid " + sprint_tc_classid(opts.nla_get_u32(TCA_FW_CLASSID)) + " ";
}

const filter_util fw_util = {"fw", fw_parse_opt, fw_print_opt};
const tc_module fw_mod(&fw_util);

}  // namespace
}  // namespace wirepath::tc

// HTB options (tc/q_htb.c): the qdisc's default/r2q/direct_qlen, the
// classes' rate/ceil/burst/cburst/prio/quantum, and the class xstats.
#include <cstring>

#include <fmt/format.h>

#include "sim/app/tc/tc.hpp"
#include "stack/sched/pkt_sched.hpp"

namespace wirepath::tc {
namespace {

[[noreturn]] void explain1(const std::string &arg) { throw tc_error(fmt::format("Illegal \"{}\"", arg)); }

void htb_parse_opt(const qdisc_util *, tc_argv &args, nlattrs *opts) {
  tc_htb_glob opt;
  opt.rate2quantum = 10;
  opt.version = 3;
  uint32_t direct_qlen = ~0u;
  while (args.more()) {
    const std::string &a = args.cur();
    if (matches(a, "r2q")) {
      args.next_arg();
      if (get_u32(&opt.rate2quantum, args.cur(), 10)) explain1("r2q");
    } else if (matches(a, "default")) {
      args.next_arg();
      if (get_u32(&opt.defcls, args.cur(), 16)) explain1("default");
    } else if (matches(a, "debug")) {
      args.next_arg();
      if (get_u32(&opt.debug, args.cur(), 10)) explain1("debug");
    } else if (matches(a, "direct_qlen")) {
      args.next_arg();
      if (get_u32(&direct_qlen, args.cur(), 10)) explain1("direct_qlen");
    } else {
      throw tc_error(fmt::format("What is \"{}\"?", a));
    }
    args.advance();
  }
  opts->nla_put(TCA_HTB_INIT, opt);
  if (direct_qlen != ~0u) opts->nla_put_u32(TCA_HTB_DIRECT_QLEN, direct_qlen);
}

void htb_parse_class_opt(const qdisc_util *, tc_argv &args, nlattrs *opts) {
  tc_htb_opt opt;
  unsigned buffer = 0, cbuffer = 0;
  int cell_log = -1, ccell_log = -1;
  uint32_t mtu = 1600;  // eth packet len
  uint16_t mpu = 0, overhead = 0;
  uint64_t ceil64 = 0, rate64 = 0;
  while (args.more()) {
    const std::string &a = args.cur();
    if (matches(a, "prio")) {
      args.next_arg();
      if (get_u32(&opt.prio, args.cur(), 10)) explain1("prio");
    } else if (matches(a, "mtu")) {
      args.next_arg();
      if (get_u32(&mtu, args.cur(), 10)) explain1("mtu");
    } else if (matches(a, "mpu")) {
      args.next_arg();
      if (get_u16(&mpu, args.cur(), 10)) explain1("mpu");
    } else if (matches(a, "overhead")) {
      args.next_arg();
      if (get_u16(&overhead, args.cur(), 10)) explain1("overhead");
    } else if (matches(a, "quantum")) {
      args.next_arg();
      if (get_u32(&opt.quantum, args.cur(), 10)) explain1("quantum");
    } else if (matches(a, "burst") || a == "buffer" || a == "maxburst") {
      const std::string param = a;
      args.next_arg();
      if (get_size_and_cell(&buffer, &cell_log, args.cur()) < 0) explain1(param);
    } else if (matches(a, "cburst") || a == "cbuffer" || a == "cmaxburst") {
      const std::string param = a;
      args.next_arg();
      if (get_size_and_cell(&cbuffer, &ccell_log, args.cur()) < 0) explain1(param);
    } else if (a == "ceil") {
      args.next_arg();
      if (ceil64) throw tc_error("Double \"ceil\" spec");
      if (get_rate64(&ceil64, args.cur())) explain1("ceil");
    } else if (a == "rate") {
      args.next_arg();
      if (rate64) throw tc_error("Double \"rate\" spec");
      if (get_rate64(&rate64, args.cur())) explain1("rate");
    } else {
      throw tc_error(fmt::format("What is \"{}\"?", a));
    }
    args.advance();
  }
  if (!rate64) throw tc_error("\"rate\" is required.");
  // Without ceil, ceil is the rate.
  if (!ceil64) ceil64 = rate64;
  opt.rate.rate = rate64 >= (1ULL << 32) ? ~0u : static_cast<uint32_t>(rate64);
  opt.ceil.rate = ceil64 >= (1ULL << 32) ? ~0u : static_cast<uint32_t>(ceil64);
  // The minimal burst from the rate: one clock tick's bytes plus the mtu.
  if (!buffer) buffer = static_cast<unsigned>(rate64 / get_hz() + mtu);
  if (!cbuffer) cbuffer = static_cast<unsigned>(ceil64 / get_hz() + mtu);
  opt.ceil.overhead = overhead;
  opt.rate.overhead = overhead;
  opt.ceil.mpu = mpu;
  opt.rate.mpu = mpu;
  opt.buffer = tc_calc_xmittime(rate64, buffer);
  opt.cbuffer = tc_calc_xmittime(ceil64, cbuffer);
  if (rate64 >= (1ULL << 32)) opts->nla_put_u64(TCA_HTB_RATE64, rate64);
  if (ceil64 >= (1ULL << 32)) opts->nla_put_u64(TCA_HTB_CEIL64, ceil64);
  opts->nla_put(TCA_HTB_PARMS, opt);
}

void htb_print_opt(const qdisc_util *, std::string &out, const nlattrs &opts) {
  tc_htb_opt hopt;
  if (opts.nla_get(TCA_HTB_PARMS, &hopt)) {
    if (!hopt.level) out += fmt::format("prio {} ", static_cast<int>(hopt.prio));
    const uint64_t rate64 = opts.has(TCA_HTB_RATE64) ? opts.nla_get_u64(TCA_HTB_RATE64) : hopt.rate.rate;
    const uint64_t ceil64 = opts.has(TCA_HTB_CEIL64) ? opts.nla_get_u64(TCA_HTB_CEIL64) : hopt.ceil.rate;
    out += "rate " + sprint_rate(rate64) + " ";
    if (hopt.rate.overhead) out += fmt::format("overhead {} ", hopt.rate.overhead);
    const unsigned buffer = tc_calc_xmitsize(rate64, hopt.buffer);
    out += "ceil " + sprint_rate(ceil64) + " ";
    const unsigned cbuffer = tc_calc_xmitsize(ceil64, hopt.cbuffer);
    out += "burst " + sprint_size(buffer) + " ";
    out += "cburst " + sprint_size(cbuffer) + " ";
  }
  tc_htb_glob gopt;
  if (opts.nla_get(TCA_HTB_INIT, &gopt)) {
    out += fmt::format("r2q {}", gopt.rate2quantum);
    out += gopt.defcls ? fmt::format(" default {:#x}", gopt.defcls) : std::string(" default 0");
    out += fmt::format(" direct_packets_stat {}", gopt.direct_pkts);
  }
  if (opts.has(TCA_HTB_DIRECT_QLEN)) out += fmt::format(" direct_qlen {}", opts.nla_get_u32(TCA_HTB_DIRECT_QLEN));
}

void htb_print_xstats(const qdisc_util *, std::string &out, const std::vector<uint8_t> &xstats) {
  tc_htb_xstats st;
  if (xstats.size() < sizeof st) return;
  std::memcpy(&st, xstats.data(), sizeof st);
  out += fmt::format(" lended: {} borrowed: {} giants: {}\n", st.lends, st.borrows, st.giants);
  out += fmt::format(" tokens: {} ctokens: {}\n", st.tokens, st.ctokens);
}

const qdisc_util htb_util = {"htb", htb_parse_opt, htb_print_opt, htb_print_xstats, htb_parse_class_opt,
                             htb_print_opt};
const tc_module htb_mod(&htb_util);

}  // namespace
}  // namespace wirepath::tc

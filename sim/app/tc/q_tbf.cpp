// TBF options (tc/q_tbf.c): rate, burst, limit or latency, peakrate/mtu.
#include <fmt/format.h>

#include "sim/app/tc/tc.hpp"
#include "stack/sched/pkt_sched.hpp"

namespace wirepath::tc {
namespace {

void tbf_parse_opt(const qdisc_util *, tc_argv &args, nlattrs *opts) {
  tc_tbf_qopt opt;
  unsigned buffer = 0, mtu = 0, latency = 0;
  int Rcell_log = -1, Pcell_log = -1;
  uint16_t mpu = 0, overhead = 0;
  uint64_t rate64 = 0, prate64 = 0;
  while (args.more()) {
    const std::string &a = args.cur();
    if (matches(a, "limit")) {
      args.next_arg();
      if (latency) throw tc_error("tbf: you can specify only one of \"limit\" and \"latency\"\n"
                                  "Usage: ... tbf limit BYTES burst BYTES[/BYTES] rate KBPS [ mtu BYTES[/BYTES] ]");
      if (get_size(&opt.limit, args.cur())) throw tc_error(fmt::format("tbf: Illegal \"limit\""));
    } else if (matches(a, "latency")) {
      args.next_arg();
      if (opt.limit) throw tc_error("tbf: you can specify only one of \"limit\" and \"latency\"");
      if (get_time(&latency, args.cur())) throw tc_error("tbf: Illegal \"latency\"");
    } else if (matches(a, "burst") || a == "buffer" || a == "maxburst") {
      const std::string parm = a;
      args.next_arg();
      if (buffer) throw tc_error("tbf: Double \"buffer/burst\" spec");
      if (get_size_and_cell(&buffer, &Rcell_log, args.cur()) < 0)
        throw tc_error(fmt::format("tbf: Illegal \"{}\"", parm));
    } else if (a == "mtu" || a == "minburst") {
      const std::string parm = a;
      args.next_arg();
      if (mtu) throw tc_error("tbf: Double \"mtu/minburst\" spec");
      if (get_size_and_cell(&mtu, &Pcell_log, args.cur()) < 0)
        throw tc_error(fmt::format("tbf: Illegal \"{}\"", parm));
    } else if (a == "mpu") {
      args.next_arg();
      if (mpu) throw tc_error("tbf: Double \"mpu\" spec");
      if (get_u16(&mpu, args.cur(), 10)) throw tc_error("tbf: Illegal \"mpu\"");
    } else if (a == "rate") {
      args.next_arg();
      if (rate64) throw tc_error("tbf: Double \"rate\" spec");
      if (get_rate64(&rate64, args.cur())) throw tc_error("tbf: Illegal \"rate\"");
    } else if (matches(a, "peakrate")) {
      args.next_arg();
      if (prate64) throw tc_error("tbf: Double \"peakrate\" spec");
      if (get_rate64(&prate64, args.cur())) throw tc_error("tbf: Illegal \"peakrate\"");
    } else if (matches(a, "overhead")) {
      args.next_arg();
      if (overhead) throw tc_error("tbf: Double \"overhead\" spec");
      if (get_u16(&overhead, args.cur(), 10)) throw tc_error("tbf: Illegal \"overhead\"");
    } else {
      throw tc_error(fmt::format("tbf: unknown parameter \"{}\"", a));
    }
    args.advance();
  }
  // As iproute2, report every missing parameter at once.
  std::string verdict;
  if (rate64 == 0) verdict += "tbf: the \"rate\" parameter is mandatory.\n";
  if (!buffer) verdict += "tbf: the \"burst\" parameter is mandatory.\n";
  if (prate64 && !mtu) verdict += "tbf: when \"peakrate\" is specified, \"mtu\" must also be specified.\n";
  if (opt.limit == 0 && latency == 0) verdict += "tbf: either \"limit\" or \"latency\" is required.\n";
  if (!verdict.empty()) {
    verdict.pop_back();
    throw tc_error(verdict);
  }
  opt.rate.rate = rate64 >= (1ULL << 32) ? ~0u : static_cast<uint32_t>(rate64);
  opt.peakrate.rate = prate64 >= (1ULL << 32) ? ~0u : static_cast<uint32_t>(prate64);
  if (opt.limit == 0) {
    double lim = rate64 * static_cast<double>(latency) / TIME_UNITS_PER_SEC + buffer;
    if (prate64) {
      const double lim2 = prate64 * static_cast<double>(latency) / TIME_UNITS_PER_SEC + mtu;
      if (lim2 < lim) lim = lim2;
    }
    opt.limit = static_cast<uint32_t>(lim);
  }
  opt.rate.mpu = mpu;
  opt.rate.overhead = overhead;
  opt.buffer = tc_calc_xmittime(opt.rate.rate, buffer);
  if (opt.peakrate.rate) {
    opt.peakrate.mpu = mpu;
    opt.peakrate.overhead = overhead;
    opt.mtu = tc_calc_xmittime(opt.peakrate.rate, mtu);
  }
  opts->nla_put(TCA_TBF_PARMS, opt);
  opts->nla_put_u32(TCA_TBF_BURST, buffer);
  if (rate64 >= (1ULL << 32)) opts->nla_put_u64(TCA_TBF_RATE64, rate64);
  if (opt.peakrate.rate) {
    if (prate64 >= (1ULL << 32)) opts->nla_put_u64(TCA_TBF_PRATE64, prate64);
    opts->nla_put_u32(TCA_TBF_PBURST, mtu);
  }
}

void tbf_print_opt(const qdisc_util *, std::string &out, const nlattrs &opts) {
  tc_tbf_qopt qopt;
  if (!opts.nla_get(TCA_TBF_PARMS, &qopt)) return;
  const uint64_t rate64 = opts.has(TCA_TBF_RATE64) ? opts.nla_get_u64(TCA_TBF_RATE64) : qopt.rate.rate;
  out += "rate " + sprint_rate(rate64) + " ";
  const unsigned buffer = tc_calc_xmitsize(rate64, qopt.buffer);
  out += "burst " + sprint_size(buffer) + " ";
  const uint64_t prate64 = opts.has(TCA_TBF_PRATE64) ? opts.nla_get_u64(TCA_TBF_PRATE64) : qopt.peakrate.rate;
  if (prate64) {
    out += "peakrate " + sprint_rate(prate64) + " ";
    if (qopt.mtu || qopt.peakrate.mpu) out += "minburst " + sprint_size(tc_calc_xmitsize(prate64, qopt.mtu)) + " ";
  }
  double latency = TIME_UNITS_PER_SEC * (qopt.limit / static_cast<double>(rate64)) - tc_core_tick2time(qopt.buffer);
  if (prate64) {
    const double lat2 = TIME_UNITS_PER_SEC * (qopt.limit / static_cast<double>(prate64)) - tc_core_tick2time(qopt.mtu);
    if (lat2 > latency) latency = lat2;
  }
  if (latency >= 0.0) out += "lat " + sprint_time(static_cast<uint32_t>(latency)) + " ";
  if (latency < 0.0) out += "limit " + sprint_size(qopt.limit) + " ";
  if (qopt.rate.overhead) out += fmt::format("overhead {}", qopt.rate.overhead);
}

const qdisc_util tbf_util = {"tbf", tbf_parse_opt, tbf_print_opt};
const tc_module tbf_mod(&tbf_util);

}  // namespace
}  // namespace wirepath::tc

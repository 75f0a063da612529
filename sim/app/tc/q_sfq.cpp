// SFQ options (iproute2 tc/q_sfq.c, without the RED options): quantum,
// perturb, limit, depth, divisor, flows, headdrop; printed as
// `limit 127p quantum 1514b depth 127 divisor 1024 [perturb 10sec]`.
#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "sim/app/tc/tc.hpp"
#include "stack/sched/sch_sfq.hpp"

namespace wirepath::tc {
namespace {

constexpr const char *kUsage =
    "Usage: ... sfq	[ limit NUMBER ] [ perturb SECS ] [ quantum BYTES ]\n"
    "		[ divisor NUMBER ] [ flows NUMBER] [ depth NUMBER ]\n"
    "		[ headdrop ]";

void sfq_parse_opt(const qdisc_util *, tc_argv &args, nlattrs *opts) {
  tc_sfq_qopt_v1 opt;
  bool ok = false;
  auto illegal = [](const char *what) { return tc_error(fmt::format("Illegal \"{}\"", what)); };
  while (args.more()) {
    const std::string &a = args.cur();
    if (a == "quantum") {
      args.next_arg();
      if (get_size(&opt.v0.quantum, args.cur())) throw illegal("limit");  // iproute2's message, as it is
      ok = true;
    } else if (a == "perturb") {
      args.next_arg();
      uint32_t p;
      if (get_u32(&p, args.cur(), 0) || p > 0x7fffffff) throw illegal("perturb");
      opt.v0.perturb_period = static_cast<int32_t>(p);
      ok = true;
    } else if (a == "limit") {
      args.next_arg();
      if (get_u32(&opt.v0.limit, args.cur(), 0)) throw illegal("limit");
      if (opt.v0.limit < 2) throw tc_error("Illegal \"limit\", must be > 1");
      ok = true;
    } else if (a == "divisor") {
      args.next_arg();
      if (get_u32(&opt.v0.divisor, args.cur(), 0)) throw illegal("divisor");
      ok = true;
    } else if (a == "flows") {
      args.next_arg();
      if (get_u32(&opt.v0.flows, args.cur(), 0)) throw illegal("flows");
      ok = true;
    } else if (a == "depth") {
      args.next_arg();
      if (get_u32(&opt.depth, args.cur(), 0)) throw illegal("flows");  // iproute2's message, as it is
      ok = true;
    } else if (a == "headdrop") {
      opt.headdrop = 1;
      ok = true;
    } else if (a == "help") {
      throw tc_error(kUsage);
    } else {
      throw tc_error(fmt::format("What is \"{}\"?\n{}", a, kUsage));
    }
    args.advance();
  }
  if (ok) opts->nla_put(TCA_OPTIONS_RAW, opt);
}

void sfq_print_opt(const qdisc_util *, std::string &out, const nlattrs &opts) {
  const auto *d = opts.nla_data(TCA_OPTIONS_RAW);
  if (!d || d->size() < sizeof(tc_sfq_qopt)) return;
  tc_sfq_qopt_v1 q;
  std::memcpy(&q, d->data(), std::min(d->size(), sizeof q));
  const bool ext = d->size() >= sizeof(tc_sfq_qopt_v1);
  out += fmt::format("limit {}p ", q.v0.limit);
  out += "quantum " + sprint_size(q.v0.quantum) + " ";
  if (ext && q.depth) out += fmt::format("depth {} ", q.depth);
  if (ext && q.headdrop) out += "headdrop ";
  out += fmt::format("divisor {} ", q.v0.divisor);
  if (q.v0.perturb_period) out += fmt::format("perturb {}sec ", q.v0.perturb_period);
}

const qdisc_util sfq_util = {"sfq", sfq_parse_opt, sfq_print_opt};
const tc_module sfq_mod(&sfq_util);

}  // namespace
}  // namespace wirepath::tc

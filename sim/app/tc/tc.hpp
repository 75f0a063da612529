// User-space tc (iproute2's tc/): commands in iproute2's syntax become the
// kernel model's tc requests (tc_modify_qdisc, tc_ctl_tclass,
// tc_ctl_tfilter); `tc -s qdisc|class show` prints the dumps in iproute2's
// exact format. Each qdisc kind's option parsing and printing is a
// q_<kind>.cpp, each filter's an f_<kind>.cpp, registered at load:
//
//   static void foo_parse_opt(const qdisc_util *, tc_argv &args, nlattrs *opts);   // throws tc_error
//   static void foo_print_opt(const qdisc_util *, std::string &out, const nlattrs &opts);
//   static const qdisc_util foo_util = {"foo", foo_parse_opt, foo_print_opt};
//   static const tc_module foo_mod(&foo_util);
//
// A kind without a q_<kind>.cpp can still be added with no options (as
// iproute2 without its module) and is refused by the kernel model if unknown.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/app/tc/tc_util.hpp"
#include "stack/sched/nlattr.hpp"

namespace wirepath {
struct net_device;
}

namespace wirepath::tc {

struct qdisc_util {
  const char *id;
  // TCA_OPTIONS of `qdisc add ... KIND ARGS`; args are what follows KIND.
  void (*parse_qopt)(const qdisc_util *qu, tc_argv &args, nlattrs *opts) = nullptr;
  // The options on the `qdisc` line (after "refcnt N ").
  void (*print_qopt)(const qdisc_util *qu, std::string &out, const nlattrs &opts) = nullptr;
  // The kind's xstats after the backlog line, as iproute2's print_xstats writes them: each line
  // starts with its own indent; the show code adds one "\n" after (print_nl), so a kind that
  // ends its text with "\n" (HTB classes) gets the blank line the real tc prints.
  void (*print_xstats)(const qdisc_util *qu, std::string &out, const std::vector<uint8_t> &xstats) = nullptr;
  void (*parse_copt)(const qdisc_util *qu, tc_argv &args, nlattrs *opts) = nullptr;
  void (*print_copt)(const qdisc_util *qu, std::string &out, const nlattrs &opts) = nullptr;
};

struct filter_util {
  const char *id;
  // handle: the `handle X` word given before the kind (or empty); *fhandle the kernel's handle.
  void (*parse_fopt)(const filter_util *fu, const std::string &handle, tc_argv &args, nlattrs *opts,
                     uint32_t *fhandle) = nullptr;
  void (*print_fopt)(const filter_util *fu, std::string &out, uint32_t fhandle, const nlattrs &opts) = nullptr;
};

void register_qdisc_util(const qdisc_util *q);
void register_filter_util(const filter_util *f);
const qdisc_util *get_qdisc_kind(const std::string &id);
const filter_util *get_filter_kind(const std::string &id);
struct tc_module {
  explicit tc_module(const qdisc_util *q) { register_qdisc_util(q); }
  explicit tc_module(const filter_util *f) { register_filter_util(f); }
};

// Run the tc commands in text (one per line, '#' comments, an optional
// leading "tc"). Every line is parsed and tried on a scratch copy of dev
// first: on any error nothing is applied to dev, the result is false and
// *err is "line N: <iproute2's message>". Kernel warnings (e.g. HTB's
// quantum) are appended to *warnings, one per line.
bool tc_batch(net_device *dev, const std::string &text, std::string *err, std::string *warnings = nullptr);

// `tc [-s] qdisc show dev DEV`, `tc [-s] class show dev DEV`, `tc filter show dev DEV parent P`.
std::string tc_qdisc_show(net_device *dev, bool show_stats);
std::string tc_class_show(net_device *dev, bool show_stats);
std::string tc_filter_show(net_device *dev, uint32_t parent);

}  // namespace wirepath::tc

// The kernel side of iptables without any text: rules built as structs
// (ipt_entry with named matches and targets) and loaded with ipt_do_replace,
// read back with ipt_get_entries. A target defined in this file registers
// itself as a built-in one does: adding a target is one file.
#include <gtest/gtest.h>

#include "stack/core/skbuff.hpp"
#include "stack/ipv4/netfilter/ip_tables.hpp"
#include "stack/netfilter/netfilter.hpp"
#include "stack/netfilter/nf_conntrack.hpp"
#include "stack/netfilter/x_tables.hpp"
#include "stack/netfilter/xt_mark.hpp"
#include "stack/netfilter/xt_tcpudp.hpp"
#include "stack/uapi.hpp"
#include "stack_fixture.hpp"

using namespace wirepath;
using namespace wirepath::test;

namespace {

// -j TAG: set the mark and go on, or drop when asked. Its checkentry refuses a zero mark.
struct xt_tag_info {
  uint32_t mark = 0;
  bool drop = false;
};

unsigned tag_tg(sk_buff *skb, const xt_action_param &par) {
  const auto &info = xt_info<xt_tag_info>(par.targinfo);
  skb->mark = info.mark;
  return info.drop ? NF_DROP : XT_CONTINUE;
}

int tag_tg_check(const xt_chk_param &par) {
  if (std::any_cast<xt_tag_info>(&par.info)->mark != 0) return 0;
  *par.msg = "TAG needs a non-zero mark";
  return -EINVAL;
}

void tag_tg_init() {
  static xt_target tg = xt_target::of<xt_tag_info>("TAG", tag_tg);
  tg.checkentry = tag_tg_check;
  xt_register_target(&tg);
}
module_init(tag_tg_init);

// A table with its built-in chains (as ipt_get_info says) and these rules in one of them.
ipt_replace table(const std::string &name, const std::string &chain, std::vector<ipt_entry> rules) {
  ipt_replace r;
  r.name = name;
  unsigned hooks = 0;
  EXPECT_EQ(ipt_get_info(name, &hooks), 0);
  for (int h = 0; h < NF_INET_NUMHOOKS; ++h)
    if (hooks & (1u << h)) {
      xt_chain c;
      c.name = xt_hook_names[h];
      c.builtin = true;
      if (c.name == chain) c.rules = std::move(rules);
      r.chains.push_back(std::move(c));
    }
  return r;
}

ipt_entry udp_dport(uint16_t port) {
  ipt_entry e;
  e.ip.proto = IPPROTO_UDP;
  xt_tcpudp ports;
  ports.dpts[0] = ports.dpts[1] = port;
  e.matches.push_back({"udp", -1, ports});
  return e;
}

ipt_entry tag(ipt_entry e, uint32_t mark, bool drop = false) {
  e.target = {"TAG", -1, xt_tag_info{mark, drop}};
  return e;
}

ipt_entry verdict(ipt_entry e, unsigned nf_verdict) {
  e.target = {XT_STANDARD_TARGET, -1, xt_standard_info{XT_VERDICT(nf_verdict), ""}};
  return e;
}

ipt_entry mark_is(uint32_t mark) {
  ipt_entry e;
  e.matches.push_back({"mark", -1, xt_mark_mtinfo1{mark, 0xffffffffu, false}});
  return e;
}

class XtTables : public StackTest {};

}  // namespace

// A target registered by this file runs in the table: TAG marks port 7 in mangle, filter drops that mark.
TEST_F(XtTables, ATargetRegisteredByItsOwnFileRunsInRules) {
  ASSERT_NE(xt_find_target(NFPROTO_IPV4, "TAG"), nullptr);
  ASSERT_EQ(ipt_do_replace(ns,
                           {table("mangle", "OUTPUT", {tag(udp_dport(7), 0x7)}),
                            table("filter", "OUTPUT", {verdict(mark_is(0x7), NF_DROP)})},
                           nullptr),
            0);
  const int fd = udp_socket();
  EXPECT_EQ(send_str(fd, "x", kPeer, 7), -EPERM);
  EXPECT_EQ(send_str(fd, "x", kPeer, 8), 1);
  ASSERT_EQ(ipt_do_replace(ns, {table("filter", "OUTPUT", {tag(udp_dport(9), 0x1, true)})}, nullptr), 0);
  EXPECT_EQ(send_str(fd, "x", kPeer, 9), -EPERM);  // TAG's own NF_DROP
  EXPECT_EQ(nd.frames.size(), 1u);
  // Counters come back through ipt_get_entries: one packet of 29 bytes each time.
  ipt_replace back;
  ASSERT_EQ(ipt_get_entries(ns, "mangle", &back), 0);
  const ipt_entry &e = back.chains[3].rules.at(0);
  EXPECT_EQ(back.chains[3].name, "OUTPUT");
  EXPECT_EQ(e.target.name, "TAG");
  EXPECT_EQ(e.counters.pcnt, 1u);
  EXPECT_EQ(e.counters.bcnt, 29u);
  EXPECT_EQ(std::any_cast<xt_tag_info>(e.target.info).mark, 0x7u);
}

// Every table of a request is checked before any goes live: an unknown target, a failed
// checkentry, parameters of the wrong type or a jump to no chain leave the old tables in place,
// and the error names the table, chain and rule.
TEST_F(XtTables, ARefusedRequestChangesNothing) {
  ASSERT_EQ(ipt_do_replace(ns, {table("filter", "OUTPUT", {verdict(udp_dport(9), NF_DROP)})}, nullptr), 0);
  const xt_table *before = xt_find_table(ns, "filter");
  ipt_replace_err err;
  ipt_entry unknown = udp_dport(9);
  unknown.target = {"NOSUCH", -1, 0};
  EXPECT_EQ(ipt_do_replace(ns, {table("mangle", "OUTPUT", {}), table("filter", "OUTPUT", {unknown})}, &err), -ENOENT);
  EXPECT_EQ(err.table, 1u);
  EXPECT_EQ(err.msg, "unknown target \"NOSUCH\"");
  EXPECT_EQ(ipt_do_replace(ns, {table("filter", "OUTPUT", {verdict(udp_dport(1), NF_ACCEPT), tag(udp_dport(9), 0)})}, &err),
            -EINVAL);
  EXPECT_EQ(err.chain, 2u);
  EXPECT_EQ(err.rule, 1u);
  EXPECT_EQ(err.msg, "TAG needs a non-zero mark");
  ipt_entry wrong = udp_dport(9);
  wrong.matches[0].info = xt_mark_mtinfo1{};
  EXPECT_EQ(ipt_do_replace(ns, {table("filter", "OUTPUT", {wrong})}, &err), -EINVAL);
  EXPECT_EQ(err.msg, "bad parameters for match \"udp\"");
  ipt_entry jump = udp_dport(9);
  jump.target.info = xt_standard_info{0, "NOWHERE"};
  EXPECT_EQ(ipt_do_replace(ns, {table("filter", "OUTPUT", {jump})}, &err), -ENOENT);
  EXPECT_EQ(err.msg, "chain \"NOWHERE\" does not exist in table \"filter\"");
  EXPECT_EQ(xt_find_table(ns, "filter"), before);
  EXPECT_EQ(xt_find_table(ns, "mangle"), nullptr);
  const int fd = udp_socket();
  EXPECT_EQ(send_str(fd, "x", kPeer, 9), -EPERM);  // the first table still runs
}

// A target limited to a table and hooks (SNAT: nat, POSTROUTING and INPUT) is refused elsewhere.
TEST_F(XtTables, TableAndHookLimitsAreChecked) {
  ipt_entry snat;
  nf_nat_range2 range;
  range.flags = NF_NAT_RANGE_MAP_IPS;
  range.min_addr = range.max_addr = ipv4(192, 168, 1, 1);
  snat.target = {"SNAT", -1, range};
  ipt_replace_err err;
  EXPECT_EQ(ipt_do_replace(ns, {table("filter", "OUTPUT", {snat})}, &err), -EINVAL);
  EXPECT_EQ(err.msg, "SNAT is only valid in the nat table");
  EXPECT_EQ(ipt_do_replace(ns, {table("nat", "OUTPUT", {snat})}, &err), -EINVAL);
  EXPECT_EQ(err.msg, "SNAT is not valid in chain OUTPUT (only POSTROUTING and INPUT)");
  EXPECT_EQ(ipt_do_replace(ns, {table("nat", "POSTROUTING", {snat})}, &err), 0);
}

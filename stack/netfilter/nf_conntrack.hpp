// Connection tracking and NAT for IPv4 (net/netfilter/nf_conntrack_core.c,
// nf_conntrack_proto_*.c, nf_nat_core.c, nf_nat_proto.c,
// nf_nat_masquerade.c). Host-order tuples; one table per net.
//
// Hooks (registered by nf_conntrack_ensure / ipt_do_replace):
//   PRE_ROUTING -200 ipv4_conntrack_in, LOCAL_OUT -200 ipv4_conntrack_local:
//     nf_conntrack_in finds the connection (either direction) or makes a new
//     unconfirmed one; skb->nfct / nfctinfo (NEW, ESTABLISHED, ..._REPLY).
//   nat: LOCAL_OUT/PRE_ROUTING -100 (DST), POST_ROUTING/LOCAL_IN 100 (SRC):
//     nf_nat_inet_fn: for a NEW connection not yet NATed in this direction
//     the nat table decides (SNAT/MASQUERADE call nf_nat_setup_info), else
//     a null binding; every packet then gets nf_nat_packet (incremental
//     checksum rewrite).
//   POST_ROUTING/LOCAL_IN INT_MAX ipv4_confirm: __nf_conntrack_confirm puts
//     the connection in the table (both tuples).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>

namespace wirepath {

struct net;
struct sk_buff;
struct net_device;
struct nf_hook_state;

enum ip_conntrack_dir { IP_CT_DIR_ORIGINAL = 0, IP_CT_DIR_REPLY = 1 };
enum ip_conntrack_info : uint8_t {
  IP_CT_ESTABLISHED = 0,
  IP_CT_RELATED = 1,
  IP_CT_NEW = 2,
  IP_CT_IS_REPLY = 3,
  IP_CT_ESTABLISHED_REPLY = 3,
  IP_CT_RELATED_REPLY = 4,
  IP_CT_UNTRACKED = 7,
};
// ct->status bits (enum ip_conntrack_status).
enum : uint32_t {
  IPS_SEEN_REPLY = 1u << 1,
  IPS_ASSURED = 1u << 2,
  IPS_CONFIRMED = 1u << 3,
  IPS_SRC_NAT = 1u << 4,
  IPS_DST_NAT = 1u << 5,
  IPS_NAT_MASK = IPS_SRC_NAT | IPS_DST_NAT,
  IPS_SRC_NAT_DONE = 1u << 7,
  IPS_DST_NAT_DONE = 1u << 8,
};

// struct nf_conntrack_tuple: src/dst address and port (ICMP: id in sport,
// type << 8 | code in dport), protocol.
struct nf_conntrack_tuple {
  uint32_t src = 0, dst = 0;
  uint16_t sport = 0, dport = 0;
  uint8_t protonum = 0;
  bool operator==(const nf_conntrack_tuple &o) const {
    return src == o.src && dst == o.dst && sport == o.sport && dport == o.dport && protonum == o.protonum;
  }
  bool operator!=(const nf_conntrack_tuple &o) const { return !(*this == o); }
  bool operator<(const nf_conntrack_tuple &o) const {
    return std::tie(src, dst, sport, dport, protonum) < std::tie(o.src, o.dst, o.sport, o.dport, o.protonum);
  }
  std::string str() const;  // "udp 10.0.0.1:1234 -> 10.0.0.2:9"
};

struct nf_conn {
  nf_conntrack_tuple tuplehash[2];  // [IP_CT_DIR_ORIGINAL], [IP_CT_DIR_REPLY]
  uint32_t status = 0;
  uint32_t mark = 0;
  uint64_t timeout = 0;  // expiry, ns of the net's clock
  uint64_t packets[2] = {}, bytes[2] = {};
};

// nf_conntrack_stat plus the table.
struct nf_conntrack_net {
  std::map<nf_conntrack_tuple, std::shared_ptr<nf_conn>> hash;  // both directions of every confirmed conn
  uint64_t found = 0, new_ = 0, insert = 0, insert_failed = 0, drop = 0, invalid = 0, expired = 0;
  uint32_t count() const { return static_cast<uint32_t>(hash.size() / 2); }
};

// NAT ranges (struct nf_nat_range2) and flags.
enum : unsigned {
  NF_NAT_RANGE_MAP_IPS = 1u << 0,
  NF_NAT_RANGE_PROTO_SPECIFIED = 1u << 1,
  NF_NAT_RANGE_PROTO_RANDOM = 1u << 2,
  NF_NAT_RANGE_PERSISTENT = 1u << 3,
  NF_NAT_RANGE_PROTO_RANDOM_FULLY = 1u << 4,
  NF_NAT_RANGE_PROTO_RANDOM_ALL = NF_NAT_RANGE_PROTO_RANDOM | NF_NAT_RANGE_PROTO_RANDOM_FULLY,
};
struct nf_nat_range2 {
  unsigned flags = 0;
  uint32_t min_addr = 0, max_addr = 0;
  uint16_t min_proto = 0, max_proto = 0;
};
enum nf_nat_manip_type { NF_NAT_MANIP_SRC, NF_NAT_MANIP_DST };

// Timeouts (ns): nf_conntrack_udp_timeout 30 s / _stream 120 s,
// icmp 30 s, generic 600 s; TCP simplified to syn_sent 120 s,
// established 5 days, after FIN/RST 120 s / 10 s.
struct nf_ct_timeouts {
  uint64_t udp = 30'000'000'000ULL, udp_stream = 120'000'000'000ULL, icmp = 30'000'000'000ULL;
  uint64_t generic = 600'000'000'000ULL, tcp_syn_sent = 120'000'000'000ULL;
  uint64_t tcp_established = 432000'000'000'000ULL, tcp_fin = 120'000'000'000ULL, tcp_close = 10'000'000'000ULL;
};

nf_conntrack_net &nf_ct_net(net &n);
// Register conntrack's hooks on n (once).
void nf_conntrack_ensure(net &n);
// The tuple of a packet (skb->data at its IP header); false if not trackable.
bool nf_ct_get_tuple(const sk_buff *skb, nf_conntrack_tuple *t);
void nf_ct_invert_tuple(nf_conntrack_tuple *inverse, const nf_conntrack_tuple &orig);
// Lookup in the confirmed table (expired entries removed); direction in *dir.
std::shared_ptr<nf_conn> nf_conntrack_find_get(net &n, const nf_conntrack_tuple &t, ip_conntrack_dir *dir);
unsigned nf_conntrack_in(net &n, sk_buff *skb, const nf_hook_state &state);
unsigned __nf_conntrack_confirm(net &n, sk_buff *skb);

// NAT.
bool nf_nat_initialized(const nf_conn *ct, nf_nat_manip_type m);
unsigned nf_nat_setup_info(net &n, nf_conn *ct, const nf_nat_range2 &range, nf_nat_manip_type maniptype);
unsigned nf_nat_alloc_null_binding(net &n, nf_conn *ct, unsigned hooknum);
// Is the reply tuple of `tuple` used by a confirmed connection other than ignored?
bool nf_nat_used_tuple(net &n, const nf_conntrack_tuple &tuple, const nf_conn *ignored);
void nf_nat_l4proto_unique_tuple(net &n, nf_conntrack_tuple *tuple, const nf_nat_range2 &range,
                                 nf_nat_manip_type maniptype, const nf_conn *ct);
unsigned nf_nat_packet(nf_conn *ct, uint8_t ctinfo, unsigned hooknum, sk_buff *skb);
// Rewrite address and port to target's (SRC or DST side) with incremental
// checksum updates: the IP header, and TCP/UDP including the
// CHECKSUM_PARTIAL pseudo-header seed (inet_proto_csum_replace4/2).
bool nf_nat_ipv4_manip_pkt(sk_buff *skb, const nf_conntrack_tuple &target, nf_nat_manip_type maniptype);
// MASQUERADE: SNAT to the out device's address for the route's next hop.
unsigned nf_nat_masquerade_ipv4(net &n, sk_buff *skb, const nf_nat_range2 &range, const net_device *out);
// The nat table's hook body: nf_nat_inet_fn.
unsigned nf_nat_inet_fn(net &n, sk_buff *skb, const nf_hook_state &state);

}  // namespace wirepath

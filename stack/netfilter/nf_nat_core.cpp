// NAT (net/netfilter/nf_nat_core.c, nf_nat_proto.c, nf_nat_masquerade.c).
#include <algorithm>
#include <utility>

#include "stack/core/byteorder.hpp"
#include "stack/core/checksum.hpp"
#include "stack/ipv4/devinet.hpp"
#include "stack/ipv4/icmp.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/ipv4/netfilter/ip_tables.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/netfilter/netfilter.hpp"
#include "stack/netfilter/nf_conntrack.hpp"
#include "stack/ipv4/route.hpp"
#include "stack/core/skbuff.hpp"
#include "stack/ipv4/udp.hpp"
#include "stack/uapi.hpp"

namespace wirepath {

// --- tuple selection ------------------------------------------------------------

namespace {
bool l4proto_in_range(const nf_conntrack_tuple &t, nf_nat_manip_type m, uint16_t min, uint16_t max) {
  uint16_t port;
  switch (t.protonum) {
    case IPPROTO_ICMP: port = t.sport; break;
    case IPPROTO_TCP:
    case IPPROTO_UDP: port = m == NF_NAT_MANIP_SRC ? t.sport : t.dport; break;
    default: return true;
  }
  return port >= min && port <= max;
}

bool nf_in_range(const nf_conntrack_tuple &t, const nf_nat_range2 &r) {
  if ((r.flags & NF_NAT_RANGE_MAP_IPS) && (t.src < r.min_addr || t.src > r.max_addr)) return false;
  if (!(r.flags & NF_NAT_RANGE_PROTO_SPECIFIED)) return true;
  return l4proto_in_range(t, NF_NAT_MANIP_SRC, r.min_proto, r.max_proto);
}

// find_appropriate_src: another connection from the same source already has
// a mapping; reuse it (one source keeps one public address:port).
bool find_appropriate_src(net &n, const nf_conntrack_tuple &orig, nf_conntrack_tuple *result, const nf_nat_range2 &r) {
  for (const auto &[key, ct] : nf_ct_net(n).hash) {
    const nf_conntrack_tuple &o = ct->tuplehash[IP_CT_DIR_ORIGINAL];
    if (!(key == o) || !(ct->status & IPS_SRC_NAT)) continue;
    if (o.src != orig.src || o.sport != orig.sport || o.protonum != orig.protonum) continue;
    nf_ct_invert_tuple(result, ct->tuplehash[IP_CT_DIR_REPLY]);
    result->dst = orig.dst;
    result->dport = orig.dport;
    if (nf_in_range(*result, r)) return true;
  }
  return false;
}

// find_best_ips_proto: one address of the range, by a hash of the tuple
// (jhash2 in Linux) so a flow always maps the same way.
void find_best_ips_proto(nf_conntrack_tuple *t, const nf_nat_range2 &r, nf_nat_manip_type m) {
  if (!(r.flags & NF_NAT_RANGE_MAP_IPS)) return;
  uint32_t *var = m == NF_NAT_MANIP_SRC ? &t->src : &t->dst;
  if (r.min_addr == r.max_addr) {
    *var = r.min_addr;
    return;
  }
  uint32_t h = (m == NF_NAT_MANIP_SRC ? t->src : t->dst) * 2654435761u;
  if (!(r.flags & NF_NAT_RANGE_PERSISTENT)) h ^= (m == NF_NAT_MANIP_SRC ? t->dst : t->src) * 40503u;
  const uint64_t dist = uint64_t{r.max_addr} - r.min_addr + 1;
  *var = r.min_addr + static_cast<uint32_t>((uint64_t{h} * dist) >> 32);  // reciprocal_scale
}

void get_unique_tuple(net &n, nf_conntrack_tuple *tuple, const nf_conntrack_tuple &orig, const nf_nat_range2 &r,
                      const nf_conn *ct, nf_nat_manip_type m) {
  // 1) SNAT: keep the original tuple if it is in range and free, or reuse
  //    this source's existing mapping.
  if (m == NF_NAT_MANIP_SRC && !(r.flags & NF_NAT_RANGE_PROTO_RANDOM_ALL)) {
    if (nf_in_range(orig, r)) {
      if (!nf_nat_used_tuple(n, orig, ct)) {
        *tuple = orig;
        return;
      }
    } else if (find_appropriate_src(n, orig, tuple, r)) {
      if (!nf_nat_used_tuple(n, *tuple, ct)) return;
    }
  }
  // 2) An address of the range.
  *tuple = orig;
  find_best_ips_proto(tuple, r, m);
  // 3) Keep the port if it is in range and unique, else search its class.
  if (!(r.flags & NF_NAT_RANGE_PROTO_RANDOM_ALL)) {
    if (r.flags & NF_NAT_RANGE_PROTO_SPECIFIED) {
      if (l4proto_in_range(*tuple, m, r.min_proto, r.max_proto) &&
          (r.min_proto == r.max_proto || !nf_nat_used_tuple(n, *tuple, ct)))
        return;
    } else if (!nf_nat_used_tuple(n, *tuple, ct)) {
      return;
    }
  }
  nf_nat_l4proto_unique_tuple(n, tuple, r, m, ct);
}
}  // namespace

bool nf_nat_used_tuple(net &n, const nf_conntrack_tuple &tuple, const nf_conn *ignored) {
  nf_conntrack_tuple reply;
  nf_ct_invert_tuple(&reply, tuple);
  nf_conntrack_net &cn = nf_ct_net(n);
  auto it = cn.hash.find(reply);
  return it != cn.hash.end() && it->second.get() != ignored && it->second->timeout > n.kernel.timers.now();
}

void nf_nat_l4proto_unique_tuple(net &n, nf_conntrack_tuple *tuple, const nf_nat_range2 &range,
                                 nf_nat_manip_type maniptype, const nf_conn *ct) {
  uint16_t *keyptr;
  uint32_t min, range_size;
  switch (tuple->protonum) {
    case IPPROTO_ICMP:
      keyptr = &tuple->sport;
      if (!(range.flags & NF_NAT_RANGE_PROTO_SPECIFIED)) {
        min = 0;
        range_size = 65536;
      } else {
        min = range.min_proto;
        range_size = uint32_t{range.max_proto} - range.min_proto + 1;
      }
      goto find_free_id;
    case IPPROTO_TCP:
    case IPPROTO_UDP:
      keyptr = maniptype == NF_NAT_MANIP_SRC ? &tuple->sport : &tuple->dport;
      break;
    default: return;
  }
  if (!(range.flags & NF_NAT_RANGE_PROTO_SPECIFIED)) {
    if (maniptype == NF_NAT_MANIP_DST) return;  // a dst rewrite cannot change the port
    // Loose convention: < 512 and 512-1023 are privileged classes.
    if (*keyptr < 1024) {
      if (*keyptr < 512) {
        min = 1;
        range_size = 511 - min + 1;
      } else {
        min = 600;
        range_size = 1023 - min + 1;
      }
    } else {
      min = 1024;
      range_size = 65535 - 1024 + 1;
    }
  } else {
    uint32_t lo = range.min_proto, hi = range.max_proto;
    if (hi < lo) std::swap(lo, hi);
    min = lo;
    range_size = hi - lo + 1;
  }
find_free_id : {
  uint32_t off = ((range.flags & NF_NAT_RANGE_PROTO_RANDOM_ALL) || maniptype != NF_NAT_MANIP_DST) ? n.get_random_u16() : 0;
  uint32_t attempts = std::min<uint32_t>(range_size, 128);  // NF_NAT_MAX_ATTEMPTS
  for (;;) {
    for (uint32_t i = 0; i < attempts; i++, off++) {
      *keyptr = static_cast<uint16_t>(min + off % range_size);
      if (!nf_nat_used_tuple(n, *tuple, ct)) return;
    }
    if (attempts >= range_size || attempts < 16) return;
    attempts /= 2;
    off = n.get_random_u16();
  }
}
}

bool nf_nat_initialized(const nf_conn *ct, nf_nat_manip_type m) {
  return ct->status & (m == NF_NAT_MANIP_SRC ? IPS_SRC_NAT_DONE : IPS_DST_NAT_DONE);
}

unsigned nf_nat_setup_info(net &n, nf_conn *ct, const nf_nat_range2 &range, nf_nat_manip_type maniptype) {
  if (nf_nat_initialized(ct, maniptype)) return NF_ACCEPT;
  // What we have looks like the inverse of the reply tuple.
  nf_conntrack_tuple curr, new_tuple;
  nf_ct_invert_tuple(&curr, ct->tuplehash[IP_CT_DIR_REPLY]);
  get_unique_tuple(n, &new_tuple, curr, range, ct, maniptype);
  if (new_tuple != curr) {
    // nf_conntrack_alter_reply: replies will come to the new tuple.
    nf_ct_invert_tuple(&ct->tuplehash[IP_CT_DIR_REPLY], new_tuple);
    ct->status |= maniptype == NF_NAT_MANIP_SRC ? IPS_SRC_NAT : IPS_DST_NAT;
  }
  ct->status |= maniptype == NF_NAT_MANIP_DST ? IPS_DST_NAT_DONE : IPS_SRC_NAT_DONE;
  return NF_ACCEPT;
}

static nf_nat_manip_type HOOK2MANIP(unsigned hooknum) {
  return (hooknum != NF_INET_POST_ROUTING && hooknum != NF_INET_LOCAL_IN) ? NF_NAT_MANIP_DST : NF_NAT_MANIP_SRC;
}

unsigned nf_nat_alloc_null_binding(net &n, nf_conn *ct, unsigned hooknum) {
  // Bind to the address we have (the port may still move if the tuple clashes).
  const nf_nat_manip_type m = HOOK2MANIP(hooknum);
  const uint32_t ip = m == NF_NAT_MANIP_SRC ? ct->tuplehash[IP_CT_DIR_REPLY].dst : ct->tuplehash[IP_CT_DIR_REPLY].src;
  nf_nat_range2 range;
  range.flags = NF_NAT_RANGE_MAP_IPS;
  range.min_addr = range.max_addr = ip;
  return nf_nat_setup_info(n, ct, range, m);
}

bool nf_nat_ipv4_manip_pkt(sk_buff *skb, const nf_conntrack_tuple &target, nf_nat_manip_type maniptype) {
  iphdr *iph = ip_hdr(skb);
  uint8_t *l4 = skb->network_hdr() + iph->ihl() * 4u;
  const uint32_t l4len = static_cast<uint32_t>(skb->tail - l4);
  const bool first_frag = !(iph->frag_off & cpu_to_be16(IP_OFFSET));
  const uint32_t oldip = be32_to_cpu(maniptype == NF_NAT_MANIP_SRC ? iph->saddr : iph->daddr);
  const uint32_t newip = maniptype == NF_NAT_MANIP_SRC ? target.src : target.dst;
  if (first_frag && (iph->protocol == IPPROTO_UDP || iph->protocol == IPPROTO_TCP)) {
    const bool udp = iph->protocol == IPPROTO_UDP;
    if (l4len < (udp ? 8u : 20u)) return true;  // a header too short to touch (Linux: hdrsize check)
    auto *ports = reinterpret_cast<uint16_t *>(l4);
    uint16_t *portptr = maniptype == NF_NAT_MANIP_SRC ? &ports[0] : &ports[1];
    const uint16_t newport = maniptype == NF_NAT_MANIP_SRC ? target.sport : target.dport;
    uint16_t *check = reinterpret_cast<uint16_t *>(l4 + (udp ? 6 : 16));
    // __udp_manip_pkt: a zero UDP checksum means none, unless the NIC will fill it.
    const bool do_csum = !udp || *check || skb->ip_summed == CHECKSUM_PARTIAL;
    if (do_csum) {
      inet_proto_csum_replace4(check, skb, oldip, newip, true);
      inet_proto_csum_replace2(check, skb, be16_to_cpu(*portptr), newport, false);
      if (udp && !*check) *check = CSUM_MANGLED_0;
    }
    *portptr = cpu_to_be16(newport);
  } else if (first_frag && iph->protocol == IPPROTO_ICMP && l4len >= 8) {
    // The echo id at offset 4, the checksum at 2.
    uint16_t *check = reinterpret_cast<uint16_t *>(l4 + 2), *id = reinterpret_cast<uint16_t *>(l4 + 4);
    inet_proto_csum_replace2(check, skb, be16_to_cpu(*id), target.sport, false);
    *id = cpu_to_be16(target.sport);
  }
  uint16_t ipcheck = iph->check;
  csum_replace4(&ipcheck, oldip, newip);
  iph->check = ipcheck;
  if (maniptype == NF_NAT_MANIP_SRC)
    iph->saddr = cpu_to_be32(newip);
  else
    iph->daddr = cpu_to_be32(newip);
  return true;
}

unsigned nf_nat_packet(nf_conn *ct, uint8_t ctinfo, unsigned hooknum, sk_buff *skb) {
  const nf_nat_manip_type mtype = HOOK2MANIP(hooknum);
  const int dir = ctinfo >= IP_CT_IS_REPLY ? IP_CT_DIR_REPLY : IP_CT_DIR_ORIGINAL;
  uint32_t statusbit = mtype == NF_NAT_MANIP_SRC ? IPS_SRC_NAT : IPS_DST_NAT;
  if (dir == IP_CT_DIR_REPLY) statusbit ^= IPS_NAT_MASK;  // replies get the inverse manip
  if (ct->status & statusbit) {
    nf_conntrack_tuple target;
    nf_ct_invert_tuple(&target, ct->tuplehash[!dir]);
    if (!nf_nat_ipv4_manip_pkt(skb, target, mtype)) return NF_DROP;
  }
  return NF_ACCEPT;
}

unsigned nf_nat_masquerade_ipv4(net &n, sk_buff *skb, const nf_nat_range2 &range, const net_device *out) {
  nf_conn *ct = skb->nfct.get();
  if (!ct) return NF_ACCEPT;
  // A locally generated packet with source 0.0.0.0 is not masqueraded.
  if (ct->tuplehash[IP_CT_DIR_ORIGINAL].src == 0) return NF_ACCEPT;
  const rtable *rt = skb->dst;
  const uint32_t nh = rt ? rt_nexthop(rt, be32_to_cpu(ip_hdr(skb)->daddr)) : be32_to_cpu(ip_hdr(skb)->daddr);
  const uint32_t newsrc = out ? inet_select_addr(n, out, nh) : 0;
  if (!newsrc) return NF_DROP;  // "... ate my IP address"
  nf_nat_range2 nr = range;
  nr.flags |= NF_NAT_RANGE_MAP_IPS;
  nr.min_addr = nr.max_addr = newsrc;
  return nf_nat_setup_info(n, ct, nr, NF_NAT_MANIP_SRC);
}

unsigned nf_nat_inet_fn(net &n, sk_buff *skb, const nf_hook_state &state) {
  nf_conn *ct = skb->nfct.get();
  if (!ct) return NF_ACCEPT;
  const nf_nat_manip_type maniptype = HOOK2MANIP(state.hook);
  const uint8_t ctinfo = skb->nfctinfo;
  if (ctinfo == IP_CT_NEW || ctinfo == IP_CT_RELATED || ctinfo == IP_CT_RELATED_REPLY) {
    // The first packet in this direction decides; later ones reuse it.
    if (!nf_nat_initialized(ct, maniptype)) {
      xt_table *t = xt_find_table(n, "nat");
      const unsigned ret = t ? ipt_do_table(n, skb, state, t) : NF_ACCEPT;
      if (ret != NF_ACCEPT) return ret;
      if (!nf_nat_initialized(ct, maniptype)) {
        const unsigned r2 = nf_nat_alloc_null_binding(n, ct, state.hook);
        if (r2 != NF_ACCEPT) return r2;
      }
    }
  }
  return nf_nat_packet(ct, ctinfo, state.hook, skb);
}

}  // namespace wirepath

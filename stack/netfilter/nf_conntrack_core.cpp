// Connection tracking core (net/netfilter/nf_conntrack_core.c and the
// per-protocol trackers, reduced to tuples, directions and timeouts).
#include <cerrno>
#include <climits>
#include <fmt/format.h>

#include "stack/core/byteorder.hpp"
#include "stack/core/utils.hpp"
#include "stack/ipv4/icmp.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/netfilter/netfilter.hpp"
#include "stack/netfilter/nf_conntrack.hpp"
#include "stack/core/skbuff.hpp"
#include "stack/uapi.hpp"

namespace wirepath {

namespace {
const nf_ct_timeouts kTimeouts;

unsigned ipv4_conntrack_in(void *, sk_buff *skb, const nf_hook_state &state) {
  return nf_conntrack_in(*state.n, skb, state);
}
unsigned ipv4_confirm(void *, sk_buff *skb, const nf_hook_state &state) {
  return __nf_conntrack_confirm(*state.n, skb);
}

const nf_hook_ops ipv4_conntrack_ops[] = {
    {ipv4_conntrack_in, nullptr, NFPROTO_IPV4, NF_INET_PRE_ROUTING, NF_IP_PRI_CONNTRACK, "ipv4_conntrack_in"},
    {ipv4_conntrack_in, nullptr, NFPROTO_IPV4, NF_INET_LOCAL_OUT, NF_IP_PRI_CONNTRACK, "ipv4_conntrack_local"},
    {ipv4_confirm, nullptr, NFPROTO_IPV4, NF_INET_POST_ROUTING, NF_IP_PRI_CONNTRACK_CONFIRM, "ipv4_confirm"},
    {ipv4_confirm, nullptr, NFPROTO_IPV4, NF_INET_LOCAL_IN, NF_IP_PRI_CONNTRACK_CONFIRM, "ipv4_confirm"},
};

const char *proto_name(uint8_t p) {
  switch (p) {
    case IPPROTO_TCP: return "tcp";
    case IPPROTO_UDP: return "udp";
    case IPPROTO_ICMP: return "icmp";
  }
  return "proto";
}
// The per-protocol packet handler: refresh the timeout.
void nf_ct_refresh(net &n, nf_conn *ct, const sk_buff *skb) {
  const nf_conntrack_tuple &t = ct->tuplehash[IP_CT_DIR_ORIGINAL];
  uint64_t to = kTimeouts.generic;
  if (t.protonum == IPPROTO_UDP) {
    // udp_packet: a reply makes it a stream, assured.
    if (ct->status & IPS_SEEN_REPLY) {
      to = kTimeouts.udp_stream;
      ct->status |= IPS_ASSURED;
    } else {
      to = kTimeouts.udp;
    }
  } else if (t.protonum == IPPROTO_ICMP) {
    to = kTimeouts.icmp;
  } else if (t.protonum == IPPROTO_TCP) {
    const iphdr *iph = ip_hdr(skb);
    const uint8_t flags = skb->network_hdr()[iph->ihl() * 4u + 13];
    if (flags & 0x04) to = kTimeouts.tcp_close;                     // RST
    else if (flags & 0x01) to = kTimeouts.tcp_fin;                  // FIN
    else if (ct->status & IPS_SEEN_REPLY) to = kTimeouts.tcp_established, ct->status |= IPS_ASSURED;
    else to = kTimeouts.tcp_syn_sent;
  }
  ct->timeout = n.kernel.timers.now() + to;
}
}  // namespace

std::string nf_conntrack_tuple::str() const {
  return fmt::format("{} {}:{} -> {}:{}", proto_name(protonum), ip4_str(src), sport, ip4_str(dst), dport);
}

nf_conntrack_net &nf_ct_net(net &n) {
  netns_nf &nf = nf_net(n);
  if (!nf.ct) nf.ct = std::make_unique<nf_conntrack_net>();
  return *nf.ct;
}

void nf_conntrack_ensure(net &n) {
  netns_nf &nf = nf_net(n);
  if (nf.ct) return;
  nf.ct = std::make_unique<nf_conntrack_net>();
  for (const auto &ops : ipv4_conntrack_ops) nf_register_net_hook(n, &ops);
}

bool nf_ct_get_tuple(const sk_buff *skb, nf_conntrack_tuple *t) {
  const iphdr *iph = ip_hdr(skb);
  const uint8_t *l4 = skb->network_hdr() + iph->ihl() * 4u;
  const uint32_t l4len = static_cast<uint32_t>(skb->tail - l4);
  if (iph->frag_off & cpu_to_be16(IP_OFFSET)) return false;  // defrag is not modelled
  *t = nf_conntrack_tuple{};
  t->src = be32_to_cpu(iph->saddr);
  t->dst = be32_to_cpu(iph->daddr);
  t->protonum = iph->protocol;
  if (iph->protocol == IPPROTO_TCP || iph->protocol == IPPROTO_UDP) {
    if (l4len < 4) return false;
    t->sport = static_cast<uint16_t>((l4[0] << 8) | l4[1]);
    t->dport = static_cast<uint16_t>((l4[2] << 8) | l4[3]);
  } else if (iph->protocol == IPPROTO_ICMP) {
    if (l4len < 8) return false;
    if (l4[0] != ICMP_ECHO && l4[0] != ICMP_ECHOREPLY) return false;  // errors are RELATED: not modelled
    t->sport = static_cast<uint16_t>((l4[4] << 8) | l4[5]);
    t->dport = static_cast<uint16_t>((l4[0] << 8) | l4[1]);
  }
  return true;
}

void nf_ct_invert_tuple(nf_conntrack_tuple *inv, const nf_conntrack_tuple &o) {
  inv->src = o.dst;
  inv->dst = o.src;
  inv->protonum = o.protonum;
  if (o.protonum == IPPROTO_ICMP) {
    inv->sport = o.sport;  // the id stays
    const uint8_t type = static_cast<uint8_t>(o.dport >> 8);
    const uint8_t itype = type == ICMP_ECHO ? uint8_t{ICMP_ECHOREPLY} : type == ICMP_ECHOREPLY ? uint8_t{ICMP_ECHO} : type;
    inv->dport = static_cast<uint16_t>((itype << 8) | (o.dport & 0xff));
  } else {
    inv->sport = o.dport;
    inv->dport = o.sport;
  }
}

static void nf_ct_delete(nf_conntrack_net &cn, const std::shared_ptr<nf_conn> &ct) {
  cn.hash.erase(ct->tuplehash[IP_CT_DIR_ORIGINAL]);
  cn.hash.erase(ct->tuplehash[IP_CT_DIR_REPLY]);
}

std::shared_ptr<nf_conn> nf_conntrack_find_get(net &n, const nf_conntrack_tuple &t, ip_conntrack_dir *dir) {
  nf_conntrack_net &cn = nf_ct_net(n);
  auto it = cn.hash.find(t);
  if (it == cn.hash.end()) return nullptr;
  std::shared_ptr<nf_conn> ct = it->second;
  if (ct->timeout <= n.kernel.timers.now()) {  // nf_ct_is_expired: the gc worker's job, done lazily
    ++cn.expired;
    nf_ct_delete(cn, ct);
    return nullptr;
  }
  if (dir) *dir = ct->tuplehash[IP_CT_DIR_ORIGINAL] == t ? ip_conntrack_dir{IP_CT_DIR_ORIGINAL} : ip_conntrack_dir{IP_CT_DIR_REPLY};
  return ct;
}

unsigned nf_conntrack_in(net &n, sk_buff *skb, const nf_hook_state &state) {
  if (skb->nfct || skb->nfctinfo == IP_CT_UNTRACKED) return NF_ACCEPT;  // already seen (or NOTRACK)
  nf_conntrack_net &cn = nf_ct_net(n);
  nf_conntrack_tuple t;
  if (!nf_ct_get_tuple(skb, &t)) {
    ++cn.invalid;
    skb->nfctinfo = IP_CT_UNTRACKED;
    return NF_ACCEPT;
  }
  ip_conntrack_dir dir = IP_CT_DIR_ORIGINAL;
  std::shared_ptr<nf_conn> ct = nf_conntrack_find_get(n, t, &dir);
  uint8_t ctinfo;
  if (ct) {
    ++cn.found;
    if (dir == IP_CT_DIR_REPLY) {
      ctinfo = IP_CT_ESTABLISHED_REPLY;
      ct->status |= IPS_SEEN_REPLY;
    } else {
      ctinfo = (ct->status & IPS_SEEN_REPLY) ? IP_CT_ESTABLISHED : IP_CT_NEW;
    }
  } else {
    // init_conntrack: a new, unconfirmed entry that lives with the skb.
    ++cn.new_;
    ct = std::make_shared<nf_conn>();
    ct->tuplehash[IP_CT_DIR_ORIGINAL] = t;
    nf_ct_invert_tuple(&ct->tuplehash[IP_CT_DIR_REPLY], t);
    ct->mark = skb->mark;
    ctinfo = IP_CT_NEW;
  }
  nf_ct_refresh(n, ct.get(), skb);
  ++ct->packets[dir];
  ct->bytes[dir] += skb->len;
  skb->nfct = ct;
  skb->nfctinfo = ctinfo;
  return NF_ACCEPT;
}

unsigned __nf_conntrack_confirm(net &n, sk_buff *skb) {
  nf_conn *ct = skb->nfct.get();
  if (!ct || (ct->status & IPS_CONFIRMED) || skb->nfctinfo >= IP_CT_IS_REPLY) return NF_ACCEPT;
  nf_conntrack_net &cn = nf_ct_net(n);
  const nf_conntrack_tuple &o = ct->tuplehash[IP_CT_DIR_ORIGINAL], &r = ct->tuplehash[IP_CT_DIR_REPLY];
  // A clash with a live entry: this packet loses (nf_ct_resolve_clash is not modelled).
  for (const auto *t : {&o, &r}) {
    auto it = cn.hash.find(*t);
    if (it != cn.hash.end()) {
      if (it->second->timeout > n.kernel.timers.now()) {
        ++cn.insert_failed;
        ++cn.drop;
        return NF_DROP;
      }
      nf_ct_delete(cn, std::shared_ptr<nf_conn>(it->second));
    }
  }
  ct->status |= IPS_CONFIRMED;
  cn.hash[o] = skb->nfct;
  cn.hash[r] = skb->nfct;
  ++cn.insert;
  return NF_ACCEPT;
}

}  // namespace wirepath

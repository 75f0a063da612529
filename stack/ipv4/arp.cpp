// ARP (net/ipv4/arp.c).
#include "stack/ipv4/arp.hpp"

#include <cstring>
#include <new>

#include "stack/core/byteorder.hpp"
#include "stack/ipv4/devinet.hpp"
#include "stack/ethernet/eth.hpp"
#include "stack/ipv4/icmp.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/core/neighbour.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/core/skbuff.hpp"

namespace wirepath {

namespace {
constexpr mac_addr kBroadcast = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

uint32_t get_be32(const void *p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return be32_to_cpu(v);
}
void put_be32(void *p, uint32_t v) {
  v = cpu_to_be32(v);
  std::memcpy(p, &v, 4);
}
}  // namespace

int arp_constructor(neighbour *n) {
  if (n->primary_key == 0xffffffffu) {
    // RTN_BROADCAST: no resolution, the broadcast address.
    n->nud_state = NUD_NOARP;
    n->ha = kBroadcast;
    n->output = neigh_connected_output;
    return 0;
  }
  n->nud_state = NUD_NONE;
  n->output = neigh_resolve_output;
  return 0;
}

sk_buff *arp_create(net &ns, int type, uint16_t ptype, uint32_t dest_ip, net_device *dev, uint32_t src_ip,
                    const uint8_t *dest_hw, const uint8_t *src_hw, const uint8_t *target_hw) {
  const uint32_t hlen = LL_RESERVED_SPACE(dev);
  sk_buff *skb;
  try {
    skb = alloc_skb(ns.mem, sizeof(arphdr_eth_ipv4) + hlen);
  } catch (const std::bad_alloc &) {
    return nullptr;
  }
  skb->reserve(hlen);
  skb->reset_network_header();
  auto *arp = reinterpret_cast<arphdr_eth_ipv4 *>(skb->put(sizeof(arphdr_eth_ipv4)));
  skb->dev = dev;
  skb->protocol = ETH_P_ARP;
  if (!src_hw) src_hw = dev->dev_addr.data();
  if (!dest_hw) dest_hw = kBroadcast.data();
  if (dev_hard_header(skb, dev, ptype, dest_hw, src_hw, skb->len) < 0) {
    kfree_skb_reason(skb, skb_drop_reason::NOT_SPECIFIED);
    return nullptr;
  }
  arp->ar_hrd = cpu_to_be16(ARPHRD_ETHER);
  arp->ar_pro = cpu_to_be16(ETH_P_IP);
  arp->ar_hln = ETH_ALEN;
  arp->ar_pln = 4;
  arp->ar_op = cpu_to_be16(static_cast<uint16_t>(type));
  std::memcpy(arp->ar_sha, src_hw, ETH_ALEN);
  put_be32(&arp->ar_sip, src_ip);
  if (target_hw)
    std::memcpy(arp->ar_tha, target_hw, ETH_ALEN);
  else
    std::memset(arp->ar_tha, 0, ETH_ALEN);
  put_be32(&arp->ar_tip, dest_ip);
  return skb;
}

int arp_xmit(sk_buff *skb) { return dev_queue_xmit(skb); }

void arp_send(net &ns, int type, uint16_t ptype, uint32_t dest_ip, net_device *dev, uint32_t src_ip,
              const uint8_t *dest_hw, const uint8_t *src_hw, const uint8_t *target_hw) {
  sk_buff *skb = arp_create(ns, type, ptype, dest_ip, dev, src_ip, dest_hw, src_hw, target_hw);
  if (skb) arp_xmit(skb);
}

void arp_solicit(neighbour *n, sk_buff *skb) {
  net &ns = *n->nnet;
  net_device *dev = n->dev;
  const uint32_t target = n->primary_key;
  // arp_announce 0: the queued packet's source if it is ours, else the
  // device's address for the target's subnet.
  uint32_t saddr = 0;
  if (skb && skb->network_header != 0xffff) {
    const uint32_t s = be32_to_cpu(ip_hdr(skb)->saddr);
    if (inet_addr_is_local(ns, s)) saddr = s;
  }
  if (!saddr) saddr = inet_select_addr(ns, dev, target);
  // The first ucast_probes probes of a PROBE entry go to the cached address;
  // an INCOMPLETE entry starts at probes = ucast_probes, so it broadcasts.
  const int64_t probes = static_cast<int64_t>(n->probes) - ns.arp_tbl.parms.ucast_probes;
  const uint8_t *dst_hw = nullptr;
  mac_addr snap;
  if (probes < 0) {
    snap = n->ha;  // neigh_ha_snapshot
    dst_hw = snap.data();
  } else if (probes - static_cast<int64_t>(ns.arp_tbl.parms.app_probes) < 0) {
    return;  // neigh_app_ns: a user-space resolver (none here)
  }
  arp_send(ns, ARPOP_REQUEST, ETH_P_ARP, target, dev, saddr, dst_hw, dev->dev_addr.data(), nullptr);
}

void arp_error_report(neighbour *n, sk_buff *skb) {
  // dst_link_failure -> ipv4_link_failure: ICMP host unreachable.
  icmp_send(*n->nnet, skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
  kfree_skb_reason(skb, skb_drop_reason::NEIGH_FAILED);
}

int arp_rcv(sk_buff *skb, net_device *dev) {
  net *ns = dev->nd_net;
  if (!ns || skb->len < sizeof(arphdr_eth_ipv4) || skb->pkt_type == PACKET_OTHERHOST) {
    kfree_skb_reason(skb, skb->pkt_type == PACKET_OTHERHOST ? skb_drop_reason::OTHERHOST : skb_drop_reason::PKT_LEN);
    return NET_RX_DROP;
  }
  const auto *arp = reinterpret_cast<const arphdr_eth_ipv4 *>(skb->data);
  if (arp->ar_hln != ETH_ALEN || arp->ar_pln != 4) {
    kfree_skb_reason(skb, skb_drop_reason::NOT_SPECIFIED);
    return NET_RX_DROP;
  }
  return arp_process(*ns, skb);
}

int arp_process(net &ns, sk_buff *skb) {
  net_device *dev = skb->dev;
  const auto *arp = reinterpret_cast<const arphdr_eth_ipv4 *>(skb->data);
  const uint16_t op = be16_to_cpu(arp->ar_op);
  if (be16_to_cpu(arp->ar_hrd) != ARPHRD_ETHER || be16_to_cpu(arp->ar_pro) != ETH_P_IP ||
      (op != ARPOP_REQUEST && op != ARPOP_REPLY)) {
    kfree_skb_reason(skb, skb_drop_reason::NOT_SPECIFIED);
    return NET_RX_DROP;
  }
  mac_addr sha;
  std::memcpy(sha.data(), arp->ar_sha, ETH_ALEN);
  const uint32_t sip = get_be32(&arp->ar_sip), tip = get_be32(&arp->ar_tip);
  const bool tip_multicast = (tip >> 28) == 0xe, tip_loopback = (tip >> 24) == 127;
  const bool sha_bad = (sha[0] & 1) != 0;  // a multicast/broadcast sender address
  if (tip_multicast || tip_loopback || sha_bad) {
    consume_skb(skb);
    return NET_RX_SUCCESS;
  }
  if (sip == 0) {
    // Duplicate address detection probe: answer if tip is ours.
    if (op == ARPOP_REQUEST && inet_addr_is_local(ns, tip))
      arp_send(ns, ARPOP_REPLY, ETH_P_ARP, sip, dev, tip, sha.data(), dev->dev_addr.data(), sha.data());
    consume_skb(skb);
    return NET_RX_SUCCESS;
  }
  if (op == ARPOP_REQUEST && inet_addr_is_local(ns, tip)) {
    // arp_ignore 0: answer for any of our addresses; learn the asker (STALE).
    neigh_event_ns(ns, sha.data(), sip, dev);
    arp_send(ns, ARPOP_REPLY, ETH_P_ARP, sip, dev, tip, sha.data(), dev->dev_addr.data(), sha.data());
    consume_skb(skb);
    return NET_RX_SUCCESS;
  }
  // Update an existing entry only (arp_accept 0: unsolicited replies create nothing).
  if (neighbour *n = __ipv4_neigh_lookup_noref(ns, dev, sip)) {
    // Back-to-back replies: the first wins for locktime.
    const bool is_garp = op == ARPOP_REQUEST && tip == sip;
    const bool override = ns.kernel.timers.now() > n->updated + ns.arp_tbl.parms.locktime || is_garp;
    // Broadcast replies and requests do not assert reachability.
    const uint8_t state = (op != ARPOP_REPLY || skb->pkt_type != PACKET_HOST) ? uint8_t{NUD_STALE} : uint8_t{NUD_REACHABLE};
    neigh_update(n, sha.data(), state, override ? uint32_t{NEIGH_UPDATE_F_OVERRIDE} : 0u);
  }
  consume_skb(skb);
  return NET_RX_SUCCESS;
}

neighbour *__ipv4_neigh_lookup_noref(net &n, const net_device *dev, uint32_t key) {
  auto it = n.arp_tbl.entries.find({dev->ifindex, key});
  return it == n.arp_tbl.entries.end() ? nullptr : it->second.get();
}

}  // namespace wirepath

// ARP for IPv4 over Ethernet (net/ipv4/arp.c, include/uapi/linux/if_arp.h).
// arp_tbl's neigh_ops: arp_constructor sets a new entry up, arp_solicit sends
// requests (broadcast while INCOMPLETE, unicast to the cached address while
// PROBE), arp_error_report handles a queued packet when resolution failed.
// arp_rcv / arp_process take ARP frames from netif_receive_skb: answer
// requests for our addresses and feed neigh_update.
#pragma once

#include <cstdint>

namespace wirepath {

struct net;
struct net_device;
struct sk_buff;
struct neighbour;

constexpr uint16_t ARPHRD_ETHER = 1;
constexpr uint16_t ARPOP_REQUEST = 1, ARPOP_REPLY = 2;

// struct arphdr plus the Ethernet/IPv4 addresses (28 bytes on the wire).
struct arphdr_eth_ipv4 {
  uint16_t ar_hrd;  // big-endian fields
  uint16_t ar_pro;
  uint8_t ar_hln;
  uint8_t ar_pln;
  uint16_t ar_op;
  uint8_t ar_sha[6];
  uint32_t ar_sip;  // big-endian, unaligned
  uint8_t ar_tha[6];
  uint32_t ar_tip;
} __attribute__((packed));
static_assert(sizeof(arphdr_eth_ipv4) == 28);

// arp_constructor: NUD_NONE entries resolve with ARP (neigh_resolve_output);
// 255.255.255.255 is NOARP with the broadcast address.
int arp_constructor(neighbour *n);
// neigh_ops->solicit: a request for n's address. skb (may be nullptr) is the
// newest queued packet: its source becomes the sender IP when it is ours.
void arp_solicit(neighbour *n, sk_buff *skb);
// neigh_ops->error_report: ICMP host unreachable back to the packet's
// sender (ipv4_link_failure), then drop it (NEIGH_FAILED).
void arp_error_report(neighbour *n, sk_buff *skb);

// arp_create: an ARP frame (Ethernet header included). dest_hw nullptr is
// broadcast; target_hw nullptr leaves the target hardware address zero.
sk_buff *arp_create(net &ns, int type, uint16_t ptype, uint32_t dest_ip, net_device *dev, uint32_t src_ip,
                    const uint8_t *dest_hw, const uint8_t *src_hw, const uint8_t *target_hw);
// arp_xmit: dev_queue_xmit (NF_ARP_OUT has no tables here).
int arp_xmit(sk_buff *skb);
// arp_send: arp_create + arp_xmit.
void arp_send(net &ns, int type, uint16_t ptype, uint32_t dest_ip, net_device *dev, uint32_t src_ip,
              const uint8_t *dest_hw, const uint8_t *src_hw, const uint8_t *target_hw);

// packet_type handler for ETH_P_ARP; skb->data at the ARP header. Consumes skb.
int arp_rcv(sk_buff *skb, net_device *dev);
int arp_process(net &ns, sk_buff *skb);

// __ipv4_neigh_lookup_noref (include/net/arp.h): arp_tbl's entry for key
// (an IPv4 address, host order) on dev, or nullptr.
neighbour *__ipv4_neigh_lookup_noref(net &n, const net_device *dev, uint32_t key);

}  // namespace wirepath

// The receive entry point (net/core/dev.c, net/ethernet/eth.c): frames that
// come back from the wire (the link partner's ARP replies, TCP ACKs, ICMP)
// enter here. The RTL has no RX path: the sim hands each frame to
// netif_rx_frame in software.
//
//   netif_rx_frame -> eth_type_trans -> netif_receive_skb
//   -> __netif_receive_skb_core -> packet_type handler by ethertype:
//        ETH_P_ARP -> arp_rcv (arp.cpp)
//        ETH_P_IP  -> ip_rcv -> ip_rcv_finish -> ip_local_deliver
//                     -> inet_protos[protocol]->handler (udp_rcv, icmp_rcv,
//                        tcp_v4_rcv once registered with inet_add_protocol)
#pragma once

#include <cstddef>
#include <cstdint>

namespace wirepath {

struct net;
struct net_device;
struct sk_buff;

enum { NET_RX_SUCCESS = 0, NET_RX_DROP = 1 };

// eth_type_trans: sets the MAC header, pkt_type (HOST / BROADCAST /
// MULTICAST / OTHERHOST by destination MAC), pulls the Ethernet header and
// returns the ethertype (host order).
uint16_t eth_type_trans(sk_buff *skb, net_device *dev);
// netif_receive_skb: skb->protocol set, skb->data at the network header.
// Consumes skb. NET_RX_SUCCESS or NET_RX_DROP.
int netif_receive_skb(sk_buff *skb);
// Convenience for the sim and tests: copy one frame (DA..payload, no FCS)
// into a new skb on dev and receive it. -ENODEV if dev is not registered.
int netif_rx_frame(net_device *dev, const uint8_t *frame, size_t len);

// struct net_protocol (include/net/protocol.h): an IP protocol's receive and
// ICMP-error handlers. handler: skb->data at the transport header, consumes
// skb. err_handler: skb->data at the IP header the ICMP error quotes
// (skb->transport_hdr() is the ICMP header), must not free skb.
struct net_protocol {
  int (*handler)(net &n, sk_buff *skb);
  int (*err_handler)(net &n, sk_buff *skb, uint32_t info);
};
// inet_add_protocol / inet_del_protocol: inet_protos[], shared by every net
// as in Linux. UDP and ICMP are there from the start; tcp_v4_rcv registers
// with inet_add_protocol(&tcp_protocol, IPPROTO_TCP). -EBUSY if taken.
int inet_add_protocol(const net_protocol *prot, uint8_t protocol);
int inet_del_protocol(const net_protocol *prot, uint8_t protocol);
const net_protocol *inet_protocol(uint8_t protocol);

// IPv4 receive (net/ipv4/ip_input.c). skb->data at the IP header.
int ip_rcv(sk_buff *skb, net_device *dev);
int ip_rcv_finish(net &n, sk_buff *skb);
int ip_local_deliver(net &n, sk_buff *skb);
int ip_local_deliver_finish(net &n, sk_buff *skb);

}  // namespace wirepath

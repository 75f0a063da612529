// The IP protocol table (include/net/protocol.h, net/ipv4/protocol.c):
// ip_local_deliver hands a packet to inet_protos[iph->protocol].
#pragma once

#include <cstdint>

namespace wirepath {

struct net;
struct sk_buff;

// struct net_protocol: an IP protocol's receive and ICMP-error handlers.
// handler: skb->data at the transport header, consumes skb. err_handler:
// skb->data at the IP header the ICMP error quotes (skb->transport_hdr() is
// the ICMP header), must not free skb.
struct net_protocol {
  int (*handler)(net &n, sk_buff *skb);
  int (*err_handler)(net &n, sk_buff *skb, uint32_t info);
};
// inet_add_protocol / inet_del_protocol: inet_protos[], shared by every net
// as in Linux. UDP and ICMP are there from the start; tcp_v4_rcv registers
// with inet_add_protocol(&tcp_protocol, IPPROTO_TCP). -EBUSY if taken.
int inet_add_protocol(const net_protocol *prot, uint8_t protocol);
int inet_del_protocol(const net_protocol *prot, uint8_t protocol);
// inet_protos[protocol] (rcu_dereference), nullptr if none.
const net_protocol *inet_protocol(uint8_t protocol);

}  // namespace wirepath

// ICMP, the part the TX path needs (net/ipv4/icmp.c): icmp_send reports a
// failed packet to its sender; when the sender is this host (ARP failure,
// ipv4_link_failure) the message loops back through ip_local_deliver to
// icmp_rcv, which hands the quoted header to the protocol's err_handler
// (udp_err: sk_err, so a later send returns the error).
#pragma once

#include <cstdint>

namespace wirepath {

struct net;
struct sk_buff;

enum : uint8_t { ICMP_ECHOREPLY = 0, ICMP_DEST_UNREACH = 3, ICMP_ECHO = 8, ICMP_TIME_EXCEEDED = 11, ICMP_PARAMETERPROB = 12 };
enum : uint8_t {
  ICMP_NET_UNREACH = 0, ICMP_HOST_UNREACH = 1, ICMP_PROT_UNREACH = 2, ICMP_PORT_UNREACH = 3, ICMP_FRAG_NEEDED = 4,
  NR_ICMP_UNREACH = 15,
};

struct icmphdr {
  uint8_t type;
  uint8_t code;
  uint16_t checksum;  // big-endian
  uint32_t un;        // echo id/sequence, or gateway / mtu (big-endian)
} __attribute__((packed));
static_assert(sizeof(icmphdr) == 8);

// icmp_err_convert[code]: errno and whether it is fatal (hard).
struct icmp_err {
  int errno_;
  bool fatal;
};
extern const icmp_err icmp_err_convert[NR_ICMP_UNREACH + 1];

// __icmp_send: skb_in (data at its IP header) is not consumed. Errors are
// never sent about ICMP errors or non-first fragments. Only messages to a
// local address are modelled (delivered through the loopback path).
void icmp_send(net &n, sk_buff *skb_in, uint8_t type, uint8_t code, uint32_t info);
// inet_protos[IPPROTO_ICMP]->handler.
int icmp_rcv(net &n, sk_buff *skb);

}  // namespace wirepath

// UDP over IPv4, the sending half (net/ipv4/udp.c).
#pragma once

#include <cstddef>
#include <cstdint>

namespace wirepath {

struct net;
struct sock;
struct sk_buff;
struct proto;
struct kmsghdr;
struct flowi4;

constexpr uint16_t CSUM_MANGLED_0 = 0xffff;  // a computed 0 is sent as 0xffff
constexpr size_t UDP_MAX_PAYLOAD_IPV4 = 65507;  // 65535 - 20 (IP) - 8 (UDP)

// The header as on the wire (big-endian fields).
struct udphdr {
  uint16_t source;
  uint16_t dest;
  uint16_t len;
  uint16_t check;
} __attribute__((packed));
static_assert(sizeof(udphdr) == 8);

extern const proto udp_prot;

int udp_sendmsg(sock *sk, kmsghdr *msg, size_t len);
// Fill the UDP header and checksum (software, or the CHECKSUM_PARTIAL offload
// setup), then ip_send_skb. Counts OutDatagrams / SndbufErrors.
int udp_send_skb(sk_buff *skb, const flowi4 &fl4);
// udp_lib_get_port / udp_v4_get_port: bind snum, or an ephemeral port when 0.
int udp_v4_get_port(sock *sk, uint16_t snum);
void udp_lib_unhash(sock *sk);
int udp_disconnect(sock *sk, int flags);
void udp_destroy_sock(sock *sk);
// UDP_CORK / MSG_MORE: send the corked datagram (udp_push_pending_frames), or
// throw it away (udp_flush_pending_frames).
int udp_push_pending_frames(sock *sk);
void udp_flush_pending_frames(sock *sk);
// Receive (inet_protos[IPPROTO_UDP]): checksum, socket lookup, count
// (InDatagrams / NoPorts / InErrors). No receive queue yet.
int udp_rcv(net &n, sk_buff *skb);
// ICMP error about one of our datagrams: sk_err as __udp4_lib_err sets it.
int udp_err(net &n, sk_buff *skb, uint32_t info);

}  // namespace wirepath

// IPv4 routing, minimal (include/net/route.h, net/ipv4/route.c, fib).
// A FIB of prefix routes: on-link subnets (added with each interface address)
// and gateway routes such as the default route. Longest prefix wins, then the
// lower metric, then the older route. Policy routing, route cache and
// exceptions (learned PMTU) come later.
#pragma once

#include <cstdint>
#include <vector>

namespace wirepath {

struct net;
struct net_device;

// struct flowi4: what a lookup is about. Addresses and ports in host order.
struct flowi4 {
  int flowi4_oif = 0;  // output ifindex constraint (SO_BINDTODEVICE), 0 = any
  uint32_t flowi4_mark = 0;
  uint8_t flowi4_tos = 0;
  uint8_t flowi4_proto = 0;
  uint32_t daddr = 0, saddr = 0;
  uint16_t fl4_dport = 0, fl4_sport = 0;
};

enum rt_scope_t : uint8_t { RT_SCOPE_UNIVERSE = 0, RT_SCOPE_LINK = 253, RT_SCOPE_HOST = 254 };

// A FIB entry: ip route add DST/PREFIXLEN [via GW] dev DEV [src PREFSRC].
struct fib_route {
  uint32_t dst = 0;
  uint8_t prefixlen = 0;
  uint32_t gw = 0;  // 0: on-link
  net_device *dev = nullptr;
  uint32_t prefsrc = 0;
  uint32_t metric = 0;
  rt_scope_t scope = RT_SCOPE_UNIVERSE;
};

// struct rtable: the result of a lookup (what skb_dst points at).
struct rtable {
  net_device *dev = nullptr;
  uint32_t rt_gw4 = 0;  // next hop when not on-link, else 0
  uint32_t rt_src = 0;  // preferred source address
  uint32_t rt_genid = 0;
  uint32_t mtu() const;  // dst_mtu: the device MTU (no PMTU cache yet)
};

// rt_nexthop: the neighbour to resolve for daddr.
inline uint32_t rt_nexthop(const rtable *rt, uint32_t daddr) { return rt->rt_gw4 ? rt->rt_gw4 : daddr; }

constexpr uint32_t inet_make_mask(uint8_t prefixlen) {
  return prefixlen == 0 ? 0 : ~uint32_t{0} << (32 - prefixlen);
}

// ip_route_output_key: fills *rt, or -ENETUNREACH when no route matches
// (or its device is down). fl4->saddr is filled from the route when 0.
int ip_route_output_key(net &n, flowi4 *fl4, rtable *rt);
// Convenience: ip_route_output(net, daddr, saddr, tos, oif).
int ip_route_output(net &n, uint32_t daddr, uint32_t saddr, uint8_t tos, int oif, rtable *rt);

// ip route add. Gateway routes need the gateway on a connected subnet of dev
// (-ENETUNREACH otherwise, as "Nexthop has invalid gateway"); dev nullptr
// with a gateway picks the device of that subnet. -EEXIST for a duplicate.
int fib_route_add(net &n, const fib_route &r);
int fib_route_del(net &n, uint32_t dst, uint8_t prefixlen);

// rt_tos2priority: the TOS byte's priority for pfifo_fast, from
// ip_tos2prio (route.cpp) indexed by IPTOS_TOS(tos) >> 1.
extern const uint8_t ip_tos2prio[16];
inline uint32_t rt_tos2priority(uint8_t tos) { return ip_tos2prio[(tos & 0x1e) >> 1]; }

// ipv4_confirm_neigh (dst_confirm_neigh): the next hop of rt towards daddr
// is alive (a TCP ACK came back): confirm its neighbour entry.
void ipv4_confirm_neigh(net &n, const rtable *rt, uint32_t daddr);

}  // namespace wirepath

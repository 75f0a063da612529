// Neighbour table (include/net/neighbour.h, net/core/neighbour.c), static for
// now: entries are added by hand (ip neigh add ... nud permanent). A missing
// entry drops the packet (NEIGH_FAILED) with -EHOSTUNREACH. ARP (arp.cpp,
// neigh_resolve_output queueing) slots in here later.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <utility>

#include "stack/eth.hpp"

namespace wirepath {

struct net;
struct net_device;
struct sk_buff;

// NUD states (include/uapi/linux/neighbour.h).
enum : uint8_t {
  NUD_INCOMPLETE = 0x01,
  NUD_REACHABLE = 0x02,
  NUD_STALE = 0x04,
  NUD_DELAY = 0x08,
  NUD_PROBE = 0x10,
  NUD_FAILED = 0x20,
  NUD_NOARP = 0x40,
  NUD_PERMANENT = 0x80,
};
constexpr uint8_t NUD_CONNECTED = NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE;

// struct hh_cache: the link-layer header, ready to copy in front of a packet.
struct hh_cache {
  uint16_t hh_len = 0;  // 0: not built yet
  uint8_t hh_data[16] = {};
};

struct neighbour {
  net_device *dev = nullptr;
  uint32_t primary_key = 0;  // IPv4 address, host order
  mac_addr ha{};
  uint8_t nud_state = NUD_PERMANENT;
  hh_cache hh;
  int (*output)(neighbour *n, sk_buff *skb) = nullptr;
};

// arp_tbl: keyed by (ifindex, address).
struct neigh_table {
  std::map<std::pair<int, uint32_t>, std::unique_ptr<neighbour>> entries;
};

// ip neigh replace ADDR lladdr MAC dev DEV nud permanent.
int neigh_add(net &n, net_device *dev, uint32_t addr, const mac_addr &lladdr);
int neigh_del(net &n, net_device *dev, uint32_t addr);
neighbour *__ipv4_neigh_lookup_noref(net &n, const net_device *dev, uint32_t key);
// NETDEV_CHANGEADDR: rebuild the cached headers after dev->dev_addr changed.
void neigh_changeaddr(net &n, net_device *dev);

int neigh_output(neighbour *n, sk_buff *skb);
int neigh_hh_output(const hh_cache *hh, sk_buff *skb);
// The slow path (neigh->output): build the header with dev_hard_header,
// fill the hh cache for the next packets, transmit.
int neigh_resolve_output(neighbour *n, sk_buff *skb);

}  // namespace wirepath

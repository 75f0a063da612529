// Ethernet link layer (include/uapi/linux/if_ether.h, include/linux/etherdevice.h,
// net/ethernet/eth.c).
#pragma once

#include <array>
#include <cstdint>

namespace wirepath {

struct sk_buff;
struct net_device;
struct neighbour;
struct hh_cache;
struct header_ops;

#ifndef ETH_ALEN
constexpr uint32_t ETH_ALEN = 6;
#endif
#ifndef ETH_HLEN
constexpr uint32_t ETH_HLEN = 14;
#endif
#ifndef ETH_P_IP
constexpr uint16_t ETH_P_IP = 0x0800;
#endif
#ifndef ETH_P_ARP
constexpr uint16_t ETH_P_ARP = 0x0806;
#endif

using mac_addr = std::array<uint8_t, 6>;

// The header as on the wire (h_proto big-endian).
struct ethhdr {
  uint8_t h_dest[6];
  uint8_t h_source[6];
  uint16_t h_proto;
} __attribute__((packed));
static_assert(sizeof(ethhdr) == 14);

// eth_header (header_ops->create): push the 14-byte header. saddr nullptr
// means dev->dev_addr. Returns ETH_HLEN.
int eth_header(sk_buff *skb, net_device *dev, uint16_t type, const uint8_t *daddr, const uint8_t *saddr,
               uint32_t len);
// eth_header_cache (header_ops->cache): the header a neighbour prepends to
// every frame, built once into hh (at the end of hh_data, HH_DATA_OFF).
int eth_header_cache(const neighbour *neigh, hh_cache *hh, uint16_t type);
// eth_header_ops: create = eth_header, cache = eth_header_cache.
extern const header_ops eth_header_ops;
// ether_setup: the Ethernet defaults of a net_device (header_ops,
// hard_header_len, mtu, tx_queue_len), as alloc_etherdev applies them.
void ether_setup(net_device *dev);

// eth_type_trans: sets the MAC header, pkt_type (HOST / BROADCAST /
// MULTICAST / OTHERHOST by destination MAC), pulls the Ethernet header and
// returns the ethertype (host order).
uint16_t eth_type_trans(sk_buff *skb, net_device *dev);

}  // namespace wirepath

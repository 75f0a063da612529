// Ethernet header construction and parsing (net/ethernet/eth.c).
#include "stack/ethernet/eth.hpp"

#include <cstring>

#include "stack/core/byteorder.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/core/skbuff.hpp"

namespace wirepath {

int eth_header(sk_buff *skb, net_device *dev, uint16_t type, const uint8_t *daddr, const uint8_t *saddr,
               uint32_t len) {
  auto *eth = reinterpret_cast<ethhdr *>(skb->push(ETH_HLEN));
  eth->h_proto = cpu_to_be16(type);
  std::memcpy(eth->h_source, saddr ? saddr : dev->dev_addr.data(), ETH_ALEN);
  std::memcpy(eth->h_dest, daddr, ETH_ALEN);
  return ETH_HLEN;
}

void eth_header_cache(const net_device *dev, const uint8_t *daddr, uint16_t type, uint8_t out[14]) {
  ethhdr eth;
  std::memcpy(eth.h_dest, daddr, ETH_ALEN);
  std::memcpy(eth.h_source, dev->dev_addr.data(), ETH_ALEN);
  eth.h_proto = cpu_to_be16(type);
  std::memcpy(out, &eth, sizeof eth);
}

uint16_t eth_type_trans(sk_buff *skb, net_device *dev) {
  skb->dev = dev;
  skb->reset_mac_header();
  const auto *eth = reinterpret_cast<const ethhdr *>(skb->data);
  skb->pull(ETH_HLEN);
  if (eth->h_dest[0] & 1) {
    static const uint8_t bcast[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    skb->pkt_type = std::memcmp(eth->h_dest, bcast, ETH_ALEN) == 0 ? PACKET_BROADCAST : PACKET_MULTICAST;
  } else if (std::memcmp(eth->h_dest, dev->dev_addr.data(), ETH_ALEN) != 0) {
    skb->pkt_type = PACKET_OTHERHOST;
  } else {
    skb->pkt_type = PACKET_HOST;
  }
  return be16_to_cpu(eth->h_proto);
}

}  // namespace wirepath

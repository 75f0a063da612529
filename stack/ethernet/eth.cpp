// Ethernet header construction and parsing (net/ethernet/eth.c).
#include "stack/ethernet/eth.hpp"

#include <cstring>

#include "stack/core/byteorder.hpp"
#include "stack/core/neighbour.hpp"
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

int eth_header_cache(const neighbour *neigh, hh_cache *hh, uint16_t type) {
  ethhdr eth;
  std::memcpy(eth.h_dest, neigh->ha.data(), ETH_ALEN);
  std::memcpy(eth.h_source, neigh->dev->dev_addr.data(), ETH_ALEN);
  eth.h_proto = cpu_to_be16(type);
  std::memcpy(hh->hh_data + sizeof hh->hh_data - ETH_HLEN, &eth, ETH_HLEN);
  hh->hh_len = ETH_HLEN;
  return 0;
}

const header_ops eth_header_ops = {eth_header, eth_header_cache};

void ether_setup(net_device *dev) {
  dev->header_ops = &eth_header_ops;
  dev->hard_header_len = ETH_HLEN;
  dev->mtu = 1500;  // ETH_DATA_LEN
  dev->tx_queue_len = 1000;  // DEFAULT_TX_QUEUE_LEN
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

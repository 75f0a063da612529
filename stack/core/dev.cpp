// The receive side of the device layer (net/core/dev.c, net/ethernet/eth.c).
#include "stack/core/dev.hpp"

#include <cerrno>
#include <cstring>
#include <new>

#include "stack/ipv4/arp.hpp"
#include "stack/core/byteorder.hpp"
#include "stack/ethernet/eth.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/core/skbuff.hpp"

namespace wirepath {

namespace {
constexpr uint32_t NET_SKB_PAD = 64;  // headroom of a received skb (NET_SKB_PAD, NET_IP_ALIGN 0 on x86)
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

int netif_receive_skb(sk_buff *skb) {
  // __netif_receive_skb_core: deliver to the packet_type for the ethertype.
  skb->reset_network_header();
  net_device *dev = skb->dev;
  switch (skb->protocol) {
    case ETH_P_IP: return ip_rcv(skb, dev);
    case ETH_P_ARP: return arp_rcv(skb, dev);
    default:
      ++dev->stats.rx_dropped;
      kfree_skb_reason(skb, skb_drop_reason::UNHANDLED_PROTO);
      return NET_RX_DROP;
  }
}

int netif_rx_frame(net_device *dev, const uint8_t *frame, size_t len) {
  if (!dev->nd_net) return -ENODEV;
  if (len < ETH_HLEN) {
    ++dev->stats.rx_errors;
    return NET_RX_DROP;
  }
  sk_buff *skb;
  try {
    skb = alloc_skb(dev->nd_net->mem, static_cast<uint32_t>(len) + NET_SKB_PAD);
  } catch (const std::bad_alloc &) {
    ++dev->stats.rx_dropped;
    return NET_RX_DROP;
  }
  skb->reserve(NET_SKB_PAD);
  std::memcpy(skb->put(static_cast<uint32_t>(len)), frame, len);
  ++dev->stats.rx_packets;
  dev->stats.rx_bytes += len;
  skb->protocol = eth_type_trans(skb, dev);
  return netif_receive_skb(skb);
}

}  // namespace wirepath

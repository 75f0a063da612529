// Static neighbour table and the neighbour output path (net/core/neighbour.c).
#include "stack/neighbour.hpp"

#include <cerrno>
#include <cstring>

#include "stack/net_namespace.hpp"
#include "stack/netdevice.hpp"
#include "stack/skbuff.hpp"

namespace wirepath {

int neigh_add(net &n, net_device *dev, uint32_t addr, const mac_addr &lladdr) {
  if (!dev) return -ENODEV;
  auto &slot = n.arp_tbl.entries[{dev->ifindex, addr}];
  if (!slot) slot = std::make_unique<neighbour>();
  slot->dev = dev;
  slot->primary_key = addr;
  slot->ha = lladdr;
  slot->nud_state = NUD_PERMANENT;
  slot->hh = hh_cache{};  // rebuilt on first output
  slot->output = neigh_resolve_output;
  return 0;
}

int neigh_del(net &n, net_device *dev, uint32_t addr) {
  return n.arp_tbl.entries.erase({dev->ifindex, addr}) ? 0 : -ENOENT;
}

neighbour *__ipv4_neigh_lookup_noref(net &n, const net_device *dev, uint32_t key) {
  auto it = n.arp_tbl.entries.find({dev->ifindex, key});
  return it == n.arp_tbl.entries.end() ? nullptr : it->second.get();
}

void neigh_changeaddr(net &n, net_device *dev) {
  for (auto &[key, ne] : n.arp_tbl.entries)
    if (ne->dev == dev) ne->hh = hh_cache{};
}

int neigh_hh_output(const hh_cache *hh, sk_buff *skb) {
  // The cached header sits at the end of hh_data (HH_DATA_OFF): copy its
  // hh_len bytes in front of the network header.
  uint8_t *p = skb->push(hh->hh_len);
  std::memcpy(p, hh->hh_data + sizeof hh->hh_data - hh->hh_len, hh->hh_len);
  return dev_queue_xmit(skb);
}

// neigh_hh_init: build the cached header with header_ops->cache.
static void neigh_hh_init(neighbour *n) {
  uint8_t hdr[ETH_HLEN];
  eth_header_cache(n->dev, n->ha.data(), ETH_P_IP, hdr);
  std::memcpy(n->hh.hh_data + sizeof n->hh.hh_data - ETH_HLEN, hdr, ETH_HLEN);
  n->hh.hh_len = ETH_HLEN;
}

int neigh_resolve_output(neighbour *n, sk_buff *skb) {
  // Static entries are always resolved; with ARP this is where a packet
  // would wait in the neighbour's arp_queue (neigh_event_send).
  if (!n->hh.hh_len) neigh_hh_init(n);
  // dev_hard_header -> eth_header
  eth_header(skb, skb->dev, skb->protocol, n->ha.data(), nullptr, skb->len);
  return dev_queue_xmit(skb);
}

int neigh_output(neighbour *n, sk_buff *skb) {
  if ((n->nud_state & NUD_CONNECTED) && n->hh.hh_len) return neigh_hh_output(&n->hh, skb);
  return n->output(n, skb);
}

}  // namespace wirepath

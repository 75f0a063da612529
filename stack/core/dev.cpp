// The device layer (net/core/dev.c): the net_device's life, TX queue
// control, dev_queue_xmit down to the driver, and the receive entry.
#include <cerrno>
#include <cstring>
#include <new>
#include <utility>

#include "stack/core/net_namespace.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/core/skbuff.hpp"
#include "stack/ethernet/eth.hpp"
#include "stack/ipv4/arp.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/sched/sch_generic.hpp"

namespace wirepath {

// --- the device ----------------------------------------------------------------

// Every device gets the default qdisc at creation (attach_default_qdiscs), and
// is an Ethernet device (alloc_etherdev -> ether_setup).
net_device::net_device() {
  ether_setup(this);
  qdisc = qdisc_create_default(this);
}

net_device::~net_device() {
  // A device destroyed while registered leaves its namespace first.
  if (nd_net) nd_net->unregister_netdevice(this);
  qdisc.reset();  // qdisc_destroy drops what it still holds
}

void dev_open(net_device *dev) {
  if (dev->up) return;
  dev->up = true;
}

void dev_close(net_device *dev) {
  if (!dev->up) return;
  dev->up = false;
  // dev_deactivate: qdisc_reset drops whatever waits.
  if (dev->qdisc) qdisc_reset(dev->qdisc.get());
}

// --- transmit ------------------------------------------------------------------

void netif_tx_wake_queue(net_device *dev) {
  // Clear __QUEUE_STATE_DRV_XOFF and __netif_schedule; net_tx_action would
  // then run the qdisc. We run it at once.
  const bool was_stopped = dev->queue_stopped;
  dev->queue_stopped = false;
  if (was_stopped && dev->up && dev->qdisc) qdisc_run(dev->qdisc.get());
}

static uint64_t dev_now(const net_device *dev) { return dev->nd_net ? dev->nd_net->kernel.timers.now() : 0; }

void netdev_tx_sent_queue(net_device *dev, unsigned bytes) {
  dql_queued(&dev->dql, bytes);
  if (dql_avail(&dev->dql) >= 0) return;
  dev->stack_xoff = true;
  ++dev->bql_stops;
}

void netdev_tx_completed_queue(net_device *dev, unsigned pkts, unsigned bytes) {
  (void)pkts;
  if (!bytes) return;
  dql_completed(&dev->dql, bytes, dev_now(dev));
  if (dql_avail(&dev->dql) < 0) return;
  // netif_schedule_queue: run the qdisc again unless the driver holds it.
  if (std::exchange(dev->stack_xoff, false) && !dev->queue_stopped && dev->up && dev->qdisc)
    __netif_schedule(dev->qdisc.get());
}

void netdev_tx_reset_queue(net_device *dev) {
  dev->stack_xoff = false;
  dql_reset(&dev->dql, dev_now(dev));
}

netdev_tx_t dev_hard_start_xmit(sk_buff *skb, net_device *dev) {
  if (!dev->ops.ndo_start_xmit) return NETDEV_TX_BUSY;
  return dev->ops.ndo_start_xmit(skb, dev);
}

// __dev_xmit_skb: enqueue, then run the qdisc unless it is already running
// (in which case the running loop picks the new skb up).
static int __dev_xmit_skb(sk_buff *skb, Qdisc *q, net_device *dev) {
  (void)dev;
  const int rc = qdisc_enqueue_root(skb, q);
  qdisc_run(q);
  return rc;
}

uint16_t netdev_pick_tx(net_device *dev, sk_buff *skb) {
  // netdev_core_pick_tx with real_num_tx_queues == 1: no hash, no XPS.
  (void)dev;
  const uint16_t queue_index = 0;
  skb->queue_mapping = queue_index;  // skb_set_queue_mapping
  return queue_index;
}

int __dev_queue_xmit(sk_buff *skb) {
  net_device *dev = skb->dev;
  skb->reset_mac_header();
  skb->dst = nullptr;  // skb_dst_drop: the route does not travel into the qdisc
  netdev_pick_tx(dev, skb);  // queue 0, whose qdisc is dev->qdisc
  qdisc_pkt_len_init(skb);
  if (!dev->up || !dev->qdisc) {
    // __dev_queue_xmit on a device that is not IFF_UP: -ENETDOWN.
    ++dev->stats.tx_dropped;
    kfree_skb_reason(skb, skb_drop_reason::DEV_READY);
    return -ENETDOWN;
  }
  return __dev_xmit_skb(skb, dev->qdisc.get(), dev);
}

// --- receive -------------------------------------------------------------------

namespace {
constexpr uint32_t NET_SKB_PAD = 64;  // headroom of a received skb (NET_SKB_PAD, NET_IP_ALIGN 0 on x86)
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

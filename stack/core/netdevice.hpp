// net_device: what the stack knows of a NIC, and the driver hooks it calls
// (include/linux/netdevice.h in miniature; the functions are in dev.cpp, as
// net/core/dev.c). The qdisc sits on the device's single TX queue; the driver
// stops and wakes that queue.
#pragma once

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "stack/lib/dynamic_queue_limits.hpp"

namespace wirepath {

struct sk_buff;
struct Qdisc;
struct net;

enum netdev_tx_t { NETDEV_TX_OK = 0x00, NETDEV_TX_BUSY = 0x10 };

// dev_queue_xmit / qdisc return codes (NET_XMIT_*).
enum { NET_XMIT_SUCCESS = 0x00, NET_XMIT_DROP = 0x01, NET_XMIT_CN = 0x02 };
// net_xmit_errno: NET_XMIT_* to errno: DROP -> -ENOBUFS, CN -> 0.
inline int net_xmit_errno(int e) { return e != NET_XMIT_CN ? -ENOBUFS : 0; }

// netdev_features_t bits we model.
enum : uint32_t {
  NETIF_F_SG = 1u << 0,
  NETIF_F_IP_CSUM = 1u << 1,   // IPv4 TCP/UDP checksum offload
  NETIF_F_TSO = 1u << 2,
  NETIF_F_HW_VLAN_CTAG_TX = 1u << 3,
};

struct net_device;
struct neighbour;
struct hh_cache;

// struct header_ops: how the link layer builds its header (ether_setup sets
// eth_header_ops). create pushes the header for one packet (dev_hard_header);
// cache builds the header a neighbour copies in front of every packet.
struct header_ops {
  int (*create)(sk_buff *skb, net_device *dev, uint16_t type, const uint8_t *daddr, const uint8_t *saddr,
                uint32_t len);
  int (*cache)(const neighbour *neigh, hh_cache *hh, uint16_t type);
};

struct net_device_ops {
  // Returns NETDEV_TX_OK (skb now owned by the driver) or NETDEV_TX_BUSY
  // (skb untouched, still the caller's; the driver has stopped the queue).
  std::function<netdev_tx_t(sk_buff *, struct net_device *)> ndo_start_xmit;
};

struct net_device_stats {
  uint64_t tx_packets = 0, tx_bytes = 0, tx_dropped = 0, tx_errors = 0;
  uint64_t tx_busy = 0;  // NETDEV_TX_BUSY returns seen by the qdisc layer
  uint64_t rx_packets = 0, rx_bytes = 0, rx_dropped = 0, rx_errors = 0;
};

struct net_device {
  std::string name = "eth0";
  int ifindex = 1;
  uint32_t mtu = 1500;
  std::array<uint8_t, 6> dev_addr{};
  uint32_t features = 0;     // what the stack may use
  uint32_t hw_features = 0;  // what the driver says the NIC can do
  uint32_t tx_queue_len = 1000;
  bool up = true;
  net_device_ops ops;
  const struct header_ops *header_ops = nullptr;  // ether_setup: &eth_header_ops
  net_device_stats stats;
  void *priv = nullptr;  // netdev_priv: the driver's adapter
  uint16_t hard_header_len = 14;  // ETH_HLEN
  uint16_t needed_headroom = 0;   // extra headroom the driver wants in front of the frame
  net *nd_net = nullptr;          // dev_net(): set by net::register_netdevice

  // TX queue state (struct netdev_queue): __QUEUE_STATE_DRV_XOFF.
  bool queue_stopped = false;
  // BQL (CONFIG_BQL): __QUEUE_STATE_STACK_XOFF, set when the bytes in the
  // ring reach the dynamic limit, and the queue's dql. bql_stops counts
  // STACK_XOFF stops (a full ring is the driver's DRV_XOFF).
  bool stack_xoff = false;
  struct dql dql;
  uint64_t bql_stops = 0;
  std::unique_ptr<Qdisc> qdisc;       // the root qdisc (net/sched)
  uint32_t qdisc_autohandle = 0x80000000u;  // last handle qdisc_alloc_handle gave (8001: first)

  net_device();
  ~net_device();
  net_device(const net_device &) = delete;
  net_device &operator=(const net_device &) = delete;
};

// Queue control for drivers. netif_tx_wake_queue (dev.cpp) restarts the
// qdisc (in Linux it raises NET_TX_SOFTIRQ via __netif_schedule; here
// qdisc_run runs at once).
void netif_tx_wake_queue(net_device *dev);
inline void netif_stop_queue(net_device *dev) { dev->queue_stopped = true; }
inline void netif_wake_queue(net_device *dev) { netif_tx_wake_queue(dev); }
inline bool netif_queue_stopped(const net_device *dev) { return dev->queue_stopped; }
// netif_xmit_stopped: stopped by the driver or by BQL; the qdisc layer
// hands nothing down while it holds.
inline bool netif_xmit_stopped(const net_device *dev) { return dev->queue_stopped || dev->stack_xoff; }

// BQL hooks for drivers (netdev_tx_sent_queue, netdev_tx_completed_queue,
// netdev_tx_reset_queue in include/linux/netdevice.h; dev.cpp). Bytes handed
// to the ring; on completion the limit adapts and a STACK_XOFF queue restarts
// the qdisc once under the limit again.
void netdev_tx_sent_queue(net_device *dev, unsigned bytes);
void netdev_tx_completed_queue(net_device *dev, unsigned pkts, unsigned bytes);
void netdev_tx_reset_queue(net_device *dev);

// dev_hard_header: push the link-layer header through dev->header_ops->create
// (eth_header for Ethernet). Its length, a negative value on failure, 0 for a
// device without one.
inline int dev_hard_header(sk_buff *skb, net_device *dev, uint16_t type, const uint8_t *daddr,
                           const uint8_t *saddr, uint32_t len) {
  if (!dev->header_ops || !dev->header_ops->create) return 0;
  return dev->header_ops->create(skb, dev, type, daddr, saddr, len);
}

// netdev_pick_tx: the TX queue for skb, recorded in skb->queue_mapping. The
// device has one queue (real_num_tx_queues 1, its qdisc dev->qdisc), so 0.
uint16_t netdev_pick_tx(net_device *dev, sk_buff *skb);

// The stack's entry to the device layer (dev_queue_xmit -> __dev_queue_xmit):
// pick the TX queue, enqueue on its qdisc and run it. Returns NET_XMIT_* (the
// skb is the stack's no more either way) or a negative errno (-ENETDOWN:
// device down, skb freed with DEV_READY).
int __dev_queue_xmit(sk_buff *skb);
inline int dev_queue_xmit(sk_buff *skb) { return __dev_queue_xmit(skb); }
// xmit_one / netdev_start_xmit: hand one skb to the driver (the qdisc layer
// calls it from sch_direct_xmit). NETDEV_TX_BUSY if there is no driver hook.
netdev_tx_t dev_hard_start_xmit(sk_buff *skb, net_device *dev);

// The receive side (net/core/dev.c): frames that come back from the wire
// (the link partner's ARP replies, TCP ACKs, ICMP) enter here. The RTL has
// no RX path: the sim hands each frame to netif_rx_frame in software.
//
//   netif_rx_frame -> eth_type_trans -> netif_receive_skb
//   -> __netif_receive_skb_core -> packet_type handler by ethertype:
//        ETH_P_ARP -> arp_rcv (ipv4/arp.cpp)
//        ETH_P_IP  -> ip_rcv (ipv4/ip_input.cpp) -> ip_local_deliver
//                     -> inet_protos[protocol]->handler (ipv4/protocol.cpp)
enum { NET_RX_SUCCESS = 0, NET_RX_DROP = 1 };
// netif_receive_skb: skb->protocol set, skb->data at the network header.
// Consumes skb. NET_RX_SUCCESS or NET_RX_DROP.
int netif_receive_skb(sk_buff *skb);
// Convenience for the sim and tests: copy one frame (DA..payload, no FCS)
// into a new skb on dev and receive it. -ENODEV if dev is not registered.
int netif_rx_frame(net_device *dev, const uint8_t *frame, size_t len);

// ip link set dev up / down. dev_close drops what waits in the qdisc (DEV_READY).
void dev_open(net_device *dev);
void dev_close(net_device *dev);

// LL_RESERVED_SPACE: headroom for the link-layer header, HH_DATA_MOD aligned.
constexpr uint32_t HH_DATA_MOD = 16;
inline uint32_t LL_RESERVED_SPACE(const net_device *dev) {
  return ((dev->hard_header_len + dev->needed_headroom) & ~(HH_DATA_MOD - 1)) + HH_DATA_MOD;
}

}  // namespace wirepath

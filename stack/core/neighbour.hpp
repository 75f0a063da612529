// Neighbour table (include/net/neighbour.h, net/core/neighbour.c): the NUD
// state machine with Linux's timers and the arp_queue of packets waiting for
// resolution. ARP itself (solicit, receive, constructor) is arp.cpp.
//
//   ip_finish_output2 -> __ipv4_neigh_lookup_noref, else __neigh_create
//   -> neigh_output: CONNECTED + hh cache -> neigh_hh_output -> dev_queue_xmit
//                    else neigh->output (neigh_resolve_output: neigh_event_send
//                    queues while INCOMPLETE and sends ARP requests)
//   arp_rcv -> arp_process -> neigh_update -> queued packets leave in order
//   neigh_timer_handler: REACHABLE -> DELAY/STALE, DELAY -> REACHABLE/PROBE,
//   INCOMPLETE/PROBE retries every retrans_time, FAILED after the probes ->
//   neigh_invalidate: queued packets dropped (NEIGH_FAILED) with
//   arp_error_report (ICMP host unreachable to ourselves -> sk_err).
// Time is the host's simulated clock (net::kernel.timers: timer_base::now, run_timers).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <utility>

#include "stack/ethernet/eth.hpp"
#include "stack/kernel/timer.hpp"

namespace wirepath {

struct net;
struct net_device;
struct sk_buff;
struct rtable;

// NUD states (include/uapi/linux/neighbour.h).
enum : uint8_t {
  NUD_NONE = 0x00,
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
constexpr uint8_t NUD_IN_TIMER = NUD_INCOMPLETE | NUD_REACHABLE | NUD_DELAY | NUD_PROBE;
constexpr uint8_t NUD_VALID = NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY;

// neigh_update flags.
enum : uint32_t { NEIGH_UPDATE_F_OVERRIDE = 1u << 0, NEIGH_UPDATE_F_WEAK_OVERRIDE = 1u << 1, NEIGH_UPDATE_F_ADMIN = 1u << 31 };

// struct neigh_parms, arp_tbl's defaults (net.ipv4.neigh.default.*), in ns.
struct neigh_parms {
  uint64_t base_reachable_time = 30 * NSEC_PER_SEC;
  uint64_t reachable_time = 30 * NSEC_PER_SEC;  // neigh_rand_reach_time(base): 0.5..1.5 x base
  uint64_t retrans_time = 1 * NSEC_PER_SEC;
  uint64_t delay_probe_time = 5 * NSEC_PER_SEC;
  uint64_t locktime = 1 * NSEC_PER_SEC;
  uint32_t ucast_probes = 3, mcast_probes = 3, app_probes = 0, mcast_reprobes = 0;
  uint32_t queue_len_bytes = 212992;  // unres_qlen_bytes = SK_WMEM_MAX
};

// struct neigh_statistics (/proc/net/stat/arp_cache).
struct neigh_statistics {
  uint64_t allocs = 0, destroys = 0, lookups = 0, hits = 0;
  uint64_t res_failed = 0;      // resolutions that failed
  uint64_t unres_discards = 0;  // packets dropped from a full arp_queue
};

// struct hh_cache: the link-layer header, ready to copy in front of a packet.
struct hh_cache {
  uint16_t hh_len = 0;  // 0: not built yet
  uint8_t hh_data[16] = {};
};

struct neighbour {
  net *nnet = nullptr;
  net_device *dev = nullptr;
  uint32_t primary_key = 0;  // IPv4 address, host order
  mac_addr ha{};
  uint8_t nud_state = NUD_NONE;
  bool dead = false;
  hh_cache hh;
  int (*output)(neighbour *n, sk_buff *skb) = nullptr;
  // Times (ns): last state/lladdr change, last confirmation of reachability,
  // last use for output.
  uint64_t updated = 0, confirmed = 0, used = 0;
  uint32_t probes = 0;
  std::deque<sk_buff *> arp_queue;
  uint32_t arp_queue_len_bytes = 0;
  timer_list timer;

  neighbour() = default;
  ~neighbour();  // frees queued skbs (NEIGH_DEAD), stops the timer
};

// arp_tbl: keyed by (ifindex, address).
struct neigh_table {
  neigh_parms parms;
  neigh_statistics stats;
  std::map<std::pair<int, uint32_t>, std::unique_ptr<neighbour>> entries;
};

// ip neigh replace ADDR lladdr MAC dev DEV nud permanent.
int neigh_add(net &n, net_device *dev, uint32_t addr, const mac_addr &lladdr);
int neigh_del(net &n, net_device *dev, uint32_t addr);
// __neigh_create: a new entry (arp_constructor sets it up, NUD_NONE).
neighbour *__neigh_create(net &n, net_device *dev, uint32_t key);
// NETDEV_CHANGEADDR: rebuild the cached headers after dev->dev_addr changed.
void neigh_changeaddr(net &n, net_device *dev);
// neigh_ifdown: drop every entry of dev (queued skbs freed).
void neigh_ifdown(net &n, net_device *dev);
void neigh_table_flush(net &n);
// neigh_rand_reach_time: base/2 + random below base.
uint64_t neigh_rand_reach_time(net &n, uint64_t base);

int neigh_output(neighbour *n, sk_buff *skb);
int neigh_hh_output(const hh_cache *hh, sk_buff *skb);
// neigh->output while not connected: neigh_event_send (queue / probe), then
// dev_hard_header and dev_queue_xmit once resolved.
int neigh_resolve_output(neighbour *n, sk_buff *skb);
// neigh->output while connected: dev_hard_header + dev_queue_xmit.
int neigh_connected_output(neighbour *n, sk_buff *skb);
// neigh_event_send: 0 if skb may be sent now, 1 if it was queued or dropped.
int neigh_event_send(neighbour *n, sk_buff *skb);
int __neigh_event_send(neighbour *n, sk_buff *skb);
// neigh_update: a new state and/or lladdr (nullptr: keep), from ARP or admin.
int neigh_update(neighbour *n, const uint8_t *lladdr, uint8_t new_state, uint32_t flags);
// neigh_event_ns: an ARP request from sip: create/refresh the entry as STALE.
neighbour *neigh_event_ns(net &n, const uint8_t *lladdr, uint32_t addr, net_device *dev);
void neigh_timer_handler(neighbour *n);
void neigh_probe(neighbour *n);
void neigh_invalidate(neighbour *n);
// neigh_confirm / dst_confirm_neigh: an upper layer (TCP ACK) saw the peer alive.
inline void neigh_confirm(neighbour *n, uint64_t now) { n->confirmed = now; }
// Name of a NUD state ("REACHABLE"), for logs and tests.
const char *neigh_state_name(uint8_t nud_state);

}  // namespace wirepath

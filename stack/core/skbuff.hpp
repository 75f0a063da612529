// sk_buff: the packet as it travels down the stack. As in Linux, the linear
// data lives in one buffer with headroom so each layer pushes its header in
// front without copying; unlike a plain std::vector, the buffer is allocated
// from the kernel's heap in host memory, so the NIC DMA-reads the very bytes
// the stack wrote (the driver dma_map_single's them; DMA addresses are
// physical addresses here).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "stack/kernel/dma_mapping.hpp"
#include "stack/kernel/kmalloc.hpp"

namespace wirepath {

struct sock;
struct net_device;
struct rtable;
struct nf_conn;

// skb->ip_summed values, as in include/linux/skbuff.h.
enum : uint8_t { CHECKSUM_NONE = 0, CHECKSUM_UNNECESSARY = 1, CHECKSUM_COMPLETE = 2, CHECKSUM_PARTIAL = 3 };

// Why a packet was dropped (a subset of enum skb_drop_reason).
enum class skb_drop_reason : uint8_t {
  NOT_SPECIFIED,
  QDISC_DROP,      // qdisc full (pfifo_fast over txqueuelen)
  NEIGH_FAILED,    // neighbour could not be resolved
  NETFILTER_DROP,  // a DROP verdict
  DEV_READY,       // device down
  TX_ERROR,        // the NIC reported an error for this frame
  DEV_RESET,       // device reset before completion (driver drops, stack resends)
  PKT_TOO_BIG,     // larger than the MTU with DF set (ip_fragment refused)
  NOMEM,           // no host memory for a fragment
  NEIGH_QUEUEFULL, // the neighbour's arp_queue was over unres_qlen_bytes (oldest dropped)
  NEIGH_DEAD,      // the neighbour entry was deleted with packets queued
  OTHERHOST,       // received frame for another host's MAC
  IP_CSUM,         // received IPv4 header checksum wrong
  IP_INHDR,        // received IPv4 header malformed
  IP_INADDRERRORS, // received IPv4 packet not for us (no forwarding)
  IP_NOPROTO,      // no handler for the IP protocol
  UNHANDLED_PROTO, // no handler for the ethertype
  PKT_LEN,         // received packet shorter than its headers
  NO_SOCKET,       // received datagram for a port nobody has bound
  SOCKET_RCVBUFF,  // received datagram over the socket's receive buffer (sk_rcvbuf)
  QDISC_OVERLIMIT, // fq_codel/sfq over its packet or memory limit: dropped from the fattest flow
  QDISC_CONGESTED, // CoDel: sojourn time above target for an interval (AQM drop)
  NUM_REASONS,
};
const char *skb_drop_reason_name(skb_drop_reason r);

// A paged fragment: bytes in host memory not in the linear area (skb_frag_t).
struct skb_frag {
  uint64_t addr = 0;  // host physical address
  uint32_t len = 0;
  bool owned = true;  // freed with the skb
};

struct sk_buff {
  KernelHeap *mem = nullptr;
  uint64_t head_addr = 0;  // physical address of head
  uint8_t *head = nullptr, *data = nullptr, *tail = nullptr, *end = nullptr;
  uint32_t len = 0;       // linear + paged bytes
  uint32_t data_len = 0;  // paged bytes only
  std::vector<skb_frag> frags;

  // Header offsets from head (as skb->mac_header etc.), ~0 when unset.
  uint16_t mac_header = 0xffff, network_header = 0xffff, transport_header = 0xffff;
  uint16_t protocol = 0;  // ETH_P_* in host order

  uint8_t ip_summed = CHECKSUM_NONE;
  uint16_t csum_start = 0;   // from head, for CHECKSUM_PARTIAL
  uint16_t csum_offset = 0;  // from csum_start
  uint16_t gso_size = 0;     // MSS when the skb is a GSO super-packet
  bool vlan_present = false;  // skb_vlan_tag_present: insert an 802.1Q tag
  uint16_t vlan_tci = 0;      // skb_vlan_tag_get (host order)
  uint32_t priority = 0;
  uint32_t mark = 0;
  bool ignore_df = false;  // local fragmentation allowed despite DF (ip_sk_ignore_df)
  sock *sk = nullptr;
  net_device *dev = nullptr;
  // skb_dst: the route, set by the IP layer and cleared by dev_queue_xmit
  // (points into the sender's stack frame; not valid in the qdisc or driver).
  const rtable *dst = nullptr;
  uint64_t trace_id = 0;  // for following one packet in logs and latency tables
  // skb->truesize: the memory the skb costs (SKB_TRUESIZE of the kmalloc'ed
  // buffer), charged to sk_wmem_alloc and to a neighbour's arp_queue.
  uint32_t truesize = 0;
  // skb->destructor, run by consume_skb/kfree_skb_reason (sock_wfree).
  void (*destructor)(sk_buff *skb) = nullptr;
  // skb->pkt_type on receive (PACKET_HOST, ...), set by eth_type_trans.
  uint8_t pkt_type = 0;
  // The TX queue netdev_pick_tx chose (skb_get_queue_mapping).
  uint16_t queue_mapping = 0;
  // skb->_nfct: the conntrack entry and ctinfo (nf_conntrack.hpp).
  std::shared_ptr<nf_conn> nfct;
  uint8_t nfctinfo = 0;
  // skb->cb: per-layer scratch space; the qdisc layer keeps qdisc_skb_cb here.
  alignas(8) uint8_t cb[48] = {};

  uint32_t headlen() const { return len - data_len; }
  uint32_t headroom() const { return static_cast<uint32_t>(data - head); }
  uint32_t tailroom() const { return static_cast<uint32_t>(end - tail); }
  uint64_t data_addr() const { return head_addr + headroom(); }

  void reserve(uint32_t n);           // skb_reserve: only on an empty skb
  uint8_t *push(uint32_t n);          // skb_push: prepend n bytes, returns new data
  uint8_t *put(uint32_t n);           // skb_put: append n linear bytes, returns old tail
  uint8_t *pull(uint32_t n);          // skb_pull: strip n bytes from the front
  void add_frag(uint64_t addr, uint32_t len, bool owned = true);

  void reset_mac_header() { mac_header = static_cast<uint16_t>(data - head); }
  void reset_network_header() { network_header = static_cast<uint16_t>(data - head); }
  void reset_transport_header() { transport_header = static_cast<uint16_t>(data - head); }
  uint8_t *mac_hdr() const { return head + mac_header; }
  uint8_t *network_hdr() const { return head + network_header; }
  uint8_t *transport_hdr() const { return head + transport_header; }

  // All bytes (linear then frags) as one vector: for tests and logging.
  std::vector<uint8_t> linearize_copy() const;
};

// alloc_skb: size bytes of linear buffer (headroom included), kmalloc'ed.
// Throws std::bad_alloc when host memory is exhausted.
sk_buff *alloc_skb(KernelHeap &mem, uint32_t size);
// skb_frag_dma_map: map size bytes of a paged fragment from offset for dev.
inline dma_addr_t skb_frag_dma_map(device *dev, const skb_frag &frag, size_t offset, size_t size,
                                   dma_data_direction dir) {
  return dma_map_phys(dev, frag.addr + offset, size, dir);
}
// SKB_TRUESIZE of a size-byte alloc_skb as x86-64 Linux computes it: the data
// buffer plus skb_shared_info (320) rounded up to a kmalloc size, plus
// sizeof(struct sk_buff) cache-aligned (256).
uint32_t skb_truesize_for(uint32_t size);
// PACKET_* (include/uapi/linux/if_packet.h).
enum : uint8_t { PACKET_HOST = 0, PACKET_BROADCAST = 1, PACKET_MULTICAST = 2, PACKET_OTHERHOST = 3 };
// Normal end of life (transmitted): consume_skb. Drop: kfree_skb_reason.
void consume_skb(sk_buff *skb);
void kfree_skb_reason(sk_buff *skb, skb_drop_reason reason);

// Global accounting so tests can prove nothing leaked and every drop has a reason.
struct skb_stats {
  uint64_t allocated = 0, consumed = 0;
  uint64_t dropped[static_cast<int>(skb_drop_reason::NUM_REASONS)] = {};
  uint64_t live() const;
  uint64_t total_dropped() const;
};
skb_stats &skb_counters();
void skb_counters_reset();

}  // namespace wirepath

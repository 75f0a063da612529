// Test doubles for the stack tests: a net_device whose ndo_start_xmit records
// each frame (linearized bytes and skb metadata) and consumes the skb, and can
// refuse with NETDEV_TX_BUSY (stopping the queue, as a driver with a full ring).
#pragma once

#include <cstdint>
#include <vector>

#include "stack/core/netdevice.hpp"
#include "stack/core/skbuff.hpp"

namespace wirepath::test {

struct sent_frame {
  std::vector<uint8_t> bytes;
  uint32_t priority = 0;
  uint8_t ip_summed = 0;
  uint16_t csum_start = 0, csum_offset = 0;  // from the frame's first byte
};

struct FakeNetdev {
  net_device dev;
  std::vector<sent_frame> frames;
  int busy_next = 0;          // refuse this many calls with NETDEV_TX_BUSY
  int stop_after = -1;        // accept, then stop the queue once this many frames are sent
  uint64_t xmit_calls = 0;

  FakeNetdev() {
    dev.dev_addr = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    dev.ops.ndo_start_xmit = [this](sk_buff *skb, net_device *d) { return xmit(skb, d); };
  }

  netdev_tx_t xmit(sk_buff *skb, net_device *d) {
    ++xmit_calls;
    if (busy_next > 0) {
      --busy_next;
      netif_stop_queue(d);
      return NETDEV_TX_BUSY;
    }
    sent_frame f;
    f.bytes = skb->linearize_copy();
    f.priority = skb->priority;
    f.ip_summed = skb->ip_summed;
    if (skb->ip_summed == CHECKSUM_PARTIAL) {
      f.csum_start = static_cast<uint16_t>(skb->csum_start - skb->headroom());
      f.csum_offset = skb->csum_offset;
    }
    frames.push_back(std::move(f));
    consume_skb(skb);
    if (stop_after >= 0 && frames.size() >= static_cast<size_t>(stop_after)) netif_stop_queue(d);
    return NETDEV_TX_OK;
  }
};

inline uint16_t rd16(const std::vector<uint8_t> &b, size_t off) {
  return static_cast<uint16_t>((b.at(off) << 8) | b.at(off + 1));
}
inline uint32_t rd32(const std::vector<uint8_t> &b, size_t off) {
  return (uint32_t{rd16(b, off)} << 16) | rd16(b, off + 2);
}

}  // namespace wirepath::test

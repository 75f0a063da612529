// The transmit path: e1000_xmit_frame (ndo_start_xmit) -> e1000_tx_map ->
// e1000_tx_queue -> doorbell (TDT).
#include "driver/e1000.hpp"

namespace wirepath {

uint32_t E1000Adapter::e1000_desc_unused() const {
  const uint32_t ntc = ring_.next_to_clean, ntu = ring_.next_to_use;
  // One slot stays empty so a full ring is distinguishable from an empty one.
  return (ntc > ntu ? 0 : ring_.count) + ntc - ntu - 1;
}

int E1000Adapter::e1000_maybe_stop_tx(uint32_t size) {
  if (e1000_desc_unused() >= size) return 0;
  netif_stop_queue(&netdev_);
  // Completion may have freed space since the check (smp_mb in the kernel).
  if (e1000_desc_unused() < size) return -16;  // -EBUSY
  netdev_.queue_stopped = false;  // netif_start_queue: no qdisc rerun needed
  stats_.restart_queue++;
  return 0;
}

int E1000Adapter::e1000_tx_map(sk_buff *skb, uint32_t first) {
  uint32_t i = first;
  int count = 0;
  auto map = [&](uint64_t addr, uint32_t len) {
    for (uint32_t off = 0; off < len;) {
      const uint32_t size = std::min(len - off, cfg_.max_per_txd);
      if (count) i = (i + 1) % ring_.count;
      e1000_buffer &bi = ring_.buffer_info[i];
      bi.length = size;
      bi.dma = addr + off;  // dma_map_single: host memory is identity-mapped
      bi.next_to_watch = -1;
      off += size;
      count++;
    }
  };
  map(skb->data_addr(), skb->headlen());
  for (const skb_frag &f : skb->frags) map(f.addr, f.len);
  ring_.buffer_info[i].skb = skb;
  ring_.buffer_info[i].bytecount = skb->len;
  ring_.buffer_info[first].next_to_watch = static_cast<int32_t>(i);
  return count;
}

void E1000Adapter::e1000_tx_queue(uint32_t first, int count) {
  uint32_t i = first;
  for (int n = 0; n < count; n++) {
    const e1000_buffer &bi = ring_.buffer_info[i];
    e1000_tx_desc *d = desc(i);
    d->buffer_addr = bi.dma;
    d->length = static_cast<uint16_t>(bi.length);
    d->cso = 0;
    d->css = 0;
    d->special = 0;
    d->status = 0;
    d->cmd = E1000_TXD_CMD_IFCS;
    // Report Status only on the packet's last descriptor: one DD per packet.
    if (n == count - 1) d->cmd |= E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS;
    i = (i + 1) % ring_.count;
  }
  // wmb() in the kernel: descriptors are in memory before the tail moves.
  // Host memory writes here are immediate, the doorbell below is posted.
  ring_.next_to_use = i;
}

netdev_tx_t E1000Adapter::e1000_xmit_frame(sk_buff *skb) {
  if (!open_) {
    kfree_skb_reason(skb, skb_drop_reason::DEV_READY);
    return NETDEV_TX_OK;
  }
  if (skb->len == 0) {
    kfree_skb_reason(skb, skb_drop_reason::NOT_SPECIFIED);
    return NETDEV_TX_OK;
  }
  auto descs_for = [&](uint32_t len) { return (len + cfg_.max_per_txd - 1) / cfg_.max_per_txd; };
  uint32_t count = descs_for(skb->headlen());
  for (const skb_frag &f : skb->frags) count += descs_for(f.len);

  // Need count + 2 free so the tail never touches the head.
  if (e1000_maybe_stop_tx(count + 2)) {
    stats_.busy++;
    return NETDEV_TX_BUSY;
  }
  const uint32_t first = ring_.next_to_use;
  const int mapped = e1000_tx_map(skb, first);
  const uint32_t last = (first + mapped - 1) % ring_.count;
  const uint32_t len = skb->len;
  const uint64_t trace_id = skb->trace_id;
  const e1000_buffer &lbi = ring_.buffer_info[last];
  const uint64_t last_end = lbi.dma + lbi.length;
  e1000_tx_queue(first, mapped);
  stats_.packets++;
  stats_.bytes += len;

  if (cfg_.stop_threshold) e1000_maybe_stop_tx(cfg_.stop_threshold);

  pending_doorbell_.push_back({trace_id, first, last, last_end, len});
  if (on_doorbell) on_doorbell(pending_doorbell_);
  pending_doorbell_.clear();
  stats_.doorbells++;
  mmio_.writel(ring_.next_to_use, E1000_TDT);
  return NETDEV_TX_OK;
}

}  // namespace wirepath

// The transmit path: e1000_xmit_frame (ndo_start_xmit) -> e1000_tso /
// e1000_tx_csum (context descriptor) -> e1000_tx_map -> e1000_tx_queue ->
// doorbell (TDT).
#include <cerrno>
#include <cstring>

#include <algorithm>

#include "driver/e1000.hpp"
#include "stack/kernel/cpu_cost.hpp"
#include "stack/core/byteorder.hpp"
#include "stack/core/checksum.hpp"
#include "stack/ethernet/eth.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/uapi.hpp"

namespace wirepath {

namespace {
constexpr uint32_t kIpCheckOff = 10, kTcpCheckOff = 16;
}  // namespace

uint32_t E1000Adapter::e1000_desc_unused() const {
  const uint32_t ntc = ring_.next_to_clean, ntu = ring_.next_to_use;
  // One slot stays empty so a full ring is distinguishable from an empty one.
  return (ntc > ntu ? 0 : ring_.count) + ntc - ntu - 1;
}

int E1000Adapter::e1000_maybe_stop_tx(uint32_t size) {
  if (e1000_desc_unused() >= size) return 0;
  netif_stop_queue(&netdev_);
  // Completion may have freed space since the check (smp_mb in the kernel).
  if (e1000_desc_unused() < size) {
    stats_.ring_full_stops++;
    return -EBUSY;
  }
  netdev_.queue_stopped = false;  // netif_start_queue: no qdisc rerun needed
  stats_.restart_queue++;
  return 0;
}

void E1000Adapter::write_context(const e1000_context_desc &c) {
  const uint32_t i = ring_.next_to_use;
  std::memcpy(desc(i), &c, 16);
  ring_.buffer_info[i] = e1000_buffer{};
  ring_.next_to_use = (i + 1) % ring_.count;
}

// TSO context (e1000_tso): IPv4 header with tot_len = 0 and check = 0, the
// TCP check seeded with the pseudo-header sum without length; the NIC fills
// in the per-segment values. Returns 1 if a context was written, 0 if the skb
// is not GSO, -EINVAL if the NIC cannot segment it.
int E1000Adapter::e1000_tso(sk_buff *skb) {
  if (!skb->gso_size) return 0;
  if (skb->protocol != ETH_P_IP || skb->network_header == 0xffff || skb->transport_header == 0xffff)
    return -EINVAL;
  const uint32_t ipcss = skb->network_header - skb->headroom();
  const uint32_t tucss = skb->transport_header - skb->headroom();
  // IPv4 and TCP headers must be in the linear area before we look at them.
  if (skb->network_header < skb->headroom() || tucss < ipcss + 20 || tucss + 20 > skb->headlen())
    return -EINVAL;
  iphdr *iph = ip_hdr(skb);
  uint8_t *th = skb->transport_hdr();
  if (iph->protocol != IPPROTO_TCP) return -EINVAL;
  const uint32_t hdr_len = tucss + (th[12] >> 4) * 4u;
  // The NIC reads the header from the first buffer: it must be linear.
  if (hdr_len > skb->headlen() || hdr_len > 255 || skb->len <= hdr_len) return -EINVAL;
  iph->tot_len = 0;
  iph->check = 0;
  // The NIC adds each segment's length and data to this pseudo-header sum.
  const auto pseudo = static_cast<uint16_t>(
      ~csum_tcpudp_magic(be32_to_cpu(iph->saddr), be32_to_cpu(iph->daddr), 0, IPPROTO_TCP, 0));
  th[kTcpCheckOff] = uint8_t(pseudo >> 8);
  th[kTcpCheckOff + 1] = uint8_t(pseudo);

  e1000_context_desc c{};
  c.ipcss = uint8_t(ipcss);
  c.ipcso = uint8_t(ipcss + kIpCheckOff);
  c.ipcse = uint16_t(tucss - 1);
  c.tucss = uint8_t(tucss);
  c.tucso = uint8_t(tucss + kTcpCheckOff);
  c.tucse = 0;
  const uint32_t paylen = skb->len - hdr_len;
  c.paylen[0] = uint8_t(paylen);
  c.paylen[1] = uint8_t(paylen >> 8);
  c.paylen[2] = uint8_t(((paylen >> 16) & 0xF) | E1000_TXD_DTYP_C);
  c.tucmd = E1000_TXD_CMD_DEXT | E1000_TXD_CMD_TSE | E1000_TXD_CMD_IP | E1000_TXD_CMD_TCP;
  c.hdr_len = uint8_t(hdr_len);
  c.mss = skb->gso_size;
  write_context(c);
  stats_.tso_offloads++;
  return 1;
}

// Checksum context (e1000_tx_csum) for CHECKSUM_PARTIAL: the NIC sums from
// csum_start to the end and stores at csum_start + csum_offset; the IPv4
// header checksum stays the stack's (no IXSM), as in e1000e.
bool E1000Adapter::e1000_tx_csum(sk_buff *skb) {
  if (skb->ip_summed != CHECKSUM_PARTIAL) return false;
  const uint32_t css = skb->csum_start - skb->headroom();
  e1000_context_desc c{};
  c.tucss = uint8_t(css);
  c.tucso = uint8_t(css + skb->csum_offset);
  c.tucse = 0;
  c.paylen[2] = E1000_TXD_DTYP_C;
  c.tucmd = E1000_TXD_CMD_DEXT;
  if (skb->protocol == ETH_P_IP && skb->network_header != 0xffff && ip_hdr(skb)->protocol == IPPROTO_TCP)
    c.tucmd |= E1000_TXD_CMD_TCP;
  write_context(c);
  stats_.csum_offloads++;
  return true;
}

// Maps the linear area and each fragment, in pieces of at most max_per_txd,
// one ring slot each. Returns the number of slots, or 0 if a mapping failed
// (then nothing stays mapped and the caller drops the packet).
int E1000Adapter::e1000_tx_map(sk_buff *skb, uint32_t first, uint32_t start) {
  uint32_t i = start;
  int count = 0;
  // map_one(offset, size) maps one piece of the buffer and returns its DMA address.
  auto map = [&](uint32_t len, bool as_page, auto map_one) {
    for (uint32_t off = 0; off < len;) {
      const uint32_t size = std::min(len - off, cfg_.max_per_txd);
      if (count) i = (i + 1) % ring_.count;
      e1000_buffer &bi = ring_.buffer_info[i];
      bi.length = size;
      bi.next_to_watch = -1;
      bi.mapped_as_page = as_page;
      bi.dma = map_one(off, size);
      if (dma_mapping_error(&dev_, bi.dma)) {
        bi = e1000_buffer{};
        return false;
      }
      off += size;
      count++;
    }
    return true;
  };
  bool ok = map(skb->headlen(), false, [&](uint32_t off, uint32_t size) {
    return dma_map_single(&dev_, skb->data + off, size, DMA_TO_DEVICE);
  });
  for (size_t f = 0; ok && f < skb->frags.size(); f++)
    ok = map(skb->frags[f].len, true, [&](uint32_t off, uint32_t size) {
      return skb_frag_dma_map(&dev_, skb->frags[f], off, size, DMA_TO_DEVICE);
    });
  if (!ok) {
    // dma_error: unmap what was mapped, newest first.
    for (; count > 0; count--) {
      i = (i + ring_.count - 1) % ring_.count;
      unmap_and_free(ring_.buffer_info[i], false);
    }
    return 0;
  }
  ring_.buffer_info[i].skb = skb;
  ring_.buffer_info[i].bytecount = skb->len;
  // The packet's first slot (its context descriptor if any) watches the EOP.
  ring_.buffer_info[first].next_to_watch = static_cast<int32_t>(i);
  return count;
}

void E1000Adapter::e1000_tx_queue(uint32_t tx_flags, uint32_t start, int count, uint16_t vlan) {
  uint32_t i = start;
  const bool ext = tx_flags & (E1000_TX_FLAGS_CSUM | E1000_TX_FLAGS_TSO);
  uint8_t cmd = E1000_TXD_CMD_IFCS, popts = 0;
  if (ext) cmd |= E1000_TXD_CMD_DEXT;
  if (tx_flags & E1000_TX_FLAGS_TSO) {
    cmd |= E1000_TXD_CMD_TSE;
    popts = E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM;
  } else if (tx_flags & E1000_TX_FLAGS_CSUM) {
    popts = E1000_TXD_POPTS_TXSM;
  }
  if (tx_flags & E1000_TX_FLAGS_VLAN) cmd |= E1000_TXD_CMD_VLE;
  for (int n = 0; n < count; n++) {
    const e1000_buffer &bi = ring_.buffer_info[i];
    e1000_tx_desc *d = desc(i);
    d->buffer_addr = bi.dma;
    d->length = static_cast<uint16_t>(bi.length);
    d->cso = ext ? uint8_t(E1000_TXD_DTYP_D | ((bi.length >> 16) & 0xF)) : 0;
    d->css = popts;  // byte 13: CSS (legacy) / POPTS (data descriptor)
    d->special = (tx_flags & E1000_TX_FLAGS_VLAN) ? vlan : 0;
    d->status = 0;
    d->cmd = cmd;
    // Report Status only on the packet's last descriptor: one DD per packet.
    if (n == count - 1) d->cmd |= E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS;
    i = (i + 1) % ring_.count;
  }
  // wmb() in the kernel: descriptors are in memory before the tail moves.
  // Host memory writes here are immediate, the doorbell below is posted.
  ring_.next_to_use = i;
}

netdev_tx_t E1000Adapter::e1000_xmit_frame(sk_buff *skb) {
  KFUNC_SCOPE("e1000_xmit_frame");
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
  // One more for the offload context.
  if (skb->gso_size || skb->ip_summed == CHECKSUM_PARTIAL) count++;

  // Need count + 2 free so the tail never touches the head.
  if (e1000_maybe_stop_tx(count + 2)) {
    stats_.busy++;
    return NETDEV_TX_BUSY;
  }
  const uint32_t first = ring_.next_to_use;
  uint32_t tx_flags = 0;
  if (skb->vlan_present && (netdev_.features & NETIF_F_HW_VLAN_CTAG_TX)) tx_flags |= E1000_TX_FLAGS_VLAN;
  const int tso = e1000_tso(skb);
  if (tso < 0) {
    stats_.tso_errors++;
    kfree_skb_reason(skb, skb_drop_reason::NOT_SPECIFIED);
    return NETDEV_TX_OK;
  }
  if (tso) tx_flags |= E1000_TX_FLAGS_TSO;
  else if (e1000_tx_csum(skb)) tx_flags |= E1000_TX_FLAGS_CSUM;

  const uint32_t start = ring_.next_to_use;
  const int mapped = e1000_tx_map(skb, first, start);
  if (!mapped) {
    // Nothing reached the ring that the NIC will see: take back the
    // context descriptor too.
    stats_.tx_dma_failed++;
    ring_.buffer_info[first] = e1000_buffer{};
    ring_.next_to_use = first;
    kfree_skb_reason(skb, skb_drop_reason::NOT_SPECIFIED);
    return NETDEV_TX_OK;
  }
  const uint32_t last = (start + mapped - 1) % ring_.count;
  const uint32_t len = skb->len;
  const uint64_t trace_id = skb->trace_id;
  const e1000_buffer &lbi = ring_.buffer_info[last];
  const uint64_t last_end = lbi.dma + lbi.length;
  // What the NIC will put on the wire: TSO cuts the payload into MSS pieces,
  // each behind a copy of the headers (skb_shinfo(skb)->gso_segs).
  uint32_t segs = 1, first_frame_len = len, hdr = 0;
  if (tso) {
    hdr = skb->transport_header - skb->headroom() + (skb->transport_hdr()[12] >> 4) * 4u;
    segs = (len - hdr + skb->gso_size - 1) / skb->gso_size;
    first_frame_len = hdr + std::min<uint32_t>(skb->gso_size, len - hdr);
  }
  if (tx_flags & E1000_TX_FLAGS_VLAN) first_frame_len += 4;
  // BQL counts what the NIC sends: each TSO segment repeats the headers
  // (ixgbe's first->bytecount); completion reports the same figure.
  const uint32_t bytecount = len + (segs - 1) * hdr;
  ring_.buffer_info[last].bytecount = bytecount;
  if (cfg_.bql) netdev_tx_sent_queue(&netdev_, bytecount);
  e1000_tx_queue(tx_flags, start, mapped, skb->vlan_tci);
  stats_.packets++;
  stats_.frames += segs;
  stats_.bytes += len;

  if (cfg_.stop_threshold) e1000_maybe_stop_tx(cfg_.stop_threshold);

  const uint32_t ndesc = (ring_.next_to_use + ring_.count - first) % ring_.count;
  const bool push = push_ && ndesc <= E1000_PUSH_MAX_DESCS;
  // Inline: one data descriptor (its buffer is the linear area), no TSO.
  const bool inl = inline_ && push && mapped == 1 && !tso && len <= E1000_INLINE_MAX && skb->headlen() == len;
  pending_doorbell_.push_back({trace_id, first, last, last_end, len, segs, first_frame_len, push, inl});
  pending_doorbell_.back().first_buf = ring_.buffer_info[start].dma;
  if (on_doorbell) on_doorbell(pending_doorbell_);
  pending_doorbell_.clear();
  stats_.doorbells++;
  if (push) e1000_tx_doorbell(first, inl ? skb : nullptr);
  else mmio_.writel(ring_.next_to_use, E1000_TDT);
  return NETDEV_TX_OK;
}

// Push mode's doorbell: the new TDT and copies of the descriptors of slots
// first..TDT-1 in one 64-byte write-combined write (after the wmb that made
// the ring's copies visible). The NIC takes them if they continue what it
// has fetched, else it fetches them from the ring as usual.
//
// Inline (mlx4's BlueFlame): the frame's bytes go first, in 64-byte
// write-combined blocks (the last one padded), then the push block with
// their length: posted writes arrive in order, so every byte is at the NIC
// when its doorbell is. The ring and the mapped buffer stay valid, so a NIC
// that cannot take the bytes reads them as usual.
void E1000Adapter::e1000_tx_doorbell(uint32_t first, const sk_buff *inl) {
  e1000_tx_push blk{};
  blk.tdt = static_cast<uint16_t>(ring_.next_to_use);
  blk.first = static_cast<uint16_t>(first);
  for (uint32_t i = first; i != ring_.next_to_use; i = (i + 1) % ring_.count)
    std::memcpy(blk.desc[blk.count++], desc(i), 16);
  if (inl) {
    for (uint32_t off = 0; off < inl->len; off += 64) {
      uint8_t line[64] = {};
      std::memcpy(line, inl->data + off, std::min<uint32_t>(64, inl->len - off));
      mmio_.iowrite64_copy(E1000_TXINLINE + off, line, sizeof line);
    }
    blk.inl_len = static_cast<uint16_t>(inl->len);
    stats_.inlines++;
  }
  mmio_.iowrite64_copy(E1000_TXPUSH, &blk, sizeof blk);
  stats_.pushes++;
}

}  // namespace wirepath

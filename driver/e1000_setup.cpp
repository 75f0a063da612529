// Bring-up and tear-down: e1000e_open -> e1000e_setup_tx_resources ->
// e1000_configure_tx -> e1000_irq_enable; e1000e_close; the reset.
#include <cerrno>
#include <stdexcept>

#include <fmt/format.h>

#include "driver/e1000.hpp"

namespace wirepath {

void E1000Config::validate() const {
  // The NIC needs TDLEN to be a multiple of 128 bytes: 8 descriptors.
  if (tx_ring_count < 16 || tx_ring_count > 4096 || tx_ring_count % 8)
    throw std::invalid_argument(
        fmt::format("e1000: tx_ring_count={} must be a multiple of 8 in 16..4096", tx_ring_count));
  if (max_per_txd < 1 || max_per_txd > 16288)
    throw std::invalid_argument(fmt::format("e1000: max_per_txd={} must be in 1..16288", max_per_txd));
  if (stop_threshold >= tx_ring_count)
    throw std::invalid_argument(fmt::format("e1000: stop_threshold={} must be below tx_ring_count={}",
                                            stop_threshold, tx_ring_count));
  if (tipg > 1023) throw std::invalid_argument(fmt::format("e1000: tipg={} does not fit TIPG.IPGT (10 bits)", tipg));
  if (itr && (itr < 100 || itr > 100000))
    throw std::invalid_argument(fmt::format("e1000: itr={} must be 0 or in 100..100000 interrupts/s", itr));
  if (cut_through_bytes < 8 || cut_through_bytes > E1000_TXCT_THRESH_MAX)
    throw std::invalid_argument(
        fmt::format("e1000: cut_through_bytes={} must be in 8..{}", cut_through_bytes, E1000_TXCT_THRESH_MAX));
  if (napi_weight < 1) throw std::invalid_argument("e1000: napi_weight must be >= 1");
}

E1000Adapter::E1000Adapter(device &dev, Mmio &mmio, net_device &netdev, const E1000Config &cfg)
    : dev_(dev), mmio_(mmio), netdev_(netdev), cfg_(cfg) {
  cfg_.validate();
  netdev_.priv = this;
  // The NIC fetches any number of descriptors per packet (scatter-gather),
  // inserts TCP/UDP-over-IPv4 checksums (context + TXSM), segments TCP/IPv4
  // (TSE) and inserts 802.1Q tags (VLE with CTRL.VME): all in the RTL.
  netdev_.hw_features = NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_TSO | NETIF_F_HW_VLAN_CTAG_TX;
  netdev_.features = netdev_.hw_features;
  netdev_.ops.ndo_start_xmit = [this](sk_buff *skb, net_device *) { return e1000_xmit_frame(skb); };
}

E1000Adapter::~E1000Adapter() {
  // Without a bus there is nothing to tell the NIC; just return what we hold.
  e1000e_free_tx_resources();
}

e1000_tx_desc *E1000Adapter::desc(uint32_t i) { return static_cast<e1000_tx_desc *>(ring_.desc) + i; }

int E1000Adapter::e1000e_setup_tx_resources() {
  ring_.count = cfg_.tx_ring_count;
  ring_.size = (ring_.count * 16 + 4095) & ~4095u;  // ALIGN(size, 4096) as e1000e
  // Coherent memory comes zeroed: every descriptor starts without DD.
  ring_.desc = dma_alloc_coherent(&dev_, ring_.size, &ring_.dma);
  if (!ring_.desc) return -ENOMEM;
  ring_.buffer_info.assign(ring_.count, e1000_buffer{});
  ring_.next_to_use = ring_.next_to_clean = 0;
  return 0;
}

void E1000Adapter::e1000e_free_tx_resources() {
  for (auto &bi : ring_.buffer_info) unmap_and_free(bi, false);
  if (ring_.desc) dma_free_coherent(&dev_, ring_.size, ring_.desc, ring_.dma);
  ring_.desc = nullptr;
  ring_.dma = 0;
}

void E1000Adapter::e1000_configure_tx(uint32_t head) {
  if (netdev_.features & NETIF_F_HW_VLAN_CTAG_TX) mmio_.writel(E1000_CTRL_VME, E1000_CTRL);
  mmio_.writel(static_cast<uint32_t>(ring_.dma), E1000_TDBAL);
  mmio_.writel(static_cast<uint32_t>(ring_.dma >> 32), E1000_TDBAH);
  mmio_.writel(ring_.count * 16, E1000_TDLEN);
  mmio_.writel(head, E1000_TDH);
  mmio_.writel(head, E1000_TDT);
  mmio_.writel(cfg_.tipg, E1000_TIPG);
  // e1000e_write_itr: the interval between interrupts in 256 ns units (left
  // at its reset value 0, unthrottled, when off).
  if (cfg_.itr) mmio_.writel(1000000000u / (cfg_.itr * 256u), E1000_ITR);
  uint32_t tctl = E1000_TCTL_EN | (0x0Fu << E1000_TCTL_CT_SHIFT) | (0x3Fu << E1000_TCTL_COLD_SHIFT);
  if (cfg_.pad_short) tctl |= E1000_TCTL_PSP;
  mmio_.writel(tctl, E1000_TCTL);
  if (cut_through_) mmio_.writel(E1000_TXCT_EN | (cfg_.cut_through_bytes << E1000_TXCT_THRESH_SHIFT), E1000_TXCT);
}

void E1000Adapter::e1000_irq_enable() { mmio_.writel(E1000_ICR_TXDW, E1000_IMS); }
void E1000Adapter::e1000_irq_disable() { mmio_.writel(~0u, E1000_IMC); }

int E1000Adapter::e1000e_open() {
  if (open_) return -EBUSY;
  mmio_.writel(E1000_CTRL_RST, E1000_CTRL);
  // A non-posted read cannot pass the posted reset write: once it returns,
  // the reset has reached the NIC.
  const uint32_t status = mmio_.readl(E1000_STATUS);
  if (!(status & E1000_STATUS_LU))
    throw std::runtime_error(fmt::format("e1000: link is down after reset (STATUS=0x{:08x})", status));
  if (const int err = e1000e_setup_tx_resources()) return err;
  // Low-latency modes are capabilities: ask only when one is wanted (ring
  // mode's bring-up stays as it was).
  const uint32_t txcap = cfg_.tx_mode != E1000TxMode::ring || cfg_.cut_through ? mmio_.readl(E1000_TXCAP) : 0;
  push_ = cfg_.tx_mode != E1000TxMode::ring && (txcap & E1000_TXCAP_PUSH);
  inline_ = cfg_.tx_mode == E1000TxMode::inline_ && push_ && (txcap & E1000_TXCAP_INLINE);
  cut_through_ = cfg_.cut_through && (txcap & E1000_TXCAP_CT);
  e1000_configure_tx();
  e1000_irq_enable();
  netdev_.queue_stopped = false;
  netdev_tx_reset_queue(&netdev_);  // e1000_clean_tx_ring: netdev_reset_queue
  open_ = true;
  return 0;
}

void E1000Adapter::e1000e_close() {
  if (!open_) return;
  e1000_irq_disable();
  mmio_.writel(0, E1000_TCTL);
  netif_stop_queue(&netdev_);
  e1000e_free_tx_resources();
  netdev_tx_reset_queue(&netdev_);
  open_ = false;
}

int E1000Adapter::e1000e_reset_and_resend(unsigned max_polls) {
  if (!open_) return 0;
  stats_.resets++;
  const uint32_t ctrl = mmio_.readl(E1000_CTRL);
  mmio_.writel(ctrl | E1000_CTRL_GIO_MASTER_DISABLE, E1000_CTRL);
  unsigned polls = 0;
  while ((mmio_.readl(E1000_STATUS) & E1000_STATUS_GIO_MASTER_ENABLE) && polls < max_polls) ++polls;
  const bool idle = polls < max_polls;
  // Everything the NIC completed has DD now; reclaim it.
  e1000_clean_tx_irq(0);
  mmio_.writel(E1000_CTRL_RST, E1000_CTRL);
  (void)mmio_.readl(E1000_STATUS);  // the reset has reached the NIC
  if (!idle) {
    for (auto &bi : ring_.buffer_info) unmap_and_free(bi, false, skb_drop_reason::DEV_RESET);
    ring_.next_to_use = ring_.next_to_clean = 0;
    netdev_tx_reset_queue(&netdev_);
    e1000_configure_tx();
    e1000_irq_enable();
    return -ETIMEDOUT;
  }
  // The descriptors from next_to_clean on were never taken by the NIC: give
  // the same ring slots back (TDH is writable while TCTL.EN is clear).
  const uint32_t pending = (ring_.next_to_use + ring_.count - ring_.next_to_clean) % ring_.count;
  e1000_configure_tx(ring_.next_to_clean);
  e1000_irq_enable();
  for (uint32_t i = ring_.next_to_clean; i != ring_.next_to_use; i = (i + 1) % ring_.count)
    if (ring_.buffer_info[i].skb) stats_.resent++;
  if (pending) mmio_.writel(ring_.next_to_use, E1000_TDT);
  return 0;
}

void E1000Adapter::unmap_and_free(e1000_buffer &bi, bool transmitted, skb_drop_reason drop) {
  if (bi.dma) {
    if (bi.mapped_as_page)
      dma_unmap_phys(&dev_, bi.dma, bi.length, DMA_TO_DEVICE);
    else
      dma_unmap_single(&dev_, bi.dma, bi.length, DMA_TO_DEVICE);
  }
  if (bi.skb) {
    if (transmitted)
      consume_skb(bi.skb);
    else
      kfree_skb_reason(bi.skb, drop);
  }
  bi = e1000_buffer{};
}

}  // namespace wirepath

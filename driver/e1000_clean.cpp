// Completion: MSI -> e1000_intr_msi -> NAPI poll (e1000e_poll) ->
// e1000_clean_tx_irq, which frees what the NIC has sent and wakes the queue.
#include <algorithm>

#include "driver/e1000.hpp"

namespace wirepath {

bool E1000Adapter::e1000_intr_msi() {
  stats_.irqs++;
  const uint32_t icr = mmio_.readl(E1000_ICR);  // reading clears the causes
  if (!icr) {
    stats_.spurious_irqs++;
    return false;
  }
  // Mask until the poll is done (the 82574 auto-masks with IAM); causes that
  // arrive meanwhile stay latched in ICR and fire when IMS is set again.
  e1000_irq_disable();
  napi_scheduled_ = true;
  return true;
}

bool E1000Adapter::e1000_clean_tx_irq(int budget) {
  uint32_t i = ring_.next_to_clean;
  uint32_t count = 0, pkts_compl = 0, bytes_compl = 0;
  int32_t eop = ring_.buffer_info[i].next_to_watch;
  (void)budget;  // e1000e bounds TX cleaning by the ring size, not the budget
  while (eop >= 0 && (desc(static_cast<uint32_t>(eop))->status & E1000_TXD_STAT_DD) && count < ring_.count) {
    for (bool cleaned = false; !cleaned; count++) {
      cleaned = (i == static_cast<uint32_t>(eop));
      e1000_buffer &bi = ring_.buffer_info[i];
      if (bi.skb) {
        stats_.cleaned++;
        pkts_compl++;
        bytes_compl += bi.bytecount;
      }
      unmap_and_free(bi, true);
      desc(i)->status = 0;
      i = (i + 1) % ring_.count;
    }
    eop = ring_.buffer_info[i].next_to_watch;
  }
  ring_.next_to_clean = i;
  // BQL first: a STACK_XOFF queue restarts from here if now under the limit.
  if (cfg_.bql) netdev_tx_completed_queue(&netdev_, pkts_compl, bytes_compl);
  // e1000e wakes at 32 free; rings smaller than 64 (tests only) wake at half.
  const uint32_t wake = std::min<uint32_t>(TX_WAKE_THRESHOLD, ring_.count / 2);
  if (count && netif_queue_stopped(&netdev_) && e1000_desc_unused() >= wake) {
    stats_.restart_queue++;
    netif_wake_queue(&netdev_);
  }
  return count < ring_.count;
}

int E1000Adapter::e1000e_poll(int budget) {
  stats_.polls++;
  const bool tx_cleaned = e1000_clean_tx_irq(budget);
  if (!tx_cleaned) return budget;  // more to do: stay scheduled
  napi_scheduled_ = false;          // napi_complete_done
  if (open_) e1000_irq_enable();
  return 0;
}

}  // namespace wirepath

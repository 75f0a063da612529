// pfifo_fast (net/sched/sch_generic.c).
#include "stack/sched/sch_pfifo_fast.hpp"

#include "stack/core/netdevice.hpp"

namespace wirepath {

const std::array<uint8_t, TC_PRIO_MAX + 1> prio2band = {1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1};

int pfifo_fast::enqueue(sk_buff *skb) {
  if (qlen() >= dev_->tx_queue_len) {
    ++stats_.overlimits;
    return qdisc_drop(skb, skb_drop_reason::QDISC_DROP);
  }
  bands_[prio2band[skb->priority & TC_PRIO_MAX]].push_back(skb);
  return NET_XMIT_SUCCESS;
}

sk_buff *pfifo_fast::dequeue() {
  for (auto &band : bands_) {
    if (band.empty()) continue;
    sk_buff *skb = band.front();
    band.pop_front();
    return skb;
  }
  return nullptr;
}

sk_buff *pfifo_fast::peek() const {
  if (!gso_skb_.empty()) return gso_skb_.front();
  for (const auto &band : bands_)
    if (!band.empty()) return band.front();
  return nullptr;
}

uint32_t pfifo_fast::band_qlen() const {
  uint32_t n = 0;
  for (const auto &band : bands_) n += static_cast<uint32_t>(band.size());
  return n;
}

void pfifo_fast::band_reset(skb_drop_reason reason) {
  for (auto &band : bands_) {
    while (!band.empty()) {
      sk_buff *skb = band.front();
      band.pop_front();
      qdisc_drop(skb, reason);
    }
  }
}

}  // namespace wirepath

// pfifo_fast: the default qdisc. Three FIFO bands picked from skb->priority
// through prio2band; band 0 always leaves first. The whole qdisc holds at
// most dev->tx_queue_len packets (the classic pre-4.16 single limit; since
// 4.16 Linux gives each band a ring of that size).
#pragma once

#include <array>
#include <deque>

#include "stack/sched/sch_generic.hpp"

namespace wirepath {

constexpr int PFIFO_FAST_BANDS = 3;
constexpr uint32_t TC_PRIO_MAX = 15;
// sch_generic.c prio2band: TC_PRIO_* (skb->priority & TC_PRIO_MAX) -> band.
extern const std::array<uint8_t, TC_PRIO_MAX + 1> prio2band;

class pfifo_fast : public Qdisc {
public:
  explicit pfifo_fast(net_device *dev) : Qdisc(dev) {}
  const char *id() const override { return "pfifo_fast"; }
  int enqueue(sk_buff *skb) override;
  sk_buff *dequeue() override;
  sk_buff *peek() const override;
  uint32_t band_len(int band) const { return static_cast<uint32_t>(bands_[band].size()); }

protected:
  uint32_t band_qlen() const override;
  void band_reset(skb_drop_reason reason) override;

private:
  std::array<std::deque<sk_buff *>, PFIFO_FAST_BANDS> bands_;
};

}  // namespace wirepath

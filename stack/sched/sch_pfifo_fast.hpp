// pfifo_fast: the default qdisc. Three FIFO bands picked from skb->priority
// through prio2band; band 0 always leaves first. The whole qdisc holds at
// most dev->tx_queue_len packets (the classic pre-4.16 single limit; since
// 4.16 Linux gives each band a ring of that size).
#pragma once

#include <array>

#include "stack/sched/sch_generic.hpp"

namespace wirepath {

constexpr int PFIFO_FAST_BANDS = 3;
// sch_generic.c prio2band: TC_PRIO_* (skb->priority & TC_PRIO_MAX) -> band.
extern const std::array<uint8_t, TC_PRIO_MAX + 1> prio2band;
extern const Qdisc_ops pfifo_fast_ops;
// Packets waiting in one band (for tests).
uint32_t pfifo_fast_band_len(Qdisc *sch, int band);

}  // namespace wirepath

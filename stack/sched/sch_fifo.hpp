// pfifo and bfifo (include/net/pkt_sched.h: fifo_set_limit, fifo_create_dflt).
#pragma once

#include "stack/sched/sch_generic.hpp"

namespace wirepath {

extern const Qdisc_ops pfifo_qdisc_ops;
extern const Qdisc_ops bfifo_qdisc_ops;
// Set a fifo child's limit (a no-op for other kinds).
int fifo_set_limit(Qdisc *q, uint32_t limit);
// A fifo child of sch (parent sch:1) with this limit.
Qdisc *fifo_create_dflt(Qdisc *sch, const Qdisc_ops *ops, uint32_t limit, netlink_ext_ack *extack);

}  // namespace wirepath

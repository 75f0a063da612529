// The per-host kernel context: the clock with its timer base and the
// scheduler hooks. Linux keeps these as per-CPU globals; ours is an object
// per host, created by whoever builds the host (System, a test fixture)
// before its struct net, which refers to it (net::kernel) and must not
// outlive it. Usage:
//   kernel_ctx kern;  PhysMem ram;  KernelHeap mem(ram);  net ns(kern, mem, /*seed=*/1);
//   kern.timers.run_timers(now_ns);   kern.sched.sk_wait = ...;
#pragma once

#include "stack/kernel/sched.hpp"
#include "stack/kernel/timer.hpp"

namespace wirepath {

struct kernel_ctx {
  timer_base timers;
  sched_hooks sched;
};

}  // namespace wirepath

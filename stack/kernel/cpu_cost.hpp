// CPU time of software: every function on the TX path charges the thread
// that runs it a cost per call and, where its work scales, per byte (copy
// from user, checksum, segmentation). The charge runs a per-thread clock
// ahead of the simulator's time; whoever schedules the threads (sim/host)
// waits the charged time out before the thread touches the outside (an MMIO
// access, sleeping, waiting for an event), so a doorbell rings only after
// the software in front of it has run.
//
// Like Linux's `current`, the running thread is found through one global
// (cpu_clock::active, set by the host that owns the threads). With none set
// (unit tests of the stack) nothing is charged or recorded.
//
//   int udp_sendmsg(...) { KFUNC_SCOPE("udp_sendmsg"); ... }
//   skb_put_data(...)    { KFUNC_SCOPE_BYTES("skb_copy_from_user", len); ... }
//   cpu_charge_bytes("csum_partial", len);   // work inside a function, no slice of its own
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace wirepath {

struct cpu_cost {
  double per_call_ns = 0;
  double per_byte_ns = 0;
};

// Every function name that charges gets a small id, once (static locals).
int cpu_fn_id(const char *fn);
const std::string &cpu_fn_name(int id);

// What each function costs, by name. Functions not in the table cost 0.
class cpu_cost_table {
public:
  void set(const std::string &fn, cpu_cost c) { by_name_[fn] = c; }
  const std::map<std::string, cpu_cost> &entries() const { return by_name_; }
  // ps charged for one call with `bytes` of scaling work.
  uint64_t cost_ps(int fn, size_t bytes) const;
  std::string source;  // where the figures come from (shown in the summary)

  // The compiled-in defaults, measured by bench/host_calibrate on the
  // machine named in `source` (docs/architecture.md "Software takes time").
  static cpu_cost_table measured_defaults();
  // A cost file (JSON, kernel/cpu_cost_file.cpp) over the defaults; throws
  // std::invalid_argument naming the file and what is wrong.
  static cpu_cost_table load(const std::string &path);
  static cpu_cost_table parse(const std::string &text, const std::string &origin);

private:
  std::map<std::string, cpu_cost> by_name_;
  mutable std::vector<const cpu_cost *> by_id_;  // cache, filled on first use of an id
};

// One thread of the host CPU (process context of the app, irq, softirq).
struct cpu_thread {
  std::string name;
  int tid = 0;
  uint64_t ahead_ps = 0;  // charged and not yet waited out
  uint64_t busy_ps = 0;   // everything ever charged
  int depth = 0;          // open KFUNC scopes
};

// Points of one packet's way through the device layer.
enum class cpu_pkt_event {
  queued,    // __dev_queue_xmit: handed to the qdisc
  dequeued,  // dev_hard_start_xmit: out of the qdisc, to the driver
};

// A slice of a thread's time in a function: open (enter) and close, at the
// thread's own clock (simulated time + ahead_ps); and packet events.
struct cpu_trace_sink {
  virtual ~cpu_trace_sink() = default;
  virtual void kfunc_enter(const cpu_thread &t, int fn, uint64_t ts_ps) = 0;
  virtual void kfunc_exit(const cpu_thread &t, int fn, uint64_t ts_ps) = 0;
  virtual void pkt_event(const cpu_thread &t, uint64_t trace_id, cpu_pkt_event ev, uint64_t ts_ps) = 0;
};

struct cpu_clock {
  cpu_cost_table costs;
  std::function<cpu_thread *()> current;  // the thread running now, or nullptr
  std::function<uint64_t()> now_ps;       // simulated time
  cpu_trace_sink *trace = nullptr;
  uint64_t next_trace_id = 1;  // sk_buff::trace_id given at __dev_queue_xmit

  uint64_t thread_now_ps(const cpu_thread &t) const { return now_ps() + t.ahead_ps; }
  static cpu_clock *active;  // the host whose threads run the stack; nullptr: no charging
};

void cpu_charge_bytes(int fn, size_t bytes);
inline void cpu_charge_bytes(const char *fn, size_t bytes) { cpu_charge_bytes(cpu_fn_id(fn), bytes); }

// __dev_queue_xmit: a packet without a trace id gets the next one; both
// mark the packet's step for the trace. No-ops with no active clock.
void cpu_pkt_start(uint64_t &trace_id);
void cpu_pkt_mark(uint64_t trace_id, cpu_pkt_event ev);

// Charges fn's cost at entry and records the slice [entry, exit).
class kfunc_scope {
public:
  kfunc_scope(int fn, size_t bytes);
  ~kfunc_scope();
  kfunc_scope(const kfunc_scope &) = delete;
  kfunc_scope &operator=(const kfunc_scope &) = delete;

private:
  cpu_thread *t_ = nullptr;
  int fn_;
};

#define KFUNC_CAT2(a, b) a##b
#define KFUNC_CAT(a, b) KFUNC_CAT2(a, b)
#define KFUNC_SCOPE_BYTES(name, bytes)                                   \
  static const int KFUNC_CAT(kfunc_id_, __LINE__) = ::wirepath::cpu_fn_id(name); \
  ::wirepath::kfunc_scope KFUNC_CAT(kfunc_scope_, __LINE__)(KFUNC_CAT(kfunc_id_, __LINE__), (bytes))
#define KFUNC_SCOPE(name) KFUNC_SCOPE_BYTES(name, 0)

}  // namespace wirepath

// --trace FILE.json: the run as a Chrome Trace Event file (Perfetto and
// chrome://tracing open it), in simulated time (ts in us, ps as decimals, the
// VCD's time base). Tracks:
//   host CPU    one thread per host thread (app, irq, softirq), slices named
//               by kernel function (KFUNC_SCOPE, stack/kernel/cpu_cost.hpp)
//   qdisc       each packet from __dev_queue_xmit to dev_hard_start_xmit
//   TX ring     descriptors handed to the NIC and not yet cleaned (counter)
//   PCIe        each direction, every TLP (MWr, MRd, CplD; MSI, DD write-back)
//   NIC         per packet: descriptor fetch, data DMA, FIFO to /S/
//   wire        each frame on XGMII, /S/ to /T/
// Packets are tied together by flow events (id = sk_buff::trace_id): from
// __dev_queue_xmit on the sending thread through the qdisc, the driver, the
// doorbell TLP and the NIC's stages to the frame on the wire. Slices that
// overlap in time (packets in the qdisc or the NIC at once) get lanes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/ps_time.hpp"
#include "stack/kernel/cpu_cost.hpp"

namespace wirepath {

class System;

struct TraceOptions {
  uint64_t max_packets = 0;  // only packets with trace id 1..N (and the time they span); 0: all
  double from_us = 0, to_us = 1e12;  // only events inside this window of simulated time
};

struct TraceFileStats {
  uint64_t events = 0, packets = 0, bytes = 0;
};

class TraceRecorder : public cpu_trace_sink {
public:
  // Hooks itself into sys (host CPU clock, PCIe link, wire); sys must
  // outlive the recording (not the writing).
  TraceRecorder(System &sys, const TraceOptions &opt);

  // The trace as a JSON document ({"traceEvents": [...]}), and to a file
  // (throws std::runtime_error when it cannot be written).
  std::string to_json() const;
  TraceFileStats write(const std::string &path) const;

  void kfunc_enter(const cpu_thread &t, int fn, uint64_t ts_ps) override;
  void kfunc_exit(const cpu_thread &t, int fn, uint64_t ts_ps) override;
  void pkt_event(const cpu_thread &t, uint64_t trace_id, cpu_pkt_event ev, uint64_t ts_ps) override;

  struct Slice {
    int tid = 0;
    std::string name;
    ps_t start = 0, end = 0;
  };
  const std::vector<Slice> &cpu_slices() const { return cpu_slices_; }

private:
  struct Tlp {
    bool up = false;
    int stream = 0;
    ps_t start = 0, end = 0;
    uint32_t bytes = 0;
  };
  struct Pkt {
    ps_t queued = 0, dequeued = 0;
    int queued_tid = 0, dequeued_tid = 0;
  };
  void sample_ring(ps_t t);

  System &sys_;
  TraceOptions opt_;
  std::map<int, std::string> thread_names_;  // tid -> name
  std::map<int, std::vector<std::pair<int, ps_t>>> open_;  // tid -> open (fn, start)
  std::vector<Slice> cpu_slices_;
  std::map<uint64_t, Pkt> pkts_;
  std::vector<Tlp> tlps_;
  std::vector<std::pair<ps_t, ps_t>> wire_;  // frames: /S/ .. end
  std::vector<std::pair<ps_t, uint32_t>> ring_;  // descriptors owned by the NIC (or not yet cleaned)
};

}  // namespace wirepath

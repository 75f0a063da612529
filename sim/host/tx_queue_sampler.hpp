// Queue depths over time on the TX path, for the report: the qdisc's length
// and the descriptors the driver has given the NIC and not yet cleaned,
// sampled at each doorbell and each TX clean (the moments they change).
// Also every wire frame's /S/ time and length, for throughput over time.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/ps_time.hpp"

namespace wirepath {

struct TxQueueSample {
  ps_t t = 0;
  uint32_t qdisc_qlen = 0;      // packets held in the root qdisc
  uint32_t ring_in_flight = 0;  // TX descriptors next_to_clean..next_to_use
};

struct WireSample {
  ps_t start = 0;      // /S/ on XGMII
  uint32_t bytes = 0;  // DA..FCS
};

class TxQueueSampler {
public:
  void sample(ps_t t, uint32_t qdisc_qlen, uint32_t ring_in_flight) {
    samples_.push_back({t, qdisc_qlen, ring_in_flight});
  }
  void wire_frame(ps_t start, uint32_t bytes) { wire_.push_back({start, bytes}); }
  const std::vector<TxQueueSample> &samples() const { return samples_; }
  const std::vector<WireSample> &wire() const { return wire_; }

private:
  std::vector<TxQueueSample> samples_;
  std::vector<WireSample> wire_;
};

}  // namespace wirepath

// The wire's fan-out: each frame the XGMII monitor decodes goes to every
// observer, in the order they were attached. Each observer has one job
// (pcap, latency, the wire log, the fault middleware in front of the link
// partner); a test attaches only the ones it needs.
#pragma once

#include <functional>
#include <vector>

#include "sim/ps_time.hpp"
#include "sim/wire/xgmii_rx.hpp"

namespace wirepath {

class WireFanout {
public:
  // A frame (DA..FCS) whose /S/ was on the wire at start.
  using Observer = std::function<void(const WireFrame &f, ps_t start)>;

  void attach(Observer o) { observers_.push_back(std::move(o)); }
  void deliver(const WireFrame &f, ps_t start) const {
    for (const Observer &o : observers_) o(f, start);
  }

private:
  std::vector<Observer> observers_;
};

}  // namespace wirepath

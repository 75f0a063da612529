// Frames to a classic pcap file through libpcap: Ethernet link type,
// nanosecond timestamps (simulated time), FCS included. Wireshark needs to be
// told the FCS is there: -o eth.fcs:TRUE -o eth.check_fcs:TRUE
// (README). Deterministic: timestamps are simulated, not wall clock.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/ps_time.hpp"

struct pcap;
struct pcap_dumper;

namespace wirepath {

class PcapWriter {
public:
  explicit PcapWriter(const std::string &path);  // throws std::runtime_error
  ~PcapWriter();
  PcapWriter(const PcapWriter &) = delete;
  PcapWriter &operator=(const PcapWriter &) = delete;
  void write(ps_t when, const std::vector<uint8_t> &frame);
  uint64_t frames() const { return frames_; }

private:
  struct pcap *pcap_ = nullptr;
  struct pcap_dumper *dumper_ = nullptr;
  uint64_t frames_ = 0;
};

}  // namespace wirepath

// Frames to a classic pcap file through libpcap: Ethernet link type,
// nanosecond timestamps (simulated time), FCS included. Wireshark needs to be
// told the FCS is there: -o eth.fcs:TRUE -o eth.check_fcs:TRUE
// (README). Deterministic: timestamps are simulated, not wall clock.
// Every write is checked: the first failure is kept (error()), later frames
// are not written, and close() reports it.
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
  // Throws std::runtime_error when the file cannot be created or its header
  // cannot be written (a full disk, /dev/full, a read-only file system).
  explicit PcapWriter(const std::string &path);
  ~PcapWriter();
  PcapWriter(const PcapWriter &) = delete;
  PcapWriter &operator=(const PcapWriter &) = delete;
  void write(ps_t when, const std::vector<uint8_t> &frame);
  // Flushes and closes; returns the first error ("" if every frame was
  // written). Idempotent; the destructor closes too, silently.
  std::string close();
  const std::string &error() const { return error_; }
  const std::string &path() const { return path_; }
  uint64_t frames() const { return frames_; }

private:
  void fail(const char *what);
  std::string path_, error_;
  struct pcap *pcap_ = nullptr;
  struct pcap_dumper *dumper_ = nullptr;
  uint64_t frames_ = 0;
};

}  // namespace wirepath

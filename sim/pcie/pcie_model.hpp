// Timing of PCIe transactions between host and NIC: which TLPs a transfer
// becomes, when each occupies the link in its direction, and when it arrives.
// No data moves here (see pcie_link.hpp); no SystemC either, so the
// calibration can be tested directly.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/pcie/pcie_config.hpp"
#include "sim/pcie/pcie_direction.hpp"

namespace wirepath {

// One completion of a DMA read: bytes [offset, offset+len) of the request
// arrive at the NIC at time `arrive`.
struct ReadCompletion {
  uint32_t offset = 0, len = 0;
  ps_t arrive = 0;
};

struct PcieLinkStats {
  uint64_t up_tlps = 0, down_tlps = 0;
  uint64_t up_bytes = 0, down_bytes = 0;  // incl. TLP overhead
};

class PcieModel {
public:
  explicit PcieModel(const PcieConfig &cfg);
  const PcieConfig &config() const { return cfg_; }

  // NIC reads host memory: MRd TLPs upstream, CplD completions downstream.
  // Completions come back in address order (same-requester reads are not
  // reordered by our root complex).
  std::vector<ReadCompletion> dma_read(ps_t issue, uint64_t addr, uint32_t len);
  // NIC writes host memory (posted MWr, split at MPS); returns the arrival
  // time of the last byte at the root complex. Also used for MSI.
  ps_t dma_write(ps_t issue, uint64_t addr, uint32_t len);
  // Time when the NIC's last write TLP has left the NIC (its AXI B response).
  ps_t last_upstream_departure() const { return up_.last_end(PcieDirection::kRequests); }

  // CPU writes a BAR register (posted): arrival at the NIC.
  ps_t mmio_write(ps_t issue, uint32_t len);
  // CPU reads a BAR register: arrival of the request at the NIC ...
  ps_t mmio_read_request(ps_t issue);
  // ... and arrival of its completion back at the CPU, given when the NIC answered.
  ps_t mmio_read_completion(ps_t answered, uint32_t len);

  // Every TLP in either direction (up: NIC -> host), as it is scheduled.
  using TlpObserver = std::function<void(bool up, PcieDirection::Stream s, ps_t start, ps_t end, uint32_t wire_bytes)>;
  void observe_tlps(TlpObserver o) {
    up_.on_tlp = [o](PcieDirection::Stream s, ps_t a, ps_t b, uint32_t n) { o(true, s, a, b, n); };
    down_.on_tlp = [o](PcieDirection::Stream s, ps_t a, ps_t b, uint32_t n) { o(false, s, a, b, n); };
  }

  PcieLinkStats stats() const { return {up_.tlps(), down_.tlps(), up_.bytes(), down_.bytes()}; }

private:
  PcieConfig cfg_;
  PcieDirection up_, down_;      // NIC -> host and host -> NIC
  ps_t completer_free_ = 0;  // when the host's read completer is next idle
};

}  // namespace wirepath

#include "sim/pcie_model.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace wirepath {

namespace {
bool pow2(unsigned v) { return v && !(v & (v - 1)); }
}  // namespace

void PcieConfig::validate() const {
  if (!(gts_per_lane > 0) || lanes == 0 || !(encoding > 0 && encoding <= 1))
    throw std::invalid_argument("pcie: link rate must be positive (gts_per_lane, lanes, encoding)");
  if (!pow2(lanes) || lanes > 32) throw std::invalid_argument(fmt::format("pcie: lanes={} is not x1..x32", lanes));
  for (auto [name, v] : {std::pair{"max_read_request", max_read_request}, {"max_payload", max_payload},
                         {"read_completion_boundary", read_completion_boundary}})
    if (!pow2(v) || v < 64 || v > 4096)
      throw std::invalid_argument(fmt::format("pcie: {}={} must be a power of two in 64..4096", name, v));
  if (link_latency == 0)
    throw std::invalid_argument("pcie: link_latency must be > 0 (it is the co-simulation lookahead)");
}

PcieModel::PcieModel(const PcieConfig &cfg) : cfg_(cfg) { cfg_.validate(); }

ps_t PcieModel::wire_time(uint32_t bytes) const {
  return static_cast<ps_t>(std::llround(bytes * cfg_.ps_per_byte()));
}

// A TLP waits for its direction of the link to be idle, then occupies it.
ps_t PcieModel::send(ps_t ready, uint32_t wire_bytes, ps_t &link_free, uint64_t &tlps, uint64_t &bytes) {
  link_free = std::max(ready, link_free) + wire_time(wire_bytes);
  tlps++;
  bytes += wire_bytes;
  return link_free;
}

ps_t PcieModel::send_up(ps_t ready, uint32_t wire_bytes) {
  return send(ready, wire_bytes, up_free_, stats_.up_tlps, stats_.up_bytes);
}

ps_t PcieModel::send_down(ps_t ready, uint32_t wire_bytes) {
  return send(ready, wire_bytes, down_free_, stats_.down_tlps, stats_.down_bytes);
}

std::vector<ReadCompletion> PcieModel::dma_read(ps_t issue, uint64_t addr, uint32_t len) {
  std::vector<ReadCompletion> out;
  const uint64_t end = addr + len;
  const unsigned mrrs = cfg_.max_read_request, rcb = cfg_.read_completion_boundary;
  for (uint64_t req = addr; req < end;) {
    // Requests break at MRRS-aligned boundaries (so never cross 4 KiB).
    const uint64_t req_end = std::min(end, (req / mrrs + 1) * mrrs);
    // The NIC hands all MRd TLPs of one AXI burst to the link at once.
    const ps_t at_host = send_up(issue, cfg_.mem_tlp_overhead) + cfg_.link_latency;
    ps_t line_ready = at_host + cfg_.host_read_latency;
    for (uint64_t c = req; c < req_end;) {
      const uint64_t c_end = std::min(req_end, (c / rcb + 1) * rcb);
      const ps_t ready = std::max(line_ready, completer_free_);
      completer_free_ = ready + cfg_.host_line_time;
      const uint32_t n = static_cast<uint32_t>(c_end - c);
      const ps_t arrive = send_down(ready, n + cfg_.cpl_tlp_overhead) + cfg_.link_latency;
      out.push_back({static_cast<uint32_t>(c - addr), n, arrive});
      c = c_end;
    }
    req = req_end;
  }
  return out;
}

ps_t PcieModel::dma_write(ps_t issue, uint64_t addr, uint32_t len) {
  ps_t last = issue;
  const uint64_t end = addr + std::max<uint32_t>(len, 1);
  for (uint64_t w = addr; w < end;) {
    const uint64_t w_end = std::min(end, (w / cfg_.max_payload + 1) * cfg_.max_payload);
    last = send_up(issue, static_cast<uint32_t>(w_end - w) + cfg_.mem_tlp_overhead) + cfg_.link_latency;
    w = w_end;
  }
  return last;
}

ps_t PcieModel::mmio_write(ps_t issue, uint32_t len) {
  return send_down(issue + cfg_.cpu_mmio_latency, len + cfg_.mem_tlp_overhead) + cfg_.link_latency;
}

ps_t PcieModel::mmio_read_request(ps_t issue) {
  return send_down(issue + cfg_.cpu_mmio_latency, cfg_.mem_tlp_overhead) + cfg_.link_latency;
}

ps_t PcieModel::mmio_read_completion(ps_t answered, uint32_t len) {
  return send_up(answered, len + cfg_.cpl_tlp_overhead) + cfg_.link_latency + cfg_.cpu_mmio_latency;
}

}  // namespace wirepath

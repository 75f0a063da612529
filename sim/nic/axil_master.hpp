// AxiLiteMaster: drives the NIC's AXI4-Lite slave (BAR0) from a FIFO of
// 32-bit register requests, one at a time, and reports each completion.
// Wide writes (a write-combined MWr of up to 64 bytes) share the FIFO, so
// they keep PCIe's posted-write order with the register writes: each is one
// beat on the s_push_* port, then one idle cycle so the NIC (which registers
// it) never sees it together with the next AXI-Lite write.
// Plain C++ over a Verilated model; the SystemC wrapper and the RTL test
// bench both clock it. Per clock: drive() before the falling-edge eval,
// sample() after it (handshakes as they stand before the rising edge),
// effects() after the rising edge.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <stdexcept>

namespace wirepath {

template <class Model>
class AxiLiteMaster {
 public:
  struct Request {
    bool write = false;
    uint32_t addr = 0, data = 0;  // data: the value written, or the value read once done
    uint64_t arrive = 0;          // earliest time it may be driven
    unsigned wide_len = 0;        // > 0: a wide write of this many bytes (write only)
    std::array<uint8_t, 64> bytes{};  // its data
  };
  // The front request completed at `now` (a write: B seen; a read: R seen).
  std::function<void(const Request &, uint64_t now)> on_done;

  // Requests are served in order; arrival times may not go backwards.
  void push(const Request &r) {
    if (!q_.empty() && r.arrive < q_.back().arrive)
      throw std::logic_error("axil: requests arrived out of order (the link must be FIFO)");
    q_.push_back(r);
  }
  // Nothing queued and no handshake half done.
  bool idle() const { return q_.empty() && !aw_done_ && !w_done_ && !ar_done_ && !wide_sent_; }

  // enable = false holds the bus idle (the NIC in reset).
  void drive(Model &m, uint64_t now, bool enable) {
    active_ = enable && !q_.empty() && q_.front().arrive <= now;
    const Request *r = active_ ? &q_.front() : nullptr;
    const bool wide = r && r->wide_len;
    m.s_push_valid_i = wide && !wide_sent_;
    m.s_push_addr_i = wide ? r->addr : 0;
    m.s_push_len_i = wide ? r->wide_len : 0;
    for (unsigned i = 0; i < 16; i++) {
      uint32_t w = 0;
      if (wide) std::memcpy(&w, r->bytes.data() + 4 * i, 4);
      m.s_push_data_i[i] = w;
    }
    if (wide) r = nullptr;  // no AXI-Lite request this cycle
    m.s_axil_awvalid_i = r && r->write && !aw_done_;
    m.s_axil_wvalid_i = r && r->write && !w_done_;
    m.s_axil_awaddr_i = r ? r->addr : 0;
    m.s_axil_araddr_i = r ? r->addr : 0;
    m.s_axil_wdata_i = r ? r->data : 0;
    m.s_axil_wstrb_i = 0xF;
    m.s_axil_arvalid_i = r && !r->write && !ar_done_;
    m.s_axil_bready_i = 1;
    m.s_axil_rready_i = 1;
  }

  void sample(const Model &m) {
    push_ = m.s_push_valid_i;
    aw_ = m.s_axil_awvalid_i && m.s_axil_awready_o;
    w_ = m.s_axil_wvalid_i && m.s_axil_wready_o;
    ar_ = m.s_axil_arvalid_i && m.s_axil_arready_o;
    b_ = m.s_axil_bvalid_o;  // bready is always high
    r_ = m.s_axil_rvalid_o;  // rready is always high
    rdata_ = m.s_axil_rdata_o;
  }

  void effects(uint64_t now) {
    if (aw_) aw_done_ = true;
    if (w_) w_done_ = true;
    if (ar_) ar_done_ = true;
    if (!active_) return;
    Request &r = q_.front();
    if (r.wide_len) {
      // Beat taken at this edge; done after one more (idle) cycle.
      if (push_) {
        wide_sent_ = true;
        return;
      }
      wide_sent_ = false;
    } else if (r.write && aw_done_ && w_done_ && b_) {
      aw_done_ = w_done_ = false;
    } else if (!r.write && ar_done_ && r_) {
      r.data = rdata_;
      ar_done_ = false;
    } else {
      return;
    }
    const Request done = r;
    q_.pop_front();
    if (on_done) on_done(done, now);
  }

 private:
  std::deque<Request> q_;
  bool active_ = false;  // the front request is on the bus this cycle
  bool aw_done_ = false, w_done_ = false, ar_done_ = false;
  bool aw_ = false, w_ = false, ar_ = false, b_ = false, r_ = false;
  bool push_ = false, wide_sent_ = false;
  uint32_t rdata_ = 0;
};

}  // namespace wirepath

// AxiDmaSlave: the host side of the NIC's AXI4 DMA master. AR and AW/W are
// handed to a backend (TLM b_transport in the simulator, a fixed-latency
// memory in the RTL bench), which answers with R beats and B responses that
// carry the time they become valid; the slave presents them in order.
// Times are in the caller's unit (ps in the simulator, cycles in the bench).
// Plain C++ over a Verilated model, any AxiDataWidth. Per clock: drive()
// before the falling-edge eval, sample() after it, effects() after the
// rising edge.
#pragma once

#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <utility>
#include <vector>

namespace wirepath {

enum : uint8_t { kAxiRespOkay = 0, kAxiRespSlverr = 2, kAxiRespDecerr = 3 };

template <class Model>
class AxiDmaSlave {
 public:
  static constexpr unsigned kBeatBytes = sizeof(std::declval<Model &>().m_axi_rdata_i);

  struct ReadReq {
    uint32_t id;
    uint64_t addr;
    unsigned beats;
    unsigned size, burst;  // AxSIZE, AxBURST as issued
  };
  struct WriteReq {
    uint32_t id;
    uint64_t addr;
    unsigned len, size, burst;    // AWLEN, AWSIZE, AWBURST as issued
    std::vector<uint8_t> data;    // every W beat, kBeatBytes each
    std::vector<uint8_t> enable;  // per byte: 0xFF written (WSTRB set), 0 not
    uint64_t w_last_at;           // when WLAST was accepted
  };
  struct RBeat {
    uint64_t ready;
    uint32_t id;
    uint8_t resp;
    bool last;
    uint64_t addr;
    uint8_t data[kBeatBytes];
  };

  // The backend: answer a read with push_r() once per beat, a write with
  // push_b(). Called from effects(), writes before reads.
  std::function<void(const ReadReq &, uint64_t now)> read;
  std::function<void(const WriteReq &, uint64_t now)> write;
  // Observer: an R beat was taken by the NIC.
  std::function<void(const RBeat &, uint64_t now)> on_read_beat;
  // Bench options: hold a channel's ready low / a ready R beat back this
  // cycle (asked once per cycle: AR, AW, W ready, then R if a beat is due).
  std::function<bool()> stall_ready;
  std::function<bool()> hold_r;

  // One R channel, in order: beats are presented in the order pushed, each
  // from its ready time but never before the one ahead has been taken.
  void push_r(const RBeat &beat) { r_q_.push_back(beat); }
  void push_b(uint64_t ready, uint32_t id, uint8_t resp) { b_q_.push_back({ready, id, resp}); }

  // No read or write of the NIC is waiting for the host.
  bool idle() const { return r_q_.empty() && b_q_.empty() && aw_q_.empty() && w_q_.empty() && w_cur_.data.empty(); }

  void drive(Model &m, uint64_t now) {
    m.m_axi_arready_i = !(stall_ready && stall_ready());
    m.m_axi_awready_i = !(stall_ready && stall_ready());
    m.m_axi_wready_i = !(stall_ready && stall_ready());
    const bool r_valid = !r_q_.empty() && r_q_.front().ready <= now && !(hold_r && hold_r());
    m.m_axi_rvalid_i = r_valid;
    if (r_valid) {
      const RBeat &b = r_q_.front();
      std::memcpy(&m.m_axi_rdata_i[0], b.data, kBeatBytes);
      m.m_axi_rid_i = b.id;
      m.m_axi_rresp_i = b.resp;
      m.m_axi_rlast_i = b.last;
    }
    const bool b_valid = !b_q_.empty() && b_q_.front().ready <= now;
    m.m_axi_bvalid_i = b_valid;
    m.m_axi_bid_i = b_valid ? b_q_.front().id : 0;
    m.m_axi_bresp_i = b_valid ? b_q_.front().resp : 0;
  }

  void sample(const Model &m) {
    ar_ = m.m_axi_arvalid_o && m.m_axi_arready_i;
    if (ar_) ar_req_ = {m.m_axi_arid_o, m.m_axi_araddr_o, m.m_axi_arlen_o + 1u, m.m_axi_arsize_o, m.m_axi_arburst_o};
    r_ = m.m_axi_rvalid_i && m.m_axi_rready_o;
    b_ = m.m_axi_bvalid_i && m.m_axi_bready_o;
    aw_ = m.m_axi_awvalid_o && m.m_axi_awready_i;
    if (aw_) aw_req_ = {m.m_axi_awid_o, m.m_axi_awaddr_o, m.m_axi_awlen_o, m.m_axi_awsize_o, m.m_axi_awburst_o};
    w_ = m.m_axi_wvalid_o && m.m_axi_wready_i;
    if (w_) {
      std::memcpy(w_beat_, &m.m_axi_wdata_o[0], kBeatBytes);
      w_strb_ = m.m_axi_wstrb_o;
      w_last_ = m.m_axi_wlast_o;
    }
  }

  void effects(uint64_t now) {
    if (r_) {
      if (on_read_beat) on_read_beat(r_q_.front(), now);
      r_q_.pop_front();
    }
    if (b_) b_q_.pop_front();
    if (aw_) aw_q_.push_back(aw_req_);
    if (w_) {
      w_cur_.data.insert(w_cur_.data.end(), w_beat_, w_beat_ + kBeatBytes);
      for (unsigned i = 0; i < kBeatBytes; i++) w_cur_.enable.push_back(uint64_t(w_strb_) >> i & 1 ? 0xFF : 0);
      if (w_last_) {
        w_cur_.w_last_at = now;
        w_q_.push_back(std::move(w_cur_));
        w_cur_ = {};
      }
    }
    // A write is complete once both its AW and its last W beat are in.
    while (!aw_q_.empty() && !w_q_.empty()) {
      WriteReq wr = std::move(w_q_.front());
      w_q_.pop_front();
      const Addr &aw = aw_q_.front();
      wr.id = aw.id;
      wr.addr = aw.addr;
      wr.len = aw.len;
      wr.size = aw.size;
      wr.burst = aw.burst;
      aw_q_.pop_front();
      write(wr, now);
    }
    if (ar_) read(ar_req_, now);
  }

 private:
  struct Addr {
    uint32_t id;
    uint64_t addr;
    unsigned len, size, burst;
  };
  struct BResp {
    uint64_t ready;
    uint32_t id;
    uint8_t resp;
  };
  std::deque<RBeat> r_q_;
  std::deque<BResp> b_q_;
  std::deque<Addr> aw_q_;
  std::deque<WriteReq> w_q_;  // W bursts complete up to WLAST, waiting for their AW
  WriteReq w_cur_{};          // W beats of the burst in progress
  // Sampled before the rising edge, acted on after it.
  bool ar_ = false, r_ = false, b_ = false, aw_ = false, w_ = false, w_last_ = false;
  ReadReq ar_req_{};
  Addr aw_req_{};
  uint8_t w_beat_[kBeatBytes] = {};
  uint64_t w_strb_ = 0;
};

}  // namespace wirepath

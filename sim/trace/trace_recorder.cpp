#include "sim/trace/trace_recorder.hpp"

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/system.hpp"
#include "sim/wire/wire_timing.hpp"

namespace wirepath {

namespace {

// Process ids of the track groups, in the order Perfetto shows them.
enum Pid { kHostPid = 1, kQdiscPid = 2, kRingPid = 3, kPciePid = 4, kNicPid = 5, kWirePid = 6 };
enum PcieTid { kDownTid = 1, kUpTid = 2 };
constexpr int kLaneStride = 100;  // NIC stage k, lane l: tid k * kLaneStride + l

// Chrome's ts is in microseconds; ps precision is six decimals.
double us(ps_t t) { return static_cast<double>(t) / 1e6; }

// Slices of one kind that may overlap (several packets in the qdisc) go to
// the first lane that is free at their start.
class Lanes {
public:
  int place(ps_t start, ps_t end) {
    for (size_t i = 0; i < free_at_.size(); ++i)
      if (free_at_[i] <= start) {
        free_at_[i] = end;
        return static_cast<int>(i);
      }
    free_at_.push_back(end);
    return static_cast<int>(free_at_.size() - 1);
  }
  size_t count() const { return free_at_.size(); }

private:
  std::vector<ps_t> free_at_;
};

}  // namespace

TraceRecorder::TraceRecorder(System &sys, const TraceOptions &opt) : sys_(sys), opt_(opt) {
  sys.host().cpu().trace = this;
  sys.link().model().observe_tlps([this](bool up, PcieDirection::Stream s, ps_t a, ps_t b, uint32_t n) {
    tlps_.push_back({up, static_cast<int>(s), a, b, n});
  });
  sys.attach_wire_observer(
      [this](const WireFrame &f, ps_t start) { wire_.emplace_back(start, wire_frame_end(start, f.bytes.size())); });
}

void TraceRecorder::kfunc_enter(const cpu_thread &t, int fn, uint64_t ts_ps) {
  thread_names_.emplace(t.tid, t.name);
  open_[t.tid].emplace_back(fn, ts_ps);
}

void TraceRecorder::kfunc_exit(const cpu_thread &t, int fn, uint64_t ts_ps) {
  auto &st = open_[t.tid];
  if (st.empty() || st.back().first != fn) return;  // opened before the recorder existed
  cpu_slices_.push_back({t.tid, cpu_fn_name(fn), st.back().second, ts_ps});
  st.pop_back();
  static const int xmit = cpu_fn_id("e1000_xmit_frame"), clean = cpu_fn_id("e1000_clean_tx_irq");
  if (fn == xmit || fn == clean) sample_ring(ts_ps);
}

void TraceRecorder::pkt_event(const cpu_thread &t, uint64_t id, cpu_pkt_event ev, uint64_t ts_ps) {
  Pkt &p = pkts_[id];
  if (ev == cpu_pkt_event::queued) {
    p.queued = ts_ps;
    p.queued_tid = t.tid;
  } else {
    p.dequeued = ts_ps;  // the last time: a refused (NETDEV_TX_BUSY) packet is dequeued again
    p.dequeued_tid = t.tid;
  }
}

void TraceRecorder::sample_ring(ps_t t) {
  const e1000_ring &r = sys_.adapter().tx_ring();
  if (!r.count) return;
  const uint32_t used = (r.next_to_use + r.count - r.next_to_clean) % r.count;
  if (ring_.empty() || ring_.back().second != used) ring_.emplace_back(t, used);
}

std::string TraceRecorder::to_json() const {
  using nlohmann::json;
  // The window: the options', narrowed to the first max_packets packets.
  ps_t from = static_cast<ps_t>(opt_.from_us * 1e6), to = static_cast<ps_t>(std::min(opt_.to_us, 1e12) * 1e6);
  const auto &lat = sys_.latency().done();
  if (opt_.max_packets) {
    ps_t last = 0;
    for (const FrameLatency &f : lat)
      if (f.trace_id && f.trace_id <= opt_.max_packets) last = std::max(last, wire_frame_end(f.wire, f.frame_len + 4));
    if (last) to = std::min(to, last);
  }
  auto inside = [&](ps_t a, ps_t b) { return a >= from && b <= to; };
  auto traced = [&](uint64_t id) { return id && (!opt_.max_packets || id <= opt_.max_packets); };

  json ev = json::array();
  auto meta = [&](int pid, int tid, const char *what, const std::string &name) {
    json m = {{"ph", "M"}, {"pid", pid}, {"name", what}, {"args", {{"name", name}}}};
    if (tid >= 0) m["tid"] = tid;
    ev.push_back(m);
  };
  auto slice = [&](int pid, int tid, const std::string &name, ps_t a, ps_t b, json args = nullptr) {
    json e = {{"ph", "X"}, {"pid", pid}, {"tid", tid}, {"name", name}, {"ts", us(a)}, {"dur", us(b - a)}};
    if (!args.is_null()) e["args"] = std::move(args);
    ev.push_back(std::move(e));
  };
  // Flow steps bind to the slice that encloses them on their track ("bp":"e").
  auto flow = [&](const char *ph, uint64_t id, int pid, int tid, ps_t t) {
    ev.push_back({{"ph", ph}, {"id", id}, {"pid", pid}, {"tid", tid}, {"ts", us(t)}, {"name", "packet"},
                  {"cat", "packet"}, {"bp", "e"}});
  };

  const char *const pnames[] = {"", "host CPU", "qdisc", "TX ring", "PCIe link", "NIC", "wire (XGMII)"};
  for (int pid = kHostPid; pid <= kWirePid; ++pid) {
    meta(pid, -1, "process_name", pnames[pid]);
    ev.push_back({{"ph", "M"}, {"pid", pid}, {"name", "process_sort_index"}, {"args", {{"sort_index", pid}}}});
  }
  for (const auto &[tid, name] : thread_names_) meta(kHostPid, tid, "thread_name", name);
  meta(kPciePid, kDownTid, "thread_name", "down: host -> NIC");
  meta(kPciePid, kUpTid, "thread_name", "up: NIC -> host");
  meta(kWirePid, 1, "thread_name", "frames");

  // Host threads.
  for (const Slice &s : cpu_slices_)
    if (inside(s.start, s.end)) slice(kHostPid, s.tid, s.name, s.start, s.end);

  // The qdisc: each packet's wait.
  Lanes qlanes;
  std::map<uint64_t, int> qlane_of;
  for (const auto &[id, p] : pkts_) {
    if (!traced(id) || !p.dequeued || !inside(p.queued, p.dequeued)) continue;
    const int lane = qlanes.place(p.queued, p.dequeued);
    qlane_of[id] = lane;
    slice(kQdiscPid, lane + 1, fmt::format("pkt {}", id), p.queued, p.dequeued, {{"trace_id", id}});
  }
  for (size_t l = 0; l < qlanes.count(); ++l) meta(kQdiscPid, int(l) + 1, "thread_name", fmt::format("wait #{}", l));

  // The TX ring.
  for (const auto &[t, used] : ring_)
    if (t >= from && t <= to)
      ev.push_back({{"ph", "C"}, {"pid", kRingPid}, {"tid", 0}, {"name", "descriptors in use"}, {"ts", us(t)},
                    {"args", {{"descriptors", used}}}});

  // PCIe TLPs, named by what they carry (payload = wire bytes - header).
  const PcieConfig &pc = sys_.link().model().config();
  std::map<ps_t, ps_t> down_writes;  // end -> start of host -> NIC MWr (MMIO writes: the doorbells)
  for (const Tlp &t : tlps_) {
    if (!inside(t.start, t.end)) continue;
    std::string name;
    if (t.stream == PcieDirection::kCompletions) {
      name = fmt::format("CplD {} B", t.bytes - pc.cpl_tlp_overhead);
    } else if (t.bytes == pc.mem_tlp_overhead) {
      name = "MRd";
    } else {
      const uint32_t payload = t.bytes - pc.mem_tlp_overhead;
      if (!t.up) {
        name = fmt::format("MWr {} B (MMIO)", payload);
        down_writes[t.end] = t.start;
      } else {
        name = payload == 4 ? "MWr (MSI)" : fmt::format("MWr {} B (DD write-back)", payload);
      }
    }
    slice(kPciePid, t.up ? kUpTid : kDownTid, name, t.start, t.end, {{"wire_bytes", t.bytes}});
  }

  // NIC stages per packet and the flow that ties the packet together.
  const char *const stage_names[] = {"descriptor fetch", "data DMA", "FIFO to /S/"};
  Lanes nic_lanes[3];
  uint64_t packets = 0;
  std::vector<std::pair<ps_t, ps_t>> wire_in;
  for (const auto &w : wire_) if (inside(w.first, w.second)) wire_in.push_back(w);
  for (const auto &w : wire_in) slice(kWirePid, 1, "frame", w.first, w.second);
  for (const FrameLatency &f : lat) {
    if (!traced(f.trace_id)) continue;
    const ps_t bounds[4] = {f.mmio, f.desc, f.data, f.wire};
    const ps_t wire_end = wire_frame_end(f.wire, f.frame_len + 4);
    if (!inside(f.mmio, wire_end)) continue;
    ++packets;
    int tids[3];
    for (int k = 0; k < 3; ++k) {
      const ps_t a = bounds[k], b = std::max(bounds[k], bounds[k + 1]);
      tids[k] = (k + 1) * kLaneStride + nic_lanes[k].place(a, b);
      slice(kNicPid, tids[k], stage_names[k], a, b, {{"trace_id", f.trace_id}});
    }
    // send() side: the start at __dev_queue_xmit, the qdisc, the driver.
    auto p = pkts_.find(f.trace_id);
    if (p != pkts_.end() && inside(p->second.queued, wire_end)) {
      flow("s", f.trace_id, kHostPid, p->second.queued_tid, p->second.queued);
      if (qlane_of.count(f.trace_id))
        flow("t", f.trace_id, kQdiscPid, qlane_of[f.trace_id] + 1, p->second.queued);
      if (p->second.dequeued) flow("t", f.trace_id, kHostPid, p->second.dequeued_tid, p->second.dequeued);
    } else {
      flow("s", f.trace_id, kNicPid, tids[0], bounds[0]);
    }
    // The doorbell: the MMIO write that reached the NIC when this packet's did.
    auto d = down_writes.upper_bound(f.mmio);
    if (d != down_writes.begin()) {
      --d;
      flow("t", f.trace_id, kPciePid, kDownTid, d->second);
    }
    for (int k = 0; k < 3; ++k) flow("t", f.trace_id, kNicPid, tids[k], bounds[k]);
    flow("f", f.trace_id, kWirePid, 1, f.wire);
  }
  for (int k = 0; k < 3; ++k)
    for (size_t l = 0; l < nic_lanes[k].count(); ++l)
      meta(kNicPid, (k + 1) * kLaneStride + int(l), "thread_name", fmt::format("{} #{}", stage_names[k], l));

  json doc = {{"traceEvents", std::move(ev)},
              {"displayTimeUnit", "ns"},
              {"otherData",
               {{"generator", "wirepath --trace"},
                {"time", "simulated, ts in us (ps as decimals), as the VCD and the pcap"},
                {"cpu_costs", sys_.host().cpu().costs.source},
                {"packets", packets}}}};
  return doc.dump();
}

TraceFileStats TraceRecorder::write(const std::string &path) const {
  const std::string text = to_json();
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw std::runtime_error(fmt::format("--trace: cannot write {}", path));
  TraceFileStats st;
  st.bytes = text.size();
  const auto doc = nlohmann::json::parse(text);
  st.events = doc["traceEvents"].size();
  st.packets = doc["otherData"]["packets"].get<uint64_t>();
  return st;
}

}  // namespace wirepath

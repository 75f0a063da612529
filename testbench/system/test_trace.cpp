// --trace and the CPU time of software, end to end: a short UDP run with the
// measured costs, its Chrome trace checked for structure (valid JSON, nested
// slices, every packet's flow reaching a wire frame, wire times equal to the
// pcap's) and its costs for adding up (the app thread was busy exactly as
// long as its sendto() slices; each sendto() costs what the table says).
#include <gtest/gtest.h>

#include <pcap/pcap.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/app/scenario.hpp"
#include "sim/system.hpp"
#include "sim/trace/trace_recorder.hpp"

using namespace wirepath;
using nlohmann::json;

namespace {

constexpr int kHost = 1, kQdisc = 2, kWire = 6;

int64_t ps_of(const json &ts) { return std::llround(ts.get<double>() * 1e6); }

struct TracedRun {
  std::string pcap;
  UdpScenarioResult result;
  json trace;
  uint64_t app_busy_ps = 0;
  std::vector<FrameLatency> lat;
};

TracedRun run_traced(uint32_t datagrams, const TraceOptions &opt = {}) {
  TracedRun r;
  r.pcap = "/tmp/test_trace_" + std::to_string(getpid()) + ".pcap";
  SystemConfig cfg;
  cfg.pcap_path = r.pcap;
  cfg.cpu_costs = cpu_cost_table::measured_defaults();
  // Without BQL every datagram goes from its sendto() through the driver in
  // the app thread (with BQL a stopped queue hands some to the irq thread's
  // completion, which the by-hand sums below do not follow).
  cfg.e1000.bql = false;
  System sys("sys", cfg);
  TraceRecorder rec(sys, opt);
  UdpScenarioConfig sc;
  sc.datagrams = datagrams;
  sc.send_cost = 0;  // the kernel's own time only
  sys.app = [&](System &s) { r.result = run_udp_scenario(s, sc); };
  sys.run(100'000'000 * kNs);
  EXPECT_TRUE(sys.drained());
  r.trace = json::parse(rec.to_json());  // throws (fails the test) if not valid JSON
  for (const auto &[p, t] : sys.host().cpu_threads())
    if (t.name == "app") r.app_busy_ps = t.busy_ps;
  r.lat = sys.latency().done();
  return r;
}

std::vector<json> events(const json &doc, const std::string &ph, int pid = -1) {
  std::vector<json> v;
  for (const json &e : doc["traceEvents"])
    if (e["ph"] == ph && (pid < 0 || e["pid"] == pid)) v.push_back(e);
  return v;
}

std::vector<int64_t> pcap_times_ps(const std::string &path) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_t *p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
  EXPECT_NE(p, nullptr) << err;
  std::vector<int64_t> v;
  pcap_pkthdr *h;
  const u_char *d;
  while (p && pcap_next_ex(p, &h, &d) == 1)
    v.push_back((int64_t(h->ts.tv_sec) * 1'000'000'000 + h->ts.tv_usec) * 1000);
  if (p) pcap_close(p);
  return v;
}

}  // namespace

// Slices on one thread (Chrome 'X' events on one pid/tid) either contain one
// another or do not overlap; a packet's flow starts on the host and ends on
// the wire, at the /S/ of a frame, and the wire's frames are the pcap's.
TEST(Trace, DefaultRunTraceIsWellFormedAndEveryPacketReachesTheWire) {
  const TracedRun r = run_traced(40);
  // Nesting, per track.
  std::map<std::pair<int, int>, std::vector<std::pair<int64_t, int64_t>>> tracks;
  for (const json &e : events(r.trace, "X")) {
    const int64_t a = ps_of(e["ts"]), b = a + ps_of(e["dur"]);
    ASSERT_GE(b, a);
    tracks[{e["pid"].get<int>(), e["tid"].get<int>()}].emplace_back(a, b);
  }
  for (auto &[track, v] : tracks) {
    std::sort(v.begin(), v.end(), [](auto x, auto y) { return x.first != y.first ? x.first < y.first : x.second > y.second; });
    std::vector<int64_t> open_ends;
    for (auto [a, b] : v) {
      while (!open_ends.empty() && open_ends.back() <= a) open_ends.pop_back();
      if (!open_ends.empty()) {
        ASSERT_LE(b, open_ends.back()) << "pid " << track.first << " tid " << track.second;
      }
      open_ends.push_back(b);
    }
  }
  // Host threads are named, slices named by kernel function.
  std::set<std::string> fns;
  for (const json &e : events(r.trace, "X", kHost)) fns.insert(e["name"].get<std::string>());
  for (const char *fn : {"__sys_sendto", "sock_sendmsg", "udp_sendmsg", "ip_output", "__dev_queue_xmit",
                         "e1000_xmit_frame", "e1000_clean_tx_irq", "e1000_intr_msi"})
    EXPECT_TRUE(fns.count(fn)) << fn;
  // Wire frames: one per datagram, at the pcap's times (ns precision there).
  const auto wire = events(r.trace, "X", kWire);
  const auto pcap = pcap_times_ps(r.pcap);
  ASSERT_EQ(wire.size(), 40u);
  ASSERT_EQ(pcap.size(), 40u);
  std::set<int64_t> wire_starts;
  for (size_t i = 0; i < wire.size(); ++i) {
    EXPECT_EQ(ps_of(wire[i]["ts"]) / 1000 * 1000, pcap[i]) << "frame " << i;
    wire_starts.insert(ps_of(wire[i]["ts"]));
  }
  // Flows: every packet starts ('s') on a host thread and finishes ('f') at
  // the /S/ of a wire frame, after passing the qdisc and the NIC.
  std::map<uint64_t, std::vector<json>> flows;
  for (const char *ph : {"s", "t", "f"})
    for (const json &e : events(r.trace, ph)) flows[e["id"].get<uint64_t>()].push_back(e);
  ASSERT_EQ(flows.size(), 40u);
  for (const auto &[id, fl] : flows) {
    ASSERT_GE(fl.size(), 3u);
    EXPECT_EQ(fl.front()["ph"], "s");
    EXPECT_EQ(fl.front()["pid"], kHost) << id;
    EXPECT_EQ(fl.back()["ph"], "f");
    EXPECT_EQ(fl.back()["pid"], kWire);
    EXPECT_TRUE(wire_starts.count(ps_of(fl.back()["ts"]))) << id;
    bool qdisc = false;
    for (const json &e : fl) qdisc |= e["pid"] == kQdisc;
    EXPECT_TRUE(qdisc) << id;
    for (size_t i = 1; i < fl.size(); ++i) EXPECT_LE(ps_of(fl[i - 1]["ts"]), ps_of(fl[i]["ts"])) << id;
  }
}

// The app thread runs only sendto(): it was busy exactly the sum of its
// sendto() slices, each of which costs the table's per-call figures of the
// functions it ran plus the copy's per-byte figure, and the doorbell of each
// datagram rings when its e1000_xmit_frame slice ends.
TEST(Trace, SoftwareCostsAddUpAndTheDoorbellFollowsTheSoftware) {
  const TracedRun r = run_traced(12);
  const cpu_cost_table t = cpu_cost_table::measured_defaults();
  int app_tid = -1;
  for (const json &e : events(r.trace, "M", kHost))
    if (e["name"] == "thread_name" && e["args"]["name"] == "app") app_tid = e["tid"];
  std::vector<json> sendto, xmit;
  for (const json &e : events(r.trace, "X", kHost)) {
    if (e["tid"] != app_tid) continue;
    if (e["name"] == "__sys_sendto") sendto.push_back(e);
    if (e["name"] == "e1000_xmit_frame") xmit.push_back(e);
  }
  ASSERT_EQ(sendto.size(), 12u);
  int64_t sum = 0;
  for (const json &e : sendto) sum += ps_of(e["dur"]);
  EXPECT_EQ(uint64_t(sum), r.app_busy_ps);
  // By hand from the table: the per-call costs of the 14 functions a
  // connected UDP sendto() runs with checksum offload, + the copy per byte.
  int64_t per_call_ps = 0;
  for (const char *fn : {"__sys_sendto", "sock_sendmsg", "udp_sendmsg", "ip_make_skb", "sock_alloc_send_skb",
                         "skb_copy_from_user", "udp_send_skb", "ip_local_out", "ip_output", "ip_finish_output2",
                         "__dev_queue_xmit", "qdisc_run", "dev_hard_start_xmit", "e1000_xmit_frame"})
    per_call_ps += std::llround(t.entries().at(fn).per_call_ns * 1000);
  const double per_byte = t.entries().at("skb_copy_from_user").per_byte_ns;
  ASSERT_EQ(r.result.payload_sizes.size(), 12u);
  for (size_t i = 0; i < sendto.size(); ++i) {
    const int64_t copy_ps = std::llround(per_byte * r.result.payload_sizes[i] * 1000);
    EXPECT_NEAR(ps_of(sendto[i]["dur"]), per_call_ps + copy_ps, 1) << "datagram " << i;
  }
  // The doorbell rings (LatencyTracker's doorbell) as e1000_xmit_frame ends.
  ASSERT_EQ(xmit.size(), 12u);
  ASSERT_EQ(r.lat.size(), 12u);
  for (size_t i = 0; i < xmit.size(); ++i)
    EXPECT_EQ(int64_t(r.lat[i].doorbell), ps_of(xmit[i]["ts"]) + ps_of(xmit[i]["dur"])) << i;
}

// --trace-packets N keeps the first N packets' flows and nothing after them.
TEST(Trace, PacketLimitKeepsTheFirstPackets) {
  TraceOptions opt;
  opt.max_packets = 5;
  const TracedRun r = run_traced(30, opt);
  std::set<uint64_t> ids;
  for (const json &e : events(r.trace, "f")) ids.insert(e["id"].get<uint64_t>());
  EXPECT_EQ(ids, (std::set<uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(r.trace["otherData"]["packets"], 5);
  int64_t last_wire_end = 0;
  for (const json &e : events(r.trace, "X", kWire))
    last_wire_end = std::max(last_wire_end, ps_of(e["ts"]) + ps_of(e["dur"]));
  for (const json &e : events(r.trace, "X")) EXPECT_LE(ps_of(e["ts"]) + ps_of(e["dur"]), last_wire_end);
}

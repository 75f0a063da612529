// Traffic control through the whole system (stack -> qdisc -> driver ->
// PCIe -> Verilated NIC -> wire): HTB shares measured on the wire, and the
// `tc -s` counters equal to the frames on the wire and the drop counters.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <map>

#include <fmt/format.h>

#include "sim/app/tc/tc.hpp"
#include "sim/system.hpp"
#include "stack/sched/sch_generic.hpp"

using namespace wirepath;

namespace {

constexpr ps_t kCycle = 6400;  // NIC clock: 156.25 MHz, 64 bits a cycle = 10 Gb/s

uint16_t dport_of(const WireFrame &f) { return static_cast<uint16_t>(f.bytes[36] << 8 | f.bytes[37]); }

// Two UDP sockets (ports 5001, 5002) sending 1472-byte datagrams without
// blocking, as fast as their send buffers allow, until `until`.
void two_senders(System &s, ps_t until) {
  files_struct &st = s.files();
  int fds[2];
  for (int i = 0; i < 2; ++i) {
    fds[i] = st.socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_GE(fds[i], 0);
    const sockaddr_in_host local{AF_INET, static_cast<uint16_t>(4001 + i), s.config().net.local_ip};
    const sockaddr_in_host peer{AF_INET, static_cast<uint16_t>(5001 + i), s.config().net.peer_ip};
    ASSERT_EQ(st.bind(fds[i], &local), 0);
    ASSERT_EQ(st.connect(fds[i], &peer), 0);
  }
  std::vector<uint8_t> payload(1472, 0x5a);
  ps_t t = 0;
  while (t < until) {
    for (int fd : fds)
      for (int k = 0; k < 8; ++k)
        if (st.send(fd, payload.data(), payload.size(), MSG_DONTWAIT) < 0) break;
    s.cpu_work(500 * kNs);
    t += 500 * kNs;
  }
}

// BQL off unless asked: HtbRatesWithBqlOn below runs it with BQL and the
// interrupt moderation BQL relies on.
SystemConfig config(bool bql = false) {
  SystemConfig cfg;
  cfg.keep_frames = true;
  cfg.pcap_path.clear();
  cfg.e1000.bql = bql;
  return cfg;
}

// Two HTB classes of 3 and 7 Gbit/s (rates in wire bytes: overhead 24 for
// FCS, preamble, IFG) under a 10 Gbit/s parent; dport 5001 goes to 1:10.
const char *const kHtb37 =
    "qdisc add dev eth0 root handle 1: htb default 20\n"
    "class add dev eth0 parent 1: classid 1:1 htb rate 10gbit overhead 24\n"
    "class add dev eth0 parent 1:1 classid 1:10 htb rate 3gbit ceil 10gbit overhead 24\n"
    "class add dev eth0 parent 1:1 classid 1:20 htb rate 7gbit ceil 10gbit overhead 24\n"
    "filter add dev eth0 parent 1: protocol ip prio 1 u32 match ip dport 5001 0xffff flowid 1:10\n";

// Wire bytes (frame + preamble + IFG) per destination port over [0.5 ms, 2 ms).
std::map<uint16_t, uint64_t> wire_bytes_by_port(const System &sys) {
  std::map<uint16_t, uint64_t> wire_bytes;
  const uint64_t from = 500'000 * kNs / kCycle, to = 2'000'000 * kNs / kCycle;
  for (const WireFrame &f : sys.frames())
    if (f.start_cycle >= from && f.start_cycle < to) wire_bytes[dport_of(f)] += f.bytes.size() + 20;
  return wire_bytes;
}

}  // namespace

// HTB classes of 3 and 7 Gbit/s under a 10 Gbit/s parent, rates counted in
// wire bytes (overhead 24: FCS, preamble, IFG), both senders backlogged:
// on the wire each class gets its rate, within 2%, over [0.5 ms, 2 ms).
TEST(TcSystem, HtbClassesGetTheirRatesOnTheWire) {
  SystemConfig cfg = config();
  System sys("sys", cfg);
  std::string err;
  ASSERT_TRUE(tc::tc_batch(&sys.netdev(),
                           kHtb37,
                           &err))
      << err;
  sys.app = [&](System &s) { two_senders(s, 2'200'000 * kNs); };
  sys.run(100'000'000'000ull);
  ASSERT_TRUE(sys.app_done());
  std::map<uint16_t, uint64_t> wire_bytes = wire_bytes_by_port(sys);
  const double secs = 1.5e-3;
  const double r1 = wire_bytes[5001] * 8 / secs, r2 = wire_bytes[5002] * 8 / secs;
  std::printf("wire: class 1:10 %.3f Gbit/s, class 1:20 %.3f Gbit/s\n", r1 / 1e9, r2 / 1e9);
  EXPECT_NEAR(r1, 3e9, 3e9 * 0.02);
  EXPECT_NEAR(r2, 7e9, 7e9 * 0.02);

  // tc -s: the root's Sent is every frame on the wire (bytes without the FCS), nothing dropped.
  const Qdisc *root = sys.netdev().qdisc.get();
  uint64_t bytes = 0;
  for (const WireFrame &f : sys.frames()) bytes += f.bytes.size() - 4;
  EXPECT_TRUE(sys.drained());
  EXPECT_EQ(root->bstats.packets, sys.frames().size());
  EXPECT_EQ(root->bstats.bytes, bytes);
  EXPECT_EQ(root->qstats.drops, 0u);
  const std::string show = tc::tc_qdisc_show(&sys.netdev(), true);
  EXPECT_NE(show.find(fmt::format(" Sent {} bytes {} pkt (dropped 0,", bytes, sys.frames().size())), std::string::npos)
      << show;
}

// A TBF with a small limit drops: tc -s shows Sent = the frames on the wire and
// dropped = the skbs freed with QDISC_DROP; sent + dropped = datagrams sent.
TEST(TcSystem, TcCountersEqualTheWireAndTheDropCounters) {
  SystemConfig cfg = config();
  System sys("sys", cfg);
  std::string err;
  ASSERT_TRUE(tc::tc_batch(&sys.netdev(), "qdisc add dev eth0 root handle 1: tbf rate 1gbit burst 10kb limit 6000\n",
                           &err))
      << err;
  int sent = 0;
  sys.app = [&](System &s) {
    files_struct &st = s.files();
    const int fd = st.socket(AF_INET, SOCK_DGRAM, 0);
    const sockaddr_in_host peer{AF_INET, 5001, s.config().net.peer_ip};
    ASSERT_EQ(st.connect(fd, &peer), 0);
    std::vector<uint8_t> payload(1000, 1);
    for (int i = 0; i < 200; ++i) {
      if (st.send(fd, payload.data(), payload.size(), 0) == 1000) ++sent;
      s.cpu_work(1000 * kNs);  // 8 Gbit/s offered to a 1 Gbit/s bucket
    }
  };
  sys.run(100'000'000'000ull);
  ASSERT_TRUE(sys.app_done());
  EXPECT_TRUE(sys.drained());
  const Qdisc *root = sys.netdev().qdisc.get();
  const uint64_t qdisc_drops = skb_counters().dropped[static_cast<int>(skb_drop_reason::QDISC_DROP)];
  EXPECT_GT(qdisc_drops, 0u);
  EXPECT_EQ(root->qstats.drops, qdisc_drops);
  EXPECT_EQ(root->bstats.packets, sys.frames().size());
  EXPECT_EQ(root->bstats.packets + qdisc_drops, static_cast<uint64_t>(sent));
  uint64_t bytes = 0;
  for (const WireFrame &f : sys.frames()) bytes += f.bytes.size() - 4;
  EXPECT_EQ(root->bstats.bytes, bytes);
  const std::string show = tc::tc_qdisc_show(&sys.netdev(), true);
  EXPECT_NE(show.find(fmt::format(" Sent {} bytes {} pkt (dropped {}, overlimits", bytes, sys.frames().size(),
                                  qdisc_drops)),
            std::string::npos)
      << show;
}

// The same 3/7 Gbit/s HTB split with BQL on (Linux's default), and the NIC's
// interrupts throttled to 20000/s as e1000e does. Without moderation every
// packet completes on its own interrupt, dql never sees the queue starved
// (two frames are always still between doorbell and completion, ~5 us),
// its limit stays at 2 frames and the link runs at 6.7 Gbit/s (1:20 at 3.7).
TEST(TcSystem, HtbRatesWithBqlOn) {
  SystemConfig cfg = config(true);
  cfg.e1000.itr = 20000;
  System sys("sys", cfg);
  std::string err;
  ASSERT_TRUE(tc::tc_batch(&sys.netdev(),
                           kHtb37,
                           &err))
      << err;
  sys.app = [&](System &s) { two_senders(s, 2'200'000 * kNs); };
  sys.run(100'000'000'000ull);
  ASSERT_TRUE(sys.app_done());
  std::map<uint16_t, uint64_t> wire_bytes = wire_bytes_by_port(sys);
  const double r1 = wire_bytes[5001] * 8 / 1.5e-3, r2 = wire_bytes[5002] * 8 / 1.5e-3;
  std::printf("wire (BQL on): class 1:10 %.3f Gbit/s, class 1:20 %.3f Gbit/s, BQL stops %llu, limit %u\n", r1 / 1e9,
              r2 / 1e9, static_cast<unsigned long long>(sys.netdev().bql_stops), sys.netdev().dql.limit);
  EXPECT_NEAR(r1, 3e9, 3e9 * 0.02);
  EXPECT_NEAR(r2, 7e9, 7e9 * 0.02);
  // Moderated: many completions an interrupt, so dql grew past two frames.
  EXPECT_LT(sys.adapter().stats().irqs * 8, sys.adapter().stats().cleaned);
  EXPECT_GT(sys.netdev().dql.limit, 8u * 1514);
}

// Whole system: stack -> driver -> PCIe model -> Verilated NIC -> wire.
#include <gtest/gtest.h>

#include <random>

#include <zlib.h>

#include "sim/app/scenario.hpp"
#include "sim/system.hpp"

using namespace wirepath;

namespace {

uint16_t be16(const uint8_t *p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t *p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }

// Internet checksum (RFC 1071) written out here, independent of the stack's.
uint16_t fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}
uint32_t add_bytes(uint32_t sum, const uint8_t *p, size_t n) {
  for (size_t i = 0; i + 1 < n; i += 2) sum += be16(p + i);
  if (n & 1) sum += uint32_t(p[n - 1]) << 8;
  return sum;
}

struct Sent {
  std::vector<uint8_t> payload;
};

SystemConfig small_config() {
  SystemConfig cfg;
  cfg.keep_frames = true;
  return cfg;
}

// Sends `payloads` from a connected UDP socket, one per send_cost.
void send_all(System &s, const std::vector<std::vector<uint8_t>> &payloads, ps_t send_cost, int *errors) {
  files_struct &st = s.files();
  const int fd = st.socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  const sockaddr_in_host local{AF_INET, 4000, s.config().net.local_ip};
  const sockaddr_in_host peer{AF_INET, 7000, s.config().net.peer_ip};
  ASSERT_EQ(st.bind(fd, &local), 0);
  ASSERT_EQ(st.connect(fd, &peer), 0);
  for (const auto &p : payloads) {
    s.cpu_work(send_cost);
    const long n = st.send(fd, p.data(), p.size(), 0);
    if (n != static_cast<long>(p.size())) (*errors)++;
  }
  s.wait_for_frames(payloads.size(), 20'000'000 * kNs);
}

std::vector<std::vector<uint8_t>> random_payloads(size_t n, uint32_t max_len, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<uint8_t>> out(n);
  for (auto &p : out) {
    p.resize(1 + rng() % max_len);
    for (auto &b : p) b = static_cast<uint8_t>(rng());
  }
  return out;
}

// Checks frame == Ethernet + IPv4 + UDP headers + payload, all fields exact.
void expect_udp_frame(const SystemConfig &cfg, const WireFrame &f, const std::vector<uint8_t> &payload,
                      uint16_t expect_id) {
  const size_t l2 = 14, l3 = 20, l4 = 8;
  const size_t frame_len = std::max<size_t>(l2 + l3 + l4 + payload.size(), 60);
  ASSERT_EQ(f.bytes.size(), frame_len + 4);
  EXPECT_TRUE(f.fcs_ok);
  EXPECT_TRUE(f.preamble_ok);
  const uint8_t *e = f.bytes.data();
  // FCS against zlib's crc32, little-endian on the wire.
  const uint32_t crc = crc32(0, e, static_cast<uInt>(frame_len));
  EXPECT_EQ(e[frame_len] | e[frame_len + 1] << 8 | e[frame_len + 2] << 16 | uint32_t(e[frame_len + 3]) << 24, crc);
  EXPECT_TRUE(std::equal(e, e + 6, cfg.net.peer_mac.begin()));
  EXPECT_TRUE(std::equal(e + 6, e + 12, cfg.net.local_mac.begin()));
  EXPECT_EQ(be16(e + 12), 0x0800);
  const uint8_t *ip = e + l2;
  EXPECT_EQ(ip[0], 0x45);
  EXPECT_EQ(ip[1], 0);  // TOS
  EXPECT_EQ(be16(ip + 2), l3 + l4 + payload.size());
  EXPECT_EQ(be16(ip + 4), expect_id);
  EXPECT_EQ(be16(ip + 6), 0x4000);  // DF, offset 0
  EXPECT_EQ(ip[8], 64);
  EXPECT_EQ(ip[9], 17);
  EXPECT_EQ(be32(ip + 12), cfg.net.local_ip);
  EXPECT_EQ(be32(ip + 16), cfg.net.peer_ip);
  EXPECT_EQ(fold(add_bytes(0, ip, l3)), 0xffff);  // header checksum verifies
  const uint8_t *udp = ip + l3;
  EXPECT_EQ(be16(udp), 4000);
  EXPECT_EQ(be16(udp + 2), 7000);
  EXPECT_EQ(be16(udp + 4), l4 + payload.size());
  uint32_t sum = add_bytes(0, ip + 12, 8) + 17 + l4 + payload.size();
  sum = add_bytes(sum, udp, l4 + payload.size());
  EXPECT_NE(be16(udp + 6), 0);  // a zero would mean "no checksum"
  EXPECT_EQ(fold(sum), 0xffff);
  EXPECT_TRUE(std::equal(payload.begin(), payload.end(), udp + l4));
  for (size_t i = l2 + l3 + l4 + payload.size(); i < frame_len; i++) EXPECT_EQ(e[i], 0) << "pad byte " << i;
}

uint16_t first_id(const WireFrame &f) { return be16(f.bytes.data() + 14 + 4); }

// Runs the payloads through a system built from cfg and checks that every one
// left exactly once, in order, byte-exact, with consecutive IP IDs, and that
// no skb was leaked or dropped.
void expect_all_sent_exactly(System &sys, const SystemConfig &cfg, const std::vector<std::vector<uint8_t>> &payloads,
                             ps_t send_cost) {
  int errors = 0;
  sys.app = [&](System &s) { send_all(s, payloads, send_cost, &errors); };
  sys.run(100'000'000'000ull);
  ASSERT_TRUE(sys.app_done());
  EXPECT_TRUE(sys.drained());
  EXPECT_EQ(errors, 0);
  ASSERT_EQ(sys.frames().size(), payloads.size());
  EXPECT_EQ(sys.wire().fcs_errors, 0u);
  const uint16_t id0 = first_id(sys.frames()[0]);
  for (size_t i = 0; i < payloads.size(); i++)
    expect_udp_frame(cfg, sys.frames()[i], payloads[i], static_cast<uint16_t>(id0 + i));
  EXPECT_EQ(skb_counters().live(), 0u);
  EXPECT_EQ(skb_counters().total_dropped(), 0u);
}

}  // namespace

// N datagrams in -> exactly N frames out, in order, byte-exact, no FCS errors.
TEST(UdpSystem, EveryDatagramLeavesOnceInOrderByteExact) {
  SystemConfig cfg = small_config();
  const auto payloads = random_payloads(120, 1472, 7);
  System sys("sys", cfg);
  expect_all_sent_exactly(sys, cfg, payloads, 500 * kNs);
  EXPECT_EQ(sys.latency().done().size(), payloads.size());
  EXPECT_EQ(sys.adapter().stats().busy, 0u);
}

// A 16-entry ring wraps many times; buffers split at 256 B so packets span
// several descriptors; nothing is lost or reordered.
TEST(UdpSystem, SmallRingWrapsWithMultiDescriptorPackets) {
  SystemConfig cfg = small_config();
  cfg.e1000.tx_ring_count = 16;
  cfg.e1000.stop_threshold = 8;
  cfg.e1000.max_per_txd = 256;
  const auto payloads = random_payloads(100, 1472, 11);
  System sys("sys", cfg);
  expect_all_sent_exactly(sys, cfg, payloads, 0);
  uint64_t descs = 0;
  for (const auto &p : payloads) descs += (42 + p.size() + 255) / 256;
  EXPECT_GT(descs, 16u * 5);  // the ring wrapped at least 5 times
  EXPECT_GT(sys.adapter().stats().restart_queue, 0u);  // and the queue stopped and woke
}

// Without the early queue stop the ring fills: the driver answers
// NETDEV_TX_BUSY, the qdisc requeues, the wake after completion resends.
TEST(UdpSystem, FullRingReturnsBusyAndLosesNothing) {
  SystemConfig cfg = small_config();
  cfg.e1000.tx_ring_count = 32;
  cfg.e1000.stop_threshold = 0;
  cfg.e1000.bql = false;  // with BQL the queue stops on bytes long before 32 descriptors fill
  const auto payloads = random_payloads(200, 1472, 13);
  System sys("sys", cfg);
  expect_all_sent_exactly(sys, cfg, payloads, 0);
  EXPECT_GT(sys.adapter().stats().busy, 0u);
  EXPECT_GT(sys.netdev().stats.tx_busy, 0u);
}

// Latency parts are causal and add up; an unloaded frame's total is the sum of
// the MMIO write, one descriptor read and one data read, plus the MAC.
TEST(UdpSystem, LatencyStagesAddUpAndMatchTheBusModel) {
  SystemConfig cfg = small_config();
  // One 64-byte payload every 20 us: no queueing anywhere.
  std::vector<std::vector<uint8_t>> payloads(10, std::vector<uint8_t>(64, 0xA5));
  int errors = 0;
  System sys("sys", cfg);
  sys.app = [&](System &s) { send_all(s, payloads, 20'000 * kNs, &errors); };
  sys.run(100'000'000'000ull);
  ASSERT_EQ(sys.latency().done().size(), payloads.size());
  for (const FrameLatency &f : sys.latency().done()) {
    EXPECT_LE(f.doorbell, f.mmio);
    EXPECT_LE(f.mmio, f.desc);
    EXPECT_LE(f.desc, f.data);
    EXPECT_LT(f.data, f.wire);
    // MMIO write: CPU->root port + link + one 28-B TLP (3.6 ns), rounded up to a NIC cycle.
    EXPECT_GE(f.mmio - f.doorbell, cfg.pcie.cpu_mmio_latency + cfg.pcie.link_latency);
    EXPECT_LE(f.mmio - f.doorbell, cfg.pcie.cpu_mmio_latency + cfg.pcie.link_latency + 4 * kNs + 4 * 6400);
    // Each fetch is one DMA read round trip (~574 ns for <= 64 B) plus a few cycles.
    EXPECT_GE(f.desc - f.mmio, 560 * kNs);
    EXPECT_LE(f.desc - f.mmio, 700 * kNs);
    EXPECT_GE(f.data - f.desc, 560 * kNs);
    EXPECT_LE(f.data - f.desc, 750 * kNs);
    EXPECT_LE(f.wire - f.data, 200 * kNs);
  }
}

// Soak: many random UDP datagrams through the whole system (stack, driver,
// PCIe model, Verilated NIC, wire, link partner) with the conservation check:
// every datagram send() accepted is on the wire exactly once with all its
// fragments, or it is missing and a drop was counted for it; no frame is on
// the wire twice, none is foreign, none has a bad FCS, no skb is left live.
//
// The run is split into segments (--segment datagrams each). Each segment is
// a child process (SystemC elaborates once per process) with its own random
// configuration: payload sizes up to 8000 bytes (IP fragmentation above
// 1472), checksum offload and TSO on or off, TX rings of 24..256
// descriptors, the peer resolved by ARP or static, SNAT/MASQUERADE rules or
// none, and bursty sends. Not a ctest: build/bench/soak --help.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <systemc>

#include "sim/app/iptables.hpp"
#include "sim/sc_time_util.hpp"
#include "sim/system.hpp"
#include "stack/core/skbuff.hpp"

using namespace wirepath;

namespace {

constexpr uint32_t kMagic = 0x50414b53;  // "SKAP": our datagrams' first payload bytes

struct Segment {
  uint64_t index = 0, seed = 1;
  uint32_t datagrams = 0;
  uint32_t ring = 256, max_payload = 1472;
  bool offload = true, arp = false, nat = false;
  uint32_t burst_ns = 1000;  // mean CPU time between sends
};

struct SegResult {
  uint64_t accepted = 0, send_errors = 0, wire_frames = 0, arp_frames = 0, complete = 0, incomplete = 0;
  uint64_t duplicates = 0, foreign = 0, fcs_errors = 0, drops = 0, rx_drops = 0, live = 0, wire_bytes = 0;
  uint64_t by_reason[static_cast<int>(skb_drop_reason::NUM_REASONS)] = {};
  double sim_us = 0;
  int ok = 0;
};

Segment g_seg;  // the child's segment, for sc_main

// Drops on the receive path (frames from the partner: the echo service's
// replies to port 7, ARP). They cannot account for a missing datagram of
// ours, so the conservation check counts only the others.
bool rx_reason(skb_drop_reason r) {
  switch (r) {
    case skb_drop_reason::OTHERHOST:
    case skb_drop_reason::IP_CSUM:
    case skb_drop_reason::IP_INHDR:
    case skb_drop_reason::IP_INADDRERRORS:
    case skb_drop_reason::IP_NOPROTO:
    case skb_drop_reason::UNHANDLED_PROTO:
    case skb_drop_reason::PKT_LEN:
    case skb_drop_reason::NO_SOCKET:
    case skb_drop_reason::SOCKET_RCVBUFF: return true;
    default: return false;
  }
}

Segment draw_segment(uint64_t seed, uint64_t index, uint32_t n) {
  std::mt19937_64 rng(seed * 1000003u + index);
  Segment s;
  s.index = index;
  s.seed = rng();
  s.datagrams = n;
  const uint32_t rings[] = {24, 32, 64, 256};
  s.ring = rings[rng() % 4];
  s.max_payload = rng() % 3 == 0 ? 8000 : 1472;
  s.offload = rng() % 2;
  s.arp = rng() % 3 == 0;
  s.nat = rng() % 2;
  s.burst_ns = rng() % 2 ? 200 : 1500;
  return s;
}

std::string describe(const Segment &s) {
  return fmt::format("ring {:>3} sizes 8..{:<4} offload {:<3} {:<6} {:<5} gap {:>4} ns", s.ring, s.max_payload,
                     s.offload ? "on" : "off", s.arp ? "arp" : "static", s.nat ? "nat" : "-", s.burst_ns);
}

const char *kNatRules =
    "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
    "-A POSTROUTING -o eth0 -p udp --dport 9 -j SNAT --to-source 10.0.0.1:40000-40100\n"
    "-A POSTROUTING -o eth0 -p udp -j MASQUERADE --to-ports 30000-30100\n"
    "COMMIT\n";

uint16_t be16(const uint8_t *p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t *p) { return static_cast<uint32_t>(be16(p)) << 16 | be16(p + 2); }

// One segment, in the child: returns its result.
SegResult run_segment(const Segment &seg) {
  SystemConfig cfg;
  cfg.seed = seg.seed;
  cfg.e1000.tx_ring_count = seg.ring;
  cfg.net.static_neighbours = !seg.arp;
  cfg.keep_frames = true;
  if (!seg.offload) cfg.disable_features = NETIF_F_IP_CSUM | NETIF_F_TSO;
  System sys("sys", cfg);
  if (seg.nat) {
    std::string err;
    if (iptables_restore(sys.stack(), kNatRules, &err)) throw std::runtime_error("soak: nat rules: " + err);
  }
  // Each accepted datagram: its payload length (for its fragment count).
  std::vector<uint32_t> len_of;
  std::vector<bool> accepted;
  SegResult r;
  sys.app = [&](System &s) {
    files_struct &st = s.files();
    std::mt19937_64 rng(seg.seed);
    const int fd = st.socket(AF_INET, SOCK_DGRAM, 0);
    std::vector<uint8_t> payload;
    for (uint32_t i = 0; i < seg.datagrams; ++i) {
      const uint32_t len = 8 + static_cast<uint32_t>(rng() % (seg.max_payload - 7));
      payload.resize(len);
      for (auto &b : payload) b = static_cast<uint8_t>(rng());
      const uint32_t tag[2] = {kMagic, i};
      for (int k = 0; k < 8; ++k) payload[k] = static_cast<uint8_t>(tag[k / 4] >> (24 - 8 * (k % 4)));
      const sockaddr_in_host to{AF_INET, static_cast<uint16_t>(rng() % 4 ? 9 : 7), s.config().net.peer_ip};
      s.cpu_work((rng() % (2 * seg.burst_ns + 1)) * kNs);
      const long n = st.sendto(fd, payload.data(), len, 0, &to);
      len_of.push_back(len);
      accepted.push_back(n >= 0);
      (n >= 0 ? r.accepted : r.send_errors)++;
    }
    st.close(fd);
    s.wait_for_tx_idle(100'000'000 * kNs);
  };
  sys.run(3'600'000'000'000'000ull);  // an hour of simulated time at most

  // Every frame on the wire: ARP, or a fragment of one of our datagrams.
  std::vector<uint32_t> first_seen(seg.datagrams, 0);
  std::map<uint16_t, uint32_t> id_to_tag;     // IP ID of a first fragment -> datagram
  std::map<uint16_t, uint32_t> frags_by_id;  // IP ID -> fragments seen
  for (const WireFrame &f : sys.frames()) {
    const uint8_t *b = f.bytes.data();
    r.wire_bytes += f.bytes.size();
    if (!f.fcs_ok) ++r.fcs_errors;
    if (f.bytes.size() >= 14 + 28 && be16(b + 12) == 0x0806) {
      ++r.arp_frames;
      continue;
    }
    if (f.bytes.size() < 14 + 20 + 4 || be16(b + 12) != 0x0800 || b[14 + 9] != 17) {
      ++r.foreign;
      continue;
    }
    const size_t ihl = (b[14] & 0xf) * 4u;
    const uint16_t id = be16(b + 14 + 4), frag = be16(b + 14 + 6) & 0x1fff;
    ++frags_by_id[id];
    if (frag) continue;
    const uint8_t *p = b + 14 + ihl + 8;
    if (f.bytes.size() < 14 + ihl + 8 + 8 + 4 || be32(p) != kMagic || be32(p + 4) >= seg.datagrams) {
      ++r.foreign;
      continue;
    }
    const uint32_t tag = be32(p + 4);
    if (first_seen[tag]++) ++r.duplicates;
    id_to_tag[id] = tag;
  }
  r.wire_frames = sys.wire().frames;
  for (uint32_t i = 0; i < seg.datagrams; ++i) {
    if (!accepted[i]) continue;
    if (first_seen[i] == 0) {
      ++r.incomplete;
      continue;
    }
    ++r.complete;
  }
  // Fragments: each datagram seen has exactly ceil((len + 8) / 1480) frames.
  for (const auto &[id, tag] : id_to_tag) {
    const uint32_t want = (len_of[tag] + 8 + 1479) / 1480;
    if (frags_by_id[id] != want) {
      --r.complete;
      ++r.incomplete;
    }
  }
  const skb_stats &sk = skb_counters();
  for (int i = 0; i < static_cast<int>(skb_drop_reason::NUM_REASONS); ++i)
  {
    (rx_reason(static_cast<skb_drop_reason>(i)) ? r.rx_drops : r.drops) += sk.dropped[i];
    r.by_reason[i] = sk.dropped[i];
  }
  r.live = sk.live();
  r.sim_us = static_cast<double>(now_ps()) / 1e6;
  r.ok = r.duplicates == 0 && r.foreign == 0 && r.fcs_errors == 0 && r.live == 0 && r.incomplete <= r.drops &&
         r.complete + r.incomplete == r.accepted && sys.drained();
  return r;
}

}  // namespace

int sc_main(int, char **) {
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  const SegResult r = run_segment(g_seg);
  if (write(STDOUT_FILENO, &r, sizeof r) != static_cast<ssize_t>(sizeof r)) return 3;
  return 0;
}

int main(int argc, char **argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  CLI::App cli{"soak: random UDP datagrams through the whole system, with the conservation check"};
  uint64_t packets = 1'000'000, seed = 1;
  uint32_t segment = 20'000;
  unsigned jobs = 1;
  cli.add_option("-n,--packets", packets, "datagrams in all")->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  cli.add_option("--segment", segment, "datagrams per segment (one random configuration, one process)")
      ->check(CLI::Range(1u, 1'000'000u));
  cli.add_option("--seed", seed, "seed of the segments' configurations and traffic");
  cli.add_option("-j,--jobs", jobs, "segments run at once")->check(CLI::Range(1u, 64u));
  CLI11_PARSE(cli, argc, argv);

  const auto t0 = std::chrono::steady_clock::now();
  const uint64_t nseg = (packets + segment - 1) / segment;
  SegResult sum;
  uint64_t failed = 0;
  struct Child {
    pid_t pid;
    int fd;
    Segment seg;
  };
  std::vector<Child> running;
  auto reap = [&](Child c) {
    SegResult r{};
    const ssize_t got = read(c.fd, &r, sizeof r);
    close(c.fd);
    int status = 0;
    waitpid(c.pid, &status, 0);
    const bool ran = got == static_cast<ssize_t>(sizeof r) && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!ran || !r.ok) ++failed;
    fmt::print("segment {:>4} {}: {:>6} sent {:>4} errs {:>7} frames {:>3} arp {:>4} missing {:>4} drops "
               "({:>4} rx) {} {}\n",
               c.seg.index, describe(c.seg), r.accepted, r.send_errors, r.wire_frames, r.arp_frames, r.incomplete,
               r.drops, r.rx_drops, ran ? fmt::format("{:.0f} us", r.sim_us) : "CRASHED", ran && r.ok ? "ok" : "FAIL");
    std::string why;
    for (int i = 0; i < static_cast<int>(skb_drop_reason::NUM_REASONS); ++i)
      if (r.by_reason[i] && !rx_reason(static_cast<skb_drop_reason>(i)))
        why += fmt::format("  {} {}", skb_drop_reason_name(static_cast<skb_drop_reason>(i)), r.by_reason[i]);
    if (!why.empty()) fmt::print("  transmit-path drops:{}\n", why);
    if (ran && !r.ok)
      fmt::print("  duplicates {} foreign {} fcs errors {} skbs live {}\n", r.duplicates, r.foreign, r.fcs_errors, r.live);
    std::fflush(stdout);
    sum.accepted += r.accepted;
    sum.send_errors += r.send_errors;
    sum.wire_frames += r.wire_frames;
    sum.wire_bytes += r.wire_bytes;
    sum.arp_frames += r.arp_frames;
    sum.incomplete += r.incomplete;
    sum.drops += r.drops;
    sum.rx_drops += r.rx_drops;
    sum.duplicates += r.duplicates;
    sum.sim_us += r.sim_us;
  };
  for (uint64_t i = 0; i < nseg; ++i) {
    Segment seg = draw_segment(seed, i, static_cast<uint32_t>(std::min<uint64_t>(segment, packets - i * segment)));
    int p[2];
    if (pipe(p)) return 3;
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid == 0) {
      close(p[0]);
      dup2(p[1], STDOUT_FILENO);
      g_seg = seg;
      char *args[] = {argv[0], nullptr};
      _exit(sc_core::sc_elab_and_sim(1, args));
    }
    close(p[1]);
    running.push_back({pid, p[0], seg});
    if (running.size() >= jobs) {
      reap(running.front());
      running.erase(running.begin());
    }
  }
  for (auto &c : running) reap(c);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fmt::print("soak: {} datagrams in {} segments: {} accepted, {} send errors, {} frames ({} bytes, {} ARP) on the "
             "wire, {} missing with {} TX-path drops counted ({} received frames dropped), {} duplicates; {:.1f} ms "
             "simulated\n",
             packets, nseg, sum.accepted, sum.send_errors, sum.wire_frames, sum.wire_bytes, sum.arp_frames,
             sum.incomplete, sum.drops, sum.rx_drops, sum.duplicates, sum.sim_us / 1000);
  fmt::print("soak: {:.1f} s wall, {:.0f} datagrams/s; {}\n", wall, static_cast<double>(packets) / wall,
             failed ? fmt::format("{} segments FAILED the conservation check", failed) : "conservation holds");
  return failed ? 1 : 0;
}

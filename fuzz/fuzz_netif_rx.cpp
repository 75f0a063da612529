// libFuzzer target: the receive path. Crafted Ethernet frames (ARP, IPv4
// with fragments, TCP, UDP, ICMP, anything) go through netif_rx_frame into a
// stack with open UDP and TCP sockets, conntrack and NAT rules. After the
// frames, every timer runs out (fragment queues, retransmits, TIME_WAIT) and
// every socket is closed: then no skb may be live and, once the namespace is
// gone, no block of host memory (KernelHeap) may be left allocated.
//
// Input: one byte of switches, then frames, each a 2-byte big-endian length
// and that many bytes (DA..payload, no FCS). Switches: bit 0 fixes the IPv4
// header checksum, bit 1 the TCP/UDP/ICMP checksum, bit 2 writes our MAC as
// DA, bit 3 our address as the IPv4 destination (so the fuzzer gets past the
// first checks without having to guess a checksum).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "fake_netdev.hpp"
#include "sim/app/iptables.hpp"
#include "stack/core/byteorder.hpp"
#include "stack/core/checksum.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/core/skbuff.hpp"
#include "stack/ethernet/eth.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/kernel/kmalloc.hpp"
#include "stack/kernel/phys_mem.hpp"
#include "stack/socket.hpp"

using namespace wirepath;

namespace {

constexpr uint32_t kLocal = ipv4(10, 0, 0, 1), kPeer = ipv4(10, 0, 0, 2);
constexpr mac_addr kPeerMac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};

const char *kRules =
    "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
    "-A POSTROUTING -o eth0 -p udp --dport 7 -j SNAT --to-source 10.0.0.1:40000-40010\n"
    "-A POSTROUTING -o eth0 -p tcp -j MASQUERADE --to-ports 30000-30100\n"
    "COMMIT\n"
    "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:CHK - [0:0]\n"
    "-A INPUT -m conntrack --ctstate INVALID -j CHK\n"
    "-A CHK -p udp --dport 99 -j DROP\n"
    "-A CHK -j RETURN\n"
    "COMMIT\n";

[[noreturn]] void fail(const char *what, uint64_t a, uint64_t b) {
  std::fprintf(stderr, "fuzz_netif_rx: %s (%llu, %llu)\n", what, static_cast<unsigned long long>(a),
               static_cast<unsigned long long>(b));
  std::abort();
}

// The checksums the switches ask for, fixed in place where the frame is long enough.
void fix_frame(std::vector<uint8_t> &f, uint8_t sw, const mac_addr &ours) {
  if ((sw & 4) && f.size() >= 6) std::memcpy(f.data(), ours.data(), 6);
  if (f.size() < ETH_HLEN + 20 || f[12] != 0x08 || f[13] != 0x00) return;
  uint8_t *ip = f.data() + ETH_HLEN;
  const size_t ihl = (ip[0] & 0xf) * 4u;
  if (ihl < 20 || f.size() < ETH_HLEN + ihl) return;
  if (sw & 8) {
    const uint32_t d = cpu_to_be32(kLocal);
    std::memcpy(ip + 16, &d, 4);
  }
  if (sw & 1) {
    ip[10] = ip[11] = 0;
    const uint16_t c = ip_fast_csum(ip, ip[0] & 0xf);
    std::memcpy(ip + 10, &c, 2);
  }
  const size_t tot = (static_cast<size_t>(ip[2]) << 8) | ip[3];
  if (!(sw & 2) || tot < ihl || ETH_HLEN + tot > f.size() || ((ip[6] & 0x3f) | ip[7])) return;
  uint8_t *l4 = ip + ihl;
  const uint32_t len = static_cast<uint32_t>(tot - ihl);
  uint32_t saddr, daddr;
  std::memcpy(&saddr, ip + 12, 4);
  std::memcpy(&daddr, ip + 16, 4);
  size_t at;
  switch (ip[9]) {
    case IPPROTO_TCP: at = 16; break;
    case IPPROTO_UDP: at = 6; break;
    case IPPROTO_ICMP: at = 2; break;
    default: return;
  }
  if (len < at + 2) return;
  l4[at] = l4[at + 1] = 0;
  uint16_t c;
  if (ip[9] == IPPROTO_ICMP)
    c = csum_fold(csum_partial(l4, len, 0));
  else
    c = cpu_to_be16(csum_tcpudp_magic(be32_to_cpu(saddr), be32_to_cpu(daddr), len, ip[9], csum_partial(l4, len, 0)));
  std::memcpy(l4 + at, &c, 2);
}

// The stack as the unit tests build it (testbench/stack/stack_fixture.hpp),
// its memory outside so it can be checked once the namespace is gone.
struct Memory {
  kernel_ctx kern;
  PhysMem ram{4u << 20};
  KernelHeap mem{ram};
};
struct Stack {
  explicit Stack(Memory &m) : kern(m.kern), ns(m.kern, m.mem, 7) {}
  kernel_ctx &kern;
  net ns;
  files_struct files{ns};
  test::FakeNetdev nd;
};

void run_one(const uint8_t *data, size_t size) {
  if (size < 1) return;
  skb_counters_reset();
  Memory m;
  {
    Stack s(m);
    if (s.ns.register_netdevice(&s.nd.dev) || s.ns.inet_addr_add(&s.nd.dev, kLocal, 24) ||
        s.ns.neigh_add(&s.nd.dev, kPeer, kPeerMac))
      fail("setup", 0, 0);
    std::string err;
    if (iptables_restore(s.ns, kRules, &err)) fail(err.c_str(), 0, 0);
    // Open sockets: UDP bound to 9 and 53 (one has sent, so NAT and
    // conntrack hold an entry to answer), a TCP connection in SYN_SENT.
    auto sin = [](uint32_t a, uint16_t p) {
      sockaddr_in_host x;
      x.sin_family = AF_INET;
      x.sin_port = p;
      x.sin_addr = a;
      return x;
    };
    const int u1 = s.files.socket(AF_INET, SOCK_DGRAM, 0), u2 = s.files.socket(AF_INET, SOCK_DGRAM, 0);
    const auto a9 = sin(kLocal, 9), a53 = sin(0, 53), to7 = sin(kPeer, 7), tcp_to = sin(kPeer, 5001);
    s.files.bind(u1, &a9);
    s.files.bind(u2, &a53);
    s.files.sendto(u1, "hello", 5, 0, &to7);
    const int t = s.files.socket(AF_INET, SOCK_STREAM, 0);
    s.files.connect(t, &tcp_to);
    s.kern.timers.run_timers(1000);

    const uint8_t sw = data[0];
    size_t i = 1;
    uint64_t now = 1000;
    while (i + 2 <= size) {
      const size_t len = (static_cast<size_t>(data[i]) << 8) | data[i + 1];
      i += 2;
      std::vector<uint8_t> f(data + i, data + i + std::min(len, size - i));
      i += f.size();
      fix_frame(f, sw, s.nd.dev.dev_addr);
      netif_rx_frame(&s.nd.dev, f.data(), f.size());
      now += 100'000;  // 100 us between frames
      s.kern.timers.run_timers(now);
    }
    // Every queue drains by time: reassembly (30 s), retransmits, TIME_WAIT.
    for (auto it = s.files.fdt.begin(); it != s.files.fdt.end();) s.files.close((it++)->first);
    s.kern.timers.run_timers(now + 3600ull * 1'000'000'000ull);
    s.ns.tcp.orphans.clear();
    if (const uint64_t live = skb_counters().live())
      fail("skbs still live after close and timers", live, skb_counters().allocated);
  }
  if (const size_t left = m.mem.live_allocations()) fail("host memory blocks left after the namespace", left, 0);
  if (const uint64_t live = skb_counters().live()) fail("skbs live after the namespace", live, 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  run_one(data, size);
  return 0;
}

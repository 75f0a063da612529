// ip_fragment / ip_do_fragment: a 3000-byte UDP payload at MTU 1500.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "stack_fixture.hpp"

using namespace wirepath;
using namespace wirepath::test;

using IpFragment = StackTest;

namespace {
std::vector<uint8_t> pattern(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 7 + (i >> 8));
  return v;
}
}  // namespace

// 3008 bytes of IP payload at MTU 1500: fragments of 1480, 1480, 48 (total lengths 1500, 1500, 68),
// offsets 0, 185, 370 (8-byte units), MF on all but the last, no DF, one shared ID, each header checksum
// valid; the payloads reassemble to the UDP datagram, whose checksum verifies and whose data is the original.
TEST_F(IpFragment, ThreeThousandBytesAtMtu1500SplitAsLinux) {
  const int fd = udp_socket();
  const auto me = sin(kLocal, 1234);
  ASSERT_EQ(files.bind(fd, &me), 0);
  const auto data = pattern(3000);
  const auto to = sin(kPeer, 5678);
  ASSERT_EQ(files.sendto(fd, data.data(), data.size(), 0, &to), 3000);
  ASSERT_EQ(nd.frames.size(), 3u);

  const uint16_t want_tot[3] = {1500, 1500, 68};
  const uint16_t want_off[3] = {0, 185, 370};
  std::vector<uint8_t> reassembled(3008, 0);
  for (size_t i = 0; i < 3; ++i) {
    const auto &f = frame(i);
    SCOPED_TRACE(i);
    EXPECT_EQ(f.size(), 14u + want_tot[i]);
    EXPECT_EQ(rd16(f, 12), 0x0800);
    EXPECT_EQ(f[14], 0x45);
    EXPECT_EQ(rd16(f, 16), want_tot[i]);
    EXPECT_EQ(ip_id(i), ip_id(0));
    EXPECT_EQ(ip_frag(i) & IP_OFFSET, want_off[i]);
    EXPECT_EQ((ip_frag(i) & IP_MF) != 0, i < 2);
    EXPECT_EQ(ip_frag(i) & IP_DF, 0);  // too big for DF under IP_PMTUDISC_WANT
    EXPECT_TRUE(ip_header_ok(i));
    std::copy(f.begin() + 34, f.end(), reassembled.begin() + want_off[i] * 8);
  }
  EXPECT_EQ(rd16(reassembled, 0), 1234);
  EXPECT_EQ(rd16(reassembled, 2), 5678);
  EXPECT_EQ(rd16(reassembled, 4), 3008);
  // UDP checksum over pseudo-header + datagram: a valid one sums to 0xffff (fold gives 0).
  const uint32_t sum = csum_partial(reassembled.data(), reassembled.size(), 0);
  EXPECT_EQ(csum_tcpudp_magic(kLocal, kPeer, 3008, IPPROTO_UDP, sum), 0);
  EXPECT_TRUE(std::equal(data.begin(), data.end(), reassembled.begin() + 8));

  EXPECT_EQ(ns.ip_stats.FragCreates, 3u);
  EXPECT_EQ(ns.ip_stats.FragOKs, 1u);
  EXPECT_EQ(ns.ip_stats.OutRequests, 1u);
  EXPECT_EQ(ns.ip_stats.OutTransmits, 3u);
  EXPECT_EQ(ns.udp_stats.OutDatagrams, 1u);
  EXPECT_EQ(skb_counters().allocated, 4u);  // the datagram and its three fragments
  EXPECT_EQ(skb_counters().consumed, 4u);
}

// Fragments are never CHECKSUM_PARTIAL: with NETIF_F_IP_CSUM a datagram that must be fragmented
// gets its UDP checksum in software.
TEST_F(IpFragment, FragmentedDatagramGetsASoftwareChecksumEvenWithOffload) {
  nd.dev.features |= NETIF_F_IP_CSUM;
  const int fd = udp_socket();
  const auto data = pattern(3000);
  const auto to = sin(kPeer, 5678);
  ASSERT_EQ(files.sendto(fd, data.data(), data.size(), 0, &to), 3000);
  ASSERT_EQ(nd.frames.size(), 3u);
  for (const auto &f : nd.frames) EXPECT_EQ(f.ip_summed, CHECKSUM_NONE);
}

// A smaller device MTU gives more fragments, each payload a multiple of 8 except the last.
TEST_F(IpFragment, Mtu576SplitsIn552ByteSteps) {
  nd.dev.mtu = 576;
  const int fd = udp_socket();
  const auto data = pattern(3000);
  const auto to = sin(kPeer, 5678);
  ASSERT_EQ(files.sendto(fd, data.data(), data.size(), 0, &to), 3000);
  ASSERT_EQ(nd.frames.size(), 6u);  // 3008 = 5 * 552 + 248
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(ip_frag(i) & IP_OFFSET, i * 552 / 8);
    EXPECT_EQ(rd16(frame(i), 16), i < 5 ? 572 : 268);
    EXPECT_TRUE(ip_header_ok(i));
  }
}

// Fragments for an unresolved neighbour all wait in its arp_queue; when resolution fails each is
// dropped (NEIGH_FAILED) and nothing leaks.
TEST_F(IpFragment, FragmentsWaitingForAFailedNeighbourAreAllDropped) {
  const int fd = udp_socket();
  const auto data = pattern(3000);
  const auto to = sin(ipv4(10, 0, 0, 77), 5678);
  EXPECT_EQ(files.sendto(fd, data.data(), data.size(), 0, &to), 3000);
  EXPECT_EQ(ns.ip_stats.FragOKs, 1u);
  EXPECT_EQ(ns.ip_stats.FragCreates, 3u);
  kern.timers.run_timers(3'000'000'000ULL);
  EXPECT_EQ(skb_counters().dropped[static_cast<int>(skb_drop_reason::NEIGH_FAILED)], 3u);
  EXPECT_EQ(mem.live_allocations(), 0u);
}

// ip_fragment itself refuses a DF datagram that may not be fragmented locally: EMSGSIZE, PKT_TOO_BIG.
// (IP_PMTUDISC_DO normally stops it earlier in ip_make_skb; here the MTU shrinks after the check.)
TEST_F(IpFragment, DfWithoutIgnoreDfIsRefusedWithEmsgsize) {
  PhysMem m_ram(1u << 20);
  KernelHeap m(m_ram);
  sk_buff *skb = alloc_skb(m, 2000);
  skb->reserve(16);
  skb->put(1600);
  skb->reset_network_header();
  auto *iph = ip_hdr(skb);
  iph->ihl_version = 0x45;
  iph->frag_off = cpu_to_be16(IP_DF);
  skb->ignore_df = false;
  auto never = [](net &, sock *, sk_buff *) -> int { ADD_FAILURE() << "output called"; return 0; };
  EXPECT_EQ(ip_fragment(ns, nullptr, skb, 1500, never), -EMSGSIZE);
  EXPECT_EQ(skb_counters().dropped[static_cast<int>(skb_drop_reason::PKT_TOO_BIG)], 1u);
  EXPECT_EQ(ns.ip_stats.FragFails, 1u);
}

// ARP and the neighbour state machine (net/ipv4/arp.c, net/core/neighbour.c):
// resolution, the arp_queue, NUD transitions on the net's simulated clock,
// failure, and the errors a socket sees.
#include <gtest/gtest.h>

#include "frames.hpp"
#include "stack/ipv4/arp.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/core/neighbour.hpp"
#include "stack/ipv4/route.hpp"
#include "stack_fixture.hpp"

using namespace wirepath;
using namespace wirepath::test;

namespace {
constexpr uint32_t kOther = ipv4(10, 0, 0, 3);
constexpr mac_addr kOtherMac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x03};
constexpr mac_addr kMyMac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
constexpr mac_addr kBcast = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
constexpr mac_addr kZero = {};
constexpr uint64_t S = NSEC_PER_SEC;

class Neigh : public StackTest {
protected:
  neighbour *entry() { return __ipv4_neigh_lookup_noref(ns, &nd.dev, kOther); }
  uint8_t state() { return entry() ? entry()->nud_state : 0xff; }
  void reply_from_other() {
    const auto f = arp_frame(kMyMac, ARPOP_REPLY, kOtherMac, kOther, kMyMac, kLocal);
    netif_rx_frame(&nd.dev, f.data(), f.size());
  }
  static bool is_arp(const std::vector<uint8_t> &f) { return f.size() >= 14 && f[12] == 0x08 && f[13] == 0x06; }
  size_t arp_count() const {
    size_t n = 0;
    for (const auto &f : nd.frames) n += is_arp(f.bytes);
    return n;
  }
};
}  // namespace

// The first packet to an unknown on-link host waits; one broadcast ARP request goes out (42 bytes, tha zero).
TEST_F(Neigh, FirstSendQueuesThePacketAndBroadcastsAnArpRequest) {
  const int fd = udp_socket();
  EXPECT_EQ(send_str(fd, "x", kOther, 7), 1);
  ASSERT_EQ(nd.frames.size(), 1u);
  EXPECT_EQ(frame(0), arp_frame(kBcast, ARPOP_REQUEST, kMyMac, kLocal, kZero, kOther));
  EXPECT_EQ(state(), NUD_INCOMPLETE);
  EXPECT_EQ(entry()->arp_queue.size(), 1u);
  EXPECT_EQ(kern.timers.next_timer(), 1 * S);  // retrans_time
  EXPECT_EQ(ns.udp_stats.OutDatagrams, 1u);
  kern.timers.run_timers(3 * S);  // fails: the queued datagram is freed
}

// The reply makes the entry REACHABLE and the queued datagrams leave in the order they were sent.
TEST_F(Neigh, ArpReplyReleasesQueuedPacketsInOrder) {
  const int fd = udp_socket();
  for (const char *p : {"one", "two", "three"}) EXPECT_EQ(send_str(fd, p, kOther, 7), static_cast<long>(strlen(p)));
  ASSERT_EQ(nd.frames.size(), 1u);  // only the request: one probe per resolution start
  reply_from_other();
  ASSERT_EQ(nd.frames.size(), 4u);
  EXPECT_EQ(payload_of(frame(1)), "one");
  EXPECT_EQ(payload_of(frame(2)), "two");
  EXPECT_EQ(payload_of(frame(3)), "three");
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(std::vector<uint8_t>(frame(i).begin(), frame(i).begin() + 6), std::vector<uint8_t>(kOtherMac.begin(), kOtherMac.end()));
    EXPECT_TRUE(ref_ip_ok(frame(i)));
    EXPECT_TRUE(ref_l4_ok(frame(i)));
  }
  EXPECT_EQ(state(), NUD_REACHABLE);
  EXPECT_TRUE(entry()->arp_queue.empty());
  // Later packets go straight out.
  EXPECT_EQ(send_str(fd, "four", kOther, 7), 4);
  ASSERT_EQ(nd.frames.size(), 5u);
  EXPECT_EQ(payload_of(frame(4)), "four");
}

// Unanswered: requests at 0, 1 and 2 s (mcast_solicit 3), FAILED at 3 s; the queue is dropped
// with NEIGH_FAILED and counted (res_failed), ICMP host unreachable goes to ourselves.
TEST_F(Neigh, UnansweredRequestsAreRetriedEverySecondThenTheQueueIsDropped) {
  const int fd = udp_socket();
  EXPECT_EQ(send_str(fd, "a", kOther, 7), 1);
  EXPECT_EQ(send_str(fd, "b", kOther, 7), 1);
  kern.timers.run_timers(999 * NSEC_PER_MSEC);
  EXPECT_EQ(arp_count(), 1u);
  kern.timers.run_timers(1 * S);
  EXPECT_EQ(arp_count(), 2u);
  kern.timers.run_timers(2 * S);
  EXPECT_EQ(arp_count(), 3u);
  EXPECT_EQ(frame(2), arp_frame(kBcast, ARPOP_REQUEST, kMyMac, kLocal, kZero, kOther));
  EXPECT_EQ(state(), NUD_INCOMPLETE);
  kern.timers.run_timers(3 * S);
  EXPECT_EQ(arp_count(), 3u);
  EXPECT_EQ(state(), NUD_FAILED);
  EXPECT_EQ(skb_counters().dropped[static_cast<int>(skb_drop_reason::NEIGH_FAILED)], 2u);
  EXPECT_EQ(ns.arp_tbl.stats.res_failed, 1u);
  EXPECT_EQ(ns.icmp_stats.OutDestUnreachs, 2u);
  EXPECT_EQ(ns.icmp_stats.InDestUnreachs, 2u);
  EXPECT_EQ(kern.timers.next_timer(), TIMER_NONE);
  EXPECT_EQ(nd.frames.size(), 3u);
}

// With IP_RECVERR the ICMP host unreachable sets sk_err: the next send fails with EHOSTUNREACH once,
// and the one after starts a new resolution (FAILED -> INCOMPLETE). udp_err, RFC 1122 4.1.3.3.
TEST_F(Neigh, FailedResolutionIsEhostunreachOnTheNextSendWithIpRecverr) {
  const int fd = udp_socket();
  ASSERT_EQ(files.setsockopt(fd, SOL_IP, IP_RECVERR, 1), 0);
  EXPECT_EQ(send_str(fd, "a", kOther, 7), 1);
  kern.timers.run_timers(3 * S);
  EXPECT_EQ(state(), NUD_FAILED);
  EXPECT_EQ(send_str(fd, "b", kOther, 7), -EHOSTUNREACH);
  EXPECT_EQ(state(), NUD_FAILED);  // the failed send did not get as far as the neighbour
  EXPECT_EQ(send_str(fd, "c", kOther, 7), 1);
  EXPECT_EQ(state(), NUD_INCOMPLETE);
  EXPECT_EQ(arp_count(), 4u);
  kern.timers.run_timers(6 * S);
}

// Without IP_RECVERR the host-unreachable error is soft: an unconnected or connected UDP socket never sees it.
TEST_F(Neigh, FailedResolutionIsSilentForUdpWithoutIpRecverr) {
  const int fd = udp_socket();
  const auto to = sin(kOther, 7);
  ASSERT_EQ(files.connect(fd, &to), 0);
  EXPECT_EQ(files.send(fd, "a", 1), 1);
  kern.timers.run_timers(3 * S);
  EXPECT_EQ(state(), NUD_FAILED);
  int soerr = -1;
  EXPECT_EQ(files.getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr), 0);
  EXPECT_EQ(soerr, 0);
  EXPECT_EQ(files.send(fd, "b", 1), 1);
  kern.timers.run_timers(6 * S);
}

// The arp_queue holds at most unres_qlen_bytes (212992) of truesize: the oldest go first (NEIGH_QUEUEFULL).
// A 1-byte datagram's skb is 768 bytes of truesize, so 277 fit.
TEST_F(Neigh, QueueOverUnresQlenBytesDropsTheOldest) {
  const int fd = udp_socket();
  for (int i = 0; i < 280; ++i) ASSERT_EQ(send_str(fd, std::string(1, static_cast<char>(i)), kOther, 7), 1);
  EXPECT_EQ(entry()->arp_queue.size(), 277u);
  EXPECT_EQ(entry()->arp_queue_len_bytes, 277u * 768u);
  EXPECT_EQ(ns.arp_tbl.stats.unres_discards, 3u);
  EXPECT_EQ(skb_counters().dropped[static_cast<int>(skb_drop_reason::NEIGH_QUEUEFULL)], 3u);
  reply_from_other();
  ASSERT_EQ(nd.frames.size(), 278u);
  EXPECT_EQ(payload_of(frame(1)), std::string(1, static_cast<char>(3)));
  EXPECT_EQ(payload_of(frame(277)), std::string(1, static_cast<char>(279)));
}

// REACHABLE lasts reachable_time after the confirmation; unused since then, it goes STALE. A send
// on STALE goes out at once and starts DELAY (5 s); unconfirmed, DELAY becomes PROBE with unicast
// requests every second; three unanswered ones make it FAILED.
TEST_F(Neigh, ReachableGoesStaleThenDelayProbeAndFailed) {
  const int fd = udp_socket();
  EXPECT_EQ(send_str(fd, "a", kOther, 7), 1);
  reply_from_other();
  const uint64_t rt = ns.arp_tbl.parms.reachable_time;
  kern.timers.run_timers(rt);
  EXPECT_EQ(state(), NUD_REACHABLE);
  kern.timers.run_timers(rt + 1);
  EXPECT_EQ(state(), NUD_REACHABLE);  // the timer fires at confirmed + reachable_time, still reachable
  kern.timers.run_timers(rt + 10 * NSEC_PER_MSEC);
  EXPECT_EQ(state(), NUD_STALE);
  const uint64_t t0 = rt + 20 * S;
  kern.timers.run_timers(t0);
  EXPECT_EQ(state(), NUD_STALE);  // STALE has no timer
  const size_t before = nd.frames.size();
  EXPECT_EQ(send_str(fd, "b", kOther, 7), 1);
  ASSERT_EQ(nd.frames.size(), before + 1);  // sent with the stale address
  EXPECT_EQ(payload_of(frame(before)), "b");
  EXPECT_EQ(state(), NUD_DELAY);
  kern.timers.run_timers(t0 + 5 * S);
  EXPECT_EQ(state(), NUD_PROBE);
  ASSERT_EQ(nd.frames.size(), before + 2);
  // A unicast probe: to the cached MAC, target hardware address still zero.
  EXPECT_EQ(frame(before + 1), arp_frame(kOtherMac, ARPOP_REQUEST, kMyMac, kLocal, kZero, kOther));
  kern.timers.run_timers(t0 + 7 * S);
  EXPECT_EQ(nd.frames.size(), before + 4);
  EXPECT_EQ(state(), NUD_PROBE);
  kern.timers.run_timers(t0 + 8 * S);
  EXPECT_EQ(state(), NUD_FAILED);
  EXPECT_EQ(nd.frames.size(), before + 4);
}

// An upper-layer confirmation during DELAY (TCP's ACK: dst_confirm_neigh) takes it back to REACHABLE.
TEST_F(Neigh, ConfirmationDuringDelayReturnsToReachable) {
  const int fd = udp_socket();
  EXPECT_EQ(send_str(fd, "a", kOther, 7), 1);
  reply_from_other();
  const uint64_t t0 = ns.arp_tbl.parms.reachable_time + 10 * S;
  kern.timers.run_timers(t0);
  ASSERT_EQ(state(), NUD_STALE);
  EXPECT_EQ(send_str(fd, "b", kOther, 7), 1);
  ASSERT_EQ(state(), NUD_DELAY);
  kern.timers.run_timers(t0 + 2 * S);
  rtable rt;
  ASSERT_EQ(ip_route_output(ns, kOther, 0, 0, 0, &rt), 0);
  ipv4_confirm_neigh(ns, &rt, kOther);
  kern.timers.run_timers(t0 + 5 * S);
  EXPECT_EQ(state(), NUD_REACHABLE);
}

// A request for our address is answered (op 2, tha = asker) and the asker is learned as STALE.
TEST_F(Neigh, ArpRequestForOurAddressIsAnsweredAndTheAskerLearnedAsStale) {
  const auto req = arp_frame(kBcast, ARPOP_REQUEST, kOtherMac, kOther, kZero, kLocal);
  EXPECT_EQ(netif_rx_frame(&nd.dev, req.data(), req.size()), NET_RX_SUCCESS);
  ASSERT_EQ(nd.frames.size(), 1u);
  EXPECT_EQ(frame(0), arp_frame(kOtherMac, ARPOP_REPLY, kMyMac, kLocal, kOtherMac, kOther));
  EXPECT_EQ(state(), NUD_STALE);
  EXPECT_EQ(entry()->ha, kOtherMac);
  // A request for someone else's address gets no answer.
  const auto other = arp_frame(kBcast, ARPOP_REQUEST, kOtherMac, kOther, kZero, ipv4(10, 0, 0, 99));
  netif_rx_frame(&nd.dev, other.data(), other.size());
  EXPECT_EQ(nd.frames.size(), 1u);
}

// An unsolicited reply creates nothing (arp_accept 0).
TEST_F(Neigh, UnsolicitedReplyCreatesNoEntry) {
  reply_from_other();
  EXPECT_EQ(entry(), nullptr);
}

// Static entries (ip neigh add ... nud permanent) ignore ARP and never time out.
TEST_F(Neigh, StaticEntriesStayPermanent) {
  ASSERT_EQ(ns.neigh_add(&nd.dev, kOther, kGwMac), 0);
  reply_from_other();
  kern.timers.run_timers(1000 * S);
  EXPECT_EQ(state(), NUD_PERMANENT);
  EXPECT_EQ(entry()->ha, kGwMac);
  const int fd = udp_socket();
  EXPECT_EQ(send_str(fd, "a", kOther, 7), 1);
  ASSERT_EQ(nd.frames.size(), 1u);
  EXPECT_EQ(std::vector<uint8_t>(frame(0).begin(), frame(0).begin() + 6), std::vector<uint8_t>(kGwMac.begin(), kGwMac.end()));
}

// reachable_time = base_reachable_time (30 s) x uniform [0.5, 1.5), per seed.
TEST_F(Neigh, ReachableTimeIsRandomisedBetweenHalfAndOneAndAHalfBase) {
  uint64_t lo = UINT64_MAX, hi = 0;
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    kernel_ctx k;
    PhysMem m_ram(1u << 20);
    KernelHeap m(m_ram);
    net n2(k, m, seed);
    const uint64_t r = n2.arp_tbl.parms.reachable_time;
    EXPECT_GE(r, 15 * S);
    EXPECT_LT(r, 45 * S);
    lo = std::min(lo, r);
    hi = std::max(hi, r);
  }
  EXPECT_LT(lo, 20 * S);
  EXPECT_GT(hi, 40 * S);
}

// Unregistering the device frees the queued packets (NEIGH_DEAD) and cancels the timer.
TEST_F(Neigh, UnregisteringTheDeviceFreesTheQueue) {
  const int fd = udp_socket();
  EXPECT_EQ(send_str(fd, "a", kOther, 7), 1);
  ns.unregister_netdevice(&nd.dev);
  EXPECT_EQ(skb_counters().dropped[static_cast<int>(skb_drop_reason::NEIGH_DEAD)], 1u);
  EXPECT_EQ(kern.timers.next_timer(), TIMER_NONE);
}


// The socket layer's send calls and buffers: write, sendmsg with iovecs,
// sendmmsg, SO_SNDBUF accounting freed by TX completion (consume_skb ->
// sock_wfree), EAGAIN and the sk_wait hook, UDP_CORK and MSG_MORE.
#include <gtest/gtest.h>

#include "frames.hpp"
#include "stack/core/sock.hpp"
#include "stack_fixture.hpp"

using namespace wirepath;
using namespace wirepath::test;

namespace {
// A device whose "ring" keeps the skbs until the test completes them (consume_skb).
class SockApi : public StackTest {
protected:
  void SetUp() override {
    StackTest::SetUp();
    nd.dev.ops.ndo_start_xmit = [this](sk_buff *skb, net_device *) {
      held.push_back(skb);
      return NETDEV_TX_OK;
    };
  }
  void TearDown() override {
    complete(held.size());
    StackTest::TearDown();
  }
  void complete(size_t n) {
    for (size_t i = 0; i < n && !held.empty(); ++i) {
      consume_skb(held.front());
      held.erase(held.begin());
    }
  }
  sock *sk_of(int fd) { return files.sockfd_lookup(fd)->sk.get(); }
  std::vector<uint8_t> held_bytes(size_t i) { return held.at(i)->linearize_copy(); }
  std::vector<sk_buff *> held;
};
}  // namespace

// Each process has its own fd table over the same net: descriptors start at
// 3 in each; exit closes what the process left open (its bound port is free).
TEST_F(SockApi, EachProcessHasItsOwnFdTableAndExitClosesIt) {
  const auto local = sin(0, 4000);
  {
    files_struct other(ns);
    const int fd = other.socket(AF_INET, SOCK_DGRAM, 0);
    EXPECT_EQ(fd, 3);
    EXPECT_EQ(other.bind(fd, &local), 0);
    EXPECT_EQ(files.sockfd_lookup(fd), nullptr);
    const int mine = udp_socket();
    EXPECT_EQ(mine, 3);
    EXPECT_EQ(files.bind(mine, &local), -EADDRINUSE);
    EXPECT_EQ(files.close(mine), 0);
  }
  const int fd = udp_socket();
  EXPECT_EQ(files.bind(fd, &local), 0);
  files.close(fd);
}

// SO_SNDBUF: doubled, at least SOCK_MIN_SNDBUF (4608), at most 2 x wmem_max (425984); -1 is huge.
TEST_F(SockApi, SoSndbufIsDoubledAndClampedAsLinux) {
  const int fd = udp_socket();
  int v = 0;
  EXPECT_EQ(files.getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v), 0);
  EXPECT_EQ(v, 212992);
  const std::pair<int, int> cases[] = {{1000, 4608}, {10000, 20000}, {1 << 30, 425984}, {-1, 425984}};
  for (auto [set, want] : cases) {
    EXPECT_EQ(files.setsockopt(fd, SOL_SOCKET, SO_SNDBUF, set), 0);
    EXPECT_EQ(files.getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v), 0);
    EXPECT_EQ(v, want) << set;
  }
}

// Each skb charges its truesize (768 for a 1-byte datagram) until TX completion; a send starts
// only while sk_wmem_alloc < sk_sndbuf, so 6 fit in 4608; then MSG_DONTWAIT is EAGAIN (SndbufErrors),
// and one completion makes room again.
TEST_F(SockApi, FullSendBufferIsEagainUntilConsumeSkbFreesSpace) {
  const int fd = udp_socket();
  ASSERT_EQ(files.setsockopt(fd, SOL_SOCKET, SO_SNDBUF, 1), 0);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(send_str(fd, "x", kPeer, 9, MSG_DONTWAIT), 1);
  EXPECT_EQ(sk_of(fd)->sk_wmem_alloc, 6u * 768u);
  EXPECT_EQ(send_str(fd, "x", kPeer, 9, MSG_DONTWAIT), -EAGAIN);
  EXPECT_EQ(ns.udp_stats.SndbufErrors, 1u);
  complete(1);
  EXPECT_EQ(sk_of(fd)->sk_wmem_alloc, 5u * 768u);
  EXPECT_EQ(send_str(fd, "x", kPeer, 9, MSG_DONTWAIT), 1);
  // SOCK_NONBLOCK sockets behave the same without the flag; blocking without a hook gives up.
  const int nb = files.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  ASSERT_EQ(files.setsockopt(nb, SOL_SOCKET, SO_SNDBUF, 1), 0);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(send_str(nb, "x", kPeer, 9), 1);
  EXPECT_EQ(send_str(nb, "x", kPeer, 9), -EAGAIN);
  EXPECT_EQ(send_str(fd, "x", kPeer, 9), -EAGAIN);
}

// A blocking send with a full buffer waits in sched_hooks::sk_wait (the sim waits on an event); TX
// completion calls sched_hooks::sk_write_space once half the buffer is free; the send then goes on.
TEST_F(SockApi, BlockingSendWaitsThroughTheSkWaitHook) {
  const int fd = udp_socket();
  ASSERT_EQ(files.setsockopt(fd, SOL_SOCKET, SO_SNDBUF, 1), 0);
  int waits = 0, wakeups = 0;
  kern.sched.sk_write_space = [&](sock *) { ++wakeups; };
  kern.sched.sk_wait = [&](sock *) {
    ++waits;
    complete(3);  // the driver cleans three descriptors meanwhile
    return true;
  };
  for (int i = 0; i < 7; ++i) EXPECT_EQ(send_str(fd, "x", kPeer, 9), 1);
  EXPECT_EQ(waits, 1);
  EXPECT_EQ(wakeups, 1);  // 3 x 768 left <= 4608 / 2
  EXPECT_EQ(held.size(), 4u);
  kern.sched.sk_wait = [&](sock *) { return false; };  // SO_SNDTIMEO expired
  for (int i = 0; i < 2; ++i) EXPECT_EQ(send_str(fd, "x", kPeer, 9), 1);
  EXPECT_EQ(send_str(fd, "x", kPeer, 9), -EAGAIN);
}

// close() with skbs still in the ring: the sock lives until the last completion, then goes.
TEST_F(SockApi, CloseWithSkbsInFlightFreesTheSockOnTheLastCompletion) {
  const int fd = udp_socket();
  EXPECT_EQ(send_str(fd, "x", kPeer, 9), 1);
  EXPECT_EQ(send_str(fd, "y", kPeer, 9), 1);
  EXPECT_EQ(files.close(fd), 0);
  complete(2);  // sock_wfree on a dead sock: the last one frees it (ASan/valgrind-clean)
  EXPECT_TRUE(held.empty());
}

// Fragments are charged to the socket too (ip_frag_next: skb_set_owner_w).
TEST_F(SockApi, FragmentsAreChargedToTheSocket) {
  const int fd = udp_socket();
  std::vector<uint8_t> big(3000, 1);
  const auto to = sin(kPeer, 9);
  EXPECT_EQ(files.sendto(fd, big.data(), big.size(), 0, &to), 3000);
  ASSERT_EQ(held.size(), 3u);
  uint64_t sum = 0;
  for (sk_buff *s : held) sum += s->truesize;
  EXPECT_EQ(sk_of(fd)->sk_wmem_alloc, sum);
}

// UDP_CORK: sends append to one pending datagram, sent when the cork is removed; software
// checksum (the first piece had MSG_MORE semantics), valid.
TEST_F(SockApi, UdpCorkJoinsSendsIntoOneDatagram) {
  nd.dev.features |= NETIF_F_IP_CSUM;
  const int fd = udp_socket();
  ASSERT_EQ(files.setsockopt(fd, SOL_UDP, UDP_CORK, 1), 0);
  EXPECT_EQ(send_str(fd, "ab", kPeer, 9), 2);
  EXPECT_EQ(send_str(fd, "cd", ipv4(10, 0, 0, 77), 10), 2);  // the corked destination holds
  EXPECT_TRUE(held.empty());
  int v = 0;
  EXPECT_EQ(files.getsockopt(fd, SOL_UDP, UDP_CORK, &v), 0);
  EXPECT_EQ(v, 1);
  ASSERT_EQ(files.setsockopt(fd, SOL_UDP, UDP_CORK, 0), 0);
  ASSERT_EQ(held.size(), 1u);
  const auto f = held_bytes(0);
  EXPECT_EQ(payload_of(f), "abcd");
  EXPECT_EQ(rd16(f, 36), 9);
  EXPECT_EQ(rd16(f, 38), 12);  // UDP length
  EXPECT_EQ(rd32(f, 30), kPeer);
  EXPECT_EQ(held[0]->ip_summed, CHECKSUM_NONE);
  EXPECT_TRUE(ref_l4_ok(f));
  EXPECT_EQ(ns.udp_stats.OutDatagrams, 1u);
}

// MSG_MORE corks this send only: the first send without it completes the datagram.
TEST_F(SockApi, MsgMoreAppendsUntilASendWithoutIt) {
  const int fd = udp_socket();
  EXPECT_EQ(send_str(fd, "he", kPeer, 9, MSG_MORE), 2);
  EXPECT_EQ(send_str(fd, "ll", kPeer, 9, MSG_MORE), 2);
  EXPECT_TRUE(held.empty());
  EXPECT_EQ(send_str(fd, "o", kPeer, 9), 1);
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(payload_of(held_bytes(0)), "hello");
  EXPECT_TRUE(ref_l4_ok(held_bytes(0)));
  EXPECT_EQ(send_str(fd, "next", kPeer, 9), 4);
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(payload_of(held_bytes(1)), "next");
}

// A corked datagram over 65507 bytes (or the MTU with PMTUDISC_DO) is EMSGSIZE and is thrown away.
TEST_F(SockApi, CorkedDatagramOverTheLimitIsEmsgsizeAndFlushed) {
  const int fd = udp_socket();
  ASSERT_EQ(files.setsockopt(fd, SOL_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO), 0);
  std::vector<uint8_t> chunk(1000, 7);
  const auto to = sin(kPeer, 9);
  EXPECT_EQ(files.sendto(fd, chunk.data(), 1000, MSG_MORE, &to), 1000);
  EXPECT_EQ(files.sendto(fd, chunk.data(), 472, MSG_MORE, &to), 472);  // 1472 + 8 + 20 = 1500
  EXPECT_EQ(files.sendto(fd, chunk.data(), 1, MSG_MORE, &to), -EMSGSIZE);
  EXPECT_EQ(sk_of(fd)->up_pending, 0);
  EXPECT_EQ(send_str(fd, "z", kPeer, 9), 1);
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(payload_of(held_bytes(0)), "z");
}

// sendmsg gathers the iovecs in order into one datagram; msg_namelen is clamped, not refused.
TEST_F(SockApi, SendmsgGathersIovecs) {
  const int fd = udp_socket();
  const auto to = sin(kPeer, 9);
  iovec_host iov[3] = {{"ab", 2}, {"", 0}, {"cde", 3}};
  msghdr_host m;
  m.msg_name = &to;
  m.msg_namelen = 1000;
  m.msg_iov = iov;
  m.msg_iovlen = 3;
  EXPECT_EQ(files.sendmsg(fd, &m, 0), 5);
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(payload_of(held_bytes(0)), "abcde");
  EXPECT_TRUE(ref_l4_ok(held_bytes(0)));
}

// sendmsg errors: EBADF, EFAULT (no msghdr, iov base), EMSGSIZE (> UIO_MAXIOV iovecs),
// EINVAL (MSG_CMSG_COMPAT), and the protocol's own (EDESTADDRREQ without an address).
TEST_F(SockApi, SendmsgErrnoCases) {
  const int fd = udp_socket();
  const auto to = sin(kPeer, 9);
  iovec_host iov[1] = {{nullptr, 3}};
  msghdr_host m;
  m.msg_name = &to;
  m.msg_namelen = SOCKADDR_IN_LEN;
  m.msg_iov = iov;
  m.msg_iovlen = 1;
  EXPECT_EQ(files.sendmsg(99, &m, 0), -EBADF);
  EXPECT_EQ(files.sendmsg(fd, nullptr, 0), -EFAULT);
  EXPECT_EQ(files.sendmsg(fd, &m, 0), -EFAULT);
  m.msg_iovlen = 1025;
  EXPECT_EQ(files.sendmsg(fd, &m, 0), -EMSGSIZE);
  m.msg_iovlen = 1;
  iov[0] = {"x", 1};
  EXPECT_EQ(files.sendmsg(fd, &m, MSG_CMSG_COMPAT), -EINVAL);
  m.msg_name = nullptr;
  EXPECT_EQ(files.sendmsg(fd, &m, 0), -EDESTADDRREQ);
  EXPECT_TRUE(held.empty());
}

// sendmmsg sends each message and fills msg_len; an error after the first is not returned
// (the count is); an error on the first is.
TEST_F(SockApi, SendmmsgSendsEachMessageAndReportsErrorsOnlyIfNoneWasSent) {
  const int fd = udp_socket();
  const auto to = sin(kPeer, 9);
  iovec_host a{"one", 3}, b{"three", 5}, bad{nullptr, 1};
  mmsghdr_host v[3];
  v[0].msg_hdr = {&to, SOCKADDR_IN_LEN, &a, 1, 0};
  v[1].msg_hdr = {&to, SOCKADDR_IN_LEN, &b, 1, 0};
  v[2].msg_hdr = {&to, SOCKADDR_IN_LEN, &bad, 1, 0};
  EXPECT_EQ(files.sendmmsg(fd, v, 2, 0), 2);
  EXPECT_EQ(v[0].msg_len, 3u);
  EXPECT_EQ(v[1].msg_len, 5u);
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(payload_of(held_bytes(0)), "one");
  EXPECT_EQ(payload_of(held_bytes(1)), "three");
  EXPECT_EQ(files.sendmmsg(fd, v, 3, 0), 2);  // the third fails: not reported
  EXPECT_EQ(files.sendmmsg(fd, &v[2], 1, 0), -EFAULT);
  EXPECT_EQ(files.sendmmsg(fd, v, 0, 0), 0);
  EXPECT_EQ(files.sendmmsg(fd, nullptr, 1, 0), -EFAULT);
  EXPECT_EQ(files.sendmmsg(99, v, 1, 0), -EBADF);
}

// write(): on a connected socket it sends; zero bytes send nothing (returns 0, unlike send());
// unconnected it is EDESTADDRREQ.
TEST_F(SockApi, WriteSendsOnAConnectedSocket) {
  const int fd = udp_socket();
  EXPECT_EQ(files.write(fd, "x", 1), -EDESTADDRREQ);
  const auto to = sin(kPeer, 9);
  ASSERT_EQ(files.connect(fd, &to), 0);
  EXPECT_EQ(files.write(fd, "", 0), 0);
  EXPECT_TRUE(held.empty());
  EXPECT_EQ(files.send(fd, "", 0), 0);  // send() does send an empty datagram
  EXPECT_EQ(held.size(), 1u);
  EXPECT_EQ(files.write(fd, "data", 4), 4);
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(payload_of(held_bytes(1)), "data");
  EXPECT_EQ(files.write(99, "x", 1), -EBADF);
  EXPECT_EQ(files.write(fd, nullptr, 1), -EFAULT);
}

// getsockopt/setsockopt errors: unknown option ENOPROTOOPT, UDP_CORK on SOL_UDP only.
TEST_F(SockApi, SockoptErrnoCases) {
  const int fd = udp_socket();
  int v;
  EXPECT_EQ(files.getsockopt(fd, SOL_SOCKET, 9999, &v), -ENOPROTOOPT);
  EXPECT_EQ(files.getsockopt(fd, SOL_UDP, 9999, &v), -ENOPROTOOPT);
  EXPECT_EQ(files.setsockopt(fd, SOL_UDP, 9999, 1), -ENOPROTOOPT);
  EXPECT_EQ(files.getsockopt(fd, SOL_IP, IP_TTL, &v), 0);
  EXPECT_EQ(v, 64);
  EXPECT_EQ(files.getsockopt(fd, SOL_IP, IP_TTL, nullptr), -EFAULT);
  EXPECT_EQ(files.getsockopt(99, SOL_IP, IP_TTL, &v), -EBADF);
}

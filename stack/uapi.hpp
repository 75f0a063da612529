// The user-space ABI of the modelled socket calls: Linux's constant values
// (include/uapi/linux/{socket,in}.h), and our own address struct.
//
// Each constant is defined only when the C library has not already defined
// it as a macro (<sys/socket.h>, <netinet/in.h>, pcap.h pull those in), so
// this header can be included before or after them; the values are the same.
// We do not include those headers ourselves.
#pragma once

#include <cstddef>
#include <cstdint>

namespace wirepath {

// sockaddr_in for this model: every field in HOST byte order (unlike the real
// struct, whose port and address are big-endian). 10.0.0.1 is 0x0a000001.
struct sockaddr_in_host {
  uint16_t sin_family = 0;  // AF_INET
  uint16_t sin_port = 0;
  uint32_t sin_addr = 0;
};
constexpr uint32_t SOCKADDR_IN_LEN = sizeof(sockaddr_in_host);

// Build an IPv4 address in host order from its dotted quad.
constexpr uint32_t ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return (uint32_t{a} << 24) | (uint32_t{b} << 16) | (uint32_t{c} << 8) | d;
}

#ifndef AF_UNSPEC
constexpr int AF_UNSPEC = 0;
#endif
#ifndef AF_INET
constexpr int AF_INET = 2;
#endif
#ifndef AF_INET6
constexpr int AF_INET6 = 10;
#endif
#ifndef AF_MAX
constexpr int AF_MAX = 46;
#endif
#ifndef SOCK_STREAM
constexpr int SOCK_STREAM = 1;
#endif
#ifndef SOCK_DGRAM
constexpr int SOCK_DGRAM = 2;
#endif
#ifndef SOCK_RAW
constexpr int SOCK_RAW = 3;
#endif
#ifndef SOCK_NONBLOCK
constexpr int SOCK_NONBLOCK = 04000;
#endif
#ifndef SOCK_CLOEXEC
constexpr int SOCK_CLOEXEC = 02000000;
#endif
constexpr int WP_SOCK_MAX = 11;  // SOCK_MAX (kernel-internal)
constexpr int WP_SOCK_TYPE_MASK = 0xf;

#ifndef IPPROTO_IP
constexpr int IPPROTO_IP = 0;
#endif
#ifndef IPPROTO_ICMP
constexpr int IPPROTO_ICMP = 1;
#endif
#ifndef IPPROTO_TCP
constexpr int IPPROTO_TCP = 6;
#endif
#ifndef IPPROTO_UDP
constexpr int IPPROTO_UDP = 17;
#endif
#ifndef IPPROTO_UDPLITE
constexpr int IPPROTO_UDPLITE = 136;
#endif
#ifndef IPPROTO_RAW
constexpr int IPPROTO_RAW = 255;
#endif
constexpr int WP_IPPROTO_MAX = 263;  // IPPROTO_MAX of current kernels

#ifndef MSG_OOB
constexpr int MSG_OOB = 0x1;
#endif
#ifndef MSG_PEEK
constexpr int MSG_PEEK = 0x2;
#endif
#ifndef MSG_TRUNC
constexpr int MSG_TRUNC = 0x20;
#endif
#ifndef MSG_DONTROUTE
constexpr int MSG_DONTROUTE = 0x4;
#endif
#ifndef MSG_DONTWAIT
constexpr int MSG_DONTWAIT = 0x40;
#endif
#ifndef MSG_MORE
constexpr int MSG_MORE = 0x8000;
#endif

#ifndef SOL_IP
constexpr int SOL_IP = 0;
#endif
#ifndef O_NONBLOCK
constexpr int O_NONBLOCK = 04000;
#endif
#ifndef SOL_UDP
constexpr int SOL_UDP = 17;
#endif
#ifndef UDP_CORK
constexpr int UDP_CORK = 1;
#endif
#ifndef SO_SNDBUF
constexpr int SO_SNDBUF = 7;
#endif
#ifndef SO_ERROR
constexpr int SO_ERROR = 4;
#endif
#ifndef MSG_CMSG_COMPAT
constexpr int MSG_CMSG_COMPAT = 0x80000000;
#endif
#ifndef UIO_MAXIOV
constexpr unsigned UIO_MAXIOV = 1024;
#endif

// struct iovec / msghdr / mmsghdr for sendmsg and sendmmsg (no control data).
struct iovec_host {
  const void *iov_base = nullptr;
  size_t iov_len = 0;
};
struct msghdr_host {
  const sockaddr_in_host *msg_name = nullptr;
  uint32_t msg_namelen = 0;
  const iovec_host *msg_iov = nullptr;
  size_t msg_iovlen = 0;
  int msg_flags = 0;  // ignored on send, as in Linux
};
struct mmsghdr_host {
  msghdr_host msg_hdr;
  unsigned int msg_len = 0;  // bytes sent, filled in by sendmmsg
};

#ifndef SOL_SOCKET
constexpr int SOL_SOCKET = 1;
#endif
#ifndef SO_PRIORITY
constexpr int SO_PRIORITY = 12;
#endif
#ifndef SO_MARK
constexpr int SO_MARK = 36;
#endif
#ifndef IP_TOS
constexpr int IP_TOS = 1;
#endif
#ifndef IP_TTL
constexpr int IP_TTL = 2;
#endif
#ifndef IP_MTU_DISCOVER
constexpr int IP_MTU_DISCOVER = 10;
#endif
#ifndef IP_RECVERR
constexpr int IP_RECVERR = 11;
#endif
#ifndef IP_PMTUDISC_DONT
constexpr int IP_PMTUDISC_DONT = 0;  // never set DF
#endif
#ifndef IP_PMTUDISC_WANT
constexpr int IP_PMTUDISC_WANT = 1;  // DF when it fits; fragment locally otherwise (default)
#endif
#ifndef IP_PMTUDISC_DO
constexpr int IP_PMTUDISC_DO = 2;  // always DF, EMSGSIZE when over the MTU
#endif
#ifndef IP_PMTUDISC_PROBE
constexpr int IP_PMTUDISC_PROBE = 3;
#endif
#ifndef IP_PMTUDISC_INTERFACE
constexpr int IP_PMTUDISC_INTERFACE = 4;
#endif
#ifndef IP_PMTUDISC_OMIT
constexpr int IP_PMTUDISC_OMIT = 5;
#endif

}  // namespace wirepath

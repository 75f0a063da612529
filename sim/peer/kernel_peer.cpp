// The real kernel at the far end of the wire (see kernel_peer.hpp).
#include "sim/peer/kernel_peer.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "sim/peer/rx_fcs.hpp"
#include <zlib.h>

namespace wirepath {

namespace {
constexpr size_t kMinFrame = 60;  // DA..payload: a frame on a real wire is padded to 64 with its FCS
}

void KernelPeerConfig::validate() const {
  if (poll_ns == 0) throw std::invalid_argument("kernel peer: poll interval must be > 0");
  if (ns.tcp_listen.empty() && ns.udp_bind.empty())
    throw std::invalid_argument("kernel peer: no TCP or UDP port to receive on");
}

KernelPeer::KernelPeer(const KernelPeerConfig &cfg) : cfg_(cfg) {
  cfg_.validate();
  tap_ = open_netns_tap(cfg_.ns);
}

KernelPeer::~KernelPeer() {
  for (int fd : conns_) ::close(fd);
}

void KernelPeer::on_frame(const std::vector<uint8_t> &frame, uint64_t arrive_ns) {
  stats_.frames++;
  // A real NIC drops a frame that is short or has a bad FCS.
  std::optional<std::vector<uint8_t>> body = rx_strip_fcs(frame);
  if (!body) {
    stats_.fcs_errors++;
    return;
  }
  Held h{arrive_ns, std::move(*body)};
  auto it = std::upper_bound(held_.begin(), held_.end(), arrive_ns,
                             [](uint64_t t, const Held &x) { return t < x.at; });
  held_.insert(it, std::move(h));
}

uint64_t KernelPeer::next_event_ns() const {
  // Live from the start: the kernel may send at any time (its delayed ACKs,
  // a FIN after our close), so the TAP is looked at every poll_ns.
  uint64_t next = last_run_ns_ + cfg_.poll_ns;
  if (!held_.empty()) next = std::min(next, held_.front().at);
  return next;
}

void KernelPeer::pace(uint64_t now_ns) {
  if (!started_) {
    started_ = true;
    sim0_ns_ = now_ns;
    wall0_ = std::chrono::steady_clock::now();
    return;
  }
  if (!cfg_.pace) return;
  const uint64_t sim = now_ns - sim0_ns_;
  const auto wall = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - wall0_).count());
  if (sim <= wall) return;
  // Ahead of the wall clock: wait until it catches up or the kernel sends.
  const uint64_t ahead = sim - wall;
  pollfd p{tap_.tap, POLLIN, 0};
  timespec ts{static_cast<time_t>(ahead / 1'000'000'000), static_cast<long>(ahead % 1'000'000'000)};
  const auto t0 = std::chrono::steady_clock::now();
  ::ppoll(&p, 1, &ts, nullptr);
  stats_.paced_ns += static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count());
}

void KernelPeer::run(uint64_t now_ns) {
  pace(now_ns);
  last_run_ns_ = now_ns;
  // Our frames whose last bit has reached the far end by now.
  while (!held_.empty() && held_.front().at <= now_ns) {
    const std::vector<uint8_t> &f = held_.front().frame;
    if (::write(tap_.tap, f.data(), f.size()) == static_cast<ssize_t>(f.size()))
      stats_.tap_writes++;
    else
      stats_.tap_write_errors++;
    held_.pop_front();
  }
  service_sockets();
  // What the kernel sent: into our stack after the reply delay.
  uint8_t buf[65536];
  for (;;) {
    const ssize_t n = ::read(tap_.tap, buf, sizeof buf);
    if (n <= 0) break;
    stats_.tap_reads++;
    std::vector<uint8_t> f(buf, buf + n);
    if (f.size() < kMinFrame) f.resize(kMinFrame, 0);
    if (transmit) transmit(std::move(f), now_ns + cfg_.reply_delay_ns);
  }
}

void KernelPeer::service_sockets() {
  for (const auto &[port, lfd] : tap_.tcp_listeners)
    for (;;) {
      const int fd = ::accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) break;
      stats_.tcp_accepted++;
      conns_.push_back(fd);
      if (first_conn_) {
        first_conn_ = false;
        stream_fd_ = fd;
        // What the handshake negotiated, as the kernel saw it.
        tcp_info ti{};
        socklen_t len = sizeof ti;
        if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0) {
          tcpi_sack_ = ti.tcpi_options & TCPI_OPT_SACK;
          tcpi_ts_ = ti.tcpi_options & TCPI_OPT_TIMESTAMPS;
          tcpi_wscale_ = ti.tcpi_options & TCPI_OPT_WSCALE;
          tcpi_snd_wscale_ = ti.tcpi_snd_wscale;
          tcpi_rcv_mss_ = ti.tcpi_rcv_mss;
        }
      }
    }
  static thread_local std::vector<uint8_t> buf(1 << 20);
  for (size_t i = 0; i < conns_.size();) {
    const int fd = conns_[i];
    bool eof = false;
    for (;;) {
      const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
      if (n > 0) {
        stats_.tcp_bytes += static_cast<uint64_t>(n);
        if (fd == stream_fd_) stream_.insert(stream_.end(), buf.begin(), buf.begin() + n);
        continue;
      }
      // 0: the sender's FIN; an error (RST): the connection is over too.
      eof = n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
      break;
    }
    if (eof) {
      // Our close answers with the kernel's own FIN.
      ::close(fd);
      if (fd == stream_fd_) stream_fd_ = -2;
      stats_.tcp_closed++;
      conns_.erase(conns_.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
  for (const auto &[port, fd] : tap_.udp_sockets)
    for (;;) {
      const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
      if (n < 0) break;
      stats_.udp_datagrams++;
      stats_.udp_bytes += static_cast<uint64_t>(n);
      udp_.emplace_back(buf.begin(), buf.begin() + n);
    }
}

void KernelPeer::finish(unsigned quiet_ms, unsigned max_ms) {
  // Frames still on their way when the simulation stopped had left our NIC:
  // the far end gets them.
  for (const Held &h : held_) {
    if (::write(tap_.tap, h.frame.data(), h.frame.size()) == static_cast<ssize_t>(h.frame.size()))
      stats_.tap_writes++;
    else
      stats_.tap_write_errors++;
  }
  held_.clear();
  using clock = std::chrono::steady_clock;
  const auto end = clock::now() + std::chrono::milliseconds(max_ms);
  auto last_data = clock::now();
  for (;;) {
    const uint64_t before = stats_.tcp_bytes + stats_.udp_bytes + stats_.tcp_closed;
    service_sockets();
    const auto now = clock::now();
    if (stats_.tcp_bytes + stats_.udp_bytes + stats_.tcp_closed != before) last_data = now;
    if (now >= end || now - last_data >= std::chrono::milliseconds(quiet_ms)) break;
    std::vector<pollfd> fds;
    for (const auto &[port, fd] : tap_.udp_sockets) fds.push_back({fd, POLLIN, 0});
    for (int fd : conns_) fds.push_back({fd, POLLIN, 0});
    ::poll(fds.data(), fds.size(), 5);
  }
}

ProcNetCounters KernelPeer::snmp() const { return read_proc_net_counters(tap_.snmp); }
ProcNetCounters KernelPeer::netstat() const { return read_proc_net_counters(tap_.netstat); }

std::string KernelPeer::summary() const {
  const KernelPeerStats &s = stats_;
  const ProcNetCounters sn = snmp(), nx = netstat();
  auto c = [&](const char *g, const char *n) { return proc_net_counter(sn, g, n); };
  std::string out = fmt::format(
      "kernel peer {} in a private namespace: {} frames written to it, {} read from it ({} FCS errors, {} write "
      "errors), {:.1f} ms waited for it\n",
      cfg_.ns.ifname, s.tap_writes, s.tap_reads, s.fcs_errors, s.tap_write_errors, s.paced_ns / 1e6);
  if (!cfg_.ns.tcp_listen.empty())
    out += fmt::format("kernel tcp  {} connections accepted, {} closed, {} bytes read by its socket (crc32 {:08x})\n",
                       s.tcp_accepted, s.tcp_closed, s.tcp_bytes,
                       crc32(0, stream_.data(), static_cast<uInt>(stream_.size())));
  if (!cfg_.ns.udp_bind.empty())
    out += fmt::format("kernel udp  {} datagrams, {} bytes read by its sockets\n", s.udp_datagrams, s.udp_bytes);
  out += fmt::format("kernel ip   InReceives {} InHdrErrors {} InAddrErrors {} InDiscards {} ReasmReqds {} ReasmOKs {} "
                     "ReasmFails {}\n",
                     c("Ip", "InReceives"), c("Ip", "InHdrErrors"), c("Ip", "InAddrErrors"), c("Ip", "InDiscards"),
                     c("Ip", "ReasmReqds"), c("Ip", "ReasmOKs"), c("Ip", "ReasmFails"));
  out += fmt::format("kernel tcp  InSegs {} OutSegs {} RetransSegs {} InErrs {} InCsumErrors {} OutRsts {} "
                     "ActiveOpens {} PassiveOpens {}\n",
                     c("Tcp", "InSegs"), c("Tcp", "OutSegs"), c("Tcp", "RetransSegs"), c("Tcp", "InErrs"),
                     c("Tcp", "InCsumErrors"), c("Tcp", "OutRsts"), c("Tcp", "ActiveOpens"), c("Tcp", "PassiveOpens"));
  if (s.tcp_accepted)
    out += fmt::format("kernel tcp  options the kernel agreed to on the first connection (TCP_INFO): sack {}, "
                       "timestamps {}, wscale {} (ours {}), its rcv_mss {}\n",
                       tcpi_sack_ ? "yes" : "no", tcpi_ts_ ? "yes" : "no", tcpi_wscale_ ? "yes" : "no",
                       tcpi_snd_wscale_, tcpi_rcv_mss_);
  std::string ext;
  for (const auto &[g, row] : nx)
    if (g == "TcpExt")
      for (const auto &[n, v] : row)
        if (v) ext += fmt::format(" {} {}", n, v);
  out += fmt::format("kernel tcp  TcpExt (non-zero):{}\n", ext.empty() ? " none" : ext);
  out += fmt::format("kernel udp  InDatagrams {} NoPorts {} InErrors {} RcvbufErrors {} InCsumErrors {}\n",
                     c("Udp", "InDatagrams"), c("Udp", "NoPorts"), c("Udp", "InErrors"), c("Udp", "RcvbufErrors"),
                     c("Udp", "InCsumErrors"));
  return out;
}

}  // namespace wirepath

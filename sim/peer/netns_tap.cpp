// The private namespace and its TAP device (see netns_tap.hpp).
#include "sim/peer/netns_tap.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

namespace wirepath {

namespace {

[[noreturn]] void fail(const std::string &step) {
  const int e = errno;
  std::string hint;
  if (e == EPERM || e == EACCES)
    hint = " (a private network namespace and a TAP device need root or CAP_SYS_ADMIN + CAP_NET_ADMIN)";
  throw std::runtime_error(fmt::format("kernel peer: {}: {}{}", step, std::strerror(e), hint));
}

void write_proc(const std::string &path, const std::string &value) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail("open " + path);
  const ssize_t n = ::write(fd, value.data(), value.size());
  const int e = errno;
  ::close(fd);
  errno = e;
  if (n != static_cast<ssize_t>(value.size())) fail("write " + path);
}

void set_flags_up(int ctl, const char *name) {
  ifreq ifr{};
  std::snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
  if (::ioctl(ctl, SIOCGIFFLAGS, &ifr) < 0) fail(fmt::format("SIOCGIFFLAGS {}", name));
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
  if (::ioctl(ctl, SIOCSIFFLAGS, &ifr) < 0) fail(fmt::format("bring {} up", name));
}

sockaddr_in inet(uint32_t ip, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(ip);
  return a;
}

// Runs in the thread that has left the process's namespace.
void setup(const NetnsTapConfig &cfg, NetnsTap &t) {
  if (::unshare(CLONE_NEWNET) < 0) fail("unshare(CLONE_NEWNET)");
  // No IPv6 in the namespace: the device would otherwise send router
  // solicitations and DAD probes that are not part of any run.
  write_proc("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
  write_proc("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
  for (const auto &[name, value] : cfg.sysctls) write_proc("/proc/sys/" + name, value);

  t.tap = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (t.tap < 0) fail("open /dev/net/tun");
  ifreq ifr{};
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;  // whole Ethernet frames, no packet-info header, no vnet header
  std::snprintf(ifr.ifr_name, IFNAMSIZ, "%s", cfg.ifname.c_str());
  if (::ioctl(t.tap, TUNSETIFF, &ifr) < 0) fail("TUNSETIFF " + cfg.ifname);

  const int ctl = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (ctl < 0) fail("socket for ioctls");
  struct CloseCtl {
    int fd;
    ~CloseCtl() { ::close(fd); }
  } close_ctl{ctl};
  ifreq r{};
  std::snprintf(r.ifr_name, IFNAMSIZ, "%s", cfg.ifname.c_str());
  r.ifr_hwaddr.sa_family = ARPHRD_ETHER;
  std::memcpy(r.ifr_hwaddr.sa_data, cfg.mac.data(), 6);
  if (::ioctl(ctl, SIOCSIFHWADDR, &r) < 0) fail("set the MAC address");
  r = ifreq{};
  std::snprintf(r.ifr_name, IFNAMSIZ, "%s", cfg.ifname.c_str());
  r.ifr_mtu = static_cast<int>(cfg.mtu);
  if (::ioctl(ctl, SIOCSIFMTU, &r) < 0) fail("set the MTU");
  r = ifreq{};
  std::snprintf(r.ifr_name, IFNAMSIZ, "%s", cfg.ifname.c_str());
  sockaddr_in a = inet(cfg.ip, 0);
  std::memcpy(&r.ifr_addr, &a, sizeof a);
  if (::ioctl(ctl, SIOCSIFADDR, &r) < 0) fail("set the IPv4 address");
  const uint32_t mask = cfg.prefix_len ? ~uint32_t{0} << (32 - cfg.prefix_len) : 0;
  a = inet(mask, 0);
  std::memcpy(&r.ifr_netmask, &a, sizeof a);
  if (::ioctl(ctl, SIOCSIFNETMASK, &r) < 0) fail("set the netmask");
  set_flags_up(ctl, "lo");
  set_flags_up(ctl, cfg.ifname.c_str());

  const int one = 1;
  for (uint16_t port : cfg.tcp_listen) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) fail("socket(SOCK_STREAM)");
    t.tcp_listeners.emplace_back(port, fd);
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const sockaddr_in la = inet(cfg.ip, port);
    if (::bind(fd, reinterpret_cast<const sockaddr *>(&la), sizeof la) < 0) fail(fmt::format("bind tcp {}", port));
    if (::listen(fd, 16) < 0) fail("listen");
  }
  for (uint16_t port : cfg.udp_bind) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) fail("socket(SOCK_DGRAM)");
    t.udp_sockets.emplace_back(port, fd);
    // Room for a whole run's datagrams between two reads (root may exceed rmem_max).
    const int rcvbuf = 64 << 20;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf);
    const sockaddr_in la = inet(cfg.ip, port);
    if (::bind(fd, reinterpret_cast<const sockaddr *>(&la), sizeof la) < 0) fail(fmt::format("bind udp {}", port));
  }
  // /proc/thread-self/net is this thread's namespace; the open files stay
  // bound to it after the thread ends.
  t.snmp = ::open("/proc/thread-self/net/snmp", O_RDONLY | O_CLOEXEC);
  if (t.snmp < 0) fail("open /proc/thread-self/net/snmp");
  t.netstat = ::open("/proc/thread-self/net/netstat", O_RDONLY | O_CLOEXEC);
  if (t.netstat < 0) fail("open /proc/thread-self/net/netstat");
}

}  // namespace

NetnsTap::NetnsTap(NetnsTap &&o) noexcept { *this = std::move(o); }

NetnsTap &NetnsTap::operator=(NetnsTap &&o) noexcept {
  if (this != &o) {
    close_all();
    tap = o.tap;
    tcp_listeners = std::move(o.tcp_listeners);
    udp_sockets = std::move(o.udp_sockets);
    snmp = o.snmp;
    netstat = o.netstat;
    o.tap = o.snmp = o.netstat = -1;
    o.tcp_listeners.clear();
    o.udp_sockets.clear();
  }
  return *this;
}

NetnsTap::~NetnsTap() { close_all(); }

void NetnsTap::close_all() {
  for (int *fd : {&tap, &snmp, &netstat})
    if (*fd >= 0) {
      ::close(*fd);
      *fd = -1;
    }
  for (auto &[port, fd] : tcp_listeners) ::close(fd);
  for (auto &[port, fd] : udp_sockets) ::close(fd);
  tcp_listeners.clear();
  udp_sockets.clear();
}

NetnsTap open_netns_tap(const NetnsTapConfig &cfg) {
  if (cfg.ifname.empty() || cfg.ifname.size() >= IFNAMSIZ)
    throw std::invalid_argument(fmt::format("kernel peer: bad interface name '{}'", cfg.ifname));
  if (cfg.prefix_len > 32) throw std::invalid_argument("kernel peer: prefix length > 32");
  NetnsTap t;
  std::string error;
  // unshare() applies to the calling thread only: a thread of its own
  // leaves the namespace, the rest of the process stays where it is.
  std::thread th([&] {
    try {
      setup(cfg, t);
    } catch (const std::exception &e) {
      error = e.what();
    }
  });
  th.join();
  if (!error.empty()) throw std::runtime_error(error);
  return t;
}

ProcNetCounters read_proc_net_counters(int fd) {
  std::string text;
  char buf[4096];
  if (::lseek(fd, 0, SEEK_SET) < 0) throw std::runtime_error("kernel peer: cannot rewind a /proc/net file");
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) throw std::runtime_error(fmt::format("kernel peer: reading /proc/net: {}", std::strerror(errno)));
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  // Pairs of lines: "Tcp: RtoAlgorithm RtoMin ..." then "Tcp: 1 200 ...".
  ProcNetCounters out;
  std::istringstream in(text);
  std::string names, values;
  while (std::getline(in, names) && std::getline(in, values)) {
    std::istringstream ns(names), vs(values);
    std::string group, g2, name;
    ns >> group;
    vs >> g2;
    if (group.empty() || group != g2) continue;
    group.pop_back();  // the ':'
    std::vector<std::pair<std::string, int64_t>> row;
    int64_t v = 0;
    while (ns >> name && vs >> v) row.emplace_back(name, v);
    out.emplace_back(group, std::move(row));
  }
  return out;
}

int64_t proc_net_counter(const ProcNetCounters &c, const std::string &group, const std::string &name) {
  for (const auto &[g, row] : c)
    if (g == group)
      for (const auto &[n, v] : row)
        if (n == name) return v;
  return 0;
}

}  // namespace wirepath

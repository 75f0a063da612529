// Measures this machine's real kernel TX path, so the simulator's software
// costs (stack/kernel/cpu_cost.hpp) are figures, not guesses. Runs in a
// private network namespace (unshare(CLONE_NEWNET): nothing leaves the
// machine, the host's own namespace is never touched) and times, per call,
// with CLOCK_THREAD_CPUTIME_ID (CPU time of this thread only):
//   - UDP sendto() through a TAP device at several payload sizes, with the
//     device's tx checksum offload on and off (ethtool -K tap tx off);
//   - TCP write() to a listener over lo at several sizes.
// TAP, not veth: veth_xmit hands the frame to the peer's backlog and the
// receive softirq then runs on the sender's thread (local_bh_enable), so a
// veth measurement would include the receive path. tun_net_xmit only queues
// the skb for the reader, as a NIC driver only queues descriptors.
// TCP needs a peer: over lo its receive path does run in the sender's
// context, so the TCP figures are an upper bound (said in the table).
// Per size the median of N calls; then least squares cost = a + b * bytes.
//
// Run as root: build/bench/host_calibrate [--calls N] [--out FILE.json]
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "stack/kernel/cpu_cost.hpp"

namespace {

uint64_t thread_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000u + uint64_t(ts.tv_nsec);
}

int run(const std::string &cmd) {
  const int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
  return rc;
}

struct Fit {
  double per_call_ns = 0, per_byte_ns = 0;
};

// Least squares over (bytes, ns) points.
Fit fit(const std::vector<std::pair<double, double>> &pts) {
  double n = double(pts.size()), sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (auto [x, y] : pts) sx += x, sy += y, sxx += x * x, sxy += x * y;
  Fit f;
  const double d = n * sxx - sx * sx;
  f.per_byte_ns = d != 0 ? (n * sxy - sx * sy) / d : 0;
  f.per_call_ns = (sy - f.per_byte_ns * sx) / n;
  return f;
}

double clock_overhead_ns = 0;  // two clock reads around nothing

template <typename F>
double median_ns(unsigned calls, F &&call) {
  std::vector<uint64_t> v;
  v.reserve(calls);
  for (unsigned i = 0; i < calls / 10; ++i) call();  // warm caches and allocators
  for (unsigned i = 0; i < calls; ++i) {
    const uint64_t t0 = thread_ns();
    call();
    v.push_back(thread_ns() - t0);
  }
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return double(v[v.size() / 2]) - clock_overhead_ns;
}

std::string first_line_of(const std::string &cmd, const std::string &key) {
  FILE *p = popen(cmd.c_str(), "r");
  if (!p) return "?";
  char buf[512];
  std::string out = "?";
  while (fgets(buf, sizeof buf, p)) {
    std::string l = buf;
    if (l.rfind(key, 0) == 0) {
      out = l.substr(key.size());
      out.erase(0, out.find_first_not_of(" \t"));
      if (!out.empty() && out.back() == '\n') out.pop_back();
      break;
    }
  }
  pclose(p);
  return out;
}

}  // namespace

int main(int argc, char **argv) {
  CLI::App cli{"host_calibrate: per-call and per-byte CPU cost of this kernel's UDP/TCP TX path"};
  unsigned calls = 20000;
  std::string out = "host_costs.json";
  cli.add_option("--calls", calls, "calls timed per size")->default_val(calls)->check(CLI::Range(100u, 10'000'000u));
  cli.add_option("--out", out, "cost file to write (JSON, --cpu-costs format)")->default_val(out);
  CLI11_PARSE(cli, argc, argv);

  // Reading the thread CPU clock is itself a system call (~1.3 us in this VM):
  // measured around an empty call and taken off every figure.
  clock_overhead_ns = median_ns(calls, [] {});
  fmt::print("clock read overhead: {:.0f} ns (subtracted)\n", clock_overhead_ns);
  if (unshare(CLONE_NEWNET) != 0) {
    fmt::print(stderr, "host_calibrate: unshare(CLONE_NEWNET): {} (run as root)\n", std::strerror(errno));
    return 1;
  }
  // The TAP device: frames sent to 10.9.0.2 are queued to our fd; a reader
  // thread drains it so tun's queue never fills.
  const int tap = open("/dev/net/tun", O_RDWR);
  if (tap < 0) {
    fmt::print(stderr, "host_calibrate: /dev/net/tun: {}\n", std::strerror(errno));
    return 1;
  }
  ifreq ifr{};
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  std::strncpy(ifr.ifr_name, "wpcal0", IFNAMSIZ - 1);
  if (ioctl(tap, TUNSETIFF, &ifr) != 0) {
    fmt::print(stderr, "host_calibrate: TUNSETIFF: {}\n", std::strerror(errno));
    return 1;
  }
  // tun offers checksum offload only once its reader accepts partial
  // checksums (TUN_F_CSUM); ethtool can then switch it on and off. A large
  // MTU lets single datagrams be big enough to show the per-byte cost.
  if (ioctl(tap, TUNSETOFFLOAD, TUN_F_CSUM) != 0) fmt::print("TUNSETOFFLOAD: {}\n", std::strerror(errno));
  if (run("ip link set lo up") || run("ip addr add 10.9.0.1/24 dev wpcal0") ||
      run("ip link set wpcal0 mtu 65000 up") ||
      run("ip neigh add 10.9.0.2 lladdr 02:00:00:00:00:02 dev wpcal0 nud permanent")) {
    fmt::print(stderr, "host_calibrate: ip(8) could not set up wpcal0 in the private namespace\n");
    return 1;
  }
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    std::vector<char> buf(65536);
    while (!stop) (void)!read(tap, buf.data(), buf.size());
  });

  const int us = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(9);
  inet_pton(AF_INET, "10.9.0.2", &dst.sin_addr);
  const std::vector<size_t> udp_sizes = {16, 256, 1472, 4096, 16384, 32768, 60000};
  std::vector<char> payload(1 << 16, 'x');

  auto udp_series = [&](const char *label) {
    std::vector<std::pair<double, double>> pts;
    for (size_t sz : udp_sizes) {
      const double m = median_ns(calls, [&] {
        (void)sendto(us, payload.data(), sz, 0, reinterpret_cast<sockaddr *>(&dst), sizeof dst);
      });
      pts.emplace_back(double(sz), m);
      fmt::print("  {:<22} {:>6} B  {:>8.0f} ns\n", label, sz, m);
    }
    return pts;
  };

  fmt::print("UDP sendto() via TAP, median of {} calls, thread CPU time\n", calls);
  const bool have_ethtool = run("ethtool -K wpcal0 tx on") == 0;
  const auto udp_off = udp_series("tx csum offload on");
  std::vector<std::pair<double, double>> udp_sw;
  if (have_ethtool && run("ethtool -K wpcal0 tx off") == 0) {
    udp_sw = udp_series("tx csum in software");
  } else {
    fmt::print("  ethtool missing or refused 'tx off': no software-checksum series\n");
  }

  // TCP over lo: listener + a thread that reads everything.
  const int ls = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in la{};
  la.sin_family = AF_INET;
  la.sin_port = htons(5001);
  la.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(ls, reinterpret_cast<sockaddr *>(&la), sizeof la) || listen(ls, 1)) {
    fmt::print(stderr, "host_calibrate: TCP listener: {}\n", std::strerror(errno));
    return 1;
  }
  std::thread sink([&] {
    const int c = accept(ls, nullptr, nullptr);
    std::vector<char> buf(1 << 20);
    while (read(c, buf.data(), buf.size()) > 0) {
    }
    close(c);
  });
  const int ts = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(ts, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(ts, reinterpret_cast<sockaddr *>(&la), sizeof la)) {
    fmt::print(stderr, "host_calibrate: TCP connect: {}\n", std::strerror(errno));
    return 1;
  }
  fmt::print("TCP write() over lo (includes lo's receive path: an upper bound)\n");
  std::vector<std::pair<double, double>> tcp;
  for (size_t sz : {64, 1460, 4096, 16384, 32768, 60000}) {
    const double m = median_ns(calls / 4, [&] { (void)!write(ts, payload.data(), sz); });
    tcp.emplace_back(double(sz), m);
    fmt::print("  {:<22} {:>6} B  {:>8.0f} ns\n", "tcp write", sz, m);
  }
  close(ts);
  sink.join();
  stop = true;
  // Wake the reader with one last frame.
  (void)sendto(us, payload.data(), 1, 0, reinterpret_cast<sockaddr *>(&dst), sizeof dst);
  reader.join();

  const Fit fo = fit(udp_off), fs = udp_sw.empty() ? Fit{} : fit(udp_sw), ft = fit(tcp);
  utsname u{};
  uname(&u);
  const std::string cpu = first_line_of("lscpu", "Model name:");
  fmt::print("\nleast squares: cost = per_call + per_byte * bytes   ({}, Linux {})\n", cpu, u.release);
  fmt::print("  {:<34} {:>10} {:>12}\n", "series", "per call ns", "per byte ns");
  fmt::print("  {:<34} {:>10.0f} {:>12.4f}\n", "udp sendto, csum offload", fo.per_call_ns, fo.per_byte_ns);
  if (!udp_sw.empty())
    fmt::print("  {:<34} {:>10.0f} {:>12.4f}\n", "udp sendto, software csum", fs.per_call_ns, fs.per_byte_ns);
  fmt::print("  {:<34} {:>10.0f} {:>12.4f}\n", "tcp write over lo (upper bound)", ft.per_call_ns, ft.per_byte_ns);

  nlohmann::json j;
  j["source"] = fmt::format("bench/host_calibrate, {} calls per size, {}, Linux {}", calls, cpu, u.release);
  j["measured"] = {{"udp_sendto_offload", {{"per_call_ns", fo.per_call_ns}, {"per_byte_ns", fo.per_byte_ns}}},
                   {"tcp_write_lo", {{"per_call_ns", ft.per_call_ns}, {"per_byte_ns", ft.per_byte_ns}}}};
  if (!udp_sw.empty())
    j["measured"]["udp_sendto_sw_csum"] = {{"per_call_ns", fs.per_call_ns}, {"per_byte_ns", fs.per_byte_ns}};
  // The cost file: the compiled-in split of a UDP send over its functions,
  // scaled so the functions one sendto() runs add up to this machine's
  // per-call figure (the mean of both series); the per-byte figures are the
  // user copy, the checksum's extra, and TCP's copy.
  const wirepath::cpu_cost_table defaults = wirepath::cpu_cost_table::measured_defaults();
  static const char *const udp_path[] = {"__sys_sendto", "sock_sendmsg", "udp_sendmsg", "ip_make_skb",
                                         "sock_alloc_send_skb", "skb_copy_from_user", "udp_send_skb", "ip_local_out",
                                         "ip_output", "ip_finish_output2", "__dev_queue_xmit", "qdisc_run",
                                         "dev_hard_start_xmit", "e1000_xmit_frame"};
  double path_ns = 0;
  for (const char *fn : udp_path) path_ns += defaults.entries().at(fn).per_call_ns;
  const double udp_call = udp_sw.empty() ? fo.per_call_ns : (fo.per_call_ns + fs.per_call_ns) / 2;
  const double scale = udp_call > 0 ? udp_call / path_ns : 1.0;
  nlohmann::json costs;
  for (const auto &[fn, c] : defaults.entries())
    costs[fn] = {{"per_call_ns", std::round(c.per_call_ns * scale)}, {"per_byte_ns", c.per_byte_ns}};
  if (fo.per_byte_ns > 0) {
    for (const char *fn : {"skb_copy_from_user", "ip_fragment"}) costs[fn]["per_byte_ns"] = fo.per_byte_ns;
  }
  if (!udp_sw.empty()) costs["csum_partial"]["per_byte_ns"] = std::max(0.0, fs.per_byte_ns - fo.per_byte_ns);
  if (ft.per_byte_ns > 0) costs["tcp_sendmsg"]["per_byte_ns"] = ft.per_byte_ns;
  j["costs"] = costs;
  fmt::print("per-call split scaled by {:.3f} (sendto path {:.0f} ns in the defaults)\n", scale, path_ns);
  std::ofstream f(out);
  f << j.dump(2) << "\n";
  if (!f) {
    fmt::print(stderr, "host_calibrate: cannot write {}\n", out);
    return 1;
  }
  fmt::print("wrote {}\n", out);
  return 0;
}

#include "sim/app/flows.hpp"

#include <algorithm>
#include <random>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/app/scenario.hpp"
#include "sim/app/summary_json.hpp"
#include "sim/sc_time_util.hpp"
#include "sim/wire/wire_timing.hpp"
#include "stack/ipv4/tcp.hpp"

namespace wirepath {

namespace {

constexpr uint16_t kFirstSport = 40001;
constexpr ps_t kSocketWait = 10'000'000 * kNs;  // re-check a socket at least every 10 ms
constexpr ps_t kReplyTimeout = 10'000'000 * kNs;  // rr: a request without reply after 10 ms is lost

uint64_t parse_number(const std::string &key, const std::string &v) {
  if (v.empty()) throw std::invalid_argument(fmt::format("--flow: {}= needs a value", key));
  size_t pos = 0;
  uint64_t n = 0;
  try {
    n = std::stoull(v, &pos, 0);
  } catch (const std::exception &) {
    throw std::invalid_argument(fmt::format("--flow: {}={}: not a number", key, v));
  }
  if (v[0] == '-') throw std::invalid_argument(fmt::format("--flow: {}={}: must not be negative", key, v));
  const std::string unit = v.substr(pos);
  uint64_t mul = 1;
  if (unit.empty()) mul = 1;
  else if (unit == "k" || unit == "K") mul = 1000;
  else if (unit == "M") mul = 1000'000;
  else if (unit == "G") mul = 1000'000'000;
  else if (unit == "Ki") mul = 1ull << 10;
  else if (unit == "Mi") mul = 1ull << 20;
  else if (unit == "Gi") mul = 1ull << 30;
  else throw std::invalid_argument(fmt::format("--flow: {}={}: unknown unit \"{}\" (k, M, G, Ki, Mi, Gi)", key, v, unit));
  if (n > UINT64_MAX / mul) throw std::invalid_argument(fmt::format("--flow: {}={}: too large", key, v));
  return n * mul;
}

uint16_t be16(const uint8_t *p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t *p) { return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3]; }

}  // namespace

const char *flow_kind_name(FlowKind k) {
  switch (k) {
    case FlowKind::tcp: return "tcp";
    case FlowKind::udp: return "udp";
    case FlowKind::rr: return "rr";
  }
  return "?";
}

FlowSpec parse_flow_spec(const std::string &spec) {
  FlowSpec s;
  std::vector<std::string> parts;
  size_t b = 0;
  for (;;) {
    const size_t e = spec.find(',', b);
    parts.push_back(spec.substr(b, e == std::string::npos ? std::string::npos : e - b));
    if (e == std::string::npos) break;
    b = e + 1;
  }
  if (parts[0] == "tcp") s.kind = FlowKind::tcp;
  else if (parts[0] == "udp") s.kind = FlowKind::udp;
  else if (parts[0] == "rr") s.kind = FlowKind::rr;
  else throw std::invalid_argument(fmt::format("--flow {}: the kind must be tcp, udp or rr", spec));
  if (s.kind == FlowKind::rr) s.size = 32;
  for (size_t i = 1; i < parts.size(); i++) {
    const std::string &p = parts[i];
    const size_t eq = p.find('=');
    const std::string key = p.substr(0, eq);
    const std::string val = eq == std::string::npos ? std::string() : p.substr(eq + 1);
    const bool tcp = s.kind == FlowKind::tcp;
    auto only = [&](bool allowed) {
      if (!allowed)
        throw std::invalid_argument(fmt::format("--flow {}: {} does not apply to a {} flow", spec, key, parts[0]));
    };
    if (key == "nodelay" && eq == std::string::npos) {
      only(tcp);
      s.nodelay = true;
    } else if (key == "bytes") {
      only(tcp);
      s.bytes = parse_number(key, val);
      if (!s.bytes) throw std::invalid_argument(fmt::format("--flow {}: bytes must be >= 1", spec));
    } else if (key == "write") {
      only(tcp);
      const uint64_t w = parse_number(key, val);
      if (w < 1 || w > (1u << 30)) throw std::invalid_argument(fmt::format("--flow {}: write must be 1..1Gi", spec));
      s.write_size = static_cast<uint32_t>(w);
    } else if (key == "size") {
      only(!tcp);
      const uint64_t v = parse_number(key, val);
      if (v < 8 || v > 1472)
        throw std::invalid_argument(fmt::format("--flow {}: size must be 8..1472 (one frame, with room for the "
                                                "8-byte sequence number)", spec));
      s.size = static_cast<uint32_t>(v);
    } else if (key == "every-us") {
      only(s.kind == FlowKind::udp);
      s.every_ns = parse_number(key, val) * 1000;
      if (!s.every_ns) throw std::invalid_argument(fmt::format("--flow {}: every-us must be >= 1", spec));
    } else if (key == "count") {
      only(!tcp);
      s.count = parse_number(key, val);
    } else if (key == "start-us") {
      s.start_ns = parse_number(key, val) * 1000;
    } else if (key == "prio") {
      s.prio = static_cast<int>(std::min<uint64_t>(parse_number(key, val), INT32_MAX));
    } else if (key == "tos") {
      const uint64_t v = parse_number(key, val);
      if (v > 255) throw std::invalid_argument(fmt::format("--flow {}: tos must be 0..255", spec));
      s.tos = static_cast<int>(v);
    } else if (key == "port") {
      const uint64_t v = parse_number(key, val);
      if (v < 1 || v > 65535) throw std::invalid_argument(fmt::format("--flow {}: port must be 1..65535", spec));
      s.port = static_cast<uint16_t>(v);
    } else {
      throw std::invalid_argument(fmt::format("--flow {}: unknown key \"{}\"", spec, key));
    }
  }
  return s;
}

std::string to_string(const FlowSpec &s) {
  std::string out = flow_kind_name(s.kind);
  if (s.kind == FlowKind::tcp) {
    out += fmt::format(",bytes={},write={}", s.bytes, s.write_size);
    if (s.nodelay) out += ",nodelay";
  } else {
    out += fmt::format(",size={}", s.size);
    if (s.kind == FlowKind::udp) out += fmt::format(",every-us={}", s.every_ns / 1000.0);
    if (s.count) out += fmt::format(",count={}", s.count);
  }
  if (s.start_ns) out += fmt::format(",start-us={}", s.start_ns / 1000.0);
  if (s.prio >= 0) out += fmt::format(",prio={}", s.prio);
  if (s.tos >= 0) out += fmt::format(",tos={:#x}", s.tos);
  if (s.port) out += fmt::format(",port={}", s.port);
  return out;
}

double FlowResult::goodput_gbps() const {
  if (end <= start) return 0;
  return wire_payload * 8 / ((end - start) * 1e-12) / 1e9;
}

FlowSet::FlowSet(System &sys, std::vector<FlowSpec> specs, ps_t send_cost) : sys_(sys), send_cost_(send_cost) {
  res_.resize(specs.size());
  writes_.resize(specs.size());
  send_at_.resize(specs.size());
  uint16_t tcp_port = 5001, udp_port = 6000;
  for (size_t i = 0; i < specs.size(); i++) {
    FlowResult &r = res_[i];
    r.id = static_cast<int>(i);
    r.spec = specs[i];
    r.sport = static_cast<uint16_t>(kFirstSport + i);
    switch (r.spec.kind) {
      case FlowKind::tcp:
        r.dport = r.spec.port ? r.spec.port : tcp_port++;
        bulk_active_++;
        break;
      case FlowKind::udp: r.dport = r.spec.port ? r.spec.port : udp_port++; break;
      case FlowKind::rr: r.dport = r.spec.port ? r.spec.port : sys.partner().config().echo_port; break;
    }
  }
  for (const FlowResult &r : res_)
    if (r.spec.kind != FlowKind::tcp && r.spec.count == 0 && bulk_active_ == 0)
      throw std::invalid_argument(
          fmt::format("--flow {}: count= is needed when no tcp flow runs (0 means: until the tcp flows finish)",
                      to_string(r.spec)));
  for (size_t i = 0; i < specs.size(); i++) {
    sys.host().apps.push_back([this, i] {
      switch (res_[i].spec.kind) {
        case FlowKind::tcp: run_tcp(i); break;
        case FlowKind::udp: run_udp(i); break;
        case FlowKind::rr: run_rr(i); break;
      }
      finished_ = std::max(finished_, now_ps());
    });
  }
  sys.latency().tag = [this](const std::vector<uint8_t> &f, ps_t start) { return tag(f, start); };
}

bool FlowSet::keep_going(const FlowResult &r, uint64_t n) const {
  return r.spec.count ? n < r.spec.count : bulk_active_ > 0;
}

// The socket options every flow may set; an error ends the flow.
static int flow_socket(files_struct &st, const FlowResult &r, int type) {
  const int fd = st.socket(AF_INET, type, 0);
  if (fd < 0) return fd;
  int err = 0;
  if (r.spec.tos >= 0) err = st.setsockopt(fd, SOL_IP, IP_TOS, r.spec.tos);
  // SO_PRIORITY after IP_TOS: IP_TOS sets the priority from the TOS.
  if (!err && r.spec.prio >= 0) err = st.setsockopt(fd, SOL_SOCKET, SO_PRIORITY, r.spec.prio);
  if (!err && r.spec.nodelay) err = st.setsockopt(fd, SOL_TCP, TCP_NODELAY, 1);
  const sockaddr_in_host local{AF_INET, r.sport, 0};
  if (!err) err = st.bind(fd, &local);
  if (err) {
    st.close(fd);
    return err;
  }
  return fd;
}

void FlowSet::run_tcp(size_t i) {
  FlowResult &r = res_[i];
  Writes &w = writes_[i];
  files_struct &st = sys_.files();
  if (r.spec.start_ns) sys_.cpu_work(r.spec.start_ns * kNs);
  std::vector<uint8_t> payload(r.spec.bytes);
  // Each flow's own bytes (seed and flow id), so the partner's stream proves whose they are.
  std::mt19937_64 rng(sys_.config().seed * 1000 + i);
  for (auto &b : payload) b = static_cast<uint8_t>(rng());
  const int fd = flow_socket(st, r, SOCK_STREAM);
  if (fd < 0) {
    r.error = -fd;
    bulk_active_--;
    return;
  }
  const sockaddr_in_host peer{AF_INET, r.dport, sys_.config().net.peer_ip};
  r.start = now_ps();
  int err = st.connect(fd, &peer);
  if (err) {
    r.error = -err;
    st.close(fd);
    bulk_active_--;
    return;
  }
  // Non-blocking writes, so the time each byte was written is the call's:
  // a write that finds the send buffer full sleeps on the socket and calls again.
  while (r.bytes < r.spec.bytes) {
    const ps_t call = now_ps();
    sys_.cpu_work(send_cost_);
    const size_t len = static_cast<size_t>(std::min<uint64_t>(r.spec.write_size, r.spec.bytes - r.bytes));
    const long n = st.send(fd, payload.data() + r.bytes, len, MSG_DONTWAIT);
    if (n == -EAGAIN) {
      sys_.host().wait_for_socket(kSocketWait);
      continue;
    }
    if (n < 0) {
      r.error = static_cast<int>(-n);
      break;
    }
    r.bytes += static_cast<uint64_t>(n);
    r.sends++;
    w.end.push_back(r.bytes);
    w.at.push_back(call);
  }
  tcp_sock *tp = tcp_sk(st.sockfd_lookup(fd)->sk.get());
  st.close(fd);
  const ps_t deadline = now_ps() + 2'000'000'000 * kNs;
  auto done = [&] {
    for (const auto &o : sys_.stack().tcp.orphans)
      if (o.get() == tp && o->sk_state != TCP_TIME_WAIT) return false;
    return true;
  };
  while (!done() && now_ps() < deadline) sys_.wait_for_stack(deadline - now_ps());
  r.finished = done() && !r.error;
  for (const auto &o : sys_.stack().tcp.orphans)
    if (o.get() == tp) {
      r.srtt_us = tp->srtt_us >> 3;
      r.cwnd = tp->snd_cwnd;
      r.retrans = tp->total_retrans;
    }
  for (const auto &c : sys_.partner().connections())
    if (c->peer_port == r.sport && c->port == r.dport) {
      r.delivered = c->data.size();
      r.intact = c->data.size() == r.bytes && std::equal(c->data.begin(), c->data.end(), payload.begin());
    }
  bulk_active_--;
}

// A datagram carries its sequence number in its first 8 bytes, the rest
// is a pattern of the flow id.
static void fill_datagram(std::vector<uint8_t> &d, uint64_t seq, int id) {
  for (int b = 0; b < 8; b++) d[b] = static_cast<uint8_t>(seq >> (56 - 8 * b));
  for (size_t b = 8; b < d.size(); b++) d[b] = static_cast<uint8_t>(id * 16 + b);
}

void FlowSet::run_udp(size_t i) {
  FlowResult &r = res_[i];
  files_struct &st = sys_.files();
  if (r.spec.start_ns) sys_.cpu_work(r.spec.start_ns * kNs);
  const int fd = flow_socket(st, r, SOCK_DGRAM);
  const sockaddr_in_host peer{AF_INET, r.dport, sys_.config().net.peer_ip};
  int err = fd < 0 ? fd : st.connect(fd, &peer);
  if (err) {
    r.error = -err;
    if (fd >= 0) st.close(fd);
    return;
  }
  std::vector<uint8_t> d(r.spec.size);
  r.start = now_ps();
  uint64_t seq = 0;
  while (keep_going(r, seq)) {
    // On a fixed grid from the start: a late send does not shift the rest.
    const ps_t due = r.start + seq * r.spec.every_ns * kNs;
    if (due > now_ps()) sys_.cpu_work(due - now_ps());
    if (!keep_going(r, seq)) break;
    const ps_t call = now_ps();
    sys_.cpu_work(send_cost_);
    fill_datagram(d, seq, r.id);
    const long n = st.send(fd, d.data(), d.size(), 0);
    if (n < 0) {
      if (!r.error) r.error = static_cast<int>(-n);
      seq++;  // the number is used: its datagram is missing on the wire
      send_at_[i].push_back(0);
      continue;
    }
    send_at_[i].push_back(call);
    r.sends++;
    r.bytes += static_cast<uint64_t>(n);
    seq++;
  }
  st.close(fd);
  r.finished = !r.error;
}

void FlowSet::run_rr(size_t i) {
  FlowResult &r = res_[i];
  files_struct &st = sys_.files();
  if (r.spec.start_ns) sys_.cpu_work(r.spec.start_ns * kNs);
  const int fd = flow_socket(st, r, SOCK_DGRAM);
  const sockaddr_in_host peer{AF_INET, r.dport, sys_.config().net.peer_ip};
  int err = fd < 0 ? fd : st.connect(fd, &peer);
  if (err) {
    r.error = -err;
    if (fd >= 0) st.close(fd);
    return;
  }
  std::vector<uint8_t> d(r.spec.size), reply(2048);
  r.start = now_ps();
  uint64_t seq = 0;
  bool lost = false;
  while (keep_going(r, seq)) {
    const ps_t call = now_ps();
    sys_.cpu_work(send_cost_);
    fill_datagram(d, seq, r.id);
    const long n = st.send(fd, d.data(), d.size(), 0);
    send_at_[i].push_back(n < 0 ? 0 : call);
    seq++;
    if (n < 0) {
      if (!r.error) r.error = static_cast<int>(-n);
      continue;
    }
    r.sends++;
    r.bytes += static_cast<uint64_t>(n);
    // Wait for the echo of this request (an older one that comes late is skipped).
    const ps_t deadline = now_ps() + kReplyTimeout;
    for (;;) {
      const long m = st.recv(fd, reply.data(), reply.size(), MSG_DONTWAIT);
      if (m >= 8 && std::equal(d.begin(), d.begin() + 8, reply.begin())) {
        r.replies++;
        r.rtt.push_back(now_ps() - call);
        break;
      }
      if (m >= 0) continue;
      if (m != -EAGAIN || now_ps() >= deadline) {
        lost = true;
        break;
      }
      sys_.host().wait_for_socket(deadline - now_ps());
    }
  }
  st.close(fd);
  r.finished = !r.error && !lost;
}

FrameTag FlowSet::tag(const std::vector<uint8_t> &f, ps_t start) {
  FrameTag t;
  if (f.size() < 14 + 20 + 4 || be16(&f[12]) != 0x0800) return t;
  const uint8_t *ip = &f[14];
  const size_t ihl = (ip[0] & 15) * 4u;
  const uint32_t tot = be16(ip + 2);
  if (ihl < 20 || tot < ihl + 8 || 14 + tot > f.size() - 4) return t;
  if (be16(ip + 6) & 0x1fff) return t;  // a later fragment
  const uint8_t proto = ip[9];
  const uint8_t *l4 = ip + ihl;
  const uint16_t sport = be16(l4);
  if (sport < kFirstSport || sport >= kFirstSport + res_.size()) return t;
  const size_t i = sport - kFirstSport;
  FlowResult &r = res_[i];
  const bool tcp = r.spec.kind == FlowKind::tcp;
  if (proto != (tcp ? 6 : 17)) return t;
  t.flow = r.id;
  r.wire_frames++;
  r.wire_bytes += f.size();
  r.end = std::max(r.end, wire_frame_end(start, f.size()));
  if (!tcp) {
    const uint32_t plen = tot - static_cast<uint32_t>(ihl) - 8;
    if (plen < 8) return t;
    uint64_t seq = 0;
    for (int b = 0; b < 8; b++) seq = seq << 8 | l4[8 + b];
    r.wire_payload += plen;
    if (seq < send_at_[i].size() && send_at_[i][seq]) {
      t.send = send_at_[i][seq];
      r.latency.push_back(start - t.send);
    }
    return t;
  }
  Writes &w = writes_[i];
  if (tot < ihl + 20) return t;
  const uint32_t seq = be32(l4 + 4);
  const uint8_t flags = l4[13];
  const size_t thl = (l4[12] >> 4) * 4u;
  if (flags & 0x02) {  // SYN: the ISN; data starts at ISN + 1
    w.isn = seq;
    w.have_isn = true;
    return t;
  }
  if (!w.have_isn || tot < ihl + thl) return t;
  const uint64_t len = tot - ihl - thl;
  if (!len) return t;
  const uint64_t off = static_cast<uint32_t>(seq - w.isn - 1);
  const uint64_t end = off + len;
  if (end <= w.highest) return t;  // a retransmission: its bytes left before
  const uint64_t first_new = std::max(off, w.highest);
  r.wire_payload += end - first_new;
  w.highest = end;
  // The write() that gave the segment's first new byte.
  const auto it = std::upper_bound(w.end.begin(), w.end.end(), first_new);
  if (it != w.end.end()) {
    t.send = w.at[static_cast<size_t>(it - w.end.begin())];
    r.latency.push_back(start - t.send);
  }
  return t;
}

bool FlowSet::ok() const {
  for (const FlowResult &r : res_) {
    if (!r.finished || r.error) return false;
    if (r.spec.kind == FlowKind::tcp) {
      if (!r.intact || r.wire_payload != r.bytes) return false;
    } else if (r.wire_frames != r.sends || r.latency.size() != r.sends) {
      return false;
    }
  }
  return true;
}

namespace {
std::string us(ps_t ps) { return fmt::format("{:.2f}", ps / 1e6); }
}  // namespace

std::string format_flows_summary(const System &sys, const FlowSet &flows) {
  std::string out;
  out += fmt::format("flows       {} applications, each its own thread and socket; latency from send() (write()) "
                     "to the first byte of the frame on XGMII, us:\n",
                     flows.results().size());
  out += fmt::format("  {:>2} {:<4} {:>11} {:>12} {:>7} {:>9} {:>8} {:>8} {:>8} {:>8}  {}\n", "id", "kind", "port",
                     "bytes", "frames", "Gb/s", "p50", "p90", "p99", "max", "notes");
  for (const FlowResult &r : flows.results()) {
    const LatencySummary s = LatencyTracker::summarize(r.latency);
    std::string notes;
    if (r.spec.kind == FlowKind::tcp)
      notes = fmt::format("srtt {} us, {} retrans, {}", r.srtt_us, r.retrans,
                          r.intact ? "stream intact" : "STREAM MISMATCH");
    else if (r.spec.kind == FlowKind::rr) {
      const LatencySummary rt = LatencyTracker::summarize(r.rtt);
      notes = fmt::format("{} replies, rtt p50 {} p99 {} us", r.replies, us(rt.median), us(rt.p99));
    } else
      notes = fmt::format("{} datagrams of {} B every {} us", r.sends, r.spec.size, r.spec.every_ns / 1000.0);
    if (r.spec.prio >= 0) notes += fmt::format(", prio {}", r.spec.prio);
    if (r.spec.tos >= 0) notes += fmt::format(", tos {:#x}", r.spec.tos);
    if (r.error) notes += fmt::format(", error errno {}", r.error);
    out += fmt::format("  {:>2} {:<4} {:>5}->{:<5} {:>12} {:>7} {:>9.3f} {:>8} {:>8} {:>8} {:>8}  {}\n", r.id,
                       flow_kind_name(r.spec.kind), r.sport, r.dport, r.wire_payload, r.wire_frames,
                       r.goodput_gbps(), us(s.median), us(s.p90), us(s.p99), us(s.max), notes);
  }
  (void)sys;
  return out;
}

int run_flows(const SystemConfig &cfg, const std::vector<std::string> &specs, ps_t send_cost,
              const RunOutputs &outputs, const std::function<void(System &)> &setup,
              const std::function<void(System &)> &after) {
  std::vector<FlowSpec> fs;
  for (const std::string &s : specs) fs.push_back(parse_flow_spec(s));
  cfg.partner.validate();
  cfg.faults.validate();
  System sys("sys", cfg);
  if (setup) setup(sys);
  FlowSet flows(sys, fs, send_cost);
  fmt::print("wirepath: {} flows to {}.{}.{}.{}, seed {}\n", fs.size(), cfg.net.peer_ip >> 24,
             (cfg.net.peer_ip >> 16) & 255, (cfg.net.peer_ip >> 8) & 255, cfg.net.peer_ip & 255, cfg.seed);
  for (const FlowResult &r : flows.results())
    fmt::print("  flow {}: {} from port {} to port {}\n", r.id, to_string(r.spec), r.sport, r.dport);
  sys.run(10'000'000'000'000ull);  // 10 s of simulated time at most
  if (!sys.app_done()) {
    fmt::print(stderr, "wirepath: error: the flows did not finish within 10 s of simulated time\n");
    return 1;
  }
  fmt::print("{}", format_flows_summary(sys, flows));
  fmt::print("{}", format_system_summary(sys));
  fmt::print("sim time    {:.3f} us\n", now_ps() / 1e6);
  if (after) after(sys);
  nlohmann::json j = summary_json(sys, "flows", now_ps());
  add_flows_json(j, flows);
  outputs.write(sys, j);
  const bool ok = flows.ok() && sys.wire().fcs_errors == 0 && sys.drained() &&
                  sys.adapter().stats().frames == sys.wire().frames;
  if (!ok) fmt::print(stderr, "wirepath: error: a flow did not finish or lost data (see the flows table)\n");
  return ok ? 0 : 1;
}

}  // namespace wirepath

#include "sim/app/scenario.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "sim/sc_time_util.hpp"
#include "stack/ipv4/tcp.hpp"

namespace wirepath {

void UdpScenarioConfig::validate() const {
  if (datagrams == 0) throw std::invalid_argument("scenario: --datagrams must be >= 1");
  if (min_payload < 1 || max_payload > 65507 || min_payload > max_payload)
    throw std::invalid_argument(
        fmt::format("scenario: payload sizes {}..{} must satisfy 1 <= min <= max <= 65507", min_payload, max_payload));
}

UdpScenarioResult run_udp_scenario(System &sys, const UdpScenarioConfig &cfg) {
  UdpScenarioResult r;
  run_udp_scenario(sys, cfg, r);
  return r;
}

void run_udp_scenario(System &sys, const UdpScenarioConfig &cfg, UdpScenarioResult &r) {
  cfg.validate();
  r = UdpScenarioResult{};
  files_struct &st = sys.files();
  const HostNetConfig &ncfg = sys.config().net;
  std::mt19937_64 rng(sys.config().seed);
  std::uniform_int_distribution<uint32_t> size(cfg.min_payload, cfg.max_payload);

  const int fd = st.socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) throw std::runtime_error(fmt::format("scenario: socket() failed: errno {}", -fd));
  const sockaddr_in_host local{AF_INET, cfg.src_port, ncfg.local_ip};
  const sockaddr_in_host peer{AF_INET, cfg.dst_port, ncfg.peer_ip};
  int err = st.bind(fd, &local);
  if (!err) err = st.connect(fd, &peer);
  if (err) throw std::runtime_error(fmt::format("scenario: bind/connect failed: errno {}", -err));

  std::vector<uint8_t> payload;
  for (uint32_t i = 0; i < cfg.datagrams; i++) {
    // First and last datagrams are the extremes, the rest uniform in between.
    const uint32_t len = i == 0 ? cfg.min_payload : i == 1 ? cfg.max_payload : size(rng);
    payload.resize(len);
    for (uint32_t b = 0; b < len; b++) payload[b] = static_cast<uint8_t>(rng());
    sys.cpu_work(cfg.send_cost);
    const long n = st.send(fd, payload.data(), payload.size(), 0);
    if (n < 0) {
      r.send_errors++;
      continue;
    }
    r.sent++;
    r.payload_bytes += len;
    r.payload_sizes.push_back(len);
  }
  st.close(fd);
  // Done when the qdisc is empty and the driver has reclaimed every
  // descriptor: each packet it took has then left on the wire.
  sys.wait_for_tx_idle(cfg.drain_timeout);
  r.finished = now_ps();
}

void TcpScenarioConfig::validate() const {
  if (bytes == 0 || bytes > kMaxBytes)
    throw std::invalid_argument(fmt::format("scenario: --tcp BYTES must be in 1..{}", kMaxBytes));
  if (write_size == 0) throw std::invalid_argument("scenario: --write-size must be >= 1");
}

TcpScenarioResult run_tcp_scenario(System &sys, const TcpScenarioConfig &cfg) {
  TcpScenarioResult r;
  run_tcp_scenario(sys, cfg, r);
  return r;
}

void run_tcp_scenario(System &sys, const TcpScenarioConfig &cfg, TcpScenarioResult &r) {
  cfg.validate();
  r = TcpScenarioResult{};
  r.seed = sys.config().seed;
  files_struct &st = sys.files();
  TcpPayload gen(r.seed);
  std::vector<uint8_t> chunk;

  const int fd = st.socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error(fmt::format("scenario: socket() failed: errno {}", -fd));
  if (cfg.nodelay) st.setsockopt(fd, SOL_TCP, TCP_NODELAY, 1);
  const sockaddr_in_host peer{AF_INET, cfg.dst_port, sys.config().net.peer_ip};
  int err = st.connect(fd, &peer);  // blocks through the handshake
  if (err) {
    r.error = -err;
    st.close(fd);
    return;
  }
  r.connected = now_ps();
  size_t have = 0, off = 0;  // chunk[off, have) generated, not yet accepted by send()
  while (r.sent < cfg.bytes) {
    sys.cpu_work(cfg.send_cost);
    const size_t len = static_cast<size_t>(std::min<uint64_t>(cfg.write_size, cfg.bytes - r.sent));
    if (have - off < len) {  // generate the next piece of the stream
      chunk.erase(chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(off));
      have -= off;
      off = 0;
      chunk.resize(len);
      gen.fill(chunk.data() + have, len - have);
      have = len;
    }
    const long n = st.send(fd, chunk.data() + off, len, 0);  // blocks while the send buffer is full
    if (n < 0) {
      r.error = static_cast<int>(-n);
      break;
    }
    off += static_cast<size_t>(n);
    r.sent += static_cast<uint64_t>(n);
  }
  tcp_sock *tp = tcp_sk(st.sockfd_lookup(fd)->sk.get());
  st.close(fd);  // FIN after the data; the socket lives on as an orphan
  r.closed = now_ps();
  // Finished: the orphan's FIN is acknowledged and the peer's FIN arrived
  // (TIME_WAIT), or it is gone.
  auto done = [&] {
    for (const auto &o : sys.stack().tcp.orphans)
      if (o->sk_state != TCP_TIME_WAIT) return false;
    return true;
  };
  while (!done()) sys.wait_for_stack(1'000'000'000 * kNs);
  r.finished = true;
  for (const auto &o : sys.stack().tcp.orphans) {
    if (o.get() != tp) continue;
    r.retrans = tp->total_retrans;
    r.fast_retrans = tp->fast_retrans_events;
    r.timeouts = tp->rto_events;
    r.segs_out = tp->segs_out;
    r.srtt_us = tp->srtt_us >> 3;
    r.cwnd = tp->snd_cwnd;
    r.ssthresh = tp->snd_ssthresh;
    r.mss = tp->mss_cache;
    r.sack = tcp_is_sack(tp);
    r.timestamps = tp->rx_opt.tstamp_ok;
    r.tsq_throttled = tp->tsq_throttled;
    r.wmem_alloc_max = tp->wmem_alloc_max;
    r.pacing_rate = tp->sk_pacing_rate;
  }
  r.done = now_ps();
}

TcpStreamCheck tcp_stream_check(const System &sys, const TcpScenarioResult &r) {
  const std::vector<uint8_t> &got = sys.peer_stream();
  if (got.size() > r.sent) return TcpStreamCheck::mismatch;
  TcpPayload gen(r.seed);
  std::vector<uint8_t> want(std::min<size_t>(got.size(), 1u << 20));
  for (size_t at = 0; at < got.size(); at += want.size()) {
    const size_t n = std::min(want.size(), got.size() - at);
    gen.fill(want.data(), n);
    if (!std::equal(want.begin(), want.begin() + static_cast<std::ptrdiff_t>(n),
                    got.begin() + static_cast<std::ptrdiff_t>(at)))
      return TcpStreamCheck::mismatch;
  }
  return got.size() == r.sent && r.finished ? TcpStreamCheck::intact : TcpStreamCheck::incomplete;
}

bool tcp_stream_intact(const System &sys, const TcpScenarioResult &r) {
  return tcp_stream_check(sys, r) == TcpStreamCheck::intact;
}

std::string format_nic_summary(const NicStats &n) {
  std::string out = fmt::format("nic         {} cycles, {} DMA reads ({} bytes), {} DMA writes, {} MSIs, {} DMA errors\n",
                                n.cycles, n.dma_reads, n.dma_read_bytes, n.dma_writes, n.msis, n.dma_errors);
  if (n.skipped_cycles)
    out += fmt::format("idle skip   {} of the cycles not clocked (RTL idle, nothing queued; --no-idle-skip clocks them)\n",
                       n.skipped_cycles);
  return out;
}

std::string format_bql_summary(const System &sys) {
  const E1000TxStats &d = sys.adapter().stats();
  if (!sys.adapter().config().bql)
    return fmt::format("bql         off (--no-bql); queue stopped {} times by a full ring\n", d.ring_full_stops);
  const dql &q = sys.netdev().dql;
  return fmt::format("bql         limit {} bytes, {} in flight; queue stopped {} times by BQL, {} by a full ring\n",
                     q.limit, q.num_queued - q.num_completed, sys.netdev().bql_stops, d.ring_full_stops);
}

std::string format_tcp_summary(const System &sys, const TcpScenarioResult &r) {
  const WireStats &w = sys.wire();
  const LinkPartnerStats &p = sys.partner().stats();
  const WireFaultStats &f = sys.faults().stats();
  const tcp_mib &m = sys.stack().tcp.mib;
  std::string out;
  out += fmt::format("sent        {} bytes over TCP{}{}\n", r.sent, r.error ? fmt::format(", error errno {}", r.error) : "",
                     r.finished ? "" : ", connection NOT finished");
  const TcpStreamCheck check = tcp_stream_check(sys, r);
  const char *verdict = check == TcpStreamCheck::intact       ? "byte-identical and in order"
                        : check == TcpStreamCheck::incomplete ? "INCOMPLETE (in order and correct so far)"
                                                              : "MISMATCH";
  if (sys.kernel_peer())
    out += fmt::format("received    {} bytes by the kernel peer's socket, {}\n", sys.peer_stream().size(), verdict);
  else
    out += fmt::format("received    {} bytes at the link partner, {} ({} out-of-order segments, {} duplicates)\n",
                       sys.peer_stream().size(), verdict, p.tcp_out_of_order, p.tcp_duplicate_segments);
  out += fmt::format("wire        {} frames, {} bytes (DA..FCS), FCS errors {}, preamble errors {}\n", w.frames,
                     w.bytes, w.fcs_errors, w.preamble_errors);
  if (r.closed > r.connected) {
    const double secs = (r.done - r.connected) * 1e-12;
    out += fmt::format("goodput     {:.3f} Gb/s from connect to the last ACK ({:.1f} us)\n", r.sent * 8 / secs / 1e9,
                       secs * 1e6);
  }
  out += fmt::format("tcp         {} segments out, {} retransmitted ({} fast retransmits, {} timeouts); "
                     "srtt {} us, cwnd {}, ssthresh {}, mss {}\n",
                     m.OutSegs, m.RetransSegs, r.fast_retrans, r.timeouts, r.srtt_us, r.cwnd,
                     r.ssthresh == TCP_INFINITE_SSTHRESH ? std::string("inf") : std::to_string(r.ssthresh), r.mss);
  // What the handshake negotiated (net.ipv4.tcp_sack, tcp_timestamps) and what SACK did.
  out += fmt::format("options     SACK {}, timestamps {}; {} SACK recoveries, {} SACK blocks taken, {} D-SACKs; "
                     "partner sent {} SACK blocks\n",
                     r.sack ? "on" : "off", r.timestamps ? "on" : "off", m.TCPSackRecovery, m.TCPSackBlocks,
                     m.TCPDSACKRecv, p.sack_blocks_sent);
  const uint32_t tlob = sys.stack().tcp.sysctl.tcp_limit_output_bytes;
  out += fmt::format("tsq         throttled {} times, at most {} bytes below TCP (limit min(pacing {:.2f} Gb/s >> 10 "
                     "= {} bytes, tcp_limit_output_bytes {}))\n",
                     r.tsq_throttled, r.wmem_alloc_max, r.pacing_rate * 8 / 1e9, r.pacing_rate >> 10, tlob);
  // Frames offered at the partner's port, what the wire lost or delayed on
  // the way, then what the partner did.
  if (sys.kernel_peer())
    out += fmt::format("far end     {} frames, {} lost, {} reordered on the way to the kernel peer\n", f.frames, f.lost,
                       f.reordered);
  else
    out += fmt::format("partner     {} frames, {} lost, {} reordered, {} ACKs sent ({} duplicate), "
                       "checksum errors IP {} TCP {}\n",
                       f.frames, f.lost, f.reordered, p.acks_sent, p.dupacks_sent, p.ip_header_errors,
                       p.tcp_csum_errors);
  const skb_stats &s = skb_counters();
  out += fmt::format("skbs        {} dropped, {} still live\n", s.total_dropped(), s.live());
  out += format_bql_summary(sys);
  out += format_nic_summary(sys.nic().stats());
  out += fmt::format("sim time    {:.3f} us\n", (r.done ? r.done : now_ps()) / 1e6);
  return out;
}

std::string format_in_flight(System &sys) {
  size_t neigh = 0;
  for (const auto &e : sys.stack().arp_tbl.entries) neigh += e.second->arp_queue.size();
  const e1000_ring &ring = sys.adapter().tx_ring();
  const uint32_t used = ring.count ? (ring.next_to_use + ring.count - ring.next_to_clean) % ring.count : 0;
  return fmt::format("in flight   qdisc {} packets, neighbour queues {} packets, TX ring {} descriptors, "
                     "skbs still live {}\n",
                     sys.netdev().qdisc ? sys.netdev().qdisc->qlen() : 0, neigh, used, skb_counters().live());
}

namespace {
std::string ns(ps_t ps) { return fmt::format("{:.1f}", ps / 1000.0); }
}  // namespace

std::string format_summary(const System &sys, const UdpScenarioResult &r) {
  std::string out;
  out += fmt::format("sent        {} UDP datagrams, {} payload bytes, {} send errors\n", r.sent, r.payload_bytes,
                     r.send_errors);
  out += format_system_summary(sys);
  out += fmt::format("sim time    {:.3f} us\n", (r.finished ? r.finished : now_ps()) / 1e6);
  return out;
}

std::string format_system_summary(const System &sys) {
  const WireStats &w = sys.wire();
  const LatencyTracker &lat = sys.latency();
  std::string out;
  out += fmt::format("wire        {} frames, {} bytes (DA..FCS), FCS errors {}, preamble errors {}\n", w.frames,
                     w.bytes, w.fcs_errors, w.preamble_errors);
  if (w.frames && w.last_end > w.first_start) {
    const double secs = (w.last_end - w.first_start) * 1e-12;
    const double line_bytes = w.bytes + 20.0 * w.frames;  // + preamble/SFD 8 + minimum IFG 12
    out += fmt::format("throughput  {:.3f} Gb/s of frames, {:.1f}% of 10GbE line rate, over {:.1f} us\n",
                       w.bytes * 8 / secs / 1e9, 100.0 * line_bytes * 8 / secs / 10e9, secs * 1e6);
  }
  out += fmt::format("latency     doorbell (TDT writel) to first byte on XGMII, {} frames, ns:\n",
                     lat.done().size());
  out += fmt::format("  {:<26} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}\n", "stage", "min", "median", "p90", "p99",
                     "p99.9", "max");
  auto row = [&](const char *name, LatencySummary s) {
    out += fmt::format("  {:<26} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}\n", name, ns(s.min), ns(s.median), ns(s.p90),
                       ns(s.p99), ns(s.p999), ns(s.max));
  };
  row("MMIO write (TDT to NIC)", lat.stage(&FrameLatency::doorbell, &FrameLatency::mmio));
  row("descriptor fetch", lat.stage(&FrameLatency::mmio, &FrameLatency::desc));
  row("data fetch", lat.stage(&FrameLatency::desc, &FrameLatency::data));
  row("MAC (FIFO to /S/)", lat.stage(&FrameLatency::data, &FrameLatency::wire));
  row("total", lat.total());
  const skb_stats &s = skb_counters();
  out += fmt::format("drops       {} (", s.total_dropped());
  bool first = true;
  for (int i = 0; i < static_cast<int>(skb_drop_reason::NUM_REASONS); i++) {
    if (!s.dropped[i]) continue;
    out += fmt::format("{}{} {}", first ? "" : ", ", skb_drop_reason_name(static_cast<skb_drop_reason>(i)),
                       s.dropped[i]);
    first = false;
  }
  out += fmt::format("{}), skbs still live {}\n", first ? "none" : "", s.live());
  const E1000TxStats &d = sys.adapter().stats();
  const NicStats &n = sys.nic().stats();
  out += fmt::format("driver      {} doorbells, {} busy, {} interrupts, {} polls, {} cleaned\n", d.doorbells, d.busy,
                     d.irqs, d.polls, d.cleaned);
  out += format_bql_summary(sys);
  out += format_nic_summary(n);
  return out;
}

}  // namespace wirepath

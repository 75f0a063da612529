// The link partner: checks, ARP, IPv4 reassembly, a TCP receiver, a UDP sink.
#include "sim/peer/link_partner.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/peer/rx_fcs.hpp"
#include <zlib.h>

namespace wirepath {

namespace {
uint16_t be16(const uint8_t *p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t *p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }
void put16(uint8_t *p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void put32(uint8_t *p, uint32_t v) {
  put16(p, static_cast<uint16_t>(v >> 16));
  put16(p + 2, static_cast<uint16_t>(v));
}
// RFC 1071 sum, written out here independently of the stack's.
uint32_t sum16(const uint8_t *p, size_t n, uint32_t s = 0) {
  for (size_t i = 0; i + 1 < n; i += 2) s += be16(p + i);
  if (n & 1) s += uint32_t(p[n - 1]) << 8;
  return s;
}
uint16_t fold(uint32_t s) {
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return static_cast<uint16_t>(s);
}
uint32_t pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint32_t len) {
  return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + len;
}
bool seq_before(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) < 0; }
bool seq_after(uint32_t a, uint32_t b) { return seq_before(b, a); }
// TCP option kinds and sizes (RFC 793, 7323, 2018).
constexpr uint8_t OPT_NOP = 1, OPT_MSS = 2, OPT_WS = 3, OPT_SACK_PERM = 4, OPT_SACK = 5, OPT_TS = 8;
// The timestamp option of a segment, if it has one.
bool find_tsval(const uint8_t *p, size_t doff, uint32_t *tsval) {
  for (size_t i = 20; i < doff;) {
    const uint8_t kind = p[i];
    if (kind == 0) break;
    if (kind == OPT_NOP) {
      i++;
      continue;
    }
    if (i + 1 >= doff || p[i + 1] < 2 || i + p[i + 1] > doff) break;
    if (kind == OPT_TS && p[i + 1] == 10) {
      *tsval = be32(p + i + 2);
      return true;
    }
    i += p[i + 1];
  }
  return false;
}
constexpr uint8_t FIN = 0x01, SYN = 0x02, RST = 0x04, ACK = 0x10;
}  // namespace

void LinkPartnerConfig::validate() const {
  if (wscale > 14) throw std::invalid_argument("link partner: wscale > 14");
  if (mss < 88) throw std::invalid_argument("link partner: mss < 88");
  if (ack_every < 1) throw std::invalid_argument("link partner: ack_every must be >= 1");
}

bool LinkPartner::FragKey::operator<(const FragKey &o) const {
  return std::tie(src, dst, id, proto) < std::tie(o.src, o.dst, o.id, o.proto);
}

LinkPartner::LinkPartner(const LinkPartnerConfig &cfg) : cfg_(cfg), rng_(cfg.seed) {
  cfg_.validate();
  ip_id_ = static_cast<uint16_t>(rng_());
}

const std::vector<uint8_t> &LinkPartner::stream() const {
  static const std::vector<uint8_t> empty;
  return conns_.empty() ? empty : conns_.front()->data;
}

void LinkPartner::on_frame(const std::vector<uint8_t> &frame, uint64_t arrive_ns) {
  stats_.frames++;
  // A real NIC drops a frame that is short or has a bad FCS.
  std::optional<std::vector<uint8_t>> body = rx_strip_fcs(frame);
  if (!body) {
    stats_.fcs_errors++;
    return;
  }
  Held h{arrive_ns, std::move(*body)};
  auto pos = std::upper_bound(held_.begin(), held_.end(), h,
                              [](const Held &a, const Held &b) { return a.at < b.at; });
  held_.insert(pos, std::move(h));
}

uint64_t LinkPartner::next_event_ns() const {
  uint64_t next = ~uint64_t{0};
  if (!held_.empty()) next = held_.front().at;
  for (const auto &c : conns_)
    if (c->delack_at) next = std::min(next, c->delack_at);
  return next;
}

void LinkPartner::run(uint64_t now_ns) {
  for (;;) {
    // The earliest of: a held frame, a delayed ACK.
    uint64_t t_frame = held_.empty() ? ~uint64_t{0} : held_.front().at;
    TcpConn *dc = nullptr;
    for (auto &c : conns_)
      if (c->delack_at && (!dc || c->delack_at < dc->delack_at)) dc = c.get();
    const uint64_t t_ack = dc ? dc->delack_at : ~uint64_t{0};
    if (std::min(t_frame, t_ack) > now_ns) return;
    if (t_ack < t_frame) {
      send_ack(*dc, t_ack, false);
    } else {
      Held h = std::move(held_.front());
      held_.pop_front();
      process(h.frame, h.at);
    }
  }
}

void LinkPartner::process(const std::vector<uint8_t> &f, uint64_t now) {
  const bool for_us = std::equal(cfg_.mac.begin(), cfg_.mac.end(), f.begin()) ||
                      std::all_of(f.begin(), f.begin() + 6, [](uint8_t b) { return b == 0xff; });
  const uint16_t type = be16(&f[12]);
  if (!for_us) {
    stats_.other++;
    return;
  }
  if (type == 0x0806) {
    arp(f.data(), f.size(), now);
  } else if (type == 0x0800) {
    ipv4(f, now);
  } else {
    stats_.other++;
  }
}

void LinkPartner::arp(const uint8_t *f, size_t len, uint64_t now) {
  const uint8_t *a = f + 14;
  if (len < 14 + 28 || be16(a) != 1 || be16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4) {
    stats_.other++;
    return;
  }
  if (be16(a + 6) != 1) return;  // only requests need an answer
  stats_.arp_requests++;
  if (be32(a + 24) != cfg_.ip) return;
  std::array<uint8_t, 6> sha;
  std::copy(a + 8, a + 14, sha.begin());
  std::vector<uint8_t> r(28);
  put16(&r[0], 1);
  put16(&r[2], 0x0800);
  r[4] = 6;
  r[5] = 4;
  put16(&r[6], 2);  // reply
  std::copy(cfg_.mac.begin(), cfg_.mac.end(), r.begin() + 8);
  put32(&r[14], cfg_.ip);
  std::copy(sha.begin(), sha.end(), r.begin() + 18);
  std::copy(a + 14, a + 18, r.begin() + 24);  // target IP = the asker's
  stats_.arp_replies++;
  send_frame(sha, 0x0806, r, now);
}

void LinkPartner::ipv4(const std::vector<uint8_t> &f, uint64_t now) {
  const uint8_t *ip = f.data() + 14;
  const size_t avail = f.size() - 14;
  const size_t ihl = (ip[0] & 0xf) * 4u;
  if (avail < 20 || (ip[0] >> 4) != 4 || ihl < 20 || avail < ihl || fold(sum16(ip, ihl)) != 0xffff) {
    stats_.ip_header_errors++;
    return;
  }
  const size_t tot = be16(ip + 2);
  if (tot < ihl || tot > avail) {
    stats_.ip_header_errors++;
    return;
  }
  const uint32_t src = be32(ip + 12), dst = be32(ip + 16);
  if (dst != cfg_.ip) {
    stats_.other++;
    return;
  }
  stats_.ip_packets++;
  std::array<uint8_t, 6> smac;
  std::copy(f.begin() + 6, f.begin() + 12, smac.begin());
  const uint16_t frag = be16(ip + 6);
  const bool mf = frag & 0x2000;
  const uint32_t off = (frag & 0x1fff) * 8u;
  if (!mf && !off) {
    ip_deliver(src, dst, ip[9], ip + ihl, tot - ihl, smac, now);
    return;
  }
  // ip_defrag: collect the pieces until the datagram is whole.
  stats_.fragments++;
  FragKey key{src, dst, be16(ip + 4), ip[9]};
  FragQueue &q = frags_[key];
  q.pieces[off].assign(ip + ihl, ip + tot);
  if (!mf) q.total = off + static_cast<uint32_t>(tot - ihl);
  if (!q.total) return;
  uint32_t have = 0;
  for (const auto &[o, b] : q.pieces) {
    if (o > have) return;  // a hole
    have = std::max<uint32_t>(have, o + static_cast<uint32_t>(b.size()));
  }
  if (have < q.total) return;
  std::vector<uint8_t> whole(q.total);
  for (const auto &[o, b] : q.pieces) std::copy(b.begin(), b.end(), whole.begin() + o);
  frags_.erase(key);
  stats_.reassembled++;
  ip_deliver(src, dst, key.proto, whole.data(), whole.size(), smac, now);
}

void LinkPartner::ip_deliver(uint32_t src, uint32_t dst, uint8_t proto, const uint8_t *p, size_t len,
                             const std::array<uint8_t, 6> &smac, uint64_t now) {
  if (proto == 6) {
    tcp(src, dst, p, len, smac, now);
  } else if (proto == 17) {
    if (len < 8 || be16(p + 4) != len) {
      stats_.udp_csum_errors++;
      return;
    }
    if (be16(p + 6) != 0 &&
        fold(sum16(p, len, pseudo(src, dst, 17, static_cast<uint32_t>(len)))) != 0xffff) {
      stats_.udp_csum_errors++;
      return;
    }
    stats_.udp_datagrams++;
    udp_.emplace_back(p + 8, p + len);
    if (cfg_.echo_port && be16(p + 2) == cfg_.echo_port) udp_echo(src, p, len, smac, now);
  } else {
    stats_.other++;
  }
}

LinkPartner::TcpConn *LinkPartner::find(uint32_t ip, uint16_t port, uint16_t myport) {
  for (auto &c : conns_)
    if (c->peer_ip == ip && c->peer_port == port && c->port == myport && !c->closed) return c.get();
  return nullptr;
}

void LinkPartner::tcp(uint32_t src, uint32_t dst, const uint8_t *p, size_t len,
                      const std::array<uint8_t, 6> &smac, uint64_t now) {
  if (len < 20 || fold(sum16(p, len, pseudo(src, dst, 6, static_cast<uint32_t>(len)))) != 0xffff) {
    stats_.tcp_csum_errors++;
    return;
  }
  stats_.tcp_segments++;
  const uint16_t sport = be16(p), dport = be16(p + 2);
  const uint32_t seq = be32(p + 4), ackno = be32(p + 8);
  const size_t doff = (p[12] >> 4) * 4u;
  const uint8_t flags = p[13];
  if (doff < 20 || doff > len) {
    stats_.tcp_csum_errors++;
    return;
  }
  TcpConn *c = find(src, sport, dport);

  if ((flags & SYN) && !(flags & ACK)) {
    if (!c) {
      auto nc = std::make_unique<TcpConn>();
      nc->peer_ip = src;
      nc->peer_port = sport;
      nc->port = dport;
      nc->peer_mac = smac;
      nc->irs = seq;
      nc->rcv_nxt = seq + 1;
      nc->iss = static_cast<uint32_t>(rng_());
      nc->snd_nxt = nc->iss + 1;
      for (size_t i = 20; i < doff;) {  // options
        const uint8_t kind = p[i];
        if (kind == 0) break;
        if (kind == OPT_NOP) {
          i++;
          continue;
        }
        if (i + 1 >= doff || p[i + 1] < 2 || i + p[i + 1] > doff) break;
        if (kind == OPT_MSS && p[i + 1] == 4) nc->peer_mss = be16(p + i + 2);
        if (kind == OPT_WS && p[i + 1] == 3) nc->peer_wscale = p[i + 2];
        if (kind == OPT_SACK_PERM && p[i + 1] == 2) nc->sack_ok = cfg_.sack;
        if (kind == OPT_TS && p[i + 1] == 10 && cfg_.timestamps) {
          nc->tstamp_ok = true;
          nc->ts_recent = be32(p + i + 2);
        }
        i += p[i + 1];
      }
      // secure_tcp_ts_off: its TSval clock starts at a random point.
      if (nc->tstamp_ok) nc->ts_offset = static_cast<uint32_t>(rng_());
      conns_.push_back(std::move(nc));
      c = conns_.back().get();
    }
    if (!c->established) send_tcp(*c, SYN | ACK, c->iss, true, now);  // again for a retransmitted SYN
    return;
  }
  if (!c) {
    stats_.other++;
    return;
  }
  if (flags & RST) {
    c->closed = true;
    return;
  }
  // tcp_replace_ts_recent: only an acceptable segment (not wholly old,
  // tcp_sequence) at the last ACK point (RFC 7323 section 4.3), and never
  // backwards in time.
  uint32_t tsval = 0;
  const uint32_t seg_end = seq + static_cast<uint32_t>(len - doff);
  if (c->tstamp_ok && find_tsval(p, doff, &tsval) && !seq_after(seq, c->rcv_wup) &&
      !seq_before(seg_end, c->rcv_wup) && static_cast<int32_t>(tsval - c->ts_recent) >= 0)
    c->ts_recent = tsval;
  if ((flags & ACK) && !c->established && ackno == c->iss + 1) c->established = true;
  if ((flags & ACK) && c->fin_received && ackno == c->snd_nxt) c->closed = true;  // our FIN is acknowledged

  const size_t dlen = len - doff;
  const bool fin = flags & FIN;
  if (!dlen && !fin) return;  // a pure ACK
  if (dlen) stats_.tcp_data_segments++;
  const uint8_t *data = p + doff;

  if (seq == c->rcv_nxt || (seq_before(seq, c->rcv_nxt) && seq_before(c->rcv_nxt, seq + dlen))) {
    // In order (or overlapping what we have): take the new bytes.
    const uint32_t skip = c->rcv_nxt - seq;
    if (skip) dsack_set(*c, seq, c->rcv_nxt);  // the part it had: a duplicate
    c->data.insert(c->data.end(), data + skip, data + dlen);
    c->rcv_nxt = seq + static_cast<uint32_t>(dlen);
    bool fin_now = fin;
    const bool had_ooo = !c->ooo.empty();
    // Segments that were waiting now fit.
    for (auto it = c->ooo.begin(); it != c->ooo.end();) {
      const uint32_t s = it->first;
      const uint32_t e = s + static_cast<uint32_t>(it->second.size());
      if (seq_before(c->rcv_nxt, s)) break;
      if (seq_before(c->rcv_nxt, e)) {
        c->data.insert(c->data.end(), it->second.begin() + (c->rcv_nxt - s), it->second.end());
        c->rcv_nxt = e;
      }
      it = c->ooo.erase(it);
    }
    if (!c->sacks.empty()) sack_remove(*c);
    if (c->fin_pending && c->rcv_nxt == c->fin_seq) fin_now = true;  // the FIN was waiting behind the hole
    if (fin_now && !c->fin_received) {
      c->rcv_nxt++;
      c->fin_received = true;
      // Close our side too: FIN+ACK.
      send_tcp(*c, FIN | ACK, c->snd_nxt, false, now);
      c->snd_nxt++;
      c->unacked = 0;
      c->delack_at = 0;
      return;
    }
    if (had_ooo || ++c->unacked >= cfg_.ack_every) {
      send_ack(*c, now, false);
    } else if (!c->delack_at) {
      c->delack_at = now + cfg_.delayed_ack_ns;
    }
    return;
  }
  if (seq_before(c->rcv_nxt, seq)) {
    // A hole before it: keep it, say what is missing at once (dupack).
    stats_.tcp_out_of_order++;
    if (dlen) {
      const uint32_t end = seq + static_cast<uint32_t>(dlen);
      // Already held (a retransmission of out-of-order data): D-SACK it.
      for (const auto &[s0, b] : c->ooo)
        if (!seq_after(s0, seq) && !seq_before(s0 + static_cast<uint32_t>(b.size()), end)) {
          dsack_set(*c, seq, end);
          break;
        }
      c->ooo.emplace(seq, std::vector<uint8_t>(data, data + dlen));
      if (c->sack_ok) sack_new_ofo(*c, seq, end);
    }
    if (fin) {
      c->fin_pending = true;
      c->fin_seq = seq + static_cast<uint32_t>(dlen);
    }
    send_ack(*c, now, true);
    return;
  }
  // Old data (a retransmission of what we have): acknowledge again, D-SACK it.
  stats_.tcp_duplicate_segments++;
  if (dlen) dsack_set(*c, seq, seq + static_cast<uint32_t>(dlen));
  send_ack(*c, now, true);
}

// tcp_sack_new_ofo_skb: the block this segment extends moves to the front
// (merging with any it now touches, tcp_sack_maybe_coalesce); a new block
// goes in front and the oldest falls off beyond TCP_NUM_SACKS (4).
void LinkPartner::sack_new_ofo(TcpConn &c, uint32_t seq, uint32_t end_seq) {
  auto extend = [](std::pair<uint32_t, uint32_t> &sp, uint32_t s, uint32_t e) {
    if (seq_after(sp.first, e) || seq_after(s, sp.second)) return false;  // tcp_sack_extend
    if (seq_before(s, sp.first)) sp.first = s;
    if (seq_after(e, sp.second)) sp.second = e;
    return true;
  };
  auto &v = c.sacks;
  for (size_t i = 0; i < v.size(); ++i) {
    if (!extend(v[i], seq, end_seq)) continue;
    std::rotate(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    for (size_t k = 1; k < v.size();) {
      if (extend(v[0], v[k].first, v[k].second))
        v.erase(v.begin() + static_cast<std::ptrdiff_t>(k));
      else
        ++k;
    }
    return;
  }
  if (v.size() >= 4) v.pop_back();
  v.insert(v.begin(), {seq, end_seq});
}

// tcp_sack_remove: blocks that rcv_nxt reached are gone; none once the
// out-of-order queue is empty.
void LinkPartner::sack_remove(TcpConn &c) {
  if (c.ooo.empty()) {
    c.sacks.clear();
    return;
  }
  c.sacks.erase(std::remove_if(c.sacks.begin(), c.sacks.end(),
                               [&](const auto &b) { return !seq_before(c.rcv_nxt, b.first); }),
                c.sacks.end());
}

// tcp_dsack_set: report a duplicate in the next ACK (RFC 2883).
void LinkPartner::dsack_set(TcpConn &c, uint32_t seq, uint32_t end_seq) {
  if (!c.sack_ok) return;
  c.dsack = true;
  c.dsack_block = {seq, end_seq};
}

// The options of a reply in Linux's layout (tcp_options_write). SYN-ACK:
// MSS, then SACK_PERM+TS (or NOP NOP TS, or NOP NOP SACK_PERM), NOP WS --
// each only if our SYN offered it. Later: NOP NOP TS, then NOP NOP SACK with
// the D-SACK block first and as many blocks as fit in 40 bytes.
std::vector<uint8_t> LinkPartner::tcp_options(TcpConn &c, bool syn, uint64_t now) {
  std::vector<uint8_t> o;
  auto put32v = [&](uint32_t v) {
    for (int sh = 24; sh >= 0; sh -= 8) o.push_back(static_cast<uint8_t>(v >> sh));
  };
  const uint32_t tsval = static_cast<uint32_t>(now / 1'000'000) + c.ts_offset;
  if (syn) {
    o = {OPT_MSS, 4, static_cast<uint8_t>(cfg_.mss >> 8), static_cast<uint8_t>(cfg_.mss)};
    if (c.tstamp_ok) {
      o.push_back(c.sack_ok ? OPT_SACK_PERM : OPT_NOP);
      o.push_back(c.sack_ok ? 2 : OPT_NOP);
      o.push_back(OPT_TS);
      o.push_back(10);
      put32v(tsval);
      put32v(c.ts_recent);
    } else if (c.sack_ok) {
      o.insert(o.end(), {OPT_NOP, OPT_NOP, OPT_SACK_PERM, 2});
    }
    if (c.peer_wscale >= 0) o.insert(o.end(), {OPT_NOP, OPT_WS, 3, cfg_.wscale});
    return o;
  }
  if (c.tstamp_ok) {
    o.insert(o.end(), {OPT_NOP, OPT_NOP, OPT_TS, 10});
    put32v(tsval);
    put32v(c.ts_recent);
  }
  std::vector<std::pair<uint32_t, uint32_t>> blocks;
  if (c.dsack) blocks.push_back(c.dsack_block);
  blocks.insert(blocks.end(), c.sacks.begin(), c.sacks.end());
  const size_t room = (40 - o.size() - 4) / 8;
  if (blocks.size() > room) blocks.resize(room);
  if (!blocks.empty()) {
    o.insert(o.end(), {OPT_NOP, OPT_NOP, OPT_SACK, static_cast<uint8_t>(2 + 8 * blocks.size())});
    for (const auto &[b0, b1] : blocks) {
      put32v(b0);
      put32v(b1);
    }
    stats_.sack_blocks_sent += blocks.size();
    if (c.dsack) stats_.dsacks_sent++;
  }
  c.dsack = false;
  return o;
}

void LinkPartner::send_ack(TcpConn &c, uint64_t now, bool dup) {
  send_tcp(c, ACK, c.snd_nxt, false, now);
  c.unacked = 0;
  c.delack_at = 0;
  if (dup) stats_.dupacks_sent++;
}

void LinkPartner::send_tcp(TcpConn &c, uint8_t flags, uint32_t seq, bool syn_options, uint64_t now) {
  const std::vector<uint8_t> opts = tcp_options(c, syn_options, now);
  const size_t thlen = 20 + opts.size();
  std::vector<uint8_t> ip(20 + thlen, 0);
  ip[0] = 0x45;
  put16(&ip[2], static_cast<uint16_t>(ip.size()));
  put16(&ip[4], ip_id_++);
  put16(&ip[6], 0x4000);  // DF
  ip[8] = 64;
  ip[9] = 6;
  put32(&ip[12], cfg_.ip);
  put32(&ip[16], c.peer_ip);
  put16(&ip[10], static_cast<uint16_t>(~fold(sum16(ip.data(), 20))));
  uint8_t *t = &ip[20];
  put16(t, c.port);
  put16(t + 2, c.peer_port);
  put32(t + 4, seq);
  put32(t + 8, c.rcv_nxt);
  t[12] = static_cast<uint8_t>((thlen / 4) << 4);
  t[13] = flags;
  uint32_t win;
  if (flags & SYN)
    win = std::min<uint32_t>(cfg_.rcv_wnd, 65535);
  else
    win = std::min<uint32_t>(cfg_.rcv_wnd >> (c.peer_wscale >= 0 ? cfg_.wscale : 0), 65535);
  put16(t + 14, static_cast<uint16_t>(win));
  std::copy(opts.begin(), opts.end(), t + 20);
  c.rcv_wup = c.rcv_nxt;  // tcp_select_window: the ACK point TS.Recent follows
  put16(t + 16, static_cast<uint16_t>(~fold(sum16(t, thlen, pseudo(cfg_.ip, c.peer_ip, 6, static_cast<uint32_t>(thlen))))));
  stats_.acks_sent++;
  send_frame(c.peer_mac, 0x0800, ip, now);
}

// The echo service (RFC 862, UDP): the datagram goes back to its sender,
// ports swapped, as soon as it arrived (plus rtt_ns, as every reply).
void LinkPartner::udp_echo(uint32_t src, const uint8_t *udp, size_t len, const std::array<uint8_t, 6> &smac,
                           uint64_t now) {
  std::vector<uint8_t> ip(20 + len, 0);
  ip[0] = 0x45;
  put16(&ip[2], static_cast<uint16_t>(ip.size()));
  put16(&ip[4], ip_id_++);
  ip[8] = 64;
  ip[9] = 17;
  put32(&ip[12], cfg_.ip);
  put32(&ip[16], src);
  put16(&ip[10], static_cast<uint16_t>(~fold(sum16(ip.data(), 20))));
  uint8_t *u = &ip[20];
  std::copy(udp, udp + len, u);
  put16(u, be16(udp + 2));
  put16(u + 2, be16(udp));
  put16(u + 6, 0);
  uint16_t ck = static_cast<uint16_t>(~fold(sum16(u, len, pseudo(cfg_.ip, src, 17, static_cast<uint32_t>(len)))));
  put16(u + 6, ck ? ck : 0xffff);
  stats_.udp_echoed++;
  send_frame(smac, 0x0800, ip, now);
}

void LinkPartner::send_frame(const std::array<uint8_t, 6> &dst, uint16_t ethertype, const std::vector<uint8_t> &payload,
                             uint64_t now) {
  std::vector<uint8_t> f(14 + payload.size());
  std::copy(dst.begin(), dst.end(), f.begin());
  std::copy(cfg_.mac.begin(), cfg_.mac.end(), f.begin() + 6);
  put16(&f[12], ethertype);
  std::copy(payload.begin(), payload.end(), f.begin() + 14);
  if (f.size() < 60) f.resize(60, 0);  // padded as a NIC would
  if (transmit) transmit(std::move(f), now + cfg_.rtt_ns);
}

}  // namespace wirepath

// The link partner: a behavioural host at the far end of the wire (plain
// C++, no SystemC). It takes the frames the wire monitor decoded, checks
// them (FCS, IPv4 header checksum, TCP/UDP checksums), answers ARP
// requests for its address, reassembles IP fragments, and is a TCP receiver
// for any connection to it: SYN-ACK with MSS, SACK_PERM, timestamps and
// window scale (each only if our SYN offered it, in Linux's layout),
// cumulative ACKs (every ack_every segments in order, at once for
// out-of-order data and FIN, else after delayed_ack_ns), an out-of-order
// queue, a fixed receive window, and a FIN of its own when ours arrives.
// As Linux's receiver: TSecr echoes TS.Recent (RFC 7323 section 4.3: the
// TSval of the segment at the last ACK point, so a delayed ACK echoes the
// earliest unacknowledged segment and out-of-order data does not move it),
// SACK blocks for the out-of-order queue, most recent first (3 with
// timestamps, 4 without; tcp_sack_new_ofo_skb), and a D-SACK block for a
// duplicate (RFC 2883). Received TCP bytes and UDP datagrams go to sinks a
// test can read.
//
// Frames come with the time they reach it (loss and reordering happen on
// the way, in a wire middleware: sim/wire/wire_faults.hpp). It keeps them
// until run() reaches that time and takes them in arrival order,
// interleaved with its delayed ACKs.
//
// Replies are frames (DA..payload, no FCS) passed to transmit() with the
// time they reach our host: processing time + rtt_ns. There is no RX path in
// the RTL: System hands them to the stack in software (docs/architecture.md).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <utility>
#include <vector>

namespace wirepath {

struct LinkPartnerConfig {
  uint32_t ip = 0x0A000002;  // 10.0.0.2
  std::array<uint8_t, 6> mac{0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
  uint64_t rtt_ns = 20'000;  // our frame's last bit on the wire -> its reply in our stack
  uint64_t seed = 1;         // its random source: IP IDs, ISS (and the wire faults' draws)
  uint32_t rcv_wnd = 1u << 20;  // bytes advertised (after the SYN-ACK, scaled)
  uint8_t wscale = 7;
  uint16_t mss = 1460;
  unsigned ack_every = 2;            // ACK every Nth full in-order segment (delayed ACK)
  uint64_t delayed_ack_ns = 40'000;  // scaled down from Linux's 40 ms minimum
  bool sack = true;        // its net.ipv4.tcp_sack: SACK (and D-SACK) if our SYN offers it
  bool timestamps = true;  // its net.ipv4.tcp_timestamps: TSval/TSecr if our SYN offers them
  void validate() const;
};

struct LinkPartnerStats {
  uint64_t frames = 0, fcs_errors = 0;  // frames: that arrived (the wire may lose some on the way)
  uint64_t arp_requests = 0, arp_replies = 0;
  uint64_t ip_packets = 0, ip_header_errors = 0, fragments = 0, reassembled = 0;
  uint64_t tcp_segments = 0, tcp_csum_errors = 0, tcp_data_segments = 0, tcp_duplicate_segments = 0;
  uint64_t tcp_out_of_order = 0, acks_sent = 0, dupacks_sent = 0;
  uint64_t sack_blocks_sent = 0, dsacks_sent = 0;
  uint64_t udp_datagrams = 0, udp_csum_errors = 0;
  uint64_t other = 0;  // frames for someone else or of other types
};

class LinkPartner {
public:
  // One TCP connection as the partner sees it.
  struct TcpConn {
    uint32_t peer_ip = 0;
    uint16_t peer_port = 0, port = 0;
    uint32_t irs = 0, rcv_nxt = 0;  // the sender's initial sequence, next expected
    uint32_t iss = 0, snd_nxt = 0;  // ours
    std::array<uint8_t, 6> peer_mac{};
    uint16_t peer_mss = 536;
    int peer_wscale = -1;
    bool established = false, fin_received = false, closed = false;
    bool fin_pending = false;  // a FIN arrived out of order at fin_seq
    uint32_t fin_seq = 0;
    std::vector<uint8_t> data;                         // the in-order byte stream
    std::map<uint32_t, std::vector<uint8_t>> ooo;      // out-of-order segments by sequence
    unsigned unacked = 0;
    uint64_t delack_at = 0;                            // 0: none pending
    // Options negotiated in the handshake and the receiver's option state.
    bool sack_ok = false, tstamp_ok = false;
    uint32_t ts_offset = 0;                            // its TSval = ms clock + this
    uint32_t ts_recent = 0;                            // the TSval it echoes
    uint32_t rcv_wup = 0;                              // rcv_nxt when it last sent an ACK
    std::vector<std::pair<uint32_t, uint32_t>> sacks;  // selective_acks[], most recent first
    bool dsack = false;                                // a D-SACK block goes out with the next ACK
    std::pair<uint32_t, uint32_t> dsack_block{};
  };

  explicit LinkPartner(const LinkPartnerConfig &cfg);

  // A frame from the wire (DA..FCS) that arrives at arrive_ns.
  void on_frame(const std::vector<uint8_t> &frame, uint64_t arrive_ns);
  // When run() next has something to do (~0: nothing).
  uint64_t next_event_ns() const;
  // Process arrived frames and delayed ACKs due at now_ns.
  void run(uint64_t now_ns);

  // Where replies go: frame bytes (DA..payload, no FCS) and their arrival time at our host.
  std::function<void(std::vector<uint8_t> frame, uint64_t arrive_ns)> transmit;

  const LinkPartnerConfig &config() const { return cfg_; }
  // Its seeded random source, for a wire middleware in front of it to draw
  // from (one seed, one sequence of draws at the far end).
  std::mt19937_64 &rng() { return rng_; }
  const LinkPartnerStats &stats() const { return stats_; }
  const std::vector<std::unique_ptr<TcpConn>> &connections() const { return conns_; }
  // The first connection's received bytes (empty if none).
  const std::vector<uint8_t> &stream() const;
  const std::vector<std::vector<uint8_t>> &udp_datagrams() const { return udp_; }

private:
  struct Held {
    uint64_t at;                 // arrival time
    std::vector<uint8_t> frame;  // without FCS
  };
  struct FragKey {
    uint32_t src, dst;
    uint16_t id;
    uint8_t proto;
    bool operator<(const FragKey &o) const;
  };
  struct FragQueue {
    std::map<uint32_t, std::vector<uint8_t>> pieces;  // offset -> bytes
    uint32_t total = 0;                                // known once the last fragment came
    std::vector<uint8_t> header;                       // the first fragment's IP header
  };

  void process(const std::vector<uint8_t> &frame, uint64_t now);
  void arp(const uint8_t *p, size_t len, uint64_t now);
  void ipv4(const std::vector<uint8_t> &frame, uint64_t now);
  void ip_deliver(uint32_t src, uint32_t dst, uint8_t proto, const uint8_t *p, size_t len,
                  const std::array<uint8_t, 6> &src_mac, uint64_t now);
  void tcp(uint32_t src, uint32_t dst, const uint8_t *p, size_t len, const std::array<uint8_t, 6> &src_mac,
           uint64_t now);
  void send_tcp(TcpConn &c, uint8_t flags, uint32_t seq, bool syn_options, uint64_t now);
  // The options of a reply (tcp_synack_options / tcp_established_options).
  std::vector<uint8_t> tcp_options(TcpConn &c, bool syn, uint64_t now);
  void sack_new_ofo(TcpConn &c, uint32_t seq, uint32_t end_seq);
  void sack_remove(TcpConn &c);
  void dsack_set(TcpConn &c, uint32_t seq, uint32_t end_seq);
  void send_ack(TcpConn &c, uint64_t now, bool dup);
  void send_frame(const std::array<uint8_t, 6> &dst, uint16_t ethertype, const std::vector<uint8_t> &payload,
                  uint64_t now);
  TcpConn *find(uint32_t ip, uint16_t port, uint16_t myport);

  LinkPartnerConfig cfg_;
  LinkPartnerStats stats_;
  std::mt19937_64 rng_;
  std::deque<Held> held_;  // arrived frames by arrival time, in order of arrival for equal times
  std::map<FragKey, FragQueue> frags_;
  std::vector<std::unique_ptr<TcpConn>> conns_;
  std::vector<std::vector<uint8_t>> udp_;
  uint16_t ip_id_ = 0;
};

}  // namespace wirepath

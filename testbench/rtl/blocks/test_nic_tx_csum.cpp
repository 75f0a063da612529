// nic_tx_csum alone: the words of a stored frame go in as the packer pushes
// them into the TX FIFO; the metadata at the frame's end must hold the values
// that, written over the stored bytes, give the packet a software reference
// (testbench/rtl/pkt_ref.hpp) checksums: IPv4 header, TCP/UDP with the
// pseudo-header seed, the UDP zero rule, legacy CSO/CSS ranges and TSO fields.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "Vnic_tx_csum.h"
#include "abi_structs.hpp"
#include "pkt_ref.hpp"
#include "verilated.h"

namespace wirepath::rtltest {
namespace {

class TxCsum : public ::testing::Test {
 protected:
  TxCsum() : top_(std::make_unique<Vnic_tx_csum>(ctx_.get())) {
    ctx_->fatalOnError(false);
    top_->rst_ni = 0;
    tick();
    top_->rst_ni = 1;
    tick();
  }
  ~TxCsum() override {
    top_->final();
    EXPECT_FALSE(ctx_->gotError()) << "an RTL assertion failed";
  }

  // Feeds the stored bytes a word at a time (lanes past the end zero, as the
  // packer flushes them), with random idle cycles between words when
  // `gaps`, and the frame's end with its last word or in a later cycle.
  // Returns the metadata seen at the end.
  TxMeta run(const Bytes &stored, const TxOffload &ol, bool gaps = true) {
    auto &t = *top_;
    pack_offload(t.ol_i, ol);
    t.frame_len_i = uint16_t(stored.size());
    const bool end_apart = gaps && rng_() % 2;
    TxMeta meta;
    for (size_t pos = 0; pos < stored.size(); pos += 8) {
      while (gaps && rng_() % 4 == 0) idle();
      uint64_t w = 0;
      for (size_t i = 0; i < 8 && pos + i < stored.size(); ++i) w |= uint64_t(stored[pos + i]) << (8 * i);
      t.word_valid_i = 1;
      t.word_i = w;
      t.frame_end_i = !end_apart && pos + 8 >= stored.size();
      if (t.frame_end_i) meta = sample();
      tick();
    }
    if (end_apart) {
      while (rng_() % 2) idle();
      t.word_valid_i = 0;
      t.word_i = rng_();  // not a stored word: must not count
      t.frame_end_i = 1;
      meta = sample();
      tick();
    }
    t.frame_end_i = 0;
    t.word_valid_i = 0;
    return meta;
  }

  TxMeta sample() {
    top_->clk_i = 0;
    top_->eval();
    return TxMeta::unpack(top_->meta_o);
  }
  void idle() {
    top_->word_valid_i = 0;
    top_->frame_end_i = 0;
    top_->word_i = rng_();
    tick();
  }
  void tick() {
    top_->clk_i = 0;
    top_->eval();
    top_->clk_i = 1;
    top_->eval();
  }

  std::unique_ptr<VerilatedContext> ctx_ = std::make_unique<VerilatedContext>();
  std::unique_ptr<Vnic_tx_csum> top_;
  std::mt19937 rng_{2026};
};

// Offloads as e1000 sets them from a context descriptor for Ethernet/IPv4.
TxOffload ext_offload(uint8_t proto, bool ixsm, bool txsm) {
  TxOffload ol;
  ol.ixsm = ixsm;
  ol.txsm = txsm;
  ol.tcp = proto == kProtoTcp;
  ol.ipcss = kEth;
  ol.ipcso = kEth + 10;
  ol.ipcse = kEth + kIp - 1;
  ol.tucss = kEth + kIp;
  ol.tucso = uint8_t(kEth + kIp + (proto == kProtoTcp ? 16 : 6));
  ol.tucse = 0;
  return ol;
}

// TxCsum.InsertsIpv4AndL4ChecksumsOfRandomPackets: random TCP and UDP packets
// (payload 0..1500, with and without an 802.1Q tag, IXSM and TXSM each on or
// off) come out with the checksums pkt_ref computes; a field not offloaded
// keeps what the driver stored.
TEST_F(TxCsum, InsertsIpv4AndL4ChecksumsOfRandomPackets) {
  for (int n = 0; n < 400; ++n) {
    const uint8_t proto = n % 2 ? kProtoTcp : kProtoUdp;
    const bool ixsm = rng_() % 4 != 0, txsm = rng_() % 4 != 0, vle = rng_() % 3 == 0;
    const Bytes p = make_packet(rng_, proto, rng_() % 1501, uint16_t(rng_()), uint32_t(rng_()));
    const uint16_t ip_field = uint16_t(rng_());
    const Bytes given = as_checksum_partial(p, ip_field);
    Bytes want = with_checksums(p);
    const size_t l4field = kEth + kIp + (proto == kProtoTcp ? 16 : 6);
    if (!ixsm) put16(want, kEth + 10, ip_field);
    if (!txsm) put16(want, l4field, get16(given, l4field));
    TxOffload ol = ext_offload(proto, ixsm, txsm);
    ol.vle = vle;
    ol.vlan = uint16_t(rng_());
    const Bytes stored = vle ? tagged(given, ol.vlan) : given;
    const TxMeta m = run(stored, ol);
    ASSERT_EQ(overwrite_fields(stored, m), vle ? tagged(want, ol.vlan) : want) << "packet " << n;
    // Offsets move by the tag's 4 bytes.
    EXPECT_EQ(m.ip_ins, ixsm);
    EXPECT_EQ(m.tu_ins, txsm);
    EXPECT_EQ(m.ip_off, kEth + 10 + (vle ? 4 : 0));
    EXPECT_EQ(m.tu_off, l4field + (vle ? 4 : 0));
    EXPECT_FALSE(m.tso);
  }
}

// TxCsum.TakesThePseudoHeaderSeedFromTheField: the TCP/UDP sum includes what
// the driver left in the checksum field (the pseudo-header sum): with 0 there
// the result covers the L4 bytes alone, with the seed it is the packet's
// checksum.
TEST_F(TxCsum, TakesThePseudoHeaderSeedFromTheField) {
  for (int n = 0; n < 100; ++n) {
    const uint8_t proto = n % 2 ? kProtoTcp : kProtoUdp;
    Bytes p = make_packet(rng_, proto, 1 + rng_() % 600);
    const size_t t = kEth + kIp, field = t + (proto == kProtoTcp ? 16 : 6);
    put16(p, field, 0);
    const TxOffload ol = ext_offload(proto, false, true);
    uint16_t bare = uint16_t(~fold(sum16(p, t, p.size())));
    if (proto == kProtoUdp && bare == 0) bare = 0xFFFF;
    EXPECT_EQ(run(p, ol).tu_csum, bare);
    const Bytes seeded = as_checksum_partial(p);
    EXPECT_EQ(run(seeded, ol).tu_csum, get16(with_checksums(p), field));
  }
}

// TxCsum.UdpZeroGoesOutAsFfff: a UDP checksum that computes to 0 is sent as
// 0xFFFF (RFC 768); TCP and legacy CSO keep 0.
TEST_F(TxCsum, UdpZeroGoesOutAsFfff) {
  for (const uint8_t proto : {kProtoUdp, kProtoTcp}) {
    for (int n = 0; n < 20; ++n) {
      Bytes p = make_packet(rng_, proto, 2 + rng_() % 100);
      const size_t t = kEth + kIp, l4 = proto == kProtoTcp ? kTcp : kUdp;
      // Choose the payload's first 16-bit word so the ones' complement sum
      // of pseudo-header and segment is 0xFFFF: the checksum is 0.
      put16(p, t + l4, 0);
      p = as_checksum_partial(p);
      put16(p, t + l4, uint16_t(0xFFFF - fold(sum16(p, t, p.size()))));
      ASSERT_EQ(fold(sum16(p, t, p.size())), 0xFFFF);
      TxOffload ol = ext_offload(proto, false, true);
      EXPECT_EQ(run(p, ol).tu_csum, proto == kProtoUdp ? 0xFFFF : 0x0000);
      // Legacy IC over the same bytes: no UDP rule.
      ol.legacy = true;
      ol.tcp = true;
      ol.tucse = 0;
      EXPECT_EQ(run(p, ol).tu_csum, 0x0000);
    }
  }
}

// TxCsum.SumsAnyRangeFromAnyStartByte: legacy CSS/CSO and context
// IPCSS..IPCSE / TUCSS..TUCSE ranges at any start (odd ones too) and end
// (inclusive; 0 = to the frame's end) give the ones' complement of the
// 16-bit sum paired from the range's start; the IPv4 range skips its own
// checksum field, the TCP/UDP range includes its field (the seed).
TEST_F(TxCsum, SumsAnyRangeFromAnyStartByte) {
  for (int n = 0; n < 400; ++n) {
    const size_t len = 2 + rng_() % 300;
    Bytes b(len);
    for (auto &x : b) x = uint8_t(rng_());
    TxOffload ol;
    ol.legacy = n % 2;
    ol.tcp = true;
    ol.ixsm = !ol.legacy;
    ol.txsm = true;
    ol.tucss = uint8_t(rng_() % std::min<size_t>(len - 1, 256));
    ol.tucso = uint8_t(rng_() % std::min<size_t>(len - 1, 256));
    ol.tucse = ol.legacy || rng_() % 3 == 0 ? 0 : uint16_t(ol.tucss + rng_() % (len - ol.tucss));
    ol.ipcss = uint8_t(rng_() % std::min<size_t>(len - 1, 256));
    ol.ipcso = uint8_t(rng_() % std::min<size_t>(len - 1, 256));
    ol.ipcse = rng_() % 3 == 0 ? 0 : uint16_t(ol.ipcss + rng_() % (len - ol.ipcss));
    const TxMeta m = run(b, ol);
    const size_t tu_end = ol.tucse ? ol.tucse + 1u : len, ip_end = ol.ipcse ? ol.ipcse + 1u : len;
    EXPECT_EQ(m.tu_csum, uint16_t(~fold(sum16(b, ol.tucss, tu_end)))) << "frame " << n;
    EXPECT_EQ(m.tu_off, ol.tucso);
    if (ol.ixsm) {
      Bytes z = b;
      z[ol.ipcso] = z[ol.ipcso + 1] = 0;
      EXPECT_EQ(m.ip_csum, uint16_t(~fold(sum16(z, ol.ipcss, ip_end)))) << "frame " << n;
      EXPECT_EQ(m.ip_off, ol.ipcso);
    }
  }
}

// TxCsum.TsoSegmentsGetLengthIdSequenceFlagsAndChecksums: each TSO segment
// (the e1000_tso header: total length 0, IP check 0, TCP check = pseudo-sum
// without length; followed by its payload) leaves with IPv4 total length,
// ID + segment number, sequence + payload before it, PSH/FIN only on the
// last, and both checksums as software TSO (pkt_ref segment) gives them.
TEST_F(TxCsum, TsoSegmentsGetLengthIdSequenceFlagsAndChecksums) {
  for (int n = 0; n < 40; ++n) {
    const size_t mss = 1 + rng_() % 1460, payload = 1 + rng_() % 6000;
    const Bytes p = with_checksums(
        make_packet(rng_, kProtoTcp, payload, uint16_t(rng_()), uint32_t(rng_()), 0x19));  // FIN|PSH|ACK
    const Bytes hdr = as_tso(p);
    const size_t hlen = kEth + kIp + kTcp;
    const std::vector<Bytes> want = segment(p, mss);
    const bool vle = n % 3 == 0;
    for (size_t k = 0; k < want.size(); ++k) {
      Bytes stored(hdr.begin(), hdr.begin() + hlen);
      const size_t from = hlen + k * mss, to = std::min(from + mss, p.size());
      stored.insert(stored.end(), p.begin() + from, p.begin() + to);
      TxOffload ol = ext_offload(kProtoTcp, true, true);
      ol.tse = true;
      ol.vle = vle;
      ol.vlan = 0x2005;
      ol.seg_idx = uint16_t(k);
      ol.seq_add = uint32_t(k * mss);
      ol.seg_last = k + 1 == want.size();
      if (vle) stored = tagged(stored, ol.vlan);
      const TxMeta m = run(stored, ol);
      const Bytes &w = want[k];
      ASSERT_EQ(overwrite_fields(stored, m), vle ? tagged(w, ol.vlan) : w) << "packet " << n << " segment " << k;
      EXPECT_TRUE(m.tso);
      EXPECT_EQ(m.ip_len, get16(w, kEth + 2));
      EXPECT_EQ(m.ip_id, get16(w, kEth + 4));
      EXPECT_EQ(m.tcp_seq, get32(w, kEth + kIp + 4));
      EXPECT_EQ(m.tcp_flags, w[kEth + kIp + 13]);
      EXPECT_EQ(m.ip_base, kEth + (vle ? 4 : 0));
      EXPECT_EQ(m.tcp_base, kEth + kIp + (vle ? 4 : 0));
    }
  }
}

// TxCsum.BackToBackFramesStartFromClearedSums: a frame whose last word and
// end come in the same cycle as the previous frame's end is followed at once
// by the next (no idle cycle) and still gets its own checksums.
TEST_F(TxCsum, BackToBackFramesStartFromClearedSums) {
  for (int n = 0; n < 100; ++n) {
    const uint8_t proto = n % 2 ? kProtoTcp : kProtoUdp;
    const Bytes p = make_packet(rng_, proto, rng_() % 200, uint16_t(rng_()), uint32_t(rng_()));
    const Bytes stored = as_checksum_partial(p);
    const TxMeta m = run(stored, ext_offload(proto, true, true), false);
    ASSERT_EQ(overwrite_fields(stored, m), with_checksums(p)) << "packet " << n;
  }
}

}  // namespace
}  // namespace wirepath::rtltest

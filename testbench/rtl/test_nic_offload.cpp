// Offloads with Intel 8254x descriptor semantics: checksum insertion (context
// + data descriptors, legacy CSO/CSS), VLAN tag insertion, TSO; and the
// counted outcomes of impossible TSO contexts and bad lengths.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "Vnic_top.h"
#include "nic_bench.hpp"
#include "pkt_ref.hpp"

namespace wirepath::rtltest {
namespace {

using NicBench = NicBenchT<Vnic_top, 16>;
using TxRing = TxRingT<NicBench>;

// The standard IPv4/TCP context: IP header 14..33, L4 from 34 to the end.
Ctx csum_ctx(uint8_t proto) {
  Ctx c;
  c.ipcss = kEth;
  c.ipcso = kEth + 10;
  c.ipcse = kEth + kIp - 1;
  c.tucss = kEth + kIp;
  c.tucso = uint8_t(kEth + kIp + (proto == kProtoTcp ? 16 : 6));
  c.tucse = 0;
  c.tucmd = uint8_t(E1000_TXD_CMD_IP | (proto == kProtoTcp ? E1000_TXD_CMD_TCP : 0));
  return c;
}

// Posts bytes as data descriptors split at the given cut points, unaligned.
void post_split(TxRing &r, const Bytes &p, std::vector<size_t> cuts, uint8_t dcmd, uint8_t popts,
                std::mt19937 &rng, uint16_t vlan = 0) {
  cuts.push_back(p.size());
  size_t from = 0;
  for (size_t i = 0; i < cuts.size(); ++i) {
    Bytes piece(p.begin() + from, p.begin() + cuts[i]);
    const bool last = i + 1 == cuts.size();
    r.post_desc(data_desc(r.buffer(piece, rng() % 64), uint32_t(piece.size()),
                          uint8_t(dcmd | (last ? E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS : 0)), popts, vlan));
    from = cuts[i];
  }
}

Bytes wire_bytes(const WireFrame &f) { return Bytes(f.bytes.begin(), f.bytes.end() - 4); }

// IXSM + TXSM: the IPv4 header checksum (field taken as 0) and the TCP
// checksum (seeded with the pseudo-header sum as CHECKSUM_PARTIAL) are
// inserted; every size, multi-descriptor and unaligned.
TEST(Offload, InsertsIpv4AndTcpChecksumsFromAChecksumPartialPacket) {
  NicBench b;
  TxRing r(b, 256, E1000_TCTL_EN | E1000_TCTL_PSP);
  std::mt19937 rng(21);
  std::vector<Bytes> want;
  r.post_desc(context_desc(csum_ctx(kProtoTcp)));
  for (size_t payload : {0, 1, 2, 3, 5, 100, 511, 1000, 1460}) {
    Bytes good = make_packet(rng, kProtoTcp, payload, uint16_t(payload), uint32_t(rng()));
    good = with_checksums(good);
    const Bytes in = as_checksum_partial(good);
    const size_t c1 = 1 + rng() % (in.size() - 2), c2 = c1 + rng() % (in.size() - c1);
    post_split(r, in, c2 > c1 ? std::vector<size_t>{c1, c2} : std::vector<size_t>{c1},
               E1000_TXD_CMD_IFCS, E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM, rng);
    want.push_back(good);
  }
  r.kick();
  b.run_until([&] { return b.frames.size() >= want.size(); }, 100000);
  ASSERT_EQ(b.frames.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    Bytes got = wire_bytes(b.frames[i]);
    Bytes w = want[i];
    w.resize(std::max<size_t>(w.size(), 60), 0);
    EXPECT_EQ(got, w) << "packet " << i;
    EXPECT_TRUE(b.frames[i].fcs_ok);
  }
}

// UDP: a computed checksum of 0 goes out as 0xFFFF (RFC 768); others as computed.
TEST(Offload, SendsAComputedZeroUdpChecksumAsFfff) {
  NicBench b;
  TxRing r(b, 64, E1000_TCTL_EN | E1000_TCTL_PSP);
  std::mt19937 rng(22);
  Bytes p = make_packet(rng, kProtoUdp, 200);
  // Make the checksum come out as 0: payload word 0 makes the sum 0xFFFF.
  const size_t t = kEth + kIp;
  put16(p, t + 6, 0);
  put16(p, t + kUdp, 0);
  const uint16_t s = fold(sum16(p, t, p.size(), pseudo_sum(p, kEth, kProtoUdp, uint32_t(p.size() - t))));
  put16(p, t + kUdp, uint16_t(0xFFFF - s));
  const Bytes good = with_checksums(p);
  ASSERT_EQ(get16(good, t + 6), 0xFFFF);
  Bytes other = with_checksums(make_packet(rng, kProtoUdp, 33));
  r.post_desc(context_desc(csum_ctx(kProtoUdp)));
  post_split(r, as_checksum_partial(good), {40}, E1000_TXD_CMD_IFCS, E1000_TXD_POPTS_TXSM | E1000_TXD_POPTS_IXSM, rng);
  post_split(r, as_checksum_partial(other), {}, E1000_TXD_CMD_IFCS, E1000_TXD_POPTS_TXSM | E1000_TXD_POPTS_IXSM, rng);
  r.kick();
  b.run_until([&] { return b.frames.size() >= 2; }, 20000);
  ASSERT_EQ(b.frames.size(), 2u);
  EXPECT_EQ(wire_bytes(b.frames[0]), good);
  EXPECT_EQ(get16(wire_bytes(b.frames[0]), t + 6), 0xFFFF);
  EXPECT_EQ(wire_bytes(b.frames[1]), other);
}

// Only the offloads asked for: POPTS 0 leaves the bytes alone, IXSM alone only the IP field.
TEST(Offload, InsertsOnlyTheChecksumsThePoptsAskFor) {
  NicBench b;
  TxRing r(b, 64, E1000_TCTL_EN);
  std::mt19937 rng(23);
  const Bytes in = as_checksum_partial(with_checksums(make_packet(rng, kProtoTcp, 80)));
  r.post_desc(context_desc(csum_ctx(kProtoTcp)));
  post_split(r, in, {}, E1000_TXD_CMD_IFCS, 0, rng);
  post_split(r, in, {}, E1000_TXD_CMD_IFCS, E1000_TXD_POPTS_IXSM, rng);
  r.kick();
  b.run_until([&] { return b.frames.size() >= 2; }, 20000);
  ASSERT_EQ(b.frames.size(), 2u);
  EXPECT_EQ(wire_bytes(b.frames[0]), in);
  Bytes ip_only = in;
  fix_ip_csum(ip_only);
  EXPECT_EQ(wire_bytes(b.frames[1]), ip_only);
}

// TUCSE bounds the summed range (inclusive); bytes after it are not covered.
TEST(Offload, SumsOnlyUpToTucse) {
  NicBench b;
  TxRing r(b, 64, E1000_TCTL_EN);
  std::mt19937 rng(24);
  Bytes good = with_checksums(make_packet(rng, kProtoUdp, 64));
  Bytes trailer(10);
  for (auto &x : trailer) x = uint8_t(rng());
  Bytes in = as_checksum_partial(good);
  in.insert(in.end(), trailer.begin(), trailer.end());
  Bytes want = good;
  want.insert(want.end(), trailer.begin(), trailer.end());
  Ctx c = csum_ctx(kProtoUdp);
  c.tucse = uint16_t(good.size() - 1);
  r.post_desc(context_desc(c));
  post_split(r, in, {7}, E1000_TXD_CMD_IFCS, E1000_TXD_POPTS_TXSM | E1000_TXD_POPTS_IXSM, rng);
  r.kick();
  b.run_until([&] { return b.frames.size() >= 1; }, 20000);
  ASSERT_EQ(b.frames.size(), 1u);
  EXPECT_EQ(wire_bytes(b.frames[0]), want);
}

// Legacy descriptors with CMD.IC: the checksum of CSS..end is written at CSO
// (the 16-bit words start at CSS, odd or even).
TEST(Offload, LegacyDescriptorInsertsChecksumAtCsoFromCss) {
  NicBench b;
  TxRing r(b, 64, E1000_TCTL_EN);
  std::mt19937 rng(25);
  std::vector<Bytes> want;
  for (uint8_t css : {20, 33, 34, 51}) {
    Bytes d(150 + css);
    for (auto &x : d) x = uint8_t(rng());
    const uint8_t cso = uint8_t(css + 6);
    put16(d, cso, 0);
    Bytes w = d;
    put16(w, cso, uint16_t(~fold(sum16(d, css, d.size()))));
    want.push_back(w);
    const uint16_t h = uint16_t(d.size() / 3);
    r.post_desc(
        legacy_desc(r.buffer(Bytes(d.begin(), d.begin() + h), 3), h, E1000_TXD_CMD_IFCS | E1000_TXD_CMD_IC, cso, css));
    r.post_desc(legacy_desc(r.buffer(Bytes(d.begin() + h, d.end()), 5), uint16_t(d.size() - h),
                            E1000_TXD_CMD_IFCS | E1000_TXD_CMD_IC | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS, cso, css));
  }
  r.kick();
  b.run_until([&] { return b.frames.size() >= want.size(); }, 20000);
  ASSERT_EQ(b.frames.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(wire_bytes(b.frames[i]), want[i]) << i;
  b.run(300);
  EXPECT_EQ(b.read32(E1000_TDH), r.tail());
}

// VLE with CTRL.VME: an 802.1Q tag (0x8100 + special) after the MAC
// addresses, checksum offsets still meaning the untagged packet; without VME no tag.
TEST(Offload, InsertsVlanTagOnlyWithVme) {
  NicBench b;
  TxRing r(b, 64, E1000_TCTL_EN | E1000_TCTL_PSP);
  std::mt19937 rng(26);
  const Bytes good = with_checksums(make_packet(rng, kProtoTcp, 300));
  const Bytes small = with_checksums(make_packet(rng, kProtoUdp, 2));
  b.write32(E1000_CTRL, E1000_CTRL_VME);
  r.post_desc(context_desc(csum_ctx(kProtoTcp)));
  post_split(r, as_checksum_partial(good), {5, 13}, E1000_TXD_CMD_IFCS | E1000_TXD_CMD_VLE,
             E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM, rng, 0x2ABC);
  r.post_desc(legacy_desc(r.buffer(small), uint16_t(small.size()),
                          E1000_TXD_CMD_IFCS | E1000_TXD_CMD_VLE | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS, 0, 0, 0xE005));
  r.kick();
  b.run_until([&] { return b.frames.size() >= 2; }, 20000);
  b.write32(E1000_CTRL, 0);
  r.post_desc(legacy_desc(r.buffer(small), uint16_t(small.size()),
                          E1000_TXD_CMD_IFCS | E1000_TXD_CMD_VLE | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS, 0, 0, 0xE005));
  r.kick();
  b.run_until([&] { return b.frames.size() >= 3; }, 20000);
  ASSERT_EQ(b.frames.size(), 3u);
  EXPECT_EQ(wire_bytes(b.frames[0]), tagged(good, 0x2ABC));
  Bytes st = tagged(small, 0xE005);
  st.resize(60, 0);
  EXPECT_EQ(wire_bytes(b.frames[1]), st);
  Bytes su = small;
  su.resize(60, 0);
  EXPECT_EQ(wire_bytes(b.frames[2]), su);
  for (auto &f : b.frames) EXPECT_TRUE(f.fcs_ok);
}

// A hostile driver's VLE frames of 1..12 bytes (too short to hold the MAC
// addresses): the tag goes after the last byte, the frame is padded to 60,
// and the TX FIFO stays in step with the MAC, so a normal frame after each
// one is byte-exact. (Before the packer fix a 1..3 or 9..12-byte frame
// pushed one word too many and every later frame was shifted.)
TEST(Offload, ShortTaggedFramesKeepTheFifoInStep) {
  NicBench b;
  TxRing r(b, 64, E1000_TCTL_EN | E1000_TCTL_PSP);
  std::mt19937 rng(27);
  b.write32(E1000_CTRL, E1000_CTRL_VME);
  std::vector<Bytes> want;
  for (size_t len = 1; len <= 12; ++len) {
    Bytes tiny(len);
    for (auto &x : tiny) x = uint8_t(rng());
    const Bytes good = with_checksums(make_packet(rng, kProtoUdp, 20 + len));
    r.post_desc(legacy_desc(r.buffer(tiny), uint16_t(len),
                            E1000_TXD_CMD_IFCS | E1000_TXD_CMD_VLE | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS, 0, 0,
                            0x1234));
    r.post_desc(legacy_desc(r.buffer(good), uint16_t(good.size()),
                            E1000_TXD_CMD_IFCS | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS, 0, 0, 0));
    Bytes t = tiny;
    for (uint8_t x : {0x81, 0x00, 0x12, 0x34}) t.push_back(x);
    t.resize(60, 0);
    want.push_back(t);
    Bytes g = good;
    g.resize(std::max<size_t>(g.size(), 60), 0);
    want.push_back(g);
  }
  r.kick();
  b.run_until([&] { return b.frames.size() >= want.size(); }, 40000);
  ASSERT_EQ(b.frames.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(wire_bytes(b.frames[i]), want[i]) << i;
    EXPECT_TRUE(b.frames[i].fcs_ok) << i;
  }
  b.run(300);
  EXPECT_EQ(b.read32(E1000_TDH), r.tail());
}

struct TsoCase {
  size_t payload, mss;
  std::vector<size_t> cuts;  // descriptor boundaries in the super-packet
  uint8_t flags;
  uint16_t vlan;             // 0: no tag
};

// Runs TSO super-packets and compares each wire frame with software TSO.
void run_tso(const std::vector<TsoCase> &cases, double stall = 0.0) {
  NicBench b(30, 3);
  b.r_stall_prob = stall;
  b.ready_stall_prob = stall;
  TxRing r(b, 256, E1000_TCTL_EN | E1000_TCTL_PSP);
  b.write32(E1000_CTRL, E1000_CTRL_VME);
  std::mt19937 rng(27);
  std::vector<Bytes> want;
  for (const auto &c : cases) {
    const Bytes good = with_checksums(make_packet(rng, kProtoTcp, c.payload, uint16_t(rng()), uint32_t(rng()), c.flags));
    Ctx ctx = csum_ctx(kProtoTcp);
    ctx.tucmd |= E1000_TXD_CMD_TSE;
    ctx.hdrlen = uint8_t(kEth + kIp + kTcp);
    ctx.mss = uint16_t(c.mss);
    ctx.paylen = uint32_t(c.payload);
    r.post_desc(context_desc(ctx));
    post_split(r, as_tso(good), c.cuts,
               uint8_t(E1000_TXD_CMD_IFCS | E1000_TXD_CMD_TSE | (c.vlan ? E1000_TXD_CMD_VLE : 0)),
               E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM, rng, c.vlan);
    for (auto &s : segment(good, c.mss)) want.push_back(c.vlan ? tagged(s, c.vlan) : s);
  }
  r.kick();
  b.run_until([&] { return b.frames.size() >= want.size(); }, 400000);
  b.run(2000);
  if (getenv("TSO_DEBUG")) {
    for (auto &f : b.frames) fprintf(stderr, "got %zu\n", f.bytes.size());
    for (auto &w : want) fprintf(stderr, "want %zu\n", w.size() + 4);
  }
  ASSERT_EQ(b.frames.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    Bytes w = want[i];
    w.resize(std::max<size_t>(w.size(), 60), 0);
    EXPECT_EQ(wire_bytes(b.frames[i]), w) << "frame " << i;
    EXPECT_TRUE(b.frames[i].fcs_ok);
  }
  EXPECT_EQ(b.read32(E1000_TSCTC), cases.size());
  EXPECT_EQ(b.read32(E1000_TSCTFC), 0u);
  EXPECT_EQ(b.read32(E1000_TDH), r.tail());
}

// TSO: MSS-sized frames, headers replicated, IPv4 total length / ID (+1 per
// segment) / checksum and TCP seq / checksum rewritten, PSH and FIN only on
// the last segment; the header alone in the first descriptor, as Linux maps it.
TEST(Tso, SegmentsSuperPacketLikeSoftwareTso) {
  run_tso({{4000, 1448, {54, 1000, 1001, 3000}, 0x19, 0},   // header-only first descriptor
           {2896, 1448, {54 + 1448}, 0x18, 0},               // ends exactly at a segment
           {100, 1448, {60, 61}, 0x11, 0},                  // one short segment
           {7000, 536, {54 + 536 * 3, 54 + 536 * 5}, 0x18, 0},  // cuts at segment ends
           {9000, 8960, {54}, 0x18, 0}});                   // jumbo segment
}

// TSO with random descriptor cuts, R stalls and AXI ready back-pressure.
TEST(Tso, SegmentsCorrectlyUnderBackPressureAndRandomCuts) {
  std::mt19937 rng(28);
  std::vector<TsoCase> cases;
  for (int i = 0; i < 12; ++i) {
    TsoCase c{1 + rng() % 6000, 64 + rng() % 1400, {}, uint8_t(0x10 | (rng() & 0x9)), 0};
    const size_t total = 54 + c.payload;
    size_t at = 54 + (rng() % 2 ? 0 : rng() % 100);  // the header within the first buffer
    while (at < total && c.cuts.size() < 6) {
      c.cuts.push_back(at);
      at += 1 + rng() % 2000;
    }
    cases.push_back(c);
  }
  run_tso(cases, 0.2);
}

// TSO with VLAN insertion: every segment carries the tag.
TEST(Tso, TagsEverySegmentWithVle) { run_tso({{3000, 1000, {54, 500}, 0x18, 0x0123}}); }

// Impossible TSO contexts drop the packet (TSCTFC counts it), complete its
// descriptors and leave the next packet alone.
TEST(Tso, RefusesImpossibleContextsAndCountsThem) {
  NicBench b;
  TxRing r(b, 128, E1000_TCTL_EN);
  std::mt19937 rng(29);
  const Bytes good = with_checksums(make_packet(rng, kProtoTcp, 1000));
  auto bad = [&](auto edit) {
    Ctx c = csum_ctx(kProtoTcp);
    c.tucmd |= E1000_TXD_CMD_TSE;
    c.hdrlen = 54;
    c.mss = 500;
    c.paylen = 1000;
    edit(c);
    r.post_desc(context_desc(c));
    post_split(r, as_tso(good), {54}, E1000_TXD_CMD_IFCS | E1000_TXD_CMD_TSE,
               E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM, rng);
  };
  bad([](Ctx &c) { c.mss = 0; });
  bad([](Ctx &c) { c.hdrlen = 40; });                 // header shorter than IP + TCP
  bad([](Ctx &c) { c.mss = 9200; });                   // segment over the maximum frame
  bad([](Ctx &c) { c.tucmd &= uint8_t(~E1000_TXD_CMD_TCP); });  // UDP TSO
  bad([](Ctx &c) { c.tucss = 35; });                   // odd offsets
  bad([](Ctx &c) { c.paylen = 0; });
  // A first buffer shorter than HDRLEN.
  Ctx c = csum_ctx(kProtoTcp);
  c.tucmd |= E1000_TXD_CMD_TSE;
  c.hdrlen = 54;
  c.mss = 500;
  c.paylen = 1000;
  r.post_desc(context_desc(c));
  post_split(r, as_tso(good), {30}, E1000_TXD_CMD_IFCS | E1000_TXD_CMD_TSE, E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM,
             rng);
  // A header with no payload at all.
  r.post_desc(data_desc(r.buffer(Bytes(good.begin(), good.begin() + 54)), 54,
                        E1000_TXD_CMD_IFCS | E1000_TXD_CMD_TSE | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS,
                        E1000_TXD_POPTS_TXSM));
  r.post_desc(
      legacy_desc(r.buffer(good), uint16_t(good.size()), E1000_TXD_CMD_IFCS | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS));
  r.kick();
  b.run_until([&] { return b.frames.size() >= 1; }, 50000);
  b.run(500);
  ASSERT_EQ(b.frames.size(), 1u);
  EXPECT_EQ(wire_bytes(b.frames[0]), good);
  EXPECT_EQ(b.read32(E1000_TSCTFC), 8u);
  EXPECT_EQ(b.read32(E1000_TSCTC), 0u);
  EXPECT_EQ(b.read32(E1000_TDH), r.tail());
}

// A frame over 9216 bytes is not read past the limit, dropped and counted
// (TDOC); zero-length and reserved-DTYP descriptors are counted and skipped.
TEST(Offload, CountsOversizeZeroLengthAndReservedDescriptors) {
  NicBench b;
  TxRing r(b, 64, E1000_TCTL_EN);
  std::mt19937 rng(30);
  Bytes big(5000, 0x77), small(100, 0x55);
  r.post(r.buffer(big), 5000, E1000_TXD_CMD_IFCS);
  r.post(r.buffer(big), 4217, E1000_TXD_CMD_IFCS | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS);  // 9217 bytes
  r.post(r.buffer(small), 0, E1000_TXD_CMD_IFCS);                       // zero length
  r.post_desc(data_desc(r.buffer(small), 0, E1000_TXD_CMD_IFCS));       // zero length (extended)
  Desc resv = data_desc(r.buffer(small), 100, E1000_TXD_CMD_IFCS);
  resv[10] = 0x30;                                            // DTYP 3: reserved
  r.post_desc(resv);
  r.post(r.buffer(small), 100, E1000_TXD_CMD_IFCS | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS);
  r.post(r.buffer(big), 9216, E1000_TXD_CMD_IFCS | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS);  // exactly the maximum
  r.kick();
  b.run_until([&] { return b.frames.size() >= 2; }, 100000);
  b.run(500);
  ASSERT_EQ(b.frames.size(), 2u);
  EXPECT_EQ(wire_bytes(b.frames[0]), small);
  EXPECT_EQ(b.frames[1].bytes.size(), 9220u);
  EXPECT_EQ(b.read32(E1000_TDOC), 1u);
  EXPECT_EQ(b.read32(E1000_TDZC), 2u);
  EXPECT_EQ(b.read32(E1000_TDBC), 1u);
  EXPECT_EQ(b.read32(E1000_TDH), r.tail());
  // No read went past the 9216-byte limit of the oversize frame.
  uint64_t read_big = 0;
  for (const auto &rb : b.ar_log)
    if (rb.id == 1) read_big += rb.beats * 16;
  EXPECT_LE(read_big, 9216u + 100u + 9216u + 3 * 32u);
}

// A packet of 100 descriptors (over the 64 per packet) and a run of 200
// context descriptors never wedge the completion queue: the long packet is
// dropped and counted (TDOC), each 64 contexts close as an empty dropped
// frame (TDOC), everything completes and the next packet is sent.
TEST(Offload, TooManyDescriptorsPerPacketAreDroppedNotAHang) {
  NicBench b;
  TxRing r(b, 512, E1000_TCTL_EN);
  Bytes one(1, 0x42), good(200, 0x24);
  const uint64_t a = r.buffer(one);
  for (int i = 0; i < 99; ++i) r.post(a, 1, E1000_TXD_CMD_IFCS);
  r.post(a, 1, E1000_TXD_CMD_IFCS | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS);
  for (int i = 0; i < 200; ++i) r.post_desc(context_desc(csum_ctx(kProtoTcp)));
  r.post(r.buffer(good), 200, E1000_TXD_CMD_IFCS | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS);
  // 64 descriptors exactly (63 + EOP) is still one packet.
  for (int i = 0; i < 63; ++i) r.post(a, 1, E1000_TXD_CMD_IFCS);
  r.post(r.buffer(good), 200, E1000_TXD_CMD_IFCS | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS);
  r.kick();
  b.run_until([&] { return b.read32(E1000_TDH) == r.tail(); }, 100000);
  b.run(200);
  EXPECT_EQ(b.read32(E1000_TDH), r.tail());
  ASSERT_EQ(b.frames.size(), 2u);
  EXPECT_EQ(wire_bytes(b.frames[0]), good);
  Bytes second(63 + good.size(), 0x42);
  std::copy(good.begin(), good.end(), second.begin() + 63);
  EXPECT_EQ(wire_bytes(b.frames[1]), second);
  EXPECT_EQ(b.read32(E1000_TDOC), 1u + 3u);
}

}  // namespace
}  // namespace wirepath::rtltest

// The packed structs of rtl/nic_abi_pkg.sv (tx_offload_t, tx_meta_t,
// dma_cmd_t) as C++ structs, packed into and out of a Verilated wide port.
// A packed struct's first field is its most significant; the field lists
// below follow the package's declaration order and widths.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "verilated.h"

namespace wirepath::rtltest {

// Writes fields MSB first into `bits` bits of little-endian 32-bit words.
class BitWriter {
 public:
  BitWriter(uint32_t *words, unsigned bits) : w_(words), pos_(bits) {
    for (unsigned i = 0; i < (bits + 31) / 32; ++i) w_[i] = 0;
  }
  BitWriter &put(unsigned width, uint64_t v) {
    pos_ -= width;
    for (unsigned i = 0; i < width; ++i)
      if (v >> i & 1) w_[(pos_ + i) / 32] |= 1u << ((pos_ + i) % 32);
    return *this;
  }
  // Every bit written: the C++ field list adds up to the struct's width.
  void done() const {
    if (pos_ != 0) throw std::logic_error("packed struct layout: widths do not add up");
  }

 private:
  uint32_t *w_;
  unsigned pos_;
};

class BitReader {
 public:
  BitReader(const uint32_t *words, unsigned bits) : w_(words), pos_(bits) {}
  uint64_t get(unsigned width) {
    pos_ -= width;
    uint64_t v = 0;
    for (unsigned i = 0; i < width; ++i) v |= uint64_t(w_[(pos_ + i) / 32] >> ((pos_ + i) % 32) & 1) << i;
    return v;
  }
  void done() const {
    if (pos_ != 0) throw std::logic_error("packed struct layout: widths do not add up");
  }

 private:
  const uint32_t *w_;
  unsigned pos_;
};

struct TxOffload {
  bool ixsm = false, txsm = false, legacy = false, tcp = false, tse = false, vle = false;
  uint16_t vlan = 0;
  uint8_t ipcss = 0, ipcso = 0;
  uint16_t ipcse = 0;
  uint8_t tucss = 0, tucso = 0;
  uint16_t tucse = 0;
  bool seg_last = true;
  uint16_t seg_idx = 0;
  uint32_t seq_add = 0;

  static constexpr unsigned kBits = 135;
  void write(BitWriter &w) const {
    w.put(1, ixsm).put(1, txsm).put(1, legacy).put(1, tcp).put(1, tse).put(1, vle).put(16, vlan);
    w.put(8, ipcss).put(8, ipcso).put(16, ipcse).put(8, tucss).put(8, tucso).put(16, tucse);
    w.put(1, seg_last).put(16, seg_idx).put(32, seq_add);
  }
};

struct TxMeta {
  bool err = false, ifcs = false, pkt_end = false;
  uint16_t len = 0;
  bool ip_ins = false;
  uint16_t ip_off = 0, ip_csum = 0;
  bool tu_ins = false;
  uint16_t tu_off = 0, tu_csum = 0;
  bool tso = false;
  uint16_t ip_base = 0, tcp_base = 0, ip_len = 0, ip_id = 0;
  uint32_t tcp_seq = 0;
  uint8_t tcp_flags = 0;
  bool ct = false;  // the frame was announced early (cut-through)

  static constexpr unsigned kBits = 191;
  template <size_t N>
  void pack(VlWide<N> &port) const {
    static_assert(N == (kBits + 31) / 32, "tx_meta_t width");
    BitWriter w(port.data(), kBits);
    w.put(1, err).put(1, ifcs).put(1, pkt_end).put(16, len);
    w.put(1, ip_ins).put(16, ip_off).put(16, ip_csum).put(1, tu_ins).put(16, tu_off).put(16, tu_csum);
    w.put(1, tso).put(16, ip_base).put(16, tcp_base).put(16, ip_len).put(16, ip_id).put(32, tcp_seq);
    w.put(8, tcp_flags).put(1, ct);
    w.done();
  }
  template <size_t N>
  static TxMeta unpack(const VlWide<N> &port) {
    static_assert(N == (kBits + 31) / 32, "tx_meta_t width");
    BitReader r(port.data(), kBits);
    TxMeta m;
    m.err = r.get(1), m.ifcs = r.get(1), m.pkt_end = r.get(1), m.len = uint16_t(r.get(16));
    m.ip_ins = r.get(1), m.ip_off = uint16_t(r.get(16)), m.ip_csum = uint16_t(r.get(16));
    m.tu_ins = r.get(1), m.tu_off = uint16_t(r.get(16)), m.tu_csum = uint16_t(r.get(16));
    m.tso = r.get(1), m.ip_base = uint16_t(r.get(16)), m.tcp_base = uint16_t(r.get(16));
    m.ip_len = uint16_t(r.get(16)), m.ip_id = uint16_t(r.get(16)), m.tcp_seq = uint32_t(r.get(32));
    m.tcp_flags = uint8_t(r.get(8));
    m.ct = r.get(1);
    r.done();
    return m;
  }
};

template <size_t N>
void pack_offload(VlWide<N> &port, const TxOffload &ol) {
  static_assert(N == (TxOffload::kBits + 31) / 32, "tx_offload_t width");
  BitWriter w(port.data(), TxOffload::kBits);
  ol.write(w);
  w.done();
}

struct DmaCmd {
  TxOffload ol;
  bool has_data = false, err = false, derr = false, eop = false, ifcs = false;
  uint8_t off = 0;      // 6 bits
  uint16_t nbytes = 0;  // 13 bits
  bool ct = false;      // cut-through: the frame's first read
  uint16_t ct_len = 0;  // ... and its length

  static constexpr unsigned kBits = TxOffload::kBits + 5 + 6 + 13 + 17;
  template <size_t N>
  void pack(VlWide<N> &port) const {
    static_assert(N == (kBits + 31) / 32, "dma_cmd_t width");
    BitWriter w(port.data(), kBits);
    ol.write(w);
    w.put(1, has_data).put(1, err).put(1, derr).put(1, eop).put(1, ifcs).put(6, off).put(13, nbytes);
    w.put(1, ct).put(16, ct_len);
    w.done();
  }
};

// The frame as the MAC sends it: the metadata's checksum and TSO fields
// written over the stored bytes, only where bytes are stored (the spec of
// tx_meta_t's field-overwrite half).
inline std::vector<uint8_t> overwrite_fields(std::vector<uint8_t> b, const TxMeta &m) {
  auto put = [&b](size_t at, uint8_t v) {
    if (at < b.size()) b[at] = v;
  };
  if (m.ip_ins) put(m.ip_off, uint8_t(m.ip_csum >> 8)), put(m.ip_off + 1u, uint8_t(m.ip_csum));
  if (m.tso) {
    put(m.ip_base + 2u, uint8_t(m.ip_len >> 8)), put(m.ip_base + 3u, uint8_t(m.ip_len));
    put(m.ip_base + 4u, uint8_t(m.ip_id >> 8)), put(m.ip_base + 5u, uint8_t(m.ip_id));
    for (unsigned i = 0; i < 4; ++i) put(m.tcp_base + 4u + i, uint8_t(m.tcp_seq >> (24 - 8 * i)));
    put(m.tcp_base + 13u, m.tcp_flags);
  }
  if (m.tu_ins) put(m.tu_off, uint8_t(m.tu_csum >> 8)), put(m.tu_off + 1u, uint8_t(m.tu_csum));
  return b;
}

}  // namespace wirepath::rtltest

// Register offsets, bits and descriptor layout of the 8254x/e1000e TX path
// that the NIC RTL implements: the C++ side of rtl/nic_abi_pkg.sv, which is
// the source. testbench/rtl/test_nic_reg_map.cpp reads every value below
// that the package defines from a Verilated model and fails on a mismatch.
#pragma once

#include <cstdint>

namespace wirepath {

// BAR0 registers (byte offsets).
enum : uint32_t {
  E1000_CTRL = 0x0000,
  E1000_STATUS = 0x0008,
  E1000_ICR = 0x00C0,
  E1000_ICS = 0x00C8,
  E1000_IMS = 0x00D0,
  E1000_IMC = 0x00D8,
  E1000_TCTL = 0x0400,
  E1000_TIPG = 0x0410,
  E1000_TDBAL = 0x3800,
  E1000_TDBAH = 0x3804,
  E1000_TDLEN = 0x3808,
  E1000_TDH = 0x3810,
  E1000_TDT = 0x3818,
  E1000_GPTC = 0x4080,
  E1000_GOTCL = 0x4090,
  E1000_GOTCH = 0x4094,
  E1000_TOTL = 0x40C8,
  E1000_TOTH = 0x40CC,
  E1000_TPT = 0x40D4,
  E1000_ITR = 0x00C4,
  E1000_TIDV = 0x3820,
  E1000_TADV = 0x382C,
  E1000_PTC64 = 0x40D8,
  E1000_PTC127 = 0x40DC,
  E1000_PTC255 = 0x40E0,
  E1000_PTC511 = 0x40E4,
  E1000_PTC1023 = 0x40E8,
  E1000_PTC1522 = 0x40EC,
  E1000_MPTC = 0x40F0,
  E1000_BPTC = 0x40F4,
  E1000_TSCTC = 0x40F8,
  E1000_TSCTFC = 0x40FC,
  // wirepath error counters (not in the 8254x; clear on read).
  E1000_TDZC = 0x5F00,  // zero-length data descriptors
  E1000_TDOC = 0x5F04,  // frames over the NIC's maximum dropped
  E1000_TDEC = 0x5F08,  // frames dropped for a DMA read error
  E1000_TDBC = 0x5F0C,  // descriptors with a reserved DTYP
  E1000_TRJC = 0x5F10,  // refused TDT/TDH/TDLEN writes
  E1000_TWEC = 0x5F14,  // DD write-backs answered with an error
  E1000_TDPAC = 0x5F18,  // descriptor pushes taken (their fetch skipped)
  E1000_TDPFC = 0x5F1C,  // pushes that did not match the ring (fetched instead)
  E1000_TDPBC = 0x5F20,  // bad pushes: wrong length or outside the window
  E1000_TDILC = 0x5F28,  // inline frames taken (their data fetch skipped)
  E1000_TXCAP = 0x5F40,  // read-only: low-latency TX capabilities
  E1000_TXINLMAX = 0x5F4C,  // read-only: the most inline bytes per frame
  E1000_TXCT = 0x5F48,   // cut-through: bit 0 enable, bits 15:4 start threshold in bytes
  E1000_TDURC = 0x5F24,  // cut-through frames that ran dry (bad FCS on the wire; clear on read)
  // Descriptor push window: one 64-byte write-combined write (e1000_tx_push).
  E1000_TXPUSH = 0x6000,
  // Inline frame bytes: 64-byte blocks at 0x6040 + 64k, written before the
  // push block (frame byte i at E1000_TXINLINE + i).
  E1000_TXINLINE = 0x6040,
};

enum : uint32_t {
  E1000_TXCAP_PUSH = 1u << 0,  // the NIC has the descriptor push window
  E1000_TXCAP_INLINE = 1u << 1,  // ... and takes inline frames (E1000_TXINLINE)
  E1000_TXCAP_CT = 1u << 2,    // the NIC can cut through (TXCT, TDURC)
  E1000_TXCT_EN = 1u << 0,
  E1000_TXCT_THRESH_SHIFT = 4,
  E1000_TXCT_THRESH_MAX = 0xFFF,
};

// The 64-byte block written to E1000_TXPUSH: the doorbell (new TDT) and the
// descriptors of ring slots first..tdt-1, so the NIC skips their fetch. The
// ring holds the same descriptors: it stays the source of truth.
constexpr uint32_t E1000_PUSH_MAX_DESCS = 3;
constexpr uint32_t E1000_INLINE_MAX = 256;  // inline frame bytes at most
struct e1000_tx_push {
  uint16_t tdt;
  uint8_t count;
  uint8_t reserved0;
  uint16_t first;
  uint16_t inl_len;  // inline frame bytes written before this block (0: none)
  uint8_t reserved1[8];
  uint8_t desc[E1000_PUSH_MAX_DESCS][16];
};
static_assert(sizeof(e1000_tx_push) == 64, "push block is one 64-byte write-combined write");

enum : uint32_t {
  E1000_CTRL_RST = 1u << 26,
  E1000_CTRL_VME = 1u << 30,
  E1000_CTRL_GIO_MASTER_DISABLE = 1u << 2,
  E1000_STATUS_GIO_MASTER_ENABLE = 1u << 19,
  E1000_STATUS_FD = 1u << 0,
  E1000_STATUS_LU = 1u << 1,
  E1000_STATUS_SPEED_1000 = 1u << 7,  // the fastest the field can say (the link is 10 Gb/s)
  E1000_ICR_TXDW = 1u << 0,
  E1000_ICR_TXQE = 1u << 1,
  E1000_ICR_DMA_ERR = 1u << 5,  // wirepath: a frame was dropped for a DMA error
  E1000_TCTL_EN = 1u << 1,
  E1000_TCTL_PSP = 1u << 3,
  E1000_TCTL_CT_SHIFT = 4,
  E1000_TCTL_COLD_SHIFT = 12,
};

// Legacy TX descriptor CMD and STA bits.
enum : uint8_t {
  E1000_TXD_CMD_EOP = 1u << 0,
  E1000_TXD_CMD_IFCS = 1u << 1,
  E1000_TXD_CMD_IC = 1u << 2,
  E1000_TXD_CMD_RS = 1u << 3,
  E1000_TXD_CMD_DEXT = 1u << 5,
  E1000_TXD_CMD_VLE = 1u << 6,
  E1000_TXD_CMD_IDE = 1u << 7,
  E1000_TXD_CMD_TSE = 1u << 2,  // data descriptor DCMD
  E1000_TXD_STAT_DD = 1u << 0,
  // Context descriptor TUCMD (byte 11).
  E1000_TXD_CMD_TCP = 1u << 0,
  E1000_TXD_CMD_IP = 1u << 1,
  // Byte 10 bits 7:4: descriptor type of an extended descriptor.
  E1000_TXD_DTYP_C = 0x00,
  E1000_TXD_DTYP_D = 0x10,
  // Data descriptor POPTS (byte 13).
  E1000_TXD_POPTS_IXSM = 1u << 0,
  E1000_TXD_POPTS_TXSM = 1u << 1,
};

// Context descriptor (struct e1000_context_desc), 16 bytes.
struct e1000_context_desc {
  uint8_t ipcss, ipcso;
  uint16_t ipcse;
  uint8_t tucss, tucso;
  uint16_t tucse;
  uint8_t paylen[3];  // PAYLEN in bits 19:0 with DTYP in the top nibble of byte 10
  uint8_t tucmd;
  uint8_t status, hdr_len;
  uint16_t mss;
};
static_assert(sizeof(e1000_context_desc) == 16, "context descriptor is 16 bytes");

// Data descriptor (struct e1000_data_desc), 16 bytes.
struct e1000_data_desc {
  uint64_t buffer_addr;
  uint8_t dtalen[3];  // DTALEN bits 19:0, DTYP in the top nibble of byte 10
  uint8_t dcmd;
  uint8_t status, popts;
  uint16_t special;
};
static_assert(sizeof(e1000_data_desc) == 16, "data descriptor is 16 bytes");

// struct e1000_tx_desc (legacy), 16 bytes, little endian in host memory.
struct e1000_tx_desc {
  uint64_t buffer_addr;
  uint16_t length;
  uint8_t cso;
  uint8_t cmd;
  uint8_t status;
  uint8_t css;
  uint16_t special;
};
static_assert(sizeof(e1000_tx_desc) == 16, "legacy TX descriptor is 16 bytes");

// The NIC's ring-length rule: TDLEN is a multiple of 128 bytes (8 descriptors).
constexpr uint32_t E1000_TDLEN_ALIGN = 128;
constexpr uint32_t E1000_MAX_PER_TXD = 4096;  // e1000e: 1 << E1000_MAX_TXD_PWR (12)
constexpr uint32_t MAX_SKB_FRAGS = 17;
constexpr uint32_t DESC_NEEDED = MAX_SKB_FRAGS + 4;
constexpr uint32_t TX_WAKE_THRESHOLD = 32;

}  // namespace wirepath

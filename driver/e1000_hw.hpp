// Register offsets, bits and descriptor layout of the 8254x/e1000e TX path
// that the NIC RTL implements (rtl/nic_pkg.sv holds the same numbers).
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
};

enum : uint32_t {
  E1000_CTRL_RST = 1u << 26,
  E1000_CTRL_VME = 1u << 30,
  E1000_STATUS_FD = 1u << 0,
  E1000_STATUS_LU = 1u << 1,
  E1000_ICR_TXDW = 1u << 0,
  E1000_ICR_TXQE = 1u << 1,
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
  E1000_TXD_STAT_DD = 1u << 0,
};

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

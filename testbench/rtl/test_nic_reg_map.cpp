// The register map is written once in RTL (rtl/nic_abi_pkg.sv) and once in
// C++ (driver/e1000_hw.hpp): every value the package defines, read from a
// Verilated model built with it (nic_reg_map.sv), equals the driver's.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <memory>

#include "Vnic_reg_map.h"
#include "driver/e1000_hw.hpp"
#include "verilated.h"

namespace wirepath {
namespace {

class RegMap : public ::testing::Test {
 protected:
  RegMap() : ctx_(std::make_unique<VerilatedContext>()), rtl(std::make_unique<Vnic_reg_map>(ctx_.get())) {
    rtl->eval();
  }
  ~RegMap() override { rtl->final(); }
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vnic_reg_map> rtl;
};

TEST_F(RegMap, RegisterOffsetsMatchTheDriver) {
  EXPECT_EQ(rtl->ctrl_o, E1000_CTRL);
  EXPECT_EQ(rtl->status_o, E1000_STATUS);
  EXPECT_EQ(rtl->icr_o, E1000_ICR);
  EXPECT_EQ(rtl->ics_o, E1000_ICS);
  EXPECT_EQ(rtl->ims_o, E1000_IMS);
  EXPECT_EQ(rtl->imc_o, E1000_IMC);
  EXPECT_EQ(rtl->itr_o, E1000_ITR);
  EXPECT_EQ(rtl->tctl_o, E1000_TCTL);
  EXPECT_EQ(rtl->tipg_o, E1000_TIPG);
  EXPECT_EQ(rtl->tdbal_o, E1000_TDBAL);
  EXPECT_EQ(rtl->tdbah_o, E1000_TDBAH);
  EXPECT_EQ(rtl->tdlen_o, E1000_TDLEN);
  EXPECT_EQ(rtl->tdh_o, E1000_TDH);
  EXPECT_EQ(rtl->tdt_o, E1000_TDT);
  EXPECT_EQ(rtl->tidv_o, E1000_TIDV);
  EXPECT_EQ(rtl->tadv_o, E1000_TADV);
}

// RegMap.CutThroughMatchesTheDriver: TXCT (enable, threshold field), TDURC
// and the capability bit.
TEST_F(RegMap, CutThroughMatchesTheDriver) {
  EXPECT_EQ(rtl->txct_o, E1000_TXCT);
  EXPECT_EQ(rtl->tdurc_o, E1000_TDURC);
  EXPECT_EQ(rtl->txcap_ct_o, E1000_TXCAP_CT);
  EXPECT_EQ(rtl->txct_en_o, E1000_TXCT_EN);
  EXPECT_EQ(rtl->txct_thresh_shift_o, E1000_TXCT_THRESH_SHIFT);
}

// RegMap.PushWindowMatchesTheDriver: the descriptor push window, its
// counters, the capability bit and the block layout.
TEST_F(RegMap, PushWindowMatchesTheDriver) {
  EXPECT_EQ(rtl->tdpac_o, E1000_TDPAC);
  EXPECT_EQ(rtl->tdpfc_o, E1000_TDPFC);
  EXPECT_EQ(rtl->tdpbc_o, E1000_TDPBC);
  EXPECT_EQ(rtl->txcap_o, E1000_TXCAP);
  EXPECT_EQ(rtl->txcap_push_o, E1000_TXCAP_PUSH);
  EXPECT_EQ(rtl->txpush_o, E1000_TXPUSH);
  EXPECT_EQ(rtl->push_bytes_o, sizeof(e1000_tx_push));
  EXPECT_EQ(rtl->push_max_descs_o, E1000_PUSH_MAX_DESCS);
  EXPECT_EQ(rtl->tdilc_o, E1000_TDILC);
  EXPECT_EQ(rtl->txcap_inline_o, E1000_TXCAP_INLINE);
  EXPECT_EQ(rtl->txinlmax_o, E1000_TXINLMAX);
  EXPECT_EQ(rtl->txinline_o, E1000_TXINLINE);
  EXPECT_EQ(rtl->inline_max_bytes_o, E1000_INLINE_MAX);
  EXPECT_EQ(rtl->push_inl_len_byte_o, offsetof(e1000_tx_push, inl_len));
  // nic_top takes TDT from bytes 0-1, the count from byte 2, the first slot
  // from bytes 4-5 and descriptor k from byte 16 + 16k.
  EXPECT_EQ(offsetof(e1000_tx_push, tdt), 0u);
  EXPECT_EQ(offsetof(e1000_tx_push, count), 2u);
  EXPECT_EQ(offsetof(e1000_tx_push, first), 4u);
  EXPECT_EQ(offsetof(e1000_tx_push, desc), 16u);
}

TEST_F(RegMap, StatisticsCounterOffsetsMatchTheDriver) {
  EXPECT_EQ(rtl->gptc_o, E1000_GPTC);
  EXPECT_EQ(rtl->gotcl_o, E1000_GOTCL);
  EXPECT_EQ(rtl->gotch_o, E1000_GOTCH);
  EXPECT_EQ(rtl->totl_o, E1000_TOTL);
  EXPECT_EQ(rtl->toth_o, E1000_TOTH);
  EXPECT_EQ(rtl->tpt_o, E1000_TPT);
  // The RTL names PTC64 and places the six size bins 4 bytes apart.
  const uint32_t ptc[] = {E1000_PTC64, E1000_PTC127, E1000_PTC255, E1000_PTC511, E1000_PTC1023, E1000_PTC1522};
  for (uint32_t i = 0; i < 6; ++i) EXPECT_EQ(rtl->ptc64_o + 4 * i, ptc[i]) << "bin " << i;
  EXPECT_EQ(rtl->mptc_o, E1000_MPTC);
  EXPECT_EQ(rtl->bptc_o, E1000_BPTC);
  EXPECT_EQ(rtl->tsctc_o, E1000_TSCTC);
  EXPECT_EQ(rtl->tsctfc_o, E1000_TSCTFC);
}

TEST_F(RegMap, WirepathErrorCounterOffsetsMatchTheDriver) {
  EXPECT_EQ(rtl->tdzc_o, E1000_TDZC);
  EXPECT_EQ(rtl->tdoc_o, E1000_TDOC);
  EXPECT_EQ(rtl->tdec_o, E1000_TDEC);
  EXPECT_EQ(rtl->tdbc_o, E1000_TDBC);
  EXPECT_EQ(rtl->trjc_o, E1000_TRJC);
  EXPECT_EQ(rtl->twec_o, E1000_TWEC);
}

TEST_F(RegMap, RegisterFieldsMatchTheDriver) {
  EXPECT_EQ(rtl->ctrl_rst_o, E1000_CTRL_RST);
  EXPECT_EQ(rtl->ctrl_vme_o, E1000_CTRL_VME);
  EXPECT_EQ(rtl->ctrl_gio_dis_o, E1000_CTRL_GIO_MASTER_DISABLE);
  EXPECT_EQ(rtl->status_gio_en_o, E1000_STATUS_GIO_MASTER_ENABLE);
  EXPECT_EQ(rtl->status_value_o, E1000_STATUS_FD | E1000_STATUS_LU | E1000_STATUS_SPEED_1000);
  EXPECT_EQ(rtl->icr_txdw_o, E1000_ICR_TXDW);
  EXPECT_EQ(rtl->icr_txqe_o, E1000_ICR_TXQE);
  EXPECT_EQ(rtl->icr_dma_err_o, E1000_ICR_DMA_ERR);
  EXPECT_EQ(rtl->tctl_en_o, E1000_TCTL_EN);
  EXPECT_EQ(rtl->tctl_psp_o, E1000_TCTL_PSP);
}

TEST_F(RegMap, DescriptorFieldsMatchTheDriver) {
  EXPECT_EQ(rtl->cmd_eop_o, E1000_TXD_CMD_EOP);
  EXPECT_EQ(rtl->cmd_ifcs_o, E1000_TXD_CMD_IFCS);
  EXPECT_EQ(rtl->cmd_ic_o, E1000_TXD_CMD_IC);
  EXPECT_EQ(rtl->cmd_rs_o, E1000_TXD_CMD_RS);
  EXPECT_EQ(rtl->cmd_tse_o, E1000_TXD_CMD_TSE);
  EXPECT_EQ(rtl->cmd_dext_o, E1000_TXD_CMD_DEXT);
  EXPECT_EQ(rtl->cmd_vle_o, E1000_TXD_CMD_VLE);
  EXPECT_EQ(rtl->cmd_ide_o, E1000_TXD_CMD_IDE);
  EXPECT_EQ(rtl->tucmd_tcp_o, E1000_TXD_CMD_TCP);
  EXPECT_EQ(rtl->tucmd_ip_o, E1000_TXD_CMD_IP);
  EXPECT_EQ(rtl->tucmd_tse_o, E1000_TXD_CMD_TSE);  // TUCMD.TSE is the DCMD.TSE bit
  EXPECT_EQ(rtl->popts_ixsm_o, E1000_TXD_POPTS_IXSM);
  EXPECT_EQ(rtl->popts_txsm_o, E1000_TXD_POPTS_TXSM);
  EXPECT_EQ(rtl->sta_dd_o, E1000_TXD_STAT_DD);
  EXPECT_EQ(rtl->dtyp_ctx_o, E1000_TXD_DTYP_C);
  EXPECT_EQ(rtl->dtyp_data_o, E1000_TXD_DTYP_D);
}

// The driver never puts more descriptors in one packet than the NIC takes.
TEST_F(RegMap, DriverDescriptorsPerPacketFitTheNic) { EXPECT_LE(DESC_NEEDED, rtl->max_desc_per_pkt_o); }

// struct e1000_tx_desc in host memory decodes field by field as the RTL's
// tx_desc_t reads it.
TEST_F(RegMap, LegacyDescriptorLayoutMatchesTheDriver) {
  EXPECT_EQ(rtl->desc_bytes_o, sizeof(e1000_tx_desc));
  EXPECT_EQ(rtl->sta_byte_o, offsetof(e1000_tx_desc, status));
  e1000_tx_desc d{};
  d.buffer_addr = 0x0123'4567'89AB'CDEFull;
  d.length = 0x1122;
  d.cso = 0x33;
  d.cmd = 0x44;
  d.status = 0x55;
  d.css = 0x66;
  d.special = 0x7788;
  static_assert(sizeof(rtl->desc_i) == sizeof(d), "the port holds one descriptor");
  std::memcpy(&rtl->desc_i[0], &d, sizeof(d));
  rtl->eval();
  EXPECT_EQ(rtl->desc_addr_o, d.buffer_addr);
  EXPECT_EQ(rtl->desc_length_o, d.length);
  EXPECT_EQ(rtl->desc_cso_o, d.cso);
  EXPECT_EQ(rtl->desc_cmd_o, d.cmd);
  EXPECT_EQ(rtl->desc_sta_o, d.status);
  EXPECT_EQ(rtl->desc_css_o, d.css);
  EXPECT_EQ(rtl->desc_special_o, d.special);
}

}  // namespace
}  // namespace wirepath

// nic_reg_map: nic_abi_pkg's register map and descriptor layout on output
// ports, so test_nic_reg_map can read the values the RTL is built with from a
// Verilated model and compare them with driver/e1000_hw.hpp. Not part of the
// NIC. Offsets as byte addresses, fields as masks (1 << bit).
module nic_reg_map (
  // BAR0 register offsets
  output logic [31:0] ctrl_o, status_o, icr_o, ics_o, ims_o, imc_o, itr_o,
  output logic [31:0] tctl_o, tipg_o, tdbal_o, tdbah_o, tdlen_o, tdh_o, tdt_o, tidv_o, tadv_o,
  output logic [31:0] gptc_o, gotcl_o, gotch_o, totl_o, toth_o, tpt_o,
  output logic [31:0] ptc64_o, mptc_o, bptc_o, tsctc_o, tsctfc_o,
  output logic [31:0] tdzc_o, tdoc_o, tdec_o, tdbc_o, trjc_o, twec_o,
  output logic [31:0] tdpac_o, tdpfc_o, tdpbc_o, txcap_o, txcap_push_o, txpush_o, push_bytes_o, push_max_descs_o,
  output logic [31:0] tdilc_o, txcap_inline_o, txinlmax_o, txinline_o, inline_max_bytes_o, push_inl_len_byte_o,
  output logic [31:0] txct_o, tdurc_o, txcap_ct_o, txct_en_o, txct_thresh_shift_o,
  // Register fields
  output logic [31:0] ctrl_rst_o, ctrl_vme_o, ctrl_gio_dis_o, status_gio_en_o, status_value_o,
  output logic [31:0] icr_txdw_o, icr_txqe_o, icr_dma_err_o, tctl_en_o, tctl_psp_o,
  // Descriptor CMD/DCMD, TUCMD, POPTS and STA fields, DTYP (byte 10 bits 7:4)
  output logic [7:0]  cmd_eop_o, cmd_ifcs_o, cmd_ic_o, cmd_rs_o, cmd_tse_o, cmd_dext_o, cmd_vle_o,
  output logic [7:0]  cmd_ide_o, tucmd_tcp_o, tucmd_ip_o, tucmd_tse_o, popts_ixsm_o, popts_txsm_o,
  output logic [7:0]  sta_dd_o, dtyp_ctx_o, dtyp_data_o,
  output logic [31:0] desc_bytes_o, sta_byte_o, max_desc_per_pkt_o,
  // A legacy descriptor's 16 bytes (byte i in bits 8i+7:8i) and its fields
  // as tx_desc_t reads them.
  input  logic [127:0] desc_i,
  output logic [63:0]  desc_addr_o,
  output logic [15:0]  desc_length_o, desc_special_o,
  output logic [7:0]   desc_cso_o, desc_cmd_o, desc_sta_o, desc_css_o
);
  import nic_abi_pkg::*;

  assign ctrl_o   = 32'(RegCtrl);
  assign tdpac_o  = 32'(RegTdpac);
  assign tdpfc_o  = 32'(RegTdpfc);
  assign tdpbc_o  = 32'(RegTdpbc);
  assign txcap_o  = 32'(RegTxcap);
  assign txcap_push_o = 32'h1 << TxcapPushBit;
  assign txct_o   = 32'(RegTxct);
  assign tdurc_o  = 32'(RegTdurc);
  assign txcap_ct_o = 32'h1 << TxcapCutThroughBit;
  assign txct_en_o  = 32'h1 << TxctEnBit;
  assign txct_thresh_shift_o = 32'(TxctThreshLsb);
  assign txpush_o = 32'(RegTxPush);
  assign push_bytes_o = 32'(PushBytes);
  assign push_max_descs_o = 32'(PushMaxDescs);
  assign tdilc_o = 32'(RegTdilc);
  assign txcap_inline_o = 32'h1 << TxcapInlineBit;
  assign txinlmax_o = 32'(RegTxInlMax);
  assign txinline_o = 32'(RegTxInline);
  assign inline_max_bytes_o = 32'(InlineMaxBytes);
  assign push_inl_len_byte_o = 32'(PushInlLenByte);
  assign status_o = 32'(RegStatus);
  assign icr_o    = 32'(RegIcr);
  assign ics_o    = 32'(RegIcs);
  assign ims_o    = 32'(RegIms);
  assign imc_o    = 32'(RegImc);
  assign itr_o    = 32'(RegItr);
  assign tctl_o   = 32'(RegTctl);
  assign tipg_o   = 32'(RegTipg);
  assign tdbal_o  = 32'(RegTdbal);
  assign tdbah_o  = 32'(RegTdbah);
  assign tdlen_o  = 32'(RegTdlen);
  assign tdh_o    = 32'(RegTdh);
  assign tdt_o    = 32'(RegTdt);
  assign tidv_o   = 32'(RegTidv);
  assign tadv_o   = 32'(RegTadv);
  assign gptc_o   = 32'(RegGptc);
  assign gotcl_o  = 32'(RegGotcl);
  assign gotch_o  = 32'(RegGotch);
  assign totl_o   = 32'(RegTotl);
  assign toth_o   = 32'(RegToth);
  assign tpt_o    = 32'(RegTpt);
  assign ptc64_o  = 32'(RegPtc64);
  assign mptc_o   = 32'(RegMptc);
  assign bptc_o   = 32'(RegBptc);
  assign tsctc_o  = 32'(RegTsctc);
  assign tsctfc_o = 32'(RegTsctfc);
  assign tdzc_o   = 32'(RegTdzc);
  assign tdoc_o   = 32'(RegTdoc);
  assign tdec_o   = 32'(RegTdec);
  assign tdbc_o   = 32'(RegTdbc);
  assign trjc_o   = 32'(RegTrjc);
  assign twec_o   = 32'(RegTwec);

  assign ctrl_rst_o      = 32'(1) << CtrlRstBit;
  assign ctrl_vme_o      = 32'(1) << CtrlVmeBit;
  assign ctrl_gio_dis_o  = 32'(1) << CtrlGioDisBit;
  assign status_gio_en_o = 32'(1) << StatusGioEnBit;
  assign status_value_o  = StatusValue;
  assign icr_txdw_o      = 32'(1) << IcrTxdwBit;
  assign icr_txqe_o      = 32'(1) << IcrTxqeBit;
  assign icr_dma_err_o   = 32'(1) << IcrDmaErrBit;
  assign tctl_en_o       = 32'(1) << TctlEnBit;
  assign tctl_psp_o      = 32'(1) << TctlPspBit;

  assign cmd_eop_o    = 8'(1) << CmdEopBit;
  assign cmd_ifcs_o   = 8'(1) << CmdIfcsBit;
  assign cmd_ic_o     = 8'(1) << CmdIcBit;
  assign cmd_rs_o     = 8'(1) << CmdRsBit;
  assign cmd_tse_o    = 8'(1) << CmdTseBit;
  assign cmd_dext_o   = 8'(1) << CmdDextBit;
  assign cmd_vle_o    = 8'(1) << CmdVleBit;
  assign cmd_ide_o    = 8'(1) << CmdIdeBit;
  assign tucmd_tcp_o  = 8'(1) << TucmdTcpBit;
  assign tucmd_ip_o   = 8'(1) << TucmdIpBit;
  assign tucmd_tse_o  = 8'(1) << TucmdTseBit;
  assign popts_ixsm_o = 8'(1) << PoptsIxsmBit;
  assign popts_txsm_o = 8'(1) << PoptsTxsmBit;
  assign sta_dd_o     = StaDd;
  assign dtyp_ctx_o   = {DtypCtx, 4'h0};
  assign dtyp_data_o  = {DtypData, 4'h0};
  assign desc_bytes_o = 32'(DescBytes);
  assign sta_byte_o   = 32'(StaByte);
  assign max_desc_per_pkt_o = 32'(MaxDescPerPkt);

  tx_desc_t desc;
  assign desc           = tx_desc_t'(desc_i);
  assign desc_addr_o    = desc.addr;
  assign desc_length_o  = desc.length;
  assign desc_cso_o     = desc.cso;
  assign desc_cmd_o     = desc.cmd;
  assign desc_sta_o     = desc.sta;
  assign desc_css_o     = desc.css;
  assign desc_special_o = desc.special;
endmodule

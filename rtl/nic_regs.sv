// nic_regs: BAR0 register file behind an AXI4-Lite slave (8254x offsets).
// The AXI handshake state is reset only by the port reset so the B response of
// a CTRL.RST write still completes; register contents reset on core_rst_ni.
module nic_regs (
  input  logic        clk_i,
  input  logic        rst_ni,       // port reset: AXI-Lite handshake state
  input  logic        core_rst_ni,  // port reset or CTRL.RST: register contents
  // AXI4-Lite slave
  input  logic [16:0] s_axil_awaddr_i,
  input  logic        s_axil_awvalid_i,
  output logic        s_axil_awready_o,
  input  logic [31:0] s_axil_wdata_i,
  input  logic [3:0]  s_axil_wstrb_i,
  input  logic        s_axil_wvalid_i,
  output logic        s_axil_wready_o,
  output logic [1:0]  s_axil_bresp_o,
  output logic        s_axil_bvalid_o,
  input  logic        s_axil_bready_i,
  input  logic [16:0] s_axil_araddr_i,
  input  logic        s_axil_arvalid_i,
  output logic        s_axil_arready_o,
  output logic [31:0] s_axil_rdata_o,
  output logic [1:0]  s_axil_rresp_o,
  output logic        s_axil_rvalid_o,
  input  logic        s_axil_rready_i,
  // Control outputs
  output logic        soft_rst_o,     // one-cycle pulse after a CTRL.RST write
  output logic        vme_o,          // CTRL.VME: VLAN tag insertion enabled
  output logic        gio_dis_o,      // CTRL.GIO_MASTER_DISABLE: start no new packet
  output logic        tx_en_o,
  output logic        tx_psp_o,
  output logic [9:0]  ipgt_o,
  output logic [63:0] tdba_o,
  output logic [15:0] ring_size_o,    // descriptors: TDLEN / 16
  output logic [15:0] tdt_o,
  output logic        tdh_wr_o,       // software TDH write (only while TCTL.EN = 0)
  output logic [15:0] tdh_wdata_o,
  // Status inputs
  input  logic [15:0] tdh_i,
  input  logic        txdw_set_i,
  input  logic        txdw_ide_i,     // the descriptor asked for a delayed interrupt
  input  logic        txqe_set_i,
  input  logic        frame_sent_i,
  input  logic [16:0] frame_octets_i,
  input  logic        frame_bcast_i,
  input  logic        frame_mcast_i,
  input  logic        master_idle_i,  // no packet in progress, no AXI request outstanding
  input  logic        tso_ctx_i,
  input  logic        tso_fail_i,
  input  logic        zero_len_i,
  input  logic        oversize_i,
  input  logic        dma_err_i,
  input  logic        bad_desc_i,
  input  logic        wr_err_i,       // a DD write-back got an error response
  // Descriptor push window (registered in nic_top): its header's TDT is a
  // doorbell like a TDT write; the outcome of each push is counted.
  input  logic        push_tdt_wr_i,
  input  logic [15:0] push_tdt_i,
  input  logic        push_ok_i,      // TDPAC
  input  logic        push_fb_i,      // TDPFC
  input  logic        push_bad_i,     // TDPBC
  input  logic        inl_taken_i,    // TDILC
  // Cut-through: TXCT and the underrun counter TDURC.
  output logic        ct_en_o,
  output logic [11:0] ct_thresh_o,
  input  logic        underrun_i,
  output logic        irq_o,
  output logic        idle_o          // no response owed, no timer running, irq settled
);
  import nic_abi_pkg::*;

  // ---------------------------------------------------------------------------
  // AXI-Lite handshakes: a write needs AW and W together; one of each in flight.
  // ---------------------------------------------------------------------------
  logic        bvalid_q, rvalid_q;
  logic [31:0] rdata_q;
  logic        soft_rst_q;
  logic        wr_fire, rd_fire;
  logic [16:0] waddr, raddr;
  logic [31:0] wmask, wval;

  assign s_axil_awready_o = s_axil_awvalid_i && s_axil_wvalid_i && !bvalid_q;
  assign s_axil_wready_o  = s_axil_awready_o;
  assign s_axil_arready_o = !rvalid_q;
  assign wr_fire = s_axil_awready_o;
  assign rd_fire = s_axil_arvalid_i && s_axil_arready_o;
  assign waddr   = {s_axil_awaddr_i[16:2], 2'b00};
  assign raddr   = {s_axil_araddr_i[16:2], 2'b00};
  assign wmask   = {{8{s_axil_wstrb_i[3]}}, {8{s_axil_wstrb_i[2]}},
                    {8{s_axil_wstrb_i[1]}}, {8{s_axil_wstrb_i[0]}}};
  assign wval    = s_axil_wdata_i & wmask;

  assign s_axil_bvalid_o = bvalid_q;
  assign s_axil_bresp_o  = 2'b00;
  assign s_axil_rvalid_o = rvalid_q;
  assign s_axil_rdata_o  = rdata_q;
  assign s_axil_rresp_o  = 2'b00;
  assign soft_rst_o      = soft_rst_q;

  // Speed: everything that decodes s_axil_* (register writes, clear-on-read,
  // the read mux) lives in the clocked blocks below, behind wr_fire/rd_fire.
  // In an always_comb it would read top-level inputs and Verilator would
  // evaluate it in its input region on every eval(), access or not; only the
  // handshake outputs and the TDH write (the write-back needs it in the same
  // cycle) stay combinational on the inputs.

  // ---------------------------------------------------------------------------
  // Register state
  // ---------------------------------------------------------------------------
  logic [31:0] ctrl_q, icr_q, ims_q, tctl_q;
  logic [31:0] tipg_q, tdbal_q, tdbah_q, tdlen_q;
  logic [15:0] tdt_q;
  logic [31:0] gptc_q, tpt_q;
  logic [63:0] gotc_q, tot_q;
  logic [31:0] itr_q, tidv_q, tadv_q;
  logic [31:0] txct_q;  // cut-through: bit 0 enable, bits 15:4 threshold (bytes)
  assign ct_en_o     = txct_q[TxctEnBit];
  assign ct_thresh_o = txct_q[TxctThreshLsb +: 12];
  // Counters cleared on read: PTC64..PTC1522, MPTC, BPTC, TSCTC, TSCTFC,
  // TDZC, TDOC, TDEC, TDBC, TRJC, TWEC, TDPAC, TDPFC, TDPBC, TDILC, TDURC.
  localparam int unsigned NumCnt = 21;
  localparam int unsigned CntMptc = 6, CntBptc = 7, CntTsctc = 8, CntTsctfc = 9;
  localparam int unsigned CntTdzc = 10, CntTdoc = 11, CntTdec = 12, CntTdbc = 13, CntTrjc = 14;
  localparam int unsigned CntTwec = 15, CntTdpac = 16, CntTdpfc = 17, CntTdpbc = 18, CntTdilc = 19;
  localparam int unsigned CntTdurc = 20;
  logic [31:0] cnt_q [NumCnt];
  logic [NumCnt-1:0] cnt_inc;   // status events only; TRJC's and TWEC's are added in p_csr_regs
  // Interrupt moderation: delay timers (cycles) and the ITR throttle.
  logic [23:0] tidv_cnt_q, tadv_cnt_q;
  logic        dly_q;
  logic [21:0] itr_cnt_q;
  logic        irq_q;

  function automatic logic [31:0] merge(logic [31:0] old, logic [31:0] val, logic [31:0] mask);
    return (old & ~mask) | (val & mask);
  endfunction

  function automatic logic [16:0] cnt_addr(int unsigned i);
    unique case (i)
      CntMptc:   return RegMptc;
      CntBptc:   return RegBptc;
      CntTsctc:  return RegTsctc;
      CntTsctfc: return RegTsctfc;
      CntTdzc:   return RegTdzc;
      CntTdoc:   return RegTdoc;
      CntTdec:   return RegTdec;
      CntTdbc:   return RegTdbc;
      CntTrjc:   return RegTrjc;
      CntTwec:   return RegTwec;
      CntTdpac:  return RegTdpac;
      CntTdpfc:  return RegTdpfc;
      CntTdpbc:  return RegTdpbc;
      CntTdilc:  return RegTdilc;
      CntTdurc:  return RegTdurc;
      default:   return RegPtc64 + 17'(4 * i);  // PTC64..PTC1522
    endcase
  endfunction

  always_comb begin : p_cnt_inc
    // Packets by size class (octets DA..FCS), as PTC64..PTC1522.
    cnt_inc = '0;
    cnt_inc[0] = frame_sent_i && frame_octets_i <= 17'd64;
    cnt_inc[1] = frame_sent_i && frame_octets_i >= 17'd65 && frame_octets_i <= 17'd127;
    cnt_inc[2] = frame_sent_i && frame_octets_i >= 17'd128 && frame_octets_i <= 17'd255;
    cnt_inc[3] = frame_sent_i && frame_octets_i >= 17'd256 && frame_octets_i <= 17'd511;
    cnt_inc[4] = frame_sent_i && frame_octets_i >= 17'd512 && frame_octets_i <= 17'd1023;
    cnt_inc[5] = frame_sent_i && frame_octets_i >= 17'd1024 && frame_octets_i <= 17'd1522;
    cnt_inc[CntMptc]   = frame_sent_i && frame_mcast_i;
    cnt_inc[CntBptc]   = frame_sent_i && frame_bcast_i;
    cnt_inc[CntTsctc]  = tso_ctx_i;
    cnt_inc[CntTsctfc] = tso_fail_i;
    cnt_inc[CntTdzc]   = zero_len_i;
    cnt_inc[CntTdoc]   = oversize_i;
    cnt_inc[CntTdec]   = dma_err_i;
    cnt_inc[CntTdbc]   = bad_desc_i;
    // TWEC's event (wr_err_i) reads the AXI B channel: added in p_csr_regs,
    // so this block stays out of Verilator's input region.
    cnt_inc[CntTdpac]  = push_ok_i;
    cnt_inc[CntTdpfc]  = push_fb_i;
    cnt_inc[CntTdpbc]  = push_bad_i;
    cnt_inc[CntTdilc]  = inl_taken_i;
    cnt_inc[CntTdurc]  = underrun_i;
  end

  // Kept out of the clocked decode: it feeds the write-back, which feeds ICR back.
  assign tdh_wr_o    = wr_fire && (waddr == RegTdh) && !tctl_q[TctlEnBit] &&
                       s_axil_wdata_i[15:0] < ring_size_o;
  assign tdh_wdata_o = s_axil_wdata_i[15:0];

  function automatic logic [31:0] read_value(logic [16:0] a);
    logic [31:0] val;
    unique case (a)
      RegCtrl:   val = ctrl_q;
      RegStatus: val = StatusValue | (32'(!(ctrl_q[CtrlGioDisBit] && master_idle_i)) << StatusGioEnBit);
      RegItr:    val = itr_q;
      RegTidv:   val = tidv_q;
      RegTadv:   val = tadv_q;
      RegIcr:    val = icr_q;
      RegIms:    val = ims_q;
      RegTctl:   val = tctl_q;
      RegTipg:   val = tipg_q;
      RegTdbal:  val = tdbal_q;
      RegTdbah:  val = tdbah_q;
      RegTdlen:  val = tdlen_q;
      RegTdh:    val = {16'h0, tdh_i};
      RegTdt:    val = {16'h0, tdt_q};
      RegGptc:   val = gptc_q;
      RegGotcl:  val = gotc_q[31:0];
      RegGotch:  val = gotc_q[63:32];
      RegTotl:   val = tot_q[31:0];
      RegToth:   val = tot_q[63:32];
      RegTpt:    val = tpt_q;
      RegTxcap:  val = (32'h1 << TxcapPushBit) | (32'h1 << TxcapInlineBit) | (32'h1 << TxcapCutThroughBit);
      RegTxInlMax: val = 32'(InlineMaxBytes);
      RegTxct:   val = txct_q;
      default: begin
        val = '0;
        for (int i = 0; i < NumCnt; i++) if (a == cnt_addr(i)) val = cnt_q[i];
      end
    endcase
    return val;
  endfunction

  always_ff @(posedge clk_i or negedge rst_ni) begin : p_axil_regs
    if (!rst_ni) begin
      bvalid_q   <= 1'b0;
      rvalid_q   <= 1'b0;
      rdata_q    <= '0;
      soft_rst_q <= 1'b0;
    end else begin
      bvalid_q   <= wr_fire || (bvalid_q && !s_axil_bready_i);
      rvalid_q   <= rd_fire || (rvalid_q && !s_axil_rready_i);
      if (rd_fire) rdata_q <= read_value(raddr);
      soft_rst_q <= wr_fire && waddr == RegCtrl && wval[CtrlRstBit];
    end
  end

  always_ff @(posedge clk_i or negedge core_rst_ni) begin : p_csr_regs
    logic [15:0] tdt_new;
    logic [31:0] tdlen_new;
    logic        rd_icr, rd_gptc, rd_gotch, rd_tpt, rd_toth, txdw_now, reject;
    logic [31:0] icr_n, ims_n;
    logic        irq_n;
    if (!core_rst_ni) begin
      ctrl_q  <= '0;
      icr_q   <= '0;
      ims_q   <= '0;
      tctl_q  <= '0;
      tipg_q  <= TipgReset;
      tdbal_q <= '0;
      tdbah_q <= '0;
      tdlen_q <= '0;
      tdt_q   <= '0;
      gptc_q  <= '0;
      gotc_q  <= '0;
      tpt_q   <= '0;
      tot_q   <= '0;
      itr_q   <= '0;
      tidv_q  <= '0;
      tadv_q  <= '0;
      txct_q  <= '0;
      for (int i = 0; i < NumCnt; i++) cnt_q[i] <= '0;
      tidv_cnt_q <= '0;
      tadv_cnt_q <= '0;
      dly_q   <= 1'b0;
      itr_cnt_q <= '0;
      irq_q   <= 1'b0;
    end else begin
      reject = 1'b0;
      icr_n  = icr_q;
      ims_n  = ims_q;
      if (wr_fire) begin
        tdt_new   = (tdt_q & ~wmask[15:0]) | (s_axil_wdata_i[15:0] & wmask[15:0]);
        tdlen_new = merge(tdlen_q, s_axil_wdata_i, wmask);
        unique case (waddr)
          RegCtrl:
            // RST self-clears: never stored, it reads back 0.
            ctrl_q <= merge(ctrl_q, s_axil_wdata_i, wmask) & ~(32'h1 << CtrlRstBit);
          RegIcr:   icr_n = icr_q & ~wval;
          RegIcs:   icr_n = icr_q | wval;
          RegIms:   ims_n = ims_q | wval;
          RegImc:   ims_n = ims_q & ~wval;
          RegTctl:  tctl_q <= merge(tctl_q, s_axil_wdata_i, wmask);
          RegTipg:  tipg_q <= merge(tipg_q, s_axil_wdata_i, wmask);
          RegTdbal: tdbal_q <= merge(tdbal_q, s_axil_wdata_i, wmask) & 32'hFFFF_FFF0;
          RegTdbah: tdbah_q <= merge(tdbah_q, s_axil_wdata_i, wmask);
          // A ring that is not a whole number of 128-byte blocks (or over 1 MiB)
          // is refused and counted (TRJC), as is a tail outside the ring.
          RegTdlen: begin
            if (tdlen_new[6:0] == '0 && tdlen_new[31:20] == '0) tdlen_q <= tdlen_new;
            else reject = 1'b1;
          end
          RegTdt: begin
            if (tdt_new < ring_size_o) tdt_q <= tdt_new;
            else reject = 1'b1;
          end
          // TDH is software's only while TCTL.EN is clear, and inside the ring.
          RegTdh:   reject = tctl_q[TctlEnBit] || s_axil_wdata_i[15:0] >= ring_size_o;
          RegItr:   itr_q <= merge(itr_q, s_axil_wdata_i, wmask) & 32'h0000_FFFF;
          RegTidv:  tidv_q <= merge(tidv_q, s_axil_wdata_i, wmask) & 32'h0000_FFFF;
          RegTadv:  tadv_q <= merge(tadv_q, s_axil_wdata_i, wmask) & 32'h0000_FFFF;
          RegTxct:  txct_q <= merge(txct_q, s_axil_wdata_i, wmask) & 32'h0000_FFF1;
          default: ;
        endcase
      end

      // A push's header moves TDT like a TDT write (the AXI-Lite master
      // serves the two in order, never in the same cycle).
      if (push_tdt_wr_i) begin
        if (push_tdt_i < ring_size_o) tdt_q <= push_tdt_i;
        else reject = 1'b1;
      end

      // Clear-on-read side effects happen when the read is accepted.
      rd_icr   = rd_fire && (raddr == RegIcr);
      rd_gptc  = rd_fire && (raddr == RegGptc);
      rd_gotch = rd_fire && (raddr == RegGotch);
      rd_tpt   = rd_fire && (raddr == RegTpt);
      rd_toth  = rd_fire && (raddr == RegToth);
      if (rd_icr) icr_n = '0;

      // Speed: most cycles have no event and no read; skip the 21 updates then.
      if (rd_fire || reject || wr_err_i || cnt_inc != '0) begin
        for (int i = 0; i < NumCnt; i++) begin
          cnt_q[i] <= ((rd_fire && raddr == cnt_addr(i)) ? 32'h0 : cnt_q[i]) +
                      32'(cnt_inc[i] || (i == CntTrjc && reject) || (i == CntTwec && wr_err_i));
        end
      end

      // TXDW moderation: a descriptor with IDE delays the cause by TIDV
      // (restarted by each such descriptor) but at most TADV after the first
      // (units 1.024 us; 0 = no limit); without IDE, or TIDV = 0, it is
      // immediate and also releases a delayed one.
      txdw_now = 1'b0;
      tidv_cnt_q <= (tidv_cnt_q != '0) ? tidv_cnt_q - 24'd1 : '0;
      tadv_cnt_q <= (tadv_cnt_q != '0) ? tadv_cnt_q - 24'd1 : '0;
      if (dly_q && (tidv_cnt_q == 24'd1 || tadv_cnt_q == 24'd1)) txdw_now = 1'b1;
      if (txdw_set_i) begin
        if (txdw_ide_i && tidv_q[15:0] != '0) begin
          dly_q      <= 1'b1;
          tidv_cnt_q <= 24'(tidv_q[15:0]) * 24'(TickCycles1024ns);
          if (!dly_q) tadv_cnt_q <= 24'(tadv_q[15:0]) * 24'(TickCycles1024ns);
        end else begin
          txdw_now = 1'b1;
        end
      end
      if (txdw_now) begin
        dly_q      <= 1'b0;
        tidv_cnt_q <= '0;
        tadv_cnt_q <= '0;
      end
      // Hardware causes set in the same cycle as a clear are kept.
      icr_n[IcrTxdwBit]   = icr_n[IcrTxdwBit] | txdw_now;
      icr_n[IcrTxqeBit]   = icr_n[IcrTxqeBit] | txqe_set_i;
      icr_n[IcrDmaErrBit] = icr_n[IcrDmaErrBit] | dma_err_i | wr_err_i;
      icr_q <= icr_n;
      ims_q <= ims_n;

      // ITR: at least ITR x 256 ns between two rising edges of the interrupt.
      irq_n = |(icr_n & ims_n) && itr_cnt_q == '0;
      irq_q <= irq_n;
      itr_cnt_q <= (itr_cnt_q != '0) ? itr_cnt_q - 22'd1 : '0;
      if (irq_n && !irq_q && itr_q[15:0] != '0) begin
        itr_cnt_q <= 22'(itr_q[15:0]) * 22'(TickCycles256ns) - 22'd1;
      end

      if (frame_sent_i || rd_fire) begin
        gptc_q <= (rd_gptc  ? '0 : gptc_q) + 32'(frame_sent_i);
        tpt_q  <= (rd_tpt   ? '0 : tpt_q)  + 32'(frame_sent_i);
        gotc_q <= (rd_gotch ? '0 : gotc_q) + (frame_sent_i ? 64'(frame_octets_i) : 64'h0);
        tot_q  <= (rd_toth  ? '0 : tot_q)  + (frame_sent_i ? 64'(frame_octets_i) : 64'h0);
      end
    end
  end

  // Idle: no AXI-Lite response owed, no reset pulse, the moderation timers
  // (TIDV, TADV, ITR) stopped and the interrupt line at its next value.
  // With no request and no status event the next edge changes nothing.
  assign idle_o = !bvalid_q && !rvalid_q && !soft_rst_q && !dly_q && tidv_cnt_q == '0 &&
                  tadv_cnt_q == '0 && itr_cnt_q == '0 && irq_q == |(icr_q & ims_q);

  assign vme_o       = ctrl_q[CtrlVmeBit];
  assign tx_en_o     = tctl_q[TctlEnBit];
  assign tx_psp_o    = tctl_q[TctlPspBit];
  assign ipgt_o      = tipg_q[9:0];
  assign tdba_o      = {tdbah_q, tdbal_q};
  assign ring_size_o = tdlen_q[19:4];
  assign tdt_o       = tdt_q;
  assign irq_o       = irq_q;
  assign gio_dis_o   = ctrl_q[CtrlGioDisBit];

  // Registers are word aligned: the low address bits select nothing.
  logic unused_addr;
  assign unused_addr = ^{s_axil_awaddr_i[1:0], s_axil_araddr_i[1:0]};

  BValidStable: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                 s_axil_bvalid_o && !s_axil_bready_i |=> s_axil_bvalid_o);
  // The master never presents a push and an AXI-Lite write together.
  PushNotWithWrite: assert property (@(posedge clk_i) disable iff (!rst_ni) !(push_tdt_wr_i && wr_fire));
  RValidStable: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                 s_axil_rvalid_o && !s_axil_rready_i |=> s_axil_rvalid_o && $stable(s_axil_rdata_o));

endmodule

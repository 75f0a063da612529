// nic_top: NIC TX path. BAR0 registers, descriptor prefetch, data DMA with
// realignment into a store-and-forward TX FIFO, 64-bit XGMII MAC, and
// descriptor write-back; one shared AXI4 master for all host memory access.
module nic_top #(
  parameter int unsigned AxiDataWidth = 128,   // DMA data width, power of two 128..512
  parameter int unsigned AxiIdWidth   = 4,
  parameter int unsigned TxFifoBytes  = 16384  // store-and-forward packet buffer
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  // AXI4-Lite slave: BAR0 registers
  input  logic [16:0]               s_axil_awaddr_i,
  input  logic                      s_axil_awvalid_i,
  output logic                      s_axil_awready_o,
  input  logic [31:0]               s_axil_wdata_i,
  input  logic [3:0]                s_axil_wstrb_i,
  input  logic                      s_axil_wvalid_i,
  output logic                      s_axil_wready_o,
  output logic [1:0]                s_axil_bresp_o,
  output logic                      s_axil_bvalid_o,
  input  logic                      s_axil_bready_i,
  input  logic [16:0]               s_axil_araddr_i,
  input  logic                      s_axil_arvalid_i,
  output logic                      s_axil_arready_o,
  output logic [31:0]               s_axil_rdata_o,
  output logic [1:0]                s_axil_rresp_o,
  output logic                      s_axil_rvalid_o,
  input  logic                      s_axil_rready_i,
  // Wide BAR0 writes (a write-combined MMIO write is one MWr TLP of up to
  // 64 bytes): one beat per write, always accepted. Only the descriptor push
  // window (RegTxPush, 64 bytes) takes them; anything else is counted (TDPBC).
  input  logic                      s_push_valid_i,
  input  logic [16:0]               s_push_addr_i,
  input  logic [6:0]                s_push_len_i,    // bytes, 1..64
  input  logic [511:0]              s_push_data_i,   // byte i in bits 8i+7:8i
  // AXI4 master for DMA
  output logic [AxiIdWidth-1:0]     m_axi_arid_o,
  output logic [63:0]               m_axi_araddr_o,
  output logic [7:0]                m_axi_arlen_o,
  output logic [2:0]                m_axi_arsize_o,
  output logic [1:0]                m_axi_arburst_o,
  output logic                      m_axi_arvalid_o,
  input  logic                      m_axi_arready_i,
  input  logic [AxiIdWidth-1:0]     m_axi_rid_i,
  input  logic [AxiDataWidth-1:0]   m_axi_rdata_i,
  input  logic [1:0]                m_axi_rresp_i,
  input  logic                      m_axi_rlast_i,
  input  logic                      m_axi_rvalid_i,
  output logic                      m_axi_rready_o,
  output logic [AxiIdWidth-1:0]     m_axi_awid_o,
  output logic [63:0]               m_axi_awaddr_o,
  output logic [7:0]                m_axi_awlen_o,
  output logic [2:0]                m_axi_awsize_o,
  output logic [1:0]                m_axi_awburst_o,
  output logic                      m_axi_awvalid_o,
  input  logic                      m_axi_awready_i,
  output logic [AxiDataWidth-1:0]   m_axi_wdata_o,
  output logic [AxiDataWidth/8-1:0] m_axi_wstrb_o,
  output logic                      m_axi_wlast_o,
  output logic                      m_axi_wvalid_o,
  input  logic                      m_axi_wready_i,
  input  logic [AxiIdWidth-1:0]     m_axi_bid_i,
  input  logic [1:0]                m_axi_bresp_i,
  input  logic                      m_axi_bvalid_i,
  output logic                      m_axi_bready_o,
  // Interrupt, level: |(ICR & IMS)
  output logic                      irq_o,
  // 1: with idle inputs (no AXI-Lite request, no R/B, readies high) the next
  // edge changes no state and no output. A function of flops only.
  output logic                      idle_o,
  // XGMII TX, lane 0 = bits 7:0 = first byte
  output logic [63:0]               xgmii_txd_o,
  output logic [7:0]                xgmii_txc_o
);
  import nic_abi_pkg::*;
  import nic_abi_types_pkg::*;

  localparam int unsigned TxFifoWords = TxFifoBytes / 8;
  localparam int unsigned MetaDepth   = 64;

  if (AxiDataWidth < 128 || AxiDataWidth > 512 || (AxiDataWidth & (AxiDataWidth - 1)) != 0)
  begin : gen_bad_width
    $error("nic_top: AxiDataWidth must be a power of two in 128..512");
  end
  if (TxFifoBytes < 2048 || (TxFifoBytes & (TxFifoBytes - 1)) != 0) begin : gen_bad_fifo
    $error("nic_top: TxFifoBytes must be a power of two >= 2048 (one full frame)");
  end
  if (AxiIdWidth < 1) begin : gen_bad_id
    $error("nic_top: AxiIdWidth must be at least 1");
  end

  // CTRL.RST: a registered reset pulse for everything but the AXI-Lite
  // handshake (so the write's B response still completes) and the bus guard
  // below. The pulse waits until the write channel is not half way through a
  // write (AW accepted but not W, or the reverse).
  logic soft_rst, core_rst_nq, rst_req_q, rst_req_d, rst_fire;
  logic wb_awvalid, wb_wvalid;
  assign rst_fire  = (rst_req_q || soft_rst) && (wb_awvalid == wb_wvalid);
  assign rst_req_d = (rst_req_q || soft_rst) && !rst_fire;
  always_ff @(posedge clk_i or negedge rst_ni) begin : p_core_rst
    if (!rst_ni) begin
      core_rst_nq <= 1'b0;
      rst_req_q   <= 1'b0;
    end else begin
      core_rst_nq <= !rst_fire;
      rst_req_q   <= rst_req_d;
    end
  end

  // Bus guard: counts AXI reads and writes in flight. After a core reset it
  // drains: R beats and B responses of requests issued before the reset are
  // accepted and dropped, and no new request goes out until none is left.
  logic       drain_q, drain_d;
  logic [8:0] rd_out_q, rd_out_d, wr_out_q, wr_out_d;
  logic       mux_arvalid, mux_rready, wb_bready;
  always_comb begin : p_guard
    rd_out_d = rd_out_q + 9'(m_axi_arvalid_o && m_axi_arready_i)
                        - 9'(m_axi_rvalid_i && m_axi_rready_o && m_axi_rlast_i);
    wr_out_d = wr_out_q + 9'(m_axi_awvalid_o && m_axi_awready_i)
                        - 9'(m_axi_bvalid_i && m_axi_bready_o);
    drain_d  = rst_fire || (drain_q && !(rd_out_d == '0 && wr_out_d == '0));
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin : p_guard_regs
    if (!rst_ni) begin
      drain_q  <= 1'b0;
      rd_out_q <= '0;
      wr_out_q <= '0;
    end else begin
      drain_q  <= drain_d;
      rd_out_q <= rd_out_d;
      wr_out_q <= wr_out_d;
    end
  end
  assign m_axi_arvalid_o = mux_arvalid && !drain_q;
  assign m_axi_rready_o  = drain_q || mux_rready;
  assign m_axi_awvalid_o = wb_awvalid && !drain_q;
  assign m_axi_wvalid_o  = wb_wvalid && !drain_q;
  assign m_axi_bready_o  = drain_q || wb_bready;

  logic        tx_en, tx_psp, tdh_wr, txdw, txdw_ide, txqe, wb_idle, frame_sent, frame_drop;
  logic        vme, gio_dis, master_idle, dma_idle, frame_pkt_end, frame_bcast, frame_mcast, dma_err;
  logic        ev_tso_ctx, ev_tso_fail, ev_oversize, ev_zero_len, ev_bad_desc;
  logic [9:0]  ipgt;
  logic [63:0] tdba;
  logic [15:0] ring_size, tdt, tdh, tdh_wdata;
  logic [16:0] frame_octets;
  logic        regs_idle, fetch_idle, mac_idle;
  // Cut-through: TXCT, the early-entry FIFO, underrun events.
  logic        ct_en, ct_push, ct_pop, ct_empty, ct_full, underrun;
  logic [11:0] ct_thresh;
  tx_ct_t      ct_w, ct_r;
  logic [$clog2(MetaDepth):0] ct_count_unused;

  // Wide writes are registered first: nothing downstream reads the inputs
  // (cheap for Verilator's input region) and decode starts from flops.
  logic         push_valid_q, push_hdr, push_full, push_ok, push_fb;
  logic         inl_blk, inl_bad, inl_mark, inl_used, inl_taken, inl_valid, inl_last, inl_ready;
  logic [AxiDataWidth-1:0] inl_data;
  logic [16:0]  push_addr_q;
  logic [6:0]   push_len_q;
  logic [511:0] push_data_q;
  always_ff @(posedge clk_i or negedge core_rst_nq) begin : p_push_in
    if (!core_rst_nq) begin
      push_valid_q <= 1'b0;
      push_addr_q  <= '0;
      push_len_q   <= '0;
    end else begin
      push_valid_q <= s_push_valid_i;
      if (s_push_valid_i) begin
        push_addr_q <= s_push_addr_i;
        push_len_q  <= s_push_len_i;
      end
    end
  end
  always_ff @(posedge clk_i) begin : p_push_data
    if (s_push_valid_i) push_data_q <= s_push_data_i;
  end
  // A write at the window with at least the 8-byte header carries a doorbell;
  // only a whole 64-byte block may skip the fetch. Shorter ones, and wide
  // writes anywhere else, are bad pushes (counted; the ring is fetched).
  assign push_hdr  = push_valid_q && push_addr_q == RegTxPush && push_len_q >= 7'd8;
  assign push_full = push_hdr && push_len_q == 7'(PushBytes);

  nic_regs u_regs (
    .clk_i, .rst_ni, .core_rst_ni(core_rst_nq),
    .s_axil_awaddr_i, .s_axil_awvalid_i, .s_axil_awready_o,
    .s_axil_wdata_i, .s_axil_wstrb_i, .s_axil_wvalid_i, .s_axil_wready_o,
    .s_axil_bresp_o, .s_axil_bvalid_o, .s_axil_bready_i,
    .s_axil_araddr_i, .s_axil_arvalid_i, .s_axil_arready_o,
    .s_axil_rdata_o, .s_axil_rresp_o, .s_axil_rvalid_o, .s_axil_rready_i,
    .soft_rst_o(soft_rst), .vme_o(vme), .gio_dis_o(gio_dis), .tx_en_o(tx_en), .tx_psp_o(tx_psp), .ipgt_o(ipgt),
    .tdba_o(tdba), .ring_size_o(ring_size), .tdt_o(tdt),
    .tdh_wr_o(tdh_wr), .tdh_wdata_o(tdh_wdata), .tdh_i(tdh),
    .txdw_set_i(txdw), .txdw_ide_i(txdw_ide), .txqe_set_i(txqe),
    .frame_sent_i(frame_sent), .frame_octets_i(frame_octets),
    .frame_bcast_i(frame_bcast), .frame_mcast_i(frame_mcast), .master_idle_i(master_idle),
    .tso_ctx_i(ev_tso_ctx), .tso_fail_i(ev_tso_fail), .zero_len_i(ev_zero_len),
    .oversize_i(ev_oversize), .dma_err_i(dma_err), .bad_desc_i(ev_bad_desc),
    .wr_err_i(m_axi_bvalid_i && m_axi_bready_o && !drain_q && m_axi_bresp_i != 2'b00),
    .push_tdt_wr_i(push_hdr), .push_tdt_i(push_data_q[15:0]),
    .push_ok_i(push_ok), .push_fb_i(push_fb), .push_bad_i((push_valid_q && !push_full && !inl_blk) || inl_bad),
    .inl_taken_i(inl_taken),
    .ct_en_o(ct_en), .ct_thresh_o(ct_thresh), .underrun_i(underrun),
    .irq_o, .idle_o(regs_idle)
  );

  // Read channel sharing
  logic        desc_ar_valid, desc_ar_ready, desc_r_valid, desc_r_ready;
  logic [63:0] desc_ar_addr;
  logic [7:0]  desc_ar_len;
  logic        data_ar_valid, data_ar_ready, data_r_valid, data_r_ready;
  logic [63:0] data_ar_addr;
  logic [7:0]  data_ar_len;

  nic_axi_rd_mux #(.AxiDataWidth(AxiDataWidth), .AxiIdWidth(AxiIdWidth)) u_rd_mux (
    .clk_i, .rst_ni(core_rst_nq),
    .desc_ar_valid_i(desc_ar_valid), .desc_ar_addr_i(desc_ar_addr), .desc_ar_len_i(desc_ar_len),
    .desc_ar_ready_o(desc_ar_ready), .desc_r_valid_o(desc_r_valid), .desc_r_ready_i(desc_r_ready),
    .data_ar_valid_i(data_ar_valid), .data_ar_addr_i(data_ar_addr), .data_ar_len_i(data_ar_len),
    .data_ar_ready_o(data_ar_ready), .data_r_valid_o(data_r_valid), .data_r_ready_i(data_r_ready),
    .m_axi_arid_o, .m_axi_araddr_o, .m_axi_arlen_o, .m_axi_arsize_o, .m_axi_arburst_o,
    .m_axi_arvalid_o(mux_arvalid), .m_axi_arready_i(m_axi_arready_i && !drain_q),
    .m_axi_rid_i, .m_axi_rvalid_i(m_axi_rvalid_i && !drain_q), .m_axi_rready_o(mux_rready)
  );

  logic        desc_valid, desc_ready;
  desc_entry_t desc;

  nic_desc_fetch #(
    .AxiDataWidth(AxiDataWidth), .DescFifoDepth(64), .MaxBurstDescs(8), .MaxOutstanding(8)
  ) u_desc_fetch (
    .clk_i, .rst_ni(core_rst_nq),
    .tx_en_i(tx_en), .tdba_i(tdba), .ring_size_i(ring_size), .tdt_i(tdt),
    .tdh_wr_i(tdh_wr), .tdh_wdata_i(tdh_wdata),
    .push_valid_i(push_full), .push_tdt_i(push_data_q[15:0]), .push_first_i(push_data_q[47:32]),
    .push_cnt_i(push_data_q[23:16]), .push_descs_i(push_data_q[128 +: PushMaxDescs * 128]),
    .push_ok_o(push_ok), .push_fb_o(push_fb),
    .ar_valid_o(desc_ar_valid), .ar_addr_o(desc_ar_addr), .ar_len_o(desc_ar_len),
    .ar_ready_i(desc_ar_ready),
    .r_valid_i(desc_r_valid), .r_data_i(m_axi_rdata_i), .r_resp_i(m_axi_rresp_i),
    .r_last_i(m_axi_rlast_i), .r_ready_o(desc_r_ready),
    .desc_valid_o(desc_valid), .desc_o(desc), .desc_ready_i(desc_ready), .idle_o(fetch_idle)
  );

  logic        cpl_push, cpl_full;
  cpl_entry_t  cpl;
  logic        tx_push, tx_pop, tx_empty, tx_full;
  logic [63:0] tx_wdata, tx_rdata;
  logic        meta_push, meta_pop, meta_empty, meta_full;
  tx_meta_t    meta_w, meta_r;
  logic [$clog2(TxFifoWords):0] tx_count_unused;
  logic [$clog2(MetaDepth):0]   meta_count_unused;

  nic_data_dma #(
    .AxiDataWidth(AxiDataWidth), .TxFifoWords(TxFifoWords), .MetaDepth(MetaDepth)
  ) u_data_dma (
    .clk_i, .rst_ni(core_rst_nq), .vme_i(vme), .hold_i(gio_dis), .idle_o(dma_idle), .ct_en_i(ct_en),
    .desc_valid_i(desc_valid), .desc_i(desc), .desc_ready_o(desc_ready),
    .cpl_push_o(cpl_push), .cpl_o(cpl), .cpl_full_i(cpl_full),
    .ar_valid_o(data_ar_valid), .ar_addr_o(data_ar_addr), .ar_len_o(data_ar_len),
    .ar_ready_i(data_ar_ready),
    .r_valid_i(data_r_valid), .r_data_i(m_axi_rdata_i), .r_resp_i(m_axi_rresp_i),
    .r_last_i(m_axi_rlast_i), .r_ready_o(data_r_ready),
    .tx_push_o(tx_push), .tx_data_o(tx_wdata), .meta_push_o(meta_push), .meta_o(meta_w),
    .dma_err_o(dma_err), .ct_push_o(ct_push), .ct_o(ct_w), .tx_pop_i(tx_pop), .meta_pop_i(meta_pop),
    .tso_ctx_o(ev_tso_ctx), .tso_fail_o(ev_tso_fail), .oversize_o(ev_oversize),
    .zero_len_o(ev_zero_len), .bad_desc_o(ev_bad_desc),
    .inl_i(inl_mark), .inl_used_o(inl_used), .inl_valid_i(inl_valid), .inl_data_i(inl_data),
    .inl_last_i(inl_last), .inl_ready_o(inl_ready)
  );

  // Inline frames: data blocks and the push's inline length (one frame armed
  // at a time), beats for the data DMA in place of its host read.
  nic_tx_inline #(.AxiDataWidth(AxiDataWidth)) u_tx_inline (
    .clk_i, .rst_ni(core_rst_nq), .ring_size_i(ring_size), .tdh_wr_i(tdh_wr),
    .push_valid_i(push_valid_q), .push_addr_i(push_addr_q), .push_len_i(push_len_q),
    .push_data_i(push_data_q), .push_taken_i(push_ok), .blk_o(inl_blk), .bad_o(inl_bad),
    .desc_i(desc), .desc_take_i(desc_valid && desc_ready), .mark_o(inl_mark), .used_i(inl_used),
    .taken_o(inl_taken), .beat_valid_o(inl_valid), .beat_data_o(inl_data), .beat_last_o(inl_last),
    .beat_ready_i(inl_ready)
  );

  nic_fifo #(.Width(64), .Depth(TxFifoWords)) u_tx_fifo (
    .clk_i, .rst_ni(core_rst_nq),
    .push_i(tx_push), .wdata_i(tx_wdata), .pop_i(tx_pop), .rdata_o(tx_rdata),
    .empty_o(tx_empty), .full_o(tx_full), .count_o(tx_count_unused)
  );

  nic_fifo #(.Width($bits(tx_meta_t)), .Depth(MetaDepth)) u_meta_fifo (
    .clk_i, .rst_ni(core_rst_nq),
    .push_i(meta_push), .wdata_i(meta_w), .pop_i(meta_pop), .rdata_o(meta_r),
    .empty_o(meta_empty), .full_o(meta_full), .count_o(meta_count_unused)
  );

  // At most MetaDepth ct frames are announced and not started: each holds a
  // metadata credit, but the youngest, which took its first read with one free.
  nic_fifo #(.Width($bits(tx_ct_t)), .Depth(MetaDepth)) u_ct_fifo (
    .clk_i, .rst_ni(core_rst_nq),
    .push_i(ct_push), .wdata_i(ct_w), .pop_i(ct_pop), .rdata_o(ct_r),
    .empty_o(ct_empty), .full_o(ct_full), .count_o(ct_count_unused)
  );

  nic_tx_mac #(.TxCountW($clog2(TxFifoWords) + 1)) u_tx_mac (
    .clk_i, .rst_ni(core_rst_nq),
    .psp_i(tx_psp), .ipgt_i(ipgt),
    .tx_data_i(tx_rdata), .tx_empty_i(tx_empty), .tx_pop_o(tx_pop), .tx_count_i(tx_count_unused),
    .meta_i(meta_r), .meta_empty_i(meta_empty), .meta_pop_o(meta_pop),
    .ct_i(ct_r), .ct_empty_i(ct_empty), .ct_pop_o(ct_pop), .thresh_i(ct_thresh), .underrun_o(underrun),
    .xgmii_txd_o, .xgmii_txc_o,
    .frame_sent_o(frame_sent), .frame_octets_o(frame_octets), .frame_drop_o(frame_drop),
    .frame_pkt_end_o(frame_pkt_end), .frame_bcast_o(frame_bcast), .frame_mcast_o(frame_mcast),
    .idle_o(mac_idle)
  );

  nic_writeback #(.AxiDataWidth(AxiDataWidth), .AxiIdWidth(AxiIdWidth)) u_writeback (
    .clk_i, .rst_ni(core_rst_nq),
    .cpl_push_i(cpl_push), .cpl_i(cpl), .cpl_full_o(cpl_full),
    .frame_end_i((frame_sent || frame_drop) && frame_pkt_end),
    .tdba_i(tdba), .ring_size_i(ring_size), .tdt_i(tdt),
    .tdh_wr_i(tdh_wr), .tdh_wdata_i(tdh_wdata), .tdh_o(tdh),
    .txdw_o(txdw), .txdw_ide_o(txdw_ide), .txqe_o(txqe), .idle_o(wb_idle),
    .m_axi_awid_o, .m_axi_awaddr_o, .m_axi_awlen_o, .m_axi_awsize_o, .m_axi_awburst_o,
    .m_axi_awvalid_o(wb_awvalid), .m_axi_awready_i(m_axi_awready_i && !drain_q),
    .m_axi_wdata_o, .m_axi_wstrb_o, .m_axi_wlast_o, .m_axi_wvalid_o(wb_wvalid),
    .m_axi_wready_i(m_axi_wready_i && !drain_q),
    .m_axi_bvalid_i(m_axi_bvalid_i && !drain_q), .m_axi_bready_o(wb_bready)
  );

  // GIO master disable completes when nothing is in progress or in flight.
  assign master_idle = dma_idle && meta_empty && tx_empty && ct_empty && wb_idle && !drain_q &&
                       rd_out_q == '0 && wr_out_q == '0;

  // Whole-NIC idle: out of reset with no reset pending, nothing in flight on
  // AXI (guard counters, the AR slice), every stage idle (descriptor fetch
  // with nothing to fetch, data DMA, FIFOs, write-back, MAC with the gap paid
  // and XGMII idle) and the register file's timers stopped. Free-running
  // state: ifg_q (MAC), TIDV/TADV/ITR counters (regs) all count only while
  // idle_o is 0. The simulator stops clocking while this holds.
  assign idle_o = core_rst_nq && !rst_req_q && master_idle && !mux_arvalid && fetch_idle &&
                  mac_idle && regs_idle && !push_valid_q;

  // Frames the MAC dropped (errors counted by cause in nic_regs); kept for
  // the waveform.
  logic [31:0] drop_cnt_q, drop_cnt_d;
  assign drop_cnt_d = drop_cnt_q + 32'(frame_drop);
  always_ff @(posedge clk_i or negedge core_rst_nq) begin : p_drop_cnt
    if (!core_rst_nq) drop_cnt_q <= '0;
    else              drop_cnt_q <= drop_cnt_d;
  end

  logic unused_axi;
  assign unused_axi = ^{m_axi_bid_i, tx_full, meta_full, ct_full, ct_count_unused, drop_cnt_q, push_data_q[127:64],
                        push_data_q[31:24]};

  // Credits keep both FIFOs from overflowing; checked here at the top.
  TxFifoNoOverflow: assert property (@(posedge clk_i) disable iff (!core_rst_nq)
      tx_push |-> !tx_full || tx_pop);
  MetaFifoNoOverflow: assert property (@(posedge clk_i) disable iff (!core_rst_nq)
      meta_push |-> !meta_full);
  CtFifoNoOverflow: assert property (@(posedge clk_i) disable iff (!core_rst_nq)
      ct_push |-> !ct_full);
  // AXI master: a valid is held until ready, with its payload stable.
  AxiArHold: assert property (@(posedge clk_i) disable iff (!core_rst_nq)
      m_axi_arvalid_o && !m_axi_arready_i |=> m_axi_arvalid_o && $stable(m_axi_araddr_o) &&
      $stable(m_axi_arlen_o) && $stable(m_axi_arid_o));
  AxiAwHold: assert property (@(posedge clk_i) disable iff (!core_rst_nq)
      m_axi_awvalid_o && !m_axi_awready_i |=> m_axi_awvalid_o && $stable(m_axi_awaddr_o));
  AxiWHold: assert property (@(posedge clk_i) disable iff (!core_rst_nq)
      m_axi_wvalid_o && !m_axi_wready_i |=> m_axi_wvalid_o && $stable(m_axi_wdata_o) &&
      $stable(m_axi_wstrb_o));
  // Responses only for requests in flight (the bus guard never underflows).
  AxiNoStrayR: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_axi_rvalid_i && m_axi_rready_o && m_axi_rlast_i |-> rd_out_q != '0 ||
      (m_axi_arvalid_o && m_axi_arready_i));
  AxiNoStrayB: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_axi_bvalid_i && m_axi_bready_o |-> wr_out_q != '0);
  // idle_o holds its promise: with idle inputs the next edge keeps it, the
  // outputs and the ring state.
  logic inputs_idle;
  assign inputs_idle = !s_axil_awvalid_i && !s_axil_wvalid_i && !s_axil_arvalid_i && !s_push_valid_i &&
                       s_axil_bready_i &&
                       s_axil_rready_i && !m_axi_rvalid_i && !m_axi_bvalid_i && m_axi_arready_i &&
                       m_axi_awready_i && m_axi_wready_i;
  IdleIsStable: assert property (@(posedge clk_i) disable iff (!rst_ni)
      idle_o && inputs_idle |=> idle_o && $stable(xgmii_txd_o) && $stable(xgmii_txc_o) && $stable(irq_o) &&
      !m_axi_arvalid_o && !m_axi_awvalid_o && !m_axi_wvalid_o && !s_axil_bvalid_o && !s_axil_rvalid_o &&
      $stable(tdh) && $stable(tdt) && $stable(drop_cnt_q) && $stable(tx_count_unused) &&
      $stable(meta_count_unused));
  // The guard sends nothing new while it drains.
  NoRequestWhileDraining: assert property (@(posedge clk_i) disable iff (!rst_ni)
      drain_q |-> !m_axi_arvalid_o && !m_axi_awvalid_o && !m_axi_wvalid_o);

endmodule

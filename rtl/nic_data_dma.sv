// nic_data_dma: takes fetched descriptors in order, queues them for completion
// and reads their buffers with ARID 1 in bursts that never cross 4 KiB. A read
// is issued only when the TX FIFO has room reserved for its words (credits),
// so R beats are never held up by a full FIFO. The packer realigns the data.
module nic_data_dma #(
  parameter int unsigned AxiDataWidth = 128,
  parameter int unsigned TxFifoWords  = 2048,  // 64-bit words in the TX FIFO
  parameter int unsigned MetaDepth    = 32,    // frames in the metadata FIFO
  parameter int unsigned CmdDepth     = 32,    // data reads in flight
  localparam int unsigned BeatBytes   = AxiDataWidth / 8
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  // Descriptors
  input  logic                    desc_valid_i,
  input  nic_pkg::desc_entry_t    desc_i,
  output logic                    desc_ready_o,
  // Completion queue
  output logic                    cpl_push_o,
  output nic_pkg::cpl_entry_t     cpl_o,
  input  logic                    cpl_full_i,
  // AR request (to the read mux)
  output logic                    ar_valid_o,
  output logic [63:0]             ar_addr_o,
  output logic [7:0]              ar_len_o,
  input  logic                    ar_ready_i,
  // R beats with ID 1
  input  logic                    r_valid_i,
  input  logic [AxiDataWidth-1:0] r_data_i,
  input  logic [1:0]              r_resp_i,
  input  logic                    r_last_i,
  output logic                    r_ready_o,
  // TX FIFO / metadata FIFO writes, and their pops for credit return
  output logic                    tx_push_o,
  output logic [63:0]             tx_data_o,
  output logic                    meta_push_o,
  output nic_pkg::tx_meta_t       meta_o,
  input  logic                    tx_pop_i,
  input  logic                    meta_pop_i
);
  import nic_pkg::*;

  localparam int unsigned BeatOffW = $clog2(BeatBytes);
  localparam int unsigned TxCredW  = $clog2(TxFifoWords) + 1;
  localparam int unsigned MetaCredW = $clog2(MetaDepth) + 1;

  if (MaxReadBytes % BeatBytes != 0 || MaxReadBytes > 4096) begin : gen_bad_read
    $error("nic_data_dma: MaxReadBytes must be a multiple of the beat size, at most 4 KiB");
  end

  typedef enum logic [0:0] {StIdle, StRead} state_e;

  state_e               st_q, st_d;
  logic [63:0]          addr_q, addr_d;
  logic [15:0]          rem_q, rem_d;
  logic                 eop_q, eop_d, ifcs_q, ifcs_d;
  logic [2:0]           pos_q, pos_d;        // frame bytes requested so far, mod 8
  logic                 in_frame_q, in_frame_d;
  logic [TxCredW-1:0]   tx_cred_q, tx_cred_d;
  logic [MetaCredW-1:0] meta_cred_q, meta_cred_d;
  logic                 ar_valid_q, ar_valid_d;
  logic [63:0]          ar_addr_q, ar_addr_d;
  logic [7:0]           ar_len_q, ar_len_d;

  logic                 cmd_push, cmd_full;
  dma_cmd_t             cmd;

  always_comb begin : p_request
    logic [12:0]       to4k, n;
    logic [13:0]       span;
    logic [TxCredW-1:0] words;
    logic              take_desc, frame_start, commit, last;
    logic [15:0]       len;

    st_d        = st_q;
    addr_d      = addr_q;
    rem_d       = rem_q;
    eop_d       = eop_q;
    ifcs_d      = ifcs_q;
    pos_d       = pos_q;
    in_frame_d  = in_frame_q;
    ar_valid_d  = ar_valid_q && !ar_ready_i;
    ar_addr_d   = ar_addr_q;
    ar_len_d    = ar_len_q;
    cmd_push    = 1'b0;
    cmd         = '0;
    cpl_push_o  = 1'b0;
    cpl_o.idx   = desc_i.idx;
    cpl_o.rs    = desc_i.desc.cmd[CmdRsBit];
    cpl_o.ide   = desc_i.desc.cmd[CmdIdeBit];
    cpl_o.eop   = desc_i.desc.cmd[CmdEopBit];
    commit      = 1'b0;
    words       = '0;
    frame_start = 1'b0;
    len         = desc_i.desc.length;

    // Next read of the current buffer: up to the 4 KiB boundary and MaxReadBytes.
    to4k = 13'h1000 - {1'b0, addr_q[11:0]};
    n    = 13'(MaxReadBytes);
    if (to4k < n) n = to4k;
    if (rem_q < 16'(n)) n = 13'(rem_q);
    last = (16'(n) == rem_q);
    span = 14'(addr_q[BeatOffW-1:0]) + 14'(n) + 14'(BeatBytes - 1);
    // New TX FIFO words this read starts: the frame packs densely from word 0.
    words = TxCredW'((16'(pos_q) + 16'(n) + 16'd7) >> 3) - TxCredW'(pos_q != 3'd0);

    // A descriptor is taken when its completion entry and a possible
    // no-data command fit, and a frame start has a metadata slot.
    take_desc    = (st_q == StIdle) && desc_valid_i && !cpl_full_i && !cmd_full &&
                   (in_frame_q || meta_cred_q != '0);
    desc_ready_o = take_desc;

    unique case (st_q)
      StIdle: begin
        if (take_desc) begin
          cpl_push_o  = 1'b1;
          frame_start = !in_frame_q;
          in_frame_d  = 1'b1;
          eop_d       = desc_i.desc.cmd[CmdEopBit];
          ifcs_d      = desc_i.desc.cmd[CmdIfcsBit];
          if (desc_i.err || len == '0) begin
            // Nothing to read: pass the error / end of frame on in order.
            cmd_push     = 1'b1;
            cmd.has_data = 1'b0;
            cmd.err      = desc_i.err;
            cmd.eop      = desc_i.desc.cmd[CmdEopBit];
            cmd.ifcs     = desc_i.desc.cmd[CmdIfcsBit];
            if (desc_i.desc.cmd[CmdEopBit]) begin
              in_frame_d = 1'b0;
              pos_d      = '0;
            end
          end else begin
            addr_d = desc_i.desc.addr;
            rem_d  = len;
            st_d   = StRead;
          end
        end
      end
      StRead: begin
        if (!ar_valid_q && !cmd_full && tx_cred_q >= words) begin
          commit       = 1'b1;
          ar_valid_d   = 1'b1;
          ar_addr_d    = addr_q & ~(64'(BeatBytes) - 64'd1);
          ar_len_d     = 8'((span >> BeatOffW) - 14'd1);
          cmd_push     = 1'b1;
          cmd.has_data = 1'b1;
          cmd.err      = 1'b0;
          cmd.eop      = last && eop_q;
          cmd.ifcs     = ifcs_q;
          cmd.off      = 6'(addr_q[BeatOffW-1:0]);
          cmd.nbytes   = n;
          addr_d       = addr_q + 64'(n);
          rem_d        = rem_q - 16'(n);
          pos_d        = pos_q + 3'(n);
          if (last) begin
            st_d = StIdle;
            if (eop_q) begin
              in_frame_d = 1'b0;
              pos_d      = '0;
            end
          end
        end
      end
      default: st_d = StIdle;
    endcase

    tx_cred_d   = tx_cred_q - (commit ? words : '0) + TxCredW'(tx_pop_i);
    meta_cred_d = meta_cred_q - MetaCredW'(frame_start) + MetaCredW'(meta_pop_i);
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin : p_regs
    if (!rst_ni) begin
      st_q        <= StIdle;
      addr_q      <= '0;
      rem_q       <= '0;
      eop_q       <= 1'b0;
      ifcs_q      <= 1'b0;
      pos_q       <= '0;
      in_frame_q  <= 1'b0;
      tx_cred_q   <= TxCredW'(TxFifoWords);
      meta_cred_q <= MetaCredW'(MetaDepth);
      ar_valid_q  <= 1'b0;
      ar_addr_q   <= '0;
      ar_len_q    <= '0;
    end else begin
      st_q        <= st_d;
      addr_q      <= addr_d;
      rem_q       <= rem_d;
      eop_q       <= eop_d;
      ifcs_q      <= ifcs_d;
      pos_q       <= pos_d;
      in_frame_q  <= in_frame_d;
      tx_cred_q   <= tx_cred_d;
      meta_cred_q <= meta_cred_d;
      ar_valid_q  <= ar_valid_d;
      ar_addr_q   <= ar_addr_d;
      ar_len_q    <= ar_len_d;
    end
  end

  assign ar_valid_o = ar_valid_q;
  assign ar_addr_o  = ar_addr_q;
  assign ar_len_o   = ar_len_q;

  nic_dma_packer #(.AxiDataWidth(AxiDataWidth), .CmdDepth(CmdDepth)) u_packer (
    .clk_i, .rst_ni,
    .cmd_push_i(cmd_push), .cmd_i(cmd), .cmd_full_o(cmd_full),
    .r_valid_i, .r_data_i, .r_resp_i, .r_last_i, .r_ready_o,
    .tx_push_o, .tx_data_o, .meta_push_o, .meta_o
  );

  StateLegal: assert property (@(posedge clk_i) disable iff (!rst_ni)
      st_q inside {StIdle, StRead});
  CreditsBounded: assert property (@(posedge clk_i) disable iff (!rst_ni)
      tx_cred_q <= TxCredW'(TxFifoWords) && meta_cred_q <= MetaCredW'(MetaDepth));

endmodule

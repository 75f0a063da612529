// nic_tx_inline: holds the bytes of an inline frame (BlueFlame). The driver
// writes the frame in 64-byte blocks at RegTxInline, then the push block with
// the inline length (the doorbell; posted writes arrive in order). When the
// descriptor fetcher takes that push, the frame is armed for the push's last
// descriptor; when the data DMA takes that descriptor (same slot, a data
// descriptor of the same length, EOP, no TSO) its bytes come from here as
// beats of the full AXI width instead of a host read. Two banks: blocks of
// the next frame fill one while the other is sent. Anything that does not
// fit (one frame already armed, a push that is fetched instead, blocks
// missing) leaves the frame to the usual data read: the buffer the
// descriptor points at is valid until completion, so nothing is lost.
module nic_tx_inline #(
  parameter int unsigned AxiDataWidth = 128,
  localparam int unsigned BeatBytes   = AxiDataWidth / 8
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  input  logic [15:0]              ring_size_i,
  input  logic                     tdh_wr_i,      // the ring is re-pointed: disarm
  // Wide BAR0 writes (registered in nic_top)
  input  logic                     push_valid_i,
  input  logic [16:0]              push_addr_i,
  input  logic [6:0]               push_len_i,
  input  logic [511:0]             push_data_i,
  input  logic                     push_taken_i,  // the fetcher took this push's descriptors
  output logic                     blk_o,         // this write is an inline data block
  output logic                     bad_o,         // a bad inline push (TDPBC)
  // The descriptor at the head of the descriptor FIFO
  input  nic_abi_types_pkg::desc_entry_t desc_i,
  input  logic                     desc_take_i,   // the data DMA takes it
  output logic                     mark_o,        // its bytes are the armed frame
  input  logic                     used_i,        // ... and the data DMA reads them from here
  output logic                     taken_o,       // an inline frame taken (TDILC)
  // Beats of the taken frame, in the order the packer wants them
  output logic                     beat_valid_o,
  output logic [AxiDataWidth-1:0]  beat_data_o,
  output logic                     beat_last_o,
  input  logic                     beat_ready_i
);
  import nic_abi_pkg::*;
  import nic_abi_types_pkg::*;

  localparam int unsigned NumBlk   = InlineMaxBytes / 64;
  localparam int unsigned NumBeats = InlineMaxBytes / BeatBytes;
  localparam int unsigned BlkW     = $clog2(NumBlk);
  localparam int unsigned BeatW    = $clog2(NumBeats);
  localparam int unsigned LenW     = $clog2(InlineMaxBytes) + 1;
  localparam int unsigned BlkBeats = 64 / BeatBytes;  // beats per 64-byte block

  if (InlineMaxBytes % 64 != 0 || InlineMaxBytes % BeatBytes != 0 || NumBlk < 2) begin : gen_bad_max
    $error("nic_tx_inline: InlineMaxBytes must be a multiple of 64 and of the beat, at least 128");
  end

  typedef enum logic [1:0] {StFree, StArmed, StSend} state_e;

  // A descriptor whose buffer an inline frame of len bytes can stand for:
  // the packet's end, a legacy or data descriptor of that length, no TSO.
  function automatic logic desc_fits(logic [7:0] cmd, logic [7:0] cso, logic [15:0] length,
                                     logic [LenW-1:0] len);
    logic        ext;
    logic [19:0] dlen;
    ext  = cmd[CmdDextBit];
    dlen = ext ? {cso[3:0], length} : {4'h0, length};
    return cmd[CmdEopBit] && (!ext || (cso[7:4] == DtypData && !cmd[CmdTseBit])) && dlen == 20'(len);
  endfunction

  state_e              st_q, st_d;
  // Two banks of NumBeats beats: beat b of bank k at k * NumBeats + b (an
  // array of beats, so reading one costs no wide shift).
  logic [AxiDataWidth-1:0] bank_q [2*NumBeats];
  logic                wr_q, wr_d, rd_q, rd_d;     // bank being filled, bank armed/sent
  logic [NumBlk-1:0]   vld_q, vld_d;               // blocks of the fill bank written
  logic [15:0]         idx_q, idx_d;               // ring slot of the frame's descriptor
  logic [LenW-1:0]     len_q, len_d;
  logic [BeatW-1:0]    beat_q, beat_d;
  logic [BeatW-1:0]    last_q, last_d;             // the frame's last beat

  logic            hdr, blk, blk_again, arm;
  logic [15:0]     hdr_len, hdr_tdt;
  logic [NumBlk-1:0] need;
  logic [BlkW-1:0] blk_idx;
  tx_desc_t        hdr_last;   // the push's last descriptor: the frame's
  logic            unused_last;
  assign unused_last = ^{hdr_last.addr, hdr_last.special, hdr_last.css, hdr_last.sta};

  // Decoded only in a cycle with a wide write (this runs every cycle).
  always_comb begin : p_decode
    logic [16:0] off;
    off       = push_addr_i - RegTxInline;
    blk       = 1'b0;
    blk_idx   = '0;
    blk_again = 1'b0;
    hdr       = 1'b0;
    hdr_len   = '0;
    hdr_tdt   = '0;
    hdr_last  = '0;
    need      = '0;
    bad_o     = 1'b0;
    if (push_valid_i) begin
      blk       = push_addr_i >= RegTxInline && push_addr_i < RegTxInline + 17'(InlineMaxBytes) &&
                  off[5:0] == '0 && push_len_i == 7'd64;
      blk_idx   = BlkW'(off >> 6);
      blk_again = blk && vld_q[blk_idx];
      // A whole push block with an inline length.
      hdr       = push_addr_i == RegTxPush && push_len_i == 7'(PushBytes);
      hdr_len   = push_data_i[8*PushInlLenByte +: 16];
      hdr_tdt   = push_data_i[15:0];
      hdr_last  = push_data_i[128 + 128 * ((push_data_i[23:16] == 8'd3) ? 2 : (push_data_i[23:16] == 8'd2) ? 1 : 0)
                              +: 128];
      for (int k = 0; k < NumBlk; k++) need[k] = 32'(hdr_len) > 64 * k;
      // Bad: blocks not followed by their push block (written twice, or a
      // push without inline length after them), an inline length over the
      // limit or not the last descriptor's, or blocks missing. The frame
      // is then read from the host.
      bad_o = blk_again || (hdr && hdr_len == '0 && vld_q != '0) ||
              (hdr && hdr_len != '0 && (32'(hdr_len) > InlineMaxBytes || (need & ~vld_q) != '0 ||
                                        !desc_fits(hdr_last.cmd, hdr_last.cso, hdr_last.length, LenW'(hdr_len))));
    end
    arm   = hdr && hdr_len != '0 && !bad_o && push_taken_i && st_q == StFree;
    blk_o = blk;
  end

  // Beats from flops only (the packer's ready, an input-derived signal,
  // only moves the state below).
  assign beat_valid_o = st_q == StSend;
  assign beat_last_o  = beat_q == last_q;
  assign beat_data_o  = bank_q[{rd_q, beat_q}];

  // The armed frame's descriptor (checked again: the slot is what the ring
  // order says, the descriptor what the push carried).
  assign mark_o  = st_q == StArmed && !desc_i.err && desc_i.idx == idx_q && desc_fits(desc_i.desc.cmd, desc_i.desc.cso,
                                                                                       desc_i.desc.length, len_q);
  assign taken_o = desc_take_i && mark_o && used_i;

  always_comb begin : p_state
    st_d   = st_q;
    wr_d   = wr_q;
    rd_d   = rd_q;
    vld_d  = vld_q;
    idx_d  = idx_q;
    len_d  = len_q;
    beat_d = beat_q;
    last_d = last_q;

    if (blk) vld_d[blk_idx] = 1'b1;
    if (hdr) vld_d = '0;  // a push block ends the blocks before it
    unique case (st_q)
      StFree: begin
        if (arm) begin
          st_d  = StArmed;
          rd_d  = wr_q;
          wr_d  = !wr_q;
          idx_d = (hdr_tdt == '0) ? ring_size_i - 16'd1 : hdr_tdt - 16'd1;
          len_d = LenW'(hdr_len);
          last_d = BeatW'((32'(hdr_len) - 1) / BeatBytes);
        end
      end
      StArmed: begin
        // The descriptor passes the data DMA once: sent from here or read.
        if (desc_take_i && desc_i.idx == idx_q) st_d = (mark_o && used_i) ? StSend : StFree;
        if (tdh_wr_i) st_d = StFree;
        beat_d = '0;
      end
      StSend: begin
        if (beat_ready_i) begin
          beat_d = beat_q + 1'b1;
          if (beat_last_o) st_d = StFree;
        end
      end
      default: st_d = StFree;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin : p_regs
    if (!rst_ni) begin
      st_q   <= StFree;
      wr_q   <= 1'b0;
      rd_q   <= 1'b1;
      vld_q  <= '0;
      idx_q  <= '0;
      len_q  <= '0;
      beat_q <= '0;
      last_q <= '0;
    end else begin
      st_q   <= st_d;
      wr_q   <= wr_d;
      rd_q   <= rd_d;
      vld_q  <= vld_d;
      idx_q  <= idx_d;
      len_q  <= len_d;
      beat_q <= beat_d;
      last_q <= last_d;
    end
  end

  // The bytes need no reset: vld_q and st_q say what is valid.
  always_ff @(posedge clk_i) begin : p_bank
    if (blk) begin
      for (int j = 0; j < BlkBeats; j++) begin
        bank_q[(BeatW+1)'(int'(wr_q) * NumBeats + int'(blk_idx) * BlkBeats + j)] <=
            push_data_i[AxiDataWidth*j +: AxiDataWidth];
      end
    end
  end

  StateLegal: assert property (@(posedge clk_i) disable iff (!rst_ni)
      st_q inside {StFree, StArmed, StSend});
  // Blocks never land in the bank that is armed or being sent.
  FillNotSendBank: assert property (@(posedge clk_i) disable iff (!rst_ni)
      st_q != StFree |-> wr_q != rd_q);
  // An armed frame has a length within the limit.
  ArmedLenLegal: assert property (@(posedge clk_i) disable iff (!rst_ni)
      st_q != StFree |-> len_q != '0 && 32'(len_q) <= InlineMaxBytes);
  // Beats never run past the frame.
  BeatsWithinFrame: assert property (@(posedge clk_i) disable iff (!rst_ni)
      st_q == StSend |-> 32'(beat_q) * BeatBytes < 32'(len_q));
  // Only a taken push arms a frame.
  ArmOnlyWhenTaken: assert property (@(posedge clk_i) disable iff (!rst_ni)
      st_q == StFree && st_d == StArmed |-> push_taken_i && hdr);

endmodule

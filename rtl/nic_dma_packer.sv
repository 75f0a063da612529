// nic_dma_packer: realigns data DMA read beats (any start byte, any length)
// into packed 64-bit words for the TX FIFO, following the command queue. It
// inserts the 802.1Q tag after byte 12 (VLE), sums the checksum ranges of the
// words it stores (nic_tx_csum) and, at a frame's end, flushes the partial
// word and pushes the frame's metadata with the values the MAC writes over
// checksum and TSO fields, so a frame is visible to the MAC only once all of
// its words are stored.
module nic_dma_packer #(
  parameter int unsigned AxiDataWidth = 128,
  parameter int unsigned CmdDepth     = 8,  // data reads in flight
  localparam int unsigned BeatBytes   = AxiDataWidth / 8
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  // Commands from the request side
  input  logic                    cmd_push_i,
  input  nic_abi_types_pkg::dma_cmd_t       cmd_i,
  output logic                    cmd_full_o,
  // R beats with ID 1
  input  logic                    r_valid_i,
  input  logic [AxiDataWidth-1:0] r_data_i,
  input  logic [1:0]              r_resp_i,
  input  logic                    r_last_i,
  output logic                    r_ready_o,
  // TX FIFO and metadata FIFO writes
  output logic                    tx_push_o,
  output logic [63:0]             tx_data_o,
  output logic                    meta_push_o,
  output nic_abi_types_pkg::tx_meta_t       meta_o,
  output logic                    dma_err_o,  // with meta_push_o: a read failed
  // Cut-through: the early entry of a frame marked ct, one cycle after its
  // first bytes are taken (its metadata, with meta_o.ct set, still follows).
  output logic                    ct_push_o,
  output nic_abi_types_pkg::tx_ct_t         ct_o,
  output logic                    idle_o      // no command, no byte held
);
  import nic_abi_pkg::*;
  import nic_abi_types_pkg::*;

  localparam int unsigned BeatOffW = $clog2(BeatBytes);

  dma_cmd_t cmd;
  logic     cmd_empty, cmd_pop;
  logic [$clog2(CmdDepth):0] cmd_count_unused;

  nic_fifo #(.Width($bits(dma_cmd_t)), .Depth(CmdDepth)) u_cmd_q (
    .clk_i, .rst_ni,
    .push_i(cmd_push_i), .wdata_i(cmd_i),
    .pop_i(cmd_pop), .rdata_o(cmd),
    .empty_o(cmd_empty), .full_o(cmd_full_o), .count_o(cmd_count_unused)
  );

  // acc holds up to 15 not yet emitted bytes, byte 0 = next byte on the wire.
  logic [127:0]        acc_q;
  logic [3:0]          acc_cnt_q, acc_cnt_d;
  logic                started_q, started_d;  // current command has consumed bytes
  logic [BeatOffW-1:0] ptr_q, ptr_d;          // next byte within the current beat
  logic [12:0]         rem_q, rem_d;          // bytes left in the current command
  logic                flush_q, flush_d;      // frame complete: drain acc, push meta
  logic                ifcs_q, ifcs_d;
  logic [15:0]         flen_q, flen_d;
  logic                ferr_q, ferr_d, dmaerr_q, dmaerr_d;
  logic                tag_q, tag_d;          // the VLAN tag is in
  tx_offload_t         ol_q, ol_d;            // the frame's offloads (last command seen)
  tx_meta_t            cs_meta;
  logic                ct_push_q, ct_push_d, ct_frame_q, ct_frame_d;  // cut-through
  tx_ct_t              ct_q, ct_d;

  // What leaves this cycle depends on flops only, so the checksum adder
  // behind tx_data_o is not re-evaluated whenever a top-level input (an R
  // beat) changes: Verilator runs logic that reads inputs on every eval().
  logic [3:0]   emit_n, cnt1;
  logic [127:0] acc1;
  logic         tag_at_end;  // a frame of 12 bytes or less gets its tag at the end

  always_comb begin : p_out
    tag_at_end  = flush_q && !tag_q && ol_q.vle;
    // Emit a full word, or while flushing whatever is left, except in the
    // cycle a short frame's tag goes in behind its bytes (a partial word
    // pushed then would put the tag in a word of its own, after zeros).
    if (acc_cnt_q >= 4'd8)           emit_n = 4'd8;
    else if (flush_q && !tag_at_end) emit_n = acc_cnt_q;
    else                             emit_n = 4'd0;
    tx_push_o   = (emit_n != 4'd0);
    tx_data_o   = acc_q[63:0];
    cnt1        = acc_cnt_q - emit_n;
    acc1        = acc_q >> {emit_n, 3'b000};
    meta_push_o = flush_q && !tag_at_end && cnt1 == 4'd0;
  end

  // Beat intake, split so that little reads the R channel (top-level inputs,
  // which Verilator re-evaluates on every eval()): p_pack works from flops
  // alone and says what a beat would do (beat_want: the current command
  // waits for one), p_beat applies that when r_valid_i is there, and the
  // beat's bytes are merged into acc at the clock edge (p_regs).
  logic                beat_want, beat_ready, beat_end;
  logic [127:0]        acc_n;                 // next acc without a beat
  logic [3:0]          acc_cnt_n, take_n;
  logic                flush_n, ifcs_n, ferr_n, dmaerr_n, cmd_pop_n;
  logic [15:0]         flen_n;
  logic [BeatOffW:0]   ptr_n;                 // the beat's first wanted byte
  logic [12:0]         rem_n;                 // bytes the command still wants
  logic [63:0]         lanes_n;               // its byte lanes below take
  logic                beat;

  always_comb begin : p_pack
    logic [3:0]          take;
    logic [BeatOffW:0]   ptr, beat_left;
    logic [12:0]         rem;
    logic                tag_now;

    flush_n   = flush_q;
    ifcs_n    = ifcs_q;
    flen_n    = flen_q;
    ferr_n    = ferr_q;
    dmaerr_n  = dmaerr_q;
    tag_d     = tag_q;
    ol_d      = ol_q;
    cmd_pop_n = 1'b0;
    beat_want = 1'b0;

    // Take up to 8 bytes of the current beat per cycle (the line rate), and
    // stop at byte 12 when a tag goes there.
    ptr       = started_q ? {1'b0, ptr_q} : (BeatOffW+1)'(cmd.off);
    rem       = started_q ? rem_q : cmd.nbytes;
    beat_left = (BeatOffW+1)'(BeatBytes) - ptr;
    take      = 4'd8;
    if (13'(beat_left) < 13'(take)) take = 4'(beat_left);
    if (rem < 13'(take))            take = 4'(rem);
    if (cmd.ol.vle && !tag_q && flen_q < 16'd12 && 16'(take) > 16'd12 - flen_q) begin
      take = 4'(16'd12 - flen_q);
    end
    take_n     = take;
    ptr_n      = ptr;
    rem_n      = rem;
    // Zero the lanes past take so they do not corrupt acc.
    lanes_n    = (take == 4'd8) ? '1 : ~(64'hFFFF_FFFF_FFFF_FFFF << {take, 3'b000});
    // Accept the beat once all of its wanted bytes are taken.
    beat_end   = 13'(take) == rem;
    beat_ready = beat_end || (13'(take) == 13'(beat_left));

    acc_n     = acc1;
    acc_cnt_n = cnt1;
    // The tag goes in at byte 12, or at the end of a frame of 12 bytes or
    // less (so a frame always grows by exactly the 4 bytes the request side
    // counted).
    tag_now   = flush_q ? tag_at_end : (!tag_q && !cmd_empty && cmd.ol.vle && flen_q == 16'd12);

    if (tag_now) begin
      acc_n     = acc1 | ({96'h0, {cmd.ol.vlan[7:0], cmd.ol.vlan[15:8], VlanTpid[7:0],
                                    VlanTpid[15:8]}} << {cnt1, 3'b000});
      if (flush_q) begin
        acc_n   = acc1 | ({96'h0, {ol_q.vlan[7:0], ol_q.vlan[15:8], VlanTpid[7:0],
                                   VlanTpid[15:8]}} << {cnt1, 3'b000});
      end
      acc_cnt_n = cnt1 + 4'd4;
      flen_n    = flen_q + 16'd4;
      tag_d     = 1'b1;
    end else if (flush_q) begin
      if (meta_push_o) begin
        flush_n  = 1'b0;
        flen_n   = '0;
        ferr_n   = 1'b0;
        dmaerr_n = 1'b0;
        tag_d    = 1'b0;
      end
    end else if (!cmd_empty) begin
      ol_d = cmd.ol;
      if (!cmd.has_data) begin
        cmd_pop_n = 1'b1;
        ferr_n    = ferr_q | cmd.err;
        dmaerr_n  = dmaerr_q | cmd.derr;
        if (cmd.eop) begin
          flush_n = 1'b1;
          ifcs_n  = cmd.ifcs;
        end
      end else begin
        beat_want = 1'b1;
      end
    end
  end

  always_comb begin : p_beat
    logic bad;
    beat      = beat_want && r_valid_i;
    bad       = beat && r_resp_i != 2'b00;
    r_ready_o = beat && beat_ready;
    cmd_pop   = cmd_pop_n || (beat && beat_end);
    acc_cnt_d = beat ? cnt1 + take_n : acc_cnt_n;
    flen_d    = beat ? flen_q + 16'(take_n) : flen_n;
    ferr_d    = ferr_n || bad;
    dmaerr_d  = dmaerr_n || bad;
    ptr_d     = beat ? BeatOffW'(ptr_n + (BeatOffW+1)'(take_n)) : ptr_q;
    rem_d     = beat ? rem_n - 13'(take_n) : rem_q;
    started_d = beat ? !beat_end : started_q;
    flush_d   = flush_n || (beat && beat_end && cmd.eop);
    ifcs_d    = (beat && beat_end && cmd.eop) ? cmd.ifcs : ifcs_n;
  end

  // Checksums over the stored words; the final values ride in the metadata.
  nic_tx_csum u_csum (
    .clk_i, .rst_ni,
    .word_valid_i(tx_push_o), .word_i(tx_data_o),
    .frame_end_i(meta_push_o), .frame_len_i(flen_q), .ol_i(ol_q),
    .meta_o(cs_meta)
  );

  always_comb begin : p_meta
    // nic_tx_csum fills the offload fields; these come from the packer.
    meta_o         = cs_meta;
    meta_o.err     = ferr_q;
    meta_o.ifcs    = ifcs_q;
    meta_o.len     = flen_q;
    meta_o.pkt_end = ol_q.seg_last;
    meta_o.ct      = ct_frame_q;
    dma_err_o      = meta_push_o && dmaerr_q;
  end

  assign idle_o = cmd_empty && acc_cnt_q == '0 && !flush_q && !ct_push_q;

  // Cut-through: a ct command's first take (a frame's first bytes are never
  // taken in a flush or tag cycle) announces the frame; registered, so the
  // output comes from flops like the others.
  always_comb begin : p_ct
    ct_push_d  = !flush_q && !cmd_empty && cmd.has_data && cmd.ct && r_valid_i && !started_q;
    ct_d       = ct_push_d ? '{len: cmd.ct_len} : ct_q;
    ct_frame_d = ct_push_d || (ct_frame_q && !meta_push_o);
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin : p_ct_regs
    if (!rst_ni) begin
      ct_push_q  <= 1'b0;
      ct_frame_q <= 1'b0;
      ct_q       <= '0;
    end else begin
      ct_push_q  <= ct_push_d;
      ct_frame_q <= ct_frame_d;
      ct_q       <= ct_d;
    end
  end
  assign ct_push_o = ct_push_q;
  assign ct_o      = ct_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin : p_regs
    if (!rst_ni) begin
      acc_q     <= '0;
      acc_cnt_q <= '0;
      started_q <= 1'b0;
      ptr_q     <= '0;
      rem_q     <= '0;
      flush_q   <= 1'b0;
      ifcs_q    <= 1'b0;
      flen_q    <= '0;
      ferr_q    <= 1'b0;
      dmaerr_q  <= 1'b0;
      tag_q     <= 1'b0;
      ol_q      <= '0;
    end else begin
      // A beat's wanted bytes go in behind the ones already held.
      acc_q     <= beat ? acc1 | ({64'h0, 64'(r_data_i >> {ptr_n, 3'b000}) & lanes_n} << {cnt1, 3'b000})
                       : acc_n;
      acc_cnt_q <= acc_cnt_d;
      started_q <= started_d;
      ptr_q     <= ptr_d;
      rem_q     <= rem_d;
      flush_q   <= flush_d;
      ifcs_q    <= ifcs_d;
      flen_q    <= flen_d;
      ferr_q    <= ferr_d;
      dmaerr_q  <= dmaerr_d;
      tag_q     <= tag_d;
      ol_q      <= ol_d;
    end
  end

  // A command's last byte lies in its burst's last beat.
  LastBeatMatches: assert property (@(posedge clk_i) disable iff (!rst_ni)
      r_ready_o && cmd_pop |-> r_last_i);
  NoBeatWithoutCmd: assert property (@(posedge clk_i) disable iff (!rst_ni)
      r_valid_i |-> !cmd_empty);
  // Metadata only once the frame's last word is out of the accumulator.
  MetaAfterLastWord: assert property (@(posedge clk_i) disable iff (!rst_ni)
      meta_push_o |-> flush_q && acc_cnt_d == 4'd0);
  // A ct frame is announced once, before its metadata.
  CtOncePerFrame: assert property (@(posedge clk_i) disable iff (!rst_ni)
      ct_push_d |-> !ct_frame_q && !flush_q);
  // A frame never outgrows the limit the request side enforces (+ tag).
  FrameBounded: assert property (@(posedge clk_i) disable iff (!rst_ni)
      flen_q <= 16'(MaxFrameBytes + 8));

endmodule

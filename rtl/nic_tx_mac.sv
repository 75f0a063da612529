// nic_tx_mac: 64-bit XGMII transmitter. Starts a frame only when its metadata
// (and so all of its words) is stored; sends preamble/SFD, the frame bytes,
// zero padding to 60 bytes (PSP), the FCS (IFCS) and /T/. /S/ goes on lane 0
// or lane 4: the core builds frame-aligned words and an output stage delays
// them by four lanes when the frame starts on lane 4. A deficit idle count
// (IEEE 802.3 46.3.1.4, 0..3 bytes) picks each gap so the average gap equals
// max(12, IPGT) exactly. Frames marked bad or of length 0 are dropped.
// Cut-through: a frame announced by an early entry (ct FIFO) starts once
// thresh_i of its bytes, or all of them, are stored, with the early length;
// its metadata is popped at its end. An underrun (a word, or the metadata at
// the FCS, not there in time) or an error in the metadata ends the frame with
// the complement of its FCS and /T/; the rest of its words are discarded.
module nic_tx_mac #(
  parameter int unsigned TxCountW = 12  // width of the TX FIFO's word count
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                psp_i,
  input  logic [9:0]          ipgt_i,
  // TX FIFO (first word fall through)
  input  logic [63:0]         tx_data_i,
  input  logic                tx_empty_i,
  output logic                tx_pop_o,
  input  logic [TxCountW-1:0] tx_count_i,
  // Metadata FIFO
  input  nic_abi_types_pkg::tx_meta_t   meta_i,
  input  logic                meta_empty_i,
  output logic                meta_pop_o,
  // Cut-through early entries and the start threshold (bytes)
  input  nic_abi_types_pkg::tx_ct_t     ct_i,
  input  logic                ct_empty_i,
  output logic                ct_pop_o,
  input  logic [11:0]         thresh_i,
  output logic                underrun_o,      // a cut-through frame ran dry (TDURC)
  // XGMII
  output logic [63:0]         xgmii_txd_o,
  output logic [7:0]          xgmii_txc_o,
  // Events, aligned with the word carrying /T/
  output logic                frame_sent_o,
  output logic [16:0]         frame_octets_o,  // DA..FCS including padding
  output logic                frame_drop_o,
  output logic                frame_pkt_end_o, // the frame was its packet's last
  output logic                frame_bcast_o,   // DA of the sent frame is broadcast
  output logic                frame_mcast_o,   // ... multicast (not broadcast)
  output logic                idle_o           // between frames, gap paid, XGMII idle, no event
);
  import nic_abi_pkg::*;

  localparam logic [63:0] IdleWord     = {8{XgmiiIdle}};
  localparam logic [63:0] PreambleWord = {XgmiiSfd, {6{XgmiiPre}}, XgmiiStart};

  // StAbort: a cut-through frame was ended early; discard its remaining
  // words and wait for its metadata.
  typedef enum logic [1:0] {StIdle, StData, StDrop, StAbort} state_e;

  state_e      st_q, st_d;
  logic [16:0] pos_q, pos_d;   // frame byte index of lane 0 of the current word
  logic [31:0] crc_q, crc_d;
  logic [7:0]  ifg_q, ifg_d;   // idle words still owed before the next /S/
  logic [63:0] txd_d;          // core word (frame aligned)
  logic [7:0]  txc_d;
  logic [31:0] hold_txd_q;     // upper half of the previous core word
  logic [3:0]  hold_txc_q;
  logic [63:0] out_txd_q, out_txd_d;  // XGMII output
  logic [7:0]  out_txc_q, out_txc_d;
  logic        shift_q, shift_d;      // current frame starts on lane 4
  logic        next_shift_q, next_shift_d;
  logic [1:0]  dic_q, dic_d;          // deficit idle count, bytes
  logic        sent_q, sent_d, drop_q, drop_d;
  logic [16:0] octets_q, octets_d;
  logic        pkt_end_q, pkt_end_d, bcast_q, bcast_d, mcast_q, mcast_d;
  logic        ct_q, ct_d;            // the current frame is cut through
  logic        bad_q, bad_d;          // ... and its FCS goes out spoiled
  logic [15:0] ct_len_q, ct_len_d;    // ... its early length
  logic        urun_q, urun_d;
  logic        ct_head, ct_ready, fcs_word, ct_bad_now, starve;
  logic [16:0] ct_need;               // bytes stored before a ct frame may start

  logic [16:0] len, padded, total;
  logic [16:0] field_end;       // last byte position of any offload field
  logic [63:0] data_word;
  logic [3:0]  crc_nbytes;
  logic [31:0] crc_next;

  always_comb begin : p_lengths
    logic [16:0] b;
    // A cut-through frame uses its early length; offload fields never apply.
    len    = ct_q ? {1'b0, ct_len_q} : {1'b0, meta_i.len};
    padded = (psp_i && len < 17'(MinFrameBytes)) ? 17'(MinFrameBytes) : len;
    total  = padded + ((meta_i.ifcs || ct_q) ? 17'd4 : 17'd0);
    // Frame bytes past the stored length are padding zeros; checksum and
    // TSO fields are replaced by the values in the metadata.
    for (int i = 0; i < 8; i++) begin
      data_word[8*i +: 8] = (pos_q + 17'(i) < len) ? tx_data_i[8*i +: 8] : 8'h00;
    end
    // Speed: the fields sit in the header; a word that starts past the last
    // field byte (field_end) skips the per-lane compares.
    field_end = 17'(meta_i.ip_off) + 17'd1;
    if (meta_i.tso && 17'(meta_i.ip_base) + 17'd5 > field_end)   field_end = 17'(meta_i.ip_base) + 17'd5;
    if (meta_i.tso && 17'(meta_i.tcp_base) + 17'd13 > field_end) field_end = 17'(meta_i.tcp_base) + 17'd13;
    if (17'(meta_i.tu_off) + 17'd1 > field_end)                  field_end = 17'(meta_i.tu_off) + 17'd1;
    b = pos_q;
    if (!ct_q && pos_q <= field_end) for (int i = 0; i < 8; i++) begin
      b = pos_q + 17'(i);
      if (b < len) begin
        if (meta_i.ip_ins && b == 17'(meta_i.ip_off))         data_word[8*i +: 8] = meta_i.ip_csum[15:8];
        if (meta_i.ip_ins && b == 17'(meta_i.ip_off) + 17'd1) data_word[8*i +: 8] = meta_i.ip_csum[7:0];
        if (meta_i.tso) begin
          if (b == 17'(meta_i.ip_base) + 17'd2)   data_word[8*i +: 8] = meta_i.ip_len[15:8];
          if (b == 17'(meta_i.ip_base) + 17'd3)   data_word[8*i +: 8] = meta_i.ip_len[7:0];
          if (b == 17'(meta_i.ip_base) + 17'd4)   data_word[8*i +: 8] = meta_i.ip_id[15:8];
          if (b == 17'(meta_i.ip_base) + 17'd5)   data_word[8*i +: 8] = meta_i.ip_id[7:0];
          if (b == 17'(meta_i.tcp_base) + 17'd4)  data_word[8*i +: 8] = meta_i.tcp_seq[31:24];
          if (b == 17'(meta_i.tcp_base) + 17'd5)  data_word[8*i +: 8] = meta_i.tcp_seq[23:16];
          if (b == 17'(meta_i.tcp_base) + 17'd6)  data_word[8*i +: 8] = meta_i.tcp_seq[15:8];
          if (b == 17'(meta_i.tcp_base) + 17'd7)  data_word[8*i +: 8] = meta_i.tcp_seq[7:0];
          if (b == 17'(meta_i.tcp_base) + 17'd13) data_word[8*i +: 8] = meta_i.tcp_flags;
        end
        if (meta_i.tu_ins && b == 17'(meta_i.tu_off))         data_word[8*i +: 8] = meta_i.tu_csum[15:8];
        if (meta_i.tu_ins && b == 17'(meta_i.tu_off) + 17'd1) data_word[8*i +: 8] = meta_i.tu_csum[7:0];
      end
    end
    if (padded <= pos_q)              crc_nbytes = 4'd0;
    else if (padded - pos_q >= 17'd8) crc_nbytes = 4'd8;
    else                              crc_nbytes = 4'(padded - pos_q);
  end

  // FCS bytes come from crc_next: in the word after the last data byte it
  // equals crc_q, which then already covers the whole frame.
  nic_crc32_64 u_crc (
    .crc_i(crc_q), .data_i(data_word), .nbytes_i(crc_nbytes), .crc_o(crc_next)
  );

  always_comb begin : p_ct
    // The next frame is a cut-through one when an early entry waits and the
    // oldest metadata (if any) is that frame's: frames are stored in order,
    // and a started ct frame has popped its entry.
    ct_head    = !ct_empty_i && (meta_empty_i || meta_i.ct);
    // Start at the threshold plus 1/16 of the frame, or with the whole frame
    // stored (its metadata). The packer fills at most 8 bytes a cycle, the
    // rate the MAC drains, so every lost cycle stays lost: up to two partial
    // takes per 512-byte read, and descriptor beats the shared R channel
    // hands in between, both in proportion to the frame's length.
    ct_need    = 17'(thresh_i) + 17'(ct_i.len[15:4]);
    ct_ready   = !meta_empty_i ||
                 ({1'b0, ct_i.len} > ct_need && 17'({tx_count_i, 3'b000}) >= ct_need);
    // The first FCS byte is in this word: the metadata (err) decides it.
    fcs_word   = padded >= pos_q && padded < pos_q + 17'd8;
    ct_bad_now = bad_q || (fcs_word && (meta_empty_i || meta_i.err));
    // A data word is due and not stored.
    starve     = ct_q && pos_q < len && tx_empty_i;
  end

  always_comb begin : p_fsm
    logic [31:0] fcs;
    logic [16:0] b;
    // 11 bits: IPGT up to 1023 plus a 4-byte round-up plus 7 + 4 lanes
    // must not wrap (a wrap gave ~2 KB gaps and a lane-4 start off an idle).
    logic [10:0] gap, gap_dn, x;
    logic [2:0]  rnd;
    logic [1:0]  t_lane;

    st_d       = st_q;
    b          = '0;  // a loop temporary (StData), so no state keeps it
    pos_d      = pos_q;
    crc_d      = crc_q;
    ifg_d      = (ifg_q != '0) ? ifg_q - 1'b1 : ifg_q;
    txd_d      = IdleWord;
    txc_d      = 8'hFF;
    sent_d     = 1'b0;
    drop_d     = 1'b0;
    octets_d   = octets_q;
    pkt_end_d  = pkt_end_q;
    bcast_d    = bcast_q;
    mcast_d    = mcast_q;
    tx_pop_o   = 1'b0;
    meta_pop_o = 1'b0;
    ct_pop_o   = 1'b0;
    ct_d       = ct_q;
    bad_d      = bad_q;
    ct_len_d   = ct_len_q;
    urun_d     = 1'b0;
    shift_d      = shift_q;
    next_shift_d = next_shift_q;
    dic_d        = dic_q;
    fcs        = (ct_q && ct_bad_now) ? crc_next : ~crc_next;
    gap        = (ipgt_i < 10'(MinIfgBytes)) ? 11'(MinIfgBytes) : 11'(ipgt_i);
    // Gaps (from /T/ to /S/) that end on lane 0 or 4 are = -t mod 4, with t
    // the /T/ lane in the frame-aligned word. Round down while the deficit
    // stays within 3 bytes, else round up and pay the deficit back.
    // An underrun ends the frame after 4 spoiled FCS bytes at pos_q.
    t_lane     = starve ? 2'd0 : total[1:0];
    rnd        = 3'(2'(gap[1:0] + t_lane));
    gap_dn     = gap - 11'(rnd);
    if (3'(dic_q) + rnd > 3'd3) begin
      gap_dn = gap_dn + 11'd4;
      rnd    = rnd - 3'd4;
    end
    x          = (starve ? 11'd4 : 11'(total[2:0])) + (shift_q ? 11'd4 : 11'd0) + gap_dn;

    unique case (st_q)
      StIdle: begin
        if (ifg_q == '0 && ct_head) begin
          if (ct_ready) begin
            ct_pop_o = 1'b1;
            ct_d     = 1'b1;
            bad_d    = 1'b0;
            ct_len_d = ct_i.len;
            pos_d    = '0;
            st_d     = StData;
            crc_d    = CrcInit;
            txd_d    = PreambleWord;
            txc_d    = 8'h01;
            shift_d  = next_shift_q;
          end
        end else if (ifg_q == '0 && !meta_empty_i) begin
          ct_d = 1'b0;
          pos_d = '0;
          if (meta_i.err || meta_i.len == '0) begin
            st_d = StDrop;
          end else begin
            st_d    = StData;
            crc_d   = CrcInit;
            txd_d   = PreambleWord;
            txc_d   = 8'h01;
            shift_d = next_shift_q;
          end
        end
      end
      StData: begin
        for (int i = 0; i < 8; i++) begin
          b = pos_q + 17'(i);
          if (b < padded) begin
            txd_d[8*i +: 8] = data_word[8*i +: 8];
            txc_d[i]        = 1'b0;
          end else if ((meta_i.ifcs || ct_q) && b < total) begin
            txd_d[8*i +: 8] = fcs[8*(b - padded) +: 8];
            txc_d[i]        = 1'b0;
          end else if (b == total) begin
            txd_d[8*i +: 8] = XgmiiTerm;
          end
        end
        if (pos_q == '0) begin
          bcast_d = (data_word[47:0] == 48'hFFFF_FFFF_FFFF);
          mcast_d = data_word[0] && !bcast_d;
        end
        tx_pop_o = (pos_q < len);
        crc_d    = crc_next;
        pos_d    = pos_q + 17'd8;
        if (ct_q) begin
          bad_d  = ct_bad_now;
          // The metadata missing when the FCS is due counts as an underrun.
          urun_d = fcs_word && !bad_q && meta_empty_i;
        end
        if (total < pos_q + 17'd8) begin
          // This word carries /T/: the frame has left.
          st_d       = StIdle;
          meta_pop_o = 1'b1;
          sent_d     = 1'b1;
          pkt_end_d  = meta_i.pkt_end;
          octets_d   = total;
          dic_d      = 2'(3'(dic_q) + rnd);
          next_shift_d = x[2];
          ifg_d      = 8'((x >> 3) - 11'd1);
          if (ct_q && (ct_bad_now || meta_empty_i)) begin
            // Spoiled: counted as a drop once its metadata is popped.
            st_d       = StAbort;
            meta_pop_o = 1'b0;
            sent_d     = 1'b0;
          end
        end
        if (starve) begin
          // Underrun: instead, the complement of the FCS so far and /T/;
          // the rest of the frame's words are discarded (StAbort).
          txd_d      = {IdleWord[63:40], XgmiiTerm, crc_q};
          txc_d      = 8'hF0;
          tx_pop_o   = 1'b0;
          crc_d      = crc_q;
          pos_d      = pos_q;
          bcast_d    = bcast_q;
          mcast_d    = mcast_q;
          meta_pop_o = 1'b0;
          sent_d     = 1'b0;
          pkt_end_d  = pkt_end_q;
          octets_d   = octets_q;
          st_d       = StAbort;
          urun_d     = 1'b1;
          bad_d      = 1'b1;
          dic_d      = 2'(3'(dic_q) + rnd);
          next_shift_d = x[2];
          ifg_d      = 8'((x >> 3) - 11'd1);
        end
      end
      StAbort: begin
        if (pos_q < len) begin
          tx_pop_o = !tx_empty_i;
          pos_d    = tx_empty_i ? pos_q : pos_q + 17'd8;
        end else if (!meta_empty_i) begin
          st_d       = StIdle;
          meta_pop_o = 1'b1;
          drop_d     = 1'b1;
          pkt_end_d  = meta_i.pkt_end;
        end
      end
      StDrop: begin
        if (pos_q < len) begin
          tx_pop_o = 1'b1;
          pos_d    = pos_q + 17'd8;
        end else begin
          st_d       = StIdle;
          meta_pop_o = 1'b1;
          drop_d     = 1'b1;
          pkt_end_d  = meta_i.pkt_end;
        end
      end
      default: st_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin : p_regs
    if (!rst_ni) begin
      st_q     <= StIdle;
      pos_q    <= '0;
      crc_q    <= CrcInit;
      ifg_q    <= '0;
      hold_txd_q <= IdleWord[31:0];
      hold_txc_q <= 4'hF;
      sent_q   <= 1'b0;
      drop_q   <= 1'b0;
      octets_q <= '0;
      pkt_end_q <= 1'b0;
      bcast_q  <= 1'b0;
      mcast_q  <= 1'b0;
      out_txd_q <= IdleWord;
      out_txc_q <= 8'hFF;
      shift_q   <= 1'b0;
      next_shift_q <= 1'b0;
      dic_q     <= '0;
      ct_q      <= 1'b0;
      bad_q     <= 1'b0;
      ct_len_q  <= '0;
      urun_q    <= 1'b0;
    end else begin
      st_q     <= st_d;
      pos_q    <= pos_d;
      crc_q    <= crc_d;
      ifg_q    <= ifg_d;
      hold_txd_q <= txd_d[63:32];
      hold_txc_q <= txc_d[7:4];
      sent_q   <= sent_d;
      drop_q   <= drop_d;
      octets_q <= octets_d;
      pkt_end_q <= pkt_end_d;
      bcast_q  <= bcast_d;
      mcast_q  <= mcast_d;
      out_txd_q <= out_txd_d;
      out_txc_q <= out_txc_d;
      shift_q   <= shift_d;
      next_shift_q <= next_shift_d;
      dic_q     <= dic_d;
      ct_q      <= ct_d;
      bad_q     <= bad_d;
      ct_len_q  <= ct_len_d;
      urun_q    <= urun_d;
    end
  end

  // Output stage: a frame started on lane 4 leaves four lanes late, its
  // words straddling two core words. A change of shift only happens at a
  // preamble, whose previous core word has idles in its upper half.
  always_comb begin : p_out
    if (shift_d) begin
      out_txd_d = {txd_d[31:0], hold_txd_q};
      out_txc_d = {txc_d[3:0], hold_txc_q};
    end else begin
      out_txd_d = txd_d;
      out_txc_d = txc_d;
    end
  end

  // Idle: no frame in progress, no idle words still owed (ifg_q counts
  // down), no event pulse, and the output stage holds idle characters, so
  // with no metadata the next edge changes nothing (dic_q, shift_q keep).
  assign idle_o = st_q == StIdle && ifg_q == '0 && !sent_q && !drop_q && !urun_q &&
                  out_txd_q == IdleWord && out_txc_q == 8'hFF &&
                  hold_txd_q == IdleWord[31:0] && hold_txc_q == 4'hF;

  assign xgmii_txd_o    = out_txd_q;
  assign xgmii_txc_o    = out_txc_q;
  assign frame_sent_o   = sent_q;
  assign frame_octets_o = octets_q;
  assign frame_drop_o   = drop_q;
  assign frame_pkt_end_o = pkt_end_q;
  assign frame_bcast_o  = bcast_q;
  assign frame_mcast_o  = mcast_q;
  assign underrun_o     = urun_q;

  StateLegal: assert property (@(posedge clk_i) disable iff (!rst_ni)
      st_q inside {StIdle, StData, StDrop, StAbort});
  // Nothing is popped from an empty FIFO; a store-and-forward frame never
  // waits for a word (all of them were stored before it started).
  NoPopEmpty: assert property (@(posedge clk_i) disable iff (!rst_ni)
      tx_pop_o |-> !tx_empty_i);
  StoreForwardNeverStarves: assert property (@(posedge clk_i) disable iff (!rst_ni)
      st_q == StData && !ct_q && pos_q < len |-> !tx_empty_i);
  MetaPopNotEmpty: assert property (@(posedge clk_i) disable iff (!rst_ni)
      meta_pop_o |-> !meta_empty_i);
  CtPopNotEmpty: assert property (@(posedge clk_i) disable iff (!rst_ni)
      ct_pop_o |-> !ct_empty_i);
  // The metadata popped belongs to the frame: a ct frame's says ct and has
  // the early length; a store-and-forward frame's does not say ct.
  MetaMatchesFrame: assert property (@(posedge clk_i) disable iff (!rst_ni)
      meta_pop_o |-> (meta_i.ct == ct_q) && (!ct_q || meta_i.len == ct_len_q));
  // Only cut-through frames underrun or abort.
  AbortOnlyCutThrough: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (st_q == StAbort || urun_d) |-> ct_q);
  // /S/ only ever appears on lane 0 or lane 4.
  StartOnLane0Or4: assert property (@(posedge clk_i) disable iff (!rst_ni)
      ({xgmii_txc_o[7:5], xgmii_txc_o[3:1]} &
       {xgmii_txd_o[63:56] == XgmiiStart, xgmii_txd_o[55:48] == XgmiiStart,
        xgmii_txd_o[47:40] == XgmiiStart, xgmii_txd_o[31:24] == XgmiiStart,
        xgmii_txd_o[23:16] == XgmiiStart, xgmii_txd_o[15:8] == XgmiiStart}) == 6'h0);
  // A shift change needs idles in the upper half of the previous core word.
  ShiftChangeOnIdle: assert property (@(posedge clk_i) disable iff (!rst_ni)
      shift_d != shift_q |-> hold_txc_q == 4'hF && hold_txd_q == {4{XgmiiIdle}});

endmodule

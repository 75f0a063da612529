// nic_tx_mac: 64-bit XGMII transmitter. Starts a frame only when its metadata
// (and so all of its words) is stored; sends preamble/SFD, the frame bytes,
// zero padding to 60 bytes (PSP), the FCS (IFCS) and /T/. /S/ goes on lane 0
// or lane 4: the core builds frame-aligned words and an output stage delays
// them by four lanes when the frame starts on lane 4. A deficit idle count
// (IEEE 802.3 46.3.1.4, 0..3 bytes) picks each gap so the average gap equals
// max(12, IPGT) exactly. Frames marked bad or of length 0 are dropped.
module nic_tx_mac (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                psp_i,
  input  logic [9:0]          ipgt_i,
  // TX FIFO (first word fall through)
  input  logic [63:0]         tx_data_i,
  input  logic                tx_empty_i,
  output logic                tx_pop_o,
  // Metadata FIFO
  input  nic_abi_types_pkg::tx_meta_t   meta_i,
  input  logic                meta_empty_i,
  output logic                meta_pop_o,
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

  typedef enum logic [1:0] {StIdle, StData, StDrop} state_e;

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

  logic [16:0] len, padded, total;
  logic [63:0] data_word;
  logic [3:0]  crc_nbytes;
  logic [31:0] crc_next;

  always_comb begin : p_lengths
    len    = {1'b0, meta_i.len};
    padded = (psp_i && len < 17'(MinFrameBytes)) ? 17'(MinFrameBytes) : len;
    total  = padded + (meta_i.ifcs ? 17'd4 : 17'd0);
    // Frame bytes past the stored length are padding zeros; checksum and
    // TSO fields are replaced by the values in the metadata.
    for (int i = 0; i < 8; i++) begin
      logic [16:0] b;
      b = pos_q + 17'(i);
      data_word[8*i +: 8] = (b < len) ? tx_data_i[8*i +: 8] : 8'h00;
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

  always_comb begin : p_fsm
    logic [31:0] fcs;
    logic [16:0] b;
    // 11 bits: IPGT up to 1023 plus a 4-byte round-up plus 7 + 4 lanes
    // must not wrap (a wrap gave ~2 KB gaps and a lane-4 start off an idle).
    logic [10:0] gap, gap_dn, x;
    logic [2:0]  rnd;
    logic [1:0]  t_lane;

    st_d       = st_q;
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
    shift_d      = shift_q;
    next_shift_d = next_shift_q;
    dic_d        = dic_q;
    fcs        = ~crc_next;
    gap        = (ipgt_i < 10'(MinIfgBytes)) ? 11'(MinIfgBytes) : 11'(ipgt_i);
    // Gaps (from /T/ to /S/) that end on lane 0 or 4 are = -t mod 4, with t
    // the /T/ lane in the frame-aligned word. Round down while the deficit
    // stays within 3 bytes, else round up and pay the deficit back.
    t_lane     = total[1:0];
    rnd        = 3'(2'(gap[1:0] + t_lane));
    gap_dn     = gap - 11'(rnd);
    if (3'(dic_q) + rnd > 3'd3) begin
      gap_dn = gap_dn + 11'd4;
      rnd    = rnd - 3'd4;
    end
    x          = 11'(total[2:0]) + (shift_q ? 11'd4 : 11'd0) + gap_dn;

    unique case (st_q)
      StIdle: begin
        if (ifg_q == '0 && !meta_empty_i) begin
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
          end else if (meta_i.ifcs && b < total) begin
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
  assign idle_o = st_q == StIdle && ifg_q == '0 && !sent_q && !drop_q &&
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

  StateLegal: assert property (@(posedge clk_i) disable iff (!rst_ni)
      st_q inside {StIdle, StData, StDrop});
  // Store and forward: every word of a started frame is already stored.
  NoPopEmpty: assert property (@(posedge clk_i) disable iff (!rst_ni) tx_pop_o |-> !tx_empty_i);
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

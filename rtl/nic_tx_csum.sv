// nic_tx_csum: sums the checksum ranges of a frame while its words go into the
// TX FIFO and, at the frame's end, computes the values the MAC writes over the
// stored bytes: the IPv4 header checksum (IXSM, over IPCSS..IPCSE with the
// checksum field taken as zero), the TCP/UDP checksum (TXSM or legacy IC,
// over TUCSS..TUCSE including the pseudo-header sum the driver left in the
// field; a UDP result of 0 goes out as 0xFFFF) and, for a TSO segment, the
// IPv4 total length and ID (+segment number), TCP sequence number and flags
// (PSH/FIN only on the last segment), all included in the checksums.
// Bytes are summed by absolute position (even offset = high byte); a range
// starting at an odd offset gets its result byte-swapped.
module nic_tx_csum (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic                  word_valid_i,  // word_i is stored at the next 8 bytes
  input  logic [63:0]           word_i,
  input  logic                  frame_end_i,   // the frame ends (after word_i if valid)
  input  logic [15:0]           frame_len_i,   // bytes stored, VLAN tag included
  input  nic_abi_types_pkg::tx_offload_t  ol_i,
  output nic_abi_types_pkg::tx_meta_t     meta_o         // offload fields only
);
  import nic_abi_pkg::*;

  logic [15:0] wpos_q, wpos_d, wpos_n;
  logic [31:0] ip_acc_q, ip_acc_d, ip_acc_n, tu_acc_q, tu_acc_d, tu_acc_n;
  logic [15:0] id_q, id_d, id_n;
  logic [31:0] seq_q, seq_d, seq_n;
  logic [7:0]  flags_q, flags_d, flags_n;

  // Offsets move by the 4-byte tag when it sits before them.
  function automatic logic [15:0] adj(logic [15:0] off, logic vle);
    return (vle && off >= 16'd12) ? off + 16'd4 : off;
  endfunction

  function automatic logic [15:0] fold(logic [31:0] sum);
    logic [16:0] s;
    s = {1'b0, sum[15:0]} + {1'b0, sum[31:16]};
    return s[15:0] + {15'h0, s[16]};
  endfunction

  logic [15:0] ipcss, ipcso, ipcse, tucss, tucso, tucse;

  always_comb begin : p_offsets
    ipcss = adj({8'h0, ol_i.ipcss}, ol_i.vle);
    ipcso = adj({8'h0, ol_i.ipcso}, ol_i.vle);
    ipcse = (ol_i.ipcse == '0) ? 16'hFFFF : adj(ol_i.ipcse, ol_i.vle);
    tucss = adj({8'h0, ol_i.tucss}, ol_i.vle);
    tucso = adj({8'h0, ol_i.tucso}, ol_i.vle);
    tucse = (ol_i.tucse == '0) ? 16'hFFFF : adj(ol_i.tucse, ol_i.vle);
  end

  // Lanes of the word at wpos_q whose absolute position lies in [lo, hi].
  function automatic logic [7:0] lanes_in(logic [15:0] wpos, logic [15:0] lo, logic [15:0] hi);
    logic [16:0] l, h;
    logic [7:0]  ge, le;
    l  = {1'b0, lo} - {1'b0, wpos};  // lane of lo (negative: before the word)
    h  = {1'b0, hi} - {1'b0, wpos};
    ge = l[16] ? 8'hFF : (l >= 17'd8 ? 8'h00 : 8'hFF << l[2:0]);
    le = h[16] ? 8'h00 : (h >= 17'd7 ? 8'hFF : 8'hFF >> (3'd7 - h[2:0]));
    return ge & le;
  endfunction

  // Per word, not per byte: a lane mask for each range, then four 16-bit
  // adds (lanes 2k, 2k+1 are the high and low byte of one 16-bit word,
  // since words are stored from even positions).
  function automatic logic [31:0] sum_lanes(logic [63:0] w, logic [7:0] m);
    logic [31:0] s;
    s = '0;
    for (int k = 0; k < 4; k++)
      s = s + {16'h0, m[2*k] ? w[16*k +: 8] : 8'h00, m[2*k+1] ? w[16*k+8 +: 8] : 8'h00};
    return s;
  endfunction

  always_comb begin : p_sum
    logic [7:0]  ip_m, tu_m;
    logic [16:0] o;
    ip_m = '0;
    tu_m = '0;
    o    = '0;
    if (ol_i.ixsm) begin
      ip_m = lanes_in(wpos_q, ipcss, ipcse) & ~lanes_in(wpos_q, ipcso, ipcso + 16'd1);
      if (ol_i.tse) ip_m = ip_m & ~lanes_in(wpos_q, ipcss + 16'd2, ipcss + 16'd5);
    end
    if (ol_i.txsm) begin
      tu_m = lanes_in(wpos_q, tucss, tucse);
      if (ol_i.tse)
        tu_m = tu_m & ~lanes_in(wpos_q, tucss + 16'd4, tucss + 16'd7) &
               ~lanes_in(wpos_q, tucss + 16'd13, tucss + 16'd13);
    end
    id_n    = id_q;
    seq_n   = seq_q;
    flags_n = flags_q;
    // The TSO fields the MAC rewrites, captured as they pass.
    if (word_valid_i) begin
      for (int i = 0; i < 2; i++) begin
        o = {1'b0, ipcss + 16'd4 + 16'(i)} - {1'b0, wpos_q};
        if (o < 17'd8) id_n[15 - 8*i -: 8] = word_i[8*o[2:0] +: 8];
      end
      for (int i = 0; i < 4; i++) begin
        o = {1'b0, tucss + 16'd4 + 16'(i)} - {1'b0, wpos_q};
        if (o < 17'd8) seq_n[31 - 8*i -: 8] = word_i[8*o[2:0] +: 8];
      end
      o = {1'b0, tucss + 16'd13} - {1'b0, wpos_q};
      if (o < 17'd8) flags_n = word_i[8*o[2:0] +: 8];
    end
    ip_acc_n = ip_acc_q + (word_valid_i ? sum_lanes(word_i, ip_m) : 32'h0);
    tu_acc_n = tu_acc_q + (word_valid_i ? sum_lanes(word_i, tu_m) : 32'h0);
    wpos_n   = word_valid_i ? wpos_q + 16'd8 : wpos_q;
  end

  always_comb begin : p_final
    logic [15:0] ip_len, tcp_len, ip_id, ip_c, tu_c;
    logic [31:0] seq, ip_total, tu_total;
    logic [7:0]  flags;
    ip_len   = frame_len_i - ipcss;
    tcp_len  = frame_len_i - tucss;
    ip_id    = id_n + ol_i.seg_idx;
    seq      = seq_n + ol_i.seq_add;
    flags    = ol_i.seg_last ? flags_n : flags_n & ~TcpFlagsLastOnly;
    ip_total = ip_acc_n;
    tu_total = tu_acc_n;
    if (ol_i.tse) begin
      ip_total = ip_total + 32'(ip_len) + 32'(ip_id);
      tu_total = tu_total + 32'(tcp_len) + 32'(seq[31:16]) + 32'(seq[15:0]) + 32'(flags);
    end
    ip_c = ~fold(ip_total);
    if (ipcss[0]) ip_c = {ip_c[7:0], ip_c[15:8]};
    tu_c = ~fold(tu_total);
    if (tucss[0]) tu_c = {tu_c[7:0], tu_c[15:8]};
    if (!ol_i.legacy && !ol_i.tcp && tu_c == 16'h0000) tu_c = 16'hFFFF;

    meta_o           = '0;
    meta_o.ip_ins    = ol_i.ixsm;
    meta_o.ip_off    = ipcso;
    meta_o.ip_csum   = ip_c;
    meta_o.tu_ins    = ol_i.txsm;
    meta_o.tu_off    = tucso;
    meta_o.tu_csum   = tu_c;
    meta_o.tso       = ol_i.tse;
    meta_o.ip_base   = ipcss;
    meta_o.tcp_base  = tucss;
    meta_o.ip_len    = ip_len;
    meta_o.ip_id     = ip_id;
    meta_o.tcp_seq   = seq;
    meta_o.tcp_flags = flags;
  end

  // A frame's end clears the sums for the next frame.
  always_comb begin : p_next
    wpos_d   = frame_end_i ? '0 : wpos_n;
    ip_acc_d = frame_end_i ? '0 : ip_acc_n;
    tu_acc_d = frame_end_i ? '0 : tu_acc_n;
    id_d     = frame_end_i ? '0 : id_n;
    seq_d    = frame_end_i ? '0 : seq_n;
    flags_d  = frame_end_i ? '0 : flags_n;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin : p_regs
    if (!rst_ni) begin
      wpos_q   <= '0;
      ip_acc_q <= '0;
      tu_acc_q <= '0;
      id_q     <= '0;
      seq_q    <= '0;
      flags_q  <= '0;
    end else begin
      wpos_q   <= wpos_d;
      ip_acc_q <= ip_acc_d;
      tu_acc_q <= tu_acc_d;
      id_q     <= id_d;
      seq_q    <= seq_d;
      flags_q  <= flags_d;
    end
  end

  logic unused_vlan;
  assign unused_vlan = ^ol_i.vlan;

  // Words are stored only from the frame's start, 8 bytes at a time.
  WordAligned: assert property (@(posedge clk_i) disable iff (!rst_ni) wpos_q[2:0] == 3'd0);

endmodule

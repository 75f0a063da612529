// nic_data_dma: takes fetched descriptors in order (legacy, context, data),
// queues them for completion and reads their buffers with ARID 1 in bursts
// that never cross 4 KiB. A read is issued only when the TX FIFO has room
// reserved for its words (credits), so R beats are never held up by a full
// FIFO. Each read carries the frame's offloads to the packer. TSO: every
// segment is its own frame, HDRLEN header bytes read again from the packet's
// first buffer followed by up to MSS payload bytes. Bad input is dropped or
// skipped with a counted event, never a hang:
//   TSE without a usable TSO context (or a first buffer shorter than HDRLEN,
//   or no payload)      -> packet dropped, tso_fail_o
//   frame > MaxFrameBytes -> rest not read, frame dropped, oversize_o
//   MaxDescPerPkt descriptors without a packet end -> as above
//   length 0            -> nothing read, zero_len_o
//   DEXT with a reserved DTYP -> treated as length 0, bad_desc_o
//   descriptor read error -> ends its packet, which is dropped (DMA error)
module nic_data_dma #(
  parameter int unsigned AxiDataWidth = 128,
  parameter int unsigned TxFifoWords  = 2048,  // 64-bit words in the TX FIFO
  parameter int unsigned MetaDepth    = 32,    // frames in the metadata FIFO
  parameter int unsigned CmdDepth     = 32,    // data reads in flight
  localparam int unsigned BeatBytes   = AxiDataWidth / 8
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  input  logic                    vme_i,        // CTRL.VME: VLE inserts tags
  input  logic                    hold_i,       // start no new packet (GIO master disable)
  input  logic                    ct_en_i,      // TXCT.EN: mark frames that may be cut through
  output logic                    idle_o,       // no packet in progress, nothing queued
  // Descriptors
  input  logic                    desc_valid_i,
  input  nic_abi_types_pkg::desc_entry_t    desc_i,
  output logic                    desc_ready_o,
  // Completion queue
  output logic                    cpl_push_o,
  output nic_abi_types_pkg::cpl_entry_t     cpl_o,
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
  output nic_abi_types_pkg::tx_meta_t       meta_o,
  output logic                    dma_err_o,
  output logic                    ct_push_o,    // a cut-through frame's early entry
  output nic_abi_types_pkg::tx_ct_t         ct_o,
  input  logic                    tx_pop_i,
  input  logic                    meta_pop_i,
  // Events for the statistics
  output logic                    tso_ctx_o,    // a TSO packet started (TSCTC)
  output logic                    tso_fail_o,   // a TSO packet refused (TSCTFC)
  output logic                    oversize_o,
  output logic                    zero_len_o,
  output logic                    bad_desc_o,
  // Inline frames (nic_tx_inline): the head descriptor's bytes are held
  // there; inl_used_o when taken so, then its beats replace the AXI read.
  input  logic                    inl_i,
  output logic                    inl_used_o,
  input  logic                    inl_valid_i,
  input  logic [AxiDataWidth-1:0] inl_data_i,
  input  logic                    inl_last_i,
  output logic                    inl_ready_o
);
  import nic_abi_pkg::*;
  import nic_abi_types_pkg::*;

  localparam int unsigned BeatOffW  = $clog2(BeatBytes);
  localparam int unsigned TxCredW   = $clog2(TxFifoWords) + 1;
  localparam int unsigned MetaCredW = $clog2(MetaDepth) + 1;

  if (MaxReadBytes % BeatBytes != 0 || MaxReadBytes > 4096) begin : gen_bad_read
    $error("nic_data_dma: MaxReadBytes must be a multiple of the beat size, at most 4 KiB");
  end
  if (TxFifoWords * 8 < MaxFrameBytes + 8) begin : gen_bad_fifo
    $error("nic_data_dma: the TX FIFO must hold a maximum frame and its tag");
  end

  typedef enum logic [0:0] {StIdle, StRead} state_e;

  state_e               st_q, st_d;
  logic [63:0]          addr_q, addr_d;
  logic [19:0]          rem_q, rem_d;
  logic                 eop_q, eop_d, ifcs_q, ifcs_d;
  logic [2:0]           pos_q, pos_d;        // frame bytes reserved so far, mod 8
  logic                 fread_q, fread_d;    // the current frame has issued a read
  logic                 in_pkt_q, in_pkt_d;
  logic                 drop_q, drop_d;      // the rest of the packet is not read
  logic [19:0]          flen_q, flen_d;      // bytes of the current (non-TSO) frame
  tx_offload_t          ol_q, ol_d;          // the packet's offloads, current segment
  logic [TxCredW-1:0]   tx_cred_q, tx_cred_d;
  logic [MetaCredW-1:0] meta_cred_q, meta_cred_d;
  logic                 ar_valid_q, ar_valid_d;
  logic [63:0]          ar_addr_q, ar_addr_d;
  logic [7:0]           ar_len_q, ar_len_d;
  // Context (from the last context descriptor)
  tx_desc_t             ctx_q, ctx_d;
  logic                 ctx_tso_ok_q, ctx_tso_ok_d;
  // TSO state
  logic                 seg_open_q, seg_open_d;  // the segment's header is requested
  logic                 seg_full_q, seg_full_d;  // MSS reached at a descriptor end
  logic [15:0]          seg_rem_q, seg_rem_d;    // payload bytes left in the segment
  logic [63:0]          hdr_addr_q, hdr_addr_d;
  logic [63:0]          hdr_ptr_q, hdr_ptr_d;
  logic [7:0]           hdr_rem_q, hdr_rem_d;
  logic [7:0]           hdrlen_q, hdrlen_d;      // the packet's HDRLEN and MSS
  logic [15:0]          mss_q, mss_d;
  logic [6:0]           ndesc_q, ndesc_d;        // descriptors since the last packet end
  logic                 inl_q, inl_d;            // the buffer being read is inline

  logic                 cmd_push, cmd_full, commit, packer_idle;
  // Cut-through eligibility of the frame being read: one data descriptor
  // with EOP and IFCS (so its length is known at the first read and the MAC
  // can spoil its FCS), no field written by an offload (IXSM, TXSM/IC, TSE).
  logic                 ct_q, ct_d, ct_ok;
  logic [15:0]          ct_len_q, ct_len_d;
  dma_cmd_t             cmd;

  // Descriptor decode (8254x layouts; see nic_abi_pkg::tx_desc_t for the bytes).
  tx_desc_t    d;
  logic        is_ext, is_ctx, is_data, is_bad, d_eop;
  logic [19:0] d_len;
  tx_offload_t d_ol;
  logic        c_tso_ok;

  always_comb begin : p_decode
    logic [7:0]  c_ipcss, c_ipcso, c_tucss, c_tucso, c_hdrlen;
    logic [15:0] c_mss;
    d       = desc_i.desc;
    is_ext  = d.cmd[CmdDextBit];
    is_ctx  = !desc_i.err && is_ext && d.cso[7:4] == DtypCtx;
    is_data = !desc_i.err && !is_ctx;
    is_bad  = !desc_i.err && is_ext && d.cso[7:4] != DtypCtx && d.cso[7:4] != DtypData;
    d_len   = is_bad ? '0 : (is_ext ? {d.cso[3:0], d.length} : {4'h0, d.length});
    d_eop   = d.cmd[CmdEopBit] || desc_i.err;

    // A new context: IPCSS/IPCSO/IPCSE/TUCSS/TUCSO/TUCSE in bytes 0..7,
    // PAYLEN, TUCMD in CMD, HDRLEN in byte 13, MSS in bytes 14..15.
    c_ipcss  = d.addr[7:0];
    c_ipcso  = d.addr[15:8];
    c_tucss  = d.addr[39:32];
    c_tucso  = d.addr[47:40];
    c_hdrlen = d.css;
    c_mss    = d.special;
    c_tso_ok = d.cmd[TucmdTseBit] && d.cmd[TucmdTcpBit] && d.cmd[TucmdIpBit] &&
               c_mss != '0 && {d.cso[3:0], d.length} != '0 &&
               !c_ipcss[0] && !c_tucss[0] &&
               9'(c_ipcss) + 9'd20 <= 9'(c_tucss) && 9'(c_tucss) + 9'd20 <= 9'(c_hdrlen) &&
               9'(c_ipcso) + 9'd2 <= 9'(c_tucss) && 9'(c_tucso) + 9'd2 <= 9'(c_hdrlen) &&
               17'(c_hdrlen) + 17'(c_mss) <= 17'(MaxFrameBytes);

    // A packet's offloads come from its first data descriptor (+ context).
    d_ol          = '0;
    d_ol.legacy   = !is_ext;
    d_ol.ixsm     = is_ext && d.css[PoptsIxsmBit];
    d_ol.txsm     = is_ext ? d.css[PoptsTxsmBit] : d.cmd[CmdIcBit];
    d_ol.tcp      = is_ext ? ctx_q.cmd[TucmdTcpBit] : 1'b1;
    d_ol.tse      = is_ext && d.cmd[CmdTseBit];
    d_ol.vle      = d.cmd[CmdVleBit] && vme_i;
    d_ol.vlan     = d.special;
    d_ol.ipcss    = is_ext ? ctx_q.addr[7:0] : 8'h0;
    d_ol.ipcso    = is_ext ? ctx_q.addr[15:8] : 8'h0;
    d_ol.ipcse    = is_ext ? ctx_q.addr[31:16] : 16'h0;
    d_ol.tucss    = is_ext ? ctx_q.addr[39:32] : d.css;
    d_ol.tucso    = is_ext ? ctx_q.addr[47:40] : d.cso;
    d_ol.tucse    = is_ext ? ctx_q.addr[63:48] : 16'h0;
    d_ol.seg_last = 1'b1;
  end

  always_comb begin : p_request
    logic [12:0]        to4k, n, nw;
    logic [13:0]        span;
    logic [TxCredW-1:0] words;
    logic               take_desc, last, seg_end, hdr_rd, first, drop_now, split;
    logic [63:0]        src;
    logic [19:0]        plen;
    logic [63:0]        paddr;
    logic [20:0]        fsum;

    st_d         = st_q;
    addr_d       = addr_q;
    rem_d        = rem_q;
    eop_d        = eop_q;
    ifcs_d       = ifcs_q;
    pos_d        = pos_q;
    fread_d      = fread_q;
    in_pkt_d     = in_pkt_q;
    drop_d       = drop_q;
    flen_d       = flen_q;
    ol_d         = ol_q;
    ctx_d        = ctx_q;
    ctx_tso_ok_d = ctx_tso_ok_q;
    seg_open_d   = seg_open_q;
    seg_full_d   = seg_full_q;
    seg_rem_d    = seg_rem_q;
    hdr_addr_d   = hdr_addr_q;
    hdr_ptr_d    = hdr_ptr_q;
    hdr_rem_d    = hdr_rem_q;
    hdrlen_d     = hdrlen_q;
    mss_d        = mss_q;
    ar_addr_d    = ar_addr_q;
    ar_len_d     = ar_len_q;
    cmd_push     = 1'b0;
    cmd          = '0;
    cmd.ol       = ol_q;
    cpl_push_o   = 1'b0;
    cpl_o.idx    = desc_i.idx;
    cpl_o.rs     = d.cmd[CmdRsBit];
    cpl_o.ide    = d.cmd[CmdIdeBit];
    cpl_o.eop    = d_eop && !is_ctx;
    commit       = 1'b0;
    ndesc_d      = ndesc_q;
    inl_d        = inl_q;
    inl_used_o   = 1'b0;
    split        = (ndesc_q == 7'(MaxDescPerPkt - 1)) && !(d_eop && !is_ctx);
    tso_ctx_o    = 1'b0;
    tso_fail_o   = 1'b0;
    oversize_o   = 1'b0;
    zero_len_o   = 1'b0;
    bad_desc_o   = 1'b0;
    first        = !in_pkt_q;
    drop_now     = 1'b0;
    plen         = d_len;
    paddr        = d.addr;
    fsum         = (first ? 21'h0 : 21'(flen_q)) + 21'(d_len);

    // Next read: the segment's header (TSO, not yet requested) or the buffer,
    // up to the 4 KiB boundary, MaxReadBytes and the segment's payload room.
    hdr_rd = ol_q.tse && !seg_open_q;
    src    = hdr_rd ? hdr_ptr_q : addr_q;
    to4k   = 13'h1000 - {1'b0, src[11:0]};
    n      = 13'(MaxReadBytes);
    if (to4k < n) n = to4k;
    if (hdr_rd) begin
      if (13'(hdr_rem_q) < n) n = 13'(hdr_rem_q);
    end else begin
      if (rem_q < 20'(n)) n = 13'(rem_q);
      if (ol_q.tse && seg_rem_q < 16'(n)) n = 13'(seg_rem_q);
      if (inl_q) n = 13'(rem_q);  // no host read: no 4 KiB rule
    end
    last    = !hdr_rd && (20'(n) == rem_q);
    seg_end = !hdr_rd && ol_q.tse && (16'(n) == seg_rem_q);
    span    = 14'(src[BeatOffW-1:0]) + 14'(n) + 14'(BeatBytes - 1);
    // The frame's first read also reserves room for its 4-byte VLAN tag.
    nw      = n + ((ol_q.vle && !fread_q) ? 13'd4 : 13'd0);
    // New TX FIFO words this read starts: the frame packs densely from word 0.
    words   = TxCredW'((16'(pos_q) + 16'(nw) + 16'd7) >> 3) - TxCredW'(pos_q != 3'd0);

    // A descriptor is taken when its completion entry and a possible
    // no-data command fit and a frame end would have a metadata slot.
    take_desc    = (st_q == StIdle) && desc_valid_i && !cpl_full_i && !cmd_full &&
                   meta_cred_q != '0 && !(hold_i && !in_pkt_q);
    desc_ready_o = take_desc;

    unique case (st_q)
      StIdle: begin
        if (take_desc) begin
          cpl_push_o = 1'b1;
          inl_d      = 1'b0;
          bad_desc_o = is_bad;
          if (is_ctx) begin
            ctx_d        = d;
            ctx_tso_ok_d = c_tso_ok;
          end else begin
            zero_len_o = is_data && !is_bad && d_len == '0;
            in_pkt_d   = 1'b1;
            eop_d      = d_eop;
            ifcs_d     = d.cmd[CmdIfcsBit];
            drop_now   = drop_q;
            if (first) begin
              ol_d       = d_ol;
              drop_now   = 1'b0;
              seg_open_d = 1'b0;
              seg_full_d = 1'b0;
              seg_rem_d  = ctx_q.special;
              hdr_addr_d = d.addr;
              hdr_ptr_d  = d.addr;
              hdr_rem_d  = ctx_q.css;
              hdrlen_d   = ctx_q.css;
              mss_d      = ctx_q.special;
              if (d_ol.tse) begin
                if (!ctx_tso_ok_q || d_len < 20'(ctx_q.css) || desc_i.err) begin
                  drop_now   = 1'b1;
                  tso_fail_o = !desc_i.err;
                end else begin
                  // (A header alone is refused below, not counted here.)
                  tso_ctx_o  = !(d_eop && d_len == 20'(ctx_q.css));
                end
              end
            end
            // TSO payload starts after the header in the first buffer.
            if (first && d_ol.tse && !drop_now) begin
              paddr = d.addr + 64'(ctx_q.css);
              plen  = d_len - 20'(ctx_q.css);
            end
            if (desc_i.err) drop_now = 1'b1;
            if (!(first ? d_ol.tse : ol_q.tse) && !drop_now && fsum > 21'(MaxFrameBytes)) begin
              drop_now   = 1'b1;
              oversize_o = 1'b1;
            end
            // Bytes of the frame so far (non-TSO frames that are still sent).
            if (!drop_now && !(first ? d_ol.tse : ol_q.tse)) flen_d = fsum[19:0];
            else if (first) flen_d = '0;
            drop_d = drop_now;

            cmd.ol          = first ? d_ol : ol_q;
            cmd.ol.seg_last = 1'b1;
            cmd.ol.vle      = cmd.ol.vle && fread_q && !first;
            cmd.ifcs        = d.cmd[CmdIfcsBit];
            cmd.has_data    = 1'b0;
            if (drop_now) begin
              // Nothing more is read; the end of the packet marks its frame bad.
              if (d_eop) begin
                cmd_push = 1'b1;
                cmd.err  = 1'b1;
                cmd.derr = desc_i.err;
                cmd.eop  = 1'b1;
              end
            end else if (ol_q.tse && !first && seg_full_q && plen != '0) begin
              // The full segment ends here; more payload starts the next one.
              cmd_push         = 1'b1;
              cmd.eop          = 1'b1;
              cmd.ol.seg_last  = 1'b0;
              cmd.ol.vle       = ol_q.vle;
              seg_full_d       = 1'b0;
              seg_open_d       = 1'b0;
              seg_rem_d        = mss_q;
              ol_d.seg_idx     = ol_q.seg_idx + 16'd1;
              ol_d.seq_add     = ol_q.seq_add + 32'(mss_q);
              fread_d          = 1'b0;
              pos_d            = '0;
              addr_d           = paddr;
              rem_d            = plen;
              st_d             = StRead;
            end else if (plen == '0) begin
              if (d_eop) begin
                cmd_push   = 1'b1;
                cmd.eop    = 1'b1;
                cmd.ol.vle = (first ? d_ol.vle : ol_q.vle) && fread_q && !first;
                // A TSO packet that never read payload has nothing to send.
                if ((first ? d_ol.tse : ol_q.tse) && !fread_q) begin
                  cmd.err    = 1'b1;
                  tso_fail_o = 1'b1;
                end
              end
            end else begin
              addr_d     = paddr;
              rem_d      = plen;
              st_d       = StRead;
              inl_d      = inl_i && !(first ? d_ol.tse : ol_q.tse);
              inl_used_o = inl_d;
            end
            if (cmd_push && cmd.eop && cmd.ol.seg_last) begin
              in_pkt_d = 1'b0;
              drop_d   = 1'b0;
              fread_d  = 1'b0;
              pos_d    = '0;
              flen_d   = '0;
            end
          end
          // A group of MaxDescPerPkt descriptors without a packet end (a
          // packet too long, or a run of context descriptors) is closed here
          // so its descriptors can complete: the frame so far is dropped
          // (TDOC) and the rest of the packet is skipped up to its EOP.
          ndesc_d = (d_eop && !is_ctx) ? '0 : ndesc_q + 7'd1;
          if (split) begin
            cmd             = '0;
            cmd.ol          = ol_q;
            cmd.ol.seg_last = 1'b1;
            cmd.ol.vle      = ol_q.vle && fread_q && in_pkt_q;
            cmd.ifcs        = ifcs_q;
            cmd.err         = 1'b1;
            cmd.eop         = 1'b1;
            cmd_push        = 1'b1;
            cpl_o.eop       = 1'b1;
            oversize_o      = 1'b1;
            tso_ctx_o       = 1'b0;
            st_d            = StIdle;
            in_pkt_d        = in_pkt_q || !is_ctx;
            drop_d          = in_pkt_q || !is_ctx;
            fread_d         = 1'b0;
            pos_d           = '0;
            flen_d          = '0;
            seg_full_d      = 1'b0;
            inl_used_o      = 1'b0;
          end
          if (cmd_push && cmd.eop && cmd.ol.seg_last) ndesc_d = '0;
        end
      end
      StRead: begin
        if (!ar_valid_q && !cmd_full && meta_cred_q != '0 && tx_cred_q >= words) begin
          commit       = 1'b1;
          fread_d      = 1'b1;
          ar_addr_d    = src & ~(64'(BeatBytes) - 64'd1);
          ar_len_d     = 8'((span >> BeatOffW) - 14'd1);
          cmd_push     = 1'b1;
          cmd.has_data = 1'b1;
          cmd.ifcs     = ifcs_q;
          cmd.off      = inl_q ? '0 : 6'(src[BeatOffW-1:0]);
          cmd.nbytes   = n;
          cmd.ct       = ct_q && !fread_q;
          cmd.ct_len   = ct_len_q;
          pos_d        = pos_q + 3'(nw);
          if (hdr_rd) begin
            hdr_ptr_d = hdr_ptr_q + 64'(n);
            hdr_rem_d = hdr_rem_q - 8'(n);
            if (13'(hdr_rem_q) == n) begin
              seg_open_d = 1'b1;
              hdr_ptr_d  = hdr_addr_q;
              hdr_rem_d  = hdrlen_q;
            end
          end else begin
            addr_d    = addr_q + 64'(n);
            rem_d     = rem_q - 20'(n);
            seg_rem_d = seg_rem_q - 16'(n);
            if (last && eop_q) begin
              // The packet's last bytes.
              cmd.eop  = 1'b1;
              ndesc_d  = '0;
              st_d     = StIdle;
              in_pkt_d = 1'b0;
              fread_d  = 1'b0;
              pos_d    = '0;
              flen_d   = '0;
            end else if (seg_end && !last) begin
              // A full segment with payload left in this buffer: next segment.
              cmd.eop         = 1'b1;
              cmd.ol.seg_last = 1'b0;
              seg_open_d      = 1'b0;
              seg_rem_d       = mss_q;
              ol_d.seg_idx    = ol_q.seg_idx + 16'd1;
              ol_d.seq_add    = ol_q.seq_add + 32'(mss_q);
              fread_d         = 1'b0;
              pos_d           = '0;
            end else if (last) begin
              st_d       = StIdle;
              seg_full_d = seg_end;
            end
          end
        end
      end
      default: st_d = StIdle;
    endcase

    tx_cred_d   = tx_cred_q - (commit ? words : '0) + TxCredW'(tx_pop_i);
    meta_cred_d = meta_cred_q - MetaCredW'(cmd_push && cmd.eop) + MetaCredW'(meta_pop_i);
  end

  // AR valid holds until accepted. Kept out of p_request: ar_ready_i comes
  // from a top-level input, and Verilator re-runs every block that reads one
  // on each eval() (its input region).
  assign ar_valid_d = (commit && !inl_q) || (ar_valid_q && !ar_ready_i);  // inline: no read
  always_comb begin : p_ct
    ct_ok    = ct_en_i && is_data && !is_bad && !in_pkt_q && d_eop && d.cmd[CmdIfcsBit] &&
               !d_ol.ixsm && !d_ol.txsm && !d_ol.tse && d_len != '0 && d_len <= 20'(MaxFrameBytes);
    ct_d     = (desc_ready_o && !is_ctx) ? ct_ok : ct_q;
    ct_len_d = (desc_ready_o && !is_ctx) ? (ct_ok ? 16'(d_len) + (d_ol.vle ? 16'd4 : 16'd0) : '0) : ct_len_q;
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin : p_ct_regs
    if (!rst_ni) begin
      ct_q     <= 1'b0;
      ct_len_q <= '0;
    end else begin
      ct_q     <= ct_d;
      ct_len_q <= ct_len_d;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin : p_regs
    if (!rst_ni) begin
      st_q         <= StIdle;
      addr_q       <= '0;
      rem_q        <= '0;
      eop_q        <= 1'b0;
      ifcs_q       <= 1'b0;
      pos_q        <= '0;
      fread_q      <= 1'b0;
      in_pkt_q     <= 1'b0;
      drop_q       <= 1'b0;
      flen_q       <= '0;
      ol_q         <= '0;
      tx_cred_q    <= TxCredW'(TxFifoWords);
      meta_cred_q  <= MetaCredW'(MetaDepth);
      ar_valid_q   <= 1'b0;
      ar_addr_q    <= '0;
      ar_len_q     <= '0;
      ctx_q        <= '0;
      ctx_tso_ok_q <= 1'b0;
      seg_open_q   <= 1'b0;
      seg_full_q   <= 1'b0;
      seg_rem_q    <= '0;
      hdr_addr_q   <= '0;
      hdr_ptr_q    <= '0;
      hdr_rem_q    <= '0;
      hdrlen_q     <= '0;
      mss_q        <= '0;
      ndesc_q      <= '0;
      inl_q        <= 1'b0;
    end else begin
      st_q         <= st_d;
      addr_q       <= addr_d;
      rem_q        <= rem_d;
      eop_q        <= eop_d;
      ifcs_q       <= ifcs_d;
      pos_q        <= pos_d;
      fread_q      <= fread_d;
      in_pkt_q     <= in_pkt_d;
      drop_q       <= drop_d;
      flen_q       <= flen_d;
      ol_q         <= ol_d;
      tx_cred_q    <= tx_cred_d;
      meta_cred_q  <= meta_cred_d;
      ar_valid_q   <= ar_valid_d;
      ar_addr_q    <= ar_addr_d;
      ar_len_q     <= ar_len_d;
      ctx_q        <= ctx_d;
      ctx_tso_ok_q <= ctx_tso_ok_d;
      seg_open_q   <= seg_open_d;
      seg_full_q   <= seg_full_d;
      seg_rem_q    <= seg_rem_d;
      hdr_addr_q   <= hdr_addr_d;
      hdr_ptr_q    <= hdr_ptr_d;
      hdr_rem_q    <= hdr_rem_d;
      hdrlen_q     <= hdrlen_d;
      mss_q        <= mss_d;
      ndesc_q      <= ndesc_d;
      inl_q        <= inl_d;
    end
  end

  assign idle_o     = (st_q == StIdle) && !in_pkt_q && !ar_valid_q && packer_idle;
  assign ar_valid_o = ar_valid_q;
  assign ar_addr_o  = ar_addr_q;
  assign ar_len_o   = ar_len_q;

  // The packer's data commands take their beats from AXI R or from the
  // inline buffer, in command order: a FIFO of source bits mirrors them
  // (one entry per read, popped with its last beat).
  logic                    src_inl, src_empty, src_full_unused, pk_valid, pk_ready, pk_last;
  logic [AxiDataWidth-1:0] pk_data;
  logic [$clog2(CmdDepth):0] src_count_unused;
  nic_fifo #(.Width(1), .Depth(CmdDepth)) u_src_q (
    .clk_i, .rst_ni,
    .push_i(commit), .wdata_i(inl_q), .pop_i(pk_valid && pk_ready && pk_last), .rdata_o(src_inl),
    .empty_o(src_empty), .full_o(src_full_unused), .count_o(src_count_unused)
  );
  assign pk_valid    = src_inl ? inl_valid_i && !src_empty : r_valid_i;
  assign pk_data     = src_inl ? inl_data_i : r_data_i;
  assign pk_last     = src_inl ? inl_last_i : r_last_i;
  assign r_ready_o   = pk_ready && !src_inl;
  assign inl_ready_o = pk_ready && src_inl && !src_empty;

  nic_dma_packer #(.AxiDataWidth(AxiDataWidth), .CmdDepth(CmdDepth)) u_packer (
    .clk_i, .rst_ni,
    .cmd_push_i(cmd_push), .cmd_i(cmd), .cmd_full_o(cmd_full),
    .r_valid_i(pk_valid), .r_data_i(pk_data), .r_resp_i(src_inl ? 2'b00 : r_resp_i),
    .r_last_i(pk_last), .r_ready_o(pk_ready),
    .tx_push_o, .tx_data_o, .meta_push_o, .meta_o, .dma_err_o,
    .ct_push_o, .ct_o,
    .idle_o(packer_idle)
  );

  StateLegal: assert property (@(posedge clk_i) disable iff (!rst_ni)
      st_q inside {StIdle, StRead});
  CreditsBounded: assert property (@(posedge clk_i) disable iff (!rst_ni)
      tx_cred_q <= TxCredW'(TxFifoWords) && meta_cred_q <= MetaCredW'(MetaDepth));
  // Only one command per cycle and never into a full queue.
  CmdNotFull: assert property (@(posedge clk_i) disable iff (!rst_ni) cmd_push |-> !cmd_full);
  // A read never asks for zero bytes, and a TSO read never overruns its segment.
  ReadNotEmpty: assert property (@(posedge clk_i) disable iff (!rst_ni)
      commit |-> cmd.nbytes != '0 && cmd.nbytes <= 13'(MaxReadBytes));
  TsoWithinSegment: assert property (@(posedge clk_i) disable iff (!rst_ni)
      st_q == StRead && ol_q.tse && seg_open_q |-> seg_rem_q != '0);
  // A packet end (or a forced one) comes at least every MaxDescPerPkt descriptors.
  DescGroupBounded: assert property (@(posedge clk_i) disable iff (!rst_ni)
      ndesc_q < 7'(MaxDescPerPkt));
  // Inline beats only for an inline command, and a read per inline buffer.
  InlineBeatsInOrder: assert property (@(posedge clk_i) disable iff (!rst_ni)
      inl_ready_o && inl_valid_i |-> !src_empty && src_inl);
  InlineOneRead: assert property (@(posedge clk_i) disable iff (!rst_ni)
      commit && inl_q |-> cmd.nbytes == 13'(rem_q) && cmd.off == '0);
  // Frames stay within the limit checked at descriptor time.
  FrameLimit: assert property (@(posedge clk_i) disable iff (!rst_ni)
      flen_q <= 20'(MaxFrameBytes));

endmodule

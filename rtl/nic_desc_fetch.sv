// nic_desc_fetch: prefetches legacy TX descriptors from the ring into a FIFO.
// Keeps its own fetch pointer (separate from TDH) and reads up to
// MaxBurstDescs descriptors per AXI burst, never past the ring end, a 4 KiB
// boundary or the FIFO space reserved for them. A descriptor push (the
// driver wrote the descriptors into the BAR0 window with the doorbell) that
// continues the ring exactly where fetching stands, with nothing in flight,
// goes into the FIFO directly and skips the fetch; any other push is left to
// the fetch (the ring holds the same descriptors).
module nic_desc_fetch #(
  parameter int unsigned AxiDataWidth   = 128,
  parameter int unsigned DescFifoDepth  = 16,  // descriptors, power of two
  parameter int unsigned MaxBurstDescs  = 8,   // descriptors per AXI burst
  parameter int unsigned MaxOutstanding = 2,   // descriptor bursts in flight
  localparam int unsigned BeatBytes     = AxiDataWidth / 8
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  input  logic                      tx_en_i,
  input  logic [63:0]               tdba_i,
  input  logic [15:0]               ring_size_i,
  input  logic [15:0]               tdt_i,
  input  logic                      tdh_wr_i,
  input  logic [15:0]               tdh_wdata_i,
  // Descriptor push: a whole 64-byte push block (registered in nic_top)
  input  logic                      push_valid_i,
  input  logic [15:0]               push_tdt_i,     // the TDT it carries
  input  logic [15:0]               push_first_i,   // ring slot of its first descriptor
  input  logic [7:0]                push_cnt_i,
  input  logic [nic_abi_pkg::PushMaxDescs*128-1:0] push_descs_i,
  output logic                      push_ok_o,      // taken: its descriptors skip the fetch
  output logic                      push_fb_o,      // did not match: fetched from the ring
  // AR request (to the read mux)
  output logic                      ar_valid_o,
  output logic [63:0]               ar_addr_o,
  output logic [7:0]                ar_len_o,
  input  logic                      ar_ready_i,
  // R beats with ID 0
  input  logic                      r_valid_i,
  input  logic [AxiDataWidth-1:0]   r_data_i,
  input  logic [1:0]                r_resp_i,
  input  logic                      r_last_i,
  output logic                      r_ready_o,
  // Fetched descriptors, in ring order
  output logic                      desc_valid_o,
  output nic_abi_types_pkg::desc_entry_t      desc_o,
  input  logic                      desc_ready_i,
  output logic                      idle_o        // nothing fetched, in flight or to fetch
);
  import nic_abi_pkg::*;
  import nic_abi_types_pkg::*;

  localparam int unsigned DescPerBeat = BeatBytes / DescBytes;
  localparam int unsigned SlotW       = (DescPerBeat > 1) ? $clog2(DescPerBeat) : 1;
  localparam int unsigned BeatOffW    = $clog2(BeatBytes);
  localparam int unsigned FifoCntW    = $clog2(DescFifoDepth) + 1;
  localparam int unsigned CntW        = $clog2(MaxBurstDescs) + 1;
  localparam int unsigned BqW         = RingIdxW + CntW + SlotW;
  localparam int unsigned BqDepth     = (MaxOutstanding < 2) ? 2 : MaxOutstanding;

  if (AxiDataWidth < 128 || AxiDataWidth > 512 || (AxiDataWidth & (AxiDataWidth - 1)) != 0)
  begin : gen_bad_width
    $error("nic_desc_fetch: AxiDataWidth must be a power of two in 128..512");
  end
  if (MaxBurstDescs < 1 || MaxBurstDescs > DescFifoDepth) begin : gen_bad_burst
    $error("nic_desc_fetch: MaxBurstDescs must be in 1..DescFifoDepth");
  end

  // ---------------------------------------------------------------------------
  // Request side
  // ---------------------------------------------------------------------------
  logic [15:0]         fetch_q, fetch_d, fetch_n;  // fetch_n: fetch_d without a TDH write
  logic [FifoCntW-1:0] inflight_q, inflight_d;  // requested, not yet in the FIFO
  logic                ar_valid_q, ar_valid_d;
  logic [63:0]         ar_addr_q, ar_addr_d;
  logic [7:0]          ar_len_q, ar_len_d;

  logic [FifoCntW-1:0] fifo_count;
  logic                fifo_push, fifo_pop, fifo_empty, fifo_full;
  desc_entry_t         fifo_wdata;

  logic                bq_push, bq_pop, bq_empty, bq_full;
  logic [BqW-1:0]      bq_wdata, bq_rdata;
  logic [$clog2(BqDepth):0] bq_count_unused;

  logic                fetch_go;
  // Push staging: descriptors of a taken push, entering the FIFO one a cycle.
  localparam int unsigned StgW = $clog2(PushMaxDescs + 1);
  logic [StgW-1:0]     stg_cnt_q, stg_cnt_d;
  logic [15:0]         stg_idx_q, stg_idx_d;
  logic [PushMaxDescs*128-1:0] stg_desc_q, stg_desc_d;
  logic                stg_push;
  logic [CntW-1:0]     fetch_cnt;
  logic [63:0]         fetch_addr;
  logic                r_push;

  always_comb begin : p_request
    logic [16:0] avail, to4k, room, cnt;
    logic [16:0] span;
    logic [15:0] next_fetch;

    fetch_addr = tdba_i + {44'h0, fetch_q, 4'h0};
    // Descriptors up to TDT, or up to the ring end when TDT has wrapped.
    avail = (tdt_i > fetch_q) ? 17'(tdt_i) - 17'(fetch_q) : 17'(ring_size_i) - 17'(fetch_q);
    to4k  = (17'h1000 - {5'h0, fetch_addr[11:0]}) >> 4;
    room  = 17'(DescFifoDepth) - 17'(fifo_count) - 17'(inflight_q);
    cnt   = 17'(MaxBurstDescs);
    if (avail < cnt) cnt = avail;
    if (to4k < cnt) cnt = to4k;
    if (room < cnt) cnt = room;
    fetch_cnt = CntW'(cnt);

    fetch_go = tx_en_i && (ring_size_i != '0) && (fetch_q != tdt_i) && (fetch_q < ring_size_i) &&
               (cnt != '0) && !ar_valid_q && !bq_full && stg_cnt_q == '0;

    span = 17'(fetch_addr[BeatOffW-1:0]) + (cnt << 4) + 17'(BeatBytes - 1);

    next_fetch = fetch_q + 16'(cnt);
    if (next_fetch >= ring_size_i) next_fetch = '0;

    fetch_n    = fetch_q;
    ar_addr_d  = ar_addr_q;
    ar_len_d   = ar_len_q;
    if (fetch_go) begin
      fetch_n    = next_fetch;
      ar_addr_d  = fetch_addr & ~(64'(BeatBytes) - 64'd1);
      ar_len_d   = 8'((span >> BeatOffW) - 17'd1);
    end
    // A taken push has its descriptors in hand: fetching goes on after them.
    if (push_ok_o) fetch_n = push_tdt_i;

    bq_push  = fetch_go;
    bq_wdata = {fetch_q, fetch_cnt, SlotW'(fetch_addr[BeatOffW-1:0] >> 4)};
  end

  // What depends on top-level inputs (AR ready, R beats, a TDH write from
  // AXI-Lite) is kept out of p_request and p_response: Verilator re-runs
  // every block that reads one on each eval() (its input region).
  // Software TDH writes (only accepted while disabled) move the fetch pointer too.
  assign fetch_d    = tdh_wr_i ? tdh_wdata_i : fetch_n;
  assign ar_valid_d = fetch_go || (ar_valid_q && !ar_ready_i);
  assign inflight_d = inflight_q + (fetch_go ? FifoCntW'(fetch_cnt) : '0) - FifoCntW'(r_push);

  // ---------------------------------------------------------------------------
  // Response side: unpack each beat into descriptors, one per cycle.
  // ---------------------------------------------------------------------------
  logic                active_q, active_d;
  logic [RingIdxW-1:0] idx_q, idx_d;
  logic [CntW-1:0]     left_q, left_d;
  logic [SlotW-1:0]    slot_q, slot_d;
  logic                active_n, beat_end;    // active_d without a beat; a beat's end
  logic [RingIdxW-1:0] idx_n;
  logic [CntW-1:0]     left_n;
  logic [SlotW-1:0]    slot_n;
  logic [DescBytes*8-1:0] r_desc;

  // From flops only: the next burst, and what a descriptor beat would end.
  always_comb begin : p_response
    active_n = active_q;
    idx_n    = idx_q;
    left_n   = left_q;
    slot_n   = slot_q;
    bq_pop   = 1'b0;
    if (!active_q && !bq_empty) begin
      bq_pop   = 1'b1;
      active_n = 1'b1;
      {idx_n, left_n, slot_n} = bq_rdata;
    end
    beat_end = (32'(slot_q) == DescPerBeat - 1) || (left_q == CntW'(1));
  end

  // A beat's descriptor (the whole beat when it holds one).
  if (DescPerBeat == 1) begin : gen_one_desc
    assign r_desc = r_data_i[DescBytes*8-1:0];
  end else begin : gen_desc_slot
    assign r_desc = r_data_i[DescBytes*8*int'(slot_q) +: DescBytes*8];
  end

  // An R beat, while a burst is active: one descriptor per cycle.
  always_comb begin : p_rx
    r_push    = active_q && r_valid_i;
    r_ready_o = r_push && beat_end;
    active_d  = r_push ? left_q != CntW'(1) : active_n;
    idx_d     = r_push ? idx_q + 1'b1 : idx_n;
    left_d    = r_push ? left_q - 1'b1 : left_n;
    slot_d    = r_push ? (beat_end ? '0 : slot_q + 1'b1) : slot_n;
    fifo_wdata.err  = (r_resp_i != 2'b00);
    fifo_wdata.idx  = idx_q;
    fifo_wdata.desc = r_desc;
    if (stg_push) begin
      fifo_wdata.err  = 1'b0;
      fifo_wdata.idx  = stg_idx_q;
      fifo_wdata.desc = stg_desc_q[127:0];
    end
  end

  // Push: taken when it continues the ring where fetching stands (first slot
  // = fetch pointer = the old TDT, its TDT right after its descriptors),
  // nothing is requested or in flight and the FIFO has room; the fetch
  // never overlaps the staging, so ring order holds.
  always_comb begin : p_push
    logic [16:0] end_slot;
    logic        match;
    end_slot = 17'(push_first_i) + 17'(push_cnt_i);
    if (end_slot >= 17'(ring_size_i)) end_slot = end_slot - 17'(ring_size_i);
    match = tx_en_i && ring_size_i != '0 && push_cnt_i != '0 && push_cnt_i <= 8'(PushMaxDescs) &&
            push_first_i == fetch_q && fetch_q == tdt_i && push_tdt_i < ring_size_i &&
            17'(push_tdt_i) == end_slot && inflight_q == '0 && !ar_valid_q && !active_q && bq_empty &&
            stg_cnt_q == '0 && 17'(DescFifoDepth) - 17'(fifo_count) >= 17'(push_cnt_i);
    push_ok_o = push_valid_i && match;
    push_fb_o = push_valid_i && !match;

    stg_push   = stg_cnt_q != '0;
    stg_cnt_d  = stg_cnt_q;
    stg_idx_d  = stg_idx_q;
    stg_desc_d = stg_desc_q;
    if (stg_push) begin
      stg_cnt_d  = stg_cnt_q - 1'b1;
      stg_idx_d  = (stg_idx_q + 16'd1 >= ring_size_i) ? '0 : stg_idx_q + 16'd1;
      stg_desc_d = stg_desc_q >> 128;
    end
    if (push_ok_o) begin
      stg_cnt_d  = StgW'(push_cnt_i);
      stg_idx_d  = push_first_i;
      stg_desc_d = push_descs_i;
    end
  end

  assign fifo_push    = r_push || stg_push;
  assign fifo_pop     = desc_valid_o && desc_ready_i;
  assign desc_valid_o = !fifo_empty;

  nic_fifo #(.Width(BqW), .Depth(BqDepth)) u_burst_q (
    .clk_i, .rst_ni,
    .push_i(bq_push), .wdata_i(bq_wdata),
    .pop_i(bq_pop), .rdata_o(bq_rdata),
    .empty_o(bq_empty), .full_o(bq_full), .count_o(bq_count_unused)
  );

  nic_fifo #(.Width($bits(desc_entry_t)), .Depth(DescFifoDepth)) u_desc_fifo (
    .clk_i, .rst_ni,
    .push_i(fifo_push), .wdata_i(fifo_wdata),
    .pop_i(fifo_pop), .rdata_o(desc_o),
    .empty_o(fifo_empty), .full_o(fifo_full), .count_o(fifo_count)
  );

  always_ff @(posedge clk_i or negedge rst_ni) begin : p_regs
    if (!rst_ni) begin
      fetch_q    <= '0;
      inflight_q <= '0;
      ar_valid_q <= 1'b0;
      ar_addr_q  <= '0;
      ar_len_q   <= '0;
      active_q   <= 1'b0;
      idx_q      <= '0;
      left_q     <= '0;
      slot_q     <= '0;
      stg_cnt_q  <= '0;
      stg_idx_q  <= '0;
    end else begin
      fetch_q    <= fetch_d;
      inflight_q <= inflight_d;
      ar_valid_q <= ar_valid_d;
      ar_addr_q  <= ar_addr_d;
      ar_len_q   <= ar_len_d;
      active_q   <= active_d;
      idx_q      <= idx_d;
      left_q     <= left_d;
      slot_q     <= slot_d;
      stg_cnt_q  <= stg_cnt_d;
      stg_idx_q  <= stg_idx_d;
    end
  end

  // The staged descriptors need no reset: stg_cnt_q says how many are valid.
  always_ff @(posedge clk_i) begin : p_stg_data
    stg_desc_q <= stg_desc_d;
  end

  // Idle: no request pending or in flight, no descriptor held, and nothing
  // to fetch (fetch pointer at TDT, TX disabled or no ring), so the next
  // edge changes nothing while the inputs stay as they are.
  assign idle_o = !ar_valid_q && !active_q && bq_empty && inflight_q == '0 && fifo_empty && !fetch_go &&
                  stg_cnt_q == '0;

  assign ar_valid_o = ar_valid_q;
  assign ar_addr_o  = ar_addr_q;
  assign ar_len_o   = ar_len_q;

  // Space was reserved at request time, so a fetched descriptor always fits.
  NoPushWhenFull: assert property (@(posedge clk_i) disable iff (!rst_ni) fifo_push |-> !fifo_full);
  // A fetched and a pushed descriptor never compete for the FIFO.
  NoFetchWhileStaging: assert property (@(posedge clk_i) disable iff (!rst_ni) !(r_push && stg_push));
  // A push is taken only with nothing requested or in flight.
  PushOnlyWhenQuiet: assert property (@(posedge clk_i) disable iff (!rst_ni)
      push_ok_o |-> inflight_q == '0 && !ar_valid_q && !active_q && fetch_q == tdt_i);
  // The last descriptor of a burst arrives in the burst's last beat.
  LastBeatMatches: assert property (@(posedge clk_i) disable iff (!rst_ni)
      r_push && left_q == CntW'(1) |-> r_last_i);

endmodule

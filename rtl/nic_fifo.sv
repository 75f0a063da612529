// nic_fifo: synchronous first-word-fall-through FIFO, one push and one pop per
// cycle. Callers must not push when full or pop when empty (asserted).
module nic_fifo #(
  parameter int unsigned Width = 8,   // bits per entry
  parameter int unsigned Depth = 16,  // entries, a power of two
  localparam int unsigned AddrW = $clog2(Depth)
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             push_i,
  input  logic [Width-1:0] wdata_i,
  input  logic             pop_i,
  output logic [Width-1:0] rdata_o,
  output logic             empty_o,
  output logic             full_o,
  output logic [AddrW:0]   count_o
);

  if (Depth < 2 || (Depth & (Depth - 1)) != 0) begin : gen_bad_depth
    $error("nic_fifo: Depth must be a power of two >= 2");
  end

  logic [Width-1:0] mem_q [Depth];
  logic [AddrW-1:0] wptr_q, wptr_d, rptr_q, rptr_d;
  logic [AddrW:0]   count_q, count_d;

  always_comb begin : p_ptrs
    wptr_d  = wptr_q + AddrW'(push_i);
    rptr_d  = rptr_q + AddrW'(pop_i);
    count_d = count_q + (AddrW+1)'(push_i) - (AddrW+1)'(pop_i);
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin : p_regs
    if (!rst_ni) begin
      wptr_q  <= '0;
      rptr_q  <= '0;
      count_q <= '0;
    end else begin
      wptr_q  <= wptr_d;
      rptr_q  <= rptr_d;
      count_q <= count_d;
    end
  end

  // Storage has no reset: entries are only read after being written.
  always_ff @(posedge clk_i) begin : p_mem
    if (push_i) mem_q[wptr_q] <= wdata_i;
  end

  assign rdata_o = mem_q[rptr_q];
  assign empty_o = (count_q == '0);
  assign full_o  = (count_q == (AddrW+1)'(Depth));
  assign count_o = count_q;

  PushNotFull: assert property (@(posedge clk_i) disable iff (!rst_ni) push_i |-> !full_o);
  PopNotEmpty: assert property (@(posedge clk_i) disable iff (!rst_ni) pop_i |-> !empty_o);

endmodule

// nic_axi_rd_mux: shares the AXI4 AR/R channels between the descriptor fetcher
// (ARID 0) and the data DMA (ARID 1). AR goes through a register slice with
// round-robin arbitration; R beats are routed back by RID bit 0.
module nic_axi_rd_mux #(
  parameter int unsigned AxiDataWidth = 128,
  parameter int unsigned AxiIdWidth   = 4,
  localparam int unsigned BeatBytes   = AxiDataWidth / 8
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  // Source 0: descriptor fetch
  input  logic                    desc_ar_valid_i,
  input  logic [63:0]             desc_ar_addr_i,
  input  logic [7:0]              desc_ar_len_i,
  output logic                    desc_ar_ready_o,
  output logic                    desc_r_valid_o,
  input  logic                    desc_r_ready_i,
  // Source 1: data DMA
  input  logic                    data_ar_valid_i,
  input  logic [63:0]             data_ar_addr_i,
  input  logic [7:0]              data_ar_len_i,
  output logic                    data_ar_ready_o,
  output logic                    data_r_valid_o,
  input  logic                    data_r_ready_i,
  // AXI4 master read channels
  output logic [AxiIdWidth-1:0]   m_axi_arid_o,
  output logic [63:0]             m_axi_araddr_o,
  output logic [7:0]              m_axi_arlen_o,
  output logic [2:0]              m_axi_arsize_o,
  output logic [1:0]              m_axi_arburst_o,
  output logic                    m_axi_arvalid_o,
  input  logic                    m_axi_arready_i,
  input  logic [AxiIdWidth-1:0]   m_axi_rid_i,
  input  logic                    m_axi_rvalid_i,
  output logic                    m_axi_rready_o
);

  if (AxiIdWidth < 1) begin : gen_bad_id
    $error("nic_axi_rd_mux: AxiIdWidth must be at least 1");
  end

  logic        valid_q, valid_d, id_q, id_d, last_q, last_d;
  logic [63:0] addr_q, addr_d;
  logic [7:0]  len_q, len_d;
  logic        slot_free, pick_data, any_req;
  logic [63:0] next_addr;
  logic [7:0]  next_len;

  // From flops only: the request the slice takes next. Round robin: prefer
  // the source not served last when both request.
  always_comb begin : p_pick
    pick_data = data_ar_valid_i && (!desc_ar_valid_i || !last_q);
    any_req   = data_ar_valid_i || desc_ar_valid_i;
    next_addr = pick_data ? data_ar_addr_i : desc_ar_addr_i;
    next_len  = pick_data ? data_ar_len_i : desc_ar_len_i;
  end

  // AR ready is a top-level input, read by as little logic as possible
  // (Verilator re-runs all that reads one on every eval()).
  always_comb begin : p_arb
    logic take;
    // The slice takes a new request when empty or being emptied this cycle.
    slot_free       = !valid_q || m_axi_arready_i;
    take            = slot_free && any_req;
    desc_ar_ready_o = take && !pick_data;
    data_ar_ready_o = take && pick_data;
    valid_d         = take || (valid_q && !m_axi_arready_i);
    id_d            = take ? pick_data : id_q;
    addr_d          = take ? next_addr : addr_q;
    len_d           = take ? next_len : len_q;
    last_d          = take ? pick_data : last_q;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin : p_regs
    if (!rst_ni) begin
      valid_q <= 1'b0;
      id_q    <= 1'b0;
      addr_q  <= '0;
      len_q   <= '0;
      last_q  <= 1'b0;
    end else begin
      valid_q <= valid_d;
      id_q    <= id_d;
      addr_q  <= addr_d;
      len_q   <= len_d;
      last_q  <= last_d;
    end
  end

  assign m_axi_arvalid_o = valid_q;
  assign m_axi_arid_o    = AxiIdWidth'(id_q);
  assign m_axi_araddr_o  = addr_q;
  assign m_axi_arlen_o   = len_q;
  assign m_axi_arsize_o  = 3'($clog2(BeatBytes));
  assign m_axi_arburst_o = 2'b01;  // INCR

  // R routing: ID 1 is the data DMA, everything else the descriptor fetcher.
  assign data_r_valid_o = m_axi_rvalid_i && m_axi_rid_i[0];
  assign desc_r_valid_o = m_axi_rvalid_i && !m_axi_rid_i[0];
  assign m_axi_rready_o = m_axi_rid_i[0] ? data_r_ready_i : desc_r_ready_i;

  logic unused_rid;
  assign unused_rid = ^m_axi_rid_i;

  ArStable: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_axi_arvalid_o && !m_axi_arready_i |=>
      m_axi_arvalid_o && $stable(m_axi_araddr_o) && $stable(m_axi_arlen_o) && $stable(m_axi_arid_o));

endmodule

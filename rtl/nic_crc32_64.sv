// nic_crc32_64: one step of the Ethernet CRC-32 over the first nbytes_i lanes
// of a 64-bit word (lane 0 first). nbytes_i = 8 is the full-word running
// update; 1..7 is the final step for a frame's last word; 0 passes crc_i.
module nic_crc32_64 (
  input  logic [31:0] crc_i,
  input  logic [63:0] data_i,
  input  logic [3:0]  nbytes_i,
  output logic [31:0] crc_o
);
  import nic_abi_pkg::*;

  // The full-word step is linear over GF(2): output bit j is the parity of
  // {data_i, crc_i} under a mask. The masks come from the bytewise definition
  // at elaboration, so every cycle costs 32 parities instead of 64 serial
  // shift-and-xor steps.
  typedef logic [31:0][95:0] crc_rows_t;

  function automatic crc_rows_t crc_rows();
    crc_rows_t   rows;
    logic [95:0] in;
    logic [31:0] c;
    for (int k = 0; k < 96; k++) begin
      in = 96'(1) << k;
      c  = in[31:0];
      for (int i = 0; i < 8; i++) c = crc32_byte(c, in[32 + 8*i +: 8]);
      for (int j = 0; j < 32; j++) rows[j][k] = c[j];
    end
    return rows;
  endfunction

  localparam crc_rows_t Rows = crc_rows();

  // cand[k] = CRC after k bytes, for a frame's last word only.
  logic [31:0] cand [8];

  always_comb begin : p_crc
    cand = '{default: '0};
    if (nbytes_i >= 4'd8) begin
      for (int j = 0; j < 32; j++) crc_o[j] = ^({data_i, crc_i} & Rows[j]);
    end else begin
      cand[0] = crc_i;
      for (int i = 0; i < 7; i++) cand[i+1] = crc32_byte(cand[i], data_i[8*i +: 8]);
      crc_o = cand[3'(nbytes_i)];
    end
  end

endmodule

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

  // cand[k] = CRC after k bytes; each step shares the previous prefix.
  logic [31:0] cand [9];

  always_comb begin : p_crc
    cand[0] = crc_i;
    for (int i = 0; i < 8; i++) begin
      cand[i+1] = crc32_byte(cand[i], data_i[8*i +: 8]);
    end
    crc_o = (nbytes_i > 4'd8) ? cand[8] : cand[nbytes_i];
  end

endmodule

// nic_abi_types_pkg: the queue entry types the NIC TX path modules pass between
// them (fetched descriptors, completions, DMA commands, offload controls,
// per-frame metadata). Internal: the driver sees none of it (the register
// map and descriptor layout are in nic_abi_pkg, which must come first).
// Guarded in case a command line names it twice.
`ifndef NIC_ABI_TYPES_PKG_SV
`define NIC_ABI_TYPES_PKG_SV
package nic_abi_types_pkg;
  import nic_abi_pkg::RingIdxW;
  import nic_abi_pkg::tx_desc_t;

  // A fetched descriptor with its ring index; err = the fetch read failed.
  typedef struct packed {
    logic                err;
    logic [RingIdxW-1:0] idx;
    tx_desc_t            desc;
  } desc_entry_t;

  // Completion queue entry: one per descriptor taken by the data DMA.
  typedef struct packed {
    logic [RingIdxW-1:0] idx;
    logic                ide;
    logic                rs;
    logic                eop;
  } cpl_entry_t;

  // Offload controls of one frame (a TSO packet: of one segment), carried on
  // each of its DMA commands. Offsets are from the frame start in host memory
  // (before the VLAN tag); *cse = 0 means to the end of the frame.
  typedef struct packed {
    logic        ixsm;     // insert the IPv4 header checksum at ipcso
    logic        txsm;     // insert the TCP/UDP (or legacy CSO) checksum at tucso
    logic        legacy;   // legacy CSO/CSS: no UDP zero rule
    logic        tcp;      // TUCMD.TCP; else UDP (a computed 0 goes out as 0xFFFF)
    logic        tse;      // a TSO segment: rewrite length, ID, seq, flags
    logic        vle;      // insert an 802.1Q tag after the MAC addresses
    logic [15:0] vlan;
    logic [7:0]  ipcss, ipcso;
    logic [15:0] ipcse;
    logic [7:0]  tucss, tucso;
    logic [15:0] tucse;
    logic        seg_last;  // the packet's last frame (completes its descriptors)
    logic [15:0] seg_idx;   // TSO segment number: IPv4 ID increment
    logic [31:0] seq_add;   // TSO payload bytes before this segment
  } tx_offload_t;

  // Per-frame metadata, pushed once all of the frame's words are in the TX
  // FIFO, with the field values the MAC writes over the stored bytes.
  typedef struct packed {
    logic        err;
    logic        ifcs;
    logic        pkt_end;  // last frame of its packet
    logic [15:0] len;
    logic        ip_ins;   // write ip_csum at ip_off
    logic [15:0] ip_off;
    logic [15:0] ip_csum;
    logic        tu_ins;   // write tu_csum at tu_off
    logic [15:0] tu_off;
    logic [15:0] tu_csum;
    logic        tso;      // write IPv4 total length/ID at ip_base, TCP seq/flags at tcp_base
    logic [15:0] ip_base;
    logic [15:0] tcp_base;
    logic [15:0] ip_len;
    logic [15:0] ip_id;
    logic [31:0] tcp_seq;
    logic [7:0]  tcp_flags;
    logic        ct;       // cut-through: announced early by a tx_ct_t entry
  } tx_meta_t;

  // Cut-through: a frame's early entry, pushed when its first bytes are
  // packed; the MAC may start it before its last word (and metadata) is in.
  typedef struct packed {
    logic [15:0] len;      // frame bytes incl. an inserted VLAN tag (IFCS is implied)
  } tx_ct_t;

  // Data DMA read command, queued from the request side to the packer in the
  // order the reads were issued. has_data = 0: no read, only err/eop marks.
  typedef struct packed {
    tx_offload_t ol;
    logic        has_data;
    logic        err;      // drop the frame
    logic        derr;     // ... because a descriptor read failed
    logic        eop;
    logic        ifcs;
    logic [5:0]  off;     // byte offset of the first byte in the first beat
    logic [12:0] nbytes;  // 1..MaxReadBytes when has_data
    logic        ct;      // the frame's first read, and the frame may be cut through
    logic [15:0] ct_len;  // ... then its length incl. the VLAN tag
  } dma_cmd_t;

endpackage
`endif  // NIC_ABI_TYPES_PKG_SV

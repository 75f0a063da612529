// nic_abi_pkg: the driver-visible interface of the NIC, and the source of its
// register map: BAR0 offsets and fields, descriptor layout and limits
// (driver/e1000_hw.hpp is the C++ side; test_nic_reg_map checks it against
// this package through a Verilated model), plus the CRC-32 and XGMII
// constants the TX modules share. The internal queue entry types are in
// nic_abi_types_pkg. Verilator traces a package's parameters under its name, so
// a parameter moved out of this package changes every VCD.
// Packages come first on a command line (rtl/*_pkg.sv rtl/*.sv); guarded
// because that names them twice.
`ifndef NIC_ABI_PKG_SV
`define NIC_ABI_PKG_SV
package nic_abi_pkg;

  // BAR0 register byte offsets (Intel 8254x layout).
  localparam logic [16:0] RegCtrl   = 17'h00000;
  localparam logic [16:0] RegStatus = 17'h00008;
  localparam logic [16:0] RegIcr    = 17'h000C0;
  localparam logic [16:0] RegIcs    = 17'h000C8;
  localparam logic [16:0] RegIms    = 17'h000D0;
  localparam logic [16:0] RegImc    = 17'h000D8;
  localparam logic [16:0] RegTctl   = 17'h00400;
  localparam logic [16:0] RegTipg   = 17'h00410;
  localparam logic [16:0] RegTdbal  = 17'h03800;
  localparam logic [16:0] RegTdbah  = 17'h03804;
  localparam logic [16:0] RegTdlen  = 17'h03808;
  localparam logic [16:0] RegTdh    = 17'h03810;
  localparam logic [16:0] RegTdt    = 17'h03818;
  localparam logic [16:0] RegGptc   = 17'h04080;
  localparam logic [16:0] RegGotcl  = 17'h04090;
  localparam logic [16:0] RegGotch  = 17'h04094;
  localparam logic [16:0] RegTotl   = 17'h040C8;
  localparam logic [16:0] RegToth   = 17'h040CC;
  localparam logic [16:0] RegTpt    = 17'h040D4;
  localparam logic [16:0] RegItr    = 17'h000C4;
  localparam logic [16:0] RegTidv   = 17'h03820;
  localparam logic [16:0] RegTadv   = 17'h0382C;
  localparam logic [16:0] RegPtc64  = 17'h040D8;  // PTC64..PTC1522: 6 counters, 4 apart
  localparam logic [16:0] RegMptc   = 17'h040F0;
  localparam logic [16:0] RegBptc   = 17'h040F4;
  localparam logic [16:0] RegTsctc  = 17'h040F8;
  localparam logic [16:0] RegTsctfc = 17'h040FC;
  // wirepath error counters (not in the 8254x; clear on read).
  localparam logic [16:0] RegTdzc   = 17'h05F00;  // zero-length data descriptors
  localparam logic [16:0] RegTdoc   = 17'h05F04;  // frames over MaxFrameBytes dropped
  localparam logic [16:0] RegTdec   = 17'h05F08;  // frames dropped for a DMA read error
  localparam logic [16:0] RegTdbc   = 17'h05F0C;  // descriptors with a reserved DTYP
  localparam logic [16:0] RegTrjc   = 17'h05F10;  // refused TDT/TDH/TDLEN writes
  localparam logic [16:0] RegTwec   = 17'h05F14;  // DD write-backs answered with an error
  localparam logic [16:0] RegTdpac  = 17'h05F18;  // descriptor pushes taken (no fetch)
  localparam logic [16:0] RegTdpfc  = 17'h05F1C;  // pushes that did not match the ring: fetched
  localparam logic [16:0] RegTdpbc  = 17'h05F20;  // bad pushes: wrong length or outside the window
  localparam logic [16:0] RegTxcap  = 17'h05F40;  // read-only: low-latency TX capabilities
  localparam int unsigned TxcapPushBit = 0;       // the descriptor push window exists
  localparam logic [16:0] RegTdilc  = 17'h05F28;  // inline frames taken (no data fetch)
  localparam int unsigned TxcapInlineBit = 1;     // inline frames (RegTxInline) supported
  localparam logic [16:0] RegTxInlMax = 17'h05F4C;  // read-only: InlineMaxBytes
  // Cut-through (wirepath): TXCT bit 0 enables it, bits 15:4 are the start
  // threshold in bytes (the MAC starts an eligible frame once that many of its
  // bytes, or all of them, are in the TX FIFO); TDURC counts underruns.
  localparam int unsigned TxcapCutThroughBit = 2;  // TXCT/TDURC exist
  localparam logic [16:0] RegTxct   = 17'h05F48;  // cut-through control
  localparam logic [16:0] RegTdurc  = 17'h05F24;  // TX underruns (clear on read)
  localparam int unsigned TxctEnBit = 0;
  localparam int unsigned TxctThreshLsb = 4;       // bits 15:4: threshold, bytes

  // Descriptor push window (wirepath, not in the 8254x): one 64-byte
  // write-combined write at RegTxPush carries the new TDT and up to
  // PushMaxDescs descriptors of ring slots first..TDT-1, so the NIC need not
  // fetch them. Bytes 0-1: TDT, 2: count, 4-5: first slot, 16 + 16k: desc k.
  localparam logic [16:0] RegTxPush = 17'h06000;
  localparam int unsigned PushBytes = 64;
  localparam int unsigned PushMaxDescs = 3;
  // Inline frames: the frame's bytes in 64-byte blocks at RegTxInline + 64k
  // (frame byte i at RegTxInline + i), written before the push block, whose
  // bytes 6-7 give the inline length (0: none). The push's last descriptor
  // is the frame's only data descriptor; the NIC sends it from these bytes
  // and does not read its buffer.
  localparam logic [16:0] RegTxInline = 17'h06040;
  localparam int unsigned InlineMaxBytes = 256;
  localparam int unsigned PushInlLenByte = 6;

  // Register fields.
  localparam int unsigned CtrlRstBit  = 26;
  localparam int unsigned CtrlVmeBit  = 30;
  localparam int unsigned CtrlGioDisBit = 2;    // GIO master disable
  localparam int unsigned StatusGioEnBit = 19;  // GIO master enable status
  localparam int unsigned IcrDmaErrBit = 5;     // wirepath: a frame was dropped for a DMA error
  localparam int unsigned TickCycles1024ns = 160;  // 1.024 us at 156.25 MHz (TIDV, TADV)
  localparam int unsigned TickCycles256ns  = 40;   // 256 ns (ITR)
  localparam logic [31:0] StatusValue = 32'h0000_0083;  // FD, LU, 10 Gb/s
  localparam int unsigned IcrTxdwBit  = 0;
  localparam int unsigned IcrTxqeBit  = 1;
  localparam int unsigned TctlEnBit   = 1;
  localparam int unsigned TctlPspBit  = 3;
  localparam logic [31:0] TipgReset   = 32'h0000_000C;
  localparam int unsigned MinIfgBytes = 12;
  localparam int unsigned MinFrameBytes = 60;  // without FCS, PSP pads to this

  // Ring indices are 16 bits wide (TDH/TDT).
  localparam int unsigned RingIdxW  = 16;
  localparam int unsigned DescBytes = 16;

  // Legacy TX descriptor; packed so bits [8i+7:8i] are byte i in memory.
  typedef struct packed {
    logic [15:0] special;
    logic [7:0]  css;
    logic [7:0]  sta;
    logic [7:0]  cmd;
    logic [7:0]  cso;
    logic [15:0] length;
    logic [63:0] addr;
  } tx_desc_t;

  localparam int unsigned CmdEopBit  = 0;
  localparam int unsigned CmdIfcsBit = 1;
  localparam int unsigned CmdRsBit   = 3;
  localparam int unsigned CmdIdeBit  = 7;
  localparam int unsigned StaByte    = 12;  // byte offset of STA in a descriptor
  localparam logic [7:0]  StaDd      = 8'h01;

  // Extended descriptors (DEXT = CMD bit 5): DTYP in byte 10 bits 7:4.
  localparam int unsigned CmdIcBit   = 2;   // legacy: insert checksum at CSO
  localparam int unsigned CmdTseBit  = 2;   // data descriptor DCMD.TSE
  localparam int unsigned CmdDextBit = 5;
  localparam int unsigned CmdVleBit  = 6;
  localparam logic [3:0]  DtypCtx    = 4'h0;
  localparam logic [3:0]  DtypData   = 4'h1;
  localparam int unsigned TucmdTcpBit = 0;  // context TUCMD
  localparam int unsigned TucmdIpBit  = 1;
  localparam int unsigned TucmdTseBit = 2;
  localparam int unsigned PoptsIxsmBit = 0;  // data descriptor POPTS (byte 13)
  localparam int unsigned PoptsTxsmBit = 1;
  localparam int unsigned MaxFrameBytes = 9216;  // DA..data without FCS/VLAN tag
  localparam int unsigned MaxDescPerPkt = 64;    // descriptors per packet (CplDepth / 2)
  localparam logic [15:0] VlanTpid   = 16'h8100;
  localparam logic [7:0]  TcpFlagsLastOnly = 8'h09;  // PSH | FIN

  localparam int unsigned MaxReadBytes = 512;  // bytes per data read burst

  // CRC-32 as Ethernet/zlib: reflected polynomial 0x04C11DB7.
  localparam logic [31:0] CrcPolyRefl = 32'hEDB8_8320;
  localparam logic [31:0] CrcInit     = 32'hFFFF_FFFF;

  function automatic logic [31:0] crc32_byte(logic [31:0] crc, logic [7:0] data);
    logic [31:0] c;
    c = crc ^ {24'h0, data};
    for (int b = 0; b < 8; b++) begin
      c = c[0] ? ((c >> 1) ^ CrcPolyRefl) : (c >> 1);
    end
    return c;
  endfunction

  // XGMII control characters.
  localparam logic [7:0] XgmiiIdle  = 8'h07;
  localparam logic [7:0] XgmiiStart = 8'hFB;
  localparam logic [7:0] XgmiiTerm  = 8'hFD;
  localparam logic [7:0] XgmiiSfd   = 8'hD5;
  localparam logic [7:0] XgmiiPre   = 8'h55;

endpackage
`endif  // NIC_ABI_PKG_SV

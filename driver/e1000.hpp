// The e1000e-style TX driver: descriptor ring in coherent DMA memory,
// ndo_start_xmit mapping each buffer with the DMA API, doorbell over MMIO,
// MSI + NAPI-style completion that unmaps what the NIC has sent. Functions carry the names
// of drivers/net/ethernet/intel/e1000e/netdev.c where they do the same job.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "driver/e1000_hw.hpp"
#include "driver/mmio.hpp"
#include "stack/kernel/dma_mapping.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/core/skbuff.hpp"

namespace wirepath {

// How the driver hands a packet to the NIC (section "Low-latency TX modes"
// of docs/architecture.md). ring: descriptors in the ring, TDT doorbell, the
// NIC fetches them. push: the doorbell is a 64-byte write-combined write of
// the packet's descriptors to the push window (packets of up to
// E1000_PUSH_MAX_DESCS descriptors; larger ones go the ring way), and the NIC
// skips their fetch. inline_: as push, and a packet of one data descriptor
// of up to E1000_INLINE_MAX bytes also writes its bytes to the inline window
// first, so the NIC skips the data read too (per packet: larger ones push).
// Used only if the NIC reports the capability (TXCAP).
enum class E1000TxMode { ring, push, inline_ };

struct E1000Config {
  uint32_t tx_ring_count = 256;         // TxDescriptors module parameter (e1000e default)
  uint32_t max_per_txd = E1000_MAX_PER_TXD;  // split buffers longer than this
  // Stop the queue after a send when fewer descriptors than this are free
  // (e1000e: worst-case next packet). 0 disables, so a full ring is met by
  // NETDEV_TX_BUSY instead: tests use it to exercise that path.
  uint32_t stop_threshold = DESC_NEEDED;
  uint32_t tipg = 12;        // IFG in bytes written to TIPG.IPGT
  bool pad_short = true;     // TCTL.PSP
  int napi_weight = 64;
  // Byte queue limits (netdev_tx_sent_queue / netdev_tx_completed_queue), on
  // as in e1000e; off: the ring alone bounds what waits below the qdisc.
  bool bql = true;
  // Interrupt moderation: at most this many interrupts a second (e1000e's
  // InterruptThrottleRate in fixed mode, written to ITR in 256 ns units);
  // 0 = one interrupt per completed packet. With BQL a completion per
  // packet never shows the queue starved, so the limit stays below what the
  // NIC's doorbell-to-completion latency needs (e1000e starts at 20000).
  uint32_t itr = 0;
  E1000TxMode tx_mode = E1000TxMode::ring;
  // Cut-through (TXCT, if TXCAP has it): the NIC starts a frame before its
  // last byte is stored once cut_through_bytes of it are. It does so only for
  // frames no offload writes into (one data descriptor with EOP and IFCS, no
  // checksum or TSO), so the driver chooses per packet by its offloads; the
  // rest stay store-and-forward. The default threshold covers the packer's
  // slips up to 9018-byte frames (README, "Cut-through").
  bool cut_through = false;
  uint32_t cut_through_bytes = 128;
  void validate() const;
};

// One descriptor's bookkeeping (struct e1000_buffer).
struct e1000_buffer {
  sk_buff *skb = nullptr;     // set on the packet's last descriptor
  dma_addr_t dma = 0;         // 0: nothing mapped (a context descriptor)
  uint32_t length = 0;
  bool mapped_as_page = false;  // a paged fragment (dma_unmap_phys), else the linear area
  int32_t next_to_watch = -1;  // on the first descriptor: index of the EOP one
  uint32_t bytecount = 0;
};

struct e1000_ring {
  void *desc = nullptr;  // the descriptors, as the CPU sees them
  dma_addr_t dma = 0;    // and as the NIC does
  uint32_t count = 0;    // descriptors
  uint32_t size = 0;     // bytes
  uint32_t next_to_use = 0, next_to_clean = 0;
  std::vector<e1000_buffer> buffer_info;
};

// What the driver did at a doorbell, for latency accounting outside the driver.
struct TxPacketRecord {
  uint64_t trace_id = 0;
  uint32_t first_desc = 0, last_desc = 0;
  uint64_t last_buf_end = 0;  // physical address one past the packet's last byte
  uint32_t len = 0;
  uint32_t segs = 1;          // frames on the wire: TSO segments, else 1
  uint32_t first_frame_len = 0;  // length of the first of them (FCS excluded)
  bool pushed = false;        // its descriptors went with the doorbell (push mode)
  bool inlined = false;       // and its bytes too (inline mode)
  uint64_t first_buf = 0;     // physical address of the packet's first byte
};

// tx_flags of one packet.
enum : uint32_t {
  E1000_TX_FLAGS_CSUM = 1u << 0,
  E1000_TX_FLAGS_VLAN = 1u << 1,
  E1000_TX_FLAGS_TSO = 1u << 2,
};

struct E1000TxStats {
  uint64_t packets = 0, bytes = 0, busy = 0, restart_queue = 0, doorbells = 0;
  uint64_t frames = 0;  // frames these packets become on the wire (TSO: one per segment)
  uint64_t csum_offloads = 0, tso_offloads = 0, tso_errors = 0, resets = 0, resent = 0;
  uint64_t irqs = 0, spurious_irqs = 0, polls = 0, cleaned = 0;
  uint64_t tx_dma_failed = 0;  // packets dropped because a buffer could not be mapped
  uint64_t ring_full_stops = 0;  // queue stopped for want of descriptors (DRV_XOFF)
  uint64_t pushes = 0;         // doorbells that carried the packet's descriptors (push mode)
  uint64_t inlines = 0;        // ... and its bytes (inline mode)
};

class E1000Adapter {
public:
  // dev is the NIC's struct device (&pdev->dev): its DMA mappings are what
  // the root complex lets the NIC touch.
  E1000Adapter(device &dev, Mmio &mmio, net_device &netdev, const E1000Config &cfg);
  ~E1000Adapter();
  E1000Adapter(const E1000Adapter &) = delete;
  E1000Adapter &operator=(const E1000Adapter &) = delete;

  // Probe + open: reset the NIC, allocate the ring, program TX, enable interrupts.
  int e1000e_open();
  // Close: mask interrupts, disable TX, unmap and free what is still on the
  // ring, free the ring.
  void e1000e_close();
  // Reset the NIC in the middle of traffic without losing or repeating a
  // packet: GIO master disable, wait until the NIC has finished what it took
  // (STATUS.GIO_MASTER_EN clear), reclaim what it completed, CTRL.RST,
  // reprogram, and hand the rest of the ring to the NIC again (TDH = the
  // first packet not completed). Returns 0, or -ETIMEDOUT if the NIC
  // never went idle (then the unsent skbs are dropped with DEV_RESET).
  int e1000e_reset_and_resend(unsigned max_polls = 10000);

  // ndo_start_xmit.
  netdev_tx_t e1000_xmit_frame(sk_buff *skb);

  // MSI handler: reads ICR, masks, schedules NAPI. Returns true if it was ours.
  bool e1000_intr_msi();
  // NAPI poll: clean, and when done re-enable interrupts. Returns work done.
  int e1000e_poll(int budget);
  bool napi_scheduled() const { return napi_scheduled_; }

  // Reclaim descriptors the NIC marked DD; wakes the queue. Returns true if all cleaned.
  bool e1000_clean_tx_irq(int budget);

  uint32_t e1000_desc_unused() const;
  const e1000_ring &tx_ring() const { return ring_; }
  const E1000TxStats &stats() const { return stats_; }
  const E1000Config &config() const { return cfg_; }

  std::function<void(const std::vector<TxPacketRecord> &)> on_doorbell;

private:
  int e1000e_setup_tx_resources();
  void e1000e_free_tx_resources();
  // Program the ring and enable TX with head = tail = head (0 after a reset
  // of the ring; the first packet not completed when resending).
  void e1000_configure_tx(uint32_t head = 0);
  void e1000_irq_enable();
  void e1000_irq_disable();
  int e1000_tso(sk_buff *skb);
  bool e1000_tx_csum(sk_buff *skb);
  int e1000_tx_map(sk_buff *skb, uint32_t first, uint32_t start);
  void e1000_tx_queue(uint32_t tx_flags, uint32_t start, int count, uint16_t vlan);
  void write_context(const e1000_context_desc &c);
  // The doorbell: TDT, or the push block with the descriptors first..TDT-1.
  void e1000_tx_doorbell(uint32_t first, const sk_buff *inl = nullptr);
  int e1000_maybe_stop_tx(uint32_t size);
  e1000_tx_desc *desc(uint32_t i);
  // e1000_put_txbuf: unmap the slot's buffer; free its skb, consumed if
  // transmitted, else dropped for drop.
  void unmap_and_free(e1000_buffer &bi, bool transmitted, skb_drop_reason drop = skb_drop_reason::DEV_READY);

  device &dev_;
  Mmio &mmio_;
  net_device &netdev_;
  E1000Config cfg_;
  e1000_ring ring_;
  bool napi_scheduled_ = false;
  bool open_ = false;
  bool push_ = false;  // push mode asked for and the NIC has the window
  bool inline_ = false;  // inline mode asked for and the NIC takes inline frames
  bool cut_through_ = false;  // asked for and the NIC has it (TXCT written)
  std::vector<TxPacketRecord> pending_doorbell_;
  E1000TxStats stats_;
};

}  // namespace wirepath

// The neighbour table and its state machine (net/core/neighbour.c).
#include "stack/core/neighbour.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "stack/ipv4/arp.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/ipv4/route.hpp"
#include "stack/core/skbuff.hpp"

namespace wirepath {

namespace {
constexpr uint64_t HZ_100 = 10 * NSEC_PER_MSEC;  // HZ/100: the shortest neighbour timer

void neigh_add_timer(neighbour *n, uint64_t when) { n->nnet->kernel.timers.mod_timer(&n->timer, when); }
void neigh_del_timer(neighbour *n) { n->nnet->kernel.timers.del_timer(&n->timer); }
const neigh_parms &parms(const neighbour *n) { return n->nnet->arp_tbl.parms; }

// neigh_max_probes: unicast + app + multicast (re)probes for the state.
uint32_t neigh_max_probes(const neighbour *n) {
  const neigh_parms &p = parms(n);
  return p.ucast_probes + p.app_probes + ((n->nud_state & NUD_PROBE) ? p.mcast_reprobes : p.mcast_probes);
}

// neigh_suspect / neigh_connect: which output the entry uses.
void neigh_suspect(neighbour *n) { n->output = neigh_resolve_output; }
void neigh_connect(neighbour *n) { n->output = neigh_connected_output; }

// neigh_hh_init: build the cached header with header_ops->cache.
void neigh_hh_init(neighbour *n) { n->dev->header_ops->cache(n, &n->hh, ETH_P_IP); }

// neigh_update_hhs: the lladdr changed; refresh a header already cached.
void neigh_update_hhs(neighbour *n) {
  if (n->hh.hh_len) neigh_hh_init(n);
}

void neigh_purge_arp_queue(neighbour *n, skb_drop_reason why) {
  while (!n->arp_queue.empty()) {
    sk_buff *skb = n->arp_queue.front();
    n->arp_queue.pop_front();
    kfree_skb_reason(skb, why);
  }
  n->arp_queue_len_bytes = 0;
}
}  // namespace

const char *neigh_state_name(uint8_t s) {
  switch (s) {
    case NUD_NONE: return "NONE";
    case NUD_INCOMPLETE: return "INCOMPLETE";
    case NUD_REACHABLE: return "REACHABLE";
    case NUD_STALE: return "STALE";
    case NUD_DELAY: return "DELAY";
    case NUD_PROBE: return "PROBE";
    case NUD_FAILED: return "FAILED";
    case NUD_NOARP: return "NOARP";
    case NUD_PERMANENT: return "PERMANENT";
  }
  return "?";
}

neighbour::~neighbour() {
  dead = true;
  neigh_purge_arp_queue(this, skb_drop_reason::NEIGH_DEAD);
  if (nnet) nnet->kernel.timers.del_timer(&timer);
}

uint64_t neigh_rand_reach_time(net &n, uint64_t base) {
  if (!base) return 0;
  // get_random_u32_below(base) + base/2, on a millisecond grid (jiffies-like).
  const uint64_t ms = base / NSEC_PER_MSEC;
  return (n.get_random_u32_below(static_cast<uint32_t>(ms)) + ms / 2) * NSEC_PER_MSEC;
}

neighbour *__neigh_create(net &n, net_device *dev, uint32_t key) {
  auto &slot = n.arp_tbl.entries[{dev->ifindex, key}];
  if (slot) return slot.get();
  slot = std::make_unique<neighbour>();
  neighbour *ne = slot.get();
  ne->nnet = &n;
  ne->dev = dev;
  ne->primary_key = key;
  ne->updated = ne->used = n.kernel.timers.now();
  ne->timer.function = [ne](timer_list *) { neigh_timer_handler(ne); };
  ++n.arp_tbl.stats.allocs;
  arp_constructor(ne);
  return ne;
}

int neigh_add(net &n, net_device *dev, uint32_t addr, const mac_addr &lladdr) {
  if (!dev) return -ENODEV;
  neighbour *ne = __neigh_create(n, dev, addr);
  // ip neigh replace ... nud permanent: neigh_update with ADMIN | OVERRIDE.
  return neigh_update(ne, lladdr.data(), NUD_PERMANENT, NEIGH_UPDATE_F_OVERRIDE | NEIGH_UPDATE_F_ADMIN);
}

int neigh_del(net &n, net_device *dev, uint32_t addr) {
  return n.arp_tbl.entries.erase({dev->ifindex, addr}) ? 0 : -ENOENT;
}

void neigh_changeaddr(net &n, net_device *dev) {
  for (auto &[key, ne] : n.arp_tbl.entries)
    if (ne->dev == dev) ne->hh = hh_cache{};
}

void neigh_ifdown(net &n, net_device *dev) {
  for (auto it = n.arp_tbl.entries.begin(); it != n.arp_tbl.entries.end();) {
    if (it->second->dev == dev) {
      ++n.arp_tbl.stats.destroys;
      it = n.arp_tbl.entries.erase(it);
    } else {
      ++it;
    }
  }
}

void neigh_table_flush(net &n) { n.arp_tbl.entries.clear(); }

void neigh_probe(neighbour *n) {
  sk_buff *skb = n->arp_queue.empty() ? nullptr : n->arp_queue.back();
  arp_solicit(n, skb);
  ++n->probes;
}

void neigh_invalidate(neighbour *n) {
  net &ns = *n->nnet;
  ++ns.arp_tbl.stats.res_failed;
  n->updated = ns.kernel.timers.now();
  while (n->nud_state == NUD_FAILED && !n->arp_queue.empty()) {
    sk_buff *skb = n->arp_queue.front();
    n->arp_queue.pop_front();
    n->arp_queue_len_bytes -= std::min(n->arp_queue_len_bytes, skb->truesize);
    arp_error_report(n, skb);  // ICMP host unreachable to the sender, then drop (NEIGH_FAILED)
  }
  neigh_purge_arp_queue(n, skb_drop_reason::NEIGH_FAILED);
}

void neigh_timer_handler(neighbour *n) {
  net &ns = *n->nnet;
  const neigh_parms &p = parms(n);
  const uint64_t now = ns.kernel.timers.now();
  const uint8_t state = n->nud_state;
  if (!(state & NUD_IN_TIMER)) return;
  uint64_t next = now + NSEC_PER_SEC;

  if (state & NUD_REACHABLE) {
    if (now <= n->confirmed + p.reachable_time) {
      next = n->confirmed + p.reachable_time;
    } else if (now <= n->used + p.delay_probe_time) {
      n->nud_state = NUD_DELAY;
      n->updated = now;
      neigh_suspect(n);
      next = now + p.delay_probe_time;
    } else {
      n->nud_state = NUD_STALE;
      n->updated = now;
      neigh_suspect(n);
    }
  } else if (state & NUD_DELAY) {
    if (now <= n->confirmed + p.delay_probe_time) {
      n->nud_state = NUD_REACHABLE;
      n->updated = now;
      neigh_connect(n);
      next = n->confirmed + p.reachable_time;
    } else {
      n->nud_state = NUD_PROBE;
      n->updated = now;
      n->probes = 0;
      next = now + std::max(p.retrans_time, HZ_100);
    }
  } else {
    // NUD_PROBE | NUD_INCOMPLETE
    next = now + std::max(p.retrans_time, HZ_100);
  }

  if ((n->nud_state & (NUD_INCOMPLETE | NUD_PROBE)) && n->probes >= neigh_max_probes(n)) {
    n->nud_state = NUD_FAILED;
    neigh_suspect(n);
    neigh_invalidate(n);
    return;
  }
  if (n->nud_state & NUD_IN_TIMER) {
    if (next < now + HZ_100) next = now + HZ_100;
    neigh_add_timer(n, next);
  }
  if (n->nud_state & (NUD_INCOMPLETE | NUD_PROBE)) neigh_probe(n);
}

int __neigh_event_send(neighbour *n, sk_buff *skb) {
  net &ns = *n->nnet;
  const neigh_parms &p = parms(n);
  const uint64_t now = ns.kernel.timers.now();
  bool immediate_probe = false;
  if (n->nud_state & (NUD_CONNECTED | NUD_DELAY | NUD_PROBE)) return 0;
  if (n->dead) {
    kfree_skb_reason(skb, skb_drop_reason::NEIGH_DEAD);
    return 1;
  }
  if (!(n->nud_state & (NUD_STALE | NUD_INCOMPLETE))) {
    // NONE or FAILED: start resolving.
    if (p.mcast_probes + p.app_probes) {
      n->probes = p.ucast_probes;  // the first probes are broadcast (mcast) ones
      neigh_del_timer(n);
      n->nud_state = NUD_INCOMPLETE;
      n->updated = now;
      immediate_probe = true;
      neigh_add_timer(n, now + std::max(p.retrans_time, HZ_100));
    } else {
      n->nud_state = NUD_FAILED;
      n->updated = now;
      kfree_skb_reason(skb, skb_drop_reason::NEIGH_FAILED);
      return 1;
    }
  } else if (n->nud_state & NUD_STALE) {
    n->nud_state = NUD_DELAY;
    n->updated = now;
    neigh_add_timer(n, now + p.delay_probe_time);
  }

  int rc = 0;
  if (n->nud_state == NUD_INCOMPLETE) {
    if (skb) {
      // Over unres_qlen_bytes the oldest packets make room.
      while (n->arp_queue_len_bytes + skb->truesize > p.queue_len_bytes && !n->arp_queue.empty()) {
        sk_buff *old = n->arp_queue.front();
        n->arp_queue.pop_front();
        n->arp_queue_len_bytes -= std::min(n->arp_queue_len_bytes, old->truesize);
        kfree_skb_reason(old, skb_drop_reason::NEIGH_QUEUEFULL);
        ++ns.arp_tbl.stats.unres_discards;
      }
      // skb_dst_force: our dst points into the sender's frame; the queued
      // packet needs only its device from here on.
      skb->dst = nullptr;
      n->arp_queue.push_back(skb);
      n->arp_queue_len_bytes += skb->truesize;
    }
    rc = 1;
  }
  if (immediate_probe) neigh_probe(n);
  return rc;
}

int neigh_event_send(neighbour *n, sk_buff *skb) {
  const uint64_t now = n->nnet->kernel.timers.now();
  n->used = now;
  if (!(n->nud_state & (NUD_CONNECTED | NUD_DELAY | NUD_PROBE))) return __neigh_event_send(n, skb);
  return 0;
}

int neigh_update(neighbour *n, const uint8_t *lladdr, uint8_t new_state, uint32_t flags) {
  net &ns = *n->nnet;
  const uint64_t now = ns.kernel.timers.now();
  const uint8_t old = n->nud_state;
  if (!(flags & NEIGH_UPDATE_F_ADMIN) && (old & (NUD_NOARP | NUD_PERMANENT))) return -EPERM;
  if (n->dead) return -ENOENT;

  if (!(new_state & NUD_VALID)) {
    neigh_del_timer(n);
    if (old & NUD_CONNECTED) neigh_suspect(n);
    n->nud_state = new_state;
    if ((old & (NUD_INCOMPLETE | NUD_PROBE)) && (new_state & NUD_FAILED)) neigh_invalidate(n);
    return 0;
  }

  mac_addr addr = n->ha;
  bool changed_addr = false;
  if (lladdr) {
    if (!((old & NUD_VALID) && std::memcmp(lladdr, n->ha.data(), ETH_ALEN) == 0)) {
      std::memcpy(addr.data(), lladdr, ETH_ALEN);
      changed_addr = std::memcmp(lladdr, n->ha.data(), ETH_ALEN) != 0 || !(old & NUD_VALID);
    }
  } else if (!(old & NUD_VALID)) {
    return -EINVAL;
  }
  if (new_state & NUD_CONNECTED) n->confirmed = now;

  if (old & NUD_VALID) {
    if (changed_addr && !(flags & NEIGH_UPDATE_F_OVERRIDE)) {
      if ((flags & NEIGH_UPDATE_F_WEAK_OVERRIDE) && (old & NUD_CONNECTED)) {
        addr = n->ha;
        changed_addr = false;
        new_state = NUD_STALE;
      } else {
        return 0;
      }
    } else if (!changed_addr && new_state == NUD_STALE && !(flags & NEIGH_UPDATE_F_ADMIN)) {
      new_state = old;
    }
  }

  if (new_state != old || changed_addr) n->updated = now;
  if (new_state != old) {
    neigh_del_timer(n);
    if (new_state & NUD_PROBE) n->probes = 0;
    if (new_state & NUD_IN_TIMER)
      neigh_add_timer(n, now + ((new_state & NUD_REACHABLE) ? parms(n).reachable_time : 0));
    n->nud_state = new_state;
  }
  if (changed_addr) {
    n->ha = addr;
    neigh_update_hhs(n);
    if (!(new_state & NUD_CONNECTED)) {
      const uint64_t back = parms(n).base_reachable_time << 1;
      n->confirmed = now > back ? now - back : 0;
    }
  }
  if (new_state == old) return 0;
  if (new_state & NUD_CONNECTED)
    neigh_connect(n);
  else
    neigh_suspect(n);
  if (!(old & NUD_VALID)) {
    // Resolved: the queued packets leave in the order they came.
    while ((n->nud_state & NUD_VALID) && !n->arp_queue.empty()) {
      sk_buff *skb = n->arp_queue.front();
      n->arp_queue.pop_front();
      n->arp_queue_len_bytes -= std::min(n->arp_queue_len_bytes, skb->truesize);
      n->output(n, skb);
    }
    neigh_purge_arp_queue(n, skb_drop_reason::NEIGH_DEAD);
  }
  return 0;
}

neighbour *neigh_event_ns(net &n, const uint8_t *lladdr, uint32_t addr, net_device *dev) {
  neighbour *ne = __neigh_create(n, dev, addr);
  neigh_update(ne, lladdr, NUD_STALE, NEIGH_UPDATE_F_OVERRIDE);
  return ne;
}

int neigh_hh_output(const hh_cache *hh, sk_buff *skb) {
  // The cached header sits at the end of hh_data (HH_DATA_OFF): copy its
  // hh_len bytes in front of the network header.
  uint8_t *p = skb->push(hh->hh_len);
  std::memcpy(p, hh->hh_data + sizeof hh->hh_data - hh->hh_len, hh->hh_len);
  return dev_queue_xmit(skb);
}

int neigh_resolve_output(neighbour *n, sk_buff *skb) {
  if (neigh_event_send(n, skb)) return 0;  // queued (or dropped): not an error to the sender
  net_device *dev = n->dev;
  if (dev->header_ops->cache && !n->hh.hh_len) neigh_hh_init(n);
  if (dev_hard_header(skb, dev, skb->protocol, n->ha.data(), nullptr, skb->len) < 0) {
    kfree_skb_reason(skb, skb_drop_reason::NOT_SPECIFIED);
    return -EINVAL;
  }
  return dev_queue_xmit(skb);
}

int neigh_connected_output(neighbour *n, sk_buff *skb) {
  if (dev_hard_header(skb, n->dev, skb->protocol, n->ha.data(), nullptr, skb->len) < 0) {
    kfree_skb_reason(skb, skb_drop_reason::NOT_SPECIFIED);
    return -EINVAL;
  }
  return dev_queue_xmit(skb);
}

int neigh_output(neighbour *n, sk_buff *skb) {
  if ((n->nud_state & NUD_CONNECTED) && n->hh.hh_len) return neigh_hh_output(&n->hh, skb);
  return n->output(n, skb);
}

}  // namespace wirepath

// The u32 filter's options (tc/f_u32.c): match u32|u16|u8 VAL MASK [at OFF],
// match ip src|dst ADDR[/LEN], ip sport|dport|tos|protocol VAL MASK, flowid.
#include <arpa/inet.h>

#include <fmt/format.h>

#include "sim/app/tc/tc.hpp"
#include "stack/sched/pkt_cls.hpp"

namespace wirepath::tc {
namespace {

// pack_key: merge a key into the selector (same word: masks must agree).
int pack_key(tc_u32_sel *sel, uint32_t key, uint32_t mask, int off, int offmask) {
  key &= mask;
  for (auto &k : sel->keys) {
    if (k.off == off && k.offmask == offmask) {
      const uint32_t intersect = mask & k.mask;
      if ((key ^ k.val) & intersect) return -1;
      k.val |= key;
      k.mask |= mask;
      return 0;
    }
  }
  if (sel->keys.size() >= 128) return -1;
  if (off % 4) return -1;
  tc_u32_key k;
  k.val = key;
  k.mask = mask;
  k.off = off;
  k.offmask = offmask;
  sel->keys.push_back(k);
  return 0;
}

int pack_key32(tc_u32_sel *sel, uint32_t key, uint32_t mask, int off, int offmask) {
  return pack_key(sel, htonl(key), htonl(mask), off, offmask);
}

int pack_key16(tc_u32_sel *sel, uint32_t key, uint32_t mask, int off, int offmask) {
  if (key > 0xFFFF || mask > 0xFFFF) return -1;
  if ((off & 3) == 0) {
    key <<= 16;
    mask <<= 16;
  }
  off &= ~3;
  return pack_key(sel, htonl(key), htonl(mask), off, offmask);
}

int pack_key8(tc_u32_sel *sel, uint32_t key, uint32_t mask, int off, int offmask) {
  if (key > 0xFF || mask > 0xFF) return -1;
  const int sh = 8 * (3 - (off & 3));
  key <<= sh;
  mask <<= sh;
  off &= ~3;
  return pack_key(sel, htonl(key), htonl(mask), off, offmask);
}

int parse_at(tc_argv &args, int *off, int *offmask) {
  std::string p = args.cur();
  if (p.rfind("nexthdr+", 0) == 0) {
    *offmask = -1;
    p = p.substr(8);
  }
  char *end;
  const long v = std::strtol(p.c_str(), &end, 0);
  if (p.empty() || *end) return -1;
  *off = static_cast<int>(v);
  args.advance();
  return 0;
}

// parse_u32/u16/u8: VAL MASK [at OFF]; the cursor ends past what was used.
int parse_uN(tc_argv &args, tc_u32_sel *sel, int off, int offmask, int bits) {
  if (args.a.size() - args.i < 2) return -1;
  uint32_t key, mask;
  if (get_u32(&key, args.cur(), 0)) return -1;
  args.advance();
  if (get_u32(&mask, args.cur(), 16)) return -1;
  args.advance();
  if (args.more() && args.cur() == "at") {
    args.next_arg();
    if (parse_at(args, &off, &offmask)) return -1;
  }
  if (bits == 32) return pack_key32(sel, key, mask, off, offmask);
  if (bits == 16) return pack_key16(sel, key, mask, off, offmask);
  return pack_key8(sel, key, mask, off, offmask);
}

int parse_ip_addr(tc_argv &args, tc_u32_sel *sel, int off) {
  if (!args.more()) return -1;
  std::string s = args.cur();
  unsigned bitlen = 32;
  const size_t slash = s.find('/');
  if (slash != std::string::npos) {
    if (get_u32(&bitlen, s.substr(slash + 1), 10) || bitlen > 32) return -1;
    s = s.substr(0, slash);
  }
  in_addr a;
  if (inet_pton(AF_INET, s.c_str(), &a) != 1) return -1;
  args.advance();
  int offmask = 0;
  if (args.more() && args.cur() == "at") {
    args.next_arg();
    if (parse_at(args, &off, &offmask)) return -1;
  }
  const uint32_t mask = bitlen ? htonl(0xFFFFFFFFu << (32 - bitlen)) : 0;
  return pack_key(sel, a.s_addr, mask, off, offmask);
}

int parse_ip(tc_argv &args, tc_u32_sel *sel) {
  if (args.a.size() - args.i < 2) return -1;
  const std::string w = args.cur();
  if (w == "src") {
    args.next_arg();
    return parse_ip_addr(args, sel, 12);
  }
  if (w == "dst") {
    args.next_arg();
    return parse_ip_addr(args, sel, 16);
  }
  if (w == "tos" || matches(w, "dsfield") || matches(w, "precedence")) {
    args.next_arg();
    return parse_uN(args, sel, 1, 0, 8);
  }
  if (w == "ihl") {
    args.next_arg();
    return parse_uN(args, sel, 0, 0, 8);
  }
  if (w == "protocol") {
    args.next_arg();
    return parse_uN(args, sel, 9, 0, 8);
  }
  if (w == "nofrag") {
    args.advance();
    return pack_key16(sel, 0, 0x3FFF, 6, 0);
  }
  if (w == "firstfrag") {
    args.advance();
    return pack_key16(sel, 0x2000, 0x3FFF, 6, 0);
  }
  if (w == "df") {
    args.advance();
    return pack_key16(sel, 0x4000, 0x4000, 6, 0);
  }
  if (w == "mf") {
    args.advance();
    return pack_key16(sel, 0x2000, 0x2000, 6, 0);
  }
  if (w == "dport") {
    args.next_arg();
    return parse_uN(args, sel, 22, 0, 16);
  }
  if (w == "sport") {
    args.next_arg();
    return parse_uN(args, sel, 20, 0, 16);
  }
  if (w == "icmp_type") {
    args.next_arg();
    return parse_uN(args, sel, 20, 0, 8);
  }
  if (w == "icmp_code") {
    args.next_arg();
    return parse_uN(args, sel, 21, 0, 8);
  }
  return -1;
}

int parse_selector(tc_argv &args, tc_u32_sel *sel) {
  if (!args.more()) return -1;
  const std::string w = args.cur();
  if (matches(w, "u32")) {
    args.next_arg();
    return parse_uN(args, sel, 0, 0, 32);
  }
  if (matches(w, "u16")) {
    args.next_arg();
    return parse_uN(args, sel, 0, 0, 16);
  }
  if (matches(w, "u8")) {
    args.next_arg();
    return parse_uN(args, sel, 0, 0, 8);
  }
  if (matches(w, "ip")) {
    args.next_arg();
    return parse_ip(args, sel);
  }
  return -1;
}

void u32_parse_opt(const filter_util *, const std::string &handle, tc_argv &args, nlattrs *opts, uint32_t *fhandle) {
  if (!handle.empty()) throw tc_error("Illegal \"handle\"");  // only the default table 800: here
  *fhandle = 0;
  tc_u32_sel sel;
  bool sel_ok = false;
  while (args.more()) {
    const std::string &a = args.cur();
    if (matches(a, "match")) {
      args.next_arg();
      int rc;
      try {
        rc = parse_selector(args, &sel);
      } catch (const tc_error &) {
        rc = -1;
      }
      if (rc) throw tc_error("Illegal \"match\"");
      sel_ok = true;
      continue;
    }
    if (matches(a, "classid") || a == "flowid") {
      args.next_arg();
      uint32_t flowid;
      if (get_tc_classid(&flowid, args.cur())) throw tc_error("Illegal \"classid\"");
      opts->nla_put_u32(TCA_U32_CLASSID, flowid);
      sel.flags |= TC_U32_TERMINAL;
    } else {
      throw tc_error(fmt::format("What is \"{}\"?", a));
    }
    args.advance();
  }
  (void)sel_ok;
  u32_sel_put(*opts, sel);
}

void u32_print_opt(const filter_util *, std::string &out, uint32_t handle, const nlattrs &opts) {
  tc_u32_sel sel;
  u32_sel_get(opts, &sel);
  out += fmt::format("fh {:x}::{:x} order {} key ht {:x} bkt 0 ", handle >> 20, handle & 0xFFF, handle & 0xFFF,
                     handle >> 20);
  if (opts.has(TCA_U32_CLASSID))
    out += fmt::format("{}flowid {} ", (sel.flags & TC_U32_TERMINAL) ? "*" : "",
                       sprint_tc_classid(opts.nla_get_u32(TCA_U32_CLASSID)));
  out += "not_in_hw ";
  for (const auto &k : sel.keys)
    out += fmt::format("\n  match {:08x}/{:08x} at {}{}", ntohl(k.val), ntohl(k.mask), k.offmask ? "nexthdr+" : "",
                       k.off);
}

const filter_util u32_util = {"u32", u32_parse_opt, u32_print_opt};
const tc_module u32_mod(&u32_util);

}  // namespace
}  // namespace wirepath::tc

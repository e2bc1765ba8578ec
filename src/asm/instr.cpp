// Instruction sizes, encoding and the regmask dataflow, all derived from the
// field kinds in opcodes.def.
#include "asm/instr.h"

#include <algorithm>
#include <cstdint>

namespace lzr::asm_text {

namespace {

constexpr uint32_t kAllX = 0xFFFFFFFFu;

uint32_t first_n(int n) {
  if (n <= 0) return 0;
  if (n >= 32) return kAllX;
  return (1u << n) - 1;
}

// What one instruction does to the X registers and to control flow.
struct Flow {
  uint32_t use = 0;
  uint32_t def = 0;        // X registers it writes
  bool clobbers = false;   // a call: every X register is garbage afterwards
  bool falls_through = true;
  int32_t target = -1;
  const std::vector<int32_t>* table = nullptr;  // select: the pairs' targets (target: the default)
  // try: its handler, entered after an exception with x0..x2 (class,
  // reason, trace) written and every other X register dead. No X value
  // flows along this edge, so liveness ignores it.
  int32_t handler = -1;
};

constexpr uint32_t kHandlerDefined = 0b111;  // x0, x1, x2 at a handler

Flow flow_of(const Instr& in) {
  const OpInfo& info = in.info();
  Flow f;
  for (int i = 0; i < 4; ++i) {
    FieldKind k = info.fields[i];
    if (!is_reg(k)) continue;
    Reg r = is_r(k) ? decode_r(in.raw[i]) : decode_r6(in.raw[i]);
    if (r.kind != RegKind::X) continue;
    uint32_t bit = 1u << r.index;
    if (k == FieldKind::RS || k == FieldKind::R6S || k == FieldKind::R6M) f.use |= bit;
    if (is_written(k)) f.def |= bit;
    if (k == FieldKind::RM) {
      // mov: dst's old value is read only when it goes somewhere (swap form).
      for (int j = 0; j < 4; ++j) {
        if (info.fields[j] == FieldKind::RD && in.raw[j] != in.raw[i]) f.use |= bit;
      }
    }
  }
  for (uint8_t e : in.elems) {
    Reg r = decode_r6(e);
    if (r.kind == RegKind::X) f.use |= 1u << r.index;
  }
  f.target = in.target;
  if (in.info().extra == Extra::Table) f.table = &in.table_targets;
  if (ends_flow(in.op)) f.falls_through = false;
  switch (static_cast<Op>(in.op)) {
    case Op::op_call: f.use |= first_n(in.call_arity); f.clobbers = true; break;
    case Op::op_apply: f.use = kAllX; f.clobbers = true; break;  // arity unknown statically
    case Op::op_tcall: f.use |= first_n(in.call_arity); f.falls_through = false; break;
    case Op::op_ret: case Op::op_jmp: case Op::op_raise: f.falls_through = false; break;
    case Op::op_recvnext: f.falls_through = false; break;  // always jumps back
    case Op::op_try:  // the handler is reached by a raise, not from here: see Flow::handler
      f.handler = in.target;
      f.target = -1;
      break;
    default: break;
  }
  return f;
}

// A compare-jump that fits its 12-bit offset so far.
struct ShortJump {
  uint32_t at;      // its instruction
  uint32_t target;  // its target's instruction
  int64_t offset;   // in words, with the relaxations applied so far
};

// The short jumps whose span contains the end of instruction r (where a
// relaxation at r adds a word): forward ones with at <= r < target, or
// backward ones with target <= r < at. A tree over the jumps in instruction
// order keeps the largest target (forward) or the smallest (backward) of
// each subtree among jumps still short, so stab() visits only what it
// reports, plus O(log n) nodes per report.
class SpanIndex {
 public:
  SpanIndex(const std::vector<ShortJump>& jumps, bool forward) : forward_(forward) {
    at_.reserve(jumps.size());
    for (const ShortJump& j : jumps) at_.push_back(j.at);
    while (size_ < jumps.size()) size_ *= 2;
    key_.assign(2 * size_, kGone);
    for (size_t k = 0; k < jumps.size(); ++k) key_[size_ + k] = key_of(jumps[k].target);
    for (size_t node = size_ - 1; node >= 1; --node) key_[node] = std::max(key_[2 * node], key_[2 * node + 1]);
  }

  void remove(size_t k) {
    size_t node = size_ + k;
    key_[node] = kGone;
    for (node /= 2; node >= 1; node /= 2) key_[node] = std::max(key_[2 * node], key_[2 * node + 1]);
  }

  // Calls hit(k) for each jump k still here whose span contains r's end;
  // hit may remove k.
  template <typename F>
  void stab(uint32_t r, F&& hit) {
    const size_t split = static_cast<size_t>(std::upper_bound(at_.begin(), at_.end(), r) - at_.begin());
    // Forward: at <= r (k < split) and target > r. Backward: at > r and
    // target <= r, i.e. -target > -(r + 1).
    const int64_t above = forward_ ? int64_t{r} : -(int64_t{r} + 1);
    if (forward_) visit(1, 0, size_, 0, split, above, hit);
    else visit(1, 0, size_, split, at_.size(), above, hit);
  }

 private:
  static constexpr int64_t kGone = INT64_MIN;
  int64_t key_of(uint32_t target) const { return forward_ ? int64_t{target} : -int64_t{target}; }

  template <typename F>
  void visit(size_t node, size_t lo, size_t hi, size_t from, size_t to, int64_t above, F& hit) {
    if (hi <= from || lo >= to || key_[node] <= above) return;
    if (hi - lo == 1) return hit(lo);
    const size_t mid = (lo + hi) / 2;
    visit(2 * node, lo, mid, from, to, above, hit);
    visit(2 * node + 1, mid, hi, from, to, above, hit);
  }

  bool forward_;
  std::vector<uint32_t> at_;
  size_t size_ = 1;
  std::vector<int64_t> key_;  // 1-based heap layout, leaves from size_
};

}  // namespace

bool allocates(const OpInfo& op) {
  switch (op.extra) {
    case Extra::Regmask: case Extra::RegmaskElems: case Extra::RegmaskPairs: case Extra::RegmaskUpvals:
    case Extra::RegmaskArgs: return true;
    default: return false;
  }
}

bool is_compare_jump(const OpInfo& op) { return op.fields[2] == FieldKind::J12; }

Op inverted_compare(Op op) {
  switch (op) {
    case Op::op_eq: return Op::op_ne;
    case Op::op_ne: return Op::op_eq;
    case Op::op_lt: return Op::op_gte;
    case Op::op_gte: return Op::op_lt;
    case Op::op_gt: return Op::op_lte;
    case Op::op_lte: return Op::op_gt;
    case Op::op_eqx: return Op::op_nex;
    case Op::op_nex: return Op::op_eqx;
    default: return op;  // is, is_arity: the TK negate bit (encode_instr)
  }
}

unsigned instr_words(const Instr& in) {
  const OpInfo& info = in.info();
  return 1 + fixed_extra_words(info.extra) + static_cast<unsigned>((in.elems.size() + 3) / 4) +
         static_cast<unsigned>(in.table_values.size()) + (in.relaxed ? 1 : 0);
}

namespace {
// Word offset of the first word after the instruction, where its jumps
// count from (a relaxed jump's own jmp excluded: it comes after that).
uint32_t jumps_from(const Instr& in, uint32_t addr) { return addr + instr_words(in) - (in.relaxed ? 1 : 0); }
}  // namespace

void encode_instr(const Instr& in, uint32_t addr, uint32_t target_addr, std::vector<uint32_t>& out,
                  const std::vector<uint32_t>& table_addrs) {
  const OpInfo& info = in.info();
  uint8_t code = in.relaxed ? static_cast<uint8_t>(inverted_compare(static_cast<Op>(in.op))) : in.op;
  uint32_t word = code;
  for (int i = 0; i < 4; ++i) {
    FieldKind k = info.fields[i];
    if (k == FieldKind::NONE) continue;
    if (is_jump(k)) {
      // Offsets count from the word after the whole instruction; a relaxed
      // compare skips the one-word jmp that follows it.
      int64_t offset = in.relaxed ? 1 : static_cast<int64_t>(target_addr) - jumps_from(in, addr);
      word |= field_encode(info, i, static_cast<int32_t>(offset));
    } else if (k == FieldKind::TK && in.relaxed) {
      word |= field_encode(info, i, static_cast<int32_t>(in.raw[i] ^ kTypeTestNegate));  // the inverted test
    } else {
      word |= field_encode(info, i, static_cast<int32_t>(in.raw[i]));
    }
  }
  out.push_back(word);
  switch (info.extra) {
    case Extra::None: case Extra::Args: break;
    case Extra::Word32: case Extra::Arity: out.push_back(static_cast<uint32_t>(in.value)); break;
    case Extra::Word64:
      out.push_back(static_cast<uint32_t>(in.value));
      out.push_back(static_cast<uint32_t>(in.value >> 32));
      break;
    case Extra::Table: out.push_back(static_cast<uint32_t>(static_cast<int64_t>(target_addr) - jumps_from(in, addr))); break;
    default: out.push_back(in.regmask); break;
  }
  if (in.relaxed) {
    const OpInfo& jmp = op_info(static_cast<uint8_t>(Op::op_jmp));
    int64_t offset = static_cast<int64_t>(target_addr) - (addr + instr_words(in));
    out.push_back(static_cast<uint32_t>(Op::op_jmp) | field_encode(jmp, 0, static_cast<int32_t>(offset)));
    return;
  }
  for (size_t k = 0; k < in.table_values.size(); ++k) {
    const int64_t offset = static_cast<int64_t>(table_addrs[k]) - jumps_from(in, addr);
    out.push_back(table_word(in.table_values[k], static_cast<int32_t>(offset)));
  }
  const OpInfo& push = op_info(static_cast<uint8_t>(Op::op_push));
  for (size_t k = 0; k < in.elems.size(); k += 4) {
    uint32_t w = static_cast<uint32_t>(Op::op_push);
    for (size_t j = 0; j < 4 && k + j < in.elems.size(); ++j) {
      w |= field_encode(push, static_cast<int>(j), in.elems[k + j]);
    }
    out.push_back(w);
  }
}

bool layout_function(std::vector<Instr>& code, std::vector<uint32_t>& words, JumpOutOfRange& bad) {
  // Relaxing only ever grows code, so the least set of relaxed jumps is a
  // fixed point reached by relaxing any jump out of range, in any order. A
  // worklist does it in time linear in the work done: each relaxation
  // updates the offsets of the short jumps whose span it lengthens (found
  // through a SpanIndex), and only those can go out of range because of it.
  const size_t n = code.size();
  std::vector<uint64_t> addr(n + 1);
  for (size_t i = 0; i < n; ++i) addr[i + 1] = addr[i] + instr_words(code[i]);
  const FieldKind short_reach = op_info(static_cast<uint8_t>(Op::op_eq)).fields[2];
  std::vector<ShortJump> forward, backward;  // in instruction order
  for (size_t i = 0; i < n; ++i) {
    const Instr& in = code[i];
    if (!is_compare_jump(in.info()) || in.relaxed || in.target < 0) continue;
    const auto t = static_cast<size_t>(in.target);
    const int64_t offset = static_cast<int64_t>(addr[t]) - static_cast<int64_t>(addr[i] + instr_words(in));
    (t > i ? forward : backward).push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(t), offset});
  }
  SpanIndex forward_index(forward, true), backward_index(backward, false);
  std::vector<uint32_t> relaxed;  // relaxations whose growth is not yet in the offsets
  auto check = [&](std::vector<ShortJump>& jumps, SpanIndex& index, size_t k) {
    if (field_fits(short_reach, jumps[k].offset)) return;
    code[jumps[k].at].relaxed = true;
    index.remove(k);
    relaxed.push_back(jumps[k].at);
  };
  for (size_t k = 0; k < forward.size(); ++k) check(forward, forward_index, k);
  for (size_t k = 0; k < backward.size(); ++k) check(backward, backward_index, k);
  while (!relaxed.empty()) {
    const uint32_t r = relaxed.back();  // one word more after instruction r
    relaxed.pop_back();
    forward_index.stab(r, [&](size_t k) {
      ++forward[k].offset;
      check(forward, forward_index, k);
    });
    backward_index.stab(r, [&](size_t k) {
      --backward[k].offset;
      check(backward, backward_index, k);
    });
  }
  for (size_t i = 0; i < n; ++i) addr[i + 1] = addr[i] + instr_words(code[i]);
  const OpInfo& jmp = op_info(static_cast<uint8_t>(Op::op_jmp));
  words.clear();
  words.reserve(addr.back());
  std::vector<uint32_t> table_addrs;
  for (size_t i = 0; i < code.size(); ++i) {
    const Instr& in = code[i];
    uint32_t target_addr = 0;
    const int64_t from = static_cast<int64_t>(addr[i]) + instr_words(in);  // a relaxed jump's jmp: the last word
    if (in.target >= 0) {
      target_addr = static_cast<uint32_t>(addr[static_cast<size_t>(in.target)]);
      int64_t offset = static_cast<int64_t>(target_addr) - from;
      // try: 16 bits; a select's default: a whole word; else jmp's 24 bits
      const bool fits = in.info().extra == Extra::Table ? offset >= INT32_MIN && offset <= INT32_MAX
                                                          : field_fits(in.info().fields[1] == FieldKind::J16 ? FieldKind::J16 : jmp.fields[0], offset);
      if (!fits) {
        bad = JumpOutOfRange{i, offset, -1};
        return false;
      }
    }
    table_addrs.clear();
    for (size_t k = 0; k < in.table_targets.size(); ++k) {
      table_addrs.push_back(static_cast<uint32_t>(addr[static_cast<size_t>(in.table_targets[k])]));
      const int64_t offset = static_cast<int64_t>(table_addrs.back()) - from;
      if (!field_fits(FieldKind::J16, offset)) {
        bad = JumpOutOfRange{i, offset, static_cast<int>(k)};
        return false;
      }
    }
    encode_instr(in, static_cast<uint32_t>(addr[i]), target_addr, words, table_addrs);
  }
  return true;
}

// Both analyses below are worklists: an instruction is looked at again only
// when what flows into it changed, and each of its X masks only grows (32
// bits), so the work is linear in the code whatever shape its jumps take
// (passes over the whole function, repeated until nothing changes, take a
// pass per step of a staircase of loops).
namespace {

struct Liveness {
  std::vector<Flow> flow;
  std::vector<uint32_t> live_in;

  explicit Liveness(const std::vector<Instr>& code);
  size_t size() const { return flow.size(); }
  bool valid_target(const Flow& f) const { return f.target >= 0 && static_cast<size_t>(f.target) < size(); }
  template <typename F>
  void for_each_successor(size_t i, F&& visit) const {
    const Flow& f = flow[i];
    if (f.falls_through && i + 1 < size()) visit(i + 1);
    if (valid_target(f)) visit(static_cast<size_t>(f.target));
  }
  uint32_t live_out(size_t i) const {
    uint32_t out = 0;
    for_each_successor(i, [&](size_t j) { out |= live_in[j]; });
    return out;
  }
};

Liveness::Liveness(const std::vector<Instr>& code) {
  const size_t n = code.size();
  flow.reserve(n);
  for (const Instr& in : code) flow.push_back(flow_of(in));
  auto valid = [&](int32_t t) { return t >= 0 && static_cast<size_t>(t) < n; };
  // Calls visit(t) for each valid jump target of instruction i (a select's
  // default and pairs included).
  auto for_each_target = [&](size_t i, auto&& visit) {
    const Flow& f = flow[i];
    if (valid(f.target)) visit(static_cast<size_t>(f.target));
    if (f.table)
      for (int32_t t : *f.table)
        if (valid(t)) visit(static_cast<size_t>(t));
  };
  std::vector<uint32_t> work;
  std::vector<bool> queued(n, true);
  auto enqueue = [&](size_t j) {
    if (queued[j]) return;
    queued[j] = true;
    work.push_back(static_cast<uint32_t>(j));
  };

  // Backward: X registers live on entry to each instruction. Predecessors:
  // the instruction before, if it falls through, and the jumps to it (as
  // compressed lists; most instructions have none).
  std::vector<uint32_t> jump_start(n + 1, 0), jumps_to;
  for (size_t i = 0; i < n; ++i) for_each_target(i, [&](size_t t) { ++jump_start[t + 1]; });
  for (size_t i = 0; i < n; ++i) jump_start[i + 1] += jump_start[i];
  jumps_to.resize(jump_start[n]);
  {
    std::vector<uint32_t> fill(jump_start.begin(), jump_start.end() - 1);
    for (size_t i = 0; i < n; ++i) for_each_target(i, [&](size_t t) { jumps_to[fill[t]++] = static_cast<uint32_t>(i); });
  }
  live_in.assign(n, 0);
  for (size_t i = 0; i < n; ++i) work.push_back(static_cast<uint32_t>(i));  // the last is looked at first
  while (!work.empty()) {
    const size_t i = work.back();
    work.pop_back();
    queued[i] = false;
    const Flow& f = flow[i];
    const uint32_t in = f.use | (live_out(i) & ~(f.def | (f.clobbers ? kAllX : 0)));
    if (in == live_in[i]) continue;
    live_in[i] = in;
    if (i > 0 && flow[i - 1].falls_through) enqueue(i - 1);
    for (uint32_t k = jump_start[i]; k < jump_start[i + 1]; ++k) enqueue(jumps_to[k]);
  }
}

}  // namespace

std::vector<uint32_t> dead_after(const std::vector<Instr>& code) {
  const Liveness live(code);
  std::vector<uint32_t> dead(code.size());
  for (size_t i = 0; i < code.size(); ++i) dead[i] = ~(live.live_out(i) | live.flow[i].use | live.flow[i].def);
  return dead;
}

std::vector<uint32_t> computed_regmasks(const std::vector<Instr>& code, unsigned arity) {
  const size_t n = code.size();
  const Liveness live(code);
  const std::vector<Flow>& flow = live.flow;
  auto for_each_successor = [&](size_t i, auto&& visit) { live.for_each_successor(i, visit); };
  auto live_out = [&](size_t i) { return live.live_out(i); };
  std::vector<uint32_t> work;
  std::vector<bool> queued(n, true);
  auto enqueue = [&](size_t j) {
    if (queued[j]) return;
    queued[j] = true;
    work.push_back(static_cast<uint32_t>(j));
  };

  // Forward: X registers that hold a value written on some path here.
  std::vector<uint32_t> def_in(n, 0), def_out(n, 0);
  if (n > 0) def_in[0] = first_n(static_cast<int>(arity));
  std::fill(queued.begin(), queued.end(), true);
  for (size_t i = n; i-- > 0;) work.push_back(static_cast<uint32_t>(i));  // the first is looked at first
  auto flow_into = [&](size_t j, uint32_t defined) {
    if ((def_in[j] | defined) == def_in[j]) return;
    def_in[j] |= defined;
    enqueue(j);
  };
  while (!work.empty()) {
    const size_t i = work.back();
    work.pop_back();
    queued[i] = false;
    const Flow& f = flow[i];
    def_out[i] = (f.clobbers ? 0 : def_in[i]) | f.def;
    for_each_successor(i, [&](size_t j) { flow_into(j, def_out[i]); });
    if (f.handler >= 0 && static_cast<size_t>(f.handler) < n) flow_into(static_cast<size_t>(f.handler), kHandlerDefined);
  }

  std::vector<uint32_t> masks(n, 0);
  for (size_t i = 0; i < n; ++i) {
    if (allocates(code[i].info())) masks[i] = live_out(i) & def_out[i] & ~flow[i].def;
  }
  return masks;
}

}  // namespace lzr::asm_text

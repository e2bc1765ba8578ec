// The known-operand pass (known_operands.h).
//
// The analysis is the classic constant propagation over a function's
// control-flow graph: a state says, for each X register and Y slot, which
// constant term it holds on every path reaching an instruction, or that it
// is not known. States meet at join points (labels, loop heads) by keeping
// only the registers known to hold the same term on both sides; iteration
// to a fixed point visits each instruction a bounded number of times (a
// register only ever goes from known to unknown).
//
// It is exact about what the engines do, not about what a program means:
// a call clobbers every X register, and a safe point may set every X
// register outside the instruction's live mask to [] (engines.md), so
// after an allocating instruction those are unknown. A function that holds
// an instruction this pass does not know is left alone, so a new
// instruction (with a new way to enter or leave code) can never be
// misread: teach the transfer function about it first.
#include "engine/known_operands.h"

#include <algorithm>
#include <array>
#include <bit>
#include <vector>

#include "engine/insn.h"

namespace lzr {

namespace {

// X register i is slot i, Y slot i is slot 32 + i: the operand byte itself.
constexpr unsigned kSlots = 64;

// The distinct constants a function loads; states name them by index, so
// a state is a few words to copy.
class Pool {
 public:
  static constexpr uint8_t kFull = 0xFF;
  uint8_t index_of(Term t) {
    for (size_t i = 0; i < terms_.size(); ++i)
      if (terms_[i] == t) return static_cast<uint8_t>(i);
    if (terms_.size() == kFull) return kFull;  // more constants than that: not tracked
    terms_.push_back(t);
    return static_cast<uint8_t>(terms_.size() - 1);
  }
  Term term(uint8_t index) const { return terms_[index]; }

 private:
  std::vector<Term> terms_;
};

struct State {
  bool reached = false;
  uint64_t known = 0;  // bit s: slot s holds the pool's constant value[s]
  std::array<uint8_t, kSlots> value{};

  bool holds(uint8_t operand, Term& out, const Pool& pool) const {
    if (operand >= kSlots || !(known >> operand & 1)) return false;  // upvalues: not tracked
    out = pool.term(value[operand]);
    return true;
  }
  void set(uint8_t operand, Term v, Pool& pool) {
    const uint8_t index = pool.index_of(v);
    if (index == Pool::kFull) return forget(operand);
    known |= uint64_t{1} << operand;
    value[operand] = index;
  }
  void forget(uint8_t operand) { known &= ~(uint64_t{1} << operand); }
  void copy(uint8_t to, uint8_t from) {
    if (from < kSlots && (known >> from & 1)) {
      known |= uint64_t{1} << to;
      value[to] = value[from];
    } else {
      forget(to);
    }
  }
  void forget_x_except(uint32_t live) { known &= ~(uint64_t{0xFFFFFFFF} & ~uint64_t{live}); }

  // Meets `in` into this state; returns whether this state changed.
  bool meet(const State& in) {
    if (!reached) {
      *this = in;
      return true;
    }
    uint64_t both = known & in.known;
    for (uint64_t m = both; m; m &= m - 1) {
      const unsigned s = static_cast<unsigned>(std::countr_zero(m));
      if (value[s] != in.value[s]) both &= ~(uint64_t{1} << s);
    }
    const bool changed = both != known;
    known = both;
    return changed;
  }
};

// The live-X mask of an allocating instruction's safe point.
uint32_t safe_point_mask(const Insn& in) {
  switch (in.op) {
    case IOp::put: case IOp::cons: return in.u.mask;
    default: return in.u.ctor->mask;  // tuple, list, map, fn, gcbif
  }
}

// Applies `in` to `s`. Returns false for an instruction the pass does not
// know (the function is then left alone). `falls_through` and `jumps` say
// where control goes next.
bool transfer(const Insn& in, State& s, Pool& pool, bool& falls_through, bool& jumps) {
  falls_through = true;
  jumps = false;
  switch (in.op) {
    case IOp::mov: case IOp::mov_xx: case IOp::mov_xy: case IOp::mov_yx:
    case IOp::mov2_xx: case IOp::mov2_xy: case IOp::mov2_yx:  // the second move is its own instruction
      s.copy(in.a, in.b);
      return true;
    case IOp::swap: {
      const State before = s;
      s.copy(in.a, in.b);
      if (in.a < kSlots && (before.known >> in.a & 1)) {
        s.known |= uint64_t{1} << in.c;
        s.value[in.c] = before.value[in.a];
      } else {
        s.forget(in.c);
      }
      return true;
    }
    case IOp::load: case IOp::load_x:
    case IOp::load_add: case IOp::load_sub: case IOp::load_mul: case IOp::load_div: case IOp::load_mod:
    case IOp::load_add_any: case IOp::load_sub_any: case IOp::load_mul_any: case IOp::load_get: case IOp::load_get_x:
    case IOp::load_drop:
    case IOp::load_eq: case IOp::load_ne: case IOp::load_lt: case IOp::load_gt: case IOp::load_lte: case IOp::load_gte:
    case IOp::load_eqa: case IOp::load_nea: case IOp::load_ret:
    case IOp::step_eq: case IOp::step_ne: case IOp::step_lt: case IOp::step_gt: case IOp::step_lte: case IOp::step_gte:
      // The fused forms load, then run the next instruction or leave it to
      // run on its own: either way it follows with the constant loaded. A
      // step_ form that does not store its constant leaves the function's
      // body for its head, where nothing about X is known.
      s.set(in.a, in.u.term, pool);
      return true;
    case IOp::ret: case IOp::ret_x: case IOp::tcall: case IOp::tcall_native: case IOp::tcall_self:
    case IOp::loop_eq: case IOp::loop_ne: case IOp::loop_lt: case IOp::loop_gt: case IOp::loop_lte: case IOp::loop_gte:
      // Leaves the body (a self tail call re-enters at the entry, whose
      // state knows nothing about X registers and has every Y slot nil).
      falls_through = false;
      return true;
    case IOp::call: case IOp::call_native: case IOp::apply:
      s.forget_x_except(0);
      s.forget(in.a);
      return true;
    case IOp::get: case IOp::get_xxx: case IOp::drop: case IOp::not_: case IOp::neg: case IOp::type:
    case IOp::size: case IOp::add: case IOp::sub: case IOp::mul: case IOp::div: case IOp::mod: case IOp::shr:
    case IOp::shl: case IOp::xor_: case IOp::and_: case IOp::or_: case IOp::add_xxx: case IOp::sub_xxx:
    case IOp::mul_xxx: case IOp::idiv: case IOp::rem:
      s.forget(in.a);  // drop's safe point keeps every X register
      return true;
    // binaries: the value and the advanced position (a safe point keeps
    // every X register)
    case IOp::bint: case IOp::bsint: case IOp::bintl: case IOp::bsintl: case IOp::bfloat: case IOp::bfloatl:
    case IOp::butf8: case IOp::bbin: case IOp::bbyte: case IOp::bint16: case IOp::bint32:
      s.forget(in.a);
      s.forget(in.c);
      return true;
    case IOp::brest: case IOp::bappend:
      s.forget(in.a);
      return true;
    case IOp::put: case IOp::cons: case IOp::tuple: case IOp::list: case IOp::map: case IOp::fn:
    case IOp::gcbif:
      s.forget(in.a);
      s.forget_x_except(safe_point_mask(in));
      return true;
    case IOp::bif: case IOp::bif_map_get: case IOp::bif_map_has_key: case IOp::bif_sqrt:  // no safe point: X registers kept
      s.forget(in.a);
      return true;
    case IOp::eq: case IOp::ne: case IOp::lt: case IOp::gt: case IOp::lte: case IOp::gte:
    case IOp::eq_xx: case IOp::ne_xx: case IOp::lt_xx: case IOp::gt_xx: case IOp::lte_xx: case IOp::gte_xx:
      jumps = true;
      return true;
    case IOp::recv:  // its safe point keeps every X register; `none` gets the same (dst forgotten) state
      s.forget(in.a);
      jumps = true;
      return true;
    case IOp::accept:
      return true;
    case IOp::wait:  // X registers keep their values while the process waits
      jumps = true;
      return true;
    case IOp::recvnext:
      falls_through = false;
      jumps = true;
      return true;
    case IOp::jmp:
      falls_through = false;
      jumps = true;
      return true;
    case IOp::eqx: case IOp::nex: case IOp::is_tuple_of: case IOp::is_function_of: case IOp::isnt_tuple_of:
    case IOp::isnt_function_of:
      jumps = true;
      return true;
    case IOp::select_jt: case IOp::select_bs: case IOp::arity_jt: case IOp::arity_bs:
      falls_through = false;  // its targets: select_targets()
      return true;
    default:
      if (in.op >= IOp::is_integer && in.op <= IOp::isnt_reference) {  // the type tests, both senses
        jumps = true;
        return true;
      }
      return false;
  }
}

bool is_interned(Term t) { return tag_of(t) == kTagAtom || tag_of(t) == kTagSpecial; }

// Instructions another form reads or runs as part of itself: the one after
// a fused load (it reads that instruction's operands and may run it) and
// the head compare of a loop_ back edge (it runs that compare, the operands
// as they are).
std::vector<bool> fused_into_others(const Module& m) {
  std::vector<bool> used(m.code_size, false);
  for (size_t k = 0; k < m.code_size; ++k) {
    const Insn& in = m.code[k];
    switch (in.op) {
      case IOp::load_add: case IOp::load_sub: case IOp::load_mul: case IOp::load_div: case IOp::load_mod:
      case IOp::load_add_any: case IOp::load_sub_any: case IOp::load_mul_any: case IOp::load_get:
      case IOp::load_get_x: case IOp::load_drop: case IOp::load_eq: case IOp::load_ne: case IOp::load_lt: case IOp::load_gt:
      case IOp::load_lte: case IOp::load_gte: case IOp::load_eqa: case IOp::load_nea: case IOp::load_ret:
        if (k + 1 < m.code_size) used[k + 1] = true;
        break;
      case IOp::step_eq: case IOp::step_ne: case IOp::step_lt: case IOp::step_gt: case IOp::step_lte:
      case IOp::step_gte:
        for (size_t j = k + 1; j <= k + 2 && j < m.code_size; ++j) used[j] = true;
        break;
      case IOp::loop_eq: case IOp::loop_ne: case IOp::loop_lt: case IOp::loop_gt: case IOp::loop_lte:
      case IOp::loop_gte:
        used[static_cast<size_t>(in.u.target - m.code.get())] = true;
        break;
      default:
        break;
    }
  }
  return used;
}

// The states before each instruction of the function at [begin, end), or
// an empty vector when it holds an instruction the pass does not know.
std::vector<State> analyse(const Module& m, size_t begin, size_t end, unsigned frame, Pool& pool) {
  std::vector<State> before(end - begin);
  State entry;
  entry.reached = true;
  for (unsigned y = 0; y < frame && y < 32; ++y) entry.set(static_cast<uint8_t>(32 + y), kNil, pool);
  before[0] = entry;
  std::vector<size_t> work{begin};
  std::vector<bool> queued(end - begin, false);
  queued[0] = true;
  while (!work.empty()) {
    const size_t k = work.back();
    work.pop_back();
    queued[k - begin] = false;
    const Insn& in = m.code[k];
    State after = before[k - begin];
    bool falls_through, jumps;
    if (!transfer(in, after, pool, falls_through, jumps)) return {};
    auto flow_to = [&](size_t target) {
      if (target < begin || target >= end) return false;  // the verifier keeps jumps inside
      if (before[target - begin].meet(after) && !queued[target - begin]) {
        queued[target - begin] = true;
        work.push_back(target);
      }
      return true;
    };
    if (falls_through && !flow_to(k + 1)) return {};
    if (jumps && !flow_to(static_cast<size_t>(in.u.target - m.code.get()))) return {};
    if (in.op == IOp::select_jt || in.op == IOp::select_bs || in.op == IOp::arity_jt || in.op == IOp::arity_bs) {
      const SelectInfo* t = in.u.select;
      if (!flow_to(static_cast<size_t>(t->fail - m.code.get()))) return {};
      for (uint64_t j = 0; j < t->count; ++j)
        if (!flow_to(static_cast<size_t>(t->targets[j] - m.code.get()))) return {};
    }
  }
  return before;
}

void rewrite(Insn& in, const State& state, const Pool& pool) {
  Term v;  // the constant a register holds, when `holds` says it does
  auto holds = [&state, &pool](uint8_t operand, Term& out) { return state.holds(operand, out, pool); };
  switch (in.op) {
    case IOp::eq: case IOp::ne: case IOp::eq_xx: case IOp::ne_xx: {
      const bool eq = in.op == IOp::eq || in.op == IOp::eq_xx;
      if (!holds(in.b, v) || !is_interned(v)) {
        if (!holds(in.a, v) || !is_interned(v)) return;
        std::swap(in.a, in.b);  // equality is symmetric
      }
      in.op = eq ? IOp::eq_atom : IOp::ne_atom;
      return;
    }
    case IOp::get: case IOp::get_xxx:
      if (holds(in.c, v) && v == make_int(0)) in.op = IOp::hd;
      return;
    case IOp::drop:
      if (holds(in.c, v) && v == make_int(1)) in.op = IOp::tl;
      return;
    case IOp::bint:
      if (holds(in.d, v) && v == make_int(8)) in.op = IOp::bbyte;
      if (holds(in.d, v) && v == make_int(16)) in.op = IOp::bint16;
      if (holds(in.d, v) && v == make_int(32)) in.op = IOp::bint32;
      return;
    case IOp::add_xxx: case IOp::sub_xxx: case IOp::mul_xxx: {
      if (!holds(in.c, v) || !is_int(v)) return;
      const int64_t k = int_value(v);
      in.op = in.op == IOp::add_xxx ? IOp::add_xk : in.op == IOp::sub_xxx ? IOp::sub_xk : IOp::mul_xk;
      in.u.constant = in.op == IOp::mul_xk ? k : static_cast<int64_t>(static_cast<uint64_t>(k) << 16);
      return;
    }
    case IOp::div: case IOp::mod: case IOp::idiv: case IOp::rem: {
      if (!holds(in.c, v) || !is_int(v) || int_value(v) < 2) return;
      const int64_t d = int_value(v);
      const unsigned which = in.op == IOp::div ? 0 : in.op == IOp::mod ? 1 : in.op == IOp::idiv ? 2 : 3;
      if (d <= kMaxShortDivisor) {
        static constexpr IOp kShort[] = {IOp::div_k, IOp::mod_k, IOp::idiv_k, IOp::rem_k};
        in.op = kShort[which];
        in.u.reciprocal = division_reciprocal(d);
        set_known_divisor(in, static_cast<uint32_t>(d));
      } else {
        static constexpr IOp kLong[] = {IOp::div_kl, IOp::mod_kl, IOp::idiv_kl, IOp::rem_kl};
        const unsigned shift = static_cast<unsigned>(std::bit_width(static_cast<uint64_t>(d))) - 17;
        in.op = kLong[which];
        in.u.reciprocal = division_reciprocal(d, shift);
        in.d = static_cast<uint8_t>(shift);
      }
      return;
    }
    default:
      return;
  }
}

}  // namespace

// With M = ceil(2^(64+s) / d) = (2^(64+s) + e) / d, 0 <= e < d, the high
// word of u * M shifted right by s is floor(u / d) for every 0 <= u <=
// 2^47 when u * e < 2^(64+s), which keeps the error below the gap to the
// next multiple of d: true for d <= 2^(17+s). So s = 0 serves d <= 2^17,
// and s = bit length of d - 17 any larger d, where d >= 2^(16+s) keeps M
// below 2^48. A negative dividend n uses floor(n / d) = ~floor(~n / d),
// and ~n < 2^47 for any small integer.
uint64_t division_reciprocal(int64_t d, unsigned s) {
  const unsigned __int128 power = static_cast<unsigned __int128>(1) << (64 + s);
  return static_cast<uint64_t>((power + static_cast<unsigned __int128>(d) - 1) / static_cast<unsigned __int128>(d));
}

void specialise_known_operands(Module& m) {
  if (m.code_size == 0) return;
  const std::vector<bool> fused = fused_into_others(m);
  // Bytecode functions in code order: each runs to the next one's entry.
  std::vector<const FunctionInfo*> fns;
  for (const FunctionInfo& f : m.functions)
    if (f.code) fns.push_back(&f);
  std::sort(fns.begin(), fns.end(), [](const FunctionInfo* a, const FunctionInfo* b) { return a->code < b->code; });
  for (size_t i = 0; i < fns.size(); ++i) {
    const size_t begin = static_cast<size_t>(fns[i]->code - m.code.get());
    const size_t end = i + 1 < fns.size() ? static_cast<size_t>(fns[i + 1]->code - m.code.get()) : m.code_size;
    if (begin >= end) continue;
    Pool pool;
    const std::vector<State> before = analyse(m, begin, end, fns[i]->frame, pool);
    if (before.empty()) continue;
    for (size_t k = begin; k < end; ++k)
      if (before[k - begin].reached && !fused[k]) rewrite(m.code[k], before[k - begin], pool);
  }
}

}  // namespace lzr

#include "engine/fusion.h"

#include <array>
#include <cstdint>

#include "engine/insn.h"
#include "engine/known_operands.h"

namespace lzr {

namespace {

// The fused form of `load_x` (of an int16 constant) when the next
// instruction is an arithmetic, compare, get or drop whose right operand is
// the loaded register (an integer constant then); of an atom or [] when it
// is an eq/ne reading that register on one side; of any constant when it
// returns that register; else load_x itself.
IOp fused_load(const Insn& load, const Insn& next) {
  if (next.op == IOp::ret_x && next.a == load.a) return IOp::load_ret;
  if (const uint64_t tag = tag_of(load.u.term); tag == kTagAtom || tag == kTagSpecial) {
    const bool equality = next.op == IOp::eq || next.op == IOp::eq_xx || next.op == IOp::ne || next.op == IOp::ne_xx;
    if (!equality || (next.a == load.a) == (next.b == load.a)) return IOp::load_x;  // neither, or both, read it
    return next.op == IOp::eq || next.op == IOp::eq_xx ? IOp::load_eqa : IOp::load_nea;
  }
  if (!is_int(load.u.term) || int_value(load.u.term) < INT16_MIN || int_value(load.u.term) > INT16_MAX)
    return IOp::load_x;
  const bool right_is_loaded = next.c == load.a;
  switch (next.op) {
    case IOp::add_xxx: return right_is_loaded ? IOp::load_add : IOp::load_x;
    case IOp::sub_xxx: return right_is_loaded ? IOp::load_sub : IOp::load_x;
    case IOp::mul_xxx: return right_is_loaded ? IOp::load_mul : IOp::load_x;
    case IOp::add: case IOp::sub: case IOp::mul:  // X or Y operands (no upvalue)
      if (!right_is_loaded || operand_kind(next.a) > kOperandY || operand_kind(next.b) > kOperandY) return IOp::load_x;
      return next.op == IOp::add ? IOp::load_add_any : next.op == IOp::sub ? IOp::load_sub_any : IOp::load_mul_any;
    case IOp::get: case IOp::get_xxx: case IOp::drop:  // a constant index
      if (!right_is_loaded || int_value(load.u.term) < 0) return IOp::load_x;
      if (next.op == IOp::drop) return IOp::load_drop;
      return all_x({next.a, next.b}) ? IOp::load_get_x : IOp::load_get;
    case IOp::div: case IOp::mod:  // by a constant above 1 only (see division_reciprocal)
      if (!right_is_loaded || !all_x({next.a, next.b}) || int_value(load.u.term) <= 1) return IOp::load_x;
      return next.op == IOp::div ? IOp::load_div : IOp::load_mod;
    default: break;
  }
  if (next.b != load.a) return IOp::load_x;
  switch (next.op) {
    case IOp::eq_xx: return IOp::load_eq;
    case IOp::ne_xx: return IOp::load_ne;
    case IOp::lt_xx: return IOp::load_lt;
    case IOp::gt_xx: return IOp::load_gt;
    case IOp::lte_xx: return IOp::load_lte;
    case IOp::gte_xx: return IOp::load_gte;
    default: return IOp::load_x;
  }
}

// A function never ends with load_x (its last instruction is ret, tcall or
// jmp), so the next instruction is always in the same function.
void fuse_constant_loads(Module& m) {
  for (size_t k = 0; k + 1 < m.code_size; ++k) {
    Insn& in = m.code[k];
    if (in.op != IOp::load_x) continue;
    in.op = fused_load(in, m.code[k + 1]);
    if (in.op == IOp::load_x) continue;
    if (in.op == IOp::load_ret) continue;  // u keeps the constant
    if (in.op == IOp::load_eqa || in.op == IOp::load_nea) {
      const Insn& next = m.code[k + 1];
      in.b = next.a == in.a ? next.b : next.a;  // the operand compared with the constant
      continue;
    }
    const int64_t v = int_value(in.u.term);
    const bool divides = in.op == IOp::load_div || in.op == IOp::load_mod;
    const bool indexes = in.op == IOp::load_get || in.op == IOp::load_get_x || in.op == IOp::load_drop;
    set_fused_imm(in, static_cast<int32_t>(divides || indexes ? v : v * 65536));
    static_assert(INT16_MAX <= (1 << 17), "division_reciprocal's bound");
    if (divides) m.code[k + 1].u.reciprocal = division_reciprocal(v);
  }
}

// The loop_ form that runs `head` as its back edge's compare, or jmp when
// `head` is no X-only compare (compare_xx and loop_ list their six in order).
IOp loop_form_of(IOp head) {
  static_assert(static_cast<unsigned>(IOp::gte_xx) - static_cast<unsigned>(IOp::eq_xx) == 5 &&
                static_cast<unsigned>(IOp::loop_gte) - static_cast<unsigned>(IOp::loop_eq) == 5);
  const unsigned i = static_cast<unsigned>(head) - static_cast<unsigned>(IOp::eq_xx);
  return i < 6 ? static_cast<IOp>(static_cast<unsigned>(IOp::loop_eq) + i) : IOp::jmp;
}

// A self tail call of a frame-0 function that starts with an X-only compare
// becomes the loop_ form of that compare.
void fuse_loop_heads(Module& m) {
  for (size_t k = 0; k < m.code_size; ++k) {
    Insn& in = m.code[k];
    if (in.op != IOp::tcall_self || in.b != 0) continue;
    if (const IOp loop = loop_form_of(in.u.target->op); loop != IOp::jmp) in.op = loop;
  }
}

// Two moves of one specialised kind in a row become a pair form on the
// first; the second stays in place (it runs alone when jumped to, and on
// the portable engine). Pairs do not overlap: a run of three moves is a
// pair and a single move.
void fuse_move_pairs(Module& m) {
  for (size_t k = 0; k + 1 < m.code_size; ++k) {
    Insn& in = m.code[k];
    if (m.code[k + 1].op != in.op) continue;
    switch (in.op) {
      case IOp::mov_xx: in.op = IOp::mov2_xx; break;
      case IOp::mov_xy: in.op = IOp::mov2_xy; break;
      case IOp::mov_yx: in.op = IOp::mov2_yx; break;
      default: continue;
    }
    ++k;
  }
}

// Operand-kind variants (insn.h): an instruction whose register operands
// are all X registers or Y slots gets the variant naming their kinds, if
// there is one. Runs last: the other passes look for the generic forms.
void pick_kind_variants(Module& m) {
  // variant[generic][kinds]: kinds has bit i set when operand i is a Y slot
  // (operands a, b, c; a and b for two-operand instructions).
  struct Table {
    std::array<std::array<IOp, 8>, kNumIOps> variant;
    std::array<uint8_t, kNumIOps> operands{};  // 0: no variants
    Table() {
      for (auto& row : variant) row.fill(IOp::mov);  // mov: none
      auto add = [this](IOp generic, const char* kinds, IOp name) {
        unsigned bits = 0, n = 0;
        for (; kinds[n]; ++n) bits |= (kinds[n] == 'y' ? 1u : 0u) << n;
        variant[static_cast<unsigned>(generic)][bits] = name;
        operands[static_cast<unsigned>(generic)] = static_cast<uint8_t>(n);
      };
#define LZR_VARIANT_ENTRY(I, generic, kinds, name) add(IOp::generic, #kinds, IOp::name);
      LZR_KIND_VARIANTS(LZR_VARIANT_ENTRY, _)
#undef LZR_VARIANT_ENTRY
    }
  };
  static const Table table;
  for (size_t k = 0; k < m.code_size; ++k) {
    Insn& in = m.code[k];
    const unsigned n = table.operands[static_cast<unsigned>(in.op)];
    if (n == 0) continue;
    const uint8_t ops[3] = {in.a, in.b, in.c};
    unsigned bits = 0;
    bool plain = true;
    for (unsigned i = 0; i < n; ++i) {
      plain = plain && operand_kind(ops[i]) <= kOperandY;
      bits |= (operand_kind(ops[i]) == kOperandY ? 1u : 0u) << i;
    }
    const IOp v = table.variant[static_cast<unsigned>(in.op)][bits];
    if (plain && v != IOp::mov) in.op = v;
  }
}

// The compare that holds for (y, x) exactly when `op` holds for (x, y), of
// the six listed from `first` in the order eq, ne, lt, gt, lte, gte.
unsigned swapped_compare(unsigned i) {
  static const unsigned swapped[] = {0, 1, 3, 2, 5, 4};
  return swapped[i];
}

// Pairs the loader fuses into one dispatch (insn.h), after the known-operand
// forms and the kind variants exist: a list's head and tail taken from the
// same register, and a constant step (add_xk, sub_xk) followed by a compare
// of its result with another X register, the shape of a counting loop
// closed by a jump. The second instruction stays in place. Pairs do not
// overlap.
void fuse_pairs(Module& m) {
  static_assert(static_cast<unsigned>(IOp::gte_xx) - static_cast<unsigned>(IOp::eq_xx) == 5 &&
                static_cast<unsigned>(IOp::addk_gte) - static_cast<unsigned>(IOp::addk_eq) == 5 &&
                static_cast<unsigned>(IOp::subk_gte) - static_cast<unsigned>(IOp::subk_eq) == 5);
  for (size_t k = 0; k + 1 < m.code_size; ++k) {
    Insn& in = m.code[k];
    const Insn& next = m.code[k + 1];
    if ((in.op == IOp::hd_xxx && next.op == IOp::tl_xxx) || (in.op == IOp::tl_xxx && next.op == IOp::hd_xxx)) {
      if (next.b != in.b || in.a == in.b) continue;  // the second must read the same list
      in.op = in.op == IOp::hd_xxx ? IOp::hdtl_xx : IOp::tlhd_xx;
      ++k;
      continue;
    }
    if (in.op != IOp::add_xk && in.op != IOp::sub_xk) continue;
    const unsigned cmp = static_cast<unsigned>(next.op) - static_cast<unsigned>(IOp::eq_xx);
    if (cmp > 5 || next.a == next.b || (next.a != in.a && next.b != in.a)) continue;
    const unsigned named = next.a == in.a ? cmp : swapped_compare(cmp);
    in.d = next.a == in.a ? next.b : next.a;
    in.op = static_cast<IOp>(static_cast<unsigned>(in.op == IOp::add_xk ? IOp::addk_eq : IOp::subk_eq) + named);
    ++k;
  }
}

// The compare that holds for (y, x) exactly when `op` holds for (x, y).
IOp swap_compare(IOp op) {
  switch (op) {
    case IOp::step_lt: return IOp::step_gt;
    case IOp::step_gt: return IOp::step_lt;
    case IOp::step_lte: return IOp::step_gte;
    case IOp::step_gte: return IOp::step_lte;
    default: return op;  // eq, ne
  }
}

// The back edge of a counting loop, at k: a fused load_add/load_sub of a
// constant into xk stepping xi in place (k + 1: xi = xi +- xk), then the
// loop_ form (k + 2) whose head compares xi with another register xo.
// It becomes step_<cmp> with b = o, where <cmp> is the head's compare
// written as "xi <cmp> xo" (swapped if the head reads xo first), so the
// engine compares the new xi, still in a machine register, with xo. The
// asm engine does not store the constant: xk must be dead at the tail call
// (k >= the function's arity) and must not be xo. Everything else (the
// load, the add, the loop_ form) stays in place for the slow paths and for
// the portable engine, which runs step_ forms as load_x.
void fuse_loop_steps(Module& m) {
  static_assert(static_cast<unsigned>(IOp::step_gte) - static_cast<unsigned>(IOp::step_eq) == 5);
  const unsigned first_loop = static_cast<unsigned>(IOp::loop_eq);
  for (size_t k = 0; k + 2 < m.code_size; ++k) {
    Insn& in = m.code[k];
    const Insn& step = m.code[k + 1];
    const Insn& loop = m.code[k + 2];
    const unsigned loop_op = static_cast<unsigned>(loop.op);
    if ((in.op != IOp::load_add && in.op != IOp::load_sub) || step.a != step.b) continue;
    if (loop_op < first_loop || loop_op >= first_loop + 6) continue;
    const FunctionInfo* fn = m.function_at(loop.u.target);
    const Insn& head = *loop.u.target;
    const uint8_t i = step.a, constant = in.a;
    if (fn == nullptr || constant < fn->arity || head.a == head.b) continue;
    if (i != head.a && i != head.b) continue;
    const uint8_t other = i == head.a ? head.b : head.a;
    if (other == constant) continue;
    const int64_t c = int_value(in.u.term);
    if (in.op == IOp::load_sub) {
      if (c == INT16_MIN) continue;  // -c << 16 would not fit
      set_fused_imm(in, static_cast<int32_t>(-c * 65536));
    }
    IOp op = static_cast<IOp>(static_cast<unsigned>(IOp::step_eq) + loop_op - first_loop);
    in.op = i == head.a ? op : swap_compare(op);
    in.b = other;
  }
}

// A tuple of a few elements, all in X registers, gets the form of its
// arity: the asm engine copies them with no loop and no operand-kind test.
// It runs last: the known-operand pass before it sees only `tuple`.
void fuse_small_tuples(Module& m) {
  for (size_t k = 0; k < m.code_size; ++k) {
    Insn& in = m.code[k];
    if (in.op != IOp::tuple) continue;
    const CtorInfo& c = *in.u.ctor;
    if (c.count < kMinUnrolledTuple || c.count > kMaxUnrolledTuple) continue;
    bool x_only = true;
    for (uint32_t i = 0; i < c.count; ++i) x_only = x_only && operand_kind(c.ops[i]) == kOperandX;
    if (x_only) in.op = unrolled_tuple(c.count);
  }
}

// A backward jmp to an X-only compare, the back edge of a loop whose head
// tests first, runs like a frame-0 self tail call to that compare: count a
// reduction, then go to the head. It becomes that compare's loop_ form, so
// the asm engine runs the head compare in the same dispatch. It runs last,
// after every pass that reads the compare: a loop_ form elsewhere means the
// body ends there (known_operands.cpp), which the head of a jmp loop,
// reached from inside the body, must not be taken for.
void fuse_backward_jumps(Module& m) {
  for (size_t k = 0; k < m.code_size; ++k) {
    Insn& in = m.code[k];
    if (in.op != IOp::jmp || in.u.target > &in) continue;
    const IOp loop = loop_form_of(in.u.target->op);
    if (loop == IOp::jmp) continue;
    in.op = loop;
    in.b = 0;  // no Y slots to clear (portable.cpp runs loop_ as tcall_self)
  }
}

// The rules in the order they run. Kind variants come after the shapes
// that look for generic forms; the pair rules after the kind variants they
// pair up.
struct FusionRule {
  const char* shape;  // what the rule rewrites, for the reader
  void (*apply)(Module&);
};
constexpr FusionRule kFusionRules[] = {
    {"load_x of a small constant + the arithmetic, compare, get or drop that reads it -> load_<op>", fuse_constant_loads},
    {"self tail call of a function that starts with an X compare -> loop_<cmp>", fuse_loop_heads},
    {"load_add/load_sub + its step + loop_<cmp> on the stepped register -> step_<cmp>", fuse_loop_steps},
    {"two moves of one kind in a row -> mov2_<kinds>", fuse_move_pairs},
    {"an operand that is a known constant or type -> its specialised form", specialise_known_operands},
    {"all register operands X or Y -> the variant naming their kinds", pick_kind_variants},
    {"hd + tl of one list, a constant step + a compare of its result -> one dispatch", fuse_pairs},
    {"tuple of 2 .. 8 X registers -> tuple<N>_x", fuse_small_tuples},
    {"backward jmp to an X compare -> loop_<cmp>", fuse_backward_jumps},
};

}  // namespace

void fuse_instructions(Module& m) {
  for (const FusionRule& rule : kFusionRules) rule.apply(m);
}

}  // namespace lzr

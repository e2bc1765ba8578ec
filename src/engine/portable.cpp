// The portable engine: a direct-threaded C++ interpreter over internal code
// (insn.h). It is the reference semantics; the assembler engine must agree
// with it on every program.
//
// Invariants inside run_portable():
//   * X is p.x; fp is the current frame's Y base; p.sp is the stack top.
//   * base[] = {X, fp, upvalues of fp[kFrameClosure]} resolves any operand
//     byte (kind << 5 | index) as base[kind][index].
//   * After any collection the running closure may have moved: reload base[2].
#include "engine/engine.h"
#include "engine/exceptions.h"
#include "engine/insn.h"
#include "engine/semantics.h"
#include "vm/atoms.h"
#include "vm/builders.h"
#include "vm/libm.h"
#include "vm/maps.h"
#include "vm/native_env.h"
#include "vm/term_ops.h"

namespace lzr {

#define LZR_LIKELY(x) __builtin_expect(!!(x), 1)
#define LZR_UNLIKELY(x) __builtin_expect(!!(x), 0)

namespace {

// The arity of a closure term.
inline uint32_t closure_arity(Term f) {
  return reinterpret_cast<const FunctionInfo*>(boxed_ptr(f)[1])->arity;
}

}  // namespace

Term run_portable(Process& p, const Insn* entry) {
  static void* const labels[] = {
#define LZR_IOP_LABEL(name) &&L_##name,
      LZR_IOPS(LZR_IOP_LABEL)
#undef LZR_IOP_LABEL
  };
  static_assert(sizeof(labels) / sizeof(labels[0]) == kNumIOps);

  Term* const X = p.x;
  Term* fp = p.fp;
  Term* base[3] = {X, fp, closure_upvals(fp[kFrameClosure])};
  const Insn* pc = entry;
  Term result = kNil;

#define OPND(o) (base[(o) >> 5][(o) & 31])
#define DISPATCH() goto* labels[static_cast<unsigned>(pc->op)]
#define NEXT()  \
  do {          \
    ++pc;       \
    DISPATCH(); \
  } while (0)
// Store the result of a helper, or raise.
#define STORE(dst, expr)                          \
  do {                                            \
    Term r_ = (expr);                             \
    if (LZR_UNLIKELY(r_ == kRaised)) goto raised; \
    dst = r_;                                     \
  } while (0)
// Safe point after an allocating instruction: `mask` X registers are live,
// plus the instruction's destination.
#define GC_POINT(mask, dst)                                                          \
  do {                                                                               \
    if (LZR_UNLIKELY(p.heap.gc_requested())) {                                       \
      uint32_t live_ = (mask) | (operand_kind(dst) == kOperandX ? 1u << operand_index(dst) : 0u); \
      p.collect(live_);                                                              \
      base[2] = closure_upvals(fp[kFrameClosure]);                                   \
    }                                                                                \
  } while (0)
// Calls and back edges count a reduction; with none left the process
// yields here and this instruction runs again when it is resumed.
#define REDUCE()                          \
  do {                                    \
    if (LZR_UNLIKELY(--p.reds <= 0)) {    \
      yield_at(p, pc, fp);                \
      return kRaised;                     \
    }                                     \
  } while (0)
// Takes a jump: a backward one (a loop's back edge, whatever instruction
// closes the loop) counts a reduction, and a yield there resumes at the
// target.
#define JUMP(to)                   \
  do {                             \
    const Insn* to_ = (to);        \
    const bool back_ = to_ <= pc;  \
    pc = to_;                      \
    if (back_) REDUCE();           \
    DISPATCH();                    \
  } while (0)
// Makes room for the stack to reach `want` (grow_stack moves it and every
// frame link), or raises stack_overflow.
#define GROW_STACK(want)                                 \
  do {                                                   \
    Term* gfp_ = p.grow_stack(fp, (want));               \
    if (!gfp_) {                                         \
      raise(p, kAtom_stack_overflow);                    \
      goto raised;                                       \
    }                                                    \
    fp = gfp_;                                           \
    base[1] = fp;                                        \
  } while (0)
// Pushes a frame of `frame` Y slots (closure `clo` or nil) and jumps to
// the function's entry `code`.
#define ENTER(frame, code, clo)                                           \
  do {                                                                    \
    const unsigned frame_ = (frame);                                      \
    Term* nfp_ = p.sp + kFrameHeaderWords;                                \
    if (LZR_UNLIKELY(nfp_ + frame_ > p.stack_limit)) {                    \
      GROW_STACK(nfp_ + frame_);                                          \
      nfp_ = p.sp + kFrameHeaderWords;                                    \
    }                                                                     \
    nfp_[kFrameRetPc] = reinterpret_cast<Term>(pc);                       \
    nfp_[kFrameCallerFp] = reinterpret_cast<Term>(fp);                    \
    nfp_[kFrameClosure] = (clo);                                          \
    for (unsigned i_ = 0; i_ < frame_; ++i_) nfp_[i_] = kNil;             \
    p.sp = nfp_ + frame_;                                                 \
    fp = nfp_;                                                            \
    base[1] = fp;                                                         \
    base[2] = closure_upvals(clo);                                        \
    pc = (code);                                                          \
    DISPATCH();                                                           \
  } while (0)

// Operand-kind variants (insn.h) run as their generic instruction.
#define LZR_VARIANT_LABEL(I, generic, kinds, name) L_##name:
// Float-first forms (insn.h): only the asm engine writes them, but code it
// quickened may run here too, as the generic instruction.
#define LZR_FLOAT_FIRST_LABEL(I, from, kinds, name) L_##name:

  DISPATCH();

L_mov:
L_mov_xy: L_mov2_xy:  // the pairs run as their first move; the second follows
L_mov_yx: L_mov2_yx:
  OPND(pc->a) = OPND(pc->b);
  NEXT();
L_mov_xx: L_mov2_xx:
  X[pc->a] = X[pc->b];
  NEXT();
L_swap: {
  Term t = OPND(pc->a);
  OPND(pc->a) = OPND(pc->b);
  OPND(pc->c) = t;
  NEXT();
}
L_load:
  OPND(pc->a) = pc->u.term;
  NEXT();
L_load_x:
L_load_add: L_load_sub: L_load_mul: L_load_div: L_load_mod:  // fused forms: the load
L_load_add_any: L_load_sub_any: L_load_mul_any: L_load_get: L_load_get_x: L_load_drop:
L_load_eq: L_load_ne: L_load_lt: L_load_gt: L_load_lte: L_load_gte:  // alone, then the next
L_load_eqa: L_load_nea: L_load_ret:
L_step_eq: L_step_ne: L_step_lt: L_step_gt: L_step_lte: L_step_gte:
  X[pc->a] = pc->u.term;
  NEXT();

L_ret:
L_ret_x: {
  Term v = OPND(pc->a);
  const Insn* caller = reinterpret_cast<const Insn*>(fp[kFrameRetPc]);
  p.sp = fp - kFrameHeaderWords;
  fp = reinterpret_cast<Term*>(fp[kFrameCallerFp]);
  if (LZR_UNLIKELY(caller == nullptr)) {  // the bottom frame of execute()
    result = v;
    goto done;
  }
  base[1] = fp;
  base[2] = closure_upvals(fp[kFrameClosure]);
  OPND(caller->a) = v;
  pc = caller + 1;
  DISPATCH();
}

L_call:
  REDUCE();
  ENTER(pc->b, pc->u.target, kNil);

L_call_native: {
  REDUCE();
  lzr_env env{&p};
  const FunctionInfo* fn = pc->u.fn;
  p.fp = fp;
  STORE(OPND(pc->a), fn->native(&env, X, fn->arity));
  GC_POINT(0u, pc->a);
  NEXT();
}

// Built-in calls that keep registers: the arguments come from any
// registers, the result goes to a; no X register is touched (natives only
// read their argv). bif's built-ins never allocate, so it has no safe point.
L_bif:
L_bif_map_get: L_bif_map_has_key: {  // the asm engine inlines these; here they are bif
  lzr_env env{&p};
  const FunctionInfo* fn = pc->u.fn;
  const Term args[kMaxBifArgs] = {OPND(pc->b), OPND(pc->c), OPND(pc->d)};
  p.fp = fp;
  STORE(OPND(pc->a), fn->native(&env, args, fn->arity));
  NEXT();
}
// math.sqrt of a float or a small integer (exact as a double: 48 bits);
// a negative one (NaN), or anything else, raises as the built-in does.
L_bif_sqrt: {
  const Term v = OPND(pc->b);
  const double d = is_float(v) ? float_value(v) : is_int(v) ? static_cast<double>(int_value(v)) : -1.0;
  if (d >= 0.0) [[likely]] {  // -0.0 too: its root is -0.0, as the built-in's
    STORE(OPND(pc->a), make_float(libm::sqrt(d)));
    NEXT();
  }
  goto L_bif;
}
L_gcbif: {
  lzr_env env{&p};
  const CtorInfo* c = pc->u.ctor;
  const Term args[kMaxBifArgs] = {OPND(pc->b), OPND(pc->c), OPND(pc->d)};
  p.fp = fp;
  STORE(OPND(pc->a), c->fn->native(&env, args, c->fn->arity));
  GC_POINT(c->mask, pc->a);
  NEXT();
}

L_tcall: {
  REDUCE();
  // Reuse this frame: its return address and caller stay; Y slots restart.
  const unsigned frame = pc->b;
  if (LZR_UNLIKELY(fp + frame > p.stack_limit)) GROW_STACK(fp + frame);
  fp[kFrameClosure] = kNil;
  for (unsigned i = 0; i < frame; ++i) fp[i] = kNil;
  p.sp = fp + frame;
  base[2] = nullptr;
  pc = pc->u.target;
  DISPATCH();
}

// A tail call of the running function: p.sp == fp + frame already holds
// throughout a function's body, and the frame fitted the stack on entry, so
// only the Y slots restart. The closure slot may keep a closure the function
// was applied through: the function has no upvalues (tcall targets never
// do), so nothing reads it but the collector.
L_tcall_self:
  REDUCE();
  for (unsigned i = 0; i < pc->b; ++i) fp[i] = kNil;
  pc = pc->u.target;
  DISPATCH();

// A loop_ back edge (a frame-0 tcall_self or a backward jmp, fusion.cpp):
// no Y slots to clear.
L_loop_eq: L_loop_ne: L_loop_lt: L_loop_gt: L_loop_lte: L_loop_gte:
  REDUCE();
  pc = pc->u.target;
  DISPATCH();

L_tcall_native: {
  REDUCE();
  lzr_env env{&p};
  const FunctionInfo* fn = pc->u.fn;
  p.fp = fp;
  Term v = fn->native(&env, X, fn->arity);
  if (v == kRaised) goto raised;
  X[0] = v;
  if (LZR_UNLIKELY(p.heap.gc_requested())) p.collect(1u);
  // Return X0 from this frame, exactly as `ret x0` would.
  static const Insn ret_x0 = {IOp::ret, operand(kOperandX, 0), 0, 0, 0, 0, {0}};
  pc = &ret_x0;
  DISPATCH();
}

L_apply: {
  REDUCE();
  Term f = OPND(pc->b);
  if (LZR_UNLIKELY(!is_closure(f))) {
    raise_tagged(p, kAtom_badfun, f);
    goto raised;
  }
  const FunctionInfo* fn = reinterpret_cast<const FunctionInfo*>(boxed_ptr(f)[1]);
  ENTER(fn->frame, fn->code, f);
}

  LZR_KIND_VARIANTS_GET(LZR_VARIANT_LABEL, _)
  LZR_KIND_VARIANTS_HD(LZR_VARIANT_LABEL, _)
L_hd:  // known-operand form: the index register holds 0
L_get:
  STORE(OPND(pc->a), op_get(p, OPND(pc->b), OPND(pc->c)));
  NEXT();
  LZR_KIND_VARIANTS_HD_X(LZR_VARIANT_LABEL, _)
L_hdtl_xx:  // the pair runs as its first instruction; the second follows
L_get_xxx: {
  Term t = X[pc->b], i = X[pc->c];
  // Fast path: tuple element with an in-range small-integer index.
  if (LZR_LIKELY(is_tuple(t) && is_int(i) && static_cast<uint64_t>(int_value(i)) < tuple_arity(t))) {
    X[pc->a] = tuple_elems(t)[int_value(i)];
    NEXT();
  }
  STORE(X[pc->a], op_get(p, t, i));
  NEXT();
}
  LZR_KIND_VARIANTS_DROP(LZR_VARIANT_LABEL, _)
  LZR_KIND_VARIANTS_TL(LZR_VARIANT_LABEL, _)
L_tlhd_xx:
L_tl:  // known-operand form: the index register holds 1
L_drop:
  STORE(OPND(pc->a), op_drop(p, OPND(pc->b), OPND(pc->c)));
  GC_POINT(~0u, pc->a);  // drop has no regmask: every X register stays live
  NEXT();
L_put:
  STORE(OPND(pc->a), op_put(p, OPND(pc->b), OPND(pc->c), OPND(pc->d)));
  GC_POINT(pc->u.mask, pc->a);
  NEXT();
  LZR_KIND_VARIANTS_CONS(LZR_VARIANT_LABEL, _)
L_cons: {
  Term* cell = p.heap.alloc(2);
  cell[0] = OPND(pc->b);
  cell[1] = OPND(pc->c);
  OPND(pc->a) = make_cons(cell);
  GC_POINT(pc->u.mask, pc->a);
  NEXT();
}
L_tuple:  // the asm engine unrolls the tupleN_x forms
L_tuple2_x: L_tuple3_x: L_tuple4_x: L_tuple5_x: L_tuple6_x: L_tuple7_x: L_tuple8_x: {
  const CtorInfo* c = pc->u.ctor;
  Term* o = p.heap.alloc(1 + c->count);
  o[0] = make_header(BoxKind::Tuple, c->count);
  for (uint32_t i = 0; i < c->count; ++i) o[1 + i] = OPND(c->ops[i]);
  OPND(pc->a) = make_boxed(o);
  GC_POINT(c->mask, pc->a);
  NEXT();
}
L_list: {
  const CtorInfo* c = pc->u.ctor;
  Term list = kNil;
  if (c->count > 0) {
    Term* cells = p.heap.alloc(2 * c->count);
    for (uint32_t i = 0; i < c->count; ++i) {
      cells[2 * i] = OPND(c->ops[i]);
      cells[2 * i + 1] = i + 1 < c->count ? make_cons(cells + 2 * i + 2) : kNil;
    }
    list = make_cons(cells);
  }
  OPND(pc->a) = list;
  GC_POINT(c->mask, pc->a);
  NEXT();
}
L_map:
  OPND(pc->a) = op_map(p, pc->u.ctor, base);
  GC_POINT(pc->u.ctor->mask, pc->a);
  NEXT();
L_fn: {
  const CtorInfo* c = pc->u.ctor;
  Term* o = p.heap.alloc(2 + c->count);
  o[0] = make_header(BoxKind::Closure, 1 + c->count);
  o[1] = reinterpret_cast<Term>(c->fn);
  for (uint32_t i = 0; i < c->count; ++i) o[2 + i] = OPND(c->ops[i]);
  OPND(pc->a) = make_boxed(o);
  GC_POINT(c->mask, pc->a);
  NEXT();
}

#define LZR_COMPARE(name, cmp)                                          \
  L_##name:                                                             \
  if (compare_holds(CmpOp::cmp, OPND(pc->a), OPND(pc->b))) {            \
    JUMP(pc->u.target);                                                 \
  }                                                                     \
  NEXT();
  LZR_KIND_VARIANTS_EQ_ATOM(LZR_VARIANT_LABEL, _)
L_eq_atom:  // known-operand forms (known_operands.cpp) run as the generic instruction
  LZR_KIND_VARIANTS_EQ(LZR_VARIANT_LABEL, _)
  LZR_COMPARE(eq, Eq)
  LZR_KIND_VARIANTS_NE_ATOM(LZR_VARIANT_LABEL, _)
L_ne_atom:
  LZR_KIND_VARIANTS_NE(LZR_VARIANT_LABEL, _)
  LZR_COMPARE(ne, Ne)
  LZR_KIND_VARIANTS_LT(LZR_VARIANT_LABEL, _)
  LZR_FLOAT_FIRST_LT(LZR_FLOAT_FIRST_LABEL, _)
  LZR_COMPARE(lt, Lt)
  LZR_KIND_VARIANTS_GT(LZR_VARIANT_LABEL, _)
  LZR_FLOAT_FIRST_GT(LZR_FLOAT_FIRST_LABEL, _)
  LZR_COMPARE(gt, Gt)
  LZR_KIND_VARIANTS_LTE(LZR_VARIANT_LABEL, _)
  LZR_FLOAT_FIRST_LTE(LZR_FLOAT_FIRST_LABEL, _)
  LZR_COMPARE(lte, Lte)
  LZR_KIND_VARIANTS_GTE(LZR_VARIANT_LABEL, _)
  LZR_FLOAT_FIRST_GTE(LZR_FLOAT_FIRST_LABEL, _)
  LZR_COMPARE(gte, Gte)
#undef LZR_COMPARE

// X-register compares: two small integers compare as their shifted payloads.
#define LZR_COMPARE_XX(name, cmp, op)                                                    \
  L_##name##_xx: {                                                                       \
    Term a = X[pc->a], b = X[pc->b];                                                     \
    bool holds = is_int(a) && is_int(b)                                                  \
                     ? static_cast<int64_t>(a << 16) op static_cast<int64_t>(b << 16)    \
                     : compare_holds(CmpOp::cmp, a, b);                                  \
    if (holds) {                                                                         \
      JUMP(pc->u.target);                                                                \
    }                                                                                    \
    NEXT();                                                                              \
  }
  LZR_KIND_VARIANTS_EQ_ATOM_X(LZR_VARIANT_LABEL, _)
  LZR_COMPARE_XX(eq, Eq, ==)
  LZR_KIND_VARIANTS_NE_ATOM_X(LZR_VARIANT_LABEL, _)
  LZR_COMPARE_XX(ne, Ne, !=)
  LZR_COMPARE_XX(lt, Lt, <)
  LZR_COMPARE_XX(gt, Gt, >)
  LZR_COMPARE_XX(lte, Lte, <=)
  LZR_COMPARE_XX(gte, Gte, >=)
#undef LZR_COMPARE_XX

// Arithmetic may build a big integer: a safe point after it keeps every X
// register (these instructions have no regmask). Only a big result is
// allocated (floats and small integers are immediates), so only then is the
// safe point taken: a collection requested by anything else waits for the
// next allocating instruction, as on the asm engine. Under GC stress a safe
// point after every small-integer step would scan the whole stack at each
// one (quadratic in recursion depth).
#define BIG_RESULT_GC_POINT(dst)                      \
  do {                                                \
    if (LZR_UNLIKELY(is_boxed(OPND(dst)))) GC_POINT(~0u, dst); \
  } while (0)
L_not_:
  STORE(OPND(pc->a), op_not(p, OPND(pc->b)));
  BIG_RESULT_GC_POINT(pc->a);
  NEXT();
L_neg:
  STORE(OPND(pc->a), op_neg(p, OPND(pc->b)));
  BIG_RESULT_GC_POINT(pc->a);
  NEXT();
L_type:
  OPND(pc->a) = op_type(OPND(pc->b));
  NEXT();
L_size:
  STORE(OPND(pc->a), op_size(p, OPND(pc->b)));
  NEXT();

  // Binaries: the value to a, the advanced position to c (the verifier
  // keeps them apart). Only a read of a big integer allocates.
  // bbyte, bint16, bint32: whole bytes at a byte boundary, else the
  // generic read
#define LZR_BREAD_BYTES(name, n)                                                        \
  L_##name: {                                                                           \
    const Term bin = OPND(pc->b), pos = OPND(pc->c);                                    \
    if (LZR_LIKELY(is_int(pos) && is_binary(bin))) {                                    \
      const uint64_t at = static_cast<uint64_t>(int_value(pos)); /* < 0: huge */      \
      if (LZR_LIKELY(at % 8 == 0 && at / 8 + (n) <= binary_size(bin))) {               \
        const uint8_t* b_ = binary_bytes(bin) + at / 8;                                 \
        uint64_t v_ = 0;                                                                \
        for (int i_ = 0; i_ < (n); ++i_) v_ = v_ << 8 | b_[i_];                         \
        OPND(pc->a) = make_int(static_cast<int64_t>(v_));                               \
        OPND(pc->c) = make_int(static_cast<int64_t>(at + 8 * (n)));                     \
        NEXT();                                                                         \
      }                                                                                 \
    }                                                                                   \
    goto L_bint;                                                                        \
  }
  LZR_BREAD_BYTES(bbyte, 1)
  LZR_BREAD_BYTES(bint16, 2)
  LZR_BREAD_BYTES(bint32, 4)
#undef LZR_BREAD_BYTES
#define LZR_BREAD(name, kind)                                                \
  L_##name: {                                                                \
    Term pos_ = OPND(pc->c);                                                 \
    STORE(OPND(pc->a), op_bread(p, kind, OPND(pc->b), pos_, OPND(pc->d)));   \
    OPND(pc->c) = pos_;                                                      \
    GC_POINT(~0u, pc->a);                                                    \
    NEXT();                                                                  \
  }
  LZR_BREAD(bint, BinRead::Int)
  LZR_BREAD(bsint, BinRead::SInt)
  LZR_BREAD(bintl, BinRead::IntL)
  LZR_BREAD(bsintl, BinRead::SIntL)
  LZR_BREAD(bfloat, BinRead::Float)
  LZR_BREAD(bfloatl, BinRead::FloatL)
  LZR_BREAD(butf8, BinRead::Utf8)
  LZR_BREAD(bbin, BinRead::Bytes)
#undef LZR_BREAD
L_brest:
  STORE(OPND(pc->a), op_brest(p, OPND(pc->b), OPND(pc->c)));
  GC_POINT(~0u, pc->a);
  NEXT();
L_bappend:
  STORE(OPND(pc->a), op_bappend(p, OPND(pc->b), OPND(pc->c)));
  GC_POINT(~0u, pc->a);
  NEXT();

#define LZR_ARITH(name, aop)                                           \
  L_##name:                                                            \
  STORE(OPND(pc->a), arith(p, ArithOp::aop, OPND(pc->b), OPND(pc->c))); \
  BIG_RESULT_GC_POINT(pc->a);                                          \
  NEXT();
  LZR_KIND_VARIANTS_ADD(LZR_VARIANT_LABEL, _)
  LZR_FLOAT_FIRST_ADD(LZR_FLOAT_FIRST_LABEL, _)
  LZR_ARITH(add, Add)
  LZR_KIND_VARIANTS_SUB(LZR_VARIANT_LABEL, _)
  LZR_FLOAT_FIRST_SUB(LZR_FLOAT_FIRST_LABEL, _)
  LZR_ARITH(sub, Sub)
  LZR_KIND_VARIANTS_MUL(LZR_VARIANT_LABEL, _)
  LZR_FLOAT_FIRST_MUL(LZR_FLOAT_FIRST_LABEL, _)
  LZR_ARITH(mul, Mul)
L_div_k:
L_div_kl:
  LZR_KIND_VARIANTS_DIV(LZR_VARIANT_LABEL, _)
  LZR_FLOAT_FIRST_DIV(LZR_FLOAT_FIRST_LABEL, _)
  LZR_ARITH(div, Div)
L_mod_k:
L_mod_kl:
  LZR_KIND_VARIANTS_MOD(LZR_VARIANT_LABEL, _)
  LZR_ARITH(mod, Mod)
  LZR_KIND_VARIANTS_SHR(LZR_VARIANT_LABEL, _)
  LZR_ARITH(shr, Shr)
  LZR_KIND_VARIANTS_SHL(LZR_VARIANT_LABEL, _)
  LZR_ARITH(shl, Shl)
  LZR_KIND_VARIANTS_XOR(LZR_VARIANT_LABEL, _)
  LZR_ARITH(xor_, Xor)
  LZR_KIND_VARIANTS_AND(LZR_VARIANT_LABEL, _)
  LZR_ARITH(and_, And)
  LZR_KIND_VARIANTS_OR(LZR_VARIANT_LABEL, _)
  LZR_ARITH(or_, Or)
#undef LZR_ARITH

// Small-integer fast paths; anything else (floats, big integers, overflow
// into a big result, errors) goes through arith(), the shared definition,
// and its safe point.
#define LZR_ARITH_XXX(name, aop, builtin)                                  \
  L_##name##_xxx: {                                                        \
    Term a = X[pc->b], b = X[pc->c];                                       \
    int64_t r;                                                             \
    if (LZR_LIKELY(is_int(a) && is_int(b)) &&                              \
        !builtin(int_value(a), int_value(b), &r) && fits_small(r)) {       \
      X[pc->a] = make_int(r);                                              \
      NEXT();                                                              \
    }                                                                      \
    STORE(X[pc->a], arith(p, ArithOp::aop, a, b));                         \
    if (LZR_UNLIKELY(is_boxed(X[pc->a]))) GC_POINT(~0u, pc->a);            \
    NEXT();                                                                \
  }
L_add_xk:  // known-operand forms: c holds the constant
L_addk_eq: L_addk_ne: L_addk_lt: L_addk_gt: L_addk_lte: L_addk_gte:  // pairs: the add, then the compare
  LZR_ARITH_XXX(add, Add, __builtin_add_overflow)
L_sub_xk:
L_subk_eq: L_subk_ne: L_subk_lt: L_subk_gt: L_subk_lte: L_subk_gte:
  LZR_ARITH_XXX(sub, Sub, __builtin_sub_overflow)
L_mul_xk:
  LZR_ARITH_XXX(mul, Mul, __builtin_mul_overflow)
#undef LZR_ARITH_XXX

L_jmp:
  JUMP(pc->u.target);

// Receiving (receive.cpp has the semantics).
L_recv: {
  const Term m = op_recv(p);
  if (m == kNoMessage) {
    JUMP(pc->u.target);
  }
  OPND(pc->a) = m;
  GC_POINT(~0u, pc->a);  // the copy into the heap may make a collection due
  NEXT();
}
L_recvnext:
  if (LZR_UNLIKELY(!op_recvnext(p))) {
    raise(p, kAtom_badrecv);
    goto raised;
  }
  JUMP(pc->u.target);
L_accept:
  if (LZR_UNLIKELY(!op_accept(p))) {
    raise(p, kAtom_badrecv);
    goto raised;
  }
  NEXT();
L_wait:
  switch (op_wait(p, pc, fp, OPND(pc->a))) {
    case kWaitFallThrough: NEXT();
    case kWaitJumpBack:
      JUMP(pc->u.target);
    case kWaitSuspend: return kRaised;  // resumed at this wait (engine/scheduler.cpp)
    default: goto raised;
  }

// Pattern matching: type tests jump on failure (isnt_: on success).
#define LZR_TYPE_TEST(type, test)                   \
  L_is_##type: {                                    \
    const Term t = OPND(pc->a);                     \
    if (!(test)) {                                  \
      JUMP(pc->u.target);                           \
    }                                               \
    NEXT();                                         \
  }                                                 \
  L_isnt_##type: {                                  \
    const Term t = OPND(pc->a);                     \
    if (test) {                                     \
      JUMP(pc->u.target);                           \
    }                                               \
    NEXT();                                         \
  }
  LZR_TYPE_TEST(integer, is_integer(t))
  LZR_TYPE_TEST(float, is_float(t))
  LZR_TYPE_TEST(number, is_numeric(t))
  LZR_TYPE_TEST(atom, is_atom(t))
  LZR_TYPE_TEST(boolean, t == kTrue || t == kFalse)
  LZR_TYPE_TEST(nil, t == kNil)
  LZR_TYPE_TEST(cons, is_cons(t))
  LZR_TYPE_TEST(list, is_list(t))
  LZR_TYPE_TEST(tuple, is_tuple(t))
  LZR_TYPE_TEST(map, is_map(t))
  LZR_TYPE_TEST(binary, is_binary(t))
  LZR_TYPE_TEST(function, is_closure(t))
  LZR_TYPE_TEST(pid, is_pid(t))
  LZR_TYPE_TEST(reference, is_ref(t))
  LZR_TYPE_TEST(tuple_of, is_tuple(t) && tuple_arity(t) == insn_arity(*pc))
  LZR_TYPE_TEST(function_of, is_closure(t) && closure_arity(t) == insn_arity(*pc))
#undef LZR_TYPE_TEST
L_eqx:
  if (exact_equal(OPND(pc->a), OPND(pc->b))) {
    JUMP(pc->u.target);
  }
  NEXT();
L_nex:
  if (!exact_equal(OPND(pc->a), OPND(pc->b))) {
    JUMP(pc->u.target);
  }
  NEXT();
// Multi-way jumps (insn.h, SelectInfo): a jump table's holes hold `fail`.
L_select_jt: {
  const Term t = OPND(pc->a);
  const SelectInfo* s = pc->u.select;
  const uint64_t slot = static_cast<uint64_t>(int_value(t) - s->low);
  JUMP(is_int(t) && slot < s->count ? s->targets[slot] : s->fail);
}
L_select_bs:
  JUMP(select_search(pc->u.select, OPND(pc->a)));
L_arity_jt: {
  const Term t = OPND(pc->a);
  const SelectInfo* s = pc->u.select;
  const Insn* to = s->fail;
  if (is_tuple(t)) {
    const uint64_t slot = tuple_arity(t) - static_cast<uint64_t>(s->low);
    if (slot < s->count) to = s->targets[slot];
  }
  JUMP(to);
}
L_arity_bs: {
  const Term t = OPND(pc->a);
  JUMP(is_tuple(t) ? select_search(pc->u.select, tuple_arity(t)) : pc->u.select->fail);
}
L_idiv_k:
L_idiv_kl:
L_idiv:
  STORE(OPND(pc->a), arith(p, ArithOp::IDiv, OPND(pc->b), OPND(pc->c)));
  GC_POINT(~0u, pc->a);
  NEXT();
L_rem_k:
L_rem_kl:
L_rem:
  STORE(OPND(pc->a), arith(p, ArithOp::Rem, OPND(pc->b), OPND(pc->c)));
  GC_POINT(~0u, pc->a);
  NEXT();

// A catch is only a marker in its slot: the handler comes from the
// module's tables (exceptions.h), so try and tryend are a store each.
L_try_:
  fp[operand_index(pc->a)] = kCatchTag;
  NEXT();
L_tryend:
  fp[operand_index(pc->a)] = kNil;
  NEXT();
L_raise:
  op_raise(p, OPND(pc->a), OPND(pc->b), OPND(pc->c));
  goto raised;

// pc raised: continue at the innermost catch's handler, or leave.
raised: {
  const Insn* handler = unwind(p, pc, fp);
  if (!handler) return kRaised;  // unwind left p.fp and p.error_pc for stack_trace()
  fp = p.fp;
  base[1] = fp;
  base[2] = closure_upvals(fp[kFrameClosure]);
  pc = handler;
  DISPATCH();
}

done:
  p.fp = fp;
  return result;

#undef LZR_VARIANT_LABEL
#undef LZR_FLOAT_FIRST_LABEL
#undef OPND
#undef DISPATCH
#undef NEXT
#undef STORE
#undef BIG_RESULT_GC_POINT
#undef GC_POINT
#undef ENTER
#undef REDUCE
#undef GROW_STACK
}

}  // namespace lzr

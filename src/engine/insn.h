// The internal instruction form both engines execute.
//
// The loader (translate.cpp) translates each verified file instruction into one
// 16-byte Insn: operands pre-decoded, literals and constants resolved to
// terms, jumps to Insn pointers, calls bound to FunctionInfo. Where every
// register operand is an X register the loader picks a specialised opcode
// (suffix _x...), whose handler needs no operand-kind dispatch. This table is
// the engines' instruction set, derived from the file's (opcodes.def) the way
// BEAM's loader specialises generic instructions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>

#include "vm/function_info.h"
#include "vm/term.h"

namespace lzr {

//   name        operands (a, b, c, d; u = the 64-bit union)
#define LZR_IOPS(I)                                                   \
  I(mov)         /* a = b (any kinds)                              */ \
  I(mov_xx)      /* X[a] = X[b]                                    */ \
  I(swap)        /* t = a; a = b; c = t                            */ \
  I(load)        /* a = u.term (loadi/loadu/loadc/load32/load64)   */ \
  I(load_x)      /* X[a] = u.term                                  */ \
  I(ret)         /* return a                                       */ \
  I(call)        /* a = call of the bytecode function whose entry   \
                    is u.target and frame b (X0.. arguments)       */ \
  I(call_native) /* a = u.fn->native(X0..)                         */ \
  I(tcall)       /* tail call, entry u.target, frame b             */ \
  I(tcall_native)/* return u.fn->native(X0..)                      */ \
  I(apply)       /* a = closure b applied to X0..                  */ \
  I(get) I(drop) /* a = get/drop(b, c)                             */ \
  I(get_xxx)     /* X[a] = get(X[b], X[c])                         */ \
  I(put)         /* a = put(b, c, d); u.mask live X                */ \
  I(cons)        /* a = [b | c]; u.mask live X                     */ \
  I(tuple) I(list) I(map) /* a = build from u.ctor                 */ \
  I(fn)          /* a = closure of u.ctor->fn over u.ctor's ops    */ \
  I(eq) I(ne) I(lt) I(gt) I(lte) I(gte) /* if a ? b goto u.target  */ \
  I(eq_xx) I(ne_xx) I(lt_xx) I(gt_xx) I(lte_xx) I(gte_xx)           \
  I(not_) I(neg) I(type) I(size)        /* a = op(b) (_: C++ keyword)*/ \
  I(add) I(sub) I(mul) I(div) I(mod)    /* a = b op c              */ \
  I(shr) I(shl) I(xor_) I(and_) I(or_)                              \
  I(add_xxx) I(sub_xxx) I(mul_xxx)                                  \
  I(jmp)         /* goto u.target                                  */ \
  I(try_)        /* Y[a] = catch tag (u.target: its handler)        */ \
  I(tryend)      /* Y[a] = []                                      */ \
  I(raise)       /* raise class a, reason b, trace c               */ \
  /* processes (docs/processes.md)                                      */ \
  I(recv)        /* a = message under the cursor, else goto u.target */ \
  I(recvnext)    /* cursor to the next message, goto u.target      */ \
  I(accept)      /* remove the message under the cursor            */ \
  I(wait)        /* wait for a message (goto u.target) or a's ms    */ \
  /* Specialised forms picked by the loader; the portable engine runs   \
     most as the generic instruction named in the comment               \
     (docs/asm-engine.md).                                              */ \
  I(mov_xy) I(mov_yx)  /* Y[a] = X[b] / X[a] = Y[b]   (as mov)       */ \
  I(ret_x)             /* return X[a]                 (as ret)       */ \
  /* two moves of one kind in a row, this one and the next, in one      \
     dispatch: argument set-up and saving values around calls (as the   \
     single move; the next one stays in place)                        */ \
  I(mov2_xx) I(mov2_xy) I(mov2_yx)                                     \
  I(tcall_self)        /* tail call of the running function: b = its   \
                          frame, u.target = its entry (its frame stays  \
                          in place; see portable.cpp)                   */ \
  /* load_x of an int16 constant fused with the next instruction, an    \
     X-only add..mod (div/mod: constant > 1) or compare whose right \
     operand is the register loaded here. The fused form may run both   \
     and skip the next; else it runs the load alone. (as load_x)        */ \
  I(load_add) I(load_sub) I(load_mul) I(load_div) I(load_mod)         \
  /* the same with a generic add/sub/mul next, operands X or Y */        \
  I(load_add_any) I(load_sub_any) I(load_mul_any)                      \
  /* the same with get/drop next, indexing with the constant c >= 0:     \
     tuple elements, list heads (get 0) and tails (drop 1) in line       \
     (bytes 4..7: c); load_get_x: load_get whose get has its result and \
     its container in X registers                                        */ \
  I(load_get) I(load_drop) I(load_get_x)                               \
  I(load_eq) I(load_ne) I(load_lt) I(load_gt) I(load_lte) I(load_gte) \
  /* load_x of an atom or [] (equal to a term only when the words are) \
     fused with the next eq/ne, any operand kinds, comparing it with b    \
     (the compare's other operand, copied here): one dispatch for a test \
     of a call's result or a Y slot against :ok, true or [] (as load_x) */ \
  I(load_eqa) I(load_nea)                                               \
  /* load_x of any constant right before the ret_x of that register: a   \
     function that returns a constant (true, :ok, 0) returns in one      \
     dispatch (as load_x)                                                */ \
  I(load_ret)                                                           \
  /* tcall_self of a frame-0 function that starts with an X-only        \
     compare (eq_xx..), or a backward jmp to such a compare (b = 0): the \
     loop back edge, which may run that compare too (as tcall_self)     */ \
  I(loop_eq) I(loop_ne) I(loop_lt) I(loop_gt) I(loop_lte) I(loop_gte) \
  /* load_add/load_sub of a constant dead at the back edge, stepping xi   \
     in place (xi = xi +- c) right before a loop_ form whose head compares \
     xi with xb: the whole back edge of a counting loop, the compare named  \
     as "xi op xb"; bytes 4..7 hold +-c << 16 (as load_x; fusion.cpp)     */ \
  I(step_eq) I(step_ne) I(step_lt) I(step_gt) I(step_lte) I(step_gte)  \
  /* Forms for an operand register known to hold a constant on every path \
     (known_operands.cpp); they keep the instruction's operands:           \
     eq/ne whose b holds an atom or nil: equal exactly when identical    */ \
  I(eq_atom) I(ne_atom)  /* (as eq, ne)                                 */ \
  /* div/mod (floored) and idiv/rem (truncating) whose c holds an        \
     integer 2..2^17: u = ceil(2^64 / it), bytes 5..7 hold it (as div,   \
     mod, idiv, rem)                                                     */ \
  I(div_k) I(mod_k) I(idiv_k) I(rem_k)                                  \
  /* the same whose c holds an integer 2^17 < d < 2^47: u = ceil(2^(64+s) \
     / d) with s = bit length of d - 17 in byte 5 (d); the divisor itself \
     is read from c (as div, mod, idiv, rem)                             */ \
  I(div_kl) I(mod_kl) I(idiv_kl) I(rem_kl)                              \
  /* get whose index c holds 0: a list's head first, then a tuple's first \
     element (as get); drop whose index c holds 1: a list's tail (as drop) */ \
  I(hd) I(tl)                                                           \
  /* X[a] = X[b] op K, c holding the small integer K: u = K << 16 (add,  \
     sub), K (mul) (as add_xxx, sub_xxx, mul_xxx)                       */ \
  I(add_xk) I(sub_xk) I(mul_xk)                                         \
  /* Pairs (fusion.cpp, fuse_pairs): this instruction and the next in one \
     dispatch; the next one stays in place for jumps and slow paths.      \
     hd_xxx then tl_xxx of the same list (or tl then hd), the first not     \
     writing the list's register (as hd_xxx / tl_xxx)                    */ \
  I(hdtl_xx) I(tlhd_xx)                                                 \
  /* add_xk / sub_xk, then an X-only compare of its result with X[d], the \
     compare named as "result op X[d]" (as add_xxx / sub_xxx)            */ \
  I(addk_eq) I(addk_ne) I(addk_lt) I(addk_gt) I(addk_lte) I(addk_gte)    \
  I(subk_eq) I(subk_ne) I(subk_lt) I(subk_gt) I(subk_lte) I(subk_gte)    \
  /* register-preserving built-in calls (bif-calls): a = the built-in      \
     applied to b, c, d (the first of them, by its arity); every other     \
     register keeps its value. bif: u.fn; gcbif: u.ctor (mask: X registers \
     a collection after it keeps; fn). bif_map_get / bif_map_has_key: bif  \
     of map.get/3 / map.has_key/2, which the asm engine inlines on flat    \
     maps with an immediate key (as bif). bif_sqrt: a = math.sqrt(b), a   \
     bif of it or a call (b = x0), in line for a float or small integer  \
     (as bif otherwise)                                                  */ \
  I(bif) I(gcbif) I(bif_map_get) I(bif_map_has_key) I(bif_sqrt)         \
  /* binaries (issue 15): a = the value read from binary b at bit position \
     c (c advanced on a match, a = [] otherwise), d = the size register;   \
     brest / bappend: a = op(b, c)                                      */ \
  I(bint) I(bsint) I(bintl) I(bsintl) I(bfloat) I(bfloatl) I(butf8)        \
  I(bbin)        /* a = d bytes from bit c as a binary, c advanced     */ \
  I(brest) I(bappend)                                                     \
  /* bint whose size register d holds 8, 16 or 32: whole bytes at a byte \
     boundary in line (as bint)                                          */ \
  I(bbyte) I(bint16) I(bint32)                                            \
  /* Pattern matching (match-insns; docs/bytecode.md "Pattern matching"). \
     is_<type>: goto u.target unless a is of the type; isnt_<type>: goto  \
     u.target if it is. Both lists follow TypeTest's order (opcodes.h). */ \
  I(is_integer) I(is_float) I(is_number) I(is_atom) I(is_boolean)        \
  I(is_nil) I(is_cons) I(is_list) I(is_tuple) I(is_map) I(is_binary)     \
  I(is_function) I(is_pid) I(is_reference)                              \
  I(isnt_integer) I(isnt_float) I(isnt_number) I(isnt_atom)             \
  I(isnt_boolean) I(isnt_nil) I(isnt_cons) I(isnt_list) I(isnt_tuple)   \
  I(isnt_map) I(isnt_binary) I(isnt_function) I(isnt_pid)              \
  I(isnt_reference)                                                     \
  /* the same for a tuple / closure of the arity in bytes 4..7 (insn_arity) */ \
  I(is_tuple_of) I(is_function_of) I(isnt_tuple_of) I(isnt_function_of) \
  I(eqx) I(nex)        /* if a =:= b (a =/= b) goto u.target            */ \
  /* multi-way jumps through u.select: a small integer (select_jt) or    \
     any term (select_bs, a binary search over the keys' words); the      \
     arity of a tuple (arity_jt, arity_bs); anything else: its fail     */ \
  I(select_jt) I(select_bs) I(arity_jt) I(arity_bs)                     \
  I(idiv) I(rem)       /* a = b div c, b rem c (truncating, integers)     */ \
  /* tuple of 2 .. 8 elements, every one an X register: a routine per     \
     arity, unrolled (fusion.cpp, fuse_small_tuples) (as tuple)          */ \
  I(tuple2_x) I(tuple3_x) I(tuple4_x) I(tuple5_x) I(tuple6_x)             \
  I(tuple7_x) I(tuple8_x)                                                 \
  LZR_KIND_VARIANTS(LZR_KIND_VARIANT_AS_IOP, I)                           \
  LZR_FLOAT_FIRST(LZR_FLOAT_FIRST_AS_IOP, I)

// Operand-kind variants: `generic` with its register operands of the kinds
// named (x or y, in the order a, b, c, or a, b for the compares, eq_atom
// and ne_atom; all-x forms of add, sub, mul, get and the compares are
// listed above). The loader picks one when every
// register operand has the kind it names (fusion.cpp, pick_kind_variants),
// so its routine reaches them without testing their kinds; the portable
// engine runs it as `generic` (each group is placed at its label there).
//   V(I, generic, kinds, name)
#define LZR_KIND_VARIANTS_3(V, I, op)                                      \
  V(I, op, xxy, op##_xxy) V(I, op, xyx, op##_xyx) V(I, op, xyy, op##_xyy) \
  V(I, op, yxx, op##_yxx) V(I, op, yxy, op##_yxy) V(I, op, yyx, op##_yyx) \
  V(I, op, yyy, op##_yyy)
#define LZR_KIND_VARIANTS_2(V, I, op) \
  V(I, op, xy, op##_xy) V(I, op, yx, op##_yx) V(I, op, yy, op##_yy)
#define LZR_KIND_VARIANTS_ADD(V, I) LZR_KIND_VARIANTS_3(V, I, add)
#define LZR_KIND_VARIANTS_SUB(V, I) LZR_KIND_VARIANTS_3(V, I, sub)
#define LZR_KIND_VARIANTS_MUL(V, I) LZR_KIND_VARIANTS_3(V, I, mul)
#define LZR_KIND_VARIANTS_DIV(V, I) V(I, div, xxx, div_xxx)
#define LZR_KIND_VARIANTS_MOD(V, I) V(I, mod, xxx, mod_xxx)
#define LZR_KIND_VARIANTS_SHR(V, I) V(I, shr, xxx, shr_xxx)
#define LZR_KIND_VARIANTS_SHL(V, I) V(I, shl, xxx, shl_xxx)
#define LZR_KIND_VARIANTS_XOR(V, I) V(I, xor_, xxx, xor_xxx)
#define LZR_KIND_VARIANTS_AND(V, I) V(I, and_, xxx, and_xxx)
#define LZR_KIND_VARIANTS_OR(V, I) V(I, or_, xxx, or_xxx)
#define LZR_KIND_VARIANTS_GET(V, I) LZR_KIND_VARIANTS_3(V, I, get)
#define LZR_KIND_VARIANTS_DROP(V, I) V(I, drop, xxx, drop_xxx) LZR_KIND_VARIANTS_3(V, I, drop)
#define LZR_KIND_VARIANTS_CONS(V, I) V(I, cons, xxx, cons_xxx) LZR_KIND_VARIANTS_3(V, I, cons)
#define LZR_KIND_VARIANTS_EQ(V, I) LZR_KIND_VARIANTS_2(V, I, eq)
#define LZR_KIND_VARIANTS_NE(V, I) LZR_KIND_VARIANTS_2(V, I, ne)
#define LZR_KIND_VARIANTS_LT(V, I) LZR_KIND_VARIANTS_2(V, I, lt)
#define LZR_KIND_VARIANTS_GT(V, I) LZR_KIND_VARIANTS_2(V, I, gt)
#define LZR_KIND_VARIANTS_LTE(V, I) LZR_KIND_VARIANTS_2(V, I, lte)
#define LZR_KIND_VARIANTS_GTE(V, I) LZR_KIND_VARIANTS_2(V, I, gte)
// Known-operand forms (known_operands.cpp). The portable engine runs the
// all-x ones as the all-x form they came from (eq_xx, ne_xx, get_xxx).
#define LZR_KIND_VARIANTS_EQ_ATOM_X(V, I) V(I, eq_atom, xx, eq_atom_xx)
#define LZR_KIND_VARIANTS_EQ_ATOM(V, I) LZR_KIND_VARIANTS_2(V, I, eq_atom)
#define LZR_KIND_VARIANTS_NE_ATOM_X(V, I) V(I, ne_atom, xx, ne_atom_xx)
#define LZR_KIND_VARIANTS_NE_ATOM(V, I) LZR_KIND_VARIANTS_2(V, I, ne_atom)
#define LZR_KIND_VARIANTS_HD_X(V, I) V(I, hd, xxx, hd_xxx)
#define LZR_KIND_VARIANTS_HD(V, I) LZR_KIND_VARIANTS_3(V, I, hd)
#define LZR_KIND_VARIANTS_TL(V, I) V(I, tl, xxx, tl_xxx) LZR_KIND_VARIANTS_3(V, I, tl)
#define LZR_KIND_VARIANTS(V, I)                                                               \
  LZR_KIND_VARIANTS_ADD(V, I) LZR_KIND_VARIANTS_SUB(V, I) LZR_KIND_VARIANTS_MUL(V, I)         \
  LZR_KIND_VARIANTS_DIV(V, I) LZR_KIND_VARIANTS_MOD(V, I) LZR_KIND_VARIANTS_SHR(V, I)         \
  LZR_KIND_VARIANTS_SHL(V, I) LZR_KIND_VARIANTS_XOR(V, I) LZR_KIND_VARIANTS_AND(V, I)         \
  LZR_KIND_VARIANTS_OR(V, I) LZR_KIND_VARIANTS_GET(V, I) LZR_KIND_VARIANTS_DROP(V, I)         \
  LZR_KIND_VARIANTS_CONS(V, I) LZR_KIND_VARIANTS_EQ(V, I) LZR_KIND_VARIANTS_NE(V, I)          \
  LZR_KIND_VARIANTS_LT(V, I) LZR_KIND_VARIANTS_GT(V, I) LZR_KIND_VARIANTS_LTE(V, I)           \
  LZR_KIND_VARIANTS_GTE(V, I) LZR_KIND_VARIANTS_EQ_ATOM_X(V, I) LZR_KIND_VARIANTS_EQ_ATOM(V, I) \
  LZR_KIND_VARIANTS_NE_ATOM_X(V, I) LZR_KIND_VARIANTS_NE_ATOM(V, I) LZR_KIND_VARIANTS_HD_X(V, I)   \
  LZR_KIND_VARIANTS_HD(V, I) LZR_KIND_VARIANTS_TL(V, I)
#define LZR_KIND_VARIANT_AS_IOP(I, generic, kinds, name) I(name)

// Float-first forms, the asm engine's quickening (docs/asm-engine.md,
// "Float-first forms"): the routine of `from` (add .. div, lt .. gte)
// rewrites its instruction to `name` the first time it meets a float on
// either side; `name`'s routine tests for floats first, converts a small
// integer on either side, and hands everything else (two integers,
// non-numbers, non-finite results) back to `from`'s routine. The loader
// never picks them; the portable engine runs them as the generic
// instruction of their group.
//   V(I, from, kinds, name)   kinds: any, or as in the kind variants
#define LZR_FLOAT_FIRST_3(V, I, op)                                                         \
  V(I, op, any, op##_f) V(I, op##_xxx, xxx, op##_xxx_f) V(I, op##_xxy, xxy, op##_xxy_f)    \
  V(I, op##_xyx, xyx, op##_xyx_f) V(I, op##_xyy, xyy, op##_xyy_f)                         \
  V(I, op##_yxx, yxx, op##_yxx_f) V(I, op##_yxy, yxy, op##_yxy_f)                         \
  V(I, op##_yyx, yyx, op##_yyx_f) V(I, op##_yyy, yyy, op##_yyy_f)
#define LZR_FLOAT_FIRST_ADD(V, I) LZR_FLOAT_FIRST_3(V, I, add)
#define LZR_FLOAT_FIRST_SUB(V, I) LZR_FLOAT_FIRST_3(V, I, sub)
#define LZR_FLOAT_FIRST_MUL(V, I) LZR_FLOAT_FIRST_3(V, I, mul)
#define LZR_FLOAT_FIRST_DIV(V, I) V(I, div, any, div_f) V(I, div_xxx, xxx, div_xxx_f)
// The order compares (eq and ne have their own fast paths for atoms and
// identical words, and floats rarely meet there). A compare's operands
// are X or Y registers, so the loader always picks a kind variant: the
// generic form needs no float-first one.
#define LZR_FLOAT_FIRST_2(V, I, op)                                                          \
  V(I, op##_xx, xx, op##_xx_f) V(I, op##_xy, xy, op##_xy_f) V(I, op##_yx, yx, op##_yx_f) \
  V(I, op##_yy, yy, op##_yy_f)
#define LZR_FLOAT_FIRST_LT(V, I) LZR_FLOAT_FIRST_2(V, I, lt)
#define LZR_FLOAT_FIRST_GT(V, I) LZR_FLOAT_FIRST_2(V, I, gt)
#define LZR_FLOAT_FIRST_LTE(V, I) LZR_FLOAT_FIRST_2(V, I, lte)
#define LZR_FLOAT_FIRST_GTE(V, I) LZR_FLOAT_FIRST_2(V, I, gte)
#define LZR_FLOAT_FIRST(V, I)                                                                              \
  LZR_FLOAT_FIRST_ADD(V, I) LZR_FLOAT_FIRST_SUB(V, I) LZR_FLOAT_FIRST_MUL(V, I) LZR_FLOAT_FIRST_DIV(V, I) \
  LZR_FLOAT_FIRST_LT(V, I) LZR_FLOAT_FIRST_GT(V, I) LZR_FLOAT_FIRST_LTE(V, I) LZR_FLOAT_FIRST_GTE(V, I)
#define LZR_FLOAT_FIRST_AS_IOP(I, from, kinds, name) I(name)

enum class IOp : uint16_t {
#define LZR_IOP_ENUM(name) name,
  LZR_IOPS(LZR_IOP_ENUM)
#undef LZR_IOP_ENUM
};
#define LZR_IOP_COUNT_ONE(name) +1
constexpr unsigned kNumIOps = 0 LZR_IOPS(LZR_IOP_COUNT_ONE);
#undef LZR_IOP_COUNT_ONE
const char* iop_name(IOp op);

// The arities with a tupleN_x form, whose opcodes follow each other.
constexpr unsigned kMinUnrolledTuple = 2, kMaxUnrolledTuple = 8;
static_assert(static_cast<unsigned>(IOp::tuple8_x) - static_cast<unsigned>(IOp::tuple2_x) == kMaxUnrolledTuple - kMinUnrolledTuple);
constexpr IOp unrolled_tuple(unsigned arity) {
  return static_cast<IOp>(static_cast<unsigned>(IOp::tuple2_x) + arity - kMinUnrolledTuple);
}

// Arguments of a bif / gcbif: operands b, c, d (format/builtin_calls.h
// keeps every such built-in within this).
constexpr unsigned kMaxBifArgs = 3;

// Operand byte: kind << 5 | index, kind 0 = X, 1 = Y, 2 = U (upvalue).
constexpr uint8_t kOperandX = 0, kOperandY = 1, kOperandU = 2;
constexpr uint8_t operand(uint8_t kind, uint8_t index) { return static_cast<uint8_t>(kind << 5 | index); }
constexpr uint8_t operand_kind(uint8_t o) { return o >> 5; }
constexpr uint8_t operand_index(uint8_t o) { return o & 31; }
inline bool all_x(std::initializer_list<uint8_t> ops) {
  for (uint8_t o : ops)
    if (operand_kind(o) != kOperandX) return false;
  return true;
}

struct Insn;

// A select's table (translate.cpp, build_select): slot i of a jump table holds
// the target of value low + i (small integers; arities), or of the key
// keys[i] of a search (term words or arities, sorted as unsigned words).
// Values with no pair lead to `fail` (jump-table holes hold it too).
struct SelectInfo {
  const Insn* fail;         // the default
  int64_t low;              // jump table: the value of slot 0
  uint64_t count;           // slots or keys
  const uint64_t* keys;     // search: count sorted keys; jump table: nullptr
  const Insn* targets[];    // count
};

// Constructor and closure details, kept beside the code in the module.
struct CtorInfo {
  uint32_t mask;            // live X registers if this instruction collects
  uint32_t count;           // elements (tuple/list), pairs (map), upvalues (fn)
  const FunctionInfo* fn;   // fn only
  uint8_t ops[];            // operand bytes: count (or 2 * count for maps)
};

struct Insn {
  IOp op;
  uint8_t a, b, c, d;
  uint16_t pad;             // keeps the union 8-byte aligned
  // c, d and pad together (bytes 4..7) hold an int32 in the fused load_*
  // forms: the constant's value << 16 (load_div, load_mod: its value).
  union {
    Term term;               // load
    const Insn* target;      // compare-jumps, jmp, call, tcall: entry
    const FunctionInfo* fn;  // call_native, tcall_native, bif
    const CtorInfo* ctor;    // tuple, list, map, fn, gcbif
    const SelectInfo* select;  // select_jt .. arity_bs
    uint32_t mask;           // put, cons
    uint64_t reciprocal;     // div, mod right after load_div/load_mod, and
                             // div_k .. rem_k: ceil(2^64 / divisor);
                             // div_kl .. rem_kl: ceil(2^(64+s) / divisor)
    int64_t constant;        // add_xk, sub_xk: K << 16; mul_xk: K
  } u;
};
static_assert(sizeof(Insn) == 16, "Insn is two words");
inline void set_fused_imm(Insn& in, int32_t v) { std::memcpy(&in.c, &v, sizeof v); }
// div_k .. rem_k: the divisor (below 2^24) in bytes 5..7, d and pad.
inline void set_known_divisor(Insn& in, uint32_t d) {
  in.d = static_cast<uint8_t>(d);
  in.pad = static_cast<uint16_t>(d >> 8);
}
static_assert(offsetof(Insn, u) == 8);
// is_tuple_of .. isnt_function_of: the arity in bytes 4..7.
inline void set_insn_arity(Insn& in, uint32_t arity) { std::memcpy(&in.c, &arity, sizeof arity); }
// wait: the X registers defined there (the ones a waiting process keeps,
// docs/processes.md) in bytes 4..7.
inline void set_wait_keeps(Insn& in, uint32_t mask) { std::memcpy(&in.c, &mask, sizeof mask); }
inline uint32_t wait_keeps(const Insn& in) {
  uint32_t mask;
  std::memcpy(&mask, &in.c, sizeof mask);
  return mask;
}
inline uint32_t insn_arity(const Insn& in) {
  uint32_t arity;
  std::memcpy(&arity, &in.c, sizeof arity);
  return arity;
}

}  // namespace lzr

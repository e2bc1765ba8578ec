// Compare-and-jump. Small integers compare as their payloads shifted left by
// 16 (signed); two floats, or a float and a small integer, compare with
// ucomisd (the VM has no NaN, so "unordered" never happens). eq/ne also
// decide without a call when the words are identical or either side is an
// atom or nil (interned: equal only if identical). Everything else asks
// compare_holds(), the reference.
#include "emitter.h"
#include "engine/semantics.h"
#include "helpers.h"

namespace lzr::asm_engine {

using asmjit::imm;
using asmjit::Label;

namespace {

void jump_if(x86::Assembler& a, CmpOp op, bool is_signed, Label target) {
  switch (op) {
    case CmpOp::Eq: a.je(target); break;
    case CmpOp::Ne: a.jne(target); break;
    case CmpOp::Lt: is_signed ? a.jl(target) : a.jb(target); break;
    case CmpOp::Gt: is_signed ? a.jg(target) : a.ja(target); break;
    case CmpOp::Lte: is_signed ? a.jle(target) : a.jbe(target); break;
    case CmpOp::Gte: is_signed ? a.jge(target) : a.jae(target); break;
  }
}

// Jumps to `target` if `t` is an atom or a special constant (nil): their
// tags 0xFFFA and 0xFFFB are the two with the top 15 bits 0x7FFD.
void jump_if_interned(x86::Assembler& a, x86::Gp t, Label target) {
  static_assert((kAtomTag16 >> 1) == ((kAtomTag16 + 1) >> 1) && (kAtomTag16 & 1) == 0);
  a.mov(x86::rcx, t);
  a.shr(x86::rcx, kTagShift + 1);
  a.cmp(x86::ecx, kAtomTag16 >> 1);
  a.je(target);
}

// Compares small integers r10, r11 (anything else: `not_int`) and jumps to
// `taken` if the comparison holds. Clobbers rax, rcx, rdx, rsi.
void int_compare(Emitter& e, CmpOp op, Label taken, Label not_int) {
  x86::Assembler& a = e.a;
  e.jump_unless_ints(x86::r10, x86::r11, x86::rcx, x86::rdx, not_int);
  if (op == CmpOp::Eq || op == CmpOp::Ne) {
    a.cmp(x86::r10, x86::r11);  // ints are canonical: equal iff identical
  } else {
    e.rotate_tag_low(x86::rax, x86::r10);  // equal tags below: compares the payloads
    e.rotate_tag_low(x86::rsi, x86::r11);
    a.cmp(x86::rax, x86::rsi);
  }
  jump_if(a, op, true, taken);
}

void emit_compare_op(Emitter& e, IOp iop, CmpOp op, Emitter::Kinds kinds) {
  x86::Assembler& a = e.a;
  Label taken = a.newLabel(), not_int = a.newLabel(), slow = a.newLabel();
  const bool equality = op == CmpOp::Eq || op == CmpOp::Ne;
  e.begin(iop);
  e.load_pair(kinds.a, kInsnA, kinds.b, kInsnB);
  int_compare(e, op, taken, not_int);
  e.next();
  a.bind(taken);
  e.jump_to_target();

  e.cold([&e, iop, op, equality, taken, not_int, slow] {
    x86::Assembler& a = e.a;
    Label fails = a.newLabel();
    a.bind(not_int);
    if (equality) {
      Label differ = op == CmpOp::Ne ? taken : fails;
      a.cmp(x86::r10, x86::r11);
      a.je(op == CmpOp::Eq ? taken : fails);
      jump_if_interned(a, x86::r11, differ);  // the right operand is more often the constant
      jump_if_interned(a, x86::r10, differ);
    }
    // Two numbers, one a float at least: compared as doubles, exactly as
    // compare_numbers does (48-bit integers convert exactly; -0.0 == 0).
    e.quicken_on_float(iop);
    e.load_numbers(slow);
    a.ucomisd(x86::xmm0, x86::xmm1);
    jump_if(a, op, false, taken);
    a.bind(fails);
    e.next();
    a.bind(slow);
    if (equality) {  // deep equality, without compare_holds' dispatch on the operator
      Label walk = a.newLabel();
      e.tuples_equal(op == CmpOp::Eq ? taken : fails, op == CmpOp::Eq ? fails : taken, walk, false);
      a.bind(walk);
      a.mov(x86::rdi, x86::r10);
      a.mov(x86::rsi, x86::r11);
      e.call(&h_equal);
      a.test(x86::eax, x86::eax);
      if (op == CmpOp::Eq) {
        a.jnz(taken);
      } else {
        a.jz(taken);
      }
      e.next();
      return;
    }
    // The order compares: term order (compare(); numbers never get here
    // but big integers, which it orders by value too), then the operator
    // on its sign, so no helper dispatches on the operator again.
    a.mov(x86::rdi, x86::r10);
    a.mov(x86::rsi, x86::r11);
    e.call(&h_order);
    a.test(x86::rax, x86::rax);
    switch (op) {
      case CmpOp::Lt: a.jl(taken); break;
      case CmpOp::Gt: a.jg(taken); break;
      case CmpOp::Lte: a.jle(taken); break;
      default: a.jge(taken); break;
    }
    e.next();
  });
}

// A float-first form (insn.h) of the compare `from`: two floats, or a
// float and a small integer, compared by ucomisd; anything else runs
// `from`'s routine on the same instruction.
void emit_float_first_compare(Emitter& e, IOp iop, IOp from, CmpOp op, Emitter::Kinds kinds) {
  x86::Assembler& a = e.a;
  Label taken = a.newLabel(), generic = a.newLabel();
  e.begin(iop);
  e.float_first_operands(kinds.a, kInsnA, kinds.b, kInsnB, generic,
                         [&e](const asmjit::Operand& right) { e.a.emit(x86::Inst::kIdUcomisd, x86::xmm0, right); });
  jump_if(a, op, false, taken);  // no NaN terms: never unordered
  e.next();
  a.bind(taken);
  e.jump_to_target();
  e.cold([&e, generic, from] {
    e.a.bind(generic);
    e.a.jmp(e.op_labels[static_cast<unsigned>(from)]);
  });
}

// eq_atom / ne_atom (known_operands.cpp): b holds an atom or nil, which
// equals only itself: one compare of the words.
void emit_compare_atom(Emitter& e, IOp iop, CmpOp op, Emitter::Kinds kinds) {
  x86::Assembler& a = e.a;
  Label taken = a.newLabel();
  e.begin(iop);
  e.load_pair(kinds.a, kInsnA, kinds.b, kInsnB);
  a.cmp(x86::r10, x86::r11);
  jump_if(a, op, true, taken);
  e.next();
  a.bind(taken);
  e.jump_to_target();
}

// load_eq .. load_gte: X[a] = integer constant (u), then the next
// instruction (compare X[a'] with X[a], jump to its target) when X[a'] is a
// small integer; otherwise the next instruction runs on its own.
void emit_fused_compare(Emitter& e, IOp iop, CmpOp op) {
  x86::Assembler& a = e.a;
  Label plain = a.newLabel(), taken = a.newLabel();
  e.begin(iop);
  e.fused_load();
  a.movzx(x86::ecx, e.insn_byte(kInsnSize + kInsnA));
  a.mov(x86::r10, e.x_slot(x86::rcx));  // read after the load: a' may be a
  e.jump_unless_int(x86::r10, x86::rax, plain);
  if (op == CmpOp::Eq || op == CmpOp::Ne) {
    a.cmp(x86::r10, x86::r11);
  } else {
    a.mov(x86::rax, x86::r10);
    a.shl(x86::rax, 64 - kTagShift);
    a.movsxd(x86::rsi, e.insn_imm());
    a.cmp(x86::rax, x86::rsi);
  }
  jump_if(a, op, true, taken);
  e.next(2);
  a.bind(taken);
  a.mov(x86::rax, x86::qword_ptr(kPc, kInsnSize + kInsnU));  // the pair's compare jumps
  e.jump_counted(x86::rax, 1);
  e.cold([&e, plain] {
    e.a.bind(plain);
    e.next();
  });
}

// load_eqa / load_nea: X[a] = an atom or [] (u), then the next
// instruction's compare of it with operand b (any kind), decided by word
// equality whatever b holds; the jump is the next instruction's.
void emit_fused_atom_compare(Emitter& e, IOp iop, bool equal) {
  x86::Assembler& a = e.a;
  Label taken = a.newLabel();
  e.begin(iop);
  a.mov(x86::r11, e.insn_u());
  e.store_x(kInsnA, x86::r11);
  e.load_operand(x86::r10, kInsnB);  // never register a (fusion.cpp)
  a.cmp(x86::r10, x86::r11);
  if (equal) {
    a.je(taken);
  } else {
    a.jne(taken);
  }
  e.next(2);
  a.bind(taken);
  a.mov(x86::rax, x86::qword_ptr(kPc, kInsnSize + kInsnU));  // the pair's compare jumps
  e.jump_counted(x86::rax, 1);
}

// loop_eq .. loop_gte: a self tail call of a frame-0 function (its frame
// stays as it is, see portable.cpp), then the function's first instruction,
// an X-only compare, run here when both operands are small integers.
void emit_loop(Emitter& e, IOp iop, CmpOp op) {
  x86::Assembler& a = e.a;
  Label taken = a.newLabel(), not_int = a.newLabel();
  e.begin(iop);
  e.reduce();
  a.mov(kPc, e.insn_u());  // the head compare
  e.load_x(x86::r10, kInsnA);
  e.load_x(x86::r11, kInsnB);
  int_compare(e, op, taken, not_int);
  e.next();
  a.bind(taken);
  e.jump_to_target();
  e.cold([&e, not_int] {
    e.a.bind(not_int);
    e.dispatch();  // the head compare, on its own
  });
}

// step_eq .. step_gte at k (fusion.cpp, fuse_loop_steps): the constant
// load into X[a] (u; dead at the back edge, so not stored here), k + 1:
// X[i] = X[i] + c (bytes 4..7: +-c << 16; a subtraction adds -c), k + 2:
// the loop_ back edge, whose head compare is "X[i] <op> X[b]". When both
// are small integers and the step does not overflow, all three run here
// with the new X[i] compared while still in a register. Otherwise the load
// is stored and the add runs on its own, so every error and every
// non-integer case runs exactly as without the fusion.
void emit_step(Emitter& e, IOp iop, CmpOp op) {
  x86::Assembler& a = e.a;
  Label plain = a.newLabel(), taken = a.newLabel();
  e.begin(iop);
  e.reduce();  // the back edge (its loop_ counts again when run on its own)
  e.load_x(x86::r11, kInsnB);  // the other operand of the head compare
  a.movzx(x86::ecx, e.insn_byte(kInsnSize + kInsnA));  // i
  a.mov(x86::r10, e.x_slot(x86::rcx));
  e.jump_unless_ints(x86::r10, x86::r11, x86::rax, x86::rdx, plain);  // keeps rcx
  e.rotate_tag_low(x86::rax, x86::r10);
  a.movsxd(x86::rsi, e.insn_imm());
  a.add(x86::rax, x86::rsi);
  a.jo(plain);
  a.mov(x86::rdx, x86::rax);
  a.ror(x86::rdx, 16);
  a.mov(e.x_slot(x86::rcx), x86::rdx);
  e.rotate_tag_low(x86::rsi, x86::r11);  // equal tags: compares the payloads
  a.mov(kPc, x86::qword_ptr(kPc, 2 * kInsnSize + kInsnU));  // the loop's head compare
  a.cmp(x86::rax, x86::rsi);
  jump_if(a, op, true, taken);
  e.next();
  a.bind(taken);
  e.jump_to_target();
  e.cold([&e, plain] {
    x86::Assembler& a = e.a;
    a.bind(plain);
    e.fused_load();
    e.next();                             // then the add on its own
  });
}

// addk_<cmp> / subk_<cmp> (fusion.cpp, fuse_pairs): at k, X[a] = X[b] +- K
// (add_xk / sub_xk, u = K << 16); at k + 1, an X-only compare of X[a] with
// X[d], named here as "X[a] <cmp> X[d]". Both run here while the sum is in
// a register; a b that is no small integer, and overflow, run k's generic
// routine, and an X[d] that is no small integer runs the compare alone
// after the store.
void emit_step_compare(Emitter& e, IOp iop, bool subtract, CmpOp op) {
  x86::Assembler& a = e.a;
  Label plain = a.newLabel(), compare_alone = a.newLabel(), taken = a.newLabel();
  e.begin(iop);
  e.load_x(x86::r10, kInsnB);
  e.jump_unless_int(x86::r10, x86::rax, plain);
  e.rotate_tag_low(x86::rax, x86::r10);  // payload << 16 | tag
  if (subtract) a.sub(x86::rax, e.insn_u());
  else a.add(x86::rax, e.insn_u());
  a.jo(plain);
  a.mov(x86::rdx, x86::rax);
  a.ror(x86::rdx, 16);
  e.store_x(kInsnA, x86::rdx);
  e.load_x(x86::r11, kInsnD);
  e.jump_unless_int(x86::r11, x86::rcx, compare_alone);
  e.rotate_tag_low(x86::rsi, x86::r11);  // equal tags: compares the payloads
  a.cmp(x86::rax, x86::rsi);
  jump_if(a, op, true, taken);
  e.next(2);
  a.bind(taken);
  a.mov(x86::rax, x86::qword_ptr(kPc, kInsnSize + kInsnU));  // the pair's compare jumps
  e.jump_counted(x86::rax, 1);
  e.cold([&e, plain, compare_alone, subtract] {
    x86::Assembler& a = e.a;
    a.bind(compare_alone);
    e.next();
    a.bind(plain);
    a.jmp(e.op_labels[static_cast<unsigned>(subtract ? IOp::sub_xxx : IOp::add_xxx)]);
  });
}

}  // namespace

void emit_compare(Emitter& e) {
  const Emitter::Kinds any = Emitter::kAnyKinds, x = Emitter::kAllX;
  emit_compare_op(e, IOp::eq, CmpOp::Eq, any);
  emit_compare_op(e, IOp::ne, CmpOp::Ne, any);
  emit_compare_op(e, IOp::lt, CmpOp::Lt, any);
  emit_compare_op(e, IOp::gt, CmpOp::Gt, any);
  emit_compare_op(e, IOp::lte, CmpOp::Lte, any);
  emit_compare_op(e, IOp::gte, CmpOp::Gte, any);
  emit_compare_op(e, IOp::eq_xx, CmpOp::Eq, x);
  emit_compare_op(e, IOp::ne_xx, CmpOp::Ne, x);
  emit_compare_op(e, IOp::lt_xx, CmpOp::Lt, x);
  emit_compare_op(e, IOp::gt_xx, CmpOp::Gt, x);
  emit_compare_op(e, IOp::lte_xx, CmpOp::Lte, x);
  emit_compare_op(e, IOp::gte_xx, CmpOp::Gte, x);
  // Operand-kind variants (insn.h).
#define LZR_EMIT_VARIANT(I, generic, kinds, name) \
  emit_compare_op(e, IOp::name, CmpOp::I, Emitter::kinds_named(#kinds));
  LZR_KIND_VARIANTS_EQ(LZR_EMIT_VARIANT, Eq)
  LZR_KIND_VARIANTS_NE(LZR_EMIT_VARIANT, Ne)
  LZR_KIND_VARIANTS_LT(LZR_EMIT_VARIANT, Lt)
  LZR_KIND_VARIANTS_GT(LZR_EMIT_VARIANT, Gt)
  LZR_KIND_VARIANTS_LTE(LZR_EMIT_VARIANT, Lte)
  LZR_KIND_VARIANTS_GTE(LZR_EMIT_VARIANT, Gte)
#undef LZR_EMIT_VARIANT
  emit_fused_compare(e, IOp::load_eq, CmpOp::Eq);
  emit_fused_compare(e, IOp::load_ne, CmpOp::Ne);
  emit_fused_compare(e, IOp::load_lt, CmpOp::Lt);
  emit_fused_compare(e, IOp::load_gt, CmpOp::Gt);
  emit_fused_compare(e, IOp::load_lte, CmpOp::Lte);
  emit_fused_compare(e, IOp::load_gte, CmpOp::Gte);
  emit_fused_atom_compare(e, IOp::load_eqa, true);
  emit_fused_atom_compare(e, IOp::load_nea, false);
  emit_loop(e, IOp::loop_eq, CmpOp::Eq);
  emit_loop(e, IOp::loop_ne, CmpOp::Ne);
  emit_loop(e, IOp::loop_lt, CmpOp::Lt);
  emit_loop(e, IOp::loop_gt, CmpOp::Gt);
  emit_loop(e, IOp::loop_lte, CmpOp::Lte);
  emit_loop(e, IOp::loop_gte, CmpOp::Gte);
  emit_step(e, IOp::step_eq, CmpOp::Eq);
  emit_step(e, IOp::step_ne, CmpOp::Ne);
  emit_step(e, IOp::step_lt, CmpOp::Lt);
  emit_step(e, IOp::step_gt, CmpOp::Gt);
  emit_step(e, IOp::step_lte, CmpOp::Lte);
  emit_step(e, IOp::step_gte, CmpOp::Gte);
  const CmpOp compares[] = {CmpOp::Eq, CmpOp::Ne, CmpOp::Lt, CmpOp::Gt, CmpOp::Lte, CmpOp::Gte};
  for (unsigned i = 0; i < 6; ++i) {
    emit_step_compare(e, static_cast<IOp>(static_cast<unsigned>(IOp::addk_eq) + i), false, compares[i]);
    emit_step_compare(e, static_cast<IOp>(static_cast<unsigned>(IOp::subk_eq) + i), true, compares[i]);
  }
  emit_compare_atom(e, IOp::eq_atom, CmpOp::Eq, any);
  emit_compare_atom(e, IOp::ne_atom, CmpOp::Ne, any);
#define LZR_EMIT_VARIANT(I, generic, kinds, name) \
  emit_compare_atom(e, IOp::name, CmpOp::I, Emitter::kinds_named(#kinds));
  LZR_KIND_VARIANTS_EQ_ATOM_X(LZR_EMIT_VARIANT, Eq)
  LZR_KIND_VARIANTS_EQ_ATOM(LZR_EMIT_VARIANT, Eq)
  LZR_KIND_VARIANTS_NE_ATOM_X(LZR_EMIT_VARIANT, Ne)
  LZR_KIND_VARIANTS_NE_ATOM(LZR_EMIT_VARIANT, Ne)
#undef LZR_EMIT_VARIANT
}

void emit_float_first_compares(Emitter& e) {
#define LZR_EMIT_FLOAT_FIRST(I, from, kinds, name) \
  emit_float_first_compare(e, IOp::name, IOp::from, CmpOp::I, Emitter::kinds_named(#kinds));
  LZR_FLOAT_FIRST_LT(LZR_EMIT_FLOAT_FIRST, Lt)
  LZR_FLOAT_FIRST_GT(LZR_EMIT_FLOAT_FIRST, Gt)
  LZR_FLOAT_FIRST_LTE(LZR_EMIT_FLOAT_FIRST, Lte)
  LZR_FLOAT_FIRST_GTE(LZR_EMIT_FLOAT_FIRST, Gte)
#undef LZR_EMIT_FLOAT_FIRST
}

}  // namespace lzr::asm_engine

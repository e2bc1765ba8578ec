// Compare-and-jump. Small integers compare as their payloads shifted left by
// 16 (signed); two floats compare with ucomisd (the VM has no NaN, so
// "unordered" never happens). eq/ne also decide without a call when the
// words are identical or either side is an atom or nil (interned: equal only
// if identical). Everything else asks compare_holds(), the reference.
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

// Jumps to `target` if `t` is an atom or a special constant (nil).
void jump_if_interned(x86::Assembler& a, x86::Gp t, Label target) {
  a.mov(x86::rcx, t);
  a.shr(x86::rcx, kTagShift);
  a.sub(x86::ecx, kAtomTag16);
  a.cmp(x86::ecx, 1);
  a.jbe(target);
}

void emit_compare_op(Emitter& e, IOp iop, CmpOp op, bool x_only) {
  x86::Assembler& a = e.a;
  Label taken = a.newLabel(), not_int = a.newLabel(), slow = a.newLabel();
  const bool equality = op == CmpOp::Eq || op == CmpOp::Ne;
  e.begin(iop);
  if (x_only) {
    // Tags tested in memory, operands read straight from their slots.
    Label reload = a.newLabel();
    a.movzx(x86::ecx, e.insn_byte(kInsnA));
    a.movzx(x86::edx, e.insn_byte(kInsnB));
    e.jump_unless_int_slot(x86::rcx, reload);
    e.jump_unless_int_slot(x86::rdx, reload);
    a.mov(x86::rax, e.x_slot(x86::rcx));
    if (equality) {
      a.cmp(x86::rax, e.x_slot(x86::rdx));  // ints are canonical: equal iff identical
    } else {
      a.shl(x86::rax, 64 - kTagShift);
      a.mov(x86::rsi, e.x_slot(x86::rdx));
      a.shl(x86::rsi, 64 - kTagShift);
      a.cmp(x86::rax, x86::rsi);
    }
    e.cold([&e, reload, not_int] {
      e.a.bind(reload);
      e.load_x(x86::r10, kInsnA);
      e.load_x(x86::r11, kInsnB);
      e.a.jmp(not_int);
    });
  } else {
    e.load_operand(x86::r10, kInsnA);
    e.load_operand(x86::r11, kInsnB);
    e.jump_unless_ints(x86::r10, x86::r11, x86::rcx, x86::rdx, not_int);
    if (equality) {
      a.cmp(x86::r10, x86::r11);
    } else {
      a.mov(x86::rax, x86::r10);
      a.shl(x86::rax, 64 - kTagShift);
      a.mov(x86::rsi, x86::r11);
      a.shl(x86::rsi, 64 - kTagShift);
      a.cmp(x86::rax, x86::rsi);
    }
  }
  jump_if(a, op, true, taken);
  e.next();
  a.bind(taken);
  a.mov(kPc, e.insn_u());
  e.dispatch();

  e.cold([&e, op, equality, taken, not_int, slow] {
    x86::Assembler& a = e.a;
    Label fails = a.newLabel();
    a.bind(not_int);
    if (equality) {
      Label differ = op == CmpOp::Ne ? taken : fails;
      a.cmp(x86::r10, x86::r11);
      a.je(op == CmpOp::Eq ? taken : fails);
      jump_if_interned(a, x86::r10, differ);
      jump_if_interned(a, x86::r11, differ);
    }
    // Two floats?
    a.mov(x86::rcx, imm(kTagInt));
    a.cmp(x86::r10, x86::rcx);
    a.jae(slow);
    a.cmp(x86::r11, x86::rcx);
    a.jae(slow);
    a.movq(x86::xmm0, x86::r10);
    a.movq(x86::xmm1, x86::r11);
    a.ucomisd(x86::xmm0, x86::xmm1);
    jump_if(a, op, false, taken);
    a.bind(fails);
    e.next();
    a.bind(slow);
    a.mov(x86::edi, static_cast<uint32_t>(op));
    a.mov(x86::rsi, x86::r10);
    a.mov(x86::rdx, x86::r11);
    e.call(&h_compare);
    a.test(x86::eax, x86::eax);
    a.jnz(taken);
    e.next();
  });
}

// load_eq .. load_gte: X[a] = integer constant (u), then the next
// instruction (compare X[a'] with X[a], jump to its target) when X[a'] is a
// small integer; otherwise the next instruction runs on its own.
void emit_fused_compare(Emitter& e, IOp iop, CmpOp op) {
  x86::Assembler& a = e.a;
  Label plain = a.newLabel(), taken = a.newLabel();
  e.begin(iop);
  a.movzx(x86::ecx, e.insn_byte(kInsnA));
  a.mov(x86::r11, e.insn_u());
  a.mov(e.x_slot(x86::rcx), x86::r11);  // the load
  a.movzx(x86::ecx, e.insn_byte(kInsnSize + kInsnA));
  e.jump_unless_int_slot(x86::rcx, plain);  // read after the load: a' may be a
  if (op == CmpOp::Eq || op == CmpOp::Ne) {
    a.cmp(e.x_slot(x86::rcx), x86::r11);
  } else {
    a.mov(x86::rax, e.x_slot(x86::rcx));
    a.shl(x86::rax, 64 - kTagShift);
    a.mov(x86::rsi, x86::r11);
    a.shl(x86::rsi, 64 - kTagShift);
    a.cmp(x86::rax, x86::rsi);
  }
  jump_if(a, op, true, taken);
  e.next(2);
  a.bind(taken);
  a.mov(kPc, x86::qword_ptr(kPc, kInsnSize + kInsnU));
  e.dispatch();
  e.cold([&e, plain] {
    e.a.bind(plain);
    e.next();
  });
}

}  // namespace

void emit_compare(Emitter& e) {
  emit_compare_op(e, IOp::eq, CmpOp::Eq, false);
  emit_compare_op(e, IOp::ne, CmpOp::Ne, false);
  emit_compare_op(e, IOp::lt, CmpOp::Lt, false);
  emit_compare_op(e, IOp::gt, CmpOp::Gt, false);
  emit_compare_op(e, IOp::lte, CmpOp::Lte, false);
  emit_compare_op(e, IOp::gte, CmpOp::Gte, false);
  emit_compare_op(e, IOp::eq_xx, CmpOp::Eq, true);
  emit_compare_op(e, IOp::ne_xx, CmpOp::Ne, true);
  emit_compare_op(e, IOp::lt_xx, CmpOp::Lt, true);
  emit_compare_op(e, IOp::gt_xx, CmpOp::Gt, true);
  emit_compare_op(e, IOp::lte_xx, CmpOp::Lte, true);
  emit_compare_op(e, IOp::gte_xx, CmpOp::Gte, true);
  emit_fused_compare(e, IOp::load_eq, CmpOp::Eq);
  emit_fused_compare(e, IOp::load_ne, CmpOp::Ne);
  emit_fused_compare(e, IOp::load_lt, CmpOp::Lt);
  emit_fused_compare(e, IOp::load_gt, CmpOp::Gt);
  emit_fused_compare(e, IOp::load_lte, CmpOp::Lte);
  emit_fused_compare(e, IOp::load_gte, CmpOp::Gte);
}

}  // namespace lzr::asm_engine

// Arithmetic and bitwise instructions.
//
// Small integers are tagged 0xFFF9 in the top 16 bits with a 48-bit payload.
// Shifting a payload left by 16 puts its sign in bit 63, so a 64-bit
// add/sub/imul of shifted operands overflows (jo) exactly when the 48-bit
// result would. The result is re-tagged by filling the (zero) low 16 bits
// with the tag and rotating it to the top.
//
// Fast paths: small-int add/sub/mul/div/mod/and/or/xor and float
// add/sub/mul/div. Everything else (mixed int/float, booleans, shifts,
// overflow, errors) goes to arith(), the reference definition.
#include "emitter.h"
#include "engine/semantics.h"
#include "helpers.h"

namespace lzr::asm_engine {

using asmjit::imm;
using asmjit::Label;

namespace {

// rax = tagged small integer from a payload shifted left by 16.
void retag_shifted(x86::Assembler& a) {
  a.or_(x86::rax, kIntTag16);
  a.ror(x86::rax, 16);
}

// Sign-extends the 48-bit value in `r` to 64 bits.
void sign_extend(x86::Assembler& a, x86::Gp r) {
  a.shl(r, 64 - kTagShift);
  a.sar(r, 64 - kTagShift);
}

// Integer fast path: operands r10, r11 are small ints with payloads rcx,
// rdx; result in rax, or a jump to `slow` (r10, r11 intact).
void int_op(Emitter& e, ArithOp op, Label slow) {
  x86::Assembler& a = e.a;
  switch (op) {
    case ArithOp::Add: case ArithOp::Sub:
      a.mov(x86::rax, x86::rcx);
      a.shl(x86::rax, 64 - kTagShift);
      a.shl(x86::rdx, 64 - kTagShift);
      if (op == ArithOp::Add) a.add(x86::rax, x86::rdx);
      else a.sub(x86::rax, x86::rdx);
      a.jo(slow);
      retag_shifted(a);
      break;
    case ArithOp::Mul:
      a.mov(x86::rax, x86::rcx);
      a.shl(x86::rax, 64 - kTagShift);
      sign_extend(a, x86::rdx);
      a.imul(x86::rax, x86::rdx);
      a.jo(slow);
      retag_shifted(a);
      break;
    case ArithOp::Div: case ArithOp::Mod: {
      // Floored: the truncated quotient/remainder adjusted when the
      // remainder is non-zero and its sign differs from the divisor's.
      Label exact = a.newLabel();
      a.mov(x86::rsi, x86::rdx);
      sign_extend(a, x86::rsi);
      a.test(x86::rsi, x86::rsi);
      a.jz(slow);  // badarith
      a.mov(x86::rax, x86::rcx);
      sign_extend(a, x86::rax);
      a.cqo();
      a.idiv(x86::rsi);  // rax = quotient, rdx = remainder; no -2^63 / -1 with 48-bit values
      a.test(x86::rdx, x86::rdx);
      a.jz(exact);
      a.mov(x86::rcx, x86::rdx);
      a.xor_(x86::rcx, x86::rsi);
      a.jns(exact);
      if (op == ArithOp::Div) a.dec(x86::rax);
      else a.add(x86::rdx, x86::rsi);
      a.bind(exact);
      if (op == ArithOp::Mod) {
        a.mov(x86::rax, x86::rdx);  // |remainder| < |divisor|: always fits
      } else {
        a.mov(x86::rcx, x86::rax);  // -2^47 div -1 does not fit
        sign_extend(a, x86::rcx);
        a.cmp(x86::rcx, x86::rax);
        a.jne(slow);
      }
      a.shl(x86::rax, 64 - kTagShift);
      retag_shifted(a);
      break;
    }
    case ArithOp::And:
      a.mov(x86::rax, x86::r10);
      a.and_(x86::rax, x86::r11);  // tags and payloads alike
      break;
    case ArithOp::Or:
      a.mov(x86::rax, x86::r10);
      a.or_(x86::rax, x86::r11);
      break;
    case ArithOp::Xor:
      a.mov(x86::rax, x86::r10);
      a.xor_(x86::rax, x86::r11);  // the tags cancel
      a.shl(x86::rax, 64 - kTagShift);
      retag_shifted(a);
      break;
    default:
      a.jmp(slow);  // shifts: rare, and their count rules live in arith()
      break;
  }
}

bool has_float_path(ArithOp op) {
  return op == ArithOp::Add || op == ArithOp::Sub || op == ArithOp::Mul || op == ArithOp::Div;
}

// Float fast path: both operands floats (t < 0xFFF9 << 48, unsigned); a
// non-finite result (overflow, division by zero) goes to `slow`, where
// arith() raises badarith.
void float_op(Emitter& e, ArithOp op, Label slow) {
  x86::Assembler& a = e.a;
  a.mov(x86::rcx, imm(kTagInt));
  a.cmp(x86::r10, x86::rcx);
  a.jae(slow);
  a.cmp(x86::r11, x86::rcx);
  a.jae(slow);
  a.movq(x86::xmm0, x86::r10);
  a.movq(x86::xmm1, x86::r11);
  switch (op) {
    case ArithOp::Add: a.addsd(x86::xmm0, x86::xmm1); break;
    case ArithOp::Sub: a.subsd(x86::xmm0, x86::xmm1); break;
    case ArithOp::Mul: a.mulsd(x86::xmm0, x86::xmm1); break;
    default: a.divsd(x86::xmm0, x86::xmm1); break;
  }
  a.movq(x86::rax, x86::xmm0);
  a.lea(x86::rcx, x86::ptr(x86::rax, x86::rax));  // drop the sign
  a.mov(x86::rdx, imm(kNonFiniteShifted));
  a.cmp(x86::rcx, x86::rdx);
  a.jae(slow);
}

void emit_binary(Emitter& e, IOp iop, ArithOp op, bool x_only) {
  x86::Assembler& a = e.a;
  Label not_int = a.newLabel(), slow = a.newLabel();
  auto store = [&e, x_only] {
    if (x_only) e.store_x(kInsnA, x86::rax);
    else e.store_operand(kInsnA, x86::rax);
    e.next();
  };
  e.begin(iop);
  if (x_only) {
    e.load_x(x86::r10, kInsnB);
    e.load_x(x86::r11, kInsnC);
  } else {
    e.load_operand(x86::r10, kInsnB);
    e.load_operand(x86::r11, kInsnC);
  }
  e.untag_ints(x86::r10, x86::rcx, x86::r11, x86::rdx, x86::rax, not_int);
  int_op(e, op, slow);
  store();
  e.cold([&e, op, not_int, slow, store] {
    x86::Assembler& a = e.a;
    a.bind(not_int);
    if (has_float_path(op)) {
      float_op(e, op, slow);
      store();
    }
    a.bind(slow);
    a.mov(x86::rdi, kProc);
    a.mov(x86::esi, static_cast<uint32_t>(op));
    a.mov(x86::rdx, x86::r10);
    a.mov(x86::rcx, x86::r11);
    e.call(&h_arith);
    e.check_raised(x86::rax);
    store();
  });
}

// load_add .. load_mod: X[a] = constant (u), then the next instruction
// (X[a'] = X[b'] op X[a], an integer op the loader checked) when its fast
// path applies; otherwise the next instruction runs on its own.
void emit_fused_binary(Emitter& e, IOp iop, ArithOp op) {
  x86::Assembler& a = e.a;
  Label plain = a.newLabel();
  e.begin(iop);
  a.movzx(x86::ecx, e.insn_byte(kInsnA));
  a.mov(x86::r11, e.insn_u());
  a.mov(e.x_slot(x86::rcx), x86::r11);  // the load
  a.movzx(x86::ecx, e.insn_byte(kInsnSize + kInsnB));
  a.mov(x86::r10, e.x_slot(x86::rcx));   // read after the load: b' may be a
  e.untag_int(x86::r10, x86::rcx, x86::rax, plain);
  a.lea(x86::rdx, x86::ptr(x86::r11, kIntBias));  // the constant's payload
  int_op(e, op, plain);
  a.movzx(x86::ecx, e.insn_byte(kInsnSize + kInsnA));
  a.mov(e.x_slot(x86::rcx), x86::rax);
  e.next(2);
  e.cold([&e, plain] {
    e.a.bind(plain);
    e.next();
  });
}

// a = f(b) through a helper taking (Process*, Term) that may raise.
template <typename F>
void emit_unary_helper(Emitter& e, IOp iop, F* helper) {
  e.begin(iop);
  e.load_operand(x86::rsi, kInsnB);
  e.a.mov(x86::rdi, kProc);
  e.call(helper);
  e.check_raised(x86::rax);
  e.store_operand(kInsnA, x86::rax);
  e.next();
}

}  // namespace

void emit_arith(Emitter& e) {
  emit_binary(e, IOp::add, ArithOp::Add, false);
  emit_binary(e, IOp::sub, ArithOp::Sub, false);
  emit_binary(e, IOp::mul, ArithOp::Mul, false);
  emit_binary(e, IOp::div, ArithOp::Div, false);
  emit_binary(e, IOp::mod, ArithOp::Mod, false);
  emit_binary(e, IOp::shr, ArithOp::Shr, false);
  emit_binary(e, IOp::shl, ArithOp::Shl, false);
  emit_binary(e, IOp::xor_, ArithOp::Xor, false);
  emit_binary(e, IOp::and_, ArithOp::And, false);
  emit_binary(e, IOp::or_, ArithOp::Or, false);
  emit_binary(e, IOp::add_xxx, ArithOp::Add, true);
  emit_binary(e, IOp::sub_xxx, ArithOp::Sub, true);
  emit_binary(e, IOp::mul_xxx, ArithOp::Mul, true);
  emit_fused_binary(e, IOp::load_add, ArithOp::Add);
  emit_fused_binary(e, IOp::load_sub, ArithOp::Sub);
  emit_fused_binary(e, IOp::load_mul, ArithOp::Mul);
  emit_fused_binary(e, IOp::load_div, ArithOp::Div);
  emit_fused_binary(e, IOp::load_mod, ArithOp::Mod);
  emit_unary_helper(e, IOp::not_, &h_not);
  emit_unary_helper(e, IOp::neg, &h_neg);
}

}  // namespace lzr::asm_engine

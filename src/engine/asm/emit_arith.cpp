// Arithmetic and bitwise instructions.
//
// Small integers are tagged 0xFFF9 in the top 16 bits with a 48-bit payload.
// Shifting a payload left by 16 puts its sign in bit 63, so a 64-bit
// add/sub/imul of shifted operands overflows (jo) exactly when the 48-bit
// result would. Rotating (rather than shifting) the left operand keeps the
// tag in the low 16 bits, where adding or subtracting the shifted right
// operand (low bits zero) leaves it; one rotation back re-tags the result.
//
// Fast paths: small-int add/sub/mul/div/mod/and/or/xor/shl/shr, float and
// mixed integer/float add/sub/mul/div, neg and not. Everything else (big
// integers, booleans, float mod, overflow into a big result, errors) goes
// to arith(), the reference definition, and then to a safe point keeping
// every X register, since arith() may allocate.
#include <functional>

#include "emitter.h"
#include "engine/semantics.h"
#include "helpers.h"
#include "vm/atoms.h"

namespace lzr::asm_engine {

using asmjit::imm;
using asmjit::Label;
using asmjit::Operand;

namespace {

// dst = src, where src is a register or a memory operand.
void mov_any(x86::Assembler& a, x86::Gp dst, const Operand& src) { a.emit(x86::Inst::kIdMov, dst, src); }

// Sign-extends the 48-bit payload of `r` (a tagged small integer) to 64 bits.
void int_value(x86::Assembler& a, x86::Gp r) {
  a.shl(r, 64 - kTagShift);
  a.sar(r, 64 - kTagShift);
}

// r = tagged small integer of the 64-bit value in r (known to fit).
void make_int(x86::Assembler& a, x86::Gp r) {
  a.shl(r, 64 - kTagShift);
  a.or_(r, kIntTag16);
  a.ror(r, 16);
}

// Where the right operand's shifted value can come from, besides rhs itself.
struct RhsHint {
  x86::Gp payload;   // rdx when it holds rhs's payload (left by jump_unless_ints)
  x86::Mem shifted;  // a dword holding rhs's value << 16 (fused constants)
  bool has_payload = false, has_shifted = false;
};

// Returns a register holding rhs's value << 16 (rsi, or the payload
// register shifted in place).
x86::Gp rhs_shifted(x86::Assembler& a, const Operand& rhs, const RhsHint& hint) {
  if (hint.has_shifted) {
    a.movsxd(x86::rsi, hint.shifted);
    return x86::rsi;
  }
  if (hint.has_payload) {
    a.shl(hint.payload, 64 - kTagShift);
    return hint.payload;
  }
  mov_any(a, x86::rsi, rhs);
  a.shl(x86::rsi, 64 - kTagShift);
  return x86::rsi;
}

void to_rsi(x86::Assembler& a, x86::Gp r) {
  if (r.id() != x86::rsi.id()) a.mov(x86::rsi, r);
}

// r = r shifted arithmetically right by rcx (> 0; counts above 63 shift
// by 63, as arith() does), where r holds a small integer's payload << 16.
// Re-tags it. Clobbers rcx, rdx.
void shift_right(x86::Assembler& a, x86::Gp r) {
  a.mov(x86::edx, 63);
  a.cmp(x86::rcx, x86::rdx);
  a.cmova(x86::rcx, x86::rdx);
  a.sar(r, x86::cl);
  a.and_(r, -65536);  // the payload's bits shifted into the tag's place
  a.or_(r, kIntTag16);
  a.ror(r, 16);
}

// shl / shr of small integers r10 by r11 into rax: a shift the other way
// for a negative count. A left shift keeps its value only if shifting the
// result back gives the operand again, else `slow` (where arith() raises
// overflow); counts of 48 and more go to `slow` too (0 << n is 0 there).
// Clobbers rcx, rdx, rsi.
void shift(Emitter& e, ArithOp op, Label slow) {
  x86::Assembler& a = e.a;
  Label other_way = a.newLabel(), done = a.newLabel();
  a.mov(x86::rcx, x86::r11);
  a.shl(x86::rcx, 64 - kTagShift);
  a.sar(x86::rcx, 64 - kTagShift);  // the count n
  a.mov(x86::rax, x86::r10);
  a.shl(x86::rax, 64 - kTagShift);  // the value << 16
  auto left = [&a, slow] {          // by rcx >= 0
    a.cmp(x86::rcx, kTagShift - 1);
    a.ja(slow);
    a.mov(x86::rdx, x86::rax);
    a.shl(x86::rax, x86::cl);
    a.mov(x86::rsi, x86::rax);
    a.sar(x86::rsi, x86::cl);
    a.cmp(x86::rsi, x86::rdx);
    a.jne(slow);
    a.or_(x86::rax, kIntTag16);
    a.ror(x86::rax, 16);
  };
  a.test(x86::rcx, x86::rcx);
  if (op == ArithOp::Shr) {
    a.jle(other_way);
    shift_right(a, x86::rax);
    a.jmp(done);
    a.bind(other_way);  // shr by n <= 0: shl by -n
    a.neg(x86::rcx);
    left();
  } else {
    a.js(other_way);
    left();
    a.jmp(done);
    a.bind(other_way);
    a.neg(x86::rcx);
    shift_right(a, x86::rax);
  }
  a.bind(done);
}

// Integer fast path: lhs and rhs (registers or X slots, not rax/rsi) are
// small integers; result in rax, or a jump to `slow`. Clobbers rax, rcx,
// rdx, rsi — rhs is read before rdx is written.
void int_op(Emitter& e, ArithOp op, const Operand& lhs, const Operand& rhs, Label slow, const RhsHint& hint = {}) {
  x86::Assembler& a = e.a;
  switch (op) {
    case ArithOp::Add: case ArithOp::Sub:
      if (lhs.isReg()) {
        e.rotate_tag_low(x86::rax, lhs.as<x86::Gp>());
      } else {
        mov_any(a, x86::rax, lhs);
        a.rol(x86::rax, 16);  // payload << 16 | tag
      }
      {
        x86::Gp r = rhs_shifted(a, rhs, hint);
        if (op == ArithOp::Add) a.add(x86::rax, r);
        else a.sub(x86::rax, r);
      }
      a.jo(slow);
      a.ror(x86::rax, 16);
      break;
    case ArithOp::Mul:
      mov_any(a, x86::rax, lhs);
      a.shl(x86::rax, 64 - kTagShift);
      to_rsi(a, rhs_shifted(a, rhs, hint));
      a.sar(x86::rsi, 16);
      a.imul(x86::rax, x86::rsi);
      a.jo(slow);
      a.or_(x86::rax, kIntTag16);
      a.ror(x86::rax, 16);
      break;
    case ArithOp::IDiv: case ArithOp::Rem:  // truncating (Erlang's div, rem): idiv's own results
      to_rsi(a, rhs_shifted(a, rhs, hint));
      a.sar(x86::rsi, 16);
      a.test(x86::rsi, x86::rsi);
      a.jz(slow);  // badarith
      mov_any(a, x86::rax, lhs);
      int_value(a, x86::rax);
      a.cqo();
      a.idiv(x86::rsi);  // no -2^63 / -1 with 48-bit values
      if (op == ArithOp::Rem) {
        a.mov(x86::rax, x86::rdx);  // |remainder| < |divisor|: always fits
      } else {
        a.mov(x86::rcx, x86::rax);  // -2^47 div -1 does not fit
        int_value(a, x86::rcx);
        a.cmp(x86::rcx, x86::rax);
        a.jne(slow);
      }
      make_int(a, x86::rax);
      break;
    case ArithOp::Div: case ArithOp::Mod: {
      // Floored: the truncated quotient/remainder adjusted when the
      // remainder is non-zero and its sign differs from the divisor's.
      Label exact = a.newLabel();
      to_rsi(a, rhs_shifted(a, rhs, hint));
      a.sar(x86::rsi, 16);
      a.test(x86::rsi, x86::rsi);
      a.jz(slow);  // badarith
      mov_any(a, x86::rax, lhs);
      int_value(a, x86::rax);
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
        int_value(a, x86::rcx);
        a.cmp(x86::rcx, x86::rax);
        a.jne(slow);
      }
      make_int(a, x86::rax);
      break;
    }
    case ArithOp::And: case ArithOp::Or:
      mov_any(a, x86::rax, lhs);  // tags and payloads alike
      a.emit(op == ArithOp::And ? x86::Inst::kIdAnd : x86::Inst::kIdOr, x86::rax, rhs);
      break;
    case ArithOp::Xor:
      mov_any(a, x86::rax, lhs);
      a.emit(x86::Inst::kIdXor, x86::rax, rhs);  // the tags cancel
      make_int(a, x86::rax);
      break;
    case ArithOp::Shl: case ArithOp::Shr:
      shift(e, op, slow);
      break;
  }
}

bool has_float_path(ArithOp op) {
  return op == ArithOp::Add || op == ArithOp::Sub || op == ArithOp::Mul || op == ArithOp::Div;
}

// xmm0 = xmm0 op right (add .. div), right being xmm1 or a slot.
void sse_op(x86::Assembler& a, ArithOp op, const Operand& right) {
  const x86::Inst::Id id = op == ArithOp::Add   ? x86::Inst::kIdAddsd
                           : op == ArithOp::Sub ? x86::Inst::kIdSubsd
                           : op == ArithOp::Mul ? x86::Inst::kIdMulsd
                                                : x86::Inst::kIdDivsd;
  a.emit(id, x86::xmm0, right);
}

// rax = the float in xmm0, or a jump to `non_finite`. Clobbers rcx.
void float_result(Emitter& e, Label non_finite) {
  e.a.movq(x86::rax, x86::xmm0);
  e.jump_if_non_finite(non_finite);
}

// Float fast path on r10, r11: two numbers, not both small integers (those
// took the integer path), the integer one converted exactly as arith()'s
// as_double does; a non-finite result (overflow, division by zero) goes to
// `slow`, where arith() raises badarith, as it does for non-numbers.
void float_op(Emitter& e, ArithOp op, Label slow) {
  e.load_numbers(slow);
  sse_op(e.a, op, x86::xmm1);
  float_result(e, slow);
}

// a = b op c, the operands of the kinds given.
void emit_binary(Emitter& e, IOp iop, ArithOp op, Emitter::Kinds kinds) {
  x86::Assembler& a = e.a;
  Label not_int = a.newLabel(), slow = a.newLabel();
  auto store = [&e, kinds] { e.store_a_then_next(kinds.a); };
  e.begin(iop);
  e.load_pair(kinds.b, kInsnB, kinds.c, kInsnC);
  e.jump_unless_ints(x86::r10, x86::r11, x86::rcx, x86::rdx, not_int);
  RhsHint hint;
  hint.payload = x86::rdx;
  hint.has_payload = true;
  int_op(e, op, x86::r10, x86::r11, slow, hint);
  store();
  e.cold([&e, iop, op, not_int, slow, store, kinds] {
    x86::Assembler& a = e.a;
    a.bind(not_int);
    if (has_float_path(op)) {
      e.quicken_on_float(iop);
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
    e.store_a_then_safe_point(kinds.a);  // the result may be a new big integer
  });
}

// A float-first form (insn.h) of `from`: a = b op c for two floats, or a
// float and a small integer (converted as arith()'s as_double does);
// anything else, a non-finite result included, runs `from`'s routine on the
// same instruction, which computes it or raises.
void emit_float_first(Emitter& e, IOp iop, IOp from, ArithOp op, Emitter::Kinds kinds) {
  Label generic = e.a.newLabel();
  e.begin(iop);
  e.float_first_operands(kinds.b, kInsnB, kinds.c, kInsnC, generic,
                         [&e, op](const Operand& right) { sse_op(e.a, op, right); });
  float_result(e, generic);
  e.store_a_then_next(kinds.a);
  e.cold([&e, generic, from] {
    e.a.bind(generic);
    e.a.jmp(e.op_labels[static_cast<unsigned>(from)]);
  });
}

// The floored quotient or remainder of the small integer whose payload is
// in rax by a constant divisor d > 1, with `reciprocal` = ceil(2^64 / d)
// (known_operands.cpp, division_reciprocal): ~mulhi(~n, M) for n < 0 and
// mulhi(n, M) otherwise, so neither idiv nor a fix-up branch is needed. The
// quotient always fits; the remainder is in [0, d). `divisor_to_rsi` loads
// d (mod, rem only). Returns the register holding the tagged result.
// Clobbers rax, rcx, rdx, rsi, r8.
//
// IDiv and Rem truncate: the quotient and remainder of |n| (at most 2^47,
// where mulhi(u, M) is still floor(u / d)), negated when n < 0.
x86::Gp divide_by_constant(Emitter& e, ArithOp op, const x86::Mem& reciprocal,
                           const std::function<void()>& divisor_to_rsi, const x86::Gp* shift = nullptr) {
  x86::Assembler& a = e.a;
  a.shl(x86::rax, 64 - kTagShift);
  a.sar(x86::rax, 64 - kTagShift);  // n
  if (op == ArithOp::IDiv || op == ArithOp::Rem) {
    a.mov(x86::rcx, x86::rax);
    a.sar(x86::rcx, 63);            // n < 0 ? -1 : 0
    a.xor_(x86::rax, x86::rcx);
    a.sub(x86::rax, x86::rcx);      // |n|
    if (op == ArithOp::Rem) a.mov(x86::r8, x86::rax);
    a.mul(reciprocal);              // rdx = |n| div d (shifted right by s first, div_kl ..)
    if (shift) a.shrx(x86::rdx, x86::rdx, *shift);
    x86::Gp result = x86::rdx;
    if (op == ArithOp::Rem) {
      divisor_to_rsi();
      a.imul(x86::rdx, x86::rsi);
      a.sub(x86::r8, x86::rdx);     // |n| rem d
      result = x86::r8;
    }
    a.xor_(result, x86::rcx);
    a.sub(result, x86::rcx);        // the sign of n
    make_int(a, result);
    return result;
  }
  if (op == ArithOp::Mod) a.mov(x86::r8, x86::rax);
  a.mov(x86::rcx, x86::rax);
  a.sar(x86::rcx, 63);              // n < 0 ? -1 : 0
  a.xor_(x86::rax, x86::rcx);       // 0 <= ~n or n < 2^47
  a.mul(reciprocal);
  if (shift) a.shrx(x86::rdx, x86::rdx, *shift);
  a.xor_(x86::rdx, x86::rcx);       // floor(n / d)
  if (op == ArithOp::Mod) {
    divisor_to_rsi();
    a.imul(x86::rdx, x86::rsi);
    a.sub(x86::r8, x86::rdx);
    a.sub(x86::r8, kIntBias);  // 0 <= remainder < 2^47: tagged = value - bias
    return x86::r8;
  }
  make_int(a, x86::rdx);
  return x86::rdx;
}

// div_k .. rem_k (known_operands.cpp): a = b div/mod/idiv/rem c where c is known to
// hold d, 2 <= d <= 2^17 (bytes 5..7), u = ceil(2^64 / d): a small-integer
// b is divided by the reciprocal; anything else runs the generic routine
// (a float b first quickens div_k to div_f, whose c still holds d).
// `shifted`: div_kl .. rem_kl, the same for 2^17 < d < 2^47, read from c
// (X or Y), with u = ceil(2^(64+s) / d) and s in byte 5: the high word of
// the product is shifted right by s (shrx takes the count in any
// register, so rcx keeps n's sign).
void emit_known_divisor(Emitter& e, IOp iop, ArithOp op, IOp generic, bool shifted = false) {
  x86::Assembler& a = e.a;
  Label slow = a.newLabel();
  e.begin(iop);
  e.load_operand(x86::r10, kInsnB);
  e.jump_unless_int(x86::r10, x86::rax, slow);
  x86::Gp result;
  if (shifted) {
    if (op == ArithOp::Mod || op == ArithOp::Rem) {
      e.load_operand(x86::r11, kInsnC);  // d, a small integer (known on every path)
      a.shl(x86::r11, 64 - kTagShift);
      a.sar(x86::r11, 64 - kTagShift);
    }
    a.movzx(x86::r9d, e.insn_byte(kInsnD));  // s
    result = divide_by_constant(e, op, e.insn_u(), [&a] { a.mov(x86::rsi, x86::r11); }, &x86::r9);
  } else {
    result = divide_by_constant(e, op, e.insn_u(), [&a] {
      a.mov(x86::esi, x86::dword_ptr(kPc, kInsnC));
      a.shr(x86::esi, 8);  // bytes 5..7
    });
  }
  e.store_operand(kInsnA, result);
  e.next();
  e.cold([&e, iop, slow, generic] {
    e.a.bind(slow);
    // div_k, div_kl: to div_f (c still holds d); the others have no float form.
    if (float_first_of(generic) != generic) e.quicken_on_float(iop, float_first_of(generic), false);
    e.a.jmp(e.op_labels[static_cast<unsigned>(generic)]);
  });
}

// add_xk / sub_xk / mul_xk (known_operands.cpp): X[a] = X[b] op K where
// X[c] holds the small integer K and u holds K << 16 (add, sub) or K
// (mul), so the constant needs neither a load nor a tag test. A b that is
// no small integer, and overflow, run the generic _xxx routine (a float b
// first quickens the instruction to the _xxx form's float-first one).
void emit_known_constant(Emitter& e, IOp iop, ArithOp op, IOp generic) {
  x86::Assembler& a = e.a;
  Label slow = a.newLabel();
  e.begin(iop);
  e.load_x(x86::r10, kInsnB);
  e.jump_unless_int(x86::r10, x86::rax, slow);
  if (op == ArithOp::Mul) {
    a.mov(x86::rax, x86::r10);
    a.shl(x86::rax, 64 - kTagShift);
    a.imul(x86::rax, e.insn_u());
    a.jo(slow);
    a.or_(x86::rax, kIntTag16);
  } else {
    e.rotate_tag_low(x86::rax, x86::r10);  // payload << 16 | tag
    if (op == ArithOp::Add) a.add(x86::rax, e.insn_u());
    else a.sub(x86::rax, e.insn_u());
    a.jo(slow);
  }
  a.ror(x86::rax, 16);
  e.store_x(kInsnA, x86::rax);
  e.next();
  e.cold([&e, iop, slow, generic] {
    e.a.bind(slow);
    e.quicken_on_float(iop, float_first_of(generic), false);  // to add_xxx_f ..: c still holds K
    e.a.jmp(e.op_labels[static_cast<unsigned>(generic)]);
  });
}

// load_add .. load_mod: X[a] = integer constant (u), then the next
// instruction, X[a'] = X[b'] op X[a] (X-only; for div/mod the loader only
// fuses a positive constant), when its fast path applies; otherwise the
// next instruction runs on its own.
// `any_next`: the next instruction is the generic form (its a' and b' X or
// Y slots, resolved like any operand).
void emit_fused_binary(Emitter& e, IOp iop, ArithOp op, bool any_next = false) {
  x86::Assembler& a = e.a;
  Label plain = a.newLabel();
  x86::Gp result = x86::rax;
  e.begin(iop);
  e.fused_load();
  if (any_next) {
    e.load_operand(x86::r10, kInsnSize + kInsnB);  // read after the load: b' may be a
  } else {
    a.movzx(x86::ecx, e.insn_byte(kInsnSize + kInsnB));
    a.mov(x86::r10, e.x_slot(x86::rcx));  // read after the load: b' may be a
  }
  e.jump_unless_int(x86::r10, x86::rax, plain);  // rax = its payload
  if (op == ArithOp::Div || op == ArithOp::Mod) {
    // The divisor d > 1: its value, not shifted, in the immediate; the
    // next instruction's u holds ceil(2^64 / d).
    result = divide_by_constant(e, op, x86::qword_ptr(kPc, kInsnSize + kInsnU),
                                [&e] { e.a.movsxd(x86::rsi, e.insn_imm()); });
  } else {
    RhsHint hint;
    hint.shifted = e.insn_imm();
    hint.has_shifted = true;
    int_op(e, op, x86::r10, x86::r11, plain, hint);
  }
  if (any_next) {
    e.store_operand(kInsnSize + kInsnA, result);
  } else {
    a.movzx(x86::ecx, e.insn_byte(kInsnSize + kInsnA));
    a.mov(e.x_slot(x86::rcx), result);
  }
  e.next(2);
  e.cold([&e, plain] {
    e.a.bind(plain);
    e.next();
  });
}

// Calls helper(p, r10) (neg, not), stores its result, then a safe point:
// the helper may have built a big integer.
template <typename F>
void unary_slow_path(Emitter& e, F* helper) {
  e.a.mov(x86::rsi, x86::r10);
  e.a.mov(x86::rdi, kProc);
  e.call(helper);
  e.check_raised(x86::rax);
  e.store_a_then_safe_point(Emitter::Kind::Any);  // the result may be a new big integer
}

// neg: a small integer negated as its payload << 16 (jo: only -2^47 has no
// negation in 48 bits; h_neg makes it a big integer), a float by its sign
// bit.
void emit_neg(Emitter& e) {
  x86::Assembler& a = e.a;
  Label not_int = a.newLabel(), slow = a.newLabel();
  e.begin(IOp::neg);
  e.load_operand(x86::r10, kInsnB);
  e.jump_unless_int(x86::r10, x86::rax, not_int);  // rax = the payload
  a.shl(x86::rax, 64 - kTagShift);
  a.neg(x86::rax);
  a.jo(slow);
  a.or_(x86::rax, kIntTag16);
  a.ror(x86::rax, 16);
  e.store_operand(kInsnA, x86::rax);
  e.next();
  e.cold([&e, not_int, slow] {
    x86::Assembler& a = e.a;
    a.bind(not_int);
    a.mov(x86::rax, imm(kTagInt));
    a.cmp(x86::r10, x86::rax);
    a.jae(slow);  // not a float
    a.btc(x86::r10, 63);  // -0.0 and 0.0 swap too, as in C++
    a.mov(x86::rax, x86::r10);
    e.store_operand(kInsnA, x86::rax);
    e.next();
    a.bind(slow);
    unary_slow_path(e, &h_neg);
  });
}

// not: a small integer's complement flips its payload bits only; true and
// false swap.
void emit_not(Emitter& e) {
  x86::Assembler& a = e.a;
  Label not_int = a.newLabel(), slow = a.newLabel();
  e.begin(IOp::not_);
  e.load_operand(x86::r10, kInsnB);
  e.jump_unless_int(x86::r10, x86::rax, not_int);
  a.mov(x86::rax, imm(kPayloadMask));
  a.xor_(x86::rax, x86::r10);
  e.store_operand(kInsnA, x86::rax);
  e.next();
  e.cold([&e, not_int, slow] {
    x86::Assembler& a = e.a;
    Label store = a.newLabel();
    a.bind(not_int);
    a.mov(x86::rax, imm(kFalse));
    a.mov(x86::rcx, imm(kTrue));
    a.cmp(x86::r10, x86::rcx);
    a.je(store);
    a.cmp(x86::r10, x86::rax);
    a.jne(slow);
    a.mov(x86::rax, x86::rcx);
    a.bind(store);
    e.store_operand(kInsnA, x86::rax);
    e.next();
    a.bind(slow);
    unary_slow_path(e, &h_not);
  });
}

}  // namespace

void emit_arith(Emitter& e) {
  const Emitter::Kinds any = Emitter::kAnyKinds, x = Emitter::kAllX;
  emit_binary(e, IOp::add, ArithOp::Add, any);
  emit_binary(e, IOp::sub, ArithOp::Sub, any);
  emit_binary(e, IOp::mul, ArithOp::Mul, any);
  emit_binary(e, IOp::div, ArithOp::Div, any);
  emit_binary(e, IOp::mod, ArithOp::Mod, any);
  emit_binary(e, IOp::idiv, ArithOp::IDiv, any);  // match-insns: a float operand takes the slow path (badarith)
  emit_binary(e, IOp::rem, ArithOp::Rem, any);
  emit_binary(e, IOp::shr, ArithOp::Shr, any);
  emit_binary(e, IOp::shl, ArithOp::Shl, any);
  emit_binary(e, IOp::xor_, ArithOp::Xor, any);
  emit_binary(e, IOp::and_, ArithOp::And, any);
  emit_binary(e, IOp::or_, ArithOp::Or, any);
  emit_binary(e, IOp::add_xxx, ArithOp::Add, x);
  emit_binary(e, IOp::sub_xxx, ArithOp::Sub, x);
  emit_binary(e, IOp::mul_xxx, ArithOp::Mul, x);
  // Operand-kind variants (insn.h).
#define LZR_EMIT_VARIANT(I, generic, kinds, name) \
  emit_binary(e, IOp::name, ArithOp::I, Emitter::kinds_named(#kinds));
  LZR_KIND_VARIANTS_ADD(LZR_EMIT_VARIANT, Add)
  LZR_KIND_VARIANTS_SUB(LZR_EMIT_VARIANT, Sub)
  LZR_KIND_VARIANTS_MUL(LZR_EMIT_VARIANT, Mul)
  LZR_KIND_VARIANTS_DIV(LZR_EMIT_VARIANT, Div)
  LZR_KIND_VARIANTS_MOD(LZR_EMIT_VARIANT, Mod)
  LZR_KIND_VARIANTS_SHR(LZR_EMIT_VARIANT, Shr)
  LZR_KIND_VARIANTS_SHL(LZR_EMIT_VARIANT, Shl)
  LZR_KIND_VARIANTS_XOR(LZR_EMIT_VARIANT, Xor)
  LZR_KIND_VARIANTS_AND(LZR_EMIT_VARIANT, And)
  LZR_KIND_VARIANTS_OR(LZR_EMIT_VARIANT, Or)
#undef LZR_EMIT_VARIANT
  emit_fused_binary(e, IOp::load_add, ArithOp::Add);
  emit_fused_binary(e, IOp::load_sub, ArithOp::Sub);
  emit_fused_binary(e, IOp::load_mul, ArithOp::Mul);
  emit_fused_binary(e, IOp::load_div, ArithOp::Div);
  emit_fused_binary(e, IOp::load_mod, ArithOp::Mod);
  emit_fused_binary(e, IOp::load_add_any, ArithOp::Add, true);
  emit_fused_binary(e, IOp::load_sub_any, ArithOp::Sub, true);
  emit_fused_binary(e, IOp::load_mul_any, ArithOp::Mul, true);
  emit_not(e);
  emit_neg(e);
  emit_known_constant(e, IOp::add_xk, ArithOp::Add, IOp::add_xxx);
  emit_known_constant(e, IOp::sub_xk, ArithOp::Sub, IOp::sub_xxx);
  emit_known_constant(e, IOp::mul_xk, ArithOp::Mul, IOp::mul_xxx);
  emit_known_divisor(e, IOp::div_k, ArithOp::Div, IOp::div);
  emit_known_divisor(e, IOp::mod_k, ArithOp::Mod, IOp::mod);
  emit_known_divisor(e, IOp::idiv_k, ArithOp::IDiv, IOp::idiv);
  emit_known_divisor(e, IOp::rem_k, ArithOp::Rem, IOp::rem);
  emit_known_divisor(e, IOp::div_kl, ArithOp::Div, IOp::div, true);
  emit_known_divisor(e, IOp::mod_kl, ArithOp::Mod, IOp::mod, true);
  emit_known_divisor(e, IOp::idiv_kl, ArithOp::IDiv, IOp::idiv, true);
  emit_known_divisor(e, IOp::rem_kl, ArithOp::Rem, IOp::rem, true);
}

void emit_float_first_arith(Emitter& e) {
#define LZR_EMIT_FLOAT_FIRST(I, from, kinds, name) \
  emit_float_first(e, IOp::name, IOp::from, ArithOp::I, Emitter::kinds_named(#kinds));
  LZR_FLOAT_FIRST_ADD(LZR_EMIT_FLOAT_FIRST, Add)
  LZR_FLOAT_FIRST_SUB(LZR_EMIT_FLOAT_FIRST, Sub)
  LZR_FLOAT_FIRST_MUL(LZR_EMIT_FLOAT_FIRST, Mul)
  LZR_FLOAT_FIRST_DIV(LZR_EMIT_FLOAT_FIRST, Div)
#undef LZR_EMIT_FLOAT_FIRST
}

}  // namespace lzr::asm_engine

// Calls, tail calls, closures applied, returns: the frame push and pop of
// portable.cpp's ENTER / L_ret, word for word.
#include "emitter.h"
#include "helpers.h"

namespace lzr::asm_engine {

using asmjit::imm;

namespace {

// The ecx Y slots (ecx > 0) of a frame being pushed, below `top` (the new
// sp), set to nil (rax) by 16-byte stores from the top: a count of 8 or
// less costs no loop, a small frame one store and one branch. An odd
// count also writes the closure slot, which the header then sets.
// Clobbers xmm0 (and rcx, r10 past 8 slots).
void fill_new_frame(Emitter& e, x86::Gp top) {
  x86::Assembler& a = e.a;
  asmjit::Label done = a.newLabel(), many = a.newLabel();
  a.movq(x86::xmm0, x86::rax);
  a.punpcklqdq(x86::xmm0, x86::xmm0);
  for (int32_t pair = 1; pair <= 4; ++pair) {
    a.movups(x86::xmmword_ptr(top, -16 * pair), x86::xmm0);
    a.cmp(x86::ecx, 2 * pair);
    a.jbe(done);
  }
  a.jmp(many);
  a.bind(done);
  e.cold([&e, top, many, done] {
    x86::Assembler& a = e.a;
    asmjit::Label pairs = a.newLabel();
    a.bind(many);  // past 8: the rest, a pair a turn (the last may write the closure slot)
    a.lea(x86::r10, x86::ptr(top, -64));
    a.sub(x86::ecx, 8);
    a.bind(pairs);
    a.movups(x86::xmmword_ptr(x86::r10, -16), x86::xmm0);
    a.sub(x86::r10, 16);
    a.sub(x86::ecx, 2);
    a.jg(pairs);
    a.jmp(done);
  });
}

// Pushes a frame of ecx Y slots and enters the function at rdx (an Insn*).
// The closure slot gets r8 (with_closure: apply; r9 = the closure object)
// or nil (call). Frame layout: process.h.
void push_frame_and_enter(Emitter& e, bool with_closure) {
  x86::Assembler& a = e.a;
  asmjit::Label header = a.newLabel();
  a.mov(x86::rdi, e.proc(kSpOffset));
  a.lea(x86::rsi, x86::ptr(x86::rdi, x86::rcx, 3, 8 * kFrameHeaderWords));  // new sp
  a.cmp(x86::rsi, e.proc(kStackLimitOffset));
  a.ja(e.exit_overflow);
  a.mov(x86::rax, imm(kNil));
  a.test(x86::ecx, x86::ecx);  // Y slots start as nil
  a.jz(header);
  fill_new_frame(e, x86::rsi);
  a.bind(header);
  a.mov(x86::qword_ptr(x86::rdi, 0), kPc);  // fp[-3]: return instruction
  a.mov(x86::qword_ptr(x86::rdi, 8), kFp);  // fp[-2]: caller's fp
  a.mov(x86::qword_ptr(x86::rdi, 16), with_closure ? x86::r8 : x86::rax);  // fp[-1]: closure
  a.lea(kFp, x86::ptr(x86::rdi, 8 * kFrameHeaderWords));
  a.mov(e.proc(kSpOffset), x86::rsi);
  // kUpv: a called function has no upvalues (verifier), so it keeps the
  // caller's value, unused until the return reloads it.
  if (with_closure) a.lea(kUpv, x86::ptr(x86::r9, 16));
  a.mov(kPc, x86::rdx);
  e.dispatch();
}

// Calls the native FunctionInfo* in rax with X as argv; result in rax.
void call_native(Emitter& e) {
  x86::Assembler& a = e.a;
  a.mov(e.proc(kFpOffset), kFp);  // natives may look at the stack
  a.lea(x86::rdi, x86::ptr(x86::rsp, kEnvSlot));
  a.lea(x86::rsi, x86::ptr(kTable, kXOffset));
  a.movzx(x86::edx, x86::byte_ptr(x86::rax, kFnArity));
  a.call(x86::qword_ptr(x86::rax, kFnNative));
  e.check_raised(x86::rax);
}

// Pops the frame and stores rax into the caller's destination operand (or
// leaves the engine from the bottom frame).
void return_value_in_rax(Emitter& e) {
  x86::Assembler& a = e.a;
  asmjit::Label to_y = a.newLabel();
  a.mov(x86::rsi, x86::qword_ptr(kFp, kFrameRetPcDisp));
  a.lea(x86::rdx, x86::ptr(kFp, kFrameRetPcDisp));
  a.mov(e.proc(kSpOffset), x86::rdx);
  a.mov(kFp, x86::qword_ptr(kFp, kFrameCallerFpDisp));
  a.test(x86::rsi, x86::rsi);
  a.jz(e.exit_done);  // the bottom frame of execute()
  a.mov(kPc, x86::rsi);
  // Upvalue base of the caller's closure. For a frame without a closure
  // (nil) this is garbage, never dereferenced: only closure bodies have U
  // operands (verifier).
  a.mov(kUpv, imm(kUpvalueBias));
  a.add(kUpv, x86::qword_ptr(kFp, kFrameClosureDisp));
  // The call's destination: usually X, so a branch beats a conditional move.
  a.movzx(x86::ecx, e.insn_byte(kInsnA));
  a.cmp(x86::ecx, 32);
  a.jae(to_y);
  a.mov(e.x_slot(x86::rcx), x86::rax);
  e.next();
  e.cold([&e, to_y] {
    e.a.bind(to_y);
    e.a.mov(e.y_slot(x86::rcx), x86::rax);
    e.next();
  });
}

}  // namespace

void emit_calls(Emitter& e) {
  x86::Assembler& a = e.a;

  e.begin(IOp::call);
  e.reduce();
  a.movzx(x86::ecx, e.insn_byte(kInsnB));
  a.mov(x86::rdx, e.insn_u());
  push_frame_and_enter(e, false);

  e.begin(IOp::apply);
  {
    asmjit::Label badfun = a.newLabel();
    e.reduce();
    e.load_operand(x86::r8, kInsnB);
    a.mov(x86::rcx, x86::r8);
    a.shr(x86::rcx, kTagShift);
    a.cmp(x86::ecx, kBoxedTag16);
    a.jne(badfun);
    a.mov(x86::r9, x86::r8);
    a.shl(x86::r9, 64 - kTagShift);
    a.shr(x86::r9, 64 - kTagShift);  // the closure object
    a.cmp(x86::byte_ptr(x86::r9), static_cast<uint8_t>(BoxKind::Closure));  // header kind byte
    a.jne(badfun);
    a.mov(x86::rax, x86::qword_ptr(x86::r9, 8));  // its FunctionInfo
    a.movzx(x86::ecx, x86::byte_ptr(x86::rax, kFnFrame));
    a.mov(x86::rdx, x86::qword_ptr(x86::rax, kFnCode));
    push_frame_and_enter(e, true);
    e.cold([&e, badfun] {
      e.a.bind(badfun);
      e.a.mov(x86::rdi, kProc);
      e.a.mov(x86::rsi, x86::r8);
      e.call(&h_badfun);
      e.a.jmp(e.exit_raised);
    });
  }

  // Reuses the frame: return address and caller stay, Y slots restart.
  // kUpv stays: the target has no upvalues (verifier).
  e.begin(IOp::tcall);
  {
    asmjit::Label fill = a.newLabel();
    e.reduce();
    a.movzx(x86::ecx, e.insn_byte(kInsnB));
    a.lea(x86::rsi, x86::ptr(kFp, x86::rcx, 3));
    a.cmp(x86::rsi, e.proc(kStackLimitOffset));
    a.ja(e.exit_overflow);
    a.mov(x86::rax, imm(kNil));
    a.mov(x86::qword_ptr(kFp, kFrameClosureDisp), x86::rax);
    a.mov(e.proc(kSpOffset), x86::rsi);
    a.mov(kPc, e.insn_u());
    a.test(x86::ecx, x86::ecx);
    a.jnz(fill);
    e.dispatch();
    e.cold([&e, fill] { e.fill_y_slots_then_dispatch(fill); });
  }

  // A tail call of the running function: its frame stays in place (see
  // portable.cpp); one load finds the entry, keeping kPc's dependency
  // chain short around loops.
  e.begin(IOp::tcall_self);
  {
    asmjit::Label fill = a.newLabel();
    e.reduce();
    a.mov(x86::rax, imm(kNil));
    a.movzx(x86::ecx, e.insn_byte(kInsnB));
    a.mov(kPc, e.insn_u());
    a.test(x86::ecx, x86::ecx);
    a.jnz(fill);
    e.dispatch();
    e.cold([&e, fill] { e.fill_y_slots_then_dispatch(fill); });
  }

  e.begin(IOp::call_native);
  e.reduce();
  a.mov(x86::rax, e.insn_u());
  call_native(e);
  e.store_operand(kInsnA, x86::rax);
  e.safe_point_then_next(Emitter::MaskFrom::Immediate, 0);

  // Returns the native's result from this frame, as `ret x0` would.
  e.begin(IOp::tcall_native);
  {
    asmjit::Label collect = a.newLabel();
    e.reduce();
    a.mov(x86::rax, e.insn_u());
    call_native(e);
    a.mov(e.x_reg(0), x86::rax);
    a.cmp(x86::word_ptr(kProc, kHeapGcFlags), 0);
    a.jne(collect);
    a.jmp(e.do_ret);
    e.cold([&e, collect] {
      x86::Assembler& a = e.a;
      a.bind(collect);
      a.mov(x86::rdi, kProc);
      a.mov(x86::esi, 1);     // X0 live
      a.mov(x86::edx, 0xFF);  // no destination operand
      a.mov(x86::rcx, kFp);
      e.call(&h_collect);
      a.mov(kUpv, x86::rax);
      a.mov(x86::rax, e.x_reg(0));
      a.jmp(e.do_ret);
    });
  }

  e.begin(IOp::ret);
  e.load_operand(x86::rax, kInsnA);
  a.bind(e.do_ret);
  return_value_in_rax(e);

  e.begin(IOp::ret_x);
  e.load_x(x86::rax, kInsnA);
  return_value_in_rax(e);

  // A constant returned: the load's register is dead once the frame is
  // popped (the caller's X registers are undefined after a call), so
  // only the value travels.
  e.begin(IOp::load_ret);
  a.mov(x86::rax, e.insn_u());
  a.jmp(e.do_ret);
}

}  // namespace lzr::asm_engine

// Calls, tail calls, closures applied, returns: the frame push and pop of
// portable.cpp's ENTER / L_ret, word for word.
#include "emitter.h"
#include "helpers.h"

namespace lzr::asm_engine {

using asmjit::imm;

namespace {

// Pushes a frame for FunctionInfo* rdx with closure term r8 and upvalue base
// r9, then enters the function. Frame layout: process.h.
void push_frame_and_enter(Emitter& e) {
  x86::Assembler& a = e.a;
  asmjit::Label fill = a.newLabel(), filled = a.newLabel();
  a.mov(x86::rdi, e.proc(kSpOffset));
  a.movzx(x86::ecx, x86::byte_ptr(x86::rdx, kFnFrame));
  a.lea(x86::rsi, x86::ptr(x86::rdi, x86::rcx, 3, 8 * kFrameHeaderWords));  // new sp
  a.cmp(x86::rsi, e.proc(kStackLimitOffset));
  a.ja(e.exit_overflow);
  a.mov(x86::qword_ptr(x86::rdi, 0), kPc);   // fp[-3]: return instruction
  a.mov(x86::qword_ptr(x86::rdi, 8), kFp);   // fp[-2]: caller's fp
  a.mov(x86::qword_ptr(x86::rdi, 16), x86::r8);  // fp[-1]: closure
  a.add(x86::rdi, 8 * kFrameHeaderWords);
  a.mov(e.proc(kSpOffset), x86::rsi);
  a.mov(kFp, x86::rdi);
  a.mov(kUpv, x86::r9);
  a.mov(kPc, x86::qword_ptr(x86::rdx, kFnCode));
  // Y slots start as nil.
  a.test(x86::ecx, x86::ecx);
  a.jz(filled);
  a.bind(fill);
  a.mov(x86::qword_ptr(kFp, x86::rcx, 3, -8), kNilReg);
  a.dec(x86::ecx);
  a.jnz(fill);
  a.bind(filled);
  e.dispatch();
}

// Calls the native FunctionInfo* in rax with X as argv; result in rax.
void call_native(Emitter& e) {
  x86::Assembler& a = e.a;
  a.mov(e.proc(kFpOffset), kFp);  // natives may look at the stack
  a.lea(x86::rdi, x86::ptr(x86::rsp, kEnvSlot));
  a.lea(x86::rsi, x86::ptr(kProc, kXOffset));
  a.movzx(x86::edx, x86::byte_ptr(x86::rax, kFnArity));
  a.call(x86::qword_ptr(x86::rax, kFnNative));
  e.check_raised(x86::rax);
}

}  // namespace

void emit_calls(Emitter& e) {
  x86::Assembler& a = e.a;

  e.begin(IOp::call);
  a.mov(x86::rdx, e.insn_u());
  a.mov(x86::r8, kNilReg);
  a.xor_(x86::r9d, x86::r9d);
  push_frame_and_enter(e);

  e.begin(IOp::apply);
  {
    asmjit::Label badfun = a.newLabel();
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
    a.mov(x86::rdx, x86::qword_ptr(x86::r9, 8));  // its FunctionInfo
    a.add(x86::r9, 16);                           // its upvalues
    push_frame_and_enter(e);
    e.cold([&e, badfun] {
      e.a.bind(badfun);
      e.a.mov(x86::rdi, kProc);
      e.a.mov(x86::rsi, x86::r8);
      e.call(&h_badfun);
      e.a.jmp(e.exit_raised);
    });
  }

  // Reuses the frame: return address and caller stay, Y slots restart.
  e.begin(IOp::tcall);
  {
    asmjit::Label fill = a.newLabel(), filled = a.newLabel();
    a.mov(x86::rdx, e.insn_u());
    a.movzx(x86::ecx, x86::byte_ptr(x86::rdx, kFnFrame));
    a.lea(x86::rsi, x86::ptr(kFp, x86::rcx, 3));
    a.cmp(x86::rsi, e.proc(kStackLimitOffset));
    a.ja(e.exit_overflow);
    a.mov(x86::qword_ptr(kFp, kFrameClosureDisp), kNilReg);
    a.mov(e.proc(kSpOffset), x86::rsi);
    a.xor_(kUpv.r32(), kUpv.r32());
    a.mov(kPc, x86::qword_ptr(x86::rdx, kFnCode));
    a.test(x86::ecx, x86::ecx);
    a.jz(filled);
    a.bind(fill);
    a.mov(x86::qword_ptr(kFp, x86::rcx, 3, -8), kNilReg);
    a.dec(x86::ecx);
    a.jnz(fill);
    a.bind(filled);
    e.dispatch();
  }

  e.begin(IOp::call_native);
  a.mov(x86::rax, e.insn_u());
  call_native(e);
  e.store_operand(kInsnA, x86::rax);
  e.safe_point_then_next(Emitter::MaskFrom::Immediate, 0);

  // Returns the native's result from this frame, as `ret x0` would.
  e.begin(IOp::tcall_native);
  {
    asmjit::Label collect = a.newLabel();
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
  a.bind(e.do_ret);  // rax = the value
  a.mov(x86::rsi, x86::qword_ptr(kFp, kFrameRetPcDisp));
  a.lea(x86::rdx, x86::ptr(kFp, kFrameRetPcDisp));
  a.mov(e.proc(kSpOffset), x86::rdx);
  a.mov(kFp, x86::qword_ptr(kFp, kFrameCallerFpDisp));
  a.test(x86::rsi, x86::rsi);
  a.jz(e.exit_done);  // the bottom frame of execute()
  a.mov(kPc, x86::rsi);
  // Upvalue base of the caller's closure: payload + 16. For a frame without
  // a closure (nil) this yields 16, never dereferenced: only closure bodies
  // have U operands (verifier).
  a.mov(kUpv, x86::qword_ptr(kFp, kFrameClosureDisp));
  a.shl(kUpv, 64 - kTagShift);
  a.shr(kUpv, 64 - kTagShift);
  a.add(kUpv, 16);
  e.store_operand(kInsnA, x86::rax);
  e.next();
}

}  // namespace lzr::asm_engine

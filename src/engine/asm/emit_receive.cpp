// The receive instructions and the counted back edges (docs/processes.md).
// The receive routines call receive.cpp's functions through helpers.h; a
// suspension leaves through exit_leave with the state op_wait saved.
#include "emitter.h"
#include "engine/semantics.h"
#include "helpers.h"

namespace lzr::asm_engine {

using asmjit::imm;
using asmjit::Label;

void emit_receive(Emitter& e) {
  x86::Assembler& a = e.a;

  e.begin(IOp::recv);
  {
    Label none = a.newLabel();
    a.mov(x86::rdi, kProc);
    e.call(&h_recv);
    a.mov(x86::rcx, imm(kNoMessage));
    a.cmp(x86::rax, x86::rcx);
    a.je(none);
    // The copy into the heap may make a collection due: a safe point
    // keeping every X register, as for arithmetic.
    e.store_a_then_safe_point(Emitter::Kind::Any);
    a.bind(none);
    e.jump_to_target();
  }

  e.begin(IOp::recvnext);
  a.mov(x86::rdi, kProc);
  e.call(&h_recvnext);
  a.test(x86::rax, x86::rax);
  a.jz(e.exit_raised);
  e.jump_to_target();

  e.begin(IOp::accept);
  a.mov(x86::rdi, kProc);
  e.call(&h_accept);
  a.test(x86::rax, x86::rax);
  a.jz(e.exit_raised);
  e.next();

  e.begin(IOp::wait);
  {
    Label back = a.newLabel(), other = a.newLabel();
    e.load_operand(x86::r8, kInsnA);
    a.mov(x86::rcx, x86::r8);
    a.mov(x86::rdi, kProc);
    a.mov(x86::rsi, kPc);
    a.mov(x86::rdx, kFp);
    e.call(&h_wait);
    a.cmp(x86::rax, kWaitJumpBack);
    a.jae(other);
    e.next();  // kWaitFallThrough: the timeout passed
    a.bind(other);
    a.je(back);
    a.cmp(x86::rax, kWaitSuspend);
    a.je(e.exit_leave);
    a.jmp(e.exit_raised);
    a.bind(back);
    e.jump_to_target();
  }
}

}  // namespace lzr::asm_engine

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

  // recv: a message already in this heap (or an immediate) is read in
  // line; one whose fragment must first be copied in goes through op_recv.
  e.begin(IOp::recv);
  {
    Label none = a.newLabel(), copy = a.newLabel();
    a.mov(x86::rax, x86::qword_ptr(kProc, kMailboxCursor));
    a.mov(x86::rax, x86::qword_ptr(x86::rax));  // the message under the cursor
    a.test(x86::rax, x86::rax);
    a.jz(none);
    a.cmp(x86::qword_ptr(x86::rax, kMessageWords), 0);
    a.jne(copy);
    a.mov(x86::rax, x86::qword_ptr(x86::rax, kMessageTerm));
    e.store_a_then_next(Emitter::Kind::Any);
    a.bind(none);
    e.jump_to_target();
    e.cold([&e, copy, none] {
      x86::Assembler& a = e.a;
      a.bind(copy);
      a.mov(x86::rdi, kProc);
      e.call(&h_recv);
      // The copy into the heap may make a collection due: a safe point
      // keeping every X register, as for arithmetic.
      e.store_a_then_safe_point(Emitter::Kind::Any);
    });
  }

  // recvnext: the cursor moves to the message's next link in line; with no
  // message under it, op_recvnext's refusal raises badrecv.
  e.begin(IOp::recvnext);
  {
    Label empty = a.newLabel();
    a.mov(x86::rax, x86::qword_ptr(kProc, kMailboxCursor));
    a.mov(x86::rax, x86::qword_ptr(x86::rax));
    a.test(x86::rax, x86::rax);
    a.jz(empty);
    a.mov(x86::qword_ptr(kProc, kMailboxCursor), x86::rax);  // &m->next is m
    e.jump_to_target();
    e.cold([&e, empty] {
      x86::Assembler& a = e.a;
      a.bind(empty);
      a.mov(x86::rdi, kProc);
      e.call(&h_recvnext);
      a.jmp(e.exit_raised);
    });
  }

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

// Moves, constants and the unconditional jump.
#include "emitter.h"

namespace lzr::asm_engine {

void emit_moves(Emitter& e) {
  x86::Assembler& a = e.a;

  e.begin(IOp::mov);
  e.load_operand(x86::rax, kInsnB);
  e.store_operand(kInsnA, x86::rax);
  e.next();

  e.begin(IOp::mov_xx);
  a.movzx(x86::ecx, e.insn_byte(kInsnB));
  a.movzx(x86::edx, e.insn_byte(kInsnA));
  a.mov(x86::rax, x86::qword_ptr(kProc, x86::rcx, 3, kXOffset));
  a.mov(x86::qword_ptr(kProc, x86::rdx, 3, kXOffset), x86::rax);
  e.next();

  // t = a; a = b; c = t — reads both before writing either.
  e.begin(IOp::swap);
  e.load_operand(x86::rsi, kInsnA);
  e.load_operand(x86::rax, kInsnB);
  e.store_operand(kInsnA, x86::rax);
  e.store_operand(kInsnC, x86::rsi);
  e.next();

  e.begin(IOp::load);
  a.mov(x86::rax, e.insn_u());
  e.store_operand(kInsnA, x86::rax);
  e.next();

  e.begin(IOp::load_x);
  a.movzx(x86::ecx, e.insn_byte(kInsnA));
  a.mov(x86::rax, e.insn_u());
  a.mov(x86::qword_ptr(kProc, x86::rcx, 3, kXOffset), x86::rax);
  e.next();

  e.begin(IOp::mov_xy);
  a.movzx(x86::ecx, e.insn_byte(kInsnB));
  a.movzx(x86::edx, e.insn_byte(kInsnA));
  a.mov(x86::rax, e.x_slot(x86::rcx));
  a.mov(e.y_slot(x86::rdx), x86::rax);
  e.next();

  e.begin(IOp::mov_yx);
  a.movzx(x86::ecx, e.insn_byte(kInsnB));
  a.movzx(x86::edx, e.insn_byte(kInsnA));
  a.mov(x86::rax, e.y_slot(x86::rcx));
  a.mov(e.x_slot(x86::rdx), x86::rax);
  e.next();

  e.begin(IOp::jmp);
  a.mov(kPc, e.insn_u());
  e.dispatch();
}

}  // namespace lzr::asm_engine

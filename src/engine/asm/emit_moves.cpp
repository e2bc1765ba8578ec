// Moves, constants and the unconditional jump.
#include "emitter.h"

namespace lzr::asm_engine {

namespace {

// The move of the instruction `at` instructions from kPc, from an X or Y
// slot to an X or Y slot (the kinds the loader's specialised form names).
void move(Emitter& e, int at, bool from_y, bool to_y) {
  x86::Assembler& a = e.a;
  a.movzx(x86::ecx, e.insn_byte(at * kInsnSize + kInsnB));
  a.movzx(x86::edx, e.insn_byte(at * kInsnSize + kInsnA));
  a.mov(x86::rax, from_y ? e.y_slot(x86::rcx) : e.x_slot(x86::rcx));
  a.mov(to_y ? e.y_slot(x86::rdx) : e.x_slot(x86::rdx), x86::rax);
}

}  // namespace

void emit_moves(Emitter& e) {
  x86::Assembler& a = e.a;

  e.begin(IOp::mov);
  e.load_operand(x86::rax, kInsnB);
  e.store_operand(kInsnA, x86::rax);
  e.next();

  e.begin(IOp::mov_xx);
  move(e, 0, false, false);
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
  a.mov(x86::qword_ptr(kTable, x86::rcx, 3, kXOffset), x86::rax);
  e.next();

  e.begin(IOp::mov_xy);
  move(e, 0, false, true);
  e.next();

  e.begin(IOp::mov_yx);
  move(e, 0, true, false);
  e.next();

  // Pairs (fusion.cpp, fuse_move_pairs): both moves, in order, one dispatch.
  e.begin(IOp::mov2_xx);
  move(e, 0, false, false);
  move(e, 1, false, false);
  e.next(2);

  e.begin(IOp::mov2_xy);
  move(e, 0, false, true);
  move(e, 1, false, true);
  e.next(2);

  e.begin(IOp::mov2_yx);
  move(e, 0, true, false);
  move(e, 1, true, false);
  e.next(2);

  e.begin(IOp::jmp);
  e.jump_to_target();
}

}  // namespace lzr::asm_engine

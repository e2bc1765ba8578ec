// try, tryend, raise. A catch is a marker in its Y slot (the handler comes
// from the module's tables, see engine/exceptions.h), so try and tryend are
// one store each; raise and every other error reach the unwinding exit in
// asm_engine.cpp.
#include "emitter.h"
#include "helpers.h"

namespace lzr::asm_engine {

using asmjit::imm;

namespace {

// Y[a] = value (a is a Y operand: the verifier allows nothing else).
void store_slot_then_next(Emitter& e, Term value) {
  x86::Assembler& a = e.a;
  a.movzx(x86::ecx, e.insn_byte(kInsnA));
  a.mov(x86::rax, imm(value));
  a.mov(e.y_slot(x86::rcx), x86::rax);
  e.next();
}

}  // namespace

void emit_exceptions(Emitter& e) {
  x86::Assembler& a = e.a;

  e.begin(IOp::try_);
  store_slot_then_next(e, kCatchTag);

  e.begin(IOp::tryend);
  store_slot_then_next(e, kNil);

  e.begin(IOp::raise);
  e.load_operand(x86::rsi, kInsnA);
  e.load_operand(x86::rdx, kInsnB);
  e.load_operand(x86::rcx, kInsnC);
  a.mov(x86::rdi, kProc);
  e.call(&h_raise);
  a.jmp(e.exit_raised);
}

}  // namespace lzr::asm_engine

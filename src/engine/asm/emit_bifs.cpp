// Built-in calls that keep registers (bif, gcbif): the routine gathers the
// arguments from their registers and calls the native, as portable.cpp's
// L_bif does. map.get/3 and map.has_key/2 (bif_map_get, bif_map_has_key)
// run in line on a flat map with an immediate key, the common case of a
// counter or a lookup table, and math.sqrt/1 (bif_sqrt) on a number;
// anything else takes the generic routine.
#include "emitter.h"
#include "helpers.h"
#include "vm/atoms.h"

namespace lzr::asm_engine {

using asmjit::imm;
using asmjit::Label;

namespace {

// rsi = the object of the flat map in r10 and ecx its entry count, when
// r10 is a flat map and r11 an immediate key (neither a cons nor a boxed
// term: for those exact equality is word equality, as map_find's kv_index
// relies on too); else a jump to `slow`. Clobbers rax.
void flat_map_with_immediate_key(Emitter& e, Label slow) {
  x86::Assembler& a = e.a;
  static_assert(kBoxedTag16 == kConsTag16 + 1);
  e.untag_or_jump(x86::rsi, x86::r10, kTagBoxed, slow);
  a.mov(x86::rcx, x86::qword_ptr(x86::rsi));  // its header
  a.cmp(x86::cl, static_cast<uint8_t>(BoxKind::MapFlat));
  a.jne(slow);
  a.mov(x86::rax, x86::r11);
  a.shr(x86::rax, kTagShift);
  a.sub(x86::eax, kConsTag16);
  a.cmp(x86::eax, 1);
  a.jbe(slow);
  a.shl(x86::rcx, 64 - kTagShift);
  a.shr(x86::rcx, 64 - kTagShift + 9);  // header words / 2: the entries
}

// rdx = the address of key r11's slot in the flat map at rsi with ecx
// entries, else a jump to `absent`. Clobbers rcx.
void scan_flat_map(Emitter& e, Label absent) {
  x86::Assembler& a = e.a;
  Label scan = a.newLabel(), found = a.newLabel();
  a.test(x86::ecx, x86::ecx);
  a.jz(absent);
  a.lea(x86::rdx, x86::ptr(x86::rsi, 8));
  a.bind(scan);
  a.cmp(x86::qword_ptr(x86::rdx), x86::r11);
  a.je(found);
  a.add(x86::rdx, 16);
  a.dec(x86::ecx);
  a.jnz(scan);
  a.jmp(absent);
  a.bind(found);
}

// Calls the built-in of the instruction at kPc (bif: u is its FunctionInfo;
// gcbif: u is a CtorInfo holding it) with operands b, c, d gathered into the
// spill slots, as portable.cpp's L_bif: the arity's first are its
// arguments (X registers or Y slots; the unused operand bytes read x0,
// harmlessly), and p->fp is set, since natives may look at the stack.
// Result in rax; kRaised goes to the error exit.
void call_builtin(Emitter& e, bool from_ctor) {
  x86::Assembler& a = e.a;
  static_assert(kMaxBifArgs == 3 && kSpillSlots >= 3);
  e.load_operand(x86::rax, kInsnB);
  a.mov(x86::qword_ptr(x86::rsp, kSpillSlot), x86::rax);
  e.load_operand(x86::rax, kInsnC);
  a.mov(x86::qword_ptr(x86::rsp, kSpillSlot + 8), x86::rax);
  e.load_operand(x86::rax, kInsnD);
  a.mov(x86::qword_ptr(x86::rsp, kSpillSlot + 16), x86::rax);
  a.mov(x86::rax, e.insn_u());
  if (from_ctor) a.mov(x86::rax, x86::qword_ptr(x86::rax, kCtorFn));
  a.mov(e.proc(kFpOffset), kFp);
  a.lea(x86::rdi, x86::ptr(x86::rsp, kEnvSlot));
  a.lea(x86::rsi, x86::ptr(x86::rsp, kSpillSlot));
  a.movzx(x86::edx, x86::byte_ptr(x86::rax, kFnArity));
  a.call(x86::qword_ptr(x86::rax, kFnNative));
  e.check_raised(x86::rax);
}

}  // namespace

void emit_bifs(Emitter& e) {
  x86::Assembler& a = e.a;

  e.begin(IOp::bif);
  call_builtin(e, false);
  e.store_operand(kInsnA, x86::rax);
  e.next();

  e.begin(IOp::gcbif);
  call_builtin(e, true);
  e.store_operand(kInsnA, x86::rax);
  e.safe_point_then_next(Emitter::MaskFrom::Ctor);

  // map.get(Map, Key, Default): the value, or operand d when the key is absent.
  e.begin(IOp::bif_map_get);
  {
    Label absent = a.newLabel(), slow = a.newLabel();
    e.load_operand(x86::r10, kInsnB);
    e.load_operand(x86::r11, kInsnC);
    flat_map_with_immediate_key(e, slow);
    scan_flat_map(e, absent);
    a.mov(x86::rax, x86::qword_ptr(x86::rdx, 8));
    e.store_operand(kInsnA, x86::rax);
    e.next();
    e.cold([&e, absent, slow] {
      e.a.bind(absent);
      e.load_operand(x86::rax, kInsnD);
      e.store_operand(kInsnA, x86::rax);
      e.next();
      e.a.bind(slow);  // not a flat map, or a key that is not immediate
      e.a.jmp(e.op_labels[static_cast<unsigned>(IOp::bif)]);
    });
  }

  // map.has_key(Map, Key): true or false.
  e.begin(IOp::bif_map_has_key);
  {
    Label absent = a.newLabel(), slow = a.newLabel(), store = a.newLabel();
    e.load_operand(x86::r10, kInsnB);
    e.load_operand(x86::r11, kInsnC);
    flat_map_with_immediate_key(e, slow);
    scan_flat_map(e, absent);
    a.mov(x86::rax, imm(kTrue));
    a.bind(store);
    e.store_operand(kInsnA, x86::rax);
    e.next();
    e.cold([&e, absent, slow, store] {
      e.a.bind(absent);
      e.a.mov(x86::rax, imm(kFalse));
      e.a.jmp(store);
      e.a.bind(slow);
      e.a.jmp(e.op_labels[static_cast<unsigned>(IOp::bif)]);
    });
  }

  // math.sqrt(X) of a float or small integer: sqrtsd, exact as the
  // built-in's (IEEE square roots are correctly rounded). A negative
  // argument leaves NaN; that, a big integer and a non-number take the
  // generic routine (the built-in's error, or its result).
  e.begin(IOp::bif_sqrt);
  {
    Label slow = a.newLabel();
    e.load_operand(x86::rax, kInsnB);
    e.load_number(x86::xmm0, x86::rax, x86::rcx, slow);
    a.sqrtsd(x86::xmm0, x86::xmm0);
    a.ucomisd(x86::xmm0, x86::xmm0);
    a.jp(slow);
    a.movq(x86::rax, x86::xmm0);
    e.store_operand(kInsnA, x86::rax);
    e.next();
    e.cold([&e, slow] {
      e.a.bind(slow);
      e.a.jmp(e.op_labels[static_cast<unsigned>(IOp::bif)]);
    });
  }
}

}  // namespace lzr::asm_engine

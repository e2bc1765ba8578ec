// Term construction and access: get (tuple fast path), cons, tuple, list and
// closures by bump allocation; drop, put, map, type and size through helpers.
// Every allocating instruction ends with the same safe point as portable.cpp.
#include "emitter.h"
#include "helpers.h"

namespace lzr::asm_engine {

using asmjit::imm;
using asmjit::Label;

namespace {

// rax = the tuple element, or a jump to `slow`: container r10, index r11.
// Two unsigned compares do all the checking: r10 ^ kTagBoxed is below 2^48
// exactly when r10 is boxed (and is then the object), and r11 + bias is
// below the arity only when r11 is a small integer (else its top bits are
// set) that is not negative (else its payload is >= 2^47) and in range.
void tuple_get_fast(Emitter& e, Label slow) {
  x86::Assembler& a = e.a;
  a.mov(x86::rsi, imm(kTagBoxed));
  a.xor_(x86::rsi, x86::r10);
  a.cmp(x86::rsi, x86::qword_ptr(x86::rsp, kIntLimitSlot));
  a.jae(slow);
  a.lea(x86::rdx, x86::ptr(x86::r11, kIntBias));
  a.mov(x86::rcx, x86::qword_ptr(x86::rsi));  // its header
  static_assert(static_cast<uint8_t>(BoxKind::Tuple) == 0);
  a.test(x86::cl, x86::cl);
  a.jnz(slow);
  a.shl(x86::rcx, 64 - kTagShift);
  a.shr(x86::rcx, 64 - kTagShift + 8);  // arity
  a.cmp(x86::rdx, x86::rcx);
  a.jae(slow);
  a.mov(x86::rax, x86::qword_ptr(x86::rsi, x86::rdx, 3, 8));
}

void emit_get(Emitter& e, IOp iop, bool x_only) {
  x86::Assembler& a = e.a;
  Label slow = a.newLabel();
  auto store = [&e, x_only] { e.store_a_then_next(x_only); };
  e.begin(iop);
  e.load_operand_pair(x_only, kInsnB, kInsnC);
  tuple_get_fast(e, slow);
  store();
  e.cold([&e, slow, store] {
    e.a.bind(slow);
    e.a.mov(x86::rdi, kProc);
    e.a.mov(x86::rsi, x86::r10);
    e.a.mov(x86::rdx, x86::r11);
    e.call(&h_get);
    e.check_raised(x86::rax);
    store();
  });
}

// load_get / load_drop: X[a] = the integer constant c >= 0 (u; bytes 4..7:
// c), then the next instruction, a' = get/drop(b', X[a]) with any operand
// kinds, when it is a tuple element (get), a list's head (get 0) or its
// tail (drop 1): the accesses compiled record and list code makes. Anything
// else (maps, binaries, longer walks, errors, drop from a tuple, which
// allocates) runs the next instruction on its own.
void emit_fused_access(Emitter& e, IOp iop, bool drop) {
  x86::Assembler& a = e.a;
  Label plain = a.newLabel(), not_tuple = a.newLabel();
  auto store_and_skip = [&e] {
    e.store_operand(kInsnSize + kInsnA, x86::rax);
    e.next(2);
  };
  e.begin(iop);
  e.fused_load();  // r11 = the index
  e.load_operand(x86::r10, kInsnSize + kInsnB);  // read after the load: b' may be a
  if (!drop) {
    tuple_get_fast(e, not_tuple);
    store_and_skip();
    a.bind(not_tuple);
  }
  // A list's head (get 0) or tail (drop 1).
  a.cmp(x86::dword_ptr(kPc, kInsnImm), drop ? 1 : 0);
  a.jne(plain);
  a.mov(x86::rcx, x86::r10);
  a.shr(x86::rcx, kTagShift);
  a.cmp(x86::ecx, kConsTag16);
  a.jne(plain);
  a.shl(x86::r10, 64 - kTagShift);
  a.shr(x86::r10, 64 - kTagShift);  // the cell
  a.mov(x86::rax, x86::qword_ptr(x86::r10, drop ? 8 : 0));
  store_and_skip();
  a.bind(plain);
  e.next();
}

// Header word of a boxed object: kTagHeader | words << 8 | kind, with the
// word count in `words` (clobbered).
void make_header(x86::Assembler& a, x86::Gp words, BoxKind kind) {
  a.shl(words, 8);
  a.mov(x86::rcx, imm(kTagHeader | static_cast<uint8_t>(kind)));
  a.or_(words, x86::rcx);
}

// Copies the constructor's `count` (r10d) operands to [r9 + 8*i + disp],
// operand bytes at r8 + kCtorOps. Clobbers rax, rcx, rdx, r11.
void copy_ctor_operands(Emitter& e, int32_t disp) {
  x86::Assembler& a = e.a;
  Label loop = a.newLabel(), done = a.newLabel();
  a.xor_(x86::r11d, x86::r11d);
  a.test(x86::r10d, x86::r10d);
  a.jz(done);
  a.bind(loop);
  a.movzx(x86::edx, x86::byte_ptr(x86::r8, x86::r11, 0, kCtorOps));
  e.load_operand_reg(x86::rax, x86::rdx);
  a.mov(x86::qword_ptr(x86::r9, x86::r11, 3, disp), x86::rax);
  a.inc(x86::r11d);
  a.cmp(x86::r11d, x86::r10d);
  a.jb(loop);
  a.bind(done);
}

// Allocates `extra` + count words (count from the instruction's CtorInfo),
// leaving r8 = CtorInfo*, r9 = object, r10d = count.
void alloc_for_ctor(Emitter& e, int32_t extra, int32_t per_element) {
  x86::Assembler& a = e.a;
  a.mov(x86::r8, e.insn_u());
  a.mov(x86::esi, x86::dword_ptr(x86::r8, kCtorCount));
  if (per_element == 2) a.add(x86::esi, x86::esi);
  if (extra) a.add(x86::esi, extra);
  e.alloc_words_in_rsi();
  a.mov(x86::r9, x86::rax);
  a.mov(x86::r8, e.insn_u());  // the slow path may have clobbered it
  a.mov(x86::r10d, x86::dword_ptr(x86::r8, kCtorCount));
}

void store_boxed_then_safe_point(Emitter& e, x86::Gp object, uint64_t tag) {
  e.a.mov(x86::rax, imm(tag));
  e.a.or_(x86::rax, object);
  e.store_operand(kInsnA, x86::rax);
  e.safe_point_then_next(Emitter::MaskFrom::Ctor);
}

}  // namespace

void emit_terms(Emitter& e) {
  x86::Assembler& a = e.a;

  emit_get(e, IOp::get, false);
  emit_get(e, IOp::get_xxx, true);
  emit_fused_access(e, IOp::load_get, false);
  emit_fused_access(e, IOp::load_drop, true);

  e.begin(IOp::drop);
  e.load_operand(x86::r10, kInsnB);
  e.load_operand(x86::r11, kInsnC);
  a.mov(x86::rdi, kProc);
  a.mov(x86::rsi, x86::r10);
  a.mov(x86::rdx, x86::r11);
  e.call(&h_drop);
  e.check_raised(x86::rax);
  e.store_operand(kInsnA, x86::rax);
  e.safe_point_then_next(Emitter::MaskFrom::Immediate, ~0u);  // drop has no regmask

  e.begin(IOp::put);
  e.load_operand(x86::r9, kInsnB);
  e.load_operand(x86::r10, kInsnC);
  e.load_operand(x86::r11, kInsnD);
  a.mov(x86::rdi, kProc);
  a.mov(x86::rsi, x86::r9);
  a.mov(x86::rdx, x86::r10);
  a.mov(x86::rcx, x86::r11);
  e.call(&h_put);
  e.check_raised(x86::rax);
  e.store_operand(kInsnA, x86::rax);
  e.safe_point_then_next(Emitter::MaskFrom::InsnU);

  e.begin(IOp::cons);
  a.mov(x86::esi, 2);
  e.alloc_words_in_rsi();
  a.mov(x86::r9, x86::rax);
  e.load_operand(x86::rax, kInsnB);
  a.mov(x86::qword_ptr(x86::r9), x86::rax);
  e.load_operand(x86::rax, kInsnC);
  a.mov(x86::qword_ptr(x86::r9, 8), x86::rax);
  a.mov(x86::rax, imm(kTagCons));
  a.or_(x86::rax, x86::r9);
  e.store_operand(kInsnA, x86::rax);
  e.safe_point_then_next(Emitter::MaskFrom::InsnU);

  e.begin(IOp::tuple);
  alloc_for_ctor(e, 1, 1);
  a.mov(x86::rax, x86::r10);
  make_header(a, x86::rax, BoxKind::Tuple);
  a.mov(x86::qword_ptr(x86::r9), x86::rax);
  copy_ctor_operands(e, 8);
  store_boxed_then_safe_point(e, x86::r9, kTagBoxed);

  // Closure: header, FunctionInfo*, upvalues.
  e.begin(IOp::fn);
  alloc_for_ctor(e, 2, 1);
  a.lea(x86::rax, x86::ptr(x86::r10, 1));  // r10 = count, zero-extended
  make_header(a, x86::rax, BoxKind::Closure);
  a.mov(x86::qword_ptr(x86::r9), x86::rax);
  a.mov(x86::rax, x86::qword_ptr(x86::r8, kCtorFn));
  a.mov(x86::qword_ptr(x86::r9, 8), x86::rax);
  copy_ctor_operands(e, 16);
  store_boxed_then_safe_point(e, x86::r9, kTagBoxed);

  // List: count cons cells in one block, each tail pointing at the next.
  e.begin(IOp::list);
  {
    Label empty = a.newLabel(), loop = a.newLabel();
    a.mov(x86::rax, e.insn_u());
    a.cmp(x86::dword_ptr(x86::rax, kCtorCount), 0);
    a.je(empty);
    alloc_for_ctor(e, 0, 2);
    a.xor_(x86::r11d, x86::r11d);
    a.bind(loop);  // r11 = element index; cell i at r9 + 16 * i
    a.movzx(x86::edx, x86::byte_ptr(x86::r8, x86::r11, 0, kCtorOps));
    e.load_operand_reg(x86::rax, x86::rdx);
    a.mov(x86::rdx, x86::r11);
    a.shl(x86::rdx, 4);
    a.add(x86::rdx, x86::r9);                            // the cell
    a.mov(x86::qword_ptr(x86::rdx), x86::rax);           // head
    a.mov(x86::rax, imm(kTagCons));
    a.lea(x86::rcx, x86::ptr(x86::rdx, 16));
    a.or_(x86::rax, x86::rcx);
    a.mov(x86::qword_ptr(x86::rdx, 8), x86::rax);        // tail: the next cell
    a.inc(x86::r11d);
    a.cmp(x86::r11d, x86::r10d);
    a.jb(loop);
    a.mov(x86::rax, imm(kNil));
    a.mov(x86::qword_ptr(x86::rdx, 8), x86::rax);        // the last tail
    store_boxed_then_safe_point(e, x86::r9, kTagCons);
    a.bind(empty);
    a.mov(x86::rax, imm(kNil));
    e.store_operand(kInsnA, x86::rax);
    e.safe_point_then_next(Emitter::MaskFrom::Ctor);
  }

  e.begin(IOp::map);
  a.mov(x86::rdi, kProc);
  a.mov(x86::rsi, kPc);
  a.mov(x86::rdx, kFp);
  a.mov(x86::rcx, kUpv);
  e.call(&h_map);
  e.store_operand(kInsnA, x86::rax);
  e.safe_point_then_next(Emitter::MaskFrom::Ctor);

  e.begin(IOp::type);
  e.load_operand(x86::rdi, kInsnB);
  e.call(&h_type);
  e.store_operand(kInsnA, x86::rax);
  e.next();

  e.begin(IOp::size);
  e.load_operand(x86::rsi, kInsnB);
  a.mov(x86::rdi, kProc);
  e.call(&h_size);
  e.check_raised(x86::rax);
  e.store_operand(kInsnA, x86::rax);
  e.next();
}

}  // namespace lzr::asm_engine

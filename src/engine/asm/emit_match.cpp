// Pattern matching (docs/bytecode.md, "Pattern matching"): type tests and
// arity tests that jump, exact compare-jumps, multi-way jumps through a
// jump table or a binary search, all in line. Only an exact compare of two
// pointers of one kind (a structural walk) calls out, to exact_equal.
#include <cstddef>
#include <type_traits>

#include "emitter.h"
#include "format/opcodes.h"
#include "helpers.h"
#include "vm/atoms.h"

namespace lzr::asm_engine {

using asmjit::imm;
using asmjit::Label;

namespace {

constexpr int32_t kSelectFail = offsetof(SelectInfo, fail);
constexpr int32_t kSelectLow = offsetof(SelectInfo, low);
constexpr int32_t kSelectCount = offsetof(SelectInfo, count);
constexpr int32_t kSelectKeys = offsetof(SelectInfo, keys);
constexpr int32_t kSelectTargets = offsetof(SelectInfo, targets);
static_assert(std::is_standard_layout_v<SelectInfo>);
static_assert(kBoxedTag16 == kConsTag16 + 1, "the pointer tags are the two from kConsTag16");
static_assert(sizeof(FunctionInfo::arity) == 1);

// eax = the tag (top 16 bits) of t.
void tag16(x86::Assembler& a, x86::Gp t) {
  a.mov(x86::rax, t);
  a.shr(x86::rax, kTagShift);
}

// rax = the object t (r10) points to, rdx = its header and ecx = the
// header's kind byte, when t is boxed; else a jump to `no`.
void boxed_header(Emitter& e, Label no) {
  x86::Assembler& a = e.a;
  e.untag_or_jump(x86::rax, x86::r10, kTagBoxed, no);
  a.mov(x86::rdx, x86::qword_ptr(x86::rax));
  a.movzx(x86::ecx, x86::dl);
}

// Falls through when r10 is of the type `test` (is_arity's: of the arity
// in the instruction's bytes 4..7 too), else jumps to `no`. Clobbers rax,
// rcx, rdx.
void check_type(Emitter& e, TypeTest test, bool arity, Label no) {
  x86::Assembler& a = e.a;
  switch (test) {
    case TypeTest::Integer: case TypeTest::Number: {
      // A small integer in line; floats (Number) by tag; a big integer
      // (boxed, kind BigPos or BigNeg) out of line.
      Label yes = a.newLabel(), not_small = a.newLabel();
      e.jump_unless_int(x86::r10, x86::rax, not_small);
      a.bind(yes);
      e.cold([&e, test, yes, not_small, no] {
        x86::Assembler& a = e.a;
        a.bind(not_small);
        if (test == TypeTest::Number) {
          a.mov(x86::rax, imm(kTagInt));
          a.cmp(x86::r10, x86::rax);
          a.jb(yes);  // a float
        }
        boxed_header(e, no);
        a.sub(x86::ecx, static_cast<uint32_t>(BoxKind::BigPos));
        a.cmp(x86::ecx, 1);
        a.jbe(yes);
        a.jmp(no);
      });
      break;
    }
    case TypeTest::Float:
      a.mov(x86::rax, imm(kTagInt));
      a.cmp(x86::r10, x86::rax);
      a.jae(no);
      break;
    case TypeTest::Atom: case TypeTest::Cons:
      tag16(a, x86::r10);
      a.cmp(x86::eax, test == TypeTest::Atom ? kAtomTag16 : kConsTag16);
      a.jne(no);
      break;
    case TypeTest::Boolean: {
      Label yes = a.newLabel();
      a.mov(x86::rax, imm(kTrue));
      a.cmp(x86::r10, x86::rax);
      a.je(yes);
      a.mov(x86::rax, imm(kFalse));
      a.cmp(x86::r10, x86::rax);
      a.jne(no);
      a.bind(yes);
      break;
    }
    case TypeTest::Nil: case TypeTest::List: {
      Label yes = a.newLabel();
      a.mov(x86::rax, imm(kNil));
      a.cmp(x86::r10, x86::rax);
      if (test == TypeTest::Nil) {
        a.jne(no);
        break;
      }
      a.je(yes);
      tag16(a, x86::r10);
      a.cmp(x86::eax, kConsTag16);
      a.jne(no);
      a.bind(yes);
      break;
    }
    case TypeTest::Tuple:
      if (arity) {  // the whole header: kind Tuple (0) and the arity
        e.untag_or_jump(x86::rax, x86::r10, kTagBoxed, no);
        a.mov(x86::edx, x86::dword_ptr(kPc, kInsnC));
        a.shl(x86::rdx, 8);
        a.mov(x86::rcx, imm(make_header(BoxKind::Tuple, 0)));
        a.or_(x86::rdx, x86::rcx);
        a.cmp(x86::qword_ptr(x86::rax), x86::rdx);
        a.jne(no);
        break;
      }
      boxed_header(e, no);
      a.cmp(x86::ecx, static_cast<uint32_t>(BoxKind::Tuple));
      a.jne(no);
      break;
    case TypeTest::Map:
      boxed_header(e, no);
      static_assert(static_cast<unsigned>(BoxKind::MapHamt) == static_cast<unsigned>(BoxKind::MapFlat) + 1);
      a.sub(x86::ecx, static_cast<uint32_t>(BoxKind::MapFlat));
      a.cmp(x86::ecx, 1);
      a.ja(no);
      break;
    case TypeTest::Pid: case TypeTest::Reference:  // immediates: the mark bits
      a.mov(x86::rax, imm(kIdMarkMask));
      a.and_(x86::rax, x86::r10);
      a.mov(x86::rcx, imm(test == TypeTest::Pid ? kPidMark : kRefMark));
      a.cmp(x86::rax, x86::rcx);
      a.jne(no);
      break;
    case TypeTest::Binary: case TypeTest::Function:
      boxed_header(e, no);
      a.cmp(x86::ecx, static_cast<uint32_t>(test == TypeTest::Binary ? BoxKind::Binary : BoxKind::Closure));
      a.jne(no);
      if (arity) {  // the closure's FunctionInfo, then its arity
        a.mov(x86::rax, x86::qword_ptr(x86::rax, 8));
        a.movzx(x86::ecx, x86::byte_ptr(x86::rax, kFnArity));
        a.cmp(x86::ecx, x86::dword_ptr(kPc, kInsnC));
        a.jne(no);
      }
      break;
    default: break;  // Pid, Reference: reserved, never loaded
  }
}

// is_<type> (negate: isnt_<type>) of the operand a: a jump to u.target
// when the test fails (negate: holds).
void emit_type_test(Emitter& e, IOp iop, TypeTest test, bool arity, bool negate) {
  x86::Assembler& a = e.a;
  Label no = a.newLabel();
  e.begin(iop);
  e.load_operand(x86::r10, kInsnA);
  check_type(e, test, arity, no);
  if (negate) {
    e.jump_to_target();
    a.bind(no);
    e.next();
  } else {
    e.next();
    a.bind(no);
    e.jump_to_target();
  }
}

// eqx / nex: identical words are exactly equal; otherwise only two
// pointers of one kind (cons or boxed) may be, which exact_equal decides.
void emit_exact_compare(Emitter& e, IOp iop, bool equal) {
  x86::Assembler& a = e.a;
  Label same = a.newLabel(), differ = a.newLabel(), walk = a.newLabel();
  e.begin(iop);
  e.load_pair(Emitter::Kind::Any, kInsnA, Emitter::Kind::Any, kInsnB);
  a.cmp(x86::r10, x86::r11);
  a.je(same);
  tag16(a, x86::r10);
  a.mov(x86::rdx, x86::r11);
  a.shr(x86::rdx, kTagShift);
  a.cmp(x86::eax, x86::edx);
  a.jne(differ);
  a.cmp(x86::eax, kConsTag16);
  a.jae(walk);  // two conses or two boxed terms
  a.bind(differ);
  if (equal) {
    e.next();
    a.bind(same);
    e.jump_to_target();
  } else {
    e.jump_to_target();
    a.bind(same);
    e.next();
  }
  e.cold([&e, walk, same, differ] {
    x86::Assembler& a = e.a;
    Label helper = a.newLabel();
    // Two tuples (a record and a pattern's, a key's parts) compare in line.
    a.bind(walk);
    e.tuples_equal(same, differ, helper, true);
    a.bind(helper);
    a.mov(x86::rdi, x86::r10);
    a.mov(x86::rsi, x86::r11);
    e.call(&h_exact_equal);
    a.test(x86::eax, x86::eax);
    a.jnz(same);
    a.jmp(differ);
  });
}

// rsi = the instruction's SelectInfo; then to its target for slot rax
// (unsigned: below count), else to its default.
void jump_table(Emitter& e, Label fail) {
  x86::Assembler& a = e.a;
  a.sub(x86::rax, x86::qword_ptr(x86::rsi, kSelectLow));
  a.cmp(x86::rax, x86::qword_ptr(x86::rsi, kSelectCount));
  a.jae(fail);
  a.mov(x86::rax, x86::qword_ptr(x86::rsi, x86::rax, 3, kSelectTargets));
  e.jump_counted(x86::rax);
}

// The target of key r10 in rsi's sorted keys (a binary search whose loop
// runs log2(count) times whatever the key), else `fail`. Its step
// branches: keys that come in a pattern are predicted, and the next
// step's load need not wait for this one's (a cmov would chain them).
void search(Emitter& e, Label fail) {
  x86::Assembler& a = e.a;
  Label loop = a.newLabel(), last = a.newLabel();
  a.mov(x86::rdi, x86::qword_ptr(x86::rsi, kSelectKeys));  // lo
  a.mov(x86::rcx, x86::qword_ptr(x86::rsi, kSelectCount));  // n: lo[0..n) may hold the key
  a.cmp(x86::rcx, 1);
  a.jbe(last);
  Label below = a.newLabel();
  a.bind(loop);
  a.mov(x86::rdx, x86::rcx);
  a.shr(x86::rdx, 1);
  a.lea(x86::rax, x86::ptr(x86::rdi, x86::rdx, 3));
  a.cmp(x86::qword_ptr(x86::rax), x86::r10);
  a.ja(below);
  a.mov(x86::rdi, x86::rax);  // lo[half] <= key: the key is at or after it
  a.bind(below);
  a.sub(x86::rcx, x86::rdx);
  a.cmp(x86::rcx, 1);
  a.ja(loop);
  a.bind(last);
  a.test(x86::rcx, x86::rcx);
  a.jz(fail);  // no keys
  a.cmp(x86::qword_ptr(x86::rdi), x86::r10);
  a.jne(fail);
  a.sub(x86::rdi, x86::qword_ptr(x86::rsi, kSelectKeys));  // the key's index * 8
  a.mov(x86::rax, x86::qword_ptr(x86::rsi, x86::rdi, 0, kSelectTargets));
  e.jump_counted(x86::rax);
}

// select_jt / select_bs (arities: arity_jt / arity_bs).
void emit_select(Emitter& e, IOp iop, bool arities, bool table) {
  x86::Assembler& a = e.a;
  Label fail = a.newLabel();
  e.begin(iop);
  e.load_operand(x86::r10, kInsnA);
  a.mov(x86::rsi, e.insn_u());
  if (arities) {  // r10 = the tuple's arity
    boxed_header(e, fail);
    a.test(x86::ecx, x86::ecx);
    static_assert(static_cast<unsigned>(BoxKind::Tuple) == 0);
    a.jnz(fail);
    a.shl(x86::rdx, 16);
    a.shr(x86::rdx, 16 + 8);
    a.mov(x86::r10, x86::rdx);
  }
  if (table) {
    if (!arities) {  // a small integer's value
      tag16(a, x86::r10);
      a.cmp(x86::eax, kIntTag16);
      a.jne(fail);
      a.mov(x86::rax, x86::r10);
      a.shl(x86::rax, 64 - kTagShift);
      a.sar(x86::rax, 64 - kTagShift);
    } else {
      a.mov(x86::rax, x86::r10);
    }
    jump_table(e, fail);
  } else {
    search(e, fail);
  }
  a.bind(fail);
  a.mov(x86::rax, x86::qword_ptr(x86::rsi, kSelectFail));
  e.jump_counted(x86::rax);
}

}  // namespace

void emit_match(Emitter& e) {
  for (unsigned k = 0; k < kTypeTestsDefined; ++k) {
    const auto test = static_cast<TypeTest>(k);
    emit_type_test(e, static_cast<IOp>(static_cast<unsigned>(IOp::is_integer) + k), test, false, false);
    emit_type_test(e, static_cast<IOp>(static_cast<unsigned>(IOp::isnt_integer) + k), test, false, true);
  }
  emit_type_test(e, IOp::is_tuple_of, TypeTest::Tuple, true, false);
  emit_type_test(e, IOp::isnt_tuple_of, TypeTest::Tuple, true, true);
  emit_type_test(e, IOp::is_function_of, TypeTest::Function, true, false);
  emit_type_test(e, IOp::isnt_function_of, TypeTest::Function, true, true);
  emit_exact_compare(e, IOp::eqx, true);
  emit_exact_compare(e, IOp::nex, false);
  emit_select(e, IOp::select_jt, false, true);
  emit_select(e, IOp::select_bs, false, false);
  emit_select(e, IOp::arity_jt, true, true);
  emit_select(e, IOp::arity_bs, true, false);
}

}  // namespace lzr::asm_engine

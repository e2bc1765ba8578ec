#include "emitter.h"


#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "helpers.h"
#include "sys/cpu_features.h"

namespace lzr::asm_engine {

using asmjit::imm;

namespace {

// Asked of glibc (sys/cpu_features.h) rather than through
// asmjit::CpuInfo::host(), whose full detection also counts the CPUs through
// sysconf (opening and parsing a sysfs file: libc code that only this would
// bring into a short run's memory).
bool cpu_has_bmi2() { return LZR_CPU_HAS(BMI2); }

}  // namespace

Emitter::Emitter(x86::Assembler& assembler, bool named_labels) : a(assembler), op_labels(assembler, named_labels) {
  const char* no_bmi2 = std::getenv("LZR_ASM_NO_BMI2");  // tests the fallback sequences
  static const bool has_bmi2 = cpu_has_bmi2();
  bmi2 = has_bmi2 && !(no_bmi2 && *no_bmi2 == '1');
  exit_raised = a.newLabel();
  exit_overflow = a.newLabel();
  exit_yield = a.newLabel();
  exit_leave = a.newLabel();
  exit_done = a.newLabel();
  do_ret = a.newLabel();
}

void Emitter::begin(IOp op) {
  current_ = op;
  a.align(asmjit::AlignMode::kCode, 16);
  a.bind(op_labels[static_cast<unsigned>(op)]);
}

void Emitter::dispatch() {
  a.movzx(x86::eax, x86::word_ptr(kPc));
  a.jmp(x86::qword_ptr(kTable, x86::rax, 3));
}

void Emitter::reduce() {
  a.sub(x86::dword_ptr(kProc, kRedsOffset), 1);
  a.jle(exit_yield);
}

void Emitter::next(int n) {
  a.movzx(x86::eax, x86::word_ptr(kPc, n * kInsnSize));
  a.add(kPc, n * kInsnSize);
  a.jmp(x86::qword_ptr(kTable, x86::rax, 3));
}

void Emitter::load_x(x86::Gp dst, int32_t field) {
  a.movzx(x86::ecx, insn_byte(field));
  a.mov(dst, x86::qword_ptr(kTable, x86::rcx, 3, kXOffset));
}

void Emitter::store_x(int32_t field, x86::Gp value) {
  a.movzx(x86::ecx, insn_byte(field));
  a.mov(x86::qword_ptr(kTable, x86::rcx, 3, kXOffset), value);
}

// Operand bytes are kind << 5 | index with kinds X = 0, Y = 1, U = 2, so the
// byte's value alone picks the base: below 32 X, below 64 Y, else U; and
// base + byte * 8 with a displacement of -256 (Y) or -512 (U) needs no
// masking. X operands, by far the most common, take the inline path; Y and U
// branch out of line. (Each instruction site keeps its operand kinds, so the
// branch is predicted from the dispatch history.)
void Emitter::load_operand_reg(x86::Gp dst, x86::Gp op_byte) {
  asmjit::Label not_x = a.newLabel(), done = a.newLabel();
  x86::Gp byte = op_byte.r64();
  a.cmp(op_byte.r32(), 32);
  a.jae(not_x);
  a.mov(dst, x86::qword_ptr(kTable, byte, 3, kXOffset));
  a.bind(done);
  cold([this, dst, byte, not_x, done] {
    asmjit::Label is_u = a.newLabel();
    a.bind(not_x);
    a.cmp(byte.r32(), 64);
    a.jae(is_u);
    a.mov(dst, x86::qword_ptr(kFp, byte, 3, -8 * 32));
    a.jmp(done);
    a.bind(is_u);
    a.mov(dst, x86::qword_ptr(kUpv, byte, 3, -8 * 64));
    a.jmp(done);
  });
}

void Emitter::load_operand(x86::Gp dst, int32_t field) {
  a.movzx(x86::ecx, insn_byte(field));
  load_operand_reg(dst, x86::rcx);
}

Emitter::Kinds Emitter::kinds_named(const char* kinds) {
  Kind k[3] = {Kind::Any, Kind::Any, Kind::Any};
  if (std::string_view(kinds) == "any") return kAnyKinds;
  for (int i = 0; i < 3 && kinds[i]; ++i) k[i] = kinds[i] == 'x' ? Kind::X : Kind::Y;
  return {k[0], k[1], k[2]};
}

void Emitter::load_as(x86::Gp dst, int32_t field, Kind k) {
  switch (k) {
    case Kind::X: load_x(dst, field); break;
    case Kind::Y:
      a.movzx(x86::ecx, insn_byte(field));
      a.mov(dst, y_slot(x86::rcx));
      break;
    case Kind::Any: load_operand(dst, field); break;
  }
}

void Emitter::store_as(int32_t field, x86::Gp value, Kind k) {
  switch (k) {
    case Kind::X: store_x(field, value); break;
    case Kind::Y:
      a.movzx(x86::ecx, insn_byte(field));
      a.mov(y_slot(x86::rcx), value);
      break;
    case Kind::Any: store_operand(field, value); break;
  }
}

void Emitter::load_pair(Kind k1, int32_t first, Kind k2, int32_t second) {
  load_as(x86::r10, first, k1);
  load_as(x86::r11, second, k2);
}

void Emitter::store_a_then_next(Kind k) {
  store_as(kInsnA, x86::rax, k);
  next();
}

void Emitter::store_a_then_safe_point(Kind k) {
  store_as(kInsnA, x86::rax, k);
  safe_point_then_next(MaskFrom::Immediate, ~0u);
}

void Emitter::jump_to_target() {
  a.mov(x86::rax, insn_u());
  jump_counted(x86::rax);
}

void Emitter::jump_counted(x86::Gp to, int at) {
  asmjit::Label forward = a.newLabel();
  if (at == 0) {
    a.cmp(to, kPc);
  } else {
    a.lea(x86::rcx, x86::ptr(kPc, at * kInsnSize));
    a.cmp(to, x86::rcx);
  }
  a.mov(kPc, to);  // keeps the flags
  a.ja(forward);
  reduce();
  a.bind(forward);
  dispatch();
}

void Emitter::fused_load() {
  a.movzx(x86::ecx, insn_byte(kInsnA));
  a.mov(x86::r11, insn_u());
  a.mov(x_slot(x86::rcx), x86::r11);
}

// Written operands are X or Y (the verifier rejects a written uN).
void Emitter::store_operand(int32_t field, x86::Gp value) {
  asmjit::Label to_y = a.newLabel(), done = a.newLabel();
  a.movzx(x86::ecx, insn_byte(field));
  a.cmp(x86::ecx, 32);
  a.jae(to_y);
  a.mov(x_slot(x86::rcx), value);
  a.bind(done);
  cold([this, value, to_y, done] {
    a.bind(to_y);
    a.mov(y_slot(x86::rcx), value);
    a.jmp(done);
  });
}

// t + kIntBias is below 2^48 exactly for small integers; comparing with the
// 2^48 kept on the machine stack lets cmp and jae fuse into one macro-op.
void Emitter::jump_unless_int(x86::Gp t, x86::Gp scratch, asmjit::Label not_int) {
  a.lea(scratch, x86::ptr(t, kIntBias));
  a.cmp(scratch, x86::qword_ptr(x86::rsp, kIntLimitSlot));
  a.jae(not_int);
}

void Emitter::jump_unless_ints(x86::Gp t1, x86::Gp t2, x86::Gp s1, x86::Gp s2, asmjit::Label not_int) {
  a.lea(s1, x86::ptr(t1, kIntBias));
  a.lea(s2, x86::ptr(t2, kIntBias));
  a.or_(s1, s2);
  a.cmp(s1, x86::qword_ptr(x86::rsp, kIntLimitSlot));
  a.jae(not_int);
}

void Emitter::rotate_tag_low(x86::Gp dst, x86::Gp src) {
  if (bmi2) {
    a.rorx(dst, src, 64 - 16);
  } else {
    a.mov(dst, src);
    a.rol(dst, 16);
  }
}

void Emitter::untag_or_jump(x86::Gp dst, x86::Gp t, uint64_t tag, asmjit::Label other) {
  a.mov(dst, imm(tag));
  a.xor_(dst, t);
  a.cmp(dst, x86::qword_ptr(x86::rsp, kIntLimitSlot));
  a.jae(other);
}

void Emitter::tuples_equal(asmjit::Label same, asmjit::Label differ, asmjit::Label walk, bool exact) {
  asmjit::Label words = a.newLabel(), unequal = a.newLabel();
  untag_or_jump(x86::rsi, x86::r10, kTagBoxed, walk);
  untag_or_jump(x86::rdi, x86::r11, kTagBoxed, walk);
  a.mov(x86::rcx, x86::qword_ptr(x86::rsi));  // r10's header
  static_assert(static_cast<uint8_t>(BoxKind::Tuple) == 0);
  a.test(x86::cl, x86::cl);
  a.jnz(walk);
  a.cmp(x86::rcx, x86::qword_ptr(x86::rdi));  // not a tuple of that arity: unequal
  a.jne(differ);
  a.shl(x86::rcx, 64 - kTagShift);
  a.shr(x86::rcx, 64 - kTagShift + 8);  // the arity
  a.jz(same);
  a.bind(words);
  a.mov(x86::rax, x86::qword_ptr(x86::rsi, x86::rcx, 3));
  a.cmp(x86::rax, x86::qword_ptr(x86::rdi, x86::rcx, 3));
  a.jne(unequal);
  a.dec(x86::rcx);
  a.jnz(words);
  a.jmp(same);
  // Differing words: immediates other than floats differ by value too (a
  // small integer is canonical); a pointer, or a float for ==, needs the walk.
  a.bind(unequal);
  for (int side = 0; side < 2; ++side) {
    if (side == 1) a.mov(x86::rax, x86::qword_ptr(x86::rdi, x86::rcx, 3));
    a.shr(x86::rax, kTagShift);
    a.cmp(x86::eax, kConsTag16);
    a.jae(walk);
    if (!exact) {
      a.cmp(x86::eax, kTagInt >> kTagShift);
      a.jb(walk);
    }
  }
  a.jmp(differ);
}

// Small integers convert with cvtsi2sd (48 bits: exactly); the xorps
// breaks its false dependency on dst's previous value.
void Emitter::int_to_double(x86::Xmm dst, x86::Gp t, x86::Gp scratch, asmjit::Label not_int) {
  jump_unless_int(t, scratch, not_int);
  a.shl(scratch, 64 - kTagShift);
  a.sar(scratch, 64 - kTagShift);
  a.xorps(dst, dst);
  a.cvtsi2sd(dst, scratch);
}

// Floats are the words below kTagInt.
void Emitter::load_number(x86::Xmm dst, x86::Gp t, x86::Gp scratch, asmjit::Label other) {
  asmjit::Label is_float = a.newLabel(), done = a.newLabel();
  a.mov(scratch, imm(kTagInt));
  a.cmp(t, scratch);
  a.jb(is_float);
  int_to_double(dst, t, scratch, other);
  a.jmp(done);
  a.bind(is_float);
  a.movq(dst, t);
  a.bind(done);
}

void Emitter::load_floats(asmjit::Label left_not_float, asmjit::Label right_not_float) {
  a.mov(x86::rcx, imm(kTagInt));
  a.cmp(x86::r10, x86::rcx);
  a.jae(left_not_float);
  a.cmp(x86::r11, x86::rcx);
  a.jae(right_not_float);
  a.movq(x86::xmm0, x86::r10);
  a.movq(x86::xmm1, x86::r11);
}

void Emitter::load_numbers(asmjit::Label other) {
  asmjit::Label mixed = a.newLabel(), loaded = a.newLabel();
  load_floats(mixed, mixed);
  a.bind(loaded);
  cold([this, mixed, loaded, other] {
    // One of them is no float (rcx is still kTagInt): convert the integer
    // one (or both), testing nothing twice.
    asmjit::Label left_float = a.newLabel();
    a.bind(mixed);
    a.cmp(x86::r10, x86::rcx);
    a.jb(left_float);
    int_to_double(x86::xmm0, x86::r10, x86::rcx, other);
    load_number(x86::xmm1, x86::r11, x86::rcx, other);
    a.jmp(loaded);
    a.bind(left_float);  // so the right one is not
    a.movq(x86::xmm0, x86::r10);
    int_to_double(x86::xmm1, x86::r11, x86::rcx, other);
    a.jmp(loaded);
  });
}

IOp float_first_of(IOp from) {
  switch (from) {
#define LZR_FLOAT_FIRST_CASE(I, from, kinds, name) \
  case IOp::from: return IOp::name;
    LZR_FLOAT_FIRST(LZR_FLOAT_FIRST_CASE, _)
#undef LZR_FLOAT_FIRST_CASE
    default: return from;
  }
}

// X and Y operands are tested in their slots and go to the SSE unit from
// there, never through a general register (a float's value then waits for
// one load, not a load and a move between register files). The mixed
// cases, converting the integer side, are out of line.
void Emitter::float_first_operands(Kind kl, int32_t left, Kind kr, int32_t right, asmjit::Label other,
                                   const std::function<void(const asmjit::Operand&)>& use) {
  asmjit::Label left_not_float = a.newLabel(), right_not_float = a.newLabel(), rejoin = a.newLabel();
  const bool in_slots = kl != Kind::Any && kr != Kind::Any;
  auto slot = [](Kind k, x86::Gp index) { return k == Kind::X ? x_slot(index) : y_slot(index); };
  const x86::Mem left_slot = slot(kl, x86::rcx), right_slot = slot(kr, x86::rsi);  // in_slots
  if (in_slots) {
    a.mov(x86::rdx, imm(kTagInt));  // floats are the words below it
    a.movzx(x86::ecx, insn_byte(left));
    a.cmp(left_slot, x86::rdx);
    a.jae(left_not_float);
    a.movzx(x86::esi, insn_byte(right));
    a.cmp(right_slot, x86::rdx);
    a.jae(right_not_float);
    a.movsd(x86::xmm0, left_slot);
    use(right_slot);
  } else {
    load_pair(kl, left, kr, right);
    load_floats(left_not_float, right_not_float);
    use(x86::xmm1);
  }
  a.bind(rejoin);
  cold([this, in_slots, right, left_slot, right_slot, left_not_float, right_not_float, rejoin, other, use] {
    a.bind(right_not_float);  // the left one is a float: the right one an integer?
    if (in_slots) {
      a.mov(x86::r11, right_slot);
      a.movsd(x86::xmm0, left_slot);  // before rcx, its index, is clobbered
    } else {
      a.movq(x86::xmm0, x86::r10);
    }
    int_to_double(x86::xmm1, x86::r11, x86::rcx, other);
    use(x86::xmm1);
    a.jmp(rejoin);
    a.bind(left_not_float);  // an integer on the left and a float on the right?
    if (in_slots) {
      a.mov(x86::r10, left_slot);
      a.movzx(x86::esi, insn_byte(right));
      a.mov(x86::r11, right_slot);
    }
    a.mov(x86::rcx, imm(kTagInt));
    a.cmp(x86::r11, x86::rcx);
    a.jae(other);
    int_to_double(x86::xmm0, x86::r10, x86::rcx, other);
    a.movq(x86::xmm1, x86::r11);
    use(x86::xmm1);
    a.jmp(rejoin);
  });
}

// The rewrite is one aligned 16-bit store, so a routine running the same
// code on another scheduler reads either form, and both compute the same;
// it happens at most once per instruction (the float-first routine never
// rewrites back), so shared code is not written over and over. Only when
// kPc holds `at_pc`: add_xk, addk_lt and the like hand their slow cases to
// the generic routines with kPc on their own instruction, which stays
// unless they quicken it themselves.
void Emitter::quicken_on_float(IOp at_pc, IOp quick, bool right_in_r11) {
  if (quick == at_pc) return;
  asmjit::Label keep = a.newLabel(), rewrite = a.newLabel();
  a.mov(x86::rcx, imm(kTagInt));
  a.cmp(x86::r10, x86::rcx);
  if (right_in_r11) {
    a.jb(rewrite);
    a.cmp(x86::r11, x86::rcx);
  }
  a.jae(keep);
  a.bind(rewrite);
  a.cmp(x86::word_ptr(kPc, 0), static_cast<unsigned>(at_pc));
  a.jne(keep);
  a.mov(x86::word_ptr(kPc, 0), static_cast<unsigned>(quick));
  a.bind(keep);
}

void Emitter::quicken_on_float(IOp self) { quicken_on_float(self, float_first_of(self), true); }

void Emitter::jump_if_non_finite(asmjit::Label non_finite) {
  a.lea(x86::rcx, x86::ptr(x86::rax, x86::rax));  // drop the sign
  a.cmp(x86::rcx, x86::qword_ptr(x86::rsp, kNonFiniteSlot));
  a.jae(non_finite);
}

void Emitter::tag_non_negative_int(x86::Gp dst, x86::Gp value) {
  if (dst.id() != value.id()) a.mov(dst, value);
  a.sub(dst, kIntBias);
}

void Emitter::check_raised(x86::Gp t) {
  a.mov(x86::rcx, t);
  a.shr(x86::rcx, kTagShift);
  a.cmp(x86::ecx, kRaisedTag16);
  a.je(exit_raised);
}

void Emitter::call_helper(const void* fn) {
  a.mov(x86::rax, imm(reinterpret_cast<uint64_t>(fn)));
  a.call(x86::rax);
}

void Emitter::fill_nil(x86::Gp base, int32_t disp) {
  asmjit::Label more = a.newLabel(), pairs = a.newLabel(), done = a.newLabel();
  a.mov(x86::qword_ptr(base, disp), x86::rax);  // 1: the only word
  a.cmp(x86::ecx, 1);
  a.jne(more);
  a.bind(done);
  cold([this, base, disp, more, pairs, done] {
    asmjit::Label last_pairs = a.newLabel();
    a.bind(more);
    a.movq(x86::xmm0, x86::rax);
    a.punpcklqdq(x86::xmm0, x86::xmm0);
    a.cmp(x86::ecx, 4);
    a.jbe(last_pairs);
    a.cmp(x86::ecx, 8);
    a.ja(pairs);
    a.movups(x86::xmmword_ptr(base, disp + 16), x86::xmm0);  // 5 .. 8: two pairs from each end
    a.movups(x86::xmmword_ptr(base, x86::rcx, 3, disp - 32), x86::xmm0);
    a.bind(last_pairs);  // 2 .. 4: the first pair and the last
    a.movups(x86::xmmword_ptr(base, disp), x86::xmm0);
    a.movups(x86::xmmword_ptr(base, x86::rcx, 3, disp - 16), x86::xmm0);
    a.jmp(done);
    a.bind(pairs);  // past 8: pairs from the top while two or more are left; word 0 is written
    a.movups(x86::xmmword_ptr(base, x86::rcx, 3, disp - 16), x86::xmm0);
    a.sub(x86::ecx, 2);
    a.cmp(x86::ecx, 2);
    a.jae(pairs);
    a.jmp(done);
  });
}

void Emitter::fill_y_slots_then_dispatch(asmjit::Label fill) {
  a.bind(fill);
  fill_nil(kFp, 0);
  dispatch();
}

void Emitter::flush_cold() {
  // A cold body may queue further cold code.
  for (size_t i = 0; i < cold_.size(); ++i) {
    ColdBody cold = std::move(cold_[i]);
    current_ = cold.owner;
    if (cold_starts.empty() || cold_starts.back().second != cold.owner) {
      cold_starts.emplace_back(a.newLabel(), cold.owner);
      a.bind(cold_starts.back().first);
    }
    cold.body();
  }
  cold_.clear();
}

void Emitter::safe_point_then_next(MaskFrom from, uint32_t immediate) {
  asmjit::Label collect = a.newLabel();
  a.cmp(x86::word_ptr(kProc, kHeapGcFlags), 0);  // gc_requested_ or stress_
  a.jne(collect);
  next();
  cold([this, collect, from, immediate] {
    a.bind(collect);
    switch (from) {
      case MaskFrom::Immediate: a.mov(x86::esi, immediate); break;
      case MaskFrom::InsnU: a.mov(x86::esi, x86::dword_ptr(kPc, kInsnU)); break;
      case MaskFrom::Ctor:
        a.mov(x86::rsi, insn_u());
        a.mov(x86::esi, x86::dword_ptr(x86::rsi, kCtorMask));
        break;
    }
    a.mov(x86::rdi, kProc);
    a.movzx(x86::edx, insn_byte(kInsnA));
    a.mov(x86::rcx, kFp);
    call(&h_collect);
    a.mov(kUpv, x86::rax);
    next();
  });
}

// rsi = words. Returns the object in rax. h_alloc never collects, so the
// kept registers' pointers stay valid.
void Emitter::alloc_words_in_rsi(std::initializer_list<x86::Gp> keep) {
  asmjit::Label slow = a.newLabel(), done = a.newLabel();
  std::vector<x86::Gp> saved(keep);
  if (saved.size() > static_cast<size_t>(kSpillSlots)) {
    std::fprintf(stderr, "lzr: assembler engine: alloc_words_in_rsi keeps more registers than there are spill slots\n");
    std::abort();
  }
  a.mov(x86::rax, proc(kHeapTop));
  a.lea(x86::rdx, x86::ptr(x86::rax, x86::rsi, 3));
  a.cmp(x86::rdx, proc(kHeapEnd));
  a.ja(slow);
  a.mov(proc(kHeapTop), x86::rdx);
  a.bind(done);
  cold([this, slow, done, saved] {
    a.bind(slow);
    for (size_t i = 0; i < saved.size(); ++i)
      a.mov(x86::qword_ptr(x86::rsp, kSpillSlot + 8 * static_cast<int32_t>(i)), saved[i]);
    a.mov(x86::rdi, kProc);
    call(&h_alloc);
    for (size_t i = 0; i < saved.size(); ++i)
      a.mov(saved[i], x86::qword_ptr(x86::rsp, kSpillSlot + 8 * static_cast<int32_t>(i)));
    a.jmp(done);
  });
}

void Emitter::alloc_fixed(x86::Gp dst, int32_t words) {
  asmjit::Label slow = a.newLabel(), done = a.newLabel();
  a.mov(dst, proc(kHeapTop));
  a.lea(x86::rdx, x86::ptr(dst, 8 * words));
  a.cmp(x86::rdx, proc(kHeapEnd));
  a.ja(slow);
  a.mov(proc(kHeapTop), x86::rdx);
  a.bind(done);
  cold([this, slow, done, dst, words] {
    a.bind(slow);
    a.mov(x86::rdi, kProc);
    a.mov(x86::esi, words);
    call(&h_alloc);
    a.mov(dst, x86::rax);
    a.jmp(done);
  });
}

}  // namespace lzr::asm_engine

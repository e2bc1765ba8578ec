// The code generator's toolbox: the assembler, the shared exits and the few
// instruction sequences every routine is made of (operand access, dispatch,
// helper calls, safe points). The routines themselves are in emit_*.cpp.
#pragma once

#include <asmjit/x86.h>

#include <array>
#include <functional>
#include <initializer_list>
#include <vector>

#include "engine/insn.h"
#include "layout.h"

namespace lzr::asm_engine {

// One label per internal opcode, created on first use: a batch (one group
// of routines, asm_engine.cpp) creates only those it binds or jumps to.
class OpLabels {
 public:
  OpLabels(x86::Assembler& a, bool named) : a_(a), named_(named) {}
  asmjit::Label operator[](unsigned op) {
    if (!labels_[op].isValid())
      labels_[op] = named_ ? a_.newNamedLabel(iop_name(static_cast<IOp>(op))) : a_.newLabel();
    return labels_[op];
  }
  // The label if created, else an invalid one (no label entry, never bound).
  asmjit::Label peek(unsigned op) const { return labels_[op]; }

 private:
  x86::Assembler& a_;
  bool named_;
  std::array<asmjit::Label, kNumIOps> labels_{};
};

class Emitter {
 public:
  // `named_labels`: give the routines' labels their opcodes' names (for
  // LZR_ASM_LISTING; a named label costs a hash entry and its name).
  Emitter(x86::Assembler& a, bool named_labels);

  x86::Assembler& a;
  bool bmi2;  // rorx available (else mov + rol)
  OpLabels op_labels;
  asmjit::Label exit_raised;    // p.error is set; pc is the raising instruction: unwind
                                // to a handler or leave the engine
  asmjit::Label exit_overflow;  // the stack must reach rsi for the instruction at pc: grow
                                // it and run the instruction again, or raise stack_overflow
  asmjit::Label exit_yield;     // no reductions left: leave, resuming at pc later
  asmjit::Label exit_leave;     // leave with kRaised, p's state already saved (a suspension)
  asmjit::Label exit_done;      // the bottom frame returned rax
  asmjit::Label do_ret;         // return rax from the current frame

  // Field of the current instruction.
  static x86::Mem insn_byte(int32_t field) { return x86::byte_ptr(kPc, field); }
  static x86::Mem insn_u() { return x86::qword_ptr(kPc, kInsnU); }
  // Fused constant loads: the constant << 16 as an int32 (insn.h).
  static x86::Mem insn_imm() { return x86::dword_ptr(kPc, kInsnImm); }
  static x86::Mem x_reg(uint32_t index) { return x86::qword_ptr(kTable, kXOffset + 8 * static_cast<int32_t>(index)); }
  static x86::Mem proc(int32_t offset) { return x86::qword_ptr(kProc, offset); }
  // X / Y slot named by a Y operand byte in `byte` (32 + index: the
  // displacement cancels the kind bits, no masking needed).
  static x86::Mem x_slot(x86::Gp byte) { return x86::qword_ptr(kTable, byte.r64(), 3, kXOffset); }
  static x86::Mem y_slot(x86::Gp byte) { return x86::qword_ptr(kFp, byte.r64(), 3, -8 * 32); }

  // Starts the routine for `op` (aligned, label bound).
  void begin(IOp op);
  // Jumps to the routine of the instruction at kPc, with its opcode in eax
  // (every jump through the table must leave it there: until a routine's
  // group is built, its entry is the lazy stub, which reads eax).
  void dispatch();
  // Counts a reduction; with none left, leaves through exit_yield (the
  // instruction at kPc runs again on resuming). Before any side effect.
  void reduce();
  // Advances kPc by `n` instructions and dispatches.
  void next(int n = 1);

  // dst = X[operand byte at [kPc + field]] (an X-only form). Clobbers rcx.
  void load_x(x86::Gp dst, int32_t field);
  // X[operand byte at [kPc + field]] = value. Clobbers rcx.
  void store_x(int32_t field, x86::Gp value);
  // dst = value of the operand byte at [kPc + field] (any kind). Clobbers rcx.
  void load_operand(x86::Gp dst, int32_t field);
  // dst = value of operand byte in `op_byte` (a 32-bit register, clobbered).
  void load_operand_reg(x86::Gp dst, x86::Gp op_byte);
  // Stores `value` into the operand at [kPc + field]. Clobbers rcx.
  void store_operand(int32_t field, x86::Gp value);
  // How a routine reaches an operand: through the kind its form guarantees
  // (the loader's _xxx forms and kind variants, insn.h), or Any, tested at
  // run time.
  enum class Kind : uint8_t { X, Y, Any };
  struct Kinds {
    Kind a, b, c;
  };
  static constexpr Kinds kAnyKinds{Kind::Any, Kind::Any, Kind::Any};
  static constexpr Kinds kAllX{Kind::X, Kind::X, Kind::X};
  // The kinds a variant's name lists ("xyx": a in X, b in Y, c in X;
  // "any": tested at run time).
  static Kinds kinds_named(const char* kinds);
  // dst = the operand at [kPc + field], of kind k. Clobbers rcx.
  void load_as(x86::Gp dst, int32_t field, Kind k);
  // Stores `value` into the operand at [kPc + field], of kind k (X or Y,
  // never written U). Clobbers rcx.
  void store_as(int32_t field, x86::Gp value, Kind k);
  // r10, r11 = the operands at [kPc + first], [kPc + second].
  void load_pair(Kind k1, int32_t first, Kind k2, int32_t second);
  // Stores rax into operand A, of kind k, then next().
  void store_a_then_next(Kind k);
  // The same for a helper that may have allocated (arithmetic building a
  // big integer, which has no regmask): stores rax into operand A, then a
  // safe point keeping every X register, then next().
  void store_a_then_safe_point(Kind k);
  // Jumps to the instruction in u.target (taken branches, jmp).
  void jump_to_target();
  // Jumps to the instruction `to` points to (rax or another register but
  // rcx) taken by the instruction at kPc + at * kInsnSize. A backward jump
  // (a loop's back edge) counts a reduction, and a yield there resumes at
  // `to`: a loop cannot starve the other processes, whatever instruction
  // closes it. Forward jumps pay one compare. Clobbers rcx.
  void jump_counted(x86::Gp to, int at = 0);
  // X[a] = u: the constant load a fused load_* / step_ form stands for;
  // leaves the constant in r11. Clobbers rcx.
  void fused_load();

  // Jumps to `not_int` unless `t` is a small integer. Clobbers `scratch`.
  void jump_unless_int(x86::Gp t, x86::Gp scratch, asmjit::Label not_int);
  // The same for two terms at once. Clobbers s1, s2.
  void jump_unless_ints(x86::Gp t1, x86::Gp t2, x86::Gp s1, x86::Gp s2, asmjit::Label not_int);
  // dst = small integer src rotated left 16: payload << 16 | tag. Two
  // such values compare like their payloads, and adding or subtracting a
  // payload << 16 keeps the tag in place.
  void rotate_tag_low(x86::Gp dst, x86::Gp src);
  // dst = the object or cell `t` points to when `t` carries the pointer tag
  // `tag` (kTagBoxed, kTagCons); else a jump to `other`. One xor both
  // tests and untags: the result is below 2^48 exactly for that tag.
  void untag_or_jump(x86::Gp dst, x86::Gp t, uint64_t tag, asmjit::Label other);
  // Equality of r10 and r11 when both are tuples: identical element words
  // are equal in both modes, so the elements compare in line until a pair
  // differs; that pair decides (a jump to `differ`) unless one of them is
  // a pointer, or (exact false: == rather than =:=) a float, which may
  // equal another word by value. Jumps to `same`, `differ`, or `walk` for
  // the helper (any other pair of terms, or a pair it cannot decide).
  // Clobbers rax, rcx, rsi, rdi.
  void tuples_equal(asmjit::Label same, asmjit::Label differ, asmjit::Label walk, bool exact);
  // dst = the small integer `t` as a double (exact), else a jump to
  // `not_int`. Clobbers scratch.
  void int_to_double(x86::Xmm dst, x86::Gp t, x86::Gp scratch, asmjit::Label not_int);
  // dst = `t` as a double when it is a float or a small integer (converted
  // exactly: 48 bits fit a double), else a jump to `other`. Clobbers scratch.
  void load_number(x86::Xmm dst, x86::Gp t, x86::Gp scratch, asmjit::Label other);
  // xmm0, xmm1 = r10, r11 when both are floats; else a jump to the label
  // of the first that is not (rcx then holds kTagInt).
  void load_floats(asmjit::Label left_not_float, asmjit::Label right_not_float);
  // xmm0, xmm1 = r10, r11 as doubles when both are numbers (not both small
  // integers: those have their own paths), else a jump to `other`. Two
  // floats take the short way; a small integer among them is converted out
  // of line. Clobbers rcx.
  void load_numbers(asmjit::Label other);
  // The float-first forms (insn.h): xmm0 = the operand at [kPc + left]
  // (of kind kl) when it is a float, then `use(right)` with the float at
  // [kPc + right] as an SSE source operand (its slot, or xmm1 for an
  // upvalue). A float and a small integer, either way round, are converted
  // out of line, which runs `use(xmm1)` there and comes back. Anything else
  // jumps to `other`. `use` runs three times: it must capture by value.
  // Clobbers rcx, rdx, rsi, r10, r11.
  void float_first_operands(Kind kl, int32_t left, Kind kr, int32_t right, asmjit::Label other,
                            const std::function<void(const asmjit::Operand&)>& use);
  // Quickening (docs/asm-engine.md, "Float-first forms"): rewrites the
  // instruction at kPc from `at_pc` to `quick` when r10 (the left
  // operand) is a float, or r11 (the right one, if `right_in_r11`), and
  // kPc holds `at_pc`. Emits nothing when quick is at_pc. Clobbers rcx.
  void quicken_on_float(IOp at_pc, IOp quick, bool right_in_r11);
  // The same in the routine of `self`, to self's float-first form, with
  // both operands in r10 and r11.
  void quicken_on_float(IOp self);
  // Jumps to `non_finite` if the double in rax (its bits) is an infinity or
  // a NaN. Clobbers rcx.
  void jump_if_non_finite(asmjit::Label non_finite);
  // dst = the small integer of the non-negative value in `value` (< 2^47):
  // value - bias. dst may be value.
  void tag_non_negative_int(x86::Gp dst, x86::Gp value);
  // Jumps to exit_raised if `t` (a helper's result) is kRaised. Clobbers rcx.
  void check_raised(x86::Gp t);
  // Calls a C++ function; rsp stays 16-byte aligned. Clobbers caller-saved registers.
  void call_helper(const void* fn);
  template <typename F> void call(F* fn) { call_helper(reinterpret_cast<const void*>(fn)); }

  // Where a safe point finds its live-X mask.
  enum class MaskFrom { Immediate, InsnU, Ctor };
  // Safe point after an allocating instruction that wrote operand A, then
  // next(): if a collection is due, collect with the mask's X registers and
  // X[A] live, and reload kUpv. Clobbers caller-saved registers.
  void safe_point_then_next(MaskFrom from, uint32_t immediate = 0);

  // Sets the ecx words from [base + disp] on (ecx > 0) to nil (rax),
  // writing nothing outside them (a tail call's frame keeps its header
  // right below), then falls through. One word in line; 2 to 8 out of line
  // by two or four 16-byte stores (pairs from both ends, overlapping when
  // the count is odd), more by a loop of pairs. Clobbers rcx, xmm0.
  void fill_nil(x86::Gp base, int32_t disp);
  // Out-of-line code at `fill`: sets Y slots 0 .. ecx-1 (ecx > 0) to nil
  // (rax), then dispatches.
  void fill_y_slots_then_dispatch(asmjit::Label fill);

  // Emits `body` later, after every routine of the batch (asm_engine.cpp),
  // keeping slow paths out of the hot code. `body` must end with a jump.
  void cold(std::function<void()> body) { cold_.push_back({std::move(body), current_}); }
  void flush_cold();
  // Where each routine's cold code starts (for LZR_ASM_LISTING's table).
  std::vector<std::pair<asmjit::Label, IOp>> cold_starts;

  // Bump-allocates `words` (a register or constant already in rsi) into rax.
  // Clobbers rdx and, on the slow path, caller-saved registers except the
  // ones named in `keep` (at most kSpillSlots; not rax, rdx, rsi), which the
  // slow path saves in the spill slots around its call.
  void alloc_words_in_rsi(std::initializer_list<x86::Gp> keep = {});
  // Bump-allocates a constant number of words into `dst` (not rax, rdx,
  // rsi). Clobbers rdx and, on the slow path, caller-saved registers.
  void alloc_fixed(x86::Gp dst, int32_t words);

 private:
  struct ColdBody {
    std::function<void()> body;
    IOp owner;  // the routine that queued it
  };
  std::vector<ColdBody> cold_;
  IOp current_ = IOp::mov;  // the routine being emitted
};

// The float-first form of `from` (insn.h), or `from` when it has none.
IOp float_first_of(IOp from);

// Routine emitters, grouped by file.
void emit_moves(Emitter& e);    // mov mov_xx swap load load_x jmp
void emit_calls(Emitter& e);    // call call_native tcall tcall_native apply ret load_ret
void emit_arith(Emitter& e);    // add .. or_, the _xxx forms, not_ neg
void emit_compare(Emitter& e);  // eq .. gte, the _xx forms
// The float-first forms (insn.h), a group of their own (asm_engine.cpp).
void emit_float_first_arith(Emitter& e);     // add_f .. div_xxx_f
void emit_float_first_compares(Emitter& e);  // lt_xx_f .. gte_yy_f
void emit_terms(Emitter& e);    // get drop put cons tuple list map fn type size
void emit_exceptions(Emitter& e);  // try_ tryend raise
void emit_bifs(Emitter& e);        // bif gcbif bif_map_get bif_map_has_key bif_sqrt
void emit_binaries(Emitter& e);    // bint .. bappend, bbyte (issue 15)
void emit_match(Emitter& e);    // is_* isnt_* eqx nex select_* arity_* (idiv, rem: emit_arith)
void emit_receive(Emitter& e);  // recv recvnext accept wait

}  // namespace lzr::asm_engine

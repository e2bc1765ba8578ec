// Decoded instruction: the common form between text and code words. The
// assembler builds it from source lines, the disassembler from a module's
// words; liveness, layout and encoding work on it for both, which is what
// makes `dis` output reassemble to the same bytes.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "format/opcodes.h"

namespace lzr::asm_text {

struct Instr {
  // Field values as encoded: registers in their R / R6 form, immediates as
  // unsigned bit patterns. Jump fields are computed from `target` at layout.
  std::array<uint32_t, 4> raw{};
  std::vector<uint8_t> elems;  // push-word fields (R6 form), in order
  uint64_t value = 0;          // load32 (low 32 bits) / load64 value
  uint32_t regmask = 0;        // allocating instructions
  int32_t target = -1;         // jumps: index of the target instruction (select: the default)
  std::vector<uint32_t> table_values;   // select / select_arity: each pair's literal index or arity
  std::vector<int32_t> table_targets;   //   and its target instruction
  int32_t call_arity = -1;     // call / tcall: arguments passed in X0..
  uint8_t op = 0;              // (after the wider fields: one per line of a function, kept small)
  bool relaxed = false;        // compare-jump emitted as inverted compare + jmp

  const OpInfo& info() const { return op_info(op); }
};

// True for instructions that carry a regmask word (they may allocate).
bool allocates(const OpInfo& op);
// The compare whose outcome is the opposite (eq<->ne, lt<->gte, gt<->lte,
// eqx<->nex; is and is_arity invert through their TK negate bit).
Op inverted_compare(Op op);
bool is_compare_jump(const OpInfo& op);

// Words the instruction occupies at layout time (relaxation included).
unsigned instr_words(const Instr& in);

// Appends the encoded words. `addr` is the instruction's own word offset,
// `target_addr` the word offset of its jump target (ignored without one).
// `table_addrs`: the word offsets of a select's pair targets, in order.
void encode_instr(const Instr& in, uint32_t addr, uint32_t target_addr, std::vector<uint32_t>& out,
                  const std::vector<uint32_t>& table_addrs = {});

// Lays out one function: assigns word offsets, relaxes compare-jumps whose
// target is beyond 12 bits (inverted compare over a `jmp`), iterating until
// nothing changes, then encodes. Returns false with `bad` = the index of a
// jump that even `jmp` (24 bits) cannot reach, and its offset.
struct JumpOutOfRange {
  size_t index = 0;
  int64_t offset = 0;
  int pair = -1;  // a select pair's jump (its index), -1: the instruction's jump or default
};
bool layout_function(std::vector<Instr>& code, std::vector<uint32_t>& words, JumpOutOfRange& bad);

// X registers live after each instruction that a GC there must keep: live
// after it, possibly defined on some path to it, and not written by it
// (docs/assembly.md, "Regmasks"). Entries of non-allocating instructions
// are 0. `arity` X registers are defined at entry.
std::vector<uint32_t> computed_regmasks(const std::vector<Instr>& code, unsigned arity);

// X registers free to hold a constant for instruction i (bit r of entry i):
// not live after it (no path reads them before writing them again) and not
// read or written by it. Operands that are not X registers count for
// nothing, so constants not yet given a register do not block one.
std::vector<uint32_t> dead_after(const std::vector<Instr>& code);

}  // namespace lzr::asm_text

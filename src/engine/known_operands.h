// Forms for instructions whose operand the loader knows to hold a constant.
//
// A compiler loads a constant once into a register (an X register in a
// loop without calls, a Y slot around calls) and reuses it. A forward
// dataflow over each function's internal code finds, before every
// instruction, the registers that hold a known constant on every path
// there; an instruction that compares with an atom or nil held that way,
// indexes a list's head or tail, or adds, subtracts, multiplies or divides
// by a small integer held that way, becomes a form that uses the fact
// (insn.h, docs/asm-engine.md). The register still holds the
// constant: every form keeps its instruction's operands, and the portable
// engine runs it as the generic instruction.
#pragma once

#include <cstdint>

#include "vm/module.h"

namespace lzr {

// Rewrites the module's code (one of the rules of fusion.cpp).
void specialise_known_operands(Module& m);

// The largest divisor whose reciprocal needs no shift (div_k .. rem_k).
constexpr int64_t kMaxShortDivisor = int64_t{1} << 17;

// ceil(2^(64+s) / d) for a divisor 2 <= d < 2^47 and s = 0 (d <= 2^17) or
// the bit length of d - 17: the high word of n * it, shifted right by s,
// is floor(n / d) for every 0 <= n <= 2^47 (known_operands.cpp).
uint64_t division_reciprocal(int64_t d, unsigned s = 0);

}  // namespace lzr

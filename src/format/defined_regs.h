// Which X registers hold a defined value before each instruction of a
// function: the dataflow behind the verifier's definedness rule
// (docs/bytecode.md, "Defined registers"). A register is defined when every
// path to the instruction wrote it since the last point that kills X
// registers: a function's entry defines its arguments x0..x(arity-1), a
// call or apply only its destination, a handler x0..x2, and an allocating
// instruction keeps only its regmask's registers and its destination
// (the collector may set the others to []). Y slots are always defined
// (nil at frame entry) and upvalues too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "format/catch_flow.h"
#include "format/module_file.h"

namespace lzr {

// Checks that function `k` of `m` reads only defined X registers: operands,
// push words, and a call's or tail call's arguments x0..x(arity-1). The
// function must already pass the verifier's structural checks and
// catch_flow (instructions decode, fit the function and jump to instruction
// starts inside it). Returns false with the first read of a register that
// is undefined on some path (`problem.word` the instruction, the message
// after "word N: OP: "). Unreachable instructions are not checked. The work
// is linear in the code: each instruction's defined set only shrinks, and
// an instruction is looked at again only when it does.
bool check_defined_regs(const ModuleFile& m, size_t k, CatchFlowProblem& problem);

// The defined X registers before each word of function `k` (index: word -
// the function's entry), for a function that passed check_defined_regs; the
// loader records them where a process may suspend (`wait`: the registers a
// waiting process keeps, docs/processes.md). Empty if the check fails.
std::vector<uint32_t> defined_regs_at(const ModuleFile& m, size_t k);

}  // namespace lzr

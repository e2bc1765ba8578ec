// Which catches are active at each instruction of a function: the dataflow
// behind the verifier's catch rules (docs/bytecode.md, "Catches") and the
// loader's handler tables. A catch is opened by `try yI, H` and ended by
// `tryend yI` or by an exception unwinding to H; the rules make the set of
// active catches a property of the instruction, the same on every path, so
// the handler an exception goes to is known from where it was raised alone.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "format/module_file.h"

namespace lzr {

struct ActiveCatch {
  uint8_t slot = 0;      // Y index holding the catch
  uint32_t handler = 0;  // word offset of its handler
  bool operator==(const ActiveCatch&) const = default;
};
using CatchStack = std::vector<ActiveCatch>;  // outermost first, innermost last

struct CatchFlowProblem {
  size_t word = 0;      // the instruction at fault
  std::string problem;  // the message after "word N: OP: "
};

// Runs the analysis over function `k` of `m`, whose instructions decode,
// fit the function and jump to instruction starts inside it (the verifier
// checks that first). `state_at[w - entry]` receives the catches active
// before the instruction at word w runs (nullopt for words that are not
// reachable instruction starts). Returns false with the first violation:
//   * `try yI` with yI already active;
//   * `tryend yI` with yI not the innermost active catch;
//   * any other instruction reading or writing an active catch's slot;
//   * `ret` or `tcall` while a catch is active;
//   * two paths reaching an instruction with different active catches.
// Messages name other instructions through `where` ("word 12" by default;
// the assembler names source lines instead).
using WordName = std::function<std::string(size_t word)>;
bool catch_flow(const ModuleFile& m, size_t k, std::vector<std::optional<CatchStack>>& state_at,
                CatchFlowProblem& problem, const WordName& where = {});

// Whether the handler at `word` may read x2 (the stack trace) before
// writing it on some path (x2's liveness there; a path ends where x2 is
// written, a call clobbers it, or the function returns or raises). The
// engines skip building the trace for a handler that cannot see it.
bool handler_reads_trace(const ModuleFile& m, size_t word);

}  // namespace lzr

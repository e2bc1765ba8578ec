// Exceptions, shared by both engines (docs/engines.md, "Exceptions"): the
// `raise` instruction, unwinding to the innermost active catch, and stack
// traces as terms.
//
// Where an exception goes is decided by the loader's tables alone: each
// module knows, for every instruction, the handler of the innermost catch
// active there (Module::catches, from the verifier's catch analysis). The
// unwinder walks the frames from the raising instruction through each
// frame's pending call and stops at the first instruction that has one. A
// catch's Y slot only holds an inert marker, so nothing a program can copy,
// store or forge decides where control goes: it can only ever reach a
// handler of the function whose frame it resumes.
#pragma once

#include "engine/insn.h"
#include "vm/process.h"
#include "vm/term.h"

namespace lzr {

// Stack trace terms keep the innermost frames only (Erlang keeps 8 too).
constexpr unsigned kTraceDepth = 8;
// An unwind that drops at least this much stack gives the pages back to
// the OS (a caught stack_overflow would otherwise keep the whole stack).
constexpr size_t kReleaseStackBytes = size_t{4} << 20;

// The `raise` instruction: `cls` must be :error, :throw or :exit and
// `trace` a proper list ([]: capture a fresh trace when caught); otherwise
// it raises error:badarg. Always returns kRaised.
Term op_raise(Process& p, Term cls, Term reason, Term trace);

// The instruction `pc`, running in frame `fp`, raised (p.error, error_class
// and error_trace are set). If a catch is active on the stack: drops the
// frames above the one that holds it, ends it (its slot becomes []), sets
// X0..X2 to class, reason and trace and every other X register to [],
// sets p.fp and p.sp to the catching frame, collects if a collection is
// due (X0..X2 live) and returns the handler to continue at. Otherwise
// leaves the stack as it is for stack_trace() (p.error_pc = pc, p.fp = fp)
// and returns nullptr.
const Insn* unwind(Process& p, const Insn* pc, Term* fp);

// The stack trace of frames (pc, fp) as a term: a list, innermost first,
// of at most kTraceDepth `{module, function, arity, location}` tuples, the
// location `[file: "x.lzs", line: L]` when the module has a line table
// covering the instruction, `[file: "x.lzs", offset: W]` when it has one
// that does not, else `[offset: W]` (W: the instruction's code-word
// offset). Allocates; never collects.
Term capture_trace(Process& p, const Insn* pc, const Term* fp);

}  // namespace lzr

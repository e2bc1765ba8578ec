// Running code: choosing an engine, calling a function, reporting errors.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vm/function_info.h"
#include "vm/process.h"

namespace lzr {

enum class EngineKind { Portable, Asm };

std::optional<EngineKind> parse_engine(std::string_view name);  // "portable"/"c" or "asm"
const char* engine_name(EngineKind kind);
bool engine_available(EngineKind kind);
EngineKind default_engine();  // asm on x86-64, portable elsewhere

// Calls `fn` with `args` on process `p`. Returns the result, or kRaised with
// p.error set and the frames left on p's stack for stack_trace(); call
// p.reset_stack() afterwards either way before reusing the process.
Term execute(Process& p, const FunctionInfo* fn, std::span<const Term> args, EngineKind engine);

// The portable engine's entry (portable.cpp). Arguments are already in p.x
// and the bottom frame is pushed; runs until that frame returns.
Term run_portable(Process& p, const Insn* entry);

struct TraceEntry {
  const FunctionInfo* fn;
  uint32_t offset;  // file code-word offset of the instruction
  uint64_t count = 1;  // consecutive frames stopped at this same instruction
};
// Innermost first: where the error was raised, then each pending call.
// Consecutive frames at the same instruction (deep recursion: a stack
// overflow leaves millions) make one entry with their count.
std::vector<TraceEntry> stack_trace(const Process& p);
// "mod.fun/2 (fib.lzs:12)"; without a line for the instruction "mod.fun/2
// (fib.lzs, word 14)", without a line table "mod.fun/2 (word 14)".
std::string format_trace_entry(const Process& p, const TraceEntry& e);

// After execute() returned kRaised: the exception's class as text
// ("error", "throw" or "exit") and its trace as lines like
// format_trace_entry's, innermost first. The trace is the one a `raise`
// gave, if any (a re-raise keeps where the exception first happened),
// else the frames left on the stack, consecutive repeats counted.
struct TraceLine {
  std::string where;
  uint64_t count = 1;
};
std::string exception_class_name(const Process& p);
std::vector<TraceLine> exception_trace(const Process& p);

}  // namespace lzr

// Code verifier: runs on every load, before anything executes. Accepts a
// module only if every instruction is well formed (docs/bytecode.md,
// "Verification"). Never crashes on any input.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "format/module_file.h"

namespace lzr {

// Returns true when `m` is valid; otherwise fills `err` with one line naming
// the file, the word offset (or function-table entry) and the problem.
bool verify_module(const ModuleFile& m, std::string_view file, LoadError& err);

// Parsed form of a call target literal: "name/arity" or "mod.name/arity".
struct FunctionRef {
  std::string module;  // empty: the calling module
  std::string name;
  unsigned arity = 0;
};
// Splits at the LAST '/', then the module is everything before the LAST '.'
// of the left part. Rejects: empty name or module, arity that is not a
// decimal number 0..32 without sign or leading zeros.
std::optional<FunctionRef> parse_function_ref(std::string_view text);

// Index in m.functions of the function `ref` names when it names a function
// of `m` itself (no module, or m's own name); nullopt otherwise (another
// module's function, or an undefined local one).
std::optional<size_t> local_function(const ModuleFile& m, const FunctionRef& ref);  // linear scan

constexpr unsigned kMaxArity = 32;   // arguments live in X0..X31
constexpr unsigned kMaxFrame = 32;   // Y slots
constexpr unsigned kMaxUpvals = 32;  // captured values of a closure

// Instruction length in words at `pc` (including regmask/value/push words);
// 0 if the opcode is invalid or the length cannot be determined.
unsigned instruction_words(const ModuleFile& m, size_t pc);

// Word offsets of every place the instruction at `pc` may jump to: its
// jump field (a try's handler included) and a select table's default and
// pairs, in that order. For verified code (instruction_words(m, pc) > 0).
void jump_targets(const ModuleFile& m, size_t pc, std::vector<size_t>& out);

}  // namespace lzr

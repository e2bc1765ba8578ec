// Code verifier: runs on every load, before anything executes. Accepts a
// module only if every instruction is well formed (docs/bytecode.md,
// "Verification"). Never crashes on any input.
#pragma once

#include <string_view>

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
std::optional<FunctionRef> parse_function_ref(std::string_view text);

// Instruction length in words at `pc` (including regmask/value/push words);
// 0 if the opcode is invalid or the length cannot be determined.
unsigned instruction_words(const ModuleFile& m, size_t pc);

}  // namespace lzr

// What the VM knows about one function: identity, frame shape and where its
// code is. A closure's first payload word is a raw pointer to one of these.
#pragma once

#include <cstdint>

#include "vm/term.h"

struct lzr_env;

namespace lzr {

struct Module;
struct Insn;

// Native function signature, identical to the C API's (include/lazer.h).
using NativeFn = Term (*)(lzr_env* env, const Term* argv, unsigned argc);

struct FunctionInfo {
  Term module_atom = kNil;   // atom naming the module
  Term name_atom = kNil;     // atom naming the function
  uint8_t arity = 0;
  uint8_t frame = 0;         // Y slots
  uint8_t upvals = 0;        // captured values (closure bodies)
  Module* module = nullptr;
  const Insn* code = nullptr;  // entry in the module's internal code (bytecode functions)
  NativeFn native = nullptr;   // set for native and built-in functions
  uint32_t file_entry = 0;     // entry as a code-word offset in the .lzr file
};

}  // namespace lzr

// Translation: a verified module's code becomes the engines' internal
// instructions (insn.h): operands decoded, constants made terms, select
// tables and catch runs built, calls bound to their targets in this module
// and in modules already loaded. Calls into other modules are handed back
// for the loader to link (loader.cpp); fusion.cpp rewrites the result.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "format/module_file.h"
#include "format/verifier.h"
#include "vm/vm.h"

namespace lzr {

struct Insn;

// A call whose target lives in another module, bound once that module loads.
struct PendingCall {
  size_t insn;        // internal index
  uint32_t word;      // file offset, for messages
  FunctionRef target;
};

// "FILE: word N: what", the form of every load error about one instruction.
std::string word_error(std::string_view file, uint32_t word, const std::string& what);

// Binds call/tcall `in` to `fn`: natives by FunctionInfo, bytecode
// functions by entry and frame size (one load fewer on every call).
void set_call_target(Insn& in, const FunctionInfo* fn);

// A `call` bound to math.sqrt/1 (`ref` names it, `fn` is the built-in
// module's native) becomes bif_sqrt of x0, which both engines run in line:
// a register-keeping built-in behaves as a call of it whose result lands
// in the call's destination, but no frame is pushed and no reduction is
// counted.
void call_in_line(Insn& in, const FunctionRef& ref, const FunctionInfo* fn);

// Translates verified code into m.code. Calls into other modules are left
// in `pending`; everything else is bound here. False (err set) only for what
// the verifier leaves to translation.
bool translate(Module& m, const ModuleFile& f, const AtomTable& atoms, std::string_view file,
               std::vector<PendingCall>& pending, LoadError& err);

}  // namespace lzr

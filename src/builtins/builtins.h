// Built-in modules (io, kernel, binary, list, tuple, map, float, atom):
// natives linked like any other module (docs/builtins.md).
#pragma once

#include <span>

#include "vm/raise.h"
#include "vm/function_info.h"
#include "vm/native_env.h"
#include "vm/vm.h"

namespace lzr {

struct BuiltinFn {
  const char* name;
  unsigned arity;
  NativeFn fn;
};

// Registers every built-in module in `vm`.
void register_builtins(VM& vm);
void add_builtin_module(VM& vm, const char* name, std::span<const BuiltinFn> fns);

// Helpers for writing built-ins.
inline Process& proc(lzr_env* env) { return *env->proc; }
inline Term fail(lzr_env* env, Term reason) { return raise(*env->proc, reason); }

void register_io(VM& vm);
void register_kernel(VM& vm);
void register_binary(VM& vm);
void register_collections(VM& vm);  // list, tuple, map
void register_numbers(VM& vm);      // float, atom

}  // namespace lzr

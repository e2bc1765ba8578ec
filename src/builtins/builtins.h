// Built-in modules (io, kernel, binary, list, tuple, map, float, atom):
// natives linked like any other module (docs/builtins.md).
#pragma once

#include <new>
#include <span>

#include "vm/builders.h"
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

// Room for a result whose size the program chose (a range, a concatenation,
// a conversion): nullptr with system_limit raised when the heap cannot take
// it (Heap::try_alloc); the built-in then returns kRaised.
inline Term* alloc_result(lzr_env* env, size_t words) {
  Term* p = proc(env).heap.try_alloc(words);
  if (!p) fail(env, kAtom_system_limit);
  return p;
}

// A binary of `size` bytes whose size the program chose, its bytes left to
// write at `data` (inline or off-heap: vm/builders.h): kRaised with
// system_limit raised when it cannot be had.
inline Term alloc_binary_result(lzr_env* env, size_t size, uint8_t*& data) {
  const Term out = try_alloc_binary(proc(env).heap, size, data);
  return out == kNil ? fail(env, kAtom_system_limit) : out;
}

// A built-in as the tables register it: a std::bad_alloc inside (a
// temporary std::string or std::vector the system refused) becomes
// system_limit, since no C++ exception may unwind through the engines.
template <NativeFn F>
Term guarded(lzr_env* env, const Term* argv, unsigned argc) noexcept {
  try {
    return F(env, argv, argc);
  } catch (const std::bad_alloc&) {
    return fail(env, kAtom_system_limit);
  }
}

void register_io(VM& vm);
void register_kernel(VM& vm);
void register_binary(VM& vm);
void register_collections(VM& vm);  // list, tuple, map
void register_numbers(VM& vm);      // float, atom
// The standard library's natives (its bytecode part is lib/*.lzs).
void register_lib_list(VM& vm);     // list
void register_lib_map(VM& vm);      // map
void register_lib_text(VM& vm);     // string
void register_lib_numbers(VM& vm);  // integer, float.format, function
void register_lib_tuple(VM& vm);    // tuple
// io-heap (issue 15): files and the system.
void register_file(VM& vm);
void register_system(VM& vm);
void register_process(VM& vm);      // process (docs/processes.md)

}  // namespace lzr

// Shared by the C API's implementation files: from an lzr_env to the VM
// internals, and the "a raised input stays raised" rule of the builders.
#pragma once

#include <initializer_list>

#include "lazer.h"
#include "vm/native_env.h"
#include "vm/raise.h"
#include "vm/vm.h"

namespace lzr::api {

static_assert(sizeof(lzr_term) == sizeof(Term), "lzr_term is the VM's term word");
static_assert(LZR_RAISED == kRaised, "LZR_RAISED is the engines' raised marker");
static_assert(LZR_INT_MIN == kSmallIntMin && LZR_INT_MAX == kSmallIntMax, "integer range");

inline Process& proc(lzr_env* env) { return *env->proc; }
inline Heap& heap(lzr_env* env) { return env->proc->heap; }
inline VM& vm(lzr_env* env) { return *env->proc->vm; }
inline AtomTable& atoms(lzr_env* env) { return env->proc->vm->atoms; }

inline bool any_raised(std::initializer_list<Term> terms) {
  for (Term t : terms)
    if (t == kRaised) return true;
  return false;
}
inline bool any_raised(const Term* terms, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (terms[i] == kRaised) return true;
  return false;
}

}  // namespace lzr::api

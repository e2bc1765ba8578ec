#include "vm/process.h"

#include <sys/mman.h>

#include <cstdlib>
#include <cstdio>

#include "vm/atoms.h"
#include "vm/builders.h"
#include "vm/raise.h"
#include "vm/vm.h"

namespace lzr {

Process::Process(VM& vm_, size_t stack_words) : vm(&vm_) {
  // Reserve the whole stack as address space; pages are committed (and count
  // toward RSS) only as deep recursion touches them.
  stack_reserved_bytes = stack_words * sizeof(Term);
  void* mem = mmap(nullptr, stack_reserved_bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mem == MAP_FAILED) {
    std::fprintf(stderr, "lzr: cannot reserve %zu bytes of stack\n", stack_reserved_bytes);
    std::abort();
  }
  stack_base = static_cast<Term*>(mem);
  stack_limit = stack_base + stack_words;
  sp = stack_base;
  fp = nullptr;
  for (Term& r : x) r = kNil;
  heap.set_stress(vm_.options.gc_stress);
}

Process::~Process() { munmap(stack_base, stack_reserved_bytes); }

void Process::collect(uint32_t x_live) {
  GcRoots roots;
  roots.x = x;
  roots.x_live = x_live;
  roots.stack = std::span<Term>(stack_base, sp);
  Term* extra[] = {&error, &error_trace};
  roots.extra = std::span<Term*>(extra);
  heap.collect(roots);
}

Term raise_class(Process& p, Term cls, Term reason, Term trace) {
  p.error = reason;
  p.error_class = cls;
  p.error_trace = trace;
  return kRaised;
}

Term raise(Process& p, Term reason) { return raise_class(p, kAtom_error, reason); }

Term raise_tagged(Process& p, Term tag, Term value) {
  Term elems[2] = {tag, value};
  return raise(p, make_tuple(p.heap, elems));
}

void Process::reset_stack() {
  sp = stack_base;
  fp = nullptr;
  error_pc = nullptr;
}

}  // namespace lzr

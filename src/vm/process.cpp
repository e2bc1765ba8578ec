#include "vm/process.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "vm/atoms.h"
#include "vm/builders.h"
#include "vm/raise.h"
#include "vm/vm.h"

namespace lzr {

Process::Process(VM& vm_, size_t stack_words)
    : heap(vm_.options.min_heap_words ? vm_.options.min_heap_words : Heap::kDefaultMinWords), vm(&vm_) {
  // Reserve the whole stack as address space; pages are committed (and count
  // toward RSS) only as deep recursion touches them. Under an address-space
  // limit (ulimit -v) that refuses the reservation, half of it is tried, and
  // so on down to kMinStackWords; of the first that fits only a quarter is
  // kept, so that the heap and the generated code still find room. The
  // program runs with a shallower stack (deeper recursion raises
  // stack_overflow) rather than not at all.
  void* mem = MAP_FAILED;
  const size_t least = std::min(stack_words, kMinStackWords);
  bool refused = false;
  for (;;) {
    mem = mmap(nullptr, stack_words * sizeof(Term), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem != MAP_FAILED || stack_words <= least) break;
    refused = true;
    stack_words = std::max(stack_words / 2, least);
  }
  if (mem != MAP_FAILED && refused && stack_words / 4 >= least) {
    const size_t keep = stack_words / 4;
    munmap(static_cast<Term*>(mem) + keep, (stack_words - keep) * sizeof(Term));
    stack_words = keep;
  }
  if (mem == MAP_FAILED) {
    throw OutOfMemory("cannot reserve " + std::to_string(stack_words * sizeof(Term) >> 10) + " KiB of stack");
  }
  stack_reserved_bytes = stack_words * sizeof(Term);
  stack_base = static_cast<Term*>(mem);
  stack_limit = stack_base + stack_words;
  sp = stack_base;
  fp = nullptr;
  for (Term& r : x) r = kNil;
  heap.set_stress(vm_.options.gc_stress);
  heap.set_max_words(vm_.options.max_heap_words);
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

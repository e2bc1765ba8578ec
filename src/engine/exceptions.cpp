#include "engine/exceptions.h"

#include <sys/mman.h>
#include <unistd.h>

#include "vm/atoms.h"
#include "vm/builders.h"
#include "vm/module.h"
#include "vm/raise.h"
#include "vm/vm.h"

namespace lzr {

namespace {

bool is_class(Term t) { return t == kAtom_error || t == kAtom_throw || t == kAtom_exit; }

bool is_proper_list(Term t) {
  while (is_cons(t)) t = cons_tail(t);
  return t == kNil;
}

// Gives the stack pages from `from` to `to` back to the OS: they hold
// nothing live (the collector scans the stack up to p.sp only) and read as
// zeros when touched again.
void release_stack(Term* from, Term* to) {
  static const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(from) + page - 1) & ~(page - 1);
  const uintptr_t end = reinterpret_cast<uintptr_t>(to) & ~(page - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

// The module owning `at` for a raise of `p`'s: the one its last raise
// found when that one owns `at` (no module was freed since: the cached
// pointer is live), else a lookup, which with several schedulers takes the
// module table's shared lock; a raise in a loop, on every scheduler at
// once, then touches no shared cache line.
Module* module_of_raise(Process& p, const Insn* at) {
  const uint64_t gen = p.vm->modules_freed();
  if (p.raise_module && p.raise_module_gen == gen && p.raise_module->owns_code(at)) return p.raise_module;
  Module* m = p.vm->module_of(at);
  p.raise_module = m;
  p.raise_module_gen = gen;
  return m;
}

}  // namespace

Term op_raise(Process& p, Term cls, Term reason, Term trace) {
  if (!is_class(cls) || !is_proper_list(trace)) return raise(p, kAtom_badarg);
  return raise_class(p, cls, reason, trace);
}

Term capture_trace(Process& p, const Insn* pc, const Term* fp) {
  // The entries are immortal and cached per instruction (Module::trace_entry),
  // and deep recursion repeats one: only the list is built here.
  Term entries[kTraceDepth];
  unsigned n = 0;
  const Insn* last = nullptr;
  Module* module = nullptr;
  const bool concurrent = p.vm->concurrent();  // other schedulers may build entries too
  for (const Insn* at = pc; at && n < kTraceDepth;) {
    if (at == last) {
      entries[n] = entries[n - 1];
      ++n;
    } else {
      if (!module || !module->owns_code(at)) module = module_of_raise(p, at);  // usually the same module
      if (module) entries[n++] = module->trace_entry(at, concurrent);  // pending calls are always in some module's code
      last = at;
    }
    at = reinterpret_cast<const Insn*>(fp[kFrameRetPc]);
    fp = reinterpret_cast<const Term*>(fp[kFrameCallerFp]);
  }
  if (n == 0) return kNil;
  Term* cells = p.heap.alloc(2 * n);
  for (unsigned i = 0; i < n; ++i) {
    cells[2 * i] = entries[i];
    cells[2 * i + 1] = i + 1 < n ? make_cons(cells + 2 * i + 2) : kNil;
  }
  return make_cons(cells);
}

const Insn* unwind(Process& p, const Insn* pc, Term* fp) {
  // Not an exception: a built-in suspended the process (Suspend::Native) or
  // the engine yields it. The engine leaves with the state kept for
  // resuming at pc (engine/scheduler.cpp).
  if (p.suspend != Suspend::None) [[unlikely]] {
    p.fp = fp;
    p.resume_pc = pc;
    return nullptr;
  }
  // The innermost catch: the raising frame's, else the one of the nearest
  // frame below whose pending call is inside a try.
  const Module::CatchRun* run = nullptr;
  const Module* module = nullptr;
  Term* frame = fp;
  const Insn* looked_up = nullptr;  // deep recursion repeats one pending call: look it up once
  for (const Insn* at = pc; at;) {
    if (at != looked_up) {
      looked_up = at;
      if (!module || !module->owns_code(at)) module = module_of_raise(p, at);  // usually the same module
      if (module && (run = module->catch_at(at))) break;
    }
    at = reinterpret_cast<const Insn*>(frame[kFrameRetPc]);
    if (at) frame = reinterpret_cast<Term*>(frame[kFrameCallerFp]);
  }
  if (!run) {
    p.error_pc = pc;
    p.fp = fp;
    return nullptr;
  }
  // A handler that cannot read x2 does not get a trace built for it.
  const Term trace = p.error_trace != kNil ? p.error_trace : run->trace ? capture_trace(p, pc, fp) : kNil;
  Term* const old_top = p.sp;
  p.fp = frame;
  p.sp = frame + run->frame;
  frame[run->slot] = kNil;  // the catch ends
  p.x[0] = p.error_class == kNil ? kAtom_error : p.error_class;  // a native may return kRaised without raising
  p.x[1] = p.error;
  p.x[2] = trace;
  for (unsigned i = 3; i < kNumX; ++i) p.x[i] = kNil;
  p.error = kNil;
  p.error_class = kNil;
  p.error_trace = kNil;
  p.error_pc = nullptr;
  if (p.heap.gc_requested() || p.heap.stress()) p.collect(0b111);
  if (static_cast<size_t>(old_top - p.sp) * sizeof(Term) >= kReleaseStackBytes) release_stack(p.sp, old_top);
  return &module->code[static_cast<size_t>(run->handler)];
}

}  // namespace lzr

#include "helpers.h"

#include "engine/exceptions.h"
#include "engine/semantics.h"
#include "vm/atoms.h"
#include "vm/maps.h"
#include "vm/native_env.h"
#include "vm/raise.h"
#include "vm/term_ops.h"

namespace lzr::asm_engine {

Term h_arith(Process* p, uint64_t op, Term a, Term b) noexcept {
  // The generated code has tried the common cases in line already.
  return arith_all(*p, static_cast<ArithOp>(op), a, b);
}
uint64_t h_exact_equal(Term a, Term b) noexcept { return exact_equal(a, b); }
uint64_t h_equal(Term a, Term b) noexcept { return equal(a, b); }
int64_t h_order(Term a, Term b) noexcept { return compare(a, b); }
Term h_not(Process* p, Term a) noexcept { return op_not(*p, a); }
Term h_neg(Process* p, Term a) noexcept { return op_neg(*p, a); }
Term h_type(Term a) noexcept { return op_type(a); }
Term h_size(Process* p, Term a) noexcept { return op_size(*p, a); }
Term h_get(Process* p, Term c, Term i) noexcept { return op_get(*p, c, i); }
Term h_drop(Process* p, Term c, Term i) noexcept { return op_drop(*p, c, i); }
Term h_put(Process* p, Term c, Term k, Term v) noexcept { return op_put(*p, c, k, v); }
Term h_map_get(Process* p, Term map, Term key) noexcept { return op_map_get(*p, map, key); }
Term h_map_put_absent(Process* p, Term flat_map, Term key, Term value) noexcept {
  return map_put_absent(p->heap, flat_map, key, value);
}
Term h_badfun(Process* p, Term f) noexcept { return raise_tagged(*p, kAtom_badfun, f); }
Term h_stack_overflow(Process* p) noexcept { return raise(*p, kAtom_stack_overflow); }
Term* h_grow_stack(Process* p, Term* fp, Term* want_sp) noexcept { return p->grow_stack(fp, want_sp); }
void h_yield(Process* p, const Insn* pc, Term* fp) noexcept { yield_at(*p, pc, fp); }
Term h_recv(Process* p) noexcept { return op_recv(*p); }
uint64_t h_recvnext(Process* p) noexcept {
  if (op_recvnext(*p)) return 1;
  raise(*p, kAtom_badrecv);
  return 0;
}
uint64_t h_accept(Process* p) noexcept {
  if (op_accept(*p)) return 1;
  raise(*p, kAtom_badrecv);
  return 0;
}
uint64_t h_wait(Process* p, const Insn* pc, Term* fp, Term timeout) noexcept { return op_wait(*p, pc, fp, timeout); }

Term h_brest(Process* p, Term bin, Term pos) noexcept { return op_brest(*p, bin, pos); }
Term h_bappend(Process* p, Term bin, Term piece) noexcept { return op_bappend(*p, bin, piece); }
Term h_bread(Process* p, uint64_t kind, Term bin, Term* pos, Term size) noexcept {
  return op_bread(*p, static_cast<BinRead>(kind), bin, *pos, size);
}

Term* h_alloc(Process* p, uint64_t words) noexcept { return p->heap.alloc(words); }

Term* h_collect(Process* p, uint64_t mask, uint64_t dst, Term* fp) noexcept {
  uint32_t live = static_cast<uint32_t>(mask);
  if (dst < 32) live |= 1u << dst;  // an X destination (operand kind 0)
  p->collect(live);
  return closure_upvals(fp[kFrameClosure]);
}

Term h_raise(Process* p, Term cls, Term reason, Term trace) noexcept { return op_raise(*p, cls, reason, trace); }

const Insn* h_unwind(Process* p, const Insn* pc, Term* fp) noexcept { return unwind(*p, pc, fp); }

}  // namespace lzr::asm_engine

// C++ helpers the generated code calls for everything rare or complex.
//
// Thin wrappers over semantics.h (so each instruction's meaning lives in one
// place) with register-friendly signatures: plain integers and pointers only,
// never more than six arguments, results in rax. A helper that fails returns
// kRaised with p->error set, exactly like the semantics functions.
#pragma once

#include <cstdint>

#include "engine/insn.h"
#include "vm/process.h"
#include "vm/term.h"

namespace lzr::asm_engine {

Term h_arith(Process* p, uint64_t op, Term a, Term b) noexcept;           // op: ArithOp
uint64_t h_exact_equal(Term a, Term b) noexcept;                          // 1 if a =:= b
uint64_t h_equal(Term a, Term b) noexcept;                                // 1 if a == b
int64_t h_order(Term a, Term b) noexcept;                                 // <0, 0, >0: a's term order against b's
Term h_not(Process* p, Term a) noexcept;
Term h_neg(Process* p, Term a) noexcept;
Term h_type(Term a) noexcept;
Term h_size(Process* p, Term a) noexcept;
Term h_get(Process* p, Term container, Term index) noexcept;
Term h_drop(Process* p, Term container, Term index) noexcept;
Term h_put(Process* p, Term container, Term key, Term value) noexcept;
Term h_map_get(Process* p, Term map, Term key) noexcept;  // op_map_get
// A flat map's put of an immediate key its scan did not find: the insertion
// alone (maps.h, map_put_absent).
Term h_map_put_absent(Process* p, Term flat_map, Term key, Term value) noexcept;
Term h_badfun(Process* p, Term f) noexcept;
Term h_stack_overflow(Process* p) noexcept;
// The stack must reach `want_sp`: grows it (Process::grow_stack) and returns
// the new fp, or nullptr past the stack size.
Term* h_grow_stack(Process* p, Term* fp, Term* want_sp) noexcept;
// Receiving and yielding (semantics.h).
void h_yield(Process* p, const Insn* pc, Term* fp) noexcept;
Term h_recv(Process* p) noexcept;
uint64_t h_recvnext(Process* p) noexcept;  // 0: no message (badrecv raised)
uint64_t h_accept(Process* p) noexcept;    // 0: no message (badrecv raised)
uint64_t h_wait(Process* p, const Insn* pc, Term* fp, Term timeout) noexcept;  // WaitAction
// Binaries (issue 15; semantics.h): brest, bappend, and the reads, which
// advance *pos (the routine stores it back to the position's register).
Term h_brest(Process* p, Term bin, Term pos) noexcept;
Term h_bappend(Process* p, Term bin, Term piece) noexcept;
Term h_bread(Process* p, uint64_t kind, Term bin, Term* pos, Term size) noexcept;  // kind: BinRead
// The bump allocator's slow path: a new block (and a collection request).
Term* h_alloc(Process* p, uint64_t words) noexcept;
// A safe point that found a collection due: collects with the X registers in
// `mask` live, plus X[dst] if `dst` is an X operand byte. Returns the running
// closure's new upvalue base (the closure may have moved).
Term* h_collect(Process* p, uint64_t mask, uint64_t dst, Term* fp) noexcept;
// The `raise` instruction (exceptions.h op_raise); always kRaised.
Term h_raise(Process* p, Term cls, Term reason, Term trace) noexcept;
// The error exit: unwind() from the raising instruction `pc` in frame `fp`.
// Returns the handler to continue at (p->fp is then its frame), or nullptr
// when nothing catches (the engine returns kRaised).
const Insn* h_unwind(Process* p, const Insn* pc, Term* fp) noexcept;
// The routine for opcode `op`, its group built on first use: the lazy stub's
// helper (asm_engine.cpp), which also refreshes the calling scheduler's
// `table` from the engine's. Out of memory while building ends the process
// cleanly (heap_exhausted).
void* h_routine(uint32_t op, void** table) noexcept;

}  // namespace lzr::asm_engine

// The meaning of every data instruction, in one place. Both engines run
// their fast paths inline and call these for everything else, so a slow path
// and the reference behaviour are the same code.
//
// Functions that can fail return kRaised (vm/raise.h).
#pragma once

#include "engine/insn.h"
#include "vm/process.h"
#include "vm/raise.h"
#include "vm/term.h"

namespace lzr {

// IDiv, Rem: Erlang's div and rem (truncating, integers only; match-insns).
enum class ArithOp : uint8_t { Add, Sub, Mul, Div, Mod, Shr, Shl, Xor, And, Or, IDiv, Rem };
enum class CmpOp : uint8_t { Eq, Ne, Lt, Gt, Lte, Gte };

Term arith(Process& p, ArithOp op, Term a, Term b);
// The same without arith()'s inline common cases: for callers that have
// already tried those (the asm engine's slow paths).
Term arith_all(Process& p, ArithOp op, Term a, Term b);
Term op_not(Process& p, Term a);
Term op_neg(Process& p, Term a);
bool compare_holds(CmpOp op, Term a, Term b);

Term op_get(Process& p, Term container, Term index);
// get of a map: the value of `key`, or {badkey, Key} raised.
Term op_map_get(Process& p, Term map, Term key);
Term op_drop(Process& p, Term container, Term index);
Term op_put(Process& p, Term container, Term key, Term value);
Term op_type(Term t);
Term op_size(Process& p, Term t);

// Binaries (docs/bytecode.md, "Binaries"). op_bread reads a value of
// `size` bits from bit position `pos` of `bin`: on a match it returns the
// value and advances `pos`; where the bits do not match (too few left, not a
// finite float, not valid UTF-8) it returns [] and leaves `pos` as it is.
// Bad operands raise badarg. Only integers beyond the small range allocate.
// Bytes reads `size` bytes (not bits) as a binary: a view or a small copy.
enum class BinRead : uint8_t { Int, SInt, IntL, SIntL, Float, FloatL, Utf8, Bytes };
Term op_bread(Process& p, BinRead kind, Term bin, Term& pos, Term size);
Term op_brest(Process& p, Term bin, Term pos);
Term op_bappend(Process& p, Term bin, Term piece);

// map d, %{k => v, ...}: the pairs read from their operands (base: the X
// registers, the frame's Y slots and the closure's upvalues, indexed by
// operand kind) and built as map_from_pairs builds them. The pairs of a
// flat map are gathered on the stack: building one allocates only the map.
// The assembler engine calls it directly, so nothing may unwind out of it.
Term op_map(Process& p, const CtorInfo* c, Term* const* base) noexcept;

// A select's binary search (insn.h, SelectInfo): the target of `key`, or
// the default.
inline const Insn* select_search(const SelectInfo* s, uint64_t key) {
  const uint64_t* lo = s->keys;
  uint64_t n = s->count;
  while (n > 1) {  // lo[0..n) may hold key
    const uint64_t half = n / 2;
    if (lo[half] <= key) lo += half;
    n -= half;
  }
  return n == 1 && *lo == key ? s->targets[lo - s->keys] : s->fail;
}

// ---- receiving (docs/processes.md, "Receive") ----
// recv's answer when no message is under the cursor; never a term.
constexpr Term kNoMessage = kTagHeader | 1;
// The message under the receive cursor, copied into the heap on first look
// (a collection may be due afterwards), or kNoMessage.
Term op_recv(Process& p);
// recvnext / accept; false (the caller raises badrecv) with no message
// under the cursor.
bool op_recvnext(Process& p);
bool op_accept(Process& p);
// wait at `pc` in frame `fp`: what the engine does next.
enum WaitAction : uint64_t { kWaitFallThrough = 0, kWaitJumpBack = 1, kWaitSuspend = 2, kWaitRaised = 3 };
uint64_t op_wait(Process& p, const Insn* pc, Term* fp, Term timeout);
// A yield at pc (reductions used up): the engine then leaves with kRaised.
void yield_at(Process& p, const Insn* pc, Term* fp);

// Upvalue array of a closure term (nullptr for nil).
inline Term* closure_upvals(Term closure) { return is_boxed(closure) ? boxed_ptr(closure) + 2 : nullptr; }

}  // namespace lzr

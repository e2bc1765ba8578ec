// Comparison, equality and hashing of terms (Erlang semantics).
#pragma once

#include <cstdint>

#include "vm/term.h"

namespace lzr {

// Erlang term order: number < atom < function < tuple < map < nil < list < binary.
// Numbers compare by value (1 == 1.0 compares equal here). Returns <0, 0, >0.
int compare(Term a, Term b);
// Structural equality with numbers by value: the `eq`/`ne` instructions.
inline bool equal(Term a, Term b) { return a == b || compare(a, b) == 0; }

// Exact order: like compare, but an integer sorts before an equal float, so it
// is a total order consistent with exact_equal. Used for map keys.
int compare_exact(Term a, Term b);
// Exact equality (Erlang =:=): 1 and 1.0 differ. Map keys use this.
bool exact_equal(Term a, Term b);
// Hash consistent with exact_equal; independent of where terms live.
uint32_t hash_term(Term t);

}  // namespace lzr

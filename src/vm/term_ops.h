// Comparison, equality and hashing of terms (Erlang semantics).
//
// All of these walk terms with an explicit stack: any nesting depth works.
#pragma once

#include <cstdint>

#include "vm/term.h"

namespace lzr {

class AtomTable;

// Erlang term order: number < atom < function < tuple < map < nil < list < binary.
// Numbers compare by value (1 == 1.0 compares equal here). Returns <0, 0, >0.
// Atoms order by text; functions by module, name and arity, then upvalues;
// tuples by size, then elements; maps by size, then keys in map key order
// (compare_exact), then values in that order; lists element by element; binaries
// bytewise, a prefix first.
int compare(Term a, Term b);
// Structural equality with numbers by value: the `eq`/`ne` instructions.
// Same answer as compare(a, b) == 0, without ordering atoms by text.
bool equal_slow(Term a, Term b);
inline bool equal(Term a, Term b) { return a == b || equal_slow(a, b); }

// Map key order (Erlang's): like compare, except that every integer sorts
// before every float (1 < 2 < 0.5 < 1.0), at any depth inside tuples, lists
// and maps, and -0.0 before 0.0. A total order consistent with exact_equal.
// Flat maps store their keys in this order; maps compare and print in it.
int compare_exact(Term a, Term b);
// Map key order, precomputed per key so that a sort compares most pairs
// with integers alone: `rank` the type's place in term order, then `hi`,
// `lo`, chosen so that compare_exact(a, b) < 0 implies (rank, hi, lo) of a
// <= (rank, hi, lo) of b, compared lexicographically. Keys whose triples
// differ are ordered by them; equal triples need compare_exact. Binaries:
// their first 16 bytes (zero-padded, big-endian); integers and floats: the
// class (big negative, small, big positive, float) and the value; pids and
// references: the number; tuples: the arity; other keys: rank only.
struct KeyOrderPrefix {
  uint64_t hi, lo;
  uint8_t rank;
};
KeyOrderPrefix key_order_prefix(Term key);
// Exact equality (Erlang =:=): 1 and 1.0 differ, and so do 0.0 and -0.0.
// Map keys use this.
bool exact_equal(Term a, Term b);
// Hash consistent with exact_equal; independent of where terms live (GC
// moves, literal vs heap copies). Atoms hash by index, so hashes are stable
// within one VM run only.
uint32_t hash_term(Term t);

// Order of two atoms (by text). Same as compare() on atoms, without the
// general dispatch.
int compare_atoms(Term a, Term b);

// Atom order needs atom text. Every AtomTable registers itself while it
// lives and the newest living one is used, unless set_term_order_atoms
// picked one (nullptr undoes that). With no table at all, or for an atom the
// table does not hold, atoms order by index.
void set_term_order_atoms(const AtomTable* atoms);
const AtomTable* term_order_atoms();
void register_atom_table(const AtomTable* atoms);    // called by AtomTable
void unregister_atom_table(const AtomTable* atoms);  // called by ~AtomTable

}  // namespace lzr

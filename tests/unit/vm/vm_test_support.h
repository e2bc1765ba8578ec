// Small helpers shared by the VM data-layer tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vm/atoms.h"
#include "vm/builders.h"
#include "vm/heap.h"
#include "vm/maps.h"
#include "vm/printer.h"
#include "vm/term.h"

namespace lzr::test {

inline Term I(int64_t v) { return make_int(v); }
inline Term F(double d) { return make_float(d); }

// A heap plus an atom table, the usual fixture.
struct Terms {
  AtomTable atoms;
  Heap heap;

  Terms() { heap.set_stress(false); }
  Term atom(std::string_view s) { return *atoms.intern(s); }
  Term tuple(std::vector<Term> elems) { return lzr::make_tuple(heap, elems); }
  Term list(std::vector<Term> elems, Term tail = kNil) { return lzr::make_list(heap, elems, tail); }
  Term bin(std::string_view bytes) { return make_binary(heap, bytes); }
  Term map(std::vector<Term> kv) { return map_from_pairs(heap, kv.data(), kv.size() / 2); }
  std::string str(Term t) { return term_to_string(t, atoms); }
};

// Length of a proper list (-1 if improper).
inline int64_t list_length(Term t) {
  int64_t n = 0;
  for (; is_cons(t); t = cons_tail(t)) ++n;
  return is_nil(t) ? n : -1;
}

}  // namespace lzr::test

// Immortal per-module literal area: module literals become runtime terms
// here once, at load time, and are never copied or collected.
#pragma once

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "format/literal.h"
#include "vm/atoms.h"
#include "vm/term.h"

namespace lzr {

class LiteralArena {
 public:
  // Materialises `lit` (atoms interned in `atoms`); nullopt + `err` if an
  // atom cannot be interned (table full) or an integer does not fit.
  std::optional<Term> materialize(const Literal& lit, AtomTable& atoms, std::string& err);
  // The integer v: small, or an immortal big integer in this arena
  // (load64 values beyond the small range).
  Term integer(int64_t v);
  // An immortal tuple / list cell of terms that are immortal themselves
  // (immediates or arena terms): the module's cached stack trace entries.
  Term tuple(std::initializer_list<Term> elems);
  Term cons(Term head, Term tail);
  size_t words() const;

 private:
  Term* alloc(size_t words);
  std::vector<std::unique_ptr<Term[]>> chunks_;
  size_t chunk_used_ = 0, chunk_size_ = 0, words_ = 0;
};

}  // namespace lzr

// iodata: a binary, or an iolist — a possibly improper, nested list whose
// elements are binaries, bytes (integers 0..255) and iolists, and whose
// tails may be binaries (Erlang's iolist). Every output function and
// binary.from_iolist/1 take it (docs/builtins.md, "iodata").
#pragma once

#include <cstddef>
#include <string>

#include "vm/term.h"

namespace lzr {

// Appends the bytes of `t` to `out`; false (with `out` holding a prefix)
// when `t` is not iodata. Iterative: any nesting depth takes no C stack.
bool append_iodata(std::string& out, Term t);

// The byte size of `t`, or false when it is not iodata.
bool iodata_size(Term t, size_t& size);

// Copies the bytes of `t`, which iodata_size accepted, to `dst`.
void copy_iodata(Term t, uint8_t* dst);

}  // namespace lzr

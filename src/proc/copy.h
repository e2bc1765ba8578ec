// Copying a term out of one heap into memory of another owner: a message
// into its fragment, a spawned closure into the new process's heap
// (docs/processes.md, "Messages").
#pragma once

#include <cstddef>

#include "vm/term.h"

namespace lzr {

// Words a copy of `t` takes. Subterms shared inside `t` are counted once per
// path to them: a copy does not preserve sharing (as Erlang's send).
size_t copy_size(Term t);
// Copies `t` into `dst`, which has copy_size(t) words; returns the copy.
// Iterative (a Cheney scan over the copy itself): any depth works.
Term copy_term(Term t, Term* dst);
// `words` words holding a self-contained copy made at `from` were moved
// (memcpy) to `to`: re-points every pointer into the block by the distance
// moved. Returns `t` (a term of that block, or an immediate) re-pointed.
Term relocate_block(Term t, const Term* from, Term* to, size_t words);

}  // namespace lzr

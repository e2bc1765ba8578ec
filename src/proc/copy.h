// Copying a term out of one heap into memory of another owner: a message
// into its fragment, a spawned closure into the new process's heap
// (docs/processes.md, "Messages").
#pragma once

#include <cstddef>

#include "vm/term.h"

namespace lzr {

class Heap;

// Words a copy of `t` takes. Subterms shared inside `t` are counted once per
// path to them: a copy does not preserve sharing (as Erlang's send). An
// off-heap binary's bytes are shared, not copied: it takes 6 words
// (docs/terms.md, "Binaries").
size_t copy_size(Term t);
// Copies `t` into `dst`, which has copy_size(t) words; returns the copy.
// Iterative (a Cheney scan over the copy itself): any depth works. The
// copy's RefBin holders each own a reference: `owner`'s list gets them
// when `dst` is in that heap; with no owner (a message fragment) the
// fragment's owner must release them (release_fragment_refbins) or hand
// them to a heap (relocate_block).
Term copy_term(Term t, Term* dst, Heap* owner);
// `words` words holding a self-contained copy made at `from` were moved
// (memcpy) to `to` in `owner`'s heap: re-points every pointer into the
// block by the distance moved, and hands the block's RefBin holders (their
// references) to `owner`. Returns `t` (a term of that block, or an
// immediate) re-pointed.
Term relocate_block(Term t, const Term* from, Term* to, size_t words, Heap& owner);

}  // namespace lzr

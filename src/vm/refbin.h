// Reference-counted off-heap binaries (docs/terms.md, "Binaries").
//
// A binary of kRefBinMinBytes or more keeps its bytes in a RefBlock outside
// every heap. Each heap (or message fragment) that holds it has a RefBin
// holder object pointing to the block and owns one reference for it; a
// SubBinary view points to the holder. A heap lists its holders (Heap's
// "off-heap list"), and a collection releases the references of the holders
// that did not survive; the last release frees the bytes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "vm/term.h"

namespace lzr {

// A block for `size` bytes, with one reference; nullptr when the system
// refuses the memory.
RefBlock* refblock_new(uint64_t size);
inline void refblock_retain(RefBlock* b) { b->refs.fetch_add(1, std::memory_order_relaxed); }
// Drops one reference; the last one frees the block.
void refblock_release(RefBlock* b);

// Lays out a RefBin holder (kRefBinWords words at `holder`) and a view of all
// of `block`'s bytes (kSubBinaryWords words at `view`); returns the view.
// Takes over one reference to `block`.
Term init_refbin(Term* holder, Term* view, RefBlock* block);

// The holders in `words` words of self-contained objects (a message
// fragment): each one's reference is released.
void release_fragment_refbins(const Term* block, size_t words);

}  // namespace lzr

// Constructors for heap terms (no collection happens inside; see heap.h).
#pragma once

#include <span>
#include <string_view>

#include "vm/heap.h"
#include "vm/term.h"

namespace lzr {

Term make_tuple(Heap& heap, std::span<const Term> elems);
Term make_list(Heap& heap, std::span<const Term> elems, Term tail = kNil);
Term make_binary(Heap& heap, std::string_view bytes);
Term make_cons_cell(Heap& heap, Term head, Term tail);
// Binary with uninitialised contents of `size` bytes; returns its data
// pointer in `data`. From kRefBinMinBytes on the bytes are off-heap (a view
// of a RefBin holder, vm/refbin.h), else inline (a plain Binary). Ends the
// process (heap_exhausted) if the system refuses the memory.
Term alloc_binary(Heap& heap, size_t size, uint8_t*& data);
// The same for a size the program chose: kNil, with nothing allocated,
// when the request alone is too large (beyond kMaxBinaryBytes, the maximum
// heap or the machine's memory) or the system refuses it; the caller raises
// system_limit.
Term try_alloc_binary(Heap& heap, size_t size, uint8_t*& data);
// The words of heap a binary of `size` bytes takes (inline or not).
size_t binary_alloc_words(size_t size);

}  // namespace lzr

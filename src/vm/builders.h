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
// Binary with uninitialised contents of `size` bytes; returns its data pointer in `data`.
Term alloc_binary(Heap& heap, size_t size, uint8_t*& data);
// The same in two steps, for callers that allocate with Heap::try_alloc:
// the words a binary of `size` bytes takes, and the binary laid out in them.
size_t binary_alloc_words(size_t size);
Term init_binary(Term* p, size_t size, uint8_t*& data);

}  // namespace lzr

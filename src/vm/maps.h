// Immutable maps: flat sorted arrays up to kMapFlatMax entries, persistent
// hash-array-mapped tries (HAMT, 32-way, 5 hash bits a level) beyond.
// All functions allocate through Heap::alloc and never collect.
#pragma once

#include <cstddef>
#include <functional>

#include "vm/heap.h"
#include "vm/term.h"

namespace lzr {

constexpr size_t kMapFlatMax = 16;

Term map_empty(Heap& heap);
size_t map_size(Term map);
// Value for `key`, or nullptr when absent.
const Term* map_find(Term map, Term key);
Term map_put(Heap& heap, Term map, Term key, Term value);
Term map_remove(Heap& heap, Term map, Term key);  // unchanged map (same term) when absent
// Builds a map from n key/value pairs (later duplicates win).
Term map_from_pairs(Heap& heap, const Term* kv, size_t n);
// Visits entries in exact term order of keys (sorted; HAMT maps are sorted on the fly).
void map_for_each_sorted(Term map, const std::function<void(Term key, Term value)>& fn);

}  // namespace lzr

// Immutable maps: flat sorted arrays up to kMapFlatMax entries, persistent
// hash tries with CHAMP nodes (32-way, 5 hash bits a level) beyond.
// All functions allocate through Heap::alloc and never collect.
//
// Every map has one canonical shape for its set of keys (docs/terms.md,
// "Maps"): flat iff it has at most kMapFlatMax entries, flat entries and
// collision-node entries sorted by compare_exact of the keys (map key
// order), and a trie is the minimal trie of its keys' hashes with each
// node's pairs and children in chunk order. exact_equal and hash_term rely
// on this, so build maps only through these functions.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "vm/heap.h"
#include "vm/term.h"

namespace lzr {

constexpr size_t kMapFlatMax = 16;

// Where map construction takes its words: a process heap or an immortal
// literal arena.
struct WordAllocator {
  void* context;
  Term* (*allocate)(void* context, size_t words);
  Term* operator()(size_t words) const { return allocate(context, words); }
};
WordAllocator heap_allocator(Heap& heap);

// The empty map is one immortal object shared by everyone (no allocation).
Term map_empty();
inline Term map_empty(Heap&) { return map_empty(); }
size_t map_size(Term map);
// Value for `key`, or nullptr when absent.
const Term* map_find(Term map, Term key);
Term map_put(Heap& heap, Term map, Term key, Term value);  // same term when nothing changes
// map_put into a flat map known not to hold `key` (the assembler engine's
// put has looked): the insertion alone.
Term map_put_absent(Heap& heap, Term flat_map, Term key, Term value);
Term map_remove(Heap& heap, Term map, Term key);  // unchanged map (same term) when absent
// Builds a map from n key/value pairs (later duplicates win).
Term map_from_pairs(Heap& heap, const Term* kv, size_t n);
Term map_from_pairs(WordAllocator alloc, const Term* kv, size_t n);
// Visits entries in map key order (compare_exact; trie maps are sorted on the fly).
void map_for_each_sorted(Term map, const std::function<void(Term key, Term value)>& fn);
// Appends k0, v0, k1, v1, ... to `kv`: in storage order / in map key order.
void map_entries(Term map, std::vector<Term>& kv);
// Sorting a trie orders its keys, which may be tries to sort in turn: at
// any nesting depth this takes bounded C stack (nested sorts past a fixed
// depth switch to an iterative bottom-up sort, docs/terms.md "Comparison").
void map_sorted_entries(Term map, std::vector<Term>& kv);

// While one of these lives on this thread, map_sorted_entries memoizes the
// order of every trie it sorts (by address: nothing may collect
// meanwhile), so a walk that meets the same trie many times, or at
// many depths, sorts it once. compare and the printer hold one.
class SortedEntriesMemo;
// Whether a SortedEntriesMemo lives on this thread.
bool sorted_entries_memo_held();
class SortedEntriesMemo {
 public:
  SortedEntriesMemo();
  ~SortedEntriesMemo();
  SortedEntriesMemo(const SortedEntriesMemo&) = delete;
  SortedEntriesMemo& operator=(const SortedEntriesMemo&) = delete;
};

// A trie node's parts (a MapHamt object, whose root node follows its count,
// or a HamtNode): the datamap word (the nodemap follows), then `pairs`
// key/value pairs, then `children` sub-node pointers. For structural walks
// (exact_equal) that must tell keys from values.
struct MapTrieNode {
  const Term* bitmaps;
  size_t pairs, children;
  const Term* kv() const { return bitmaps + 2; }
  const Term* kids() const { return bitmaps + 2 + 2 * pairs; }
};
MapTrieNode map_trie_node(const Term* object);

// Tests only: replaces the key hash the maps use (nullptr restores
// hash_term), to force collisions. A map must only be used under the hash
// it was built with.
void set_map_key_hash_for_testing(uint32_t (*hash)(Term key));
// Tests only: whether the trie code uses the CPU's POPCNT instruction (when
// it has one; false: the portable bit count). Returns the previous setting.
bool set_map_popcnt_for_testing(bool use);

}  // namespace lzr

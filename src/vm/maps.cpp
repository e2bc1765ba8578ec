// Flat maps and CHAMP tries (docs/terms.md, "Maps").
//
// Object layouts (term.h):
//   MapFlat        header, k0, v0, k1, v1, ...     keys sorted by compare_exact (map key order)
//   MapHamt        header, count (int), then a trie node's payload: the root
//   HamtNode       header, datamap (int), nodemap (int), k0, v0, ..., child0, child1, ...
//   HamtCollision  header, k0, v0, ...             same 32-bit hash, sorted by compare_exact
//
// A trie node is a CHAMP node (Steindorfer & Vinju, "Optimizing Hash-Array
// Mapped Tries for Fast and Lean Immutable JVM Collections"): bit c of
// `datamap` says hash chunk c holds one key/value pair inline, bit c of
// `nodemap` that it leads to a sub-node (one word, the boxed child); the
// pairs come first, then the children, each in chunk order. Level L indexes
// by hash bits 5L..5L+4; level 6 has only bits 30..31 left, so a sub-node of
// a level-6 node is a collision node.
//
// Canonical shape: a sub-node exists only where at least two keys share its
// hash prefix (a subtree reduced to one entry moves up into its parent), so
// a map's shape depends only on its set of keys.
#include "vm/maps.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "sys/cpu_features.h"
#include "vm/term_ops.h"
#include "vm/work_stack.h"

namespace lzr {
namespace {

alignas(8) Term g_empty_map[1] = {make_header(BoxKind::MapFlat, 0)};

constexpr unsigned kBitsPerLevel = 5;
constexpr unsigned kCollisionLevel = 7;  // 6 x 5 + 2 bits: the hash is used up
constexpr size_t kNotFound = ~size_t{0};

inline unsigned chunk(uint32_t hash, unsigned level) { return (hash >> (kBitsPerLevel * level)) & 31; }
inline bool is_immediate(Term t) { return tag_of(t) != kTagCons && tag_of(t) != kTagBoxed; }
// exact_equal, with the usual immediate keys decided inline.
inline bool same_key(Term a, Term b) { return a == b || (!is_immediate(a) && exact_equal(a, b)); }
inline bool key_less(Term a, Term b) {
  if (is_atom(a) && is_atom(b)) return compare_atoms(a, b) < 0;
  if (is_int(a) && is_int(b)) return int_value(a) < int_value(b);  // without the term-order walk
  return compare_exact(a, b) < 0;
}

uint32_t (*g_key_hash)(Term) = hash_term;
inline uint32_t key_hash(Term key) { return g_key_hash(key); }

struct HeapAlloc {
  Heap& heap;
  Term* operator()(size_t words) const { return heap.alloc(words); }
};

// ---- sorted key/value arrays (flat maps and collision nodes) ----

size_t kv_index(const Term* kv, size_t n, Term key) {
  if (is_immediate(key)) {
    for (size_t i = 0; i < n; ++i) {
      if (kv[2 * i] == key) return i;
    }
    return kNotFound;
  }
  size_t lo = 0, hi = n;
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    const int c = compare_exact(kv[2 * mid], key);
    if (c == 0) return mid;
    if (c < 0) lo = mid + 1; else hi = mid;
  }
  return kNotFound;
}

size_t kv_lower_bound(const Term* kv, size_t n, Term key) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if (key_less(kv[2 * mid], key)) lo = mid + 1; else hi = mid;
  }
  return lo;
}

Term kv_with_value(Heap& heap, const Term* object, size_t n, size_t i, Term value) {
  Term* p = heap.alloc(1 + 2 * n);
  std::memcpy(p, object, (1 + 2 * n) * sizeof(Term));
  p[2 + 2 * i] = value;
  return make_boxed(p);
}

Term kv_with_inserted(Heap& heap, BoxKind kind, const Term* kv, size_t n, size_t pos, Term key, Term value) {
  Term* p = heap.alloc(3 + 2 * n);
  p[0] = make_header(kind, 2 * n + 2);
  std::memcpy(p + 1, kv, 2 * pos * sizeof(Term));
  p[1 + 2 * pos] = key;
  p[2 + 2 * pos] = value;
  std::memcpy(p + 3 + 2 * pos, kv + 2 * pos, 2 * (n - pos) * sizeof(Term));
  return make_boxed(p);
}

Term kv_without(Heap& heap, BoxKind kind, const Term* kv, size_t n, size_t i) {
  Term* p = heap.alloc(2 * n - 1);
  p[0] = make_header(kind, 2 * n - 2);
  std::memcpy(p + 1, kv, 2 * i * sizeof(Term));
  std::memcpy(p + 1 + 2 * i, kv + 2 * i + 2, 2 * (n - i - 1) * sizeof(Term));
  return make_boxed(p);
}

template <typename Alloc>
Term write_flat(Alloc& alloc, const Term* keys, const Term* values, size_t n) {
  if (n == 0) return make_boxed(g_empty_map);
  Term* p = alloc(1 + 2 * n);
  p[0] = make_header(BoxKind::MapFlat, 2 * n);
  for (size_t i = 0; i < n; ++i) {
    p[1 + 2 * i] = keys[i];
    p[2 + 2 * i] = values[i];
  }
  return make_boxed(p);
}

// ---- trie nodes ----

// Population counts: a trie step takes several. std::popcount compiles to a
// dozen instructions on baseline x86-64, which has no POPCNT, so the hot
// trie functions come in two versions, P = use the instruction, and the
// public functions pick one by what the CPU has (once).
template <bool P>
inline size_t count(uint32_t x) {
#if defined(__x86_64__)
  if constexpr (P) {
    uint32_t n;
    asm("popcntl %1, %0" : "=r"(n) : "r"(x) : "cc");
    return n;
  }
#endif
  return static_cast<size_t>(std::popcount(x));
}

bool cpu_has_popcnt() {
#if defined(__x86_64__)
  return LZR_CPU_HAS(POPCNT);
#else
  return false;
#endif
}
bool g_use_popcnt = cpu_has_popcnt();

// A trie node read in place: the root (inside the MapHamt object, after the
// count) or a HamtNode.
struct Node {
  const Term* object;  // header word
  const Term* bm;      // datamap word; nodemap follows, then the pairs, then the children
  uint32_t datamap, nodemap;
  size_t npairs, nkids;

  size_t pairs() const { return npairs; }
  size_t children() const { return nkids; }
  const Term* kv() const { return bm + 2; }
  const Term* kids() const { return bm + 2 + 2 * npairs; }
  size_t words() const { return 2 + 2 * npairs + nkids; }  // from the datamap word on
};

inline uint32_t bitmap_of(Term word) { return static_cast<uint32_t>(word); }  // an int term's low 32 bits
template <bool P>
inline size_t index_below(uint32_t map, uint32_t bit) { return count<P>(map & (bit - 1)); }

template <bool P>
inline Node read_node(const Term* object) {
  const Term* bm = object + (header_kind(object[0]) == BoxKind::MapHamt ? 2 : 1);
  const uint32_t datamap = bitmap_of(bm[0]), nodemap = bitmap_of(bm[1]);
  return Node{object, bm, datamap, nodemap, count<P>(datamap), count<P>(nodemap)};
}
template <bool P>
inline Node read_node(Term node) { return read_node<P>(boxed_ptr(node)); }

// Allocates a node with the given bitmaps and writes its header, bitmaps
// and, for a root, a count to be fixed by the caller. Returns the datamap
// word's address (pairs at +2, children after them).
template <bool P, typename Alloc>
Term* new_node(Alloc& alloc, bool root, uint32_t datamap, uint32_t nodemap) {
  const size_t head = root ? 2 : 1;
  const size_t words = 2 + 2 * count<P>(datamap) + count<P>(nodemap);
  Term* p = alloc(head + words);
  p[0] = make_header(root ? BoxKind::MapHamt : BoxKind::HamtNode, head - 1 + words);
  if (root) p[1] = make_int(0);
  p[head] = make_int(datamap);
  p[head + 1] = make_int(nodemap);
  return p + head;
}
inline Term node_term(Term* bm, bool root) { return make_boxed(bm - (root ? 2 : 1)); }

// A copy of `n` with one word (at `offset` from the datamap word) replaced.
Term with_word(Heap& heap, const Node& n, size_t offset, Term word) {
  const size_t total = static_cast<size_t>(n.bm - n.object) + n.words();
  Term* p = heap.alloc(total);
  std::memcpy(p, n.object, total * sizeof(Term));
  p[(n.bm - n.object) + offset] = word;
  return make_boxed(p);
}

// A copy of `n` with the pair for `bit` added.
template <bool P>
Term with_pair(Heap& heap, const Node& n, bool root, uint32_t bit, Term key, Term value) {
  const size_t i = index_below<P>(n.datamap, bit), pairs = n.pairs();
  HeapAlloc alloc{heap};
  Term* bm = new_node<P>(alloc, root, n.datamap | bit, n.nodemap);
  Term* kv = bm + 2;
  std::memcpy(kv, n.kv(), 2 * i * sizeof(Term));
  kv[2 * i] = key;
  kv[2 * i + 1] = value;
  std::memcpy(kv + 2 * i + 2, n.kv() + 2 * i, (2 * (pairs - i) + n.children()) * sizeof(Term));
  return node_term(bm, root);
}

// A copy of `n` without the pair for `bit`.
template <bool P>
Term without_pair(Heap& heap, const Node& n, bool root, uint32_t bit) {
  const size_t i = index_below<P>(n.datamap, bit), pairs = n.pairs();
  HeapAlloc alloc{heap};
  Term* bm = new_node<P>(alloc, root, n.datamap & ~bit, n.nodemap);
  Term* kv = bm + 2;
  std::memcpy(kv, n.kv(), 2 * i * sizeof(Term));
  std::memcpy(kv + 2 * i, n.kv() + 2 * i + 2, (2 * (pairs - i - 1) + n.children()) * sizeof(Term));
  return node_term(bm, root);
}

// A copy of `n` where the pair for `bit` became the sub-node `child`.
template <bool P>
Term pair_to_child(Heap& heap, const Node& n, bool root, uint32_t bit, Term child) {
  const size_t i = index_below<P>(n.datamap, bit), j = index_below<P>(n.nodemap, bit);
  const size_t pairs = n.pairs(), children = n.children();
  HeapAlloc alloc{heap};
  Term* bm = new_node<P>(alloc, root, n.datamap & ~bit, n.nodemap | bit);
  Term* kv = bm + 2;
  std::memcpy(kv, n.kv(), 2 * i * sizeof(Term));
  std::memcpy(kv + 2 * i, n.kv() + 2 * i + 2, 2 * (pairs - i - 1) * sizeof(Term));
  Term* kids = kv + 2 * (pairs - 1);
  std::memcpy(kids, n.kids(), j * sizeof(Term));
  kids[j] = child;
  std::memcpy(kids + j + 1, n.kids() + j, (children - j) * sizeof(Term));
  return node_term(bm, root);
}

// A copy of `n` where the sub-node for `bit` became the pair key => value.
template <bool P>
Term child_to_pair(Heap& heap, const Node& n, bool root, uint32_t bit, Term key, Term value) {
  const size_t i = index_below<P>(n.datamap, bit), j = index_below<P>(n.nodemap, bit);
  const size_t pairs = n.pairs(), children = n.children();
  HeapAlloc alloc{heap};
  Term* bm = new_node<P>(alloc, root, n.datamap | bit, n.nodemap & ~bit);
  Term* kv = bm + 2;
  std::memcpy(kv, n.kv(), 2 * i * sizeof(Term));
  kv[2 * i] = key;
  kv[2 * i + 1] = value;
  std::memcpy(kv + 2 * i + 2, n.kv() + 2 * i, 2 * (pairs - i) * sizeof(Term));
  Term* kids = kv + 2 * (pairs + 1);
  std::memcpy(kids, n.kids(), j * sizeof(Term));
  std::memcpy(kids + j, n.kids() + j + 1, (children - j - 1) * sizeof(Term));
  return node_term(bm, root);
}

// ---- building from pairs ----

struct KeyRef {
  uint64_t trie_order;  // hash chunks, level 0 most significant: trie order
  uint32_t hash;
  size_t index;         // pair index in the input
};

uint64_t trie_order(uint32_t hash) {
  uint64_t order = 0;
  for (unsigned level = 0; level < kCollisionLevel; ++level) order = (order << kBitsPerLevel) | chunk(hash, level);
  return order;
}

template <typename Alloc>
Term build_collision(Alloc& alloc, const Term* kv, const KeyRef* refs, size_t n) {
  Term* p = alloc(1 + 2 * n);
  p[0] = make_header(BoxKind::HamtCollision, 2 * n);
  for (size_t i = 0; i < n; ++i) {
    p[1 + 2 * i] = kv[2 * refs[i].index];
    p[2 + 2 * i] = kv[2 * refs[i].index + 1];
  }
  return make_boxed(p);
}

// refs: distinct keys in trie order, all sharing the hash chunks of the
// levels above `level`. Children are built before their parent (every
// object is built after the objects it points to). Recursion depth is at
// most kCollisionLevel.
template <typename Alloc>
Term build_node(Alloc& alloc, const Term* kv, const KeyRef* refs, size_t n, unsigned level, bool root) {
  uint32_t datamap = 0, nodemap = 0;
  Term kids[32];
  size_t children = 0;
  for (size_t i = 0; i < n;) {
    const unsigned c = chunk(refs[i].hash, level);
    size_t j = i + 1;
    while (j < n && chunk(refs[j].hash, level) == c) ++j;
    if (j - i == 1) {
      datamap |= uint32_t{1} << c;
    } else {
      nodemap |= uint32_t{1} << c;
      kids[children++] = level + 1 == kCollisionLevel ? build_collision(alloc, kv, refs + i, j - i)
                                                      : build_node(alloc, kv, refs + i, j - i, level + 1, false);
    }
    i = j;
  }
  Term* bm = new_node<false>(alloc, root, datamap, nodemap);
  Term* out = bm + 2;
  for (size_t i = 0; i < n;) {
    const unsigned c = chunk(refs[i].hash, level);
    size_t j = i + 1;
    while (j < n && chunk(refs[j].hash, level) == c) ++j;
    if (j - i == 1) {
      *out++ = kv[2 * refs[i].index];
      *out++ = kv[2 * refs[i].index + 1];
    }
    i = j;
  }
  std::memcpy(out, kids, children * sizeof(Term));
  if (root) bm[-1] = make_int(static_cast<int64_t>(n));
  return node_term(bm, root);
}

// Up to kMapFlatMax pairs: insertion into a small sorted array.
template <typename Alloc>
Term build_small(Alloc& alloc, const Term* kv, size_t n) {
  Term keys[kMapFlatMax], values[kMapFlatMax];
  size_t m = 0;
  for (size_t i = 0; i < n; ++i) {
    const Term key = kv[2 * i], value = kv[2 * i + 1];
    size_t pos = 0;
    while (pos < m && key_less(keys[pos], key)) ++pos;
    if (pos < m && same_key(keys[pos], key)) {
      values[pos] = value;  // later duplicates win
      continue;
    }
    for (size_t j = m; j > pos; --j) {  // at most 15 moves: a loop beats a memmove call
      keys[j] = keys[j - 1];
      values[j] = values[j - 1];
    }
    keys[pos] = key;
    values[pos] = value;
    ++m;
  }
  return write_flat(alloc, keys, values, m);
}

template <typename Alloc>
Term build_map(Alloc& alloc, const Term* kv, size_t n) {
  if (n <= kMapFlatMax) return build_small(alloc, kv, n);
  std::vector<KeyRef> refs(n);
  for (size_t i = 0; i < n; ++i) {
    const uint32_t h = key_hash(kv[2 * i]);
    refs[i] = KeyRef{trie_order(h), h, i};
  }
  std::sort(refs.begin(), refs.end(), [](const KeyRef& a, const KeyRef& b) {
    return a.trie_order != b.trie_order ? a.trie_order < b.trie_order : a.index < b.index;
  });
  // Within a run of equal hashes: order by key (input order among equal
  // keys, kept by the stable sort) and keep the last of each equal key.
  size_t m = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && refs[j].hash == refs[i].hash) ++j;
    if (j - i > 1) {
      std::stable_sort(refs.begin() + static_cast<ptrdiff_t>(i), refs.begin() + static_cast<ptrdiff_t>(j),
                       [kv](const KeyRef& a, const KeyRef& b) { return key_less(kv[2 * a.index], kv[2 * b.index]); });
    }
    for (size_t k = i; k < j; ++k) {
      if (k + 1 < j && same_key(kv[2 * refs[k].index], kv[2 * refs[k + 1].index])) continue;
      refs[m++] = refs[k];
    }
    i = j;
  }
  if (m <= kMapFlatMax) {
    std::sort(refs.begin(), refs.begin() + static_cast<ptrdiff_t>(m),
              [kv](const KeyRef& a, const KeyRef& b) { return key_less(kv[2 * a.index], kv[2 * b.index]); });
    Term keys[kMapFlatMax], values[kMapFlatMax];
    for (size_t i = 0; i < m; ++i) {
      keys[i] = kv[2 * refs[i].index];
      values[i] = kv[2 * refs[i].index + 1];
    }
    return write_flat(alloc, keys, values, m);
  }
  return build_node(alloc, kv, refs.data(), m, 0, true);
}

// ---- put ----

// The smallest subtree at `level` holding two distinct keys.
template <bool P>
Term pair_subtree(Heap& heap, Term k1, Term v1, uint32_t h1, Term k2, Term v2, uint32_t h2, unsigned level) {
  if (level == kCollisionLevel) {
    if (key_less(k2, k1)) {
      std::swap(k1, k2);
      std::swap(v1, v2);
    }
    Term* p = heap.alloc(5);
    p[0] = make_header(BoxKind::HamtCollision, 4);
    p[1] = k1, p[2] = v1, p[3] = k2, p[4] = v2;
    return make_boxed(p);
  }
  const unsigned c1 = chunk(h1, level), c2 = chunk(h2, level);
  HeapAlloc alloc{heap};
  if (c1 == c2) {
    const Term child = pair_subtree<P>(heap, k1, v1, h1, k2, v2, h2, level + 1);
    Term* bm = new_node<P>(alloc, false, 0, uint32_t{1} << c1);
    bm[2] = child;
    return node_term(bm, false);
  }
  if (c2 < c1) {
    std::swap(k1, k2);
    std::swap(v1, v2);
  }
  Term* bm = new_node<P>(alloc, false, (uint32_t{1} << c1) | (uint32_t{1} << c2), 0);
  bm[2] = k1, bm[3] = v1, bm[4] = k2, bm[5] = v2;
  return node_term(bm, false);
}

Term collision_put(Heap& heap, Term node, Term key, Term value, bool& added) {
  const Term* o = boxed_ptr(node);
  const size_t n = header_words(o[0]) / 2;
  const Term* kv = o + 1;
  for (size_t i = 0; i < n; ++i) {
    if (same_key(kv[2 * i], key)) return kv[2 * i + 1] == value ? node : kv_with_value(heap, o, n, i, value);
  }
  added = true;
  return kv_with_inserted(heap, BoxKind::HamtCollision, kv, n, kv_lower_bound(kv, n, key), key, value);
}

// Path copying: returns `node` itself when nothing changes. A new root keeps
// the old count; map_put fixes it.
template <bool P>
Term node_put(Heap& heap, Term node, bool root, Term key, Term value, uint32_t hash, unsigned level, bool& added) {
  const Node n = read_node<P>(node);
  const uint32_t bit = uint32_t{1} << chunk(hash, level);
  if (n.datamap & bit) {
    const size_t i = index_below<P>(n.datamap, bit);
    const Term ek = n.kv()[2 * i], ev = n.kv()[2 * i + 1];
    if (same_key(ek, key)) return ev == value ? node : with_word(heap, n, 2 + 2 * i + 1, value);
    added = true;
    const Term sub = pair_subtree<P>(heap, ek, ev, key_hash(ek), key, value, hash, level + 1);
    return pair_to_child<P>(heap, n, root, bit, sub);
  }
  if (n.nodemap & bit) {
    const size_t j = index_below<P>(n.nodemap, bit);
    const Term child = n.kids()[j];
    const Term new_child = box_kind(child) == BoxKind::HamtCollision
                               ? collision_put(heap, child, key, value, added)
                               : node_put<P>(heap, child, false, key, value, hash, level + 1, added);
    return new_child == child ? node : with_word(heap, n, 2 + 2 * n.pairs() + j, new_child);
  }
  added = true;
  return with_pair<P>(heap, n, root, bit, key, value);
}

// ---- remove ----

// What removing a key did to a subtree: nothing (absent), shrank it to a
// single key/value the parent must hold inline (keeping the trie minimal),
// or produced a new node.
struct Removal {
  enum Kind : uint8_t { kAbsent, kInline, kNode } kind;
  Term a = 0, b = 0;  // kInline: key, value; kNode: the node
};

Removal collision_remove(Heap& heap, Term node, Term key) {
  const Term* o = boxed_ptr(node);
  const size_t n = header_words(o[0]) / 2;
  const Term* kv = o + 1;
  for (size_t i = 0; i < n; ++i) {
    if (!same_key(kv[2 * i], key)) continue;
    if (n == 2) return {Removal::kInline, kv[2 * (1 - i)], kv[2 * (1 - i) + 1]};
    return {Removal::kNode, kv_without(heap, BoxKind::HamtCollision, kv, n, i)};
  }
  return {Removal::kAbsent};
}

// The root never answers kInline: a map's root always exists.
template <bool P>
Removal node_remove(Heap& heap, Term node, bool root, Term key, uint32_t hash, unsigned level) {
  const Node n = read_node<P>(node);
  const uint32_t bit = uint32_t{1} << chunk(hash, level);
  if (n.datamap & bit) {
    const size_t i = index_below<P>(n.datamap, bit);
    if (!same_key(n.kv()[2 * i], key)) return {Removal::kAbsent};
    if (!root && n.pairs() == 2 && n.children() == 0) {
      const Term* other = n.kv() + 2 * (1 - i);
      return {Removal::kInline, other[0], other[1]};
    }
    return {Removal::kNode, without_pair<P>(heap, n, root, bit)};
  }
  if (!(n.nodemap & bit)) return {Removal::kAbsent};
  const size_t j = index_below<P>(n.nodemap, bit);
  const Term child = n.kids()[j];
  const Removal r = box_kind(child) == BoxKind::HamtCollision ? collision_remove(heap, child, key)
                                                             : node_remove<P>(heap, child, false, key, hash, level + 1);
  switch (r.kind) {
    case Removal::kAbsent: return r;
    case Removal::kInline:
      if (!root && n.pairs() == 0 && n.children() == 1) return r;  // this node only led there: the entry moves up
      return {Removal::kNode, child_to_pair<P>(heap, n, root, bit, r.a, r.b)};
    case Removal::kNode: return {Removal::kNode, with_word(heap, n, 2 + 2 * n.pairs() + j, r.a)};
  }
  return {Removal::kAbsent};
}

template <bool P>
const Term* trie_find(const Term* map_object, Term key) {
  const uint32_t hash = key_hash(key);
  const Term* bm = map_object + 2;
  for (unsigned level = 0;; ++level) {
    const uint32_t datamap = bitmap_of(bm[0]), nodemap = bitmap_of(bm[1]);
    const uint32_t bit = uint32_t{1} << chunk(hash, level);
    if (datamap & bit) {
      const Term* e = bm + 2 + 2 * index_below<P>(datamap, bit);
      return same_key(e[0], key) ? e + 1 : nullptr;
    }
    if (!(nodemap & bit)) return nullptr;
    const Term* child = boxed_ptr(bm[2 + 2 * count<P>(datamap) + index_below<P>(nodemap, bit)]);
    if (header_kind(child[0]) == BoxKind::HamtCollision) {
      const size_t i = kv_index(child + 1, header_words(child[0]) / 2, key);
      return i == kNotFound ? nullptr : child + 2 + 2 * i;
    }
    bm = child + 1;
  }
}

}  // namespace

WordAllocator heap_allocator(Heap& heap) {
  return WordAllocator{&heap, [](void* h, size_t words) { return static_cast<Heap*>(h)->alloc(words); }};
}

Term map_empty() { return make_boxed(g_empty_map); }

void set_map_key_hash_for_testing(uint32_t (*hash)(Term key)) { g_key_hash = hash ? hash : hash_term; }

bool set_map_popcnt_for_testing(bool use) {
  const bool before = g_use_popcnt;
  g_use_popcnt = use && cpu_has_popcnt();
  return before;
}

size_t map_size(Term map) {
  const Term* o = boxed_ptr(map);
  if (header_kind(o[0]) == BoxKind::MapFlat) return header_words(o[0]) / 2;
  return static_cast<size_t>(int_value(o[1]));
}

const Term* map_find(Term map, Term key) {
  const Term* o = boxed_ptr(map);
  if (header_kind(o[0]) == BoxKind::MapFlat) {
    const size_t i = kv_index(o + 1, header_words(o[0]) / 2, key);
    return i == kNotFound ? nullptr : o + 2 + 2 * i;
  }
  return g_use_popcnt ? trie_find<true>(o, key) : trie_find<false>(o, key);
}

Term map_put_absent(Heap& heap, Term map, Term key, Term value) {
  const Term* o = boxed_ptr(map);
  const size_t n = header_words(o[0]) / 2;
  const Term* kv = o + 1;
  if (n < kMapFlatMax) return kv_with_inserted(heap, BoxKind::MapFlat, kv, n, kv_lower_bound(kv, n, key), key, value);
  Term pairs[2 * (kMapFlatMax + 1)];
  std::memcpy(pairs, kv, 2 * n * sizeof(Term));
  pairs[2 * n] = key;
  pairs[2 * n + 1] = value;
  HeapAlloc alloc{heap};
  return build_map(alloc, pairs, n + 1);
}

Term map_put(Heap& heap, Term map, Term key, Term value) {
  const Term* o = boxed_ptr(map);
  if (header_kind(o[0]) == BoxKind::MapFlat) {
    const size_t n = header_words(o[0]) / 2;
    const Term* kv = o + 1;
    const size_t i = kv_index(kv, n, key);
    if (i != kNotFound) return kv[2 * i + 1] == value ? map : kv_with_value(heap, o, n, i, value);
    return map_put_absent(heap, map, key, value);
  }
  bool added = false;
  const uint32_t hash = key_hash(key);
  const Term result = g_use_popcnt ? node_put<true>(heap, map, true, key, value, hash, 0, added)
                                   : node_put<false>(heap, map, true, key, value, hash, 0, added);
  if (result == map) return map;
  boxed_ptr(result)[1] = make_int(int_value(o[1]) + (added ? 1 : 0));
  return result;
}

Term map_remove(Heap& heap, Term map, Term key) {
  const Term* o = boxed_ptr(map);
  if (header_kind(o[0]) == BoxKind::MapFlat) {
    const size_t n = header_words(o[0]) / 2;
    const size_t i = kv_index(o + 1, n, key);
    if (i == kNotFound) return map;
    if (n == 1) return map_empty();
    return kv_without(heap, BoxKind::MapFlat, o + 1, n, i);
  }
  const size_t count = static_cast<size_t>(int_value(o[1]));
  if (count - 1 <= kMapFlatMax) {
    // Back to a flat map: the shape stays canonical for its size.
    if (!map_find(map, key)) return map;
    std::vector<Term> kv;
    map_sorted_entries(map, kv);
    const size_t i = kv_index(kv.data(), count, key);
    Term keys[kMapFlatMax], values[kMapFlatMax];
    for (size_t k = 0, m = 0; k < count; ++k) {
      if (k == i) continue;
      keys[m] = kv[2 * k];
      values[m++] = kv[2 * k + 1];
    }
    HeapAlloc alloc{heap};
    return write_flat(alloc, keys, values, count - 1);
  }
  const uint32_t hash = key_hash(key);
  const Removal r = g_use_popcnt ? node_remove<true>(heap, map, true, key, hash, 0)
                                 : node_remove<false>(heap, map, true, key, hash, 0);
  if (r.kind == Removal::kAbsent) return map;
  boxed_ptr(r.a)[1] = make_int(static_cast<int64_t>(count - 1));
  return r.a;
}

Term map_from_pairs(Heap& heap, const Term* kv, size_t n) {
  HeapAlloc alloc{heap};
  return build_map(alloc, kv, n);
}

Term map_from_pairs(WordAllocator alloc, const Term* kv, size_t n) { return build_map(alloc, kv, n); }

namespace {

// Calls fn(kv, pairs) for each node's run of key/value pairs of the trie
// `map_object` (a MapHamt), in storage order.
template <typename F>
void for_each_trie_run(const Term* map_object, F&& fn) {
  WorkStack<const Term*, 64> nodes;
  nodes.push(map_object);
  while (!nodes.empty()) {
    const Term* node = nodes.pop();
    if (header_kind(node[0]) == BoxKind::HamtCollision) {
      fn(node + 1, header_words(node[0]) / 2);
      continue;
    }
    const Node n = read_node<false>(node);
    fn(n.kv(), n.pairs());
    for (size_t j = n.children(); j-- > 0;) nodes.push(boxed_ptr(n.kids()[j]));
  }
}

}  // namespace

void map_entries(Term map, std::vector<Term>& kv) {
  const Term* o = boxed_ptr(map);
  if (header_kind(o[0]) == BoxKind::MapFlat) {
    kv.insert(kv.end(), o + 1, o + 1 + header_words(o[0]));
    return;
  }
  kv.reserve(kv.size() + 2 * static_cast<size_t>(int_value(o[1])));
  for_each_trie_run(o, [&](const Term* run, size_t pairs) { kv.insert(kv.end(), run, run + 2 * pairs); });
}

// ---- map key order of trie entries ----
//
// Sorting a trie's entries orders its keys with compare_exact, and a key
// that is itself a trie is ordered by sorting *its* entries: tries nested as
// keys of tries would recurse on the C stack once per level, a depth the
// program chooses. So nested sorts count their depth, and past
// kMaxNestedSorts a trie is sorted bottom-up instead (sort_bottom_up): every
// trie below it is sorted and memoized before the tries that hold it, so
// the comparisons each sort makes find the tries they reach in the memo and
// never nest further. Results are memoized by object address while a sort
// or a SortedEntriesMemo is active (no collection can run then); a walk that
// meets the same trie at many depths sorts it once.

namespace {

constexpr unsigned kMaxNestedSorts = 24;

struct SortState {
  unsigned nesting = 0;  // map_sorted_entries calls sorting on the C stack
  unsigned holders = 0;  // living SortedEntriesMemo objects
  std::unordered_map<const Term*, std::vector<Term>> memo;
};
thread_local SortState t_sort;

// Frees the memo (buckets too) once no sort and no holder is active.
void release_memo_if_idle(SortState& s) {
  if (s.nesting == 0 && s.holders == 0 && !s.memo.empty()) decltype(s.memo)().swap(s.memo);
}

struct NestedSort {
  SortState& s;
  explicit NestedSort(SortState& state) : s(state) { ++s.nesting; }
  ~NestedSort() {
    --s.nesting;
    release_memo_if_idle(s);
  }
  NestedSort(const NestedSort&) = delete;
  NestedSort& operator=(const NestedSort&) = delete;
};

// An entry to sort: its key's prefix (key_order_prefix, less the rank:
// entries are grouped by rank first), so most comparisons are of integers
// and compare_exact runs only on equal prefixes.
struct SortEntry {
  uint64_t hi, lo;
  Term key, value;
};

inline bool entry_less(const SortEntry& a, const SortEntry& b) {
  if (a.hi != b.hi) return a.hi < b.hi;
  if (a.lo != b.lo) return a.lo < b.lo;
  return key_less(a.key, b.key);  // atoms (prefix 0) go straight to compare_atoms
}

constexpr size_t kRanks = 256;  // KeyOrderPrefix::rank is a byte

// Entries are read straight from the trie into SortEntry records (no
// unsorted copy first): a sort's transient memory is 33 bytes a pair.
void sort_trie_entries(Term map, std::vector<Term>& kv) {
  const size_t n = map_size(map);
  std::vector<SortEntry> entries;
  std::vector<uint8_t> ranks;
  entries.reserve(n);
  ranks.reserve(n);
  for_each_trie_run(boxed_ptr(map), [&](const Term* run, size_t pairs) {
    for (size_t i = 0; i < pairs; ++i) {
      const KeyOrderPrefix p = key_order_prefix(run[2 * i]);
      entries.push_back({p.hi, p.lo, run[2 * i], run[2 * i + 1]});
      ranks.push_back(p.rank);
    }
  });
  // Group by rank (a counting sort), unless all keys share one.
  if (n > 0 && std::any_of(ranks.begin(), ranks.end(), [&](uint8_t r) { return r != ranks[0]; })) {
    std::vector<size_t> start(kRanks + 1, 0);
    for (const uint8_t r : ranks) ++start[r + 1];
    for (size_t r = 0; r < kRanks; ++r) start[r + 1] += start[r];
    std::vector<SortEntry> grouped(n);
    std::vector<size_t> next(start.begin(), start.end() - 1);
    for (size_t i = 0; i < n; ++i) grouped[next[ranks[i]]++] = entries[i];
    entries.swap(grouped);
    for (size_t r = 0; r < kRanks; ++r) {
      std::sort(entries.begin() + static_cast<ptrdiff_t>(start[r]), entries.begin() + static_cast<ptrdiff_t>(start[r + 1]),
                entry_less);
    }
  } else {
    std::sort(entries.begin(), entries.end(), entry_less);
  }
  kv.reserve(kv.size() + 2 * n);
  for (const SortEntry& e : entries) {
    kv.push_back(e.key);
    kv.push_back(e.value);
  }
}

// Sorts every trie reachable from `root` into the memo, children first. An
// explicit-stack post-order walk: a trie is sorted only once everything
// below it has been visited (its `expanded` entry lies under its children
// on the stack), so its sort's comparisons, which look only at terms below
// it, find each trie they reach in the memo. `seen` makes shared subterms
// cost one visit.
void sort_bottom_up(Term root, SortState& s) {
  struct Visit {
    Term term;
    bool expanded;  // children visited: sort it now
  };
  WorkStack<Visit> todo;
  std::unordered_set<Term> seen;
  std::vector<Term> parts;
  todo.push({root, false});
  while (!todo.empty()) {
    const Visit v = todo.pop();
    if (v.expanded) {
      std::vector<Term> sorted;
      sort_trie_entries(v.term, sorted);
      s.memo.emplace(boxed_ptr(v.term), std::move(sorted));
      continue;
    }
    if (is_immediate(v.term) || !seen.insert(v.term).second) continue;
    if (is_cons(v.term)) {
      todo.push({cons_tail(v.term), false});
      todo.push({cons_head(v.term), false});
      continue;
    }
    const Term* o = boxed_ptr(v.term);
    const uint64_t n = header_words(o[0]);
    switch (header_kind(o[0])) {
      case BoxKind::MapHamt:
        if (s.memo.contains(o)) break;
        todo.push({v.term, true});
        parts.clear();
        map_entries(v.term, parts);
        for (const Term t : parts) todo.push({t, false});
        break;
      case BoxKind::Closure:  // raw FunctionInfo*, then upvalues
        for (uint64_t i = 1; i < n; ++i) todo.push({o[1 + i], false});
        break;
      case BoxKind::Tuple:
      case BoxKind::MapFlat:
        for (uint64_t i = 0; i < n; ++i) todo.push({o[1 + i], false});
        break;
      default:  // binaries, big integers: nothing below
        break;
    }
  }
}

}  // namespace

SortedEntriesMemo::SortedEntriesMemo() { ++t_sort.holders; }

bool sorted_entries_memo_held() { return t_sort.holders != 0; }

SortedEntriesMemo::~SortedEntriesMemo() {
  SortState& s = t_sort;
  --s.holders;
  release_memo_if_idle(s);
}

void map_sorted_entries(Term map, std::vector<Term>& kv) {
  const Term* o = boxed_ptr(map);
  if (header_kind(o[0]) == BoxKind::MapFlat) {
    kv.insert(kv.end(), o + 1, o + 1 + header_words(o[0]));
    return;
  }
  SortState& s = t_sort;
  if (!s.memo.empty()) {
    if (auto it = s.memo.find(o); it != s.memo.end()) {
      kv.insert(kv.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  NestedSort nested(s);
  if (s.nesting > kMaxNestedSorts) {
    sort_bottom_up(map, s);
    const std::vector<Term>& sorted = s.memo.at(o);
    kv.insert(kv.end(), sorted.begin(), sorted.end());
    return;
  }
  if (s.nesting == 1 && s.holders == 0) {  // the outermost sort: nobody asks again
    sort_trie_entries(map, kv);
    return;
  }
  std::vector<Term> sorted;
  sort_trie_entries(map, sorted);
  kv.insert(kv.end(), sorted.begin(), sorted.end());
  s.memo.emplace(o, std::move(sorted));
}

void map_for_each_sorted(Term map, const std::function<void(Term key, Term value)>& fn) {
  const Term* o = boxed_ptr(map);
  if (header_kind(o[0]) == BoxKind::MapFlat) {
    for (size_t i = 0; i < header_words(o[0]); i += 2) fn(o[1 + i], o[2 + i]);
    return;
  }
  std::vector<Term> kv;
  map_sorted_entries(map, kv);
  for (size_t i = 0; i < kv.size(); i += 2) fn(kv[i], kv[i + 1]);
}

MapTrieNode map_trie_node(const Term* object) {
  const Node n = read_node<false>(object);
  return MapTrieNode{n.bm, n.pairs(), n.children()};
}

}  // namespace lzr

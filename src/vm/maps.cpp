// Flat maps and HAMTs (docs/terms.md, "Maps").
//
// Object layouts (term.h):
//   MapFlat        header, k0, v0, k1, v1, ...          keys sorted by compare_exact
//   MapHamt        header, count (int), root (HamtNode)
//   HamtNode       header, bitmap (int), then per set bit, lowest first:
//                  (key, value) or (kHamtSubnode, child node)
//   HamtCollision  header, k0, v0, ...                  same 32-bit hash, sorted
// Level L of the trie indexes by hash bits 5L..5L+4; level 6 has only bits
// 30..31 left, so a sub-node below level 6 is a collision node.
#include "vm/maps.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

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
  return is_atom(a) && is_atom(b) ? compare_atoms(a, b) < 0 : compare_exact(a, b) < 0;
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
// levels above `level`. Recursion depth is at most kCollisionLevel.
template <typename Alloc>
Term build_node(Alloc& alloc, const Term* kv, const KeyRef* refs, size_t n, unsigned level) {
  uint32_t bitmap = 0;
  for (size_t i = 0; i < n; ++i) bitmap |= 1u << chunk(refs[i].hash, level);
  const size_t entries = static_cast<size_t>(std::popcount(bitmap));
  Term* p = alloc(2 + 2 * entries);
  p[0] = make_header(BoxKind::HamtNode, 1 + 2 * entries);
  p[1] = make_int(bitmap);
  Term* e = p + 2;
  for (size_t i = 0; i < n; e += 2) {
    const unsigned c = chunk(refs[i].hash, level);
    size_t j = i + 1;
    while (j < n && chunk(refs[j].hash, level) == c) ++j;
    if (j - i == 1) {
      e[0] = kv[2 * refs[i].index];
      e[1] = kv[2 * refs[i].index + 1];
    } else {
      e[0] = kHamtSubnode;
      e[1] = level + 1 == kCollisionLevel ? build_collision(alloc, kv, refs + i, j - i)
                                          : build_node(alloc, kv, refs + i, j - i, level + 1);
    }
    i = j;
  }
  return make_boxed(p);
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
  const Term root = build_node(alloc, kv, refs.data(), m, 0);
  Term* p = alloc(3);
  p[0] = make_header(BoxKind::MapHamt, 2);
  p[1] = make_int(static_cast<int64_t>(m));
  p[2] = root;
  return make_boxed(p);
}

// ---- HAMT nodes ----

inline uint32_t node_bitmap(const Term* node) { return static_cast<uint32_t>(int_value(node[1])); }
inline size_t entry_count(const Term* node) { return header_words(node[0]) / 2; }

Term node_with_entry(Heap& heap, const Term* node, size_t n, size_t i, Term key, Term value) {
  Term* p = heap.alloc(2 + 2 * n);
  std::memcpy(p, node, (2 + 2 * n) * sizeof(Term));
  p[2 + 2 * i] = key;
  p[3 + 2 * i] = value;
  return make_boxed(p);
}

Term node_with_inserted(Heap& heap, const Term* node, size_t n, size_t i, uint32_t bitmap, Term key, Term value) {
  Term* p = heap.alloc(4 + 2 * n);
  p[0] = make_header(BoxKind::HamtNode, 3 + 2 * n);
  p[1] = make_int(bitmap);
  std::memcpy(p + 2, node + 2, 2 * i * sizeof(Term));
  p[2 + 2 * i] = key;
  p[3 + 2 * i] = value;
  std::memcpy(p + 4 + 2 * i, node + 2 + 2 * i, 2 * (n - i) * sizeof(Term));
  return make_boxed(p);
}

Term node_without(Heap& heap, const Term* node, size_t n, size_t i, uint32_t bitmap) {
  Term* p = heap.alloc(2 * n);
  p[0] = make_header(BoxKind::HamtNode, 2 * n - 1);
  p[1] = make_int(bitmap);
  std::memcpy(p + 2, node + 2, 2 * i * sizeof(Term));
  std::memcpy(p + 2 + 2 * i, node + 4 + 2 * i, 2 * (n - i - 1) * sizeof(Term));
  return make_boxed(p);
}

// The smallest subtree at `level` holding two distinct keys.
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
  if (c1 == c2) {
    const Term child = pair_subtree(heap, k1, v1, h1, k2, v2, h2, level + 1);
    Term* p = heap.alloc(4);
    p[0] = make_header(BoxKind::HamtNode, 3);
    p[1] = make_int(uint32_t{1} << c1);
    p[2] = kHamtSubnode, p[3] = child;
    return make_boxed(p);
  }
  if (c2 < c1) {
    std::swap(k1, k2);
    std::swap(v1, v2);
  }
  Term* p = heap.alloc(6);
  p[0] = make_header(BoxKind::HamtNode, 5);
  p[1] = make_int((uint32_t{1} << c1) | (uint32_t{1} << c2));
  p[2] = k1, p[3] = v1, p[4] = k2, p[5] = v2;
  return make_boxed(p);
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

// Path copying: returns `node` itself when nothing changes.
Term node_put(Heap& heap, Term node, Term key, Term value, uint32_t hash, unsigned level, bool& added) {
  const Term* o = boxed_ptr(node);
  const uint32_t bitmap = node_bitmap(o);
  const uint32_t bit = uint32_t{1} << chunk(hash, level);
  const size_t n = entry_count(o);
  const size_t i = static_cast<size_t>(std::popcount(bitmap & (bit - 1)));
  if (!(bitmap & bit)) {
    added = true;
    return node_with_inserted(heap, o, n, i, bitmap | bit, key, value);
  }
  const Term ek = o[2 + 2 * i], ev = o[3 + 2 * i];
  if (ek == kHamtSubnode) {
    const Term child = box_kind(ev) == BoxKind::HamtCollision ? collision_put(heap, ev, key, value, added)
                                                             : node_put(heap, ev, key, value, hash, level + 1, added);
    return child == ev ? node : node_with_entry(heap, o, n, i, kHamtSubnode, child);
  }
  if (same_key(ek, key)) return ev == value ? node : node_with_entry(heap, o, n, i, ek, value);
  added = true;
  const Term sub = pair_subtree(heap, ek, ev, key_hash(ek), key, value, hash, level + 1);
  return node_with_entry(heap, o, n, i, kHamtSubnode, sub);
}

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

Removal node_remove(Heap& heap, Term node, Term key, uint32_t hash, unsigned level) {
  const Term* o = boxed_ptr(node);
  const uint32_t bitmap = node_bitmap(o);
  const uint32_t bit = uint32_t{1} << chunk(hash, level);
  if (!(bitmap & bit)) return {Removal::kAbsent};
  const size_t n = entry_count(o);
  const size_t i = static_cast<size_t>(std::popcount(bitmap & (bit - 1)));
  const Term ek = o[2 + 2 * i], ev = o[3 + 2 * i];
  if (ek == kHamtSubnode) {
    const Removal r = box_kind(ev) == BoxKind::HamtCollision ? collision_remove(heap, ev, key)
                                                            : node_remove(heap, ev, key, hash, level + 1);
    switch (r.kind) {
      case Removal::kAbsent: return r;
      case Removal::kInline:
        if (level > 0 && n == 1) return r;  // this node only led there: the entry moves up
        return {Removal::kNode, node_with_entry(heap, o, n, i, r.a, r.b)};
      case Removal::kNode: return {Removal::kNode, node_with_entry(heap, o, n, i, kHamtSubnode, r.a)};
    }
  }
  if (!same_key(ek, key)) return {Removal::kAbsent};
  if (level > 0 && n == 2) {
    const Term* other = o + 2 + 2 * (1 - i);
    if (other[0] != kHamtSubnode) return {Removal::kInline, other[0], other[1]};
  }
  return {Removal::kNode, node_without(heap, o, n, i, bitmap & ~bit)};
}

void append_sorted(std::vector<Term>& kv, std::vector<std::pair<Term, Term>>& entries) {
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return key_less(a.first, b.first); });
  for (const auto& [k, v] : entries) {
    kv.push_back(k);
    kv.push_back(v);
  }
}

}  // namespace

WordAllocator heap_allocator(Heap& heap) {
  return WordAllocator{&heap, [](void* h, size_t words) { return static_cast<Heap*>(h)->alloc(words); }};
}

Term map_empty() { return make_boxed(g_empty_map); }

void set_map_key_hash_for_testing(uint32_t (*hash)(Term key)) { g_key_hash = hash ? hash : hash_term; }

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
  const uint32_t hash = key_hash(key);
  const Term* node = boxed_ptr(o[2]);
  for (unsigned level = 0;; ++level) {
    const uint32_t bitmap = node_bitmap(node);
    const uint32_t bit = uint32_t{1} << chunk(hash, level);
    if (!(bitmap & bit)) return nullptr;
    const Term* e = node + 2 + 2 * std::popcount(bitmap & (bit - 1));
    if (e[0] != kHamtSubnode) return same_key(e[0], key) ? e + 1 : nullptr;
    node = boxed_ptr(e[1]);
    if (header_kind(node[0]) == BoxKind::HamtCollision) {
      const size_t i = kv_index(node + 1, header_words(node[0]) / 2, key);
      return i == kNotFound ? nullptr : node + 2 + 2 * i;
    }
  }
}

Term map_put(Heap& heap, Term map, Term key, Term value) {
  const Term* o = boxed_ptr(map);
  if (header_kind(o[0]) == BoxKind::MapFlat) {
    const size_t n = header_words(o[0]) / 2;
    const Term* kv = o + 1;
    const size_t i = kv_index(kv, n, key);
    if (i != kNotFound) return kv[2 * i + 1] == value ? map : kv_with_value(heap, o, n, i, value);
    if (n < kMapFlatMax) return kv_with_inserted(heap, BoxKind::MapFlat, kv, n, kv_lower_bound(kv, n, key), key, value);
    Term pairs[2 * (kMapFlatMax + 1)];
    std::memcpy(pairs, kv, 2 * n * sizeof(Term));
    pairs[2 * n] = key;
    pairs[2 * n + 1] = value;
    HeapAlloc alloc{heap};
    return build_map(alloc, pairs, n + 1);
  }
  const Term root = o[2];
  bool added = false;
  const Term new_root = node_put(heap, root, key, value, key_hash(key), 0, added);
  if (new_root == root) return map;
  Term* p = heap.alloc(3);
  p[0] = o[0];
  p[1] = make_int(int_value(o[1]) + (added ? 1 : 0));
  p[2] = new_root;
  return make_boxed(p);
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
    std::vector<Term> kv;
    map_sorted_entries(map, kv);
    const size_t i = kv_index(kv.data(), count, key);
    if (i == kNotFound) return map;
    kv.erase(kv.begin() + static_cast<ptrdiff_t>(2 * i), kv.begin() + static_cast<ptrdiff_t>(2 * i + 2));
    Term keys[kMapFlatMax], values[kMapFlatMax];
    for (size_t k = 0; k + 1 < count; ++k) {
      keys[k] = kv[2 * k];
      values[k] = kv[2 * k + 1];
    }
    HeapAlloc alloc{heap};
    return write_flat(alloc, keys, values, count - 1);
  }
  const Removal r = node_remove(heap, o[2], key, key_hash(key), 0);
  if (r.kind == Removal::kAbsent) return map;
  Term* p = heap.alloc(3);
  p[0] = o[0];
  p[1] = make_int(static_cast<int64_t>(count - 1));
  p[2] = r.a;  // the root never answers kInline (that needs level > 0)
  return make_boxed(p);
}

Term map_from_pairs(Heap& heap, const Term* kv, size_t n) {
  HeapAlloc alloc{heap};
  return build_map(alloc, kv, n);
}

Term map_from_pairs(WordAllocator alloc, const Term* kv, size_t n) { return build_map(alloc, kv, n); }

void map_entries(Term map, std::vector<Term>& kv) {
  const Term* o = boxed_ptr(map);
  if (header_kind(o[0]) == BoxKind::MapFlat) {
    kv.insert(kv.end(), o + 1, o + 1 + header_words(o[0]));
    return;
  }
  kv.reserve(kv.size() + 2 * static_cast<size_t>(int_value(o[1])));
  WorkStack<const Term*, 16> nodes;  // trie depth is at most 8
  nodes.push(boxed_ptr(o[2]));
  while (!nodes.empty()) {
    const Term* node = nodes.pop();
    const size_t words = header_words(node[0]);
    if (header_kind(node[0]) == BoxKind::HamtCollision) {
      kv.insert(kv.end(), node + 1, node + 1 + words);
      continue;
    }
    for (const Term* e = node + 2; e < node + 1 + words; e += 2) {
      if (e[0] == kHamtSubnode) {
        nodes.push(boxed_ptr(e[1]));
      } else {
        kv.push_back(e[0]);
        kv.push_back(e[1]);
      }
    }
  }
}

void map_sorted_entries(Term map, std::vector<Term>& kv) {
  const Term* o = boxed_ptr(map);
  if (header_kind(o[0]) == BoxKind::MapFlat) {
    kv.insert(kv.end(), o + 1, o + 1 + header_words(o[0]));
    return;
  }
  std::vector<Term> unsorted;
  map_entries(map, unsorted);
  std::vector<std::pair<Term, Term>> entries(unsorted.size() / 2);
  for (size_t i = 0; i < entries.size(); ++i) entries[i] = {unsorted[2 * i], unsorted[2 * i + 1]};
  kv.reserve(kv.size() + unsorted.size());
  append_sorted(kv, entries);
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

}  // namespace lzr

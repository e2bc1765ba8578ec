#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "vm/bigint.h"
#include "vm/binaries.h"
#include "vm/term_ops.h"
#include "vm_test_support.h"

namespace lzr {
namespace {

using test::F;
using test::I;
using test::Terms;

bool is_flat(Term m) { return box_kind(m) == BoxKind::MapFlat; }

// Key hashes that force the trie's corner cases.
uint32_t collide_all(Term) { return 0x12345678; }
uint32_t low_two_bits(Term k) { return static_cast<uint32_t>(int_value(k)) & 3; }
uint32_t top_six_bits(Term k) { return (static_cast<uint32_t>(int_value(k)) & 63) << 26; }

struct HashOverride {
  explicit HashOverride(uint32_t (*h)(Term)) { set_map_key_hash_for_testing(h); }
  ~HashOverride() { set_map_key_hash_for_testing(nullptr); }
};

class Maps : public ::testing::Test, public Terms {
 protected:
  // Collects when the heap asks, keeping `live` (updated in place).
  void maybe_collect(std::vector<Term*> live) {
    if (!heap.gc_requested()) return;
    GcRoots roots;
    roots.extra = live;
    heap.collect(roots);
  }
};

TEST_F(Maps, SmallMapsPutFindRemove) {
  const Term a = atom("a"), b = atom("b"), c = atom("c");
  Term m = map_empty();
  EXPECT_EQ(map_size(m), 0u);
  EXPECT_EQ(map_find(m, a), nullptr);
  m = map_put(heap, m, c, I(3));
  m = map_put(heap, m, a, I(1));
  m = map_put(heap, m, b, I(2));
  EXPECT_EQ(map_size(m), 3u);
  EXPECT_EQ(str(m), "%{a: 1, b: 2, c: 3}");
  ASSERT_NE(map_find(m, b), nullptr);
  EXPECT_EQ(*map_find(m, b), I(2));
  EXPECT_EQ(map_put(heap, m, b, I(2)), m);  // unchanged: same term, no allocation
  const Term m2 = map_put(heap, m, b, I(20));
  EXPECT_EQ(*map_find(m2, b), I(20));
  EXPECT_EQ(*map_find(m, b), I(2));  // persistent
  EXPECT_EQ(map_remove(heap, m, atom("zz")), m);
  const Term m3 = map_remove(heap, m, a);
  EXPECT_EQ(str(m3), "%{b: 2, c: 3}");
  EXPECT_EQ(map_remove(heap, map_remove(heap, m3, b), c), map_empty());
}

TEST_F(Maps, KeysAreExact) {
  Term m = map({I(1), atom("int"), F(1.0), atom("float")});
  EXPECT_EQ(map_size(m), 2u);
  EXPECT_EQ(*map_find(m, I(1)), atom("int"));
  EXPECT_EQ(*map_find(m, F(1.0)), atom("float"));
  EXPECT_EQ(map_find(m, F(-0.0)), nullptr);
  m = map_put(heap, m, F(-0.0), I(0));
  EXPECT_EQ(str(m), "%{1 => :int, -0.0 => 0, 1.0 => :float}");  // map key order: integers first
  // Compound keys are found by structure, not identity.
  m = map_put(heap, m, tuple({I(1), bin("k")}), I(77));
  ASSERT_NE(map_find(m, tuple({I(1), bin("k")})), nullptr);
  EXPECT_EQ(*map_find(m, tuple({I(1), bin("k")})), I(77));
  EXPECT_EQ(map_find(m, tuple({F(1.0), bin("k")})), nullptr);
}

TEST_F(Maps, FromPairsLaterDuplicatesWin) {
  EXPECT_EQ(str(map({I(2), I(1), I(1), I(1), I(2), I(3)})), "%{1 => 1, 2 => 3}");
  // Many pairs, few distinct keys: comes out flat.
  std::vector<Term> kv;
  for (int i = 0; i < 100; ++i) kv.insert(kv.end(), {I(i % 5), I(i)});
  const Term m = map(kv);
  EXPECT_TRUE(is_flat(m));
  EXPECT_EQ(str(m), "%{0 => 95, 1 => 96, 2 => 97, 3 => 98, 4 => 99}");
  // Many distinct keys with duplicates: a HAMT.
  kv.clear();
  for (int i = 0; i < 1000; ++i) kv.insert(kv.end(), {I(i % 100), I(i)});
  const Term big = map(kv);
  EXPECT_FALSE(is_flat(big));
  EXPECT_EQ(map_size(big), 100u);
  for (int k = 0; k < 100; ++k) EXPECT_EQ(*map_find(big, I(k)), I(900 + k));
}

TEST_F(Maps, FlatUpToSixteenHamtBeyondAndBack) {
  Term m = map_empty();
  for (int i = 0; i < 16; ++i) m = map_put(heap, m, I(i), I(i));
  EXPECT_TRUE(is_flat(m));
  m = map_put(heap, m, I(16), I(16));
  EXPECT_FALSE(is_flat(m));
  EXPECT_EQ(map_size(m), 17u);
  for (int i = 0; i <= 16; ++i) EXPECT_EQ(*map_find(m, I(i)), I(i));
  const Term back = map_remove(heap, m, I(3));
  EXPECT_TRUE(is_flat(back));
  EXPECT_EQ(map_size(back), 16u);
  EXPECT_EQ(map_find(back, I(3)), nullptr);
  EXPECT_EQ(map_remove(heap, m, I(99)), m);
  std::vector<Term> sorted;
  map_sorted_entries(m, sorted);
  ASSERT_EQ(sorted.size(), 34u);
  for (int i = 0; i <= 16; ++i) EXPECT_EQ(sorted[2 * i], I(i));
}

// Checks the CHAMP invariants of the trie under `node` (a MapHamt or a
// HamtNode at `level`, reached by the hash chunks in `prefix`) and returns
// its number of entries: disjoint bitmaps, a size that matches them, pairs
// and children where their hash chunks say, collision nodes only below
// level 6, sorted, with two or more keys of one hash, and every sub-node
// holding at least two entries (the minimal trie).
size_t check_trie(Term node, unsigned level, uint32_t prefix, uint32_t (*hash)(Term)) {
  const Term* o = boxed_ptr(node);
  if (header_kind(o[0]) == BoxKind::HamtCollision) {
    EXPECT_EQ(level, 7u);
    const size_t n = header_words(o[0]) / 2;
    EXPECT_GE(n, 2u);
    for (size_t i = 0; i < n; ++i) {
      EXPECT_EQ(hash(o[1 + 2 * i]), prefix) << "collision node keys share the whole hash";
      if (i > 0) EXPECT_LT(compare_exact(o[2 * i - 1], o[1 + 2 * i]), 0) << "collision keys sorted";
    }
    return n;
  }
  const bool root = header_kind(o[0]) == BoxKind::MapHamt;
  EXPECT_TRUE(root || header_kind(o[0]) == BoxKind::HamtNode);
  const MapTrieNode n = map_trie_node(o);
  const uint32_t datamap = static_cast<uint32_t>(int_value(n.bitmaps[0]));
  const uint32_t nodemap = static_cast<uint32_t>(int_value(n.bitmaps[1]));
  EXPECT_EQ(datamap & nodemap, 0u);
  EXPECT_EQ(n.pairs, static_cast<size_t>(std::popcount(datamap)));
  EXPECT_EQ(n.children, static_cast<size_t>(std::popcount(nodemap)));
  EXPECT_EQ(header_words(o[0]), (root ? 1u : 0u) + 2 + 2 * n.pairs + n.children) << "one word per sub-node";
  const uint32_t below = level == 0 ? 0 : (uint32_t{1} << (5 * level)) - 1;  // hash bits of the levels above
  size_t entries = n.pairs;
  for (unsigned c = 0, pair = 0, child = 0; c < 32; ++c) {
    const uint32_t bit = uint32_t{1} << c;
    const uint32_t path = prefix | (c << (5 * level));
    if (datamap & bit) {
      const uint32_t h = hash(n.kv()[2 * pair++]);
      EXPECT_EQ(h & below, prefix & below);
      EXPECT_EQ((h >> (5 * level)) & 31, c);
    }
    if (nodemap & bit) entries += check_trie(n.kids()[child++], level + 1, path, hash);
  }
  if (!root) EXPECT_GE(entries, 2u) << "a sub-node holds two entries or more";
  if (root) EXPECT_EQ(static_cast<size_t>(int_value(o[1])), entries) << "count";
  return entries;
}

// check_trie for any map; returns its number of entries.
size_t check_map(Term m, uint32_t (*hash)(Term) = hash_term) {
  if (box_kind(m) == BoxKind::MapFlat) return map_size(m);
  return check_trie(m, 0, 0, hash);
}

// Random puts and removes against std::map, under several key hashes; the
// result must always equal (exactly, with the same hash) a map built in one
// go from the same entries: the canonical-shape property.
void run_model(Maps& t, uint32_t (*hash)(Term), int key_range, int steps, uint32_t seed) {
  HashOverride override_hash(hash);
  std::mt19937 rng(seed);
  std::map<int64_t, int64_t> model;
  Term m = map_empty();
  for (int step = 0; step < steps; ++step) {
    const int64_t k = static_cast<int64_t>(rng() % static_cast<uint32_t>(key_range));
    if (rng() % 3 == 0) {
      m = map_remove(t.heap, m, I(k));
      model.erase(k);
    } else {
      const int64_t v = static_cast<int64_t>(rng() % 1000);
      m = map_put(t.heap, m, I(k), I(v));
      model[k] = v;
    }
    ASSERT_EQ(map_size(m), model.size()) << "step " << step;
    ASSERT_EQ(is_flat(m), model.size() <= kMapFlatMax);
    if (step % 25 != 0) continue;
    for (int64_t key = 0; key < key_range; ++key) {
      const Term* found = map_find(m, I(key));
      auto it = model.find(key);
      if (it == model.end()) {
        ASSERT_EQ(found, nullptr) << "key " << key << " step " << step;
      } else {
        ASSERT_NE(found, nullptr) << "key " << key << " step " << step;
        ASSERT_EQ(*found, I(it->second));
      }
    }
    std::vector<Term> kv;
    for (auto [key, v] : model) kv.insert(kv.end(), {I(key), I(v)});
    std::vector<Term> sorted;
    map_sorted_entries(m, sorted);
    ASSERT_EQ(sorted, kv);
    // Same entries in a scrambled input order.
    std::vector<size_t> order(model.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<Term> scrambled;
    for (size_t i : order) scrambled.insert(scrambled.end(), {kv[2 * i], kv[2 * i + 1]});
    const Term rebuilt = map_from_pairs(t.heap, scrambled.data(), scrambled.size() / 2);
    ASSERT_EQ(check_map(m, hash), model.size());
    ASSERT_TRUE(exact_equal(m, rebuilt)) << "step " << step;
    ASSERT_EQ(hash_term(m), hash_term(rebuilt));
    ASSERT_EQ(compare(m, rebuilt), 0);
  }
}

TEST_F(Maps, ModelWithRealHash) { run_model(*this, hash_term, 200, 3000, 1); }
TEST_F(Maps, ModelWhereEveryKeyCollides) { run_model(*this, collide_all, 60, 1500, 2); }
TEST_F(Maps, ModelWithCollisionsAtTheBottom) { run_model(*this, low_two_bits, 120, 2000, 3); }
TEST_F(Maps, ModelWithDeepChains) { run_model(*this, top_six_bits, 150, 2000, 4); }

// The trie code has a version using the CPU's POPCNT and a portable one;
// the tests above run the one this CPU picks, these the portable one.
struct PortableBitCount {
  PortableBitCount() : before(set_map_popcnt_for_testing(false)) {}
  ~PortableBitCount() { set_map_popcnt_for_testing(before); }
  bool before;
};
TEST_F(Maps, ModelWithThePortableBitCount) {
  PortableBitCount portable;
  run_model(*this, hash_term, 200, 3000, 5);
  run_model(*this, low_two_bits, 120, 2000, 6);
}
TEST_F(Maps, BothBitCountsBuildTheSameMaps) {
  std::vector<Term> kv;
  Term hw = map_empty(), sw = map_empty();
  for (int k = 0; k < 3000; ++k) {
    hw = map_put(heap, hw, I(k * 31), I(k));
    PortableBitCount portable;
    sw = map_put(heap, sw, I(k * 31), I(k));
  }
  EXPECT_TRUE(exact_equal(hw, sw));
  PortableBitCount portable;
  for (int k = 0; k < 3000; ++k) ASSERT_EQ(*map_find(hw, I(k * 31)), I(k));
  for (int k = 0; k < 3000; k += 2) sw = map_remove(heap, sw, I(k * 31));
  EXPECT_EQ(check_map(sw), 1500u);
}

TEST_F(Maps, OneMillionPutsAndGets) {
  constexpr int64_t kKeys = 1'000'000;
  Term m = map_empty();
  for (int64_t i = 0; i < kKeys; ++i) {
    m = map_put(heap, m, I(i * 7919 % kKeys), I(i));
    maybe_collect({&m});
  }
  ASSERT_EQ(map_size(m), static_cast<size_t>(kKeys));
  int64_t wrong = 0;
  for (int64_t i = 0; i < kKeys; ++i) {
    const Term* v = map_find(m, I(i * 7919 % kKeys));
    wrong += !v || *v != I(i);
  }
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(map_find(m, I(kKeys)), nullptr);
  EXPECT_EQ(map_find(m, F(5.0)), nullptr);
  // Remove every tenth key.
  for (int64_t k = 0; k < kKeys; k += 10) {
    m = map_remove(heap, m, I(k));
    maybe_collect({&m});
  }
  ASSERT_EQ(map_size(m), static_cast<size_t>(kKeys - kKeys / 10));
  for (int64_t k = 0; k < kKeys; ++k) {
    const bool present = map_find(m, I(k)) != nullptr;
    if (present != (k % 10 != 0)) ++wrong;
  }
  EXPECT_EQ(wrong, 0);
  EXPECT_GT(heap.stats().collections, 0u);
}

TEST_F(Maps, OneMillionPairsAtOnce) {
  constexpr int64_t kKeys = 1'000'000;
  std::vector<Term> kv;
  kv.reserve(2 * kKeys);
  for (int64_t i = 0; i < kKeys; ++i) kv.insert(kv.end(), {I(kKeys - 1 - i), I(i)});
  const Term m = map_from_pairs(heap, kv.data(), kKeys);
  ASSERT_EQ(map_size(m), static_cast<size_t>(kKeys));
  int64_t wrong = 0;
  for (int64_t i = 0; i < kKeys; ++i) wrong += *map_find(m, I(kKeys - 1 - i)) != I(i);
  EXPECT_EQ(wrong, 0);
  int64_t expect = 0;
  map_for_each_sorted(m, [&](Term k, Term) { wrong += k != I(expect++); });
  EXPECT_EQ(expect, kKeys);
  EXPECT_EQ(wrong, 0);
}

TEST_F(Maps, MixedKeyKindsInOneHamt) {
  std::vector<Term> kv;
  for (int i = 0; i < 30; ++i) {
    kv.insert(kv.end(), {I(i), I(1)});
    kv.insert(kv.end(), {F(i), I(2)});
    kv.insert(kv.end(), {bin("k" + std::to_string(i)), I(3)});
    kv.insert(kv.end(), {tuple({atom("t"), I(i)}), I(4)});
    kv.insert(kv.end(), {atom("a" + std::to_string(i)), I(5)});
  }
  Term m = map(kv);
  EXPECT_EQ(map_size(m), 150u);
  for (int i = 0; i < 30; ++i) {
    EXPECT_EQ(*map_find(m, I(i)), I(1));
    EXPECT_EQ(*map_find(m, F(i)), I(2));
    EXPECT_EQ(*map_find(m, bin("k" + std::to_string(i))), I(3));
    EXPECT_EQ(*map_find(m, tuple({atom("t"), I(i)})), I(4));
    EXPECT_EQ(*map_find(m, atom("a" + std::to_string(i))), I(5));
  }
  // Sorted iteration in map key order: integers, floats, atoms, tuples, binaries.
  std::vector<Term> sorted;
  map_sorted_entries(m, sorted);
  EXPECT_EQ(sorted[0], I(0));
  EXPECT_EQ(sorted[2], I(1));
  EXPECT_EQ(sorted[2 * 29], I(29));
  EXPECT_EQ(sorted[2 * 30], F(0.0));
  EXPECT_EQ(sorted[2 * 59], F(29.0));
  for (size_t i = 2; i < sorted.size(); i += 2) EXPECT_LT(compare_exact(sorted[i - 2], sorted[i]), 0);
  // Survives a collection.
  Term keep = m;
  GcRoots roots;
  Term* extra[] = {&keep};
  roots.extra = extra;
  heap.collect(roots);
  EXPECT_NE(keep, m);
  EXPECT_EQ(*map_find(keep, tuple({atom("t"), I(29)})), I(4));
  EXPECT_EQ(map_size(keep), 150u);
}

// ---- CHAMP layout and canonical shape ----

uint32_t identity_hash(Term k) { return static_cast<uint32_t>(int_value(k)); }

TEST_F(Maps, ChampNodesHoldPairsFirstThenOneWordPerSubNode) {
  HashOverride override_hash(identity_hash);
  std::vector<Term> kv;
  for (int k = 0; k <= 16; ++k) kv.insert(kv.end(), {I(k), I(100 + k)});
  const Term m17 = map(kv);
  // 17 keys in 17 different level-0 chunks: all pairs in the root.
  const Term* o = boxed_ptr(m17);
  ASSERT_EQ(header_kind(o[0]), BoxKind::MapHamt);
  EXPECT_EQ(header_words(o[0]), 1u + 2 + 2 * 17);
  EXPECT_EQ(o[1], I(17));
  EXPECT_EQ(o[2], I(0x1FFFF));  // datamap
  EXPECT_EQ(o[3], I(0));        // nodemap
  for (int k = 0; k <= 16; ++k) EXPECT_EQ(o[4 + 2 * k], I(k)) << "pairs in chunk order";

  // 32 shares chunk 0 with 0: both move to a sub-node (chunks 0 and 1 at level 1).
  const Term m18 = map_put(heap, m17, I(32), I(132));
  o = boxed_ptr(m18);
  EXPECT_EQ(header_words(o[0]), 1u + 2 + 2 * 16 + 1);
  EXPECT_EQ(o[1], I(18));
  EXPECT_EQ(o[2], I(0x1FFFE));
  EXPECT_EQ(o[3], I(0x1));
  EXPECT_EQ(o[4], I(1));  // the first pair is now key 1
  const Term child = o[4 + 2 * 16];
  ASSERT_TRUE(is_box_of(child, BoxKind::HamtNode));
  const Term* c = boxed_ptr(child);
  EXPECT_EQ(header_words(c[0]), 2u + 2 * 2);
  EXPECT_EQ(c[1], I(0x3));
  EXPECT_EQ(c[2], I(0));
  EXPECT_EQ(c[3], I(0));
  EXPECT_EQ(c[4], I(100));
  EXPECT_EQ(c[5], I(32));
  EXPECT_EQ(c[6], I(132));
  EXPECT_EQ(*map_find(m18, I(32)), I(132));
  EXPECT_EQ(*map_find(m18, I(0)), I(100));
  EXPECT_EQ(map_find(m18, I(64)), nullptr);  // chunk 0, then chunk 2 at level 1: empty

  // Removing 32 pulls 0 back into the root: the same shape as before.
  const Term back = map_remove(heap, m18, I(32));
  EXPECT_TRUE(exact_equal(back, m17));
  EXPECT_EQ(header_words(boxed_ptr(back)[0]), header_words(o[0]) + 1);
  EXPECT_EQ(std::vector<Term>(boxed_ptr(back), boxed_ptr(back) + 38), std::vector<Term>(boxed_ptr(m17), boxed_ptr(m17) + 38));
}

TEST_F(Maps, EqualMapsHaveEqualShapesWhateverTheInsertionOrder) {
  constexpr int kKeys = 5000;
  std::vector<int> order(kKeys);
  for (int i = 0; i < kKeys; ++i) order[i] = i;
  auto build = [&](const std::vector<int>& keys) {
    Term m = map_empty();
    for (int k : keys) m = map_put(heap, m, I(k), bin("v" + std::to_string(k)));
    return m;
  };
  const Term ascending = build(order);
  std::reverse(order.begin(), order.end());
  const Term descending = build(order);
  std::shuffle(order.begin(), order.end(), std::mt19937(7));
  // Shuffled, with extra keys put and removed again on the way.
  Term shuffled = map_empty();
  for (int k : order) {
    shuffled = map_put(heap, shuffled, I(k), bin("v" + std::to_string(k)));
    shuffled = map_put(heap, shuffled, I(kKeys + k), I(0));
    if (k % 3 == 0) shuffled = map_remove(heap, shuffled, I(kKeys + k));
  }
  for (int k = 0; k < kKeys; ++k) shuffled = map_remove(heap, shuffled, I(kKeys + k));
  for (const Term m : {ascending, descending, shuffled}) {
    EXPECT_EQ(check_map(m), static_cast<size_t>(kKeys));
    EXPECT_TRUE(exact_equal(m, ascending));
    EXPECT_TRUE(equal(m, ascending));
    EXPECT_EQ(hash_term(m), hash_term(ascending));
    EXPECT_EQ(compare(m, ascending), 0);
    EXPECT_EQ(compare_exact(m, ascending), 0);
  }
  // A changed value is a different map; a value equal by value only compares equal.
  const Term changed = map_put(heap, shuffled, I(77), I(1));
  const Term changed_float = map_put(heap, shuffled, I(77), F(1.0));
  EXPECT_FALSE(exact_equal(changed, ascending));
  EXPECT_FALSE(exact_equal(changed, changed_float));
  EXPECT_TRUE(equal(changed, changed_float));
  EXPECT_EQ(compare(changed, changed_float), 0);
}

TEST_F(Maps, DeletingDownToAFewKeysKeepsTheMinimalTrie) {
  constexpr int kKeys = 3000;
  std::vector<Term> kv;
  for (int k = 0; k < kKeys; ++k) kv.insert(kv.end(), {tuple({I(k), atom("k")}), I(k)});
  Term m = map(kv);
  std::vector<int> order(kKeys);
  for (int i = 0; i < kKeys; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937(11));
  for (int i = 0; i < kKeys - 17; ++i) {
    m = map_remove(heap, m, tuple({I(order[i]), atom("k")}));
    if (i % 97 == 0 || i > kKeys - 40) {
      ASSERT_EQ(check_map(m), static_cast<size_t>(kKeys - 1 - i));
      std::vector<Term> rest;
      for (int j = i + 1; j < kKeys; ++j) rest.insert(rest.end(), {tuple({I(order[j]), atom("k")}), I(order[j])});
      ASSERT_TRUE(exact_equal(m, map(rest))) << "after " << i + 1 << " removals";
    }
  }
  EXPECT_EQ(map_size(m), 17u);
  m = map_remove(heap, m, tuple({I(order[kKeys - 17]), atom("k")}));
  EXPECT_TRUE(is_flat(m));
}

// Keys 0..99 share one 32-bit hash: they sit in one collision node under a
// chain of single-child nodes, levels 1 to 6. Other keys hash normally.
uint32_t collide_below_100(Term k) { return int_value(k) < 100 ? 0x9E3779B9u : hash_term(k); }

size_t collision_nodes(Term node) {
  if (is_box_of(node, BoxKind::HamtCollision)) return 1;
  const MapTrieNode n = map_trie_node(boxed_ptr(node));
  size_t count = 0;
  for (size_t i = 0; i < n.children; ++i) count += collision_nodes(n.kids()[i]);
  return count;
}

TEST_F(Maps, CollisionNodesSitBelowLevelSixAndFoldBackUp) {
  HashOverride override_hash(collide_below_100);
  std::vector<Term> kv;
  for (int k = 0; k < 20; ++k) kv.insert(kv.end(), {I(k), I(k)});
  Term m = map(kv);
  ASSERT_EQ(check_map(m, collide_below_100), 20u);
  // Follow the chain: root, then one child per level.
  Term node = m;
  for (int level = 0; level < 7; ++level) {
    const MapTrieNode n = map_trie_node(boxed_ptr(node));
    ASSERT_EQ(n.pairs, 0u) << "level " << level;
    ASSERT_EQ(n.children, 1u) << "level " << level;
    node = n.kids()[0];
  }
  ASSERT_TRUE(is_box_of(node, BoxKind::HamtCollision));
  EXPECT_EQ(header_words(boxed_ptr(node)[0]), 40u);
  EXPECT_EQ(collision_nodes(m), 1u);
  // Other keys join the root; the colliding ones fold up as they go.
  for (int k = 1000; k < 1020; ++k) m = map_put(heap, m, I(k), I(k));
  for (int k = 0; k < 19; ++k) {
    m = map_remove(heap, m, I(k));
    ASSERT_EQ(check_map(m, collide_below_100), static_cast<size_t>(39 - k));
  }
  // One colliding key left: a plain pair now, the chain and the collision node gone.
  EXPECT_EQ(collision_nodes(m), 0u);
  EXPECT_EQ(*map_find(m, I(19)), I(19));
  EXPECT_EQ(map_find(m, I(18)), nullptr);
  // And the same map built in one go has the same shape.
  kv.clear();
  for (int k = 1000; k < 1020; ++k) kv.insert(kv.end(), {I(k), I(k)});
  kv.insert(kv.end(), {I(19), I(19)});
  EXPECT_TRUE(exact_equal(m, map(kv)));
}

// A put copies the path from the root: one word per sub-node makes full
// inner nodes 35 words (the old HAMT's took 66).
TEST_F(Maps, PutsIntoALargeMapCopyFewWords) {
  Heap big(size_t{1} << 24);  // no collection while counting
  big.set_stress(false);
  std::vector<Term> kv;
  for (int k = 0; k < 100000; ++k) kv.insert(kv.end(), {I(k), I(k)});
  Term m = map_from_pairs(big, kv.data(), kv.size() / 2);
  const size_t before = big.used_words();
  constexpr int kPuts = 1000;
  for (int k = 0; k < kPuts; ++k) m = map_put(big, m, I(200000 + k), I(k));
  const double per_put = static_cast<double>(big.used_words() - before) / kPuts;
  EXPECT_EQ(big.stats().collections, 0u);
  EXPECT_LT(per_put, 130.0) << "words allocated per put into a 100k-entry map";
  EXPECT_EQ(check_map(m), 101000u);
}

// Collections copy every node kind correctly (stress mode: a collection at
// every step, alternating minor and major).
TEST_F(Maps, LargeMapsUnderGcStress) {
  heap.set_stress(true);
  Term m = map_empty();
  for (int k = 0; k < 2000; ++k) {
    m = map_put(heap, m, I(k * 7), tuple({I(k)}));
    maybe_collect({&m});
  }
  for (int k = 0; k < 2000; k += 2) {
    m = map_remove(heap, m, I(k * 7));
    maybe_collect({&m});
  }
  heap.set_stress(false);
  EXPECT_GE(heap.stats().collections, 3000u);
  EXPECT_EQ(check_map(m), 1000u);
  for (int k = 0; k < 2000; ++k) {
    const Term* v = map_find(m, I(k * 7));
    if (k % 2 == 0) {
      EXPECT_EQ(v, nullptr);
    } else {
      ASSERT_NE(v, nullptr);
      EXPECT_TRUE(exact_equal(*v, tuple({I(k)})));
    }
  }
}

// ---- sorting a trie's entries (key_order_prefix, then compare_exact on ties) ----

// The entries of `m` in map key order must be exactly `keys` sorted by
// compare_exact, each with the value it was put with (its index in `keys`).
void expect_sorted_like_compare_exact(Term m, std::vector<Term> keys) {
  std::vector<Term> kv;
  map_sorted_entries(m, kv);
  ASSERT_EQ(kv.size(), 2 * keys.size());
  std::vector<std::pair<Term, size_t>> expected;
  for (size_t i = 0; i < keys.size(); ++i) expected.emplace_back(keys[i], i);
  std::sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) { return compare_exact(a.first, b.first) < 0; });
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(kv[2 * i], expected[i].first) << "position " << i;
    EXPECT_EQ(kv[2 * i + 1], I(static_cast<int64_t>(expected[i].second))) << "position " << i;
  }
}

Term map_of_keys(Terms& t, const std::vector<Term>& keys) {
  std::vector<Term> kv;
  for (size_t i = 0; i < keys.size(); ++i) kv.insert(kv.end(), {keys[i], I(static_cast<int64_t>(i))});
  return t.map(kv);
}

TEST_F(Maps, SortedBinaryKeysSharingPrefixesPaddingAndViews) {
  using namespace std::string_literals;
  std::vector<Term> keys;
  for (const std::string& s :
       {""s, "\0"s, "\0\0"s, "\x01"s, "\xff"s, "\xff\xff\xff\xff\xff\xff\xff\xff\xff"s, "abc"s, "abc\0"s, "abc\0\0\0\0\0"s,
        "abc\0\0\0\0\0\0"s, "abcdefgh"s, "abcdefg"s, "abcdefgh\0"s, "abcdefgha"s, "abcdefghb"s, "abcdefgh\xff"s,
        "abcdefghijklmnop"s, "abcdefghijklmno"s, "abcdefghijklmnop\0"s, "abcdefghijklmnopq"s, "abcdefghijklmnopr"s,
        "abcdefghijklmnopqrstuvwxyz"s, "abcdefghijklmnopqrstuvwxyY"s, "abcdefghijklmnopqrstuvwxy"s, "abcdefgi"s})
    keys.push_back(bin(s));
  // Views (slices over kSliceCopyMaxBytes bytes) of a text, against plain
  // copies of other lengths and offsets.
  const std::string text = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz";
  const Term whole = bin(text);
  for (uint64_t len : {18u, 20u, 33u}) {
    const Term view = binary_slice(heap, whole, 26, len);
    ASSERT_EQ(box_kind(view), BoxKind::SubBinary);
    keys.push_back(view);
  }
  keys.push_back(binary_slice(heap, whole, 1, 30));
  keys.push_back(bin(text.substr(26, 19)));
  const Term m = map_of_keys(*this, keys);
  ASSERT_FALSE(is_flat(m));
  ASSERT_EQ(map_size(m), keys.size());
  expect_sorted_like_compare_exact(m, keys);
  // Spot checks of the order itself: bytes unsigned, a prefix first.
  std::vector<Term> kv;
  map_sorted_entries(m, kv);
  EXPECT_EQ(kv[0], keys[0]);                            // <<>>
  EXPECT_EQ(kv[2], keys[1]);                            // <<0>>
  EXPECT_EQ(kv[4], keys[2]);                            // <<0, 0>>
  EXPECT_EQ(kv[2 * (keys.size() - 1)], keys[5]);        // nine 255s last
  EXPECT_EQ(kv[2 * (keys.size() - 2)], keys[4]);        // <<255>>
}

TEST_F(Maps, SortedRandomBinaryKeysFromASmallAlphabet) {
  // Bytes 0, 1 and 255 at lengths 0..24: many keys share 8 or 16 bytes,
  // or differ only by trailing zero bytes.
  std::mt19937 rng(15);
  std::vector<Term> keys;
  std::vector<std::string> seen;
  const char alphabet[] = {'\0', '\x01', '\xff'};
  while (keys.size() < 1500) {
    std::string s(rng() % 25, '\0');
    for (char& c : s) c = alphabet[rng() % 3];
    if (rng() % 4 == 0) s = std::string(16, '\x01') + s;
    if (std::find(seen.begin(), seen.end(), s) != seen.end()) continue;
    seen.push_back(s);
    keys.push_back(bin(s));
  }
  expect_sorted_like_compare_exact(map_of_keys(*this, keys), keys);
}

TEST_F(Maps, SortedMixedKeyKindsAndNumberClasses) {
  std::vector<Term> keys = {I(0), I(-1), I(kSmallIntMin), I(kSmallIntMax), F(0.0), F(-0.0), F(-1e300), F(1e300), F(0.5),
                            F(-2.5), make_integer(heap, __int128{1} << 80), make_integer(heap, -(__int128{1} << 80)),
                            make_integer(heap, (__int128{1} << 80) + 1), make_integer(heap, -(__int128{1} << 80) - 1),
                            make_integer(heap, int64_t{1} << 50), atom("zeta"), atom("alpha"), atom("alphabet"),
                            atom(""), tuple({}), tuple({I(2)}), tuple({I(1)}), tuple({I(1), I(2)}), tuple({bin("x"), I(0)}),
                            kNil, list({I(1)}), list({I(0), I(5)}), map({I(1), I(2)}), map({}), make_pid(3), make_pid(1),
                            make_ref(2), make_ref(9), bin(""), bin("b"), bin("a")};
  ASSERT_GT(keys.size(), kMapFlatMax);
  expect_sorted_like_compare_exact(map_of_keys(*this, keys), keys);
}

}  // namespace
}  // namespace lzr

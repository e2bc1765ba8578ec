#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <vector>

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
  EXPECT_EQ(str(m), "%{-0.0 => 0, 1 => :int, 1.0 => :float}");
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
    ASSERT_TRUE(exact_equal(m, rebuilt)) << "step " << step;
    ASSERT_EQ(hash_term(m), hash_term(rebuilt));
    ASSERT_EQ(compare(m, rebuilt), 0);
  }
}

TEST_F(Maps, ModelWithRealHash) { run_model(*this, hash_term, 200, 3000, 1); }
TEST_F(Maps, ModelWhereEveryKeyCollides) { run_model(*this, collide_all, 60, 1500, 2); }
TEST_F(Maps, ModelWithCollisionsAtTheBottom) { run_model(*this, low_two_bits, 120, 2000, 3); }
TEST_F(Maps, ModelWithDeepChains) { run_model(*this, top_six_bits, 150, 2000, 4); }

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
  // Sorted iteration: numbers (int before equal float), atoms, tuples, binaries.
  std::vector<Term> sorted;
  map_sorted_entries(m, sorted);
  EXPECT_EQ(sorted[0], I(0));
  EXPECT_EQ(sorted[2], F(0.0));
  EXPECT_EQ(sorted[4], I(1));
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

}  // namespace
}  // namespace lzr

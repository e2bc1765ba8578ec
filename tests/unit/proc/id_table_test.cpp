// IdTable (proc/id_table.h), the lists of a process's links and monitors:
// insertion order kept through adds and erases, lookups by key, the switch
// to a hash index past kScanned entries and back, the block's size while
// small, and long random runs checked against a plain vector.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "proc/id_table.h"
#include "proc/node.h"
#include "vm/term.h"

namespace lzr {
namespace {

using Set = IdTable<>;
using Map = IdTable<Term>;

std::vector<Term> keys_of(const Set& s) {
  std::vector<Term> out;
  for (const auto& e : s) out.push_back(e.key);
  return out;
}

std::vector<std::pair<Term, Term>> pairs_of(const Map& m) {
  std::vector<std::pair<Term, Term>> out;
  for (const auto& e : m) out.emplace_back(e.key, e.value);
  return out;
}

TEST(IdTable, EmptyHoldsNothingAndAllocatesNothing) {
  Set s;
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.block_bytes(), 0u);
  EXPECT_FALSE(s.indexed());
  EXPECT_FALSE(s.contains(make_pid(1)));
  EXPECT_EQ(s.find(make_pid(1)), nullptr);
  EXPECT_FALSE(s.erase(make_pid(1)));
  EXPECT_TRUE(s.begin() == s.end());
  EXPECT_EQ(sizeof(Set), sizeof(void*));
  EXPECT_EQ(sizeof(Map), sizeof(void*));
  // ProcessLinks, allocated for a process's first link or monitor: three
  // pointers.
  EXPECT_EQ(sizeof(ProcessLinks), 3 * sizeof(void*));
}

TEST(IdTable, OneEntryIsOneSmallBlock) {
  Set s;
  s.push(make_pid(7));
  EXPECT_EQ(s.block_bytes(), 8u + 8u);  // header, one pid: malloc's smallest chunk
  Map m;
  m.push(make_ref(1), make_pid(7));
  EXPECT_EQ(m.block_bytes(), 8u + 16u);  // header, one {ref, pid}: the same
  EXPECT_FALSE(m.indexed());
}

TEST(IdTable, SetKeepsInsertionOrderAndRefusesDuplicates) {
  Set s;
  for (uint64_t i : {5, 3, 9, 1}) EXPECT_TRUE(s.insert(make_pid(i)));
  EXPECT_FALSE(s.insert(make_pid(3)));
  EXPECT_EQ(s.size(), 4u);
  EXPECT_EQ(keys_of(s), (std::vector<Term>{make_pid(5), make_pid(3), make_pid(9), make_pid(1)}));
  EXPECT_TRUE(s.erase(make_pid(3)));
  EXPECT_FALSE(s.erase(make_pid(3)));
  EXPECT_FALSE(s.contains(make_pid(3)));
  EXPECT_EQ(keys_of(s), (std::vector<Term>{make_pid(5), make_pid(9), make_pid(1)}));
  EXPECT_TRUE(s.insert(make_pid(3)));  // back, at the end
  EXPECT_EQ(keys_of(s), (std::vector<Term>{make_pid(5), make_pid(9), make_pid(1), make_pid(3)}));
}

TEST(IdTable, PidsAndReferencesWithTheSameNumberAreDifferentKeys) {
  Set s;
  EXPECT_TRUE(s.insert(make_pid(4)));
  EXPECT_TRUE(s.insert(make_ref(4)));
  EXPECT_EQ(s.size(), 2u);
  EXPECT_TRUE(s.erase(make_ref(4)));
  EXPECT_TRUE(s.contains(make_pid(4)));
}

TEST(IdTable, MapFindsAndErasesByReference) {
  Map m;
  for (uint64_t i = 1; i <= 5; ++i) m.push(make_ref(i), make_pid(100 + i));
  ASSERT_NE(m.find(make_ref(4)), nullptr);
  EXPECT_EQ(m.find(make_ref(4))->value, make_pid(104));
  Map::Entry erased{};
  EXPECT_TRUE(m.erase(make_ref(2), &erased));
  EXPECT_EQ(erased.key, make_ref(2));
  EXPECT_EQ(erased.value, make_pid(102));
  EXPECT_EQ(m.find(make_ref(2)), nullptr);
  EXPECT_EQ(pairs_of(m), (std::vector<std::pair<Term, Term>>{{make_ref(1), make_pid(101)},
                                                              {make_ref(3), make_pid(103)},
                                                              {make_ref(4), make_pid(104)},
                                                              {make_ref(5), make_pid(105)}}));
}

// Past kScanned entries the table is hashed; erasing leaves holes that
// iteration and lookups pass over, and when few are left it goes back to
// a small scanned block, in order all the way.
TEST(IdTable, SwitchesToAnIndexPastTheThresholdAndBack) {
  Map m;
  const uint32_t n = Map::kScanned;
  for (uint64_t i = 0; i < n; ++i) m.push(make_ref(i + 1), make_pid(i));
  EXPECT_FALSE(m.indexed());
  m.push(make_ref(n + 1), make_pid(n));
  EXPECT_TRUE(m.indexed());
  for (uint64_t i = n + 1; i < 64; ++i) m.push(make_ref(i + 1), make_pid(i));
  for (uint64_t i = 0; i < 64; ++i) {
    ASSERT_NE(m.find(make_ref(i + 1)), nullptr) << i;
    EXPECT_EQ(m.find(make_ref(i + 1))->value, make_pid(i));
  }
  // Erase all but every seventh, from the back: the rest stay in order.
  std::vector<std::pair<Term, Term>> kept;
  for (uint64_t i = 0; i < 64; ++i)
    if (i % 7 == 0) kept.emplace_back(make_ref(i + 1), make_pid(i));
  for (uint64_t i = 64; i-- > 0;)
    if (i % 7 != 0) ASSERT_TRUE(m.erase(make_ref(i + 1))) << i;
  EXPECT_EQ(pairs_of(m), kept);
  EXPECT_EQ(m.size(), kept.size());
  // 10 left of 64: shrunk once (below a quarter), still hashed.
  EXPECT_TRUE(m.indexed());
  EXPECT_EQ(m.block_bytes(), 8u + 32u * 16 + 64u * 4 + 4u);  // header, entries, index, live count
  for (auto& [ref, pid] : kept) EXPECT_TRUE(m.contains(ref));
  EXPECT_FALSE(m.contains(make_ref(2)));
  // 3 left: a scanned block of 8 again, the same order.
  while (kept.size() > 3) {
    ASSERT_TRUE(m.erase(kept.front().first));
    kept.erase(kept.begin());
  }
  EXPECT_FALSE(m.indexed());
  EXPECT_EQ(m.block_bytes(), 8u + 8u * 16);
  EXPECT_EQ(pairs_of(m), kept);
  m.push(make_ref(1000), make_pid(1000));
  kept.emplace_back(make_ref(1000), make_pid(1000));
  EXPECT_EQ(pairs_of(m), kept);
}

TEST(IdTable, NilIsNeverFoundEvenAmongHoles) {
  Set s;
  for (uint64_t i = 0; i < 40; ++i) s.push(make_pid(i));
  ASSERT_TRUE(s.indexed());
  for (uint64_t i = 0; i < 40; i += 2) s.erase(make_pid(i));  // holes
  EXPECT_FALSE(s.contains(kNil));
  EXPECT_FALSE(s.erase(kNil));
  EXPECT_EQ(s.size(), 20u);
}

TEST(IdTable, MovingTakesTheEntries) {
  Set s;
  for (uint64_t i = 0; i < 20; ++i) s.push(make_pid(i));
  Set t = std::move(s);
  EXPECT_TRUE(s.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_EQ(s.block_bytes(), 0u);
  EXPECT_EQ(t.size(), 20u);
  EXPECT_TRUE(t.contains(make_pid(19)));
}

// Thousands of entries added and erased in random order, checked against
// a vector after every step that changes the mode and at intervals: the
// same entries in the same order, every lookup right, and the block within
// a bounded multiple of what it holds.
TEST(IdTable, RandomAddsAndErasesMatchAVectorInOrder) {
  std::mt19937_64 rng(20261130);
  Map m;
  std::vector<std::pair<Term, Term>> model;
  uint64_t next_ref = 1;
  for (int round = 0; round < 3; ++round) {
    const size_t target = round == 1 ? 40 : 2000;  // grow big, shrink small, grow again
    for (int step = 0; step < 8000; ++step) {
      const bool grow = model.size() < target ? rng() % 4 != 0 : rng() % 4 == 0;
      if (grow || model.empty()) {
        const Term ref = make_ref(next_ref++);
        const Term pid = make_pid(rng() % 100000);
        m.push(ref, pid);
        model.emplace_back(ref, pid);
      } else {
        const size_t i = rng() % model.size();
        Map::Entry erased{};
        ASSERT_TRUE(m.erase(model[i].first, &erased));
        EXPECT_EQ(erased.value, model[i].second);
        model.erase(model.begin() + static_cast<std::ptrdiff_t>(i));
      }
      ASSERT_EQ(m.size(), model.size());
      // Holes included, the block holds at most 4 entries per live one (and
      // the index 2 slots per entry), once past the first few.
      if (model.size() > 8) ASSERT_LE(m.block_bytes(), 16 + model.size() * 4 * (16 + 2 * 4));
      if (step % 500 == 0) {
        ASSERT_EQ(pairs_of(m), model);
        for (auto& [ref, pid] : model) {
          const Map::Entry* e = m.find(ref);
          ASSERT_NE(e, nullptr);
          ASSERT_EQ(e->value, pid);
        }
        ASSERT_FALSE(m.contains(make_ref(next_ref)));  // never added
      }
    }
    ASSERT_EQ(pairs_of(m), model);
  }
  // Everything erased, in random order.
  std::shuffle(model.begin(), model.end(), rng);
  for (auto& [ref, pid] : model) ASSERT_TRUE(m.erase(ref));
  EXPECT_TRUE(m.empty());
  EXPECT_TRUE(m.begin() == m.end());
  EXPECT_FALSE(m.indexed());
}

}  // namespace
}  // namespace lzr

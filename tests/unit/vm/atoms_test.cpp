#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "vm/atoms.h"
#include "vm/term_ops.h"

namespace lzr {
namespace {

TEST(AtomTable, FixedAtomsSitAtTheirIndices) {
  AtomTable atoms;
  EXPECT_EQ(atoms.size(), static_cast<size_t>(kNumFixedAtoms));
  EXPECT_EQ(atoms.text(kTrue), "true");
  EXPECT_EQ(atoms.text(kFalse), "false");
  EXPECT_EQ(atoms.text(kAtom_out_of_memory), "out_of_memory");
  EXPECT_EQ(atoms.find("badarith"), kAtom_badarith);
  EXPECT_EQ(*atoms.intern("ok"), kAtom_ok);
  EXPECT_EQ(atoms.size(), static_cast<size_t>(kNumFixedAtoms));
}

TEST(AtomTable, InternsOnceAndKeepsTextStable) {
  AtomTable atoms;
  const Term a = *atoms.intern("hello");
  const Term b = *atoms.intern(std::string("hel") + "lo");
  EXPECT_EQ(a, b);
  EXPECT_TRUE(is_atom(a));
  EXPECT_EQ(atom_index(a), kNumFixedAtoms);
  EXPECT_FALSE(atoms.find("absent").has_value());
  // Short strings live inside std::string: views must survive many more interns.
  const std::string_view view = atoms.text(a);
  for (int i = 0; i < 10000; ++i) atoms.intern("a" + std::to_string(i));
  EXPECT_EQ(view, "hello");
  EXPECT_EQ(*atoms.find("a9999"), make_atom(kNumFixedAtoms + 1 + 9999));
  EXPECT_TRUE(atoms.intern("").has_value());
}

TEST(AtomTable, RejectsTooLongText) {
  AtomTable atoms;
  EXPECT_TRUE(atoms.intern(std::string(255, 'x')).has_value());
  EXPECT_FALSE(atoms.intern(std::string(256, 'x')).has_value());
}

TEST(AtomTable, StopsAtTheLimit) {
  AtomTable atoms;
  size_t made = atoms.size();
  for (uint32_t i = 0; made < kMaxAtoms; ++i, ++made) ASSERT_TRUE(atoms.intern("k" + std::to_string(i)).has_value());
  EXPECT_EQ(atoms.size(), kMaxAtoms);
  EXPECT_FALSE(atoms.intern("one too many").has_value());
  EXPECT_TRUE(atoms.intern("k0").has_value());  // existing atoms are still found
}

TEST(AtomTable, NewestLivingTableOrdersAtoms) {
  AtomTable outer;
  EXPECT_EQ(term_order_atoms(), &outer);
  {
    AtomTable inner;
    EXPECT_EQ(term_order_atoms(), &inner);
    set_term_order_atoms(&outer);
    EXPECT_EQ(term_order_atoms(), &outer);
    set_term_order_atoms(nullptr);
    EXPECT_EQ(term_order_atoms(), &inner);
  }
  EXPECT_EQ(term_order_atoms(), &outer);
}

// Schedulers intern and read atoms at once (docs/processes.md): four
// threads intern overlapping sets of texts while a reader prints every
// atom the table has published. Each text must get one atom whichever
// thread interned it first, and every published atom must read back whole
// (ThreadSanitizer checks the reads need no lock: the tsan preset).
TEST(AtomTable, ThreadsInternAndReadAtOnce) {
  AtomTable atoms;
  constexpr int kThreads = 4, kTexts = 3000;  // crosses several segments
  std::vector<std::vector<Term>> got(kThreads, std::vector<Term>(kTexts));
  std::atomic<bool> done{false};
  std::atomic<size_t> bad_reads{0};
  std::thread reader([&] {
    while (!done.load()) {
      const size_t n = atoms.size();
      for (size_t i = kNumFixedAtoms; i < n; ++i) {
        const std::string_view t = atoms.text(make_atom(static_cast<uint32_t>(i)));
        if (t.size() < 2 || t[0] != 't') bad_reads.fetch_add(1);
      }
    }
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < kThreads; ++w)
    writers.emplace_back([&, w] {
      for (int i = 0; i < kTexts; ++i) {
        const int k = (i + w * 700) % kTexts;  // each thread starts elsewhere: all race for the same texts
        got[w][k] = *atoms.intern("t" + std::to_string(k));
      }
    });
  for (auto& t : writers) t.join();
  done.store(true);
  reader.join();
  EXPECT_EQ(bad_reads.load(), 0u);
  EXPECT_EQ(atoms.size(), static_cast<size_t>(kNumFixedAtoms) + kTexts);
  for (int k = 0; k < kTexts; ++k) {
    for (int w = 1; w < kThreads; ++w) ASSERT_EQ(got[w][k], got[0][k]) << k;
    EXPECT_EQ(atoms.text(got[0][k]), "t" + std::to_string(k));
    EXPECT_EQ(atoms.find("t" + std::to_string(k)), got[0][k]);
  }
}

}  // namespace
}  // namespace lzr

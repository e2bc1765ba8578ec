#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace lzr

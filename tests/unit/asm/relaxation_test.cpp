// Branch relaxation: compare-jumps reach -2048..2047 words; beyond that the
// assembler emits the inverted compare over a `jmp`.
#include <gtest/gtest.h>

#include "asm/instr.h"
#include "asm_test_util.h"

namespace lzr {
namespace {

constexpr uint32_t kLoadi = 10, kEq = 15, kNe = 16, kLt = 17, kGte = 20, kJmp = 33, kRet = 1;

std::string filler(size_t n) {
  std::string out;
  for (size_t k = 0; k < n; ++k) out += "  loadi x2, 1\n";
  return out;
}

uint32_t jump12(uint32_t word) { return word >> 20; }
int32_t jump24(uint32_t word) {
  int32_t v = static_cast<int32_t>(word >> 8);
  return v >= (1 << 23) ? v - (1 << 24) : v;
}

TEST(Relaxation, ForwardEdgeOfTheRange) {
  // 2047 words between the compare and its target: still one word.
  ModuleFile near = test::asm_ok("module t\nfunc f/2\n  eq x0, x1, far\n" + filler(2047) + "far:\n  ret x0\n");
  EXPECT_EQ(near.code[0] & 0xFF, kEq);
  EXPECT_EQ(jump12(near.code[0]), 2047u);
  EXPECT_EQ(near.code.size(), 2049u);
  // 2048 words: relaxed to `ne x0, x1, +1; jmp far`.
  ModuleFile far = test::asm_ok("module t\nfunc f/2\n  eq x0, x1, far\n" + filler(2048) + "far:\n  ret x0\n");
  ASSERT_EQ(far.code.size(), 2051u);
  EXPECT_EQ(far.code[0], kNe | 0u << 8 | 1u << 14 | 1u << 20);
  EXPECT_EQ(far.code[1] & 0xFF, kJmp);
  EXPECT_EQ(jump24(far.code[1]), 2048);
  EXPECT_EQ(far.code[2] & 0xFF, kLoadi);
  EXPECT_EQ(far.code[2050] & 0xFF, kRet);
}

TEST(Relaxation, BackwardAndInvertedConditions) {
  // Offsets count from the word after the compare: -2048 still fits.
  ModuleFile fits = test::asm_ok("module t\nfunc f/2\ntop:\n" + filler(2047) + "  lt x0, x1, top\n  ret x0\n");
  EXPECT_EQ(fits.code[2047] & 0xFF, kLt);
  EXPECT_EQ(jump12(fits.code[2047]), 0x800u);
  ModuleFile far = test::asm_ok("module t\nfunc f/2\ntop:\n" + filler(2048) + "  lt x0, x1, top\n  ret x0\n");
  EXPECT_EQ(far.code[2048], kGte | 0u << 8 | 1u << 14 | 1u << 20);
  EXPECT_EQ(jump24(far.code[2049]), -2050);
  // The other pairs invert too.
  const std::pair<const char*, uint32_t> pairs[] = {{"ne", 15}, {"gt", 19}, {"lte", 18}, {"gte", 17}, {"eq", 16}};
  for (auto [name, inverse] : pairs) {
    ModuleFile m = test::asm_ok("module t\nfunc f/2\n  " + std::string(name) + " x0, x1, far\n" + filler(3000) +
                                "far:\n  ret x0\n");
    EXPECT_EQ(m.code[0] & 0xFF, inverse) << name;
  }
}

TEST(Relaxation, IteratesToAFixedPoint) {
  // A fits (2047) until B, between A and A's target, is relaxed and grows
  // by one word; then A must be relaxed as well.
  ModuleFile m = test::asm_ok("module t\nfunc f/2\n  eq x0, x1, ta\n" + filler(1000) + "  eq x0, x1, tb\n" +
                              filler(1046) + "ta:\n" + filler(3000) + "tb:\n  ret x0\n");
  EXPECT_EQ(m.code[0] & 0xFF, kNe);
  EXPECT_EQ(m.code[1] & 0xFF, kJmp);
  EXPECT_EQ(jump24(m.code[1]), 1000 + 2 + 1046);  // over the filler and B's two words
  EXPECT_EQ(m.code[1002] & 0xFF, kNe);
  EXPECT_EQ(m.code[1003] & 0xFF, kJmp);
  EXPECT_EQ(jump24(m.code[1003]), 1046 + 3000);
  test::expect_round_trip(m, "relaxed module");
}

TEST(Relaxation, RelaxedModulesKeepLivenessAndVerify) {
  ModuleFile m = test::asm_ok("module t\nfunc f/2\n  tuple x2, {x0}\n  gt x0, x1, far\n" + filler(2500) +
                              "far:\n  ret x2\n");
  EXPECT_EQ(m.code[1], 0x3u);  // the compare reads x0, x1; x2 is the tuple's own result
  EXPECT_EQ(m.code[3] & 0xFF, 19u);  // lte
}

// A jump beyond jmp's 24 bits is an error; tested on the layout step with
// constructors of 16384 push words each so it needs no 8M-line source.
TEST(Relaxation, JmpOutOfRangeIsReported) {
  using namespace asm_text;
  std::vector<Instr> code;
  Instr jump;
  jump.op = static_cast<uint8_t>(Op::op_jmp);
  jump.target = 0;
  Instr big;
  big.op = static_cast<uint8_t>(Op::op_tuple);
  big.raw = {0, 65535, 0, 0};
  big.elems.assign(65535, 0);
  code.push_back(big);  // target
  for (int k = 0; k < 510; ++k) code.push_back(big);
  code.push_back(jump);
  std::vector<uint32_t> words;
  JumpOutOfRange bad;
  EXPECT_TRUE(layout_function(code, words, bad));  // 511 * 16386 + 1 words back: fits 24 bits
  code.insert(code.begin() + 1, big);
  EXPECT_FALSE(layout_function(code, words, bad));
  EXPECT_EQ(bad.index, code.size() - 1);
  EXPECT_EQ(bad.offset, -(512 * 16386 + 1));
}

}  // namespace
}  // namespace lzr

// Robustness: randomly damaged sources never crash the assembler; every
// failure is one line "t.lzs:LINE:COL: message", and whatever still
// assembles is a valid module that round-trips through dis.
#include <gtest/gtest.h>

#include <random>

#include "asm_test_util.h"

namespace lzr {
namespace {

const char* kSeeds[] = {
    "module m\nfunc main/0 frame=1\n  loadi x0, 10\n  call x0, fact/1\n  call y0, io.print/1\n  ret y0\n"
    "func fact/1\n  loadi x1, 1\nloop:\n  lte x0, x1, done\n  mul x1, x1, x0\n  loadi x2, 1\n"
    "  sub x0, x0, x2\n  jmp loop\ndone:\n  ret x1\n",
    "func f/2\n  tuple x2, {x0, x1}\n  list x3, [x2, x1] live=0x3\n  map x4, %{x0 => x1}\n"
    "  put x4, x4, x0, x1\n  cons x5, x0, x3\n  fn x6, g/0, [x1]\n  apply x0, x6\n  ret x0\n"
    "func g/0\n  ret u0\n",
    ".pool\n.lit 0 :m\n.lit 1 [1, 2::int32]::list16\n.lit 2 %{a: 1.5, \"k\" => <<1, 2>>}\n"
    "func #0/0\n  loadc x0, #1\n  load x1, {:ok, \"s\\n\", -0.0, 1.0e20}\n  load32 x2, float, 0.5\n"
    "  load64 x3, int, -5\n  mov x0, x1, x2\n  eq x0, x1, out\n  ret x0\nout:\n  tcall m.h/0\nfunc h/0\n  ret x0\n",
};

const char* kFragments[] = {
    "x0", "y1", "u0", "x32", ",", "{", "}", "[", "]", "%{", "=>", "<<", ">>", "::", "::int8", "#0", "#9",
    " live=0x1", ":\"", "\"", "\\x", "\\q", "-", "1e999", "0x", "\n", "func f/0\n", "func f/1 frame=40\n",
    "module m\n", ".pool\n", ".lit 0 1\n", "jmp a\n", "a:", "ret x0\n", "call x0, f/0\n", "fn x0, f/0, [x1]\n",
    ";", ":ok", "70000", "-1", "2147483648", "\xFF", "\t", "push x0", "load x0, ", "{1, [2, %{a: 3}]}",
};

std::string mutate(std::string s, std::mt19937& rng) {
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  for (int k = 0, n = 1 + static_cast<int>(pick(3)); k < n; ++k) {
    size_t at = s.empty() ? 0 : pick(s.size() + 1);
    switch (pick(4)) {
      case 0:  // delete a run
        if (!s.empty() && at < s.size()) s.erase(at, 1 + pick(std::min<size_t>(8, s.size() - at)));
        break;
      case 1:  // insert a fragment
        s.insert(at, kFragments[pick(std::size(kFragments))]);
        break;
      case 2:  // replace a byte
        if (at < s.size()) s[at] = static_cast<char>(pick(256));
        break;
      default: {  // duplicate a line
        size_t start = s.rfind('\n', at == 0 ? 0 : at - 1);
        start = start == std::string::npos ? 0 : start + 1;
        size_t end = s.find('\n', start);
        if (end != std::string::npos) s.insert(start, s.substr(start, end - start + 1));
      }
    }
  }
  return s;
}

TEST(Mutation, DamagedSourcesFailCleanlyOrRoundTrip) {
  std::mt19937 rng(12345);
  int assembled = 0, rejected = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string src = mutate(kSeeds[iter % std::size(kSeeds)], rng);
    std::string error;
    auto m = assemble(src, "t.lzs", error);
    if (!m) {
      ++rejected;
      EXPECT_EQ(error.find('\n'), std::string::npos) << error;
      EXPECT_EQ(error.rfind("t.lzs:", 0), 0u) << error;
      EXPECT_EQ(error.find("internal error"), std::string::npos) << error << "\n--- source\n" << src;
      continue;
    }
    ++assembled;
    test::expect_round_trip(*m, "mutant " + std::to_string(iter));
    if (HasFailure()) {
      ADD_FAILURE() << "--- source\n" << src;
      break;
    }
  }
  EXPECT_GT(assembled, 100);
  EXPECT_GT(rejected, 1000);
}

}  // namespace
}  // namespace lzr

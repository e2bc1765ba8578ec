// The assembler's line table: entries from source lines (or from .line
// directives), .file and .nolines, --strip, and dis printing the table back
// as directives that reassemble to the same bytes.
#include <gtest/gtest.h>

#include "asm_test_util.h"

namespace lzr {
namespace {

using Entries = std::vector<LineEntry>;

TEST(AsmLineTable, EntriesWhereTheSourceLineChanges) {
  ModuleFile m = test::asm_ok(
      "module t\n"                       // 1
      "func main/0\n"                    // 2
      "  loadi x0, 1\n"                  // 3: word 0
      "  load x1, 100000\n"              // 4: words 1-2 (load32)
      "\n"
      "  ; a comment\n"
      "  add x0, x0, x1\n"               // 7: word 3
      "  ret x0\n"                       // 8: word 4
      "func g/1\n"                       // 9
      "l: ret x0\n",                     // 10: word 5
      "src/dir/t.lzs");
  ASSERT_TRUE(m.lines);
  EXPECT_EQ(m.lines->file, "t.lzs");  // the name without folders
  EXPECT_EQ(m.lines->entries, (Entries{{0, 3}, {1, 4}, {3, 7}, {4, 8}, {5, 10}}));
}

TEST(AsmLineTable, ARelaxedCompareIsOneEntry) {
  std::string src = "module t\nfunc f/2\n  lt x0, x1, far\n";  // line 3: the compare and its jmp, words 0-1
  for (int k = 0; k < 3000; ++k) src += "  loadi x2, 1\n";
  src += "far:\n  ret x0\n";
  ModuleFile m = test::asm_ok(src);
  ASSERT_TRUE(m.lines);
  ASSERT_GE(m.lines->entries.size(), 2u);
  EXPECT_EQ(m.lines->entries[0], (LineEntry{0, 3}));
  EXPECT_EQ(m.lines->entries[1], (LineEntry{2, 4}));  // the loadi after the relaxed pair
}

TEST(AsmLineTable, LineDirectivesGiveTheTableExactly) {
  ModuleFile m = test::asm_ok(
      "module t\n"
      ".file \"gen/app.ex\"\n"
      "func f/0\n"
      "  loadi x0, 1\n"  // before any .line: no line
      ".line 40\n"
      "  loadi x0, 2\n"  // word 1
      "  loadi x0, 3\n"  // still line 40
      ".line 40\n"
      "  ret x0\n"       // word 3: a repeated entry is kept
      ".line 12\n"
      "func g/1\n"
      "  ret x0\n"       // word 4 (the .line before func belongs to it)
      "  .line 7\n"
      "l:\n"
      "  ret x0\n");     // word 5
  ASSERT_TRUE(m.lines);
  EXPECT_EQ(m.lines->file, "gen/app.ex");
  EXPECT_EQ(m.lines->entries, (Entries{{1, 40}, {3, 40}, {4, 12}, {5, 7}}));
}

TEST(AsmLineTable, NolinesAndStripLeaveItOut) {
  EXPECT_FALSE(test::asm_ok("module t\n.nolines\nfunc f/1\n  ret x0\n").lines);
  std::string error;
  AssembleOptions strip;
  strip.line_table = false;
  auto m = assemble("module t\nfunc f/1\n.line 3\n  ret x0\n", "t.lzs", error, strip);
  ASSERT_TRUE(m) << error;
  EXPECT_FALSE(m->lines);
  EXPECT_FALSE(test::asm_ok("module t\n").lines);  // no code, no table
}

TEST(AsmLineTable, DisPrintsTheTableAsDirectives) {
  ModuleFile m = test::asm_ok("module t\nfunc f/0\n  loadi x0, 1\n  ret x0\n");
  const std::string text = test::expect_round_trip(m);
  EXPECT_EQ(text, "module t\n.file \"t.lzs\"\n\nfunc f/0 frame=0 upvals=0\n  .line 3\n  loadi x0, 1\n  .line 4\n  ret x0\n");
}

TEST(AsmLineTable, DisOfAStrippedModuleSaysSo) {
  ModuleFile m = test::asm_ok("module t\nfunc f/1\n  ret x0\n");
  m.lines.reset();
  EXPECT_EQ(test::expect_round_trip(m), "module t\n.nolines\n\nfunc f/1 frame=0 upvals=0\n  ret x0\n");
}

TEST(AsmLineTable, TablesNoSourceWouldGiveRoundTrip) {
  // Gaps before the first entry, repeats, lines going back, odd file names.
  ModuleFile m = test::asm_ok("module t\nfunc f/0 frame=1\n  loadi x0, 1\n  try y0, h\n  tryend y0\nh:\n  ret x0\n");
  for (LineTable t : {LineTable{"a b\x01\"\\.lzs", {{1, 9}}}, LineTable{"x", {{0, 5}, {1, 5}, {2, 2147483647}, {3, 1}}}}) {
    m.lines = t;
    LoadError err;
    ASSERT_TRUE(verify_module(m, "t.lzr", err)) << err.message;
    test::expect_round_trip(m);
  }
}

}  // namespace
}  // namespace lzr

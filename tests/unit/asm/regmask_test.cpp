// Regmasks from liveness: X registers live after an allocating instruction
// and defined on some path to it, minus the ones it writes.
#include <gtest/gtest.h>

#include "asm_test_util.h"
#include "format/opcodes.h"

namespace lzr {
namespace {

// Regmasks of the allocating instructions of the first function, in order.
std::vector<uint32_t> masks(const std::string& source) {
  ModuleFile m = test::asm_ok("module t\n" + source);
  std::vector<uint32_t> out;
  if (m.functions.empty()) return out;
  size_t end = m.functions.size() > 1 ? m.functions[1].entry : m.code.size();
  for (size_t pc = 0; pc < end;) {
    const OpInfo& op = op_info(m.code[pc] & 0xFF);
    if (op.extra == Extra::Regmask || op.extra == Extra::RegmaskElems || op.extra == Extra::RegmaskPairs ||
        op.extra == Extra::RegmaskUpvals) {
      out.push_back(m.code[pc + 1]);
    }
    pc += instruction_words(m, pc);
  }
  return out;
}

using Masks = std::vector<uint32_t>;

TEST(Regmask, StraightLine) {
  // x1 is needed later, x0 is not; x2 is the result (kept by the engine).
  EXPECT_EQ(masks("func f/2\n"
                  "  tuple x2, {x0}\n"
                  "  add x3, x1, x2\n"
                  "  ret x3\n"),
            (Masks{0x2}));
}

TEST(Regmask, OperandsDeadAfterAreNotInTheMask) {
  EXPECT_EQ(masks("func f/2\n"
                  "  cons x0, x0, x1\n"
                  "  ret x0\n"),
            (Masks{0x0}));
}

TEST(Regmask, NeverWrittenRegistersAreAnError) {
  // x5 is read after the tuple but nothing ever wrote it: the verifier's
  // definedness rule (bytecode.md §8.4) rejects the read.
  EXPECT_EQ(test::asm_error("module t\n"
                            "func f/1\n"
                            "  tuple x1, {x0}\n"
                            "  add x2, x0, x5\n"
                            "  ret x2\n"),
            "t.lzs:4:3: x5 is read but not defined on every path here (defined: x0, x1)");
}

TEST(Regmask, AHandlerStartsWithClassReasonAndTraceOnly) {
  // In the handler x0..x2 are written by the exception and every other X
  // register is dead, whatever the try region held: x4 (live in the
  // region) is no root there (reading it is an error), x1 and x2 are.
  EXPECT_EQ(masks("func f/0 frame=1\n"
                  "  loadi x4, 1\n"
                  "  try y0, h\n"
                  "  tuple x3, {x4}\n"
                  "  add x0, x3, x4\n"
                  "  tryend y0\n"
                  "  ret x0\n"
                  "h:\n"
                  "  tuple x0, {x0}\n"
                  "  add x0, x1, x2\n"
                  "  ret x0\n"),
            (Masks{0x10, 0x6}));
  EXPECT_EQ(test::asm_error("module t\nfunc f/0 frame=1\n  loadi x4, 1\n  try y0, h\n  tryend y0\n  ret x4\n"
                            "h:\n  add x0, x0, x4\n  ret x0\n"),
            "t.lzs:8:3: x4 is read but not defined on every path here (defined: x0-x2)");
}

TEST(Regmask, RaiseEndsThePath) {
  // Nothing after a raise runs: x1 is not kept for the unreachable add.
  EXPECT_EQ(masks("func f/2\n"
                  "  tuple x2, {x0}\n"
                  "  raise x2, x0, x0\n"
                  "  add x0, x1, x1\n"
                  "  ret x0\n"),
            (Masks{0x1}));
}

TEST(Regmask, AcrossBranches) {
  // x1 is live on one path, x0 and x2 on the other (x2 is written here).
  EXPECT_EQ(masks("func f/1\n"
                  "  loadi x1, 5\n"
                  "  tuple x2, {x0}\n"
                  "  eq x0, x2, other\n"
                  "  ret x1\n"
                  "other:\n"
                  "  ret x2\n"),
            (Masks{0x3}));
}

TEST(Regmask, DefinedOnOnlyOnePath) {
  // x3 is written on one path into `join` only: reading it there is an
  // error (defined means on every path).
  EXPECT_EQ(test::asm_error("module t\n"
                            "func f/2\n"
                            "  eq x0, x1, join\n"
                            "  loadi x3, 1\n"
                            "join:\n"
                            "  list x2, [x0]\n"
                            "  add x0, x2, x3\n"
                            "  ret x0\n"),
            "t.lzs:7:3: x3 is read but not defined on every path here (defined: x2)");
  // Written on both paths, it is kept.
  EXPECT_EQ(masks("func f/2\n"
                  "  eq x0, x1, other\n"
                  "  loadi x3, 1\n"
                  "  jmp join\n"
                  "other:\n"
                  "  loadi x3, 2\n"
                  "join:\n"
                  "  list x2, [x0]\n"
                  "  add x0, x2, x3\n"
                  "  ret x0\n"),
            (Masks{0x8}));
}

TEST(Regmask, LoopBackEdgeKeepsLoopInvariants) {
  // x2 is only read at the loop head: live at the tuple through the back edge.
  EXPECT_EQ(masks("func f/3\n"
                  "loop:\n"
                  "  cons x1, x2, x1\n"
                  "  loadi x3, 1\n"
                  "  sub x0, x0, x3\n"
                  "  tuple x4, {x0}\n"
                  "  loadi x3, 0\n"
                  "  gt x0, x3, loop\n"
                  "  ret x1\n"),
            (Masks{0x5, 0x7}));
}

TEST(Regmask, CallsKillEveryXRegister) {
  // Before the call only its argument x0 matters; x2 is not live there
  // (after the call it holds garbage, and reading it is an error).
  EXPECT_EQ(masks("func f/2\n"
                  "  tuple x2, {x1}\n"
                  "  call x0, io.print/1\n"
                  "  tuple x1, {x0}\n"
                  "  add x0, x0, x1\n"
                  "  ret x0\n"),
            (Masks{0x1, 0x1}));
  EXPECT_EQ(test::asm_error("module t\nfunc f/2\n  tuple x2, {x1}\n  call x0, io.print/1\n  add x0, x0, x2\n  ret x0\n"),
            "t.lzs:5:3: x2 is read but not defined on every path here (defined: x0)");
}

TEST(Regmask, CallPassesItsArity) {
  EXPECT_EQ(masks("func f/3\n"
                  "  tuple x5, {x0}\n"
                  "  call y0, g/3\n"
                  "  ret y0\n"
                  "func g/3\n"
                  "  ret x2\n"),
            (Masks{0x7}));
}

TEST(Regmask, TailCallUsesItsArguments) {
  EXPECT_EQ(masks("func f/3\n"
                  "  tuple x3, {x2}\n"
                  "  tcall g/2\n"
                  "func g/2\n"
                  "  ret x1\n"),
            (Masks{0x3}));
}

TEST(Regmask, ApplyKeepsEveryDefinedRegister) {
  // apply's arity is unknown statically: every defined X register counts.
  EXPECT_EQ(masks("func f/2\n"
                  "  loadi x7, 1\n"
                  "  tuple x5, {x0}\n"
                  "  apply x0, x5\n"
                  "  ret x0\n"),
            (Masks{0x83}));
}

TEST(Regmask, RetUsesOnlyItsValue) {
  EXPECT_EQ(masks("func f/4\n"
                  "  map x4, %{x0 => x1}\n"
                  "  ret x3\n"),
            (Masks{0x8}));
}

TEST(Regmask, SwapMoveReadsItsDestination) {
  // mov x0, x1, x2 reads x0 (it moves to x2); a plain mov x0, x1 does not.
  EXPECT_EQ(masks("func f/2\n"
                  "  tuple x3, {}\n"
                  "  mov x0, x1, x2\n"
                  "  add x0, x0, x2\n"
                  "  ret x0\n"),
            (Masks{0x3}));
  EXPECT_EQ(masks("func f/2\n"
                  "  tuple x3, {}\n"
                  "  mov x0, x1\n"
                  "  ret x0\n"),
            (Masks{0x2}));
}

TEST(Regmask, PutAndFnAndYDestinations) {
  EXPECT_EQ(masks("func f/3\n"
                  "  put x0, x0, x1, x2\n"
                  "  put y0, x0, x1, x2\n"
                  "  fn x2, g/0, [x0]\n"
                  "  ret x1\n"
                  "func g/0\n"
                  "  ret u0\n"),
            (Masks{0x6, 0x3, 0x2}));
}

TEST(Regmask, LiveOverride) {
  EXPECT_EQ(masks("func f/2\n"
                  "  tuple x2, {x0} live=0xFFFFFFFF\n"
                  "  tuple x3, {x0} live=0\n"
                  "  ret x3\n"),
            (Masks{0xFFFFFFFF, 0x0}));
  // A register the mask leaves out is dead afterwards (a collection there
  // sets it to []): reading it is an error.
  EXPECT_EQ(test::asm_error("module t\nfunc f/2\n  tuple x3, {x0} live=0\n  ret x1\n"),
            "t.lzs:4:3: x1 is read but not defined on every path here (defined: x3)");
}

}  // namespace
}  // namespace lzr

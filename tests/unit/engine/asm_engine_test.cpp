// The assembler engine against the portable engine on programs aimed at its
// own edge cases: the shifted-operand overflow check at +-2^47, float fast
// paths and their fallbacks, compare fast paths, stack overflow, allocation
// across collections, and the upvalue base register after a collection.
//
// Every program runs on both engines, normally and with GC stress; all four
// outcomes (result or error term, stack trace) must be identical and equal
// the expectation.
#include <gmp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/insn.h"
#include "engine_runner.h"

namespace lzr {

unsigned asm_build_every_routine();  // asm_engine.cpp
namespace {

using testing_support::Outcome;
using testing_support::run;

class AsmEngine : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!engine_available(EngineKind::Asm)) GTEST_SKIP() << "the assembler engine is not built on this machine";
  }

  // Runs `source` four ways; returns the portable engine's normal outcome
  // after checking the other three agree with it.
  Outcome agree(const std::string& source, size_t stack_words = size_t{1} << 20) {
    Outcome ref = run(source, EngineKind::Portable, false, stack_words);
    for (EngineKind engine : {EngineKind::Portable, EngineKind::Asm}) {
      for (bool stress : {false, true}) {
        Outcome o = run(source, engine, stress, stack_words);
        EXPECT_EQ(o.value, ref.value) << engine_name(engine) << (stress ? " with GC stress" : "") << "\n" << source;
        EXPECT_EQ(o.trace, ref.trace) << engine_name(engine) << (stress ? " with GC stress" : "") << "\n" << source;
      }
    }
    return ref;
  }

  void expect(const std::string& source, const std::string& value) { EXPECT_EQ(agree(source).value, value) << source; }
};

// `op d, a, b` with both operands in X registers (the _xxx forms) and again
// with Y operands and a Y destination (the generic forms).
std::vector<std::string> binop_programs(const std::string& op, const std::string& a, const std::string& b) {
  return {
      "func main/0\n  load x1, " + a + "\n  load x2, " + b + "\n  " + op + " x0, x1, x2\n  ret x0\n",
      "func main/0 frame=3\n  load y0, " + a + "\n  load y1, " + b + "\n  " + op + " y2, y0, y1\n  ret y2\n",
      "func main/0 frame=1\n  load x1, " + a + "\n  load y0, " + b + "\n  " + op + " x0, x1, y0\n  ret x0\n",
  };
}

constexpr int64_t kMax = (int64_t{1} << 47) - 1;
constexpr int64_t kMin = -(int64_t{1} << 47);
std::string num(int64_t v) { return std::to_string(v); }

// Small-integer results at the edge of the small range, and the first ones
// past it, which come out as big integers (the fast paths' overflow branch).
TEST_F(AsmEngine, IntegerOverflowBoundaries) {
  struct Case {
    const char* op;
    int64_t a, b;
    std::string want;
  } cases[] = {
      {"add", kMax - 1, 1, num(kMax)},
      {"add", kMax, 1, num(kMax + 1)},
      {"add", kMin, -1, num(kMin - 1)},
      {"add", kMin, kMax, "-1"},
      {"add", kMax, kMax, num(2 * kMax)},
      {"sub", kMin + 1, 1, num(kMin)},
      {"sub", kMin, 1, num(kMin - 1)},
      {"sub", kMax, -1, num(kMax + 1)},
      {"sub", 0, kMin, num(-kMin)},
      {"sub", -1, kMin, num(kMax)},
      {"mul", int64_t{1} << 46, 2, num(int64_t{1} << 47)},
      {"mul", int64_t{1} << 46, -2, num(kMin)},
      {"mul", kMin, -1, num(-kMin)},
      {"mul", kMin, 1, num(kMin)},
      {"mul", kMin, 0, "0"},
      {"mul", int64_t{1} << 24, int64_t{1} << 24, num(int64_t{1} << 48)},
      {"mul", kMin, kMin, "19807040628566084398385987584"},  // 2^94: two limbs
      {"mul", (int64_t{1} << 24) - 1, int64_t{1} << 23, num(((int64_t{1} << 24) - 1) << 23)},
      {"div", kMin, -1, num(-kMin)},
      {"div", kMin, 1, num(kMin)},
      {"div", kMax, -1, num(-kMax)},
      {"div", -7, 2, "-4"},
      {"div", 7, -2, "-4"},
      {"div", 7, 0, "error: :badarith"},
      {"mod", kMin, -1, "0"},
      {"mod", -7, 2, "1"},
      {"mod", 7, -2, "-1"},
      {"mod", kMin, kMax, num(kMax - 1)},
      {"mod", 7, 0, "error: :badarith"},
      {"shl", 1, 46, num(int64_t{1} << 46)},
      {"shl", 1, 47, num(int64_t{1} << 47)},
      {"shl", -1, 64, "-18446744073709551616"},
      {"shr", kMin, 47, "-1"},
      {"and", kMin, -1, num(kMin)},
      {"or", kMin, kMax, "-1"},
      {"xor", kMax, -1, num(kMin)},
  };
  for (const Case& c : cases)
    for (const std::string& prog : binop_programs(c.op, num(c.a), num(c.b))) expect(prog, c.want);
}

TEST_F(AsmEngine, MixedIntegerAndFloatArithmetic) {
  struct Case {
    const char *op, *a, *b, *want;
  } cases[] = {
      {"add", "1", "1.5", "2.5"},
      {"add", "1.5", "1", "2.5"},
      {"add", "0.1", "0.2", "0.30000000000000004"},
      {"sub", "1.5", "2", "-0.5"},
      {"sub", "-0.0", "0.0", "-0.0"},
      {"mul", "2", "0.25", "0.5"},
      {"mul", "1.0e308", "10.0", "error: :badarith"},
      {"add", "1.0e308", "1.0e308", "error: :badarith"},
      {"sub", "-1.0e308", "1.0e308", "error: :badarith"},
      {"div", "7", "2.0", "3.5"},
      {"div", "7.0", "2", "3.5"},
      {"div", "1.0", "0.0", "error: :badarith"},
      {"div", "0.0", "0.0", "error: :badarith"},
      {"div", "1.0", "-0.0", "error: :badarith"},
      {"div", "1.0e-300", "1.0e300", "0.0"},
      {"mod", "7.5", "2", "1.5"},
      {"mod", "-7.5", "2", "0.5"},
      {"add", ":a", "1", "error: :badarith"},
      {"add", "1", "[]", "error: :badarith"},
      {"mul", "{1}", "2.0", "error: :badarith"},
      {"and", "1", "1.0", "error: :badarg"},
      {"and", "true", "false", "false"},
      {"or", "true", "false", "true"},
      {"xor", "true", "true", "false"},
      {"shl", "1.0", "1", "error: :badarith"},
  };
  for (const Case& c : cases)
    for (const std::string& prog : binop_programs(c.op, c.a, c.b)) expect(prog, c.want);
}

// One `op` instruction run once per pair of `pairs` (a literal list of
// {b, c} tuples), its results collected in a list (last pair first): the
// first pair's floats quicken the instruction (a float-first form, insn.h),
// and the later pairs run through the quickened form. The operands sit in
// X registers, Y slots, a mix of both, and a closure's upvalues (the
// generic form).
std::vector<std::string> quickening_programs(const std::string& op, const std::string& pairs) {
  const std::string head = "func main/0 frame=5\n  loadc y0, " + pairs + "\n  loadc y1, []\nloop:\n  loadc x2, []\n"
                           "  eq y0, x2, done\n  loadi x2, 0\n  get x3, y0, x2\n  loadi x2, 1\n  drop y0, y0, x2\n"
                           "  loadi x2, 0\n  get x4, x3, x2\n  loadi x2, 1\n  get x5, x3, x2\n  mov y2, x4\n  mov y3, x5\n";
  const std::string tail = "  jmp loop\ndone:\n  mov x0, y1\n  ret x0\n";
  return {
      head + "  " + op + " x6, x4, x5\n  cons y1, x6, y1\n" + tail,
      head + "  " + op + " y4, y2, y3\n  cons y1, y4, y1\n" + tail,
      head + "  " + op + " x6, y2, x5\n  cons y1, x6, y1\n" + tail,
      head + "  " + op + " y4, x4, y3\n  cons y1, y4, y1\n" + tail,
      head + "  fn x6, f/0, [x4, x5]\n  apply x6, x6\n  cons y1, x6, y1\n" + tail +
          "func f/0 upvals=2\n  " + op + " x0, u0, u1\n  ret x0\n",
  };
}

TEST_F(AsmEngine, QuickenedArithmeticKeepsEveryOperandMix) {
  // After the first pair: float and integer (converted in the float-first
  // form), integer and float, two integers (an integer result), a big
  // integer, negative zero.
  const std::string mix = "{1.5, 2.25}, {2.5, 4}, {3, 0.5}, {7, 2}, {0.5, 1180591620717411303424}, {-0.0, 0.0}";
  struct Case {
    const char* op;
    std::string want;
  } cases[] = {
      {"add", "[0.0, 1.1805916207174113e21, 9, 3.5, 6.5, 3.75]"},
      {"sub", "[-0.0, -1.1805916207174113e21, 5, 2.5, -1.5, -0.75]"},
      {"mul", "[-0.0, 5.902958103587057e20, 14, 1.5, 10.0, 3.375]"},
  };
  for (const Case& c : cases)
    for (const std::string& prog : quickening_programs(c.op, "[" + mix + "]")) expect(prog, c.want);
  // div: floored integer division of two integers, float division otherwise;
  // 0.0 / 0.0 is no number, so negative zero is divided by one here.
  for (const std::string& prog : quickening_programs("div", "[{1.5, 2.0}, {2.5, 4}, {3, 0.5}, {7, 2}, {-7, 2}, {-0.0, 1}]"))
    expect(prog, "[-0.0, -4, 3, 6.0, 0.625, 0.75]");
}

TEST_F(AsmEngine, QuickenedArithmeticRaisesWhereTheGenericFormRaises) {
  // The failing pair comes after a float pair has quickened the
  // instruction: the float-first form hands it to the generic routine,
  // which raises at the same instruction, with the same trace.
  struct Case {
    const char *op, *pairs;
  } cases[] = {
      {"add", "[{1.5, 2.5}, {1.5, :a}]"},     {"sub", "[{1.5, 2.5}, {[], 1.5}]"},
      {"mul", "[{1.5, 2.5}, {1.0e300, 1.0e300}]"},  // not finite
      {"div", "[{1.5, 2.5}, {1.5, 0}]"},      {"div", "[{1.5, 2.5}, {1.5, 0.0}]"},
      {"add", "[{1.5, 2.5}, {1.0e308, 1.0e308}]"}, {"mul", "[{1.5, 2.5}, {2.0, {1}}]"},
  };
  for (const Case& c : cases)
    for (const std::string& prog : quickening_programs(c.op, c.pairs)) expect(prog, "error: :badarith");
}

// The same for a compare: `op b, c, yes` pushes true or false per pair.
std::vector<std::string> quickening_compare_programs(const std::string& op, const std::string& pairs) {
  const std::string push = "  loadc x6, :false\n  jmp push\nyes:\n  loadc x6, :true\npush:\n  cons y1, x6, y1\n";
  std::vector<std::string> programs;
  for (const char* operands : {"x4, x5", "y2, y3", "y2, x5", "x4, y3"}) {
    std::string prog = quickening_programs("OP", pairs)[0];
    prog.replace(prog.find("  OP x6, x4, x5\n  cons y1, x6, y1\n"), 33, "  " + op + " " + operands + ", yes\n" + push);
    programs.push_back(prog);
  }
  return programs;  // compares take no upvalue operands
}

TEST_F(AsmEngine, QuickenedComparesKeepTermOrder) {
  // After the first pair: float and integer either way round, floats
  // either way round, integer and float, two integers, equal numbers of
  // both kinds, the two zeros, a number and an atom (numbers come first), a
  // big integer on either side.
  const std::string pairs =
      "[{1.5, 2.5}, {2.5, 2}, {1.5, 2}, {2.5, 3.5}, {3.5, 2.5}, {3, 2.5}, {2, 3}, {2.0, 2}, {-0.0, 0.0}, "
      "{1.5, :a}, {1180591620717411303424, 1.5}, {0.5, 1180591620717411303424}]";
  struct Case {
    const char* op;
    std::string want;
  } cases[] = {
      {"lt", "[true, false, true, false, false, true, false, false, true, true, false, true]"},
      {"gt", "[false, true, false, false, false, false, true, true, false, false, true, false]"},
      {"lte", "[true, false, true, true, true, true, false, false, true, true, false, true]"},
      {"gte", "[false, true, false, true, true, false, true, true, false, false, true, false]"},
  };
  for (const Case& c : cases)
    for (const std::string& prog : quickening_compare_programs(c.op, pairs)) expect(prog, c.want);
}

TEST_F(AsmEngine, AnIntegerOnTheLeftAndAFloatOnTheRightQuickenToo) {
  // The first pair, an integer and a float, quickens the instruction; the
  // float-first form then converts an integer on either side.
  const std::string mix = "{2, 0.5}, {1.5, 2}, {3, 4}, {0.25, 0.5}, {-3, 0.5}";
  struct Case {
    const char* op;
    std::string want;
  } cases[] = {
      {"add", "[-2.5, 0.75, 7, 3.5, 2.5]"},
      {"sub", "[-3.5, -0.25, -1, -0.5, 1.5]"},
      {"mul", "[-1.5, 0.125, 12, 3.0, 1.0]"},
      {"div", "[-6.0, 0.5, 0, 0.75, 4.0]"},
  };
  for (const Case& c : cases)
    for (const std::string& prog : quickening_programs(c.op, "[" + std::string(mix) + "]")) expect(prog, c.want);
  for (const std::string& prog : quickening_compare_programs("lt", "[{2, 2.5}, {3, 2.5}, {1.5, 2}, {-1, -0.5}]"))
    expect(prog, "[true, true, false, true]");
}

// The opcodes of main/0's code after running it on `engine`.
std::vector<IOp> ops_after_running(const std::string& source, EngineKind engine) {
  VM vm;
  register_builtins(vm);
  std::string why;
  Module* m = testing_support::load_source(vm, source, why);
  EXPECT_TRUE(m) << why;
  if (!m) return {};
  const FunctionInfo* main0 = m->find(vm.atom("main"), 0);
  Process p(vm, size_t{1} << 16);
  EXPECT_NE(execute(p, main0, {}, engine), kRaised);
  std::vector<IOp> ops;
  for (const Insn* pc = main0->code; pc->op != IOp::ret_x; ++pc) ops.push_back(pc->op);
  p.reset_stack();
  return ops;
}

TEST_F(AsmEngine, QuickeningRewritesOnlyTheInstructionsThatMetAFloat) {
  // x4 + x5 and x4 < x14 meet floats; x7 + y0 meets integers only; x4 + K
  // (add_xk: x9 holds 3 on every path) meets a float and becomes the
  // float-first form of add_xxx, whose c still holds K; x4 div K (div_k)
  // that of div; x9 + x10 (add_xk, K = 0) stays, meeting integers only;
  // 1 * x5 quickens on its float on the right.
  const std::string src =
      "func main/0 frame=1\n  loadi x9, 3\n  loadi x10, 0\n  loadi x7, 1\n  load x4, 1.5\n  load x5, 0.25\n"
      "  load x14, 0.0\n  loadi x6, 0\n  loadi x13, 0\n  loadi x15, 0\n  loadi x16, 0\n  loadi x11, 1\n  loadi x12, 100\n  mov y0, x12\nloop:\n  eq y0, x10, done\n"
      "  add x4, x4, x5\n  lt x4, x14, skip\n  add x7, x7, y0\nskip:\n  add x6, x4, x9\n  div x13, x4, x9\n"
      "  add x15, x9, x10\n  mul x16, x11, x5\n  sub y0, y0, x11\n  jmp loop\n"
      "done:\n  tuple x0, {x4, x7, x6, x13, x16}\n  ret x0\n";
  EXPECT_EQ(agree(src).value, "{26.5, 5051, 29.5, 8.833333333333334, 0.25}");
  auto count = [](const std::vector<IOp>& ops, IOp op) { return std::count(ops.begin(), ops.end(), op); };
  const std::vector<IOp> on_asm = ops_after_running(src, EngineKind::Asm);
  EXPECT_EQ(count(on_asm, IOp::add_xxx_f), 2);
  EXPECT_EQ(count(on_asm, IOp::add_xxy), 1);  // integers: no float-first form
  EXPECT_EQ(count(on_asm, IOp::add_xk), 1);
  EXPECT_EQ(count(on_asm, IOp::div_f), 1);
  EXPECT_EQ(count(on_asm, IOp::mul_xxx_f), 1);  // an integer times a float
  EXPECT_EQ(count(on_asm, IOp::sub_yyx), 1);
  EXPECT_EQ(count(on_asm, IOp::lt_xx_f), 1);
  EXPECT_EQ(count(on_asm, IOp::eq_yx), 1);  // integers
  const std::vector<IOp> on_portable = ops_after_running(src, EngineKind::Portable);
  EXPECT_EQ(count(on_portable, IOp::add_xxx_f), 0);
  EXPECT_EQ(count(on_portable, IOp::add_xxx), 1);
  EXPECT_EQ(count(on_portable, IOp::add_xk), 2);
  EXPECT_EQ(count(on_portable, IOp::div_k), 1);
}

TEST_F(AsmEngine, CompareFloatsIntegersAndOtherTerms) {
  struct Case {
    std::string a, op, b;
    bool holds;
  } cases[] = {
      {"1", "eq", "1.0", true},     {"1", "ne", "1.0", false},     {"0.0", "eq", "-0.0", true},
      {"0.0", "ne", "-0.0", false}, {"1", "lt", "1.5", true},      {"1.5", "lt", "1", false},
      {"2.0", "gt", "1", true},     {"1.0", "lte", "1", true},     {"-1", "gte", "-1.0", true},
      {"1.5", "lt", "2.5", true},   {"2.5", "gte", "2.5", true},   {"2.5", "gt", "2.5", false},
      {"-2.5", "lt", "-3", false},  {"3", "lt", "2", false},       {"-3", "lt", "2", true},
      {num(kMax), "gt", num(kMin), true},                          {num(kMin), "lt", "-1", true},
      {"1", "lt", ":a", true},      {":a", "lt", "1", false},      {"1.0e300", "lt", ":a", true},
      {":a", "eq", ":a", true},     {":a", "eq", ":b", false},     {":a", "ne", ":b", true},
      {":a", "eq", "[]", false},    {"[]", "eq", "[]", true},      {"[]", "lt", "[1]", true},
      {"{1, 2}", "eq", "{1, 2.0}", true},                          {"{1, 2}", "lt", "{1, 3}", true},
      {"[1]", "ne", "[1]", false},  {"1", "eq", ":a", false},      {"\"ab\"", "gt", "[1]", true},
  };
  for (const Case& c : cases) {
    const std::string want = c.holds ? ":yes" : ":no";
    const std::string tail = "  loadc x0, :no\n  ret x0\nyes:\n  loadc x0, :yes\n  ret x0\n";
    expect("func main/0\n  load x1, " + c.a + "\n  load x2, " + c.b + "\n  " + c.op + " x1, x2, yes\n" +
               tail,
           want);
    expect("func main/0 frame=2\n  load y0, " + c.a + "\n  load y1, " + c.b + "\n  " + c.op +
               " y0, y1, yes\n" + tail,
           want);
  }
}

TEST_F(AsmEngine, DeepRecursionRaisesStackOverflow) {
  const std::string calls =
      "func main/0\n  loadi x0, 0\n  call x0, down/1\n  ret x0\n"
      "func down/1 frame=2\n  mov y0, x0\n  loadi x1, 1\n  add x0, x0, x1\n  call x0, down/1\n  ret x0\n";
  Outcome o = agree(calls, size_t{1} << 14);
  EXPECT_EQ(o.value, "error: :stack_overflow");
  // The failing call, then every pending call (repeats counted in one entry).
  ASSERT_EQ(o.trace.size(), 2u);
  EXPECT_EQ(o.trace[0].rfind("t.down/1 (t.lzs:9) x", 0), 0u) << o.trace[0];
  EXPECT_GT(std::stoul(o.trace[0].substr(o.trace[0].find(") x") + 3)), 1000u) << o.trace[0];
  EXPECT_EQ(o.trace[1], "t.main/0 (t.lzs:3) x1");

  // Through apply: a closure calling itself via its own upvalue.
  const std::string applies =
      "func main/0\n  fn x1, self/1\n  mov x0, x1\n  apply x0, x1\n  ret x0\n"
      "func self/1 frame=1\n  mov y0, x0\n  apply x0, x0\n  ret x0\n";
  EXPECT_EQ(agree(applies, size_t{1} << 14).value, "error: :stack_overflow");

  // A tail call that needs a larger frame than the stack has left.
  const std::string tail =
      "func main/0\n  loadi x0, 0\n  call x0, down/1\n  ret x0\n"
      "func down/1 frame=1\n  mov y0, x0\n  loadi x1, 1\n  add x0, x0, x1\n  call x0, down/1\n  tcall big/0\n"
      "func big/0 frame=32\n  loadi x0, 1\n  ret x0\n";
  EXPECT_EQ(agree(tail, size_t{1} << 14).value, "error: :stack_overflow");
}

TEST_F(AsmEngine, ErrorsKeepTheirStackTrace) {
  const std::string src =
      "func main/0 frame=1\n  loadi y0, 3\n  call x0, a/0\n  ret x0\n"
      "func a/0 frame=1\n  loadc x0, {1, 2}\n  call y0, b/1\n  ret y0\n"
      "func b/1\n  loadi x1, 5\n  get x0, x0, x1\n  ret x0\n";
  Outcome o = agree(src);
  EXPECT_EQ(o.value, "error: {:badindex, 5}");
  EXPECT_EQ(o.trace, (std::vector<std::string>{"t.b/1 (t.lzs:11) x1", "t.a/0 (t.lzs:7) x1", "t.main/0 (t.lzs:3) x1"}));
  EXPECT_EQ(agree("func main/0\n  loadi x1, 3\n  apply x0, x1\n  ret x0\n").value, "error: {:badfun, 3}");
  EXPECT_EQ(agree("func main/0\n  loadi x0, 3\n  call x0, kernel.error/1\n  ret x0\n").value, "error: 3");
  EXPECT_EQ(agree("func main/0\n  loadi x0, 3\n  tcall kernel.error/1\n").value, "error: 3");
}

// build(N) = [{N, [N | N * 1.5]}, ..., {1, [1 | 1.5]}]: a tuple, a cons and
// a float per element, with the list kept in a Y slot across each call.
const char* kBuildTuples =
    "func main/0\n  load x0, N\n  list x1, []\n  tcall build/2\n"
    "func build/2 frame=0\n  loadi x2, 0\n  eq x0, x2, done\n  load x2, 1.5\n  mul x2, x0, x2\n"
    "  cons x2, x0, x2\n  tuple x2, {x0, x2}\n  cons x1, x2, x1\n  loadi x2, 1\n  sub x0, x0, x2\n"
    "  tcall build/2\ndone:\n  mov x0, x1\n  ret x0\n";

std::string build_tuples_text(int n) {
  std::string s = "[";
  for (int i = 1; i <= n; ++i) {
    s += (i > 1 ? ", {" : "{") + std::to_string(i) + ", [" + std::to_string(i) + " | " + format_float(i * 1.5) + "]}";
  }
  return s + "]";
}

TEST_F(AsmEngine, CollectionsWhileBuildingTuplesAndLists) {
  std::string src = kBuildTuples;
  src.replace(src.find("N"), 1, "40");
  EXPECT_EQ(agree(src).value, build_tuples_text(40));
  // Under stress every allocation collects; the asm engine must really have collected.
  EXPECT_GT(run(src, EngineKind::Asm, true, size_t{1} << 20).collections, 100u);

  // Enough allocation to overflow the heap's blocks without stress.
  std::string big = kBuildTuples;
  big.replace(big.find("N"), 1, "200000");
  Outcome normal = run(big, EngineKind::Asm, false, size_t{1} << 20);
  EXPECT_EQ(normal.value, run(big, EngineKind::Portable, false, size_t{1} << 20).value);
  EXPECT_GT(normal.collections, 0u);

  // list/tuple constructors with many elements, Y and X operands mixed.
  expect(
      "func main/0 frame=2\n  loadi y0, 1\n  load y1, 2.5\n  loadc x2, :c\n"
      "  list x3, [y0, y1, x2, y0, y1, x2, y0]\n  tuple x4, {x3, y0, x3, y1}\n  tuple x5, {}\n  list x6, []\n"
      "  tuple x0, {x4, x5, x6}\n  ret x0\n",
      "{{[1, 2.5, :c, 1, 2.5, :c, 1], 1, [1, 2.5, :c, 1, 2.5, :c, 1], 2.5}, {}, []}");
}

// Tuples of 2 .. 8 X registers (the unrolled tupleN_x forms), into an X
// register and a Y slot, with elements that are the tuples built before
// (so a collection at the allocation must keep them), one element repeated,
// and the registers read in an order other than their numbers.
TEST_F(AsmEngine, SmallTuplesOfXRegistersEveryArity) {
  std::string src = "func main/0 frame=1\n  loadi x1, 1\n  load x2, 2.5\n  loadc x3, :c\n  loadc x4, []\n"
                    "  load x5, \"b\"\n  loadi x6, -7\n  load x7, 100000000000000\n  loadc x8, {9}\n";
  std::string want_elems[9] = {"", "1", "2.5", ":c", "[]", "\"b\"", "-7", "100000000000000", "{9}"};
  std::string want = "[]";
  for (unsigned n = 2; n <= 8; ++n) {
    std::string ops, text;
    for (unsigned i = 0; i < n; ++i) {
      const unsigned r = i == 0 ? 9 : n + 1 - i;  // x9 (the previous tuple) first, then x{n}..x2
      ops += std::string(i ? ", " : "") + "x" + std::to_string(r);
      text += std::string(i ? ", " : "") + (r == 9 ? "PREV" : want_elems[r]);
    }
    const std::string dest = n % 2 ? "y0" : "x9";
    src += (n == 2 ? "  loadc x9, :none\n" : "") + std::string("  tuple ") + dest + ", {" + ops + "}\n";
    if (dest == "y0") src += "  mov x9, y0\n";
    const size_t at = text.find("PREV");
    text.replace(at, 4, n == 2 ? ":none" : want);
    want = "{" + text + "}";
  }
  src += "  tuple x0, {x9, x1}\n  ret x0\n";  // x1 survived every safe point
  expect(src, "{" + want + ", 1}");
}

TEST_F(AsmEngine, UpvalueBaseSurvivesCollections) {
  // The closure's body allocates (a collection under stress moves the
  // closure) and calls a function that allocates heavily (the return must
  // reload the moved closure's upvalues), then reads its upvalues.
  const std::string src =
      "func main/0 frame=1\n  loadi x0, 7\n  loadc x1, :seven\n  load x2, 2.5\n  fn y0, body/1, [x0, x1, x2]\n"
      "  loadi x0, 5\n  apply x0, y0\n  ret x0\n"
      "func body/1 upvals=3 frame=1\n  tuple x1, {x0, x0}\n  mov x2, u0\n  tuple y0, {x1, x2}\n"
      "  loadi x0, 2000\n  list x1, []\n  call x0, churn/2\n"
      "  mov x3, u0\n  mov x4, u1\n  add x5, u2, u0\n  tuple x0, {x3, x4, x5, y0}\n  ret x0\n"
      "func churn/2\n  loadi x2, 0\n  eq x0, x2, done\n  tuple x2, {x0, x1}\n  cons x1, x2, x1\n"
      "  loadi x2, 1\n  sub x0, x0, x2\n  tcall churn/2\ndone:\n  size x0, x1\n  ret x0\n";
  EXPECT_EQ(agree(src).value, "{7, :seven, 9.5, {{5, 5}, 7}}");
}

// The loader fuses `loadi xK, c` with a following X-only add/sub/mul/div/mod
// or compare that reads xK as its right operand: the fused forms must keep
// the load's effect, handle aliasing (the loaded register also read or
// written by the next instruction) and fall back on non-integers.
TEST_F(AsmEngine, FusedConstantForms) {
  struct Case {
    std::string body;
    std::string want;
  } cases[] = {
      {"  load x0, 10\n  loadi x1, 3\n  add x2, x0, x1\n  tuple x0, {x1, x2}\n", "{3, 13}"},
      {"  load x0, 10\n  loadi x1, 3\n  sub x0, x0, x1\n", "7"},
      {"  loadi x1, 5\n  add x1, x1, x1\n  mov x0, x1\n", "10"},  // b' is the loaded register
      {"  loadi x1, -7\n  mul x1, x1, x1\n  mov x0, x1\n", "49"},
      {"  load x0, -17\n  loadi x1, 5\n  mod x1, x0, x1\n  mov x0, x1\n", "3"},
      {"  load x0, -17\n  loadi x1, 5\n  div x1, x0, x1\n  mov x0, x1\n", "-4"},
      {"  load x0, 17\n  loadi x1, -5\n  mod x2, x0, x1\n  tuple x0, {x1, x2}\n", "{-5, -3}"},  // not fused
      {"  load x0, 140737488355327\n  loadi x1, 1\n  add x0, x0, x1\n", "140737488355328"},
      {"  load x0, 140737488355328\n  loadi x1, 1\n  sub x0, x0, x1\n", "140737488355327"},  // a big operand
      {"  load x0, 140737488355328\n  loadi x1, 2\n  div x0, x0, x1\n", "70368744177664"},
      {"  load x0, -140737488355329\n  loadi x1, 7\n  mod x0, x0, x1\n", "2"},
      {"  load x0, -140737488355328\n  loadi x1, 2\n  div x0, x0, x1\n", num(kMin / 2)},
      {"  load x0, -140737488355328\n  loadi x1, 1\n  mod x0, x0, x1\n", "0"},
      {"  load x0, 2.5\n  loadi x1, 2\n  mul x0, x0, x1\n", "5.0"},  // float left operand
      {"  loadc x0, :a\n  loadi x1, 2\n  add x0, x0, x1\n", "error: :badarith"},
      {"  load x0, 7\n  loadi x1, 0\n  div x0, x0, x1\n", "error: :badarith"},
      {"  load x0, 100000\n  load x1, 40000\n  add x0, x0, x1\n", "140000"},  // beyond int16: not fused
      {"  load x0, 3\n  loadi x1, 3\n  eq x0, x1, yes\n  loadc x0, :no\nyes:\n", "3"},
      {"  load x0, 3.0\n  loadi x1, 3\n  eq x0, x1, yes\n  loadc x0, :no\nyes:\n", "3.0"},
      {"  load x0, -4\n  loadi x1, -3\n  lt x0, x1, yes\n  loadc x0, :no\nyes:\n", "-4"},
      {"  load x0, -3\n  loadi x1, -3\n  gt x0, x1, yes\n  loadc x0, :no\nyes:\n", ":no"},
      {"  loadc x0, :a\n  loadi x1, 3\n  gte x0, x1, yes\n  loadc x0, :no\nyes:\n", ":a"},  // atom > number
      {"  loadi x1, 3\n  lte x1, x1, yes\n  loadc x0, :no\n  ret x0\nyes:\n  mov x0, x1\n", "3"},
      // Generic next instruction: Y operands on the left or as destination.
      {"  loadi y0, 40\n  loadi x1, 2\n  sub x0, y0, x1\n  tuple x0, {x0, x1, y0}\n", "{38, 2, 40}"},
      {"  loadi y0, 40\n  loadi x1, 2\n  mul y1, y0, x1\n  tuple x0, {x1, y0, y1}\n", "{2, 40, 80}"},
      {"  loadi x0, 5\n  loadi x1, 2\n  add y0, x0, x1\n  mov x0, y0\n", "7"},
      {"  load y0, 0.5\n  loadi x1, 2\n  add y1, y0, x1\n  mov x0, y1\n", "2.5"},
      {"  load y0, 140737488355327\n  loadi x1, 1\n  add y0, y0, x1\n  mov x0, y0\n", "140737488355328"},
      // get / drop with a constant index: tuples and list heads and tails in
      // line, everything else on its own.
      {"  load x0, {5, 6, 7}\n  loadi x1, 0\n  get x2, x0, x1\n  tuple x0, {x1, x2}\n", "{0, 5}"},
      {"  load y0, {5, 6, 7}\n  loadi x1, 2\n  get y1, y0, x1\n  mov x0, y1\n", "7"},
      {"  load x0, {5, 6, 7}\n  loadi x1, 3\n  get x0, x0, x1\n", "error: {:badindex, 3}"},
      {"  load x0, {}\n  loadi x1, 0\n  get x0, x0, x1\n", "error: {:badindex, 0}"},
      {"  loadi x0, 2\n  get x0, x0, x0\n", "error: :badarg"},  // the container is the constant
      {"  load x0, [8, 9]\n  loadi x1, 0\n  get x0, x0, x1\n", "8"},
      {"  load x0, [8, 9]\n  loadi x1, 1\n  get x0, x0, x1\n", "9"},  // a walk: on its own
      {"  loadi x0, 9\n  loadi x1, 8\n  cons x0, x1, x0\n  loadi x1, 1\n  drop x0, x0, x1\n", "9"},
      {"  load x0, [8, 9]\n  loadi x1, 0\n  drop x0, x0, x1\n", "[8, 9]"},
      {"  loadc x0, []\n  loadi x1, 0\n  get x0, x0, x1\n", "error: {:badindex, 0}"},
      {"  loadc x0, []\n  loadi x1, 1\n  drop x0, x0, x1\n", "error: {:badindex, 1}"},
      {"  load y0, {5, 6, 7}\n  loadi x1, 1\n  drop y1, y0, x1\n  mov x0, y1\n", "{5, 7}"},
      {"  load x0, %{1 => :one}\n  loadi x1, 1\n  get x0, x0, x1\n", ":one"},
      {"  load x0, \"AB\"\n  loadi x1, 1\n  get x0, x0, x1\n", "66"},
      {"  loadc x0, :a\n  loadi x1, 0\n  get x0, x0, x1\n", "error: :badarg"},
  };
  for (const Case& c : cases) expect("func main/0 frame=2\n" + c.body + "  ret x0\n", c.want);
}

// get with an index the loader cannot fuse: the tuple fast path's two
// unsigned compares must turn away every non-tuple and every bad index.
TEST_F(AsmEngine, GetChecksContainerAndIndex) {
  struct Case {
    const char *container, *index, *want;
  } cases[] = {
      {"{5, 6, 7}", "100000", "error: {:badindex, 100000}"},
      {"{5, 6, 7}", "-1", "error: {:badindex, -1}"},
      {"{5, 6, 7}", "-140737488355328", "error: {:badindex, -140737488355328}"},
      {"{5, 6, 7}", "1.0", "error: :badarg"},
      {"{5, 6, 7}", ":a", "error: :badarg"},
      {"{5, 6, 7}", "[]", "error: :badarg"},
      {"{5, 6, 7}", "2", "7"},
      {"%{1.0 => :f, 1 => :i}", "1.0", ":f"},
      {"[4, 5]", "1", "5"},
      {"1.5", "0", "error: :badarg"},
      {"7", "0", "error: :badarg"},
  };
  for (const Case& c : cases) {
    const std::string x = std::string("func main/0\n  load x0, ") + c.container + "\n  load x1, " + c.index +
                          "\n  load x2, 0\n  mov x3, x1\n  get x0, x0, x3\n  ret x0\n";
    const std::string y = std::string("func main/0 frame=2\n  load y0, ") + c.container + "\n  load y1, " +
                          c.index + "\n  get x0, y0, y1\n  ret x0\n";
    expect(x, c.want);
    expect(y, c.want);
  }
}

// load_div / load_mod by a constant d > 1 multiply by a reciprocal
// (known_operands.cpp, division_reciprocal): exact floored results across the whole
// small-integer range, at multiples of d and either side of them.
TEST_F(AsmEngine, DivisionByConstantsIsExact) {
  auto floor_div = [](int64_t n, int64_t d) { return n / d - (n % d != 0 && (n < 0) != (d < 0)); };
  for (int64_t d : {2, 3, 5, 7, 10, 641, 1000, 6700, 32766, 32767}) {
    std::vector<int64_t> dividends = {0, 1, -1, kMax, kMin, kMax - 1, kMin + 1, d, -d, d - 1, 1 - d, d + 1, -d - 1};
    for (int64_t m : {kMax / d, kMin / d, int64_t{12345}, int64_t{-987654321}})
      for (int64_t off : {-1, 0, 1})
        if (m * d + off >= kMin && m * d + off <= kMax) dividends.push_back(m * d + off);
    std::string body = "func main/0\n  loadc x3, []\n";
    std::string want;
    for (int64_t n : dividends) {
      body += "  load x0, " + num(n) + "\n  loadi x1, " + num(d) + "\n  div x2, x0, x1\n  cons x3, x2, x3\n";
      body += "  loadi x1, " + num(d) + "\n  mod x2, x0, x1\n  cons x3, x2, x3\n";
      const int64_t q = floor_div(n, d);
      want = ", " + num(q) + (want.empty() ? "" : ", ") + want;
      want = num(n - q * d) + want;
    }
    expect(body + "  mov x0, x3\n  ret x0\n", "[" + want + "]");
  }
}

// Self tail calls: frame-0 loops whose first instruction is a compare run
// the compare in the back edge; Y slots restart as nil on every iteration.
TEST_F(AsmEngine, LoopBackEdges) {
  // count(I, N, Acc): I from 0 to N, with a float accumulator half-way.
  const std::string counting =
      "func main/0\n  loadi x0, 0\n  load x1, 1000\n  loadi x2, 0\n  tcall count/3\n"
      "func count/3\n  gte x0, x1, done\n  add x2, x2, x0\n  loadi x3, 1\n  add x0, x0, x3\n  tcall count/3\n"
      "done:\n  mov x0, x2\n  ret x0\n";
  expect(counting, "499500");
  std::string floats = counting;
  floats.replace(floats.find("loadi x0, 0\n"), 12, "load x0, 0.5\n");
  expect(floats, "5.0e5");  // the head compare sees floats: the loop runs it on its own
  // A loop whose frame has Y slots: each iteration sees them nil again.
  expect("func main/0\n  loadi x0, 3\n  list x1, []\n  tcall walk/2\n"
         "func walk/2 frame=1\n  mov x2, y0\n  cons x1, x2, x1\n  loadi y0, 9\n  loadi x2, 0\n"
         "  eq x0, x2, done\n  loadi x2, 1\n  sub x0, x0, x2\n  tcall walk/2\ndone:\n  mov x0, x1\n  ret x0\n",
         "[[], [], [], []]");
  // Step forms: the increment right before the back edge, as add or sub,
  // with the stepped register on either side of the head compare.
  expect("func main/0\n  load x0, 1000\n  loadi x1, 0\n  loadi x2, 0\n  tcall down/3\n"
         "func down/3\n  lte x0, x1, done\n  add x2, x2, x0\n  loadi x3, 3\n  sub x0, x0, x3\n  tcall down/3\n"
         "done:\n  tuple x0, {x0, x2}\n  ret x0\n",
         "{-2, 167167}");
  expect("func main/0\n  loadi x0, 0\n  loadi x1, 100\n  tcall up/2\n"
         "func up/2\n  lt x1, x0, done\n  loadi x2, 7\n  add x0, x0, x2\n  tcall up/2\ndone:\n  ret x0\n",
         "105");
  // The step leaves the small range: the add runs on its own and builds a
  // big integer; the loop goes on comparing big integers.
  expect("func main/0\n  load x0, 140737488355320\n  load x1, 140737488355332\n  tcall up/2\n"
         "func up/2\n  eq x0, x1, done\n  loadi x2, 3\n  add x0, x0, x2\n  tcall up/2\ndone:\n  ret x0\n",
         "140737488355332");
  // A big integer never equals a small one: the step steps on past it.
  Outcome o = agree("func main/0\n  load x0, 140737488355320\n  load x1, 140737488355330\n  tcall up/2\n"
                    "func up/2\n  lt x1, x0, done\n  loadi x2, 3\n  add x0, x0, x2\n  tcall up/2\ndone:\n  ret x0\n");
  EXPECT_EQ(o.value, "140737488355332");
  // The bound is a float: the head compare runs on its own.
  expect("func main/0\n  loadi x0, 0\n  load x1, 9.5\n  tcall up/2\n"
         "func up/2\n  gte x0, x1, done\n  loadi x2, 2\n  add x0, x0, x2\n  tcall up/2\ndone:\n  ret x0\n",
         "10");
  // The stepped register is the constant's own register.
  expect("func main/0\n  loadi x0, 0\n  loadi x3, 0\n  loadi x1, 2\n  loadi x2, 0\n  tcall f/4\n"
         "func f/4\n  eq x3, x1, done\n  loadi x3, 1\n  add x3, x3, x3\n  tcall f/4\ndone:\n  mov x0, x3\n  ret x0\n",
         "2");
  // Loops closed by a backward jmp to the head compare (loop_ forms too):
  // Y slots keep their values across the back edge, the head sees a float
  // or a big integer and runs on its own, and a million iterations run out
  // the reductions many times over (the process yields at the back edge).
  expect("func main/0 frame=2\n  load x0, 1000000\n  loadi x1, 0\n  loadi y0, 0\n  loadi y1, 1\n"
         "head:\n  gte x1, x0, done\n  add y0, y0, x1\n  add x1, x1, y1\n  jmp head\n"
         "done:\n  mov x0, y0\n  ret x0\n",
         "499999500000");
  expect("func main/0\n  load x0, 3.5\n  loadi x1, 0\n  loadi x2, 1\nhead:\n  lte x0, x1, done\n"
         "  add x1, x1, x2\n  jmp head\ndone:\n  ret x1\n",
         "4");
  expect("func main/0\n  load x0, 140737488355330\n  load x1, 140737488355320\n  loadi x2, 3\n"
         "head:\n  gt x1, x0, done\n  add x1, x1, x2\n  jmp head\ndone:\n  ret x1\n",
         "140737488355332");
  // Frames of every size start with nil Y slots (the fill writes two at a time).
  for (int frame = 1; frame <= 5; ++frame) {
    // dirty/0 leaves values where f/0's frame will be.
    std::string body =
        "func main/0\n  call x0, dirty/0\n  call x0, f/0\n  ret x0\n"
        "func dirty/0 frame=6\n  loadi y0, 7\n  loadi y1, 7\n  loadi y2, 7\n  loadi y3, 7\n  loadi y4, 7\n"
        "  loadi y5, 7\n  ret y0\nfunc f/0 frame=" + std::to_string(frame) + "\n";
    std::string want = "{";
    for (int i = 0; i < frame; ++i) want += std::string(i ? ", " : "") + "[]";
    body += "  tuple x0, {";
    for (int i = 0; i < frame; ++i) body += std::string(i ? ", " : "") + "y" + std::to_string(i);
    expect(body + "}\n  ret x0\n", want + "}");
  }
  // Entered through apply with a closure: the loop still counts down.
  expect("func main/0\n  fn x1, down/1\n  load x0, 50\n  loadi x2, 0\n  apply x0, x1\n  ret x0\n"
         "func down/1\n  loadi x2, 0\n  lte x0, x2, done\n  loadi x2, 1\n  sub x0, x0, x2\n  tcall down/1\n"
         "done:\n  ret x0\n",
         "0");
}

TEST_F(AsmEngine, MovesAndSwapsAcrossOperandKinds) {
  expect(
      "func main/0 frame=3\n  loadi x1, 1\n  loadi y0, 2\n  loadc y1, :three\n  loadi x2, 7\n  loadi x3, 8\n"
      "  mov x2, y0, y2\n"  // swap-move: t = x2 (7); x2 = y0; y2 = t
      "  mov y0, x1\n  mov x1, y1\n"
      "  mov x3, x1, x1\n"  // t = x3 (8); x3 = x1; x1 = t
      "  tuple x0, {x1, x2, x3, y0, y1, y2}\n  ret x0\n",
      "{8, 2, :three, 1, :three, 7}");
}

// Pairs of moves run in one dispatch (mov2_ forms): in order, and the
// second of a pair still runs alone when a jump lands on it.
TEST_F(AsmEngine, MovePairs) {
  // Each second move reads what the first wrote; the same destination twice.
  expect("func main/0 frame=2\n  loadi x0, 5\n  loadi x1, 6\n  mov x2, x0\n  mov x3, x2\n"
         "  mov y0, x0\n  mov y0, x1\n  mov y1, x3\n  loadi x0, 0\n  mov x4, y0\n  mov x5, y1\n"
         "  mov x6, y1\n  mov x6, y0\n  tuple x0, {x2, x3, x4, x5, x6}\n  ret x0\n",
         "{5, 5, 6, 5, 6}");
  // A jump to the second move of a pair skips the first.
  expect("func main/0 frame=3\n  loadi y0, 1\n  loadi y1, 2\n  loadi y2, 3\n  loadi x0, 0\n  loadi x1, 9\n"
         "  eq x0, x0, second\n  mov x1, y0\nsecond:\n  mov x2, y1\n  mov x3, y2\n"
         "  tuple x0, {x1, x2, x3}\n  ret x0\n",
         "{9, 2, 3}");
  // Values kept in Y slots across calls, as compiled code does it.
  expect("func main/0 frame=2\n  loadi x0, 3\n  loadi x1, 4\n  mov y0, x0\n  mov y1, x1\n"
         "  call x0, sq/1\n  mov x1, y1\n  mov x2, y0\n  tuple x0, {x0, x1, x2}\n  ret x0\n"
         "func sq/1\n  mul x0, x0, x0\n  loadi x1, 99\n  loadi x2, 98\n  ret x0\n",
         "{9, 4, 3}");
}

// The generic routines' fast paths, with the operands where a compiler
// keeps them: `op x0, A, B` with the right operand in a register loaded
// earlier (no fused constant form), both in Y slots, both read as a
// closure's upvalues, and a mix of an X and a Y operand. With `b` empty the
// instruction is unary (`op x0, A`).
std::vector<std::string> operand_kind_programs(const std::string& op, const std::string& a, const std::string& b = "") {
  const bool unary = b.empty();
  const std::string ops_x = unary ? "x3" : "x1, x3";
  const std::string ops_y = unary ? "y0" : "y0, y1";
  const std::string ops_u = unary ? "u0" : "u0, u1";
  const std::string load_b = unary ? "" : "  load x2, " + b + "\n";
  return {
      "func main/0\n  load x1, " + a + "\n" + load_b + "  mov x3, " + (unary ? "x1" : "x2") + "\n  " + op +
          " x0, " + ops_x + "\n  ret x0\n",
      "func main/0 frame=3\n  load y0, " + a + "\n" + (unary ? "" : "  load y1, " + b + "\n") + "  " + op +
          " y2, " + ops_y + "\n  mov x0, y2\n  ret x0\n",
      "func main/0\n  load x1, " + a + "\n" + load_b + "  fn x3, f/0, [x1" + (unary ? "" : ", x2") +
          "]\n  apply x0, x3\n  ret x0\nfunc f/0 upvals=" + (unary ? "1" : "2") + "\n  " + op + " x0, " + ops_u +
          "\n  ret x0\n",
      unary ? "func main/0\n  load x0, " + a + "\n  mov x1, x0\n  " + op + " x0, x1\n  ret x0\n"
            : "func main/0 frame=1\n  load x1, " + a + "\n  load y0, " + b + "\n  " + op + " x0, x1, y0\n  ret x0\n",
  };
}

// Sixteen entries is the largest flat map; one more makes a hash trie.
std::string map_of(int entries) {
  std::string m = "%{";
  for (int i = 0; i < entries; ++i) m += (i ? ", " : "") + std::to_string(i) + " => " + std::to_string(10 * i);
  return m + "}";
}

TEST_F(AsmEngine, GetAnyContainerWithIndexInAnyOperand) {
  struct Case {
    std::string container, index, want;
  } cases[] = {
      // tuples
      {"{5, 6, 7}", "0", "5"},
      {"{5, 6, 7}", "2", "7"},
      {"{5, 6, 7}", "3", "error: {:badindex, 3}"},
      {"{5, 6, 7}", "-1", "error: {:badindex, -1}"},
      {"{}", "0", "error: {:badindex, 0}"},
      // lists: the head, the n-th element, and every way to run off
      {"[4, 5, 6]", "0", "4"},
      {"[4, 5, 6]", "1", "5"},
      {"[4, 5, 6]", "2", "6"},
      {"[4, 5, 6]", "3", "error: {:badindex, 3}"},
      {"[4, 5, 6]", "-1", "error: {:badindex, -1}"},
      {"[4, 5, 6]", num(kMax), "error: {:badindex, " + num(kMax) + "}"},
      {"[4, 5, 6]", num(kMin), "error: {:badindex, " + num(kMin) + "}"},
      {"[4, 5, 6]", "1.0", "error: :badarg"},
      {"[4, 5, 6]", ":a", "error: :badarg"},
      {"[]", "0", "error: {:badindex, 0}"},
      // flat maps: immediate keys by exact equality, others through the helper
      {"%{a: 1, b: 2}", ":b", "2"},
      {"%{a: 1, b: 2}", ":a", "1"},
      {"%{a: 1, b: 2}", ":c", "error: {:badkey, :c}"},
      {"%{}", ":a", "error: {:badkey, :a}"},
      {"%{1 => :i, 1.0 => :f}", "1", ":i"},
      {"%{1 => :i, 1.0 => :f}", "1.0", ":f"},
      {"%{1 => :i}", "1.0", "error: {:badkey, 1.0}"},
      {"%{0.0 => :z}", "-0.0", "error: {:badkey, -0.0}"},
      {"%{-0.0 => :n, 0.0 => :z}", "-0.0", ":n"},
      {"%{[] => :none, :a => 1}", "[]", ":none"},
      {"%{{1} => :t, :a => 1}", "{1}", ":t"},
      {"%{[1] => :l}", "[1]", ":l"},
      {"%{\"k\" => :b}", "\"k\"", ":b"},
      {"%{\"k\" => :b}", "\"j\"", "error: {:badkey, \"j\"}"},
      {map_of(16), "15", "150"},
      {map_of(16), "16", "error: {:badkey, 16}"},
      {map_of(17), "16", "160"},
      {map_of(17), "17", "error: {:badkey, 17}"},
      // binaries
      {"\"AB\"", "0", "65"},
      {"\"AB\"", "1", "66"},
      {"\"A\\xFF\"", "1", "255"},
      {"\"AB\"", "2", "error: {:badindex, 2}"},
      {"\"AB\"", "-1", "error: {:badindex, -1}"},
      {"\"AB\"", "1.0", "error: :badarg"},
      {"\"\"", "0", "error: {:badindex, 0}"},
      // no container
      {":a", "0", "error: :badarg"},
      {"7", "0", "error: :badarg"},
      {"1.5", "0", "error: :badarg"},
  };
  for (const Case& c : cases)
    for (const std::string& prog : operand_kind_programs("get", c.container, c.index)) expect(prog, c.want);
}

TEST_F(AsmEngine, DropAnyContainerWithIndexInAnyOperand) {
  struct Case {
    std::string container, index, want;
  } cases[] = {
      {"[4, 5, 6]", "0", "[4, 5, 6]"},
      {"[4, 5, 6]", "1", "[5, 6]"},
      {"[4, 5, 6]", "3", "[]"},
      {"[4, 5, 6]", "4", "error: {:badindex, 4}"},
      {"[4, 5, 6]", "-1", "error: {:badindex, -1}"},
      {"[4, 5, 6]", num(kMin), "error: {:badindex, " + num(kMin) + "}"},
      {"[4, 5, 6]", "1.0", "error: :badarg"},
      {"[4, 5, 6]", "[]", "error: :badarg"},
      {"[]", "0", "[]"},
      {"[]", "1", "error: {:badindex, 1}"},
      {"{5, 6, 7}", "0", "{6, 7}"},
      {"{5, 6, 7}", "1", "{5, 7}"},
      {"{5, 6, 7}", "3", "error: {:badindex, 3}"},
      {"{5}", "0", "{}"},
      {"%{a: 1, b: 2}", ":a", "%{b: 2}"},
      {"%{a: 1}", ":c", "%{a: 1}"},
      {"\"ABC\"", "1", "\"BC\""},
      {"\"ABC\"", "3", "\"\""},
      {"\"ABC\"", "4", "error: {:badindex, 4}"},
      {":a", "0", "error: :badarg"},
      {"7", "0", "error: :badarg"},
  };
  for (const Case& c : cases)
    for (const std::string& prog : operand_kind_programs("drop", c.container, c.index)) expect(prog, c.want);
}

// Improper lists (built with cons: no literal spells them): walks stop at
// the first tail that is not a cell.
TEST_F(AsmEngine, ImproperListsInGetDropAndSize) {
  // x1 = [4, 5 | :t]
  const std::string build = "  loadc x1, :t\n  loadi x4, 5\n  cons x1, x4, x1\n  loadi x4, 4\n  cons x1, x4, x1\n";
  struct Case {
    std::string op, index, want;
  } cases[] = {
      {"get", "0", "4"},   {"get", "1", "5"},   {"get", "2", "error: {:badindex, 2}"},
      {"get", "3", "error: {:badindex, 3}"},    {"drop", "1", "[5 | :t]"},
      {"drop", "2", ":t"}, {"drop", "3", "error: {:badindex, 3}"},
  };
  for (const Case& c : cases) {
    expect("func main/0\n" + build + "  load x2, " + c.index + "\n  mov x3, x2\n  " + c.op + " x0, x1, x3\n  ret x0\n",
           c.want);
    expect("func main/0 frame=2\n" + build + "  mov y0, x1\n  load y1, " + c.index + "\n  " + c.op +
               " x0, y0, y1\n  ret x0\n",
           c.want);
  }
  expect("func main/0\n" + build + "  size x0, x1\n  ret x0\n", "error: :badarg");
  expect("func main/0\n" + build + "  type x0, x1\n  ret x0\n", ":list");
}

TEST_F(AsmEngine, PutOnTuplesAndMapsWithOperandsInRegisters) {
  struct Case {
    std::string container, key, value, want;
  } cases[] = {
      {"{5, 6, 7}", "0", ":a", "{:a, 6, 7}"},
      {"{5, 6, 7}", "2", "{}", "{5, 6, {}}"},
      {"{5}", "0", "1.5", "{1.5}"},
      {"{5, 6, 7}", "3", ":a", "error: {:badindex, 3}"},
      {"{5, 6, 7}", "-1", ":a", "error: {:badindex, -1}"},
      {"{5, 6, 7}", "1.0", ":a", "error: :badarg"},
      {"{}", "0", ":a", "error: {:badindex, 0}"},
      {"%{a: 1, b: 2}", ":a", "5", "%{a: 5, b: 2}"},
      {"%{a: 1, b: 2}", ":b", "2", "%{a: 1, b: 2}"},
      {"%{a: 1, b: 2}", ":c", "3", "%{a: 1, b: 2, c: 3}"},
      {"%{1 => :i, 1.0 => :f}", "1.0", ":g", "%{1 => :i, 1.0 => :g}"},
      {"%{1 => :i}", "1.0", ":f", "%{1 => :i, 1.0 => :f}"},
      {"%{0.0 => :z}", "-0.0", ":n", "%{-0.0 => :n, 0.0 => :z}"},
      {"%{{1} => :t}", "{1}", ":u", "%{{1} => :u}"},
      {"%{}", ":a", "1", "%{a: 1}"},
      {map_of(16), "3", "0", map_of(16).replace(map_of(16).find("3 => 30"), 7, "3 => 0")},
      {"[4, 5, 6]", "1", ":x", "[4, :x, 6]"},
      {"[]", "0", ":x", "error: {:badindex, 0}"},
      {":a", "0", ":x", "error: :badarg"},
  };
  for (const Case& c : cases) {
    // The original container stays as it was.
    const std::string tail = "  tuple x0, {x4, x1}\n  ret x0\n";
    const std::string want = c.want.rfind("error", 0) == 0 ? c.want : "{" + c.want + ", " + c.container + "}";
    expect("func main/0\n  load x1, " + c.container + "\n  load x2, " + c.key + "\n  load x3, " + c.value +
               "\n  mov x5, x2\n  put x4, x1, x5, x3\n" + tail,
           want);
    expect("func main/0 frame=4\n  load y0, " + c.container + "\n  load y1, " + c.key + "\n  load y2, " + c.value +
               "\n  put y3, y0, y1, y2\n  mov x4, y3\n  mov x1, y0\n" + tail,
           want);
  }
}

// Puts in a loop allocate enough to fill the heap's blocks: the inline
// allocation's slow path must keep the container, index and value.
TEST_F(AsmEngine, PutsAcrossHeapBlocks) {
  // step(N, T, M): T's element N mod 10 += N, M's key :k += 1.
  auto program = [](int n) {
    return "func main/0\n  load x0, " + std::to_string(n) +
           "\n  loadc x1, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0}\n"
           "  loadc x2, %{j: 0, k: 0}\n  tcall step/3\n"
           "func step/3\n  loadi x3, 0\n  loadi x4, 1\n  loadi x5, 10\n  loadc x9, :k\n"
           "loop:\n  eq x0, x3, done\n  mod x6, x0, x5\n  get x7, x1, x6\n  add x7, x7, x0\n  put x1, x1, x6, x7\n"
           "  get x7, x2, x9\n  add x7, x7, x4\n  put x2, x2, x9, x7\n  sub x0, x0, x4\n  jmp loop\n"
           "done:\n  tuple x0, {x1, x2}\n  ret x0\n";
  };
  auto want = [](int n) {
    std::string w = "{{";
    for (int r = 0; r < 10; ++r) {
      int64_t sum = 0;
      for (int64_t i = 1; i <= n; ++i)
        if (i % 10 == r) sum += i;
      w += (r ? ", " : "") + num(sum);
    }
    return w + "}, %{j: 0, k: " + std::to_string(n) + "}}";
  };
  expect(program(300), want(300));  // both engines, with and without GC stress
  // Enough to fill several blocks (no stress: that would collect 120000 times).
  Outcome o = run(program(60000), EngineKind::Asm, false, size_t{1} << 20);
  EXPECT_EQ(o.value, want(60000));
  EXPECT_GT(o.collections, 0u);
}

// shl/shr by counts in registers, against the definition in
// docs/bytecode.md: a negative count shifts the other way, right shifts
// floor and saturate at 63, a left shift out of 48 bits builds a big
// integer (GMP computes the expected value), past 2^26 bits system_limit.
TEST_F(AsmEngine, ShiftsAgainstTheirDefinition) {
  auto shl = [](int64_t v, int64_t n) -> std::string {
    if (n <= 0) return num(v >> std::min<int64_t>(-n, 63));
    if (v == 0) return "0";
    if (n >= (int64_t{1} << 26)) return "error: :system_limit";
    mpz_t r;
    mpz_init_set_si(r, v);
    mpz_mul_2exp(r, r, static_cast<mp_bitcnt_t>(n));
    std::string text(mpz_sizeinbase(r, 10) + 2, '\0');
    mpz_get_str(text.data(), 10, r);
    mpz_clear(r);
    return text.c_str();
  };
  const int64_t values[] = {0, 1, -1, 5, -5, 12345, -12345, kMax, kMin, int64_t{1} << 46, -(int64_t{1} << 46)};
  const int64_t counts[] = {0, 1, 2, 3, 15, 16, 17, 30, 46, 47, 48, 49, 63, 64, 100, -1, -2, -16, -46, -47, -48, -63,
                            -64, -100, kMax, kMin, kMin + 1};
  for (int64_t v : values) {
    for (int64_t n : counts) {
      expect(operand_kind_programs("shl", num(v), num(n))[0], shl(v, n));
      expect(operand_kind_programs("shr", num(v), num(n))[0], n == kMin ? shl(v, kMax) : shl(v, -n));
    }
  }
  for (const std::string& prog : operand_kind_programs("shl", "3", "4")) expect(prog, "48");
  for (const std::string& prog : operand_kind_programs("shr", "-9", "1")) expect(prog, "-5");
  for (const std::string& prog : operand_kind_programs("shl", "1.0", "1")) expect(prog, "error: :badarith");
  for (const std::string& prog : operand_kind_programs("shr", "8", "1.0")) expect(prog, "error: :badarith");
  for (const std::string& prog : operand_kind_programs("shl", ":a", "1")) expect(prog, "error: :badarith");
}

TEST_F(AsmEngine, NegAndNot) {
  struct Case {
    std::string op, operand, want;
  } cases[] = {
      {"neg", "0", "0"},
      {"neg", "5", "-5"},
      {"neg", "-5", "5"},
      {"neg", num(kMax), num(-kMax)},
      {"neg", num(kMin + 1), num(kMax)},
      {"neg", num(kMin), "140737488355328"},
      {"neg", "1.5", "-1.5"},
      {"neg", "0.0", "-0.0"},
      {"neg", "-0.0", "0.0"},
      {"neg", "-1.0e308", "1.0e308"},
      {"neg", "5.0e-324", "-5.0e-324"},
      {"neg", ":a", "error: :badarith"},
      {"neg", "[]", "error: :badarith"},
      {"neg", "{1}", "error: :badarith"},
      {"not", "0", "-1"},
      {"not", "-1", "0"},
      {"not", "5", "-6"},
      {"not", num(kMax), num(kMin)},
      {"not", num(kMin), num(kMax)},
      {"not", "true", "false"},
      {"not", "false", "true"},
      {"not", ":a", "error: :badarg"},
      {"not", "1.0", "error: :badarg"},
      {"not", "[]", "error: :badarg"},
  };
  for (const Case& c : cases)
    for (const std::string& prog : operand_kind_programs(c.op, c.operand)) expect(prog, c.want);
}

TEST_F(AsmEngine, MixedNumbersInAnyOperand) {
  struct Case {
    const char *op, *a, *b, *want;
  } cases[] = {
      {"add", "1", "0.5", "1.5"},
      {"add", "0.5", "1", "1.5"},
      {"add", "-0.0", "0", "0.0"},
      {"add", "0", "-0.0", "0.0"},
      {"sub", "-0.0", "0", "-0.0"},
      {"sub", "0", "0.0", "0.0"},
      {"mul", "0", "-1.5", "-0.0"},
      {"mul", "-3", "0.5", "-1.5"},
      {"mul", "140737488355327", "1.0", "140737488355327.0"},
      {"mul", "-140737488355328", "1.0e300", "error: :badarith"},
      {"div", "1", "4.0", "0.25"},
      {"div", "1.0", "4", "0.25"},
      {"div", "1", "0.0", "error: :badarith"},
      {"div", "1.5", "0", "error: :badarith"},
      {"div", "0", "-0.0", "error: :badarith"},
      {"div", "5.0e-324", "2", "0.0"},
      {"mod", "7", "2.5", "2.0"},
      {"add", "1", ":a", "error: :badarith"},
      {"add", "1.5", "[]", "error: :badarith"},
      {"sub", "{}", "1.5", "error: :badarith"},
  };
  for (const Case& c : cases)
    for (const std::string& prog : operand_kind_programs(c.op, c.a, c.b)) expect(prog, c.want);
}

TEST_F(AsmEngine, MixedNumberCompares) {
  struct Case {
    std::string a, op, b;
    bool holds;
  } cases[] = {
      {"1", "lt", "1.5", true},   {"1.5", "lt", "1", false},   {"2", "gt", "1.5", true},
      {"3", "gte", "3.0", true},  {"3.0", "lte", "3", true},   {"2", "ne", "2.0", false},
      {"2", "eq", "2.0", true},   {"0", "eq", "-0.0", true},   {"-0.0", "eq", "0", true},
      {"0", "lt", "-0.0", false}, {"-0.0", "gt", "0", false},  {"-1", "lt", "-0.5", true},
      {num(kMax), "lt", "140737488355327.5", true},            {num(kMin), "gt", "-140737488355328.5", true},
      {num(kMax), "eq", "140737488355327.0", true},            {"1", "lt", ":a", true},
      {"1.5", "gt", "[]", false}, {"1", "eq", "{1}", false},
  };
  for (const Case& c : cases) {
    const std::string want = c.holds ? ":yes" : ":no";
    const std::string tail = "  loadc x0, :no\n  ret x0\nyes:\n  loadc x0, :yes\n  ret x0\n";
    expect("func main/0\n  load x1, " + c.a + "\n  load x2, " + c.b + "\n  mov x3, x2\n  " + c.op + " x1, x3, yes\n" + tail,
           want);
    expect("func main/0 frame=2\n  load y0, " + c.a + "\n  load y1, " + c.b + "\n  " + c.op + " y0, y1, yes\n" + tail,
           want);
  }
}

TEST_F(AsmEngine, SizeAndTypeOfEveryKind) {
  struct Case {
    std::string term, size, type;
  } cases[] = {
      {"{}", "0", ":tuple"},
      {"{1, 2, 3}", "3", ":tuple"},
      {"%{}", "0", ":map"},
      {"%{:a => 1, :b => 2}", "2", ":map"},
      {map_of(16), "16", ":map"},
      {map_of(17), "17", ":map"},
      {"\"\"", "0", ":binary"},
      {"\"abc\"", "3", ":binary"},
      {"[]", "0", ":list"},
      {"[1]", "1", ":list"},
      {"[1, 2, 3]", "3", ":list"},
      {":a", "error: :badarg", ":atom"},
      {"true", "error: :badarg", ":atom"},
      {"7", "error: :badarg", ":integer"},
      {num(kMin), "error: :badarg", ":integer"},
      {"1.5", "error: :badarg", ":float"},
      {"-0.0", "error: :badarg", ":float"},
      {"-1.0e308", "error: :badarg", ":float"},
  };
  for (const Case& c : cases) {
    for (const std::string& prog : operand_kind_programs("size", c.term)) expect(prog, c.size);
    for (const std::string& prog : operand_kind_programs("type", c.term)) expect(prog, c.type);
  }
  expect("func main/0\n  fn x1, f/0\n  type x0, x1\n  ret x0\nfunc f/0\n  loadi x0, 0\n  ret x0\n", ":function");
  expect("func main/0\n  fn x1, f/0\n  size x0, x1\n  ret x0\nfunc f/0\n  loadi x0, 0\n  ret x0\n", "error: :badarg");
}

// Divisors and atoms held in registers loaded once (known_operands.cpp's
// forms div_k .. rem_k, div_kl .. rem_kl for divisors past 2^17, eq_atom,
// ne_atom): exact floored and truncated results over the whole
// small-integer range, every kind of left operand, and the generic
// instruction whenever the fast path does not apply.
TEST_F(AsmEngine, KnownDivisorsInRegisters) {
  auto floor_div = [](int64_t n, int64_t d) { return n / d - (n % d != 0 && (n < 0) != (d < 0)); };
  std::vector<int64_t> divisors = {2,      3,      7,       10,         641,        32767,      65536,
                                   131072, 131073, 139968,  int64_t{1} << 20, 999983, 1000000007, 2147483647,
                                   (int64_t{1} << 40) + 7, int64_t{1} << 46, kMax - 1, kMax};
  // A divisor of every bit length the shifted reciprocal serves (18 .. 47),
  // its low bits spread.
  for (int bits = 18; bits <= 47; ++bits) {
    const int64_t top = int64_t{1} << (bits - 1);
    divisors.push_back(top + static_cast<int64_t>((static_cast<uint64_t>(bits) * 0x9E3779B97F4A7C15ull) % static_cast<uint64_t>(top)));
  }
  for (int64_t d : divisors) {
    // The divisor in x9 and in y0, loaded once; the dividends loaded into x0.
    std::string body = "func main/0 frame=1\n  load x9, " + num(d) + "\n  mov y0, x9\n  loadc x3, []\n";
    std::string want;
    std::vector<int64_t> dividends = {0, 1, -1, kMax, kMin, kMax - 1, kMin + 1, d, -d, d - 1, 1 - d, d + 1, -d - 1};
    for (int64_t m : {kMax / d, kMin / d, int64_t{-987654321}}) {
      int64_t multiple;
      if (__builtin_mul_overflow(m, d, &multiple)) continue;  // far outside the small range anyway
      for (int64_t off : {-1, 0, 1})
        if (multiple + off >= kMin && multiple + off <= kMax) dividends.push_back(multiple + off);
    }
    for (int64_t n : dividends) {
      body += "  load x0, " + num(n) + "\n  div x2, x0, x9\n  cons x3, x2, x3\n  mod x2, x0, y0\n  cons x3, x2, x3\n" +
              "  idiv x2, x0, y0\n  cons x3, x2, x3\n  rem x2, x0, x9\n  cons x3, x2, x3\n";
      const int64_t q = floor_div(n, d);
      want = num(n % d) + ", " + num(n / d) + ", " + num(n - q * d) + ", " + num(q) + (want.empty() ? "" : ", ") + want;
    }
    expect(body + "  mov x0, x3\n  ret x0\n", "[" + want + "]");
  }
  // Dividends the fast path leaves to the generic instruction.
  struct Case {
    const char *dividend, *op, *want;
  } cases[] = {
      {"7.5", "div", "2.5"},    {"-7.5", "mod", "1.5"}, {":a", "div", "error: :badarith"},
      {"[]", "mod", "error: :badarith"}, {"{1}", "div", "error: :badarith"},
      {"7.5", "idiv", "error: :badarith"}, {"-7.5", "rem", "error: :badarith"}, {":a", "idiv", "error: :badarith"},
      {"[]", "rem", "error: :badarith"},
      {"-0x1_0000_0000_0000_0001", "idiv", "-6148914691236517205"}, {"0x1_0000_0000_0000_0001", "rem", "2"},
  };
  for (const Case& c : cases)
    expect(std::string("func main/0 frame=1\n  loadi y0, 3\n  load x1, ") + c.dividend + "\n  " + c.op +
               " x0, x1, y0\n  ret x0\n",
           c.want);
  // The same with a divisor past 2^17 (the _kl forms).
  const Case large[] = {
      {"279936.5", "div", "2.0000035722450846"}, {"-279936.5", "mod", "139967.5"}, {":a", "div", "error: :badarith"},
      {"[]", "mod", "error: :badarith"},        {"7.5", "idiv", "error: :badarith"}, {":a", "rem", "error: :badarith"},
      {"0x1_0000_0000_0000_0001", "idiv", "131792581688025"}, {"-0x1_0000_0000_0000_0001", "rem", "-68417"},
  };
  for (const Case& c : large)
    expect(std::string("func main/0 frame=1\n  load y0, 139968\n  load x1, ") + c.dividend + "\n  " + c.op +
               " x0, x1, y0\n  ret x0\n",
           c.want);
}

TEST_F(AsmEngine, ComparesWithAtomsInRegisters) {
  struct Case {
    std::string left, right;
    bool equal;
  } cases[] = {
      {":a", ":a", true},  {":b", ":a", false}, {"[]", ":a", false}, {"1", ":a", false},    {"1.5", ":a", false},
      {"{:a}", ":a", false}, {"[:a]", ":a", false}, {"\"a\"", ":a", false}, {"[]", "[]", true}, {"[1]", "[]", false},
      {"{}", "[]", false}, {"0", "[]", false}, {"-0.0", "[]", false}, {"true", "true", true}, {"false", "true", false},
  };
  for (const Case& c : cases) {
    for (const char* op : {"eq", "ne"}) {
      const bool holds = (std::string(op) == "eq") == c.equal;
      const std::string tail = "  loadc x0, :no\n  ret x0\nyes:\n  loadc x0, :yes\n  ret x0\n";
      // The constant in a Y slot kept across a call, on either side.
      expect("func main/0 frame=1\n  load y0, " + c.right + "\n  load x0, " + c.left + "\n  call x0, id/1\n  " + op +
                 " x0, y0, yes\n" + tail + "func id/1\n  ret x0\n",
             holds ? ":yes" : ":no");
      expect("func main/0\n  load x1, " + c.right + "\n  load x0, " + c.left + "\n  mov x2, x0\n  " + op +
                 " x1, x2, yes\n" + tail,
             holds ? ":yes" : ":no");
    }
  }
}

// A safe point may set a register outside the instruction's live mask to
// []. The verifier rejects any read of such a register (it is not defined
// there), so the known-operand pass, which forgets those registers, is never
// the only guard: a constant kept in the mask stays usable on both engines,
// normally and under GC stress.
TEST_F(AsmEngine, SafePointsForgetRegistersOutsideTheirMask) {
  const std::string reads_forgotten =
      "func main/0\n  loadi x1, 3\n  loadc x2, :k\n  loadi x0, 7\n  tuple x3, {x0} live=0x1\n"
      "  eq x2, x4, nil\n  div x0, x0, x1\n  ret x0\nnil:\n  loadc x0, :forgotten\n  ret x0\n";
  for (EngineKind engine : {EngineKind::Portable, EngineKind::Asm}) {
    const std::string value = run(reads_forgotten, engine, false, size_t{1} << 20).value;
    EXPECT_NE(value.find("x2 is read but not defined on every path here (defined: x0, x3)"), std::string::npos)
        << engine_name(engine) << ": " << value;
  }
  const std::string divides =
      "func main/0\n  loadi x1, 3\n  loadi x0, 7\n  tuple x3, {x0} live=0x3\n  div x0, x0, x1\n  ret x0\n";
  for (EngineKind engine : {EngineKind::Portable, EngineKind::Asm}) {
    EXPECT_EQ(run(divides, engine, false, size_t{1} << 20).value, "2") << engine_name(engine);
    EXPECT_EQ(run(divides, engine, true, size_t{1} << 20).value, "2") << engine_name(engine);
  }
}

// The operand-kind variants (insn.h): every combination of X registers and
// Y slots for the destination and both operands, on fast and slow paths.
TEST_F(AsmEngine, EveryCombinationOfOperandKinds) {
  struct Case {
    const char *op, *b, *c, *want;
  } cases[] = {
      {"add", "40", "2", "42"},        {"add", "140737488355327", "1", "140737488355328"},
      {"add", "1.5", "2", "3.5"},      {"sub", "40", "2", "38"},
      {"sub", "1", ":a", "error: :badarith"}, {"mul", "6", "7", "42"},
      {"mul", "0.5", "0.5", "0.25"},   {"div", "-7", "2", "-4"},
      {"div", "7", "0", "error: :badarith"}, {"mod", "-7", "2", "1"},
      {"shl", "3", "4", "48"},         {"shr", "-9", "1", "-5"},
      {"and", "12", "10", "8"},        {"or", "12", "10", "14"},
      {"xor", "true", "false", "true"}, {"xor", "12", "10", "6"},
      {"get", "{5, 6, 7}", "1", "6"},  {"get", "[5, 6, 7]", "2", "7"},
      {"get", "{5}", "1", "error: {:badindex, 1}"}, {"drop", "[5, 6, 7]", "1", "[6, 7]"},
      {"drop", "[5, 6, 7]", "2", "[7]"}, {"drop", "{5, 6}", "0", "{6}"},
      {"cons", "1", "[2]", "[1, 2]"},  {"cons", "{}", "3", "[{} | 3]"},
  };
  for (const Case& c : cases) {
    for (int kinds = 0; kinds < 8; ++kinds) {
      // Bit 2: the destination is y2, bit 1: b is y0, bit 0: c is y1.
      const std::string dst = kinds & 4 ? "y2" : "x3", b = kinds & 2 ? "y0" : "x1", cc = kinds & 1 ? "y1" : "x2";
      const std::string src = "func main/0 frame=3\n  load " + b + ", " + c.b + "\n  load " + cc + ", " + c.c + "\n  " +
                              c.op + " " + dst + ", " + b + ", " + cc + "\n  mov x0, " + dst + "\n  ret x0\n";
      expect(src, c.want);
    }
  }
  struct Compare {
    const char *op, *a, *b;
    bool holds;
  } compares[] = {
      {"eq", "1", "1", true},  {"eq", "1", "1.0", true}, {"ne", ":a", ":b", true}, {"lt", "1", "2", true},
      {"lt", "2.5", "1", false}, {"gt", ":a", "1", true}, {"lte", "[]", "[]", true}, {"gte", "{1}", "{2}", false},
  };
  for (const Compare& c : compares) {
    for (int kinds = 0; kinds < 4; ++kinds) {
      const std::string a = kinds & 2 ? "y0" : "x1", b = kinds & 1 ? "y1" : "x2";
      const std::string src = "func main/0 frame=2\n  load " + a + ", " + c.a + "\n  load " + b + ", " + c.b + "\n  " +
                              c.op + " " + a + ", " + b + ", yes\n  loadc x0, :no\n  ret x0\nyes:\n  loadc x0, :yes\n"
                              "  ret x0\n";
      expect(src, c.holds ? ":yes" : ":no");
    }
  }
}

// Indexes and constants held in registers loaded once: hd (get with 0),
// tl (drop with 1), add_xk/sub_xk/mul_xk, on every container and value and
// at every boundary, the constant register in X or in Y.
TEST_F(AsmEngine, KnownIndexesAndConstantsInRegisters) {
  struct Access {
    const char *op, *container, *want;
  } accesses[] = {
      {"get", "[4, 5]", "4"},        {"get", "{7, 8}", "7"},       {"get", "{}", "error: {:badindex, 0}"},
      {"get", "[]", "error: {:badindex, 0}"}, {"get", "%{0 => :z}", ":z"}, {"get", "\"AB\"", "65"},
      {"get", ":a", "error: :badarg"}, {"get", "1.5", "error: :badarg"},
      {"drop", "[4, 5]", "[5]"},     {"drop", "[4]", "[]"},        {"drop", "[]", "error: {:badindex, 1}"},
      {"drop", "{7, 8}", "{7}"},     {"drop", "\"AB\"", "\"B\""},   {"drop", "%{1 => :one}", "%{}"},
      {"drop", "7", "error: :badarg"},
  };
  for (const Access& c : accesses) {
    const char* index = std::string(c.op) == "get" ? "0" : "1";
    // X index register loaded before a loop head; Y index slot across a call.
    expect(std::string("func main/0\n  loadi x9, ") + index + "\n  load x1, " + c.container +
               "\n  jmp go\ngo:\n  " + c.op + " x0, x1, x9\n  ret x0\n",
           c.want);
    expect(std::string("func main/0 frame=2\n  loadi y0, ") + index + "\n  load x0, " + c.container +
               "\n  call x0, id/1\n  " + c.op + " y1, x0, y0\n  mov x0, y1\n  ret x0\nfunc id/1\n  ret x0\n",
           c.want);
  }
  struct Arith {
    std::string op, b, k, want;
  } ariths[] = {
      {"add", "40", "2", "42"},
      {"add", num(kMax - 5), "5", num(kMax)},
      {"add", num(kMax - 5), "6", "140737488355328"},
      {"add", num(kMin), num(kMax), "-1"},
      {"add", "1.5", "2", "3.5"},
      {"add", ":a", "2", "error: :badarith"},
      {"sub", "40", "2", "38"},
      {"sub", num(kMin + 2), "2", num(kMin)},
      {"sub", num(kMin + 2), "3", "-140737488355329"},
      {"sub", "0", num(kMin), "140737488355328"},
      {"sub", "-1", num(kMin), num(kMax)},
      {"mul", "6", "7", "42"},
      {"mul", "-6", "-7", "42"},
      {"mul", num(int64_t{1} << 46), "2", "140737488355328"},
      {"mul", num(-(int64_t{1} << 46)), "2", num(kMin)},
      {"mul", num(kMin), "-1", "140737488355328"},
      {"mul", "3", num(kMax), "422212465065981"},
      {"mul", "0", num(kMax), "0"},
      {"mul", "2.5", "2", "5.0"},
      {"mul", "[]", "2", "error: :badarith"},
  };
  for (const Arith& c : ariths) {
    // The constant in x9, loaded once, read in a loop body (the head is
    // reached from two places).
    expect("func main/0\n  load x9, " + c.k + "\n  load x1, " + c.b + "\n  loadi x2, 0\n  loadi x0, 0\nhead:\n  loadi x3, 1\n  eq x2, x3, done\n  " + c.op +
               " x0, x1, x9\n  mov x2, x3\n  jmp head\ndone:\n  ret x0\n",
           c.want);
  }
}

// Pairs run in one dispatch (fusion.cpp, fuse_pairs): a list's head and
// tail from one register, in either order, and a constant step followed by
// a compare of its result. Every fall-back runs the instructions on their
// own, raising where they would.
TEST_F(AsmEngine, HeadTailAndStepComparePairs) {
  struct Case {
    const char *list, *want;
  } lists[] = {
      {"[4, 5, 6]", "{4, [5, 6]}"}, {"[4]", "{4, []}"}, {"{7, 8}", "{7, {7}}"},
      {"[]", "error: {:badindex, 0}"}, {"\"AB\"", "{65, \"B\"}"}, {":a", "error: :badarg"},
  };
  for (const Case& c : lists) {
    // x7 = 0 and x8 = 1 loaded once: hd then tl, and tl then hd.
    const std::string head = std::string("func main/0\n  loadi x7, 0\n  loadi x8, 1\n  load x0, ") + c.list + "\n  jmp go\ngo:\n";
    expect(head + "  get x1, x0, x7\n  drop x2, x0, x8\n  tuple x0, {x1, x2}\n  ret x0\n", c.want);
    const std::string swapped = c.want == std::string("error: {:badindex, 0}") ? "error: {:badindex, 1}" : c.want;
    expect(head + "  drop x2, x0, x8\n  get x1, x0, x7\n  tuple x0, {x1, x2}\n  ret x0\n", swapped);
  }
  // The first writes the list's register: no pair, the second reads the new value.
  expect("func main/0\n  loadi x7, 0\n  loadi x8, 1\n  load x0, [[1, 2], 3]\n  jmp go\ngo:\n  get x0, x0, x7\n"
         "  drop x0, x0, x8\n  ret x0\n",
         "[2]");
  // A jump to the second of a pair runs it alone.
  expect("func main/0\n  loadi x7, 0\n  loadi x8, 1\n  load x0, [1, 2]\n  loadi x1, 9\n  eq x7, x7, second\n"
         "  get x1, x0, x7\nsecond:\n  drop x2, x0, x8\n  tuple x0, {x1, x2}\n  ret x0\n",
         "{9, [2]}");
  // Counting loops closed by a jump: sum(i for i in 0..n) with the step
  // compared on either side, up and down, and fall-backs.
  const char* up = "func main/0\n  loadi x1, 1\n  load x2, N\n  loadi x0, 0\n  loadi x3, 0\nloop:\n  add x3, x3, x0\n"
                   "  add x0, x0, x1\n  CMP\n  ret x3\n";
  struct Loop {
    const char *bound, *cmp, *want;
  } loops[] = {
      {"100", "lte x0, x2, loop", "5050"}, {"100", "gte x2, x0, loop", "5050"}, {"100", "ne x0, x2, loop", "4950"},
      {"100", "lt x0, x2, loop", "4950"},  {"100", "gt x2, x0, loop", "4950"},  {"0", "eq x0, x2, loop", "0"},
      {"100.5", "lt x0, x2, loop", "5050"},  // a float bound: the compare runs alone
  };
  for (const Loop& l : loops) {
    std::string src = up;
    src.replace(src.find("N"), 1, l.bound);
    src.replace(src.find("CMP"), 3, l.cmp);
    expect(src, l.want);
  }
  // Down, by sub; the step leaves the small range at the bottom: the sub
  // builds big integers and the compare goes on with them.
  expect("func main/0\n  loadi x1, 3\n  load x0, 30\n  loadi x2, 0\n  loadi x3, 0\nloop:\n  add x3, x3, x0\n"
         "  sub x0, x0, x1\n  gt x0, x2, loop\n  tuple x0, {x0, x3}\n  ret x0\n",
         "{0, 165}");
  expect("func main/0\n  loadi x1, 1\n  load x0, -140737488355326\n  load x2, -140737488355330\nloop:\n"
         "  sub x0, x0, x1\n  lt x2, x0, loop\n  ret x0\n",
         "-140737488355330");
  // A float in the stepped register: the generic add, then the compare.
  expect("func main/0\n  loadi x1, 1\n  load x0, 0.5\n  loadi x2, 3\nloop:\n  add x0, x0, x1\n  lt x0, x2, loop\n"
         "  ret x0\n",
         "3.5");
}

// The routines are built a group at a time, when a program first needs one
// (asm_engine.cpp): the tests above build the groups in whatever order their
// programs reach them. Building the rest must give every internal opcode a
// routine, each built by exactly one group (a second one aborts), and the
// routines built late must run like the others.
TEST_F(AsmEngine, EveryOpcodeGetsARoutineWhenItsGroupIsBuilt) {
  EXPECT_EQ(asm_build_every_routine(), kNumIOps);
  expect("func main/0 frame=1\n  loadi x1, 6\n  loadi x2, 7\n  mul y0, x1, x2\n  tuple x0, {y0, x1}\n"
         "  loadi x1, 0\n  get x0, x0, x1\n  ret x0\n",
         "42");
}

}  // namespace
}  // namespace lzr

// bif-calls: map.get/3 and map.has_key/2 through bif run in line on flat
// maps with an immediate key; everything else takes the call. Every case
// with X and with Y operands, the engines agreeing (GC stress too), and
// the other registers kept.
namespace lzr {
namespace {

TEST_F(AsmEngine, BuiltinMapLookupsInLineAndThroughTheCall) {
  struct Case {
    std::string map, key, get, has;
  } cases[] = {
      {"%{a: 1, b: 2}", ":a", "1", "true"},
      {"%{a: 1, b: 2}", ":b", "2", "true"},
      {"%{a: 1, b: 2}", ":c", ":dflt", "false"},
      {"%{}", ":a", ":dflt", "false"},
      {"%{1 => :i, 1.0 => :f}", "1.0", ":f", "true"},
      {"%{1 => :i}", "1.0", ":dflt", "false"},
      {"%{0.0 => :z}", "-0.0", ":dflt", "false"},
      {"%{[] => :empty, true => :t}", "[]", ":empty", "true"},
      {"%{{1} => :t}", "{1}", ":t", "true"},            // a boxed key: the call
      {"%{\"k\" => 1}", "\"k\"", "1", "true"},
      {"%{[1] => 1}", "[2]", ":dflt", "false"},          // a cons key: the call
      {map_of(16), "15", "150", "true"},                 // the largest flat map
      {map_of(17), "16", "160", "true"},                 // a trie: the call
      {map_of(17), "17", ":dflt", "false"},
  };
  // One program runs every case (with X operands, then with Y operands),
  // collecting {get, has_key} per case in a list; x9 must survive them all.
  std::string with_x = "func main/0\n  load x9, :kept\n  load x20, []\n";
  std::string with_y = "func main/0 frame=4\n  load x9, :kept\n  load x20, []\n";
  std::string want = "[]";
  for (const Case& c : cases) {
    with_x += "  load x1, " + c.map + "\n  load x2, " + c.key + "\n  load x3, :dflt\n" +
              "  bif x4, map.get/3, [x1, x2, x3]\n  bif x5, map.has_key/2, [x1, x2]\n" +
              "  tuple x4, {x4, x5}\n  cons x20, x4, x20\n";
    with_y += "  load y0, " + c.map + "\n  load y1, " + c.key + "\n  load y2, :dflt\n" +
              "  bif y3, map.get/3, [y0, y1, y2]\n  bif x5, map.has_key/2, [y0, y1]\n" +
              "  tuple x4, {y3, x5}\n  cons x20, x4, x20\n";
    want = "[{" + c.get + ", " + c.has + "}" + (want == "[]" ? "]" : ", " + want.substr(1));
  }
  for (std::string* program : {&with_x, &with_y}) {
    *program += "  tuple x0, {x20, x9}\n  ret x0\n";
    expect(*program, "{" + want + ", :kept}");
  }
  // A non-map raises badarg, as through call.
  for (const char* bad : {"{1, 2}", "[]"}) {
    expect(std::string("func main/0\n  load x1, ") + bad + "\n  bif x0, map.get/3, [x1, x1, x1]\n  ret x0\n",
           "error: :badarg");
    expect(std::string("func main/0 frame=1\n  load y0, ") + bad + "\n  bif x0, map.has_key/2, [y0, y0]\n  ret x0\n",
           "error: :badarg");
  }
}

// Any other built-in through bif and gcbif, with its error and trace.
TEST_F(AsmEngine, BuiltinCallsThroughTheHelper) {
  expect("func main/0\n  load x1, 2\n  load x2, 1.0\n  bif x0, kernel.compare/2, [x1, x2]\n  ret x0\n", "1");
  expect("func main/0 frame=1\n  load y0, 9\n  bif x0, math.sqrt/1, [y0]\n  ret x0\n", "3.0");
  expect("func main/0\n  load x1, -1\n  bif x0, math.sqrt/1, [x1]\n  ret x0\n", "error: :badarith");
  expect("func main/0\n  load x1, [1, 2, 3]\n  load x2, {:t}\n  gcbif x0, list.reverse/1, [x1]\n"
         "  tuple x0, {x0, x1, x2}\n  ret x0\n",
         "{[3, 2, 1], [1, 2, 3], {:t}}");
  expect("func main/0\n  load x1, :a\n  gcbif x0, tuple.to_list/1, [x1]\n  ret x0\n", "error: :badarg");
}

}  // namespace
}  // namespace lzr

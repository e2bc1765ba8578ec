// Every instruction form assembles to the expected words. Expected words are
// written out as numbers (not through the encoder) so that an encoder bug
// cannot hide behind itself.
#include <gtest/gtest.h>

#include <set>

#include "asm_test_util.h"
#include "format/opcodes.h"

namespace lzr {
namespace {

using test::code_of;
using Words = std::vector<uint32_t>;

// Register encodings: R = type << 6 | index, R6 = (y ? 32 : 0) | index.
constexpr uint32_t x(uint32_t i) { return i; }
constexpr uint32_t y(uint32_t i) { return 0x40 | i; }
constexpr uint32_t u(uint32_t i) { return 0x80 | i; }
constexpr uint32_t y6(uint32_t i) { return 32 | i; }
constexpr uint32_t ret_x0 = 0x00000001;

// op | a << 8 | b << 16 | c << 24 (R/R/R and R/16-bit layouts)
constexpr uint32_t w3(uint32_t op, uint32_t a, uint32_t b, uint32_t c = 0) { return op | a << 8 | b << 16 | c << 24; }
// op | four R6 fields at bits 8, 14, 20, 26
constexpr uint32_t w6(uint32_t op, uint32_t a, uint32_t b = 0, uint32_t c = 0, uint32_t d = 0) {
  return op | a << 8 | b << 14 | c << 20 | d << 26;
}
// compare-jump: lhs, rhs, 12-bit offset at bit 20
constexpr uint32_t wj(uint32_t op, uint32_t a, uint32_t b, int32_t off) {
  return op | a << 8 | b << 14 | (static_cast<uint32_t>(off) & 0xFFF) << 20;
}

std::set<std::string>& covered() {
  static std::set<std::string> names;
  return names;
}

// `line` then `ret y0` (a Y slot stays defined whatever the line's live=
// mask kills), in func f/0 of module t (pool: 0 :t, 1 :f, then
// the line's literal at 2). Live masks are pinned with live= where the
// instruction allocates, so these tests are about layout only.
void expect_words(const std::string& mnemonic, const std::string& line, Words want) {
  covered().insert(mnemonic);
  want.push_back(w3(1, y(0), 0));
  EXPECT_EQ(code_of("  " + line + "\n  ret y0\n"), want) << line;
}

void form_Moves() {
  expect_words("mov", "mov x1, x2", {w3(0, x(1), x(2), x(1))});
  expect_words("mov", "mov x1, u2, y3", {w3(0, x(1), u(2), y(3))});
  expect_words("mov", "mov y31, x31", {w3(0, y(31), x(31), y(31))});
}

void form_RetCallTcall() {
  covered().insert("ret");
  EXPECT_EQ(code_of("  ret y0\n"), (Words{w3(1, y(0), 0)}));
  EXPECT_EQ(code_of("  ret u2\n"), (Words{w3(1, u(2), 0)}));
  expect_words("call", "call x3, f/0", {w3(2, x(3), 2)});
  expect_words("call", "call y0, io.print/1", {w3(2, y(0), 2)});
  expect_words("call", "call x0, :\"f/0\"", {w3(2, x(0), 2)});
  expect_words("call", "call x0, t.f/0", {w3(2, x(0), 2)});
  covered().insert("tcall");
  EXPECT_EQ(code_of("  tcall f/0\n"), (Words{w3(34, 0, 2)}));
}

void form_TermAccess() {
  expect_words("get", "get x1, x2, x3", {w3(3, x(1), x(2), x(3))});
  expect_words("drop", "drop y1, u0, x2", {w3(4, y(1), u(0), x(2))});
  expect_words("put", "put x1, x2, y3, x4 live=0x10", {w6(5, x(1), x(2), y6(3), x(4)), 0x10});
  expect_words("cons", "cons x1, x2, y3 live=0", {w3(35, x(1), x(2), y(3)), 0});
  expect_words("type", "type x1, u1", {w3(38, x(1), u(1), 0)});
  expect_words("size", "size y0, x9", {w3(39, y(0), x(9), 0)});
  expect_words("apply", "apply x0, y5", {w3(37, x(0), y(5), 0)});
}

void form_Constructors() {
  expect_words("tuple", "tuple x0, {} live=0", {w3(9, x(0), 0), 0});
  expect_words("tuple", "tuple x0, {x1, y2} live=0x2", {w3(9, x(0), 2), 0x2, w6(6, x(1), y6(2))});
  expect_words("tuple", "tuple y1, {x1, x2, x3, x4, x5} live=0",
               {w3(9, y(1), 5), 0, w6(6, 1, 2, 3, 4), w6(6, 5)});
  expect_words("list", "list x3, [x0, x1, x2, x3] live=0", {w3(8, x(3), 4), 0, w6(6, 0, 1, 2, 3)});
  expect_words("list", "list x3, [] live=0", {w3(8, x(3), 0), 0});
  expect_words("map", "map x1, %{x2 => x3, x4 => y5} live=0",
               {w3(7, x(1), 2), 0, w6(6, x(2), x(3), x(4), y6(5))});
  expect_words("map", "map x1, %{x2 => x3, x4 => x5, x6 => x7} live=0",
               {w3(7, x(1), 3), 0, w6(6, 2, 3, 4, 5), w6(6, 6, 7)});
  expect_words("map", "map x1, %{} live=0", {w3(7, x(1), 0), 0});
}

void form_Closures() {
  covered().insert("fn");
  // g/1 has upvals=2 (it reads u1): fn carries one push word with 2 values.
  ModuleFile m = test::asm_ok(
      "module t\n"
      "func f/4\n"
      "  fn x0, g/1, [x3, y0] live=0\n"
      "  fn x1, h/0 live=0\n"
      "  ret x1\n"
      "func g/1\n"
      "  ret u1\n"
      "func h/0\n"
      "  ret y0\n");
  // pool: 0 :t, 1 :f, 2 :"g/1", 3 :"h/0", 4 :g, 5 :h
  EXPECT_EQ(m.code, (Words{w3(36, x(0), 2), 0, w6(6, x(3), y6(0)), w3(36, x(1), 3), 0, w3(1, x(1), 0), w3(1, u(1), 0),
                           w3(1, y(0), 0)}));
  ASSERT_EQ(m.functions.size(), 3u);
  EXPECT_EQ(m.functions[0].frame, 1);
  EXPECT_EQ(m.functions[1].upvals, 2);
  EXPECT_EQ(m.functions[1].entry, 6u);
  EXPECT_EQ(m.functions[2].upvals, 0);
}

void form_Loads() {
  expect_words("loadi", "loadi x1, -2", {w3(10, x(1), 0xFFFE)});
  expect_words("loadi", "loadi x1, 32767", {w3(10, x(1), 0x7FFF)});
  expect_words("loadu", "loadu y0, 65535", {w3(11, y(0), 0xFFFF)});
  expect_words("loadc", "loadc x1, :ok", {w3(12, x(1), 2)});
  expect_words("loadc", "loadc x1, 7", {w3(12, x(1), 2)});
  expect_words("load32", "load32 x1, int, -1", {w3(13, x(1), 0), 0xFFFFFFFF});
  expect_words("load32", "load32 x1, uint, 4000000000", {w3(13, x(1), 1), 4000000000u});
  expect_words("load32", "load32 x1, float, 1.5", {w3(13, x(1), 2), 0x3FC00000});
  expect_words("load32", "load32 x1, float, 2", {w3(13, x(1), 2), 0x40000000});
  expect_words("load64", "load64 x1, float, 0.1", {w3(14, x(1), 0), 0x9999999A, 0x3FB99999});
  expect_words("load64", "load64 x1, int, -140737488355328", {w3(14, x(1), 1), 0, 0xFFFF8000});
  expect_words("load64", "load64 x1, int, 140737488355327", {w3(14, x(1), 1), 0xFFFFFFFF, 0x00007FFF});
}

// `load` picks the smallest form: inline numbers, loadc for the rest.
void form_LoadPseudoInstruction() {
  EXPECT_EQ(code_of("  load x1, -32768\n  ret x0\n")[0], w3(10, x(1), 0x8000));
  EXPECT_EQ(code_of("  load x1, 40000\n  ret x0\n")[0], w3(11, x(1), 40000));
  EXPECT_EQ(code_of("  load x1, 70000\n  ret x0\n"), (Words{w3(13, x(1), 0), 70000, ret_x0}));
  EXPECT_EQ(code_of("  load x1, -70000\n  ret x0\n"), (Words{w3(13, x(1), 0), static_cast<uint32_t>(-70000), ret_x0}));
  EXPECT_EQ(code_of("  load x1, 3000000000\n  ret x0\n"), (Words{w3(13, x(1), 1), 3000000000u, ret_x0}));
  EXPECT_EQ(code_of("  load x1, 5000000000\n  ret x0\n"), (Words{w3(14, x(1), 1), 705032704u, 1, ret_x0}));
  EXPECT_EQ(code_of("  load x1, 0.5\n  ret x0\n"), (Words{w3(13, x(1), 2), 0x3F000000, ret_x0}));
  EXPECT_EQ(code_of("  load x1, 0.1\n  ret x0\n"), (Words{w3(14, x(1), 0), 0x9999999A, 0x3FB99999, ret_x0}));
  EXPECT_EQ(code_of("  load x1, :ok\n  ret x0\n"), (Words{w3(12, x(1), 2), ret_x0}));
  EXPECT_EQ(code_of("  load x1, 5::int32\n  ret x0\n"), (Words{w3(12, x(1), 2), ret_x0}));
  ModuleFile m = test::asm_ok("module t\nfunc f/0\n  load x1, {1, \"a\"}\n  ret x1\n");
  ASSERT_EQ(m.literals.size(), 3u);
  EXPECT_EQ(m.literals[2], Literal::tuple({Literal::integer(1), Literal::binary("a")}));
}

void form_CompareJumps() {
  const char* names[] = {"eq", "ne", "lt", "gt", "lte", "gte"};
  for (uint32_t k = 0; k < 6; ++k) {
    std::string n = names[k];
    covered().insert(n);
    // forward over one instruction, and backward to itself
    EXPECT_EQ(code_of("  " + n + " x1, y2, out\n  ret x1\nout:\n  ret x0\n"),
              (Words{wj(15 + k, x(1), y6(2), 1), w3(1, x(1), 0), ret_x0}))
        << n;
    EXPECT_EQ(code_of("top:\n  " + n + " x0, x0, top\n  ret x0\n"), (Words{wj(15 + k, 0, 0, -1), ret_x0})) << n;
  }
}

void form_Jmp() {
  covered().insert("jmp");
  EXPECT_EQ(code_of("  jmp end\n  ret x1\nend:\n  ret x0\n"), (Words{33 | 1 << 8, w3(1, x(1), 0), ret_x0}));
  EXPECT_EQ(code_of("top:\n  jmp top\n"), (Words{33 | 0xFFFFFFu << 8}));
}

void form_UnaryAndBinary() {
  expect_words("not", "not x1, x2", {w3(21, x(1), x(2))});
  expect_words("neg", "neg y1, u2", {w3(22, y(1), u(2))});
  const char* names[] = {"add", "sub", "mul", "div", "mod", "shr", "shl", "xor", "and", "or"};
  for (uint32_t k = 0; k < 10; ++k) {
    expect_words(names[k], std::string(names[k]) + " x1, y2, u3", {w3(23 + k, x(1), y(2), u(3))});
  }
}

void form_Exceptions() {
  covered().insert("try");
  covered().insert("tryend");
  // try y3, h: the handler offset counts from the word after the try (16 bits at bit 16).
  EXPECT_EQ(code_of("  try y3, h\n  tryend y3\n  ret x0\nh:\n  ret x1\n"),
            (Words{40 | y(3) << 8 | 2u << 16, w3(41, y(3), 0), ret_x0, w3(1, x(1), 0)}));
  // A handler before the try: a negative offset.
  EXPECT_EQ(code_of("h:\n  ret x1\n  try y0, h\n  tryend y0\n  ret x0\n"),
            (Words{w3(1, x(1), 0), 40 | y(0) << 8 | 0xFFFEu << 16, w3(41, y(0), 0), ret_x0}));
  expect_words("raise", "raise x0, y1, u2", {w3(42, x(0), y(1), u(2))});
  // raise ends a function like ret.
  EXPECT_EQ(code_of("  raise x1, x2, x3\n"), (Words{w3(42, x(1), x(2), x(3))}));
}

// bif / gcbif: the built-in's arguments in ceil(arity/4) push words, after
// the regmask for gcbif (pool: the FUN literal at 2).
void form_BuiltinCalls() {
  expect_words("bif", "bif x1, map.get/3, [x2, y3, x4]", {w3(56, x(1), 2), w6(6, x(2), y6(3), x(4))});
  expect_words("bif", "bif y1, math.pi/0, []", {w3(56, y(1), 2)});
  expect_words("gcbif", "gcbif x1, float.round/1, [x2] live=0x4", {w3(57, x(1), 2), 0x4, w6(6, x(2))});
  expect_words("gcbif", "gcbif x0, math.pow/2, [y0, y1] live=0", {w3(57, x(0), 2), 0, w6(6, y6(0), y6(1))});
}

// Constants in place of registers (assembly.md §3.2): a load into the
// highest-numbered X register dead there, right before the instruction.
void form_ConstantOperands() {
  // Nothing is live after these lines but what they read: x31 is the scratch.
  EXPECT_EQ(code_of("  lt x0, 10, out\n  ret y0\nout:\n  ret y0\n"),
            (Words{w3(10, x(31), 10), wj(17, x(0), x(31), 1), w3(1, y(0), 0), w3(1, y(0), 0)}));
  expect_words("", "get x1, x2, 0", {w3(10, x(31), 0), w3(3, x(1), x(2), x(31))});
  expect_words("", "add x0, x0, 1", {w3(10, x(31), 1), w3(23, x(0), x(0), x(31))});
  expect_words("", "add x0, x0, -1", {w3(10, x(31), 0xFFFF), w3(23, x(0), x(0), x(31))});
  expect_words("", "mul y1, y0, 100000", {w3(13, x(31), 0), 100000, w3(25, y(1), y(0), x(31))});
  expect_words("", "add x1, x1, 0.5", {w3(13, x(31), 2), 0x3F000000, w3(23, x(1), x(1), x(31))});
  expect_words("", "get x1, x2, :key", {w3(12, x(31), 2), w3(3, x(1), x(2), x(31))});
  expect_words("", "size x0, \"four\"", {w3(12, x(31), 2), w3(39, x(0), x(31), 0)});
  EXPECT_EQ(code_of("  ret 7\n"), (Words{w3(10, x(31), 7), w3(1, x(31), 0)}));
  // Two constants take two registers, in operand order from the top.
  EXPECT_EQ(code_of("  lt 1, 2, out\n  ret y0\nout:\n  ret y0\n"),
            (Words{w3(10, x(31), 1), w3(10, x(30), 2), wj(17, x(31), x(30), 1), w3(1, y(0), 0), w3(1, y(0), 0)}));
  // A register read later, or named by the instruction, is never taken.
  EXPECT_EQ(code_of("  add x1, x1, 1\n  ret x31\n"), (Words{w3(10, x(30), 1), w3(23, x(1), x(1), x(30)), w3(1, x(31), 0)}));
  expect_words("", "add x31, x30, 1", {w3(10, x(29), 1), w3(23, x(31), x(30), x(29))});
  // Compares with a Y operand, constructor elements, bif arguments.
  EXPECT_EQ(code_of("  eq y0, :ok, out\n  ret y0\nout:\n  ret y0\n"),
            (Words{w3(12, x(31), 2), wj(15, y6(0), x(31), 1), w3(1, y(0), 0), w3(1, y(0), 0)}));
  expect_words("", "tuple x0, {1, x1, []} live=0",
               {w3(10, x(31), 1), w3(12, x(30), 2), w3(9, x(0), 3), 0, w6(6, x(31), x(1), x(30))});
  // pool: 2 :"map.get/3", 3 :k
  expect_words("", "bif x0, map.get/3, [x1, :k, 0]",
               {w3(12, x(31), 3), w3(10, x(30), 0), w3(56, x(0), 2), w6(6, x(1), x(31), x(30))});
  expect_words("", "map x0, %{:k => 2} live=0",
               {w3(12, x(31), 2), w3(10, x(30), 2), w3(7, x(0), 1), 0, w6(6, x(31), x(30))});
  expect_words("", "put x0, x1, 0, y0 live=0", {w3(10, x(31), 0), w6(5, x(0), x(1), x(31), y6(0)), 0});
  expect_words("", "raise :throw, 5, []",
               {w3(12, x(31), 2), w3(10, x(30), 5), w3(12, x(29), 3), w3(42, x(31), x(30), x(29))});
  // fn captures: g/1 has upvals=1; pool 2 :"g/1", 3 :c (4 :g)
  ModuleFile m = test::asm_ok("module t\nfunc f/0\n  fn x0, g/1, [:c] live=0\n  ret x0\nfunc g/1\n  ret u0\n");
  EXPECT_EQ(m.code, (Words{w3(12, x(31), 3), w3(36, x(0), 2), 0, w6(6, x(31)), w3(1, x(0), 0), w3(1, u(0), 0)}));
  // mov d, CONST is load d, CONST.
  expect_words("", "mov x1, 5", {w3(10, x(1), 5)});
  expect_words("", "mov y2, :a", {w3(12, y(2), 2)});
  // A jump to the line lands on its load.
  EXPECT_EQ(code_of("top:\n  lt x0, 10, top\n  ret y0\n"),
            (Words{w3(10, x(31), 10), wj(17, x(0), x(31), -2), w3(1, y(0), 0)}));
  // So does a select's: each pair's target is the load of its line (pool:
  // 2 :a, 3 :b), not the instruction that followed the line before loads.
  EXPECT_EQ(code_of("  select x0, d, [:a => d, :b => e]\nd:\n  add x0, x0, 1\n  ret x0\ne:\n  add x0, x0, 2\n  ret x0\n"),
            (Words{w3(51, x(0), 2), 0, 2, 3 | 3u << 16, w3(10, x(31), 1), w3(23, x(0), x(0), x(31)), w3(1, x(0), 0),
                   w3(10, x(31), 2), w3(23, x(0), x(0), x(31)), w3(1, x(0), 0)}));
}

void form_Receive() {
  for (const char* name : {"recv", "recvnext", "accept", "wait"}) covered().insert(name);
  // recv dst, none / recvnext back / wait timeout, back: 16-bit offsets at
  // bit 16 from the word after the instruction; accept: no operands.
  EXPECT_EQ(code_of("loop:\n  recv x2, none\n  accept\n  ret x2\n  recvnext loop\n"
                    "none:\n  loadi x1, 5\n  wait x1, loop\n  ret x1\n"),
            (Words{w3(43, x(2), 3), w3(45, 0, 0), w3(1, x(2), 0), w3(44, 0, 0xFFFC), w3(10, x(1), 5),
                   w3(46, x(1), 0xFFFA), w3(1, x(1), 0)}));
}

void form_LabelsOnInstructionLines() {
  EXPECT_EQ(code_of("start: loadi x0, 1\n  jmp start\n"), (Words{w3(10, 0, 1), 33 | 0xFFFFFEu << 8}));
}

// Pattern matching (match-insns). TK: test | 32 (not); tables: the
// default word, then value | jump << 16 per pair (literals from index 2).
void form_Matching() {
  constexpr uint32_t loadi_x0_1 = 10 | 1u << 16;
  expect_words("is", "is x1, tuple, d\nd: loadi x0, 1", {47 | 1u << 8 | 8u << 14, loadi_x0_1});
  expect_words("is", "is y2, not atom, d\nd: loadi x0, 1", {47 | y6(2) << 8 | 35u << 14, loadi_x0_1});
  expect_words("is_arity", "is x1, tuple/3, d\nd: loadi x0, 1", {48 | 1u << 8 | 8u << 14, 3, loadi_x0_1});
  expect_words("is_arity", "is x0, not function/2, d\nd: loadi x0, 1", {48 | (11u | 32u) << 14, 2, loadi_x0_1});
  expect_words("eqx", "eqx x1, y2, d\nd: loadi x0, 1", {wj(49, x(1), y6(2), 0), loadi_x0_1});
  expect_words("nex", "nex y1, x2, d\nd: loadi x0, 1", {wj(50, y6(1), x(2), 0), loadi_x0_1});
  expect_words("select", "select x1, d, [:a => d, 7 => e]\nd: loadi x0, 1\ne: loadi x0, 1",
               {w3(51, x(1), 2), 0, 2, 3 | 1u << 16, loadi_x0_1, loadi_x0_1});
  expect_words("select_arity", "select_arity u1, e, [2 => d, 0 => e]\nd: loadi x0, 1\ne: loadi x0, 1",
               {w3(52, u(1), 2), 1, 2, 0 | 1u << 16, loadi_x0_1, loadi_x0_1});
  expect_words("idiv", "idiv x1, x2, u3", {w3(53, x(1), x(2), u(3))});
  expect_words("rem", "rem y1, x2, x3", {w3(54, y(1), x(2), x(3))});
}

TEST(InstructionForms, Moves) { form_Moves(); }
TEST(InstructionForms, Matching) { form_Matching(); }
TEST(InstructionForms, RetCallTcall) { form_RetCallTcall(); }
TEST(InstructionForms, TermAccess) { form_TermAccess(); }
TEST(InstructionForms, Constructors) { form_Constructors(); }
TEST(InstructionForms, Closures) { form_Closures(); }
TEST(InstructionForms, Loads) { form_Loads(); }
TEST(InstructionForms, LoadPseudoInstruction) { form_LoadPseudoInstruction(); }
TEST(InstructionForms, CompareJumps) { form_CompareJumps(); }
TEST(InstructionForms, Jmp) { form_Jmp(); }
TEST(InstructionForms, UnaryAndBinary) { form_UnaryAndBinary(); }
TEST(InstructionForms, LabelsOnInstructionLines) { form_LabelsOnInstructionLines(); }
TEST(InstructionForms, Exceptions) { form_Exceptions(); }
TEST(InstructionForms, BuiltinCalls) { form_BuiltinCalls(); }
TEST(InstructionForms, ConstantOperands) { form_ConstantOperands(); }
TEST(InstructionForms, Receive) { form_Receive(); }

// Every opcode in the table except push has an instruction-form check. Runs
// every check itself, so it holds however the tests are scheduled (ctest runs
// each test in a process of its own).
// binaries (issue 15): reads are four R6 fields (butf8: three and a zero
// gap), brest and bappend three R fields.
void form_Binaries() {
  expect_words("bint", "bint x1, x2, x3, x4", {w6(60, x(1), x(2), x(3), x(4))});
  expect_words("bsint", "bsint y1, x2, y3, x31", {w6(61, y6(1), x(2), y6(3), x(31))});
  expect_words("bintl", "bintl x0, y31, x2, y4", {w6(62, x(0), y6(31), x(2), y6(4))});
  expect_words("bsintl", "bsintl x5, x6, x7, x8", {w6(63, x(5), x(6), x(7), x(8))});
  expect_words("bfloat", "bfloat x1, x2, x3, x4", {w6(64, x(1), x(2), x(3), x(4))});
  expect_words("bfloatl", "bfloatl x1, x2, y3, x4", {w6(65, x(1), x(2), y6(3), x(4))});
  expect_words("butf8", "butf8 x1, y2, x3", {w6(66, x(1), y6(2), x(3), 0)});
  expect_words("brest", "brest x1, u2, y3", {w3(67, x(1), u(2), y(3))});
  expect_words("bappend", "bappend y1, x2, u0", {w3(68, y(1), x(2), u(0))});
  expect_words("bbin", "bbin x1, x2, y3, y4", {w6(69, x(1), x(2), y6(3), y6(4))});
}

TEST(InstructionForms, Binaries) { form_Binaries(); }

TEST(InstructionForms, EveryOpcodeCovered) {
  covered().clear();
  form_Moves();
  form_RetCallTcall();
  form_TermAccess();
  form_Constructors();
  form_Closures();
  form_Loads();
  form_LoadPseudoInstruction();
  form_CompareJumps();
  form_Jmp();
  form_UnaryAndBinary();
  form_LabelsOnInstructionLines();
  form_Exceptions();
  form_BuiltinCalls();
  form_Binaries();
  form_Matching();
  form_Receive();
  for (const OpInfo& op : kOpTable) {
    if (!op.valid || static_cast<Op>(op.code) == Op::op_push) continue;
    EXPECT_TRUE(covered().count(std::string(op.name))) << op.name << " has no instruction-form test";
  }
}

}  // namespace
}  // namespace lzr

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

TEST(InstructionForms, Moves) { form_Moves(); }
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
TEST(InstructionForms, Receive) { form_Receive(); }

// Every opcode in the table except push has an instruction-form check. Runs
// every check itself, so it holds however the tests are scheduled (ctest runs
// each test in a process of its own).
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
  form_Receive();
  for (const OpInfo& op : kOpTable) {
    if (!op.valid || static_cast<Op>(op.code) == Op::op_push) continue;
    EXPECT_TRUE(covered().count(std::string(op.name))) << op.name << " has no instruction-form test";
  }
}

}  // namespace
}  // namespace lzr

// dis -> asm reproduces modules the assembler would never write: literal
// pools out of first-use order, with unused or duplicate entries and
// non-canonical encodings; regmasks that differ from liveness; swap moves.
#include <gtest/gtest.h>

#include "asm_test_util.h"
#include "format/opcodes.h"

namespace lzr {
namespace {

constexpr uint32_t w3(Op op, uint32_t a, uint32_t b, uint32_t c = 0) {
  return static_cast<uint32_t>(op) | a << 8 | b << 16 | c << 24;
}

Literal with_encoding(Literal lit, ByteTermType t) {
  lit.encoding = t;
  return lit;
}

bool has_pool_block(const std::string& text) { return text.find("\n.pool\n") != std::string::npos; }

TEST(PoolRoundTrip, CanonicalModuleHasNoPoolBlock) {
  ModuleFile m = test::asm_ok("module t\nfunc f/0\n  loadc x0, [1, 2]\n  ret x0\n");
  std::string text = test::expect_round_trip(m);
  EXPECT_FALSE(has_pool_block(text)) << text;
}

TEST(PoolRoundTrip, OutOfOrderPool) {
  // first use would be :t, :f, [1] — stored reversed.
  ModuleFile m;
  m.literals = {Literal::list({Literal::integer(1)}), Literal::atom("f"), Literal::atom("t")};
  m.module_name = 2;
  m.functions.push_back(FunctionEntry{1, 0, 0, 0, 0, 0});
  m.code = {w3(Op::op_loadc, 0, 0), w3(Op::op_ret, 0, 0)};
  std::string text = test::expect_round_trip(m);
  EXPECT_TRUE(has_pool_block(text)) << text;
  EXPECT_NE(text.find(".lit 0 [1]\n.lit 1 :f\n.lit 2 :t\n"), std::string::npos) << text;
  EXPECT_NE(text.find("loadc x0, [1]"), std::string::npos) << text;
}

TEST(PoolRoundTrip, UnusedEntries) {
  ModuleFile m;
  m.literals = {Literal::atom("t"), Literal::atom("f"), Literal::binary("never used")};
  m.module_name = 0;
  m.functions.push_back(FunctionEntry{1, 1, 0, 0, 0, 0});
  m.code = {w3(Op::op_ret, 0, 0)};
  std::string text = test::expect_round_trip(m);
  EXPECT_NE(text.find(".lit 2 \"never used\""), std::string::npos) << text;
}

TEST(PoolRoundTrip, DuplicatesReferencedByIndex) {
  // Two :f atoms (the function name uses the second), two "f/0" call
  // targets, a duplicated module name and a duplicated tuple.
  ModuleFile m;
  m.literals = {Literal::atom("t"), Literal::atom("f"), Literal::atom("f"), Literal::atom("f/0"),
                Literal::atom("f/0"), Literal::tuple({}), Literal::tuple({}), Literal::atom("t")};
  m.module_name = 7;
  m.functions.push_back(FunctionEntry{2, 0, 0, 0, 0, 0});
  m.code = {w3(Op::op_loadc, 0, 6), w3(Op::op_loadc, 1, 5), w3(Op::op_call, 0, 4), w3(Op::op_tcall, 0, 3)};
  std::string text = test::expect_round_trip(m);
  EXPECT_NE(text.find("module #7\n"), std::string::npos) << text;
  EXPECT_NE(text.find("func #2/0 "), std::string::npos) << text;
  EXPECT_NE(text.find("loadc x0, #6\n"), std::string::npos) << text;
  EXPECT_NE(text.find("loadc x1, {}\n"), std::string::npos) << text;
  EXPECT_NE(text.find("call x0, #4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tcall f/0\n"), std::string::npos) << text;
}

TEST(PoolRoundTrip, NonCanonicalEncodings) {
  Literal five32 = with_encoding(Literal::integer(5), ByteTermType::I32);
  Literal list16 = with_encoding(Literal::list({Literal::integer(1), five32}), ByteTermType::List16);
  Literal half64 = with_encoding(Literal::floating(0.5), ByteTermType::F64);
  Literal map32 = with_encoding(Literal::map({Literal::atom("k"), half64}), ByteTermType::Map32);
  Literal tuple16 = with_encoding(Literal::tuple({with_encoding(Literal::integer(100), ByteTermType::U8)}),
                                  ByteTermType::Tuple16);
  ModuleFile m;
  m.literals = {Literal::atom("t"), Literal::atom("f"), five32, list16, half64, map32, tuple16};
  m.module_name = 0;
  m.functions.push_back(FunctionEntry{1, 0, 0, 0, 0, 0});
  m.code = {w3(Op::op_loadc, 0, 2), w3(Op::op_loadc, 0, 3), w3(Op::op_loadc, 0, 4), w3(Op::op_loadc, 0, 5),
            w3(Op::op_loadc, 0, 6), w3(Op::op_ret, 0, 0)};
  std::string text = test::expect_round_trip(m);
  EXPECT_NE(text.find(".lit 2 5::int32\n"), std::string::npos) << text;
  EXPECT_NE(text.find(".lit 3 [1, 5::int32]::list16\n"), std::string::npos) << text;
  EXPECT_NE(text.find(".lit 5 %{k: 0.5::float64}::map32\n"), std::string::npos) << text;
  EXPECT_NE(text.find(".lit 6 {100::uint8}::tuple16\n"), std::string::npos) << text;
  EXPECT_NE(text.find("loadc x0, 5::int32\n"), std::string::npos) << text;
}

TEST(PoolRoundTrip, RegmasksThatDifferFromLiveness) {
  ModuleFile m = test::asm_ok("module t\nfunc f/2\n  tuple x2, {x0}\n  tuple x3, {x1}\n  ret x3\n");
  ASSERT_EQ(m.code[1], 0x2u);  // computed: x1
  ASSERT_EQ(m.code[4], 0x0u);
  m.code[1] = 0xFFFFFFFF;
  std::string text = test::expect_round_trip(m);
  EXPECT_NE(text.find("tuple x2, {x0} live=0xffffffff\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tuple x3, {x1}\n"), std::string::npos) << text;
}

TEST(PoolRoundTrip, MovForms) {
  ModuleFile m = test::asm_ok("module t\n.nolines\nfunc f/2\n  mov x0, x1\n  mov x0, x1, y0\n  ret x0\n");
  std::string text = test::expect_round_trip(m);
  EXPECT_NE(text.find("  mov x0, x1\n  mov x0, x1, y0\n"), std::string::npos) << text;
}

TEST(PoolRoundTrip, QuotedNames) {
  ModuleFile m = test::asm_ok(
      "module :\"my module\"\n"
      "func :\"two words\"/1\n  tcall :\"a/b/0\"\n"
      "func :\"a/b\"/0\n  loadi x0, 1\n  call x0, :\"my module.two words/1\"\n  call x0, :\"other mod.x y/0\"\n  ret x0\n");
  std::string text = test::expect_round_trip(m);
  EXPECT_NE(text.find("module :\"my module\"\n"), std::string::npos) << text;
  EXPECT_NE(text.find("func :\"a/b\"/0 "), std::string::npos) << text;
  EXPECT_NE(text.find("tcall :\"a/b/0\"\n"), std::string::npos) << text;
}

TEST(PoolRoundTrip, InlineNumbersKeepTheirBits) {
  ModuleFile m = test::asm_ok(
      "module t\nfunc f/0\n"
      "  load32 x0, float, -0.0\n  load64 x0, float, -0.0\n  load32 x0, float, 0.1000000014901161193847656\n"
      "  load64 x0, float, 5.0e-324\n  load64 x0, float, 1.7976931348623157e308\n"
      "  load32 x0, float, 3.4028234663852886e38\n  load32 x0, int, -2147483648\n  load32 x0, uint, 4294967295\n"
      "  load64 x0, int, -140737488355328\n  loadi x0, -32768\n  loadu x0, 65535\n  ret x0\n");
  std::string text = test::expect_round_trip(m);
  EXPECT_NE(text.find("load32 x0, float, 0.10000000149011612\n"), std::string::npos) << text;
}

TEST(PoolRoundTrip, DeclaredPoolIsHonoured) {
  // Literals missing from a declared pool are appended in first-use order.
  ModuleFile m = test::asm_ok(
      "module t\n.pool\n.lit 0 :unused\n.lit 1 5::int16\n"
      "func f/0\n  loadc x0, 5::int16\n  loadc x1, #1\n  loadc x2, 5\n  ret x0\n");
  ASSERT_EQ(m.literals.size(), 5u);
  EXPECT_EQ(m.literals[0], Literal::atom("unused"));
  EXPECT_EQ(m.literals[1].encoding, ByteTermType::I16);
  EXPECT_EQ(m.literals[2], Literal::atom("t"));
  EXPECT_EQ(m.literals[3], Literal::atom("f"));
  EXPECT_EQ(m.literals[4], Literal::integer(5));
  EXPECT_EQ(m.module_name, 2);
  EXPECT_EQ(m.code[0] >> 16, 1u);
  EXPECT_EQ(m.code[1] >> 16, 1u);
  EXPECT_EQ(m.code[2] >> 16, 4u);
  test::expect_round_trip(m);
}

TEST(PoolRoundTrip, ThroughTheFileFormat) {
  // write -> read keeps the encodings that dis must reproduce.
  Literal five32 = with_encoding(Literal::integer(5), ByteTermType::I32);
  ModuleFile m;
  m.literals = {Literal::atom("f"), five32, Literal::atom("t")};
  m.module_name = 2;
  m.functions.push_back(FunctionEntry{0, 0, 0, 0, 0, 0});
  m.code = {w3(Op::op_loadc, 0, 1), w3(Op::op_ret, 0, 0)};
  std::string bytes = test::image(m);
  LoadError err;
  auto read = read_module(bytes, "m.lzr", err);
  ASSERT_TRUE(read) << err.message;
  test::expect_round_trip(*read);
}

TEST(PoolRoundTrip, ModulesWithoutFunctions) {
  ModuleFile empty = test::asm_ok("module empty\n");
  EXPECT_TRUE(empty.code.empty());
  EXPECT_EQ(test::expect_round_trip(empty), "module empty\n");
  ModuleFile pool_only = test::asm_ok("module #1\n.pool\n.lit 0 :x\n.lit 1 :y\n");
  EXPECT_EQ(pool_only.name(), "y");
  EXPECT_EQ(test::expect_round_trip(pool_only), "module y\n\n.pool\n.lit 0 :x\n.lit 1 :y\n");
}

TEST(PoolRoundTrip, InvalidModulesAreRefused) {
  ModuleFile m;
  m.literals = {Literal::atom("t")};
  m.functions.push_back(FunctionEntry{0, 0, 0, 0, 0, 0});
  m.code = {w3(Op::op_loadi, 0, 1)};  // falls through its end
  std::string text, error;
  EXPECT_FALSE(disassemble(m, "bad.lzr", text, error));
  EXPECT_EQ(error.rfind("bad.lzr: word 0: loadi: function t/0 falls through its end", 0), 0u) << error;
  EXPECT_EQ(disassemble(m).rfind("; cannot disassemble: ", 0), 0u);
  ModuleFile native;
  native.type = ModuleType::Native;
  native.native_name = "n";
  native.native_libpath = "libn.so";
  EXPECT_FALSE(disassemble(native, "n.lzr", text, error));
  EXPECT_EQ(error, "n.lzr: native module 'n' (library libn.so) has no bytecode to disassemble");
}

}  // namespace
}  // namespace lzr

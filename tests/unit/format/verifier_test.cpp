// Verifier: a module using every opcode passes; every rule has a test that
// breaks exactly that rule and checks the exact one-line message.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "format/verifier.h"
#include "module_builder.h"

namespace lzr {
namespace {

using test::insn;
using test::ModuleBuilder;
using test::push;
using test::U;
using test::verify_error;
using test::X;
using test::X6;
using test::Y;
using test::Y6;
using test::every_opcode_module;

TEST(Verifier, AcceptsAModuleUsingEveryOpcode) {
  ModuleBuilder b = every_opcode_module();
  EXPECT_EQ(verify_error(b.m), "");
  std::set<uint8_t> used;
  for (size_t pc = 0; pc < b.m.code.size(); ++pc) used.insert(b.m.code[pc] & 0xFF);
  for (const OpInfo& op : kOpTable) {
    if (op.valid) EXPECT_TRUE(used.count(op.code)) << op.name << " is not exercised";
  }
  // And it survives a file round trip unchanged.
  LoadError err;
  auto back = read_module(b.bytes(), "f.lzr", err);
  ASSERT_TRUE(back) << err.message;
  EXPECT_EQ(verify_error(*back), "");
}

TEST(Verifier, AcceptsAnEmptyModule) {
  ModuleBuilder b;
  EXPECT_EQ(verify_error(b.m), "");
}

TEST(Verifier, InstructionWordsCountsEveryExtraForm) {
  ModuleBuilder b = every_opcode_module();
  EXPECT_EQ(instruction_words(b.m, 0), 1u);   // loadi
  EXPECT_EQ(instruction_words(b.m, 3), 2u);   // load32
  EXPECT_EQ(instruction_words(b.m, 9), 3u);   // load64
  EXPECT_EQ(instruction_words(b.m, 21), 2u);  // put + regmask
  EXPECT_EQ(instruction_words(b.m, 23), 4u);  // map of 3 pairs: 2 push words
  EXPECT_EQ(instruction_words(b.m, 27), 4u);  // list of 5: 2 push words
  EXPECT_EQ(instruction_words(b.m, 31), 2u);  // empty tuple
  EXPECT_EQ(instruction_words(b.m, 51), 2u);  // cons
  EXPECT_EQ(instruction_words(b.m, 53), 3u);  // fn of a 2-upvalue function
  EXPECT_EQ(instruction_words(b.m, 75), 2u);  // bif of a 3-argument built-in: 1 push word
  EXPECT_EQ(instruction_words(b.m, 77), 3u);  // gcbif: regmask + 1 push word
  EXPECT_EQ(instruction_words(b.m, 80), 1u);  // bif of math.pi/0: no push word
  EXPECT_EQ(instruction_words(b.m, b.m.code.size()), 0u);
  b.m.code[0] = 0xFF;
  EXPECT_EQ(instruction_words(b.m, 0), 0u);
  b.m.code[53] = insn(Op::op_fn, {X(0), b.atom("io.print/1")});  // length unknowable
  EXPECT_EQ(instruction_words(b.m, 53), 0u);
}

TEST(FunctionRef, Parses) {
  auto r = parse_function_ref("fact/1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->module, "");
  EXPECT_EQ(r->name, "fact");
  EXPECT_EQ(r->arity, 1u);
  r = parse_function_ref("a.b.run/32");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->module, "a.b");
  EXPECT_EQ(r->name, "run");
  EXPECT_EQ(r->arity, 32u);
  r = parse_function_ref("m.a/b/0");  // split at the LAST '/': names may contain '/'
  ASSERT_TRUE(r);
  EXPECT_EQ(r->module, "m");
  EXPECT_EQ(r->name, "a/b");
  EXPECT_EQ(r->arity, 0u);
}

TEST(FunctionRef, Rejects) {
  for (const char* bad : {"f", "f/", "/1", "f/33", "f/01", "f/-1", "f/+1", "f/1x", "f/ 1", ".f/1", "m./1", "f/100"})
    EXPECT_FALSE(parse_function_ref(bad)) << bad;
}

TEST(FunctionRef, LocalFunctionLookup) {
  ModuleBuilder b = every_opcode_module();
  EXPECT_EQ(local_function(b.m, *parse_function_ref("helper/1")), 1u);
  EXPECT_EQ(local_function(b.m, *parse_function_ref("demo.clo/1")), 2u);
  EXPECT_EQ(local_function(b.m, *parse_function_ref("other.helper/1")), std::nullopt);
  EXPECT_EQ(local_function(b.m, *parse_function_ref("helper/2")), std::nullopt);
}

// ---- module name ----

TEST(VerifyRejects, ModuleNameLiteralOutOfRange) {
  ModuleBuilder b;
  b.m.module_name = 9;
  EXPECT_EQ(verify_error(b.m), "f.lzr: module name: literal 9 is out of range (1 literal)");
}
TEST(VerifyRejects, ModuleNameNotAnAtom) {
  ModuleBuilder b;
  b.m.module_name = b.lit(Literal::integer(3));
  EXPECT_EQ(verify_error(b.m), "f.lzr: module name: literal 1 is not an atom");
}
TEST(VerifyRejects, ModuleNameEmpty) {
  ModuleBuilder b("");
  EXPECT_EQ(verify_error(b.m), "f.lzr: module name: must not be empty");
}

// ---- function table ----

TEST(VerifyRejects, CodeWithoutFunctions) {
  ModuleBuilder b;
  b.ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: code outside any function (the function table is empty)");
}
TEST(VerifyRejects, FunctionNameLiteralOutOfRange) {
  ModuleBuilder b;
  b.func("main", 0).ret();
  b.m.functions[0].name = 7;
  EXPECT_EQ(verify_error(b.m), "f.lzr: function 0: name literal 7 is out of range (2 literals)");
}
TEST(VerifyRejects, FunctionNameNotAnAtom) {
  ModuleBuilder b;
  b.func("main", 0).ret();
  b.m.functions[0].name = b.lit(Literal::binary("main"));
  EXPECT_EQ(verify_error(b.m), "f.lzr: function 0: name literal 2 is not an atom");
}
TEST(VerifyRejects, FunctionNameWithDot) {
  ModuleBuilder b;
  b.func("a.b", 0).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: function 0 (a.b/0): function name must be non-empty and must not contain '.'");
}
TEST(VerifyRejects, FunctionNameEmpty) {
  ModuleBuilder b;
  b.func("", 0).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: function 0 (/0): function name must be non-empty and must not contain '.'");
}
TEST(VerifyRejects, ArityTooLarge) {
  ModuleBuilder b;
  b.func("main", 33).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: function 0 (main/33): arity 33 exceeds 32");
}
TEST(VerifyRejects, FrameTooLarge) {
  ModuleBuilder b;
  b.func("main", 0, 33).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: function 0 (main/0): frame 33 exceeds 32");
}
TEST(VerifyRejects, UpvalsTooMany) {
  ModuleBuilder b;
  b.func("main", 0, 0, 33).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: function 0 (main/0): upvals 33 exceeds 32");
}
TEST(VerifyRejects, ReservedByteSet) {
  ModuleBuilder b;
  b.func("main", 0).ret();
  b.m.functions[0].reserved = 4;
  EXPECT_EQ(verify_error(b.m), "f.lzr: function 0 (main/0): reserved byte is 4, must be 0");
}
TEST(VerifyRejects, FirstFunctionNotAtZero) {
  ModuleBuilder b;
  b.ret();
  b.func("main", 0).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: function 0 (main/0): first function must start at word 0, not 1");
}
TEST(VerifyRejects, EntriesNotIncreasing) {
  ModuleBuilder b;
  b.func("main", 0).func("g", 0).ret();
  EXPECT_EQ(verify_error(b.m),
            "f.lzr: function 1 (g/0): entry 0 is not after function 0's entry 0 (entries must increase)");
}
TEST(VerifyRejects, EntryBeyondTheCode) {
  ModuleBuilder b;
  b.func("main", 0).ret().func("g", 0);
  EXPECT_EQ(verify_error(b.m), "f.lzr: function 1 (g/0): entry 1 is not inside the code (1 word)");
}
TEST(VerifyRejects, DuplicateFunction) {
  ModuleBuilder b;
  b.func("main", 0).ret().func("main", 0).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: function 1 (main/0): duplicate of function 0");
}

// ---- opcodes and fields ----

TEST(VerifyRejects, UnknownOpcode) {
  ModuleBuilder b;
  b.func("main", 0).emit(200).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: unknown opcode 200");
}
TEST(VerifyRejects, PushOutsideAConstructor) {
  ModuleBuilder b;
  b.func("main", 0).ret().emit(push({X6(0)})).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 1: push outside a constructor");
}
TEST(VerifyRejects, RegisterReservedBit) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_add, {X(0), 0x20, X(1)}).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: add: operand 2 (0x20) has reserved bit 5 set");
}
TEST(VerifyRejects, RegisterType3) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_sub, {X(0), X(1), 0xC0}).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: sub: operand 3 (0xC0) has register type 3 (invalid)");
}
TEST(VerifyRejects, YSlotOutsideTheFrame) {
  ModuleBuilder b;
  b.func("main", 0, 1).emit(Op::op_mul, {X(0), Y(0), Y(1)}).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: mul: y1 is outside the frame (frame 1)");
}
TEST(VerifyRejects, R6YSlotOutsideTheFrame) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_eq, {X6(0), Y6(0), 0}).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: eq: y0 is outside the frame (frame 0)");
}
TEST(VerifyRejects, WrittenR6YSlotOutsideTheFrame) {
  ModuleBuilder b;
  b.func("main", 0, 2).emit(Op::op_put, {Y6(2), X6(0), X6(1), X6(2)}).emit(0).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: put: y2 is outside the frame (frame 2)");
}
TEST(VerifyRejects, UpvalueWritten) {
  ModuleBuilder b;
  b.func("clo", 0, 0, 1).emit(Op::op_add, {U(0), X(0), X(0)}).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: add: u0 is read-only");
}
TEST(VerifyRejects, UpvalueWrittenAsSwapTarget) {
  ModuleBuilder b;
  b.func("clo", 0, 0, 1).emit(Op::op_mov, {X(0), X(1), U(0)}).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: mov: u0 is read-only");
}
TEST(VerifyRejects, UpvalueOutsideTheClosure) {
  ModuleBuilder b;
  b.func("clo", 0, 0, 1).emit(Op::op_not, {X(0), U(1)}).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: not: u1 is outside the closure (upvals 1)");
}
TEST(VerifyRejects, NonzeroZ8) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_size, {X(0), X(1), 5}).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: size: unused bits 24-31 must be zero");
}
TEST(VerifyRejects, NonzeroZ8InTcall) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_tcall, {1, b.atom("main/0")});
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: tcall: unused bits 8-15 must be zero");
}
// binaries (issue 15)
TEST(VerifyRejects, NonzeroZ6) {
  ModuleBuilder b;
  b.func("main", 2).emit(Op::op_butf8, {X6(2), X6(0), X6(1), 3}).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: butf8: unused bits 26-31 must be zero");
}
TEST(VerifyRejects, BinaryReadValueAndPositionInOneRegister) {
  ModuleBuilder b;
  b.func("main", 3).emit(Op::op_bint, {X6(1), X6(0), X6(1), X6(2)}).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: bint: the value and the position are both written to x1");
  ModuleBuilder c;
  c.func("main", 2, 1).emit(Op::op_butf8, {Y6(0), X6(0), Y6(0)}).ret();
  EXPECT_EQ(verify_error(c.m), "f.lzr: word 0: butf8: the value and the position are both written to y0");
}
TEST(VerifyRejects, BinaryReadPositionMustBeDefined) {
  ModuleBuilder b;
  b.func("main", 1).emit(Op::op_bint, {X6(3), X6(0), X6(1), X6(0)}).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: bint: x1 is read but not defined on every path here (defined: x0)");
}
TEST(VerifyRejects, BinaryReadPositionOutsideTheFrame) {
  ModuleBuilder b;
  b.func("main", 2, 1).emit(Op::op_bsintl, {X6(3), X6(0), Y6(1), X6(1)}).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: bsintl: y1 is outside the frame (frame 1)");
}
TEST(VerifyRejects, NonzeroZ16) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_ret, {X(0), 1});
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: ret: unused bits 16-31 must be zero");
}
TEST(VerifyRejects, LiteralIndexOutOfRange) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_loadc, {X(0), 9}).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: loadc: literal 9 is out of range (2 literals)");
}
TEST(VerifyRejects, FunctionLiteralOutOfRange) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_call, {X(0), 9}).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: call: literal 9 is out of range (2 literals)");
}
TEST(VerifyRejects, FunctionLiteralNotAnAtom) {
  ModuleBuilder b;
  uint16_t five = b.lit(Literal::integer(5));
  b.func("main", 0).emit(Op::op_call, {X(0), five}).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: call: literal 1 is not an atom");
}
TEST(VerifyRejects, FunctionLiteralNotAReference) {
  ModuleBuilder b;
  uint16_t hello = b.atom("hello");
  b.func("main", 0).emit(Op::op_call, {X(0), hello}).ret();
  EXPECT_EQ(verify_error(b.m),
            "f.lzr: word 0: call: literal 1 (:\"hello\") is not a function reference (name/arity or mod.name/arity)");
}
TEST(VerifyRejects, CallOfAnUndefinedLocalFunction) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_call, {X(0), b.atom("nope/0")}).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: call: nope/0 is not defined in this module");
}
TEST(VerifyRejects, ModuleTextInMessagesIsEscapedToOneLine) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_call, {X(0), b.atom("de\nf\"\xC3\xA9/1")}).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: call: de\\nf\\\"\\xC3\\xA9/1 is not defined in this module");
}
TEST(VerifyRejects, QualifiedCallOfAnUndefinedFunctionOfThisModule) {
  ModuleBuilder b("demo");
  b.func("main", 0).emit(Op::op_tcall, {0, b.atom("demo.main/1")});
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: tcall: demo.main/1 is not defined in this module");
}
TEST(VerifyRejects, CallOfAFunctionWithUpvalues) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_call, {X(0), b.atom("clo/0")}).ret();
  b.func("clo", 0, 0, 1).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: call: clo/0 has upvalues and can only run as a closure (fn + apply)");
}
TEST(VerifyRejects, TailCallOfAFunctionWithUpvalues) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_tcall, {0, b.atom("clo/0")});
  b.func("clo", 0, 0, 1).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: tcall: clo/0 has upvalues and can only run as a closure (fn + apply)");
}
TEST(VerifyRejects, ClosureOverAnotherModulesFunction) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_fn, {X(0), b.atom("other.f/0")}).emit(0).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: fn: other.f/0 is not a function of this module");
}
TEST(VerifyRejects, ClosureOverAnUndefinedFunction) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_fn, {X(0), b.atom("f/0")}).emit(0).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: fn: f/0 is not defined in this module");
}
TEST(VerifyRejects, UnknownLoad32Type) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_load32, {X(0), 3}).emit(0).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: load32: unknown value type 3 (0 = int32, 1 = uint32, 2 = float32)");
}
TEST(VerifyRejects, UnknownLoad64Type) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_load64, {X(0), 2}).emit(0).emit(0).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: load64: unknown value type 2 (0 = float64, 1 = int64)");
}
TEST(VerifyRejects, Load32FloatNotFinite) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_load32, {X(0), 2}).emit(0x7FC00000).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: load32: float32 value is not finite");
}
TEST(VerifyRejects, Load64FloatNotFinite) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_load64, {X(0), 0}).emit(0).emit(0xFFF00000).ret();  // -infinity
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: load64: float64 value is not finite");
}
TEST(VerifyAccepts, Load64AnyInt64) {
  // Beyond the small range the loader makes a big integer: every int64 is valid.
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_load64, {X(0), 1}).emit(0).emit(0x8000).ret();  // 2^47
  EXPECT_EQ(verify_error(b.m), "");
  b.m.code[2] = 0xFFFF7FFF;  // -2^47 - 2^32
  EXPECT_EQ(verify_error(b.m), "");
  b.m.code[1] = 0;
  b.m.code[2] = 0x80000000;  // INT64_MIN
  EXPECT_EQ(verify_error(b.m), "");
  b.m.code[1] = 0xFFFFFFFF;
  b.m.code[2] = 0x7FFFFFFF;  // INT64_MAX
  EXPECT_EQ(verify_error(b.m), "");
}

// ---- instruction extent, push words ----

TEST(VerifyRejects, InstructionCrossesTheFunctionEnd) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_load64, {X(0), 1}).emit(0);
  b.func("g", 0).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: load64: needs 3 words but function main/0 ends at word 2");
}
TEST(VerifyRejects, ConstructorPushesCrossTheCodeEnd) {
  ModuleBuilder b;
  b.func("main", 0).ret().emit(Op::op_tuple, {X(0), 9}).emit(0).emit(push({}));
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 1: tuple: needs 5 words but function main/0 ends at word 4");
}
TEST(VerifyRejects, ConstructorWordThatIsNotAPush) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_tuple, {X(0), 1}).emit(0).emit(Op::op_loadi, {X(0), 0}).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: tuple: word 2 should be a push, found opcode 10");
}
TEST(VerifyRejects, UnusedPushOperandNotZero) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_list, {X(0), 1}).emit(0).emit(push({X6(0), X6(1)})).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: list: push word 2: unused operand 2 must be zero");
}
TEST(VerifyRejects, UnusedMapPushOperandNotZero) {
  // 3 pairs = 6 values: the second push word uses two operands.
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_map, {X(0), 3}).emit(0);
  b.emit(push({X6(0), X6(1), X6(2), X6(3)})).emit(push({X6(4), X6(5), 0, X6(1)})).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: map: push word 3: unused operand 4 must be zero");
}
TEST(VerifyRejects, ClosurePushWordsFollowTheTargetsUpvals) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_fn, {X(0), b.atom("clo/0")}).emit(0).emit(push({X6(0), X6(1)})).ret();
  b.func("clo", 0, 0, 1).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: fn: push word 2: unused operand 2 must be zero");
}
TEST(VerifyRejects, PushOperandOutsideTheFrame) {
  ModuleBuilder b;
  b.func("main", 0, 1).emit(Op::op_tuple, {X(0), 2}).emit(0).emit(push({Y6(0), Y6(3)})).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: tuple: push word 2: y3 is outside the frame (frame 1)");
}

// ---- control flow ----

TEST(VerifyRejects, FallThroughTheFunctionEnd) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_loadi, {X(0), 1});
  EXPECT_EQ(verify_error(b.m),
            "f.lzr: word 0: loadi: function main/0 falls through its end (its last instruction must be ret, tcall, jmp, raise or a select)");
}
TEST(VerifyRejects, ConditionalJumpAtTheEndFallsThrough) {
  ModuleBuilder b;
  b.func("main", 0).ret().emit(Op::op_eq, {X6(0), X6(1), -2});
  b.func("g", 0).ret();
  EXPECT_EQ(verify_error(b.m),
            "f.lzr: word 1: eq: function main/0 falls through its end (its last instruction must be ret, tcall, jmp, raise or a select)");
}
TEST(VerifyRejects, JumpOutsideTheFunction) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_lt, {X6(0), X6(1), 1}).ret();
  b.func("g", 0).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: lt: jump target 2 is outside function main/0 (words 0-1)");
}
TEST(VerifyRejects, BackwardJumpBeforeTheFunction) {
  ModuleBuilder b;
  b.func("main", 1).ret();
  b.func("g", 0).emit(Op::op_jmp, {-3});
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 1: jmp: jump target -1 is outside function g/0 (words 1-1)");
}
TEST(VerifyRejects, JumpIntoAnInstructionsExtraWords) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_gte, {X6(0), X6(1), 1}).emit(Op::op_load32, {X(0), 0}).emit(0).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: gte: jump target 2 is not an instruction start");
}
TEST(VerifyRejects, JumpIntoAPushWord) {
  ModuleBuilder b;
  b.func("main", 0).emit(Op::op_jmp, {2}).emit(Op::op_tuple, {X(0), 1}).emit(0).emit(push({X6(0)})).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: jmp: jump target 3 is not an instruction start");
}

// ---- catches: try, tryend, raise ----

// f/0 frame=2 whose code is `words`, then `ret x0`.
ModuleBuilder catching(std::initializer_list<uint32_t> words) {
  ModuleBuilder b;
  b.func("f", 0, 2);
  for (uint32_t w : words) b.emit(w);
  b.ret();
  return b;
}

TEST(VerifyCatches, AcceptsNestedCatchesAndARaiseThatEndsAFunction) {
  ModuleBuilder b;
  b.func("f", 0, 2);
  b.emit(Op::op_try, {Y(0), 6});                 // 0 -> 7
  b.emit(Op::op_try, {Y(1), 3});                 // 1 -> 5
  b.emit(Op::op_call, {X(0), b.atom("f/0")});    // 2
  b.emit(Op::op_tryend, {Y(1)});                 // 3
  b.emit(Op::op_jmp, {0});                       // 4 -> 5
  b.emit(Op::op_tryend, {Y(0)});                 // 5: the inner handler and the end of both
  b.ret();                                       // 6
  b.emit(Op::op_raise, {X(0), X(1), X(2)});      // 7: the outer handler re-raises
  EXPECT_EQ(verify_error(b.m), "");
}
TEST(VerifyCatches, AcceptsAHandlerThatCatchesAgain) {
  ModuleBuilder b;
  b.func("f", 1, 1);
  b.emit(Op::op_try, {Y(0), 2});                 // 0 -> 3
  b.emit(Op::op_tryend, {Y(0)});                 // 1
  b.ret();                                       // 2
  b.emit(Op::op_try, {Y(0), 2});                 // 3: the same slot, free again -> 6
  b.emit(Op::op_tryend, {Y(0)});                 // 4
  b.ret();                                       // 5
  b.emit(Op::op_mov, {X(0), Y(0), X(0)}).ret();  // 6: the ended slot reads as []
  EXPECT_EQ(verify_error(b.m), "");
}
TEST(VerifyCatches, SlotMustBeAYSlot) {
  EXPECT_EQ(verify_error(catching({insn(Op::op_try, {X(0), 0})}).m), "f.lzr: word 0: try: operand 1 must be a Y slot, not x0");
  EXPECT_EQ(verify_error(catching({insn(Op::op_tryend, {U(0)})}).m),
            "f.lzr: word 0: tryend: operand 1 must be a Y slot, not u0");
}
TEST(VerifyCatches, SlotMustBeInTheFrame) {
  EXPECT_EQ(verify_error(catching({insn(Op::op_try, {Y(2), 0})}).m), "f.lzr: word 0: try: y2 is outside the frame (frame 2)");
}
TEST(VerifyCatches, TryendPaddingMustBeZero) {
  EXPECT_EQ(verify_error(catching({insn(Op::op_tryend, {Y(0), 1})}).m),
            "f.lzr: word 0: tryend: unused bits 16-31 must be zero");
}
TEST(VerifyCatches, HandlerOutsideTheFunction) {
  ModuleBuilder b = catching({insn(Op::op_try, {Y(0), 5})});
  b.func("g", 0).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: try: jump target 6 is outside function f/0 (words 0-1)");
}
TEST(VerifyCatches, HandlerInsideAnInstruction) {
  ModuleBuilder b;
  b.func("f", 0, 1).emit(Op::op_try, {Y(0), 1}).emit(Op::op_load32, {X(0), 0}).emit(0).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: try: jump target 2 is not an instruction start");
}
TEST(VerifyCatches, TryOfAnActiveSlot) {
  EXPECT_EQ(verify_error(catching({insn(Op::op_try, {Y(0), 1}), insn(Op::op_try, {Y(0), 0})}).m),
            "f.lzr: word 1: try: y0 already holds an active catch");
}
TEST(VerifyCatches, TryendWithoutTry) {
  EXPECT_EQ(verify_error(catching({insn(Op::op_tryend, {Y(1)})}).m), "f.lzr: word 0: tryend: y1 holds no active catch");
}
TEST(VerifyCatches, TryendOfAnOuterCatch) {
  ModuleBuilder b = catching({insn(Op::op_try, {Y(0), 4}), insn(Op::op_try, {Y(1), 2}), insn(Op::op_tryend, {Y(0)})});
  b.ret().ret();  // 4, 5: the handlers
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 2: tryend: y0 is not the innermost active catch (y1 is)");
}
TEST(VerifyCatches, ReadingAnActiveSlot) {
  // Copying the marker out would let it reach data: rejected.
  EXPECT_EQ(verify_error(catching({insn(Op::op_try, {Y(0), 1}), insn(Op::op_mov, {X(0), Y(0), X(0)})}).m),
            "f.lzr: word 1: mov: y0 holds an active catch (only tryend y0 may use it)");
}
TEST(VerifyCatches, WritingAnActiveSlot) {
  ModuleBuilder b = catching({insn(Op::op_try, {Y(1), 1})});
  b.m.code.insert(b.m.code.begin() + 1, insn(Op::op_call, {Y(1), b.atom("f/0")}));
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 1: call: y1 holds an active catch (only tryend y1 may use it)");
}
TEST(VerifyCatches, ActiveSlotInAPushWord) {
  EXPECT_EQ(verify_error(catching({insn(Op::op_try, {Y(1), 3}), insn(Op::op_tuple, {X(0), 2}), 0,
                                   push({X6(0), Y6(1)})}).m),
            "f.lzr: word 1: tuple: y1 holds an active catch (only tryend y1 may use it)");
}
TEST(VerifyCatches, ReturnWithAnActiveCatch) {
  ModuleBuilder b = catching({insn(Op::op_try, {Y(0), 1})});
  b.ret();  // 2: the handler
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 1: ret: return while y0 holds an active catch (end it with tryend first)");
}
TEST(VerifyCatches, TailCallWithAnActiveCatch) {
  // A tail call replaces the frame that holds the catch: rejected, not
  // silently ended (docs/bytecode.md, "Catches").
  ModuleBuilder b;
  b.func("f", 0, 1).emit(Op::op_try, {Y(0), 1}).emit(Op::op_tcall, {0, b.atom("f/0")}).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 1: tcall: tail call while y0 holds an active catch (end it with tryend first)");
}
TEST(VerifyCatches, PathsThatDisagreeOnTheActiveCatches) {
  // A catch opened on one branch only.
  EXPECT_EQ(verify_error(catching({insn(Op::op_eq, {X6(0), X6(1), 1}), insn(Op::op_try, {Y(0), 1}),
                                   insn(Op::op_tryend, {Y(0)})}).m),
            "f.lzr: word 2: tryend: reached with active catches y0 (handler word 3) from word 1 but none from word 0");
}
TEST(VerifyCatches, PathsThatDisagreeOnTheHandler) {
  // Two tries of the same slot with different handlers meet: the handler
  // must be known from the instruction alone.
  ModuleBuilder b = catching({insn(Op::op_eq, {X6(0), X6(1), 2}), insn(Op::op_try, {Y(0), 3}), insn(Op::op_jmp, {1}),
                              insn(Op::op_try, {Y(0), 2}), insn(Op::op_tryend, {Y(0)})});
  b.ret();  // 6: the second try's handler (5 is the first's)
  EXPECT_EQ(verify_error(b.m),
            "f.lzr: word 4: tryend: reached with active catches y0 (handler word 6) from word 3 but y0 (handler "
            "word 5) from word 2");
}
TEST(VerifyCatches, HandlerReachedFromInsideItsOwnCatch) {
  // Jumping to the handler from inside the region would arrive with the
  // catch still active.
  EXPECT_EQ(verify_error(catching({insn(Op::op_try, {Y(0), 1}), insn(Op::op_jmp, {0}), insn(Op::op_tryend, {Y(0)})}).m),
            "f.lzr: word 2: tryend: reached with active catches y0 (handler word 2) from word 1 but none from word 0");
}
TEST(VerifyCatches, RaiseEndsAFunction) {
  ModuleBuilder b;
  b.func("f", 3).emit(Op::op_raise, {X(0), X(1), X(2)});
  EXPECT_EQ(verify_error(b.m), "");
}

// ---- native modules ----

ModuleFile native_module() {
  ModuleFile m;
  m.type = ModuleType::Native;
  m.native_name = "nat";
  m.native_libpath = "libnat.so";
  m.native_functions = {"add/2", "neg/1"};
  return m;
}

TEST(VerifyNative, AcceptsAWellFormedModule) { EXPECT_EQ(verify_error(native_module()), ""); }

TEST(VerifyRejects, NativeNameEmpty) {
  ModuleFile m = native_module();
  m.native_name = "";
  EXPECT_EQ(verify_error(m), "f.lzr: module name: must not be empty");
}
TEST(VerifyRejects, NativeNameNotUtf8) {
  ModuleFile m = native_module();
  m.native_name = "n\xFF";
  EXPECT_EQ(verify_error(m), "f.lzr: module name: is not valid UTF-8");
}
TEST(VerifyRejects, NativeLibraryPathEmpty) {
  ModuleFile m = native_module();
  m.native_libpath = "";
  EXPECT_EQ(verify_error(m), "f.lzr: library path: must not be empty");
}
TEST(VerifyRejects, NativeFunctionNotNameArity) {
  ModuleFile m = native_module();
  m.native_functions[1] = "neg";
  EXPECT_EQ(verify_error(m), "f.lzr: function 1: \"neg\" is not name/arity");
}
TEST(VerifyRejects, NativeFunctionWithAModule) {
  ModuleFile m = native_module();
  m.native_functions[0] = "nat.add/2";
  EXPECT_EQ(verify_error(m), "f.lzr: function 0: \"nat.add/2\" is not name/arity");
}
TEST(VerifyRejects, NativeFunctionNameNotUtf8) {
  ModuleFile m = native_module();
  m.native_functions[0] = "a\xFF/2";
  EXPECT_EQ(verify_error(m), "f.lzr: function 0 (a\\xFF/2): name is not valid UTF-8");
}
TEST(VerifyRejects, NativeFunctionDuplicate) {
  ModuleFile m = native_module();
  m.native_functions.push_back("add/2");
  EXPECT_EQ(verify_error(m), "f.lzr: function 2 (add/2): duplicate of function 0");
}

}  // namespace
}  // namespace lzr

namespace lzr {
namespace {

using test::insn;
using test::ModuleBuilder;
using test::push;
using test::verify_error;
using test::X;
using test::X6;
using test::Y;

// ---- defined X registers (bytecode.md §8.4, "Defined registers") ----

constexpr const char* kUndefined = " is read but not defined on every path here (defined: ";

TEST(VerifyDefinedRegs, ArgumentsAreDefinedAtEntryAndNothingElse) {
  ModuleBuilder b;
  b.func("f", 2).emit(Op::op_add, {X(0), X(0), X(1)}).ret();
  EXPECT_EQ(verify_error(b.m), "");
  ModuleBuilder c;
  c.func("f", 1).emit(Op::op_add, {X(0), X(0), X(1)}).ret();
  EXPECT_EQ(verify_error(c.m), std::string("f.lzr: word 0: add: x1") + kUndefined + "x0)");
}

TEST(VerifyDefinedRegs, AFunctionCannotReadItsCallersRegisters) {
  ModuleBuilder b;
  b.func("g", 0).ret(7);
  EXPECT_EQ(verify_error(b.m), std::string("f.lzr: word 0: ret: x7") + kUndefined + "none)");
}

TEST(VerifyDefinedRegs, AfterACallOnlyItsDestinationIsDefined) {
  // issue 11's example: under GC stress the engines disagreed on x2.
  ModuleBuilder b;
  b.func("f", 0)
      .emit(Op::op_loadi, {X(2), 5})
      .emit(Op::op_loadi, {X(0), 1})
      .emit(Op::op_call, {X(0), b.atom("kernel.is_integer/1")})
      .emit(Op::op_mov, {X(0), X(2), X(0)})
      .ret();
  EXPECT_EQ(verify_error(b.m), std::string("f.lzr: word 3: mov: x2") + kUndefined + "x0)");
  // A destination in a Y slot leaves no X register defined.
  b.m.code[2] = insn(Op::op_call, {Y(0), b.atom("kernel.is_integer/1")});
  b.m.code[3] = insn(Op::op_mov, {X(0), Y(0), X(0)});
  b.m.functions[0].frame = 1;
  EXPECT_EQ(verify_error(b.m), "");
}

TEST(VerifyDefinedRegs, CallsAndTailCallsReadTheirArguments) {
  ModuleBuilder b;
  b.func("f", 0).emit(Op::op_loadi, {X(0), 1}).emit(Op::op_call, {X(0), b.atom("g/2")}).ret();
  b.func("g", 2).ret();
  EXPECT_EQ(verify_error(b.m), std::string("f.lzr: word 1: call: x1 (an argument of g/2)") + kUndefined + "x0)");
  b.m.code[1] = insn(Op::op_tcall, {0, b.atom("g/2")});
  EXPECT_EQ(verify_error(b.m), std::string("f.lzr: word 1: tcall: x1 (an argument of g/2)") + kUndefined + "x0)");
  b.m.code[0] = insn(Op::op_loadi, {X(1), 1});
  EXPECT_EQ(verify_error(b.m), std::string("f.lzr: word 1: tcall: x0 (an argument of g/2)") + kUndefined + "x1)");
}

TEST(VerifyDefinedRegs, PushWordsAreReads) {
  ModuleBuilder b;
  b.func("f", 1).emit(Op::op_tuple, {X(0), 2}).emit(0xFFFFFFFF).emit(push({X6(0), X6(3)})).ret();
  EXPECT_EQ(verify_error(b.m), std::string("f.lzr: word 0: tuple: push word 2: x3") + kUndefined + "x0)");
}

TEST(VerifyDefinedRegs, ARegmaskKillsTheRegistersItLeavesOut) {
  // cons keeps x0 (its mask) and x2 (its destination); x1 may be [] after a collection.
  ModuleBuilder b;
  b.func("f", 2).emit(Op::op_cons, {X(2), X(0), X(1)}).emit(0b1).ret(1);
  EXPECT_EQ(verify_error(b.m), std::string("f.lzr: word 2: ret: x1") + kUndefined + "x0, x2)");
  b.m.code[1] = 0b10;
  EXPECT_EQ(verify_error(b.m), "");
}

TEST(VerifyDefinedRegs, PathsMeetByIntersection) {
  // eq jumps over the loadi: x1 is written on one path only.
  ModuleBuilder b;
  b.func("f", 1).emit(Op::op_eq, {X6(0), X6(0), 1}).emit(Op::op_loadi, {X(1), 1}).ret(1);
  EXPECT_EQ(verify_error(b.m), std::string("f.lzr: word 2: ret: x1") + kUndefined + "x0)");
}

TEST(VerifyDefinedRegs, LoopsReachAFixpoint) {
  // x1 is defined on entry to the loop, but the back edge comes after a
  // call that clobbers it: found when the loop head is looked at again.
  ModuleBuilder b;
  b.func("f", 1)
      .emit(Op::op_loadi, {X(1), 0})             // 0
      .emit(Op::op_add, {X(1), X(1), X(0)})      // 1: loop head
      .emit(Op::op_call, {X(0), b.atom("g/0")})  // 2
      .emit(Op::op_jmp, {-3})                    // 3: back to 1
      .func("g", 0)
      .emit(Op::op_loadi, {X(0), 0})
      .ret();
  EXPECT_EQ(verify_error(b.m), std::string("f.lzr: word 1: add: x1") + kUndefined + "x0)");
}

TEST(VerifyDefinedRegs, AHandlerHasClassReasonAndTraceOnly) {
  ModuleBuilder b;
  b.func("f", 0, 1)
      .emit(Op::op_loadi, {X(3), 1})  // 0
      .emit(Op::op_try, {Y(0), 2})    // 1: handler at 4
      .emit(Op::op_tryend, {Y(0)})    // 2
      .ret(3)                         // 3
      .emit(Op::op_add, {X(0), X(1), X(2)})  // 4: the handler
      .ret(3);
  EXPECT_EQ(verify_error(b.m), std::string("f.lzr: word 5: ret: x3") + kUndefined + "x0-x2)");
  b.m.code[5] = insn(Op::op_ret, {X(0)});
  EXPECT_EQ(verify_error(b.m), "");
}

TEST(VerifyDefinedRegs, ASwapMoveReadsItsDestination) {
  ModuleBuilder b;
  b.func("f", 1, 1).emit(Op::op_mov, {X(1), X(0), Y(0)}).ret(1);
  EXPECT_EQ(verify_error(b.m), std::string("f.lzr: word 0: mov: x1") + kUndefined + "x0)");
  b.m.code[0] = insn(Op::op_mov, {X(1), X(0), X(1)});  // plain move: writes x1 only
  EXPECT_EQ(verify_error(b.m), "");
}

TEST(VerifyDefinedRegs, YSlotsUpvaluesAndUnreachableCodeAreFine) {
  ModuleBuilder b;
  b.func("f", 0, 1).emit(Op::op_ret, {Y(0)}).ret(9);  // the second ret never runs
  b.func("g", 0, 0, 1).emit(Op::op_ret, {test::U(0)});
  EXPECT_EQ(verify_error(b.m), "");
}


// ---- receive (bytecode.md, "Receive") ----

constexpr const char* kNoMessage =
    "no message is under the receive cursor on every path here (reach it from a recv that found one, with no "
    "recvnext, accept or wait in between)";

TEST(VerifyReceive, AcceptAndRecvnextNeedAMessageUnderTheCursor) {
  ModuleBuilder b;
  b.func("f", 0).emit(Op::op_accept, {0, 0}).emit(Op::op_loadi, {X(0), 1}).ret();
  EXPECT_EQ(verify_error(b.m), std::string("f.lzr: word 0: accept: ") + kNoMessage);
  ModuleBuilder c;
  c.func("f", 0).emit(Op::op_recvnext, {0, -1});
  c.emit(Op::op_jmp, {-2});
  EXPECT_EQ(verify_error(c.m), std::string("f.lzr: word 0: recvnext: ") + kNoMessage);
}

TEST(VerifyReceive, AcceptEndsTheMessageAndRecvsNoneBranchHasNone) {
  // recv x0, none; accept; accept: the second has no message.
  ModuleBuilder b;
  b.func("f", 0).emit(Op::op_recv, {X(0), 3}).emit(Op::op_accept, {0, 0}).emit(Op::op_accept, {0, 0}).ret();
  b.emit(Op::op_loadi, {X(0), 1}).ret();  // 4: the none branch
  EXPECT_EQ(verify_error(b.m), std::string("f.lzr: word 2: accept: ") + kNoMessage);
  // recv x0, none -> the none branch accepts: nothing is there.
  ModuleBuilder c;
  c.func("f", 0).emit(Op::op_recv, {X(0), 1}).ret().emit(Op::op_accept, {0, 0});
  c.emit(Op::op_loadi, {X(0), 1}).ret();
  EXPECT_EQ(verify_error(c.m), std::string("f.lzr: word 2: accept: ") + kNoMessage);
  // A path that joins without a message (after wait) is refused too.
  ModuleBuilder d;
  d.func("f", 0).emit(Op::op_loadi, {X(1), 0});
  d.emit(Op::op_recv, {X(0), 2});                 // 1 -> 4
  d.emit(Op::op_accept, {0, 0});                  // 2
  d.ret();                                        // 3
  d.emit(Op::op_wait, {X(1), -4});                // 4 -> 1
  d.emit(Op::op_accept, {0, 0});                  // 5: after wait's fall-through
  d.emit(Op::op_loadi, {X(0), 1}).ret();
  EXPECT_EQ(verify_error(d.m), std::string("f.lzr: word 5: accept: ") + kNoMessage);
}

TEST(VerifyReceive, RecvDefinesItsDestinationOnlyWhenAMessageIsThere) {
  ModuleBuilder b;
  b.func("f", 0).emit(Op::op_recv, {X(0), 2}).emit(Op::op_accept, {0, 0}).ret();
  b.ret();  // the none branch reads x0
  EXPECT_EQ(verify_error(b.m), std::string("f.lzr: word 3: ret: x0") + kUndefined + "none)");
}

TEST(VerifyReceive, WaitReadsItsTimeoutAndRecvnextDoesNotFallThrough) {
  ModuleBuilder b;
  b.func("f", 0).emit(Op::op_wait, {X(3), -1});
  b.emit(Op::op_loadi, {X(0), 1}).ret();
  EXPECT_EQ(verify_error(b.m), std::string("f.lzr: word 0: wait: x3") + kUndefined + "none)");
  // recvnext as a function's last instruction: it jumps, but a function
  // must still end with ret, tcall, jmp or raise.
  ModuleBuilder c;
  c.func("f", 0).emit(Op::op_recv, {X(0), 1}).emit(Op::op_recvnext, {0, -2});
  c.emit(Op::op_loadi, {X(0), 1}).ret();
  EXPECT_EQ(verify_error(c.m), "");
}
}  // namespace
}  // namespace lzr

// ---- bif / gcbif (register-preserving built-in calls) ----
namespace lzr {
namespace {

using test::ModuleBuilder;
using test::push;
using test::verify_error;
using test::X;
using test::X6;
using test::Y;
using test::Y6;

TEST(VerifyBuiltinCalls, AcceptsListedBuiltinsWithTheirArguments) {
  ModuleBuilder b;
  b.func("f", 3, 1)
      .emit(Op::op_bif, {X(3), b.atom("map.get/3")}).emit(push({X6(0), X6(1), Y6(0)}))
      .emit(Op::op_bif, {Y(0), b.atom("kernel.compare/2")}).emit(push({X6(3), X6(2)}))
      .emit(Op::op_gcbif, {X(4), b.atom("float.round/1")}).emit(0x1F).emit(push({X6(2)}))
      .emit(Op::op_gcbif, {X(5), b.atom("map.has_key/2")}).emit(0).emit(push({X6(4), Y6(0)}))  // gcbif takes any
      .emit(Op::op_bif, {X(6), b.atom("math.pi/0")})
      .emit(Op::op_ret, {X(6)});
  EXPECT_EQ(verify_error(b.m), "");
}

TEST(VerifyBuiltinCalls, RejectsFunctionsThatAreNotListed) {
  for (const char* target : {"io.print/1", "kernel.error/1", "map.new/0", "helper/0", "demo.helper/0", "nosuch.f/1",
                             "map.get/2"}) {
    ModuleBuilder b;
    b.func("f", 1).emit(Op::op_bif, {X(0), b.atom(target)}).emit(push({X6(0)})).emit(Op::op_ret, {X(0)});
    b.func("helper", 0).ret();
    EXPECT_EQ(verify_error(b.m), std::string("f.lzr: word 0: bif: ") + target +
                                     " is not a built-in that keeps registers (docs/builtins.md lists them); call it "
                                     "with call")
        << target;
  }
}

TEST(VerifyBuiltinCalls, AnAllocatingBuiltinNeedsGcbif) {
  ModuleBuilder b;
  b.func("f", 1).emit(Op::op_bif, {X(0), b.atom("list.reverse/1")}).emit(push({X6(0)})).emit(Op::op_ret, {X(0)});
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: bif: list.reverse/1 may allocate: call it with gcbif, which has a regmask");
}

TEST(VerifyBuiltinCalls, ArgumentsComeFromPushWords) {
  ModuleBuilder b;
  b.func("f", 2).emit(Op::op_bif, {X(0), b.atom("map.has_key/2")}).emit(Op::op_loadi, {X(0), 0}).emit(Op::op_ret, {X(0)});
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: bif: word 1 should be a push, found opcode 10");
  ModuleBuilder c;
  c.func("f", 2).emit(Op::op_gcbif, {X(0), c.atom("map.has_key/2")}).emit(0).emit(push({X6(0), X6(1), X6(1)}));
  c.emit(Op::op_ret, {X(0)});
  EXPECT_EQ(verify_error(c.m), "f.lzr: word 0: gcbif: push word 2: unused operand 3 must be zero");
  ModuleBuilder d;
  d.func("f", 2, 1).emit(Op::op_bif, {X(0), d.atom("map.has_key/2")}).emit(push({X6(0), Y6(1)})).emit(Op::op_ret, {X(0)});
  EXPECT_EQ(verify_error(d.m), "f.lzr: word 0: bif: push word 1: y1 is outside the frame (frame 1)");
  ModuleBuilder e;
  e.func("f", 1).emit(Op::op_bif, {X(0), e.atom("map.get/3")});  // its push word missing
  EXPECT_EQ(verify_error(e.m), "f.lzr: word 0: bif: needs 2 words but function f/1 ends at word 1");
}

TEST(VerifyBuiltinCalls, ReadsOnlyDefinedArguments) {
  ModuleBuilder b;
  b.func("f", 1).emit(Op::op_bif, {X(1), b.atom("kernel.max/2")}).emit(push({X6(0), X6(3)})).emit(Op::op_ret, {X(1)});
  EXPECT_EQ(verify_error(b.m), std::string("f.lzr: word 0: bif: push word 1: x3") + kUndefined + "x0)");
}

// bif keeps every register defined; gcbif keeps its regmask's, as cons does;
// call keeps none.
TEST(VerifyBuiltinCalls, WhatStaysDefinedAfterTheCall) {
  ModuleBuilder b;
  b.func("f", 3)
      .emit(Op::op_bif, {X(3), b.atom("map.get/3")}).emit(push({X6(0), X6(1), X6(2)}))
      .emit(Op::op_add, {X(0), X(0), X(2)})
      .emit(Op::op_ret, {X(3)});
  EXPECT_EQ(verify_error(b.m), "");
  ModuleBuilder c;
  c.func("f", 3)
      .emit(Op::op_gcbif, {X(3), c.atom("map.get/3")}).emit(0b001).emit(push({X6(0), X6(1), X6(2)}))
      .emit(Op::op_add, {X(0), X(0), X(2)})
      .emit(Op::op_ret, {X(3)});
  EXPECT_EQ(verify_error(c.m), std::string("f.lzr: word 3: add: x2") + kUndefined + "x0, x3)");
}

}  // namespace
}  // namespace lzr

// ---- pattern matching (match-insns) ----
namespace lzr {
namespace {

constexpr int64_t kTuple = static_cast<int64_t>(TypeTest::Tuple);
constexpr int64_t kFunction = static_cast<int64_t>(TypeTest::Function);

TEST(VerifyRejects, UnknownTypeTest) {
  ModuleBuilder b;
  b.func("main", 1).emit(Op::op_is, {X6(0), 20, 0}).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: is: unknown type test 20 (0-13 are defined)");
  b.m.code[0] = insn(Op::op_is, {X6(0), 31 | kTypeTestNegate, 0});
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: is: unknown type test 31 (0-13 are defined)");
}
TEST(VerifyRejects, TypeTestsPastReference) {
  // 12 (pid) and 13 (reference) are defined since processes; 14 is the
  // first unknown one.
  ModuleBuilder b;
  b.func("main", 1).emit(Op::op_is, {X6(0), 12, 0}).ret();
  EXPECT_EQ(verify_error(b.m), "");
  b.m.code[0] = insn(Op::op_is, {X6(0), 13 | kTypeTestNegate, 0});
  EXPECT_EQ(verify_error(b.m), "");
  b.m.code[0] = insn(Op::op_is, {X6(0), 14, 0});
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: is: unknown type test 14 (0-13 are defined)");
}
TEST(VerifyRejects, ArityTestOfAnotherType) {
  ModuleBuilder b;
  b.func("main", 1).emit(Op::op_is_arity, {X6(0), 3, 0}).emit(2).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: is_arity: tests tuple (8) or function (11), not 3 (atom)");
}
TEST(VerifyRejects, FunctionArityBeyond32) {
  ModuleBuilder b;
  b.func("main", 1).emit(Op::op_is_arity, {X6(0), kFunction, 0}).emit(33).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: is_arity: function arity 33 exceeds 32");
  b.m.code[1] = 32;
  EXPECT_EQ(verify_error(b.m), "");
  b.m.code[0] = insn(Op::op_is_arity, {X6(0), kTuple, 0});  // any tuple arity
  b.m.code[1] = 0xFFFFFFFF;
  EXPECT_EQ(verify_error(b.m), "");
}
TEST(VerifyRejects, ArityTestCutByTheFunctionEnd) {
  ModuleBuilder b;
  b.func("main", 1).emit(Op::op_ret, {X(0)}).emit(Op::op_is_arity, {X6(0), kTuple, 0});
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 1: is_arity: needs 2 words but function main/1 ends at word 2");
}
TEST(VerifyRejects, TypeTestJumpOutside) {
  ModuleBuilder b;
  b.func("main", 1).emit(Op::op_is, {X6(0), kTuple, 5}).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: is: jump target 6 is outside function main/1 (words 0-1)");
  b.m.code[0] = insn(Op::op_eqx, {X6(0), X6(0), -2});
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: eqx: jump target -1 is outside function main/1 (words 0-1)");
}
TEST(VerifyRejects, TypeTestReadsAnUndefinedRegister) {
  ModuleBuilder b;
  b.func("main", 1).emit(Op::op_is, {X6(3), kTuple, 0}).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: is: x3 is read but not defined on every path here (defined: x0)");
}

// select x0 with the given pairs (default and pair jumps given), then two rets.
ModuleBuilder select_module(std::vector<uint32_t> pairs, int32_t fallback = 0, Op op = Op::op_select) {
  ModuleBuilder b;
  b.func("main", 1).emit(op, {X(0), static_cast<int64_t>(pairs.size())}).emit(static_cast<uint32_t>(fallback));
  for (uint32_t w : pairs) b.emit(w);
  b.ret().ret();
  return b;
}

TEST(VerifyAccepts, SelectEndsAFunction) {
  ModuleBuilder b;
  b.func("main", 1).emit(Op::op_ret, {X(0)}).emit(Op::op_select, {X(0), 1}).emit(static_cast<uint32_t>(-4));
  b.emit(table_word(b.atom("a"), -4));
  EXPECT_EQ(verify_error(b.m), "");
  std::vector<size_t> targets;
  jump_targets(b.m, 1, targets);
  EXPECT_EQ(targets, (std::vector<size_t>{0, 0}));
}
TEST(VerifyRejects, SelectValueOutOfRange) {
  ModuleBuilder b = select_module({table_word(99, 0)});
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: select: pair 0: literal 99 is out of range (2 literals)");
}
TEST(VerifyRejects, SelectValueOfAnotherKind) {
  for (const Literal& lit : {Literal::floating(1.5), Literal::integer(int64_t{1} << 40), Literal::list({}),
                             Literal::binary("a"), Literal::integer(int64_t{1} << 50)}) {
    ModuleBuilder b;
    const uint16_t k = b.lit(lit);
    b.func("main", 1).emit(Op::op_select, {X(0), 1}).emit(0).emit(table_word(k, 0)).ret();
    EXPECT_EQ(verify_error(b.m),
              fmt::format("f.lzr: word 0: select: pair 0: literal {} is not an atom or an integer of at most 32 bits", k));
  }
}
TEST(VerifyRejects, SelectRepeatedValue) {
  ModuleBuilder b;
  const uint16_t a = b.atom("a"), five = b.lit(Literal::integer(5));
  Literal wide = Literal::integer(5);
  wide.encoding = ByteTermType::I32;  // another literal, the same value
  const uint16_t five32 = b.lit(wide);
  Literal a2 = Literal::atom("a");
  const uint16_t other_a = b.lit(a2);
  b.func("main", 1).emit(Op::op_select, {X(0), 2}).emit(0).emit(table_word(a, 0)).emit(table_word(other_a, 0)).ret();
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: select: pair 1: value :a repeats pair 0");
  b.m.code[2] = table_word(five, 0);
  b.m.code[3] = table_word(five32, 0);
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: select: pair 1: value 5 repeats pair 0");
}
TEST(VerifyRejects, SelectArityRepeated) {
  ModuleBuilder b = select_module({table_word(2, 0), table_word(2, 1)}, 0, Op::op_select_arity);
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: select_arity: pair 1: arity 2 repeats pair 0");
}
TEST(VerifyRejects, SelectTargetsChecked) {
  ModuleBuilder b = select_module({table_word(2, 5)}, 0, Op::op_select_arity);
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: select_arity: pair 0: jump target 8 is outside function main/1 (words 0-4)");
  b = select_module({table_word(2, 0)}, -2, Op::op_select_arity);
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: select_arity: default: jump target 1 is not an instruction start");
  b = select_module({table_word(2, 0)}, -100, Op::op_select_arity);
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: select_arity: default: jump target -97 is outside function main/1 (words 0-4)");
}
TEST(VerifyRejects, SelectTableCutByTheFunctionEnd) {
  ModuleBuilder b;
  b.func("main", 1).emit(Op::op_ret, {X(0)}).emit(Op::op_select, {X(0), 40}).emit(0);
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 1: select: needs 42 words but function main/1 ends at word 3");
}
TEST(VerifyRejects, SelectReadsAnUndefinedRegister) {
  ModuleBuilder b = select_module({table_word(2, 0)}, 0, Op::op_select_arity);
  b.m.code[0] = insn(Op::op_select_arity, {X(5), 1});
  EXPECT_EQ(verify_error(b.m), "f.lzr: word 0: select_arity: x5 is read but not defined on every path here (defined: x0)");
}
TEST(VerifyRejects, SelectPathsAgreeOnCatches) {
  // A table target inside a catch that another path reaches outside it.
  ModuleBuilder b;
  b.func("main", 1, 1);
  b.emit(Op::op_try, {Y(0), 4});                                   // 0 -> 5
  b.emit(Op::op_select_arity, {X(0), 1}).emit(1).emit(table_word(2, 0));  // 1: default -> 5, 2 -> 4
  b.emit(Op::op_tryend, {Y(0)});                                   // 4
  b.ret();                                                         // 5
  EXPECT_EQ(verify_error(b.m),
            "f.lzr: word 5: ret: reached with active catches y0 (handler word 5) from word 1 but none from word 0");
}

}  // namespace
}  // namespace lzr

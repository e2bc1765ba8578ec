// Module container: exact layouts, byte-for-byte round trips, and every
// reader rejection with its exact message.
#include <gtest/gtest.h>

#include <string>

#include "format/module_file.h"
#include "module_builder.h"

namespace lzr {
namespace {

using namespace std::string_literals;
using test::le;
using test::read_error;

std::string to_string(const std::vector<uint8_t>& v) { return std::string(v.begin(), v.end()); }

ModuleFile read_ok(const std::string& bytes) {
  LoadError err;
  auto m = read_module(bytes, "f.lzr", err);
  EXPECT_TRUE(m.has_value()) << err.message;
  return m.value_or(ModuleFile{});
}

// Header of a script module with the given counts.
std::string script_header(uint16_t literals, uint32_t code_words) {
  std::string s = "LZR\x01"s;
  le(s, literals, 2);
  le(s, code_words, 4);
  return s;
}

// ---- layouts ----

TEST(ModuleFile, ScriptLayoutIsExactlyAsSpecified) {
  test::ModuleBuilder b("m");
  b.func("main", 0, 2, 0).ret(1);
  std::string expected = "LZR\x01"s            // header, type 1
                         "\x02\x00"s           // num_literals
                         "\x01\x00\x00\x00"s   // num_code_words
                         "\x07\x01m"s          // literal 0: atom m
                         "\x07\x04main"s       // literal 1: atom main
                         "\x01\x01\x00\x00"s   // ret x1
                         "\x00\x00"s           // module_name: literal 0
                         "\x01\x00"s           // num_functions
                         "\x01\x00"s           // name: literal 1 (:main)
                         "\x00\x02\x00\x00"s   // arity, frame, upvals, reserved
                         "\x00\x00\x00\x00"s;  // entry
  EXPECT_EQ(b.bytes(), expected);
  ModuleFile m = read_ok(expected);
  EXPECT_EQ(m.type, ModuleType::Script);
  EXPECT_EQ(m.name(), "m");
  ASSERT_EQ(m.functions.size(), 1u);
  EXPECT_EQ(m.functions[0].frame, 2);
  EXPECT_EQ(m.code, std::vector<uint32_t>{0x101u});
}

TEST(ModuleFile, NativeLayoutIsExactlyAsSpecified) {
  ModuleFile m;
  m.type = ModuleType::Native;
  m.native_name = "nat";
  m.native_libpath = "lib/nat.so";
  m.native_functions = {"add/2", "neg/1"};
  std::string expected = "LZR\x00"s "\x03\x02\x00\x00"s "nat" "lib/nat.so\x00"s "add/2\x00"s "neg/1\x00"s;
  EXPECT_EQ(to_string(write_module(m)), expected);
  ModuleFile back = read_ok(expected);
  EXPECT_EQ(back.type, ModuleType::Native);
  EXPECT_EQ(back.name(), "nat");
  EXPECT_EQ(back.native_libpath, "lib/nat.so");
  EXPECT_EQ(back.native_functions, m.native_functions);
}

TEST(ModuleFile, FunctionEntryFieldsRoundTrip) {
  test::ModuleBuilder b;
  b.func("f", 3, 4, 5).ret();
  b.m.functions[0].reserved = 0;
  b.func("g", 32, 32, 32).ret();
  ModuleFile back = read_ok(b.bytes());
  ASSERT_EQ(back.functions.size(), 2u);
  EXPECT_EQ(back.functions[1].arity, 32);
  EXPECT_EQ(back.functions[1].frame, 32);
  EXPECT_EQ(back.functions[1].upvals, 32);
  EXPECT_EQ(back.functions[1].entry, 1u);
  EXPECT_EQ(back.functions[0].upvals, 5);
}

TEST(ModuleFile, EveryLiteralTypeRoundTripsInAModule) {
  test::ModuleBuilder b;
  b.lit(Literal::integer(-3));
  b.lit(Literal::integer(200));
  b.lit(Literal::integer(-30000));
  b.lit(Literal::integer(1 << 20));
  b.lit(Literal::floating(0.5));
  b.lit(Literal::floating(0.1));
  b.lit(Literal::binary("bytes\0"s));
  b.lit(Literal::list({Literal::integer(1)}));
  b.lit(Literal::tuple({Literal::atom("a"), Literal::map({Literal::atom("k"), Literal::list({})})}));
  Literal odd = Literal::integer(1);
  odd.encoding = ByteTermType::I32;  // non-canonical: must survive
  b.lit(odd);
  Literal wide = Literal::list({});
  wide.encoding = ByteTermType::List32;
  b.lit(wide);
  b.func("main", 0).ret();
  std::string bytes = b.bytes();
  ModuleFile back = read_ok(bytes);
  EXPECT_EQ(back.literals, b.m.literals);
  EXPECT_EQ(back.code, b.m.code);
  EXPECT_EQ(to_string(write_module(back)), bytes);
}

TEST(ModuleFile, HandWrittenNonCanonicalFileRoundTripsByteForByte) {
  std::string bytes = script_header(3, 1);
  bytes += "\x07\x01m"s;                 // atom m
  bytes += "\x02\x01\x00\x00\x00"s;      // 1 as int32
  bytes += "\x0F\x01\x00\x05\x01\x04\x00\x00\x00\x00\x00\x00\x00\x00"s;  // %{1 => 0.0} as map16, uint8, float64
  le(bytes, 0x00000001, 4);              // ret x0
  bytes += "\x00\x00\x00\x00"s;          // module name 0, no functions
  ModuleFile m = read_ok(bytes);
  EXPECT_EQ(m.literals[1].encoding, ByteTermType::I32);
  EXPECT_EQ(m.literals[2].encoding, ByteTermType::Map16);
  EXPECT_EQ(m.literals[2].items[0].encoding, ByteTermType::U8);
  EXPECT_EQ(m.literals[2].items[1].encoding, ByteTermType::F64);
  EXPECT_EQ(to_string(write_module(m)), bytes);
}

TEST(ModuleFile, WriterReplacesAnEncodingThatCannotHoldTheValue) {
  test::ModuleBuilder b;
  Literal lit = Literal::integer(1000);
  lit.encoding = ByteTermType::I8;
  b.lit(lit);
  ModuleFile back = read_ok(b.bytes());
  EXPECT_EQ(back.literals[1].i, 1000);
  EXPECT_EQ(back.literals[1].encoding, ByteTermType::I16);
}

TEST(ModuleFile, EmptyScriptModuleReads) {
  std::string bytes = script_header(0, 0) + "\x00\x00\x00\x00"s;
  ModuleFile m = read_ok(bytes);
  EXPECT_TRUE(m.literals.empty());
  EXPECT_EQ(m.name(), "");  // module name literal does not exist
}

TEST(ModuleFile, NameOfAScriptWhoseNameLiteralIsNotAnAtomIsEmpty) {
  ModuleFile m;
  m.literals = {Literal::integer(1)};
  EXPECT_EQ(m.name(), "");
}

// ---- reader rejections, one each ----

TEST(ReadRejects, TruncatedHeader) {
  EXPECT_EQ(read_error("LZ"), "f.lzr: byte 0: truncated header (needs 4 bytes, 2 left)");
}
TEST(ReadRejects, BadMagic) {
  EXPECT_EQ(read_error("LZX\x01"s), "f.lzr: byte 0: not a Lazer module (the file does not start with \"LZR\")");
}
TEST(ReadRejects, UnknownModuleType) {
  EXPECT_EQ(read_error("LZR\x07"s), "f.lzr: byte 3: unknown module type 7 (0 = native, 1 = script)");
}
TEST(ReadRejects, TruncatedScriptHeader) {
  EXPECT_EQ(read_error("LZR\x01\x00\x00\x00"s), "f.lzr: byte 4: truncated script header (needs 6 bytes, 3 left)");
}
TEST(ReadRejects, LiteralCountThatCannotFit) {
  EXPECT_EQ(read_error(script_header(3, 0) + "\x00\x00\x00\x00"s),
            "f.lzr: byte 4: 3 literals cannot fit in the 4 bytes left");
  EXPECT_EQ(read_error(script_header(65535, 0) + "\x00"s), "f.lzr: byte 4: 65535 literals cannot fit in the 1 byte left");
}
TEST(ReadRejects, BadLiteralInAModuleNamesItsFileOffset) {
  EXPECT_EQ(read_error(script_header(2, 0) + "\x07\x01m\x06\x00\x00\x00\x00\x00"s),
            "f.lzr: byte 13: literal type 6 is reserved");
}
TEST(ReadRejects, TruncatedCode) {
  EXPECT_EQ(read_error(script_header(0, 2) + "\x01\x00\x00\x00\x00"s),
            "f.lzr: byte 10: truncated code (needs 8 bytes, 5 left)");
}
TEST(ReadRejects, HugeCodeCountFailsBeforeAllocating) {
  EXPECT_EQ(read_error(script_header(0, 0xFFFFFFFF) + "\x00\x00\x00\x00"s),
            "f.lzr: byte 10: truncated code (needs 17179869180 bytes, 4 left)");
}
TEST(ReadRejects, TruncatedFunctionTableHeader) {
  EXPECT_EQ(read_error(script_header(0, 0) + "\x00\x00\x00"s),
            "f.lzr: byte 10: truncated function table header (needs 4 bytes, 3 left)");
}
TEST(ReadRejects, TruncatedFunctionTable) {
  EXPECT_EQ(read_error(script_header(0, 0) + "\x00\x00\x02\x00"s + std::string(15, '\0')),
            "f.lzr: byte 14: truncated function table (needs 20 bytes, 15 left)");
}
TEST(ReadRejects, BytesAfterTheFunctionTableThatAreNoDebugSection) {
  test::ModuleBuilder b;
  b.func("main", 0).ret();
  std::string bytes = b.bytes();
  const size_t end = bytes.size();
  EXPECT_EQ(read_error(bytes + "xy"),
            "f.lzr: byte " + std::to_string(end) + ": truncated debug section header (needs 5 bytes, 2 left)");
}
TEST(ReadRejects, TruncatedNativeHeader) {
  EXPECT_EQ(read_error("LZR\x00\x01"s), "f.lzr: byte 4: truncated native header (needs 4 bytes, 1 left)");
}
TEST(ReadRejects, TruncatedNativeModuleName) {
  EXPECT_EQ(read_error("LZR\x00\x05\x00\x00\x00na"s), "f.lzr: byte 8: truncated module name (needs 5 bytes, 2 left)");
}
TEST(ReadRejects, NativeModuleNameNotUtf8) {
  EXPECT_EQ(read_error("LZR\x00\x02\x00\x00\x00n\xFFlib\x00"s), "f.lzr: byte 8: module name is not valid UTF-8");
}
TEST(ReadRejects, NativeModuleNameWithNul) {
  EXPECT_EQ(read_error("LZR\x00\x02\x00\x00\x00n\x00lib\x00"s), "f.lzr: byte 8: module name contains a NUL byte");
}
TEST(ReadRejects, NativeLibraryPathNotTerminated) {
  EXPECT_EQ(read_error("LZR\x00\x03\x00\x00\x00natlib.so"s), "f.lzr: byte 11: library path is not NUL-terminated");
}
TEST(ReadRejects, NativeFunctionCountThatCannotFit) {
  EXPECT_EQ(read_error("LZR\x00\x03\x02\x00\x00natl\x00" "f/0\x00\x00"s),
            "f.lzr: byte 13: 2 function names cannot fit in the 5 bytes left");
}
TEST(ReadRejects, NativeFunctionNameNotTerminated) {
  EXPECT_EQ(read_error("LZR\x00\x03\x02\x00\x00natl\x00" "f/0\x00g/1/2"s),
            "f.lzr: byte 17: function name 1 is not NUL-terminated");
}
TEST(ReadRejects, TrailingBytesAfterNativeFunctions) {
  EXPECT_EQ(read_error("LZR\x00\x03\x01\x00\x00natl\x00" "f/0\x00zz"s),
            "f.lzr: byte 17: 2 unexpected bytes after the function names");
}

}  // namespace
}  // namespace lzr

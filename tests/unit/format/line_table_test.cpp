// The line table, the optional debug section after the function table:
// reading, writing (byte for byte), and every reader and verifier message.
#include <gtest/gtest.h>

#include <string>

#include "module_builder.h"

namespace lzr {
namespace {

using namespace std::string_literals;
using test::ModuleBuilder;
using test::read_error;
using test::verify_error;
using test::X;

// main/0: loadi x0, 1 (word 0); load32 x0, int, 7 (words 1-2); ret x0 (word 3).
ModuleBuilder three_instructions() {
  ModuleBuilder b("m");
  b.func("main", 0);
  b.emit(Op::op_loadi, {X(0), 1});
  b.emit(Op::op_load32, {X(0), 0}).emit(7);
  b.ret();
  return b;
}

// The module's bytes with `section` appended after the function table; `at`
// is where the section starts.
std::string with_section(const std::string& section, size_t& at) {
  std::string bytes = three_instructions().bytes();
  at = bytes.size();
  return bytes + section;
}

// A line table section around `payload`: kind 1, its size, the payload.
std::string line_section(const std::string& payload) {
  std::string out = "\x01"s;
  test::le(out, payload.size(), 4);
  return out + payload;
}

std::string at_byte(size_t n, const std::string& message) { return "f.lzr: byte " + std::to_string(n) + ": " + message; }

TEST(LineTable, ReadsDeltasIntoWordsAndLines) {
  size_t at = 0;
  // file "m.lzs"; entries (0, 3), (1, 5), (3, 4): word deltas 0, 1, 2; line deltas 3, 2, -1.
  const std::string bytes = with_section(line_section("\x05m.lzs\x00\x03\x01\x02\x02\x7F"s), at);
  LoadError err;
  auto m = read_module(bytes, "f.lzr", err);
  ASSERT_TRUE(m) << err.message;
  ASSERT_TRUE(m->lines);
  EXPECT_EQ(m->lines->file, "m.lzs");
  EXPECT_EQ(m->lines->entries, (std::vector<LineEntry>{{0, 3}, {1, 5}, {3, 4}}));
  EXPECT_EQ(verify_error(*m), "");
  std::vector<uint8_t> again = write_module(*m);
  EXPECT_EQ(std::string(again.begin(), again.end()), bytes);
  EXPECT_EQ(line_table_offsets(*m), (std::vector<size_t>{at + 5, at + 11, at + 13, at + 15}));
}

TEST(LineTable, WritesMultiByteDeltas) {
  ModuleBuilder b = three_instructions();
  b.m.lines = LineTable{"x", {{0, 200000}, {3, 1}}};  // deltas 200000 and -199999 take three bytes each
  const std::string bytes = b.bytes();
  LoadError err;
  auto back = read_module(bytes, "f.lzr", err);
  ASSERT_TRUE(back) << err.message;
  EXPECT_EQ(back->lines, b.m.lines);
  EXPECT_EQ(verify_error(*back), "");
  EXPECT_EQ(bytes.size(), three_instructions().bytes().size() + 5 + 2 + 4 + 4);
}

TEST(LineTable, ModulesWithoutOneHaveNone) {
  LoadError err;
  auto m = read_module(three_instructions().bytes(), "f.lzr", err);
  ASSERT_TRUE(m) << err.message;
  EXPECT_FALSE(m->lines);
  EXPECT_TRUE(line_table_offsets(*m).empty());
}

// ---- reader ----

TEST(LineTableReadRejects, TruncatedSectionHeader) {
  size_t at = 0;
  const std::string bytes = with_section("\x01\x00\x00"s, at);
  EXPECT_EQ(read_error(bytes), at_byte(at, "truncated debug section header (needs 5 bytes, 3 left)"));
}
TEST(LineTableReadRejects, UnknownSectionKind) {
  size_t at = 0;
  const std::string bytes = with_section("\x02\x00\x00\x00\x00"s, at);
  EXPECT_EQ(read_error(bytes), at_byte(at, "unknown debug section kind 2 (1 = line table)"));
}
TEST(LineTableReadRejects, SectionLongerThanTheFile) {
  size_t at = 0;
  const std::string bytes = with_section("\x01\x09\x00\x00\x00\x01m"s, at);
  EXPECT_EQ(read_error(bytes), at_byte(at + 5, "truncated line table (needs 9 bytes, 2 left)"));
}
TEST(LineTableReadRejects, EmptyPayload) {
  size_t at = 0;
  const std::string bytes = with_section(line_section(""), at);
  EXPECT_EQ(read_error(bytes), at_byte(at + 5, "truncated line table file name length (needs 1 byte, 0 left)"));
}
TEST(LineTableReadRejects, FileNameLongerThanThePayload) {
  size_t at = 0;
  // The bytes after the payload do not count: the name must fit the section.
  const std::string bytes = with_section(line_section("\x05m.l"s) + "zs", at);
  EXPECT_EQ(read_error(bytes), at_byte(at + 6, "truncated line table file name (needs 5 bytes, 3 left)"));
}
TEST(LineTableReadRejects, TruncatedWordDelta) {
  size_t at = 0;
  const std::string bytes = with_section(line_section("\x01m\x00\x01\x81"s), at);
  EXPECT_EQ(read_error(bytes), at_byte(at + 9, "line table entry 1: truncated word delta"));
}
TEST(LineTableReadRejects, TruncatedLineDelta) {
  size_t at = 0;
  const std::string bytes = with_section(line_section("\x01m\x00"s), at);
  EXPECT_EQ(read_error(bytes), at_byte(at + 8, "line table entry 0: truncated line delta"));
}
TEST(LineTableReadRejects, WordDeltaOfSixBytes) {
  size_t at = 0;
  const std::string bytes = with_section(line_section("\x01m\x80\x80\x80\x80\x80\x00\x01"s), at);
  EXPECT_EQ(read_error(bytes), at_byte(at + 7, "line table entry 0: word delta does not fit 32 bits"));
}
TEST(LineTableReadRejects, WordDeltaAbove32Bits) {
  size_t at = 0;
  const std::string bytes = with_section(line_section("\x01m\x80\x80\x80\x80\x10\x01"s), at);  // 2^32
  EXPECT_EQ(read_error(bytes), at_byte(at + 7, "line table entry 0: word delta does not fit 32 bits"));
}
TEST(LineTableReadRejects, LineDeltaBelow32Bits) {
  size_t at = 0;
  const std::string bytes = with_section(line_section("\x01m\x00\x80\x80\x80\x80\x70"s), at);  // -2^32
  EXPECT_EQ(read_error(bytes), at_byte(at + 8, "line table entry 0: line delta does not fit 32 bits"));
}
TEST(LineTableReadRejects, WordDeltaNotInItsShortestForm) {
  size_t at = 0;
  const std::string bytes = with_section(line_section("\x01m\x81\x00\x01"s), at);  // 1 written in two bytes
  EXPECT_EQ(read_error(bytes), at_byte(at + 7, "line table entry 0: word delta is not in its shortest form"));
}
TEST(LineTableReadRejects, PositiveLineDeltaNotInItsShortestForm) {
  size_t at = 0;
  const std::string bytes = with_section(line_section("\x01m\x00\x83\x00"s), at);  // 3 in two bytes
  EXPECT_EQ(read_error(bytes), at_byte(at + 8, "line table entry 0: line delta is not in its shortest form"));
}
TEST(LineTableReadRejects, NegativeLineDeltaNotInItsShortestForm) {
  size_t at = 0;
  const std::string bytes = with_section(line_section("\x01m\x00\x03\x01\xFF\x7F"s), at);  // -1 in two bytes
  EXPECT_EQ(read_error(bytes), at_byte(at + 10, "line table entry 1: line delta is not in its shortest form"));
}
TEST(LineTable, AcceptsTwoByteDeltasThatNeedTheirSecondByte) {
  size_t at = 0;
  // word delta 128 (0x80 0x01), line delta 64 (0xC0 0x00: the 0x00 keeps it positive), -65 (0xBF 0x7F).
  const std::string bytes = with_section(line_section("\x01m\x00\xC0\x00\x80\x01\xBF\x7F"s), at);
  LoadError err;
  auto m = read_module(bytes, "f.lzr", err);
  ASSERT_TRUE(m) << err.message;
  EXPECT_EQ(m->lines->entries, (std::vector<LineEntry>{{0, 64}, {128, -1}}));
}
TEST(LineTableReadRejects, BytesAfterTheLineTable) {
  size_t at = 0;
  const std::string bytes = with_section(line_section("\x01m\x00\x01"s) + "zzz", at);
  EXPECT_EQ(read_error(bytes), at_byte(at + 9, "3 unexpected bytes after the line table"));
}

// ---- verifier ----

std::string verify_with(LineTable t) {
  ModuleBuilder b = three_instructions();
  b.m.lines = std::move(t);
  return verify_error(b.m);
}
// Where the section's parts land: the file name's length byte, then entries.
size_t section_at() { return three_instructions().bytes().size() + 5; }

TEST(LineTableVerifyRejects, EmptyFileName) {
  EXPECT_EQ(verify_with({"", {{0, 1}}}), at_byte(section_at(), "line table file name must not be empty"));
}
TEST(LineTableVerifyRejects, FileNameTooLong) {
  EXPECT_EQ(verify_with({std::string(256, 'a'), {{0, 1}}}),
            at_byte(section_at(), "line table file name is longer than 255 bytes"));
}
TEST(LineTableVerifyRejects, FileNameNotUtf8) {
  EXPECT_EQ(verify_with({"a\xFF", {{0, 1}}}), at_byte(section_at(), "line table file name is not valid UTF-8"));
}
TEST(LineTableVerifyRejects, FileNameWithNul) {
  EXPECT_EQ(verify_with({"a\0b"s, {{0, 1}}}), at_byte(section_at(), "line table file name contains a NUL byte"));
}
TEST(LineTableVerifyRejects, NoEntries) {
  EXPECT_EQ(verify_with({"m.lzs", {}}), at_byte(section_at(), "line table has no entries"));
}
TEST(LineTableVerifyRejects, WordsThatDoNotIncrease) {
  EXPECT_EQ(verify_with({"m", {{0, 1}, {0, 2}}}),
            at_byte(section_at() + 4, "line table entry 1: word 0 is not after entry 0's word 0 (words must increase)"));
}
TEST(LineTableVerifyRejects, WordOutsideTheCode) {
  EXPECT_EQ(verify_with({"m", {{0, 1}, {4, 2}}}),
            at_byte(section_at() + 4, "line table entry 1: word 4 is outside the code (4 words)"));
}
TEST(LineTableVerifyRejects, WordInsideAnInstruction) {
  EXPECT_EQ(verify_with({"m", {{2, 1}}}),
            at_byte(section_at() + 2, "line table entry 0: word 2 is not an instruction start"));
}
TEST(LineTableVerifyRejects, LineBelowOne) {
  EXPECT_EQ(verify_with({"m", {{0, 2}, {1, 0}}}),
            at_byte(section_at() + 4, "line table entry 1: line 0 is out of range (1..2147483647)"));
}
TEST(LineTableVerifyRejects, LineAboveTheLimit) {
  EXPECT_EQ(verify_with({"m", {{0, 2147483648}}}),
            at_byte(section_at() + 2, "line table entry 0: line 2147483648 is out of range (1..2147483647)"));
}

}  // namespace
}  // namespace lzr

// The instruction table against DESIGN.md section 4, written out here
// independently so a wrong row in opcodes.def makes these tests fail.
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "format/opcodes.h"

namespace lzr {
namespace {

// Signatures as the design brief writes them: `name:R`, `name:R6` or
// `name:BITS`; `_` is a must-be-zero gap. Extra words are listed apart.
struct SpecRow {
  const char* name;
  unsigned code;
  const char* fields;
  Extra extra;
};
const std::vector<SpecRow> kSpec = {
    {"mov", 0, "dst:R src:R pos:R", Extra::None},
    {"ret", 1, "value:R _:16", Extra::None},
    {"call", 2, "ret:R lit:16", Extra::None},
    {"get", 3, "dst:R term:R index:R", Extra::None},
    {"drop", 4, "dst:R term:R index:R", Extra::None},
    {"put", 5, "dst:R6 term:R6 key:R6 val:R6", Extra::Regmask},
    {"push", 6, "a0:R6 a1:R6 a2:R6 a3:R6", Extra::None},
    {"map", 7, "dst:R size:16", Extra::RegmaskPairs},
    {"list", 8, "dst:R size:16", Extra::RegmaskElems},
    {"tuple", 9, "dst:R size:16", Extra::RegmaskElems},
    {"loadi", 10, "dst:R value:16", Extra::None},
    {"loadu", 11, "dst:R value:16", Extra::None},
    {"loadc", 12, "dst:R lit:16", Extra::None},
    {"load32", 13, "dst:R type:16", Extra::Word32},
    {"load64", 14, "dst:R type:16", Extra::Word64},
    {"eq", 15, "lhs:R6 rhs:R6 jump:12", Extra::None},
    {"ne", 16, "lhs:R6 rhs:R6 jump:12", Extra::None},
    {"lt", 17, "lhs:R6 rhs:R6 jump:12", Extra::None},
    {"gt", 18, "lhs:R6 rhs:R6 jump:12", Extra::None},
    {"lte", 19, "lhs:R6 rhs:R6 jump:12", Extra::None},
    {"gte", 20, "lhs:R6 rhs:R6 jump:12", Extra::None},
    {"not", 21, "dst:R src:R _:8", Extra::None},
    {"neg", 22, "dst:R src:R _:8", Extra::None},
    {"add", 23, "dst:R left:R right:R", Extra::None},
    {"sub", 24, "dst:R left:R right:R", Extra::None},
    {"mul", 25, "dst:R left:R right:R", Extra::None},
    {"div", 26, "dst:R left:R right:R", Extra::None},
    {"mod", 27, "dst:R left:R right:R", Extra::None},
    {"shr", 28, "dst:R left:R right:R", Extra::None},
    {"shl", 29, "dst:R left:R right:R", Extra::None},
    {"xor", 30, "dst:R left:R right:R", Extra::None},
    {"and", 31, "dst:R left:R right:R", Extra::None},
    {"or", 32, "dst:R left:R right:R", Extra::None},
    {"jmp", 33, "offset:24", Extra::None},
    {"tcall", 34, "_:8 lit:16", Extra::None},
    {"cons", 35, "dst:R head:R tail:R", Extra::Regmask},
    {"fn", 36, "dst:R lit:16", Extra::RegmaskUpvals},
    {"apply", 37, "ret:R fun:R _:8", Extra::None},
    {"type", 38, "dst:R src:R _:8", Extra::None},
    {"size", 39, "dst:R src:R _:8", Extra::None},
    // issue 12: exceptions
    {"try", 40, "slot:R handler:16", Extra::None},
    {"tryend", 41, "slot:R _:16", Extra::None},
    {"raise", 42, "class:R reason:R trace:R", Extra::None},
    // issue 16: processes (accept's `_:24` is the two zero fields Z8, Z16)
    {"recv", 43, "dst:R none:16", Extra::None},
    {"recvnext", 44, "_:8 back:16", Extra::None},
    {"accept", 45, "_:8 _:16", Extra::None},
    {"wait", 46, "timeout:R back:16", Extra::None},
    // issue 14: pattern matching (match-insns)
    {"is", 47, "src:R6 test:6 jump:12", Extra::None},
    {"is_arity", 48, "src:R6 test:6 jump:12", Extra::Arity},
    {"eqx", 49, "lhs:R6 rhs:R6 jump:12", Extra::None},
    {"nex", 50, "lhs:R6 rhs:R6 jump:12", Extra::None},
    {"select", 51, "src:R pairs:16", Extra::Table},
    {"select_arity", 52, "src:R pairs:16", Extra::Table},
    {"idiv", 53, "dst:R left:R right:R", Extra::None},
    {"rem", 54, "dst:R left:R right:R", Extra::None},
    // issue 14 (bif-calls): built-in calls that keep registers
    {"bif", 56, "dst:R lit:16", Extra::Args},
    {"gcbif", 57, "dst:R lit:16", Extra::RegmaskArgs},
    // issue 15: binaries (the bit position `pos` is read and written)
    {"bint", 60, "dst:R6 bin:R6 pos:R6 bits:R6", Extra::None},
    {"bsint", 61, "dst:R6 bin:R6 pos:R6 bits:R6", Extra::None},
    {"bintl", 62, "dst:R6 bin:R6 pos:R6 bits:R6", Extra::None},
    {"bsintl", 63, "dst:R6 bin:R6 pos:R6 bits:R6", Extra::None},
    {"bfloat", 64, "dst:R6 bin:R6 pos:R6 bits:R6", Extra::None},
    {"bfloatl", 65, "dst:R6 bin:R6 pos:R6 bits:R6", Extra::None},
    {"butf8", 66, "dst:R6 bin:R6 pos:R6 _:6", Extra::None},
    {"brest", 67, "dst:R bin:R at:R", Extra::None},
    {"bappend", 68, "dst:R bin:R piece:R", Extra::None},
    {"bbin", 69, "dst:R6 bin:R6 pos:R6 bytes:R6", Extra::None},
};

struct SpecField {
  std::string name;
  std::string width;  // "R", "R6" or a bit count
};

std::vector<SpecField> parse_fields(const char* text) {
  std::vector<SpecField> out;
  std::istringstream in(text);
  std::string token;
  while (in >> token) {
    auto colon = token.find(':');
    out.push_back({token.substr(0, colon), token.substr(colon + 1)});
  }
  return out;
}

unsigned spec_bits(const SpecField& f) {
  if (f.width == "R") return 8;
  if (f.width == "R6") return 6;
  return static_cast<unsigned>(std::stoul(f.width));
}

const SpecRow* spec_for(std::string_view name) {
  for (const auto& row : kSpec) {
    if (row.name == name) return &row;
  }
  return nullptr;
}

TEST(Opcodes, TableHasExactlyTheSpecifiedOpcodes) {
  EXPECT_EQ(kNumOpcodes, kSpec.size());
  unsigned valid = 0;
  for (const OpInfo& op : kOpTable) {
    if (!op.valid) continue;
    ++valid;
    const SpecRow* row = spec_for(op.name);
    ASSERT_NE(row, nullptr) << op.name << " is not in the design";
    EXPECT_EQ(op.code, row->code) << op.name;
  }
  EXPECT_EQ(valid, kSpec.size());
}

// Every opcode: each field sits where the design puts it, with the right
// width and the right category.
TEST(Opcodes, FieldPlacementMatchesDesign) {
  for (const SpecRow& row : kSpec) {
    const OpInfo& op = op_info(static_cast<uint8_t>(row.code));
    SCOPED_TRACE(row.name);
    ASSERT_TRUE(op.valid);
    EXPECT_EQ(op.extra, row.extra);
    auto fields = parse_fields(row.fields);
    unsigned bit = 8;
    for (size_t i = 0; i < 4; ++i) {
      if (i >= fields.size()) {
        EXPECT_EQ(op.fields[i], FieldKind::NONE) << "field " << i;
        continue;
      }
      const SpecField& f = fields[i];
      SCOPED_TRACE(f.name);
      EXPECT_EQ(op.shift[i], bit);
      EXPECT_EQ(field_bits(op.fields[i]), spec_bits(f));
      bit += spec_bits(f);
      const FieldKind k = op.fields[i];
      if (f.width == "R") EXPECT_TRUE(is_r(k));
      if (f.width == "R6") EXPECT_TRUE(is_r6(k));
      if (f.name == "_") EXPECT_TRUE(k == FieldKind::Z6 || k == FieldKind::Z8 || k == FieldKind::Z16);
      if (f.name == "pos" && f.width == "R6") EXPECT_EQ(k, FieldKind::R6M);
      if (f.name == "lit") {
        const bool names_function = row.code == 2 || row.code == 34 || row.code == 36 || row.code == 56 || row.code == 57;
        EXPECT_EQ(k, names_function ? FieldKind::FUN : FieldKind::LIT);
      }
      if (f.name == "jump") EXPECT_EQ(k, FieldKind::J12);
      if (f.name == "offset") EXPECT_EQ(k, FieldKind::J24);
      if (f.name == "handler" || f.name == "none" || f.name == "back") EXPECT_EQ(k, FieldKind::J16);
      if (f.name == "slot") EXPECT_EQ(k, FieldKind::RY);
      if (f.name == "size") EXPECT_EQ(k, FieldKind::SIZE);
      if (f.name == "type") EXPECT_EQ(k, row.code == 13 ? FieldKind::T32 : FieldKind::T64);
      if (f.name == "value" && f.width == "16") EXPECT_EQ(k, row.code == 10 ? FieldKind::I16 : FieldKind::U16);
      const bool written = f.name == "dst" || f.name == "ret" || f.name == "pos" || f.name == "slot";
      if (is_reg(k)) EXPECT_EQ(is_written(k), written);
    }
    EXPECT_EQ(bit, 32u);
  }
}

TEST(Opcodes, DesignExamplesOfFieldPlacement) {
  const OpInfo& call = op_info(2);
  EXPECT_EQ(call.shift[0], 8);   // ret: bits 8-15
  EXPECT_EQ(call.shift[1], 16);  // lit: bits 16-31
  EXPECT_EQ(field_bits(call.fields[1]), 16u);
  const OpInfo& eq = op_info(15);
  EXPECT_EQ(eq.shift[0], 8);  // lhs 8-13
  EXPECT_EQ(eq.shift[1], 14);  // rhs 14-19
  EXPECT_EQ(eq.shift[2], 20);  // jump 20-31
  const OpInfo& put = op_info(5);
  EXPECT_EQ(put.shift[0], 8);
  EXPECT_EQ(put.shift[1], 14);
  EXPECT_EQ(put.shift[2], 20);
  EXPECT_EQ(put.shift[3], 26);
  // A concrete word: call x3, literal 0x1234 == 0x1234_03_02.
  EXPECT_EQ(field_encode(call, 0, 3) | field_encode(call, 1, 0x1234) | 2u, 0x12340302u);
  // eq x1, y2, -1: jump field is all ones.
  uint32_t w = 15 | field_encode(eq, 0, 1) | field_encode(eq, 1, 34) | field_encode(eq, 2, -1);
  EXPECT_EQ(w, 0xFFF8810Fu);
  EXPECT_EQ(field_value(w, eq, 2), -1);
}

// Every opcode: encode extreme and mixed values into every field, decode
// them back, and check no field disturbs another or the opcode byte.
TEST(Opcodes, EveryOpcodeRoundTripsEveryField) {
  for (const OpInfo& op : kOpTable) {
    if (!op.valid) continue;
    SCOPED_TRACE(std::string(op.name));
    for (int pattern = 0; pattern < 3; ++pattern) {
      uint32_t word = op.code;
      int64_t values[4] = {};
      for (int i = 0; i < 4; ++i) {
        const unsigned bits = field_bits(op.fields[i]);
        if (bits == 0) continue;
        const int64_t max = is_signed(op.fields[i]) ? (int64_t{1} << (bits - 1)) - 1 : (int64_t{1} << bits) - 1;
        const int64_t min = is_signed(op.fields[i]) ? -(int64_t{1} << (bits - 1)) : 0;
        values[i] = pattern == 0 ? max : pattern == 1 ? min : (i % 2 ? min + 1 : max - 1);
        ASSERT_TRUE(field_fits(op.fields[i], values[i]));
        ASSERT_FALSE(field_fits(op.fields[i], max + 1));
        ASSERT_FALSE(field_fits(op.fields[i], min - 1));
        const uint32_t encoded = field_encode(op, i, static_cast<int32_t>(values[i]));
        // Bits land exactly in [shift, shift + bits).
        const uint32_t mask = static_cast<uint32_t>(((uint64_t{1} << bits) - 1) << op.shift[i]);
        EXPECT_EQ(encoded & ~mask, 0u) << "field " << i;
        word |= encoded;
      }
      EXPECT_EQ(word & 0xFF, op.code);
      for (int i = 0; i < 4; ++i) {
        if (field_bits(op.fields[i]) == 0) continue;
        EXPECT_EQ(field_value(word, op, i), values[i]) << "field " << i;
      }
    }
  }
}

TEST(Opcodes, NamesLookUpTheirCodes) {
  for (const SpecRow& row : kSpec) {
    auto code = op_by_name(row.name);
    ASSERT_TRUE(code.has_value()) << row.name;
    EXPECT_EQ(*code, row.code);
  }
  EXPECT_FALSE(op_by_name("nop").has_value());
  EXPECT_FALSE(op_by_name("").has_value());
  EXPECT_FALSE(op_by_name("MOV").has_value());
}

TEST(Opcodes, UnassignedCodesAreInvalid) {
  for (unsigned code = 43; code < 256; ++code) {
    if (code >= 43 && code <= 46) continue;  // processes (issue 16)
    if (code >= 47 && code <= 54) continue;  // match-insns (issue 14)
    if (code == 56 || code == 57) continue;  // bif-calls (issue 14)
    if (code >= 60 && code <= 69) continue;  // binaries (issue 15)
    EXPECT_FALSE(op_info(static_cast<uint8_t>(code)).valid) << code;
  }
}

TEST(Opcodes, RegisterOperandEncodings) {
  // R: offset bits 0-4, bit 5 reserved, type bits 6-7.
  EXPECT_EQ(encode_r({RegKind::X, 5}), 0x05u);
  EXPECT_EQ(encode_r({RegKind::Y, 31}), 0x5Fu);
  EXPECT_EQ(encode_r({RegKind::U, 2}), 0x82u);
  EXPECT_EQ(decode_r(0xC3), (Reg{RegKind::Invalid, 3}));
  EXPECT_TRUE(r_reserved_bit(0x20));
  EXPECT_FALSE(r_reserved_bit(0xDF));
  // R6: offset bits 0-4, bit 5: 0 = X, 1 = Y.
  EXPECT_EQ(encode_r6({RegKind::X, 7}), 7u);
  EXPECT_EQ(encode_r6({RegKind::Y, 7}), 39u);
  EXPECT_EQ(decode_r6(39), (Reg{RegKind::Y, 7}));
  EXPECT_EQ(decode_r6(31), (Reg{RegKind::X, 31}));
}

TEST(Opcodes, PushWordCounts) {
  EXPECT_EQ(push_words_for(Extra::RegmaskElems, 0), 0u);
  EXPECT_EQ(push_words_for(Extra::RegmaskElems, 4), 1u);
  EXPECT_EQ(push_words_for(Extra::RegmaskElems, 5), 2u);
  EXPECT_EQ(push_words_for(Extra::RegmaskPairs, 2), 1u);
  EXPECT_EQ(push_words_for(Extra::RegmaskPairs, 3), 2u);
  EXPECT_EQ(push_words_for(Extra::RegmaskUpvals, 9), 3u);
  EXPECT_EQ(fixed_extra_words(Extra::Word64), 2u);
  EXPECT_EQ(fixed_extra_words(Extra::Word32), 1u);
  EXPECT_EQ(fixed_extra_words(Extra::RegmaskPairs), 1u);
  EXPECT_EQ(fixed_extra_words(Extra::None), 0u);
  // bif / gcbif: the arguments after the code word / the regmask.
  EXPECT_EQ(push_words_for(Extra::Args, 0), 0u);
  EXPECT_EQ(push_words_for(Extra::Args, 3), 1u);
  EXPECT_EQ(push_words_for(Extra::RegmaskArgs, 5), 2u);
  EXPECT_EQ(fixed_extra_words(Extra::Args), 0u);
  EXPECT_EQ(fixed_extra_words(Extra::RegmaskArgs), 1u);
  EXPECT_EQ(first_push_word(Extra::Args), 1u);
  EXPECT_EQ(first_push_word(Extra::RegmaskArgs), 2u);
  EXPECT_EQ(first_push_word(Extra::RegmaskElems), 2u);
}

}  // namespace
}  // namespace lzr

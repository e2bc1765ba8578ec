// ByteTerm codec: every type 0..18 byte for byte, canonical encodings,
// nesting, and every decoder rejection with its exact message.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <limits>
#include <string>

#include "format/literal.h"
#include "format/module_file.h"

namespace lzr {
namespace {

using namespace std::string_literals;
using T = ByteTermType;

std::string encode(const Literal& lit) {
  std::vector<uint8_t> out;
  encode_literal(lit, out);
  return std::string(out.begin(), out.end());
}

// Decodes a whole buffer; fails the test if anything is left over.
Literal decode(const std::string& bytes) {
  LoadError err;
  size_t pos = 0;
  auto lit = decode_literal(bytes, pos, "f.lzr", err);
  EXPECT_TRUE(lit.has_value()) << err.message;
  EXPECT_EQ(pos, bytes.size());
  return lit.value_or(Literal{});
}

std::string decode_error(const std::string& bytes) {
  LoadError err;
  size_t pos = 0;
  auto lit = decode_literal(bytes, pos, "f.lzr", err);
  EXPECT_FALSE(lit.has_value());
  EXPECT_EQ(pos, 0u) << "position must not move on failure";
  return err.message;
}

// Decodes `bytes`, compares with `expected`, and re-encodes to the same bytes.
void expect_codec(const std::string& bytes, const Literal& expected) {
  Literal got = decode(bytes);
  EXPECT_EQ(got, expected);
  EXPECT_EQ(encode(got), bytes);
}

Literal with_encoding(Literal lit, T encoding) {
  lit.encoding = encoding;
  return lit;
}

// ---- every type byte ----

TEST(ByteTerm, Type0Int8) {
  expect_codec("\x00\xFB"s, Literal::integer(-5));
  expect_codec("\x00\x7F"s, Literal::integer(127));
  expect_codec("\x00\x80"s, Literal::integer(-128));
}

TEST(ByteTerm, Type1Int16) {
  expect_codec("\x01\x34\x12"s, Literal::integer(0x1234));
  expect_codec("\x01\x00\x80"s, Literal::integer(-32768));
  expect_codec("\x01\x05\x00"s, with_encoding(Literal::integer(5), T::I16));  // non-canonical kept
}

TEST(ByteTerm, Type2Int32) {
  expect_codec("\x02\x78\x56\x34\x12"s, Literal::integer(0x12345678));
  expect_codec("\x02\x00\x00\x00\x80"s, Literal::integer(INT32_MIN));
  expect_codec("\x02\xFF\xFF\xFF\xFF"s, with_encoding(Literal::integer(-1), T::I32));
}

TEST(ByteTerm, Type18Bigint) {
  // 2^47 and -2^47 - 1: the smallest magnitudes outside the small range.
  expect_codec("\x12\x00\x06\x00\x00\x00\x00\x00\x00\x00\x00\x80"s, Literal::integer(int64_t{1} << 47));
  expect_codec("\x12\x01\x06\x00\x00\x00\x01\x00\x00\x00\x00\x80"s, Literal::integer(-(int64_t{1} << 47) - 1));
  expect_codec("\x12\x01\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80"s, Literal::integer(INT64_MIN));
  // 2^64: beyond int64, built from bytes.
  const Literal two64 = Literal::big_integer(false, "\x00\x00\x00\x00\x00\x00\x00\x00\x01"s);
  EXPECT_EQ(two64.kind, Literal::Kind::BigInt);
  EXPECT_EQ(two64.encoding, T::BigInt);
  EXPECT_EQ(integer_literal_text(two64), "18446744073709551616");
  expect_codec("\x12\x00\x09\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01"s, two64);
  // big_integer normalizes: high zero bytes go, small values become Int.
  EXPECT_EQ(Literal::big_integer(false, "\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00"s).text.size(), 11u);
  EXPECT_EQ(Literal::big_integer(true, "\xFF\x00\x00"s), Literal::integer(-255));
  EXPECT_EQ(Literal::big_integer(true, ""), Literal::integer(0));
  EXPECT_EQ(Literal::big_integer(true, "\x00\x00\x00\x00\x00\x80"s), Literal::integer(-(int64_t{1} << 47)));
  EXPECT_EQ(Literal::big_integer(false, "\x00\x00\x00\x00\x00\x80"s).kind, Literal::Kind::BigInt);
  EXPECT_TRUE(is_canonical(two64));
}

TEST(ByteTerm, Type3Float32) {
  expect_codec("\x03\x00\x00\xC0\x3F"s, Literal::floating(1.5));
  expect_codec("\x03\x00\x00\x00\x80"s, Literal::floating(-0.0));
}

TEST(ByteTerm, Type4Float64) {
  expect_codec("\x04\x9A\x99\x99\x99\x99\x99\xB9\x3F"s, Literal::floating(0.1));
  expect_codec("\x04\x00\x00\x00\x00\x00\x00\xF8\x3F"s, with_encoding(Literal::floating(1.5), T::F64));
}

TEST(ByteTerm, Type5UInt8) {
  expect_codec("\x05\xC8"s, Literal::integer(200));
  expect_codec("\x05\x07"s, with_encoding(Literal::integer(7), T::U8));
}

TEST(ByteTerm, Type6IsReserved) { EXPECT_EQ(decode_error("\x06\x00"s), "f.lzr: byte 0: literal type 6 is reserved"); }

TEST(ByteTerm, Type7Atom) {
  expect_codec("\x07\x02ok"s, Literal::atom("ok"));
  expect_codec("\x07\x00"s, Literal::atom(""));
  expect_codec("\x07\x04h\xC3\xA9l"s, Literal::atom("h\xC3\xA9l"));
}

TEST(ByteTerm, Type8List8) {
  expect_codec("\x08\x02\x00\x01\x00\x02"s, Literal::list({Literal::integer(1), Literal::integer(2)}));
  expect_codec("\x08\x00"s, Literal::list({}));
}

TEST(ByteTerm, Type9List16) {
  expect_codec("\x09\x01\x00\x00\x07"s, with_encoding(Literal::list({Literal::integer(7)}), T::List16));
}

TEST(ByteTerm, Type10List32) {
  expect_codec("\x0A\x00\x00\x00\x00"s, with_encoding(Literal::list({}), T::List32));
}

TEST(ByteTerm, Type11Tuple8) {
  expect_codec("\x0B\x02\x00\x01\x07\x01\x61"s, Literal::tuple({Literal::integer(1), Literal::atom("a")}));
}

TEST(ByteTerm, Type12Tuple16) {
  expect_codec("\x0C\x01\x00\x05\xFF"s, with_encoding(Literal::tuple({Literal::integer(255)}), T::Tuple16));
}

TEST(ByteTerm, Type13Tuple32) {
  expect_codec("\x0D\x00\x00\x00\x00"s, with_encoding(Literal::tuple({}), T::Tuple32));
}

TEST(ByteTerm, Type14Map8) {
  expect_codec("\x0E\x01\x07\x01\x61\x00\x01"s, Literal::map({Literal::atom("a"), Literal::integer(1)}));
}

TEST(ByteTerm, Type15Map16) {
  expect_codec("\x0F\x01\x00\x00\x01\x00\x02"s,
               with_encoding(Literal::map({Literal::integer(1), Literal::integer(2)}), T::Map16));
}

TEST(ByteTerm, Type16Map32) {
  expect_codec("\x10\x00\x00\x00\x00"s, with_encoding(Literal::map({}), T::Map32));
}

TEST(ByteTerm, Type17Binary) {
  expect_codec("\x11\x03\x00\x00\x00\x61\x00\xFF"s, Literal::binary("a\0\xFF"s));
  expect_codec("\x11\x00\x00\x00\x00"s, Literal::binary(""));
}

TEST(ByteTerm, NestedContainers) {
  // {[1, {:x}], %{1 => [2.5]}, "b"}
  Literal lit = Literal::tuple({
      Literal::list({Literal::integer(1), Literal::tuple({Literal::atom("x")})}),
      Literal::map({Literal::integer(1), Literal::list({Literal::floating(2.5)})}),
      Literal::binary("b"),
  });
  std::string bytes = "\x0B\x03"
                      "\x08\x02" "\x00\x01" "\x0B\x01" "\x07\x01x"
                      "\x0E\x01" "\x00\x01" "\x08\x01" "\x03\x00\x00\x20\x40"
                      "\x11\x01\x00\x00\x00" "b"s;
  expect_codec(bytes, lit);
  EXPECT_TRUE(is_canonical(lit));
}

TEST(ByteTerm, NestingUpToTheLimitDecodes) {
  std::string bytes;
  for (unsigned k = 0; k < kMaxLiteralDepth; ++k) bytes += "\x08\x01"s;
  bytes += "\x00\x2A"s;
  Literal lit = decode(bytes);
  unsigned depth = 0;
  const Literal* at = &lit;
  while (at->kind == Literal::Kind::List) {
    ++depth;
    at = &at->items.at(0);
  }
  EXPECT_EQ(depth, kMaxLiteralDepth);
  EXPECT_EQ(at->i, 42);
  EXPECT_EQ(encode(lit), bytes);
}

TEST(ByteTerm, DecodeAdvancesPositionWithinALargerBuffer) {
  std::string bytes = "\x07\x01z\x00\x05"s;
  LoadError err;
  size_t pos = 0;
  auto first = decode_literal(bytes, pos, "f.lzr", err);
  ASSERT_TRUE(first);
  EXPECT_EQ(pos, 3u);
  auto second = decode_literal(bytes, pos, "f.lzr", err);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->i, 5);
  EXPECT_EQ(pos, 5u);
}

// ---- canonical encodings and writer rules ----

TEST(Canonical, Integers) {
  EXPECT_EQ(Literal::integer(0).encoding, T::I8);
  EXPECT_EQ(Literal::integer(-128).encoding, T::I8);
  EXPECT_EQ(Literal::integer(127).encoding, T::I8);
  EXPECT_EQ(Literal::integer(128).encoding, T::U8);
  EXPECT_EQ(Literal::integer(255).encoding, T::U8);
  EXPECT_EQ(Literal::integer(256).encoding, T::I16);
  EXPECT_EQ(Literal::integer(-129).encoding, T::I16);
  EXPECT_EQ(Literal::integer(32767).encoding, T::I16);
  EXPECT_EQ(Literal::integer(-32768).encoding, T::I16);
  EXPECT_EQ(Literal::integer(32768).encoding, T::I32);
  EXPECT_EQ(Literal::integer(-32769).encoding, T::I32);
  EXPECT_EQ(Literal::integer(INT32_MAX).encoding, T::I32);
}

TEST(Canonical, Floats) {
  EXPECT_EQ(Literal::floating(1.5).encoding, T::F32);
  EXPECT_EQ(Literal::floating(-0.0).encoding, T::F32);
  EXPECT_EQ(Literal::floating(FLT_MAX).encoding, T::F32);
  EXPECT_EQ(Literal::floating(0.1).encoding, T::F64);
  EXPECT_EQ(Literal::floating(1e300).encoding, T::F64);  // beyond float range: no cast
  EXPECT_EQ(Literal::floating(1e-310).encoding, T::F64);
  EXPECT_EQ(Literal::floating(16777217.0).encoding, T::F64);  // 2^24 + 1 needs 25 bits
}

TEST(Canonical, ContainersBySize) {
  std::vector<Literal> items(255, Literal::integer(0));
  EXPECT_EQ(Literal::list(items).encoding, T::List8);
  items.push_back(Literal::integer(0));
  EXPECT_EQ(Literal::list(items).encoding, T::List16);
  EXPECT_EQ(Literal::tuple(items).encoding, T::Tuple16);
  EXPECT_EQ(Literal::map(items).encoding, T::Map8);  // 128 pairs
  items.resize(512, Literal::integer(0));
  EXPECT_EQ(Literal::map(items).encoding, T::Map16);
  items.resize(65536, Literal::integer(0));
  EXPECT_EQ(Literal::tuple(items).encoding, T::Tuple32);
  items.resize(65535);
  EXPECT_EQ(Literal::tuple(items).encoding, T::Tuple16);
}

TEST(Canonical, IsCanonicalLooksInside) {
  Literal inner = with_encoding(Literal::integer(1), T::I16);
  EXPECT_FALSE(is_canonical(inner));
  EXPECT_FALSE(is_canonical(Literal::list({Literal::atom("a"), inner})));
  EXPECT_TRUE(is_canonical(Literal::list({Literal::atom("a"), Literal::integer(1)})));
}

TEST(Canonical, WriterKeepsAFittingEncodingElseUsesTheCanonicalOne) {
  EXPECT_EQ(effective_encoding(with_encoding(Literal::integer(5), T::I32)), T::I32);
  EXPECT_EQ(effective_encoding(with_encoding(Literal::integer(300), T::I8)), T::I16);
  EXPECT_EQ(effective_encoding(with_encoding(Literal::integer(-1), T::U8)), T::I8);
  EXPECT_EQ(effective_encoding(with_encoding(Literal::floating(0.1), T::F32)), T::F64);
  EXPECT_EQ(effective_encoding(with_encoding(Literal::atom("a"), T::I8)), T::Atom);
  std::vector<Literal> many(300, Literal::integer(0));
  EXPECT_EQ(effective_encoding(with_encoding(Literal::list(many), T::List8)), T::List16);
  EXPECT_EQ(encode(with_encoding(Literal::integer(300), T::I8)), "\x01\x2C\x01"s);
}

TEST(Canonical, EqualityComparesFloatBitsAndEncoding) {
  EXPECT_NE(Literal::floating(0.0), Literal::floating(-0.0));
  EXPECT_NE(Literal::integer(1), with_encoding(Literal::integer(1), T::I16));
  EXPECT_EQ(Literal::tuple({Literal::atom("a")}), Literal::tuple({Literal::atom("a")}));
}

TEST(LiteralProblem, AcceptsEncodableLiterals) {
  EXPECT_EQ(literal_problem(Literal::integer(INT32_MIN)), std::nullopt);
  EXPECT_EQ(literal_problem(Literal::map({Literal::atom("k"), Literal::binary("v")})), std::nullopt);
  EXPECT_EQ(literal_problem(Literal::atom(std::string(255, 'a'))), std::nullopt);
}

TEST(LiteralProblem, NamesWhatCannotBeEncoded) {
  EXPECT_EQ(literal_problem(Literal::integer(int64_t{1} << 31)),
            "integer 2147483648 has no literal encoding (int32, or bigint outside 48 bits); use load");
  EXPECT_EQ(literal_problem(Literal::integer(int64_t{1} << 47)), std::nullopt);  // a bigint
  Literal huge = Literal::big_integer(false, std::string(kMaxBigIntBytes + 1, '\x01'));
  EXPECT_EQ(literal_problem(huge), "integer literal has more than 2^26 bits");
  Literal padded;  // built by hand, not through big_integer: a high zero byte
  padded.kind = Literal::Kind::BigInt;
  padded.encoding = T::BigInt;
  padded.text = "\x01\x00\x00\x00\x00\x00\x01\x00"s;
  EXPECT_EQ(literal_problem(padded), "bigint literal is not canonical (a high zero byte, or a value in the small range)");
  padded.text = "\x01"s;  // 1: a small integer
  EXPECT_EQ(literal_problem(padded), "bigint literal is not canonical (a high zero byte, or a value in the small range)");
  EXPECT_EQ(literal_problem(Literal::floating(std::numeric_limits<double>::quiet_NaN())), "float literal is not finite");
  EXPECT_EQ(literal_problem(Literal::list({Literal::floating(INFINITY)})), "float literal is not finite");
  EXPECT_EQ(literal_problem(Literal::atom(std::string(256, 'a'))), "atom is 256 bytes long (at most 255)");
  EXPECT_EQ(literal_problem(Literal::atom("a\xFF")), "atom is not valid UTF-8");
  EXPECT_EQ(literal_problem(Literal::map({Literal::atom("k")})), "map literal has a key without a value");
  Literal deep = Literal::integer(0);
  for (unsigned k = 0; k < kMaxLiteralDepth; ++k) deep = Literal::tuple({deep});
  EXPECT_EQ(literal_problem(deep), std::nullopt);
  deep = Literal::tuple({deep});
  EXPECT_EQ(literal_problem(deep), "literal nested deeper than 200 levels");
}

TEST(AtomText, Utf8Rules) {
  EXPECT_EQ(atom_text_problem("h\xC3\xA9llo \xE6\x97\xA5 \xF0\x9F\x98\x80"), std::nullopt);
  EXPECT_EQ(atom_text_problem(""), std::nullopt);
  EXPECT_EQ(atom_text_problem("\xC0\x80"), "is not valid UTF-8");          // overlong NUL
  EXPECT_EQ(atom_text_problem("\xE0\x80\xAF"), "is not valid UTF-8");      // overlong '/'
  EXPECT_EQ(atom_text_problem("\xED\xA0\x80"), "is not valid UTF-8");      // surrogate
  EXPECT_EQ(atom_text_problem("\xF4\x90\x80\x80"), "is not valid UTF-8");  // beyond U+10FFFF
  EXPECT_EQ(atom_text_problem("\xE2\x82"), "is not valid UTF-8");          // truncated
  EXPECT_EQ(atom_text_problem("\x80"), "is not valid UTF-8");              // lone continuation
  EXPECT_EQ(atom_text_problem("a\0b"s), "contains a NUL byte");
}

TEST(SmallInteger, RangeIs48Bits) {
  EXPECT_TRUE(fits_small_integer(kSmallIntegerMax));
  EXPECT_TRUE(fits_small_integer(kSmallIntegerMin));
  EXPECT_FALSE(fits_small_integer(kSmallIntegerMax + 1));
  EXPECT_FALSE(fits_small_integer(kSmallIntegerMin - 1));
  EXPECT_EQ(kSmallIntegerMax, 140737488355327);
}

TEST(ByteTermTypeName, NamesEveryType) {
  EXPECT_EQ(byte_term_type_name(0), "int8");
  EXPECT_EQ(byte_term_type_name(5), "uint8");
  EXPECT_EQ(byte_term_type_name(17), "binary");
  EXPECT_EQ(byte_term_type_name(18), "bigint");
  EXPECT_EQ(byte_term_type_name(19), "");
  for (unsigned t = 0; t < kNumByteTermTypes; ++t) EXPECT_FALSE(byte_term_type_name(t).empty()) << t;
}

// ---- decoder rejections, one each ----

TEST(ByteTermRejects, EmptyInput) {
  EXPECT_EQ(decode_error(""), "f.lzr: byte 0: truncated literal (needs 1 byte, 0 left)");
}
TEST(ByteTermRejects, TruncatedInt8) {
  EXPECT_EQ(decode_error("\x00"s), "f.lzr: byte 1: truncated int8 literal (needs 1 byte, 0 left)");
}
TEST(ByteTermRejects, TruncatedInt16) {
  EXPECT_EQ(decode_error("\x01\x05"s), "f.lzr: byte 1: truncated int16 literal (needs 2 bytes, 1 left)");
}
TEST(ByteTermRejects, TruncatedInt32) {
  EXPECT_EQ(decode_error("\x02\x05\x00"s), "f.lzr: byte 1: truncated int32 literal (needs 4 bytes, 2 left)");
}
TEST(ByteTermRejects, TruncatedUInt8) {
  EXPECT_EQ(decode_error("\x05"s), "f.lzr: byte 1: truncated uint8 literal (needs 1 byte, 0 left)");
}
TEST(ByteTermRejects, TruncatedFloat32) {
  EXPECT_EQ(decode_error("\x03\x00\x00\x00"s), "f.lzr: byte 1: truncated float32 literal (needs 4 bytes, 3 left)");
}
TEST(ByteTermRejects, TruncatedFloat64) {
  EXPECT_EQ(decode_error("\x04\x00\x00\x00\x00"s), "f.lzr: byte 1: truncated float64 literal (needs 8 bytes, 4 left)");
}
TEST(ByteTermRejects, UnknownType) {
  EXPECT_EQ(decode_error("\x13\x00"s), "f.lzr: byte 0: unknown literal type 19");
  EXPECT_EQ(decode_error("\xFF\x00"s), "f.lzr: byte 0: unknown literal type 255");
}
TEST(ByteTermRejects, Float32NaN) {
  EXPECT_EQ(decode_error("\x03\x00\x00\xC0\x7F"s), "f.lzr: byte 0: float literal is not finite (NaN or infinity)");
}
TEST(ByteTermRejects, Float32Infinity) {
  EXPECT_EQ(decode_error("\x03\x00\x00\x80\xFF"s), "f.lzr: byte 0: float literal is not finite (NaN or infinity)");
}
TEST(ByteTermRejects, Float64Infinity) {
  EXPECT_EQ(decode_error("\x04\x00\x00\x00\x00\x00\x00\xF0\x7F"s),
            "f.lzr: byte 0: float literal is not finite (NaN or infinity)");
}
TEST(ByteTermRejects, TruncatedAtomLength) {
  EXPECT_EQ(decode_error("\x07"s), "f.lzr: byte 1: truncated atom length (needs 1 byte, 0 left)");
}
TEST(ByteTermRejects, TruncatedAtomText) {
  EXPECT_EQ(decode_error("\x07\x03o"s), "f.lzr: byte 2: truncated atom text (needs 3 bytes, 1 left)");
}
TEST(ByteTermRejects, AtomNotUtf8) {
  EXPECT_EQ(decode_error("\x07\x02o\xFF"s), "f.lzr: byte 0: atom is not valid UTF-8");
}
TEST(ByteTermRejects, AtomWithNul) {
  EXPECT_EQ(decode_error("\x07\x02o\x00"s), "f.lzr: byte 0: atom contains a NUL byte");
}
TEST(ByteTermRejects, TruncatedBinaryLength) {
  EXPECT_EQ(decode_error("\x11\x01\x00"s), "f.lzr: byte 1: truncated binary length (needs 4 bytes, 2 left)");
}
TEST(ByteTermRejects, TruncatedBinaryData) {
  EXPECT_EQ(decode_error("\x11\xFF\xFF\xFF\xFF\x61"s),
            "f.lzr: byte 5: truncated binary data (needs 4294967295 bytes, 1 left)");
}
TEST(ByteTermRejects, TruncatedContainerCount) {
  EXPECT_EQ(decode_error("\x08"s), "f.lzr: byte 1: truncated list8 count (needs 1 byte, 0 left)");
  EXPECT_EQ(decode_error("\x0C\x01"s), "f.lzr: byte 1: truncated tuple16 count (needs 2 bytes, 1 left)");
  EXPECT_EQ(decode_error("\x10\x01\x00\x00"s), "f.lzr: byte 1: truncated map32 count (needs 4 bytes, 3 left)");
}
TEST(ByteTermRejects, ImpossibleElementCountFailsBeforeAllocating) {
  // 4e9 elements of at least 2 bytes each cannot fit in 4 bytes.
  EXPECT_EQ(decode_error("\x0A\x00\x28\x6B\xEE\x00\x01\x00\x02"s),
            "f.lzr: byte 0: list32 of 4000000000 elements cannot fit in the 4 bytes left");
}
TEST(ByteTermRejects, ImpossibleMapPairCount) {
  // One pair needs at least 4 bytes; 3 remain.
  EXPECT_EQ(decode_error("\x0E\x01\x00\x01\x00"s), "f.lzr: byte 0: map8 of 1 pair cannot fit in the 3 bytes left");
}
TEST(ByteTermRejects, NestingBeyondTheLimit) {
  std::string bytes;
  for (unsigned k = 0; k <= kMaxLiteralDepth; ++k) bytes += "\x0B\x01"s;
  bytes += "\x00\x00"s;
  EXPECT_EQ(decode_error(bytes), "f.lzr: byte 400: literal nested deeper than 200 levels");
}
TEST(ByteTermRejects, ErrorInsideAContainerNamesTheInnerByte) {
  EXPECT_EQ(decode_error("\x0B\x02\x00\x01\x07\x01\xC0"s), "f.lzr: byte 4: atom is not valid UTF-8");
}
TEST(ByteTermRejects, TruncatedBigint) {
  EXPECT_EQ(decode_error("\x12"s), "f.lzr: byte 1: truncated bigint sign (needs 1 byte, 0 left)");
  EXPECT_EQ(decode_error("\x12\x00\x07\x00"s), "f.lzr: byte 2: truncated bigint length (needs 4 bytes, 2 left)");
  EXPECT_EQ(decode_error("\x12\x00\x07\x00\x00\x00\x01\x02"s),
            "f.lzr: byte 6: truncated bigint magnitude (needs 7 bytes, 2 left)");
}
TEST(ByteTermRejects, BigintSignByte) {
  EXPECT_EQ(decode_error("\x12\x02\x06\x00\x00\x00\x00\x00\x00\x00\x00\x80"s),
            "f.lzr: byte 1: bigint sign byte is 2, must be 0 (positive) or 1 (negative)");
}
TEST(ByteTermRejects, BigintBeyondTheIntegerLimitFailsBeforeReading) {
  // 2^23 + 1 magnitude bytes claimed, none present: the length alone decides.
  EXPECT_EQ(decode_error("\x12\x00\x01\x00\x80\x00"s),
            "f.lzr: byte 2: bigint of 8388609 bytes exceeds the integer limit of 2^26 bits");
}
TEST(ByteTermRejects, BigintNotCanonical) {
  EXPECT_EQ(decode_error("\x12\x00\x00\x00\x00\x00"s),
            "f.lzr: byte 2: bigint magnitude is empty or has a high zero byte (not canonical)");
  EXPECT_EQ(decode_error("\x12\x00\x07\x00\x00\x00\x00\x00\x00\x00\x00\x80\x00"s),  // 2^47 with a zero byte
            "f.lzr: byte 2: bigint magnitude is empty or has a high zero byte (not canonical)");
  // 2^47 - 1 and -2^47 fit a small integer: int32 can't hold them, load64 can.
  EXPECT_EQ(decode_error("\x12\x00\x06\x00\x00\x00\xFF\xFF\xFF\xFF\xFF\x7F"s),
            "f.lzr: byte 0: bigint value fits a small integer (not canonical: use int8, int16, int32 or load64)");
  EXPECT_EQ(decode_error("\x12\x01\x06\x00\x00\x00\x00\x00\x00\x00\x00\x80"s),
            "f.lzr: byte 0: bigint value fits a small integer (not canonical: use int8, int16, int32 or load64)");
  EXPECT_EQ(decode_error("\x12\x01\x01\x00\x00\x00\x05"s),
            "f.lzr: byte 0: bigint value fits a small integer (not canonical: use int8, int16, int32 or load64)");
}
TEST(ByteTermRejects, TruncatedElement) {
  EXPECT_EQ(decode_error("\x08\x02\x00\x01\x01\x00"s), "f.lzr: byte 5: truncated int16 literal (needs 2 bytes, 1 left)");
}

}  // namespace
}  // namespace lzr

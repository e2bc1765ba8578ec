// Literal syntax: parsing (values, encodings, errors) and printing that
// reads back to the identical literal.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>

#include "asm/literal_syntax.h"

namespace lzr {
namespace {

Literal parse_ok(const std::string& text) {
  std::string err;
  auto lit = parse_literal_text(text, err);
  EXPECT_TRUE(lit.has_value()) << text << ": " << err;
  return lit ? *lit : Literal{};
}

std::string parse_err(const std::string& text) {
  std::string err;
  auto lit = parse_literal_text(text, err);
  EXPECT_FALSE(lit.has_value()) << text << " parsed";
  return err;
}

Literal atom(const char* s) { return Literal::atom(s); }
Literal num(int64_t v) { return Literal::integer(v); }

TEST(LiteralSyntax, Integers) {
  EXPECT_EQ(parse_ok("42"), num(42));
  EXPECT_EQ(parse_ok("-7"), num(-7));
  EXPECT_EQ(parse_ok("0x1F"), num(31));
  EXPECT_EQ(parse_ok("-0x10"), num(-16));
  EXPECT_EQ(parse_ok("0b101"), num(5));
  EXPECT_EQ(parse_ok("0o17"), num(15));
  EXPECT_EQ(parse_ok("1_000_000"), num(1000000));
  EXPECT_EQ(parse_ok("2147483647"), num(2147483647));
  EXPECT_EQ(parse_ok("-2147483648"), num(-2147483648LL));
  EXPECT_EQ(parse_ok("200").encoding, ByteTermType::U8);
  EXPECT_EQ(parse_ok("-200").encoding, ByteTermType::I16);
}

TEST(LiteralSyntax, Floats) {
  EXPECT_EQ(parse_ok("1.5"), Literal::floating(1.5));
  EXPECT_EQ(parse_ok("-0.25"), Literal::floating(-0.25));
  EXPECT_EQ(parse_ok("1.0e20"), Literal::floating(1e20));
  EXPECT_EQ(parse_ok("1e20"), Literal::floating(1e20));
  EXPECT_EQ(parse_ok("2.5E-3"), Literal::floating(2.5e-3));
  EXPECT_EQ(parse_ok("1.0e+3"), Literal::floating(1000.0));
  EXPECT_EQ(parse_ok("0.1").encoding, ByteTermType::F64);
  EXPECT_EQ(parse_ok("0.5").encoding, ByteTermType::F32);
  Literal negzero = parse_ok("-0.0");
  EXPECT_TRUE(std::signbit(negzero.f));
  EXPECT_NE(negzero, Literal::floating(0.0));
}

TEST(LiteralSyntax, AtomsAndStrings) {
  EXPECT_EQ(parse_ok(":ok"), atom("ok"));
  EXPECT_EQ(parse_ok(":valid?"), atom("valid?"));
  EXPECT_EQ(parse_ok(":Foo@bar"), atom("Foo@bar"));
  EXPECT_EQ(parse_ok(":\"two words\""), atom("two words"));
  EXPECT_EQ(parse_ok("true"), atom("true"));
  EXPECT_EQ(parse_ok("false"), atom("false"));
  EXPECT_EQ(parse_ok("nil"), atom("nil"));
  EXPECT_EQ(parse_ok(R"("a\n\t\r\\\"\x41\x00")"), Literal::binary(std::string("a\n\t\r\\\"A\0", 8)));
  EXPECT_EQ(parse_ok("\"\""), Literal::binary(""));
  EXPECT_EQ(parse_ok("\"h\xC3\xA9\""), Literal::binary("h\xC3\xA9"));
}

TEST(LiteralSyntax, Binaries) {
  EXPECT_EQ(parse_ok("<<1, 2, 255>>"), Literal::binary("\x01\x02\xFF"));
  EXPECT_EQ(parse_ok("<<>>"), Literal::binary(""));
  EXPECT_EQ(parse_ok("<<\"ab\", 0>>"), Literal::binary(std::string("ab\0", 3)));
}

TEST(LiteralSyntax, Containers) {
  EXPECT_EQ(parse_ok("{}"), Literal::tuple({}));
  EXPECT_EQ(parse_ok("{1, :a}"), Literal::tuple({num(1), atom("a")}));
  EXPECT_EQ(parse_ok("[]"), Literal::list({}));
  EXPECT_EQ(parse_ok("[1, [2, []]]"), Literal::list({num(1), Literal::list({num(2), Literal::list({})})}));
  EXPECT_EQ(parse_ok("[a: 1]"), Literal::list({Literal::tuple({atom("a"), num(1)})}));
  EXPECT_EQ(parse_ok("%{}"), Literal::map({}));
  EXPECT_EQ(parse_ok("%{a: 1, b: 2}"), Literal::map({atom("a"), num(1), atom("b"), num(2)}));
  EXPECT_EQ(parse_ok("%{1 => 2, \"k\" => :v}"), Literal::map({num(1), num(2), Literal::binary("k"), atom("v")}));
  EXPECT_EQ(parse_ok("%{\"a b\": 1}"), Literal::map({atom("a b"), num(1)}));
  // Entries keep their written order (the loader sorts).
  EXPECT_EQ(parse_ok("%{b: 1, a: 2}"), Literal::map({atom("b"), num(1), atom("a"), num(2)}));
}

TEST(LiteralSyntax, EncodingAnnotations) {
  Literal i = parse_ok("5::int32");
  EXPECT_EQ(i.kind, Literal::Kind::Int);
  EXPECT_EQ(i.encoding, ByteTermType::I32);
  EXPECT_EQ(parse_ok("5::uint8").encoding, ByteTermType::U8);
  EXPECT_EQ(parse_ok("5::int8"), num(5));  // canonical annotation changes nothing
  EXPECT_EQ(parse_ok("1.5::float64").encoding, ByteTermType::F64);
  Literal l = parse_ok("[1, 2::int16]::list32");
  EXPECT_EQ(l.encoding, ByteTermType::List32);
  EXPECT_EQ(l.items[1].encoding, ByteTermType::I16);
  EXPECT_EQ(parse_ok("{}::tuple16").encoding, ByteTermType::Tuple16);
  EXPECT_EQ(parse_ok("%{a: 1}::map16").encoding, ByteTermType::Map16);
}

TEST(LiteralSyntax, IntegersOfAnySize) {
  // Outside the small range an integer is a bigint literal, in every base.
  const Literal big = parse_ok("99999999999999999999");
  EXPECT_EQ(big.kind, Literal::Kind::BigInt);
  EXPECT_EQ(big.encoding, ByteTermType::BigInt);
  EXPECT_EQ(integer_literal_text(big), "99999999999999999999");
  EXPECT_EQ(parse_ok("0x5_6bc7_5E2D_630F_FFFF"), big);
  EXPECT_EQ(parse_ok("0o12_657_072_742_654_303_777_777"), big);
  EXPECT_EQ(parse_ok("0b1010110101111000111010111100010110101100011000011111111111111111111"), big);
  EXPECT_EQ(parse_ok("-99999999999999999999").negative, true);
  EXPECT_EQ(parse_ok("99999999999999999999::bigint"), big);  // the canonical annotation
  // int64 values beyond 48 bits, and the edges of the small range.
  EXPECT_EQ(parse_ok("140737488355328").kind, Literal::Kind::BigInt);
  EXPECT_EQ(parse_ok("-140737488355329").kind, Literal::Kind::BigInt);
  EXPECT_EQ(parse_ok("-9223372036854775808"), Literal::integer(INT64_MIN));
  EXPECT_EQ(parse_ok("0x00000000000000000000000000000000000000000000000000007F"), num(127));  // leading zeros
  // Printing reads back to the same literal, in decimal.
  for (const char* text : {"340282366920938463463374607431768211456", "-340282366920938463463374607431768211455",
                           "140737488355328", "-140737488355329", "{18446744073709551616, [-18446744073709551616]}"}) {
    EXPECT_EQ(asm_text::format_literal(parse_ok(text)), text);
  }
}

TEST(LiteralSyntax, Errors) {
  EXPECT_EQ(parse_err("3000000000"),
            "col 1: integer 3000000000 has no literal encoding (int32, or bigint outside 48 bits); use load");
  EXPECT_EQ(parse_err("-140737488355328"),
            "col 1: integer -140737488355328 has no literal encoding (int32, or bigint outside 48 bits); use load");
  EXPECT_EQ(parse_err("5::bigint"), "col 1: 5 does not fit bigint");
  EXPECT_EQ(parse_err("18446744073709551616::int32"), "col 1: 18446744073709551616 does not fit int32");
  EXPECT_EQ(parse_err("<<0x100000000000000000>>"), "col 3: binary element 295147905179352825856 is not a byte (0..255)");
  EXPECT_EQ(parse_err("300::int8"), "col 1: 300 does not fit int8");
  EXPECT_EQ(parse_err("0.1::float32"), "col 1: 0.1 is not exact in float32");
  EXPECT_EQ(parse_err("[1]::tuple8"), "col 1: a list cannot be stored as tuple8");
  EXPECT_EQ(parse_err("1::int64"), "col 4: expected an encoding after '::' (int8 int16 int32 uint8 bigint float32 float64 "
                                   "atom binary list8/16/32 tuple8/16/32 map8/16/32), got name 'int64'");
  EXPECT_EQ(parse_err("\"abc"), "col 1: unterminated string (strings end on the same line)");
  EXPECT_EQ(parse_err(R"("a\qb")"), R"(col 3: unknown escape \q (use \n \t \r \\ \" or \xHH))");
  EXPECT_EQ(parse_err(R"("\x4")"), R"(col 2: \x needs two hex digits (\x0A))");
  EXPECT_EQ(parse_err("foo"), "col 1: expected a literal, got name 'foo' (atoms are written :foo)");
  EXPECT_EQ(parse_err("[1 | 2]"), "col 4: improper lists cannot be literals");
  EXPECT_EQ(parse_err("[1, 2"), "col 6: expected ',' or ']', got end of file");
  EXPECT_EQ(parse_err("%{1 2}"), "col 5: expected '=>' after map key, got integer '2'");
  EXPECT_EQ(parse_err("<<256>>"), "col 3: binary element 256 is not a byte (0..255)");
  EXPECT_EQ(parse_err("<<:a>>"), "col 3: binary elements are bytes 0..255 or strings, got atom ':a'");
  EXPECT_EQ(parse_err("1.5e999"), "col 1: float 1.5e999 is out of range (floats must be finite)");
  EXPECT_EQ(parse_err("12abc"), "col 1: malformed number '12a'");
  EXPECT_EQ(parse_err(":\"a\\x00b\""), "col 1: atom contains a NUL byte");
  EXPECT_EQ(parse_err(":\"" + std::string(256, 'a') + "\""), "col 1: atom is 256 bytes long (at most 255)");
  EXPECT_EQ(parse_err("%{a.b: 1}"), "col 3: keyword key 'a.b:' must be a plain name (quote it: \"a.b\":)");
  EXPECT_EQ(parse_err("1 2"), "col 3: unexpected integer '2' after the literal");
  EXPECT_EQ(parse_err(std::string(201, '[') + std::string(201, ']')), "col 201: literal nested deeper than 200 levels");
}

TEST(LiteralSyntax, FloatText) {
  using asm_text::format_float;
  EXPECT_EQ(format_float(1.5), "1.5");
  EXPECT_EQ(format_float(1e20), "1.0e20");
  EXPECT_EQ(format_float(100.0), "100.0");
  EXPECT_EQ(format_float(1000.0), "1.0e3");
  EXPECT_EQ(format_float(0.1), "0.1");
  EXPECT_EQ(format_float(0.001), "0.001");
  EXPECT_EQ(format_float(1e-7), "1.0e-7");
  EXPECT_EQ(format_float(-0.0), "-0.0");
  EXPECT_EQ(format_float(123456.789), "123456.789");
  EXPECT_EQ(format_float(5e-324), "5.0e-324");
  EXPECT_EQ(format_float(0.0001), "1.0e-4");       // a tie goes to scientific for one digit (as Elixir)
  EXPECT_EQ(format_float(0.00012), "1.2e-4");
  EXPECT_EQ(format_float(9007199254740992.0), "9.007199254740992e15");  // whole numbers from 2^53
  EXPECT_EQ(format_float(123456789.0), "123456789.0");
}

// Every printed literal parses back to itself (value and encodings).
TEST(LiteralSyntax, PrintParsesBack) {
  std::vector<Literal> cases = {
      num(0), num(-1), num(255), num(-32768), num(2147483647), Literal::floating(0.1), Literal::floating(-0.0),
      Literal::floating(1e300), Literal::floating(std::numeric_limits<double>::denorm_min()),
      Literal::floating(static_cast<double>(0.1f)), atom("ok"), atom("two words"), atom("true"), atom("nil"),
      atom("\xC3\xA9t\xC3\xA9"), atom("a\"b\\c\n"), atom("Elixir.Foo"), atom(""), Literal::binary(""),
      Literal::binary("text\n"), Literal::binary(std::string("\0\x01\xFF", 3)), Literal::binary("\x7F"),
      Literal::binary("\xC2\x85"), Literal::list({}), Literal::tuple({Literal::list({num(1)}), Literal::map({})}),
      Literal::map({atom("a"), num(1), atom("b c"), num(2)}), Literal::map({num(1), Literal::binary("x")}),
      Literal::list({Literal::tuple({atom("a"), num(1)})})};
  Literal odd = num(5);
  odd.encoding = ByteTermType::I32;
  Literal wide_list = Literal::list({odd, num(7)});
  wide_list.encoding = ByteTermType::List16;
  Literal f64 = Literal::floating(0.5);
  f64.encoding = ByteTermType::F64;
  Literal map32 = Literal::map({atom("k"), f64});
  map32.encoding = ByteTermType::Map32;
  cases.insert(cases.end(), {odd, wide_list, f64, map32});
  for (const Literal& lit : cases) {
    std::string text = asm_text::format_literal(lit);
    std::string err;
    auto back = parse_literal_text(text, err);
    ASSERT_TRUE(back.has_value()) << text << ": " << err;
    EXPECT_EQ(*back, lit) << text;
  }
  EXPECT_EQ(asm_text::format_literal(wide_list), "[5::int32, 7]::list16");
  EXPECT_EQ(asm_text::format_literal(Literal::map({atom("a"), num(1)})), "%{a: 1}");
  EXPECT_EQ(asm_text::format_literal(Literal::map({num(1), atom("a")})), "%{1 => :a}");
  EXPECT_EQ(asm_text::format_literal(Literal::binary("\x01\x02")), "<<1, 2>>");
  EXPECT_EQ(asm_text::format_literal(atom("two words")), ":\"two words\"");
}

}  // namespace
}  // namespace lzr

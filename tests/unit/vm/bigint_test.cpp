// Big integers below the engines: the canonical form, conversions, exact
// order against floats, hashing, the size limit, the heap words an
// operation leaves behind, and the collector moving them.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "vm/bigint.h"
#include "vm/literals.h"
#include "vm/process.h"
#include "vm/raise.h"
#include "vm/term_ops.h"
#include "vm/vm.h"
#include "vm_test_support.h"

namespace lzr {
namespace {

using test::F;
using test::I;

struct Bigints : ::testing::Test {
  VM vm;
  Process p{vm, 4096};
  void SetUp() override { p.heap.set_stress(false); }

  Term parse(const std::string& text, unsigned base = 10) {
    Term t = parse_integer(p.heap, text, base);
    EXPECT_NE(t, kNil) << text;
    return t;
  }
  std::string str(Term t, unsigned base = 10) {
    std::string out;
    append_integer(out, t, base);
    return out;
  }
  std::string error() { return term_to_string(p.error, vm.atoms); }
};

TEST_F(Bigints, OneFormPerValue) {
  // The edges of the small range: small inside, big outside.
  EXPECT_TRUE(is_int(make_integer(p.heap, kSmallIntMax)));
  EXPECT_TRUE(is_int(make_integer(p.heap, kSmallIntMin)));
  const Term above = make_integer(p.heap, kSmallIntMax + 1), below = make_integer(p.heap, kSmallIntMin - 1);
  ASSERT_TRUE(is_bigint(above));
  ASSERT_TRUE(is_bigint(below));
  EXPECT_EQ(box_kind(above), BoxKind::BigPos);
  EXPECT_EQ(box_kind(below), BoxKind::BigNeg);
  EXPECT_EQ(bigint_limb_count(above), 1u);
  EXPECT_TRUE(is_integer(above) && is_numeric(above) && !is_number(above));
  // Results that come back into the small range are small again.
  EXPECT_EQ(integer_sub(p, above, I(1)), I(kSmallIntMax));
  EXPECT_EQ(integer_add(p, below, I(1)), I(kSmallIntMin));
  EXPECT_EQ(integer_neg(p, above), I(kSmallIntMin)) << "-(2^47) is small";
  EXPECT_TRUE(exact_equal(integer_neg(p, I(kSmallIntMin)), above)) << "a new object, equal to the first";
  EXPECT_EQ(parse("-140737488355328"), I(kSmallIntMin));
  EXPECT_EQ(parse("000000000000000000000000000000000000000000000000000000000000000000007"), I(7));
  // A big result is trimmed to its limbs: 2^128 - 2^128 + 1.
  const Term two128 = parse("340282366920938463463374607431768211456");
  EXPECT_EQ(bigint_limb_count(two128), 3u);
  EXPECT_EQ(integer_sub(p, two128, integer_sub(p, two128, I(1))), I(1));
  const Term r = integer_sub(p, two128, parse("340282366920938463463374607431768211455"));
  EXPECT_EQ(r, I(1));
}

TEST_F(Bigints, ResultsGiveBackTheWordsTheyDoNotUse) {
  const Term two128 = parse("340282366920938463463374607431768211456");
  const Term almost = integer_sub(p, two128, I(1));  // 2 limbs
  const size_t before = p.heap.used_words();
  EXPECT_EQ(integer_sub(p, two128, almost), I(1));
  EXPECT_EQ(p.heap.used_words(), before) << "a small result leaves nothing behind";
  const Term sum = integer_add(p, almost, I(1));  // 3 limbs out of a 3 + 1 reservation
  EXPECT_EQ(p.heap.used_words(), before + 1 + bigint_limb_count(sum));
  const size_t mid = p.heap.used_words();
  EXPECT_EQ(integer_div(p, two128, almost), I(1));
  EXPECT_EQ(integer_mod(p, two128, almost), I(1));
  EXPECT_EQ(p.heap.used_words(), mid) << "division's scratch and result words went back";
}

TEST_F(Bigints, TextInEveryBase) {
  const Term v = parse("-123456789012345678901234567890");
  EXPECT_EQ(str(v), "-123456789012345678901234567890");
  EXPECT_EQ(str(v, 16), "-18EE90FF6C373E0EE4E3F0AD2");
  EXPECT_EQ(str(v, 36), "-BYW97UM9S91DLZ68TSI");
  EXPECT_TRUE(exact_equal(parse("18ee90ff6c373e0ee4e3f0ad2", 16), integer_neg(p, v)));
  EXPECT_TRUE(exact_equal(parse("-byw97UM9S91dlz68tsi", 36), v));
  EXPECT_EQ(str(parse("+1" + std::string(100, '0'), 2)), "1267650600228229401496703205376");
  EXPECT_EQ(str(I(-255), 16), "-FF");
  EXPECT_EQ(str(I(0), 2), "0");
  for (const char* bad : {"", "-", "+", "12a", "1 2", "0x10", "--1", "1_000"}) {
    EXPECT_EQ(parse_integer(p.heap, bad, 10), kNil) << bad;
  }
  EXPECT_EQ(parse_integer(p.heap, "2", 2), kNil);
  EXPECT_EQ(parse_integer(p.heap, "z", 35), kNil);
  EXPECT_NE(parse_integer(p.heap, "z", 36), kNil);
}

TEST_F(Bigints, TooLongTextIsRefusedBeforeItIsConverted) {
  // 25 million decimal digits are more than 2^26 bits: refused at once.
  const size_t before = p.heap.used_words();
  EXPECT_EQ(parse_integer(p.heap, std::string(25'000'000, '9'), 10), kIntegerTooLarge);
  EXPECT_EQ(p.heap.used_words(), before);
  // Leading zeros do not count.
  EXPECT_EQ(parse_integer(p.heap, std::string(25'000'000, '0') + "12", 10), I(12));
  // Just past the limit after conversion: 2^(2^26) in hex.
  EXPECT_EQ(parse_integer(p.heap, "1" + std::string(size_t{1} << 24, '0'), 16), kIntegerTooLarge);
  const Term largest = parse_integer(p.heap, std::string(size_t{1} << 24, 'F'), 16);
  ASSERT_TRUE(is_bigint(largest));
  EXPECT_EQ(integer_bit_length(largest), kMaxIntegerBits);
}

TEST_F(Bigints, FloatConversionRoundsToNearestEven) {
  double d = 0;
  auto to_double = [&](const std::string& text) {
    EXPECT_TRUE(integer_to_double(parse(text), d)) << text;
    return d;
  };
  EXPECT_EQ(to_double("9007199254740993"), 9007199254740992.0);      // 2^53 + 1: tie, to even
  EXPECT_EQ(to_double("9007199254740995"), 9007199254740996.0);      // 2^53 + 3: tie, to even
  EXPECT_EQ(to_double("36028797018963971"), 36028797018963968.0);    // 2^55 + 3: below the tie
  EXPECT_EQ(to_double("36028797018963973"), 36028797018963976.0);    // 2^55 + 5: above it
  // 2^64 + 2^11 + 1: the tie is broken by a bit far below the top 64.
  EXPECT_EQ(to_double("18446744073709553665"), 18446744073709555712.0);
  EXPECT_EQ(to_double("18446744073709553664"), 18446744073709551616.0);  // exact tie: to even
  EXPECT_EQ(to_double("-340282366920938463463374607431768211456"), -0x1p128);
  // The largest double, and numbers that round up past it.
  const Term max = integer_from_double(p.heap, 1.7976931348623157e308);
  EXPECT_EQ(str(max).size(), 309u);
  ASSERT_TRUE(integer_to_double(max, d));
  EXPECT_EQ(d, 1.7976931348623157e308);
  const Term past = integer_add(p, max, integer_shift(p, I(1), I(970), false));  // rounds to 2^1024
  EXPECT_FALSE(integer_to_double(past, d));
  EXPECT_FALSE(integer_to_double(integer_shift(p, I(-1), I(2000), false), d));
  // Floats to integers are exact.
  EXPECT_EQ(str(integer_from_double(p.heap, 1.0e300)).substr(0, 20), "10000000000000000525");
  EXPECT_EQ(str(integer_from_double(p.heap, -0x1p63)), "-9223372036854775808");
  EXPECT_EQ(str(integer_from_double(p.heap, 0x1p64)), "18446744073709551616");
  EXPECT_EQ(integer_from_double(p.heap, -0.0), I(0));
  EXPECT_EQ(integer_from_double(p.heap, 123.0), I(123));
}

TEST_F(Bigints, Int64Conversion) {
  int64_t v = 0;
  EXPECT_TRUE(integer_to_int64(make_integer(p.heap, INT64_MIN), v));
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_TRUE(integer_to_int64(make_integer(p.heap, INT64_MAX), v));
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_FALSE(integer_to_int64(parse("9223372036854775808"), v));
  EXPECT_FALSE(integer_to_int64(parse("-9223372036854775809"), v));
  EXPECT_TRUE(exact_equal(make_integer(p.heap, static_cast<__int128>(INT64_MAX) * 4), parse("36893488147419103228")));
}

TEST_F(Bigints, OrderAgainstFloatsIsExact) {
  const Term p53plus1 = parse("9007199254740993");
  EXPECT_EQ(compare(p53plus1, F(9007199254740992.0)), 1) << "not rounded to the float first";
  EXPECT_EQ(compare(F(9007199254740992.0), p53plus1), -1);
  EXPECT_FALSE(equal(p53plus1, F(9007199254740992.0)));
  const Term p64 = parse("18446744073709551616");
  EXPECT_EQ(compare(p64, F(0x1p64)), 0);
  EXPECT_TRUE(equal(p64, F(0x1p64))) << "== holds for exactly equal values";
  EXPECT_FALSE(exact_equal(p64, F(0x1p64))) << "=:= does not";
  EXPECT_LT(compare_exact(p64, F(0x1p64)), 0) << "exactly: the integer first";
  EXPECT_GT(compare_exact(F(0x1p64), p64), 0);
  EXPECT_EQ(compare(parse("-18446744073709551617"), F(-0x1p64)), -1);
  EXPECT_EQ(compare(p64, F(1.0e300)), -1);
  EXPECT_EQ(compare(integer_shift(p, I(1), I(1100), false), F(1.7976931348623157e308)), 1);
  EXPECT_EQ(compare(p64, F(-0.0)), 1);
  // Against small integers and other big ones; numbers before atoms.
  EXPECT_EQ(compare(p64, I(kSmallIntMax)), 1);
  EXPECT_EQ(compare(parse("-140737488355329"), I(kSmallIntMin)), -1);
  EXPECT_EQ(compare(parse("-340282366920938463463374607431768211456"), parse("-18446744073709551616")), -1);
  EXPECT_EQ(compare(p64, parse("18446744073709551617")), -1);
  EXPECT_EQ(compare(p64, integer_mul(p, parse("4294967296"), parse("4294967296"))), 0);
  EXPECT_EQ(compare(p64, *vm.atoms.intern("a")), -1);
  // Inside containers, == and =:= keep their number rules.
  const Term t1 = lzr::make_tuple(p.heap, std::vector<Term>{p64});
  const Term t2 = lzr::make_tuple(p.heap, std::vector<Term>{F(0x1p64)});
  EXPECT_TRUE(equal(t1, t2));
  EXPECT_FALSE(exact_equal(t1, t2));
}

TEST_F(Bigints, HashAgreesBetweenHeapAndLiteralCopies) {
  LiteralArena arena;
  std::string err;
  const Literal lit = Literal::big_integer(true, std::string("\x01\x02\x03\x04\x05\x06\x07\x08\x09", 9));
  const Term from_literal = *arena.materialize(lit, vm.atoms, err);
  ASSERT_TRUE(is_bigint(from_literal));
  const Term computed = parse("-" + str(integer_neg(p, from_literal)));
  EXPECT_NE(from_literal, computed) << "two objects";
  EXPECT_TRUE(exact_equal(from_literal, computed));
  EXPECT_EQ(hash_term(from_literal), hash_term(computed));
  EXPECT_NE(hash_term(from_literal), hash_term(integer_neg(p, computed)));
  EXPECT_TRUE(exact_equal(arena.integer(INT64_MIN), make_integer(p.heap, INT64_MIN)));
  EXPECT_EQ(arena.integer(5), I(5));
}

TEST_F(Bigints, BytesRoundTrip) {
  const Term v = parse("-1311768467463790320");  // 0x1234_5678_9ABC_DEF0
  uint8_t bytes[16] = {};
  ASSERT_EQ(integer_magnitude_bytes(v, bytes), 8u);
  EXPECT_EQ(bytes[0], 0xF0);
  EXPECT_EQ(bytes[7], 0x12);
  EXPECT_TRUE(exact_equal(integer_from_bytes(heap_allocator(p.heap), true, bytes, 8), v));
  EXPECT_TRUE(exact_equal(integer_from_bytes(heap_allocator(p.heap), true, bytes, 16), v)) << "high zeros ignored";
  EXPECT_EQ(integer_magnitude_bytes(I(0), nullptr), 0u);
  EXPECT_EQ(integer_magnitude_bytes(I(256), nullptr), 2u);
}

TEST_F(Bigints, SizeLimit) {
  // shl past the limit fails before allocating 2^40 bits.
  const size_t before = p.heap.used_words();
  EXPECT_EQ(integer_shift(p, I(1), I(int64_t{1} << 40), false), kRaised);
  EXPECT_EQ(error(), ":system_limit");
  EXPECT_EQ(p.heap.used_words(), before);
  EXPECT_EQ(integer_shift(p, I(0), I(int64_t{1} << 40), false), I(0)) << "0 stays 0";
  EXPECT_EQ(integer_shift(p, I(-5), parse("18446744073709551616"), true), I(-1)) << "a big right shift";
  EXPECT_EQ(integer_shift(p, I(5), parse("-18446744073709551616"), false), I(0));
  EXPECT_EQ(integer_shift(p, I(5), parse("18446744073709551616"), false), kRaised);
  // A product whose operands alone prove it too large.
  const Term half = integer_shift(p, I(1), I(int64_t{1} << 25), false);
  const size_t mid = p.heap.used_words();
  EXPECT_EQ(integer_mul(p, half, half), kRaised);
  EXPECT_EQ(p.heap.used_words(), mid);
  // At the limit exactly: 2^(2^26) - 1 exists, one more does not.
  const Term top = integer_sub(p, integer_mul(p, integer_sub(p, integer_shift(p, I(1), I((int64_t{1} << 26) - 1), false), I(1)), I(2)), I(-1));
  ASSERT_TRUE(is_bigint(top));
  EXPECT_EQ(integer_bit_length(top), kMaxIntegerBits);
  EXPECT_EQ(integer_add(p, top, I(1)), kRaised);
  EXPECT_TRUE(exact_equal(integer_not(p, integer_neg(p, top)), integer_sub(p, top, I(1))));
  EXPECT_EQ(integer_not(p, top), kRaised) << "-(2^(2^26)) has 2^26 + 1 bits";
}

TEST_F(Bigints, DivisionByZero) {
  EXPECT_EQ(integer_div(p, parse("18446744073709551616"), I(0)), kRaised);
  EXPECT_EQ(error(), ":badarith");
  EXPECT_EQ(integer_mod(p, I(5), I(0)), kRaised);
}

TEST_F(Bigints, CollectionsMoveThemIntact) {
  // Both collection kinds copy a big integer (raw words, not scanned) and
  // leave it equal.
  Term x[kNumX];
  for (Term& t : x) t = kNil;
  x[0] = parse("-340282366920938463463374607431768211457");
  x[1] = lzr::make_tuple(p.heap, std::vector<Term>{parse("18446744073709551616"), I(1)});
  const std::string want0 = str(x[0]);
  for (int round = 0; round < 4; ++round) {
    // A minor collection moves young objects only: make x0 young again.
    if (round % 2 == 0) x[0] = integer_neg(p, integer_neg(p, x[0]));
    const Term* before = boxed_ptr(x[0]);
    GcRoots roots;
    roots.x = x;
    roots.x_live = 3;
    if (round % 2) p.heap.collect_major(roots);
    else p.heap.collect(roots);
    EXPECT_NE(boxed_ptr(x[0]), before) << "moved";
    EXPECT_EQ(str(x[0]), want0);
    EXPECT_EQ(str(tuple_elems(x[1])[0]), "18446744073709551616");
  }
}

}  // namespace
}  // namespace lzr

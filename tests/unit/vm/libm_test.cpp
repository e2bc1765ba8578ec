// src/vm/libm.h: the math library loaded on first use, and the exact ceil
// the lzr binary carries instead of libm's.
#include "vm/libm.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <vector>

namespace lzr {
namespace {

// Same value and same sign (0.0 and -0.0 differ).
void expect_same(double expected, double got, double input) {
  EXPECT_EQ(std::bit_cast<uint64_t>(expected), std::bit_cast<uint64_t>(got)) << "input " << input;
}

TEST(Libm, CeilWithoutLibmMatchesCeilExactly) {
  const double inf = std::numeric_limits<double>::infinity();
  const double cases[] = {0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 1.5, -1.5, 2.0, 0x1p-1074, -0x1p-1074, 0.9999999999999999,
                          -0.9999999999999999, 0x1p52 - 0.5, -(0x1p52 - 0.5), 0x1p52, 0x1p52 + 1, -0x1p52, 0x1p63,
                          -0x1p63, 1e300, -1e300, inf, -inf, 123456789.000001, -123456789.000001};
  for (double x : cases) expect_same(std::ceil(x), libm::ceil(x), x);
  for (int i = -2000; i <= 2000; ++i) {
    const double x = i / 7.0;
    expect_same(std::ceil(x), libm::ceil(x), x);
  }
  EXPECT_TRUE(std::isnan(libm::ceil(std::numeric_limits<double>::quiet_NaN())));
}

// round, trunc, floor and ceil are computed without libm: bit for bit the
// library's on the edges (halves, signed zeros, 2^52 and around it, the
// int64 range, subnormals, infinities) and on a sweep of fractions.
TEST(Libm, RoundingsWithoutLibmMatchTheLibraryExactly) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> cases = {0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994,
                               0.5000000000000001, 1.0, -1.0, 0x1p-1074, -0x1p-1074, 0x1p-1022, 0.9999999999999999,
                               -0.9999999999999999, 0x1p52 - 0.5, -(0x1p52 - 0.5), 0x1p52 - 1.5, 0x1p52, -0x1p52,
                               0x1p52 + 1, 0x1p53 - 1, 0x1p63, -0x1p63, 0x1p64, 1e300, -1e300, inf, -inf,
                               std::numeric_limits<double>::max(), -std::numeric_limits<double>::max(),
                               123456789.5, -123456789.5, 4503599627370495.5, -4503599627370495.5};
  for (int i = -3000; i <= 3000; ++i) cases.push_back(i / 8.0 + i / 7000.0);
  for (double x : cases) {
    expect_same(std::round(x), libm::round(x), x);
    expect_same(std::trunc(x), libm::trunc(x), x);
    expect_same(std::floor(x), libm::floor(x), x);
    expect_same(std::ceil(x), libm::ceil(x), x);
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (double (*f)(double) : {libm::round, libm::trunc, libm::floor, libm::ceil}) EXPECT_TRUE(std::isnan(f(nan)));
}

// On x86-64 sqrt is the SSE2 instruction, not libm's: IEEE 754 makes both
// correctly rounded, so they must agree on every input, signed zeros,
// subnormals and infinities included; a negative input gives a NaN (which
// math.sqrt/1 turns into badarith).
TEST(Libm, SqrtIsCorrectlyRoundedLikeTheLibrary) {
  const double inf = std::numeric_limits<double>::infinity();
  for (double x : {0.0, -0.0, 0x1p-1074, 0x1p-1022, 0.5, 1.0, 2.0, 3.0, 1e300, std::numeric_limits<double>::max(), inf})
    expect_same(std::sqrt(x), libm::sqrt(x), x);
  double x = 0x1p-1060;
  for (int i = 0; i < 4000; ++i, x *= 1.4142135623730951 * 1.0000001)  // ~4000 inputs across the exponent range
    expect_same(std::sqrt(x), libm::sqrt(x), x);
  EXPECT_TRUE(std::isnan(libm::sqrt(-1.0)));
  EXPECT_TRUE(std::isnan(libm::sqrt(-inf)));
  EXPECT_TRUE(std::isnan(libm::sqrt(std::numeric_limits<double>::quiet_NaN())));
}

TEST(Libm, LazyFunctionsAreTheLibraryFunctions) {
  for (double x : {-2.5, -0.5, 0.0, 0.25, 1.0, 3.75, 100.0}) {
    expect_same(std::sin(x), libm::sin(x), x);
    expect_same(std::cos(x), libm::cos(x), x);
    expect_same(std::exp(x), libm::exp(x), x);
    expect_same(std::round(x), libm::round(x), x);
    expect_same(std::trunc(x), libm::trunc(x), x);
    expect_same(std::floor(x), libm::floor(x), x);
    expect_same(std::ceil(x), libm::ceil(x), x);
    expect_same(std::fmod(x, 0.75), libm::fmod(x, 0.75), x);
    expect_same(std::pow(x, 3.0), libm::pow(x, 3.0), x);
    if (x > 0) {
      expect_same(std::log(x), libm::log(x), x);
      expect_same(std::sqrt(x), libm::sqrt(x), x);
    }
  }
}

}  // namespace
}  // namespace lzr

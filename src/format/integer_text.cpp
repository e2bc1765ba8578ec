// Digits <-> limbs through GMP's mpn layer (integer_text.h).
#include "format/integer_text.h"

#include <gmp.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <memory>

namespace lzr {

static_assert(GMP_NUMB_BITS == 64 && sizeof(mp_limb_t) == sizeof(uint64_t),
              "Lazer stores 64-bit limbs without nails");

namespace {

// Bits per digit, rounded up: an upper bound on the bits `digits` digits need.
unsigned bits_per_digit(unsigned base) { return static_cast<unsigned>(std::bit_width(base - 1)); }

constexpr char kDigitChars[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

}  // namespace

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return -1;
}

void append_magnitude_digits(std::string& out, const uint64_t* limbs, size_t n, unsigned base) {
  // mpn_get_str clobbers its input (for bases that are not powers of 2) and
  // wants room for the digits of the largest n-limb number plus one.
  auto scratch = std::make_unique_for_overwrite<mp_limb_t[]>(n + 1);
  std::memcpy(scratch.get(), limbs, n * sizeof(mp_limb_t));
  // At most 64n / floor(log2 base) digits (an integer bound: std::log2 would
  // need libm, which lzr loads only on first use).
  const size_t bound = 64 * n / (static_cast<size_t>(std::bit_width(base)) - 1) + 3;
  const size_t start = out.size();
  out.resize(start + bound);
  auto* digits = reinterpret_cast<unsigned char*>(out.data() + start);
  size_t len = mpn_get_str(digits, static_cast<int>(base), scratch.get(), static_cast<mp_size_t>(n));
  // Leading zero digits are possible in principle (GMP documents none for a
  // normalized input); drop them but keep at least one digit.
  size_t skip = 0;
  while (skip + 1 < len && digits[skip] == 0) ++skip;
  for (size_t i = skip; i < len; ++i) digits[i - skip] = static_cast<unsigned char>(kDigitChars[digits[i]]);
  out.resize(start + len - skip);
}

size_t limbs_for_digits(size_t digits, unsigned base) { return digits * bits_per_digit(base) / 64 + 2; }

size_t magnitude_from_digits(std::string_view digits, unsigned base, uint64_t* out) {
  size_t first = 0;
  while (first < digits.size() && digits[first] == '0') ++first;
  const size_t n = digits.size() - first;
  if (n == 0) return 0;
  auto values = std::make_unique_for_overwrite<unsigned char[]>(n);
  for (size_t i = 0; i < n; ++i) values[i] = static_cast<unsigned char>(digit_value(digits[first + i]));
  mp_size_t limbs = mpn_set_str(reinterpret_cast<mp_limb_t*>(out), values.get(), n, static_cast<int>(base));
  while (limbs > 0 && out[limbs - 1] == 0) --limbs;
  return static_cast<size_t>(limbs);
}

std::vector<uint64_t> magnitude_from_digits(std::string_view digits, unsigned base) {
  std::vector<uint64_t> limbs(limbs_for_digits(digits.size(), base));
  limbs.resize(magnitude_from_digits(digits, base, limbs.data()));
  return limbs;
}

std::string magnitude_to_bytes(const uint64_t* limbs, size_t n) {
  std::string bytes;
  bytes.reserve(8 * n);
  for (size_t i = 0; i < n; ++i) {
    for (unsigned k = 0; k < 8; ++k) bytes += static_cast<char>(limbs[i] >> (8 * k));
  }
  while (!bytes.empty() && bytes.back() == '\0') bytes.pop_back();
  return bytes;
}

std::vector<uint64_t> magnitude_from_bytes(std::string_view bytes) {
  std::vector<uint64_t> limbs((bytes.size() + 7) / 8, 0);
  for (size_t i = 0; i < bytes.size(); ++i) limbs[i / 8] |= uint64_t{static_cast<uint8_t>(bytes[i])} << (8 * (i % 8));
  while (!limbs.empty() && limbs.back() == 0) limbs.pop_back();
  return limbs;
}

std::string integer_bytes_to_decimal(bool negative, std::string_view magnitude) {
  const std::vector<uint64_t> limbs = magnitude_from_bytes(magnitude);
  if (limbs.empty()) return "0";
  std::string out = negative ? "-" : "";
  append_magnitude_digits(out, limbs.data(), limbs.size(), 10);
  return out;
}

}  // namespace lzr

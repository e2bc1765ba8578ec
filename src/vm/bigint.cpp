// Big integers: representation, conversions and order (bigint.h). The
// arithmetic is in bigint_arith.cpp.
#include "vm/bigint.h"

#include <gmp.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>

#include "format/integer_text.h"

namespace lzr {

static_assert(GMP_NUMB_BITS == 64 && sizeof(mp_limb_t) == sizeof(uint64_t),
              "big integers store 64-bit limbs without nails");

namespace {

// A small integer's magnitude is below 2^47, or exactly 2^47 when negative.
constexpr uint64_t kSmallMagnitude = uint64_t{1} << 47;

bool fits_small_magnitude(uint64_t m, bool negative) { return m < kSmallMagnitude || (negative && m == kSmallMagnitude); }

int64_t signed_small(uint64_t m, bool negative) {
  return negative ? -static_cast<int64_t>(m) : static_cast<int64_t>(m);
}

size_t normalized(const uint64_t* d, size_t n) {
  while (n > 0 && d[n - 1] == 0) --n;
  return n;
}

uint64_t magnitude_bits(const uint64_t* d, size_t n) {
  return n == 0 ? 0 : 64 * (n - 1) + static_cast<uint64_t>(std::bit_width(d[n - 1]));
}

template <typename T>
int three_way(T x, T y) { return x < y ? -1 : (y < x ? 1 : 0); }

// A read-only GMP integer over the view's limbs (no allocation).
mpz_srcptr as_mpz(mpz_t z, const IntegerView& v) {
  const mp_size_t n = static_cast<mp_size_t>(v.size());
  return mpz_roinit_n(z, reinterpret_cast<const mp_limb_t*>(v.limbs()), v.negative() ? -n : n);
}

}  // namespace

IntegerView::IntegerView(Term t) {
  if (is_int(t)) {
    const int64_t v = int_value(t);
    negative_ = v < 0;
    small_ = negative_ ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    size_ = small_ != 0;
  } else {
    big_ = bigint_limbs(t);
    size_ = bigint_limb_count(t);
    negative_ = bigint_negative(t);
  }
}

IntegerBuilder::IntegerBuilder(Heap& heap, size_t capacity)
    : heap_(heap), object_(heap.alloc(1 + capacity)), capacity_(capacity) {}

Term IntegerBuilder::finish(size_t size, bool negative) {
  const uint64_t* d = limbs();
  size = normalized(d, size);
  if (size <= 1 && fits_small_magnitude(size ? d[0] : 0, negative)) {
    heap_.shrink_last(object_, 1 + capacity_, 0);
    return make_int(signed_small(size ? d[0] : 0, negative));
  }
  object_[0] = make_header(negative ? BoxKind::BigNeg : BoxKind::BigPos, size);
  heap_.shrink_last(object_, 1 + capacity_, 1 + size);
  return make_boxed(object_);
}

void IntegerBuilder::abandon() { heap_.shrink_last(object_, 1 + capacity_, 0); }

Term make_integer(Heap& heap, int64_t v) {
  if (fits_small(v)) return make_int(v);
  IntegerBuilder b(heap, 1);
  b.limbs()[0] = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  return b.finish(1, v < 0);
}

Term make_integer(Heap& heap, __int128 v) {
  if (v >= INT64_MIN && v <= INT64_MAX) return make_integer(heap, static_cast<int64_t>(v));
  const unsigned __int128 m = v < 0 ? 0 - static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  IntegerBuilder b(heap, 2);
  b.limbs()[0] = static_cast<uint64_t>(m);
  b.limbs()[1] = static_cast<uint64_t>(m >> 64);
  return b.finish(2, v < 0);
}

Term make_integer(WordAllocator alloc, bool negative, const uint64_t* limbs, size_t n) {
  n = normalized(limbs, n);
  if (n <= 1 && fits_small_magnitude(n ? limbs[0] : 0, negative)) return make_int(signed_small(n ? limbs[0] : 0, negative));
  Term* o = alloc(1 + n);
  o[0] = make_header(negative ? BoxKind::BigNeg : BoxKind::BigPos, n);
  std::memcpy(o + 1, limbs, n * sizeof(uint64_t));
  return make_boxed(o);
}

uint64_t integer_bit_length(Term t) {
  const IntegerView v(t);
  return magnitude_bits(v.limbs(), v.size());
}

int compare_integers(Term a, Term b) {
  if (is_int(a) && is_int(b)) return three_way(int_value(a), int_value(b));
  const IntegerView x(a), y(b);
  if (x.negative() != y.negative()) return x.negative() ? -1 : 1;
  int c = three_way(x.size(), y.size());
  if (c == 0) c = mpn_cmp(reinterpret_cast<const mp_limb_t*>(x.limbs()), reinterpret_cast<const mp_limb_t*>(y.limbs()),
                          static_cast<mp_size_t>(x.size()));
  return x.negative() ? -c : c;
}

int compare_integer_float(Term i, double f) {
  if (is_int(i)) {  // 48 bits: exact as a double
    const double d = static_cast<double>(int_value(i));
    return three_way(d, f);
  }
  const IntegerView v(i);
  mpz_t z;
  const int c = mpz_cmp_d(as_mpz(z, v), f);  // exact, no allocation
  return three_way(c, 0);
}

bool integer_to_double(Term t, double& out) {
  if (is_int(t)) {
    out = static_cast<double>(int_value(t));
    return true;
  }
  const IntegerView v(t);
  const uint64_t* d = v.limbs();
  const size_t n = v.size();
  const uint64_t bits = magnitude_bits(d, n);
  double r;
  if (bits <= 64) {
    r = static_cast<double>(d[0]);  // uint64 -> double rounds to nearest
  } else if (bits > 1025) {
    return false;
  } else {
    // The top 64 bits, with a sticky bit for everything below them in bit 0:
    // rounding those 64 bits to 53 rounds the whole number the same way.
    const uint64_t shift = bits - 64;
    const size_t at = shift / 64;
    const unsigned off = shift % 64;
    uint64_t top = d[at] >> off;
    if (off) top |= d[at + 1] << (64 - off);
    bool sticky = off && (d[at] & ((uint64_t{1} << off) - 1)) != 0;
    for (size_t k = 0; k < at && !sticky; ++k) sticky = d[k] != 0;
    // shift <= 961: 2^shift is a normal double, and scaling by it is exact
    // (or infinite); std::ldexp would need libm (src/vm/libm.h).
    const double scale = std::bit_cast<double>(static_cast<uint64_t>(shift + 1023) << 52);
    r = static_cast<double>(top | (sticky ? 1 : 0)) * scale;
  }
  if (!std::isfinite(r)) return false;
  out = v.negative() ? -r : r;
  return true;
}

Term integer_from_double(Heap& heap, double d) {
  if (std::fabs(d) < 0x1p63) return make_integer(heap, static_cast<int64_t>(d));
  // |d| = m * 2^(exp - 53) with m a 53-bit integer and exp (the bit length)
  // >= 64, read from the bits of a normal double (std::frexp needs libm).
  const uint64_t bits = std::bit_cast<uint64_t>(std::fabs(d));
  const int exp = static_cast<int>(bits >> 52) - 1022;
  const uint64_t m = (bits & ((uint64_t{1} << 52) - 1)) | (uint64_t{1} << 52);
  const unsigned shift = static_cast<unsigned>(exp - 53);
  const size_t n = (static_cast<size_t>(exp) + 63) / 64;
  IntegerBuilder b(heap, n);
  uint64_t* r = b.limbs();
  std::memset(r, 0, n * sizeof(uint64_t));
  r[shift / 64] = m << (shift % 64);
  if (shift % 64 != 0 && shift / 64 + 1 < n) r[shift / 64 + 1] = m >> (64 - shift % 64);
  return b.finish(n, d < 0);
}

bool integer_to_int64(Term t, int64_t& out) {
  if (is_int(t)) {
    out = int_value(t);
    return true;
  }
  const IntegerView v(t);
  if (v.size() != 1) return false;
  const uint64_t m = v.limbs()[0];
  if (v.negative() ? m > (uint64_t{1} << 63) : m > static_cast<uint64_t>(INT64_MAX)) return false;
  out = v.negative() ? static_cast<int64_t>(0 - m) : static_cast<int64_t>(m);
  return true;
}

void append_integer(std::string& out, Term t, unsigned base) {
  if (is_int(t) && base == 10) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, int_value(t));
    out.append(buf, end);
    return;
  }
  const IntegerView v(t);
  if (v.size() == 0) {
    out += '0';
    return;
  }
  if (v.negative()) out += '-';
  append_magnitude_digits(out, v.limbs(), v.size(), base);
}

Term parse_integer(Heap& heap, std::string_view text, unsigned base) {
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return kNil;
  for (char c : text) {
    const int d = digit_value(c);
    if (d < 0 || static_cast<unsigned>(d) >= base) return kNil;
  }
  // n significant digits are worth at least (n - 1) * floor(log2 base) + 1
  // bits: far too long a text is refused before anything is allocated.
  size_t significant = text.size();
  for (size_t i = 0; i < text.size() && text[i] == '0'; ++i) --significant;
  const uint64_t floor_log2 = static_cast<uint64_t>(std::bit_width(base)) - 1;
  if (significant > 0 && (significant - 1) * floor_log2 + 1 > kMaxIntegerBits) return kIntegerTooLarge;
  const size_t capacity = limbs_for_digits(text.size(), base);
  IntegerBuilder b(heap, capacity);
  const size_t n = magnitude_from_digits(text, base, b.limbs());
  if (magnitude_bits(b.limbs(), n) > kMaxIntegerBits) {
    b.abandon();
    return kIntegerTooLarge;
  }
  return b.finish(n, negative);
}

Term integer_from_bytes(WordAllocator alloc, bool negative, const uint8_t* bytes, size_t n) {
  while (n > 0 && bytes[n - 1] == 0) --n;
  if (n > kMaxIntegerBits / 8 + 1) return kIntegerTooLarge;
  const size_t limbs = (n + 7) / 8;
  uint64_t small[2] = {0, 0};
  if (limbs <= 1) {
    for (size_t i = 0; i < n; ++i) small[0] |= uint64_t{bytes[i]} << (8 * i);
    return make_integer(alloc, negative, small, limbs);
  }
  Term* o = alloc(1 + limbs);
  uint64_t* d = o + 1;
  std::memset(d, 0, limbs * sizeof(uint64_t));
  for (size_t i = 0; i < n; ++i) d[i / 8] |= uint64_t{bytes[i]} << (8 * (i % 8));
  if (magnitude_bits(d, limbs) > kMaxIntegerBits) return kIntegerTooLarge;
  o[0] = make_header(negative ? BoxKind::BigNeg : BoxKind::BigPos, limbs);
  return make_boxed(o);
}

size_t integer_magnitude_bytes(Term t, uint8_t* out) {
  const IntegerView v(t);
  const uint64_t bits = magnitude_bits(v.limbs(), v.size());
  const size_t n = static_cast<size_t>((bits + 7) / 8);
  if (out) {
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(v.limbs()[i / 8] >> (8 * (i % 8)));
  }
  return n;
}

}  // namespace lzr

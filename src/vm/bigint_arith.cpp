// Exact integer arithmetic on small and big integers (bigint.h), with GMP's
// mpn functions writing straight into the result object on the process
// heap. Every result goes through IntegerBuilder::finish, so it comes out
// canonical (small when it fits). Allocation never collects, so operand
// limbs stay where they are while the result is built; scratch areas are
// allocated after the result and given back before it is finished.
#include <gmp.h>

#include <algorithm>
#include <cstring>

#include "vm/atoms.h"
#include "vm/bigint.h"
#include "vm/raise.h"

namespace lzr {

namespace {

mp_limb_t* mp(uint64_t* p) { return reinterpret_cast<mp_limb_t*>(p); }
const mp_limb_t* mp(const uint64_t* p) { return reinterpret_cast<const mp_limb_t*>(p); }
mp_size_t ms(size_t n) { return static_cast<mp_size_t>(n); }

Term too_large(Process& p) { return raise(p, kAtom_system_limit); }

// A result that may have come out one bit past the limit.
Term limited(Process& p, Term r) {
  if (is_bigint(r) && integer_bit_length(r) > kMaxIntegerBits) return too_large(p);
  return r;
}

int compare_magnitudes(const IntegerView& x, const IntegerView& y) {
  if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
  return x.size() == 0 ? 0 : mpn_cmp(mp(x.limbs()), mp(y.limbs()), ms(x.size()));
}

void copy_limbs(uint64_t* to, const uint64_t* from, size_t n) {
  if (n) std::memcpy(to, from, n * sizeof(uint64_t));
}

// a + b, or a - b when `negate_b`.
Term add_signed(Process& p, Term a, Term b, bool negate_b) {
  const IntegerView x(a), y(b);
  const bool y_negative = y.negative() != negate_b;
  if (x.negative() == y_negative) {  // magnitudes add
    const IntegerView& big = x.size() >= y.size() ? x : y;
    const IntegerView& small = x.size() >= y.size() ? y : x;
    const size_t n = big.size();
    IntegerBuilder r(p.heap, n + 1);
    if (small.size() == 0) {
      copy_limbs(r.limbs(), big.limbs(), n);
      r.limbs()[n] = 0;
    } else {
      r.limbs()[n] = mpn_add(mp(r.limbs()), mp(big.limbs()), ms(n), mp(small.limbs()), ms(small.size()));
    }
    return limited(p, r.finish(n + 1, x.negative()));
  }
  // Magnitudes subtract: the larger one gives the sign.
  const int c = compare_magnitudes(x, y);
  if (c == 0) return make_int(0);
  const IntegerView& big = c > 0 ? x : y;
  const IntegerView& small = c > 0 ? y : x;
  const size_t n = big.size();
  IntegerBuilder r(p.heap, n);
  if (small.size() == 0) copy_limbs(r.limbs(), big.limbs(), n);
  else mpn_sub(mp(r.limbs()), mp(big.limbs()), ms(n), mp(small.limbs()), ms(small.size()));
  return r.finish(n, c > 0 ? x.negative() : y_negative);
}

// Floored (or, not `floored`, truncated) division of a by b: the
// quotient, or (want_mod) the remainder.
Term divide(Process& p, Term a, Term b, bool want_mod, bool floored = true) {
  const IntegerView x(a), y(b);
  if (y.size() == 0) return raise(p, kAtom_badarith);
  if (x.size() == 0) return make_int(0);
  const bool differ = floored && x.negative() != y.negative();  // truncated: no rounding step
  const size_t xn = x.size(), yn = y.size();
  if (compare_magnitudes(x, y) < 0) {  // truncated: quotient 0, remainder a
    if (!want_mod) return make_int(differ ? -1 : 0);
    if (!differ) return a;
    IntegerBuilder r(p.heap, yn);  // |b| - |a|, with b's sign
    mpn_sub(mp(r.limbs()), mp(y.limbs()), ms(yn), mp(x.limbs()), ms(xn));
    return r.finish(yn, y.negative());
  }
  const size_t qn = xn - yn + 1;
  if (!want_mod) {
    // One spare limb: rounding the quotient toward minus infinity may carry.
    IntegerBuilder q(p.heap, qn + 1);
    Term* rem = p.heap.alloc(yn);
    mpn_tdiv_qr(mp(q.limbs()), mp(rem), 0, mp(x.limbs()), ms(xn), mp(y.limbs()), ms(yn));
    const bool inexact = !mpn_zero_p(mp(rem), ms(yn));
    p.heap.shrink_last(rem, yn, 0);
    q.limbs()[qn] = differ && inexact ? mpn_add_1(mp(q.limbs()), mp(q.limbs()), ms(qn), 1) : 0;
    return q.finish(qn + 1, x.negative() != y.negative());
  }
  IntegerBuilder r(p.heap, yn);
  Term* quotient = p.heap.alloc(qn);
  mpn_tdiv_qr(mp(quotient), mp(r.limbs()), 0, mp(x.limbs()), ms(xn), mp(y.limbs()), ms(yn));
  p.heap.shrink_last(quotient, qn, 0);
  if (mpn_zero_p(mp(r.limbs()), ms(yn))) return r.finish(0, false);
  // The truncated remainder has a's sign; floored, it takes b's: |b| - r.
  if (differ) mpn_sub_n(mp(r.limbs()), mp(y.limbs()), mp(r.limbs()), ms(yn));
  return r.finish(yn, floored ? y.negative() : x.negative());
}

// The magnitude's two's complement bits, one limb at a time: for a negative
// value, the complement of (|v| - 1), the decrement done as the limbs go by.
class TwosComplementLimbs {
 public:
  explicit TwosComplementLimbs(const IntegerView& v) : v_(v), borrow_(v.negative()) {}
  uint64_t next(size_t i) {
    const uint64_t m = i < v_.size() ? v_.limbs()[i] : 0;
    if (!v_.negative()) return m;
    const uint64_t d = m - borrow_;
    borrow_ = borrow_ && m == 0;
    return ~d;
  }

 private:
  const IntegerView& v_;
  uint64_t borrow_;
};

}  // namespace

Term integer_add(Process& p, Term a, Term b) { return add_signed(p, a, b, false); }
Term integer_sub(Process& p, Term a, Term b) { return add_signed(p, a, b, true); }

Term integer_mul(Process& p, Term a, Term b) {
  const IntegerView x(a), y(b);
  if (x.size() == 0 || y.size() == 0) return make_int(0);
  // The product has at least 64 * (xn + yn - 2) + 1 bits.
  if (x.size() + y.size() - 2 >= kMaxIntegerLimbs) return too_large(p);
  const IntegerView& big = x.size() >= y.size() ? x : y;
  const IntegerView& small = x.size() >= y.size() ? y : x;
  const size_t n = big.size() + small.size();
  IntegerBuilder r(p.heap, n);
  if (big.limbs() == small.limbs() && big.size() == small.size()) {
    mpn_sqr(mp(r.limbs()), mp(big.limbs()), ms(big.size()));
  } else {
    mpn_mul(mp(r.limbs()), mp(big.limbs()), ms(big.size()), mp(small.limbs()), ms(small.size()));
  }
  return limited(p, r.finish(n, x.negative() != y.negative()));
}

Term integer_div(Process& p, Term a, Term b) { return divide(p, a, b, false); }
Term integer_mod(Process& p, Term a, Term b) { return divide(p, a, b, true); }
Term integer_tdiv(Process& p, Term a, Term b) { return divide(p, a, b, false, false); }
Term integer_rem(Process& p, Term a, Term b) { return divide(p, a, b, true, false); }

Term integer_neg(Process& p, Term a) {
  if (is_int(a)) return make_integer(p.heap, -static_cast<__int128>(int_value(a)));
  const IntegerView x(a);
  IntegerBuilder r(p.heap, x.size());
  copy_limbs(r.limbs(), x.limbs(), x.size());
  return r.finish(x.size(), !x.negative());  // -(2^47) comes out small
}

Term integer_not(Process& p, Term a) {
  if (is_int(a)) return make_int(~int_value(a));  // stays in the small range
  const IntegerView x(a);
  const size_t n = x.size();
  if (x.negative()) {  // ~a = |a| - 1
    IntegerBuilder r(p.heap, n);
    mpn_sub_1(mp(r.limbs()), mp(x.limbs()), ms(n), 1);
    return r.finish(n, false);
  }
  IntegerBuilder r(p.heap, n + 1);  // ~a = -(a + 1)
  r.limbs()[n] = mpn_add_1(mp(r.limbs()), mp(x.limbs()), ms(n), 1);
  return limited(p, r.finish(n + 1, true));
}

// Two's complement semantics on sign + magnitude, as mpz_and/ior/xor: with
// the operands' bits X and Y (infinitely sign-extended), the result's bits
// are R = X op Y and its sign bit is (sign x) op (sign y); a negative result
// has magnitude ~R + 1.
Term integer_bitwise(Process& p, BitOp op, Term a, Term b) {
  const IntegerView x(a), y(b);
  auto apply = [op](uint64_t u, uint64_t v) { return op == BitOp::And ? (u & v) : op == BitOp::Or ? (u | v) : (u ^ v); };
  const bool negative = apply(x.negative(), y.negative()) != 0;
  const size_t n = std::max(x.size(), y.size());
  IntegerBuilder r(p.heap, n + 1);
  TwosComplementLimbs xs(x), ys(y);
  uint64_t carry = negative;  // the + 1 of a negative result
  for (size_t i = 0; i < n; ++i) {
    uint64_t w = apply(xs.next(i), ys.next(i));
    if (negative) w = ~w;
    const uint64_t s = w + carry;
    carry = carry && s == 0;
    r.limbs()[i] = s;
  }
  r.limbs()[n] = carry;
  return limited(p, r.finish(n + 1, negative));
}

Term integer_shift(Process& p, Term a, Term count, bool right) {
  const IntegerView x(a);
  if (x.size() == 0) return make_int(0);
  if (is_int(count) ? int_value(count) < 0 : bigint_negative(count)) right = !right;
  if (is_bigint(count)) {  // at least 2^47 bits either way
    if (!right) return too_large(p);
    return make_int(x.negative() ? -1 : 0);
  }
  const int64_t c = int_value(count);
  const uint64_t s = c < 0 ? 0 - static_cast<uint64_t>(c) : static_cast<uint64_t>(c);
  const size_t limb_shift = s / 64;
  const unsigned bit_shift = s % 64;
  const size_t xn = x.size();
  if (!right) {
    if (integer_bit_length(a) + s > kMaxIntegerBits) return too_large(p);
    const size_t n = xn + limb_shift + 1;
    IntegerBuilder r(p.heap, n);
    uint64_t* d = r.limbs();
    std::memset(d, 0, limb_shift * sizeof(uint64_t));
    if (bit_shift) {
      d[n - 1] = mpn_lshift(mp(d + limb_shift), mp(x.limbs()), ms(xn), bit_shift);
    } else {
      copy_limbs(d + limb_shift, x.limbs(), xn);
      d[n - 1] = 0;
    }
    return r.finish(n, x.negative());
  }
  // floor(a / 2^s): the magnitude shifted right, plus one for a negative
  // value that loses non-zero bits.
  if (limb_shift >= xn) return make_int(x.negative() ? -1 : 0);
  const size_t qn = xn - limb_shift;
  IntegerBuilder r(p.heap, qn + 1);
  uint64_t* d = r.limbs();
  if (bit_shift) mpn_rshift(mp(d), mp(x.limbs() + limb_shift), ms(qn), bit_shift);
  else copy_limbs(d, x.limbs() + limb_shift, qn);
  d[qn] = 0;
  if (x.negative()) {
    bool lost = bit_shift && (x.limbs()[limb_shift] & ((uint64_t{1} << bit_shift) - 1)) != 0;
    for (size_t k = 0; k < limb_shift && !lost; ++k) lost = x.limbs()[k] != 0;
    if (lost) d[qn] = mpn_add_1(mp(d), mp(d), ms(qn), 1);
  }
  return r.finish(qn + 1, x.negative());
}

}  // namespace lzr

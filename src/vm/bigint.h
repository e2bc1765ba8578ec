// Big integers (docs/terms.md, "Big integers"): every integer outside the
// small range is a boxed object of kind BigPos or BigNeg whose payload is
// its magnitude as 64-bit limbs, least significant first, top limb
// non-zero. GMP's mpn functions read operands and write results in place on
// the process heap, so the collector moves big integers like any raw object
// and no arithmetic allocates with malloc.
//
// Canonical form: a value in the small range is always a small integer and
// never a big one, so equal integers have equal representations (equality,
// hashing and map keys need nothing special).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "vm/heap.h"
#include "vm/maps.h"  // WordAllocator
#include "vm/process.h"
#include "vm/term.h"

namespace lzr {

// The largest integer magnitude has 2^26 bits (|v| < 2^(2^26), about 20
// million decimal digits). An operation whose result would be larger raises
// system_limit, before allocating anything of that size.
constexpr uint64_t kMaxIntegerBits = uint64_t{1} << 26;
constexpr size_t kMaxIntegerLimbs = kMaxIntegerBits / 64;

// Sign and magnitude of any integer term (small or big), read in place.
// Not copyable: a small value's limb lives inside the view.
class IntegerView {
 public:
  explicit IntegerView(Term t);
  IntegerView(const IntegerView&) = delete;
  IntegerView& operator=(const IntegerView&) = delete;
  bool negative() const { return negative_; }
  const uint64_t* limbs() const { return big_ ? big_ : &small_; }
  size_t size() const { return size_; }  // limbs, 0 for zero

 private:
  const uint64_t* big_ = nullptr;
  uint64_t small_ = 0;
  size_t size_ = 0;
  bool negative_ = false;
};

// Builds an integer in place on a heap: reserve room for `capacity` limbs,
// write the magnitude into limbs(), then finish() with its length and sign.
// finish() normalizes and returns the canonical term (a small integer when
// the value fits), giving back the words it did not use when nothing was
// allocated after them.
class IntegerBuilder {
 public:
  IntegerBuilder(Heap& heap, size_t capacity);
  uint64_t* limbs() { return object_ + 1; }
  Term finish(size_t size, bool negative);
  void abandon();  // gives the words back (when nothing came after them)

 private:
  Heap& heap_;
  Term* object_;
  size_t capacity_;
};

// Canonical integer terms from machine values and magnitudes.
Term make_integer(Heap& heap, int64_t v);
Term make_integer(Heap& heap, __int128 v);
Term make_integer(WordAllocator alloc, bool negative, const uint64_t* limbs, size_t n);
// Bits of an integer's magnitude (0 for zero).
uint64_t integer_bit_length(Term t);

// Order of two integers (small or big): <0, 0, >0.
int compare_integers(Term a, Term b);
// Exact order of an integer and a finite float (as Erlang compares them:
// by exact value, never by converting the integer).
int compare_integer_float(Term i, double f);

// The integer as a double, correctly rounded (to nearest, ties to even);
// false if it is beyond the float range.
bool integer_to_double(Term t, double& out);
// The integer nearest to the finite, integral double `d` (exact).
Term integer_from_double(Heap& heap, double d);
// The value if it fits int64.
bool integer_to_int64(Term t, int64_t& out);

// Text in `base` (2..36, digits above 9 upper case), with a leading '-'
// for negative values.
void append_integer(std::string& out, Term t, unsigned base = 10);

// Parses an optional sign and digits of `base` (2..36, either case); the
// whole text must be one integer. Returns kNil when it is not one, and
// kIntegerTooLarge when the value would exceed kMaxIntegerBits.
constexpr Term kIntegerTooLarge = kTagHeader | 1;  // never a term
Term parse_integer(Heap& heap, std::string_view text, unsigned base);

// Sign + magnitude bytes, little-endian (no high zero byte needed).
// Returns kIntegerTooLarge past kMaxIntegerBits.
Term integer_from_bytes(WordAllocator alloc, bool negative, const uint8_t* bytes, size_t n);
// Bytes of the magnitude (no high zero byte; 0 for zero); writes them to
// `out` if it is not null.
size_t integer_magnitude_bytes(Term t, uint8_t* out);

// Arithmetic on integers (small or big) with exact results. They return
// kRaised with p.error set: badarith for a zero divisor, system_limit for a
// result beyond kMaxIntegerBits.
Term integer_add(Process& p, Term a, Term b);
Term integer_sub(Process& p, Term a, Term b);
Term integer_mul(Process& p, Term a, Term b);
Term integer_div(Process& p, Term a, Term b);  // floored quotient
Term integer_mod(Process& p, Term a, Term b);  // floored remainder (sign of b)
Term integer_tdiv(Process& p, Term a, Term b); // truncated quotient (Erlang's div)
Term integer_rem(Process& p, Term a, Term b);  // truncated remainder (sign of a; Erlang's rem)
Term integer_neg(Process& p, Term a);
Term integer_not(Process& p, Term a);          // -a - 1
enum class BitOp : uint8_t { And, Or, Xor };
Term integer_bitwise(Process& p, BitOp op, Term a, Term b);  // two's complement semantics
// Shifts a by the integer `count` to the left (a * 2^count) or, with
// `right`, to the right (floor(a / 2^count)); a negative count shifts the
// other way. A count beyond the small range is allowed.
Term integer_shift(Process& p, Term a, Term count, bool right);

}  // namespace lzr

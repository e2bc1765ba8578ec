// integer, float.format and function: the standard library's number and
// function natives (docs/builtins.md). Integer text in any base is
// binary.from_integer/2 and binary.to_integer/2 (binary.cpp).
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include "builtins/lib_support.h"
#include "vm/bigint.h"
#include "vm/function_info.h"

namespace lzr {
namespace {

using lib::list_of;

bool negative(Term i) { return is_int(i) ? int_value(i) < 0 : bigint_negative(i); }

// digits(N[, Base]): the digits of a non-negative integer of any size,
// most significant first: digits(1203) is [1, 2, 0, 3], digits(0) is [0].
Term i_digits_in(lzr_env* env, Term n, Term base_term) {
  if (!is_integer(n) || negative(n) || !is_int(base_term) || int_value(base_term) < 2 || int_value(base_term) > 36)
    return fail(env, kAtom_badarg);
  std::string text;
  append_integer(text, n, static_cast<unsigned>(int_value(base_term)));
  std::vector<Term> digits;
  digits.reserve(text.size());
  for (char c : text) digits.push_back(make_int(c <= '9' ? c - '0' : c - 'A' + 10));
  return list_of(env, digits);
}
Term i_digits(lzr_env* env, const Term* a, unsigned) { return i_digits_in(env, a[0], make_int(10)); }
Term i_digits_base(lzr_env* env, const Term* a, unsigned) { return i_digits_in(env, a[0], a[1]); }

// gcd(A, B): the greatest common divisor, >= 0, of integers of any size
// (gcd(0, 0) is 0).
Term i_gcd(lzr_env* env, const Term* a, unsigned) {
  if (!is_integer(a[0]) || !is_integer(a[1])) return fail(env, kAtom_badarg);
  if (is_int(a[0]) && is_int(a[1])) return make_int(std::gcd(int_value(a[0]), int_value(a[1])));  // 48-bit: no overflow
  Process& p = proc(env);
  Term x = negative(a[0]) ? integer_neg(p, a[0]) : a[0];
  Term y = negative(a[1]) ? integer_neg(p, a[1]) : a[1];
  while (x != kRaised && y != kRaised && !(is_int(y) && int_value(y) == 0)) {
    const Term r = integer_mod(p, x, y);
    x = y;
    y = r;
  }
  return x == kRaised || y == kRaised ? kRaised : x;
}

// pow(Base, Exp): Base^Exp exactly, Exp >= 0 (pow(0, 0) is 1); a result past
// 2^26 bits raises system_limit.
Term i_pow(lzr_env* env, const Term* a, unsigned) {
  if (!is_integer(a[0]) || !is_integer(a[1])) return fail(env, kAtom_badarg);
  if (negative(a[1])) return fail(env, kAtom_badarith);
  Process& p = proc(env);
  const Term base = a[0];
  const bool trivial = is_int(base) && (int_value(base) == 0 || int_value(base) == 1 || int_value(base) == -1);
  if (!is_int(a[1])) {  // a big exponent: only 0, 1 and -1 stay within the limit
    if (!trivial) return fail(env, kAtom_system_limit);
    if (int_value(base) != -1) return base;
    return make_int(bigint_limbs(a[1])[0] & 1 ? -1 : 1);
  }
  uint64_t e = static_cast<uint64_t>(int_value(a[1]));
  // |Base| >= 2^(bits-1), so |Base^Exp| >= 2^(Exp (bits-1)): past the limit
  // (|v| < 2^(2^26)) from there, said before any multiplication.
  if (!trivial && e > (kMaxIntegerBits - 1) / (integer_bit_length(base) - 1)) return fail(env, kAtom_system_limit);
  Term result = make_int(1), square = base;
  while (e > 0) {
    if (e & 1) {
      result = integer_mul(p, result, square);
      if (result == kRaised) return kRaised;
    }
    e >>= 1;
    if (e > 0) {
      square = integer_mul(p, square, square);
      if (square == kRaised) return kRaised;
    }
  }
  return result;
}

// float.format(Number, Decimals): fixed notation with exactly Decimals
// (0..253) digits after the point, rounded to nearest: format(3.14159, 2)
// is "3.14", format(2, 1) "2.0".
Term f_format(lzr_env* env, const Term* a, unsigned) {
  double d;
  if (is_float(a[0])) {
    d = float_value(a[0]);
  } else if (!is_integer(a[0]) || !integer_to_double(a[0], d)) {
    return fail(env, kAtom_badarg);
  }
  if (!is_int(a[1]) || int_value(a[1]) < 0 || int_value(a[1]) > 253) return fail(env, kAtom_badarg);
  const int decimals = static_cast<int>(int_value(a[1]));
  const int n = std::snprintf(nullptr, 0, "%.*f", decimals, d);
  std::string text(static_cast<size_t>(n) + 1, '\0');
  std::snprintf(text.data(), text.size(), "%.*f", decimals, d);
  text.resize(static_cast<size_t>(n));
  return lib::binary_of(env, text);
}

// function.arity(Fun): the number of arguments a closure takes.
Term fn_arity(lzr_env* env, const Term* a, unsigned) {
  if (!is_closure(a[0])) return fail(env, kAtom_badarg);
  const auto* fi = reinterpret_cast<const FunctionInfo*>(boxed_ptr(a[0])[1]);
  return make_int(fi->arity);
}

constexpr BuiltinFn kInteger[] = {
    {"digits", 1, guarded<i_digits>},
    {"digits", 2, guarded<i_digits_base>},
    {"gcd", 2, guarded<i_gcd>},
    {"pow", 2, guarded<i_pow>},
};
constexpr BuiltinFn kFloatLib[] = {{"format", 2, guarded<f_format>}};
constexpr BuiltinFn kFunction[] = {{"arity", 1, guarded<fn_arity>}};

}  // namespace

void register_lib_numbers(VM& vm) {
  add_builtin_module(vm, "integer", kInteger);
  add_builtin_module(vm, "float", kFloatLib);
  add_builtin_module(vm, "function", kFunction);
}

}  // namespace lzr

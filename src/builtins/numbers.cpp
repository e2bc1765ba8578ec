// float and math: conversions and the usual functions. Results that are not
// finite raise badarith, as every float operation in Lazer does.
#include <cmath>
#include <numbers>

#include "builtins/builtins.h"
#include "vm/atoms.h"
#include "vm/bigint.h"
#include "vm/libm.h"

namespace lzr {
namespace {

// A number as a double: false for a non-number or an integer beyond the
// float range.
bool number_arg(Term t, double& out) {
  if (is_float(t)) {
    out = float_value(t);
    return true;
  }
  return is_integer(t) && integer_to_double(t, out);
}

Term float_or_badarith(lzr_env* env, double d) {
  return std::isfinite(d) ? make_float(d) : fail(env, kAtom_badarith);
}

// A float rounded to an integer by `round` (of any size: every finite
// float's integral part is exact); an integer stays as it is.
template <double (*Round)(double)>
Term to_int(lzr_env* env, const Term* a, unsigned) {
  if (is_integer(a[0])) return a[0];
  if (!is_float(a[0])) return fail(env, kAtom_badarg);
  return integer_from_double(proc(env).heap, Round(float_value(a[0])));
}
double round_half_away(double d) { return libm::round(d); }
double trunc_(double d) { return libm::trunc(d); }
double floor_(double d) { return libm::floor(d); }
double ceil_(double d) { return libm::ceil(d); }

// The nearest float; badarith beyond the float range.
Term f_from_integer(lzr_env* env, const Term* a, unsigned) {
  if (!is_numeric(a[0])) return fail(env, kAtom_badarg);
  double d;
  if (!number_arg(a[0], d)) return fail(env, kAtom_badarith);
  return make_float(d);
}

template <double (*F)(double)>
Term unary(lzr_env* env, const Term* a, unsigned) {
  double d;
  if (!number_arg(a[0], d)) return fail(env, kAtom_badarith);
  return float_or_badarith(env, F(d));
}
double sqrt_(double d) { return libm::sqrt(d); }
double sin_(double d) { return libm::sin(d); }
double cos_(double d) { return libm::cos(d); }
double exp_(double d) { return libm::exp(d); }
double log_(double d) { return libm::log(d); }

Term m_pow(lzr_env* env, const Term* a, unsigned) {
  double x, y;
  if (!number_arg(a[0], x) || !number_arg(a[1], y)) return fail(env, kAtom_badarith);
  return float_or_badarith(env, libm::pow(x, y));
}
Term m_pi(lzr_env*, const Term*, unsigned) { return make_float(std::numbers::pi); }

constexpr BuiltinFn kFloat[] = {
    {"from_integer", 1, guarded<f_from_integer>}, {"round", 1, guarded<to_int<round_half_away>>}, {"trunc", 1, guarded<to_int<trunc_>>},
    {"floor", 1, guarded<to_int<floor_>>},        {"ceil", 1, guarded<to_int<ceil_>>},
};
constexpr BuiltinFn kMath[] = {
    {"sqrt", 1, guarded<unary<sqrt_>>}, {"sin", 1, guarded<unary<sin_>>}, {"cos", 1, guarded<unary<cos_>>}, {"exp", 1, guarded<unary<exp_>>},
    {"log", 1, guarded<unary<log_>>},   {"pow", 2, guarded<m_pow>},       {"pi", 0, guarded<m_pi>},
};

}  // namespace

void register_numbers(VM& vm) {
  add_builtin_module(vm, "float", kFloat);
  add_builtin_module(vm, "math", kMath);
}

}  // namespace lzr

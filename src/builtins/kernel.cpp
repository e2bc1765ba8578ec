// kernel: errors, type tests, comparisons and inspection.
#include <cstring>
#include <string>

#include "builtins/builtins.h"
#include "vm/atoms.h"
#include "vm/bigint.h"
#include "vm/builders.h"
#include "vm/printer.h"
#include "vm/term_ops.h"

namespace lzr {
namespace {

Term boolean(bool b) { return b ? kTrue : kFalse; }

Term k_error(lzr_env* env, const Term* argv, unsigned) { return fail(env, argv[0]); }
Term k_throw(lzr_env* env, const Term* argv, unsigned) { return raise_class(proc(env), kAtom_throw, argv[0]); }
Term k_exit(lzr_env* env, const Term* argv, unsigned) { return raise_class(proc(env), kAtom_exit, argv[0]); }

Term k_is_integer(lzr_env*, const Term* a, unsigned) { return boolean(is_integer(a[0])); }
Term k_is_float(lzr_env*, const Term* a, unsigned) { return boolean(is_float(a[0])); }
Term k_is_number(lzr_env*, const Term* a, unsigned) { return boolean(is_numeric(a[0])); }
Term k_is_atom(lzr_env*, const Term* a, unsigned) { return boolean(is_atom(a[0])); }
Term k_is_boolean(lzr_env*, const Term* a, unsigned) { return boolean(a[0] == kTrue || a[0] == kFalse); }
Term k_is_list(lzr_env*, const Term* a, unsigned) { return boolean(is_list(a[0])); }
Term k_is_tuple(lzr_env*, const Term* a, unsigned) { return boolean(is_tuple(a[0])); }
Term k_is_map(lzr_env*, const Term* a, unsigned) { return boolean(is_map(a[0])); }
Term k_is_binary(lzr_env*, const Term* a, unsigned) { return boolean(is_binary(a[0])); }
Term k_is_function(lzr_env*, const Term* a, unsigned) { return boolean(is_closure(a[0])); }

Term k_abs(lzr_env* env, const Term* a, unsigned) {
  if (is_integer(a[0])) {
    const bool negative = is_int(a[0]) ? int_value(a[0]) < 0 : bigint_negative(a[0]);
    return negative ? integer_neg(proc(env), a[0]) : a[0];  // abs(-2^47) is big
  }
  if (is_float(a[0])) return make_float(float_value(a[0]) < 0 ? -float_value(a[0]) : float_value(a[0]));
  return fail(env, kAtom_badarith);
}
Term k_min(lzr_env*, const Term* a, unsigned) { return compare(a[0], a[1]) <= 0 ? a[0] : a[1]; }
Term k_max(lzr_env*, const Term* a, unsigned) { return compare(a[0], a[1]) >= 0 ? a[0] : a[1]; }
// Exact equality (=:=): 1 and 1.0 differ.
Term k_exact_eq(lzr_env*, const Term* a, unsigned) { return boolean(exact_equal(a[0], a[1])); }
Term k_compare(lzr_env*, const Term* a, unsigned) {
  int c = compare(a[0], a[1]);
  return make_int(c < 0 ? -1 : c > 0 ? 1 : 0);
}
Term k_inspect(lzr_env* env, const Term* a, unsigned) {
  const std::string text = term_to_string(a[0], proc(env).vm->atoms);
  uint8_t* data;
  const Term out = alloc_binary_result(env, text.size(), data);  // a big term prints to a big binary
  if (out == kRaised) return kRaised;
  if (!text.empty()) std::memcpy(data, text.data(), text.size());
  return out;
}
Term k_hash(lzr_env*, const Term* a, unsigned) { return make_int(hash_term(a[0])); }

constexpr BuiltinFn kKernel[] = {
    {"error", 1, guarded<k_error>},           {"throw", 1, guarded<k_throw>},           {"exit", 1, guarded<k_exit>},
    {"is_integer", 1, guarded<k_is_integer>}, {"is_float", 1, guarded<k_is_float>},
    {"is_number", 1, guarded<k_is_number>},   {"is_atom", 1, guarded<k_is_atom>},       {"is_boolean", 1, guarded<k_is_boolean>},
    {"is_list", 1, guarded<k_is_list>},       {"is_tuple", 1, guarded<k_is_tuple>},     {"is_map", 1, guarded<k_is_map>},
    {"is_binary", 1, guarded<k_is_binary>},   {"is_function", 1, guarded<k_is_function>}, {"abs", 1, guarded<k_abs>},
    {"min", 2, guarded<k_min>},               {"max", 2, guarded<k_max>},               {"exact_eq", 2, guarded<k_exact_eq>},
    {"compare", 2, guarded<k_compare>},       {"inspect", 1, guarded<k_inspect>},       {"hash", 1, guarded<k_hash>},
};

}  // namespace

void register_kernel(VM& vm) { add_builtin_module(vm, "kernel", kKernel); }

}  // namespace lzr

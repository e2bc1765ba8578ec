// C API: type tests and comparison.
#include "api/api_env.h"
#include "vm/term_ops.h"

using namespace lzr;

extern "C" {

lzr_type lzr_type_of(lzr_env*, lzr_term t) {
  if (is_integer(t)) return LZR_TYPE_INTEGER;
  if (is_float(t)) return LZR_TYPE_FLOAT;
  if (is_atom(t)) return LZR_TYPE_ATOM;
  if (is_list(t)) return LZR_TYPE_LIST;
  if (is_pid(t)) return LZR_TYPE_PID;
  if (is_ref(t)) return LZR_TYPE_REFERENCE;
  if (is_boxed(t)) {
    if (is_tuple(t)) return LZR_TYPE_TUPLE;
    if (is_map(t)) return LZR_TYPE_MAP;
    if (is_binary(t)) return LZR_TYPE_BINARY;
    if (is_closure(t)) return LZR_TYPE_FUNCTION;
  }
  return LZR_TYPE_NONE;
}

int lzr_is_integer(lzr_env*, lzr_term t) { return is_integer(t); }
int lzr_is_float(lzr_env*, lzr_term t) { return is_float(t); }
int lzr_is_number(lzr_env*, lzr_term t) { return is_numeric(t); }
int lzr_is_atom(lzr_env*, lzr_term t) { return is_atom(t); }
int lzr_is_list(lzr_env*, lzr_term t) { return is_list(t); }
int lzr_is_nil(lzr_env*, lzr_term t) { return is_nil(t); }
int lzr_is_cons(lzr_env*, lzr_term t) { return is_cons(t); }
int lzr_is_tuple(lzr_env*, lzr_term t) { return is_tuple(t); }
int lzr_is_map(lzr_env*, lzr_term t) { return is_map(t); }
int lzr_is_binary(lzr_env*, lzr_term t) { return is_binary(t); }
int lzr_is_function(lzr_env*, lzr_term t) { return is_closure(t); }
int lzr_is_pid(lzr_env*, lzr_term t) { return is_pid(t); }

// LZR_RAISED is not a term; ordering it first keeps these total and safe.
int lzr_compare(lzr_env*, lzr_term a, lzr_term b) {
  if (a == kRaised || b == kRaised) return (a != kRaised) - (b != kRaised);
  const int c = compare(a, b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

int lzr_equal(lzr_env* env, lzr_term a, lzr_term b) { return lzr_compare(env, a, b) == 0; }

int lzr_exact_equal(lzr_env*, lzr_term a, lzr_term b) {
  if (a == kRaised || b == kRaised) return a == b;
  return exact_equal(a, b);
}

}  // extern "C"

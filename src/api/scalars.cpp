// C API: integers, floats, atoms and binaries.
#include <climits>
#include <cmath>
#include <cstring>
#include <string>
#include <string_view>

#include "api/api_env.h"
#include "vm/atoms.h"
#include "vm/bigint.h"
#include "vm/builders.h"

using namespace lzr;
using namespace lzr::api;

extern "C" {

// ---- numbers ----

lzr_term lzr_int(lzr_env* env, int64_t v) { return make_integer(heap(env), v); }

int lzr_get_int64(lzr_env*, lzr_term t, int64_t* out) {
  int64_t v;
  if (!is_integer(t) || !integer_to_int64(t, v)) return 0;
  if (out) *out = v;
  return 1;
}

int lzr_get_int(lzr_env* env, lzr_term t, int* out) {
  int64_t v;
  if (!lzr_get_int64(env, t, &v) || v < INT_MIN || v > INT_MAX) return 0;
  if (out) *out = static_cast<int>(v);
  return 1;
}

lzr_term lzr_int_from_decimal(lzr_env* env, const char* text, size_t len) {
  if (!text && len > 0) return raise(proc(env), kAtom_badarg);
  const Term t = parse_integer(heap(env), std::string_view(text ? text : "", len), 10);
  if (t == kNil) return raise(proc(env), kAtom_badarg);
  if (t == kIntegerTooLarge) return raise(proc(env), kAtom_system_limit);
  return t;
}

lzr_term lzr_int_from_bytes(lzr_env* env, int negative, const unsigned char* magnitude, size_t len) {
  if (!magnitude && len > 0) return raise(proc(env), kAtom_badarg);
  const Term t = integer_from_bytes(heap_allocator(heap(env)), negative != 0, magnitude, len);
  return t == kIntegerTooLarge ? raise(proc(env), kAtom_system_limit) : t;
}

int lzr_get_int_bytes(lzr_env*, lzr_term t, int* negative, unsigned char* magnitude, size_t capacity, size_t* len) {
  if (!is_integer(t)) return 0;
  const size_t n = integer_magnitude_bytes(t, nullptr);
  if (len) *len = n;
  if (negative) *negative = is_int(t) ? int_value(t) < 0 : bigint_negative(t);
  if (!magnitude) return 1;
  if (capacity < n) return 0;
  integer_magnitude_bytes(t, magnitude);
  return 1;
}

int lzr_get_int_decimal(lzr_env*, lzr_term t, char* buf, size_t capacity, size_t* len) {
  if (!is_integer(t)) return 0;
  std::string text;
  append_integer(text, t, 10);
  if (len) *len = text.size();
  if (!buf) return 1;
  if (capacity < text.size() + 1) return 0;
  std::memcpy(buf, text.c_str(), text.size() + 1);
  return 1;
}

lzr_term lzr_float(lzr_env* env, double d) {
  return std::isfinite(d) ? make_float(d) : raise(proc(env), kAtom_badarith);
}

int lzr_get_float(lzr_env*, lzr_term t, double* out) {
  if (!is_float(t)) return 0;
  if (out) *out = float_value(t);
  return 1;
}

int lzr_get_number(lzr_env*, lzr_term t, double* out) {
  double d;
  if (is_float(t)) d = float_value(t);
  else if (!is_integer(t) || !integer_to_double(t, d)) return 0;  // beyond the float range
  if (out) *out = d;
  return 1;
}

// ---- atoms ----

lzr_term lzr_atom_n(lzr_env* env, const char* text, size_t len) {
  if (!text) return raise(proc(env), kAtom_badarg);
  Term reason;
  auto atom = atoms(env).intern_checked(std::string_view(text, len), reason);
  return atom ? *atom : raise(proc(env), reason);
}

lzr_term lzr_atom(lzr_env* env, const char* text) {
  return lzr_atom_n(env, text, text ? std::strlen(text) : 0);
}

int lzr_get_atom(lzr_env* env, lzr_term t, const char** text, size_t* len) {
  if (!atoms(env).contains(t)) return 0;
  std::string_view s = atoms(env).text(t);
  if (text) *text = s.data();
  if (len) *len = s.size();
  return 1;
}

int lzr_atom_is(lzr_env* env, lzr_term t, const char* text) {
  return text && atoms(env).contains(t) && atoms(env).text(t) == std::string_view(text);
}

lzr_term lzr_bool(lzr_env*, int b) { return b ? kTrue : kFalse; }

int lzr_get_bool(lzr_env*, lzr_term t, int* out) {
  if (t != kTrue && t != kFalse) return 0;
  if (out) *out = t == kTrue;
  return 1;
}

// ---- binaries ----

lzr_term lzr_binary(lzr_env* env, const void* bytes, size_t len) {
  if (!bytes && len > 0) return raise(proc(env), kAtom_badarg);
  uint8_t* data = nullptr;
  const Term t = try_alloc_binary(heap(env), len, data);  // from 64 bytes on: off-heap
  if (t == kNil) return raise(proc(env), kAtom_system_limit);
  if (len) std::memcpy(data, bytes, len);
  return t;
}

lzr_term lzr_string(lzr_env* env, const char* text) {
  if (!text) return raise(proc(env), kAtom_badarg);
  return make_binary(heap(env), std::string_view(text));
}

lzr_term lzr_binary_alloc(lzr_env* env, size_t len, unsigned char** data) {
  if (!data) return raise(proc(env), kAtom_badarg);  // the bytes could never be filled in
  uint8_t* bytes = nullptr;
  const Term t = try_alloc_binary(heap(env), len, bytes);
  if (t == kNil) return raise(proc(env), kAtom_system_limit);
  *data = bytes;
  return t;
}

int lzr_get_binary(lzr_env*, lzr_term t, const unsigned char** data, size_t* len) {
  if (!is_binary(t)) return 0;
  if (data) *data = binary_bytes(t);
  if (len) *len = binary_size(t);
  return 1;
}

}  // extern "C"

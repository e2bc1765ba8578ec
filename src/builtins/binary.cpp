// binary: byte strings — concatenation, slicing, conversions.
#include <charconv>
#include <cstring>

#include "builtins/builtins.h"
#include "vm/atoms.h"
#include "vm/builders.h"
#include "vm/printer.h"

namespace lzr {
namespace {

std::string_view bytes_of(Term b) {
  return {reinterpret_cast<const char*>(binary_bytes(b)), static_cast<size_t>(binary_size(b))};
}

Term b_concat(lzr_env* env, const Term* a, unsigned) {
  if (!is_binary(a[0]) || !is_binary(a[1])) return fail(env, kAtom_badarg);
  size_t n0 = binary_size(a[0]), n1 = binary_size(a[1]);
  uint8_t* data;
  Term out = alloc_binary(proc(env).heap, n0 + n1, data);
  std::memcpy(data, binary_bytes(a[0]), n0);
  std::memcpy(data + n0, binary_bytes(a[1]), n1);
  return out;
}

// part(Bin, Start, Length): Length bytes from Start (0-based).
Term b_part(lzr_env* env, const Term* a, unsigned) {
  if (!is_binary(a[0]) || !is_int(a[1]) || !is_int(a[2])) return fail(env, kAtom_badarg);
  int64_t start = int_value(a[1]), len = int_value(a[2]);
  int64_t size = static_cast<int64_t>(binary_size(a[0]));
  if (start < 0 || len < 0 || start > size || len > size - start) return fail(env, kAtom_badarg);
  return make_binary(proc(env).heap, bytes_of(a[0]).substr(static_cast<size_t>(start), static_cast<size_t>(len)));
}

Term b_from_integer(lzr_env* env, const Term* a, unsigned) {
  if (!is_int(a[0])) return fail(env, kAtom_badarg);
  return make_binary(proc(env).heap, std::to_string(int_value(a[0])));
}

Term b_to_integer(lzr_env* env, const Term* a, unsigned) {
  if (!is_binary(a[0])) return fail(env, kAtom_badarg);
  std::string_view s = bytes_of(a[0]);
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !fits_small(v)) return fail(env, kAtom_badarg);
  return make_int(v);
}

Term b_from_float(lzr_env* env, const Term* a, unsigned) {
  if (!is_float(a[0])) return fail(env, kAtom_badarg);
  return make_binary(proc(env).heap, format_float(float_value(a[0])));
}

Term b_from_atom(lzr_env* env, const Term* a, unsigned) {
  if (!is_atom(a[0])) return fail(env, kAtom_badarg);
  return make_binary(proc(env).heap, proc(env).vm->atoms.text(a[0]));
}

Term b_to_atom(lzr_env* env, const Term* a, unsigned) {
  if (!is_binary(a[0])) return fail(env, kAtom_badarg);
  Term reason;
  auto atom = proc(env).vm->atoms.intern_checked(bytes_of(a[0]), reason);
  return atom ? *atom : fail(env, reason);
}

// A list of byte values (0..255) as a binary.
Term b_from_list(lzr_env* env, const Term* a, unsigned) {
  size_t n = 0;
  Term l = a[0];
  for (; is_cons(l); l = cons_tail(l)) {
    Term h = cons_head(l);
    if (!is_int(h) || int_value(h) < 0 || int_value(h) > 255) return fail(env, kAtom_badarg);
    ++n;
  }
  if (!is_nil(l)) return fail(env, kAtom_badarg);
  uint8_t* data;
  Term out = alloc_binary(proc(env).heap, n, data);
  for (l = a[0]; is_cons(l); l = cons_tail(l)) *data++ = static_cast<uint8_t>(int_value(cons_head(l)));
  return out;
}

Term b_to_list(lzr_env* env, const Term* a, unsigned) {
  if (!is_binary(a[0])) return fail(env, kAtom_badarg);
  size_t n = binary_size(a[0]);
  if (n == 0) return kNil;
  Term* cells = proc(env).heap.alloc(2 * n);
  const uint8_t* bytes = binary_bytes(a[0]);  // still valid: allocation never collects
  for (size_t i = 0; i < n; ++i) {
    cells[2 * i] = make_int(bytes[i]);
    cells[2 * i + 1] = i + 1 < n ? make_cons(cells + 2 * i + 2) : kNil;
  }
  return make_cons(cells);
}

constexpr BuiltinFn kBinary[] = {
    {"concat", 2, b_concat},         {"part", 3, b_part},         {"from_integer", 1, b_from_integer},
    {"to_integer", 1, b_to_integer}, {"from_float", 1, b_from_float}, {"from_atom", 1, b_from_atom},
    {"to_atom", 1, b_to_atom},       {"from_list", 1, b_from_list}, {"to_list", 1, b_to_list},
};

}  // namespace

void register_binary(VM& vm) { add_builtin_module(vm, "binary", kBinary); }

}  // namespace lzr

// binary: byte strings — concatenation, slicing, conversions.
#include <algorithm>
#include <cstring>

#include "builtins/builtins.h"
#include "builtins/format.h"
#include "builtins/iodata.h"
#include "builtins/os_results.h"
#include "vm/atoms.h"
#include "vm/bigint.h"
#include "vm/binaries.h"
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
  const Term out = alloc_binary_result(env, n0 + n1, data);
  if (out == kRaised) return kRaised;
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
  // O(1): a view of the same bytes (or a copy of a few bytes).
  return binary_slice(proc(env).heap, a[0], static_cast<uint64_t>(start), static_cast<uint64_t>(len));
}

// The base argument of from_integer/2 and to_integer/2: 2..36.
bool base_arg(Term t, unsigned& base) {
  if (!is_int(t) || int_value(t) < 2 || int_value(t) > 36) return false;
  base = static_cast<unsigned>(int_value(t));
  return true;
}

// Text of an integer in a base (digits above 9 upper case, as Erlang's
// integer_to_binary/2).
Term from_integer(lzr_env* env, Term i, unsigned base) {
  if (!is_integer(i)) return fail(env, kAtom_badarg);
  std::string text;
  append_integer(text, i, base);
  return make_binary(proc(env).heap, text);
}
Term b_from_integer(lzr_env* env, const Term* a, unsigned) { return from_integer(env, a[0], 10); }
Term b_from_integer_base(lzr_env* env, const Term* a, unsigned) {
  unsigned base;
  if (!base_arg(a[1], base)) return fail(env, kAtom_badarg);
  return from_integer(env, a[0], base);
}

// An optional sign and digits of the base (either case), nothing else.
Term to_integer(lzr_env* env, Term text, unsigned base) {
  if (!is_binary(text)) return fail(env, kAtom_badarg);
  const Term i = parse_integer(proc(env).heap, bytes_of(text), base);
  if (i == kNil) return fail(env, kAtom_badarg);
  if (i == kIntegerTooLarge) return fail(env, kAtom_system_limit);
  return i;
}
Term b_to_integer(lzr_env* env, const Term* a, unsigned) { return to_integer(env, a[0], 10); }
Term b_to_integer_base(lzr_env* env, const Term* a, unsigned) {
  unsigned base;
  if (!base_arg(a[1], base)) return fail(env, kAtom_badarg);
  return to_integer(env, a[0], base);
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

// A list of byte values (0..255) as a binary. The checking walk also
// keeps the first bytes, so a short list (the usual case: a token, a line)
// is walked once; a walk is a chain of dependent loads, the copy is not.
Term b_from_list(lzr_env* env, const Term* a, unsigned) {
  uint8_t first[1024];
  size_t n = 0;
  Term l = a[0];
  for (; is_cons(l); l = cons_tail(l)) {
    const Term h = cons_head(l);
    if (!is_int(h) || static_cast<uint64_t>(int_value(h)) > 255) return fail(env, kAtom_badarg);
    if (n < sizeof first) first[n] = static_cast<uint8_t>(int_value(h));
    ++n;
  }
  if (!is_nil(l)) return fail(env, kAtom_badarg);
  uint8_t* data;
  const Term out = alloc_binary_result(env, n, data);
  if (out == kRaised) return kRaised;
  const size_t kept = std::min(n, sizeof first);
  std::memcpy(data, first, kept);
  if (n > kept) {
    l = a[0];
    for (size_t i = 0; i < kept; ++i) l = cons_tail(l);
    for (data += kept; is_cons(l); l = cons_tail(l)) *data++ = static_cast<uint8_t>(int_value(cons_head(l)));
  }
  return out;
}

Term b_to_list(lzr_env* env, const Term* a, unsigned) {
  if (!is_binary(a[0])) return fail(env, kAtom_badarg);
  size_t n = binary_size(a[0]);
  if (n == 0) return kNil;
  Term* cells = alloc_result(env, 2 * n);
  if (!cells) return kRaised;
  const uint8_t* bytes = binary_bytes(a[0]);  // still valid: allocation never collects
  for (size_t i = 0; i < n; ++i) {
    cells[2 * i] = make_int(bytes[i]);
    cells[2 * i + 1] = i + 1 < n ? make_cons(cells + 2 * i + 2) : kNil;
  }
  return make_cons(cells);
}

// io-heap (issue 15): iodata flattened, and formatted text.
Term b_from_iolist(lzr_env* env, const Term* a, unsigned) {
  if (is_binary(a[0])) return a[0];
  size_t n;
  if (!iodata_size(a[0], n)) return fail(env, kAtom_badarg);
  if (n > kMaxBinaryBytes) return fail(env, kAtom_system_limit);
  uint8_t* data;
  const Term out = alloc_binary_result(env, n, data);
  if (out == kRaised) return kRaised;
  copy_iodata(a[0], data);
  return out;
}
Term b_format(lzr_env* env, const Term* a, unsigned) {
  std::string s;
  if (!format_iodata(env, a[0], a[1], s)) return kRaised;
  return binary_result(env, s.data(), s.size());
}

constexpr BuiltinFn kBinary[] = {
    {"concat", 2, guarded<b_concat>},         {"part", 3, guarded<b_part>},         {"from_integer", 1, guarded<b_from_integer>},
    {"from_integer", 2, guarded<b_from_integer_base>},                     {"to_integer", 1, guarded<b_to_integer>},
    {"to_integer", 2, guarded<b_to_integer_base>}, {"from_float", 1, guarded<b_from_float>}, {"from_atom", 1, guarded<b_from_atom>},
    {"to_atom", 1, guarded<b_to_atom>},       {"from_list", 1, guarded<b_from_list>}, {"to_list", 1, guarded<b_to_list>},
    // io-heap (issue 15)
    {"from_iolist", 1, guarded<b_from_iolist>}, {"format", 2, guarded<b_format>},
};

}  // namespace

void register_binary(VM& vm) { add_builtin_module(vm, "binary", kBinary); }

}  // namespace lzr

// tuple: the standard library's tuple natives (docs/builtins.md, "tuple").
// Indexes are 0-based, as the `get` instruction's.
#include <vector>

#include "builtins/lib_support.h"

namespace lzr {
namespace {

using lib::count_arg;
using lib::tuple_of;

// make(Arity, Value): a tuple of Arity copies of Value.
Term t_make(lzr_env* env, const Term* a, unsigned) {
  int64_t n;
  if (!count_arg(a[0], n)) return fail(env, kAtom_badarg);
  if (static_cast<uint64_t>(n) > kMaxPayloadWords) return fail(env, kAtom_system_limit);
  Term* o = alloc_result(env, 1 + static_cast<size_t>(n));
  if (!o) return kRaised;
  o[0] = make_header(BoxKind::Tuple, static_cast<uint64_t>(n));
  for (int64_t i = 0; i < n; ++i) o[1 + i] = a[1];
  return make_boxed(o);
}

// The elements of `t` with `value` inserted before index `at` (or, with
// `remove`, element `at` left out).
Term rebuilt(lzr_env* env, Term t, uint64_t at, Term value, bool remove) {
  const Term* e = tuple_elems(t);
  std::vector<Term> out(e, e + tuple_arity(t));
  if (remove) {
    out.erase(out.begin() + static_cast<ptrdiff_t>(at));
  } else {
    out.insert(out.begin() + static_cast<ptrdiff_t>(at), value);
  }
  return tuple_of(env, out);
}

// append(Tuple, Value): Value added at the end.
Term t_append(lzr_env* env, const Term* a, unsigned) {
  if (!is_tuple(a[0])) return fail(env, kAtom_badarg);
  return rebuilt(env, a[0], tuple_arity(a[0]), a[1], false);
}

// insert(Tuple, Index, Value): Value at Index (0..size), the rest after it.
Term t_insert(lzr_env* env, const Term* a, unsigned) {
  int64_t at;
  if (!is_tuple(a[0]) || !count_arg(a[1], at) || static_cast<uint64_t>(at) > tuple_arity(a[0])) return fail(env, kAtom_badarg);
  return rebuilt(env, a[0], static_cast<uint64_t>(at), a[2], false);
}

// delete(Tuple, Index): the tuple without element Index (0..size-1).
Term t_delete(lzr_env* env, const Term* a, unsigned) {
  int64_t at;
  if (!is_tuple(a[0]) || !count_arg(a[1], at) || static_cast<uint64_t>(at) >= tuple_arity(a[0])) return fail(env, kAtom_badarg);
  return rebuilt(env, a[0], static_cast<uint64_t>(at), kNil, true);
}

constexpr BuiltinFn kTupleLib[] = {
    {"make", 2, guarded<t_make>},
    {"append", 2, guarded<t_append>},
    {"insert", 3, guarded<t_insert>},
    {"delete", 2, guarded<t_delete>},
};

}  // namespace

void register_lib_tuple(VM& vm) { add_builtin_module(vm, "tuple", kTupleLib); }

}  // namespace lzr

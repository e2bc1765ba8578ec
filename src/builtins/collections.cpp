// list, tuple and map helpers.
#include <vector>

#include "builtins/builtins.h"
#include "vm/atoms.h"
#include "vm/builders.h"
#include "vm/maps.h"

namespace lzr {
namespace {

// Length of a proper list, or -1.
int64_t list_length(Term l) {
  int64_t n = 0;
  for (; is_cons(l); l = cons_tail(l)) ++n;
  return is_nil(l) ? n : -1;
}

Term l_reverse(lzr_env* env, const Term* a, unsigned) {
  int64_t n = list_length(a[0]);
  if (n < 0) return fail(env, kAtom_badarg);
  Term out = kNil;
  if (n == 0) return out;
  Term* cells = alloc_result(env, 2 * static_cast<size_t>(n));
  if (!cells) return kRaised;
  for (Term l = a[0]; is_cons(l); l = cons_tail(l), cells += 2) {
    cells[0] = cons_head(l);
    cells[1] = out;
    out = make_cons(cells);
  }
  return out;
}

Term l_append(lzr_env* env, const Term* a, unsigned) {
  int64_t n = list_length(a[0]);
  if (n < 0) return fail(env, kAtom_badarg);
  if (n == 0) return a[1];
  Term* cells = alloc_result(env, 2 * static_cast<size_t>(n));
  if (!cells) return kRaised;
  Term l = a[0];
  for (int64_t i = 0; i < n; ++i, l = cons_tail(l)) {
    cells[2 * i] = cons_head(l);
    cells[2 * i + 1] = i + 1 < n ? make_cons(cells + 2 * i + 2) : a[1];
  }
  return make_cons(cells);
}

// seq(From, To): [From, From+1, ..., To] ([] when To < From).
Term l_seq(lzr_env* env, const Term* a, unsigned) {
  if (!is_int(a[0]) || !is_int(a[1])) return fail(env, kAtom_badarg);
  int64_t from = int_value(a[0]), to = int_value(a[1]);
  if (to < from) return kNil;
  uint64_t n = static_cast<uint64_t>(to - from) + 1;
  if (n > (uint64_t{1} << 32)) return fail(env, kAtom_system_limit);
  Term* cells = alloc_result(env, 2 * n);  // list.seq(1, 1 bsl 32) asks for 64 GiB at once
  if (!cells) return kRaised;
  for (uint64_t i = 0; i < n; ++i) {
    cells[2 * i] = make_int(from + static_cast<int64_t>(i));
    cells[2 * i + 1] = i + 1 < n ? make_cons(cells + 2 * i + 2) : kNil;
  }
  return make_cons(cells);
}

Term t_to_list(lzr_env* env, const Term* a, unsigned) {
  if (!is_tuple(a[0])) return fail(env, kAtom_badarg);
  return make_list(proc(env).heap, std::span<const Term>(tuple_elems(a[0]), tuple_arity(a[0])));
}

Term t_from_list(lzr_env* env, const Term* a, unsigned) {
  int64_t n = list_length(a[0]);
  if (n < 0) return fail(env, kAtom_badarg);
  Term* o = alloc_result(env, 1 + static_cast<size_t>(n));
  if (!o) return kRaised;
  o[0] = make_header(BoxKind::Tuple, static_cast<uint64_t>(n));
  Term l = a[0];
  for (int64_t i = 0; i < n; ++i, l = cons_tail(l)) o[1 + i] = cons_head(l);
  return make_boxed(o);
}

// Entries in key order, as a list built back to front.
template <typename F>
Term map_list(lzr_env* env, Term map, F&& item) {
  std::vector<Term> items;
  items.reserve(map_size(map));
  map_for_each_sorted(map, [&](Term k, Term v) { items.push_back(item(k, v)); });
  return make_list(proc(env).heap, items);
}

Term m_keys(lzr_env* env, const Term* a, unsigned) {
  if (!is_map(a[0])) return fail(env, kAtom_badarg);
  return map_list(env, a[0], [](Term k, Term) { return k; });
}
Term m_values(lzr_env* env, const Term* a, unsigned) {
  if (!is_map(a[0])) return fail(env, kAtom_badarg);
  return map_list(env, a[0], [](Term, Term v) { return v; });
}
Term m_to_list(lzr_env* env, const Term* a, unsigned) {
  if (!is_map(a[0])) return fail(env, kAtom_badarg);
  Heap& heap = proc(env).heap;
  return map_list(env, a[0], [&](Term k, Term v) {
    Term kv[2] = {k, v};
    return make_tuple(heap, kv);
  });
}
Term m_from_list(lzr_env* env, const Term* a, unsigned) {
  std::vector<Term> kv;
  Term l = a[0];
  for (; is_cons(l); l = cons_tail(l)) {
    Term t = cons_head(l);
    if (!is_tuple(t) || tuple_arity(t) != 2) return fail(env, kAtom_badarg);
    kv.push_back(tuple_elems(t)[0]);
    kv.push_back(tuple_elems(t)[1]);
  }
  if (!is_nil(l)) return fail(env, kAtom_badarg);
  return map_from_pairs(proc(env).heap, kv.data(), kv.size() / 2);
}
Term m_has_key(lzr_env* env, const Term* a, unsigned) {
  if (!is_map(a[0])) return fail(env, kAtom_badarg);
  return map_find(a[0], a[1]) ? kTrue : kFalse;
}
// get(Map, Key, Default)
Term m_get(lzr_env* env, const Term* a, unsigned) {
  if (!is_map(a[0])) return fail(env, kAtom_badarg);
  const Term* v = map_find(a[0], a[1]);
  return v ? *v : a[2];
}
Term m_new(lzr_env* env, const Term*, unsigned) { return map_empty(proc(env).heap); }

constexpr BuiltinFn kList[] = {{"reverse", 1, guarded<l_reverse>}, {"append", 2, guarded<l_append>}, {"seq", 2, guarded<l_seq>}};
constexpr BuiltinFn kTuple[] = {{"to_list", 1, guarded<t_to_list>}, {"from_list", 1, guarded<t_from_list>}};
constexpr BuiltinFn kMap[] = {{"keys", 1, guarded<m_keys>},         {"values", 1, guarded<m_values>},   {"to_list", 1, guarded<m_to_list>},
                              {"from_list", 1, guarded<m_from_list>}, {"has_key", 2, guarded<m_has_key>}, {"get", 3, guarded<m_get>},
                              {"new", 0, guarded<m_new>}};

}  // namespace

void register_collections(VM& vm) {
  add_builtin_module(vm, "list", kList);
  add_builtin_module(vm, "tuple", kTuple);
  add_builtin_module(vm, "map", kMap);
}

}  // namespace lzr

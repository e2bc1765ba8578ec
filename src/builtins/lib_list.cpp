// list: the standard library's list natives (docs/builtins.md, "list").
// The functions that take a closure (map, filter, foldl, foldr, sort/2)
// are bytecode, lib/list.lzs.
#include <algorithm>
#include <cmath>
#include <unordered_set>
#include <vector>

#include "builtins/lib_support.h"
#include "vm/bigint.h"
#include "vm/maps.h"
#include "vm/term_ops.h"

namespace lzr {
namespace {

using lib::boolean;
using lib::count_arg;
using lib::list_items;
using lib::list_of;

// sort(List): stable, by term order. A list of small integers only (the
// common case) sorts their values directly: equal small integers are the
// same term, so stability cannot be observed there.
Term l_sort(lzr_env* env, const Term* a, unsigned) {
  std::vector<Term> items;
  if (!list_items(a[0], items)) return fail(env, kAtom_badarg);
  if (std::all_of(items.begin(), items.end(), [](Term t) { return is_int(t); })) {
    std::sort(items.begin(), items.end(), [](Term x, Term y) { return int_value(x) < int_value(y); });
  } else {
    SortedEntriesMemo memo;  // maps compared many times sort their entries once
    std::stable_sort(items.begin(), items.end(), [](Term x, Term y) { return compare(x, y) < 0; });
  }
  return list_of(env, items);
}

// reverse(List, Tail): List's elements in reverse order, then Tail (Erlang's
// lists:reverse/2): reverse([1, 2], [3]) is [2, 1, 3].
Term l_reverse_onto(lzr_env* env, const Term* a, unsigned) {
  std::vector<Term> items;
  if (!list_items(a[0], items)) return fail(env, kAtom_badarg);
  std::reverse(items.begin(), items.end());
  return list_of(env, items, a[1]);
}

// zip(Left, Right): [{L0, R0}, ...] of two lists of equal length.
Term l_zip(lzr_env* env, const Term* a, unsigned) {
  std::vector<Term> left, right;
  if (!list_items(a[0], left) || !list_items(a[1], right) || left.size() != right.size()) return fail(env, kAtom_badarg);
  if (left.empty()) return kNil;
  Term* words = alloc_result(env, 5 * left.size());  // a cons cell and a pair each
  if (!words) return kRaised;
  Term* tuples = words + 2 * left.size();
  for (size_t i = 0; i < left.size(); ++i) {
    Term* t = tuples + 3 * i;
    t[0] = make_header(BoxKind::Tuple, 2);
    t[1] = left[i];
    t[2] = right[i];
    words[2 * i] = make_boxed(t);
    words[2 * i + 1] = i + 1 < left.size() ? make_cons(words + 2 * i + 2) : kNil;
  }
  return make_cons(words);
}

// nth(List, N): element N, 0-based.
Term l_nth(lzr_env* env, const Term* a, unsigned) {
  int64_t n;
  if (!count_arg(a[1], n)) return fail(env, kAtom_badarg);
  Term l = a[0];
  for (; is_cons(l) && n > 0; l = cons_tail(l)) --n;
  if (!is_cons(l)) return fail(env, kAtom_badarg);
  return cons_head(l);
}

Term l_last(lzr_env* env, const Term* a, unsigned) {
  Term l = a[0];
  if (!is_cons(l)) return fail(env, kAtom_badarg);
  while (is_cons(cons_tail(l))) l = cons_tail(l);
  if (!is_nil(cons_tail(l))) return fail(env, kAtom_badarg);
  return cons_head(l);
}

// member(List, Elem): exact equality, as Erlang's lists:member (1 is not 1.0).
Term l_member(lzr_env* env, const Term* a, unsigned) {
  Term l = a[0];
  for (; is_cons(l); l = cons_tail(l))
    if (exact_equal(cons_head(l), a[1])) return kTrue;
  if (!is_nil(l)) return fail(env, kAtom_badarg);
  return kFalse;
}

// keyfind(List, Key, Pos): the first tuple whose element Pos (0-based)
// equals Key (==, as Erlang's lists:keyfind), or false. Elements that are
// not tuples, or too short, are skipped.
Term l_keyfind(lzr_env* env, const Term* a, unsigned) {
  int64_t pos;
  if (!count_arg(a[2], pos)) return fail(env, kAtom_badarg);
  Term l = a[0];
  for (; is_cons(l); l = cons_tail(l)) {
    const Term t = cons_head(l);
    if (is_tuple(t) && static_cast<uint64_t>(pos) < tuple_arity(t) && equal(tuple_elems(t)[pos], a[1])) return t;
  }
  if (!is_nil(l)) return fail(env, kAtom_badarg);
  return kFalse;
}

// flatten(DeepList): the elements of nested lists, in order. An explicit
// stack of the lists being walked: no C recursion per level.
Term l_flatten(lzr_env* env, const Term* a, unsigned) {
  std::vector<Term> out, stack{a[0]};
  while (!stack.empty()) {
    Term l = stack.back();
    stack.pop_back();
    if (is_nil(l)) continue;
    if (!is_cons(l)) return fail(env, kAtom_badarg);
    stack.push_back(cons_tail(l));
    const Term h = cons_head(l);
    if (is_list(h)) {
      stack.push_back(h);
    } else {
      out.push_back(h);
    }
  }
  return list_of(env, out);
}

// sum(List): 0 for []; integers add exactly, a float makes the rest float.
Term l_sum(lzr_env* env, const Term* a, unsigned) {
  Term total = make_int(0);
  Term l = a[0];
  for (; is_cons(l); l = cons_tail(l)) {
    const Term x = cons_head(l);
    if (!is_numeric(x)) return fail(env, kAtom_badarith);
    if (is_integer(total) && is_integer(x)) {
      total = integer_add(proc(env), total, x);
      if (total == kRaised) return kRaised;
      continue;
    }
    double s, d;
    if (!(is_float(total) ? (s = float_value(total), true) : integer_to_double(total, s)) ||
        !(is_float(x) ? (d = float_value(x), true) : integer_to_double(x, d)))
      return fail(env, kAtom_badarith);
    const double r = s + d;
    if (!std::isfinite(r)) return fail(env, kAtom_badarith);
    total = make_float(r);
  }
  if (!is_nil(l)) return fail(env, kAtom_badarg);
  return total;
}

// max/min of a non-empty list by term order: the first of equal ones.
template <bool Max>
Term l_extreme(lzr_env* env, const Term* a, unsigned) {
  Term l = a[0];
  if (!is_cons(l)) return fail(env, kAtom_badarg);
  Term best = cons_head(l);
  for (l = cons_tail(l); is_cons(l); l = cons_tail(l)) {
    const int c = compare(cons_head(l), best);
    if (Max ? c > 0 : c < 0) best = cons_head(l);
  }
  if (!is_nil(l)) return fail(env, kAtom_badarg);
  return best;
}

// duplicate(Elem, N): N copies.
Term l_duplicate(lzr_env* env, const Term* a, unsigned) {
  int64_t n;
  if (!count_arg(a[1], n)) return fail(env, kAtom_badarg);
  if (n == 0) return kNil;
  if (static_cast<uint64_t>(n) > (uint64_t{1} << 32)) return fail(env, kAtom_system_limit);
  Term* cells = alloc_result(env, 2 * static_cast<size_t>(n));
  if (!cells) return kRaised;
  for (int64_t i = 0; i < n; ++i) {
    cells[2 * i] = a[0];
    cells[2 * i + 1] = i + 1 < n ? make_cons(cells + 2 * i + 2) : kNil;
  }
  return make_cons(cells);
}

// The list after the first `n` elements of `l` (as many as it has, if
// fewer); `taken` says how many.
Term skip_prefix(Term l, int64_t n, int64_t& taken) {
  taken = 0;
  for (; taken < n && is_cons(l); ++taken) l = cons_tail(l);
  return l;
}

// A new list of the first `n` elements of `l` (which has at least that
// many), built straight into the heap: no vector of them first.
Term copy_prefix(lzr_env* env, Term l, int64_t n) {
  if (n == 0) return kNil;
  Term* cells = alloc_result(env, 2 * static_cast<size_t>(n));
  if (!cells) return kRaised;
  for (int64_t i = 0; i < n; ++i, l = cons_tail(l)) {
    cells[2 * i] = cons_head(l);
    cells[2 * i + 1] = i + 1 < n ? make_cons(cells + 2 * i + 2) : kNil;
  }
  return make_cons(cells);
}

// split(List, N): {first N elements, the rest}; N beyond the length is badarg.
Term l_split(lzr_env* env, const Term* a, unsigned) {
  int64_t n, taken;
  if (!count_arg(a[1], n) || !is_list(a[0])) return fail(env, kAtom_badarg);
  const Term rest = skip_prefix(a[0], n, taken);
  if (taken < n || !is_list(rest)) return fail(env, kAtom_badarg);
  const Term front = copy_prefix(env, a[0], n);
  if (front == kRaised) return kRaised;
  const Term pair[2] = {front, rest};
  return lib::tuple_of(env, pair);
}

// take(List, N): at most the first N elements (all of a shorter list).
Term l_take(lzr_env* env, const Term* a, unsigned) {
  int64_t n, taken;
  if (!count_arg(a[1], n) || !is_list(a[0])) return fail(env, kAtom_badarg);
  const Term rest = skip_prefix(a[0], n, taken);
  if (!is_list(rest)) return fail(env, kAtom_badarg);
  if (is_nil(rest)) return a[0];  // the whole list: share it
  return copy_prefix(env, a[0], taken);
}

// drop(List, N): what follows the first N elements ([] for a shorter list).
Term l_drop(lzr_env* env, const Term* a, unsigned) {
  int64_t n, taken;
  if (!count_arg(a[1], n) || !is_list(a[0])) return fail(env, kAtom_badarg);
  const Term rest = skip_prefix(a[0], n, taken);
  if (!is_list(rest)) return fail(env, kAtom_badarg);
  return rest;
}

// uniq(List): the first occurrence of each element (exact equality), in order.
Term l_uniq(lzr_env* env, const Term* a, unsigned) {
  std::vector<Term> items;
  if (!list_items(a[0], items)) return fail(env, kAtom_badarg);
  struct Hash {
    size_t operator()(Term t) const { return hash_term(t); }
  };
  struct Same {
    bool operator()(Term x, Term y) const { return exact_equal(x, y); }
  };
  std::unordered_set<Term, Hash, Same> seen;
  seen.reserve(items.size());
  std::vector<Term> out;
  for (Term t : items)
    if (seen.insert(t).second) out.push_back(t);
  if (out.size() == items.size()) return a[0];
  return list_of(env, out);
}

constexpr BuiltinFn kListLib[] = {
    {"sort", 1, guarded<l_sort>},       {"zip", 2, guarded<l_zip>},          {"nth", 2, guarded<l_nth>},
    {"last", 1, guarded<l_last>},       {"member", 2, guarded<l_member>},    {"keyfind", 3, guarded<l_keyfind>},
    {"flatten", 1, guarded<l_flatten>}, {"sum", 1, guarded<l_sum>},          {"max", 1, guarded<l_extreme<true>>},
    {"min", 1, guarded<l_extreme<false>>}, {"duplicate", 2, guarded<l_duplicate>}, {"split", 2, guarded<l_split>},
    {"reverse", 2, guarded<l_reverse_onto>}, {"take", 2, guarded<l_take>},       {"drop", 2, guarded<l_drop>},        {"uniq", 1, guarded<l_uniq>},
};

}  // namespace

void register_lib_list(VM& vm) { add_builtin_module(vm, "list", kListLib); }

}  // namespace lzr

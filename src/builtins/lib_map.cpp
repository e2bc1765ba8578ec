// map: the standard library's map natives (docs/builtins.md, "map"). The
// functions that take a closure (fold, map, filter, update_with) are
// bytecode, lib/map.lzs.
#include <vector>

#include "builtins/lib_support.h"
#include "vm/maps.h"

namespace lzr {
namespace {

using lib::list_items;

// merge(M1, M2): every entry of both; M2's value wins for a key in both.
Term m_merge(lzr_env* env, const Term* a, unsigned) {
  if (!is_map(a[0]) || !is_map(a[1])) return fail(env, kAtom_badarg);
  if (map_size(a[1]) == 0) return a[0];
  if (map_size(a[0]) == 0) return a[1];
  std::vector<Term> kv;
  map_entries(a[0], kv);
  map_entries(a[1], kv);  // later pairs win
  return map_from_pairs(proc(env).heap, kv.data(), kv.size() / 2);
}

// update(Map, Key, Value): Key must be present ({badkey, Key} otherwise).
Term m_update(lzr_env* env, const Term* a, unsigned) {
  if (!is_map(a[0])) return fail(env, kAtom_badarg);
  if (!map_find(a[0], a[1])) return raise_tagged(proc(env), kAtom_badkey, a[1]);
  return map_put(proc(env).heap, a[0], a[1], a[2]);
}

// take(Map, Keys): the entries of the keys in the list that Map has.
Term m_take(lzr_env* env, const Term* a, unsigned) {
  std::vector<Term> keys, kv;
  if (!is_map(a[0]) || !list_items(a[1], keys)) return fail(env, kAtom_badarg);
  for (Term k : keys) {
    if (const Term* v = map_find(a[0], k)) {
      kv.push_back(k);
      kv.push_back(*v);
    }
  }
  return map_from_pairs(proc(env).heap, kv.data(), kv.size() / 2);
}

// from_keys(Keys, Value): each key mapped to Value.
Term m_from_keys(lzr_env* env, const Term* a, unsigned) {
  std::vector<Term> keys, kv;
  if (!list_items(a[0], keys)) return fail(env, kAtom_badarg);
  kv.reserve(2 * keys.size());
  for (Term k : keys) {
    kv.push_back(k);
    kv.push_back(a[1]);
  }
  return map_from_pairs(proc(env).heap, kv.data(), keys.size());
}

constexpr BuiltinFn kMapLib[] = {
    {"merge", 2, guarded<m_merge>},
    {"update", 3, guarded<m_update>},
    {"take", 2, guarded<m_take>},
    {"from_keys", 2, guarded<m_from_keys>},
};

}  // namespace

void register_lib_map(VM& vm) { add_builtin_module(vm, "map", kMapLib); }

}  // namespace lzr

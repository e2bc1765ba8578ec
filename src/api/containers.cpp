// C API: lists, tuples and maps.
#include <span>
#include <vector>

#include "api/api_env.h"
#include "vm/builders.h"
#include "vm/maps.h"

using namespace lzr;
using namespace lzr::api;

extern "C" {

// ---- lists ----

lzr_term lzr_nil(lzr_env*) { return kNil; }

lzr_term lzr_cons(lzr_env* env, lzr_term head, lzr_term tail) {
  if (any_raised({head, tail})) return kRaised;
  return make_cons_cell(heap(env), head, tail);
}

lzr_term lzr_list(lzr_env* env, const lzr_term* items, size_t n) {
  if (n > 0 && !items) return raise(proc(env), kAtom_badarg);
  if (n > kMaxPayloadWords / 2) return raise(proc(env), kAtom_system_limit);  // two words a cell
  if (any_raised(items, n)) return kRaised;
  return make_list(heap(env), std::span<const Term>(items, n));
}

int lzr_get_list_cell(lzr_env*, lzr_term t, lzr_term* head, lzr_term* tail) {
  if (!is_cons(t)) return 0;
  if (head) *head = cons_head(t);
  if (tail) *tail = cons_tail(t);
  return 1;
}

int lzr_get_list_length(lzr_env*, lzr_term t, size_t* len) {
  size_t n = 0;
  for (; is_cons(t); t = cons_tail(t)) ++n;
  if (!is_nil(t)) return 0;
  if (len) *len = n;
  return 1;
}

// ---- tuples ----

lzr_term lzr_tuple(lzr_env* env, const lzr_term* elems, size_t n) {
  if (n > 0 && !elems) return raise(proc(env), kAtom_badarg);
  if (n > kMaxPayloadWords) return raise(proc(env), kAtom_system_limit);
  if (any_raised(elems, n)) return kRaised;
  return make_tuple(heap(env), std::span<const Term>(elems, n));
}

lzr_term lzr_tuple2(lzr_env* env, lzr_term a, lzr_term b) {
  const Term elems[] = {a, b};
  return lzr_tuple(env, elems, 2);
}

lzr_term lzr_tuple3(lzr_env* env, lzr_term a, lzr_term b, lzr_term c) {
  const Term elems[] = {a, b, c};
  return lzr_tuple(env, elems, 3);
}

int lzr_get_tuple(lzr_env*, lzr_term t, const lzr_term** elems, size_t* arity) {
  if (!is_tuple(t)) return 0;
  if (elems) *elems = tuple_elems(t);
  if (arity) *arity = tuple_arity(t);
  return 1;
}

// ---- maps ----

lzr_term lzr_map_new(lzr_env*) { return map_empty(); }

lzr_term lzr_map_from_pairs(lzr_env* env, const lzr_term* kv, size_t n) {
  if (n > 0 && !kv) return raise(proc(env), kAtom_badarg);
  if (n > kMaxPayloadWords / 2) return raise(proc(env), kAtom_system_limit);  // 2n terms
  if (any_raised(kv, 2 * n)) return kRaised;
  return map_from_pairs(heap(env), kv, n);
}

lzr_term lzr_map_put(lzr_env* env, lzr_term map, lzr_term key, lzr_term value) {
  if (any_raised({map, key, value})) return kRaised;
  if (!is_map(map)) return raise_tagged(proc(env), kAtom_badmap, map);
  return map_put(heap(env), map, key, value);
}

lzr_term lzr_map_remove(lzr_env* env, lzr_term map, lzr_term key) {
  if (any_raised({map, key})) return kRaised;
  if (!is_map(map)) return raise_tagged(proc(env), kAtom_badmap, map);
  return map_remove(heap(env), map, key);
}

int lzr_map_get(lzr_env*, lzr_term map, lzr_term key, lzr_term* value) {
  if (!is_map(map) || key == kRaised) return 0;
  const Term* found = map_find(map, key);
  if (!found) return 0;
  if (value) *value = *found;
  return 1;
}

int lzr_get_map_size(lzr_env*, lzr_term map, size_t* size) {
  if (!is_map(map)) return 0;
  if (size) *size = map_size(map);
  return 1;
}

int lzr_map_iterate(lzr_env* env, lzr_term map, lzr_map_visitor visit, void* data) {
  if (!is_map(map)) return 0;
  if (!visit) return 1;
  // A snapshot in key order: the visitor may allocate (no GC runs meanwhile).
  std::vector<Term> kv;
  map_sorted_entries(map, kv);
  for (size_t i = 0; i + 1 < kv.size(); i += 2)
    if (visit(env, kv[i], kv[i + 1], data) != 0) break;
  return 1;
}

}  // extern "C"

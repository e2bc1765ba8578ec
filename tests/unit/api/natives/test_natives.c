/* Natives the C API tests load as native modules (tests/unit/api). Built as
 * a shared library that resolves lzr_* from whatever process loads it: the
 * lzr binary or the test executable. */
#include <lazer.h>
#include <stdlib.h>

/* raise_term(reason): raises reason itself. */
LZR_NATIVE lzr_term raise_term(lzr_env *env, const lzr_term *argv, unsigned argc) {
  (void)argc;
  return lzr_raise(env, argv[0]);
}

/* count_args(...): listed under several arities, returns argc. */
LZR_NATIVE lzr_term count_args(lzr_env *env, const lzr_term *argv, unsigned argc) {
  (void)argv;
  return lzr_int(env, argc);
}

/* one_arg(x): checks its argc, as a native listed under a wrong arity must. */
LZR_NATIVE lzr_term one_arg(lzr_env *env, const lzr_term *argv, unsigned argc) {
  if (argc != 1) return lzr_raise_badarity(env, argv, argc);
  return lzr_tuple2(env, lzr_atom(env, "one"), argv[0]);
}

/* build_big(n): allocates a lot while holding early terms, then returns a
 * structure referencing them. No collection may run inside; the engine
 * collects after we return, with only the result as a root.
 *   {early, list, map, {early, list}}
 * early: the binary "early bird" (allocated first)
 * list:  [0, 1, ..., n-1, early]  built cell by cell from the back
 * map:   %{0 => 0, 2 => 1, ..., 2(m-1) => m-1} for m = n / 5 via
 *        lzr_map_from_pairs, then 1000 lzr_map_put of :k0..:k999 => early */
LZR_NATIVE lzr_term build_big(lzr_env *env, const lzr_term *argv, unsigned argc) {
  int64_t n, m, i;
  lzr_term early, list, map, *kv;
  char name[16];
  if (argc != 1) return lzr_raise_badarity(env, argv, argc);
  if (!lzr_get_int64(env, argv[0], &n) || n < 5) return lzr_raise_atom(env, "badarg");
  early = lzr_string(env, "early bird");
  list = lzr_cons(env, early, lzr_nil(env));
  for (i = n - 1; i >= 0; --i) list = lzr_cons(env, lzr_int(env, i), list);

  m = n / 5;
  kv = malloc((size_t)m * 2 * sizeof(lzr_term));
  if (!kv) return lzr_raise_atom(env, "out_of_memory");
  for (i = 0; i < m; ++i) {
    kv[2 * i] = lzr_int(env, 2 * i);
    kv[2 * i + 1] = lzr_int(env, i);
  }
  map = lzr_map_from_pairs(env, kv, (size_t)m);
  free(kv);
  for (i = 0; i < 1000; ++i) {
    int len = 0;
    int64_t v = i;
    char digits[8];
    int d = 0;
    name[len++] = 'k';
    do {
      digits[d++] = (char)('0' + v % 10);
      v /= 10;
    } while (v > 0);
    while (d > 0) name[len++] = digits[--d];
    map = lzr_map_put(env, map, lzr_atom_n(env, name, (size_t)len), early);
  }
  return lzr_tuple(env, (lzr_term[]){early, list, map, lzr_tuple2(env, early, list)}, 4);
}

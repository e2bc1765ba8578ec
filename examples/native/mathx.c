/* mathx: integer and statistics helpers, as Lazer natives.
 * This file is the worked example of docs/c-api.md. */
#include <lazer.h>

/* mathx.gcd(a, b): the greatest common divisor, never negative. */
LZR_NATIVE lzr_term gcd(lzr_env *env, const lzr_term *argv, unsigned argc) {
  int64_t a, b;
  if (argc != 2) return lzr_raise_badarity(env, argv, argc);
  if (!lzr_get_int64(env, argv[0], &a) || !lzr_get_int64(env, argv[1], &b))
    return lzr_raise_atom(env, "badarg");
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    int64_t r = a % b;
    a = b;
    b = r;
  }
  /* Arguments beyond int64 failed lzr_get_int64 above (badarg); every
   * int64 result is a term (gcd(-2^47, 0) = 2^47 is a big integer). */
  return lzr_int(env, a);
}

/* mathx.divmod(a, b): {quotient, remainder}, floored as the VM's div/mod. */
LZR_NATIVE lzr_term divmod(lzr_env *env, const lzr_term *argv, unsigned argc) {
  int64_t a, b, q, r;
  if (argc != 2) return lzr_raise_badarity(env, argv, argc);
  if (!lzr_get_int64(env, argv[0], &a) || !lzr_get_int64(env, argv[1], &b))
    return lzr_raise_atom(env, "badarg");
  if (b == 0) return lzr_raise_atom(env, "badarith");
  q = a / b;
  r = a % b;
  if (r != 0 && (r < 0) != (b < 0)) {
    q -= 1;
    r += b;
  }
  /* -2^47 div -1 = 2^47: lzr_int makes it a big integer. (Had a builder
   * raised, lzr_tuple2 would pass LZR_RAISED on instead of a tuple.) */
  return lzr_tuple2(env, lzr_int(env, q), lzr_int(env, r));
}

/* mathx.stats(numbers): %{count: n, sum: s, min: a, max: b, mean: m}.
 * Walks the list cell by cell and builds the map with lzr_map_put. */
LZR_NATIVE lzr_term stats(lzr_env *env, const lzr_term *argv, unsigned argc) {
  lzr_term list, head, result, min = 0, max = 0;
  double sum = 0.0, x;
  int64_t count = 0;
  if (argc != 1) return lzr_raise_badarity(env, argv, argc);
  for (list = argv[0]; lzr_get_list_cell(env, list, &head, &list);) {
    if (!lzr_get_number(env, head, &x)) return lzr_raise_tagged(env, "not_a_number", head);
    if (count == 0 || lzr_compare(env, head, min) < 0) min = head;
    if (count == 0 || lzr_compare(env, head, max) > 0) max = head;
    sum += x;
    count += 1;
  }
  if (!lzr_is_nil(env, list)) return lzr_raise_atom(env, "badarg"); /* an improper list */

  result = lzr_map_put(env, lzr_map_new(env), lzr_atom(env, "count"), lzr_int(env, count));
  if (count == 0) return result;
  result = lzr_map_put(env, result, lzr_atom(env, "sum"), lzr_float(env, sum));
  result = lzr_map_put(env, result, lzr_atom(env, "min"), min);
  result = lzr_map_put(env, result, lzr_atom(env, "max"), max);
  return lzr_map_put(env, result, lzr_atom(env, "mean"), lzr_float(env, sum / (double)count));
}

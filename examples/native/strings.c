/* strings: text helpers, as Lazer natives. Binaries are byte strings;
 * upcase changes ASCII letters only. */
#include <lazer.h>
#include <stdlib.h>
#include <string.h>

/* strings.upcase(text) */
LZR_NATIVE lzr_term upcase(lzr_env *env, const lzr_term *argv, unsigned argc) {
  const unsigned char *in;
  unsigned char *out;
  size_t len, i;
  lzr_term result;
  if (argc != 1) return lzr_raise_badarity(env, argv, argc);
  if (!lzr_get_binary(env, argv[0], &in, &len)) return lzr_raise_atom(env, "badarg");
  /* Allocating never moves `in`: the collector waits until we return. */
  result = lzr_binary_alloc(env, len, &out);
  for (i = 0; i < len; ++i) out[i] = (in[i] >= 'a' && in[i] <= 'z') ? (unsigned char)(in[i] - 32) : in[i];
  return result;
}

/* strings.split(text, separator): the pieces between separators, as a list
 * of binaries ("a,b,,c" split by "," is ["a", "b", "", "c"]). */
LZR_NATIVE lzr_term split(lzr_env *env, const lzr_term *argv, unsigned argc) {
  const unsigned char *text, *sep;
  size_t len, sep_len, start = 0, i = 0, count = 0;
  lzr_term *pieces, result;
  if (argc != 2) return lzr_raise_badarity(env, argv, argc);
  if (!lzr_get_binary(env, argv[0], &text, &len) || !lzr_get_binary(env, argv[1], &sep, &sep_len) ||
      sep_len == 0)
    return lzr_raise_atom(env, "badarg");
  /* At most len / sep_len + 1 pieces; the terms in this C array stay valid
   * until we return, like every term we build. */
  pieces = malloc((len / sep_len + 1) * sizeof(lzr_term));
  if (!pieces) return lzr_raise_atom(env, "out_of_memory");
  while (i + sep_len <= len) {
    if (memcmp(text + i, sep, sep_len) == 0) {
      pieces[count++] = lzr_binary(env, text + start, i - start);
      i += sep_len;
      start = i;
    } else {
      i += 1;
    }
  }
  pieces[count++] = lzr_binary(env, text + start, len - start);
  result = lzr_list(env, pieces, count);
  free(pieces);
  return result;
}

/* strings.join(list_of_binaries, separator) */
LZR_NATIVE lzr_term join(lzr_env *env, const lzr_term *argv, unsigned argc) {
  const unsigned char *sep, *piece;
  size_t sep_len, piece_len, total = 0, n = 0;
  lzr_term list, head, result;
  unsigned char *out;
  if (argc != 2) return lzr_raise_badarity(env, argv, argc);
  if (!lzr_get_binary(env, argv[1], &sep, &sep_len)) return lzr_raise_atom(env, "badarg");
  for (list = argv[0]; lzr_get_list_cell(env, list, &head, &list); ++n) {
    if (!lzr_get_binary(env, head, &piece, &piece_len)) return lzr_raise_tagged(env, "not_a_binary", head);
    total += piece_len + (n > 0 ? sep_len : 0);
  }
  if (!lzr_is_nil(env, list)) return lzr_raise_atom(env, "badarg");
  result = lzr_binary_alloc(env, total, &out);
  n = 0;
  for (list = argv[0]; lzr_get_list_cell(env, list, &head, &list); ++n) {
    if (n > 0) {
      memcpy(out, sep, sep_len);
      out += sep_len;
    }
    lzr_get_binary(env, head, &piece, &piece_len);
    memcpy(out, piece, piece_len);
    out += piece_len;
  }
  return result;
}

// Helpers the standard library's natives share (src/builtins/lib_*.cpp).
#pragma once

#include <algorithm>
#include <span>
#include <string_view>
#include <vector>

#include "builtins/builtins.h"
#include "vm/atoms.h"
#include "vm/builders.h"

namespace lzr::lib {

// The elements of a proper list; false for anything else.
inline bool list_items(Term l, std::vector<Term>& out) {
  for (; is_cons(l); l = cons_tail(l)) out.push_back(cons_head(l));
  return is_nil(l);
}

// A list of `items` ending in `tail`, in room the heap may refuse
// (system_limit, then kRaised).
inline Term list_of(lzr_env* env, std::span<const Term> items, Term tail = kNil) {
  if (items.empty()) return tail;
  Term* cells = alloc_result(env, 2 * items.size());
  if (!cells) return kRaised;
  for (size_t i = 0; i < items.size(); ++i) {
    cells[2 * i] = items[i];
    cells[2 * i + 1] = i + 1 < items.size() ? make_cons(cells + 2 * i + 2) : tail;
  }
  return make_cons(cells);
}

inline Term tuple_of(lzr_env* env, std::span<const Term> elems) {
  Term* o = alloc_result(env, 1 + elems.size());
  if (!o) return kRaised;
  o[0] = make_header(BoxKind::Tuple, elems.size());
  for (size_t i = 0; i < elems.size(); ++i) o[1 + i] = elems[i];
  return make_boxed(o);
}

inline Term binary_of(lzr_env* env, std::string_view bytes) {
  uint8_t* data;
  const Term out = alloc_binary_result(env, bytes.size(), data);
  if (out == kRaised) return kRaised;
  if (!bytes.empty()) std::copy(bytes.begin(), bytes.end(), data);
  return out;
}

inline std::string_view bytes_of(Term b) {
  return {reinterpret_cast<const char*>(binary_bytes(b)), static_cast<size_t>(binary_size(b))};
}

// A non-negative small integer argument (a count or an index).
inline bool count_arg(Term t, int64_t& n) {
  if (!is_int(t) || int_value(t) < 0) return false;
  n = int_value(t);
  return true;
}

inline Term boolean(bool b) { return b ? kTrue : kFalse; }

}  // namespace lzr::lib

#include "engine/semantics.h"

#include <cmath>

#include "vm/atoms.h"
#include "vm/builders.h"
#include "vm/libm.h"
#include "vm/maps.h"
#include "vm/term_ops.h"

namespace lzr {

namespace {

Term int_result(Process& p, __int128 v) {
  if (v < kSmallIntMin || v > kSmallIntMax) return raise(p, kAtom_overflow);
  return make_int(static_cast<int64_t>(v));
}

Term float_result(Process& p, double d) {
  if (!std::isfinite(d)) return raise(p, kAtom_badarith);
  return make_float(d);
}

double as_double(Term t) { return is_int(t) ? static_cast<double>(int_value(t)) : float_value(t); }

// Floored division and remainder: a == div * b + mod, mod has b's sign.
int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
int64_t floor_mod(int64_t a, int64_t b) {
  int64_t r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}

Term shift_left(Process& p, int64_t v, int64_t n) {
  if (n <= 0) {
    int64_t m = n < -63 ? 63 : -n;
    return make_int(v >> m);  // arithmetic: rounds toward minus infinity
  }
  if (v == 0) return make_int(0);
  if (n >= 48) return raise(p, kAtom_overflow);
  return int_result(p, static_cast<__int128>(v) * (static_cast<__int128>(1) << n));
}

bool is_bool(Term t) { return t == kTrue || t == kFalse; }

}  // namespace

Term arith(Process& p, ArithOp op, Term a, Term b) {
  switch (op) {
    case ArithOp::Add: case ArithOp::Sub: case ArithOp::Mul: case ArithOp::Div: case ArithOp::Mod:
      if (!is_number(a) || !is_number(b)) return raise(p, kAtom_badarith);
      if (is_int(a) && is_int(b)) {
        __int128 x = int_value(a), y = int_value(b);
        switch (op) {
          case ArithOp::Add: return int_result(p, x + y);
          case ArithOp::Sub: return int_result(p, x - y);
          case ArithOp::Mul: return int_result(p, x * y);
          case ArithOp::Div:
            if (y == 0) return raise(p, kAtom_badarith);
            return int_result(p, floor_div(int_value(a), int_value(b)));
          default:
            if (y == 0) return raise(p, kAtom_badarith);
            return make_int(floor_mod(int_value(a), int_value(b)));
        }
      } else {
        double x = as_double(a), y = as_double(b);
        switch (op) {
          case ArithOp::Add: return float_result(p, x + y);
          case ArithOp::Sub: return float_result(p, x - y);
          case ArithOp::Mul: return float_result(p, x * y);
          case ArithOp::Div:
            if (y == 0.0) return raise(p, kAtom_badarith);
            return float_result(p, x / y);
          default: {
            if (y == 0.0) return raise(p, kAtom_badarith);
            double r = libm::fmod(x, y);
            if (r != 0.0 && ((r < 0) != (y < 0))) r += y;
            return float_result(p, r);
          }
        }
      }
    case ArithOp::Shr: case ArithOp::Shl: {
      if (!is_int(a) || !is_int(b)) return raise(p, kAtom_badarith);
      int64_t n = int_value(b);
      return shift_left(p, int_value(a), op == ArithOp::Shl ? n : -n);
    }
    case ArithOp::Xor: case ArithOp::And: case ArithOp::Or:
      if (is_int(a) && is_int(b)) {
        int64_t x = int_value(a), y = int_value(b);
        int64_t r = op == ArithOp::Xor ? (x ^ y) : op == ArithOp::And ? (x & y) : (x | y);
        return make_int(r);  // bitwise ops of 48-bit values stay in range
      }
      if (is_bool(a) && is_bool(b)) {
        bool x = a == kTrue, y = b == kTrue;
        bool r = op == ArithOp::Xor ? (x != y) : op == ArithOp::And ? (x && y) : (x || y);
        return r ? kTrue : kFalse;
      }
      return raise(p, kAtom_badarg);
  }
  return raise(p, kAtom_badarg);
}

Term op_not(Process& p, Term a) {
  if (is_int(a)) return make_int(~int_value(a));
  if (a == kTrue) return kFalse;
  if (a == kFalse) return kTrue;
  return raise(p, kAtom_badarg);
}

Term op_neg(Process& p, Term a) {
  if (is_int(a)) return int_result(p, -static_cast<__int128>(int_value(a)));
  if (is_float(a)) return make_float(-float_value(a));
  return raise(p, kAtom_badarith);
}

bool compare_holds(CmpOp op, Term a, Term b) {
  switch (op) {
    case CmpOp::Eq: return equal(a, b);
    case CmpOp::Ne: return !equal(a, b);
    default: break;
  }
  int c = compare(a, b);
  switch (op) {
    case CmpOp::Lt: return c < 0;
    case CmpOp::Gt: return c > 0;
    case CmpOp::Lte: return c <= 0;
    default: return c >= 0;
  }
}

namespace {

// Index operand for tuples, lists and binaries: a non-negative integer
// below `limit`, else {badindex, I} (or badarg for a non-integer).
bool check_index(Process& p, Term index, uint64_t limit, uint64_t& out) {
  if (!is_int(index)) {
    raise(p, kAtom_badarg);
    return false;
  }
  int64_t i = int_value(index);
  if (i < 0 || static_cast<uint64_t>(i) >= limit) {
    raise_tagged(p, kAtom_badindex, index);
    return false;
  }
  out = static_cast<uint64_t>(i);
  return true;
}

}  // namespace

Term op_get(Process& p, Term c, Term index) {
  uint64_t i;
  if (is_map(c)) {
    const Term* v = map_find(c, index);
    if (!v) return raise_tagged(p, kAtom_badkey, index);
    return *v;
  }
  if (is_tuple(c)) {
    if (!check_index(p, index, tuple_arity(c), i)) return kRaised;
    return tuple_elems(c)[i];
  }
  if (is_list(c)) {
    if (!is_int(index)) return raise(p, kAtom_badarg);
    int64_t n = int_value(index);
    Term l = c;
    for (int64_t k = 0; k < n && is_cons(l); ++k) l = cons_tail(l);
    if (n < 0 || !is_cons(l)) return raise_tagged(p, kAtom_badindex, index);
    return cons_head(l);
  }
  if (is_binary(c)) {
    if (!check_index(p, index, binary_size(c), i)) return kRaised;
    return make_int(binary_bytes(c)[i]);
  }
  return raise(p, kAtom_badarg);
}

Term op_drop(Process& p, Term c, Term index) {
  uint64_t i;
  if (is_map(c)) return map_remove(p.heap, c, index);
  if (is_tuple(c)) {
    uint64_t n = tuple_arity(c);
    if (!check_index(p, index, n, i)) return kRaised;
    Term* o = p.heap.alloc(n);  // header + n-1 elements
    o[0] = make_header(BoxKind::Tuple, n - 1);
    const Term* e = tuple_elems(c);
    for (uint64_t k = 0, j = 1; k < n; ++k)
      if (k != i) o[j++] = e[k];
    return make_boxed(o);
  }
  if (is_list(c)) {
    if (!is_int(index)) return raise(p, kAtom_badarg);
    int64_t n = int_value(index);
    if (n < 0) return raise_tagged(p, kAtom_badindex, index);
    Term l = c;
    for (int64_t k = 0; k < n; ++k) {
      if (!is_cons(l)) return raise_tagged(p, kAtom_badindex, index);
      l = cons_tail(l);
    }
    return l;
  }
  if (is_binary(c)) {
    uint64_t n = binary_size(c);
    if (!is_int(index)) return raise(p, kAtom_badarg);
    if (int_value(index) < 0 || static_cast<uint64_t>(int_value(index)) > n) {
      return raise_tagged(p, kAtom_badindex, index);
    }
    i = static_cast<uint64_t>(int_value(index));
    std::string_view rest(reinterpret_cast<const char*>(binary_bytes(c)) + i, n - i);
    return make_binary(p.heap, rest);
  }
  return raise(p, kAtom_badarg);
}

Term op_put(Process& p, Term c, Term key, Term value) {
  uint64_t i;
  if (is_map(c)) return map_put(p.heap, c, key, value);
  if (is_tuple(c)) {
    uint64_t n = tuple_arity(c);
    if (!check_index(p, key, n, i)) return kRaised;
    Term* o = p.heap.alloc(n + 1);
    o[0] = make_header(BoxKind::Tuple, n);
    const Term* e = tuple_elems(c);
    for (uint64_t k = 0; k < n; ++k) o[k + 1] = e[k];
    o[i + 1] = value;
    return make_boxed(o);
  }
  if (is_cons(c)) {
    if (!is_int(key)) return raise(p, kAtom_badarg);
    int64_t n = int_value(key);
    if (n < 0) return raise_tagged(p, kAtom_badindex, key);
    // Check the list is long enough before allocating.
    Term l = c;
    for (int64_t k = 0; k < n && is_cons(l); ++k) l = cons_tail(l);
    if (!is_cons(l)) return raise_tagged(p, kAtom_badindex, key);
    Term* cells = p.heap.alloc(2 * static_cast<size_t>(n + 1));
    Term src = c;
    for (int64_t k = 0; k <= n; ++k) {
      Term* cell = cells + 2 * k;
      cell[0] = k == n ? value : cons_head(src);
      cell[1] = k == n ? cons_tail(src) : make_cons(cell + 2);
      src = cons_tail(src);
    }
    return make_cons(cells);
  }
  if (is_nil(c)) return raise_tagged(p, kAtom_badindex, key);
  return raise(p, kAtom_badarg);
}

Term op_type(Term t) {
  if (is_int(t)) return kAtom_integer;
  if (is_float(t)) return kAtom_float;
  if (is_atom(t)) return kAtom_atom;
  if (is_list(t)) return kAtom_list;
  switch (box_kind(t)) {
    case BoxKind::Tuple: return kAtom_tuple;
    case BoxKind::MapFlat: case BoxKind::MapHamt: return kAtom_map;
    case BoxKind::Closure: return kAtom_function;
    default: return kAtom_binary;
  }
}

Term op_size(Process& p, Term t) {
  if (is_tuple(t)) return make_int(static_cast<int64_t>(tuple_arity(t)));
  if (is_map(t)) return make_int(static_cast<int64_t>(map_size(t)));
  if (is_binary(t)) return make_int(static_cast<int64_t>(binary_size(t)));
  if (is_list(t)) {
    int64_t n = 0;
    for (; is_cons(t); t = cons_tail(t)) ++n;
    if (!is_nil(t)) return raise(p, kAtom_badarg);  // improper list
    return make_int(n);
  }
  return raise(p, kAtom_badarg);
}

}  // namespace lzr

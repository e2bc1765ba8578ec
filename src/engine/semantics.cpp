#include "engine/semantics.h"

#include <bit>
#include <cmath>
#include <iterator>
#include <vector>

#include "vm/atoms.h"
#include "vm/bigint.h"
#include "vm/binaries.h"
#include "vm/builders.h"
#include "vm/libm.h"
#include "vm/maps.h"
#include "vm/term_ops.h"

namespace lzr {

namespace {

Term float_result(Process& p, double d) {
  if (!std::isfinite(d)) return raise(p, kAtom_badarith);
  return make_float(d);
}

// A number as a double; false for an integer beyond the float range.
bool as_double(Term t, double& out) {
  if (is_float(t)) {
    out = float_value(t);
    return true;
  }
  return integer_to_double(t, out);
}

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

// An exact result of small operands: small, or (rarely) a big integer.
Term int_result(Process& p, __int128 v) {
  if (v >= kSmallIntMin && v <= kSmallIntMax) [[likely]] return make_int(static_cast<int64_t>(v));
  return make_integer(p.heap, v);
}

// Two small integers: machine arithmetic, and a big result when the
// result leaves the small range.
Term small_arith(Process& p, ArithOp op, int64_t x, int64_t y) {
  switch (op) {
    case ArithOp::Add: return int_result(p, static_cast<__int128>(x) + y);
    case ArithOp::Sub: return int_result(p, static_cast<__int128>(x) - y);
    case ArithOp::Mul: return int_result(p, static_cast<__int128>(x) * y);
    case ArithOp::Div:
      if (y == 0) return raise(p, kAtom_badarith);
      return int_result(p, floor_div(x, y));  // -2^47 div -1 is big
    default:
      if (y == 0) return raise(p, kAtom_badarith);
      return make_int(floor_mod(x, y));
  }
}

Term float_arith(Process& p, ArithOp op, double x, double y) {
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

Term big_arith(Process& p, ArithOp op, Term a, Term b) {
  switch (op) {
    case ArithOp::Add: return integer_add(p, a, b);
    case ArithOp::Sub: return integer_sub(p, a, b);
    case ArithOp::Mul: return integer_mul(p, a, b);
    case ArithOp::Div: return integer_div(p, a, b);
    default: return integer_mod(p, a, b);
  }
}

Term shift(Process& p, ArithOp op, Term a, Term b) {
  if (!is_integer(a) || !is_integer(b)) return raise(p, kAtom_badarith);
  const bool right = op == ArithOp::Shr;
  if (is_int(a) && is_int(b)) {
    const int64_t v = int_value(a), n = right ? -int_value(b) : int_value(b);
    if (n <= 0) return make_int(v >> (n < -63 ? 63 : -n));  // arithmetic: rounds toward minus infinity
    if (n <= 64) return int_result(p, static_cast<__int128>(v) * (static_cast<__int128>(1) << n));
  }
  return integer_shift(p, a, b, right);
}

bool is_bool(Term t) { return t == kTrue || t == kFalse; }

Term bitwise(Process& p, ArithOp op, Term a, Term b) {
  if (is_int(a) && is_int(b)) {
    int64_t x = int_value(a), y = int_value(b);
    int64_t r = op == ArithOp::Xor ? (x ^ y) : op == ArithOp::And ? (x & y) : (x | y);
    return make_int(r);  // bitwise ops of 48-bit values stay in range
  }
  if (is_integer(a) && is_integer(b)) {
    return integer_bitwise(p, op == ArithOp::Xor ? BitOp::Xor : op == ArithOp::And ? BitOp::And : BitOp::Or, a, b);
  }
  if (is_bool(a) && is_bool(b)) {
    bool x = a == kTrue, y = b == kTrue;
    bool r = op == ArithOp::Xor ? (x != y) : op == ArithOp::And ? (x && y) : (x || y);
    return r ? kTrue : kFalse;
  }
  return raise(p, kAtom_badarg);
}

// Erlang's div and rem: truncating, integers of any size only (a float is
// badarith, as is a zero divisor). a == div * b + rem, rem has a's sign.
Term truncating(Process& p, ArithOp op, Term a, Term b) {
  if (is_int(a) && is_int(b)) {
    const int64_t x = int_value(a), y = int_value(b);
    if (y == 0) return raise(p, kAtom_badarith);
    if (op == ArithOp::Rem) return make_int(x % y);
    return int_result(p, x / y);  // -2^47 div -1 is big
  }
  if (!is_integer(a) || !is_integer(b)) return raise(p, kAtom_badarith);
  return op == ArithOp::Rem ? integer_rem(p, a, b) : integer_tdiv(p, a, b);
}

// Integers of any size, or a mix of a float and an integer (converted to
// the nearest float first), or anything else (badarith).
Term mixed_arith(Process& p, ArithOp op, Term a, Term b) {
  if (is_integer(a) && is_integer(b)) return big_arith(p, op, a, b);
  if (!is_numeric(a) || !is_numeric(b)) return raise(p, kAtom_badarith);
  double x, y;
  if (!as_double(a, x) || !as_double(b, y)) return raise(p, kAtom_badarith);
  return float_arith(p, op, x, y);
}

}  // namespace

// The whole definition of the arithmetic and bitwise instructions.
[[gnu::noinline]] Term arith_all(Process& p, ArithOp op, Term a, Term b) {
  switch (op) {
    case ArithOp::Add: case ArithOp::Sub: case ArithOp::Mul: case ArithOp::Div: case ArithOp::Mod:
      if (is_int(a) && is_int(b)) return small_arith(p, op, int_value(a), int_value(b));
      if (is_float(a) && is_float(b)) return float_arith(p, op, float_value(a), float_value(b));
      return mixed_arith(p, op, a, b);
    case ArithOp::Shr: case ArithOp::Shl:
      return shift(p, op, a, b);
    case ArithOp::Xor: case ArithOp::And: case ArithOp::Or:
      return bitwise(p, op, a, b);
    case ArithOp::IDiv: case ArithOp::Rem:
      return truncating(p, op, a, b);
  }
  return raise(p, kAtom_badarg);
}

// The portable engine's generic arithmetic comes here every time: the
// common cases (two small integers with a small result, two floats with a
// finite result, but float mod) are answered without a call, so without a
// stack frame; everything else, errors and big results included, goes to
// arith_all(), which decides every case on its own.
Term arith(Process& p, ArithOp op, Term a, Term b) {
  if (is_int(a) && is_int(b)) {
    const int64_t x = int_value(a), y = int_value(b);
    int64_t r;
    switch (op) {
      case ArithOp::Add: r = x + y; break;  // 48-bit operands: no int64 overflow
      case ArithOp::Sub: r = x - y; break;
      case ArithOp::Mul:
        if (__builtin_mul_overflow(x, y, &r)) return arith_all(p, op, a, b);
        break;
      case ArithOp::Div:
        if (y == 0) return arith_all(p, op, a, b);
        r = floor_div(x, y);
        break;
      case ArithOp::Mod:
        if (y == 0) return arith_all(p, op, a, b);
        return make_int(floor_mod(x, y));
      case ArithOp::IDiv:
        if (y == 0) return arith_all(p, op, a, b);
        r = x / y;
        break;
      case ArithOp::Rem:
        if (y == 0) return arith_all(p, op, a, b);
        return make_int(x % y);
      // Bitwise results of 48-bit operands are 48-bit; shifts within the
      // small range (a count 0..63 right, a left shift that loses no bit).
      case ArithOp::And: return make_int(x & y);
      case ArithOp::Or: return make_int(x | y);
      case ArithOp::Xor: return make_int(x ^ y);
      case ArithOp::Shr:
        if (y < 0 || y > 63) return arith_all(p, op, a, b);
        return make_int(x >> y);
      case ArithOp::Shl:
        if (y < 0 || y > 47) return arith_all(p, op, a, b);
        r = static_cast<int64_t>(static_cast<uint64_t>(x) << y);
        if ((r >> y) != x) return arith_all(p, op, a, b);  // bits lost: a big result
        break;
    }
    if (fits_small(r)) return make_int(r);
    return arith_all(p, op, a, b);  // a big result
  }
  // Two floats, or a float and a small integer (48 bits: exact as a
  // double, the conversion mixed_arith() makes too).
  const bool a_float = is_float(a), b_float = is_float(b);
  if ((a_float || is_int(a)) && (b_float || is_int(b))) {
    const double x = a_float ? float_value(a) : static_cast<double>(int_value(a));
    const double y = b_float ? float_value(b) : static_cast<double>(int_value(b));
    double r;
    switch (op) {
      case ArithOp::Add: r = x + y; break;
      case ArithOp::Sub: r = x - y; break;
      case ArithOp::Mul: r = x * y; break;
      case ArithOp::Div:
        if (y == 0.0) return arith_all(p, op, a, b);
        r = x / y;
        break;
      default: return arith_all(p, op, a, b);
    }
    if (std::isfinite(r)) return make_float(r);
    return arith_all(p, op, a, b);  // raises badarith
  }
  return arith_all(p, op, a, b);
}

Term op_not(Process& p, Term a) {
  if (is_integer(a)) return integer_not(p, a);
  if (a == kTrue) return kFalse;
  if (a == kFalse) return kTrue;
  return raise(p, kAtom_badarg);
}

Term op_neg(Process& p, Term a) {
  if (is_integer(a)) return integer_neg(p, a);
  if (is_float(a)) return make_float(-float_value(a));
  return raise(p, kAtom_badarith);
}

bool compare_holds(CmpOp op, Term a, Term b) {
  switch (op) {
    case CmpOp::Eq: return equal(a, b);
    case CmpOp::Ne: return !equal(a, b);
    default: break;
  }
  int c;
  if ((is_int(a) || is_float(a)) && (is_int(b) || is_float(b))) {
    // Small integers and floats by value, without the term-order walk
    // (48-bit integers convert to double exactly; no NaN terms).
    const double x = is_int(a) ? static_cast<double>(int_value(a)) : float_value(a);
    const double y = is_int(b) ? static_cast<double>(int_value(b)) : float_value(b);
    c = (x > y) - (x < y);
  } else {
    c = compare(a, b);
  }
  switch (op) {
    case CmpOp::Lt: return c < 0;
    case CmpOp::Gt: return c > 0;
    case CmpOp::Lte: return c <= 0;
    default: return c >= 0;
  }
}

namespace {

// A non-small index: a big integer is out of every range ({badindex, I}),
// anything else is not an index at all (badarg).
Term not_an_index(Process& p, Term index) {
  return is_bigint(index) ? raise_tagged(p, kAtom_badindex, index) : raise(p, kAtom_badarg);
}

// Index operand for tuples, lists and binaries: a non-negative integer
// below `limit`, else {badindex, I} (or badarg for a non-integer).
bool check_index(Process& p, Term index, uint64_t limit, uint64_t& out) {
  if (!is_int(index)) {
    not_an_index(p, index);
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

Term op_map_get(Process& p, Term map, Term key) {
  const Term* v = map_find(map, key);
  return v ? *v : raise_tagged(p, kAtom_badkey, key);
}

Term op_get(Process& p, Term c, Term index) {
  uint64_t i;
  if (is_map(c)) return op_map_get(p, c, index);
  if (is_tuple(c)) {
    if (!check_index(p, index, tuple_arity(c), i)) return kRaised;
    return tuple_elems(c)[i];
  }
  if (is_list(c)) {
    if (!is_int(index)) return not_an_index(p, index);
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
    if (!is_int(index)) return not_an_index(p, index);
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
    if (!is_int(index)) return not_an_index(p, index);
    if (int_value(index) < 0 || static_cast<uint64_t>(int_value(index)) > n) {
      return raise_tagged(p, kAtom_badindex, index);
    }
    i = static_cast<uint64_t>(int_value(index));
    return binary_slice(p.heap, c, i, n - i);
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
    if (!is_int(key)) return not_an_index(p, key);
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
  if (is_integer(t)) return kAtom_integer;
  if (is_float(t)) return kAtom_float;
  if (is_atom(t)) return kAtom_atom;
  if (is_list(t)) return kAtom_list;
  if (is_pid(t)) return kAtom_pid;
  if (is_ref(t)) return kAtom_reference;
  switch (box_kind(t)) {
    case BoxKind::Tuple: return kAtom_tuple;
    case BoxKind::MapFlat: case BoxKind::MapHamt: return kAtom_map;
    case BoxKind::Closure: return kAtom_function;
    default: return kAtom_binary;  // Binary, SubBinary
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

// ---------------------------------------------------------------------------
// Binaries.

Term op_bread(Process& p, BinRead kind, Term bin, Term& pos, Term size) {
  if (!is_binary(bin) || !is_int(pos) || int_value(pos) < 0) return raise(p, kAtom_badarg);
  unsigned bits = 0;
  if (kind == BinRead::Bytes) {
    if (!is_int(size) || int_value(size) < 0) return raise(p, kAtom_badarg);
    const uint64_t at = static_cast<uint64_t>(int_value(pos)), n = static_cast<uint64_t>(int_value(size));
    const uint64_t bytes = binary_size(bin);
    if (at % 8 != 0 || at / 8 > bytes || n > bytes - at / 8) return kNil;
    const Term out = binary_slice(p.heap, bin, at / 8, n);
    pos = make_int(static_cast<int64_t>(at + 8 * n));
    return out;
  }
  if (kind != BinRead::Utf8) {
    if (!is_int(size) || int_value(size) < 1 || int_value(size) > 64) return raise(p, kAtom_badarg);
    bits = static_cast<unsigned>(int_value(size));
    const bool little = kind == BinRead::IntL || kind == BinRead::SIntL || kind == BinRead::FloatL;
    const bool is_float_read = kind == BinRead::Float || kind == BinRead::FloatL;
    if ((little && bits % 8 != 0) || (is_float_read && bits != 32 && bits != 64)) return raise(p, kAtom_badarg);
  }
  const uint64_t at = static_cast<uint64_t>(int_value(pos));
  const uint64_t total = 8 * binary_size(bin);
  const uint8_t* bytes = binary_bytes(bin);
  if (kind == BinRead::Utf8) {
    if (at % 8 != 0 || at >= total) return kNil;
    const CodePoint cp = read_utf8(bytes, at / 8, total / 8);
    if (cp.length == 0) return kNil;
    pos = make_int(static_cast<int64_t>(at + 8 * cp.length));
    return make_int(cp.value);
  }
  if (at > total || bits > total - at) return kNil;
  const bool little = kind == BinRead::IntL || kind == BinRead::SIntL || kind == BinRead::FloatL;
  const uint64_t raw = read_bits(bytes, at, bits, little);
  Term value;
  switch (kind) {
    case BinRead::Float: case BinRead::FloatL: {
      const double d = bits == 32 ? static_cast<double>(std::bit_cast<float>(static_cast<uint32_t>(raw)))
                                  : std::bit_cast<double>(raw);
      if (!std::isfinite(d)) return kNil;  // the VM has no NaN or infinity: no match
      value = make_float(d);
      break;
    }
    case BinRead::SInt: case BinRead::SIntL: {
      const int64_t v = bits == 64 ? static_cast<int64_t>(raw) : static_cast<int64_t>(raw << (64 - bits)) >> (64 - bits);
      value = fits_small(v) ? make_int(v) : make_integer(p.heap, v);
      break;
    }
    default:
      value = raw <= static_cast<uint64_t>(kSmallIntMax) ? make_int(static_cast<int64_t>(raw))
                                                         : make_integer(p.heap, static_cast<__int128>(raw));
  }
  pos = make_int(static_cast<int64_t>(at + bits));
  return value;
}

Term op_brest(Process& p, Term bin, Term pos) {
  if (!is_binary(bin) || !is_int(pos) || int_value(pos) < 0) return raise(p, kAtom_badarg);
  const uint64_t at = static_cast<uint64_t>(int_value(pos));
  const uint64_t size = binary_size(bin);
  if (at % 8 != 0 || at / 8 > size) return kNil;
  return binary_slice(p.heap, bin, at / 8, size - at / 8);
}

Term op_map(Process& p, const CtorInfo* c, Term* const* base) noexcept {
  const size_t words = 2 * size_t{c->count};
  Term flat[2 * kMapFlatMax];
  std::vector<Term> large;
  Term* kv = flat;
  if (words > std::size(flat)) {
    large.resize(words);
    kv = large.data();
  }
  for (size_t i = 0; i < words; ++i) kv[i] = base[operand_kind(c->ops[i])][operand_index(c->ops[i])];
  return map_from_pairs(p.heap, kv, c->count);
}

Term op_bappend(Process& p, Term bin, Term piece) {
  if (!is_binary(bin)) return raise(p, kAtom_badarg);
  AppendError error;
  const Term out = binary_append(p.heap, bin, piece, error);
  if (error == AppendError::BadPiece) return raise(p, kAtom_badarg);
  if (error == AppendError::TooLarge) return raise(p, kAtom_system_limit);
  return out;
}

}  // namespace lzr
